/* hv/shell.c: the line editor byte by byte (echo asserted exactly), the
 * tokenizer, the dispatcher's output and help's order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hv/shell.h"
#include "tests/unit/vt_line.h"

/* ---------------------------------------------------------------- fixtures */

static char out[16384];
static size_t out_len;
static struct vt_line vt;	/* what the echo drew, after the prompt */

static void capture(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	assert_true(out_len + n < sizeof(out));
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
	vt_feed(&vt, s, n);
}

static void out_reset(void)
{
	out_len = 0;
	out[0] = '\0';
}

/* The line as the user sees it, drawn after the prompt of a fresh line. */
static void vt_reset(void)
{
	memset(&vt, 0, sizeof(vt));
	vt_feed(&vt, SHELL_PROMPT, strlen(SHELL_PROMPT));
}

static struct shell_editor ed;

static int setup_editor(void **state)
{
	(void)state;
	out_reset();
	vt_reset();
	shell_ed_init(&ed, capture, NULL);
	return 0;
}

/* Feeds a string; returns the last event that was not SHELL_ED_NONE
 * (or NONE) and how many such events there were. */
static enum shell_ed_event feed_n(const char *s, size_t n, int *events)
{
	enum shell_ed_event last = SHELL_ED_NONE;
	int count = 0;

	for (size_t i = 0; i < n; i++) {
		enum shell_ed_event ev = shell_ed_feed(&ed, (uint8_t)s[i]);
		if (ev != SHELL_ED_NONE)
			last = ev, count++;
	}
	if (events)
		*events = count;
	return last;
}

static enum shell_ed_event feed(const char *s)
{
	return feed_n(s, strlen(s), NULL);
}

/* Commands for the dispatcher tests: record their argv. */
static int seen_argc;
static char seen_argv[SHELL_ARGV_MAX + 1][SHELL_LINE_MAX + 1];
static int seen_calls;

static int cmd_record(int argc, char **argv)
{
	seen_calls++;
	seen_argc = argc;
	for (int i = 0; i < argc; i++)
		snprintf(seen_argv[i], sizeof(seen_argv[i]), "%s", argv[i]);
	assert_null(argv[argc]);
	return 0;
}

static int cmd_fail(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 7;
}

static const struct shell_cmd cmds[] = {
	{ "set", "VAR ATTRS DATA", "set a variable", cmd_record },
	{ "echo", "[ARGS]", "print the arguments", cmd_record },
	{ "fail", "", "always fails", cmd_fail },
	{ "boot", "", "decode Boot####", cmd_record },
};

static struct shell sh;

/* The variable source Tab asks (the hypervisor walks GetNextVariableName). */
static const char *const fake_var_names[] = {
	"Boot0000", "Boot0001", "BootCurrent", "BootOrder", "Timeout",
	"8be4df61-93ca-11d2-aa0d-00e098032b8c-BootOrder", "Lang\x01" "Bad",
};
static int fake_var_walks;

static void fake_vars(void *ctx, shell_add_fn add, void *actx)
{
	(void)ctx;
	fake_var_walks++;
	for (size_t i = 0; i < sizeof(fake_var_names) / sizeof(fake_var_names[0]); i++)
		add(actx, fake_var_names[i]);
}

static int setup_shell(void **state)
{
	(void)state;
	out_reset();
	seen_argc = -1;
	seen_calls = 0;
	fake_var_walks = 0;
	vt_reset();
	shell_init(&sh, cmds, sizeof(cmds) / sizeof(cmds[0]), capture, NULL);
	shell_set_var_source(&sh, fake_vars, NULL);
	return 0;
}

static void shell_type(const char *s)
{
	for (; *s; s++)
		shell_feed(&sh, (uint8_t)*s);
}

static const char *repeat(char c, size_t n)
{
	static char line[1024];

	assert_true(n < sizeof(line));
	memset(line, c, n);
	line[n] = '\0';
	return line;
}

/* ---------------------------------------------------------------- editor */

static void test_shell_printable_chars_are_appended_and_echoed(void **state)
{
	(void)state;
	assert_int_equal(feed("pt 0x1000"), SHELL_ED_NONE);
	assert_string_equal(ed.buf, "pt 0x1000");
	assert_int_equal(ed.len, 9);
	assert_string_equal(out, "pt 0x1000");
}

static void test_shell_backspace_erases_last_char(void **state)
{
	(void)state;
	feed("vars");
	out_reset();
	assert_int_equal(feed("\b"), SHELL_ED_NONE);
	assert_string_equal(ed.buf, "var");
	assert_string_equal(out, "\b \b");
}

static void test_shell_del_erases_last_char(void **state)
{
	(void)state;
	feed("vars\x7f\x7f");
	assert_string_equal(ed.buf, "va");
	assert_string_equal(out, "vars\b \b\b \b");
}

static void test_shell_backspace_on_empty_line_echoes_nothing(void **state)
{
	(void)state;
	feed("\b\x7f");
	assert_string_equal(ed.buf, "");
	assert_int_equal(out_len, 0);
}

