/* The CPU state at the switch (see cpustate.h). */
#include "cpustate.h"

void cpustate_plan(uint32_t cpu_flags, uint64_t cr4_now, uint64_t efer_now,
		   struct hv_cpu_state *out)
{
	out->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	/* VMXE and SMXE cannot be cleared while the CPU is in VMX or SMX
	 * operation (SDM Vol. 3C §23.7): keep what the firmware left. */
	out->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | (cr4_now & (CR4_VMXE | CR4_SMXE));
	if (cpu_flags & HV_CPU_MCE)
		out->cr4 |= CR4_MCE;
	/* LMA is the CPU's to set (SDM Vol. 3A §2.2.1); keep what it says. */
	out->efer = EFER_LME | (efer_now & EFER_LMA);
	if (cpu_flags & HV_CPU_NX)
		out->efer |= EFER_NXE;
	out->pat = HV_PAT_VALUE;
}
