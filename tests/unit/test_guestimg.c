/* hv/vm/guestimg.c: guest images are placed by p_paddr inside [1 MiB,
 * guest_mem) under the hypervisor's ELF rules, and guest memory starts
 * as the README's Guest ABI says: image bytes, boot-info page, identity
 * tables a walker of our own follows to every byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "hv/vm/guestimg.h"
#include "loader/pt.h"

#define MEM	(8ULL << 20)

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Two PT_LOADs: text (R X) at paddr 1 MiB from file 0x1000, data (R W)
 * at paddr 1 MiB + 0x2000 from file 0x2000, 0x10 file bytes, 0x2000 in
 * memory. p_vaddr is junk: guests are placed by p_paddr. */
static uint64_t text_pa, data_pa, entry;
static uint8_t file[0x3000];

static void build(void)
{
	memset(file, 0xCC, sizeof(file));
	memcpy(file, "\x7f" "ELF", 4);
	file[4] = 2; file[5] = 1; file[6] = 1;
	memset(file + 7, 0, 9);
	put(file + 16, 2, 2);
	put(file + 18, 62, 2);
	put(file + 20, 1, 4);
	put(file + 24, entry, 8);
	put(file + 32, 64, 8);
	memset(file + 40, 0, 12);	/* e_shoff, e_flags */
	memset(file + 58, 0, 6);	/* section headers: none */
	put(file + 52, 64, 2);
	put(file + 54, 56, 2);
	put(file + 56, 2, 2);
	for (int i = 0; i < 2; i++) {
		uint8_t *ph = file + 64 + 56 * i;

		put(ph, 1, 4);
		put(ph + 4, i ? 6 : 5, 4);
		put(ph + 8, i ? 0x2000 : 0x1000, 8);
		put(ph + 16, 0xFFFF800000000000ULL + 0x1000 * (i + 1), 8);
		put(ph + 24, i ? data_pa : text_pa, 8);
		put(ph + 32, i ? 0x10 : 0x1000, 8);
		put(ph + 40, i ? 0x2000 : 0x1000, 8);
		put(ph + 48, 0x1000, 8);
	}
}

static void defaults(void)
{
	text_pa = GUEST_IMAGE_MIN_GPA + 0x1000;
	data_pa = GUEST_IMAGE_MIN_GPA + 0x2000;
	entry = text_pa + 0x10;
}

static const char *validate(int *bad)
{
	struct elf_image img;

	build();
	return guestimg_validate(file, sizeof(file), MEM, &img, bad);
}

static void test_guestimg_accepts_segments_placed_by_physical_address(void **s)
{
	struct elf_image img;
	int bad;

	(void)s;
	defaults();
	build();
	assert_null(guestimg_validate(file, sizeof(file), MEM, &img, &bad));
	assert_int_equal(img.nseg, 2);
	assert_true(img.seg[0].va == text_pa && img.seg[1].va == data_pa);
	assert_true(img.entry_va == entry);
}

static void test_guestimg_rejects_segment_below_1_mib(void **s)
{
	int bad;

	(void)s;
	defaults();
	text_pa = 0xF000;
	entry = text_pa + 0x10;
	assert_string_equal(validate(&bad),
			    "segment below 1 MiB (the hypervisor's part of guest memory)");
	assert_int_equal(bad, 0);
}

static void test_guestimg_rejects_segment_past_guest_memory(void **s)
{
	int bad;

	(void)s;
	defaults();
	data_pa = MEM - 0x1000;		/* 0x2000 of memory: one page past the end */
	assert_string_equal(validate(&bad), "segment outside guest memory");
	assert_int_equal(bad, 1);
}

static void test_guestimg_rejects_segment_wrapping_2_64(void **s)
{
	int bad;

	(void)s;
	defaults();
	data_pa = 0xFFFFFFFFFFFFF000ULL;
	assert_string_equal(validate(&bad), "segment address range overflows");
	assert_int_equal(bad, 1);
}

static void test_guestimg_rejects_entry_in_data(void **s)
{
	int bad;

	(void)s;
	defaults();
	entry = data_pa;
	assert_string_equal(validate(&bad), "entry point outside executable segments");
}

static void test_guestimg_rejects_overlapping_segments(void **s)
{
	int bad;

	(void)s;
	defaults();
	data_pa = text_pa;
	assert_string_equal(validate(&bad), "segments overlap");
}

static void test_guestimg_rejects_what_is_not_elf(void **s)
{
	struct elf_image img;
	int bad;

	(void)s;
	assert_string_equal(guestimg_validate("MZ\x90\x00", 4, MEM, &img, &bad),
			    "not an ELF64 file");
}

/* Follows the guest's CR3 like the CPU would, from guest memory only. */
static uint64_t walk(const uint8_t *mem, uint64_t cr3, uint64_t va, uint64_t *flags)
{
	uint64_t table = cr3;

	*flags = 7;
	for (int level = 0; level < 4; level++) {
		unsigned idx = pt_index(va, level);
		uint64_t e;

		assert_true(table + 8 * idx + 8 <= MEM);
		memcpy(&e, mem + table + 8 * idx, 8);
		if (!(e & 1))
			return UINT64_MAX;
		*flags &= e;
		if (level == 2 && (e & 0x80))
			return (e & 0x000FFFFFFFE00000ULL) + (va & 0x1FFFFF);
		table = e & 0x000FFFFFFFFFF000ULL;
	}
	return table + (va & 0xFFF);
}

