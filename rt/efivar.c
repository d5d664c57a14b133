/* efivar.c — EFI variable names, attributes, data literals and hex dumps
 * as text, in the formats of Linux's efivar. See efivar.h for the grammar. */
#include "efivar.h"
#include "loader/hexdigit.h"
#include "loader/str.h"
#include "loader/txt.h"

#include "ucs2.h"

const struct efi_guid EFI_GLOBAL_VARIABLE_GUID = {
	0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c }
};

/* ---- characters */

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ---- GUIDs */

void efivar_guid_format(const struct efi_guid *g, char buf[EFIVAR_GUID_TEXT])
{
	struct txt t = txt_init(buf, EFIVAR_GUID_TEXT);

	txt_hex(&t, g->d1, 8);
	txt_putc(&t, '-');
	txt_hex(&t, g->d2, 4);
	txt_putc(&t, '-');
	txt_hex(&t, g->d3, 4);
	txt_putc(&t, '-');
	for (int i = 0; i < 8; i++) {
		if (i == 2)
			txt_putc(&t, '-');
		txt_hex(&t, g->d4[i], 2);
	}
	txt_end(&t);
}

/* n hex digits at s into *v; false if any is not a hex digit. */
static int hexfield(const char *s, int n, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < n; i++) {
		int d = hex_digit(s[i]);
		if (d < 0)
			return 0;
		x = (x << 4) | (uint32_t)d;
	}
	*v = x;
	return 1;
}

const char *efivar_guid_parse(const char *s, size_t len, struct efi_guid *g)
{
	uint32_t d1, d2, d3, b;
	struct efi_guid r;

	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return "malformed GUID";
	if (!hexfield(s, 8, &d1) || !hexfield(s + 9, 4, &d2) || !hexfield(s + 14, 4, &d3))
		return "malformed GUID";
	r.d1 = d1;
	r.d2 = (uint16_t)d2;
	r.d3 = (uint16_t)d3;
	for (int i = 0; i < 8; i++) {
		/* d4[0..1] at 19, d4[2..7] at 24 */
		const char *p = i < 2 ? s + 19 + 2 * i : s + 24 + 2 * (i - 2);
		if (!hexfield(p, 2, &b))
			return "malformed GUID";
		r.d4[i] = (uint8_t)b;
	}
	*g = r;
	return NULL;
}

void efivar_guid_load(const uint8_t *p, struct efi_guid *g)
{
	g->d1 = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
	g->d2 = (uint16_t)(p[4] | p[5] << 8);
	g->d3 = (uint16_t)(p[6] | p[7] << 8);
	for (int i = 0; i < 8; i++)
		g->d4[i] = p[8 + i];
}

void efivar_guid_store(const struct efi_guid *g, uint8_t *p)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(g->d1 >> (8 * i));
	p[4] = (uint8_t)g->d2;
	p[5] = (uint8_t)(g->d2 >> 8);
	p[6] = (uint8_t)g->d3;
	p[7] = (uint8_t)(g->d3 >> 8);
	for (int i = 0; i < 8; i++)
		p[8 + i] = g->d4[i];
}

bool efivar_guid_equal(const struct efi_guid *a, const struct efi_guid *b)
{
	if (a->d1 != b->d1 || a->d2 != b->d2 || a->d3 != b->d3)
		return false;
	for (int i = 0; i < 8; i++)
		if (a->d4[i] != b->d4[i])
			return false;
	return true;
}

/* ---- variable names */

/* Checks the name part, then converts it to UTF-16. */
static const char *name_convert(const char *s, size_t len, uint16_t *name16, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t nchars = 0, used;

	if (len == 0)
		return "empty variable name";
	for (size_t i = 0; i < len; i += used) {
		uint32_t cp;

		used = ucs2_utf8_decode(p + i, len - i, &cp);
		if (used == 0)
			return "invalid UTF-8 in variable name";
		/* C0 and C1 controls and DEL would garble `vars` output. */
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return "non-printable character in variable name";
		if (++nchars > EFIVAR_NAME_MAX)
			return "variable name too long";
	}
	return ucs2_from_utf8(s, len, name16, cap, NULL) ? "name buffer too small" : NULL;
}

