/* hv/psf.c: PSF1 and PSF2 fonts, their Unicode tables, and every kind of
 * malformed font refused with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/psf.h"

static uint8_t *read_font(size_t *len)
{
	FILE *fp = fopen(HV_FONT_FILE, "rb");
	static uint8_t buf[65536];

	assert_non_null(fp);
	*len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return buf;
}

/* The font the hypervisor embeds (Lat15-Terminus16, PSF1 with a Unicode
 * table): 256 glyphs 8x16, ASCII where the table puts it. */
static void test_psf_parses_the_embedded_console_font(void **state)
{
	struct psf_font f;
	size_t len;
	const uint8_t *d = read_font(&len);
	static const uint8_t glyph_A[16] = {
		0, 0, 0x3C, 0x42, 0x42, 0x42, 0x42, 0x7E, 0x42, 0x42, 0x42, 0x42, 0, 0, 0, 0,
	};

	(void)state;
	assert_int_equal(len, 5670);
	assert_null(psf_parse(d, len, &f));
	assert_int_equal(f.count, 256);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	assert_int_equal(f.row_bytes, 1);
	assert_int_equal(f.ascii['A'], 65);
	assert_int_equal(f.ascii['~'], 126);
	assert_memory_equal(psf_glyph(&f, 'A'), glyph_A, 16);
	/* A byte above ASCII shows as '?'. */
	assert_ptr_equal(psf_glyph(&f, 0xE9), psf_glyph(&f, '?'));
}

/* A PSF1 font of n glyphs 8x4, glyph g filled with byte g. */
static size_t psf1(uint8_t *buf, uint8_t mode, unsigned n)
{
	buf[0] = 0x36, buf[1] = 0x04, buf[2] = mode, buf[3] = 4;
	for (unsigned g = 0; g < n; g++)
		memset(buf + 4 + 4 * g, g, 4);
	return 4 + 4 * n;
}

static void test_psf1_without_a_table_maps_glyph_n_to_code_point_n(void **state)
{
	static uint8_t buf[4 + 512 * 4];
	struct psf_font f;

	(void)state;
	assert_null(psf_parse(buf, psf1(buf, 0, 256), &f));
	assert_int_equal(f.count, 256);
	assert_int_equal(f.ascii['x'], 'x');
	assert_int_equal(psf_glyph(&f, 'x')[0], 'x');
	assert_null(psf_parse(buf, psf1(buf, 1, 512), &f));
	assert_int_equal(f.count, 512);
}

static void test_psf1_table_maps_single_code_points_not_sequences(void **state)
{
	static uint8_t buf[4 + 256 * 4 + 256 * 8];
	struct psf_font f;
	size_t n = psf1(buf, 2, 256);

	(void)state;
	for (unsigned g = 0; g < 256; g++) {
		/* Glyph g: code point 255-g, then a sequence naming 'Z'. */
		uint16_t e[4] = { (uint16_t)(255 - g), 0xFFFE, 'Z', 0xFFFF };

		memcpy(buf + n, e, sizeof(e));	/* little-endian host */
		n += sizeof(e);
	}
	assert_null(psf_parse(buf, n, &f));
	assert_int_equal(f.ascii['A'], 255 - 'A');
	assert_int_equal(f.ascii['Z'], 255 - 'Z');	/* not from a sequence */
	assert_int_equal(psf_glyph(&f, 'A')[3], 255 - 'A');
}

static void test_psf1_table_leaves_unlisted_ascii_on_the_question_mark(void **state)
{
	static uint8_t buf[4 + 256 * 4 + 256 * 4];
	struct psf_font f;
	size_t n = psf1(buf, 2, 256);

	(void)state;
	for (unsigned g = 0; g < 256; g++) {
		uint16_t e[2] = { (uint16_t)(g == 7 ? '?' : 0x100 + g), 0xFFFF };

		memcpy(buf + n, e, sizeof(e));
		n += sizeof(e);
	}
	assert_null(psf_parse(buf, n, &f));
	assert_int_equal(f.ascii['A'], 7);
	assert_int_equal(f.ascii['?'], 7);
}

/* A PSF2 font of 3 glyphs 12x2 (two bytes a row) with a UTF-8 table. */
static size_t psf2(uint8_t *buf, const uint8_t *table, size_t tlen)
{
	const uint32_t h[8] = { 0x864AB572, 0, 32, 1, 3, 4, 2, 12 };

	memcpy(buf, h, sizeof(h));
	for (unsigned g = 0; g < 3; g++)
		memset(buf + 32 + 4 * g, 0xA0 + g, 4);
	memcpy(buf + 44, table, tlen);
	return 44 + tlen;
}

