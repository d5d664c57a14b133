/* pt_audit: the page-table audit finds every broken promise and nothing
 * else. Tables are built with hvmap_build into a host arena. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "loader/ptaudit.h"
#include "loader/hvmap.h"
#include "layout.h"
#include "page_arena.h"

#define ARENA_PAGES 512

static uint8_t arena_mem[ARENA_PAGES][4096] __attribute__((aligned(4096)));
static struct page_arena arena = { arena_mem, PAGE_ARENA_PA, 0, ARENA_PAGES };

/* RAM, a runtime code + data pair, and the flash MMIO, as OVMF 2022.11 lays them out. */
static struct efi_mdesc map[] = {
	{ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 0x1000, 0xF },
	{ EFI_MT_RT_CODE, 0, 0x1100000, 0, 16, 0x800000000000000FULL },
	{ EFI_MT_RT_DATA, 0, 0x1110000, 0, 16, 0x800000000000000FULL },
	{ EFI_MT_MMIO, 0, 0xFFC00000, 0, 1024, 0x8000000000000001ULL },
};
static const uint64_t guards[] = { HV_STACK_GUARD_VA, HV_RTSTACK_GUARD_VA };
static struct rtwin_plan plan;
static struct pt_builder b;

static void build(uint64_t trampoline_pa)
{
	struct efi_mmap raw = { map, sizeof(map), sizeof(map[0]) };
	struct hvmap_error err;

	assert_null(rtwin_plan(&raw, HV_RT_WINDOW_DEFAULT, HV_RT_LAYOUT_OFFSET, &plan));
	for (uint32_t i = 0; i < plan.count; i++)
		map[plan.r[i].desc_index].va = plan.r[i].va;
	struct hvmap_input in = {
		.map = map, .count = 4, .stack_pa = 0x200000, .rt_stack_pa = 0x300000,
		.trampoline_pa = trampoline_pa, .rt = &plan,
	};
	arena.used = 0;
	b = (struct pt_builder){ .alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr,
				 .ctx = &arena,
				 .allow_nx = true, .allow_1g = true };
	assert_int_equal(pt_init(&b), PT_OK);
	assert_int_equal(hvmap_build(&b, &in, &err), PT_OK);
}

static struct pt_audit_input input(bool mat)
{
	return (struct pt_audit_input){
		.map = map, .count = 4, .mat_present = mat,
		.check_runtime = true, .guards = guards, .nguards = 2,
		.lower_half_ok_va = ~0ULL,
	};
}

static void test_ptaudit_clean_space_has_no_findings(void **state)
{
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0);
	pt_audit(&b, &in, &r);
	assert_int_equal(pt_audit_findings(&r), 0);
	assert_null(r.problem);
	assert_int_equal(r.rt_regions, 3);
	assert_int_equal(r.rt_pages, 16 + 16 + 1024);
	/* Runtime code without a MAT is RWX: reported, not a finding. */
	assert_true(r.wx_rt_code_leaves > 0);
	assert_int_equal(r.wx_leaves, 0);
	/* 0x100000..0x1120000 (RAM and runtime code/data, all WB): 4 KiB up
	 * to 2 MiB, 7 large pages, then 4 KiB for the cut last block. */
	assert_int_equal(r.direct_leaves, 256 + 7 + 288);
	assert_int_equal(r.direct_bad, 0);
}

/* README, What happens at boot: a direct-map page never covers a hole,
 * MMIO, reserved memory or another cacheability, and maps base + pa. */
static void test_ptaudit_finds_direct_map_pages_over_holes_mmio_or_elsewhere(void **state)
{
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0);
	/* Past the last RAM (a hole), over the flash MMIO, and a page whose
	 * pa is RAM but not base + va. */
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0x1200000, 0x1200000, 0x1000,
				      PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0xFFC00000, 0xFFC00000, 0x200000,
				      PT_MAP_W | PT_MAP_UC), PT_OK);
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0x40000000, 0x200000, 0x1000,
				      PT_MAP_W), PT_OK);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.direct_bad, 3);
	assert_int_equal(pt_audit_findings(&r), 3);
	assert_string_equal(r.problem, "direct-map page not over RAM of one cacheability");
	assert_int_equal(r.problem_va, HV_DIRECT_MAP_BASE + 0x1200000);
}

