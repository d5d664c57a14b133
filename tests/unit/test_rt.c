/* The runtime call layer against a fake runtime table: retries on
 * EFI_BUFFER_TOO_SMALL, unsupported services never called, arguments
 * bounced, faults contained per service group. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rt/rt.h"
#include "rt/rt_gate.h"	/* the bounce layout, to check placement */
#include "efi_mem.h"

#define MSABI __attribute__((ms_abi))

/* What rt_call.asm provides in the hypervisor (rt.h: the platform). */
const uint8_t rt_call_abort[1];
uint64_t rt_saved_rsp;
uint64_t rt_call_hv_cr3, rt_call_rt_cr3;
uint64_t rt_call_entry_rflags, rt_call_fw_rflags;
uint64_t rt_call_cr0_flips, rt_call_cr4_flips;
uint16_t rt_call_fw_fcw;
uint32_t rt_call_fw_mxcsr;

/* rt_alias_install, the platform's: records what it was asked. */
static uint64_t alias_pa, alias_len;
static unsigned alias_calls;

bool rt_alias_install(uint64_t pa, uint64_t len, bool exec, bool uncached)
{
	(void)exec; (void)uncached;
	alias_calls++;
	alias_pa = pa;
	alias_len = len;
	return true;
}

/* What the fake firmware leaves behind, as rt_call.asm would report it. */
static uint64_t fw_left_rflags, fw_cr0_flips, fw_cr4_flips;
static uint16_t fw_left_fcw;
static uint32_t fw_left_mxcsr;

uint64_t rt_call(uint64_t fn, uint64_t stack_top, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5)
{
	typedef uint64_t MSABI (*fn5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
	uint64_t st;

	assert_int_equal(stack_top, 0xFFFFFFFFC0121000ULL);
	rt_call_entry_rflags = 0x2;
	fw_left_rflags = 0x2;
	fw_left_fcw = RT_FCW_DEFAULT;
	fw_left_mxcsr = RT_MXCSR_DEFAULT;
	fw_cr0_flips = fw_cr4_flips = 0;
	st = ((fn5)(uintptr_t)fn)(a1, a2, a3, a4, a5);
	rt_call_fw_rflags = fw_left_rflags;
	rt_call_fw_fcw = fw_left_fcw;
	rt_call_fw_mxcsr = fw_left_mxcsr;
	rt_call_cr0_flips = fw_cr0_flips;
	rt_call_cr4_flips = fw_cr4_flips;
	return st;
}

/* ---- the fake firmware ---- */

/* Where the fake services live: the host's user half, as the one range of
 * "runtime code" every service pointer is checked against. */
static const struct rt_code_range HOST_CODE[1] = { { 0x1000, 0x0000800000000000ULL } };

#define LARGE_BYTES	(100 * 1024)
#define LONG_NAME_UNITS	1500		/* longer than 1024 UTF-16 units */

static unsigned calls_get_time, calls_get_variable, calls_next_name, calls_qvi;
static uint64_t qvi_max_var;		/* QueryVariableInfo's maximum variable size */
static uint32_t set_attrs;		/* what SetVariable was last given */
static uint64_t set_size;
static bool trap_in_hypervisor_code;
static uint64_t get_time_leaves_rflags;
static bool long_name_walk;	/* 0: leaves them as it found them */
static const uint8_t var_value[300] = { [0] = 0xAB, [299] = 0xCD };
static const void *last_data_ptr;
static uint64_t last_data_offered;	/* GetVariable's *DataSize on entry */
static const uint16_t *last_name_ptr;
static bool fault_in_set_variable;

static uint64_t MSABI fake_get_time(struct efi_time *t, struct efi_time_cap *cap)
{
	calls_get_time++;
	if (get_time_leaves_rflags)
		fw_left_rflags = get_time_leaves_rflags;
	*t = (struct efi_time){ .year = 2026, .month = 11, .day = 25 };
	if (cap)
		cap->resolution = 1;
	return EFI_SUCCESS;
}

static uint64_t MSABI fake_get_variable(const uint16_t *name, const struct efi_guid *g,
					uint32_t *attrs, uint64_t *size, void *data)
{
	(void)g;
	calls_get_variable++;
	last_data_ptr = data;
	last_data_offered = *size;
	last_name_ptr = name;
	if (name[0] == 'H') {		/* overstates its write past the bounce */
		*size = 3 * RT_DATA_MAX;
		return EFI_SUCCESS;
	}
	if (name[0] == 'L') {		/* 100 KiB: UEFI 2.10 attributes on too-small */
		if (attrs)
			*attrs = 0x27;
		if (*size < LARGE_BYTES) {
			*size = LARGE_BYTES;
			return EFI_BUFFER_TOO_SMALL;
		}
		return EFI_DEVICE_ERROR;	/* cannot be bounced whole */
	}
	if (name[0] != 'B')
		return EFI_NOT_FOUND;
	if (*size < sizeof(var_value)) {
		*size = sizeof(var_value);
		return EFI_BUFFER_TOO_SMALL;
	}
	*size = sizeof(var_value);
	memcpy(data, var_value, sizeof(var_value));
	if (attrs)
		*attrs = 7;
	last_data_ptr = data;
	return EFI_SUCCESS;
}

/* Three names; the second needs a bigger buffer than the first call offers. */
static uint64_t MSABI fake_next_name(uint64_t *size, uint16_t *name, struct efi_guid *g)
{
	static const uint16_t *names[] = { u"A", u"LongName", u"Z" };
	size_t idx;

	calls_next_name++;
	if (long_name_walk) {
		size_t need = 2 * (LONG_NAME_UNITS + 1);

		if (name[0] == 'W')
			return EFI_NOT_FOUND;
		if (*size < need) {
			*size = need;
			return EFI_BUFFER_TOO_SMALL;
		}
		for (size_t i = 0; i < LONG_NAME_UNITS; i++)
			name[i] = 'W';
		name[LONG_NAME_UNITS] = 0;
		*size = need;
		memset(g, 0x22, sizeof(*g));
		return EFI_SUCCESS;
	}
	if (name[0] == 0)
		idx = 0;
	else if (name[0] == 'A')
		idx = 1;
	else if (name[0] == 'L')
		idx = 2;
	else
		return EFI_NOT_FOUND;
	size_t need = 2 * (size_t)(names[idx] == names[1] ? 9 : 2);
	if (*size < need) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(name, names[idx], need);
	*size = need;
	memset(g, 0x11, sizeof(*g));
	return EFI_SUCCESS;
}

static uint64_t MSABI fake_set_variable(const uint16_t *name, const struct efi_guid *g,
					uint32_t attrs, uint64_t size, const void *data)
{
	uint64_t rip, rsp;

	(void)name; (void)g;
	last_data_ptr = data;
	set_attrs = attrs;
	set_size = size;
	if (trap_in_hypervisor_code) {
		/* A trap while the call is under way, but from the
		 * hypervisor's own address space. */
		assert_false(rt_contain_fault(13, 0, 0xFFFFFFFF80001234ULL, 0, false, &rip, &rsp));
		return EFI_SUCCESS;
	}
	if (fault_in_set_variable) {
		/* What the trap hook does on a #PF inside this service. */
		assert_true(rt_contain_fault(14, 2, 0xFFFFFF0000001234ULL, 0xFFFFFF00FFC00010ULL,
					     true, &rip, &rsp));
		assert_int_equal(rip, (uint64_t)(uintptr_t)rt_call_abort);
		return EFI_ABORTED;
	}
	return EFI_SUCCESS;
}

static uint64_t MSABI fake_query_variable_info(uint32_t attrs, uint64_t *max_storage,
					       uint64_t *remaining, uint64_t *max_var)
{
	(void)attrs;
	calls_qvi++;
	*max_storage = 0x40000;
	*remaining = 0x30000;
	*max_var = qvi_max_var;
	return EFI_SUCCESS;
}

static uint64_t table[3 + RT_SVC_COUNT];

static void setup_table(uint32_t supported)
{
	struct efi_mdesc map[1] = { { .type = 5, .pa = 0x1000, .va = 0xFFFFFF0000001000ULL,
				      .npages = 16, .attr = 0x800000000000000FULL } };
	static struct efi_mdesc keep[1];
	struct rt_env env = {
		.table_va = (uint64_t)(uintptr_t)table, .supported = supported,
		.stack_top = 0xFFFFFFFFC0121000ULL, .map = keep, .map_count = 1,
		.code = HOST_CODE, .code_count = 1,
	};

	memcpy(keep, map, sizeof(map));
	memset(table, 0, sizeof(table));
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_get_time;
	table[3 + RT_GET_VARIABLE] = (uint64_t)(uintptr_t)fake_get_variable;
	table[3 + RT_GET_NEXT_VARIABLE_NAME] = (uint64_t)(uintptr_t)fake_next_name;
	table[3 + RT_SET_VARIABLE] = (uint64_t)(uintptr_t)fake_set_variable;
	table[3 + RT_QUERY_VARIABLE_INFO] = (uint64_t)(uintptr_t)fake_query_variable_info;
	calls_get_time = calls_get_variable = calls_next_name = calls_qvi = 0;
	qvi_max_var = 0x8400;
	set_attrs = 0;
	set_size = ~0ULL;
	long_name_walk = false;
	trap_in_hypervisor_code = false;
	fault_in_set_variable = false;
	get_time_leaves_rflags = 0;
	rt_init(&env, true, NULL);
}

static void test_rt_var_read_retries_with_the_size_firmware_asks_for(void **state)
{
	uint8_t buf[1024];
	size_t size = 0;
	uint32_t attrs = 0;

	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_var_read(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID, &attrs, buf,
				     sizeof(buf), &size), EFI_SUCCESS);
	assert_int_equal(size, 300);
	assert_int_equal(buf[0], 0xAB);
	assert_int_equal(buf[299], 0xCD);
	assert_int_equal(attrs, 7);
	assert_int_equal(calls_get_variable, 2);	/* 256 first, then 300 */
	/* The firmware wrote into the bounce buffer, not into ours. */
	assert_ptr_not_equal(last_data_ptr, buf);
}

