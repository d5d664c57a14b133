/* 16550-compatible UART at COM1, polled (register map: PC16550D data
 * sheet, the de-facto standard every PC and QEMU's serial device follow). */
#include "serial.h"

#include <stdint.h>
#include "cpu.h"

#define COM1		0x3F8
#define UART_DATA	0	/* RBR/THR; DLL when LCR.DLAB */
#define UART_IER	1	/* DLM when LCR.DLAB */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define FCR_TRIGGER_14	0xC0
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT2	0x08
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

#define UART_CLOCK_HZ	115200	/* 1.8432 MHz / 16 */
#define BAUD		115200

/* A transmitter that never drains (a wedged or missing UART) must not hang
 * the hypervisor: give up on a byte after this many polls. */
#define TX_SPIN_MAX	1000000

static bool serial_present;

bool serial_init(void)
{
	uint16_t divisor = UART_CLOCK_HZ / BAUD;

	/* The scratch register holds what was written only if a UART is
	 * there; an empty port reads back 0xFF. */
	outb(COM1 + UART_SCR, 0x5A);
	if (inb(COM1 + UART_SCR) != 0x5A) {
		serial_present = false;
		return false;
	}

	outb(COM1 + UART_IER, 0x00);		/* polled: no interrupts */
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, divisor & 0xFF);
	outb(COM1 + UART_IER, divisor >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_14);
	outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	serial_present = true;
	return true;
}

static void serial_tx(uint8_t b)
{
	for (unsigned spin = 0; spin < TX_SPIN_MAX; spin++) {
		if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY) {
			outb(COM1 + UART_DATA, b);
			return;
		}
		cpu_pause();
	}
}

void serial_putc(char c)
{
	if (!serial_present)
		return;
	if (c == '\n')
		serial_tx('\r');
	serial_tx((uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

int serial_getc_nonblock(void)
{
	if (!serial_present || !(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_DATA);
}
