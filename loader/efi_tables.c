/* Firmware facts for the boot info, gathered before ExitBootServices:
 * configuration tables (UEFI 2.10 §4.6), the Memory Attributes Table
 * (copied: see the quirk at copy_mat), the
 * RT properties table, and the Secure Boot state (§32.3.1). */
#include "efi_boot.h"
#include "fwinfo.h"
#include "layout.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;
static EFI_GUID smbios_guid = SMBIOS_TABLE_GUID;
static EFI_GUID smbios3_guid = SMBIOS3_TABLE_GUID;
static EFI_GUID mat_guid = { 0xdcfa911d, 0x26eb, 0x469f,
			     { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };
static EFI_GUID rt_props_guid = { 0xeb66918a, 0x7eef, 0x402a,
				  { 0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9 } };

struct mat_header {		/* EFI_MEMORY_ATTRIBUTES_TABLE, §4.6.4 */
	UINT32 version;
	UINT32 count;
	UINT32 desc_size;
	UINT32 flags;
};


static bool guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	const UINT8 *x = (const UINT8 *)a, *y = (const UINT8 *)b;

	for (UINTN i = 0; i < sizeof(*a); i++)	/* libefi has no memcmp */
		if (x[i] != y[i])
			return false;
	return true;
}

/* Quirk (EDK2, OVMF 2022.11): the Memory Attributes Table lives in
 * EfiBootServicesData, free memory once boot services exit; copy it now
 * (recorded when it is so: the map efi_reserve read says where it is). */
