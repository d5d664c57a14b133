/* A Linux bzImage's setup header (the Linux x86 boot protocol, kernel
 * Documentation/arch/x86/boot.rst): what the hypervisor needs to start it
 * by the 64-bit entry, checked against the file and against guest memory.
 * Pure: reads the file through a pointer, never trusts it. */
#ifndef HV_VM_LINUX_BZIMAGE_H
#define HV_VM_LINUX_BZIMAGE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* Offsets in the file (and in the zero page, which holds a copy of the
 * setup header at the same offsets). */
#define BZ_SETUP_SECTS		0x1F1	/* u8; 0 means 4 */
#define BZ_SYSSIZE		0x1F4	/* u32, 16-byte units */
#define BZ_BOOT_FLAG		0x1FE	/* u16, 0xAA55 */
#define BZ_JUMP			0x200	/* u16: a short jump; byte 0x201 + 0x202 = header end */
#define BZ_HEADER		0x202	/* u32, "HdrS" */
#define BZ_VERSION		0x206	/* u16, major.minor as 0x020C */
#define BZ_TYPE_OF_LOADER	0x210	/* u8 */
#define BZ_LOADFLAGS		0x211	/* u8 */
#define BZ_RAMDISK_IMAGE	0x218	/* u32 */
#define BZ_RAMDISK_SIZE		0x21C	/* u32 */
#define BZ_CMD_LINE_PTR		0x228	/* u32 */
#define BZ_INITRD_ADDR_MAX	0x22C	/* u32 */
#define BZ_KERNEL_ALIGNMENT	0x230	/* u32 */
#define BZ_RELOCATABLE		0x234	/* u8 */
#define BZ_XLOADFLAGS		0x236	/* u16 */
#define BZ_CMDLINE_SIZE		0x238	/* u32 */
#define BZ_PAYLOAD_OFFSET	0x248	/* u32 */
#define BZ_PAYLOAD_LENGTH	0x24C	/* u32 */
#define BZ_PREF_ADDRESS		0x258	/* u64 */
#define BZ_INIT_SIZE		0x260	/* u32 */
#define BZ_HEADER_MIN_END	0x268	/* the fields above, protocol 2.12 */
#define BZ_HEADER_MAX_END	0x290	/* the zero page's room for the header */

#define BZ_HDRS_MAGIC		0x53726448U	/* "HdrS" */
#define BZ_BOOT_FLAG_MAGIC	0xAA55U
#define BZ_PROTOCOL_MIN		0x020CU		/* 2.12: xloadflags */
#define BZ_LOADED_HIGH		0x01U		/* loadflags bit 0 */
#define BZ_XLF_KERNEL_64	0x0001U		/* xloadflags bit 0 */
#define BZ_XLF_CAN_BE_LOADED_ABOVE_4G 0x0002U
#define BZ_ENTRY64_OFFSET	0x200U		/* 64-bit entry: load address + 0x200 */

struct bzimage {
	uint16_t version;		/* boot protocol, 0x020C = 2.12 */
	uint32_t setup_bytes;		/* (setup_sects + 1) * 512: the kernel follows */
	uint32_t header_end;		/* end of the setup header, copied to the zero page */
	uint64_t kernel_offset;		/* = setup_bytes */
	uint64_t kernel_bytes;		/* the protected-mode kernel: rest of the file */
	uint64_t pref_address;
	uint32_t kernel_alignment;
	bool relocatable;
	uint32_t init_size;		/* bytes the kernel needs from its load address */
	uint32_t initrd_addr_max;	/* highest address the initrd may occupy */
	uint32_t cmdline_size;		/* longest command line, without the NUL */
	uint16_t xloadflags;
};

/* True if the file has a setup header ("HdrS" at 0x202): a bzImage, to be
 * validated by bzimage_parse, as opposed to an ELF guest. */
bool bzimage_detect(const void *file, uint64_t size_bytes);

/* Checks the header and fills *out. NULL, or one reason (README: Guests,
 * the Linux kind, lists them). */
const char *bzimage_parse(const void *file, uint64_t size_bytes, struct bzimage *out);

/* Where the kernel loads in guest memory [0, mem_bytes): pref_address,
 * moved up to kernel_alignment and to floor_gpa when relocatable, with
 * init_size bytes free above it. NULL with *load_gpa, or a reason. */
const char *bzimage_place(const struct bzimage *k, uint64_t mem_bytes, uint64_t floor_gpa,
			  uint64_t *load_gpa);

#endif
