/* hv/vm/dev/i8042.c: the controller commands of the IBM PC AT technical
 * reference, and the probe a Linux i8042 driver makes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/i8042.h"

static struct i8042 fresh(void)
{
	struct i8042 k;

	i8042_init(&k);
	return k;
}

/* One command with an optional parameter; returns the reply or -1. */
static int command(struct i8042 *k, uint8_t cmd, int param)
{
	assert_false(i8042_read(k, I8042_PORT_CMD) & I8042_STR_IBF);
	i8042_write(k, I8042_PORT_CMD, cmd);
	if (param >= 0)
		i8042_write(k, I8042_PORT_DATA, (uint8_t)param);
	if (!(i8042_read(k, I8042_PORT_CMD) & I8042_STR_OBF))
		return -1;
	return i8042_read(k, I8042_PORT_DATA);
}

static void test_i8042_self_test_answers_0x55_and_sets_sys(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	assert_int_equal(command(&k, 0xAA, -1), 0x55);
	assert_true(i8042_read(&k, I8042_PORT_CMD) & I8042_STR_SYS);
	assert_int_equal(command(&k, 0xAB, -1), 0x00);
}

static void test_i8042_command_byte_reads_back_what_was_written(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	assert_int_equal(command(&k, 0x20, -1), 0x45);
	assert_int_equal(command(&k, 0x60, 0x74), -1);
	assert_int_equal(command(&k, 0x20, -1), 0x74);
	assert_int_equal(command(&k, 0xA8, -1), -1);
	assert_int_equal(command(&k, 0x20, -1), 0x54);
	assert_int_equal(command(&k, 0xA7, -1), -1);
	assert_int_equal(command(&k, 0xAD, -1), -1);
	assert_int_equal(command(&k, 0x20, -1), 0x74);
	assert_int_equal(command(&k, 0xAE, -1), -1);
	assert_int_equal(command(&k, 0x20, -1), 0x64);
}

static void test_i8042_status_says_whether_the_last_write_was_a_command(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	i8042_write(&k, I8042_PORT_CMD, 0xAE);
	assert_true(i8042_read(&k, I8042_PORT_CMD) & I8042_STR_CMD);
	i8042_write(&k, I8042_PORT_CMD, 0x60);
	i8042_write(&k, I8042_PORT_DATA, 0x45);
	assert_false(i8042_read(&k, I8042_PORT_CMD) & I8042_STR_CMD);
}

static void test_i8042_aux_loop_answers_as_keyboard_data_so_no_aux_port_is_found(void **state)
{
	struct i8042 k = fresh();
	uint8_t st;

	(void)state;
	i8042_write(&k, I8042_PORT_CMD, 0xD3);
	i8042_write(&k, I8042_PORT_DATA, 0x5A);
	st = i8042_read(&k, I8042_PORT_CMD);
	assert_true(st & I8042_STR_OBF);
	assert_false(st & I8042_STR_AUXDATA);
	assert_int_equal(i8042_read(&k, I8042_PORT_DATA), 0x5A);
	/* The interface test then reports a stuck clock line: not 0, FA, FF. */
	assert_int_equal(command(&k, 0xA9, -1), 0x01);
}

static void test_i8042_bytes_for_absent_devices_come_back_as_timeouts(void **state)
{
	struct i8042 k = fresh();
	uint8_t st;

	(void)state;
	i8042_write(&k, I8042_PORT_DATA, 0xFF);	/* keyboard reset */
	st = i8042_read(&k, I8042_PORT_CMD);
	assert_int_equal(st & (I8042_STR_OBF | I8042_STR_TIMEOUT), I8042_STR_OBF | I8042_STR_TIMEOUT);
	assert_int_equal(i8042_read(&k, I8042_PORT_DATA), 0xFE);
	assert_false(i8042_read(&k, I8042_PORT_CMD) & I8042_STR_TIMEOUT);
	i8042_write(&k, I8042_PORT_CMD, 0xD4);
	i8042_write(&k, I8042_PORT_DATA, 0xF2);	/* mouse: get ID */
	assert_true(i8042_read(&k, I8042_PORT_CMD) & I8042_STR_TIMEOUT);
	assert_int_equal(i8042_read(&k, I8042_PORT_DATA), 0xFE);
}

