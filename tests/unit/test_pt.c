/* loader/pt.c: tables are built into a static arena whose pages have fake
 * physical addresses (ARENA_PA + offset); after every build each mapping is
 * walked with pt_walk and the raw entries are compared bit for bit. An
 * independent table visitor below checks that nothing else got mapped. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "loader/pt.h"
#include "page_arena.h"

#define K4		0x1000ULL
#define M2		0x200000ULL
#define G1		0x40000000ULL
#define HH		HV_HIGHER_HALF

/* ---------------------------------------------------------------- arena */

#define ARENA_PAGES	1100
#define ARENA_PA	PAGE_ARENA_PA

static uint8_t arena_mem[ARENA_PAGES][4096] __attribute__((aligned(4096)));
static struct page_arena arena = { arena_mem, ARENA_PA, 0, ARENA_PAGES };

static struct pt_builder B;

static void setup_builder(bool allow_1g, bool allow_nx, uint64_t cap)
{
	arena.used = 0;
	arena.cap = cap;
	B = (struct pt_builder){
		.alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr, .ctx = &arena,
		.allow_1g = allow_1g, .allow_nx = allow_nx,
	};
	assert_int_equal(pt_init(&B), PT_OK);
}

static uint64_t *table_at(uint64_t pa)
{
	return page_arena_ptr(&arena, pa & PTE_ADDR_MASK);
}

/* ---------------------------------------------------------------- visitor */

/* Every present leaf, found by reading the tables directly (not pt_walk). */
struct leaf {
	uint64_t va, pa, size, entry;
};

static struct leaf *leaves;
static size_t nleaves, leaves_cap;
static uint64_t tables_seen[4];

static void visit(uint64_t table_pa, int level, uint64_t va_base)
{
	const uint64_t *t = table_at(table_pa);

	tables_seen[level]++;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];
		unsigned shift = 39 - 9 * level;
		uint64_t va = va_base + ((uint64_t)i << shift);

		if (!(e & PTE_P))
			continue;
		if (level == 0 && i >= 256)
			va |= 0xFFFF000000000000ULL;
		if (level == 3 || (level > 0 && (e & PTE_PS))) {
			uint64_t size = 1ULL << shift;

			if (nleaves == leaves_cap) {
				leaves_cap = leaves_cap ? 2 * leaves_cap : 1024;
				leaves = realloc(leaves, leaves_cap * sizeof(*leaves));
				assert_non_null(leaves);
			}
			leaves[nleaves++] = (struct leaf){
				va, e & PTE_ADDR_MASK & ~(size - 1), size, e
			};
			continue;
		}
		/* Intermediate entries: present, writable, nothing else. */
		assert_int_equal(e & ~PTE_ADDR_MASK, PTE_P | PTE_W);
		visit(e & PTE_ADDR_MASK, level + 1, va);
	}
}

static void collect(void)
{
	nleaves = 0;
	memset(tables_seen, 0, sizeof(tables_seen));
	visit(B.root_pa, 0, 0);
	/* What the builder says it allocated is what is reachable. */
	for (int l = 0; l < 4; l++)
		assert_int_equal(B.stats.tables[l], tables_seen[l]);
	assert_int_equal(arena.used, tables_seen[0] + tables_seen[1] + tables_seen[2] +
			 tables_seen[3]);
}

static size_t count_size(uint64_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < nleaves; i++)
		n += leaves[i].size == size;
	return n;
}

/* ---------------------------------------------------------------- checks */

/* The leaf bits the builder must write, spelled out from SDM Vol. 3A
 * Tables 4-15..4-20 (independent of pt_leaf_bits). */
static uint64_t want_bits(unsigned flags, uint64_t size)
{
	uint64_t e = PTE_P;

	if (flags & PT_MAP_W)
		e |= 1ULL << 1;
	if (flags & PT_MAP_UC)
		e |= (1ULL << 3) | (1ULL << 4);
	else if (flags & PT_MAP_WC)
		e |= 1ULL << 3;
	if (size > K4)
		e |= 1ULL << 7;
	if (flags & PT_MAP_G)
		e |= 1ULL << 8;
	if (!(flags & PT_MAP_X) && B.allow_nx)
		e |= 1ULL << 63;
	return e;
}

/* Walks [va, va+len) leaf by leaf: translation, size, raw entry, rights. */
static void expect_range(uint64_t va, uint64_t pa, uint64_t len, uint64_t size, unsigned flags)
{
	for (uint64_t off = 0; off < len; off += size) {
		uint64_t probes[3] = { 0, size / 2 + 0x123, size - 1 };

		for (int k = 0; k < 3; k++) {
			struct pt_walk w;

			assert_int_equal(pt_walk(&B, va + off + probes[k], &w), PT_OK);
			assert_true(w.present);
			assert_int_equal(w.pa, pa + off + probes[k]);
			assert_int_equal(w.page_size, size);
			assert_int_equal(w.levels, size == K4 ? 4 : size == M2 ? 3 : 2);
			assert_int_equal(w.entry[w.levels - 1], (pa + off) | want_bits(flags, size));
			assert_int_equal(w.writable, !!(flags & PT_MAP_W));
			assert_int_equal(w.executable, (flags & PT_MAP_X) || !B.allow_nx);
			assert_false(w.user);
			assert_int_equal(w.pat_index,
					 (flags & PT_MAP_UC) ? 3 : (flags & PT_MAP_WC) ? 1 : 0);
		}
	}
}

