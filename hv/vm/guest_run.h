/* What the run loop (guest.c) shares with the code of one kind of guest
 * (guest_linux.c): the running guest's memory, VMCB and registers, and
 * the ways to end it or print for it. Only hv/vm/ includes it. */
#ifndef HV_VM_GUEST_RUN_H
#define HV_VM_GUEST_RUN_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "svm.h"

struct guest_vm {
	uint8_t *mem;			/* guest-physical 0, through the direct map */
	uint64_t mem_bytes;
	uint8_t *vmcb;			/* the guest's VMCB */
	uint8_t *msrpm;			/* its MSR permission map (8 KiB) */
	struct svm_gprs *gprs;
	const char *name;
	uint64_t *exit_counts;		/* by enum guest_exit_kind */
};

static inline uint64_t *vm_vmcb64(const struct guest_vm *vm, uint32_t off)
{
	return (uint64_t *)(vm->vmcb + off);
}

static inline uint32_t *vm_vmcb32(const struct guest_vm *vm, uint32_t off)
{
	return (uint32_t *)(vm->vmcb + off);
}

/* Ends the run: stopped with a reason, or exited with a code (guest.c). */
void guest_stop(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_finish(uint32_t code);
bool guest_done(void);

/* The guest's console output: bytes become `[NAME] …` lines (guest.c). */
void guest_console_out(const uint8_t *bytes, size_t n);

#endif
