/* loader/memmap.c: type names, RAM and runtime classification, the sanity
 * check and normalisation of firmware maps (any stride), and the text
 * format of README: Memory maps as text both ways, with the exact strings and reasons. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "efi_mem.h"
#include "ovmf_map.h"
#include "loader/memmap.h"

#define RT	EFI_MEMORY_RUNTIME

static const char *const uefi_names[16] = {
	"EfiReservedMemoryType", "EfiLoaderCode", "EfiLoaderData", "EfiBootServicesCode",
	"EfiBootServicesData", "EfiRuntimeServicesCode", "EfiRuntimeServicesData",
	"EfiConventionalMemory", "EfiUnusableMemory", "EfiACPIReclaimMemory",
	"EfiACPIMemoryNVS", "EfiMemoryMappedIO", "EfiMemoryMappedIOPortSpace", "EfiPalCode",
	"EfiPersistentMemory", "EfiUnacceptedMemoryType",
};

/* The OVMF (q35, 512 MiB) map of README: Memory maps as text, line for line. */
static const char *const ovmf_text[OVMF_N] = {
	"EfiBootServicesCode 0x0 1 0xF",
	"EfiConventionalMemory 0x1000 159 0xF",
	"EfiConventionalMemory 0x100000 1798 0xF",
	"EfiACPIMemoryNVS 0x806000 2 0xF",
	"EfiConventionalMemory 0x808000 8 0xF",
	"EfiACPIMemoryNVS 0x810000 240 0xF",
	"EfiBootServicesData 0x900000 3072 0xF",
	"EfiConventionalMemory 0x1500000 108149 0xF",
	"EfiRuntimeServicesData 0x1EAA0000 258 0x800000000000000F",
	"EfiBootServicesData 0x1EBA2000 2378 0xF",
	"EfiRuntimeServicesData 0x1F4EC000 256 0x800000000000000F",
	"EfiRuntimeServicesCode 0x1F5EC000 256 0x800000000000000F",
	"EfiBootServicesData 0x1F6EC000 2056 0xF",
	"EfiRuntimeServicesData 0x1FEF4000 132 0x800000000000000F",
	"EfiACPIReclaimMemory 0x1FF78000 8 0xF",
	"EfiACPIMemoryNVS 0x1FF80000 128 0xF",
	"EfiReservedMemoryType 0xB0000000 65536 0x1",
	"EfiMemoryMappedIO 0xFFC00000 1024 0x8000000000000001",
};

/* A firmware-style buffer: descriptors at any stride, the bytes between
 * them filled with junk the code must not read as data. */
static _Alignas(8) uint8_t fwbuf[64 * 300];

static struct efi_mmap fwmap(const struct efi_mdesc *d, size_t n, size_t stride)
{
	assert_true(n * stride <= sizeof(fwbuf));
	memset(fwbuf, 0xEE, sizeof(fwbuf));
	for (size_t i = 0; i < n; i++)
		memcpy(fwbuf + i * stride, &d[i], sizeof(*d));
	return (struct efi_mmap){ fwbuf, n * stride, stride };
}

/* memmap_check's reason, or "(fine)": never NULL for a string assert. */
static const char *check(const struct efi_mmap *m, uint64_t *bad)
{
	const char *why = memmap_check(m, bad);

	return why ? why : "(fine)";
}

static void assert_desc_equal(const struct efi_mdesc *a, const struct efi_mdesc *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->pa, b->pa);
	assert_int_equal(a->va, b->va);
	assert_int_equal(a->npages, b->npages);
	assert_int_equal(a->attr, b->attr);
}

/* ---------------------------------------------------------------- types */

static void test_memmap_names_every_uefi_type(void **state)
{
	(void)state;
	for (uint32_t t = 0; t < 16; t++)
		assert_string_equal(memmap_type_name(t), uefi_names[t]);
	assert_null(memmap_type_name(16));
	assert_null(memmap_type_name(0x70000000));
	assert_null(memmap_type_name(0x80000000));
	assert_null(memmap_type_name(0xFFFFFFFF));
}

static void test_memmap_type_parse_round_trips_every_name(void **state)
{
	(void)state;
	for (uint32_t t = 0; t < 16; t++) {
		uint32_t got = 0xDEAD;

		assert_true(memmap_type_parse(uefi_names[t], strlen(uefi_names[t]), &got));
		assert_int_equal(got, t);
	}
}

static void test_memmap_type_parse_accepts_os_defined_hex_types(void **state)
{
	uint32_t t;

	(void)state;
	assert_true(memmap_type_parse("0x80000000", 10, &t));
	assert_int_equal(t, 0x80000000U);
	assert_true(memmap_type_parse("0X70000001", 10, &t));
	assert_int_equal(t, 0x70000001U);
	assert_true(memmap_type_parse("0xffffffff", 10, &t));
	assert_int_equal(t, 0xFFFFFFFFU);
	assert_true(memmap_type_parse("0x7", 3, &t));
	assert_int_equal(t, EFI_MT_CONVENTIONAL);
}

