/* memcpy & co. The copies use rep movsb / rep stosb rather than C loops:
 * GCC's loop-idiom pass would turn a byte loop inside memset back into a
 * call to memset. Fast-string microcode makes rep movsb quick anyway
 * (SDM Vol. 1 §7.3.9.3). */
#include "lib.h"

#include <stdint.h>
#include "loader/str.h"

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;

	/* Whole aligned quadwords as rep movsq, like memset's stosq: a Linux
	 * guest's 14 MB kernel is copied in an eighth of the steps under an
	 * emulator. */
	if ((((uintptr_t)dst | (uintptr_t)src | n) & 7) == 0) {
		n /= 8;
		__asm__ volatile("rep movsq"
				 : "+D"(dst), "+S"(src), "+c"(n)
				 :
				 : "memory");
		return ret;
	}
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(n)
			 :
			 : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards, from the last byte. */
	{
		void *dl = (uint8_t *)dst + n - 1;
		const void *sl = (const uint8_t *)src + n - 1;

		__asm__ volatile("std; rep movsb; cld"
				 : "+D"(dl), "+S"(sl), "+c"(n)
				 :
				 : "memory");
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	/* Whole aligned quadwords (guest memory, page tables) as rep stosq:
	 * the same on hardware with fast strings, 8x fewer iterations under
	 * an emulator such as QEMU TCG, where zeroing 64 MiB of guest memory
	 * byte by byte takes seconds. */
	if ((((uintptr_t)dst | n) & 7) == 0) {
		uint64_t q = 0x0101010101010101ULL * (uint8_t)c;

		n /= 8;
		__asm__ volatile("rep stosq"
				 : "+D"(dst), "+c"(n)
				 : "a"(q)
				 : "memory");
		return ret;
	}
	__asm__ volatile("rep stosb"
			 : "+D"(dst), "+c"(n)
			 : "a"(c)
			 : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *pa = a, *pb = b;

	for (size_t i = 0; i < n; i++)
		if (pa[i] != pb[i])
			return pa[i] < pb[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	return str_len(s);
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}
