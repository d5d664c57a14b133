/* The CPU's exception vectors by name (SDM Vol. 3A Table 6-1, with AMD's
 * #HV, #VC and #SX from APM Vol. 2 §8.2): for the one line a contained
 * fault gives and for the hypervisor's fatal exception report. Pure. */
#ifndef HVBOOT_EXCNAME_H
#define HVBOOT_EXCNAME_H

#include <stdint.h>

#define EXC_VECTORS	32	/* 0..31 are exceptions; the rest interrupts */

/* "page fault (#PF)", "non-maskable interrupt (NMI)", …; "reserved
 * exception" for a reserved vector below 32, "interrupt" above. */
const char *exc_name(uint64_t vector);

/* "#PF", "NMI", …; NULL for a reserved vector or one above 31. */
const char *exc_mnemonic(uint64_t vector);

#endif
