/* The CRC32 field of an EFI table header (UEFI 2.10 §4.2), set with
 * loader/crc32.c's CRC-32. Pure; built into the hypervisor (the table
 * builder) and into the guest's shim (SetVirtualAddressMap recomputes the
 * CRCs of the tables it converts). */
#ifndef HV_VM_EFI_EFI_CRC32_H
#define HV_VM_EFI_EFI_CRC32_H

#include <stdint.h>

/* Sets hdr->crc32 (the 32-bit field at offset 16 of an EFI_TABLE_HEADER)
 * to the CRC-32 of header_size bytes at hdr, computed with that field 0. */
void efi_table_crc32_set(void *hdr, uint32_t header_size);

#endif