static void expect_unmapped(uint64_t va)
{
	struct pt_walk w;

	assert_int_equal(pt_walk(&B, va, &w), PT_ENOENT);
	assert_false(w.present);
}

/* ---------------------------------------------------------------- init, bits */

static void test_pt_init_allocates_one_zeroed_pml4(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(B.root_pa, ARENA_PA);
	assert_int_equal(arena.used, 1);
	assert_int_equal(B.stats.tables[0], 1);
	assert_int_equal(B.stats.tables[1] + B.stats.tables[2] + B.stats.tables[3], 0);
	assert_int_equal(B.stats.leaves_1g + B.stats.leaves_2m + B.stats.leaves_4k, 0);
	for (int i = 0; i < 512; i++)
		assert_int_equal(table_at(B.root_pa)[i], 0);
}

static void test_pt_init_reports_enomem_without_a_page(void **state)
{
	(void)state;
	arena.used = arena.cap = 0;
	B = (struct pt_builder){
		.alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr, .ctx = &arena,
	};
	assert_int_equal(pt_init(&B), PT_ENOMEM);
}

static void test_pt_leaf_bits_are_the_sdm_bits(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_leaf_bits(&B, 0, false), 0x8000000000000001ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_W, false), 0x8000000000000003ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_X, false), 0x0000000000000001ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_W | PT_MAP_X, false), 0x3ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_UC, false), 0x8000000000000019ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_G | PT_MAP_X, false), 0x101ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_W | PT_MAP_X, true), 0x83ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_4K | PT_MAP_X, false), 0x1ULL);
	B.allow_nx = false;
	assert_int_equal(pt_leaf_bits(&B, 0, false), 0x1ULL);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_W | PT_MAP_UC, true), 0x9BULL);
}

/* ---------------------------------------------------------------- page sizes */

static void test_pt_uses_4k_pages_for_a_small_range(void **state)
{
	uint64_t va = HH + 0x123000, pa = 0x45000;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, 3 * K4, PT_MAP_W), PT_OK);
	expect_range(va, pa, 3 * K4, K4, PT_MAP_W);
	expect_unmapped(va - K4);
	expect_unmapped(va + 3 * K4);
	assert_int_equal(B.stats.tables[1], 1);
	assert_int_equal(B.stats.tables[2], 1);
	assert_int_equal(B.stats.tables[3], 1);
	assert_int_equal(B.stats.leaves_4k, 3);
	assert_int_equal(B.stats.leaves_2m + B.stats.leaves_1g, 0);
	collect();
	assert_int_equal(nleaves, 3);
	/* The raw PTE of the first page, byte for byte. */
	assert_int_equal(leaves[0].entry, 0x8000000000045003ULL);
}

static void test_pt_uses_2m_pages_when_aligned(void **state)
{
	uint64_t va = HH + 0x40000000 + 0x600000, pa = 0x12400000;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, 2 * M2, PT_MAP_W), PT_OK);
	expect_range(va, pa, 2 * M2, M2, PT_MAP_W);
	assert_int_equal(B.stats.leaves_2m, 2);
	assert_int_equal(B.stats.leaves_4k, 0);
	assert_int_equal(B.stats.tables[3], 0);		/* no PT at all */
	collect();
	assert_int_equal(nleaves, 2);
	assert_int_equal(leaves[0].entry, 0x8000000012400083ULL);
}

static void test_pt_splits_unaligned_range_into_4k_head_2m_body_4k_tail(void **state)
{
	/* 2 pages up to a 2 MiB line, 2 large pages, 3 pages after. */
	uint64_t va = HH + 3 * M2 - 2 * K4, pa = 0x800000 - 2 * K4;
	uint64_t len = 2 * K4 + 2 * M2 + 3 * K4;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, len, PT_MAP_W | PT_MAP_X), PT_OK);
	expect_range(va, pa, 2 * K4, K4, PT_MAP_W | PT_MAP_X);
	expect_range(va + 2 * K4, pa + 2 * K4, 2 * M2, M2, PT_MAP_W | PT_MAP_X);
	expect_range(va + 2 * K4 + 2 * M2, pa + 2 * K4 + 2 * M2, 3 * K4, K4, PT_MAP_W | PT_MAP_X);
	expect_unmapped(va - K4);
	expect_unmapped(va + len);
	assert_int_equal(B.stats.leaves_4k, 5);
	assert_int_equal(B.stats.leaves_2m, 2);
	assert_int_equal(B.stats.tables[3], 2);		/* one PT for the head, one for the tail */
	collect();
	assert_int_equal(nleaves, 7);
}

/* Nested page tables (AMD APM Vol. 2 §15.25.5): walks are user accesses,
 * so with .user every level, tables and leaves, carries U. */
