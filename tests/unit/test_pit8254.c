/* hv/vm/dev/pit8254.c against the Intel 8254 datasheet, and the ways
 * Linux uses it: a periodic IRQ 0 at HZ, and counter 2 polled through port
 * 0x61 to calibrate the TSC. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/pit8254.h"

#define NS_PER_S 1000000000ull

static struct pit fresh(void)
{
	struct pit p;

	pit_init(&p);
	return p;
}

/* Control word then a lobyte/hibyte count for counter ch. */
static void program(struct pit *p, unsigned ch, unsigned mode, uint16_t count)
{
	pit_write(p, PIT_PORT_CTRL, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	pit_write(p, (uint16_t)(PIT_PORT_CH0 + ch), (uint8_t)count);
	pit_write(p, (uint16_t)(PIT_PORT_CH0 + ch), (uint8_t)(count >> 8));
}

static uint16_t read_count(struct pit *p, unsigned ch)
{
	uint8_t lo, hi;

	pit_write(p, PIT_PORT_CTRL, (uint8_t)(ch << 6));	/* counter latch */
	lo = pit_read(p, (uint16_t)(PIT_PORT_CH0 + ch));
	hi = pit_read(p, (uint16_t)(PIT_PORT_CH0 + ch));
	return (uint16_t)(lo | hi << 8);
}

static void test_pit_mode2_at_hz_250_gives_249_edges_in_one_second(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 2, 4773);	/* Linux's LATCH for HZ = 250 */
	/* 1193182 / 4773 = 249.98 */
	assert_int_equal(pit_tick(&p, NS_PER_S), 249);
	/* The fraction carried: the next second holds the 250th edge. */
	assert_int_equal(pit_tick(&p, NS_PER_S), 250);
}

static void test_pit_many_small_ticks_count_exactly_as_one_large(void **state)
{
	struct pit a = fresh(), b = fresh();
	uint64_t edges = 0, steps = 0;

	(void)state;
	program(&a, 0, 2, 1193);
	program(&b, 0, 2, 1193);
	/* 997 ns steps: the clock fraction must be carried, never lost. */
	for (uint64_t t = 0; t < 2 * NS_PER_S; t += 997, steps++)
		edges += pit_tick(&a, 997);
	assert_int_equal(edges, pit_tick(&b, steps * 997));
	assert_int_equal(edges, 2000);
	assert_int_equal(read_count(&a, 0), read_count(&b, 0));
}

static void test_pit_count_zero_means_65536(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 2, 0);
	assert_int_equal(read_count(&p, 0), 0);
	/* 65535 clocks: not yet; the 65536th: an edge. 1 clock = 838.1 ns. */
	assert_int_equal(pit_tick(&p, 65535ull * NS_PER_S / PIT_HZ), 0);
	assert_int_equal(pit_tick(&p, 2 * NS_PER_S / PIT_HZ), 1);
}

static void test_pit_mode2_counts_down_and_out_drops_for_the_last_clock(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 2, 100);
	assert_true(pit_irq(&p));
	/* 98 clocks: the count reads 2. */
	pit_tick(&p, 98 * NS_PER_S / PIT_HZ + 1);
	assert_int_equal(read_count(&p, 0), 2);
	assert_true(pit_irq(&p));
	pit_tick(&p, NS_PER_S / PIT_HZ + 1);
	assert_int_equal(read_count(&p, 0), 1);
	assert_false(pit_irq(&p));
	assert_int_equal(pit_tick(&p, NS_PER_S / PIT_HZ + 1), 1);
	assert_true(pit_irq(&p));
	assert_int_equal(read_count(&p, 0), 100);
}

static void test_pit_mode0_out_is_low_until_the_terminal_count_then_stays_high(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 0, 1000);
	assert_false(pit_irq(&p));
	assert_int_equal(pit_tick(&p, 999ull * NS_PER_S / PIT_HZ), 0);
	assert_false(pit_irq(&p));
	assert_int_equal(pit_tick(&p, 2ull * NS_PER_S / PIT_HZ), 1);
	assert_true(pit_irq(&p));
	/* One-shot: the counter wraps on, no second edge. */
	assert_int_equal(pit_tick(&p, NS_PER_S), 0);
	assert_true(pit_irq(&p));
}

