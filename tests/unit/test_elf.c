/* loader/elf.c: one test per rule, with the exact reason and the program
 * header it blames, on images made by the small builder below. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "loader/elf.h"

#define B		HV_IMAGE_BASE
#define PT_LOAD		1
#define PT_NOTE		4
#define PT_GNU_STACK	0x6474e551
#define R		ELF_PF_R
#define W		ELF_PF_W
#define X		ELF_PF_X

/* ---------------------------------------------------------------- builder */

struct tphdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct timg {
	uint8_t class, data, ei_version;
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
	struct tphdr ph[24];
	uint64_t size;		/* file size handed to elf_validate */
	uint8_t buf[0x4000];
};

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A good image: text (R X) one page, a PT_GNU_STACK, data (R W) with
 * 0x100 file bytes and .bss to 0x3000. Headers: [0] text, [1] stack,
 * [2] data, so a bad_seg of 2 proves non-PT_LOAD headers are counted. */
static void timg_good(struct timg *t)
{
	memset(t, 0, sizeof(*t));
	t->class = 2;
	t->data = 1;
	t->ei_version = 1;
	t->type = 2;
	t->machine = 62;
	t->version = 1;
	t->phentsize = 56;
	t->phnum = 3;
	t->phoff = 64;
	t->entry = B + 0x1010;
	t->ph[0] = (struct tphdr){ PT_LOAD, R | X, 0x1000, B + 0x1000, 0x1000, 0x1000 };
	t->ph[1] = (struct tphdr){ PT_GNU_STACK, R | W, 0, 0, 0, 0 };
	t->ph[2] = (struct tphdr){ PT_LOAD, R | W, 0x2000, B + 0x2000, 0x100, 0x3000 };
	t->size = 0x2100;
}

/* Writes the headers over a byte pattern; returns the file. */
static const uint8_t *timg_build(struct timg *t)
{
	uint8_t *f = t->buf;

	for (size_t i = 0; i < sizeof(t->buf); i++)
		f[i] = (uint8_t)(i * 13 + 1) | 1;	/* never 0: tells copied from zeroed */
	memcpy(f, "\x7f" "ELF", 4);
	f[4] = t->class;
	f[5] = t->data;
	f[6] = t->ei_version;
	memset(f + 7, 0, 9);
	put(f + 16, t->type, 2);
	put(f + 18, t->machine, 2);
	put(f + 20, t->version, 4);
	put(f + 24, t->entry, 8);
	put(f + 32, t->phoff, 8);
	put(f + 40, 0, 8);		/* e_shoff */
	put(f + 48, 0, 4);		/* e_flags */
	put(f + 52, 64, 2);		/* e_ehsize */
	put(f + 54, t->phentsize, 2);
	put(f + 56, t->phnum, 2);
	put(f + 58, 0, 6);		/* e_shentsize, e_shnum, e_shstrndx */
	for (unsigned i = 0; i < t->phnum && i < 24 && t->phoff < sizeof(t->buf); i++) {
		uint8_t *ph = f + t->phoff + 56 * i;

		if (ph + 56 > f + sizeof(t->buf))
			break;
		put(ph + 0, t->ph[i].type, 4);
		put(ph + 4, t->ph[i].flags, 4);
		put(ph + 8, t->ph[i].offset, 8);
		put(ph + 16, t->ph[i].vaddr, 8);
		put(ph + 24, t->ph[i].vaddr - B, 8);	/* p_paddr: unused */
		put(ph + 32, t->ph[i].filesz, 8);
		put(ph + 40, t->ph[i].memsz, 8);
		put(ph + 48, 0x1000, 8);
	}
	return f;
}

static struct timg T;
static struct elf_image img;
static int bad;

static const char *validate(struct timg *t)
{
	const uint8_t *f = timg_build(t);

	memset(&img, 0x5A, sizeof(img));
	bad = 1234;
	return elf_validate(f, t->size, &img, &bad);
}

static const char *outcome(struct timg *t)
{
	const char *why = validate(t);

	return why ? why : "(accepted)";
}

