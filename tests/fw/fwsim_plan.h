/* What the simulated misbehaving firmware (hvfwsim.efi) does: a plan of up
 * to FWSIM_MAX actions, each a misbehaviour in one runtime service, parsed
 * from the driver's load options ("ud:QueryVariableInfo df"). Pure: built
 * into the driver and into a host test. */
#ifndef HVBOOT_FWSIM_PLAN_H
#define HVBOOT_FWSIM_PLAN_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* Services in EFI_RUNTIME_SERVICES table order (UEFI 2.10 §4.5). */
enum fwsim_svc {
	FWSIM_GET_TIME, FWSIM_SET_TIME, FWSIM_GET_WAKEUP_TIME, FWSIM_SET_WAKEUP_TIME,
	FWSIM_SET_VIRTUAL_ADDRESS_MAP, FWSIM_CONVERT_POINTER,
	FWSIM_GET_VARIABLE, FWSIM_GET_NEXT_VARIABLE_NAME, FWSIM_SET_VARIABLE,
	FWSIM_GET_NEXT_HIGH_MONOTONIC_COUNT, FWSIM_RESET_SYSTEM,
	FWSIM_UPDATE_CAPSULE, FWSIM_QUERY_CAPSULE_CAPABILITIES, FWSIM_QUERY_VARIABLE_INFO,
	FWSIM_SVC_COUNT,
	FWSIM_NO_SVC = -1		/* an action that belongs to no service */
};

enum fwsim_kind {
	FWSIM_PHYS_PTR,		/* call the service through its unconverted pointer */
	FWSIM_BS_DATA,		/* touch boot-services data after ExitBootServices */
	FWSIM_PAGE0,		/* read and write physical page 0 */
	FWSIM_MMIO,		/* read the local APIC, which no runtime descriptor covers */
	FWSIM_SVAM_NEWVA,	/* dereference a new VA inside SetVirtualAddressMap */
	FWSIM_DF,		/* fault with DF, IF and AC set */
	FWSIM_UD,		/* #UD */
	FWSIM_GP,		/* #GP */
	FWSIM_OVERRUN_NAME,	/* GetNextVariableName writes n bytes past the buffer */
	FWSIM_OVERRUN_DATA,	/* GetVariable writes n bytes past the buffer */
	FWSIM_OVERSTATE_SIZE,	/* GetVariable: DataSize > buffer, EFI_SUCCESS */
	FWSIM_HANG,		/* sti; jmp $ */
	FWSIM_BAD_STATUS,	/* return FWSIM_BAD_STATUS_VALUE without calling */
	FWSIM_MEMATTR,		/* offer an EFI_MEMORY_ATTRIBUTE_PROTOCOL that records calls */
	FWSIM_MEMATTR_REFUSE,	/* … whose ClearMemoryAttributes says EFI_ACCESS_DENIED */
	FWSIM_LIST_RESTART,	/* GetNextVariableName: after the last name, the first again */
	FWSIM_LIST_SAME,	/* … after FWSIM_LIST_GOOD names, the name it was given */
	FWSIM_LIST_NONUL,	/* … after FWSIM_LIST_GOOD names, a full buffer, no NUL */
	FWSIM_LIST_GROW,	/* … after FWSIM_LIST_GOOD names, a size past the buffer */
	FWSIM_TIME_INVALID,	/* GetTime: Month 13, Day 0, Hour 25 */
	FWSIM_SLOW,		/* busy-wait n ms (interrupts as entered), then the real call */
	FWSIM_BADSTACK,		/* load a non-canonical RSP and push */
	FWSIM_STACK_UNMAPPED,	/* point RSP at an unmapped page and push */
	FWSIM_DOUBLE_FAULT,	/* non-canonical RSP, then #DE: its frame cannot be pushed */
	FWSIM_PTR_NONCANON,	/* the service's table entry made non-canonical at runtime */
	FWSIM_PTR_DATA,		/* … pointed at runtime data (the table itself) */
	FWSIM_CRC_BAD,		/* the table's CRC32 wrong after SetVirtualAddressMap */
	FWSIM_KIND_COUNT
};

/* Not a status UEFI 2.10 Appendix D defines: an error bit and code 0x63. */
#define FWSIM_BAD_STATUS_VALUE	0x8000000000000063ULL
#define FWSIM_MAX		8
/* Names of the real list the list-* misbehaviours return first. */
#define FWSIM_LIST_GOOD		3

struct fwsim_action {
	enum fwsim_kind kind;
	int svc;		/* enum fwsim_svc, or FWSIM_NO_SVC */
	uint64_t n;		/* bytes, for the overruns; ms, for slow */
};

struct fwsim_plan {
	struct fwsim_action a[FWSIM_MAX];
	unsigned count;
	size_t bad_at, bad_len;	/* the word a refusal is about */
};

/* Parses space- or comma-separated NAME[:ARG] words into *plan. Words that
 * end in ".efi" (the Shell passes its command line, program first) are
 * skipped. Returns NULL, or why the text is refused. */
const char *fwsim_plan_parse(const char *text, size_t len, struct fwsim_plan *plan);

const char *fwsim_svc_name(int svc);
const char *fwsim_kind_name(enum fwsim_kind k);

/* The first action of kind k for svc (FWSIM_NO_SVC: any), or NULL. */
const struct fwsim_action *fwsim_plan_find(const struct fwsim_plan *plan, enum fwsim_kind k,
					   int svc);

#endif
