/* rt: the state of the runtime layer (table, window, supported services,
 * call counts, the address space firmware runs in, the watchdog, the last
 * fault, each service group on or off). */
#include "hv.h"

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
#include "timer.h"

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

/* The firmware quirks worked around this boot (loader/quirks.c): those the
 * loader recorded, and those rt_compat = heal healed since. */
static void print_quirks(const struct hv_bootinfo *bi)
{
	uint32_t fired = bi->quirks;
	unsigned n = 0;
	size_t nheal;
	const struct rt_quirk *healed = rt_quirks(&nheal);

	for (size_t i = 0; i < nheal; i++)
		fired |= 1U << rt_heal_quirk(&healed[i]);
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
	char rd[16], wr[16];

	rt_duration_text(w->deadlines.read_ms, rd, sizeof(rd));
	rt_duration_text(w->deadlines.write_ms, wr, sizeof(wr));
	if (w->active)
		kprintf("watchdog           reads %s, writes %s by the TSC (%lu kHz), LAPIC timer every %u ms while a call runs; %lu ticks, %lu call%s reported slow, %lu call%s abandoned, %lu stray interrupts\n",
			rd, wr, w->tsc_hz / 1000, w->tick_ms, w->ticks, w->noticed,
			w->noticed == 1 ? "" : "s", w->abandoned, w->abandoned == 1 ? "" : "s",
			timer_get()->stray);
	else
		kprintf("watchdog           off (%s)\n",
			w->why_not ? w->why_not : "no runtime address space");
}

/* Each service group (rt/rt_group.c), on or off with the reason. */
static void print_groups(void)
{
	kprintf("service groups\n");
	for (unsigned g = 0; g < RT_GROUP_COUNT; g++) {
		const char *why = rt_group_off_reason(g);

		if (why)
			kprintf("  %-16s off (%s)\n", rt_group_name(g), why);
		else
			kprintf("  %-16s on\n", rt_group_name(g));
	}
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
		char what[48];

		if (f->vector == RT_FAULT_HUNG) {
			size_t n = fmt_snprintf(what, sizeof(what), "no return within ");

			rt_duration_text(rt_deadline_ms(&rt_watchdog_get()->deadlines, f->svc),
					 what + n, sizeof(what) - n);
		} else {
			fmt_snprintf(what, sizeof(what), "%s", rt_fault_name(f->vector));
		}
		kprintf("last fault         %s (vector %lu, error 0x%lx) in %s\n",
			what, f->vector, f->error, rt_svc_name(f->svc));
		print_location("rip", f->rip, f->rip_desc, f->rip_off);
		if (f->vector == HV_VEC_PF)
			print_location("cr2", f->cr2, f->cr2_desc, f->cr2_off);
		else	/* only a #PF loads CR2 (SDM Vol. 3A §4.7) */
			kprintf("  cr2  not loaded (only a page fault sets it)\n");
	} else {
		kprintf("last fault         none\n");
	}
	print_groups();
	rt_state_text(state, sizeof(state));
	kprintf("runtime: %s\n", state);
	return 0;
}

SHELL_CMD(rt, "rt", "", "runtime services: table, window, supported services, call counts",
	  cmd_rt);
