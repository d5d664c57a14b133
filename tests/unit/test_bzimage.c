/* hv/vm/linux/bzimage.c: the setup header checks, in their order, and the
 * kernel's placement in guest memory. The image is built field by field
 * from the boot protocol's offsets, like Debian's 6.1 cloud kernel
 * (protocol 2.15, 39 setup sectors, relocatable, 2 MiB alignment). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hv/vm/linux/bzimage.h"

#define SETUP_SECTS	39
#define SETUP_BYTES	((SETUP_SECTS + 1) * 512)
#define KERNEL_BYTES	(64 * 1024)
#define FILE_BYTES	(SETUP_BYTES + KERNEL_BYTES)

static uint8_t img[FILE_BYTES];
static struct bzimage k;

static void put16(uint32_t off, uint16_t v) { img[off] = (uint8_t)v; img[off + 1] = (uint8_t)(v >> 8); }
static void put32(uint32_t off, uint32_t v) { put16(off, (uint16_t)v); put16(off + 2, (uint16_t)(v >> 16)); }
static void put64(uint32_t off, uint64_t v) { put32(off, (uint32_t)v); put32(off + 4, (uint32_t)(v >> 32)); }

static int build(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	img[0x1F1] = SETUP_SECTS;
	put32(0x1F4, KERNEL_BYTES / 16);	/* syssize */
	put16(0x1FE, 0xAA55);
	img[0x200] = 0xEB;			/* jmp short */
	img[0x201] = 0x6A;			/* header ends at 0x26C */
	memcpy(img + 0x202, "HdrS", 4);
	put16(0x206, 0x020F);
	img[0x211] = 0x01;			/* LOADED_HIGH */
	put32(0x22C, 0x7FFFFFFF);		/* initrd_addr_max */
	put32(0x230, 0x200000);			/* kernel_alignment */
	img[0x234] = 1;				/* relocatable */
	put16(0x236, 0x7F);			/* xloadflags, KERNEL_64 among them */
	put32(0x238, 2047);			/* cmdline_size */
	put32(0x248, 716);			/* payload_offset */
	put32(0x24C, KERNEL_BYTES - 1024);	/* payload_length */
	put64(0x258, 0x1000000);		/* pref_address */
	put32(0x260, 0x3378000);		/* init_size */
	return 0;
}

static const char *parse(void)
{
	const char *why;

	memset(&k, 0x5A, sizeof(k));
	why = bzimage_parse(img, sizeof(img), &k);
	return why ? why : "(ok)";
}

static void test_bzimage_reads_debians_header(void **state)
{
	(void)state;
	assert_true(bzimage_detect(img, sizeof(img)));
	assert_string_equal(parse(), "(ok)");
	assert_int_equal(k.version, 0x020F);
	assert_int_equal(k.setup_bytes, SETUP_BYTES);
	assert_int_equal(k.header_end, 0x26C);
	assert_int_equal(k.kernel_offset, SETUP_BYTES);
	assert_int_equal(k.kernel_bytes, KERNEL_BYTES);
	assert_true(k.pref_address == 0x1000000);
	assert_int_equal(k.kernel_alignment, 0x200000);
	assert_true(k.relocatable);
	assert_int_equal(k.init_size, 0x3378000);
	assert_int_equal(k.initrd_addr_max, 0x7FFFFFFF);
	assert_int_equal(k.cmdline_size, 2047);
}

static void test_bzimage_detect_wants_hdrs(void **state)
{
	static const uint8_t elf[0x300] = { 0x7F, 'E', 'L', 'F' };

	(void)state;
	assert_false(bzimage_detect(elf, sizeof(elf)));
	assert_false(bzimage_detect(img, 0x205));
}

static void test_bzimage_refuses_a_short_file(void **state)
{
	(void)state;
	assert_string_equal(bzimage_parse(img, 0x267, &k), "file too small for a bzImage setup header");
}

static void test_bzimage_refuses_no_hdrs_or_no_boot_flag(void **state)
{
	(void)state;
	img[0x202] = 'h';
	assert_string_equal(parse(), "no HdrS setup header (not a bzImage)");
	img[0x202] = 'H';
	put16(0x1FE, 0x55AA);
	assert_string_equal(parse(), "boot sector flag is not 0xAA55");
}

static void test_bzimage_refuses_protocol_before_2_12(void **state)
{
	(void)state;
	put16(0x206, 0x020B);
	assert_string_equal(parse(), "boot protocol older than 2.12");
	put16(0x206, 0x020C);
	assert_string_equal(parse(), "(ok)");
}

static void test_bzimage_refuses_zimage_and_32_bit_only(void **state)
{
	(void)state;
	img[0x211] = 0;
	assert_string_equal(parse(), "kernel does not load high (a zImage, not a bzImage)");
	img[0x211] = 1;
	put16(0x236, 0x7E);
	assert_string_equal(parse(), "no 64-bit entry point (XLF_KERNEL_64 clear)");
}

static void test_bzimage_refuses_setup_past_the_file(void **state)
{
	(void)state;
	img[0x1F1] = 200;	/* 201 sectors > the file */
	assert_string_equal(parse(), "setup code extends past end of file");
}

static void test_bzimage_setup_sects_zero_means_four(void **state)
{
	(void)state;
	img[0x1F1] = 0;
	assert_string_equal(parse(), "(ok)");
	assert_int_equal(k.setup_bytes, 5 * 512);
	assert_int_equal(k.kernel_bytes, FILE_BYTES - 5 * 512);
}

