/* hv/vm/dev/uart16550.c against the PC16550D datasheet, and the probe a
 * Linux 8250 driver runs to call a port "16550A". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/uart16550.h"

static struct uart fresh(void)
{
	struct uart u;

	uart_init(&u);
	return u;
}

static void test_uart_scratch_register_keeps_what_is_written(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_SCR, 0xA5);
	assert_int_equal(uart_read(&u, UART_SCR), 0xA5);
	uart_write(&u, UART_SCR, 0x5A);
	assert_int_equal(uart_read(&u, UART_SCR), 0x5A);
}

static void test_uart_ier_keeps_only_its_low_four_bits(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IER, 0xFF);
	assert_int_equal(uart_read(&u, UART_IER), 0x0F);
	uart_write(&u, UART_IER, 0x00);
	assert_int_equal(uart_read(&u, UART_IER), 0x00);
}

static void test_uart_dlab_exposes_the_divisor_latch_in_place_of_rbr_and_ier(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IER, 0x05);
	uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_RBR_THR, 0x01);	/* DLL: 115200 baud */
	uart_write(&u, UART_IER, 0x00);		/* DLM */
	assert_int_equal(uart_read(&u, UART_RBR_THR), 0x01);
	assert_int_equal(uart_read(&u, UART_IER), 0x00);
	uart_write(&u, UART_LCR, 0x03);
	assert_int_equal(uart_read(&u, UART_IER), 0x05);
	assert_int_equal(uart_read(&u, UART_LCR), 0x03);
	/* Nothing written through the latch reached the transmitter. */
	assert_int_equal(u.tx_count, 0);
}

static void test_uart_loopback_wires_mcr_outputs_to_msr_inputs(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(uart_read(&u, UART_MSR) & 0xF0, UART_MSR_DCD | UART_MSR_CTS);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	assert_int_equal(uart_read(&u, UART_MSR) & 0xF0, UART_MSR_DSR | UART_MSR_RI);
	uart_write(&u, UART_MCR, 0);
	/* Out of loopback: a terminal is connected. */
	assert_int_equal(uart_read(&u, UART_MSR) & 0xF0,
			 UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
}

static void test_uart_msr_deltas_record_changes_and_clear_on_read(void **state)
{
	struct uart u = fresh();
	uint8_t msr;

	(void)state;
	assert_int_equal(uart_read(&u, UART_MSR) & 0x0F, 0);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1 | UART_MCR_RTS);
	msr = uart_read(&u, UART_MSR);
	/* DSR and DCD dropped, CTS stayed: DDSR and DDCD, not DCTS. */
	assert_int_equal(msr & 0x0F, UART_MSR_DDSR | UART_MSR_DDCD);
	assert_int_equal(uart_read(&u, UART_MSR) & 0x0F, 0);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	/* RI went from 1 to 0: the trailing edge. */
	assert_int_equal(uart_read(&u, UART_MSR) & 0x0F, UART_MSR_TERI);
}

static void test_uart_loopback_returns_transmitted_bytes_to_the_receiver(void **state)
{
	struct uart u = fresh();
	uint8_t out[4];

	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	uart_write(&u, UART_RBR_THR, 0x42);
	assert_true(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 0x42);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart_tx_pop(&u, out, sizeof(out)), 0);
}

static void test_uart_iir_reports_fifos_in_bits_6_and_7_only_while_enabled(void **state)
{
	struct uart u = fresh();

	(void)state;
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	/* The 64-byte bit of later parts is not a 16550A's: bit 5 stays 0. */
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | 0x20);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	uart_write(&u, UART_IIR_FCR, 0);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
}

