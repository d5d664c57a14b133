/* rt: the state of the runtime layer (table, window, supported services,
 * call counts, the address space firmware runs in, the last fault). Also
 * the error lines every runtime command shares (cmd_rt.h). */
#include "hv.h"

#include "cmd_rt.h"
#include "loader/efistatus.h"
#include "loader/fmt.h"
#include "kprintf.h"
#include "layout.h"
#include "lib.h"
#include "loader/memmap.h"
#include "loader/quirks.h"
#include "rt/rt.h"
#include "rt/rtfmt.h"
#include "cpu.h"
#include "shell.h"
#include "trap.h"
#include "rt_space.h"
#include "rt_watchdog.h"

/* ---- shared error lines (cmd_rt.h) ---- */

const char *rtcmd_status_name(efi_status_t st)
{
	static char buf[24];
	const char *name = efistatus_name(st);

	if (name)
		return name;
	fmt_snprintf(buf, sizeof(buf), "0x%lx", st);
	return buf;
}

/* The reason inside rt_state_text's "disabled (reason)". */
static const char *state_reason(char *buf, size_t cap)
{
	static const char prefix[] = "disabled (";
	size_t n = rt_state_text(buf, cap), p = sizeof(prefix) - 1;

	if (n >= cap)
		n = cap - 1;
	if (n > p && strncmp(buf, prefix, p) == 0 && buf[n - 1] == ')') {
		buf[n - 1] = '\0';
		return buf + p;
	}
	return buf;
}

bool rtcmd_usable(enum rt_svc s)
{
	char state[200];

	if (rt_svc_usable(s))
		return true;
	if (rt_available() && !(hv_bi->rt_supported & rt_svc_property_bit(s)))
		shell_error("%s is not supported by the firmware (EFI_UNSUPPORTED)", rt_svc_name(s));
	else
		shell_error("runtime services unavailable (%s)", state_reason(state, sizeof(state)));
	return false;
}

int rtcmd_fail(const char *what, efi_status_t st)
{
	char state[200];

	if (st == RT_ABORTED && rt_last_fault()->happened)
		return shell_error("%s: %s (%s)", what, state_reason(state, sizeof(state)),
				   rtcmd_status_name(st));
	return shell_error("%s (%s)", what, rtcmd_status_name(st));
}

/* ---- rt ---- */

static void print_location(const char *what, uint64_t va, int64_t desc, uint64_t off)
{
	if (desc >= 0)
		kprintf("  %-4s 0x%016lx (descriptor %ld + 0x%lx)\n", what, va, (long)desc, off);
	else
		kprintf("  %-4s 0x%016lx (outside the runtime regions)\n", what, va);
}

static void print_regions(const struct hv_bootinfo *bi)
{
	size_t n;
	const struct efi_mdesc *d = bootinfo_memmap(bi, &n);

	for (size_t i = 0; i < n; i++) {
		const char *name = memmap_type_name(d[i].type);

		/* The loader's rule: RUNTIME set, or RT code/data without it. */
		if (!memmap_is_runtime(&d[i], NULL))
			continue;
		kprintf("  %3zu %-23s pa 0x%012lx %6lu pages  ", i, name ? name : "?", d[i].pa,
			d[i].npages);
		if (d[i].va)
			kprintf("va 0x%016lx\n", d[i].va);
		else
			kprintf("not mapped\n");
	}
}

static void print_supported(const struct hv_bootinfo *bi)
{
	bool any = false;

	kprintf("supported          ");
	if (!bi->rt_has_properties) {
		kprintf("all (no EFI_RT_PROPERTIES_TABLE)\n");
		return;
	}
	for (int s = 0; s < RT_SVC_COUNT; s++) {
		if (!(bi->rt_supported & rt_svc_property_bit(s)))
			continue;
		kprintf("%s%s", any ? ", " : "", rt_svc_name(s));
		any = true;
	}
	kprintf("%s (0x%04x)\n", any ? "" : "none", bi->rt_supported);
}

/* The quirk a healed fault was (the descriptor the alias covers says which). */
static unsigned healed_quirk(const struct rt_quirk *q)
{
	if (q->alias.desc < 0 || q->addr < HV_PAGE_SIZE)	/* on OVMF, page 0 is BS code */
		return HV_QUIRK_PAGE0_AT_RUNTIME;
	if (q->alias.type == EFI_MT_BS_CODE || q->alias.type == EFI_MT_BS_DATA)
		return HV_QUIRK_BOOT_SERVICES_MEMORY_AT_RUNTIME;
	return HV_QUIRK_PHYSICAL_POINTER_AT_RUNTIME;
}