static void test_memmap_type_parse_rejects_near_misses(void **state)
{
	uint32_t t = 0xDEAD;

	(void)state;
	assert_false(memmap_type_parse("", 0, &t));
	assert_false(memmap_type_parse("0x", 2, &t));
	assert_false(memmap_type_parse("0x100000000", 11, &t));	/* > 32 bits */
	assert_false(memmap_type_parse("0xG", 3, &t));
	assert_false(memmap_type_parse("7", 1, &t));			/* decimal is not a type */
	assert_false(memmap_type_parse("efiConventionalMemory", 21, &t));
	assert_false(memmap_type_parse("EfiConventionalMemoryX", 22, &t));
	/* A prefix of a name, by length: "EfiConventionalMemor". */
	assert_false(memmap_type_parse("EfiConventionalMemory", 20, &t));
	assert_false(memmap_type_parse("EfiMemoryMappedIOPort", 21, &t));
	assert_int_equal(t, 0xDEAD);
}

static void test_memmap_is_ram_excludes_device_and_reserved_types(void **state)
{
	static const bool ram[16] = {
		[EFI_MT_LOADER_CODE] = true, [EFI_MT_LOADER_DATA] = true,
		[EFI_MT_BS_CODE] = true, [EFI_MT_BS_DATA] = true,
		[EFI_MT_RT_CODE] = true, [EFI_MT_RT_DATA] = true,
		[EFI_MT_CONVENTIONAL] = true, [EFI_MT_ACPI_RECLAIM] = true,
		[EFI_MT_ACPI_NVS] = true, [EFI_MT_PERSISTENT] = true,
	};

	(void)state;
	for (uint32_t t = 0; t < 16; t++)
		assert_int_equal(memmap_is_ram(t), ram[t]);
	assert_false(memmap_is_ram(16));
	assert_false(memmap_is_ram(0x6FFFFFFF));
	assert_true(memmap_is_ram(0x70000000));		/* OEM */
	assert_true(memmap_is_ram(0x80000000));		/* OS loader (hvboot's own) */
	assert_true(memmap_is_ram(0xFFFFFFFF));
}

static void test_memmap_is_runtime_flags_rt_types_missing_the_bit(void **state)
{
	struct efi_mdesc d = { .npages = 1 };
	bool missing;

	(void)state;
	d = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x1000, 0, 1, RT | 0xF };
	missing = true;
	assert_true(memmap_is_runtime(&d, &missing));
	assert_false(missing);

	d = (struct efi_mdesc){ EFI_MT_RT_CODE, 0, 0x1000, 0, 1, 0xF };	/* firmware bug */
	missing = false;
	assert_true(memmap_is_runtime(&d, &missing));
	assert_true(missing);
	d.type = EFI_MT_RT_DATA;
	assert_true(memmap_is_runtime(&d, &missing));
	assert_true(missing);

	d = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0xFFC00000, 0, 1024, RT | 0x1 };
	missing = true;
	assert_true(memmap_is_runtime(&d, &missing));
	assert_false(missing);

	d = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x1000, 0, 1, 0xF };
	missing = true;
	assert_false(memmap_is_runtime(&d, &missing));
	assert_false(missing);
	assert_false(memmap_is_runtime(&d, NULL));	/* the out-parameter is optional */

	d.attr |= RT;		/* any type with the bit is runtime */
	assert_true(memmap_is_runtime(&d, NULL));
}

/* ---------------------------------------------------------------- check */

static void test_memmap_check_accepts_ovmf_map_at_40_and_48_bytes(void **state)
{
	struct efi_mmap m;
	uint64_t bad = 99;

	(void)state;
	m = fwmap(ovmf, OVMF_N, 40);
	assert_string_equal(check(&m, &bad), "(fine)");
	m = fwmap(ovmf, OVMF_N, 48);
	assert_string_equal(check(&m, &bad), "(fine)");
	m = fwmap(ovmf, 0, 48);
	assert_string_equal(check(&m, &bad), "(fine)");
	assert_int_equal(bad, 0);
}

static void test_memmap_check_rejects_stride_below_40(void **state)
{
	struct efi_mmap m = fwmap(ovmf, 4, 40);
	uint64_t bad;

	(void)state;
	m.desc_size = 32;
	m.size_bytes = 4 * 32;
	assert_string_equal(check(&m, &bad),
			    "descriptor size smaller than EFI_MEMORY_DESCRIPTOR");
	m.desc_size = 0;
	assert_string_equal(check(&m, &bad),
			    "descriptor size smaller than EFI_MEMORY_DESCRIPTOR");
	m.desc_size = 44;
	m.size_bytes = 4 * 44;
	assert_string_equal(check(&m, &bad), "descriptor size not a multiple of 8");
}

