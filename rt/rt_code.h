/* Where a runtime service pointer may point: the runtime code of the
 * runtime address space, as a short sorted table of VA ranges the call
 * gate compares against before every call (rt.c). A pointer anywhere
 * else (non-canonical, runtime data, outside every region) is refused
 * without being called: on hardware a non-canonical target faults at the
 * calling instruction, in the hypervisor's own code, not in firmware.
 * Pure. */
#ifndef HVBOOT_RT_CODE_H
#define HVBOOT_RT_CODE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "efi_mem.h"

struct rt_code_range {
	uint64_t va, end;		/* [va, end) */
};

/* Enough for OVMF's runtime drivers with the MAT splitting each image. */
#define RT_CODE_RANGES_MAX	64

/* Fills out (up to cap) with the executable runtime code of map, sorted
 * and merged: every EfiRuntimeServicesCode descriptor with a VirtualStart,
 * narrowed, when the Memory Attributes Table (mat, UEFI 2.10 §4.6.4) has
 * entries, to its EfiRuntimeServicesCode entries without EFI_MEMORY_XP
 * that lie inside such a descriptor. If the MAT's pieces do not fit in
 * cap, the descriptors are used whole. Returns the number of ranges; 0
 * means no runtime code (every pointer is refused). */
size_t rt_code_ranges(const struct efi_mdesc *map, size_t count, const struct efi_mdesc *mat,
		      size_t mat_count, struct rt_code_range *out, size_t cap);

/* True if va lies in one of the n ranges of r (sorted, disjoint): a
 * binary search, a handful of compares on every call. */
static inline bool rt_code_contains(const struct rt_code_range *r, size_t n, uint64_t va)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (va < r[mid].va)
			hi = mid;
		else if (va >= r[mid].end)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

#endif
