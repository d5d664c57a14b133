/* The port map and interrupt wiring of the Linux guest's platform (README:
 * The Linux guest's platform). ISA devices have byte registers: a wider
 * access is split into byte accesses on consecutive ports, low byte first,
 * as the bus does. */
#include "platform.h"

#define PORT_DELAY	0x80	/* the POST port, written for I/O delays */
#define PORT_DELAY_ALT	0xED

static void wire(struct platform *p, uint64_t pit_edges);

bool platform_init(struct platform *p, const struct rtc_time *now)
{
	bool ok;

	*p = (struct platform){ 0 };
	pic_init(&p->pic);
	pit_init(&p->pit);
	uart_init(&p->com1);
	ok = rtc_init(&p->rtc, now);
	i8042_init(&p->kbc);
	reset_init(&p->reset);
	pci_none_init(&p->pci);
	wire(p, 0);	/* the PIC's inputs start at the devices' outputs */
	return ok;
}

/* Drives the PIC's inputs from the devices' outputs. A line that fell
 * during an access is lowered first, so that the edge-triggered PIC sees
 * it rise again; pit_edges rising edges of counter 0 are one pulse (the
 * IRR latch holds one). */
static void wire(struct platform *p, uint64_t pit_edges)
{
	if (pit_edges) {
		pic_set_irq(&p->pic, PLATFORM_IRQ_PIT, false);
		pic_set_irq(&p->pic, PLATFORM_IRQ_PIT, true);
	}
	pic_set_irq(&p->pic, PLATFORM_IRQ_PIT, pit_irq(&p->pit));
	if (i8042_irq_fell(&p->kbc))
		pic_set_irq(&p->pic, PLATFORM_IRQ_I8042, false);
	pic_set_irq(&p->pic, PLATFORM_IRQ_I8042, i8042_irq(&p->kbc));
	if (uart_irq_fell(&p->com1))
		pic_set_irq(&p->pic, PLATFORM_IRQ_COM1, false);
	pic_set_irq(&p->pic, PLATFORM_IRQ_COM1, uart_irq(&p->com1));
	pic_set_irq(&p->pic, PLATFORM_IRQ_RTC, rtc_irq(&p->rtc));
}

/* One byte access; returns whether a device claims the port. */
static bool io_byte(struct platform *p, uint16_t port, bool is_write, uint8_t *v)
{
	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
	case PIC_ELCR_MASTER:
	case PIC_ELCR_SLAVE:
		if (is_write)
			pic_write(&p->pic, port, *v);
		else
			*v = pic_read(&p->pic, port);
		return true;
	case PIT_PORT_CH0:
	case PIT_PORT_CH0 + 1:
	case PIT_PORT_CH0 + 2:
	case PIT_PORT_CTRL:
	case PIT_PORT_B:
		if (is_write)
			pit_write(&p->pit, port, *v);
		else
			*v = pit_read(&p->pit, port);
		return true;
	case I8042_PORT_DATA:
	case I8042_PORT_CMD:
		if (is_write)
			i8042_write(&p->kbc, port, *v);
		else
			*v = i8042_read(&p->kbc, port);
		return true;
	case RTC_PORT_INDEX:
	case RTC_PORT_DATA:
		if (is_write)
			rtc_write(&p->rtc, port, *v);
		else
			*v = rtc_read(&p->rtc, port);
		return true;
	case RESET_PORT_CF9:
	case RESET_PORT_92:
		if (is_write)
			reset_write(&p->reset, port, *v);
		else
			*v = reset_read(&p->reset, port);
		return true;
	case PORT_DELAY:
	case PORT_DELAY_ALT:
		if (!is_write)
			*v = 0xFF;
		return true;
	default:
		break;
	}
	if (port >= UART_COM1_BASE && port < UART_COM1_BASE + 8) {
		if (is_write)
			uart_write(&p->com1, (uint8_t)(port - UART_COM1_BASE), *v);
		else
			*v = uart_read(&p->com1, (uint8_t)(port - UART_COM1_BASE));
		return true;
	}
	if (!is_write)
		*v = 0xFF;
	return false;
}

bool platform_io(struct platform *p, uint16_t port, unsigned size, bool is_write,
		 uint32_t *value)
{
	bool known = true;
	uint32_t out = 0;

	if (size != 1 && size != 2 && size != 4)
		size = 1;	/* an IOIO exit names only these; be safe */
	if (pci_none_claims(port, size)) {
		if (is_write)
			pci_none_write(&p->pci, port, size, *value);
		else
			*value = pci_none_read(&p->pci, port, size);
		return true;
	}
	for (unsigned i = 0; i < size; i++) {
		uint16_t at = (uint16_t)(port + i);
		uint8_t b = (uint8_t)(*value >> (8 * i));

		if (!io_byte(p, at, is_write, &b))
			known = false;
		out |= (uint32_t)b << (8 * i);
	}
	if (!is_write)
		*value = out;
	if (!known) {
		if (is_write)
			p->unknown_writes++;
		else
			p->unknown_reads++;
		p->last_unknown_port = port;
	}
	wire(p, 0);
	return known;
}

/* Called at every exit of the guest: only time moved, so the PIC is
 * driven again only when a timer's output did (it costs more than the
 * ticks, and the other devices change only on port accesses, which drive
 * it themselves). */
void platform_advance(struct platform *p, uint64_t ns)
{
	bool pit_was = pit_irq(&p->pit), rtc_was = rtc_irq(&p->rtc);
	uint64_t edges = pit_tick(&p->pit, ns);

	rtc_tick(&p->rtc, ns);
	if (edges || pit_irq(&p->pit) != pit_was || rtc_irq(&p->rtc) != rtc_was)
		wire(p, edges);
}

int platform_pending_vector(const struct platform *p)
{
	return pic_pending_vector(&p->pic);
}

uint8_t platform_ack(struct platform *p)
{
	return pic_ack(&p->pic);
}

uint64_t platform_ns_to_event(const struct platform *p)
{
	uint64_t pit = pit_ns_to_irq(&p->pit), rtc = rtc_ns_to_irq(&p->rtc);

	return pit < rtc ? pit : rtc;
}

bool platform_reset_requested(const struct platform *p)
{
	return i8042_reset_requested(&p->kbc) || reset_requested(&p->reset);
}

size_t platform_console_out(struct platform *p, uint8_t *out, size_t max)
{
	size_t n = uart_tx_pop(&p->com1, out, max);

	/* Called at every exit: the UART's interrupt can change only when
	 * bytes left its ring. */
	if (n)
		wire(p, 0);
	return n;
}

size_t platform_console_in_space(const struct platform *p)
{
	return uart_rx_space(&p->com1);
}

bool platform_console_in(struct platform *p, uint8_t byte)
{
	bool ok = uart_rx_push(&p->com1, byte);

	wire(p, 0);
	return ok;
}
