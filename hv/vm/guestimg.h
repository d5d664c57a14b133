/* A guest's memory as the hypervisor prepares it (README: Guest ABI):
 * the image validated and loaded by its physical addresses, a boot-info
 * page, and identity page tables over all of guest memory. Pure: works on
 * guest memory through a pointer, so host tests run it on a buffer. */
#ifndef HV_GUESTIMG_H
#define HV_GUESTIMG_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "bootinfo.h"
#include "efi_mem.h"
#include "hvguest.h"
#include "loader/elf.h"

/* Guest-physical layout below 1 MiB, which the hypervisor owns; images
 * load at 1 MiB and above. */
#define GUEST_BOOTINFO_GPA	0x1000ULL	/* struct hvguest_bootinfo */
#define GUEST_GDT_GPA		0x2000ULL	/* null, code64 (0x08), data (0x10) */
#define GUEST_GDT_LIMIT		23
#define GUEST_SEL_CODE		0x08
#define GUEST_SEL_DATA		0x10
#define GUEST_PT_GPA		0x3000ULL	/* PML4, then its tables */
#define GUEST_PT_END_GPA	0x80000ULL
#define GUEST_IMAGE_MIN_GPA	0x100000ULL	/* 1 MiB */
#define GUEST_MEM_MIN		(2ULL << 20)
#define GUEST_MEM_MAX		HV_GUEST_MEM_MAX	/* the PT area holds its tables */

/* The ELF rules of loader/elf.c with segments placed by p_paddr inside
 * [1 MiB, mem_bytes). NULL, or a reason (*bad_seg: the header index, or -1). */
const char *guestimg_validate(const void *file, uint64_t size_bytes, uint64_t mem_bytes,
			      struct elf_image *out, int *bad_seg);

/* Where the guest starts. */
struct guest_entry {
	uint64_t rip, rsp, rdi, cr3;
};

/* Zeroes guest memory, loads the validated image at its physical
 * addresses, writes the boot-info page (args truncated to 255 bytes), a
 * GDT (flat 64-bit code and data, what the segment registers hold) and
 * identity tables mapping [0, mem_bytes) RWX with 2 MiB pages. NULL, or a
 * reason (memory too small or too large for the table area). */
const char *guestimg_prepare(uint8_t *mem, uint64_t mem_bytes, const void *file,
			     const struct elf_image *img, const char *args,
			     struct guest_entry *entry);

/* The highest 2 MiB-aligned run of bytes inside one EfiConventionalMemory
 * descriptor (never boot-services memory, which firmware may still touch
 * at runtime). True with *pa set, false if no descriptor holds it. */
bool guestimg_pick_memory(const struct efi_mdesc *map, size_t count, uint64_t bytes,
			  uint64_t *pa);

#endif
