/* selftest: the runtime services themselves — each one that is safe to
 * call is called and its answer judged against UEFI 2.10 §8; what would
 * reset the machine or stage an update is skipped (README: The shell). */
#include "hv.h"
#include "scratch.h"

#include "rtcmd.h"
#include "lib.h"
#include "rt/rt.h"
#include "rt/rtfmt.h"
#include "selftest.h"

/* A FAIL line for name when the layer refused service s's table entry (it
 * pointed outside runtime code, README: Fault containment); true if so. */
static bool failed_refused(const char *name, enum rt_svc s)
{
	uint64_t fn;

	if (!rt_svc_refused(s, &fn))
		return false;
	selftest_fail(name, "its service pointer 0x%lx is outside runtime code", fn);
	return true;
}

/* False when s cannot be called: SKIP when the firmware does not offer
 * it; FAIL when its table entry was refused or a fault switched it off. */
static bool usable(enum rt_svc s)
{
	if (rt_svc_usable(s))
		return true;
	if (failed_refused(rt_svc_name(s), s))
		return false;
	if (!(hv_bi->rt_supported & rt_svc_property_bit(s)))
		selftest_skip(rt_svc_name(s), "not supported (EFI_RT_PROPERTIES_TABLE)");
	else
		selftest_fail(rt_svc_name(s), "switched off after a fault");
	return false;
}

/* A firmware without an EFI_RT_PROPERTIES_TABLE may still answer
 * EFI_UNSUPPORTED after ExitBootServices (UEFI 2.10 §8: a service that
 * is not supported at runtime): that is SKIP, not FAIL. True when st is
 * EFI_UNSUPPORTED (and its line is out). */
static bool skipped_unsupported(const char *name, efi_status_t st)
{
	if (st != EFI_UNSUPPORTED)
		return false;
	/* Unless the layer refused the call itself: the firmware's defect. */
	if (!failed_refused(name, rt_last_refused()))
		selftest_skip(name, "the firmware answers EFI_UNSUPPORTED at runtime");
	return true;
}

/* Only a time read and found valid (UEFI 2.10 §8.3.1) is ever written back:
 * a firmware that does not check SetTime's argument would set its clock to
 * whatever GetTime returned (README "Bad firmware lists and clocks"). */
void selftest_time(void)
{
	struct efi_time t, t2;
	struct efi_time_cap cap;
	efi_status_t st;
	bool enabled, pending;
	char bad[48];

	if (usable(RT_GET_TIME)) {
		st = rt_get_time(&t, &cap);
		if (skipped_unsupported("GetTime", st))
			;
		else if (st != EFI_SUCCESS)
			selftest_fail("GetTime", "%s", rtcmd_status_name(st));
		else if (efi_time_problem_text(&t, bad, sizeof(bad)))
			selftest_fail("GetTime", "firmware returned an invalid time (%s)", bad);
		else if (cap.resolution == 0)
			selftest_fail("GetTime", "resolution 0 Hz");
		else
			selftest_pass("GetTime");
	}
	if (usable(RT_SET_TIME)) {
		/* The current time, written back: at most the part of a second
		 * since the read is lost. */
		st = rt_get_time(&t, NULL);
		if (st == EFI_SUCCESS && efi_time_problem_text(&t, bad, sizeof(bad))) {
			selftest_skip("SetTime", "not called: firmware returned an invalid time (%s)",
				      bad);
			selftest_not_called(RT_SET_TIME);
		} else {
			if (st == EFI_SUCCESS)
				st = rt_set_time(&t);
			if (st == EFI_SUCCESS)
				st = rt_get_time(&t2, NULL);
			if (skipped_unsupported("SetTime", st))
				;
			else if (st != EFI_SUCCESS)
				selftest_fail("SetTime", "%s", rtcmd_status_name(st));
			else if (efi_time_problem_text(&t2, bad, sizeof(bad)))
				selftest_fail("SetTime", "read back an invalid time (%s)", bad);
			else if (rtfmt_time_seconds(&t2) - rtfmt_time_seconds(&t) < 0 ||
				 rtfmt_time_seconds(&t2) - rtfmt_time_seconds(&t) > 2)
				selftest_fail("SetTime", "read back %ld s away from the time written",
					      (long)(rtfmt_time_seconds(&t2) - rtfmt_time_seconds(&t)));
			else
				selftest_pass("SetTime");
		}
	}
	if (usable(RT_GET_WAKEUP_TIME)) {
		st = rt_get_wakeup_time(&enabled, &pending, &t);
		if (st == EFI_UNSUPPORTED) {
			selftest_skip("GetWakeupTime",
				      "the platform has no wakeup alarm (EFI_UNSUPPORTED)");
		} else if (st != EFI_SUCCESS) {
			selftest_fail("GetWakeupTime", "%s", rtcmd_status_name(st));
		} else if (enabled && efi_time_problem_text(&t, bad, sizeof(bad))) {
			selftest_fail("GetWakeupTime", "firmware returned an invalid time (%s)", bad);
			selftest_skip("SetWakeupTime", "not called: the alarm time read is invalid");
		} else {
			selftest_pass("GetWakeupTime");
			if (usable(RT_SET_WAKEUP_TIME)) {
				/* Leave the alarm as it was: re-arm an armed one,
				 * disable (no time, §8.3.4) a disarmed one. */
				st = rt_set_wakeup_time(enabled, enabled ? &t : NULL);
				if (st == EFI_UNSUPPORTED)
					selftest_skip("SetWakeupTime", "EFI_UNSUPPORTED");
				else if (st != EFI_SUCCESS)
					selftest_fail("SetWakeupTime", "%s", rtcmd_status_name(st));
				else
					selftest_pass("SetWakeupTime");
			}
		}
	}
}

