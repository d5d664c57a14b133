/* libFuzzer: the shell's `set` data with a repeat count and `time set`
 * dates (rt/rtfmt.c). Checks: output within cap, a parsed date formats and
 * parses back to the same time. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>

#include "rt/rtfmt.h"

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
