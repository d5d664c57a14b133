/* The 8254's counters (README: The Linux guest's platform). Rules from the
 * Intel 8254 datasheet: the control word (SC, RW, M, BCD; SC = 3 is the
 * read-back command; RW = 0 the counter latch command), a count of 0
 * meaning 65536 (binary), the modes' OUT waveforms (0: low until the
 * terminal count, then high; 1: a gate-triggered one-shot; 2: high, low
 * for the last clock of each period; 3: a square wave, high for the first
 * half (rounded up); 4 and 5: a one-clock strobe at the terminal count,
 * software- and gate-triggered), the gate (low pauses counting; in modes 2
 * and 3 it also forces OUT high, and its rising edge restarts the period;
 * in modes 1 and 5 its rising edge triggers). The count is loaded at the
 * write (the datasheet's extra loading clock is not modelled), and BCD
 * counting counts in binary. */
#include "pit8254.h"

#define NS_PER_S 1000000000ull

void pit_init(struct pit *p)
{
	*p = (struct pit){ 0 };
	for (int i = 0; i < 3; i++) {
		p->ch[i].gate = i != 2;	/* counters 0 and 1 are always gated on */
		/* OUT is undefined at power-on; high, so that programming mode
		 * 2, 3 or 4 first makes no edge (no interrupt before a count). */
		p->ch[i].out = true;
		p->ch[i].access = 3;
		p->ch[i].reload = 65536;
	}
}

/* The counting element as a reader sees it (65536 reads as 0). Mode 3
 * counts down by two each clock, through the count once per half. */
static uint16_t current(const struct pit_channel *c)
{
	uint32_t half;

	switch (c->mode) {
	case 2:
		return (uint16_t)(c->reload - c->pos);
	case 3:
		half = (c->reload + 1) / 2;
		if (c->pos < half)
			return (uint16_t)(c->reload - 2 * c->pos);
		return (uint16_t)(c->reload - 2 * (c->pos - half));
	default:
		return c->value;
	}
}

