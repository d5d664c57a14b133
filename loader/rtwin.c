/* Runtime window planning. Two layouts, and identity beside them:
 *  offset  — VirtualStart = base + PhysicalStart. Keeps every distance and
 *            alignment between regions, which some firmware silently relies
 *            on (code addressing data at a fixed displacement).
 *  compact — packed top-down, regions in physical order, each keeping its
 *            offset within a 2 MiB page so large pages stay possible;
 *            physically adjacent regions stay virtually adjacent. Used when
 *            a region lies above the slot's 512 GiB.
 *  identity — VirtualStart = PhysicalStart (rt_compat = identity, the model
 *            of Xen and FreeBSD): no window; the regions live only in the
 *            runtime address space, at their physical addresses. */
#include "rtwin.h"
#include "memmap.h"
#include "layout.h"

#define SZ_2M		HV_LARGE_2M
#define LOWER_HALF_END	0x0000800000000000ULL

static uint64_t region_bytes(const struct rt_region *r)
{
	return r->npages << EFI_PAGE_SHIFT;
}

static const char *plan_offset(struct rtwin_plan *p)
{
	for (uint32_t i = 0; i < p->count; i++) {
		struct rt_region *r = &p->r[i];

		if (r->pa >= HV_PML4_SLOT_SIZE || region_bytes(r) > HV_PML4_SLOT_SIZE - r->pa)
			return "region above 512 GiB";
		r->va = p->base + r->pa;
	}
	return NULL;
}

static const char *plan_identity(struct rtwin_plan *p)
{
	for (uint32_t i = 0; i < p->count; i++) {
		struct rt_region *r = &p->r[i];

		/* The lower half of 4-level paging (SDM Vol. 1 §3.3.7.1). */
		if (r->pa >= LOWER_HALF_END || region_bytes(r) > LOWER_HALF_END - r->pa)
			return "region above 128 TiB cannot be mapped at its physical address";
		r->va = r->pa;
	}
	return NULL;
}

static const char *plan_compact(struct rtwin_plan *p)
{
	uint64_t cursor = p->base + HV_PML4_SLOT_SIZE;	/* may wrap to 0 at the top slot */

	for (uint32_t k = p->count; k-- > 0;) {
		struct rt_region *r = &p->r[k];
		uint64_t size = region_bytes(r), off = r->pa & (SZ_2M - 1);
		uint64_t room = cursor - p->base;		/* bytes left below cursor */

		if (size + off > room)
			return "runtime regions do not fit in the 512 GiB window";
		/* Highest va <= cursor - size with va = off (mod 2 MiB). */
		uint64_t va = ((cursor - size - off) & ~(SZ_2M - 1)) + off;

		r->va = va;
		cursor = va;
	}
	return NULL;
}

/* Every runtime descriptor of m into out->r[], checked and sorted by pa. */
static const char *collect_regions(const struct efi_mmap *m, uint64_t n, struct rtwin_plan *out)
{
	for (uint64_t i = 0; i < n; i++) {
		const struct efi_mdesc *d = efi_mmap_at(m, i);
		bool missing;
		uint32_t j;

		if (!memmap_is_runtime(d, &missing) || d->npages == 0)
			continue;
		if (d->pa & 0xFFF)
			return "runtime region not 4 KiB aligned";
		if (d->npages > HV_PML4_SLOT_SIZE >> EFI_PAGE_SHIFT)
			return "runtime region larger than the window";
		if (d->pa + (d->npages << EFI_PAGE_SHIFT) - 1 < d->pa)
			return "runtime region wraps past the top of the address space";
		if (out->count == RTWIN_MAX)
			return "too many runtime regions";
		out->missing_bit += missing;
		/* Insertion keeps r[] sorted by pa. */
		for (j = out->count; j > 0 && out->r[j - 1].pa > d->pa; j--)
			out->r[j] = out->r[j - 1];
		out->r[j] = (struct rt_region){
			.type = d->type, .desc_index = (uint32_t)i, .pa = d->pa,
			.npages = d->npages, .attr = d->attr, .va = 0,
		};
		out->count++;
	}
	return NULL;
}

/* No two regions overlap, and runtime RAM lies where the hypervisor maps
 * RAM: inside the direct map's reach, clear of memory that is not RAM
 * (memmap_normalize gives such an overlap to the device or reserved
 * memory; the window would map it with the region's RAM caching). */
