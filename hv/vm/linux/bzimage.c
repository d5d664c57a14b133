/* The bzImage setup header (README: Guests, the Linux kind), checked in
 * this order, one reason per failure:
 *   1. the file holds the header fields of protocol 2.12 (0x268 bytes);
 *   2. "HdrS" at 0x202 and the boot-sector flag 0xAA55 at 0x1FE;
 *   3. protocol 2.12 or later (xloadflags, pref_address, init_size);
 *   4. loaded high (bzImage, not zImage) with a 64-bit entry (XLF_KERNEL_64);
 *   5. setup code ((setup_sects + 1) * 512 bytes) and the header inside it
 *      and inside the file;
 *   6. the protected-mode kernel (syssize * 16 bytes) non-empty and inside
 *      the file, its compressed payload inside it;
 *   7. init_size holds the kernel; a relocatable kernel's alignment is a
 *      power of two of at least 4 KiB.
 * Placement in guest memory is separate (bzimage_place). */
#include "bzimage.h"
#include "layout.h"
#include "loader/bytes.h"

bool bzimage_detect(const void *file, uint64_t size_bytes)
{
	return size_bytes >= BZ_HEADER + 4 && ld32((const uint8_t *)file + BZ_HEADER) == BZ_HDRS_MAGIC;
}

const char *bzimage_parse(const void *file, uint64_t size_bytes, struct bzimage *out)
{
	const uint8_t *f = file;
	uint32_t setup_sects, syssize_bytes, payload_offset, payload_length;
	uint64_t kernel_bytes;

	if (size_bytes < BZ_HEADER_MIN_END)
		return "file too small for a bzImage setup header";
	if (ld32(f + BZ_HEADER) != BZ_HDRS_MAGIC)
		return "no HdrS setup header (not a bzImage)";
	if (ld16(f + BZ_BOOT_FLAG) != BZ_BOOT_FLAG_MAGIC)
		return "boot sector flag is not 0xAA55";
	out->version = ld16(f + BZ_VERSION);
	if (out->version < BZ_PROTOCOL_MIN)
		return "boot protocol older than 2.12";
	if (!(f[BZ_LOADFLAGS] & BZ_LOADED_HIGH))
		return "kernel does not load high (a zImage, not a bzImage)";
	out->xloadflags = ld16(f + BZ_XLOADFLAGS);
	if (!(out->xloadflags & BZ_XLF_KERNEL_64))
		return "no 64-bit entry point (XLF_KERNEL_64 clear)";

	setup_sects = f[BZ_SETUP_SECTS] ? f[BZ_SETUP_SECTS] : 4;
	out->setup_bytes = (setup_sects + 1) * 512;
	out->header_end = BZ_JUMP + 2 + f[BZ_JUMP + 1];
	if (out->setup_bytes > size_bytes)
		return "setup code extends past end of file";
	if (out->header_end < BZ_HEADER_MIN_END || out->header_end > BZ_HEADER_MAX_END ||
	    out->header_end > out->setup_bytes)
		return "setup header end (jump at 0x200) outside 0x268..0x290 or the setup code";

	kernel_bytes = size_bytes - out->setup_bytes;
	/* syssize counts 16-byte paragraphs of the protected-mode code. */
	syssize_bytes = ld32(f + BZ_SYSSIZE);
	if (syssize_bytes == 0)
		return "syssize is zero (no protected-mode kernel)";
	if (syssize_bytes > UINT32_MAX / 16 || (uint64_t)syssize_bytes * 16 > kernel_bytes)
		return "protected-mode kernel (syssize) extends past end of file";
	payload_offset = ld32(f + BZ_PAYLOAD_OFFSET);
	payload_length = ld32(f + BZ_PAYLOAD_LENGTH);
	if (payload_offset > kernel_bytes || payload_length > kernel_bytes - payload_offset)
		return "compressed payload extends past end of file";

	out->kernel_offset = out->setup_bytes;
	out->kernel_bytes = kernel_bytes;
	out->pref_address = ld64(f + BZ_PREF_ADDRESS);
	out->kernel_alignment = ld32(f + BZ_KERNEL_ALIGNMENT);
	out->relocatable = f[BZ_RELOCATABLE] != 0;
	out->init_size = ld32(f + BZ_INIT_SIZE);
	out->initrd_addr_max = ld32(f + BZ_INITRD_ADDR_MAX);
	out->cmdline_size = ld32(f + BZ_CMDLINE_SIZE);
	if (out->init_size < kernel_bytes)
		return "init_size smaller than the kernel it must hold";
	if (out->relocatable && (out->kernel_alignment < HV_PAGE_SIZE ||
				 (out->kernel_alignment & (out->kernel_alignment - 1))))
		return "kernel_alignment is not a power of two of at least 4 KiB";
	return NULL;
}

const char *bzimage_place(const struct bzimage *k, uint64_t mem_bytes, uint64_t floor_gpa,
			  uint64_t *load_gpa)
{
	uint64_t at = k->pref_address;

	if (k->relocatable) {
		uint64_t a = k->kernel_alignment;

		if (at < floor_gpa)
			at = floor_gpa;
		if (at > UINT64_MAX - (a - 1))
			return "kernel does not fit in guest memory";
		at = (at + a - 1) & ~(a - 1);
	} else if (at < floor_gpa) {
		return "kernel is not relocatable and its pref_address lies below 1 MiB";
	}
	if (at > mem_bytes || k->init_size > mem_bytes - at)
		return "kernel does not fit in guest memory (pref_address + init_size)";
	*load_gpa = at;
	return NULL;
}
