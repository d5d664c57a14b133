/* What the runtime-service commands (cmd_var.c, cmd_time.c, cmd_boot.c,
 * cmd_selftest.c, cmd_bench.c) share: the one-line errors of the README's
 * shell section for a service that cannot be called or a call that
 * failed. */
#ifndef HV_RTCMD_H
#define HV_RTCMD_H

#include "rt/rt.h"

/* True if service s can be called now. Otherwise prints the one error line,
 * "error: runtime services unavailable (<reason>)" (runtime off, or one of
 * its groups switched off after a fault: that fault's line) or "error: <Service> is not supported
 * by the firmware (EFI_UNSUPPORTED)", and is false. */
bool rtcmd_usable(enum rt_svc s);

/* Prints "error: <what> (<EFI_STATUS_NAME>)" for a failed call, with the
 * contained fault described when the call was aborted; returns 1. */
int rtcmd_fail(const char *what, efi_status_t st);

/* The status name, or "0x..." for a value without one (static buffer). */
const char *rtcmd_status_name(efi_status_t st);

#endif
