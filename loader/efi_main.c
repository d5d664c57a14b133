/* hvboot loader: read config and hypervisor from our own volume, validate,
 * load, reserve everything, ExitBootServices, build fresh page tables,
 * SetVirtualAddressMap, jump through the identity trampoline. Any failure
 * before ExitBootServices prints one line and returns to the firmware. */
#include "efi_boot.h"
#include "hvmap.h"
#include "memmap.h"
#include "layout.h"
#include "sha256.h"
#include "cpustate.h"
#include "fwinfo.h"
#include "fmt.h"
#include "gop.h"

uint64_t boot_fw_tsc;
static uint64_t tsc_efi_main;

EFI_STATUS boot_fail(struct boot *b, EFI_STATUS st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(b->msg, sizeof(b->msg), fmt, ap);
	va_end(ap);
	return st;
}

void boot_log(const struct boot *b, enum hv_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (b->cfg.log < level)
		return;
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}

/* The config beside the loader (e.g. \EFI\hvboot\hvboot.cfg after `make
 * install`), else the ESP layout's \hvboot\hvboot.cfg (README: The ESP and the config). */
static EFI_STATUS read_config(struct boot *b)
{
	static char own[CFG_PATH_MAX];
	const char *paths[2] = { own, "\\hvboot\\hvboot.cfg" };
	const char *path = NULL;
	void *text = NULL;
	UINTN size = 0;
	struct cfg_where where;
	const char *why;
	EFI_STATUS st = EFI_NOT_FOUND;

	cfg_defaults(&b->cfg);
	efi_own_dir(b, own, sizeof(own));
	for (int i = 0; i < 2 && st == EFI_NOT_FOUND; i++) {
		if (!paths[i][0])
			continue;
		path = paths[i];
		st = efi_file_read(b, path, &text, &size);
	}
	if (st == EFI_NOT_FOUND) {
		b->msg[0] = 0;
		boot_log(b, HV_LOG_INFO, "hvboot: no \\hvboot\\hvboot.cfg, using defaults\n");
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(st))
		return st;
	why = cfg_parse(&b->cfg, text, size, &where);
	if (why && where.key_len) {
		char key[32];
		UINTN n = where.key_len < sizeof(key) - 1 ? where.key_len : sizeof(key) - 1;

		__builtin_memcpy(key, (const char *)text + where.key_off, n);
		key[n] = 0;
		boot_fail(b, EFI_LOAD_ERROR, "%s: line %u: %s '%s'", path, where.line, why, key);
	} else if (why && where.line) {
		boot_fail(b, EFI_LOAD_ERROR, "%s: line %u: %s", path, where.line, why);
	} else if (why) {
		boot_fail(b, EFI_LOAD_ERROR, "%s: %s", path, why);
	}
	FW(uefi_call_wrapper(BS->FreePool, 1, text));
	return why ? EFI_LOAD_ERROR : EFI_SUCCESS;
}

/* The build pins the SHA-256 of hv.elf (tools/gen_hash.sh). With Secure
 * Boot on, the signed loader is the root of trust: run nothing else; and
 * unless Secure Boot is known to be off, assume it is on (fwinfo.c). */
static EFI_STATUS check_hash(struct boot *b)
{
	static const uint8_t pinned[32] = HV_ELF_SHA256;
	uint8_t digest[32];
	uint64_t t0 = cpu_rdtsc();
	int diff = 0;

	sha256(b->elf_file, b->elf_size, digest);
	for (int i = 0; i < 32; i++)
		diff |= digest[i] ^ pinned[i];
	b->bi->hash_tsc = cpu_rdtsc() - t0;
	b->bi->hv_hash_checked = !diff;
	if (diff && fwinfo_hash_enforced(b->bi->secure_boot))
		return boot_fail(b, EFI_SECURITY_VIOLATION,
				 "%s: SHA-256 does not match the one pinned in this signed loader "
				 "(Secure Boot is %s)", b->cfg.hypervisor,
				 b->bi->secure_boot == HV_SECURE_BOOT_ON ? "on" : "not known to be off");
	if (diff)
		boot_log(b, HV_LOG_DEBUG, "hvboot: %s differs from the build's (Secure Boot off)\n",
			 b->cfg.hypervisor);
	return EFI_SUCCESS;
}

