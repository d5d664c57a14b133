/* The console: COM1 and, when the firmware left a GOP framebuffer, the
 * screen (hv/fbcon.c), written together; input from COM1 and the PS/2
 * keyboard (README: The framebuffer console and the keyboard). */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>
#include "bootinfo.h"

/* Sets up the screen from the boot info's framebuffer (nothing when there
 * is none) and the keyboard; COM1 is serial_init's. Prints one line per
 * device it could not use. */
void console_init(const struct hv_bootinfo *bi);

/* "COM1, screen 1280x800 (160x50 text), keyboard i8042 scan-code set 1"
 * (the banner's console line). */
void console_describe(char *buf, size_t cap);

/* To COM1 and the screen; '\n' as CR LF on both. */
void console_write(const char *s, size_t n);

/* Brings the screen up to date (the shell calls it when it waits for
 * input, the trap handler before it halts). */
void console_flush(void);

/* The next input byte from COM1 or the keyboard, or -1 if none waits.
 * Keys arrive as terminal bytes (hv/kbd.h). */
int console_getc_nonblock(void);

#endif
