/* hv/vm/dev/cmos_rtc.c against the MC146818A datasheet. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/cmos_rtc.h"

#define NS_PER_S 1000000000ull

static uint8_t reg(struct cmos_rtc *r, uint8_t i)
{
	rtc_write(r, RTC_PORT_INDEX, i);
	return rtc_read(r, RTC_PORT_DATA);
}

static void set_reg(struct cmos_rtc *r, uint8_t i, uint8_t v)
{
	rtc_write(r, RTC_PORT_INDEX, i);
	rtc_write(r, RTC_PORT_DATA, v);
}

/* 2026-12-06 21:07:59, a Sunday. */
static struct cmos_rtc started(void)
{
	struct cmos_rtc r;
	struct rtc_time t = { .year = 2026, .month = 12, .day = 6, .hour = 21,
			      .minute = 7, .second = 59 };

	assert_true(rtc_init(&r, &t));
	return r;
}

static void test_rtc_time_registers_read_in_bcd_by_default(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	assert_int_equal(reg(&r, 0x00), 0x59);
	assert_int_equal(reg(&r, 0x02), 0x07);
	assert_int_equal(reg(&r, 0x04), 0x21);
	assert_int_equal(reg(&r, 0x06), 1);	/* Sunday */
	assert_int_equal(reg(&r, 0x07), 0x06);
	assert_int_equal(reg(&r, 0x08), 0x12);
	assert_int_equal(reg(&r, 0x09), 0x26);
	assert_int_equal(reg(&r, 0x32), 0x20);
}

static void test_rtc_register_b_dm_selects_binary(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	set_reg(&r, 0x0B, 0x06);	/* binary, 24-hour */
	assert_int_equal(reg(&r, 0x00), 59);
	assert_int_equal(reg(&r, 0x04), 21);
	assert_int_equal(reg(&r, 0x09), 26);
	assert_int_equal(reg(&r, 0x32), 20);
}

static void test_rtc_twelve_hour_mode_sets_bit_7_for_pm(void **state)
{
	struct cmos_rtc r = started();
	struct rtc_time midnight = { .year = 2026, .month = 1, .day = 1 };

	(void)state;
	set_reg(&r, 0x0B, 0x00);	/* BCD, 12-hour */
	assert_int_equal(reg(&r, 0x04), 0x89);	/* 9 PM */
	set_reg(&r, 0x0B, 0x04);	/* binary, 12-hour */
	assert_int_equal(reg(&r, 0x04), 0x80 | 9);
	assert_true(rtc_init(&r, &midnight));
	set_reg(&r, 0x0B, 0x00);
	assert_int_equal(reg(&r, 0x04), 0x12);	/* 12 AM */
}

static void test_rtc_writes_to_the_time_are_ignored(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	set_reg(&r, 0x0B, 0x82);	/* SET, as a driver does before writing */
	for (uint8_t i = 0; i <= 0x09; i += (i == 0x00 || i == 0x02 || i == 0x04) ? 2 : 1)
		set_reg(&r, i, 0x11);
	set_reg(&r, 0x32, 0x19);
	set_reg(&r, 0x0B, 0x02);
	assert_int_equal(reg(&r, 0x00), 0x59);
	assert_int_equal(reg(&r, 0x04), 0x21);
	assert_int_equal(reg(&r, 0x07), 0x06);
	assert_int_equal(reg(&r, 0x09), 0x26);
	assert_int_equal(reg(&r, 0x32), 0x20);
}

static void test_rtc_time_advances_with_ticks_across_midnight_and_year(void **state)
{
	struct cmos_rtc r;
	struct rtc_time t = { .year = 2027, .month = 12, .day = 31, .hour = 23,
			      .minute = 59, .second = 58 };

	(void)state;
	assert_true(rtc_init(&r, &t));
	assert_int_equal(reg(&r, 0x06), 6);	/* a Friday */
	rtc_tick(&r, NS_PER_S);
	assert_int_equal(reg(&r, 0x00), 0x59);
	rtc_tick(&r, NS_PER_S);
	assert_int_equal(reg(&r, 0x00), 0x00);
	assert_int_equal(reg(&r, 0x02), 0x00);
	assert_int_equal(reg(&r, 0x04), 0x00);
	assert_int_equal(reg(&r, 0x07), 0x01);
	assert_int_equal(reg(&r, 0x08), 0x01);
	assert_int_equal(reg(&r, 0x09), 0x28);
	assert_int_equal(reg(&r, 0x06), 7);	/* Saturday */
}

