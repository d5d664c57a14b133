/* time, time set, count: the real-time clock (GetTime/SetTime, UEFI 2.10
 * §8.3) and the platform's monotonic counter (§8.5.2). */
#include "hv.h"

#include "rtcmd.h"
#include "kprintf.h"
#include "lib.h"
#include "rt/rt.h"
#include "rt/rtfmt.h"
#include "shell.h"

static int time_show(void)
{
	struct efi_time t;
	struct efi_time_cap cap;
	efi_status_t st;
	char buf[48];

	if (!rtcmd_usable(RT_GET_TIME))
		return 1;
	st = rt_get_time(&t, &cap);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot read the clock", st);
	/* UEFI 2.10 §8.3.1's ranges: a time outside them is not a date. */
	if (efi_time_problem_text(&t, buf, sizeof(buf)))
		return shell_error("firmware returned an invalid time (%s)", buf);
	rtfmt_time_format(&t, buf, sizeof(buf));
	kprintf("%s\n", buf);
	rtfmt_tz_format(t.time_zone, buf, sizeof(buf));
	kprintf("time zone     %s\n", buf);
	rtfmt_daylight_format(t.daylight, buf, sizeof(buf));
	kprintf("daylight      %s\n", buf);
	/* §8.3.1 EFI_TIME_CAPABILITIES: Resolution in counts per second,
	 * Accuracy as an error rate in units of 1E-6 parts per million. */
	kprintf("resolution    %u Hz\n", cap.resolution);
	kprintf("accuracy      %u.%06u ppm\n", cap.accuracy / 1000000, cap.accuracy % 1000000);
	kprintf("sets to zero  %s\n", cap.sets_to_zero ? "yes" : "no");
	return 0;
}

static int time_set(const char *date, const char *clock)
{
	struct efi_time t;
	const char *why;
	efi_status_t st;
	char bad[48];

	if (!rtcmd_usable(RT_GET_TIME) || !rtcmd_usable(RT_SET_TIME))
		return 1;
	/* The current time zone and daylight flags stay as they are: the
	 * user types a wall-clock time in the clock's own zone. */
	st = rt_get_time(&t, NULL);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot read the clock", st);
	why = rtfmt_time_parse(date, clock, &t);
	if (why)
		return shell_error("%s: '%s %s'", why, date, clock);
	t.nanosecond = 0;
	/* The typed fields are valid now; the zone and daylight the firmware
	 * returned are written back as they are, so they must be too. */
	if (efi_time_problem_text(&t, bad, sizeof(bad)))
		return shell_error("firmware returned an invalid time (%s): clock not set", bad);
	st = rt_set_time(&t);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot set the clock", st);
	kprintf("ok\n");
	return 0;
}

static int cmd_time(int argc, char **argv)
{
	if (argc == 1)
		return time_show();
	if (argc == 4 && strcmp(argv[1], "set") == 0)
		return time_set(argv[2], argv[3]);
	return shell_error("usage: time [set YYYY-MM-DD HH:MM:SS]");
}

SHELL_CMD(time, "time", "[set YYYY-MM-DD HH:MM:SS]", "show or set the clock (GetTime/SetTime)",
	  cmd_time);

static int cmd_count(int argc, char **argv)
{
	uint32_t high;
	efi_status_t st;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: count");
	if (!rtcmd_usable(RT_GET_NEXT_HIGH_MONOTONIC_COUNT))
		return 1;
	st = rt_get_next_high_monotonic_count(&high);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot read the monotonic count", st);
	kprintf("high monotonic count: %u\n", high);
	return 0;
}

SHELL_CMD(count, "count", "", "the next high monotonic count (GetNextHighMonotonicCount)",
	  cmd_count);