/* The selftest variable: a GUID of our own so nothing else is touched. */
static const struct efi_guid selftest_guid = {
	0x5f3c1a9e, 0x2b7d, 0x4e61, { 0x8c, 0x0a, 0x7d, 0x9e, 0x6b, 0x4f, 0x2a, 0x13 }
};

void selftest_variables(void)
{
	static const uint16_t test_name[] = { 'H', 'v', 'b', 'o', 'o', 't', 'S', 'e', 'l', 'f',
					      't', 'e', 's', 't', 0 };
	const uint32_t nvbsrt = EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				EFI_VARIABLE_RUNTIME_ACCESS;
	uint8_t pattern[40];
	struct efi_guid first_guid = { 0 };
	uint64_t max_storage, remaining, max_var;
	uint32_t attrs = 0;
	size_t size = 0;
	efi_status_t st;

	/* The walk must end in EFI_NOT_FOUND (UEFI 2.10 §8.2.2), within the
	 * walker's bounds (rt/varlist.h). Which variables exist is the
	 * firmware's business: U-Boot has no BootOrder at runtime. The first
	 * name found is the one GetVariable reads back. */
	hv_scratch_name2[0] = 0;
	if (usable(RT_GET_NEXT_VARIABLE_NAME)) {
		struct varlist w;

		rt_varlist_start(&w, hv_scratch_name, RT_NAME_MAX / 2, hv_scratch_seen,
				 VARLIST_MAX_NAMES);
		while (varlist_next(&w) == VARLIST_MORE)
			if (w.count == 1) {
				memcpy(hv_scratch_name2, hv_scratch_name, w.cap_chars * 2);
				first_guid = w.guid;
			}
		if (w.stop == VARLIST_STATUS) {
			selftest_fail("GetNextVariableName", "%s after %zu names",
				      rtcmd_status_name(w.status), w.count);
		} else if (w.stop != VARLIST_END) {
			varlist_stop_text(&w, hv_scratch_text, sizeof(hv_scratch_text));
			selftest_fail("GetNextVariableName", "%s", hv_scratch_text);
		} else {
			selftest_pass("GetNextVariableName");
		}
	}

	/* After ExitBootServices only runtime-access variables are visible
	 * (§8.2), so the one the walk found must say so. */
	if (usable(RT_GET_VARIABLE) && hv_scratch_name2[0]) {
		st = rt_var_read(hv_scratch_name2, &first_guid, &attrs, hv_scratch_a, sizeof(hv_scratch_a), &size);
		if (st != EFI_SUCCESS)
			selftest_fail("GetVariable", "%s", rtcmd_status_name(st));
		else if (!(attrs & EFI_VARIABLE_RUNTIME_ACCESS))
			selftest_fail("GetVariable", "attributes 0x%x without runtime access", attrs);
		else
			selftest_pass("GetVariable");
	} else if (usable(RT_GET_VARIABLE)) {
		selftest_skip("GetVariable", "no variable to read");
	}

	if (usable(RT_SET_VARIABLE) && usable(RT_GET_VARIABLE)) {
		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(0xA5 ^ (i * 37));
		/* Left over from an interrupted run: start clean. */
		if (rt_var_read(test_name, &selftest_guid, &attrs, hv_scratch_a, sizeof(hv_scratch_a),
				&size) == EFI_SUCCESS)
			rt_set_variable(test_name, &selftest_guid, attrs, NULL, 0);

		st = rt_set_variable(test_name, &selftest_guid, nvbsrt, pattern, sizeof(pattern));
		if (skipped_unsupported("SetVariable", st)) {
			;
		} else if (st != EFI_SUCCESS) {
			selftest_fail("SetVariable", "create: %s", rtcmd_status_name(st));
		} else {
			st = rt_var_read(test_name, &selftest_guid, &attrs, hv_scratch_a,
					 sizeof(hv_scratch_a), &size);
			if (st != EFI_SUCCESS)
				selftest_fail("SetVariable", "read back: %s", rtcmd_status_name(st));
			else if (size != sizeof(pattern) || memcmp(hv_scratch_a, pattern, size) != 0 ||
				 attrs != nvbsrt)
				selftest_fail("SetVariable", "read back %zu bytes, attributes 0x%x", size,
				     attrs);
			else
				selftest_pass("SetVariable");

			st = rt_set_variable(test_name, &selftest_guid, nvbsrt, NULL, 0);
			if (st == EFI_SUCCESS)
				st = rt_var_read(test_name, &selftest_guid, &attrs, hv_scratch_a,
						 sizeof(hv_scratch_a), &size) == EFI_NOT_FOUND
					     ? EFI_SUCCESS
					     : EFI_DEVICE_ERROR;
			if (st != EFI_SUCCESS)
				selftest_fail("SetVariable delete", "%s", st == EFI_DEVICE_ERROR
						? "still there after the delete"
						: rtcmd_status_name(st));
			else
				selftest_pass("SetVariable delete");
		}
	}

	if (usable(RT_QUERY_VARIABLE_INFO)) {
		st = rt_query_variable_info(nvbsrt, &max_storage, &remaining, &max_var);
		if (skipped_unsupported("QueryVariableInfo", st))
			;
		else if (st != EFI_SUCCESS)
			selftest_fail("QueryVariableInfo", "%s", rtcmd_status_name(st));
		else if (max_var == 0 || max_var > max_storage || remaining > max_storage)
			selftest_fail("QueryVariableInfo", "max storage %lu, remaining %lu, max variable %lu",
			     max_storage, remaining, max_var);
		else
			selftest_pass("QueryVariableInfo");
	}
}

