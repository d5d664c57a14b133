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
		"svam-physical", "EDK2 RuntimeDxe (OVMF)",
		"SetVirtualAddressMap and ConvertPointer stay physical after the switch",
		"not checked and never called again (boot-time only)",
	},
	[HV_QUIRK_MAT_IN_BOOT_SERVICES_DATA] = {
		"mat-bs-data", "EDK2 (OVMF 2022.11)",
		"the Memory Attributes Table lives in EfiBootServicesData",
		"copied before ExitBootServices",
	},
	[HV_QUIRK_FRESH_PAGES_NX] = {
		"fresh-pages-nx", "EDK2 with strict memory protection (2023 and later)",
		"newly allocated pages, LoaderCode included, are mapped NX",
		"the trampoline page made RX with EFI_MEMORY_ATTRIBUTE_PROTOCOL",
	},
	[HV_QUIRK_RT_PROPERTIES_UNREADABLE] = {
		"rt-properties", "any",
		"an EFI_RT_PROPERTIES_TABLE with version 0 or a short Length",
		"ignored: every service treated as supported",
	},
};

const struct quirk *quirk_get(unsigned q)
{
	return q < HV_QUIRK_COUNT ? &quirks[q] : NULL;
}