#define assert_rejects(t, reason, seg) do {			\
		assert_string_equal(outcome(t), reason);	\
		assert_int_equal(bad, seg);			\
	} while (0)

#define assert_accepts(t) do {					\
		assert_string_equal(outcome(t), "(accepted)");	\
		assert_int_equal(bad, -1);			\
	} while (0)

/* ---------------------------------------------------------------- accepting */

static void test_elf_accepts_good_image(void **state)
{
	(void)state;
	timg_good(&T);
	assert_accepts(&T);
	assert_int_equal(img.nseg, 2);
	assert_true(img.entry_va == B + 0x1010);
	assert_true(img.va_lo == B + 0x1000);
	assert_true(img.va_hi == B + 0x5000);
	assert_true(img.seg[0].va == B + 0x1000);
	assert_true(img.seg[0].offset == 0x1000);
	assert_true(img.seg[0].filesz == 0x1000 && img.seg[0].memsz == 0x1000);
	assert_int_equal(img.seg[0].flags, R | X);
	assert_true(img.seg[1].va == B + 0x2000);
	assert_true(img.seg[1].filesz == 0x100 && img.seg[1].memsz == 0x3000);
	assert_int_equal(img.seg[1].flags, R | W);
}

static void test_elf_sorts_segments_by_va(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[1] = T.ph[0];
	T.ph[0] = T.ph[2];
	T.ph[2] = (struct tphdr){ PT_LOAD, R, 0x1000, B, 0x80, 0x80 };	/* rodata below text */
	assert_accepts(&T);
	assert_int_equal(img.nseg, 3);
	assert_true(img.seg[0].va == B);
	assert_true(img.seg[1].va == B + 0x1000);
	assert_true(img.seg[2].va == B + 0x2000);
	assert_true(img.va_lo == B);
}

static void test_elf_accepts_image_at_unaligned_address(void **state)
{
	uint8_t *copy = malloc(0x2100 + 3);

	(void)state;
	assert_non_null(copy);
	timg_good(&T);
	memcpy(copy + 3, timg_build(&T), 0x2100);
	assert_null(elf_validate(copy + 3, 0x2100, &img, &bad));
	assert_int_equal(bad, -1);
	assert_true(img.va_hi - img.va_lo == 0x4000);
	free(copy);
}

static void test_elf_ignores_non_load_headers(void **state)
{
	(void)state;
	timg_good(&T);
	/* Nonsense in non-PT_LOAD headers must not matter. */
	T.ph[1] = (struct tphdr){ PT_NOTE, R | W | X, UINT64_MAX, 0x1234, UINT64_MAX, 1 };
	assert_accepts(&T);
	assert_int_equal(img.nseg, 2);
}

static void test_elf_skips_empty_load_segment(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[1] = (struct tphdr){ PT_LOAD, R | W | X, UINT64_MAX, 0x1000, 0, 0 };
	assert_accepts(&T);
	assert_int_equal(img.nseg, 2);
}

static void test_elf_accepts_file_size_equal_to_memory_size(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].filesz = T.ph[2].memsz = 0x100;
	assert_accepts(&T);
	assert_true(img.seg[1].filesz == img.seg[1].memsz);
	assert_true(img.va_hi == B + 0x3000);
}

static void test_elf_accepts_segment_ending_exactly_at_end_of_file(void **state)
{
	(void)state;
	timg_good(&T);
	T.size = 0x2100;		/* data's file bytes end at 0x2100 */
	assert_accepts(&T);
	T.size = 0x20ff;
	assert_rejects(&T, "segment extends past end of file", 2);
}

static void test_elf_accepts_segment_ending_at_stack_guard(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2] = (struct tphdr){ PT_LOAD, R | W, 0x2000, HV_STACK_GUARD_VA - 0x1000, 0x100, 0x1000 };
	T.ph[0].vaddr = T.entry = HV_STACK_GUARD_VA - 0x2000;
	assert_accepts(&T);
	assert_true(img.va_hi == HV_STACK_GUARD_VA);
}

