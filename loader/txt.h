/* A bounded text writer with snprintf's rules: what does not fit in cap
 * bytes (the NUL included) is counted but not written, and txt_end returns
 * the length the whole text would have had. Every pure formatter that
 * builds a line piece by piece (GUIDs, device paths, hex dumps, memory-map
 * lines) writes through it. Pure. */
#ifndef HVBOOT_TXT_H
#define HVBOOT_TXT_H

#include <stddef.h>
#include <stdint.h>

struct txt {
	char *buf;
	size_t cap;
	size_t len;	/* may exceed cap: the length wanted */
};

static inline struct txt txt_init(char *buf, size_t cap)
{
	return (struct txt){ buf, cap, 0 };
}

void txt_putc(struct txt *t, char c);
void txt_puts(struct txt *t, const char *s);
/* value in hex, at least min_digits digits, no prefix. */
void txt_hex(struct txt *t, uint64_t value, int min_digits);
void txt_HEX(struct txt *t, uint64_t value, int min_digits);
void txt_dec(struct txt *t, uint64_t value);
/* Formats as fmt_snprintf does (loader/fmt.h). */
void txt_printf(struct txt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates (when cap > 0) and returns len. */
size_t txt_end(struct txt *t);

#endif
