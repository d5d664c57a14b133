/* rt/rt_deadline.c: which services are writes, and the deadline and notice
 * each gets (README "Runtime-call deadlines"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rt/rt.h"

static const struct rt_deadlines defaults = { .read_ms = 10000, .write_ms = 60000 };

static void test_rt_deadline_writes_are_the_services_that_can_program_flash(void **state)
{
	static const enum rt_svc writes[] = {
		RT_SET_TIME, RT_SET_WAKEUP_TIME, RT_SET_VARIABLE,
		RT_GET_NEXT_HIGH_MONOTONIC_COUNT, RT_UPDATE_CAPSULE,
	};
	unsigned nwrites = 0;

	(void)state;
	for (unsigned i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		assert_int_equal(rt_svc_kind(writes[i]), RT_SVC_WRITE);
	for (int s = 0; s < RT_SVC_COUNT; s++)
		nwrites += rt_svc_kind(s) == RT_SVC_WRITE;
	assert_int_equal(nwrites, sizeof(writes) / sizeof(writes[0]));
}

static void test_rt_deadline_reads_get_the_read_deadline(void **state)
{
	(void)state;
	assert_int_equal(rt_deadline_ms(&defaults, RT_GET_TIME), 10000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_GET_VARIABLE), 10000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_GET_NEXT_VARIABLE_NAME), 10000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_QUERY_VARIABLE_INFO), 10000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_GET_WAKEUP_TIME), 10000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_QUERY_CAPSULE_CAPABILITIES), 10000);
}

static void test_rt_deadline_resetsystem_is_held_to_the_read_deadline(void **state)
{
	(void)state;
	assert_int_equal(rt_svc_kind(RT_RESET_SYSTEM), RT_SVC_READ);
	assert_int_equal(rt_deadline_ms(&defaults, RT_RESET_SYSTEM), 10000);
}

static void test_rt_deadline_writes_get_the_write_deadline(void **state)
{
	(void)state;
	assert_int_equal(rt_deadline_ms(&defaults, RT_SET_VARIABLE), 60000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_SET_TIME), 60000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_SET_WAKEUP_TIME), 60000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_UPDATE_CAPSULE), 60000);
	assert_int_equal(rt_deadline_ms(&defaults, RT_GET_NEXT_HIGH_MONOTONIC_COUNT), 60000);
}

static void test_rt_deadline_follows_the_configured_figures(void **state)
{
	struct rt_deadlines d = { .read_ms = 500, .write_ms = 3000 };

	(void)state;
	assert_int_equal(rt_deadline_ms(&d, RT_GET_VARIABLE), 500);
	assert_int_equal(rt_deadline_ms(&d, RT_SET_VARIABLE), 3000);
}

static void test_rt_deadline_off_is_no_deadline_for_any_service(void **state)
{
	struct rt_deadlines off = { 0, 0 };

	(void)state;
	for (int s = 0; s < RT_SVC_COUNT; s++) {
		assert_int_equal(rt_deadline_ms(&off, s), 0);
		assert_int_equal(rt_notice_ms(&off, s), 0);
	}
}

static void test_rt_deadline_notice_only_when_the_deadline_is_longer(void **state)
{
	struct rt_deadlines d = { .read_ms = 2000, .write_ms = 2001 };

	(void)state;
	assert_int_equal(rt_notice_ms(&defaults, RT_SET_VARIABLE), 2000);
	assert_int_equal(rt_notice_ms(&defaults, RT_GET_TIME), 2000);
	assert_int_equal(rt_notice_ms(&d, RT_GET_TIME), 0);	/* abandoned at 2 s: no notice */
	assert_int_equal(rt_notice_ms(&d, RT_SET_VARIABLE), 2000);
}

static void test_rt_deadline_text_is_seconds_when_whole(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(rt_duration_text(60000, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "60 s");
	rt_duration_text(2000, buf, sizeof(buf));
	assert_string_equal(buf, "2 s");
	rt_duration_text(500, buf, sizeof(buf));
	assert_string_equal(buf, "500 ms");
	rt_duration_text(45500, buf, sizeof(buf));
	assert_string_equal(buf, "45500 ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_deadline_writes_are_the_services_that_can_program_flash),
		cmocka_unit_test(test_rt_deadline_reads_get_the_read_deadline),
		cmocka_unit_test(test_rt_deadline_resetsystem_is_held_to_the_read_deadline),
		cmocka_unit_test(test_rt_deadline_writes_get_the_write_deadline),
		cmocka_unit_test(test_rt_deadline_follows_the_configured_figures),
		cmocka_unit_test(test_rt_deadline_off_is_no_deadline_for_any_service),
		cmocka_unit_test(test_rt_deadline_notice_only_when_the_deadline_is_longer),
		cmocka_unit_test(test_rt_deadline_text_is_seconds_when_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
