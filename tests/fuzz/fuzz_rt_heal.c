/* libFuzzer harness for rt/rt_heal.c: a fault address and a memory map as
 * the firmware reported it (any descriptors, overlapping, huge, at 2^64).
 * Input: 8 bytes address, then 40-byte EFI_MEMORY_DESCRIPTORs. A plan must
 * hold the address, stay inside its descriptor (page 0 aside) and inside
 * the address's 2 MiB block, be page aligned, and never execute data. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "rt/rt.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define MAXD 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct efi_mdesc map[MAXD];
	struct rt_heal h;
	uint64_t addr;
	size_t n;

	if (size < 8)
		return 0;
	memcpy(&addr, data, 8);
	n = (size - 8) / sizeof(map[0]);
	if (n > MAXD)
		n = MAXD;
	memcpy(map, data + 8, n * sizeof(map[0]));
	if (rt_heal_plan(map, n, addr, &h))
		return 0;
	CHECK(h.pa % 4096 == 0 && h.len % 4096 == 0 && h.len > 0);
	CHECK(addr >= h.pa && addr - h.pa < h.len);
	CHECK(h.len <= 0x200000 && (h.pa & ~0x1FFFFFULL) == (addr & ~0x1FFFFFULL));
	if (addr < 4096) {
		CHECK(h.pa == 0 && h.len == 4096 && !h.exec);
		return 0;
	}
	CHECK(h.desc >= 0 && (size_t)h.desc < n);
	{
		const struct efi_mdesc *d = &map[h.desc];

		/* In 128 bits: a descriptor may end at 2^64. */
		unsigned __int128 dlo = d->pa & ~4095ULL;
		unsigned __int128 dhi = (unsigned __int128)d->pa + (unsigned __int128)d->npages * 4096;

		CHECK(h.pa >= dlo);
		CHECK((unsigned __int128)h.pa + h.len <= ((dhi + 4095) & ~(unsigned __int128)4095));
		CHECK(!h.exec || d->type == EFI_MT_RT_CODE || d->type == EFI_MT_BS_CODE);
	}
	return 0;
}
