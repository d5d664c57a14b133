/* ELF64 hypervisor image: every rule is checked before any memory is
 * allocated or written, then the segments are copied into one span.
 *
 * The rules, in the order they are checked (each failure its own reason):
 *  - header: ELF64, little-endian, version 1, x86-64, ET_EXEC, 56-byte
 *    program headers, 1..65534 of them, the table inside the file;
 *  - each PT_LOAD with memory (others and empty ones are ignored):
 *    filesz <= memsz, file bytes inside the file, va == offset mod 4 KiB,
 *    end (and end rounded up to 4 KiB) below 2^64, then the placement
 *    (struct elf_place): the hypervisor's segments by p_vaddr in the
 *    higher half, inside [HV_IMAGE_BASE, HV_STACK_GUARD_VA), not both W
 *    and X; a guest's by p_paddr inside the range its caller gives;
 *    at most ELF_MAX_SEGS of them and at least one;
 *  - together: no two share a 4 KiB page, span <= ELF_IMAGE_MAX, and the
 *    entry point inside an executable one.
 *
 * The file is read with byte loads (little-endian, any alignment): it comes
 * straight from the ESP into a buffer we do not control, so no header is
 * ever cast to a struct. Offsets and sizes: System V ABI gABI "ELF Header"
 * and "Program Header", x86-64 psABI §4. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "layout.h"
#include "elf.h"
#include "bytes.h"

/* e_ident (gABI "ELF Identification") */
#define EI_MAG0		0
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1

#define ET_EXEC		2
#define EM_X86_64	62
#define PT_LOAD		1
#define PN_XNUM		0xFFFF	/* real e_phnum lives in section 0: not supported */

/* Elf64_Ehdr field offsets */
#define EH_TYPE		16
#define EH_MACHINE	18
#define EH_VERSION	20
#define EH_ENTRY	24
#define EH_PHOFF	32
#define EH_PHENTSIZE	54
#define EH_PHNUM	56
#define EH_SIZE		64

/* Elf64_Phdr field offsets */
#define PH_TYPE		0
#define PH_FLAGS	4
#define PH_OFFSET	8
#define PH_VADDR	16
#define PH_PADDR	24
#define PH_FILESZ	32
#define PH_MEMSZ	40
#define PH_SIZE		56

#define PAGE_MASK	(HV_PAGE_SIZE - 1)

static const char *elf_check_header(const uint8_t *f, uint64_t size_bytes)
{
	/* A short file that starts like ELF is a truncated ELF; anything else
	 * is not ELF at all. */
	bool magic = size_bytes >= 4 && f[EI_MAG0] == 0x7F && f[1] == 'E' &&
		     f[2] == 'L' && f[3] == 'F';

	if (!magic)
		return "not an ELF64 file";
	if (size_bytes < EH_SIZE)
		return "truncated";
	if (f[EI_CLASS] != ELFCLASS64)
		return "not an ELF64 file";
	if (f[EI_DATA] != ELFDATA2LSB)
		return "not little-endian";
	if (f[EI_VERSION] != EV_CURRENT || ld32(f + EH_VERSION) != EV_CURRENT)
		return "unsupported ELF version";
	if (ld16(f + EH_MACHINE) != EM_X86_64)
		return "wrong machine (expected x86-64)";
	if (ld16(f + EH_TYPE) != ET_EXEC)
		return "not an executable (ET_EXEC)";
	if (ld16(f + EH_PHENTSIZE) != PH_SIZE)
		return "unexpected program header size";
	if (ld16(f + EH_PHNUM) == 0)
		return "no program headers";
	if (ld16(f + EH_PHNUM) == PN_XNUM)
		return "too many program headers";
	{
		uint64_t phoff = ld64(f + EH_PHOFF);
		uint64_t table = (uint64_t)ld16(f + EH_PHNUM) * PH_SIZE;	/* < 2^22 */

		if (phoff > size_bytes || table > size_bytes - phoff)
			return "program header table extends past end of file";
	}
	return NULL;
}

