/* Reading the loader's handoff (include/bootinfo.h). */
#include "hv.h"

#include "layout.h"
#include "loader/memmap.h"

struct hv_bootinfo *hv_bi;

const char *bootinfo_check(const struct hv_bootinfo *bi)
{
	if (!bi)
		return "no boot info (rdi was 0)";
	if (bi->magic != HV_BOOTINFO_MAGIC)
		return "bad magic (not a hvboot boot info)";
	if (bi->version != HV_BOOTINFO_VERSION)
		return "unsupported version";
	if (bi->size_bytes != sizeof(struct hv_bootinfo))
		return "size does not match this hypervisor's struct hv_bootinfo";
	if (bi->direct_map_base != HV_DIRECT_MAP_BASE)
		return "direct map is not at HV_DIRECT_MAP_BASE";
	if (bi->memmap_count && bi->memmap.size_bytes / sizeof(struct efi_mdesc) < bi->memmap_count)
		return "memory map count exceeds its buffer";
	if (bi->module_count > HV_MODULE_MAX)
		return "more modules than HV_MODULE_MAX";
	return NULL;
}

const struct efi_mdesc *bootinfo_memmap(const struct hv_bootinfo *bi, size_t *count)
{
	*count = bi->memmap.va ? bi->memmap_count : 0;
	return (const struct efi_mdesc *)(uintptr_t)bi->memmap.va;
}

uint64_t bootinfo_ram_bytes(const struct hv_bootinfo *bi)
{
	size_t n;
	const struct efi_mdesc *d = bootinfo_memmap(bi, &n);
	uint64_t pages = 0;

	for (size_t i = 0; i < n; i++)
		if (memmap_is_ram(d[i].type))
			pages += d[i].npages;
	return pages << EFI_PAGE_SHIFT;
}

const char *bootinfo_stamp_name(unsigned stamp)
{
	static const char *const names[HV_TS_COUNT] = {
		[HV_TS_EFI_MAIN] = "efi_main",
		[HV_TS_FILES_DONE] = "files_done",
		[HV_TS_BEFORE_EBS] = "before_ebs",
		[HV_TS_AFTER_EBS] = "after_ebs",
		[HV_TS_BEFORE_SVAM] = "before_svam",
		[HV_TS_AFTER_SVAM] = "after_svam",
		[HV_TS_TRAMPOLINE] = "trampoline",
		[HV_TS_HV_ENTRY] = "hv_entry",
	};

	return stamp < HV_TS_COUNT ? names[stamp] : "?";
}