static void test_memmap_check_rejects_size_not_multiple_of_stride(void **state)
{
	struct efi_mmap m = fwmap(ovmf, 4, 48);
	uint64_t bad;

	(void)state;
	m.size_bytes = 4 * 48 - 8;
	assert_string_equal(check(&m, &bad),
			    "map size not a multiple of the descriptor size");
}

static void test_memmap_check_leaves_unaligned_starts_to_normalize(void **state)
{
	struct efi_mdesc d[4];
	struct efi_mmap m;
	uint64_t bad;

	(void)state;
	memcpy(d, ovmf, sizeof(d));
	d[2].pa += 0x800;
	m = fwmap(d, 4, 48);
	assert_string_equal(check(&m, &bad), "(fine)");
	/* Unaligned, it still may not wrap. */
	d[3] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0xFFFFFFFFFFFFF800ULL, 0, 1, 0x1 };
	m = fwmap(d, 4, 48);
	assert_string_equal(check(&m, &bad), "region wraps past the top of the address space");
	assert_int_equal(bad, 3);
}

static void test_memmap_accepts_only_descriptor_version_1(void **state)
{
	(void)state;
	assert_null(memmap_check_version(1));
	assert_string_equal(memmap_check_version(0),
			    "memory map descriptor version is not 1 (UEFI 2.10 §7.2)");
	assert_non_null(memmap_check_version(2));
	assert_non_null(memmap_check_version(0xFFFFFFFFU));
}

static void test_memmap_check_rejects_a_wrapping_region(void **state)
{
	struct efi_mdesc d[3];
	struct efi_mmap m;
	uint64_t bad;

	(void)state;
	memcpy(d, ovmf, sizeof(d));
	d[1] = (struct efi_mdesc){ EFI_MT_RESERVED, 0, 0xFFFFFFFFFFFFE000ULL, 0, 3, 0 };
	m = fwmap(d, 3, 40);
	assert_string_equal(check(&m, &bad),
			    "region wraps past the top of the address space");
	assert_int_equal(bad, 1);

	d[1].npages = 1ULL << 52;
	d[1].pa = 0;
	m = fwmap(d, 3, 40);
	assert_string_equal(check(&m, &bad), "page count overflows");
	assert_int_equal(bad, 1);

	/* Ending exactly at 2^64 does not wrap. */
	d[1] = (struct efi_mdesc){ EFI_MT_RESERVED, 0, 0xFFFFFFFFFFFFE000ULL, 0, 2, 0 };
	m = fwmap(d, 3, 40);
	assert_string_equal(check(&m, &bad), "(fine)");
}

/* ---------------------------------------------------------------- normalize */

/* memmap_normalize's count, or -1 with its reason in normalize_why; the
 * repairs in fixes, each warning recorded in warned[]. */
static const char *normalize_why;
static struct efi_mdesc warned_desc[16];
static const char *warned[16];
static unsigned nwarned;

static void record_warning(void *ctx, const struct efi_mdesc *d, const char *what)
{
	(void)ctx;
	assert_true(nwarned < 16);
	warned_desc[nwarned] = *d;
	warned[nwarned++] = what;
}

static struct memmap_fixes fixes = { .warn = record_warning };

static void reset_fixes(uint64_t reach)
{
	fixes = (struct memmap_fixes){ .reach = reach, .warn = record_warning };
	nwarned = 0;
}

static long normalize(const struct efi_mmap *m, struct efi_mdesc *out, uint64_t cap,
		      uint64_t *bad)
{
	uint64_t n = 12345;

	normalize_why = memmap_normalize(m, out, cap, &n, bad, &fixes);
	if (normalize_why)
		return -1;
	return (long)n;
}

static void test_memmap_normalize_sorts_an_unsorted_48_byte_map(void **state)
{
	static const int order[OVMF_N] = { 17, 3, 9, 0, 12, 1, 16, 5, 8, 15, 2, 11, 4, 14, 7,
					   13, 6, 10 };
	struct efi_mdesc in[OVMF_N], out[OVMF_N + 4];
	struct efi_mmap m;
	uint64_t bad = 99;

	(void)state;
	for (size_t i = 0; i < OVMF_N; i++) {
		in[i] = ovmf[order[i]];
		in[i].pad = 0xCAFE;		/* not copied through */
		in[i].va = 0x1000 * i;		/* copied through */
	}
	m = fwmap(in, OVMF_N, 48);
	memset(out, 0x55, sizeof(out));
	assert_int_equal(normalize(&m, out, OVMF_N + 4, &bad), (long)OVMF_N);
	for (size_t i = 0; i < OVMF_N; i++) {
		struct efi_mdesc want = ovmf[i];

		for (size_t k = 0; k < OVMF_N; k++)
			if (order[k] == (int)i)
				want.va = 0x1000 * k;
		assert_desc_equal(&out[i], &want);
		assert_int_equal(out[i].pad, 0);
	}
}

