/* libFuzzer: the shell's `set` data with a repeat count and `time set`
 * dates (rt/rtfmt.c). Checks: output within cap, a parsed date formats and
 * parses back to the same time. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>

#include "rt/rtfmt.h"

/* `boot order` text: what is accepted has no duplicate, fits, and reads
 * back the same after BootOrder's bytes and its printed form. */
static void boot_order_roundtrip(const char *s)
{
	uint16_t order[8], again[8];
	uint8_t bytes[16];
	char text[64];
	size_t n, m, bad;

	if (rtfmt_boot_order_parse(s, order, 8, &n, &bad)) {
		if (bad > 8 || n != 0)
			abort();
		return;
	}
	if (n == 0 || n > 8)
		abort();
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (order[i] == order[j])
				abort();
	rtfmt_boot_order_format(bytes, rtfmt_boot_order_store(order, n, bytes), text, sizeof(text));
	if (rtfmt_boot_order_parse(text, again, 8, &m, &bad) || m != n ||
	    memcmp(order, again, n * sizeof(order[0])))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[4096];
	char s[512], date[64], tm[64], text[64];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1, len = 0;
	struct efi_time t, back;

	memcpy(s, data, n);
	s[n] = 0;
	if (!rtfmt_data_parse(s, n, out, sizeof(out), &len) && len > sizeof(out))
		abort();
	boot_order_roundtrip(s);

	/* "DATE TIME": split at the first space, both NUL-terminated. */
	char *sp = memchr(s, ' ', n);
	size_t dl = sp ? (size_t)(sp - s) : n;

	if (dl >= sizeof(date) || (sp && strlen(sp + 1) >= sizeof(tm)))
		return 0;
	memcpy(date, s, dl);
	date[dl] = 0;
	strcpy(tm, sp ? sp + 1 : "");
	memset(&t, 0, sizeof(t));
	if (rtfmt_time_parse(date, tm, &t))
		return 0;
	if (rtfmt_time_check(&t))
		abort();		/* parse accepted what check refuses */
	rtfmt_time_format(&t, text, sizeof(text));
	char *sp2 = strchr(text, ' ');

	if (!sp2)
		abort();
	*sp2 = 0;
	memset(&back, 0, sizeof(back));
	if (rtfmt_time_parse(text, sp2 + 1, &back) || rtfmt_time_seconds(&back) != rtfmt_time_seconds(&t))
		abort();
	return 0;
}
