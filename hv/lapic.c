/* The local APIC's registers (see lapic.h). */
#include "lapic.h"

#include "cpu.h"
#include "layout.h"
#include "mm.h"

static volatile uint32_t *regs;
static bool x2apic;

const char *lapic_map(void)
{
	uint64_t base = cpu_rdmsr(MSR_APIC_BASE);
	struct pt_builder b;

	x2apic = base & APIC_BASE_X2APIC;
	if (x2apic || regs)
		return NULL;
	if (!mm_va_mapped(HV_LAPIC_VA, HV_PAGE_SIZE, true)) {
		mm_live_builder(&b);
		b.alloc_page = mm_pool_alloc;
		if (pt_map_range(&b, HV_LAPIC_VA, base & APIC_BASE_ADDR, HV_PAGE_SIZE,
				 PT_MAP_W | PT_MAP_UC | PT_MAP_4K) != PT_OK)
			return "cannot map the local APIC";
		cpu_invlpg(HV_LAPIC_VA);
	}
	regs = (volatile uint32_t *)(uintptr_t)HV_LAPIC_VA;
	return NULL;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

volatile uint32_t *lapic_regs(void)
{
	return x2apic ? NULL : regs;
}

/* x2APIC: register offset / 16 above MSR 0x800 (SDM Vol. 3A §11.12.1). */
uint32_t lapic_read(uint32_t reg)
{
	return x2apic ? (uint32_t)cpu_rdmsr(0x800 + (reg >> 4)) : regs[reg / 4];
}

void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		cpu_wrmsr(0x800 + (reg >> 4), v);
	else
		regs[reg / 4] = v;
}
