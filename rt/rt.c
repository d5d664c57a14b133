/* The runtime-services call layer (see rt.h). Portable: the only way out
 * is rt_call(), which the hypervisor implements in rt_call.asm and host
 * tests implement against a fake runtime table. */
#include "rt.h"
#include "efistatus.h"
#include "fmt.h"

#define TABLE_HEADER_BYTES	24	/* EFI_TABLE_HEADER */

static const char *const svc_names[RT_SVC_COUNT] = {
	"GetTime", "SetTime", "GetWakeupTime", "SetWakeupTime",
	"SetVirtualAddressMap", "ConvertPointer", "GetVariable", "GetNextVariableName",
	"SetVariable", "GetNextHighMonotonicCount", "ResetSystem", "UpdateCapsule",
	"QueryCapsuleCapabilities", "QueryVariableInfo",
};

/* EFI_RT_SUPPORTED_* (UEFI 2.10 §4.6.2), in table order. */
static const uint32_t svc_bits[RT_SVC_COUNT] = {
	0x0001, 0x0002, 0x0004, 0x0008, 0x0100, 0x0200, 0x0010, 0x0020,
	0x0040, 0x0400, 0x0800, 0x1000, 0x2000, 0x0080,
};

static const char *const group_names[RT_GROUP_COUNT] = {
	"time", "variable", "reset", "capsule", "misc",
};

const char *rt_svc_name(enum rt_svc s)
{
	return s < RT_SVC_COUNT ? svc_names[s] : "?";
}

uint32_t rt_svc_property_bit(enum rt_svc s)
{
	return s < RT_SVC_COUNT ? svc_bits[s] : 0;
}

enum rt_group rt_svc_group(enum rt_svc s)
{
	switch (s) {
	case RT_GET_TIME: case RT_SET_TIME: case RT_GET_WAKEUP_TIME: case RT_SET_WAKEUP_TIME:
		return RT_GROUP_TIME;
	case RT_GET_VARIABLE: case RT_GET_NEXT_VARIABLE_NAME: case RT_SET_VARIABLE:
	case RT_QUERY_VARIABLE_INFO:
		return RT_GROUP_VARIABLE;
	case RT_RESET_SYSTEM:
		return RT_GROUP_RESET;
	case RT_UPDATE_CAPSULE: case RT_QUERY_CAPSULE_CAPABILITIES:
		return RT_GROUP_CAPSULE;
	default:
		return RT_GROUP_MISC;
	}
}

const char *rt_group_name(enum rt_group g)
{
	return g < RT_GROUP_COUNT ? group_names[g] : "?";
}

/* --- state ------------------------------------------------------------ */

static struct {
	struct rt_env env;
	bool enabled;
	bool group_off[RT_GROUP_COUNT];
	char reason[160];
	volatile bool busy;		/* serializes calls (and catches re-entry) */
	enum rt_svc current;
	struct rt_stats stats;
	struct rt_fault fault;
} rt;

/* Everything firmware may read or write during a call lives here, not on
 * the hypervisor's stack or heap: the arguments are copied in and out.
 * In .bss.rtshared: the only hypervisor data the runtime address space
 * maps (rt/rt_space.c). */
static struct rt_bounce {
	uint8_t data[RT_DATA_MAX];
	uint16_t name[RT_NAME_MAX / 2];
	struct efi_guid guid;
	uint64_t size;			/* UINTN DataSize / VariableNameSize */
	uint32_t attrs;
	uint32_t high;
	uint64_t q[3];			/* QueryVariableInfo outputs */
	struct efi_time time;
	struct efi_time_cap cap;
	uint8_t b1, b2;			/* BOOLEAN outputs */
} bounce __attribute__((aligned(4096), section(".bss.rtshared")));

void rt_init(const struct rt_env *env, bool enabled, const char *disabled_reason)
{
	__builtin_memset(&rt, 0, sizeof(rt));
	rt.env = *env;
	rt.enabled = enabled && env->table_va;
	if (!rt.enabled)
		fmt_snprintf(rt.reason, sizeof(rt.reason), "%s",
			     disabled_reason && *disabled_reason ? disabled_reason
								 : "no runtime services table");
}

bool rt_available(void)
{
	return rt.enabled;
}

