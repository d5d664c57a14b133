/* The i8042 PS/2 controller's keyboard port, polled (interrupts stay
 * off): bytes from port 0x60 decoded by hv/kbd.c. */
#ifndef HV_PS2_H
#define HV_PS2_H

#include <stdbool.h>
#include "kbd.h"

/* Finds the controller and reads which scan-code set it delivers. False
 * (and ps2_getc never has input) when no controller answers in time. */
bool ps2_init(void);

/* The scan-code set in use (valid after ps2_init returned true). */
enum kbd_set ps2_set(void);

/* The next terminal byte from the keyboard, or -1 if none waits. */
int ps2_getc_nonblock(void);

#endif
