/* Builds the hypervisor's address space from the final memory map:
 *   image segments   at their p_vaddr, permissions from p_flags
 *   stacks           in PML4 511, guard page below each left unmapped (the
 *                    exception stacks too, one guard each)
 *   direct map       all RAM at HV_DIRECT_MAP_BASE + pa, RW NX, in the
 *                    largest pages the run allows: a run is contiguous RAM
 *                    of one cacheability, whatever its EFI types (a large
 *                    page never covers a hole, MMIO, reserved memory or a
 *                    different cacheability; README: What happens at boot)
 *   runtime window   every runtime region at its planned VirtualStart,
 *                    RAM cached as its attributes allow, MMIO always UC,
 *                    permissions from the MAT
 *   trampoline       one identity page, R X
 * Nothing else of the firmware's is mapped. */
#include "hvmap.h"
#include "layout.h"
#include "memmap.h"

static uint64_t desc_end(const struct efi_mdesc *d)
{
	return d->pa + (d->npages << EFI_PAGE_SHIFT);
}

const char *hvmap_for_each_direct_run(const struct efi_mdesc *map, uint64_t count,
					 hvmap_run_fn fn, void *ctx)
{
	uint64_t i = 0;

	while (i < count) {
		const struct efi_mdesc *d = &map[i];
		uint64_t start, end;
		unsigned flags;
		uint64_t j;

		if (!memmap_is_ram(d->type)) {
			i++;
			continue;
		}
		start = d->pa;
		end = desc_end(d);
		flags = PT_MAP_W | hvmap_cache_flags(d->type, d->attr);
		for (j = i + 1; j < count; j++) {
			const struct efi_mdesc *n = &map[j];

			/* Same entry bits, so one leaf may span the type
			 * boundary (SDM Vol. 3A §4.5: a leaf has one set of
			 * attributes); a hole or another cache ends the run. */
			if (!memmap_is_ram(n->type) || n->pa != end ||
			    (PT_MAP_W | hvmap_cache_flags(n->type, n->attr)) != flags)
				break;
			end = desc_end(n);
		}
		const char *st = fn(ctx, start, end - start, flags);

		if (st != PT_OK)
			return st;
		i = j;
	}
	return PT_OK;
}

struct direct_ctx {
	struct pt_builder *b;
	struct hvmap_error *err;
};

static const char *map_direct_run(void *ctx, uint64_t pa, uint64_t len, unsigned flags)
{
	struct direct_ctx *c = ctx;
	const char *st = PT_EALIGN;

	/* RAM beyond what the direct map's slots can hold (it would wrap into
	 * the window, the image or the lower half) is an error, not a map. */
	if (pa < HV_DIRECT_MAP_MAX && len <= HV_DIRECT_MAP_MAX - pa)
		st = pt_map_range(c->b, HV_DIRECT_MAP_BASE + pa, pa, len, flags);

	if (st != PT_OK)
		*c->err = (struct hvmap_error){ "direct map", HV_DIRECT_MAP_BASE + pa, pa, len, st };
	return st;
}

static const char *map_one(struct pt_builder *b, struct hvmap_error *err, const char *what,
			      uint64_t va, uint64_t pa, uint64_t len, unsigned flags)
{
	const char *st = pt_map_range(b, va, pa, len, flags);

	if (st != PT_OK)
		*err = (struct hvmap_error){ what, va, pa, len, st };
	return st;
}

/* Default permissions of a runtime region without a MAT entry: code RWX
 * (its data may sit in the same pages), everything else RW NX. */
static unsigned rt_default_perm(uint32_t type)
{
	return type == EFI_MT_RT_CODE ? (PT_MAP_W | PT_MAP_X) : PT_MAP_W;
}

/* UEFI 2.10 §4.6.4: MAT entries carry EFI_MEMORY_RO / EFI_MEMORY_XP. */
static unsigned mat_perm(uint64_t attr)
{
	unsigned p = 0;

	if (!(attr & EFI_MEMORY_RO))
		p |= PT_MAP_W;
	if (!(attr & EFI_MEMORY_XP))
		p |= PT_MAP_X;
	return p;
}

/* The permissions of the runtime pages from pa on, and in *next where they
 * change (at most end): the MAT entry holding pa, or the type's default up
 * to the next MAT entry. The MAT is sorted by address (UEFI 2.10 §4.6.4
 * requires ascending order). */
static unsigned rt_piece_perm(const struct hvmap_input *in, uint32_t type, uint64_t pa,
			      uint64_t end, uint64_t *next)
{
	*next = end;
	for (uint32_t k = 0; k < in->mat_count; k++) {
		const struct efi_mdesc *m = &in->mat[k];
		uint64_t ms = m->pa, me = m->pa + (m->npages << EFI_PAGE_SHIFT);

		if (pa >= ms && pa < me) {
			*next = me < end ? me : end;
			/* The MAT narrows, never widens: data stays NX. */
			return mat_perm(m->attr) & rt_default_perm(type);
		}
		if (ms > pa && ms < *next)
			*next = ms;	/* gap up to the next MAT entry */
	}
	return rt_default_perm(type);
}

