/* The zero page and its e820 map (README: Guests, the Linux kind; the
 * Linux x86 boot protocol's "64-bit boot protocol": a zeroed boot_params
 * with the setup header copied from the kernel file). */
#include "zeropage.h"
#include "loader/bytes.h"

const char *e820_build(uint64_t mem_bytes, const struct zp_range *reserved, size_t n_reserved,
		       struct e820_entry *out, size_t cap, size_t *n_out)
{
	uint64_t at = 0;
	size_t n = 0, i;

	/* Appends [addr, addr + size) of type, merging with the last entry. */
#define E820_ADD(a, s, t) do {							\
		if (n && out[n - 1].type == (t) && out[n - 1].addr + out[n - 1].size == (a)) { \
			out[n - 1].size += (s);						\
		} else {							\
			if (n == cap)						\
				return "guest memory map needs more e820 entries than the zero page holds"; \
			out[n++] = (struct e820_entry){ (a), (s), (t) };	\
		}								\
	} while (0)

	for (i = 0; i < n_reserved; i++) {
		const struct zp_range *r = &reserved[i];

		if (r->gpa < at || r->gpa > mem_bytes || r->bytes > mem_bytes - r->gpa)
			return "reserved ranges overlap, are unsorted or leave guest memory";
		if (r->bytes == 0)
			continue;
		if (r->gpa > at)
			E820_ADD(at, r->gpa - at, E820_RAM);
		E820_ADD(r->gpa, r->bytes, E820_RESERVED);
		at = r->gpa + r->bytes;
	}
	if (at < mem_bytes)
		E820_ADD(at, mem_bytes - at, E820_RAM);
#undef E820_ADD
	*n_out = n;
	return NULL;
}

const char *zeropage_build(uint8_t *zp, const void *file, const struct bzimage *k,
			   const struct zp_params *p)
{
	const uint8_t *f = file;
	uint64_t end;

	if (p->e820_count > ZP_E820_MAX)
		return "guest memory map needs more e820 entries than the zero page holds";
	if (p->initrd_bytes) {
		end = p->initrd_gpa + p->initrd_bytes - 1;
		if (end < p->initrd_gpa || end > k->initrd_addr_max)
			return "initrd lies above the kernel's initrd_addr_max";
	}
	__builtin_memset(zp, 0, ZP_BYTES);
	/* The setup header at its own offsets (boot protocol: "copy the
	 * setup header into the zero page"), up to where the kernel's jump
	 * at 0x200 says it ends. */
	__builtin_memcpy(zp + BZ_SETUP_SECTS, f + BZ_SETUP_SECTS, k->header_end - BZ_SETUP_SECTS);
	zp[BZ_TYPE_OF_LOADER] = ZP_LOADER_UNDEFINED;
	st32(zp + BZ_CMD_LINE_PTR, (uint32_t)p->cmdline_gpa);
	st32(zp + ZP_EXT_CMD_LINE_PTR, (uint32_t)(p->cmdline_gpa >> 32));
	st32(zp + BZ_RAMDISK_IMAGE, (uint32_t)p->initrd_gpa);
	st32(zp + ZP_EXT_RAMDISK_IMAGE, (uint32_t)(p->initrd_gpa >> 32));
	st32(zp + BZ_RAMDISK_SIZE, (uint32_t)p->initrd_bytes);
	st32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)(p->initrd_bytes >> 32));
	zp[ZP_E820_ENTRIES] = (uint8_t)p->e820_count;
	for (size_t i = 0; i < p->e820_count; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + 20 * i;

		st64(e, p->e820[i].addr);
		st64(e + 8, p->e820[i].size);
		st32(e + 16, p->e820[i].type);
	}
	return NULL;
}