static void test_pit_mode0_first_byte_stops_the_count_and_drops_out(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 0, 10);
	pit_tick(&p, NS_PER_S / 1000);
	assert_true(pit_irq(&p));
	pit_write(&p, PIT_PORT_CH0, 0x00);
	assert_false(pit_irq(&p));
	assert_int_equal(pit_tick(&p, NS_PER_S), 0);
	pit_write(&p, PIT_PORT_CH0, 0x01);	/* 256 */
	assert_int_equal(pit_tick(&p, 300ull * NS_PER_S / PIT_HZ), 1);
}

static void test_pit_mode3_is_a_square_wave_high_for_the_first_half(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 3, 1000);
	assert_true(pit_irq(&p));
	pit_tick(&p, 499ull * NS_PER_S / PIT_HZ + 1);
	assert_true(pit_irq(&p));
	pit_tick(&p, 2ull * NS_PER_S / PIT_HZ);
	assert_false(pit_irq(&p));
	/* One rising edge per period. */
	assert_int_equal(pit_tick(&p, NS_PER_S), 1193);
}

static void test_pit_mode4_strobes_once_at_the_terminal_count(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 4, 500);
	assert_true(pit_irq(&p));
	assert_int_equal(pit_tick(&p, 499ull * NS_PER_S / PIT_HZ), 0);
	assert_int_equal(pit_tick(&p, 2ull * NS_PER_S / PIT_HZ), 1);
	assert_int_equal(pit_tick(&p, NS_PER_S), 0);
}

static void test_pit_modes_6_and_7_are_modes_2_and_3(void **state)
{
	struct pit p = fresh();

	(void)state;
	pit_write(&p, PIT_PORT_CTRL, 0x3C);	/* counter 0, lo/hi, mode 6 */
	pit_write(&p, PIT_PORT_CH0, 0xE8);
	pit_write(&p, PIT_PORT_CH0, 0x03);	/* 1000 */
	pit_write(&p, PIT_PORT_CTRL, 0xE2);	/* read-back status of counter 0 */
	assert_int_equal(pit_read(&p, PIT_PORT_CH0) & 0x0E, 2 << 1);
	assert_int_equal(pit_tick(&p, NS_PER_S), 1193);
}

static void test_pit_latched_count_holds_until_both_bytes_are_read(void **state)
{
	struct pit p = fresh();
	uint8_t lo, hi;

	(void)state;
	program(&p, 0, 2, 50000);
	pit_tick(&p, 1000ull * NS_PER_S / PIT_HZ + 1);
	pit_write(&p, PIT_PORT_CTRL, 0x00);
	pit_tick(&p, 5000ull * NS_PER_S / PIT_HZ);
	/* A second latch before the read changes nothing. */
	pit_write(&p, PIT_PORT_CTRL, 0x00);
	lo = pit_read(&p, PIT_PORT_CH0);
	hi = pit_read(&p, PIT_PORT_CH0);
	assert_int_equal(lo | hi << 8, 49000);
	/* Unlatched again: the live count. */
	assert_int_equal(read_count(&p, 0), 44000);
}

static void test_pit_lobyte_only_access_reads_and_writes_the_low_byte(void **state)
{
	struct pit p = fresh();

	(void)state;
	pit_write(&p, PIT_PORT_CTRL, 0x14);	/* counter 0, LSB only, mode 2 */
	pit_write(&p, PIT_PORT_CH0, 200);
	assert_int_equal(pit_read(&p, PIT_PORT_CH0), 200);
	assert_int_equal(pit_read(&p, PIT_PORT_CH0), 200);
	assert_int_equal(pit_tick(&p, NS_PER_S), PIT_HZ / 200);
}

static void test_pit_hibyte_only_access_writes_the_high_byte(void **state)
{
	struct pit p = fresh();

	(void)state;
	pit_write(&p, PIT_PORT_CTRL, 0x24);	/* counter 0, MSB only, mode 2 */
	pit_write(&p, PIT_PORT_CH0, 0x10);	/* 4096 */
	assert_int_equal(pit_read(&p, PIT_PORT_CH0), 0x10);
	assert_int_equal(pit_tick(&p, NS_PER_S), PIT_HZ / 4096);
}

