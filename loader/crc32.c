/* CRC-32 (see crc32.h), bit by bit: it runs once per boot over a table
 * header of a few hundred bytes, so no lookup table is worth its size. */
#include "crc32.h"

#define CRC32_POLY_REFLECTED	0xEDB88320U

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	uint32_t c = ~crc;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (CRC32_POLY_REFLECTED & (0U - (c & 1)));
	}
	return ~c;
}
