/* The boundary between the hypervisor and the EFI shim that runs inside a
 * Linux guest (README: The Linux guest's EFI). Compiled by both sides: the
 * table builder (efitables.c) fills these structures in guest memory, the
 * shim (shim_*.c, built freestanding and position independent into
 * efishim.bin) reads and converts them.
 *
 * Two regions of guest memory, each one descriptor of the guest's EFI
 * memory map:
 *   code (EfiRuntimeServicesCode): the blob, starting with struct
 *        efishim_header, which the builder completes at placement;
 *   data (EfiRuntimeServicesData): struct efishim_data (the system table,
 *        the runtime services table, the configuration tables, the shim's
 *        state and its hypercall buffer), then the EFI memory map.
 * Every guest pointer is a uint64_t: the guest's width, whatever the host's. */
#ifndef HV_VM_EFI_EFISHIM_H
#define HV_VM_EFI_EFISHIM_H

#include <stdint.h>
#include "efi_status.h"
#include "hvguest.h"
#include "layout.h"
#include "loader/rttable.h"
#include "rt/rt.h"

/* EFI_TABLE_HEADER signature and revision (UEFI 2.10 §4.2, §4.3); the
 * runtime services table's signature is loader/rttable.h's. */
#define EFI_SYSTEM_TABLE_SIGNATURE	0x5453595320494249ULL	/* "IBI SYST" */
#define EFI_2_70_SYSTEM_TABLE_REVISION	((2u << 16) | 70u)

/* EFI_RT_PROPERTIES_TABLE (UEFI 2.10 §4.6.2): version 1, 8 bytes, and its
 * RuntimeServicesSupported bits (not in the order of the table's slots). */
#define EFI_RT_PROPERTIES_TABLE_VERSION			0x1
#define EFI_RT_SUPPORTED_GET_TIME			0x0001
#define EFI_RT_SUPPORTED_SET_TIME			0x0002
#define EFI_RT_SUPPORTED_GET_WAKEUP_TIME		0x0004
#define EFI_RT_SUPPORTED_SET_WAKEUP_TIME		0x0008
#define EFI_RT_SUPPORTED_GET_VARIABLE			0x0010
#define EFI_RT_SUPPORTED_GET_NEXT_VARIABLE_NAME		0x0020
#define EFI_RT_SUPPORTED_SET_VARIABLE			0x0040
#define EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP	0x0080
#define EFI_RT_SUPPORTED_CONVERT_POINTER		0x0100
#define EFI_RT_SUPPORTED_GET_NEXT_HIGH_MONOTONIC_COUNT	0x0200
#define EFI_RT_SUPPORTED_RESET_SYSTEM			0x0400
#define EFI_RT_SUPPORTED_UPDATE_CAPSULE			0x0800
#define EFI_RT_SUPPORTED_QUERY_CAPSULE_CAPABILITIES	0x1000
#define EFI_RT_SUPPORTED_QUERY_VARIABLE_INFO		0x2000

/* ConvertPointer's DebugDisposition (UEFI 2.10 §8.4.2). */
#define EFI_OPTIONAL_PTR	0x00000001

/* The memory map the guest gets: OVMF's stride and version. */
#define EFISHIM_DESC_SIZE	48
#define EFISHIM_DESC_VERSION	1

struct efi_table_header64 {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};
_Static_assert(sizeof(struct efi_table_header64) == 24, "EFI_TABLE_HEADER");

/* EFI_SYSTEM_TABLE (UEFI 2.10 §4.3), x64. */
struct efi_system_table64 {
	struct efi_table_header64 hdr;
	uint64_t firmware_vendor;		/* CHAR16 * */
	uint32_t firmware_revision;
	uint32_t pad;
	uint64_t con_in_handle, con_in;
	uint64_t con_out_handle, con_out;
	uint64_t std_err_handle, std_err;
	uint64_t runtime_services;
	uint64_t boot_services;
	uint64_t nr_tables;
	uint64_t config_table;
};
_Static_assert(sizeof(struct efi_system_table64) == 120, "EFI_SYSTEM_TABLE");
_Static_assert(__builtin_offsetof(struct efi_system_table64, runtime_services) == 88, "RT");
_Static_assert(__builtin_offsetof(struct efi_system_table64, config_table) == 112, "config");

/* EFI_RUNTIME_SERVICES (UEFI 2.10 §4.5): the slots in enum rt_svc order. */
struct efi_runtime_services64 {
	struct efi_table_header64 hdr;
	uint64_t fn[RT_SVC_COUNT];
};
_Static_assert(sizeof(struct efi_runtime_services64) == RTTABLE_BYTES, "EFI_RUNTIME_SERVICES");

/* EFI_CONFIGURATION_TABLE (UEFI 2.10 §4.6). */
struct efi_config_table64 {
	uint8_t guid[16];
	uint64_t table;
};
_Static_assert(sizeof(struct efi_config_table64) == 24, "EFI_CONFIGURATION_TABLE");

/* EFI_RT_PROPERTIES_TABLE (UEFI 2.10 §4.6.2). */
struct efi_rt_properties {
	uint16_t version;
	uint16_t length;
	uint32_t supported;
};
_Static_assert(sizeof(struct efi_rt_properties) == 8, "EFI_RT_PROPERTIES_TABLE");

