/* The minimal address space firmware runs in during a runtime call: the
 * runtime window, the call stub and exception entry code, GDT/IDT/TSS and
 * exception stacks, the runtime stack (guard page below) and the bounce
 * buffers — not the hypervisor's heap, text or direct map. A stray
 * firmware access faults and is contained (rt.c). */
#ifndef HVBOOT_RT_SPACE_H
#define HVBOOT_RT_SPACE_H

#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"
#include "loader/pt.h"
#include "loader/ptaudit.h"

struct rt_space_info {
	bool active;
	bool pcid;			/* switches without a TLB flush */
	uint64_t root_pa;
	uint64_t table_pages;
	bool allow_nx;
	uint64_t alias_pages;		/* 1:1 aliases (rt_compat heal, alias) */
	const char *why_not;		/* when !active */
	const char *why_not_aliased;	/* rt_compat alias could not alias all */
};

/* Builds the tables and arms rt_call's CR3 switch. */
void rt_space_init(const struct hv_bootinfo *bi);
const struct rt_space_info *rt_space_get(void);

/* A builder over the runtime tables (walk only). */
void rt_space_builder(struct pt_builder *b);

/* Audits: the hypervisor's live tables and the runtime ones. */
void rt_space_audit_hv(const struct hv_bootinfo *bi, struct pt_audit_result *r);
void rt_space_audit_rt(const struct hv_bootinfo *bi, struct pt_audit_result *r);

/* Bytes of the runtime stack firmware has used at most so far (the stack
 * is painted at init; measured by scanning for the paint). */
uint64_t rt_space_stack_high_water(void);

#endif
