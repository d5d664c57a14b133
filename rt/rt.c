/* The runtime layer's call gate (see rt.h and rt_gate.h): which services
 * exist and are usable, and the one path into firmware. Portable: the only
 * way out is rt_call(), which the hypervisor implements in rt_call.asm and
 * host tests implement against a fake runtime table. */
#include "rt_gate.h"
#include "loader/fmt.h"
#include "loader/rttable.h"

_Static_assert(RT_SVC_COUNT == RTTABLE_SERVICES, "enum rt_svc is the table's order");

static const char *const svc_names[RT_SVC_COUNT] = {
	"GetTime", "SetTime", "GetWakeupTime", "SetWakeupTime",
	"SetVirtualAddressMap", "ConvertPointer", "GetVariable", "GetNextVariableName",
	"SetVariable", "GetNextHighMonotonicCount", "ResetSystem", "UpdateCapsule",
	"QueryCapsuleCapabilities", "QueryVariableInfo",
};

/* EFI_RT_SUPPORTED_* (UEFI 2.10 §4.6.2), by service. The bit values do
 * not follow the table's order: SetVirtualAddressMap is 0x80, after the
 * variable services, and QueryVariableInfo, last in the table, is 0x2000. */
static const uint32_t svc_bits[RT_SVC_COUNT] = {
	[RT_GET_TIME] = 0x0001,
	[RT_SET_TIME] = 0x0002,
	[RT_GET_WAKEUP_TIME] = 0x0004,
	[RT_SET_WAKEUP_TIME] = 0x0008,
	[RT_GET_VARIABLE] = 0x0010,
	[RT_GET_NEXT_VARIABLE_NAME] = 0x0020,
	[RT_SET_VARIABLE] = 0x0040,
	[RT_SET_VIRTUAL_ADDRESS_MAP] = 0x0080,
	[RT_CONVERT_POINTER] = 0x0100,
	[RT_GET_NEXT_HIGH_MONOTONIC_COUNT] = 0x0200,
	[RT_RESET_SYSTEM] = 0x0400,
	[RT_UPDATE_CAPSULE] = 0x0800,
	[RT_QUERY_CAPSULE_CAPABILITIES] = 0x1000,
	[RT_QUERY_VARIABLE_INFO] = 0x2000,
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

struct rt_gate rt_gate;

struct rt_bounce rt_bounce __attribute__((aligned(4096), section(".bss.rtbounce")));

void rt_bounce_pieces(struct rt_bounce_piece out[RT_BOUNCE_PIECES])
{
	out[0] = (struct rt_bounce_piece){ rt_ptr(rt_bounce.data), sizeof(rt_bounce.data) };
	out[1] = (struct rt_bounce_piece){ rt_ptr(rt_bounce.name), sizeof(rt_bounce.name) };
	out[2] = (struct rt_bounce_piece){ rt_ptr(&rt_bounce.guid), HV_PAGE_SIZE };
}

void rt_init(const struct rt_env *env, bool enabled, const char *disabled_reason)
{
	__builtin_memset(&rt_gate, 0, sizeof(rt_gate));
	rt_gate.env = *env;
	rt_gate.last_refused = RT_SVC_COUNT;
	rt_gate.enabled = enabled && env->table_va;
	if (!rt_gate.enabled)
		fmt_snprintf(rt_gate.reason, sizeof(rt_gate.reason), "%s",
			     disabled_reason && *disabled_reason ? disabled_reason
								 : "no runtime services table");
}

bool rt_available(void)
{
	return rt_gate.enabled;
}

bool rt_svc_usable(enum rt_svc s)
{
	return rt_gate.enabled && (rt_gate.env.supported & rt_svc_property_bit(s)) &&
	       !(rt_gate.groups_off & rt_svc_uses(s)) && !(rt_gate.svcs_refused & (1U << s));
}

bool rt_svc_refused(enum rt_svc s, uint64_t *fn)
{
	if (s >= RT_SVC_COUNT || !(rt_gate.svcs_refused & (1U << s)))
		return false;
	*fn = rt_gate.refused_fn[s];
	return true;
}

enum rt_svc rt_last_refused(void)
{
	return rt_gate.last_refused;
}

const char *rt_disabled_reason(void)
{
	return rt_gate.enabled && !rt_gate.fault.happened ? NULL : rt_gate.reason;
}

#define RT_GROUPS_ALL	((1u << RT_GROUP_COUNT) - 1)

void rt_gate_groups_off(uint32_t groups)
{
	rt_gate.groups_off |= groups;
	for (unsigned g = 0; g < RT_GROUP_COUNT; g++)
		if (groups & (1u << g))
			fmt_snprintf(rt_gate.group_reason[g], sizeof(rt_gate.group_reason[g]), "%s",
				     rt_gate.reason);
}

const char *rt_group_off_reason(enum rt_group g)
{
	if (!rt_gate.enabled)
		return rt_gate.reason;
	if (g < RT_GROUP_COUNT && (rt_gate.groups_off & (1u << g)))
		return rt_gate.group_reason[g];
	return NULL;
}

const char *rt_svc_off_reason(enum rt_svc s)
{
	uint32_t uses = rt_svc_uses(s);

	if (!rt_gate.enabled)
		return rt_gate.reason;
	for (unsigned g = 0; g < RT_GROUP_COUNT; g++)
		if (uses & rt_gate.groups_off & (1u << g))
			return rt_gate.group_reason[g];
	return NULL;
}

size_t rt_state_text(char *buf, size_t cap)
{
	if (rt_gate.enabled && (rt_gate.groups_off & RT_GROUPS_ALL) != RT_GROUPS_ALL)
		return fmt_snprintf(buf, cap, "enabled");
	return fmt_snprintf(buf, cap, "disabled (%s)", rt_gate.reason);
}

const struct rt_stats *rt_get_stats(void)
{
	return &rt_gate.stats;
}

const struct rt_fault *rt_last_fault(void)
{
	return &rt_gate.fault;
}

/* What rt_call put back after the call to s (rt.h, the platform). */
static void rt_note_restored(enum rt_svc s)
{
	struct rt_restored *r = &rt_gate.stats.restored;

	if ((rt_call_fw_rflags ^ rt_call_entry_rflags) & RT_RFLAGS_GUARDED) {
		r->rflags_calls++;
		r->rflags_svc = s;
		r->rflags_left = rt_call_fw_rflags;
		r->rflags_entry = rt_call_entry_rflags;
	}
	if (rt_call_fw_fcw != RT_FCW_DEFAULT ||
	    (rt_call_fw_mxcsr & RT_MXCSR_CONTROL) != RT_MXCSR_DEFAULT) {
		r->fpu_calls++;
		r->fpu_svc = s;
		r->fcw_left = rt_call_fw_fcw;
		r->mxcsr_left = rt_call_fw_mxcsr;
	}
	if (rt_call_cr0_flips || rt_call_cr4_flips) {
		r->cr_calls++;
		r->cr_svc = s;
		r->cr0_flips |= rt_call_cr0_flips;
		r->cr4_flips |= rt_call_cr4_flips;
	}
}

enum rt_watchdog_verdict rt_watchdog_tick(uint64_t now_tsc, enum rt_svc *svc, uint32_t *ms)
{
	const struct rt_deadlines *d = &rt_gate.env.deadlines;
	uint64_t ran, per_ms = rt_gate.env.tsc_per_ms;
	uint32_t deadline, notice;

	if (!rt_gate.busy || !per_ms)
		return RT_WATCHDOG_QUIET;
	*svc = rt_gate.current;
	ran = now_tsc - rt_gate.call_tsc;
	deadline = rt_deadline_ms(d, *svc);
	notice = rt_notice_ms(d, *svc);
	if (deadline && ran >= deadline * per_ms) {
		*ms = deadline;
		return RT_WATCHDOG_ABANDON;
	}
	if (notice && !rt_gate.noticed && ran >= notice * per_ms) {
		rt_gate.noticed = true;
		*ms = notice;
		return RT_WATCHDOG_NOTICE;
	}
	return RT_WATCHDOG_QUIET;
}

/* One call: checks, counts, serializes, times. */
efi_status_t rt_gate_call(enum rt_svc s, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5)
{
	uint64_t fn, t0;
	efi_status_t st;

	rt_gate.last_refused = RT_SVC_COUNT;
	if (!rt_svc_usable(s))
		return EFI_UNSUPPORTED;
	if (rt_gate.busy)
		return EFI_ABORTED;	/* re-entered from a fault path: refuse */
	/* The table is firmware data, writable by firmware at runtime: the
	 * entry is read once, here, and must point into runtime code (a
	 * non-canonical target would fault at the call instruction, in the
	 * hypervisor's own code, on hardware). */
	fn = *(const volatile uint64_t *)(uintptr_t)(rt_gate.env.table_va + RTTABLE_HEADER_BYTES + 8 * s);
	if (!rt_code_contains(rt_gate.env.code, rt_gate.env.code_count, fn)) {
		rt_gate.svcs_refused |= 1U << s;
		rt_gate.refused_fn[s] = fn;
		rt_gate.last_refused = s;
		return EFI_UNSUPPORTED;
	}
	rt_gate.busy = true;
	rt_gate.current = s;
	rt_gate.stats.calls[s]++;
	t0 = cpu_rdtsc();
	rt_gate.call_tsc = t0;
	rt_gate.noticed = false;
	rt_gate.heals_this_call = 0;
	st = rt_call(fn, rt_gate.env.stack_top, a1, a2, a3, a4, a5);
	rt_gate.stats.last_cycles[s] = cpu_rdtsc() - t0;
	rt_gate.busy = false;
	rt_note_restored(s);
	return st;
}

