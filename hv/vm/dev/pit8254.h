/* The 8254 programmable interval timer as a pure state machine (README: The
 * Linux guest's platform): counters 0-2 at ports 0x40-0x42, the control
 * word at 0x43, and port 0x61 (the PC's "port B": bit 0 gates counter 2,
 * bit 1 is the speaker data, bit 4 toggles with DRAM refresh, bit 5 is
 * counter 2's OUT). Counter 0's OUT drives IRQ 0.
 *
 * Time is given, never read: pit_tick(ns) advances every counter by the
 * clocks of ns nanoseconds at 1.193182 MHz, keeping the fraction of a clock
 * so that no drift accumulates over any number of calls, and returns how
 * many rising edges counter 0's OUT made (each is an IRQ 0 edge). */
#ifndef HV_VM_DEV_PIT8254_H
#define HV_VM_DEV_PIT8254_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define PIT_HZ		1193182u
#define PIT_PORT_CH0	0x40
#define PIT_PORT_CTRL	0x43
#define PIT_PORT_B	0x61

struct pit_channel {
	uint8_t mode;			/* 0-5 */
	uint8_t access;			/* 1 low byte, 2 high byte, 3 low then high */
	bool bcd;			/* recorded and reported; counting is binary */
	bool gate;
	bool out;
	bool null_count;		/* a count written but not yet loaded */
	bool counting;			/* a count is loaded (and, modes 1/5, triggered) */
	bool loaded;			/* a count was written since the control word */
	bool armed;			/* modes 0/1/4/5: the terminal count is ahead */
	uint32_t reload;		/* the count written, 1..65536 */
	uint16_t value;			/* modes 0/1/4/5: the counting element */
	uint32_t pos;			/* modes 2/3: clocks into the period */
	bool write_hi_next, read_hi_next, latch_hi_next;
	uint8_t write_lo;
	bool count_latched, status_latched;
	uint16_t latched_count;
	uint8_t latched_status;
};

struct pit {
	struct pit_channel ch[3];
	uint64_t frac;			/* clock fraction left over, in ns x PIT_HZ */
	uint8_t port_b;			/* port 0x61 bits 3-0 as written */
	uint8_t refresh;		/* clocks into the 36-clock refresh cycle */
};

/* Power-on state: no counter programmed, counter 2's gate low. */
void pit_init(struct pit *p);

/* Guest accesses to 0x40-0x43 and 0x61; other ports read 0xFF. */
uint8_t pit_read(struct pit *p, uint16_t port);
void pit_write(struct pit *p, uint16_t port, uint8_t v);

/* Advances time by ns; returns the rising edges of counter 0's OUT. */
uint64_t pit_tick(struct pit *p, uint64_t ns);

/* Counter 0's OUT (the IRQ 0 line). */
bool pit_irq(const struct pit *p);

/* Nanoseconds until counter 0's OUT next rises (rounded up), or
 * UINT64_MAX when it will not without a new count: how long a halted
 * guest may sleep. */
uint64_t pit_ns_to_irq(const struct pit *p);

#endif
