/* Guests under SVM with nested paging (README: Guests; AMD APM Vol. 2
 * ch. 15). Guest-physical memory is guest_mem of EfiConventionalMemory at
 * GPA 0 and nothing else: the nested tables map no runtime region, no
 * MMIO, no page of the hypervisor. Every I/O port and MSR access exits;
 * COM1 and port 0xF4 are emulated, everything else reads as absent.
 * Hypercalls go through hcall.c to rt/. The guest's registers and memory
 * are never trusted: they are inputs, checked where used. This file
 * brings SVM up, sets the entry state and runs the loop; exits.c serves
 * each exit. */
#include "guest.h"

#include <stdarg.h>
#include "guest_linux.h"
#include "guestimg.h"
#include "svm.h"
#include "vcpu.h"
#include "hv/vm/linux/bzimage.h"
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/hv.h"
#include "hv/kprintf.h"
#include "hv/timer.h"
#include "hv/lib.h"
#include "hv/mm.h"
#include "hv/trap.h"
#include "loader/fmt.h"
#include "rt/rt.h"

#define GUEST_ASID	1
/* The time slice: how long a guest runs before the run loop looks at the
 * consoles again (Ctrl-]), from the calibrated timer (hv/timer.c). */
#define SLICE_MS	10
#define CTRL_RBRACKET	0x1D		/* Ctrl-] */

struct guest_record guest_records[HV_MODULE_MAX];

/* Why the last guest_run could not start the guest. */
static char start_failure[256];

static const char *fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(start_failure, sizeof(start_failure), fmt, ap);
	va_end(ap);
	return start_failure;
}


struct vm_area vm;
struct vcpu vcpu;

const struct guest_record *guest_record(uint32_t index)
{
	return index < HV_MODULE_MAX ? &guest_records[index] : NULL;
}

/* ---------------------------------------------------------------- bring-up */

