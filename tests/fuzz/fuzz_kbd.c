/* libFuzzer harness for hv/kbd.c: the first byte picks the scan-code set,
 * the rest are controller bytes. Every output is one of the byte strings
 * kbd.h promises: a single ASCII byte (never ESC's sequences split), or
 * one of the seven escape sequences. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "hv/kbd.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static const char *const sequences[] = {
	"\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F", "\x1b[3~",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct kbd k;

	if (!len)
		return 0;
	kbd_init(&k, (data[0] & 1) ? KBD_SET2 : KBD_SET1);
	for (size_t i = 1; i < len; i++) {
		uint8_t out[KBD_OUT_MAX];
		size_t n = kbd_feed(&k, data[i], out);
		bool known = false;

		CHECK(n <= KBD_OUT_MAX);
		if (n == 1) {
			CHECK(out[0] < 0x80);
			continue;
		}
		for (size_t s = 0; s < sizeof(sequences) / sizeof(sequences[0]); s++)
			known = known || (n == strlen(sequences[s]) &&
					  memcmp(out, sequences[s], n) == 0);
		CHECK(n == 0 || known);
	}
	return 0;
}
