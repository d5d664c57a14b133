/* hv/vm/efi/shim_*.c, compiled for the host and linked with a fake
 * hypercall that plays the hypervisor (hv/vm/hcall.c's real dispatcher over a
 * fake firmware) on the shim's buffer: every service checks its arguments
 * with the spec's statuses, gives the hypervisor only the guest-physical
 * address of its own buffer, copies results back within the caller's
 * buffers, and SetVirtualAddressMap moves the shim to a second mapping of
 * the same memory so that the first can go. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "efishim_guest.h"
#include "efishim_blob_file.h"
#include "hv/vm/efi/shim.h"
#include "loader/crc32.h"

/* What shim_head.asm provides in the blob. */
struct efishim_header efishim_header;
static jmp_buf halted;

uint64_t efishim_hypercall(uint64_t fn, uint64_t gpa, uint64_t size)
{
	return test_guest_hypercall(fn, gpa, size);
}

void efishim_halt(void)
{
	longjmp(halted, 1);
}

#define NV_BS_RT	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
			 EFI_VARIABLE_RUNTIME_ACCESS)

#define BS_RT		(EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)

static const uint16_t boot_order[] = u"BootOrder";
static const uint16_t test_name[] = u"HvbootTest";

static struct efishim_data *data_hv(void)
{
	return gpa_hv(guest.layout.data_gpa);
}

/* A guest whose shim is this binary's code; its header is the one the
 * builder placed in guest memory. */
static void start(uint32_t guest_vars)
{
	test_guest_start(guest_vars, blob_bytes_buf, blob_len);
	memcpy(&efishim_header, gpa_hv(guest.layout.code_gpa), sizeof(efishim_header));
	fw_put("BootOrder", &EFI_GLOBAL_VARIABLE_GUID, NV_BS_RT, "\x01\x00\x02\x00", 4);
	fw_put("HvbootTest", &test_vendor, NV_BS_RT, "hello", 5);
}

static int setup_read(void **state)
{
	(void)state;
	start(HV_GUEST_VARS_READ);
	return 0;
}

static int setup_write(void **state)
{
	(void)state;
	start(HV_GUEST_VARS_WRITE);
	return 0;
}

