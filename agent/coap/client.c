// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoAP client side of the endpoint: requests out, responses in (RFC 7252
 * section 5.2, RFC 7959 section 2 for Block2).
 *
 * A request is a call: a fresh token (exchange.c), a new Message ID, and for
 * a CON a transmission that exchange.c retransmits. The response is matched
 *  - piggybacked: an ACK with the request's MID (and its token);
 *  - separate: a CON or NON from the same peer with the call's token, after
 *    an empty ACK, or before it (the ACK was lost) -- endpoint.c
 *    acknowledges a CON one and deduplicates it.
 * After the empty ACK (or after a NON request) the call waits
 * params.response_timeout_ms for its response. A response with Block2 and
 * more blocks to come is followed: the same request is sent again with
 * Block2 asking for the next block at the server's size, the blocks are
 * joined (at most params.block1_max bytes, -EFBIG past it) and checked for a
 * stable ETag (-ESTALE when the representation changed underneath), and the
 * callback gets the whole body with the last block's message.
 *
 * A request body larger than params.block_size (at most params.block1_max,
 * -EFBIG past it) goes out in Block1 blocks (RFC 7959 section 2.5): each
 * block a message of the request's type with the request's options, Block1
 * (NUM, M, SZX) and, in block 0, Size1 with the total. A 2.31 Continue
 * acknowledging the block in flight (its NUM, or its byte offset at the
 * server's SZX) sends the next block; a smaller SZX in it is honoured from
 * there on, the remaining blocks renumbered at the new size from the byte
 * where the last one ended (RFC 7959 section 2.3). The response to the last
 * block is the call's response (then Block2 is followed as above, asking
 * without a payload). Any other response ends the call: a 4.xx/5.xx one
 * (4.13 with Size1, 4.08, ...) reaches the callback as a response, a 2.31
 * for the last block, a 2.31 for another block or a success before the last
 * block gives -EPROTO. Each block is a CON retransmitted like any other.
 * Every block carries the call's token: RFC 7959 section 2.3 allows the
 * same or fresh ones, servers (ours, libcoap) key the transfer on the
 * request's identity rather than the token, and one token keeps one call
 * matching its separate responses the way a single request does; a stale
 * response to an earlier block cannot be taken for the current one because
 * its Block1 must name the block in flight.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep_internal.h"

static void call_free(struct kcoap_ep_call *c)
{
	free(c->req);
	free(c->b1);
	free(c->body);
	free(c);
}

/* The call ends: unlinked first, so the callback may send requests. */
static void finish(struct kcoap_ep *ep, struct kcoap_ep_call *c, int err,
		   const struct kcoap_msg *m, const uint8_t *body, size_t len)
{
	if (c->tx)
		kcoap_tx_free(c->tx);
	c->tx = NULL;
	kcoap_list_del(&c->node);
	c->cb(c->arg, ep, err, err ? NULL : m, err ? NULL : body, err ? 0 : len);
	call_free(c);
}

/*
 * Send @c's request again under a new MID: with Block1 @b1 carrying @payload
 * (and Size1 @size1 when not 0), or with Block2 @b2 asking for a response
 * block (and the request's own payload, empty in a Block1 transfer).
 */
