/* Host tests for rt/rtfmt.c: dates, repeated data literals, Boot####, and
 * the boot edits (boot next/order/active/inactive). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/rtfmt.h"

static struct efi_time base_time(void)
{
	struct efi_time t;

	memset(&t, 0, sizeof(t));
	t.year = 2024;
	t.month = 1;
	t.day = 1;
	t.time_zone = 60;
	t.daylight = EFI_TIME_ADJUST_DAYLIGHT;
	t.nanosecond = 123;
	return t;
}

static void test_rtfmt_time_parse_sets_date_and_keeps_zone(void **state)
{
	struct efi_time t = base_time();

	(void)state;
	assert_null(rtfmt_time_parse("2028-02-29", "23:59:58", &t));
	assert_int_equal(t.year, 2028);
	assert_int_equal(t.month, 2);
	assert_int_equal(t.day, 29);
	assert_int_equal(t.hour, 23);
	assert_int_equal(t.minute, 59);
	assert_int_equal(t.second, 58);
	assert_int_equal(t.time_zone, 60);
	assert_int_equal(t.daylight, EFI_TIME_ADJUST_DAYLIGHT);
	assert_int_equal(t.nanosecond, 123);
}

static void test_rtfmt_time_parse_rejects_bad_fields_and_leaves_time(void **state)
{
	struct efi_time t = base_time(), before = base_time();

	(void)state;
	assert_string_equal(rtfmt_time_parse("2023-02-29", "00:00:00", &t),
			    "day out of range for the month");
	assert_string_equal(rtfmt_time_parse("2023-04-31", "00:00:00", &t),
			    "day out of range for the month");
	assert_string_equal(rtfmt_time_parse("2023-13-01", "00:00:00", &t),
			    "month out of range (1-12)");
	assert_string_equal(rtfmt_time_parse("2023-00-01", "00:00:00", &t),
			    "month out of range (1-12)");
	assert_string_equal(rtfmt_time_parse("2023-01-00", "00:00:00", &t),
			    "day out of range for the month");
	assert_string_equal(rtfmt_time_parse("1899-12-31", "00:00:00", &t),
			    "year out of range (1900-9999)");
	assert_string_equal(rtfmt_time_parse("2023-01-01", "24:00:00", &t),
			    "hour out of range (0-23)");
	assert_string_equal(rtfmt_time_parse("2023-01-01", "00:60:00", &t),
			    "minute out of range (0-59)");
	assert_string_equal(rtfmt_time_parse("2023-01-01", "00:00:60", &t),
			    "second out of range (0-59)");
	assert_memory_equal(&t, &before, sizeof(t));
}

static void test_rtfmt_time_parse_wants_exact_shapes(void **state)
{
	struct efi_time t = base_time();

	(void)state;
	assert_string_equal(rtfmt_time_parse("2023-1-01", "00:00:00", &t),
			    "date must be YYYY-MM-DD");
	assert_string_equal(rtfmt_time_parse("2023/01/01", "00:00:00", &t),
			    "date must be YYYY-MM-DD");
	assert_string_equal(rtfmt_time_parse("2023-01-0x", "00:00:00", &t),
			    "date must be YYYY-MM-DD");
	assert_string_equal(rtfmt_time_parse("2023-01-011", "00:00:00", &t),
			    "date must be YYYY-MM-DD");
	assert_string_equal(rtfmt_time_parse("2023-01-01", "0:00:00", &t),
			    "time must be HH:MM:SS");
	assert_string_equal(rtfmt_time_parse("2023-01-01", "00-00-00", &t),
			    "time must be HH:MM:SS");
	assert_string_equal(rtfmt_time_parse("2023-01-01", "", &t), "time must be HH:MM:SS");
}

static void test_rtfmt_time_check_judges_zone_daylight_and_nanoseconds(void **state)
{
	struct efi_time t = base_time();

	(void)state;
	assert_null(rtfmt_time_check(&t));
	t.time_zone = EFI_UNSPECIFIED_TIMEZONE;
	assert_null(rtfmt_time_check(&t));
	t.time_zone = -1440;
	assert_null(rtfmt_time_check(&t));
	t.time_zone = 1441;
	assert_string_equal(rtfmt_time_check(&t), "time zone out of range");
	t = base_time();
	t.daylight = 0x04;
	assert_string_equal(rtfmt_time_check(&t), "unknown daylight bits");
	t = base_time();
	t.nanosecond = 1000000000u;
	assert_string_equal(rtfmt_time_check(&t), "nanosecond out of range");
}

static void test_rtfmt_time_format_pads_fields(void **state)
{
	struct efi_time t = base_time();
	char buf[32];

	(void)state;
	t.hour = 7;
	t.minute = 5;
	t.second = 9;
	assert_int_equal(rtfmt_time_format(&t, buf, sizeof(buf)), 19);
	assert_string_equal(buf, "2024-01-01 07:05:09");
	assert_int_equal(rtfmt_time_format(&t, buf, 5), 19);
	assert_string_equal(buf, "2024");
}

static void test_rtfmt_time_seconds_counts_across_boundaries(void **state)
{
	struct efi_time a = base_time(), b = base_time();

	(void)state;
	a.year = 1900;
	assert_int_equal(rtfmt_time_seconds(&a), 0);
	/* 2023-12-31 23:59:59 -> 2024-01-01 00:00:00 is one second. */
	a.year = 2023, a.month = 12, a.day = 31, a.hour = 23, a.minute = 59, a.second = 59;
	b.year = 2024, b.month = 1, b.day = 1;
	assert_int_equal(rtfmt_time_seconds(&b) - rtfmt_time_seconds(&a), 1);
	/* 2024 is a leap year: Feb 28 -> Mar 1 is two days. */
	a = base_time(), b = base_time();
	a.month = 2, a.day = 28;
	b.month = 3, b.day = 1;
	assert_int_equal(rtfmt_time_seconds(&b) - rtfmt_time_seconds(&a), 2 * 86400);
	/* 1970-01-01 is 2208988800 s after 1900-01-01 (the NTP epoch offset). */
	a = base_time();
	a.year = 1970;
	assert_int_equal(rtfmt_time_seconds(&a), 2208988800LL);
}

