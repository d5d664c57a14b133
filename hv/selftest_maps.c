/* selftest: the address spaces the runtime services run in — every
 * runtime region and service entry mapped as the loader planned, the CPU
 * state the loader set still in force, and both page-table trees audited
 * (README: Runtime services after boot). */
#include "hv.h"

#include "cpu.h"
#include "loader/fmt.h"
#include "kprintf.h"
#include "layout.h"
#include "loader/memmap.h"
#include "mm.h"
#include "loader/pt.h"
#include "loader/ptaudit.h"
#include "loader/rttable.h"
#include "rt/rt.h"
#include "rt_space.h"
#include "selftest.h"


/* The live translation of va (false when not mapped or not canonical). */
static bool walk(uint64_t va, struct pt_walk *w)
{
	struct pt_builder b;

	__builtin_memset(w, 0, sizeof(*w));
	if (!pt_canonical(va))
		return false;
	mm_live_builder(&b);
	return pt_walk(&b, va, w) == PT_OK && w->present;
}

/* The translation of va where the runtime regions live: the hypervisor's
 * tables (the window), or under rt_compat = identity the runtime address
 * space only (hv/rt_space.c). */
static bool walk_rt(uint64_t va, struct pt_walk *w)
{
	struct pt_builder b;

	if (hv_bi->rt_compat != HV_RT_COMPAT_IDENTITY)
		return walk(va, w);
	__builtin_memset(w, 0, sizeof(*w));
	if (!pt_canonical(va) || !rt_space_get()->active)
		return false;
	rt_space_builder(&b);
	return pt_walk(&b, va, w) == PT_OK && w->present;
}

/* The memory type a leaf's PAT index selects (SDM Vol. 3A §12.12.2). */
static bool pat_is_uc(unsigned pat_index)
{
	uint8_t type = (cpu_rdmsr(MSR_IA32_PAT) >> (8 * (pat_index & 7))) & 7;

	return type == 0 || type == 7;	/* UC, UC- */
}

/* The runtime descriptor whose virtual (or, !virt, physical) range holds
 * addr, or NULL. */
static const struct efi_mdesc *runtime_desc_of(uint64_t addr, bool virt)
{
	size_t n;
	const struct efi_mdesc *d = bootinfo_memmap(hv_bi, &n);

	for (size_t i = 0; i < n; i++) {
		uint64_t start = virt ? d[i].va : d[i].pa;

		if (memmap_is_runtime(&d[i], NULL) && addr >= start &&
		    addr - start < (d[i].npages << EFI_PAGE_SHIFT))
			return &d[i];
	}
	return NULL;
}

static void check_region(size_t i, const struct efi_mdesc *d)
{
	const char *tname = memmap_type_name(d->type);
	uint64_t first = 0, last = (d->npages - 1) << EFI_PAGE_SHIFT;
	struct pt_walk w0, w1;
	char name[64];

	fmt_snprintf(name, sizeof(name), "map region %zu %s", i, tname ? tname : "?");
	if (d->npages == 0) {
		selftest_fail(name, "no pages");
		return;
	}
	if (!walk_rt(d->va + first, &w0) || !walk_rt(d->va + last, &w1)) {
		selftest_fail(name, "0x%lx..0x%lx not mapped", d->va + first, d->va + last);
		return;
	}
	if (w0.pa != d->pa + first || w1.pa != d->pa + last) {
		selftest_fail(name, "va 0x%lx -> pa 0x%lx, expected 0x%lx", d->va, w0.pa, d->pa);
		return;
	}
	if (d->type == EFI_MT_MMIO && !pat_is_uc(w0.pat_index)) {
		selftest_fail(name, "MMIO mapped cacheable (PAT index %u)", w0.pat_index);
		return;
	}
	if (d->type != EFI_MT_RT_CODE && (w0.executable || w1.executable)) {
		selftest_fail(name, "data mapped executable");
		return;
	}
	selftest_pass("%s", name);
}

