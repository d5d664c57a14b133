/* The serial shell (README: The shell).
 *
 * Pure core (shell.c, host-tested): a line editor fed one byte at a time,
 * a tokenizer, and a dispatcher over an array of commands. The glue
 * (shell_loop.c) feeds it from COM1 and hands it the commands that
 * SHELL_CMD placed in the .shell_cmds section.
 *
 * Adding a command from any file:
 *
 *	static int cmd_time(int argc, char **argv) { ... return 0; }
 *	SHELL_CMD(time, "time", "[set YYYY-MM-DD HH:MM:SS]", "show or set the clock", cmd_time);
 *
 * argv[0] is the command name; argv[argc] is NULL. A command prints its
 * output with kprintf and reports a failure with `return shell_error(...)`,
 * which prints exactly one "error: ..." line and returns 1. */
#ifndef HV_SHELL_H
#define HV_SHELL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "shell_edit.h"

#define SHELL_ARGV_MAX	16

struct shell_cmd {
	const char *name;
	const char *args;	/* usage after the name, "" if none */
	const char *help;	/* one line */
	int (*run)(int argc, char **argv);	/* 0 = success */
};
_Static_assert(sizeof(struct shell_cmd) == 4 * sizeof(void *),
	       ".shell_cmds is an array: no padding between entries");

/* Registers a command: places a struct shell_cmd in section .shell_cmds.
 * The explicit alignment keeps GCC from over-aligning the object, which
 * would leave gaps in the array the linker builds. */
#define SHELL_CMD(ident, name_, args_, help_, run_)				\
	static const struct shell_cmd shell_cmd_##ident				\
	__attribute__((used, section(".shell_cmds"),				\
		       aligned(__alignof__(struct shell_cmd)))) =		\
		{ (name_), (args_), (help_), (run_) }

/* ---- tokenizer ---- */

/* Splits line in place into argv[0..*argc-1] (argv[*argc] = NULL) on
 * spaces and tabs. A double-quoted part ("a b", u"a b") does not split and
 * stays in the token with its quotes; a backslash inside quotes escapes the
 * next character and is kept. Returns NULL, or the reason the line is bad
 * ("unterminated quote", "too many arguments (max 16)"). */
const char *shell_tokenize(char *line, char *argv[SHELL_ARGV_MAX + 1], int *argc);

/* ---- commands ---- */

/* The first command named name, or NULL. */
const struct shell_cmd *shell_find(const struct shell_cmd *cmds, size_t n, const char *name);

/* Parses a hex number, with or without 0x, at most 16 digits, nothing
 * after it. */
bool shell_parse_hex_u64(const char *s, uint64_t *out);

/* ---- the shell: editor + dispatcher ---- */

/* Where variable names for Tab come from: calls add(actx, name) for every
 * variable, as the shell names it (README: The shell). */
typedef void (*shell_var_source_fn)(void *ctx, shell_add_fn add, void *actx);

struct shell {
	struct shell_editor ed;
	const struct shell_cmd *cmds;
	size_t ncmds;
	int last_status;
	char work[SHELL_LINE_MAX + 1];	/* the line being run */
	shell_var_source_fn vars;	/* NULL: variables are not completed */
	void *vars_ctx;
};

/* Tab completes the first word from the command names, and the word after
 * a command whose usage starts with VAR from the variable source. */
void shell_init(struct shell *sh, const struct shell_cmd *cmds, size_t ncmds,
		shell_out_fn out, void *ctx);
void shell_set_var_source(struct shell *sh, shell_var_source_fn vars, void *ctx);

/* Prints SHELL_PROMPT. */
void shell_prompt(struct shell *sh);

/* Feeds one byte: edits, and at the end of a line runs it and prints the
 * prompt again. */
void shell_feed(struct shell *sh, uint8_t c);

/* Tokenizes and runs one line (modified in place). An empty line is 0;
 * a bad line or unknown command prints one "error: " line and is 1;
 * otherwise the command's status. */
int shell_exec(struct shell *sh, char *line);

/* Prints one line per command, sorted by name: usage padded to 30, then help. */
void shell_print_help(struct shell *sh);

/* Prints "error: <msg>\n" through the shell's output; returns 1. */
int shell_print_error(struct shell *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- hypervisor glue (shell_loop.c) ---- */

/* The shell the hypervisor runs (its commands: the .shell_cmds section). */
struct shell *hv_shell(void);

/* Prints "error: <msg>\n" to the console; returns 1 for `return shell_error(...)`. */
int shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prompt, then read-eval-print on COM1 forever. */
__attribute__((noreturn)) void shell_run(void);

#endif
