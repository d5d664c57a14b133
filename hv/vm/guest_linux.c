/* The Linux kind of guest (README: Guests, the Linux kind). The run loop
 * (guest.c) owns the VMCB and calls in around every VMRUN; this file
 * routes the exits a PC kernel makes to the platform of hv/vm/dev/ and to
 * the CPU view of hv/vm/linux/cpuview.c, and delivers the 8259As'
 * interrupts through the VMCB (AMD APM Vol. 2 §15.20, §15.21):
 *   - EVENTINJ when the guest can take one now (RFLAGS.IF = 1, no
 *     interrupt shadow, nothing being injected);
 *   - else V_IRQ with the VINTR intercept, so the exit comes as soon as it
 *     can, and EVENTINJ then.
 * Time: the platform is advanced by the TSC (calibrated against the 8254
 * at the hypervisor's start) at every exit, and the LAPIC timer is armed
 * for the platform's next event, so a guest halted in HLT gets its IRQ 0
 * on time. Under QEMU's TCG (README: Guests): no NRIPS (RIP is advanced
 * here), the interrupt shadow is not loaded from the VMCB (so an event is
 * injected only outside one, or right after a HLT, which ends it). */
#include "guest_linux.h"

#include "vcpu.h"
#include "hv/vm/dev/platform.h"
#include "hv/vm/efi/efitables.h"
#include "hv/vm/linux/cpuview.h"
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/hv.h"
#include "hv/kprintf.h"
#include "hv/timer.h"
#include "hv/lib.h"
#include "hv/mm.h"
#include "loader/bytes.h"
#include "rt/rt.h"

#define CTRL_RBRACKET	0x1D		/* Ctrl-] stops the guest */
#define INPUT_RING	1024		/* typed bytes the UART has no room for yet */
#define OUT_CHUNK	64
/* The longest the host sleeps or lets the guest run without a look at
 * the console: 10 ms. */
#define SLICE_NS	10000000ULL	/* = guest.c's SLICE_MS */
#define INPUT_POLL_NS	1000000ULL
#define NS_PER_S	1000000000ULL


static struct {
	struct platform plat;
	struct cpuview_msrs msrs;
	struct guest_linux_stats stats;
	uint64_t tsc0, tsc_hz, ns_done;
	uint8_t in[INPUT_RING];
	size_t in_head, in_count;
	bool after_hlt;			/* the shadow (sti; hlt) ended with the HLT */
	uint64_t timer_due_tsc;		/* the shot armed fires then (0: none) */
	uint64_t timer_shots;		/* timer_get()->slices when it was armed */
	uint64_t input_due_tsc;		/* the console is next polled then */
} lx;

/* Where this run's shim keeps its data (struct efishim_data), for its
 * tally at the stop; set when the EFI is laid out, before lx is reset. */
static uint64_t lx_efi_data_gpa;

const struct guest_linux_stats *guest_linux_stats(void)
{
	return &lx.stats;
}

/* ---------------------------------------------------------------- start */

/* The guest's EFI (README: The Linux guest's EFI) goes in the PC's legacy
 * hole, which the e820 map already reserves, so nothing else moves; its
 * memory map names the e820 map's RAM around it. */
#define LX_EFI_GPA	0xA0000ULL

/* Lays out the system table, the shim and the EFI memory map for this
 * run's guest_vars policy, and names them in the zero page's efi_info
 * (signature EL64), which Linux reads instead of an EFI stub's. */
