/* build/shim/efishim.bin, the blob hv.elf embeds, run as the guest runs
 * it: placed by the table builder at two different guest-physical
 * addresses, called through the runtime services table it published with
 * the Microsoft x64 convention, then moved by SetVirtualAddressMap to a
 * second mapping of its regions while the first goes away. The blob's one
 * VMMCALL is replaced with UD2 + NOP in the placed copy; the SIGILL it
 * raises is the hypercall, served by hv/vm/hcall.c's dispatcher (the
 * registers as the README's Hypercall ABI says: RAX, RBX, RCX in, RAX out). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <ucontext.h>

#include "efishim_guest.h"
#include "efishim_blob_file.h"

typedef uint64_t __attribute__((ms_abi)) (*get_time_fn)(void *time, void *cap);
typedef uint64_t __attribute__((ms_abi)) (*get_variable_fn)(const uint16_t *name, const void *guid,
							    uint32_t *attrs, uint64_t *size,
							    void *data);
typedef uint64_t __attribute__((ms_abi)) (*svam_fn)(uint64_t map_size, uint64_t desc_size,
						    uint32_t desc_version, const void *map);
typedef uint64_t __attribute__((ms_abi)) (*high_count_fn)(uint32_t *high);
typedef uint64_t __attribute__((ms_abi)) (*reset_fn)(uint32_t type, uint64_t status, uint64_t size,
						     const void *data);

static const uint8_t vmmcall[3] = { 0x0f, 0x01, 0xd9 };
static sigjmp_buf reset_done;

/* Offset of the blob's only VMMCALL, or -1 when there is not exactly one. */
static long vmmcall_offset(const uint8_t *b, uint64_t n)
{
	long at = -1;

	for (uint64_t i = 0; i + 3 <= n; i++) {
		if (memcmp(b + i, vmmcall, 3))
			continue;
		if (at >= 0)
			return -1;
		at = (long)i;
	}
	return at;
}

static void on_sigill(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *r = uc->uc_mcontext.gregs;

	(void)sig, (void)si;
	if ((uint64_t)r[REG_RAX] == 6) {
		guest.last_fn = 6;
		guest.last_gpa = (uint64_t)r[REG_RBX];
		siglongjmp(reset_done, 1);
	}
	r[REG_RAX] = (greg_t)test_guest_hypercall((uint64_t)r[REG_RAX], (uint64_t)r[REG_RBX],
						  (uint64_t)r[REG_RCX]);
	r[REG_RIP] += 3;
}

static void place_at(uint64_t window_gpa, uint32_t guest_vars)
{
	struct efitables_ram ram = { GUEST_GPA, GUEST_BYTES };
	struct efitables_in in = { &ram, 1, window_gpa, guest_vars, blob_bytes_buf, blob_len };
	long at = vmmcall_offset(blob_bytes_buf, blob_len);
	struct sigaction sa = { 0 };
	uint8_t *code;

	/* Inside the test: cmocka sets its own SIGILL handler around each. */
	sa.sa_sigaction = on_sigill;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGILL, &sa, NULL);
	assert_true(at > 0);
	assert_null(efitables_build(guest.env.mem, guest.env.mem_bytes, &in, &guest.info,
				    &guest.layout));
	code = gpa_hv(guest.layout.code_gpa);
	memcpy(code + at, "\x0f\x0b\x90", 3);	/* UD2; NOP */
}

static int setup(void **state)
{
	(void)state;
	test_guest_start(HV_GUEST_VARS_READ, blob_bytes_buf, blob_len);
	fw_put("HvbootTest", &test_vendor, 7, "hello", 5);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	signal(SIGILL, SIG_DFL);
	test_guest_stop();
	return 0;
}

/* The runtime services table as the guest reads it: systab->RuntimeServices. */
static uint64_t rt_slot(int s)
{
	const struct efishim_data *d = gpa_hv(guest.layout.data_gpa);
	uint64_t rt_gpa = d->systab.runtime_services;

	if (rt_gpa >= GUEST_GPA && rt_gpa < GUEST_GPA + GUEST_BYTES)
		return ((const struct efi_runtime_services64 *)gpa_hv(rt_gpa))->fn[s];
	return d->rt.fn[s];
}

