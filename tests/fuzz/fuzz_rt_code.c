/* libFuzzer harness for rt/rt_code.c: the runtime code table built from a
 * memory map and a Memory Attributes Table as the firmware reported them
 * (any descriptors: overlapping, unsorted, huge, wrapping). Input: a byte
 * cap (1..64 ranges), a byte count of map descriptors, then 40-byte
 * EFI_MEMORY_DESCRIPTORs: the map, then the MAT. The table must fit its
 * cap, be sorted and disjoint, agree with a linear search, never admit an
 * address outside every code descriptor, and without a MAT admit the start
 * of every code descriptor. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "rt/rt_code.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define MAXD 64

static bool in_code_desc(const struct efi_mdesc *map, size_t n, uint64_t va)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t len = map[i].npages << EFI_PAGE_SHIFT;

		if (map[i].type == EFI_MT_RT_CODE && map[i].va && va >= map[i].va &&
		    va - map[i].va < len)
			return true;
	}
	return false;
}

static bool linear(const struct rt_code_range *r, size_t n, uint64_t va)
{
	for (size_t i = 0; i < n; i++)
		if (va >= r[i].va && va < r[i].end)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct efi_mdesc d[MAXD];
	struct rt_code_range r[RT_CODE_RANGES_MAX];
	size_t cap, nmap, nall, n;

	if (size < 2)
		return 0;
	cap = data[0] % RT_CODE_RANGES_MAX + 1;
	nall = (size - 2) / sizeof(d[0]);
	if (nall > MAXD)
		nall = MAXD;
	nmap = data[1] < nall ? data[1] : nall;
	memcpy(d, data + 2, nall * sizeof(d[0]));
	n = rt_code_ranges(d, nmap, d + nmap, nall - nmap, r, cap);
	CHECK(n <= cap);
	for (size_t i = 0; i < n; i++) {
		CHECK(r[i].va < r[i].end);
		CHECK(i == 0 || r[i - 1].end < r[i].va);
	}
	for (size_t i = 0; i < nall; i++) {
		uint64_t probes[3] = { d[i].va, d[i].pa, d[i].va + (d[i].npages << EFI_PAGE_SHIFT) - 1 };

		for (int k = 0; k < 3; k++) {
			bool in = rt_code_contains(r, n, probes[k]);

			CHECK(in == linear(r, n, probes[k]));
			/* Only the last resort, one range over all the code,
			 * may span the gaps between descriptors. */
			if (in && !in_code_desc(d, nmap, probes[k]))
				CHECK(n == 1);
		}
	}
	if (nmap == nall) {		/* no MAT: every code descriptor whole */
		for (size_t i = 0; i < nmap; i++) {
			uint64_t len = d[i].npages << EFI_PAGE_SHIFT;

			if (d[i].type == EFI_MT_RT_CODE && d[i].va && d[i].npages &&
			    d[i].pa + len > d[i].pa && d[i].va + len > d[i].va)
				CHECK(rt_code_contains(r, n, d[i].va));
		}
	}
	return 0;
}
