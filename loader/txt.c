/* The bounded text writer (see txt.h). */
#include "txt.h"

#include <stdarg.h>

#include "fmt.h"

void txt_putc(struct txt *t, char c)
{
	if (t->len + 1 < t->cap)
		t->buf[t->len] = c;
	t->len++;
}

void txt_puts(struct txt *t, const char *s)
{
	while (*s)
		txt_putc(t, *s++);
}

static void put_hex(struct txt *t, uint64_t value, int min_digits, const char *digits)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[value & 0xF];
		value >>= 4;
	} while (value != 0 || n < min_digits);
	while (n > 0)
		txt_putc(t, tmp[--n]);
}

void txt_hex(struct txt *t, uint64_t value, int min_digits)
{
	put_hex(t, value, min_digits, "0123456789abcdef");
}

void txt_HEX(struct txt *t, uint64_t value, int min_digits)
{
	put_hex(t, value, min_digits, "0123456789ABCDEF");
}

void txt_dec(struct txt *t, uint64_t value)
{
	char tmp[20];	/* 2^64 has 20 decimal digits */
	int n = 0;

	do {
		tmp[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	while (n > 0)
		txt_putc(t, tmp[--n]);
}

static void sink(void *ctx, char c)
{
	txt_putc(ctx, c);
}

void txt_printf(struct txt *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(sink, t, fmt, ap);
	va_end(ap);
}

size_t txt_end(struct txt *t)
{
	if (t->cap > 0)
		t->buf[t->len < t->cap ? t->len : t->cap - 1] = '\0';
	return t->len;
}