void selftest_mappings(void)
{
	const struct hv_bootinfo *bi = hv_bi;
	uint64_t table = bi->runtime_table_va;
	/* Read where the hypervisor can: the window, or the direct map when
	 * the table lives only in the runtime space (identity). */
	uint64_t read = bi->rt_compat == HV_RT_COMPAT_IDENTITY
		? HV_DIRECT_MAP_BASE + bi->runtime_table_pa : table;
	struct pt_walk w;
	size_t n;
	const struct efi_mdesc *d = bootinfo_memmap(bi, &n);

	if (!walk_rt(table, &w) ||
	    !mm_va_mapped(read, RTTABLE_BYTES, false)) {
		selftest_fail("map runtime table", "0x%lx not mapped", table);
		return;
	}
	if (w.pa != bi->runtime_table_pa)
		selftest_fail("map runtime table", "0x%lx -> pa 0x%lx, expected 0x%lx", table, w.pa,
		     bi->runtime_table_pa);
	else if (*(const volatile uint64_t *)read != RTTABLE_SIGNATURE)
		selftest_fail("map runtime table", "signature 0x%016lx is not RUNTSERV",
		     *(const volatile uint64_t *)read);
	else
		selftest_pass("map runtime table");

	for (int s = 0; s < RT_SVC_COUNT; s++) {
		uint64_t fn = ((const volatile uint64_t *)(read + RTTABLE_HEADER_BYTES))[s];
		const struct efi_mdesc *rd = runtime_desc_of(fn, true);
		char name[48];

		fmt_snprintf(name, sizeof(name), "map %s", rt_svc_name(s));
		/* The loader's verdict on the table (loader/rttable.c), not
		 * a second judgement of the same quirk. */
		if (rttable_boot_time_only((unsigned)s) &&
		    (bi->quirks & (1U << HV_QUIRK_SVAM_POINTERS_PHYSICAL)) && !walk_rt(fn, &w))
			selftest_skip(name, "0x%lx left physical by the firmware (boot-time only)", fn);
		else if (!walk_rt(fn, &w))
			selftest_fail(name, "0x%lx not mapped", fn);
		else if (!w.executable)
			selftest_fail(name, "0x%lx not executable", fn);
		else if (!rd || rd->type != EFI_MT_RT_CODE)
			selftest_fail(name, "0x%lx outside every EfiRuntimeServicesCode region", fn);
		else
			selftest_pass("%s", name);
	}

	for (size_t i = 0; i < n; i++)
		if (memmap_is_runtime(&d[i], NULL))	/* the loader's rule */
			check_region(i, &d[i]);

	if (walk(0, &w))
		selftest_fail("map VA 0 unmapped", "VA 0 -> pa 0x%lx", w.pa);
	else
		selftest_pass("map VA 0 unmapped");
	if (walk(bi->trampoline_pa, &w))
		selftest_fail("map trampoline unmapped", "0x%lx -> pa 0x%lx", bi->trampoline_pa, w.pa);
	else
		selftest_pass("map trampoline unmapped");
}

static void print_audit(const char *space, const struct pt_audit_result *r)
{
	kprintf("audit %-11s %lu leaves, %lu W+X, %lu W+X runtime code (no MAT), "
		"%lu lower-half, %lu stray, %lu/%lu runtime pages bad, %lu guards mapped%s\n",
		space, r->leaves, r->wx_leaves, r->wx_rt_code_leaves, r->lower_half_leaves,
		r->strays, r->rt_pages_bad, r->rt_pages, r->guards_mapped,
		r->va0_mapped ? ", VA 0 MAPPED" : "");
}

/* The CPU state the loader set at the switch (loader/cpustate.c) is still
 * what the CPU runs with: nothing on the way in, and no firmware call
 * since, changed it. */
void selftest_cpu_state(void)
{
	const struct hv_cpu_state *want = &hv_bi->cpu;
	uint64_t cr0 = cpu_read_cr0(), cr4 = cpu_read_cr4() & ~CR4_SET_AFTER_SWITCH;
	uint64_t efer = cpu_rdmsr(MSR_EFER) & ~EFER_SVME, pat = cpu_rdmsr(MSR_IA32_PAT);

	if (pat != want->pat)
		selftest_fail("cpu PAT", "0x%016lx, set to 0x%016lx at the switch", pat, want->pat);
	else
		selftest_pass("cpu PAT 0x%016lx (WC at index 1, UC at 3)", pat);
	if (cr0 != want->cr0)
		selftest_fail("cpu CR0", "0x%lx, set to 0x%lx at the switch", cr0, want->cr0);
	else
		selftest_pass("cpu CR0 0x%lx (WP on, caching on)", cr0);
	if (cr4 != want->cr4)
		selftest_fail("cpu CR4", "0x%lx, set to 0x%lx at the switch", cr4, want->cr4);
	else
		selftest_pass("cpu CR4 0x%lx (no PGE, CET, SMEP, SMAP)", cr4);
	if (efer != want->efer)
		selftest_fail("cpu EFER", "0x%lx, set to 0x%lx at the switch", efer, want->efer);
	else
		selftest_pass("cpu EFER 0x%lx", efer);
}

/* Walk both complete address spaces (README: Runtime services after boot). */
void selftest_audits(void)
{
	struct pt_audit_result r;

	rt_space_audit_hv(hv_bi, &r);
	print_audit("hypervisor", &r);
	if (pt_audit_findings(&r))
		selftest_fail("audit hypervisor tables", "%s at 0x%lx", r.problem, r.problem_va);
	else
		selftest_pass("audit hypervisor tables");
	if (!rt_space_get()->active) {
		selftest_skip("audit runtime tables", "no runtime address space");
		return;
	}
	rt_space_audit_rt(hv_bi, &r);
	print_audit("runtime", &r);
	if (pt_audit_findings(&r))
		selftest_fail("audit runtime tables", "%s at 0x%lx", r.problem, r.problem_va);
	else
		selftest_pass("audit runtime tables");
}

