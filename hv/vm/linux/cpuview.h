/* The CPU a Linux guest sees (README: Guests, the Linux kind): CPUID as
 * the host answers it, filtered to one CPU without SVM, local APIC,
 * x2APIC, MONITOR, XSAVE/AVX or RDTSCP; the MSRs its kernel and user space
 * use, either passed through the MSR permission map (those VMSAVE and
 * VMLOAD switch with the guest) or emulated here. Pure: the host's CPUID
 * answer and the TSC are inputs. */
#ifndef HV_VM_LINUX_CPUVIEW_H
#define HV_VM_LINUX_CPUVIEW_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "x86.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

#define CPUVIEW_MAX_BASIC	0x7U		/* leaves above are topology, XSAVE, … */
#define CPUVIEW_MAX_EXT		0x80000008U	/* above: SVM, topology, SEV */

/* The guest's answer for leaf/subleaf, from the host's answer for it. */
void cpuview_cpuid(uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *host,
		   struct cpuid_regs *out);


/* The MSRs the guest reads and writes directly: their values live in the
 * VMCB's state save area, swapped by VMLOAD/VMSAVE around every VMRUN
 * (APM Vol. 2 §15.5.2). */
extern const uint32_t cpuview_msr_passthrough[];
extern const size_t cpuview_msr_passthrough_count;

/* Clears msr's read and write intercept bits in an 8 KiB MSR permission
 * map (APM Vol. 2 §15.11: three 2 KiB ranges from 0, 0xC0000000 and
 * 0xC0010000, two bits per MSR). False for an MSR outside them. */
bool cpuview_msrpm_pass(uint8_t *msrpm, uint32_t msr);

/* The emulated MSRs' guest values. efer is the guest's view (no SVME);
 * the caller mirrors efer and pat into the VMCB. */
struct cpuview_msrs {
	uint64_t efer;
	uint64_t pat;
	uint64_t tsc_aux;
	uint64_t unknown_reads, unknown_writes;
	uint32_t last_unknown;
};

#define CPUVIEW_PAT_POWER_ON	0x0007040600070406ULL
/* EFER bits a guest may set: SCE, LME, LMA, NXE (FFXSR and the rest stay 0). */
#define CPUVIEW_EFER_GUEST	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

void cpuview_msrs_init(struct cpuview_msrs *m, uint64_t efer);

/* RDMSR/WRMSR of an intercepted MSR. tsc: the guest's TSC now. An MSR this
 * view does not know reads 0 and ignores writes (as QEMU's own CPU model
 * does), counted in unknown_reads/unknown_writes. */
uint64_t cpuview_msr_read(struct cpuview_msrs *m, uint32_t msr, uint64_t tsc);
void cpuview_msr_write(struct cpuview_msrs *m, uint32_t msr, uint64_t v);

#endif
