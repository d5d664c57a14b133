/* The guest's EFI tables (README: The Linux guest's EFI). The checks come
 * first, in the order of the inputs (the blob, the window, the RAM spans),
 * and nothing is written before all of them passed. The window holds:
 *
 *   window_gpa  code: the shim blob, its header completed here
 *               (EfiRuntimeServicesCode, RUNTIME|WB)
 *   data_gpa    struct efishim_data: system table, runtime services table,
 *               configuration table, EFI_RT_PROPERTIES_TABLE, vendor
 *               string, the shim's state, its hypercall buffer; then the
 *               memory map (EfiRuntimeServicesData, RUNTIME|WB)
 *
 * Table contents follow UEFI 2.10 §4.2 (headers and CRC32), §4.3 (the
 * system table: no console, no boot services), §4.5, §4.6 and §4.6.2. */
#include "efitables.h"
#include "efi_crc32.h"
#include "efi_mem.h"
#include "bootinfo.h"
#include "loader/bytes.h"

#define RAM_ATTR		(EFI_MEMORY_UC | EFI_MEMORY_WC | EFI_MEMORY_WT | EFI_MEMORY_WB)
#define RUNTIME_ATTR		(EFI_MEMORY_RUNTIME | EFI_MEMORY_WB)

static uint64_t page_up(uint64_t n)
{
	return (n + HV_PAGE_SIZE - 1) & ~(HV_PAGE_SIZE - 1);
}

uint32_t efitables_supported(uint32_t guest_vars)
{
	uint32_t s = EFI_RT_SUPPORTED_GET_TIME | EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP |
		     EFI_RT_SUPPORTED_CONVERT_POINTER |
		     EFI_RT_SUPPORTED_GET_NEXT_HIGH_MONOTONIC_COUNT | EFI_RT_SUPPORTED_RESET_SYSTEM;

	if (guest_vars == HV_GUEST_VARS_READ || guest_vars == HV_GUEST_VARS_WRITE)
		s |= EFI_RT_SUPPORTED_GET_VARIABLE | EFI_RT_SUPPORTED_GET_NEXT_VARIABLE_NAME |
		     EFI_RT_SUPPORTED_QUERY_VARIABLE_INFO;
	if (guest_vars == HV_GUEST_VARS_WRITE)
		s |= EFI_RT_SUPPORTED_SET_VARIABLE;
	return s;
}

/* Descriptors: each RAM span, one more where the window splits one, and
 * the two regions. */
static uint64_t memmap_bytes_max(size_t ram_count)
{
	return ((uint64_t)ram_count + 3) * EFISHIM_DESC_SIZE;
}

static uint64_t data_bytes(size_t ram_count)
{
	return page_up(sizeof(struct efishim_data)) + page_up(memmap_bytes_max(ram_count));
}

uint64_t efitables_window_bytes(uint64_t blob_bytes, size_t ram_count)
{
	return page_up(blob_bytes) + data_bytes(ram_count);
}

const char *efitables_check_blob(const void *blob, uint64_t blob_bytes)
{
	const uint8_t *b = blob;
	const char *magic = EFISHIM_MAGIC;

	if (!b || blob_bytes < sizeof(struct efishim_header) || blob_bytes > (1u << 20))
		return "shim blob too small or too large";
	for (int i = 0; i < 8; i++)
		if (b[i] != (uint8_t)magic[i])
			return "shim blob has no EFI shim header";
	if (ld32(b + 8) != EFISHIM_VERSION || ld32(b + 12) != sizeof(struct efishim_header))
		return "shim blob header has another version";
	if ((int64_t)(int32_t)ld32(b + 16) + 16 != (int64_t)blob_bytes)
		return "shim blob size disagrees with its header";
	for (int s = 0; s < RT_SVC_COUNT; s++) {
		int64_t at = 20 + 4 * s + (int64_t)(int32_t)ld32(b + 20 + 4 * s);

		if (at < (int64_t)sizeof(struct efishim_header) || at >= (int64_t)blob_bytes)
			return "shim blob entry point outside the blob";
	}
	return NULL;
}