static void test_elf_accepts_segments_on_adjacent_pages(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[0].filesz = T.ph[0].memsz = 0x801;	/* text ends mid-page ... */
	assert_accepts(&T);			/* ... data starts on the next page */
}

static void test_elf_accepts_span_of_exactly_image_max(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = B + 0x1000 + ELF_IMAGE_MAX - 0x1000;
	T.ph[2].memsz = 0x1000;
	assert_accepts(&T);
	assert_true(img.va_hi - img.va_lo == ELF_IMAGE_MAX);
}

static void test_elf_accepts_max_segments(void **state)
{
	(void)state;
	timg_good(&T);
	T.phnum = ELF_MAX_SEGS;
	for (unsigned i = 2; i < ELF_MAX_SEGS; i++)
		T.ph[i] = (struct tphdr){ PT_LOAD, R, 0x2000, B + 0x1000 * (i + 1), 0x10, 0x10 };
	T.ph[1] = (struct tphdr){ PT_LOAD, R, 0x2000, B + 0x2000, 0x10, 0x10 };
	assert_accepts(&T);
	assert_int_equal(img.nseg, ELF_MAX_SEGS);
}

static void test_elf_accepts_entry_at_last_byte_of_text(void **state)
{
	(void)state;
	timg_good(&T);
	T.entry = B + 0x1fff;
	assert_accepts(&T);
}

/* ---------------------------------------------------------------- header rules */

static void test_elf_rejects_empty_file(void **state)
{
	(void)state;
	timg_good(&T);
	T.size = 0;
	assert_rejects(&T, "not an ELF64 file", -1);
}

static void test_elf_rejects_bad_magic(void **state)
{
	(void)state;
	timg_good(&T);
	timg_build(&T);
	T.buf[1] = 'e';
	memset(&img, 0, sizeof(img));
	assert_string_equal(elf_validate(T.buf, T.size, &img, &bad), "not an ELF64 file");
	assert_int_equal(bad, -1);
}

static void test_elf_rejects_elf32(void **state)
{
	(void)state;
	timg_good(&T);
	T.class = 1;
	assert_rejects(&T, "not an ELF64 file", -1);
}

static void test_elf_rejects_truncated_header(void **state)
{
	(void)state;
	timg_good(&T);
	T.size = 63;
	assert_rejects(&T, "truncated", -1);
	T.size = 4;
	assert_rejects(&T, "truncated", -1);
}

static void test_elf_rejects_big_endian(void **state)
{
	(void)state;
	timg_good(&T);
	T.data = 2;
	assert_rejects(&T, "not little-endian", -1);
}

static void test_elf_rejects_unknown_version(void **state)
{
	(void)state;
	timg_good(&T);
	T.ei_version = 2;
	assert_rejects(&T, "unsupported ELF version", -1);
	timg_good(&T);
	T.version = 0;
	assert_rejects(&T, "unsupported ELF version", -1);
}

static void test_elf_rejects_wrong_machine(void **state)
{
	(void)state;
	timg_good(&T);
	T.machine = 183;	/* EM_AARCH64 */
	assert_rejects(&T, "wrong machine (expected x86-64)", -1);
}

static void test_elf_rejects_non_executable(void **state)
{
	(void)state;
	timg_good(&T);
	T.type = 3;		/* ET_DYN */
	assert_rejects(&T, "not an executable (ET_EXEC)", -1);
}

static void test_elf_rejects_wrong_program_header_size(void **state)
{
	(void)state;
	timg_good(&T);
	T.phentsize = 64;
	assert_rejects(&T, "unexpected program header size", -1);
}

static void test_elf_rejects_no_program_headers(void **state)
{
	(void)state;
	timg_good(&T);
	T.phnum = 0;
	assert_rejects(&T, "no program headers", -1);
}

static void test_elf_rejects_extended_program_header_count(void **state)
{
	(void)state;
	timg_good(&T);
	T.phnum = 0xFFFF;	/* PN_XNUM */
	assert_rejects(&T, "too many program headers", -1);
}

