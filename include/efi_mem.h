/* UEFI memory-map definitions for code that must build without gnu-efi
 * (host tests, the hypervisor). Values: UEFI 2.10 §7.2 (GetMemoryMap). */
#ifndef HVBOOT_EFI_MEM_H
#define HVBOOT_EFI_MEM_H

#include <stdint.h>

/* EFI_MEMORY_TYPE, as EFI_MT_* so it never clashes with gnu-efi's enum. */
enum {
	EFI_MT_RESERVED = 0,
	EFI_MT_LOADER_CODE = 1,
	EFI_MT_LOADER_DATA = 2,
	EFI_MT_BS_CODE = 3,
	EFI_MT_BS_DATA = 4,
	EFI_MT_RT_CODE = 5,
	EFI_MT_RT_DATA = 6,
	EFI_MT_CONVENTIONAL = 7,
	EFI_MT_UNUSABLE = 8,
	EFI_MT_ACPI_RECLAIM = 9,
	EFI_MT_ACPI_NVS = 10,
	EFI_MT_MMIO = 11,
	EFI_MT_MMIO_PORT = 12,
	EFI_MT_PAL_CODE = 13,
	EFI_MT_PERSISTENT = 14,
	EFI_MT_UNACCEPTED = 15,
	EFI_MT_COUNT = 16,
};

/* Attribute bits (same names and values as the spec; gnu-efi defines the
 * same macros, identical redefinition is harmless but we guard anyway). */
#ifndef EFI_MEMORY_UC
#define EFI_MEMORY_UC		0x0000000000000001ULL
#define EFI_MEMORY_WC		0x0000000000000002ULL
#define EFI_MEMORY_WT		0x0000000000000004ULL
#define EFI_MEMORY_WB		0x0000000000000008ULL
#define EFI_MEMORY_UCE		0x0000000000000010ULL
#define EFI_MEMORY_WP		0x0000000000001000ULL
#define EFI_MEMORY_RP		0x0000000000002000ULL
#define EFI_MEMORY_XP		0x0000000000004000ULL
#define EFI_MEMORY_NV		0x0000000000008000ULL
#define EFI_MEMORY_MORE_RELIABLE 0x0000000000010000ULL
#define EFI_MEMORY_RO		0x0000000000020000ULL
#define EFI_MEMORY_RUNTIME	0x8000000000000000ULL
#endif
#ifndef EFI_MEMORY_RO		/* UEFI 2.5+: older gnu-efi headers lack it */
#define EFI_MEMORY_RO		0x0000000000020000ULL
#endif

#define EFI_PAGE_SHIFT		12

/* EFI_MEMORY_DESCRIPTOR as laid out by the firmware (40 bytes). Firmware may
 * use a larger DescriptorSize (OVMF: 48): always step by that stride. */
struct efi_mdesc {
	uint32_t type;
	uint32_t pad;
	uint64_t pa;
	uint64_t va;
	uint64_t npages;
	uint64_t attr;
};
_Static_assert(sizeof(struct efi_mdesc) == 40, "EFI_MEMORY_DESCRIPTOR is 40 bytes");

/* A memory map as the firmware returns it: a buffer and a stride. */
struct efi_mmap {
	const void *base;
	uint64_t size_bytes;
	uint64_t desc_size;
};

static inline const struct efi_mdesc *efi_mmap_at(const struct efi_mmap *m, uint64_t i)
{
	return (const struct efi_mdesc *)((const uint8_t *)m->base + i * m->desc_size);
}

static inline uint64_t efi_mmap_count(const struct efi_mmap *m)
{
	return m->desc_size ? m->size_bytes / m->desc_size : 0;
}

#endif
