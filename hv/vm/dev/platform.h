/* The Linux guest's platform: the PC devices a guest kernel booted with
 * `acpi=off nolapic noapic pci=off` uses, composed behind one small API
 * (README: The Linux guest's platform). Pure: no VMCB, no console, no
 * globals; the caller owns the struct and supplies time.
 *
 * How the run loop uses it:
 *   1. At guest start: platform_init(p, &time_from_GetTime). If it returns
 *      false the time was invalid and the clock starts at RTC_EPOCH: log
 *      one line saying so.
 *   2. On an IOIO intercept: platform_io(p, port, size, is_write, &value)
 *      with size 1, 2 or 4 (EXITINFO1). For a read, put value's low size
 *      bytes in RAX. It returns false for a port no device claims (reads
 *      give all ones, writes are dropped, both counted in
 *      p->unknown_reads / p->unknown_writes, p->last_unknown_port).
 *   3. Before resuming the guest (after every exit): platform_advance(p,
 *      ns) with the time elapsed since the last call (TSC-derived; the
 *      devices keep the fractions, so many small calls never drift); then
 *      drain the UART: platform_console_out(p, buf, n) until it returns 0,
 *      printing the bytes; and feed typed input while
 *      platform_console_in_space(p) is non-zero, keeping what does not fit
 *      for later (nothing is dropped).
 *   4. Interrupts: when platform_pending_vector(p) >= 0 and the guest can
 *      take an interrupt (RFLAGS.IF = 1, no interrupt shadow, no event
 *      being injected), call platform_ack(p) and inject the vector it
 *      returns (it may be a spurious 7/15 vector: inject it anyway). If the
 *      guest cannot take it yet, request an interrupt window (VINTR) and
 *      try again at that exit.
 *   5. HLT with IF = 1: if nothing is pending, wait up to
 *      platform_ns_to_event(p) (and for host input), advance, repeat.
 *      Advancing past several PIT periods at once gives one IRQ 0 (the
 *      PIC latches one edge), as on hardware when interrupts stay off; a
 *      halted guest that keeps time by counting ticks needs each period
 *      advanced and delivered on its own, which this loop does.
 *   6. After every exit: platform_reset_requested(p) means the guest
 *      asked for a reset (i8042 0xFE, port 0xCF9, port 0x92): stop it.
 */
#ifndef HV_VM_DEV_PLATFORM_H
#define HV_VM_DEV_PLATFORM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include "cmos_rtc.h"
#include "i8042.h"
#include "pci_none.h"
#include "pic8259.h"
#include "pit8254.h"
#include "reset.h"
#include "uart16550.h"

/* The PC's ISA interrupt lines. */
#define PLATFORM_IRQ_PIT	0
#define PLATFORM_IRQ_I8042	1
#define PLATFORM_IRQ_COM1	4
#define PLATFORM_IRQ_RTC	8

struct platform {
	struct pic pic;
	struct pit pit;
	struct uart com1;
	struct cmos_rtc rtc;
	struct i8042 kbc;
	struct reset_ctl reset;
	struct pci_none pci;
	uint64_t unknown_reads, unknown_writes;
	uint16_t last_unknown_port;
};

/* Every device at power-on; the clock at *now (false: invalid, epoch). */
bool platform_init(struct platform *p, const struct rtc_time *now);

/* One port access of size 1, 2 or 4 bytes; *value is read or written.
 * Returns whether a device claims the port. */
bool platform_io(struct platform *p, uint16_t port, unsigned size, bool is_write,
		 uint32_t *value);

/* Advances the timers by ns nanoseconds. */
void platform_advance(struct platform *p, uint64_t ns);

/* The vector an INTA would give now, or -1; then the INTA itself. */
int platform_pending_vector(const struct platform *p);
uint8_t platform_ack(struct platform *p);

/* Nanoseconds until a timer will next raise an interrupt line (UINT64_MAX:
 * none is running). */
uint64_t platform_ns_to_event(const struct platform *p);

/* The guest asked for a reset. */
bool platform_reset_requested(const struct platform *p);

/* The UART's host side: bytes the guest sent; room for typed bytes; one
 * typed byte (false: no room, keep it). */
size_t platform_console_out(struct platform *p, uint8_t *out, size_t max);
size_t platform_console_in_space(const struct platform *p);
bool platform_console_in(struct platform *p, uint8_t byte);

#endif
