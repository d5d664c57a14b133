/* The runtime address space (see rt_space.h). */
#include "rt_space.h"
#include "layout.h"
#include "mm.h"
#include "cpu.h"
#include "hv.h"
#include "lib.h"
#include "rt/rt.h"
#include "loader/memmap.h"
#include "loader/hvmap.h"
#include "loader/pt.h"

extern uint8_t __rtshared_text_start[], __rtshared_text_end[];
extern uint8_t __rtshared_data_start[], __rtshared_data_end[];
extern uint8_t __rtshared_bss_start[], __rtshared_bss_end[];

#define RT_PCID		1ULL
#define STACK_PAINT	0x5AFEC0DE5AFEC0DEULL

static struct rt_space_info info;

/* 1:1 aliases of firmware memory in this space only (rt_compat heal and
 * alias): the audit expects them and nothing else in the lower half. */
#define ALIASES_MAX	64
static struct pt_audit_range aliases[ALIASES_MAX];
static unsigned naliases;

/* As the window maps the same page (loader/hvmap.c): data RW, code RWX
 * narrowed by the Memory Attributes Table entry holding the page. */
static unsigned alias_perm(uint64_t pa, bool exec)
{
	const struct efi_mdesc *mat = (const struct efi_mdesc *)(uintptr_t)hv_bi->mat.va;

	if (!exec)
		return PT_MAP_W;
	for (uint32_t k = 0; mat && k < hv_bi->mat_count; k++) {
		const struct efi_mdesc *m = &mat[k];

		if (pa >= m->pa && pa - m->pa < m->npages * HV_PAGE_SIZE)
			return (m->attr & EFI_MEMORY_RO ? 0 : PT_MAP_W) |
			       (m->attr & EFI_MEMORY_XP ? 0 : PT_MAP_X);
	}
	return PT_MAP_W | PT_MAP_X;
}

bool rt_alias_install(uint64_t pa, uint64_t len, bool exec, bool uncached)
{
	struct pt_builder b = {
		.root_pa = info.root_pa, .alloc_page = mm_pool_alloc, .pa_to_ptr = mm_direct_ptr,
		.allow_nx = info.allow_nx,
	};
	struct pt_walk w;

	if (!info.active || !len)
		return false;
	if (pt_walk(&b, pa, &w) == PT_OK && w.present)
		return true;		/* there already (a stale TLB entry faulted) */
	if (naliases >= ALIASES_MAX)
		return false;
	for (uint64_t off = 0; off < len; off += HV_PAGE_SIZE)
		if (pt_map_range(&b, pa + off, pa + off, HV_PAGE_SIZE,
				 alias_perm(pa + off, exec) | (uncached ? PT_MAP_UC : 0) |
				 PT_MAP_4K) != PT_OK)
			return false;
	aliases[naliases++] = (struct pt_audit_range){ pa, len };
	info.alias_pages += len / HV_PAGE_SIZE;
	return true;
}

/* rt_compat = alias: every runtime region 1:1 from the start (Linux's
 * model: the firmware may use physical or virtual addresses). */
static void alias_runtime_regions(const struct hv_bootinfo *bi)
{
	size_t n;
	const struct efi_mdesc *d = bootinfo_memmap(bi, &n);

	for (size_t i = 0; i < n; i++) {
		if (!memmap_is_runtime(&d[i], NULL))
			continue;
		if (!rt_alias_install(d[i].pa, d[i].npages * HV_PAGE_SIZE,
				      d[i].type == EFI_MT_RT_CODE,
				      hvmap_cache_flags(d[i].type, d[i].attr) & PT_MAP_UC)) {
			info.why_not_aliased = "page-table pool exhausted";
			return;
		}
	}
}

const struct rt_space_info *rt_space_get(void)
{
	return &info;
}

static uint64_t image_pa(const struct hv_bootinfo *bi, const void *va)
{
	return bi->image.pa + ((uint64_t)(uintptr_t)va - bi->image.va);
}

static bool map_image_range(struct pt_builder *b, const struct hv_bootinfo *bi,
			    const uint8_t *start, const uint8_t *end, unsigned flags)
{
	uint64_t len = (uint64_t)(end - start);

	return !len || pt_map_range(b, (uint64_t)(uintptr_t)start, image_pa(bi, start), len,
				    flags | PT_MAP_4K) == PT_OK;
}

