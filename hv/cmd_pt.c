/* pt VA: walks the live page tables (CR3) for one virtual address and
 * prints each entry read, then the translation. */
#include "hv.h"

#include "cpu.h"
#include "loader/fmt.h"
#include "kprintf.h"
#include "mm.h"
#include "loader/pt.h"
#include "shell.h"

static const char *const level_names[4] = { "PML4", "PDPT", "PD", "PT" };

static void format_flags(uint64_t e, int level, char *buf, size_t cap)
{
	/* Bit 7 is PS in a PDPTE/PDE but PAT in a PTE (SDM Table 4-20). */
	const struct {
		uint64_t bit;
		const char *name;
	} flags[] = {
		{ PTE_P, "P" }, { PTE_W, "W" }, { PTE_U, "U" }, { PTE_PWT, "PWT" },
		{ PTE_PCD, "PCD" }, { PTE_A, "A" }, { PTE_D, "D" },
		{ PTE_PS, level == 3 ? "PAT" : "PS" }, { PTE_G, "G" }, { PTE_NX, "NX" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]) && len < cap; i++)
		if (e & flags[i].bit)
			len += fmt_snprintf(buf + len, cap - len, "%s%s", len ? " " : "",
					    flags[i].name);
	if (!(e & PTE_P))
		fmt_snprintf(buf, cap, "not present");
}

/* The memory type a PAT index selects, from the live IA32_PAT MSR
 * (SDM Vol. 3A §12.12.2, Table 12-10). */
static const char *pat_type_name(unsigned pat_index)
{
	uint8_t type = (cpu_rdmsr(MSR_IA32_PAT) >> (8 * (pat_index & 7))) & 7;

	switch (type) {
	case 0:		return "UC";
	case 1:		return "WC";
	case 4:		return "WT";
	case 5:		return "WP";
	case 6:		return "WB";
	case 7:		return "UC-";
	default:	return "reserved";
	}
}

static const char *size_name(uint64_t page_size)
{
	switch (page_size) {
	case HV_LARGE_1G:	return "1G";
	case HV_LARGE_2M:	return "2M";
	case HV_PAGE_SIZE:	return "4K";
	default:		return "?";
	}
}

static int cmd_pt(int argc, char **argv)
{
	struct pt_builder b;
	struct pt_walk w;
	const char *st;
	uint64_t va;

	if (argc != 2)
		return shell_error("usage: pt VA (hex, e.g. pt 0xffffffff80000000)");
	if (!shell_parse_hex_u64(argv[1], &va))
		return shell_error("'%s' is not a hex address", argv[1]);
	if (!pt_canonical(va))
		return shell_error("0x%lx is not canonical (bits 63:47 must all equal bit 47)", va);

	mm_live_builder(&b);
	st = pt_walk(&b, va, &w);
	if (st != PT_OK && st != PT_ENOENT)
		return shell_error("cannot walk 0x%lx: %s", va, st);

	for (int l = 0; l < w.levels && l < 4; l++) {
		char flags[64], label[16];

		format_flags(w.entry[l], l, flags, sizeof(flags));
		fmt_snprintf(label, sizeof(label), "%s[%u]", level_names[l], pt_index(va, l));
		kprintf("%-9s 0x%016lx %s\n", label, w.entry[l], flags);
	}
	if (!w.present) {
		int l = w.levels > 0 && w.levels <= 4 ? w.levels - 1 : 0;

		kprintf("0x%lx: not mapped (%s entry not present)\n", va, level_names[l]);
		return 0;
	}
	kprintf("0x%lx -> 0x%lx %s %s %s cache=%s\n", va, w.pa, size_name(w.page_size),
		w.writable ? "RW" : "R", w.executable ? "X" : "NX", pat_type_name(w.pat_index));
	return 0;
}

SHELL_CMD(pt, "pt", "VA", "walk the live page tables for a virtual address", cmd_pt);