static void test_pit_read_back_latches_status_then_count(void **state)
{
	struct pit p = fresh();

	(void)state;
	pit_write(&p, PIT_PORT_CTRL, 0xB0);	/* counter 2, lo/hi, mode 0 */
	/* Before a count: null count set, OUT low. */
	pit_write(&p, PIT_PORT_CTRL, 0xE8);	/* status of counter 2 */
	assert_int_equal(pit_read(&p, PIT_PORT_CH0 + 2), 0x70);
	pit_write(&p, PIT_PORT_CH0 + 2, 0x34);
	pit_write(&p, PIT_PORT_CH0 + 2, 0x12);
	pit_write(&p, PIT_PORT_CTRL, 0xC8);	/* status and count of counter 2 */
	assert_int_equal(pit_read(&p, PIT_PORT_CH0 + 2), 0x30);
	assert_int_equal(pit_read(&p, PIT_PORT_CH0 + 2), 0x34);
	assert_int_equal(pit_read(&p, PIT_PORT_CH0 + 2), 0x12);
}

static void test_pit_counter2_waits_for_the_gate_in_port_61_bit_0(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 2, 0, 1000);
	pit_tick(&p, NS_PER_S);
	assert_int_equal(read_count(&p, 2), 1000);
	assert_false(pit_read(&p, PIT_PORT_B) & 0x20);
	pit_write(&p, PIT_PORT_B, 0x01);
	assert_int_equal(pit_read(&p, PIT_PORT_B) & 0x0F, 0x01);
	/* OUT of counter 2 is port 0x61 bit 5; it drives no IRQ 0 edge. */
	assert_int_equal(pit_tick(&p, 1001ull * NS_PER_S / PIT_HZ), 0);
	assert_true(pit_read(&p, PIT_PORT_B) & 0x20);
}

/* Linux's quick calibration: counter 2 in mode 0 from 0xFFFF, the MSB
 * read back (low byte first) falling by one every 256 clocks. */
static void test_pit_counter2_msb_falls_at_the_pit_rate_for_fast_calibration(void **state)
{
	struct pit p = fresh();
	uint8_t msb;

	(void)state;
	pit_write(&p, PIT_PORT_B, 0x01);
	pit_write(&p, PIT_PORT_CTRL, 0xB0);
	pit_write(&p, PIT_PORT_CH0 + 2, 0xFF);
	pit_write(&p, PIT_PORT_CH0 + 2, 0xFF);
	for (uint64_t i = 1, before = 0; i <= 200; i++) {
		/* The first ns by which 256 i clocks have passed. */
		uint64_t at = (i * 256 * NS_PER_S + PIT_HZ - 1) / PIT_HZ;

		pit_tick(&p, at - before);
		before = at;
		(void)pit_read(&p, PIT_PORT_CH0 + 2);
		msb = pit_read(&p, PIT_PORT_CH0 + 2);
		assert_int_equal(msb, 0xFF - i);
		assert_false(pit_read(&p, PIT_PORT_B) & 0x20);
	}
}

static void test_pit_gate_low_holds_mode2_out_high_and_its_rise_restarts(void **state)
{
	struct pit p = fresh();

	(void)state;
	pit_write(&p, PIT_PORT_B, 0x01);
	program(&p, 2, 2, 100);
	pit_tick(&p, 99ull * NS_PER_S / PIT_HZ + 1);
	assert_false(pit_read(&p, PIT_PORT_B) & 0x20);
	pit_write(&p, PIT_PORT_B, 0x00);
	assert_true(pit_read(&p, PIT_PORT_B) & 0x20);
	pit_write(&p, PIT_PORT_B, 0x01);
	assert_int_equal(read_count(&p, 2), 100);
}

static void test_pit_mode1_counts_only_after_a_gate_rise(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 2, 1, 10);
	pit_write(&p, PIT_PORT_B, 0x00);
	pit_tick(&p, NS_PER_S);
	assert_true(pit_read(&p, PIT_PORT_B) & 0x20);
	pit_write(&p, PIT_PORT_B, 0x01);
	assert_false(pit_read(&p, PIT_PORT_B) & 0x20);
	pit_tick(&p, 11ull * NS_PER_S / PIT_HZ);
	assert_true(pit_read(&p, PIT_PORT_B) & 0x20);
}

