/* Runtime services across the switch: plan the window from the final map,
 * call SetVirtualAddressMap once in physical mode (UEFI 2.10 §8.4), then
 * check the converted runtime table before declaring runtime usable. Runs
 * after ExitBootServices: failures are recorded in the boot info (the
 * hypervisor reports them), never printed, and the boot goes on. */
#include "efi_boot.h"
#include "layout.h"
#include "memmap.h"
#include "rttable.h"
#include "fmt.h"

/* rt_reason = why [+ " 0x<detail>"]. fmt is pure, so it works after
 * ExitBootServices too. */
static void set_reason(struct boot *b, const char *why, uint64_t detail)
{
	if (detail == ~0ULL)
		fmt_snprintf(b->bi->rt_reason, HV_REASON_MAX, "%s", why);
	else
		fmt_snprintf(b->bi->rt_reason, HV_REASON_MAX, "%s 0x%llX", why,
			     (unsigned long long)detail);
}

static void rt_disable(struct boot *b, const char *why, uint64_t detail)
{
	b->bi->rt_state = HV_RT_DISABLED;
	set_reason(b, why, detail);
}

void efi_rt_plan(struct boot *b)
{
	struct hv_bootinfo *bi = b->bi;
	struct efi_mmap raw = { b->map_raw, b->map_size, b->desc_size };
	uint64_t ram_top = 0;
	const char *why;

	bi->rt_window_base = b->cfg.rt_window;
	bi->rt_state = HV_RT_DISABLED;
	if (!b->st->RuntimeServices) {
		rt_disable(b, "firmware has no runtime services table", ~0ULL);
		return;
	}
	if (!b->cfg.runtime) {
		rt_disable(b, "runtime = off in hvboot.cfg", ~0ULL);
		return;
	}
	why = rtwin_plan(&raw, b->cfg.rt_window, efi_rt_layout(b), &b->rt);
	if (why) {
		b->rt.count = 0;
		rt_disable(b, why, ~0ULL);
		return;
	}
	/* The window must not land inside the direct map's PML4 slots. */
	for (uint32_t i = 0; i < bi->memmap_count; i++)
		if (memmap_is_ram(b->map_norm[i].type))
			ram_top = b->map_norm[i].pa + (b->map_norm[i].npages << EFI_PAGE_SHIFT);
	why = rtwin_check_window(b->cfg.rt_window, ram_top);
	if (why) {
		b->rt.count = 0;
		rt_disable(b, why, ram_top);
		return;
	}
	bi->rt_state = HV_RT_ENABLED;
	bi->rt_layout = b->rt.layout;
	bi->rt_compat = b->cfg.rt_compat;
	bi->rt_region_count = b->rt.count;
	/* Quirk (Dell Edge Gateway BIOS): RuntimeServicesCode/Data without
	 * EFI_MEMORY_RUNTIME; mapped as runtime anyway (memmap_is_runtime). */
	if (b->rt.missing_bit)
		b->bi->quirks |= 1U << HV_QUIRK_RT_WITHOUT_RUNTIME_BIT;
	if (b->rt.missing_bit)
		set_reason(b, "warning: runtime code/data regions without EFI_MEMORY_RUNTIME:",
			   b->rt.missing_bit);
}

/* UEFI 2.10 §8.4: after SetVirtualAddressMap the table must hold the new
 * addresses; check it (rttable.c) before calling anything through it. */
static bool check_table(struct boot *b)
{
	uint64_t detail = ~0ULL, crc;
	const struct rt_region *home = rtwin_find_pa(&b->rt, b->rt_table_pa);
	const uint8_t *table = (const uint8_t *)(UINTN)b->rt_table_pa;
	const char *why = rttable_check(table, b->rt_table_pa, &b->rt, &b->bi->runtime_table_va,
					&detail, &b->bi->quirks);

	if (why) {
		rt_disable(b, why, detail);
		return false;
	}
	/* Quirk (any firmware whose table a driver patches): the header's
	 * CRC32 no longer matches after SetVirtualAddressMap. The table is
	 * still used: the pointers were checked above, and the hypervisor
	 * checks each again before every call. */
	if (rttable_crc_check(table, home->pa + (home->npages << EFI_PAGE_SHIFT) - b->rt_table_pa,
			      &crc))
		b->bi->quirks |= 1U << HV_QUIRK_RT_TABLE_CRC;
	return true;
}

/* rt_compat = alias: the window also mapped while SetVirtualAddressMap
 * runs.
 * Quirk (firmware patched by OpenCore's SetupVirtualMap): it uses its
 * new virtual addresses before the call returns, while the caller's tables
 * (still the firmware's own, UEFI 2.10 §8.4: physical mode) hold only the
 * old ones. The window's PML4 entry of the hypervisor's tables is lent to
 * the firmware's tables for the call, CR0.WP clear for the write since
 * firmware may map its page tables read-only (SDM Vol. 3A §4.6.1). Not
 * with 5-level paging, nor when the firmware uses that slot itself.
 * Returns the slot lent, or -1. */

static uint64_t *fw_pml4(void)
{
	uint64_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	return (uint64_t *)(UINTN)(cr3 & PTE_ADDR_MASK);
}

static void fw_pml4_write(unsigned slot, uint64_t v)
{
	uint64_t cr0, cr3;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~CR0_WP) : "memory");
	fw_pml4()[slot] = v;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");	/* flush */
}

static int window_lend(struct boot *b)
{
	const uint64_t *ours = (const uint64_t *)(UINTN)b->bi->pt_root_pa;
	unsigned slot = pt_index(b->bi->rt_window_base, 0);
	uint64_t cr4;

	if (b->cfg.rt_compat < HV_RT_COMPAT_ALIAS)
		return -1;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if ((cr4 & CR4_LA57) || (fw_pml4()[slot] & PTE_P) || !(ours[slot] & PTE_P))
		return -1;
	fw_pml4_write(slot, ours[slot]);
	return (int)slot;
}

void efi_rt_set_virtual(struct boot *b)
{
	struct hv_bootinfo *bi = b->bi;
	UINT8 *out = b->svam_buf;
	EFI_STATUS st;
	int lent;

	if (bi->rt_state != HV_RT_ENABLED)
		return;
	for (uint32_t i = 0; i < b->rt.count; i++) {
		const struct rt_region *r = &b->rt.r[i];
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)(out + (UINTN)i * b->desc_size);

		__builtin_memcpy(d, (UINT8 *)b->map_raw + (UINTN)r->desc_index * b->desc_size,
				 b->desc_size);
		d->VirtualStart = r->va;
		/* Publish the VirtualStart in the hypervisor's copy as well. */
		for (uint32_t k = 0; k < bi->memmap_count; k++)
			if (b->map_norm[k].pa == r->pa)
				b->map_norm[k].va = r->va;
	}
	lent = window_lend(b);
	bi->tsc[HV_TS_BEFORE_SVAM] = cpu_rdtsc();
	st = FW(uefi_call_wrapper(RT->SetVirtualAddressMap, 4, b->rt.count * b->desc_size,
				  b->desc_size, b->desc_version, (EFI_MEMORY_DESCRIPTOR *)out));
	bi->tsc[HV_TS_AFTER_SVAM] = cpu_rdtsc();
	if (lent >= 0)
		fw_pml4_write((unsigned)lent, 0);
	if (EFI_ERROR(st)) {
		rt_disable(b, "SetVirtualAddressMap failed, status", st);
		return;
	}
	check_table(b);
}