static void test_rt_var_read_reports_the_needed_size_beyond_cap(void **state)
{
	uint8_t buf[100];
	size_t size = 0;

	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_var_read(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID, NULL, buf,
				     sizeof(buf), &size), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 300);
}

static void test_rt_get_next_variable_name_walks_every_name(void **state)
{
	uint16_t name[64] = { 0 };
	struct efi_guid g = { 0 };
	unsigned n = 0;

	(void)state;
	setup_table(0x3FFF);
	while (rt_get_next_variable_name(name, 64, &g) == EFI_SUCCESS)
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(name[0], 'Z');
	assert_int_equal(g.d1, 0x11111111);
}

static void test_rt_varlist_walks_through_the_gate_to_the_end(void **state)
{
	static uint16_t name[RT_NAME_MAX / 2];
	static uint64_t seen[VARLIST_SLOTS(16)];
	struct varlist w;

	(void)state;
	setup_table(0x3FFF);
	rt_varlist_start(&w, name, RT_NAME_MAX / 2, seen, 16);
	assert_int_equal(w.cap_chars, rt_name_cap());	/* judged against what is offered */
	while (varlist_next(&w) == VARLIST_MORE)
		;
	assert_int_equal(w.stop, VARLIST_END);
	assert_int_equal(w.count, 3);
	assert_int_equal(w.guid.d1, 0x11111111);
}

static void test_rt_unsupported_service_is_never_called(void **state)
{
	struct efi_time t;

	(void)state;
	setup_table(0x3FFF & ~0x0001U);		/* EFI_RT_SUPPORTED_GET_TIME off */
	assert_int_equal(rt_get_time(&t, NULL), EFI_UNSUPPORTED);
	assert_int_equal(calls_get_time, 0);
	assert_int_equal(rt_get_stats()->calls[RT_GET_TIME], 0);
}

/* UEFI 2.10 §4.6.2, EFI_RT_SUPPORTED_*: spelled out here from the spec,
 * not from the table's order. */
