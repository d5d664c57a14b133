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
#include "rt/rt.h"

/* Function numbers (RAX in). */
enum hcall_fn {
	HCALL_VERSION = 0,
	HCALL_GET_VARIABLE = 1,
	HCALL_GET_NEXT_VARIABLE_NAME = 2,
	HCALL_SET_VARIABLE = 3,
	HCALL_QUERY_VARIABLE_INFO = 4,
	HCALL_GET_TIME = 5,
	HCALL_COUNT
};

#define HCALL_ABI_VERSION	0x00010000ULL

/* Statuses the checks give (UEFI 2.10 Appendix D). */
#define HCALL_INVALID_PARAMETER	EFI_ERR(2)
#define HCALL_UNSUPPORTED	EFI_ERR(3)
#define HCALL_BUFFER_TOO_SMALL	EFI_ERR(5)
#define HCALL_WRITE_PROTECTED	EFI_ERR(8)
#define HCALL_ACCESS_DENIED	EFI_ERR(15)

/* Request layout for functions 1..3: the fixed header, then the name,
 * then the data right after it, at HCALL_VAR_HDR + name_size. */
#define HCALL_VAR_HDR		32	/* guid, attributes, name_size, data_size */
#define HCALL_VARINFO_SIZE	32	/* attributes, pad, three uint64_t */
#define HCALL_TIME_SIZE		28	/* EFI_TIME + EFI_TIME_CAPABILITIES */

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
 * at least one character, at most RT_NAME_MAX, the name inside the
 * request and (1, 3; for 2 the name going in) NUL-terminated within
 * name_size; for 1 and 3 the data right after it inside the request, and
 * for 3 data_size at most RT_DATA_MAX. HCALL_INVALID_PARAMETER, or 0
 * with *out filled. */
efi_status_t hcall_check_var(const uint8_t *mem, uint64_t mem_bytes, uint64_t fn,
			     uint64_t gpa, uint64_t size, struct hcall_var_req *out);

/* What the policy allows (hvboot.cfg `guest_vars`). */
struct hcall_policy {
	uint32_t mode;		/* enum hv_guest_vars */
	struct efi_guid guid;	/* HV_GUEST_VARS_WRITE: the one vendor GUID */
};

/* 0 if fn may touch a variable of guid; else HCALL_ACCESS_DENIED (any
 * variable function with `none`) or HCALL_WRITE_PROTECTED (a SetVariable
 * the policy does not allow: `read`, another GUID, or the global or image
 * security database GUID, whose variables steer boot and Secure Boot). */
efi_status_t hcall_policy_check(const struct hcall_policy *p, uint64_t fn,
				const struct efi_guid *guid);

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
};

/* Serves one hypercall (RAX = fn, RBX = gpa, RCX = size); returns the RAX
 * the guest gets back. Nothing is read before its range is checked. */
uint64_t hcall_dispatch(const struct hcall_env *env, uint64_t fn, uint64_t gpa, uint64_t size);

#endif
