/* libFuzzer harness for hv/shell.c: any bytes through the line editor and
 * dispatcher (as typed on the serial console, escape sequences, history and
 * Tab completion over a fake variable list included), and through the
 * tokenizer and hex parser directly. Checks the editor's invariants after
 * every byte (the line never overflows, the cursor stays within it, what
 * the echo drew is the prompt and the line with the cursor in its place),
 * that the echo uses only the sequences hv/shell.h names, and that every
 * argv a command receives is well formed. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "loader/fmt.h"
#include "hv/shell.h"
#include "tests/unit/vt_line.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct shell sh;
static struct vt_line vt;

static void out_check(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	vt_feed(&vt, s, n);
	CHECK(!vt.bad);
}

/* Variable names for Tab: short ones that share prefixes, one longer than
 * a line, one with a control byte. */
static void fake_vars(void *ctx, shell_add_fn add, void *actx)
{
	static char longname[400];

	(void)ctx;
	if (!longname[0]) {
		memset(longname, 'L', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
	}
	add(actx, "Boot0000");
	add(actx, "Boot0001");
	add(actx, "BootOrder");
	add(actx, "8be4df61-93ca-11d2-aa0d-00e098032b8c-BootOrder");
	add(actx, longname);
	add(actx, "a\x1b[2J");
	add(actx, "");
}

/* A token never holds a blank outside quotes, and its quotes balance. */
static void check_token(const char *t)
{
	bool quoted = false;

	CHECK(t[0] != '\0');
	for (const char *p = t; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
		} else if (*p == '"') {
			quoted = true;
		} else {
			CHECK(*p != ' ' && *p != '\t');
		}
	}
	CHECK(!quoted);
}

static void check_argv(int argc, char **argv, const char *lo, const char *hi)
{
	CHECK(argc >= 0 && argc <= SHELL_ARGV_MAX);
	CHECK(argv[argc] == NULL);
	for (int i = 0; i < argc; i++) {
		CHECK(argv[i] >= lo && argv[i] < hi);
		check_token(argv[i]);
		if (i > 0)
			CHECK(argv[i] > argv[i - 1]);
	}
}

static int cmd_any(int argc, char **argv)
{
	CHECK(argc >= 1);
	check_argv(argc, argv, sh.work, sh.work + sizeof(sh.work));
	return argc;
}

static const struct shell_cmd cmds[] = {
	{ "set", "VAR ATTRS DATA", "set", cmd_any },
	{ "a", "", "a", cmd_any },
	{ "help", "", "help", cmd_any },
};

static void check_editor(const struct shell_editor *ed)
{
	CHECK(ed->len <= SHELL_LINE_MAX);
	CHECK(ed->cur <= ed->len);
	for (size_t i = 0; i < ed->len; i++)
		CHECK(ed->buf[i] >= 0x20 && ed->buf[i] < 0x7F);
	/* An empty line may still hold the one just handed out (shell.h). */
	CHECK(ed->len == 0 || ed->buf[ed->len] == '\0');
	CHECK(ed->hist_count <= SHELL_HISTORY && ed->hist_next < SHELL_HISTORY);
	CHECK(ed->hist_pos >= -1 && ed->hist_pos < (int)ed->hist_count);
	CHECK(vt_shows(&vt, SHELL_PROMPT, ed->buf, ed->len, ed->cur));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[SHELL_LINE_MAX + 1];
	char *argv[SHELL_ARGV_MAX + 1];
	size_t n = 0;
	int argc;
	const char *why;
	uint64_t v;

	/* 1. As typed. */
	memset(&vt, 0, sizeof(vt));
	shell_init(&sh, cmds, sizeof(cmds) / sizeof(cmds[0]), out_check, NULL);
	shell_set_var_source(&sh, fake_vars, NULL);
	shell_prompt(&sh);
	for (size_t i = 0; i < size; i++) {
		shell_feed(&sh, data[i]);
		check_editor(&sh.ed);
	}

	/* 2. The tokenizer on the input as one line (up to the first NUL). */
	while (n < size && n < SHELL_LINE_MAX && data[n] != 0)
		n++;
	memcpy(line, data, n);
	line[n] = '\0';
	why = shell_tokenize(line, argv, &argc);
	if (why) {
		CHECK(strcmp(why, "unterminated quote") == 0 ||
		      strcmp(why, "too many arguments (max 16)") == 0);
		CHECK(argc == 0 && argv[0] == NULL);
	} else {
		check_argv(argc, argv, line, line + n + 1);
	}

	/* 3. The hex parser: what it accepts prints back to the same value. */
	memcpy(line, data, n);
	line[n] = '\0';
	if (shell_parse_hex_u64(line, &v)) {
		char again[32];
		uint64_t w;

		fmt_snprintf(again, sizeof(again), "0x%lx", (unsigned long)v);
		CHECK(shell_parse_hex_u64(again, &w) && w == v);
	}
	return 0;
}
