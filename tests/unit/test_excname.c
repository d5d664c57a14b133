/* rt/excname.c: every exception vector of SDM Vol. 3A Table 6-1 has its
 * name and mnemonic; reserved vectors and interrupts are named as such. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rt/excname.h"

static void test_excname_names_the_faults_firmware_raises(void **state)
{
	(void)state;
	assert_string_equal(exc_name(0), "divide error (#DE)");
	assert_string_equal(exc_name(3), "breakpoint (#BP)");
	assert_string_equal(exc_name(6), "invalid opcode (#UD)");
	assert_string_equal(exc_name(8), "double fault (#DF)");
	assert_string_equal(exc_name(12), "stack-segment fault (#SS)");
	assert_string_equal(exc_name(13), "general protection (#GP)");
	assert_string_equal(exc_name(14), "page fault (#PF)");
	assert_string_equal(exc_name(17), "alignment check (#AC)");
	assert_string_equal(exc_name(18), "machine check (#MC)");
	assert_string_equal(exc_name(2), "non-maskable interrupt (NMI)");
}

static void test_excname_every_defined_vector_ends_in_its_mnemonic(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < EXC_VECTORS; v++) {
		const char *m = exc_mnemonic(v), *n = exc_name(v);
		char want[16];

		if (!m || v == 9)
			continue;
		snprintf(want, sizeof(want), "(%s)", m);
		assert_true(strlen(n) > strlen(want));
		assert_string_equal(n + strlen(n) - strlen(want), want);
	}
}

static void test_excname_reserved_vectors_have_no_mnemonic(void **state)
{
	static const uint64_t reserved[] = { 15, 22, 23, 24, 25, 26, 27, 31 };

	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_null(exc_mnemonic(reserved[i]));
		assert_string_equal(exc_name(reserved[i]), "reserved exception");
	}
}

static void test_excname_vectors_from_32_are_interrupts(void **state)
{
	(void)state;
	assert_string_equal(exc_name(32), "interrupt");
	assert_string_equal(exc_name(0xF0), "interrupt");
	assert_string_equal(exc_name(~0ULL), "interrupt");
	assert_null(exc_mnemonic(32));
	assert_null(exc_mnemonic(~0ULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excname_names_the_faults_firmware_raises),
		cmocka_unit_test(test_excname_every_defined_vector_ends_in_its_mnemonic),
		cmocka_unit_test(test_excname_reserved_vectors_have_no_mnemonic),
		cmocka_unit_test(test_excname_vectors_from_32_are_interrupts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
