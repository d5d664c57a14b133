/* The hypervisor's half of the runtime layer (see runtime.h). */
#include "runtime.h"

#include "rt/rt.h"
#include "hv.h"
#include "layout.h"
#include "kprintf.h"
#include "loader/fmt.h"
#include "loader/rttable.h"
#include "rt_space.h"
#include "rt_watchdog.h"
#include "mm.h"

extern uint64_t trap_cr3;	/* isr.asm: the CR3 the trap interrupted */

/* The trap came from the runtime address space (firmware, or the call
 * stub while it is switched). Without one (rt_space not set up) every
 * trap during a call counts as the firmware's. */
static bool trap_from_rt_space(void)
{
	if (!rt_call_rt_cr3)
		return true;
	return ((trap_cr3 ^ rt_call_rt_cr3) & CR3_ADDR_MASK) == 0;
}

/* The runtime code every service pointer is checked against (rt_code.h). */
static struct rt_code_range code_ranges[RT_CODE_RANGES_MAX];

bool hv_rt_trap(struct hv_trap_frame *tf)
{
	uint64_t cr2 = 0, rip, rsp, vector = tf->vector;

	if (vector >= 32) {
		/* An interrupt: the watchdog's tick, or a stray one. Either
		 * way it is handled here; only an expired call goes on to be
		 * contained, as RT_FAULT_HUNG. */
		bool abandon;

		rt_watchdog_interrupt(vector, &abandon);
		if (!abandon)
			return true;
		vector = RT_FAULT_HUNG;
	} else if (vector == HV_VEC_PF) {
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		/* rt_compat heal: an alias, and the instruction runs again. */
		if (rt_heal_fault(tf->error, tf->rip, cr2, trap_from_rt_space()))
			return true;
	}
	if (!rt_contain_fault(vector, tf->error, tf->rip, cr2, trap_from_rt_space(), &rip, &rsp))
		return vector == RT_FAULT_HUNG;	/* a tick outside firmware: resume */
	/* rt_call_abort takes the status in RAX and the firmware's RFLAGS in
	 * RDX, and runs with interrupts off until it restores the
	 * hypervisor's own RFLAGS (rt/rt_call.asm). */
	tf->rdx = tf->rflags;
	tf->rflags = RFLAGS_FIXED;
	tf->rip = rip;
	tf->rsp = rsp;
	tf->rax = EFI_ABORTED;
	return true;
}

void hv_rt_init(const struct hv_bootinfo *bi)
{
	size_t count;
	struct rt_env env = {
		.table_va = bi->runtime_table_va,
		.supported = bi->rt_supported,
		.stack_top = HV_RTSTACK_TOP_VA,
		.compat = bi->rt_compat,
	};

	env.map = bootinfo_memmap(bi, &count);
	env.map_count = count;
	env.code = code_ranges;
	env.code_count = rt_code_ranges(env.map, count,
					(const struct efi_mdesc *)(uintptr_t)bi->mat.va,
					bi->mat.va ? bi->mat_count : 0, code_ranges,
					RT_CODE_RANGES_MAX);
	/* Identity: the table's VA is its PA, mapped only in the runtime
	 * space; the hypervisor reads it through the direct map. */
	if (bi->rt_compat == HV_RT_COMPAT_IDENTITY && bi->runtime_table_va)
		env.table_va = mm_pa_ptr_checked(bi->runtime_table_pa, RTTABLE_BYTES)
			? HV_DIRECT_MAP_BASE + bi->runtime_table_pa : 0;
	env.deadlines = (struct rt_deadlines){
		.read_ms = bi->rt_deadline_read_ms, .write_ms = bi->rt_deadline_write_ms,
	};
	rt_space_init(bi);
	if (rt_space_get()->active)
		env.tsc_per_ms = rt_watchdog_init(&env.deadlines);
	rt_init(&env, bi->rt_state == HV_RT_ENABLED && bi->runtime_table_va, bi->rt_reason);
}

enum hv_rt_reset_result hv_rt_reset(int kind, char *why, size_t cap)
{
	efi_status_t st;
	uint64_t fn;

	if (!rt_svc_usable(RT_RESET_SYSTEM)) {
		if (!rt_available())
			fmt_snprintf(why, cap, "runtime services unavailable: %s",
				     rt_disabled_reason());
		else if (!(hv_bi->rt_supported & rt_svc_property_bit(RT_RESET_SYSTEM)))
			fmt_snprintf(why, cap, "not supported by the firmware");
		else if (rt_svc_refused(RT_RESET_SYSTEM, &fn))
			fmt_snprintf(why, cap, "its service pointer 0x%llx was outside runtime code",
				     (unsigned long long)fn);
		else	/* its group is off after a fault */
			fmt_snprintf(why, cap, "%s", rt_svc_off_reason(RT_RESET_SYSTEM));
		return HV_RT_RESET_UNAVAILABLE;
	}
	st = rt_reset_system(kind, 0);
	if (st == EFI_UNSUPPORTED && rt_svc_refused(RT_RESET_SYSTEM, &fn)) {
		fmt_snprintf(why, cap, "its service pointer 0x%llx is outside runtime code",
			     (unsigned long long)fn);
		return HV_RT_RESET_UNAVAILABLE;
	}
	if (st == EFI_ABORTED && rt_last_fault()->happened &&
	    rt_last_fault()->svc == RT_RESET_SYSTEM) {
		fmt_snprintf(why, cap, "%s: %s",
			     rt_last_fault()->vector == RT_FAULT_HUNG ? "hung" : "faulted",
			     rt_disabled_reason());
		return HV_RT_RESET_FAULTED;
	}
	return HV_RT_RESET_RETURNED;
}
