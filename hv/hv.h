/* What the hypervisor's parts share: the boot info, the version, and the
 * hooks the runtime layer (rt/) may provide. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>
#include <stddef.h>
#include "bootinfo.h"

#define HV_VERSION	"0.1.0"

/* The loader's handoff, checked by hv_main before anything uses it. */
extern struct hv_bootinfo *hv_bi;

/* Reset kinds, numbered as EFI_RESET_TYPE (UEFI 2.10 §8.5.1). */
enum hv_reset_kind {
	HV_RESET_COLD = 0,
	HV_RESET_WARM = 1,
	HV_RESET_SHUTDOWN = 2,
};

/* ---- hooks for rt/ (each optional: referenced weakly) ----
 *
 * hv_rt_init: called once from hv_main after the GDT/IDT, the FPU/SSE
 * set-up and the trampoline unmap, before the banner. May set hv_trap_hook
 * (trap.h) and register commands with SHELL_CMD (shell.h).
 *
 * hv_rt_reset: ResetSystem(kind). Does not return when the reset happens.
 * Otherwise says why (HV_RT_RESET_*; for the last two, the reason in why):
 * the shell reports it and, for cold/warm, uses its own fallbacks (ACPI
 * reset register, port 0xCF9, 8042, triple fault). */
enum { HV_RT_RESET_RETURNED, HV_RT_RESET_UNAVAILABLE, HV_RT_RESET_FAULTED };
void hv_rt_init(struct hv_bootinfo *bi);
int hv_rt_reset(int kind, char *why, size_t cap);

/* ---- boot info helpers (bootinfo.c) ---- */

/* NULL if bi is one this hypervisor understands, else why not. */
const char *bootinfo_check(const struct hv_bootinfo *bi);

/* The memory map (40-byte descriptors) and its length. */
const struct efi_mdesc *bootinfo_memmap(const struct hv_bootinfo *bi, size_t *count);

/* Bytes of RAM in the map (memmap_is_ram). */
uint64_t bootinfo_ram_bytes(const struct hv_bootinfo *bi);

/* "efi_main", "files_done", ... for enum hv_stamp. */
const char *bootinfo_stamp_name(unsigned stamp);

/* "off", "on", "unknown". */
const char *bootinfo_secure_boot_name(uint32_t state);

#endif
