/* What the hypervisor's parts share: the boot info and the version.
 *
 * Errors in hv/: the shell is where they end. A command returns 0, or
 * the 1 that shell_error (or rtcmd_fail) returns after printing the one
 * "error: …" line. A helper that prints its own error returns bool, true
 * when it did what it says (`if (!parse_var(…)) return 1;`); a bool
 * that answers a question is named as one (rtcmd_usable, mm_va_mapped).
 * Below the shell, code returns what the layer it wraps returns (rt/'s
 * efi_status_t, the loader library's reason strings). */
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

/* ---- boot info helpers (bootinfo.c) ---- */

/* NULL if bi is one this hypervisor understands, else why not. */
const char *bootinfo_check(const struct hv_bootinfo *bi);

/* The memory map (40-byte descriptors) and its length. */
const struct efi_mdesc *bootinfo_memmap(const struct hv_bootinfo *bi, size_t *count);

/* Bytes of RAM in the map (memmap_is_ram). */
uint64_t bootinfo_ram_bytes(const struct hv_bootinfo *bi);

/* "efi_main", "files_done", ... for enum hv_stamp. */
const char *bootinfo_stamp_name(unsigned stamp);

#endif
