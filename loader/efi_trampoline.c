/* The trampoline page: the one page both the firmware's tables and ours
 * map at its physical address (README: What happens at boot). Copied and
 * made read-only and executable before ExitBootServices, while the
 * firmware can still change its own mappings.
 *
 * Firmware that follows the memory-protection rules of recent EDK2 maps
 * newly allocated pages NX, LoaderCode included, and offers
 * EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, "EFI Memory Attribute
 * Protocol") to change that; without it the jump into the trampoline would
 * fault under the firmware's tables, after the point of no return. Where
 * the protocol is absent (OVMF 2022.11) LoaderCode is executable. */
#include "efi_boot.h"

#include "layout.h"
#include "efi_mem.h"

struct memattr_protocol {
	EFI_STATUS (EFIAPI *get)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				 UINT64 length, UINT64 *attributes);
	EFI_STATUS (EFIAPI *set)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				 UINT64 length, UINT64 attributes);
	EFI_STATUS (EFIAPI *clear)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				   UINT64 length, UINT64 attributes);
};

static EFI_GUID memattr_guid = {
	0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 }
};

extern const uint8_t trampoline_start[], trampoline_end[];

EFI_STATUS efi_trampoline_prepare(struct boot *b)
{
	struct memattr_protocol *ma = NULL;
	UINT64 attrs = 0;
	EFI_STATUS st;

	__builtin_memcpy((void *)(UINTN)b->trampoline_pa, trampoline_start,
			 (UINTN)(trampoline_end - trampoline_start));
	st = FW(uefi_call_wrapper(BS->LocateProtocol, 3, &memattr_guid, NULL, (void **)&ma));
	if (EFI_ERROR(st) || !ma) {
		boot_log(b, HV_LOG_DEBUG, "hvboot: no EFI_MEMORY_ATTRIBUTE_PROTOCOL: trampoline "
			 "0x%lx left as allocated (LoaderCode)\n", b->trampoline_pa);
		return EFI_SUCCESS;
	}
	/* Quirk (EDK2 with strict memory protection): fresh pages, LoaderCode
	 * included, are NX; recorded when the firmware says so. */
	if (!EFI_ERROR(FW(uefi_call_wrapper(ma->get, 4, ma, b->trampoline_pa, HV_PAGE_SIZE,
					     &attrs))) && (attrs & EFI_MEMORY_XP))
		b->bi->quirks |= 1U << HV_QUIRK_FRESH_PAGES_NX;
	st = FW(uefi_call_wrapper(ma->clear, 4, ma, b->trampoline_pa, HV_PAGE_SIZE,
				  EFI_MEMORY_XP));
	if (EFI_ERROR(st))
		return boot_fail(b, st, "cannot make the trampoline page 0x%lx executable "
				 "(EFI_MEMORY_ATTRIBUTE_PROTOCOL: %s)", b->trampoline_pa,
				 efi_status_str(st));
	/* Read-only is defence, not a need: a firmware that refuses it
	 * leaves the page writable and executable until our CR3 switch. */
	st = FW(uefi_call_wrapper(ma->set, 4, ma, b->trampoline_pa, HV_PAGE_SIZE, EFI_MEMORY_RO));
	boot_log(b, HV_LOG_INFO, "hvboot: trampoline 0x%lx made %s (EFI_MEMORY_ATTRIBUTE_PROTOCOL)\n",
		 b->trampoline_pa, EFI_ERROR(st) ? "executable, still writable" : "read-only, executable");
	return EFI_SUCCESS;
}