static int setup_none(void **state)
{
	(void)state;
	start(HV_GUEST_VARS_NONE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_guest_stop();
	return 0;
}

/* --- GetVariable --------------------------------------------------------- */

static void test_get_variable_returns_data_and_attributes(void **state)
{
	uint8_t buf[16] = { 0 };
	uint64_t size = sizeof(buf);
	uint32_t attrs = 0;

	(void)state;
	assert_int_equal(shim_get_variable(test_name, &test_vendor, &attrs, &size, buf), EFI_SUCCESS);
	assert_int_equal(size, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(buf[5], 0);
	assert_int_equal(attrs, NV_BS_RT);
}

static void test_get_variable_reports_size_needed_with_attributes(void **state)
{
	uint64_t size = 0;
	uint32_t attrs = 0;
	uint8_t one[1] = { 0xAA };

	(void)state;
	assert_int_equal(shim_get_variable(boot_order, &EFI_GLOBAL_VARIABLE_GUID, &attrs, &size, NULL),
			 EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 4);
	assert_int_equal(attrs, NV_BS_RT);
	size = 1;
	assert_int_equal(shim_get_variable(boot_order, &EFI_GLOBAL_VARIABLE_GUID, NULL, &size, one),
			 EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 4);
	assert_int_equal(one[0], 0xAA);
}

static void test_get_variable_rejects_null_arguments_without_a_hypercall(void **state)
{
	uint64_t size = 8;
	uint8_t buf[8];

	(void)state;
	assert_int_equal(shim_get_variable(NULL, &test_vendor, NULL, &size, buf), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_get_variable(test_name, NULL, NULL, &size, buf), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_get_variable(test_name, &test_vendor, NULL, NULL, buf),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(guest.hypercalls, 0);
}

static void test_get_variable_with_room_but_no_buffer_is_invalid(void **state)
{
	uint64_t size = 64;

	(void)state;
	assert_int_equal(shim_get_variable(test_name, &test_vendor, NULL, &size, NULL),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(size, 64);
}

static void test_get_variable_of_unknown_name_is_not_found(void **state)
{
	uint64_t size = 8;
	uint8_t buf[8];

	(void)state;
	assert_int_equal(shim_get_variable(u"Nope", &test_vendor, NULL, &size, buf), EFI_NOT_FOUND);
	assert_int_equal(shim_get_variable(u"", &test_vendor, NULL, &size, buf), EFI_NOT_FOUND);
}

static void test_get_variable_larger_than_the_shim_carries_is_device_error(void **state)
{
	static uint8_t big[70000], out[80000];
	uint64_t size = 10;

	(void)state;
	memset(big, 0x5A, sizeof(big));
	fw_put("Big", &test_vendor, NV_BS_RT, big, sizeof(big));
	assert_int_equal(shim_get_variable(u"Big", &test_vendor, NULL, &size, out), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, sizeof(big));
	size = sizeof(out);
	assert_int_equal(shim_get_variable(u"Big", &test_vendor, NULL, &size, out), EFI_DEVICE_ERROR);
	assert_int_equal(size, sizeof(out));
}

static void test_names_longer_than_2048_bytes_are_refused_unread(void **state)
{
	static uint16_t name[1100];
	uint64_t size = 8;
	uint8_t buf[8];

	(void)state;
	for (int i = 0; i < 1099; i++)
		name[i] = 'A';
	assert_int_equal(shim_get_variable(name, &test_vendor, NULL, &size, buf), EFI_INVALID_PARAMETER);
	/* 1,023 characters and the NUL: 2,048 bytes, the longest carried. */
	name[1023] = 0;
	assert_int_equal(shim_get_variable(name, &test_vendor, NULL, &size, buf), EFI_NOT_FOUND);
	assert_int_equal(guest.hypercalls, 1);
	assert_int_equal(guest.last_size, SHIM_VAR_HDR + 2048 + 8);
}

static void test_the_hypervisor_sees_only_the_shim_buffer_gpa(void **state)
{
	uint8_t buf[16];
	uint64_t size = sizeof(buf);

	(void)state;
	assert_int_equal(shim_get_variable(test_name, &test_vendor, NULL, &size, buf), EFI_SUCCESS);
	assert_int_equal(guest.last_fn, HVCALL_GET_VARIABLE);
	assert_int_equal(guest.last_gpa, guest.layout.data_gpa + offsetof(struct efishim_data, call));
	assert_int_equal(guest.last_size, SHIM_VAR_HDR + sizeof(test_name) + sizeof(buf));
}

/* --- GetNextVariableName ------------------------------------------------- */

static void test_get_next_variable_name_walks_every_variable(void **state)
{
	uint16_t name[64] = { 0 };
	struct efi_guid guid = { 0 };
	uint64_t size;
	int seen = 0;

	(void)state;
	for (;;) {
		size = sizeof(name);
		uint64_t st = shim_get_next_variable_name(&size, name, &guid);

		if (st == EFI_NOT_FOUND)
			break;
		assert_int_equal(st, EFI_SUCCESS);
		if (seen == 0) {
			assert_int_equal(size, sizeof(boot_order));
			assert_memory_equal(name, boot_order, sizeof(boot_order));
			assert_true(efivar_guid_equal(&guid, &EFI_GLOBAL_VARIABLE_GUID));
		} else {
			assert_int_equal(size, sizeof(test_name));
			assert_memory_equal(name, test_name, sizeof(test_name));
			assert_true(efivar_guid_equal(&guid, &test_vendor));
		}
		seen++;
	}
	assert_int_equal(seen, 2);
}

static void test_get_next_variable_name_reports_size_needed(void **state)
{
	uint16_t name[4] = { 0 };
	struct efi_guid guid = { 0 };
	uint64_t size = sizeof(name);

	(void)state;
	assert_int_equal(shim_get_next_variable_name(&size, name, &guid), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, sizeof(boot_order));
	assert_int_equal(name[0], 0);
}

static void test_get_next_variable_name_needs_a_nul_within_the_size(void **state)
{
	uint16_t name[4] = { 'A', 'B', 'C', 0 };
	struct efi_guid guid = { 0 };
	uint64_t size = 6;

	(void)state;
	assert_int_equal(shim_get_next_variable_name(&size, name, &guid), EFI_INVALID_PARAMETER);
	size = 1;
	name[0] = 0;
	assert_int_equal(shim_get_next_variable_name(&size, name, &guid), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_get_next_variable_name(NULL, name, &guid), EFI_INVALID_PARAMETER);
	size = 8;
	assert_int_equal(shim_get_next_variable_name(&size, NULL, &guid), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_get_next_variable_name(&size, name, NULL), EFI_INVALID_PARAMETER);
	assert_int_equal(guest.hypercalls, 0);
}

static void test_get_next_variable_name_longer_than_the_shim_carries(void **state)
{
	static char ascii[1101];
	static uint16_t name[2048];
	struct efi_guid guid = EFI_GLOBAL_VARIABLE_GUID;
	uint64_t size;

	(void)state;
	memset(ascii, 'L', 1100);
	memset(fw_vars, 0, sizeof(fw_vars));
	fw_put(ascii, &test_vendor, NV_BS_RT, "x", 1);
	/* A buffer too small for it learns the size; one large enough for
	 * it, but beyond the shim's limit, gets EFI_DEVICE_ERROR. */
	size = 1024;
	name[0] = 0;
	assert_int_equal(shim_get_next_variable_name(&size, name, &guid), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 2 * 1101);
	size = sizeof(name);
	assert_int_equal(shim_get_next_variable_name(&size, name, &guid), EFI_DEVICE_ERROR);
	assert_int_equal(name[0], 0);
}

/* --- SetVariable --------------------------------------------------------- */

static void test_set_variable_writes_and_deletes_under_write_policy(void **state)
{
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	(void)state;
	assert_int_equal(data_hv()->rt_properties.supported & EFI_RT_SUPPORTED_SET_VARIABLE,
			 EFI_RT_SUPPORTED_SET_VARIABLE);
	assert_int_equal(shim_set_variable(u"New", &test_vendor, NV_BS_RT, 3, "abc"), EFI_SUCCESS);
	assert_int_equal(shim_get_variable(u"New", &test_vendor, NULL, &size, buf), EFI_SUCCESS);
	assert_memory_equal(buf, "abc", 3);
	/* UEFI 2.10 §8.2.3: DataSize 0 deletes; Data may then be NULL. */
	assert_int_equal(shim_set_variable(u"New", &test_vendor, NV_BS_RT, 0, NULL), EFI_SUCCESS);
	size = sizeof(buf);
	assert_int_equal(shim_get_variable(u"New", &test_vendor, NULL, &size, buf), EFI_NOT_FOUND);
}

static void test_set_variable_of_64_kib_goes_through(void **state)
{
	static uint8_t big[EFISHIM_DATA_MAX], back[EFISHIM_DATA_MAX];
	uint64_t size = sizeof(back);

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	/* Volatile: a non-volatile write this large would cross the run's
	 * budget of non-volatile bytes (README: Policy). */
	assert_int_equal(shim_set_variable(u"Large", &test_vendor, BS_RT, sizeof(big), big),
			 EFI_SUCCESS);
	assert_int_equal(shim_get_variable(u"Large", &test_vendor, NULL, &size, back), EFI_SUCCESS);
	assert_int_equal(size, sizeof(big));
	assert_memory_equal(back, big, sizeof(big));
}

static void test_set_variable_of_another_guid_is_write_protected(void **state)
{
	(void)state;
	assert_int_equal(shim_set_variable(boot_order, &EFI_GLOBAL_VARIABLE_GUID, NV_BS_RT, 2, "\x00\x00"),
			 EFI_WRITE_PROTECTED);
	assert_int_equal(fw_vars[0].size, 4);
}

static void test_set_variable_rejects_bad_arguments_without_a_hypercall(void **state)
{
	static uint8_t big[EFISHIM_DATA_MAX + 1];

	(void)state;
	assert_int_equal(shim_set_variable(NULL, &test_vendor, NV_BS_RT, 1, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_variable(u"A", NULL, NV_BS_RT, 1, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_variable(u"", &test_vendor, NV_BS_RT, 1, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_variable(u"A", &test_vendor, NV_BS_RT, 1, NULL), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_variable(u"A", &test_vendor, NV_BS_RT, sizeof(big), big),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(guest.hypercalls, 0);
}

static void test_set_variable_is_unsupported_under_read_policy(void **state)
{
	(void)state;
	assert_int_equal(data_hv()->rt_properties.supported & EFI_RT_SUPPORTED_SET_VARIABLE, 0);
	assert_int_equal(shim_set_variable(u"New", &test_vendor, NV_BS_RT, 3, "abc"), EFI_UNSUPPORTED);
	assert_int_equal(guest.hypercalls, 0);
}

static void test_variable_services_are_unsupported_under_none(void **state)
{
	uint16_t name[8] = { 0 };
	struct efi_guid guid = { 0 };
	uint64_t size = sizeof(name), a, b, c;
	uint8_t buf[8];

	(void)state;
	assert_int_equal(shim_get_variable(test_name, &test_vendor, NULL, &size, buf), EFI_UNSUPPORTED);
	assert_int_equal(shim_get_next_variable_name(&size, name, &guid), EFI_UNSUPPORTED);
	assert_int_equal(shim_query_variable_info(NV_BS_RT, &a, &b, &c), EFI_UNSUPPORTED);
	assert_int_equal(shim_set_variable(u"X", &test_vendor, NV_BS_RT, 1, "x"), EFI_UNSUPPORTED);
	assert_int_equal(guest.hypercalls, 0);
	assert_int_equal(data_hv()->rt_properties.supported,
			 EFI_RT_SUPPORTED_GET_TIME | EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP |
			 EFI_RT_SUPPORTED_CONVERT_POINTER |
			 EFI_RT_SUPPORTED_GET_NEXT_HIGH_MONOTONIC_COUNT | EFI_RT_SUPPORTED_RESET_SYSTEM);
}

/* --- the shim's own count of its calls ------------------------------------ */

static void test_every_call_is_counted_with_its_cycles_size_queries_apart(void **state)
{
	const struct efishim_tally *t = data_hv()->tally;
	uint8_t buf[16];
	uint64_t size = 0, a, b, c;
	uint16_t name[64] = { 0 };
	struct efi_guid g;
	struct efi_time now;

	(void)state;
	for (int k = 0; k < EFISHIM_TALLIES; k++)
		assert_int_equal(t[k].calls, 0);
	/* Linux's efivarfs read: the size with no buffer, then the data. */
	assert_int_equal(shim_get_variable(boot_order, &EFI_GLOBAL_VARIABLE_GUID, NULL, &size, NULL),
			 EFI_BUFFER_TOO_SMALL);
	assert_int_equal(shim_get_variable(boot_order, &EFI_GLOBAL_VARIABLE_GUID, NULL, &size, buf),
			 EFI_SUCCESS);
	size = sizeof(buf);
	assert_int_equal(shim_get_variable(NULL, &test_vendor, NULL, &size, buf),
			 EFI_INVALID_PARAMETER);	/* refused calls count too */
	size = sizeof(name);
	assert_int_equal(shim_get_next_variable_name(&size, name, &g), EFI_SUCCESS);
	assert_int_equal(shim_query_variable_info(NV_BS_RT, &a, &b, &c), EFI_SUCCESS);
	assert_int_equal(shim_get_time(&now, NULL), EFI_SUCCESS);
	assert_int_equal(t[EFISHIM_TALLY_GET_VARIABLE_SIZE].calls, 1);
	assert_int_equal(t[EFISHIM_TALLY_GET_VARIABLE].calls, 2);
	assert_int_equal(t[EFISHIM_TALLY_GET_NEXT_VARIABLE_NAME].calls, 1);
	assert_int_equal(t[EFISHIM_TALLY_QUERY_VARIABLE_INFO].calls, 1);
	assert_int_equal(t[EFISHIM_TALLY_GET_TIME].calls, 1);
	assert_int_equal(t[EFISHIM_TALLY_SET_VARIABLE].calls, 0);
	for (int k = 0; k < EFISHIM_TALLIES; k++)
		assert_true(t[k].calls ? t[k].cycles > 0 : t[k].cycles == 0);
}

/* --- QueryVariableInfo, GetTime, the rest -------------------------------- */

static void test_query_variable_info_copies_the_three_sizes(void **state)
{
	uint64_t a = 0, b = 0, c = 0;

	(void)state;
	assert_int_equal(shim_query_variable_info(NV_BS_RT, &a, &b, &c), EFI_SUCCESS);
	assert_int_equal(a, 0x3FF9C);
	assert_int_equal(b, 0x3BE40);
	assert_int_equal(c, 0x83C4);
	assert_int_equal(shim_query_variable_info(0, &a, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_query_variable_info(NV_BS_RT, NULL, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_query_variable_info(NV_BS_RT, &a, NULL, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_query_variable_info(NV_BS_RT, &a, &b, NULL), EFI_INVALID_PARAMETER);
}

static void test_get_time_copies_time_and_optional_capabilities(void **state)
{
	struct efi_time t;
	struct efi_time_cap cap;
	uint8_t room[16];

	(void)state;
	memset(room, 0xEE, sizeof(room));
	assert_int_equal(shim_get_time(&t, room), EFI_SUCCESS);
	assert_memory_equal(&t, &fw_time, sizeof(t));
	memcpy(&cap, room, sizeof(cap));
	assert_int_equal(cap.resolution, 1);
	assert_int_equal(cap.accuracy, 50000000);
	assert_int_equal(cap.sets_to_zero, 0);
	assert_int_equal(room[12], 0xEE);	/* EFI_TIME_CAPABILITIES is 12 bytes */
	assert_int_equal(shim_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(shim_get_time(NULL, &cap), EFI_INVALID_PARAMETER);
}

static void test_time_wakeup_and_capsule_services_are_unsupported(void **state)
{
	struct efi_time t = fw_time;
	uint8_t en, pend;
	uint64_t max;
	uint32_t type;

	(void)state;
	assert_int_equal(shim_set_time(&t), EFI_UNSUPPORTED);
	assert_int_equal(shim_get_wakeup_time(&en, &pend, &t), EFI_UNSUPPORTED);
	assert_int_equal(shim_set_wakeup_time(1, &t), EFI_UNSUPPORTED);
	assert_int_equal(shim_update_capsule(NULL, 0, 0), EFI_UNSUPPORTED);
	assert_int_equal(shim_query_capsule_capabilities(NULL, 0, &max, &type), EFI_UNSUPPORTED);
	assert_int_equal(guest.hypercalls, 0);
	assert_int_equal(data_hv()->rt_properties.supported &
			 (EFI_RT_SUPPORTED_SET_TIME | EFI_RT_SUPPORTED_GET_WAKEUP_TIME |
			  EFI_RT_SUPPORTED_SET_WAKEUP_TIME | EFI_RT_SUPPORTED_UPDATE_CAPSULE |
			  EFI_RT_SUPPORTED_QUERY_CAPSULE_CAPABILITIES), 0);
}

static void test_high_monotonic_count_rises_and_never_wraps(void **state)
{
	uint32_t high = 0;

	(void)state;
	assert_int_equal(shim_get_next_high_monotonic_count(&high), EFI_SUCCESS);
	assert_int_equal(high, 1);
	assert_int_equal(shim_get_next_high_monotonic_count(&high), EFI_SUCCESS);
	assert_int_equal(high, 2);
	assert_int_equal(shim_get_next_high_monotonic_count(NULL), EFI_INVALID_PARAMETER);
	data_hv()->state.high_count = 0xFFFFFFFEu;
	assert_int_equal(shim_get_next_high_monotonic_count(&high), EFI_SUCCESS);
	assert_int_equal(high, 0xFFFFFFFFu);
	assert_int_equal(shim_get_next_high_monotonic_count(&high), EFI_DEVICE_ERROR);
	assert_int_equal(high, 0xFFFFFFFFu);
	assert_int_equal(guest.hypercalls, 0);
}

static void test_reset_system_asks_the_hypervisor_with_the_type(void **state)
{
	(void)state;
	if (!setjmp(halted)) {
		shim_reset_system(2 /* EfiResetShutdown */, 0, 0, NULL);
		fail_msg("ResetSystem returned");
	}
	assert_int_equal(guest.last_fn, HVCALL_RESET_SYSTEM);
	assert_int_equal(guest.last_gpa, 2);
	assert_int_equal(guest.last_size, 0);
}

/* --- SetVirtualAddressMap and ConvertPointer ----------------------------- */

static uint8_t vmap[8 * EFISHIM_DESC_SIZE];

static uint64_t svam(size_t map_bytes)
{
	return shim_set_virtual_address_map(map_bytes, EFISHIM_DESC_SIZE, EFISHIM_DESC_VERSION, vmap);
}

static bool crc_ok(void *table, uint32_t bytes)
{
	struct efi_table_header64 h;
	uint8_t copy[256];

	memcpy(&h, table, sizeof(h));
	memcpy(copy, table, bytes);
	memset(copy + 16, 0, 4);
	return crc32_update(0, copy, bytes) == h.crc32;
}

static void test_svam_converts_every_pointer_and_moves_the_shim(void **state)
{
	struct efishim_data *d = data_hv();
	uint64_t code_pa = guest.layout.code_gpa, data_pa = guest.layout.data_gpa;
	uint64_t code_va, data_va, before[RT_SVC_COUNT];
	uint8_t buf[16];
	uint64_t size = sizeof(buf);
	size_t n;

	(void)state;
	test_guest_map_virtual();
	code_va = (uint64_t)(uintptr_t)guest.code_va;
	data_va = (uint64_t)(uintptr_t)guest.data_va;
	memcpy(before, d->rt.fn, sizeof(before));
	n = test_guest_virtual_map(vmap);
	assert_int_equal(n, 2 * EFISHIM_DESC_SIZE);
	assert_int_equal(svam(n), EFI_SUCCESS);

	assert_int_equal(efishim_header.data_va, data_va);
	for (int s = 0; s < RT_SVC_COUNT; s++)
		assert_int_equal(d->rt.fn[s], before[s] - code_pa + code_va);
	assert_int_equal(d->systab.runtime_services, data_va + offsetof(struct efishim_data, rt));
	assert_int_equal(d->systab.firmware_vendor, data_va + offsetof(struct efishim_data, vendor));
	assert_int_equal(d->systab.config_table, data_va + offsetof(struct efishim_data, config));
	assert_int_equal(d->config[0].table, data_va + offsetof(struct efishim_data, rt_properties));
	assert_true(crc_ok(&d->systab, sizeof(d->systab)));
	assert_true(crc_ok(&d->rt, sizeof(d->rt)));
	(void)data_pa;

	/* The 1:1 view goes: every later call runs on the second mapping,
	 * and the hypervisor still gets guest-physical addresses. */
	assert_int_equal(munmap(guest.phys, GUEST_BYTES), 0);
	guest.phys = NULL;
	assert_int_equal(shim_get_variable(test_name, &test_vendor, NULL, &size, buf), EFI_SUCCESS);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(guest.last_gpa, guest.layout.data_gpa + offsetof(struct efishim_data, call));
}

static void test_svam_a_second_time_is_unsupported(void **state)
{
	size_t n;

	(void)state;
	test_guest_map_virtual();
	n = test_guest_virtual_map(vmap);
	assert_int_equal(svam(n), EFI_SUCCESS);
	assert_int_equal(svam(n), EFI_UNSUPPORTED);
	assert_int_equal(efishim_header.data_va, (uint64_t)(uintptr_t)guest.data_va);
}

static void test_svam_refuses_bad_maps_and_changes_nothing(void **state)
{
	struct efishim_data before;
	struct efi_mdesc d;
	size_t n;

	(void)state;
	test_guest_map_virtual();
	n = test_guest_virtual_map(vmap);
	memcpy(&before, data_hv(), sizeof(before));

	assert_int_equal(shim_set_virtual_address_map(n, EFISHIM_DESC_SIZE, 1, NULL), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_virtual_address_map(n, EFISHIM_DESC_SIZE, 2, vmap), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_virtual_address_map(n, 32, 1, vmap), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_set_virtual_address_map(n - 1, EFISHIM_DESC_SIZE, 1, vmap),
			 EFI_INVALID_PARAMETER);
	/* Only the code region: the data region has no virtual address. */
	assert_int_equal(svam(EFISHIM_DESC_SIZE), EFI_NO_MAPPING);
	/* A runtime descriptor for memory that is not the platform's. */
	memcpy(&d, vmap, sizeof(d));
	d.pa = GUEST_GPA;
	memcpy(vmap + n, &d, sizeof(d));
	assert_int_equal(svam(n + EFISHIM_DESC_SIZE), EFI_NOT_FOUND);
	/* A virtual address off a page boundary. */
	memcpy(&d, vmap, sizeof(d));
	d.va += 8;
	memcpy(vmap + n, vmap, EFISHIM_DESC_SIZE);
	memcpy(vmap, &d, sizeof(d));
	assert_int_equal(svam(n), EFI_INVALID_PARAMETER);

	assert_memory_equal(data_hv(), &before, sizeof(before));
	assert_int_equal(efishim_header.data_va, guest.layout.data_gpa);
	assert_int_equal(guest.hypercalls, 0);
}

static void test_convert_pointer_converts_by_the_svam_map(void **state)
{
	void *p = (void *)(uintptr_t)(guest.layout.data_gpa + 0x10);
	void *null = NULL;
	size_t n;

	(void)state;
	assert_int_equal(shim_convert_pointer(0, &p), EFI_NOT_FOUND);
	test_guest_map_virtual();
	n = test_guest_virtual_map(vmap);
	assert_int_equal(svam(n), EFI_SUCCESS);
	assert_int_equal(shim_convert_pointer(0, &p), EFI_SUCCESS);
	assert_ptr_equal(p, guest.data_va + 0x10);
	p = (void *)(uintptr_t)(guest.layout.code_gpa + 0x80);
	assert_int_equal(shim_convert_pointer(0, &p), EFI_SUCCESS);
	assert_ptr_equal(p, guest.code_va + 0x80);
	p = (void *)(uintptr_t)GUEST_GPA;
	assert_int_equal(shim_convert_pointer(0, &p), EFI_NOT_FOUND);
	assert_ptr_equal(p, (void *)(uintptr_t)GUEST_GPA);
	assert_int_equal(shim_convert_pointer(0, NULL), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_convert_pointer(0, &null), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_convert_pointer(EFI_OPTIONAL_PTR, &null), EFI_SUCCESS);
	assert_null(null);
}

int main(void)
{
#define R(f) cmocka_unit_test_setup_teardown(f, setup_read, teardown)
#define W(f) cmocka_unit_test_setup_teardown(f, setup_write, teardown)
#define N(f) cmocka_unit_test_setup_teardown(f, setup_none, teardown)
	const struct CMUnitTest tests[] = {
		R(test_get_variable_returns_data_and_attributes),
		R(test_get_variable_reports_size_needed_with_attributes),
		R(test_get_variable_rejects_null_arguments_without_a_hypercall),
		R(test_get_variable_with_room_but_no_buffer_is_invalid),
		R(test_get_variable_of_unknown_name_is_not_found),
		R(test_get_variable_larger_than_the_shim_carries_is_device_error),
		R(test_names_longer_than_2048_bytes_are_refused_unread),
		R(test_the_hypervisor_sees_only_the_shim_buffer_gpa),
		R(test_get_next_variable_name_walks_every_variable),
		R(test_get_next_variable_name_reports_size_needed),
		R(test_get_next_variable_name_needs_a_nul_within_the_size),
		R(test_get_next_variable_name_longer_than_the_shim_carries),
		W(test_set_variable_writes_and_deletes_under_write_policy),
		W(test_set_variable_of_64_kib_goes_through),
		W(test_set_variable_of_another_guid_is_write_protected),
		W(test_set_variable_rejects_bad_arguments_without_a_hypercall),
		R(test_set_variable_is_unsupported_under_read_policy),
		N(test_variable_services_are_unsupported_under_none),
		R(test_every_call_is_counted_with_its_cycles_size_queries_apart),
		R(test_query_variable_info_copies_the_three_sizes),
		R(test_get_time_copies_time_and_optional_capabilities),
		R(test_time_wakeup_and_capsule_services_are_unsupported),
		R(test_high_monotonic_count_rises_and_never_wraps),
		R(test_reset_system_asks_the_hypervisor_with_the_type),
		R(test_svam_converts_every_pointer_and_moves_the_shim),
		R(test_svam_a_second_time_is_unsupported),
		R(test_svam_refuses_bad_maps_and_changes_nothing),
		R(test_convert_pointer_converts_by_the_svam_map),
	};

	blob_read();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