static EFI_STATUS read_hypervisor(struct boot *b)
{
	const char *why;
	int seg;
	EFI_STATUS st;

	st = efi_file_read(b, b->cfg.hypervisor, &b->elf_file, &b->elf_size);
	if (EFI_ERROR(st))
		return st;
	why = elf_validate(b->elf_file, b->elf_size, &b->img, &seg);
	if (why && seg >= 0)
		return boot_fail(b, EFI_LOAD_ERROR, "%s: segment %d: %s", b->cfg.hypervisor, seg, why);
	if (why)
		return boot_fail(b, EFI_LOAD_ERROR, "%s: %s", b->cfg.hypervisor, why);
	/* Where the firmware loaded us, for gdb (README: Debugging). */
	if (b->li)
		boot_log(b, HV_LOG_INFO, "hvboot: loader image base 0x%lx\n",
			 (uint64_t)(UINTN)b->li->ImageBase);
	boot_log(b, HV_LOG_INFO, "hvboot: %s: %u segments, %lu KiB, entry 0x%lx\n",
		 b->cfg.hypervisor, b->img.nseg, (b->img.va_hi - b->img.va_lo) >> 10,
		 b->img.entry_va);
	return EFI_SUCCESS;
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *bx, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*bx), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static EFI_STATUS check_cpu(struct boot *b)
{
	uint64_t cr4;
	uint32_t a, bx, c, d;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	/* SDM Vol. 3A §4.5: CR4.LA57 selects 5-level paging; our tables are
	 * 4-level and cannot be loaded under it. */
	if (cr4 & CR4_LA57)
		return boot_fail(b, EFI_UNSUPPORTED,
				 "firmware runs with 5-level paging (CR4.LA57); "
				 "hvboot builds 4-level tables only");
	cpuid(0x80000000, &a, &bx, &c, &d);
	if (a >= 0x80000001) {
		cpuid(0x80000001, &a, &bx, &c, &d);
		if (d & CPUID_80000001_EDX_NX)
			b->cpu_flags |= HV_CPU_NX;
		if (d & CPUID_80000001_EDX_1G)
			b->cpu_flags |= HV_CPU_1G;
	}
	cpuid(1, &a, &bx, &c, &d);
	if (c & CPUID1_ECX_PCID)
		b->cpu_flags |= HV_CPU_PCID;
	if (d & CPUID1_EDX_MCE)
		b->cpu_flags |= HV_CPU_MCE;
	return EFI_SUCCESS;
}

/* --- after ExitBootServices: no firmware calls but SetVirtualAddressMap -- */

static void *pool_alloc(void *ctx, uint64_t *pa)
{
	struct boot *b = ctx;
	uint8_t *p;

	if (b->pool_used == b->pool_pages)
		return NULL;
	*pa = b->pool_pa + b->pool_used * EFI_PAGE_SIZE;
	b->pool_used++;
	p = (uint8_t *)(UINTN)*pa;
	__builtin_memset(p, 0, EFI_PAGE_SIZE);
	return p;
}

static void *identity(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(UINTN)pa;
}

static void build_tables(struct boot *b, struct pt_builder *pt)
{
	struct hv_bootinfo *bi = b->bi;
	struct hvmap_input in = {
		.map = b->map_norm, .count = bi->memmap_count,
		.img = &b->img, .image_pa = b->image_pa,
		.stack_pa = b->stack_pa, .rt_stack_pa = b->rt_stack_pa, .ist_pa = b->ist_pa,
		.trampoline_pa = b->trampoline_pa,
		.rt = bi->rt_state == HV_RT_ENABLED ? &b->rt : NULL,
		.mat = b->mat, .mat_count = b->mat_valid ? bi->mat_count : 0,
	};
	struct hvmap_error err;

	gop_map_range(&b->fb, &in.fb_pa, &in.fb_size);
	*pt = (struct pt_builder){
		.alloc_page = pool_alloc, .pa_to_ptr = identity, .ctx = b,
		.allow_1g = b->cpu_flags & HV_CPU_1G, .allow_nx = b->cpu_flags & HV_CPU_NX,
	};
	if (pt_init(pt) != PT_OK)
		efi_fatal("page-table pool empty", b->pool_pages);
	if (hvmap_build(pt, &in, &err) != PT_OK) {
		efi_serial_puts("hvboot: cannot map ");
		efi_serial_puts(err.what);
		efi_fatal("at pa", err.pa);
	}
	bi->pt_root_pa = pt->root_pa;
	bi->pt_pages_used = b->pool_used;
}

