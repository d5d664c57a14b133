/* PC Screen Font (PSF1 and PSF2, the formats of Linux's console fonts and
 * of Debian's console-setup and kbd packages): header, glyphs and the
 * Unicode table, parsed from untrusted bytes. Pure. */
#ifndef HV_PSF_H
#define HV_PSF_H

#include <stdint.h>
#include <stddef.h>

#define PSF_GLYPH_MAX_W	32
#define PSF_GLYPH_MAX_H	64

struct psf_font {
	const uint8_t *glyphs;		/* count glyphs of bytes_per_glyph each */
	uint32_t count;
	uint32_t width, height;		/* pixels */
	uint32_t row_bytes;		/* (width + 7) / 8: one row, MSB = leftmost */
	uint32_t bytes_per_glyph;
	uint16_t ascii[128];		/* glyph of each ASCII code point */
};

/* Fills f and returns NULL, or returns why the bytes are not a font this
 * console can use. With a Unicode table, ascii[] comes from it (a code
 * point it does not list gets the glyph of '?', else glyph 0); without
 * one, glyph n is code point n. */
const char *psf_parse(const uint8_t *data, size_t len, struct psf_font *f);

/* The glyph for byte c (c >= 0x80: that of '?'). */
const uint8_t *psf_glyph(const struct psf_font *f, uint8_t c);

#endif
