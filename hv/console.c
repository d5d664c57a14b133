/* Console glue (console.h): the boot info's framebuffer as an fb_surface,
 * the embedded font (hv/font.asm), and the fan-out to COM1 and fbcon. */
#include "console.h"

#include "cpu.h"
#include "fbcon.h"
#include "kprintf.h"
#include "loader/fmt.h"
#include "ps2.h"
#include "psf.h"
#include "serial.h"

/* Cells for up to 3840x2160 with an 8x16 font; larger modes use the top
 * left of the screen. */
#define CELLS_MAX	(480 * 135)

extern const uint8_t hv_font_psf[], hv_font_psf_end[];

static struct psf_font font;
static struct fbcon screen;
static bool screen_ready, keyboard_ready;
static uint8_t cells[CELLS_MAX];
static uint16_t drawn[CELLS_MAX];

/* Set while drawing: if drawing faults, the exception report comes back
 * here, and must reach COM1 without drawing (and faulting) again. */
static bool drawing;

/* Output is drawn when the shell waits for input (console_flush), and
 * during long output every ~20 ms of TSC at 2.5 GHz: a command printing
 * hundreds of lines then costs a few redraws instead of one per line. */
#define FLUSH_CYCLES	50000000ULL
static uint64_t last_flush_tsc;

static void screen_init(const struct hv_framebuffer *fb)
{
	struct fb_surface s;
	const char *why;

	if (fb->format == HV_FB_NONE)
		return;
	why = psf_parse(hv_font_psf, (size_t)(hv_font_psf_end - hv_font_psf), &font);
	if (why) {
		kprintf("console: no screen: embedded font: %s\n", why);
		return;
	}
	s = (struct fb_surface){
		.base = (uint8_t *)fb->va, .width = fb->width, .height = fb->height,
		.bytes_per_pixel = hv_fb_bytes_per_pixel(fb),
		.mask_red = fb->mask_red, .mask_green = fb->mask_green, .mask_blue = fb->mask_blue,
	};
	s.stride_bytes = fb->stride_pixels * s.bytes_per_pixel;
	why = fbcon_init(&screen, &s, &font, cells, drawn, CELLS_MAX);
	if (why) {
		kprintf("console: no screen: %ux%u: %s\n", fb->width, fb->height, why);
		return;
	}
	screen_ready = true;
	last_flush_tsc = cpu_rdtsc();
}

void console_init(const struct hv_bootinfo *bi)
{
	screen_init(&bi->fb);
	keyboard_ready = ps2_init();
}

void console_describe(char *buf, size_t cap)
{
	size_t n = fmt_snprintf(buf, cap, "COM1");

	if (screen_ready && n < cap)
		n += fmt_snprintf(buf + n, cap - n, ", screen %ux%u (%ux%u text)",
				  screen.s.width, screen.s.height, screen.cols, screen.rows);
	if (keyboard_ready && n < cap)
		fmt_snprintf(buf + n, cap - n, ", keyboard i8042 scan-code set %u",
			     (unsigned)ps2_set());
	else if (n < cap)
		fmt_snprintf(buf + n, cap - n, ", no PS/2 keyboard");
}

void console_write(const char *s, size_t n)
{
	serial_write(s, n);
	if (!screen_ready)
		return;
	if (drawing) {
		screen_ready = false;
		return;
	}
	drawing = true;
	fbcon_write(&screen, s, n);
	if (cpu_rdtsc() - last_flush_tsc > FLUSH_CYCLES) {
		fbcon_flush(&screen);
		last_flush_tsc = cpu_rdtsc();
	}
	drawing = false;
}

void console_flush(void)
{
	if (!screen_ready || drawing)
		return;
	drawing = true;
	fbcon_flush(&screen);
	last_flush_tsc = cpu_rdtsc();
	drawing = false;
}

int console_getc_nonblock(void)
{
	int c = serial_getc_nonblock();

	return c >= 0 ? c : ps2_getc_nonblock();
}
