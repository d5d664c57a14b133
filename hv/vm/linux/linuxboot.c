/* Guest memory for a Linux kernel (README: Guests, the Linux kind), by
 * the Linux x86 boot protocol's 64-bit entry: 64-bit mode, paging on with
 * the kernel, zero page and command line identity-mapped, a GDT whose
 * 0x10 is flat 64-bit code and 0x18 flat data, interrupts off, RSI = the
 * zero page, RIP = load address + 0x200. The identity tables come from
 * loader/pt.c with pages of guest memory, so CR3 names guest-physical
 * addresses only. */
#include "linuxboot.h"
#include "bootinfo.h"
#include "layout.h"
#include "loader/pt.h"

struct lx_pt_ctx {
	uint8_t *mem;
	uint64_t next_gpa;
};

static void *lx_pt_alloc(void *ctx, uint64_t *pa)
{
	struct lx_pt_ctx *c = ctx;
	uint8_t *p;

	if (c->next_gpa >= LX_PT_END_GPA)
		return NULL;
	*pa = c->next_gpa;
	c->next_gpa += HV_PAGE_SIZE;
	p = c->mem + *pa;
	__builtin_memset(p, 0, HV_PAGE_SIZE);
	return p;
}

static void *lx_pt_ptr(void *ctx, uint64_t pa)
{
	return ((struct lx_pt_ctx *)ctx)->mem + pa;
}

const char *linux_prepare(uint8_t *mem, uint64_t mem_bytes, const void *kernel_file,
			  const struct bzimage *k, const void *initrd, uint64_t initrd_bytes,
			  const char *cmdline, struct linux_entry *e)
{
	static const struct zp_range reserved[2] = {
		{ 0, LX_LOW_RESERVED_END },
		{ LX_HOLE_GPA, LX_KERNEL_FLOOR_GPA - LX_HOLE_GPA },
	};
	/* SDM Vol. 3A §3.4.5: two nulls (0x00, 0x08); code L=1 P DPL0 type
	 * 0xA (0x10); data P DPL0 type 0x2, G, D/B (0x18). */
	static const uint64_t gdt[4] = { 0, 0, 0x00AF9A000000FFFFULL, 0x00CF92000000FFFFULL };
	struct lx_pt_ctx ctx = { .mem = mem, .next_gpa = LX_PT_GPA };
	struct pt_builder pt = {
		.alloc_page = lx_pt_alloc, .pa_to_ptr = lx_pt_ptr, .ctx = &ctx,
		.allow_1g = false, .allow_nx = false,
	};
	struct e820_entry e820[8];
	struct zp_params zp = { .cmdline_gpa = LX_CMDLINE_GPA, .e820 = e820 };
	uint64_t load_gpa, top, cmdline_len = 0;
	const char *why;

	if (mem_bytes < LX_MEM_MIN || mem_bytes > HV_GUEST_MEM_MAX || (mem_bytes & (HV_LARGE_2M - 1)))
		return "guest memory must be 16 MiB..64 GiB in whole 2 MiB for a Linux guest";
	why = bzimage_place(k, mem_bytes, LX_KERNEL_FLOOR_GPA, &load_gpa);
	if (why)
		return why;
	while (cmdline && cmdline[cmdline_len])
		cmdline_len++;
	if (cmdline_len > k->cmdline_size || cmdline_len > LX_CMDLINE_MAX)
		return "command line longer than the kernel's cmdline_size";
	if (initrd_bytes) {
		/* As high as allowed: the protocol's initrd_addr_max is the
		 * highest address the initrd's last byte may have. */
		top = (uint64_t)k->initrd_addr_max + 1;
		if (top > mem_bytes)
			top = mem_bytes;
		if (initrd_bytes > top || ((top - initrd_bytes) & ~(HV_PAGE_SIZE - 1)) <
					  load_gpa + k->init_size)
			return "initrd does not fit in guest memory above the kernel and below initrd_addr_max";
		zp.initrd_gpa = (top - initrd_bytes) & ~(HV_PAGE_SIZE - 1);
		zp.initrd_bytes = initrd_bytes;
	}
	why = e820_build(mem_bytes, reserved, 2, e820, 8, &zp.e820_count);
	if (why)
		return why;

	__builtin_memcpy(mem + load_gpa, (const uint8_t *)kernel_file + k->kernel_offset,
			 k->kernel_bytes);
	if (initrd_bytes)
		__builtin_memcpy(mem + zp.initrd_gpa, initrd, initrd_bytes);
	__builtin_memcpy(mem + LX_CMDLINE_GPA, cmdline ? cmdline : "", cmdline_len);
	mem[LX_CMDLINE_GPA + cmdline_len] = '\0';
	why = zeropage_build(mem + LX_ZP_GPA, kernel_file, k, &zp);
	if (why)
		return why;
	__builtin_memcpy(mem + LX_GDT_GPA, gdt, sizeof(gdt));
	if (pt_init(&pt) != PT_OK ||
	    pt_map_range(&pt, 0, 0, mem_bytes, PT_MAP_W | PT_MAP_X) != PT_OK)
		return "guest page tables do not fit below 512 KiB";

	e->rip = load_gpa + BZ_ENTRY64_OFFSET;
	e->rsi = LX_ZP_GPA;
	e->rsp = LX_STACK_GPA;
	e->cr3 = pt.root_pa;
	return NULL;
}