/* The firmware quirks worked around this boot (loader/quirks.c): those the
 * loader recorded, and those rt_compat = heal healed since. */
static void print_quirks(const struct hv_bootinfo *bi)
{
	uint32_t fired = bi->quirks;
	unsigned n = 0;
	size_t nheal;
	const struct rt_quirk *healed = rt_quirks(&nheal);

	for (size_t i = 0; i < nheal; i++)
		fired |= 1U << healed_quirk(&healed[i]);
	for (unsigned q = 0; q < HV_QUIRK_COUNT; q++)
		n += (fired >> q) & 1;
	if (!n) {
		kprintf("quirks             none fired this boot\n");
		return;
	}
	kprintf("quirks             %u fired this boot\n", n);
	for (unsigned q = 0; q < HV_QUIRK_COUNT; q++) {
		const struct quirk *e = quirk_get(q);

		if ((fired >> q) & 1)
			kprintf("  %-16s %s: %s; %s\n", e->name, e->firmware, e->symptom, e->action);
	}
}

/* The address space firmware runs in (hv/rt_space.c), and its stack. */
static void print_space(void)
{
	const struct rt_space_info *sp = rt_space_get();

	if (sp->active)
		kprintf("address space      own tables, root 0x%lx, %lu table pages, %s\n",
			sp->root_pa, sp->table_pages,
			sp->pcid ? "PCID (no TLB flush on switch)" : "no PCID (TLB flushed on switch)");
	else
		kprintf("address space      the hypervisor's (%s)\n",
			sp->why_not ? sp->why_not : "not set up");
	kprintf("runtime stack      %lu of %lu bytes used at most (guard page below 0x%lx)\n",
		rt_space_stack_high_water(), (unsigned long)HV_RTSTACK_SIZE,
		(unsigned long)HV_RTSTACK_BOTTOM_VA);
}

/* The rt_compat rung and every quirk it healed this boot. */
static void print_compat(const struct hv_bootinfo *bi)
{
	static const char *const what[HV_RT_COMPAT_COUNT] = {
		"the window only",
		"1:1 aliases added where a call faults at a physical address",
		"1:1 aliases of every runtime region, and the window during SetVirtualAddressMap",
		"VirtualStart = PhysicalStart",
	};
	const struct rt_space_info *sp = rt_space_get();
	size_t n;
	const struct rt_quirk *q = rt_quirks(&n);

	kprintf("compat             %s (%s), %zu quirk%s healed, %lu alias pages\n",
		hv_rt_compat_name(bi->rt_compat),
		bi->rt_compat < HV_RT_COMPAT_COUNT ? what[bi->rt_compat] : "?", n, n == 1 ? "" : "s",
		sp->alias_pages);
	if (sp->why_not_aliased)
		kprintf("  aliases          incomplete: %s\n", sp->why_not_aliased);
	for (size_t i = 0; i < n; i++) {
		const char *type = q[i].alias.desc >= 0 ? memmap_type_name(q[i].alias.type) : NULL;

		kprintf("  quirk            %s touched 0x%lx (rip 0x%lx): ", rt_svc_name(q[i].svc),
			q[i].addr, q[i].rip);
		if (q[i].alias.desc >= 0)
			kprintf("descriptor %ld %s", (long)q[i].alias.desc, type ? type : "?");
		else
			kprintf("page 0, no descriptor");
		kprintf(", aliased 1:1 0x%lx-0x%lx\n", q[i].alias.pa,
			q[i].alias.pa + q[i].alias.len - 1);
	}
}

