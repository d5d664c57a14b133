/* loader/hvmap.c: the whole hypervisor address space built from the OVMF
 * map of README: Memory maps as text (parsed from its text), a fake image, stacks, a
 * trampoline and a made-up MAT. The tables are read back leaf by leaf by an
 * independent visitor and every leaf is accounted for: direct map, runtime
 * window, image and stacks, trampoline, and nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "efi_mem.h"
#include "loader/memmap.h"
#include "loader/pt.h"
#include "page_arena.h"
#include "loader/rtwin.h"
#include "loader/elf.h"
#include "loader/hvmap.h"
#include "../../tools/ptmin.h"

#define K4	0x1000ULL
#define M2	0x200000ULL
#define G1	0x40000000ULL
#define DM	HV_DIRECT_MAP_BASE
#define WIN	HV_RT_WINDOW_DEFAULT
#define RT	EFI_MEMORY_RUNTIME
#define IMG	HV_IMAGE_BASE

static const char ovmf_text[] =
	"# OVMF, q35, 512 MiB: runtime descriptors and a few around them\n"
	"EfiBootServicesCode 0x0 1 0xF\n"
	"EfiConventionalMemory 0x1000 159 0xF\n"
	"EfiConventionalMemory 0x100000 1798 0xF\n"
	"EfiACPIMemoryNVS 0x806000 2 0xF\n"
	"EfiConventionalMemory 0x808000 8 0xF\n"
	"EfiACPIMemoryNVS 0x810000 240 0xF\n"
	"EfiBootServicesData 0x900000 3072 0xF\n"
	"EfiConventionalMemory 0x1500000 108149 0xF\n"
	"EfiRuntimeServicesData 0x1EAA0000 258 0x800000000000000F\n"
	"EfiBootServicesData 0x1EBA2000 2378 0xF\n"
	"EfiRuntimeServicesData 0x1F4EC000 256 0x800000000000000F\n"
	"EfiRuntimeServicesCode 0x1F5EC000 256 0x800000000000000F\n"
	"EfiBootServicesData 0x1F6EC000 2056 0xF\n"
	"EfiRuntimeServicesData 0x1FEF4000 132 0x800000000000000F\n"
	"EfiACPIReclaimMemory 0x1FF78000 8 0xF\n"
	"EfiACPIMemoryNVS 0x1FF80000 128 0xF\n"
	"\n"
	"EfiReservedMemoryType 0xB0000000 65536 0x1\n"
	"EfiMemoryMappedIO 0xFFC00000 1024 0x8000000000000001\n";

/* A MAT as EDK2 writes one for a runtime driver image inside RT code: a
 * header page, code and data sections alternating, then pages it does not
 * describe (default RWX); RT data with XP. Sorted by address. */
static const struct efi_mdesc ovmf_mat[] = {
	{ EFI_MT_RT_DATA, 0, 0x1F4EC000, 0, 256, RT | EFI_MEMORY_XP },
	{ EFI_MT_RT_CODE, 0, 0x1F5EC000, 0, 1, RT | EFI_MEMORY_RO | EFI_MEMORY_XP },
	{ EFI_MT_RT_CODE, 0, 0x1F5ED000, 0, 6, RT | EFI_MEMORY_RO },
	{ EFI_MT_RT_CODE, 0, 0x1F5F3000, 0, 2, RT | EFI_MEMORY_XP },
	{ EFI_MT_RT_CODE, 0, 0x1F5F5000, 0, 4, RT | EFI_MEMORY_RO },
	{ EFI_MT_RT_CODE, 0, 0x1F5F9000, 0, 109, RT | EFI_MEMORY_XP },
	/* 0x1F666000..0x1F670000: not described */
	{ EFI_MT_RT_CODE, 0, 0x1F670000, 0, 1, RT | EFI_MEMORY_RO },
	/* 0x1F671000..0x1F6EC000: not described */
	{ EFI_MT_RT_DATA, 0, 0x1FEF4000, 0, 132, RT | EFI_MEMORY_XP },
};
#define OVMF_MAT_N	(sizeof(ovmf_mat) / sizeof(ovmf_mat[0]))

/* ---------------------------------------------------------------- arena */

#define ARENA_PAGES	4096

static uint8_t arena_mem[ARENA_PAGES][4096] __attribute__((aligned(4096)));
static struct page_arena arena = { arena_mem, PAGE_ARENA_PA, 0, ARENA_PAGES };

static struct pt_builder B;

static void new_builder(bool allow_1g, uint64_t cap)
{
	arena.used = 0;
	arena.cap = cap;
	B = (struct pt_builder){
		.alloc_page = page_arena_alloc, .pa_to_ptr = page_arena_ptr, .ctx = &arena,
		.allow_1g = allow_1g, .allow_nx = true,
	};
	assert_int_equal(pt_init(&B), PT_OK);
}

/* ---------------------------------------------------------------- visitor */

struct leaf {
	uint64_t va, pa, size, entry;
	bool w, x;
};

static struct leaf *leaves;
static size_t nleaves, leaves_cap;

static const uint64_t *table_at(uint64_t pa)
{
	return page_arena_ptr(&arena, pa & PTE_ADDR_MASK);
}

static void visit(uint64_t table_pa, int level, uint64_t va_base, bool w, bool x)
{
	const uint64_t *t = table_at(table_pa);

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];
		unsigned shift = 39 - 9 * level;
		uint64_t va = va_base + ((uint64_t)i << shift);
		bool lw = w && (e & PTE_W), lx = x && !(e & PTE_NX);

		if (!(e & PTE_P))
			continue;
		if (level == 0 && i >= 256)
			va |= 0xFFFF000000000000ULL;
		assert_int_equal(e & PTE_U, 0);		/* nothing is user-accessible */
		if (level == 3 || (level > 0 && (e & PTE_PS))) {
			uint64_t size = 1ULL << shift;

			if (nleaves == leaves_cap) {
				leaves_cap = leaves_cap ? 2 * leaves_cap : 4096;
				leaves = realloc(leaves, leaves_cap * sizeof(*leaves));
				assert_non_null(leaves);
			}
			leaves[nleaves++] = (struct leaf){
				va, e & PTE_ADDR_MASK & ~(size - 1), size, e, lw, lx
			};
			continue;
		}
		visit(e & PTE_ADDR_MASK, level + 1, va, lw, lx);
	}
}

static void collect(void)
{
	nleaves = 0;
	visit(B.root_pa, 0, 0, true, true);
}

static unsigned leaf_pat(const struct leaf *l)
{
	uint64_t pat = l->size == K4 ? (l->entry & PTE_PAT_4K) : (l->entry & PTE_PAT_LARGE);

	return (pat ? 4 : 0) | ((l->entry & PTE_PCD) ? 2 : 0) | ((l->entry & PTE_PWT) ? 1 : 0);
}

static unsigned pml4_index(uint64_t va)
{
	return pt_index(va, 0);
}

/* ---------------------------------------------------------------- fixture */

static struct efi_mdesc raw[300], map[300];
static uint64_t nraw, nmap;
static struct rtwin_plan P;
static struct elf_image img;
static struct hvmap_input in;
static struct hvmap_error err;

#define IMAGE_PA	0x2000000ULL
#define STACK_PA	0x3000000ULL
#define RTSTACK_PA	0x3100000ULL
#define IST_PA		0x3200000ULL
#define TRAMP_PA	0x8000ULL

static void parse_ovmf(void)
{
	const char *s = ovmf_text, *end = s + strlen(s);

	nraw = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		bool empty;

		assert_null(memmap_parse_line(s, len, &raw[nraw], &empty));
		if (!empty)
			nraw++;
		s += len + 1;
	}
	assert_int_equal(nraw, 18);
}

/* Normalises raw[0..nraw), plans the window, fills in. */
static void prepare(enum hv_rt_layout layout)
{
	struct efi_mmap m = { raw, nraw * sizeof(raw[0]), sizeof(raw[0]) };
	uint64_t bad;

	assert_null(memmap_check(&m, &bad));
	assert_null(memmap_normalize(&m, map, 300, &nmap, &bad, NULL));
	assert_null(rtwin_plan(&m, WIN, layout, &P));
	in = (struct hvmap_input){
		.map = map, .count = nmap, .rt = &P,
		.mat = ovmf_mat, .mat_count = OVMF_MAT_N,
	};
}

