/* The IDT for vectors 0..31 and what happens on an exception: the runtime
 * layer's hook gets the first word; anything it does not claim is fatal and
 * printed once, in full, before the CPU halts. */
#include "trap.h"
#include "runtime.h"

#include "cpu.h"
#include "gdt.h"
#include "console.h"
#include "kprintf.h"
#include "layout.h"
#include "mm.h"
#include "rt/excname.h"


/* SDM Vol. 3A §6.14.1, Figure 6-8: 64-bit interrupt gate. */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit gate is 16 bytes");

#define GATE_INTERRUPT	0x8E	/* P, DPL0, 64-bit interrupt gate: IF stays clear */
#define IDT_ENTRIES	256
#define ISR_COUNT	32	/* exceptions; 32..255 are interrupts */

extern const uint64_t isr_stubs[IDT_ENTRIES];	/* isr.asm */

/* Shared with the runtime address space (hv/rt_space.c). */
static struct idt_gate idt[IDT_ENTRIES]
	__attribute__((aligned(16), section(".bss.rtshared")));

static uint8_t ist_for(unsigned vector)
{
	switch (vector) {
	case HV_VEC_DF:		return IST_DF;
	case HV_VEC_NMI:	return IST_NMI;
	case HV_VEC_MC:		return IST_MC;
	case HV_VEC_PF:		return IST_PF;
	case HV_VEC_SS:		return IST_SS;
	case HV_VEC_GP:		return IST_GP;
	default:		return 0;
	}
}

void idt_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned v = 0; v < IDT_ENTRIES; v++) {
		uint64_t off = isr_stubs[v];

		idt[v] = (struct idt_gate){
			.offset_lo = off & 0xFFFF,
			.selector = GDT_SEL_CODE64,
			.ist = ist_for(v),
			.type_attr = GATE_INTERRUPT,
			.offset_mid = (off >> 16) & 0xFFFF,
			.offset_hi = off >> 32,
		};
	}
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void idt_set_gate(unsigned vector, uint64_t handler)
{
	if (vector < ISR_COUNT || vector >= IDT_ENTRIES)
		return;
	idt[vector] = (struct idt_gate){
		.offset_lo = handler & 0xFFFF,
		.selector = GDT_SEL_CODE64,
		.ist = 0,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xFFFF,
		.offset_hi = handler >> 32,
	};
}

/* Which stack's guard page (or the space just below it) addr is in. A
 * frame bigger than a page can jump past the guard, so 64 KiB below it
 * still counts. */
static const char *stack_overflow_name(uint64_t addr)
{
	const uint64_t reach = 0x10000;

	if (addr >= HV_STACK_GUARD_VA - reach && addr < HV_STACK_BOTTOM_VA)
		return "hypervisor stack";
	if (addr >= HV_RTSTACK_GUARD_VA - reach && addr < HV_RTSTACK_BOTTOM_VA)
		return "runtime-call stack";
	for (uint64_t n = 1; n <= HV_IST_COUNT; n++)
		if (addr >= HV_IST_BOTTOM_VA(n) - HV_PAGE_SIZE && addr < HV_IST_BOTTOM_VA(n))
			return "exception stack";
	return NULL;
}

/* SDM Vol. 3A §4.7, Figure 4-12: the #PF error code. */
static void dump_pf_error(uint64_t err)
{
	kprintf("  page fault: %s %s%s%s%s\n",
		err & (1 << 4) ? "instruction fetch" : err & (1 << 1) ? "write" : "read",
		err & (1 << 0) ? "violating protection" : "of a non-present page",
		err & (1 << 2) ? ", user mode" : "",
		err & (1 << 3) ? ", reserved bit set in an entry" : "",
		err & (1 << 5) ? ", protection key" : "");
}