static const char *check_ram(const struct efitables_in *in, uint64_t mem_bytes, uint64_t win_end)
{
	uint64_t prev_end = 0;

	if (!in->ram || !in->ram_count || in->ram_count > 128)
		return "no RAM spans (or more than 128)";
	for (size_t i = 0; i < in->ram_count; i++) {
		const struct efitables_ram *r = &in->ram[i];

		if ((r->gpa | r->bytes) & (HV_PAGE_SIZE - 1) || !r->bytes)
			return "RAM span not page aligned or empty";
		if (r->gpa > mem_bytes || r->bytes > mem_bytes - r->gpa)
			return "RAM span outside guest memory";
		if (i && r->gpa < prev_end)
			return "RAM spans not sorted or overlapping";
		prev_end = r->gpa + r->bytes;
		/* The window lies wholly inside a span, or apart from it. */
		if (in->window_gpa < prev_end && win_end > r->gpa &&
		    (in->window_gpa < r->gpa || win_end > prev_end))
			return "EFI window straddles the edge of a RAM span";
	}
	return NULL;
}

static uint8_t *put_desc(uint8_t *p, uint32_t type, uint64_t pa, uint64_t bytes, uint64_t attr)
{
	struct efi_mdesc d = { .type = type, .pa = pa, .va = 0, .npages = bytes / HV_PAGE_SIZE,
			       .attr = attr };

	__builtin_memcpy(p, &d, sizeof(d));
	return p + EFISHIM_DESC_SIZE;	/* the stride's last 8 bytes stay 0 */
}

/* The memory map, in address order: RAM as EfiConventionalMemory around the
 * window, the window as the two runtime regions. Returns its size. */
static uint32_t build_memmap(uint8_t *out, const struct efitables_in *in, uint64_t code_bytes,
			     uint64_t win_end)
{
	uint8_t *p = out;
	uint64_t code = in->window_gpa, data = code + code_bytes;
	bool placed = false;

	for (size_t i = 0; i < in->ram_count; i++) {
		uint64_t start = in->ram[i].gpa, end = start + in->ram[i].bytes;

		if (!placed && code < end) {
			if (start < code)
				p = put_desc(p, EFI_MT_CONVENTIONAL, start, code - start, RAM_ATTR);
			p = put_desc(p, EFI_MT_RT_CODE, code, code_bytes, RUNTIME_ATTR);
			p = put_desc(p, EFI_MT_RT_DATA, data, win_end - data, RUNTIME_ATTR);
			placed = true;
			if (win_end <= start)
				p = put_desc(p, EFI_MT_CONVENTIONAL, start, end - start, RAM_ATTR);
			else if (win_end < end)
				p = put_desc(p, EFI_MT_CONVENTIONAL, win_end, end - win_end, RAM_ATTR);
			continue;
		}
		p = put_desc(p, EFI_MT_CONVENTIONAL, start, end - start, RAM_ATTR);
	}
	if (!placed) {
		p = put_desc(p, EFI_MT_RT_CODE, code, code_bytes, RUNTIME_ATTR);
		p = put_desc(p, EFI_MT_RT_DATA, data, win_end - data, RUNTIME_ATTR);
	}
	return (uint32_t)(p - out);
}

static void fill_tables(struct efishim_data *d, uint64_t code_gpa, uint64_t data_gpa,
			const uint8_t *blob, uint32_t supported)
{
	static const uint8_t rt_properties_guid[16] = EFI_RT_PROPERTIES_TABLE_GUID_BYTES;
	static const uint16_t vendor[] = EFISHIM_VENDOR;

	d->systab.hdr = (struct efi_table_header64){ EFI_SYSTEM_TABLE_SIGNATURE,
		EFI_2_70_SYSTEM_TABLE_REVISION, sizeof(d->systab), 0, 0 };
	d->systab.firmware_vendor = data_gpa + offsetof(struct efishim_data, vendor);
	d->systab.firmware_revision = HVCALL_ABI_VERSION;
	d->systab.runtime_services = data_gpa + offsetof(struct efishim_data, rt);
	d->systab.nr_tables = EFISHIM_CONFIG_COUNT;
	d->systab.config_table = data_gpa + offsetof(struct efishim_data, config);

	d->rt.hdr = (struct efi_table_header64){ RTTABLE_SIGNATURE,
		EFI_2_70_SYSTEM_TABLE_REVISION, sizeof(d->rt), 0, 0 };
	for (int s = 0; s < RT_SVC_COUNT; s++) {
		const uint8_t *rel = blob + offsetof(struct efishim_header, entry_rel) + 4 * s;

		d->rt.fn[s] = code_gpa + (uint64_t)(rel - blob) + (uint64_t)(int64_t)(int32_t)ld32(rel);
	}

	__builtin_memcpy(d->config[0].guid, rt_properties_guid, 16);
	d->config[0].table = data_gpa + offsetof(struct efishim_data, rt_properties);
	d->rt_properties = (struct efi_rt_properties){ EFI_RT_PROPERTIES_TABLE_VERSION,
		sizeof(d->rt_properties), supported };
	__builtin_memcpy(d->vendor, vendor, sizeof(vendor));

	d->state.supported = supported;
	d->state.high_count = 0;
	d->state.virtual_mode = 0;

	efi_table_crc32_set(&d->rt, sizeof(d->rt));
	efi_table_crc32_set(&d->systab, sizeof(d->systab));
}

