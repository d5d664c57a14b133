/* ucs2.c — UTF-16LE ↔ UTF-8 / ASCII with bounds; see ucs2.h for the rules. */
#include "ucs2.h"

/* A UTF-16 source: either host-order units or little-endian bytes. */
struct u16src {
	const uint16_t *units; /* when !le_bytes */
	const uint8_t *bytes;  /* when le_bytes */
	int le_bytes;
	size_t n;              /* units available */
};

static uint16_t src_at(const struct u16src *s, size_t i)
{
	return s->le_bytes ? ucs2_load(s->bytes + 2 * i) : s->units[i];
}

/* The code point starting at *i (which is < s->n and not a NUL); advances *i. */
static uint32_t src_next(const struct u16src *s, size_t *i)
{
	uint32_t hi = src_at(s, *i);

	(*i)++;
	if (hi < 0xD800 || hi > 0xDFFF)
		return hi;
	if (hi <= 0xDBFF && *i < s->n) {
		uint32_t lo = src_at(s, *i);
		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			(*i)++;
			return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
		}
	}
	return UCS2_REPLACEMENT;
}

/* Appends whole sequences only; after the first one that does not fit,
 * nothing more is written but the needed length keeps counting. */
struct u8out {
	char *buf;
	size_t cap;
	size_t len;
	int full;
};

static void out_seq(struct u8out *o, const uint8_t *seq, size_t n)
{
	if (!o->full && o->cap > 0 && o->len + n <= o->cap - 1) {
		for (size_t k = 0; k < n; k++)
			o->buf[o->len + k] = (char)seq[k];
	} else {
		o->full = 1;
	}
	o->len += n;
}

static size_t convert(const struct u16src *s, char *buf, size_t cap, int ascii)
{
	struct u8out o = { buf, cap, 0, 0 };
	size_t written = 0; /* bytes in buf: whole sequences only */

	for (size_t i = 0; i < s->n && src_at(s, i) != 0;) {
		uint32_t cp = src_next(s, &i);
		uint8_t seq[4];
		size_t n;

		if (ascii) {
			seq[0] = (cp >= 0x20 && cp <= 0x7E) ? (uint8_t)cp : '?';
			n = 1;
		} else {
			n = ucs2_utf8_encode(cp, seq);
		}
		out_seq(&o, seq, n);
		if (!o.full)
			written = o.len;
	}
	if (cap > 0)
		buf[written] = '\0';
	return o.len;
}

size_t ucs2_len(const uint16_t *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != 0)
		n++;
	return n;
}

size_t ucs2_len_bytes(const uint8_t *p, size_t nbytes)
{
	size_t n = 0;

	while (n < nbytes / 2 && ucs2_load(p + 2 * n) != 0)
		n++;
	return n;
}

int ucs2_cmp(const uint16_t *a, const uint16_t *b, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
		if (a[i] == 0)
			return 0;
	}
	return 0;
}

size_t ucs2_from_ascii(uint16_t *dst, size_t cap, const char *src, size_t len)
{
	size_t n = 0;

	while (n < len && src[n] != '\0') {
		uint8_t c = (uint8_t)src[n];
		if (n + 1 < cap)
			dst[n] = c < 0x80 ? c : (uint16_t)UCS2_REPLACEMENT;
		n++;
	}
	if (cap > 0)
		dst[n < cap ? n : cap - 1] = 0;
	return n;
}

size_t ucs2_to_utf8(const uint16_t *s, size_t n, char *buf, size_t cap)
{
	struct u16src src = { s, NULL, 0, n };
	return convert(&src, buf, cap, 0);
}

size_t ucs2_bytes_to_utf8(const uint8_t *p, size_t nbytes, char *buf, size_t cap)
{
	struct u16src src = { NULL, p, 1, nbytes / 2 };
	return convert(&src, buf, cap, 0);
}

size_t ucs2_to_ascii(const uint16_t *s, size_t n, char *buf, size_t cap)
{
	struct u16src src = { s, NULL, 0, n };
	return convert(&src, buf, cap, 1);
}

size_t ucs2_bytes_to_ascii(const uint8_t *p, size_t nbytes, char *buf, size_t cap)
{
	struct u16src src = { NULL, p, 1, nbytes / 2 };
	return convert(&src, buf, cap, 1);
}

size_t ucs2_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n;
	uint32_t min;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0; /* a continuation byte or 0xF8..0xFF */
	}
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3F);
	}
	/* RFC 3629 §3: no overlong forms, no surrogates, nothing past U+10FFFF. */
	if (c < min || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return n;
}

size_t ucs2_utf8_encode(uint32_t cp, uint8_t out[4])
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | (cp >> 18));
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

size_t ucs2_utf16_encode(uint32_t cp, uint16_t out[2])
{
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (uint16_t)cp;
		return 1;
	}
	cp -= 0x10000;
	out[0] = (uint16_t)(0xD800 + (cp >> 10));
	out[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
	return 2;
}

const char *ucs2_from_utf8(const char *s, size_t len, uint16_t *dst, size_t cap,
			   size_t *units)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t cp;
		uint16_t u[2];
		size_t used = ucs2_utf8_decode(p + i, len - i, &cp);
		size_t nu;

		if (used == 0)
			return "invalid UTF-8";
		nu = ucs2_utf16_encode(cp, u);
		if (n + nu + 1 > cap)
			return "string too long";
		for (size_t k = 0; k < nu; k++)
			dst[n++] = u[k];
		i += used;
	}
	if (cap == 0)
		return "string too long";
	dst[n] = 0;
	if (units)
		*units = n;
	return NULL;
}
