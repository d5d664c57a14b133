/* GOP mode → boot-info framebuffer (see gop.h). The checks, in order:
 * a pixel format with a linear framebuffer, masks that are disjoint,
 * non-empty for each colour and contiguous, a non-empty mode whose
 * stride covers its width, every visible pixel inside FrameBufferSize, and
 * a framebuffer that fits the window reserved for it (HV_FB_MAX_SIZE). */
#include "gop.h"
#include <stdbool.h>
#include <stddef.h>
#include "layout.h"

static bool contiguous(uint32_t mask)
{
	/* A run of ones: adding its lowest bit carries through it all. */
	return mask && ((mask + (mask & -mask)) & mask) == 0;
}

const char *gop_describe(const struct gop_mode *m, struct hv_framebuffer *fb)
{
	struct hv_framebuffer f = {0};
	uint64_t need, bpp, off, span;

	*fb = f;
	switch (m->pixel_format) {
	case GOP_PIXEL_RGBX:
		f.format = HV_FB_RGBX;
		f.mask_red = 0x000000FF, f.mask_green = 0x0000FF00, f.mask_blue = 0x00FF0000;
		f.mask_reserved = 0xFF000000;
		break;
	case GOP_PIXEL_BGRX:
		f.format = HV_FB_BGRX;
		f.mask_red = 0x00FF0000, f.mask_green = 0x0000FF00, f.mask_blue = 0x000000FF;
		f.mask_reserved = 0xFF000000;
		break;
	case GOP_PIXEL_BITMASK:
		f.format = HV_FB_BITMASK;
		f.mask_red = m->mask_red, f.mask_green = m->mask_green;
		f.mask_blue = m->mask_blue, f.mask_reserved = m->mask_reserved;
		if (!contiguous(f.mask_red) || !contiguous(f.mask_green) || !contiguous(f.mask_blue))
			return "PixelBitMask with an empty or split colour mask";
		if ((f.mask_red & f.mask_green) || (f.mask_red & f.mask_blue) ||
		    (f.mask_green & f.mask_blue) ||
		    ((f.mask_red | f.mask_green | f.mask_blue) & f.mask_reserved))
			return "PixelBitMask with overlapping masks";
		break;
	case GOP_PIXEL_BLT_ONLY:
		return "PixelBltOnly (no linear framebuffer)";
	default:
		return "unknown pixel format";
	}
	if (!m->width || !m->height)
		return "empty mode";
	if (m->stride_pixels < m->width)
		return "PixelsPerScanLine smaller than the width";
	f.width = m->width, f.height = m->height, f.stride_pixels = m->stride_pixels;
	bpp = hv_fb_bytes_per_pixel(&f);
	need = ((uint64_t)m->stride_pixels * (m->height - 1) + m->width) * bpp;
	if (!m->fb_pa || need > m->fb_size)
		return "mode does not fit in FrameBufferSize";
	off = m->fb_pa & (HV_PAGE_SIZE - 1);
	if (m->fb_size > HV_FB_MAX_SIZE - off)
		return "framebuffer larger than 1 GiB";
	span = (off + m->fb_size + HV_PAGE_SIZE - 1) & ~(HV_PAGE_SIZE - 1);
	if (m->fb_pa - off > 0x000FFFFFFFFFF000ULL - span)
		return "framebuffer beyond the physical address space";
	f.pa = m->fb_pa;
	f.va = HV_FB_VA + off;
	f.size_bytes = m->fb_size;
	*fb = f;
	return NULL;
}

void gop_map_range(const struct hv_framebuffer *fb, uint64_t *pa, uint64_t *len)
{
	uint64_t off = fb->pa & (HV_PAGE_SIZE - 1);

	if (fb->format == HV_FB_NONE) {
		*pa = 0, *len = 0;
		return;
	}
	*pa = fb->pa - off;
	*len = (off + fb->size_bytes + HV_PAGE_SIZE - 1) & ~(HV_PAGE_SIZE - 1);
}
