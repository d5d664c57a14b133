/* loader/rtwin.c: where every runtime region goes. The offset layout on the
 * OVMF map gives VirtualStart = base + pa exactly; the compact layout (asked
 * for, or fallen back to) is checked region by region against its rules:
 * va = pa (mod 2 MiB), inside the window, physical order, no overlap,
 * neighbours in pa stay neighbours in va, packed from the top. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "layout.h"
#include "efi_mem.h"
#include "ovmf_map.h"
#include "loader/rtwin.h"

#define RT	EFI_MEMORY_RUNTIME
#define WIN	HV_RT_WINDOW_DEFAULT
#define SLOT	HV_PML4_SLOT_SIZE
#define M2	0x200000ULL
#define G1	0x40000000ULL

static const uint32_t ovmf_rt_index[5] = { 8, 10, 11, 13, 17 };

#define MAXD	(RTWIN_MAX + 8)
static _Alignas(8) uint8_t fwbuf[64 * MAXD];
static struct efi_mdesc D[MAXD];
static struct rtwin_plan P;

static struct efi_mmap fwmap(const struct efi_mdesc *d, size_t n, size_t stride)
{
	assert_true(n * stride <= sizeof(fwbuf));
	memset(fwbuf, 0xEE, sizeof(fwbuf));	/* junk between descriptors */
	for (size_t i = 0; i < n; i++)
		memcpy(fwbuf + i * stride, &d[i], sizeof(*d));
	return (struct efi_mmap){ fwbuf, n * stride, stride };
}

/* The reason, or "(planned)": never NULL, so a string assert reports it. */
static const char *plan(const struct efi_mdesc *d, size_t n, size_t stride, uint64_t base,
			enum hv_rt_layout layout)
{
	struct efi_mmap m = fwmap(d, n, stride);
	const char *why;

	memset(&P, 0x5A, sizeof(P));
	why = rtwin_plan(&m, base, layout, &P);
	return why ? why : "(planned)";
}

static uint64_t bytes(const struct rt_region *r)
{
	return r->npages << 12;
}

#define assert_planned(why)	assert_string_equal(why, "(planned)")

/* Every rule of the compact layout, for any plan. */
static void assert_compact_rules(const struct rtwin_plan *p)
{
	assert_int_equal(p->layout, HV_RT_LAYOUT_COMPACT);
	for (uint32_t i = 0; i < p->count; i++) {
		const struct rt_region *r = &p->r[i];

		assert_int_equal(r->va % M2, r->pa % M2);
		assert_true(r->va >= p->base);
		assert_true(r->va - p->base + bytes(r) <= SLOT);
		assert_ptr_equal(rtwin_find_va(p, r->va), r);
		assert_ptr_equal(rtwin_find_va(p, r->va + bytes(r) - 1), r);
		if (i == 0)
			continue;
		const struct rt_region *q = &p->r[i - 1];

		assert_true(q->pa < r->pa);			/* physical order */
		assert_true(q->va + bytes(q) <= r->va);		/* same order in va, no overlap */
		assert_true(r->va - (q->va + bytes(q)) < M2);	/* packed */
		if (q->pa + bytes(q) == r->pa)
			assert_int_equal(q->va + bytes(q), r->va);	/* neighbours stay so */
	}
	if (p->count) {
		const struct rt_region *t = &p->r[p->count - 1];

		assert_true(SLOT - (t->va - p->base + bytes(t)) < M2);	/* from the top */
	}
}

/* ---------------------------------------------------------------- OVMF */

static void assert_ovmf_regions(void)
{
	assert_int_equal(P.count, 5);
	for (uint32_t i = 0; i < 5; i++) {
		const struct efi_mdesc *d = &ovmf[ovmf_rt_index[i]];

		assert_int_equal(P.r[i].type, d->type);
		assert_int_equal(P.r[i].desc_index, ovmf_rt_index[i]);
		assert_int_equal(P.r[i].pa, d->pa);
		assert_int_equal(P.r[i].npages, d->npages);
		assert_int_equal(P.r[i].attr, d->attr);
	}
}

