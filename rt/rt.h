/* The runtime-services call layer: every EFI runtime service (UEFI 2.10
 * §8), called through the table SetVirtualAddressMap converted, serialized,
 * on a dedicated stack, with arguments copied through bounce buffers, and
 * with faults inside firmware contained (the service group is disabled,
 * the caller gets EFI_ABORTED). Builds for the hypervisor and, against a
 * fake table, for host tests (HVBOOT_HOST).
 *
 * Errors in rt/: a service returns efi_status_t, the firmware's own
 * status, or one the layer gives without calling (EFI_UNSUPPORTED for a
 * service that is not supported or switched off, EFI_INVALID_PARAMETER for
 * an argument that cannot be bounced, EFI_ABORTED after a contained fault,
 * EFI_DEVICE_ERROR when firmware claims more than it was given). The pure
 * formatters (efivar, devpath, rtfmt, ucs2) follow the loader's rule: a
 * reason string, NULL on success. Nothing in rt/ prints. */
#ifndef HVBOOT_RT_H
#define HVBOOT_RT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "efivar.h"
#include "efitime.h"
#include "varlist.h"
#include "efi_mem.h"
#include "efi_status.h"
#include "x86.h"
#include "rt_code.h"

/* The services, in table order (UEFI 2.10 §4.5). */
enum rt_svc {
	RT_GET_TIME, RT_SET_TIME, RT_GET_WAKEUP_TIME, RT_SET_WAKEUP_TIME,
	RT_SET_VIRTUAL_ADDRESS_MAP, RT_CONVERT_POINTER,
	RT_GET_VARIABLE, RT_GET_NEXT_VARIABLE_NAME, RT_SET_VARIABLE,
	RT_GET_NEXT_HIGH_MONOTONIC_COUNT, RT_RESET_SYSTEM,
	RT_UPDATE_CAPSULE, RT_QUERY_CAPSULE_CAPABILITIES, RT_QUERY_VARIABLE_INFO,
	RT_SVC_COUNT
};

/* EFI_RT_PROPERTIES_TABLE bits (UEFI 2.10 §4.6.2), one per service. */
uint32_t rt_svc_property_bit(enum rt_svc s);
const char *rt_svc_name(enum rt_svc s);

/* Services that fail together: the firmware driver behind each group. */
enum rt_group { RT_GROUP_TIME, RT_GROUP_VARIABLE, RT_GROUP_RESET, RT_GROUP_CAPSULE,
		RT_GROUP_MISC, RT_GROUP_COUNT };
enum rt_group rt_svc_group(enum rt_svc s);
const char *rt_group_name(enum rt_group g);
/* Every group whose driver the service enters, as a mask of 1 << group
 * (its own, plus the variable group where it reads or writes variables:
 * rt/rt_group.c says which and why). A fault switches all of them off; a
 * service is usable only while none of them is off. */
uint32_t rt_svc_uses(enum rt_svc s);
/* The groups of a mask as "time", "time and variable", "a, b and c". */
size_t rt_groups_text(uint32_t groups, char *buf, size_t cap);

/* A contained fault inside firmware. */
struct rt_fault {
	bool happened;
	enum rt_svc svc;
	uint64_t vector, error, rip, cr2;
	/* rip / cr2 inside a runtime descriptor: its index in the memory map
	 * (or -1) and the offset from its VirtualStart. */
	int64_t rip_desc, cr2_desc;
	uint64_t rip_off, cr2_off;
};

/* A call the watchdog abandoned is recorded as a fault with this vector (no
 * CPU vector is this large). */
#define RT_FAULT_HUNG		0x100

/* "page fault (#PF)", "general protection (#GP)", … for a vector (rt/excname.c);
 * "no return within its deadline" for RT_FAULT_HUNG. */
const char *rt_fault_name(uint64_t vector);

/* Runtime-call deadlines (rt/rt_deadline.c, README "Runtime-call
 * deadlines"): each service is a read or a write; hvboot.cfg rt_watchdog
 * sets one deadline per kind (0: none, the call may run for ever). */
enum rt_svc_kind { RT_SVC_READ, RT_SVC_WRITE };
struct rt_deadlines {
	uint32_t read_ms, write_ms;
};
/* A call still running after this long is reported once, when its
 * deadline is longer. */
#define RT_NOTICE_MS		2000
enum rt_svc_kind rt_svc_kind(enum rt_svc s);
uint32_t rt_deadline_ms(const struct rt_deadlines *d, enum rt_svc s);
/* RT_NOTICE_MS when s's deadline is longer, else 0 (no notice). */
uint32_t rt_notice_ms(const struct rt_deadlines *d, enum rt_svc s);
/* "60 s" for whole seconds, else "500 ms". */
size_t rt_duration_text(uint32_t ms, char *buf, size_t cap);

