/* Runtime-services window planning (UEFI 2.10 §8.4, SetVirtualAddressMap):
 * give every runtime region a VirtualStart inside one 512 GiB PML4 slot.
 * Pure. */
#ifndef HVBOOT_RTWIN_H
#define HVBOOT_RTWIN_H

#include <stdint.h>
#include <stdbool.h>
#include "efi_mem.h"
#include "bootinfo.h"

#define RTWIN_MAX	256

struct rt_region {
	uint32_t type;
	uint32_t desc_index;	/* index in the firmware's map (its stride) */
	uint64_t pa;
	uint64_t npages;
	uint64_t attr;
	uint64_t va;
};


struct rtwin_plan {
	uint64_t base;
	enum hv_rt_layout layout;	/* the one used */
	bool fell_back;			/* offset asked, compact used */
	uint32_t missing_bit;		/* RT code/data without EFI_MEMORY_RUNTIME */
	uint32_t count;
	struct rt_region r[RTWIN_MAX];	/* sorted by pa */
};

/* Plans the window for every runtime descriptor of m (any order, any
 * stride, 0-page entries ignored). NULL on success, else a reason. */
const char *rtwin_plan(const struct efi_mmap *m, uint64_t base, enum hv_rt_layout layout,
		       struct rtwin_plan *out);

/* The window [base, base + 512 GiB) against the direct map, which fills
 * whole PML4 slots from HV_DIRECT_MAP_BASE up to the slot holding the end
 * of RAM (ram_top: the end of the highest RAM descriptor). NULL if apart,
 * else the reason (the caller adds ram_top). */
const char *rtwin_check_window(uint64_t base, uint64_t ram_top);

/* The region holding pa / va, or NULL. */
const struct rt_region *rtwin_find_pa(const struct rtwin_plan *p, uint64_t pa);
const struct rt_region *rtwin_find_va(const struct rtwin_plan *p, uint64_t va);
/* The RuntimeServicesCode region holding va, or NULL. */
const struct rt_region *rtwin_find_code_va(const struct rtwin_plan *p, uint64_t va);

#endif
