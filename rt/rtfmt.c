/* rtfmt.c — dates, the repeated data literal and Boot#### names of the
 * runtime-service shell commands (see rtfmt.h). */
#include "rtfmt.h"
#include "loader/hexdigit.h"

#include <stdbool.h>

#include "efivar.h"
#include "loader/fmt.h"
#include "loader/str.h"

/* ---- EFI_TIME */

/* The user's text of each field efi_time_check refuses. */
const char *rtfmt_time_check(const struct efi_time *t)
{
	static const char *const why[] = {
		[EFI_TIME_VALID] = NULL,
		[EFI_TIME_YEAR] = "year out of range (1900-9999)",
		[EFI_TIME_MONTH] = "month out of range (1-12)",
		[EFI_TIME_DAY] = "day out of range for the month",
		[EFI_TIME_HOUR] = "hour out of range (0-23)",
		[EFI_TIME_MINUTE] = "minute out of range (0-59)",
		[EFI_TIME_SECOND] = "second out of range (0-59)",
		[EFI_TIME_NANOSECOND] = "nanosecond out of range",
		[EFI_TIME_TIMEZONE] = "time zone out of range",
		[EFI_TIME_DAYLIGHT] = "unknown daylight bits",
	};

	return why[efi_time_check(t)];
}

/* n decimal digits at s; -1 if any is not a digit. */
static long digits(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

const char *rtfmt_time_parse(const char *date, const char *time, struct efi_time *t)
{
	struct efi_time r = *t;
	long y, mo, d, h, mi, s;

	if (str_len(date) != 10 || date[4] != '-' || date[7] != '-')
		return "date must be YYYY-MM-DD";
	y = digits(date, 4);
	mo = digits(date + 5, 2);
	d = digits(date + 8, 2);
	if (y < 0 || mo < 0 || d < 0)
		return "date must be YYYY-MM-DD";
	if (str_len(time) != 8 || time[2] != ':' || time[5] != ':')
		return "time must be HH:MM:SS";
	h = digits(time, 2);
	mi = digits(time + 3, 2);
	s = digits(time + 6, 2);
	if (h < 0 || mi < 0 || s < 0)
		return "time must be HH:MM:SS";
	r.year = (uint16_t)y;
	r.month = (uint8_t)mo;
	r.day = (uint8_t)d;
	r.hour = (uint8_t)h;
	r.minute = (uint8_t)mi;
	r.second = (uint8_t)s;
	/* Only the fields the user typed are judged here. */
	{
		struct efi_time probe = r;
		const char *why;

		probe.nanosecond = 0;
		probe.time_zone = EFI_UNSPECIFIED_TIMEZONE;
		probe.daylight = 0;
		why = rtfmt_time_check(&probe);
		if (why)
			return why;
	}
	*t = r;
	return NULL;
}

int64_t rtfmt_time_seconds(const struct efi_time *t)
{
	int64_t days = 0;

	/* Whole years, then whole months: at most 8100 + 12 steps. */
	for (unsigned y = 1900; y < t->year; y++)
		days += 337 + efi_time_days_in_month(y, 2);	/* 337 outside February */
	for (unsigned m = 1; m < t->month && m <= 12; m++)
		days += efi_time_days_in_month(t->year, m);
	days += t->day ? t->day - 1 : 0;
	return ((days * 24 + t->hour) * 60 + t->minute) * 60 + t->second;
}

size_t rtfmt_time_format(const struct efi_time *t, char *buf, size_t cap)
{
	return (size_t)fmt_snprintf(buf, cap, "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month,
				    t->day, t->hour, t->minute, t->second);
}

size_t rtfmt_tz_format(int16_t tz, char *buf, size_t cap)
{
	int m = tz < 0 ? -tz : tz;

	if (tz == EFI_UNSPECIFIED_TIMEZONE)
		return (size_t)fmt_snprintf(buf, cap, "unspecified");
	if (tz < -1440 || tz > 1440)
		return (size_t)fmt_snprintf(buf, cap, "invalid (%d)", tz);
	return (size_t)fmt_snprintf(buf, cap, "UTC%c%02d:%02d", tz < 0 ? '-' : '+', m / 60, m % 60);
}

size_t rtfmt_daylight_format(uint8_t daylight, char *buf, size_t cap)
{
	uint8_t rest = daylight & ~(EFI_TIME_ADJUST_DAYLIGHT | EFI_TIME_IN_DAYLIGHT);
	size_t n = 0;

	if (cap)
		buf[0] = '\0';
	if (daylight == 0)
		return (size_t)fmt_snprintf(buf, cap, "none");
	/* Each piece is appended at the length so far; past cap only the
	 * length is counted (fmt_snprintf with cap 0 writes nothing). */
#define APPEND(...)								\
	n += (size_t)fmt_snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, __VA_ARGS__)
	if (daylight & EFI_TIME_ADJUST_DAYLIGHT)
		APPEND("adjust");
	if (daylight & EFI_TIME_IN_DAYLIGHT)
		APPEND("%sin-daylight", n ? "," : "");
	if (rest)
		APPEND("%s0x%02x", n ? "," : "", rest);
#undef APPEND
	return n;
}

/* ---- data with a repeat count */