const char *guest_svm_missing(void)
{
	uint32_t r[4];

	/* APM Vol. 2 §15.4: CPUID 8000_0001h ECX bit 2 = SVM; §15.25:
	 * 8000_000Ah EDX bit 0 = nested paging; VM_CR.SVMDIS set by firmware. */
	cpu_cpuid(0x80000000, 0, r);
	if (r[0] < 0x8000000A)
		return "this CPU has no SVM (AMD-V); guests need SVM with nested paging";
	cpu_cpuid(0x80000001, 0, r);
	if (!(r[2] & CPUID_80000001_ECX_SVM))
		return "this CPU has no SVM (AMD-V); guests need SVM with nested paging";
	cpu_cpuid(0x8000000A, 0, r);
	if (!(r[3] & CPUID_8000000A_EDX_NP))
		return "this CPU's SVM has no nested paging (NPT)";
	if (cpu_rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "SVM is disabled by the firmware (VM_CR.SVMDIS)";
	return NULL;
}

static void *npt_alloc(void *ctx, uint64_t *pa)
{
	(void)ctx;
	if (vm.npt_next + HV_PAGE_SIZE > CTRL_BYTES)
		return NULL;
	*pa = vm.ctrl_pa + vm.npt_next;
	vm.npt_next += HV_PAGE_SIZE;
	memset(hv_pa_to_va(*pa), 0, HV_PAGE_SIZE);
	return hv_pa_to_va(*pa);
}

/* The guest memory module index runs with: its `guest_mem = NAME SIZE`,
 * else guest_mem. */
static uint64_t guest_mem_of(uint32_t index)
{
	uint64_t own = hv_bi->module_ext[index].guest_mem_bytes;

	return own ? own : hv_bi->guest_mem_bytes ? hv_bi->guest_mem_bytes : HV_GUEST_MEM_DEFAULT;
}

/* The nested tables of one run: GPA 0..mem_bytes -> guest memory, U=1 at
 * every level, nothing else. NULL, or why not. */
static const char *npt_build(uint64_t mem_bytes)
{
	struct pt_builder npt = {
		.alloc_page = npt_alloc, .pa_to_ptr = mm_direct_ptr, .ctx = NULL,
		.allow_1g = false, .allow_nx = false, .user = true,
	};
	const char *why;

	vm.npt_next = CTRL_NPT;
	why = pt_init(&npt);
	if (!why)
		why = pt_map_range(&npt, 0, vm.mem_pa, mem_bytes, PT_MAP_W | PT_MAP_X);
	if (why)
		return fail("cannot build the nested page tables: %s", why);
	vm.npt_root = npt.root_pa;
	vm.mem_bytes = mem_bytes;
	return NULL;
}

/* A run of pool_bytes + the control area in EfiConventionalMemory, mapped
 * in the direct map: vm.mem_pa. */
static bool pick_pool(uint64_t pool_bytes)
{
	const struct efi_mdesc *map;
	size_t n;

	map = bootinfo_memmap(hv_bi, &n);
	return guestimg_pick_memory(map, n, pool_bytes + CTRL_BYTES, &vm.mem_pa) &&
	       mm_va_mapped(HV_DIRECT_MAP_BASE + vm.mem_pa, pool_bytes + CTRL_BYTES, true);
}

/* Takes the guest memory pool and the control area, zeroes the pool (it
 * held the firmware's and the loader's data) and turns SVM on. The pool
 * is the most any module asks for, taken once; where memory has no run
 * that long, the size this run needs, taken again when a later run needs
 * more (guest memory is zeroed after every run, so nothing moves with
 * it). NULL, or why not. */
static const char *guest_setup(uint64_t need_bytes)
{
	uint64_t want = 0;
	const char *why;

	if (vm.ready && vm.pool_bytes >= need_bytes)
		return NULL;
	for (uint32_t i = 0; i < hv_bi->module_count && i < HV_MODULE_MAX; i++)
		if (guest_mem_of(i) > want)
			want = guest_mem_of(i);
	if (want < need_bytes)
		want = need_bytes;
	if (!pick_pool(want)) {
		want = need_bytes;
		if (!pick_pool(want))
			return fail("no EfiConventionalMemory run of %lu MiB for guest memory",
				    (unsigned long)((want + CTRL_BYTES) >> 20));
	}
	vm.pool_bytes = want;
	vm.ctrl_pa = vm.mem_pa + vm.pool_bytes;
	vm.mem = hv_pa_to_va(vm.mem_pa);
	vm.ctrl = hv_pa_to_va(vm.ctrl_pa);
	memset(vm.mem, 0, vm.pool_bytes);
	memset(vm.ctrl, 0, CTRL_NPT);
	memset(vm.ctrl + CTRL_IOPM, 0xFF, 0x3000);	/* every port exits */
	if (vm.ready) {
		cpu_wrmsr(MSR_VM_HSAVE_PA, vm.ctrl_pa + CTRL_HSAVE);
		return NULL;
	}
	why = timer_init();
	if (why)
		return fail("no timer for the time slice: %s", why);

	/* APM Vol. 2 §15.4: EFER.SVME before any SVM instruction; the host
	 * save area's address before the first VMRUN. */
	cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_SVME);
	cpu_wrmsr(MSR_VM_HSAVE_PA, vm.ctrl_pa + CTRL_HSAVE);
	vm.ready = true;
	return NULL;
}

/* ---------------------------------------------------------------- VMCB */

static void vmcb_seg(uint32_t off, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	uint8_t *p = vm.ctrl + CTRL_VMCB + off;

	*(uint16_t *)p = sel;
	*(uint16_t *)(p + 2) = attrib;
	*(uint32_t *)(p + 4) = limit;
	*(uint64_t *)(p + 8) = base;
}

/* The entry state of README: Guest ABI: 64-bit mode, paging on with the
 * identity map, interrupts off, flat segments, no IDT (an exception is a
 * triple fault, which stops the guest). */
