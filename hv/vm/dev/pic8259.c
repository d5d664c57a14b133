/* Two 8259A PICs in the PC's cascade (README: The Linux guest's platform).
 * Rules from the Intel 8259A datasheet: ICW1 resets the edge sense, clears
 * IMR and ISR and selects IRR for reading; ICW2 gives vector bits 7-3;
 * ICW3 follows unless ICW1.SNGL, ICW4 only when ICW1.IC4; OCW2's
 * R/SL/EOI codes; OCW3's read-register, poll and special-mask bits.
 * Priority rotates: IR(lowest+1) is highest. The special fully nested mode
 * and buffered mode of ICW4 are not modelled. */
#include "pic8259.h"

/* 0 for the highest priority, 7 for the lowest. */
static unsigned rank(const struct pic_chip *c, unsigned ir)
{
	return (ir - c->lowest - 1) & 7;
}

/* The IR of the highest priority among bits, or -1. */
static int highest(const struct pic_chip *c, uint8_t bits)
{
	int best = -1;

	for (unsigned ir = 0; ir < 8; ir++)
		if ((bits >> ir) & 1 && (best < 0 || rank(c, ir) < rank(c, (unsigned)best)))
			best = (int)ir;
	return best;
}

/* The request the chip's INT output signals, or -1: the highest unmasked
 * request, if in service is nothing of equal or higher priority (in
 * special mask mode, masked in-service levels do not block). */
static int output(const struct pic_chip *c)
{
	int req = highest(c, c->irr & ~c->imr);
	uint8_t blocking = c->special_mask ? c->isr & ~c->imr : c->isr;
	int serv = highest(c, blocking);

	if (req < 0 || c->init_step)
		return -1;
	if (serv >= 0 && rank(c, (unsigned)serv) <= rank(c, (unsigned)req))
		return -1;
	return req;
}

static void chip_line(struct pic_chip *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);
	bool was = c->lines & bit;

	if (level)
		c->lines |= bit;
	else
		c->lines &= (uint8_t)~bit;
	if (c->elcr & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= (uint8_t)~bit;
	} else if (level && !was) {
		c->irr |= bit;
	}
}

/* The slave's INT output is the master's IR2 input. */
static void cascade(struct pic *p)
{
	chip_line(&p->chip[0], PIC_CASCADE_IRQ, output(&p->chip[1]) >= 0);
}

static void chip_reset(struct pic_chip *c, uint8_t base)
{
	c->irr &= c->elcr;	/* the edge sense is reset: edges must come again */
	c->isr = 0;
	c->imr = 0;
	c->base = base;
	c->lowest = 7;
	c->init_step = 0;
	c->icw4 = c->single = c->auto_eoi = c->rotate_on_aeoi = false;
	c->read_isr = c->poll = c->special_mask = false;
}

void pic_init(struct pic *p)
{
	*p = (struct pic){ 0 };
	chip_reset(&p->chip[0], 0x08);
	chip_reset(&p->chip[1], 0x70);
	/* Every input masked until the guest programs the chips: nothing is
	 * delivered to a guest that has not set up its IDT for it. */
	p->chip[0].imr = 0xFF;
	p->chip[1].imr = 0xFF;
	/* ELCR: IRQ 0, 1, 2, 8 and 13 are edge-triggered on every PC. */
	p->chip[0].elcr_writable = 0xF8;
	p->chip[1].elcr_writable = 0xDE;
}

/* Moves the request ir from IRR to ISR (INTA, or a poll read). */
static void chip_ack(struct pic_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (!(c->elcr & bit))
		c->irr &= (uint8_t)~bit;
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->lowest = (uint8_t)ir;
	} else {
		c->isr |= bit;
	}
}

static void ocw2(struct pic_chip *c, uint8_t v)
{
	int ir;

	switch (v >> 5) {
	case 0:	/* clear rotate in automatic EOI mode */
		c->rotate_on_aeoi = false;
		break;
	case 4:	/* set rotate in automatic EOI mode */
		c->rotate_on_aeoi = true;
		break;
	case 1:	/* non-specific EOI */
	case 5:	/* rotate on non-specific EOI */
		ir = highest(c, c->isr);
		if (ir < 0)
			break;
		c->isr &= (uint8_t)~(1u << ir);
		if (v >> 5 == 5)
			c->lowest = (uint8_t)ir;
		break;
	case 3:	/* specific EOI */
	case 7:	/* rotate on specific EOI */
		c->isr &= (uint8_t)~(1u << (v & 7));
		if (v >> 5 == 7)
			c->lowest = v & 7;
		break;
	case 6:	/* set priority */
		c->lowest = v & 7;
		break;
	default: /* 2: no operation */
		break;
	}
}

