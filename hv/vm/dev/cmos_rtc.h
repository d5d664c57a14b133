/* The PC's CMOS real-time clock (an MC146818) as a pure state machine
 * (README: The Linux guest's platform): the index register at port 0x70
 * (bit 7 masks NMI), the data register at 0x71, IRQ 8.
 *
 * The time starts from what the caller read from the firmware (GetTime)
 * and advances with rtc_tick(ns); the guest's writes to the time registers
 * are ignored (the firmware's clock is not the guest's to set). Registers
 * 0x00-0x09 read in BCD or binary and 24- or 12-hour form as register B
 * says; register A's UIP is set in the last 244 us of each second; C
 * reports and clears the periodic, alarm and update-ended flags; D reads
 * VRT = 1; 0x32 is the century; the rest of the 128 bytes is RAM. */
#ifndef HV_VM_DEV_CMOS_RTC_H
#define HV_VM_DEV_CMOS_RTC_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define RTC_PORT_INDEX	0x70
#define RTC_PORT_DATA	0x71
#define RTC_HZ		32768u	/* the time base all of the clock counts */

/* The fields of the UEFI spec's EFI_TIME that the clock keeps. */
struct rtc_time {
	uint16_t year;		/* 1900-9999 */
	uint8_t month;		/* 1-12 */
	uint8_t day;		/* 1-31 */
	uint8_t hour;		/* 0-23 */
	uint8_t minute;		/* 0-59 */
	uint8_t second;		/* 0-59 */
};

struct cmos_rtc {
	struct rtc_time now;
	uint64_t clocks;	/* 32.768 kHz clocks into the current second */
	uint64_t frac;		/* clock fraction left over, in ns x RTC_HZ */
	uint8_t index;
	bool nmi_masked;
	uint8_t reg_a, reg_b, reg_c;
	uint8_t ram[128];	/* alarms and the general-purpose bytes */
};

/* The fixed epoch reported when the caller's time is invalid. */
#define RTC_EPOCH { .year = 2000, .month = 1, .day = 1 }

/* Starts the clock at *now: returns false, and starts at RTC_EPOCH, when
 * *now is not a valid date and time (the caller says so in one line). */
bool rtc_init(struct cmos_rtc *r, const struct rtc_time *now);

/* Guest accesses to 0x70 and 0x71; other ports read 0xFF. */
uint8_t rtc_read(struct cmos_rtc *r, uint16_t port);
void rtc_write(struct cmos_rtc *r, uint16_t port, uint8_t v);

/* Advances the clock by ns: seconds, the periodic and alarm flags. */
void rtc_tick(struct cmos_rtc *r, uint64_t ns);

/* Nanoseconds until the clock next sets a flag that register B enables
 * (rounded up), or UINT64_MAX when none is enabled. */
uint64_t rtc_ns_to_irq(const struct cmos_rtc *r);

/* The IRQ 8 line: register C's IRQF. */
bool rtc_irq(const struct cmos_rtc *r);

/* Whether t is a valid date and time (also what rtc_init checks). */
bool rtc_time_valid(const struct rtc_time *t);

#endif
