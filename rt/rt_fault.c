/* Fault containment: what happens when firmware faults inside a runtime
 * call. The whole path, in order:
 *  1. rt_call (rt_call.asm) saved the caller's stack in rt_saved_rsp and
 *     switched to the runtime address space before calling firmware;
 *  2. the CPU raises an exception; the hypervisor's entry stub records the
 *     CR3 it interrupted, switches back to its own tables and calls
 *     rt_contain_fault with the vector, error code, RIP, CR2 and whether
 *     that CR3 was the runtime address space's (hv/runtime.c);
 *  3. here: decide whether the fault is the firmware's, record it with the
 *     memory-map descriptors RIP and CR2 fall in, switch off every group
 *     whose driver the service enters (rt_group.c), and hand back where to
 *     resume: rt_call_abort on the saved
 *     stack, which returns EFI_ABORTED to the service's caller.
 * Pure: host tests call it directly. */
#include "rt_gate.h"
#include "bootinfo.h"
#include "loader/fmt.h"
#include "excname.h"

/* SDM Vol. 3A Table 6-1. */
#define VEC_NMI	2
#define VEC_PF	14
#define VEC_MC	18

const char *rt_fault_name(uint64_t vector)
{
	return vector == RT_FAULT_HUNG ? "no return within its deadline" : exc_name(vector);
}

/* The descriptor whose virtual range holds va, and the offset into it. */
static void locate(uint64_t va, int64_t *desc, uint64_t *off)
{
	const struct efi_mdesc *m = rt_gate.env.map;

	*desc = -1;
	*off = 0;
	for (size_t i = 0; m && i < rt_gate.env.map_count; i++) {
		if (m[i].va && va >= m[i].va && va - m[i].va < (m[i].npages << EFI_PAGE_SHIFT)) {
			*desc = (int64_t)i;
			*off = va - m[i].va;
			return;
		}
	}
}

/* A call that faults more often than this is not healing: contain it. */
#define HEALS_PER_CALL	8
#define PF_PRESENT	1ULL		/* #PF error code bit 0 (SDM Vol. 3A §4.7) */

const struct rt_quirk *rt_quirks(size_t *count)
{
	*count = rt_gate.nquirks;
	return rt_gate.quirks;
}

bool rt_heal_fault(uint64_t error, uint64_t rip, uint64_t cr2, bool from_rt_space)
{
	struct rt_heal h;

	/* Every rung from heal up heals (alias and identity start with more
	 * mapped, and may still meet an address they did not foresee). */
	if (!rt_gate.busy || !from_rt_space || rt_gate.env.compat < HV_RT_COMPAT_HEAL ||
	    (error & PF_PRESENT) ||
	    rt_gate.heals_this_call >= HEALS_PER_CALL || rt_gate.nquirks >= RT_QUIRKS_MAX)
		return false;
	if (rt_heal_plan(rt_gate.env.map, rt_gate.env.map_count, cr2, &h))
		return false;
	if (!rt_alias_install(h.pa, h.len, h.exec, h.uncached))
		return false;
	rt_gate.heals_this_call++;
	for (size_t i = 0; i < rt_gate.nquirks; i++)
		if (rt_gate.quirks[i].alias.pa == h.pa && rt_gate.quirks[i].alias.len == h.len)
			return true;	/* a stale TLB entry: logged already */
	rt_gate.quirks[rt_gate.nquirks++] = (struct rt_quirk){
		.svc = rt_gate.current, .addr = cr2, .rip = rip, .alias = h,
	};
	return true;
}

bool rt_contain_fault(uint64_t vector, uint64_t error, uint64_t rip, uint64_t cr2,
		      bool from_rt_space, uint64_t *resume_rip, uint64_t *resume_rsp)
{
	struct rt_fault *f = &rt_gate.fault;
	enum rt_svc svc = rt_gate.current;
	uint32_t groups = rt_svc_uses(svc);
	char off[48], what[48];

	/* Only a fault while firmware runs, in the firmware's address space,
	 * is the firmware's: one in the hypervisor's own code around the call
	 * (before the switch, or after it back) is a hypervisor bug. An NMI or
	 * a machine check comes from the platform, never from the firmware's
	 * code. A double fault is the firmware's by the same rule as any
	 * other: the CPU raises it when a fault strikes while another is being
	 * delivered, typically because the stack the firmware left cannot take
	 * the frame (SDM Vol. 3A §6.15, Interrupt 8); the IST gave it a good
	 * stack, and the call is abandoned from rt_saved_rsp, which the firmware
	 * never sees. Its saved RIP is not architecturally defined (same
	 * section); it is recorded as the CPU left it. */
	if (!rt_gate.busy || !from_rt_space || vector == VEC_NMI || vector == VEC_MC)
		return false;
	*f = (struct rt_fault){
		.happened = true, .svc = svc, .vector = vector, .error = error,
		.rip = rip, .cr2 = cr2,
	};
	locate(rip, &f->rip_desc, &f->rip_off);
	locate(cr2, &f->cr2_desc, &f->cr2_off);
	rt_gate.stats.faults[svc]++;
	rt_groups_text(groups, off, sizeof(off));
	fmt_snprintf(what, sizeof(what), "%s", rt_fault_name(vector));
	if (vector == RT_FAULT_HUNG) {
		/* The deadline the watchdog held the call to (rt_deadline.c). */
		size_t n = fmt_snprintf(what, sizeof(what), "no return within ");

		rt_duration_text(rt_deadline_ms(&rt_gate.env.deadlines, svc), what + n,
				 sizeof(what) - n);
	}
	if (vector == VEC_PF)
		fmt_snprintf(rt_gate.reason, sizeof(rt_gate.reason),
			     "%s at 0x%llx in %s, cr2 0x%llx; %s services off",
			     what, (unsigned long long)rip, rt_svc_name(svc),
			     (unsigned long long)cr2, off);
	else
		fmt_snprintf(rt_gate.reason, sizeof(rt_gate.reason),
			     "%s at 0x%llx in %s; %s services off", what,
			     (unsigned long long)rip, rt_svc_name(svc), off);
	rt_gate_groups_off(groups);
	rt_gate.busy = false;
	*resume_rip = rt_ptr(rt_call_abort);
	*resume_rsp = rt_saved_rsp;
	return true;
}
