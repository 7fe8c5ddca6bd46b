// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Block-wise transfer state of the server side (RFC 7959).
 *
 * Block1 (a large request body): blocks are appended per (peer, request
 * identity: method, Uri-Path, Uri-Query, Accept) in order. Block 0 starts
 * (or restarts) a body; any other block must start exactly where the body
 * so far ends (so a client may switch to the smaller size the 2.31 proposed),
 * else 4.08 Request Entity Incomplete and the body is dropped. A body that
 * would pass params.block1_max (or announces so with Size1) is 4.13 with
 * Size1 = the maximum. A block other than the last must be exactly the block
 * size (4.00 otherwise). When the last block arrives the whole body reaches
 * the request callback once, and is freed after it returns.
 *
 * Block2 (a large response): the representation is KEPT, per (peer, request
 * identity), not regenerated. A read in LwM2M goes to the kernel's store,
 * whose values change under the client's feet between two block requests; a
 * regenerated body could differ, and block N of one version followed by block
 * N+1 of another is a corrupt document the client cannot detect without
 * ETags it may not check. Keeping costs memory, so it is bounded: at most
 * params.block_max_entries representations of at most the largest payload a
 * handler produced, each for params.block_keep_ms after its last block was
 * asked for, the oldest dropped first. A request for block N > 0 whose
 * representation is gone reaches the handler again, and the block is cut
 * from the new representation under a new ETag: a careful client notices.
 * Every kept representation carries an ETag (the endpoint's counter unless
 * the handler set one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep_internal.h"

static bool key_equal(const struct kcoap_key *a, const struct kcoap_key *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* ------------------------------------------------------------ Block1 */

static void b1_free(struct kcoap_ep *ep, struct kcoap_b1 *s)
{
	kcoap_list_del(&s->node);
	ep->n_b1--;
	free(s->body);
	free(s);
}

static struct kcoap_b1 *b1_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				const struct kcoap_key *key)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->b1s) {
		struct kcoap_b1 *s = kcoap_container_of(pos, struct kcoap_b1, node);

		if (key_equal(&s->key, key) && kcoap_addr_equal(&s->peer, peer))
			return s;
	}
	return NULL;
}

static struct kcoap_b1 *b1_new(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			       const struct kcoap_key *key)
{
	struct kcoap_b1 *s;

	while (ep->n_b1 && ep->n_b1 >= ep->p.block_max_entries)
		b1_free(ep, kcoap_container_of(ep->b1s.next, struct kcoap_b1, node));
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->peer = *peer;
	s->key = *key;
	kcoap_list_add_tail(&s->node, &ep->b1s);
	ep->n_b1++;
	return s;
}

static int b1_append(struct kcoap_b1 *s, const uint8_t *data, size_t len)
{
	if (s->len + len > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		uint8_t *nb;

		while (cap < s->len + len)
			cap *= 2;
		nb = realloc(s->body, cap);
		if (!nb)
			return -ENOMEM;
		s->body = nb;
		s->cap = cap;
	}
	if (len)
		memcpy(s->body + s->len, data, len);
	s->len += len;
	return 0;
}

int kcoap_b1_put(struct kcoap_ep *ep, const struct kcoap_addr *peer, const struct kcoap_key *key,
		 const struct kcoap_block *b, const struct kcoap_msg *m, const uint8_t **body,
		 size_t *len, uint32_t *size1, struct kcoap_b1 **out)
{
	struct kcoap_b1 *s = b1_find(ep, peer, key);
	size_t off = kcoap_block_offset(b), size = kcoap_block_size(b);
	uint32_t announced;

	*out = NULL;
	if (!kcoap_msg_get_uint(m, KCOAP_OPT_SIZE1, &announced) && announced > ep->p.block1_max)
		goto too_large;
	if (b->num == 0) {
		if (s)
			s->len = 0;
		else
			s = b1_new(ep, peer, key);
		if (!s)
			return KCOAP_SERVICE_UNAVAILABLE;
	} else if (!s || s->len != off) {
		if (s)
			b1_free(ep, s);
		return KCOAP_REQUEST_ENTITY_INCOMPLETE;
	}
	if ((b->more && m->payload_len != size) || m->payload_len > size) {
		b1_free(ep, s);
		return KCOAP_BAD_REQUEST;
	}
	if (off + m->payload_len > ep->p.block1_max)
		goto too_large;
	if (b1_append(s, m->payload, m->payload_len)) {
		b1_free(ep, s);
		return KCOAP_SERVICE_UNAVAILABLE;
	}
	s->expires = kcoap_ep_now(ep) + ep->p.block_keep_ms;
	/* the most recently used goes last: eviction takes the stalest */
	kcoap_list_del(&s->node);
	kcoap_list_add_tail(&s->node, &ep->b1s);
	if (b->more)
		return KCOAP_CONTINUE;
	*body = s->len ? s->body : NULL;
	*len = s->len;
	*out = s;
	return 0;

too_large:
	if (s)
		b1_free(ep, s);
	*size1 = ep->p.block1_max;
	return KCOAP_REQUEST_ENTITY_TOO_LARGE;
}