static int send_again(struct kcoap_ep *ep, struct kcoap_ep_call *c, const struct kcoap_block *b1,
		      uint32_t size1, const struct kcoap_block *b2, const uint8_t *payload,
		      size_t plen)
{
	struct kcoap_msg orig, m;
	uint8_t buf[KCOAP_EP_TXBUF];
	uint16_t mid = kcoap_ep_new_mid(ep);
	int rc, len;

	rc = kcoap_parse(&orig, c->req, c->req_len);
	if (rc)
		return rc;
	kcoap_msg_init(&m, orig.type, orig.code, mid);
	kcoap_msg_set_token(&m, c->token, c->tkl);
	for (unsigned int i = 0; i < orig.nopts && !rc; i++) {
		const struct kcoap_opt *o = &orig.opts[i];

		if (o->num != KCOAP_OPT_BLOCK2 && o->num != KCOAP_OPT_OBSERVE)
			rc = kcoap_msg_add_opt(&m, o->num, kcoap_opt_val(o), o->len);
	}
	if (!rc && b1)
		rc = kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, b1);
	if (!rc && size1)
		rc = kcoap_msg_add_uint(&m, KCOAP_OPT_SIZE1, size1);
	if (!rc && b2)
		rc = kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK2, b2);
	if (rc)
		return rc;
	if (b1)
		kcoap_msg_set_payload(&m, payload, plen);
	else
		kcoap_msg_set_payload(&m, orig.payload, orig.payload_len);
	len = kcoap_build(&m, buf, sizeof(buf));
	if (len < 0)
		return len;
	if (m.type == KCOAP_CON) {
		c->tx = kcoap_tx_start(ep, &c->peer, mid, KCOAP_TX_REQUEST, c, buf, (size_t)len);
		if (!c->tx)
			return -ENOMEM;
		c->deadline = UINT64_MAX;
	} else {
		kcoap_ep_sendto(ep, &c->peer, buf, (size_t)len);
		c->deadline = kcoap_ep_now(ep) + ep->p.response_timeout_ms;
	}
	return 0;
}

/* Send the Block1 block starting at c->b1_off, at size exponent c->b1_szx. */
static int send_block1(struct kcoap_ep *ep, struct kcoap_ep_call *c)
{
	size_t size = (size_t)16 << c->b1_szx, n = c->b1_len - c->b1_off;
	struct kcoap_block b = { .num = (uint32_t)(c->b1_off >> (c->b1_szx + 4)), .szx = c->b1_szx };

	if (c->b1_off % size || (c->b1_off >> (c->b1_szx + 4)) > KCOAP_BLOCK_NUM_MAX)
		return -EFBIG;
	if (n > size)
		n = size;
	b.more = c->b1_off + n < c->b1_len;
	c->b1_cur = n;
	c->b1_num = b.num;
	return send_again(ep, c, &b, c->b1_off ? 0 : (uint32_t)c->b1_len, NULL, c->b1 + c->b1_off, n);
}

/*
 * A response to the Block1 block in flight: 1 when the next block went out,
 * 0 when it is the call's response (the body is no longer needed), -errno.
 */
static int follow_block1(struct kcoap_ep *ep, struct kcoap_ep_call *c, const struct kcoap_msg *m)
{
	size_t end = c->b1_off + c->b1_cur;
	bool last = end == c->b1_len;
	struct kcoap_block r;

	if (m->code == KCOAP_CONTINUE) {
		if (last || kcoap_msg_get_block(m, KCOAP_OPT_BLOCK1, &r) ||
		    (r.num != c->b1_num && kcoap_block_offset(&r) != c->b1_off))
			return -EPROTO;
		if (r.szx < c->b1_szx)
			c->b1_szx = r.szx;	/* RFC 7959 section 2.5: the server's size */
		c->b1_off = end;
		return send_block1(ep, c) ?: 1;
	}
	if (!last && KCOAP_CODE_CLASS(m->code) == 2)
		return -EPROTO;
	free(c->b1);
	c->b1 = NULL;
	return 0;
}

/* Send @c's request again asking for Block2 @b. */
static int send_next_block(struct kcoap_ep *ep, struct kcoap_ep_call *c, const struct kcoap_block *b)
{
	return send_again(ep, c, NULL, 0, b, NULL, 0);
}

/* Keep block @b of a response; 1 when the next one was asked for, 0 when the
 * body is complete, -errno. */
