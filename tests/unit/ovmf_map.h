/* The OVMF (q35, 512 MiB) memory map of README: Memory maps as text as descriptors,
 * shared by the tests that start from it. Runtime descriptors: 8, 10, 11,
 * 13, 17; the reserved range at 0xB0000000 has no RUNTIME bit. */
#ifndef HVBOOT_TEST_OVMF_MAP_H
#define HVBOOT_TEST_OVMF_MAP_H

#include "efi_mem.h"

static const struct efi_mdesc ovmf[] = {
	{ EFI_MT_BS_CODE, 0, 0x0, 0, 1, 0xF },
	{ EFI_MT_CONVENTIONAL, 0, 0x1000, 0, 159, 0xF },
	{ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 1798, 0xF },
	{ EFI_MT_ACPI_NVS, 0, 0x806000, 0, 2, 0xF },
	{ EFI_MT_CONVENTIONAL, 0, 0x808000, 0, 8, 0xF },
	{ EFI_MT_ACPI_NVS, 0, 0x810000, 0, 240, 0xF },
	{ EFI_MT_BS_DATA, 0, 0x900000, 0, 3072, 0xF },
	{ EFI_MT_CONVENTIONAL, 0, 0x1500000, 0, 108149, 0xF },
	{ EFI_MT_RT_DATA, 0, 0x1EAA0000, 0, 258, EFI_MEMORY_RUNTIME | 0xF },
	{ EFI_MT_BS_DATA, 0, 0x1EBA2000, 0, 2378, 0xF },
	{ EFI_MT_RT_DATA, 0, 0x1F4EC000, 0, 256, EFI_MEMORY_RUNTIME | 0xF },
	{ EFI_MT_RT_CODE, 0, 0x1F5EC000, 0, 256, EFI_MEMORY_RUNTIME | 0xF },
	{ EFI_MT_BS_DATA, 0, 0x1F6EC000, 0, 2056, 0xF },
	{ EFI_MT_RT_DATA, 0, 0x1FEF4000, 0, 132, EFI_MEMORY_RUNTIME | 0xF },
	{ EFI_MT_ACPI_RECLAIM, 0, 0x1FF78000, 0, 8, 0xF },
	{ EFI_MT_ACPI_NVS, 0, 0x1FF80000, 0, 128, 0xF },
	{ EFI_MT_RESERVED, 0, 0xB0000000, 0, 65536, 0x1 },
	{ EFI_MT_MMIO, 0, 0xFFC00000, 0, 1024, EFI_MEMORY_RUNTIME | 0x1 },
};
#define OVMF_N		(sizeof(ovmf) / sizeof(ovmf[0]))

#endif
