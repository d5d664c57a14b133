/* A guest for the EFI shim's host tests: guest memory in a memfd, seen
 * three ways, as in a real guest:
 *   - the guest's 1:1 view, mapped at host address GUEST_GPA, so a pointer
 *     the shim uses in physical mode is the guest-physical address itself;
 *   - the hypervisor's view, elsewhere, through which the fake hypervisor
 *     (hv/vm/hcall.c's real dispatcher over a fake firmware) serves requests;
 *   - the guest's "kernel-virtual" views of the two EFI regions, mapped at
 *     addresses the kernel chose, for SetVirtualAddressMap.
 * The firmware behind the dispatcher is a small variable store. */
#ifndef HVBOOT_TEST_EFISHIM_GUEST_H
#define HVBOOT_TEST_EFISHIM_GUEST_H

/* Needs _GNU_SOURCE (memfd_create, MAP_FIXED_NOREPLACE) before any
 * system header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/vm/hcall.h"
#include "rt/ucs2.h"
#include "hv/vm/efi/efitables.h"

/* Below ASan's shadow (x86-64 low memory ends at 0x7fff8000). */
#define GUEST_GPA	0x40000000ULL
#define GUEST_BYTES	(4ULL << 20)
#define GUEST_WINDOW	(GUEST_GPA + 0x100000ULL)	/* 1 MiB into guest RAM */

static const struct efi_guid test_vendor = {
	0x3f1d4b7e, 0x2c5a, 0x4e8e, { 0x9d, 0x41, 0x6a, 0x0b, 0x9c, 0x7e, 0x5f, 0x10 }
};

/* --- the fake firmware --------------------------------------------------- */

#define FW_VARS		8
#define FW_NAME_UNITS	1200		/* one name longer than the shim carries */
#define FW_DATA_BYTES	(96 * 1024)	/* one variable larger than it carries */

struct fw_var {
	bool used;
	struct efi_guid guid;
	uint16_t name[FW_NAME_UNITS];
	uint32_t attrs;
	size_t size;
	uint8_t data[FW_DATA_BYTES];
};

static struct fw_var fw_vars[FW_VARS];
static struct efi_time fw_time = { 2026, 12, 6, 21, 30, 15, 0, 500, 60, 1, 0 };
static uint64_t fw_calls;

static size_t fw_name_units(const uint16_t *n)
{
	return ucs2_len(n, FW_NAME_UNITS);
}

static struct fw_var *fw_find(const uint16_t *name, const struct efi_guid *guid)
{
	for (int i = 0; i < FW_VARS; i++)
		if (fw_vars[i].used && efivar_guid_equal(&fw_vars[i].guid, guid) &&
		    !memcmp(fw_vars[i].name, name, 2 * (fw_name_units(name) + 1)))
			return &fw_vars[i];
	return NULL;
}

static void fw_put(const char *ascii, const struct efi_guid *guid, uint32_t attrs,
		   const void *data, size_t size)
{
	for (int i = 0; i < FW_VARS; i++) {
		struct fw_var *v = &fw_vars[i];

		if (v->used)
			continue;
		memset(v, 0, sizeof(*v));
		v->used = true;
		v->guid = *guid;
		for (size_t k = 0; ascii[k]; k++)
			v->name[k] = (uint8_t)ascii[k];
		v->attrs = attrs;
		v->size = size;
		memcpy(v->data, data, size);
		return;
	}
	abort();
}

