/* libFuzzer harness for hv/shell.c: any bytes through the line editor and
 * dispatcher (as typed on the serial console), and through the tokenizer
 * and hex parser directly. Checks the editor's invariants after every byte,
 * that only terminal-safe bytes are echoed, and that every argv a command
 * receives is well formed. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "loader/fmt.h"
#include "hv/shell.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct shell sh;

static void out_check(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		CHECK((c >= 0x20 && c < 0x7F) || c == '\b' || c == '\n' || c == '\a');
	}
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
	for (size_t i = 0; i < ed->len; i++)
		CHECK(ed->buf[i] >= 0x20 && ed->buf[i] < 0x7F);
	CHECK(ed->buf[ed->len] == '\0');
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
	shell_init(&sh, cmds, sizeof(cmds) / sizeof(cmds[0]), out_check, NULL);
	for (size_t i = 0; i < size; i++) {
		shell_feed(&sh, data[i]);
		if (sh.ed.len > 0)
			check_editor(&sh.ed);
		CHECK(sh.ed.len <= SHELL_LINE_MAX);
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