static void test_blob_has_one_vmmcall_and_a_header_the_builder_takes(void **state)
{
	(void)state;
	assert_true(vmmcall_offset(blob_bytes_buf, blob_len) > 0);
	assert_null(efitables_check_blob(blob_bytes_buf, blob_len));
	assert_memory_equal(blob_bytes_buf, EFISHIM_MAGIC, 8);
}

static void call_both_services(void)
{
	struct efi_time t;
	uint8_t buf[8] = { 0 };
	uint64_t size = sizeof(buf);
	uint32_t attrs = 0;

	memset(&t, 0, sizeof(t));
	assert_int_equal(((get_time_fn)(uintptr_t)rt_slot(RT_GET_TIME))(&t, NULL), EFI_SUCCESS);
	assert_memory_equal(&t, &fw_time, sizeof(t));
	assert_int_equal(((get_variable_fn)(uintptr_t)rt_slot(RT_GET_VARIABLE))(
				 u"HvbootTest", &test_vendor, &attrs, &size, buf), EFI_SUCCESS);
	assert_int_equal(size, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(attrs, 7);
	assert_int_equal(guest.last_gpa, guest.layout.data_gpa + offsetof(struct efishim_data, call));
}

static void test_blob_runs_wherever_it_is_placed(void **state)
{
	(void)state;
	place_at(GUEST_WINDOW, HV_GUEST_VARS_READ);
	call_both_services();
	place_at(GUEST_GPA + 0x2F3000, HV_GUEST_VARS_READ);
	assert_int_equal(guest.layout.code_gpa, GUEST_GPA + 0x2F3000);
	call_both_services();
}

static void test_blob_runs_at_its_virtual_addresses_after_svam(void **state)
{
	static uint8_t vmap[4 * EFISHIM_DESC_SIZE];
	uint64_t phys_slot[RT_SVC_COUNT];
	uint32_t high = 0;
	size_t n;

	(void)state;
	place_at(GUEST_WINDOW, HV_GUEST_VARS_READ);
	for (int s = 0; s < RT_SVC_COUNT; s++)
		phys_slot[s] = rt_slot(s);
	test_guest_map_virtual();
	n = test_guest_virtual_map(vmap);
	assert_int_equal(((svam_fn)(uintptr_t)rt_slot(RT_SET_VIRTUAL_ADDRESS_MAP))(
				 n, EFISHIM_DESC_SIZE, EFISHIM_DESC_VERSION, vmap), EFI_SUCCESS);
	/* The system table now names the table at its virtual address. */
	assert_int_equal(((const struct efishim_data *)gpa_hv(guest.layout.data_gpa))->systab.runtime_services,
			 (uint64_t)(uintptr_t)guest.data_va + offsetof(struct efishim_data, rt));
	for (int s = 0; s < RT_SVC_COUNT; s++)
		assert_int_equal(rt_slot(s), phys_slot[s] - guest.layout.code_gpa +
					     (uint64_t)(uintptr_t)guest.code_va);

	/* Nothing of the 1:1 view is left for the shim to touch. */
	assert_int_equal(munmap(guest.phys, GUEST_BYTES), 0);
	guest.phys = NULL;
	call_both_services();
	assert_int_equal(((high_count_fn)(uintptr_t)rt_slot(RT_GET_NEXT_HIGH_MONOTONIC_COUNT))(&high),
			 EFI_SUCCESS);
	assert_int_equal(high, 1);
	assert_int_equal(((svam_fn)(uintptr_t)rt_slot(RT_SET_VIRTUAL_ADDRESS_MAP))(
				 n, EFISHIM_DESC_SIZE, EFISHIM_DESC_VERSION, vmap), EFI_UNSUPPORTED);
}

static void test_blob_reset_system_is_hypercall_6(void **state)
{
	(void)state;
	place_at(GUEST_WINDOW, HV_GUEST_VARS_READ);
	if (!sigsetjmp(reset_done, 1)) {
		((reset_fn)(uintptr_t)rt_slot(RT_RESET_SYSTEM))(1 /* EfiResetWarm */, 0, 0, NULL);
		fail_msg("ResetSystem returned");
	}
	assert_int_equal(guest.last_fn, 6);
	assert_int_equal(guest.last_gpa, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_blob_has_one_vmmcall_and_a_header_the_builder_takes),
		T(test_blob_runs_wherever_it_is_placed),
		T(test_blob_runs_at_its_virtual_addresses_after_svam),
		T(test_blob_reset_system_is_hypercall_6),
	};

	blob_read();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
