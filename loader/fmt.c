/* printf-style formatting (see fmt.h). One pass over the format; each
 * conversion is rendered into a small digit buffer, then padded. */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct fmt_out {
	fmt_sink_fn sink;
	void *ctx;
	int count;
};

struct fmt_spec {
	bool left, zero, plus, space, alt;
	bool always_prefix;	/* %p: 0x even for a null pointer */
	int width;		/* 0 = none */
	int prec;		/* -1 = none */
};

static void put(struct fmt_out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void put_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static size_t str_len_max(const char *s, int max)
{
	size_t n = 0;

	while ((max < 0 || n < (size_t)max) && s[n])
		n++;
	return n;
}

static void put_str(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	size_t n;
	int pad;

	if (!s)
		s = "(null)";
	n = str_len_max(s, sp->prec);
	pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->left)
		put_repeat(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

/* Renders v in base 10 or 16 with sign/prefix, precision and width. */
static void put_num(struct fmt_out *o, const struct fmt_spec *sp, uint64_t v,
		    bool negative, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];		/* 2^64 has 20 decimal digits */
	int nd = 0, ndigits, nprefix = 0, pad;
	char prefix[2];
	bool is_zero = v == 0;

	while (v) {
		buf[nd++] = digits[v % base];
		v /= base;
	}
	/* C11 §7.21.6.1: precision 0 with value 0 prints no digits. */
	ndigits = nd;
	if (sp->prec < 0 && nd == 0)
		ndigits = 1, buf[nd++] = '0';
	if (sp->prec > ndigits)
		ndigits = sp->prec;

	if (negative)
		prefix[nprefix++] = '-';
	else if (sp->plus && base == 10)
		prefix[nprefix++] = '+';
	else if (sp->space && base == 10)
		prefix[nprefix++] = ' ';
	/* C11: '#' gives 0x only for a non-zero value. */
	if (sp->alt && base == 16 && (!is_zero || sp->always_prefix)) {
		prefix[0] = '0';
		prefix[1] = upper ? 'X' : 'x';
		nprefix = 2;
	}

	pad = sp->width - ndigits - nprefix;
	if (pad < 0)
		pad = 0;
	if (!sp->left && !(sp->zero && sp->prec < 0))
		put_repeat(o, ' ', pad);
	for (int i = 0; i < nprefix; i++)
		put(o, prefix[i]);
	if (!sp->left && sp->zero && sp->prec < 0)
		put_repeat(o, '0', pad);
	put_repeat(o, '0', ndigits - nd);
	while (nd > 0)
		put(o, buf[--nd]);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static int parse_int(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		if (v < 100000)		/* clamp absurd widths */
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return v;
}

static int64_t arg_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR:		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:		return (short)va_arg(*ap, int);
	case LEN_LONG:		return va_arg(*ap, long);
	case LEN_LLONG:		return va_arg(*ap, long long);
	case LEN_SIZE:		return (int64_t)va_arg(*ap, size_t);
	case LEN_MAX:		return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF:	return va_arg(*ap, ptrdiff_t);
	default:		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR:		return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT:		return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG:		return va_arg(*ap, unsigned long);
	case LEN_LLONG:		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:		return va_arg(*ap, size_t);
	case LEN_MAX:		return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF:	return (uint64_t)va_arg(*ap, ptrdiff_t);
	default:		return va_arg(*ap, unsigned);
	}
}

/* The flags after '%': - 0 + space #. */
static void parse_flags(const char **pp, struct fmt_spec *sp)
{
	const char *p = *pp;

	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else if (*p == '+')
			sp->plus = true;
		else if (*p == ' ')
			sp->space = true;
		else if (*p == '#')
			sp->alt = true;
		else
			break;
	}
	*pp = p;
}

/* The width and the precision, either of them '*' (an int argument; a
 * negative width means left-justified, a negative precision none). */
static void parse_width_prec(const char **pp, struct fmt_spec *sp, va_list *ap)
{
	const char *p = *pp;

	if (*p == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = sp->width < -100000 ? 100000 : -sp->width;
		}
		p++;
	} else {
		sp->width = parse_int(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			p++;
		} else {
			sp->prec = parse_int(&p);
		}
	}
	*pp = p;
}

/* The length modifier: hh h l ll z j t. */
static enum fmt_len parse_length(const char **pp)
{
	const char *p = *pp;
	enum fmt_len len = LEN_INT;

	switch (*p) {
	case 'h':
		len = LEN_SHORT;
		if (*++p == 'h')
			len = LEN_CHAR, p++;
		break;
	case 'l':
		len = LEN_LONG;
		if (*++p == 'l')
			len = LEN_LLONG, p++;
		break;
	case 'z': len = LEN_SIZE, p++; break;
	case 'j': len = LEN_MAX, p++; break;
	case 't': len = LEN_PTRDIFF, p++; break;
	default: break;
	}
	*pp = p;
	return len;
}

static void put_char_conv(struct fmt_out *o, const struct fmt_spec *sp, char c)
{
	int pad = sp->width > 1 ? sp->width - 1 : 0;

	if (!sp->left)
		put_repeat(o, ' ', pad);
	put(o, c);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

/* Writes the conversion *p, the directive having begun at start; returns
 * where the text resumes: past the conversion, or at the NUL of a lone '%'
 * that ends fmt (printed as it was). */
static const char *convert(struct fmt_out *o, struct fmt_spec *sp, enum fmt_len len,
			   const char *p, const char *start, va_list *ap)
{
	switch (*p) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, len);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		put_num(o, sp, mag, v < 0, 10, false);
		break;
	}
	case 'u':
		put_num(o, sp, arg_unsigned(ap, len), false, 10, false);
		break;
	case 'x':
	case 'X':
		put_num(o, sp, arg_unsigned(ap, len), false, 16, *p == 'X');
		break;
	case 'p': {
		struct fmt_spec ps = *sp;
		ps.alt = ps.always_prefix = true;
		ps.prec = 16;
		put_num(o, &ps, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	}
	case 'c':
		put_char_conv(o, sp, (char)va_arg(*ap, int));
		break;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case '%':
		put(o, '%');
		break;
	case '\0':
		/* a lone '%' at the end: print what was there */
		while (start < p)
			put(o, *start++);
		return p;
	default:
		/* unknown conversion: print it verbatim */
		while (start <= p)
			put(o, *start++);
		break;
	}
	return p + 1;
}

/* va_list is an array type on x86-64: take it by pointer so the helpers
 * above advance the caller's list. A directive is read in the order C11
 * §7.21.6.1 gives: flags, width, precision, length, conversion. */
static int format(struct fmt_out *o, const char *fmt, va_list *ap)
{
	const char *p = fmt;

	while (*p) {
		struct fmt_spec sp = { .prec = -1 };
		const char *start = p;
		enum fmt_len len;

		if (*p != '%') {
			put(o, *p++);
			continue;
		}
		p++;
		parse_flags(&p, &sp);
		parse_width_prec(&p, &sp, ap);
		len = parse_length(&p);
		p = convert(o, &sp, len, p, start, ap);
	}
	return o->count;
}

int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { sink, ctx, 0 };
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = format(&o, fmt, &copy);
	va_end(copy);
	return n;
}

struct fmt_buf {
	char *buf;
	size_t cap, len;
};

static void buf_sink(void *ctx, char c)
{
	struct fmt_buf *b = ctx;

	if (b->len + 1 < b->cap)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, cap, 0 };
	int n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (cap > 0)
		buf[b.len < cap ? b.len : cap - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
