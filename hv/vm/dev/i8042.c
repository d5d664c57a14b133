/* The 8042 controller's commands (README: The Linux guest's platform), as
 * the IBM PC AT technical reference lists them: 0x20 read and 0x60 write
 * the command byte, 0xA7/0xA8 disable/enable the AUX port, 0xA9 test it,
 * 0xAA self-test (0x55), 0xAB test the keyboard interface (0x00),
 * 0xAD/0xAE disable/enable the keyboard, 0xC0 read the input port,
 * 0xD0/0xD1 read/write the output port, 0xD2/0xD3 write a byte back as if
 * from the keyboard/AUX device, 0xD4 send to the AUX device, 0xF0-0xFF
 * pulse output lines (bits 3-0 low = pulse; bit 0 is the reset line). */
#include "i8042.h"

void i8042_init(struct i8042 *k)
{
	*k = (struct i8042){ 0 };
	k->ctr = I8042_CTR_KBDINT | I8042_CTR_SYS | I8042_CTR_XLATE;
	k->out_port = 0x03;	/* not in reset, A20 on */
}

static void update_irq(struct i8042 *k)
{
	bool level = k->q_count && (k->ctr & I8042_CTR_KBDINT);

	if (k->irq_level && !level)
		k->irq_fell = true;
	k->irq_level = level;
}

/* A byte into the output buffer, as keyboard data. There is no AUX port:
 * bytes meant for it come back as keyboard data too. */
static void put(struct i8042 *k, uint8_t v, bool timeout)
{
	unsigned slot;

	if (k->q_count == I8042_QUEUE)
		return;		/* a driver that never reads loses the newest */
	slot = (k->q_head + k->q_count) % I8042_QUEUE;
	k->q[slot] = v;
	k->q_timeout[slot] = timeout;
	k->q_count++;
}

static void command(struct i8042 *k, uint8_t v)
{
	k->pending_cmd = 0;
	switch (v) {
	case 0x20:
		put(k, k->ctr, false);
		break;
	case 0x60:
	case 0xD1:
	case 0xD2:
	case 0xD3:
	case 0xD4:
		k->pending_cmd = v;
		break;
	case 0xA7:
		k->ctr |= I8042_CTR_AUXDIS;
		break;
	case 0xA8:
		k->ctr &= (uint8_t)~I8042_CTR_AUXDIS;
		break;
	case 0xA9:
		put(k, 0x01, false);	/* AUX interface test: clock line stuck low */
		break;
	case 0xAA:
		k->ctr |= I8042_CTR_SYS;
		put(k, 0x55, false);
		break;
	case 0xAB:
		put(k, 0x00, false);
		break;
	case 0xAD:
		k->ctr |= I8042_CTR_KBDDIS;
		break;
	case 0xAE:
		k->ctr &= (uint8_t)~I8042_CTR_KBDDIS;
		break;
	case 0xC0:
		put(k, 0x80, false);	/* input port: keyboard not inhibited */
		break;
	case 0xD0:
		put(k, k->out_port, false);
		break;
	default:
		if (v >= 0xF0 && !(v & 0x01))
			k->reset_requested = true;
		break;
	}
}

static void data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	switch (cmd) {
	case 0x60:
		k->ctr = v;
		break;
	case 0xD1:
		k->out_port = v;
		if (!(v & 0x01))
			k->reset_requested = true;
		break;
	case 0xD2:
	case 0xD3:
		put(k, v, false);
		break;
	case 0xD4:
		put(k, 0xFE, true);	/* no AUX device answers */
		break;
	default:
		put(k, 0xFE, true);	/* no keyboard answers */
		break;
	}
}

uint8_t i8042_read(struct i8042 *k, uint16_t port)
{
	uint8_t v = 0xFF, st;

	if (port == I8042_PORT_DATA) {
		if (!k->q_count)
			return 0x00;	/* an empty buffer reads its last byte; 0 here */
		v = k->q[k->q_head];
		k->q_head = (uint8_t)((k->q_head + 1) % I8042_QUEUE);
		k->q_count--;
		/* The line drops with OBF before the next byte is moved in. */
		if (k->irq_level)
			k->irq_fell = true;
		k->irq_level = false;
		update_irq(k);
		return v;
	}
	if (port == I8042_PORT_CMD) {
		st = I8042_STR_UNLOCKED;
		if (k->q_count)
			st |= I8042_STR_OBF;
		if (k->q_count && k->q_timeout[k->q_head])
			st |= I8042_STR_TIMEOUT;
		if (k->ctr & I8042_CTR_SYS)
			st |= I8042_STR_SYS;
		if (k->last_was_cmd)
			st |= I8042_STR_CMD;
		return st;
	}
	return v;
}

void i8042_write(struct i8042 *k, uint16_t port, uint8_t v)
{
	if (port == I8042_PORT_CMD) {
		k->last_was_cmd = true;
		command(k, v);
	} else if (port == I8042_PORT_DATA) {
		k->last_was_cmd = false;
		data(k, v);
	}
	update_irq(k);
}

bool i8042_irq(const struct i8042 *k)
{
	return k->irq_level;
}

bool i8042_irq_fell(struct i8042 *k)
{
	bool fell = k->irq_fell;

	k->irq_fell = false;
	return fell;
}

bool i8042_reset_requested(const struct i8042 *k)
{
	return k->reset_requested;
}