/* Text R X 3 pages, rodata R 1 page, data R W starting 0x10 into its page
 * (3 pages once rounded), then an unmapped page. */
static void fake_image(void)
{
	img = (struct elf_image){
		.entry_va = IMG + 0x100, .va_lo = IMG, .va_hi = IMG + 0x7000, .nseg = 3,
		.seg = {
			{ IMG, 0x1000, 0x3000, 0x3000, ELF_PF_R | ELF_PF_X },
			{ IMG + 0x3000, 0x4000, 0x800, 0x1000, ELF_PF_R },
			{ IMG + 0x4010, 0x5010, 0x100, 0x27F0, ELF_PF_R | ELF_PF_W },
		},
	};
	in.img = &img;
	in.image_pa = IMAGE_PA;
	in.stack_pa = STACK_PA;
	in.rt_stack_pa = RTSTACK_PA;
	in.trampoline_pa = TRAMP_PA;
}

static void build_ovmf(bool allow_1g)
{
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	fake_image();
	new_builder(allow_1g, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_null(err.what);
	collect();
}

/* ---------------------------------------------------------------- expectations */

static uint64_t desc_end(const struct efi_mdesc *d)
{
	return d->pa + (d->npages << 12);
}

/* [pa, pa+len) lies in RAM descriptors of one cache kind (any EFI RAM
 * types), with no hole; returns that cache's map flag. */
static unsigned assert_one_ram_run(uint64_t pa, uint64_t len)
{
	uint64_t cur = pa, lo = 0, hi = in.count;
	const struct efi_mdesc *first = NULL;

	while (lo < hi) {	/* the first descriptor ending after pa */
		uint64_t mid = lo + (hi - lo) / 2;

		if (desc_end(&in.map[mid]) <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint64_t i = lo; i < in.count && cur < pa + len; i++) {
		const struct efi_mdesc *d = &in.map[i];

		if (desc_end(d) <= cur)
			continue;
		assert_true(d->pa <= cur);		/* no hole under the leaf */
		assert_true(memmap_is_ram(d->type));
		if (!first)
			first = d;
		assert_int_equal(!!(d->attr & EFI_MEMORY_WB), !!(first->attr & EFI_MEMORY_WB));
		cur = desc_end(d);
	}
	assert_non_null(first);
	assert_true(cur >= pa + len);
	return (first->attr & EFI_MEMORY_WB) ? 0 : PT_MAP_UC;
}

static uint64_t ram_bytes(void)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < in.count; i++)
		if (memmap_is_ram(in.map[i].type))
			n += in.map[i].npages << 12;
	return n;
}

static const struct efi_mdesc *mat_at(uint64_t pa)
{
	for (uint32_t k = 0; k < in.mat_count; k++)
		if (pa >= in.mat[k].pa && pa < desc_end(&in.mat[k]))
			return &in.mat[k];
	return NULL;
}

/* What a runtime page must be: the MAT can only take rights away; data and
 * MMIO are never executable. */
static void assert_rt_page(const struct rt_region *r, const struct leaf *l, uint64_t pa)
{
	const struct efi_mdesc *m = mat_at(pa);
	bool w = m ? !(m->attr & EFI_MEMORY_RO) : true;
	bool x = r->type == EFI_MT_RT_CODE && (m ? !(m->attr & EFI_MEMORY_XP) : true);

	assert_int_equal(l->w, w);
	assert_int_equal(l->x, x);
}

/* The PAT index a runtime region must get: device memory (EfiMemoryMappedIO,
 * EfiMemoryMappedIOPortSpace) UC whatever its attributes say, RAM WB when
 * its attributes allow WB, else UC (UEFI 2.10 §7.2). */
static unsigned rt_want_pat(const struct rt_region *r)
{
	if (r->type == EFI_MT_MMIO || r->type == EFI_MT_MMIO_PORT)
		return 3;
	return (r->attr & EFI_MEMORY_WB) ? 0 : 3;
}

/* A leaf's rights hold for all of it: check its first page and both sides
 * of every MAT boundary inside it; its caching is rt_want_pat's. */
static void assert_rt_leaf(const struct rt_region *r, const struct leaf *l)
{
	assert_rt_page(r, l, l->pa);
	for (uint32_t k = 0; k < in.mat_count; k++) {
		uint64_t edge[2] = { in.mat[k].pa, desc_end(&in.mat[k]) };

		for (int e = 0; e < 2; e++) {
			if (edge[e] <= l->pa || edge[e] >= l->pa + l->size)
				continue;
			assert_rt_page(r, l, edge[e]);
			assert_rt_page(r, l, edge[e] - K4);
		}
	}
	assert_int_equal(leaf_pat(l), rt_want_pat(r));
	assert_int_equal(l->entry & PTE_G, 0);
}

/* Under a runtime leaf lie only regions of r's type and caching, each
 * starting where the one before it ends, in va and in pa: one leaf may
 * span neighbours whose entry bits are the same, never a gap. */
static void assert_rt_run_under(const struct rt_region *r, const struct leaf *l)
{
	uint64_t va = l->va, end = l->va + l->size;

	while (va < end) {
		const struct rt_region *n = rtwin_find_va(&P, va);

		assert_non_null(n);
		assert_int_equal(n->type, r->type);
		assert_int_equal(rt_want_pat(n), rt_want_pat(r));
		assert_int_equal(n->pa - r->pa, n->va - r->va);
		va = n->va + (n->npages << 12);
	}
}

/* The PAT index the framebuffer must get, spelled out from the map: WC
 * (1), or where it overlaps RAM the caching of the last RAM descriptor it
 * overlaps (WB 0, UC 3): one memory type per page, and one for it all. */
static unsigned fb_want_pat(void)
{
	unsigned pat = 1;

	for (size_t i = 0; i < nmap; i++) {
		const struct efi_mdesc *d = &map[i];

		if (memmap_is_ram(d->type) && d->pa < in.fb_pa + in.fb_size &&
		    in.fb_pa < d->pa + (d->npages << 12))
			pat = (d->attr & EFI_MEMORY_WB) ? 0 : 3;
	}
	return pat;
}

/* Accounts for every leaf; returns how many bytes each part holds. */
struct census {
	uint64_t direct, runtime, image, lower, fb;
	uint64_t direct_2m, direct_1g;
};

static struct census audit(void)
{
	struct census c = { 0 };
	uint64_t slot_win = pml4_index(P.base);

	for (size_t i = 0; i < nleaves; i++) {
		const struct leaf *l = &leaves[i];
		unsigned slot = pml4_index(l->va);

		if (slot < 256) {
			c.lower += l->size;
			continue;
		}
		if (in.rt && P.count && slot == slot_win) {
			const struct rt_region *r = rtwin_find_va(&P, l->va);

			assert_non_null(r);
			assert_rt_run_under(r, l);
			assert_int_equal(l->pa, r->pa + (l->va - r->va));
			assert_rt_leaf(r, l);
			c.runtime += l->size;
			continue;
		}
		if (in.fb_size && l->va >= HV_FB_VA && l->va < HV_FB_VA + in.fb_size) {
			/* The framebuffer: RW NX, write-combining (PAT index 1)
			 * unless it lies in direct-mapped RAM. */
			assert_true(l->va + l->size <= HV_FB_VA + in.fb_size);
			assert_int_equal(l->pa, in.fb_pa + (l->va - HV_FB_VA));
			assert_true(l->w);
			assert_false(l->x);
			assert_int_equal(leaf_pat(l), fb_want_pat());
			assert_int_equal(l->entry & PTE_G, 0);
			c.fb += l->size;
			continue;
		}
		if (slot == 511) {
			c.image += l->size;
			continue;
		}
		/* The direct map: va = base + pa, RW NX, one run under each leaf. */
		assert_int_equal(l->va - DM, l->pa);
		unsigned cache = assert_one_ram_run(l->pa, l->size);

		assert_true(l->w);
		assert_false(l->x);
		assert_int_equal(leaf_pat(l), cache ? 3 : 0);
		assert_int_equal(l->entry & PTE_G, 0);
		c.direct += l->size;
		c.direct_2m += l->size == M2;
		c.direct_1g += l->size == G1;
	}
	return c;
}

