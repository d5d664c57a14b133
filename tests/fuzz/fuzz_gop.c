/* libFuzzer harness for loader/gop.c: any bytes as the GOP mode the
 * firmware reports (EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE, UEFI 2.10 §12.9),
 * into gop_describe. A refusal has a reason and leaves no framebuffer; an
 * accepted mode must keep what the console and the page tables rely on:
 * every visible pixel inside FrameBufferSize, the window of HV_FB_MAX_SIZE
 * not overrun, the range gop_map_range gives page-aligned and holding it.
 * A broken promise is a crash. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "layout.h"
#include "loader/gop.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gop_mode m = {0};
	struct hv_framebuffer fb, none = {0};
	uint64_t pa, len, bpp, need;
	const char *why;

	memcpy(&m, data, size < sizeof(m) ? size : sizeof(m));
	why = gop_describe(&m, &fb);
	gop_map_range(&fb, &pa, &len);
	if (why) {
		CHECK(*why);
		CHECK(memcmp(&fb, &none, sizeof(fb)) == 0);
		CHECK(pa == 0 && len == 0);
		return 0;
	}
	CHECK(fb.format != HV_FB_NONE);
	CHECK(fb.width == m.width && fb.height == m.height && fb.stride_pixels == m.stride_pixels);
	CHECK(fb.width && fb.height && fb.stride_pixels >= fb.width);
	CHECK(fb.pa == m.fb_pa && fb.size_bytes == m.fb_size && fb.pa);
	bpp = hv_fb_bytes_per_pixel(&fb);
	CHECK(bpp >= 1 && bpp <= 4);
	need = ((uint64_t)fb.stride_pixels * (fb.height - 1) + fb.width) * bpp;
	CHECK(need <= fb.size_bytes);
	CHECK(fb.va == HV_FB_VA + (fb.pa & (HV_PAGE_SIZE - 1)));
	CHECK(fb.va - HV_FB_VA + fb.size_bytes <= HV_FB_MAX_SIZE);
	CHECK((pa | len) % HV_PAGE_SIZE == 0);
	CHECK(pa <= fb.pa && fb.pa + fb.size_bytes <= pa + len && len <= HV_FB_MAX_SIZE);
	CHECK(pa + len - 1 <= 0x000FFFFFFFFFFFFFULL);
	/* The colour masks never overlap. */
	CHECK(!(fb.mask_red & fb.mask_green) && !(fb.mask_red & fb.mask_blue) &&
	      !(fb.mask_green & fb.mask_blue));
	return 0;
}
