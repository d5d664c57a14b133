/* The hypervisor's own GDT and TSS (the loader's temporary GDT lives in the
 * trampoline page, which the hypervisor unmaps). */
#ifndef HV_GDT_H
#define HV_GDT_H

#define GDT_SEL_CODE64	0x08
#define GDT_SEL_DATA	0x10
#define GDT_SEL_TSS	0x18

/* Interrupt Stack Table slots (1-based, as the IDT gate's IST field). */
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_PF		4

/* Loads the GDT, reloads CS/SS/DS/ES/FS/GS and the task register. */
void gdt_init(void);

#endif
