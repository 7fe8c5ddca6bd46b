// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoAP server side of the endpoint: a request in, a response out.
 *
 * A request (already deduplicated by endpoint.c) goes through
 *  1. rejection: an unrecognised critical option is 4.02 for a CON and
 *     ignored for a NON (RFC 7252 section 5.4.1); Proxy-Uri or Proxy-Scheme
 *     is 5.05 (we are no proxy);
 *  2. Block2 continuation: a request for block N > 0 of a representation
 *     still kept (block.c) is served from it without the handler;
 *  3. Observe 1: the observer on that peer and token ends (observe.c);
 *  4. Block1: blocks are collected (block.c) and answered 2.31, the last one
 *     goes on with the whole body;
 *  5. the request callback, which answers now or defers.
 * A response is then emitted: piggybacked on the ACK of a CON request
 * (cached for duplicates), or NON for a NON request, or, when deferred, as a
 * separate CON later (retransmitted by exchange.c). A payload larger than the
 * block size (the client's Block2 size, else params.block_size) is served
 * block-wise: block N of it now, with Size2 and an ETag, and the whole
 * representation kept so that the client's requests for the next blocks get
 * the same bytes (block.c explains why keeping beats regenerating).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep_internal.h"

bool kcoap_key_make(const struct kcoap_msg *m, struct kcoap_key *key)
{
	static const uint16_t nums[] = { KCOAP_OPT_URI_PATH, KCOAP_OPT_URI_QUERY, KCOAP_OPT_ACCEPT };

	key->len = 0;
	key->b[key->len++] = m->code;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		for (const struct kcoap_opt *o = kcoap_opt_first(m, nums[i]); o;
		     o = kcoap_opt_next(m, o)) {
			if (key->len + 3 + o->len > sizeof(key->b))
				return false;
			key->b[key->len++] = (uint8_t)nums[i];
			key->b[key->len++] = (uint8_t)(o->len >> 8);
			key->b[key->len++] = (uint8_t)o->len;
			memcpy(key->b + key->len, kcoap_opt_val(o), o->len);
			key->len += o->len;
		}
	}
	return true;
}

static uint8_t pref_szx(const struct kcoap_ep *ep)
{
	return (uint8_t)kcoap_block_szx(ep->p.block_size);
}

/*
 * Build and send one message from @tmpl (code, options, which are copied
 * with the struct), with @payload and what @ctx asks to echo. @block: NULL,
 * or the Block2 to add (with Size2 @total on block 0). The caller's choice
 * of @type: KCOAP_ACK (piggybacked: the request's MID), KCOAP_NON or
 * KCOAP_CON (new MID). A message that does not build (too many or too large
 * options) goes out as a bare 5.00.
 */
static int emit(struct kcoap_ep *ep, const struct kcoap_resp_ctx *ctx, const struct kcoap_msg *tmpl,
		const uint8_t *payload, size_t len, const struct kcoap_block *block, size_t total,
		uint8_t type, int64_t observe, struct kcoap_dedup *d, enum kcoap_tx_kind kind,
		void *owner, struct kcoap_tx **tx_out, uint16_t *mid_out)
{
	struct kcoap_msg o = *tmpl;
	uint8_t buf[KCOAP_EP_TXBUF];
	uint16_t mid = type == KCOAP_ACK ? ctx->req_mid : kcoap_ep_new_mid(ep);
	int n, rc = 0;

	o.type = type;
	o.mid = mid;
	kcoap_msg_set_token(&o, ctx->token, ctx->tkl);
	if (observe >= 0)
		rc = kcoap_msg_add_observe(&o, (uint32_t)observe);
	if (!rc && ctx->has_block1)
		rc = kcoap_msg_add_block(&o, KCOAP_OPT_BLOCK1, &ctx->block1);
	if (!rc && block)
		rc = kcoap_msg_add_block(&o, KCOAP_OPT_BLOCK2, block);
	if (!rc && block && block->num == 0 && total > len)
		rc = kcoap_msg_add_uint(&o, KCOAP_OPT_SIZE2, (uint32_t)total);
	kcoap_msg_set_payload(&o, payload, len);
	n = rc ? rc : kcoap_build(&o, buf, sizeof(buf));
	if (n < 0) {
		kcoap_msg_init(&o, type, KCOAP_INTERNAL_SERVER_ERROR, mid);
		kcoap_msg_set_token(&o, ctx->token, ctx->tkl);
		n = kcoap_build(&o, buf, sizeof(buf));
		if (n < 0)
			return n;
	}
	if (mid_out)
		*mid_out = mid;
	if (type == KCOAP_CON) {
		struct kcoap_tx *tx = kcoap_tx_start(ep, &ctx->peer, mid, kind, owner, buf, (size_t)n);

		if (tx_out)
			*tx_out = tx;
		return tx ? 0 : -ENOMEM;
	}
	if (d && type == KCOAP_ACK)
		kcoap_dedup_set_reply(d, buf, (size_t)n);
	return kcoap_ep_sendto(ep, &ctx->peer, buf, (size_t)n);
}

