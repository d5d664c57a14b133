/* libFuzzer harness for hv/vm/dev/platform.c: random port traffic, time
 * and host console traffic through the whole platform. Each operation is
 * one byte (its low 3 bits pick the kind) and its operands:
 *   0-2  I/O to a port of the platform's map: index, size, direction, value
 *   3    I/O to any 16-bit port
 *   4    advance by a 32-bit number of ns (times 2^k for a high bit)
 *   5    INTA, when an interrupt is pending
 *   6    host types a byte
 *   7    host drains the UART
 * Invariants: nothing crashes; a pending vector is what INTA then gives,
 * and lies in one PIC's block of 8; unclaimed reads are all ones; the
 * UART's queues stay within bounds; the console takes input exactly when
 * it says it has room. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "hv/vm/dev/platform.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static const uint16_t ports[] = {
	0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1, 0x40, 0x41, 0x42, 0x43, 0x61,
	0x60, 0x64, 0x70, 0x71, 0x92, 0xCF8, 0xCF9, 0xCFC, 0xCFE, 0x80,
	0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x3FE, 0x3FF,
};

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint32_t take32(struct input *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)take(in) << (8 * i);
	return v;
}

static void io(struct platform *p, uint16_t port, uint8_t how, uint32_t value)
{
	static const unsigned sizes[4] = { 1, 2, 4, 1 };
	unsigned size = sizes[how & 3];
	bool write = how & 4;
	uint32_t v = value;
	bool known = platform_io(p, port, size, write, &v);

	if (!write && !known) {
		/* Every unclaimed byte reads 0xFF; claimed bytes in the same
		 * access may differ, so only a fully unknown access is checked. */
		bool all_unknown = true;
		for (unsigned i = 0; i < size; i++) {
			uint32_t b = 0;
			struct platform copy = *p;
			if (platform_io(&copy, (uint16_t)(port + i), 1, false, &b))
				all_unknown = false;
		}
		if (all_unknown)
			CHECK(v == (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1));
	}
}

static void check_state(struct platform *p)
{
	int vec = platform_pending_vector(p);
	uint8_t bases[2] = { p->pic.chip[0].base, p->pic.chip[1].base };

	CHECK(vec >= -1 && vec <= 255);
	if (vec >= 0)
		CHECK(((unsigned)vec & ~7u) == bases[0] || ((unsigned)vec & ~7u) == bases[1]);
	CHECK(p->com1.rx_count <= UART_FIFO_BYTES);
	CHECK(p->com1.tx_count <= UART_TX_RING_BYTES);
	CHECK(p->kbc.q_count <= I8042_QUEUE);
	CHECK(p->pit.frac < 1000000000ull);
	for (int i = 0; i < 3; i++) {
		CHECK(p->pit.ch[i].reload >= 1 && p->pit.ch[i].reload <= 65536);
		CHECK(p->pit.ch[i].pos < p->pit.ch[i].reload);
		CHECK(p->pit.ch[i].mode <= 5);
	}
	CHECK(rtc_time_valid(&p->rtc.now));
	CHECK(p->rtc.clocks < RTC_HZ);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct platform p;
	struct input in = { data, len };
	struct rtc_time t = { .year = 2026, .month = 12, .day = 6, .hour = 23,
			      .minute = 59, .second = 59 };
	uint8_t buf[64];

	platform_init(&p, &t);
	while (in.n) {
		uint8_t op = take(&in), how, shift;
		uint32_t v;
		int vec;
		size_t space, got;

		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			how = take(&in);
			v = take32(&in);
			io(&p, ports[(op >> 3) % (sizeof(ports) / sizeof(ports[0]))], how, v);
			break;
		case 3:
			how = take(&in);
			v = take32(&in);
			io(&p, (uint16_t)(v >> 16), how, v);
			break;
		case 4:
			v = take32(&in);
			shift = (op >> 3) & 7;	/* up to 2^7 x 4.3 s */
			platform_advance(&p, (uint64_t)v << shift);
			break;
		case 5:
			vec = platform_pending_vector(&p);
			if (vec >= 0)
				CHECK(platform_ack(&p) == vec);
			break;
		case 6:
			space = platform_console_in_space(&p);
			CHECK(platform_console_in(&p, take(&in)) == (space > 0));
			break;
		default:
			got = platform_console_out(&p, buf, (op >> 3) % sizeof(buf));
			CHECK(got <= (size_t)((op >> 3) % sizeof(buf)));
			break;
		}
		check_state(&p);
	}
	return 0;
}
