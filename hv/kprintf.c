/* kprintf: fmt's engine with the serial port as its sink, so output of any
 * length streams out without a buffer. */
#include "kprintf.h"

#include "loader/fmt.h"
#include "serial.h"

static void serial_sink(void *ctx, char c)
{
	(void)ctx;
	serial_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(serial_sink, NULL, fmt, ap);
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