static const char *linux_efi(uint32_t guest_vars)
{
	uint8_t *zp = vm.mem + LX_ZP_GPA;
	struct efitables_ram ram[ZP_E820_MAX];
	struct efitables_in in = {
		.ram = ram, .window_gpa = LX_EFI_GPA, .guest_vars = guest_vars,
		.blob = efishim_blob, .blob_bytes = (uint64_t)(efishim_blob_end - efishim_blob),
	};
	struct efitables_efi_info info;
	struct efitables_layout layout;
	const char *why;

	for (unsigned i = 0; i < zp[ZP_E820_ENTRIES] && i < ZP_E820_MAX; i++) {
		const uint8_t *e = zp + ZP_E820_TABLE + 20 * i;

		if (ld32(e + 16) == E820_RAM)
			ram[in.ram_count++] = (struct efitables_ram){ ld64(e), ld64(e + 8) };
	}
	if (LX_EFI_GPA + efitables_window_bytes(in.blob_bytes, in.ram_count) > LX_KERNEL_FLOOR_GPA)
		return "the EFI tables do not fit in the legacy hole";
	why = efitables_build(vm.mem, vm.mem_bytes, &in, &info, &layout);
	if (why)
		return why;
	lx_efi_data_gpa = layout.data_gpa;
	memcpy(zp + ZP_EFI_INFO, &info, sizeof(info));
	return NULL;
}

const char *guest_linux_prepare(uint32_t index, const char *args,
				struct linux_entry *e)
{
	const struct hv_module *m = &hv_bi->modules[index];
	const struct hv_module_ext *x = &hv_bi->module_ext[index];
	const void *file = mm_pa_ptr_checked(m->pa, m->size_bytes ? m->size_bytes : 1);
	const void *initrd = NULL;
	struct bzimage k;
	const char *why;

	if (!file)
		return "image is not mapped";
	why = bzimage_parse(file, m->size_bytes, &k);
	if (why)
		return why;
	if (x->initrd_size_bytes) {
		initrd = mm_pa_ptr_checked(x->initrd_pa, x->initrd_size_bytes);
		if (!initrd)
			return "initrd is not mapped";
	}
	why = linux_prepare(vm.mem, vm.mem_bytes, file, &k, initrd, x->initrd_size_bytes, args, e);
	if (why)
		return why;
	return linux_efi(guest_vars_mode(index, &why));
}

static void vmcb_seg(uint32_t off, uint16_t sel, uint16_t attrib,
		     uint32_t limit, uint64_t base)
{
	uint8_t *p = vm.ctrl + CTRL_VMCB + off;

	*(uint16_t *)p = sel;
	*(uint16_t *)(p + 2) = attrib;
	*(uint32_t *)(p + 4) = limit;
	*(uint64_t *)(p + 8) = base;
}

/* The clock the RTC starts from: the firmware's GetTime, or the epoch. */
static void rtc_start_time(struct rtc_time *t)
{
	struct efi_time now;

	*t = (struct rtc_time)RTC_EPOCH;
	if (rt_get_time(&now, NULL) != 0)
		return;
	*t = (struct rtc_time){ .year = now.year, .month = now.month, .day = now.day,
				.hour = now.hour, .minute = now.minute, .second = now.second };
}

void guest_linux_start(const struct linux_entry *e)
{
	struct rtc_time now;

	memset(&lx, 0, sizeof(lx));
	lx.stats.valid = true;
	lx.stats.index = vcpu.index;
	rtc_start_time(&now);
	if (!platform_init(&lx.plat, &now))
		kprintf("guest %s: the firmware's time is not valid; the guest's clock starts "
			"at 2000-01-01\n", vcpu.name);
	cpuview_msrs_init(&lx.msrs, *vmcb64(VMCB_EFER));
	for (size_t i = 0; i < cpuview_msr_passthrough_count; i++)
		cpuview_msrpm_pass(vm.ctrl + CTRL_MSRPM, cpuview_msr_passthrough[i]);

	/* The 64-bit boot protocol: __BOOT_CS = 0x10, __BOOT_DS = 0x18,
	 * RSI = the zero page, interrupts off (vmcb_init left IF = 0). */
	vmcb_seg(VMCB_CS, LX_SEL_CODE, 0x0A9B, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_DS, LX_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_ES, LX_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_SS, LX_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_FS, LX_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_GS, LX_SEL_DATA, 0x0C93, 0xFFFFFFFF, 0);
	vmcb_seg(VMCB_GDTR, 0, 0, LX_GDT_LIMIT, LX_GDT_GPA);
	*vmcb64(VMCB_RIP) = e->rip;
	*vmcb64(VMCB_RSP) = e->rsp;
	*vmcb64(VMCB_CR3) = e->cr3;
	vcpu.gprs.rsi = e->rsi;
	vcpu.gprs.rdi = 0;

	lx.tsc_hz = timer_tsc_per_ms() * 1000;
	lx.tsc0 = cpu_rdtsc();
}

