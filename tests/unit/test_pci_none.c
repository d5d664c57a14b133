/* hv/vm/dev/pci_none.c: configuration mechanism #1 over an empty bus. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/pci_none.h"

static void test_pci_address_register_reads_back_without_bits_1_0(void **state)
{
	struct pci_none p;

	(void)state;
	pci_none_init(&p);
	pci_none_write(&p, PCI_PORT_ADDRESS, 4, 0x80001803u);
	assert_int_equal(pci_none_read(&p, PCI_PORT_ADDRESS, 4), 0x80001800u);
}

static void test_pci_every_configuration_read_is_all_ones(void **state)
{
	struct pci_none p;

	(void)state;
	pci_none_init(&p);
	pci_none_write(&p, PCI_PORT_ADDRESS, 4, 0x80000000u);	/* 00:00.0, vendor ID */
	assert_int_equal(pci_none_read(&p, PCI_PORT_DATA, 4), 0xFFFFFFFFu);
	assert_int_equal(pci_none_read(&p, PCI_PORT_DATA, 2), 0xFFFF);
	assert_int_equal(pci_none_read(&p, PCI_PORT_DATA + 3, 1), 0xFF);
	pci_none_write(&p, PCI_PORT_DATA, 4, 0);
	assert_int_equal(pci_none_read(&p, PCI_PORT_DATA, 4), 0xFFFFFFFFu);
}

static void test_pci_claims_dword_address_and_the_data_window_only(void **state)
{
	(void)state;
	assert_true(pci_none_claims(PCI_PORT_ADDRESS, 4));
	assert_false(pci_none_claims(PCI_PORT_ADDRESS, 1));
	assert_false(pci_none_claims(PCI_PORT_ADDRESS + 1, 1));	/* 0xCF9: reset */
	assert_true(pci_none_claims(PCI_PORT_DATA + 2, 2));
	assert_false(pci_none_claims(PCI_PORT_DATA + 2, 4));
	assert_false(pci_none_claims(0xD00, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pci_address_register_reads_back_without_bits_1_0),
		cmocka_unit_test(test_pci_every_configuration_read_is_all_ones),
		cmocka_unit_test(test_pci_claims_dword_address_and_the_data_window_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