const char *efitables_build(uint8_t *mem, uint64_t mem_bytes, const struct efitables_in *in,
			    struct efitables_efi_info *info, struct efitables_layout *layout)
{
	uint64_t code_bytes, win_bytes, win_end, data_gpa, memmap_gpa;
	struct efishim_header *hdr;
	struct efishim_data *d;
	uint32_t memmap_bytes, supported;
	const char *why;

	why = efitables_check_blob(in->blob, in->blob_bytes);
	if (why)
		return why;
	code_bytes = page_up(in->blob_bytes);
	win_bytes = efitables_window_bytes(in->blob_bytes, in->ram_count);
	if (in->window_gpa & (HV_PAGE_SIZE - 1))
		return "EFI window not page aligned";
	if (in->window_gpa >= mem_bytes || win_bytes > mem_bytes - in->window_gpa)
		return "EFI window outside guest memory";
	win_end = in->window_gpa + win_bytes;
	why = check_ram(in, mem_bytes, win_end);
	if (why)
		return why;
	if (in->guest_vars > HV_GUEST_VARS_WRITE)
		return "unknown guest_vars policy";

	/* Everything checked: write. */
	data_gpa = in->window_gpa + code_bytes;
	memmap_gpa = data_gpa + page_up(sizeof(struct efishim_data));
	supported = efitables_supported(in->guest_vars);
	__builtin_memset(mem + in->window_gpa, 0, win_bytes);
	__builtin_memcpy(mem + in->window_gpa, in->blob, in->blob_bytes);

	hdr = (struct efishim_header *)(mem + in->window_gpa);
	hdr->code_gpa = in->window_gpa;
	hdr->code_bytes = code_bytes;
	hdr->data_gpa = data_gpa;
	hdr->data_bytes = win_end - data_gpa;
	hdr->data_va = data_gpa;	/* physical mode: the guest's 1:1 map */

	d = (struct efishim_data *)(mem + data_gpa);
	fill_tables(d, in->window_gpa, data_gpa, in->blob, supported);
	memmap_bytes = build_memmap(mem + memmap_gpa, in, code_bytes, win_end);

	*info = (struct efitables_efi_info){
		.efi_loader_signature = EFITABLES_EL64,
		.efi_systab = (uint32_t)data_gpa,
		.efi_systab_hi = (uint32_t)(data_gpa >> 32),
		.efi_memdesc_size = EFISHIM_DESC_SIZE,
		.efi_memdesc_version = EFISHIM_DESC_VERSION,
		.efi_memmap = (uint32_t)memmap_gpa,
		.efi_memmap_hi = (uint32_t)(memmap_gpa >> 32),
		.efi_memmap_size = memmap_bytes,
	};
	if (layout)
		*layout = (struct efitables_layout){
			.code_gpa = in->window_gpa, .code_bytes = code_bytes,
			.data_gpa = data_gpa, .data_bytes = win_end - data_gpa,
			.systab_gpa = data_gpa, .rt_gpa = data_gpa + offsetof(struct efishim_data, rt),
			.memmap_gpa = memmap_gpa, .memmap_bytes = memmap_bytes,
			.supported = supported,
		};
	return NULL;
}