void kcoap_b1_done(struct kcoap_ep *ep, struct kcoap_b1 *b1)
{
	b1_free(ep, b1);
}

/* ------------------------------------------------------------ Block2 */

static void b2_free(struct kcoap_ep *ep, struct kcoap_b2 *r)
{
	kcoap_list_del(&r->node);
	ep->n_b2--;
	free(r->head);
	free(r->body);
	free(r);
}

struct kcoap_b2 *kcoap_b2_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			       const struct kcoap_key *key)
{
	uint64_t now = kcoap_ep_now(ep);
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->b2s) {
		struct kcoap_b2 *r = kcoap_container_of(pos, struct kcoap_b2, node);

		if (r->expires > now && key_equal(&r->key, key) && kcoap_addr_equal(&r->peer, peer)) {
			kcoap_list_del(&r->node);
			kcoap_list_add_tail(&r->node, &ep->b2s);
			return r;
		}
	}
	return NULL;
}

void kcoap_b2_forget(struct kcoap_ep *ep, const struct kcoap_addr *peer,
		     const struct kcoap_key *key)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->b2s) {
		struct kcoap_b2 *r = kcoap_container_of(pos, struct kcoap_b2, node);

		if (key_equal(&r->key, key) && kcoap_addr_equal(&r->peer, peer))
			b2_free(ep, r);
	}
}

struct kcoap_b2 *kcoap_b2_keep(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			       const struct kcoap_key *key, const uint8_t *head, size_t head_len,
			       const uint8_t *body, size_t len)
{
	struct kcoap_b2 *r;

	kcoap_b2_forget(ep, peer, key);
	while (ep->n_b2 && ep->n_b2 >= ep->p.block_max_entries)
		b2_free(ep, kcoap_container_of(ep->b2s.next, struct kcoap_b2, node));
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->head = malloc(head_len);
	r->body = malloc(len ? len : 1);
	if (!r->head || !r->body) {
		free(r->head);
		free(r->body);
		free(r);
		return NULL;
	}
	r->peer = *peer;
	r->key = *key;
	r->expires = kcoap_ep_now(ep) + ep->p.block_keep_ms;
	memcpy(r->head, head, head_len);
	r->head_len = head_len;
	if (len)
		memcpy(r->body, body, len);
	r->len = len;
	kcoap_list_add_tail(&r->node, &ep->b2s);
	ep->n_b2++;
	return r;
}

/* ------------------------------------------------------------ both */

void kcoap_block_expire(struct kcoap_ep *ep, uint64_t now, uint64_t *next)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->b1s) {
		struct kcoap_b1 *s = kcoap_container_of(pos, struct kcoap_b1, node);

		if (s->expires <= now)
			b1_free(ep, s);
		else if (s->expires < *next)
			*next = s->expires;
	}
	kcoap_list_each(pos, n, &ep->b2s) {
		struct kcoap_b2 *r = kcoap_container_of(pos, struct kcoap_b2, node);

		if (r->expires <= now)
			b2_free(ep, r);
		else if (r->expires < *next)
			*next = r->expires;
	}
}

void kcoap_block_free_all(struct kcoap_ep *ep)
{
	while (!kcoap_list_empty(&ep->b1s))
		b1_free(ep, kcoap_container_of(ep->b1s.next, struct kcoap_b1, node));
	while (!kcoap_list_empty(&ep->b2s))
		b2_free(ep, kcoap_container_of(ep->b2s.next, struct kcoap_b2, node));
}