/* A response with only a code (and Block1 / Size1), to the request in @ctx. */
static void reply_code(struct kcoap_ep *ep, const struct kcoap_resp_ctx *ctx, struct kcoap_dedup *d,
		       uint8_t code, const struct kcoap_block *block1, uint32_t size1)
{
	struct kcoap_msg m;

	kcoap_msg_init(&m, KCOAP_ACK, code, 0);
	if (block1)
		kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, block1);
	if (size1)
		kcoap_msg_add_uint(&m, KCOAP_OPT_SIZE1, size1);
	emit(ep, ctx, &m, NULL, 0, NULL, 0, ctx->req_type == KCOAP_CON ? KCOAP_ACK : KCOAP_NON, -1,
	     d, KCOAP_TX_RESPONSE, NULL, NULL, NULL);
}

/* Serve block @b of @body (@head: the kept response without payload, or
 * NULL with @tmpl the live one). */
static int serve_block(struct kcoap_ep *ep, const struct kcoap_resp_ctx *ctx,
		       const struct kcoap_msg *tmpl, const uint8_t *body, size_t len,
		       struct kcoap_block b, uint8_t type, int64_t observe, struct kcoap_dedup *d,
		       enum kcoap_tx_kind kind, void *owner, struct kcoap_tx **tx_out,
		       uint16_t *mid_out)
{
	size_t off = kcoap_block_offset(&b), size = kcoap_block_size(&b);

	if (off > len || (off == len && len)) {
		/* past the end of the representation */
		struct kcoap_msg m;

		kcoap_msg_init(&m, type, KCOAP_BAD_OPTION, 0);
		return emit(ep, ctx, &m, NULL, 0, NULL, 0, type, -1, d, kind, owner, tx_out,
			    mid_out);
	}
	b.more = len - off > size;
	return emit(ep, ctx, tmpl, body ? body + off : NULL, b.more ? size : len - off, &b, len,
		    type, observe, d, kind, owner, tx_out, mid_out);
}

int kcoap_server_send(struct kcoap_ep *ep, struct kcoap_resp_ctx *ctx, struct kcoap_msg *resp,
		      struct kcoap_dedup *d, uint8_t type, int64_t observe, struct kcoap_tx **tx_out,
		      enum kcoap_tx_kind kind, void *owner, uint16_t *mid_out)
{
	struct kcoap_block b = { .szx = pref_szx(ep) };
	size_t len = resp->payload_len;

	if (ctx->has_block2)
		b = ctx->block2;
	if (len <= kcoap_block_size(&b) && (!ctx->has_block2 || b.num == 0)) {
		/* one message; Block2 only when the client asked for blocks */
		b.more = false;
		if (ctx->has_key)
			kcoap_b2_forget(ep, &ctx->peer, &ctx->key);
		return emit(ep, ctx, resp, resp->payload, len, ctx->has_block2 ? &b : NULL, len,
			    type, observe, d, kind, owner, tx_out, mid_out);
	}

	/* block-wise: an ETag names this representation, which is kept */
	struct kcoap_msg t = *resp;
	uint8_t head[KCOAP_EP_TXBUF], etag[4];
	int head_len;

	if (!kcoap_opt_first(&t, KCOAP_OPT_ETAG)) {
		uint32_t e = ep->etag_seq++;

		etag[0] = (uint8_t)(e >> 24);
		etag[1] = (uint8_t)(e >> 16);
		etag[2] = (uint8_t)(e >> 8);
		etag[3] = (uint8_t)e;
		kcoap_msg_add_opt(&t, KCOAP_OPT_ETAG, etag, sizeof(etag));
	}
	t.type = KCOAP_NON;
	t.mid = 0;
	t.tkl = 0;
	kcoap_msg_set_payload(&t, NULL, 0);
	head_len = kcoap_build(&t, head, sizeof(head));
	if (head_len > 0 && ctx->has_key)
		kcoap_b2_keep(ep, &ctx->peer, &ctx->key, head, (size_t)head_len, resp->payload, len);
	return serve_block(ep, ctx, &t, resp->payload, len, b, type, observe, d, kind, owner, tx_out,
			   mid_out);
}

