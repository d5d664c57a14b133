/* Host tests for rt/efivar.c: GUIDs, names, attributes, data, hex dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/efivar.h"

#define CANARY 0xA5
#define GLOBAL "8be4df61-93ca-11d2-aa0d-00e098032b8c"

/* ---- helpers */

static const char *parse_name(const char *s, struct efi_guid *g, uint16_t *n16)
{
	return efivar_name_parse(s, strlen(s), g, n16, EFIVAR_NAME16_CAP);
}

static void assert_name16(const uint16_t *n16, const char *ascii)
{
	size_t i = 0;

	for (; ascii[i]; i++)
		assert_int_equal(n16[i], (uint8_t)ascii[i]);
	assert_int_equal(n16[i], 0);
}

static const char *parse_attrs(const char *s, uint32_t *out)
{
	return efivar_attrs_parse(s, strlen(s), out);
}

static uint8_t data[4096];
static size_t data_len;

static const char *parse_data(const char *s)
{
	memset(data, CANARY, sizeof(data));
	data_len = 12345;
	return efivar_data_parse(s, strlen(s), data, sizeof(data), &data_len);
}

/* ---- GUIDs */

static void test_efivar_guid_formats_global_guid_lower_case(void **state)
{
	char buf[EFIVAR_GUID_TEXT];
	(void)state;
	efivar_guid_format(&EFI_GLOBAL_VARIABLE_GUID, buf);
	assert_string_equal(buf, GLOBAL);
}

static void test_efivar_guid_parse_round_trips(void **state)
{
	static const char *const texts[] = {
		GLOBAL,
		"00000000-0000-0000-0000-000000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff",
		"605dab50-e046-4300-abb6-3dd810dd8b23",
	};
	struct efi_guid g;
	char buf[EFIVAR_GUID_TEXT];
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_null(efivar_guid_parse(texts[i], 36, &g));
		efivar_guid_format(&g, buf);
		assert_string_equal(buf, texts[i]);
	}
}

static void test_efivar_guid_parse_accepts_upper_case(void **state)
{
	struct efi_guid g;
	(void)state;
	assert_null(efivar_guid_parse("8BE4DF61-93CA-11D2-AA0D-00E098032B8C", 36, &g));
	assert_true(efivar_guid_equal(&g, &EFI_GLOBAL_VARIABLE_GUID));
	assert_int_equal(g.d1, 0x8be4df61);
	assert_int_equal(g.d2, 0x93ca);
	assert_int_equal(g.d3, 0x11d2);
	assert_int_equal(g.d4[0], 0xaa);
	assert_int_equal(g.d4[7], 0x8c);
}

static void test_efivar_guid_parse_rejects_malformed(void **state)
{
	static const char *const bad[] = {
		"8be4df61-93ca-11d2-aa0d-00e098032b8",	 /* short */
		"8be4df61-93ca-11d2-aa0d-00e098032b8cc", /* long */
		"8be4df61+93ca-11d2-aa0d-00e098032b8c",	 /* separator */
		"8be4df61-93ca-11d2-aa0d00-e098032b8c",	 /* hyphen moved */
		"8be4df6g-93ca-11d2-aa0d-00e098032b8c",	 /* not hex */
		"8be4df61-93ca-11d2-aa0d-00e098032b8 ",
		"8be4df61-93ca-11d2-a-0d-00e098032b8c",
	};
	struct efi_guid g = { 1, 2, 3, { 4 } };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(efivar_guid_parse(bad[i], strlen(bad[i]), &g),
				    "malformed GUID");
	assert_int_equal(g.d1, 1); /* untouched on failure */
}