/* Rules for one PT_LOAD on its own; overlap and entry need all of them. */
static const char *elf_check_segment(const struct elf_seg *s, uint64_t size_bytes,
				     const struct elf_place *place)
{
	uint64_t end;

	if (s->filesz > s->memsz)
		return "segment file size exceeds memory size";
	if (s->offset > size_bytes || s->filesz > size_bytes - s->offset)
		return "segment extends past end of file";
	/* gABI: loadable segments have p_vaddr == p_offset modulo the page
	 * size; the loader maps file pages, so this is what lets it. */
	if ((s->va & PAGE_MASK) != (s->offset & PAGE_MASK))
		return "segment not congruent to its file offset modulo 4 KiB";
	/* The end and its page-rounded end must both be representable. */
	if (s->memsz > UINT64_MAX - s->va)
		return "segment address range overflows";
	end = s->va + s->memsz;
	if (end > UINT64_MAX - PAGE_MASK)
		return "segment address range overflows";
	if (s->va < place->floor)
		return place->below_floor;
	if (s->va < place->lo || end > place->hi)
		return place->outside;
	/* Page permissions follow segment flags: W^X for every page. */
	if (place->forbid_wx && (s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
		return "segment both writable and executable";
	return NULL;
}

static uint64_t page_down(uint64_t va)
{
	return va & ~PAGE_MASK;
}

/* Only for ends checked not to wrap by elf_check_segment. */
static uint64_t page_up(uint64_t va)
{
	return (va + PAGE_MASK) & ~PAGE_MASK;
}

/* The hypervisor: higher half, inside its image area, W^X. */
static const struct elf_place elf_place_hv = {
	.use_paddr = false,
	.forbid_wx = true,
	.floor = HV_HIGHER_HALF,
	.below_floor = "segment in the lower half",
	.lo = HV_IMAGE_BASE,
	.hi = HV_STACK_GUARD_VA,
	.outside = "segment outside the hypervisor image area "
		   "0xFFFFFFFF80000000-0xFFFFFFFFC0000000",
};

const char *elf_validate(const void *file, uint64_t size_bytes,
			 struct elf_image *out, int *bad_seg)
{
	return elf_validate_placed(file, size_bytes, &elf_place_hv, out, bad_seg);
}

/* Reads every PT_LOAD header with bytes into seg[], checked one by one
 * and sorted by va, with the header index of each in phdr_index[]; *n =
 * how many. A reason with *bad_seg = the header it is about, else NULL. */
static const char *elf_collect_segments(const uint8_t *f, uint64_t size_bytes,
					const struct elf_place *place, struct elf_seg *seg,
					int *phdr_index, unsigned *n, int *bad_seg)
{
	uint64_t phoff = ld64(f + EH_PHOFF);
	unsigned phnum = ld16(f + EH_PHNUM);

	*n = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * PH_SIZE;
		const char *reason;
		struct elf_seg s;
		unsigned j;

		/* PT_GNU_STACK, PT_NOTE, PT_DYNAMIC …: nothing to load. */
		if (ld32(ph + PH_TYPE) != PT_LOAD)
			continue;
		s.va = ld64(ph + (place->use_paddr ? PH_PADDR : PH_VADDR));
		s.offset = ld64(ph + PH_OFFSET);
		s.filesz = ld64(ph + PH_FILESZ);
		s.memsz = ld64(ph + PH_MEMSZ);
		s.flags = ld32(ph + PH_FLAGS);

		/* An empty segment has no bytes and no pages: nothing to check. */
		if (s.memsz == 0 && s.filesz == 0)
			continue;
		reason = elf_check_segment(&s, size_bytes, place);
		if (!reason && *n == ELF_MAX_SEGS)
			reason = "too many loadable segments";
		if (reason) {
			*bad_seg = (int)i;
			return reason;
		}
		/* Insertion sort by va, keeping the header index alongside. */
		for (j = *n; j > 0 && seg[j - 1].va > s.va; j--) {
			seg[j] = seg[j - 1];
			phdr_index[j] = phdr_index[j - 1];
		}
		seg[j] = s;
		phdr_index[j] = (int)i;
		(*n)++;
	}
	return *n ? NULL : "no loadable segments";
}

/* Sorted by start, so checking neighbours covers every pair. Pages carry
 * one set of permissions, so two segments may not share one. */
static const char *elf_check_overlap(const struct elf_seg *seg, const int *phdr_index,
				     unsigned n, int *bad_seg)
{
	for (unsigned i = 1; i < n; i++) {
		const struct elf_seg *prev = &seg[i - 1];

		if (page_up(prev->va + prev->memsz) > page_down(seg[i].va)) {
			*bad_seg = phdr_index[i];
			return "segments overlap";
		}
	}
	return NULL;
}

static bool elf_entry_executable(const struct elf_seg *seg, unsigned n, uint64_t entry)
{
	for (unsigned i = 0; i < n; i++)
		if ((seg[i].flags & ELF_PF_X) && entry >= seg[i].va && entry - seg[i].va < seg[i].memsz)
			return true;
	return false;
}

const char *elf_validate_placed(const void *file, uint64_t size_bytes,
				const struct elf_place *place,
				struct elf_image *out, int *bad_seg)
{
	const uint8_t *f = file;
	int phdr_index[ELF_MAX_SEGS];	/* out->seg[i] came from this header */
	const char *reason;
	uint64_t entry;
	unsigned n;

	*bad_seg = -1;
	out->nseg = 0;
	out->entry_va = out->va_lo = out->va_hi = 0;

	reason = elf_check_header(f, size_bytes);
	if (!reason)
		reason = elf_collect_segments(f, size_bytes, place, out->seg, phdr_index, &n, bad_seg);
	if (!reason)
		reason = elf_check_overlap(out->seg, phdr_index, n, bad_seg);
	if (reason)
		return reason;

	out->va_lo = page_down(out->seg[0].va);
	out->va_hi = page_up(out->seg[n - 1].va + out->seg[n - 1].memsz);
	if (out->va_hi - out->va_lo > ELF_IMAGE_MAX)
		return "image too large";
	entry = ld64(f + EH_ENTRY);
	if (!elf_entry_executable(out->seg, n, entry))
		return "entry point outside executable segments";

	out->nseg = n;
	out->entry_va = entry;
	return NULL;
}

void elf_load(const void *file, const struct elf_image *img, void *dest)
{
	const uint8_t *f = file;
	uint8_t *d = dest;
	uint32_t i;

	uint64_t done = 0;	/* bytes of the span written so far */

	/* Each byte is written once: the file's bytes copied, only the rest
	 * zeroed (the hypervisor's .bss is most of its span, its file bytes
	 * the rest; zeroing them first too cost the loader a store per 8
	 * bytes: README, Figures). Segments are sorted by va and do not
	 * overlap (elf_validate), so the gaps lie between them. */
	for (i = 0; i < img->nseg; i++) {
		const struct elf_seg *s = &img->seg[i];
		uint64_t at = s->va - img->va_lo;

		__builtin_memset(d + done, 0, at - done);
		__builtin_memcpy(d + at, f + s->offset, s->filesz);
		done = at + s->filesz;
	}
	__builtin_memset(d + done, 0, img->va_hi - img->va_lo - done);
}
