/* GDT and 64-bit TSS. In long mode segmentation is flat; the TSS only
 * matters for its Interrupt Stack Table, which gives #DF, NMI, #MC and #PF
 * known-good stacks: a #PF on the stack guard page would otherwise fault
 * again while pushing its frame (SDM Vol. 3A §6.14.5). */
#include "gdt.h"

#include <stdint.h>

/* SDM Vol. 3A §8.7, Figure 8-11: 64-bit TSS. */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

#define IST_STACK_SIZE	0x4000	/* 16 KiB: enough for the fault dump */
#define IST_COUNT	4

/* Also mapped in the runtime address space, where an exception inside
 * firmware is delivered (hv/rt_space.c): the stacks writable (the CPU
 * pushes its frame there), the TSS read-only like the GDT and IDT. */
static uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE]
	__attribute__((aligned(16), section(".bss.rtstacks")));
static struct tss64 tss __attribute__((aligned(16), section(".bss.rtshared")));

/* Descriptor bits, SDM Vol. 3A §3.4.5: G, L, P, S, type. The accessed bit
 * is set up front: the runtime address space maps the GDT read-only, and
 * a segment load would otherwise write it (§3.4.5.1). */
#define SEG_CODE64	0x00AF9B000000FFFFULL	/* P, DPL0, code exec/read, accessed, L=1, G */
#define SEG_DATA	0x00CF93000000FFFFULL	/* P, DPL0, data read/write, accessed, D/B, G */
#define SYS_TSS64_AVAIL	0x9ULL
#define DESC_P		(1ULL << 47)

static uint64_t gdt[5] __attribute__((aligned(16), section(".bss.rtshared")));

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)gdt };

	for (int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);	/* no I/O permission bitmap */

	gdt[0] = 0;
	gdt[GDT_SEL_CODE64 / 8] = SEG_CODE64;
	gdt[GDT_SEL_DATA / 8] = SEG_DATA;
	/* A 16-byte system descriptor, SDM Vol. 3A §8.2.3, Figure 8-4. */
	gdt[GDT_SEL_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
			       (SYS_TSS64_AVAIL << 40) | DESC_P |
			       (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[GDT_SEL_TSS / 8 + 1] = base >> 32;

	/* CS can only be reloaded by a far transfer: push the new CS:RIP
	 * and lretq to the next instruction. */
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"movw %3, %%ax\n\t"
		"ltr %%ax"
		:
		: "m"(gdtr), "i"(GDT_SEL_CODE64), "i"(GDT_SEL_DATA), "i"(GDT_SEL_TSS)
		: "rax", "memory");
}
