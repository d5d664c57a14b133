/* What the run loop (guest.c) and the exit handlers (exits.c) share:
 * guest memory and the SVM control area, the running guest, and the
 * records of every guest (README: Guests). Only hv/vm/ includes it. */
#ifndef HV_VM_VCPU_H
#define HV_VM_VCPU_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "guest.h"
#include "svm.h"
#include "layout.h"
#include "cpustate.h"
#include "hcall.h"

/* The control area, right after guest memory. */
#define CTRL_BYTES	HV_LARGE_2M	/* SVM structures, after guest memory */
#define CTRL_HSAVE	0x0000
#define CTRL_VMCB	0x1000
#define CTRL_HOST_VMCB	0x2000
#define CTRL_MSRPM	0x3000		/* 8 KiB (APM Vol. 2 §15.11) */
#define CTRL_IOPM	0x5000		/* 12 KiB (APM Vol. 2 §15.10.1) */
#define CTRL_NPT	0x8000		/* nested tables, to the end */

#define GUEST_LINE_MAX	160		/* a console line longer than this is split */
#define GUEST_INPUT_MAX	64		/* typed bytes the guest has not read yet */

/* Guest memory and the SVM structures, taken once, on the first start. */
struct vm_area {
	bool ready;
	uint64_t pool_bytes;	/* the largest guest_mem of any module */
	uint64_t mem_pa, mem_bytes, ctrl_pa, npt_root, npt_next;	/* mem_bytes: this run's */
	uint8_t *mem, *ctrl;
};
extern struct vm_area vm;

/* The running guest. */
struct vcpu {
	uint32_t index;
	const char *name;
	struct svm_gprs gprs;
	char line[GUEST_LINE_MAX + 1];
	size_t line_len;
	uint8_t input[GUEST_INPUT_MAX];	/* a ring: what was typed, for its COM1 */
	uint32_t input_head, input_len;
	bool done;
	bool is_linux;		/* a bzImage: guest_linux.c serves its exits */
	bool line_open;		/* "[NAME] " and part of the line are out */
	struct hcall_env hc;	/* memory, policy and NV budget of this run */
	struct vm_cpustate cpu;	/* FPU/SSE/AVX, XCR0, DR0-DR7 (vm/cpustate.c) */
	uint32_t last_kind;	/* enum guest_exit_kind of the exit being served */
	uint32_t last_hcall;	/* its function, when a VMMCALL (else HVCALL_COUNT + 1) */
};
extern struct vcpu vcpu;

extern struct guest_record guest_records[HV_MODULE_MAX];

static inline uint64_t *vmcb64(uint32_t off)
{
	return (uint64_t *)(vm.ctrl + CTRL_VMCB + off);
}

static inline uint32_t *vmcb32(uint32_t off)
{
	return (uint32_t *)(vm.ctrl + CTRL_VMCB + off);
}

/* exits.c: the runtime services a hypercall reaches. */
extern const struct hcall_services guest_hcall_services;

/* exits.c: serves the exit the VMCB holds; sets vcpu.done when the guest
 * exited or must stop (its record says which, and why). */
void guest_handle_exit(void);

/* exits.c: adds cycles, the host's time from the last #VMEXIT to the
 * VMRUN about to be made (or to the end of the run), to that exit's kind
 * and function, if it was counted. */
void guest_account_exit(uint64_t cycles);

/* exits.c: stops the running guest with the reason (its record's). */
void guest_stop(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* exits.c: prints what is left of the guest's console line. */
void guest_console_flush(void);

/* exits.c: ends the run with an exit code. */
void guest_finish(uint32_t code);

/* exits.c: the guest's console output, bytes to `[NAME] …` lines; a
 * Linux guest's partial line is shown at once (its shell's prompt). */
void guest_console_out(const uint8_t *bytes, size_t n);


#endif
