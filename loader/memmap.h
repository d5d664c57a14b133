/* EFI memory-map handling shared by the loader, the hypervisor and mapplan:
 * type names, classification, sorting, the §4 text format. Pure. */
#ifndef HVBOOT_MEMMAP_H
#define HVBOOT_MEMMAP_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "efi_mem.h"

/* "EfiConventionalMemory" etc.; NULL for a type with no UEFI name (the
 * caller prints it as a number, e.g. 0x80000000). */
const char *memmap_type_name(uint32_t type);

/* Parses a UEFI type name or a 0x-number; false if neither. */
bool memmap_type_parse(const char *s, size_t len, uint32_t *type);

/* RAM the hypervisor's direct map covers: everything but reserved,
 * unusable, MMIO, MMIO port space, PAL code and unaccepted memory. */
bool memmap_is_ram(uint32_t type);

/* A runtime region: EFI_MEMORY_RUNTIME set, or RuntimeServicesCode/Data
 * without it (*missing_bit = true).
 * Quirk (Dell Edge Gateway BIOS): RuntimeServicesCode/Data descriptors
 * without EFI_MEMORY_RUNTIME, called at runtime all the same. */
bool memmap_is_runtime(const struct efi_mdesc *d, bool *missing_bit);

/* UEFI 2.10 §7.2: the only EFI_MEMORY_DESCRIPTOR_VERSION there is. */
#define MEMMAP_DESC_VERSION	1

/* NULL for version 1, else why the map cannot be read. */
const char *memmap_check_version(uint32_t version);

/* Sanity of a firmware map: stride >= 40, a multiple of 8, size a
 * multiple of the stride, no descriptor wrapping past 2^64. Unaligned
 * starts, overlaps and disorder are memmap_normalize's. NULL if fine. */
const char *memmap_check(const struct efi_mmap *m, uint64_t *bad_index);

/* What memmap_normalize repaired, one call of warn per repair (d: the
 * descriptor as the firmware gave it; what: the repair, e.g. "not 4 KiB
 * aligned: rounded outward"). warn may be NULL. */
struct memmap_fixes {
	uint64_t reach;		/* RAM from here up is left out; 0: no limit */
	void (*warn)(void *ctx, const struct efi_mdesc *d, const char *what);
	void *ctx;
	uint32_t rounded, clipped, left_out;	/* counts, set by the call */
};

/* Copies the map into dst as 40-byte descriptors sorted by pa, dropping
 * 0-page entries, and sets *count (<= cap). Odd maps are repaired where
 * that is safe (README: Memory maps as text), each repair counted in fx
 * and reported through fx->warn:
 *  - an unaligned descriptor that is not RAM is rounded outward to 4 KiB,
 *    RAM inward (a page that is partly device memory is not RAM);
 *  - where RAM overlaps anything that is not RAM, the RAM is clipped (it
 *    may split in two): RAM is never mapped over MMIO or reserved memory;
 *  - where two non-RAM descriptors overlap, a runtime one keeps the
 *    overlap (it must be mapped whole), else the one starting first;
 *  - RAM at or above fx->reach (what the direct map can hold) is cut
 *    there or left out.
 * NULL, or why not: two RAM descriptors overlap (*bad_index = the later
 * one in sorted order), or more descriptors than cap (*bad_index = the
 * first firmware descriptor left out, or the count when a split ran out). */
const char *memmap_normalize(const struct efi_mmap *m, struct efi_mdesc *dst, uint64_t cap,
			     uint64_t *count, uint64_t *bad_index, struct memmap_fixes *fx);

/* One line of the §4 text format, "TYPE 0xPA NPAGES 0xATTR", no newline.
 * Writes at most cap bytes including the NUL; returns the length. */
size_t memmap_format_line(const struct efi_mdesc *d, char *buf, size_t cap);

/* Parses one §4 line (without newline). Returns NULL and fills *d, or a
 * reason; a blank or comment-only line returns NULL with *empty = true. */
const char *memmap_parse_line(const char *s, size_t len, struct efi_mdesc *d, bool *empty);

#endif
