/* SetVirtualAddressMap and ConvertPointer of the guest's EFI (UEFI 2.10
 * §8.4). The guest calls SetVirtualAddressMap once, in physical mode: the
 * shim finds the virtual address of each of its two regions in the map,
 * converts every pointer it owns (its own data pointer, the runtime
 * services table's slots, the system table's runtime services, vendor
 * and configuration table pointers, the configuration tables' entries),
 * recomputes the two tables' CRCs, and from then on runs at the new
 * addresses. Everything is checked before anything is written, so a
 * refused map changes nothing. A second call is EFI_UNSUPPORTED.
 *
 * ConvertPointer converts by the map SetVirtualAddressMap received: the
 * shim keeps that map's entries for its own regions, the only runtime
 * memory of this platform. Before SetVirtualAddressMap there is no map and
 * every pointer is EFI_NOT_FOUND (README: The Linux guest's EFI). */
#include "shim.h"
#include "efi_crc32.h"
#include "efi_mem.h"


/* The region of pa, or -1. */
static int region_of(const struct efishim_map *map, uint64_t pa)
{
	for (int i = 0; i < EFISHIM_REGIONS; i++)
		if (pa >= map[i].pa && pa - map[i].pa < map[i].bytes)
			return i;
	return -1;
}

/* *p converted when it points into one of the regions; else unchanged. */
static void convert(const struct efishim_map *map, uint64_t *p)
{
	int i = region_of(map, *p);

	if (i >= 0)
		*p = *p - map[i].pa + map[i].va;
}

/* Reads the guest's map into map[]: EFI_SUCCESS, or the spec's status for
 * a map that cannot be applied. */
static uint64_t read_map(uint64_t map_size, uint64_t desc_size, uint32_t desc_version,
			 const uint8_t *virtual_map, struct efishim_map map[EFISHIM_REGIONS])
{
	bool found[EFISHIM_REGIONS] = { false, false };

	if (!virtual_map || ((uintptr_t)virtual_map & 7) || desc_version != EFISHIM_DESC_VERSION ||
	    desc_size < sizeof(struct efi_mdesc) || (desc_size & 7) || map_size % desc_size)
		return EFI_INVALID_PARAMETER;
	for (uint64_t off = 0; off < map_size; off += desc_size) {
		const struct efi_mdesc *m = (const struct efi_mdesc *)(virtual_map + off);
		uint64_t end;
		bool mine = false;

		if (!(m->attr & EFI_MEMORY_RUNTIME))
			continue;
		if ((m->pa | m->va) & (HV_PAGE_SIZE - 1) || m->npages > (~0ULL - m->pa) / HV_PAGE_SIZE)
			return EFI_INVALID_PARAMETER;
		end = m->pa + m->npages * HV_PAGE_SIZE;
		for (int i = 0; i < EFISHIM_REGIONS; i++) {
			if (map[i].pa < m->pa || map[i].pa + map[i].bytes > end)
				continue;
			map[i].va = m->va + (map[i].pa - m->pa);
			found[i] = mine = true;
		}
		/* UEFI 2.10 §8.4.1: a virtual address for memory that is not
		 * in the memory map (this platform's runtime memory is the
		 * shim's two regions). */
		if (!mine)
			return EFI_NOT_FOUND;
	}
	for (int i = 0; i < EFISHIM_REGIONS; i++)
		if (!found[i])
			return EFI_NO_MAPPING;
	return EFI_SUCCESS;
}

uint64_t SHIM_API shim_set_virtual_address_map(uint64_t map_size, uint64_t desc_size,
					       uint32_t desc_version, const void *virtual_map)
{
	struct efishim_data *d = shim_data();
	struct efishim_map map[EFISHIM_REGIONS] = {
		[EFISHIM_REGION_CODE] = { efishim_header.code_gpa, 0, efishim_header.code_bytes },
		[EFISHIM_REGION_DATA] = { efishim_header.data_gpa, 0, efishim_header.data_bytes },
	};
	uint64_t st;

	if (!(d->state.supported & EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP) ||
	    d->state.virtual_mode)
		return EFI_UNSUPPORTED;
	st = read_map(map_size, desc_size, desc_version, virtual_map, map);
	if (st != EFI_SUCCESS)
		return st;

	for (int i = 0; i < RT_SVC_COUNT; i++)
		convert(map, &d->rt.fn[i]);
	convert(map, &d->systab.firmware_vendor);
	convert(map, &d->systab.runtime_services);
	convert(map, &d->systab.config_table);
	for (int i = 0; i < EFISHIM_CONFIG_COUNT; i++)
		convert(map, &d->config[i].table);
	efi_table_crc32_set(&d->rt, d->rt.hdr.header_size < sizeof(d->rt) ?
				    d->rt.hdr.header_size : sizeof(d->rt));
	efi_table_crc32_set(&d->systab, d->systab.hdr.header_size < sizeof(d->systab) ?
					d->systab.hdr.header_size : sizeof(d->systab));
	for (int i = 0; i < EFISHIM_REGIONS; i++)
		d->state.map[i] = map[i];
	d->state.virtual_mode = 1;
	/* The last write of the physical-mode shim: from here on its data is
	 * at the new address. */
	efishim_header.data_va = map[EFISHIM_REGION_DATA].va;
	return EFI_SUCCESS;
}

uint64_t SHIM_API shim_convert_pointer(uint64_t disposition, void **address)
{
	struct efishim_data *d = shim_data();
	uint64_t p;

	if (!(d->state.supported & EFI_RT_SUPPORTED_CONVERT_POINTER))
		return EFI_UNSUPPORTED;
	if (!address)
		return EFI_INVALID_PARAMETER;
	p = (uint64_t)(uintptr_t)*address;
	if (!p)
		return (disposition & EFI_OPTIONAL_PTR) ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
	if (!d->state.virtual_mode || region_of(d->state.map, p) < 0)
		return EFI_NOT_FOUND;
	convert(d->state.map, &p);
	*address = (void *)(uintptr_t)p;
	return EFI_SUCCESS;
}
