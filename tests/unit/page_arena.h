/* Page-table pages for host tests and fuzzers: a block of 4 KiB pages that
 * pretend to live at physical address base_pa, behind pt_builder's
 * alloc_page / pa_to_ptr (ctx = the arena). A table pa the builder never
 * handed out aborts: that is a bug in the code under test. */
#ifndef HVBOOT_TEST_PAGE_ARENA_H
#define HVBOOT_TEST_PAGE_ARENA_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 256 GiB: never a physical address the tests map. */
#define PAGE_ARENA_PA	0x0000004000000000ULL

struct page_arena {
	uint8_t (*page)[4096];
	uint64_t base_pa;
	uint64_t used, cap;
};

static inline void *page_arena_alloc(void *ctx, uint64_t *pa)
{
	struct page_arena *a = ctx;

	if (a->used >= a->cap)
		return NULL;
	memset(a->page[a->used], 0, 4096);
	*pa = a->base_pa + a->used * 4096;
	return a->page[a->used++];
}

static inline void *page_arena_ptr(void *ctx, uint64_t pa)
{
	struct page_arena *a = ctx;

	if (pa < a->base_pa || pa >= a->base_pa + a->used * 4096 || (pa & 0xFFF))
		abort();
	return a->page[(pa - a->base_pa) / 4096];
}

#endif