/* ---------------------------------------------------------------- time */

/* The TSC cycles since the start as ns, whole: no drift over any number
 * of calls, since the platform is given the difference of totals. */
static void advance_time(void)
{
	uint64_t d = cpu_rdtsc() - lx.tsc0, ns;

	if (!lx.tsc_hz)
		return;
	ns = d / lx.tsc_hz * NS_PER_S + d % lx.tsc_hz * NS_PER_S / lx.tsc_hz;
	if (ns > lx.ns_done) {
		platform_advance(&lx.plat, ns - lx.ns_done);
		lx.ns_done = ns;
	}
}

static uint64_t ns_to_tsc(uint64_t ns)
{
	return ns / NS_PER_S * lx.tsc_hz + ns % NS_PER_S * lx.tsc_hz / NS_PER_S;
}

/* The time slice's shot (hv/timer.c) for min(ns, one slice): an INTR
 * exit (or the end of a host HLT) at the platform's next event. Every
 * exit costs the guest its TLB under TCG, so the timer is written only
 * when it would fire too late (or not at all): one that fires a little
 * early costs one exit, a register write on every VMRUN costs more. */
static void arm_timer(uint64_t ns)
{
	uint64_t now = cpu_rdtsc(), due;

	if (ns > SLICE_NS)
		ns = SLICE_NS;
	due = now + ns_to_tsc(ns);
	/* Kept only while it has not fired: the timer counts its interrupts,
	 * taken wherever they arrived (an INTR exit, STGI after another exit,
	 * a host HLT), and its clock may run a little ahead of the TSC. */
	if (lx.timer_due_tsc > now && lx.timer_due_tsc <= due &&
	    timer_get()->slices == lx.timer_shots)
		return;
	timer_slice_shot_ns(ns);
	lx.timer_due_tsc = due;
	lx.timer_shots = timer_get()->slices;
}

/* ---------------------------------------------------------------- console */

/* Typed bytes from COM1 and the PS/2 keyboard into the ring, Ctrl-] stops;
 * then from the ring into the UART as far as it has room. Nothing typed is
 * dropped while the ring has room (1 KiB). */
static void pump_input(void)
{
	int c;

	while (lx.in_count < INPUT_RING && (c = console_getc_nonblock()) >= 0) {
		if (c == CTRL_RBRACKET) {
			guest_stop("stopped by Ctrl-]");
			return;
		}
		lx.in[(lx.in_head + lx.in_count++) % INPUT_RING] = (uint8_t)c;
	}
	while (lx.in_count && platform_console_in_space(&lx.plat)) {
		if (!platform_console_in(&lx.plat, lx.in[lx.in_head]))
			break;
		lx.in_head = (lx.in_head + 1) % INPUT_RING;
		lx.in_count--;
	}
}

static void pump_output(void)
{
	uint8_t buf[OUT_CHUNK];
	size_t n;

	while ((n = platform_console_out(&lx.plat, buf, sizeof(buf))) > 0) {
		guest_console_out(buf, n);
		pump_input();	/* a guest printing fast does not starve input */
	}
}

void guest_linux_stopped(void)
{
	uint64_t at = lx_efi_data_gpa + offsetof(struct efishim_data, tally);

	/* The guest's own account (it may have written anything there):
	 * numbers to show, nothing the hypervisor acts on. */
	if (lx_efi_data_gpa && at + sizeof(lx.stats.efi) <= vm.mem_bytes)
		memcpy(lx.stats.efi, vm.mem + at, sizeof(lx.stats.efi));
}

