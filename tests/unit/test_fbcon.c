/* hv/fbcon.c: text drawn into RGB, BGR and 16-bit buffers, checked pixel by
 * pixel against the font's bitmaps; cursor movement, erasing, wrapping and
 * scrolling as a terminal does them; nothing drawn outside the mode. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/fbcon.h"

#define W	123		/* 15 columns of 8 pixels, 3 spare */
#define H	70		/* 4 rows of 16, 6 spare */
#define STRIDE	130		/* pixels; 7 of padding per row */
#define PAD	0x5A5A5A5AU	/* what nobody may write */

static struct psf_font font;
static uint32_t px[STRIDE * H + 16];
static uint16_t px16[STRIDE * H];
static uint8_t cells[64];
static uint16_t drawn[64];
static struct fbcon con;

static int load_font(void **state)
{
	static uint8_t buf[65536];
	FILE *fp = fopen(HV_FONT_FILE, "rb");
	size_t len;

	(void)state;
	assert_non_null(fp);
	len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_null(psf_parse(buf, len, &font));
	return 0;
}

static struct fb_surface surface32(uint32_t r, uint32_t g, uint32_t b)
{
	for (size_t i = 0; i < sizeof(px) / 4; i++)
		px[i] = PAD;
	return (struct fb_surface){ (uint8_t *)px, W, H, STRIDE * 4, 4, r, g, b };
}

static struct fb_surface bgrx(void)
{
	return surface32(0xFF0000, 0xFF00, 0xFF);
}

static void start(struct fb_surface s)
{
	assert_null(fbcon_init(&con, &s, &font, cells, drawn, sizeof(cells)));
}

static void put(const char *s)
{
	fbcon_write(&con, s, strlen(s));
	fbcon_flush(&con);
}

/* The row text of the cells, trailing blanks cut. */
static const char *row_text(uint32_t row)
{
	static char buf[64];
	size_t n = 0;

	for (uint32_t x = 0; x < con.cols; x++)
		buf[n++] = (char)con.cells[row * con.cols + x];
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = 0;
	return buf;
}

/* The pixels of cell (col, row) are glyph ch in fg on bg, read from the
 * font's bitmap (MSB leftmost: the PSF layout), not through fbcon. */
static void expect_glyph_32(uint32_t col, uint32_t row, char ch, uint32_t fg, uint32_t bg)
{
	const uint8_t *g = font.glyphs + (size_t)font.ascii[(uint8_t)ch] * font.bytes_per_glyph;

	for (uint32_t y = 0; y < 16; y++)
		for (uint32_t x = 0; x < 8; x++)
			assert_int_equal(px[(row * 16 + y) * STRIDE + col * 8 + x],
					 (g[y] >> (7 - x)) & 1 ? fg : bg);
}

static void test_fbcon_draws_bgrx_with_blue_in_byte_0(void **state)
{
	struct fb_surface s = bgrx();
	uint8_t bytes[4];

	(void)state;
	assert_int_equal(fb_pixel_value(&s, 0x12, 0x34, 0x56), 0x00123456);
	start(s);
	con.fg = fb_pixel_value(&s, 0x12, 0x34, 0x56);
	put("A");
	expect_glyph_32(0, 0, 'A', 0x00123456, 0);
	/* Glyph 'A' row 2 is 0x3C: pixel 2 lit. In memory: B G R X. */
	memcpy(bytes, &px[2 * STRIDE + 2], 4);
	assert_int_equal(bytes[0], 0x56);
	assert_int_equal(bytes[1], 0x34);
	assert_int_equal(bytes[2], 0x12);
}

static void test_fbcon_draws_rgbx_with_red_in_byte_0(void **state)
{
	struct fb_surface s = surface32(0xFF, 0xFF00, 0xFF0000);
	uint8_t bytes[4];

	(void)state;
	assert_int_equal(fb_pixel_value(&s, 0x12, 0x34, 0x56), 0x00563412);
	start(s);
	con.fg = fb_pixel_value(&s, 0x12, 0x34, 0x56);
	put("A");
	expect_glyph_32(0, 0, 'A', 0x00563412, 0);
	memcpy(bytes, &px[2 * STRIDE + 2], 4);
	assert_int_equal(bytes[0], 0x12);
	assert_int_equal(bytes[1], 0x34);
	assert_int_equal(bytes[2], 0x56);
}

