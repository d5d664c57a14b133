/* reset [cold|warm|shutdown]: ResetSystem through the runtime layer when
 * it is there; otherwise the ways a PC can reset itself, most specific
 * first: the ACPI reset register, the chipset's reset control port 0xCF9,
 * the keyboard controller, and finally a triple fault. */
#include "hv.h"

#include "acpi.h"
#include "cpu.h"
#include "kprintf.h"
#include "lib.h"
#include "mm.h"
#include "runtime.h"
#include "shell.h"

/* acpi_find_reset_reg reads firmware tables through the direct map. */
static const void *read_phys(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	return mm_pa_ptr_checked(pa, len);
}

/* Writes the FADT reset value to the reset register. Returns a reason if
 * the firmware does not describe one we can use. */
static const char *acpi_reset(void)
{
	struct acpi_reset_reg reg;
	const char *why = acpi_find_reset_reg(read_phys, NULL, hv_bi->acpi_rsdp_pa, &reg);

	if (why)
		return why;
	switch (reg.space_id) {
	case ACPI_SPACE_IO:
		outb((uint16_t)reg.address, reg.value);
		return NULL;
	case ACPI_SPACE_MEMORY: {
		volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(HV_DIRECT_MAP_BASE + reg.address);

		if (!mm_va_mapped((uint64_t)(uintptr_t)p, 1, true))
			return "reset register MMIO is not mapped";
		*p = reg.value;
		return NULL;
	}
	default: {	/* ACPI_SPACE_PCI_CONFIG */
		/* Bus 0; device, function and offset as ACPI §5.2.3.2 packs
		 * them; PCI config mechanism #1 (ports 0xCF8/0xCFC). */
		uint32_t dev = (reg.address >> 32) & 0x1F, fn = (reg.address >> 16) & 7;
		uint32_t off = reg.address & 0xFF;

		outl(0xCF8, 0x80000000U | dev << 11 | fn << 8 | (off & 0xFC));
		outb(0xCFC + (off & 3), reg.value);
		return NULL;
	}
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
