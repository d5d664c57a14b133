/* The guest's EFI services that are not variables or the address map
 * (UEFI 2.10 §8.3, §8.5): GetTime by hypercall; the monotonic counter's
 * high half from the shim's own data; ResetSystem ends the guest by
 * hypercall; the services the guest may not use are EFI_UNSUPPORTED, as
 * its EFI_RT_PROPERTIES_TABLE says (README: The Linux guest's EFI). */
#include "shim.h"
#include "hv/lib.h"

static uint64_t get_time(void *time, void *capabilities)
{
	struct efishim_data *d = shim_data();
	uint64_t st;

	if (!(d->state.supported & EFI_RT_SUPPORTED_GET_TIME))
		return EFI_UNSUPPORTED;
	if (!time)
		return EFI_INVALID_PARAMETER;
	memset(d->call, 0, sizeof(struct hvcall_time_req));
	st = efishim_hypercall(HVCALL_GET_TIME, shim_call_gpa(), sizeof(struct hvcall_time_req));
	if (st == EFI_SUCCESS) {
		/* EFI_TIME (16 bytes), then EFI_TIME_CAPABILITIES (12). */
		memcpy(time, d->call, 16);
		if (capabilities)
			memcpy(capabilities, d->call + 16, 12);
	}
	return st;
}

/* The entry point: each call counted with its cycles (struct
 * efishim_tally). */
uint64_t SHIM_API shim_get_time(void *time, void *capabilities)
{
	uint64_t t0 = cpu_rdtsc(), st = get_time(time, capabilities);

	shim_tally(EFISHIM_TALLY_GET_TIME, t0);
	return st;
}

uint64_t SHIM_API shim_set_time(void *time)
{
	(void)time;
	return EFI_UNSUPPORTED;
}

uint64_t SHIM_API shim_get_wakeup_time(uint8_t *enabled, uint8_t *pending, void *time)
{
	(void)enabled, (void)pending, (void)time;
	return EFI_UNSUPPORTED;
}

uint64_t SHIM_API shim_set_wakeup_time(uint8_t enable, void *time)
{
	(void)enable, (void)time;
	return EFI_UNSUPPORTED;
}

uint64_t SHIM_API shim_update_capsule(void **capsules, uint64_t count, uint64_t sg_list)
{
	(void)capsules, (void)count, (void)sg_list;
	return EFI_UNSUPPORTED;
}

uint64_t SHIM_API shim_query_capsule_capabilities(void **capsules, uint64_t count,
						  uint64_t *max_size, uint32_t *reset_type)
{
	(void)capsules, (void)count, (void)max_size, (void)reset_type;
	return EFI_UNSUPPORTED;
}

/* UEFI 2.10 §8.5.2: the high 32 bits of the platform's monotonic count,
 * incremented by each call and never going back; here they live as long
 * as the guest runs. At 0xFFFFFFFF there is no next value. */
uint64_t SHIM_API shim_get_next_high_monotonic_count(uint32_t *high_count)
{
	struct efishim_data *d = shim_data();

	if (!(d->state.supported & EFI_RT_SUPPORTED_GET_NEXT_HIGH_MONOTONIC_COUNT))
		return EFI_UNSUPPORTED;
	if (!high_count)
		return EFI_INVALID_PARAMETER;
	if (d->state.high_count == 0xFFFFFFFFu)
		return EFI_DEVICE_ERROR;
	*high_count = ++d->state.high_count;
	return EFI_SUCCESS;
}

/* UEFI 2.10 §8.5.1: ResetSystem does not return. The hypervisor ends the
 * guest on hypercall 6 whatever the type (it names it in the stop line);
 * ResetData is the caller's own memory and is not passed on. */
uint64_t SHIM_API shim_reset_system(uint32_t reset_type, uint64_t status, uint64_t data_size,
				    const void *data)
{
	(void)status, (void)data_size, (void)data;
	efishim_hypercall(HVCALL_RESET_SYSTEM, reset_type, 0);
	efishim_halt();
}
