/* libFuzzer: rt/efitime.c over any 16 bytes a firmware's GetTime could
 * return. Checks against a second, plainly written reading of UEFI 2.10
 * §8.3.1; the problem text is empty exactly for a valid time and names
 * the field; a valid time prints and parses back to the same date (the
 * path `time set` takes). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rt/efitime.h"
#include "rt/rtfmt.h"

static int oracle_days(int y, int m)
{
	static const int days[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 400 == 0) || (y % 4 == 0 && y % 100 != 0);

	return m == 2 ? 28 + leap : days[m];
}

static int oracle_valid(const struct efi_time *t)
{
	return t->year >= 1900 && t->year <= 9999 && t->month >= 1 && t->month <= 12 &&
	       t->day >= 1 && t->day <= oracle_days(t->year, t->month) && t->hour < 24 &&
	       t->minute < 60 && t->second < 60 && t->nanosecond < 1000000000u &&
	       (t->time_zone == 2047 || (t->time_zone >= -1440 && t->time_zone <= 1440)) &&
	       (t->daylight & ~3) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct efi_time t, back;
	char text[64], date[32];
	enum efi_time_field f;
	size_t n;

	if (size < sizeof(t))
		return 0;
	memcpy(&t, data, sizeof(t));
	f = efi_time_check(&t);
	if ((f == EFI_TIME_VALID) != oracle_valid(&t))
		abort();
	n = efi_time_problem_text(&t, text, sizeof(text));
	if (n >= sizeof(text) || (n == 0) != (f == EFI_TIME_VALID))
		abort();
	if (n && strncmp(text, efi_time_field_name(f), strlen(efi_time_field_name(f))) != 0)
		abort();
	if ((rtfmt_time_check(&t) == NULL) != (f == EFI_TIME_VALID))
		abort();
	if (f != EFI_TIME_VALID)
		return 0;
	rtfmt_time_format(&t, date, sizeof(date));
	date[10] = 0;
	back = t;
	back.year = 0;
	if (rtfmt_time_parse(date, date + 11, &back) || memcmp(&back, &t, sizeof(t)) != 0)
		abort();
	return 0;
}
