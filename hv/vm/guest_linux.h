/* The Linux kind of guest (README: Guests, the Linux kind): a bzImage
 * module started by the 64-bit boot protocol on the PC platform of
 * hv/vm/dev/, with the CPU of hv/vm/linux/cpuview.c. guest.c's run loop
 * calls these around every VMRUN. */
#ifndef HV_VM_GUEST_LINUX_H
#define HV_VM_GUEST_LINUX_H

#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"
#include "hv/vm/efi/efishim.h"
#include "hv/vm/linux/linuxboot.h"

/* Checks the bzImage (and initrd) of module index and lays out guest
 * memory. NULL with *e, or the reason for one `error: guest NAME: …`. */
const char *guest_linux_prepare(uint32_t index, const char *args, struct linux_entry *e);

/* The VMCB and devices at power-on, after vmcb_init's common part and
 * the time slice's start. */
void guest_linux_start(const struct linux_entry *e);

/* Before each VMRUN: an interrupt injected (or a window asked for), the
 * host timer armed for the platform's next event. */
void guest_linux_enter(void);

/* After each #VMEXIT, before its handling: an event the exit cut off is
 * put back, time advanced, the console pumped (Ctrl-] stops). */
void guest_linux_exited(void);

/* The exits this kind handles itself (IOIO, HLT, CPUID, MSR, VINTR,
 * SHUTDOWN); false for the run loop's common ones. */
bool guest_linux_exit(uint32_t code, uint64_t info1, uint64_t info2);

/* After the loop, before guest memory is zeroed: keeps the EFI shim's
 * count of its calls (struct efishim_tally) for `guest info`. */
void guest_linux_stopped(void);

/* After the run: what the devices and MSRs saw that they do not model
 * (for `guest info`). */
struct guest_linux_stats {
	bool valid;			/* a Linux guest ran */
	uint32_t index;			/* which module */
	uint64_t unknown_port_reads, unknown_port_writes;
	uint16_t last_unknown_port;
	uint64_t unknown_msr_reads, unknown_msr_writes;
	uint32_t last_unknown_msr;
	uint64_t irqs_injected;
	struct efishim_tally efi[EFISHIM_TALLIES];	/* the shim's count, at the stop */
};
const struct guest_linux_stats *guest_linux_stats(void);

#endif
