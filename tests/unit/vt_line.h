/* A model of the one terminal line the shell's editor draws on, for the
 * editor's tests and fuzzer: it understands exactly what hv/shell.h says
 * the echo uses (printable ASCII, BS, LF, BEL, ESC [ n D) and flags
 * anything else, or a cursor moved left of column 0, as bad. */
#ifndef TESTS_VT_LINE_H
#define TESTS_VT_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define VT_LINE_CAP	2048

struct vt_line {
	char cells[VT_LINE_CAP];
	size_t col;		/* cursor */
	size_t drawn;		/* columns ever written since the last LF */
	int esc;		/* 0, 1 after ESC, 2 inside ESC [ */
	size_t num;
	bool bad;
};

static inline void vt_feed(struct vt_line *v, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (v->esc == 1) {
			v->esc = c == '[' ? 2 : 0;
			v->num = 0;
			v->bad |= c != '[';
			continue;
		}
		if (v->esc == 2) {
			if (c >= '0' && c <= '9') {
				v->num = v->num * 10 + (c - '0');
				v->bad |= v->num > VT_LINE_CAP;
				continue;
			}
			v->esc = 0;
			if (c != 'D' || v->num < 2 || v->num > v->col)
				v->bad = true;
			else
				v->col -= v->num;
			continue;
		}
		if (c == 0x1B) {
			v->esc = 1;
		} else if (c == '\b') {
			if (v->col == 0)
				v->bad = true;
			else
				v->col--;
		} else if (c == '\n') {
			v->col = v->drawn = 0;
		} else if (c == '\a') {
			/* the bell moves nothing */
		} else if (c >= 0x20 && c < 0x7F && v->col < VT_LINE_CAP) {
			v->cells[v->col++] = (char)c;
			if (v->col > v->drawn)
				v->drawn = v->col;
		} else {
			v->bad = true;
		}
	}
}

/* Does the line show prompt then text[0..len), only blanks after it, with
 * the cursor at column strlen(prompt) + cur? */
static inline bool vt_shows(const struct vt_line *v, const char *prompt, const char *text,
			    size_t len, size_t cur)
{
	size_t p = strlen(prompt);

	if (v->bad || v->esc || v->col != p + cur || v->drawn < p + len)
		return false;
	if (memcmp(v->cells, prompt, p) != 0 || memcmp(v->cells + p, text, len) != 0)
		return false;
	for (size_t i = p + len; i < v->drawn; i++)
		if (v->cells[i] != ' ')
			return false;
	return true;
}

#endif