static void test_efivar_guid_load_store_match_efi_layout(void **state)
{
	static const uint8_t raw[17] = { 0, 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
					 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
	struct efi_guid g;
	uint8_t out[16];
	(void)state;
	efivar_guid_load(raw + 1, &g); /* unaligned */
	assert_true(efivar_guid_equal(&g, &EFI_GLOBAL_VARIABLE_GUID));
	efivar_guid_store(&g, out);
	assert_memory_equal(out, raw + 1, 16);
}

static void test_efivar_guid_equal_compares_every_field(void **state)
{
	struct efi_guid a = EFI_GLOBAL_VARIABLE_GUID, b;
	(void)state;
	assert_true(efivar_guid_equal(&a, &EFI_GLOBAL_VARIABLE_GUID));
	b = a, b.d1 ^= 1;
	assert_false(efivar_guid_equal(&a, &b));
	b = a, b.d3 ^= 1;
	assert_false(efivar_guid_equal(&a, &b));
	b = a, b.d4[7] ^= 1;
	assert_false(efivar_guid_equal(&a, &b));
}

/* ---- names */

static void test_efivar_name_parses_guid_dash_name(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	char buf[EFIVAR_GUID_TEXT];
	(void)state;
	assert_null(parse_name("605dab50-e046-4300-abb6-3dd810dd8b23-SbatLevel", &g, n16));
	efivar_guid_format(&g, buf);
	assert_string_equal(buf, "605dab50-e046-4300-abb6-3dd810dd8b23");
	assert_name16(n16, "SbatLevel");
}

static void test_efivar_name_bare_name_means_global_guid(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_null(parse_name("BootOrder", &g, n16));
	assert_true(efivar_guid_equal(&g, &EFI_GLOBAL_VARIABLE_GUID));
	assert_name16(n16, "BootOrder");
	/* a name with dashes that is not GUID-shaped is still a bare name */
	assert_null(parse_name("my-var-1", &g, n16));
	assert_name16(n16, "my-var-1");
}

static void test_efivar_name_parses_efivarfs_name_dash_guid(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_null(parse_name("Boot0001-" GLOBAL, &g, n16));
	assert_true(efivar_guid_equal(&g, &EFI_GLOBAL_VARIABLE_GUID));
	assert_name16(n16, "Boot0001");
	assert_string_equal(parse_name("-" GLOBAL, &g, n16), "empty variable name");
}

static void test_efivar_name_guid_dash_name_wins_over_name_dash_guid(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_null(parse_name("605dab50-e046-4300-abb6-3dd810dd8b23-" GLOBAL, &g, n16));
	assert_int_equal(g.d1, 0x605dab50);
	assert_name16(n16, GLOBAL);
}

static void test_efivar_name_rejects_malformed_guid_prefix(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_string_equal(parse_name("8be4df61-93ca-11d2-aa0d-00e098032b8-BootOrder", &g, n16),
			    "malformed GUID");
	assert_string_equal(parse_name("8be4df61-93ca-11d2-aa0d-00e098032bXc-BootOrder", &g, n16),
			    "malformed GUID");
	assert_string_equal(parse_name(GLOBAL "_BootOrder", &g, n16), "malformed GUID");
	assert_string_equal(parse_name("8be4df61-93ca", &g, n16), "malformed GUID");
}

static void test_efivar_name_rejects_empty_name(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_string_equal(parse_name("", &g, n16), "empty variable name");
	assert_string_equal(parse_name(GLOBAL, &g, n16), "empty variable name");
	assert_string_equal(parse_name(GLOBAL "-", &g, n16), "empty variable name");
}

static void test_efivar_name_accepts_512_chars_rejects_513(void **state)
{
	static char s[37 + 514];
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	memcpy(s, GLOBAL "-", 37);
	memset(s + 37, 'x', 512);
	assert_null(efivar_name_parse(s, 37 + 512, &g, n16, EFIVAR_NAME16_CAP));
	assert_int_equal(n16[511], 'x');
	assert_int_equal(n16[512], 0);
	s[37 + 512] = 'x';
	assert_string_equal(efivar_name_parse(s, 37 + 513, &g, n16, EFIVAR_NAME16_CAP),
			    "variable name too long");
	/* 512 characters that each need a surrogate pair still fit */
	for (size_t i = 0; i < 128; i++)
		memcpy(s + 4 * i, "\xF0\x9F\x98\x80", 4);
	assert_null(efivar_name_parse(s, 512, &g, n16, EFIVAR_NAME16_CAP));
	assert_int_equal(n16[0], 0xD83D);
	assert_int_equal(n16[256], 0);
}

static void test_efivar_name_rejects_non_printable(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_string_equal(parse_name("Boot\t1", &g, n16),
			    "non-printable character in variable name");
	assert_string_equal(parse_name("Boot\x7f", &g, n16),
			    "non-printable character in variable name");
	assert_string_equal(parse_name("Boot\xC2\x85", &g, n16), /* U+0085, C1 */
			    "non-printable character in variable name");
	assert_string_equal(efivar_name_parse("a\0b", 3, &g, n16, EFIVAR_NAME16_CAP),
			    "non-printable character in variable name");
}

static void test_efivar_name_decodes_utf8(void **state)
{
	struct efi_guid g;
	uint16_t n16[EFIVAR_NAME16_CAP];
	(void)state;
	assert_null(parse_name("Caf\xC3\xA9", &g, n16));
	assert_int_equal(n16[3], 0xE9);
	assert_int_equal(n16[4], 0);
	assert_string_equal(parse_name("Caf\xE9", &g, n16), "invalid UTF-8 in variable name");
}

static void test_efivar_name_reports_small_buffer(void **state)
{
	struct efi_guid g;
	uint16_t n16[5] = { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF };
	(void)state;
	assert_string_equal(efivar_name_parse("Boot", 4, &g, n16, 4), "name buffer too small");
	assert_null(efivar_name_parse("Boot", 4, &g, n16, 5));
	assert_string_equal(efivar_name_parse("Boot", 4, &g, NULL, 0), "name buffer too small");
}

static void test_efivar_name_format_prints_guid_dash_name(void **state)
{
	static const uint16_t name[] = { 'B', 'o', 'o', 't', 'O', 'r', 'd', 'e', 'r', 0 };
	static const uint16_t odd[] = { 'X', 0xE9, '\n', 0 };
	char buf[64];
	(void)state;
	assert_int_equal(efivar_name_format(&EFI_GLOBAL_VARIABLE_GUID, name, 64, buf, sizeof(buf)),
			 46);
	assert_string_equal(buf, GLOBAL "-BootOrder");
	assert_int_equal(efivar_name_format(&EFI_GLOBAL_VARIABLE_GUID, odd, 4, buf, sizeof(buf)),
			 40);
	assert_string_equal(buf, GLOBAL "-X??");
}

static void test_efivar_name_format_truncates_safely(void **state)
{
	static const uint16_t name[] = { 'B', 'o', 'o', 't', 0 };
	static const size_t caps[] = { 0, 1, 10, 36, 37, 38, 40, 41, 42 };
	char buf[64];
	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t cap = caps[i];
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(efivar_name_format(&EFI_GLOBAL_VARIABLE_GUID, name, 5, buf, cap),
				 41);
		for (size_t k = cap; k < sizeof(buf); k++)
			assert_int_equal((uint8_t)buf[k], CANARY);
		if (cap) {
			size_t n = cap - 1 < 41 ? cap - 1 : 41;
			assert_int_equal(strlen(buf), n);
			assert_memory_equal(buf, GLOBAL "-Boot", n);
		}
	}
}