static const char *check_regions(const struct efi_mmap *m, uint64_t n,
				 const struct rtwin_plan *out)
{
	for (uint32_t i = 1; i < out->count; i++)
		if (out->r[i].pa - out->r[i - 1].pa < region_bytes(&out->r[i - 1]))
			return "runtime regions overlap";
	for (uint32_t i = 0; i < out->count; i++) {
		const struct rt_region *r = &out->r[i];
		uint64_t r_last = r->pa + (region_bytes(r) - 1);

		if (!memmap_is_ram(r->type))
			continue;
		/* memmap_normalize leaves it out of the hypervisor's map. */
		if (r_last >= HV_DIRECT_MAP_MAX)
			return "runtime RAM beyond the direct map's reach";
		for (uint64_t k = 0; k < n; k++) {
			const struct efi_mdesc *d = efi_mmap_at(m, k);
			uint64_t d_last = d->pa + ((d->npages << EFI_PAGE_SHIFT) - 1);

			if (d->npages && !memmap_is_ram(d->type) &&
			    (d->pa & ~0xFFFULL) <= r_last && (d_last | 0xFFF) >= r->pa)
				return "runtime region overlaps memory that is not RAM";
		}
	}
	return NULL;
}

/* The VirtualStarts of the layout asked for (offset falling back to
 * compact when a region lies above the slot); on failure none. */
static const char *assign_va(struct rtwin_plan *out, enum hv_rt_layout layout)
{
	const char *why;

	if (layout == HV_RT_LAYOUT_IDENTITY) {
		why = plan_identity(out);
	} else if (layout == HV_RT_LAYOUT_OFFSET && !plan_offset(out)) {
		return NULL;
	} else {
		if (layout == HV_RT_LAYOUT_OFFSET) {
			out->layout = HV_RT_LAYOUT_COMPACT;
			out->fell_back = true;
		}
		why = plan_compact(out);
	}
	if (why)
		for (uint32_t i = 0; i < out->count; i++)
			out->r[i].va = 0;
	return why;
}

const char *rtwin_plan(const struct efi_mmap *m, uint64_t base, enum hv_rt_layout layout,
		       struct rtwin_plan *out)
{
	uint64_t n = efi_mmap_count(m);
	const char *why;

	out->base = base;
	out->layout = layout;
	out->fell_back = false;
	out->missing_bit = 0;
	out->count = 0;
	if (base & (HV_PML4_SLOT_SIZE - 1))
		return "window base not 512 GiB aligned";
	if (m->desc_size < sizeof(struct efi_mdesc))
		return "descriptor size smaller than EFI_MEMORY_DESCRIPTOR";
	why = collect_regions(m, n, out);
	if (!why)
		why = check_regions(m, n, out);
	if (!why)
		why = assign_va(out, layout);
	return why;
}

const char *rtwin_check_window(uint64_t base, uint64_t ram_top)
{
	uint64_t slots_end;

	if (ram_top > HV_DIRECT_MAP_MAX)	/* more is never direct-mapped */
		ram_top = HV_DIRECT_MAP_MAX;
	/* Whole slots: RAM up to 512 MiB fills slot 256 only, so slot 257 is
	 * free (HV_DIRECT_MAP_MAX is slot-aligned: no overflow). */
	slots_end = HV_DIRECT_MAP_BASE +
		    ((ram_top + HV_PML4_SLOT_SIZE - 1) & ~(HV_PML4_SLOT_SIZE - 1));
	if (base >= HV_DIRECT_MAP_BASE && base < slots_end)
		return "rt_window overlaps the direct map of RAM up to";
	return NULL;
}

const struct rt_region *rtwin_find_pa(const struct rtwin_plan *p, uint64_t pa)
{
	for (uint32_t i = 0; i < p->count; i++)
		if (pa >= p->r[i].pa && pa - p->r[i].pa < region_bytes(&p->r[i]))
			return &p->r[i];
	return NULL;
}

const struct rt_region *rtwin_find_va(const struct rtwin_plan *p, uint64_t va)
{
	for (uint32_t i = 0; i < p->count; i++)
		if (p->r[i].va && va >= p->r[i].va && va - p->r[i].va < region_bytes(&p->r[i]))
			return &p->r[i];
	return NULL;
}

const struct rt_region *rtwin_find_code_va(const struct rtwin_plan *p, uint64_t va)
{
	const struct rt_region *r = rtwin_find_va(p, va);

	return r && r->type == EFI_MT_RT_CODE ? r : NULL;
}