static void test_rtfmt_tz_format_signs_and_specials(void **state)
{
	char buf[32];

	(void)state;
	rtfmt_tz_format(60, buf, sizeof(buf));
	assert_string_equal(buf, "UTC+01:00");
	rtfmt_tz_format(-330, buf, sizeof(buf));
	assert_string_equal(buf, "UTC-05:30");
	rtfmt_tz_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "UTC+00:00");
	rtfmt_tz_format(1440, buf, sizeof(buf));
	assert_string_equal(buf, "UTC+24:00");
	rtfmt_tz_format(EFI_UNSPECIFIED_TIMEZONE, buf, sizeof(buf));
	assert_string_equal(buf, "unspecified");
	rtfmt_tz_format(2000, buf, sizeof(buf));
	assert_string_equal(buf, "invalid (2000)");
}

static void test_rtfmt_daylight_format_lists_bits(void **state)
{
	char buf[32];

	(void)state;
	rtfmt_daylight_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	rtfmt_daylight_format(1, buf, sizeof(buf));
	assert_string_equal(buf, "adjust");
	rtfmt_daylight_format(2, buf, sizeof(buf));
	assert_string_equal(buf, "in-daylight");
	rtfmt_daylight_format(3, buf, sizeof(buf));
	assert_string_equal(buf, "adjust,in-daylight");
	assert_int_equal(rtfmt_daylight_format(0x81, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "adjust,0x80");
	assert_int_equal(rtfmt_daylight_format(3, buf, 4), 18);
	assert_string_equal(buf, "adj");
}

static void test_rtfmt_data_parse_without_count_is_efivar(void **state)
{
	uint8_t out[16];
	size_t n = 0;

	(void)state;
	assert_null(rtfmt_data_parse("0a0b", 4, out, sizeof(out), &n));
	assert_int_equal(n, 2);
	assert_int_equal(out[1], 0x0b);
	/* A '*' inside quotes is text. */
	assert_null(rtfmt_data_parse("\"a*2\"", 5, out, sizeof(out), &n));
	assert_int_equal(n, 3);
	assert_memory_equal(out, "a*2", 3);
	assert_null(rtfmt_data_parse("\"x*3\"*2", 7, out, sizeof(out), &n));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "x*3x*3", 6);
}