static int follow_block2(struct kcoap_ep *ep, struct kcoap_ep_call *c, const struct kcoap_msg *m,
			 const struct kcoap_block *b)
{
	const struct kcoap_opt *etag = kcoap_opt_first(m, KCOAP_OPT_ETAG);
	size_t off = kcoap_block_offset(b);
	uint8_t *nb;

	if (off != c->body_len || (b->more && m->payload_len != kcoap_block_size(b)))
		return -EPROTO;
	if (b->num == 0) {
		c->etag_len = etag && etag->len <= sizeof(c->etag) ? (uint8_t)etag->len : 0;
		if (c->etag_len)
			memcpy(c->etag, kcoap_opt_val(etag), c->etag_len);
	} else if ((etag ? etag->len : 0) != c->etag_len ||
		   (etag && memcmp(kcoap_opt_val(etag), c->etag, c->etag_len))) {
		return -ESTALE;
	}
	if (c->body_len + m->payload_len > ep->p.block1_max)
		return -EFBIG;
	if (m->payload_len) {
		nb = realloc(c->body, c->body_len + m->payload_len);
		if (!nb)
			return -ENOMEM;
		c->body = nb;
		memcpy(c->body + c->body_len, m->payload, m->payload_len);
		c->body_len += m->payload_len;
	}
	if (!b->more)
		return 0;
	struct kcoap_block next = { .num = b->num + 1, .szx = b->szx };

	if (next.num > KCOAP_BLOCK_NUM_MAX)
		return -EFBIG;
	return send_next_block(ep, c, &next) ?: 1;
}

static int take(struct kcoap_ep *ep, struct kcoap_ep_call *c, const struct kcoap_msg *m)
{
	struct kcoap_block b;
	int rc;

	if (c->tx)
		kcoap_tx_free(c->tx);
	c->tx = NULL;
	if (m->bad_opt) {
		finish(ep, c, -EPROTO, NULL, NULL, 0);
		return -1;
	}
	if (c->b1) {
		rc = follow_block1(ep, c, m);
		if (rc < 0)
			finish(ep, c, rc, NULL, NULL, 0);
		if (rc)
			return 1;
	}
	if (KCOAP_CODE_CLASS(m->code) == 2 && !kcoap_msg_get_block(m, KCOAP_OPT_BLOCK2, &b) &&
	    (b.more || c->body_len)) {
		rc = follow_block2(ep, c, m, &b);
		if (rc < 0)
			finish(ep, c, rc, NULL, NULL, 0);
		else if (rc == 0)
			finish(ep, c, 0, m, c->body, c->body_len);
		return 1;
	}
	if (c->body_len) {
		/* a later block came without Block2: the transfer broke */
		finish(ep, c, -EPROTO, NULL, NULL, 0);
		return 1;
	}
	finish(ep, c, 0, m, m->payload, m->payload_len);
	return 1;
}

int kcoap_client_response(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			  const struct kcoap_msg *m)
{
	struct kcoap_list *pos, *n;
	struct kcoap_ep_call *c;

	if (m->type == KCOAP_ACK) {
		struct kcoap_tx *tx = kcoap_tx_find(ep, peer, m->mid);

		if (!tx || tx->kind != KCOAP_TX_REQUEST)
			return 0;
		c = tx->owner;
		if (c->tkl != m->tkl || memcmp(c->token, m->token, m->tkl)) {
			/* acknowledged, but not answered: wait for it */
			kcoap_client_tx_done(ep, c, 0);
			kcoap_tx_free(tx);
			return 1;
		}
		return take(ep, c, m);
	}
	kcoap_list_each(pos, n, &ep->calls) {
		c = kcoap_container_of(pos, struct kcoap_ep_call, node);
		if (c->tkl == m->tkl && !memcmp(c->token, m->token, m->tkl) &&
		    kcoap_addr_equal(&c->peer, peer))
			return take(ep, c, m);
	}
	return 0;
}

void kcoap_client_tx_done(struct kcoap_ep *ep, struct kcoap_ep_call *c, int err)
{
	c->tx = NULL;
	if (err)
		finish(ep, c, err, NULL, NULL, 0);
	else
		c->deadline = kcoap_ep_now(ep) + ep->p.response_timeout_ms;
}

bool kcoap_client_run_one(struct kcoap_ep *ep, uint64_t now)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->calls) {
		struct kcoap_ep_call *c = kcoap_container_of(pos, struct kcoap_ep_call, node);

		if (!c->tx && c->deadline <= now) {
			finish(ep, c, -ETIMEDOUT, NULL, NULL, 0);
			return true;
		}
	}
	return false;
}

