/* Guests under SVM with nested paging (README: Guests; AMD APM Vol. 2
 * ch. 15). Guest-physical memory is guest_mem of EfiConventionalMemory at
 * GPA 0 and nothing else: the nested tables map no runtime region, no
 * MMIO, no page of the hypervisor. Every I/O port and MSR access exits;
 * COM1 and port 0xF4 are emulated, everything else reads as absent.
 * Hypercalls go through hcall.c to rt/. The guest's registers and memory
 * are never trusted: they are inputs, checked where used. */
#include "guest.h"

#include <stdarg.h>
#include "guest_linux.h"
#include "guest_run.h"
#include "guestimg.h"
#include "svm.h"
#include "hv/vm/linux/bzimage.h"
#include "hv/cpu.h"
#include "hv/hv.h"
#include "hv/kprintf.h"
#include "hv/lapic.h"
#include "hv/lib.h"
#include "hv/mm.h"
#include "hv/serial.h"
#include "hv/trap.h"
#include "loader/fmt.h"
#include "rt/rt.h"

#define CTRL_BYTES	HV_LARGE_2M	/* SVM structures, after guest memory */
#define CTRL_HSAVE	0x0000
#define CTRL_VMCB	0x1000
#define CTRL_HOST_VMCB	0x2000
#define CTRL_MSRPM	0x3000		/* 8 KiB (APM Vol. 2 §15.11) */
#define CTRL_IOPM	0x5000		/* 12 KiB (APM Vol. 2 §15.10.1) */
#define CTRL_NPT	0x8000		/* nested tables, to the end */

#define GUEST_ASID	1
#define TIMER_VECTOR	0x20
#define SPURIOUS_VECTOR	0xFF
/* The time slice (SDM Vol. 3A §11.5.4): QEMU's LAPIC counts at 1 GHz, so
 * ÷16 and 625,000 is 10 ms. */
#define TIMER_COUNT	625000U
#define CTRL_RBRACKET	0x1D		/* Ctrl-] */
#define LINE_MAX	160

static struct guest_record records[HV_MODULE_MAX];

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

extern uint64_t lapic_eoi_va;
extern const uint8_t guest_timer_isr[], guest_spurious_isr[];

/* Guest memory and the SVM structures, taken once, on the first run:
 * pool_bytes is the most any module asks for (guest_mem and each
 * `guest_mem = NAME SIZE`); a run uses mem_bytes of it, its own size, and
 * the nested tables map exactly that. */
static struct {
	bool ready;
	uint64_t mem_pa, pool_bytes, mem_bytes, ctrl_pa, npt_root, npt_next;
	uint8_t *mem, *ctrl;
} g;

/* The running guest. */
static struct {
	uint32_t index;
	const char *name;
	struct svm_gprs gprs;
	char line[LINE_MAX + 1];
	size_t line_len;
	bool line_open;		/* "[NAME] " and part of the line are out */
	bool done;
	bool is_linux;		/* a bzImage: guest_linux.c handles its exits */
	struct guest_vm vm;
} run;

static const char *const exit_kind_names[GX_COUNT] = {
	[GX_IOIO] = "IOIO", [GX_HLT] = "HLT", [GX_VMMCALL] = "VMMCALL", [GX_NPF] = "NPF",
	[GX_SHUTDOWN] = "SHUTDOWN", [GX_CPUID] = "CPUID", [GX_MSR] = "MSR", [GX_INTR] = "INTR",
	[GX_VINTR] = "VINTR",
	[GX_OTHER] = "other",
};

const char *guest_exit_kind_name(enum guest_exit_kind k)
{
	return k < GX_COUNT ? exit_kind_names[k] : "?";
}

const struct guest_record *guest_record(uint32_t index)
{
	return index < HV_MODULE_MAX ? &records[index] : NULL;
}

