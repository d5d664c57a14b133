/* hv/vm/dev/platform.c: the port map, the interrupt wiring into the PICs,
 * and the run loop's view (vector to inject, console bytes, reset). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/platform.h"

#define NS_PER_S 1000000000ull

static void out8(struct platform *p, uint16_t port, uint8_t v)
{
	uint32_t value = v;

	assert_true(platform_io(p, port, 1, true, &value));
}

static uint8_t in8(struct platform *p, uint16_t port)
{
	uint32_t value = 0;

	assert_true(platform_io(p, port, 1, false, &value));
	return (uint8_t)value;
}

/* What Linux's i8259 init does: vectors 0x30 and 0x38, slave on IR2,
 * everything unmasked. */
static void linux_pic_init(struct platform *p)
{
	static const struct rtc_time t = { .year = 2026, .month = 12, .day = 6 };

	assert_true(platform_init(p, &t));
	out8(p, 0x20, 0x11);
	out8(p, 0x21, 0x30);
	out8(p, 0x21, 0x04);
	out8(p, 0x21, 0x01);
	out8(p, 0xA0, 0x11);
	out8(p, 0xA1, 0x38);
	out8(p, 0xA1, 0x02);
	out8(p, 0xA1, 0x01);
	out8(p, 0x21, 0x00);
	out8(p, 0xA1, 0x00);
}

static void eoi(struct platform *p, uint8_t vector)
{
	if (vector >= 0x38)
		out8(p, 0xA0, 0x20);
	out8(p, 0x20, 0x20);
}

static void test_platform_pit_periodic_timer_is_irq0_at_the_master_base(void **state)
{
	struct platform p;
	unsigned ticks = 0;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x43, 0x34);
	out8(&p, 0x40, 4773 & 0xFF);
	out8(&p, 0x40, 4773 >> 8);
	assert_int_equal(platform_pending_vector(&p), -1);
	for (int ms = 0; ms < 1000; ms++) {
		platform_advance(&p, NS_PER_S / 1000);
		if (platform_pending_vector(&p) >= 0) {
			assert_int_equal(platform_ack(&p), 0x30);
			eoi(&p, 0x30);
			ticks++;
		}
	}
	assert_int_equal(ticks, 249);
}

/* Linux's PIT clockevent in one-shot mode: mode 4, a count per event. */
static void test_platform_pit_one_shot_events_give_one_irq0_each(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x43, 0x38);
	for (int i = 0; i < 3; i++) {
		out8(&p, 0x40, 1193 & 0xFF);	/* 1 ms */
		out8(&p, 0x40, 1193 >> 8);
		platform_advance(&p, 999000);
		assert_int_equal(platform_pending_vector(&p), -1);
		platform_advance(&p, platform_ns_to_event(&p));
		assert_int_equal(platform_ack(&p), 0x30);
		eoi(&p, 0x30);
		platform_advance(&p, NS_PER_S);
		assert_int_equal(platform_pending_vector(&p), -1);
	}
}

/* A halted guest woken at each event sees every period's tick. */
static void test_platform_advancing_event_by_event_delivers_every_tick(void **state)
{
	struct platform p;
	uint64_t elapsed = 0;
	unsigned ticks = 0;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x43, 0x34);
	out8(&p, 0x40, 4773 & 0xFF);
	out8(&p, 0x40, 4773 >> 8);
	while (elapsed < 2 * NS_PER_S) {
		uint64_t ns = platform_ns_to_event(&p);

		platform_advance(&p, ns);
		elapsed += ns;
		if (platform_pending_vector(&p) >= 0) {
			assert_int_equal(platform_ack(&p), 0x30);
			eoi(&p, 0x30);
			ticks++;
		}
	}
	/* 2 s at 1193182 / 4773 Hz = 499.96 periods */
	assert_int_equal(ticks, 500);
}

static void test_platform_uart_input_raises_irq4(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x3F9, UART_IER_RDI);
	out8(&p, 0x3FC, UART_MCR_OUT2);
	assert_int_equal(platform_pending_vector(&p), -1);
	assert_int_equal(platform_console_in_space(&p), 1);
	assert_true(platform_console_in(&p, 'x'));
	assert_false(platform_console_in(&p, 'y'));
	assert_int_equal(platform_pending_vector(&p), 0x34);
	assert_int_equal(platform_ack(&p), 0x34);
	assert_int_equal(in8(&p, 0x3F8), 'x');
	eoi(&p, 0x34);
	assert_int_equal(platform_pending_vector(&p), -1);
}