static void test_rtwin_offset_layout_puts_ovmf_regions_at_base_plus_pa(void **state)
{
	(void)state;
	assert_planned(plan(ovmf, OVMF_N, 40, WIN, HV_RT_LAYOUT_OFFSET));
	assert_int_equal(P.base, WIN);
	assert_int_equal(P.layout, HV_RT_LAYOUT_OFFSET);
	assert_false(P.fell_back);
	assert_int_equal(P.missing_bit, 0);
	assert_ovmf_regions();
	assert_int_equal(P.r[0].va, 0xFFFFFF001EAA0000ULL);
	assert_int_equal(P.r[1].va, 0xFFFFFF001F4EC000ULL);
	assert_int_equal(P.r[2].va, 0xFFFFFF001F5EC000ULL);
	assert_int_equal(P.r[3].va, 0xFFFFFF001FEF4000ULL);
	assert_int_equal(P.r[4].va, 0xFFFFFF00FFC00000ULL);
}

static void test_rtwin_identity_layout_puts_each_region_at_its_physical_address(void **state)
{
	/* MMIO: RAM that high is refused earlier, as beyond the direct map. */
	static const struct efi_mdesc high[] = {
		{ EFI_MT_MMIO, 0, 0x800000000000ULL, 0, 1, 0x8000000000000001ULL },
	};

	(void)state;
	assert_planned(plan(ovmf, OVMF_N, 40, WIN, HV_RT_LAYOUT_IDENTITY));
	assert_int_equal(P.layout, HV_RT_LAYOUT_IDENTITY);
	assert_false(P.fell_back);
	assert_ovmf_regions();
	for (uint32_t i = 0; i < P.count; i++)
		assert_int_equal(P.r[i].va, P.r[i].pa);
	/* No fallback: a region the lower half cannot hold is refused. */
	assert_string_equal(plan(high, 1, 40, WIN, HV_RT_LAYOUT_IDENTITY),
			    "region above 128 TiB cannot be mapped at its physical address");
	assert_int_equal(P.r[0].va, 0);
}

static void test_rtwin_reads_maps_at_48_and_64_byte_strides(void **state)
{
	(void)state;
	assert_planned(plan(ovmf, OVMF_N, 48, WIN, HV_RT_LAYOUT_OFFSET));
	assert_ovmf_regions();
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(P.r[i].va, WIN + P.r[i].pa);
	assert_planned(plan(ovmf, OVMF_N, 64, WIN, HV_RT_LAYOUT_COMPACT));
	assert_ovmf_regions();
	assert_compact_rules(&P);
}

static void test_rtwin_compact_layout_packs_ovmf_regions_below_the_top(void **state)
{
	(void)state;
	assert_planned(plan(ovmf, OVMF_N, 48, WIN, HV_RT_LAYOUT_COMPACT));
	assert_int_equal(P.layout, HV_RT_LAYOUT_COMPACT);
	assert_false(P.fell_back);		/* asked for, not fallen back to */
	assert_ovmf_regions();
	assert_int_equal(P.r[0].va, 0xFFFFFF7FFF6A0000ULL);
	assert_int_equal(P.r[1].va, 0xFFFFFF7FFF8EC000ULL);
	assert_int_equal(P.r[2].va, 0xFFFFFF7FFF9EC000ULL);	/* adjacent to r[1] */
	assert_int_equal(P.r[3].va, 0xFFFFFF7FFFAF4000ULL);
	assert_int_equal(P.r[4].va, 0xFFFFFF7FFFC00000ULL);	/* ends at the slot's end */
	assert_compact_rules(&P);
}

