/* loader/crc32.c: the CRC-32 UEFI table headers carry (UEFI 2.10 §4.2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loader/crc32.h"

static void test_crc32_gives_the_standard_check_value(void **state)
{
	static const uint8_t check[] = "123456789";

	(void)state;
	/* The catalogued check value of CRC-32/ISO-HDLC. */
	assert_int_equal(crc32_update(0, check, 9), 0xCBF43926U);
	assert_int_equal(crc32_update(0, check, 0), 0);
}

static void test_crc32_in_pieces_equals_crc32_whole(void **state)
{
	uint8_t buf[136];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t cut = 0; cut <= sizeof(buf); cut += 17)
		assert_int_equal(crc32_update(crc32_update(0, buf, cut), buf + cut, sizeof(buf) - cut),
				 crc32_update(0, buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_gives_the_standard_check_value),
		cmocka_unit_test(test_crc32_in_pieces_equals_crc32_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
