/* loader/cfg.c: hvboot.cfg syntax, each key's values, and the line (and
 * key) every error names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "loader/cfg.h"

static struct hv_config cfg;
static struct cfg_where where;

/* Parses a C string (without its NUL) from a heap copy of exactly its
 * length, so any read past the end trips ASan. */
static const char *parse_n(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	const char *why;

	assert_non_null(copy);
	memcpy(copy, text, len);
	memset(&cfg, 0x5A, sizeof(cfg));
	memset(&where, 0x5A, sizeof(where));
	why = cfg_parse(&cfg, copy, len, &where);
	if (why && where.key_len) {
		/* The key span lies inside the input. */
		assert_true(where.key_off + where.key_len <= len);
	}
	free(copy);
	return why ? why : "(ok)";
}

static const char *parse(const char *text)
{
	return parse_n(text, strlen(text));
}

#define assert_ok(text) do {					\
		assert_string_equal(parse(text), "(ok)");	\
		assert_int_equal(where.line, 0);		\
	} while (0)

#define assert_error(text, reason, line_no) do {		\
		assert_string_equal(parse(text), reason);	\
		assert_int_equal(where.line, line_no);		\
	} while (0)

static void assert_key(const char *text, const char *key)
{
	assert_int_equal(where.key_len, strlen(key));
	assert_memory_equal(text + where.key_off, key, strlen(key));
}

/* ---------------------------------------------------------------- syntax */

static void test_cfg_empty_file_gives_defaults(void **state)
{
	(void)state;
	assert_ok("");
	assert_string_equal(cfg.hypervisor, "\\hvboot\\hv.elf");
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.log, HV_LOG_INFO);
	assert_true(cfg.runtime);
	assert_true(cfg.rt_window == HV_RT_WINDOW_DEFAULT);
	assert_int_equal(cfg.rt_layout, HV_RT_LAYOUT_OFFSET);
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_HEAL);
}

static void test_cfg_defaults_match_product_contract(void **state)
{
	(void)state;
	memset(&cfg, 0x5A, sizeof(cfg));
	cfg_defaults(&cfg);
	assert_string_equal(cfg.hypervisor, "\\hvboot\\hv.elf");
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.log, HV_LOG_INFO);
	assert_true(cfg.runtime);
	assert_true(cfg.rt_window == 0xFFFFFF0000000000ULL);
	assert_int_equal(cfg.rt_layout, HV_RT_LAYOUT_OFFSET);
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_HEAL);
	assert_int_equal(cfg.rt_deadline_read_ms, 10000);
	assert_int_equal(cfg.rt_deadline_write_ms, 60000);
}

static void test_cfg_parses_every_key(void **state)
{
	(void)state;
	assert_ok("# hvboot.cfg\n"
		  "hypervisor = \\efi\\hv\\hv2.elf\n"
		  "cmdline = console=ttyS0 loglevel=7\n"
		  "log = debug\n"
		  "runtime = off\n"
		  "rt_window = 0xFFFFFE8000000000\n"
		  "rt_layout = compact\n"
		  "rt_compat = alias\n"
		  "rt_watchdog = 3s,45s\n");
	assert_string_equal(cfg.hypervisor, "\\efi\\hv\\hv2.elf");
	assert_string_equal(cfg.cmdline, "console=ttyS0 loglevel=7");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
	assert_false(cfg.runtime);
	assert_true(cfg.rt_window == 0xFFFFFE8000000000ULL);
	assert_int_equal(cfg.rt_layout, HV_RT_LAYOUT_COMPACT);
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_ALIAS);
	assert_int_equal(cfg.rt_deadline_read_ms, 3000);
	assert_int_equal(cfg.rt_deadline_write_ms, 45000);
}

static void test_cfg_keeps_defaults_for_keys_not_given(void **state)
{
	(void)state;
	assert_ok("log = quiet\n");
	assert_int_equal(cfg.log, HV_LOG_QUIET);
	assert_string_equal(cfg.hypervisor, "\\hvboot\\hv.elf");
	assert_true(cfg.runtime);
	assert_true(cfg.rt_window == HV_RT_WINDOW_DEFAULT);
}

