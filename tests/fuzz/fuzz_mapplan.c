/* libFuzzer harness: the window planner and the page-table builder fed an
 * arbitrary memory map, the way the loader feeds them the firmware's:
 * memmap_check -> memmap_normalize -> rtwin_plan -> hvmap_build into a
 * fixed arena, then every leaf of the result is accounted for, and the
 * product's own audit (loader/ptaudit.c) must count what this walk counts.
 *
 * Input:  byte 0  bits 0-1 stride (40, 48, 64, 48); bit 2 allow_1g;
 *                 bit 3 compact layout; bit 4 unused; bit 5 no NX;
 *                 bits 6-7 window base (PML4 510, 257, 509, 300)
 *         byte 1  bits 0-3 how many of the last descriptors are the MAT;
 *                 bits 4-6 unused (the kept corpus still sets them);
 *                 bit 7 "46-bit": physical starts masked to 64 TiB
 *         rest    descriptors at the stride, as GetMemoryMap returns them;
 *                 a descriptor's (ignored) pad, bit 0: start it inside
 *                 the one before, (pad >> 1) & 0xFFFF pages in, and bit 1:
 *                 move its start 0x800 off page alignment, so overlaps and
 *                 unaligned descriptors come often. Physical starts are
 *                 arbitrary: RAM beyond the direct map's reach is common.
 * The pages of mapped descriptors (RAM and runtime) are capped at 8 GiB in
 * total so one input stays fast; an arena of 4096 table pages may still
 * run out, which must then be reported as PT_ENOMEM, nothing worse. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "layout.h"
#include "efi_mem.h"
#include "loader/memmap.h"
#include "loader/pt.h"
#include "loader/rtwin.h"
#include "loader/elf.h"
#include "loader/hvmap.h"
#include "loader/ptaudit.h"
#include "../unit/page_arena.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define K4		0x1000ULL
#define M2		0x200000ULL
#define DM		HV_DIRECT_MAP_BASE
#define MAXD		128
#define MAXMAT		15
#define BUDGET_PAGES	(8ULL << 18)		/* 8 GiB */
#define ARENA_PAGES	4096
#define ARENA_PA	PAGE_ARENA_PA
#define IMG		HV_IMAGE_BASE
#define IMAGE_PA	0x2000000ULL
#define STACK_PA	0x3000000ULL
#define RTSTACK_PA	0x3100000ULL
#define TRAMP_PA	0x8000ULL

static uint8_t arena_mem[ARENA_PAGES][4096] __attribute__((aligned(4096)));
static struct page_arena arena = { arena_mem, ARENA_PA, 0, ARENA_PAGES };

static _Alignas(8) uint8_t fw[64 * MAXD];
static struct efi_mdesc D[MAXD], norm[2 * MAXD], mat[MAXMAT];
static uint64_t nd, nnorm;
static uint32_t nmat;
static struct rtwin_plan plan;
static struct elf_image img;
static struct hvmap_input in;
static struct pt_builder B;

static uint64_t end_of(const struct efi_mdesc *d)
{
	return d->pa + (d->npages << EFI_PAGE_SHIFT);	/* wraps to 0 at 2^64 */
}

/* Overlap, computed on inclusive ends so nothing wraps. */
static bool overlap(const struct efi_mdesc *a, const struct efi_mdesc *b)
{
	uint64_t a_last = a->pa + ((a->npages << EFI_PAGE_SHIFT) - 1);
	uint64_t b_last = b->pa + ((b->npages << EFI_PAGE_SHIFT) - 1);

	return a->npages && b->npages && a->pa <= b_last && b->pa <= a_last;
}

static bool mapped_kind(const struct efi_mdesc *d)
{
	return memmap_is_ram(d->type) || memmap_is_runtime(d, NULL);
}

/* ---------------------------------------------------------------- stages */

static bool stage_check(const struct efi_mmap *m)
{
	uint64_t bad = 12345;
	const char *why = memmap_check(m, &bad);

	if (!why) {
		for (uint64_t i = 0; i < nd; i++) {
			CHECK(D[i].npages <= (UINT64_MAX >> EFI_PAGE_SHIFT));
			CHECK(!D[i].npages || D[i].pa + ((D[i].npages << 12) - 1) >= D[i].pa);
		}
		return true;
	}
	/* The blamed descriptor is bad, all before it are fine. */
	CHECK(why[0] && bad < nd);
	for (uint64_t i = 0; i <= bad; i++) {
		const struct efi_mdesc *d = &D[i];
		bool is_bad = d->npages > (UINT64_MAX >> EFI_PAGE_SHIFT) ||
			      (d->npages && d->pa + ((d->npages << 12) - 1) < d->pa);

		CHECK(is_bad == (i == bad));
	}
	return false;
}

