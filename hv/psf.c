/* PSF1/PSF2 parser (see psf.h). The rules, in the order checked:
 *  PSF1: magic 36 04, mode (bit 0: 512 glyphs, bit 1: Unicode table),
 *        charsize = height; width 8; glyphs right after the 4-byte header;
 *        table: per glyph, 16-bit little-endian code points up to FFFF,
 *        FFFE starting the glyph's multi-code-point sequences.
 *  PSF2: magic 72 B5 4A 86, version 0, headersize >= 32, flags (bit 0:
 *        Unicode table), length (glyphs), charsize = height * row bytes,
 *        height, width; glyphs at headersize; table: per glyph, UTF-8 up
 *        to FF, FE starting its sequences.
 *  Both: 1..32 pixels wide, 1..64 high, at least one glyph, every glyph
 *        and every table entry inside the buffer. Sequences are skipped:
 *        only single code points name a glyph. */
#include "psf.h"

#include <stdbool.h>
#include "loader/bytes.h"

#define PSF1_MAGIC0	0x36
#define PSF1_MAGIC1	0x04
#define PSF1_MODE512	0x01
#define PSF1_MODEHASTAB	0x02
#define PSF1_SEPARATOR	0xFFFF
#define PSF1_STARTSEQ	0xFFFE

#define PSF2_MAGIC	0x864AB572U
#define PSF2_HAS_TABLE	0x01
#define PSF2_SEPARATOR	0xFF
#define PSF2_STARTSEQ	0xFE

#define NO_GLYPH	0xFFFF

static void map(struct psf_font *f, uint32_t cp, uint32_t glyph)
{
	if (cp < 128 && f->ascii[cp] == NO_GLYPH)
		f->ascii[cp] = (uint16_t)glyph;
}

static const char *psf1_table(struct psf_font *f, const uint8_t *p, size_t len)
{
	size_t off = 0;

	for (uint32_t g = 0; g < f->count; g++) {
		bool seq = false;

		for (;;) {
			uint16_t v;

			if (len - off < 2)
				return "Unicode table truncated";
			v = ld16(p + off);
			off += 2;
			if (v == PSF1_SEPARATOR)
				break;
			if (v == PSF1_STARTSEQ)
				seq = true;
			else if (!seq)
				map(f, v, g);
		}
	}
	return NULL;
}

/* One UTF-8 code point at p (at most n bytes); its length, or 0 if bad. */
static size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t v;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0)
		len = 2, v = p[0] & 0x1F;
	else if ((p[0] & 0xF0) == 0xE0)
		len = 3, v = p[0] & 0x0F;
	else if ((p[0] & 0xF8) == 0xF0)
		len = 4, v = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	*cp = v;
	return len;
}

static const char *psf2_table(struct psf_font *f, const uint8_t *p, size_t len)
{
	size_t off = 0;

	for (uint32_t g = 0; g < f->count; g++) {
		bool seq = false;

		for (;;) {
			uint32_t cp;
			size_t n;

			if (off >= len)
				return "Unicode table truncated";
			if (p[off] == PSF2_SEPARATOR) {
				off++;
				break;
			}
			if (p[off] == PSF2_STARTSEQ) {
				seq = true;
				off++;
				continue;
			}
			n = utf8_decode(p + off, len - off, &cp);
			if (!n)
				return "Unicode table holds malformed UTF-8";
			off += n;
			if (!seq)
				map(f, cp, g);
		}
	}
	return NULL;
}

static const char *finish(struct psf_font *f, bool has_table)
{
	uint16_t fallback;

	if (!has_table)
		for (uint32_t c = 0; c < 128 && c < f->count; c++)
			f->ascii[c] = (uint16_t)c;
	fallback = f->ascii['?'] != NO_GLYPH ? f->ascii['?'] : 0;
	for (uint32_t c = 0; c < 128; c++)
		if (f->ascii[c] == NO_GLYPH)
			f->ascii[c] = fallback;
	return NULL;
}

const char *psf_parse(const uint8_t *data, size_t len, struct psf_font *f)
{
	uint64_t glyph_bytes, hdr;
	bool has_table, psf1 = false;
	const char *why;

	*f = (struct psf_font){0};
	for (uint32_t c = 0; c < 128; c++)
		f->ascii[c] = NO_GLYPH;
	if (len >= 4 && data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1) {
		psf1 = true;
		hdr = 4;
		f->count = (data[2] & PSF1_MODE512) ? 512 : 256;
		f->width = 8;
		f->height = data[3];
		f->row_bytes = 1;
		f->bytes_per_glyph = data[3];
		has_table = data[2] & PSF1_MODEHASTAB;
	} else if (len >= 32 && ld32(data) == PSF2_MAGIC) {
		if (ld32(data + 4) != 0)
			return "unknown PSF2 version";
		hdr = ld32(data + 8);
		has_table = ld32(data + 12) & PSF2_HAS_TABLE;
		f->count = ld32(data + 16);
		f->bytes_per_glyph = ld32(data + 20);
		f->height = ld32(data + 24);
		f->width = ld32(data + 28);
		if (hdr < 32)
			return "PSF2 header size below 32";
		if (f->width == 0 || f->width > PSF_GLYPH_MAX_W)
			return "glyph width not in 1..32";
		f->row_bytes = (f->width + 7) / 8;
		if (f->height && (uint64_t)f->height * f->row_bytes != f->bytes_per_glyph)
			return "PSF2 charsize is not height times row bytes";
	} else {
		return "not a PSF1 or PSF2 font (bad magic)";
	}
	if (f->height == 0 || f->height > PSF_GLYPH_MAX_H)
		return "glyph height not in 1..64";
	if (f->count == 0)
		return "no glyphs";
	glyph_bytes = (uint64_t)f->count * f->bytes_per_glyph;
	if (hdr > len || glyph_bytes > len - hdr)
		return "glyphs extend past the end of the font";
	f->glyphs = data + hdr;
	if (has_table) {
		const uint8_t *t = data + hdr + glyph_bytes;
		size_t tlen = len - (size_t)(hdr + glyph_bytes);

		why = psf1 ? psf1_table(f, t, tlen) : psf2_table(f, t, tlen);
		if (why) {
			f->glyphs = NULL;
			return why;
		}
	}
	return finish(f, has_table);
}

const uint8_t *psf_glyph(const struct psf_font *f, uint8_t c)
{
	return f->glyphs + (size_t)f->ascii[c < 128 ? c : '?'] * f->bytes_per_glyph;
}
