/* rt/rt_heal.c: which 1:1 alias heals a fault at a physical address. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rt/rt.h"
#include "efi_mem.h"
#include "bootinfo.h"

#define WB	EFI_MEMORY_WB
#define RT	EFI_MEMORY_RUNTIME

/* Shaped like OVMF 2022.11's: low RAM, boot-services data, runtime
 * code and data, reserved, ACPI NVS, the flash, conventional memory. */
static const struct efi_mdesc map[] = {
	{ EFI_MT_BS_CODE, 0, 0x0, 0, 1, WB | 0xF },			/* page 0 */
	{ EFI_MT_CONVENTIONAL, 0, 0x1000, 0, 0x9F, WB | 0xF },
	{ EFI_MT_BS_DATA, 0, 0x1E000000, 0, 0x1000, WB | 0xF },	/* 16 MiB */
	{ EFI_MT_RT_CODE, 0, 0x1F5EC000, 0, 0x100, RT | WB | 0xF },
	{ EFI_MT_RT_DATA, 0, 0x1F6EC000, 0, 0x40, RT | WB | 0xF },
	{ EFI_MT_RESERVED, 0, 0x1F800000, 0, 0x10, WB | 0xF },
	{ EFI_MT_ACPI_NVS, 0, 0x1F810000, 0, 0x10, WB | 0xF },
	{ EFI_MT_MMIO, 0, 0xFFC00000, 0, 0x400, RT | 0x1 },
	{ EFI_MT_CONVENTIONAL, 0, 0x100000000ULL, 0, 0x1000, WB | 0xF },
};
#define N (sizeof(map) / sizeof(map[0]))

static void test_rt_heal_runtime_code_is_aliased_executable_within_its_block(void **state)
{
	struct rt_heal h;

	(void)state;
	assert_null(rt_heal_plan(map, N, 0x1F6E0123, &h));
	assert_int_equal(h.desc, 3);
	assert_int_equal(h.type, EFI_MT_RT_CODE);
	/* The descriptor within the 2 MiB block 0x1F600000..0x1F800000. */
	assert_int_equal(h.pa, 0x1F600000);
	assert_int_equal(h.len, 0x1F6EC000 - 0x1F600000);
	assert_true(h.exec);
	assert_false(h.uncached);
	/* Its first page lies in the block below. */
	assert_null(rt_heal_plan(map, N, 0x1F5EC000, &h));
	assert_int_equal(h.pa, 0x1F5EC000);
	assert_int_equal(h.len, 0x1F600000 - 0x1F5EC000);
}

static void test_rt_heal_data_regions_are_not_executable(void **state)
{
	struct rt_heal h;

	(void)state;
	assert_null(rt_heal_plan(map, N, 0x1F6EC008, &h));
	assert_int_equal(h.type, EFI_MT_RT_DATA);
	assert_false(h.exec);
	assert_null(rt_heal_plan(map, N, 0x1E345678, &h));	/* boot-services data */
	assert_int_equal(h.pa, 0x1E200000);
	assert_int_equal(h.len, 0x200000);
	assert_false(h.exec);
	assert_null(rt_heal_plan(map, N, 0x1F810010, &h));	/* ACPI NVS */
	assert_int_equal(h.desc, 6);
	assert_int_equal(h.len, 0x10000);
}

static void test_rt_heal_device_memory_is_uncached(void **state)
{
	struct rt_heal h;

	(void)state;
	assert_null(rt_heal_plan(map, N, 0xFFC12345, &h));
	assert_true(h.uncached);
	assert_false(h.exec);
	assert_int_equal(h.pa, 0xFFC00000);
	assert_int_equal(h.len, 0x200000);
}

static void test_rt_heal_page0_is_that_page_only(void **state)
{
	struct rt_heal h;

	(void)state;
	assert_null(rt_heal_plan(map, N, 0x8, &h));
	assert_int_equal(h.pa, 0);
	assert_int_equal(h.len, 4096);
	assert_false(h.exec);
	assert_int_equal(h.desc, 0);
	/* Page 0 outside every descriptor still heals. */
	assert_null(rt_heal_plan(map + 1, N - 1, 0x10, &h));
	assert_int_equal(h.desc, -1);
	assert_int_equal(h.len, 4096);
}

static void test_rt_heal_refuses_what_firmware_may_not_use(void **state)
{
	struct rt_heal h;

	(void)state;
	assert_string_equal(rt_heal_plan(map, N, 0x5000, &h),
			    "its descriptor is not one firmware may still use");	/* conventional */
	assert_string_equal(rt_heal_plan(map, N, 0x1F800100, &h),
			    "its descriptor is not one firmware may still use");	/* reserved */
	assert_string_equal(rt_heal_plan(map, N, 0xFEE00030, &h), "no descriptor holds it");
	assert_string_equal(rt_heal_plan(map, N, 0xFFFFFF0000001000ULL, &h), "not a physical address");
	assert_string_equal(rt_heal_plan(NULL, 0, 0x1F6E0123, &h), "no descriptor holds it");
}

static void test_rt_heal_quirk_names_page0_boot_services_or_a_physical_pointer(void **state)
{
	struct rt_quirk q = { .addr = 0x10, .alias = { .desc = 3, .type = EFI_MT_BS_CODE } };

	(void)state;
	/* Page 0 first, whatever descriptor holds it (OVMF: boot-services code). */
	assert_int_equal(rt_heal_quirk(&q), HV_QUIRK_PAGE0_AT_RUNTIME);
	q.alias.desc = -1;
	q.addr = 0x7000;
	assert_int_equal(rt_heal_quirk(&q), HV_QUIRK_PAGE0_AT_RUNTIME);
	q.alias.desc = 3;
	q.addr = 0x7F000000;
	assert_int_equal(rt_heal_quirk(&q), HV_QUIRK_BOOT_SERVICES_MEMORY_AT_RUNTIME);
	q.alias.type = EFI_MT_BS_DATA;
	assert_int_equal(rt_heal_quirk(&q), HV_QUIRK_BOOT_SERVICES_MEMORY_AT_RUNTIME);
	q.alias.type = EFI_MT_RT_CODE;
	assert_int_equal(rt_heal_quirk(&q), HV_QUIRK_PHYSICAL_POINTER_AT_RUNTIME);
	q.alias.type = EFI_MT_ACPI_NVS;
	assert_int_equal(rt_heal_quirk(&q), HV_QUIRK_PHYSICAL_POINTER_AT_RUNTIME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_heal_runtime_code_is_aliased_executable_within_its_block),
		cmocka_unit_test(test_rt_heal_data_regions_are_not_executable),
		cmocka_unit_test(test_rt_heal_device_memory_is_uncached),
		cmocka_unit_test(test_rt_heal_page0_is_that_page_only),
		cmocka_unit_test(test_rt_heal_refuses_what_firmware_may_not_use),
		cmocka_unit_test(test_rt_heal_quirk_names_page0_boot_services_or_a_physical_pointer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
