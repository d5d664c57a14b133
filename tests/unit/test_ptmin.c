/* tools/ptmin.c: the least page-table pages for a set of mappings. Small
 * cases worked out by hand, the error paths, and a cross-check against
 * loader/pt.c building the same random mappings into a host arena. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../tools/ptmin.h"
#include "loader/pt.h"
#include "page_arena.h"

#define K4	0x1000ULL
#define M2	0x200000ULL
#define G1	0x40000000ULL
#define HI	0xFFFF800000000000ULL

static struct ptmin_result count(struct ptmin_range *r, size_t n, bool allow_1g)
{
	struct ptmin_result res;
	size_t bad;
	const char *why = ptmin_count(r, n, allow_1g, &res, &bad);

	assert_null(why);
	return res;
}

static void assert_tables(const struct ptmin_result *res, uint64_t pml4, uint64_t pdpt,
			  uint64_t pd, uint64_t pt)
{
	assert_int_equal(res->tables[0], pml4);
	assert_int_equal(res->tables[1], pdpt);
	assert_int_equal(res->tables[2], pd);
	assert_int_equal(res->tables[3], pt);
	assert_int_equal(res->total, pml4 + pdpt + pd + pt);
}

static void test_ptmin_no_ranges_is_the_lone_pml4(void **state)
{
	struct ptmin_result res = count(NULL, 0, true);

	(void)state;
	assert_tables(&res, 1, 0, 0, 0);
}

static void test_ptmin_one_4k_page_needs_a_table_at_every_level(void **state)
{
	struct ptmin_range r[] = { { HI + 0x5000, 0x5000, K4, false, 0 } };
	struct ptmin_result res = count(r, 1, true);

	(void)state;
	assert_tables(&res, 1, 1, 1, 1);
	assert_int_equal(res.bytes_4k, K4);
}

static void test_ptmin_aligned_2m_needs_no_pt(void **state)
{
	struct ptmin_range r[] = { { HI + 4 * M2, 4 * M2, 2 * M2, false, 0 } };
	struct ptmin_result res = count(r, 1, true);

	(void)state;
	assert_tables(&res, 1, 1, 1, 0);
	assert_int_equal(res.bytes_2m, 2 * M2);
	assert_int_equal(res.bytes_4k, 0);
}

static void test_ptmin_va_pa_not_congruent_falls_to_4k(void **state)
{
	/* pa is 4 KiB off the 2 MiB grid: no 2 MiB leaf can map it. */
	struct ptmin_range r[] = { { HI + 4 * M2, 4 * M2 + K4, 2 * M2, false, 0 } };
	struct ptmin_result res = count(r, 1, true);

	(void)state;
	assert_tables(&res, 1, 1, 1, 2);
	assert_int_equal(res.bytes_4k, 2 * M2);
}

static void test_ptmin_1g_page_only_when_allowed(void **state)
{
	struct ptmin_range r[] = { { HI + G1, G1, G1, false, 0 } };
	struct ptmin_result with = count(r, 1, true);
	struct ptmin_result without = count(r, 1, false);

	(void)state;
	assert_tables(&with, 1, 1, 0, 0);
	assert_int_equal(with.bytes_1g, G1);
	assert_tables(&without, 1, 1, 1, 0);
	assert_int_equal(without.bytes_2m, G1);
}

static void test_ptmin_only_4k_range_needs_a_pt_per_2m(void **state)
{
	struct ptmin_range r[] = { { HI, 0, 4 * M2, true, 0 } };
	struct ptmin_result res = count(r, 1, true);

	(void)state;
	assert_tables(&res, 1, 1, 1, 4);
}

static void test_ptmin_ragged_range_across_1g_boundary(void **state)
{
	/* [1G-2M-4K, 1G+2M+4K): a 4 KiB head, two 2 MiB leaves, a 4 KiB tail,
	 * one PD on each side of the 1 GiB line. */
	struct ptmin_range r[] = { { HI + G1 - M2 - K4, G1 - M2 - K4, 2 * M2 + 2 * K4, false, 0 } };
	struct ptmin_result res = count(r, 1, true);

	(void)state;
	assert_tables(&res, 1, 1, 2, 2);
	assert_int_equal(res.bytes_2m, 2 * M2);
	assert_int_equal(res.bytes_4k, 2 * K4);
}