static void assert_walk(uint64_t va, uint64_t pa, uint64_t size, bool w, bool x, unsigned pat)
{
	struct pt_walk wk;

	assert_int_equal(pt_walk(&B, va, &wk), PT_OK);
	assert_int_equal(wk.pa, pa);
	assert_int_equal(wk.page_size, size);
	assert_int_equal(wk.writable, w);
	assert_int_equal(wk.executable, x);
	assert_int_equal(wk.pat_index, pat);
}

static void assert_unmapped(uint64_t va)
{
	struct pt_walk wk;

	assert_int_equal(pt_walk(&B, va, &wk), PT_ENOENT);
}

/* ---------------------------------------------------------------- the OVMF build */

static void test_hvmap_parses_and_plans_the_ovmf_map(void **state)
{
	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	assert_int_equal(nmap, 18);
	assert_int_equal(P.count, 5);
	assert_int_equal(P.r[4].va, WIN + 0xFFC00000);
}

static void test_hvmap_accounts_for_every_leaf_of_the_ovmf_build(void **state)
{
	struct census c;
	uint64_t rt_bytes = 0;

	(void)state;
	build_ovmf(false);
	c = audit();
	for (uint32_t i = 0; i < P.count; i++)
		rt_bytes += P.r[i].npages << 12;
	assert_int_equal(c.direct, ram_bytes());		/* all RAM, nothing else */
	assert_int_equal(c.runtime, rt_bytes);
	assert_int_equal(c.image, 0x7000 + HV_STACK_SIZE + HV_RTSTACK_SIZE);
	assert_int_equal(c.lower, K4);
}

static void test_hvmap_direct_map_covers_exactly_the_ram_descriptors(void **state)
{
	(void)state;
	build_ovmf(false);
	/* First and last page of each RAM descriptor; around the others. */
	for (uint64_t i = 0; i < nmap; i++) {
		const struct efi_mdesc *d = &map[i];
		uint64_t last = desc_end(d) - K4;

		if (!memmap_is_ram(d->type)) {
			assert_unmapped(DM + d->pa);
			assert_unmapped(DM + last);
			continue;
		}
		struct pt_walk w;

		assert_int_equal(pt_walk(&B, DM + d->pa, &w), PT_OK);
		assert_int_equal(w.pa, d->pa);
		assert_true(w.writable && !w.executable);
		assert_int_equal(pt_walk(&B, DM + last + 0xFFF, &w), PT_OK);
		assert_int_equal(w.pa, last + 0xFFF);
	}
	assert_unmapped(DM + 0xFFC00000);	/* flash: runtime window only */
	assert_unmapped(DM + 0xB0000000);	/* reserved */
	assert_unmapped(DM + 0xA0000);		/* legacy hole, not in the map */
	assert_unmapped(DM + 0x1BB75000);	/* gap between descriptors */
	assert_unmapped(DM + 0x20000000);	/* past the last RAM */
}

/* 2 MiB blocks entirely inside runs of contiguous RAM of one cache kind:
 * the large pages the direct map must use, counted independently of
 * hvmap. */
static uint64_t expected_direct_2m(void)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < nmap;) {
		uint64_t j = i + 1, start = map[i].pa, end = desc_end(&map[i]);

		if (!memmap_is_ram(map[i].type)) {
			i++;
			continue;
		}
		while (j < nmap && map[j].pa == end && memmap_is_ram(map[j].type) &&
		       !!(map[j].attr & EFI_MEMORY_WB) == !!(map[i].attr & EFI_MEMORY_WB))
			end = desc_end(&map[j++]);
		uint64_t a = (start + M2 - 1) & ~(M2 - 1), b = end & ~(M2 - 1);

		n += b > a ? (b - a) / M2 : 0;
		i = j;
	}
	return n;
}

static void test_hvmap_puts_large_pages_across_ram_types_but_never_across_a_hole(void **state)
{
	struct census c;
	struct pt_walk w;

	(void)state;
	build_ovmf(false);
	c = audit();		/* every large leaf: one cache kind, no hole under it */
	assert_int_equal(c.direct_2m, expected_direct_2m());
	assert_int_equal(c.direct_2m, 230);	/* 225 with runs split by type */
	/* 0x1EA00000..0x1EC00000 holds a gap, then RT data and BS data. */
	assert_int_equal(pt_walk(&B, DM + 0x1EA00000, &w), PT_ENOENT);	/* the gap */
	assert_int_equal(pt_walk(&B, DM + 0x1EAA0000, &w), PT_OK);
	assert_int_equal(w.page_size, K4);
	assert_int_equal(pt_walk(&B, DM + 0x1EBA2000, &w), PT_OK);
	assert_int_equal(w.page_size, K4);
	/* 0x800000..0xA00000: conventional, NVS, conventional, NVS, BS data,
	 * all write-back: one 2 MiB page. */
	assert_int_equal(pt_walk(&B, DM + 0x9FF000, &w), PT_OK);
	assert_int_equal(w.page_size, M2);
	assert_int_equal(w.pa, 0x9FF000);
	/* 0x1F400000..0x1F600000: BS data, RT data, RT code. */
	assert_int_equal(pt_walk(&B, DM + 0x1F5EC000, &w), PT_OK);
	assert_int_equal(w.page_size, M2);
	/* The last RAM ends at 0x1BB75000: the block holding it is cut. */
	assert_int_equal(pt_walk(&B, DM + 0x1BB74000, &w), PT_OK);
	assert_int_equal(w.page_size, K4);
	assert_int_equal(pt_walk(&B, DM + 0x1BB75000, &w), PT_ENOENT);
}

/* A large page never covers reserved memory, MMIO, a hole or RAM of
 * another cacheability, whatever the types around it. */
static void test_hvmap_ends_a_large_page_at_reserved_mmio_holes_and_cache_changes(void **state)
{
	(void)state;
	nraw = 0;
	/* 0..4 MiB: four RAM types, all WB: two 2 MiB pages. */
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x000000, 0, 0x100, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_BS_DATA, 0, 0x100000, 0, 0x100, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_ACPI_NVS, 0, 0x200000, 0, 0x100, 0xF };
	raw[nraw++] = (struct efi_mdesc){ HV_MEM_PAGETABLE, 0, 0x300000, 0, 0x100, 0xF };
	/* 4..6 MiB: WB then UC RAM. */
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x400000, 0, 0x100, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x500000, 0, 0x100, 0x1 };
	/* 6..8 MiB: RAM then reserved. */
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x600000, 0, 0x100, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_RESERVED, 0, 0x700000, 0, 0x100, 0xF };
	/* 8..10 MiB: RAM, a one-page hole, RAM. */
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x800000, 0, 0x100, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x901000, 0, 0xFF, 0xF };
	/* 10..12 MiB: RAM then MMIO listing WB. */
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0xA00000, 0, 0x100, RT | 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0xB00000, 0, 0x100, 0xF };
	prepare(HV_RT_LAYOUT_OFFSET);
	in.mat_count = 0;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_walk(DM + 0x000000, 0x000000, M2, true, false, 0);
	assert_walk(DM + 0x3FF000, 0x3FF000, M2, true, false, 0);
	assert_walk(DM + 0x4FF000, 0x4FF000, K4, true, false, 0);
	assert_walk(DM + 0x500000, 0x500000, K4, true, false, 3);
	assert_walk(DM + 0x6FF000, 0x6FF000, K4, true, false, 0);
	assert_unmapped(DM + 0x700000);
	assert_walk(DM + 0x8FF000, 0x8FF000, K4, true, false, 0);
	assert_unmapped(DM + 0x900000);
	assert_walk(DM + 0x901000, 0x901000, K4, true, false, 0);
	assert_walk(DM + 0xAFF000, 0xAFF000, K4, true, false, 0);
	assert_unmapped(DM + 0xB00000);
	collect();
	audit();
}

