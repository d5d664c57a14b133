/* bootinfo: every field of the loader's handoff, readable. */
#include "hv.h"
#include "loader/fwinfo.h"

#include "kprintf.h"
#include "loader/memmap.h"
#include "shell.h"

static void print_region(const char *name, const struct hv_region *r)
{
	kprintf("  %-12s pa 0x%016lx  va 0x%016lx  %lu KiB\n", name, r->pa, r->va,
		r->size_bytes >> 10);
}

static void print_addr(const char *name, uint64_t v)
{
	if (v)
		kprintf("  %-18s 0x%lx\n", name, v);
	else
		kprintf("  %-18s none\n", name);
}

static void print_uefi_revision(uint32_t rev)
{
	char text[16];

	fwinfo_revision_text(rev, text, sizeof(text));
	kprintf("  uefi revision      %s (0x%08x)\n", text, rev);
}

static void print_vendor(const uint16_t *v, size_t max)
{
	kprintf("  firmware vendor    \"");
	for (size_t i = 0; i < max && v[i]; i++)
		kprintf("%c", v[i] >= 0x20 && v[i] < 0x7F ? (char)v[i] : '?');
	kprintf("\"\n");
}

static void print_mat(const struct hv_bootinfo *bi)
{
	const struct efi_mdesc *mat = (const struct efi_mdesc *)(uintptr_t)bi->mat.va;
	uint32_t n = bi->mat.va ? bi->mat_count : 0;

	kprintf("memory attributes table: %u entries\n", n);
	for (uint32_t i = 0; i < n; i++) {
		const struct efi_mdesc *d = &mat[i];
		const char *name = memmap_type_name(d->type);

		kprintf("  %3u %-22s pa 0x%012lx va 0x%016lx %8lu pages attr 0x%016lx\n", i,
			name ? name : "?", d->pa, d->va, d->npages, d->attr);
	}
}

static void print_stamps(const struct hv_bootinfo *bi)
{
	uint64_t t0 = bi->tsc[HV_TS_EFI_MAIN];

	kprintf("tsc stamps (cycles after efi_main):\n");
	for (unsigned i = 0; i < HV_TS_COUNT; i++) {
		if (bi->tsc[i] == 0)
			kprintf("  %-18s not recorded\n", bootinfo_stamp_name(i));
		else
			kprintf("  %-18s +%lu\n", bootinfo_stamp_name(i), bi->tsc[i] - t0);
	}
	kprintf("  %-18s %lu\n", "in firmware calls", bi->fw_tsc);
	kprintf("  %-18s %lu\n", "hashing hv.elf", bi->hash_tsc);
}

/* The loader's regions, the page tables it built, the memory map. */
static void print_memory(const struct hv_bootinfo *bi)
{
	kprintf("regions:\n");
	print_region("self", &bi->self);
	print_region("image", &bi->image);
	print_region("stack", &bi->stack);
	print_region("rt_stack", &bi->rt_stack);
	print_region("pt_pool", &bi->pt_pool);
	print_region("memmap", &bi->memmap);
	kprintf("paging:\n");
	kprintf("  %-18s 0x%lx\n", "root (cr3)", bi->pt_root_pa);
	kprintf("  %-18s %lu of %lu\n", "pool pages used", bi->pt_pages_used,
		bi->pt_pool.size_bytes >> 12);
	kprintf("  %-18s 0x%lx (unmapped by the hypervisor)\n", "trampoline", bi->trampoline_pa);
	kprintf("  %-18s 0x%lx\n", "direct map", bi->direct_map_base);
	kprintf("  %-18s 0x%lx\n", "entry", bi->entry_va);
	kprintf("  %-18s%s%s%s\n", "cpu", bi->cpu_flags & HV_CPU_NX ? " nx" : "",
		bi->cpu_flags & HV_CPU_1G ? " 1g-pages" : "", bi->cpu_flags & HV_CPU_PCID ? " pcid" : "");
	kprintf("memory map: %u descriptors (firmware stride %u bytes), RAM %lu MiB\n",
		bi->memmap_count, bi->memmap_desc_size, bootinfo_ram_bytes(bi) >> 20);
}

/* Where the firmware's tables are, and who it is. */
static void print_firmware(const struct hv_bootinfo *bi)
{
	kprintf("firmware:\n");
	print_addr("system table", bi->system_table_pa);
	print_addr("runtime table pa", bi->runtime_table_pa);
	print_addr("runtime table va", bi->runtime_table_va);
	print_addr("acpi rsdp", bi->acpi_rsdp_pa);
	print_addr("smbios", bi->smbios_pa);
	print_addr("smbios3", bi->smbios3_pa);
	kprintf("  %-18s 0x%08x\n", "firmware revision", bi->fw_revision);
	print_uefi_revision(bi->uefi_revision);
	print_vendor(bi->fw_vendor, sizeof(bi->fw_vendor) / sizeof(bi->fw_vendor[0]));
}