static void test_rt_property_bits_are_the_specs(void **state)
{
	static const struct { enum rt_svc s; uint32_t bit; } spec[] = {
		{ RT_GET_TIME, 0x0001 }, { RT_SET_TIME, 0x0002 },
		{ RT_GET_WAKEUP_TIME, 0x0004 }, { RT_SET_WAKEUP_TIME, 0x0008 },
		{ RT_GET_VARIABLE, 0x0010 }, { RT_GET_NEXT_VARIABLE_NAME, 0x0020 },
		{ RT_SET_VARIABLE, 0x0040 }, { RT_SET_VIRTUAL_ADDRESS_MAP, 0x0080 },
		{ RT_CONVERT_POINTER, 0x0100 }, { RT_GET_NEXT_HIGH_MONOTONIC_COUNT, 0x0200 },
		{ RT_RESET_SYSTEM, 0x0400 }, { RT_UPDATE_CAPSULE, 0x0800 },
		{ RT_QUERY_CAPSULE_CAPABILITIES, 0x1000 }, { RT_QUERY_VARIABLE_INFO, 0x2000 },
	};
	uint32_t all = 0;

	(void)state;
	assert_int_equal(sizeof(spec) / sizeof(spec[0]), RT_SVC_COUNT);
	for (size_t i = 0; i < RT_SVC_COUNT; i++) {
		assert_int_equal(rt_svc_property_bit(spec[i].s), spec[i].bit);
		all |= spec[i].bit;
	}
	assert_int_equal(all, 0x3FFF);
}

/* U-Boot's 0x05b0 (README: Runtime services after boot): exactly these five are callable. */
static void test_rt_u_boots_mask_allows_its_five_services(void **state)
{
	(void)state;
	setup_table(0x05b0);
	for (int s = 0; s < RT_SVC_COUNT; s++) {
		bool want = s == RT_GET_VARIABLE || s == RT_GET_NEXT_VARIABLE_NAME ||
			    s == RT_SET_VIRTUAL_ADDRESS_MAP || s == RT_CONVERT_POINTER ||
			    s == RT_RESET_SYSTEM;

		assert_int_equal(rt_svc_usable((enum rt_svc)s), want);
	}
}

static void test_rt_counts_every_call(void **state)
{
	struct efi_time t;

	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(t.year, 2026);
	assert_int_equal(rt_get_stats()->calls[RT_GET_TIME], 2);
}

static void test_rt_fault_disables_only_the_faulting_group(void **state)
{
	struct efi_time t;
	uint8_t buf[8];
	size_t size = 8;
	char text[200];
	const struct rt_fault *f;

	(void)state;
	setup_table(0x3FFF);
	fault_in_set_variable = true;
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, "ab", 2), EFI_ABORTED);
	f = rt_last_fault();
	assert_true(f->happened);
	assert_int_equal(f->svc, RT_SET_VARIABLE);
	assert_int_equal(f->rip_desc, 0);
	assert_int_equal(f->rip_off, 0x234);
	assert_int_equal(f->cr2_desc, -1);
	assert_int_equal(rt_get_stats()->faults[RT_SET_VARIABLE], 1);
	/* Variables are off now, without calling the firmware again. */
	assert_int_equal(rt_get_variable(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID, NULL, buf, &size),
			 EFI_UNSUPPORTED);
	assert_int_equal(calls_get_variable, 0);
	/* Time still works. */
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_string_equal(rt_group_off_reason(RT_GROUP_VARIABLE),
			    "page fault (#PF) at 0xffffff0000001234 in SetVariable, "
			    "cr2 0xffffff00ffc00010; variable services off");
	assert_string_equal(rt_svc_off_reason(RT_GET_VARIABLE),
			    rt_group_off_reason(RT_GROUP_VARIABLE));
	assert_null(rt_group_off_reason(RT_GROUP_TIME));
	assert_null(rt_svc_off_reason(RT_GET_TIME));
	/* One group off is not the whole layer. */
	rt_state_text(text, sizeof(text));
	assert_string_equal(text, "enabled");
}

/* rt_call.asm puts the state back; the gate records who left what. */
static void test_rt_records_the_cpu_state_firmware_left_changed(void **state)
{
	const struct rt_restored *r = &rt_get_stats()->restored;
	struct efi_time t;

	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(r->rflags_calls + r->fpu_calls + r->cr_calls, 0);
	get_time_leaves_rflags = 0x40602;			/* DF IF AC */
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	get_time_leaves_rflags = 0x2 | 0x1;			/* CF: not guarded */
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(r->rflags_calls, 1);
	assert_int_equal(r->rflags_svc, RT_GET_TIME);
	assert_int_equal(r->rflags_left, 0x40602);
	assert_int_equal(r->rflags_entry, 0x2);
	assert_int_equal(r->fpu_calls + r->cr_calls, 0);
}

static uint64_t MSABI fake_time_flips_wp_and_fpu(struct efi_time *t, struct efi_time_cap *cap)
{
	(void)t; (void)cap;
	fw_cr0_flips = 1ULL << 16;				/* CR0.WP */
	fw_left_fcw = 0x027F;					/* 53-bit precision */
	fw_left_mxcsr = RT_MXCSR_DEFAULT | 0x01;		/* IE flag: status only */
	return EFI_SUCCESS;
}

static uint64_t MSABI fake_time_flips_cr4_and_mxcsr(struct efi_time *t, struct efi_time_cap *cap)
{
	(void)t; (void)cap;
	fw_cr4_flips = 1ULL << 7;				/* CR4.PGE */
	fw_left_mxcsr = 0x9FC0;					/* FZ DAZ */
	return EFI_SUCCESS;
}

static void test_rt_records_control_register_and_fpu_changes(void **state)
{
	const struct rt_restored *r = &rt_get_stats()->restored;
	struct efi_time t;

	(void)state;
	setup_table(0x3FFF);
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_flips_wp_and_fpu;
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(r->fpu_calls, 1);
	assert_int_equal(r->fcw_left, 0x027F);
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_flips_cr4_and_mxcsr;
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(r->cr_calls, 2);
	assert_int_equal(r->cr0_flips, 1ULL << 16);
	assert_int_equal(r->cr4_flips, 1ULL << 7);
	assert_int_equal(r->fpu_calls, 2);
	assert_int_equal(r->fcw_left, RT_FCW_DEFAULT);		/* the last call's */
	assert_int_equal(r->mxcsr_left, 0x9FC0);
	assert_int_equal(r->rflags_calls, 0);
}

/* The firmware claims more than the bounce it was offered: refused before
 * any copy (an over-read of the bounce under ASan otherwise), however
 * large the caller's own buffer is. */
static void test_rt_get_variable_checks_the_size_it_passed_not_the_callers(void **state)
{
	static uint8_t big[4 * RT_DATA_MAX];
	size_t size = sizeof(big);

	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_get_variable(u"Huge", &EFI_GLOBAL_VARIABLE_GUID, NULL, big, &size),
			 EFI_DEVICE_ERROR);
	assert_int_equal(size, sizeof(big));
}