const char *efivar_name_parse(const char *s, size_t len, struct efi_guid *guid,
			      uint16_t *name16, size_t name16_cap)
{
	struct efi_guid g;
	uint32_t ignored;

	/* GUID-Name: eight hex digits and a '-' commit to this form. */
	if (len >= 9 && s[8] == '-' && hexfield(s, 8, &ignored)) {
		const char *err;

		if (len < 36 || efivar_guid_parse(s, 36, &g))
			return "malformed GUID";
		if (len == 36 || (len == 37 && s[36] == '-'))
			return "empty variable name";
		if (s[36] != '-')
			return "malformed GUID";
		err = name_convert(s + 37, len - 37, name16, name16_cap);
		if (err)
			return err;
		*guid = g;
		return NULL;
	}
	/* Name-GUID, as efivarfs names its files. */
	if (len >= 37 && s[len - 37] == '-' && !efivar_guid_parse(s + len - 36, 36, &g)) {
		const char *err = name_convert(s, len - 37, name16, name16_cap);
		if (err)
			return err;
		*guid = g;
		return NULL;
	}
	{
		const char *err = name_convert(s, len, name16, name16_cap);
		if (err)
			return err;
		*guid = EFI_GLOBAL_VARIABLE_GUID;
		return NULL;
	}
}

size_t efivar_name_format(const struct efi_guid *guid, const uint16_t *name16,
			  size_t name16_max, char *buf, size_t cap)
{
	char g[EFIVAR_GUID_TEXT];
	struct txt t = txt_init(buf, cap);
	size_t n;

	efivar_guid_format(guid, g);
	txt_puts(&t, g);
	txt_putc(&t, '-');
	txt_end(&t);
	/* Let ucs2 write the rest in place, then account for its length. */
	if (t.len < cap)
		n = ucs2_to_ascii(name16, name16_max, buf + t.len, cap - t.len);
	else
		n = ucs2_to_ascii(name16, name16_max, NULL, 0);
	return t.len + n;
}

/* ---- attributes */

struct attr_desc {
	uint32_t bit;
	const char *abbrev;
	const char *lname;   /* the spec name without EFI_VARIABLE_, '-' for '_' */
	const char *display; /* efivar -p */
};

static const struct attr_desc attr_table[] = {
	{ EFI_VARIABLE_NON_VOLATILE, "nv", "non-volatile", "Non-Volatile" },
	{ EFI_VARIABLE_BOOTSERVICE_ACCESS, "bs", "bootservice-access", "Boot Service Access" },
	{ EFI_VARIABLE_RUNTIME_ACCESS, "rt", "runtime-access", "Runtime Service Access" },
	{ EFI_VARIABLE_HARDWARE_ERROR_RECORD, "hr", "hardware-error-record",
	  "Hardware Error Record" },
	{ EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS, "at", "authenticated-write-access",
	  "Authenticated Write Access" },
	{ EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS, "tat",
	  "time-based-authenticated-write-access", "Time-Based Authenticated Write Access" },
	{ EFI_VARIABLE_APPEND_WRITE, "ap", "append-write", "Append Write" },
};

#define NATTRS (sizeof(attr_table) / sizeof(attr_table[0]))

/* Case-insensitive, '_' and '-' alike; word is NUL-terminated lower case. */
static int word_eq(const char *s, size_t len, const char *word)
{
	size_t i = 0;

	for (; i < len && word[i]; i++) {
		char c = lower(s[i]);
		if (c == '_')
			c = '-';
		if (c != word[i])
			return 0;
	}
	return i == len && word[i] == '\0';
}