static void test_elf_rejects_program_headers_past_end_of_file(void **state)
{
	(void)state;
	timg_good(&T);
	T.size = 64 + 3 * 56 - 1;
	assert_rejects(&T, "program header table extends past end of file", -1);
	timg_good(&T);
	T.phoff = T.size + 1;
	assert_rejects(&T, "program header table extends past end of file", -1);
}

static void test_elf_rejects_program_header_offset_overflow(void **state)
{
	(void)state;
	timg_good(&T);
	T.phoff = UINT64_MAX - 55;	/* phoff + 56 wraps to 0 */
	T.phnum = 1;
	assert_rejects(&T, "program header table extends past end of file", -1);
}

static void test_elf_rejects_image_without_load_segments(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[0].type = PT_NOTE;
	T.ph[2].type = PT_NOTE;
	assert_rejects(&T, "no loadable segments", -1);
}

static void test_elf_rejects_too_many_segments(void **state)
{
	(void)state;
	timg_good(&T);
	T.phnum = ELF_MAX_SEGS + 2;	/* one PT_GNU_STACK among them */
	for (unsigned i = 2; i < ELF_MAX_SEGS + 2; i++)
		T.ph[i] = (struct tphdr){ PT_LOAD, R, 0x2000, B + 0x1000 * i, 0x10, 0x10 };
	assert_rejects(&T, "too many loadable segments", ELF_MAX_SEGS + 1);
}

/* ---------------------------------------------------------------- segment rules */

static void test_elf_rejects_file_size_above_memory_size(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].filesz = 0x101;
	T.ph[2].memsz = 0x100;
	assert_rejects(&T, "segment file size exceeds memory size", 2);
	T.ph[2].memsz = 0;	/* not skipped as empty: it has file bytes */
	assert_rejects(&T, "segment file size exceeds memory size", 2);
}

static void test_elf_rejects_segment_past_end_of_file(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].filesz = 0x101;
	assert_rejects(&T, "segment extends past end of file", 2);
	timg_good(&T);
	T.ph[2].offset = T.size + 0x1000;	/* congruent, but beyond EOF */
	T.ph[2].filesz = 0;
	assert_rejects(&T, "segment extends past end of file", 2);
}

static void test_elf_rejects_segment_file_range_overflow(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].offset = 0x2000;
	T.ph[2].filesz = UINT64_MAX - 0xfff;	/* offset + filesz wraps to 0x1000 */
	T.ph[2].memsz = UINT64_MAX;
	assert_rejects(&T, "segment extends past end of file", 2);
}

static void test_elf_rejects_segment_not_congruent_to_offset(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].offset = 0x2010;
	T.ph[2].filesz = 0xf0;
	assert_rejects(&T, "segment not congruent to its file offset modulo 4 KiB", 2);
}

static void test_elf_rejects_segment_wrapping_past_2_64(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = 0xFFFFFFFFFFFFF000ULL;
	T.ph[2].memsz = 0x1000;		/* end == 2^64 */
	assert_rejects(&T, "segment address range overflows", 2);
}

static void test_elf_rejects_segment_wrapping_when_rounded_to_a_page(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = 0xFFFFFFFFFFFFF000ULL;
	T.ph[2].memsz = 0xFFF;		/* end 2^64 - 1, page end 2^64 */
	assert_rejects(&T, "segment address range overflows", 2);
}

static void test_elf_rejects_segment_in_lower_half(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = 0x402000;
	assert_rejects(&T, "segment in the lower half", 2);
	T.ph[2].vaddr = HV_HIGHER_HALF - 0x1000;	/* last lower-half page */
	assert_rejects(&T, "segment in the lower half", 2);
}

static void test_elf_rejects_segment_outside_image_area(void **state)
{
	static const char why[] = "segment outside the hypervisor image area "
				  "0xFFFFFFFF80000000-0xFFFFFFFFC0000000";

	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = HV_HIGHER_HALF;		/* direct map */
	assert_rejects(&T, why, 2);
	T.ph[2].vaddr = HV_IMAGE_BASE - 0x1000;
	assert_rejects(&T, why, 2);
	T.ph[2].vaddr = HV_STACK_GUARD_VA;	/* the stack guard */
	assert_rejects(&T, why, 2);
	T.ph[2].vaddr = HV_STACK_GUARD_VA - 0x1000;
	T.ph[2].memsz = 0x1001;			/* one byte over */
	assert_rejects(&T, why, 2);
}