static void test_pt_user_builder_sets_u_at_every_level(void **state)
{
	uint64_t *pml4, *pdpt, *pd, *pt;

	(void)state;
	setup_builder(false, false, ARENA_PAGES);
	B.user = true;
	assert_int_equal(pt_map_range(&B, 0, 0x200000, M2 + 0x1000, PT_MAP_W | PT_MAP_X), PT_OK);
	pml4 = table_at(B.root_pa);
	pdpt = table_at(pml4[0]);
	pd = table_at(pdpt[0]);
	pt = table_at(pd[1]);
	assert_int_equal(pml4[0] & 0xFFF, PTE_P | PTE_W | PTE_U);
	assert_int_equal(pdpt[0] & 0xFFF, PTE_P | PTE_W | PTE_U);
	assert_int_equal(pd[0], 0x200000 | PTE_P | PTE_W | PTE_U | PTE_PS);
	assert_int_equal(pd[1] & 0xFFF, PTE_P | PTE_W | PTE_U);
	assert_int_equal(pt[0], 0x400000 | PTE_P | PTE_W | PTE_U);
}

static void test_pt_uses_4k_pages_when_va_and_pa_differ_mod_2m(void **state)
{
	uint64_t va = HH + 4 * M2, pa = 0x1000000 + K4;	/* va aligned, pa not */

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, 2 * M2, PT_MAP_W), PT_OK);
	expect_range(va, pa, 2 * M2, K4, PT_MAP_W);
	assert_int_equal(B.stats.leaves_4k, 1024);
	assert_int_equal(B.stats.leaves_2m, 0);
	assert_int_equal(B.stats.tables[3], 2);
}

static void test_pt_uses_4k_pages_when_shorter_than_2m(void **state)
{
	uint64_t va = HH + 4 * M2, pa = 4 * M2;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, M2 - K4, PT_MAP_W), PT_OK);
	expect_range(va, pa, M2 - K4, K4, PT_MAP_W);
	assert_int_equal(B.stats.leaves_4k, 511);
	assert_int_equal(B.stats.leaves_2m, 0);
}

static void test_pt_uses_1g_pages_only_with_allow_1g(void **state)
{
	uint64_t va = HH + 2 * G1, pa = 3 * G1, len = 2 * G1 + M2;

	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, len, PT_MAP_W), PT_OK);
	expect_range(va, pa, 2 * G1, G1, PT_MAP_W);
	expect_range(va + 2 * G1, pa + 2 * G1, M2, M2, PT_MAP_W);
	assert_int_equal(B.stats.leaves_1g, 2);
	assert_int_equal(B.stats.leaves_2m, 1);
	assert_int_equal(B.stats.tables[2], 1);
	assert_int_equal(B.stats.tables[3], 0);
	collect();
	assert_int_equal(leaves[0].entry, 0x80000000C0000083ULL);

	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, len, PT_MAP_W), PT_OK);
	expect_range(va, pa, len, M2, PT_MAP_W);
	assert_int_equal(B.stats.leaves_1g, 0);
	assert_int_equal(B.stats.leaves_2m, 1025);
	assert_int_equal(B.stats.tables[2], 3);
}

static void test_pt_uses_2m_pages_when_1g_alignment_differs(void **state)
{
	uint64_t va = HH + G1, pa = G1 + M2;	/* congruent mod 2 MiB only */

	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, G1, PT_MAP_W), PT_OK);
	expect_range(va, pa, G1, M2, PT_MAP_W);
	assert_int_equal(B.stats.leaves_1g, 0);
	assert_int_equal(B.stats.leaves_2m, 512);
}

static void test_pt_map_4k_flag_forces_4k_pages(void **state)
{
	uint64_t va = HH + G1, pa = G1;

	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, 2 * M2, PT_MAP_4K | PT_MAP_W), PT_OK);
	expect_range(va, pa, 2 * M2, K4, PT_MAP_W);
	assert_int_equal(B.stats.leaves_4k, 1024);
	assert_int_equal(B.stats.leaves_2m + B.stats.leaves_1g, 0);
	collect();
	/* PT_MAP_4K is a request, not a bit: the entries do not carry it. */
	assert_int_equal(leaves[0].entry, 0x8000000040000003ULL);
}

/* The greedy reference: at each step the biggest page that va, pa and the
 * remaining length allow, in fresh tables. */
static size_t model(uint64_t va, uint64_t pa, uint64_t len, bool allow_1g, bool only_4k,
		    struct leaf *out, size_t cap)
{
	size_t n = 0;

