/* The hypervisor's view of memory: the direct map, and safe access to the
 * live page tables (the ones in CR3). */
#ifndef HV_MM_H
#define HV_MM_H

#include <stdint.h>
#include <stdbool.h>
#include "layout.h"
#include "loader/pt.h"

/* Direct-map address of physical address pa (layout.h). Only RAM is
 * mapped there; use hv_pa_ptr_checked for anything firmware-described. */
static inline void *hv_pa_to_va(uint64_t pa)
{
	return (void *)(uintptr_t)(HV_DIRECT_MAP_BASE + pa);
}

/* A pt_builder over the live tables: root from CR3, tables reached through
 * the direct map, no allocator (walks and unmaps only). */
void mm_live_builder(struct pt_builder *b);

/* True if every byte of [va, va+len) is mapped present (and writable when
 * need_write), so it can be touched without a #PF. len 0 is false. */
bool mm_va_mapped(uint64_t va, uint64_t len, bool need_write);

/* The direct-map pointer for [pa, pa+len) if all of it is mapped, else
 * NULL. For firmware tables (ACPI, SMBIOS) that may lie outside RAM. */
const void *mm_pa_ptr_checked(uint64_t pa, uint64_t len);

struct hv_bootinfo;

/* Page-table pages left over in the loader's pool (pt_builder allocator:
 * returns a zeroed page and its pa, NULL when the pool is empty). */
void mm_pool_init(const struct hv_bootinfo *bi);
void *mm_pool_alloc(void *ctx, uint64_t *pa);
uint64_t mm_pool_used(void);

/* pt_builder.pa_to_ptr through the direct map. */
void *mm_direct_ptr(void *ctx, uint64_t pa);

#endif
