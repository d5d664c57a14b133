/* Page-table audit: walks a complete address space and checks the rules
 * the loader and the hypervisor promise (no W+X, nothing in the lower
 * half, VA 0 unmapped, guards unmapped, runtime regions where SetVirtual-
 * AddressMap was told, with the caching their attributes require, and
 * every direct-map page over RAM of one cacheability: never a hole, MMIO,
 * reserved memory or mixed caching under one leaf). Pure. */
#ifndef HVBOOT_PTAUDIT_H
#define HVBOOT_PTAUDIT_H

#include <stdint.h>
#include <stdbool.h>
#include "efi_mem.h"
#include "pt.h"

struct pt_audit_range {
	uint64_t va, len;
};

struct pt_audit_input {
	const struct efi_mdesc *map;	/* normalised, VirtualStart set */
	uint64_t count;
	bool mat_present;		/* runtime code W+X is a finding only then */
	bool check_runtime;		/* runtime enabled: regions must be mapped */
	const uint64_t *guards;		/* VAs that must be unmapped */
	unsigned nguards;
	uint64_t lower_half_ok_va;	/* the one allowed lower-half page, or ~0 */
	const struct pt_audit_range *allowed;	/* NULL: anything may be mapped */
	unsigned nallowed;
	/* 1:1 aliases of firmware memory (the runtime address space under
	 * rt_compat heal/alias): lower-half leaves inside them, VA 0
	 * included, are expected, counted in alias_leaves, not findings. */
	const struct pt_audit_range *aliases;
	unsigned naliases;
};

struct pt_audit_result {
	uint64_t leaves;
	uint64_t wx_leaves;		/* W+X outside runtime code (a finding) */
	uint64_t wx_rt_code_leaves;	/* W+X runtime code, no MAT (reported) */
	uint64_t lower_half_leaves;	/* besides lower_half_ok_va */
	bool va0_mapped;
	uint64_t guards_mapped;
	uint64_t rt_regions, rt_pages, rt_pages_bad;
	uint64_t strays;		/* leaves outside the allowed ranges */
	uint64_t direct_leaves;		/* leaves of the direct map */
	uint64_t direct_bad;		/* ... over a hole, non-RAM, mixed caching,
					 * or not at HV_DIRECT_MAP_BASE + pa */
	uint64_t alias_leaves;		/* leaves inside the announced aliases */
	const char *problem;		/* first finding, or NULL */
	uint64_t problem_va;
};

void pt_audit(const struct pt_builder *b, const struct pt_audit_input *in,
	      struct pt_audit_result *r);

/* Number of findings (0 = clean). */
uint64_t pt_audit_findings(const struct pt_audit_result *r);

#endif
