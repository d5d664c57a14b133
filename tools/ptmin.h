/* The fewest x86-64 4-level page-table pages (SDM Vol. 3A §4.5) any
 * builder needs for a set of mappings, by arithmetic alone: mapplan's
 * yardstick for what hvmap_build allocates. Pure.
 *
 * Each range is mapped as it stands — one set of entry bits — so a large
 * page may only cover bytes of a single range; ranges that differ only in
 * what the entry bits cannot see (the EFI type of RAM of one cacheability)
 * are joined first with ptmin_merge.
 * Under that rule the greedy cover is optimal: a 1 GiB (2 MiB) leaf fits
 * exactly where a range covers a whole aligned 1 GiB (2 MiB) block with
 * va ≡ pa modulo the block size, and every other touched block needs a
 * table one level down. A table is counted once however many ranges share
 * it. */
#ifndef HVBOOT_PTMIN_H
#define HVBOOT_PTMIN_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct ptmin_range {
	uint64_t va, pa, len;	/* 4 KiB aligned, len > 0 */
	bool only_4k;		/* must be mapped with 4 KiB pages */
	uint32_t attr;		/* opaque: ptmin_merge joins equal values only */
};

struct ptmin_result {
	uint64_t tables[4];	/* 0 = PML4, 1 = PDPT, 2 = PD, 3 = PT */
	uint64_t total;		/* sum of tables[] */
	uint64_t bytes_1g, bytes_2m, bytes_4k;	/* how the cover maps the bytes */
};

/* Counts the tables for r[0..n-1], which it sorts by va in place. NULL on
 * success, else a reason and *bad = the index (after sorting) of the range
 * it is about. n == 0 gives the lone PML4. */
const char *ptmin_count(struct ptmin_range *r, size_t n, bool allow_1g,
			struct ptmin_result *out, size_t *bad);

/* Joins neighbours that are contiguous in both va and pa and share
 * only_4k and attr, in place (r sorted by va, as ptmin_count leaves it);
 * returns the new count. Fed one range per RAM descriptor with attr = its
 * cacheability, it gives the floor the loader's direct map is held to: a
 * large page may span an EFI type boundary where the entry bits are the
 * same, never a hole or another cacheability. */
size_t ptmin_merge(struct ptmin_range *r, size_t n);

#endif
