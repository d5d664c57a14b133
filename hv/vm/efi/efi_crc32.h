/* CRC-32 as EFI_TABLE_HEADER.CRC32 uses it (UEFI 2.10 §4.2: the IEEE 802.3
 * polynomial, reflected, initial value and final XOR all ones). Pure; built
 * into the hypervisor (the table builder) and into the guest's shim
 * (SetVirtualAddressMap recomputes the CRCs of the tables it converts). */
#ifndef HV_VM_EFI_EFI_CRC32_H
#define HV_VM_EFI_EFI_CRC32_H

#include <stdint.h>
#include <stddef.h>

uint32_t efi_crc32(const void *buf, size_t len);

/* Sets hdr->crc32 (the 32-bit field at offset 16 of an EFI_TABLE_HEADER)
 * to the CRC of header_size bytes at hdr, computed with that field 0. */
void efi_table_crc32_set(void *hdr, uint32_t header_size);

#endif
