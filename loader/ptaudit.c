/* Page-table audit (see ptaudit.h). */
#include "ptaudit.h"
#include "memmap.h"
#include "hvmap.h"
#include "layout.h"

struct audit_ctx {
	const struct pt_audit_input *in;
	struct pt_audit_result *r;
};

static void finding(struct pt_audit_result *r, const char *what, uint64_t va)
{
	if (!r->problem) {
		r->problem = what;
		r->problem_va = va;
	}
}

/* [va, va+len) lies in runtime code descriptors that follow one another
 * with no gap: one leaf may span neighbouring regions of one type, which
 * hvmap_build maps as one range. */
static bool in_rt_code(const struct pt_audit_input *in, uint64_t va, uint64_t len)
{
	uint64_t end = va + len;

	while (va < end) {
		uint64_t i;

		for (i = 0; i < in->count; i++) {
			const struct efi_mdesc *d = &in->map[i];
			uint64_t size = d->npages << EFI_PAGE_SHIFT;

			if (d->type == EFI_MT_RT_CODE && d->va && va >= d->va && va - d->va < size)
				break;
		}
		if (i == in->count)
			return false;
		va = in->map[i].va + (in->map[i].npages << EFI_PAGE_SHIFT);
	}
	return true;
}

static bool allowed(const struct pt_audit_input *in, uint64_t va, uint64_t len)
{
	if (!in->allowed)
		return true;
	for (unsigned i = 0; i < in->nallowed; i++)
		if (va >= in->allowed[i].va && va - in->allowed[i].va + len <= in->allowed[i].len)
			return true;
	return false;
}

/* Inside a runtime region's VirtualStart range (a window may sit in a
 * slot the direct map could otherwise use). */
static bool in_rt_window(const struct pt_audit_input *in, uint64_t va)
{
	for (uint64_t i = 0; i < in->count; i++) {
		const struct efi_mdesc *d = &in->map[i];

		if (d->va && memmap_is_runtime(d, NULL) && va >= d->va &&
		    va - d->va < (d->npages << EFI_PAGE_SHIFT))
			return true;
	}
	return false;
}

/* A direct-map leaf maps HV_DIRECT_MAP_BASE + pa to pa, and under it lies
 * RAM of one cacheability with no gap (any EFI RAM types: README, What
 * happens at boot), cached as hvmap_cache_flags says. The map is sorted. */
static bool direct_leaf_ok(const struct pt_audit_input *in, const struct pt_leaf *l)
{
	uint64_t lo = 0, hi = in->count, cur = l->pa, want = ~0ULL;

	if (l->va - HV_DIRECT_MAP_BASE != l->pa)
		return false;
	/* The first descriptor ending after pa; inclusive ends, so a region
	 * reaching 2^64 does not wrap to 0. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		const struct efi_mdesc *d = &in->map[mid];

		if (d->pa + ((d->npages << EFI_PAGE_SHIFT) - 1) < l->pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint64_t i = lo; i < in->count; i++) {
		const struct efi_mdesc *d = &in->map[i];
		uint64_t last = d->pa + ((d->npages << EFI_PAGE_SHIFT) - 1);
		/* PAT index 0 is WB, 3 is UC (power-on PAT, SDM Vol. 3A Table 11-12). */
		unsigned pat = hvmap_cache_flags(d->type, d->attr) & PT_MAP_UC ? 3 : 0;

		if (d->pa > cur || !memmap_is_ram(d->type))
			return false;
		if (want == ~0ULL)
			want = pat;
		if (pat != want)
			return false;
		if (last - l->pa >= l->size - 1)
			return l->pat_index == want;	/* covered to the leaf's end */
		cur = last + 1;
	}
	return false;
}

static bool in_ranges(const struct pt_audit_range *rs, unsigned n, uint64_t va, uint64_t len)
{
	for (unsigned i = 0; rs && i < n; i++)
		if (va >= rs[i].va && va - rs[i].va < rs[i].len && len <= rs[i].len - (va - rs[i].va))
			return true;
	return false;
}