static void test_hvmap_maps_runtime_regions_at_their_planned_va(void **state)
{
	(void)state;
	build_ovmf(false);
	for (uint32_t i = 0; i < P.count; i++) {
		const struct rt_region *r = &P.r[i];
		unsigned pat = r->type == EFI_MT_MMIO ? 3 : 0;

		assert_int_equal(r->va, WIN + r->pa);
		for (uint64_t off = 0; off < r->npages << 12; off += K4) {
			struct pt_walk w;

			assert_int_equal(pt_walk(&B, r->va + off + 0x7, &w), PT_OK);
			assert_int_equal(w.pa, r->pa + off + 0x7);
			assert_int_equal(w.pat_index, pat);
		}
		if (!rtwin_find_pa(&P, r->pa - K4))		/* RT code follows RT data */
			assert_unmapped(r->va - K4);
	}
	/* The flash: UC, writable, never executable, in large pages. */
	assert_walk(WIN + 0xFFC00000, 0xFFC00000, M2, true, false, 3);
	assert_walk(WIN + 0xFFE00000, 0xFFE00000, M2, true, false, 3);
	assert_unmapped(WIN + 0x100000000ULL);
	/* RT data without a MAT entry: RW NX WB. */
	assert_walk(WIN + 0x1EAA0000, 0x1EAA0000, K4, true, false, 0);
	assert_walk(WIN + 0x1FEF4000, 0x1FEF4000, K4, true, false, 0);
}

static void test_hvmap_applies_mat_permissions_inside_runtime_code(void **state)
{
	(void)state;
	build_ovmf(false);
	assert_walk(WIN + 0x1F5EC000, 0x1F5EC000, K4, false, false, 0);	/* header: RO XP */
	assert_walk(WIN + 0x1F5ED000, 0x1F5ED000, K4, false, true, 0);	/* code: RO */
	assert_walk(WIN + 0x1F5F2000, 0x1F5F2000, K4, false, true, 0);
	assert_walk(WIN + 0x1F5F3000, 0x1F5F3000, K4, true, false, 0);	/* data: XP */
	assert_walk(WIN + 0x1F5F4000, 0x1F5F4000, K4, true, false, 0);
	assert_walk(WIN + 0x1F5F5000, 0x1F5F5000, K4, false, true, 0);
	assert_walk(WIN + 0x1F5F9000, 0x1F5F9000, K4, true, false, 0);
	assert_walk(WIN + 0x1F665000, 0x1F665000, K4, true, false, 0);	/* last XP page */
	assert_walk(WIN + 0x1F666000, 0x1F666000, K4, true, true, 0);	/* not in the MAT */
	assert_walk(WIN + 0x1F670000, 0x1F670000, K4, false, true, 0);
	assert_walk(WIN + 0x1F671000, 0x1F671000, K4, true, true, 0);
	assert_walk(WIN + 0x1F6EB000, 0x1F6EB000, K4, true, true, 0);
	assert_walk(WIN + 0x1F4EC000, 0x1F4EC000, K4, true, false, 0);	/* RT data, XP */
}

/* A MAT of 300 entries (large servers publish hundreds: the loader copies
 * any count now, not the first 128): every page of runtime code its own
 * entry, RO+X and RW+NX in turn, then RT data in 44 pieces. */
static void test_hvmap_applies_a_300_entry_mat_page_by_page(void **state)
{
	static struct efi_mdesc big[300];
	uint32_t n = 0;

	(void)state;
	for (uint64_t p = 0; p < 256; p++)
		big[n++] = (struct efi_mdesc){ EFI_MT_RT_CODE, 0, 0x1F5EC000 + p * K4, 0, 1,
					       RT | ((p & 1) ? EFI_MEMORY_XP : EFI_MEMORY_RO) };
	for (uint64_t p = 0; p < 44; p++)
		big[n++] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x1FEF4000 + p * 3 * K4, 0, 3,
					       RT | EFI_MEMORY_XP };
	assert_int_equal(n, 300);
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	in.mat = big;
	in.mat_count = n;
	fake_image();
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	collect();
	for (uint64_t p = 0; p < 256; p++) {
		uint64_t pa = 0x1F5EC000 + p * K4;

		if (p & 1)
			assert_walk(WIN + pa, pa, K4, true, false, 0);	/* XP: RW, NX */
		else
			assert_walk(WIN + pa, pa, K4, false, true, 0);	/* RO: R, X */
	}
}

/* rt_compat = identity: the runtime regions stay out of the hypervisor's
 * tables (they live only in the runtime space, at their physical
 * addresses), and nothing lands in the lower half. */
static void test_hvmap_identity_layout_keeps_runtime_regions_out(void **state)
{
	struct census c;

	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_IDENTITY);
	fake_image();
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_true(arena.used <= hvmap_pool_bound(&in, false));
	collect();
	c = audit();
	assert_int_equal(c.runtime, 0);
	assert_unmapped(0x1F5EC000);
	assert_unmapped(WIN + 0x1F5EC000);
	assert_unmapped(0xFFC00000);
}

static void test_hvmap_maps_runtime_code_rwx_without_a_mat(void **state)
{
	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	fake_image();
	in.mat = NULL;
	in.mat_count = 0;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	for (uint64_t pa = 0x1F5EC000; pa < 0x1F6EC000; pa += K4)
		assert_walk(WIN + pa, pa, K4, true, true, 0);
	assert_walk(WIN + 0x1F4EC000, 0x1F4EC000, K4, true, false, 0);
	assert_walk(WIN + 0xFFC00000, 0xFFC00000, M2, true, false, 3);
	collect();
	audit();
}

static void test_hvmap_never_makes_runtime_data_executable_through_the_mat(void **state)
{
	/* A sloppy MAT: RT data described without XP, and an entry over the
	 * flash. The MAT may only take rights away (UEFI 2.10 §4.6.4 marks
	 * data XP); W+X stays confined to runtime code. */
	static const struct efi_mdesc sloppy[] = {
		{ EFI_MT_RT_DATA, 0, 0x1F4EC000, 0, 256, RT },
		{ EFI_MT_RT_CODE, 0, 0x1F5EC000, 0, 256, RT },
		{ EFI_MT_RT_DATA, 0, 0xFFC00000, 0, 1024, RT },
	};

	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	fake_image();
	in.mat = sloppy;
	in.mat_count = 3;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_walk(WIN + 0x1F5EC000, 0x1F5EC000, K4, true, true, 0);	/* code may be RWX */
	assert_walk(WIN + 0x1F4EC000, 0x1F4EC000, K4, true, false, 0);
	assert_walk(WIN + 0xFFC00000, 0xFFC00000, M2, true, false, 3);
}

static void test_hvmap_maps_only_the_trampoline_in_the_lower_half(void **state)
{
	const uint64_t *pml4;
	size_t lower = 0;

	(void)state;
	build_ovmf(false);
	pml4 = table_at(B.root_pa);
	for (unsigned i = 0; i < 256; i++)
		assert_int_equal(!!(pml4[i] & PTE_P), i == pml4_index(TRAMP_PA));
	for (size_t i = 0; i < nleaves; i++) {
		if (pml4_index(leaves[i].va) >= 256)
			continue;
		lower++;
		assert_int_equal(leaves[i].va, TRAMP_PA);
		assert_int_equal(leaves[i].pa, TRAMP_PA);
		assert_int_equal(leaves[i].size, K4);
		assert_false(leaves[i].w);
		assert_true(leaves[i].x);
	}
	assert_int_equal(lower, 1);
	assert_unmapped(TRAMP_PA - K4);
	assert_unmapped(TRAMP_PA + K4);
}