	for (uint64_t off = 0; off < len;) {
		uint64_t size = K4;

		if (!only_4k && allow_1g && !((va + off) & (G1 - 1)) && !((pa + off) & (G1 - 1)) &&
		    len - off >= G1)
			size = G1;
		else if (!only_4k && !((va + off) & (M2 - 1)) && !((pa + off) & (M2 - 1)) &&
			 len - off >= M2)
			size = M2;
		assert_true(n < cap);
		out[n++] = (struct leaf){ va + off, pa + off, size, 0 };
		off += size;
	}
	return n;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_pt_picks_page_sizes_exactly_where_alignment_and_length_allow(void **state)
{
	static struct leaf want[8192];
	static const uint64_t heads[] = { 0, K4, 2 * K4, M2 - K4, M2, G1 - M2, G1 - K4, G1 };

	(void)state;
	for (int iter = 0; iter < 400; iter++) {
		bool allow_1g = rng() & 1, only_4k = (rng() % 8) == 0;
		uint64_t vslot = HH + (1 + rng() % 16) * HV_PML4_SLOT_SIZE;
		uint64_t va = vslot + (rng() % 8) * G1 + heads[rng() % 8];
		uint64_t pa = (rng() % 64) * G1 + heads[rng() % 8];
		bool congruent = ((va ^ pa) & (M2 - 1)) == 0;
		uint64_t len;

		if (!congruent || only_4k)
			len = (1 + rng() % 3000) * K4;		/* <= ~12 MiB of 4 KiB leaves */
		else
			len = heads[rng() % 8] + (rng() % 4) * G1 + (rng() % 6) * M2 +
			      (rng() % 4) * K4 + K4;
		unsigned flags = (unsigned)(rng() & (PT_MAP_W | PT_MAP_X | PT_MAP_UC | PT_MAP_WC | PT_MAP_G));

		if (only_4k)
			flags |= PT_MAP_4K;
		setup_builder(allow_1g, true, ARENA_PAGES);
		assert_int_equal(pt_map_range(&B, va, pa, len, flags), PT_OK);
		size_t n = model(va, pa, len, allow_1g, only_4k, want, 8192);

		collect();
		assert_int_equal(nleaves, n);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(leaves[i].va, want[i].va);
			assert_int_equal(leaves[i].pa, want[i].pa);
			assert_int_equal(leaves[i].size, want[i].size);
			assert_int_equal(leaves[i].entry, want[i].pa | want_bits(flags, want[i].size));
		}
		assert_int_equal(B.stats.leaves_1g, count_size(G1));
		assert_int_equal(B.stats.leaves_2m, count_size(M2));
		assert_int_equal(B.stats.leaves_4k, count_size(K4));
		/* pt_walk agrees with the tables at both ends of every leaf. */
		for (size_t i = 0; i < n; i += 1 + n / 64) {
			struct pt_walk w;

			assert_int_equal(pt_walk(&B, want[i].va + want[i].size - 1, &w), PT_OK);
			assert_int_equal(w.pa, want[i].pa + want[i].size - 1);
			assert_int_equal(w.page_size, want[i].size);
		}
		expect_unmapped(va - K4);
		if (va + len != 0)
			expect_unmapped(va + len);
	}
}

/* ---------------------------------------------------------------- rights */

static void test_pt_maps_read_only_page_not_writable(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0x5000, K4, PT_MAP_X), PT_OK);
	expect_range(HH, 0x5000, K4, K4, PT_MAP_X);
	collect();
	assert_int_equal(leaves[0].entry, 0x5001ULL);
}

static void test_pt_sets_nx_only_when_allowed(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0, M2, PT_MAP_W), PT_OK);
	assert_int_equal(pt_walk(&B, HH + 0x1234, &w), PT_OK);
	assert_false(w.executable);
	assert_int_equal(w.entry[2] >> 63, 1);

	/* Without EFER.NXE bit 63 is reserved: it must never be set. */
	setup_builder(false, false, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0, M2 + K4, PT_MAP_W), PT_OK);
	expect_range(HH, 0, M2, M2, PT_MAP_W);
	expect_range(HH + M2, M2, K4, K4, PT_MAP_W);
	collect();
	for (size_t i = 0; i < nleaves; i++)
		assert_int_equal(leaves[i].entry >> 63, 0);
}

static void test_pt_marks_uncached_mapping_pat_index_3(void **state)
{
	uint64_t va = HH + 0xFFC00000, pa = 0xFFC00000;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, M2 + K4, PT_MAP_W | PT_MAP_UC), PT_OK);
	expect_range(va, pa, M2, M2, PT_MAP_W | PT_MAP_UC);
	expect_range(va + M2, pa + M2, K4, K4, PT_MAP_W | PT_MAP_UC);
	collect();
	/* PCD|PWT, and neither PAT bit (bit 12 in a large leaf, bit 7 in a PTE). */
	assert_int_equal(leaves[0].entry, 0x80000000FFC0009BULL);
	assert_int_equal(leaves[1].entry, 0x80000000FFE0001BULL);
}

static void test_pt_marks_write_combining_mapping_pat_index_1(void **state)
{
	uint64_t va = 0xFFFFFFFE00000000ULL, pa = 0x80000000;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, M2 + K4, PT_MAP_W | PT_MAP_WC), PT_OK);
	expect_range(va, pa, M2, M2, PT_MAP_W | PT_MAP_WC);
	expect_range(va + M2, pa + M2, K4, K4, PT_MAP_W | PT_MAP_WC);
	collect();
	/* PWT only: not PCD, and neither PAT bit (12 in a large leaf, 7 in a PTE). */
	assert_int_equal(leaves[0].entry, 0x800000008000008BULL);
	assert_int_equal(leaves[1].entry, 0x800000008020000BULL);
}

