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

#define CH_CTRL_A	0x01
#define CH_CTRL_B	0x02
#define CH_CTRL_C	0x03
#define CH_CTRL_E	0x05
#define CH_CTRL_F	0x06
#define CH_BEL		0x07
#define CH_BS		0x08
#define CH_TAB		0x09
#define CH_CTRL_K	0x0B
#define CH_CTRL_N	0x0E
#define CH_CTRL_P	0x10
#define CH_CTRL_U	0x15
#define CH_ESC		0x1B
#define CH_DEL		0x7F

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };
#define ESC_CSI_MAX	16	/* parameter bytes before we give up on a CSI */
#define ESC_NUM_DONE	0x8000	/* esc_num: the first parameter has ended */

/* What an escape sequence asks for. */
enum ed_key { KEY_NONE, KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT, KEY_HOME, KEY_END, KEY_DELETE };

void shell_ed_init(struct shell_editor *ed, shell_out_fn out, void *ctx)
{
	*ed = (struct shell_editor){ .out = out, .ctx = ctx, .hist_pos = -1,
				     .prompt = SHELL_PROMPT };
}

static void emit_n(struct shell_editor *ed, const char *s, size_t n)
{
	if (n)
		ed->out(ed->ctx, s, n);
}

static void emit_blanks(struct shell_editor *ed, size_t n)
{
	static const char blanks[16] = "                ";

	for (; n > sizeof(blanks); n -= sizeof(blanks))
		emit_n(ed, blanks, sizeof(blanks));
	emit_n(ed, blanks, n);
}

static void emit_bel(struct shell_editor *ed)
{
	static const char bel[] = { CH_BEL, 0 };

	emit(ed, bel);
}

/* Moves the terminal's cursor n columns left: BS for one, CSI n D
 * (ECMA-48 §8.3.18, CUB) for more. */
static void move_left(struct shell_editor *ed, size_t n)
{
	char seq[16];

	if (n == 1)
		emit(ed, "\b");
	else if (n > 1) {
		fmt_snprintf(seq, sizeof(seq), "\x1b[%zuD", n);
		emit(ed, seq);
	}
}

/* Puts the cursor at pos: left by sequence, right by redrawing the
 * characters it passes (which needs no sequence at all). */
static void ed_goto(struct shell_editor *ed, size_t pos)
{
	if (pos < ed->cur)
		move_left(ed, ed->cur - pos);
	else
		emit_n(ed, ed->buf + ed->cur, pos - ed->cur);
	ed->cur = pos;
}

/* Redraws buf from the cursor to the end, blanks `erased` columns beyond
 * it (what the line lost), and returns the cursor where it was. */
static void ed_redraw_tail(struct shell_editor *ed, size_t erased)
{
	emit_n(ed, ed->buf + ed->cur, ed->len - ed->cur);
	emit_blanks(ed, erased);
	move_left(ed, ed->len - ed->cur + erased);
}

static void ed_clear(struct shell_editor *ed)
{
	ed->len = 0;
	ed->cur = 0;
	ed->buf[0] = '\0';
	ed->too_long = false;
}

/* Shows text instead of the line (history), cursor at its end. */
static void ed_replace(struct shell_editor *ed, const char *text)
{
	size_t old_len = ed->len, n = 0;

	ed_goto(ed, 0);
	while (text[n] && n < SHELL_LINE_MAX) {
		ed->buf[n] = text[n];
		n++;
	}
	ed->buf[n] = '\0';
	ed->len = n;
	ed->too_long = false;
	emit_n(ed, ed->buf, n);
	ed->cur = n;
	if (old_len > n) {
		emit_blanks(ed, old_len - n);
		move_left(ed, old_len - n);
	}
}

/* Inserts n characters at the cursor; false (and nothing changed) if the
 * line cannot hold them. */
static bool ed_insert(struct shell_editor *ed, const char *s, size_t n)
{
	if (n > SHELL_LINE_MAX - ed->len)
		return false;
	for (size_t i = ed->len; i > ed->cur; i--)
		ed->buf[i - 1 + n] = ed->buf[i - 1];
	for (size_t i = 0; i < n; i++)
		ed->buf[ed->cur + i] = s[i];
	ed->len += n;
	ed->buf[ed->len] = '\0';
	emit_n(ed, ed->buf + ed->cur, n);
	ed->cur += n;
	ed_redraw_tail(ed, 0);
	return true;
}

/* Deletes n characters from the cursor on. */
static void ed_delete(struct shell_editor *ed, size_t n)
{
	for (size_t i = ed->cur; i + n <= ed->len; i++)
		ed->buf[i] = ed->buf[i + n];
	ed->len -= n;
	ed_redraw_tail(ed, n);
}

static void ed_backspace(struct shell_editor *ed)
{
	if (ed->cur == 0)
		return;
	if (ed->cur == ed->len) {
		ed->buf[--ed->len] = '\0';
		ed->cur--;
		emit(ed, "\b \b");
		return;
	}
	ed_goto(ed, ed->cur - 1);
	ed_delete(ed, 1);
}