static void test_hvmap_leaves_guard_pages_below_stacks_unmapped(void **state)
{
	(void)state;
	build_ovmf(false);
	assert_unmapped(HV_STACK_GUARD_VA);
	assert_unmapped(HV_STACK_GUARD_VA + 0xFFF);
	assert_unmapped(HV_RTSTACK_GUARD_VA);
	assert_unmapped(HV_STACK_TOP_VA);
	assert_unmapped(HV_RTSTACK_TOP_VA);
	for (uint64_t off = 0; off < HV_STACK_SIZE; off += K4)
		assert_walk(HV_STACK_BOTTOM_VA + off, STACK_PA + off, K4, true, false, 0);
	for (uint64_t off = 0; off < HV_RTSTACK_SIZE; off += K4)
		assert_walk(HV_RTSTACK_BOTTOM_VA + off, RTSTACK_PA + off, K4, true, false, 0);
}

static void test_hvmap_maps_each_exception_stack_above_a_guard_page(void **state)
{
	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	fake_image();
	in.ist_pa = IST_PA;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_null(err.what);
	for (uint64_t n = 1; n <= HV_IST_COUNT; n++) {
		uint64_t pa = IST_PA + (n - 1) * HV_IST_STACK_SIZE;

		assert_unmapped(HV_IST_BOTTOM_VA(n) - K4);
		assert_unmapped(HV_IST_BOTTOM_VA(n) - 1);
		for (uint64_t off = 0; off < HV_IST_STACK_SIZE; off += K4)
			assert_walk(HV_IST_BOTTOM_VA(n) + off, pa + off, K4, true, false, 0);
	}
	assert_unmapped(HV_IST_TOP_VA(HV_IST_COUNT));
	in.ist_pa = 0;
}

static void test_hvmap_maps_image_segments_with_their_permissions(void **state)
{
	(void)state;
	build_ovmf(false);
	for (uint64_t off = 0; off < 0x3000; off += K4)
		assert_walk(IMG + off, IMAGE_PA + off, K4, false, true, 0);	/* R X */
	assert_walk(IMG + 0x3000, IMAGE_PA + 0x3000, K4, false, false, 0);	/* R */
	for (uint64_t off = 0x4000; off < 0x7000; off += K4)
		assert_walk(IMG + off, IMAGE_PA + off, K4, true, false, 0);	/* R W */
	assert_unmapped(IMG + 0x7000);
	assert_unmapped(IMG - K4);
}

static void test_hvmap_compact_window_is_mapped_where_planned(void **state)
{
	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_COMPACT);
	fake_image();
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_walk(0xFFFFFF7FFFC00000ULL, 0xFFC00000, M2, true, false, 3);
	assert_walk(0xFFFFFF7FFF9EC000ULL, 0x1F5EC000, K4, false, false, 0);
	collect();
	audit();
}

static void test_hvmap_uses_1g_pages_in_the_direct_map_when_allowed(void **state)
{
	struct census c;

	(void)state;
	nraw = 0;
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 0x3FF00, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, G1, 0, 0x80000, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_ACPI_NVS, 0, 3 * G1, 0, 0x200, 0xF };
	prepare(HV_RT_LAYOUT_OFFSET);
	new_builder(true, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	collect();
	c = audit();
	assert_int_equal(c.direct_1g, 2);	/* 1..3 GiB; 0..1 GiB starts at 1 MiB */
	assert_int_equal(c.direct, ram_bytes());
	assert_true(arena.used <= hvmap_pool_bound(&in, true));
}

static void test_hvmap_maps_the_framebuffer_write_combining_at_its_va(void **state)
{
	struct census c;

	(void)state;
	build_ovmf(false);
	/* 1024x768x4 at QEMU std VGA's 0xC0000000: one 2 MiB leaf, 4 KiB after. */
	in.fb_pa = 0xC0000000;
	in.fb_size = 0x300000;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_true(arena.used <= hvmap_pool_bound(&in, false));
	collect();
	c = audit();
	assert_int_equal(c.fb, 0x300000);
	assert_walk(HV_FB_VA, 0xC0000000, M2, true, false, 1);
	assert_walk(HV_FB_VA + M2 + 0x1234, 0xC0201234, K4, true, false, 1);
	assert_unmapped(HV_FB_VA + 0x300000);
	assert_unmapped(HV_FB_VA - K4);
	/* Nothing else moved: the direct map still holds exactly the RAM. */
	assert_int_equal(c.direct, ram_bytes());
}

static void test_hvmap_maps_a_framebuffer_in_ram_with_the_direct_maps_caching(void **state)
{
	struct census c;

	(void)state;
	build_ovmf(false);
	/* QEMU's ramfb: 800x600 in RAM the firmware allocated. */
	for (size_t i = 0; i < nmap && !in.fb_size; i++)
		if (map[i].type == EFI_MT_CONVENTIONAL && map[i].npages >= 0x300 &&
		    (map[i].attr & EFI_MEMORY_WB)) {
			in.fb_pa = map[i].pa;
			in.fb_size = 0x1D5000;
		}
	assert_true(in.fb_size);
	assert_int_equal(hvmap_fb_flags(&in), PT_MAP_W);
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	collect();
	c = audit();
	assert_int_equal(c.fb, 0x1D5000);
	assert_walk(HV_FB_VA + 0x1000, in.fb_pa + 0x1000, K4, true, false, 0);
	/* The same page in the direct map: the same memory type. */
	struct pt_walk wk;

	assert_int_equal(pt_walk(&B, DM + in.fb_pa + 0x1000, &wk), PT_OK);
	assert_int_equal(wk.pat_index, 0);
}

static void test_hvmap_maps_an_unaligned_framebuffer_with_4k_pages(void **state)
{
	struct census c;

	(void)state;
	build_ovmf(false);
	in.fb_pa = 0xFD001000;
	in.fb_size = 3 * K4;
	new_builder(true, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_true(arena.used <= hvmap_pool_bound(&in, true));
	collect();
	c = audit();
	assert_int_equal(c.fb, 3 * K4);
	assert_walk(HV_FB_VA + 2 * K4, 0xFD003000, K4, true, false, 1);
	assert_unmapped(HV_FB_VA + 3 * K4);
}

static void test_hvmap_maps_uc_only_ram_uncached_in_the_direct_map(void **state)
{
	(void)state;
	nraw = 0;
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0, 0, 0x400, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x400000, 0, 0x400, 0x1 };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x800000, 0, 0x400, 0xF };
	prepare(HV_RT_LAYOUT_OFFSET);
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_walk(DM + 0x200000, 0x200000, M2, true, false, 0);
	assert_walk(DM + 0x400000, 0x400000, M2, true, false, 3);
	assert_walk(DM + 0x800000, 0x800000, M2, true, false, 0);
	collect();
	audit();
}

static void test_hvmap_never_direct_maps_ram_into_the_lower_half(void **state)
{
	struct memmap_fixes fx = { .reach = HV_DIRECT_MAP_MAX };
	struct efi_mmap m;
	struct pt_walk w;
	uint64_t bad;

	(void)state;
	/* RAM at 128 TiB (a 52-bit machine may have it): base + pa wraps
	 * past 2^64 to va 0, a canonical lower-half address. Normalised as
	 * the loader does, it is left out of the map ... */
	nraw = 0;
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 16, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x800000000000ULL, 0, 16, 0xF };
	m = (struct efi_mmap){ raw, nraw * sizeof(raw[0]), sizeof(raw[0]) };
	assert_null(memmap_normalize(&m, map, 300, &nmap, &bad, &fx));
	assert_int_equal(nmap, 1);
	assert_int_equal(fx.left_out, 1);
	/* ... and handed to hvmap anyway, it is refused, not wrapped. */
	map[nmap++] = raw[1];
	in = (struct hvmap_input){ .map = map, .count = nmap };
	new_builder(false, ARENA_PAGES);
	assert_int_not_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_non_null(err.what);
	assert_string_equal(err.what, "direct map");
	assert_int_equal(err.pa, 0x800000000000ULL);
	assert_int_equal(pt_walk(&B, 0, &w), PT_ENOENT);
}

