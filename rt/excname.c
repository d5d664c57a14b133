/* Exception names (see excname.h). */
#include "excname.h"

#include <stddef.h>

static const struct {
	const char *mnemonic, *name;
} table[EXC_VECTORS] = {
	[0] = { "#DE", "divide error (#DE)" },
	[1] = { "#DB", "debug (#DB)" },
	[2] = { "NMI", "non-maskable interrupt (NMI)" },
	[3] = { "#BP", "breakpoint (#BP)" },
	[4] = { "#OF", "overflow (#OF)" },
	[5] = { "#BR", "bound range exceeded (#BR)" },
	[6] = { "#UD", "invalid opcode (#UD)" },
	[7] = { "#NM", "device not available (#NM)" },
	[8] = { "#DF", "double fault (#DF)" },
	/* Vector 9 has no mnemonic: no processor since the 386 raises it. */
	[9] = { "CSO", "coprocessor segment overrun" },
	[10] = { "#TS", "invalid TSS (#TS)" },
	[11] = { "#NP", "segment not present (#NP)" },
	[12] = { "#SS", "stack-segment fault (#SS)" },
	[13] = { "#GP", "general protection (#GP)" },
	[14] = { "#PF", "page fault (#PF)" },
	[16] = { "#MF", "x87 floating-point error (#MF)" },
	[17] = { "#AC", "alignment check (#AC)" },
	[18] = { "#MC", "machine check (#MC)" },
	[19] = { "#XM", "SIMD floating-point exception (#XM)" },
	[20] = { "#VE", "virtualization exception (#VE)" },
	[21] = { "#CP", "control protection (#CP)" },
	[28] = { "#HV", "hypervisor injection (#HV)" },
	[29] = { "#VC", "VMM communication (#VC)" },
	[30] = { "#SX", "security exception (#SX)" },
};

const char *exc_name(uint64_t vector)
{
	if (vector >= EXC_VECTORS)
		return "interrupt";
	return table[vector].name ? table[vector].name : "reserved exception";
}

const char *exc_mnemonic(uint64_t vector)
{
	return vector < EXC_VECTORS ? table[vector].mnemonic : NULL;
}
