/* hv/bootinfo.c: the gate every boot info passes before the hypervisor
 * uses it (include/bootinfo.h), and the memory-map helpers behind it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hv/hv.h"
#include "layout.h"

static struct hv_bootinfo bi;
static struct efi_mdesc map[3];

static int build(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof(bi));
	bi.magic = HV_BOOTINFO_MAGIC;
	bi.version = HV_BOOTINFO_VERSION;
	bi.size_bytes = sizeof(bi);
	bi.direct_map_base = HV_DIRECT_MAP_BASE;
	map[0] = (struct efi_mdesc){ .type = EFI_MT_CONVENTIONAL, .pa = 0, .npages = 160 };
	map[1] = (struct efi_mdesc){ .type = EFI_MT_MMIO, .pa = 0xFFC00000ULL, .npages = 1024 };
	map[2] = (struct efi_mdesc){ .type = EFI_MT_BS_DATA, .pa = 0x100000, .npages = 96 };
	bi.memmap = (struct hv_region){ .pa = 0x5000, .va = (uint64_t)(uintptr_t)map,
					.size_bytes = sizeof(map) };
	bi.memmap_count = 3;
	return 0;
}

static void test_bootinfo_accepts_what_the_loader_builds(void **state)
{
	(void)state;
	assert_null(bootinfo_check(&bi));
}

static void test_bootinfo_refuses_no_boot_info(void **state)
{
	(void)state;
	assert_string_equal(bootinfo_check(NULL), "no boot info (rdi was 0)");
}

static void test_bootinfo_refuses_a_wrong_magic_version_or_size(void **state)
{
	(void)state;
	bi.magic ^= 1;
	assert_string_equal(bootinfo_check(&bi), "bad magic (not a hvboot boot info)");
	bi.magic ^= 1;
	bi.version = HV_BOOTINFO_VERSION - 1;
	assert_string_equal(bootinfo_check(&bi), "unsupported version");
	bi.version = HV_BOOTINFO_VERSION;
	bi.size_bytes -= 8;
	assert_string_equal(bootinfo_check(&bi),
			    "size does not match this hypervisor's struct hv_bootinfo");
}

static void test_bootinfo_refuses_a_direct_map_elsewhere(void **state)
{
	(void)state;
	bi.direct_map_base = HV_DIRECT_MAP_BASE + HV_PML4_SLOT_SIZE;
	assert_string_equal(bootinfo_check(&bi), "direct map is not at HV_DIRECT_MAP_BASE");
}

static void test_bootinfo_refuses_a_count_past_the_map_buffer(void **state)
{
	(void)state;
	bi.memmap_count = 4;
	assert_string_equal(bootinfo_check(&bi), "memory map count exceeds its buffer");
}

static void test_bootinfo_refuses_more_modules_than_it_holds(void **state)
{
	(void)state;
	bi.module_count = HV_MODULE_MAX;
	assert_null(bootinfo_check(&bi));
	bi.module_count = HV_MODULE_MAX + 1;
	assert_string_equal(bootinfo_check(&bi), "more modules than HV_MODULE_MAX");
}

static void test_bootinfo_counts_only_ram(void **state)
{
	size_t n = 0;

	(void)state;
	assert_ptr_equal(bootinfo_memmap(&bi, &n), map);
	assert_int_equal(n, 3);
	/* Conventional + boot-services data; MMIO is not RAM. */
	assert_int_equal(bootinfo_ram_bytes(&bi), (160 + 96) * 4096ULL);
	bi.memmap.va = 0;
	assert_int_equal(bootinfo_ram_bytes(&bi), 0);
}

static void test_bootinfo_names_every_stamp(void **state)
{
	(void)state;
	for (unsigned s = 0; s < HV_TS_COUNT; s++)
		assert_string_not_equal(bootinfo_stamp_name(s), "?");
	assert_string_equal(bootinfo_stamp_name(HV_TS_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bootinfo_accepts_what_the_loader_builds, build),
		cmocka_unit_test_setup(test_bootinfo_refuses_no_boot_info, build),
		cmocka_unit_test_setup(test_bootinfo_refuses_more_modules_than_it_holds, build),
		cmocka_unit_test_setup(test_bootinfo_refuses_a_wrong_magic_version_or_size, build),
		cmocka_unit_test_setup(test_bootinfo_refuses_a_direct_map_elsewhere, build),
		cmocka_unit_test_setup(test_bootinfo_refuses_a_count_past_the_map_buffer, build),
		cmocka_unit_test_setup(test_bootinfo_counts_only_ram, build),
		cmocka_unit_test_setup(test_bootinfo_names_every_stamp, build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
