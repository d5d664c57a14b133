#include "rt_gate.h"

/* Capsules (UEFI 2.10 §8.5.3): the firmware reads each EFI_CAPSULE_HEADER
 * (and, for UpdateCapsule, the image behind it) through the pointer array,
 * so both are copied into the rt_bounce area — the only hypervisor memory its
 * address space maps. Each image must fit there (RT_DATA_MAX in all); the
 * scatter-gather list is a physical address the firmware reads itself. */
#define CAPSULE_MAX		16
#define CAPSULE_HEADER_BYTES	28

static efi_status_t bounce_capsules(const void *const *capsules, size_t count, bool whole)
{
	uint64_t *ptrs = (uint64_t *)(void *)rt_bounce.data;
	size_t used = CAPSULE_MAX * 8;

	if (count == 0 || count > CAPSULE_MAX || !capsules)
		return EFI_INVALID_PARAMETER;
	for (size_t i = 0; i < count; i++) {
		uint32_t image;
		size_t n;

		if (!capsules[i])
			return EFI_INVALID_PARAMETER;
		__builtin_memcpy(&image, (const uint8_t *)capsules[i] + 24, 4);
		n = whole ? image : CAPSULE_HEADER_BYTES;
		if (n < CAPSULE_HEADER_BYTES || n > RT_DATA_MAX - used)
			return EFI_BAD_BUFFER_SIZE;
		__builtin_memcpy(rt_bounce.data + used, capsules[i], n);
		ptrs[i] = rt_ptr(rt_bounce.data + used);
		used = (used + n + 7) & ~(size_t)7;
	}
	return EFI_SUCCESS;
}

efi_status_t rt_update_capsule(const void *const *capsules, size_t count, uint64_t sg_list_pa)
{
	efi_status_t st = bounce_capsules(capsules, count, true);

	if (st != EFI_SUCCESS)
		return st;
	return rt_gate_call(RT_UPDATE_CAPSULE, rt_ptr(rt_bounce.data), count, sg_list_pa, 0, 0);
}

efi_status_t rt_query_capsule_capabilities(const void *const *capsules, size_t count,
					   uint64_t *max_size, int *reset_type)
{
	efi_status_t st = bounce_capsules(capsules, count, false);

	if (st != EFI_SUCCESS)
		return st;
	st = rt_gate_call(RT_QUERY_CAPSULE_CAPABILITIES, rt_ptr(rt_bounce.data), count, rt_ptr(&rt_bounce.q[0]),
		  rt_ptr(&rt_bounce.attrs), 0);
	if (st == EFI_SUCCESS) {
		*max_size = rt_bounce.q[0];
		*reset_type = (int)rt_bounce.attrs;
	}
	return st;
}
