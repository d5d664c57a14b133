/* selftest: calls every runtime service that can be called safely, checks
 * the mappings they run in and audits both address spaces (PASS / FAIL /
 * SKIP lines, then a count). */
#include "hv.h"
#include "scratch.h"

#include <stdarg.h>
#include "rtcmd.h"
#include "cpu.h"
#include "loader/fmt.h"
#include "kprintf.h"
#include "layout.h"
#include "lib.h"
#include "loader/memmap.h"
#include "mm.h"
#include "loader/pt.h"
#include "rt/rt.h"
#include "rt/rtfmt.h"
#include "shell.h"
#include "rt/ucs2.h"
#include "rt_space.h"
#include "loader/ptaudit.h"

#define EFI_RUNTIME_SERVICES_SIGNATURE	0x56524553544e5552ULL	/* "RUNTSERV" */
#define RT_TABLE_HEADER_BYTES		24	/* EFI_TABLE_HEADER, UEFI 2.10 §4.2 */


static unsigned n_pass, n_fail;

static void pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void pass(const char *fmt, ...)
{
	va_list ap;

	kprintf("PASS ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	n_pass++;
}

/* "FAIL name: why" / "SKIP name: why". */
static void report(const char *tag, const char *name, const char *fmt, va_list ap)
{
	kprintf("%s %s: ", tag, name);
	kvprintf(fmt, ap);
	kprintf("\n");
}

static void fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("FAIL", name, fmt, ap);
	va_end(ap);
	n_fail++;
}

static void skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("SKIP", name, fmt, ap);
	va_end(ap);
}

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
		fail(name, "no pages");
		return;
	}
	if (!walk_rt(d->va + first, &w0) || !walk_rt(d->va + last, &w1)) {
		fail(name, "0x%lx..0x%lx not mapped", d->va + first, d->va + last);
		return;
	}
	if (w0.pa != d->pa + first || w1.pa != d->pa + last) {
		fail(name, "va 0x%lx -> pa 0x%lx, expected 0x%lx", d->va, w0.pa, d->pa);
		return;
	}
	if (d->type == EFI_MT_MMIO && !pat_is_uc(w0.pat_index)) {
		fail(name, "MMIO mapped cacheable (PAT index %u)", w0.pat_index);
		return;
	}
	if (d->type != EFI_MT_RT_CODE && (w0.executable || w1.executable)) {
		fail(name, "data mapped executable");
		return;
	}
	pass("%s", name);
}

static void check_mappings(void)
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
	    !mm_va_mapped(read, RT_TABLE_HEADER_BYTES + 8 * RT_SVC_COUNT, false)) {
		fail("map runtime table", "0x%lx not mapped", table);
		return;
	}
	if (w.pa != bi->runtime_table_pa)
		fail("map runtime table", "0x%lx -> pa 0x%lx, expected 0x%lx", table, w.pa,
		     bi->runtime_table_pa);
	else if (*(const volatile uint64_t *)read != EFI_RUNTIME_SERVICES_SIGNATURE)
		fail("map runtime table", "signature 0x%016lx is not RUNTSERV",
		     *(const volatile uint64_t *)read);
	else
		pass("map runtime table");

	for (int s = 0; s < RT_SVC_COUNT; s++) {
		uint64_t fn = ((const volatile uint64_t *)(read + RT_TABLE_HEADER_BYTES))[s];
		const struct efi_mdesc *rd = runtime_desc_of(fn, true);
		char name[48];

		fmt_snprintf(name, sizeof(name), "map %s", rt_svc_name(s));
		if ((s == RT_SET_VIRTUAL_ADDRESS_MAP || s == RT_CONVERT_POINTER) &&
		    !walk_rt(fn, &w) && runtime_desc_of(fn, false))
			/* Quirk (EDK2 RuntimeDxe): every pointer of the table
			 * is converted but these two, boot-time only. */
			skip(name, "0x%lx left physical by the firmware (boot-time only)", fn);
		else if (!walk_rt(fn, &w))
			fail(name, "0x%lx not mapped", fn);
		else if (!w.executable)
			fail(name, "0x%lx not executable", fn);
		else if (!rd || rd->type != EFI_MT_RT_CODE)
			fail(name, "0x%lx outside every EfiRuntimeServicesCode region", fn);
		else
			pass("%s", name);
	}

	for (size_t i = 0; i < n; i++)
		if (memmap_is_runtime(&d[i], NULL))	/* the loader's rule */
			check_region(i, &d[i]);

	if (walk(0, &w))
		fail("map VA 0 unmapped", "VA 0 -> pa 0x%lx", w.pa);
	else
		pass("map VA 0 unmapped");
	if (walk(bi->trampoline_pa, &w))
		fail("map trampoline unmapped", "0x%lx -> pa 0x%lx", bi->trampoline_pa, w.pa);
	else
		pass("map trampoline unmapped");
}

