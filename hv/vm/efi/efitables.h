/* The guest's EFI, hypervisor side (README: The Linux guest's EFI): lays
 * out, in a window of guest memory the caller reserves, the EFI system
 * table, the runtime services table, the configuration tables (an
 * EFI_RT_PROPERTIES_TABLE), the shim (EfiRuntimeServicesCode) and its data
 * (EfiRuntimeServicesData), and the EFI memory map the zero page's efi_info
 * names. Pure: writes guest memory through the caller's pointer, so host
 * tests run it on a buffer.
 *
 * For the Linux boot (zero page):
 *   uint64_t blob_bytes = efishim_blob_end - efishim_blob;
 *   uint64_t win = efitables_window_bytes(blob_bytes, ram_count);
 *   -- reserve [win_gpa, win_gpa + win) in the e820 map (E820_TYPE_RESERVED)
 *   struct efitables_in in = { ram, ram_count, win_gpa, guest_vars, efishim_blob, blob_bytes };
 *   reason = efitables_build(mem, mem_bytes, &in, &info);
 *   -- copy info (32 bytes) to boot_params.efi_info (offset 0x1c0)
 * The ram ranges are the guest's usable RAM (the e820 RAM entries); the
 * window may lie inside one of them (the map then describes the rest as
 * EfiConventionalMemory) or outside all. */
#ifndef HV_VM_EFI_EFITABLES_H
#define HV_VM_EFI_EFITABLES_H

#include <stdint.h>
#include <stddef.h>
#include "bootinfo.h"
#include "efishim.h"

/* The shim blob hv.elf embeds (efishim_blob.asm): what efitables_in.blob
 * names in the hypervisor. Host tests read build/shim/efishim.bin instead. */
extern const uint8_t efishim_blob[], efishim_blob_end[];

/* A span of usable guest RAM, page aligned. */
struct efitables_ram {
	uint64_t gpa, bytes;
};

struct efitables_in {
	const struct efitables_ram *ram;	/* sorted, disjoint */
	size_t ram_count;
	uint64_t window_gpa;			/* page aligned */
	uint32_t guest_vars;			/* enum hv_guest_vars */
	const void *blob;			/* the shim (efishim_blob) */
	uint64_t blob_bytes;
};

/* Linux's struct efi_info in boot_params (at offset 0x1c0; Linux x86 boot
 * protocol, arch/x86/include/uapi/asm/bootparam.h layout): what the
 * builder hands the zero page, byte for byte. */
struct efitables_efi_info {
	uint32_t efi_loader_signature;		/* "EL64" */
	uint32_t efi_systab;
	uint32_t efi_memdesc_size;
	uint32_t efi_memdesc_version;
	uint32_t efi_memmap;
	uint32_t efi_memmap_size;
	uint32_t efi_systab_hi;
	uint32_t efi_memmap_hi;
};
_Static_assert(sizeof(struct efitables_efi_info) == 32, "boot_params.efi_info");

#define EFITABLES_EL64	0x34364c45u	/* "EL64" little-endian */

/* Where the pieces went (for `guest info` and tests). */
struct efitables_layout {
	uint64_t code_gpa, code_bytes;
	uint64_t data_gpa, data_bytes;
	uint64_t systab_gpa, rt_gpa, memmap_gpa;
	uint32_t memmap_bytes;
	uint32_t supported;			/* EFI_RT_SUPPORTED_* */
};

/* The RuntimeServicesSupported bits for a guest_vars policy: the variable
 * services only when it may use them (SetVariable only under write). */
uint32_t efitables_supported(uint32_t guest_vars);

/* Bytes of the window for a blob of blob_bytes and ram_count RAM spans. */
uint64_t efitables_window_bytes(uint64_t blob_bytes, size_t ram_count);

/* Checks the blob's header: NULL, or why it is no shim. */
const char *efitables_check_blob(const void *blob, uint64_t blob_bytes);

/* Builds everything in [window_gpa, window_gpa + efitables_window_bytes)
 * of guest memory (mem = guest-physical 0 as the hypervisor reaches it).
 * NULL with *info and *layout (may be NULL) filled, or a reason. */
const char *efitables_build(uint8_t *mem, uint64_t mem_bytes, const struct efitables_in *in,
			    struct efitables_efi_info *info, struct efitables_layout *layout);

#endif
