/* rtfmt.h — the text of the runtime-service shell commands (hv/cmd_var.c,
 * cmd_time.c, cmd_boot.c): EFI_TIME as dates, the `set` data literal with a
 * repeat count, Boot#### names.
 *
 * Pure and freestanding, built for the hypervisor and for host tests. Text
 * output follows snprintf (NUL-terminated when cap > 0, never past cap,
 * returns the length the whole text needed); parsers return NULL or a short
 * reason for an `error: ` line, as efivar.h does.
 */
#ifndef HVBOOT_RT_RTFMT_H
#define HVBOOT_RT_RTFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt.h"

/* ---- EFI_TIME (UEFI 2.10 §8.3.1) */

/* efi_time_check (rt/efitime.h) as a reason for a user's `time set`:
 * "year out of range (1900-9999)", "month out of range (1-12)",
 * "day out of range for the month", "hour out of range (0-23)",
 * "minute out of range (0-59)", "second out of range (0-59)",
 * "nanosecond out of range", "time zone out of range",
 * "unknown daylight bits"; NULL for a valid time. */
const char *rtfmt_time_check(const struct efi_time *t);

/* Parses "YYYY-MM-DD" and "HH:MM:SS" (exactly those digit counts) into the
 * date and time fields of *t and checks them; nanosecond, time zone and
 * daylight are left as they were. Reasons: "date must be YYYY-MM-DD",
 * "time must be HH:MM:SS", or one of rtfmt_time_check's. */
const char *rtfmt_time_parse(const char *date, const char *time, struct efi_time *t);

/* Seconds from 1900-01-01 00:00:00 to t's date and time (proleptic
 * Gregorian, time zone and daylight ignored): for differences. */
int64_t rtfmt_time_seconds(const struct efi_time *t);

/* "YYYY-MM-DD HH:MM:SS". */
size_t rtfmt_time_format(const struct efi_time *t, char *buf, size_t cap);

/* TimeZone (minutes from UTC) as "UTC+01:00" / "UTC-05:30" / "UTC+00:00",
 * "unspecified" for EFI_UNSPECIFIED_TIMEZONE, "invalid (N)" otherwise. */
size_t rtfmt_tz_format(int16_t tz, char *buf, size_t cap);

/* Daylight as "none", "adjust", "in-daylight", "adjust,in-daylight"; other
 * bits are added as one hex number ("adjust,0x80"). */
size_t rtfmt_daylight_format(uint8_t daylight, char *buf, size_t cap);

/* ---- the data of `set` */

/* A data literal of efivar_data_parse (hex, "text", u"text"), optionally
 * followed by "*N": the literal's bytes N times over (N decimal, >= 1).
 * The shell's line holds 255 characters; this is how a test writes a
 * value of tens of KiB. Text that does not split into a valid literal and
 * a count is parsed whole, so `"a*2"` is the three bytes a * 2.
 * Reasons: efivar_data_parse's, "repeat count must be at least 1",
 * "data too large". */
const char *rtfmt_data_parse(const char *s, size_t len, uint8_t *out, size_t cap,
			     size_t *out_len);

/* ---- Boot#### (UEFI 2.10 §3.1.1) */

/* The option number of a variable named "Boot" + four hex digits (either
 * case), looking at most max units of name; -1 for any other name. */
long rtfmt_boot_number(const uint16_t *name, size_t max);

/* BootOrder (an array of UINT16, little-endian) as "0000,0001,0003" with
 * upper-case hex. An odd trailing byte is ignored. */
size_t rtfmt_boot_order_format(const uint8_t *data, size_t size, char *buf, size_t cap);

/* ---- boot edits, as efibootmgr -n / -o / -a / -A make them */

/* A boot option number as typed: 1 to 4 hex digits, either case, no 0x
 * ("3", "0003", "1a2B"). Reason: "boot option must be 1 to 4 hex digits". */
const char *rtfmt_boot_number_parse(const char *s, uint16_t *num);

/* A BootOrder as typed, numbers separated by commas ("0003,0001"), into
 * order[0..*n). On failure *bad is the index of the entry at fault.
 * Reasons: rtfmt_boot_number_parse's, "boot option listed twice",
 * "too many boot options" (more than cap). */
const char *rtfmt_boot_order_parse(const char *s, uint16_t *order, size_t cap, size_t *n,
				   size_t *bad);

/* Stores order[0..n) as BootOrder's bytes (UINT16 little-endian) into
 * out (2 * n bytes); returns 2 * n. */
size_t rtfmt_boot_order_store(const uint16_t *order, size_t n, uint8_t *out);

/* EFI_LOAD_OPTION.Attributes bit 0 (UEFI 2.10 §3.1.3). */
#define RTFMT_LOAD_OPTION_ACTIVE	0x00000001

/* Sets or clears LOAD_OPTION_ACTIVE in a load option in place, touching
 * no other bit or byte; *changed says whether the bit was different.
 * Reason: "load option shorter than its header" (under 6 bytes). */
const char *rtfmt_load_option_set_active(uint8_t *data, size_t size, bool active, bool *changed);

/* ---- CPU state firmware left (x86.h RFLAGS_*) */

/* The guarded RFLAGS bits set in flags as "DF IF AC TF" (in that order,
 * only those set), "none" when none is. Other bits are ignored. */
size_t rtfmt_rflags_names(uint64_t flags, char *buf, size_t cap);

#endif