static void test_rtfmt_data_parse_repeats_each_literal_kind(void **state)
{
	static const uint8_t wide[] = { 'a', 0, 0, 0, 'a', 0, 0, 0 };
	uint8_t out[64];
	size_t n = 0;

	(void)state;
	assert_null(rtfmt_data_parse("0102*3", 6, out, sizeof(out), &n));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "\x01\x02\x01\x02\x01\x02", 6);
	assert_null(rtfmt_data_parse("\"ab\"*2", 6, out, sizeof(out), &n));
	assert_int_equal(n, 4);
	assert_memory_equal(out, "abab", 4);
	assert_null(rtfmt_data_parse("u\"a\"*2", 6, out, sizeof(out), &n));
	assert_int_equal(n, 8);
	assert_memory_equal(out, wide, 8);
	assert_null(rtfmt_data_parse("ff*64", 5, out, sizeof(out), &n));
	assert_int_equal(n, 64);
	assert_int_equal(out[63], 0xff);
}

static void test_rtfmt_data_parse_bounds_the_count(void **state)
{
	uint8_t out[8];
	size_t n = 99;

	(void)state;
	assert_string_equal(rtfmt_data_parse("0102*0", 6, out, sizeof(out), &n),
			    "repeat count must be at least 1");
	assert_string_equal(rtfmt_data_parse("0102*5", 6, out, sizeof(out), &n), "data too large");
	assert_string_equal(rtfmt_data_parse("01*99999999999999999999999", strlen("01*99999999999999999999999"), out, sizeof(out), &n),
			    "data too large");
	assert_int_equal(n, 99);
	assert_null(rtfmt_data_parse("0102*4", 6, out, sizeof(out), &n));
	assert_int_equal(n, 8);
}

static void test_rtfmt_data_parse_reports_the_literal_error(void **state)
{
	uint8_t out[8];
	size_t n;

	(void)state;
	assert_string_equal(rtfmt_data_parse("012*2", 5, out, sizeof(out), &n),
			    "odd number of hex digits");
	assert_string_equal(rtfmt_data_parse("\"ab*2", 5, out, sizeof(out), &n),
			    "unterminated string");
	assert_string_equal(rtfmt_data_parse("*2", 2, out, sizeof(out), &n), "invalid hex digit");
	assert_string_equal(rtfmt_data_parse("0g*2", 4, out, sizeof(out), &n), "invalid hex digit");
	assert_string_equal(rtfmt_data_parse("01*", 3, out, sizeof(out), &n), "invalid hex digit");
	assert_string_equal(rtfmt_data_parse("01*x", 4, out, sizeof(out), &n), "invalid hex digit");
}

static void test_rtfmt_boot_number_takes_only_boot_hex4(void **state)
{
	static const uint16_t b0[] = { 'B', 'o', 'o', 't', '0', '0', '0', 'A', 0 };
	static const uint16_t b1[] = { 'B', 'o', 'o', 't', 'f', 'f', 'f', 'f', 0 };
	static const uint16_t order[] = { 'B', 'o', 'o', 't', 'O', 'r', 'd', 'e', 'r', 0 };
	static const uint16_t longer[] = { 'B', 'o', 'o', 't', '0', '0', '0', '0', '1', 0 };
	static const uint16_t shorter[] = { 'B', 'o', 'o', 't', '0', '0', '0', 0 };
	static const uint16_t driver[] = { 'D', 'r', 'i', 'v', 'e', 'r', '0', '0', '0', '0', 0 };

	(void)state;
	assert_int_equal(rtfmt_boot_number(b0, 16), 10);
	assert_int_equal(rtfmt_boot_number(b1, 16), 0xffff);
	assert_int_equal(rtfmt_boot_number(b0, 8), 10);	/* no room for a NUL: still a name */
	assert_int_equal(rtfmt_boot_number(order, 16), -1);
	assert_int_equal(rtfmt_boot_number(longer, 16), -1);
	assert_int_equal(rtfmt_boot_number(shorter, 16), -1);
	assert_int_equal(rtfmt_boot_number(driver, 16), -1);
	assert_int_equal(rtfmt_boot_number(b0, 7), -1);
}

