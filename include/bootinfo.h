/* The loader → hypervisor handoff (ABI). Fixed-width fields, explicit
 * padding, every location stored as both pa and va so neither side has to
 * guess which address space a field belongs to, and a named value for every
 * enumerated field. The hypervisor refuses a magic, version or size it does
 * not know. The _Static_asserts at the end pin the size and the offset of
 * every field group: a change of layout fails to compile until the version
 * is bumped and the asserts are updated with it. */
#ifndef HVBOOT_BOOTINFO_H
#define HVBOOT_BOOTINFO_H

#include <stdint.h>
#include "efi_mem.h"

#define HV_BOOTINFO_MAGIC	0x4F464E4942564821ULL	/* "!HVBINFO" */
#define HV_BOOTINFO_VERSION	12

#define HV_CMDLINE_MAX		256
#define HV_REASON_MAX		128
/* Memory Attributes Table entries the loader copies at most (UEFI 2.10
 * §4.6.4 sets no bound; 2.5 MiB of copy is far beyond any real table). */
#define HV_MAT_MAX		65536

/* A region of the loader's allocations, as it is mapped for the hypervisor. */
struct hv_region {
	uint64_t pa;
	uint64_t va;
	uint64_t size_bytes;
};

/* TSC stamps (bench: loader cost vs time spent in firmware). */
enum hv_stamp {
	HV_TS_EFI_MAIN,		/* first thing in efi_main */
	HV_TS_FILES_DONE,	/* config + ELF read */
	HV_TS_BEFORE_EBS,	/* just before the final GetMemoryMap/ExitBootServices */
	HV_TS_AFTER_EBS,
	HV_TS_BEFORE_SVAM,
	HV_TS_AFTER_SVAM,
	HV_TS_TRAMPOLINE,	/* written by the trampoline after the CR3 switch */
	HV_TS_HV_ENTRY,		/* written by the hypervisor's first C code */
	HV_TS_COUNT
};

enum hv_rt_state {
	HV_RT_DISABLED = 0,	/* see rt_reason */
	HV_RT_ENABLED = 1,
};

/* hvboot.cfg `rt_compat`: how much the firmware is trusted to have
 * converted its pointers (README "Runtime services after boot"). */
enum hv_rt_compat {
	HV_RT_COMPAT_NONE = 0,		/* the window only */
	HV_RT_COMPAT_HEAL = 1,		/* 1:1 aliases added where a call faults */
	HV_RT_COMPAT_ALIAS = 2,		/* 1:1 aliases from the start, and in SVAM */
	HV_RT_COMPAT_IDENTITY = 3,	/* VirtualStart = PhysicalStart */
	HV_RT_COMPAT_COUNT
};

static inline const char *hv_rt_compat_name(uint32_t v)
{
	switch (v) {
	case HV_RT_COMPAT_NONE:		return "none";
	case HV_RT_COMPAT_HEAL:		return "heal";
	case HV_RT_COMPAT_ALIAS:	return "alias";
	case HV_RT_COMPAT_IDENTITY:	return "identity";
	default:			return "?";
	}
}

/* Where runtime regions land in the window (hvboot.cfg `rt_layout`, the
 * planner in loader/rtwin.c and the boot info share this one enum). */
enum hv_rt_layout {
	HV_RT_LAYOUT_OFFSET = 0,	/* VirtualStart = window + PhysicalStart */
	HV_RT_LAYOUT_COMPACT = 1,	/* packed top-down, offsets in 2 MiB kept */
	HV_RT_LAYOUT_IDENTITY = 2,	/* VirtualStart = PhysicalStart (rt_compat) */
};

static inline const char *hv_rt_layout_name(uint32_t v)
{
	return v == HV_RT_LAYOUT_COMPACT ? "compact" : v == HV_RT_LAYOUT_OFFSET ? "offset"
		: v == HV_RT_LAYOUT_IDENTITY ? "identity" : "?";
}

/* hvboot.cfg `log`. */
enum hv_log_level {
	HV_LOG_QUIET = 0,
	HV_LOG_INFO = 1,
	HV_LOG_DEBUG = 2,
};

