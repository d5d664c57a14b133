/* loader/txt.c: the bounded text writer keeps snprintf's rules — what does
 * not fit is counted, not written, the NUL always lands inside the buffer —
 * and its number formats are exact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "loader/txt.h"

static void test_txt_writes_what_fits_and_counts_the_rest(void **state)
{
	char buf[8];
	struct txt t = txt_init(buf, sizeof(buf));

	(void)state;
	memset(buf, 'x', sizeof(buf));
	txt_puts(&t, "runtime services");
	assert_int_equal(txt_end(&t), 16);
	assert_string_equal(buf, "runtime");	/* 7 characters and the NUL */
}

static void test_txt_ends_an_exact_fit_with_its_nul(void **state)
{
	char buf[5];
	struct txt t = txt_init(buf, sizeof(buf));

	(void)state;
	txt_puts(&t, "abcd");
	assert_int_equal(txt_end(&t), 4);
	assert_string_equal(buf, "abcd");
}

static void test_txt_with_no_room_writes_nothing_but_counts(void **state)
{
	char guard = 'g';
	struct txt t = txt_init(&guard, 0);

	(void)state;
	txt_puts(&t, "abc");
	txt_dec(&t, 12345);
	assert_int_equal(txt_end(&t), 8);
	assert_int_equal(guard, 'g');
}

static void test_txt_hex_pads_to_min_digits_in_either_case(void **state)
{
	char buf[64];
	struct txt t = txt_init(buf, sizeof(buf));

	(void)state;
	txt_hex(&t, 0xabc, 8);
	txt_putc(&t, ' ');
	txt_HEX(&t, 0xabc, 2);
	txt_putc(&t, ' ');
	txt_hex(&t, 0, 0);
	txt_putc(&t, ' ');
	txt_HEX(&t, UINT64_MAX, 1);
	assert_int_equal(txt_end(&t), strlen("00000abc ABC 0 FFFFFFFFFFFFFFFF"));
	assert_string_equal(buf, "00000abc ABC 0 FFFFFFFFFFFFFFFF");
}

static void test_txt_dec_writes_zero_and_the_largest_value(void **state)
{
	char buf[64];
	struct txt t = txt_init(buf, sizeof(buf));

	(void)state;
	txt_dec(&t, 0);
	txt_putc(&t, ' ');
	txt_dec(&t, UINT64_MAX);
	txt_end(&t);
	assert_string_equal(buf, "0 18446744073709551615");
}

static void test_txt_printf_appends_as_fmt_does_and_truncates_alike(void **state)
{
	char buf[16];
	struct txt t = txt_init(buf, sizeof(buf));

	(void)state;
	txt_puts(&t, "pa ");
	txt_printf(&t, "0x%lx, %u pages", 0x1f5ecUL << 12, 256U);
	assert_int_equal(txt_end(&t), strlen("pa 0x1f5ec000, 256 pages"));
	assert_string_equal(buf, "pa 0x1f5ec000, ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt_writes_what_fits_and_counts_the_rest),
		cmocka_unit_test(test_txt_ends_an_exact_fit_with_its_nul),
		cmocka_unit_test(test_txt_with_no_room_writes_nothing_but_counts),
		cmocka_unit_test(test_txt_hex_pads_to_min_digits_in_either_case),
		cmocka_unit_test(test_txt_dec_writes_zero_and_the_largest_value),
		cmocka_unit_test(test_txt_printf_appends_as_fmt_does_and_truncates_alike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
