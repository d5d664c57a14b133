/* The runtime-call watchdog (see rt_watchdog.h). */
#include "rt_watchdog.h"
#include "lapic.h"
#include "cpu.h"
#include "layout.h"
#include "mm.h"
#include "trap.h"
#include "kprintf.h"
#include "loader/pt.h"
#include "rt/rt.h"

/* SDM Vol. 3A §10.4.4 (IA32_APIC_BASE) and Table 10-1 (register offsets). */
#define CPUID1_EDX_APIC		(1U << 9)

/* 8254 PIT (Intel 82C54 datasheet): 1.193182 MHz input; channel 2's gate
 * and output are bits 0 and 5 of port 0x61 (PC/AT system control). */
#define PIT_HZ			1193182ULL
#define PIT_CAL_MS		25
#define TICK_MS			50
#define APIC_CAL_MS		10
_Static_assert(TICK_MS % APIC_CAL_MS == 0, "the period is whole calibrations");

static struct rt_watchdog_info info;
static uint32_t period_count;

const struct rt_watchdog_info *rt_watchdog_get(void)
{
	return &info;
}

/* TSC cycles in PIT_CAL_MS, timed by PIT channel 2 in mode 0 (one shot). */
static uint64_t tsc_per_cal(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * PIT_CAL_MS / 1000);
	uint64_t t0, t1;
	uint32_t spins = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xB0);			/* channel 2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	t0 = cpu_rdtsc();
	while (!(inb(0x61) & 0x20))
		if (++spins > 50000000)
			return 0;
	t1 = cpu_rdtsc();
	outb(0x61, inb(0x61) & ~0x01);
	return t1 - t0;
}

uint64_t rt_watchdog_init(const struct rt_deadlines *d)
{
	uint32_t r[4];
	uint64_t base, cal, start;

	info.tick_ms = TICK_MS;
	info.deadlines = *d;
	cpu_cpuid(1, 0, r);
	if (!(r[3] & CPUID1_EDX_APIC)) {
		info.why_not = "no local APIC";
		return 0;
	}
	base = cpu_rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE) || (base & APIC_BASE_X2APIC)) {
		info.why_not = "local APIC not enabled in xAPIC mode";
		return 0;
	}
	info.apic_pa = base & APIC_BASE_ADDR;
	info.why_not = lapic_map();
	if (info.why_not)
		return 0;
	/* Nothing but our timer may interrupt firmware: the 8259s masked
	 * (Linux does the same once it runs on the APIC). */
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	cal = tsc_per_cal();
	if (!cal) {
		info.why_not = "the 8254 PIT did not count";
		return 0;
	}
	info.tsc_hz = cal * 1000 / PIT_CAL_MS;
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | HV_VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | HV_VEC_RT_WATCHDOG);
	/* LAPIC timer ticks in APIC_CAL_MS, counted against the TSC, scaled
	 * to TICK_MS. */
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	start = cpu_rdtsc();
	while (cpu_rdtsc() - start < info.tsc_hz * APIC_CAL_MS / 1000)
		cpu_pause();
	period_count = (0xFFFFFFFF - lapic_read(LAPIC_TIMER_CUR)) * (TICK_MS / APIC_CAL_MS);
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (!period_count) {
		info.why_not = "the LAPIC timer did not count";
		return 0;
	}
	if (!d->read_ms && !d->write_ms) {
		/* Calibrated and the PICs masked all the same: only the
		 * arming around each call is left out. */
		info.why_not = "rt_watchdog = off";
		return 0;
	}
	info.active = true;
	/* rt_call (rt/rt_call.asm) arms and masks it around every call. */
	rt_call_timer_lvt = LAPIC_LVT_PERIODIC | HV_VEC_RT_WATCHDOG;
	rt_call_timer_count = (uint32_t)period_count;
	rt_call_timer_va = (uint64_t)(uintptr_t)lapic_regs();
	return info.tsc_hz / 1000;
}

void rt_watchdog_interrupt(uint64_t vector, bool *abandon)
{
	enum rt_svc svc;
	uint32_t ms;
	char after[16];

	*abandon = false;
	if (vector == HV_VEC_SPURIOUS)
		return;			/* SDM Vol. 3A §10.9: no EOI */
	if (lapic_regs())
		lapic_write(LAPIC_EOI, 0);
	if (vector != HV_VEC_RT_WATCHDOG) {
		info.stray++;
		return;
	}
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
