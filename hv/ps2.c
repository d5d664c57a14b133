/* i8042 glue (ps2.h). Registers (IBM PC AT Technical Reference, the 8042
 * keyboard controller; every PC chipset and QEMU's i8042 model follow
 * it): data port 0x60, status/command port 0x64. Status bit 0: a byte
 * waits in the output buffer; bit 1: the controller is still busy with
 * the last command; bit 5: that byte came from the mouse port.
 * Command 0x20 reads the controller configuration byte: bit 6 set means
 * the controller translates the keyboard's set 2 into set 1, bit 4 set
 * means the keyboard port is disabled (command 0xAE enables it).
 * A machine without a controller reads 0xFF from both ports: every wait
 * here is bounded, and such a machine gets no keyboard, never a hang. */
#include "ps2.h"

#include <stdint.h>
#include "cpu.h"

#define PS2_DATA	0x60
#define PS2_STATUS	0x64	/* read */
#define PS2_COMMAND	0x64	/* write */

#define ST_OUT_FULL	0x01
#define ST_IN_FULL	0x02
#define ST_AUX		0x20

#define CMD_READ_CONFIG	0x20
#define CMD_ENABLE_KBD	0xAE
#define CFG_KBD_OFF	0x10
#define CFG_TRANSLATE	0x40

#define SPIN_MAX	100000
#define FLUSH_MAX	64

static bool present;
static struct kbd kbd;
static uint8_t pending[KBD_OUT_MAX];
static size_t npending, next;

static bool wait_status(uint8_t mask, bool set)
{
	for (unsigned i = 0; i < SPIN_MAX; i++) {
		if (!!(inb(PS2_STATUS) & mask) == set)
			return true;
		cpu_pause();
	}
	return false;
}

static bool command(uint8_t cmd)
{
	if (!wait_status(ST_IN_FULL, false))
		return false;
	outb(PS2_COMMAND, cmd);
	return true;
}

bool ps2_init(void)
{
	uint8_t cfg;

	present = false;
	if (inb(PS2_STATUS) == 0xFF)
		return false;	/* nothing decodes the port */
	for (unsigned i = 0; i < FLUSH_MAX && (inb(PS2_STATUS) & ST_OUT_FULL); i++)
		(void)inb(PS2_DATA);
	if (!command(CMD_READ_CONFIG) || !wait_status(ST_OUT_FULL, true))
		return false;
	cfg = inb(PS2_DATA);
	if ((cfg & CFG_KBD_OFF) && !command(CMD_ENABLE_KBD))
		return false;
	kbd_init(&kbd, (cfg & CFG_TRANSLATE) ? KBD_SET1 : KBD_SET2);
	present = true;
	return true;
}

enum kbd_set ps2_set(void)
{
	return kbd.set;
}

int ps2_getc_nonblock(void)
{
	/* Bounded: a controller that never empties cannot keep the caller
	 * (the shell's poll loop, which also serves COM1) here. */
	for (unsigned i = 0; next == npending; i++) {
		uint8_t st;

		if (!present || i == FLUSH_MAX)
			return -1;
		st = inb(PS2_STATUS);
		if (!(st & ST_OUT_FULL))
			return -1;
		if (st & ST_AUX) {
			(void)inb(PS2_DATA);	/* a mouse byte: not ours */
			continue;
		}
		next = 0;
		npending = kbd_feed(&kbd, inb(PS2_DATA), pending);
	}
	return pending[next++];
}