static void test_uart_transmitted_bytes_reach_the_host_in_order(void **state)
{
	struct uart u = fresh();
	uint8_t out[8];

	(void)state;
	uart_write(&u, UART_RBR_THR, 'o');
	uart_write(&u, UART_RBR_THR, 'k');
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_TEMT);
	assert_int_equal(uart_tx_pop(&u, out, sizeof(out)), 2);
	assert_memory_equal(out, "ok", 2);
	assert_int_equal(uart_read(&u, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_uart_thr_is_busy_while_the_host_has_not_drained_the_ring(void **state)
{
	struct uart u = fresh();
	uint8_t out[UART_TX_RING_BYTES];
	size_t written = 0;

	(void)state;
	while (uart_read(&u, UART_LSR) & UART_LSR_THRE) {
		uart_write(&u, UART_RBR_THR, (uint8_t)written);
		written++;
	}
	assert_int_equal(written, UART_TX_RING_BYTES - UART_FIFO_BYTES + 1);
	assert_int_equal(uart_tx_pop(&u, out, sizeof(out)), written);
	for (size_t i = 0; i < written; i++)
		assert_int_equal(out[i], (uint8_t)i);
	assert_true(uart_read(&u, UART_LSR) & UART_LSR_THRE);
}

static void test_uart_a_driver_that_saw_thre_may_write_a_whole_fifo(void **state)
{
	struct uart u = fresh();
	uint8_t out[UART_TX_RING_BYTES];

	(void)state;
	for (int i = 0; i < UART_TX_RING_BYTES - UART_FIFO_BYTES; i++)
		uart_write(&u, UART_RBR_THR, 'a');
	assert_true(uart_read(&u, UART_LSR) & UART_LSR_THRE);
	for (int i = 0; i < UART_FIFO_BYTES; i++)
		uart_write(&u, UART_RBR_THR, 'b');
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_THRE);
	assert_int_equal(uart_tx_pop(&u, out, sizeof(out)), UART_TX_RING_BYTES);
	assert_int_equal(out[UART_TX_RING_BYTES - 1], 'b');
}

static void test_uart_draining_a_full_ring_raises_the_thre_interrupt(void **state)
{
	struct uart u = fresh();
	uint8_t out[UART_TX_RING_BYTES];

	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	uart_write(&u, UART_IER, UART_IER_THRI);
	while (uart_read(&u, UART_LSR) & UART_LSR_THRE)
		uart_write(&u, UART_RBR_THR, '.');
	assert_false(uart_irq(&u));
	(void)uart_tx_pop(&u, out, sizeof(out));
	assert_true(uart_irq(&u));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRI);
}

static void test_uart_enabling_thri_with_thr_empty_raises_the_thre_interrupt(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_true(uart_irq(&u));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRI);
	/* Reading IIR that named THRE cleared it. */
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
	assert_false(uart_irq(&u));
	/* Re-enabling raises it again (the driver's THRE test). */
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRI);
}

static void test_uart_writing_thr_lowers_and_re_raises_the_line(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	uart_write(&u, UART_IER, UART_IER_THRI);
	(void)uart_irq_fell(&u);
	uart_write(&u, UART_RBR_THR, 'x');
	assert_true(uart_irq_fell(&u));
	assert_false(uart_irq_fell(&u));
	assert_true(uart_irq(&u));
}

static void test_uart_out2_gates_the_interrupt_line(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IER, UART_IER_RDI);
	assert_true(uart_rx_push(&u, 'a'));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_RDI);
	assert_false(uart_irq(&u));
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	assert_true(uart_irq(&u));
	uart_write(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	assert_false(uart_irq(&u));
}

static void test_uart_reading_rbr_clears_the_data_interrupt(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	uart_write(&u, UART_IER, UART_IER_RDI);
	assert_true(uart_rx_push(&u, 'a'));
	assert_true(uart_irq(&u));
	assert_int_equal(uart_read(&u, UART_RBR_THR), 'a');
	assert_false(uart_irq(&u));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
}

static void test_uart_fifo_reports_data_at_the_trigger_level_and_timeout_below(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | 0x80);	/* trigger 8 */
	uart_write(&u, UART_IER, UART_IER_RDI);
	for (int i = 0; i < 7; i++)
		assert_true(uart_rx_push(&u, (uint8_t)i));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);
	assert_true(uart_rx_push(&u, 7));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_FIFOS | UART_IIR_RDI);
	for (int i = 0; i < 8; i++)
		assert_int_equal(uart_read(&u, UART_RBR_THR), i);
}