/* RFLAGS bits firmware must not leave changed (SDM Vol. 1 §3.4.3). */
#define RT_RFLAGS_GUARDED	(RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC)

/* CPU state firmware changed and the call layer put back (rt_call.asm
 * restores it after every call, returned or aborted). */
struct rt_restored {
	uint64_t rflags_calls;		/* calls that left DF/IF/AC/TF changed */
	enum rt_svc rflags_svc;		/* the last of them, and what it left */
	uint64_t rflags_left, rflags_entry;
	uint64_t fpu_calls;		/* calls that left FCW or MXCSR changed */
	enum rt_svc fpu_svc;
	uint16_t fcw_left;
	uint32_t mxcsr_left;
	uint64_t cr_calls;		/* calls that flipped CR0 or CR4 bits */
	enum rt_svc cr_svc;
	uint64_t cr0_flips, cr4_flips;	/* every bit ever flipped */
};

/* rt_compat = heal (rt/rt_heal.c): the 1:1 alias that heals a page fault
 * at addr, taken as a physical address. */
struct rt_heal {
	uint64_t pa, len;		/* the alias: VA = PA */
	int64_t desc;			/* memory-map index holding addr, or -1 */
	uint32_t type;			/* its type (when desc >= 0) */
	bool exec, uncached;
};
/* NULL and *out when addr is healable: page 0, or inside a runtime,
 * EFI_MEMORY_RUNTIME, boot-services or ACPI NVS descriptor of map (the
 * alias covers it within addr's 2 MiB block). Else why not. */
const char *rt_heal_plan(const struct efi_mdesc *map, size_t count, uint64_t addr,
			 struct rt_heal *out);

/* One healed quirk, for `rt`. */
struct rt_quirk {
	enum rt_svc svc;
	uint64_t addr, rip;		/* CR2 and where it was touched */
	struct rt_heal alias;
};
#define RT_QUIRKS_MAX	16
const struct rt_quirk *rt_quirks(size_t *count);
/* The firmware quirk (enum hv_quirk, bootinfo.h) a healed fault was:
 * page 0, boot-services memory, or else a physical pointer. */
unsigned rt_heal_quirk(const struct rt_quirk *q);

struct rt_stats {
	uint64_t calls[RT_SVC_COUNT];
	uint64_t faults[RT_SVC_COUNT];
	uint64_t last_cycles[RT_SVC_COUNT];	/* TSC of the last call */
	struct rt_restored restored;
};

/* Largest data / name the bounce buffers carry (bytes). A variable name
 * can be as long as the firmware's maximum variable size, so the name
 * bounce is as large as the data one; rt_name_cap says how much of it a
 * walk offers the firmware. */
#define RT_DATA_MAX	(64 * 1024)
#define RT_NAME_MAX	(64 * 1024)
/* What a walk offers when QueryVariableInfo gives no maximum (bytes). */
#define RT_NAME_DEFAULT	(1024 * 2)

/* The pieces of the bounce area the firmware may read and write, page
 * aligned (data, name, the small arguments); the pages between and around
 * them are guards the runtime address space leaves unmapped. */
#define RT_BOUNCE_PIECES	3
struct rt_bounce_piece {
	uint64_t va, len;
};
void rt_bounce_pieces(struct rt_bounce_piece out[RT_BOUNCE_PIECES]);

/* --- set-up and state ------------------------------------------------- */

/* How the layer reaches firmware: the converted table and the environment
 * of the calls. The hypervisor fills it from the boot info. */
struct rt_env {
	uint64_t table_va;		/* EFI_RUNTIME_SERVICES, virtual */
	uint32_t supported;		/* RT properties mask */
	uint64_t stack_top;		/* dedicated stack for firmware */
	/* The hypervisor's memory map, to name the descriptor of a fault. */
	const struct efi_mdesc *map;
	size_t map_count;
	/* The watchdog: each service's deadline (rt_deadline_ms), timed by
	 * the TSC at tsc_per_ms cycles a millisecond (calibrated); 0: no
	 * watchdog. */
	struct rt_deadlines deadlines;
	uint64_t tsc_per_ms;
	uint32_t compat;		/* enum hv_rt_compat (bootinfo.h) */
	/* The runtime code a service pointer must lie in (rt_code.h),
	 * checked before every call; 0 ranges: every call is refused. */
	const struct rt_code_range *code;
	size_t code_count;
};

/* Enables the layer; reason (for `rt`) when disabled from the start. */
void rt_init(const struct rt_env *env, bool enabled, const char *disabled_reason);
bool rt_available(void);
bool rt_svc_usable(enum rt_svc s);
/* Why the layer is off, or the last fault's line (which says the groups it
 * switched off); NULL while the layer is on and nothing faulted. */
