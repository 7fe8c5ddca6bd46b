// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Value helpers every format shares: UTF-8 validation, the shortest decimal
 * text of a double, strict decimal integers and numbers, object links, and
 * base64url. All pure functions over (pointer, length): payload bytes carry
 * no NUL terminator.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool fmt_utf8_valid(const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/*
 * The fewest significant digits that read back as @d, written as a plain
 * decimal ("30", "0.1", "123456.789") when the exponent is -5..16, else in
 * exponent form ("1e+20", "5e-324"): %g alone would write 30 as "3e+01",
 * which a Write-Attributes reader or a text/plain reader need not accept.
 */
int fmt_double_text(double d, char buf[32])
{
	int prec, exp;

	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, 32, "%.*e", prec, d);
		if (strtod(buf, NULL) == d && signbit(strtod(buf, NULL)) == signbit(d))
			break;
	}
	exp = atoi(strchr(buf, 'e') + 1);
	if (d == 0 || (exp >= -5 && exp <= 16))
		return snprintf(buf, 32, "%.*f", prec > exp ? prec - exp : 0, d);
	return (int)strlen(buf);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits only, no superfluous leading zero; the magnitude or -ERANGE. */
static int parse_mag(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len || (s[0] == '0' && len > 1))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int fmt_parse_u64(const char *s, size_t len, uint64_t *out)
{
	return parse_mag(s, len, out);
}

int fmt_parse_s64(const char *s, size_t len, int64_t *out)
{
	bool neg = len && s[0] == '-';
	uint64_t m;
	int err = parse_mag(s + neg, len - neg, &m);

	if (err)
		return err;
	if (neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*out = m ? (int64_t)(0 - m) : 0;
		if (m == (uint64_t)INT64_MAX + 1)
			*out = INT64_MIN;
		return 0;
	}
	if (m > INT64_MAX)
		return -ERANGE;
	*out = (int64_t)m;
	return 0;
}

int fmt_parse_objlnk(const char *s, size_t len, struct klwm2m_objlnk *o)
{
	const char *colon = memchr(s, ':', len);
	uint64_t a, b;

	if (!colon || parse_mag(s, (size_t)(colon - s), &a) ||
	    parse_mag(colon + 1, len - (size_t)(colon - s) - 1, &b) || a > 65535 || b > 65535)
		return -EINVAL;
	o->oid = (uint16_t)a;
	o->iid = (uint16_t)b;
	return 0;
}

#define DECIMAL_MAX 1000	/* characters of a number we read */

int fmt_parse_decimal(const char *s, size_t len, double *out, bool *is_int)
{
	size_t i = 0, start;
	char *copy;

	*is_int = true;
	if (i < len && s[i] == '-')
		i++;
	start = i;
	while (i < len && is_digit(s[i]))
		i++;
	if (i == start || (s[start] == '0' && i - start > 1))
		return -EINVAL;
	if (i < len && s[i] == '.') {
		*is_int = false;
		start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return -EINVAL;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		*is_int = false;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return -EINVAL;
	}
	if (i != len || len > DECIMAL_MAX)
		return -EINVAL;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	*out = strtod(copy, NULL);
	free(copy);
	return 0;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int fmt_base64url_put(struct fmt_buf *b, const void *p, size_t len)
{
	const unsigned char *s = p;
	char q[4];
	int err;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		size_t n = len - i >= 3 ? 3 : len - i;

		if (n > 1)
			v |= (uint32_t)s[i + 1] << 8;
		if (n > 2)
			v |= s[i + 2];
		q[0] = b64url[v >> 18];
		q[1] = b64url[(v >> 12) & 63];
		q[2] = b64url[(v >> 6) & 63];
		q[3] = b64url[v & 63];
		err = fmt_buf_put(b, q, n + 1);
		if (err)
			return err;
	}
	return 0;
}

static int b64val(char c)
{
	const char *p = c ? strchr(b64url, c) : NULL;

	return p ? (int)(p - b64url) : -1;
}

int fmt_base64url_decode(const char *s, size_t len, unsigned char *out, size_t *outlen)
{
	size_t data = len, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (len % 4 == 0 && len) {
		if (s[len - 1] == '=')
			data--;
		if (s[len - 2] == '=')
			data--;
	}
	if (data % 4 == 1)
		return -EBADMSG;
	for (size_t i = 0; i < data; i++) {
		int v = b64val(s[i]);

		if (v < 0)
			return -EBADMSG;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc)
		return -EBADMSG;	/* non-zero trailing bits: not the canonical form */
	*outlen = o;
	return 0;
}