static void ocw3(struct pic_chip *c, uint8_t v)
{
	if (v & 0x04)
		c->poll = true;
	if (v & 0x02)
		c->read_isr = v & 0x01;
	if (v & 0x40)
		c->special_mask = v & 0x20;
}

static void chip_write(struct pic_chip *c, bool a0, uint8_t v)
{
	if (!a0) {
		if (v & 0x10) {		/* ICW1 */
			chip_reset(c, c->base);
			c->single = v & 0x02;
			c->icw4 = v & 0x01;
			c->init_step = 2;
		} else if (v & 0x08) {
			ocw3(c, v);
		} else {
			ocw2(c, v);
		}
		return;
	}
	switch (c->init_step) {
	case 2:
		c->base = v & 0xF8;
		c->init_step = c->single ? (c->icw4 ? 4 : 0) : 3;
		break;
	case 3:	/* ICW3: the cascade wiring is fixed (slave on IR2) */
		c->init_step = c->icw4 ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = v & 0x02;
		c->init_step = 0;
		break;
	default:	/* OCW1 */
		c->imr = v;
		break;
	}
}

static uint8_t chip_read(struct pic_chip *c, bool a0)
{
	int ir;

	if (c->poll) {		/* a poll read acknowledges like INTA */
		c->poll = false;
		ir = output(c);
		if (ir < 0)
			return 0;
		chip_ack(c, (unsigned)ir);
		return (uint8_t)(0x80 | ir);
	}
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

uint8_t pic_read(struct pic *p, uint16_t port)
{
	uint8_t v;

	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
		v = chip_read(&p->chip[0], port & 1);
		break;
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
		v = chip_read(&p->chip[1], port & 1);
		break;
	case PIC_ELCR_MASTER:
		return p->chip[0].elcr;
	case PIC_ELCR_SLAVE:
		return p->chip[1].elcr;
	default:
		return 0xFF;
	}
	cascade(p);
	return v;
}

static void set_elcr(struct pic_chip *c, uint8_t v)
{
	c->elcr = v & c->elcr_writable;
	/* A level-triggered input's IRR is its line. */
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->lines & c->elcr));
}

void pic_write(struct pic *p, uint16_t port, uint8_t v)
{
	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
		chip_write(&p->chip[0], port & 1, v);
		break;
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
		chip_write(&p->chip[1], port & 1, v);
		break;
	case PIC_ELCR_MASTER:
		set_elcr(&p->chip[0], v);
		break;
	case PIC_ELCR_SLAVE:
		set_elcr(&p->chip[1], v);
		break;
	default:
		return;
	}
	cascade(p);
}

void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
	if (irq >= 16 || irq == PIC_CASCADE_IRQ)
		return;
	chip_line(&p->chip[irq >> 3], irq & 7, level);
	cascade(p);
}

int pic_pending_vector(const struct pic *p)
{
	const struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int ir = output(m), sir;

	if (ir < 0)
		return -1;
	if (ir == PIC_CASCADE_IRQ && !m->single) {
		sir = output(s);
		return sir < 0 ? s->base + 7 : s->base + sir;
	}
	return m->base + ir;
}

uint8_t pic_ack(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int ir = output(m), sir;
	uint8_t vec;

	if (ir < 0)
		return (uint8_t)(m->base + 7);
	chip_ack(m, (unsigned)ir);
	if (ir != PIC_CASCADE_IRQ || m->single) {
		vec = (uint8_t)(m->base + ir);
	} else {
		sir = output(s);
		if (sir < 0) {
			vec = (uint8_t)(s->base + 7);
		} else {
			chip_ack(s, (unsigned)sir);
			vec = (uint8_t)(s->base + sir);
		}
	}
	cascade(p);
	return vec;
}