static void test_uart_rx_space_is_the_fifo_room_and_a_full_fifo_refuses(void **state)
{
	struct uart u = fresh();

	(void)state;
	assert_int_equal(uart_rx_space(&u), 1);	/* FIFOs off: one holding register */
	assert_true(uart_rx_push(&u, 'a'));
	assert_int_equal(uart_rx_space(&u), 0);
	assert_false(uart_rx_push(&u, 'b'));
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_OE);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 'a');
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart_rx_space(&u), UART_FIFO_BYTES);
	for (int i = 0; i < UART_FIFO_BYTES; i++)
		assert_true(uart_rx_push(&u, (uint8_t)i));
	assert_false(uart_rx_push(&u, 0xEE));
	for (int i = 0; i < UART_FIFO_BYTES; i++)
		assert_int_equal(uart_read(&u, UART_RBR_THR), i);
}

static void test_uart_loopback_overrun_sets_oe_and_the_line_status_interrupt(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IER, UART_IER_RLSI | UART_IER_RDI);
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	uart_write(&u, UART_RBR_THR, 1);
	uart_write(&u, UART_RBR_THR, 2);	/* FIFOs off: no room */
	/* Line status outranks received data. */
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_RLSI);
	assert_int_equal(uart_read(&u, UART_LSR) & (UART_LSR_OE | UART_LSR_DR),
			 UART_LSR_OE | UART_LSR_DR);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_OE);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_RDI);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 1);
}

static void test_uart_received_data_outranks_thre_which_outranks_modem_status(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IER, UART_IER_RDI | UART_IER_THRI | UART_IER_MSI);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);	/* modem deltas */
	uart_write(&u, UART_MCR, 0);
	assert_true(uart_rx_push(&u, 'z'));
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_RDI);
	(void)uart_read(&u, UART_RBR_THR);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRI);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_MSI);
	(void)uart_read(&u, UART_MSR);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
}

static void test_uart_fcr_clear_rx_empties_the_fifo(void **state)
{
	struct uart u = fresh();

	(void)state;
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_true(uart_rx_push(&u, 1));
	assert_true(uart_rx_push(&u, 2));
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart_rx_space(&u), UART_FIFO_BYTES);
}

/* The 8250 driver's autoconfig and startup, step by step: each check it
 * makes must come out as on a real 16550A. */
