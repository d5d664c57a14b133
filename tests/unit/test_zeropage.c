/* hv/vm/linux/zeropage.c: the e820 map of guest memory and the zero page's
 * fields at the boot protocol's offsets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/vm/linux/linuxboot.h"
#include "loader/bytes.h"
#include "loader/pt.h"

#include "fake_bzimage.h"

/* ---------------------------------------------------------------- e820 */

static void test_e820_marks_reserved_and_ram_in_order(void **state)
{
	static const struct zp_range r[2] = { { 0, 0x80000 }, { 0x9F000, 0x61000 } };
	struct e820_entry e[8];
	size_t n = 0;

	(void)state;
	assert_null(e820_build(MEM, r, 2, e, 8, &n));
	assert_int_equal(n, 4);
	assert_true(e[0].addr == 0 && e[0].size == 0x80000 && e[0].type == E820_RESERVED);
	assert_true(e[1].addr == 0x80000 && e[1].size == 0x1F000 && e[1].type == E820_RAM);
	assert_true(e[2].addr == 0x9F000 && e[2].size == 0x61000 && e[2].type == E820_RESERVED);
	assert_true(e[3].addr == 0x100000 && e[3].size == MEM - 0x100000 && e[3].type == E820_RAM);
}

static void test_e820_merges_touching_ranges_and_skips_empty_ones(void **state)
{
	static const struct zp_range r[3] = { { 0x1000, 0x1000 }, { 0x2000, 0 }, { 0x2000, 0x2000 } };
	struct e820_entry e[8];
	size_t n = 0;

	(void)state;
	assert_null(e820_build(MEM, r, 3, e, 8, &n));
	assert_int_equal(n, 3);
	assert_true(e[0].addr == 0 && e[0].size == 0x1000 && e[0].type == E820_RAM);
	assert_true(e[1].addr == 0x1000 && e[1].size == 0x3000 && e[1].type == E820_RESERVED);
	assert_true(e[2].addr == 0x4000 && e[2].size == MEM - 0x4000 && e[2].type == E820_RAM);
}

static void test_e820_refuses_overlap_disorder_and_ranges_outside(void **state)
{
	static const char why[] = "reserved ranges overlap, are unsorted or leave guest memory";
	static const struct zp_range overlap[2] = { { 0, 0x2000 }, { 0x1000, 0x1000 } };
	static const struct zp_range outside[1] = { { MEM - 0x1000, 0x2000 } };
	static const struct zp_range wrap[1] = { { 0x1000, UINT64_MAX } };
	struct e820_entry e[8];
	size_t n;

	(void)state;
	assert_string_equal(e820_build(MEM, overlap, 2, e, 8, &n), why);
	assert_string_equal(e820_build(MEM, outside, 1, e, 8, &n), why);
	assert_string_equal(e820_build(MEM, wrap, 1, e, 8, &n), why);
}

static void test_e820_refuses_more_entries_than_room(void **state)
{
	static const struct zp_range r[2] = { { 0x1000, 0x1000 }, { 0x4000, 0x1000 } };
	struct e820_entry e[5];
	size_t n;

	(void)state;
	assert_string_equal(e820_build(MEM, r, 2, e, 4, &n),
			    "guest memory map needs more e820 entries than the zero page holds");
	assert_null(e820_build(MEM, r, 2, e, 5, &n));
	assert_int_equal(n, 5);
}

/* ---------------------------------------------------------------- zero page */

