/* Console output for the loader: format with loader/fmt.c (ASCII), widen to
 * UTF-16 and hand to ConOut (UEFI 2.10 §12.4.3), LF as CR LF. */
#include "efi_boot.h"
#include "fmt.h"
#include "efistatus.h"

void con_vprintf(const char *fmt, va_list ap)
{
	char text[320];
	CHAR16 wide[2 * sizeof(text) + 1];
	UINTN n = 0;

	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			wide[n++] = '\r';
		wide[n++] = (CHAR16)(unsigned char)*p;
	}
	wide[n] = 0;
	FW(uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, wide));
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}

const char *efi_status_str(EFI_STATUS st)
{
	static char hex[24];
	const char *name = efistatus_name(st);

	if (name)
		return name;
	fmt_snprintf(hex, sizeof(hex), "status 0x%lx", (unsigned long)st);
	return hex;
}

/* The PE must carry a .reloc block for the firmware to treat the image as
 * relocatable (gnu-efi self-relocates from .rela at start). crt0's dummy
 * block is unreferenced and --gc-sections drops it: keep one of our own,
 * marked SHF_GNU_RETAIN. Page RVA 0, size 12, two IMAGE_REL_BASED_ABSOLUTE
 * (no-op) entries (PE/COFF §6.6). */
__asm__(".section .reloc, \"aR\"\n"
	".long 0\n"
	".long 12\n"
	".word 0\n"
	".word 0\n"
	".previous\n");
