/* loader/gop.c: the GOP mode (UEFI 2.10 §12.9) as the boot info's
 * framebuffer, and every mode that leaves none. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loader/gop.h"
#include "layout.h"

/* What OVMF's QemuVideoDxe reports for -vga std at 1280x800. */
static struct gop_mode qemu_std(void)
{
	return (struct gop_mode){
		.fb_pa = 0x80000000, .fb_size = 0x3E8000, .width = 1280, .height = 800,
		.stride_pixels = 1280, .pixel_format = GOP_PIXEL_BGRX,
	};
}

static void test_gop_describes_a_bgrx_mode_with_its_masks(void **state)
{
	struct gop_mode m = qemu_std();
	struct hv_framebuffer fb;
	uint64_t pa, len;

	(void)state;
	assert_null(gop_describe(&m, &fb));
	assert_int_equal(fb.format, HV_FB_BGRX);
	assert_int_equal(fb.pa, 0x80000000);
	assert_int_equal(fb.va, HV_FB_VA);
	assert_int_equal(fb.size_bytes, 0x3E8000);
	assert_int_equal(fb.width, 1280);
	assert_int_equal(fb.height, 800);
	assert_int_equal(fb.stride_pixels, 1280);
	assert_int_equal(fb.mask_blue, 0xFF);
	assert_int_equal(fb.mask_green, 0xFF00);
	assert_int_equal(fb.mask_red, 0xFF0000);
	assert_int_equal(hv_fb_bytes_per_pixel(&fb), 4);
	gop_map_range(&fb, &pa, &len);
	assert_int_equal(pa, 0x80000000);
	assert_int_equal(len, 0x3E8000);
	assert_string_equal(hv_fb_format_name(fb.format), "bgrx");
}

static void test_gop_describes_an_rgbx_mode_with_red_in_byte_0(void **state)
{
	struct gop_mode m = qemu_std();
	struct hv_framebuffer fb;

	(void)state;
	m.pixel_format = GOP_PIXEL_RGBX;
	assert_null(gop_describe(&m, &fb));
	assert_int_equal(fb.format, HV_FB_RGBX);
	assert_int_equal(fb.mask_red, 0xFF);
	assert_int_equal(fb.mask_blue, 0xFF0000);
}

static void test_gop_takes_a_16_bit_bitmask_mode_as_2_bytes_per_pixel(void **state)
{
	struct gop_mode m = qemu_std();
	struct hv_framebuffer fb;

	(void)state;
	m.pixel_format = GOP_PIXEL_BITMASK;
	m.mask_red = 0xF800, m.mask_green = 0x07E0, m.mask_blue = 0x001F, m.mask_reserved = 0;
	m.fb_size = 1280 * 800 * 2;
	assert_null(gop_describe(&m, &fb));
	assert_int_equal(fb.format, HV_FB_BITMASK);
	assert_int_equal(fb.mask_green, 0x07E0);
	assert_int_equal(hv_fb_bytes_per_pixel(&fb), 2);
}

static void test_gop_maps_an_unaligned_base_from_its_page(void **state)
{
	struct gop_mode m = qemu_std();
	struct hv_framebuffer fb;
	uint64_t pa, len;

	(void)state;
	m.fb_pa = 0xFD000100;
	assert_null(gop_describe(&m, &fb));
	assert_int_equal(fb.va, HV_FB_VA + 0x100);
	gop_map_range(&fb, &pa, &len);
	assert_int_equal(pa, 0xFD000000);
	assert_int_equal(len, 0x3E9000);
}

static void expect_none(struct gop_mode m, const char *why)
{
	struct hv_framebuffer fb = { .pa = 1, .format = HV_FB_BGRX };
	uint64_t pa = 1, len = 1;

	assert_string_equal(gop_describe(&m, &fb), why);
	assert_int_equal(fb.format, HV_FB_NONE);
	assert_int_equal(fb.pa, 0);
	gop_map_range(&fb, &pa, &len);
	assert_int_equal(len, 0);
}

static void test_gop_refuses_every_mode_without_a_usable_framebuffer(void **state)
{
	struct gop_mode m;

	(void)state;
	m = qemu_std(), m.pixel_format = GOP_PIXEL_BLT_ONLY;
	expect_none(m, "PixelBltOnly (no linear framebuffer)");
	m = qemu_std(), m.pixel_format = 7;
	expect_none(m, "unknown pixel format");
	m = qemu_std(), m.pixel_format = GOP_PIXEL_BITMASK;
	m.mask_red = 0xF0F0, m.mask_green = 0x0F00, m.mask_blue = 0x000F;
	expect_none(m, "PixelBitMask with an empty or split colour mask");
	m.mask_red = 0xFF0000, m.mask_green = 0, m.mask_blue = 0xFF;
	expect_none(m, "PixelBitMask with an empty or split colour mask");
	m.mask_red = 0xFF0000, m.mask_green = 0x01FF00, m.mask_blue = 0xFF;
	expect_none(m, "PixelBitMask with overlapping masks");
	m.mask_red = 0xFF0000, m.mask_green = 0xFF00, m.mask_blue = 0xFF, m.mask_reserved = 0x1FF;
	expect_none(m, "PixelBitMask with overlapping masks");
	m = qemu_std(), m.width = 0;
	expect_none(m, "empty mode");
	m = qemu_std(), m.stride_pixels = 1279;
	expect_none(m, "PixelsPerScanLine smaller than the width");
	m = qemu_std(), m.fb_size = 0x3E8000 - 1;
	expect_none(m, "mode does not fit in FrameBufferSize");
	m = qemu_std(), m.fb_pa = 0;
	expect_none(m, "mode does not fit in FrameBufferSize");
	m = qemu_std(), m.fb_size = HV_FB_MAX_SIZE + 1;
	expect_none(m, "framebuffer larger than 1 GiB");
	m = qemu_std(), m.fb_pa = 0xFFFFFFFFFFF00000ULL;
	expect_none(m, "framebuffer beyond the physical address space");
}

static void test_gop_needs_only_the_last_row_up_to_its_width(void **state)
{
	struct gop_mode m = qemu_std();
	struct hv_framebuffer fb;

	(void)state;
	/* Stride 1344, 800 rows: the last row needs 1280 pixels, not 1344. */
	m.stride_pixels = 1344;
	m.fb_size = (1344ULL * 799 + 1280) * 4;
	assert_null(gop_describe(&m, &fb));
	m.fb_size--;
	assert_non_null(gop_describe(&m, &fb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gop_describes_a_bgrx_mode_with_its_masks),
		cmocka_unit_test(test_gop_describes_an_rgbx_mode_with_red_in_byte_0),
		cmocka_unit_test(test_gop_takes_a_16_bit_bitmask_mode_as_2_bytes_per_pixel),
		cmocka_unit_test(test_gop_maps_an_unaligned_base_from_its_page),
		cmocka_unit_test(test_gop_refuses_every_mode_without_a_usable_framebuffer),
		cmocka_unit_test(test_gop_needs_only_the_last_row_up_to_its_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