static void vmcb_init(const struct guest_entry *e)
{
	memset(vm.ctrl + CTRL_VMCB, 0, HV_PAGE_SIZE);
	memset(vm.ctrl + CTRL_HOST_VMCB, 0, HV_PAGE_SIZE);
	/* INVD would drop the host's dirty cache lines; MONITOR/MWAIT could
	 * park the CPU; the SVM instructions are the hypervisor's. */
	*vmcb32(VMCB_INTERCEPT_MISC1) = SVM_ICPT1_INTR | SVM_ICPT1_CPUID | SVM_ICPT1_INVD |
					SVM_ICPT1_HLT | SVM_ICPT1_INVLPGA | SVM_ICPT1_IOIO |
					SVM_ICPT1_MSR | SVM_ICPT1_SHUTDOWN;
	/* XSETBV: the guest's XCR0 is checked where the CPU offers the
	 * intercept; where it does not (QEMU TCG) vm/cpustate.c reads it
	 * back after every exit, and the CPU itself has checked it. */
	*vmcb32(VMCB_INTERCEPT_MISC2) = SVM_ICPT2_VMRUN | SVM_ICPT2_VMMCALL | SVM_ICPT2_VMLOAD |
					SVM_ICPT2_VMSAVE | SVM_ICPT2_STGI | SVM_ICPT2_CLGI |
					SVM_ICPT2_SKINIT | SVM_ICPT2_MONITOR | SVM_ICPT2_MWAIT |
					SVM_ICPT2_MWAIT_COND | SVM_ICPT2_XSETBV;
	*vmcb64(VMCB_IOPM_BASE) = vm.ctrl_pa + CTRL_IOPM;
	*vmcb64(VMCB_MSRPM_BASE) = vm.ctrl_pa + CTRL_MSRPM;
	*vmcb32(VMCB_ASID) = GUEST_ASID;
	/* No flush-by-ASID on every CPU (TCG has none): flush all on each
	 * VMRUN (TLB_CONTROL 1, APM Vol. 2 §15.16.1). */
	*(vm.ctrl + CTRL_VMCB + VMCB_TLB_CONTROL) = 1;
	*vmcb64(VMCB_VINTR) = SVM_V_INTR_MASKING;
	*vmcb64(VMCB_NP_ENABLE) = 1;
	*vmcb64(VMCB_N_CR3) = vm.npt_root;

	/* Attributes: type, S, DPL, P in bits 0..7; AVL, L, D/B, G in 8..11. */
	vmcb_seg(VMCB_CS, GUEST_SEL_CODE, 0x0A9B, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_DS, GUEST_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_ES, GUEST_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_SS, GUEST_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_FS, GUEST_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_GS, GUEST_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_GDTR, 0, 0, GUEST_GDT_LIMIT, GUEST_GDT_GPA);
	vmcb_seg(VMCB_IDTR, 0, 0, 0, 0);
	vmcb_seg(VMCB_LDTR, 0, 0x0082, 0, 0);
	vmcb_seg(VMCB_TR, 0, 0x008B, 0x67, 0);		/* busy 64-bit TSS */
	*(vm.ctrl + CTRL_VMCB + VMCB_CPL) = 0;
	*vmcb64(VMCB_EFER) = EFER_LME | EFER_LMA | EFER_SVME;
	*vmcb64(VMCB_CR0) = 0x80050033ULL;	/* PG WP AM NE ET MP PE */
	*vmcb64(VMCB_CR3) = e->cr3;
	*vmcb64(VMCB_CR4) = 0x20;		/* PAE */
	*vmcb64(VMCB_DR6) = 0xFFFF0FF0ULL;
	*vmcb64(VMCB_DR7) = 0x400;
	*vmcb64(VMCB_RFLAGS) = 0x2;		/* IF = 0 */
	*vmcb64(VMCB_RIP) = e->rip;
	*vmcb64(VMCB_RSP) = e->rsp;
	*vmcb64(VMCB_RAX) = 0;
	*vmcb64(VMCB_G_PAT) = 0x0007040600070406ULL;	/* the power-on PAT */
	memset(&vcpu.gprs, 0, sizeof(vcpu.gprs));
	vcpu.gprs.rdi = e->rdi;
}

/* ---------------------------------------------------------------- run */

/* What was typed since the last exit, through the console layer (COM1
 * and the PS/2 keyboard alike, README: Guests): Ctrl-] stops the guest
 * (true), anything else waits for the guest's COM1; a byte typed while
 * GUEST_INPUT_MAX wait unread is dropped, as a UART's overrun would. */
static bool take_input(void)
{
	int c;

	while ((c = console_getc_nonblock()) >= 0) {
		if (c == CTRL_RBRACKET) {
			guest_stop("stopped by Ctrl-]");
			return true;
		}
		if (vcpu.input_len < GUEST_INPUT_MAX)
			vcpu.input[(vcpu.input_head + vcpu.input_len++) % GUEST_INPUT_MAX] = (uint8_t)c;
	}
	return false;
}

uint32_t guest_vars_mode(uint32_t index, const char **why)
{
	bool pinned = index < 32 && (hv_bi->module_pinned >> index & 1);

	return hcall_policy_mode(hv_bi->guest_vars, hv_bi->secure_boot, pinned, why);
}