static void test_shell_cr_ends_the_line(void **state)
{
	(void)state;
	feed("help");
	assert_int_equal(feed("\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "help");
	assert_string_equal(out, "help\n");
}

static void test_shell_lf_ends_the_line(void **state)
{
	(void)state;
	assert_int_equal(feed("help\n"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "help");
}

static void test_shell_lf_right_after_cr_is_ignored(void **state)
{
	int events;

	(void)state;
	feed_n("rt\r\n", 4, &events);
	assert_int_equal(events, 1);
	assert_string_equal(out, "rt\n");
	/* The next line starts clean. */
	assert_int_equal(feed("time\r\n"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "time");
}

static void test_shell_lf_after_cr_and_a_char_ends_another_line(void **state)
{
	int events;

	(void)state;
	feed_n("a\rb\n", 4, &events);
	assert_int_equal(events, 2);
	assert_string_equal(ed.buf, "b");
}

static void test_shell_two_crs_end_two_lines(void **state)
{
	int events;

	(void)state;
	feed_n("x\r\r", 3, &events);
	assert_int_equal(events, 2);
	assert_string_equal(ed.buf, "");
}

static void test_shell_unknown_escape_sequences_are_swallowed(void **state)
{
	(void)state;
	/* F5 (CSI 15~), F1 (SS3 P), a CSI with a private parameter, one
	 * with three parameters. */
	feed("ab\x1b[15~\x1bOP\x1b[?25h\x1b[1;2;3Zc");
	assert_string_equal(ed.buf, "abc");
	assert_string_equal(out, "abc");
}

static void test_shell_left_arrow_then_typing_inserts_in_the_middle(void **state)
{
	(void)state;
	feed("ac\x1b[Db");
	assert_string_equal(ed.buf, "abc");
	assert_int_equal(ed.cur, 2);
	/* Left is one BS; the insert draws "bc" and steps back over "c". */
	assert_string_equal(out, "ac\bbc\b");
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
}

static void test_shell_right_arrow_redraws_the_char_it_passes(void **state)
{
	(void)state;
	feed("xyz\x1b[D\x1b[D");
	out_reset();
	feed("\x1b[C");
	assert_int_equal(ed.cur, 2);
	assert_string_equal(out, "y");
	feed("\x1b[C\x1b[C");	/* the second one: already at the end */
	assert_int_equal(ed.cur, 3);
	assert_string_equal(out, "yz");
}

static void test_shell_left_arrow_stops_at_the_start(void **state)
{
	(void)state;
	feed("a\x1b[D\x1b[D\x1b[D");
	assert_int_equal(ed.cur, 0);
	assert_string_equal(out, "a\b");
}

static void test_shell_home_and_end_in_every_encoding(void **state)
{
	static const char *const home[] = { "\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "\x01" };
	static const char *const end[] = { "\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~", "\x05" };

	(void)state;
	feed("hello");
	for (size_t i = 0; i < 5; i++) {
		out_reset();
		feed(home[i]);
		assert_int_equal(ed.cur, 0);
		assert_string_equal(out, "\x1b[5D");
		out_reset();
		feed(end[i]);
		assert_int_equal(ed.cur, 5);
		assert_string_equal(out, "hello");
	}
	assert_string_equal(ed.buf, "hello");
}

static void test_shell_ctrl_b_and_ctrl_f_move_like_the_arrows(void **state)
{
	(void)state;
	feed("ab\x02\x02\x06" "X");
	assert_string_equal(ed.buf, "aXb");
	assert_int_equal(ed.cur, 2);
}

static void test_shell_arrows_with_modifiers_and_ss3_still_move(void **state)
{
	(void)state;
	/* Ctrl-Left (CSI 1;5D), SS3 left (application cursor mode). */
	feed("abc\x1b[1;5D\x1bOD" "X");
	assert_string_equal(ed.buf, "aXbc");
}

static void test_shell_backspace_in_the_middle_redraws_the_rest(void **state)
{
	(void)state;
	feed("abcd\x1b[D\x1b[D");
	out_reset();
	feed("\x7f");
	assert_string_equal(ed.buf, "acd");
	assert_int_equal(ed.cur, 1);
	/* Back one, the rest drawn over it, the stale last column blanked,
	 * and back to the cursor. */
	assert_string_equal(out, "\bcd \x1b[3D");
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
}

static void test_shell_backspace_at_the_start_does_nothing(void **state)
{
	(void)state;
	feed("ab\x01");
	out_reset();
	feed("\b");
	assert_string_equal(ed.buf, "ab");
	assert_int_equal(out_len, 0);
}

static void test_shell_delete_key_removes_the_char_under_the_cursor(void **state)
{
	(void)state;
	feed("abcd\x01\x1b[C");
	out_reset();
	feed("\x1b[3~");
	assert_string_equal(ed.buf, "acd");
	assert_int_equal(ed.cur, 1);
	assert_string_equal(out, "cd \x1b[3D");
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
	out_reset();
	feed("\x05\x1b[3~");	/* at the end: nothing to delete */
	assert_string_equal(ed.buf, "acd");
	assert_string_equal(out, "cd");
}

static void test_shell_ctrl_u_in_the_middle_deletes_before_the_cursor(void **state)
{
	(void)state;
	feed("get Foo\x1b[D\x1b[D\x1b[D\x15");
	assert_string_equal(ed.buf, "Foo");
	assert_int_equal(ed.cur, 0);
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
}

static void test_shell_ctrl_k_deletes_from_the_cursor(void **state)
{
	(void)state;
	feed("get Foo\x1b[D\x1b[D\x1b[D\x0b");
	assert_string_equal(ed.buf, "get ");
	assert_int_equal(ed.cur, 4);
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
}

static void test_shell_enter_in_the_middle_takes_the_whole_line(void **state)
{
	(void)state;
	assert_int_equal(feed("time\x01\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "time");
	assert_int_equal(ed.cur, 0);
}

static void test_shell_insert_into_a_full_line_is_refused(void **state)
{
	(void)state;
	feed(repeat('x', 255));
	feed("\x01");
	out_reset();
	feed("y");
	assert_string_equal(out, "\a");
	assert_int_equal(ed.buf[0], 'x');
	assert_int_equal(feed("\r"), SHELL_ED_TOO_LONG);
}

/* ---------------------------------------------------------------- history */

static void test_shell_up_recalls_the_previous_line(void **state)
{
	(void)state;
	feed("vars\r");
	out_reset();
	feed("\x1b[A");
	assert_string_equal(ed.buf, "vars");
	assert_int_equal(ed.cur, 4);
	assert_string_equal(out, "vars");
	assert_int_equal(feed("\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "vars");
}

static void test_shell_up_and_down_walk_the_history_in_order(void **state)
{
	(void)state;
	feed("one\rtwo\rthree\r");
	feed("\x1b[A\x1b[A");
	assert_string_equal(ed.buf, "two");
	feed("\x1b[A");
	assert_string_equal(ed.buf, "one");
	feed("\x1b[A");	/* the oldest: stays */
	assert_string_equal(ed.buf, "one");
	feed("\x1b[B");
	assert_string_equal(ed.buf, "two");
	feed("\x10");		/* Ctrl-P */
	assert_string_equal(ed.buf, "one");
	feed("\x0e\x0e");	/* Ctrl-N twice */
	assert_string_equal(ed.buf, "three");
}

static void test_shell_down_brings_back_the_line_being_edited(void **state)
{
	(void)state;
	feed("pt 0x1000\r");
	vt_reset();	/* the caller's prompt */
	feed("get Boo");
	feed("\x1b[A");
	assert_string_equal(ed.buf, "pt 0x1000");
	feed("\x1b[B");
	assert_string_equal(ed.buf, "get Boo");
	assert_int_equal(ed.cur, 7);
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
	feed("\x1b[B");	/* nothing newer */
	assert_string_equal(ed.buf, "get Boo");
}

static void test_shell_shorter_recalled_line_blanks_the_longer_one(void **state)
{
	(void)state;
	feed("rt\r");
	vt_reset();
	feed("selftest --long");
	out_reset();
	feed("\x1b[A");
	assert_string_equal(ed.buf, "rt");
	assert_string_equal(out, "\x1b[15Drt             \x1b[13D");
	assert_true(vt_shows(&vt, SHELL_PROMPT, ed.buf, ed.len, ed.cur));
}

static void test_shell_history_skips_a_repeat_of_the_previous_line(void **state)
{
	(void)state;
	feed("a\rb\rb\rb\r");
	assert_int_equal(ed.hist_count, 2);
	feed("\x1b[A\x1b[A");
	assert_string_equal(ed.buf, "a");
}

static void test_shell_history_skips_blank_and_cancelled_lines(void **state)
{
	(void)state;
	feed("x\r  \r\rhalf\x03");
	assert_int_equal(ed.hist_count, 1);
	feed("\x1b[A");
	assert_string_equal(ed.buf, "x");
}

static void test_shell_history_skips_an_overlong_line(void **state)
{
	(void)state;
	feed(repeat('z', 300));
	feed("\r");
	assert_int_equal(ed.hist_count, 0);
}

static void test_shell_history_keeps_the_newest_32_lines(void **state)
{
	char l[16];

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(l, sizeof(l), "cmd%d\r", i);
		feed(l);
	}
	assert_int_equal(ed.hist_count, SHELL_HISTORY);
	assert_int_equal(SHELL_HISTORY, 32);
	for (int i = 0; i < 40; i++)
		feed("\x1b[A");
	assert_string_equal(ed.buf, "cmd8");	/* 40 entered, the oldest 8 gone */
	feed("\x1b[B");
	assert_string_equal(ed.buf, "cmd9");
}

static void test_shell_editing_a_recalled_line_leaves_the_history_alone(void **state)
{
	(void)state;
	feed("get A\r");
	feed("\x1b[A\x7f" "B");
	assert_string_equal(ed.buf, "get B");
	feed("\x03\x1b[A");
	assert_string_equal(ed.buf, "get A");
}

static void test_shell_tab_without_a_completer_rings_the_bell(void **state)
{
	(void)state;
	feed("ab\t");
	assert_string_equal(ed.buf, "ab");
	assert_string_equal(out, "ab\a");
}

static void test_shell_alt_key_is_swallowed(void **state)
{
	(void)state;
	feed("a\x1bxb");
	assert_string_equal(ed.buf, "ab");
}

static void test_shell_esc_then_enter_still_ends_the_line(void **state)
{
	(void)state;
	assert_int_equal(feed("get\x1b\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "get");
}

static void test_shell_ctrl_c_clears_the_line_and_cancels(void **state)
{
	(void)state;
	assert_int_equal(feed("del Boot0001\x03"), SHELL_ED_CANCEL);
	assert_string_equal(ed.buf, "");
	assert_int_equal(ed.len, 0);
	assert_string_equal(out, "del Boot0001^C\n");
	assert_int_equal(feed("ok\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "ok");
}

static void test_shell_ctrl_u_kills_the_line_on_screen(void **state)
{
	(void)state;
	feed("abc");
	out_reset();
	assert_int_equal(feed("\x15"), SHELL_ED_NONE);
	assert_string_equal(ed.buf, "");
	assert_string_equal(out, "\b \b\b \b\b \b");
	feed("rt\r");
	assert_string_equal(ed.buf, "rt");
}

static void test_shell_other_control_and_8bit_bytes_are_ignored(void **state)
{
	static const char junk[] = { 'a', 0x00, 0x04, 0x0C, 0x80, (char)0xFF, 0x1F, 'b' };

	(void)state;
	feed_n(junk, sizeof(junk), NULL);
	assert_string_equal(ed.buf, "ab");
	assert_string_equal(out, "ab");
}

static void test_shell_line_of_255_chars_is_accepted(void **state)
{
	(void)state;
	feed(repeat('x', 255));
	assert_int_equal(ed.len, 255);
	assert_false(ed.too_long);
	assert_int_equal(feed("\r"), SHELL_ED_LINE);
	assert_int_equal(strlen(ed.buf), 255);
}

static void test_shell_256th_char_is_refused_with_bel(void **state)
{
	(void)state;
	feed(repeat('x', 255));
	out_reset();
	feed("yz");
	assert_string_equal(out, "\a\a");
	assert_int_equal(ed.len, 255);
	assert_int_equal(ed.buf[254], 'x');
	assert_int_equal(ed.buf[255], '\0');
	assert_int_equal(feed("\r"), SHELL_ED_TOO_LONG);
}

static void test_shell_overlong_line_stays_refused_after_backspace(void **state)
{
	(void)state;
	/* The refused chars were part of what the user meant: running the
	 * truncated rest would run something else. */
	feed(repeat('x', 256));
	feed("\b");
	assert_int_equal(feed("\r"), SHELL_ED_TOO_LONG);
}

static void test_shell_ctrl_u_forgets_an_overlong_line(void **state)
{
	(void)state;
	feed(repeat('x', 300));
	feed("\x15" "help");
	assert_int_equal(feed("\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "help");
}

static void test_shell_line_after_an_overlong_one_is_accepted(void **state)
{
	(void)state;
	feed(repeat('x', 300));
	assert_int_equal(feed("\r"), SHELL_ED_TOO_LONG);
	assert_int_equal(feed("rt\r"), SHELL_ED_LINE);
	assert_string_equal(ed.buf, "rt");
}

/* ---------------------------------------------------------------- tokenizer */

static char line[SHELL_LINE_MAX + 1];
static char *argv_[SHELL_ARGV_MAX + 1];
static int argc_;

static const char *tok(const char *s)
{
	snprintf(line, sizeof(line), "%s", s);
	memset(argv_, 0x5A, sizeof(argv_));
	argc_ = -1;
	return shell_tokenize(line, argv_, &argc_);
}

static void test_shell_tokenizer_splits_on_spaces_and_tabs(void **state)
{
	(void)state;
	assert_null(tok("  set\tBootOrder  nv,bs,rt \t 0100 "));
	assert_int_equal(argc_, 4);
	assert_string_equal(argv_[0], "set");
	assert_string_equal(argv_[1], "BootOrder");
	assert_string_equal(argv_[2], "nv,bs,rt");
	assert_string_equal(argv_[3], "0100");
	assert_null(argv_[4]);
}

static void test_shell_tokenizer_gives_no_args_for_blank_line(void **state)
{
	(void)state;
	assert_null(tok(""));
	assert_int_equal(argc_, 0);
	assert_null(argv_[0]);
	assert_null(tok(" \t  "));
	assert_int_equal(argc_, 0);
	assert_null(argv_[0]);
}

static void test_shell_tokenizer_keeps_quoted_string_with_its_quotes(void **state)
{
	(void)state;
	assert_null(tok("set Foo nv,bs,rt \"hello world\""));
	assert_int_equal(argc_, 4);
	assert_string_equal(argv_[3], "\"hello world\"");
}

static void test_shell_tokenizer_keeps_u_quoted_string(void **state)
{
	(void)state;
	assert_null(tok("set Foo bs u\"a b\" x"));
	assert_int_equal(argc_, 5);
	assert_string_equal(argv_[3], "u\"a b\"");
	assert_string_equal(argv_[4], "x");
}

static void test_shell_tokenizer_keeps_backslash_escapes_verbatim(void **state)
{
	(void)state;
	assert_null(tok("set X bs \"say \\\"hi\\\" \\\\ \\n\""));
	assert_int_equal(argc_, 4);
	assert_string_equal(argv_[3], "\"say \\\"hi\\\" \\\\ \\n\"");
}

static void test_shell_tokenizer_joins_quotes_inside_a_token(void **state)
{
	(void)state;
	assert_null(tok("a\"b c\"d e"));
	assert_int_equal(argc_, 2);
	assert_string_equal(argv_[0], "a\"b c\"d");
	assert_string_equal(argv_[1], "e");
}

static void test_shell_tokenizer_keeps_empty_quotes_as_a_token(void **state)
{
	(void)state;
	assert_null(tok("set X bs \"\""));
	assert_int_equal(argc_, 4);
	assert_string_equal(argv_[3], "\"\"");
}

static void test_shell_tokenizer_rejects_unterminated_quote(void **state)
{
	(void)state;
	assert_string_equal(tok("set X bs \"abc"), "unterminated quote");
	assert_int_equal(argc_, 0);
	assert_null(argv_[0]);
}

static void test_shell_tokenizer_rejects_quote_closed_only_by_escape(void **state)
{
	(void)state;
	assert_string_equal(tok("set X bs \"abc\\\""), "unterminated quote");
	assert_string_equal(tok("set X bs \"abc\\"), "unterminated quote");
}

static void test_shell_tokenizer_accepts_16_args_and_rejects_17(void **state)
{
	(void)state;
	assert_null(tok("a b c d e f g h i j k l m n o p"));
	assert_int_equal(argc_, 16);
	assert_string_equal(argv_[15], "p");
	assert_null(argv_[16]);
	assert_string_equal(tok("a b c d e f g h i j k l m n o p q"),
			    "too many arguments (max 16)");
	assert_int_equal(argc_, 0);
	assert_null(argv_[0]);
}

static void test_shell_tokenizer_accepts_16_args_with_trailing_blanks(void **state)
{
	(void)state;
	assert_null(tok("a b c d e f g h i j k l m n o p   "));
	assert_int_equal(argc_, 16);
}

/* ---------------------------------------------------------------- lookup, numbers */

static void test_shell_find_returns_the_named_command(void **state)
{
	(void)state;
	assert_ptr_equal(shell_find(cmds, 4, "echo"), &cmds[1]);
	assert_ptr_equal(shell_find(cmds, 4, "boot"), &cmds[3]);
	assert_null(shell_find(cmds, 4, "ech"));
	assert_null(shell_find(cmds, 4, "echoo"));
	assert_null(shell_find(cmds, 0, "echo"));
}

static void test_shell_find_prefers_the_first_duplicate(void **state)
{
	const struct shell_cmd dup[] = {
		{ "x", "", "first", cmd_record }, { "x", "", "second", cmd_fail },
	};

	(void)state;
	assert_ptr_equal(shell_find(dup, 2, "x"), &dup[0]);
}

static void test_shell_parse_hex_accepts_with_and_without_0x(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(shell_parse_hex_u64("0xffffffff80000000", &v));
	assert_int_equal(v, 0xffffffff80000000ULL);
	assert_true(shell_parse_hex_u64("FFFF800000001000", &v));
	assert_int_equal(v, 0xFFFF800000001000ULL);
	assert_true(shell_parse_hex_u64("0X1f", &v));
	assert_int_equal(v, 0x1f);
	assert_true(shell_parse_hex_u64("0", &v));
	assert_int_equal(v, 0);
	assert_true(shell_parse_hex_u64("0x0000000000000000001", &v));
	assert_int_equal(v, 1);
}

static void test_shell_parse_hex_rejects_junk_empty_and_overflow(void **state)
{
	uint64_t v = 42;

	(void)state;
	assert_false(shell_parse_hex_u64("", &v));
	assert_false(shell_parse_hex_u64("0x", &v));
	assert_false(shell_parse_hex_u64("0x12g4", &v));
	assert_false(shell_parse_hex_u64("-1", &v));
	assert_false(shell_parse_hex_u64("1000 ", &v));
	assert_false(shell_parse_hex_u64("0x10000000000000000", &v));	/* 17 digits */
	assert_int_equal(v, 42);
}

/* ---------------------------------------------------------------- the shell */

static void test_shell_prompt_is_hv(void **state)
{
	(void)state;
	shell_prompt(&sh);
	assert_string_equal(out, "hv> ");
}

static void test_shell_runs_command_with_its_argv(void **state)
{
	(void)state;
	shell_type("set Foo nv,bs,rt u\"x y\"\r");
	assert_int_equal(seen_calls, 1);
	assert_int_equal(seen_argc, 4);
	assert_string_equal(seen_argv[0], "set");
	assert_string_equal(seen_argv[1], "Foo");
	assert_string_equal(seen_argv[2], "nv,bs,rt");
	assert_string_equal(seen_argv[3], "u\"x y\"");
	assert_string_equal(out, "set Foo nv,bs,rt u\"x y\"\nhv> ");
	assert_int_equal(sh.last_status, 0);
}

static void test_shell_keeps_the_command_status(void **state)
{
	(void)state;
	shell_type("fail\r");
	assert_int_equal(sh.last_status, 7);
	assert_string_equal(out, "fail\nhv> ");
}

static void test_shell_unknown_command_prints_one_error_line_and_prompt(void **state)
{
	(void)state;
	shell_type("foo bar\r\n");
	assert_string_equal(out, "foo bar\nerror: unknown command 'foo' (type help)\nhv> ");
	assert_int_equal(seen_calls, 0);
	assert_int_equal(sh.last_status, 1);
}

static void test_shell_empty_line_prints_only_the_prompt(void **state)
{
	(void)state;
	shell_type("   \r");
	assert_string_equal(out, "   \nhv> ");
	assert_int_equal(sh.last_status, 0);
}

static void test_shell_unterminated_quote_prints_one_error_line(void **state)
{
	(void)state;
	shell_type("set X bs \"abc\r");
	assert_string_equal(out, "set X bs \"abc\nerror: unterminated quote\nhv> ");
	assert_int_equal(seen_calls, 0);
}

static void test_shell_too_many_arguments_prints_one_error_line(void **state)
{
	(void)state;
	shell_type("echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\r");
	assert_string_equal(out, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
				 "error: too many arguments (max 16)\nhv> ");
	assert_int_equal(seen_calls, 0);
}

static void test_shell_overlong_line_reports_error_on_enter(void **state)
{
	char want[600];

	(void)state;
	shell_type(repeat('e', 257));
	shell_type("\r");
	snprintf(want, sizeof(want), "%s\a\a\nerror: line too long (max 255 characters)\nhv> ",
		 repeat('e', 255));
	assert_string_equal(out, want);
	assert_int_equal(seen_calls, 0);
	assert_int_equal(sh.last_status, 1);
}

static void test_shell_ctrl_c_prints_a_fresh_prompt(void **state)
{
	(void)state;
	shell_type("echo x\x03");
	assert_string_equal(out, "echo x^C\nhv> ");
	assert_int_equal(seen_calls, 0);
}

static void test_shell_print_error_prefixes_error_and_ends_the_line(void **state)
{
	(void)state;
	assert_int_equal(shell_print_error(&sh, "no such variable (%s)", "EFI_NOT_FOUND"), 1);
	assert_string_equal(out, "error: no such variable (EFI_NOT_FOUND)\n");
}

static void test_shell_help_lists_commands_sorted_by_name(void **state)
{
	(void)state;
	shell_print_help(&sh);
	assert_string_equal(out,
		"boot                           decode Boot####\n"
		"echo [ARGS]                    print the arguments\n"
		"fail                           always fails\n"
		"set VAR ATTRS DATA             set a variable\n");
}

static void test_shell_help_prints_each_duplicate_once(void **state)
{
	const struct shell_cmd dup[] = {
		{ "b", "", "two", cmd_record }, { "a", "", "one", cmd_record },
		{ "b", "", "three", cmd_record },
	};

	(void)state;
	shell_init(&sh, dup, 3, capture, NULL);
	shell_print_help(&sh);
	assert_string_equal(out,
		"a                              one\n"
		"b                              two\n"
		"b                              three\n");
}

/* ---------------------------------------------------------------- completion */

static void test_shell_tab_completes_a_unique_command_name(void **state)
{
	(void)state;
	shell_type("ec\t");
	assert_string_equal(sh.ed.buf, "echo ");
	assert_string_equal(out, "echo ");
	shell_type("hi\r");
	assert_int_equal(seen_calls, 1);
	assert_string_equal(seen_argv[0], "echo");
	assert_string_equal(seen_argv[1], "hi");
}

static void test_shell_tab_on_an_empty_line_lists_every_command(void **state)
{
	(void)state;
	shell_type("\t");
	assert_string_equal(out, "\nset  echo  fail  boot\nhv> ");
	assert_string_equal(sh.ed.buf, "");
	assert_true(vt_shows(&vt, SHELL_PROMPT, sh.ed.buf, sh.ed.len, sh.ed.cur));
}

static void test_shell_tab_completes_a_variable_name(void **state)
{
	(void)state;
	shell_type("set BootOr\t");
	assert_string_equal(sh.ed.buf, "set BootOrder ");
	assert_int_equal(fake_var_walks, 1);
	shell_type("nv,bs,rt 0100\r");
	assert_int_equal(seen_argc, 4);
	assert_string_equal(seen_argv[1], "BootOrder");
}

static void test_shell_tab_extends_to_what_the_matches_share(void **state)
{
	(void)state;
	shell_type("set Boot0\t");
	assert_string_equal(sh.ed.buf, "set Boot000");
	assert_string_equal(out, "set Boot000");
}

static void test_shell_tab_lists_the_matches_and_redraws_the_line(void **state)
{
	(void)state;
	shell_type("set Boot\t");
	assert_string_equal(out, "set Boot\nBoot0000  Boot0001  BootCurrent  BootOrder\n"
				 "hv> set Boot");
	assert_string_equal(sh.ed.buf, "set Boot");
	assert_true(vt_shows(&vt, SHELL_PROMPT, sh.ed.buf, sh.ed.len, sh.ed.cur));
}

static void test_shell_tab_list_keeps_the_cursor_inside_the_line(void **state)
{
	(void)state;
	shell_type("set Boot X\x1b[D\x1b[D\t");
	assert_int_equal(sh.ed.cur, 8);
	assert_true(vt_shows(&vt, SHELL_PROMPT, sh.ed.buf, sh.ed.len, sh.ed.cur));
	shell_type("C\t");
	assert_string_equal(sh.ed.buf, "set BootCurrent X");
	assert_true(vt_shows(&vt, SHELL_PROMPT, sh.ed.buf, sh.ed.len, sh.ed.cur));
}

static void test_shell_tab_completes_a_full_guid_name(void **state)
{
	(void)state;
	shell_type("set 8be4\t");
	assert_string_equal(sh.ed.buf, "set 8be4df61-93ca-11d2-aa0d-00e098032b8c-BootOrder ");
}

static void test_shell_tab_with_no_match_rings_the_bell(void **state)
{
	(void)state;
	shell_type("set Zz\t");
	assert_string_equal(out, "set Zz\a");
	assert_string_equal(sh.ed.buf, "set Zz");
}

static void test_shell_tab_never_inserts_an_unprintable_name(void **state)
{
	(void)state;
	shell_type("set Lang\t");
	assert_string_equal(sh.ed.buf, "set Lang");
	assert_string_equal(out, "set Lang\a");
}

static void test_shell_tab_completes_variables_only_after_a_var_command(void **state)
{
	(void)state;
	shell_type("echo Boot\t");
	assert_string_equal(sh.ed.buf, "echo Boot");
	shell_type("\x15set BootOrder nv\t");
	assert_string_equal(sh.ed.buf, "set BootOrder nv");
	assert_int_equal(fake_var_walks, 0);
}

static void test_shell_tab_that_would_overflow_the_line_rings_the_bell(void **state)
{
	(void)state;
	shell_type("set ");
	shell_type(repeat(' ', 245));
	shell_type("8be4\t");
	assert_int_equal(sh.ed.len, 253);
	assert_true(out[out_len - 1] == '\a');
}

static void test_shell_help_with_no_commands_prints_nothing(void **state)
{
	(void)state;
	shell_init(&sh, NULL, 0, capture, NULL);
	shell_print_help(&sh);
	assert_int_equal(out_len, 0);
}

int main(void)
{
#define ED(t) cmocka_unit_test_setup(t, setup_editor)
#define SH(t) cmocka_unit_test_setup(t, setup_shell)
	const struct CMUnitTest tests[] = {
		ED(test_shell_printable_chars_are_appended_and_echoed),
		ED(test_shell_backspace_erases_last_char),
		ED(test_shell_del_erases_last_char),
		ED(test_shell_backspace_on_empty_line_echoes_nothing),
		ED(test_shell_cr_ends_the_line),
		ED(test_shell_lf_ends_the_line),
		ED(test_shell_lf_right_after_cr_is_ignored),
		ED(test_shell_lf_after_cr_and_a_char_ends_another_line),
		ED(test_shell_two_crs_end_two_lines),
		ED(test_shell_unknown_escape_sequences_are_swallowed),
		ED(test_shell_left_arrow_then_typing_inserts_in_the_middle),
		ED(test_shell_right_arrow_redraws_the_char_it_passes),
		ED(test_shell_left_arrow_stops_at_the_start),
		ED(test_shell_home_and_end_in_every_encoding),
		ED(test_shell_ctrl_b_and_ctrl_f_move_like_the_arrows),
		ED(test_shell_arrows_with_modifiers_and_ss3_still_move),
		ED(test_shell_backspace_in_the_middle_redraws_the_rest),
		ED(test_shell_backspace_at_the_start_does_nothing),
		ED(test_shell_delete_key_removes_the_char_under_the_cursor),
		ED(test_shell_ctrl_u_in_the_middle_deletes_before_the_cursor),
		ED(test_shell_ctrl_k_deletes_from_the_cursor),
		ED(test_shell_enter_in_the_middle_takes_the_whole_line),
		ED(test_shell_insert_into_a_full_line_is_refused),
		ED(test_shell_up_recalls_the_previous_line),
		ED(test_shell_up_and_down_walk_the_history_in_order),
		ED(test_shell_down_brings_back_the_line_being_edited),
		ED(test_shell_shorter_recalled_line_blanks_the_longer_one),
		ED(test_shell_history_skips_a_repeat_of_the_previous_line),
		ED(test_shell_history_skips_blank_and_cancelled_lines),
		ED(test_shell_history_skips_an_overlong_line),
		ED(test_shell_history_keeps_the_newest_32_lines),
		ED(test_shell_editing_a_recalled_line_leaves_the_history_alone),
		ED(test_shell_tab_without_a_completer_rings_the_bell),
		ED(test_shell_alt_key_is_swallowed),
		ED(test_shell_esc_then_enter_still_ends_the_line),
		ED(test_shell_ctrl_c_clears_the_line_and_cancels),
		ED(test_shell_ctrl_u_kills_the_line_on_screen),
		ED(test_shell_other_control_and_8bit_bytes_are_ignored),
		ED(test_shell_line_of_255_chars_is_accepted),
		ED(test_shell_256th_char_is_refused_with_bel),
		ED(test_shell_overlong_line_stays_refused_after_backspace),
		ED(test_shell_ctrl_u_forgets_an_overlong_line),
		ED(test_shell_line_after_an_overlong_one_is_accepted),
		cmocka_unit_test(test_shell_tokenizer_splits_on_spaces_and_tabs),
		cmocka_unit_test(test_shell_tokenizer_gives_no_args_for_blank_line),
		cmocka_unit_test(test_shell_tokenizer_keeps_quoted_string_with_its_quotes),
		cmocka_unit_test(test_shell_tokenizer_keeps_u_quoted_string),
		cmocka_unit_test(test_shell_tokenizer_keeps_backslash_escapes_verbatim),
		cmocka_unit_test(test_shell_tokenizer_joins_quotes_inside_a_token),
		cmocka_unit_test(test_shell_tokenizer_keeps_empty_quotes_as_a_token),
		cmocka_unit_test(test_shell_tokenizer_rejects_unterminated_quote),
		cmocka_unit_test(test_shell_tokenizer_rejects_quote_closed_only_by_escape),
		cmocka_unit_test(test_shell_tokenizer_accepts_16_args_and_rejects_17),
		cmocka_unit_test(test_shell_tokenizer_accepts_16_args_with_trailing_blanks),
		cmocka_unit_test(test_shell_find_returns_the_named_command),
		cmocka_unit_test(test_shell_find_prefers_the_first_duplicate),
		cmocka_unit_test(test_shell_parse_hex_accepts_with_and_without_0x),
		cmocka_unit_test(test_shell_parse_hex_rejects_junk_empty_and_overflow),
		SH(test_shell_prompt_is_hv),
		SH(test_shell_runs_command_with_its_argv),
		SH(test_shell_keeps_the_command_status),
		SH(test_shell_unknown_command_prints_one_error_line_and_prompt),
		SH(test_shell_empty_line_prints_only_the_prompt),
		SH(test_shell_unterminated_quote_prints_one_error_line),
		SH(test_shell_too_many_arguments_prints_one_error_line),
		SH(test_shell_overlong_line_reports_error_on_enter),
		SH(test_shell_ctrl_c_prints_a_fresh_prompt),
		SH(test_shell_print_error_prefixes_error_and_ends_the_line),
		SH(test_shell_help_lists_commands_sorted_by_name),
		SH(test_shell_help_prints_each_duplicate_once),
		SH(test_shell_help_with_no_commands_prints_nothing),
		SH(test_shell_tab_completes_a_unique_command_name),
		SH(test_shell_tab_on_an_empty_line_lists_every_command),
		SH(test_shell_tab_completes_a_variable_name),
		SH(test_shell_tab_extends_to_what_the_matches_share),
		SH(test_shell_tab_lists_the_matches_and_redraws_the_line),
		SH(test_shell_tab_list_keeps_the_cursor_inside_the_line),
		SH(test_shell_tab_completes_a_full_guid_name),
		SH(test_shell_tab_with_no_match_rings_the_bell),
		SH(test_shell_tab_never_inserts_an_unprintable_name),
		SH(test_shell_tab_completes_variables_only_after_a_var_command),
		SH(test_shell_tab_that_would_overflow_the_line_rings_the_bell),
	};
#undef ED
#undef SH

	return cmocka_run_group_tests(tests, NULL, NULL);
}
