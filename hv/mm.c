/* Live page-table access: the shell's pt command, the fault dump and the
 * ACPI parser use it to look before they touch. */
#include "mm.h"

#include "cpu.h"

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
