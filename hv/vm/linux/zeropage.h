/* The zero page (struct boot_params of the Linux x86 boot protocol) a
 * 64-bit kernel finds at RSI: the setup header copied from the bzImage,
 * the e820 map of guest memory, the command line and the initrd. Pure:
 * writes a 4 KiB buffer the caller owns. */
#ifndef HV_VM_LINUX_ZEROPAGE_H
#define HV_VM_LINUX_ZEROPAGE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "bzimage.h"

#define ZP_BYTES		4096
#define ZP_EXT_RAMDISK_IMAGE	0x0C0	/* u32: bits 63:32 */
#define ZP_EXT_RAMDISK_SIZE	0x0C4
#define ZP_EXT_CMD_LINE_PTR	0x0C8
#define ZP_EFI_INFO		0x1C0	/* struct efi_info (32 bytes): the guest's EFI */
#define ZP_E820_ENTRIES		0x1E8	/* u8 */
#define ZP_SENTINEL		0x1EF	/* u8, 0: the loader zeroed what it did not fill */
#define ZP_E820_TABLE		0x2D0	/* 20-byte entries: addr, size, type */
#define ZP_E820_MAX		128
#define ZP_LOADER_UNDEFINED	0xFF	/* type_of_loader: a loader with no assigned ID */

#define E820_RAM		1
#define E820_RESERVED		2

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

/* A range of guest memory the hypervisor keeps for itself. */
struct zp_range {
	uint64_t gpa, bytes;
};

/* The e820 map of [0, mem_bytes): reserved[] as E820_RESERVED, the rest
 * E820_RAM, in address order, neighbours of one type merged. reserved[]
 * must be sorted, non-overlapping and inside guest memory. NULL with
 * *n_out entries in out[0..cap), or a reason. */
const char *e820_build(uint64_t mem_bytes, const struct zp_range *reserved, size_t n_reserved,
		       struct e820_entry *out, size_t cap, size_t *n_out);

struct zp_params {
	uint64_t cmdline_gpa;		/* NUL-terminated command line */
	uint64_t initrd_gpa, initrd_bytes;	/* 0, 0: none */
	const struct e820_entry *e820;
	size_t e820_count;
};

/* Fills zp (ZP_BYTES): zeroed, the setup header of the parsed bzImage
 * (file bytes 0x1F1..header_end) at its offsets, type_of_loader 0xFF,
 * cmd_line_ptr, ramdisk_image/size (and their ext_ halves), the e820
 * table. NULL, or a reason (too many e820 entries, the initrd above
 * initrd_addr_max). */
const char *zeropage_build(uint8_t *zp, const void *file, const struct bzimage *k,
			   const struct zp_params *p);

#endif
