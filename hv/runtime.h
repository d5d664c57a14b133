/* The hypervisor's half of the runtime layer: rt/ set up from the boot
 * info, its fault containment wired to the exception path, and
 * ResetSystem for `reset`. rt/ itself never includes a hypervisor header;
 * this file fills in the platform interface rt/rt.h declares. */
#ifndef HV_RUNTIME_H
#define HV_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include "bootinfo.h"
#include "trap.h"

/* Once from hv_main after the GDT/IDT, the FPU/SSE set-up and the
 * trampoline unmap, before the banner: rt_init and the runtime address
 * space (hv/rt_space.c). */
void hv_rt_init(const struct hv_bootinfo *bi);

/* From hv_trap_dispatch, first, for every exception: true if it was a
 * firmware fault inside a runtime call, contained, with tf rewritten to
 * resume in rt_call_abort (rt/rt_fault.c says how). */
bool hv_rt_trap(struct hv_trap_frame *tf);

/* ResetSystem(kind). Does not return when the reset happens. Otherwise
 * says why (for the last two, the reason in why): the shell reports it and
 * uses its own fallbacks (ACPI reset register, port 0xCF9, 8042, triple
 * fault). */
enum hv_rt_reset_result { HV_RT_RESET_RETURNED, HV_RT_RESET_UNAVAILABLE, HV_RT_RESET_FAULTED };
enum hv_rt_reset_result hv_rt_reset(int kind, char *why, size_t cap);

#endif