static void test_memmap_normalize_drops_zero_page_entries(void **state)
{
	struct efi_mdesc in[5] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x3000, 0, 2, 0xF },
		{ EFI_MT_BS_DATA, 0, 0x1000, 0, 0, 0xF },	/* inside the next one: ignored */
		{ EFI_MT_BS_CODE, 0, 0x0, 0, 3, 0xF },
		{ EFI_MT_RT_DATA, 0, 0x4000, 0, 0, RT | 0xF },	/* inside the first one */
		{ EFI_MT_MMIO, 0, 0x8000, 0, 1, 0x1 },
	};
	struct efi_mdesc out[5];
	struct efi_mmap m = fwmap(in, 5, 40);
	uint64_t bad;

	(void)state;
	assert_int_equal(normalize(&m, out, 5, &bad), 3);
	assert_desc_equal(&out[0], &in[2]);
	assert_desc_equal(&out[1], &in[0]);
	assert_desc_equal(&out[2], &in[4]);
}

static void test_memmap_normalize_refuses_ram_over_ram_with_its_sorted_index(void **state)
{
	struct efi_mdesc in[4] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x10000, 0, 16, 0xF },
		{ EFI_MT_BS_CODE, 0, 0x0, 0, 1, 0xF },
		{ EFI_MT_BS_DATA, 0, 0x1F000, 0, 2, 0xF },	/* overlaps the first by one page */
		{ EFI_MT_MMIO, 0, 0x100000, 0, 1, 0x1 },
	};
	struct efi_mdesc out[8];
	struct efi_mmap m = fwmap(in, 4, 48);
	uint64_t bad = 99;

	(void)state;
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 8, &bad), -1);
	assert_string_equal(normalize_why, "RAM descriptors overlap");
	assert_int_equal(bad, 2);	/* sorted: [0]=0x0 [1]=0x10000 [2]=0x1F000 */

	/* Touching is not overlapping. */
	in[2].pa = 0x20000;
	m = fwmap(in, 4, 48);
	assert_int_equal(normalize(&m, out, 8, &bad), 4);
	assert_int_equal(fixes.clipped, 0);

	/* Two RAM descriptors at the same address overlap. */
	in[2].pa = 0x10000;
	m = fwmap(in, 4, 48);
	assert_int_equal(normalize(&m, out, 8, &bad), -1);
	assert_string_equal(normalize_why, "RAM descriptors overlap");
	assert_int_equal(bad, 2);
}

/* README, Memory maps as text: RAM is never mapped over what is not RAM. */
static void test_memmap_normalize_clips_ram_around_mmio_inside_it(void **state)
{
	struct efi_mdesc in[3] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x10000, 0, 0x100, 0xF },	/* 0x10000..0x110000 */
		{ EFI_MT_BS_CODE, 0, 0x0, 0, 1, 0xF },
		{ EFI_MT_MMIO, 0, 0x100000, 0, 1, 0x1 },		/* inside it */
	};
	struct efi_mdesc out[8];
	struct efi_mmap m = fwmap(in, 3, 48);
	uint64_t bad = 99;

	(void)state;
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 8, &bad), 4);
	assert_int_equal(out[1].type, EFI_MT_CONVENTIONAL);
	assert_int_equal(out[1].pa, 0x10000);
	assert_int_equal(out[1].npages, 0xF0);
	assert_int_equal(out[2].type, EFI_MT_MMIO);
	assert_int_equal(out[2].pa, 0x100000);
	assert_int_equal(out[2].npages, 1);
	assert_int_equal(out[3].type, EFI_MT_CONVENTIONAL);
	assert_int_equal(out[3].pa, 0x101000);
	assert_int_equal(out[3].npages, 0xF);
	assert_int_equal(fixes.clipped, 1);
	assert_int_equal(nwarned, 1);
	assert_string_equal(warned[0], "RAM overlaps memory that is not RAM: clipped");
	assert_int_equal(warned_desc[0].pa, 0x10000);		/* as the firmware gave it */
	assert_int_equal(warned_desc[0].npages, 0x100);

	/* Reserved over the head of RAM, RAM starting first: RAM loses its tail. */
	in[2] = (struct efi_mdesc){ EFI_MT_RESERVED, 0, 0x100000, 0, 0x20, 0x1 };
	m = fwmap(in, 3, 48);
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 8, &bad), 3);
	assert_int_equal(out[1].pa, 0x10000);
	assert_int_equal(out[1].npages, 0xF0);
	assert_int_equal(out[2].type, EFI_MT_RESERVED);
	assert_int_equal(out[2].npages, 0x20);

	/* MMIO starting first, RAM inside and past it: RAM keeps its tail. */
	in[0] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0x10000, 0, 0x10, 0x1 };
	in[2] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x18000, 0, 0x10, 0xF };
	m = fwmap(in, 3, 48);
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 8, &bad), 3);
	assert_int_equal(out[1].type, EFI_MT_MMIO);
	assert_int_equal(out[1].npages, 0x10);
	assert_int_equal(out[2].type, EFI_MT_CONVENTIONAL);
	assert_int_equal(out[2].pa, 0x20000);
	assert_int_equal(out[2].npages, 0x8);
	assert_int_equal(fixes.clipped, 1);
}

