/* The MC146818 clock's registers (README: The Linux guest's platform).
 * Rules from the Motorola MC146818A datasheet: register A (bit 7 UIP, bits
 * 3-0 the periodic rate: 2^(RS-1) cycles of 32.768 kHz, RS 1 and 2 as 8
 * and 9), register B (bit 7 SET, which also clears UIE; 6 PIE; 5 AIE; 4
 * UIE; 2 DM, 1 = binary; 1 24/12, 1 = 24-hour), register C (7 IRQF, 6 PF,
 * 5 AF, 4 UF, cleared by reading), register D (7 VRT), an alarm byte of
 * 0xC0-0xFF matching any value, 12-hour hours 1-12 with bit 7 = PM. */
#include "cmos_rtc.h"

#define NS_PER_S 1000000000ull
#define UIP_CLOCKS 8		/* 244 us before the update */

enum {
	REG_SEC = 0x00, REG_ALARM_SEC = 0x01, REG_MIN = 0x02, REG_ALARM_MIN = 0x03,
	REG_HOUR = 0x04, REG_ALARM_HOUR = 0x05, REG_WEEKDAY = 0x06, REG_DAY = 0x07,
	REG_MONTH = 0x08, REG_YEAR = 0x09, REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C,
	REG_D = 0x0D, REG_CENTURY = 0x32,
};

#define A_UIP	0x80
#define B_SET	0x80
#define B_PIE	0x40
#define B_AIE	0x20
#define B_UIE	0x10
#define B_DM	0x04
#define B_24H	0x02
#define C_IRQF	0x80
#define C_PF	0x40
#define C_AF	0x20
#define C_UF	0x10

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool rtc_time_valid(const struct rtc_time *t)
{
	return t->year >= 1900 && t->year <= 9999 && t->month >= 1 && t->month <= 12 &&
	       t->day >= 1 && t->day <= days_in_month(t->year, t->month) &&
	       t->hour < 24 && t->minute < 60 && t->second < 60;
}

/* Day of the week, 1 = Sunday (the register's numbering): days since
 * 1900-01-01, a Monday, by whole years and months. */
static uint8_t weekday(const struct rtc_time *t)
{
	uint64_t days = 0;

	for (unsigned y = 1900; y < t->year; y++)
		days += leap(y) ? 366 : 365;
	for (unsigned m = 1; m < t->month; m++)
		days += days_in_month(t->year, m);
	days += t->day - 1u;
	return (uint8_t)((days + 1) % 7 + 1);
}

bool rtc_init(struct cmos_rtc *r, const struct rtc_time *now)
{
	static const struct rtc_time epoch = RTC_EPOCH;
	bool ok = now && rtc_time_valid(now);

	*r = (struct cmos_rtc){ 0 };
	r->now = ok ? *now : epoch;
	r->reg_a = 0x26;		/* 32.768 kHz time base, 1024 Hz periodic rate */
	r->reg_b = B_24H;		/* BCD, 24-hour: the PC's setting */
	r->ram[REG_WEEKDAY] = weekday(&r->now);
	return ok;
}

static uint8_t encode(const struct cmos_rtc *r, unsigned v)
{
	return (uint8_t)(r->reg_b & B_DM ? v : (v / 10) << 4 | v % 10);
}

static uint8_t encode_hour(const struct cmos_rtc *r, unsigned h)
{
	unsigned h12;

	if (r->reg_b & B_24H)
		return encode(r, h);
	h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(encode(r, h12) | (h >= 12 ? 0x80 : 0));
}

static bool alarm_matches(uint8_t alarm, uint8_t now)
{
	return (alarm & 0xC0) == 0xC0 || alarm == now;
}

static void next_day(struct cmos_rtc *r)
{
	struct rtc_time *t = &r->now;

	r->ram[REG_WEEKDAY] = (uint8_t)(r->ram[REG_WEEKDAY] % 7 + 1);
	if (t->day < days_in_month(t->year, t->month)) {
		t->day++;
		return;
	}
	t->day = 1;
	if (t->month < 12) {
		t->month++;
		return;
	}
	t->month = 1;
	if (t->year < 9999) {
		t->year++;
	} else {
		t->year = 1900;
		r->ram[REG_WEEKDAY] = weekday(t);
	}
}

/* One update cycle: the time advances a second, UF is set and the alarm
 * compared. */
static void update(struct cmos_rtc *r)
{
	struct rtc_time *t = &r->now;

	if (++t->second == 60) {
		t->second = 0;
		if (++t->minute == 60) {
			t->minute = 0;
			if (++t->hour == 24) {
				t->hour = 0;
				next_day(r);
			}
		}
	}
	r->reg_c |= C_UF;
	if (alarm_matches(r->ram[REG_ALARM_SEC], encode(r, t->second)) &&
	    alarm_matches(r->ram[REG_ALARM_MIN], encode(r, t->minute)) &&
	    alarm_matches(r->ram[REG_ALARM_HOUR], encode_hour(r, t->hour)))
		r->reg_c |= C_AF;
}

