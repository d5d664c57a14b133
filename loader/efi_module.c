/* Guest images named by `module = NAME PATH` (README: Guests): each file
 * is read from the loader's volume into pages of type HV_MEM_MODULE and
 * listed in the boot info. Nothing here looks inside a file: guest images
 * are untrusted and the hypervisor validates them when it runs one. */
#include "efi_boot.h"
#include "fwinfo.h"
#include "layout.h"
#include "sha256.h"

/* One file into pages of type HV_MEM_MODULE, read there directly (a 14 MB
 * kernel is not copied a second time): *pa, *size. */
static EFI_STATUS read_one(struct boot *b, const char *path, const char *kind, const char *name,
			   uint64_t *pa_out, uint64_t *size_out)
{
	UINTN size = 0;
	EFI_STATUS st;

	st = efi_file_read_pages(b, path, HV_MEM_MODULE, kind, pa_out, &size);
	if (EFI_ERROR(st)) {
		char why[BOOT_MSG_MAX];

		__builtin_memcpy(why, b->msg, sizeof(why));
		return boot_fail(b, st, "%s %s: %s", kind, name, why);
	}
	*size_out = size;
	boot_log(b, HV_LOG_INFO, "hvboot: %s %s: %s, %lu KiB at 0x%lx\n", kind, name, path,
		 (uint64_t)(size + 1023) >> 10, *pa_out);
	return EFI_SUCCESS;
}

/* Each module, then its initrd (README: The ESP and the config). */
EFI_STATUS efi_read_modules(struct boot *b)
{
	for (uint32_t i = 0; i < b->cfg.nmodules; i++) {
		const struct cfg_module *m = &b->cfg.modules[i];
		EFI_STATUS st;

		st = read_one(b, m->path, "module", m->name, &b->module_pa[i], &b->module_size[i]);
		if (EFI_ERROR(st))
			return st;
		b->initrd_pa[i] = b->initrd_size[i] = 0;
		if (!m->initrd[0])
			continue;
		st = read_one(b, m->initrd, "initrd", m->name, &b->initrd_pa[i], &b->initrd_size[i]);
		if (EFI_ERROR(st))
			return st;
	}
	return EFI_SUCCESS;
}

/* README: Secure Boot: the unsigned config cannot widen what a guest may
 * do, so `write:` applies only to images whose SHA-256 `make sign` pinned
 * into this (signed) loader (build/gen/module_hashes.h). Hashed only when
 * the answer changes something: guest_vars = write and Secure Boot not
 * known to be off (the rule hv.elf's pin follows). */
void efi_check_module_pins(struct boot *b)
{
	static const uint8_t pins[][SHA256_DIGEST_SIZE] = HV_MODULE_SHA256S;
	uint8_t digest[SHA256_DIGEST_SIZE];
	uint64_t t0;

	b->bi->module_pinned = 0;
	if (b->cfg.guest_vars != HV_GUEST_VARS_WRITE || !fwinfo_hash_enforced(b->bi->secure_boot))
		return;
	t0 = cpu_rdtsc();
	for (uint32_t i = 0; i < b->cfg.nmodules; i++) {
		sha256((const void *)(UINTN)b->module_pa[i], b->module_size[i], digest);
		if (sha256_pinned(digest, pins, HV_MODULE_SHA256_COUNT))
			b->bi->module_pinned |= 1U << i;
		boot_log(b, HV_LOG_INFO, "hvboot: module %s: SHA-256 %s\n", b->cfg.modules[i].name,
			 b->bi->module_pinned & (1U << i) ? "pinned by this loader" :
			 "not pinned: guest_vars write applies as read");
	}
	b->bi->hash_tsc += cpu_rdtsc() - t0;
}
