/* Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2):
 * a dword write to 0xCF8 latches the address (bit 31 enables, reserved
 * bits 1-0 read 0); a read of a function that does not exist ends in a
 * master abort, which returns all ones. */
#include "pci_none.h"

void pci_none_init(struct pci_none *p)
{
	p->address = 0;
}

bool pci_none_claims(uint16_t port, unsigned size)
{
	if (port == PCI_PORT_ADDRESS)
		return size == 4;
	return port >= PCI_PORT_DATA && port + size <= PCI_PORT_DATA + 4u;
}

uint32_t pci_none_read(struct pci_none *p, uint16_t port, unsigned size)
{
	if (port == PCI_PORT_ADDRESS && size == 4)
		return p->address;
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

void pci_none_write(struct pci_none *p, uint16_t port, unsigned size, uint32_t v)
{
	if (port == PCI_PORT_ADDRESS && size == 4)
		p->address = v & 0xFFFFFFFCu;
}