const char *rt_disabled_reason(void);
/* Why group g is off (the layer's reason, or the fault that switched it
 * off); NULL while it is on. */
const char *rt_group_off_reason(enum rt_group g);
/* Why service s cannot be called for lack of a group: the reason of the
 * first of its groups that is off, or the layer's; NULL when none is off
 * (it may still be unsupported: rt_svc_usable). */
const char *rt_svc_off_reason(enum rt_svc s);
/* "disabled (reason)" into buf when every group is off (the layer's
 * reason, or the last fault's), else "enabled". */
size_t rt_state_text(char *buf, size_t cap);
const struct rt_stats *rt_get_stats(void);
const struct rt_fault *rt_last_fault(void);

/* A service whose table entry was found outside runtime code (env.code)
 * when it was to be called: the call was refused (EFI_UNSUPPORTED, firmware
 * not entered) and that service alone switched off for the rest of the
 * boot. rt_svc_refused: whether s was, and *fn what its entry held (0
 * included). rt_last_refused: the service the most recent call through the
 * gate refused, RT_SVC_COUNT if it was not refused. */
bool rt_svc_refused(enum rt_svc s, uint64_t *fn);
enum rt_svc rt_last_refused(void);

/* --- the services ------------------------------------------------------
 * Each returns the firmware's status, EFI_UNSUPPORTED without calling when
 * the service is not supported or disabled or its pointer is refused,
 * EFI_ABORTED after a fault. */
efi_status_t rt_get_time(struct efi_time *t, struct efi_time_cap *cap);
efi_status_t rt_set_time(const struct efi_time *t);
efi_status_t rt_get_wakeup_time(bool *enabled, bool *pending, struct efi_time *t);
efi_status_t rt_set_wakeup_time(bool enable, const struct efi_time *t);
/* size: in = capacity of data, out = bytes (or needed size on
 * EFI_BUFFER_TOO_SMALL). attrs may be NULL. */
efi_status_t rt_get_variable(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t *attrs, void *data, size_t *size);
/* name: in = previous name (empty to start), out = next; cap in chars.
 * One step for a caller that does not walk (a guest's hypercall): the name
 * is cut to fit and terminated; EFI_DEVICE_ERROR for a size larger than
 * the buffer. Walkers use rt_varlist_start. */
efi_status_t rt_get_next_variable_name(uint16_t *name, size_t cap, struct efi_guid *guid);
/* The same call unjudged: *size_bytes is the VariableNameSize the firmware
 * returned, name holds what it wrote (at most the buffer, maybe no NUL). */
efi_status_t rt_get_next_variable_name_sized(uint16_t *name, size_t cap, struct efi_guid *guid,
					    size_t *size_bytes);
/* Starts a bounded walk of the firmware's variable list (rt/varlist.h)
 * through GetNextVariableName, offering min(cap_chars, rt_name_cap()). */
void rt_varlist_start(struct varlist *w, uint16_t *name, size_t cap_chars, uint64_t *seen,
		      size_t max_names);
efi_status_t rt_set_variable(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t attrs, const void *data, size_t size);
efi_status_t rt_query_variable_info(uint32_t attrs, uint64_t *max_storage,
				    uint64_t *remaining, uint64_t *max_var);
efi_status_t rt_get_next_high_monotonic_count(uint32_t *high);
/* Returns only if the firmware did not reset (or faulted). */
efi_status_t rt_reset_system(int type, efi_status_t status);
efi_status_t rt_update_capsule(const void *const *capsules, size_t count, uint64_t sg_list_pa);
efi_status_t rt_query_capsule_capabilities(const void *const *capsules, size_t count,
					   uint64_t *max_size, int *reset_type);

/* efivar-style read: retries with the size the firmware asks for on
 * EFI_BUFFER_TOO_SMALL (up to cap). */
efi_status_t rt_var_read(const uint16_t *name, const struct efi_guid *guid,
			 uint32_t *attrs, void *data, size_t cap, size_t *size);

/* The attributes of a variable of any size: a GetVariable with DataSize 0
 * (UEFI 2.10 §8.2.1 returns them with EFI_BUFFER_TOO_SMALL), else a full
 * read where the firmware does not (up to RT_DATA_MAX). */
efi_status_t rt_var_attributes(const uint16_t *name, const struct efi_guid *guid,
			       uint32_t *attrs);

/* Deletes a variable: SetVariable with DataSize 0 and the variable's own
 * attributes (UEFI 2.10 §8.2.3), whatever its size. */
efi_status_t rt_var_delete(const uint16_t *name, const struct efi_guid *guid);