static void test_psf2_reads_wide_glyphs_and_a_utf8_table(void **state)
{
	/* glyph 0: U+00E9 'é' and 'e'; glyph 1: '?'; glyph 2: 'x', then a sequence 'y'. */
	static const uint8_t table[] = { 0xC3, 0xA9, 'e', 0xFF, '?', 0xFF, 'x', 0xFE, 'y', 0xFF };
	uint8_t buf[128];
	struct psf_font f;

	(void)state;
	assert_null(psf_parse(buf, psf2(buf, table, sizeof(table)), &f));
	assert_int_equal(f.width, 12);
	assert_int_equal(f.height, 2);
	assert_int_equal(f.row_bytes, 2);
	assert_int_equal(f.bytes_per_glyph, 4);
	assert_int_equal(f.ascii['e'], 0);
	assert_int_equal(f.ascii['x'], 2);
	assert_int_equal(f.ascii['y'], 1);	/* only in a sequence: '?' */
	assert_int_equal(psf_glyph(&f, 'x')[0], 0xA2);
}

static void expect_refused(const uint8_t *d, size_t len, const char *why)
{
	struct psf_font f;

	assert_string_equal(psf_parse(d, len, &f), why);
}

static void test_psf_refuses_every_malformed_font_with_its_reason(void **state)
{
	static const uint8_t table[] = { 'a', 0xFF, 'b', 0xFF, 'c', 0xFF };
	static uint8_t buf[4 + 512 * 4 + 64];
	uint32_t v;
	size_t n;

	(void)state;
	expect_refused(buf, 0, "not a PSF1 or PSF2 font (bad magic)");
	memset(buf, 0, 64);
	expect_refused(buf, 64, "not a PSF1 or PSF2 font (bad magic)");
	n = psf1(buf, 0, 256);
	expect_refused(buf, n - 1, "glyphs extend past the end of the font");
	buf[3] = 0;
	expect_refused(buf, n, "glyph height not in 1..64");
	buf[3] = 65;
	expect_refused(buf, n, "glyph height not in 1..64");
	n = psf1(buf, 2, 256);
	expect_refused(buf, n, "Unicode table truncated");
	buf[n] = 'a', buf[n + 1] = 0;
	expect_refused(buf, n + 1, "Unicode table truncated");

	n = psf2(buf, table, sizeof(table));
	expect_refused(buf, n - 1, "Unicode table truncated");
	v = 1, memcpy(buf + 4, &v, 4);
	expect_refused(buf, n, "unknown PSF2 version");
	n = psf2(buf, table, sizeof(table));
	v = 16, memcpy(buf + 8, &v, 4);
	expect_refused(buf, n, "PSF2 header size below 32");
	n = psf2(buf, table, sizeof(table));
	v = 0x7FFFFFF0, memcpy(buf + 8, &v, 4);
	expect_refused(buf, n, "glyphs extend past the end of the font");
	n = psf2(buf, table, sizeof(table));
	v = 33, memcpy(buf + 28, &v, 4);
	expect_refused(buf, n, "glyph width not in 1..32");
	v = 0, memcpy(buf + 28, &v, 4);
	expect_refused(buf, n, "glyph width not in 1..32");
	n = psf2(buf, table, sizeof(table));
	v = 5, memcpy(buf + 20, &v, 4);
	expect_refused(buf, n, "PSF2 charsize is not height times row bytes");
	n = psf2(buf, table, sizeof(table));
	v = 0, memcpy(buf + 16, &v, 4);
	expect_refused(buf, n, "no glyphs");
	n = psf2(buf, table, sizeof(table));
	v = 0xFFFFFFFF, memcpy(buf + 16, &v, 4);
	expect_refused(buf, n, "glyphs extend past the end of the font");
	n = psf2(buf, (const uint8_t[]){ 0xC3, 'a', 0xFF, 'b', 0xFF, 'c', 0xFF }, 7);
	expect_refused(buf, n, "Unicode table holds malformed UTF-8");
	n = psf2(buf, (const uint8_t[]){ 'a', 0xFF, 'b', 0xFF, 0xE2, 0x82 }, 6);
	expect_refused(buf, n, "Unicode table holds malformed UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psf_parses_the_embedded_console_font),
		cmocka_unit_test(test_psf1_without_a_table_maps_glyph_n_to_code_point_n),
		cmocka_unit_test(test_psf1_table_maps_single_code_points_not_sequences),
		cmocka_unit_test(test_psf1_table_leaves_unlisted_ascii_on_the_question_mark),
		cmocka_unit_test(test_psf2_reads_wide_glyphs_and_a_utf8_table),
		cmocka_unit_test(test_psf_refuses_every_malformed_font_with_its_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
