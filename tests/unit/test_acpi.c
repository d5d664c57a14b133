/* hv/acpi.c: the RSDP → XSDT/RSDT → FADT walk to the reset register,
 * against tables built here byte by byte at the offsets ACPI 6.5 gives
 * (§5.2.5 RSDP, §5.2.7 RSDT, §5.2.8 XSDT, §5.2.9 FADT, §5.2.3.2 GAS). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hv/acpi.h"

#define BASE	0x7F000000ULL	/* physical address of mem[0] */
#define RSDP	0x000
#define XSDT	0x100
#define RSDT	0x200
#define APIC	0x300
#define FADT	0x400

static uint8_t mem[0x1000];
static uint64_t unreadable_pa;	/* reads touching it fail; 0: none */

static const void *read_mem(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	if (pa < BASE || len > sizeof(mem) || pa - BASE > sizeof(mem) - len)
		return NULL;
	if (unreadable_pa && unreadable_pa >= pa && unreadable_pa - pa < len)
		return NULL;
	return mem + (pa - BASE);
}

static void put32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		mem[off + i] = (uint8_t)(v >> 8 * i);
}

static void put64(size_t off, uint64_t v)
{
	put32(off, (uint32_t)v);
	put32(off + 4, (uint32_t)(v >> 32));
}