static void test_cfg_tolerates_crlf(void **state)
{
	(void)state;
	assert_ok("log = debug\r\ncmdline = a b\r\n\r\n");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
	assert_string_equal(cfg.cmdline, "a b");
}

static void test_cfg_accepts_last_line_without_newline(void **state)
{
	(void)state;
	assert_ok("runtime = on\nlog = quiet");
	assert_int_equal(cfg.log, HV_LOG_QUIET);
	assert_ok("log = debug\r");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
}

static void test_cfg_trims_spaces_and_tabs_around_key_and_value(void **state)
{
	(void)state;
	assert_ok(" \t log\t=\t debug \t\n\tcmdline=  x  y  \n");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
	assert_string_equal(cfg.cmdline, "x  y");
}

static void test_cfg_comment_starts_anywhere_on_a_line(void **state)
{
	(void)state;
	assert_ok("# whole line\n"
		  "   # indented\n"
		  "log = debug# no space\n"
		  "cmdline = quiet # the rest = ignored\n"
		  "#runtime = off\n");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
	assert_string_equal(cfg.cmdline, "quiet");
	assert_true(cfg.runtime);
}

static void test_cfg_accepts_blank_lines(void **state)
{
	(void)state;
	assert_ok("\n\n  \n\t\n\r\nlog = quiet\n\n");
	assert_int_equal(cfg.log, HV_LOG_QUIET);
}

static void test_cfg_skips_utf8_byte_order_mark(void **state)
{
	(void)state;
	assert_ok("\xEF\xBB\xBFlog = debug\n");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
	assert_error("\xEF\xBB\xBF\nlog = loud\n", "log must be quiet, info or debug", 2);
}

static void test_cfg_rejects_line_without_equals(void **state)
{
	(void)state;
	assert_error("# config\n\nlog = info\nruntime off\n", "expected key = value", 4);
	assert_int_equal(where.key_len, 0);
}

static void test_cfg_rejects_missing_key(void **state)
{
	(void)state;
	assert_error("  = debug\n", "expected key = value", 1);
}

static void test_cfg_rejects_unknown_key_and_points_at_it(void **state)
{
	static const char text[] = "log = info\r\n  lgo\t= debug  # typo\r\n";

	(void)state;
	assert_error(text, "unknown key", 2);
	assert_key(text, "lgo");
}

static void test_cfg_keys_are_case_sensitive(void **state)
{
	static const char text[] = "Log = info\n";

	(void)state;
	assert_error(text, "unknown key", 1);
	assert_key(text, "Log");
}

static void test_cfg_rejects_duplicate_key_and_points_at_it(void **state)
{
	static const char text[] = "log = info\nruntime = on\n log = debug\n";

	(void)state;
	assert_error(text, "duplicate key", 3);
	assert_key(text, "log");
}

static void test_cfg_rejects_nul_byte_naming_the_line(void **state)
{
	static const char text[] = "log = info\ncmdline = a\0b\n";

	(void)state;
	assert_string_equal(parse_n(text, sizeof(text) - 1), "NUL byte");
	assert_int_equal(where.line, 2);
}

static void test_cfg_rejects_non_ascii_byte_naming_the_line(void **state)
{
	(void)state;
	assert_error("log = info\n\ncmdline = caf\xC3\xA9\n", "non-ASCII byte", 3);
	/* In a comment too: the file is ASCII. */
	assert_error("# caf\xC3\xA9\n", "non-ASCII byte", 1);
}

static void test_cfg_rejects_control_characters(void **state)
{
	(void)state;
	assert_error("cmdline = a\x1b[0m\n", "control character", 1);
	assert_error("log = info\rruntime = off\n", "control character", 1);
	assert_error("\n\x7f\n", "control character", 2);
}

static void test_cfg_rejects_file_larger_than_64_kib(void **state)
{
	size_t n = CFG_FILE_MAX + 1;
	char *text = malloc(n);

	(void)state;
	assert_non_null(text);
	memset(text, '\n', n);
	assert_string_equal(parse_n(text, n), "file larger than 64 KiB");
	assert_int_equal(where.line, 0);
	/* Exactly 64 KiB is fine. */
	assert_string_equal(parse_n(text, n - 1), "(ok)");
	free(text);
}

