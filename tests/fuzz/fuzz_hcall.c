/* libFuzzer harness for hv/vm/hcall.c: the first 24 bytes pick the function,
 * the request's gpa and size; the rest is guest memory. Whatever the
 * bytes, every pointer a service gets must lie inside guest memory with
 * the sizes it is told, and a request not wholly inside memory must never
 * reach a service. A broken promise is a crash. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "hv/vm/hcall.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static uint8_t *mem;
static uint64_t mem_bytes;

static void check_inside(const void *p, uint64_t n)
{
	const uint8_t *b = p;

	CHECK(b >= mem && (uint64_t)(b - mem) <= mem_bytes && n <= mem_bytes - (uint64_t)(b - mem));
}

static void check_name(const uint16_t *name)
{
	size_t i;

	for (i = 0; i < RT_NAME_MAX / 2 && name[i]; i++)
		;
	CHECK(i < RT_NAME_MAX / 2);
}

static efi_status_t f_get(const uint16_t *name, const struct efi_guid *guid, uint32_t *attrs,
			  void *data, size_t *size)
{
	(void)guid;
	check_name(name);
	CHECK(*size <= RT_DATA_MAX);
	check_inside(data, *size);
	memset(data, 0xA5, *size);
	*attrs = 7;
	return 0;
}

static efi_status_t f_next(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	(void)guid;
	check_name(name);
	CHECK(cap == RT_NAME_MAX / 2);
	name[0] = 'X';
	name[1] = 0;
	return 0;
}

static efi_status_t f_set(const uint16_t *name, const struct efi_guid *guid, uint32_t attrs,
			  const void *data, size_t size)
{
	(void)guid; (void)attrs;
	check_name(name);
	CHECK(size <= RT_DATA_MAX);
	check_inside(data, size);
	return 0;
}

static efi_status_t f_query(uint32_t attrs, uint64_t *a, uint64_t *b, uint64_t *c)
{
	(void)attrs;
	*a = *b = *c = 1;
	return 0;
}

static efi_status_t f_time(struct efi_time *t, struct efi_time_cap *cap)
{
	memset(t, 1, sizeof(*t));
	memset(cap, 1, sizeof(*cap));
	return 0;
}

static const struct hcall_services svc = { f_get, f_next, f_set, f_query, f_time };

static uint64_t ld(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hcall_env env;
	uint64_t fn, gpa, len;
	static uint8_t buf[1 << 16];

	if (size < 24)
		return 0;
	fn = ld(data) % 8;
	gpa = ld(data + 8);
	len = ld(data + 16);
	mem_bytes = size - 24 < sizeof(buf) ? size - 24 : sizeof(buf);
	if (mem_bytes == 0)
		return 0;
	memcpy(buf, data + 24, mem_bytes);
	mem = buf;
	env = (struct hcall_env){ buf, mem_bytes,
				  { (uint32_t)(data[0] >> 4) % 3, EFI_GLOBAL_VARIABLE_GUID }, &svc };
	if (data[1] & 1)
		memcpy(&env.policy.guid, buf, mem_bytes < 16 ? mem_bytes : 16);
	env.nv_written_bytes = data[2] & 1 ? HCALL_NV_BUDGET_BYTES - data[3] : 0;
	(void)hcall_dispatch(&env, fn, gpa, len);
	CHECK(env.nv_written_bytes <= HCALL_NV_BUDGET_BYTES);
	/* Outside memory: never touched (the bytes past mem_bytes stay as
	 * they were, since memcpy above copied only mem_bytes). */
	if (!hcall_range_ok(mem_bytes, gpa, len) && fn != HVCALL_VERSION)
		CHECK(memcmp(buf, data + 24, mem_bytes) == 0);
	return 0;
}