static void copy_mat(struct boot *b, const struct mat_header *h)
{
	struct efi_mmap raw = { b->map_raw, b->map_size, b->desc_size };
	uint64_t pa = (uint64_t)(UINTN)h;

	for (uint64_t i = 0; i < efi_mmap_count(&raw); i++) {
		const struct efi_mdesc *d = efi_mmap_at(&raw, i);

		if (d->type == EFI_MT_BS_DATA && pa >= d->pa &&
		    pa - d->pa < d->npages << EFI_PAGE_SHIFT)
			b->bi->quirks |= 1U << HV_QUIRK_MAT_IN_BOOT_SERVICES_DATA;
	}
	struct hv_bootinfo *bi = b->bi;
	const UINT8 *e = (const UINT8 *)(h + 1);

	if (h->version < 1 || h->desc_size < sizeof(struct efi_mdesc)) {
		boot_log(b, HV_LOG_INFO, "hvboot: ignoring Memory Attributes Table "
			 "(version %u, descriptor size %u)\n", h->version, h->desc_size);
		return;
	}
	if (h->count > HV_MAT_MAX) {
		boot_log(b, HV_LOG_INFO, "hvboot: Memory Attributes Table has %u entries, "
			 "more than %u: runtime code mapped RWX\n", h->count, HV_MAT_MAX);
		return;
	}
	/* Its own pages, sized from the count, of the boot info's type: the
	 * copy outlives boot services and the hypervisor can read it. */
	uint64_t bytes = (uint64_t)h->count * sizeof(struct efi_mdesc), copy_pa;

	if (h->count && EFI_ERROR(efi_alloc_pages(b, HV_MEM_BOOTINFO,
						   (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE, 0,
						   &copy_pa, "Memory Attributes Table copy"))) {
		boot_log(b, HV_LOG_INFO, "hvboot: no memory for the Memory Attributes Table "
			 "copy (%u entries): runtime code mapped RWX\n", h->count);
		b->msg[0] = 0;		/* not a reason to stop the boot */
		return;
	}
	b->mat = (struct efi_mdesc *)(UINTN)copy_pa;
	bi->mat = (struct hv_region){ .pa = copy_pa, .va = HV_DIRECT_MAP_BASE + copy_pa,
				      .size_bytes = bytes };
	for (UINT32 i = 0; i < h->count; i++) {
		__builtin_memcpy(&b->mat[i], e + (UINTN)i * h->desc_size, sizeof(b->mat[i]));
		b->mat[i].pad = 0;
	}
	bi->mat_count = h->count;
	b->mat_valid = true;
}

/* A table that cannot be read is ignored, as if absent (all services
 * supported), and said so once. */
static void read_rt_properties(struct boot *b, const void *table)
{
	uint32_t supported;
	const char *why = fwinfo_rt_properties(table, 8, &supported);

	if (why) {
		/* Quirk (any firmware): an EFI_RT_PROPERTIES_TABLE that
		 * cannot be read; ignored, every service treated as supported. */
		boot_log(b, HV_LOG_INFO, "hvboot: warning: %s; ignored\n", why);
		b->bi->quirks |= 1U << HV_QUIRK_RT_PROPERTIES_UNREADABLE;
		return;
	}
	b->bi->rt_has_properties = 1;
	b->bi->rt_supported = supported;
}

static void read_secure_boot(struct boot *b)
{
	UINT8 val = 0;
	UINTN size = sizeof(val);
	EFI_STATUS st;

	st = FW(uefi_call_wrapper(RT->GetVariable, 5, L"SecureBoot", &EfiGlobalVariable,
				  NULL, &size, &val));
	b->bi->secure_boot = fwinfo_secure_boot(!EFI_ERROR(st), size, val);
}

void efi_tables_collect(struct boot *b)
{
	struct hv_bootinfo *bi = b->bi;
	EFI_SYSTEM_TABLE *st = b->st;

	bi->system_table_pa = (uint64_t)(UINTN)st;
	b->rt_table_pa = (uint64_t)(UINTN)st->RuntimeServices;
	bi->runtime_table_pa = b->rt_table_pa;
	bi->fw_revision = st->FirmwareRevision;
	bi->uefi_revision = st->Hdr.Revision;
	for (UINTN i = 0; st->FirmwareVendor && st->FirmwareVendor[i] && i + 1 < 32; i++)
		bi->fw_vendor[i] = st->FirmwareVendor[i];
	bi->rt_supported = FWINFO_RT_SUPPORTED_ALL;	/* absent table: all supported */
	bi->cpu_flags = b->cpu_flags;
	bi->log_level = b->cfg.log;
	__builtin_memcpy(bi->cmdline, b->cfg.cmdline, sizeof(bi->cmdline));

	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		uint64_t pa = (uint64_t)(UINTN)t->VendorTable;

		if (guid_eq(&t->VendorGuid, &acpi20_guid))
			bi->acpi_rsdp_pa = pa;
		else if (guid_eq(&t->VendorGuid, &acpi10_guid) && !bi->acpi_rsdp_pa)
			bi->acpi_rsdp_pa = pa;
		else if (guid_eq(&t->VendorGuid, &smbios_guid))
			bi->smbios_pa = pa;
		else if (guid_eq(&t->VendorGuid, &smbios3_guid))
			bi->smbios3_pa = pa;
		else if (guid_eq(&t->VendorGuid, &mat_guid))
			copy_mat(b, t->VendorTable);
		else if (guid_eq(&t->VendorGuid, &rt_props_guid))
			read_rt_properties(b, t->VendorTable);
	}
	read_secure_boot(b);
	char vendor[32];
	UINTN n = 0;

	for (; n + 1 < sizeof(vendor) && bi->fw_vendor[n]; n++)
		vendor[n] = bi->fw_vendor[n] < 0x7F ? (char)bi->fw_vendor[n] : '?';
	vendor[n] = 0;
	char revision[16];

	fwinfo_revision_text(st->Hdr.Revision, revision, sizeof(revision));
	boot_log(b, HV_LOG_INFO, "hvboot: UEFI %s, %s; MAT %s (%u entries), "
		 "RT properties %s, Secure Boot %s\n", revision, vendor,
		 b->mat_valid ? "copied" : "absent", bi->mat_count,
		 bi->rt_has_properties ? "present" : "absent",
		 hv_secure_boot_name(bi->secure_boot));
}
