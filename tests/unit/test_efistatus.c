/* Host tests for loader/efistatus.c: names of UEFI 2.10 Appendix D. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "loader/efistatus.h"

#define ERR(n) EFI_STATUS_ERR(n)

static void test_efistatus_names_not_found(void **state)
{
	(void)state;
	assert_string_equal(efistatus_name(0x800000000000000Eull), "EFI_NOT_FOUND");
}

static void test_efistatus_success_is_zero(void **state)
{
	(void)state;
	assert_string_equal(efistatus_name(0), "EFI_SUCCESS");
	assert_false(efistatus_is_error(0));
}

static void test_efistatus_names_every_error_code(void **state)
{
	static const struct {
		uint64_t code;
		const char *name;
	} table[] = {
		{ 1, "EFI_LOAD_ERROR" },	   { 2, "EFI_INVALID_PARAMETER" },
		{ 3, "EFI_UNSUPPORTED" },	   { 4, "EFI_BAD_BUFFER_SIZE" },
		{ 5, "EFI_BUFFER_TOO_SMALL" },	   { 6, "EFI_NOT_READY" },
		{ 7, "EFI_DEVICE_ERROR" },	   { 8, "EFI_WRITE_PROTECTED" },
		{ 9, "EFI_OUT_OF_RESOURCES" },	   { 10, "EFI_VOLUME_CORRUPTED" },
		{ 11, "EFI_VOLUME_FULL" },	   { 12, "EFI_NO_MEDIA" },
		{ 13, "EFI_MEDIA_CHANGED" },	   { 14, "EFI_NOT_FOUND" },
		{ 15, "EFI_ACCESS_DENIED" },	   { 16, "EFI_NO_RESPONSE" },
		{ 17, "EFI_NO_MAPPING" },	   { 18, "EFI_TIMEOUT" },
		{ 19, "EFI_NOT_STARTED" },	   { 20, "EFI_ALREADY_STARTED" },
		{ 21, "EFI_ABORTED" },		   { 22, "EFI_ICMP_ERROR" },
		{ 23, "EFI_TFTP_ERROR" },	   { 24, "EFI_PROTOCOL_ERROR" },
		{ 25, "EFI_INCOMPATIBLE_VERSION" }, { 26, "EFI_SECURITY_VIOLATION" },
		{ 27, "EFI_CRC_ERROR" },	   { 28, "EFI_END_OF_MEDIA" },
		{ 31, "EFI_END_OF_FILE" },	   { 32, "EFI_INVALID_LANGUAGE" },
		{ 33, "EFI_COMPROMISED_DATA" },	   { 34, "EFI_IP_ADDRESS_CONFLICT" },
		{ 35, "EFI_HTTP_ERROR" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		assert_true(efistatus_is_error(ERR(table[i].code)));
		assert_string_equal(efistatus_name(ERR(table[i].code)), table[i].name);
	}
}

static void test_efistatus_names_every_warning(void **state)
{
	static const char *const names[] = {
		"EFI_WARN_UNKNOWN_GLYPH",    "EFI_WARN_DELETE_FAILURE", "EFI_WARN_WRITE_FAILURE",
		"EFI_WARN_BUFFER_TOO_SMALL", "EFI_WARN_STALE_DATA",	"EFI_WARN_FILE_SYSTEM",
		"EFI_WARN_RESET_REQUIRED",
	};
	(void)state;
	for (uint64_t i = 0; i < 7; i++) {
		assert_false(efistatus_is_error(i + 1));
		assert_string_equal(efistatus_name(i + 1), names[i]);
	}
}

static void test_efistatus_unknown_codes_are_null(void **state)
{
	(void)state;
	assert_null(efistatus_name(ERR(0)));  /* error bit alone */
	assert_null(efistatus_name(ERR(29))); /* unassigned */
	assert_null(efistatus_name(ERR(30)));
	assert_null(efistatus_name(ERR(36)));
	assert_null(efistatus_name(ERR(0x2000000000000001ull))); /* OEM error */
	assert_null(efistatus_name(8));
	assert_null(efistatus_name(0x8000000E)); /* the 32-bit form is not x86-64's */
	assert_null(efistatus_name(UINT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efistatus_names_not_found),
		cmocka_unit_test(test_efistatus_success_is_zero),
		cmocka_unit_test(test_efistatus_names_every_error_code),
		cmocka_unit_test(test_efistatus_names_every_warning),
		cmocka_unit_test(test_efistatus_unknown_codes_are_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