static void test_rtwin_sorts_an_unsorted_map_and_keeps_firmware_indices(void **state)
{
	(void)state;
	for (size_t i = 0; i < OVMF_N; i++)
		D[i] = ovmf[OVMF_N - 1 - i];
	assert_planned(plan(D, OVMF_N, 48, WIN, HV_RT_LAYOUT_OFFSET));
	assert_int_equal(P.count, 5);
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(P.r[i].pa, ovmf[ovmf_rt_index[i]].pa);
		assert_int_equal(P.r[i].desc_index, OVMF_N - 1 - ovmf_rt_index[i]);
		assert_int_equal(P.r[i].va, WIN + P.r[i].pa);
	}
	assert_planned(plan(D, OVMF_N, 40, WIN, HV_RT_LAYOUT_COMPACT));
	assert_compact_rules(&P);
	assert_int_equal(P.r[4].va, 0xFFFFFF7FFFC00000ULL);
}

static void test_rtwin_rejects_overlapping_runtime_regions(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	D[10].npages = 257;	/* RT data now runs one page into RT code */
	assert_string_equal(plan(D, OVMF_N, 48, WIN, HV_RT_LAYOUT_OFFSET), "runtime regions overlap");
	D[10].npages = 256;
	D[12] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x1F5EC000, 0, 1, RT };	/* same pa */
	assert_string_equal(plan(D, OVMF_N, 40, WIN, HV_RT_LAYOUT_COMPACT), "runtime regions overlap");
	/* A runtime region overlapping a boot-services one is not rtwin's to judge. */
	memcpy(D, ovmf, sizeof(ovmf));
	D[12].pa = 0x1F5EC000;
	assert_planned(plan(D, OVMF_N, 40, WIN, HV_RT_LAYOUT_OFFSET));
}

static void test_rtwin_ignores_zero_page_entries(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	D[OVMF_N] = (struct efi_mdesc){ EFI_MT_RT_CODE, 0, 0x1F5EC000, 0, 0, RT | 0xF };
	D[OVMF_N + 1] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x123, 0, 0, RT };	/* even misaligned */
	assert_planned(plan(D, OVMF_N + 2, 48, WIN, HV_RT_LAYOUT_OFFSET));
	assert_ovmf_regions();
}

static void test_rtwin_maps_rt_types_missing_the_runtime_bit_and_counts_them(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	D[11].attr = 0xF;		/* RT code without EFI_MEMORY_RUNTIME */
	D[13].attr = 0xF;		/* RT data without it */
	assert_planned(plan(D, OVMF_N, 48, WIN, HV_RT_LAYOUT_OFFSET));
	assert_int_equal(P.missing_bit, 2);
	assert_int_equal(P.count, 5);
	assert_int_equal(P.r[2].pa, 0x1F5EC000);
	assert_int_equal(P.r[2].va, WIN + 0x1F5EC000);
	assert_int_equal(P.r[2].attr, 0xF);
	assert_int_equal(P.r[3].va, WIN + 0x1FEF4000);
}

static void test_rtwin_plans_nothing_for_a_map_without_runtime_regions(void **state)
{
	(void)state;
	assert_planned(plan(ovmf, 8, 40, WIN, HV_RT_LAYOUT_OFFSET));
	assert_int_equal(P.count, 0);
	assert_false(P.fell_back);
	assert_null(rtwin_find_pa(&P, 0x1000));
	assert_null(rtwin_find_va(&P, WIN));
}

/* ---------------------------------------------------------------- fallback */

