/* The guest ABI (README: Guest ABI, Hypercall ABI): what a guest and the
 * hypervisor share, compiled by both sides (hv/vm/, the test guest in
 * tests/guest/, the guests' own EFI). Freestanding; fixed-width fields
 * only, offsets pinned below, so a change to the ABI shows here first.
 *
 * A guest starts in 64-bit mode with RDI = the guest-physical address of
 * a struct hvguest_bootinfo. It calls the hypervisor with `vmmcall`:
 * RAX = function (enum hvcall_fn), RBX = guest-physical address of the
 * request, RCX = its size in bytes; RAX comes back as an EFI status
 * (efi_status.h). Every pointer is guest-physical. */
#ifndef HVBOOT_HVGUEST_H
#define HVBOOT_HVGUEST_H

#include <stdint.h>

/* ---------------------------------------------------------------- boot page */

#define HVGUEST_MAGIC		"HVGUEST1"	/* 8 bytes, no NUL */
#define HVGUEST_MAGIC_BYTES	8
#define HVGUEST_ARGS_MAX	256		/* the NUL included */

struct hvguest_bootinfo {
	char magic[HVGUEST_MAGIC_BYTES];	/* HVGUEST_MAGIC */
	uint64_t mem_bytes;			/* guest memory: [0, mem_bytes) */
	char args[HVGUEST_ARGS_MAX];		/* NUL-terminated */
};
_Static_assert(__builtin_offsetof(struct hvguest_bootinfo, magic) == 0, "boot page: magic");
_Static_assert(__builtin_offsetof(struct hvguest_bootinfo, mem_bytes) == 8, "boot page: mem_bytes");
_Static_assert(__builtin_offsetof(struct hvguest_bootinfo, args) == 16, "boot page: args");
_Static_assert(sizeof(struct hvguest_bootinfo) == 272, "boot page: 272 bytes");

/* ---------------------------------------------------------------- hypercalls */

enum hvcall_fn {
	HVCALL_VERSION = 0,			/* no request; returns HVCALL_ABI_VERSION */
	HVCALL_GET_VARIABLE = 1,		/* struct hvcall_var_req */
	HVCALL_GET_NEXT_VARIABLE_NAME = 2,	/* struct hvcall_var_req */
	HVCALL_SET_VARIABLE = 3,		/* struct hvcall_var_req */
	HVCALL_QUERY_VARIABLE_INFO = 4,		/* struct hvcall_varinfo_req */
	HVCALL_GET_TIME = 5,			/* struct hvcall_time_req */
	HVCALL_RESET_SYSTEM = 6,		/* reserved: RBX = EFI_RESET_TYPE, ends the guest */
	HVCALL_COUNT
};

#define HVCALL_ABI_VERSION	0x00010000ULL

/* Functions 1..3: this header, then the name (UTF-16LE, NUL-terminated)
 * at offset 32, then the data right after it, at 32 + name_size. */
struct hvcall_var_req {
	uint8_t guid[16];	/* EFI_GUID as it lies in memory */
	uint32_t attributes;	/* in for Set, out for Get */
	uint32_t name_size;	/* bytes with the NUL; for 2: room in, size out */
	uint64_t data_size;	/* room in; bytes returned (or needed) out */
};
_Static_assert(__builtin_offsetof(struct hvcall_var_req, guid) == 0, "var: guid");
_Static_assert(__builtin_offsetof(struct hvcall_var_req, attributes) == 16, "var: attributes");
_Static_assert(__builtin_offsetof(struct hvcall_var_req, name_size) == 20, "var: name_size");
_Static_assert(__builtin_offsetof(struct hvcall_var_req, data_size) == 24, "var: data_size");
_Static_assert(sizeof(struct hvcall_var_req) == 32, "var: the name at 32");

/* Function 4: attributes in, the three sizes out (UEFI 2.10 §8.2.5). */
struct hvcall_varinfo_req {
	uint32_t attributes;
	uint32_t pad;
	uint64_t max_storage;
	uint64_t remaining;
	uint64_t max_variable;
};
_Static_assert(__builtin_offsetof(struct hvcall_varinfo_req, attributes) == 0, "varinfo: attributes");
_Static_assert(__builtin_offsetof(struct hvcall_varinfo_req, max_storage) == 8, "varinfo: max_storage");
_Static_assert(__builtin_offsetof(struct hvcall_varinfo_req, remaining) == 16, "varinfo: remaining");
_Static_assert(__builtin_offsetof(struct hvcall_varinfo_req, max_variable) == 24, "varinfo: max_variable");
_Static_assert(sizeof(struct hvcall_varinfo_req) == 32, "varinfo: 32 bytes");

/* Function 5: EFI_TIME, then EFI_TIME_CAPABILITIES (UEFI 2.10 §8.3.1). */
struct hvcall_time_req {
	uint16_t year;
	uint8_t month, day, hour, minute, second, pad1;
	uint32_t nanosecond;
	int16_t time_zone;
	uint8_t daylight, pad2;
	uint32_t resolution;	/* EFI_TIME_CAPABILITIES */
	uint32_t accuracy;
	uint8_t sets_to_zero;
	uint8_t pad3[3];
};
_Static_assert(__builtin_offsetof(struct hvcall_time_req, nanosecond) == 8, "time: nanosecond");
_Static_assert(__builtin_offsetof(struct hvcall_time_req, time_zone) == 12, "time: time_zone");
_Static_assert(__builtin_offsetof(struct hvcall_time_req, resolution) == 16, "time: capabilities at 16");
_Static_assert(__builtin_offsetof(struct hvcall_time_req, sets_to_zero) == 24, "time: sets_to_zero");
_Static_assert(sizeof(struct hvcall_time_req) == 28, "time: 16 + 12 bytes");

#endif
