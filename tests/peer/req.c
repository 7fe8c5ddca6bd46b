// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Requests from the test server to the registered device, and what comes
 * back: responses (matched to the waiting request by token), notifications
 * (matched to an observation by token, decoded and recorded as they
 * arrive), and failures (libcoap's NACK: retransmissions exhausted, RST).
 *
 * Requests are confirmable, carry a fresh 8-byte token (a cancel reuses its
 * observation's), and go out on the session the device registered from, so
 * they leave from the server's own address and port as LwM2M expects.
 * libcoap does the block-wise work: Block2 answers arrive reassembled
 * (COAP_BLOCK_SINGLE_BODY), large payloads go out with Block1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "srv.h"

struct req {
	struct req *next;
	uint8_t token[8];
	size_t toklen;
	bool done;
	int err;
	struct resp *r;
};

static struct srv *the_srv;

void print_code(char *buf, size_t size, unsigned int code)
{
	snprintf(buf, size, "%u.%02u", (code >> 5) & 7, code & 31);
}

void print_values(const struct pv_list *l)
{
	char p[40];

	for (size_t i = 0; i < l->n; i++) {
		fprintf(out, "#   %s = ", pv_path_str(&l->r[i].path, p, sizeof(p)));
		pv_value_print(out, &l->r[i].v);
		fputc('\n', out);
	}
}

static bool tok_eq(coap_bin_const_t t, const uint8_t *tok, size_t len)
{
	return t.length == len && (!len || !memcmp(t.s, tok, len));
}

static unsigned int opt_uint(const coap_pdu_t *pdu, uint16_t num, bool *has)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(pdu, num, &it);

	if (has)
		*has = o;
	return o ? coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o)) : 0;
}

static int fill_resp(struct resp *r, const coap_pdu_t *pdu)
{
	const uint8_t *data;
	size_t len = 0, off, total;
	coap_opt_iterator_t it;
	coap_opt_t *o;
	bool has;

	memset(r, 0, sizeof(*r));
	r->code = coap_pdu_get_code(pdu);
	r->cf = (int)opt_uint(pdu, COAP_OPTION_CONTENT_FORMAT, &has);
	if (!has)
		r->cf = CF_NONE;
	r->observe = opt_uint(pdu, COAP_OPTION_OBSERVE, &r->has_observe);
	coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
	while ((o = coap_option_next(&it)))
		if (it.number == COAP_OPTION_LOCATION_PATH) {
			size_t l = strlen(r->location);

			snprintf(r->location + l, sizeof(r->location) - l, "/%.*s",
				 (int)coap_opt_length(o), (const char *)coap_opt_value(o));
		}
	if (!coap_get_data_large(pdu, &len, &data, &off, &total))
		len = 0;
	r->payload = malloc(len + 1);
	if (!r->payload)
		return -ENOMEM;
	if (len)
		memcpy(r->payload, data, len);
	r->payload[len] = 0;
	r->len = len;
	return 0;
}

void resp_free(struct resp *r)
{
	free(r->payload);
	r->payload = NULL;
}

static void record_note(struct srv *s, struct obs *o, const coap_pdu_t *pdu)
{
	struct note *notes = realloc(o->notes, (o->n + 1) * sizeof(*notes));
	struct resp r;
	struct note *n;
	char p[40], c[8], cfb[8];

	if (!notes || fill_resp(&r, pdu)) {
		if (notes)
			o->notes = notes;
		fprintf(out, "# notification on %s lost: out of memory\n",
			pv_path_str(&o->path, p, sizeof(p)));
		return;
	}
	o->notes = notes;
	n = &notes[o->n++];
	memset(n, 0, sizeof(*n));
	n->t = srv_now(s);
	n->code = r.code;
	n->cf = r.cf;
	n->seq = r.observe;
	n->has_seq = r.has_observe;
	print_code(c, sizeof(c), r.code);
	fprintf(out, "# <- notification %zu on %s at %.2f s: %s, %s, %zu bytes%s\n", o->n,
		pv_path_str(&o->path, p, sizeof(p)), n->t, c, fmt_name(r.cf, cfb, sizeof(cfb)),
		r.len, r.has_observe ? "" : " (no Observe option: observation ended)");
	if (r.code >> 5 == 2 && fmt_decode(r.cf, &o->path, r.payload, r.len, &n->vals, &n->err))
		fprintf(out, "#   cannot decode: %s\n", n->err);
	print_values(&n->vals);
	if (!r.has_observe || r.code >> 5 != 2)
		o->cancelled = true;
	resp_free(&r);
}

static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent,
				   const coap_pdu_t *rcv, const coap_mid_t mid)
{
	struct srv *s = the_srv;
	coap_bin_const_t tok = coap_pdu_get_token(rcv);
	char c[8];

	for (struct req *q = s->pending; q; q = q->next)
		if (!q->done && tok_eq(tok, q->token, q->toklen)) {
			q->err = fill_resp(q->r, rcv);
			q->done = true;
			return COAP_RESPONSE_OK;
		}
	for (struct obs *o = s->obs; o; o = o->next) {
		if (!tok_eq(tok, o->token, o->toklen))
			continue;
		if (o->cancelled) {	/* the device did not stop: RST, and count it */
			char p[40];

			o->late++;
			fprintf(out, "# <- notification on %s after its cancel (%zu so far): RST\n",
				pv_path_str(&o->path, p, sizeof(p)), o->late);
			return COAP_RESPONSE_FAIL;
		}
		record_note(s, o, rcv);
		if (o->rst_next) {
			fprintf(out, "# -> RST to that notification\n");
			o->rst_done = o->cancelled = true;
			return COAP_RESPONSE_FAIL;
		}
		return COAP_RESPONSE_OK;
	}
	print_code(c, sizeof(c), coap_pdu_get_code(rcv));
	fprintf(out, "# <- %s for no request or observation of ours (token of %zu bytes): RST\n",
		c, tok.length);
	return COAP_RESPONSE_FAIL;
}

