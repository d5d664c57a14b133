/* Guest images named by `module = NAME PATH` (README: Guests): each file
 * is read from the loader's volume into pages of type HV_MEM_MODULE and
 * listed in the boot info. Nothing here looks inside a file: guest images
 * are untrusted and the hypervisor validates them when it runs one. */
#include "efi_boot.h"
#include "layout.h"

EFI_STATUS efi_read_modules(struct boot *b)
{
	for (uint32_t i = 0; i < b->cfg.nmodules; i++) {
		const struct cfg_module *m = &b->cfg.modules[i];
		void *file = NULL;
		UINTN size = 0;
		uint64_t pa;
		EFI_STATUS st;

		st = efi_file_read(b, m->path, &file, &size);
		if (EFI_ERROR(st)) {
			char why[BOOT_MSG_MAX];

			__builtin_memcpy(why, b->msg, sizeof(why));
			return boot_fail(b, st, "module %s: %s", m->name, why);
		}
		st = efi_alloc_pages(b, HV_MEM_MODULE, (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE + !size,
				     0, &pa, "module");
		if (!EFI_ERROR(st))
			__builtin_memcpy((void *)(UINTN)pa, file, size);
		FW(uefi_call_wrapper(BS->FreePool, 1, file));
		if (EFI_ERROR(st))
			return st;
		b->module_pa[i] = pa;
		b->module_size[i] = size;
		boot_log(b, HV_LOG_INFO, "hvboot: module %s: %s, %lu KiB at 0x%lx\n", m->name, m->path,
			 (uint64_t)(size + 1023) >> 10, pa);
	}
	return EFI_SUCCESS;
}
