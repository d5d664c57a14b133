/* ucs2.h — UTF-16LE strings of UEFI (variable names, descriptions, file paths)
 * and their conversion to and from UTF-8 and printable ASCII.
 *
 * Pure and freestanding. Two kinds of input:
 *   - `const uint16_t *` arrays in host order (x86: little-endian), e.g. a
 *     variable name handed to GetNextVariableName;
 *   - `const uint8_t *` byte buffers holding UTF-16LE at any alignment, e.g. the
 *     Description of an EFI_LOAD_OPTION; these are read with byte loads.
 *
 * Conversions that produce text follow snprintf: they write at most `cap`
 * bytes including a NUL (always NUL-terminated when cap > 0) and return the
 * length the whole result needed, without the NUL. A result >= cap means it
 * was truncated; truncation never splits a UTF-8 sequence.
 *
 * Invalid UTF-16 (a lone surrogate) becomes U+FFFD in UTF-8 and '?' in ASCII:
 * firmware strings are shown, never rejected. Invalid UTF-8 (overlong forms,
 * encoded surrogates, code points above U+10FFFF, truncated sequences) is
 * rejected, because UTF-8 only comes from what a user typed.
 */
#ifndef HVBOOT_RT_UCS2_H
#define HVBOOT_RT_UCS2_H

#include <stddef.h>
#include <stdint.h>

#define UCS2_REPLACEMENT 0xFFFDu

/* The UTF-16 code unit at p (little-endian, any alignment). */
static inline uint16_t ucs2_load(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/* Code units before the first NUL, at most max. */
size_t ucs2_len(const uint16_t *s, size_t max);

/* Code units before the first NUL in nbytes of UTF-16LE bytes, at most nbytes / 2. */
size_t ucs2_len_bytes(const uint8_t *p, size_t nbytes);

/* Compares two strings of at most max units each, stopping at a NUL:
 * <0, 0, >0 by code unit value (the order firmware uses for names). */
int ucs2_cmp(const uint16_t *a, const uint16_t *b, size_t max);

/* Copies len ASCII bytes (stopping early at a NUL) into dst as UTF-16 and
 * NUL-terminates when cap > 0. Returns the units needed without the NUL.
 * Bytes >= 0x80 are not ASCII and become U+FFFD. */
size_t ucs2_from_ascii(uint16_t *dst, size_t cap, const char *src, size_t len);

/* Converts at most n units of s (stopping at a NUL) to UTF-8. */
size_t ucs2_to_utf8(const uint16_t *s, size_t n, char *buf, size_t cap);
/* The same from UTF-16LE bytes: at most nbytes / 2 units. */
size_t ucs2_bytes_to_utf8(const uint8_t *p, size_t nbytes, char *buf, size_t cap);

/* Converts to printable ASCII for a console: 0x20..0x7E are kept, every other
 * character (control, non-ASCII, a surrogate pair, a lone surrogate) is '?'. */
size_t ucs2_to_ascii(const uint16_t *s, size_t n, char *buf, size_t cap);
size_t ucs2_bytes_to_ascii(const uint8_t *p, size_t nbytes, char *buf, size_t cap);

/* Converts len bytes of UTF-8 to UTF-16 (code points above U+FFFF as
 * surrogate pairs) and NUL-terminates. *units (optional) gets the units
 * without the NUL. Returns NULL, "invalid UTF-8" or "string too long"
 * (dst needs more than cap units, the NUL included). */
const char *ucs2_from_utf8(const char *s, size_t len, uint16_t *dst, size_t cap,
			   size_t *units);

/* Decodes one UTF-8 sequence at s (len > 0 bytes available): stores the code
 * point and returns the bytes used, 1..4, or 0 if the sequence is invalid. */
size_t ucs2_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

/* Encodes a code point (not a surrogate, at most U+10FFFF) as UTF-8 into
 * out[4]; returns 1..4, or 0 if cp cannot be encoded. */
size_t ucs2_utf8_encode(uint32_t cp, uint8_t out[4]);

/* Encodes a code point as UTF-16 into out[2]; returns 1 or 2, or 0 if cp is
 * a surrogate or above U+10FFFF. */
size_t ucs2_utf16_encode(uint32_t cp, uint16_t out[2]);

#endif