static inline const char *hv_log_level_name(uint32_t v)
{
	return v == HV_LOG_QUIET ? "quiet" : v == HV_LOG_INFO ? "info" : v == HV_LOG_DEBUG ? "debug" : "?";
}

/* The SecureBoot variable as the loader read it (UEFI 2.10 §3.3). */
enum hv_secure_boot {
	HV_SECURE_BOOT_OFF = 0,
	HV_SECURE_BOOT_ON = 1,
	HV_SECURE_BOOT_UNKNOWN = 2,	/* unreadable, or not one byte */
};

static inline const char *hv_secure_boot_name(uint32_t v)
{
	return v == HV_SECURE_BOOT_OFF ? "off" : v == HV_SECURE_BOOT_ON ? "on" : "unknown";
}

/* Bench builds only: the runtime calls the loader times before
 * ExitBootServices (index of bench_native[]). */
enum hv_bench_call {
	HV_BENCH_GET_VARIABLE,
	HV_BENCH_SET_VARIABLE,
	HV_BENCH_GET_TIME,
	HV_BENCH_QUERY_VARIABLE_INFO,
	HV_BENCH_COUNT
};

/* hvboot.cfg `guest_vars`: what guests may do with EFI variables. */
enum hv_guest_vars {
	HV_GUEST_VARS_NONE = 0,		/* nothing */
	HV_GUEST_VARS_READ = 1,		/* read, list, query */
	HV_GUEST_VARS_WRITE = 2,	/* read all; write guest_vars_guid's only */
};

static inline const char *hv_guest_vars_name(uint32_t v)
{
	return v == HV_GUEST_VARS_NONE ? "none" : v == HV_GUEST_VARS_READ ? "read" :
	       v == HV_GUEST_VARS_WRITE ? "write" : "?";
}

#define HV_MODULE_MAX		8
#define HV_MODULE_NAME_MAX	32	/* including the NUL */
#define HV_MODULE_ARGS_MAX	256	/* including the NUL */
#define HV_GUEST_MEM_DEFAULT	(64ULL << 20)
#define HV_GUEST_MEM_MAX	(64ULL << 30)

/* hvboot.cfg rt_watchdog defaults and bounds (README: The ESP and the
 * config, "Runtime-call deadlines" says why these figures). */
#define HV_RT_DEADLINE_READ_MS_DEFAULT	10000U
#define HV_RT_DEADLINE_WRITE_MS_DEFAULT	60000U
#define HV_RT_DEADLINE_MS_MIN		100U
#define HV_RT_DEADLINE_MS_MAX		600000U

/* A file `module = NAME PATH` named, as the loader read it into memory of
 * type HV_MEM_MODULE (reached through the direct map). */
struct hv_module {
	char name[HV_MODULE_NAME_MAX];	/* NUL-terminated */
	uint64_t pa;
	uint64_t size_bytes;		/* the file's size */
};

/* What the per-module keys add to module i (modules[i]): `initrd =
 * NAME PATH` read like the module itself (pa 0 and size 0 when none),
 * `guest_mem = NAME SIZE` (0: guest_mem_bytes), `args = NAME TEXT`. */
struct hv_module_ext {
	uint64_t initrd_pa;
	uint64_t initrd_size_bytes;	/* the file's size */
	uint64_t guest_mem_bytes;
	char args[HV_MODULE_ARGS_MAX];	/* NUL-terminated; empty: none */
};

/* cpu_flags: what the loader found the CPU to support. */
#define HV_CPU_NX	(1U << 0)
#define HV_CPU_1G	(1U << 1)
#define HV_CPU_PCID	(1U << 2)
#define HV_CPU_MCE	(1U << 3)

/* Firmware quirks hvboot works around (loader/quirks.c names each:
 * firmware, symptom, what hvboot does). The loader sets in quirks the bits
 * of those it detects: RT_WITHOUT_RUNTIME_BIT, SVAM_POINTERS_PHYSICAL,
 * MAT_IN_BOOT_SERVICES_DATA, FRESH_PAGES_NX, RT_PROPERTIES_UNREADABLE,
 * RT_TABLE_CRC. The
 * hypervisor finds PHYSICAL_POINTER_AT_RUNTIME, BOOT_SERVICES_MEMORY_AT_RUNTIME
 * and PAGE0_AT_RUNTIME when rt_compat = heal heals a fault. The others are
 * worked around whether or not the firmware has them, and never recorded.
 * New values go at the end: the bits are ABI. */