static void test_hvmap_refuses_a_runtime_region_it_cannot_map(void **state)
{
	struct pt_walk w;

	(void)state;
	/* A region ending exactly at 2^64 (passes memmap_check): its end
	 * computes as 0. It must fail loudly, not vanish from the window. */
	nraw = 0;
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 16, 0xF };
	prepare(HV_RT_LAYOUT_COMPACT);
	P.count = 1;
	P.r[0] = (struct rt_region){ EFI_MT_MMIO, 1, 0xFFFFFFFFFFE00000ULL, 512, RT | 0x1,
				     WIN + HV_PML4_SLOT_SIZE - M2 };
	new_builder(false, ARENA_PAGES);
	assert_int_not_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_non_null(err.what);
	assert_string_equal(err.what, "runtime region");
	assert_int_equal(err.pa, 0xFFFFFFFFFFE00000ULL);
	assert_int_equal(pt_walk(&B, P.r[0].va, &w), PT_ENOENT);
}

/* Many firmware builds report flash MMIO as 0x800000000000000F: the mask
 * lists WB among the capabilities, but device registers must never be
 * cached. RT data with the same mask stays WB. */
static void test_hvmap_maps_mmio_uc_even_when_its_attributes_list_wb(void **state)
{
	static const struct { uint64_t pa; unsigned pat; } want[] = {
		{ 0x200000, 0 },	/* RuntimeServicesData: RAM, WB */
		{ 0xFED00000, 3 },	/* MemoryMappedIOPortSpace */
		{ 0xFFC00000, 3 },	/* MemoryMappedIO, first page */
		{ 0xFFFFF000, 3 },	/* and last */
	};
	struct pt_walk w;

	(void)state;
	nraw = 0;
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 16, 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x200000, 0, 4, RT | 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_MMIO_PORT, 0, 0xFED00000, 0, 1, RT | 0xF };
	raw[nraw++] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0xFFC00000, 0, 1024,
					  0x800000000000000FULL };
	prepare(HV_RT_LAYOUT_OFFSET);
	in.mat_count = 0;
	assert_int_equal(P.count, 3);
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(pt_walk(&B, WIN + want[i].pa, &w), PT_OK);
		assert_int_equal(w.pa, want[i].pa);
		assert_int_equal(w.pat_index, want[i].pat);
		assert_false(w.executable);
	}
	collect();
	audit();
}

/* ---------------------------------------------------------------- runs, cache */

struct run {
	uint64_t pa, len;
	unsigned flags;
};
static struct run runs[64];
static size_t nruns;

static const char *record_run(void *ctx, uint64_t pa, uint64_t len, unsigned flags)
{
	(void)ctx;
	assert_true(nruns < 64);
	runs[nruns++] = (struct run){ pa, len, flags };
	return PT_OK;
}

static void test_hvmap_direct_runs_of_the_ovmf_map_end_only_at_its_holes(void **state)
{
	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	nruns = 0;
	assert_int_equal(hvmap_for_each_direct_run(map, nmap, record_run, NULL), PT_OK);
	/* All of it write-back: one run per stretch between holes. */
	assert_int_equal(nruns, 3);
	assert_int_equal(runs[0].pa, 0x0);
	assert_int_equal(runs[0].len, 0xA0000);
	assert_int_equal(runs[1].pa, 0x100000);
	assert_int_equal(runs[1].len, 0x1BB75000 - 0x100000);
	assert_int_equal(runs[2].pa, 0x1EAA0000);
	assert_int_equal(runs[2].len, 0x20000000 - 0x1EAA0000);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(runs[i].flags, PT_MAP_W);
}

static void test_hvmap_direct_runs_merge_ram_neighbours_of_one_cache(void **state)
{
	static const struct efi_mdesc m[] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x0, 0, 1, 0xF },
		{ EFI_MT_CONVENTIONAL, 0, 0x1000, 0, 2, 0x8 },		/* merges: WB too */
		{ EFI_MT_CONVENTIONAL, 0, 0x3000, 0, 1, 0x1 },		/* UC: new run */
		{ EFI_MT_CONVENTIONAL, 0, 0x4000, 0, 1, 0x1 },		/* merges */
		{ EFI_MT_MMIO, 0, 0x5000, 0, 1, 0x1 },			/* not RAM */
		{ EFI_MT_CONVENTIONAL, 0, 0x6000, 0, 1, 0xF },
		{ EFI_MT_CONVENTIONAL, 0, 0x8000, 0, 1, 0xF },		/* after a hole */
		{ EFI_MT_BS_DATA, 0, 0x9000, 0, 1, 0xF },		/* other type: merges */
		{ 0x80000000U, 0, 0xA000, 0, 1, 0xF },			/* hvboot's own: RAM */
		{ EFI_MT_RESERVED, 0, 0xB000, 0, 1, 0xF },
	};

	(void)state;
	nruns = 0;
	assert_int_equal(hvmap_for_each_direct_run(m, 10, record_run, NULL), PT_OK);
	assert_int_equal(nruns, 4);
	assert_int_equal(runs[0].pa, 0x0);
	assert_int_equal(runs[0].len, 0x3000);
	assert_int_equal(runs[0].flags, PT_MAP_W);
	assert_int_equal(runs[1].pa, 0x3000);
	assert_int_equal(runs[1].len, 0x2000);
	assert_int_equal(runs[1].flags, PT_MAP_W | PT_MAP_UC);
	assert_int_equal(runs[2].pa, 0x6000);
	assert_int_equal(runs[2].len, 0x1000);
	assert_int_equal(runs[3].pa, 0x8000);
	assert_int_equal(runs[3].len, 0x3000);
	assert_int_equal(runs[3].flags, PT_MAP_W);
}

static const char *fail_second(void *ctx, uint64_t pa, uint64_t len, unsigned flags)
{
	int *calls = ctx;

	(void)pa;
	(void)len;
	(void)flags;
	return ++*calls == 2 ? PT_ENOMEM : PT_OK;
}

static void test_hvmap_direct_runs_stop_at_the_first_error(void **state)
{
	int calls = 0;

	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	assert_int_equal(hvmap_for_each_direct_run(map, nmap, fail_second, &calls), PT_ENOMEM);
	assert_int_equal(calls, 2);
}

static void test_hvmap_cache_flags_are_uc_without_wb(void **state)
{
	(void)state;
	assert_int_equal(hvmap_cache_flags(EFI_MT_CONVENTIONAL, 0xF), 0);
	assert_int_equal(hvmap_cache_flags(EFI_MT_CONVENTIONAL, EFI_MEMORY_WB), 0);
	assert_int_equal(hvmap_cache_flags(EFI_MT_CONVENTIONAL, RT | 0xF), 0);
	assert_int_equal(hvmap_cache_flags(EFI_MT_CONVENTIONAL, RT | EFI_MEMORY_UC), PT_MAP_UC);
	assert_int_equal(hvmap_cache_flags(EFI_MT_CONVENTIONAL, EFI_MEMORY_WC | EFI_MEMORY_WT), PT_MAP_UC);
	assert_int_equal(hvmap_cache_flags(EFI_MT_CONVENTIONAL, 0), PT_MAP_UC);
	/* Device memory is UC whatever its mask lists. */
	assert_int_equal(hvmap_cache_flags(EFI_MT_MMIO, RT | 0xF), PT_MAP_UC);
	assert_int_equal(hvmap_cache_flags(EFI_MT_MMIO_PORT, EFI_MEMORY_WB), PT_MAP_UC);
	assert_int_equal(hvmap_cache_flags(EFI_MT_RT_DATA, RT | 0xF), 0);
}

/* ---------------------------------------------------------------- errors */