/* Reserved over MMIO, as real firmware reports: a runtime region keeps the
 * overlap; of two others, the one starting first. */
static void test_memmap_normalize_gives_overlaps_of_non_ram_to_the_runtime_one(void **state)
{
	struct efi_mdesc in[2] = {
		{ EFI_MT_RESERVED, 0, 0xFF000000, 0, 0x1000, 0x1 },		/* 16 MiB */
		{ EFI_MT_MMIO, 0, 0xFFC00000, 0, 0x400, RT | 0x1 },		/* flash */
	};
	struct efi_mdesc out[4];
	struct efi_mmap m = fwmap(in, 2, 40);
	uint64_t bad = 99;

	(void)state;
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 4, &bad), 2);
	assert_int_equal(out[0].type, EFI_MT_RESERVED);
	assert_int_equal(out[0].npages, 0xC00);
	assert_int_equal(out[1].type, EFI_MT_MMIO);
	assert_int_equal(out[1].npages, 0x400);
	assert_string_equal(warned[0], "overlaps a runtime region: clipped");

	in[1].attr = 0x1;		/* not runtime: the reserved one came first */
	m = fwmap(in, 2, 40);
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 4, &bad), 1);
	assert_int_equal(out[0].type, EFI_MT_RESERVED);
	assert_int_equal(out[0].npages, 0x1000);
	assert_string_equal(warned[0], "overlaps another region that is not RAM: clipped");
}

static void test_memmap_normalize_resolves_overlap_at_the_top_of_the_address_space(void **state)
{
	/* Both pass memmap_check: the first ends exactly at 2^64. */
	struct efi_mdesc in[2] = {
		{ EFI_MT_RESERVED, 0, 0xFFFFFFFFFFFFE000ULL, 0, 2, 0 },
		{ EFI_MT_MMIO, 0, 0xFFFFFFFFFFFFF000ULL, 0, 1, RT | 0x1 },
	};
	struct efi_mdesc out[2];
	struct efi_mmap m = fwmap(in, 2, 40);
	uint64_t bad = 99;

	(void)state;
	assert_string_equal(check(&m, &bad), "(fine)");
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 2, &bad), 2);
	assert_int_equal(out[0].npages, 1);
	assert_int_equal(out[1].pa, 0xFFFFFFFFFFFFF000ULL);
	assert_int_equal(fixes.clipped, 1);

	in[0].type = EFI_MT_CONVENTIONAL;	/* RAM over RAM at the top */
	in[1].type = EFI_MT_BS_DATA;
	m = fwmap(in, 2, 40);
	assert_int_equal(normalize(&m, out, 2, &bad), -1);
	assert_string_equal(normalize_why, "RAM descriptors overlap");
	assert_int_equal(bad, 1);
}

static void test_memmap_normalize_rounds_non_ram_outward_and_ram_inward(void **state)
{
	struct efi_mdesc in[4] = {
		{ EFI_MT_MMIO, 0, 0xFED00800, 0, 1, 0x1 },		/* 0xFED00800..0xFED01800 */
		{ EFI_MT_CONVENTIONAL, 0, 0x100800, 0, 4, 0xF },	/* 0x100800..0x104800 */
		{ EFI_MT_BS_DATA, 0, 0x200800, 0, 1, 0xF },		/* no whole page */
		{ EFI_MT_CONVENTIONAL, 0, 0xFED02000, 0, 1, 0xF },
	};
	struct efi_mdesc out[4];
	struct efi_mmap m = fwmap(in, 4, 48);
	uint64_t bad = 99;

	(void)state;
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 4, &bad), 3);
	assert_int_equal(out[0].pa, 0x101000);
	assert_int_equal(out[0].npages, 3);
	assert_int_equal(out[1].pa, 0xFED00000);
	assert_int_equal(out[1].npages, 2);
	assert_int_equal(out[2].pa, 0xFED02000);
	assert_int_equal(fixes.rounded, 3);
	assert_int_equal(fixes.clipped, 0);
	assert_string_equal(warned[0], "not 4 KiB aligned: rounded outward");
	assert_string_equal(warned[1], "not 4 KiB aligned: rounded inward");
	assert_string_equal(warned[2], "not 4 KiB aligned: no whole page, left out");
	assert_int_equal(warned_desc[0].pa, 0xFED00800);

	/* Rounded outward onto RAM: the RAM page is not RAM any more. */
	in[3].pa = 0xFED01000;
	m = fwmap(in, 4, 48);
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, 4, &bad), 2);
	assert_int_equal(out[1].pa, 0xFED00000);
	assert_int_equal(out[1].npages, 2);
	assert_int_equal(fixes.clipped, 1);
}

