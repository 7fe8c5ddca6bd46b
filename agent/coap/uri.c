// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * coap:// and coaps:// URIs and query parameters (see uri.h).
 *
 *   coaps://[fe80::1%25eth0]:5684/fw/a%2Fb?x=1&y
 *   \___/   \_____________/ \__/ \______/ \____/
 *   scheme  host (RFC 6874)  port  path    query
 *
 * The text is read left to right once: the scheme, the authority (up to
 * the first '/', '?' or end), the path (up to '?'), the query. Each piece
 * allows exactly RFC 3986's raw characters for its place, and %HH; pieces
 * that become CoAP options are decoded into uri->buf. Host names are held
 * to DNS's letters-digits-hyphen rule (plus '_') because they go to
 * getaddrinfo() and nowhere else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "uri.h"

#define SEG_MAX 255	/* a Uri-Path or Uri-Query option's limit */

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_unreserved(unsigned char c)
{
	return is_alnum(c) || (c && strchr("-._~", c));
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes @n bytes of @s into @out (room for @n bytes). Raw characters
 * allowed: unreserved, sub-delims but '&' (a query's separator), and those
 * in @extra. Return: the decoded length or -EINVAL.
 */
static int pct_decode(const char *s, size_t n, const char *extra, uint8_t *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3)
				return -EINVAL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			out[len++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else if (c && (is_unreserved(c) || strchr("!$'()*+,;=", c) || strchr(extra, c))) {
			out[len++] = c;
		} else {
			return -EINVAL;
		}
	}
	return (int)len;
}

/* RFC 3986 dec-octet x4: "0".."255", no leading zero. */
static bool is_dotted_quad(const char *s, size_t n)
{
	unsigned int parts = 0;
	size_t i = 0;

	while (i < n) {
		unsigned int v = 0;
		size_t start = i;

		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned int)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		if (++parts == 4)
			return i == n;
		if (i == n || s[i] != '.')
			return false;
		i++;
	}
	return false;
}

static int fail(struct kcoap_uri *uri, const char *why)
{
	uri->err = why;
	return -EINVAL;
}

/* A host name: labels of 1..63 letters, digits, '-' or '_', not starting
 * with '-'; stored in lower case. */
static int parse_name(struct kcoap_uri *uri, const char *s, size_t n)
{
	size_t label = 0;

	if (n > 253)
		return fail(uri, "host name longer than 253 bytes");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (!label)
				return fail(uri, "empty label in the host name");
			label = 0;
		} else if (is_alnum(c) || c == '_' || (c == '-' && label)) {
			if (++label > 63)
				return fail(uri, "host name label longer than 63 bytes");
		} else {
			return fail(uri, c == '%' ? "percent-encoding in the host name" :
					 "character not allowed in a host name");
		}
		uri->host[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	if (!label)
		return fail(uri, "host name ends with an empty label");
	uri->host[n] = '\0';
	return 0;
}

/* "[addr]" or "[addr%25zone]" (RFC 6874); @s..@n covers the brackets. */
static int parse_ipv6(struct kcoap_uri *uri, const char *s, size_t n)
{
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const char *end = s + n - 1;	/* the ']' */
	const char *pct = memchr(s, '%', n);
	size_t alen = (size_t)((pct ? pct : end) - (s + 1));

	if (alen == 0 || alen >= sizeof(addr))
		return fail(uri, "malformed IPv6 literal");
	memcpy(addr, s + 1, alen);
	addr[alen] = '\0';
	if (addr[0] == 'v' || addr[0] == 'V')
		return fail(uri, "IPvFuture literals are not supported");
	if (inet_pton(AF_INET6, addr, &a) != 1)
		return fail(uri, "malformed IPv6 literal");
	memcpy(uri->host, addr, alen + 1);
	if (pct) {
		uint8_t zone[KCOAP_URI_MAX];
		int zlen;

		if (end - pct < 3 || strncmp(pct, "%25", 3))
			return fail(uri, "IPv6 zone not introduced by %25");
		zlen = pct_decode(pct + 3, (size_t)(end - pct - 3), "", zone);
		if (zlen <= 0)
			return fail(uri, "malformed IPv6 zone");
		for (int i = 0; i < zlen; i++)
			if (!is_unreserved(zone[i]))
				return fail(uri, "IPv6 zone is not an interface name");
		if (alen + 1 + (size_t)zlen > KCOAP_URI_HOST_MAX)
			return fail(uri, "IPv6 zone too long");
		uri->host[alen] = '%';
		memcpy(uri->host + alen + 1, zone, (size_t)zlen);
		uri->host[alen + 1 + zlen] = '\0';
	}
	uri->ipv6 = true;
	uri->literal = true;
	return 0;
}

static int parse_port(struct kcoap_uri *uri, const char *s, size_t n)
{
	unsigned int v = 0;

	if (n == 0)
		return fail(uri, "empty port");
	if (n > 5 || s[0] == '0')
		return fail(uri, "port out of range 1-65535");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(uri, "port is not a number");
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > 65535)
		return fail(uri, "port out of range 1-65535");
	uri->port = (uint16_t)v;
	return 0;
}

