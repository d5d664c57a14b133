/* The CPU state of a guest that VMRUN does not switch (README: Guests,
 * CPU state): x87/SSE/AVX registers, XCR0 and DR0-DR3 (APM Vol. 2 §15.5:
 * VMRUN and #VMEXIT swap RAX, RSP, RIP, RFLAGS, the CRs, EFER, DR6, DR7
 * and the segments, nothing of these). Loaded around every VMRUN, so a
 * guest keeps its own across every exit and every firmware call made on
 * its behalf, and starts with none of another's or the host's. */
#ifndef HV_VM_CPUSTATE_H
#define HV_VM_CPUSTATE_H

#include <stdint.h>
#include <stdbool.h>
#include "xstate.h"

struct vm_cpustate {
	uint8_t xsave[XSTATE_AREA_BYTES] __attribute__((aligned(64)));
	uint64_t xcr0;		/* the guest's (0 on a CPU without XSAVE) */
	uint64_t dr[4];		/* DR0-DR3; DR6 and DR7 live in the VMCB */
};

/* A guest's state at its start: the clean FPU of xstate_area_init, XCR0
 * = the hypervisor's (x87 and SSE), DR0-DR3 zero. */
void vm_cpustate_reset(struct vm_cpustate *s);

/* Right before VMRUN: the host's extended state and debug registers
 * saved, the guest's loaded (XCR0 included). */
void vm_cpustate_enter(struct vm_cpustate *s);

/* Right after #VMEXIT: the guest's saved (its XCR0 read back: XSETBV is
 * not intercepted everywhere), the host's put back. */
void vm_cpustate_exit(struct vm_cpustate *s);

/* An intercepted XSETBV (ECX = xcr, EDX:EAX = v): NULL and the guest's
 * XCR0 is v, or why v is refused (xstate_xcr0_check). */
const char *vm_cpustate_xsetbv(struct vm_cpustate *s, uint32_t xcr, uint64_t v);

#endif