static void test_rt_walk_takes_names_longer_than_1024_units(void **state)
{
	static uint16_t name[RT_NAME_MAX / 2];
	struct efi_guid g = { 0 };

	(void)state;
	setup_table(0x3FFF);
	long_name_walk = true;
	name[0] = 0;
	assert_int_equal(rt_get_next_variable_name(name, RT_NAME_MAX / 2, &g), EFI_SUCCESS);
	assert_int_equal(name[0], 'W');
	assert_int_equal(name[LONG_NAME_UNITS - 1], 'W');
	assert_int_equal(name[LONG_NAME_UNITS], 0);
	assert_int_equal(calls_next_name, 1);		/* offered enough at once */
	assert_int_equal(rt_get_next_variable_name(name, RT_NAME_MAX / 2, &g), EFI_NOT_FOUND);
	/* A caller's smaller buffer still bounds it. */
	name[0] = 0;
	assert_int_equal(rt_get_next_variable_name(name, 1024, &g), EFI_BUFFER_TOO_SMALL);
}

static void test_rt_name_cap_follows_the_maximum_variable_size(void **state)
{
	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_name_cap(), 0x8400 / 2);
	assert_int_equal(rt_name_cap(), 0x8400 / 2);
	assert_int_equal(calls_qvi, 1);			/* asked once */
	setup_table(0x3FFF);
	qvi_max_var = 100;				/* below the floor */
	assert_int_equal(rt_name_cap(), RT_NAME_DEFAULT / 2);
	setup_table(0x3FFF);
	qvi_max_var = 1ULL << 40;			/* above the bounce */
	assert_int_equal(rt_name_cap(), RT_NAME_MAX / 2);
	setup_table(0x3FFF & ~0x2000);			/* no QueryVariableInfo */
	assert_int_equal(rt_name_cap(), RT_NAME_MAX / 2);
	assert_int_equal(calls_qvi, 0);
}

static void test_rt_var_delete_takes_a_variable_over_64_kib(void **state)
{
	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_var_delete(u"Large", &EFI_GLOBAL_VARIABLE_GUID), EFI_SUCCESS);
	assert_int_equal(calls_get_variable, 1);	/* the zero-size read only */
	assert_int_equal(set_size, 0);
	assert_int_equal(set_attrs, 0x27 & ~0x40);	/* append-write dropped */
}

static void test_rt_var_delete_reads_attributes_where_too_small_gives_none(void **state)
{
	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_var_delete(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID), EFI_SUCCESS);
	assert_int_equal(calls_get_variable, 2);	/* zero-size, then whole */
	assert_int_equal(set_attrs, 7);
	assert_int_equal(set_size, 0);
	setup_table(0x3FFF);
	assert_int_equal(rt_var_delete(u"Nothing", &EFI_GLOBAL_VARIABLE_GUID), EFI_NOT_FOUND);
	assert_int_equal(set_size, ~0ULL);		/* nothing written */
}

static void test_rt_trap_from_hypervisor_code_during_a_call_is_not_contained(void **state)
{
	(void)state;
	setup_table(0x3FFF);
	trap_in_hypervisor_code = true;
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, "ab", 2), EFI_SUCCESS);
	assert_false(rt_last_fault()->happened);
	assert_int_equal(rt_get_stats()->faults[RT_SET_VARIABLE], 0);
	assert_true(rt_svc_usable(RT_GET_VARIABLE));
}

/* ---- the group table (rt/rt_group.c) ---- */

#define GB(g)	(1u << (g))

static void test_rt_group_every_service_enters_its_own_group(void **state)
{
	(void)state;
	for (int s = 0; s < RT_SVC_COUNT; s++)
		assert_true(rt_svc_uses(s) & GB(rt_svc_group(s)));
	assert_int_equal(rt_svc_uses(RT_SVC_COUNT), 0);
}