/* ---------------------------------------------------------------- interrupts */

void guest_linux_enter(void)
{
	uint64_t *intctl = vmcb64(VMCB_VINTR), *inj = vmcb64(VMCB_EVENTINJ);
	uint32_t *icpt = vmcb32(VMCB_INTERCEPT_MISC1);
	bool shadow = (*vmcb64(VMCB_INT_STATE) & 1) && !lx.after_hlt;
	int vector = platform_pending_vector(&lx.plat);

	lx.after_hlt = false;
	*intctl &= ~(SVM_V_IRQ | SVM_V_INTR_PRIO_MASK | SVM_V_IGN_TPR | SVM_V_INTR_VECTOR_MASK);
	*icpt &= ~SVM_ICPT1_VINTR;
	if (vector >= 0 && !(*inj & SVM_EVENT_VALID)) {
		if ((*vmcb64(VMCB_RFLAGS) & RFLAGS_IF) && !shadow) {
			*inj = SVM_EVENT_VALID | SVM_EVENT_TYPE_INTR | platform_ack(&lx.plat);
			lx.stats.irqs_injected++;
		} else {
			/* A window: the VINTR exit comes when the guest can
			 * take the virtual interrupt (APM Vol. 2 §15.21.4). */
			*intctl |= SVM_V_IRQ | SVM_V_INTR_PRIO_MASK | SVM_V_IGN_TPR |
				   (uint64_t)vector << SVM_V_INTR_VECTOR_SHIFT;
			*icpt |= SVM_ICPT1_VINTR;
		}
	}
	arm_timer(platform_ns_to_event(&lx.plat));
}

void guest_linux_exited(void)
{
	uint64_t info = *vmcb64(VMCB_EXIT_INT_INFO);

	/* An event the exit cut off is delivered again (APM Vol. 2 §15.7.2). */
	if (info & SVM_EVENT_VALID)
		*vmcb64(VMCB_EVENTINJ) = info;
	else
		*vmcb64(VMCB_EVENTINJ) = 0;
	advance_time();
	pump_output();
	/* The consoles are ports too (slow under TCG): looked at once a
	 * millisecond, which is quicker than anyone types. */
	if (cpu_rdtsc() >= lx.input_due_tsc) {
		pump_input();
		lx.input_due_tsc = cpu_rdtsc() + ns_to_tsc(INPUT_POLL_NS);
	}
}

/* ---------------------------------------------------------------- exits */

static void exit_ioio(uint64_t info1, uint64_t next_rip)
{
	/* APM Vol. 2 §15.10.2, Figure 15-2: EXITINFO1 bit 0 IN, bit 2 string,
	 * bit 3 REP, bits 4..6 operand size, 16..31 port; EXITINFO2 the RIP
	 * of the next instruction. */
	bool in = info1 & 1;
	uint16_t port = (uint16_t)(info1 >> 16);
	unsigned size = info1 & (1 << 4) ? 1 : info1 & (1 << 5) ? 2 : 4;
	uint64_t mask = size == 4 ? 0xFFFFFFFFULL : (1ULL << (8 * size)) - 1;
	uint64_t *rax = vmcb64(VMCB_RAX);
	uint32_t v = (uint32_t)(*rax & mask);

	if (info1 & (3 << 2)) {
		guest_stop("string I/O on port 0x%x (not emulated)", port);
		return;
	}
	platform_io(&lx.plat, port, size, !in, &v);
	if (in)
		*rax = size == 4 ? v : (*rax & ~mask) | (v & mask);
	*vmcb64(VMCB_RIP) = next_rip;
	if (platform_reset_requested(&lx.plat))
		guest_stop("reset");
	/* A write may have filled the transmitter: print it now. */
	if (!in)
		pump_output();
}