static int word_prefix(const char *s, size_t len, const char *word)
{
	size_t n = str_len(word);

	return len >= n && word_eq(s, n, word);
}

static const char *attr_number(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	int base = 10;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	for (; i < len; i++) {
		int d = hex_digit(s[i]);
		if (d < 0 || d >= base)
			return "invalid number";
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > 0xFFFFFFFFu)
			return "attribute value out of range";
	}
	*out = (uint32_t)v;
	return NULL;
}

static const char *attr_token(const char *s, size_t len, uint32_t *bits)
{
	if (s[0] >= '0' && s[0] <= '9')
		return attr_number(s, len, bits);
	if (word_prefix(s, len, "efi-variable-"))
		s += 13, len -= 13;
	for (size_t k = 0; k < NATTRS; k++) {
		if (word_eq(s, len, attr_table[k].abbrev) || word_eq(s, len, attr_table[k].lname)) {
			*bits = attr_table[k].bit;
			return NULL;
		}
	}
	return "unknown attribute";
}

const char *efivar_attrs_parse(const char *s, size_t len, uint32_t *out)
{
	uint32_t acc = 0;
	size_t i = 0;

	if (len == 0)
		return "empty attribute list";
	for (;;) {
		size_t start = i, end;
		uint32_t bits;
		const char *err;

		while (i < len && s[i] != ',')
			i++;
		end = i;
		while (start < end && (s[start] == ' ' || s[start] == '\t'))
			start++;
		while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (start == end)
			return "empty attribute in list";
		err = attr_token(s + start, end - start, &bits);
		if (err)
			return err;
		acc |= bits;
		if (i == len)
			break;
		i++; /* the ',' */
	}
	*out = acc;
	return NULL;
}

const char *efivar_attr_name(uint32_t bit)
{
	for (size_t k = 0; k < NATTRS; k++)
		if (attr_table[k].bit == bit)
			return attr_table[k].display;
	return NULL;
}

size_t efivar_attrs_format(uint32_t attrs, char *buf, size_t cap)
{
	struct txt t = txt_init(buf, cap);
	uint32_t rest = attrs;

	for (size_t k = 0; k < NATTRS; k++) {
		if (!(attrs & attr_table[k].bit))
			continue;
		if (t.len)
			txt_putc(&t, ',');
		txt_puts(&t, attr_table[k].abbrev);
		rest &= ~attr_table[k].bit;
	}
	if (rest || attrs == 0) {
		if (t.len)
			txt_putc(&t, ',');
		txt_puts(&t, "0x");
		txt_hex(&t, rest, 1);
	}
	return txt_end(&t);
}

/* ---- data literals */

struct bytes_out {
	uint8_t *p;
	size_t cap;
	size_t len;
};

static int emit(struct bytes_out *o, uint8_t b)
{
	if (o->len >= o->cap)
		return 0;
	o->p[o->len++] = b;
	return 1;
}

static int emit_unit(struct bytes_out *o, uint16_t u)
{
	return emit(o, (uint8_t)u) && emit(o, (uint8_t)(u >> 8));
}

/* One code point of string content: UTF-8 bytes or UTF-16LE units. */
static int emit_cp(struct bytes_out *o, uint32_t cp, int wide)
{
	uint8_t b[4];
	uint16_t u[2];
	size_t n;

	if (wide) {
		n = ucs2_utf16_encode(cp, u);
		for (size_t k = 0; k < n; k++)
			if (!emit_unit(o, u[k]))
				return 0;
		return 1;
	}
	n = ucs2_utf8_encode(cp, b);
	for (size_t k = 0; k < n; k++)
		if (!emit(o, b[k]))
			return 0;
	return 1;
}

