/* The runtime-call watchdog (see rt_watchdog.h). */
#include "rt_watchdog.h"
#include "cpu.h"
#include "kprintf.h"
#include "timer.h"
#include "rt/rt.h"

#define TICK_MS			50

static struct rt_watchdog_info info;

const struct rt_watchdog_info *rt_watchdog_get(void)
{
	return &info;
}

uint64_t rt_watchdog_init(const struct rt_deadlines *d)
{
	info.tick_ms = TICK_MS;
	info.deadlines = *d;
	/* Calibrated and the PICs masked even when off: the guests' slices
	 * use the same timer. */
	info.why_not = timer_init();
	if (info.why_not)
		return 0;
	info.tsc_hz = timer_get()->tsc_hz;
	info.apic_pa = timer_get()->apic_pa;
	if (!d->read_ms && !d->write_ms) {
		info.why_not = "rt_watchdog = off";
		return 0;
	}
	/* rt_call (rt/rt_call.asm) arms it around every call. */
	info.why_not = timer_lend_to_rt_call(HV_VEC_RT_WATCHDOG, TICK_MS);
	if (info.why_not)
		return 0;
	info.active = true;
	return timer_tsc_per_ms();
}

void rt_watchdog_interrupt(uint64_t vector, bool *abandon)
{
	enum rt_svc svc;
	uint32_t ms;
	char after[16];

	*abandon = false;
	if (timer_interrupt(vector) != TIMER_IRQ_WATCHDOG)
		return;			/* the timer's EOI'd it */
	info.ticks++;
	switch (rt_watchdog_tick(cpu_rdtsc(), &svc, &ms)) {
	case RT_WATCHDOG_NOTICE:
		/* Once per call: a slow write is normal (a flash reclaim), so
		 * say so and keep waiting until its deadline. */
		rt_duration_text(ms, after, sizeof(after));
		kprintf("hv: %s still running after %s\n", rt_svc_name(svc), after);
		info.noticed++;
		break;
	case RT_WATCHDOG_ABANDON:
		info.abandoned++;
		*abandon = true;
		break;
	default:
		break;
	}
}
