/* loader/fmt.c: every conversion, flag and modifier the hypervisor uses, the
 * snprintf truncation contract, and agreement with the C library. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "loader/fmt.h"

static char buf[256];

/* Formats into buf and checks the returned length matches what was written. */
static const char *f(const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(buf, 0x5A, sizeof(buf));
	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_fmt_copies_plain_text(void **state)
{
	(void)state;
	assert_string_equal(f("hv> ready"), "hv> ready");
	assert_string_equal(f(""), "");
}

static void test_fmt_percent_percent_prints_one_percent(void **state)
{
	(void)state;
	assert_string_equal(f("100%% done"), "100% done");
}

static void test_fmt_d_and_i_print_signed_decimal(void **state)
{
	(void)state;
	assert_string_equal(f("%d %i %d", 42, -7, 0), "42 -7 0");
	assert_string_equal(f("%d", INT_MIN), "-2147483648");
	assert_string_equal(f("%d", INT_MAX), "2147483647");
}

static void test_fmt_u_prints_unsigned_decimal(void **state)
{
	(void)state;
	assert_string_equal(f("%u", 0U), "0");
	assert_string_equal(f("%u", UINT_MAX), "4294967295");
}

static void test_fmt_ll_and_l_print_64_bit_extremes(void **state)
{
	(void)state;
	assert_string_equal(f("%lld", LLONG_MIN), "-9223372036854775808");
	assert_string_equal(f("%llu", ULLONG_MAX), "18446744073709551615");
	assert_string_equal(f("%ld", LONG_MIN), "-9223372036854775808");
	assert_string_equal(f("%lx", 0xFFFFFFFF80000000UL), "ffffffff80000000");
}

static void test_fmt_z_prints_size_t(void **state)
{
	(void)state;
	assert_string_equal(f("%zu", SIZE_MAX), "18446744073709551615");
	assert_string_equal(f("%zx", (size_t)0x1000), "1000");
}

static void test_fmt_hh_and_h_truncate_to_char_and_short(void **state)
{
	(void)state;
	assert_string_equal(f("%hhx", 0x1FF), "ff");
	assert_string_equal(f("%hd", 0x18000), "-32768");
	assert_string_equal(f("%hhu", 300), "44");
}

static void test_fmt_x_is_lower_case_and_X_upper_case(void **state)
{
	(void)state;
	assert_string_equal(f("%x %X", 0xABCDEFU, 0xABCDEFU), "abcdef ABCDEF");
}

static void test_fmt_zero_flag_pads_with_zeros_to_width(void **state)
{
	(void)state;
	assert_string_equal(f("%08x", 0x1F80U), "00001f80");
	assert_string_equal(f("0x%016lx", 0x1000UL), "0x0000000000001000");
	assert_string_equal(f("%05d", -42), "-0042");
}

static void test_fmt_width_pads_with_spaces_on_the_left(void **state)
{
	(void)state;
	assert_string_equal(f("[%6d]", -42), "[   -42]");
	assert_string_equal(f("[%6s]", "ab"), "[    ab]");
	assert_string_equal(f("[%2d]", 12345), "[12345]");
}

static void test_fmt_minus_flag_left_justifies(void **state)
{
	(void)state;
	assert_string_equal(f("[%-6s]", "ab"), "[ab    ]");
	assert_string_equal(f("[%-6u]", 42U), "[42    ]");
	assert_string_equal(f("[%-06d]", 42), "[42    ]");	/* '-' beats '0' */
}

static void test_fmt_star_takes_width_from_arguments(void **state)
{
	(void)state;
	assert_string_equal(f("[%*d]", 5, 42), "[   42]");
	assert_string_equal(f("[%*d]", -5, 42), "[42   ]");
}

static void test_fmt_precision_limits_string_length(void **state)
{
	(void)state;
	assert_string_equal(f("%.3s", "abcdef"), "abc");
	assert_string_equal(f("%.*s", 2, "abcdef"), "ab");
	assert_string_equal(f("%.*s", 10, "abc"), "abc");
	assert_string_equal(f("[%5.2s]", "abc"), "[   ab]");
}

static void test_fmt_precision_stops_at_limit_without_reading_further(void **state)
{
	/* Not NUL-terminated: %.4s must read exactly 4 bytes (ASan checks). */
	static const char four[4] = { 'w', 'x', 'y', 'z' };

	(void)state;
	assert_string_equal(f("%.4s", four), "wxyz");
}

static void test_fmt_precision_gives_minimum_digits_for_integers(void **state)
{
	(void)state;
	assert_string_equal(f("%.4d", 7), "0007");
	assert_string_equal(f("%.0d", 0), "");
	assert_string_equal(f("[%6.3x]", 0xAU), "[   00a]");
}

static void test_fmt_s_prints_null_as_null(void **state)
{
	(void)state;
	assert_string_equal(f("%s", (char *)NULL), "(null)");
}

static void test_fmt_c_prints_one_char(void **state)
{
	(void)state;
	assert_string_equal(f("%c%c%c", 'h', 'v', '!'), "hv!");
	assert_string_equal(f("[%3c]", 'x'), "[  x]");
	assert_string_equal(f("[%-3c]", 'x'), "[x  ]");
}

static void test_fmt_p_prints_0x_and_16_hex_digits(void **state)
{
	(void)state;
	assert_string_equal(f("%p", (void *)0xFFFF800000001000UL), "0xffff800000001000");
	assert_string_equal(f("%p", (void *)0x1000), "0x0000000000001000");
	assert_string_equal(f("%p", (void *)NULL), "0x0000000000000000");
}

static void test_fmt_hash_flag_prefixes_nonzero_hex(void **state)
{
	(void)state;
	assert_string_equal(f("%#x %#X %#x", 255U, 255U, 0U), "0xff 0XFF 0");
	assert_string_equal(f("%#06x", 10U), "0x000a");
}

static void test_fmt_plus_and_space_flags_mark_positive_numbers(void **state)
{
	(void)state;
	assert_string_equal(f("%+d %+d % d", 5, -5, 5), "+5 -5  5");
}

static void test_fmt_unknown_conversion_is_printed_verbatim(void **state)
{
	const char *fmt = "a%qb %lw";	/* a variable, so -Wformat lets it through */

	(void)state;
	assert_string_equal(f(fmt, 1), "a%qb %lw");
}

static void test_fmt_lone_percent_at_end_is_kept(void **state)
{
	const char *fmt = "50%";

	(void)state;
	assert_string_equal(f(fmt), "50%");
	fmt = "x%-08";
	assert_string_equal(f(fmt), "x%-08");
}

static void test_fmt_snprintf_truncates_and_returns_full_length(void **state)
{
	char small[8];

	(void)state;
	memset(small, 0x5A, sizeof(small));
	assert_int_equal(fmt_snprintf(small, sizeof(small), "%s", "hypervisor"), 10);
	assert_string_equal(small, "hypervi");
	assert_int_equal(fmt_snprintf(small, sizeof(small), "%d", 1234567), 7);
	assert_string_equal(small, "1234567");
}

static void test_fmt_snprintf_with_cap_zero_writes_nothing(void **state)
{
	char c = 'q';

	(void)state;
	assert_int_equal(fmt_snprintf(&c, 0, "%s", "abc"), 3);
	assert_int_equal(c, 'q');
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

static void test_fmt_snprintf_with_cap_one_writes_only_nul(void **state)
{
	char two[2] = { 'q', 'q' };

	(void)state;
	assert_int_equal(fmt_snprintf(two, 1, "abc"), 3);
	assert_int_equal(two[0], '\0');
	assert_int_equal(two[1], 'q');
}

struct sink_log {
	char bytes[64];
	int n;
};

static void log_sink(void *ctx, char c)
{
	struct sink_log *l = ctx;

	if (l->n < (int)sizeof(l->bytes))
		l->bytes[l->n] = c;
	l->n++;
}

static int vformat(struct sink_log *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(log_sink, l, fmt, ap);
	va_end(ap);
	return n;
}

static void test_fmt_vformat_hands_each_byte_to_the_sink(void **state)
{
	struct sink_log l = { .n = 0 };

	(void)state;
	assert_int_equal(vformat(&l, "%s=%u\n", "rt", 3U), 5);
	assert_int_equal(l.n, 5);
	assert_memory_equal(l.bytes, "rt=3\n", 5);
}

static void test_fmt_c_with_nul_emits_the_nul_byte(void **state)
{
	struct sink_log l = { .n = 0 };

	(void)state;
	assert_int_equal(vformat(&l, "a%cb", 0), 3);
	assert_memory_equal(l.bytes, "a\0b", 3);
}

/* Differential: the same format and value through libc and fmt. */
static void test_fmt_matches_libc_for_integer_formats(void **state)
{
	static const char *const fmts[] = {
		"%d", "%5d", "%-5d", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-8.3d", "%x",
		"%#x", "%08X", "%#010x", "%u", "%12u", "%.0d",
	};
	static const int values[] = { 0, 1, -1, 7, 42, -42, 255, 4096, INT_MAX, INT_MIN, 0x7F0A };
	char want[64], got[64];

	(void)state;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (size_t j = 0; j < sizeof(values) / sizeof(values[0]); j++) {
			int wn = snprintf(want, sizeof(want), fmts[i], values[j]);
			int gn = fmt_snprintf(got, sizeof(got), fmts[i], values[j]);

			if (strcmp(want, got) != 0 || wn != gn)
				fail_msg("format \"%s\" value %d: libc \"%s\", fmt \"%s\"", fmts[i],
					 values[j], want, got);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_copies_plain_text),
		cmocka_unit_test(test_fmt_percent_percent_prints_one_percent),
		cmocka_unit_test(test_fmt_d_and_i_print_signed_decimal),
		cmocka_unit_test(test_fmt_u_prints_unsigned_decimal),
		cmocka_unit_test(test_fmt_ll_and_l_print_64_bit_extremes),
		cmocka_unit_test(test_fmt_z_prints_size_t),
		cmocka_unit_test(test_fmt_hh_and_h_truncate_to_char_and_short),
		cmocka_unit_test(test_fmt_x_is_lower_case_and_X_upper_case),
		cmocka_unit_test(test_fmt_zero_flag_pads_with_zeros_to_width),
		cmocka_unit_test(test_fmt_width_pads_with_spaces_on_the_left),
		cmocka_unit_test(test_fmt_minus_flag_left_justifies),
		cmocka_unit_test(test_fmt_star_takes_width_from_arguments),
		cmocka_unit_test(test_fmt_precision_limits_string_length),
		cmocka_unit_test(test_fmt_precision_stops_at_limit_without_reading_further),
		cmocka_unit_test(test_fmt_precision_gives_minimum_digits_for_integers),
		cmocka_unit_test(test_fmt_s_prints_null_as_null),
		cmocka_unit_test(test_fmt_c_prints_one_char),
		cmocka_unit_test(test_fmt_p_prints_0x_and_16_hex_digits),
		cmocka_unit_test(test_fmt_hash_flag_prefixes_nonzero_hex),
		cmocka_unit_test(test_fmt_plus_and_space_flags_mark_positive_numbers),
		cmocka_unit_test(test_fmt_unknown_conversion_is_printed_verbatim),
		cmocka_unit_test(test_fmt_lone_percent_at_end_is_kept),
		cmocka_unit_test(test_fmt_snprintf_truncates_and_returns_full_length),
		cmocka_unit_test(test_fmt_snprintf_with_cap_zero_writes_nothing),
		cmocka_unit_test(test_fmt_snprintf_with_cap_one_writes_only_nul),
		cmocka_unit_test(test_fmt_vformat_hands_each_byte_to_the_sink),
		cmocka_unit_test(test_fmt_c_with_nul_emits_the_nul_byte),
		cmocka_unit_test(test_fmt_matches_libc_for_integer_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
