/* What the runtime-service commands (cmd_var.c, cmd_time.c, cmd_boot.c,
 * cmd_rt.c) share: the one-line errors of the README's shell section for a service that
 * cannot be called or a call that failed. Implemented in cmd_rt.c. */
#ifndef HV_CMD_RT_H
#define HV_CMD_RT_H

#include "rt/rt.h"

/* True if service s can be called now. Otherwise prints the one error line,
 * "error: runtime services unavailable (<reason>)" (runtime off, or its
 * group switched off after a fault) or "error: <Service> is not supported
 * by the firmware (EFI_UNSUPPORTED)", and is false. */
bool rtcmd_usable(enum rt_svc s);

/* Prints "error: <what> (<EFI_STATUS_NAME>)" for a failed call, with the
 * contained fault described when the call was aborted; returns 1. */
int rtcmd_fail(const char *what, efi_status_t st);

/* The status name, or "0x..." for a value without one (static buffer). */
const char *rtcmd_status_name(efi_status_t st);

#endif
