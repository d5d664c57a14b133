/* EFI_STATUS values under the spec's names (UEFI 2.10 Appendix D), as
 * 64-bit values: an error has bit 63 set, a warning is a small positive
 * code. The one definition of each for every layer, the test guest and
 * the guests' EFI; freestanding.
 *
 * Beside gnu-efi (the loader): its <efierr.h> defines the names of
 * UEFI 2.0 with the same values. Included after it, this header adds only
 * the names it lacks; included before it, this header defines the
 * `_EFI_ERR_H` guard (and the two macros that file gives, EFIWARN and
 * EFI_ERROR), so that <efierr.h> adds nothing. Either order compiles
 * without a redefinition. */
#ifndef HVBOOT_EFI_STATUS_H
#define HVBOOT_EFI_STATUS_H

#include <stdint.h>

typedef uint64_t efi_status_t;

#define EFI_STATUS_ERROR_BIT	0x8000000000000000ULL	/* bit 63 on x86-64 */
#define EFI_STATUS_ERR(code)	(EFI_STATUS_ERROR_BIT | (uint64_t)(code))
#define EFI_STATUS_WARN(code)	((uint64_t)(code))

#ifndef _EFI_ERR_H
#define _EFI_ERR_H		/* gnu-efi's <efierr.h>: these names are defined here */
#define EFIWARN(a)		EFI_STATUS_WARN(a)
#define EFI_ERROR(a)		(((int64_t)(a)) < 0)
#endif

#ifndef EFI_SUCCESS
#define EFI_SUCCESS			0ULL
#endif
#ifndef EFI_LOAD_ERROR
#define EFI_LOAD_ERROR			EFI_STATUS_ERR(1)
#endif
#ifndef EFI_INVALID_PARAMETER
#define EFI_INVALID_PARAMETER		EFI_STATUS_ERR(2)
#endif
#ifndef EFI_UNSUPPORTED
#define EFI_UNSUPPORTED			EFI_STATUS_ERR(3)
#endif
#ifndef EFI_BAD_BUFFER_SIZE
#define EFI_BAD_BUFFER_SIZE		EFI_STATUS_ERR(4)
#endif
#ifndef EFI_BUFFER_TOO_SMALL
#define EFI_BUFFER_TOO_SMALL		EFI_STATUS_ERR(5)
#endif
#ifndef EFI_NOT_READY
#define EFI_NOT_READY			EFI_STATUS_ERR(6)
#endif
#ifndef EFI_DEVICE_ERROR
#define EFI_DEVICE_ERROR		EFI_STATUS_ERR(7)
#endif
#ifndef EFI_WRITE_PROTECTED
#define EFI_WRITE_PROTECTED		EFI_STATUS_ERR(8)
#endif
#ifndef EFI_OUT_OF_RESOURCES
#define EFI_OUT_OF_RESOURCES		EFI_STATUS_ERR(9)
#endif
#ifndef EFI_VOLUME_CORRUPTED
#define EFI_VOLUME_CORRUPTED		EFI_STATUS_ERR(10)
#endif
#ifndef EFI_VOLUME_FULL
#define EFI_VOLUME_FULL			EFI_STATUS_ERR(11)
#endif
#ifndef EFI_NO_MEDIA
#define EFI_NO_MEDIA			EFI_STATUS_ERR(12)
#endif
#ifndef EFI_MEDIA_CHANGED
#define EFI_MEDIA_CHANGED		EFI_STATUS_ERR(13)
#endif
#ifndef EFI_NOT_FOUND
#define EFI_NOT_FOUND			EFI_STATUS_ERR(14)
#endif
#ifndef EFI_ACCESS_DENIED
#define EFI_ACCESS_DENIED		EFI_STATUS_ERR(15)
#endif
#ifndef EFI_NO_RESPONSE
#define EFI_NO_RESPONSE			EFI_STATUS_ERR(16)
#endif
#ifndef EFI_NO_MAPPING
#define EFI_NO_MAPPING			EFI_STATUS_ERR(17)
#endif
#ifndef EFI_TIMEOUT
#define EFI_TIMEOUT			EFI_STATUS_ERR(18)
#endif
#ifndef EFI_NOT_STARTED
#define EFI_NOT_STARTED			EFI_STATUS_ERR(19)
#endif
#ifndef EFI_ALREADY_STARTED
#define EFI_ALREADY_STARTED		EFI_STATUS_ERR(20)
#endif
#ifndef EFI_ABORTED
#define EFI_ABORTED			EFI_STATUS_ERR(21)
#endif
#ifndef EFI_ICMP_ERROR
#define EFI_ICMP_ERROR			EFI_STATUS_ERR(22)
#endif
#ifndef EFI_TFTP_ERROR
#define EFI_TFTP_ERROR			EFI_STATUS_ERR(23)
#endif
#ifndef EFI_PROTOCOL_ERROR
#define EFI_PROTOCOL_ERROR		EFI_STATUS_ERR(24)
#endif
#ifndef EFI_INCOMPATIBLE_VERSION
#define EFI_INCOMPATIBLE_VERSION	EFI_STATUS_ERR(25)
#endif
#ifndef EFI_SECURITY_VIOLATION
#define EFI_SECURITY_VIOLATION		EFI_STATUS_ERR(26)
#endif
#ifndef EFI_CRC_ERROR
#define EFI_CRC_ERROR			EFI_STATUS_ERR(27)
#endif
#ifndef EFI_END_OF_MEDIA
#define EFI_END_OF_MEDIA		EFI_STATUS_ERR(28)
#endif
#ifndef EFI_END_OF_FILE
#define EFI_END_OF_FILE			EFI_STATUS_ERR(31)
#endif
#ifndef EFI_INVALID_LANGUAGE
#define EFI_INVALID_LANGUAGE		EFI_STATUS_ERR(32)
#endif
#ifndef EFI_COMPROMISED_DATA
#define EFI_COMPROMISED_DATA		EFI_STATUS_ERR(33)
#endif
#ifndef EFI_IP_ADDRESS_CONFLICT
#define EFI_IP_ADDRESS_CONFLICT		EFI_STATUS_ERR(34)
#endif
#ifndef EFI_HTTP_ERROR
#define EFI_HTTP_ERROR			EFI_STATUS_ERR(35)
#endif

#ifndef EFI_WARN_UNKNOWN_GLYPH
#define EFI_WARN_UNKNOWN_GLYPH		EFI_STATUS_WARN(1)
#endif
#ifndef EFI_WARN_DELETE_FAILURE
#define EFI_WARN_DELETE_FAILURE		EFI_STATUS_WARN(2)
#endif
#ifndef EFI_WARN_WRITE_FAILURE
#define EFI_WARN_WRITE_FAILURE		EFI_STATUS_WARN(3)
#endif
#ifndef EFI_WARN_BUFFER_TOO_SMALL
#define EFI_WARN_BUFFER_TOO_SMALL	EFI_STATUS_WARN(4)
#endif
#ifndef EFI_WARN_STALE_DATA
#define EFI_WARN_STALE_DATA		EFI_STATUS_WARN(5)
#endif
#ifndef EFI_WARN_FILE_SYSTEM
#define EFI_WARN_FILE_SYSTEM		EFI_STATUS_WARN(6)
#endif
#ifndef EFI_WARN_RESET_REQUIRED
#define EFI_WARN_RESET_REQUIRED		EFI_STATUS_WARN(7)
#endif

#endif
