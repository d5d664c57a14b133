/* hv/vm/dev/pic8259.c against the Intel 8259A datasheet, programmed the
 * way the PC's BIOS and Linux program the pair. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/vm/dev/pic8259.h"

/* ICW1-ICW4 for both chips: vectors 0x20 and 0x28, slave on IR2, 8086
 * mode, normal EOI; everything unmasked. */
static struct pic programmed(void)
{
	struct pic p;

	pic_init(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	pic_write(&p, PIC_MASTER_DATA, 0x20);
	pic_write(&p, PIC_MASTER_DATA, 0x04);
	pic_write(&p, PIC_MASTER_DATA, 0x01);
	pic_write(&p, PIC_SLAVE_CMD, 0x11);
	pic_write(&p, PIC_SLAVE_DATA, 0x28);
	pic_write(&p, PIC_SLAVE_DATA, 0x02);
	pic_write(&p, PIC_SLAVE_DATA, 0x01);
	pic_write(&p, PIC_MASTER_DATA, 0x00);
	pic_write(&p, PIC_SLAVE_DATA, 0x00);
	return p;
}

static void pulse(struct pic *p, unsigned irq)
{
	pic_set_irq(p, irq, true);
	pic_set_irq(p, irq, false);
}

static void test_pic_icw2_sets_the_vector_base_of_each_chip(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 1);
	assert_int_equal(pic_pending_vector(&p), 0x21);
	assert_int_equal(pic_ack(&p), 0x21);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	pulse(&p, 12);
	assert_int_equal(pic_ack(&p), 0x2C);
}

static void test_pic_nothing_is_delivered_between_icw1_and_the_last_icw(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	pic_write(&p, PIC_MASTER_DATA, 0x30);
	pulse(&p, 3);
	assert_int_equal(pic_pending_vector(&p), -1);
	pic_write(&p, PIC_MASTER_DATA, 0x04);
	pic_write(&p, PIC_MASTER_DATA, 0x01);
	assert_int_equal(pic_pending_vector(&p), 0x33);
}

static void test_pic_single_mode_without_icw4_needs_only_icw2(void **state)
{
	struct pic p;

	(void)state;
	pic_init(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x12);	/* SNGL, no IC4 */
	pic_write(&p, PIC_MASTER_DATA, 0x40);
	pic_write(&p, PIC_MASTER_DATA, 0x01);	/* already OCW1 */
	assert_int_equal(pic_read(&p, PIC_MASTER_DATA), 0x01);
	pulse(&p, 1);
	assert_int_equal(pic_pending_vector(&p), 0x41);
}

static void test_pic_icw1_clears_imr_and_isr(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_MASTER_DATA, 0xAA);
	pulse(&p, 0);
	(void)pic_ack(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x0B);	/* OCW3: read ISR */
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x01);
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	assert_int_equal(pic_read(&p, PIC_MASTER_DATA), 0x00);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x00);	/* IRR selected, empty */
}

static void test_pic_imr_masks_delivery_but_not_the_irr_latch(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_MASTER_DATA, 0x10);
	pulse(&p, 4);
	assert_int_equal(pic_pending_vector(&p), -1);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x10);	/* IRR */
	pic_write(&p, PIC_MASTER_DATA, 0x00);
	assert_int_equal(pic_pending_vector(&p), 0x24);
}

static void test_pic_edge_input_latches_once_per_rising_edge(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_set_irq(&p, 4, true);
	assert_int_equal(pic_ack(&p), 0x24);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	/* Still high: no new edge, nothing pending. */
	pic_set_irq(&p, 4, true);
	assert_int_equal(pic_pending_vector(&p), -1);
	pic_set_irq(&p, 4, false);
	pic_set_irq(&p, 4, true);
	assert_int_equal(pic_pending_vector(&p), 0x24);
}

static void test_pic_elcr_level_input_follows_its_line(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_ELCR_SLAVE, 0x08);	/* IRQ 11 level-triggered */
	assert_int_equal(pic_read(&p, PIC_ELCR_SLAVE), 0x08);
	pic_set_irq(&p, 11, true);
	assert_int_equal(pic_ack(&p), 0x2B);
	pic_write(&p, PIC_SLAVE_CMD, 0x20);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	/* Still high after EOI: requested again. */
	assert_int_equal(pic_pending_vector(&p), 0x2B);
	pic_set_irq(&p, 11, false);
	/* The slave's IRR follows the line; the master's edge-triggered IR2
	 * had latched, so only the spurious IR15 vector is left. */
	pic_write(&p, PIC_SLAVE_CMD, 0x0A);
	assert_int_equal(pic_read(&p, PIC_SLAVE_CMD), 0x00);
	assert_int_equal(pic_pending_vector(&p), 0x2F);
}