enum hv_quirk {
	HV_QUIRK_RT_WITHOUT_RUNTIME_BIT,
	HV_QUIRK_SVAM_POINTERS_PHYSICAL,
	HV_QUIRK_MAT_IN_BOOT_SERVICES_DATA,
	HV_QUIRK_FRESH_PAGES_NX,
	HV_QUIRK_RT_PROPERTIES_UNREADABLE,
	HV_QUIRK_PHYSICAL_POINTER_AT_RUNTIME,
	HV_QUIRK_BOOT_SERVICES_MEMORY_AT_RUNTIME,
	HV_QUIRK_PAGE0_AT_RUNTIME,
	HV_QUIRK_RT_TABLE_CRC,
	HV_QUIRK_GETVAR_ATTRS_ONLY_ON_SUCCESS,
	HV_QUIRK_DATA_PAGES_NX,
	HV_QUIRK_SVAM_USES_NEW_VA,
	HV_QUIRK_COUNT
};

/* The control registers, EFER and PAT the loader set at the switch
 * (loader/cpustate.c; README: CPU state). */
struct hv_cpu_state {
	uint64_t cr0, cr4, efer, pat;
};

/* The GOP mode the firmware left set (UEFI 2.10 §12.9,
 * EFI_GRAPHICS_OUTPUT_MODE_INFORMATION), with 0 for "no framebuffer" so
 * that a zeroed group reads as none. */
enum hv_fb_format {
	HV_FB_NONE = 0,		/* no GOP, or PixelBltOnly */
	HV_FB_RGBX = 1,		/* PixelRedGreenBlueReserved8BitPerColor: byte 0 red */
	HV_FB_BGRX = 2,		/* PixelBlueGreenRedReserved8BitPerColor: byte 0 blue */
	HV_FB_BITMASK = 3,	/* PixelBitMask: the four masks say */
};

static inline const char *hv_fb_format_name(uint32_t v)
{
	switch (v) {
	case HV_FB_NONE:	return "none";
	case HV_FB_RGBX:	return "rgbx";
	case HV_FB_BGRX:	return "bgrx";
	case HV_FB_BITMASK:	return "bitmask";
	default:		return "?";
	}
}

/* The framebuffer, mapped write-combining at va (HV_FB_VA) when format is
 * not HV_FB_NONE. A pixel is at pa + 4 * (y * stride_pixels + x) for the
 * 8-bit-per-colour formats; for HV_FB_BITMASK its size is the bytes the
 * highest mask bit needs. The masks are filled for every format. */
struct hv_framebuffer {
	uint64_t pa;			/* FrameBufferBase */
	uint64_t va;
	uint64_t size_bytes;		/* FrameBufferSize */
	uint32_t width, height;		/* HorizontalResolution, VerticalResolution */
	uint32_t stride_pixels;		/* PixelsPerScanLine */
	uint32_t format;		/* enum hv_fb_format */
	uint32_t mask_red, mask_green, mask_blue, mask_reserved;
};

/* Bytes per pixel: 4 for the 8-bit-per-colour formats; for PixelBitMask
 * the bytes the highest mask bit needs (UEFI 2.10 §12.9.1). */
static inline uint32_t hv_fb_bytes_per_pixel(const struct hv_framebuffer *fb)
{
	uint32_t all = fb->mask_red | fb->mask_green | fb->mask_blue | fb->mask_reserved;
	uint32_t bits = 0;

	while (bits < 32 && (all >> bits))
		bits++;
	return bits ? (bits + 7) / 8 : 4;
}

struct hv_bootinfo {
	uint64_t magic;
	uint32_t version;
	uint32_t size_bytes;		/* sizeof(struct hv_bootinfo) */