static void test_fbcon_draws_a_16_bit_bitmask_mode(void **state)
{
	struct fb_surface s = { (uint8_t *)px16, W, H, STRIDE * 2, 2, 0xF800, 0x07E0, 0x001F };

	(void)state;
	memset(px16, 0x5A, sizeof(px16));
	assert_int_equal(fb_pixel_value(&s, 0xFF, 0, 0), 0xF800);
	assert_int_equal(fb_pixel_value(&s, 0, 0xFF, 0), 0x07E0);
	assert_int_equal(fb_pixel_value(&s, 0xE0, 0xE0, 0xE0), 0xDEFB);	/* 27, 55, 27 */
	start(s);
	put("A");
	assert_int_equal(px16[2 * STRIDE + 2], 0xDEFB);		/* lit */
	assert_int_equal(px16[2 * STRIDE + 1], 0);		/* background */
	assert_int_equal(px16[W], 0x5A5A);			/* padding untouched */
}

static void test_fbcon_clears_the_mode_and_never_touches_the_padding(void **state)
{
	(void)state;
	start(bgrx());
	assert_int_equal(con.cols, 15);
	assert_int_equal(con.rows, 4);
	put("hello\r\nworld\r\n1\r\n2\r\n3\r\n4\r\n5 and a line longer than the screen");
	for (uint32_t y = 0; y < H; y++)
		for (uint32_t x = 0; x < STRIDE; x++)
			if (x >= W)
				assert_int_equal(px[y * STRIDE + x], PAD);
			else if (x >= 15 * 8 || y >= 4 * 16)
				assert_int_equal(px[y * STRIDE + x], 0);	/* margin: background */
	assert_int_equal(px[STRIDE * H], PAD);
}

static void test_fbcon_shows_the_cursor_as_an_inverted_cell(void **state)
{
	uint32_t fg;

	(void)state;
	start(bgrx());
	fg = con.fg;
	expect_glyph_32(0, 0, ' ', 0, fg);
	put("ab");
	expect_glyph_32(0, 0, 'a', fg, 0);
	expect_glyph_32(1, 0, 'b', fg, 0);
	expect_glyph_32(2, 0, ' ', 0, fg);
	put("\x1b[2D");
	expect_glyph_32(0, 0, 'a', 0, fg);
	expect_glyph_32(2, 0, ' ', 0, 0);
}

static void test_fbcon_edits_a_line_as_the_shell_echoes_it(void **state)
{
	(void)state;
	start(bgrx());
	put("hv> helo");
	put("\b \b");			/* Backspace as the shell echoes it */
	assert_string_equal(row_text(0), "hv> hel");
	put("\x1b[2DX");		/* two left, overwrite */
	assert_string_equal(row_text(0), "hv> hXl");
	put("\x1b[K");			/* erase to the end of the line */
	assert_string_equal(row_text(0), "hv> hX");
	put("\rhv> ");
	assert_string_equal(row_text(0), "hv> hX");
	put("\x1b[1K");			/* erase to the cursor */
	assert_string_equal(row_text(0), "     X");
	put("\x1b[2K");
	assert_string_equal(row_text(0), "");
	expect_glyph_32(5, 0, ' ', 0, 0);
	put("\x1b[99D\x1b[3Cz\x1b[0m\x1b[?25h");	/* clamped; SGR/private ignored */
	assert_string_equal(row_text(0), "   z");
	assert_int_equal(con.cx, 4);
}

static void test_fbcon_wraps_at_the_last_column_and_scrolls_at_the_bottom(void **state)
{
	(void)state;
	start(bgrx());
	put("0123456789abcde");		/* exactly one row: the wrap waits */
	assert_int_equal(con.cy, 0);
	put("f");
	assert_string_equal(row_text(1), "f");
	put("\nrow2\nrow3\nrow4");
	assert_string_equal(row_text(0), "f");
	assert_string_equal(row_text(3), "row4");
	expect_glyph_32(0, 0, 'f', con.fg, 0);		/* redrawn where it moved */
	expect_glyph_32(1, 0, ' ', 0, 0);
	expect_glyph_32(3, 3, '4', con.fg, 0);
}