void kcoap_client_next(struct kcoap_ep *ep, uint64_t *next)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->calls) {
		struct kcoap_ep_call *c = kcoap_container_of(pos, struct kcoap_ep_call, node);

		if (!c->tx && c->deadline < *next)
			*next = c->deadline;
	}
}

/* Keep @req's body for Block1 and make it the request as sent (no payload). */
static int block1_start(struct kcoap_ep *ep, struct kcoap_ep_call *c, struct kcoap_msg *req)
{
	const uint8_t *payload = req->payload;

	if (req->payload_len > ep->p.block1_max)
		return -EFBIG;
	if (kcoap_opt_first(req, KCOAP_OPT_BLOCK1) || kcoap_opt_first(req, KCOAP_OPT_SIZE1))
		return -EINVAL;		/* the caller's own block-wise transfer: not both */
	c->b1 = malloc(req->payload_len);
	if (!c->b1)
		return -ENOMEM;
	memcpy(c->b1, payload, req->payload_len);
	c->b1_len = req->payload_len;
	c->b1_szx = (uint8_t)kcoap_block_szx(ep->p.block_size);
	req->payload = NULL;
	req->payload_len = 0;
	return 0;
}

int kcoap_ep_request(struct kcoap_ep *ep, const struct kcoap_addr *peer, struct kcoap_msg *req,
		     kcoap_ep_response_fn cb, void *arg, struct kcoap_ep_call **out)
{
	uint8_t buf[KCOAP_EP_TXBUF];
	const uint8_t *payload;
	struct kcoap_ep_call *c;
	size_t payload_len;
	int len, rc;

	if (out)
		*out = NULL;
	if ((req->type != KCOAP_CON && req->type != KCOAP_NON) || !kcoap_code_is_request(req->code) ||
	    !cb || !peer)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->peer = *peer;
	c->type = req->type;
	c->cb = cb;
	c->arg = arg;
	payload = req->payload;
	payload_len = req->payload_len;
	if (payload_len > ep->p.block_size) {
		rc = block1_start(ep, c, req);
		if (rc) {
			call_free(c);
			return rc;
		}
	}
	kcoap_ep_new_token(ep, peer, c->token, &c->tkl);
	req->mid = kcoap_ep_new_mid(ep);
	kcoap_msg_set_token(req, c->token, c->tkl);
	len = kcoap_build(req, buf, sizeof(buf));
	kcoap_msg_set_payload(req, payload, payload_len);	/* the caller's again */
	if (len < 0) {
		call_free(c);
		return len;
	}
	c->req = malloc((size_t)len);
	if (!c->req) {
		call_free(c);
		return -ENOMEM;
	}
	memcpy(c->req, buf, (size_t)len);
	c->req_len = (size_t)len;
	if (c->b1) {
		rc = send_block1(ep, c);
		if (rc) {
			if (c->tx)
				kcoap_tx_free(c->tx);
			call_free(c);
			return rc;
		}
	} else if (req->type == KCOAP_CON) {
		c->tx = kcoap_tx_start(ep, peer, req->mid, KCOAP_TX_REQUEST, c, buf, (size_t)len);
		if (!c->tx) {
			call_free(c);
			return -ENOMEM;
		}
		c->deadline = UINT64_MAX;
	} else {
		kcoap_ep_sendto(ep, peer, buf, (size_t)len);
		c->deadline = kcoap_ep_now(ep) + ep->p.response_timeout_ms;
	}
	kcoap_list_add_tail(&c->node, &ep->calls);
	if (out)
		*out = c;
	return 0;
}

void kcoap_ep_request_cancel(struct kcoap_ep *ep, struct kcoap_ep_call *c)
{
	if (c->tx)
		kcoap_tx_free(c->tx);
	kcoap_list_del(&c->node);
	call_free(c);
}

void kcoap_client_free_all(struct kcoap_ep *ep)
{
	while (!kcoap_list_empty(&ep->calls))
		kcoap_ep_request_cancel(ep, kcoap_container_of(ep->calls.next, struct kcoap_ep_call,
							       node));
}