/* A THRE-driven transmit: every THR write lowers and re-raises the line,
 * so the PIC latches a new request while the old one is being handled. */
static void test_platform_each_thr_write_gives_the_pic_a_new_edge(void **state)
{
	struct platform p;
	uint8_t out[8];

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x3FC, UART_MCR_OUT2);
	out8(&p, 0x3F9, UART_IER_THRI);
	assert_int_equal(platform_ack(&p), 0x34);
	out8(&p, 0x21, 0x10);		/* mask IRQ 4 while handling, as Linux does */
	eoi(&p, 0x34);
	assert_int_equal(in8(&p, 0x3FA), UART_IIR_THRI);
	out8(&p, 0x3F8, 'h');
	out8(&p, 0x3F8, 'i');
	out8(&p, 0x21, 0x00);
	assert_int_equal(platform_pending_vector(&p), 0x34);
	assert_int_equal(platform_console_out(&p, out, sizeof(out)), 2);
	assert_memory_equal(out, "hi", 2);
}

/* A level-triggered line (ELCR) still high is requested again as soon as
 * it is acknowledged (in level mode IRR follows the input), without
 * another port access or tick to drive the PIC. */
static void test_platform_ack_relatches_a_level_line_still_high(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x20, 0x11);		/* the master again, in automatic EOI */
	out8(&p, 0x21, 0x30);
	out8(&p, 0x21, 0x04);
	out8(&p, 0x21, 0x03);
	out8(&p, 0x21, 0x00);
	out8(&p, 0x4D0, 0x10);		/* IRQ 4 level-triggered */
	out8(&p, 0x3FC, UART_MCR_OUT2);
	out8(&p, 0x3F9, UART_IER_THRI);	/* THRE: the line stays high */
	assert_int_equal(platform_ack(&p), 0x34);
	/* No port access since: the request is there again all the same. */
	assert_int_equal(platform_pending_vector(&p), 0x34);
	out8(&p, 0x3F9, 0);		/* the line falls: no request */
	assert_int_equal(platform_pending_vector(&p), -1);
}

/* Time passing with no timer edge leaves an edge-triggered request that
 * was served: advancing is not a new edge. */
static void test_platform_advance_without_an_edge_raises_nothing(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x3FC, UART_MCR_OUT2);
	out8(&p, 0x3F9, UART_IER_THRI);
	assert_int_equal(platform_ack(&p), 0x34);
	eoi(&p, 0x34);
	platform_advance(&p, 1000);
	platform_advance(&p, NS_PER_S / 1000);
	assert_int_equal(platform_pending_vector(&p), -1);
}

static void test_platform_rtc_reaches_the_guest_through_the_cascade(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x70, 0x0B);
	out8(&p, 0x71, 0x12);		/* UIE */
	platform_advance(&p, NS_PER_S);
	assert_int_equal(platform_pending_vector(&p), 0x38);
	assert_int_equal(platform_ack(&p), 0x38);
	out8(&p, 0x70, 0x0C);
	assert_int_equal(in8(&p, 0x71) & 0x90, 0x90);
	eoi(&p, 0x38);
	assert_int_equal(platform_pending_vector(&p), -1);
}

static void test_platform_i8042_reply_is_irq1(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x64, 0xAA);
	assert_int_equal(platform_ack(&p), 0x31);
	assert_int_equal(in8(&p, 0x60), 0x55);
}

static void test_platform_unknown_ports_read_all_ones_and_are_counted(void **state)
{
	struct platform p;
	uint32_t v = 0;

	(void)state;
	linux_pic_init(&p);
	assert_false(platform_io(&p, 0x2F8, 1, false, &v));
	assert_int_equal(v, 0xFF);
	assert_false(platform_io(&p, 0x1CE, 2, false, &v));
	assert_int_equal(v, 0xFFFF);
	assert_false(platform_io(&p, 0x3C0, 4, false, &v));
	assert_int_equal(v, 0xFFFFFFFFu);
	v = 0x12;
	assert_false(platform_io(&p, 0x2FB, 1, true, &v));
	assert_int_equal(p.unknown_reads, 3);
	assert_int_equal(p.unknown_writes, 1);
	assert_int_equal(p.last_unknown_port, 0x2FB);
	/* The I/O delay port is known and quiet. */
	v = 0;
	assert_true(platform_io(&p, 0x80, 1, true, &v));
	assert_int_equal(p.unknown_writes, 1);
}

