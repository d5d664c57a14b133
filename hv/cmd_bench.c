/* rtbench [N]: what a runtime call costs from the hypervisor (`make bench`).
 *
 * N calls each of GetVariable(BootOrder), SetVariable of a private bench
 * variable (NV|BS|RT, 16 bytes, new data every call so each write reaches
 * the flash), GetTime and QueryVariableInfo, each timed with RDTSC around
 * the rt_* call — the whole path: checks, bounce buffers, the switch to
 * the runtime stack. Prints the median per service, the median of the part
 * spent inside firmware (rt_stats.last_cycles), and the loader's native
 * figure for the same call when it is a bench build (bi->bench_native[],
 * loader/efi_bench.c). Under QEMU -icount shift=0 cycles are instructions. */
#include "hv.h"

#include "rtcmd.h"
#include "cpu.h"
#include "loader/fmt.h"
#include "kprintf.h"
#include "lib.h"
#include "rt/rt.h"
#include "shell.h"

#define RTBENCH_DEFAULT	101
#define RTBENCH_MAX	1001

/* The same variable as loader/efi_bench.c. */
static const struct efi_guid bench_guid = { 0x5c8d3f2a, 0x7b41, 0x4e96,
					    { 0xa0, 0xd3, 0x9f, 0x1e, 0x6b, 0x2c, 0x4a, 0x87 } };
static const uint16_t bench_name[] = u"HvbootBench";
static const uint16_t boot_order[] = u"BootOrder";
#define BENCH_VAR_ATTRS	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
			 EFI_VARIABLE_RUNTIME_ACCESS)

static const struct {
	enum rt_svc svc;
	enum hv_bench_call native;
} benched[] = {
	{ RT_GET_VARIABLE, HV_BENCH_GET_VARIABLE },
	{ RT_GET_TIME, HV_BENCH_GET_TIME },
	{ RT_QUERY_VARIABLE_INFO, HV_BENCH_QUERY_VARIABLE_INFO },
	{ RT_SET_VARIABLE, HV_BENCH_SET_VARIABLE },	/* last: see cmd_rtbench */
};
#define NBENCHED	(sizeof(benched) / sizeof(benched[0]))

static uint64_t total[NBENCHED][RTBENCH_MAX];	/* cycles around the rt_* call */
static uint64_t in_fw[NBENCHED][RTBENCH_MAX];	/* of which inside firmware */
static uint8_t var_buf[256];

/* "hvbench\0" then a counter, as loader/efi_bench.c writes it; the
 * loader used 0 and 1, so the hypervisor's writes all change the data. */
static void bench_data(uint8_t data[16], uint64_t counter)
{
	static const char magic[8] = "hvbench";

	for (int i = 0; i < 8; i++) {
		data[i] = (uint8_t)magic[i];
		data[8 + i] = (uint8_t)(counter >> (8 * i));
	}
}

static efi_status_t call_one(unsigned k, uint64_t i)
{
	struct efi_time t;
	uint64_t max_storage, remaining, max_var;
	uint8_t data[16];
	size_t size;

	switch (benched[k].svc) {
	case RT_GET_VARIABLE:
		size = sizeof(var_buf);
		return rt_get_variable(boot_order, &EFI_GLOBAL_VARIABLE_GUID, NULL, var_buf, &size);
	case RT_SET_VARIABLE:
		bench_data(data, 2 + i);
		return rt_set_variable(bench_name, &bench_guid, BENCH_VAR_ATTRS, data, sizeof(data));
	case RT_GET_TIME:
		return rt_get_time(&t, NULL);
	default:
		return rt_query_variable_info(BENCH_VAR_ATTRS, &max_storage, &remaining, &max_var);
	}
}

/* Median by insertion sort: N <= 1001. */
static uint64_t median(uint64_t *v, uint64_t n)
{
	for (uint64_t i = 1; i < n; i++) {
		uint64_t x = v[i], j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool parse_count(const char *s, uint64_t *n)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > RTBENCH_MAX)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*n = v;
	return v >= 1 && v <= RTBENCH_MAX;
}

static void print_ratio(uint64_t hv, uint64_t native)
{
	if (!native) {
		kprintf("%10s\n", "-");
		return;
	}
	uint64_t milli = (hv * 1000 + native / 2) / native;

	kprintf("%6lu.%03lu\n", milli / 1000, milli % 1000);
}

static int cmd_rtbench(int argc, char **argv)
{
	uint64_t n = RTBENCH_DEFAULT;

	if (argc > 2 || (argc == 2 && !parse_count(argv[1], &n)))
		return shell_error("usage: rtbench [N] (N calls of each service, 1..%d)", RTBENCH_MAX);
	for (unsigned k = 0; k < NBENCHED; k++)
		if (!rtcmd_usable(benched[k].svc))
			return 1;
	/* One service at a time, SetVariable last: every write appends a
	 * record to the variable store (the old one is only marked deleted)
	 * and EDK2's QueryVariableInfo and variable lookups walk the store, so
	 * calls made after the writes would be timed on a longer store than
	 * the loader's were. */
	for (unsigned k = 0; k < NBENCHED; k++) {
		for (uint64_t i = 0; i < n; i++) {
			uint64_t t0 = cpu_rdtsc();
			efi_status_t st = call_one(k, i);

			total[k][i] = cpu_rdtsc() - t0;
			in_fw[k][i] = rt_get_stats()->last_cycles[benched[k].svc];
			if (st != EFI_SUCCESS) {
				char what[48];

				fmt_snprintf(what, sizeof(what), "%s failed on call %lu",
					     rt_svc_name(benched[k].svc), i + 1);
				return rtcmd_fail(what, st);
			}
		}
	}
	kprintf("rtbench: %lu calls each, median cycles per call\n", n);
	kprintf("%-20s %12s %12s %12s %10s\n", "service", "hv", "in firmware", "native",
		"hv/native");
	for (unsigned k = 0; k < NBENCHED; k++) {
		uint64_t hv = median(total[k], n), fw = median(in_fw[k], n);
		uint64_t native = hv_bi->bench_native[benched[k].native];

		kprintf("%-20s %12lu %12lu ", rt_svc_name(benched[k].svc), hv, fw);
		if (native)
			kprintf("%12lu ", native);
		else
			kprintf("%12s ", "-");
		print_ratio(hv, native);
	}
	return 0;
}

SHELL_CMD(rtbench, "rtbench", "[N]",
	  "time N runtime calls of each benched service (median cycles; make bench)", cmd_rtbench);