static void ed_kill_before(struct shell_editor *ed)
{
	size_t n = ed->cur;

	if (n == ed->len) {
		/* The whole line: rub it out backwards. */
		for (size_t i = 0; i < n; i++)
			emit(ed, "\b \b");
		ed_clear(ed);
		return;
	}
	ed_goto(ed, 0);
	ed_delete(ed, n);
}

/* ---- history ---- */

static const char *hist_get(const struct shell_editor *ed, unsigned i)
{
	return ed->hist[(ed->hist_next + 2 * SHELL_HISTORY - 1 - i) % SHELL_HISTORY];
}

static bool line_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Keeps a line that was entered: not a blank one, not the newest again. */
static void hist_add(struct shell_editor *ed)
{
	char *slot;

	ed->hist_pos = -1;
	if (line_blank(ed->buf) || (ed->hist_count && str_cmp(hist_get(ed, 0), ed->buf) == 0))
		return;
	slot = ed->hist[ed->hist_next];
	for (size_t i = 0; i <= ed->len; i++)
		slot[i] = ed->buf[i];
	ed->hist_next = (ed->hist_next + 1) % SHELL_HISTORY;
	if (ed->hist_count < SHELL_HISTORY)
		ed->hist_count++;
}

static void hist_older(struct shell_editor *ed)
{
	if (ed->hist_pos + 1 >= (int)ed->hist_count)
		return;
	if (ed->hist_pos < 0)
		for (size_t i = 0; i <= ed->len; i++)
			ed->saved[i] = ed->buf[i];
	ed->hist_pos++;
	ed_replace(ed, hist_get(ed, (unsigned)ed->hist_pos));
}

static void hist_newer(struct shell_editor *ed)
{
	if (ed->hist_pos < 0)
		return;
	ed->hist_pos--;
	ed_replace(ed, ed->hist_pos < 0 ? ed->saved : hist_get(ed, (unsigned)ed->hist_pos));
}

/* ---- completion ---- */

struct completion {
	struct shell_editor *ed;
	const char *prefix;
	size_t prefix_len;
	unsigned matches;
	char common[SHELL_LINE_MAX + 1];	/* longest prefix all matches share */
	size_t common_len;
	size_t column;		/* listing: where the next word goes */
};

static bool starts_with(const char *word, const char *prefix, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (word[i] != prefix[i])
			return false;
	return true;
}

static void complete_collect(void *actx, const char *word)
{
	struct completion *c = actx;
	size_t n = 0;

	if (!starts_with(word, c->prefix, c->prefix_len))
		return;
	if (c->matches++ == 0) {
		while (word[n] && n < SHELL_LINE_MAX) {
			c->common[n] = word[n];
			n++;
		}
		c->common_len = n;
		return;
	}
	while (n < c->common_len && word[n] == c->common[n])
		n++;
	c->common_len = n;
}

#define LIST_WIDTH	78	/* listing wraps before this column */

static void complete_list(void *actx, const char *word)
{
	struct completion *c = actx;
	size_t n = str_len(word);

	if (!starts_with(word, c->prefix, c->prefix_len))
		return;
	if (c->column && c->column + 2 + n > LIST_WIDTH) {
		emit(c->ed, "\n");
		c->column = 0;
	}
	if (c->column) {
		emit(c->ed, "  ");
		c->column += 2;
	}
	/* Only printable bytes reach the screen. */
	for (size_t i = 0; i < n; i++)
		emit_n(c->ed, word[i] >= 0x20 && word[i] < CH_DEL ? &word[i] : "?", 1);
	c->column += n;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= CH_DEL)
			return false;
	return true;
}

/* Tab: one match is completed and followed by a blank; several are
 * completed as far as they agree, and listed when they agree no further. */
static void ed_complete(struct shell_editor *ed)
{
	struct completion c;
	size_t start = ed->cur;

	if (!ed->complete) {
		emit_bel(ed);
		return;
	}
	while (start > 0 && ed->buf[start - 1] != ' ' && ed->buf[start - 1] != '\t')
		start--;
	c = (struct completion){ .ed = ed, .prefix = ed->buf + start,
				 .prefix_len = ed->cur - start };
	ed->complete(ed->complete_ctx, ed->buf, start, complete_collect, &c);
	if (c.matches == 0 || !printable(c.common, c.common_len)) {
		emit_bel(ed);
		return;
	}
	if (c.common_len > c.prefix_len) {
		if (!ed_insert(ed, c.common + c.prefix_len, c.common_len - c.prefix_len)) {
			emit_bel(ed);
			return;
		}
	} else if (c.matches > 1) {
		size_t cur = ed->cur;

		emit(ed, "\n");
		ed->complete(ed->complete_ctx, ed->buf, start, complete_list, &c);
		emit(ed, "\n");
		emit(ed, ed->prompt);
		emit_n(ed, ed->buf, ed->len);
		ed->cur = ed->len;
		ed_goto(ed, cur);
		return;
	}
	if (c.matches == 1 && ed->buf[ed->cur] != ' ' && !ed_insert(ed, " ", 1))
		emit_bel(ed);
}

/* ---- escape sequences ---- */