const char *svm_exit_name(uint64_t code)
{
	uint32_t c = (uint32_t)code;

	if (c >= SVM_EXIT_EXCP_BASE && c < SVM_EXIT_EXCP_BASE + 32)
		return "exception";
	switch (c) {
	case SVM_EXIT_INTR:	return "INTR";
	case SVM_EXIT_NMI:	return "NMI";
	case SVM_EXIT_CPUID:	return "CPUID";
	case 0x76:		return "INVD";
	case SVM_EXIT_HLT:	return "HLT";
	case SVM_EXIT_IOIO:	return "IOIO";
	case SVM_EXIT_MSR:	return "MSR";
	case SVM_EXIT_SHUTDOWN:	return "SHUTDOWN";
	case SVM_EXIT_VMRUN:	return "VMRUN";
	case SVM_EXIT_VMMCALL:	return "VMMCALL";
	case 0x82:		return "VMLOAD";
	case 0x83:		return "VMSAVE";
	case 0x84:		return "STGI";
	case 0x85:		return "CLGI";
	case 0x86:		return "SKINIT";
	case 0x8A:		return "MONITOR";
	case 0x8B:		return "MWAIT";
	case 0x8C:		return "MWAIT_COND";
	case SVM_EXIT_NPF:	return "NPF";
	case SVM_EXIT_INVALID:	return "INVALID";
	default:		return NULL;
	}
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
	if (!(r[2] & (1U << 2)))
		return "this CPU has no SVM (AMD-V); guests need SVM with nested paging";
	cpu_cpuid(0x8000000A, 0, r);
	if (!(r[3] & 1U))
		return "this CPU's SVM has no nested paging (NPT)";
	if (cpu_rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "SVM is disabled by the firmware (VM_CR.SVMDIS)";
	return NULL;
}

static void *npt_alloc(void *ctx, uint64_t *pa)
{
	(void)ctx;
	if (g.npt_next + HV_PAGE_SIZE > CTRL_BYTES)
		return NULL;
	*pa = g.ctrl_pa + g.npt_next;
	g.npt_next += HV_PAGE_SIZE;
	memset(hv_pa_to_va(*pa), 0, HV_PAGE_SIZE);
	return hv_pa_to_va(*pa);
}

/* The local APIC, reachable for the guest timer (lapic.c), and the timer's
 * interrupt gates. NULL, or why not. */
static const char *lapic_setup(void)
{
	const char *why = lapic_map();

	if (why)
		return fail("%s", why);
	if (lapic_regs())
		lapic_eoi_va = (uint64_t)(uintptr_t)lapic_regs() + LAPIC_EOI;
	idt_set_gate(TIMER_VECTOR, (uint64_t)(uintptr_t)guest_timer_isr);
	idt_set_gate(SPURIOUS_VECTOR, (uint64_t)(uintptr_t)guest_spurious_isr);
	return NULL;
}

static void timer_start(void)
{
	lapic_write(LAPIC_SVR, (lapic_read(LAPIC_SVR) & ~0xFFU) | LAPIC_SVR_ENABLE | SPURIOUS_VECTOR);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LAPIC_LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, TIMER_COUNT);
}

static void timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
}

/* The guest memory module index runs with. */
static uint64_t guest_mem_of(uint32_t index)
{
	uint64_t own = hv_bi->module_ext[index].guest_mem_bytes;

	return own ? own : hv_bi->guest_mem_bytes ? hv_bi->guest_mem_bytes : HV_GUEST_MEM_DEFAULT;
}

/* The nested tables for one run: GPA 0..mem_bytes -> guest memory, U=1
 * at every level, nothing else. NULL, or why not. */
static const char *npt_build(uint64_t mem_bytes)
{
	struct pt_builder npt = {
		.alloc_page = npt_alloc, .pa_to_ptr = mm_direct_ptr, .ctx = NULL,
		.allow_1g = false, .allow_nx = false, .user = true,
	};
	const char *why;

	g.npt_next = CTRL_NPT;
	why = pt_init(&npt);
	if (!why)
		why = pt_map_range(&npt, 0, g.mem_pa, mem_bytes, PT_MAP_W | PT_MAP_X);
	if (why)
		return fail("cannot build the nested page tables: %s", why);
	g.npt_root = npt.root_pa;
	g.mem_bytes = mem_bytes;
	return NULL;
}

/* Takes the guest memory pool and the control area and turns SVM on.
 * Once per boot. NULL, or why not. */
