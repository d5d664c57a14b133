/* The CPU a Linux guest sees (README: Guests, the Linux kind). CPUID bit
 * positions: AMD APM Vol. 3 Appendix E and SDM Vol. 2A CPUID. What is
 * hidden and why:
 *   - more than one CPU (leaf 1 EBX[23:16] = 1, APIC ID 0, HTT clear;
 *     0x80000008 ECX NC = 0): the guest has one virtual CPU;
 *   - local APIC, x2APIC, TSC-deadline (leaf 1 EDX 9, ECX 21, 24;
 *     0x80000001 ECX 3 ExtApicSpace): the platform has only the 8259As;
 *   - MONITOR/MWAIT, MONITORX (leaf 1 ECX 3, 0x80000001 ECX 29): idle must
 *     be HLT, which the hypervisor sees;
 *   - VMX and SVM (leaf 1 ECX 5, 0x80000001 ECX 2, leaf 0x8000000A): no
 *     nested virtualization;
 *   - XSAVE, OSXSAVE, AVX and what needs XSAVE state (leaf 1 ECX 26-28,
 *     leaf 7's AVX2/AVX-512/PKU, leaf 0xD): XSETBV cannot be intercepted
 *     here, so the guest keeps to x87/SSE state saved with FXSAVE;
 *   - RDTSCP (0x80000001 EDX 27): it reads TSC_AUX, which VMRUN does not
 *     switch;
 *   - leaves above 7 and 0x80000008 (topology, XSAVE, SVM, SEV).
 * Shown: the hypervisor bit (leaf 1 ECX 31), with no hypervisor leaves
 * (0x40000000 reads 0): the guest knows it is virtual but finds no
 * paravirtual interface. */
#include "cpuview.h"

#define BIT(n)	(1U << (n))

/* Leaf 7 subleaf 0: the features kept (everything else reads 0). */
#define L7_EBX_KEEP	(BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(18) | BIT(19) | \
			 BIT(20) | BIT(23) | BIT(24) | BIT(29))	/* FSGSBASE BMI1 SMEP BMI2 ERMS
								 * RDSEED ADX SMAP CLFLUSHOPT
								 * CLWB SHA */

void cpuview_cpuid(uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *host,
		   struct cpuid_regs *out)
{
	*out = *host;
	switch (leaf) {
	case 0:
		if (out->eax > CPUVIEW_MAX_BASIC)
			out->eax = CPUVIEW_MAX_BASIC;
		return;
	case 1:
		out->ebx = (out->ebx & 0xFFFFU) | (1U << 16);	/* one logical CPU, APIC ID 0 */
		out->ecx &= ~(BIT(3) | BIT(5) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | BIT(28));
		out->ecx |= BIT(31);
		out->edx &= ~(BIT(9) | BIT(28));
		return;
	case 7:
		if (subleaf == 0) {
			out->eax = 0;
			out->ebx &= L7_EBX_KEEP;
			out->ecx = out->edx = 0;
		} else {
			*out = (struct cpuid_regs){ 0 };
		}
		return;
	case 2: case 3:
		return;
	case 0x80000000:
		if (out->eax > CPUVIEW_MAX_EXT)
			out->eax = CPUVIEW_MAX_EXT;
		return;
	case 0x80000001:
		out->ecx &= ~(BIT(1) | BIT(2) | BIT(3) | BIT(22) | BIT(29));
		out->edx &= ~(BIT(9) | BIT(27));
		return;
	case 0x80000002: case 0x80000003: case 0x80000004:	/* brand string */
	case 0x80000005: case 0x80000006: case 0x80000007:	/* caches, power */
		return;
	case 0x80000008:
		out->ecx = 0;		/* one core, no APIC ID bits */
		return;
	default:
		*out = (struct cpuid_regs){ 0 };
		return;
	}
}

const uint32_t cpuview_msr_passthrough[] = {
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};
const size_t cpuview_msr_passthrough_count =
	sizeof(cpuview_msr_passthrough) / sizeof(cpuview_msr_passthrough[0]);

bool cpuview_msrpm_pass(uint8_t *msrpm, uint32_t msr)
{
	static const uint32_t base[3] = { 0x00000000U, 0xC0000000U, 0xC0010000U };

	for (unsigned r = 0; r < 3; r++) {
		uint32_t bit;

		if (msr < base[r] || msr - base[r] >= 0x2000)
			continue;
		bit = r * 0x4000 + (msr - base[r]) * 2;	/* 2 KiB = 0x4000 bits a range */
		msrpm[bit / 8] &= (uint8_t)~(3U << (bit % 8));
		return true;
	}
	return false;
}

void cpuview_msrs_init(struct cpuview_msrs *m, uint64_t efer)
{
	*m = (struct cpuview_msrs){ .efer = efer & CPUVIEW_EFER_GUEST, .pat = CPUVIEW_PAT_POWER_ON };
}

uint64_t cpuview_msr_read(struct cpuview_msrs *m, uint32_t msr, uint64_t tsc)
{
	switch (msr) {
	case MSR_TSC:		return tsc;
	case MSR_EFER:	return m->efer;
	case MSR_IA32_PAT:		return m->pat;
	case MSR_TSC_AUX:	return m->tsc_aux;
	/* No variable or fixed ranges; MTRRs enabled, default type WB (SDM
	 * Vol. 3A §11.11.2.1): all of guest memory is write-back. */
	case MSR_MTRRCAP:	return 0;
	case MSR_MTRR_DEF_TYPE:	return (1ULL << 11) | 6;
	case MSR_APIC_BASE:	/* no local APIC */
	case MSR_MISC_ENABLE:		/* Intel's; nothing to report */
		return 0;
	default:
		m->unknown_reads++;
		m->last_unknown = msr;
		return 0;
	}
}

void cpuview_msr_write(struct cpuview_msrs *m, uint32_t msr, uint64_t v)
{
	switch (msr) {
	case MSR_EFER:
		m->efer = v & CPUVIEW_EFER_GUEST;
		return;
	case MSR_IA32_PAT:
		m->pat = v;
		return;
	case MSR_TSC_AUX:
		m->tsc_aux = (uint32_t)v;
		return;
	case MSR_TSC: case MSR_MTRRCAP: case MSR_MTRR_DEF_TYPE: case MSR_APIC_BASE:
	case MSR_MISC_ENABLE:
		return;		/* read-only or fixed here: ignored */
	default:
		m->unknown_writes++;
		m->last_unknown = msr;
		return;
	}
}