static void test_rt_group_services_that_write_variables_enter_the_variable_group(void **state)
{
	static const enum rt_svc writers[] = {
		RT_SET_TIME, RT_GET_WAKEUP_TIME, RT_SET_WAKEUP_TIME,
		RT_GET_NEXT_HIGH_MONOTONIC_COUNT, RT_UPDATE_CAPSULE,
	};
	static const enum rt_svc alone[] = {
		RT_GET_TIME, RT_RESET_SYSTEM, RT_QUERY_CAPSULE_CAPABILITIES,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		assert_int_equal(rt_svc_uses(writers[i]),
				 GB(rt_svc_group(writers[i])) | GB(RT_GROUP_VARIABLE));
	for (size_t i = 0; i < sizeof(alone) / sizeof(alone[0]); i++)
		assert_int_equal(rt_svc_uses(alone[i]), GB(rt_svc_group(alone[i])));
	assert_int_equal(rt_svc_uses(RT_QUERY_VARIABLE_INFO), GB(RT_GROUP_VARIABLE));
}

static void test_rt_groups_text_joins_names(void **state)
{
	char buf[48];

	(void)state;
	assert_int_equal(rt_groups_text(GB(RT_GROUP_TIME), buf, sizeof(buf)), 4);
	assert_string_equal(buf, "time");
	rt_groups_text(GB(RT_GROUP_VARIABLE) | GB(RT_GROUP_MISC), buf, sizeof(buf));
	assert_string_equal(buf, "variable and misc");
	rt_groups_text(GB(RT_GROUP_TIME) | GB(RT_GROUP_VARIABLE) | GB(RT_GROUP_CAPSULE), buf,
		       sizeof(buf));
	assert_string_equal(buf, "time, variable and capsule");
	assert_int_equal(rt_groups_text(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static uint64_t MSABI fake_count_faults(uint32_t *high)
{
	uint64_t rip, rsp;

	(void)high;
	assert_true(rt_contain_fault(6, 0, 0xFFFFFF0000001100ULL, 0, true, &rip, &rsp));
	return EFI_ABORTED;
}

/* A table entry rewritten at runtime to point outside runtime code: the
 * call is refused before the firmware is entered, that service alone goes
 * off, and the entry it held is kept for the error line. */
static void test_rt_pointer_outside_runtime_code_is_refused_and_that_service_off(void **state)
{
	static const uint64_t bad[] = { 0x7FFFFF0000001000ULL, 0xFFFFFF0000400000ULL, 0 };
	struct efi_time t;
	uint8_t buf[8];
	size_t size;
	uint64_t fn = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size = sizeof(buf);
		setup_table(0x3FFF);
		assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
		assert_int_equal(rt_last_refused(), RT_SVC_COUNT);
		table[3 + RT_GET_TIME] = bad[i];
		assert_int_equal(rt_get_time(&t, NULL), EFI_UNSUPPORTED);
		assert_int_equal(rt_last_refused(), RT_GET_TIME);
		assert_true(rt_svc_refused(RT_GET_TIME, &fn));
		assert_int_equal(fn, bad[i]);
		assert_int_equal(calls_get_time, 1);
		assert_int_equal(rt_get_stats()->calls[RT_GET_TIME], 1);
		assert_false(rt_svc_usable(RT_GET_TIME));
		assert_false(rt_last_fault()->happened);
		/* Only that service: the rest of its group and the others work. */
		assert_true(rt_svc_usable(RT_SET_TIME));
		assert_int_equal(rt_get_variable(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID, NULL, buf,
						 &size), EFI_BUFFER_TOO_SMALL);
		assert_int_equal(rt_last_refused(), RT_SVC_COUNT);
		assert_false(rt_svc_refused(RT_GET_VARIABLE, &fn));
		/* Put back, it stays off for the boot. */
		table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_get_time;
		assert_int_equal(rt_get_time(&t, NULL), EFI_UNSUPPORTED);
		assert_int_equal(calls_get_time, 1);
	}
}

/* No runtime code at all: nothing is called. */
static void test_rt_without_runtime_code_every_call_is_refused(void **state)
{
	struct rt_env env = {
		.table_va = (uint64_t)(uintptr_t)table, .supported = 0x3FFF,
		.stack_top = 0xFFFFFFFFC0121000ULL,
	};
	struct efi_time t;

	(void)state;
	setup_table(0x3FFF);
	rt_init(&env, true, NULL);
	assert_int_equal(rt_get_time(&t, NULL), EFI_UNSUPPORTED);
	assert_int_equal(rt_last_refused(), RT_GET_TIME);
	assert_int_equal(calls_get_time, 0);
}

/* A firmware stack the CPU cannot push a frame on: the exception becomes a
 * double fault, delivered on its IST stack in the runtime address space. */
static uint64_t MSABI fake_time_double_faults(struct efi_time *t, struct efi_time_cap *cap)
{
	uint64_t rip, rsp;

	(void)t;
	(void)cap;
	/* An NMI or a machine check is the platform's, never the firmware's. */
	assert_false(rt_contain_fault(2, 0, 0xFFFFFF0000001100ULL, 0, true, &rip, &rsp));
	assert_false(rt_contain_fault(18, 0, 0xFFFFFF0000001100ULL, 0, true, &rip, &rsp));
	/* A double fault taken in the hypervisor's own tables is its own. */
	assert_false(rt_contain_fault(8, 0, 0xFFFFFFFF80001234ULL, 0, false, &rip, &rsp));
	assert_true(rt_contain_fault(8, 0, 0xFFFFFF0000001180ULL, 0, true, &rip, &rsp));
	assert_int_equal(rip, (uint64_t)(uintptr_t)rt_call_abort);
	return EFI_ABORTED;
}

static void test_rt_double_fault_inside_firmware_is_contained(void **state)
{
	struct efi_time t;
	char text[200];
	uint64_t rip, rsp;

	(void)state;
	setup_table(0x3FFF);
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_double_faults;
	assert_int_equal(rt_get_time(&t, NULL), EFI_ABORTED);
	assert_int_equal(rt_last_fault()->vector, 8);
	assert_int_equal(rt_last_fault()->rip_desc, 0);
	assert_int_equal(rt_last_fault()->rip_off, 0x180);
	rt_state_text(text, sizeof(text));
	assert_string_equal(text, "enabled");	/* one group off is not the whole layer */
	assert_string_equal(rt_group_off_reason(RT_GROUP_TIME),
			    "double fault (#DF) at 0xffffff0000001180 in GetTime; time services off");
	assert_false(rt_svc_usable(RT_GET_TIME));
	assert_true(rt_svc_usable(RT_GET_VARIABLE));
	/* After the call, a double fault is the hypervisor's whatever the space. */
	assert_false(rt_contain_fault(8, 0, 0xFFFFFF0000001180ULL, 0, true, &rip, &rsp));
}

/* EDK2's GetNextHighMonotonicCount writes its counter with SetVariable: a
 * fault there may leave the variable driver mid-write, so variables go
 * off with it; time, which does not enter that driver for GetTime, stays. */
static void test_rt_fault_in_the_monotonic_count_switches_variables_off(void **state)
{
	uint8_t buf[8];
	size_t size = sizeof(buf);
	uint32_t high;
	struct efi_time t;
	char text[200];

	(void)state;
	setup_table(0x3FFF);
	table[3 + RT_GET_NEXT_HIGH_MONOTONIC_COUNT] = (uint64_t)(uintptr_t)fake_count_faults;
	assert_int_equal(rt_get_next_high_monotonic_count(&high), EFI_ABORTED);
	assert_int_equal(rt_get_variable(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID, NULL, buf, &size),
			 EFI_UNSUPPORTED);
	assert_int_equal(calls_get_variable, 0);
	assert_false(rt_svc_usable(RT_SET_TIME));		/* writes "RTC" */
	assert_false(rt_svc_usable(RT_UPDATE_CAPSULE));
	assert_true(rt_svc_usable(RT_QUERY_CAPSULE_CAPABILITIES));
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_string_equal(rt_disabled_reason(), "invalid opcode (#UD) at 0xffffff0000001100 in "
			    "GetNextHighMonotonicCount; variable and misc services off");
	assert_string_equal(rt_group_off_reason(RT_GROUP_MISC), rt_disabled_reason());
	assert_string_equal(rt_group_off_reason(RT_GROUP_VARIABLE), rt_disabled_reason());
	assert_null(rt_group_off_reason(RT_GROUP_CAPSULE));
	rt_state_text(text, sizeof(text));
	assert_string_equal(text, "enabled");
}

/* ---- the watchdog's half in rt/ ---- */

/* A fake TSC of 1,000,000 cycles a millisecond: ms(n) is n ms. */
#define PER_MS		1000000ULL
#define MS(n)		((uint64_t)(n) * PER_MS)

/* What the timer's ticks saw while a fake service ran, at offsets from the
 * call's start. */
#define TICKS_MAX	8
static uint64_t tick_at[TICKS_MAX];
static unsigned nticks;
static enum rt_watchdog_verdict verdict[TICKS_MAX];
static enum rt_svc verdict_svc[TICKS_MAX];
static uint32_t verdict_ms[TICKS_MAX];
static bool contain_on_abandon;

/* True when a tick contained the call (the real rt_call then resumes at
 * rt_call_abort with EFI_ABORTED). */
static bool run_ticks(void)
{
	uint64_t start = rt_gate.call_tsc;

	for (unsigned i = 0; i < nticks; i++) {
		verdict_ms[i] = 0;
		verdict[i] = rt_watchdog_tick(start + tick_at[i], &verdict_svc[i], &verdict_ms[i]);
		if (verdict[i] == RT_WATCHDOG_ABANDON && contain_on_abandon) {
			uint64_t rip, rsp;

			assert_true(rt_contain_fault(RT_FAULT_HUNG, 0, 0xFFFFFF0000001200ULL, 0,
						     true, &rip, &rsp));
			return true;
		}
	}
	return false;
}

static uint64_t MSABI fake_time_hangs(struct efi_time *t, struct efi_time_cap *cap)
{
	(void)t; (void)cap;
	run_ticks();
	return EFI_ABORTED;	/* what rt_call_abort returns after containment */
}

static uint64_t MSABI fake_set_variable_slow(const uint16_t *name, const struct efi_guid *g,
					     uint32_t attrs, uint64_t size, const void *data)
{
	(void)name; (void)g; (void)attrs; (void)size; (void)data;
	return run_ticks() ? EFI_ABORTED : EFI_SUCCESS;
}

static void watchdog_setup(uint32_t read_ms, uint32_t write_ms, uint64_t per_ms)
{
	struct rt_env env;

	setup_table(0x3FFF);
	env = rt_gate.env;
	env.deadlines = (struct rt_deadlines){ .read_ms = read_ms, .write_ms = write_ms };
	env.tsc_per_ms = per_ms;
	rt_init(&env, true, NULL);
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_hangs;
	table[3 + RT_SET_VARIABLE] = (uint64_t)(uintptr_t)fake_set_variable_slow;
	memset(verdict, 0xFF, sizeof(verdict));
	contain_on_abandon = true;
}

static void test_rt_watchdog_abandons_a_hung_read_at_the_read_deadline(void **state)
{
	enum rt_svc svc;
	uint32_t ms;
	struct efi_time t;
	(void)state;
	watchdog_setup(3000, 60000, PER_MS);
	assert_int_equal(rt_watchdog_tick(~0ULL / 2, &svc, &ms), RT_WATCHDOG_QUIET); /* no call */
	nticks = 3;
	tick_at[0] = MS(2000);
	tick_at[1] = MS(2999);
	tick_at[2] = MS(3000);
	assert_int_equal(rt_get_time(&t, NULL), EFI_ABORTED);
	assert_int_equal(verdict[0], RT_WATCHDOG_NOTICE);	/* 3 s > the 2 s notice */
	assert_int_equal(verdict_svc[0], RT_GET_TIME);
	assert_int_equal(verdict_ms[0], 2000);
	assert_int_equal(verdict[1], RT_WATCHDOG_QUIET);
	assert_int_equal(verdict[2], RT_WATCHDOG_ABANDON);
	assert_int_equal(verdict_ms[2], 3000);
	assert_int_equal(rt_last_fault()->vector, RT_FAULT_HUNG);
	assert_string_equal(rt_group_off_reason(RT_GROUP_TIME),
			    "no return within 3 s at 0xffffff0000001200 in GetTime; time services off");
	assert_false(rt_svc_usable(RT_GET_TIME));
	assert_true(rt_svc_usable(RT_GET_VARIABLE));
}

static void test_rt_watchdog_gives_a_slow_write_one_notice_and_the_write_deadline(void **state)
{
	(void)state;
	watchdog_setup(2000, 60000, PER_MS);
	contain_on_abandon = false;		/* only look at the verdicts */
	nticks = 6;
	tick_at[0] = MS(1999);
	tick_at[1] = MS(2000);
	tick_at[2] = MS(2050);
	tick_at[3] = MS(30000);
	tick_at[4] = MS(59999);
	tick_at[5] = MS(60000);
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, "ab", 2), EFI_SUCCESS);
	assert_int_equal(verdict[0], RT_WATCHDOG_QUIET);
	assert_int_equal(verdict[1], RT_WATCHDOG_NOTICE);
	assert_int_equal(verdict_svc[1], RT_SET_VARIABLE);
	assert_int_equal(verdict_ms[1], 2000);
	assert_int_equal(verdict[2], RT_WATCHDOG_QUIET);	/* once per call */
	assert_int_equal(verdict[3], RT_WATCHDOG_QUIET);
	assert_int_equal(verdict[4], RT_WATCHDOG_QUIET);
	assert_int_equal(verdict[5], RT_WATCHDOG_ABANDON);
	assert_int_equal(verdict_ms[5], 60000);
	/* The next call is reported again. */
	nticks = 1;
	tick_at[0] = MS(2000);
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, "ab", 2), EFI_SUCCESS);
	assert_int_equal(verdict[0], RT_WATCHDOG_NOTICE);
	assert_null(rt_disabled_reason());
}

