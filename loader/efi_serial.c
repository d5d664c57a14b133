/* After ExitBootServices the firmware console is gone; fatal messages go
 * straight to COM1 (0x3F8), which OVMF and most servers route to the
 * serial console and which the firmware has already initialised. */
#include "efi_boot.h"
#include "fmt.h"

static void serial_putc(char c)
{
	for (int spin = 0; spin < 100000 && !(inb(0x3F8 + 5) & 0x20); spin++)
		;
	outb(0x3F8, (uint8_t)c);
}

void efi_serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

void efi_serial_hex(uint64_t v)
{
	char buf[19];

	fmt_snprintf(buf, sizeof(buf), "0x%016llX", (unsigned long long)v);
	efi_serial_puts(buf);
}

void efi_fatal(const char *what, uint64_t detail)
{
	efi_serial_puts("hvboot: fatal after ExitBootServices: ");
	efi_serial_puts(what);
	efi_serial_puts(" ");
	efi_serial_hex(detail);
	efi_serial_puts("\r\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