static void test_pt_prefers_uncached_when_asked_for_both_uc_and_wc(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_leaf_bits(&B, PT_MAP_UC | PT_MAP_WC, false), 0x8000000000000019ULL);
}

static void test_pt_sets_global_bit_only_when_asked(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0, K4, PT_MAP_G | PT_MAP_X), PT_OK);
	assert_int_equal(pt_map_range(&B, HH + K4, K4, K4, PT_MAP_X), PT_OK);
	assert_int_equal(pt_map_range(&B, HH + M2, M2, M2, PT_MAP_G), PT_OK);
	assert_int_equal(pt_walk(&B, HH, &w), PT_OK);
	assert_int_equal(w.entry[3], 0x101ULL);
	assert_int_equal(pt_walk(&B, HH + K4, &w), PT_OK);
	assert_int_equal(w.entry[3], 0x1001ULL);
	assert_int_equal(pt_walk(&B, HH + M2, &w), PT_OK);
	assert_int_equal(w.entry[2], 0x8000000000200181ULL);
}

static void test_pt_walk_intersects_rights_of_all_levels(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0x7000, K4, PT_MAP_W | PT_MAP_X), PT_OK);
	assert_int_equal(pt_walk(&B, HH, &w), PT_OK);
	assert_true(w.writable && w.executable);
	/* Clear W in the PDPTE, set NX in the PML4E: the leaf alone no longer decides. */
	table_at(w.entry[1])[0] &= ~PTE_W;
	table_at(B.root_pa)[256] |= PTE_NX;
	assert_int_equal(pt_walk(&B, HH, &w), PT_OK);
	assert_false(w.writable);
	assert_false(w.executable);
	assert_int_equal(w.pa, 0x7000);
}

static void test_pt_walk_reads_pat_bit_at_its_place_for_each_size(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0x7000, K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, HH + M2, 0x600000, M2, PT_MAP_W), PT_OK);
	assert_int_equal(pt_walk(&B, HH, &w), PT_OK);
	table_at(w.entry[2])[0] |= PTE_PAT_4K;
	assert_int_equal(pt_walk(&B, HH, &w), PT_OK);
	assert_int_equal(w.pat_index, 4);
	assert_int_equal(w.page_size, K4);
	assert_int_equal(pt_walk(&B, HH + M2 + 0x1234, &w), PT_OK);
	table_at(w.entry[1])[1] |= PTE_PAT_LARGE | PTE_PWT;
	assert_int_equal(pt_walk(&B, HH + M2 + 0x1234, &w), PT_OK);
	assert_int_equal(w.pat_index, 5);
	assert_int_equal(w.pa, 0x601234);	/* bit 12 is PAT, not address */
}

/* ---------------------------------------------------------------- walk */

static void test_pt_walk_reports_the_level_where_the_walk_stopped(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_walk(&B, HH, &w), PT_ENOENT);
	assert_int_equal(w.levels, 1);
	assert_int_equal(pt_map_range(&B, HH + K4, 0x9000, K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_walk(&B, HH, &w), PT_ENOENT);
	assert_int_equal(w.levels, 4);
	assert_int_equal(w.entry[3], 0);
	assert_int_equal(pt_walk(&B, HH + M2, &w), PT_ENOENT);
	assert_int_equal(w.levels, 3);
	assert_int_equal(pt_walk(&B, HH + G1, &w), PT_ENOENT);
	assert_int_equal(w.levels, 2);
	assert_int_equal(pt_walk(&B, 0x0000800000000000ULL, &w), PT_EALIGN);
	assert_false(w.present);
}

static void test_pt_walk_translates_offsets_inside_large_pages(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + 4 * G1, 7 * G1, G1, PT_MAP_W), PT_OK);
	assert_int_equal(pt_walk(&B, HH + 4 * G1 + 0x3FEDCBA9, &w), PT_OK);
	assert_int_equal(w.pa, 7 * G1 + 0x3FEDCBA9);
	assert_int_equal(w.page_size, G1);
	assert_int_equal(w.levels, 2);
}

/* ---------------------------------------------------------------- refusals */

static void test_pt_refuses_to_remap_present_page(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + 0x10000, 0x20000, K4, PT_MAP_W), PT_OK);
	uint64_t used = arena.used;

	assert_int_equal(pt_map_range(&B, HH + 0x10000, 0x30000, K4, PT_MAP_X), PT_EEXIST);
	/* An overlap at the end of a longer range too. */
	assert_int_equal(pt_map_range(&B, HH + 0xE000, 0x50000, 3 * K4, PT_MAP_W), PT_EEXIST);
	assert_int_equal(pt_walk(&B, HH + 0x10000, &w), PT_OK);
	assert_int_equal(w.entry[3], 0x8000000000020003ULL);	/* the first mapping, intact */
	assert_int_equal(arena.used, used);
}

