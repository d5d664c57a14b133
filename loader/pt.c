/* x86-64 4-level page tables (SDM Vol. 3A §4.5): build, walk, unmap.
 * Pure: pages come from the caller's allocator, tables are reached through
 * the caller's pa_to_ptr, so the same code runs in firmware, in the
 * hypervisor and in host tests. */
#include "pt.h"

const char PT_ENOMEM[] = "out of page-table pages";
const char PT_EALIGN[] = "misaligned, not canonical, or a large page partly covered";
const char PT_EEXIST[] = "already mapped";
const char PT_ENOENT[] = "not mapped";

#define LEVEL_SIZE(l)	(1ULL << PT_LEVEL_SHIFT(l))

static uint64_t *pt_table(const struct pt_builder *b, uint64_t pa)
{
	return (uint64_t *)b->pa_to_ptr(b->ctx, pa & PTE_ADDR_MASK);
}

uint64_t pt_leaf_bits(const struct pt_builder *b, unsigned map_flags, bool large)
{
	uint64_t bits = PTE_P;

	if (map_flags & PT_MAP_W)
		bits |= PTE_W;
	if (!(map_flags & PT_MAP_X) && b->allow_nx)
		bits |= PTE_NX;
	/* The PAT index is PAT:PCD:PWT (SDM Vol. 3A §12.12.3). Entry 3
	 * (PCD|PWT) is UC both at power-on and in the PAT the loader sets at
	 * the switch (loader/cpustate.c), which also makes entry 1 (PWT) WC.
	 * UC wins if both are asked for. */
	if (map_flags & PT_MAP_UC)
		bits |= PTE_PCD | PTE_PWT;
	else if (map_flags & PT_MAP_WC)
		bits |= PTE_PWT;
	if (map_flags & PT_MAP_G)
		bits |= PTE_G;
	if (b->user)
		bits |= PTE_U;
	if (large)
		bits |= PTE_PS;
	return bits;
}

/* Intermediate entries grant everything; the leaf decides (SDM Vol. 3A
 * §4.6: access rights are the intersection of all levels). */
#define PT_TABLE_BITS	(PTE_P | PTE_W)

const char *pt_init(struct pt_builder *b)
{
	uint64_t pa;

	b->stats = (struct pt_stats){0};
	if (!b->alloc_page(b->ctx, &pa))
		return PT_ENOMEM;
	b->root_pa = pa;
	b->stats.tables[0] = 1;
	return PT_OK;
}

/* Returns the next-level table under entry *e, allocating it if absent.
 * NULL with *st set if the slot holds a leaf or memory runs out. */
static uint64_t *pt_descend(struct pt_builder *b, uint64_t *e, int child_level,
			    const char **st)
{
	uint64_t pa;

	if (*e & PTE_P) {
		if (child_level > 0 && (*e & PTE_PS)) {
			*st = PT_EEXIST;
			return NULL;
		}
		return pt_table(b, *e);
	}
	if (!b->alloc_page(b->ctx, &pa)) {
		*st = PT_ENOMEM;
		return NULL;
	}
	b->stats.tables[child_level]++;
	*e = (pa & PTE_ADDR_MASK) | PT_TABLE_BITS | (b->user ? PTE_U : 0);
	return pt_table(b, pa);
}

static bool pt_level_allows_leaf(const struct pt_builder *b, int level, unsigned flags)
{
	if (level == 3)
		return true;
	if (flags & PT_MAP_4K)
		return false;
	return level == 2 || (level == 1 && b->allow_1g);
}

static void pt_count_leaves(struct pt_builder *b, int level, uint64_t n)
{
	if (level == 1)
		b->stats.leaves_1g += n;
	else if (level == 2)
		b->stats.leaves_2m += n;
	else
		b->stats.leaves_4k += n;
}

/* Writes leaves for pa, pa + size, … into e[0], e[1], … up to max of them,
 * stopping at the first entry already present; returns how many. */