static void test_rtwin_falls_back_to_compact_when_a_region_lies_above_512g(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	/* A second flash region above 512 GiB (64-bit MMIO BAR) and runtime
	 * data right below it, physically adjacent. */
	D[OVMF_N] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0x10000123000ULL, 0, 0x40, RT | 0x1 };
	D[OVMF_N + 1] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x10000100000ULL, 0, 0x23, RT | 0xF };
	assert_planned(plan(D, OVMF_N + 2, 48, WIN, HV_RT_LAYOUT_OFFSET));
	assert_true(P.fell_back);
	assert_int_equal(P.layout, HV_RT_LAYOUT_COMPACT);
	assert_int_equal(P.count, 7);
	assert_int_equal(P.r[5].pa, 0x10000100000ULL);
	assert_int_equal(P.r[6].pa, 0x10000123000ULL);
	assert_int_equal(P.r[5].desc_index, OVMF_N + 1);
	assert_compact_rules(&P);
	assert_int_equal(P.r[6].va, WIN + SLOT - M2 + 0x123000);
	assert_int_equal(P.r[5].va, P.r[6].va - 0x23000);
}

static void test_rtwin_falls_back_for_a_region_straddling_512g(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	D[OVMF_N] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, SLOT - 0x1000, 0, 2, RT | 0xF };
	assert_planned(plan(D, OVMF_N + 1, 40, WIN, HV_RT_LAYOUT_OFFSET));
	assert_true(P.fell_back);
	assert_compact_rules(&P);

	/* Ending exactly at 512 GiB still fits the offset layout. */
	D[OVMF_N].npages = 1;
	assert_planned(plan(D, OVMF_N + 1, 40, WIN, HV_RT_LAYOUT_OFFSET));
	assert_false(P.fell_back);
	assert_int_equal(P.layout, HV_RT_LAYOUT_OFFSET);
	assert_int_equal(P.r[5].va, WIN + SLOT - 0x1000);
}

static void test_rtwin_falls_back_for_a_region_ending_at_2_64(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	/* Passes memmap_check (ends exactly at 2^64, does not wrap). */
	D[OVMF_N] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0xFFFFFFFFFFE00000ULL, 0, 512, RT | 0x1 };
	assert_planned(plan(D, OVMF_N + 1, 40, WIN, HV_RT_LAYOUT_OFFSET));
	assert_true(P.fell_back);
	assert_compact_rules(&P);
	assert_int_equal(P.r[5].va, WIN + SLOT - M2);
}

static void test_rtwin_rejects_overlap_at_the_top_of_the_address_space(void **state)
{
	(void)state;
	D[0] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0xFFFFFFFFFFE00000ULL, 0, 512, RT | 0x1 };
	D[1] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0xFFFFFFFFFFFFF000ULL, 0, 1, RT | 0xF };
	assert_string_equal(plan(D, 2, 40, WIN, HV_RT_LAYOUT_COMPACT), "runtime regions overlap");
}

static void test_rtwin_compact_in_the_top_slot_stays_below_2_64(void **state)
{
	const uint64_t top_slot = 0xFFFFFF8000000000ULL;

	(void)state;
	assert_planned(plan(ovmf, OVMF_N, 48, top_slot, HV_RT_LAYOUT_COMPACT));
	assert_compact_rules(&P);
	assert_int_equal(P.r[4].va, 0xFFFFFFFFFFC00000ULL);	/* its end is 2^64 */
	assert_int_equal(P.r[0].va, 0xFFFFFFFFFF6A0000ULL);
}

/* ---------------------------------------------------------------- limits */

static void fill_regions(size_t n)
{
	/* Alternating code and data, every other one adjacent to the next. */
	for (size_t i = 0; i < n; i++)
		D[i] = (struct efi_mdesc){ (i & 1) ? EFI_MT_RT_CODE : EFI_MT_RT_DATA, 0,
					   0x100000 + (i / 2) * 0x10000 + (i & 1) * 0x3000, 0,
					   3, RT | 0xF };
}

static void test_rtwin_takes_exactly_rtwin_max_regions(void **state)
{
	(void)state;
	fill_regions(RTWIN_MAX);
	assert_planned(plan(D, RTWIN_MAX, 48, WIN, HV_RT_LAYOUT_OFFSET));
	assert_int_equal(P.count, RTWIN_MAX);
	assert_planned(plan(D, RTWIN_MAX, 48, WIN, HV_RT_LAYOUT_COMPACT));
	assert_compact_rules(&P);
}