/* ---- attributes */

static void test_efivar_attrs_parse_short_names(void **state)
{
	uint32_t a = 0;
	(void)state;
	assert_null(parse_attrs("nv,bs,rt", &a));
	assert_int_equal(a, 0x7);
	assert_null(parse_attrs("NV,Bs,rT,hr,at,tat,ap", &a));
	assert_int_equal(a, 0x7F);
	assert_null(parse_attrs("bs", &a));
	assert_int_equal(a, EFI_VARIABLE_BOOTSERVICE_ACCESS);
	assert_null(parse_attrs(" nv , rt ", &a));
	assert_int_equal(a, 0x5);
}

static void test_efivar_attrs_parse_long_and_spec_names(void **state)
{
	uint32_t a = 0;
	(void)state;
	assert_null(parse_attrs("non-volatile,bootservice-access,runtime-access", &a));
	assert_int_equal(a, 0x7);
	assert_null(parse_attrs("hardware_error_record,authenticated-write-access", &a));
	assert_int_equal(a, 0x18);
	assert_null(parse_attrs("time-based-authenticated-write-access,Append-Write", &a));
	assert_int_equal(a, 0x60);
	assert_null(parse_attrs("EFI_VARIABLE_NON_VOLATILE,efi_variable_append_write", &a));
	assert_int_equal(a, 0x41);
}

