/* libFuzzer harness for hv/psf.c: any bytes, as a heap copy of exactly
 * their length (a read past the end is an ASan report). An accepted font
 * obeys psf.h: sizes in range, every glyph inside the buffer, every ASCII
 * code point on a real glyph. Then a few cells are drawn with it through
 * hv/fbcon.c into a small buffer. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hv/psf.h"
#include "hv/fbcon.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint32_t pixels[200 * 130];
	static uint8_t cells[512];
	static uint16_t drawn[512];
	uint8_t *copy = malloc(len ? len : 1);
	struct psf_font f;
	struct fbcon c;
	struct fb_surface s = {
		(uint8_t *)pixels, 200, 130, 200 * 4, 4, 0xFF0000, 0xFF00, 0xFF,
	};

	memcpy(copy, data, len);
	if (psf_parse(copy, len, &f) == NULL) {
		CHECK(f.width >= 1 && f.width <= PSF_GLYPH_MAX_W);
		CHECK(f.height >= 1 && f.height <= PSF_GLYPH_MAX_H);
		CHECK(f.row_bytes == (f.width + 7) / 8);
		CHECK(f.bytes_per_glyph >= f.height * f.row_bytes);
		CHECK(f.count >= 1);
		CHECK(f.glyphs >= copy && f.glyphs <= copy + len);
		CHECK((uint64_t)f.count * f.bytes_per_glyph <= (uint64_t)(copy + len - f.glyphs));
		for (unsigned ch = 0; ch < 128; ch++)
			CHECK(f.ascii[ch] < f.count);
		if (fbcon_init(&c, &s, &f, cells, drawn, sizeof(cells)) == NULL)
		{
			fbcon_write(&c, "ok\r\n\x1b[2J?\x1b[3D\x7f\xe9", 14);
			fbcon_flush(&c);
		}
	}
	free(copy);
	return 0;
}
