/* rt_compat = heal: which 1:1 alias heals a page fault taken inside a
 * runtime call at an address the firmware should have converted (README
 * "Runtime services after boot"). Known firmware does this: a GetTime
 * that keeps a physical pointer after SetVirtualAddressMap (ASUS, OVMF
 * under SEV-ES), code that touches boot-services memory after
 * ExitBootServices, reads of page 0. The fault address is taken as a
 * physical one and healed only when it is page 0 or lies in a descriptor
 * the firmware may legitimately still use: runtime code or data, any
 * EFI_MEMORY_RUNTIME region, boot-services code or data, ACPI NVS. The
 * alias covers that descriptor within the 2 MiB block of the address (one
 * page table at most), code executable and nothing else, device memory
 * uncached. Pure: host-tested (tests/unit/test_rt_heal.c). */
#include "rt.h"
#include "layout.h"
#include "bootinfo.h"

#define BLOCK		0x200000ULL
#define LOWER_HALF_END	0x0000800000000000ULL

/* Quirk (ASUS boards' GetTime, OVMF under SEV-ES): a pointer left physical
 * by SetVirtualAddressMap, used at runtime: its runtime region is healable.
 * Quirk (HP EliteBook 840 G1): boot-services code or data touched after
 * ExitBootServices: healable too, never handed out. */
static bool healable_type(const struct efi_mdesc *d)
{
	switch (d->type) {
	case EFI_MT_RT_CODE: case EFI_MT_RT_DATA: case EFI_MT_BS_CODE: case EFI_MT_BS_DATA:
	case EFI_MT_ACPI_NVS:
		return true;
	default:
		return (d->attr & EFI_MEMORY_RUNTIME) != 0;
	}
}

const char *rt_heal_plan(const struct efi_mdesc *map, size_t count, uint64_t addr,
			 struct rt_heal *out)
{
	uint64_t block = addr & ~(BLOCK - 1);

	*out = (struct rt_heal){ .desc = -1 };
	if (addr >= LOWER_HALF_END)
		return "not a physical address";
	for (size_t i = 0; map && i < count; i++) {
		const struct efi_mdesc *d = &map[i];
		uint64_t len = d->npages * HV_PAGE_SIZE, lo, hi, end;

		if (addr < d->pa || addr - d->pa >= len || d->npages > (~0ULL >> 12))
			continue;
		out->desc = (int64_t)i;
		out->type = d->type;
		if (!healable_type(d) && addr >= HV_PAGE_SIZE)
			return "its descriptor is not one firmware may still use";
		/* Quirk (firmware that Linux and FreeBSD map page 0 for): page
		 * 0 read or written at runtime: that page only, whatever
		 * holds it. */
		if (addr < HV_PAGE_SIZE)
			break;
		/* A descriptor may claim to run past 2^64: clamp its end. */
		end = len > ~0ULL - d->pa ? ~0ULL : d->pa + len;
		lo = d->pa > block ? d->pa : block;
		hi = end < block + BLOCK ? end : block + BLOCK;
		out->pa = lo & ~(HV_PAGE_SIZE - 1);
		out->len = ((hi + HV_PAGE_SIZE - 1) & ~(HV_PAGE_SIZE - 1)) - out->pa;
		out->exec = d->type == EFI_MT_RT_CODE || d->type == EFI_MT_BS_CODE;
		out->uncached = d->type == EFI_MT_MMIO || d->type == EFI_MT_MMIO_PORT ||
				!(d->attr & EFI_MEMORY_WB);
		return NULL;
	}
	if (addr >= HV_PAGE_SIZE)
		return "no descriptor holds it";
	out->pa = 0;
	out->len = HV_PAGE_SIZE;
	out->exec = false;
	out->uncached = false;
	return NULL;
}

/* Which quirk of the README's table a healed fault was: the descriptor the
 * alias covers says which (page 0 first: on OVMF it is boot-services code). */
unsigned rt_heal_quirk(const struct rt_quirk *q)
{
	if (q->alias.desc < 0 || q->addr < HV_PAGE_SIZE)
		return HV_QUIRK_PAGE0_AT_RUNTIME;
	if (q->alias.type == EFI_MT_BS_CODE || q->alias.type == EFI_MT_BS_DATA)
		return HV_QUIRK_BOOT_SERVICES_MEMORY_AT_RUNTIME;
	return HV_QUIRK_PHYSICAL_POINTER_AT_RUNTIME;
}
