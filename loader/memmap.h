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

/* Sanity of a firmware map: stride >= 40, size a multiple of the stride,
 * no descriptor wrapping past 2^64, page-aligned starts. Overlaps and
 * disorder are reported separately by memmap_sort_check. NULL if fine. */
const char *memmap_check(const struct efi_mmap *m, uint64_t *bad_index);

/* Copies the map into dst as 40-byte descriptors sorted by pa, dropping
 * 0-page entries, and sets *count (<= cap). NULL, or why not: more
 * descriptors than cap (*bad_index = the first one left out), or two that
 * overlap (*bad_index = the later one in sorted order). */
const char *memmap_normalize(const struct efi_mmap *m, struct efi_mdesc *dst, uint64_t cap,
			     uint64_t *count, uint64_t *bad_index);

/* One line of the §4 text format, "TYPE 0xPA NPAGES 0xATTR", no newline.
 * Writes at most cap bytes including the NUL; returns the length. */
size_t memmap_format_line(const struct efi_mdesc *d, char *buf, size_t cap);

/* Parses one §4 line (without newline). Returns NULL and fills *d, or a
 * reason; a blank or comment-only line returns NULL with *empty = true. */
const char *memmap_parse_line(const char *s, size_t len, struct efi_mdesc *d, bool *empty);

#endif