void selftest_misc(void)
{
	uint32_t c1 = 0, c2 = 0;
	uint64_t max_size = 0;
	int reset_type = 0;
	efi_status_t st;

	if (usable(RT_GET_NEXT_HIGH_MONOTONIC_COUNT)) {
		st = rt_get_next_high_monotonic_count(&c1);
		if (st == EFI_SUCCESS)
			st = rt_get_next_high_monotonic_count(&c2);
		if (skipped_unsupported("GetNextHighMonotonicCount", st))
			;
		else if (st != EFI_SUCCESS)
			selftest_fail("GetNextHighMonotonicCount", "%s", rtcmd_status_name(st));
		else if (c2 <= c1)
			selftest_fail("GetNextHighMonotonicCount", "%u then %u", c1, c2);
		else
			selftest_pass("GetNextHighMonotonicCount");
	}
	if (usable(RT_QUERY_CAPSULE_CAPABILITIES)) {
		/* One header-only capsule of a vendor GUID no firmware knows:
		 * EDK2 answers EFI_UNSUPPORTED, a firmware that takes anything
		 * EFI_SUCCESS; both prove the call went through and came back. */
		static const uint8_t capsule[28] = {
			0x5e, 0x1f, 0x7d, 0x3a, 0x2c, 0x5b, 0x61, 0x4c,
			0x9a, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x70,
			28, 0, 0, 0,	/* HeaderSize */
			0, 0, 0, 0,	/* Flags */
			28, 0, 0, 0,	/* CapsuleImageSize */
		};
		const void *list[1] = { capsule };
		uint64_t calls = rt_get_stats()->calls[RT_QUERY_CAPSULE_CAPABILITIES];

		st = rt_query_capsule_capabilities(list, 1, &max_size, &reset_type);
		if ((st == EFI_SUCCESS || st == EFI_UNSUPPORTED) &&
		    rt_get_stats()->calls[RT_QUERY_CAPSULE_CAPABILITIES] == calls + 1)
			selftest_pass("QueryCapsuleCapabilities");
		else
			selftest_fail("QueryCapsuleCapabilities", "%s", rtcmd_status_name(st));
	}
	selftest_skip("ResetSystem", "not called: it would reset the machine");
	selftest_skip("UpdateCapsule", "not called: it would stage a firmware update");
	selftest_skip("SetVirtualAddressMap", "not callable again in virtual mode");
	selftest_skip("ConvertPointer", "not callable again in virtual mode");
}

