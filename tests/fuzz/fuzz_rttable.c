/* libFuzzer harness for loader/rttable.c: any bytes as the runtime services
 * table SetVirtualAddressMap left (UEFI 2.10 §4.5, §8.4) and where it lies,
 * checked against a fixed plan shaped like OVMF's (runtime data, code,
 * data, and the flash as MMIO, in the offset window). The first 8 bytes
 * pick the table's physical address, the next RTTABLE_BYTES are the table
 * (zero-padded). An accepted table must lie in a runtime region, with its
 * virtual address that region's, and every service but the two boot-time
 * ones pointing into runtime code of the plan; a refusal names the value.
 * A broken promise is a crash. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "layout.h"
#include "loader/bytes.h"
#include "loader/rttable.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct rtwin_plan plan;

static void make_plan(void)
{
	static const struct rt_region r[] = {
		{ EFI_MT_RT_DATA, 0, 0x1F4EC000, 256, EFI_MEMORY_RUNTIME | 0xF, 0 },
		{ EFI_MT_RT_CODE, 1, 0x1F5EC000, 256, EFI_MEMORY_RUNTIME | 0xF, 0 },
		{ EFI_MT_RT_DATA, 2, 0x1FEF4000, 132, EFI_MEMORY_RUNTIME | 0xF, 0 },
		{ EFI_MT_MMIO, 3, 0xFFC00000, 1024, EFI_MEMORY_RUNTIME | 1, 0 },
	};

	plan.base = HV_RT_WINDOW_DEFAULT;
	plan.layout = HV_RT_LAYOUT_OFFSET;
	plan.count = sizeof(r) / sizeof(r[0]);
	for (uint32_t i = 0; i < plan.count; i++) {
		plan.r[i] = r[i];
		plan.r[i].va = plan.base + r[i].pa;
	}
}

/* value is one of the table's service pointers outside runtime code. */
static int names_a_service(const uint8_t *table, uint64_t value)
{
	for (unsigned i = 0; i < RTTABLE_SERVICES; i++)
		if (ld64(table + RTTABLE_HEADER_BYTES + 8 * i) == value && !rtwin_find_code_va(&plan, value))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t table[RTTABLE_BYTES] = {0};
	uint64_t table_pa = 0, table_va = 0, detail = 0;
	uint32_t quirks = 0;
	const char *why;

	if (!plan.count)
		make_plan();
	if (size >= 8) {
		table_pa = ld64(data);
		data += 8, size -= 8;
	}
	memcpy(table, data, size < sizeof(table) ? size : sizeof(table));
	why = rttable_check(table, table_pa, &plan, &table_va, &detail, &quirks);
	CHECK((quirks & ~(1U << HV_QUIRK_SVAM_POINTERS_PHYSICAL)) == 0);
	if (why) {
		CHECK(*why);
		CHECK(detail == ld64(table) || detail == table_pa || names_a_service(table, detail));
		return 0;
	}
	const struct rt_region *home = rtwin_find_pa(&plan, table_pa);

	CHECK(ld64(table) == RTTABLE_SIGNATURE);
	CHECK(home && table_va == home->va + (table_pa - home->pa));
	for (unsigned i = 0; i < RTTABLE_SERVICES; i++) {
		uint64_t fn = ld64(table + RTTABLE_HEADER_BYTES + 8 * i);
		const struct rt_region *code = rtwin_find_code_va(&plan, fn);

		if (i == 4 || i == 5) {	/* SetVirtualAddressMap, ConvertPointer */
			if (!code)	/* left physical: recorded as the quirk */
				CHECK(quirks & (1U << HV_QUIRK_SVAM_POINTERS_PHYSICAL));
		} else {
			CHECK(code && code->type == EFI_MT_RT_CODE && fn - code->va < code->npages << 12);
		}
	}
	return 0;
}