static void test_ptmin_shared_tables_count_once(void **state)
{
	struct ptmin_range r[] = {
		{ HI + 0x1000, 0x1000, K4, false, 0 },
		{ HI + 0x3000, 0x3000, K4, false, 0 },
		{ HI + M2 + K4, M2 + K4, K4, false, 0 },
	};
	struct ptmin_result res = count(r, 3, true);

	(void)state;
	assert_tables(&res, 1, 1, 1, 2);
}

static void test_ptmin_separate_pml4_slots_get_their_own_pdpt(void **state)
{
	struct ptmin_range r[] = {
		{ 0x1000, 0x1000, K4, false, 0 },			/* identity page */
		{ HI, 0, M2, false, 0 },				/* direct map */
		{ 0xFFFFFF0000000000ULL + M2, M2, K4, false, 0 },	/* runtime window */
		{ 0xFFFFFFFF80000000ULL, 0x100000, 16 * K4, true, 0 },	/* image */
	};
	struct ptmin_result res = count(r, 4, true);

	(void)state;
	assert_tables(&res, 1, 4, 4, 3);
}

static void test_ptmin_handles_the_top_of_the_address_space(void **state)
{
	struct ptmin_range r[] = { { 0xFFFFFFFFFFE00000ULL, 0x200000, M2, false, 0 },
				   { 0xFFFFFFFFFFC00000ULL, 0x1000, M2, false, 0 } };
	struct ptmin_result res = count(r, 2, true);

	(void)state;
	assert_tables(&res, 1, 1, 1, 1);
	assert_int_equal(res.bytes_2m, M2);
	assert_int_equal(res.bytes_4k, M2);
}

static void test_ptmin_sorts_its_input_by_va(void **state)
{
	struct ptmin_range r[] = {
		{ HI + 2 * G1, 2 * G1, K4, false, 0 },
		{ HI, 0, K4, false, 0 },
		{ HI + G1, G1, K4, false, 0 },
	};
	struct ptmin_result res = count(r, 3, true);

	(void)state;
	assert_tables(&res, 1, 1, 3, 3);
	assert_true(r[0].va == HI && r[1].va == HI + G1 && r[2].va == HI + 2 * G1);
}

static void test_ptmin_rejects_overlap_and_names_the_range(void **state)
{
	struct ptmin_range r[] = {
		{ HI + 0x3000, 0x3000, K4, false, 0 },
		{ HI, 0, 4 * K4, false, 0 },
	};
	struct ptmin_result res;
	size_t bad = 99;

	(void)state;
	assert_string_equal(ptmin_count(r, 2, true, &res, &bad), "range overlaps the one before it");
	assert_int_equal(bad, 1);
	assert_int_equal(r[1].va, HI + 0x3000);
}

static void test_ptmin_rejects_bad_ranges(void **state)
{
	struct ptmin_result res;
	size_t bad;
	struct ptmin_range unaligned = { HI + 0x800, 0, K4, false, 0 };
	struct ptmin_range empty = { HI, 0, 0, false, 0 };
	struct ptmin_range hole = { 0x00007FFFFFFFF000ULL, 0, 2 * K4, false, 0 };
	struct ptmin_range wide_pa = { HI, 0x0010000000000000ULL - K4, 2 * K4, false, 0 };
	struct ptmin_range wraps = { 0xFFFFFFFFFFFFF000ULL, 0, 2 * K4, false, 0 };

	(void)state;
	assert_string_equal(ptmin_count(&unaligned, 1, true, &res, &bad), "range not 4 KiB aligned");
	assert_string_equal(ptmin_count(&empty, 1, true, &res, &bad), "empty range");
	assert_string_equal(ptmin_count(&hole, 1, true, &res, &bad), "range not canonical");
	assert_string_equal(ptmin_count(&wide_pa, 1, true, &res, &bad),
			    "physical address above 52 bits");
	assert_string_equal(ptmin_count(&wraps, 1, true, &res, &bad),
			    "range wraps past the top of the address space");
}

static void test_ptmin_merge_joins_only_matching_neighbours(void **state)
{
	struct ptmin_range r[] = {
		{ HI, 0, M2 - K4, false, 1 },
		{ HI + M2 - K4, M2 - K4, K4, false, 1 },	/* joins: 0..2M */
		{ HI + M2, M2, M2, false, 2 },			/* other attr */
		{ HI + 2 * M2, 2 * M2, M2, false, 2 },		/* joins */
		{ HI + 3 * M2, 5 * M2, M2, false, 2 },		/* pa jumps */
		{ HI + 4 * M2, 6 * M2, M2, true, 2 },		/* only_4k differs */
	};
	size_t n = ptmin_merge(r, 6);

	(void)state;
	assert_int_equal(n, 4);
	assert_int_equal(r[0].len, M2);
	assert_int_equal(r[1].len, 2 * M2);
	assert_int_equal(r[2].pa, 5 * M2);
	assert_true(r[3].only_4k);
}

