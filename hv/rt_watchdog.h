/* The runtime-call watchdog: the LAPIC timer (timer.c), lent to rt_call
 * around every runtime call and delivered while firmware runs with
 * interrupts on, reports a call still
 * running after RT_NOTICE_MS once and abandons one that has not returned by
 * its deadline (rt/rt_deadline.c; measured by the TSC, calibrated against
 * the 8254 PIT at start). It cannot catch firmware that turns interrupts off
 * and spins (README "Runtime-call deadlines"). */
#ifndef HV_RT_WATCHDOG_H
#define HV_RT_WATCHDOG_H

#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"
#include "rt/rt.h"

struct rt_watchdog_info {
	bool active;
	const char *why_not;		/* when !active */
	uint64_t tsc_hz;		/* calibrated */
	uint64_t apic_pa;
	struct rt_deadlines deadlines;	/* hvboot.cfg rt_watchdog */
	uint32_t tick_ms;		/* timer period while armed */
	uint64_t ticks;			/* timer interrupts taken */
	uint64_t noticed;		/* calls reported still running */
	uint64_t abandoned;		/* calls abandoned */
};

/* After rt_space_init, with the deadlines of hvboot.cfg rt_watchdog: sets
 * the timer up (timer_init) and lends it to rt_call. Returns TSC cycles
 * per millisecond, or 0 when the watchdog is off or cannot run (why_not). */
uint64_t rt_watchdog_init(const struct rt_deadlines *d);
const struct rt_watchdog_info *rt_watchdog_get(void);

/* An interrupt (vector >= 32) from the exception path: EOI'd by the
 * timer; for the watchdog's tick, one notice line when it finds the
 * running call slow, *abandon when it finds it past its deadline. */
void rt_watchdog_interrupt(uint64_t vector, bool *abandon);

#endif
