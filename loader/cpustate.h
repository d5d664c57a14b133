/* The CPU state the hypervisor runs with: set at the switch to our tables,
 * not inherited from whatever the firmware left (README: CPU state). The
 * loader computes it here, the trampoline loads it before the new CR3,
 * the boot info carries it, and `selftest` compares the live registers
 * with it. Pure. Bits: SDM Vol. 3A §2.5 (CR0, CR4), §2.2.1 (EFER),
 * §12.12 (PAT). */
#ifndef HVBOOT_CPUSTATE_H
#define HVBOOT_CPUSTATE_H

#include <stdint.h>
#include "bootinfo.h"

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

#define MSR_EFER	0xC0000080U
#define EFER_SCE	(1ULL << 0)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)
#define EFER_SVME	(1ULL << 12)

#define MSR_IA32_PAT	0x277U

/* PAT memory types (SDM Vol. 3A Table 12-10). */
#define PAT_UC		0x00ULL
#define PAT_WC		0x01ULL
#define PAT_WT		0x04ULL
#define PAT_WP		0x05ULL
#define PAT_WB		0x06ULL
#define PAT_UCMINUS	0x07ULL

/* The PAT the hypervisor relies on. Entries 0 (no bits) and 3 (PCD|PWT)
 * keep their power-on types, WB and UC, which is what the page-table
 * builder's plain and PT_MAP_UC leaves select; entry 1 (PWT) becomes WC,
 * for PT_MAP_WC (the framebuffer). */
#define HV_PAT_VALUE	(PAT_WB | PAT_WC << 8 | PAT_UCMINUS << 16 | PAT_UC << 24 | \
			 PAT_WB << 32 | PAT_WT << 40 | PAT_UCMINUS << 48 | PAT_UC << 56)

/* Bits the hypervisor adds to CR4 after the switch, so `selftest` does
 * not count them as drift: XSAVE support (when the CPU has it) and PCIDs
 * (the runtime address space, when the CPU has them). */
#define CR4_SET_AFTER_SWITCH	(CR4_OSXSAVE | CR4_PCIDE)

/* From the CPU's features (HV_CPU_*) and the registers as the firmware
 * left them: CR0 with paging, protection, WP and the FPU set up for SSE
 * (MP, NE; no EM, TS), caching on (no CD, NW) and no alignment checks;
 * CR4 with PAE, MCE when the CPU has it and the SSE OS-support bits, and
 * nothing else the firmware may have turned on (no PGE, so no global
 * firmware entry survives the switch; no CET, SMEP, SMAP, PCIDE) but the
 * bits that cannot change here (VMXE, SMXE); EFER with long mode and NXE
 * when the CPU has it; the PAT above. */
void cpustate_plan(uint32_t cpu_flags, uint64_t cr4_now, uint64_t efer_now,
		   struct hv_cpu_state *out);

#endif
