/* Framebuffer text console (see fbcon.h). Writing only changes the cell
 * array and widens the dirty range; fbcon_flush draws, through set_cell,
 * only the cells whose character differs from what is on screen. So a
 * burst of output that scrolls a hundred times costs one redraw, the
 * framebuffer is never read back (it is write-combining, and uncached
 * reads are slow), and blank areas cost nothing. */
#include "fbcon.h"

#define DRAWN_INVERSE	0x100	/* the cursor: colours swapped */
#define DRAWN_UNKNOWN	0xFFFF	/* never a cell's value: draw it */
#define ESC_NONE	0
#define ESC_SEEN	1	/* after ESC */
#define ESC_CSI		2	/* after ESC [ */
#define PARAM_MAX	9999

static uint32_t channel(uint32_t mask, uint8_t v)
{
	uint32_t shift = 0, max;

	if (!mask)
		return 0;
	while (!((mask >> shift) & 1))
		shift++;
	max = mask >> shift;
	return (((uint32_t)v * max + 127) / 255) << shift;
}

uint32_t fb_pixel_value(const struct fb_surface *s, uint8_t r, uint8_t g, uint8_t b)
{
	return channel(s->mask_red, r) | channel(s->mask_green, g) | channel(s->mask_blue, b);
}

static void put_pixel(const struct fb_surface *s, uint32_t x, uint32_t y, uint32_t v)
{
	uint8_t *p = s->base + (size_t)y * s->stride_bytes + (size_t)x * s->bytes_per_pixel;

	switch (s->bytes_per_pixel) {
	case 4:
		*(volatile uint32_t *)p = v;
		break;
	case 2:
		*(volatile uint16_t *)p = (uint16_t)v;
		break;
	default:
		for (uint32_t i = 0; i < s->bytes_per_pixel; i++)
			((volatile uint8_t *)p)[i] = (uint8_t)(v >> (8 * i));
		break;
	}
}

static void draw_cell(struct fbcon *c, uint32_t i, uint16_t what)
{
	const struct psf_font *f = c->font;
	const uint8_t *g = psf_glyph(f, (uint8_t)what);
	uint32_t fg = what & DRAWN_INVERSE ? c->bg : c->fg;
	uint32_t bg = what & DRAWN_INVERSE ? c->fg : c->bg;
	uint32_t x0 = (i % c->cols) * f->width, y0 = (i / c->cols) * f->height;

	for (uint32_t y = 0; y < f->height; y++, g += f->row_bytes)
		for (uint32_t x = 0; x < f->width; x++)
			put_pixel(&c->s, x0 + x, y0 + y,
				  (g[x / 8] & (0x80 >> (x % 8))) ? fg : bg);
}

static void set_cell(struct fbcon *c, uint32_t i, uint16_t what)
{
	if (c->drawn[i] != what) {
		draw_cell(c, i, what);
		c->drawn[i] = what;
	}
}

static uint32_t cursor_cell(const struct fbcon *c)
{
	return c->cy * c->cols + c->cx;
}

static void dirty(struct fbcon *c, uint32_t from, uint32_t to)	/* [from, to) */
{
	if (from >= to)
		return;
	if (c->dirty_lo >= c->dirty_hi) {
		c->dirty_lo = from;
		c->dirty_hi = to;
		return;
	}
	if (from < c->dirty_lo)
		c->dirty_lo = from;
	if (to > c->dirty_hi)
		c->dirty_hi = to;
}

static void fill(struct fbcon *c, uint32_t from, uint32_t to)	/* [from, to) */
{
	for (uint32_t i = from; i < to; i++)
		c->cells[i] = ' ';
	dirty(c, from, to);
}

static void scroll(struct fbcon *c)
{
	uint32_t n = (c->rows - 1) * c->cols;

	for (uint32_t i = 0; i < n; i++)
		c->cells[i] = c->cells[i + c->cols];
	for (uint32_t i = n; i < n + c->cols; i++)
		c->cells[i] = ' ';
	dirty(c, 0, n + c->cols);
}

static void newline(struct fbcon *c)
{
	c->cx = 0;
	c->wrap_pending = false;
	if (c->cy + 1 < c->rows)
		c->cy++;
	else
		scroll(c);
}

static void put_char(struct fbcon *c, uint8_t ch)
{
	uint32_t i;

	if (c->wrap_pending)
		newline(c);
	i = cursor_cell(c);
	c->cells[i] = ch;
	dirty(c, i, i + 1);
	if (c->cx + 1 < c->cols)
		c->cx++;
	else
		c->wrap_pending = true;
}

static uint32_t clamp(uint32_t v, uint32_t max)
{
	return v > max ? max : v;
}

