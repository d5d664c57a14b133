/* libFuzzer harness for rt/devpath.c: an EFI_LOAD_OPTION as a Boot####
 * variable holds it, then its FilePathList, then the input as a bare
 * device path. Besides memory safety it checks the snprintf contract, that
 * the text is printable ASCII, and that the option's parts tile the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/devpath.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void text_checked(const uint8_t *dp, size_t len)
{
	size_t needed = 0, again = 0;
	const char *err = devpath_to_text(dp, len, NULL, 0, &needed);
	char *full = malloc(needed + 1);
	const size_t caps[] = { 1, 2, needed / 2, needed, needed + 1 };

	CHECK(full);
	CHECK(devpath_to_text(dp, len, full, needed + 1, &again) == err);
	CHECK(again == needed && strlen(full) == needed);
	for (size_t i = 0; i < needed; i++)
		CHECK(full[i] >= 0x20 && full[i] <= 0x7E);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t cap = caps[i], k;
		char *buf;

		if (cap == 0) /* cap 0 is checked with NULL above */
			continue;
		k = cap - 1 < needed ? cap - 1 : needed;
		buf = malloc(cap); /* exact size: ASan sees any write past cap */
		CHECK(buf);
		CHECK(devpath_to_text(dp, len, buf, cap, &again) == err && again == needed);
		CHECK(buf[k] == '\0' && memcmp(buf, full, k) == 0);
		free(buf);
	}
	free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact size for ASan */
	struct efi_load_option lo;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (devpath_load_option_parse(copy, size, &lo) == NULL) {
		CHECK(lo.desc_off == 6 && lo.desc_off + lo.desc_len + 2 == lo.path_off);
		CHECK(lo.path_off + lo.path_len == lo.opt_off && lo.opt_off + lo.opt_len == size);
		CHECK(strlen(lo.description) < DEVPATH_DESC_MAX);
		CHECK(strlen(lo.description) <= lo.description_needed);
		text_checked(copy + lo.path_off, lo.path_len);
	}
	text_checked(copy, size);
	free(copy);
	return 0;
}