static int parse_authority(struct kcoap_uri *uri, const char *s, size_t n)
{
	const char *colon;
	size_t hlen;
	int err;

	if (memchr(s, '@', n))
		return fail(uri, "userinfo is not allowed");
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (!close)
			return fail(uri, "IPv6 literal without its ']'");
		hlen = (size_t)(close - s) + 1;
		err = parse_ipv6(uri, s, hlen);
		if (err)
			return err;
		if (hlen == n)
			return 0;
		if (s[hlen] != ':')
			return fail(uri, "garbage after the IPv6 literal");
		return parse_port(uri, s + hlen + 1, n - hlen - 1);
	}
	colon = memchr(s, ':', n);
	hlen = colon ? (size_t)(colon - s) : n;
	if (hlen == 0)
		return fail(uri, "empty host");
	if (strspn(s, "0123456789.") >= hlen) {
		if (!is_dotted_quad(s, hlen))
			return fail(uri, "malformed IPv4 literal");
		memcpy(uri->host, s, hlen);
		uri->host[hlen] = '\0';
		uri->literal = true;
	} else {
		err = parse_name(uri, s, hlen);
		if (err)
			return err;
	}
	return colon ? parse_port(uri, colon + 1, n - hlen - 1) : 0;
}

/* Decodes one path segment or query parameter into uri->buf at *pos. */
static int add_part(struct kcoap_uri *uri, const char *s, size_t n, const char *extra,
		    struct kcoap_uri_part *part, size_t *pos)
{
	int len = pct_decode(s, n, extra, uri->buf + *pos);

	if (len < 0)
		return fail(uri, "character not allowed in the path or query, or bad %HH");
	if (len > SEG_MAX)
		return fail(uri, "path segment or query parameter over 255 bytes");
	part->off = (uint16_t)*pos;
	part->len = (uint16_t)len;
	*pos += (size_t)len;
	return 0;
}

static bool is_dot_segment(const struct kcoap_uri *uri, const struct kcoap_uri_part *p)
{
	const uint8_t *b = uri->buf + p->off;

	return (p->len == 1 && b[0] == '.') || (p->len == 2 && b[0] == '.' && b[1] == '.');
}

static int parse_path(struct kcoap_uri *uri, const char *s, size_t n, size_t *pos)
{
	if (n <= 1)	/* "" or "/" */
		return 0;
	for (size_t i = 1; i <= n; ) {
		const char *slash = memchr(s + i, '/', n - i);
		size_t end = slash ? (size_t)(slash - s) : n;
		struct kcoap_uri_part *seg;
		int err;

		if (uri->nseg == KCOAP_URI_MAX_SEGS)
			return fail(uri, "too many path segments");
		seg = &uri->seg[uri->nseg++];
		err = add_part(uri, s + i, end - i, ":@&", seg, pos);
		if (err)
			return err;
		if (is_dot_segment(uri, seg))
			return fail(uri, "'.' or '..' path segment");
		i = end + 1;
	}
	return 0;
}

static int parse_uri_query(struct kcoap_uri *uri, const char *s, size_t n, size_t *pos)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n; ) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		int err;

		if (uri->nquery == KCOAP_URI_MAX_QUERY)
			return fail(uri, "too many query parameters");
		err = add_part(uri, s + i, end - i, ":@/?", &uri->query[uri->nquery++], pos);
		if (err)
			return err;
		i = end + 1;
	}
	return 0;
}

int kcoap_uri_parse(const char *text, struct kcoap_uri *uri)
{
	size_t len = strnlen(text, KCOAP_URI_MAX + 1), pos = 0, alen, plen;
	const char *p;
	int err;

	memset(uri, 0, sizeof(*uri));
	if (len > KCOAP_URI_MAX) {
		uri->err = "URI longer than 1034 bytes";
		return -ENAMETOOLONG;
	}
	if (memchr(text, '#', len))
		return fail(uri, "fragments are not allowed");
	if (!strncasecmp(text, "coaps://", 8)) {
		uri->secure = true;
		uri->port = KCOAP_PORT_SECURE;
		p = text + 8;
	} else if (!strncasecmp(text, "coap://", 7)) {
		uri->port = KCOAP_PORT;
		p = text + 7;
	} else {
		return fail(uri, "scheme is not coap:// or coaps://");
	}
	alen = strcspn(p, "/?");
	err = parse_authority(uri, p, alen);
	if (err)
		return err;
	p += alen;
	plen = strcspn(p, "?");
	err = parse_path(uri, p, plen, &pos);
	if (err)
		return err;
	p += plen;
	if (*p == '?') {
		err = parse_uri_query(uri, p + 1, strlen(p + 1), &pos);
		if (err)
			return err;
	}
	return 0;
}

