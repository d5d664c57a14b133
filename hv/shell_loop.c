/* The shell on COM1: the pure core (shell.c) fed from the UART, with the
 * commands every file registered through SHELL_CMD. */
#include "shell.h"

#include <stdarg.h>
#include "cpu.h"
#include "kprintf.h"
#include "serial.h"

/* Bounds of the .shell_cmds section (hv.ld). */
extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

static struct shell the_shell;
static bool the_shell_ready;

static void serial_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	serial_write(s, n);
}

struct shell *hv_shell(void)
{
	if (!the_shell_ready) {
		shell_init(&the_shell, __shell_cmds_start,
			   (size_t)(__shell_cmds_end - __shell_cmds_start), serial_out, NULL);
		the_shell_ready = true;
	}
	return &the_shell;
}

int shell_error(const char *fmt, ...)
{
	va_list ap;

	kprintf("error: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return 1;
}

void shell_run(void)
{
	struct shell *sh = hv_shell();

	shell_prompt(sh);
	for (;;) {
		int c = serial_getc_nonblock();

		if (c < 0) {
			cpu_pause();	/* interrupts are off: poll */
			continue;
		}
		shell_feed(sh, (uint8_t)c);
	}
}
