/* GDT and 64-bit TSS. In long mode segmentation is flat; the TSS only
 * matters for its Interrupt Stack Table (SDM Vol. 3A §6.14.5, AMD APM
 * Vol. 2 §8.9.4): the vectors the IDT gives an IST slot (hv/gdt.h says
 * which and why) are delivered on a stack of their own, whatever RSP held
 * when they struck. Without it an exception whose frame cannot be pushed
 * (RSP in a guard page, non-canonical, unmapped) faults again while
 * being delivered and ends as a double fault. */
#include "gdt.h"

#include <stdint.h>

#include "layout.h"

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

_Static_assert(IST_SLOTS <= HV_IST_COUNT && IST_SLOTS <= 7,
	       "one exception stack per IST slot, at most 7 (SDM Vol. 3A §8.7)");

/* The stacks themselves are the loader's, at HV_IST_BOTTOM_VA(n) with a
 * guard page below each (include/layout.h), mapped in the runtime address
 * space too, where an exception inside firmware is delivered
 * (hv/rt_space.c). The TSS is shared read-only, like the GDT and IDT. */
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

	for (int n = 1; n <= IST_SLOTS; n++)
		tss.ist[n - 1] = HV_IST_TOP_VA(n);
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
