/* What the firmware says about itself, read from its tables: the UEFI
 * revision it implements (UEFI 2.10 §4.2.1) and which runtime services it
 * still supports after ExitBootServices (EFI_RT_PROPERTIES_TABLE,
 * §4.6.2). Pure: both are host-tested. */
#ifndef HVBOOT_FWINFO_H
#define HVBOOT_FWINFO_H

#include <stddef.h>
#include <stdint.h>
#include "bootinfo.h"

/* "2.10" for 0x00020064, "2.7" for 0x00020046, "2.3.1" for 0x0002001F:
 * the low 16 bits are the minor revision times ten plus the errata level.
 * Returns the length, snprintf's way. */
size_t fwinfo_revision_text(uint32_t revision, char *buf, size_t cap);

/* EFI_RT_SUPPORTED_*: every service's bit set (what an absent table means). */
#define FWINFO_RT_SUPPORTED_ALL	0x3FFFU

/* The table's bytes (at least `avail` readable): NULL with *supported =
 * RuntimeServicesSupported, or why the table cannot be used (version 0,
 * or a Length shorter than the version 1 fields). Later versions only add
 * fields (§4.6.2), so they are read as version 1. */
const char *fwinfo_rt_properties(const uint8_t *table, size_t avail, uint32_t *supported);

/* The SecureBoot variable (UEFI 2.10 §3.3: one byte, 1 = on) as the
 * loader read it: read_ok when GetVariable succeeded, size the DataSize it
 * returned. Off only when it reads as exactly one byte 0; on for exactly
 * one byte 1; anything else (absent, an error, another size or value) is
 * unknown. */
uint32_t fwinfo_secure_boot(int read_ok, uint64_t size, uint8_t value);

/* Whether a hypervisor that differs from the pinned hash is refused: yes
 * unless Secure Boot is known to be off. Fails closed: a SecureBoot
 * variable that cannot be read as exactly 0 enforces the pin. */
int fwinfo_hash_enforced(uint32_t secure_boot);

#endif
