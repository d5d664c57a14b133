/* Everything the hypervisor needs is reserved before ExitBootServices
 * (UEFI 2.10 §7.4: afterwards only the memory map is ours); then the
 * GetMemoryMap / ExitBootServices retry loop. From the first
 * ExitBootServices call on, the only boot services allowed are
 * GetMemoryMap and ExitBootServices (§7.4.6), so every failure from there
 * stops in efi_fatal with one line on COM1: nothing returns to efi_main,
 * whose clean-up frees pages and prints on ConOut. */
#include "efi_boot.h"
#include "gop.h"
#include "hvmap.h"
#include "layout.h"
#include "memmap.h"

#define MAP_SLACK_DESCS	64	/* allocations between sizing and the final map,
				 * and pieces of descriptors split by overlaps */
#define EBS_TRIES	8

EFI_STATUS efi_alloc_pages(struct boot *b, UINT32 type, uint64_t npages, uint64_t max_pa,
			   uint64_t *pa, const char *what)
{
	EFI_PHYSICAL_ADDRESS addr = max_pa;
	EFI_STATUS st;

	if (b->nallocs == sizeof(b->allocs) / sizeof(b->allocs[0]))
		return boot_fail(b, EFI_OUT_OF_RESOURCES, "too many allocations (%s)", what);
	st = FW(uefi_call_wrapper(BS->AllocatePages, 4, max_pa ? AllocateMaxAddress : AllocateAnyPages,
				  (EFI_MEMORY_TYPE)type, npages, &addr));
	if (EFI_ERROR(st))
		return boot_fail(b, st, "cannot allocate %lu KiB for the %s (%s)",
				 npages * 4, what, efi_status_str(st));
	b->allocs[b->nallocs].pa = addr;
	b->allocs[b->nallocs].npages = npages;
	b->nallocs++;
	*pa = addr;
	return EFI_SUCCESS;
}

void efi_release(struct boot *b)
{
	while (b->nallocs) {
		b->nallocs--;
		uefi_call_wrapper(BS->FreePages, 2, b->allocs[b->nallocs].pa,
				  b->allocs[b->nallocs].npages);
	}
	efi_close_volume(b);
	if (b->elf_file) {
		uefi_call_wrapper(BS->FreePool, 1, b->elf_file);
		b->elf_file = NULL;
	}
}

static EFI_STATUS get_map(struct boot *b)
{
	EFI_STATUS st;

	b->map_size = b->map_raw_cap;
	st = FW(uefi_call_wrapper(BS->GetMemoryMap, 5, &b->map_size,
				  (EFI_MEMORY_DESCRIPTOR *)b->map_raw, &b->map_key,
				  &b->desc_size, &b->desc_version));
	if (st == EFI_BUFFER_TOO_SMALL)
		return boot_fail(b, st, "memory map grew past %lu bytes reserved for it",
				 (uint64_t)b->map_raw_cap);
	if (EFI_ERROR(st))
		return boot_fail(b, st, "GetMemoryMap failed (%s)", efi_status_str(st));
	if (memmap_check_version(b->desc_version))
		return boot_fail(b, EFI_UNSUPPORTED, "firmware memory map: %s (version %u)",
				 memmap_check_version(b->desc_version), b->desc_version);
	return EFI_SUCCESS;
}

/* One loader log line per repair of an odd map (memmap_normalize). */
static void warn_console(void *ctx, const struct efi_mdesc *d, const char *what)
{
	const struct boot *b = ctx;
	char line[96];

	memmap_format_line(d, line, sizeof(line));
	boot_log(b, HV_LOG_INFO, "hvboot: warning: memory map: %s: %s\n", line, what);
}

