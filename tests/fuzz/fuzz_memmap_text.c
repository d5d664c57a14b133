/* libFuzzer harness for the text format of loader/memmap.c (README: Memory maps as text): any bytes,
 * split at '\n', into memmap_parse_line. A refused line has a reason; an
 * empty one has nothing but blanks before '#'; an accepted one formats to
 * a line that parses back to the same descriptor and formats the same
 * again, and truncates like snprintf. The first token also goes, as raw
 * bytes (NULs included), to memmap_type_parse. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "efi_mem.h"
#include "loader/memmap.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void check_type_token(const char *s, size_t len)
{
	uint32_t t = 0xDEADBEEF;
	const char *name;

	if (!memmap_type_parse(s, len, &t))
		return;
	name = memmap_type_name(t);
	if (name && strlen(name) == len && !memcmp(name, s, len))
		return;
	/* Otherwise it was a 0x number that fits 32 bits. */
	uint64_t v = 0;

	CHECK(len >= 3 && len <= 18 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'));
	for (size_t i = 2; i < len; i++) {
		CHECK(is_hex(s[i]));
		v = (v << 4) | (uint64_t)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	}
	CHECK(v == t);
}

static void check_line(const char *s, size_t len)
{
	struct efi_mdesc d, d2;
	bool empty = true, empty2 = true;
	const char *why = memmap_parse_line(s, len, &d, &empty);
	char buf[128], again[128], small[128];
	size_t n;

	if (why) {
		CHECK(why[0] != '\0' && !empty);
		return;
	}
	if (empty) {
		for (size_t k = 0; k < len && s[k] != '#'; k++)
			CHECK(s[k] == ' ' || s[k] == '\t' || s[k] == '\r');
		return;
	}
	/* Any PHYS_START parses: memmap_normalize rounds an unaligned one. */
	CHECK(d.pad == 0 && d.va == 0);
	CHECK(d.npages <= (UINT64_MAX >> EFI_PAGE_SHIFT));
	CHECK(!d.npages || d.pa + ((d.npages << EFI_PAGE_SHIFT) - 1) >= d.pa);

	n = memmap_format_line(&d, buf, sizeof(buf));
	CHECK(n < sizeof(buf) && strlen(buf) == n);
	CHECK(memmap_parse_line(buf, n, &d2, &empty2) == NULL && !empty2);
	CHECK(!memcmp(&d, &d2, sizeof(d)));
	CHECK(memmap_format_line(&d2, again, sizeof(again)) == n && !memcmp(buf, again, n + 1));

	/* Truncation: the same length returned, a NUL-terminated prefix, and
	 * not one byte written past cap. */
	size_t caps[6] = { 0, 1, 2, n / 2, n, n + 1 };

	for (int i = 0; i < 6; i++) {
		size_t cap = caps[i];

		memset(small, 'Z', sizeof(small));
		CHECK(memmap_format_line(&d, small, cap) == n);
		if (cap == 0) {
			CHECK(small[0] == 'Z');
			continue;
		}
		size_t got = strlen(small);

		CHECK(got == (n < cap - 1 ? n : cap - 1));
		CHECK(!memcmp(small, buf, got));
		CHECK(small[cap] == 'Z');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t tok = 0, pos = 0;
	int lines = 0;

	while (tok < size && tok < 64 && text[tok] != ' ' && text[tok] != '\n')
		tok++;
	check_type_token(text, tok);

	while (pos <= size && lines++ < 1024) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;

		check_line(text + pos, len);
		pos += len + 1;
	}
	return 0;
}
