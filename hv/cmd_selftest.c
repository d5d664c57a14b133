/* selftest: calls every runtime service that can be called safely, checks
 * the mappings they run in and audits both address spaces (PASS / FAIL /
 * SKIP lines, then a count). This file is the command and its report; the
 * checks are in selftest_maps.c and selftest_calls.c. */
#include "hv.h"

#include <stdarg.h>
#include "rtcmd.h"
#include "kprintf.h"
#include "rt/rt.h"
#include "selftest.h"
#include "shell.h"

static unsigned n_pass, n_fail;
static uint32_t not_called;	/* 1 << enum rt_svc */

void selftest_not_called(enum rt_svc s)
{
	not_called |= 1U << s;
}

void selftest_pass(const char *fmt, ...)
{
	va_list ap;

	kprintf("PASS ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	n_pass++;
}

static void report(const char *tag, const char *name, const char *fmt, va_list ap)
{
	kprintf("%s %s: ", tag, name);
	kvprintf(fmt, ap);
	kprintf("\n");
}

void selftest_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("FAIL", name, fmt, ap);
	va_end(ap);
	n_fail++;
}

void selftest_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("SKIP", name, fmt, ap);
	va_end(ap);
}

static int cmd_selftest(int argc, char **argv)
{
	static const enum rt_svc called[] = {
		RT_GET_TIME, RT_SET_TIME, RT_GET_VARIABLE, RT_GET_NEXT_VARIABLE_NAME,
		RT_SET_VARIABLE, RT_QUERY_VARIABLE_INFO, RT_GET_NEXT_HIGH_MONOTONIC_COUNT,
	};
	uint64_t before[RT_SVC_COUNT];
	const struct rt_stats *stats = rt_get_stats();
	unsigned stale = 0;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: selftest");
	if (!rt_available())
		return !rtcmd_usable(RT_GET_TIME);
	n_pass = n_fail = 0;
	not_called = 0;
	for (int s = 0; s < RT_SVC_COUNT; s++)
		before[s] = stats->calls[s];

	selftest_cpu_state();
	selftest_mappings();
	selftest_audits();
	selftest_time();
	selftest_variables();
	selftest_misc();

	for (size_t i = 0; i < sizeof(called) / sizeof(called[0]); i++)
		if (rt_svc_usable(called[i]) && !(not_called & (1U << called[i])) &&
		    stats->calls[called[i]] <= before[called[i]])
			stale++;
	if (stale)
		selftest_fail("call counts", "%u services called but not counted", stale);
	else
		selftest_pass("call counts");

	kprintf("selftest: %u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

SHELL_CMD(selftest, "selftest", "",
	  "exercise every runtime service that is safe to call, and their mappings", cmd_selftest);