static uint64_t pt_fill_leaves(uint64_t *e, uint64_t max, uint64_t pa, uint64_t size,
			       uint64_t bits)
{
	uint64_t n = 0;

	for (; n < max && !(e[n] & PTE_P); n++, pa += size)
		e[n] = (pa & PTE_ADDR_MASK) | bits;
	return n;
}

/* Maps as much of [va, va+len) as the table at `level` covers, from va's
 * entry to the table's end; *done = the bytes mapped. Where this level may
 * hold a leaf and the range is whole and aligned, a run of leaves; where an
 * entry is taken, or the range is not whole there, a child table filled
 * recursively with the part of the range the entry covers. A 4 KiB entry
 * already present is PT_EEXIST: never silently remap. Leaf bits and
 * whether this level may hold a leaf are worked out once per table: this
 * is the loader's hottest loop (README: Figures). */
static const char *pt_map_level(struct pt_builder *b, uint64_t *table, int level,
				uint64_t va, uint64_t pa, uint64_t len, unsigned flags,
				uint64_t *done)
{
	const uint64_t size = LEVEL_SIZE(level);
	const uint64_t leaf = pt_leaf_bits(b, flags, level < 3);
	const bool leaf_ok = pt_level_allows_leaf(b, level, flags);
	const char *st = PT_OK;
	uint64_t mapped = 0, leaves = 0, i = pt_index(va, level);

	while (i < PT_ENTRIES && mapped < len) {
		uint64_t cva = va + mapped, cpa = pa + mapped, left = len - mapped;
		uint64_t *child, entry_end, sub = 0;

		if (leaf_ok && left >= size && !((cva | cpa) & (size - 1))) {
			uint64_t max = left / size < PT_ENTRIES - i ? left / size : PT_ENTRIES - i;
			uint64_t n = pt_fill_leaves(&table[i], max, cpa, size, leaf);

			i += n;
			mapped += n * size;
			leaves += n;
			if (n)
				continue;
		}
		/* table[i] is taken, or the range is not whole or aligned here. */
		if (level == 3) {
			st = PT_EEXIST;
			break;
		}
		child = pt_descend(b, &table[i], level + 1, &st);
		if (!child)
			break;
		entry_end = (cva | (size - 1)) + 1;	/* may wrap to 0 */
		st = pt_map_level(b, child, level + 1, cva, cpa,
				  entry_end != 0 && entry_end - cva < left ? entry_end - cva : left,
				  flags, &sub);
		mapped += sub;
		if (st != PT_OK)
			break;
		i++;
	}
	pt_count_leaves(b, level, leaves);
	*done = mapped;
	return st;
}

const char *pt_map_range(struct pt_builder *b, uint64_t va, uint64_t pa,
			    uint64_t len, unsigned map_flags)
{
	uint64_t done = 0;

	if ((va | pa | len) & 0xFFF)
		return PT_EALIGN;
	if (len == 0)
		return PT_OK;
	if (va + len - 1 < va || pa + len - 1 < pa)
		return PT_EALIGN;
	if (!pt_canonical(va) || !pt_canonical(va + len - 1) ||
	    ((va ^ (va + len - 1)) >> 47))	/* must not straddle the hole */
		return PT_EALIGN;
	if ((pa + len - 1) > (PTE_ADDR_MASK | 0xFFF))
		return PT_EALIGN;

	while (done < len) {
		uint64_t sub = 0;
		const char *st = pt_map_level(b, pt_table(b, b->root_pa), 0,
						 va + done, pa + done, len - done,
						 map_flags, &sub);
		if (st != PT_OK)
			return st;
		if (sub == 0)
			return PT_EALIGN;	/* cannot happen for canonical ranges */
		done += sub;
	}
	return PT_OK;
}

