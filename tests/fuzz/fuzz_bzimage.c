/* libFuzzer harness for hv/vm/linux/bzimage.c, zeropage.c and
 * linuxboot.c: any bytes as a kernel file (and as its initrd). When the
 * header is accepted its parts lie inside the file; when guest memory is
 * prepared, the entry, the zero page's command line and initrd lie
 * inside guest memory (ASan watches the buffer's edges). Seeds: the
 * setup code of Debian's 6.1 cloud kernel. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hv/vm/linux/linuxboot.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define MEM	(32ULL << 20)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *mem;
	struct bzimage k;
	struct linux_entry e;
	uint64_t initrd_gpa, initrd_bytes;

	if (!mem)
		mem = malloc(MEM);
	bzimage_detect(data, size);
	if (bzimage_parse(data, size, &k))
		return 0;
	CHECK(k.setup_bytes >= 512 && k.kernel_offset + k.kernel_bytes == size);
	CHECK(k.header_end >= BZ_HEADER_MIN_END && k.header_end <= BZ_HEADER_MAX_END &&
	      k.header_end <= k.setup_bytes);
	CHECK(k.init_size >= k.kernel_bytes);
	if (linux_prepare(mem, MEM, data, &k, data, size / 2, "console=ttyS0", &e))
		return 0;
	CHECK(e.rip >= LX_KERNEL_FLOOR_GPA + BZ_ENTRY64_OFFSET && e.rip < MEM);
	CHECK(e.rsi == LX_ZP_GPA && e.cr3 >= LX_PT_GPA && e.cr3 < LX_PT_END_GPA);
	CHECK(rd32(mem + LX_ZP_GPA + BZ_CMD_LINE_PTR) == LX_CMDLINE_GPA);
	initrd_gpa = rd32(mem + LX_ZP_GPA + BZ_RAMDISK_IMAGE);
	initrd_bytes = rd32(mem + LX_ZP_GPA + BZ_RAMDISK_SIZE);
	CHECK(initrd_bytes == size / 2);
	CHECK(!initrd_bytes || (initrd_gpa >= e.rip - BZ_ENTRY64_OFFSET + k.init_size &&
				initrd_gpa + initrd_bytes <= MEM));
	CHECK(memcmp(mem + initrd_gpa, data, initrd_bytes) == 0);
	return 0;
}