static void test_rt_watchdog_abandoned_write_names_its_deadline(void **state)
{
	
	(void)state;
	watchdog_setup(2000, 45500, PER_MS);
	nticks = 2;
	tick_at[0] = MS(45499);
	tick_at[1] = MS(45500);
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, "ab", 2), EFI_ABORTED);
	assert_int_equal(verdict[0], RT_WATCHDOG_NOTICE);	/* the first tick past 2 s */
	assert_int_equal(verdict[1], RT_WATCHDOG_ABANDON);
	assert_string_equal(rt_disabled_reason(), "no return within 45500 ms at 0xffffff0000001200 "
			    "in SetVariable; variable services off");
}

static void test_rt_watchdog_off_never_notices_nor_abandons(void **state)
{
	(void)state;
	/* rt_watchdog = off: no deadlines (the timer is not armed either). */
	watchdog_setup(0, 0, PER_MS);
	nticks = 2;
	tick_at[0] = MS(2000);
	tick_at[1] = MS(600000);
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, "ab", 2), EFI_SUCCESS);
	assert_int_equal(verdict[0], RT_WATCHDOG_QUIET);
	assert_int_equal(verdict[1], RT_WATCHDOG_QUIET);
	/* No calibrated TSC: nothing to time the call by. */
	watchdog_setup(2000, 60000, 0);
	assert_int_equal(rt_get_time(&(struct efi_time){ 0 }, NULL), EFI_ABORTED);
	assert_int_equal(verdict[0], RT_WATCHDOG_QUIET);
	assert_int_equal(verdict[1], RT_WATCHDOG_QUIET);
	assert_null(rt_disabled_reason());
}

