// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: coap:// URIs and query parameters (agent/coap/uri.h).
 * Input: a URI, a NUL byte, a query string. A URI that parses must hold
 * what uri.h promises (bounded parts, a port, a NUL-terminated host) and
 * become a request that builds and parses. A query that parses must hold
 * distinct, valid keys, and read the same when written back
 * percent-encoded, and as Uri-Query options.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_uri(const uint8_t *data, size_t size)
{
	static char text[KCOAP_URI_MAX + 2];
	static struct kcoap_uri u;
	static struct kcoap_msg m, p;
	static uint8_t out[4096];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	int len;

	memcpy(text, data, n);
	text[n] = '\0';
	if (kcoap_uri_parse(text, &u)) {
		if (!u.err)
			abort();
		return;
	}
	if (u.err || !u.port || strnlen(u.host, sizeof(u.host)) >= sizeof(u.host) || !u.host[0] ||
	    u.nseg > KCOAP_URI_MAX_SEGS || u.nquery > KCOAP_URI_MAX_QUERY)
		abort();
	for (unsigned int i = 0; i < u.nseg; i++)
		if (u.seg[i].len > 255 || u.seg[i].off + u.seg[i].len > sizeof(u.buf))
			abort();
	for (unsigned int i = 0; i < u.nquery; i++)
		if (u.query[i].len > 255 || u.query[i].off + u.query[i].len > sizeof(u.buf))
			abort();
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
	if (kcoap_uri_to_msg(&u, &m, KCOAP_URI_HOST_OPT | KCOAP_URI_PORT_OPT))
		abort();	/* 1 + 1 + 16 + 16 options always fit */
	len = kcoap_build(&m, out, sizeof(out));
	if (len < 0 || kcoap_parse(&p, out, (size_t)len) || p.bad_opt ||
	    kcoap_opt_count(&p, KCOAP_OPT_URI_PATH) != u.nseg ||
	    kcoap_opt_count(&p, KCOAP_OPT_URI_QUERY) != u.nquery)
		abort();
}

static void same_query(const struct kcoap_query *a, const struct kcoap_query *b)
{
	if (a->n != b->n)
		abort();
	for (unsigned int i = 0; i < a->n; i++) {
		const struct kcoap_qparam *x = &a->p[i], *y = &b->p[i];

		if (strcmp(x->key, y->key) || !x->val != !y->val || x->val_len != y->val_len ||
		    (x->val && memcmp(x->val, y->val, x->val_len)))
			abort();
	}
}

static void check_query(const uint8_t *data, size_t size)
{
	static struct kcoap_query q, again;
	static struct kcoap_msg m;
	static char text[3 * KCOAP_QUERY_BUF + KCOAP_QUERY_MAX];
	static const char hex[] = "0123456789ABCDEF";
	size_t len = 0;
	int err;

	err = kcoap_query_parse((const char *)data, size, &q);
	if (err) {
		if (!q.err || q.n)
			abort();
		return;
	}
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 1);
	for (unsigned int i = 0; i < q.n; i++) {
		const struct kcoap_qparam *p = &q.p[i];

		if (!p->key[0] || strlen(p->key) > 255 || p->val_len > 255 ||
		    (p->val && strlen(p->val) != p->val_len) || kcoap_query_get(&q, p->key) != p)
			abort();
		/* written back with every byte encoded */
		if (i)
			text[len++] = '&';
		for (const char *c = p->key; *c; c++)
			text[len++] = *c;
		if (p->val) {
			text[len++] = '=';
			for (size_t k = 0; k < p->val_len; k++) {
				text[len++] = '%';
				text[len++] = hex[(uint8_t)p->val[k] >> 4];
				text[len++] = hex[p->val[k] & 15];
			}
		}
	}
	/* the encoded form may exceed the parser's limit; the options never do */
	if (len <= KCOAP_QUERY_BUF) {
		if (kcoap_query_parse(text, len, &again))
			abort();
		same_query(&q, &again);
	}
	for (unsigned int i = 0; i < q.n; i++) {
		static char opt[KCOAP_QUERY_MAX][512];
		const struct kcoap_qparam *p = &q.p[i];
		size_t kl = strlen(p->key);

		memcpy(opt[i], p->key, kl);
		if (p->val) {
			opt[i][kl] = '=';
			memcpy(opt[i] + kl + 1, p->val, p->val_len);
		}
		if (kcoap_msg_add_opt(&m, KCOAP_OPT_URI_QUERY, opt[i],
				      p->val ? kl + 1 + p->val_len : kl))
			abort();
	}
	if (kcoap_query_from_msg(&m, &again))
		abort();
	same_query(&q, &again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);

	if (!nul) {
		check_uri(data, size);
		return 0;
	}
	check_uri(data, (size_t)(nul - data));
	check_query(nul + 1, size - (size_t)(nul - data) - 1);
	return 0;
}
