/* Scan-code decoder (see kbd.h). Both sets are first turned into one key
 * number, the set-1 make code (what the i8042's translation would give;
 * IBM PC AT Technical Reference, keyboard scan-code tables), so one table
 * turns keys into characters. Set 1: a release is make | 0x80; set 2: a
 * release is F0 before the make code. In both, E0 prefixes the extended
 * keys (arrows, Home, End, Delete, right Ctrl) and E1 starts Pause, which
 * is dropped whole. */
#include "kbd.h"

/* Set-1 key numbers used by name. */
#define K_ESC		0x01
#define K_BACKSPACE	0x0E
#define K_TAB		0x0F
#define K_ENTER		0x1C
#define K_CTRL		0x1D
#define K_LSHIFT	0x2A
#define K_RSHIFT	0x36
#define K_CAPS		0x3A
#define K_HOME		0x47	/* with E0 */
#define K_UP		0x48
#define K_LEFT		0x4B
#define K_RIGHT		0x4D
#define K_END		0x4F
#define K_DOWN		0x50
#define K_DELETE	0x53

/* Unshifted and shifted characters of set-1 keys 0x00..0x39 (US). */
static const char plain[0x3A] =
	"\0\0001234567890-=\0\0qwertyuiop[]\0\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[0x3A] =
	"\0\0!@#$%^&*()_+\0\0QWERTYUIOP{}\0\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

/* Set 2 make code → set-1 key number, for the keys the table above and
 * the names above cover (0: not used). */
static const uint8_t set2_to_set1[0x84] = {
	[0x76] = 0x01, [0x16] = 0x02, [0x1E] = 0x03, [0x26] = 0x04, [0x25] = 0x05,
	[0x2E] = 0x06, [0x36] = 0x07, [0x3D] = 0x08, [0x3E] = 0x09, [0x46] = 0x0A,
	[0x45] = 0x0B, [0x4E] = 0x0C, [0x55] = 0x0D, [0x66] = 0x0E, [0x0D] = 0x0F,
	[0x15] = 0x10, [0x1D] = 0x11, [0x24] = 0x12, [0x2D] = 0x13, [0x2C] = 0x14,
	[0x35] = 0x15, [0x3C] = 0x16, [0x43] = 0x17, [0x44] = 0x18, [0x4D] = 0x19,
	[0x54] = 0x1A, [0x5B] = 0x1B, [0x5A] = 0x1C, [0x14] = 0x1D, [0x1C] = 0x1E,
	[0x1B] = 0x1F, [0x23] = 0x20, [0x2B] = 0x21, [0x34] = 0x22, [0x33] = 0x23,
	[0x3B] = 0x24, [0x42] = 0x25, [0x4B] = 0x26, [0x4C] = 0x27, [0x52] = 0x28,
	[0x0E] = 0x29, [0x12] = 0x2A, [0x5D] = 0x2B, [0x1A] = 0x2C, [0x22] = 0x2D,
	[0x21] = 0x2E, [0x2A] = 0x2F, [0x32] = 0x30, [0x31] = 0x31, [0x3A] = 0x32,
	[0x41] = 0x33, [0x49] = 0x34, [0x4A] = 0x35, [0x59] = 0x36, [0x7C] = 0x37,
	[0x29] = 0x39, [0x58] = 0x3A,
	/* The extended keys, after E0 (same codes as the keypad's). */
	[0x6C] = 0x47, [0x75] = 0x48, [0x6B] = 0x4B, [0x74] = 0x4D, [0x69] = 0x4F,
	[0x72] = 0x50, [0x71] = 0x53,
};

void kbd_init(struct kbd *k, enum kbd_set set)
{
	*k = (struct kbd){ .set = set };
}

static size_t seq(uint8_t out[KBD_OUT_MAX], const char *s)
{
	size_t n = 0;

	while (s[n] && n < KBD_OUT_MAX) {
		out[n] = (uint8_t)s[n];
		n++;
	}
	return n;
}

