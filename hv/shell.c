/* The shell's pure core: line editor, tokenizer, dispatcher (shell.h).
 * Output goes through a callback, so host tests see every byte. */
#include "shell.h"

#include <stdarg.h>
#include "loader/fmt.h"

/* ---- small string helpers (no libc here) ---- */

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

static void emit(struct shell_editor *ed, const char *s)
{
	ed->out(ed->ctx, s, str_len(s));
}

/* ---- line editor ---- */

#define CH_CTRL_C	0x03
#define CH_BEL		0x07
#define CH_BS		0x08
#define CH_CTRL_U	0x15
#define CH_ESC		0x1B
#define CH_DEL		0x7F

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };
#define ESC_CSI_MAX	16	/* parameter bytes before we give up on a CSI */

void shell_ed_init(struct shell_editor *ed, shell_out_fn out, void *ctx)
{
	*ed = (struct shell_editor){ .out = out, .ctx = ctx };
}

static void ed_clear(struct shell_editor *ed)
{
	ed->len = 0;
	ed->buf[0] = '\0';
	ed->too_long = false;
}

/* Swallows one byte (0x20..0x7E) of an escape sequence. ECMA-48 §5.4: a
 * CSI sequence is ESC [, parameter/intermediate bytes 0x20..0x3F, and one
 * final byte 0x40..0x7E; SS3 (ESC O) is followed by one byte; ESC with any
 * other byte is an Alt-modified key, two bytes. */
static void esc_step(struct shell_editor *ed, uint8_t c)
{
	switch (ed->esc) {
	case ESC_START:
		ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		ed->esc_len = 0;
		break;
	case ESC_CSI:
		if (c >= 0x40 || ++ed->esc_len > ESC_CSI_MAX)
			ed->esc = ESC_NONE;
		break;
	default:
		ed->esc = ESC_NONE;
		break;
	}
}

static enum shell_ed_event ed_enter(struct shell_editor *ed)
{
	bool too_long = ed->too_long;

	emit(ed, "\n");
	ed->buf[ed->len] = '\0';
	/* The line stays in buf for the caller; the next byte starts over. */
	ed->len = 0;
	ed->too_long = false;
	return too_long ? SHELL_ED_TOO_LONG : SHELL_ED_LINE;
}

enum shell_ed_event shell_ed_feed(struct shell_editor *ed, uint8_t c)
{
	bool was_cr = ed->after_cr;

	ed->after_cr = false;
	if (c == '\n' && was_cr)
		return SHELL_ED_NONE;	/* second half of CR LF */
	if (ed->esc != ESC_NONE) {
		if (c >= 0x20 && c < CH_DEL) {
			esc_step(ed, c);
			return SHELL_ED_NONE;
		}
		/* A control byte cuts the sequence short and counts itself:
		 * ESC then Enter must still end the line. */
		ed->esc = ESC_NONE;
	}

	if (ed->len == 0 && ed->buf[0] != '\0')
		ed->buf[0] = '\0';	/* drop the line handed out last time */

	switch (c) {
	case '\r':
		ed->after_cr = true;
		return ed_enter(ed);
	case '\n':
		return ed_enter(ed);
	case CH_BS:
	case CH_DEL:
		if (ed->len > 0) {
			ed->buf[--ed->len] = '\0';
			emit(ed, "\b \b");
		}
		return SHELL_ED_NONE;
	case CH_CTRL_C:
		emit(ed, "^C\n");
		ed_clear(ed);
		return SHELL_ED_CANCEL;
	case CH_CTRL_U:
		for (size_t i = 0; i < ed->len; i++)
			emit(ed, "\b \b");
		ed_clear(ed);
		return SHELL_ED_NONE;
	case CH_ESC:
		ed->esc = ESC_START;
		return SHELL_ED_NONE;
	default:
		break;
	}

	if (c < 0x20 || c >= CH_DEL)
		return SHELL_ED_NONE;	/* other controls, 8-bit bytes: ignored */
	if (ed->len >= SHELL_LINE_MAX) {
		static const char bel[] = { CH_BEL, 0 };

		ed->too_long = true;
		emit(ed, bel);
		return SHELL_ED_NONE;
	}
	ed->buf[ed->len++] = (char)c;
	ed->buf[ed->len] = '\0';
	ed->out(ed->ctx, (const char *)&c, 1);
	return SHELL_ED_NONE;
}

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
		if (cmds[i].name && str_cmp(cmds[i].name, name) == 0)
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

void shell_init(struct shell *sh, const struct shell_cmd *cmds, size_t ncmds,
		shell_out_fn out, void *ctx)
{
	shell_ed_init(&sh->ed, out, ctx);
	sh->cmds = cmds;
	sh->ncmds = ncmds;
	sh->last_status = 0;
	sh->work[0] = '\0';
}

void shell_prompt(struct shell *sh)
{
	emit(&sh->ed, SHELL_PROMPT);
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

	emit(&sh->ed, "error: ");
	va_start(ap, fmt);
	fmt_vformat(out_sink, sh, fmt, ap);
	va_end(ap);
	emit(&sh->ed, "\n");
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
	int c = str_cmp(a->name, b->name);

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
