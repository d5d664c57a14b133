/* The GOP mode as the boot info's framebuffer (UEFI 2.10 §12.9). Pure: the
 * glue (efi_gop.c) copies EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE into struct
 * gop_mode; this decides whether there is a framebuffer the hypervisor can
 * draw on and describes it. */
#ifndef HVBOOT_GOP_H
#define HVBOOT_GOP_H

#include <stdint.h>
#include "bootinfo.h"

/* EFI_GRAPHICS_PIXEL_FORMAT, UEFI 2.10 §12.9.1. */
enum gop_pixel_format {
	GOP_PIXEL_RGBX = 0,	/* PixelRedGreenBlueReserved8BitPerColor */
	GOP_PIXEL_BGRX = 1,	/* PixelBlueGreenRedReserved8BitPerColor */
	GOP_PIXEL_BITMASK = 2,	/* PixelBitMask */
	GOP_PIXEL_BLT_ONLY = 3,	/* PixelBltOnly: no linear framebuffer */
};

struct gop_mode {
	uint64_t fb_pa, fb_size;		/* FrameBufferBase, FrameBufferSize */
	uint32_t width, height;			/* HorizontalResolution, VerticalResolution */
	uint32_t stride_pixels;			/* PixelsPerScanLine */
	uint32_t pixel_format;			/* enum gop_pixel_format */
	uint32_t mask_red, mask_green, mask_blue, mask_reserved;	/* PixelInformation */
};

/* Fills fb (va = HV_FB_VA + the base's offset in its page) and returns
 * NULL, or returns why there is no usable framebuffer and sets fb to
 * none (all zero). */
const char *gop_describe(const struct gop_mode *m, struct hv_framebuffer *fb);

/* The page-aligned physical range that holds fb (for the page tables):
 * len 0 when fb is none. */
void gop_map_range(const struct hv_framebuffer *fb, uint64_t *pa, uint64_t *len);

#endif
