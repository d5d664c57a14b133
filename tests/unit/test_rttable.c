/* loader/rttable.c: the runtime services table as SetVirtualAddressMap
 * leaves it (UEFI 2.10 §4.5, §8.4), against a plan of three runtime
 * regions and tables built here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "loader/rttable.h"
#include "loader/crc32.h"

#define WIN		0xFFFFFF0000000000ULL
#define CODE_PA		0x7E000000ULL
#define DATA_PA		0x7E100000ULL
#define DATA_VA		(WIN + DATA_PA)
#define CODE_VA		(WIN + CODE_PA)
#define TABLE_PA	(DATA_PA + 0x2A0)

static struct rtwin_plan plan;
static uint8_t table[RTTABLE_BYTES];

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static void set_fn(unsigned i, uint64_t va)
{
	put64(table + RTTABLE_HEADER_BYTES + 8 * i, va);
}

/* Runtime code (16 pages) and data (32 pages) in the window, one MMIO
 * region; every service in the code, SetVirtualAddressMap and
 * ConvertPointer left physical as EDK2 leaves them. */
static int build(void **state)
{
	(void)state;
	memset(&plan, 0, sizeof(plan));
	plan.base = WIN;
	plan.count = 3;
	plan.r[0] = (struct rt_region){ .type = EFI_MT_RT_CODE, .pa = CODE_PA, .npages = 16,
					.va = CODE_VA };
	plan.r[1] = (struct rt_region){ .type = EFI_MT_RT_DATA, .pa = DATA_PA, .npages = 32,
					.va = DATA_VA };
	plan.r[2] = (struct rt_region){ .type = EFI_MT_MMIO, .pa = 0xFFC00000ULL, .npages = 1024,
					.va = WIN + 0xFFC00000ULL };
	memset(table, 0, sizeof(table));
	put64(table, RTTABLE_SIGNATURE);
	for (unsigned i = 0; i < RTTABLE_SERVICES; i++)
		set_fn(i, CODE_VA + 0x100 * i);
	set_fn(4, CODE_PA + 0x400);
	set_fn(5, CODE_PA + 0x500);
	return 0;
}

static void test_rttable_accepts_a_converted_table_and_gives_its_va(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	assert_null(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks));
	assert_int_equal(va, DATA_VA + 0x2A0);
	/* EDK2 leaves entries 4 and 5 physical: recorded as its quirk. */
	assert_int_equal(quirks, 1U << HV_QUIRK_SVAM_POINTERS_PHYSICAL);
}

static void test_rttable_records_no_quirk_when_every_pointer_was_converted(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	set_fn(4, CODE_VA + 0x400);
	set_fn(5, CODE_VA + 0x500);
	assert_null(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks));
	assert_int_equal(quirks, 0);
}

static void test_rttable_refuses_a_bad_signature(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	table[0] ^= 0x20;
	assert_string_equal(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks),
			    "runtime table has a bad signature");
	assert_int_equal(detail, RTTABLE_SIGNATURE ^ 0x20);
	assert_int_equal(va, 0);
}

static void test_rttable_refuses_a_table_outside_every_runtime_region(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	assert_string_equal(rttable_check(table, 0x1000, &plan, &va, &detail, &quirks),
			    "runtime table is not in a runtime region, pa");
	assert_int_equal(detail, 0x1000);
}

static void test_rttable_refuses_a_pointer_left_physical(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	set_fn(0, CODE_PA + 0x10);	/* GetTime not converted */
	assert_string_equal(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks),
			    "runtime service pointer outside runtime code after "
			    "SetVirtualAddressMap:");
	assert_int_equal(detail, CODE_PA + 0x10);
}

static void test_rttable_refuses_a_pointer_into_runtime_data(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	set_fn(13, DATA_VA + 8);	/* QueryVariableInfo into data */
	assert_non_null(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks));
	assert_int_equal(detail, DATA_VA + 8);
}

static void test_rttable_refuses_a_pointer_just_past_the_code(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	set_fn(10, CODE_VA + 16 * 4096);	/* ResetSystem one byte past the end */
	assert_non_null(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks));
	set_fn(10, CODE_VA + 16 * 4096 - 1);
	assert_null(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks));
}

static void test_rttable_ignores_the_boot_time_only_entries(void **state)
{
	uint64_t va = 0, detail = 0;
	uint32_t quirks = 0;

	(void)state;
	set_fn(4, 0xDEAD0000ULL);
	set_fn(5, 0);
	assert_null(rttable_check(table, TABLE_PA, &plan, &va, &detail, &quirks));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* HeaderSize = the whole table, CRC32 over it with the field zero. */
static void seal(void)
{
	put32(table + 12, RTTABLE_BYTES);
	put32(table + 16, 0);
	put32(table + 16, crc32_update(0, table, RTTABLE_BYTES));
}

static void test_rttable_crc_matches_a_sealed_table(void **state)
{
	uint64_t detail = 0;

	(void)state;
	seal();
	assert_null(rttable_crc_check(table, sizeof(table), &detail));
}

static void test_rttable_crc_mismatch_after_a_patched_entry(void **state)
{
	uint64_t detail = 0;

	(void)state;
	seal();
	set_fn(0, CODE_VA + 0x800);
	assert_string_equal(rttable_crc_check(table, sizeof(table), &detail),
			    "runtime table CRC32 does not match its header");
	assert_int_equal(detail, table[16] | table[17] << 8 | table[18] << 16 |
			 (uint32_t)table[19] << 24);
	/* The CRC32 is computed with its own field zero, not over itself. */
	seal();
	put32(table + 16, crc32_update(0, table, RTTABLE_BYTES));
	assert_non_null(rttable_crc_check(table, sizeof(table), &detail));
}

static void test_rttable_crc_refuses_a_header_size_outside_the_table(void **state)
{
	uint64_t detail = 0;

	(void)state;
	seal();
	put32(table + 12, 8);
	assert_string_equal(rttable_crc_check(table, sizeof(table), &detail),
			    "runtime table header size is outside the table");
	put32(table + 12, RTTABLE_BYTES + 1);
	assert_non_null(rttable_crc_check(table, sizeof(table), &detail));
	seal();
	assert_non_null(rttable_crc_check(table, RTTABLE_BYTES - 1, &detail));
	assert_non_null(rttable_crc_check(table, 10, &detail));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rttable_accepts_a_converted_table_and_gives_its_va, build),
		cmocka_unit_test_setup(test_rttable_records_no_quirk_when_every_pointer_was_converted, build),
		cmocka_unit_test_setup(test_rttable_refuses_a_bad_signature, build),
		cmocka_unit_test_setup(test_rttable_refuses_a_table_outside_every_runtime_region, build),
		cmocka_unit_test_setup(test_rttable_refuses_a_pointer_left_physical, build),
		cmocka_unit_test_setup(test_rttable_refuses_a_pointer_into_runtime_data, build),
		cmocka_unit_test_setup(test_rttable_refuses_a_pointer_just_past_the_code, build),
		cmocka_unit_test_setup(test_rttable_ignores_the_boot_time_only_entries, build),
		cmocka_unit_test_setup(test_rttable_crc_matches_a_sealed_table, build),
		cmocka_unit_test_setup(test_rttable_crc_mismatch_after_a_patched_entry, build),
		cmocka_unit_test_setup(test_rttable_crc_refuses_a_header_size_outside_the_table, build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
