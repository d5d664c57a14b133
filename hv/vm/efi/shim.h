/* The shim's own helpers and its entry points (README: The Linux guest's
 * EFI). The entry points are what the guest's EFI_RUNTIME_SERVICES table
 * names: the Microsoft x64 calling convention (UEFI 2.10 §2.3.4.2), guest
 * pointers as the caller's own virtual addresses. The shim reaches its data
 * through efishim_header.data_va (converted by SetVirtualAddressMap) and
 * gives the hypervisor only guest-physical addresses of its own buffer. */
#ifndef HV_VM_EFI_SHIM_H
#define HV_VM_EFI_SHIM_H

#include <stdint.h>
#include <stddef.h>
#include "efishim.h"
#include "x86.h"

#define SHIM_API __attribute__((ms_abi))

static inline struct efishim_data *shim_data(void)
{
	return (struct efishim_data *)(uintptr_t)efishim_header.data_va;
}

/* The hypercall buffer as the hypervisor reaches it. */
static inline uint64_t shim_call_gpa(void)
{
	return efishim_header.data_gpa + offsetof(struct efishim_data, call);
}

/* Counts a call of kind k that entered the shim at TSC t0 (struct
 * efishim_tally). RDTSC: the guest's TSC is the host's (the hypervisor
 * sets no offset and does not intercept it). */
static inline void shim_tally(enum efishim_tally_kind k, uint64_t t0)
{
	struct efishim_tally *t = &shim_data()->tally[k];

	t->cycles += cpu_rdtsc() - t0;
	t->calls++;
}

/* The variable request's header (struct hvcall_var_req, README: Hypercall
 * ABI): the name follows it, the data the name. */
#define SHIM_VAR_HDR	sizeof(struct hvcall_var_req)

/* The services, in the table's order (UEFI 2.10 §4.5). */
uint64_t SHIM_API shim_get_time(void *time, void *capabilities);
uint64_t SHIM_API shim_set_time(void *time);
uint64_t SHIM_API shim_get_wakeup_time(uint8_t *enabled, uint8_t *pending, void *time);
uint64_t SHIM_API shim_set_wakeup_time(uint8_t enable, void *time);
uint64_t SHIM_API shim_set_virtual_address_map(uint64_t map_size, uint64_t desc_size,
					       uint32_t desc_version, const void *virtual_map);
uint64_t SHIM_API shim_convert_pointer(uint64_t disposition, void **address);
uint64_t SHIM_API shim_get_variable(const uint16_t *name, const void *guid, uint32_t *attributes,
				    uint64_t *data_size, void *data);
uint64_t SHIM_API shim_get_next_variable_name(uint64_t *name_size, uint16_t *name, void *guid);
uint64_t SHIM_API shim_set_variable(const uint16_t *name, const void *guid, uint32_t attributes,
				    uint64_t data_size, const void *data);
uint64_t SHIM_API shim_get_next_high_monotonic_count(uint32_t *high_count);
uint64_t SHIM_API shim_reset_system(uint32_t reset_type, uint64_t status, uint64_t data_size,
				    const void *data);
uint64_t SHIM_API shim_update_capsule(void **capsules, uint64_t count, uint64_t sg_list);
uint64_t SHIM_API shim_query_capsule_capabilities(void **capsules, uint64_t count,
						  uint64_t *max_size, uint32_t *reset_type);
uint64_t SHIM_API shim_query_variable_info(uint32_t attributes, uint64_t *max_storage,
					   uint64_t *remaining, uint64_t *max_variable);

#endif
