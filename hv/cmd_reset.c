/* reset [cold|warm|shutdown]: ResetSystem through the runtime layer when
 * it is there; otherwise the ways a PC can reset itself, most specific
 * first: the ACPI reset register, the chipset's reset control port 0xCF9,
 * the keyboard controller, and finally a triple fault. */
#include "hv.h"

#include "cpu.h"
#include "kprintf.h"
#include "lib.h"
#include "mm.h"
#include "runtime.h"
#include "shell.h"

/* Provided by rt/ when it is linked in; NULL otherwise. */

/* ---- ACPI (ACPI 6.5 §5.2.5 RSDP, §5.2.7/5.2.8 RSDT/XSDT, §5.2.9 FADT) ---- */

struct __attribute__((packed)) acpi_rsdp {
	char signature[8];	/* "RSD PTR " */
	uint8_t checksum;	/* first 20 bytes */
	char oem_id[6];
	uint8_t revision;	/* 0: ACPI 1.0 (no XSDT); 2: ACPI 2.0+ */
	uint32_t rsdt_pa;
	uint32_t length;
	uint64_t xsdt_pa;
	uint8_t ext_checksum;
	uint8_t reserved[3];
};

struct __attribute__((packed)) acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

/* Generic Address Structure, ACPI 6.5 §5.2.3.2. */
struct __attribute__((packed)) acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};

#define ACPI_SPACE_MEMORY	0
#define ACPI_SPACE_IO		1
#define ACPI_SPACE_PCI_CONFIG	2

#define FADT_FLAGS_OFFSET	112
#define FADT_RESET_REG_OFFSET	116
#define FADT_RESET_VALUE_OFFSET	128
#define FADT_FLAG_RESET_REG_SUP	(1U << 10)

static bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* The table at pa if it is mapped, whole and its checksum adds up. */
static const struct acpi_header *acpi_table(uint64_t pa)
{
	const struct acpi_header *h = mm_pa_ptr_checked(pa, sizeof(*h));

	if (!h || h->length < sizeof(*h) || !mm_pa_ptr_checked(pa, h->length))
		return NULL;
	return acpi_checksum_ok(h, h->length) ? h : NULL;
}

static const struct acpi_header *acpi_find_fadt(uint64_t rsdp_pa)
{
	const struct acpi_rsdp *rsdp = mm_pa_ptr_checked(rsdp_pa, 20);
	const struct acpi_header *root;
	bool xsdt;
	size_t entry_size, count;

	if (!rsdp || memcmp(rsdp->signature, "RSD PTR ", 8) != 0 || !acpi_checksum_ok(rsdp, 20))
		return NULL;
	xsdt = rsdp->revision >= 2 && mm_pa_ptr_checked(rsdp_pa, sizeof(*rsdp)) &&
	       rsdp->xsdt_pa != 0;
	root = acpi_table(xsdt ? rsdp->xsdt_pa : rsdp->rsdt_pa);
	if (!root || memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4) != 0)
		return NULL;

	entry_size = xsdt ? 8 : 4;
	count = (root->length - sizeof(*root)) / entry_size;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * entry_size;
		uint64_t pa = 0;
		const struct acpi_header *t;

		memcpy(&pa, e, entry_size);	/* entries are unaligned */
		t = acpi_table(pa);
		if (t && memcmp(t->signature, "FACP", 4) == 0)
			return t;
	}
	return NULL;
}

/* Writes the FADT reset value to the reset register. Returns a reason if
 * the firmware does not describe one we can use. */