static void test_memmap_normalize_leaves_out_ram_beyond_reach(void **state)
{
	struct efi_mdesc in[4] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 16, 0xF },
		{ EFI_MT_CONVENTIONAL, 0, 0x7FFFFFFF0000ULL, 0, 0x20, 0xF },	/* across */
		{ EFI_MT_CONVENTIONAL, 0, 0x800000100000ULL, 0, 16, 0xF },	/* beyond */
		{ EFI_MT_MMIO, 0, 0x900000000000ULL, 0, 16, 0x1 },		/* not RAM: kept */
	};
	struct efi_mdesc out[4];
	struct efi_mmap m = fwmap(in, 4, 40);
	uint64_t bad = 99;

	(void)state;
	reset_fixes(0x800000000000ULL);
	assert_int_equal(normalize(&m, out, 4, &bad), 3);
	assert_int_equal(out[1].pa, 0x7FFFFFFF0000ULL);
	assert_int_equal(out[1].npages, 0x10);
	assert_int_equal(out[2].type, EFI_MT_MMIO);
	assert_int_equal(fixes.left_out, 2);
	assert_string_equal(warned[0], "RAM beyond the direct map's reach: cut there");
	assert_string_equal(warned[1], "RAM beyond the direct map's reach: left out");

	reset_fixes(0);		/* no limit */
	assert_int_equal(normalize(&m, out, 4, &bad), 4);
	assert_int_equal(fixes.left_out, 0);
}

static void test_memmap_normalize_fails_when_dst_is_too_small(void **state)
{
	struct efi_mdesc out[OVMF_N];
	struct efi_mmap m = fwmap(ovmf, OVMF_N, 40);
	uint64_t bad = 99;

	(void)state;
	reset_fixes(0);
	assert_int_equal(normalize(&m, out, OVMF_N - 1, &bad), -1);
	assert_string_equal(normalize_why, "more descriptors than the copy holds");
	assert_int_equal(bad, OVMF_N - 1);
	assert_int_equal(normalize(&m, out, OVMF_N, &bad), (long)OVMF_N);
}

/* ---------------------------------------------------------------- format */

static void test_memmap_format_line_writes_the_section_4_text(void **state)
{
	char buf[128];

	(void)state;
	for (size_t i = 0; i < OVMF_N; i++) {
		memset(buf, 'Z', sizeof(buf));
		assert_int_equal(memmap_format_line(&ovmf[i], buf, sizeof(buf)),
				 strlen(ovmf_text[i]));
		assert_string_equal(buf, ovmf_text[i]);
	}
}

static void test_memmap_format_line_prints_os_types_as_hex(void **state)
{
	struct efi_mdesc d = { 0x80000002U, 0, 0x0, 0, 0, 0x0 };
	char buf[64];

	(void)state;
	assert_int_equal(memmap_format_line(&d, buf, sizeof(buf)), 20);
	assert_string_equal(buf, "0x80000002 0x0 0 0x0");
	d = (struct efi_mdesc){ 16, 0, 0xFFFFFFFFFFFFF000ULL, 0, 18446744073709551615ULL,
				0xFFFFFFFFFFFFFFFFULL };
	memmap_format_line(&d, buf, sizeof(buf));
	assert_string_equal(buf, "0x10 0xFFFFFFFFFFFFF000 18446744073709551615 0xFFFFFFFFFFFFFFFF");
}

static void test_memmap_format_line_truncates_at_a_small_cap(void **state)
{
	const char *full = "EfiRuntimeServicesData 0x1EAA0000 258 0x800000000000000F";
	char buf[64];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(memmap_format_line(&ovmf[8], buf, 10), strlen(full));
	assert_memory_equal(buf, "EfiRuntim\0", 10);
	assert_int_equal(buf[10], 'Z');			/* nothing past cap */

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(memmap_format_line(&ovmf[8], buf, 1), strlen(full));
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(memmap_format_line(&ovmf[8], buf, 0), strlen(full));
	assert_int_equal(buf[0], 'Z');			/* cap 0: untouched */

	/* Exactly enough room: the whole line and its NUL. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(memmap_format_line(&ovmf[8], buf, strlen(full) + 1), strlen(full));
	assert_string_equal(buf, full);
	/* One short: the last character gives way to the NUL. */
	memmap_format_line(&ovmf[8], buf, strlen(full));
	assert_int_equal(strlen(buf), strlen(full) - 1);
	assert_memory_equal(buf, full, strlen(full) - 1);
}

