/* The PC's two cascaded 8259A interrupt controllers as a pure state machine
 * (README: The Linux guest's platform): the master at ports 0x20/0x21 takes
 * IRQ 0-7, the slave at 0xA0/0xA1 IRQ 8-15 and signals on the master's
 * IRQ 2; the edge/level control registers (ELCR) at 0x4D0/0x4D1.
 *
 * Inputs are levels (pic_set_irq): an edge-triggered input latches its IRR
 * bit on a rising edge and keeps it until acknowledged; a level-triggered
 * one (ELCR bit set) follows its line. The run loop asks pic_pending_vector()
 * whether the master's INT output is up and, when it delivers the
 * interrupt, calls pic_ack(): the INTA cycle that moves the request from
 * IRR to ISR and returns the vector, a spurious IRQ 7 (or 15) when the
 * request went away. */
#ifndef HV_VM_DEV_PIC8259_H
#define HV_VM_DEV_PIC8259_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define PIC_MASTER_CMD	0x20
#define PIC_MASTER_DATA	0x21
#define PIC_SLAVE_CMD	0xA0
#define PIC_SLAVE_DATA	0xA1
#define PIC_ELCR_MASTER	0x4D0
#define PIC_ELCR_SLAVE	0x4D1
#define PIC_CASCADE_IRQ	2

struct pic_chip {
	uint8_t irr, isr, imr;
	uint8_t lines;			/* input levels as last set */
	uint8_t elcr, elcr_writable;	/* level-triggered inputs; which may be */
	uint8_t base;			/* ICW2: vector of IR0 */
	uint8_t lowest;			/* the IR with the lowest priority (7 after init) */
	uint8_t init_step;		/* 0: ready; 2, 3, 4: the ICW expected next */
	bool icw4, single, auto_eoi, rotate_on_aeoi;
	bool read_isr, poll, special_mask;
};

struct pic {
	struct pic_chip chip[2];	/* [0] master, [1] slave */
};

/* Power-on state: every input masked, vector bases 0x08 and 0x70 (the PC
 * BIOS's layout) until the guest's ICW1-ICW4 (which clear IMR). */
void pic_init(struct pic *p);

/* Guest port accesses: 0x20/0x21/0xA0/0xA1 and the ELCRs 0x4D0/0x4D1.
 * Other ports read 0xFF and ignore writes. */
uint8_t pic_read(struct pic *p, uint16_t port);
void pic_write(struct pic *p, uint16_t port, uint8_t v);

/* Sets input irq (0-15, not 2: that is the slave's output) to level. */
void pic_set_irq(struct pic *p, unsigned irq, bool level);

/* The vector the next pic_ack() would return, or -1 when the master's INT
 * output is low. */
int pic_pending_vector(const struct pic *p);

/* The INTA cycle: the vector to deliver (IRR -> ISR, or the spurious
 * vector of IR7 of the chip whose request vanished). */
uint8_t pic_ack(struct pic *p);

#endif