/* The repair rules of memmap.h, recomputed: a descriptor's span once
 * rounded (non-RAM outward, RAM inward) and cut at the direct map's
 * reach; false if nothing is left. Inclusive ends. */
static bool span_of(const struct efi_mdesc *d, uint64_t *first, uint64_t *last)
{
	uint64_t lo = d->pa, hi = d->pa + ((d->npages << 12) - 1);

	if (!d->npages)
		return false;
	if (!memmap_is_ram(d->type)) {
		*first = lo & ~0xFFFULL;
		*last = hi | 0xFFF;
		return true;
	}
	lo = (lo + 0xFFF) & ~0xFFFULL;		/* lo <= hi - 0xFFF: no wrap */
	hi = ((hi + 1) & ~0xFFFULL) - 1;	/* hi + 1 == 0 at 2^64: stays */
	if (d->pa & 0xFFF && d->npages == 1)
		return false;
	if (lo >= HV_DIRECT_MAP_MAX)
		return false;
	if (hi >= HV_DIRECT_MAP_MAX)
		hi = HV_DIRECT_MAP_MAX - 1;
	*first = lo;
	*last = hi;
	return true;
}

/* Who must own page pa after normalising: -1 nothing; else the index in
 * D of the descriptor whose type must be there. Non-RAM beats RAM, and a
 * runtime non-RAM region beats other non-RAM (which of two equal ones
 * keeps a page depends on order: *any_of_rank says so). */
static int64_t owner_of(uint64_t pa, int *rank_out)
{
	int64_t best = -1;
	int best_rank = -1;

	for (uint64_t i = 0; i < nd; i++) {
		uint64_t f, l;
		int rank;

		if (!span_of(&D[i], &f, &l) || pa < f || pa > l)
			continue;
		rank = memmap_is_ram(D[i].type) ? 0 : memmap_is_runtime(&D[i], NULL) ? 2 : 1;
		if (rank > best_rank) {
			best = (int64_t)i;
			best_rank = rank;
		}
	}
	*rank_out = best_rank;
	return best;
}

static const struct efi_mdesc *norm_at(uint64_t pa)
{
	for (uint64_t i = 0; i < nnorm; i++)
		if (pa >= norm[i].pa && pa - norm[i].pa < (norm[i].npages << 12))
			return &norm[i];
	return NULL;
}

static void check_page_owner(uint64_t pa)
{
	int rank;
	int64_t o = owner_of(pa, &rank);
	const struct efi_mdesc *n = norm_at(pa);

	if (o < 0) {
		CHECK(!n);
		return;
	}
	CHECK(n);
	if (rank == 0)		/* RAM, and only one RAM may hold a page */
		CHECK(n->type == D[o].type && n->attr == D[o].attr);
	else
		CHECK(!memmap_is_ram(n->type) &&
		      (memmap_is_runtime(n, NULL) ? 2 : 1) == rank);
}

static bool stage_normalize(const struct efi_mmap *m)
{
	struct memmap_fixes fx = { .reach = HV_DIRECT_MAP_MAX };
	uint64_t bad = 12345, n = 0;
	const char *why = memmap_normalize(m, norm, 2 * MAXD, &n, &bad, &fx);
	bool ram_overlap = false;

	for (uint64_t i = 0; i < nd; i++) {
		uint64_t fi, li, fj, lj;

		if (!memmap_is_ram(D[i].type) || !span_of(&D[i], &fi, &li))
			continue;
		for (uint64_t j = i + 1; j < nd; j++)
			if (memmap_is_ram(D[j].type) && span_of(&D[j], &fj, &lj))
				ram_overlap |= fi <= lj && fj <= li;
	}
	if (why) {
		/* 2 * MAXD pieces always suffice here: only RAM over RAM. */
		CHECK(ram_overlap && !strcmp(why, "RAM descriptors overlap"));
		return false;
	}
	CHECK(!ram_overlap);
	nnorm = (uint64_t)n;
	for (uint64_t i = 0; i < nnorm; i++) {
		CHECK(norm[i].npages != 0 && norm[i].pad == 0 && !(norm[i].pa & 0xFFF));
		if (i)
			CHECK(norm[i - 1].pa < norm[i].pa && !overlap(&norm[i - 1], &norm[i]));
		if (memmap_is_ram(norm[i].type))
			CHECK(norm[i].pa + ((norm[i].npages << 12) - 1) < HV_DIRECT_MAP_MAX);
		/* Both ends of every piece belong to it. */
		check_page_owner(norm[i].pa);
		check_page_owner(norm[i].pa + ((norm[i].npages - 1) << 12));
	}
	/* Both ends of every descriptor, and the pages around them. */
	for (uint64_t i = 0; i < nd; i++) {
		uint64_t f, l;

		if (!span_of(&D[i], &f, &l))
			continue;
		check_page_owner(f);
		check_page_owner(l & ~0xFFFULL);
		if (f)
			check_page_owner(f - K4);
		if (l != UINT64_MAX)
			check_page_owner(l + 1);
	}
	return true;
}

