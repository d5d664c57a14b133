/* The local APIC timer (see timer.h). */
#include "timer.h"

#include "cpu.h"
#include "lapic.h"
#include "rt/rt.h"

/* SDM Vol. 3A §11.4.3: CPUID.1:EDX bit 9, a local APIC is present. */
#define CPUID1_EDX_APIC		(1U << 9)

/* 8254 PIT (Intel 82C54 datasheet): 1.193182 MHz input; channel 2's gate
 * and output are bits 0 and 5 of port 0x61 (PC/AT system control). */
#define PIT_HZ			1193182ULL
#define PIT_CAL_MS		25
#define APIC_CAL_MS		10

static struct timer_info info;
static uint32_t slice_count;		/* the current slice's one shot */
static bool tried;

const struct timer_info *timer_get(void)
{
	return &info;
}

uint64_t timer_tsc_per_ms(void)
{
	return info.ready ? info.tsc_hz / 1000 : 0;
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

static const char *calibrate(void)
{
	uint32_t r[4];
	uint64_t base, cal, start;
	const char *why;

	cpu_cpuid(1, 0, r);
	if (!(r[3] & CPUID1_EDX_APIC))
		return "no local APIC";
	base = cpu_rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		return "local APIC not enabled";
	info.apic_pa = base & APIC_BASE_ADDR;
	why = lapic_map();
	if (why)
		return why;
	/* Nothing but this timer may interrupt firmware or a guest's run:
	 * the 8259s masked (Linux does the same once it runs on the APIC). */
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	cal = tsc_per_cal();
	if (!cal)
		return "the 8254 PIT did not count";
	info.tsc_hz = cal * 1000 / PIT_CAL_MS;
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | HV_VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | HV_VEC_RT_WATCHDOG);
	/* LAPIC timer counts in APIC_CAL_MS, measured by the TSC. */
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	start = cpu_rdtsc();
	while (cpu_rdtsc() - start < info.tsc_hz * APIC_CAL_MS / 1000)
		cpu_pause();
	info.count_per_ms = (0xFFFFFFFF - lapic_read(LAPIC_TIMER_CUR)) / APIC_CAL_MS;
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (!info.count_per_ms)
		return "the LAPIC timer did not count";
	return NULL;
}

const char *timer_init(void)
{
	if (!tried) {
		tried = true;
		info.why_not = calibrate();
		info.ready = !info.why_not;
	}
	return info.why_not;
}

/* LAPIC counts for ms, at most the 32-bit initial-count register. */
static uint32_t count_for(uint32_t ms)
{
	uint64_t n = (uint64_t)info.count_per_ms * ms;

	return n > 0xFFFFFFFFULL ? 0xFFFFFFFFU : n ? (uint32_t)n : 1;
}

const char *timer_lend_to_rt_call(uint8_t vector, uint32_t period_ms)
{
	if (!info.ready)
		return info.why_not;
	/* The call stub reaches the registers as memory, in a few
	 * instructions; x2APIC's MSRs would need more. */
	if (!lapic_regs())
		return "local APIC in x2APIC mode";
	rt_call_timer_lvt = LAPIC_LVT_PERIODIC | vector;
	rt_call_timer_count = count_for(period_ms);
	rt_call_timer_va = (uint64_t)(uintptr_t)lapic_regs();
	return NULL;
}

bool timer_slice_start(uint32_t ms)
{
	if (!info.ready)
		return false;
	slice_count = count_for(ms);
	info.holder = TIMER_GUEST_SLICE;
	lapic_write(LAPIC_LVT_TIMER, HV_VEC_GUEST_SLICE);	/* one shot */
	lapic_write(LAPIC_TIMER_INIT, slice_count);
	return true;
}

void timer_slice_resume(void)
{
	if (info.holder == TIMER_GUEST_SLICE && lapic_read(LAPIC_TIMER_CUR) == 0)
		lapic_write(LAPIC_TIMER_INIT, slice_count);
}

void timer_slice_shot_ns(uint64_t ns)
{
	uint64_t count;

	if (info.holder != TIMER_GUEST_SLICE)
		return;
	count = ns * info.count_per_ms / 1000000 + 1;
	if (count > slice_count)
		count = slice_count;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}

void timer_slice_stop(void)
{
	if (info.holder != TIMER_GUEST_SLICE)
		return;
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | HV_VEC_RT_WATCHDOG);
	lapic_write(LAPIC_TIMER_INIT, 0);
	info.holder = TIMER_FREE;
}

enum timer_irq timer_interrupt(uint64_t vector)
{
	if (vector == HV_VEC_SPURIOUS)
		return TIMER_IRQ_SPURIOUS;	/* SDM Vol. 3A §11.9: no EOI */
	if (info.ready)
		lapic_write(LAPIC_EOI, 0);
	if (vector == HV_VEC_RT_WATCHDOG)
		return TIMER_IRQ_WATCHDOG;
	if (vector == HV_VEC_GUEST_SLICE) {
		info.slices++;
		return TIMER_IRQ_SLICE;
	}
	info.stray++;
	return TIMER_IRQ_STRAY;
}
