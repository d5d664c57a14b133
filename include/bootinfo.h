/* The loader → hypervisor handoff (ABI). Fixed-width fields, explicit
 * padding, every location stored as both pa and va so neither side has to
 * guess which address space a field belongs to. Bump the version on any
 * change of layout; the hypervisor refuses a magic or version it does not
 * know. */
#ifndef HVBOOT_BOOTINFO_H
#define HVBOOT_BOOTINFO_H

#include <stdint.h>
#include "efi_mem.h"

#define HV_BOOTINFO_MAGIC	0x4F464E4942564821ULL	/* "!HVBINFO" */
#define HV_BOOTINFO_VERSION	1

#define HV_CMDLINE_MAX		256
#define HV_REASON_MAX		128
#define HV_MAT_MAX		128	/* Memory Attributes Table entries kept */

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

enum hv_rt_layout {
	HV_RT_LAYOUT_OFFSET = 0,
	HV_RT_LAYOUT_COMPACT = 1,
};

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
	uint32_t rt_layout;		/* enum hv_rt_layout used */
	uint64_t rt_window_base;
	uint32_t rt_supported;		/* EFI_RT_PROPERTIES_TABLE mask */
	uint32_t rt_has_properties;	/* 1 if the firmware published it */
	uint32_t rt_region_count;
	uint32_t mat_count;		/* Memory Attributes Table entries copied */
	struct efi_mdesc mat[HV_MAT_MAX];
	char rt_reason[HV_REASON_MAX];	/* why rt_state is DISABLED */
	char rt_inject[16];		/* config rt_inject ("none", "skip-mmio",
					 * "skip-reset", "ud-varinfo", "gp-gettime") */
	uint64_t rt_hole_va;		/* skip-reset: the page of ResetSystem's
					 * entry left unmapped; 0: none */
	uint64_t rt_trap_va;		/* ud-varinfo, gp-gettime: the service
					 * entry overwritten with a trap; 0: none */

	/* Security. */
	uint32_t secure_boot;		/* 0 off, 1 on, 2 unknown */
	uint32_t hv_hash_checked;	/* 1 if hv.elf matched the pinned SHA-256 */

	char cmdline[HV_CMDLINE_MAX];
	uint32_t log_level;		/* 0 quiet, 1 info, 2 debug */
	uint32_t cpu_flags;		/* HV_CPU_* */

	uint64_t tsc[HV_TS_COUNT];
	uint64_t fw_tsc;		/* TSC cycles spent inside firmware calls */
	uint64_t hash_tsc;		/* TSC cycles spent hashing hv.elf */

	/* Bench builds only (HVBOOT_BENCH): cycles of one runtime call made by
	 * the loader before ExitBootServices, to compare with the same call
	 * from the hypervisor. Index: enum hv_bench_call. 0 = not measured. */
	uint64_t bench_native[4];
};

enum hv_bench_call { HV_BENCH_GET_VARIABLE, HV_BENCH_SET_VARIABLE, HV_BENCH_GET_TIME,
		     HV_BENCH_QUERY_VARIABLE_INFO };

#define HV_CPU_NX	(1U << 0)
#define HV_CPU_1G	(1U << 1)
#define HV_CPU_PCID	(1U << 2)

_Static_assert(sizeof(struct hv_bootinfo) % 8 == 0, "bootinfo is 8-byte padded");
_Static_assert(__builtin_offsetof(struct hv_bootinfo, self) == 16, "bootinfo header is 16 bytes");

#endif
