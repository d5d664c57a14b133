/* ELF64 hypervisor image: validation before any memory is touched, then
 * loading into one contiguous allocation. Pure: builds for host and firmware. */
#ifndef HVBOOT_ELF_H
#define HVBOOT_ELF_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define ELF_MAX_SEGS	16
#define ELF_IMAGE_MAX	(64ULL << 20)	/* largest image span we load */

/* PT_LOAD p_flags */
#define ELF_PF_X	1U
#define ELF_PF_W	2U
#define ELF_PF_R	4U

struct elf_seg {
	uint64_t va;		/* p_vaddr (p_paddr for elf_place.use_paddr) */
	uint64_t offset;	/* p_offset */
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;		/* ELF_PF_* */
};

struct elf_image {
	uint64_t entry_va;
	uint64_t va_lo;		/* lowest segment va, rounded down to 4 KiB */
	uint64_t va_hi;		/* highest segment end, rounded up to 4 KiB */
	uint32_t nseg;
	struct elf_seg seg[ELF_MAX_SEGS];	/* PT_LOAD only, sorted by va */
};

/* Where the segments of an image may lie, and which address names them.
 * The hypervisor's image (elf_validate) is placed by p_vaddr in the
 * higher half; a guest image (hv/vm/guestimg.c) by p_paddr inside guest
 * memory. */
struct elf_place {
	bool use_paddr;		/* seg.va holds p_paddr instead of p_vaddr */
	bool forbid_wx;		/* no segment both writable and executable */
	uint64_t floor;		/* below it: below_floor (0: no such check) */
	const char *below_floor;
	uint64_t lo, hi;	/* every segment inside [lo, hi) */
	const char *outside;	/* the reason when one is not */
};

/* elf_validate's rules with another placement. */
const char *elf_validate_placed(const void *file, uint64_t size_bytes,
				const struct elf_place *place,
				struct elf_image *out, int *bad_seg);

/* Checks every rule (see elf.c) without writing outside *out. Returns NULL
 * when the image is good, else a short reason ("segment extends past end of
 * file"); *bad_seg is the program-header index the reason is about, or -1. */
const char *elf_validate(const void *file, uint64_t size_bytes,
			 struct elf_image *out, int *bad_seg);

/* Copies each segment to dest + (seg.va - va_lo) and zeroes the rest of the
 * span (.bss and gaps). dest holds va_hi - va_lo bytes. Only after
 * elf_validate succeeded on the same file. */
void elf_load(const void *file, const struct elf_image *img, void *dest);

#endif