static void test_rtwin_rejects_more_than_rtwin_max_regions(void **state)
{
	(void)state;
	fill_regions(RTWIN_MAX + 1);
	assert_string_equal(plan(D, RTWIN_MAX + 1, 48, WIN, HV_RT_LAYOUT_OFFSET),
			    "too many runtime regions");
	/* Non-runtime descriptors do not count. */
	fill_regions(RTWIN_MAX + 1);
	D[7].attr = 0xF;
	D[7].type = EFI_MT_BS_DATA;
	assert_planned(plan(D, RTWIN_MAX + 1, 48, WIN, HV_RT_LAYOUT_OFFSET));
}

static void test_rtwin_rejects_regions_that_do_not_fit_the_window(void **state)
{
	(void)state;
	/* One region of exactly 512 GiB above the slot fits, at base. */
	D[0] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 2 * SLOT, 0, SLOT >> 12, RT | 0x1 };
	assert_planned(plan(D, 1, 40, WIN, HV_RT_LAYOUT_OFFSET));
	assert_true(P.fell_back);
	assert_int_equal(P.r[0].va, WIN);

	/* One more page anywhere does not. */
	D[1] = (struct efi_mdesc){ EFI_MT_RT_DATA, 0, 0x1000, 0, 1, RT | 0xF };
	assert_string_equal(plan(D, 2, 40, WIN, HV_RT_LAYOUT_OFFSET),
			    "runtime regions do not fit in the 512 GiB window");
	for (uint32_t i = 0; i < P.count; i++)
		assert_int_equal(P.r[i].va, 0);		/* no half-made plan */

	/* Keeping pa mod 2 MiB costs room: 512 GiB - 2 MiB starting 4 KiB
	 * into a 2 MiB page fits only once the first 4 KiB are left out. */
	D[0] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 2 * SLOT + 0x1000, 0,
				   (SLOT - 0x1000) >> 12, RT | 0x1 };
	assert_planned(plan(D, 1, 40, WIN, HV_RT_LAYOUT_COMPACT));
	assert_int_equal(P.r[0].va, WIN + 0x1000);
	D[0].npages++;
	assert_string_equal(plan(D, 1, 40, WIN, HV_RT_LAYOUT_COMPACT),
			    "runtime regions do not fit in the 512 GiB window");
	D[0].npages--;
	D[0].pa += 0x1000;	/* same size, 8 KiB into its 2 MiB page */
	assert_string_equal(plan(D, 1, 40, WIN, HV_RT_LAYOUT_COMPACT),
			    "runtime regions do not fit in the 512 GiB window");
}

static void test_rtwin_rejects_a_region_larger_than_the_window(void **state)
{
	(void)state;
	D[0] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0, 0, (SLOT >> 12) + 1, RT | 0x1 };
	assert_string_equal(plan(D, 1, 40, WIN, HV_RT_LAYOUT_OFFSET),
			    "runtime region larger than the window");
}

static void test_rtwin_rejects_a_base_not_512g_aligned(void **state)
{
	(void)state;
	assert_string_equal(plan(ovmf, OVMF_N, 48, WIN + M2, HV_RT_LAYOUT_OFFSET),
			    "window base not 512 GiB aligned");
	assert_int_equal(P.count, 0);
	assert_string_equal(plan(ovmf, OVMF_N, 48, WIN + 0x1000, HV_RT_LAYOUT_COMPACT),
			    "window base not 512 GiB aligned");
}

static void test_rtwin_rejects_a_stride_below_40(void **state)
{
	struct efi_mmap m = fwmap(ovmf, 4, 40);

	(void)state;
	m.desc_size = 32;
	const char *why = rtwin_plan(&m, WIN, HV_RT_LAYOUT_OFFSET, &P);

	assert_non_null(why);
	assert_string_equal(why,
			    "descriptor size smaller than EFI_MEMORY_DESCRIPTOR");
}

