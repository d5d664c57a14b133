/* The ACPI reset register (ACPI 6.5 §4.8.3.6), found by walking the
 * firmware's tables: RSDP (§5.2.5) → XSDT (§5.2.8), or the RSDT (§5.2.7)
 * for an ACPI 1.0 RSDP → FADT (§5.2.9). Pure: physical memory is read
 * through a callback, so the walk is host-tested against tables built in
 * a buffer, and every table is checked (signature, length, checksum)
 * before a field of it is used. */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stdint.h>

/* Generic Address Structure address spaces (ACPI 6.5 §5.2.3.2). */
#define ACPI_SPACE_MEMORY	0
#define ACPI_SPACE_IO		1
#define ACPI_SPACE_PCI_CONFIG	2

struct acpi_reset_reg {
	uint8_t space_id;	/* ACPI_SPACE_* */
	uint64_t address;	/* port, physical address, or PCI bus 0 address */
	uint8_t value;		/* RESET_VALUE, written once */
};

/* A pointer to the len bytes at physical address pa, or NULL when not all
 * of them can be read. */
typedef const void *(*acpi_read_fn)(void *ctx, uint64_t pa, uint64_t len);

/* NULL with *reg filled, or why the firmware describes no reset register
 * hvboot can use ("no valid FADT", "FADT has no reset register", …). */
const char *acpi_find_reset_reg(acpi_read_fn read, void *ctx, uint64_t rsdp_pa,
				struct acpi_reset_reg *reg);

#endif
