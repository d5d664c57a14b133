/* hv/vm/hcall.c: every request is checked against guest memory before a byte
 * of it is read, the policy decides before a service is called, and the
 * results land where the README's Hypercall ABI says. Services are fakes
 * that record whether they were reached. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hv/vm/hcall.h"

#define MEM	0x10000ULL
static uint8_t mem[MEM];
static int calls, sets, queries;
static uint16_t seen_name[64];
static uint64_t seen_size;

static const struct efi_guid vendor = {
	0x3f1d4b7e, 0x2c5a, 0x4e8e, { 0x9d, 0x41, 0x6a, 0x0b, 0x9c, 0x7e, 0x5f, 0x10 }
};

static efi_status_t fake_get(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t *attrs, void *data, size_t *size)
{
	(void)guid;
	calls++;
	memcpy(seen_name, name, sizeof(seen_name));
	if (*size < 3) {
		*size = 3;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(data, "abc", 3);
	*size = 3;
	*attrs = 7;
	return 0;
}

static efi_status_t fake_next(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	static const uint16_t next[] = { 'B', 'o', 'o', 't', 'O', 'r', 'd', 'e', 'r', 0 };

	(void)cap;
	calls++;
	memcpy(name, next, sizeof(next));
	*guid = EFI_GLOBAL_VARIABLE_GUID;
	return 0;
}

static efi_status_t fake_set(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t attrs, const void *data, size_t size)
{
	(void)name; (void)guid; (void)attrs; (void)data;
	calls++;
	sets++;
	seen_size = size;
	return 0;
}

static uint64_t remaining = 0x3BE40;	/* what fake_query says is left */

static efi_status_t fake_query(uint32_t attrs, uint64_t *a, uint64_t *b, uint64_t *c)
{
	(void)attrs;
	calls++;
	queries++;
	*a = 0x3FF9C;
	*b = remaining;
	*c = 0x83C4;
	return 0;
}

static efi_status_t fake_time(struct efi_time *t, struct efi_time_cap *cap)
{
	calls++;
	memset(t, 0, sizeof(*t));
	t->year = 2026;
	cap->resolution = 1;
	return 0;
}

static const struct hcall_services svc = {
	fake_get, fake_next, fake_set, fake_query, fake_time,
};

static struct hcall_env env = { mem, MEM, { HV_GUEST_VARS_READ, { 0 } }, &svc, 0 };

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A variable request at gpa: header, name (with its NUL), data_size. */
static uint64_t var_req(uint64_t gpa, const struct efi_guid *g, const char *name,
			uint64_t data_size)
{
	size_t n = strlen(name) + 1;

	memcpy(mem + gpa, g, 16);
	put(mem + gpa + 16, 7, 4);
	put(mem + gpa + 20, 2 * n, 4);
	put(mem + gpa + 24, data_size, 8);
	for (size_t i = 0; i < n; i++)
		put(mem + gpa + 32 + 2 * i, (uint8_t)name[i], 2);
	return 32 + 2 * n + data_size;
}

static int setup(void **s)
{
	(void)s;
	memset(mem, 0, sizeof(mem));
	calls = sets = queries = 0;
	remaining = 0x3BE40;
	env.policy.mode = HV_GUEST_VARS_READ;
	env.nv_written_bytes = 0;
	return 0;
}

static void test_hcall_version_is_1_0(void **s)
{
	(void)s;
	assert_true(hcall_dispatch(&env, HVCALL_VERSION, 0, 0) == 0x00010000);
}

static void test_hcall_unknown_function_is_unsupported(void **s)
{
	(void)s;
	assert_true(hcall_dispatch(&env, 6, 0, 0) == EFI_UNSUPPORTED);
	assert_true(hcall_dispatch(&env, ~0ULL, 0, 0) == EFI_UNSUPPORTED);
}

static void test_hcall_range_must_lie_inside_guest_memory(void **s)
{
	(void)s;
	assert_true(hcall_range_ok(MEM, 0, MEM));
	assert_true(hcall_range_ok(MEM, MEM - 1, 1));
	assert_false(hcall_range_ok(MEM, MEM - 1, 2));
	assert_false(hcall_range_ok(MEM, MEM, 0));
	assert_false(hcall_range_ok(MEM, 0x1000, UINT64_MAX));		/* wraps 2^64 */
	assert_false(hcall_range_ok(MEM, UINT64_MAX, 2));
	assert_false(hcall_range_ok(MEM, 0xFFC00000, 16));		/* flash MMIO */
}

static void test_hcall_get_variable_past_memory_is_invalid_and_reads_nothing(void **s)
{
	uint64_t size = var_req(MEM - 0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 0);

	(void)s;
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, MEM - 0x100, size + 0x100) ==
		    EFI_INVALID_PARAMETER);
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, MEM - 0x100, UINT64_MAX - 0x10) ==
		    EFI_INVALID_PARAMETER);
	assert_int_equal(calls, 0);
}

static void test_hcall_data_running_past_the_request_is_invalid(void **s)
{
	uint64_t size = var_req(0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 0x40);

	(void)s;
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x100, size - 1) ==
		    EFI_INVALID_PARAMETER);
	put(mem + 0x100 + 24, UINT64_MAX, 8);		/* data_size wrapping 2^64 */
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x100, size) ==
		    EFI_INVALID_PARAMETER);
	assert_int_equal(calls, 0);
}

static void test_hcall_name_without_nul_is_invalid(void **s)
{
	uint64_t size = var_req(0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 0);

	(void)s;
	put(mem + 0x100 + 32 + 18, 'X', 2);		/* the NUL overwritten */
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x100, size) ==
		    EFI_INVALID_PARAMETER);
	assert_int_equal(calls, 0);
}

static void test_hcall_odd_empty_or_huge_name_size_is_invalid(void **s)
{
	struct hcall_var_req r;
	uint64_t size = var_req(0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 0);

	(void)s;
	put(mem + 0x100 + 20, 19, 4);
	assert_true(hcall_check_var(mem, MEM, 1, 0x100, size, &r) == EFI_INVALID_PARAMETER);
	put(mem + 0x100 + 20, 0, 4);
	assert_true(hcall_check_var(mem, MEM, 1, 0x100, size, &r) == EFI_INVALID_PARAMETER);
	put(mem + 0x100 + 20, RT_NAME_MAX + 2, 4);
	assert_true(hcall_check_var(mem, MEM, 1, 0x100, 0x4000, &r) == EFI_INVALID_PARAMETER);
	put(mem + 0x100 + 20, 20, 4);
	assert_true(hcall_check_var(mem, MEM, 1, 0x100, size, &r) == 0);
	assert_true(r.name_gpa == 0x120 && r.data_gpa == 0x120 + 20);
}

/* README: name_size at most 2,048 bytes (1,024 UTF-16 characters with the
 * NUL), for every variable function; the edge itself is served. */
static void test_hcall_name_size_2048_is_served_and_2050_is_invalid(void **s)
{
	struct hcall_var_req r;

	(void)s;
	for (uint64_t fn = HVCALL_GET_VARIABLE; fn <= HVCALL_SET_VARIABLE; fn++) {
		memset(mem + 0x100, 0, 0x1000);
		for (int i = 0; i < 1023; i++)
			put(mem + 0x100 + 32 + 2 * i, 'A', 2);
		put(mem + 0x100 + 20, 2048, 4);
		assert_true(hcall_check_var(mem, MEM, fn, 0x100, 32 + 2048, &r) == 0);
		assert_int_equal(r.name_size, 2048);
		put(mem + 0x100 + 20, 2050, 4);
		assert_true(hcall_check_var(mem, MEM, fn, 0x100, 32 + 2050, &r) ==
			    EFI_INVALID_PARAMETER);
	}
	put(mem + 0x100 + 20, 2050, 4);
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x100, 32 + 2050) ==
		    EFI_INVALID_PARAMETER);
	assert_int_equal(calls, 0);
}

static void test_hcall_short_header_is_invalid(void **s)
{
	struct hcall_var_req r;

	(void)s;
	assert_true(hcall_check_var(mem, MEM, 1, 0x100, 31, &r) == EFI_INVALID_PARAMETER);
}

static void test_hcall_get_variable_returns_data_size_and_attributes(void **s)
{
	uint64_t size = var_req(0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 8);

	(void)s;
	put(mem + 0x100 + 16, 0, 4);
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x101 - 1, size) == 0);
	assert_int_equal(calls, 1);
	assert_int_equal(seen_name[0], 'B');
	assert_int_equal(seen_name[9], 0);
	assert_int_equal(get(mem + 0x100 + 24, 8), 3);
	assert_int_equal(get(mem + 0x100 + 16, 4), 7);
	assert_memory_equal(mem + 0x100 + 32 + 20, "abc", 3);
}

static void test_hcall_get_variable_too_small_says_the_size_needed(void **s)
{
	uint64_t size = var_req(0x101, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 1);

	(void)s;
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x101, size) ==
		    EFI_BUFFER_TOO_SMALL);
	assert_int_equal(get(mem + 0x101 + 24, 8), 3);
}

static void test_hcall_next_name_fits_or_says_the_size_needed(void **s)
{
	uint64_t size = var_req(0x100, &vendor, "", 0);

	(void)s;
	put(mem + 0x100 + 20, 4, 4);		/* room for one character + NUL */
	assert_true(hcall_dispatch(&env, HVCALL_GET_NEXT_VARIABLE_NAME, 0x100, size + 2) ==
		    EFI_BUFFER_TOO_SMALL);
	assert_int_equal(get(mem + 0x100 + 20, 4), 20);
	put(mem + 0x100 + 20, 64, 4);
	assert_true(hcall_dispatch(&env, HVCALL_GET_NEXT_VARIABLE_NAME, 0x100, 32 + 64) == 0);
	assert_int_equal(get(mem + 0x100 + 20, 4), 20);
	assert_memory_equal(mem + 0x100, &EFI_GLOBAL_VARIABLE_GUID, 16);
	assert_int_equal(get(mem + 0x100 + 32 + 16, 2), 'r');
	assert_int_equal(get(mem + 0x100 + 32 + 18, 2), 0);
}

static void test_hcall_read_policy_write_protects_every_set(void **s)
{
	uint64_t size = var_req(0x100, &vendor, "Test", 4);

	(void)s;
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) ==
		    EFI_WRITE_PROTECTED);
	assert_int_equal(calls, 0);
}

static void test_hcall_write_policy_allows_only_its_guid(void **s)
{
	uint64_t size;

	(void)s;
	env.policy.mode = HV_GUEST_VARS_WRITE;
	env.policy.guid = vendor;
	size = var_req(0x100, &vendor, "Test", 4);
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) == 0);
	assert_true(sets == 1 && seen_size == 4);
	size = var_req(0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 2);
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) ==
		    EFI_WRITE_PROTECTED);
	assert_int_equal(sets, 1);
}

static void test_hcall_write_policy_never_writes_global_or_security_variables(void **s)
{
	static const struct efi_guid security = {
		0xd719b2cb, 0x3d3a, 0x4596, { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f }
	};
	struct hcall_policy p = { HV_GUEST_VARS_WRITE, EFI_GLOBAL_VARIABLE_GUID };

	(void)s;
	assert_true(hcall_policy_check(&p, HVCALL_SET_VARIABLE, &EFI_GLOBAL_VARIABLE_GUID) ==
		    EFI_WRITE_PROTECTED);
	p.guid = security;
	assert_true(hcall_policy_check(&p, HVCALL_SET_VARIABLE, &security) ==
		    EFI_WRITE_PROTECTED);
	assert_true(hcall_policy_check(&p, HVCALL_GET_VARIABLE, &security) == 0);
}

/* README: Policy lists the boot-chain GUIDs; write:GUID naming one of them
 * still writes nothing, while reading stays allowed. */