static void test_rtwin_rejects_misaligned_and_wrapping_runtime_regions(void **state)
{
	(void)state;
	memcpy(D, ovmf, sizeof(ovmf));
	D[13].pa += 0x10;
	assert_string_equal(plan(D, OVMF_N, 48, WIN, HV_RT_LAYOUT_OFFSET),
			    "runtime region not 4 KiB aligned");
	memcpy(D, ovmf, sizeof(ovmf));
	D[17].pa = 0xFFFFFFFFFFF00000ULL;	/* 1024 pages from here pass 2^64 */
	assert_string_equal(plan(D, OVMF_N, 48, WIN, HV_RT_LAYOUT_OFFSET),
			    "runtime region wraps past the top of the address space");
}

/* ---------------------------------------------------------------- lookups */

static void test_rtwin_find_pa_and_va_cover_exactly_each_region(void **state)
{
	(void)state;
	assert_planned(plan(ovmf, OVMF_N, 48, WIN, HV_RT_LAYOUT_COMPACT));
	for (uint32_t i = 0; i < P.count; i++) {
		const struct rt_region *r = &P.r[i];

		assert_ptr_equal(rtwin_find_pa(&P, r->pa), r);
		assert_ptr_equal(rtwin_find_pa(&P, r->pa + bytes(r) - 1), r);
		assert_ptr_equal(rtwin_find_va(&P, r->va), r);
		assert_ptr_equal(rtwin_find_va(&P, r->va + bytes(r) - 1), r);
	}
	/* Around them: before the first, the gap after r[0], after RT code. */
	assert_null(rtwin_find_pa(&P, 0x1EAA0000 - 1));
	assert_null(rtwin_find_pa(&P, 0x1EBA2000));
	assert_null(rtwin_find_pa(&P, 0x1F6EC000));
	assert_null(rtwin_find_pa(&P, 0x100000000ULL));
	assert_null(rtwin_find_va(&P, P.r[0].va - 1));
	assert_null(rtwin_find_va(&P, P.r[0].va + bytes(&P.r[0])));
	assert_null(rtwin_find_va(&P, 0));
	/* Adjacent RT data / RT code: the boundary byte belongs to code. */
	assert_ptr_equal(rtwin_find_va(&P, P.r[2].va), &P.r[2]);
	assert_ptr_equal(rtwin_find_va(&P, P.r[2].va - 1), &P.r[1]);
}

/* The direct map fills whole PML4 slots: RAM up to 512 MiB takes slot 256
 * only, so a window in slot 257 is free; one byte past 512 GiB takes 257. */
static void test_rtwin_window_in_slot_257_fits_beside_512_mib_of_ram(void **state)
{
	const uint64_t slot256 = HV_DIRECT_MAP_BASE, slot257 = slot256 + HV_PML4_SLOT_SIZE;
	const char *why = "rt_window overlaps the direct map of RAM up to";

	(void)state;
	assert_null(rtwin_check_window(slot257, 0x20000000));
	assert_null(rtwin_check_window(slot257, HV_PML4_SLOT_SIZE));
	assert_string_equal(rtwin_check_window(slot257, HV_PML4_SLOT_SIZE + 0x1000), why);
	assert_string_equal(rtwin_check_window(slot256, 0x1000), why);
	assert_null(rtwin_check_window(slot256, 0));		/* no RAM, no direct map */
	assert_null(rtwin_check_window(HV_RT_WINDOW_DEFAULT, HV_DIRECT_MAP_MAX));
	assert_null(rtwin_check_window(HV_RT_WINDOW_DEFAULT, UINT64_MAX));
	assert_string_equal(rtwin_check_window(HV_RT_WINDOW_DEFAULT - HV_PML4_SLOT_SIZE,
					       HV_DIRECT_MAP_MAX), why);
	assert_null(rtwin_check_window(0x0000000000000000ULL, UINT64_MAX));	/* lower half */
}

