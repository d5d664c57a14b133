/* The runtime code table (see rt_code.h). What counts as executable
 * mirrors how the loader maps a runtime region (loader/hvmap.c): an
 * EfiRuntimeServicesCode descriptor is executable where no MAT entry
 * covers it, and where one does, unless that entry says EFI_MEMORY_XP. */
#include "rt_code.h"

static uint64_t desc_end_pa(const struct efi_mdesc *d)
{
	return d->pa + (d->npages << EFI_PAGE_SHIFT);
}

/* Appends [va, end), merging with the last range when they touch;
 * false when out is full. */
static bool add(struct rt_code_range *out, size_t cap, size_t *n, uint64_t va, uint64_t end)
{
	if (*n && out[*n - 1].end == va) {
		out[*n - 1].end = end;
		return true;
	}
	if (*n == cap)
		return false;
	out[(*n)++] = (struct rt_code_range){ va, end };
	return true;
}

static bool is_code(const struct efi_mdesc *d)
{
	/* A region that wraps is never mapped (hvmap refuses it). */
	return d->type == EFI_MT_RT_CODE && d->va && d->npages && desc_end_pa(d) > d->pa &&
	       d->va + (d->npages << EFI_PAGE_SHIFT) > d->va;
}

/* The executable pieces of d by the MAT, appended to out. */
static bool add_pieces(const struct efi_mdesc *d, const struct efi_mdesc *mat, size_t mat_count,
		       struct rt_code_range *out, size_t cap, size_t *n)
{
	uint64_t pa = d->pa, end = desc_end_pa(d);

	while (pa < end) {
		uint64_t next = end;
		bool exec = true;

		for (size_t k = 0; k < mat_count; k++) {
			uint64_t ms = mat[k].pa, me = mat[k].pa + (mat[k].npages << EFI_PAGE_SHIFT);

			if (me <= ms)
				continue;
			if (pa >= ms && pa < me) {
				exec = !(mat[k].attr & EFI_MEMORY_XP);
				next = me < end ? me : end;
				break;
			}
			if (ms > pa && ms < next)
				next = ms;
		}
		if (exec && !add(out, cap, n, d->va + (pa - d->pa), d->va + (next - d->pa)))
			return false;
		pa = next;
	}
	return true;
}

static void sort_and_merge(struct rt_code_range *r, size_t *n)
{
	size_t m = 0;

	for (size_t i = 1; i < *n; i++) {
		struct rt_code_range x = r[i];
		size_t j = i;

		for (; j > 0 && r[j - 1].va > x.va; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
	for (size_t i = 0; i < *n; i++) {
		if (m && r[i].va <= r[m - 1].end) {
			if (r[i].end > r[m - 1].end)
				r[m - 1].end = r[i].end;
		} else {
			r[m++] = r[i];
		}
	}
	*n = m;
}

size_t rt_code_ranges(const struct efi_mdesc *map, size_t count, const struct efi_mdesc *mat,
		      size_t mat_count, struct rt_code_range *out, size_t cap)
{
	size_t n = 0;
	bool fits = true;
	uint64_t lo = ~0ULL, hi = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; fits && i < count; i++)
		if (is_code(&map[i]))
			fits = add_pieces(&map[i], mat, mat ? mat_count : 0, out, cap, &n);
	if (fits) {
		sort_and_merge(out, &n);
		return n;
	}
	/* Too many pieces: the descriptors whole, or, if even those do not
	 * fit, one range over all of them (coarser, never refusing code). */
	n = 0;
	fits = true;
	for (size_t i = 0; i < count; i++) {
		const struct efi_mdesc *d = &map[i];

		if (!is_code(d))
			continue;
		if (d->va < lo)
			lo = d->va;
		if (d->va + (d->npages << EFI_PAGE_SHIFT) > hi)
			hi = d->va + (d->npages << EFI_PAGE_SHIFT);
		if (fits && !add(out, cap, &n, d->va, d->va + (d->npages << EFI_PAGE_SHIFT)))
			fits = false;
	}
	if (!fits) {
		out[0] = (struct rt_code_range){ lo, hi };
		return 1;
	}
	sort_and_merge(out, &n);
	return n;
}