static void visit(void *ctx, const struct pt_leaf *l)
{
	struct audit_ctx *c = ctx;
	const struct pt_audit_input *in = c->in;
	struct pt_audit_result *r = c->r;

	bool alias = in_ranges(in->aliases, in->naliases, l->va, l->size);

	r->leaves++;
	if (l->writable && l->executable) {
		if (!in->mat_present && (alias || in_rt_code(in, l->va, l->size))) {
			r->wx_rt_code_leaves++;
		} else {
			r->wx_leaves++;
			finding(r, "page both writable and executable", l->va);
		}
	}
	if (alias) {
		r->alias_leaves++;
		return;
	}
	if (l->va < 0x0000800000000000ULL && l->va != in->lower_half_ok_va) {
		r->lower_half_leaves++;
		finding(r, "mapping in the lower half", l->va);
	}
	if (!allowed(in, l->va, l->size)) {
		r->strays++;
		finding(r, "mapping outside the allowed ranges", l->va);
	}
	/* Runtime regions are looked up only for a leaf that fails as a
	 * direct-map leaf: the common case stays one binary search. */
	if (l->va >= HV_DIRECT_MAP_BASE && l->va - HV_DIRECT_MAP_BASE < HV_DIRECT_MAP_MAX) {
		bool ok = direct_leaf_ok(in, l);

		if (ok || !in_rt_window(in, l->va)) {
			r->direct_leaves++;
			if (!ok) {
				r->direct_bad++;
				finding(r, "direct-map page not over RAM of one cacheability", l->va);
			}
		}
	}
}

static bool mapped(const struct pt_builder *b, uint64_t va, struct pt_walk *w)
{
	return pt_walk(b, va, w) == PT_OK && w->present;
}

void pt_audit(const struct pt_builder *b, const struct pt_audit_input *in,
	      struct pt_audit_result *r)
{
	struct audit_ctx c = { in, r };
	struct pt_walk w;

	*r = (struct pt_audit_result){0};
	pt_for_each_leaf(b, visit, &c);
	r->va0_mapped = mapped(b, 0, &w) && !in_ranges(in->aliases, in->naliases, 0, 1);
	if (r->va0_mapped)
		finding(r, "VA 0 is mapped", 0);
	for (unsigned i = 0; i < in->nguards; i++) {
		if (mapped(b, in->guards[i], &w)) {
			r->guards_mapped++;
			finding(r, "stack guard page is mapped", in->guards[i]);
		}
	}
	if (!in->check_runtime)
		return;
	for (uint64_t i = 0; i < in->count; i++) {
		const struct efi_mdesc *d = &in->map[i];
		/* PAT index 0 is WB, 3 is UC (at power-on and in the PAT set at
		 * the switch, loader/cpustate.c; index 1, WC, is only for the
		 * framebuffer): what hvmap_cache_flags chooses. */
		unsigned want_pat = hvmap_cache_flags(d->type, d->attr) & PT_MAP_UC ? 3 : 0;

		if (!d->va || !memmap_is_runtime(d, NULL))
			continue;
		r->rt_regions++;
		for (uint64_t p = 0; p < d->npages; p++) {
			uint64_t va = d->va + (p << EFI_PAGE_SHIFT);
			bool ok;

			r->rt_pages++;
			ok = mapped(b, va, &w) && w.pa == d->pa + (p << EFI_PAGE_SHIFT) &&
			     w.pat_index == want_pat;
			if (!ok) {
				r->rt_pages_bad++;
				finding(r, "runtime page not mapped as its descriptor requires", va);
			}
		}
	}
}

uint64_t pt_audit_findings(const struct pt_audit_result *r)
{
	return r->wx_leaves + r->lower_half_leaves + r->va0_mapped + r->guards_mapped +
	       r->rt_pages_bad + r->strays + r->direct_bad;
}