/* memmap_normalize gives the overlap to the MMIO; the window would map it
 * with the runtime RAM's caching, so the plan is refused (runtime off). */
static void test_rtwin_refuses_runtime_ram_overlapping_mmio_or_reserved(void **state)
{
	struct efi_mdesc d[3] = {
		{ EFI_MT_CONVENTIONAL, 0, 0x100000, 0, 16, 0xF },
		{ EFI_MT_RT_DATA, 0, 0x200000, 0, 16, RT | 0xF },
		{ EFI_MT_RESERVED, 0, 0x20F800, 0, 1, 0x1 },	/* rounded outward: 0x20F000 */
	};
	struct efi_mmap m = { d, sizeof(d), sizeof(d[0]) };
	static struct rtwin_plan p;

	(void)state;
	assert_string_equal(rtwin_plan(&m, HV_RT_WINDOW_DEFAULT, HV_RT_LAYOUT_OFFSET, &p),
			    "runtime region overlaps memory that is not RAM");
	d[2].pa = 0x210000;	/* touching is fine */
	assert_null(rtwin_plan(&m, HV_RT_WINDOW_DEFAULT, HV_RT_LAYOUT_OFFSET, &p));
	d[2] = (struct efi_mdesc){ EFI_MT_MMIO, 0, 0x1FF000, 0, 2, RT | 0x1 };
	assert_string_equal(rtwin_plan(&m, HV_RT_WINDOW_DEFAULT, HV_RT_LAYOUT_OFFSET, &p),
			    "runtime regions overlap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtwin_offset_layout_puts_ovmf_regions_at_base_plus_pa),
		cmocka_unit_test(test_rtwin_identity_layout_puts_each_region_at_its_physical_address),
		cmocka_unit_test(test_rtwin_reads_maps_at_48_and_64_byte_strides),
		cmocka_unit_test(test_rtwin_compact_layout_packs_ovmf_regions_below_the_top),
		cmocka_unit_test(test_rtwin_sorts_an_unsorted_map_and_keeps_firmware_indices),
		cmocka_unit_test(test_rtwin_rejects_overlapping_runtime_regions),
		cmocka_unit_test(test_rtwin_ignores_zero_page_entries),
		cmocka_unit_test(test_rtwin_maps_rt_types_missing_the_runtime_bit_and_counts_them),
		cmocka_unit_test(test_rtwin_plans_nothing_for_a_map_without_runtime_regions),
		cmocka_unit_test(test_rtwin_falls_back_to_compact_when_a_region_lies_above_512g),
		cmocka_unit_test(test_rtwin_falls_back_for_a_region_straddling_512g),
		cmocka_unit_test(test_rtwin_falls_back_for_a_region_ending_at_2_64),
		cmocka_unit_test(test_rtwin_rejects_overlap_at_the_top_of_the_address_space),
		cmocka_unit_test(test_rtwin_compact_in_the_top_slot_stays_below_2_64),
		cmocka_unit_test(test_rtwin_takes_exactly_rtwin_max_regions),
		cmocka_unit_test(test_rtwin_rejects_more_than_rtwin_max_regions),
		cmocka_unit_test(test_rtwin_rejects_regions_that_do_not_fit_the_window),
		cmocka_unit_test(test_rtwin_rejects_a_region_larger_than_the_window),
		cmocka_unit_test(test_rtwin_rejects_a_base_not_512g_aligned),
		cmocka_unit_test(test_rtwin_rejects_a_stride_below_40),
		cmocka_unit_test(test_rtwin_rejects_misaligned_and_wrapping_runtime_regions),
		cmocka_unit_test(test_rtwin_find_pa_and_va_cover_exactly_each_region),
		cmocka_unit_test(test_rtwin_window_in_slot_257_fits_beside_512_mib_of_ram),
		cmocka_unit_test(test_rtwin_refuses_runtime_ram_overlapping_mmio_or_reserved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
