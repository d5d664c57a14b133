/* The hypervisor's virtual address layout: what the loader builds and the
 * hypervisor relies on. Every address here is canonical 4-level (48-bit). */
#ifndef HVBOOT_LAYOUT_H
#define HVBOOT_LAYOUT_H

#define HV_PAGE_SIZE		0x1000ULL
#define HV_LARGE_2M		0x200000ULL
#define HV_LARGE_1G		0x40000000ULL
#define HV_PML4_SLOT_SIZE	0x8000000000ULL		/* 512 GiB */

/* Lowest higher-half address; every hypervisor segment lies at or above it. */
#define HV_HIGHER_HALF		0xFFFF800000000000ULL

/* All RAM in the EFI memory map, at HV_DIRECT_MAP_BASE + pa (PML4 256..). */
#define HV_DIRECT_MAP_BASE	0xFFFF800000000000ULL

/* The direct map may cover physical addresses below this (it ends where
 * the default runtime window's slot begins: 127 TiB). */
#define HV_DIRECT_MAP_MAX	(0xFFFFFF0000000000ULL - HV_DIRECT_MAP_BASE)

/* Default runtime-services window: one PML4 slot (510) of its own. */
#define HV_RT_WINDOW_DEFAULT	0xFFFFFF0000000000ULL

/* The hypervisor image is linked here (PML4 511, -2 GiB: -mcmodel=kernel). */
#define HV_IMAGE_BASE		0xFFFFFFFF80000000ULL

/* Stacks live in PML4 511 above the image, each with an unmapped guard page
 * directly below its lowest byte. */
#define HV_STACK_GUARD_VA	0xFFFFFFFFC0000000ULL
#define HV_STACK_BOTTOM_VA	(HV_STACK_GUARD_VA + HV_PAGE_SIZE)
#define HV_STACK_SIZE		0x10000ULL		/* 64 KiB */
#define HV_STACK_TOP_VA		(HV_STACK_BOTTOM_VA + HV_STACK_SIZE)

/* Dedicated stack for firmware runtime calls (>= 64 KiB, UEFI 2.10 §2.3.4.2
 * asks for at least 128 KiB of stack at boot; runtime gets as much). */
#define HV_RTSTACK_GUARD_VA	0xFFFFFFFFC0100000ULL
#define HV_RTSTACK_BOTTOM_VA	(HV_RTSTACK_GUARD_VA + HV_PAGE_SIZE)
#define HV_RTSTACK_SIZE		0x20000ULL		/* 128 KiB */
#define HV_RTSTACK_TOP_VA	(HV_RTSTACK_BOTTOM_VA + HV_RTSTACK_SIZE)

/* The exception stacks: the TSS's Interrupt Stack Table (SDM Vol. 3A
 * §6.14.5, AMD APM Vol. 2 §8.9.4) switches to one of these on the vectors
 * the IDT gives an IST slot (hv/gdt.h), whatever the interrupted stack
 * pointer held. Stack n (1-based, the gate's IST field) spans
 * [HV_IST_BOTTOM_VA(n), HV_IST_TOP_VA(n)) with an unmapped guard page
 * directly below it; the top of one is the guard of the next. */
#define HV_IST_GUARD_VA		0xFFFFFFFFC0400000ULL	/* stack 1's guard */
#define HV_IST_COUNT		6
#define HV_IST_STACK_SIZE	0x4000ULL		/* 16 KiB: the fault dump fits */
#define HV_IST_STRIDE		(HV_PAGE_SIZE + HV_IST_STACK_SIZE)
#define HV_IST_BOTTOM_VA(n)	(HV_IST_GUARD_VA + ((n) - 1) * HV_IST_STRIDE + HV_PAGE_SIZE)
#define HV_IST_TOP_VA(n)	(HV_IST_BOTTOM_VA(n) + HV_IST_STACK_SIZE)

/* The local APIC's registers (one page, UC), mapped by the hypervisor for
 * the runtime-call watchdog and the guests' time slices. Device memory
 * stays out of the direct map, which holds RAM only (`selftest` audits
 * that). */
#define HV_LAPIC_VA		0xFFFFFFFFC0200000ULL

/* The GOP framebuffer (boot info `fb`), write-combining, in PML4 511
 * below the image: device memory, so never in the direct map, and not
 * the runtime window's business. 1 GiB aligned so that a framebuffer at
 * a 2 MiB (or 1 GiB) aligned address gets large pages; up to 1 GiB. */
#define HV_FB_VA		0xFFFFFFFE00000000ULL
#define HV_FB_MAX_SIZE		0x40000000ULL

/* Memory types the loader allocates (UEFI 2.10 §7.2: 0x80000000..0xFFFFFFFF
 * are reserved for OS loaders), so the hypervisor can tell its own pages. */
#define HV_MEM_IMAGE		0x80000000U	/* hypervisor segments */
#define HV_MEM_STACK		0x80000001U	/* hypervisor + runtime stacks */
#define HV_MEM_PAGETABLE	0x80000002U	/* page tables and their pool */
#define HV_MEM_BOOTINFO		0x80000003U	/* boot info, memory map copy */
#define HV_MEM_TRAMPOLINE	0x80000004U	/* the identity trampoline page */
#define HV_MEM_MODULE		0x80000005U	/* guest images (`module` lines) */

#endif