int kcoap_uri_to_msg(const struct kcoap_uri *uri, struct kcoap_msg *msg, unsigned int flags)
{
	int err = 0;

	if ((flags & KCOAP_URI_HOST_OPT) && !uri->literal)
		err = kcoap_msg_add_str(msg, KCOAP_OPT_URI_HOST, uri->host);
	if (!err && (flags & KCOAP_URI_PORT_OPT) &&
	    uri->port != (uri->secure ? KCOAP_PORT_SECURE : KCOAP_PORT))
		err = kcoap_msg_add_uint(msg, KCOAP_OPT_URI_PORT, uri->port);
	for (unsigned int i = 0; !err && i < uri->nseg; i++)
		err = kcoap_msg_add_opt(msg, KCOAP_OPT_URI_PATH, uri->buf + uri->seg[i].off,
					uri->seg[i].len);
	for (unsigned int i = 0; !err && i < uri->nquery; i++)
		err = kcoap_msg_add_opt(msg, KCOAP_OPT_URI_QUERY, uri->buf + uri->query[i].off,
					uri->query[i].len);
	return err;
}

/* ------------------------------------------------------------ query parameters */

static int qfail(struct kcoap_query *q, int err, const char *why)
{
	q->n = 0;
	q->err = why;
	return err;
}

/* Stores @n bytes and a NUL at q->buf + *pos. */
static char *qstore(struct kcoap_query *q, const uint8_t *s, size_t n, size_t *pos)
{
	char *dst = q->buf + *pos;

	if (KCOAP_QUERY_BUF - *pos < n + 1)
		return NULL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	*pos += n + 1;
	return dst;
}

/* One decoded parameter: key bytes, and value bytes unless @val is NULL. */
static int add_param(struct kcoap_query *q, const uint8_t *key, size_t klen,
		     const uint8_t *val, size_t vlen, size_t *pos)
{
	struct kcoap_qparam *p;

	if (klen == 0)
		return qfail(q, -EINVAL, "empty query parameter or key");
	if (klen > SEG_MAX || vlen > SEG_MAX)
		return qfail(q, -EINVAL, "query key or value over 255 bytes");
	for (size_t i = 0; i < klen; i++)
		if (!is_unreserved(key[i]))
			return qfail(q, -EINVAL, "query key with a character other than A-Z a-z 0-9 -._~");
	for (size_t i = 0; val && i < vlen; i++)
		if (val[i] < 0x20 || val[i] == 0x7f)
			return qfail(q, -EINVAL, "control character in a query value");
	for (unsigned int i = 0; i < q->n; i++)
		if (strlen(q->p[i].key) == klen && !memcmp(q->p[i].key, key, klen))
			return qfail(q, -EINVAL, "query key given twice");
	if (q->n == KCOAP_QUERY_MAX)
		return qfail(q, -E2BIG, "too many query parameters");
	p = &q->p[q->n];
	p->key = qstore(q, key, klen, pos);
	p->val = val ? qstore(q, val, vlen, pos) : NULL;
	p->val_len = val ? vlen : 0;
	if (!p->key || (val && !p->val))
		return qfail(q, -E2BIG, "query parameters too long together");
	q->n++;
	return 0;
}

int kcoap_query_parse(const char *s, size_t len, struct kcoap_query *q)
{
	uint8_t key[KCOAP_QUERY_BUF], val[KCOAP_QUERY_BUF];
	size_t pos = 0;

	memset(q, 0, sizeof(*q));
	if (len == 0)
		return 0;
	if (len > KCOAP_QUERY_BUF)
		return qfail(q, -E2BIG, "query parameters too long together");
	for (size_t i = 0; i <= len; ) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		const char *eq = memchr(s + i, '=', end - i);
		size_t kend = eq ? (size_t)(eq - s) : end;
		int klen, vlen = 0, err;

		klen = pct_decode(s + i, kend - i, "", key);
		if (eq)
			vlen = pct_decode(eq + 1, end - kend - 1, ":@/?", val);
		if (klen < 0 || vlen < 0)
			return qfail(q, -EINVAL, "character not allowed in a query, or bad %HH");
		err = add_param(q, key, (size_t)klen, eq ? val : NULL, (size_t)vlen, &pos);
		if (err)
			return err;
		i = end + 1;
	}
	return 0;
}

int kcoap_query_from_msg(const struct kcoap_msg *msg, struct kcoap_query *q)
{
	size_t pos = 0;

	memset(q, 0, sizeof(*q));
	for (const struct kcoap_opt *o = kcoap_opt_first(msg, KCOAP_OPT_URI_QUERY); o;
	     o = kcoap_opt_next(msg, o)) {
		const uint8_t *v = kcoap_opt_val(o);
		const uint8_t *eq = o->len ? memchr(v, '=', o->len) : NULL;
		size_t klen = eq ? (size_t)(eq - v) : o->len;
		int err;

		err = add_param(q, v, klen, eq ? eq + 1 : NULL, eq ? o->len - klen - 1 : 0, &pos);
		if (err)
			return err;
	}
	return 0;
}

const struct kcoap_qparam *kcoap_query_get(const struct kcoap_query *q, const char *key)
{
	for (unsigned int i = 0; i < q->n; i++)
		if (!strcmp(q->p[i].key, key))
			return &q->p[i];
	return NULL;
}
