/* hv_main: from the trampoline's jump to the shell. The order matters:
 * stamp the TSC before anything else costs time; own GDT before the
 * trampoline page (which holds the loader's GDT) goes away; IDT before
 * anything that can fault; SSE state before firmware code runs. */
#include "hv.h"

#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "kprintf.h"
#include "layout.h"
#include "mm.h"
#include "loader/pt.h"
#include "runtime.h"
#include "serial.h"
#include "shell.h"
#include "trap.h"

#define PML4_LOWER_HALF	256	/* entries 0..255: the identity half */

/* The loader left one identity-mapped page (the trampoline). Nothing in
 * the hypervisor may depend on the lower half, so clear it whole: a stray
 * low pointer then faults instead of reading firmware memory. */
static void drop_identity_map(const struct hv_bootinfo *bi)
{
	struct pt_builder b;
	const char *st;
	uint64_t *pml4;
	unsigned extra = 0;
	unsigned tramp_slot = pt_index(bi->trampoline_pa, 0);

	mm_live_builder(&b);
	st = pt_unmap_range(&b, bi->trampoline_pa, HV_PAGE_SIZE);
	if (st != PT_OK)
		kprintf("warning: unmapping the trampoline page 0x%lx: %s\n",
			bi->trampoline_pa, st);

	pml4 = hv_pa_to_va(b.root_pa);
	for (unsigned i = 0; i < PML4_LOWER_HALF; i++) {
		if (pml4[i] && i != tramp_slot)
			extra++;
		pml4[i] = 0;
	}
	if (extra)
		kprintf("warning: %u lower-half PML4 entries besides the trampoline's were set; cleared\n",
			extra);
	/* The loader's mappings are not global, so a CR3 reload flushes
	 * them; invlpg covers the trampoline page even if one were. */
	cpu_invlpg(bi->trampoline_pa);
	cpu_write_cr3(cpu_read_cr3());
}

/* Firmware runtime code is compiled with SSE (UEFI 2.10 §2.3.4.1: MXCSR
 * 0x1F80, x87 control word 0x037F, which fninit gives); the hypervisor
 * itself never touches those registers (-mno-sse). CR0's FPU bits and
 * CR4's OSFXSR/OSXMMEXCPT were set at the switch (loader/cpustate.c);
 * XSAVE, when the CPU has it, is enabled here (CR4_SET_AFTER_SWITCH). */
static void fpu_init(void)
{
	uint32_t r[4];
	uint32_t mxcsr = 0x1F80;

	cpu_cpuid(1, 0, r);
	if (r[2] & CPUID1_ECX_XSAVE) {
		cpu_write_cr4(cpu_read_cr4() | CR4_OSXSAVE);
		cpu_xsetbv(0, XCR0_X87 | XCR0_SSE);
	}
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

static void print_banner(const struct hv_bootinfo *bi)
{
	char console[128];
	size_t n;

	bootinfo_memmap(bi, &n);
	kprintf("\nhvboot hypervisor " HV_VERSION "\n");
	kprintf("  memory map   %zu descriptors, RAM %lu MiB\n", n,
		bootinfo_ram_bytes(bi) >> 20);
	kprintf("  image        pa 0x%lx, %lu KiB at 0x%lx\n", bi->image.pa,
		bi->image.size_bytes >> 10, bi->image.va);
	kprintf("  stack        pa 0x%lx, %lu KiB\n", bi->stack.pa, bi->stack.size_bytes >> 10);
	kprintf("  page tables  %lu pages (root 0x%lx)\n", bi->pt_pages_used, bi->pt_root_pa);
	if (bi->rt_state == HV_RT_ENABLED)
		kprintf("  runtime      enabled (%s layout, window 0x%lx, %u regions)\n",
			hv_rt_layout_name(bi->rt_layout),
			bi->rt_window_base, bi->rt_region_count);
	else
		kprintf("  runtime      disabled (%.*s)\n", HV_REASON_MAX,
			bi->rt_reason[0] ? bi->rt_reason : "no reason given");
	console_describe(console, sizeof(console));
	kprintf("  console      %s\n", console);
	kprintf("  tsc          %lu cycles from efi_main to hypervisor entry\n",
		bi->tsc[HV_TS_HV_ENTRY] - bi->tsc[HV_TS_EFI_MAIN]);
}

__attribute__((noreturn)) void hv_main(struct hv_bootinfo *bi);

void hv_main(struct hv_bootinfo *bi)
{
	const char *why;

	if (bi)
		bi->tsc[HV_TS_HV_ENTRY] = cpu_rdtsc();
	serial_init();

	why = bootinfo_check(bi);
	if (why) {
		kprintf("\nhvboot hypervisor: cannot start: boot info at %p: %s "
			"(magic 0x%lx version %u size %u; expected magic 0x%llx version %u size %zu)\n",
			(void *)bi, why, bi ? bi->magic : 0, bi ? bi->version : 0,
			bi ? bi->size_bytes : 0, HV_BOOTINFO_MAGIC, HV_BOOTINFO_VERSION,
			sizeof(struct hv_bootinfo));
		cpu_halt_forever();
	}
	hv_bi = bi;

	gdt_init();
	idt_init();
	console_init(bi);		/* the screen, after the IDT: a bad mapping is reported */
	drop_identity_map(bi);
	fpu_init();

	hv_rt_init(bi);

	print_banner(bi);
	shell_run();
}