/* SDM Vol. 3A §6.13: selector error codes (#TS #NP #SS #GP). */
static void dump_selector_error(uint64_t err)
{
	if (err == 0)
		return;
	/* The index is the vector on Intel parts; QEMU's TCG reports twice
	 * that (it counts 8-byte slots of the 16-byte gates), so print the
	 * raw index. */
	if (err & 2)
		kprintf("  error code: IDT index 0x%lx%s\n",
			(err >> 3) & 0x1FFF, err & 1 ? ", external" : "");
	else
		kprintf("  error code: %s selector 0x%lx%s\n", err & 4 ? "LDT" : "GDT",
			err & 0xFFF8, err & 1 ? ", external" : "");
}

static void dump_stack(uint64_t rsp)
{
	enum { QWORDS = 16 };

	if ((rsp & 7) || !mm_va_mapped(rsp, QWORDS * 8, false)) {
		kprintf("  stack at 0x%lx: not readable\n", rsp);
		return;
	}
	kprintf("  stack at 0x%lx:\n", rsp);
	for (int i = 0; i < QWORDS; i += 2) {
		const uint64_t *q = (const uint64_t *)(uintptr_t)(rsp + i * 8);
		kprintf("    0x%016lx: 0x%016lx 0x%016lx\n", rsp + i * 8, q[0], q[1]);
	}
}

void trap_dump(const struct hv_trap_frame *tf)
{
	const char *name = exc_mnemonic(tf->vector);
	uint64_t cr2 = cpu_read_cr2();
	const char *overflow = NULL;

	kprintf("\nexception %s (vector %lu) error 0x%lx at rip 0x%lx\n",
		name ? name : "reserved", tf->vector, tf->error, tf->rip);

	if (tf->vector == HV_VEC_PF) {
		dump_pf_error(tf->error);
		overflow = stack_overflow_name(cr2);
	} else if (tf->vector == HV_VEC_DF || tf->vector == HV_VEC_SS) {
		/* A #PF on the guard whose own frame push faulted again ends
		 * up here; CR2 or the saved rsp still points at the guard. */
		overflow = stack_overflow_name(cr2);
		if (!overflow)
			overflow = stack_overflow_name(tf->rsp);
	} else if (tf->vector == HV_VEC_TS || tf->vector == HV_VEC_NP ||
		   tf->vector == HV_VEC_GP) {
		dump_selector_error(tf->error);
	}
	if (overflow)
		kprintf("  stack overflow: %s ran into its guard page\n", overflow);

	kprintf("  cr2 0x%016lx  cr3 0x%016lx\n", cr2, cpu_read_cr3());
	kprintf("  cr0 0x%016lx  cr4 0x%016lx\n", cpu_read_cr0(), cpu_read_cr4());
	kprintf("  rax 0x%016lx  rbx 0x%016lx  rcx 0x%016lx\n", tf->rax, tf->rbx, tf->rcx);
	kprintf("  rdx 0x%016lx  rsi 0x%016lx  rdi 0x%016lx\n", tf->rdx, tf->rsi, tf->rdi);
	kprintf("  rbp 0x%016lx  r8  0x%016lx  r9  0x%016lx\n", tf->rbp, tf->r8, tf->r9);
	kprintf("  r10 0x%016lx  r11 0x%016lx  r12 0x%016lx\n", tf->r10, tf->r11, tf->r12);
	kprintf("  r13 0x%016lx  r14 0x%016lx  r15 0x%016lx\n", tf->r13, tf->r14, tf->r15);
	kprintf("  rsp 0x%016lx  rflags 0x%08lx  cs 0x%lx  ss 0x%lx\n",
		tf->rsp, tf->rflags, tf->cs, tf->ss);
	dump_stack(tf->rsp);
}

/* Set while a fatal trap is being reported: a second fault there (a bad
 * pointer in the dump itself) must not recurse. */
static volatile int trap_reporting;

void hv_trap_dispatch(struct hv_trap_frame *tf)
{
	if (hv_rt_trap(tf))
		return;
	if (trap_reporting++) {
		kprintf("\nnested exception (vector %lu) at rip 0x%lx while reporting; halted\n",
			tf->vector, tf->rip);
		console_flush();
		cpu_halt_forever();
	}
	trap_dump(tf);
	kprintf("halted.\n");
	console_flush();
	cpu_halt_forever();
}