static void test_cfg_parse_reports_line(void **state)
{
	static const char text[] = "log = info\nruntime = maybe\n";
	struct cfg_where where = { .line = 0 };

	(void)state;
	assert_string_equal(cfg_parse(&cfg, text, strlen(text), &where),
			    "runtime must be on or off");
	assert_int_equal(where.line, 2);
	where.line = 99;
	assert_null(cfg_parse(&cfg, "log = debug", 11, &where));
	assert_int_equal(where.line, 0);
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
}

/* ---------------------------------------------------------------- hypervisor */

static void test_cfg_hypervisor_converts_slashes(void **state)
{
	(void)state;
	assert_ok("hypervisor = /EFI/hv/hv.elf\n");
	assert_string_equal(cfg.hypervisor, "\\EFI\\hv\\hv.elf");
}

static void test_cfg_hypervisor_gets_leading_backslash(void **state)
{
	(void)state;
	assert_ok("hypervisor = hvboot\\hv.elf\n");
	assert_string_equal(cfg.hypervisor, "\\hvboot\\hv.elf");
	assert_ok("hypervisor = my hv.elf\n");
	assert_string_equal(cfg.hypervisor, "\\my hv.elf");
}

static void test_cfg_hypervisor_fits_path_max(void **state)
{
	char line[300], path[200];

	(void)state;
	memset(path, 'a', sizeof(path));
	path[0] = '\\';
	path[CFG_PATH_MAX - 1] = '\0';		/* 127 bytes + NUL: fits */
	snprintf(line, sizeof(line), "hypervisor = %s\n", path);
	assert_ok(line);
	assert_string_equal(cfg.hypervisor, path);

	path[CFG_PATH_MAX - 1] = 'a';
	path[CFG_PATH_MAX] = '\0';		/* 128 bytes: does not */
	snprintf(line, sizeof(line), "hypervisor = %s\n", path);
	assert_error(line, "hypervisor path too long (at most 127 bytes)", 1);

	/* 127 without the backslash: the one added makes it 128. */
	snprintf(line, sizeof(line), "hypervisor = %s\n", path + 1);
	assert_error(line, "hypervisor path too long (at most 127 bytes)", 1);
}

static void test_cfg_hypervisor_must_not_be_empty(void **state)
{
	(void)state;
	assert_error("hypervisor =   # none\n", "hypervisor must be a path", 1);
}

static void test_cfg_hypervisor_must_be_printable(void **state)
{
	(void)state;
	assert_error("hypervisor = \\hv\tboot\\hv.elf\n",
		     "hypervisor path must be printable ASCII", 1);
}

static void test_cfg_hypervisor_must_name_a_file(void **state)
{
	(void)state;
	assert_error("hypervisor = \\hvboot\\\n", "hypervisor path must name a file", 1);
	assert_error("hypervisor = /\n", "hypervisor path must name a file", 1);
}

/* ---------------------------------------------------------------- cmdline */

static void test_cfg_cmdline_may_be_empty(void **state)
{
	(void)state;
	assert_ok("cmdline =\n");
	assert_string_equal(cfg.cmdline, "");
}

static void test_cfg_cmdline_keeps_spaces_and_equals(void **state)
{
	(void)state;
	assert_ok("cmdline = a=b  c==d =\n");
	assert_string_equal(cfg.cmdline, "a=b  c==d =");
}

static void test_cfg_cmdline_fits_255_bytes(void **state)
{
	char line[400], value[300];

	(void)state;
	memset(value, 'x', sizeof(value));
	value[255] = '\0';
	snprintf(line, sizeof(line), "cmdline = %s\n", value);
	assert_ok(line);
	assert_int_equal(strlen(cfg.cmdline), 255);

	value[255] = 'x';
	value[256] = '\0';
	snprintf(line, sizeof(line), "cmdline = %s\n", value);
	assert_error(line, "cmdline too long (at most 255 bytes)", 1);
}

static void test_cfg_cmdline_must_be_printable(void **state)
{
	(void)state;
	assert_error("cmdline = a\tb\n", "cmdline must be printable ASCII", 1);
}