static const char *parse_hex_data(const char *s, size_t len, struct bytes_out *o)
{
	size_t ndig;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, len -= 2;
	if (len == 0)
		return "no data";
	for (size_t i = 0; i < len; i++)
		if (hex_digit(s[i]) < 0)
			return "invalid hex digit";
	ndig = len;
	if (ndig % 2)
		return "odd number of hex digits";
	if (ndig / 2 > o->cap)
		return "data too large";
	for (size_t i = 0; i < ndig; i += 2)
		emit(o, (uint8_t)(hex_digit(s[i]) << 4 | hex_digit(s[i + 1])));
	return NULL;
}

/* Content of a quoted string that starts after the opening quote at s[i]. */
static const char *parse_string_data(const char *s, size_t len, size_t i, int wide,
				     struct bytes_out *o)
{
	for (;;) {
		uint32_t cp, v;
		char c;

		if (i >= len)
			return "unterminated string";
		c = s[i];
		if (c == '"') {
			i++;
			break;
		}
		if (c != '\\') {
			if (wide) {
				size_t used = ucs2_utf8_decode((const uint8_t *)s + i, len - i, &cp);
				if (used == 0)
					return "invalid UTF-8 in string";
				if (!emit_cp(o, cp, 1))
					return "data too large";
				i += used;
			} else {
				if (!emit(o, (uint8_t)c))
					return "data too large";
				i++;
			}
			continue;
		}
		if (++i >= len)
			return "unterminated string";
		switch (s[i++]) {
		case '"':  cp = '"'; break;
		case '\\': cp = '\\'; break;
		case 'n':  cp = '\n'; break;
		case 'r':  cp = '\r'; break;
		case 't':  cp = '\t'; break;
		case '0':  cp = 0; break;
		case 'x':
			if (len - i < 2 || !hexfield(s + i, 2, &v))
				return "invalid escape sequence";
			i += 2;
			/* a raw byte in "text", the unit U+00NN in u"text" */
			if (!(wide ? emit_unit(o, (uint16_t)v) : emit(o, (uint8_t)v)))
				return "data too large";
			continue;
		case 'u':
			if (len - i < 4 || !hexfield(s + i, 4, &v) || (v >= 0xD800 && v <= 0xDFFF))
				return "invalid escape sequence";
			i += 4;
			cp = v;
			break;
		default:
			return "invalid escape sequence";
		}
		if (!emit_cp(o, cp, wide))
			return "data too large";
	}
	if (i != len)
		return "text after closing quote";
	if (wide && !emit_unit(o, 0))
		return "data too large";
	return NULL;
}

const char *efivar_data_parse(const char *s, size_t len, uint8_t *out, size_t cap,
			      size_t *out_len)
{
	struct bytes_out o = { out, cap, 0 };
	const char *err;

	if (len == 0)
		return "no data";
	if (s[0] == '"')
		err = parse_string_data(s, len, 1, 0, &o);
	else if (len >= 2 && s[0] == 'u' && s[1] == '"')
		err = parse_string_data(s, len, 2, 1, &o);
	else
		err = parse_hex_data(s, len, &o);
	if (err)
		return err;
	*out_len = o.len;
	return NULL;
}

/* ---- hex dump */

size_t efivar_hexdump_line(const uint8_t *data, size_t len, size_t off, char *buf,
			   size_t cap)
{
	struct txt t = txt_init(buf, cap);
	size_t n;

	if (off >= len)
		return txt_end(&t);
	n = len - off < 16 ? len - off : 16;
	txt_hex(&t, off, 8);
	txt_puts(&t, "  ");
	for (size_t i = 0; i < 16; i++) {
		if (i < n) {
			txt_hex(&t, data[off + i], 2);
			txt_putc(&t, ' ');
		} else {
			txt_puts(&t, "   ");
		}
		if (i == 7)
			txt_putc(&t, ' ');
	}
	txt_puts(&t, " |");
	for (size_t i = 0; i < n; i++) {
		uint8_t c = data[off + i];
		txt_putc(&t, (c >= 0x20 && c <= 0x7E) ? (char)c : '.');
	}
	txt_putc(&t, '|');
	return txt_end(&t);
}