static size_t extended(uint8_t key, uint8_t out[KBD_OUT_MAX])
{
	switch (key) {
	case K_UP:	return seq(out, "\x1b[A");
	case K_DOWN:	return seq(out, "\x1b[B");
	case K_RIGHT:	return seq(out, "\x1b[C");
	case K_LEFT:	return seq(out, "\x1b[D");
	case K_HOME:	return seq(out, "\x1b[H");
	case K_END:	return seq(out, "\x1b[F");
	case K_DELETE:	return seq(out, "\x1b[3~");
	case K_ENTER:	return seq(out, "\r");	/* keypad Enter */
	default:	return 0;
	}
}

/* One key event: key (set-1 number), extended or not, press or release. */
static size_t key_event(struct kbd *k, uint8_t key, bool ext, bool down, uint8_t out[KBD_OUT_MAX])
{
	bool shift = k->lshift || k->rshift, ctrl = k->lctrl || k->rctrl;
	char ch;

	switch (key) {
	case K_LSHIFT:
		if (!ext)	/* E0 2A: a fake shift some keyboards wrap arrows in */
			k->lshift = down;
		return 0;
	case K_RSHIFT:
		if (!ext)
			k->rshift = down;
		return 0;
	case K_CTRL:
		if (ext)
			k->rctrl = down;
		else
			k->lctrl = down;
		return 0;
	case K_CAPS:
		if (down && !k->caps_down)	/* typematic repeats do not toggle */
			k->caps = !k->caps;
		k->caps_down = down;
		return 0;
	default:
		break;
	}
	if (!down)
		return 0;
	if (ext)
		return extended(key, out);
	switch (key) {
	case K_ESC:		out[0] = 0x1B; return 1;
	case K_BACKSPACE:	out[0] = 0x7F; return 1;
	case K_TAB:		out[0] = '\t'; return 1;
	case K_ENTER:		out[0] = '\r'; return 1;
	default:		break;
	}
	if (key >= sizeof(plain) || !plain[key])
		return 0;
	ch = shift ? shifted[key] : plain[key];
	if (k->caps && ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	else if (k->caps && ch >= 'A' && ch <= 'Z')
		ch = (char)(ch - 'A' + 'a');
	if (ctrl) {
		char base = plain[key];

		if (base >= 'a' && base <= 'z')
			ch = (char)(base - 'a' + 1);
		else if (base == '[' || base == '\\' || base == ']')
			ch = (char)(base - '[' + 0x1B);
		else
			return 0;
	}
	out[0] = (uint8_t)ch;
	return 1;
}

size_t kbd_feed(struct kbd *k, uint8_t code, uint8_t out[KBD_OUT_MAX])
{
	bool ext, down;
	uint8_t key;

	if (k->skip) {
		k->skip--;
		return 0;
	}
	if (code == 0xE0) {
		k->e0 = true;
		return 0;
	}
	if (code == 0xE1) {
		/* Pause: set 1 sends E1 1D 45 E1 9D C5, set 2 E1 14 77 E1 F0 14
		 * F0 77; dropping two bytes after each E1 leaves, in set 2,
		 * F0 77: a release nothing uses. */
		k->skip = 2;
		k->e0 = k->release = false;
		return 0;
	}
	ext = k->e0;
	k->e0 = false;
	if (k->set == KBD_SET1) {
		/* 0xFA ACK, 0xFE resend, 0x00/0xFF errors: not keys here. */
		if (code == 0x00 || code == 0xFA || code == 0xFE || code == 0xFF)
			return 0;
		down = !(code & 0x80);
		key = code & 0x7F;
	} else {
		if (code == 0xF0) {
			k->release = true;
			k->e0 = ext;	/* E0 F0 xx: the prefix holds */
			return 0;
		}
		down = !k->release;
		k->release = false;
		key = code < sizeof(set2_to_set1) ? set2_to_set1[code] : 0;
		if (!key)
			return 0;	/* ACK, BAT (AA), unmapped keys */
	}
	return key_event(k, key, ext, down, out);
}