static void test_hvmap_names_the_mapping_that_failed(void **state)
{
	(void)state;
	parse_ovmf();
	prepare(HV_RT_LAYOUT_OFFSET);
	fake_image();
	in.trampoline_pa = 0x0000800000000000ULL;	/* not a canonical identity va */
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_EALIGN);
	assert_string_equal(err.what, "trampoline");
	assert_int_equal(err.va, 0x0000800000000000ULL);
	assert_int_equal(err.pa, 0x0000800000000000ULL);
	assert_int_equal(err.len, K4);
	assert_int_equal(err.st, PT_EALIGN);

	fake_image();
	in.image_pa = IMAGE_PA + 0x10;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_EALIGN);
	assert_string_equal(err.what, "hypervisor segment");
	assert_int_equal(err.va, IMG);
	assert_int_equal(err.pa, IMAGE_PA + 0x10);
	assert_int_equal(err.len, 0x3000);

	fake_image();
	new_builder(false, 4);		/* PML4 + 3: the image fits, the stack needs a new PD */
	assert_int_equal(hvmap_build(&B, &in, &err), PT_ENOMEM);
	assert_string_equal(err.what, "hypervisor stack");
	assert_int_equal(err.va, HV_STACK_BOTTOM_VA);
	assert_int_equal(err.pa, STACK_PA);
	assert_int_equal(err.st, PT_ENOMEM);
	assert_int_equal(arena.used, 4);

	/* Runtime regions that land on the direct map: the clash is named. */
	fake_image();
	P.r[0].va = DM + P.r[0].pa;
	new_builder(false, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_EEXIST);
	assert_string_equal(err.what, "runtime region");
	assert_int_equal(err.pa, 0x1EAA0000);
}

/* ---------------------------------------------------------------- pool bound */

static void test_hvmap_pool_bound_covers_the_ovmf_build(void **state)
{
	(void)state;
	for (int g = 0; g < 2; g++) {
		build_ovmf(g);
		assert_true(arena.used <= hvmap_pool_bound(&in, g));
		/* As the loader sizes it: no MAT yet, mat_count = 1. */
		struct hvmap_input early = in;

		early.mat = NULL;
		early.mat_count = 1;
		assert_true(arena.used <= hvmap_pool_bound(&early, g));
	}
}

static uint64_t rng_state = 0x243F6A8885A308D3ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct efi_mdesc rmat[600];

/* A random sorted map: types and caches mixed, gaps, sizes from one page
 * to 1.5 GiB, sometimes a runtime region above 512 GiB; a MAT that splits
 * runtime code at random. */
static void random_map(void)
{
	static const uint32_t types[] = {
		EFI_MT_CONVENTIONAL, EFI_MT_CONVENTIONAL, EFI_MT_BS_DATA, EFI_MT_BS_CODE,
		EFI_MT_LOADER_DATA, EFI_MT_ACPI_RECLAIM, EFI_MT_ACPI_NVS, EFI_MT_RESERVED,
		EFI_MT_MMIO, EFI_MT_RT_CODE, EFI_MT_RT_DATA, EFI_MT_RT_DATA, 0x80000002U,
		EFI_MT_PERSISTENT, EFI_MT_UNUSABLE,
	};
	uint64_t pa = (rng() % 4) * K4, n = 1 + rng() % 120;
	uint32_t nm = 0;

	nraw = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t t = types[rng() % (sizeof(types) / sizeof(types[0]))];
		uint64_t np = (rng() % 4 == 0) ? 1 + rng() % 0x60000 : 1 + rng() % 1200;
		uint64_t attr = (rng() % 5) ? 0xF : 0x1;

		if (rng() % 3 == 0)
			pa += (rng() % 3000) * K4;
		if (rng() % 60 == 0)
			pa += 0x8000000000ULL + (rng() % 64) * G1;	/* past 512 GiB */
		if (t == EFI_MT_RT_CODE || t == EFI_MT_RT_DATA || (t == EFI_MT_MMIO && rng() % 2))
			attr |= RT;
		if (t == EFI_MT_RT_CODE || t == EFI_MT_RT_DATA)
			np = 1 + rng() % 700;
		raw[nraw++] = (struct efi_mdesc){ t, 0, pa, 0, np, attr };
		if (t == EFI_MT_RT_CODE) {
			for (uint64_t p = pa; p < pa + (np << 12) && nm < 600;) {
				uint64_t len = (1 + rng() % 40) << 12;

				if (p + len > pa + (np << 12))
					len = pa + (np << 12) - p;
				if (rng() % 4)
					rmat[nm++] = (struct efi_mdesc){
						t, 0, p, 0, len >> 12,
						RT | ((rng() & 1) ? EFI_MEMORY_RO : EFI_MEMORY_XP)
					};
				p += len;
			}
		} else if (t == EFI_MT_RT_DATA && nm < 600 && rng() % 2) {
			rmat[nm++] = (struct efi_mdesc){ t, 0, pa, 0, np, RT | EFI_MEMORY_XP };
		}
		pa += np << 12;
	}
	in.mat = rmat;
	in.mat_count = nm;
}

static void test_hvmap_pool_bound_covers_random_maps(void **state)
{
	unsigned fell_back = 0, with_1g = 0, with_mat = 0;

	(void)state;
	for (int iter = 0; iter < 120; iter++) {
		bool allow_1g = rng() & 1;
		struct census c;
		uint64_t rt_bytes = 0, bound;

		random_map();
		const struct efi_mdesc *mat = in.mat;
		uint32_t mat_count = in.mat_count;

		prepare((rng() % 4) ? HV_RT_LAYOUT_OFFSET : HV_RT_LAYOUT_COMPACT);
		in.mat = mat;
		in.mat_count = mat_count;
		fake_image();
		in.fb_pa = 0;
		in.fb_size = 0;
		if (rng() % 3 == 0) {
			in.fb_pa = 0x80000000ULL + (rng() % 0x40000) * K4;
			in.fb_size = (1 + rng() % 0x8000) * K4;
		}
		new_builder(allow_1g, ARENA_PAGES);
		assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
		bound = hvmap_pool_bound(&in, allow_1g);
		assert_true(arena.used <= bound);
		collect();
		c = audit();
		for (uint32_t i = 0; i < P.count; i++)
			rt_bytes += P.r[i].npages << 12;
		assert_int_equal(c.direct, ram_bytes());
		assert_int_equal(c.runtime, rt_bytes);
		assert_int_equal(c.fb, in.fb_size);
		assert_int_equal(c.lower, K4);
		fell_back += P.fell_back;
		with_1g += c.direct_1g != 0;
		with_mat += in.mat_count != 0;
	}
	/* The maps did reach the cases they are for. */
	assert_true(fell_back >= 5);
	assert_true(with_1g >= 5);
	assert_true(with_mat >= 20);
}

/* ---------------------------------------------------------------- the fewest tables */

/* Reads one of tools/maps/ (HV_MAPS_DIR, the build passes it) into raw. */
static void parse_map_file(const char *name)
{
	char path[256], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", HV_MAPS_DIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	nraw = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\r\n");
		bool empty;

		assert_true(nraw < 300);
		assert_null(memmap_parse_line(line, len, &raw[nraw], &empty));
		if (!empty)
			nraw++;
	}
	fclose(f);
	assert_true(nraw > 10);
}

static struct ptmin_range floor_r[400];

static void floor_add(size_t *n, uint64_t va, uint64_t pa, uint64_t len, bool only_4k,
		      uint32_t attr)
{
	assert_true(*n < 400);
	floor_r[(*n)++] = (struct ptmin_range){ va, pa, len, only_4k, attr };
}

/* tools/ptmin.c's count of the fewest tables any builder needs for what
 * hvmap_build maps from `in`: one range per segment, stack, RAM descriptor
 * and runtime region, joined where the entry bits are equal (RAM by its
 * cacheability, runtime regions by type and caching). */