typedef void (*trampoline_fn)(uint64_t cr3, uint64_t stack_top, uint64_t entry,
			      uint64_t bootinfo_va, uint64_t tsc_slot_va,
			      const struct hv_cpu_state *cpu)
	__attribute__((sysv_abi, noreturn));

static void __attribute__((noreturn)) enter_hypervisor(struct boot *b)
{
	struct hv_bootinfo *bi = b->bi;
	uint64_t bi_va = HV_DIRECT_MAP_BASE + (uint64_t)(UINTN)bi;
	trampoline_fn tramp = (trampoline_fn)(UINTN)b->trampoline_pa;

	uint64_t cr4, efer_lo, efer_hi;

	/* The trampoline was copied and made executable before ExitBootServices
	 * (efi_trampoline.c). The state it loads (cpustate.c), kept in the boot info
	 * for `selftest` to compare with the live registers. */
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("rdmsr" : "=a"(efer_lo), "=d"(efer_hi) : "c"(MSR_EFER));
	cpustate_plan(b->cpu_flags, cr4, efer_hi << 32 | (uint32_t)efer_lo, &bi->cpu);
	tramp(bi->pt_root_pa, HV_STACK_TOP_VA, b->img.entry_va, bi_va,
	      bi_va + __builtin_offsetof(struct hv_bootinfo, tsc[HV_TS_TRAMPOLINE]), &bi->cpu);
}

static struct hv_region region(uint64_t pa, uint64_t va, uint64_t size)
{
	return (struct hv_region){ .pa = pa, .va = va, .size_bytes = size };
}

static void fill_bootinfo(struct boot *b)
{
	struct hv_bootinfo *bi = b->bi;
	uint64_t bi_pa = (uint64_t)(UINTN)bi, map_pa = (uint64_t)(UINTN)b->map_norm;

	bi->magic = HV_BOOTINFO_MAGIC;
	bi->version = HV_BOOTINFO_VERSION;
	bi->size_bytes = sizeof(*bi);
	bi->self = region(bi_pa, HV_DIRECT_MAP_BASE + bi_pa, sizeof(*bi));
	bi->image = region(b->image_pa, b->img.va_lo, b->img.va_hi - b->img.va_lo);
	bi->stack = region(b->stack_pa, HV_STACK_BOTTOM_VA, HV_STACK_SIZE);
	bi->rt_stack = region(b->rt_stack_pa, HV_RTSTACK_BOTTOM_VA, HV_RTSTACK_SIZE);
	bi->ist = region(b->ist_pa, HV_IST_BOTTOM_VA(1), HV_IST_COUNT * HV_IST_STACK_SIZE);
	bi->pt_pool = region(b->pool_pa, HV_DIRECT_MAP_BASE + b->pool_pa,
			     b->pool_pages * EFI_PAGE_SIZE);
	bi->trampoline_pa = b->trampoline_pa;
	bi->direct_map_base = HV_DIRECT_MAP_BASE;
	bi->entry_va = b->img.entry_va;
	bi->memmap = region(map_pa, HV_DIRECT_MAP_BASE + map_pa,
			    b->map_norm_cap * sizeof(struct efi_mdesc));

	bi->module_count = b->cfg.nmodules;
	for (uint32_t i = 0; i < b->cfg.nmodules; i++) {
		__builtin_memcpy(bi->modules[i].name, b->cfg.modules[i].name, HV_MODULE_NAME_MAX);
		bi->modules[i].pa = b->module_pa[i];
		bi->modules[i].size_bytes = b->module_size[i];
		bi->module_ext[i].initrd_pa = b->initrd_pa[i];
		bi->module_ext[i].initrd_size_bytes = b->initrd_size[i];
		bi->module_ext[i].guest_mem_bytes = b->cfg.modules[i].guest_mem;
		__builtin_memcpy(bi->module_ext[i].args, b->cfg.modules[i].args, HV_MODULE_ARGS_MAX);
	}
	bi->rt_deadline_read_ms = b->cfg.rt_deadline_read_ms;
	bi->rt_deadline_write_ms = b->cfg.rt_deadline_write_ms;
	bi->guest_mem_bytes = b->cfg.guest_mem;
	bi->guest_vars = b->cfg.guest_vars;
	__builtin_memcpy(bi->guest_vars_guid, b->cfg.guest_vars_guid, 16);
	bi->fb = b->fb;
}