static void test_bzimage_refuses_a_header_end_outside_its_room(void **state)
{
	static const char why[] = "setup header end (jump at 0x200) outside 0x268..0x290 or the setup code";

	(void)state;
	img[0x201] = 0x65;	/* 0x267 */
	assert_string_equal(parse(), why);
	img[0x201] = 0x8F;	/* 0x291 */
	assert_string_equal(parse(), why);
	img[0x201] = 0x8E;	/* 0x290 */
	assert_string_equal(parse(), "(ok)");
}

static void test_bzimage_refuses_syssize_zero_or_past_the_file(void **state)
{
	(void)state;
	put32(0x1F4, 0);
	assert_string_equal(parse(), "syssize is zero (no protected-mode kernel)");
	put32(0x1F4, KERNEL_BYTES / 16 + 1);
	assert_string_equal(parse(), "protected-mode kernel (syssize) extends past end of file");
	put32(0x1F4, 0xFFFFFFFF);
	assert_string_equal(parse(), "protected-mode kernel (syssize) extends past end of file");
}

static void test_bzimage_refuses_a_payload_past_the_file(void **state)
{
	(void)state;
	put32(0x24C, KERNEL_BYTES - 716 + 1);
	assert_string_equal(parse(), "compressed payload extends past end of file");
	put32(0x248, 0xFFFFFFFF);
	put32(0x24C, 2);
	assert_string_equal(parse(), "compressed payload extends past end of file");
}

static void test_bzimage_refuses_init_size_below_the_kernel(void **state)
{
	(void)state;
	put32(0x260, KERNEL_BYTES - 1);
	assert_string_equal(parse(), "init_size smaller than the kernel it must hold");
}

static void test_bzimage_refuses_a_bad_alignment_when_relocatable(void **state)
{
	static const char why[] = "kernel_alignment is not a power of two of at least 4 KiB";

	(void)state;
	put32(0x230, 0x300000);
	assert_string_equal(parse(), why);
	put32(0x230, 0x800);
	assert_string_equal(parse(), why);
	img[0x234] = 0;		/* not relocatable: the alignment is not used */
	assert_string_equal(parse(), "(ok)");
}

static void test_bzimage_places_at_pref_address(void **state)
{
	uint64_t at = 0;

	(void)state;
	assert_string_equal(parse(), "(ok)");
	assert_null(bzimage_place(&k, 256ULL << 20, 1 << 20, &at));
	assert_true(at == 0x1000000);
	/* Exactly fits: pref_address + init_size = memory. */
	assert_null(bzimage_place(&k, 0x1000000 + 0x3378000, 1 << 20, &at));
	assert_string_equal(bzimage_place(&k, 64ULL << 20, 1 << 20, &at),
			    "kernel does not fit in guest memory (pref_address + init_size)");
}

static void test_bzimage_relocatable_moves_up_to_floor_and_alignment(void **state)
{
	uint64_t at = 0;

	(void)state;
	put64(0x258, 0x1000);
	assert_string_equal(parse(), "(ok)");
	assert_null(bzimage_place(&k, 256ULL << 20, 1 << 20, &at));
	assert_true(at == 0x200000);
	put64(0x258, 0x1000001);
	assert_string_equal(parse(), "(ok)");
	assert_null(bzimage_place(&k, 256ULL << 20, 1 << 20, &at));
	assert_true(at == 0x1200000);
	put64(0x258, UINT64_MAX - 10);
	assert_string_equal(parse(), "(ok)");
	assert_string_equal(bzimage_place(&k, 256ULL << 20, 1 << 20, &at),
			    "kernel does not fit in guest memory");
}

static void test_bzimage_fixed_kernel_stays_at_pref_address(void **state)
{
	uint64_t at = 0;

	(void)state;
	img[0x234] = 0;
	put64(0x258, 0x80000);
	assert_string_equal(parse(), "(ok)");
	assert_string_equal(bzimage_place(&k, 256ULL << 20, 1 << 20, &at),
			    "kernel is not relocatable and its pref_address lies below 1 MiB");
	put64(0x258, 0x1000001);
	assert_string_equal(parse(), "(ok)");
	assert_null(bzimage_place(&k, 256ULL << 20, 1 << 20, &at));
	assert_true(at == 0x1000001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bzimage_reads_debians_header, build),
		cmocka_unit_test_setup(test_bzimage_detect_wants_hdrs, build),
		cmocka_unit_test_setup(test_bzimage_refuses_a_short_file, build),
		cmocka_unit_test_setup(test_bzimage_refuses_no_hdrs_or_no_boot_flag, build),
		cmocka_unit_test_setup(test_bzimage_refuses_protocol_before_2_12, build),
		cmocka_unit_test_setup(test_bzimage_refuses_zimage_and_32_bit_only, build),
		cmocka_unit_test_setup(test_bzimage_refuses_setup_past_the_file, build),
		cmocka_unit_test_setup(test_bzimage_setup_sects_zero_means_four, build),
		cmocka_unit_test_setup(test_bzimage_refuses_a_header_end_outside_its_room, build),
		cmocka_unit_test_setup(test_bzimage_refuses_syssize_zero_or_past_the_file, build),
		cmocka_unit_test_setup(test_bzimage_refuses_a_payload_past_the_file, build),
		cmocka_unit_test_setup(test_bzimage_refuses_init_size_below_the_kernel, build),
		cmocka_unit_test_setup(test_bzimage_refuses_a_bad_alignment_when_relocatable, build),
		cmocka_unit_test_setup(test_bzimage_places_at_pref_address, build),
		cmocka_unit_test_setup(test_bzimage_relocatable_moves_up_to_floor_and_alignment, build),
		cmocka_unit_test_setup(test_bzimage_fixed_kernel_stays_at_pref_address, build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
