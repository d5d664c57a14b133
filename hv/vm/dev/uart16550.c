/* The 16550A UART's registers (README: The Linux guest's platform). Rules
 * from the National Semiconductor PC16550D datasheet: the interrupt
 * priorities of table 4 (line status, received data or character timeout,
 * THR empty, modem status), the loopback wiring of MCR bit 4 (RTS->CTS,
 * DTR->DSR, OUT1->RI, OUT2->DCD), IIR bits 6-7 set while FCR enables the
 * FIFOs. */
#include "uart16550.h"

static bool fifo_on(const struct uart *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* FCR bits 7-6: the receive FIFO's trigger level in bytes. */
static uint8_t rx_trigger(const struct uart *u)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };

	return level[u->fcr >> 6];
}

/* The transmitter takes a byte (THRE) while the ring has room for a whole
 * transmit FIFO's worth, since a driver that sees THRE may write 16. */
static bool thr_empty(const struct uart *u)
{
	return u->tx_count <= UART_TX_RING_BYTES - UART_FIFO_BYTES;
}

/* The highest-priority pending source, as IIR bits 3-0. The character
 * timeout (FIFO on, fewer bytes than the trigger level) is reported at once
 * instead of after four character times: there is no line to wait for. */
static uint8_t source(const struct uart *u)
{
	if ((u->ier & UART_IER_RLSI) && u->overrun)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count) {
		if (!fifo_on(u) || u->rx_count >= rx_trigger(u))
			return UART_IIR_RDI;
		return UART_IIR_TIMEOUT;
	}
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & 0x0F))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* In loopback the four modem outputs are forced inactive, OUT2 with them,
 * so the PC's IRQ buffer is off as well. */
static void update_irq(struct uart *u)
{
	bool level = source(u) != UART_IIR_NO_INT && (u->mcr & UART_MCR_OUT2) &&
		     !(u->mcr & UART_MCR_LOOP);

	if (u->irq_level && !level)
		u->irq_fell = true;
	u->irq_level = level;
}

/* The modem inputs: a terminal is connected (CTS, DSR, DCD), or in
 * loopback the outputs of MCR. Changes set the delta bits 3-0. */
static void set_modem_inputs(struct uart *u)
{
	uint8_t in, old = u->msr;

	if (u->mcr & UART_MCR_LOOP) {
		in = 0;
		if (u->mcr & UART_MCR_RTS)
			in |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_DTR)
			in |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_OUT1)
			in |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			in |= UART_MSR_DCD;
	} else {
		in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	}
	u->msr = (uint8_t)(in | (old & 0x0F));
	if ((old ^ in) & UART_MSR_CTS)
		u->msr |= UART_MSR_DCTS;
	if ((old ^ in) & UART_MSR_DSR)
		u->msr |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(in & UART_MSR_RI))
		u->msr |= UART_MSR_TERI;
	if ((old ^ in) & UART_MSR_DCD)
		u->msr |= UART_MSR_DDCD;
}

void uart_init(struct uart *u)
{
	*u = (struct uart){ .dll = 12 };
	set_modem_inputs(u);
	u->msr &= 0xF0;
}

/* A byte arriving at the receiver: with the FIFO full (or the holding
 * register full, FIFOs off) it is lost and LSR.OE is set. */
static void receive(struct uart *u, uint8_t byte)
{
	size_t cap = fifo_on(u) ? UART_FIFO_BYTES : 1;

	if (u->rx_count >= cap) {
		u->overrun = true;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_BYTES] = byte;
	u->rx_count++;
}

static uint8_t take_rx(struct uart *u)
{
	uint8_t b;

	if (!u->rx_count)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO_BYTES);
	u->rx_count--;
	return b;
}

