/* hv/vm/dev/reset.c: the reset control register (0xCF9) and system
 * control port A (0x92). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/reset.h"

static void test_reset_cf9_rst_cpu_requests_a_reset(void **state)
{
	struct reset_ctl r;

	(void)state;
	reset_init(&r);
	reset_write(&r, RESET_PORT_CF9, 0x02);	/* SYS_RST alone: a choice, no reset */
	assert_false(reset_requested(&r));
	assert_int_equal(reset_read(&r, RESET_PORT_CF9), 0x02);
	reset_write(&r, RESET_PORT_CF9, 0x06);
	assert_true(reset_requested(&r));
	assert_int_equal(reset_read(&r, RESET_PORT_CF9), 0x02);
}

static void test_reset_port_92_bit_0_rising_resets_and_a20_reads_back(void **state)
{
	struct reset_ctl r;

	(void)state;
	reset_init(&r);
	assert_int_equal(reset_read(&r, RESET_PORT_92), 0x02);
	reset_write(&r, RESET_PORT_92, 0x00);
	assert_int_equal(reset_read(&r, RESET_PORT_92), 0x00);
	assert_false(reset_requested(&r));
	reset_write(&r, RESET_PORT_92, 0x01);
	assert_true(reset_requested(&r));
}

static void test_reset_port_92_already_set_bit_0_does_not_reset_again(void **state)
{
	struct reset_ctl r;

	(void)state;
	reset_init(&r);
	r.port92 = 0x03;
	reset_write(&r, RESET_PORT_92, 0x03);
	assert_false(reset_requested(&r));
	assert_int_equal(reset_read(&r, 0x93), 0xFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_cf9_rst_cpu_requests_a_reset),
		cmocka_unit_test(test_reset_port_92_bit_0_rising_resets_and_a20_reads_back),
		cmocka_unit_test(test_reset_port_92_already_set_bit_0_does_not_reset_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
