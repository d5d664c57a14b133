/* The x87/SSE/AVX state of a guest as data (xstate.h). Offsets from SDM
 * Vol. 1 Table 10-2 (FXSAVE: FCW at 0, FTW at 4, MXCSR at 24) and §13.4.2
 * (the XSAVE header at 512: XSTATE_BV, then XCOMP_BV). */
#include "xstate.h"
#include "loader/bytes.h"

#define OFF_FCW		0
#define OFF_MXCSR	24
#define OFF_XSTATE_BV	512

void xstate_area_init(uint8_t *area)
{
	for (size_t i = 0; i < XSTATE_AREA_BYTES; i++)
		area[i] = 0;
	st16(area + OFF_FCW, XSTATE_FCW_INIT);
	st32(area + OFF_MXCSR, XSTATE_MXCSR_INIT);
}

uint64_t xstate_xcr0_allowed(uint64_t supported, uint32_t all_bytes)
{
	uint64_t allowed = supported & (XSTATE_X87 | XSTATE_SSE | XSTATE_AVX | XSTATE_AVX512 |
					(1ULL << 9) /* PKRU */);

	/* x87, SSE and AVX end at 832 bytes: those always fit. */
	if (all_bytes > XSTATE_AREA_BYTES)
		allowed &= XSTATE_X87 | XSTATE_SSE | XSTATE_AVX;
	return allowed;
}

const char *xstate_xcr0_check(uint64_t v, uint64_t allowed)
{
	if (!(v & XSTATE_X87))
		return "x87 state (bit 0) must stay enabled";
	if ((v & XSTATE_AVX) && !(v & XSTATE_SSE))
		return "AVX (bit 2) needs SSE (bit 1)";
	if ((v & XSTATE_AVX512) && (v & XSTATE_AVX512) != XSTATE_AVX512)
		return "the AVX-512 bits (5-7) go together";
	if ((v & XSTATE_AVX512) && !(v & XSTATE_AVX))
		return "AVX-512 (bits 5-7) needs AVX (bit 2)";
	if (v & ~allowed)
		return "a component this CPU or hypervisor does not offer";
	return NULL;
}

void xstate_keep(uint8_t *area, uint64_t keep)
{
	for (int i = 0; i < 8; i++)
		area[OFF_XSTATE_BV + i] &= (uint8_t)(keep >> (8 * i));
}