static const char *guest_setup(void)
{
	const struct efi_mdesc *map;
	size_t n;
	const char *why;

	if (g.ready)
		return NULL;
	g.pool_bytes = 0;
	for (uint32_t i = 0; i < hv_bi->module_count && i < HV_MODULE_MAX; i++)
		if (guest_mem_of(i) > g.pool_bytes)
			g.pool_bytes = guest_mem_of(i);
	if (!g.pool_bytes)
		g.pool_bytes = HV_GUEST_MEM_DEFAULT;
	map = bootinfo_memmap(hv_bi, &n);
	if (!guestimg_pick_memory(map, n, g.pool_bytes + CTRL_BYTES, &g.mem_pa) ||
	    !mm_va_mapped(HV_DIRECT_MAP_BASE + g.mem_pa, g.pool_bytes + CTRL_BYTES, true)) {
		return fail("no EfiConventionalMemory run of %lu MiB for guest memory",
			    (unsigned long)((g.pool_bytes + CTRL_BYTES) >> 20));
	}
	g.ctrl_pa = g.mem_pa + g.pool_bytes;
	g.mem = hv_pa_to_va(g.mem_pa);
	g.ctrl = hv_pa_to_va(g.ctrl_pa);
	memset(g.ctrl, 0, CTRL_NPT);
	memset(g.ctrl + CTRL_IOPM, 0xFF, 0x3000);	/* every port exits */
	why = lapic_setup();
	if (why)
		return why;

	/* APM Vol. 2 §15.4: EFER.SVME before any SVM instruction; the host
	 * save area's address before the first VMRUN. */
	cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_SVME);
	cpu_wrmsr(MSR_VM_HSAVE_PA, g.ctrl_pa + CTRL_HSAVE);
	g.ready = true;
	return NULL;
}

/* ---------------------------------------------------------------- VMCB */

static inline uint64_t *vmcb64(uint32_t off)
{
	return (uint64_t *)(g.ctrl + CTRL_VMCB + off);
}

static inline uint32_t *vmcb32(uint32_t off)
{
	return (uint32_t *)(g.ctrl + CTRL_VMCB + off);
}

static void vmcb_seg(uint32_t off, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	uint8_t *p = g.ctrl + CTRL_VMCB + off;

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
	memset(g.ctrl + CTRL_VMCB, 0, HV_PAGE_SIZE);
	memset(g.ctrl + CTRL_HOST_VMCB, 0, HV_PAGE_SIZE);
	/* INVD would drop the host's dirty cache lines; MONITOR/MWAIT could
	 * park the CPU; the SVM instructions are the hypervisor's. */
	*vmcb32(VMCB_INTERCEPT_MISC1) = SVM_ICPT1_INTR | SVM_ICPT1_CPUID | SVM_ICPT1_INVD |
					SVM_ICPT1_HLT | SVM_ICPT1_IOIO | SVM_ICPT1_MSR |
					SVM_ICPT1_SHUTDOWN;
	*vmcb32(VMCB_INTERCEPT_MISC2) = SVM_ICPT2_VMRUN | SVM_ICPT2_VMMCALL | SVM_ICPT2_VMLOAD |
					SVM_ICPT2_VMSAVE | SVM_ICPT2_STGI | SVM_ICPT2_CLGI |
					SVM_ICPT2_SKINIT | SVM_ICPT2_MONITOR | SVM_ICPT2_MWAIT |
					SVM_ICPT2_MWAIT_COND;
	*vmcb64(VMCB_IOPM_BASE) = g.ctrl_pa + CTRL_IOPM;
	*vmcb64(VMCB_MSRPM_BASE) = g.ctrl_pa + CTRL_MSRPM;
	*vmcb32(VMCB_ASID) = GUEST_ASID;
	/* No flush-by-ASID on every CPU (TCG has none): flush all on each
	 * VMRUN (TLB_CONTROL 1, APM Vol. 2 §15.16.1). */
	*(g.ctrl + CTRL_VMCB + VMCB_TLB_CONTROL) = 1;
	*vmcb64(VMCB_VINTR) = SVM_V_INTR_MASKING;
	*vmcb64(VMCB_NP_ENABLE) = 1;
	*vmcb64(VMCB_N_CR3) = g.npt_root;

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
	*(g.ctrl + CTRL_VMCB + VMCB_CPL) = 0;
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
	memset(&run.gprs, 0, sizeof(run.gprs));
	run.gprs.rdi = e->rdi;
}

/* ---------------------------------------------------------------- exits */

void guest_stop(const char *fmt, ...)
{
	struct guest_record *r = &records[run.index];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	r->state = GUEST_STOPPED;
	run.done = true;
}

void guest_finish(uint32_t code)
{
	records[run.index].state = GUEST_EXITED;
	records[run.index].exit_code = code;
	run.done = true;
}

bool guest_done(void)
{
	return run.done;
}

/* The guest's console: every line it prints starts with `[NAME] ` (a
 * guest can never print a line that looks like the shell's own), ASCII
 * only (README: The shell), a line longer than LINE_MAX broken in two.
 * Bytes wait in run.line until console_emit puts them out: an ELF guest's
 * at each line's end, a Linux guest's also after each batch, so that its
 * shell's prompt shows before the line ends. */
