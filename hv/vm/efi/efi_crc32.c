/* CRC-32 of EFI table headers (UEFI 2.10 §4.2). Bit by bit rather than
 * from a 1 KiB table: the shim computes it once per SetVirtualAddressMap
 * over 256 bytes, and the code stays a few dozen bytes of the blob. */
#include "efi_crc32.h"

uint32_t efi_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

void efi_table_crc32_set(void *hdr, uint32_t header_size)
{
	uint8_t *h = hdr;
	uint32_t crc;

	for (int i = 16; i < 20; i++)
		h[i] = 0;
	crc = efi_crc32(h, header_size);
	for (int i = 0; i < 4; i++)
		h[16 + i] = (uint8_t)(crc >> (8 * i));
}
