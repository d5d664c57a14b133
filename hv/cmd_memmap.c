/* memmap [--raw]: the final EFI memory map from the boot info, as a table
 * or in the text format tools/mapplan reads (README: Memory maps as text). */
#include "hv.h"

#include "loader/fmt.h"
#include "kprintf.h"
#include "layout.h"
#include "lib.h"
#include "loader/memmap.h"
#include "shell.h"

static const struct {
	uint64_t bit;
	const char *name;
} attr_flags[] = {
	{ EFI_MEMORY_UC, "UC" }, { EFI_MEMORY_WC, "WC" }, { EFI_MEMORY_WT, "WT" },
	{ EFI_MEMORY_WB, "WB" }, { EFI_MEMORY_RP, "RP" }, { EFI_MEMORY_WP, "WP" },
	{ EFI_MEMORY_XP, "XP" }, { EFI_MEMORY_RO, "RO" }, { EFI_MEMORY_RUNTIME, "RT" },
};

/* Our own allocation types (layout.h), named so a reader can tell them. */
static const char *hv_type_name(uint32_t type)
{
	switch (type) {
	case HV_MEM_IMAGE:	return "hv image";
	case HV_MEM_STACK:	return "hv stacks";
	case HV_MEM_PAGETABLE:	return "hv page tables";
	case HV_MEM_BOOTINFO:	return "hv boot info";
	case HV_MEM_TRAMPOLINE:	return "hv trampoline";
	case HV_MEM_MODULE:	return "hv module";
	default:		return NULL;
	}
}

/* The last byte a descriptor covers; one that would wrap past 2^64 (a
 * malformed descriptor memmap_check reports) ends at the top. */
static uint64_t last_byte(const struct efi_mdesc *d)
{
	uint64_t size = d->npages << EFI_PAGE_SHIFT;

	if (d->npages == 0)
		return d->pa;
	if (size >> EFI_PAGE_SHIFT != d->npages || d->pa + size - 1 < d->pa)
		return UINT64_MAX;
	return d->pa + size - 1;
}

static void print_row(size_t i, const struct efi_mdesc *d)
{
	const char *name = memmap_type_name(d->type);
	char type[32];
	char flags[40];
	size_t fl = 0;

	if (name) {
		fmt_snprintf(type, sizeof(type), "%s", name);
	} else {
		const char *own = hv_type_name(d->type);
		fmt_snprintf(type, sizeof(type), "0x%08x%s%s", d->type, own ? " " : "",
			     own ? own : "");
	}
	flags[0] = '\0';
	for (size_t f = 0; f < sizeof(attr_flags) / sizeof(attr_flags[0]); f++)
		if (d->attr & attr_flags[f].bit)
			fl += fmt_snprintf(flags + fl, sizeof(flags) - fl, "%s%s",
					   fl ? " " : "", attr_flags[f].name);

	kprintf("%4zu  %-26s 0x%012lx-0x%012lx %10lu  0x%016lx ", i, type, d->pa,
		last_byte(d), d->npages, d->attr);
	if (d->attr & EFI_MEMORY_RUNTIME)
		kprintf("%-26s 0x%016lx\n", flags, d->va);
	else
		kprintf("%s\n", flags);
}

static int cmd_memmap(int argc, char **argv)
{
	bool raw = false;
	size_t n, runtime = 0;
	const struct efi_mdesc *d;

	if (argc > 2 || (argc == 2 && !(raw = strcmp(argv[1], "--raw") == 0)))
		return shell_error("usage: memmap [--raw]");
	d = bootinfo_memmap(hv_bi, &n);
	if (n == 0)
		return shell_error("the boot info holds no memory map");

	if (raw) {
		char line[128];

		for (size_t i = 0; i < n; i++) {
			memmap_format_line(&d[i], line, sizeof(line));
			kprintf("%s\n", line);
		}
		return 0;
	}

	kprintf("%4s  %-26s %-29s %10s  %-18s %-26s %s\n", "#", "type", "physical range",
		"pages", "attributes", "flags", "virtual");
	for (size_t i = 0; i < n; i++) {
		bool missing_bit;

		print_row(i, &d[i]);
		if (memmap_is_runtime(&d[i], &missing_bit))
			runtime++;
	}
	kprintf("%zu descriptors, RAM %lu MiB, %zu runtime regions\n", n,
		bootinfo_ram_bytes(hv_bi) >> 20, runtime);
	return 0;
}

SHELL_CMD(memmap, "memmap", "[--raw]",
	  "the EFI memory map (--raw: the text format tools/mapplan reads)", cmd_memmap);