/* Maps a run of runtime regions (rt_run_end) at va, splitting it where the
 * MAT changes the permissions; neighbouring pieces with the same
 * permissions are one mapping, so a large page may span them. */
static const char *map_rt_run(struct pt_builder *b, const struct hvmap_input *in,
			      const struct rt_region *r, uint64_t len, struct hvmap_error *err)
{
	uint64_t pa = r->pa, end = r->pa + len;
	unsigned cache = hvmap_cache_flags(r->type, r->attr);

	if (end <= pa)		/* ends at 2^64: let pt_map_range refuse it */
		return map_one(b, err, "runtime region", r->va, r->pa, len,
			       rt_default_perm(r->type) | cache);

	uint64_t next, after = end;
	unsigned perm = rt_piece_perm(in, r->type, pa, end, &next), next_perm = 0;

	while (pa < end) {
		uint64_t stop = next;

		/* Each piece's permissions are looked up once: the MAT scan is
		 * on the loader's boot path (README: Figures). */
		while (stop < end &&
		       (next_perm = rt_piece_perm(in, r->type, stop, end, &after)) == perm)
			stop = after;
		const char *st = map_one(b, err, "runtime region", r->va + (pa - r->pa), pa,
					 stop - pa, perm | cache);
		if (st != PT_OK)
			return st;
		pa = stop;
		perm = next_perm;
		next = after;
	}
	return PT_OK;
}

/* The end (index) of the run of runtime regions from rt->r[i]: neighbours
 * contiguous in pa and in va, of one EFI type and cacheability, have the
 * same entry bits, so one mapping covers them and a large page may span
 * their boundary (SDM Vol. 3A §4.5: a leaf has one set of attributes).
 * Firmware often splits one pool of runtime data into several descriptors;
 * mapped one at a time, each boundary inside a 2 MiB page would cost a page
 * table. *len = the run's bytes. */
static uint32_t rt_run_end(const struct rtwin_plan *rt, uint32_t i, uint64_t *len)
{
	const struct rt_region *first = &rt->r[i];
	unsigned cache = hvmap_cache_flags(first->type, first->attr);
	uint32_t j = i + 1;

	*len = first->npages << EFI_PAGE_SHIFT;
	for (; j < rt->count; j++) {
		const struct rt_region *n = &rt->r[j];

		if (n->type != first->type || hvmap_cache_flags(n->type, n->attr) != cache ||
		    n->pa != first->pa + *len || n->va != first->va + *len)
			break;
		*len += n->npages << EFI_PAGE_SHIFT;
	}
	return j;
}

struct fb_ctx {
	uint64_t pa, end;
	unsigned flags;
};

static const char *fb_overlap(void *ctx, uint64_t pa, uint64_t len, unsigned flags)
{
	struct fb_ctx *c = ctx;

	if (pa < c->end && c->pa < pa + len)
		c->flags = flags;
	return PT_OK;
}

/* Write-combining: the CPU merges pixel stores into bursts (SDM Vol. 3A
 * §12.3); reads are uncached, so the console never reads it back. But a
 * framebuffer in memory the direct map already covers as RAM (a firmware
 * that reports its framebuffer's pages as boot-services data, say) keeps
 * the direct map's caching: two mappings of one page with different memory types are
 * undefined (SDM Vol. 3A §12.12.4). */
unsigned hvmap_fb_flags(const struct hvmap_input *in)
{
	struct fb_ctx c = { in->fb_pa, in->fb_pa + in->fb_size, PT_MAP_W | PT_MAP_WC };

	hvmap_for_each_direct_run(in->map, in->count, fb_overlap, &c);
	return c.flags;
}

const char *hvmap_build(struct pt_builder *b, const struct hvmap_input *in,
			   struct hvmap_error *err)
{
	struct direct_ctx dc = { b, err };
	const char *st;

