/* The local APIC timer, owned by one module (SDM Vol. 3A §11.5.4): it is
 * calibrated once against the 8254 PIT, hands out periods in milliseconds,
 * owns the vectors and the end-of-interrupt, and knows who holds it:
 * - nobody: masked;
 * - a guest's time slice (one shot of N ms, re-armed when it runs out, so
 *   the run loop gets back control and sees Ctrl-]);
 * - the runtime-call watchdog, which borrows it for the length of each
 *   firmware call: rt_call (rt/rt_call.asm) saves the holder's LVT and
 *   remaining count, arms its own periodic tick, and puts both back after
 *   the call, so a hypercall in the middle of a slice leaves the slice
 *   where it was.
 * Every vector below arrives through the common entry stubs (isr.asm,
 * mapped in the runtime address space too) and ends in timer_interrupt. */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* The vectors the timer programs (above the exceptions, SDM Vol. 3A
 * Table 6-1; the spurious vector's low nibble is all ones, §11.9). */
enum {
	HV_VEC_GUEST_SLICE = 0x20,	/* a guest's time slice ran out */
	HV_VEC_RT_WATCHDOG = 0xF0,	/* the watchdog's tick, around a runtime call */
	HV_VEC_SPURIOUS = 0xFF,		/* no EOI */
};

enum timer_holder { TIMER_FREE, TIMER_GUEST_SLICE };

struct timer_info {
	bool ready;
	const char *why_not;		/* when !ready */
	uint64_t tsc_hz;		/* calibrated against the PIT */
	uint64_t apic_pa;
	uint32_t count_per_ms;		/* LAPIC timer counts (divide by 16) */
	enum timer_holder holder;
	uint64_t slices;		/* slice interrupts taken */
	uint64_t stray;			/* other interrupts taken (EOI'd, ignored) */
};

/* Once, after rt_space_init (the runtime address space must not map the
 * local APIC): maps it (hypervisor tables only), masks the 8259 PICs,
 * calibrates the TSC against the PIT and the LAPIC timer against the TSC,
 * and leaves the timer masked. NULL, or why the timer cannot run
 * (repeated on later calls). */
const char *timer_init(void);
const struct timer_info *timer_get(void);

/* TSC cycles in a millisecond; 0 before timer_init succeeded. */
uint64_t timer_tsc_per_ms(void);

/* Lends the timer to rt_call for every runtime call: periodic every
 * period_ms on vector while firmware runs (rt.h: rt_call_timer_*). NULL,
 * or why it cannot (then firmware runs with interrupts off). */
const char *timer_lend_to_rt_call(uint8_t vector, uint32_t period_ms);

/* A guest's slice: one shot of ms, on HV_VEC_GUEST_SLICE. start takes the
 * timer (false: it is not ready); resume re-arms it when the last shot ran
 * out (call before each VMRUN); stop masks it and frees it. */
bool timer_slice_start(uint32_t ms);
void timer_slice_resume(void);
void timer_slice_stop(void);

/* The slice's next shot in ns instead (at least one count, at most the
 * slice): a guest whose next device event is nearer than the slice's end
 * (README: Guests, the Linux kind). Nothing unless the slice holds the
 * timer. */
void timer_slice_shot_ns(uint64_t ns);

/* An interrupt (vector >= 32) from the exception path: sends the EOI
 * (none for the spurious vector) and says whose it was. */
enum timer_irq { TIMER_IRQ_SPURIOUS, TIMER_IRQ_WATCHDOG, TIMER_IRQ_SLICE, TIMER_IRQ_STRAY };
enum timer_irq timer_interrupt(uint64_t vector);

#endif