static void test_pic_elcr_keeps_irq_0_1_2_8_13_edge_triggered(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_ELCR_MASTER, 0xFF);
	pic_write(&p, PIC_ELCR_SLAVE, 0xFF);
	assert_int_equal(pic_read(&p, PIC_ELCR_MASTER), 0xF8);
	assert_int_equal(pic_read(&p, PIC_ELCR_SLAVE), 0xDE);
}

static void test_pic_lower_irq_number_wins_by_default(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 5);
	pulse(&p, 3);
	assert_int_equal(pic_ack(&p), 0x23);
	/* IR5 waits behind IR3 in service. */
	assert_int_equal(pic_pending_vector(&p), -1);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_int_equal(pic_ack(&p), 0x25);
}

static void test_pic_higher_priority_request_nests_over_one_in_service(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 4);
	assert_int_equal(pic_ack(&p), 0x24);
	pulse(&p, 1);
	assert_int_equal(pic_ack(&p), 0x21);
	pic_write(&p, PIC_MASTER_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x12);
	/* Non-specific EOI ends the highest in service: IR1. */
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x10);
}

static void test_pic_specific_eoi_clears_the_named_level(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 4);
	(void)pic_ack(&p);
	pulse(&p, 1);
	(void)pic_ack(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x64);	/* specific EOI, IR4 */
	pic_write(&p, PIC_MASTER_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x02);
}

static void test_pic_rotate_on_eoi_makes_the_served_level_lowest(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 3);
	assert_int_equal(pic_ack(&p), 0x23);
	pic_write(&p, PIC_MASTER_CMD, 0xA0);	/* rotate on non-specific EOI */
	/* IR4 is now the highest, IR3 the lowest. */
	pulse(&p, 3);
	pulse(&p, 5);
	pulse(&p, 4);
	assert_int_equal(pic_ack(&p), 0x24);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_int_equal(pic_ack(&p), 0x25);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_int_equal(pic_ack(&p), 0x23);
}

static void test_pic_set_priority_command_names_the_lowest_level(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_MASTER_CMD, 0xC5);	/* IR5 lowest: IR6 highest */
	pulse(&p, 0);
	pulse(&p, 6);
	assert_int_equal(pic_ack(&p), 0x26);
}

static void test_pic_auto_eoi_leaves_isr_empty(void **state)
{
	struct pic p;

	(void)state;
	pic_init(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	pic_write(&p, PIC_MASTER_DATA, 0x20);
	pic_write(&p, PIC_MASTER_DATA, 0x04);
	pic_write(&p, PIC_MASTER_DATA, 0x03);	/* AEOI */
	pulse(&p, 6);
	assert_int_equal(pic_ack(&p), 0x26);
	pic_write(&p, PIC_MASTER_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x00);
	pulse(&p, 7);
	assert_int_equal(pic_pending_vector(&p), 0x27);
}

static void test_pic_slave_requests_arrive_through_the_cascade(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 8);
	assert_int_equal(pic_pending_vector(&p), 0x28);
	assert_int_equal(pic_ack(&p), 0x28);
	/* Both chips have the request in service. */
	pic_write(&p, PIC_MASTER_CMD, 0x0B);
	pic_write(&p, PIC_SLAVE_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x04);
	assert_int_equal(pic_read(&p, PIC_SLAVE_CMD), 0x01);
}

static void test_pic_second_slave_request_comes_after_both_eois(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 12);
	pulse(&p, 8);
	assert_int_equal(pic_ack(&p), 0x28);
	assert_int_equal(pic_pending_vector(&p), -1);
	pic_write(&p, PIC_SLAVE_CMD, 0x20);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_int_equal(pic_ack(&p), 0x2C);
}

static void test_pic_masking_the_cascade_masks_every_slave_irq(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_MASTER_DATA, 0x04);
	pulse(&p, 9);
	assert_int_equal(pic_pending_vector(&p), -1);
	pic_write(&p, PIC_MASTER_DATA, 0x00);
	assert_int_equal(pic_pending_vector(&p), 0x29);
}

static void test_pic_vanished_level_request_gives_the_spurious_ir7_vector(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_ELCR_MASTER, 0x20);	/* IRQ 5 level */
	pic_set_irq(&p, 5, true);
	assert_int_equal(pic_pending_vector(&p), 0x25);
	pic_set_irq(&p, 5, false);
	/* INTA with no request: IR7's vector, nothing put in service. */
	assert_int_equal(pic_ack(&p), 0x27);
	pic_write(&p, PIC_MASTER_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x00);
}