/* False (and a SKIP line) when the firmware does not offer s. */
static bool usable(enum rt_svc s)
{
	if (rt_svc_usable(s))
		return true;
	if (!(hv_bi->rt_supported & rt_svc_property_bit(s)))
		skip(rt_svc_name(s), "not supported (EFI_RT_PROPERTIES_TABLE)");
	else
		fail(rt_svc_name(s), "switched off after a fault");
	return false;
}

/* A firmware without an EFI_RT_PROPERTIES_TABLE may still answer
 * EFI_UNSUPPORTED after ExitBootServices (UEFI 2.10 §8: a service that
 * is not supported at runtime): that is SKIP, not FAIL. True when it did. */
static bool skipped_unsupported(const char *name, efi_status_t st)
{
	if (st != RT_UNSUPPORTED)
		return false;
	skip(name, "the firmware answers EFI_UNSUPPORTED at runtime");
	return true;
}

static void check_time(void)
{
	struct efi_time t, t2;
	struct efi_time_cap cap;
	const char *why;
	efi_status_t st;
	bool enabled, pending;

	if (usable(RT_GET_TIME)) {
		st = rt_get_time(&t, &cap);
		if (skipped_unsupported("GetTime", st))
			;
		else if (st != RT_SUCCESS)
			fail("GetTime", "%s", rtcmd_status_name(st));
		else if ((why = rtfmt_time_check(&t)) != NULL)
			fail("GetTime", "%s", why);
		else if (cap.resolution == 0)
			fail("GetTime", "resolution 0 Hz");
		else
			pass("GetTime");
	}
	if (usable(RT_SET_TIME)) {
		/* The current time, written back: at most the part of a second
		 * since the read is lost. */
		st = rt_get_time(&t, NULL);
		if (st == RT_SUCCESS)
			st = rt_set_time(&t);
		if (st == RT_SUCCESS)
			st = rt_get_time(&t2, NULL);
		if (skipped_unsupported("SetTime", st))
			;
		else if (st != RT_SUCCESS)
			fail("SetTime", "%s", rtcmd_status_name(st));
		else if (rtfmt_time_seconds(&t2) - rtfmt_time_seconds(&t) < 0 ||
			 rtfmt_time_seconds(&t2) - rtfmt_time_seconds(&t) > 2)
			fail("SetTime", "read back %ld s away from the time written",
			     (long)(rtfmt_time_seconds(&t2) - rtfmt_time_seconds(&t)));
		else
			pass("SetTime");
	}
	if (usable(RT_GET_WAKEUP_TIME)) {
		st = rt_get_wakeup_time(&enabled, &pending, &t);
		if (st == RT_UNSUPPORTED) {
			skip("GetWakeupTime", "the platform has no wakeup alarm (EFI_UNSUPPORTED)");
		} else if (st != RT_SUCCESS) {
			fail("GetWakeupTime", "%s", rtcmd_status_name(st));
		} else {
			pass("GetWakeupTime");
			if (usable(RT_SET_WAKEUP_TIME)) {
				/* Leave the alarm as it was: re-arm an armed one,
				 * disable (no time, §8.3.4) a disarmed one. */
				st = rt_set_wakeup_time(enabled, enabled ? &t : NULL);
				if (st == RT_UNSUPPORTED)
					skip("SetWakeupTime", "EFI_UNSUPPORTED");
				else if (st != RT_SUCCESS)
					fail("SetWakeupTime", "%s", rtcmd_status_name(st));
				else
					pass("SetWakeupTime");
			}
		}
	}
}

/* The selftest variable: a GUID of our own so nothing else is touched. */
static const struct efi_guid selftest_guid = {
	0x5f3c1a9e, 0x2b7d, 0x4e61, { 0x8c, 0x0a, 0x7d, 0x9e, 0x6b, 0x4f, 0x2a, 0x13 }
};
#define st_data hv_scratch_a
#define st_name hv_scratch_name
#define first_name hv_scratch_name2