/* ---------------------------------------------------------------- enums */

static void test_cfg_log_takes_quiet_info_debug(void **state)
{
	(void)state;
	assert_ok("log = quiet");
	assert_int_equal(cfg.log, HV_LOG_QUIET);
	assert_ok("log = info");
	assert_int_equal(cfg.log, HV_LOG_INFO);
	assert_ok("log = debug");
	assert_int_equal(cfg.log, HV_LOG_DEBUG);
	assert_error("log = verbose", "log must be quiet, info or debug", 1);
	assert_error("log = ", "log must be quiet, info or debug", 1);
	assert_error("log = info2", "log must be quiet, info or debug", 1);
	assert_error("log = inf", "log must be quiet, info or debug", 1);
	assert_error("log = DEBUG", "log must be quiet, info or debug", 1);
}

static void test_cfg_runtime_takes_on_off(void **state)
{
	(void)state;
	assert_ok("runtime = off");
	assert_false(cfg.runtime);
	assert_ok("runtime = on");
	assert_true(cfg.runtime);
	assert_error("runtime = yes", "runtime must be on or off", 1);
}

static void test_cfg_rt_layout_takes_offset_compact(void **state)
{
	(void)state;
	assert_ok("rt_layout = compact");
	assert_int_equal(cfg.rt_layout, HV_RT_LAYOUT_COMPACT);
	assert_ok("rt_layout = offset");
	assert_int_equal(cfg.rt_layout, HV_RT_LAYOUT_OFFSET);
	assert_error("rt_layout = packed", "rt_layout must be offset or compact", 1);
}

static void test_cfg_rt_compat_takes_its_four_rungs(void **state)
{
	(void)state;
	assert_ok("rt_compat = none");
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_NONE);
	assert_ok("rt_compat = heal");
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_HEAL);
	assert_ok("rt_compat = alias");
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_ALIAS);
	assert_ok("rt_compat = identity");
	assert_int_equal(cfg.rt_compat, HV_RT_COMPAT_IDENTITY);
	assert_error("rt_compat = Heal", "rt_compat must be none, heal, alias or identity", 1);
	assert_error("rt_compat = heal,alias", "rt_compat must be none, heal, alias or identity", 1);
	assert_error("rt_compat =", "rt_compat must be none, heal, alias or identity", 1);
}

#define RT_WATCHDOG_BAD	"rt_watchdog must be off or READ,WRITE deadlines like 10s,60s " \
			"(each 100ms..600s, in s or ms)"

static void test_cfg_rt_watchdog_takes_read_and_write_deadlines(void **state)
{
	(void)state;
	assert_ok("rt_watchdog = 2s,60s");
	assert_int_equal(cfg.rt_deadline_read_ms, 2000);
	assert_int_equal(cfg.rt_deadline_write_ms, 60000);
	assert_ok("rt_watchdog = 500ms , 30s");
	assert_int_equal(cfg.rt_deadline_read_ms, 500);
	assert_int_equal(cfg.rt_deadline_write_ms, 30000);
	assert_ok("rt_watchdog = 100ms,600s");
	assert_int_equal(cfg.rt_deadline_read_ms, 100);
	assert_int_equal(cfg.rt_deadline_write_ms, 600000);
	assert_ok("rt_watchdog = 600000ms,600000ms");
	assert_int_equal(cfg.rt_deadline_read_ms, 600000);
}

static void test_cfg_rt_watchdog_off_turns_both_deadlines_off(void **state)
{
	(void)state;
	assert_ok("rt_watchdog = off");
	assert_int_equal(cfg.rt_deadline_read_ms, 0);
	assert_int_equal(cfg.rt_deadline_write_ms, 0);
}

