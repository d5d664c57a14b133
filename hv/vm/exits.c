/* The exits of a running guest (README: Guests; AMD APM Vol. 2 §15.9):
 * what each intercept does, the guest's console, the hypercalls, and the
 * reason a guest stops. Every value read from the guest is an input,
 * checked where used. */
#include "vcpu.h"

#include <stdarg.h>
#include "guest_linux.h"
#include "hcall.h"
#include "svm.h"
#include "hv/cpu.h"
#include "hv/hv.h"
#include "hv/kprintf.h"
#include "hv/lib.h"
#include "loader/fmt.h"
#include "rt/rt.h"

static const char *const exit_kind_names[GX_COUNT] = {
	[GX_IOIO] = "IOIO", [GX_HLT] = "HLT", [GX_VMMCALL] = "VMMCALL", [GX_NPF] = "NPF",
	[GX_SHUTDOWN] = "SHUTDOWN", [GX_CPUID] = "CPUID", [GX_MSR] = "MSR", [GX_INTR] = "INTR",
	[GX_VINTR] = "VINTR", [GX_OTHER] = "other",
};

const char *guest_exit_kind_name(enum guest_exit_kind k)
{
	return k < GX_COUNT ? exit_kind_names[k] : "?";
}

const char *svm_exit_name(uint64_t code)
{
	uint32_t c = (uint32_t)code;

	if (c >= SVM_EXIT_EXCP_BASE && c < SVM_EXIT_EXCP_BASE + 32)
		return "exception";
	switch (c) {
	case SVM_EXIT_INTR:	return "INTR";
	case SVM_EXIT_VINTR:	return "VINTR";
	case SVM_EXIT_NMI:	return "NMI";
	case SVM_EXIT_CPUID:	return "CPUID";
	case 0x76:		return "INVD";
	case SVM_EXIT_HLT:	return "HLT";
	case SVM_EXIT_INVLPGA:	return "INVLPGA";
	case SVM_EXIT_IOIO:	return "IOIO";
	case SVM_EXIT_MSR:	return "MSR";
	case SVM_EXIT_SHUTDOWN:	return "SHUTDOWN";
	case SVM_EXIT_VMRUN:	return "VMRUN";
	case SVM_EXIT_VMMCALL:	return "VMMCALL";
	case SVM_EXIT_XSETBV:	return "XSETBV";
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

void guest_stop(const char *fmt, ...)
{
	struct guest_record *r = &guest_records[vcpu.index];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	r->state = GUEST_STOPPED;
	vcpu.done = true;
}

void guest_finish(uint32_t code)
{
	guest_records[vcpu.index].state = GUEST_EXITED;
	guest_records[vcpu.index].exit_code = code;
	vcpu.done = true;
}

/* Puts out the bytes of the line so far, after "[NAME] " if the line
 * has not started yet. */
static void console_emit(void)
{
	if (!vcpu.line_len)
		return;
	vcpu.line[vcpu.line_len] = '\0';
	kprintf(vcpu.line_open ? "%s%s" : "[%s] %s", vcpu.line_open ? "" : vcpu.name, vcpu.line);
	vcpu.line_open = true;
	vcpu.line_len = 0;
}

void guest_console_flush(void)
{
	if (!vcpu.line_len && !vcpu.line_open)
		return;
	console_emit();
	kprintf("\n");
	vcpu.line_open = false;
}

static void console_byte(uint8_t c)
{
	if (c == '\n') {
		if (vcpu.line_len || vcpu.line_open)
			guest_console_flush();
		else
			kprintf("[%s] \n", vcpu.name);
		return;
	}
	/* A Linux guest's serial console ends its lines with CR LF, the
	 * terminal convention; its CRs are dropped (README: Guests, the Linux
	 * kind). */
	if (c == '\r' && vcpu.is_linux)
		return;
	/* README: Guest ABI, Console: a guest line is shown, never obeyed.
	 * CR would return the terminal to the start of the line, over the
	 * "[NAME] " prefix: it is shown as ^M. The console is ASCII (README:
	 * The shell): any other control or non-ASCII byte as '.'. */
	if (c == '\r') {
		if (vcpu.line_len + 2 > GUEST_LINE_MAX)
			guest_console_flush();
		vcpu.line[vcpu.line_len++] = '^';
		vcpu.line[vcpu.line_len++] = 'M';
	} else {
		vcpu.line[vcpu.line_len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? (char)c : '.';
	}
	if (vcpu.line_len >= GUEST_LINE_MAX)
		guest_console_flush();
}

/* The instruction at the guest's RIP is `len` bytes equal to `bytes`. The
 * identity map is the hypervisor's own, so RIP is the GPA while the guest
 * keeps it; a guest that does not gets its exit refused. */
static bool insn_at_rip(const uint8_t *bytes, uint64_t len)
{
	uint64_t rip = *vmcb64(VMCB_RIP);

	if (!hcall_range_ok(vm.mem_bytes, rip, len))
		return false;
	for (uint64_t i = 0; i < len; i++)
		if (vm.mem[rip + i] != bytes[i])
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

void guest_console_out(const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_byte(bytes[i]);
	console_emit();
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
		uint64_t v = port >= 0x3F8 && port <= 0x3FF ? 0 : mask;

		/* Line status (0x3FD): transmitter empty, and data ready
		 * (bit 0) while typed bytes wait; the data port hands out
		 * the oldest. */
		if (port == 0x3FD)
			v = 0x60 | (vcpu.input_len ? 1 : 0);
		else if (port == 0x3F8 && vcpu.input_len) {
			v = vcpu.input[vcpu.input_head];
			vcpu.input_head = (vcpu.input_head + 1) % GUEST_INPUT_MAX;
			vcpu.input_len--;
		}

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
	cpu_cpuid(leaf, (uint32_t)vcpu.gprs.rcx, r);
	/* The guest sees no SVM: no nested virtualization here. */
	if (leaf == 0x80000001)
		r[2] &= ~CPUID_80000001_ECX_SVM;
	if (leaf == 0x8000000A)
		r[0] = r[1] = r[2] = r[3] = 0;
	*rax = r[0];
	vcpu.gprs.rbx = r[1];
	vcpu.gprs.rcx = r[2];
	vcpu.gprs.rdx = r[3];
}

static void exit_msr(uint64_t info1)
{
	static const uint8_t rd[] = { 0x0F, 0x32 }, wr[] = { 0x0F, 0x30 };
	uint32_t msr = (uint32_t)vcpu.gprs.rcx;
	uint64_t *rax = vmcb64(VMCB_RAX), v;

	if (!skip_insn(info1 ? wr : rd, 2, info1 ? "WRMSR" : "RDMSR"))
		return;
	if (info1) {
		v = (*rax & 0xFFFFFFFFULL) | vcpu.gprs.rdx << 32;
		/* EFER: the guest's own bits; SVME stays set (VMRUN needs it)
		 * and hidden. Every other MSR, SVM's included, ignores writes. */
		if (msr == MSR_EFER)
			*vmcb64(VMCB_EFER) = (v & (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) |
					     EFER_SVME;
		return;
	}
	v = msr == MSR_EFER ? *vmcb64(VMCB_EFER) & ~EFER_SVME : 0;
	*rax = v & 0xFFFFFFFFULL;
	vcpu.gprs.rdx = v >> 32;
}

static efi_status_t hv_get_next(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	return rt_get_next_variable_name(name, cap, guid);
}

const struct hcall_services guest_hcall_services = {
	.get_variable = rt_get_variable,
	.get_next_variable_name = hv_get_next,
	.set_variable = rt_set_variable,
	.query_variable_info = rt_query_variable_info,
	.get_time = rt_get_time,
};

/* Only where the CPU intercepts XSETBV (not QEMU TCG): the guest's new
 * XCR0, checked against what the CPU and the save area hold. */
static void exit_xsetbv(void)
{
	static const uint8_t op[] = { 0x0F, 0x01, 0xD1 };
	uint64_t v = (*vmcb64(VMCB_RAX) & 0xFFFFFFFFULL) | vcpu.gprs.rdx << 32;
	uint32_t xcr = (uint32_t)vcpu.gprs.rcx;
	const char *why;

	if (!skip_insn(op, 3, "XSETBV"))
		return;
	why = vm_cpustate_xsetbv(&vcpu.cpu, xcr, v);
	if (why)
		guest_stop("XSETBV of XCR%u = 0x%lx refused: %s", xcr, v, why);
}

static void exit_reset(uint64_t type)
{
	const char *name = hcall_reset_name(type);

	if (name)
		guest_stop("reset (%s)", name);
	else
		guest_stop("reset (EFI_RESET_TYPE 0x%lx)", type);
}

static void exit_vmmcall(void)
{
	static const uint8_t op[] = { 0x0F, 0x01, 0xD9 };
	uint64_t *rax = vmcb64(VMCB_RAX), fn = *rax;

	/* A Linux guest's RIP is a kernel virtual address, which the
	 * hypervisor does not translate (it never walks guest page tables):
	 * the instruction is taken as the exit says. */
	if (vcpu.is_linux)
		*vmcb64(VMCB_RIP) += 3;
	else if (!skip_insn(op, 3, "VMMCALL"))
		return;
	vcpu.last_hcall = (uint32_t)(fn < HVCALL_COUNT ? fn : HVCALL_COUNT);
	guest_records[vcpu.index].hcalls[vcpu.last_hcall]++;
	/* README: Hypercall ABI: only the guest's kernel (CPL 0) may call;
	 * its user programs get EFI_ACCESS_DENIED and nothing is read or
	 * written. The VMCB's CPL is the one the guest runs at (APM Vol. 2
	 * §15.5.1). */
	if (*(vm.ctrl + CTRL_VMCB + VMCB_CPL) != 0) {
		*rax = EFI_ACCESS_DENIED;
		return;
	}
	switch (fn) {
	case HVCALL_RESET_SYSTEM:
		/* README: Hypercall ABI: the guest's ResetSystem (its EFI shim's)
		 * ends the guest, never the machine. */
		exit_reset(vcpu.gprs.rbx);
		return;
	default:
		break;
	}
	/* A slice tick the timer already requested (pending while IF = 0,
	 * SDM Vol. 3A §11.8.4) is taken here, in the hypervisor's address
	 * space, rather than inside the firmware call, which runs with IF set
	 * for its watchdog. STI takes effect after the next instruction, so
	 * NOP is the window. A call into firmware then borrows the timer for
	 * its watchdog and gives the slice back where it was
	 * (rt/rt_call.asm). */
	__asm__ volatile("sti; nop; cli" ::: "memory");
	*rax = hcall_dispatch(&vcpu.hc, fn, vcpu.gprs.rbx, vcpu.gprs.rcx);
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
	guest_records[vcpu.index].exits[k]++;
	vcpu.last_kind = k;
	vcpu.last_hcall = HVCALL_COUNT + 1;	/* none, until exit_vmmcall says */
}

void guest_account_exit(uint64_t cycles)
{
	struct guest_record *r = &guest_records[vcpu.index];

	if (vcpu.last_kind < GX_COUNT)
		r->exit_cycles[vcpu.last_kind] += cycles;
	if (vcpu.last_hcall <= HVCALL_COUNT)
		r->hcall_cycles[vcpu.last_hcall] += cycles;
	vcpu.last_kind = GX_COUNT;	/* each exit is accounted once */
	vcpu.last_hcall = HVCALL_COUNT + 1;
}

void guest_handle_exit(void)
{
	uint32_t code = (uint32_t)*vmcb64(VMCB_EXIT_CODE);
	uint64_t info1 = *vmcb64(VMCB_EXIT_INFO1), info2 = *vmcb64(VMCB_EXIT_INFO2);
	const char *name;

	count_exit(code);
	if (vcpu.is_linux && guest_linux_exit(code, info1, info2))
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
	case SVM_EXIT_XSETBV:
		exit_xsetbv();
		break;
	case SVM_EXIT_MSR:
		exit_msr(info1);
		break;
	case SVM_EXIT_INTR:
		break;
	case SVM_EXIT_NPF:
		/* APM Vol. 2 §15.25.6: EXITINFO1 the #PF-style error code,
		 * EXITINFO2 the faulting guest-physical address. */
		if (info2 >= vm.mem_bytes)
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