/* The runtime services as the loader left them. */
static void print_runtime(const struct hv_bootinfo *bi)
{
	kprintf("runtime services:\n");
	if (bi->rt_state == HV_RT_ENABLED)
		kprintf("  %-18s enabled\n", "state");
	else
		kprintf("  %-18s disabled (%.*s)\n", "state", HV_REASON_MAX,
			bi->rt_reason[0] ? bi->rt_reason : "no reason given");
	kprintf("  %-18s %s\n", "layout",
		hv_rt_layout_name(bi->rt_layout));
	kprintf("  %-18s %s\n", "compat", hv_rt_compat_name(bi->rt_compat));
	kprintf("  %-18s 0x%lx\n", "window", bi->rt_window_base);
	kprintf("  %-18s %u\n", "regions", bi->rt_region_count);
	if (bi->rt_has_properties)
		kprintf("  %-18s 0x%08x (EFI_RT_PROPERTIES_TABLE)\n", "supported", bi->rt_supported);
	else
		kprintf("  %-18s all (no EFI_RT_PROPERTIES_TABLE)\n", "supported");
}

/* The GOP framebuffer, or none. */
static void print_framebuffer(const struct hv_bootinfo *bi)
{
	kprintf("framebuffer:\n");
	if (bi->fb.format == HV_FB_NONE) {
		kprintf("  %-18s none\n", "format");
	} else {
		kprintf("  %-18s %s (masks r 0x%08x g 0x%08x b 0x%08x x 0x%08x)\n", "format",
			hv_fb_format_name(bi->fb.format), bi->fb.mask_red, bi->fb.mask_green,
			bi->fb.mask_blue, bi->fb.mask_reserved);
		kprintf("  %-18s %ux%u, stride %u pixels\n", "mode", bi->fb.width, bi->fb.height,
			bi->fb.stride_pixels);
		kprintf("  %-18s pa 0x%lx  va 0x%lx  %lu KiB\n", "base",
			bi->fb.pa, bi->fb.va, bi->fb.size_bytes >> 10);
	}
}

/* Secure Boot, the hash pin, and the config. */
static void print_security_config(const struct hv_bootinfo *bi)
{
	kprintf("security:\n");
	kprintf("  %-18s %s\n", "secure boot", hv_secure_boot_name(bi->secure_boot));
	/* A mismatch gets this far only when Secure Boot is known to be off
	 * (loader/fwinfo.c: the pin is enforced otherwise). */
	kprintf("  %-18s %s\n", "hv.elf hash", bi->hv_hash_checked
		? "matched the pinned SHA-256"
		: "differs from the pinned SHA-256 (allowed: Secure Boot is off)");
	kprintf("config:\n");
	kprintf("  %-18s \"%.*s\"\n", "cmdline", HV_CMDLINE_MAX, bi->cmdline);
	kprintf("  %-18s %s\n", "log",
		hv_log_level_name(bi->log_level));
}

/* Guest memory, the variable policy and the modules. */
static void print_guests(const struct hv_bootinfo *bi)
{
	kprintf("guests:\n");
	kprintf("  %-18s %lu MiB\n", "guest_mem", bi->guest_mem_bytes >> 20);
	kprintf("  %-18s %s\n", "guest_vars", hv_guest_vars_name(bi->guest_vars));
	for (uint32_t i = 0; i < bi->module_count && i < HV_MODULE_MAX; i++) {
		const struct hv_module_ext *x = &bi->module_ext[i];

		kprintf("  module %-11.*s pa 0x%lx, %lu bytes\n", HV_MODULE_NAME_MAX,
			bi->modules[i].name, bi->modules[i].pa, bi->modules[i].size_bytes);
		if (x->initrd_size_bytes)
			kprintf("    initrd           pa 0x%lx, %lu bytes\n", x->initrd_pa,
				x->initrd_size_bytes);
		if (x->guest_mem_bytes)
			kprintf("    guest_mem        %lu MiB\n", x->guest_mem_bytes >> 20);
		if (x->args[0])
			kprintf("    args             \"%.*s\"\n", HV_MODULE_ARGS_MAX, x->args);
	}
}

static int cmd_bootinfo(int argc, char **argv)
{
	const struct hv_bootinfo *bi = hv_bi;

	(void)argv;
	if (argc > 1)
		return shell_error("bootinfo takes no arguments");

	kprintf("boot info: magic 0x%016lx version %u size %u bytes\n", bi->magic, bi->version,
		bi->size_bytes);
	print_memory(bi);
	print_firmware(bi);
	print_runtime(bi);
	print_framebuffer(bi);
	print_security_config(bi);
	print_guests(bi);
	print_stamps(bi);
	print_mat(bi);
	return 0;
}

SHELL_CMD(bootinfo, "bootinfo", "", "every field of the loader's boot info", cmd_bootinfo);
