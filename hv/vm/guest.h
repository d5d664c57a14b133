/* Guests: the modules of the boot info run under SVM with nested paging
 * (README: Guests). One guest runs at a time, on the shell's CPU, until
 * it exits or is stopped; its state is discarded then. */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"
#include "hcall.h"

#define GUEST_REASON_MAX	96

enum guest_state {
	GUEST_NOT_RUN,
	GUEST_EXITED,		/* exit_code */
	GUEST_STOPPED,		/* reason */
};

/* Exits counted by kind (guest info). */
enum guest_exit_kind {
	GX_IOIO, GX_HLT, GX_VMMCALL, GX_NPF, GX_SHUTDOWN, GX_CPUID, GX_MSR, GX_INTR,
	GX_VINTR, GX_OTHER, GX_COUNT
};

struct guest_record {
	enum guest_state state;
	uint32_t exit_code;
	uint32_t runs;
	char reason[GUEST_REASON_MAX];
	uint64_t exits[GX_COUNT];
	uint64_t hcalls[HVCALL_COUNT + 1];	/* the last: unknown functions */
	/* Host TSC cycles from each #VMEXIT to the next VMRUN, summed by
	 * kind and by hypercall function: what serving them cost. */
	uint64_t exit_cycles[GX_COUNT];
	uint64_t hcall_cycles[HVCALL_COUNT + 1];
	uint64_t mem_pa;			/* where guest memory was */
};

/* NULL if this CPU can run guests, else why not (no SVM, no NPT, SVM
 * disabled by firmware). Changes nothing. */
const char *guest_svm_missing(void);

/* Runs module index (0..module_count-1) with args until it exits or is
 * stopped, printing its console lines; how it ended is in its record
 * (guest_record). NULL, or the one line saying why it could not start. */
const char *guest_run(uint32_t index, const char *args);

const struct guest_record *guest_record(uint32_t index);

/* The `guest_vars` mode module index runs with (enum hv_guest_vars): the
 * config's, or `read` for a module Secure Boot does not let write; *why
 * then says so (README: Secure Boot), else NULL. */
uint32_t guest_vars_mode(uint32_t index, const char **why);
const char *guest_exit_kind_name(enum guest_exit_kind k);

#endif