static void test_efivar_attrs_parse_numbers(void **state)
{
	uint32_t a = 0;
	(void)state;
	assert_null(parse_attrs("0x7", &a));
	assert_int_equal(a, 7);
	assert_null(parse_attrs("0X47", &a));
	assert_int_equal(a, 0x47);
	assert_null(parse_attrs("7", &a));
	assert_int_equal(a, 7);
	assert_null(parse_attrs("0", &a));
	assert_int_equal(a, 0);
	assert_null(parse_attrs("4294967295", &a));
	assert_int_equal(a, 0xFFFFFFFFu);
	assert_null(parse_attrs("0xffffffff", &a));
	assert_int_equal(a, 0xFFFFFFFFu);
	assert_null(parse_attrs("nv,0x40", &a));
	assert_int_equal(a, 0x41);
}

static void test_efivar_attrs_parse_reports_every_error(void **state)
{
	uint32_t a = 0xDEAD;
	(void)state;
	assert_string_equal(parse_attrs("", &a), "empty attribute list");
	assert_string_equal(parse_attrs(",", &a), "empty attribute in list");
	assert_string_equal(parse_attrs("nv,", &a), "empty attribute in list");
	assert_string_equal(parse_attrs("nv,,bs", &a), "empty attribute in list");
	assert_string_equal(parse_attrs("nv, ", &a), "empty attribute in list");
	assert_string_equal(parse_attrs("nv,xx", &a), "unknown attribute");
	assert_string_equal(parse_attrs("nvbs", &a), "unknown attribute");
	assert_string_equal(parse_attrs("efi_variable_", &a), "unknown attribute");
	assert_string_equal(parse_attrs("0x100000000", &a), "attribute value out of range");
	assert_string_equal(parse_attrs("4294967296", &a), "attribute value out of range");
	assert_string_equal(parse_attrs("12a", &a), "invalid number");
	assert_string_equal(parse_attrs("0x", &a), "invalid number");
	assert_string_equal(parse_attrs("0xg", &a), "invalid number");
	assert_int_equal(a, 0xDEAD);
}

static void test_efivar_attr_names_match_efivar(void **state)
{
	(void)state;
	assert_string_equal(efivar_attr_name(0x01), "Non-Volatile");
	assert_string_equal(efivar_attr_name(0x02), "Boot Service Access");
	assert_string_equal(efivar_attr_name(0x04), "Runtime Service Access");
	assert_string_equal(efivar_attr_name(0x08), "Hardware Error Record");
	assert_string_equal(efivar_attr_name(0x10), "Authenticated Write Access");
	assert_string_equal(efivar_attr_name(0x20), "Time-Based Authenticated Write Access");
	assert_string_equal(efivar_attr_name(0x40), "Append Write");
	assert_null(efivar_attr_name(0));
	assert_null(efivar_attr_name(0x3));
	assert_null(efivar_attr_name(0x80));
}

static void test_efivar_attrs_format_round_trips(void **state)
{
	static const uint32_t values[] = { 0x7, 0x1, 0x7F, 0x27, 0x87, 0x80, 0x0 };
	static const char *const texts[] = { "nv,bs,rt", "nv", "nv,bs,rt,hr,at,tat,ap",
					     "nv,bs,rt,tat", "nv,bs,rt,0x80", "0x80", "0x0" };
	char buf[64];
	uint32_t back;
	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		assert_int_equal(efivar_attrs_format(values[i], buf, sizeof(buf)),
				 strlen(texts[i]));
		assert_string_equal(buf, texts[i]);
		assert_null(parse_attrs(buf, &back));
		assert_int_equal(back, values[i]);
	}
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(efivar_attrs_format(0x7, buf, 4), 8);
	assert_string_equal(buf, "nv,");
	assert_int_equal((uint8_t)buf[4], CANARY);
}

/* ---- data */

