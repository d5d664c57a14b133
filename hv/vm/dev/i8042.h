/* The PC's 8042 keyboard controller as a pure state machine (README: The
 * Linux guest's platform): data at port 0x60, status and commands at 0x64,
 * IRQ 1. Enough of it for a driver's probe to find a controller, pass its
 * self tests, and cleanly find neither a keyboard nor an AUX (mouse) port
 * (the guest's console is its UART); and its reset line: command 0xFE, any
 * pulse command 0xF0-0xFF with bit 0 clear, or a write of the output port
 * with bit 0 clear, sets i8042_reset_requested(). */
#ifndef HV_VM_DEV_I8042_H
#define HV_VM_DEV_I8042_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define I8042_PORT_DATA		0x60
#define I8042_PORT_CMD		0x64
#define I8042_QUEUE		8

/* Status register bits (port 0x64 read). */
#define I8042_STR_OBF		0x01
#define I8042_STR_IBF		0x02
#define I8042_STR_SYS		0x04
#define I8042_STR_CMD		0x08	/* the last write was to 0x64 */
#define I8042_STR_UNLOCKED	0x10
#define I8042_STR_AUXDATA	0x20
#define I8042_STR_TIMEOUT	0x40

/* Controller command byte (CTR) bits. */
#define I8042_CTR_KBDINT	0x01
#define I8042_CTR_AUXINT	0x02
#define I8042_CTR_SYS		0x04
#define I8042_CTR_KBDDIS	0x10
#define I8042_CTR_AUXDIS	0x20
#define I8042_CTR_XLATE		0x40

struct i8042 {
	uint8_t ctr;			/* the command byte */
	uint8_t out_port;		/* bit 0 the reset line (high = run), bit 1 A20 */
	uint8_t pending_cmd;		/* a command waiting for its data byte, or 0 */
	bool last_was_cmd;
	bool reset_requested;
	bool irq_level, irq_fell;
	uint8_t q[I8042_QUEUE];		/* the output buffer and the bytes behind it */
	bool q_timeout[I8042_QUEUE];	/* that byte reports a timeout (no device) */
	uint8_t q_head, q_count;
};

void i8042_init(struct i8042 *k);

/* Guest accesses to 0x60 and 0x64; other ports read 0xFF. */
uint8_t i8042_read(struct i8042 *k, uint16_t port);
void i8042_write(struct i8042 *k, uint16_t port, uint8_t v);

/* The IRQ 1 line, and whether it fell since the last call (which forgets
 * it): reading a byte lowers it even when another follows. */
bool i8042_irq(const struct i8042 *k);
bool i8042_irq_fell(struct i8042 *k);

/* The guest pulsed the reset line. */
bool i8042_reset_requested(const struct i8042 *k);

#endif
