/* loader/fwinfo.c: the UEFI revision as the spec writes it (UEFI 2.10
 * §4.2.1) and the EFI_RT_PROPERTIES_TABLE (§4.6.2), read from bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loader/fwinfo.h"

static const char *rev(uint32_t r)
{
	static char buf[16];

	fwinfo_revision_text(r, buf, sizeof(buf));
	return buf;
}

static void test_fwinfo_revision_reads_as_the_spec_writes_it(void **state)
{
	(void)state;
	assert_string_equal(rev(0x00020064), "2.10");	/* U-Boot: not "2.100" */
	assert_string_equal(rev(0x00020046), "2.7");	/* OVMF 2022.11: not "2.70" */
	assert_string_equal(rev(0x0002001F), "2.3.1");
	assert_string_equal(rev(0x0002006E), "2.11");
	assert_string_equal(rev(0x0001000A), "1.1");	/* EFI 1.10 */
	assert_string_equal(rev(0x00010002), "1.0.2");	/* EFI 1.02 */
}

static void test_fwinfo_revision_truncates_like_snprintf(void **state)
{
	char buf[3];

	(void)state;
	assert_int_equal(fwinfo_revision_text(0x00020064, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "2.");
}

static void test_fwinfo_reads_u_boots_properties_table(void **state)
{
	/* Version 1, Length 8, 0x05b0: U-Boot's (README: Runtime services after boot). */
	const uint8_t t[8] = { 1, 0, 8, 0, 0xb0, 0x05, 0, 0 };
	uint32_t s = 0;

	(void)state;
	assert_null(fwinfo_rt_properties(t, sizeof(t), &s));
	assert_int_equal(s, 0x05b0);
}

static void test_fwinfo_reads_a_later_version_as_version_1(void **state)
{
	const uint8_t t[12] = { 2, 0, 12, 0, 0xff, 0xff, 0xff, 0xff, 9, 9, 9, 9 };
	uint32_t s = 0;

	(void)state;
	assert_null(fwinfo_rt_properties(t, sizeof(t), &s));
	assert_int_equal(s, FWINFO_RT_SUPPORTED_ALL);	/* reserved bits dropped */
}

static void test_fwinfo_refuses_a_properties_table_it_cannot_trust(void **state)
{
	const uint8_t v0[8] = { 0, 0, 8, 0, 0xb0, 0x05, 0, 0 };
	const uint8_t short_len[8] = { 1, 0, 6, 0, 0xb0, 0x05, 0, 0 };
	uint32_t s = 0x1234;

	(void)state;
	assert_string_equal(fwinfo_rt_properties(v0, 8, &s), "EFI_RT_PROPERTIES_TABLE has version 0");
	assert_string_equal(fwinfo_rt_properties(short_len, 8, &s),
			    "EFI_RT_PROPERTIES_TABLE is shorter than its version 1 fields");
	assert_string_equal(fwinfo_rt_properties(v0, 7, &s), "EFI_RT_PROPERTIES_TABLE is truncated");
	assert_int_equal(s, 0x1234);
}

static void test_fwinfo_secure_boot_is_off_only_for_exactly_one_zero_byte(void **state)
{
	(void)state;
	assert_int_equal(fwinfo_secure_boot(1, 1, 0), HV_SECURE_BOOT_OFF);
	assert_int_equal(fwinfo_secure_boot(1, 1, 1), HV_SECURE_BOOT_ON);
	assert_int_equal(fwinfo_secure_boot(0, 1, 0), HV_SECURE_BOOT_UNKNOWN);	/* not found */
	assert_int_equal(fwinfo_secure_boot(1, 2, 0), HV_SECURE_BOOT_UNKNOWN);
	assert_int_equal(fwinfo_secure_boot(1, 0, 0), HV_SECURE_BOOT_UNKNOWN);
	assert_int_equal(fwinfo_secure_boot(1, 1, 2), HV_SECURE_BOOT_UNKNOWN);
}

static void test_fwinfo_hash_is_enforced_unless_secure_boot_is_known_off(void **state)
{
	(void)state;
	assert_false(fwinfo_hash_enforced(HV_SECURE_BOOT_OFF));
	assert_true(fwinfo_hash_enforced(HV_SECURE_BOOT_ON));
	assert_true(fwinfo_hash_enforced(HV_SECURE_BOOT_UNKNOWN));
	assert_true(fwinfo_hash_enforced(0x12345678));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fwinfo_revision_reads_as_the_spec_writes_it),
		cmocka_unit_test(test_fwinfo_revision_truncates_like_snprintf),
		cmocka_unit_test(test_fwinfo_reads_u_boots_properties_table),
		cmocka_unit_test(test_fwinfo_reads_a_later_version_as_version_1),
		cmocka_unit_test(test_fwinfo_refuses_a_properties_table_it_cannot_trust),
		cmocka_unit_test(test_fwinfo_secure_boot_is_off_only_for_exactly_one_zero_byte),
		cmocka_unit_test(test_fwinfo_hash_is_enforced_unless_secure_boot_is_known_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
