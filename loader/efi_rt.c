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
	why = rtwin_plan(&raw, b->cfg.rt_window, b->cfg.rt_layout, &b->rt);
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
	bi->rt_region_count = b->rt.count;
	/* Quirk (Dell Edge Gateway BIOS): RuntimeServicesCode/Data without
	 * EFI_MEMORY_RUNTIME; mapped as runtime anyway (memmap_is_runtime). */
	if (b->rt.missing_bit)
		b->bi->quirks |= 1U << HV_QUIRK_RT_WITHOUT_RUNTIME_BIT;
	if (b->rt.missing_bit)
		set_reason(b, "warning: runtime code/data regions without EFI_MEMORY_RUNTIME:",
			   b->rt.missing_bit);
}

/* rt_inject = skip-reset: the page of ResetSystem's entry, left out of the
 * tables so that the first ResetSystem call faults inside firmware. Read
 * before SetVirtualAddressMap, while the pointer is still physical. */
uint64_t efi_rt_reset_hole(struct boot *b)
{
	const EFI_RUNTIME_SERVICES *rt = (const EFI_RUNTIME_SERVICES *)(UINTN)b->rt_table_pa;
	const struct rt_region *r;
	uint64_t pa;

	if (b->cfg.rt_inject != HV_RT_INJECT_SKIP_RESET || b->bi->rt_state != HV_RT_ENABLED)
		return 0;
	pa = (uint64_t)(UINTN)rt->ResetSystem & ~(uint64_t)(HV_PAGE_SIZE - 1);
	r = rtwin_find_pa(&b->rt, pa);
	if (!r)
		return 0;	/* `bootinfo` then shows no inject page */
	b->bi->rt_hole_va = r->va + (pa - r->pa);
	return pa;
}

/* UEFI 2.10 §8.4: after SetVirtualAddressMap the table must hold the new
 * addresses; check it (rttable.c) before calling anything through it. */
static bool check_table(struct boot *b)
{
	uint64_t detail = ~0ULL;
	const char *why = rttable_check((const uint8_t *)(UINTN)b->rt_table_pa, b->rt_table_pa,
					&b->rt, &b->bi->runtime_table_va, &detail,
					&b->bi->quirks);

	if (why)
		rt_disable(b, why, detail);
	return !why;
}

/* rt_inject = ud-varinfo / gp-gettime: overwrite a service's first bytes so
 * its next call raises #UD (UD2) or #GP (a load from a non-canonical
 * address, SDM Vol. 3A §6.15). Done after SetVirtualAddressMap, when no
 * relocation fixup can touch the bytes again, with CR0.WP clear because
 * firmware may map its runtime code read-only (SDM Vol. 3A §4.6.1). */
static void plant_trap(struct boot *b)
{
	static const uint8_t ud2[] = { 0x0F, 0x0B };
	/* mov al, [0x8000000000000000] (A0 moffs64) */
	static const uint8_t gp[] = { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0x80 };
	const EFI_RUNTIME_SERVICES *rt = (const EFI_RUNTIME_SERVICES *)(UINTN)b->rt_table_pa;
	const uint8_t *code;
	size_t len;
	uint64_t va, cr0;
	const struct rt_region *r;

	if (b->cfg.rt_inject == HV_RT_INJECT_UD_VARINFO) {
		va = (uint64_t)(UINTN)rt->QueryVariableInfo;
		code = ud2;
		len = sizeof(ud2);
	} else if (b->cfg.rt_inject == HV_RT_INJECT_GP_GETTIME) {
		va = (uint64_t)(UINTN)rt->GetTime;
		code = gp;
		len = sizeof(gp);
	} else {
		return;
	}
	r = rtwin_find_code_va(&b->rt, va);
	if (!r || va - r->va + len > r->npages << EFI_PAGE_SHIFT)
		return;		/* `bootinfo` then shows no trap */
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~(1ULL << 16)) : "memory");
	__builtin_memcpy((void *)(UINTN)(r->pa + (va - r->va)), code, len);
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	b->bi->rt_trap_va = va;
}

void efi_rt_set_virtual(struct boot *b)
{
	struct hv_bootinfo *bi = b->bi;
	UINT8 *out = b->svam_buf;
	EFI_STATUS st;

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
	bi->tsc[HV_TS_BEFORE_SVAM] = rdtsc();
	st = FW(uefi_call_wrapper(RT->SetVirtualAddressMap, 4, b->rt.count * b->desc_size,
				  b->desc_size, b->desc_version, (EFI_MEMORY_DESCRIPTOR *)out));
	bi->tsc[HV_TS_AFTER_SVAM] = rdtsc();
	if (EFI_ERROR(st)) {
		rt_disable(b, "SetVirtualAddressMap failed, status", st);
		return;
	}
	if (check_table(b))
		plant_trap(b);
}