/* The name capacity (UTF-16 units, NUL included) GetNextVariableName is
 * offered: the firmware's maximum variable size from QueryVariableInfo,
 * bounded to [RT_NAME_DEFAULT, RT_NAME_MAX] bytes; RT_NAME_MAX when the
 * firmware does not say. Asked once. */
size_t rt_name_cap(void);

/* --- the platform below the layer ---------------------------------------
 * What rt/ needs from whoever runs it, declared here and provided by the
 * hypervisor (rt_call.asm's rt_call; hv/rt_space.c sets the CR3 values,
 * hv/rt_watchdog.c the timer) or by a host test:
 *
 * rt_call: calls fn (MS x64 ABI) with up to 5 arguments on the dedicated
 * stack; returns its RAX. Around the call it loads rt_call_rt_cr3 into CR3
 * and rt_call_hv_cr3 after it (0: one address space, no switch).
 * rt_call_abort: where a contained fault resumes, on the stack saved in
 * rt_saved_rsp; it returns RAX (EFI_ABORTED) to rt_call's caller.
 * After each call, returned or aborted, rt_call has put the caller's
 * RFLAGS, CR0, CR4, FCW and MXCSR back and reports what firmware was
 * entered with and left: rt_call_entry_rflags, rt_call_fw_rflags,
 * rt_call_fw_fcw, rt_call_fw_mxcsr, and the CR bits it flipped. */
uint64_t rt_call(uint64_t fn, uint64_t stack_top, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5);
extern const uint8_t rt_call_abort[];
extern uint64_t rt_saved_rsp;
extern uint64_t rt_call_hv_cr3, rt_call_rt_cr3;
extern uint64_t rt_call_entry_rflags, rt_call_fw_rflags;
extern uint64_t rt_call_cr0_flips, rt_call_cr4_flips;
/* The watchdog's timer, lent by the platform: a local APIC's registers at
 * rt_call_timer_va (0: none, firmware runs with interrupts off), armed
 * with rt_call_timer_lvt / rt_call_timer_count around each call, firmware
 * then entered with IF set so the tick reaches it. */
extern uint64_t rt_call_timer_va;
extern uint32_t rt_call_timer_lvt, rt_call_timer_count;
extern uint16_t rt_call_fw_fcw;
extern uint32_t rt_call_fw_mxcsr;

/* The x87 control word and MXCSR firmware is entered with (UEFI 2.10
 * §2.3.4.2). */
#define RT_FCW_DEFAULT		0x037F
#define RT_MXCSR_DEFAULT	0x1F80
/* MXCSR exception flags (bits 0-5) are sticky status, not control. */
#define RT_MXCSR_CONTROL	0xFFC0

/* Called by the exception path with the trap's vector, error code, RIP and
 * CR2 (0 unless a #PF), and whether it came from the runtime address space
 * (the CR3 the trap interrupted). If a service was running and the fault is
 * the firmware's, records it, switches the service's group off and returns
 * true: execution must resume at *resume_rip on *resume_rsp with RAX =
 * EFI_ABORTED. Otherwise false: the fault is the hypervisor's own (one in
 * hypervisor code while a call is under way included). */
bool rt_contain_fault(uint64_t vector, uint64_t error, uint64_t rip, uint64_t cr2,
		      bool from_rt_space, uint64_t *resume_rip, uint64_t *resume_rsp);

/* Called by the exception path first for a page fault (error code, RIP,
 * CR2, from which space): under rt_compat heal or above, a not-present
 * fault inside a call at a healable address (rt_heal_plan) gets its 1:1
 * alias through rt_alias_install, is logged as a quirk, and true is
 * returned: resume the faulting instruction as it is. */
bool rt_heal_fault(uint64_t error, uint64_t rip, uint64_t cr2, bool from_rt_space);

/* Platform: maps [pa, pa+len) at VA = PA in the runtime address space only
 * (executable or not, uncached or not; never writable and executable).
 * True when it is mapped now (also when it already was). */
bool rt_alias_install(uint64_t pa, uint64_t len, bool exec, bool uncached);

/* Called by the watchdog's timer tick with the TSC, about the call under
 * way (*svc, and *ms: how long it has been allowed to run):
 * RT_WATCHDOG_NOTICE once per call when it has run for its rt_notice_ms
 * (the platform prints one line and the call goes on);
 * RT_WATCHDOG_ABANDON when it has run for its deadline: the tick then
 * contains it as rt_contain_fault(RT_FAULT_HUNG, …). */
enum rt_watchdog_verdict { RT_WATCHDOG_QUIET, RT_WATCHDOG_NOTICE, RT_WATCHDOG_ABANDON };
enum rt_watchdog_verdict rt_watchdog_tick(uint64_t now_tsc, enum rt_svc *svc, uint32_t *ms);

#endif