/* ------------------------------------------------------------ requests */

static uint8_t response_type(const struct kcoap_resp_ctx *ctx)
{
	return ctx->req_type == KCOAP_CON ? KCOAP_ACK : KCOAP_NON;
}

/* Block2 for a later block of a kept representation: true when served. */
static bool serve_kept(struct kcoap_ep *ep, struct kcoap_resp_ctx *ctx, struct kcoap_dedup *d)
{
	struct kcoap_b2 *b2;
	struct kcoap_msg h;

	if (!ctx->has_key || ctx->block2.num == 0)
		return false;
	b2 = kcoap_b2_find(ep, &ctx->peer, &ctx->key);
	if (!b2 || kcoap_parse(&h, b2->head, b2->head_len))
		return false;
	b2->expires = kcoap_ep_now(ep) + ep->p.block_keep_ms;
	serve_block(ep, ctx, &h, b2->body, b2->len, ctx->block2, response_type(ctx), -1, d,
		    KCOAP_TX_RESPONSE, NULL, NULL, NULL);
	return true;
}

/* Read Block1/Block2 of the request into @ctx. Return: 0 or a 4.xx code. */
static uint8_t read_blocks(struct kcoap_ep *ep, const struct kcoap_msg *req,
			   struct kcoap_resp_ctx *ctx, struct kcoap_block *b1, bool *has_b1)
{
	uint8_t szx = pref_szx(ep);
	int rc;

	rc = kcoap_msg_get_block(req, KCOAP_OPT_BLOCK2, &ctx->block2);
	if (rc == -EINVAL)
		return KCOAP_BAD_REQUEST;
	ctx->has_block2 = !rc;
	if (ctx->has_block2) {
		/* RFC 7959 section 2.4: a smaller block than asked for, at
		 * the same offset */
		if (ctx->block2.szx > szx) {
			uint64_t num = (uint64_t)ctx->block2.num << (ctx->block2.szx - szx);

			if (num > KCOAP_BLOCK_NUM_MAX)
				return KCOAP_BAD_OPTION;
			ctx->block2.num = (uint32_t)num;
			ctx->block2.szx = szx;
		}
		ctx->block2.more = false;
	}
	rc = kcoap_msg_get_block(req, KCOAP_OPT_BLOCK1, b1);
	if (rc == -EINVAL)
		return KCOAP_BAD_REQUEST;
	*has_b1 = !rc;
	return 0;
}