static void test_pic_vanished_slave_request_gives_the_spurious_ir15_vector(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_write(&p, PIC_ELCR_SLAVE, 0x10);	/* IRQ 12 level */
	pic_set_irq(&p, 12, true);
	pic_set_irq(&p, 12, false);
	/* The master latched the cascade's edge; the slave has nothing. */
	assert_int_equal(pic_pending_vector(&p), 0x2F);
	assert_int_equal(pic_ack(&p), 0x2F);
	pic_write(&p, PIC_SLAVE_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_SLAVE_CMD), 0x00);
}

static void test_pic_poll_command_acknowledges_and_reports_the_level(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 6);
	pic_write(&p, PIC_MASTER_CMD, 0x0C);	/* OCW3 poll */
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x86);
	pic_write(&p, PIC_MASTER_CMD, 0x0C);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x00);
	pic_write(&p, PIC_MASTER_CMD, 0x0B);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0x40);
}

static void test_pic_special_mask_mode_lets_lower_levels_through(void **state)
{
	struct pic p = programmed();

	(void)state;
	pulse(&p, 3);
	assert_int_equal(pic_ack(&p), 0x23);
	pic_write(&p, PIC_MASTER_DATA, 0x08);	/* mask IR3, in service */
	pic_write(&p, PIC_MASTER_CMD, 0x68);	/* set special mask */
	pulse(&p, 5);
	assert_int_equal(pic_pending_vector(&p), 0x25);
	pic_write(&p, PIC_MASTER_CMD, 0x48);	/* reset special mask */
	assert_int_equal(pic_pending_vector(&p), -1);
}

static void test_pic_nothing_is_delivered_before_the_guest_programs_the_chips(void **state)
{
	struct pic p;

	(void)state;
	pic_init(&p);
	pic_set_irq(&p, 0, true);
	pic_set_irq(&p, 8, true);
	assert_int_equal(pic_pending_vector(&p), -1);
	assert_int_equal(pic_read(&p, PIC_MASTER_DATA), 0xFF);
	assert_int_equal(pic_read(&p, PIC_SLAVE_DATA), 0xFF);
}

static void test_pic_inputs_2_and_beyond_15_are_not_lines(void **state)
{
	struct pic p = programmed();

	(void)state;
	pic_set_irq(&p, 2, true);
	pic_set_irq(&p, 16, true);
	pic_set_irq(&p, 1000, true);
	assert_int_equal(pic_pending_vector(&p), -1);
	assert_int_equal(pic_read(&p, 0x22), 0xFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pic_icw2_sets_the_vector_base_of_each_chip),
		cmocka_unit_test(test_pic_nothing_is_delivered_between_icw1_and_the_last_icw),
		cmocka_unit_test(test_pic_single_mode_without_icw4_needs_only_icw2),
		cmocka_unit_test(test_pic_icw1_clears_imr_and_isr),
		cmocka_unit_test(test_pic_imr_masks_delivery_but_not_the_irr_latch),
		cmocka_unit_test(test_pic_edge_input_latches_once_per_rising_edge),
		cmocka_unit_test(test_pic_elcr_level_input_follows_its_line),
		cmocka_unit_test(test_pic_elcr_keeps_irq_0_1_2_8_13_edge_triggered),
		cmocka_unit_test(test_pic_lower_irq_number_wins_by_default),
		cmocka_unit_test(test_pic_higher_priority_request_nests_over_one_in_service),
		cmocka_unit_test(test_pic_specific_eoi_clears_the_named_level),
		cmocka_unit_test(test_pic_rotate_on_eoi_makes_the_served_level_lowest),
		cmocka_unit_test(test_pic_set_priority_command_names_the_lowest_level),
		cmocka_unit_test(test_pic_auto_eoi_leaves_isr_empty),
		cmocka_unit_test(test_pic_slave_requests_arrive_through_the_cascade),
		cmocka_unit_test(test_pic_second_slave_request_comes_after_both_eois),
		cmocka_unit_test(test_pic_masking_the_cascade_masks_every_slave_irq),
		cmocka_unit_test(test_pic_vanished_level_request_gives_the_spurious_ir7_vector),
		cmocka_unit_test(test_pic_vanished_slave_request_gives_the_spurious_ir15_vector),
		cmocka_unit_test(test_pic_poll_command_acknowledges_and_reports_the_level),
		cmocka_unit_test(test_pic_special_mask_mode_lets_lower_levels_through),
		cmocka_unit_test(test_pic_nothing_is_delivered_before_the_guest_programs_the_chips),
		cmocka_unit_test(test_pic_inputs_2_and_beyond_15_are_not_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
