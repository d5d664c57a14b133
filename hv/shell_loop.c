/* The shell on the console: the pure core (shell.c) fed from COM1 and the
 * keyboard (console.c), with the commands every file registered through
 * SHELL_CMD, and the variable names Tab completes, read with
 * GetNextVariableName. */
#include "shell.h"

#include <stdarg.h>
#include "cpu.h"
#include "kprintf.h"
#include "console.h"
#include "scratch.h"
#include "rt/efivar.h"
#include "rt/rt.h"
#include "rt/ucs2.h"

/* Bounds of the .shell_cmds section (hv.ld). */
extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

static struct shell the_shell;
static bool the_shell_ready;

static void console_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

/* Every variable as `get` takes it: GUID-Name, and the bare Name too for
 * the global GUID (README: The shell). Names that are not printable ASCII
 * cannot be typed and are left out. The walk is bounded and stops at the
 * first repeated name (rt/varlist.h), so no name is offered twice; a
 * failed walk just ends the list: Tab prints no error. */
static void complete_vars(void *ctx, shell_add_fn add, void *actx)
{
	struct varlist w;

	(void)ctx;
	if (!rt_svc_usable(RT_GET_NEXT_VARIABLE_NAME))
		return;
	rt_varlist_start(&w, hv_scratch_name, RT_NAME_MAX / 2, hv_scratch_seen, VARLIST_MAX_NAMES);
	while (varlist_next(&w) == VARLIST_MORE) {
		size_t len = ucs2_len(hv_scratch_name, w.cap_chars);
		bool typeable = true;

		for (size_t i = 0; i < len; i++)
			typeable &= hv_scratch_name[i] >= 0x20 && hv_scratch_name[i] < 0x7F;
		if (!typeable)
			continue;
		efivar_name_format(&w.guid, hv_scratch_name, w.cap_chars, hv_scratch_text,
				   sizeof(hv_scratch_text));
		add(actx, hv_scratch_text);
		if (efivar_guid_equal(&w.guid, &EFI_GLOBAL_VARIABLE_GUID)) {
			ucs2_to_ascii(hv_scratch_name, len, hv_scratch_text, sizeof(hv_scratch_text));
			add(actx, hv_scratch_text);
		}
	}
}

struct shell *hv_shell(void)
{
	if (!the_shell_ready) {
		shell_init(&the_shell, __shell_cmds_start,
			   (size_t)(__shell_cmds_end - __shell_cmds_start), console_out, NULL);
		shell_set_var_source(&the_shell, complete_vars, NULL);
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
		int c = console_getc_nonblock();

		if (c < 0) {
			console_flush();	/* no-op when nothing changed */
			cpu_pause();	/* interrupts are off: poll */
			continue;
		}
		shell_feed(sh, (uint8_t)c);
	}
}
