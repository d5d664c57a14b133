/* rt/efitime.c: every EFI_TIME field against UEFI 2.10 §8.3.1's ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rt/efitime.h"

static struct efi_time good(void)
{
	struct efi_time t;

	memset(&t, 0, sizeof(t));
	t.year = 2024;
	t.month = 2;
	t.day = 29;
	t.hour = 23;
	t.minute = 59;
	t.second = 59;
	t.nanosecond = 999999999;
	t.time_zone = EFI_UNSPECIFIED_TIMEZONE;
	t.daylight = EFI_TIME_ADJUST_DAYLIGHT | EFI_TIME_IN_DAYLIGHT;
	return t;
}

static const char *problem(const struct efi_time *t)
{
	static char buf[64];

	efi_time_problem_text(t, buf, sizeof(buf));
	return buf;
}

static void test_efitime_days_in_month_knows_leap_years(void **state)
{
	(void)state;
	assert_int_equal(efi_time_days_in_month(2024, 2), 29);
	assert_int_equal(efi_time_days_in_month(2023, 2), 28);
	assert_int_equal(efi_time_days_in_month(1900, 2), 28);	/* century, not /400 */
	assert_int_equal(efi_time_days_in_month(2000, 2), 29);	/* /400 */
	assert_int_equal(efi_time_days_in_month(2023, 4), 30);
	assert_int_equal(efi_time_days_in_month(2023, 12), 31);
	assert_int_equal(efi_time_days_in_month(2023, 0), 0);
	assert_int_equal(efi_time_days_in_month(2023, 13), 0);
}

static void test_efitime_accepts_every_field_at_its_limits(void **state)
{
	struct efi_time t = good();

	(void)state;
	assert_int_equal(efi_time_check(&t), EFI_TIME_VALID);
	assert_string_equal(problem(&t), "");
	t.year = 1900, t.month = 1, t.day = 1, t.hour = 0, t.minute = 0, t.second = 0;
	t.nanosecond = 0, t.time_zone = -1440, t.daylight = 0;
	assert_int_equal(efi_time_check(&t), EFI_TIME_VALID);
	t.year = 9999, t.month = 12, t.day = 31, t.time_zone = 1440;
	assert_int_equal(efi_time_check(&t), EFI_TIME_VALID);
}

static void test_efitime_names_the_field_and_value_just_outside_each_range(void **state)
{
	struct efi_time t;

	(void)state;
	t = good(), t.year = 1899;
	assert_string_equal(problem(&t), "Year 1899");
	t = good(), t.year = 10000;
	assert_string_equal(problem(&t), "Year 10000");
	t = good(), t.month = 0;
	assert_string_equal(problem(&t), "Month 0");
	t = good(), t.month = 13;
	assert_string_equal(problem(&t), "Month 13");
	t = good(), t.day = 0;
	assert_string_equal(problem(&t), "Day 0");
	t = good(), t.year = 2023;			/* 29 February of a common year */
	assert_string_equal(problem(&t), "Day 29");
	t = good(), t.month = 4, t.day = 31;
	assert_string_equal(problem(&t), "Day 31");
	t = good(), t.hour = 24;
	assert_string_equal(problem(&t), "Hour 24");
	t = good(), t.minute = 60;
	assert_string_equal(problem(&t), "Minute 60");
	t = good(), t.second = 60;
	assert_string_equal(problem(&t), "Second 60");
	t = good(), t.nanosecond = 1000000000;
	assert_string_equal(problem(&t), "Nanosecond 1000000000");
	t = good(), t.time_zone = -1441;
	assert_string_equal(problem(&t), "TimeZone -1441");
	t = good(), t.time_zone = 1441;
	assert_string_equal(problem(&t), "TimeZone 1441");
	t = good(), t.time_zone = 2046;
	assert_string_equal(problem(&t), "TimeZone 2046");
	t = good(), t.daylight = 0x04;
	assert_string_equal(problem(&t), "Daylight 0x04");
	t = good(), t.daylight = 0x83;
	assert_int_equal(efi_time_check(&t), EFI_TIME_DAYLIGHT);
}

static void test_efitime_reports_the_first_bad_field_in_spec_order(void **state)
{
	struct efi_time t = good();

	(void)state;
	t.month = 13, t.day = 0, t.hour = 25;	/* what a broken RTC driver returns */
	assert_int_equal(efi_time_check(&t), EFI_TIME_MONTH);
	assert_string_equal(problem(&t), "Month 13");
	t.month = 1;
	assert_string_equal(problem(&t), "Day 0");
	t.day = 1;
	assert_string_equal(problem(&t), "Hour 25");
	assert_string_equal(efi_time_field_name(EFI_TIME_TIMEZONE), "TimeZone");
	assert_string_equal(efi_time_field_name((enum efi_time_field)99), "?");
}

static void test_efitime_problem_text_keeps_to_its_buffer(void **state)
{
	struct efi_time t = good();
	char buf[6];

	(void)state;
	t.nanosecond = 4000000000u;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(efi_time_problem_text(&t, buf, sizeof(buf)),
			 strlen("Nanosecond 4000000000"));
	assert_string_equal(buf, "Nanos");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efitime_days_in_month_knows_leap_years),
		cmocka_unit_test(test_efitime_accepts_every_field_at_its_limits),
		cmocka_unit_test(test_efitime_names_the_field_and_value_just_outside_each_range),
		cmocka_unit_test(test_efitime_reports_the_first_bad_field_in_spec_order),
		cmocka_unit_test(test_efitime_problem_text_keeps_to_its_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
