/* rt/rt_code.c: the runtime code a service pointer must lie in is the
 * executable part of every mapped EfiRuntimeServicesCode descriptor, as
 * the loader maps it (MAT entries narrow it), sorted for the gate's
 * binary search. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rt/rt_code.h"

#define W	0xFFFFFF0000000000ULL	/* the runtime window */
#define RUNTIME	EFI_MEMORY_RUNTIME

static const struct efi_mdesc map[] = {
	{ .type = EFI_MT_RT_DATA, .pa = 0x100000, .va = W + 0x100000, .npages = 4, .attr = RUNTIME },
	/* Compact layout: VAs need not follow the map's physical order. */
	{ .type = EFI_MT_RT_CODE, .pa = 0x200000, .va = W + 0x900000, .npages = 8, .attr = RUNTIME },
	{ .type = EFI_MT_RT_CODE, .pa = 0x300000, .va = W + 0x300000, .npages = 2, .attr = RUNTIME },
	/* Not mapped (no VirtualStart): never a target. */
	{ .type = EFI_MT_RT_CODE, .pa = 0x400000, .va = 0, .npages = 2, .attr = RUNTIME },
	{ .type = EFI_MT_CONVENTIONAL, .pa = 0x500000, .npages = 16 },
};
#define NMAP	(sizeof(map) / sizeof(map[0]))

static void test_rt_code_without_a_mat_is_every_mapped_code_descriptor_sorted(void **state)
{
	struct rt_code_range r[RT_CODE_RANGES_MAX];
	size_t n = rt_code_ranges(map, NMAP, NULL, 0, r, RT_CODE_RANGES_MAX);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(r[0].va, W + 0x300000);
	assert_int_equal(r[0].end, W + 0x302000);
	assert_int_equal(r[1].va, W + 0x900000);
	assert_int_equal(r[1].end, W + 0x908000);
}

static void test_rt_code_contains_only_inside_a_range(void **state)
{
	struct rt_code_range r[RT_CODE_RANGES_MAX];
	size_t n = rt_code_ranges(map, NMAP, NULL, 0, r, RT_CODE_RANGES_MAX);

	(void)state;
	assert_true(rt_code_contains(r, n, W + 0x300000));
	assert_true(rt_code_contains(r, n, W + 0x301FFF));
	assert_false(rt_code_contains(r, n, W + 0x302000));
	assert_true(rt_code_contains(r, n, W + 0x907FFF));
	assert_false(rt_code_contains(r, n, W + 0x8FFFFF));
	assert_false(rt_code_contains(r, n, W + 0x100000));		/* runtime data */
	assert_false(rt_code_contains(r, n, 0x200000));			/* its physical address */
	assert_false(rt_code_contains(r, n, 0x400000));			/* not mapped */
	assert_false(rt_code_contains(r, n, 0x7FFFFF0000300000ULL));	/* non-canonical */
	assert_false(rt_code_contains(r, n, 0));
	assert_false(rt_code_contains(r, n, ~0ULL));
	assert_false(rt_code_contains(r, 0, W + 0x300000));
}

static void test_rt_code_mat_narrows_to_entries_without_xp(void **state)
{
	/* The 8-page image: header RO+XP, .text RO, .data XP; pages 6-7 not
	 * in the MAT at all, mapped with the descriptor's default (RWX). */
	static const struct efi_mdesc mat[] = {
		{ .type = EFI_MT_RT_CODE, .pa = 0x200000, .npages = 1,
		  .attr = RUNTIME | EFI_MEMORY_RO | EFI_MEMORY_XP },
		{ .type = EFI_MT_RT_CODE, .pa = 0x201000, .npages = 3, .attr = RUNTIME | EFI_MEMORY_RO },
		{ .type = EFI_MT_RT_CODE, .pa = 0x204000, .npages = 2, .attr = RUNTIME | EFI_MEMORY_XP },
		{ .type = EFI_MT_RT_CODE, .pa = 0x300000, .npages = 2, .attr = RUNTIME | EFI_MEMORY_RO },
	};
	struct rt_code_range r[RT_CODE_RANGES_MAX];
	size_t n = rt_code_ranges(map, NMAP, mat, 4, r, RT_CODE_RANGES_MAX);

	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(r[0].va, W + 0x300000);
	assert_int_equal(r[0].end, W + 0x302000);
	assert_int_equal(r[1].va, W + 0x901000);
	assert_int_equal(r[1].end, W + 0x904000);
	assert_int_equal(r[2].va, W + 0x906000);
	assert_int_equal(r[2].end, W + 0x908000);
	assert_false(rt_code_contains(r, n, W + 0x900800));	/* the header */
	assert_true(rt_code_contains(r, n, W + 0x902345));	/* .text */
	assert_false(rt_code_contains(r, n, W + 0x904010));	/* .data */
}

static void test_rt_code_too_many_pieces_fall_back_to_whole_descriptors(void **state)
{
	/* Every other page of the 8-page image executable: 4 pieces there
	 * plus 1 for the other image do not fit in 3. */
	static const struct efi_mdesc mat[] = {
		{ .type = EFI_MT_RT_CODE, .pa = 0x201000, .npages = 1, .attr = RUNTIME | EFI_MEMORY_XP },
		{ .type = EFI_MT_RT_CODE, .pa = 0x203000, .npages = 1, .attr = RUNTIME | EFI_MEMORY_XP },
		{ .type = EFI_MT_RT_CODE, .pa = 0x205000, .npages = 1, .attr = RUNTIME | EFI_MEMORY_XP },
		{ .type = EFI_MT_RT_CODE, .pa = 0x207000, .npages = 1, .attr = RUNTIME | EFI_MEMORY_XP },
	};
	struct rt_code_range r[3];
	size_t n = rt_code_ranges(map, NMAP, mat, 4, r, 3);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(r[1].va, W + 0x900000);
	assert_int_equal(r[1].end, W + 0x908000);
	/* Not even the descriptors fit: one range over all the code. */
	n = rt_code_ranges(map, NMAP, mat, 4, r, 1);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].va, W + 0x300000);
	assert_int_equal(r[0].end, W + 0x908000);
}

static void test_rt_code_adjacent_descriptors_merge(void **state)
{
	static const struct efi_mdesc two[] = {
		{ .type = EFI_MT_RT_CODE, .pa = 0x10000, .va = W + 0x11000, .npages = 1 },
		{ .type = EFI_MT_RT_CODE, .pa = 0x20000, .va = W + 0x10000, .npages = 1 },
	};
	struct rt_code_range r[4];

	(void)state;
	assert_int_equal(rt_code_ranges(two, 2, NULL, 0, r, 4), 1);
	assert_int_equal(r[0].va, W + 0x10000);
	assert_int_equal(r[0].end, W + 0x12000);
	assert_int_equal(rt_code_ranges(two, 2, NULL, 0, r, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_code_without_a_mat_is_every_mapped_code_descriptor_sorted),
		cmocka_unit_test(test_rt_code_contains_only_inside_a_range),
		cmocka_unit_test(test_rt_code_mat_narrows_to_entries_without_xp),
		cmocka_unit_test(test_rt_code_too_many_pieces_fall_back_to_whole_descriptors),
		cmocka_unit_test(test_rt_code_adjacent_descriptors_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
