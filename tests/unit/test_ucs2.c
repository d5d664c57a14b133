/* Host tests for rt/ucs2.c: UTF-16LE <-> UTF-8 / ASCII with bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/ucs2.h"

#define CANARY 0xA5

static void test_ucs2_len_stops_at_nul_or_max(void **state)
{
	static const uint16_t s[] = { 'a', 'b', 'c', 0, 'd' };
	(void)state;
	assert_int_equal(ucs2_len(s, 5), 3);
	assert_int_equal(ucs2_len(s, 2), 2);
	assert_int_equal(ucs2_len(s, 0), 0);
}

static void test_ucs2_len_bytes_reads_unaligned_buffer(void **state)
{
	/* "hi" NUL starting at an odd address */
	static const uint8_t raw[] = { 0xFF, 'h', 0, 'i', 0, 0, 0, 'x', 0 };
	(void)state;
	assert_int_equal(ucs2_len_bytes(raw + 1, 8), 2);
	assert_int_equal(ucs2_len_bytes(raw + 1, 3), 1); /* odd byte ignored */
	assert_int_equal(ucs2_load(raw + 1), 'h');
	assert_int_equal(ucs2_load((const uint8_t *)"\x3d\xd8"), 0xD83D);
}

static void test_ucs2_cmp_orders_by_code_unit(void **state)
{
	static const uint16_t a[] = { 'B', 'o', 'o', 't', 0 };
	static const uint16_t b[] = { 'B', 'o', 'o', 't', '1', 0 };
	static const uint16_t c[] = { 'B', 'o', 'o', 't', 0 };
	(void)state;
	assert_int_equal(ucs2_cmp(a, c, 16), 0);
	assert_true(ucs2_cmp(a, b, 16) < 0);
	assert_true(ucs2_cmp(b, a, 16) > 0);
	assert_int_equal(ucs2_cmp(a, b, 4), 0); /* equal within max */
}

static void test_ucs2_from_ascii_copies_and_terminates(void **state)
{
	uint16_t d[8];
	(void)state;
	memset(d, 0xFF, sizeof(d));
	assert_int_equal(ucs2_from_ascii(d, 8, "Boot", 4), 4);
	assert_int_equal(d[0], 'B');
	assert_int_equal(d[3], 't');
	assert_int_equal(d[4], 0);
	assert_int_equal(d[5], 0xFFFF);
}

static void test_ucs2_from_ascii_truncates_and_reports_needed(void **state)
{
	uint16_t d[3] = { 0xFFFF, 0xFFFF, 0xFFFF };
	(void)state;
	assert_int_equal(ucs2_from_ascii(d, 2, "Boot", 4), 4);
	assert_int_equal(d[0], 'B');
	assert_int_equal(d[1], 0);
	assert_int_equal(d[2], 0xFFFF);
	assert_int_equal(ucs2_from_ascii(NULL, 0, "Boot", 4), 4);
	/* NUL inside len stops, a non-ASCII byte becomes U+FFFD */
	assert_int_equal(ucs2_from_ascii(d, 3, "a\0b", 3), 1);
	assert_int_equal(ucs2_from_ascii(d, 3, "\xE9", 1), 1);
	assert_int_equal(d[0], 0xFFFD);
}

