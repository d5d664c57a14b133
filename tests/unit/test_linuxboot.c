/* hv/vm/linux/linuxboot.c: guest memory as the 64-bit entry finds it
 * (kernel, initrd, command line, zero page, GDT, identity tables), and
 * what does not fit refused. */
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

/* ---------------------------------------------------------------- guest memory */

/* The guest-physical address va maps to through the identity tables at
 * cr3 (SDM Vol. 3A §4.5: 4-level paging; PS in a PDE is a 2 MiB page). */
static uint64_t walk(uint64_t cr3, uint64_t va)
{
	uint64_t e = ld64(mem + cr3 + 8 * pt_index(va, 0));

	assert_true(e & 1);
	e = ld64(mem + (e & 0xFFFFFFFFFF000ULL) + 8 * pt_index(va, 1));
	assert_true(e & 1);
	e = ld64(mem + (e & 0xFFFFFFFFFF000ULL) + 8 * pt_index(va, 2));
	assert_true((e & 0x83) == 0x83);	/* present, writable, 2 MiB */
	return (e & 0xFFFFFFFE00000ULL) | (va & 0x1FFFFF);
}

static void test_linux_prepare_lays_out_the_64_bit_entry(void **state)
{
	static const uint8_t initrd[5000] = { 0x1F, 0x8B, 8 };
	static const char cmdline[] = "console=ttyS0 quiet";
	struct linux_entry e;
	uint8_t *zp;
	uint64_t initrd_gpa;

	(void)state;
	assert_null(linux_prepare(mem, MEM, img, &k, initrd, sizeof(initrd), cmdline, &e));
	assert_true(e.rip == 0x1000000 + 0x200);
	assert_true(e.rsi == LX_ZP_GPA);
	assert_true(e.cr3 >= LX_PT_GPA && e.cr3 < LX_PT_END_GPA);
	assert_memory_equal(mem + 0x1000000, img + SETUP_BYTES, KERNEL_BYTES);
	/* Nothing else is written: the caller zeroed guest memory. */
	assert_int_equal(mem[0x1000000 + KERNEL_BYTES], 0xCC);
	assert_int_equal(mem[0x80000], 0xCC);
	assert_string_equal((char *)mem + LX_CMDLINE_GPA, cmdline);

	zp = mem + LX_ZP_GPA;
	assert_int_equal(ld32(zp + 0x228), LX_CMDLINE_GPA);
	initrd_gpa = ld32(zp + 0x218);
	assert_int_equal(ld32(zp + 0x21C), sizeof(initrd));
	/* Page-aligned, as high as memory allows, above the kernel's init_size. */
	assert_true(initrd_gpa == ((MEM - sizeof(initrd)) & ~0xFFFULL));
	assert_true(initrd_gpa >= 0x1000000 + 0x2000000);
	assert_memory_equal(mem + initrd_gpa, initrd, sizeof(initrd));
	/* e820: the hypervisor's low pages and the legacy hole reserved. */
	assert_int_equal(zp[0x1E8], 4);
	assert_true(ld64(zp + 0x2D0) == 0 && ld64(zp + 0x2D8) == LX_LOW_RESERVED_END &&
		    ld32(zp + 0x2E0) == E820_RESERVED);
	assert_true(ld64(zp + 0x2D0 + 60) == 0x100000 && ld64(zp + 0x2D8 + 60) == MEM - 0x100000 &&
		    ld32(zp + 0x2E0 + 60) == E820_RAM);

	/* __BOOT_CS 0x10: 64-bit code; __BOOT_DS 0x18: flat data. */
	assert_true(ld64(mem + LX_GDT_GPA + 0x10) == 0x00AF9A000000FFFFULL);
	assert_true(ld64(mem + LX_GDT_GPA + 0x18) == 0x00CF92000000FFFFULL);
	/* The identity map covers all guest memory. */
	assert_true(walk(e.cr3, 0) == 0);
	assert_true(walk(e.cr3, e.rip) == e.rip);
	assert_true(walk(e.cr3, LX_ZP_GPA) == LX_ZP_GPA);
	assert_true(walk(e.cr3, MEM - 1) == MEM - 1);
}

static void test_linux_prepare_without_initrd_leaves_ramdisk_fields_zero(void **state)
{
	struct linux_entry e;

	(void)state;
	assert_null(linux_prepare(mem, MEM, img, &k, NULL, 0, "", &e));
	assert_int_equal(ld32(mem + LX_ZP_GPA + 0x218), 0);
	assert_int_equal(ld32(mem + LX_ZP_GPA + 0x21C), 0);
	assert_int_equal(mem[LX_CMDLINE_GPA], 0);
}

static void test_linux_prepare_refuses_what_does_not_fit(void **state)
{
	static const char big[] = "initrd does not fit in guest memory above the kernel and below initrd_addr_max";
	struct linux_entry e;
	char *line;

	(void)state;
	assert_string_equal(linux_prepare(mem, 8ULL << 20, img, &k, NULL, 0, "", &e),
			    "guest memory must be 16 MiB..64 GiB in whole 2 MiB for a Linux guest");
	assert_string_equal(linux_prepare(mem, MEM + 0x1000, img, &k, NULL, 0, "", &e),
			    "guest memory must be 16 MiB..64 GiB in whole 2 MiB for a Linux guest");
	assert_string_equal(linux_prepare(mem, 32ULL << 20, img, &k, NULL, 0, "", &e),
			    "kernel does not fit in guest memory (pref_address + init_size)");
	/* 16 MiB of initrd fits exactly above 48 MiB; one page more does not. */
	assert_null(linux_prepare(mem, MEM, img, &k, mem, 16ULL << 20, "", &e));
	assert_string_equal(linux_prepare(mem, MEM, img, &k, mem, (16ULL << 20) + 1, "", &e), big);
	k.initrd_addr_max = 0x2FFFFFF;	/* below the kernel's end */
	assert_string_equal(linux_prepare(mem, MEM, img, &k, mem, 4096, "", &e), big);
	k.initrd_addr_max = 0x7FFFFFFF;
	k.cmdline_size = 10;
	assert_null(linux_prepare(mem, MEM, img, &k, NULL, 0, "0123456789", &e));
	assert_string_equal(linux_prepare(mem, MEM, img, &k, NULL, 0, "0123456789a", &e),
			    "command line longer than the kernel's cmdline_size");
	k.cmdline_size = 100000;
	line = malloc(4097);
	memset(line, 'x', 4096);
	line[4096] = '\0';
	assert_string_equal(linux_prepare(mem, MEM, img, &k, NULL, 0, line, &e),
			    "command line longer than the kernel's cmdline_size");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_linux_prepare_lays_out_the_64_bit_entry, build),
		cmocka_unit_test_setup(test_linux_prepare_without_initrd_leaves_ramdisk_fields_zero, build),
		cmocka_unit_test_setup(test_linux_prepare_refuses_what_does_not_fit, build),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(mem);
	return rc;
}