static void test_pt_refuses_to_map_inside_a_2m_leaf(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + M2, M2, M2, PT_MAP_W), PT_OK);
	uint64_t used = arena.used;

	assert_int_equal(pt_map_range(&B, HH + M2 + 0x5000, 0x99000, K4, PT_MAP_W), PT_EEXIST);
	assert_int_equal(pt_map_range(&B, HH + M2, 0x400000, M2, PT_MAP_W), PT_EEXIST);
	assert_int_equal(pt_map_range(&B, HH, 0, 2 * M2, PT_MAP_W), PT_EEXIST);
	assert_int_equal(arena.used, used);	/* no PT grown under the leaf */
	assert_int_equal(pt_walk(&B, HH + M2 + 0x5000, &w), PT_OK);
	assert_int_equal(w.page_size, M2);
	assert_int_equal(w.entry[2], 0x8000000000200083ULL);
}

static void test_pt_refuses_to_map_inside_a_1g_leaf(void **state)
{
	struct pt_walk w;

	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + G1, G1, G1, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, HH + G1 + 5 * M2, 0, M2, PT_MAP_W), PT_EEXIST);
	assert_int_equal(pt_map_range(&B, HH + 2 * G1 - K4, 0, K4, PT_MAP_W), PT_EEXIST);
	assert_int_equal(B.stats.tables[2], 0);
	assert_int_equal(pt_walk(&B, HH + 2 * G1 - 1, &w), PT_OK);
	assert_int_equal(w.page_size, G1);
	assert_int_equal(w.pa, 2 * G1 - 1);
}

static void test_pt_refuses_large_page_over_a_present_4k_page(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + 0x5000, 0x5000, K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, HH, 0, M2, PT_MAP_W), PT_EEXIST);
	expect_range(HH + 0x5000, 0x5000, K4, K4, PT_MAP_W);
}

static void test_pt_shares_tables_between_neighbouring_ranges(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + 0x5000, 0x5000, K4, PT_MAP_W), PT_OK);
	assert_int_equal(arena.used, 4);
	assert_int_equal(pt_map_range(&B, HH + 0x6000, 0x6000, 2 * K4, PT_MAP_X), PT_OK);
	assert_int_equal(pt_map_range(&B, HH + M2, M2, M2, PT_MAP_W), PT_OK);
	assert_int_equal(arena.used, 4);	/* same PML4, PDPT, PD and PT */
	expect_range(HH + 0x5000, 0x5000, K4, K4, PT_MAP_W);
	expect_range(HH + 0x6000, 0x6000, 2 * K4, K4, PT_MAP_X);
	expect_range(HH + M2, M2, M2, M2, PT_MAP_W);
}

static void test_pt_rejects_misaligned_va_pa_or_length(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + 0x800, 0, K4, PT_MAP_W), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, HH, 0x10, K4, PT_MAP_W), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, HH, 0, K4 + 1, PT_MAP_W), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, HH, 0, 0xFFF, PT_MAP_W), PT_EALIGN);
	assert_int_equal(arena.used, 1);
	collect();
	assert_int_equal(nleaves, 0);
}

static void test_pt_rejects_non_canonical_va(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, 0x0000800000000000ULL, 0, K4, 0), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, 0xFFFF7FFFFFFFF000ULL, 0, K4, 0), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, 0x1234000000000000ULL, 0, K4, 0), PT_EALIGN);
	assert_int_equal(arena.used, 1);
}

static void test_pt_rejects_range_straddling_the_canonical_hole(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, 0x00007FFFFFFFF000ULL, 0, 2 * K4, 0), PT_EALIGN);
	/* From the top of the lower half all the way into the higher half. */
	assert_int_equal(pt_map_range(&B, 0x00007FFFFFFFF000ULL, 0,
				      0xFFFF800000001000ULL - 0x00007FFFFFFFF000ULL, 0), PT_EALIGN);
	assert_int_equal(arena.used, 1);
}

static void test_pt_rejects_ranges_wrapping_past_2_64(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, 0xFFFFFFFFFFFFF000ULL, 0, 2 * K4, 0), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, HH, 0xFFFFFFFFFFFFF000ULL, 2 * K4, 0), PT_EALIGN);
	assert_int_equal(arena.used, 1);
}

static void test_pt_rejects_pa_beyond_52_bits(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0x0010000000000000ULL, K4, 0), PT_EALIGN);
	assert_int_equal(pt_map_range(&B, HH, 0x000FFFFFFFFFF000ULL, 2 * K4, 0), PT_EALIGN);
	assert_int_equal(arena.used, 1);
	assert_int_equal(pt_map_range(&B, HH, 0x000FFFFFFFFFF000ULL, K4, PT_MAP_W), PT_OK);
	expect_range(HH, 0x000FFFFFFFFFF000ULL, K4, K4, PT_MAP_W);
}

static void test_pt_accepts_zero_length_as_nothing_to_do(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0, 0, PT_MAP_W), PT_OK);
	assert_int_equal(arena.used, 1);
	expect_unmapped(HH);
}

static void test_pt_maps_last_page_of_each_half(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, 0xFFFFFFFFFFFFF000ULL, 0x1000, K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, 0x00007FFFFFFFF000ULL, 0x2000, K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, 0, 0x3000, K4, PT_MAP_W), PT_OK);
	expect_range(0xFFFFFFFFFFFFF000ULL, 0x1000, K4, K4, PT_MAP_W);
	expect_range(0x00007FFFFFFFF000ULL, 0x2000, K4, K4, PT_MAP_W);
	expect_range(0, 0x3000, K4, K4, PT_MAP_W);
	collect();
	assert_int_equal(nleaves, 3);
	assert_int_equal(leaves[0].va, 0);
	assert_int_equal(leaves[1].va, 0x00007FFFFFFFF000ULL);
	assert_int_equal(leaves[2].va, 0xFFFFFFFFFFFFF000ULL);
}

