/* Least page-table pages for a set of mappings (see ptmin.h). Its own
 * arithmetic: shares nothing with loader/pt.c, so each checks the other.
 *
 * Levels as in the SDM: a PDPT covers 512 GiB (one PML4 entry), a PD
 * 1 GiB, a PT 2 MiB. With the ranges sorted by va and disjoint, the blocks
 * a sweep needs at each level come in non-decreasing order, so counting
 * distinct tables only needs the last block seen at each level. */
#include "ptmin.h"

#define PA_MAX		0x000FFFFFFFFFFFFFULL	/* 52-bit physical addresses */

/* Bits of va a table at `level` spans (1 = PDPT .. 3 = PT), and the size
 * of one of its entries. */
static unsigned table_shift(int level)
{
	return 39 - 9 * (unsigned)(level - 1);
}

struct sweep {
	bool allow_1g;
	bool seen[4];
	uint64_t last[4];	/* block index of the last table counted */
	struct ptmin_result *res;
};

static void need_table(struct sweep *s, int level, uint64_t block)
{
	if (s->seen[level] && s->last[level] == block)
		return;
	s->seen[level] = true;
	s->last[level] = block;
	s->res->tables[level]++;
}

static void add_leaves(struct sweep *s, int level, uint64_t bytes)
{
	if (level == 1)
		s->res->bytes_1g += bytes;
	else if (level == 2)
		s->res->bytes_2m += bytes;
	else
		s->res->bytes_4k += bytes;
}

/* Covers [first, last] (inclusive, so the top of the address space needs
 * no special case) with entries of tables at `level`; delta = pa - va. */
static void cover(struct sweep *s, int level, uint64_t first, uint64_t last, uint64_t delta,
		  bool only_4k)
{
	unsigned ts = table_shift(level);
	uint64_t esz = 1ULL << (ts - 9);
	bool leaf_ok = level == 3 ||
		       (!only_4k && (level == 2 || s->allow_1g) && (delta & (esz - 1)) == 0);

	for (uint64_t block = first >> ts;; block++) {
		uint64_t base = block << ts;
		/* Offsets inside this table: below 2^39, so no overflow. */
		uint64_t o0 = (first > base ? first : base) - base;
		uint64_t o1 = ((last >> ts) == block ? last : base + ((1ULL << ts) - 1)) - base;

		need_table(s, level, block);
		if (leaf_ok) {
			uint64_t full0 = (o0 + esz - 1) & ~(esz - 1);	/* first whole entry */
			uint64_t full1 = (o1 + 1) & ~(esz - 1);		/* end of the last one */
			uint64_t head_end = full0 < o1 + 1 ? full0 : o1 + 1;

			if (full0 < full1)
				add_leaves(s, level, full1 - full0);
			else
				full1 = head_end;
			if (o0 < head_end)
				cover(s, level + 1, base + o0, base + head_end - 1, delta, only_4k);
			if (full1 < o1 + 1)
				cover(s, level + 1, base + full1, base + o1, delta, only_4k);
		} else {
			cover(s, level + 1, base + o0, base + o1, delta, only_4k);
		}
		if (block == last >> ts)
			break;
	}
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1FFFF;
}

static const char *check_range(const struct ptmin_range *r)
{
	uint64_t last;

	if ((r->va | r->pa | r->len) & 0xFFF)
		return "range not 4 KiB aligned";
	if (r->len == 0)
		return "empty range";
	last = r->va + (r->len - 1);
	if (last < r->va || r->pa + (r->len - 1) < r->pa)
		return "range wraps past the top of the address space";
	if (!canonical(r->va) || !canonical(last) || ((r->va ^ last) >> 47))
		return "range not canonical";
	if (r->pa + (r->len - 1) > PA_MAX)
		return "physical address above 52 bits";
	return NULL;
}

/* Insertion sort: a few hundred ranges, mostly in order already. */
static void sort_by_va(struct ptmin_range *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct ptmin_range t = r[i];
		size_t j = i;

		for (; j > 0 && r[j - 1].va > t.va; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

const char *ptmin_count(struct ptmin_range *r, size_t n, bool allow_1g,
			struct ptmin_result *out, size_t *bad)
{
	struct sweep s = { .allow_1g = allow_1g, .res = out };
	const char *why;

	*out = (struct ptmin_result){ .tables = { 1 } };	/* the PML4 */
	*bad = 0;
	sort_by_va(r, n);
	for (size_t i = 0; i < n; i++) {
		*bad = i;
		why = check_range(&r[i]);
		if (why)
			return why;
		if (i > 0 && r[i].va - r[i - 1].va < r[i - 1].len)
			return "range overlaps the one before it";
	}
	for (size_t i = 0; i < n; i++)
		cover(&s, 1, r[i].va, r[i].va + (r[i].len - 1), r[i].pa - r[i].va, r[i].only_4k);
	out->total = out->tables[0] + out->tables[1] + out->tables[2] + out->tables[3];
	*bad = 0;
	return NULL;
}

size_t ptmin_merge(struct ptmin_range *r, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct ptmin_range *p = k ? &r[k - 1] : NULL;

		if (p && p->va + p->len == r[i].va && p->pa + p->len == r[i].pa &&
		    p->only_4k == r[i].only_4k && p->attr == r[i].attr)
			p->len += r[i].len;
		else
			r[k++] = r[i];
	}
	return k;
}