/* NULL: the plan is good; otherwise the reason it was refused, checked. */
static const char *stage_plan(const struct efi_mmap *m, uint64_t base, enum hv_rt_layout layout)
{
	const char *why = rtwin_plan(m, base, layout, &plan);
	uint64_t nrt = 0, total = 0;
	bool rt_overlap = false;
	uint32_t missing = 0;

	for (uint64_t i = 0; i < nd; i++) {
		bool miss;

		if (!memmap_is_runtime(&D[i], &miss) || !D[i].npages)
			continue;
		nrt++;
		missing += miss;
		total += (D[i].npages << 12) + M2;
		for (uint64_t j = i + 1; j < nd; j++)
			if (memmap_is_runtime(&D[j], NULL))
				rt_overlap |= overlap(&D[i], &D[j]);
	}
	bool rt_unaligned = false, rt_over_device = false;

	for (uint64_t i = 0; i < nd; i++) {
		if (!memmap_is_runtime(&D[i], NULL) || !D[i].npages)
			continue;
		rt_unaligned |= (D[i].pa & 0xFFF) != 0;
		rt_over_device |= memmap_is_ram(D[i].type) &&
				  D[i].pa + ((D[i].npages << 12) - 1) >= HV_DIRECT_MAP_MAX;
		for (uint64_t j = 0; j < nd && memmap_is_ram(D[i].type); j++) {
			struct efi_mdesc r = D[j];

			if (memmap_is_ram(r.type) || !r.npages)
				continue;
			r.npages = ((((r.pa + ((r.npages << 12) - 1)) | 0xFFF) - (r.pa & ~0xFFFULL)) >> 12) + 1;
			r.pa &= ~0xFFFULL;
			rt_over_device |= overlap(&D[i], &r);
		}
	}
	if (why) {
		CHECK(why[0]);
		/* memmap_check passed and the budget holds: only an overlap or
		 * an unaligned runtime region can stop the planner. */
		if (!strcmp(why, "runtime regions overlap"))
			CHECK(rt_overlap);
		else if (!strcmp(why, "runtime region not 4 KiB aligned"))
			CHECK(rt_unaligned);
		else
			CHECK((!strcmp(why, "runtime region overlaps memory that is not RAM") ||
			       !strcmp(why, "runtime RAM beyond the direct map's reach")) &&
			      rt_over_device);
		return why;
	}
	CHECK(!rt_overlap && !rt_unaligned && !rt_over_device);
	CHECK(total < HV_PML4_SLOT_SIZE);
	CHECK(plan.count == nrt && plan.missing_bit == missing && plan.base == base);
	CHECK(plan.fell_back == (layout == HV_RT_LAYOUT_OFFSET && plan.layout == HV_RT_LAYOUT_COMPACT));
	for (uint32_t i = 0; i < plan.count; i++) {
		const struct rt_region *r = &plan.r[i];
		uint64_t size = r->npages << 12;

		CHECK(r->desc_index < nd && D[r->desc_index].pa == r->pa);
		CHECK(r->va >= base && r->va - base <= HV_PML4_SLOT_SIZE - size);
		if (plan.layout == HV_RT_LAYOUT_OFFSET)
			CHECK(r->va == base + r->pa);
		else
			CHECK(r->va % M2 == r->pa % M2);
		CHECK(rtwin_find_pa(&plan, r->pa) == r);
		CHECK(rtwin_find_va(&plan, r->va + size - 1) == r);
		if (i) {
			const struct rt_region *q = &plan.r[i - 1];
			uint64_t qsize = q->npages << 12;

			CHECK(q->pa + qsize <= r->pa);
			CHECK(q->va + qsize <= r->va);
			if (q->pa + qsize == r->pa)
				CHECK(q->va + qsize == r->va);
		}
	}
	/* The offset layout is used exactly when every region fits below 512 GiB. */
	if (layout == HV_RT_LAYOUT_OFFSET) {
		bool fits = true;

		for (uint32_t i = 0; i < plan.count; i++)
			fits &= plan.r[i].pa < HV_PML4_SLOT_SIZE &&
				(plan.r[i].npages << 12) <= HV_PML4_SLOT_SIZE - plan.r[i].pa;
		CHECK(fits == !plan.fell_back);
	}
	return NULL;
}