static void test_pt_maps_a_range_across_pml4_slots(void **state)
{
	uint64_t va = HH + HV_PML4_SLOT_SIZE - 2 * M2 - K4, pa = 0x7FC00000 - K4;
	uint64_t len = K4 + 4 * M2 + K4;

	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, va, pa, len, PT_MAP_W), PT_OK);
	expect_range(va, pa, K4, K4, PT_MAP_W);
	expect_range(va + K4, pa + K4, 4 * M2, M2, PT_MAP_W);
	expect_range(va + K4 + 4 * M2, pa + K4 + 4 * M2, K4, K4, PT_MAP_W);
	assert_int_equal(B.stats.tables[1], 2);
	assert_int_equal(B.stats.tables[2], 2);
	assert_int_equal(B.stats.tables[3], 2);
	assert_int_equal(B.stats.leaves_2m, 4);
	assert_int_equal(B.stats.leaves_4k, 2);
	collect();
}

static void test_pt_returns_enomem_when_the_arena_runs_out(void **state)
{
	(void)state;
	/* A 4 KiB mapping needs PDPT, PD and PT below the PML4. */
	setup_builder(false, true, 3);
	assert_int_equal(pt_map_range(&B, HH, 0, K4, PT_MAP_W), PT_ENOMEM);
	assert_int_equal(arena.used, 3);
	expect_unmapped(HH);

	setup_builder(false, true, 4);
	assert_int_equal(pt_map_range(&B, HH, 0, K4, PT_MAP_W), PT_OK);
	expect_range(HH, 0, K4, K4, PT_MAP_W);
	/* Full: a page in the next 2 MiB needs a new PT. */
	assert_int_equal(pt_map_range(&B, HH + M2, 0, K4, PT_MAP_W), PT_ENOMEM);
	/* ...but a 2 MiB leaf there needs nothing new. */
	assert_int_equal(pt_map_range(&B, HH + M2, M2, M2, PT_MAP_W), PT_OK);
	assert_int_equal(arena.used, 4);
}

/* ---------------------------------------------------------------- unmap */

static void test_pt_unmap_clears_only_the_given_4k_leaves(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0x10000, 4 * K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_unmap_range(&B, HH + K4, 2 * K4), PT_OK);
	expect_range(HH, 0x10000, K4, K4, PT_MAP_W);
	expect_unmapped(HH + K4);
	expect_unmapped(HH + 2 * K4);
	expect_range(HH + 3 * K4, 0x13000, K4, K4, PT_MAP_W);
	assert_int_equal(arena.used, 4);	/* frees nothing */
	/* The hole can be mapped again. */
	assert_int_equal(pt_map_range(&B, HH + K4, 0x77000, K4, PT_MAP_X), PT_OK);
	expect_range(HH + K4, 0x77000, K4, K4, PT_MAP_X);
}

static void test_pt_unmap_clears_a_whole_2m_leaf(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH, 0, 2 * M2, PT_MAP_W), PT_OK);
	assert_int_equal(pt_unmap_range(&B, HH + M2, M2), PT_OK);
	expect_range(HH, 0, M2, M2, PT_MAP_W);
	expect_unmapped(HH + M2);
	expect_unmapped(HH + 2 * M2 - K4);
	collect();
	assert_int_equal(nleaves, 1);
}

static void test_pt_unmap_refuses_to_split_a_large_page(void **state)
{
	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	assert_int_equal(pt_map_range(&B, HH + M2, M2, M2, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, HH + G1, G1, G1, PT_MAP_W), PT_OK);
	assert_int_equal(pt_unmap_range(&B, HH + M2 + K4, K4), PT_EALIGN);
	assert_int_equal(pt_unmap_range(&B, HH + M2, K4), PT_EALIGN);
	assert_int_equal(pt_unmap_range(&B, HH + G1, M2), PT_EALIGN);
	assert_int_equal(pt_unmap_range(&B, HH + G1 + M2, M2), PT_EALIGN);
	expect_range(HH + M2, M2, M2, M2, PT_MAP_W);
	expect_range(HH + G1, G1, G1, G1, PT_MAP_W);
}

