/* efistatus.h — EFI_STATUS values by name (UEFI 2.10 Appendix D).
 * Pure and freestanding. */
#ifndef HVBOOT_EFISTATUS_H
#define HVBOOT_EFISTATUS_H

#include <stdbool.h>
#include <stdint.h>
#include "efi_status.h"

/* UEFI 2.10 Appendix D: on x86-64 an error is a status with bit 63 set;
 * warnings are small positive codes with bit 63 clear. */
static inline bool efistatus_is_error(uint64_t status)
{
	return (status & EFI_STATUS_ERROR_BIT) != 0;
}

/* The spec name of a status, e.g. 0x800000000000000E -> "EFI_NOT_FOUND",
 * 0x4 -> "EFI_WARN_BUFFER_TOO_SMALL", 0 -> "EFI_SUCCESS"; NULL for a value
 * Appendix D does not define (OEM codes included). */
const char *efistatus_name(uint64_t status);

#endif