const char *rtfmt_data_parse(const char *s, size_t len, uint8_t *out, size_t cap,
			     size_t *out_len)
{
	size_t star = len, lit_len, count = 0;
	const char *why;
	bool quoted;

	while (star > 0 && s[star - 1] != '*')
		star--;
	if (star == 0 || star == len || star == 1)
		return efivar_data_parse(s, len, out, cap, out_len);
	for (size_t i = star; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return efivar_data_parse(s, len, out, cap, out_len);
		if (count <= cap)	/* saturate: anything above cap is too large */
			count = count * 10 + (size_t)(s[i] - '0');
	}
	/* A quoted literal must end at its closing quote right before '*';
	 * when it does not parse, the '*' may be its text. A hex literal
	 * cannot hold a '*', so its own error is the one to report. */
	quoted = s[0] == '"' || (s[0] == 'u' && s[1] == '"');
	if (quoted && s[star - 2] != '"')
		return efivar_data_parse(s, len, out, cap, out_len);
	why = efivar_data_parse(s, star - 1, out, cap, &lit_len);
	if (why)
		return quoted ? efivar_data_parse(s, len, out, cap, out_len) : why;
	if (count == 0)
		return "repeat count must be at least 1";
	if (lit_len == 0 || count > cap / lit_len)
		return lit_len ? "data too large" : "no data";
	for (size_t k = 1; k < count; k++)
		for (size_t i = 0; i < lit_len; i++)
			out[k * lit_len + i] = out[i];
	*out_len = lit_len * count;
	return NULL;
}

/* ---- Boot#### */

/* A UTF-16 unit as a hex digit (loader/hexdigit.h), or -1. */
static int hexval16(uint16_t c)
{
	return c < 0x80 ? hex_digit((char)c) : -1;
}

long rtfmt_boot_number(const uint16_t *name, size_t max)
{
	static const char prefix[] = "Boot";
	long v = 0;

	if (max < 8)
		return -1;
	for (int i = 0; i < 4; i++)
		if (name[i] != (uint16_t)prefix[i])
			return -1;
	for (int i = 4; i < 8; i++) {
		int d = hexval16(name[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	if (max > 8 && name[8] != 0)
		return -1;
	return v;
}

size_t rtfmt_boot_order_format(const uint8_t *data, size_t size, char *buf, size_t cap)
{
	size_t n = 0;

	if (cap)
		buf[0] = '\0';
	for (size_t i = 0; i + 1 < size; i += 2) {
		unsigned num = (unsigned)data[i] | (unsigned)data[i + 1] << 8;

		n += (size_t)fmt_snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, "%s%04X",
					  i ? "," : "", num);
	}
	return n;
}

/* One boot option number: 1 to 4 hex digits, as efibootmgr takes them. */
static const char *boot_number_parse(const char *s, size_t len, uint16_t *num)
{
	unsigned v = 0;

	if (len == 0 || len > 4)
		return "boot option must be 1 to 4 hex digits";
	for (size_t i = 0; i < len; i++) {
		int d = hexval16((uint8_t)s[i]);

		if (d < 0)
			return "boot option must be 1 to 4 hex digits";
		v = v << 4 | (unsigned)d;
	}
	*num = (uint16_t)v;
	return NULL;
}

const char *rtfmt_boot_number_parse(const char *s, uint16_t *num)
{
	return boot_number_parse(s, str_len(s), num);
}

const char *rtfmt_boot_order_parse(const char *s, uint16_t *order, size_t cap, size_t *n,
				   size_t *bad)
{
	size_t count = 0;

	*n = 0;
	*bad = 0;
	for (;;) {
		size_t len = 0;
		const char *why;

		while (s[len] && s[len] != ',')
			len++;
		*bad = count;
		if (count == cap)
			return "too many boot options";
		why = boot_number_parse(s, len, &order[count]);
		if (why)
			return why;
		for (size_t i = 0; i < count; i++)
			if (order[i] == order[count])
				return "boot option listed twice";
		count++;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*n = count;
	return NULL;
}

size_t rtfmt_boot_order_store(const uint16_t *order, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)(order[i] & 0xFF);
		out[2 * i + 1] = (uint8_t)(order[i] >> 8);
	}
	return 2 * n;
}

const char *rtfmt_load_option_set_active(uint8_t *data, size_t size, bool active, bool *changed)
{
	uint32_t attrs;

	/* UEFI 2.10 §3.1.3: UINT32 Attributes, then UINT16 FilePathListLength. */
	if (size < 6)
		return "load option shorter than its header";
	attrs = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
		(uint32_t)data[3] << 24;
	*changed = !(attrs & RTFMT_LOAD_OPTION_ACTIVE) != !active;
	if (active)
		data[0] |= RTFMT_LOAD_OPTION_ACTIVE;
	else
		data[0] &= (uint8_t)~RTFMT_LOAD_OPTION_ACTIVE;
	return NULL;
}

/* ---- CPU state firmware left */

size_t rtfmt_rflags_names(uint64_t flags, char *buf, size_t cap)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ RFLAGS_DF, "DF" }, { RFLAGS_IF, "IF" }, { RFLAGS_AC, "AC" },
		{ RFLAGS_TF, "TF" },
	};
	size_t n = 0;

	if (cap)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			n += (size_t)fmt_snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0,
						  "%s%s", n ? " " : "", names[i].name);
	if (n == 0)
		return (size_t)fmt_snprintf(buf, cap, "none");
	return n;
}
