/* printf-style formatting without libc. Pure: host-testable.
 *
 * Conversions: %s %c %d %i %u %x %X %p %%; length modifiers hh h l ll z j t;
 * flags '-' (left-justify), '0' (zero pad), '+', ' ', '#' (0x prefix);
 * width and precision as numbers or '*'. Precision limits %s and is the
 * minimum digit count for integers. %p prints 0x and 16 hex digits. */
#ifndef HVBOOT_FMT_H
#define HVBOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the output one byte at a time. */
typedef void (*fmt_sink_fn)(void *ctx, char c);

/* Formats to sink; returns the number of bytes produced. */
int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* Like C's vsnprintf: writes at most cap bytes including the NUL (always
 * NUL-terminates when cap > 0) and returns the length the whole output
 * would have had. */
int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