static bool periodic(const struct pit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

static void set_out_periodic(struct pit_channel *c)
{
	if (c->mode == 2)
		c->out = c->reload - c->pos != 1;
	else
		c->out = c->pos < (c->reload + 1) / 2;
}

/* Advances one counter by n clocks; returns OUT's rising edges. */
static uint64_t advance(struct pit_channel *c, uint64_t n)
{
	uint64_t edges = 0, t;

	if (!c->counting || !c->gate || !n)
		return 0;
	if (periodic(c)) {
		edges = (c->pos + n) / c->reload;
		c->pos = (uint32_t)((c->pos + n) % c->reload);
		set_out_periodic(c);
		return edges;
	}
	t = c->value ? c->value : 65536;
	if (c->armed && n >= t) {
		c->armed = false;
		/* Modes 0 and 1 end low and rise; 4 and 5 strobe low for one
		 * clock and rise again: one edge either way. */
		c->out = true;
		edges = 1;
	}
	c->value = (uint16_t)(c->value - (uint16_t)n);
	return edges;
}

static void load(struct pit_channel *c, uint16_t count)
{
	c->reload = count ? count : 65536;
	c->null_count = false;
	c->loaded = true;
	switch (c->mode) {
	case 0:
	case 4:
		c->value = count;
		c->armed = true;
		c->counting = true;
		c->out = c->mode == 4;
		break;
	case 1:
	case 5:
		c->value = count;	/* waits for the gate's rising edge */
		break;
	default:
		/* A new count in modes 2 and 3 applies to the running period. */
		if (!c->counting)
			c->pos = 0;
		else if (c->pos >= c->reload)
			c->pos = 0;
		c->counting = true;
		set_out_periodic(c);
		break;
	}
}

static void set_gate(struct pit_channel *c, bool gate)
{
	bool rising = gate && !c->gate;

	c->gate = gate;
	if (periodic(c) && c->counting) {
		if (!gate)
			c->out = true;
		else if (rising) {
			c->pos = 0;
			set_out_periodic(c);
		}
	}
	if ((c->mode == 1 || c->mode == 5) && rising && c->loaded) {
		c->value = (uint16_t)c->reload;
		c->armed = true;
		c->counting = true;
		c->out = c->mode == 5;
	}
}

static uint8_t status_byte(const struct pit_channel *c)
{
	return (uint8_t)((c->out ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
			 (c->access << 4) | (c->mode << 1) | (c->bcd ? 1 : 0));
}

static void latch_count(struct pit_channel *c)
{
	if (c->count_latched)
		return;	/* a second latch before the read is ignored */
	c->count_latched = true;
	c->latched_count = current(c);
	c->latch_hi_next = false;
}

static void control(struct pit *p, uint8_t v)
{
	struct pit_channel *c;

	if ((v >> 6) == 3) {	/* read-back: bit 5 = !COUNT, bit 4 = !STATUS */
		for (int i = 0; i < 3; i++) {
			c = &p->ch[i];
			if (!(v & (2 << i)))
				continue;
			if (!(v & 0x20))
				latch_count(c);
			if (!(v & 0x10) && !c->status_latched) {
				c->status_latched = true;
				c->latched_status = status_byte(c);
			}
		}
		return;
	}
	c = &p->ch[v >> 6];
	if (!((v >> 4) & 3)) {
		latch_count(c);
		return;
	}
	c->access = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* modes 6 and 7 are 2 and 3 */
	c->bcd = v & 1;
	c->out = c->mode != 0;
	c->null_count = true;
	c->counting = c->loaded = c->armed = false;
	c->pos = 0;
	c->write_hi_next = c->read_hi_next = false;
	c->count_latched = c->status_latched = false;
}

static uint8_t read_counter(struct pit_channel *c)
{
	uint16_t v;
	bool hi;

	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	if (c->count_latched) {
		v = c->latched_count;
		if (c->access == 3 && !c->latch_hi_next) {
			c->latch_hi_next = true;
			return (uint8_t)v;
		}
		c->count_latched = false;
		return (uint8_t)(c->access == 1 ? v : v >> 8);
	}
	v = current(c);
	if (c->access == 3) {
		hi = c->read_hi_next;
		c->read_hi_next = !hi;
	} else {
		hi = c->access == 2;
	}
	return (uint8_t)(hi ? v >> 8 : v);
}

static void write_counter(struct pit_channel *c, uint8_t v)
{
	switch (c->access) {
	case 1:
		load(c, v);
		break;
	case 2:
		load(c, (uint16_t)(v << 8));
		break;
	default:
		if (!c->write_hi_next) {
			c->write_lo = v;
			c->write_hi_next = true;
			/* Mode 0: the first byte stops the count and drops OUT. */
			if (c->mode == 0) {
				c->counting = false;
				c->out = false;
			}
			break;
		}
		c->write_hi_next = false;
		load(c, (uint16_t)(c->write_lo | v << 8));
		break;
	}
}

uint8_t pit_read(struct pit *p, uint16_t port)
{
	if (port >= PIT_PORT_CH0 && port < PIT_PORT_CTRL)
		return read_counter(&p->ch[port - PIT_PORT_CH0]);
	if (port == PIT_PORT_B)
		return (uint8_t)(p->port_b | (p->refresh >= 18 ? 0x10 : 0) |
				 (p->ch[2].out ? 0x20 : 0));
	return 0xFF;	/* the control word register cannot be read */
}

void pit_write(struct pit *p, uint16_t port, uint8_t v)
{
	if (port >= PIT_PORT_CH0 && port < PIT_PORT_CTRL) {
		write_counter(&p->ch[port - PIT_PORT_CH0], v);
	} else if (port == PIT_PORT_CTRL) {
		control(p, v);
	} else if (port == PIT_PORT_B) {
		p->port_b = v & 0x0F;
		set_gate(&p->ch[2], v & 1);
	}
}

uint64_t pit_tick(struct pit *p, uint64_t ns)
{
	/* clocks = floor((frac + ns * PIT_HZ) / 1e9), in two parts so that
	 * the product cannot overflow: whole seconds are exact. */
	uint64_t clocks = (ns / NS_PER_S) * PIT_HZ;
	uint64_t part = p->frac + (ns % NS_PER_S) * PIT_HZ;
	uint64_t edges;

	clocks += part / NS_PER_S;
	p->frac = part % NS_PER_S;
	edges = advance(&p->ch[0], clocks);
	advance(&p->ch[1], clocks);
	advance(&p->ch[2], clocks);
	/* Port B bit 4 toggles every 15.085 us: every 18 clocks. */
	p->refresh = (uint8_t)((p->refresh + clocks % 36) % 36);
	return edges;
}

bool pit_irq(const struct pit *p)
{
	return p->ch[0].out;
}

uint64_t pit_ns_to_irq(const struct pit *p)
{
	const struct pit_channel *c = &p->ch[0];
	uint64_t clocks;

	if (!c->counting)
		return UINT64_MAX;
	if (periodic(c))
		clocks = c->reload - c->pos;
	else if (c->armed)
		clocks = c->value ? c->value : 65536;
	else
		return UINT64_MAX;
	/* The smallest ns whose clocks reach the edge, given the fraction. */
	return (clocks * NS_PER_S - p->frac + PIT_HZ - 1) / PIT_HZ;
}
