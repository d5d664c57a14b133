/* memcpy & co. The copies use rep movs / rep stos rather than C loops:
 * GCC's loop-idiom pass would turn a byte loop inside memset back into a
 * call to memset. Fast-string microcode makes rep movsb quick anyway
 * (SDM Vol. 1 §7.3.9.3), but an emulator (QEMU's TCG) repeats the string
 * instruction once per element: memcpy and memset move eight bytes a step
 * (rep movsq / stosq) and only the tail byte by byte, which makes zeroing a
 * Linux guest's 256 MiB eight times quicker there. */
#include "lib.h"

#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;
	size_t q = n / 8, b = n % 8;

	__asm__ volatile("rep movsq"
			 : "+D"(dst), "+S"(src), "+c"(q)
			 :
			 : "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(b)
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
	size_t q = n / 8, b = n % 8;
	uint64_t v = (uint8_t)c * 0x0101010101010101ULL;

	__asm__ volatile("rep stosq"
			 : "+D"(dst), "+c"(q)
			 : "a"(v)
			 : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(dst), "+c"(b)
			 : "a"(v)
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
	size_t n = 0;

	while (s[n])
		n++;
	return n;
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
