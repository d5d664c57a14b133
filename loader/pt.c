/* x86-64 4-level page tables (SDM Vol. 3A §4.5): build, walk, unmap.
 * Pure: pages come from the caller's allocator, tables are reached through
 * the caller's pa_to_ptr, so the same code runs in firmware, in the
 * hypervisor and in host tests. */
#include "pt.h"

const char PT_ENOMEM[] = "out of page-table pages";
const char PT_EALIGN[] = "misaligned, not canonical, or a large page partly covered";
const char PT_EEXIST[] = "already mapped";
const char PT_ENOENT[] = "not mapped";

#define PT_ENTRIES	512
#define LEVEL_SHIFT(l)	(39 - 9 * (l))		/* 0 = PML4 ... 3 = PT */
#define LEVEL_SIZE(l)	(1ULL << LEVEL_SHIFT(l))

static unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)((va >> LEVEL_SHIFT(level)) & (PT_ENTRIES - 1));
}

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
	/* PAT entry 3 (PCD|PWT, PAT=0) is UC in the power-on PAT value
	 * (SDM Vol. 3A Table 11-12); the loader leaves IA32_PAT as reset. */
	if (map_flags & PT_MAP_UC)
		bits |= PTE_PCD | PTE_PWT;
	if (map_flags & PT_MAP_G)
		bits |= PTE_G;
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
	*e = (pa & PTE_ADDR_MASK) | PT_TABLE_BITS;
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

/* Maps as much of [va, va+len) as lies inside the table at `level` that
 * covers va. Returns the bytes mapped through *done. The leaf bits and
 * whether this level may hold a leaf are worked out once per table, not
 * per entry: this loop is the loader's hottest (bench: loader_insns). */
static const char *pt_map_level(struct pt_builder *b, uint64_t *table, int level,
				   uint64_t va, uint64_t pa, uint64_t len,
				   unsigned flags, uint64_t *done)
{
	uint64_t size = LEVEL_SIZE(level);
	uint64_t leaf = pt_leaf_bits(b, flags, level < 3);
	bool leaf_ok = pt_level_allows_leaf(b, level, flags);
	uint64_t mapped = 0;
	const char *st = PT_OK;
	unsigned i = pt_index(va, level);

	if (level == 3) {
		/* 4 KiB leaves: a straight fill of consecutive entries. */
		uint64_t n = 0;

		for (; i < PT_ENTRIES && mapped < len; i++, n++, mapped += size) {
			if (table[i] & PTE_P) {
				b->stats.leaves_4k += n;
				return PT_EEXIST;	/* never silently remap */
			}
			table[i] = ((pa + mapped) & PTE_ADDR_MASK) | leaf;
		}
		b->stats.leaves_4k += n;
		*done = mapped;
		return PT_OK;
	}
	for (; i < PT_ENTRIES && mapped < len; i++) {
		uint64_t *e = &table[i];
		uint64_t cva = va + mapped, cpa = pa + mapped, left = len - mapped;

		if (leaf_ok && left >= size && !((cva | cpa) & (size - 1)) && !(*e & PTE_P)) {
			/* A run of large leaves: fill while aligned, whole and free. */
			uint64_t n = 0;

			do {
				table[i] = ((pa + mapped) & PTE_ADDR_MASK) | leaf;
				mapped += size;
				n++;
			} while (++i < PT_ENTRIES && len - mapped >= size && !(table[i] & PTE_P));
			i--;	/* the for loop steps past the last one filled */
			if (level == 1)
				b->stats.leaves_1g += n;
			else
				b->stats.leaves_2m += n;
			continue;
		}

		uint64_t *child = pt_descend(b, e, level + 1, &st);
		uint64_t sub = 0;

		if (!child)
			return st;
		/* The child covers from cva up to the end of this entry. */
		uint64_t entry_end = (cva | (size - 1)) + 1;	/* may wrap to 0 */
		uint64_t chunk = left;

		if (entry_end != 0 && entry_end - cva < chunk)
			chunk = entry_end - cva;
		st = pt_map_level(b, child, level + 1, cva, cpa, chunk, flags, &sub);
		if (st != PT_OK)
			return st;
		mapped += sub;
	}
	*done = mapped;
	return PT_OK;
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
		uint64_t e = t[i], va = va_base + ((uint64_t)i << LEVEL_SHIFT(level));
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
