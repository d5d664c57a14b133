/* Page-table audit (see ptaudit.h). */
#include "ptaudit.h"
#include "memmap.h"
#include "hvmap.h"

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

static bool in_rt_code(const struct pt_audit_input *in, uint64_t va, uint64_t len)
{
	for (uint64_t i = 0; i < in->count; i++) {
		const struct efi_mdesc *d = &in->map[i];
		uint64_t size = d->npages << EFI_PAGE_SHIFT;

		if (d->type == EFI_MT_RT_CODE && d->va && va >= d->va && va - d->va + len <= size)
			return true;
	}
	return false;
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
		/* PAT index 0 is WB, 3 is UC (power-on PAT, SDM Vol. 3A
		 * Table 11-12): what hvmap_cache_flags chooses. */
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
	       r->rt_pages_bad + r->strays;
}