static EFI_STATUS boot_hypervisor(struct boot *b)
{
	struct pt_builder pt;
	EFI_STATUS st;

	st = read_config(b);
	if (EFI_ERROR(st))
		return st;
	st = check_cpu(b);
	if (EFI_ERROR(st))
		return st;
	st = read_hypervisor(b);
	if (!EFI_ERROR(st))
		st = efi_read_modules(b);	/* guest images, unvalidated */
	efi_close_volume(b);		/* the last file read of the boot */
	if (EFI_ERROR(st))
		return st;
	efi_gop_query(b);		/* before the pool is sized: it maps the framebuffer */
	st = efi_reserve(b);		/* image, stacks, boot info, pools */
	if (!EFI_ERROR(st))
		st = efi_trampoline_prepare(b);
	if (EFI_ERROR(st))
		return st;
	fill_bootinfo(b);
	b->bi->tsc[HV_TS_EFI_MAIN] = tsc_efi_main;
	b->bi->tsc[HV_TS_FILES_DONE] = cpu_rdtsc();
	efi_tables_collect(b);		/* ACPI, SMBIOS, MAT, RT properties, Secure Boot */
	st = check_hash(b);
	if (EFI_ERROR(st))
		return st;
	efi_check_module_pins(b);
	elf_load(b->elf_file, &b->img, (void *)(UINTN)b->image_pa);
#ifdef HVBOOT_BENCH
	efi_bench_native(b);		/* loader/efi_bench.c, bench builds only */
#endif

	st = efi_exit_boot_services(b);	/* prints its last line before exiting */
	if (EFI_ERROR(st))
		return st;
	/* From here on: no boot services, nothing to return to. */
	efi_rt_plan(b);
	build_tables(b, &pt);
	efi_rt_set_virtual(b);
	b->bi->fw_tsc = boot_fw_tsc;
	enter_hypervisor(b);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_STATUS status;

	struct boot *b;

	tsc_efi_main = cpu_rdtsc();
	/* gnu-efi's globals, without InitializeLib and the library it drags
	 * in (the loader must stay small: README, bench). */
	ST = st;
	BS = st->BootServices;
	RT = st->RuntimeServices;
	/* 10 KiB (the runtime plan): from pool, not the stack or the file. */
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, sizeof(*b),
					(void **)&b))) {
		con_printf("hvboot: out of memory for the boot context\n");
		return EFI_OUT_OF_RESOURCES;
	}
	__builtin_memset(b, 0, sizeof(*b));
	b->image_handle = image;
	b->st = st;
	b->cfg.log = HV_LOG_INFO;
	status = boot_hypervisor(b);
	efi_release(b);
	/* Only failures come back: say why once, give the firmware its turn. */
	if (b->msg[0])
		con_printf("hvboot: %s\n", b->msg);
	else
		con_printf("hvboot: boot failed (%s)\n", efi_status_str(status));
	uefi_call_wrapper(BS->FreePool, 1, b);
	return status;
}
