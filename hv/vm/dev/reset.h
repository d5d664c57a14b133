/* The PC's two other reset paths as a pure state machine (README: The
 * Linux guest's platform): the reset control register at port 0xCF9 (bit
 * 2, RST_CPU, resets; bit 1 chooses a hard reset, which is the same here)
 * and the "fast reset" of system control port A at 0x92 (bit 0 rising
 * resets; bit 1 is the A20 gate, kept and read back). */
#ifndef HV_VM_DEV_RESET_H
#define HV_VM_DEV_RESET_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define RESET_PORT_CF9		0xCF9
#define RESET_PORT_92		0x92

struct reset_ctl {
	uint8_t cf9, port92;
	bool requested;
};

void reset_init(struct reset_ctl *r);
uint8_t reset_read(struct reset_ctl *r, uint16_t port);
void reset_write(struct reset_ctl *r, uint16_t port, uint8_t v);
bool reset_requested(const struct reset_ctl *r);

#endif
