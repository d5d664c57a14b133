/* libFuzzer harness for loader/elf.c: any bytes into elf_validate; when it
 * accepts, the image must keep every promise elf_load and the page-table
 * builder rely on, and elf_load must produce exactly the file bytes and
 * zeros. A broken promise is a crash. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "loader/bytes.h"
#include "loader/elf.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* dest[from, to) is all zero. */
static void check_zero(const uint8_t *dest, uint64_t from, uint64_t to)
{
	static const uint8_t zero[4096];

	while (from < to) {
		uint64_t n = to - from < sizeof(zero) ? to - from : sizeof(zero);

		CHECK(memcmp(dest + from, zero, n) == 0);
		from += n;
	}
}

static void check_image(const uint8_t *data, size_t size, const struct elf_image *img)
{
	uint64_t span = img->va_hi - img->va_lo;
	bool entry_ok = false;

	CHECK(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGS);
	CHECK(img->va_lo % HV_PAGE_SIZE == 0 && img->va_hi % HV_PAGE_SIZE == 0);
	CHECK(img->va_lo >= HV_IMAGE_BASE && img->va_hi <= HV_STACK_GUARD_VA);
	CHECK(img->va_lo < img->va_hi && span <= ELF_IMAGE_MAX);
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct elf_seg *s = &img->seg[i];

		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(s->va >= img->va_lo && s->memsz <= img->va_hi - s->va);
		CHECK(!((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X)));
		CHECK((s->va ^ s->offset) % HV_PAGE_SIZE == 0);
		if (i > 0) {
			const struct elf_seg *p = &img->seg[i - 1];
			uint64_t prev_end = (p->va + p->memsz + HV_PAGE_SIZE - 1) & ~(HV_PAGE_SIZE - 1);

			CHECK(p->va < s->va);			/* sorted */
			CHECK(prev_end <= (s->va & ~(HV_PAGE_SIZE - 1)));	/* no shared page */
		}
		if ((s->flags & ELF_PF_X) && img->entry_va >= s->va &&
		    img->entry_va - s->va < s->memsz)
			entry_ok = true;
	}
	CHECK(entry_ok);

	{
		uint8_t *dest = malloc(span);
		uint64_t pos = 0;

		CHECK(dest != NULL);
		memset(dest, 0xA5, span);
		elf_load(data, img, dest);
		for (uint32_t i = 0; i < img->nseg; i++) {
			const struct elf_seg *s = &img->seg[i];
			uint64_t at = s->va - img->va_lo;

			check_zero(dest, pos, at);
			CHECK(memcmp(dest + at, data + s->offset, s->filesz) == 0);
			pos = at + s->filesz;
		}
		check_zero(dest, pos, span);
		free(dest);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	int bad = -2;
	const char *why = elf_validate(data, size, &img, &bad);

	if (why) {
		CHECK(why[0] != '\0');
		/* Blames a program header that exists, or none. */
		CHECK(bad == -1 || (size >= 64 && bad >= 0 && bad < ld16(data + 56)));
		return 0;
	}
	CHECK(bad == -1);
	check_image(data, size, &img);
	return 0;
}