static uint64_t pages_for(uint64_t bytes)
{
	return (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
}

/* The hypervisor's own pages: image, both stacks, and the trampoline. */
static EFI_STATUS reserve_hypervisor(struct boot *b)
{
	EFI_STATUS st;

	st = efi_alloc_pages(b, HV_MEM_IMAGE, (b->img.va_hi - b->img.va_lo) / EFI_PAGE_SIZE, 0,
			     &b->image_pa, "hypervisor image");
	if (!EFI_ERROR(st))
		st = efi_alloc_pages(b, HV_MEM_STACK, HV_STACK_SIZE / EFI_PAGE_SIZE, 0,
				     &b->stack_pa, "hypervisor stack");
	if (!EFI_ERROR(st))
		st = efi_alloc_pages(b, HV_MEM_STACK, HV_RTSTACK_SIZE / EFI_PAGE_SIZE, 0,
				     &b->rt_stack_pa, "runtime stack");
	if (!EFI_ERROR(st))
		st = efi_alloc_pages(b, HV_MEM_STACK,
				     HV_IST_COUNT * HV_IST_STACK_SIZE / EFI_PAGE_SIZE, 0,
				     &b->ist_pa, "exception stacks");
	/* LoaderCode, below 4 GiB: identity-mappable by both the old and the
	 * new tables, and executable under the firmware's own.
	 * Quirk (OVMF 2022.11): pages of the data types are mapped NX under
	 * its tables; LoaderCode is not. */
	if (!EFI_ERROR(st))
		st = efi_alloc_pages(b, EfiLoaderCode, 1, 0xFFFFF000ULL, &b->trampoline_pa,
				     "trampoline");
	return st;
}

/* The buffers sized by the map: the boot info with room for the final
 * normalised map (OS-typed, handed over), the raw map and the
 * SetVirtualAddressMap array (LoaderData scratch). */
static EFI_STATUS reserve_map_buffers(struct boot *b)
{
	UINTN size = 0, key, dsize;
	UINT32 ver;
	uint64_t pa;
	EFI_STATUS st;

	st = FW(uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize, &ver));
	if (st != EFI_BUFFER_TOO_SMALL || dsize < sizeof(struct efi_mdesc))
		return boot_fail(b, EFI_ERROR(st) ? st : EFI_DEVICE_ERROR,
				 "GetMemoryMap gave no usable size (%s, descriptor size %lu)",
				 efi_status_str(st), (uint64_t)dsize);
	b->map_raw_cap = size + MAP_SLACK_DESCS * dsize;
	b->map_norm_cap = b->map_raw_cap / dsize;

	b->bi_pages = pages_for(sizeof(struct hv_bootinfo) + b->map_norm_cap * sizeof(struct efi_mdesc));
	st = efi_alloc_pages(b, HV_MEM_BOOTINFO, b->bi_pages, 0, &pa, "boot info");
	if (EFI_ERROR(st))
		return st;
	b->bi = (struct hv_bootinfo *)(UINTN)pa;
	__builtin_memset(b->bi, 0, b->bi_pages * EFI_PAGE_SIZE);
	b->map_norm = (struct efi_mdesc *)(b->bi + 1);

	st = efi_alloc_pages(b, EfiLoaderData, 2 * pages_for(b->map_raw_cap), 0, &pa,
			     "memory map buffers");
	if (EFI_ERROR(st))
		return st;
	b->map_raw = (void *)(UINTN)pa;
	b->svam_buf = (uint8_t *)b->map_raw + pages_for(b->map_raw_cap) * EFI_PAGE_SIZE;
	return EFI_SUCCESS;
}

/* The page-table pool, sized from the map as it is now; the final map
 * differs only by allocations made from here on (margin). *n = the
 * normalised map's length. */
static EFI_STATUS reserve_pool(struct boot *b, uint64_t *n)
{
	struct efi_mmap raw;
	uint64_t bad, bound;
	const char *why;
	EFI_STATUS st;

	st = get_map(b);
	if (EFI_ERROR(st))
		return st;
	raw = (struct efi_mmap){ b->map_raw, b->map_size, b->desc_size };
	why = memmap_check(&raw, &bad);
	if (why)
		return boot_fail(b, EFI_DEVICE_ERROR, "firmware memory map: descriptor %lu: %s",
				 bad, why);
	b->map_fixes = (struct memmap_fixes){
		.reach = HV_DIRECT_MAP_MAX, .warn = warn_console, .ctx = b,
	};
	why = memmap_normalize(&raw, b->map_norm, b->map_norm_cap, n, &bad, &b->map_fixes);
	if (why)
		return boot_fail(b, EFI_DEVICE_ERROR, "firmware memory map: descriptor %lu: %s",
				 bad, why);
	if (rtwin_plan(&raw, b->cfg.rt_window, efi_rt_layout(b), &b->rt))
		b->rt.count = 0;	/* reported after the final plan */
	struct hvmap_input in = {
		.map = b->map_norm, .count = *n, .img = &b->img,
		.rt = &b->rt, .mat_count = 1,	/* worst case: MAT splits */
	};
	gop_map_range(&b->fb, &in.fb_pa, &in.fb_size);
	for (uint32_t i = 0; i < b->rt.count; i++)
		boot_log(b, HV_LOG_DEBUG, "hvboot:   runtime %s 0x%lx %lu pages attr 0x%lx -> 0x%lx\n",
			 memmap_type_name(b->rt.r[i].type) ? memmap_type_name(b->rt.r[i].type) : "?",
			 (unsigned long)b->rt.r[i].pa, (unsigned long)b->rt.r[i].npages,
			 (unsigned long)b->rt.r[i].attr, (unsigned long)b->rt.r[i].va);
	bound = hvmap_pool_bound(&in, b->cpu_flags & HV_CPU_1G);
	b->pool_pages = bound + bound / 4 + 64;
	return efi_alloc_pages(b, HV_MEM_PAGETABLE, b->pool_pages, 0, &b->pool_pa,
			       "page-table pool");
}