/* pt_map_range's EALIGN rules (pt.h), recomputed. */
static bool range_invalid(uint64_t va, uint64_t pa, uint64_t len)
{
	uint64_t last = va + len - 1;

	if ((va | pa | len) & 0xFFF)
		return true;
	if (!len)
		return false;
	return last < va || pa + len - 1 < pa || !pt_canonical(va) || !pt_canonical(last) ||
	       ((va ^ last) >> 47) || pa + len - 1 > 0x000FFFFFFFFFFFFFULL;
}

/* ---------------------------------------------------------------- audit */

struct census {
	uint64_t direct, runtime, image, lower, direct_leaves;
	uint64_t leaves, wx, wx_rt_code;	/* what pt_audit must count */
};

static uint64_t first_ending_after(uint64_t pa)
{
	uint64_t lo = 0, hi = nnorm;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (end_of(&norm[mid]) <= pa && end_of(&norm[mid]) != 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void check_direct_leaf(uint64_t va, uint64_t pa, uint64_t size, uint64_t e,
			      bool w, bool x, unsigned pat)
{
	uint64_t cur = pa, i = first_ending_after(pa);
	const struct efi_mdesc *first = NULL;

	CHECK(va - DM == pa);
	for (; i < nnorm && cur - pa < size; i++) {
		const struct efi_mdesc *d = &norm[i];

		CHECK(first ? d->pa == cur : d->pa <= cur);	/* no hole under the leaf */
		CHECK(memmap_is_ram(d->type));
		if (!first)
			first = d;
		/* Any RAM types under one leaf, but one cacheability. */
		CHECK(!!(d->attr & EFI_MEMORY_WB) == !!(first->attr & EFI_MEMORY_WB));
		cur = end_of(d);
		if (cur == 0)
			break;
	}
	CHECK(first && (cur == 0 || cur - pa >= size));
	CHECK(w && (!x || !B.allow_nx));
	CHECK(pat == ((first->attr & EFI_MEMORY_WB) ? 0 : 3));
	CHECK(!(e & PTE_G));
}

/* The MAT entry hvmap must apply at pa: the first one holding it (the
 * harness sorts the MAT by address, as UEFI 2.10 §4.6.4 requires). */
static const struct efi_mdesc *mat_at(uint64_t pa)
{
	for (uint32_t k = 0; k < nmat; k++)
		if (pa >= mat[k].pa && pa < end_of(&mat[k]))
			return &mat[k];
	return NULL;
}

static void check_rt_page(const struct rt_region *r, uint64_t pa, bool w, bool x)
{
	const struct efi_mdesc *m = mat_at(pa);
	bool want_w = m ? !(m->attr & EFI_MEMORY_RO) : true;
	/* W+X only in runtime code; the MAT can take rights away, not add. */
	bool want_x = r->type == EFI_MT_RT_CODE && (m ? !(m->attr & EFI_MEMORY_XP) : true);

	CHECK(w == want_w);
	if (B.allow_nx)
		CHECK(x == want_x);
	else
		CHECK(x);
}

static void check_rt_leaf(const struct rt_region *r, uint64_t va, uint64_t pa, uint64_t size,
			  uint64_t e, bool w, bool x, unsigned pat)
{
	CHECK(size <= (r->npages << 12) && va - r->va <= (r->npages << 12) - size);
	CHECK(pa == r->pa + (va - r->va));
	/* Device memory is UC whatever its mask lists; RAM as its mask allows
	 * (UEFI 2.10 §7.2: the mask is a capability, not a mapping). */
	if (r->type == EFI_MT_MMIO || r->type == EFI_MT_MMIO_PORT)
		CHECK(pat == 3);
	else
		CHECK(pat == ((r->attr & EFI_MEMORY_WB) ? 0 : 3));
	CHECK(!(e & PTE_G));
	check_rt_page(r, pa, w, x);
	/* Both sides of every MAT edge inside the leaf (an edge hvmap acted on
	 * is page-aligned, or the build failed; shadowed ones may not be). */
	for (uint32_t k = 0; k < nmat; k++) {
		uint64_t edge[2] = { mat[k].pa & ~0xFFFULL, end_of(&mat[k]) & ~0xFFFULL };

		for (int i = 0; i < 2; i++)
			if (edge[i] > pa && edge[i] - pa < size) {
				check_rt_page(r, edge[i], w, x);
				check_rt_page(r, edge[i] - K4, w, x);
			}
	}
}

/* The image (text R X, rodata R, data R W) and the two stacks (R W). */
static bool check_image_leaf(uint64_t va, uint64_t pa, uint64_t size, bool w, bool x)
{
	bool nx_ok = !B.allow_nx;

	if (va >= IMG && va < IMG + 0x7000) {
		uint64_t off = va - IMG;

		CHECK(size == K4 && pa == IMAGE_PA + off);
		if (off < 0x3000)
			CHECK(!w && x);
		else if (off < 0x4000)
			CHECK(!w && (!x || nx_ok));
		else
			CHECK(w && (!x || nx_ok));
		return true;
	}
	if (va >= HV_STACK_BOTTOM_VA && va < HV_STACK_TOP_VA) {
		CHECK(size == K4 && pa == STACK_PA + (va - HV_STACK_BOTTOM_VA) && w && (!x || nx_ok));
		return true;
	}
	if (va >= HV_RTSTACK_BOTTOM_VA && va < HV_RTSTACK_TOP_VA) {
		CHECK(size == K4 && pa == RTSTACK_PA + (va - HV_RTSTACK_BOTTOM_VA) && w &&
		      (!x || nx_ok));
		return true;
	}
	return false;
}

static struct census census;

static void visit(uint64_t table_pa, int level, uint64_t va_base, bool w, bool x)
{
	const uint64_t *t = page_arena_ptr(&arena, table_pa);

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];
		unsigned shift = 39 - 9 * level;
		uint64_t va = va_base + ((uint64_t)i << shift);
		bool lw = w && (e & PTE_W), lx = x && !(e & PTE_NX);

		if (!(e & PTE_P))
			continue;
		if (level == 0 && i >= 256)
			va |= 0xFFFF000000000000ULL;
		CHECK(!(e & PTE_U));
		if (!B.allow_nx)
			CHECK(!(e & PTE_NX));
		if (level == 3 || (level > 0 && (e & PTE_PS))) {
			uint64_t size = 1ULL << shift;
			uint64_t pa = e & PTE_ADDR_MASK & ~(size - 1);
			uint64_t patb = level == 3 ? (e & PTE_PAT_4K) : (e & PTE_PAT_LARGE);
			unsigned pat = (patb ? 4 : 0) | ((e & PTE_PCD) ? 2 : 0) | ((e & PTE_PWT) ? 1 : 0);
			const struct rt_region *r = in.rt ? rtwin_find_va(in.rt, va) : NULL;

			census.leaves++;
			if (lw && lx) {
				census.wx++;
				/* Reported, not a finding, only without a MAT. */
				census.wx_rt_code += r && r->type == EFI_MT_RT_CODE && !nmat;
			}
			if (va < 0x0000800000000000ULL) {
				/* The lower half holds the trampoline and nothing else. */
				CHECK(va == TRAMP_PA && pa == TRAMP_PA && size == K4 && !lw && lx);
				census.lower += size;
			} else if (r) {
				check_rt_leaf(r, va, pa, size, e, lw, lx, pat);
				census.runtime += size;
			} else if (check_image_leaf(va, pa, size, lw, lx)) {
				census.image += size;
			} else {
				check_direct_leaf(va, pa, size, e, lw, lx, pat);
				census.direct += size;
				census.direct_leaves++;
			}
			continue;
		}
		CHECK((e & ~PTE_ADDR_MASK) == (PTE_P | PTE_W));
		visit(e & PTE_ADDR_MASK, level + 1, va, lw, lx);
	}
}

