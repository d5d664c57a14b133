/* Checking the converted runtime services table (see rttable.h). */
#include "rttable.h"

#include <stddef.h>

#include "bytes.h"
#include "crc32.h"

/* EFI_TABLE_HEADER (UEFI 2.10 §4.2): Signature, Revision, HeaderSize,
 * CRC32, Reserved. */
#define HDR_SIZE_AT	12
#define HDR_CRC_AT	16
#define HDR_BYTES	24

/* Entries 4 and 5: SetVirtualAddressMap and ConvertPointer. */
#define SVC_SET_VIRTUAL_ADDRESS_MAP	4
#define SVC_CONVERT_POINTER		5

bool rttable_boot_time_only(unsigned svc)
{
	/* Quirk (EDK2 RuntimeDxe): SetVirtualAddressMap and ConvertPointer
	 * stay physical after the switch; they are boot-time only. */
	return svc == SVC_SET_VIRTUAL_ADDRESS_MAP || svc == SVC_CONVERT_POINTER;
}

const char *rttable_check(const uint8_t *table, uint64_t table_pa, const struct rtwin_plan *plan,
			  uint64_t *table_va, uint64_t *detail, uint32_t *quirks)
{
	const struct rt_region *home = rtwin_find_pa(plan, table_pa);
	uint64_t sig = ld64(table);

	if (sig != RTTABLE_SIGNATURE) {
		*detail = sig;
		return "runtime table has a bad signature";
	}
	if (!home) {
		*detail = table_pa;
		return "runtime table is not in a runtime region, pa";
	}
	for (unsigned i = 0; i < RTTABLE_SERVICES; i++) {
		uint64_t fn = ld64(table + RTTABLE_HEADER_BYTES + 8 * i);

		if (rttable_boot_time_only(i)) {
			if (!rtwin_find_code_va(plan, fn))
				*quirks |= 1U << HV_QUIRK_SVAM_POINTERS_PHYSICAL;
			continue;
		}
		if (!rtwin_find_code_va(plan, fn)) {
			*detail = fn;
			return "runtime service pointer outside runtime code after "
			       "SetVirtualAddressMap:";
		}
	}
	*table_va = home->va + (table_pa - home->pa);
	return NULL;
}

const char *rttable_crc_check(const uint8_t *table, size_t table_len, uint64_t *detail)
{
	uint32_t size = table_len >= HDR_BYTES ? ld32(table + HDR_SIZE_AT) : 0;
	uint32_t stored = table_len >= HDR_BYTES ? ld32(table + HDR_CRC_AT) : 0;
	/* The CRC32 field is taken as zero: three CRC pieces around it. */
	static const uint8_t zero[4];
	uint32_t c;

	*detail = stored;
	if (size < HDR_BYTES || size > table_len)
		return "runtime table header size is outside the table";
	c = crc32_update(0, table, HDR_CRC_AT);
	c = crc32_update(c, zero, sizeof(zero));
	c = crc32_update(c, table + HDR_CRC_AT + 4, size - HDR_CRC_AT - 4);
	if (c != stored)
		return "runtime table CRC32 does not match its header";
	return NULL;
}