bool rt_svc_usable(enum rt_svc s)
{
	return rt.enabled && (rt.env.supported & rt_svc_property_bit(s)) &&
	       !rt.group_off[rt_svc_group(s)];
}

const char *rt_disabled_reason(void)
{
	return rt.enabled && !rt.fault.happened ? NULL : rt.reason;
}

size_t rt_state_text(char *buf, size_t cap)
{
	if (rt.enabled && !rt.fault.happened)
		return fmt_snprintf(buf, cap, "enabled");
	return fmt_snprintf(buf, cap, "disabled (%s)", rt.reason);
}

const struct rt_stats *rt_get_stats(void)
{
	return &rt.stats;
}

const struct rt_fault *rt_last_fault(void)
{
	return &rt.fault;
}

static inline uint64_t rt_rdtsc(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
#else
	return 0;
#endif
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* One call: checks, counts, serializes, times. */
static efi_status_t call(enum rt_svc s, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			 uint64_t a5)
{
	uint64_t fn, t0;
	efi_status_t st;

	if (!rt_svc_usable(s))
		return RT_UNSUPPORTED;
	if (rt.busy)
		return RT_ABORTED;	/* re-entered from a fault path: refuse */
	rt.busy = true;
	rt.current = s;
	fn = *(const volatile uint64_t *)(uintptr_t)(rt.env.table_va + TABLE_HEADER_BYTES + 8 * s);
	rt.stats.calls[s]++;
	t0 = rt_rdtsc();
	st = rt_call(fn, rt.env.stack_top, a1, a2, a3, a4, a5);
	rt.stats.last_cycles[s] = rt_rdtsc() - t0;
	rt.busy = false;
	return st;
}

/* --- fault containment -------------------------------------------------- */

extern const uint8_t rt_call_abort[];
extern uint64_t rt_saved_rsp;

static void locate(uint64_t va, int64_t *desc, uint64_t *off)
{
	const uint8_t *m = rt.env.map;

	*desc = -1;
	*off = 0;
	for (size_t i = 0; m && i < rt.env.map_count; i++) {
		uint64_t dva, npages;

		__builtin_memcpy(&dva, m + i * 40 + 16, 8);
		__builtin_memcpy(&npages, m + i * 40 + 24, 8);
		if (dva && va >= dva && va - dva < (npages << 12)) {
			*desc = (int64_t)i;
			*off = va - dva;
			return;
		}
	}
}

const char *rt_fault_name(uint64_t v)
{
	switch (v) {
	case 0: return "divide error";
	case 6: return "invalid opcode";
	case 13: return "general protection fault";
	case 14: return "page fault";
	default: return "exception";
	}
}

bool rt_contain_fault(uint64_t vector, uint64_t error, uint64_t rip, uint64_t cr2,
		      uint64_t *resume_rip, uint64_t *resume_rsp)
{
	struct rt_fault *f = &rt.fault;
	enum rt_group g;

	if (!rt.busy)
		return false;
	*f = (struct rt_fault){
		.happened = true, .svc = rt.current, .vector = vector, .error = error,
		.rip = rip, .cr2 = cr2,
	};
	locate(rip, &f->rip_desc, &f->rip_off);
	locate(cr2, &f->cr2_desc, &f->cr2_off);
	g = rt_svc_group(rt.current);
	rt.group_off[g] = true;
	rt.stats.faults[rt.current]++;
	if (vector == 14)
		fmt_snprintf(rt.reason, sizeof(rt.reason),
			     "%s at 0x%llx in %s, cr2 0x%llx; %s services off",
			     rt_fault_name(vector), (unsigned long long)rip, rt_svc_name(rt.current),
			     (unsigned long long)cr2, rt_group_name(g));
	else
		fmt_snprintf(rt.reason, sizeof(rt.reason), "%s at 0x%llx in %s; %s services off",
			     rt_fault_name(vector), (unsigned long long)rip, rt_svc_name(rt.current),
			     rt_group_name(g));
	rt.busy = false;
	*resume_rip = ptr(rt_call_abort);
	*resume_rsp = rt_saved_rsp;
	return true;
}

/* --- the services ------------------------------------------------------- */

efi_status_t rt_get_time(struct efi_time *t, struct efi_time_cap *cap)
{
	efi_status_t st = call(RT_GET_TIME, ptr(&bounce.time), cap ? ptr(&bounce.cap) : 0, 0, 0, 0);

	if (st == RT_SUCCESS) {
		*t = bounce.time;
		if (cap)
			*cap = bounce.cap;
	}
	return st;
}

efi_status_t rt_set_time(const struct efi_time *t)
{
	bounce.time = *t;
	return call(RT_SET_TIME, ptr(&bounce.time), 0, 0, 0, 0);
}

efi_status_t rt_get_wakeup_time(bool *enabled, bool *pending, struct efi_time *t)
{
	efi_status_t st = call(RT_GET_WAKEUP_TIME, ptr(&bounce.b1), ptr(&bounce.b2),
			       ptr(&bounce.time), 0, 0);

	if (st == RT_SUCCESS) {
		*enabled = bounce.b1;
		*pending = bounce.b2;
		*t = bounce.time;
	}
	return st;
}

efi_status_t rt_set_wakeup_time(bool enable, const struct efi_time *t)
{
	if (t)
		bounce.time = *t;
	return call(RT_SET_WAKEUP_TIME, enable, t ? ptr(&bounce.time) : 0, 0, 0, 0);
}

/* Copies a NUL-terminated UTF-16 name into the bounce buffer. */
static bool bounce_name(const uint16_t *name)
{
	size_t i;

	for (i = 0; i < RT_NAME_MAX / 2; i++) {
		bounce.name[i] = name[i];
		if (!name[i])
			return true;
	}
	return false;
}

efi_status_t rt_get_variable(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t *attrs, void *data, size_t *size)
{
	efi_status_t st;

	if (!name || !guid || !size || (*size && !data))
		return RT_INVALID_PARAMETER;
	if (!bounce_name(name))
		return RT_INVALID_PARAMETER;
	bounce.guid = *guid;
	bounce.size = *size < RT_DATA_MAX ? *size : RT_DATA_MAX;
	bounce.attrs = 0;
	st = call(RT_GET_VARIABLE, ptr(bounce.name), ptr(&bounce.guid), ptr(&bounce.attrs),
		  ptr(&bounce.size), ptr(bounce.data));
	if (st == RT_SUCCESS || st == RT_BUFFER_TOO_SMALL) {
		if (st == RT_SUCCESS && bounce.size > *size)
			return RT_DEVICE_ERROR;		/* firmware overstated its write */
		if (st == RT_SUCCESS)
			__builtin_memcpy(data, bounce.data, bounce.size);
		*size = bounce.size;
		if (attrs)
			*attrs = bounce.attrs;
	}
	return st;
}

efi_status_t rt_var_read(const uint16_t *name, const struct efi_guid *guid,
			 uint32_t *attrs, void *data, size_t cap, size_t *size)
{
	size_t want = cap < 256 ? cap : 256;	/* efivar starts small, then asks */
	efi_status_t st;

	for (int tries = 0; tries < 4; tries++) {
		*size = want;
		st = rt_get_variable(name, guid, attrs, data, size);
		if (st != RT_BUFFER_TOO_SMALL)
			return st;
		if (*size > cap || *size <= want)
			return RT_BUFFER_TOO_SMALL;	/* *size says how much */
		want = *size;
	}
	return st;
}

efi_status_t rt_get_next_variable_name(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	efi_status_t st;
	size_t limit = cap < RT_NAME_MAX / 2 ? cap : RT_NAME_MAX / 2;

	if (!name || !guid || cap == 0)
		return RT_INVALID_PARAMETER;
	if (!bounce_name(name))
		return RT_INVALID_PARAMETER;
	bounce.guid = *guid;
	/* UEFI 2.10 §8.2.2: VariableNameSize is the buffer size in bytes; on
	 * EFI_BUFFER_TOO_SMALL it comes back as the size needed, and we retry. */
	bounce.size = limit * 2;
	for (int tries = 0; tries < 2; tries++) {
		st = call(RT_GET_NEXT_VARIABLE_NAME, ptr(&bounce.size), ptr(bounce.name),
			  ptr(&bounce.guid), 0, 0);
		if (st != RT_BUFFER_TOO_SMALL || bounce.size > limit * 2)
			break;
	}
	if (st == RT_SUCCESS) {
		size_t n = bounce.size / 2;

		if (n > limit)
			return RT_DEVICE_ERROR;
		__builtin_memcpy(name, bounce.name, n * 2);
		name[n < limit ? n : limit - 1] = 0;
		name[limit - 1] = 0;
		*guid = bounce.guid;
	}
	return st;
}

efi_status_t rt_set_variable(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t attrs, const void *data, size_t size)
{
	if (!name || !guid || size > RT_DATA_MAX || (size && !data))
		return RT_INVALID_PARAMETER;
	if (!bounce_name(name))
		return RT_INVALID_PARAMETER;
	bounce.guid = *guid;
	if (size)
		__builtin_memcpy(bounce.data, data, size);
	return call(RT_SET_VARIABLE, ptr(bounce.name), ptr(&bounce.guid), attrs, size,
		    ptr(bounce.data));
}

efi_status_t rt_query_variable_info(uint32_t attrs, uint64_t *max_storage,
				    uint64_t *remaining, uint64_t *max_var)
{
	efi_status_t st = call(RT_QUERY_VARIABLE_INFO, attrs, ptr(&bounce.q[0]), ptr(&bounce.q[1]),
			       ptr(&bounce.q[2]), 0);

	if (st == RT_SUCCESS) {
		*max_storage = bounce.q[0];
		*remaining = bounce.q[1];
		*max_var = bounce.q[2];
	}
	return st;
}

efi_status_t rt_get_next_high_monotonic_count(uint32_t *high)
{
	efi_status_t st = call(RT_GET_NEXT_HIGH_MONOTONIC_COUNT, ptr(&bounce.high), 0, 0, 0, 0);

	if (st == RT_SUCCESS)
		*high = bounce.high;
	return st;
}

efi_status_t rt_reset_system(int type, efi_status_t status)
{
	return call(RT_RESET_SYSTEM, (uint64_t)type, status, 0, 0, 0);
}

/* Capsules (UEFI 2.10 §8.5.3): the firmware reads each EFI_CAPSULE_HEADER
 * (and, for UpdateCapsule, the image behind it) through the pointer array,
 * so both are copied into the bounce area — the only hypervisor memory its
 * address space maps. Each image must fit there (RT_DATA_MAX in all); the
 * scatter-gather list is a physical address the firmware reads itself. */
#define CAPSULE_MAX		16
#define CAPSULE_HEADER_BYTES	28
#define RT_BAD_BUFFER_SIZE	EFI_ERR(4)

static efi_status_t bounce_capsules(const void *const *capsules, size_t count, bool whole)
{
	uint64_t *ptrs = (uint64_t *)(void *)bounce.data;
	size_t used = CAPSULE_MAX * 8;

	if (count == 0 || count > CAPSULE_MAX || !capsules)
		return RT_INVALID_PARAMETER;
	for (size_t i = 0; i < count; i++) {
		uint32_t image;
		size_t n;

		if (!capsules[i])
			return RT_INVALID_PARAMETER;
		__builtin_memcpy(&image, (const uint8_t *)capsules[i] + 24, 4);
		n = whole ? image : CAPSULE_HEADER_BYTES;
		if (n < CAPSULE_HEADER_BYTES || n > RT_DATA_MAX - used)
			return RT_BAD_BUFFER_SIZE;
		__builtin_memcpy(bounce.data + used, capsules[i], n);
		ptrs[i] = ptr(bounce.data + used);
		used = (used + n + 7) & ~(size_t)7;
	}
	return RT_SUCCESS;
}

efi_status_t rt_update_capsule(const void *const *capsules, size_t count, uint64_t sg_list_pa)
{
	efi_status_t st = bounce_capsules(capsules, count, true);

	if (st != RT_SUCCESS)
		return st;
	return call(RT_UPDATE_CAPSULE, ptr(bounce.data), count, sg_list_pa, 0, 0);
}

efi_status_t rt_query_capsule_capabilities(const void *const *capsules, size_t count,
					   uint64_t *max_size, int *reset_type)
{
	efi_status_t st = bounce_capsules(capsules, count, false);

	if (st != RT_SUCCESS)
		return st;
	st = call(RT_QUERY_CAPSULE_CAPABILITIES, ptr(bounce.data), count, ptr(&bounce.q[0]),
		  ptr(&bounce.attrs), 0);
	if (st == RT_SUCCESS) {
		*max_size = bounce.q[0];
		*reset_type = (int)bounce.attrs;
	}
	return st;
}