/* The runtime-call watchdog (hv/rt_watchdog.c). */
static void print_watchdog(void)
{
	const struct rt_watchdog_info *w = rt_watchdog_get();

	if (w->active)
		kprintf("watchdog           %u ms by the TSC (%lu kHz), LAPIC timer every %u ms while a call runs; %lu ticks, %lu call%s abandoned, %lu stray interrupts\n",
			RT_WATCHDOG_MS, w->tsc_hz / 1000, w->tick_ms, w->ticks, w->abandoned,
			w->abandoned == 1 ? "" : "s", w->stray);
	else
		kprintf("watchdog           off (%s)\n",
			w->why_not ? w->why_not : "no runtime address space");
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* The CPU state the shell runs with now, and what calls left changed and
 * rt_call put back (rt/rt_call.asm). */
static void print_restored(void)
{
	const struct rt_restored *r = &rt_get_stats()->restored;
	uint64_t rflags = cpu_read_rflags();
	uint32_t mxcsr;
	uint16_t fcw;
	char names[32];

	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	rtfmt_rflags_names(rflags, names, sizeof(names));
	kprintf("cpu state now      rflags 0x%lx (set: %s), fcw 0x%x, mxcsr 0x%x, cr0 0x%lx, cr4 0x%lx\n",
		rflags, names, fcw, mxcsr, cpu_read_cr0(), cpu_read_cr4());
	if (r->rflags_calls) {
		rtfmt_rflags_names((r->rflags_left ^ r->rflags_entry) & RT_RFLAGS_GUARDED, names,
				   sizeof(names));
		kprintf("  rflags           %lu call%s left them changed, put back (last: %s left 0x%lx, %s changed)\n",
			r->rflags_calls, plural(r->rflags_calls), rt_svc_name(r->rflags_svc),
			r->rflags_left, names);
	} else {
		kprintf("  rflags           no call left DF, IF, AC or TF changed\n");
	}
	if (r->fpu_calls)
		kprintf("  fcw/mxcsr        %lu call%s left them changed, put back (last: %s left fcw 0x%x, mxcsr 0x%x)\n",
			r->fpu_calls, plural(r->fpu_calls), rt_svc_name(r->fpu_svc), r->fcw_left,
			r->mxcsr_left);
	else
		kprintf("  fcw/mxcsr        no call left them changed\n");
	if (r->cr_calls)
		kprintf("  cr0/cr4          %lu call%s flipped bits, put back (cr0 0x%lx, cr4 0x%lx; last: %s)\n",
			r->cr_calls, plural(r->cr_calls), r->cr0_flips, r->cr4_flips,
			rt_svc_name(r->cr_svc));
	else
		kprintf("  cr0/cr4          no call flipped a bit\n");
}

static int cmd_rt(int argc, char **argv)
{
	const struct hv_bootinfo *bi = hv_bi;
	const struct rt_stats *stats = rt_get_stats();
	const struct rt_fault *f = rt_last_fault();
	char state[200];

	(void)argv;
	if (argc != 1)
		return shell_error("usage: rt");
	if (bi->runtime_table_va)
		kprintf("runtime table      0x%016lx (pa 0x%lx)\n", bi->runtime_table_va,
			bi->runtime_table_pa);
	else
		kprintf("runtime table      none (pa 0x%lx)\n", bi->runtime_table_pa);
	kprintf("window             0x%016lx, %s layout, %u regions\n", bi->rt_window_base,
		hv_rt_layout_name(bi->rt_layout), bi->rt_region_count);
	print_regions(bi);
	print_compat(bi);
	print_supported(bi);
	print_quirks(bi);

	kprintf("%-28s %8s %7s %12s\n", "service", "calls", "faults", "last cycles");
	for (int s = 0; s < RT_SVC_COUNT; s++)
		kprintf("  %-26s %8lu %7lu %12lu\n", rt_svc_name(s), stats->calls[s],
			stats->faults[s], stats->last_cycles[s]);

	print_space();
	print_watchdog();
	print_restored();
	if (f->happened) {
		kprintf("last fault         %s (vector %lu, error 0x%lx) in %s\n",
			rt_fault_name(f->vector), f->vector, f->error, rt_svc_name(f->svc));
		print_location("rip", f->rip, f->rip_desc, f->rip_off);
		if (f->vector == HV_VEC_PF)
			print_location("cr2", f->cr2, f->cr2_desc, f->cr2_off);
		else	/* only a #PF loads CR2 (SDM Vol. 3A §4.7) */
			kprintf("  cr2  not loaded (only a page fault sets it)\n");
	} else {
		kprintf("last fault         none\n");
	}
	rt_state_text(state, sizeof(state));
	kprintf("runtime: %s\n", state);
	return 0;
}

SHELL_CMD(rt, "rt", "", "runtime services: table, window, supported services, call counts",
	  cmd_rt);