void rt_space_builder(struct pt_builder *b)
{
	*b = (struct pt_builder){
		.root_pa = info.root_pa, .pa_to_ptr = mm_direct_ptr, .allow_nx = true,
	};
}

void rt_space_init(const struct hv_bootinfo *bi)
{
	struct pt_builder b = {
		.alloc_page = mm_pool_alloc, .pa_to_ptr = mm_direct_ptr,
		.allow_1g = bi->cpu_flags & HV_CPU_1G, .allow_nx = bi->cpu_flags & HV_CPU_NX,
	};
	uint64_t used0, *hv_pml4, *rt_pml4, hv_root = cpu_read_cr3() & PTE_ADDR_MASK;
	unsigned slot = pt_index(bi->rt_window_base, 0);
	uint64_t *stack = (uint64_t *)(uintptr_t)HV_RTSTACK_BOTTOM_VA;
	struct rt_bounce_piece pieces[RT_BOUNCE_PIECES];

	/* Paint the runtime stack so its high-water mark can be measured. */
	for (uint64_t i = 0; i < HV_RTSTACK_SIZE / 8; i++)
		stack[i] = STACK_PAINT;
	if (bi->rt_state != HV_RT_ENABLED) {
		info.why_not = "runtime services disabled";
		return;
	}
	mm_pool_init(bi);
	used0 = mm_pool_used();
	rt_bounce_pieces(pieces);
	/* Code RX; GDT, TSS, IDT and the CR3 values read-only (nothing the
	 * firmware writes is trusted by rt_call_abort); the exception stacks,
	 * the bounce pieces and the runtime stack writable, each stack at the
	 * VA the hypervisor's tables give it, with the same guard page below. */
	if (pt_init(&b) != PT_OK ||
	    !map_image_range(&b, bi, __rtshared_text_start, __rtshared_text_end, PT_MAP_X) ||
	    !map_image_range(&b, bi, __rtshared_data_start, __rtshared_data_end, 0) ||
	    !map_image_range(&b, bi, __rtshared_bss_start, __rtshared_bss_end, 0) ||
	    pt_map_range(&b, HV_RTSTACK_BOTTOM_VA, bi->rt_stack.pa, HV_RTSTACK_SIZE,
			 PT_MAP_W | PT_MAP_4K) != PT_OK) {
		info.why_not = "page-table pool exhausted";
		return;
	}
	for (uint64_t n = 1; n <= HV_IST_COUNT; n++) {
		if (pt_map_range(&b, HV_IST_BOTTOM_VA(n), bi->ist.pa + (n - 1) * HV_IST_STACK_SIZE,
				 HV_IST_STACK_SIZE, PT_MAP_W | PT_MAP_4K) != PT_OK) {
			info.why_not = "page-table pool exhausted";
			return;
		}
	}
	for (unsigned i = 0; i < RT_BOUNCE_PIECES; i++) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)pieces[i].va;

		if (!map_image_range(&b, bi, p, p + pieces[i].len, PT_MAP_W)) {
			info.why_not = "page-table pool exhausted";
			return;
		}
	}
	/* The window's own PML4 slot holds nothing else (layout.h): share the
	 * subtree the loader built, so both spaces see the same mappings. */
	hv_pml4 = mm_direct_ptr(NULL, hv_root);
	rt_pml4 = mm_direct_ptr(NULL, b.root_pa);
	rt_pml4[slot] = hv_pml4[slot];

	info.root_pa = b.root_pa;
	info.allow_nx = b.allow_nx;
	info.active = true;
	if (bi->rt_compat >= HV_RT_COMPAT_ALIAS)
		alias_runtime_regions(bi);
	info.table_pages = mm_pool_used() - used0;
	/* PCID (SDM Vol. 3A §4.10.1): each space keeps its TLB entries across
	 * the switch; CR4.PCIDE may be set only while CR3[11:0] is 0. */
	if ((bi->cpu_flags & HV_CPU_PCID) && !(cpu_read_cr3() & 0xFFF)) {
		cpu_write_cr4(cpu_read_cr4() | CR4_PCIDE);
		info.pcid = true;
		rt_call_hv_cr3 = hv_root | CR3_NOFLUSH;
		rt_call_rt_cr3 = b.root_pa | RT_PCID | CR3_NOFLUSH;
	} else {
		rt_call_hv_cr3 = hv_root;
		rt_call_rt_cr3 = b.root_pa;
	}
}

