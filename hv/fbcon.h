/* A text console drawn into a linear framebuffer with a PSF font. Pure:
 * the caller describes the pixels (struct fb_surface) and lends the cell
 * arrays, so the same code draws on the GOP framebuffer and into a host
 * test's buffer.
 *
 * Bytes are interpreted as a terminal would: printable ASCII (other bytes
 * >= 0x80 show as '?'), LF as CR LF, CR, BS, TAB, and the CSI sequences a
 * line editor uses: ESC [ n A/B/C/D (cursor up/down/right/left), ESC [ n G
 * (column), ESC [ r;c H (position), ESC [ K / 1K / 2K (erase in line),
 * ESC [ J / 1J / 2J (erase in display). Other sequences, SGR included,
 * are consumed and ignored. The cursor is a block (the cell drawn with
 * colours swapped). The framebuffer is only written, never read: it may be
 * mapped write-combining. Drawing waits for fbcon_flush, so a caller
 * decides how often the screen catches up. */
#ifndef HV_FBCON_H
#define HV_FBCON_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "psf.h"

struct fb_surface {
	uint8_t *base;			/* pixel (0, 0) */
	uint32_t width, height;		/* pixels */
	uint32_t stride_bytes;		/* from one row to the next */
	uint32_t bytes_per_pixel;	/* 1..4 */
	uint32_t mask_red, mask_green, mask_blue;
};

#define FBCON_PARAMS	4

struct fbcon {
	struct fb_surface s;
	const struct psf_font *font;
	uint32_t cols, rows;
	uint32_t cx, cy;		/* cursor cell */
	bool wrap_pending;		/* last column written: wrap before the next */
	uint8_t *cells;			/* what each cell holds: rows * cols */
	uint16_t *drawn;		/* what is on screen there (FBCON_DRAWN_*) */
	uint32_t fg, bg;		/* pixel values */
	uint32_t dirty_lo, dirty_hi;	/* cells changed since the last flush */
	uint32_t cursor_drawn;		/* the cell drawn as the cursor */
	uint8_t esc;			/* escape-sequence state */
	uint8_t nparam;
	uint32_t param[FBCON_PARAMS];
};

/* The pixel value of an 8-bit-per-channel colour on surface s. */
uint32_t fb_pixel_value(const struct fb_surface *s, uint8_t r, uint8_t g, uint8_t b);

/* Sets up c on s with font f, clears the screen and shows the cursor at
 * the top left. cells and drawn hold cap entries each; the console uses
 * as many columns and rows as the surface and cap allow. Returns NULL, or
 * why it cannot (surface smaller than one glyph, bad pixel size). */
const char *fbcon_init(struct fbcon *c, const struct fb_surface *s, const struct psf_font *f,
		       uint8_t *cells, uint16_t *drawn, size_t cap);

/* Interprets the bytes into the cell array; nothing is drawn yet. */
void fbcon_write(struct fbcon *c, const char *s, size_t n);

/* Draws what changed since the last flush, and the cursor. */
void fbcon_flush(struct fbcon *c);

#endif