static void test_uart_passes_the_8250_probe_as_a_16550a(void **state)
{
	struct uart u = fresh();
	uint8_t scratch, iir1, iir, lsr;

	(void)state;
	/* IER scratch test. */
	uart_write(&u, UART_IER, 0);
	assert_int_equal(uart_read(&u, UART_IER) & 0x0F, 0);
	uart_write(&u, UART_IER, 0x0F);
	assert_int_equal(uart_read(&u, UART_IER) & 0x0F, 0x0F);
	uart_write(&u, UART_IER, 0);
	/* Loopback test: MSR high nibble 0x90. */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | 0x0A);
	assert_int_equal(uart_read(&u, UART_MSR) & 0xF0, 0x90);
	uart_write(&u, UART_MCR, 0);
	/* FIFO detection: IIR bits 7-6 = 11. */
	uart_write(&u, UART_LCR, 0xBF);
	uart_write(&u, UART_IIR_FCR, 0);	/* EFR on a 16650; FCR here */
	uart_write(&u, UART_LCR, 0);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	scratch = uart_read(&u, UART_IIR_FCR) >> 6;
	assert_int_equal(scratch, 3);
	/* No EFR: offset 2 read with LCR 0xBF or 0x80 is IIR, never 0. */
	uart_write(&u, UART_LCR, 0x80);
	assert_int_not_equal(uart_read(&u, UART_IIR_FCR), 0);
	uart_write(&u, UART_LCR, 0xBF);
	assert_int_not_equal(uart_read(&u, UART_IIR_FCR), 0);
	/* Not a NatSemi part: offset 2 with LCR 0xE0 does not follow MCR.LOOP. */
	uart_write(&u, UART_LCR, 0);
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	uart_write(&u, UART_LCR, 0xE0);
	assert_int_equal(uart_read(&u, UART_IIR_FCR) & UART_MCR_LOOP, 0);
	uart_write(&u, UART_LCR, 0);
	uart_write(&u, UART_MCR, 0);
	/* Not a 16750: bit 5 never set, with or without DLAB. */
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | 0x20);
	assert_int_equal(uart_read(&u, UART_IIR_FCR) & 0xE0, 0xC0);
	uart_write(&u, UART_LCR, 0x80);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | 0x20);
	assert_int_equal(uart_read(&u, UART_IIR_FCR) & 0xE0, 0xC0);
	uart_write(&u, UART_LCR, 0);
	/* Not an XScale: IER bit 6 does not stick. */
	uart_write(&u, UART_IER, 0x40);
	assert_int_equal(uart_read(&u, UART_IER) & 0x40, 0);
	uart_write(&u, UART_IER, 0);
	/* Startup: LSR is not 0xFF; then the THRE test must find THRE
	 * re-asserted (else the driver sets UART_BUG_THRE). */
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
	lsr = uart_read(&u, UART_LSR);
	assert_int_not_equal(lsr, 0xFF);
	uart_write(&u, UART_LCR, 0x03);
	uart_write(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);
	uart_write(&u, UART_IER, UART_IER_THRI);
	iir1 = uart_read(&u, UART_IIR_FCR);
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_IER, UART_IER_THRI);
	iir = uart_read(&u, UART_IIR_FCR);
	uart_write(&u, UART_IER, 0);
	assert_false(iir1 & UART_IIR_NO_INT);
	assert_false(iir & UART_IIR_NO_INT);
	assert_true(uart_read(&u, UART_LSR) & UART_LSR_TEMT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart_scratch_register_keeps_what_is_written),
		cmocka_unit_test(test_uart_ier_keeps_only_its_low_four_bits),
		cmocka_unit_test(test_uart_dlab_exposes_the_divisor_latch_in_place_of_rbr_and_ier),
		cmocka_unit_test(test_uart_loopback_wires_mcr_outputs_to_msr_inputs),
		cmocka_unit_test(test_uart_msr_deltas_record_changes_and_clear_on_read),
		cmocka_unit_test(test_uart_loopback_returns_transmitted_bytes_to_the_receiver),
		cmocka_unit_test(test_uart_iir_reports_fifos_in_bits_6_and_7_only_while_enabled),
		cmocka_unit_test(test_uart_transmitted_bytes_reach_the_host_in_order),
		cmocka_unit_test(test_uart_thr_is_busy_while_the_host_has_not_drained_the_ring),
		cmocka_unit_test(test_uart_a_driver_that_saw_thre_may_write_a_whole_fifo),
		cmocka_unit_test(test_uart_draining_a_full_ring_raises_the_thre_interrupt),
		cmocka_unit_test(test_uart_enabling_thri_with_thr_empty_raises_the_thre_interrupt),
		cmocka_unit_test(test_uart_writing_thr_lowers_and_re_raises_the_line),
		cmocka_unit_test(test_uart_out2_gates_the_interrupt_line),
		cmocka_unit_test(test_uart_reading_rbr_clears_the_data_interrupt),
		cmocka_unit_test(test_uart_fifo_reports_data_at_the_trigger_level_and_timeout_below),
		cmocka_unit_test(test_uart_rx_space_is_the_fifo_room_and_a_full_fifo_refuses),
		cmocka_unit_test(test_uart_loopback_overrun_sets_oe_and_the_line_status_interrupt),
		cmocka_unit_test(test_uart_received_data_outranks_thre_which_outranks_modem_status),
		cmocka_unit_test(test_uart_fcr_clear_rx_empties_the_fifo),
		cmocka_unit_test(test_uart_passes_the_8250_probe_as_a_16550a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
