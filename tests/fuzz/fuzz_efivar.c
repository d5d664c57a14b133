/* libFuzzer harness for rt/efivar.c and rt/ucs2.c: the name, attribute and
 * data parsers a user's shell line reaches, and the formatters they feed.
 * Besides memory safety it checks the snprintf contract and round trips. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/efivar.h"
#include "rt/ucs2.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* Calls the formatter with caps 0..3, half, exact and one more: each result
 * must report the needed length, be NUL-terminated and be a prefix of the
 * whole text, and nothing may be written past cap (ASan: exact-size heap). */
#define CHECK_TRUNCATION(full, needed, call_with_buf_cap)                              \
	do {                                                                            \
		const size_t caps_[] = { 0, 1, 2, 3, (needed) / 2, (needed), (needed) + 1 }; \
		for (size_t i_ = 0; i_ < sizeof(caps_) / sizeof(caps_[0]); i_++) {      \
			size_t cap_ = caps_[i_], n_;                                    \
			char *buf = malloc(cap_ ? cap_ : 1);                            \
			CHECK(buf);                                                     \
			n_ = call_with_buf_cap;                                         \
			CHECK(n_ == (needed));                                          \
			if (cap_) {                                                     \
				size_t k_ = cap_ - 1 < (needed) ? cap_ - 1 : (needed);  \
				CHECK(buf[k_] == '\0');                                 \
				CHECK(memcmp(buf, full, k_) == 0);                      \
			}                                                               \
			free(buf);                                                      \
		}                                                                       \
	} while (0)

static void fuzz_name(const char *s, size_t len)
{
	struct efi_guid g, g2;
	uint16_t n16[EFIVAR_NAME16_CAP], n16b[EFIVAR_NAME16_CAP], small[8];
	char full[37 + 2 * EFIVAR_NAME16_CAP + 1];
	size_t needed;

	(void)efivar_name_parse(s, len, &g, small, sizeof(small) / sizeof(small[0]));
	if (efivar_name_parse(s, len, &g, n16, EFIVAR_NAME16_CAP))
		return;
	CHECK(n16[0] != 0);
	needed = efivar_name_format(&g, n16, EFIVAR_NAME16_CAP, full, sizeof(full));
	CHECK(needed < sizeof(full) && strlen(full) == needed);
	for (size_t i = 0; i < needed; i++)
		CHECK(full[i] >= 0x20 && full[i] <= 0x7E);
	CHECK_TRUNCATION(full, needed, efivar_name_format(&g, n16, EFIVAR_NAME16_CAP, buf, cap_));
	/* GUID-Name text of a name read back gives the same GUID and name
	 * (exact when the name was printable ASCII). */
	CHECK(efivar_name_parse(full, needed, &g2, n16b, EFIVAR_NAME16_CAP) == NULL);
	CHECK(efivar_guid_equal(&g, &g2));
	{
		size_t l1 = ucs2_len(n16, EFIVAR_NAME16_CAP), l2 = ucs2_len(n16b, EFIVAR_NAME16_CAP);
		int ascii = 1;
		for (size_t i = 0; i < l1; i++)
			ascii &= n16[i] >= 0x20 && n16[i] <= 0x7E;
		if (ascii)
			CHECK(l1 == l2 && ucs2_cmp(n16, n16b, EFIVAR_NAME16_CAP) == 0);
	}
}

static void fuzz_attrs(const char *s, size_t len)
{
	uint32_t a, back;
	char full[128];
	size_t needed;

	if (efivar_attrs_parse(s, len, &a))
		return;
	needed = efivar_attrs_format(a, full, sizeof(full));
	CHECK(needed < sizeof(full));
	CHECK_TRUNCATION(full, needed, efivar_attrs_format(a, buf, cap_));
	CHECK(efivar_attrs_parse(full, needed, &back) == NULL && back == a);
	for (uint32_t bit = 1; bit; bit <<= 1)
		CHECK((efivar_attr_name(bit) != NULL) == (bit <= EFI_VARIABLE_APPEND_WRITE));
}

static void fuzz_data(const char *s, size_t len)
{
	uint8_t *big = malloc(len * 2 + 8);
	uint8_t *tiny = malloc(3);
	size_t n = 0, n2 = 0;
	const char *err;

	CHECK(big && tiny);
	/* worst case: u"" turns each input byte into at most 2 output bytes + NUL */
	err = efivar_data_parse(s, len, big, len * 2 + 8, &n);
	CHECK(err == NULL || strcmp(err, "data too large") != 0);
	if (!err) {
		char full[EFIVAR_HEXDUMP_LINE];
		CHECK(n <= len * 2 + 8);
		for (size_t off = 0; off < n; off += 16) {
			size_t needed = efivar_hexdump_line(big, n, off, full, sizeof(full));
			CHECK(needed < sizeof(full) && strlen(full) == needed);
			CHECK(full[needed - 1] == '|' && full[60] == '|');
			CHECK_TRUNCATION(full, needed, efivar_hexdump_line(big, n, off, buf, cap_));
		}
	}
	/* with no room, the same input fails the same way or as too large */
	{
		const char *e2 = efivar_data_parse(s, len, tiny, 3, &n2);
		if (err)
			CHECK(e2 != NULL);
		else if (n <= 3)
			CHECK(e2 == NULL && n2 == n && memcmp(big, tiny, n) == 0);
		else
			CHECK(e2 != NULL && strcmp(e2, "data too large") == 0);
	}
	free(big);
	free(tiny);
}

static void fuzz_ucs2(const uint8_t *p, size_t len)
{
	char full[4 * 1024];
	size_t needed, units;
	uint16_t *u;

	if (len > 1024)
		return;
	needed = ucs2_bytes_to_utf8(p, len, full, sizeof(full));
	CHECK(needed < sizeof(full) && strlen(full) == needed);
	/* valid UTF-8 back to UTF-16 gives the input up to its NUL, except
	 * lone surrogates, which became U+FFFD */
	u = malloc((needed + 1) * sizeof(*u));
	CHECK(u);
	CHECK(ucs2_from_utf8(full, needed, u, needed + 1, &units) == NULL);
	free(u);
	needed = ucs2_bytes_to_ascii(p, len, full, sizeof(full));
	for (size_t i = 0; i < needed; i++)
		CHECK(full[i] >= 0x20 && full[i] <= 0x7E);
	CHECK_TRUNCATION(full, needed, ucs2_bytes_to_ascii(p, len, buf, cap_));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exact-size copy so any read past the end is an ASan error */
	char *s = malloc(size ? size : 1);
	struct efi_guid g;

	if (!s)
		return 0;
	memcpy(s, data, size);
	if (size >= 36)
		(void)efivar_guid_parse(s, 36, &g);
	fuzz_name(s, size);
	fuzz_attrs(s, size);
	fuzz_data(s, size);
	fuzz_ucs2(data, size);
	free(s);
	return 0;
}
