/* The x87/SSE/AVX state of a guest as data (SDM Vol. 1 ch. 13, the XSAVE
 * feature set; §10.5.1 for the FXSAVE layout, the first 512 bytes of
 * every XSAVE area): a clean area a guest starts from, and the rules an
 * XCR0 value must keep. Pure: vm/cpustate.c does the instructions. */
#ifndef HV_VM_XSTATE_H
#define HV_VM_XSTATE_H

#include <stdint.h>
#include <stddef.h>

#define XSTATE_AREA_BYTES	4096	/* x87, SSE, AVX, AVX-512, PKRU fit */
#define XSTATE_LEGACY_BYTES	512	/* the FXSAVE image */
#define XSTATE_HEADER_BYTES	64	/* XSTATE_BV, XCOMP_BV, reserved */

#define XSTATE_X87		(1ULL << 0)
#define XSTATE_SSE		(1ULL << 1)
#define XSTATE_AVX		(1ULL << 2)
#define XSTATE_AVX512		(7ULL << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */

#define XSTATE_FCW_INIT		0x037F	/* FNINIT (SDM Vol. 1 §8.1.5) */
#define XSTATE_MXCSR_INIT	0x1F80	/* power-up (SDM Vol. 1 §10.2.3) */

/* Fills area (XSTATE_AREA_BYTES, 64-byte aligned) so that XRSTOR puts
 * every component in its initial state (XSTATE_BV = 0) and FXRSTOR loads
 * the same: FCW 0x37F, every tag empty, registers 0, MXCSR 0x1F80 (which
 * XRSTOR takes from memory even for components in their initial state). */
void xstate_area_init(uint8_t *area);

/* The XCR0 bits a guest may have: the CPU's (CPUID 0xD.0 EDX:EAX), less
 * any that would not fit XSTATE_AREA_BYTES (all_bytes: CPUID 0xD.0 ECX,
 * the size for every supported component); then x87, SSE and AVX only. */
uint64_t xstate_xcr0_allowed(uint64_t supported, uint32_t all_bytes);

/* NULL if v is an XCR0 XSETBV accepts (SDM Vol. 1 §13.3): x87 set, AVX
 * only with SSE, the AVX-512 bits together and only with AVX, nothing
 * outside allowed; else why not. */
const char *xstate_xcr0_check(uint64_t v, uint64_t allowed);

/* Drops from the area's XSTATE_BV the components outside keep, so that
 * XRSTOR under a smaller XCR0 takes them as initial, not as a fault. */
void xstate_keep(uint8_t *area, uint64_t keep);

#endif