/* A fault contained in service s, as the exception path reports one. */
static void contain_in(enum rt_svc s, uint64_t rip)
{
	uint64_t resume_rip, resume_rsp;

	rt_gate.busy = true;
	rt_gate.current = s;
	assert_true(rt_contain_fault(6, 0, rip, 0, true, &resume_rip, &resume_rsp));
}

static void test_rt_state_is_disabled_only_when_every_group_is_off(void **state)
{
	char text[200];

	(void)state;
	setup_table(0x3FFF);
	contain_in(RT_GET_TIME, 0xFFFFFF0000001100ULL);
	contain_in(RT_RESET_SYSTEM, 0xFFFFFF0000001200ULL);
	contain_in(RT_QUERY_CAPSULE_CAPABILITIES, 0xFFFFFF0000001300ULL);
	rt_state_text(text, sizeof(text));
	assert_string_equal(text, "enabled");	/* variable and misc still on */
	assert_null(rt_group_off_reason(RT_GROUP_VARIABLE));
	contain_in(RT_GET_NEXT_HIGH_MONOTONIC_COUNT, 0xFFFFFF0000001400ULL); /* misc + variable */
	/* Each group keeps the fault that switched it off. */
	assert_string_equal(rt_group_off_reason(RT_GROUP_TIME),
			    "invalid opcode (#UD) at 0xffffff0000001100 in GetTime; time services off");
	assert_string_equal(rt_group_off_reason(RT_GROUP_RESET), "invalid opcode (#UD) at "
			    "0xffffff0000001200 in ResetSystem; reset services off");
	assert_string_equal(rt_svc_off_reason(RT_QUERY_CAPSULE_CAPABILITIES), "invalid opcode (#UD) at "
			    "0xffffff0000001300 in QueryCapsuleCapabilities; capsule services off");
	assert_string_equal(rt_group_off_reason(RT_GROUP_VARIABLE), "invalid opcode (#UD) at "
			    "0xffffff0000001400 in GetNextHighMonotonicCount; variable and misc "
			    "services off");
	/* Every group off now: the layer is disabled, with the last fault. */
	rt_state_text(text, sizeof(text));
	assert_string_equal(text, "disabled (invalid opcode (#UD) at 0xffffff0000001400 in "
				  "GetNextHighMonotonicCount; variable and misc services off)");
}

/* What the firmware is offered ends at the guard page above it, so a
 * write or read one byte past it faults (hv/rt_space.c leaves the guards
 * unmapped); the pieces the runtime space maps are page aligned. */
static void test_rt_bounce_buffers_end_at_their_guard_page(void **state)
{
	struct rt_bounce_piece pieces[RT_BOUNCE_PIECES];
	uint8_t buf[300];
	size_t size = 40;

	(void)state;
	setup_table(0x3FFF);
	rt_get_variable(u"BootOrder", &EFI_GLOBAL_VARIABLE_GUID, NULL, buf, &size);
	assert_ptr_equal((const uint8_t *)last_data_ptr + last_data_offered,
			 rt_bounce.data + RT_DATA_MAX);
	assert_int_equal(last_data_offered, 40);
	assert_ptr_equal(last_name_ptr + 10, rt_bounce.name + RT_NAME_MAX / 2);	/* "BootOrder" + NUL */
	rt_bounce_pieces(pieces);
	assert_ptr_equal((const void *)(uintptr_t)pieces[0].va, rt_bounce.data);
	for (int i = 0; i < RT_BOUNCE_PIECES; i++) {
		assert_int_equal(pieces[i].va % 4096, 0);
		assert_int_equal(pieces[i].len % 4096, 0);
	}
	/* A guard page lies between each piece and the next. */
	assert_true(pieces[1].va >= pieces[0].va + pieces[0].len + 4096);
	assert_true(pieces[2].va >= pieces[1].va + pieces[1].len + 4096);
	assert_true(pieces[0].va >= (uint64_t)(uintptr_t)&rt_bounce + 4096);
	assert_true(pieces[2].va + pieces[2].len + 4096 <=
		    (uint64_t)(uintptr_t)&rt_bounce + sizeof(rt_bounce));
}

/* ---- rt_compat = heal ---- */

static bool heal_answer;

static uint64_t MSABI fake_time_touches_phys(struct efi_time *t, struct efi_time_cap *cap)
{
	(void)cap;
	/* A not-present read at pa 0x1800 (inside the fake map's region at
	 * 0x1000, runtime code) while running. */
	heal_answer = rt_heal_fault(0, 0xFFFFFF0000001100ULL, 0x1800, true);
	*t = (struct efi_time){ .year = 2026, .month = 1, .day = 2 };
	return EFI_SUCCESS;
}

static void test_rt_heal_aliases_and_logs_the_quirk(void **state)
{
	struct rt_env env = {
		.table_va = (uint64_t)(uintptr_t)table, .supported = 0x3FFF,
		.stack_top = 0xFFFFFFFFC0121000ULL, .compat = 1,
		.code = HOST_CODE, .code_count = 1,
	};
	static const struct efi_mdesc map[1] = { { .type = EFI_MT_RT_CODE, .pa = 0x1000,
						   .va = 0xFFFFFF0000001000ULL, .npages = 16,
						   .attr = 0x800000000000000FULL } };
	struct efi_time t;
	const struct rt_quirk *q;
	size_t n;

	(void)state;
	setup_table(0x3FFF);
	env.map = map;
	env.map_count = 1;
	rt_init(&env, true, NULL);
	alias_calls = 0;
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_touches_phys;
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	assert_true(heal_answer);
	assert_int_equal(alias_calls, 1);
	assert_int_equal(alias_pa, 0x1000);
	assert_int_equal(alias_len, 16 * 4096);
	q = rt_quirks(&n);
	assert_int_equal(n, 1);
	assert_int_equal(q[0].svc, RT_GET_TIME);
	assert_int_equal(q[0].addr, 0x1800);
	assert_int_equal(q[0].alias.desc, 0);
	assert_false(rt_last_fault()->happened);
	/* A second fault on the same alias (a stale TLB entry) heals without
	 * a second log entry. */
	assert_int_equal(rt_get_time(&t, NULL), EFI_SUCCESS);
	rt_quirks(&n);
	assert_int_equal(n, 1);
	/* Not inside a call, from the hypervisor's space, a protection fault,
	 * or rung none: never healed. */
	assert_false(rt_heal_fault(0, 0, 0x1800, true));
}