static void test_guestimg_prepare_loads_image_bootinfo_and_identity_map(void **s)
{
	struct elf_image img;
	struct guest_entry e;
	uint8_t *mem = malloc(MEM);
	uint64_t flags;
	int bad;

	(void)s;
	defaults();
	build();
	assert_non_null(mem);
	memset(mem, 0xEE, MEM);
	assert_null(guestimg_validate(file, sizeof(file), MEM, &img, &bad));
	assert_null(guestimg_prepare(mem, MEM, file, &img, "probe runtime-table", &e));

	assert_true(e.rip == entry && e.rsp == MEM && e.rdi == GUEST_BOOTINFO_GPA);
	assert_memory_equal(mem + text_pa, file + 0x1000, 0x1000);
	assert_memory_equal(mem + data_pa, file + 0x2000, 0x10);
	for (uint64_t i = 0x10; i < 0x2000; i++)
		assert_int_equal(mem[data_pa + i], 0);		/* .bss zeroed */
	assert_int_equal(mem[MEM - 1], 0);			/* old contents gone */

	assert_memory_equal(mem + GUEST_BOOTINFO_GPA, "HVGUEST1", 8);
	{
		uint64_t n;

		memcpy(&n, mem + GUEST_BOOTINFO_GPA + 8, 8);
		assert_true(n == MEM);
	}
	assert_string_equal((char *)mem + GUEST_BOOTINFO_GPA + 16, "probe runtime-table");

	{
		uint64_t code, data;

		memcpy(&code, mem + GUEST_GDT_GPA + GUEST_SEL_CODE, 8);
		memcpy(&data, mem + GUEST_GDT_GPA + GUEST_SEL_DATA, 8);
		assert_true(code == 0x00AF9A000000FFFFULL);	/* L, P, code */
		assert_true(data == 0x00CF92000000FFFFULL);
	}
	assert_true(e.cr3 >= GUEST_PT_GPA && e.cr3 < GUEST_PT_END_GPA);
	for (uint64_t va = 0; va < MEM; va += 0x1000 * 97) {
		assert_true(walk(mem, e.cr3, va, &flags) == va);
		assert_true((flags & 3) == 3);		/* present, writable */
	}
	assert_true(walk(mem, e.cr3, MEM - 1, &flags) == MEM - 1);
	assert_true(walk(mem, e.cr3, MEM, &flags) == UINT64_MAX);	/* nothing past it */
	free(mem);
}

static void test_guestimg_prepare_truncates_args_to_255_bytes(void **s)
{
	struct elf_image img;
	struct guest_entry e;
	uint8_t *mem = malloc(MEM);
	char args[400];
	int bad;

	(void)s;
	defaults();
	build();
	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = 0;
	assert_null(guestimg_validate(file, sizeof(file), MEM, &img, &bad));
	assert_null(guestimg_prepare(mem, MEM, file, &img, args, &e));
	assert_int_equal(strlen((char *)mem + GUEST_BOOTINFO_GPA + 16), 255);
	free(mem);
}

static void test_guestimg_prepare_refuses_memory_not_in_2_mib(void **s)
{
	struct elf_image img = { 0 };
	struct guest_entry e;
	uint8_t mem[1];

	(void)s;
	assert_string_equal(guestimg_prepare(mem, MEM + 0x1000, file, &img, "", &e),
			    "guest memory must be 2 MiB..64 GiB in whole 2 MiB");
}

static void test_guestimg_picks_highest_aligned_conventional_memory(void **s)
{
	const struct efi_mdesc map[] = {
		{ .type = EFI_MT_CONVENTIONAL, .pa = 0x100000, .npages = 0x7F00 },	/* to 128 MiB */
		{ .type = EFI_MT_BS_DATA, .pa = 0x10000000, .npages = 0x10000 },	/* 256 MiB */
		{ .type = EFI_MT_CONVENTIONAL, .pa = 0x20001000, .npages = 0x4000 },	/* 64 MiB, unaligned */
	};
	uint64_t pa = 0;

	(void)s;
	assert_true(guestimg_pick_memory(map, 3, 32ULL << 20, &pa));
	assert_true(pa == 0x22000000);		/* top of the last, 2 MiB aligned down */
	assert_true(guestimg_pick_memory(map, 3, 64ULL << 20, &pa));
	assert_true(pa == 0x4000000);		/* the last one cannot hold 64 MiB aligned */
	assert_false(guestimg_pick_memory(map, 3, 200ULL << 20, &pa));	/* BS data never */
	assert_false(guestimg_pick_memory(map, 0, 2ULL << 20, &pa));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guestimg_accepts_segments_placed_by_physical_address),
		cmocka_unit_test(test_guestimg_rejects_segment_below_1_mib),
		cmocka_unit_test(test_guestimg_rejects_segment_past_guest_memory),
		cmocka_unit_test(test_guestimg_rejects_segment_wrapping_2_64),
		cmocka_unit_test(test_guestimg_rejects_entry_in_data),
		cmocka_unit_test(test_guestimg_rejects_overlapping_segments),
		cmocka_unit_test(test_guestimg_rejects_what_is_not_elf),
		cmocka_unit_test(test_guestimg_prepare_loads_image_bootinfo_and_identity_map),
		cmocka_unit_test(test_guestimg_prepare_truncates_args_to_255_bytes),
		cmocka_unit_test(test_guestimg_prepare_refuses_memory_not_in_2_mib),
		cmocka_unit_test(test_guestimg_picks_highest_aligned_conventional_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