/* eb66918a-7eef-402a-842e-931d21c38ae9, as the bytes of an EFI_GUID. */
#define EFI_RT_PROPERTIES_TABLE_GUID_BYTES \
	{ 0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40, \
	  0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9 }

/* --- the blob's header (code region, offset 0; shim_head.asm) ------- */

#define EFISHIM_MAGIC		"HVEFISH1"
#define EFISHIM_VERSION		1

/* The builder reads the first part (entry points as offsets relative to
 * their own field, so the blob needs no relocation) and fills the second.
 * SetVirtualAddressMap converts data_va; nothing else here changes. */
struct efishim_header {
	char magic[8];
	uint32_t version;
	uint32_t header_bytes;		/* sizeof(struct efishim_header) */
	int32_t end_rel;		/* end of the blob, from this field */
	int32_t entry_rel[RT_SVC_COUNT]; /* service s, from entry_rel[s] */
	uint32_t pad;
	/* filled at placement */
	uint64_t code_gpa, code_bytes;
	uint64_t data_gpa, data_bytes;
	uint64_t data_va;		/* where the shim reaches its data now */
};
_Static_assert(__builtin_offsetof(struct efishim_header, end_rel) == 16, "asm layout");
_Static_assert(__builtin_offsetof(struct efishim_header, entry_rel) == 20, "asm layout");
_Static_assert(__builtin_offsetof(struct efishim_header, code_gpa) == 80, "asm layout");
_Static_assert(sizeof(struct efishim_header) == 120, "asm layout");

/* --- the data region ----------------------------------------------------- */

/* Largest name (bytes, UTF-16 with the NUL) and data a call carries. */
#define EFISHIM_NAME_MAX	2048
#define EFISHIM_DATA_MAX	(64 * 1024)
#define EFISHIM_CALL_BYTES	(sizeof(struct hvcall_var_req) + EFISHIM_NAME_MAX + EFISHIM_DATA_MAX)

#define EFISHIM_CONFIG_COUNT	1	/* the EFI_RT_PROPERTIES_TABLE */
#define EFISHIM_VENDOR		u"hvboot"
#define EFISHIM_VENDOR_UNITS	8	/* "hvboot", its NUL, padding */

/* One runtime region as SetVirtualAddressMap mapped it. */
struct efishim_map {
	uint64_t pa, va, bytes;
};
enum { EFISHIM_REGION_CODE, EFISHIM_REGION_DATA, EFISHIM_REGIONS };

/* What the shim keeps between calls. */
struct efishim_state {
	uint32_t supported;		/* EFI_RT_SUPPORTED_* the shim serves */
	uint32_t high_count;		/* GetNextHighMonotonicCount's last value */
	uint32_t virtual_mode;		/* 1 once SetVirtualAddressMap succeeded */
	uint32_t pad;
	struct efishim_map map[EFISHIM_REGIONS]; /* valid in virtual mode */
};

/* The calls the shim passes to the hypervisor, counted by the shim: how
 * many, and the TSC cycles from its entry to its return, summed (README:
 * The Linux guest's EFI; `guest info` shows them and `make bench` divides
 * them). GetVariable without a data buffer, the size query Linux makes
 * before each read, is counted apart from the reads. Guest memory: the
 * hypervisor shows these as the guest's own account, nothing more. */
enum efishim_tally_kind {
	EFISHIM_TALLY_GET_VARIABLE,
	EFISHIM_TALLY_GET_VARIABLE_SIZE,
	EFISHIM_TALLY_GET_NEXT_VARIABLE_NAME,
	EFISHIM_TALLY_SET_VARIABLE,
	EFISHIM_TALLY_QUERY_VARIABLE_INFO,
	EFISHIM_TALLY_GET_TIME,
	EFISHIM_TALLIES
};

struct efishim_tally {
	uint64_t calls, cycles;
};

struct efishim_data {
	struct efi_system_table64 systab;
	uint64_t pad0;
	struct efi_runtime_services64 rt;
	struct efi_config_table64 config[EFISHIM_CONFIG_COUNT];
	struct efi_rt_properties rt_properties;
	uint16_t vendor[EFISHIM_VENDOR_UNITS];
	struct efishim_state state;
	struct efishim_tally tally[EFISHIM_TALLIES];
	/* The hypercall request (README: Hypercall ABI), page aligned; the
	 * hypervisor reaches it at data_gpa + offsetof(call). */
	uint8_t call[EFISHIM_CALL_BYTES] __attribute__((aligned(4096)));
};
_Static_assert(__builtin_offsetof(struct efishim_data, call) == 4096, "one page of tables");

/* The hypercall the shim makes (shim_head.asm; a fake in host tests):
 * RAX = fn, RBX = gpa, RCX = size; returns RAX. */
uint64_t efishim_hypercall(uint64_t fn, uint64_t gpa, uint64_t size);

/* Stops the CPU for good (cli; hlt): after a ResetSystem the hypervisor
 * did not end the guest. */
__attribute__((noreturn)) void efishim_halt(void);

/* The header of the blob this code belongs to (shim_head.asm; the test
 * provides its own). */
extern struct efishim_header efishim_header;

#endif
