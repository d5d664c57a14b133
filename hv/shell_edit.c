/* The shell's line editor (shell_edit.h): keys in, echo out, history and
 * completion. Pure: output goes through a callback, so host tests see
 * every byte. */
#include "shell_edit.h"

#include "lib.h"
#include "loader/fmt.h"

void shell_ed_emit(struct shell_editor *ed, const char *s)
{
	ed->out(ed->ctx, s, strlen(s));
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

	shell_ed_emit(ed, bel);
}

/* Moves the terminal's cursor n columns left: BS for one, CSI n D
 * (ECMA-48 §8.3.18, CUB) for more. */
static void move_left(struct shell_editor *ed, size_t n)
{
	char seq[16];

	if (n == 1)
		shell_ed_emit(ed, "\b");
	else if (n > 1) {
		fmt_snprintf(seq, sizeof(seq), "\x1b[%zuD", n);
		shell_ed_emit(ed, seq);
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
		shell_ed_emit(ed, "\b \b");
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
			shell_ed_emit(ed, "\b \b");
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
	if (line_blank(ed->buf) || (ed->hist_count && strcmp(hist_get(ed, 0), ed->buf) == 0))
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
	size_t n = strlen(word);

	if (!starts_with(word, c->prefix, c->prefix_len))
		return;
	if (c->column && c->column + 2 + n > LIST_WIDTH) {
		shell_ed_emit(c->ed, "\n");
		c->column = 0;
	}
	if (c->column) {
		shell_ed_emit(c->ed, "  ");
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

		shell_ed_emit(ed, "\n");
		ed->complete(ed->complete_ctx, ed->buf, start, complete_list, &c);
		shell_ed_emit(ed, "\n");
		shell_ed_emit(ed, ed->prompt);
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

	shell_ed_emit(ed, "\n");
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
		shell_ed_emit(ed, "^C\n");
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

