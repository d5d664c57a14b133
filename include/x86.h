/* The x86-64 architecture as every layer uses it: control-register,
 * EFER, RFLAGS and XCR0 bits, MSR numbers, the CPUID feature bits we test,
 * PAT memory types (SDM Vol. 3A §2.5, §2.2.1, §12.12; Vol. 1 §3.4.3,
 * §13.3; Vol. 2 CPUID; AMD APM Vol. 2 §15.4, §15.30), and the three
 * instructions the loader, rt/ and the hypervisor share: RDTSC and port
 * I/O. One definition of each (tools/check-layers.py flags copies). */
#ifndef HVBOOT_X86_H
#define HVBOOT_X86_H

#include <stdint.h>

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_EM		(1ULL << 2)
#define CR0_TS		(1ULL << 3)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_AM		(1ULL << 18)
#define CR0_NW		(1ULL << 29)
#define CR0_CD		(1ULL << 30)
#define CR0_PG		(1ULL << 31)

#define CR3_ADDR_MASK	0x000FFFFFFFFFF000ULL	/* without PCID and flush bits */
#define CR3_NOFLUSH	(1ULL << 63)	/* with CR4.PCIDE: keep the PCID's TLB entries */

#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_MCE		(1ULL << 6)
#define CR4_PGE		(1ULL << 7)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define CR4_LA57	(1ULL << 12)
#define CR4_VMXE	(1ULL << 13)
#define CR4_SMXE	(1ULL << 14)
#define CR4_PCIDE	(1ULL << 17)
#define CR4_OSXSAVE	(1ULL << 18)
#define CR4_SMEP	(1ULL << 20)
#define CR4_SMAP	(1ULL << 21)
#define CR4_CET		(1ULL << 23)

#define RFLAGS_FIXED	(1ULL << 1)	/* always set */
#define RFLAGS_TF	(1ULL << 8)
#define RFLAGS_IF	(1ULL << 9)
#define RFLAGS_DF	(1ULL << 10)
#define RFLAGS_AC	(1ULL << 18)

#define XCR0_X87	(1ULL << 0)
#define XCR0_SSE	(1ULL << 1)

#define MSR_APIC_BASE	0x1BU
#define MSR_IA32_PAT	0x277U
#define MSR_EFER	0xC0000080U
#define MSR_VM_CR	0xC0010114U	/* AMD */
#define MSR_VM_HSAVE_PA	0xC0010117U	/* AMD */
/* The MSRs a Linux guest uses (hv/vm/linux/cpuview.c; SDM Vol. 4, APM
 * Vol. 2 Appendix A). */
#define MSR_TSC			0x10U
#define MSR_MTRRCAP		0xFEU
#define MSR_SYSENTER_CS		0x174U
#define MSR_SYSENTER_ESP	0x175U
#define MSR_SYSENTER_EIP	0x176U
#define MSR_MISC_ENABLE		0x1A0U
#define MSR_MTRR_DEF_TYPE	0x2FFU
#define MSR_STAR		0xC0000081U
#define MSR_LSTAR		0xC0000082U
#define MSR_CSTAR		0xC0000083U
#define MSR_SFMASK		0xC0000084U
#define MSR_FS_BASE		0xC0000100U
#define MSR_GS_BASE		0xC0000101U
#define MSR_KERNEL_GS_BASE	0xC0000102U
#define MSR_TSC_AUX		0xC0000103U

#define EFER_SCE	(1ULL << 0)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)
#define EFER_SVME	(1ULL << 12)

#define VM_CR_SVMDIS	(1ULL << 4)	/* SVM disabled by firmware */

/* CPUID feature bits, by leaf and register. */
#define CPUID1_ECX_PCID		(1U << 17)
#define CPUID1_ECX_XSAVE	(1U << 26)
#define CPUID1_EDX_MCE		(1U << 7)
#define CPUID_80000001_ECX_SVM	(1U << 2)
#define CPUID_80000001_EDX_NX	(1U << 20)
#define CPUID_80000001_EDX_1G	(1U << 26)
#define CPUID_8000000A_EDX_NP	(1U << 0)	/* nested paging */

/* PAT memory types (SDM Vol. 3A Table 12-10). */
#define PAT_UC		0x00ULL
#define PAT_WC		0x01ULL
#define PAT_WT		0x04ULL
#define PAT_WP		0x05ULL
#define PAT_WB		0x06ULL
#define PAT_UCMINUS	0x07ULL

static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

#endif
