/* The loader's glue: one boot context passed through the steps of
 * efi_main. Only efi_*.c include this (it pulls in gnu-efi).
 *
 * Errors in loader/, one convention per side:
 *  - The pure library (elf, cfg, memmap, rtwin, pt, hvmap, …) returns a
 *    reason: NULL on success, else a static string naming what was wrong,
 *    never printed there. Where a caller must tell reasons apart they are
 *    named constants (PT_ENOMEM in pt.h). A bool answers a question
 *    (memmap_is_ram) or says a parse succeeded (memmap_type_parse).
 *  - The glue (efi_*.c) returns EFI_STATUS. The first failure records its
 *    one line with boot_fail(); efi_main prints it once and returns
 *    EFI_LOAD_ERROR to the firmware. After ExitBootServices nothing can
 *    be returned: a failure is recorded in the boot info (rt_reason) or
 *    stops in efi_fatal on COM1. */
#ifndef HVBOOT_EFI_BOOT_H
#define HVBOOT_EFI_BOOT_H

#include <efi.h>
#include <efilib.h>
#include "bootinfo.h"
#include "cfg.h"
#include "elf.h"
#include "rtwin.h"
#include "memmap.h"
#include "pt.h"
#include "x86.h"

#define BOOT_MSG_MAX	256

struct boot {
	EFI_HANDLE image_handle;
	EFI_SYSTEM_TABLE *st;
	struct hv_config cfg;
	char msg[BOOT_MSG_MAX];		/* the one error line, printed by efi_main */

	/* hypervisor file and image */
	EFI_LOADED_IMAGE *li;		/* our own image (efi_file.c) */
	EFI_FILE_HANDLE root;		/* our volume, open while we read files */
	void *elf_file;
	UINTN elf_size;
	struct elf_image img;
	uint64_t image_pa;

	/* pages reserved before ExitBootServices */
	uint64_t stack_pa, rt_stack_pa, ist_pa, trampoline_pa;
	struct hv_bootinfo *bi;		/* at its physical address */
	uint64_t bi_pages;
	struct efi_mdesc *map_norm;	/* inside the boot-info pages */
	uint64_t map_norm_cap;
	void *map_raw;			/* firmware-format map buffer */
	UINTN map_raw_cap;
	UINTN map_size, map_key, desc_size;
	UINT32 desc_version;
	struct memmap_fixes map_fixes;	/* repairs logged before the final map */
	void *svam_buf;			/* runtime descriptors for SVAM */
	uint64_t pool_pa, pool_pages, pool_used;
	uint64_t module_pa[HV_MODULE_MAX], module_size[HV_MODULE_MAX];
	uint64_t initrd_pa[HV_MODULE_MAX], initrd_size[HV_MODULE_MAX];

	/* every page allocation, released if we give up before exiting */
	struct { uint64_t pa, npages; } allocs[16 + HV_MODULE_MAX];
	unsigned nallocs;

	/* firmware facts */
	uint32_t cpu_flags;
	struct rtwin_plan rt;		/* 10 KiB: struct boot comes from pool */
	struct hv_framebuffer fb;	/* GOP mode (efi_gop.c); format NONE: none */
	uint64_t rt_table_pa;
	struct efi_mdesc *mat;		/* the MAT copy (efi_tables.c), pa = va */
	bool mat_valid;
};

/* Records the failure in b->msg and returns st (nothing printed here). */
EFI_STATUS boot_fail(struct boot *b, EFI_STATUS st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void boot_log(const struct boot *b, enum hv_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* efi_con.c: ASCII text on ConOut (loader/fmt.c formats: the same code the
 * hypervisor uses, instead of gnu-efi's Print and its tables). */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);
/* "EFI_NOT_FOUND", or the number in hex for a status without a name. */
const char *efi_status_str(EFI_STATUS st);

/* TSC bookkeeping: firmware calls are bracketed so the loader's own cost
 * can be told apart (bench). */
extern uint64_t boot_fw_tsc;
#define FW(call) ({ uint64_t _t0 = cpu_rdtsc(); __auto_type _r = (call); \
		    boot_fw_tsc += cpu_rdtsc() - _t0; _r; })

/* efi_file.c */
EFI_STATUS efi_file_read(struct boot *b, const char *path, void **buf, UINTN *size);
/* The same, straight into pages of type (efi_alloc_pages; what names them)
 * rather than a pool copy: *pa, *size. */
EFI_STATUS efi_file_read_pages(struct boot *b, const char *path, UINT32 type, const char *what,
			       uint64_t *pa, UINTN *size);
void efi_own_dir(struct boot *b, char *out, UINTN cap);
void efi_close_volume(struct boot *b);

/* efi_module.c: `module` files into HV_MEM_MODULE pages */
EFI_STATUS efi_read_modules(struct boot *b);
/* … and which of them the signed loader pins (after the Secure Boot state
 * is known) */
void efi_check_module_pins(struct boot *b);

/* efi_alloc.c */
EFI_STATUS efi_alloc_pages(struct boot *b, UINT32 type, uint64_t npages, uint64_t max_pa,
			   uint64_t *pa, const char *what);
EFI_STATUS efi_reserve(struct boot *b);
EFI_STATUS efi_exit_boot_services(struct boot *b);
void efi_release(struct boot *b);

/* efi_trampoline.c: copy the trampoline into its page and make the page
 * executable (and read-only) under the firmware's tables. */
EFI_STATUS efi_trampoline_prepare(struct boot *b);

/* efi_tables.c */
void efi_tables_collect(struct boot *b);

/* efi_rt.c */
void efi_rt_plan(struct boot *b);
void efi_rt_set_virtual(struct boot *b);

/* efi_gop.c: the GOP framebuffer into b->fb, one log line */
void efi_gop_query(struct boot *b);

/* efi_bench.c (HVBOOT_BENCH builds): time runtime calls before exit */
void efi_bench_native(struct boot *b);

/* efi_serial.c: raw COM1 output, the only console after ExitBootServices */
void efi_serial_puts(const char *s);
void efi_serial_hex(uint64_t v);
void efi_fatal(const char *what, uint64_t detail) __attribute__((noreturn));

/* The layout to plan: identity under rt_compat = identity, else the
 * config's rt_layout. */
static inline enum hv_rt_layout efi_rt_layout(const struct boot *b)
{
	return b->cfg.rt_compat == HV_RT_COMPAT_IDENTITY ? HV_RT_LAYOUT_IDENTITY : b->cfg.rt_layout;
}

#endif
