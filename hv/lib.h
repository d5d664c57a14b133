/* The C library functions the hypervisor provides itself. GCC emits calls to
 * memcpy/memmove/memset/memcmp even with -fno-builtin (C11 §5.1.2.1 lets a
 * freestanding compiler rely on them). */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
