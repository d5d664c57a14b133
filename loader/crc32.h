/* CRC-32 as UEFI computes it for table headers (UEFI 2.10 §4.2: the
 * ISO 3309 / IEEE 802.3 polynomial, reflected, initial value and final
 * XOR 0xFFFFFFFF; EFI_BOOT_SERVICES.CalculateCrc32 gives the same). Pure. */
#ifndef HVBOOT_CRC32_H
#define HVBOOT_CRC32_H

#include <stdint.h>
#include <stddef.h>

/* The CRC-32 of the bytes so far (crc, 0 for none) followed by n bytes at
 * p: crc32_update(crc32_update(0, a, n), b, m) is the CRC-32 of a then b. */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);

#endif
