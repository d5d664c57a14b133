/* nullapp: the least a boot option can do. It prints one line and ends
 * QEMU through isa-debug-exit, so tools/bench.py can time what OVMF alone
 * costs from power-on to starting an application from the ESP — the
 * baseline for the time hvboot takes to reach its `hv> ` prompt. Built
 * with the loader's gnu-efi flags (Makefile: nullapp). */
#include <efi.h>
#include <efilib.h>
#include "x86.h"

#define DEBUG_EXIT_PORT	0xF4	/* tools/hvqemu.py: -device isa-debug-exit,iobase=0xf4 */

/* As loader/efi_con.c: the link uses --gc-sections, which drops crt0's
 * unreferenced .reloc block, and OVMF will not load a PE without one. A
 * retained block of two no-op IMAGE_REL_BASED_ABSOLUTE entries (PE/COFF
 * §6.6) at page RVA 0. */
__asm__(".section .reloc, \"aR\"\n"
	".long 0\n"
	".long 12\n"
	".word 0\n"
	".word 0\n"
	".previous\n");

/* Not EFIAPI: Debian's crt0 calls efi_main with the SysV ABI
 * (Debian's gnu-efi is built without GNU_EFI_USE_MS_ABI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	(void)image;
	uefi_call_wrapper(st->ConOut->OutputString, 2, st->ConOut, L"nullapp: done\r\n");
	/* QEMU exits with status (1 << 1) | 1 = 3; without the device the
	 * write is ignored and the firmware gets control back. */
	outb(DEBUG_EXIT_PORT, 1);
	return EFI_SUCCESS;
}
