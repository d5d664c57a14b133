/* Port 0xCF9 and port 0x92 (README: The Linux guest's platform). */
#include "reset.h"

void reset_init(struct reset_ctl *r)
{
	*r = (struct reset_ctl){ .port92 = 0x02 };	/* A20 on */
}

uint8_t reset_read(struct reset_ctl *r, uint16_t port)
{
	if (port == RESET_PORT_CF9)
		return r->cf9;
	if (port == RESET_PORT_92)
		return r->port92;
	return 0xFF;
}

void reset_write(struct reset_ctl *r, uint16_t port, uint8_t v)
{
	if (port == RESET_PORT_CF9) {
		if (v & 0x04)
			r->requested = true;
		r->cf9 = v & 0x0A;	/* RST_CPU reads back 0 */
	} else if (port == RESET_PORT_92) {
		if ((v & 0x01) && !(r->port92 & 0x01))
			r->requested = true;
		r->port92 = v & 0x03;
	}
}

bool reset_requested(const struct reset_ctl *r)
{
	return r->requested;
}
