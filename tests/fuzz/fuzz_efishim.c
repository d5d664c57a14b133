/* libFuzzer harness for the guest's EFI shim (hv/vm/efi/shim_*.c): the
 * first bytes pick a service, the caller's buffer sizes and what the
 * "hypervisor" answers (status and every field of the reply, which a
 * hostile or buggy other side could set to anything); the rest is the
 * reply's bytes, or the map given to SetVirtualAddressMap. Whatever the
 * bytes: the shim hands the hypervisor only its own buffer, never writes
 * past the caller's buffers (each is allocated at exactly its declared
 * size, so ASan sees the first byte beyond), and what it reports keeps the
 * spec's promises (a size that fits on success, a larger one with
 * EFI_BUFFER_TOO_SMALL). A broken promise is a crash. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hv/vm/efi/shim.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

struct efishim_header efishim_header;
static struct efishim_data data_region;

static const uint8_t *reply;
static size_t reply_len;
static uint64_t reply_status;

static uint64_t take(const uint8_t **p, size_t *n, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

uint64_t efishim_hypercall(uint64_t fn, uint64_t gpa, uint64_t size)
{
	CHECK(gpa == efishim_header.data_gpa + offsetof(struct efishim_data, call));
	CHECK(size <= EFISHIM_CALL_BYTES);
	if (fn == HVCALL_RESET_SYSTEM)
		return 0;
	/* The reply overwrites the request from its start. */
	memcpy(data_region.call, reply, reply_len < size ? reply_len : size);
	return reply_status;
}

void efishim_halt(void)
{
	/* ResetSystem is not fuzzed: it ends the guest. */
	__builtin_trap();
}

static const uint64_t statuses[] = {
	EFI_SUCCESS, EFI_BUFFER_TOO_SMALL, EFI_NOT_FOUND, EFI_DEVICE_ERROR, EFI_INVALID_PARAMETER,
};

static void start(void)
{
	memset(&data_region, 0, sizeof(data_region));
	memset(&efishim_header, 0, sizeof(efishim_header));
	efishim_header.code_gpa = 0x100000;
	efishim_header.code_bytes = 0x1000;
	/* Guest-physical addresses the seeds can name; the data is reached
	 * through data_va, as after a SetVirtualAddressMap. */
	efishim_header.data_gpa = 0x200000;
	efishim_header.data_bytes = 0x20000;
	efishim_header.data_va = (uint64_t)(uintptr_t)&data_region;
	data_region.state.supported = 0x3FFF;
	data_region.systab.hdr.header_size = sizeof(data_region.systab);
	data_region.rt.hdr.header_size = sizeof(data_region.rt);
	for (int i = 0; i < RT_SVC_COUNT; i++)
		data_region.rt.fn[i] = 0x100000 + 0x80 + 8 * i;
}

static void fuzz_get_variable(uint64_t want, bool with_buffer)
{
	static const uint16_t name[] = u"Fuzz";
	uint8_t guid[16] = { 0 };
	uint8_t *buf = with_buffer ? malloc(want ? want : 1) : NULL;
	uint64_t size = want, st;
	uint32_t attrs;

	st = shim_get_variable(name, guid, &attrs, &size, buf);
	if (st == EFI_SUCCESS)
		CHECK(size <= want && (buf || size == 0));
	if (st == EFI_BUFFER_TOO_SMALL)
		CHECK(size > want);
	if (st != EFI_SUCCESS && st != EFI_BUFFER_TOO_SMALL)
		CHECK(size == want);
	free(buf);
}

static void fuzz_next_name(uint64_t cap, const uint8_t *in, size_t n)
{
	uint8_t *name = malloc(cap ? cap : 1);
	uint8_t guid[16] = { 0 };
	uint64_t size = cap, st;

	/* The caller's name: fuzz bytes, maybe without a NUL. */
	for (uint64_t i = 0; i < cap; i++)
		name[i] = i < n ? in[i] : 0;
	st = shim_get_next_variable_name(&size, (uint16_t *)name, guid);
	if (st == EFI_SUCCESS) {
		CHECK(size <= cap && size >= 2 && !(size & 1));
		CHECK(name[size - 2] == 0 && name[size - 1] == 0);
	}
	if (st == EFI_BUFFER_TOO_SMALL)
		CHECK(size > cap);
	free(name);
}

static void fuzz_svam(uint64_t desc_size, const uint8_t *in, size_t n)
{
	uint8_t *map = malloc(n ? n : 1);
	uint64_t before_va = efishim_header.data_va, st;
	struct efi_runtime_services64 rt_before = data_region.rt;

	memcpy(map, in, n);
	st = shim_set_virtual_address_map(n, desc_size, EFISHIM_DESC_VERSION, n ? map : NULL);
	if (st != EFI_SUCCESS) {
		CHECK(efishim_header.data_va == before_va);
		CHECK(!memcmp(&rt_before, &data_region.rt, sizeof(rt_before)));
		CHECK(!data_region.state.virtual_mode);
	} else {
		CHECK(data_region.state.virtual_mode);
		/* The new data_va is the fuzz bytes' own: reach the data where
		 * it really is for the second call. */
		efishim_header.data_va = before_va;
		CHECK(shim_set_virtual_address_map(n, desc_size, EFISHIM_DESC_VERSION, map) ==
		      EFI_UNSUPPORTED);
	}
	free(map);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	uint64_t sel, size, stat;

	start();
	sel = take(&in, &n, 1);
	size = take(&in, &n, 3) % (128 * 1024);
	stat = take(&in, &n, 1);
	reply_status = statuses[stat % (sizeof(statuses) / sizeof(statuses[0]))];
	reply = in;
	reply_len = n;

	switch (sel % 6) {
	case 0:
		fuzz_get_variable(size, !(stat & 0x80));
		break;
	case 1:
		fuzz_next_name(size % 4096, in, n);
		break;
	case 2: {
		uint8_t guid[16] = { 0 };
		uint8_t *buf = malloc(size ? size : 1);

		memset(buf, 0x5A, size);
		shim_set_variable(u"Fuzz", guid, 7, size, buf);
		free(buf);
		break;
	}
	case 3: {
		uint64_t a, b, c;

		shim_query_variable_info(7, &a, &b, &c);
		break;
	}
	case 4: {
		uint8_t *t = malloc(16), *cap = malloc(12);

		shim_get_time(t, cap);
		free(t);
		free(cap);
		break;
	}
	default:
		/* A map whose descriptors name the shim's regions half of the
		 * time: 48-byte descriptors; the fuzz bytes decide the rest. */
		fuzz_svam(size & 1 ? 48 : size % 64, in, n);
		break;
	}
	return 0;
}