static void check_variables(void)
{
	static const uint16_t test_name[] = { 'H', 'v', 'b', 'o', 'o', 't', 'S', 'e', 'l', 'f',
					      't', 'e', 's', 't', 0 };
	const uint32_t nvbsrt = EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				EFI_VARIABLE_RUNTIME_ACCESS;
	uint8_t pattern[40];
	struct efi_guid guid = { 0 }, first_guid = { 0 };
	uint64_t max_storage, remaining, max_var;
	uint32_t attrs = 0;
	size_t size = 0, count = 0;
	efi_status_t st;

	/* The walk must end in EFI_NOT_FOUND (UEFI 2.10 §8.2.2). Which
	 * variables exist is the firmware's business: U-Boot has no
	 * BootOrder at runtime. The first name found is the one GetVariable
	 * reads back. */
	first_name[0] = 0;
	if (usable(RT_GET_NEXT_VARIABLE_NAME)) {
		st_name[0] = 0;
		do {
			st = rt_get_next_variable_name(st_name, RT_NAME_MAX / 2, &guid);
			if (st == RT_SUCCESS && count == 0) {
				memcpy(first_name, st_name, sizeof(first_name));
				first_guid = guid;
			}
		} while (st == RT_SUCCESS && ++count < 65536);
		if (st != RT_NOT_FOUND)
			fail("GetNextVariableName", "%s after %zu names", rtcmd_status_name(st),
			     count);
		else
			pass("GetNextVariableName");
	}

	/* After ExitBootServices only runtime-access variables are visible
	 * (§8.2), so the one the walk found must say so. */
	if (usable(RT_GET_VARIABLE) && first_name[0]) {
		st = rt_var_read(first_name, &first_guid, &attrs, st_data, sizeof(st_data), &size);
		if (st != RT_SUCCESS)
			fail("GetVariable", "%s", rtcmd_status_name(st));
		else if (!(attrs & EFI_VARIABLE_RUNTIME_ACCESS))
			fail("GetVariable", "attributes 0x%x without runtime access", attrs);
		else
			pass("GetVariable");
	} else if (usable(RT_GET_VARIABLE)) {
		skip("GetVariable", "no variable to read");
	}

	if (usable(RT_SET_VARIABLE) && usable(RT_GET_VARIABLE)) {
		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(0xA5 ^ (i * 37));
		/* Left over from an interrupted run: start clean. */
		if (rt_var_read(test_name, &selftest_guid, &attrs, st_data, sizeof(st_data),
				&size) == RT_SUCCESS)
			rt_set_variable(test_name, &selftest_guid, attrs, NULL, 0);

		st = rt_set_variable(test_name, &selftest_guid, nvbsrt, pattern, sizeof(pattern));
		if (skipped_unsupported("SetVariable", st)) {
			;
		} else if (st != RT_SUCCESS) {
			fail("SetVariable", "create: %s", rtcmd_status_name(st));
		} else {
			st = rt_var_read(test_name, &selftest_guid, &attrs, st_data,
					 sizeof(st_data), &size);
			if (st != RT_SUCCESS)
				fail("SetVariable", "read back: %s", rtcmd_status_name(st));
			else if (size != sizeof(pattern) || memcmp(st_data, pattern, size) != 0 ||
				 attrs != nvbsrt)
				fail("SetVariable", "read back %zu bytes, attributes 0x%x", size,
				     attrs);
			else
				pass("SetVariable");

			st = rt_set_variable(test_name, &selftest_guid, nvbsrt, NULL, 0);
			if (st == RT_SUCCESS)
				st = rt_var_read(test_name, &selftest_guid, &attrs, st_data,
						 sizeof(st_data), &size) == RT_NOT_FOUND
					     ? RT_SUCCESS
					     : RT_DEVICE_ERROR;
			if (st != RT_SUCCESS)
				fail("SetVariable delete", "%s", st == RT_DEVICE_ERROR
						? "still there after the delete"
						: rtcmd_status_name(st));
			else
				pass("SetVariable delete");
		}
	}

	if (usable(RT_QUERY_VARIABLE_INFO)) {
		st = rt_query_variable_info(nvbsrt, &max_storage, &remaining, &max_var);
		if (skipped_unsupported("QueryVariableInfo", st))
			;
		else if (st != RT_SUCCESS)
			fail("QueryVariableInfo", "%s", rtcmd_status_name(st));
		else if (max_var == 0 || max_var > max_storage || remaining > max_storage)
			fail("QueryVariableInfo", "max storage %lu, remaining %lu, max variable %lu",
			     max_storage, remaining, max_var);
		else
			pass("QueryVariableInfo");
	}
}