static void test_cfg_rt_watchdog_refuses_what_is_not_two_deadlines(void **state)
{
	(void)state;
	assert_error("rt_watchdog = 10s", RT_WATCHDOG_BAD, 1);		/* one deadline */
	assert_error("rt_watchdog = 10,60", RT_WATCHDOG_BAD, 1);	/* no unit */
	assert_error("rt_watchdog = 10s,60m", RT_WATCHDOG_BAD, 1);	/* no minutes */
	assert_error("rt_watchdog = 10s,60s,5s", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = s,60s", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = ms,60s", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = -1s,60s", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = 99ms,60s", RT_WATCHDOG_BAD, 1);	/* under 100 ms */
	assert_error("rt_watchdog = 0s,60s", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = 10s,601s", RT_WATCHDOG_BAD, 1);	/* over 10 min */
	assert_error("rt_watchdog = 10s,600001ms", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = 10s,9999999s", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = Off", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog =", RT_WATCHDOG_BAD, 1);
	assert_error("rt_watchdog = read=2s write=60s", RT_WATCHDOG_BAD, 1);
}

/* The loader carries no fault-injection test aids (README "The ESP and the
 * config"): the key they used is as unknown as any typo. */
static void test_cfg_rt_inject_is_an_unknown_key(void **state)
{
	static const char text[] = "rt_inject = skip-mmio\n";

	(void)state;
	assert_error(text, "unknown key", 1);
	assert_key(text, "rt_inject");
	assert_error("rt_inject = none\n", "unknown key", 1);
}

/* ---------------------------------------------------------------- rt_window */

static void test_cfg_rt_window_accepts_hex_and_decimal(void **state)
{
	(void)state;
	assert_ok("rt_window = 0xffff880000000000");
	assert_true(cfg.rt_window == 0xFFFF880000000000ULL);
	assert_ok("rt_window = 0XFFFFFE8000000000");
	assert_true(cfg.rt_window == 0xFFFFFE8000000000ULL);
	assert_ok("rt_window = 18446742974197923840");	/* 0xFFFFFF0000000000 */
	assert_true(cfg.rt_window == 0xFFFFFF0000000000ULL);
}

static void test_cfg_rt_window_must_be_a_number(void **state)
{
	static const char why[] = "rt_window must be a hex (0x...) or decimal number";

	(void)state;
	assert_error("rt_window = ", why, 1);
	assert_error("rt_window = 0x", why, 1);
	assert_error("rt_window = 0xFFFFFF00000000g0", why, 1);
	assert_error("rt_window = 1844674297419792384a", why, 1);
	assert_error("rt_window = -1", why, 1);
	assert_error("rt_window = 0xFFFF_FF00_0000_0000", why, 1);
}

static void test_cfg_rt_window_must_fit_64_bits(void **state)
{
	(void)state;
	assert_error("rt_window = 0x1FFFFFF0000000000", "rt_window does not fit in 64 bits", 1);
	assert_error("rt_window = 18446744073709551616", "rt_window does not fit in 64 bits", 1);
}

static void test_cfg_rt_window_must_be_canonical(void **state)
{
	(void)state;
	assert_error("rt_window = 0x0000800000000000", "rt_window is not a canonical address", 1);
	assert_error("rt_window = 0xFFFF000000000000", "rt_window is not a canonical address", 1);
}

static void test_cfg_rt_window_must_be_in_higher_half(void **state)
{
	(void)state;
	assert_error("rt_window = 0x00007F8000000000", "rt_window must be in the higher half", 1);
	assert_error("rt_window = 0", "rt_window must be in the higher half", 1);
}

static void test_cfg_rt_window_must_be_512_gib_aligned(void **state)
{
	(void)state;
	assert_error("rt_window = 0xFFFFFF0040000000", "rt_window must be 512 GiB aligned", 1);
	assert_error("rt_window = 0xFFFFFF0000001000", "rt_window must be 512 GiB aligned", 1);
}

static void test_cfg_rt_window_must_not_be_direct_map_slot(void **state)
{
	(void)state;
	assert_error("rt_window = 0xFFFF800000000000",
		     "rt_window must not be the direct-map slot (PML4 256)", 1);
}

static void test_cfg_rt_window_must_not_be_image_slot(void **state)
{
	(void)state;
	assert_error("rt_window = 0xFFFFFF8000000000",
		     "rt_window must not be the image slot (PML4 511)", 1);
}

static void test_cfg_failed_value_leaves_no_key_span(void **state)
{
	(void)state;
	assert_error("rt_window = 1", "rt_window must be in the higher half", 1);
	assert_int_equal(where.key_len, 0);
}

/* ---------------------------------------------------------------- guests */

static void test_cfg_guest_defaults_are_64m_read_no_modules(void **state)
{
	(void)state;
	assert_ok("");
	assert_int_equal(cfg.nmodules, 0);
	assert_true(cfg.guest_mem == 64ULL << 20);
	assert_int_equal(cfg.guest_vars, HV_GUEST_VARS_READ);
}

static void test_cfg_module_repeats_up_to_eight(void **state)
{
	(void)state;
	assert_ok("module = hello \\hvboot\\hello.elf\nmodule = t-2  hvboot/t2.elf\n");
	assert_int_equal(cfg.nmodules, 2);
	assert_string_equal(cfg.modules[0].name, "hello");
	assert_string_equal(cfg.modules[0].path, "\\hvboot\\hello.elf");
	assert_string_equal(cfg.modules[1].name, "t-2");
	assert_string_equal(cfg.modules[1].path, "\\hvboot\\t2.elf");
	assert_ok("module=a x\nmodule=b x\nmodule=c x\nmodule=d x\n"
		  "module=e x\nmodule=f x\nmodule=g x\nmodule=h x\n");
	assert_int_equal(cfg.nmodules, 8);
	assert_error("module=a x\nmodule=b x\nmodule=c x\nmodule=d x\n"
		     "module=e x\nmodule=f x\nmodule=g x\nmodule=h x\nmodule=i x\n",
		     "too many modules (at most 8)", 9);
}

static void test_cfg_module_needs_a_good_name_and_path(void **state)
{
	(void)state;
	assert_error("module = hello\n", "module must be NAME PATH", 1);
	assert_error("module =\n", "module must be NAME PATH", 1);
	assert_error("module = he/llo x.elf\n",
		     "module name must be letters, digits, '.', '-' or '_'", 1);
	assert_error("module = 0123456789abcdef0123456789abcdef x\n",
		     "module name too long (at most 31 bytes)", 1);
	assert_error("module = a x\nmodule = a y\n", "module name used twice", 2);
	assert_error("module = a \\dir\\\n", "module path must name a file", 1);
}

static void test_cfg_guest_mem_takes_sizes_in_whole_2_mib(void **state)
{
	(void)state;
	assert_ok("guest_mem = 128M\n");
	assert_true(cfg.guest_mem == 128ULL << 20);
	assert_ok("guest_mem = 1G\n");
	assert_true(cfg.guest_mem == 1ULL << 30);
	assert_ok("guest_mem = 4096k\n");
	assert_true(cfg.guest_mem == 4ULL << 20);
	assert_ok("guest_mem = 2097152\n");
	assert_true(cfg.guest_mem == 2ULL << 20);
	static const char bad[] = "guest_mem must be a size like 64M (2M..64G, whole 2 MiB)";
	assert_error("guest_mem = 1M\n", bad, 1);
	assert_error("guest_mem = 3M\n", bad, 1);
	assert_error("guest_mem = 65G\n", bad, 1);
	assert_error("guest_mem = 99999999999999G\n", bad, 1);
	assert_error("guest_mem = lots\n", bad, 1);
	assert_error("guest_mem = M\n", bad, 1);
}

static void test_cfg_guest_mem_names_a_module_defined_above(void **state)
{
	(void)state;
	assert_ok("guest_mem = 64M\nmodule = linux \\k\nguest_mem = linux 256M\n");
	assert_true(cfg.guest_mem == 64ULL << 20);
	assert_true(cfg.modules[0].guest_mem == 256ULL << 20);
	assert_ok("module = a x\nmodule = b y\nguest_mem = b 4M\n");
	assert_true(cfg.modules[0].guest_mem == 0);
	assert_true(cfg.modules[1].guest_mem == 4ULL << 20);
	assert_true(cfg.guest_mem == 64ULL << 20);
	assert_error("guest_mem = linux 256M\nmodule = linux x\n",
		     "guest_mem = NAME SIZE names no module defined above", 1);
	assert_error("module = a x\nguest_mem = a 3M\n",
		     "guest_mem must be a size like 64M (2M..64G, whole 2 MiB)", 2);
	assert_error("module = a x\nguest_mem = a\n",
		     "guest_mem must be a size like 64M (2M..64G, whole 2 MiB)", 2);
	assert_error("module = a x\nguest_mem = a 4M\nguest_mem = a 8M\n",
		     "guest_mem for this module given twice", 3);
	assert_error("guest_mem = 4M\nguest_mem = 8M\n", "guest_mem for every guest given twice", 2);
}

static void test_cfg_initrd_belongs_to_a_module_defined_above(void **state)
{
	(void)state;
	assert_ok("module = linux \\hvboot\\linux\\vmlinuz\n"
		  "initrd = linux  hvboot/linux/initramfs.gz\n");
	assert_string_equal(cfg.modules[0].initrd, "\\hvboot\\linux\\initramfs.gz");
	assert_ok("module = a x\n");
	assert_string_equal(cfg.modules[0].initrd, "");
	assert_error("initrd = linux x\n", "initrd names no module defined above", 1);
	assert_error("module = a x\ninitrd = a\n", "initrd must be NAME PATH", 2);
	assert_error("module = a x\ninitrd =\n", "initrd must be NAME PATH", 2);
	assert_error("module = a x\ninitrd = a \\dir\\\n", "initrd path must name a file", 2);
	assert_error("module = a x\ninitrd = a y\ninitrd = a z\n",
		     "initrd for this module given twice", 3);
}

static void test_cfg_args_keep_the_text_after_the_name(void **state)
{
	(void)state;
	assert_ok("module = linux x\nargs = linux console=ttyS0  panic=-1 quiet \n");
	assert_string_equal(cfg.modules[0].args, "console=ttyS0  panic=-1 quiet");
	assert_error("args = linux quiet\n", "args names no module defined above", 1);
	assert_error("module = a x\nargs = a\n", "args must be NAME TEXT", 2);
	assert_error("module = a x\nargs = a q\nargs = a r\n", "args for this module given twice", 3);
	assert_error("module = a x\nargs = a q\tr\n", "args must be printable ASCII", 2);
	char line[400];
	snprintf(line, sizeof(line), "module = a x\nargs = a %0256d\n", 0);
	assert_error(line, "args too long (at most 255 bytes)", 2);
	snprintf(line, sizeof(line), "module = a x\nargs = a %0255d\n", 0);
	assert_ok(line);
	assert_int_equal(strlen(cfg.modules[0].args), 255);
}

static void test_cfg_guest_vars_takes_none_read_or_write_guid(void **state)
{
	static const uint8_t guid[16] = { 0x7e, 0x4b, 0x1d, 0x3f, 0x5a, 0x2c, 0x8e, 0x4e,
					  0x9d, 0x41, 0x6a, 0x0b, 0x9c, 0x7e, 0x5f, 0x10 };

	(void)state;
	assert_ok("guest_vars = none\n");
	assert_int_equal(cfg.guest_vars, HV_GUEST_VARS_NONE);
	assert_ok("guest_vars = write:3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10\n");
	assert_int_equal(cfg.guest_vars, HV_GUEST_VARS_WRITE);
	assert_memory_equal(cfg.guest_vars_guid, guid, 16);
	assert_error("guest_vars = write\n", "guest_vars must be none, read or write:GUID", 1);
	assert_error("guest_vars = write:3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f1\n",
		     "guest_vars write:GUID needs a GUID like 3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10", 1);
	assert_error("guest_vars = write:3f1d4b7e+2c5a-4e8e-9d41-6a0b9c7e5f10\n",
		     "guest_vars write:GUID needs a GUID like 3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10", 1);
	assert_error("guest_vars = read\nguest_vars = none\n", "duplicate key", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_guest_defaults_are_64m_read_no_modules),
		cmocka_unit_test(test_cfg_module_repeats_up_to_eight),
		cmocka_unit_test(test_cfg_module_needs_a_good_name_and_path),
		cmocka_unit_test(test_cfg_guest_mem_takes_sizes_in_whole_2_mib),
		cmocka_unit_test(test_cfg_guest_mem_names_a_module_defined_above),
		cmocka_unit_test(test_cfg_initrd_belongs_to_a_module_defined_above),
		cmocka_unit_test(test_cfg_args_keep_the_text_after_the_name),
		cmocka_unit_test(test_cfg_guest_vars_takes_none_read_or_write_guid),
		cmocka_unit_test(test_cfg_rt_watchdog_takes_read_and_write_deadlines),
		cmocka_unit_test(test_cfg_rt_watchdog_off_turns_both_deadlines_off),
		cmocka_unit_test(test_cfg_rt_watchdog_refuses_what_is_not_two_deadlines),
		cmocka_unit_test(test_cfg_empty_file_gives_defaults),
		cmocka_unit_test(test_cfg_defaults_match_product_contract),
		cmocka_unit_test(test_cfg_parses_every_key),
		cmocka_unit_test(test_cfg_keeps_defaults_for_keys_not_given),
		cmocka_unit_test(test_cfg_tolerates_crlf),
		cmocka_unit_test(test_cfg_accepts_last_line_without_newline),
		cmocka_unit_test(test_cfg_trims_spaces_and_tabs_around_key_and_value),
		cmocka_unit_test(test_cfg_comment_starts_anywhere_on_a_line),
		cmocka_unit_test(test_cfg_accepts_blank_lines),
		cmocka_unit_test(test_cfg_skips_utf8_byte_order_mark),
		cmocka_unit_test(test_cfg_rejects_line_without_equals),
		cmocka_unit_test(test_cfg_rejects_missing_key),
		cmocka_unit_test(test_cfg_rejects_unknown_key_and_points_at_it),
		cmocka_unit_test(test_cfg_keys_are_case_sensitive),
		cmocka_unit_test(test_cfg_rejects_duplicate_key_and_points_at_it),
		cmocka_unit_test(test_cfg_rejects_nul_byte_naming_the_line),
		cmocka_unit_test(test_cfg_rejects_non_ascii_byte_naming_the_line),
		cmocka_unit_test(test_cfg_rejects_control_characters),
		cmocka_unit_test(test_cfg_rejects_file_larger_than_64_kib),
		cmocka_unit_test(test_cfg_parse_reports_line),
		cmocka_unit_test(test_cfg_hypervisor_converts_slashes),
		cmocka_unit_test(test_cfg_hypervisor_gets_leading_backslash),
		cmocka_unit_test(test_cfg_hypervisor_fits_path_max),
		cmocka_unit_test(test_cfg_hypervisor_must_not_be_empty),
		cmocka_unit_test(test_cfg_hypervisor_must_be_printable),
		cmocka_unit_test(test_cfg_hypervisor_must_name_a_file),
		cmocka_unit_test(test_cfg_cmdline_may_be_empty),
		cmocka_unit_test(test_cfg_cmdline_keeps_spaces_and_equals),
		cmocka_unit_test(test_cfg_cmdline_fits_255_bytes),
		cmocka_unit_test(test_cfg_cmdline_must_be_printable),
		cmocka_unit_test(test_cfg_log_takes_quiet_info_debug),
		cmocka_unit_test(test_cfg_runtime_takes_on_off),
		cmocka_unit_test(test_cfg_rt_layout_takes_offset_compact),
		cmocka_unit_test(test_cfg_rt_compat_takes_its_four_rungs),
		cmocka_unit_test(test_cfg_rt_inject_is_an_unknown_key),
		cmocka_unit_test(test_cfg_rt_window_accepts_hex_and_decimal),
		cmocka_unit_test(test_cfg_rt_window_must_be_a_number),
		cmocka_unit_test(test_cfg_rt_window_must_fit_64_bits),
		cmocka_unit_test(test_cfg_rt_window_must_be_canonical),
		cmocka_unit_test(test_cfg_rt_window_must_be_in_higher_half),
		cmocka_unit_test(test_cfg_rt_window_must_be_512_gib_aligned),
		cmocka_unit_test(test_cfg_rt_window_must_not_be_direct_map_slot),
		cmocka_unit_test(test_cfg_rt_window_must_not_be_image_slot),
		cmocka_unit_test(test_cfg_failed_value_leaves_no_key_span),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