const char *guest_run(uint32_t index, const char *args)
{
	const struct hv_module *m = &hv_bi->modules[index];
	struct guest_record *r = &guest_records[index];
	struct guest_entry e;
	struct linux_entry le;
	struct elf_image img;
	const void *file;
	const char *why, *missing = guest_svm_missing();
	uint64_t exit_tsc = 0;		/* when the last #VMEXIT came back */
	bool is_linux;
	int bad;

	if (missing)
		return fail("guest %s: %s", m->name, missing);
	file = mm_pa_ptr_checked(m->pa, m->size_bytes ? m->size_bytes : 1);
	if (!file)
		return fail("guest %s: image at pa 0x%lx is not mapped", m->name, m->pa);
	why = guest_setup(guest_mem_of(index));
	if (why)
		return why;
	why = npt_build(guest_mem_of(index));
	if (why)
		return why;
	is_linux = bzimage_detect(file, m->size_bytes);
	if (is_linux) {
		why = guest_linux_prepare(index, args, &le);
		if (why)
			return fail("guest %s: %s", m->name, why);
		e = (struct guest_entry){ .rip = le.rip, .rsp = le.rsp, .cr3 = le.cr3 };
	} else {
		why = guestimg_validate(file, m->size_bytes, vm.mem_bytes, &img, &bad);
		if (why && bad >= 0)
			return fail("guest %s: segment %d: %s", m->name, bad, why);
		if (why)
			return fail("guest %s: %s", m->name, why);
		why = guestimg_prepare(vm.mem, vm.mem_bytes, file, &img, args, &e);
		if (why)
			return fail("guest %s: %s", m->name, why);
	}

	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.index = index;
	vcpu.name = m->name;
	vcpu.is_linux = is_linux;
	vcpu.hc.mem = vm.mem;
	vcpu.hc.mem_bytes = vm.mem_bytes;
	vcpu.hc.policy.mode = guest_vars_mode(index, &why);
	memcpy(&vcpu.hc.policy.guid, hv_bi->guest_vars_guid, 16);
	vcpu.hc.svc = &guest_hcall_services;
	vm_cpustate_reset(&vcpu.cpu);
	memset(r, 0, sizeof(*r));
	r->runs = 1;
	r->mem_pa = vm.mem_pa;
	memset(vm.ctrl + CTRL_MSRPM, 0xFF, 0x2000);	/* every MSR access exits */
	vmcb_init(&e);
	if (!timer_slice_start(SLICE_MS))
		return fail("guest %s: no timer for the time slice", m->name);
	if (is_linux)
		guest_linux_start(&le);
	vcpu.last_kind = GX_COUNT;		/* no exit served yet */
	vcpu.last_hcall = HVCALL_COUNT + 1;
	while (!vcpu.done) {
		if (is_linux) {
			guest_linux_enter();	/* its own input, interrupts and timer */
		} else {
			if (take_input())
				break;
			timer_slice_resume();	/* a new slice once the last ran out */
		}
		vm_cpustate_enter(&vcpu.cpu);
		if (exit_tsc)
			guest_account_exit(cpu_rdtsc() - exit_tsc);
		svm_run(vm.ctrl_pa + CTRL_VMCB, &vcpu.gprs, vm.ctrl_pa + CTRL_HOST_VMCB);
		exit_tsc = cpu_rdtsc();
		vm_cpustate_exit(&vcpu.cpu);
		if (is_linux) {
			guest_linux_exited();
			if (vcpu.done)
				break;
		}
		guest_handle_exit();
	}
	if (exit_tsc)
		guest_account_exit(cpu_rdtsc() - exit_tsc);	/* the exit that ended it */
	timer_slice_stop();
	if (is_linux)
		guest_linux_stopped();
	guest_console_flush();
	/* Discard the guest's state: registers, FPU/SSE/AVX, debug
	 * registers, VMCB and memory (variable data it read included), now
	 * rather than at the next start. */
	memset(&vcpu.gprs, 0, sizeof(vcpu.gprs));
	memset(&vcpu.cpu, 0, sizeof(vcpu.cpu));
	memset(vm.ctrl + CTRL_VMCB, 0, HV_PAGE_SIZE);
	memset(vm.mem, 0, vm.mem_bytes);
	return NULL;
}