	struct hv_region self;		/* this structure */
	struct hv_region image;		/* hypervisor segments (one contiguous span) */
	struct hv_region stack;		/* hypervisor stack (va = lowest mapped byte) */
	struct hv_region rt_stack;	/* runtime-call stack */
	struct hv_region pt_pool;	/* page-table pool (va = direct map) */
	uint64_t pt_root_pa;		/* CR3 */
	uint64_t pt_pages_used;		/* pages of pt_pool the loader used */
	uint64_t trampoline_pa;		/* identity page; the hypervisor drops it */
	uint64_t direct_map_base;
	uint64_t entry_va;

	/* Final memory map (the one ExitBootServices accepted), normalised to
	 * 40-byte descriptors, VirtualStart filled for runtime regions. */
	struct hv_region memmap;
	uint32_t memmap_count;
	uint32_t memmap_desc_size;	/* the firmware's DescriptorSize */

	/* Firmware tables. */
	uint64_t system_table_pa;
	uint64_t runtime_table_pa;
	uint64_t runtime_table_va;	/* after SetVirtualAddressMap */
	uint64_t acpi_rsdp_pa;		/* ACPI 2.0+ RSDP, else ACPI 1.0, else 0 */
	uint64_t smbios_pa;		/* SMBIOS 2.x entry point or 0 */
	uint64_t smbios3_pa;		/* SMBIOS 3.x entry point or 0 */
	uint32_t fw_revision;
	uint32_t uefi_revision;
	uint16_t fw_vendor[32];		/* UTF-16, NUL-terminated, truncated */

	/* Runtime services. */
	uint32_t rt_state;		/* enum hv_rt_state */
	uint32_t rt_layout;		/* enum hv_rt_layout, the one used */
	uint64_t rt_window_base;
	uint32_t rt_supported;		/* EFI_RT_PROPERTIES_TABLE mask */
	uint32_t rt_has_properties;	/* 1 if the firmware published it */
	uint32_t rt_region_count;
	uint32_t mat_count;		/* Memory Attributes Table entries copied */
	struct hv_region mat;		/* the copy: mat_count 40-byte descriptors */
	char rt_reason[HV_REASON_MAX];	/* why rt_state is DISABLED */

	/* Security. */
	uint32_t secure_boot;		/* enum hv_secure_boot */
	uint32_t hv_hash_checked;	/* 1 if hv.elf matched the pinned SHA-256 */

	char cmdline[HV_CMDLINE_MAX];
	uint32_t log_level;		/* enum hv_log_level */
	uint32_t cpu_flags;		/* HV_CPU_* */

	uint64_t tsc[HV_TS_COUNT];
	uint64_t fw_tsc;		/* TSC cycles spent inside firmware calls */
	uint64_t hash_tsc;		/* TSC cycles spent hashing hv.elf */

	/* Bench builds only (HVBOOT_BENCH): cycles of one runtime call made by
	 * the loader before ExitBootServices, to compare with the same call
	 * from the hypervisor. Index: enum hv_bench_call. 0 = not measured. */
	uint64_t bench_native[HV_BENCH_COUNT];

	/* CPU state (version 3). */
	struct hv_cpu_state cpu;

	/* Firmware quirks (version 4). */
	uint32_t quirks;		/* 1 << enum hv_quirk, for each that fired */
	uint32_t quirks_pad;

	/* Guests (version 6). */
	uint32_t module_count;
	uint32_t guest_vars;		/* enum hv_guest_vars */
	uint64_t guest_mem_bytes;	/* hvboot.cfg guest_mem */
	uint8_t guest_vars_guid[16];	/* HV_GUEST_VARS_WRITE: EFI_GUID bytes */
	struct hv_module modules[HV_MODULE_MAX];

	/* GOP framebuffer (version 7). */
	struct hv_framebuffer fb;

	/* The runtime compatibility rung (version 8). */
	uint32_t rt_compat;		/* enum hv_rt_compat */
	uint32_t rt_compat_pad;

