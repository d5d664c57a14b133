/* kprintf: fmt's engine with the console (COM1 and the screen) as its
 * sink. Output of any length streams out through a small buffer, flushed
 * when full and at the end of each call, so the screen redraws its cursor
 * once per chunk rather than once per character. */
#include "kprintf.h"

#include "console.h"
#include "loader/fmt.h"

struct chunk {
	char buf[128];
	size_t len;
};

static void console_sink(void *ctx, char c)
{
	struct chunk *k = ctx;

	k->buf[k->len++] = c;
	if (k->len == sizeof(k->buf)) {
		console_write(k->buf, k->len);
		k->len = 0;
	}
}

int kvprintf(const char *fmt, va_list ap)
{
	struct chunk k;
	int n;

	k.len = 0;
	n = fmt_vformat(console_sink, &k, fmt, ap);
	if (k.len)
		console_write(k.buf, k.len);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