static uint64_t fewest_tables(bool allow_1g)
{
	struct ptmin_result res;
	size_t n = 0, bad;

	for (uint32_t i = 0; i < img.nseg; i++) {
		uint64_t va = img.seg[i].va & ~0xFFFULL;
		uint64_t end = (img.seg[i].va + img.seg[i].memsz + 0xFFF) & ~0xFFFULL;

		floor_add(&n, va, IMAGE_PA + (va - img.va_lo), end - va, true, 0x100 | img.seg[i].flags);
	}
	floor_add(&n, HV_STACK_BOTTOM_VA, STACK_PA, HV_STACK_SIZE, true, 0x200);
	floor_add(&n, HV_RTSTACK_BOTTOM_VA, RTSTACK_PA, HV_RTSTACK_SIZE, true, 0x200);
	floor_add(&n, TRAMP_PA, TRAMP_PA, K4, true, 0x800);
	for (size_t i = 0; i < nmap; i++)
		if (memmap_is_ram(map[i].type))
			floor_add(&n, DM + map[i].pa, map[i].pa, map[i].npages << 12, false,
				  0x1000 | hvmap_cache_flags(map[i].type, map[i].attr));
	for (uint32_t i = 0; i < P.count; i++)
		floor_add(&n, P.r[i].va, P.r[i].pa, P.r[i].npages << 12, false,
			  0x400 | P.r[i].type | hvmap_cache_flags(P.r[i].type, P.r[i].attr) << 16);
	assert_null(ptmin_count(floor_r, n, allow_1g, &res, &bad));
	n = ptmin_merge(floor_r, n);
	assert_null(ptmin_count(floor_r, n, allow_1g, &res, &bad));
	return res.total;
}

static void build_map_file(const char *name, bool allow_1g)
{
	parse_map_file(name);
	prepare(HV_RT_LAYOUT_OFFSET);
	in.mat = NULL;
	in.mat_count = 0;
	fake_image();
	new_builder(allow_1g, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	collect();
	audit();
}

/* Firmware splits one pool of runtime data into neighbouring descriptors
 * whose boundaries fall inside 2 MiB pages (Apple's, many laptops'); the
 * builder maps such neighbours as one range, so it needs no more tables
 * than the minimum, on maps with runtime MMIO below 4 GiB, runtime
 * regions scattered high, and regions above 512 GiB (compact layout). */
static void test_hvmap_builds_the_fewest_tables_on_real_machine_like_maps(void **state)
{
	static const char *const maps[] = {
		"macmini-8g.txt", "laptop-16g-rt-high.txt", "workstation-2s-768g.txt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		for (int one_g = 0; one_g < 2; one_g++) {
			uint64_t used;

			build_map_file(maps[i], one_g);
			used = B.stats.tables[0] + B.stats.tables[1] + B.stats.tables[2] +
			       B.stats.tables[3];
			assert_int_equal(used, arena.used);
			assert_int_equal(used, fewest_tables(one_g));
		}
	}
	/* The workstation's regions lie above 512 GiB: compact did happen. */
	assert_true(P.fell_back);
}

/* macmini-8g.txt: runtime data 0x7DD24000 (700 pages), 0x7DFE0000 (64),
 * 0x7E020000 (600): together they cover 0x7DE00000..0x7E200000 whole, which
 * two 2 MiB leaves map; alone, none of them covers a 2 MiB page. */
static void test_hvmap_maps_neighbouring_runtime_data_with_one_large_page(void **state)
{
	(void)state;
	build_map_file("macmini-8g.txt", true);
	assert_walk(WIN + 0x7DE00000, 0x7DE00000, M2, true, false, 0);
	assert_walk(WIN + 0x7E000000, 0x7E000000, M2, true, false, 0);
	/* The runtime code on either side keeps its own 4 KiB pages. */
	assert_walk(WIN + 0x7DCAC000, 0x7DCAC000, K4, true, true, 0);
	assert_walk(WIN + 0x7E278000, 0x7E278000, K4, true, true, 0);
}

/* A MAT entry per descriptor, all RW NX: the pieces still join, since the
 * permissions are the same; a read-only entry splits the run again. */
static void test_hvmap_joins_runtime_pieces_only_where_the_mat_agrees(void **state)
{
	static struct efi_mdesc mat[] = {
		{ EFI_MT_RT_DATA, 0, 0x7DD24000, 0, 700, RT | EFI_MEMORY_XP },
		{ EFI_MT_RT_DATA, 0, 0x7DFE0000, 0, 64, RT | EFI_MEMORY_XP },
		{ EFI_MT_RT_DATA, 0, 0x7E020000, 0, 600, RT | EFI_MEMORY_XP },
	};

	(void)state;
	build_map_file("macmini-8g.txt", true);
	in.mat = mat;
	in.mat_count = 3;
	new_builder(true, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_walk(WIN + 0x7DE00000, 0x7DE00000, M2, true, false, 0);
	assert_walk(WIN + 0x7E000000, 0x7E000000, M2, true, false, 0);

	mat[1].attr = RT | EFI_MEMORY_XP | EFI_MEMORY_RO;
	new_builder(true, ARENA_PAGES);
	assert_int_equal(hvmap_build(&B, &in, &err), PT_OK);
	assert_walk(WIN + 0x7DFE0000, 0x7DFE0000, K4, false, false, 0);
	assert_walk(WIN + 0x7DFDF000, 0x7DFDF000, K4, true, false, 0);
	assert_walk(WIN + 0x7E020000, 0x7E020000, K4, true, false, 0);
	collect();
	audit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hvmap_parses_and_plans_the_ovmf_map),
		cmocka_unit_test(test_hvmap_accounts_for_every_leaf_of_the_ovmf_build),
		cmocka_unit_test(test_hvmap_direct_map_covers_exactly_the_ram_descriptors),
		cmocka_unit_test(test_hvmap_puts_large_pages_across_ram_types_but_never_across_a_hole),
		cmocka_unit_test(test_hvmap_ends_a_large_page_at_reserved_mmio_holes_and_cache_changes),
		cmocka_unit_test(test_hvmap_maps_runtime_regions_at_their_planned_va),
		cmocka_unit_test(test_hvmap_applies_mat_permissions_inside_runtime_code),
		cmocka_unit_test(test_hvmap_applies_a_300_entry_mat_page_by_page),
		cmocka_unit_test(test_hvmap_identity_layout_keeps_runtime_regions_out),
		cmocka_unit_test(test_hvmap_maps_runtime_code_rwx_without_a_mat),
		cmocka_unit_test(test_hvmap_never_makes_runtime_data_executable_through_the_mat),
		cmocka_unit_test(test_hvmap_maps_only_the_trampoline_in_the_lower_half),
		cmocka_unit_test(test_hvmap_leaves_guard_pages_below_stacks_unmapped),
		cmocka_unit_test(test_hvmap_maps_each_exception_stack_above_a_guard_page),
		cmocka_unit_test(test_hvmap_maps_image_segments_with_their_permissions),
		cmocka_unit_test(test_hvmap_compact_window_is_mapped_where_planned),
		cmocka_unit_test(test_hvmap_uses_1g_pages_in_the_direct_map_when_allowed),
		cmocka_unit_test(test_hvmap_maps_uc_only_ram_uncached_in_the_direct_map),
		cmocka_unit_test(test_hvmap_never_direct_maps_ram_into_the_lower_half),
		cmocka_unit_test(test_hvmap_refuses_a_runtime_region_it_cannot_map),
		cmocka_unit_test(test_hvmap_direct_runs_of_the_ovmf_map_end_only_at_its_holes),
		cmocka_unit_test(test_hvmap_maps_mmio_uc_even_when_its_attributes_list_wb),
		cmocka_unit_test(test_hvmap_direct_runs_merge_ram_neighbours_of_one_cache),
		cmocka_unit_test(test_hvmap_direct_runs_stop_at_the_first_error),
		cmocka_unit_test(test_hvmap_cache_flags_are_uc_without_wb),
		cmocka_unit_test(test_hvmap_names_the_mapping_that_failed),
		cmocka_unit_test(test_hvmap_maps_the_framebuffer_write_combining_at_its_va),
		cmocka_unit_test(test_hvmap_maps_an_unaligned_framebuffer_with_4k_pages),
		cmocka_unit_test(test_hvmap_maps_a_framebuffer_in_ram_with_the_direct_maps_caching),
		cmocka_unit_test(test_hvmap_pool_bound_covers_the_ovmf_build),
		cmocka_unit_test(test_hvmap_pool_bound_covers_random_maps),
		cmocka_unit_test(test_hvmap_builds_the_fewest_tables_on_real_machine_like_maps),
		cmocka_unit_test(test_hvmap_maps_neighbouring_runtime_data_with_one_large_page),
		cmocka_unit_test(test_hvmap_joins_runtime_pieces_only_where_the_mat_agrees),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(leaves);
	return rc;
}
