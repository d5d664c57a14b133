/* How long each runtime service may run before the watchdog abandons it
 * (README "Runtime-call deadlines"): a service is a read or a write, and
 * hvboot.cfg's rt_watchdog gives one deadline per kind.
 *
 * A write is a service that can program flash: a SetVariable that finds
 * the store full runs a reclaim, which erases and rewrites flash blocks
 * (seconds on slow SPI flash, more through SMM), and the services that
 * write a variable of their own inside the firmware count as writes too
 * (rt/rt_group.c lists them, from EDK2: SetTime "RTC", SetWakeupTime
 * "RTCALARM", GetNextHighMonotonicCount "MTC", UpdateCapsule
 * "CapsuleUpdateData"). Everything else only reads. ResetSystem is a read:
 * it resets or it does not, waiting longer does not help, and the `reset`
 * command has hardware paths to fall back on.
 *
 * Past RT_NOTICE_MS a call with a longer deadline is reported once, so a
 * slow write is seen, not mistaken for a hang. Pure: tests/unit. */
#include "rt.h"
#include "loader/fmt.h"

enum rt_svc_kind rt_svc_kind(enum rt_svc s)
{
	switch (s) {
	case RT_SET_TIME: case RT_SET_WAKEUP_TIME: case RT_SET_VARIABLE:
	case RT_GET_NEXT_HIGH_MONOTONIC_COUNT: case RT_UPDATE_CAPSULE:
		return RT_SVC_WRITE;
	default:
		return RT_SVC_READ;
	}
}

uint32_t rt_deadline_ms(const struct rt_deadlines *d, enum rt_svc s)
{
	return rt_svc_kind(s) == RT_SVC_WRITE ? d->write_ms : d->read_ms;
}

uint32_t rt_notice_ms(const struct rt_deadlines *d, enum rt_svc s)
{
	return rt_deadline_ms(d, s) > RT_NOTICE_MS ? RT_NOTICE_MS : 0;
}

size_t rt_duration_text(uint32_t ms, char *buf, size_t cap)
{
	if (ms % 1000 == 0)
		return fmt_snprintf(buf, cap, "%u s", ms / 1000);
	return fmt_snprintf(buf, cap, "%u ms", ms);
}