static void test_platform_wide_access_to_byte_devices_splits_low_byte_first(void **state)
{
	struct platform p;
	uint32_t v;

	(void)state;
	linux_pic_init(&p);
	v = 0x5A00 | 0x0B;		/* 0x20 <- OCW3 read ISR; 0x21 <- IMR 0x5A */
	assert_true(platform_io(&p, 0x20, 2, true, &v));
	v = 0;
	assert_true(platform_io(&p, 0x20, 2, false, &v));
	assert_int_equal(v, 0x5A00);
}

static void test_platform_pci_dword_at_cf8_and_reset_byte_at_cf9_are_apart(void **state)
{
	struct platform p;
	uint32_t v = 0x80000000u;

	(void)state;
	linux_pic_init(&p);
	assert_true(platform_io(&p, 0xCF8, 4, true, &v));
	v = 0;
	assert_true(platform_io(&p, 0xCFC, 4, false, &v));
	assert_int_equal(v, 0xFFFFFFFFu);
	assert_false(platform_reset_requested(&p));
	out8(&p, 0xCF9, 0x06);
	assert_true(platform_reset_requested(&p));
}

static void test_platform_reset_by_the_keyboard_controller_or_port_92(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	out8(&p, 0x64, 0xFE);
	assert_true(platform_reset_requested(&p));
	linux_pic_init(&p);
	out8(&p, 0x92, 0x03);
	assert_true(platform_reset_requested(&p));
}

static void test_platform_ns_to_event_is_the_nearest_timer(void **state)
{
	struct platform p;

	(void)state;
	linux_pic_init(&p);
	assert_int_equal(platform_ns_to_event(&p), UINT64_MAX);
	out8(&p, 0x43, 0x34);
	out8(&p, 0x40, 0x00);
	out8(&p, 0x40, 0x00);		/* 65536 clocks: 54.9 ms */
	assert_int_equal(platform_ns_to_event(&p), 54925402);
	out8(&p, 0x70, 0x0B);
	out8(&p, 0x71, 0x42);		/* RTC periodic at 1024 Hz */
	assert_int_equal(platform_ns_to_event(&p), 976563);
}

static void test_platform_invalid_time_is_reported_and_the_epoch_used(void **state)
{
	struct platform p;
	struct rtc_time bad = { .year = 2026, .month = 2, .day = 30 };

	(void)state;
	assert_false(platform_init(&p, &bad));
	out8(&p, 0x70, 0x09);
	assert_int_equal(in8(&p, 0x71), 0x00);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platform_pit_periodic_timer_is_irq0_at_the_master_base),
		cmocka_unit_test(test_platform_pit_one_shot_events_give_one_irq0_each),
		cmocka_unit_test(test_platform_advancing_event_by_event_delivers_every_tick),
		cmocka_unit_test(test_platform_uart_input_raises_irq4),
		cmocka_unit_test(test_platform_each_thr_write_gives_the_pic_a_new_edge),
		cmocka_unit_test(test_platform_ack_relatches_a_level_line_still_high),
		cmocka_unit_test(test_platform_advance_without_an_edge_raises_nothing),
		cmocka_unit_test(test_platform_rtc_reaches_the_guest_through_the_cascade),
		cmocka_unit_test(test_platform_i8042_reply_is_irq1),
		cmocka_unit_test(test_platform_unknown_ports_read_all_ones_and_are_counted),
		cmocka_unit_test(test_platform_wide_access_to_byte_devices_splits_low_byte_first),
		cmocka_unit_test(test_platform_pci_dword_at_cf8_and_reset_byte_at_cf9_are_apart),
		cmocka_unit_test(test_platform_reset_by_the_keyboard_controller_or_port_92),
		cmocka_unit_test(test_platform_ns_to_event_is_the_nearest_timer),
		cmocka_unit_test(test_platform_invalid_time_is_reported_and_the_epoch_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
