/* CPU exceptions (vectors 0..31): the frame isr.asm builds. hv_trap_dispatch
 * offers every exception to the runtime layer first (hv_rt_trap in
 * runtime.h: a fault inside firmware is contained and resumed); a
 * rewritten frame is what isr.asm reloads and iretq resumes. */
#ifndef HV_TRAP_H
#define HV_TRAP_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Exactly what isr.asm leaves on the stack, lowest address first: the
 * general registers it pushed (r15 last), the vector and error code (0 for
 * vectors without one), then the CPU's own interrupt frame (SDM Vol. 3A
 * §6.14.1, Figure 6-9). A hook may change any field; isr.asm reloads every
 * register from the frame and returns with iretq. */
struct hv_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Offsets isr.asm's push order produces (and asm users may rely on). */
#define HV_TF_R15	0
#define HV_TF_RAX	112
#define HV_TF_VECTOR	120
#define HV_TF_ERROR	128
#define HV_TF_RIP	136
#define HV_TF_CS	144
#define HV_TF_RFLAGS	152
#define HV_TF_RSP	160
#define HV_TF_SS	168
#define HV_TF_SIZE	176

_Static_assert(offsetof(struct hv_trap_frame, r15) == HV_TF_R15, "r15 pushed last");
_Static_assert(offsetof(struct hv_trap_frame, rax) == HV_TF_RAX, "rax pushed first");
_Static_assert(offsetof(struct hv_trap_frame, vector) == HV_TF_VECTOR, "vector above GPRs");
_Static_assert(offsetof(struct hv_trap_frame, error) == HV_TF_ERROR, "error code above vector");
_Static_assert(offsetof(struct hv_trap_frame, rip) == HV_TF_RIP, "CPU frame starts at rip");
_Static_assert(offsetof(struct hv_trap_frame, cs) == HV_TF_CS, "cs");
_Static_assert(offsetof(struct hv_trap_frame, rflags) == HV_TF_RFLAGS, "rflags");
_Static_assert(offsetof(struct hv_trap_frame, rsp) == HV_TF_RSP, "rsp");
_Static_assert(offsetof(struct hv_trap_frame, ss) == HV_TF_SS, "ss");
_Static_assert(sizeof(struct hv_trap_frame) == HV_TF_SIZE, "frame size");
/* The CPU aligns rsp to 16 before pushing its 40-byte frame (SDM Vol. 3A
 * §6.14.2); error code + vector + 15 GPRs keep the frame a multiple of 16,
 * so hv_trap_dispatch is called with an ABI-aligned stack. */
_Static_assert(HV_TF_SIZE % 16 == 0, "frame keeps the stack 16-byte aligned");

/* Vectors, SDM Vol. 3A Table 6-1. */
enum {
	HV_VEC_DE = 0, HV_VEC_DB = 1, HV_VEC_NMI = 2, HV_VEC_BP = 3,
	HV_VEC_OF = 4, HV_VEC_BR = 5, HV_VEC_UD = 6, HV_VEC_NM = 7,
	HV_VEC_DF = 8, HV_VEC_TS = 10, HV_VEC_NP = 11, HV_VEC_SS = 12,
	HV_VEC_GP = 13, HV_VEC_PF = 14, HV_VEC_MF = 16, HV_VEC_AC = 17,
	HV_VEC_MC = 18, HV_VEC_XM = 19, HV_VEC_VE = 20, HV_VEC_CP = 21,
	/* The interrupts the hypervisor programs: timer.h. */
};

/* Prints the register dump for tf (as for a fatal trap) without halting. */
void trap_dump(const struct hv_trap_frame *tf);

/* Builds and loads the IDT (every vector -> its isr.asm stub). */
void idt_init(void);

/* Points vector (32..255) at handler: an interrupt gate on the current
 * stack (hv/vm/guest.c's timer). */
void idt_set_gate(unsigned vector, uint64_t handler);

/* Called by isr.asm. */
void hv_trap_dispatch(struct hv_trap_frame *tf);

#endif