static void test_elf_rejects_writable_executable_segment(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].flags = R | W | X;
	assert_rejects(&T, "segment both writable and executable", 2);
}

/* ---------------------------------------------------------------- image rules */

static void test_elf_rejects_overlapping_segments(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = B + 0x1800;	/* inside text's bytes */
	T.ph[2].offset = 0x1800;
	assert_rejects(&T, "segments overlap", 2);
}

static void test_elf_rejects_segments_sharing_a_page(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[0].filesz = T.ph[0].memsz = 0x800;	/* text ends at 0x1800 ... */
	T.ph[2].vaddr = B + 0x1800;		/* ... data starts there: same page */
	T.ph[2].offset = 0x1800;
	assert_rejects(&T, "segments overlap", 2);
}

static void test_elf_blames_later_segment_for_overlap_in_any_header_order(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[0] = (struct tphdr){ PT_LOAD, R | W, 0x2000, B + 0x2000, 0x100, 0x100 };
	T.ph[2] = (struct tphdr){ PT_LOAD, R | X, 0x1000, B + 0x1000, 0x1000, 0x1001 };
	assert_rejects(&T, "segments overlap", 0);
}

static void test_elf_rejects_image_too_large(void **state)
{
	(void)state;
	timg_good(&T);
	T.ph[2].vaddr = B + 0x1000 + ELF_IMAGE_MAX;
	T.ph[2].memsz = 0x1000;
	assert_rejects(&T, "image too large", -1);
}

static void test_elf_rejects_entry_in_data_segment(void **state)
{
	(void)state;
	timg_good(&T);
	T.entry = B + 0x2000;
	assert_rejects(&T, "entry point outside executable segments", -1);
}

static void test_elf_rejects_entry_just_past_text(void **state)
{
	(void)state;
	timg_good(&T);
	/* text is [B+0x1000, B+0x2000); data moves up a page so nothing
	 * is at B+0x2000. */
	T.ph[2].vaddr = B + 0x3000;
	T.entry = B + 0x2000;
	assert_rejects(&T, "entry point outside executable segments", -1);
	T.entry = B + 0x1000 - 1;
	assert_rejects(&T, "entry point outside executable segments", -1);
}

/* ---------------------------------------------------------------- elf_load */

static void test_elf_load_copies_file_bytes_and_zeroes_the_rest(void **state)
{
	const uint8_t *f;
	uint8_t *dest;
	size_t span;

	(void)state;
	timg_good(&T);
	/* A gap page between text and data, to see it zeroed too. */
	T.ph[2].vaddr = B + 0x3000;
	T.ph[2].offset = 0x2000;
	f = timg_build(&T);
	assert_null(elf_validate(f, T.size, &img, &bad));
	span = img.va_hi - img.va_lo;
	assert_int_equal(span, 0x5000);
	dest = malloc(span);
	assert_non_null(dest);
	memset(dest, 0xAA, span);

	elf_load(f, &img, dest);
	assert_memory_equal(dest, f + 0x1000, 0x1000);			/* text */
	for (size_t i = 0x1000; i < 0x2000; i++)			/* gap */
		assert_int_equal(dest[i], 0);
	assert_memory_equal(dest + 0x2000, f + 0x2000, 0x100);		/* .data */
	for (size_t i = 0x2100; i < span; i++)				/* .bss */
		assert_int_equal(dest[i], 0);
	free(dest);
}

