/* The local APIC (SDM Vol. 3A §11.4, Table 11-1): its registers, reached
 * through one mapping of its page, uncached, at HV_LAPIC_VA (never the
 * direct map, which holds RAM only), or through the x2APIC MSRs. Used by
 * the timer module (timer.c), which owns the LAPIC timer. */
#ifndef HV_LAPIC_H
#define HV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_BASE_X2APIC	(1ULL << 10)
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_ADDR		0x000FFFFFFFFFF000ULL

#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0B0
#define LAPIC_SVR		0x0F0
#define LAPIC_ISR		0x100
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3E0

#define LAPIC_SVR_ENABLE	(1U << 8)
#define LAPIC_LVT_MASKED	(1U << 16)
#define LAPIC_LVT_PERIODIC	(1U << 17)
#define LAPIC_DIV_BY_16		0x3

/* Makes the registers reachable: in x2APIC mode nothing to map; else the
 * page mapped UC at HV_LAPIC_VA (once). NULL, or why not. */
const char *lapic_map(void);

/* True in x2APIC mode (registers are MSRs, there is no page). */
bool lapic_is_x2apic(void);

/* The mapped page (xAPIC mode), for code that writes registers itself
 * (rt_call.asm's watchdog, the guest timer's EOI); NULL in x2APIC mode. */
volatile uint32_t *lapic_regs(void);

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);

#endif