static void test_ptaudit_finds_a_direct_map_page_cached_against_its_ram(void **state)
{
	static struct efi_mdesc uc_map[] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x200000, 0, 0x200, 0xF },
		{ EFI_MT_BS_DATA, 0, 0x400000, 0, 0x100, 0x1 },		/* UC only */
		{ EFI_MT_BS_DATA, 0, 0x500000, 0, 0x100, 0xF },
	};
	struct pt_audit_input in = {
		.map = uc_map, .count = 3, .lower_half_ok_va = ~0ULL,
	};
	struct pt_audit_result r;

	(void)state;
	arena.used = 0;
	b = (struct pt_builder){ .alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr,
				 .ctx = &arena, .allow_nx = true };
	assert_int_equal(pt_init(&b), PT_OK);
	/* 0x200000: right (WB). 0x400000: one large page over UC and WB RAM.
	 * The same range mapped as hvmap does instead is clean. */
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0x200000, 0x200000, 0x200000,
				      PT_MAP_W), PT_OK);
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0x400000, 0x400000, 0x200000,
				      PT_MAP_W), PT_OK);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.direct_leaves, 2);
	assert_int_equal(r.direct_bad, 1);
	assert_int_equal(r.problem_va, HV_DIRECT_MAP_BASE + 0x400000);

	arena.used = 0;
	assert_int_equal(pt_init(&b), PT_OK);
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0x400000, 0x400000, 0x100000,
				      PT_MAP_W | PT_MAP_UC), PT_OK);
	assert_int_equal(pt_map_range(&b, HV_DIRECT_MAP_BASE + 0x500000, 0x500000, 0x100000,
				      PT_MAP_W), PT_OK);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.direct_leaves, 512);
	assert_int_equal(pt_audit_findings(&r), 0);
}

static void test_ptaudit_runtime_code_wx_is_a_finding_with_a_mat(void **state)
{
	struct pt_audit_input in = input(true);
	struct pt_audit_result r;

	(void)state;
	build(0);
	pt_audit(&b, &in, &r);
	assert_true(r.wx_leaves > 0);
	assert_string_equal(r.problem, "page both writable and executable");
}

/* Two runtime code images back to back, 1 MiB each from a 2 MiB boundary:
 * hvmap_build maps them as one range, so one 2 MiB RWX leaf spans both.
 * Without a MAT that is runtime code, reported, not a finding. */
static void test_ptaudit_accepts_a_wx_leaf_across_neighbouring_runtime_code(void **state)
{
	static struct efi_mdesc two[] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 0xF00, 0xF },
		{ EFI_MT_RT_CODE, 0, 0x1000000, 0, 256, 0x800000000000000FULL },
		{ EFI_MT_RT_CODE, 0, 0x1100000, 0, 256, 0x800000000000000FULL },
	};
	struct efi_mmap raw = { two, sizeof(two), sizeof(two[0]) };
	struct hvmap_error err;
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;
	struct pt_walk w;

	(void)state;
	assert_null(rtwin_plan(&raw, HV_RT_WINDOW_DEFAULT, HV_RT_LAYOUT_OFFSET, &plan));
	for (uint32_t i = 0; i < plan.count; i++)
		two[plan.r[i].desc_index].va = plan.r[i].va;
	struct hvmap_input hin = { .map = two, .count = 3, .rt = &plan };

	arena.used = 0;
	b = (struct pt_builder){ .alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr,
				 .ctx = &arena, .allow_nx = true, .allow_1g = true };
	assert_int_equal(pt_init(&b), PT_OK);
	assert_int_equal(hvmap_build(&b, &hin, &err), PT_OK);
	assert_int_equal(pt_walk(&b, HV_RT_WINDOW_DEFAULT + 0x1000000, &w), PT_OK);
	assert_int_equal(w.page_size, 0x200000);
	assert_true(w.writable && w.executable);
	in.map = two;
	in.count = 3;
	pt_audit(&b, &in, &r);
	assert_int_equal(r.wx_rt_code_leaves, 1);
	assert_int_equal(r.wx_leaves, 0);
	assert_int_equal(pt_audit_findings(&r), 0);

	/* Half of it runtime data instead: no longer code, a finding. */
	two[2].type = EFI_MT_RT_DATA;
	pt_audit(&b, &in, &r);
	assert_int_equal(r.wx_leaves, 1);
	assert_string_equal(r.problem, "page both writable and executable");
}

static void test_ptaudit_finds_the_trampoline_in_the_lower_half(void **state)
{
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0x8000);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.lower_half_leaves, 1);
	assert_int_equal(r.problem_va, 0x8000);
	in.lower_half_ok_va = 0x8000;	/* before the hypervisor drops it */
	pt_audit(&b, &in, &r);
	assert_int_equal(pt_audit_findings(&r), 0);
}