/* Sets the checksum byte at off + at so bytes [off, off + len) sum to 0. */
static void fix_sum(size_t off, size_t len, size_t at)
{
	uint8_t sum = 0;

	mem[off + at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += mem[off + i];
	mem[off + at] = (uint8_t)-sum;
}

static void header(size_t off, const char *sig, uint32_t len)
{
	memcpy(mem + off, sig, 4);
	put32(off + 4, len);
	mem[off + 8] = 1;
}

/* An ACPI 2.0 RSDP → XSDT → [APIC, FADT]; the FADT's reset register as
 * QEMU's q35 describes it: I/O port 0xCF9, value 0x06. */
static int build(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	unreadable_pa = 0;
	memcpy(mem + RSDP, "RSD PTR ", 8);
	mem[RSDP + 15] = 2;
	put32(RSDP + 16, (uint32_t)(BASE + RSDT));
	put32(RSDP + 20, 36);
	put64(RSDP + 24, BASE + XSDT);
	fix_sum(RSDP, 20, 8);
	fix_sum(RSDP, 36, 32);

	header(XSDT, "XSDT", 36 + 16);
	put64(XSDT + 36, BASE + APIC);
	put64(XSDT + 44, BASE + FADT);
	fix_sum(XSDT, 36 + 16, 9);

	header(RSDT, "RSDT", 36 + 8);
	put32(RSDT + 36, (uint32_t)(BASE + APIC));
	put32(RSDT + 40, (uint32_t)(BASE + FADT));
	fix_sum(RSDT, 36 + 8, 9);

	header(APIC, "APIC", 44);
	fix_sum(APIC, 44, 9);

	header(FADT, "FACP", 276);
	put32(FADT + 112, 1U << 10);		/* RESET_REG_SUP */
	mem[FADT + 116] = 1;			/* GAS: system I/O */
	mem[FADT + 117] = 8;
	put64(FADT + 120, 0xCF9);
	mem[FADT + 128] = 0x06;
	fix_sum(FADT, 276, 9);
	return 0;
}

static const char *find(struct acpi_reset_reg *reg)
{
	return acpi_find_reset_reg(read_mem, NULL, BASE + RSDP, reg);
}

static void test_acpi_finds_the_io_reset_register_through_the_xsdt(void **state)
{
	struct acpi_reset_reg reg = { 0 };

	(void)state;
	assert_null(find(&reg));
	assert_int_equal(reg.space_id, ACPI_SPACE_IO);
	assert_int_equal(reg.address, 0xCF9);
	assert_int_equal(reg.value, 0x06);
}

static void test_acpi_uses_the_rsdt_of_an_acpi_1_rsdp(void **state)
{
	struct acpi_reset_reg reg = { 0 };

	(void)state;
	mem[RSDP + 15] = 0;		/* ACPI 1.0: no XSDT, 20 bytes */
	memset(mem + XSDT, 0, 4);	/* an XSDT it must not look at */
	fix_sum(RSDP, 20, 8);
	assert_null(find(&reg));
	assert_int_equal(reg.address, 0xCF9);
}

static void test_acpi_uses_the_rsdt_when_the_xsdt_address_is_zero(void **state)
{
	struct acpi_reset_reg reg = { 0 };

	(void)state;
	put64(RSDP + 24, 0);
	fix_sum(RSDP, 36, 32);
	assert_null(find(&reg));
	assert_int_equal(reg.address, 0xCF9);
}

static void test_acpi_refuses_an_rsdp_with_a_bad_checksum(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	mem[RSDP + 9] ^= 1;
	assert_string_equal(find(&reg), "no valid FADT");
}

static void test_acpi_refuses_a_missing_rsdp(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	assert_string_equal(acpi_find_reset_reg(read_mem, NULL, 0, &reg), "no ACPI RSDP");
	memcpy(mem + RSDP, "RSD PTX ", 8);
	assert_string_equal(find(&reg), "no valid FADT");
}

static void test_acpi_refuses_a_fadt_with_a_bad_checksum(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	mem[FADT + 200] ^= 0x40;
	assert_string_equal(find(&reg), "no valid FADT");
}

static void test_acpi_refuses_an_xsdt_it_cannot_read_whole(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	unreadable_pa = BASE + XSDT + 40;	/* inside its entries */
	assert_string_equal(find(&reg), "no valid FADT");
}

static void test_acpi_refuses_a_table_shorter_than_its_header(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	put32(XSDT + 4, 35);
	fix_sum(XSDT, 36, 9);
	assert_string_equal(find(&reg), "no valid FADT");
}

static void test_acpi_ignores_a_partial_last_entry(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	/* 36 + 8 + 4: the FADT's entry is cut in half, so only the APIC
	 * entry counts. */
	put32(XSDT + 4, 36 + 12);
	fix_sum(XSDT, 36 + 12, 9);
	assert_string_equal(find(&reg), "no valid FADT");
}

static void test_acpi_refuses_an_acpi_1_fadt(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	put32(FADT + 4, 116);		/* ACPI 1.0's FADT ends before RESET_REG */
	fix_sum(FADT, 116, 9);
	assert_string_equal(find(&reg), "FADT too short for a reset register");
}

static void test_acpi_refuses_a_fadt_without_reset_reg_sup(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	put32(FADT + 112, 0);
	fix_sum(FADT, 276, 9);
	assert_string_equal(find(&reg), "FADT has no reset register");
}

static void test_acpi_refuses_a_port_above_0xffff(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	put64(FADT + 120, 0x10000);
	fix_sum(FADT, 276, 9);
	assert_string_equal(find(&reg), "reset register port out of range");
}

static void test_acpi_accepts_memory_and_pci_config_reset_registers(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	mem[FADT + 116] = ACPI_SPACE_MEMORY;
	put64(FADT + 120, 0xFED00000ULL);
	fix_sum(FADT, 276, 9);
	assert_null(find(&reg));
	assert_int_equal(reg.space_id, ACPI_SPACE_MEMORY);
	assert_int_equal(reg.address, 0xFED00000ULL);
	mem[FADT + 116] = ACPI_SPACE_PCI_CONFIG;
	fix_sum(FADT, 276, 9);
	assert_null(find(&reg));
	assert_int_equal(reg.space_id, ACPI_SPACE_PCI_CONFIG);
}

static void test_acpi_refuses_other_address_spaces(void **state)
{
	struct acpi_reset_reg reg;

	(void)state;
	mem[FADT + 116] = 0x7F;		/* functional fixed hardware */
	fix_sum(FADT, 276, 9);
	assert_string_equal(find(&reg), "reset register in an unsupported address space");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_acpi_finds_the_io_reset_register_through_the_xsdt, build),
		cmocka_unit_test_setup(test_acpi_uses_the_rsdt_of_an_acpi_1_rsdp, build),
		cmocka_unit_test_setup(test_acpi_uses_the_rsdt_when_the_xsdt_address_is_zero, build),
		cmocka_unit_test_setup(test_acpi_refuses_an_rsdp_with_a_bad_checksum, build),
		cmocka_unit_test_setup(test_acpi_refuses_a_missing_rsdp, build),
		cmocka_unit_test_setup(test_acpi_refuses_a_fadt_with_a_bad_checksum, build),
		cmocka_unit_test_setup(test_acpi_refuses_an_xsdt_it_cannot_read_whole, build),
		cmocka_unit_test_setup(test_acpi_refuses_a_table_shorter_than_its_header, build),
		cmocka_unit_test_setup(test_acpi_ignores_a_partial_last_entry, build),
		cmocka_unit_test_setup(test_acpi_refuses_an_acpi_1_fadt, build),
		cmocka_unit_test_setup(test_acpi_refuses_a_fadt_without_reset_reg_sup, build),
		cmocka_unit_test_setup(test_acpi_refuses_a_port_above_0xffff, build),
		cmocka_unit_test_setup(test_acpi_accepts_memory_and_pci_config_reset_registers, build),
		cmocka_unit_test_setup(test_acpi_refuses_other_address_spaces, build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