static void test_efivar_data_parses_hex_bytes(void **state)
{
	static const uint8_t want[] = { 0x0a, 0x0b, 0x0c, 0xff };
	(void)state;
	assert_null(parse_data("0a0B0cFf"));
	assert_int_equal(data_len, 4);
	assert_memory_equal(data, want, 4);
	assert_int_equal(data[4], CANARY);
	assert_null(parse_data("0x0a0b0cff"));
	assert_int_equal(data_len, 4);
	assert_memory_equal(data, want, 4);
	assert_null(parse_data("0X00"));
	assert_int_equal(data_len, 1);
	assert_int_equal(data[0], 0);
}

static void test_efivar_data_hex_errors(void **state)
{
	(void)state;
	assert_string_equal(parse_data(""), "no data");
	assert_string_equal(parse_data("0x"), "no data");
	assert_string_equal(parse_data("abc"), "odd number of hex digits");
	assert_string_equal(parse_data("0x0"), "odd number of hex digits");
	assert_string_equal(parse_data("0g"), "invalid hex digit");
	assert_string_equal(parse_data("0a 0b"), "invalid hex digit");
	assert_string_equal(parse_data("text\""), "invalid hex digit");
	assert_int_equal(data_len, 12345); /* untouched on failure */
}

static void test_efivar_data_text_is_utf8_without_nul(void **state)
{
	(void)state;
	assert_null(parse_data("\"hello\""));
	assert_int_equal(data_len, 5);
	assert_memory_equal(data, "hello", 5);
	assert_int_equal(data[5], CANARY);
	assert_null(parse_data("\"\""));
	assert_int_equal(data_len, 0);
	assert_null(parse_data("\"caf\xC3\xA9\""));
	assert_int_equal(data_len, 5);
	assert_memory_equal(data, "caf\xC3\xA9", 5);
}

static void test_efivar_data_text_escapes(void **state)
{
	static const uint8_t want[] = { '"', '\\', '\n', '\r', '\t', 0, 0xFF, 'A',
					0xE2, 0x82, 0xAC };
	(void)state;
	assert_null(parse_data("\"\\\"\\\\\\n\\r\\t\\0\\xff\\x41\\u20AC\""));
	assert_int_equal(data_len, sizeof(want));
	assert_memory_equal(data, want, sizeof(want));
}

static void test_efivar_data_utf16_text_has_terminating_nul(void **state)
{
	static const uint8_t want[] = { 'H', 0, 'D', 0, 0, 0 };
	(void)state;
	assert_null(parse_data("u\"HD\""));
	assert_int_equal(data_len, 6);
	assert_memory_equal(data, want, 6);
	assert_int_equal(data[6], CANARY);
	assert_null(parse_data("u\"\""));
	assert_int_equal(data_len, 2);
	assert_int_equal(data[0], 0);
	assert_int_equal(data[1], 0);
}

static void test_efivar_data_utf16_text_decodes_utf8_and_pairs(void **state)
{
	/* é, €, 😀 (surrogate pair), then \x escapes as units, \u as a unit */
	static const uint8_t want[] = { 0xE9, 0x00, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE,
					0xFF, 0x00, '"',  0x00, 0x34, 0x12, 0x00, 0x00 };
	(void)state;
	assert_null(parse_data("u\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\\xff\\\"\\u1234\""));
	assert_int_equal(data_len, sizeof(want));
	assert_memory_equal(data, want, sizeof(want));
}

static void test_efivar_data_string_errors(void **state)
{
	(void)state;
	assert_string_equal(parse_data("\""), "unterminated string");
	assert_string_equal(parse_data("\"abc"), "unterminated string");
	assert_string_equal(parse_data("\"abc\\\""), "unterminated string");
	assert_string_equal(parse_data("\"abc\\"), "unterminated string");
	assert_string_equal(parse_data("u\"abc"), "unterminated string");
	assert_string_equal(parse_data("\"abc\"x"), "text after closing quote");
	assert_string_equal(parse_data("u\"a\"\""), "text after closing quote");
	assert_string_equal(parse_data("\"\\q\""), "invalid escape sequence");
	assert_string_equal(parse_data("\"\\x1\""), "invalid escape sequence");
	assert_string_equal(parse_data("\"\\x1"), "invalid escape sequence");
	assert_string_equal(parse_data("\"\\xg0\""), "invalid escape sequence");
	assert_string_equal(parse_data("\"\\u12\""), "invalid escape sequence");
	assert_string_equal(parse_data("u\"\\uD800\""), "invalid escape sequence");
	assert_string_equal(parse_data("u\"\xE9\""), "invalid UTF-8 in string");
	assert_string_equal(parse_data("u\"\xED\xA0\x80\""), "invalid UTF-8 in string");
	assert_int_equal(data_len, 12345);
}

