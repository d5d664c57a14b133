/* The guest's x87/SSE/AVX registers, XCR0 and DR0-DR3, switched around
 * VMRUN (cpustate.h). Eager: every exit saves the guest's and puts the
 * host's back, every entry the reverse. The hypervisor itself is built
 * without SSE, but firmware runs during hypercalls (with SSE, UEFI 2.10
 * §2.3.4.1) and the next guest runs after this one; XCR0 must be the
 * host's for the host's own XSAVE and the firmware. */
#include "cpustate.h"

#include "hv/cpu.h"
#include "loader/cpustate.h"

#define DR7_RESET	0x400ULL	/* every breakpoint off (SDM Vol. 3B §17.2.4) */

static struct {
	bool ready, xsave;
	uint64_t xcr0, allowed;		/* the host's XCR0; what guests may have */
	uint64_t dr[4], dr6, dr7;
	uint8_t area[XSTATE_AREA_BYTES] __attribute__((aligned(64)));
} host;

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* Every component XCR0 enables (RFBM = XCR0 & EDX:EAX = XCR0). */
static void xsave(uint8_t *area)
{
	__asm__ volatile("xsave64 %0" : "+m"(*(uint8_t (*)[XSTATE_AREA_BYTES])area)
			 : "a"(~0U), "d"(~0U) : "memory");
}

static void xrstor(const uint8_t *area)
{
	__asm__ volatile("xrstor64 %0" : : "m"(*(const uint8_t (*)[XSTATE_AREA_BYTES])area),
			 "a"(~0U), "d"(~0U) : "memory");
}

static void fxsave(uint8_t *area)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[XSTATE_LEGACY_BYTES])area) : : "memory");
}

static void fxrstor(const uint8_t *area)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t (*)[XSTATE_LEGACY_BYTES])area)
			 : "memory");
}

#define DR_READ(n) ({ uint64_t v_; __asm__ volatile("mov %%dr" #n ", %0" : "=r"(v_)); v_; })
#define DR_WRITE(n, v) __asm__ volatile("mov %0, %%dr" #n : : "r"((uint64_t)(v)))

/* Once: what this CPU has (XSAVE on in CR4 by main.c when CPUID has it). */
static void host_probe(void)
{
	uint32_t r[4];

	if (host.ready)
		return;
	host.xsave = cpu_read_cr4() & CR4_OSXSAVE;
	if (host.xsave) {
		cpu_cpuid(0xD, 0, r);
		host.allowed = xstate_xcr0_allowed((uint64_t)r[3] << 32 | r[0], r[2]);
	}
	host.ready = true;
}

void vm_cpustate_reset(struct vm_cpustate *s)
{
	host_probe();
	xstate_area_init(s->xsave);
	s->xcr0 = host.xsave ? xgetbv0() : 0;
	s->dr[0] = s->dr[1] = s->dr[2] = s->dr[3] = 0;
}

void vm_cpustate_enter(struct vm_cpustate *s)
{
	host.dr[0] = DR_READ(0);
	host.dr[1] = DR_READ(1);
	host.dr[2] = DR_READ(2);
	host.dr[3] = DR_READ(3);
	host.dr6 = DR_READ(6);
	host.dr7 = DR_READ(7);
	/* No host breakpoint may fire on the guest's addresses meanwhile;
	 * VMRUN loads the guest's DR7 from the VMCB. */
	DR_WRITE(7, DR7_RESET);
	DR_WRITE(0, s->dr[0]);
	DR_WRITE(1, s->dr[1]);
	DR_WRITE(2, s->dr[2]);
	DR_WRITE(3, s->dr[3]);
	if (!host.xsave) {
		fxsave(host.area);
		fxrstor(s->xsave);
		return;
	}
	host.xcr0 = xgetbv0();
	xsave(host.area);
	/* The guest's area holds what its XCR0 and the host's enable
	 * (vm_cpustate_exit): restore under both, then run under its own. */
	if ((s->xcr0 | host.xcr0) != host.xcr0)
		cpu_xsetbv(0, s->xcr0 | host.xcr0);
	xrstor(s->xsave);
	if (s->xcr0 != (s->xcr0 | host.xcr0))
		cpu_xsetbv(0, s->xcr0);
}

void vm_cpustate_exit(struct vm_cpustate *s)
{
	uint64_t both;

	s->dr[0] = DR_READ(0);
	s->dr[1] = DR_READ(1);
	s->dr[2] = DR_READ(2);
	s->dr[3] = DR_READ(3);
	DR_WRITE(0, host.dr[0]);
	DR_WRITE(1, host.dr[1]);
	DR_WRITE(2, host.dr[2]);
	DR_WRITE(3, host.dr[3]);
	DR_WRITE(6, host.dr6);
	DR_WRITE(7, host.dr7);
	if (!host.xsave) {
		fxsave(s->xsave);
		fxrstor(host.area);
		return;
	}
	/* A guest with XCR0 = x87 only still has SSE registers (they need
	 * CR4.OSFXSR, not XCR0): save under its XCR0 and the host's. */
	s->xcr0 = xgetbv0();
	both = s->xcr0 | host.xcr0;
	if (both != s->xcr0)
		cpu_xsetbv(0, both);
	xsave(s->xsave);
	if (both != host.xcr0)
		cpu_xsetbv(0, host.xcr0);
	xrstor(host.area);
}

const char *vm_cpustate_xsetbv(struct vm_cpustate *s, uint32_t xcr, uint64_t v)
{
	const char *why;

	host_probe();
	if (!host.xsave)
		return "XSETBV without XSAVE enabled";
	if (xcr != 0)
		return "only XCR0 exists";
	why = xstate_xcr0_check(v, host.allowed);
	if (why)
		return why;
	/* What the area holds beyond the new XCR0 and the host's is dropped
	 * (initial state), as XRSTOR under the new mask requires. */
	xstate_keep(s->xsave, v | host.xcr0);
	s->xcr0 = v;
	return NULL;
}