static void test_pit_port_61_bit_4_toggles_with_refresh(void **state)
{
	struct pit p = fresh();
	uint8_t a, b;

	(void)state;
	a = pit_read(&p, PIT_PORT_B) & 0x10;
	pit_tick(&p, 16000);	/* 19 clocks */
	b = pit_read(&p, PIT_PORT_B) & 0x10;
	assert_int_not_equal(a, b);
}

static void test_pit_ns_to_irq_is_the_time_to_the_next_edge(void **state)
{
	struct pit p = fresh();
	uint64_t ns;

	(void)state;
	assert_int_equal(pit_ns_to_irq(&p), UINT64_MAX);
	program(&p, 0, 2, 4773);
	ns = pit_ns_to_irq(&p);
	/* 4773 clocks = 4,000,227.9 ns: rounded up, and exactly enough. */
	assert_int_equal(ns, 4000228);
	assert_int_equal(pit_tick(&p, ns - 1), 0);
	assert_int_equal(pit_tick(&p, 1), 1);
}

static void test_pit_control_word_restarts_a_running_period(void **state)
{
	struct pit p = fresh();

	(void)state;
	program(&p, 0, 2, 1000);
	pit_tick(&p, 600ull * NS_PER_S / PIT_HZ + 1);
	program(&p, 0, 2, 1000);
	assert_int_equal(read_count(&p, 0), 1000);
	program(&p, 0, 0, 100);
	assert_int_equal(read_count(&p, 0), 100);
}

static void test_pit_first_periodic_programming_makes_no_edge(void **state)
{
	struct pit p = fresh();

	(void)state;
	assert_true(pit_irq(&p));
	program(&p, 0, 2, 100);
	assert_true(pit_irq(&p));
	assert_int_equal(pit_tick(&p, 99ull * NS_PER_S / PIT_HZ), 0);
}

static void test_pit_unclaimed_ports_read_all_ones(void **state)
{
	struct pit p = fresh();

	(void)state;
	assert_int_equal(pit_read(&p, PIT_PORT_CTRL), 0xFF);
	assert_int_equal(pit_read(&p, 0x44), 0xFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pit_mode2_at_hz_250_gives_249_edges_in_one_second),
		cmocka_unit_test(test_pit_many_small_ticks_count_exactly_as_one_large),
		cmocka_unit_test(test_pit_count_zero_means_65536),
		cmocka_unit_test(test_pit_mode2_counts_down_and_out_drops_for_the_last_clock),
		cmocka_unit_test(test_pit_mode0_out_is_low_until_the_terminal_count_then_stays_high),
		cmocka_unit_test(test_pit_mode0_first_byte_stops_the_count_and_drops_out),
		cmocka_unit_test(test_pit_mode3_is_a_square_wave_high_for_the_first_half),
		cmocka_unit_test(test_pit_mode4_strobes_once_at_the_terminal_count),
		cmocka_unit_test(test_pit_modes_6_and_7_are_modes_2_and_3),
		cmocka_unit_test(test_pit_latched_count_holds_until_both_bytes_are_read),
		cmocka_unit_test(test_pit_lobyte_only_access_reads_and_writes_the_low_byte),
		cmocka_unit_test(test_pit_hibyte_only_access_writes_the_high_byte),
		cmocka_unit_test(test_pit_read_back_latches_status_then_count),
		cmocka_unit_test(test_pit_counter2_waits_for_the_gate_in_port_61_bit_0),
		cmocka_unit_test(test_pit_counter2_msb_falls_at_the_pit_rate_for_fast_calibration),
		cmocka_unit_test(test_pit_gate_low_holds_mode2_out_high_and_its_rise_restarts),
		cmocka_unit_test(test_pit_mode1_counts_only_after_a_gate_rise),
		cmocka_unit_test(test_pit_port_61_bit_4_toggles_with_refresh),
		cmocka_unit_test(test_pit_ns_to_irq_is_the_time_to_the_next_edge),
		cmocka_unit_test(test_pit_control_word_restarts_a_running_period),
		cmocka_unit_test(test_pit_first_periodic_programming_makes_no_edge),
		cmocka_unit_test(test_pit_unclaimed_ports_read_all_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