void kcoap_server_request(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			  const struct kcoap_msg *req, struct kcoap_dedup *d)
{
	struct kcoap_resp_ctx ctx = {
		.peer = *peer, .req_type = req->type, .req_mid = req->mid, .tkl = req->tkl,
	};
	struct kcoap_req_priv priv = { .ctx = &ctx };
	struct kcoap_ep_request r = { .peer = peer, .msg = req, .priv = &priv, .observe = -1 };
	struct kcoap_block b1;
	struct kcoap_b1 *st = NULL;
	struct kcoap_msg resp;
	uint32_t obs;
	bool has_b1 = false;
	uint8_t code;
	int rc;

	memcpy(ctx.token, req->token, req->tkl);
	if (req->bad_opt) {
		if (req->type == KCOAP_CON)
			reply_code(ep, &ctx, d, KCOAP_BAD_OPTION, NULL, 0);
		return;
	}
	if (kcoap_opt_first(req, KCOAP_OPT_PROXY_URI) || kcoap_opt_first(req, KCOAP_OPT_PROXY_SCHEME)) {
		reply_code(ep, &ctx, d, KCOAP_PROXYING_NOT_SUPPORTED, NULL, 0);
		return;
	}
	ctx.has_key = kcoap_key_make(req, &ctx.key);
	code = read_blocks(ep, req, &ctx, &b1, &has_b1);
	if (code) {
		reply_code(ep, &ctx, d, code, NULL, 0);
		return;
	}
	if (ctx.has_block2 && !has_b1 && serve_kept(ep, &ctx, d))
		return;
	if (!kcoap_msg_get_observe(req, &obs) && !(ctx.has_block2 && ctx.block2.num))
		r.observe = obs;
	if (r.observe == KCOAP_OBSERVE_DEREGISTER)
		kcoap_obs_deregister(ep, peer, req);

	r.body = req->payload;
	r.body_len = req->payload_len;
	if (has_b1) {
		uint32_t size1 = 0;

		if (!ctx.has_key) {
			reply_code(ep, &ctx, d, KCOAP_REQUEST_ENTITY_TOO_LARGE, NULL, ep->p.block1_max);
			return;
		}
		rc = kcoap_b1_put(ep, peer, &ctx.key, &b1, req, &r.body, &r.body_len, &size1, &st);
		if (rc == KCOAP_CONTINUE) {
			b1.more = true;
			if (b1.szx > pref_szx(ep))
				b1.szx = pref_szx(ep);
			reply_code(ep, &ctx, d, KCOAP_CONTINUE, &b1, 0);
			return;
		}
		if (rc) {
			reply_code(ep, &ctx, d, (uint8_t)rc, NULL, size1);
			return;
		}
		ctx.has_block1 = true;
		ctx.block1 = b1;
	}

	kcoap_msg_init(&resp, KCOAP_ACK, KCOAP_NOT_FOUND, 0);
	rc = 0;
	if (ep->cfg.on_request) {
		resp.code = KCOAP_INTERNAL_SERVER_ERROR;
		rc = ep->cfg.on_request(ep->cfg.arg, ep, &r, &resp);
	}
	if (rc == KCOAP_EP_DEFERRED && priv.pending) {
		if (req->type == KCOAP_CON)
			kcoap_ep_send_empty(ep, peer, KCOAP_ACK, req->mid, d);
		goto out;
	}
	if (priv.pending)
		kcoap_ep_pending_drop(ep, priv.pending);
	if (rc) {
		/* an error, or "deferred" without a handle: nothing the
		 * handler put in @resp can be trusted */
		kcoap_msg_init(&resp, KCOAP_ACK, KCOAP_INTERNAL_SERVER_ERROR, 0);
	}
	if (ctx.obs && KCOAP_CODE_CLASS(resp.code) != 2) {
		/* RFC 7641 section 4.1: an error answer registers nothing */
		kcoap_ep_observe_cancel(ep, ctx.obs);
		ctx.obs = NULL;
	}
	kcoap_server_send(ep, &ctx, &resp, d, response_type(&ctx),
			  ctx.obs ? (int64_t)kcoap_obs_next_seq(ep) : -1, NULL, KCOAP_TX_RESPONSE,
			  NULL, NULL);
out:
	/* after the response: it may point into the reassembled body */
	if (st)
		kcoap_b1_done(ep, st);
}

/* ------------------------------------------------------------ deferred */

struct kcoap_ep_pending *kcoap_ep_defer(struct kcoap_ep *ep, const struct kcoap_ep_request *req)
{
	struct kcoap_req_priv *priv = req->priv;
	struct kcoap_ep_pending *p;

	if (priv->pending)
		return priv->pending;
	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->ctx = *priv->ctx;
	kcoap_list_add_tail(&p->node, &ep->pendings);
	priv->pending = p;
	return p;
}

int kcoap_ep_respond(struct kcoap_ep *ep, struct kcoap_ep_pending *p, struct kcoap_msg *resp)
{
	struct kcoap_resp_ctx *ctx = &p->ctx;
	int rc;

	if (ctx->obs && KCOAP_CODE_CLASS(resp->code) != 2) {
		kcoap_ep_observe_cancel(ep, ctx->obs);
		ctx->obs = NULL;
	}
	rc = kcoap_server_send(ep, ctx, resp, NULL, ctx->req_type == KCOAP_CON ? KCOAP_CON : KCOAP_NON,
			       ctx->obs ? (int64_t)kcoap_obs_next_seq(ep) : -1, NULL,
			       KCOAP_TX_RESPONSE, NULL, NULL);
	kcoap_ep_pending_drop(ep, p);
	return rc;
}

void kcoap_ep_pending_drop(struct kcoap_ep *ep, struct kcoap_ep_pending *p)
{
	kcoap_list_del(&p->node);
	free(p);
}

/* An observer went: no deferred response may still point at it. */
void kcoap_pending_forget_obs(struct kcoap_ep *ep, const struct kcoap_obs *obs)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->pendings) {
		struct kcoap_ep_pending *p = kcoap_container_of(pos, struct kcoap_ep_pending, node);

		if (p->ctx.obs == obs)
			p->ctx.obs = NULL;
	}
}

void kcoap_pending_free_all(struct kcoap_ep *ep)
{
	while (!kcoap_list_empty(&ep->pendings))
		kcoap_ep_pending_drop(ep, kcoap_container_of(ep->pendings.next,
							     struct kcoap_ep_pending, node));
}
