/* NUL-terminated strings, for every layer (the loader, rt/, the
 * hypervisor, host tests); pure. One definition: tools/check-layers.py
 * flags a private str_len. */
#ifndef HVBOOT_STR_H
#define HVBOOT_STR_H

#include <stddef.h>

/* The number of bytes before the NUL. */
static inline size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

#endif
