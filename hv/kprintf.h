/* Formatted output to the serial console (formats: fmt.h). */
#ifndef HV_KPRINTF_H
#define HV_KPRINTF_H

#include <stdarg.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