EFI_STATUS efi_reserve(struct boot *b)
{
	uint64_t n, ram = 0;
	EFI_STATUS st;

	st = reserve_hypervisor(b);
	if (!EFI_ERROR(st))
		st = reserve_map_buffers(b);
	if (!EFI_ERROR(st))
		st = reserve_pool(b, &n);
	if (EFI_ERROR(st))
		return st;
	for (uint64_t i = 0; i < n; i++)
		if (memmap_is_ram(b->map_norm[i].type))
			ram += b->map_norm[i].npages << EFI_PAGE_SHIFT;
	boot_log(b, HV_LOG_INFO, "hvboot: memory map %lu entries (stride %lu), %lu MiB RAM; "
		 "image at 0x%lx, page-table pool %lu pages\n", n, (uint64_t)b->desc_size,
		 ram >> 20, b->image_pa, b->pool_pages);
	return EFI_SUCCESS;
}

/* After ExitBootServices the firmware console is gone: the final map's
 * repairs are counted, and said on COM1 only when they differ from those
 * the loader already logged for the map before it. */
static void warn_final(const struct boot *b, const struct memmap_fixes *fx)
{
	const struct memmap_fixes *was = &b->map_fixes;

	if (fx->rounded == was->rounded && fx->clipped == was->clipped &&
	    fx->left_out == was->left_out)
		return;
	efi_serial_puts("hvboot: warning: final memory map repaired (rounded, clipped, left out): ");
	efi_serial_hex(fx->rounded);
	efi_serial_puts(" ");
	efi_serial_hex(fx->clipped);
	efi_serial_puts(" ");
	efi_serial_hex(fx->left_out);
	efi_serial_puts("\r\n");
}

EFI_STATUS efi_exit_boot_services(struct boot *b)
{
	struct efi_mmap raw;
	struct memmap_fixes fx = { .reach = HV_DIRECT_MAP_MAX };
	uint64_t bad;
	EFI_STATUS st;
	uint64_t n;

	boot_log(b, HV_LOG_INFO, "hvboot: exiting boot services, entering 0x%lx\n",
		 b->img.entry_va);
	st = get_map(b);	/* the last call that may still return */
	if (EFI_ERROR(st))
		return st;
	for (int tries = 0;; tries++) {
		b->bi->tsc[HV_TS_BEFORE_EBS] = cpu_rdtsc();
		st = FW(uefi_call_wrapper(BS->ExitBootServices, 2, b->image_handle, b->map_key));
		if (!EFI_ERROR(st))
			break;
		/* UEFI 2.10 §7.4.6: a stale MapKey gives EFI_INVALID_PARAMETER;
		 * fetch the map again and retry. Boot services may already be
		 * partly torn down: no way back to the firmware from here. */
		if (st != EFI_INVALID_PARAMETER || tries == EBS_TRIES)
			efi_fatal("ExitBootServices failed, status", st);
		b->map_size = b->map_raw_cap;
		st = FW(uefi_call_wrapper(BS->GetMemoryMap, 5, &b->map_size,
					  (EFI_MEMORY_DESCRIPTOR *)b->map_raw, &b->map_key,
					  &b->desc_size, &b->desc_version));
		if (EFI_ERROR(st))
			efi_fatal("GetMemoryMap failed after ExitBootServices, status", st);
	}
	b->bi->tsc[HV_TS_AFTER_EBS] = cpu_rdtsc();
	raw = (struct efi_mmap){ b->map_raw, b->map_size, b->desc_size };
	/* Past the point of return: a broken final map stops here, loudly. */
	if (memmap_check_version(b->desc_version))
		efi_fatal("final memory map has descriptor version", b->desc_version);
	if (memmap_check(&raw, &bad))
		efi_fatal("final memory map is malformed at descriptor", bad);
	if (memmap_normalize(&raw, b->map_norm, b->map_norm_cap, &n, &bad, &fx))
		efi_fatal("final memory map: RAM overlaps RAM, or too many pieces, at", bad);
	warn_final(b, &fx);
	b->bi->memmap_count = (uint32_t)n;
	b->bi->memmap_desc_size = (uint32_t)b->desc_size;
	return EFI_SUCCESS;
}
