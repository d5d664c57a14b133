/* PCI configuration mechanism #1 with nothing on the bus, as a pure state
 * machine (README: The Linux guest's platform): the address register at
 * port 0xCF8 (32-bit accesses only) reads back what was written, and the
 * data window 0xCFC-0xCFF reads all ones (no device answers) and ignores
 * writes. */
#ifndef HV_VM_DEV_PCI_NONE_H
#define HV_VM_DEV_PCI_NONE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define PCI_PORT_ADDRESS	0xCF8
#define PCI_PORT_DATA		0xCFC

struct pci_none {
	uint32_t address;
};

void pci_none_init(struct pci_none *p);

/* Whether port/size is one of the bus's accesses (a dword at 0xCF8, any
 * access inside 0xCFC-0xCFF): others, such as a byte at 0xCF9, are not. */
bool pci_none_claims(uint16_t port, unsigned size);

uint32_t pci_none_read(struct pci_none *p, uint16_t port, unsigned size);
void pci_none_write(struct pci_none *p, uint16_t port, unsigned size, uint32_t v);

#endif