static void walk_to(uint64_t va, uint64_t pa)
{
	struct pt_walk w;

	CHECK(pt_walk(&B, va, &w) == PT_OK && w.present && w.pa == pa);
}

static void audit(void)
{
	uint64_t ram = 0, rt = 0;

	census = (struct census){ 0 };
	visit(B.root_pa, 0, 0, true, true);
	for (uint64_t i = 0; i < nnorm; i++) {
		const struct efi_mdesc *d = &norm[i];

		if (!memmap_is_ram(d->type))
			continue;
		ram += d->npages << 12;
		/* Sampled: first byte, last byte, one page in the middle. */
		walk_to(DM + d->pa, d->pa);
		walk_to(DM + d->pa + (d->npages << 12) - 1, d->pa + (d->npages << 12) - 1);
		walk_to(DM + d->pa + (d->npages / 2) * K4 + 0x123, d->pa + (d->npages / 2) * K4 + 0x123);
	}
	if (in.rt)
		for (uint32_t i = 0; i < in.rt->count; i++) {
			const struct rt_region *r = &in.rt->r[i];

			uint64_t last = (r->npages - 1) << 12;

			rt += r->npages << 12;
			walk_to(r->va, r->pa);
			walk_to(r->va + last + 0xFFF, r->pa + last + 0xFFF);
		}
	CHECK(census.direct == ram);
	CHECK(census.runtime == rt);
	CHECK(census.image == 0x7000 + HV_STACK_SIZE + HV_RTSTACK_SIZE);
	CHECK(census.lower == K4);
}

