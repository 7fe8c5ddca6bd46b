/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * coap:// and coaps:// URIs (RFC 7252 section 6, RFC 3986, RFC 6874 for
 * IPv6 zones) and query parameters ("pmin=10&gt=2.5&st": registration
 * parameters, Write-Attributes), for the agent's configuration (server and
 * bootstrap URIs, firmware package URIs) and for requests it receives.
 *
 * Nothing here resolves a name: the caller passes uri.host and uri.port to
 * getaddrinfo() (a literal IPv6 host is given without brackets, with its
 * zone as "%eth0", as getaddrinfo() takes it). Everything is validated
 * strictly: what is refused gets -EINVAL and a reason in ->err, and nothing
 * is ever silently cut short.
 */
#ifndef KLWM2M_AGENT_COAP_URI_H
#define KLWM2M_AGENT_COAP_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* The longest URI taken (Proxy-Uri's limit, RFC 7252 section 5.10.2). */
#define KCOAP_URI_MAX		1034
#define KCOAP_URI_HOST_MAX	255
/* Path segments and query parameters a URI may have. */
#define KCOAP_URI_MAX_SEGS	16
#define KCOAP_URI_MAX_QUERY	16

/* A decoded piece of a URI: @len bytes at buf + @off (may hold any byte). */
struct kcoap_uri_part {
	uint16_t off;
	uint16_t len;
};

/**
 * struct kcoap_uri - a parsed coap:// or coaps:// URI
 * @secure: coaps
 * @literal: the host is an IP literal (then no Uri-Host option is due,
 *	RFC 7252 section 6.4 step 5)
 * @ipv6: the host is an IPv6 literal
 * @host: NUL-terminated: a host name in lower case, an IPv4 literal, or an
 *	IPv6 literal without brackets ("fe80::1%eth0")
 * @port: given, or 5683 / 5684 by scheme
 * @nseg: path segments; "" and "/" have none, "/a/" has "a" and ""
 * @seg: each segment, percent-decoded, in @buf
 * @nquery: query parameters (split at '&')
 * @query: each, percent-decoded, in @buf
 * @buf: decoded bytes
 * @err: why kcoap_uri_parse() refused, NULL after success
 */
struct kcoap_uri {
	bool secure;
	bool literal;
	bool ipv6;
	char host[KCOAP_URI_HOST_MAX + 1];
	uint16_t port;
	uint8_t nseg;
	uint8_t nquery;
	struct kcoap_uri_part seg[KCOAP_URI_MAX_SEGS];
	struct kcoap_uri_part query[KCOAP_URI_MAX_QUERY];
	uint8_t buf[KCOAP_URI_MAX];
	const char *err;
};

/**
 * kcoap_uri_parse() - parse a coap or coaps URI
 * @text: NUL-terminated, at most KCOAP_URI_MAX bytes
 * @uri: filled (wholly overwritten)
 *
 * Accepted: scheme "coap" or "coaps" (any case), "//", a host (a name of
 * letters, digits, '-', '_' and '.' in labels of 1..63 bytes; a dotted-quad
 * IPv4 literal; "[IPv6]" with an optional "%25zone"), an optional ":port"
 * (1..65535, decimal, no leading zero), a path and a query. Refused: other
 * schemes, userinfo ("user@"), a fragment ('#'), an empty host, a host of
 * digits and dots that is no dotted quad ("1.2.3", which getaddrinfo()
 * would read as 1.2.0.3), percent-encoding in the host, an empty port,
 * characters RFC 3986 does not allow raw, malformed %HH, "." and ".."
 * segments, a segment or query parameter over 255 bytes decoded, more than
 * KCOAP_URI_MAX_SEGS segments or KCOAP_URI_MAX_QUERY parameters.
 *
 * Return: 0, -EINVAL (uri->err says why) or -ENAMETOOLONG (over KCOAP_URI_MAX).
 */
int kcoap_uri_parse(const char *text, struct kcoap_uri *uri);

/* kcoap_uri_to_msg() flags */
#define KCOAP_URI_HOST_OPT	0x1	/* Uri-Host when the host is a name */
#define KCOAP_URI_PORT_OPT	0x2	/* Uri-Port when not the scheme's default */

/**
 * kcoap_uri_to_msg() - add the options RFC 7252 section 6.4 derives from @uri:
 * Uri-Path and Uri-Query always, Uri-Host and Uri-Port as @flags ask
 * @uri: parsed URI; the options point into it, so it must outlive @msg's use
 * @msg: message being built
 * @flags: KCOAP_URI_*_OPT
 *
 * Return: 0 or -E2BIG (the message's options are full; then some may have
 * been added: start the message again).
 */
int kcoap_uri_to_msg(const struct kcoap_uri *uri, struct kcoap_msg *msg, unsigned int flags);

/* ------------------------------------------------------------ query parameters */

#define KCOAP_QUERY_MAX		16	/* parameters */
#define KCOAP_QUERY_BUF		1024	/* bytes of decoded keys and values */

/**
 * struct kcoap_qparam - one query parameter
 * @key: NUL-terminated, 1..255 bytes of RFC 3986 unreserved characters
 *	(letters, digits, "-._~")
 * @val: NUL-terminated value, or NULL for a bare "key" (distinct from
 *	"key=", whose value is "")
 * @val_len: strlen(@val), 0 when @val is NULL
 */
struct kcoap_qparam {
	const char *key;
	const char *val;
	size_t val_len;
};

/**
 * struct kcoap_query - parameters of a query, keys distinct
 * @n: used entries of @p, in the order given
 * @p: the parameters
 * @buf: storage of keys and values
 * @err: why a parse refused, NULL after success
 */
struct kcoap_query {
	unsigned int n;
	struct kcoap_qparam p[KCOAP_QUERY_MAX];
	char buf[KCOAP_QUERY_BUF];
	const char *err;
};

/**
 * kcoap_query_parse() - split "k=v&k2&k3=" (no leading '?'), percent-decoding
 * @s: the query, @len bytes (no NUL needed); "" gives no parameter
 * @q: filled (wholly overwritten)
 *
 * Refused: an empty parameter ("a&&b", a trailing '&'), an empty or
 * non-unreserved key, a key given twice, raw characters RFC 3986 does not
 * allow in a query, malformed %HH, a decoded value holding a control
 * character (0x00-0x1f, 0x7f), a key or value over 255 bytes.
 *
 * Return: 0, -EINVAL (q->err says why) or -E2BIG (over KCOAP_QUERY_MAX
 * parameters or KCOAP_QUERY_BUF bytes).
 */
int kcoap_query_parse(const char *s, size_t len, struct kcoap_query *q);

/**
 * kcoap_query_from_msg() - the Uri-Query options of @msg as parameters, each
 * option one "key=value" or "key". Option values are not percent-encoded
 * (RFC 7252 section 6.5), so none is decoded; the rules are otherwise those
 * of kcoap_query_parse().
 * Return: as kcoap_query_parse().
 */
int kcoap_query_from_msg(const struct kcoap_msg *msg, struct kcoap_query *q);

/** kcoap_query_get() - the parameter named @key, or NULL. */
const struct kcoap_qparam *kcoap_query_get(const struct kcoap_query *q, const char *key);

#endif /* KLWM2M_AGENT_COAP_URI_H */