/* Swallows one byte (0x20..0x7E) of an escape sequence and says which key
 * it completed. ECMA-48 §5.4: a CSI sequence is ESC [, parameter and
 * intermediate bytes 0x20..0x3F, and one final byte 0x40..0x7E; SS3
 * (ESC O) is followed by one byte; ESC with any other byte is an
 * Alt-modified key, two bytes. VT220 keys are CSI n ~ (1 and 7 home,
 * 4 and 8 end, 3 delete); parameters after a ';' (modifiers) are ignored. */
static enum ed_key esc_step(struct shell_editor *ed, uint8_t c)
{
	switch (ed->esc) {
	case ESC_START:
		ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		ed->esc_len = 0;
		ed->esc_num = 0;
		return KEY_NONE;
	case ESC_CSI:
		if (c < 0x40) {
			if (++ed->esc_len > ESC_CSI_MAX)
				ed->esc = ESC_NONE;
			else if (c >= '0' && c <= '9' && !(ed->esc_num & ESC_NUM_DONE))
				ed->esc_num = ed->esc_num < 1000 ?
					(uint16_t)(ed->esc_num * 10 + (c - '0')) : ed->esc_num;
			else
				ed->esc_num |= ESC_NUM_DONE;
			return KEY_NONE;
		}
		break;
	case ESC_SS3:
		break;
	default:
		ed->esc = ESC_NONE;
		return KEY_NONE;
	}
	ed->esc = ESC_NONE;
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case '~':
		switch (ed->esc_num & ~ESC_NUM_DONE) {
		case 1: case 7: return KEY_HOME;
		case 4: case 8: return KEY_END;
		case 3: return KEY_DELETE;
		}
		return KEY_NONE;
	}
	return KEY_NONE;
}

static enum shell_ed_event ed_enter(struct shell_editor *ed)
{
	bool too_long = ed->too_long;

	emit(ed, "\n");
	ed->buf[ed->len] = '\0';
	if (!too_long)
		hist_add(ed);
	ed->hist_pos = -1;
	/* The line stays in buf for the caller; the next byte starts over. */
	ed->len = 0;
	ed->cur = 0;
	ed->too_long = false;
	return too_long ? SHELL_ED_TOO_LONG : SHELL_ED_LINE;
}

static void ed_key(struct shell_editor *ed, enum ed_key k)
{
	switch (k) {
	case KEY_UP:
		hist_older(ed);
		break;
	case KEY_DOWN:
		hist_newer(ed);
		break;
	case KEY_RIGHT:
		if (ed->cur < ed->len)
			ed_goto(ed, ed->cur + 1);
		break;
	case KEY_LEFT:
		if (ed->cur > 0)
			ed_goto(ed, ed->cur - 1);
		break;
	case KEY_HOME:
		ed_goto(ed, 0);
		break;
	case KEY_END:
		ed_goto(ed, ed->len);
		break;
	case KEY_DELETE:
		if (ed->cur < ed->len)
			ed_delete(ed, 1);
		break;
	case KEY_NONE:
		break;
	}
}

enum shell_ed_event shell_ed_feed(struct shell_editor *ed, uint8_t c)
{
	bool was_cr = ed->after_cr;

	ed->after_cr = false;
	if (c == '\n' && was_cr)
		return SHELL_ED_NONE;	/* second half of CR LF */
	if (ed->esc != ESC_NONE) {
		if (c >= 0x20 && c < CH_DEL) {
			ed_key(ed, esc_step(ed, c));
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
		ed_backspace(ed);
		return SHELL_ED_NONE;
	case CH_CTRL_C:
		emit(ed, "^C\n");
		ed_clear(ed);
		ed->hist_pos = -1;
		return SHELL_ED_CANCEL;
	case CH_CTRL_U:
		ed_kill_before(ed);
		if (ed->len == 0)
			ed->too_long = false;
		return SHELL_ED_NONE;
	case CH_CTRL_K:
		ed_delete(ed, ed->len - ed->cur);
		return SHELL_ED_NONE;
	case CH_CTRL_A:
		ed_key(ed, KEY_HOME);
		return SHELL_ED_NONE;
	case CH_CTRL_E:
		ed_key(ed, KEY_END);
		return SHELL_ED_NONE;
	case CH_CTRL_B:
		ed_key(ed, KEY_LEFT);
		return SHELL_ED_NONE;
	case CH_CTRL_F:
		ed_key(ed, KEY_RIGHT);
		return SHELL_ED_NONE;
	case CH_CTRL_P:
		ed_key(ed, KEY_UP);
		return SHELL_ED_NONE;
	case CH_CTRL_N:
		ed_key(ed, KEY_DOWN);
		return SHELL_ED_NONE;
	case CH_TAB:
		ed_complete(ed);
		return SHELL_ED_NONE;
	case CH_ESC:
		ed->esc = ESC_START;
		return SHELL_ED_NONE;
	default:
		break;
	}

	if (c < 0x20 || c >= CH_DEL)
		return SHELL_ED_NONE;	/* other controls, 8-bit bytes: ignored */
	if (!ed_insert(ed, (const char *)&c, 1)) {
		ed->too_long = true;
		emit_bel(ed);
	}
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
