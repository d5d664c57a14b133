/* efitime.h — EFI_TIME (UEFI 2.10 §8.3.1) and the one check of its fields,
 * for every EFI_TIME that comes from firmware or a user: `time`, `time
 * set`, selftest, and whatever else hands a time on (a guest's GetTime, an
 * emulated RTC). README "Bad firmware lists and clocks".
 *
 * Pure and freestanding. */
#ifndef HVBOOT_RT_EFITIME_H
#define HVBOOT_RT_EFITIME_H

#include <stddef.h>
#include <stdint.h>

/* EFI_TIME / EFI_TIME_CAPABILITIES, UEFI 2.10 §8.3.1. */
struct efi_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second, pad1;
	uint32_t nanosecond;
	int16_t time_zone;	/* minutes from UTC, or 0x07FF unspecified */
	uint8_t daylight, pad2;
};
_Static_assert(sizeof(struct efi_time) == 16, "EFI_TIME is 16 bytes");
#define EFI_UNSPECIFIED_TIMEZONE	0x07FF

/* EFI_TIME.Daylight bits. */
#define EFI_TIME_ADJUST_DAYLIGHT	0x01
#define EFI_TIME_IN_DAYLIGHT		0x02

struct efi_time_cap {
	uint32_t resolution;
	uint32_t accuracy;
	uint8_t sets_to_zero;
	uint8_t pad[3];
};

/* The fields of EFI_TIME in the order they are checked. */
enum efi_time_field {
	EFI_TIME_VALID,
	EFI_TIME_YEAR, EFI_TIME_MONTH, EFI_TIME_DAY, EFI_TIME_HOUR, EFI_TIME_MINUTE,
	EFI_TIME_SECOND, EFI_TIME_NANOSECOND, EFI_TIME_TIMEZONE, EFI_TIME_DAYLIGHT,
};

/* Days in month (1..12) of year, Gregorian leap years; 0 for a bad month. */
unsigned efi_time_days_in_month(unsigned year, unsigned month);

/* The first field outside §8.3.1's ranges: Year 1900..9999, Month 1..12,
 * Day 1..days in that month, Hour 0..23, Minute and Second 0..59,
 * Nanosecond 0..999,999,999, TimeZone -1440..1440 or
 * EFI_UNSPECIFIED_TIMEZONE, Daylight no bit but the two defined;
 * EFI_TIME_VALID when none is. */
enum efi_time_field efi_time_check(const struct efi_time *t);

/* The field's name as the spec spells it ("Month", "TimeZone"). */
const char *efi_time_field_name(enum efi_time_field f);

/* The first bad field and its value, "Month 13", "TimeZone -2000",
 * "Daylight 0x84" (snprintf rules); "" and 0 for a valid time. */
size_t efi_time_problem_text(const struct efi_time *t, char *buf, size_t cap);

#endif