/* loader/ptaudit.c over the same tables, told what the loader tells it:
 * it must find what the walk above found and nothing more. The runtime
 * page check walks every page, so it runs only on windows of up to 256 MiB. */
static void cross_check_ptaudit(void)
{
	static const uint64_t guards[] = { HV_STACK_GUARD_VA, HV_RTSTACK_GUARD_VA };
	struct pt_audit_input ai = {
		.map = norm, .count = nnorm, .mat_present = nmat != 0,
		.guards = guards, .nguards = 2, .lower_half_ok_va = TRAMP_PA,
	};
	struct pt_audit_result ar;
	uint64_t rt_pages = 0;

	/* VirtualStart as efi_rt_set_virtual publishes it: runtime regions only. */
	for (uint64_t i = 0; i < nnorm; i++)
		norm[i].va = 0;
	for (uint32_t i = 0; in.rt && i < in.rt->count; i++) {
		const struct rt_region *r = &in.rt->r[i];

		for (uint64_t k = 0; k < nnorm; k++)
			if (norm[k].pa == r->pa)
				norm[k].va = r->va;
		rt_pages += r->npages;
	}
	ai.check_runtime = in.rt && rt_pages <= 0x10000;
	pt_audit(&B, &ai, &ar);
	CHECK(ar.leaves == census.leaves);
	CHECK(ar.wx_rt_code_leaves == census.wx_rt_code);
	CHECK(ar.wx_leaves == census.wx - census.wx_rt_code);
	CHECK(!ar.lower_half_leaves && !ar.va0_mapped && !ar.guards_mapped && !ar.strays);
	CHECK(ar.direct_bad == 0 && ar.direct_leaves == census.direct_leaves);
	CHECK(ar.rt_pages_bad == 0);
	CHECK(ar.rt_pages == (ai.check_runtime ? rt_pages : 0));
	CHECK(!!ar.problem == (ar.wx_leaves != 0) && pt_audit_findings(&ar) == ar.wx_leaves);
}