static void test_hcall_write_policy_never_writes_a_boot_chain_guid(void **s)
{
	static const struct efi_guid chain[] = {
		{ 0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } },
		{ 0xd719b2cb, 0x3d3a, 0x4596, { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } },
		{ 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } },
		{ 0x4a67b082, 0x0a4c, 0x41cf, { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } },
		{ 0xe20939be, 0x32d4, 0x41be, { 0xa1, 0x50, 0x89, 0x7f, 0x85, 0xd4, 0x98, 0x29 } },
		{ 0xbb983ccf, 0x151d, 0x40e1, { 0xa0, 0x7b, 0x4a, 0x17, 0xbe, 0x16, 0x82, 0x92 } },
		{ 0xaeb9c5c1, 0x94f1, 0x4d02, { 0xbf, 0xd9, 0x46, 0x02, 0xdb, 0x2d, 0x3c, 0x54 } },
		{ 0x711c703f, 0xc285, 0x4b10, { 0xa3, 0xb0, 0x36, 0xec, 0xbd, 0x3c, 0x8b, 0xe2 } },
	};
	struct efi_guid near = chain[3];

	(void)s;
	env.policy.mode = HV_GUEST_VARS_WRITE;
	for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++) {
		uint64_t size = var_req(0x100, &chain[i], "LoaderEntryOneShot", 4);

		env.policy.guid = chain[i];
		assert_true(hcall_guid_boot_chain(&chain[i]));
		assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) ==
			    EFI_WRITE_PROTECTED);
		put(mem + 0x100 + 24, 0, 8);	/* a delete is a write too */
		assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size - 4) ==
			    EFI_WRITE_PROTECTED);
		size = var_req(0x100, &chain[i], "LoaderEntryOneShot", 4);
		assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x100, size) == 0);
	}
	assert_int_equal(sets, 0);
	near.d4[7] ^= 1;			/* one bit off: an ordinary GUID */
	assert_false(hcall_guid_boot_chain(&near));
}

/* README: Policy: the store keeps 5,120 bytes a guest never uses, asked
 * of QueryVariableInfo before each non-volatile write; the write's data,
 * name and the store's entry overhead count. */
static void test_hcall_write_stops_at_the_store_reserve(void **s)
{
	uint64_t size;

	(void)s;
	env.policy.mode = HV_GUEST_VARS_WRITE;
	env.policy.guid = vendor;
	size = var_req(0x100, &vendor, "Test", 100);	/* charge 100 + 10 */
	remaining = HCALL_NV_RESERVE_BYTES + 110 + HCALL_NV_ENTRY_OVERHEAD;
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) == 0);
	assert_true(sets == 1 && queries == 1);
	remaining = HCALL_NV_RESERVE_BYTES + 109 + HCALL_NV_ENTRY_OVERHEAD;
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) ==
		    EFI_OUT_OF_RESOURCES);
	assert_int_equal(sets, 1);
	remaining = 3;				/* less than the reserve: no wrap */
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) ==
		    EFI_OUT_OF_RESOURCES);
	size = var_req(0x100, &vendor, "Test", 0);	/* deleting frees: allowed */
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) == 0);
	assert_int_equal(sets, 2);
	size = var_req(0x100, &vendor, "Test", 100);	/* volatile: not the store's */
	put(mem + 0x100 + 16, EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, 4);
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) == 0);
	assert_int_equal(sets, 3);
	assert_int_equal(env.nv_written_bytes, 110);
}

/* README: Policy: one run writes at most HCALL_NV_BUDGET_BYTES of
 * non-volatile data + names; what the firmware refused is not counted. */
static void test_hcall_run_budget_counts_data_and_names(void **s)
{
	uint64_t size, n = 0;

	(void)s;
	env.policy.mode = HV_GUEST_VARS_WRITE;
	env.policy.guid = vendor;
	size = var_req(0x100, &vendor, "Test", 4086);	/* charge 4,096 */
	while (hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) == 0)
		n++;
	assert_int_equal(n, HCALL_NV_BUDGET_BYTES / 4096);
	assert_int_equal(env.nv_written_bytes, HCALL_NV_BUDGET_BYTES);
	assert_int_equal(sets, n);
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) ==
		    EFI_OUT_OF_RESOURCES);
	size = var_req(0x100, &vendor, "Test", 0);
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, size) == 0);
}

/* README: Secure Boot: the unsigned config's write: needs a pinned module
 * unless Secure Boot is known to be off. */
static void test_hcall_unpinned_module_under_secure_boot_gets_read(void **s)
{
	const char *why;

	(void)s;
	assert_int_equal(hcall_policy_mode(HV_GUEST_VARS_WRITE, HV_SECURE_BOOT_ON, false, &why),
			 HV_GUEST_VARS_READ);
	assert_string_equal(why, "write needs a module the signed loader pins (Secure Boot is on)");
	assert_int_equal(hcall_policy_mode(HV_GUEST_VARS_WRITE, HV_SECURE_BOOT_UNKNOWN, false, &why),
			 HV_GUEST_VARS_READ);
	assert_non_null(why);
	assert_int_equal(hcall_policy_mode(HV_GUEST_VARS_WRITE, HV_SECURE_BOOT_ON, true, &why),
			 HV_GUEST_VARS_WRITE);
	assert_null(why);
	assert_int_equal(hcall_policy_mode(HV_GUEST_VARS_WRITE, HV_SECURE_BOOT_OFF, false, &why),
			 HV_GUEST_VARS_WRITE);
	assert_null(why);
	assert_int_equal(hcall_policy_mode(HV_GUEST_VARS_NONE, HV_SECURE_BOOT_ON, false, &why),
			 HV_GUEST_VARS_NONE);
	assert_null(why);
}