/* ---- cross-check: loader/pt.c building the same ranges ----------------- */

#define ARENA_PAGES	4096

static struct page_arena arena = { NULL, PAGE_ARENA_PA, 0, ARENA_PAGES };

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random disjoint ranges around 1 GiB and 2 MiB lines, some congruent,
 * some not, some 4 KiB only; the builder (optimal for disjoint ranges in
 * any order) must use exactly the tables ptmin counts. */
static void test_ptmin_matches_the_builder_on_random_ranges(void **state)
{
	(void)state;
	arena.page = malloc((size_t)ARENA_PAGES * 4096);
	assert_non_null(arena.page);
	for (int trial = 0; trial < 400; trial++) {
		struct ptmin_range r[10], sorted[10];
		struct pt_builder b = { .alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr,
					.ctx = &arena,
					.allow_1g = trial & 1, .allow_nx = true };
		struct ptmin_result res;
		uint64_t va = HI + (1 + next() % 4) * G1 - (next() % 3) * M2;
		size_t n = 1 + next() % 10, bad;

		arena.used = 0;
		assert_int_equal(pt_init(&b), PT_OK);
		for (size_t i = 0; i < n; i++) {
			uint64_t len, pa;

			va += (next() % 3 == 0) ? (next() % 600) * K4 : 0;	/* gap */
			switch (next() % 4) {
			case 0: len = (1 + next() % 40) * K4; break;
			case 1: len = (1 + next() % 6) * M2 + (next() % 3) * K4; break;
			case 2: len = G1 + (next() % 3) * M2; break;
			default: len = (next() % 700 + 1) * K4 * 8; break;
			}
			pa = va - HI;
			if (next() % 5 == 0)
				pa += K4;				/* not congruent */
			r[i] = (struct ptmin_range){ va, pa, len, len <= 16 * M2 && next() % 5 == 0, 0 };
			va += len;
		}
		/* Build in a shuffled order: sharing must not depend on it. */
		memcpy(sorted, r, sizeof(r));
		for (size_t i = n; i > 1; i--) {
			size_t j = next() % i;
			struct ptmin_range t = r[i - 1];

			r[i - 1] = r[j];
			r[j] = t;
		}
		for (size_t i = 0; i < n; i++)
			assert_int_equal(pt_map_range(&b, r[i].va, r[i].pa, r[i].len,
						      PT_MAP_W | (r[i].only_4k ? PT_MAP_4K : 0)),
					 PT_OK);
		assert_null(ptmin_count(sorted, n, b.allow_1g, &res, &bad));
		for (int l = 0; l < 4; l++)
			assert_int_equal(b.stats.tables[l], res.tables[l]);
		assert_int_equal(b.stats.leaves_1g * G1, res.bytes_1g);
		assert_int_equal(b.stats.leaves_2m * M2, res.bytes_2m);
		assert_int_equal(b.stats.leaves_4k * K4, res.bytes_4k);
	}
	free(arena.page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ptmin_no_ranges_is_the_lone_pml4),
		cmocka_unit_test(test_ptmin_one_4k_page_needs_a_table_at_every_level),
		cmocka_unit_test(test_ptmin_aligned_2m_needs_no_pt),
		cmocka_unit_test(test_ptmin_va_pa_not_congruent_falls_to_4k),
		cmocka_unit_test(test_ptmin_1g_page_only_when_allowed),
		cmocka_unit_test(test_ptmin_only_4k_range_needs_a_pt_per_2m),
		cmocka_unit_test(test_ptmin_ragged_range_across_1g_boundary),
		cmocka_unit_test(test_ptmin_shared_tables_count_once),
		cmocka_unit_test(test_ptmin_separate_pml4_slots_get_their_own_pdpt),
		cmocka_unit_test(test_ptmin_handles_the_top_of_the_address_space),
		cmocka_unit_test(test_ptmin_sorts_its_input_by_va),
		cmocka_unit_test(test_ptmin_rejects_overlap_and_names_the_range),
		cmocka_unit_test(test_ptmin_rejects_bad_ranges),
		cmocka_unit_test(test_ptmin_merge_joins_only_matching_neighbours),
		cmocka_unit_test(test_ptmin_matches_the_builder_on_random_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