static void test_rtc_february_29_exists_only_in_leap_years(void **state)
{
	struct cmos_rtc r;
	struct rtc_time leap = { .year = 2028, .month = 2, .day = 29 };
	struct rtc_time not_leap = { .year = 2100, .month = 2, .day = 29 };
	struct rtc_time end = { .year = 2000, .month = 2, .day = 28, .hour = 23,
				.minute = 59, .second = 59 };

	(void)state;
	assert_true(rtc_init(&r, &leap));
	assert_false(rtc_time_valid(&not_leap));
	assert_true(rtc_init(&r, &end));
	rtc_tick(&r, NS_PER_S);
	assert_int_equal(reg(&r, 0x08), 0x02);
	assert_int_equal(reg(&r, 0x07), 0x29);	/* 2000 is a leap year */
}

static void test_rtc_invalid_start_time_gives_the_fixed_epoch(void **state)
{
	struct cmos_rtc r;
	struct rtc_time bad = { .year = 2026, .month = 13, .day = 1 };

	(void)state;
	assert_false(rtc_init(&r, &bad));
	assert_int_equal(reg(&r, 0x09), 0x00);
	assert_int_equal(reg(&r, 0x32), 0x20);
	assert_int_equal(reg(&r, 0x08), 0x01);
	assert_int_equal(reg(&r, 0x07), 0x01);
	assert_int_equal(reg(&r, 0x06), 7);	/* 2000-01-01 was a Saturday */
	assert_false(rtc_init(&r, NULL));
}

static void test_rtc_uip_is_set_in_the_last_244_us_of_a_second(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	assert_int_equal(reg(&r, 0x0A), 0x26);
	rtc_tick(&r, NS_PER_S - 300000);
	assert_false(reg(&r, 0x0A) & 0x80);
	rtc_tick(&r, 100000);
	assert_true(reg(&r, 0x0A) & 0x80);
	rtc_tick(&r, 200000);
	assert_false(reg(&r, 0x0A) & 0x80);
	assert_int_equal(reg(&r, 0x02), 0x08);	/* 21:08:00 */
}

static void test_rtc_register_c_reports_update_ended_and_clears_on_read(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	rtc_tick(&r, NS_PER_S);
	/* PF is set at the register A rate whether or not PIE enables it. */
	assert_int_equal(reg(&r, 0x0C), 0x50);
	set_reg(&r, 0x0A, 0x20);	/* no periodic rate */
	rtc_tick(&r, NS_PER_S);
	/* UF without UIE: flagged, no IRQF. */
	assert_int_equal(reg(&r, 0x0C), 0x10);
	assert_int_equal(reg(&r, 0x0C), 0x00);
	set_reg(&r, 0x0B, 0x12);	/* UIE */
	rtc_tick(&r, NS_PER_S);
	assert_true(rtc_irq(&r));
	assert_int_equal(reg(&r, 0x0C), 0x90);
	assert_false(rtc_irq(&r));
}

static void test_rtc_set_bit_clears_uie(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	set_reg(&r, 0x0B, 0x92);
	assert_int_equal(reg(&r, 0x0B), 0x82);
}