static void test_elf_load_zeroes_the_head_of_a_page_below_an_unaligned_segment(void **state)
{
	const uint8_t *f;
	uint8_t dest[0x1000];

	(void)state;
	timg_good(&T);
	T.phnum = 1;
	T.ph[0] = (struct tphdr){ PT_LOAD, R | X, 0x1234, B + 0x234, 0x10, 0x20 };
	T.entry = B + 0x234;
	f = timg_build(&T);
	assert_null(elf_validate(f, T.size, &img, &bad));
	assert_true(img.va_lo == B && img.va_hi == B + 0x1000);
	memset(dest, 0xAA, sizeof(dest));
	elf_load(f, &img, dest);
	for (size_t i = 0; i < 0x234; i++)
		assert_int_equal(dest[i], 0);
	assert_memory_equal(dest + 0x234, f + 0x1234, 0x10);
	for (size_t i = 0x244; i < sizeof(dest); i++)
		assert_int_equal(dest[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_accepts_good_image),
		cmocka_unit_test(test_elf_sorts_segments_by_va),
		cmocka_unit_test(test_elf_accepts_image_at_unaligned_address),
		cmocka_unit_test(test_elf_ignores_non_load_headers),
		cmocka_unit_test(test_elf_skips_empty_load_segment),
		cmocka_unit_test(test_elf_accepts_file_size_equal_to_memory_size),
		cmocka_unit_test(test_elf_accepts_segment_ending_exactly_at_end_of_file),
		cmocka_unit_test(test_elf_accepts_segment_ending_at_stack_guard),
		cmocka_unit_test(test_elf_accepts_segments_on_adjacent_pages),
		cmocka_unit_test(test_elf_accepts_span_of_exactly_image_max),
		cmocka_unit_test(test_elf_accepts_max_segments),
		cmocka_unit_test(test_elf_accepts_entry_at_last_byte_of_text),
		cmocka_unit_test(test_elf_rejects_empty_file),
		cmocka_unit_test(test_elf_rejects_bad_magic),
		cmocka_unit_test(test_elf_rejects_elf32),
		cmocka_unit_test(test_elf_rejects_truncated_header),
		cmocka_unit_test(test_elf_rejects_big_endian),
		cmocka_unit_test(test_elf_rejects_unknown_version),
		cmocka_unit_test(test_elf_rejects_wrong_machine),
		cmocka_unit_test(test_elf_rejects_non_executable),
		cmocka_unit_test(test_elf_rejects_wrong_program_header_size),
		cmocka_unit_test(test_elf_rejects_no_program_headers),
		cmocka_unit_test(test_elf_rejects_extended_program_header_count),
		cmocka_unit_test(test_elf_rejects_program_headers_past_end_of_file),
		cmocka_unit_test(test_elf_rejects_program_header_offset_overflow),
		cmocka_unit_test(test_elf_rejects_image_without_load_segments),
		cmocka_unit_test(test_elf_rejects_too_many_segments),
		cmocka_unit_test(test_elf_rejects_file_size_above_memory_size),
		cmocka_unit_test(test_elf_rejects_segment_past_end_of_file),
		cmocka_unit_test(test_elf_rejects_segment_file_range_overflow),
		cmocka_unit_test(test_elf_rejects_segment_not_congruent_to_offset),
		cmocka_unit_test(test_elf_rejects_segment_wrapping_past_2_64),
		cmocka_unit_test(test_elf_rejects_segment_wrapping_when_rounded_to_a_page),
		cmocka_unit_test(test_elf_rejects_segment_in_lower_half),
		cmocka_unit_test(test_elf_rejects_segment_outside_image_area),
		cmocka_unit_test(test_elf_rejects_writable_executable_segment),
		cmocka_unit_test(test_elf_rejects_overlapping_segments),
		cmocka_unit_test(test_elf_rejects_segments_sharing_a_page),
		cmocka_unit_test(test_elf_blames_later_segment_for_overlap_in_any_header_order),
		cmocka_unit_test(test_elf_rejects_image_too_large),
		cmocka_unit_test(test_elf_rejects_entry_in_data_segment),
		cmocka_unit_test(test_elf_rejects_entry_just_past_text),
		cmocka_unit_test(test_elf_load_copies_file_bytes_and_zeroes_the_rest),
		cmocka_unit_test(test_elf_load_zeroes_the_head_of_a_page_below_an_unaligned_segment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
