/* libFuzzer harness for hv/vm/guestimg.c: any bytes as a guest image. When
 * the validator accepts, every segment must lie in [1 MiB, guest memory)
 * with its file bytes inside the file, and preparing guest memory must
 * stay inside it (ASan watches the buffer's edges). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hv/vm/guestimg.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define MEM	(4ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *mem;
	struct elf_image img;
	struct guest_entry e;
	int bad;

	if (!mem)
		mem = malloc(MEM);
	if (guestimg_validate(data, size, MEM, &img, &bad))
		return 0;
	CHECK(img.nseg >= 1);
	for (uint32_t i = 0; i < img.nseg; i++) {
		const struct elf_seg *s = &img.seg[i];

		CHECK(s->va >= GUEST_IMAGE_MIN_GPA && s->va + s->memsz <= MEM);
		CHECK(s->filesz <= s->memsz && s->offset + s->filesz <= size);
	}
	CHECK(guestimg_prepare(mem, MEM, data, &img, "x", &e) == NULL);
	CHECK(e.rsp == MEM && e.rip >= GUEST_IMAGE_MIN_GPA && e.rip < MEM);
	return 0;
}