static void csi(struct fbcon *c, uint8_t final)
{
	uint32_t p0 = c->param[0], n = p0 ? p0 : 1;
	uint32_t row = c->cy * c->cols, end = c->rows * c->cols;

	c->wrap_pending = false;
	switch (final) {
	case 'A':
		c->cy -= clamp(n, c->cy);
		break;
	case 'B':
		c->cy = clamp(c->cy + n, c->rows - 1);
		break;
	case 'C':
		c->cx = clamp(c->cx + n, c->cols - 1);
		break;
	case 'D':
		c->cx -= clamp(n, c->cx);
		break;
	case 'G':
		c->cx = clamp(n - 1, c->cols - 1);
		break;
	case 'H':
	case 'f':
		c->cy = clamp((p0 ? p0 : 1) - 1, c->rows - 1);
		c->cx = clamp((c->param[1] ? c->param[1] : 1) - 1, c->cols - 1);
		break;
	case 'K':
		if (p0 == 0)
			fill(c, row + c->cx, row + c->cols);
		else if (p0 == 1)
			fill(c, row, row + c->cx + 1);
		else if (p0 == 2)
			fill(c, row, row + c->cols);
		break;
	case 'J':
		if (p0 == 0)
			fill(c, row + c->cx, end);
		else if (p0 == 1)
			fill(c, 0, row + c->cx + 1);
		else if (p0 == 2 || p0 == 3)
			fill(c, 0, end);
		break;
	default:
		break;	/* SGR and the rest: consumed, ignored */
	}
}

static void feed(struct fbcon *c, uint8_t b)
{
	if (c->esc == ESC_SEEN) {
		c->esc = b == '[' ? ESC_CSI : ESC_NONE;
		c->nparam = 0;
		for (unsigned k = 0; k < FBCON_PARAMS; k++)
			c->param[k] = 0;
		return;
	}
	if (c->esc == ESC_CSI) {
		if (b >= '0' && b <= '9') {
			uint32_t *p = &c->param[c->nparam];

			*p = *p * 10 + (b - '0');
			if (*p > PARAM_MAX)
				*p = PARAM_MAX;
		} else if (b == ';') {
			if (c->nparam + 1 < FBCON_PARAMS)
				c->nparam++;
		} else if (b >= 0x40 && b <= 0x7E) {
			c->esc = ESC_NONE;
			csi(c, b);
		} else if (b == 0x18 || b == 0x1A) {
			c->esc = ESC_NONE;	/* CAN, SUB: sequence cancelled */
		} else if (b == 0x1B) {
			c->esc = ESC_SEEN;
		}
		return;	/* '?', intermediates, other controls: ignored */
	}
	switch (b) {
	case 0x1B:
		c->esc = ESC_SEEN;
		break;
	case '\n':
		newline(c);
		break;
	case '\r':
		c->cx = 0;
		c->wrap_pending = false;
		break;
	case '\b':
		c->wrap_pending = false;
		if (c->cx)
			c->cx--;
		break;
	case '\t':
		c->wrap_pending = false;
		c->cx = clamp((c->cx / 8 + 1) * 8, c->cols - 1);
		break;
	default:
		if (b >= 0x20 && b != 0x7F)
			put_char(c, b);
		break;	/* BEL and the other controls: nothing to show */
	}
}

void fbcon_write(struct fbcon *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		feed(c, (uint8_t)s[i]);
}

void fbcon_flush(struct fbcon *c)
{
	uint32_t cur = cursor_cell(c);

	for (uint32_t i = c->dirty_lo; i < c->dirty_hi; i++)
		set_cell(c, i, c->cells[i]);
	c->dirty_lo = c->dirty_hi = 0;
	if (c->cursor_drawn != cur)
		set_cell(c, c->cursor_drawn, c->cells[c->cursor_drawn]);
	set_cell(c, cur, c->cells[cur] | DRAWN_INVERSE);
	c->cursor_drawn = cur;
}

const char *fbcon_init(struct fbcon *c, const struct fb_surface *s, const struct psf_font *f,
		       uint8_t *cells, uint16_t *drawn, size_t cap)
{
	uint32_t cols, rows, bg;
	bool blank;

	*c = (struct fbcon){0};
	if (s->bytes_per_pixel < 1 || s->bytes_per_pixel > 4 ||
	    s->stride_bytes / s->bytes_per_pixel < s->width)
		return "bad pixel size or stride";
	cols = s->width / f->width;
	rows = s->height / f->height;
	if (!cols || !rows || !cap)
		return "screen smaller than one glyph";
	if (cols > cap)
		cols = (uint32_t)cap;
	if (rows > cap / cols)
		rows = (uint32_t)(cap / cols);
	*c = (struct fbcon){
		.s = *s, .font = f, .cols = cols, .rows = rows, .cells = cells, .drawn = drawn,
		.fg = fb_pixel_value(s, 0xE0, 0xE0, 0xE0), .bg = fb_pixel_value(s, 0, 0, 0),
	};
	/* The whole surface to the background, margins included: a blank
	 * cell is then on screen already where the font's space is empty. */
	bg = c->bg;
	for (uint32_t y = 0; y < s->height; y++)
		for (uint32_t x = 0; x < s->width; x++)
			put_pixel(s, x, y, bg);
	blank = true;
	for (uint32_t k = 0; k < f->bytes_per_glyph; k++)
		blank = blank && psf_glyph(f, ' ')[k] == 0;
	for (uint32_t i = 0; i < cols * rows; i++) {
		cells[i] = ' ';
		drawn[i] = blank ? ' ' : DRAWN_UNKNOWN;
	}
	dirty(c, 0, cols * rows);
	fbcon_flush(c);
	return NULL;
}
