/* The hypervisor's own GDT and TSS (the loader's temporary GDT lives in the
 * trampoline page, which the hypervisor unmaps). */
#ifndef HV_GDT_H
#define HV_GDT_H

#define GDT_SEL_CODE64	0x08
#define GDT_SEL_DATA	0x10
#define GDT_SEL_TSS	0x18

/* Interrupt Stack Table slots (1-based, as the IDT gate's IST field),
 * one stack each (include/layout.h: HV_IST_*), so that one of these
 * raised while another is being handled does not overwrite its frame.
 *  #DF, NMI, #MC: may strike anywhere, whatever the stack (a #DF is what a
 *    fault during the delivery of another becomes, an NMI or machine check
 *    comes from outside the instruction stream);
 *  #PF: a stack pointer run into a guard page or onto an unmapped page;
 *  #SS: a non-canonical stack pointer (SDM Vol. 3A §6.15, Interrupt 12);
 *  #GP: a non-canonical address or a bad return frame (iretq), often
 *    with the stack pointer itself wrong.
 * Any other exception taken with a broken stack cannot push its frame and
 * becomes a #DF, which the IST then delivers (the runtime layer contains
 * it when firmware raised it: rt/rt_fault.c). */
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_PF		4
#define IST_SS		5
#define IST_GP		6
#define IST_SLOTS	6

/* Loads the GDT, reloads CS/SS/DS/ES/FS/GS and the task register. */
void gdt_init(void);

#endif