/* ---------------------------------------------------------------- parse */

static const char *parse(const char *s, struct efi_mdesc *d, bool *empty)
{
	return memmap_parse_line(s, strlen(s), d, empty);
}

static void test_memmap_parse_line_reads_every_ovmf_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < OVMF_N; i++) {
		struct efi_mdesc d;
		bool empty = true;

		memset(&d, 0x77, sizeof(d));
		assert_null(parse(ovmf_text[i], &d, &empty));
		assert_false(empty);
		assert_desc_equal(&d, &ovmf[i]);
		assert_int_equal(d.pad, 0);
	}
}

static void test_memmap_parse_line_round_trips_with_format_line(void **state)
{
	static const struct efi_mdesc extra[] = {
		{ 0x80000000U, 0, 0x7FFFF000, 0, 17, 0 },
		{ EFI_MT_PERSISTENT, 0, 0x100000000ULL, 0, 0, 0x8000 },
		{ EFI_MT_UNACCEPTED, 0, 0xFFFFFFFFFFFFF000ULL, 0, 1, 0xFFFFFFFFFFFFFFFFULL },
		{ EFI_MT_CONVENTIONAL, 0, 0, 0, (1ULL << 52) - 1, 0xF },
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < OVMF_N + 4; i++) {
		const struct efi_mdesc *in = i < OVMF_N ? &ovmf[i] : &extra[i - OVMF_N];
		struct efi_mdesc d;
		bool empty;
		char again[128];

		memmap_format_line(in, buf, sizeof(buf));
		assert_null(parse(buf, &d, &empty));
		assert_desc_equal(&d, in);
		memmap_format_line(&d, again, sizeof(again));
		assert_string_equal(again, buf);
	}
}

static void test_memmap_parse_line_takes_tabs_crlf_lowercase_and_comments(void **state)
{
	struct efi_mdesc d;
	bool empty;

	(void)state;
	assert_null(parse("\tEfiMemoryMappedIO\t0xffc00000   1024 0x8000000000000001  # flash\r",
			  &d, &empty));
	assert_false(empty);
	assert_desc_equal(&d, &ovmf[17]);
	assert_null(parse("0x5 0X1F5EC000 256 0x800000000000000f", &d, &empty));
	assert_desc_equal(&d, &ovmf[11]);
	/* Anything goes after '#', even bytes the line itself may not hold. */
	assert_null(parse("EfiBootServicesCode 0x0 1 0xF #\x01\xff", &d, &empty));
	assert_desc_equal(&d, &ovmf[0]);
}

static void test_memmap_parse_line_reports_blank_and_comment_lines_empty(void **state)
{
	static const char *const lines[] = { "", "   ", "\t\r", "# OVMF q35", "  #x y z w" };
	struct efi_mdesc d;
	bool empty;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		empty = false;
		assert_null(parse(lines[i], &d, &empty));
		assert_true(empty);
	}
}

#define assert_parse_fails(line, reason) do {					\
		struct efi_mdesc d_;						\
		bool empty_ = true;						\
		const char *why_ = memmap_parse_line(line, sizeof(line) - 1, &d_,	\
						     &empty_);			\
		assert_non_null(why_);						\
		assert_string_equal(why_, reason);				\
		assert_false(empty_);						\
	} while (0)

static void test_memmap_parse_line_names_each_error(void **state)
{
	(void)state;
	assert_parse_fails("EfiPalCode 0x0 1 0xF\x01", "control character in line");
	assert_parse_fails("EfiPalCode\n0x0 1 0xF", "control character in line");
	assert_parse_fails("EfiPalCode 0x0 1 0xF\0", "control character in line");
	assert_parse_fails("EfiPalCode 0x0 1 0xF\x7f", "non-ASCII character in line");
	assert_parse_fails("EfiPalCode 0x0 1 \xc3\xa9", "non-ASCII character in line");
	assert_parse_fails("EfiPalCode 0x0 1 0xF 0",
			   "too many fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)");
	assert_parse_fails("EfiPalCode 0x0 1 0xF a b c d e f",
			   "too many fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)");
	assert_parse_fails("EfiPalCode 0x0 1",
			   "too few fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)");
	assert_parse_fails("EfiPalCode",
			   "too few fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)");
	assert_parse_fails("EfiPalcode 0x0 1 0xF", "unknown memory type");
	assert_parse_fails("0x100000000 0x0 1 0xF", "unknown memory type");
	assert_parse_fails("EfiPalCode 4096 1 0xF", "PHYS_START must be a 0x hex number");
	assert_parse_fails("EfiPalCode 0x 1 0xF", "PHYS_START must be a 0x hex number");
	assert_parse_fails("EfiPalCode 0x10000000000000000 1 0xF",
			   "PHYS_START must be a 0x hex number");
	assert_parse_fails("EfiPalCode 0x1000 0x10 0xF", "NUM_PAGES must be a decimal number");
	assert_parse_fails("EfiPalCode 0x1000 -1 0xF", "NUM_PAGES must be a decimal number");
	assert_parse_fails("EfiPalCode 0x1000 18446744073709551616 0xF",
			   "NUM_PAGES must be a decimal number");
	assert_parse_fails("EfiPalCode 0x1000 4503599627370496 0xF",	/* 2^52 */
			   "region wraps past the top of the address space");
	assert_parse_fails("EfiPalCode 0xFFFFFFFFFFFFF000 2 0xF",
			   "region wraps past the top of the address space");
	assert_parse_fails("EfiPalCode 0x1000 1 15", "ATTRIBUTE must be a 0x hex number");
	assert_parse_fails("EfiPalCode 0x1000 1 0x10000000000000000",
			   "ATTRIBUTE must be a 0x hex number");
}