	*err = (struct hvmap_error){0};
	if (in->img) {
		for (uint32_t i = 0; i < in->img->nseg; i++) {
			const struct elf_seg *s = &in->img->seg[i];
			uint64_t va = s->va & ~0xFFFULL;
			uint64_t len = ((s->va + s->memsz + 0xFFF) & ~0xFFFULL) - va;
			/* Not global: the runtime address space must not see the
			 * hypervisor through stale global TLB entries. */
			unsigned flags = PT_MAP_4K;

			if (!s->memsz)
				continue;
			if (s->flags & ELF_PF_W)
				flags |= PT_MAP_W;
			if (s->flags & ELF_PF_X)
				flags |= PT_MAP_X;
			st = map_one(b, err, "hypervisor segment", va,
				     in->image_pa + (va - in->img->va_lo), len, flags);
			if (st != PT_OK)
				return st;
		}
	}
	if (in->stack_pa) {
		st = map_one(b, err, "hypervisor stack", HV_STACK_BOTTOM_VA, in->stack_pa,
			     HV_STACK_SIZE, PT_MAP_W | PT_MAP_4K);
		if (st != PT_OK)
			return st;
	}
	if (in->rt_stack_pa) {
		st = map_one(b, err, "runtime stack", HV_RTSTACK_BOTTOM_VA, in->rt_stack_pa,
			     HV_RTSTACK_SIZE, PT_MAP_W | PT_MAP_4K);
		if (st != PT_OK)
			return st;
	}
	for (uint64_t n = 1; in->ist_pa && n <= HV_IST_COUNT; n++) {
		st = map_one(b, err, "exception stack", HV_IST_BOTTOM_VA(n),
			     in->ist_pa + (n - 1) * HV_IST_STACK_SIZE, HV_IST_STACK_SIZE,
			     PT_MAP_W | PT_MAP_4K);
		if (st != PT_OK)
			return st;
	}
	if (in->fb_size) {
		st = map_one(b, err, "framebuffer", HV_FB_VA, in->fb_pa, in->fb_size,
			     hvmap_fb_flags(in));
		if (st != PT_OK)
			return st;
	}
	st = hvmap_for_each_direct_run(in->map, in->count, map_direct_run, &dc);
	if (st != PT_OK)
		return st;
	/* Identity: the regions live only in the runtime address space. */
	if (in->rt && in->rt->layout != HV_RT_LAYOUT_IDENTITY) {
		for (uint32_t i = 0, j; i < in->rt->count; i = j) {
			uint64_t len;

			j = rt_run_end(in->rt, i, &len);
			st = map_rt_run(b, in, &in->rt->r[i], len, err);
			if (st != PT_OK)
				return st;
		}
	}
	if (in->trampoline_pa) {
		st = map_one(b, err, "trampoline", in->trampoline_pa, in->trampoline_pa,
			     HV_PAGE_SIZE, PT_MAP_X | PT_MAP_4K);
		if (st != PT_OK)
			return st;
	}
	return PT_OK;
}

/* --- pool bound ---------------------------------------------------------
 * For one mapping call, the tables it may need at each level are at most
 * the number of parent-entry regions it touches; where va and pa are
 * congruent modulo the large-page size, only the head and tail can need
 * the smaller level. Summing over calls over-counts shared tables, which
 * is what an upper bound may do. */
static uint64_t touched(uint64_t va, uint64_t len, uint64_t unit)
{
	return ((va + len - 1) / unit) - (va / unit) + 1;
}

static uint64_t min2(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t bound_one(uint64_t va, uint64_t pa, uint64_t len, bool only_4k, bool allow_1g)
{
	uint64_t pdpt, pd, pt;

	if (!len)
		return 0;
	pdpt = touched(va, len, HV_PML4_SLOT_SIZE);
	pd = touched(va, len, HV_LARGE_1G);
	pt = touched(va, len, HV_LARGE_2M);
	if (!only_4k && allow_1g && ((va ^ pa) & (HV_LARGE_1G - 1)) == 0)
		pd = min2(pd, 2);
	if (!only_4k && ((va ^ pa) & (HV_LARGE_2M - 1)) == 0)
		pt = min2(pt, 2);
	return pdpt + pd + pt;
}

struct bound_ctx {
	uint64_t total;
	bool allow_1g;
};

static const char *bound_direct_run(void *ctx, uint64_t pa, uint64_t len, unsigned flags)
{
	struct bound_ctx *c = ctx;

	(void)flags;
	c->total += bound_one(HV_DIRECT_MAP_BASE + pa, pa, len, false, c->allow_1g);
	return PT_OK;
}

uint64_t hvmap_pool_bound(const struct hvmap_input *in, bool allow_1g)
{
	struct bound_ctx c = { 1, allow_1g };	/* the PML4 */

	if (in->img)
		c.total += bound_one(in->img->va_lo, in->image_pa,
				     in->img->va_hi - in->img->va_lo, true, allow_1g);
	c.total += bound_one(HV_STACK_BOTTOM_VA, 0, HV_STACK_SIZE, true, allow_1g);
	c.total += bound_one(HV_RTSTACK_BOTTOM_VA, 0, HV_RTSTACK_SIZE, true, allow_1g);
	c.total += bound_one(HV_IST_GUARD_VA, 0, HV_IST_COUNT * HV_IST_STRIDE, true, allow_1g);
	hvmap_for_each_direct_run(in->map, in->count, bound_direct_run, &c);
	if (in->rt && in->rt->layout != HV_RT_LAYOUT_IDENTITY)
		for (uint32_t i = 0; i < in->rt->count; i++) {
			const struct rt_region *r = &in->rt->r[i];
			/* MAT splits can break a region into pieces: count
			 * it as 4 KiB-only, which covers any. */
			c.total += bound_one(r->va, r->pa, r->npages << EFI_PAGE_SHIFT,
					     in->mat_count != 0, allow_1g);
		}
	c.total += bound_one(HV_FB_VA, in->fb_pa, in->fb_size, false, allow_1g);
	c.total += 3;	/* trampoline: PDPT, PD, PT */
	return c.total;
}