static void check_misc(void)
{
	uint32_t c1 = 0, c2 = 0;
	uint64_t max_size = 0;
	int reset_type = 0;
	efi_status_t st;

	if (usable(RT_GET_NEXT_HIGH_MONOTONIC_COUNT)) {
		st = rt_get_next_high_monotonic_count(&c1);
		if (st == RT_SUCCESS)
			st = rt_get_next_high_monotonic_count(&c2);
		if (skipped_unsupported("GetNextHighMonotonicCount", st))
			;
		else if (st != RT_SUCCESS)
			fail("GetNextHighMonotonicCount", "%s", rtcmd_status_name(st));
		else if (c2 <= c1)
			fail("GetNextHighMonotonicCount", "%u then %u", c1, c2);
		else
			pass("GetNextHighMonotonicCount");
	}
	if (usable(RT_QUERY_CAPSULE_CAPABILITIES)) {
		/* One header-only capsule of a vendor GUID no firmware knows:
		 * EDK2 answers EFI_UNSUPPORTED, a firmware that takes anything
		 * EFI_SUCCESS; both prove the call went through and came back. */
		static const uint8_t capsule[28] = {
			0x5e, 0x1f, 0x7d, 0x3a, 0x2c, 0x5b, 0x61, 0x4c,
			0x9a, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x70,
			28, 0, 0, 0,	/* HeaderSize */
			0, 0, 0, 0,	/* Flags */
			28, 0, 0, 0,	/* CapsuleImageSize */
		};
		const void *list[1] = { capsule };
		uint64_t calls = rt_get_stats()->calls[RT_QUERY_CAPSULE_CAPABILITIES];

		st = rt_query_capsule_capabilities(list, 1, &max_size, &reset_type);
		if ((st == RT_SUCCESS || st == RT_UNSUPPORTED) &&
		    rt_get_stats()->calls[RT_QUERY_CAPSULE_CAPABILITIES] == calls + 1)
			pass("QueryCapsuleCapabilities");
		else
			fail("QueryCapsuleCapabilities", "%s", rtcmd_status_name(st));
	}
	skip("ResetSystem", "not called: it would reset the machine");
	skip("UpdateCapsule", "not called: it would stage a firmware update");
	skip("SetVirtualAddressMap", "not callable again in virtual mode");
	skip("ConvertPointer", "not callable again in virtual mode");
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
static void check_cpu_state(void)
{
	const struct hv_cpu_state *want = &hv_bi->cpu;
	uint64_t cr0 = cpu_read_cr0(), cr4 = cpu_read_cr4() & ~CR4_SET_AFTER_SWITCH;
	uint64_t efer = cpu_rdmsr(MSR_EFER) & ~EFER_SVME, pat = cpu_rdmsr(MSR_IA32_PAT);

	if (pat != want->pat)
		fail("cpu PAT", "0x%016lx, set to 0x%016lx at the switch", pat, want->pat);
	else
		pass("cpu PAT 0x%016lx (WC at index 1, UC at 3)", pat);
	if (cr0 != want->cr0)
		fail("cpu CR0", "0x%lx, set to 0x%lx at the switch", cr0, want->cr0);
	else
		pass("cpu CR0 0x%lx (WP on, caching on)", cr0);
	if (cr4 != want->cr4)
		fail("cpu CR4", "0x%lx, set to 0x%lx at the switch", cr4, want->cr4);
	else
		pass("cpu CR4 0x%lx (no PGE, CET, SMEP, SMAP)", cr4);
	if (efer != want->efer)
		fail("cpu EFER", "0x%lx, set to 0x%lx at the switch", efer, want->efer);
	else
		pass("cpu EFER 0x%lx", efer);
}

/* Walk both complete address spaces (README: Runtime services after boot). */
static void check_audits(void)
{
	struct pt_audit_result r;

	rt_space_audit_hv(hv_bi, &r);
	print_audit("hypervisor", &r);
	if (pt_audit_findings(&r))
		fail("audit hypervisor tables", "%s at 0x%lx", r.problem, r.problem_va);
	else
		pass("audit hypervisor tables");
	if (!rt_space_get()->active) {
		skip("audit runtime tables", "no runtime address space");
		return;
	}
	rt_space_audit_rt(hv_bi, &r);
	print_audit("runtime", &r);
	if (pt_audit_findings(&r))
		fail("audit runtime tables", "%s at 0x%lx", r.problem, r.problem_va);
	else
		pass("audit runtime tables");
}

static int cmd_selftest(int argc, char **argv)
{
	static const enum rt_svc called[] = {
		RT_GET_TIME, RT_SET_TIME, RT_GET_VARIABLE, RT_GET_NEXT_VARIABLE_NAME,
		RT_SET_VARIABLE, RT_QUERY_VARIABLE_INFO, RT_GET_NEXT_HIGH_MONOTONIC_COUNT,
	};
	uint64_t before[RT_SVC_COUNT];
	const struct rt_stats *stats = rt_get_stats();
	unsigned stale = 0;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: selftest");
	if (!rt_available())
		return !rtcmd_usable(RT_GET_TIME);
	n_pass = n_fail = 0;
	for (int s = 0; s < RT_SVC_COUNT; s++)
		before[s] = stats->calls[s];

	check_cpu_state();
	check_mappings();
	check_audits();
	check_time();
	check_variables();
	check_misc();

	for (size_t i = 0; i < sizeof(called) / sizeof(called[0]); i++)
		if (rt_svc_usable(called[i]) && stats->calls[called[i]] <= before[called[i]])
			stale++;
	if (stale)
		fail("call counts", "%u services called but not counted", stale);
	else
		pass("call counts");

	kprintf("selftest: %u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

SHELL_CMD(selftest, "selftest", "",
	  "exercise every runtime service that is safe to call, and their mappings", cmd_selftest);
