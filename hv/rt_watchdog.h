/* The runtime-call watchdog: a LAPIC timer armed around every runtime call,
 * delivered while firmware runs with interrupts on, abandons a call that has
 * not returned after RT_WATCHDOG_MS (measured by the TSC, calibrated against
 * the 8254 PIT at start). It cannot catch firmware that turns interrupts off
 * and spins (README "Runtime services after boot"). */
#ifndef HV_RT_WATCHDOG_H
#define HV_RT_WATCHDOG_H

#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"

struct rt_watchdog_info {
	bool active;
	const char *why_not;		/* when !active */
	uint64_t tsc_hz;		/* calibrated */
	uint64_t apic_pa;
	uint32_t tick_ms;		/* timer period while armed */
	uint64_t ticks;			/* timer interrupts taken */
	uint64_t abandoned;		/* calls abandoned */
	uint64_t stray;			/* other interrupts taken (EOI'd, ignored) */
};

/* After rt_space_init: maps the local APIC (hypervisor tables only), masks
 * the 8259 PICs, calibrates the TSC and the LAPIC timer. Returns the TSC
 * cycles of RT_WATCHDOG_MS, or 0 when the watchdog cannot run (why_not). */
uint64_t rt_watchdog_init(void);
const struct rt_watchdog_info *rt_watchdog_get(void);

/* An interrupt (vector >= 32) from the exception path: EOI, and true with
 * *abandon when the watchdog's tick found the running call over time. */
void rt_watchdog_interrupt(uint64_t vector, bool *abandon);

#endif
