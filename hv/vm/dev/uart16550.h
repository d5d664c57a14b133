/* A 16550A UART (the PC's COM1: ports 0x3F8..0x3FF, IRQ 4) as a pure state
 * machine (README: The Linux guest's platform).
 *
 * The guest sees the eight registers of the National Semiconductor PC16550D
 * datasheet: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR, and DLL/DLM
 * when LCR.DLAB is set. Transmission is instantaneous: a byte written to THR
 * goes to an output ring that the caller drains with uart_tx_pop(); while
 * that ring is full THR stays busy (LSR.THRE = 0), so nothing the guest
 * prints is lost. Reception: the caller pushes host bytes with uart_rx_push()
 * only while uart_rx_space() says there is room (the 16-byte receive FIFO,
 * one byte with FIFOs off), so the host keeps what the guest has not yet
 * taken and no input is dropped.
 *
 * The interrupt output is uart_irq(): an interrupt is pending (IIR bit 0
 * clear) and MCR.OUT2 is set, as on the PC where OUT2 gates the IRQ buffer.
 * The 8259A latches edges, and one access can lower and raise the line
 * (writing THR clears and at once re-arms the THRE interrupt), so the
 * device also remembers that the line fell: uart_irq_fell() reports and
 * forgets it, and the caller then gives the PIC a low before the level. */
#ifndef HV_VM_DEV_UART16550_H
#define HV_VM_DEV_UART16550_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define UART_COM1_BASE		0x3F8
#define UART_FIFO_BYTES		16
#define UART_TX_RING_BYTES	256	/* power of two */

/* Register offsets from the base port. */
enum {
	UART_RBR_THR = 0, UART_IER = 1, UART_IIR_FCR = 2, UART_LCR = 3,
	UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

/* Bits named by the datasheet. */
#define UART_IER_RDI	0x01	/* received data available */
#define UART_IER_THRI	0x02	/* THR empty */
#define UART_IER_RLSI	0x04	/* receiver line status */
#define UART_IER_MSI	0x08	/* modem status */
#define UART_IIR_NO_INT	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_TIMEOUT 0x0C
#define UART_IIR_FIFOS	0xC0	/* both bits set: the FIFOs are enabled */
#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_LCR_DLAB	0x80
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_MSR_DCTS	0x01
#define UART_MSR_DDSR	0x02
#define UART_MSR_TERI	0x04
#define UART_MSR_DDCD	0x08
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t fcr;			/* as written, minus the self-clearing bits */
	uint8_t msr;			/* status bits and delta bits */
	bool overrun;			/* LSR.OE until LSR is read */
	bool thr_ipending;		/* the THRE interrupt is armed */
	bool irq_fell;			/* the output went low since uart_irq_fell() */
	bool irq_level;			/* the output as last computed */
	uint8_t rx[UART_FIFO_BYTES];
	uint8_t rx_head, rx_count;
	uint8_t tx[UART_TX_RING_BYTES];
	uint16_t tx_head, tx_count;
};

/* Power-on state: FIFOs off, 8 data bits not yet set (LCR 0), divisor 12
 * (9600 baud), a terminal connected (CTS, DSR, DCD). */
void uart_init(struct uart *u);

/* Guest accesses; offset is the port minus the base (0..7). */
uint8_t uart_read(struct uart *u, uint8_t offset);
void uart_write(struct uart *u, uint8_t offset, uint8_t v);

/* Host side of the receiver: room for uart_rx_push() calls, then one
 * byte. uart_rx_push() returns false (and keeps nothing) when full. */
size_t uart_rx_space(const struct uart *u);
bool uart_rx_push(struct uart *u, uint8_t byte);

/* Host side of the transmitter: moves up to max bytes the guest wrote into
 * out and returns how many; freeing the ring re-arms THRE. */
size_t uart_tx_pop(struct uart *u, uint8_t *out, size_t max);

/* The interrupt output (after OUT2 gating), and whether it fell since the
 * last call of uart_irq_fell() (which forgets it). */
bool uart_irq(const struct uart *u);
bool uart_irq_fell(struct uart *u);

#endif
