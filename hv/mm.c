/* Live page-table access: the shell's pt command, the fault dump and the
 * ACPI parser use it to look before they touch. */
#include "mm.h"

#include "cpu.h"
#include "bootinfo.h"

static void *direct_map_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return hv_pa_to_va(pa);
}

void mm_live_builder(struct pt_builder *b)
{
	*b = (struct pt_builder){
		.root_pa = cpu_read_cr3() & PTE_ADDR_MASK,
		.alloc_page = NULL,
		.pa_to_ptr = direct_map_ptr,
		.ctx = NULL,
		.allow_nx = true,
	};
}

bool mm_va_mapped(uint64_t va, uint64_t len, bool need_write)
{
	struct pt_builder b;
	uint64_t last;

	if (len == 0 || va + len - 1 < va)
		return false;
	last = va + len - 1;
	mm_live_builder(&b);
	for (uint64_t page = va & ~(HV_PAGE_SIZE - 1);;) {
		struct pt_walk w;
		uint64_t next;

		if (!pt_canonical(page) || pt_walk(&b, page, &w) != PT_OK || !w.present)
			return false;
		if (need_write && !w.writable)
			return false;
		/* Step over the whole leaf, whatever its size. */
		uint64_t step = w.page_size >= HV_PAGE_SIZE ? w.page_size : HV_PAGE_SIZE;

		next = (page & ~(step - 1)) + step;
		if (next == 0 || next > last)
			return true;
		page = next;
	}
}

const void *mm_pa_ptr_checked(uint64_t pa, uint64_t len)
{
	uint64_t va = HV_DIRECT_MAP_BASE + pa;

	/* The direct map ends where the runtime window begins (layout.h);
	 * beyond that va would name something else. */
	const uint64_t span = HV_RT_WINDOW_DEFAULT - HV_DIRECT_MAP_BASE;

	if (pa >= span || len > span - pa)
		return NULL;
	return mm_va_mapped(va, len, false) ? (const void *)(uintptr_t)va : NULL;
}

/* The loader's page-table pool: the pages it did not use are ours, for
 * tables built after entry (the runtime address space). Bump allocation;
 * nothing is freed. */
static struct {
	uint64_t pa, pages, used;
} pool;

void mm_pool_init(const struct hv_bootinfo *bi)
{
	pool.pa = bi->pt_pool.pa;
	pool.pages = bi->pt_pool.size_bytes / HV_PAGE_SIZE;
	pool.used = bi->pt_pages_used;
}

void *mm_pool_alloc(void *ctx, uint64_t *pa)
{
	uint64_t *p;

	(void)ctx;
	if (pool.used >= pool.pages)
		return NULL;
	*pa = pool.pa + pool.used * HV_PAGE_SIZE;
	pool.used++;
	p = hv_pa_to_va(*pa);
	for (unsigned i = 0; i < HV_PAGE_SIZE / 8; i++)
		p[i] = 0;
	return p;
}

uint64_t mm_pool_used(void)
{
	return pool.used;
}

void *mm_direct_ptr(void *ctx, uint64_t pa)
{
	return direct_map_ptr(ctx, pa);
}
