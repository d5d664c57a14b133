/* Hypercalls: a guest's `vmmcall` served from the firmware's runtime
 * services (README: Hypercall ABI). Pure: every request is checked against
 * guest memory and the `guest_vars` policy here, then handed to services
 * the caller supplies (rt/ in the hypervisor, fakes in host tests). The
 * hypervisor never walks guest page tables: every pointer is a
 * guest-physical address into [0, mem_bytes). */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "bootinfo.h"
#include "efi_status.h"
#include "hvguest.h"
#include "rt/rt.h"

/* The longest name a guest may pass (README: Hypercall ABI): 1,024 UTF-16
 * characters with the NUL, Linux's EFI_VAR_NAME_LEN. */
#define HCALL_NAME_MAX		2048

/* The variable store a guest can never use (README: Policy): a
 * non-volatile write that would leave less than this in QueryVariableInfo's
 * remaining storage is refused, the margin Linux's efivars keeps
 * (EFI_MIN_RESERVE) against firmware that fails to boot on a full store.
 * A write counts its data and its name, as Linux counts it. */
#define HCALL_NV_RESERVE_BYTES	5120
/* What the store spends on a variable beyond its data and name: EDK2's
 * authenticated variable header is 60 bytes, and firmware pads entries.
 * Counted against the reserve (not the budget), so a write that passes
 * the check leaves the reserve whole; Linux's check leaves this out. */
#define HCALL_NV_ENTRY_OVERHEAD	128
/* Non-volatile bytes (data + name) one guest run may write in all. */
#define HCALL_NV_BUDGET_BYTES	(64 * 1024)

/* "version", "GetVariable", … or NULL for an unknown function. */
const char *hcall_name(uint64_t fn);

/* True if [gpa, gpa + size) lies wholly inside [0, mem_bytes): no wrap,
 * size 0 only at an address inside memory. */
bool hcall_range_ok(uint64_t mem_bytes, uint64_t gpa, uint64_t size);

/* A variable request (functions 1..3) once its checks passed. */
struct hcall_var_req {
	struct efi_guid guid;
	uint32_t attributes;
	uint32_t name_size;	/* bytes, even, the NUL included (1, 3) or capacity (2) */
	uint64_t data_size;
	uint64_t name_gpa, data_gpa;
};

/* Checks the request for function fn (1..3) at [gpa, gpa + size):
 * the header inside guest memory and inside the request; name_size even,
 * at least one character, at most HCALL_NAME_MAX, the name inside the
 * request and (1, 3; for 2 the name going in) NUL-terminated within
 * name_size; for 1 and 3 the data right after it inside the request, and
 * for 3 data_size at most RT_DATA_MAX. EFI_INVALID_PARAMETER, or 0
 * with *out filled. */
efi_status_t hcall_check_var(const uint8_t *mem, uint64_t mem_bytes, uint64_t fn,
			     uint64_t gpa, uint64_t size, struct hcall_var_req *out);

/* What the policy allows (hvboot.cfg `guest_vars`). */
struct hcall_policy {
	uint32_t mode;		/* enum hv_guest_vars */
	struct efi_guid guid;	/* HV_GUEST_VARS_WRITE: the one vendor GUID */
};

/* 0 if fn may touch a variable of guid; else EFI_ACCESS_DENIED (any
 * variable function with `none`) or EFI_WRITE_PROTECTED (a SetVariable
 * the policy does not allow: `read`, another GUID, or a boot-chain GUID,
 * hcall_guid_boot_chain). */
efi_status_t hcall_policy_check(const struct hcall_policy *p, uint64_t fn,
				const struct efi_guid *guid);

/* True for the vendor GUIDs whose variables steer boot, Secure Boot or
 * the platform's security (README: Policy lists them): no guest writes
 * them, whatever the config says. */
bool hcall_guid_boot_chain(const struct efi_guid *guid);

/* The `guest_vars` mode a module runs with (README: Secure Boot): the
 * config's, except that `write` needs a module whose SHA-256 the signed
 * loader pins unless Secure Boot is known to be off (secure_boot is enum
 * hv_secure_boot); such a module gets `read`, and *why says so (NULL
 * otherwise). */
uint32_t hcall_policy_mode(uint32_t cfg_mode, uint32_t secure_boot, bool pinned,
			   const char **why);

/* The services a hypercall reaches; rt/'s signatures. */
struct hcall_services {
	efi_status_t (*get_variable)(const uint16_t *name, const struct efi_guid *guid,
				     uint32_t *attrs, void *data, size_t *size);
	efi_status_t (*get_next_variable_name)(uint16_t *name, size_t cap, struct efi_guid *guid);
	efi_status_t (*set_variable)(const uint16_t *name, const struct efi_guid *guid,
				     uint32_t attrs, const void *data, size_t size);
	efi_status_t (*query_variable_info)(uint32_t attrs, uint64_t *max_storage,
					    uint64_t *remaining, uint64_t *max_var);
	efi_status_t (*get_time)(struct efi_time *t, struct efi_time_cap *cap);
};

struct hcall_env {
	uint8_t *mem;		/* guest memory as the hypervisor reaches it */
	uint64_t mem_bytes;
	struct hcall_policy policy;
	const struct hcall_services *svc;
	uint64_t nv_written_bytes;	/* this run's, against HCALL_NV_BUDGET_BYTES */
};

/* Whether a SetVariable of charge_bytes (data + name) with attrs may go to
 * the firmware: 0, or EFI_OUT_OF_RESOURCES if it is non-volatile and
 * would cross the run's budget or, with HCALL_NV_ENTRY_OVERHEAD, leave
 * less than HCALL_NV_RESERVE_BYTES of the store (asked of
 * QueryVariableInfo with attrs), or the status of a QueryVariableInfo
 * that failed. Deletes (charge 0) always may. */
efi_status_t hcall_store_check(const struct hcall_env *env, uint32_t attrs,
			       uint64_t charge_bytes);

/* Serves one hypercall (RAX = fn, RBX = gpa, RCX = size); returns the RAX
 * the guest gets back. Nothing is read before its range is checked. The
 * non-volatile bytes a SetVariable wrote are added to env's count. */
uint64_t hcall_dispatch(struct hcall_env *env, uint64_t fn, uint64_t gpa, uint64_t size);

#endif