/* ---------------------------------------------------------------- entry */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t strides[4] = { 40, 48, 64, 48 };
	static const uint64_t bases[4] = {
		HV_RT_WINDOW_DEFAULT, 0xFFFF808000000000ULL, 0xFFFFFE8000000000ULL,
		0xFFFF800000000000ULL + 44 * HV_PML4_SLOT_SIZE,
	};
	struct efi_mmap m;
	struct hvmap_error err;
	const char *st;
	uint64_t stride, budget = BUDGET_PAGES, n, bound;
	bool allow_1g;

	if (size < 2)
		return 0;
	stride = strides[data[0] & 3];
	allow_1g = data[0] & 4;
	n = (size - 2) / stride;
	if (n > MAXD)
		n = MAXD;
	nmat = (uint32_t)(data[1] & 15);
	if (nmat > n)
		nmat = (uint32_t)n;
	nd = n - nmat;

	/* Copy: firmware buffers are 8-byte aligned, fuzzer input is not. */
	memset(fw, 0, sizeof(fw));
	memcpy(fw, data + 2, n * stride);
	for (uint64_t i = 0; i < n; i++) {
		struct efi_mdesc *d = (struct efi_mdesc *)(void *)(fw + i * stride);

		if ((data[1] & 0x80) && i < nd)
			d->pa &= 0x00003FFFFFFFF000ULL;
		if (i && i < nd && (d->pad & 1)) {
			const struct efi_mdesc *prev = (const struct efi_mdesc *)(void *)(fw + (i - 1) * stride);

			d->pa = prev->pa + (((d->pad >> 1) & 0xFFFF) << 12);
		}
		if (i < nd && (d->pad & 2))
			d->pa ^= 0x800;
		if (i < nd)
			D[i] = *d;
		else
			mat[i - nd] = *d;
	}
	m = (struct efi_mmap){ fw, nd * stride, stride };
	if (!stage_check(&m))
		return 0;

	/* Cap what gets mapped, in firmware order. */
	for (uint64_t i = 0; i < nd; i++) {
		struct efi_mdesc *d = (struct efi_mdesc *)(void *)(fw + i * stride);

		if (!mapped_kind(d))
			continue;
		if (d->npages > budget)
			d->npages = budget;
		budget -= d->npages;
		D[i] = *d;
	}
	{
		uint64_t bad;

		CHECK(memmap_check(&m, &bad) == NULL);
	}
	if (!stage_normalize(&m))
		return 0;

	const char *why = stage_plan(&m, bases[data[0] >> 6],
				     (data[0] & 8) ? HV_RT_LAYOUT_COMPACT : HV_RT_LAYOUT_OFFSET);

	/* The MAT sorted by address, as the spec promises it. */
	for (uint32_t i = 1; i < nmat; i++)
		for (uint32_t j = i; j > 0 && mat[j - 1].pa > mat[j].pa; j--) {
			struct efi_mdesc t = mat[j];

			mat[j] = mat[j - 1];
			mat[j - 1] = t;
		}
	img = (struct elf_image){
		.entry_va = IMG, .va_lo = IMG, .va_hi = IMG + 0x7000, .nseg = 3,
		.seg = {
			{ IMG, 0x1000, 0x3000, 0x3000, ELF_PF_R | ELF_PF_X },
			{ IMG + 0x3000, 0x4000, 0x800, 0x1000, ELF_PF_R },
			{ IMG + 0x4010, 0x5010, 0x100, 0x27F0, ELF_PF_R | ELF_PF_W },
		},
	};
	in = (struct hvmap_input){
		.map = norm, .count = nnorm, .img = &img, .image_pa = IMAGE_PA,
		.stack_pa = STACK_PA, .rt_stack_pa = RTSTACK_PA, .trampoline_pa = TRAMP_PA,
		.rt = why ? NULL : &plan, .mat = mat, .mat_count = nmat,
	};
	arena.used = 0;
	B = (struct pt_builder){
		.alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr, .ctx = &arena,
		.allow_1g = allow_1g, .allow_nx = !(data[0] & 32),
	};
	CHECK(pt_init(&B) == PT_OK);
	st = hvmap_build(&B, &in, &err);
	bound = hvmap_pool_bound(&in, allow_1g);
	if (st != PT_OK) {
		struct pt_walk w;

		CHECK(err.what && err.what[0] && err.st == st);
		if (st == PT_ENOMEM) {
			CHECK(arena.used == ARENA_PAGES);
			CHECK(bound > ARENA_PAGES);	/* else the bound was wrong */
		} else if (st == PT_EALIGN) {
			/* A bad range, or RAM the direct map cannot reach: it ends
			 * below the default window's slot (HV_DIRECT_MAP_MAX). */
			CHECK(range_invalid(err.va, err.pa, err.len) ||
			      (!strcmp(err.what, "direct map") &&
			       (err.pa + err.len > HV_DIRECT_MAP_MAX || err.pa + err.len < err.pa)));
		} else if (st == PT_EEXIST) {
			/* Stopped at a page that was there before, or just mapped. */
			CHECK(pt_walk(&B, err.va, &w) == PT_OK);
		} else {
			CHECK(0);
		}
		return 0;
	}
	CHECK(err.what == NULL);
	CHECK(arena.used <= bound);
	audit();
	cross_check_ptaudit();
	return 0;
}
