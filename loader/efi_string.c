/* memset/memcpy for the loader. Byte-at-a-time copies made zeroing the
 * hypervisor's .bss the loader's largest cost (bench: loader_insns): the
 * Makefile has gcc inline them as rep stosq/movsq (-mstringop-strategy),
 * and any call it still emits lands here rather than in libefi's byte
 * loops. */
#include "efi_boot.h"

void *memset(void *dst, int c, __SIZE_TYPE__ n)
{
	uint64_t pattern = 0x0101010101010101ULL * (uint8_t)c;
	void *d = dst;
	__SIZE_TYPE__ q = n / 8, r = n % 8;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(pattern) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, __SIZE_TYPE__ n)
{
	void *d = dst;
	const void *s = src;
	__SIZE_TYPE__ q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(r) : : "memory");
	return dst;
}