static void test_efivar_data_too_large_at_exact_boundary(void **state)
{
	uint8_t out[4];
	size_t n = 0;
	(void)state;
	assert_null(efivar_data_parse("01020304", 8, out, 4, &n));
	assert_int_equal(n, 4);
	assert_string_equal(efivar_data_parse("0102030405", 10, out, 4, &n), "data too large");
	assert_null(efivar_data_parse("\"abcd\"", 6, out, 4, &n));
	assert_string_equal(efivar_data_parse("\"abcde\"", 7, out, 4, &n), "data too large");
	assert_null(efivar_data_parse("u\"a\"", 4, out, 4, &n));
	assert_int_equal(n, 4);
	assert_string_equal(efivar_data_parse("u\"ab\"", 5, out, 4, &n), "data too large");
	assert_string_equal(efivar_data_parse("u\"\xF0\x9F\x98\x80\"", 8, out, 2, &n),
			    "data too large");
	assert_string_equal(efivar_data_parse("\"\\u20AC\"", 8, out, 2, &n), "data too large");
	assert_string_equal(efivar_data_parse("\"ab\\x41\"", 8, out, 2, &n), "data too large");
	assert_string_equal(efivar_data_parse("u\"a\\x41\"", 8, out, 3, &n), "data too large");
	assert_string_equal(efivar_data_parse("00", 2, NULL, 0, &n), "data too large");
	assert_null(efivar_data_parse("\"\"", 2, NULL, 0, &n));
	assert_int_equal(n, 0);
}

/* ---- hex dump */

static void test_efivar_hexdump_full_line_matches_hexdump_c(void **state)
{
	static const uint8_t d[] = { 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00,
				     0x41, 0x7e, 0x7f, 0x20, 0x06, 0x00, 0x07, 0x00 };
	char buf[EFIVAR_HEXDUMP_LINE];
	const char *want =
		"00000000  01 00 00 00 02 00 03 00  41 7e 7f 20 06 00 07 00  |........A~. ....|";
	(void)state;
	assert_int_equal(efivar_hexdump_line(d, sizeof(d), 0, buf, sizeof(buf)), 78);
	assert_string_equal(buf, want);
}

static void test_efivar_hexdump_pads_short_last_line(void **state)
{
	static const uint8_t d[26] = "0123456789ABCDEF0123456789";
	char buf[EFIVAR_HEXDUMP_LINE];
	(void)state;
	assert_int_equal(efivar_hexdump_line(d, sizeof(d), 16, buf, sizeof(buf)), 72);
	assert_string_equal(buf,
			    "00000010  30 31 32 33 34 35 36 37  38 39                    |0123456789|");
	assert_int_equal(efivar_hexdump_line(d, 17, 16, buf, sizeof(buf)), 63);
	assert_string_equal(buf,
			    "00000010  30                                                |0|");
	assert_int_equal(efivar_hexdump_line(d, 24, 16, buf, sizeof(buf)), 70);
	assert_string_equal(buf,
			    "00000010  30 31 32 33 34 35 36 37                           |01234567|");
}