static efi_status_t fw_get(const uint16_t *name, const struct efi_guid *guid, uint32_t *attrs,
			   void *data, size_t *size)
{
	struct fw_var *v = fw_find(name, guid);

	fw_calls++;
	if (!v)
		return EFI_NOT_FOUND;
	*attrs = v->attrs;
	if (*size < v->size) {
		*size = v->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(data, v->data, v->size);
	*size = v->size;
	return 0;
}

static efi_status_t fw_next(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	int start = 0;

	fw_calls++;
	if (name[0]) {
		struct fw_var *v = fw_find(name, guid);

		if (!v)
			return EFI_INVALID_PARAMETER;
		start = (int)(v - fw_vars) + 1;
	}
	for (int i = start; i < FW_VARS; i++) {
		size_t n;

		if (!fw_vars[i].used)
			continue;
		n = fw_name_units(fw_vars[i].name) + 1;
		if (n > cap)
			return EFI_BUFFER_TOO_SMALL;
		memcpy(name, fw_vars[i].name, 2 * n);
		*guid = fw_vars[i].guid;
		return 0;
	}
	return EFI_NOT_FOUND;
}

static efi_status_t fw_set(const uint16_t *name, const struct efi_guid *guid, uint32_t attrs,
			   const void *data, size_t size)
{
	struct fw_var *v = fw_find(name, guid);

	fw_calls++;
	if (v && !size) {
		v->used = false;
		return 0;
	}
	if (!size)
		return EFI_NOT_FOUND;
	if (!v) {
		for (v = fw_vars; v < fw_vars + FW_VARS && v->used; v++)
			;
		if (v == fw_vars + FW_VARS)
			return EFI_OUT_OF_RESOURCES;
		memset(v, 0, sizeof(*v));
		v->used = true;
		v->guid = *guid;
		memcpy(v->name, name, 2 * (fw_name_units(name) + 1));
	}
	v->attrs = attrs;
	v->size = size;
	memcpy(v->data, data, size);
	return 0;
}

static efi_status_t fw_query(uint32_t attrs, uint64_t *max_storage, uint64_t *remaining,
			     uint64_t *max_var)
{
	fw_calls++;
	if (!attrs)
		return EFI_INVALID_PARAMETER;
	*max_storage = 0x3FF9C;
	*remaining = 0x3BE40;
	*max_var = 0x83C4;
	return 0;
}

static efi_status_t fw_get_time(struct efi_time *t, struct efi_time_cap *cap)
{
	fw_calls++;
	*t = fw_time;
	*cap = (struct efi_time_cap){ 1, 50000000, 0, { 0 } };
	return 0;
}

static const struct hcall_services fw_services = {
	fw_get, fw_next, fw_set, fw_query, fw_get_time,
};

/* --- the guest ----------------------------------------------------------- */

struct test_guest {
	int fd;
	uint8_t *phys;		/* the 1:1 view, at GUEST_GPA */
	uint8_t *hv;		/* the hypervisor's view of [GUEST_GPA, + GUEST_BYTES) */
	uint8_t *code_va, *data_va;	/* the second mappings of the two regions */
	struct hcall_env env;
	struct efitables_layout layout;
	struct efitables_efi_info info;
	uint64_t last_fn, last_gpa, last_size, hypercalls;
};

static struct test_guest guest;

static void *gpa_hv(uint64_t gpa)
{
	return guest.hv + (gpa - GUEST_GPA);
}

/* The hypervisor's side of one hypercall. */
static uint64_t test_guest_hypercall(uint64_t fn, uint64_t gpa, uint64_t size)
{
	guest.last_fn = fn;
	guest.last_gpa = gpa;
	guest.last_size = size;
	guest.hypercalls++;
	return hcall_dispatch(&guest.env, fn, gpa, size);
}

/* Guest memory and the EFI tables for a policy; blob = the shim's bytes. */
static void test_guest_start(uint32_t guest_vars, const void *blob, uint64_t blob_bytes)
{
	struct efitables_ram ram = { GUEST_GPA, GUEST_BYTES };
	struct efitables_in in = { &ram, 1, GUEST_WINDOW, guest_vars, blob, blob_bytes };
	const char *why;

	memset(&guest, 0, sizeof(guest));
	guest.fd = memfd_create("guest", 0);
	if (guest.fd < 0 || ftruncate(guest.fd, GUEST_BYTES))
		abort();
	guest.phys = mmap((void *)GUEST_GPA, GUEST_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_SHARED | MAP_FIXED_NOREPLACE, guest.fd, 0);
	guest.hv = mmap(NULL, GUEST_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, guest.fd, 0);
	if (guest.phys != (uint8_t *)GUEST_GPA || guest.hv == MAP_FAILED)
		abort();
	/* The hypervisor reaches guest-physical g at mem + g. */
	guest.env.mem = guest.hv - GUEST_GPA;
	guest.env.mem_bytes = GUEST_GPA + GUEST_BYTES;
	guest.env.policy.mode = guest_vars;
	guest.env.policy.guid = test_vendor;
	guest.env.svc = &fw_services;
	why = efitables_build(guest.env.mem, guest.env.mem_bytes, &in, &guest.info, &guest.layout);
	if (why)
		abort();

	memset(fw_vars, 0, sizeof(fw_vars));
	fw_calls = 0;
}

/* Maps the two regions a second time, where the kernel likes (code and
 * data apart, as Linux maps them), into guest.code_va / data_va. */
static void test_guest_map_virtual(void)
{
	uint64_t code_off = guest.layout.code_gpa - GUEST_GPA;
	uint64_t data_off = guest.layout.data_gpa - GUEST_GPA;

	guest.data_va = mmap(NULL, guest.layout.data_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
			     guest.fd, (off_t)data_off);
	guest.code_va = mmap(NULL, guest.layout.code_bytes, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_SHARED, guest.fd, (off_t)code_off);
	if (guest.data_va == MAP_FAILED || guest.code_va == MAP_FAILED)
		abort();
}

/* The runtime part of the guest's memory map with VirtualStart filled, as
 * Linux hands it to SetVirtualAddressMap (48-byte descriptors). */
static size_t test_guest_virtual_map(uint8_t *out)
{
	const uint8_t *m = gpa_hv(guest.layout.memmap_gpa);
	size_t n = 0;

	for (uint32_t off = 0; off < guest.layout.memmap_bytes; off += EFISHIM_DESC_SIZE) {
		struct efi_mdesc d;

		memcpy(&d, m + off, sizeof(d));
		if (!(d.attr & EFI_MEMORY_RUNTIME))
			continue;
		d.va = d.type == EFI_MT_RT_CODE ? (uint64_t)(uintptr_t)guest.code_va
						: (uint64_t)(uintptr_t)guest.data_va;
		memset(out + n, 0, EFISHIM_DESC_SIZE);
		memcpy(out + n, &d, sizeof(d));
		n += EFISHIM_DESC_SIZE;
	}
	return n;
}

static void test_guest_stop(void)
{
	if (guest.code_va)
		munmap(guest.code_va, guest.layout.code_bytes);
	if (guest.data_va)
		munmap(guest.data_va, guest.layout.data_bytes);
	if (guest.phys)
		munmap(guest.phys, GUEST_BYTES);
	munmap(guest.hv, GUEST_BYTES);
	close(guest.fd);
	memset(&guest, 0, sizeof(guest));
}

#endif