static void test_hcall_none_policy_denies_reads(void **s)
{
	uint64_t size = var_req(0x100, &EFI_GLOBAL_VARIABLE_GUID, "BootOrder", 8);

	(void)s;
	env.policy.mode = HV_GUEST_VARS_NONE;
	assert_true(hcall_dispatch(&env, HVCALL_GET_VARIABLE, 0x100, size) == EFI_ACCESS_DENIED);
	assert_true(hcall_dispatch(&env, HVCALL_QUERY_VARIABLE_INFO, 0x100, 32) ==
		    EFI_ACCESS_DENIED);
	assert_int_equal(calls, 0);
	assert_true(hcall_dispatch(&env, HVCALL_GET_TIME, 0x100, 28) == 0);
}

static void test_hcall_set_of_1_mib_is_invalid(void **s)
{
	(void)s;
	env.policy.mode = HV_GUEST_VARS_WRITE;
	env.policy.guid = vendor;
	var_req(0x100, &vendor, "Test", 0);
	put(mem + 0x100 + 24, 1 << 20, 8);
	assert_true(hcall_dispatch(&env, HVCALL_SET_VARIABLE, 0x100, MEM - 0x100) ==
		    EFI_INVALID_PARAMETER);
	assert_int_equal(calls, 0);
}

static void test_hcall_varinfo_and_time_fill_their_structures(void **s)
{
	(void)s;
	put(mem + 0x200, 7, 4);
	assert_true(hcall_dispatch(&env, HVCALL_QUERY_VARIABLE_INFO, 0x200, 32) == 0);
	assert_int_equal(get(mem + 0x208, 8), 0x3FF9C);
	assert_int_equal(get(mem + 0x210, 8), 0x3BE40);
	assert_int_equal(get(mem + 0x218, 8), 0x83C4);
	assert_true(hcall_dispatch(&env, HVCALL_QUERY_VARIABLE_INFO, 0x200, 31) ==
		    EFI_INVALID_PARAMETER);
	assert_true(hcall_dispatch(&env, HVCALL_GET_TIME, 0x300, 28) == 0);
	assert_int_equal(get(mem + 0x300, 2), 2026);
	assert_int_equal(get(mem + 0x310, 4), 1);
	assert_true(hcall_dispatch(&env, HVCALL_GET_TIME, MEM - 27, 28) ==
		    EFI_INVALID_PARAMETER);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_hcall_version_is_1_0),
		T(test_hcall_unknown_function_is_unsupported),
		T(test_hcall_range_must_lie_inside_guest_memory),
		T(test_hcall_get_variable_past_memory_is_invalid_and_reads_nothing),
		T(test_hcall_data_running_past_the_request_is_invalid),
		T(test_hcall_name_without_nul_is_invalid),
		T(test_hcall_odd_empty_or_huge_name_size_is_invalid),
		T(test_hcall_name_size_2048_is_served_and_2050_is_invalid),
		T(test_hcall_short_header_is_invalid),
		T(test_hcall_get_variable_returns_data_size_and_attributes),
		T(test_hcall_get_variable_too_small_says_the_size_needed),
		T(test_hcall_next_name_fits_or_says_the_size_needed),
		T(test_hcall_read_policy_write_protects_every_set),
		T(test_hcall_write_policy_allows_only_its_guid),
		T(test_hcall_write_policy_never_writes_global_or_security_variables),
		T(test_hcall_write_policy_never_writes_a_boot_chain_guid),
		T(test_hcall_write_stops_at_the_store_reserve),
		T(test_hcall_run_budget_counts_data_and_names),
		T(test_hcall_unpinned_module_under_secure_boot_gets_read),
		T(test_hcall_none_policy_denies_reads),
		T(test_hcall_set_of_1_mib_is_invalid),
		T(test_hcall_varinfo_and_time_fill_their_structures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
