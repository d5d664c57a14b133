/* An EFI table header's CRC32 (UEFI 2.10 §4.2): over HeaderSize bytes,
 * with the CRC32 field itself taken as 0. */
#include "efi_crc32.h"
#include "loader/crc32.h"

#define HDR_CRC_AT	16

void efi_table_crc32_set(void *hdr, uint32_t header_size)
{
	static const uint8_t zero[4];
	uint8_t *h = hdr;
	uint32_t crc;

	if (header_size < HDR_CRC_AT + 4)
		return;
	crc = crc32_update(0, h, HDR_CRC_AT);
	crc = crc32_update(crc, zero, sizeof(zero));
	crc = crc32_update(crc, h + HDR_CRC_AT + 4, header_size - HDR_CRC_AT - 4);
	for (int i = 0; i < 4; i++)
		h[HDR_CRC_AT + i] = (uint8_t)(crc >> (8 * i));
}
