/* Inside the runtime layer: the one call gate every service goes through,
 * its state, and the bounce area firmware reads and writes. Only the files
 * of rt/ include this; everyone else uses rt.h. */
#ifndef HVBOOT_RT_GATE_H
#define HVBOOT_RT_GATE_H

#include "rt.h"
#include "layout.h"

struct rt_gate {
	struct rt_env env;
	bool enabled;
	uint32_t groups_off;		/* 1 << enum rt_group */
	uint32_t svcs_refused;		/* 1 << enum rt_svc: pointer outside code */
	enum rt_svc last_refused;	/* this call's, or RT_SVC_COUNT */
	uint64_t refused_fn[RT_SVC_COUNT];
	char reason[160];		/* the layer's, or the last fault's */
	char group_reason[RT_GROUP_COUNT][160];	/* why each group is off */
	volatile bool busy;		/* serializes calls (and catches re-entry) */
	enum rt_svc current;
	uint64_t call_tsc;		/* TSC when the current call started */
	bool noticed;			/* the current call was reported slow */
	struct rt_stats stats;
	struct rt_fault fault;
	size_t name_cap;		/* rt_name_cap's answer, 0 until asked */
	struct rt_quirk quirks[RT_QUIRKS_MAX];
	size_t nquirks;
	unsigned heals_this_call;	/* bounds healing inside one call */
};
extern struct rt_gate rt_gate;

/* Everything firmware may read or write during a call lives here, not on
 * the hypervisor's stack or heap: the arguments are copied in and out.
 * In .bss.rtbounce: the only hypervisor data the runtime address space
 * maps writable besides the stacks (hv/rt_space.c), and only in three
 * pieces — data, name, the small arguments — with the guard pages between
 * them left unmapped. A buffer is placed so that what the firmware is
 * offered ends right at the guard above it (rt_bounce_data /
 * rt_bounce_name): a write or read past it is a page fault, contained. */
struct rt_bounce {
	uint8_t guard0[HV_PAGE_SIZE];
	uint8_t data[RT_DATA_MAX];
	uint8_t guard1[HV_PAGE_SIZE];
	uint16_t name[RT_NAME_MAX / 2];
	uint8_t guard2[HV_PAGE_SIZE];
	/* The small arguments: one page. */
	struct efi_guid guid;
	uint64_t size;			/* UINTN DataSize / VariableNameSize */
	uint32_t attrs;
	uint32_t high;
	uint64_t q[3];			/* QueryVariableInfo outputs */
	struct efi_time time;
	struct efi_time_cap cap;
	uint8_t b1, b2;			/* BOOLEAN outputs */
	_Alignas(HV_PAGE_SIZE) uint8_t guard3[HV_PAGE_SIZE];
};
_Static_assert(__builtin_offsetof(struct rt_bounce, data) % HV_PAGE_SIZE == 0 &&
	       __builtin_offsetof(struct rt_bounce, name) % HV_PAGE_SIZE == 0 &&
	       __builtin_offsetof(struct rt_bounce, guid) % HV_PAGE_SIZE == 0 &&
	       __builtin_offsetof(struct rt_bounce, guard3) ==
	       __builtin_offsetof(struct rt_bounce, guid) + HV_PAGE_SIZE,
	       "each piece starts on a page, the small arguments fill one");
extern struct rt_bounce rt_bounce;

/* Where a buffer of n bytes starts so that it ends at the guard page. */
static inline uint8_t *rt_bounce_data(size_t n)
{
	return rt_bounce.data + RT_DATA_MAX - n;
}

static inline uint16_t *rt_bounce_name(size_t n)
{
	return (uint16_t *)(void *)((uint8_t *)rt_bounce.name + RT_NAME_MAX - ((n + 1) & ~(size_t)1));
}

/* After a fault switched groups off and wrote rt_gate.reason: that reason
 * becomes each group's. */
void rt_gate_groups_off(uint32_t groups);

/* One call: refuses an unusable service (EFI_UNSUPPORTED) or re-entry
 * (EFI_ABORTED), else counts, serializes and times it through rt_call. */
efi_status_t rt_gate_call(enum rt_svc s, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5);

static inline uint64_t rt_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif
