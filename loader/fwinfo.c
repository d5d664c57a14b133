/* The firmware's revision and RT properties (see fwinfo.h). */
#include "fwinfo.h"

#include "bytes.h"
#include "fmt.h"

size_t fwinfo_revision_text(uint32_t revision, char *buf, size_t cap)
{
	unsigned major = revision >> 16, minor = (revision & 0xFFFF) / 10;
	unsigned errata = (revision & 0xFFFF) % 10;

	if (errata)
		return (size_t)fmt_snprintf(buf, cap, "%u.%u.%u", major, minor, errata);
	return (size_t)fmt_snprintf(buf, cap, "%u.%u", major, minor);
}

/* EFI_RT_PROPERTIES_TABLE: UINT16 Version, UINT16 Length, UINT32
 * RuntimeServicesSupported. */
#define RTP_VERSION	0
#define RTP_LENGTH	2
#define RTP_SUPPORTED	4
#define RTP_V1_BYTES	8

const char *fwinfo_rt_properties(const uint8_t *table, size_t avail, uint32_t *supported)
{
	if (avail < RTP_V1_BYTES)
		return "EFI_RT_PROPERTIES_TABLE is truncated";
	if (ld16(table + RTP_VERSION) == 0)
		return "EFI_RT_PROPERTIES_TABLE has version 0";
	if (ld16(table + RTP_LENGTH) < RTP_V1_BYTES)
		return "EFI_RT_PROPERTIES_TABLE is shorter than its version 1 fields";
	*supported = ld32(table + RTP_SUPPORTED) & FWINFO_RT_SUPPORTED_ALL;
	return NULL;
}

uint32_t fwinfo_secure_boot(int read_ok, uint64_t size, uint8_t value)
{
	if (!read_ok || size != 1 || value > 1)
		return HV_SECURE_BOOT_UNKNOWN;
	return value ? HV_SECURE_BOOT_ON : HV_SECURE_BOOT_OFF;
}

int fwinfo_hash_enforced(uint32_t secure_boot)
{
	return secure_boot != HV_SECURE_BOOT_OFF;
}
