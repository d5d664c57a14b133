/* Which firmware drivers each runtime service enters, as service groups:
 * a fault leaves every driver the call was inside possibly torn (a flash
 * write half done, a lock held), so all of its groups are switched off,
 * and a service stays usable only while every group it enters is intact.
 *
 * The table follows what the firmware builds hvboot meets do inside each
 * service at runtime:
 * - EDK2 MdeModulePkg/Universal/Variable/RuntimeDxe (and its SMM twin
 *   VariableSmmRuntimeDxe): GetVariable, GetNextVariableName, SetVariable
 *   and QueryVariableInfo are one driver with one store and one lock.
 * - EDK2 MonotonicCounterRuntimeDxe: GetNextHighMonotonicCount increments
 *   its counter and writes it back with SetVariable ("MTC").
 * - EDK2 PcAtChipsetPkg PcatRealTimeClockRuntimeDxe: SetTime saves the
 *   time zone and daylight with SetVariable ("RTC"); GetWakeupTime reads
 *   and SetWakeupTime writes the alarm date ("RTCALARM"); GetTime only
 *   reads the CMOS clock.
 * - EDK2 CapsuleRuntimeDxe: UpdateCapsule records a capsule that persists
 *   across reset with SetVariable ("CapsuleUpdateData");
 *   QueryCapsuleCapabilities touches no variable.
 * - EDK2 ResetSystemRuntimeDxe: ResetSystem calls its reset notifiers and
 *   the platform's ResetSystemLib, no variable service.
 * - U-Boot lib/efi_loader: at runtime the variable services share
 *   efi_var_mem.c's store; GetTime, SetTime and ResetSystem do not touch
 *   it, and the other services answer EFI_UNSUPPORTED.
 * Pure: host-tested with the gate (tests/unit/test_rt.c). */
#include "rt.h"
#include "loader/fmt.h"

#define G(g)	(1u << (g))

static const uint32_t svc_uses[RT_SVC_COUNT] = {
	[RT_GET_TIME]			= G(RT_GROUP_TIME),
	[RT_SET_TIME]			= G(RT_GROUP_TIME) | G(RT_GROUP_VARIABLE),
	[RT_GET_WAKEUP_TIME]		= G(RT_GROUP_TIME) | G(RT_GROUP_VARIABLE),
	[RT_SET_WAKEUP_TIME]		= G(RT_GROUP_TIME) | G(RT_GROUP_VARIABLE),
	[RT_SET_VIRTUAL_ADDRESS_MAP]	= G(RT_GROUP_MISC),
	[RT_CONVERT_POINTER]		= G(RT_GROUP_MISC),
	[RT_GET_VARIABLE]		= G(RT_GROUP_VARIABLE),
	[RT_GET_NEXT_VARIABLE_NAME]	= G(RT_GROUP_VARIABLE),
	[RT_SET_VARIABLE]		= G(RT_GROUP_VARIABLE),
	[RT_GET_NEXT_HIGH_MONOTONIC_COUNT] = G(RT_GROUP_MISC) | G(RT_GROUP_VARIABLE),
	[RT_RESET_SYSTEM]		= G(RT_GROUP_RESET),
	[RT_UPDATE_CAPSULE]		= G(RT_GROUP_CAPSULE) | G(RT_GROUP_VARIABLE),
	[RT_QUERY_CAPSULE_CAPABILITIES]	= G(RT_GROUP_CAPSULE),
	[RT_QUERY_VARIABLE_INFO]	= G(RT_GROUP_VARIABLE),
};

uint32_t rt_svc_uses(enum rt_svc s)
{
	return s < RT_SVC_COUNT ? svc_uses[s] : 0;
}

size_t rt_groups_text(uint32_t groups, char *buf, size_t cap)
{
	unsigned total = 0, done = 0;
	size_t n = 0;

	if (cap)
		buf[0] = '\0';
	for (unsigned g = 0; g < RT_GROUP_COUNT; g++)
		total += (groups >> g) & 1;
	for (unsigned g = 0; g < RT_GROUP_COUNT; g++) {
		if (!(groups & G(g)))
			continue;
		done++;
		n += (size_t)fmt_snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, "%s%s",
					  done == 1 ? "" : done == total ? " and " : ", ",
					  rt_group_name((enum rt_group)g));
	}
	return n;
}