uint64_t rt_space_stack_high_water(void)
{
	const uint64_t *stack = (const uint64_t *)(uintptr_t)HV_RTSTACK_BOTTOM_VA;
	uint64_t i = 0;

	while (i < HV_RTSTACK_SIZE / 8 && stack[i] == STACK_PAINT)
		i++;
	return HV_RTSTACK_SIZE - i * 8;
}

/* Every stack's guard page: the hypervisor's, the runtime calls', and one
 * below each exception stack. */
static const uint64_t guards[] = {
	HV_STACK_GUARD_VA, HV_RTSTACK_GUARD_VA,
	HV_IST_BOTTOM_VA(1) - HV_PAGE_SIZE, HV_IST_BOTTOM_VA(2) - HV_PAGE_SIZE,
	HV_IST_BOTTOM_VA(3) - HV_PAGE_SIZE, HV_IST_BOTTOM_VA(4) - HV_PAGE_SIZE,
	HV_IST_BOTTOM_VA(5) - HV_PAGE_SIZE, HV_IST_BOTTOM_VA(6) - HV_PAGE_SIZE,
};
_Static_assert(sizeof(guards) / sizeof(guards[0]) == 2 + HV_IST_COUNT, "a guard per stack");

static void audit_common(const struct hv_bootinfo *bi, struct pt_audit_input *in)
{
	size_t count;

	in->map = bootinfo_memmap(bi, &count);
	in->count = count;
	in->mat_present = bi->mat_count != 0;
	in->check_runtime = bi->rt_state == HV_RT_ENABLED;
	in->guards = guards;
	in->nguards = sizeof(guards) / sizeof(guards[0]);
	in->lower_half_ok_va = ~0ULL;	/* the trampoline is gone */
}

void rt_space_audit_hv(const struct hv_bootinfo *bi, struct pt_audit_result *r)
{
	struct pt_audit_input in = {0};
	struct pt_builder b;

	audit_common(bi, &in);
	/* Identity: the runtime regions are not in the hypervisor's tables
	 * at all; they are the runtime space's 1:1 aliases. */
	if (bi->rt_compat == HV_RT_COMPAT_IDENTITY)
		in.check_runtime = false;
	mm_live_builder(&b);
	pt_audit(&b, &in, r);
}

void rt_space_audit_rt(const struct hv_bootinfo *bi, struct pt_audit_result *r)
{
	struct rt_bounce_piece pieces[RT_BOUNCE_PIECES];
	struct pt_audit_range ranges[5 + HV_IST_COUNT + RT_BOUNCE_PIECES] = {
		{ (uint64_t)(uintptr_t)__rtshared_text_start,
		  (uint64_t)(__rtshared_text_end - __rtshared_text_start) },
		{ (uint64_t)(uintptr_t)__rtshared_data_start,
		  (uint64_t)(__rtshared_data_end - __rtshared_data_start) },
		{ (uint64_t)(uintptr_t)__rtshared_bss_start,
		  (uint64_t)(__rtshared_bss_end - __rtshared_bss_start) },
		{ HV_RTSTACK_BOTTOM_VA, HV_RTSTACK_SIZE },
		{ bi->rt_window_base, HV_PML4_SLOT_SIZE },
	};
	struct pt_audit_input in = {0};
	struct pt_builder b;
	unsigned n = 5;

	for (uint64_t k = 1; k <= HV_IST_COUNT; k++)
		ranges[n++] = (struct pt_audit_range){ HV_IST_BOTTOM_VA(k), HV_IST_STACK_SIZE };
	rt_bounce_pieces(pieces);
	for (unsigned i = 0; i < RT_BOUNCE_PIECES; i++)
		ranges[n++] = (struct pt_audit_range){ pieces[i].va, pieces[i].len };
	audit_common(bi, &in);
	in.allowed = ranges;
	in.nallowed = n;
	in.aliases = aliases;
	in.naliases = naliases;
	rt_space_builder(&b);
	pt_audit(&b, &in, r);
}