static void test_fbcon_draws_nothing_until_flushed_then_only_the_result(void **state)
{
	uint32_t fg;
	char line[8];

	(void)state;
	start(bgrx());
	fg = con.fg;
	fbcon_write(&con, "xy", 2);
	expect_glyph_32(0, 0, ' ', 0, fg);		/* still the old cursor */
	for (int i = 0; i < 100; i++) {			/* 100 scrolls */
		int n = snprintf(line, sizeof(line), "\nl%d", i);

		fbcon_write(&con, line, (size_t)n);
	}
	expect_glyph_32(0, 0, ' ', 0, fg);
	fbcon_flush(&con);
	assert_string_equal(row_text(0), "l96");
	assert_string_equal(row_text(3), "l99");
	expect_glyph_32(0, 0, 'l', fg, 0);
	expect_glyph_32(2, 0, '6', fg, 0);
	expect_glyph_32(3, 3, ' ', 0, fg);		/* the cursor, after "l99" */
	expect_glyph_32(0, 1, 'l', fg, 0);
}

static void test_fbcon_positions_and_erases_the_display(void **state)
{
	(void)state;
	start(bgrx());
	put("aaaa\nbbbb\ncccc");
	put("\x1b[2;3H\x1b[J");
	assert_string_equal(row_text(0), "aaaa");
	assert_string_equal(row_text(1), "bb");
	assert_string_equal(row_text(2), "");
	put("\x1b[2J");
	assert_string_equal(row_text(0), "");
	put("\x1b[4;99HZ\x1b[A\x1b[9Gy");
	assert_string_equal(row_text(3), "              Z");
	assert_string_equal(row_text(2), "        y");
	put("\t\tq");
	assert_string_equal(row_text(2), "        y     q");
}

static void test_fbcon_shows_other_bytes_as_a_question_mark(void **state)
{
	(void)state;
	start(bgrx());
	put("\xe9\x07\x7f\x01x\x1b" "cy");	/* ESC c: a two-byte sequence */
	assert_string_equal(row_text(0), "\xe9x" "y");
	expect_glyph_32(0, 0, '?', con.fg, 0);
}

static void test_fbcon_refuses_a_surface_smaller_than_a_glyph(void **state)
{
	struct fb_surface s = bgrx();
	struct fbcon c;

	(void)state;
	s.width = 7;
	assert_string_equal(fbcon_init(&c, &s, &font, cells, drawn, sizeof(cells)),
			    "screen smaller than one glyph");
	s = bgrx(), s.stride_bytes = (W - 1) * 4;
	assert_string_equal(fbcon_init(&c, &s, &font, cells, drawn, sizeof(cells)),
			    "bad pixel size or stride");
	s = bgrx(), s.bytes_per_pixel = 5;
	assert_string_equal(fbcon_init(&c, &s, &font, cells, drawn, sizeof(cells)),
			    "bad pixel size or stride");
}

static void test_fbcon_uses_only_the_cells_it_was_lent(void **state)
{
	struct fb_surface s = bgrx();

	(void)state;
	assert_null(fbcon_init(&con, &s, &font, cells, drawn, 20));
	assert_int_equal(con.cols, 15);
	assert_int_equal(con.rows, 1);
	put("one\ntwo\nthree");
	assert_string_equal(row_text(0), "three");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fbcon_draws_bgrx_with_blue_in_byte_0),
		cmocka_unit_test(test_fbcon_draws_rgbx_with_red_in_byte_0),
		cmocka_unit_test(test_fbcon_draws_a_16_bit_bitmask_mode),
		cmocka_unit_test(test_fbcon_clears_the_mode_and_never_touches_the_padding),
		cmocka_unit_test(test_fbcon_shows_the_cursor_as_an_inverted_cell),
		cmocka_unit_test(test_fbcon_edits_a_line_as_the_shell_echoes_it),
		cmocka_unit_test(test_fbcon_wraps_at_the_last_column_and_scrolls_at_the_bottom),
		cmocka_unit_test(test_fbcon_draws_nothing_until_flushed_then_only_the_result),
		cmocka_unit_test(test_fbcon_positions_and_erases_the_display),
		cmocka_unit_test(test_fbcon_shows_other_bytes_as_a_question_mark),
		cmocka_unit_test(test_fbcon_refuses_a_surface_smaller_than_a_glyph),
		cmocka_unit_test(test_fbcon_uses_only_the_cells_it_was_lent),
	};
	return cmocka_run_group_tests(tests, load_font, NULL);
}