static void test_rtc_periodic_interrupt_runs_at_the_register_a_rate(void **state)
{
	struct cmos_rtc r = started();
	unsigned irqs = 0;

	(void)state;
	set_reg(&r, 0x0B, 0x42);	/* PIE; rate 6 = 1024 Hz */
	for (int i = 0; i < 1000; i++) {
		rtc_tick(&r, NS_PER_S / 1000);
		if (rtc_irq(&r)) {
			irqs++;
			(void)reg(&r, 0x0C);
		}
	}
	/* 1024 periods in a second, at most one per millisecond seen. */
	assert_int_equal(irqs, 1000);
	set_reg(&r, 0x0A, 0x2F);	/* rate 15 = 2 Hz */
	irqs = 0;
	for (int i = 0; i < 1000; i++) {
		rtc_tick(&r, NS_PER_S / 1000);
		if (rtc_irq(&r)) {
			irqs++;
			(void)reg(&r, 0x0C);
		}
	}
	assert_int_equal(irqs, 2);
}

static void test_rtc_alarm_fires_when_the_time_matches_and_dont_care_matches_all(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	set_reg(&r, 0x01, 0x05);	/* seconds 05 */
	set_reg(&r, 0x03, 0x08);	/* minute 08 */
	set_reg(&r, 0x05, 0xC0);	/* any hour */
	set_reg(&r, 0x0B, 0x22);	/* AIE */
	rtc_tick(&r, 5 * NS_PER_S);	/* 21:08:04 */
	assert_false(rtc_irq(&r));
	rtc_tick(&r, NS_PER_S);		/* 21:08:05 */
	assert_true(rtc_irq(&r));
	assert_int_equal(reg(&r, 0x0C) & 0xA0, 0xA0);
}

static void test_rtc_register_d_reports_valid_ram_and_time(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	assert_int_equal(reg(&r, 0x0D), 0x80);
	set_reg(&r, 0x0D, 0x00);
	assert_int_equal(reg(&r, 0x0D), 0x80);
}

static void test_rtc_general_ram_keeps_bytes_and_the_index_masks_nmi(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	rtc_write(&r, RTC_PORT_INDEX, 0x80 | 0x40);
	rtc_write(&r, RTC_PORT_DATA, 0x5A);
	assert_true(r.nmi_masked);
	assert_int_equal(reg(&r, 0x40), 0x5A);
	assert_false(r.nmi_masked);
	assert_int_equal(rtc_read(&r, RTC_PORT_INDEX), 0xFF);
}

static void test_rtc_ns_to_irq_counts_to_the_next_enabled_flag(void **state)
{
	struct cmos_rtc r = started();

	(void)state;
	assert_int_equal(rtc_ns_to_irq(&r), UINT64_MAX);
	set_reg(&r, 0x0B, 0x12);	/* UIE */
	assert_int_equal(rtc_ns_to_irq(&r), NS_PER_S);
	set_reg(&r, 0x0B, 0x42);	/* PIE, 1024 Hz: 976,562.5 ns */
	assert_int_equal(rtc_ns_to_irq(&r), 976563);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtc_time_registers_read_in_bcd_by_default),
		cmocka_unit_test(test_rtc_register_b_dm_selects_binary),
		cmocka_unit_test(test_rtc_twelve_hour_mode_sets_bit_7_for_pm),
		cmocka_unit_test(test_rtc_writes_to_the_time_are_ignored),
		cmocka_unit_test(test_rtc_time_advances_with_ticks_across_midnight_and_year),
		cmocka_unit_test(test_rtc_february_29_exists_only_in_leap_years),
		cmocka_unit_test(test_rtc_invalid_start_time_gives_the_fixed_epoch),
		cmocka_unit_test(test_rtc_uip_is_set_in_the_last_244_us_of_a_second),
		cmocka_unit_test(test_rtc_register_c_reports_update_ended_and_clears_on_read),
		cmocka_unit_test(test_rtc_set_bit_clears_uie),
		cmocka_unit_test(test_rtc_periodic_interrupt_runs_at_the_register_a_rate),
		cmocka_unit_test(test_rtc_alarm_fires_when_the_time_matches_and_dont_care_matches_all),
		cmocka_unit_test(test_rtc_register_d_reports_valid_ram_and_time),
		cmocka_unit_test(test_rtc_general_ram_keeps_bytes_and_the_index_masks_nmi),
		cmocka_unit_test(test_rtc_ns_to_irq_counts_to_the_next_enabled_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
