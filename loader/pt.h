/* x86-64 4-level page tables: build, walk, unmap. Pure: the caller supplies
 * zeroed pages and a way to reach them (SDM Vol. 3A §4.5). */
#ifndef HVBOOT_PT_H
#define HVBOOT_PT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Entry bits, SDM Vol. 3A Tables 4-14..4-20. */
#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_U		(1ULL << 2)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)	/* in PDPTE/PDE: 1 GiB / 2 MiB leaf */
#define PTE_PAT_4K	(1ULL << 7)	/* in a PTE */
#define PTE_G		(1ULL << 8)
#define PTE_PAT_LARGE	(1ULL << 12)	/* in a 1 GiB / 2 MiB leaf */
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR_MASK	0x000FFFFFFFFFF000ULL

/* Tables of 512 entries; level 0 = PML4, 1 = PDPT, 2 = PD, 3 = PT: the
 * index of va in the table at a level (SDM Vol. 3A §4.5). */
#define PT_ENTRIES		512
#define PT_LEVEL_SHIFT(level)	(39 - 9 * (level))

static inline unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)((va >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1));
}

/* What a mapping asks for; the builder turns it into entry bits. */
#define PT_MAP_W	(1U << 0)	/* writable */
#define PT_MAP_X	(1U << 1)	/* executable (otherwise NX) */
#define PT_MAP_UC	(1U << 2)	/* uncached: PCD|PWT = PAT entry 3 (UC) */
#define PT_MAP_4K	(1U << 3)	/* 4 KiB pages only */
#define PT_MAP_G	(1U << 4)	/* global */
#define PT_MAP_WC	(1U << 5)	/* write-combining: PWT = PAT entry 1 (WC in
					 * the PAT set at the switch, loader/cpustate.c) */

/* Every function here follows the loader's error convention (efi_boot.h):
 * NULL on success, else a reason. Callers that must tell reasons apart
 * compare with these. */
#define PT_OK		NULL
extern const char PT_ENOMEM[];	/* alloc_page returned NULL */
extern const char PT_EALIGN[];	/* va, pa or len not 4 KiB aligned, va not canonical,
				 * or a large page only partly covered */
extern const char PT_EEXIST[];	/* part of the range is already mapped */
extern const char PT_ENOENT[];	/* nothing mapped there (walk, unmap) */

/* Level indices: 0 = PML4, 1 = PDPT, 2 = PD, 3 = PT. */
struct pt_stats {
	uint64_t tables[4];	/* table pages allocated at each level */
	uint64_t leaves_1g, leaves_2m, leaves_4k;
};

struct pt_builder {
	uint64_t root_pa;
	void *(*alloc_page)(void *ctx, uint64_t *pa);	/* zeroed 4 KiB page */
	void *(*pa_to_ptr)(void *ctx, uint64_t pa);
	void *ctx;
	bool allow_1g;		/* CPUID.80000001h:EDX.Page1GB */
	bool allow_nx;		/* EFER.NXE will be set */
	bool user;		/* U=1 in every entry, tables and leaves: nested
				 * page tables, whose walks are user accesses
				 * (AMD APM Vol. 2 §15.25.5) */
	struct pt_stats stats;
};

/* Allocates the PML4. */
const char *pt_init(struct pt_builder *b);

/* Maps [va, va+len) to [pa, pa+len) with the largest pages that alignment,
 * length and existing tables allow. Never replaces a present mapping. */
const char *pt_map_range(struct pt_builder *b, uint64_t va, uint64_t pa,
			    uint64_t len, unsigned map_flags);

struct pt_walk {
	int levels;		/* entries read (1..4) */
	uint64_t entry[4];	/* raw entry at each level read */
	bool present;
	uint64_t pa;		/* translated physical address of va */
	uint64_t page_size;	/* 4 KiB, 2 MiB or 1 GiB when present */
	bool writable, executable, user;
	unsigned pat_index;	/* 0..7 from PAT/PCD/PWT of the leaf */
};

/* Software walk of va (needs only pa_to_ptr and root_pa). */
const char *pt_walk(const struct pt_builder *b, uint64_t va, struct pt_walk *out);

/* Clears the leaf entries covering [va, va+len); a large leaf that is only
 * partly covered is an error (PT_EALIGN). Frees nothing. */
const char *pt_unmap_range(struct pt_builder *b, uint64_t va, uint64_t len);

/* Every present leaf, in address order, with the effective rights of
 * all levels above it (audits, mapplan). */
struct pt_leaf {
	uint64_t va, pa, size;
	uint64_t entry;
	bool writable, executable;
	unsigned pat_index;
};
typedef void (*pt_leaf_fn)(void *ctx, const struct pt_leaf *leaf);
void pt_for_each_leaf(const struct pt_builder *b, pt_leaf_fn fn, void *ctx);

/* Turns map_flags into leaf bits for a given page size (for tests/audits). */
uint64_t pt_leaf_bits(const struct pt_builder *b, unsigned map_flags, bool large);

static inline bool pt_canonical(uint64_t va)
{
	uint64_t top = va >> 47;
	return top == 0 || top == 0x1FFFF;
}

#endif