static const char *acpi_reset(void)
{
	const struct acpi_header *fadt;
	struct acpi_gas reg;
	uint32_t flags;
	uint8_t value;

	if (!hv_bi->acpi_rsdp_pa)
		return "no ACPI RSDP";
	fadt = acpi_find_fadt(hv_bi->acpi_rsdp_pa);
	if (!fadt)
		return "no valid FADT";
	if (fadt->length <= FADT_RESET_VALUE_OFFSET)
		return "FADT too short for a reset register";
	memcpy(&flags, (const uint8_t *)fadt + FADT_FLAGS_OFFSET, sizeof(flags));
	memcpy(&reg, (const uint8_t *)fadt + FADT_RESET_REG_OFFSET, sizeof(reg));
	value = ((const uint8_t *)fadt)[FADT_RESET_VALUE_OFFSET];
	if (!(flags & FADT_FLAG_RESET_REG_SUP))
		return "FADT has no reset register";

	switch (reg.space_id) {
	case ACPI_SPACE_IO:
		if (reg.address > 0xFFFF)
			return "reset register port out of range";
		outb((uint16_t)reg.address, value);
		return NULL;
	case ACPI_SPACE_MEMORY: {
		volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(HV_DIRECT_MAP_BASE + reg.address);

		if (!mm_va_mapped((uint64_t)(uintptr_t)p, 1, true))
			return "reset register MMIO is not mapped";
		*p = value;
		return NULL;
	}
	case ACPI_SPACE_PCI_CONFIG: {
		/* Bus 0; device, function and offset as ACPI §5.2.3.2 packs
		 * them; PCI config mechanism #1 (ports 0xCF8/0xCFC). */
		uint32_t dev = (reg.address >> 32) & 0x1F, fn = (reg.address >> 16) & 7;
		uint32_t off = reg.address & 0xFF;

		outl(0xCF8, 0x80000000U | dev << 11 | fn << 8 | (off & 0xFC));
		outb(0xCFC + (off & 3), value);
		return NULL;
	}
	default:
		return "reset register in an unsupported address space";
	}
}

/* Roughly ms milliseconds (port 0x80 writes take about a microsecond). */
static void delay_ms(unsigned ms)
{
	for (unsigned i = 0; i < ms * 1000; i++)
		cpu_io_delay();
}

/* Intel PCH datasheets, Reset Control register (I/O 0xCF9): bit 1 system
 * reset, bit 2 reset CPU (acts on a 0->1 transition), bit 3 full reset. */
static void cf9_reset(bool cold)
{
	uint8_t v = cold ? 0x0E : 0x06;

	outb(0xCF9, v & ~0x04);
	cpu_io_delay();
	outb(0xCF9, v);
}

/* 8042 keyboard controller command 0xFE pulses the CPU reset line. */
static void kbc_reset(void)
{
	for (unsigned i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_io_delay();	/* wait for the input buffer to drain */
	outb(0x64, 0xFE);
}

/* An IDT with no entries: the next exception cannot be delivered, which
 * escalates to #DF and then a triple fault, and the CPU resets. */
__attribute__((noreturn)) static void triple_fault(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { 0, 0 };

	__asm__ volatile("lidt %0\n\tint3" : : "m"(idtr) : "memory");
	cpu_halt_forever();
}

static int cmd_reset(int argc, char **argv)
{
	int kind;
	enum hv_rt_reset_result rc;
	char rt_why[200] = "runtime services not built in";
	const char *why;

	if (argc > 2)
		return shell_error("reset takes cold, warm or shutdown");
	if (argc == 1 || strcmp(argv[1], "cold") == 0)
		kind = HV_RESET_COLD;
	else if (strcmp(argv[1], "warm") == 0)
		kind = HV_RESET_WARM;
	else if (strcmp(argv[1], "shutdown") == 0)
		kind = HV_RESET_SHUTDOWN;
	else
		return shell_error("reset takes cold, warm or shutdown");

	rc = hv_rt_reset(kind, rt_why, sizeof(rt_why));
	if (kind == HV_RESET_SHUTDOWN) {
		/* A PC has no generic power-off register outside ACPI AML. */
		if (rc == HV_RT_RESET_RETURNED)
			return shell_error("ResetSystem returned without shutting down");
		if (rc == HV_RT_RESET_FAULTED)
			return shell_error("shutdown: ResetSystem %s (EFI_ABORTED)", rt_why);
		return shell_error("shutdown needs ResetSystem (%s)", rt_why);
	}
	if (rc == HV_RT_RESET_RETURNED)
		kprintf("ResetSystem returned; trying the hardware reset paths\n");
	else if (rc == HV_RT_RESET_FAULTED)
		kprintf("ResetSystem %s (EFI_ABORTED); trying the hardware reset paths\n", rt_why);

	kprintf("resetting (%s)\n", kind == HV_RESET_COLD ? "cold" : "warm");
	why = acpi_reset();
	if (why)
		kprintf("ACPI reset: %s\n", why);
	else
		delay_ms(100);
	cf9_reset(kind == HV_RESET_COLD);
	delay_ms(100);
	kbc_reset();
	delay_ms(100);
	triple_fault();
}

SHELL_CMD(reset, "reset", "[cold|warm|shutdown]",
	  "reset the machine (ResetSystem, else ACPI, 0xCF9, 8042, triple fault)", cmd_reset);