static void test_pt_unmap_reports_a_hole_and_misalignment(void **state)
{
	(void)state;
	setup_builder(false, true, ARENA_PAGES);
	assert_int_equal(pt_unmap_range(&B, HH, K4), PT_ENOENT);
	assert_int_equal(pt_map_range(&B, HH, 0, K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_unmap_range(&B, HH + K4, K4), PT_ENOENT);
	assert_int_equal(pt_unmap_range(&B, HH + 0x800, K4), PT_EALIGN);
	assert_int_equal(pt_unmap_range(&B, HH, 0x800), PT_EALIGN);
	assert_int_equal(pt_unmap_range(&B, 0x0000800000000000ULL, K4), PT_EALIGN);
	assert_int_equal(pt_unmap_range(&B, HH, 0), PT_OK);
	expect_range(HH, 0, K4, K4, PT_MAP_W);
}

/* ---------------------------------------------------------------- stats */

static void test_pt_counts_tables_per_level_and_leaves_per_size(void **state)
{
	(void)state;
	setup_builder(true, true, ARENA_PAGES);
	/* Two PML4 slots; in the first one 1 GiB + 2 MiB + 4 KiB, in the
	 * second a lone 4 KiB page (PDPT, PD, PT of its own). */
	assert_int_equal(pt_map_range(&B, HH, 0, G1 + M2 + K4, PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&B, HV_RT_WINDOW_DEFAULT + K4, K4, K4, PT_MAP_W), PT_OK);
	assert_int_equal(B.stats.tables[0], 1);
	assert_int_equal(B.stats.tables[1], 2);
	assert_int_equal(B.stats.tables[2], 2);
	assert_int_equal(B.stats.tables[3], 2);
	assert_int_equal(B.stats.leaves_1g, 1);
	assert_int_equal(B.stats.leaves_2m, 1);
	assert_int_equal(B.stats.leaves_4k, 2);
	collect();
	assert_int_equal(nleaves, 4);
	assert_int_equal(arena.used, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pt_init_allocates_one_zeroed_pml4),
		cmocka_unit_test(test_pt_init_reports_enomem_without_a_page),
		cmocka_unit_test(test_pt_leaf_bits_are_the_sdm_bits),
		cmocka_unit_test(test_pt_uses_4k_pages_for_a_small_range),
		cmocka_unit_test(test_pt_uses_2m_pages_when_aligned),
		cmocka_unit_test(test_pt_splits_unaligned_range_into_4k_head_2m_body_4k_tail),
		cmocka_unit_test(test_pt_user_builder_sets_u_at_every_level),
		cmocka_unit_test(test_pt_uses_4k_pages_when_va_and_pa_differ_mod_2m),
		cmocka_unit_test(test_pt_uses_4k_pages_when_shorter_than_2m),
		cmocka_unit_test(test_pt_uses_1g_pages_only_with_allow_1g),
		cmocka_unit_test(test_pt_uses_2m_pages_when_1g_alignment_differs),
		cmocka_unit_test(test_pt_map_4k_flag_forces_4k_pages),
		cmocka_unit_test(test_pt_picks_page_sizes_exactly_where_alignment_and_length_allow),
		cmocka_unit_test(test_pt_maps_read_only_page_not_writable),
		cmocka_unit_test(test_pt_sets_nx_only_when_allowed),
		cmocka_unit_test(test_pt_marks_uncached_mapping_pat_index_3),
		cmocka_unit_test(test_pt_marks_write_combining_mapping_pat_index_1),
		cmocka_unit_test(test_pt_prefers_uncached_when_asked_for_both_uc_and_wc),
		cmocka_unit_test(test_pt_sets_global_bit_only_when_asked),
		cmocka_unit_test(test_pt_walk_intersects_rights_of_all_levels),
		cmocka_unit_test(test_pt_walk_reads_pat_bit_at_its_place_for_each_size),
		cmocka_unit_test(test_pt_walk_reports_the_level_where_the_walk_stopped),
		cmocka_unit_test(test_pt_walk_translates_offsets_inside_large_pages),
		cmocka_unit_test(test_pt_refuses_to_remap_present_page),
		cmocka_unit_test(test_pt_refuses_to_map_inside_a_2m_leaf),
		cmocka_unit_test(test_pt_refuses_to_map_inside_a_1g_leaf),
		cmocka_unit_test(test_pt_refuses_large_page_over_a_present_4k_page),
		cmocka_unit_test(test_pt_shares_tables_between_neighbouring_ranges),
		cmocka_unit_test(test_pt_rejects_misaligned_va_pa_or_length),
		cmocka_unit_test(test_pt_rejects_non_canonical_va),
		cmocka_unit_test(test_pt_rejects_range_straddling_the_canonical_hole),
		cmocka_unit_test(test_pt_rejects_ranges_wrapping_past_2_64),
		cmocka_unit_test(test_pt_rejects_pa_beyond_52_bits),
		cmocka_unit_test(test_pt_accepts_zero_length_as_nothing_to_do),
		cmocka_unit_test(test_pt_maps_last_page_of_each_half),
		cmocka_unit_test(test_pt_maps_a_range_across_pml4_slots),
		cmocka_unit_test(test_pt_returns_enomem_when_the_arena_runs_out),
		cmocka_unit_test(test_pt_unmap_clears_only_the_given_4k_leaves),
		cmocka_unit_test(test_pt_unmap_clears_a_whole_2m_leaf),
		cmocka_unit_test(test_pt_unmap_refuses_to_split_a_large_page),
		cmocka_unit_test(test_pt_unmap_reports_a_hole_and_misalignment),
		cmocka_unit_test(test_pt_counts_tables_per_level_and_leaves_per_size),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(leaves);
	return rc;
}
