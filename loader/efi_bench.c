/* Bench builds only (-DHVBOOT_BENCH, build/bench/BOOTX64.EFI): the native
 * cost of the runtime services the hypervisor's `rtbench` times, called
 * the ordinary way — through gST->RuntimeServices, in physical mode,
 * before ExitBootServices. One warm-up call each, then one timed call; the
 * cycles go to bi->bench_native[] for the hypervisor to print beside its
 * own. Under QEMU -icount shift=0 a cycle is a guest instruction. */
#include "efi_boot.h"

#ifdef HVBOOT_BENCH

/* The bench variable: a private GUID, NV|BS|RT, 16 bytes. The same name,
 * GUID and data layout as hv/cmd_bench.c, so both sides make one call. */
static EFI_GUID bench_guid = { 0x5c8d3f2a, 0x7b41, 0x4e96,
			       { 0xa0, 0xd3, 0x9f, 0x1e, 0x6b, 0x2c, 0x4a, 0x87 } };
#define BENCH_VAR_NAME	L"HvbootBench"
#define BENCH_VAR_ATTRS	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
			 EFI_VARIABLE_RUNTIME_ACCESS)

/* "hvbench\0" then a counter: every write carries new data, so each one
 * reaches the flash (EDK2 skips a write that changes nothing). */
static void bench_data(UINT8 data[16], uint64_t counter)
{
	static const char magic[8] = "hvbench";

	for (int i = 0; i < 8; i++) {
		data[i] = (UINT8)magic[i];
		data[8 + i] = (UINT8)(counter >> (8 * i));
	}
}

/* Cycles of one call, or 0 (not measured) if it failed. Counted as
 * firmware time like every FW() call, so the bench loader's own figure
 * stays that of the normal loader. */
#define TIMED(out, call) do {						\
		uint64_t _t0 = cpu_rdtsc();					\
		EFI_STATUS _st = (call);				\
		uint64_t _dt = cpu_rdtsc() - _t0;				\
		boot_fw_tsc += _dt;					\
		(out) = EFI_ERROR(_st) ? 0 : _dt;			\
	} while (0)

void efi_bench_native(struct boot *b)
{
	EFI_RUNTIME_SERVICES *rt = b->st->RuntimeServices;
	uint64_t *out = b->bi->bench_native;
	UINT8 buf[256], data[16];
	UINT32 attrs;
	UINTN size;
	UINT64 max_storage, remaining, max_var;
	EFI_TIME now;
	uint64_t dt;

	for (int pass = 0; pass < 2; pass++) {		/* 0: warm-up, 1: timed */
		size = sizeof(buf);
		TIMED(dt, uefi_call_wrapper(rt->GetVariable, 5, L"BootOrder", &EfiGlobalVariable,
					    &attrs, &size, buf));
		out[HV_BENCH_GET_VARIABLE] = dt;

		bench_data(data, (uint64_t)pass);
		TIMED(dt, uefi_call_wrapper(rt->SetVariable, 5, BENCH_VAR_NAME, &bench_guid,
					    BENCH_VAR_ATTRS, sizeof(data), data));
		out[HV_BENCH_SET_VARIABLE] = dt;

		TIMED(dt, uefi_call_wrapper(rt->GetTime, 2, &now, NULL));
		out[HV_BENCH_GET_TIME] = dt;

		TIMED(dt, uefi_call_wrapper(rt->QueryVariableInfo, 4, BENCH_VAR_ATTRS, &max_storage,
					    &remaining, &max_var));
		out[HV_BENCH_QUERY_VARIABLE_INFO] = dt;
	}
}

#endif
