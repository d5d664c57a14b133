/* The CPU state the hypervisor runs with: set at the switch to our tables,
 * not inherited from whatever the firmware left (README: CPU state). The
 * loader computes it here, the trampoline loads it before the new CR3,
 * the boot info carries it, and `selftest` compares the live registers
 * with it. Pure. The bits are x86.h's. */
#ifndef HVBOOT_CPUSTATE_H
#define HVBOOT_CPUSTATE_H

#include <stdint.h>
#include "bootinfo.h"
#include "x86.h"

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