static void test_memmap_parse_line_stops_at_len(void **state)
{
	struct efi_mdesc d;
	bool empty;

	(void)state;
	/* The bytes after len ("9 0xF") are not part of the line. */
	assert_null(memmap_parse_line("EfiPalCode 0x2000 1 0x3 9 0xF", 19 + 4, &d, &empty));
	assert_int_equal(d.type, EFI_MT_PAL_CODE);
	assert_int_equal(d.npages, 1);
	assert_int_equal(d.attr, 0x3);
}

/* Last: on failure ASan aborts the whole binary (a read past the name). */
static void test_memmap_type_parse_rejects_a_name_followed_by_nul(void **state)
{
	uint32_t t = 0xDEAD;

	(void)state;
	assert_false(memmap_type_parse("EfiPalCode\0\0\0\0", 12, &t));
	assert_int_equal(t, 0xDEAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memmap_names_every_uefi_type),
		cmocka_unit_test(test_memmap_type_parse_round_trips_every_name),
		cmocka_unit_test(test_memmap_type_parse_accepts_os_defined_hex_types),
		cmocka_unit_test(test_memmap_type_parse_rejects_near_misses),
		cmocka_unit_test(test_memmap_is_ram_excludes_device_and_reserved_types),
		cmocka_unit_test(test_memmap_is_runtime_flags_rt_types_missing_the_bit),
		cmocka_unit_test(test_memmap_check_accepts_ovmf_map_at_40_and_48_bytes),
		cmocka_unit_test(test_memmap_check_rejects_stride_below_40),
		cmocka_unit_test(test_memmap_check_rejects_size_not_multiple_of_stride),
		cmocka_unit_test(test_memmap_check_leaves_unaligned_starts_to_normalize),
		cmocka_unit_test(test_memmap_accepts_only_descriptor_version_1),
		cmocka_unit_test(test_memmap_check_rejects_a_wrapping_region),
		cmocka_unit_test(test_memmap_normalize_sorts_an_unsorted_48_byte_map),
		cmocka_unit_test(test_memmap_normalize_drops_zero_page_entries),
		cmocka_unit_test(test_memmap_normalize_refuses_ram_over_ram_with_its_sorted_index),
		cmocka_unit_test(test_memmap_normalize_clips_ram_around_mmio_inside_it),
		cmocka_unit_test(test_memmap_normalize_gives_overlaps_of_non_ram_to_the_runtime_one),
		cmocka_unit_test(test_memmap_normalize_resolves_overlap_at_the_top_of_the_address_space),
		cmocka_unit_test(test_memmap_normalize_rounds_non_ram_outward_and_ram_inward),
		cmocka_unit_test(test_memmap_normalize_leaves_out_ram_beyond_reach),
		cmocka_unit_test(test_memmap_normalize_fails_when_dst_is_too_small),
		cmocka_unit_test(test_memmap_format_line_writes_the_section_4_text),
		cmocka_unit_test(test_memmap_format_line_prints_os_types_as_hex),
		cmocka_unit_test(test_memmap_format_line_truncates_at_a_small_cap),
		cmocka_unit_test(test_memmap_parse_line_reads_every_ovmf_line),
		cmocka_unit_test(test_memmap_parse_line_round_trips_with_format_line),
		cmocka_unit_test(test_memmap_parse_line_takes_tabs_crlf_lowercase_and_comments),
		cmocka_unit_test(test_memmap_parse_line_reports_blank_and_comment_lines_empty),
		cmocka_unit_test(test_memmap_parse_line_names_each_error),
		cmocka_unit_test(test_memmap_parse_line_stops_at_len),
		cmocka_unit_test(test_memmap_type_parse_rejects_a_name_followed_by_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
