/* The shell's pure core: tokenizer and dispatcher (shell.h), over the line
 * editor of shell_edit.c. Output goes through a callback, so host tests see
 * every byte. */
#include "shell.h"

#include "lib.h"

#include <stdarg.h>
#include "loader/fmt.h"

/* ---- tokenizer ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

const char *shell_tokenize(char *line, char *argv[SHELL_ARGV_MAX + 1], int *argc)
{
	char *p = line;
	int n = 0;

	*argc = 0;
	argv[0] = NULL;
	for (;;) {
		bool quoted = false;

		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (n == SHELL_ARGV_MAX) {
			argv[0] = NULL;
			return "too many arguments (max 16)";
		}
		argv[n++] = p;
		for (; *p; p++) {
			if (quoted) {
				/* Escapes stay verbatim for the data parser;
				 * only \" must not close the string. */
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (*p == '"')
					quoted = false;
			} else if (*p == '"') {
				quoted = true;
			} else if (is_blank(*p)) {
				break;
			}
		}
		if (quoted) {
			argv[0] = NULL;
			return "unterminated quote";
		}
		if (*p)
			*p++ = '\0';
	}
	argv[n] = NULL;
	*argc = n;
	return NULL;
}

/* ---- commands ---- */

const struct shell_cmd *shell_find(const struct shell_cmd *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (cmds[i].name && strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

bool shell_parse_hex_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t ndigits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, ndigits++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v >> 60)
			return false;	/* a 17th significant digit */
		v = v << 4 | d;
	}
	if (ndigits == 0)
		return false;
	*out = v;
	return true;
}

/* ---- the shell ---- */

/* Tab's candidates (shell_complete_fn): command names for the first word;
 * variable names for the first argument of a command whose usage starts
 * with VAR (get, set, del). */
static void shell_complete(void *ctx, const char *line, size_t word_start,
			   shell_add_fn add, void *actx)
{
	struct shell *sh = ctx;
	char first[SHELL_LINE_MAX + 1];
	size_t i = 0, n = 0, words = 0;

	while (i < word_start) {
		while (i < word_start && is_blank(line[i]))
			i++;
		if (i == word_start)
			break;
		words++;
		for (; i < word_start && !is_blank(line[i]); i++)
			if (words == 1)
				first[n++] = line[i];
	}
	first[n] = '\0';
	if (words == 0) {
		for (size_t k = 0; k < sh->ncmds; k++)
			if (sh->cmds[k].name)
				add(actx, sh->cmds[k].name);
		return;
	}
	if (words == 1 && sh->vars) {
		const struct shell_cmd *cmd = shell_find(sh->cmds, sh->ncmds, first);

		if (cmd && cmd->args && cmd->args[0] == 'V' && cmd->args[1] == 'A' &&
		    cmd->args[2] == 'R' && (cmd->args[3] == ' ' || cmd->args[3] == '\0'))
			sh->vars(sh->vars_ctx, add, actx);
	}
}

void shell_init(struct shell *sh, const struct shell_cmd *cmds, size_t ncmds,
		shell_out_fn out, void *ctx)
{
	shell_ed_init(&sh->ed, out, ctx);
	sh->cmds = cmds;
	sh->ncmds = ncmds;
	sh->last_status = 0;
	sh->work[0] = '\0';
	sh->vars = NULL;
	sh->vars_ctx = NULL;
	sh->ed.complete = shell_complete;
	sh->ed.complete_ctx = sh;
}

void shell_set_var_source(struct shell *sh, shell_var_source_fn vars, void *ctx)
{
	sh->vars = vars;
	sh->vars_ctx = ctx;
}

void shell_prompt(struct shell *sh)
{
	shell_ed_emit(&sh->ed, SHELL_PROMPT);
}

static void out_sink(void *ctx, char c)
{
	struct shell *sh = ctx;

	sh->ed.out(sh->ed.ctx, &c, 1);
}

static void shell_printf(struct shell *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void shell_printf(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(out_sink, sh, fmt, ap);
	va_end(ap);
}

int shell_print_error(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	shell_ed_emit(&sh->ed, "error: ");
	va_start(ap, fmt);
	fmt_vformat(out_sink, sh, fmt, ap);
	va_end(ap);
	shell_ed_emit(&sh->ed, "\n");
	return 1;
}

int shell_exec(struct shell *sh, char *line)
{
	char *argv[SHELL_ARGV_MAX + 1];
	const struct shell_cmd *cmd;
	const char *why;
	int argc;

	why = shell_tokenize(line, argv, &argc);
	if (why)
		return shell_print_error(sh, "%s", why);
	if (argc == 0)
		return 0;
	cmd = shell_find(sh->cmds, sh->ncmds, argv[0]);
	if (!cmd || !cmd->run)
		return shell_print_error(sh, "unknown command '%s' (type help)", argv[0]);
	return cmd->run(argc, argv);
}

void shell_feed(struct shell *sh, uint8_t c)
{
	switch (shell_ed_feed(&sh->ed, c)) {
	case SHELL_ED_LINE:
		/* Run a copy: a command may read the console (and so the
		 * editor) while it runs. */
		for (size_t i = 0; i <= SHELL_LINE_MAX; i++)
			if ((sh->work[i] = sh->ed.buf[i]) == '\0')
				break;
		sh->work[SHELL_LINE_MAX] = '\0';
		sh->last_status = shell_exec(sh, sh->work);
		shell_prompt(sh);
		break;
	case SHELL_ED_TOO_LONG:
		sh->last_status = shell_print_error(sh, "line too long (max %d characters)",
						    SHELL_LINE_MAX);
		shell_prompt(sh);
		break;
	case SHELL_ED_CANCEL:
		shell_prompt(sh);
		break;
	case SHELL_ED_NONE:
		break;
	}
}

/* Is a (at index ia) before b (at ib)? By name, then table order, so
 * duplicate names still each print once. */
static bool cmd_before(const struct shell_cmd *a, size_t ia, const struct shell_cmd *b, size_t ib)
{
	int c = strcmp(a->name, b->name);

	return c < 0 || (c == 0 && ia < ib);
}

void shell_print_help(struct shell *sh)
{
	const struct shell_cmd *prev = NULL;
	size_t prev_i = 0;

	/* Selection by repeated minimum: no array to size, and the table is
	 * a few dozen entries at most. */
	for (;;) {
		const struct shell_cmd *best = NULL;
		size_t best_i = 0;
		char usage[128];

		for (size_t i = 0; i < sh->ncmds; i++) {
			const struct shell_cmd *c = &sh->cmds[i];

			if (!c->name || (prev && !cmd_before(prev, prev_i, c, i)))
				continue;
			if (!best || cmd_before(c, i, best, best_i))
				best = c, best_i = i;
		}
		if (!best)
			return;
		fmt_snprintf(usage, sizeof(usage), "%s%s%s", best->name,
			     best->args && best->args[0] ? " " : "", best->args ? best->args : "");
		shell_printf(sh, "%-30s %s\n", usage, best->help ? best->help : "");
		prev = best;
		prev_i = best_i;
	}
}