static void transmit(struct uart *u, uint8_t byte)
{
	u->thr_ipending = false;
	update_irq(u);
	if (u->mcr & UART_MCR_LOOP) {
		receive(u, byte);
	} else if (u->tx_count < UART_TX_RING_BYTES) {
		u->tx[(u->tx_head + u->tx_count) % UART_TX_RING_BYTES] = byte;
		u->tx_count++;
	}
	/* A full ring keeps THRE clear, so a driver that waits for THRE never
	 * gets here with no room; one that does not loses the byte, as a
	 * 16550A overwriting a full transmit FIFO does. */
	if (thr_empty(u))
		u->thr_ipending = true;
}

uint8_t uart_read(struct uart *u, uint8_t offset)
{
	uint8_t v = 0xFF, src;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset & 7) {
	case UART_RBR_THR:
		v = dlab ? u->dll : take_rx(u);
		break;
	case UART_IER:
		v = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR_FCR:
		src = source(u);
		v = (uint8_t)(src | (fifo_on(u) ? UART_IIR_FIFOS : 0));
		/* Reading IIR while it names THRE clears that interrupt. */
		if (src == UART_IIR_THRI)
			u->thr_ipending = false;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = 0;
		if (u->rx_count)
			v |= UART_LSR_DR;
		if (u->overrun)
			v |= UART_LSR_OE;
		if (thr_empty(u))
			v |= UART_LSR_THRE;
		if (!u->tx_count)
			v |= UART_LSR_TEMT;
		u->overrun = false;
		break;
	case UART_MSR:
		v = u->msr;
		u->msr &= 0xF0;
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

void uart_write(struct uart *u, uint8_t offset, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t old;

	switch (offset & 7) {
	case UART_RBR_THR:
		if (dlab)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		old = u->ier;
		u->ier = v & 0x0F;
		/* Enabling the THRE interrupt with THR empty raises it at once
		 * (the datasheet's IER bit 1; drivers test for this). */
		if (!(old & UART_IER_THRI) && (u->ier & UART_IER_THRI) && thr_empty(u))
			u->thr_ipending = true;
		break;
	case UART_IIR_FCR:
		/* Toggling the enable bit empties the FIFOs; without it the
		 * other bits are not programmed. */
		if ((v ^ u->fcr) & UART_FCR_ENABLE)
			u->rx_count = 0;
		if (!(v & UART_FCR_ENABLE)) {
			u->fcr = 0;
			break;
		}
		if (v & UART_FCR_CLEAR_RX)
			u->rx_count = 0;
		u->fcr = v & 0xC9;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1F;
		set_modem_inputs(u);
		break;
	case UART_LSR:
	case UART_MSR:
		break;	/* factory test registers: writes have no defined effect */
	case UART_SCR:
		u->scr = v;
		break;
	}
	if (!u->rx_count)
		u->rx_head = 0;
	update_irq(u);
}

size_t uart_rx_space(const struct uart *u)
{
	size_t cap = fifo_on(u) ? UART_FIFO_BYTES : 1;

	/* In loopback the serial input is disconnected: the host waits. */
	if (u->mcr & UART_MCR_LOOP)
		return 0;
	return u->rx_count >= cap ? 0 : cap - u->rx_count;
}

bool uart_rx_push(struct uart *u, uint8_t byte)
{
	if (!uart_rx_space(u))
		return false;
	receive(u, byte);
	update_irq(u);
	return true;
}

size_t uart_tx_pop(struct uart *u, uint8_t *out, size_t max)
{
	bool was_busy = !thr_empty(u);
	size_t n = 0;

	while (n < max && u->tx_count) {
		out[n++] = u->tx[u->tx_head];
		u->tx_head = (uint16_t)((u->tx_head + 1) % UART_TX_RING_BYTES);
		u->tx_count--;
	}
	if (was_busy && thr_empty(u)) {
		u->thr_ipending = true;
		update_irq(u);
	}
	return n;
}

bool uart_irq(const struct uart *u)
{
	return u->irq_level;
}

bool uart_irq_fell(struct uart *u)
{
	bool fell = u->irq_fell;

	u->irq_fell = false;
	return fell;
}
