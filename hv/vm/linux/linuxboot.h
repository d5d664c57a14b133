/* A Linux guest's memory at start (README: Guests, the Linux kind): the
 * kernel at its load address, the initrd high, and below 512 KiB what
 * the 64-bit boot protocol asks of the loader (zero page, command line,
 * a GDT with __BOOT_CS 0x10 and __BOOT_DS 0x18, identity page tables).
 * Pure: works on guest memory through a pointer. */
#ifndef HV_VM_LINUX_LINUXBOOT_H
#define HV_VM_LINUX_LINUXBOOT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "bzimage.h"
#include "zeropage.h"

#define LX_ZP_GPA		0x1000ULL
#define LX_CMDLINE_GPA		0x2000ULL	/* one page: at most 4095 bytes + NUL */
#define LX_CMDLINE_MAX		4095U
#define LX_GDT_GPA		0x3000ULL	/* null, null, code64 (0x10), data (0x18) */
#define LX_GDT_LIMIT		31
#define LX_SEL_CODE		0x10
#define LX_SEL_DATA		0x18
#define LX_PT_GPA		0x4000ULL	/* PML4, then its tables */
#define LX_PT_END_GPA		0x80000ULL
#define LX_STACK_GPA		0x1000ULL	/* the protocol sets none; page 0 is reserved */
/* Guest memory the hypervisor keeps (e820 reserved): its pages below
 * 512 KiB, and the PC's legacy hole from the EBDA to 1 MiB. What lies
 * between (0x80000..0x9F000) is RAM below 1 MiB for the kernel's
 * real-mode trampoline. */
#define LX_LOW_RESERVED_END	0x80000ULL
#define LX_HOLE_GPA		0x9F000ULL
#define LX_KERNEL_FLOOR_GPA	0x100000ULL
#define LX_MEM_MIN		(16ULL << 20)

struct linux_entry {
	uint64_t rip, rsi, rsp, cr3;
};

/* Into guest memory [0, mem_bytes), which the caller has zeroed (the run
 * loop zeroes it when it takes it and after every run), loads the kernel of the parsed
 * bzImage at its placement, the initrd (initrd_bytes, may be 0) page-
 * aligned as high as initrd_addr_max and memory allow, the command line,
 * the zero page, the GDT and identity tables over all guest memory with
 * 2 MiB pages. NULL with *e, or a reason (README lists them). */
const char *linux_prepare(uint8_t *mem, uint64_t mem_bytes, const void *kernel_file,
			  const struct bzimage *k, const void *initrd, uint64_t initrd_bytes,
			  const char *cmdline, struct linux_entry *e);

#endif
