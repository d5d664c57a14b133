/* The hypervisor's address space, as mappings: what the loader builds and
 * mapplan reports. Pure: feeds pt_map_range from a normalised memory map. */
#ifndef HVBOOT_HVMAP_H
#define HVBOOT_HVMAP_H

#include <stdint.h>
#include <stdbool.h>
#include "efi_mem.h"
#include "pt.h"
#include "rtwin.h"
#include "elf.h"

struct hvmap_input {
	const struct efi_mdesc *map;	/* normalised: sorted, 40-byte, no 0-page */
	uint64_t count;
	const struct elf_image *img;	/* NULL: no image (mapplan without one) */
	uint64_t image_pa;		/* where img->va_lo lives */
	uint64_t stack_pa, rt_stack_pa;	/* 0: not mapped */
	uint64_t ist_pa;		/* HV_IST_COUNT exception stacks; 0: none */
	uint64_t trampoline_pa;		/* 0: none */
	const struct rtwin_plan *rt;	/* NULL: runtime off */
	const struct efi_mdesc *mat;	/* Memory Attributes Table entries */
	uint32_t mat_count;
	uint64_t fb_pa, fb_size;	/* GOP framebuffer, at HV_FB_VA (hvmap_fb_flags)
					 * (page-aligned, at most HV_FB_MAX_SIZE);
					 * fb_size 0: none */
};

/* Which mapping failed, for the one error line. */
struct hvmap_error {
	const char *what;	/* "direct map", "runtime region", ... */
	uint64_t va, pa, len;
	const char *st;
};

const char *hvmap_build(struct pt_builder *b, const struct hvmap_input *in,
			   struct hvmap_error *err);

/* How the framebuffer is mapped: PT_MAP_W | PT_MAP_WC, or, where it lies
 * in RAM the direct map covers, that mapping's flags (one memory type per
 * page). */
unsigned hvmap_fb_flags(const struct hvmap_input *in);

/* Upper bound of the table pages hvmap_build can allocate for this input
 * (sizes the pool that must be reserved before ExitBootServices). */
uint64_t hvmap_pool_bound(const struct hvmap_input *in, bool allow_1g);

/* UEFI 2.10 §7.2: the attribute mask lists what the memory is *capable*
 * of, not how it must be mapped, and only for RAM types does WB there mean
 * WB is right: RAM without a WB capability is mapped UC.
 * EfiMemoryMappedIO and EfiMemoryMappedIOPortSpace are device registers:
 * many firmware builds report flash MMIO with 0x800000000000000F
 * (UC|WC|WT|WB|RUNTIME), and a WB map of it would let the CPU cache,
 * prefetch and write back device state (SDM Vol. 3A §12.3). They are UC
 * whatever the mask says. */
static inline unsigned hvmap_cache_flags(uint32_t type, uint64_t attr)
{
	if (type == EFI_MT_MMIO || type == EFI_MT_MMIO_PORT)
		return PT_MAP_UC;
	return (attr & EFI_MEMORY_WB) ? 0 : PT_MAP_UC;
}

/* Calls fn for each direct-map run: contiguous RAM of one cacheability
 * (hvmap_cache_flags), of any EFI RAM types. */
typedef const char *(*hvmap_run_fn)(void *ctx, uint64_t pa, uint64_t len, unsigned flags);
const char *hvmap_for_each_direct_run(const struct efi_mdesc *map, uint64_t count,
					 hvmap_run_fn fn, void *ctx);

#endif