static void test_rtfmt_boot_order_format_lists_upper_hex(void **state)
{
	static const uint8_t order[] = { 0x00, 0x00, 0x0a, 0x00, 0xcd, 0xab, 0x01 };
	char buf[32];

	(void)state;
	assert_int_equal(rtfmt_boot_order_format(order, 6, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "0000,000A,ABCD");
	assert_int_equal(rtfmt_boot_order_format(order, 7, buf, sizeof(buf)), 14);
	assert_int_equal(rtfmt_boot_order_format(order, 6, buf, 7), 14);
	assert_string_equal(buf, "0000,0");
	assert_int_equal(rtfmt_boot_order_format(order, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* ---------------------------------------------------------------- boot edits */

static void test_rtfmt_boot_number_parse_takes_1_to_4_hex_digits(void **state)
{
	uint16_t n = 0;

	(void)state;
	assert_null(rtfmt_boot_number_parse("3", &n));
	assert_int_equal(n, 3);
	assert_null(rtfmt_boot_number_parse("0003", &n));
	assert_int_equal(n, 3);
	assert_null(rtfmt_boot_number_parse("1a2B", &n));
	assert_int_equal(n, 0x1A2B);
	assert_null(rtfmt_boot_number_parse("FFFF", &n));
	assert_int_equal(n, 0xFFFF);
}

static void test_rtfmt_boot_number_parse_rejects_bad_hex(void **state)
{
	static const char *const bad[] = { "", "00003", "0x3", "g", "12 ", "-1", "Boot0003" };
	uint16_t n = 77;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(rtfmt_boot_number_parse(bad[i], &n),
				    "boot option must be 1 to 4 hex digits");
	assert_int_equal(n, 77);
}

static void test_rtfmt_boot_order_parse_keeps_the_order_given(void **state)
{
	uint16_t o[8];
	size_t n = 99, bad = 99;
	uint8_t bytes[16];

	(void)state;
	assert_null(rtfmt_boot_order_parse("0003,1,a,0002", o, 8, &n, &bad));
	assert_int_equal(n, 4);
	assert_int_equal(o[0], 3);
	assert_int_equal(o[1], 1);
	assert_int_equal(o[2], 0xA);
	assert_int_equal(o[3], 2);
	assert_int_equal(rtfmt_boot_order_store(o, n, bytes), 8);
	assert_memory_equal(bytes, "\x03\x00\x01\x00\x0a\x00\x02\x00", 8);
	assert_null(rtfmt_boot_order_parse("12AB", o, 8, &n, &bad));
	assert_int_equal(n, 1);
	assert_int_equal(rtfmt_boot_order_store(o, n, bytes), 2);
	assert_memory_equal(bytes, "\xab\x12", 2);
}

static void test_rtfmt_boot_order_parse_names_the_bad_entry(void **state)
{
	uint16_t o[4];
	size_t n = 99, bad = 99;

	(void)state;
	assert_string_equal(rtfmt_boot_order_parse("0001,0002,0001", o, 4, &n, &bad),
			    "boot option listed twice");
	assert_int_equal(bad, 2);
	assert_int_equal(n, 0);
	assert_string_equal(rtfmt_boot_order_parse("0001,xyz", o, 4, &n, &bad),
			    "boot option must be 1 to 4 hex digits");
	assert_int_equal(bad, 1);
	assert_string_equal(rtfmt_boot_order_parse("0001,,0002", o, 4, &n, &bad),
			    "boot option must be 1 to 4 hex digits");
	assert_int_equal(bad, 1);
	assert_string_equal(rtfmt_boot_order_parse("0001,", o, 4, &n, &bad),
			    "boot option must be 1 to 4 hex digits");
	assert_int_equal(bad, 1);
	assert_string_equal(rtfmt_boot_order_parse("", o, 4, &n, &bad),
			    "boot option must be 1 to 4 hex digits");
	assert_int_equal(bad, 0);
	assert_string_equal(rtfmt_boot_order_parse("1,2,3,4,5", o, 4, &n, &bad),
			    "too many boot options");
	assert_int_equal(bad, 4);
	assert_null(rtfmt_boot_order_parse("1,2,3,4", o, 4, &n, &bad));
	assert_int_equal(n, 4);
}

static void test_rtfmt_set_active_flips_only_bit_0(void **state)
{
	/* Attributes 0x0000_0109 (active, force-reconnect, app category),
	 * a path length, a description, a path, optional data. */
	uint8_t opt[] = { 0x09, 0x01, 0x00, 0x00, 0x04, 0x00, 'A', 0, 0, 0,
			  0x7f, 0xff, 0x04, 0x00, 0xde, 0xad };
	uint8_t want[sizeof(opt)];
	bool changed = false;

	(void)state;
	memcpy(want, opt, sizeof(opt));
	want[0] = 0x08;
	assert_null(rtfmt_load_option_set_active(opt, sizeof(opt), false, &changed));
	assert_true(changed);
	assert_memory_equal(opt, want, sizeof(opt));
	assert_null(rtfmt_load_option_set_active(opt, sizeof(opt), false, &changed));
	assert_false(changed);
	assert_memory_equal(opt, want, sizeof(opt));
	want[0] = 0x09;
	assert_null(rtfmt_load_option_set_active(opt, sizeof(opt), true, &changed));
	assert_true(changed);
	assert_memory_equal(opt, want, sizeof(opt));
}

static void test_rtfmt_set_active_refuses_a_truncated_option(void **state)
{
	uint8_t opt[5] = { 1, 2, 3, 4, 5 };
	bool changed = true;

	(void)state;
	assert_string_equal(rtfmt_load_option_set_active(opt, sizeof(opt), false, &changed),
			    "load option shorter than its header");
	assert_memory_equal(opt, "\x01\x02\x03\x04\x05", 5);
}

static void test_rtfmt_rflags_names_lists_the_guarded_bits(void **state)
{
	char buf[32];

	(void)state;
	/* What hvfwsim's df mode leaves: DF, IF, AC and the reserved bit 1. */
	assert_int_equal(rtfmt_rflags_names(0x40602, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "DF IF AC");
	assert_int_equal(rtfmt_rflags_names(RFLAGS_TF | 0x2 | 0x1, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "TF");
	assert_int_equal(rtfmt_rflags_names(0x2, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "none");
	assert_int_equal(rtfmt_rflags_names(RT_RFLAGS_GUARDED, buf, 6), 11);
	assert_string_equal(buf, "DF IF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtfmt_time_parse_sets_date_and_keeps_zone),
		cmocka_unit_test(test_rtfmt_time_parse_rejects_bad_fields_and_leaves_time),
		cmocka_unit_test(test_rtfmt_time_parse_wants_exact_shapes),
		cmocka_unit_test(test_rtfmt_time_check_judges_zone_daylight_and_nanoseconds),
		cmocka_unit_test(test_rtfmt_time_format_pads_fields),
		cmocka_unit_test(test_rtfmt_time_seconds_counts_across_boundaries),
		cmocka_unit_test(test_rtfmt_tz_format_signs_and_specials),
		cmocka_unit_test(test_rtfmt_daylight_format_lists_bits),
		cmocka_unit_test(test_rtfmt_data_parse_without_count_is_efivar),
		cmocka_unit_test(test_rtfmt_data_parse_repeats_each_literal_kind),
		cmocka_unit_test(test_rtfmt_data_parse_bounds_the_count),
		cmocka_unit_test(test_rtfmt_data_parse_reports_the_literal_error),
		cmocka_unit_test(test_rtfmt_boot_number_takes_only_boot_hex4),
		cmocka_unit_test(test_rtfmt_boot_order_format_lists_upper_hex),
		cmocka_unit_test(test_rtfmt_boot_number_parse_takes_1_to_4_hex_digits),
		cmocka_unit_test(test_rtfmt_boot_number_parse_rejects_bad_hex),
		cmocka_unit_test(test_rtfmt_boot_order_parse_keeps_the_order_given),
		cmocka_unit_test(test_rtfmt_boot_order_parse_names_the_bad_entry),
		cmocka_unit_test(test_rtfmt_set_active_flips_only_bit_0),
		cmocka_unit_test(test_rtfmt_set_active_refuses_a_truncated_option),
		cmocka_unit_test(test_rtfmt_rflags_names_lists_the_guarded_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
