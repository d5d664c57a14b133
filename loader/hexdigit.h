/* One hex digit's value, or -1: shared by every parser of numbers (config,
 * memory-map text, efivar data). Pure. */
#ifndef HVBOOT_HEXDIGIT_H
#define HVBOOT_HEXDIGIT_H

static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