static void test_ucs2_to_utf8_encodes_bmp_and_pairs(void **state)
{
	/* "aé€😀" */
	static const uint16_t s[] = { 'a', 0x00E9, 0x20AC, 0xD83D, 0xDE00, 0 };
	char buf[32];
	(void)state;
	assert_int_equal(ucs2_to_utf8(s, 6, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

static void test_ucs2_to_utf8_replaces_lone_surrogates(void **state)
{
	static const uint16_t s[] = { 0xD800, 'x', 0xDC00, 0 };
	static const uint16_t hi_at_end[] = { 'a', 0xD83D };
	char buf[32];
	(void)state;
	assert_int_equal(ucs2_to_utf8(s, 4, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "\xEF\xBF\xBDx\xEF\xBF\xBD");
	assert_int_equal(ucs2_to_utf8(hi_at_end, 2, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "a\xEF\xBF\xBD");
}

static void test_ucs2_to_utf8_truncates_at_whole_sequences(void **state)
{
	static const uint16_t s[] = { 'a', 0x20AC, 'b', 0 };
	char buf[8];
	(void)state;
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ucs2_to_utf8(s, 4, buf, 3), 5); /* "a" + 3-byte € does not fit */
	assert_string_equal(buf, "a");
	assert_int_equal((uint8_t)buf[3], CANARY);
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ucs2_to_utf8(s, 4, buf, 5), 5); /* 'b' must not follow a gap */
	assert_string_equal(buf, "a\xE2\x82\xAC");
	assert_int_equal((uint8_t)buf[5], CANARY);
	assert_int_equal(ucs2_to_utf8(s, 4, buf, 6), 5);
	assert_string_equal(buf, "a\xE2\x82\xAC" "b");
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ucs2_to_utf8(s, 4, buf, 1), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal((uint8_t)buf[1], CANARY);
	assert_int_equal(ucs2_to_utf8(s, 4, NULL, 0), 5);
}

static void test_ucs2_to_ascii_marks_non_printable(void **state)
{
	static const uint16_t s[] = { 'O', 'K', 0x0A, 0x00E9, 0xD83D, 0xDE00, '~', 0 };
	char buf[16];
	(void)state;
	assert_int_equal(ucs2_to_ascii(s, 8, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "OK???~");
}

static void test_ucs2_bytes_to_utf8_reads_unaligned(void **state)
{
	static const uint8_t raw[] = { 0, 'U', 0, 'E', 0, 0xE9, 0, 0, 0, 'z', 0 };
	char buf[16];
	(void)state;
	assert_int_equal(ucs2_bytes_to_utf8(raw + 1, 10, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "UE\xC3\xA9");
	assert_int_equal(ucs2_bytes_to_ascii(raw + 1, 10, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "UE?");
	assert_int_equal(ucs2_bytes_to_ascii(raw + 1, 3, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "U");
}

static void test_ucs2_from_utf8_round_trips(void **state)
{
	static const char s[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	uint16_t d[8];
	char back[32];
	size_t n = 99;
	(void)state;
	assert_null(ucs2_from_utf8(s, sizeof(s) - 1, d, 8, &n));
	assert_int_equal(n, 5);
	assert_int_equal(d[0], 'a');
	assert_int_equal(d[1], 0xE9);
	assert_int_equal(d[2], 0x20AC);
	assert_int_equal(d[3], 0xD83D);
	assert_int_equal(d[4], 0xDE00);
	assert_int_equal(d[5], 0);
	ucs2_to_utf8(d, 8, back, sizeof(back));
	assert_string_equal(back, s);
}

static void test_ucs2_from_utf8_rejects_invalid_sequences(void **state)
{
	static const char *const bad[] = {
		"\x80",		    /* lone continuation */
		"\xC0\xAF",	    /* overlong '/' */
		"\xE0\x80\xAF",	    /* overlong */
		"\xED\xA0\x80",	    /* encoded surrogate */
		"\xF4\x90\x80\x80", /* above U+10FFFF */
		"\xE2\x82",	    /* truncated */
		"\xC3\x28",	    /* bad continuation */
		"\xFF",
	};
	uint16_t d[8];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(ucs2_from_utf8(bad[i], strlen(bad[i]), d, 8, NULL),
				    "invalid UTF-8");
}

static void test_ucs2_from_utf8_needs_room_for_nul(void **state)
{
	uint16_t d[4] = { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF };
	(void)state;
	assert_string_equal(ucs2_from_utf8("abc", 3, d, 3, NULL), "string too long");
	assert_null(ucs2_from_utf8("abc", 3, d, 4, NULL));
	assert_int_equal(d[3], 0);
	assert_string_equal(ucs2_from_utf8("", 0, d, 0, NULL), "string too long");
	/* a pair does not fit in the last free unit */
	assert_string_equal(ucs2_from_utf8("\xF0\x9F\x98\x80", 4, d, 2, NULL),
			    "string too long");
}

static void test_ucs2_encoders_reject_surrogates_and_out_of_range(void **state)
{
	uint8_t b[4];
	uint16_t u[2];
	(void)state;
	assert_int_equal(ucs2_utf8_encode(0xD800, b), 0);
	assert_int_equal(ucs2_utf8_encode(0x110000, b), 0);
	assert_int_equal(ucs2_utf16_encode(0xDFFF, u), 0);
	assert_int_equal(ucs2_utf16_encode(0x110000, u), 0);
	assert_int_equal(ucs2_utf16_encode(0x10FFFF, u), 2);
	assert_int_equal(u[0], 0xDBFF);
	assert_int_equal(u[1], 0xDFFF);
	assert_int_equal(ucs2_utf8_encode(0x7FF, b), 2);
	assert_int_equal(ucs2_utf8_encode(0xFFFF, b), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ucs2_len_stops_at_nul_or_max),
		cmocka_unit_test(test_ucs2_len_bytes_reads_unaligned_buffer),
		cmocka_unit_test(test_ucs2_cmp_orders_by_code_unit),
		cmocka_unit_test(test_ucs2_from_ascii_copies_and_terminates),
		cmocka_unit_test(test_ucs2_from_ascii_truncates_and_reports_needed),
		cmocka_unit_test(test_ucs2_to_utf8_encodes_bmp_and_pairs),
		cmocka_unit_test(test_ucs2_to_utf8_replaces_lone_surrogates),
		cmocka_unit_test(test_ucs2_to_utf8_truncates_at_whole_sequences),
		cmocka_unit_test(test_ucs2_to_ascii_marks_non_printable),
		cmocka_unit_test(test_ucs2_bytes_to_utf8_reads_unaligned),
		cmocka_unit_test(test_ucs2_from_utf8_round_trips),
		cmocka_unit_test(test_ucs2_from_utf8_rejects_invalid_sequences),
		cmocka_unit_test(test_ucs2_from_utf8_needs_room_for_nul),
		cmocka_unit_test(test_ucs2_encoders_reject_surrogates_and_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