/* HLT (README: Guests, the Linux kind): with IF = 0 the guest can never
 * wake, so it has ended (`poweroff -f` halts this way); with IF = 1 the
 * host sleeps until the platform raises an interrupt or input comes. */
static void exit_hlt(void)
{
	*vmcb64(VMCB_RIP) += 1;		/* HLT is one byte; no NRIPS */
	if (!(*vmcb64(VMCB_RFLAGS) & RFLAGS_IF)) {
		pump_output();
		guest_finish(0);
		return;
	}
	lx.after_hlt = true;
	while (!vcpu.done && platform_pending_vector(&lx.plat) < 0) {
		arm_timer(platform_ns_to_event(&lx.plat));
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		advance_time();
		pump_output();
		pump_input();
		if (platform_reset_requested(&lx.plat))
			guest_stop("reset");
	}
}

static void exit_cpuid(void)
{
	uint64_t *rax = vmcb64(VMCB_RAX);
	uint32_t leaf = (uint32_t)*rax, sub = (uint32_t)vcpu.gprs.rcx, r[4];
	struct cpuid_regs host, out;

	cpu_cpuid(leaf, sub, r);
	host = (struct cpuid_regs){ r[0], r[1], r[2], r[3] };
	cpuview_cpuid(leaf, sub, &host, &out);
	*rax = out.eax;
	vcpu.gprs.rbx = out.ebx;
	vcpu.gprs.rcx = out.ecx;
	vcpu.gprs.rdx = out.edx;
	*vmcb64(VMCB_RIP) += 2;		/* 0F A2 */
}

static void exit_msr(uint64_t info1)
{
	uint32_t msr = (uint32_t)vcpu.gprs.rcx;
	uint64_t *rax = vmcb64(VMCB_RAX), v;

	if (info1) {
		v = (*rax & 0xFFFFFFFFULL) | vcpu.gprs.rdx << 32;
		cpuview_msr_write(&lx.msrs, msr, v);
		/* EFER and PAT live in the VMCB; SVME stays set for VMRUN. */
		*vmcb64(VMCB_EFER) = lx.msrs.efer | EFER_SVME;
		*vmcb64(VMCB_G_PAT) = lx.msrs.pat;
	} else {
		lx.msrs.efer = *vmcb64(VMCB_EFER) & CPUVIEW_EFER_GUEST;
		v = cpuview_msr_read(&lx.msrs, msr, cpu_rdtsc());
		*rax = v & 0xFFFFFFFFULL;
		vcpu.gprs.rdx = v >> 32;
	}
	lx.stats.unknown_msr_reads = lx.msrs.unknown_reads;
	lx.stats.unknown_msr_writes = lx.msrs.unknown_writes;
	lx.stats.last_unknown_msr = lx.msrs.last_unknown;
	*vmcb64(VMCB_RIP) += 2;		/* 0F 32 / 0F 30 */
}

bool guest_linux_exit(uint32_t code, uint64_t info1, uint64_t info2)
{
	switch (code) {
	case SVM_EXIT_IOIO:
		exit_ioio(info1, info2);
		break;
	case SVM_EXIT_HLT:
		exit_hlt();
		break;
	case SVM_EXIT_CPUID:
		exit_cpuid();
		break;
	case SVM_EXIT_MSR:
		exit_msr(info1);
		break;
	case SVM_EXIT_VINTR:
		break;		/* guest_linux_enter injects now */
	case SVM_EXIT_SHUTDOWN:
		/* A triple fault resets a PC: `reboot -f` ends with one when
		 * the other ways did not. */
		guest_stop("reset");
		break;
	default:
		return false;
	}
	lx.stats.unknown_port_reads = lx.plat.unknown_reads;
	lx.stats.unknown_port_writes = lx.plat.unknown_writes;
	lx.stats.last_unknown_port = lx.plat.last_unknown_port;
	return true;
}