static uint64_t MSABI fake_time_heal_refused(struct efi_time *t, struct efi_time_cap *cap)
{
	(void)t; (void)cap;
	heal_answer = rt_heal_fault(0, 0, 0x1800, false) || rt_heal_fault(1, 0, 0x1800, true);
	return EFI_SUCCESS;
}

static void test_rt_heal_needs_its_rung_a_not_present_fault_and_the_runtime_space(void **state)
{
	static const struct efi_mdesc map[1] = { { .type = EFI_MT_RT_CODE, .pa = 0x1000,
						   .npages = 16, .attr = 0x800000000000000FULL } };
	struct rt_env env = {
		.table_va = (uint64_t)(uintptr_t)table, .supported = 0x3FFF,
		.stack_top = 0xFFFFFFFFC0121000ULL, .compat = 1, .map = map, .map_count = 1,
		.code = HOST_CODE, .code_count = 1,
	};
	struct efi_time t;

	(void)state;
	setup_table(0x3FFF);
	rt_init(&env, true, NULL);
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_heal_refused;
	heal_answer = true;
	rt_get_time(&t, NULL);
	assert_false(heal_answer);
	env.compat = 0;					/* rt_compat = none */
	rt_init(&env, true, NULL);
	table[3 + RT_GET_TIME] = (uint64_t)(uintptr_t)fake_time_touches_phys;
	rt_get_time(&t, NULL);
	assert_false(heal_answer);
}

static void test_rt_fault_outside_a_call_is_not_contained(void **state)
{
	uint64_t rip, rsp;

	(void)state;
	setup_table(0x3FFF);
	assert_false(rt_contain_fault(14, 0, 0x1000, 0, true, &rip, &rsp));
}

static void test_rt_set_variable_refuses_oversized_data(void **state)
{
	static uint8_t big[RT_DATA_MAX + 1];

	(void)state;
	setup_table(0x3FFF);
	assert_int_equal(rt_set_variable(u"X", &EFI_GLOBAL_VARIABLE_GUID, 7, big, sizeof(big)),
			 EFI_INVALID_PARAMETER);
}

static void test_rt_disabled_layer_calls_nothing(void **state)
{
	struct rt_env env = { .table_va = 0 };
	struct efi_time t;
	char text[100];

	(void)state;
	rt_init(&env, true, "runtime = off in hvboot.cfg");
	assert_false(rt_available());
	assert_int_equal(rt_get_time(&t, NULL), EFI_UNSUPPORTED);
	rt_state_text(text, sizeof(text));
	assert_string_equal(text, "disabled (runtime = off in hvboot.cfg)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_var_read_retries_with_the_size_firmware_asks_for),
		cmocka_unit_test(test_rt_var_read_reports_the_needed_size_beyond_cap),
		cmocka_unit_test(test_rt_get_next_variable_name_walks_every_name),
		cmocka_unit_test(test_rt_varlist_walks_through_the_gate_to_the_end),
		cmocka_unit_test(test_rt_unsupported_service_is_never_called),
		cmocka_unit_test(test_rt_property_bits_are_the_specs),
		cmocka_unit_test(test_rt_u_boots_mask_allows_its_five_services),
		cmocka_unit_test(test_rt_counts_every_call),
		cmocka_unit_test(test_rt_fault_disables_only_the_faulting_group),
		cmocka_unit_test(test_rt_records_the_cpu_state_firmware_left_changed),
		cmocka_unit_test(test_rt_records_control_register_and_fpu_changes),
		cmocka_unit_test(test_rt_get_variable_checks_the_size_it_passed_not_the_callers),
		cmocka_unit_test(test_rt_walk_takes_names_longer_than_1024_units),
		cmocka_unit_test(test_rt_name_cap_follows_the_maximum_variable_size),
		cmocka_unit_test(test_rt_var_delete_takes_a_variable_over_64_kib),
		cmocka_unit_test(test_rt_var_delete_reads_attributes_where_too_small_gives_none),
		cmocka_unit_test(test_rt_trap_from_hypervisor_code_during_a_call_is_not_contained),
		cmocka_unit_test(test_rt_group_every_service_enters_its_own_group),
		cmocka_unit_test(test_rt_group_services_that_write_variables_enter_the_variable_group),
		cmocka_unit_test(test_rt_groups_text_joins_names),
		cmocka_unit_test(test_rt_fault_in_the_monotonic_count_switches_variables_off),
		cmocka_unit_test(test_rt_watchdog_abandons_a_hung_read_at_the_read_deadline),
		cmocka_unit_test(test_rt_watchdog_gives_a_slow_write_one_notice_and_the_write_deadline),
		cmocka_unit_test(test_rt_watchdog_abandoned_write_names_its_deadline),
		cmocka_unit_test(test_rt_watchdog_off_never_notices_nor_abandons),
		cmocka_unit_test(test_rt_state_is_disabled_only_when_every_group_is_off),
		cmocka_unit_test(test_rt_double_fault_inside_firmware_is_contained),
		cmocka_unit_test(test_rt_pointer_outside_runtime_code_is_refused_and_that_service_off),
		cmocka_unit_test(test_rt_without_runtime_code_every_call_is_refused),
		cmocka_unit_test(test_rt_bounce_buffers_end_at_their_guard_page),
		cmocka_unit_test(test_rt_heal_aliases_and_logs_the_quirk),
		cmocka_unit_test(test_rt_heal_needs_its_rung_a_not_present_fault_and_the_runtime_space),
		cmocka_unit_test(test_rt_fault_outside_a_call_is_not_contained),
		cmocka_unit_test(test_rt_set_variable_refuses_oversized_data),
		cmocka_unit_test(test_rt_disabled_layer_calls_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
