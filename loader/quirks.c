/* The quirks table (see quirks.h). */
#include "quirks.h"

#include <stddef.h>

static const struct quirk quirks[HV_QUIRK_COUNT] = {
	[HV_QUIRK_RT_WITHOUT_RUNTIME_BIT] = {
		"runtime-bit", "Dell Edge Gateway BIOS",
		"RuntimeServicesCode/Data descriptors without EFI_MEMORY_RUNTIME",
		"mapped in the runtime window like every runtime region",
	},
	[HV_QUIRK_SVAM_POINTERS_PHYSICAL] = {
		"svam-physical", "EDK2 RuntimeDxe",
		"SetVirtualAddressMap and ConvertPointer stay physical after the switch",
		"not checked and never called again (boot-time only)",
	},
	[HV_QUIRK_MAT_IN_BOOT_SERVICES_DATA] = {
		"mat-bs-data", "EDK2, OVMF 2022.11",
		"the Memory Attributes Table lives in EfiBootServicesData",
		"copied before ExitBootServices",
	},
	[HV_QUIRK_FRESH_PAGES_NX] = {
		"fresh-pages-nx", "EDK2 with strict memory protection",
		"newly allocated pages, LoaderCode included, are mapped NX (2023 and later)",
		"the trampoline page made RX with EFI_MEMORY_ATTRIBUTE_PROTOCOL",
	},
	[HV_QUIRK_RT_PROPERTIES_UNREADABLE] = {
		"rt-properties", "any firmware",
		"an EFI_RT_PROPERTIES_TABLE with version 0 or a short Length",
		"ignored: every service treated as supported",
	},
	[HV_QUIRK_PHYSICAL_POINTER_AT_RUNTIME] = {
		"phys-pointer", "ASUS boards' GetTime, OVMF under SEV-ES",
		"a pointer left physical by SetVirtualAddressMap, used at runtime",
		"rt_compat = heal: a 1:1 alias of its region in the runtime space, the call resumed",
	},
	[HV_QUIRK_BOOT_SERVICES_MEMORY_AT_RUNTIME] = {
		"bs-at-runtime", "HP EliteBook 840 G1",
		"boot-services code or data touched after ExitBootServices",
		"rt_compat = heal: aliased 1:1 in the runtime space, never handed out",
	},
	[HV_QUIRK_PAGE0_AT_RUNTIME] = {
		"page0", "firmware that Linux and FreeBSD map page 0 for",
		"physical page 0 read or written at runtime",
		"rt_compat = heal: page 0 aliased in the runtime space only",
	},
	[HV_QUIRK_RT_TABLE_CRC] = {
		"rt-table-crc", "any firmware whose table a driver patches",
		"the runtime services table's CRC32 does not match after SetVirtualAddressMap",
		"recorded; every service pointer is checked against runtime code before each call",
	},
	[HV_QUIRK_GETVAR_ATTRS_ONLY_ON_SUCCESS] = {
		"getvar-attrs", "EDK2 before stable202005",
		"GetVariable gives the attributes only with EFI_SUCCESS, not EFI_BUFFER_TOO_SMALL",
		"the whole variable read to learn them",
	},
	[HV_QUIRK_DATA_PAGES_NX] = {
		"data-nx", "OVMF 2022.11",
		"pages of the data types are mapped NX under the firmware's own page tables",
		"the trampoline page allocated as EfiLoaderCode",
	},
	[HV_QUIRK_SVAM_USES_NEW_VA] = {
		"svam-new-va", "firmware patched by OpenCore's SetupVirtualMap",
		"uses its new virtual addresses before SetVirtualAddressMap returns",
		"rt_compat = alias: the window lent to the firmware's page tables for the call",
	},
};

const struct quirk *quirk_get(unsigned q)
{
	return q < HV_QUIRK_COUNT ? &quirks[q] : NULL;
}