	/* Guest images the signed loader pins (version 9; README: Secure
	 * Boot): bit i set if modules[i]'s SHA-256 is one the build pinned.
	 * Checked only when it matters (guest_vars write, Secure Boot not
	 * known to be off); 0 otherwise. */
	uint32_t module_pinned;
	uint32_t module_pinned_pad;
	/* Runtime-call deadlines, hvboot.cfg rt_watchdog (version 10): how
	 * long a read / a write service may run before it is abandoned
	 * (rt/rt_deadline.c says which is which); both 0: no watchdog. */
	uint32_t rt_deadline_read_ms;
	uint32_t rt_deadline_write_ms;
	/* The exception stacks (version 11): HV_IST_COUNT stacks of
	 * HV_IST_STACK_SIZE, contiguous at pa; va = HV_IST_BOTTOM_VA(1), the
	 * others at HV_IST_STRIDE steps, a guard page below each. */
	struct hv_region ist;

	/* Per-module initrd, memory and args (version 12), by module index. */
	struct hv_module_ext module_ext[HV_MODULE_MAX];
};

/* Layout of version 12. Changing any of these means a new layout: bump
 * HV_BOOTINFO_VERSION and write the new offsets here. */
#define HV_BI_OFFSET(f)	__builtin_offsetof(struct hv_bootinfo, f)
_Static_assert(HV_BOOTINFO_VERSION == 12, "offsets below are version 12's");
_Static_assert(sizeof(struct hv_region) == 24, "hv_region is pa, va, size");
_Static_assert(HV_BI_OFFSET(magic) == 0 && HV_BI_OFFSET(version) == 8 &&
	       HV_BI_OFFSET(size_bytes) == 12, "header");
_Static_assert(HV_BI_OFFSET(self) == 16, "regions");
_Static_assert(HV_BI_OFFSET(memmap) == 176, "memory map");
_Static_assert(HV_BI_OFFSET(system_table_pa) == 208 && HV_BI_OFFSET(fw_vendor) == 264,
	       "firmware tables");
_Static_assert(HV_BI_OFFSET(rt_state) == 328 && HV_BI_OFFSET(mat) == 360 &&
	       HV_BI_OFFSET(rt_reason) == 384, "runtime services");
_Static_assert(HV_BI_OFFSET(secure_boot) == 512, "security");
_Static_assert(HV_BI_OFFSET(cmdline) == 520 && HV_BI_OFFSET(log_level) == 776, "command line");
_Static_assert(HV_BI_OFFSET(tsc) == 784 && HV_BI_OFFSET(fw_tsc) == 848, "timestamps");
_Static_assert(HV_BI_OFFSET(bench_native) == 864, "bench");
_Static_assert(HV_BI_OFFSET(cpu) == 896 && sizeof(struct hv_cpu_state) == 32, "cpu state");
_Static_assert(HV_BI_OFFSET(quirks) == 928, "quirks");
_Static_assert(HV_QUIRK_COUNT <= 32, "quirks is a 32-bit mask");
_Static_assert(sizeof(struct hv_module) == 48, "hv_module is name, pa, size");
_Static_assert(HV_BI_OFFSET(module_count) == 936 && HV_BI_OFFSET(guest_vars) == 940 &&
	       HV_BI_OFFSET(guest_mem_bytes) == 944 && HV_BI_OFFSET(guest_vars_guid) == 952 &&
	       HV_BI_OFFSET(modules) == 968, "guests");
_Static_assert(HV_BI_OFFSET(fb) == 1352 && sizeof(struct hv_framebuffer) == 56, "framebuffer");
_Static_assert(HV_BI_OFFSET(rt_compat) == 1408, "runtime compatibility");
_Static_assert(HV_BI_OFFSET(module_pinned) == 1416, "module pins");
_Static_assert(HV_MODULE_MAX <= 32, "module_pinned is a 32-bit mask");
_Static_assert(HV_BI_OFFSET(rt_deadline_read_ms) == 1424 &&
	       HV_BI_OFFSET(rt_deadline_write_ms) == 1428, "runtime-call deadlines");
_Static_assert(HV_BI_OFFSET(ist) == 1432, "exception stacks");
_Static_assert(HV_BI_OFFSET(module_ext) == 1456 && sizeof(struct hv_module_ext) == 280,
	       "per-module extras");
_Static_assert(sizeof(struct hv_bootinfo) == 3696, "size of version 12");
#undef HV_BI_OFFSET

#endif