static void test_efivar_hexdump_past_end_is_empty(void **state)
{
	static const uint8_t d[4] = { 1, 2, 3, 4 };
	char buf[8] = "xxxxxxx";
	(void)state;
	assert_int_equal(efivar_hexdump_line(d, 4, 16, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(efivar_hexdump_line(NULL, 0, 0, buf, sizeof(buf)), 0);
}

static void test_efivar_hexdump_prints_offset_of_later_lines(void **state)
{
	static uint8_t d[0x1231];
	char buf[EFIVAR_HEXDUMP_LINE];
	(void)state;
	d[0x1230] = 0x5a;
	assert_int_equal(efivar_hexdump_line(d, sizeof(d), 0x1230, buf, sizeof(buf)), 63);
	assert_string_equal(buf,
			    "00001230  5a                                                |Z|");
}

static void test_efivar_hexdump_truncates_safely(void **state)
{
	static const uint8_t d[16] = "ABCDEFGHIJKLMNOP";
	char full[EFIVAR_HEXDUMP_LINE], buf[EFIVAR_HEXDUMP_LINE + 8];
	static const size_t caps[] = { 0, 1, 2, 11, 78, 79 };
	(void)state;
	efivar_hexdump_line(d, 16, 0, full, sizeof(full));
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t cap = caps[i];
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(efivar_hexdump_line(d, 16, 0, buf, cap), 78);
		for (size_t k = cap; k < sizeof(buf); k++)
			assert_int_equal((uint8_t)buf[k], CANARY);
		if (cap) {
			assert_int_equal(strlen(buf), cap - 1 < 78 ? cap - 1 : 78);
			assert_memory_equal(buf, full, strlen(buf));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efivar_guid_formats_global_guid_lower_case),
		cmocka_unit_test(test_efivar_guid_parse_round_trips),
		cmocka_unit_test(test_efivar_guid_parse_accepts_upper_case),
		cmocka_unit_test(test_efivar_guid_parse_rejects_malformed),
		cmocka_unit_test(test_efivar_guid_load_store_match_efi_layout),
		cmocka_unit_test(test_efivar_guid_equal_compares_every_field),
		cmocka_unit_test(test_efivar_name_parses_guid_dash_name),
		cmocka_unit_test(test_efivar_name_bare_name_means_global_guid),
		cmocka_unit_test(test_efivar_name_parses_efivarfs_name_dash_guid),
		cmocka_unit_test(test_efivar_name_guid_dash_name_wins_over_name_dash_guid),
		cmocka_unit_test(test_efivar_name_rejects_malformed_guid_prefix),
		cmocka_unit_test(test_efivar_name_rejects_empty_name),
		cmocka_unit_test(test_efivar_name_accepts_512_chars_rejects_513),
		cmocka_unit_test(test_efivar_name_rejects_non_printable),
		cmocka_unit_test(test_efivar_name_decodes_utf8),
		cmocka_unit_test(test_efivar_name_reports_small_buffer),
		cmocka_unit_test(test_efivar_name_format_prints_guid_dash_name),
		cmocka_unit_test(test_efivar_name_format_truncates_safely),
		cmocka_unit_test(test_efivar_attrs_parse_short_names),
		cmocka_unit_test(test_efivar_attrs_parse_long_and_spec_names),
		cmocka_unit_test(test_efivar_attrs_parse_numbers),
		cmocka_unit_test(test_efivar_attrs_parse_reports_every_error),
		cmocka_unit_test(test_efivar_attr_names_match_efivar),
		cmocka_unit_test(test_efivar_attrs_format_round_trips),
		cmocka_unit_test(test_efivar_data_parses_hex_bytes),
		cmocka_unit_test(test_efivar_data_hex_errors),
		cmocka_unit_test(test_efivar_data_text_is_utf8_without_nul),
		cmocka_unit_test(test_efivar_data_text_escapes),
		cmocka_unit_test(test_efivar_data_utf16_text_has_terminating_nul),
		cmocka_unit_test(test_efivar_data_utf16_text_decodes_utf8_and_pairs),
		cmocka_unit_test(test_efivar_data_string_errors),
		cmocka_unit_test(test_efivar_data_too_large_at_exact_boundary),
		cmocka_unit_test(test_efivar_hexdump_full_line_matches_hexdump_c),
		cmocka_unit_test(test_efivar_hexdump_pads_short_last_line),
		cmocka_unit_test(test_efivar_hexdump_past_end_is_empty),
		cmocka_unit_test(test_efivar_hexdump_prints_offset_of_later_lines),
		cmocka_unit_test(test_efivar_hexdump_truncates_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
