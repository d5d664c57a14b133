/* PS/2 keyboard scan codes to terminal input bytes. Pure: fed one byte at a
 * time from the i8042 (hv/ps2.c), in scan-code set 1 (what the controller
 * delivers with translation on) or set 2 (the keyboard's own, translation
 * off).
 *
 * What comes out is what a serial terminal would send, so the shell has
 * one input path: printable ASCII (Shift and Caps Lock applied, US
 * layout), CR for Enter, 0x7F for Backspace, TAB, ESC, Ctrl-letter as
 * 0x01..0x1A (Ctrl-[ \ ] as 0x1B..0x1D), and for the special keys
 * ESC [ A/B/C/D (up, down, right, left), ESC [ H (Home), ESC [ F (End),
 * ESC [ 3 ~ (Delete). Other keys, key releases and controller replies
 * (ACK, self-test results) give nothing. */
#ifndef HV_KBD_H
#define HV_KBD_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define KBD_OUT_MAX	4	/* bytes one scan-code byte can produce */

enum kbd_set {
	KBD_SET1 = 1,
	KBD_SET2 = 2,
};

struct kbd {
	enum kbd_set set;
	bool e0;		/* after the extended prefix E0 */
	bool release;		/* set 2: after the break prefix F0 */
	uint8_t skip;		/* bytes of a Pause sequence (E1 ...) still to drop */
	bool lshift, rshift, lctrl, rctrl;
	bool caps, caps_down;
};

void kbd_init(struct kbd *k, enum kbd_set set);

/* Feeds one byte from the controller; writes what it produces to out and
 * returns how many bytes (0..KBD_OUT_MAX). */
size_t kbd_feed(struct kbd *k, uint8_t code, uint8_t out[KBD_OUT_MAX]);

#endif
