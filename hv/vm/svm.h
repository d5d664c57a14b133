/* AMD SVM (AMD APM Vol. 2 ch. 15): the VMCB layout this hypervisor uses,
 * exit codes, and the VMRUN loop's entry. Only the hypervisor includes it. */
#ifndef HV_SVM_H
#define HV_SVM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "x86.h"		/* EFER, VM_CR, VM_HSAVE_PA */

/* VMCB control area offsets (APM Vol. 2 Appendix B, Table B-1). */
#define VMCB_INTERCEPT_CR	0x000
#define VMCB_INTERCEPT_EXC	0x008
#define VMCB_INTERCEPT_MISC1	0x00C
#define VMCB_INTERCEPT_MISC2	0x010
#define VMCB_IOPM_BASE		0x040
#define VMCB_MSRPM_BASE		0x048
#define VMCB_ASID		0x058
#define VMCB_TLB_CONTROL	0x05C
#define VMCB_VINTR		0x060	/* V_TPR, V_IRQ, V_INTR_PRIO, …; V_INTR_VECTOR 39:32 */
#define VMCB_INT_STATE		0x068	/* bit 0: the guest is in an interrupt shadow */
#define VMCB_EXIT_CODE		0x070
#define VMCB_EXIT_INFO1		0x078
#define VMCB_EXIT_INFO2		0x080
#define VMCB_EXIT_INT_INFO	0x088
#define VMCB_EVENTINJ		0x0A8
#define VMCB_NP_ENABLE		0x090
#define VMCB_N_CR3		0x0B0

/* State save area (Table B-2): segments are selector, attrib, limit, base. */
#define VMCB_ES			0x400
#define VMCB_CS			0x410
#define VMCB_SS			0x420
#define VMCB_DS			0x430
#define VMCB_FS			0x440
#define VMCB_GS			0x450
#define VMCB_GDTR		0x460
#define VMCB_LDTR		0x470
#define VMCB_IDTR		0x480
#define VMCB_TR			0x490
#define VMCB_CPL		0x4CB
#define VMCB_EFER		0x4D0
#define VMCB_CR4		0x548
#define VMCB_CR3		0x550
#define VMCB_CR0		0x558
#define VMCB_DR7		0x560
#define VMCB_DR6		0x568
#define VMCB_RFLAGS		0x570
#define VMCB_RIP		0x578
#define VMCB_RSP		0x5D8
#define VMCB_RAX		0x5F8
#define VMCB_G_PAT		0x668

/* Intercept bits (Table B-1, offsets 0x0C and 0x10). */
#define SVM_ICPT1_INTR		(1U << 0)
#define SVM_ICPT1_VINTR		(1U << 4)
#define SVM_ICPT1_CPUID		(1U << 18)
#define SVM_ICPT1_INVD		(1U << 22)
#define SVM_ICPT1_HLT		(1U << 24)
#define SVM_ICPT1_INVLPGA	(1U << 26)
#define SVM_ICPT1_IOIO		(1U << 27)
#define SVM_ICPT1_MSR		(1U << 28)
#define SVM_ICPT1_SHUTDOWN	(1U << 31)
#define SVM_ICPT2_VMRUN		(1U << 0)	/* required by VMRUN */
#define SVM_ICPT2_VMMCALL	(1U << 1)
#define SVM_ICPT2_VMLOAD	(1U << 2)
#define SVM_ICPT2_VMSAVE	(1U << 3)
#define SVM_ICPT2_STGI		(1U << 4)
#define SVM_ICPT2_CLGI		(1U << 5)
#define SVM_ICPT2_SKINIT	(1U << 6)
#define SVM_ICPT2_MONITOR	(1U << 10)
#define SVM_ICPT2_MWAIT		(1U << 11)
#define SVM_ICPT2_MWAIT_COND	(1U << 12)
#define SVM_ICPT2_XSETBV	(1U << 13)

/* EVENTINJ and EXITINTINFO (APM Vol. 2 §15.20): vector 7:0, type 10:8
 * (0 = external interrupt), valid 31. */
#define SVM_EVENT_VALID		(1ULL << 31)
#define SVM_EVENT_TYPE_INTR	(0ULL << 8)
#define SVM_V_INTR_MASKING	(1ULL << 24)
#define SVM_V_IRQ		(1ULL << 8)
#define SVM_V_INTR_PRIO_MASK	(0xFULL << 16)
#define SVM_V_IGN_TPR		(1ULL << 20)
#define SVM_V_INTR_VECTOR_SHIFT	32
#define SVM_V_INTR_VECTOR_MASK	(0xFFULL << 32)

/* Exit codes (APM Vol. 2 Appendix C). Compare the low 32 bits: TCG
 * reports a failed VMRUN as 0x00000000FFFFFFFF. */
#define SVM_EXIT_EXCP_BASE	0x40
#define SVM_EXIT_INTR		0x60
#define SVM_EXIT_VINTR		0x64
#define SVM_EXIT_NMI		0x61
#define SVM_EXIT_CPUID		0x72
#define SVM_EXIT_HLT		0x78
#define SVM_EXIT_INVLPGA	0x7A
#define SVM_EXIT_IOIO		0x7B
#define SVM_EXIT_MSR		0x7C
#define SVM_EXIT_SHUTDOWN	0x7F
#define SVM_EXIT_VMRUN		0x80
#define SVM_EXIT_VMMCALL	0x81
#define SVM_EXIT_XSETBV		0x8D
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	0xFFFFFFFFU

/* The guest registers VMRUN does not load from the VMCB (RAX, RSP, RIP
 * and RFLAGS live there). svm_run.asm relies on this order. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
/* svm_run.asm's G_RBX .. G_R15 (NASM cannot read this header). */
_Static_assert(offsetof(struct svm_gprs, rbx) == 0 && offsetof(struct svm_gprs, rcx) == 8 &&
	       offsetof(struct svm_gprs, rdx) == 16 && offsetof(struct svm_gprs, rsi) == 24 &&
	       offsetof(struct svm_gprs, rdi) == 32 && offsetof(struct svm_gprs, rbp) == 40 &&
	       offsetof(struct svm_gprs, r8) == 48 && offsetof(struct svm_gprs, r9) == 56 &&
	       offsetof(struct svm_gprs, r10) == 64 && offsetof(struct svm_gprs, r11) == 72 &&
	       offsetof(struct svm_gprs, r12) == 80 && offsetof(struct svm_gprs, r13) == 88 &&
	       offsetof(struct svm_gprs, r14) == 96 && offsetof(struct svm_gprs, r15) == 104,
	       "svm_run.asm's G_* offsets");

/* svm_run.asm: with GIF clear, VMSAVE the host's hidden state (FS, GS, TR,
 * LDTR, syscall MSRs) into host_vmcb_pa, VMLOAD the guest's, VMRUN, and
 * the reverse after #VMEXIT; guest GPRs in and out of *g. */
void svm_run(uint64_t vmcb_pa, struct svm_gprs *g, uint64_t host_vmcb_pa);

/* "IOIO", "NPF", … for an exit code; NULL if this hypervisor has no name. */
const char *svm_exit_name(uint64_t code);

#endif
