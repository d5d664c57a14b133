/* efitime.c — the field check of EFI_TIME (see efitime.h). */
#include "efitime.h"

#include <stdbool.h>
#include "loader/fmt.h"

static bool is_leap(unsigned year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned efi_time_days_in_month(unsigned year, unsigned month)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && is_leap(year));
}

enum efi_time_field efi_time_check(const struct efi_time *t)
{
	if (t->year < 1900 || t->year > 9999)
		return EFI_TIME_YEAR;
	if (t->month < 1 || t->month > 12)
		return EFI_TIME_MONTH;
	if (t->day < 1 || t->day > efi_time_days_in_month(t->year, t->month))
		return EFI_TIME_DAY;
	if (t->hour > 23)
		return EFI_TIME_HOUR;
	if (t->minute > 59)
		return EFI_TIME_MINUTE;
	if (t->second > 59)
		return EFI_TIME_SECOND;
	if (t->nanosecond > 999999999u)
		return EFI_TIME_NANOSECOND;
	if (t->time_zone != EFI_UNSPECIFIED_TIMEZONE &&
	    (t->time_zone < -1440 || t->time_zone > 1440))
		return EFI_TIME_TIMEZONE;
	if (t->daylight & ~(EFI_TIME_ADJUST_DAYLIGHT | EFI_TIME_IN_DAYLIGHT))
		return EFI_TIME_DAYLIGHT;
	return EFI_TIME_VALID;
}

const char *efi_time_field_name(enum efi_time_field f)
{
	static const char *const names[] = {
		[EFI_TIME_VALID] = "none", [EFI_TIME_YEAR] = "Year", [EFI_TIME_MONTH] = "Month",
		[EFI_TIME_DAY] = "Day", [EFI_TIME_HOUR] = "Hour", [EFI_TIME_MINUTE] = "Minute",
		[EFI_TIME_SECOND] = "Second", [EFI_TIME_NANOSECOND] = "Nanosecond",
		[EFI_TIME_TIMEZONE] = "TimeZone", [EFI_TIME_DAYLIGHT] = "Daylight",
	};

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

size_t efi_time_problem_text(const struct efi_time *t, char *buf, size_t cap)
{
	enum efi_time_field f = efi_time_check(t);
	const char *name = efi_time_field_name(f);
	long v;

	switch (f) {
	case EFI_TIME_VALID:
		if (cap)
			buf[0] = 0;
		return 0;
	case EFI_TIME_DAYLIGHT:
		return (size_t)fmt_snprintf(buf, cap, "%s 0x%02x", name, (unsigned)t->daylight);
	case EFI_TIME_YEAR:		v = t->year; break;
	case EFI_TIME_MONTH:		v = t->month; break;
	case EFI_TIME_DAY:		v = t->day; break;
	case EFI_TIME_HOUR:		v = t->hour; break;
	case EFI_TIME_MINUTE:		v = t->minute; break;
	case EFI_TIME_SECOND:		v = t->second; break;
	case EFI_TIME_NANOSECOND:	v = (long)t->nanosecond; break;
	default:			v = t->time_zone; break;
	}
	return (size_t)fmt_snprintf(buf, cap, "%s %ld", name, v);
}