static void test_ptaudit_finds_a_mapped_va0_and_guard(void **state)
{
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0);
	assert_int_equal(pt_map_range(&b, 0, 0x100000, 4096, 0), PT_OK);
	assert_int_equal(pt_map_range(&b, HV_STACK_GUARD_VA, 0x100000, 4096, PT_MAP_4K), PT_OK);
	pt_audit(&b, &in, &r);
	assert_true(r.va0_mapped);
	assert_int_equal(r.guards_mapped, 1);
	assert_int_equal(pt_audit_findings(&r), 1 + 1 + 1);	/* + lower half leaf */
}

static void test_ptaudit_finds_unmapped_and_miscached_runtime_pages(void **state)
{
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.rt_pages_bad, 0);
	/* One page of runtime code left out. */
	assert_int_equal(pt_unmap_range(&b, map[1].va + 0x3000, 4096), PT_OK);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.rt_pages_bad, 1);
	assert_int_equal(r.problem_va, map[1].va + 0x3000);
	/* Runtime data mapped UC where its attributes say WB. */
	build(0);
	assert_int_equal(pt_unmap_range(&b, map[2].va, 4096), PT_OK);
	assert_int_equal(pt_map_range(&b, map[2].va, map[2].pa, 4096, PT_MAP_W | PT_MAP_UC | PT_MAP_4K),
			 PT_OK);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.rt_pages_bad, 1);
	assert_int_equal(r.problem_va, map[2].va);
}

static void test_ptaudit_counts_strays_outside_allowed_ranges(void **state)
{
	struct pt_audit_range only_window[] = { { HV_RT_WINDOW_DEFAULT, HV_PML4_SLOT_SIZE } };
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0);
	in.allowed = only_window;
	in.nallowed = 1;
	pt_audit(&b, &in, &r);
	/* The stacks and the direct map are outside the runtime window. */
	assert_true(r.strays > 0);
	assert_string_equal(r.problem, "mapping outside the allowed ranges");
}

/* The runtime space's 1:1 aliases (rt_compat heal/alias): expected where
 * announced, a finding anywhere else. */
static void test_ptaudit_accepts_announced_aliases_and_only_them(void **state)
{
	struct pt_audit_range aliases[] = { { 0, 4096 }, { 0x1100000, 16 * 4096 } };
	struct pt_audit_input in = input(false);
	struct pt_audit_result r;

	(void)state;
	build(0);
	assert_int_equal(pt_map_range(&b, 0, 0, 4096, PT_MAP_W | PT_MAP_4K), PT_OK);
	assert_int_equal(pt_map_range(&b, 0x1100000, 0x1100000, 16 * 4096, PT_MAP_X | PT_MAP_4K),
			 PT_OK);
	pt_audit(&b, &in, &r);
	assert_true(r.va0_mapped);
	assert_int_equal(r.lower_half_leaves, 17);
	in.aliases = aliases;
	in.naliases = 2;
	pt_audit(&b, &in, &r);
	assert_int_equal(pt_audit_findings(&r), 0);
	assert_int_equal(r.alias_leaves, 17);
	/* One page past an alias is a finding again. */
	assert_int_equal(pt_map_range(&b, 0x1110000, 0x1110000, 4096, PT_MAP_4K), PT_OK);
	pt_audit(&b, &in, &r);
	assert_int_equal(r.lower_half_leaves, 1);
	assert_int_equal(r.problem_va, 0x1110000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ptaudit_clean_space_has_no_findings),
		cmocka_unit_test(test_ptaudit_runtime_code_wx_is_a_finding_with_a_mat),
		cmocka_unit_test(test_ptaudit_accepts_a_wx_leaf_across_neighbouring_runtime_code),
		cmocka_unit_test(test_ptaudit_finds_the_trampoline_in_the_lower_half),
		cmocka_unit_test(test_ptaudit_finds_a_mapped_va0_and_guard),
		cmocka_unit_test(test_ptaudit_finds_unmapped_and_miscached_runtime_pages),
		cmocka_unit_test(test_ptaudit_counts_strays_outside_allowed_ranges),
		cmocka_unit_test(test_ptaudit_finds_direct_map_pages_over_holes_mmio_or_elsewhere),
		cmocka_unit_test(test_ptaudit_finds_a_direct_map_page_cached_against_its_ram),
		cmocka_unit_test(test_ptaudit_accepts_announced_aliases_and_only_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