static void console_emit(void)
{
	if (!run.line_len)
		return;
	if (!run.line_open)
		kprintf("[%s] ", run.name);
	run.line[run.line_len] = '\0';
	kprintf("%s", run.line);
	run.line_open = true;
	run.line_len = 0;
}

static void console_end_line(void)
{
	if (!run.line_open && !run.line_len)
		kprintf("[%s] ", run.name);
	console_emit();
	kprintf("\n");
	run.line_open = false;
}

static void console_flush(void)
{
	if (run.line_open || run.line_len)
		console_end_line();
}

static void console_byte(uint8_t c)
{
	if (c == '\n') {
		console_end_line();
		return;
	}
	if (c == '\r')
		return;
	run.line[run.line_len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? (char)c : '.';
	if (run.line_len == LINE_MAX)
		console_end_line();
}

void guest_console_out(const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_byte(bytes[i]);
	console_emit();
}

/* The instruction at the guest's RIP is `len` bytes equal to `bytes`. The
 * identity map is the hypervisor's own, so RIP is the GPA while the guest
 * keeps it; a guest that does not gets its exit refused. */
static bool insn_at_rip(const uint8_t *bytes, uint64_t len)
{
	uint64_t rip = *vmcb64(VMCB_RIP);

	if (!hcall_range_ok(g.mem_bytes, rip, len))
		return false;
	for (uint64_t i = 0; i < len; i++)
		if (g.mem[rip + i] != bytes[i])
			return false;
	return true;
}

static bool skip_insn(const uint8_t *bytes, uint64_t len, const char *what)
{
	if (!insn_at_rip(bytes, len)) {
		guest_stop("%s exit at rip 0x%lx without a %s instruction there", what,
		     *vmcb64(VMCB_RIP), what);
		return false;
	}
	*vmcb64(VMCB_RIP) += len;
	return true;
}

static void exit_ioio(uint64_t info1, uint64_t next_rip)
{
	/* APM Vol. 2 §15.10.2, Figure 15-2: EXITINFO1 bit 0 IN, bit 2 string,
	 * bit 3 REP, bits 4..6 operand size, 16..31 port; EXITINFO2 the RIP
	 * of the next instruction. */
	bool in = info1 & 1;
	unsigned port = (unsigned)(info1 >> 16) & 0xFFFF;
	unsigned size = info1 & (1 << 4) ? 1 : info1 & (1 << 5) ? 2 : 4;
	uint64_t mask = size == 4 ? 0xFFFFFFFFULL : (1ULL << (8 * size)) - 1;
	uint64_t *rax = vmcb64(VMCB_RAX);

	if (info1 & (3 << 2)) {
		guest_stop("string I/O on port 0x%x (not emulated)", port);
		return;
	}
	if (in) {
		uint64_t v = port == 0x3FD ? 0x60 : port >= 0x3F8 && port <= 0x3FF ? 0 : mask;

		*rax = size == 4 ? v : (*rax & ~mask) | (v & mask);
	} else if (port == 0x3F8) {
		console_byte((uint8_t)*rax);
	} else if (port == 0xF4) {
		guest_finish((uint8_t)*rax);
	}
	*vmcb64(VMCB_RIP) = next_rip;
}

static void exit_cpuid(void)
{
	static const uint8_t op[] = { 0x0F, 0xA2 };
	uint64_t *rax = vmcb64(VMCB_RAX);
	uint32_t leaf = (uint32_t)*rax, r[4];

	if (!skip_insn(op, 2, "CPUID"))
		return;
	cpu_cpuid(leaf, (uint32_t)run.gprs.rcx, r);
	/* The guest sees no SVM: no nested virtualization here. */
	if (leaf == 0x80000001)
		r[2] &= ~(1U << 2);
	if (leaf == 0x8000000A)
		r[0] = r[1] = r[2] = r[3] = 0;
	*rax = r[0];
	run.gprs.rbx = r[1];
	run.gprs.rcx = r[2];
	run.gprs.rdx = r[3];
}

static void exit_msr(uint64_t info1)
{
	static const uint8_t rd[] = { 0x0F, 0x32 }, wr[] = { 0x0F, 0x30 };
	uint32_t msr = (uint32_t)run.gprs.rcx;
	uint64_t *rax = vmcb64(VMCB_RAX), v;

	if (!skip_insn(info1 ? wr : rd, 2, info1 ? "WRMSR" : "RDMSR"))
		return;
	if (info1) {
		v = (*rax & 0xFFFFFFFFULL) | run.gprs.rdx << 32;
		/* EFER: the guest's own bits; SVME stays set (VMRUN needs it)
		 * and hidden. Every other MSR, SVM's included, ignores writes. */
		if (msr == MSR_EFER)
			*vmcb64(VMCB_EFER) = (v & (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) |
					     EFER_SVME;
		return;
	}
	v = msr == MSR_EFER ? *vmcb64(VMCB_EFER) & ~EFER_SVME : 0;
	*rax = v & 0xFFFFFFFFULL;
	run.gprs.rdx = v >> 32;
}

static efi_status_t hv_get_next(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	return rt_get_next_variable_name(name, cap, guid);
}

static const struct hcall_services hcall_rt = {
	.get_variable = rt_get_variable,
	.get_next_variable_name = hv_get_next,
	.set_variable = rt_set_variable,
	.query_variable_info = rt_query_variable_info,
	.get_time = rt_get_time,
};

static void exit_vmmcall(void)
{
	static const uint8_t op[] = { 0x0F, 0x01, 0xD9 };
	struct hcall_env env = {
		.mem = g.mem, .mem_bytes = g.mem_bytes,
		.policy = { .mode = hv_bi->guest_vars },
		.svc = &hcall_rt,
	};
	uint64_t *rax = vmcb64(VMCB_RAX), fn = *rax;

	/* A Linux guest's RIP is a kernel virtual address, which the
	 * hypervisor does not translate (it never walks guest page tables). */
	if (run.is_linux)
		*vmcb64(VMCB_RIP) += 3;
	else if (!skip_insn(op, 3, "VMMCALL"))
		return;
	memcpy(&env.policy.guid, hv_bi->guest_vars_guid, 16);
	records[run.index].hcalls[fn < HCALL_COUNT ? fn : HCALL_COUNT]++;
	*rax = hcall_dispatch(&env, fn, run.gprs.rbx, run.gprs.rcx);
	/* A hypercall that reached firmware armed the runtime watchdog on the
	 * same LAPIC timer (hv/rt_watchdog.c), which leaves it masked: give
	 * the guest its time slice back, so Ctrl-] still reaches us. */
	if (!run.is_linux)
		timer_start();
}

static void count_exit(uint32_t code)
{
	enum guest_exit_kind k;

	switch (code) {
	case SVM_EXIT_IOIO:	k = GX_IOIO; break;
	case SVM_EXIT_HLT:	k = GX_HLT; break;
	case SVM_EXIT_VMMCALL:	k = GX_VMMCALL; break;
	case SVM_EXIT_NPF:	k = GX_NPF; break;
	case SVM_EXIT_SHUTDOWN:	k = GX_SHUTDOWN; break;
	case SVM_EXIT_CPUID:	k = GX_CPUID; break;
	case SVM_EXIT_MSR:	k = GX_MSR; break;
	case SVM_EXIT_INTR:	k = GX_INTR; break;
	case SVM_EXIT_VINTR:	k = GX_VINTR; break;
	default:		k = GX_OTHER; break;
	}
	records[run.index].exits[k]++;
}

static void handle_exit(void)
{
	uint32_t code = (uint32_t)*vmcb64(VMCB_EXIT_CODE);
	uint64_t info1 = *vmcb64(VMCB_EXIT_INFO1), info2 = *vmcb64(VMCB_EXIT_INFO2);
	const char *name;

	count_exit(code);
	if (run.is_linux && guest_linux_exit(&run.vm, code, info1, info2))
		return;
	switch (code) {
	case SVM_EXIT_IOIO:
		exit_ioio(info1, info2);
		break;
	case SVM_EXIT_HLT:
		guest_finish(0);
		break;
	case SVM_EXIT_VMMCALL:
		exit_vmmcall();
		break;
	case SVM_EXIT_CPUID:
		exit_cpuid();
		break;
	case SVM_EXIT_MSR:
		exit_msr(info1);
		break;
	case SVM_EXIT_INTR:
		break;
	case SVM_EXIT_NPF:
		/* APM Vol. 2 §15.25.6: EXITINFO1 the #PF-style error code,
		 * EXITINFO2 the faulting guest-physical address. */
		if (info2 >= g.mem_bytes)
			guest_stop("nested page fault at gpa 0x%lx (not guest memory)", info2);
		else
			guest_stop("nested page fault at gpa 0x%lx (error code 0x%lx)", info2, info1);
		break;
	case SVM_EXIT_SHUTDOWN:
		guest_stop("triple fault (shutdown) at rip 0x%lx", *vmcb64(VMCB_RIP));
		break;
	case SVM_EXIT_INVALID:
		guest_stop("VMRUN refused the guest state (exit code 0x%lx)", *vmcb64(VMCB_EXIT_CODE));
		break;
	default:
		name = svm_exit_name(code);
		if (name)
			guest_stop("exit %s (0x%x) at rip 0x%lx", name, code, *vmcb64(VMCB_RIP));
		else
			guest_stop("unhandled exit 0x%x at rip 0x%lx", code, *vmcb64(VMCB_RIP));
		break;
	}
}

/* ---------------------------------------------------------------- run */

static uint64_t xcr0_read(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

const char *guest_run(uint32_t index, const char *args)
{
	const struct hv_module *m = &hv_bi->modules[index];
	struct guest_record *r = &records[index];
	struct guest_entry e;
	struct linux_entry le;
	struct elf_image img;
	const void *file;
	const char *why, *missing = guest_svm_missing();
	bool xsave = cpu_read_cr4() & CR4_OSXSAVE;
	uint64_t host_xcr0 = xsave ? xcr0_read() : 0;
	int bad;

	if (missing)
		return fail("guest %s: %s", m->name, missing);
	file = mm_pa_ptr_checked(m->pa, m->size_bytes ? m->size_bytes : 1);
	if (!file)
		return fail("guest %s: image at pa 0x%lx is not mapped", m->name, m->pa);
	why = guest_setup();
	if (why)
		return why;
	why = npt_build(guest_mem_of(index));
	if (why)
		return why;

	memset(&run, 0, sizeof(run));
	run.index = index;
	run.name = m->name;
	run.is_linux = bzimage_detect(file, m->size_bytes);
	run.vm = (struct guest_vm){
		.mem = g.mem, .mem_bytes = g.mem_bytes, .vmcb = g.ctrl + CTRL_VMCB,
		.msrpm = g.ctrl + CTRL_MSRPM, .gprs = &run.gprs, .name = m->name,
		.exit_counts = r->exits,
	};
	if (run.is_linux) {
		why = guest_linux_prepare(index, &run.vm, args, &le);
		if (why)
			return fail("guest %s: %s", m->name, why);
		e = (struct guest_entry){ .rip = le.rip, .rsp = le.rsp, .cr3 = le.cr3 };
	} else {
		why = guestimg_validate(file, m->size_bytes, g.mem_bytes, &img, &bad);
		if (why && bad >= 0)
			return fail("guest %s: segment %d: %s", m->name, bad, why);
		if (why)
			return fail("guest %s: %s", m->name, why);
		why = guestimg_prepare(g.mem, g.mem_bytes, file, &img, args, &e);
		if (why)
			return fail("guest %s: %s", m->name, why);
	}

	memset(r, 0, sizeof(*r));
	r->runs = 1;
	r->mem_pa = g.mem_pa;
	memset(g.ctrl + CTRL_MSRPM, 0xFF, 0x2000);	/* every MSR access exits */
	vmcb_init(&e);
	if (run.is_linux)
		guest_linux_start(&run.vm, &le);
	else
		timer_start();
	while (!run.done) {
		if (run.is_linux) {
			guest_linux_enter(&run.vm);
		} else if (serial_getc_nonblock() == CTRL_RBRACKET) {
			guest_stop("stopped by Ctrl-]");
			break;
		}
		svm_run(g.ctrl_pa + CTRL_VMCB, &run.gprs, g.ctrl_pa + CTRL_HOST_VMCB);
		/* XCR0 is not switched by VMRUN: undo whatever XSETBV the
		 * guest managed. */
		if (xsave && xcr0_read() != host_xcr0)
			cpu_xsetbv(0, host_xcr0);
		if (run.is_linux) {
			guest_linux_exited(&run.vm);
			if (run.done)
				break;
		}
		handle_exit();
	}
	timer_stop();
	console_flush();
	/* Discard the guest's state: registers and VMCB now, memory on the
	 * next start (guestimg_prepare and linux_prepare zero it). */
	memset(&run.gprs, 0, sizeof(run.gprs));
	memset(g.ctrl + CTRL_VMCB, 0, HV_PAGE_SIZE);
	return NULL;
}