static void test_zeropage_copies_the_header_and_fills_the_loader_fields(void **state)
{
	static const struct e820_entry e820[2] = {
		{ 0, 0x80000, E820_RESERVED }, { 0x100000, 0x3F00000, E820_RAM } };
	static const struct zp_params p = {
		.cmdline_gpa = 0x2000, .initrd_gpa = 0x3E00000, .initrd_bytes = 0x123456,
		.e820 = e820, .e820_count = 2,
	};
	uint8_t zp[ZP_BYTES];

	(void)state;
	memset(zp, 0xEE, sizeof(zp));
	assert_null(zeropage_build(zp, img, &k, &p));
	/* Everything below the header is zero, the sentinel (0x1EF) too. */
	for (int i = 0; i < 0x1F1; i++)
		if (i != ZP_E820_ENTRIES && zp[i])
			fail_msg("byte 0x%x is 0x%02x", i, zp[i]);
	/* The header as in the file, except what the loader fills in. */
	for (int i = 0x1F1; i < 0x26C; i++) {
		if ((i >= 0x218 && i < 0x220) || (i >= 0x228 && i < 0x22C) || i == 0x210)
			continue;
		if (zp[i] != img[i])
			fail_msg("header byte 0x%x is 0x%02x, file 0x%02x", i, zp[i], img[i]);
	}
	/* Past the header's end: zero, not the file's bytes. */
	for (int i = 0x26C; i < ZP_E820_TABLE; i++)
		if (zp[i])
			fail_msg("byte 0x%x past the header is 0x%02x", i, zp[i]);
	assert_int_equal(zp[0x210], 0xFF);			/* type_of_loader */
	assert_int_equal(ld32(zp + 0x228), 0x2000);		/* cmd_line_ptr */
	assert_int_equal(ld32(zp + 0x218), 0x3E00000);		/* ramdisk_image */
	assert_int_equal(ld32(zp + 0x21C), 0x123456);		/* ramdisk_size */
	assert_int_equal(ld32(zp + 0xC0), 0);
	assert_int_equal(ld32(zp + 0xC4), 0);
	assert_int_equal(ld32(zp + 0xC8), 0);
	assert_int_equal(zp[0x1E8], 2);
	assert_true(ld64(zp + 0x2D0) == 0 && ld64(zp + 0x2D8) == 0x80000 && ld32(zp + 0x2E0) == 2);
	assert_true(ld64(zp + 0x2E4) == 0x100000 && ld64(zp + 0x2EC) == 0x3F00000 &&
		    ld32(zp + 0x2F4) == 1);
	for (int i = 0x2F8; i < ZP_BYTES; i++)
		if (zp[i])
			fail_msg("byte 0x%x past the e820 table is 0x%02x", i, zp[i]);
}

static void test_zeropage_splits_addresses_above_4_gib_into_ext_fields(void **state)
{
	struct zp_params p = { .cmdline_gpa = 0x123456789ULL, .initrd_gpa = 0x200001000ULL,
			       .initrd_bytes = 0x100000000ULL };
	uint8_t zp[ZP_BYTES];

	(void)state;
	put32(0x22C, 0xFFFFFFFF);
	k.initrd_addr_max = 0xFFFFFFFF;
	assert_string_equal(zeropage_build(zp, img, &k, &p),
			    "initrd lies above the kernel's initrd_addr_max");
	k.initrd_addr_max = UINT32_MAX;
	p.initrd_gpa = 0x1000;
	p.initrd_bytes = 0x100000000ULL - 0x1000;
	assert_null(zeropage_build(zp, img, &k, &p));
	assert_int_equal(ld32(zp + 0x228), 0x23456789);
	assert_int_equal(ld32(zp + 0xC8), 1);
	assert_int_equal(ld32(zp + 0x21C), 0xFFFFF000);
	assert_int_equal(ld32(zp + 0xC4), 0);
}

static void test_zeropage_refuses_an_initrd_above_initrd_addr_max(void **state)
{
	struct zp_params p = { .cmdline_gpa = 0x2000, .initrd_gpa = 0x7FFFF000, .initrd_bytes = 0x1000 };
	uint8_t zp[ZP_BYTES];

	(void)state;
	assert_null(zeropage_build(zp, img, &k, &p));
	p.initrd_bytes = 0x1001;
	assert_string_equal(zeropage_build(zp, img, &k, &p),
			    "initrd lies above the kernel's initrd_addr_max");
	p.initrd_gpa = UINT64_MAX - 4;
	p.initrd_bytes = 0x10;
	assert_string_equal(zeropage_build(zp, img, &k, &p),
			    "initrd lies above the kernel's initrd_addr_max");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_e820_marks_reserved_and_ram_in_order, build),
		cmocka_unit_test_setup(test_e820_merges_touching_ranges_and_skips_empty_ones, build),
		cmocka_unit_test_setup(test_e820_refuses_overlap_disorder_and_ranges_outside, build),
		cmocka_unit_test_setup(test_e820_refuses_more_entries_than_room, build),
		cmocka_unit_test_setup(test_zeropage_copies_the_header_and_fills_the_loader_fields, build),
		cmocka_unit_test_setup(test_zeropage_splits_addresses_above_4_gib_into_ext_fields, build),
		cmocka_unit_test_setup(test_zeropage_refuses_an_initrd_above_initrd_addr_max, build),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(mem);
	return rc;
}
