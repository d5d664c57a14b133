/* The error lines every runtime-service command shares (rtcmd.h). */
#include "rtcmd.h"

#include "hv.h"
#include "loader/efistatus.h"
#include "loader/fmt.h"
#include "shell.h"

const char *rtcmd_status_name(efi_status_t st)
{
	static char buf[24];
	const char *name = efistatus_name(st);

	if (name)
		return name;
	fmt_snprintf(buf, sizeof(buf), "0x%lx", st);
	return buf;
}

bool rtcmd_usable(enum rt_svc s)
{
	const char *why;
	uint64_t fn;

	if (rt_svc_usable(s))
		return true;
	why = rt_svc_off_reason(s);
	if (rt_available() && rt_svc_refused(s, &fn))
		shell_error("%s is off: its service pointer 0x%lx was outside runtime code "
			    "(EFI_UNSUPPORTED)", rt_svc_name(s), fn);
	else if (rt_available() && !(hv_bi->rt_supported & rt_svc_property_bit(s)))
		shell_error("%s is not supported by the firmware (EFI_UNSUPPORTED)", rt_svc_name(s));
	else
		shell_error("runtime services unavailable (%s)", why ? why : "?");
	return false;
}

int rtcmd_fail(const char *what, efi_status_t st)
{
	uint64_t fn;

	/* Refused before the call: the table entry pointed outside runtime
	 * code (README: Fault containment). */
	if (st == EFI_UNSUPPORTED && rt_svc_refused(rt_last_refused(), &fn))
		return shell_error("%s: service pointer 0x%lx is outside runtime code (%s)",
				   rt_svc_name(rt_last_refused()), fn, rtcmd_status_name(st));
	/* Aborted: the fault just contained, whose line names the groups
	 * it switched off. */
	if (st == EFI_ABORTED && rt_last_fault()->happened)
		return shell_error("%s: %s (%s)", what, rt_disabled_reason(),
				   rtcmd_status_name(st));
	return shell_error("%s (%s)", what, rtcmd_status_name(st));
}