static void on_nack(coap_session_t *session, const coap_pdu_t *sent,
		    const coap_nack_reason_t reason, const coap_mid_t mid)
{
	coap_bin_const_t tok;

	if (!sent)
		return;
	tok = coap_pdu_get_token(sent);
	for (struct req *q = the_srv->pending; q; q = q->next)
		if (!q->done && tok_eq(tok, q->token, q->toklen)) {
			q->done = true;
			q->err = reason == COAP_NACK_RST ? -ECONNRESET :
				 reason == COAP_NACK_TOO_MANY_RETRIES ? -ETIMEDOUT : -EIO;
		}
}

void req_init(struct srv *s)
{
	the_srv = s;
	coap_register_response_handler(s->ctx, on_response);
	coap_register_nack_handler(s->ctx, on_nack);
}

static void release_copy(coap_session_t *session, void *p)
{
	free(p);
}

static int add_options(coap_pdu_t *pdu, const struct req_opts *o)
{
	coap_optlist_t *l = NULL;
	uint8_t b[4];
	char seg[8], q[256], *save, *kv;
	int ok = 1;

	if (o->observe >= 0)
		ok &= coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_OBSERVE,
				coap_encode_var_safe(b, sizeof(b), (unsigned int)o->observe), b));
	for (int i = 0; i < o->path->depth; i++) {
		snprintf(seg, sizeof(seg), "%u", o->path->id[i]);
		ok &= coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_URI_PATH, strlen(seg),
							       (const uint8_t *)seg));
	}
	if (o->cf != CF_NONE)
		ok &= coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_CONTENT_FORMAT,
				coap_encode_var_safe(b, sizeof(b), (unsigned int)o->cf), b));
	if (o->query) {
		snprintf(q, sizeof(q), "%s", o->query);
		for (kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save))
			ok &= coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_URI_QUERY,
						  strlen(kv), (const uint8_t *)kv));
	}
	if (o->accept != CF_NONE)
		ok &= coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_ACCEPT,
				coap_encode_var_safe(b, sizeof(b), (unsigned int)o->accept), b));
	ok &= coap_add_optlist_pdu(pdu, &l);
	coap_delete_optlist(l);
	return ok ? 0 : -ENOMEM;
}

static bool req_done(struct srv *s, void *arg)
{
	return ((struct req *)arg)->done;
}

int req_run(struct srv *s, const struct req_opts *o, struct resp *r, uint8_t *token,
	    size_t *toklen)
{
	struct client *c = srv_client(s);
	struct req q = { .r = r };
	coap_pdu_t *pdu;
	uint8_t *copy;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!c)
		return -ENOTCONN;
	if (o->cancel) {
		/* libcoap rewrites the token of a new request that reuses an
		 * observation's; its own cancel sends the original one */
		coap_binary_t t = { o->toklen, (uint8_t *)o->token };

		q.toklen = o->toklen;
		memcpy(q.token, o->token, o->toklen);
		if (!coap_cancel_observe(c->session, &t, COAP_MESSAGE_CON))
			return -ENOENT;
		goto wait;
	}
	pdu = coap_new_pdu(COAP_MESSAGE_CON, o->method, c->session);
	if (!pdu)
		return -ENOMEM;
	if (o->token) {
		q.toklen = o->toklen;
		memcpy(q.token, o->token, o->toklen);
	} else {
		coap_session_new_token(c->session, &q.toklen, q.token);
	}
	if (!coap_add_token(pdu, q.toklen, q.token) || add_options(pdu, o))
		goto nomem;
	if (o->len) {
		copy = malloc(o->len);	/* libcoap may send blocks after we gave up */
		if (!copy)
			goto nomem;
		memcpy(copy, o->payload, o->len);
		/* on failure libcoap has called release_copy() already */
		if (!coap_add_data_large_request(c->session, pdu, o->len, copy, release_copy, copy))
			goto nomem;
	}
	if (coap_send(c->session, pdu) == COAP_INVALID_MID)
		return -EIO;
wait:
	q.next = s->pending;
	s->pending = &q;
	ret = srv_wait(s, req_done, &q, s->timeout_ms);
	for (struct req **p = &s->pending; *p; p = &(*p)->next)
		if (*p == &q) {
			*p = q.next;
			break;
		}
	if (token) {
		memcpy(token, q.token, q.toklen);
		*toklen = q.toklen;
	}
	if (ret)
		return ret;
	if (q.err)
		resp_free(r);
	return q.err;
nomem:
	coap_delete_pdu(pdu);
	return -ENOMEM;
}

void obs_free_all(struct srv *s)
{
	while (s->obs) {
		struct obs *o = s->obs;

		s->obs = o->next;
		for (size_t i = 0; i < o->n; i++)
			pv_list_free(&o->notes[i].vals);
		free(o->notes);
		if (o->session)
			coap_session_release(o->session);
		free(o);
	}
}
