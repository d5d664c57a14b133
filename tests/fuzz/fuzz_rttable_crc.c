/* libFuzzer harness for rttable_crc_check (loader/rttable.c): a runtime
 * services table header as firmware left it, any HeaderSize. It must read
 * only the bytes it is given, and accept exactly the tables whose CRC32
 * over HeaderSize bytes, with the CRC32 field zero, is the one stored. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "loader/rttable.h"
#include "loader/crc32.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[4096];
	uint64_t detail = 0;
	const char *why = rttable_crc_check(data, size, &detail);
	uint32_t hs, stored;

	if (size < 24) {
		CHECK(why != NULL);
		return 0;
	}
	memcpy(&hs, data + 12, 4);
	memcpy(&stored, data + 16, 4);
	CHECK(detail == stored);
	if (hs < 24 || hs > size || hs > sizeof(copy)) {
		CHECK((why != NULL) == (hs < 24 || hs > size));
		return 0;
	}
	memcpy(copy, data, hs);
	memset(copy + 16, 0, 4);
	CHECK((why == NULL) == (crc32_update(0, copy, hs) == stored));
	return 0;
}
