/* The shell's line editor: a byte stream of keys in, an echo stream out,
 * with history and Tab completion. Pure, host-tested and fuzzed; the
 * shell (shell.h) runs one, fed by every console. */
#ifndef HV_SHELL_EDIT_H
#define HV_SHELL_EDIT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define SHELL_LINE_MAX	255	/* characters in a line, excluding the NUL */
#define SHELL_PROMPT	"hv> "

/* Where echo and messages go. */
typedef void (*shell_out_fn)(void *ctx, const char *s, size_t n);

/* ---- line editor ----
 *
 * Input is a byte stream, whichever console it comes from (README: The
 * shell, "Line editing"):
 *   0x20..0x7E        inserted at the cursor
 *   CR, LF, CR LF     end the line
 *   BS 0x08, DEL 0x7F delete before the cursor
 *   Ctrl-A / Ctrl-E   start / end of line;  Ctrl-B / Ctrl-F  left / right
 *   Ctrl-U / Ctrl-K   delete before / from the cursor
 *   Ctrl-P / Ctrl-N   history back / forward;  Ctrl-C  drop the line
 *   Tab 0x09          complete the word before the cursor
 *   ESC [ A B C D     up (history back), down, right, left; also ESC O A..D
 *   ESC [ H, ESC [ F  home, end (also ESC O H/F, ESC [ 1~ 7~ / 4~ 8~)
 *   ESC [ 3~          delete at the cursor
 * Other escape sequences (ECMA-48 CSI, SS3, Alt-key) are swallowed whole;
 * other control bytes and bytes above 0x7E are ignored.
 *
 * Output (the echo) uses only printable ASCII, BS (cursor one column
 * left), LF (new line; the console adds CR), BEL, and ESC [ n D (cursor n
 * columns left, n >= 2). After any byte, the text after the last LF is the
 * prompt then buf[0..len), blanks after it, with the cursor at cur. */

#define SHELL_HISTORY	32	/* lines kept for Up/Down */

enum shell_ed_event {
	SHELL_ED_NONE,		/* byte consumed, line goes on */
	SHELL_ED_LINE,		/* enter: the line is in ed->buf */
	SHELL_ED_TOO_LONG,	/* enter after input was refused */
	SHELL_ED_CANCEL,	/* Ctrl-C: line dropped */
};

/* Tab's candidates: calls add(actx, word) for every word that may stand at
 * word_start of line (line[0..word_start) is what comes before it). The
 * editor keeps those that start with what was typed. */
typedef void (*shell_add_fn)(void *actx, const char *word);
typedef void (*shell_complete_fn)(void *ctx, const char *line, size_t word_start,
				  shell_add_fn add, void *actx);

struct shell_editor {
	char buf[SHELL_LINE_MAX + 1];	/* NUL-terminated */
	size_t len;
	size_t cur;		/* cursor, 0..len */
	bool too_long;		/* a char was refused; sticky until the line ends */
	bool after_cr;		/* the last byte was CR (swallow a following LF) */
	uint8_t esc;		/* escape-sequence state */
	uint8_t esc_len;
	uint16_t esc_num;	/* first CSI parameter */
	/* History: hist[(hist_next - 1 - i) % SHELL_HISTORY] is the i-th
	 * newest of hist_count lines. hist_pos is the one shown (-1: the
	 * line being edited, kept in saved). */
	char hist[SHELL_HISTORY][SHELL_LINE_MAX + 1];
	unsigned hist_count, hist_next;
	int hist_pos;
	char saved[SHELL_LINE_MAX + 1];
	const char *prompt;	/* redrawn after a completion list */
	shell_complete_fn complete;	/* NULL: Tab rings the bell */
	void *complete_ctx;
	shell_out_fn out;
	void *ctx;
};

void shell_ed_init(struct shell_editor *ed, shell_out_fn out, void *ctx);

/* Feeds one input byte; echoes through ed->out. After SHELL_ED_LINE the
 * caller takes ed->buf; the next byte fed starts a new line. */
enum shell_ed_event shell_ed_feed(struct shell_editor *ed, uint8_t c);

/* Writes s through ed->out. */
void shell_ed_emit(struct shell_editor *ed, const char *s);

#endif