const char *pt_walk(const struct pt_builder *b, uint64_t va, struct pt_walk *out)
{
	const uint64_t *table = pt_table(b, b->root_pa);
	bool w = true, x = true, u = true;

	*out = (struct pt_walk){0};
	if (!pt_canonical(va))
		return PT_EALIGN;
	for (int level = 0; level < 4; level++) {
		uint64_t e = table[pt_index(va, level)];

		out->entry[level] = e;
		out->levels = level + 1;
		if (!(e & PTE_P))
			return PT_ENOENT;
		w = w && (e & PTE_W);
		x = x && !(e & PTE_NX);
		u = u && (e & PTE_U);
		bool leaf = level == 3 || (level > 0 && (e & PTE_PS));

		if (leaf) {
			uint64_t size = LEVEL_SIZE(level);
			uint64_t base = e & PTE_ADDR_MASK & ~(size - 1);
			uint64_t pat = level == 3 ? (e & PTE_PAT_4K) : (e & PTE_PAT_LARGE);

			out->present = true;
			out->page_size = size;
			out->pa = base + (va & (size - 1));
			out->writable = w;
			out->executable = x;
			out->user = u;
			out->pat_index = (pat ? 4 : 0) | ((e & PTE_PCD) ? 2 : 0) |
					 ((e & PTE_PWT) ? 1 : 0);
			return PT_OK;
		}
		table = pt_table(b, e);
	}
	return PT_ENOENT;
}

const char *pt_unmap_range(struct pt_builder *b, uint64_t va, uint64_t len)
{
	if ((va | len) & 0xFFF)
		return PT_EALIGN;
	for (uint64_t off = 0; off < len;) {
		uint64_t cva = va + off;
		uint64_t *table = pt_table(b, b->root_pa);
		int level;

		if (!pt_canonical(cva))
			return PT_EALIGN;
		for (level = 0; level < 4; level++) {
			uint64_t *e = &table[pt_index(cva, level)];
			uint64_t size = LEVEL_SIZE(level);

			if (!(*e & PTE_P))
				return PT_ENOENT;
			if (level == 3 || (level > 0 && (*e & PTE_PS))) {
				if ((cva & (size - 1)) || len - off < size)
					return PT_EALIGN;
				*e = 0;
				off += size;
				break;
			}
			table = pt_table(b, *e);
		}
	}
	return PT_OK;
}

static void pt_visit(const struct pt_builder *b, uint64_t table_pa, int level, uint64_t va_base,
		     bool w, bool x, pt_leaf_fn fn, void *ctx)
{
	const uint64_t *t = pt_table(b, table_pa);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i], va = va_base + ((uint64_t)i << PT_LEVEL_SHIFT(level));
		bool lw, lx;

		if (!(e & PTE_P))
			continue;
		if (level == 0 && i >= 256)
			va |= 0xFFFF000000000000ULL;	/* sign-extend: canonical */
		lw = w && (e & PTE_W);
		lx = x && !(e & PTE_NX);
		if (level == 3 || (level > 0 && (e & PTE_PS))) {
			uint64_t size = LEVEL_SIZE(level);
			uint64_t pat = level == 3 ? (e & PTE_PAT_4K) : (e & PTE_PAT_LARGE);
			struct pt_leaf l = {
				.va = va, .pa = e & PTE_ADDR_MASK & ~(size - 1), .size = size,
				.entry = e, .writable = lw, .executable = lx,
				.pat_index = (pat ? 4 : 0) | ((e & PTE_PCD) ? 2 : 0) |
					     ((e & PTE_PWT) ? 1 : 0),
			};
			fn(ctx, &l);
			continue;
		}
		pt_visit(b, e & PTE_ADDR_MASK, level + 1, va, lw, lx, fn, ctx);
	}
}

void pt_for_each_leaf(const struct pt_builder *b, pt_leaf_fn fn, void *ctx)
{
	pt_visit(b, b->root_pa, 0, 0, true, true, fn, ctx);
}