static void update_irqf(struct cmos_rtc *r)
{
	uint8_t on = r->reg_c & r->reg_b & (C_PF | C_AF | C_UF);

	if (on)
		r->reg_c |= C_IRQF;
}

/* RS 1-15 as a period in 32.768 kHz clocks; 0 when off. */
static uint64_t periodic_clocks(const struct cmos_rtc *r)
{
	unsigned rs = r->reg_a & 0x0F;

	if (!rs)
		return 0;
	if (rs < 3)
		rs += 7;
	return 1ull << (rs - 1);
}

void rtc_tick(struct cmos_rtc *r, uint64_t ns)
{
	uint64_t clocks = (ns / NS_PER_S) * RTC_HZ;
	uint64_t part = r->frac + (ns % NS_PER_S) * RTC_HZ;
	uint64_t period = periodic_clocks(r), before = r->clocks, secs;

	clocks += part / NS_PER_S;
	r->frac = part % NS_PER_S;
	if (!clocks)
		return;
	if (period && (before + clocks) / period != before / period)
		r->reg_c |= C_PF;
	secs = (before + clocks) / RTC_HZ;
	r->clocks = (before + clocks) % RTC_HZ;
	/* Whole days at a time first, so that a long absence costs little;
	 * the update and alarm flags come from the last day's seconds. */
	while (secs > 86400) {
		next_day(r);
		secs -= 86400;
	}
	while (secs--)
		update(r);
	update_irqf(r);
}

static uint8_t read_reg(struct cmos_rtc *r, uint8_t i)
{
	uint8_t v;

	switch (i) {
	case REG_SEC:
		return encode(r, r->now.second);
	case REG_MIN:
		return encode(r, r->now.minute);
	case REG_HOUR:
		return encode_hour(r, r->now.hour);
	case REG_DAY:
		return encode(r, r->now.day);
	case REG_MONTH:
		return encode(r, r->now.month);
	case REG_YEAR:
		return encode(r, r->now.year % 100);
	case REG_CENTURY:
		return encode(r, r->now.year / 100);
	case REG_A:
		return (uint8_t)(r->reg_a | (r->clocks >= RTC_HZ - UIP_CLOCKS ? A_UIP : 0));
	case REG_B:
		return r->reg_b;
	case REG_C:
		v = r->reg_c;
		r->reg_c = 0;
		return v;
	case REG_D:
		return 0x80;	/* VRT: the battery is good */
	default:
		return r->ram[i];
	}
}

static void write_reg(struct cmos_rtc *r, uint8_t i, uint8_t v)
{
	switch (i) {
	case REG_SEC:
	case REG_MIN:
	case REG_HOUR:
	case REG_WEEKDAY:
	case REG_DAY:
	case REG_MONTH:
	case REG_YEAR:
	case REG_CENTURY:
	case REG_C:
	case REG_D:
		break;	/* the time is the firmware's; C and D are read-only */
	case REG_A:
		r->reg_a = v & 0x7F;
		break;
	case REG_B:
		r->reg_b = v & B_SET ? v & (uint8_t)~B_UIE : v;
		update_irqf(r);
		break;
	default:
		r->ram[i] = v;
		break;
	}
}

uint8_t rtc_read(struct cmos_rtc *r, uint16_t port)
{
	if (port == RTC_PORT_DATA)
		return read_reg(r, r->index);
	return 0xFF;	/* the index register is write-only */
}

void rtc_write(struct cmos_rtc *r, uint16_t port, uint8_t v)
{
	if (port == RTC_PORT_INDEX) {
		r->index = v & 0x7F;
		r->nmi_masked = v & 0x80;
	} else if (port == RTC_PORT_DATA) {
		write_reg(r, r->index, v);
	}
}

uint64_t rtc_ns_to_irq(const struct cmos_rtc *r)
{
	uint64_t period = periodic_clocks(r), clocks = UINT64_MAX;

	if ((r->reg_b & B_PIE) && period)
		clocks = period - r->clocks % period;
	if ((r->reg_b & (B_AIE | B_UIE)) && RTC_HZ - r->clocks < clocks)
		clocks = RTC_HZ - r->clocks;
	if (clocks == UINT64_MAX)
		return UINT64_MAX;
	return (clocks * NS_PER_S - r->frac + RTC_HZ - 1) / RTC_HZ;
}

bool rtc_irq(const struct cmos_rtc *r)
{
	return r->reg_c & C_IRQF;
}