static void test_i8042_output_bytes_raise_irq1_only_with_ctr_bit_0(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	assert_int_equal(command(&k, 0x60, 0x44), -1);	/* no KBDINT */
	i8042_write(&k, I8042_PORT_CMD, 0xAA);
	assert_false(i8042_irq(&k));
	(void)i8042_read(&k, I8042_PORT_DATA);
	assert_int_equal(command(&k, 0x60, 0x45), -1);
	i8042_write(&k, I8042_PORT_CMD, 0xAA);
	assert_true(i8042_irq(&k));
	(void)i8042_read(&k, I8042_PORT_DATA);
	assert_false(i8042_irq(&k));
}

static void test_i8042_reading_a_byte_drops_the_line_even_if_another_follows(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	i8042_write(&k, I8042_PORT_CMD, 0xAA);
	i8042_write(&k, I8042_PORT_CMD, 0xAB);
	(void)i8042_irq_fell(&k);
	assert_int_equal(i8042_read(&k, I8042_PORT_DATA), 0x55);
	assert_true(i8042_irq_fell(&k));
	assert_true(i8042_irq(&k));
	assert_int_equal(i8042_read(&k, I8042_PORT_DATA), 0x00);
	assert_false(i8042_irq(&k));
}

static void test_i8042_command_fe_pulses_the_reset_line(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	assert_false(i8042_reset_requested(&k));
	i8042_write(&k, I8042_PORT_CMD, 0xFF);	/* pulses nothing */
	assert_false(i8042_reset_requested(&k));
	i8042_write(&k, I8042_PORT_CMD, 0xFE);
	assert_true(i8042_reset_requested(&k));
}

static void test_i8042_output_port_bit_0_clear_resets(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	assert_int_equal(command(&k, 0xD0, -1), 0x03);
	i8042_write(&k, I8042_PORT_CMD, 0xD1);
	i8042_write(&k, I8042_PORT_DATA, 0x03);
	assert_false(i8042_reset_requested(&k));
	i8042_write(&k, I8042_PORT_CMD, 0xD1);
	i8042_write(&k, I8042_PORT_DATA, 0x02);
	assert_true(i8042_reset_requested(&k));
}

static void test_i8042_a_full_buffer_keeps_the_oldest_bytes(void **state)
{
	struct i8042 k = fresh();

	(void)state;
	for (int i = 0; i < I8042_QUEUE + 3; i++) {
		i8042_write(&k, I8042_PORT_CMD, 0xD2);
		i8042_write(&k, I8042_PORT_DATA, (uint8_t)i);
	}
	for (int i = 0; i < I8042_QUEUE; i++)
		assert_int_equal(i8042_read(&k, I8042_PORT_DATA), i);
	assert_false(i8042_read(&k, I8042_PORT_CMD) & I8042_STR_OBF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i8042_self_test_answers_0x55_and_sets_sys),
		cmocka_unit_test(test_i8042_command_byte_reads_back_what_was_written),
		cmocka_unit_test(test_i8042_status_says_whether_the_last_write_was_a_command),
		cmocka_unit_test(test_i8042_aux_loop_answers_as_keyboard_data_so_no_aux_port_is_found),
		cmocka_unit_test(test_i8042_bytes_for_absent_devices_come_back_as_timeouts),
		cmocka_unit_test(test_i8042_output_bytes_raise_irq1_only_with_ctr_bit_0),
		cmocka_unit_test(test_i8042_reading_a_byte_drops_the_line_even_if_another_follows),
		cmocka_unit_test(test_i8042_command_fe_pulses_the_reset_line),
		cmocka_unit_test(test_i8042_output_port_bit_0_clear_resets),
		cmocka_unit_test(test_i8042_a_full_buffer_keeps_the_oldest_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
