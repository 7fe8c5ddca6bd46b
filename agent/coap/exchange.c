// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoAP message layer state (RFC 7252 section 4): Message IDs, tokens, the
 * retransmission of CON messages and the deduplication cache.
 *
 * Retransmission (section 4.2). A CON goes out with a timeout drawn at
 * random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR]; each time it
 * expires without an ACK or RST the message is sent again and the timeout
 * doubles, MAX_RETRANSMIT times; when the last timeout expires the
 * exchange has failed. With the defaults that is a give-up between 62 and
 * 93 s after the first transmission (MAX_TRANSMIT_WAIT).
 *
 * Deduplication (section 4.5). Every CON and NON received is remembered by
 * (peer, Message ID) for EXCHANGE_LIFETIME (CON) or NON_LIFETIME (NON),
 * with the reply sent to it (a piggybacked response, an empty ACK, an RST)
 * so that a duplicate gets exactly the same bytes again and reaches no
 * handler twice. At most dedup_max entries: the oldest is forgotten first
 * (counted in stats.dedup_evict), which only weakens deduplication for
 * messages older than a full cache's worth of traffic.
 *
 * Message IDs are sequential from a random start (section 4.4); tokens are
 * 8 random bytes, unique among this endpoint's open requests to a peer
 * (section 5.3.1: unguessable, against spoofed responses).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep_internal.h"

uint16_t kcoap_ep_new_mid(struct kcoap_ep *ep)
{
	return ep->next_mid++;
}

static bool token_in_use(struct kcoap_ep *ep, const struct kcoap_addr *peer, const uint8_t *token)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->calls) {
		struct kcoap_ep_call *c = kcoap_container_of(pos, struct kcoap_ep_call, node);

		if (c->tkl == KCOAP_TOKEN_MAX && !memcmp(c->token, token, KCOAP_TOKEN_MAX) &&
		    kcoap_addr_equal(&c->peer, peer))
			return true;
	}
	return false;
}

void kcoap_ep_new_token(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint8_t *token,
			uint8_t *tkl)
{
	do {
		uint32_t a = kcoap_ep_rand(ep), b = kcoap_ep_rand(ep);

		memcpy(token, &a, 4);
		memcpy(token + 4, &b, 4);
	} while (token_in_use(ep, peer, token));
	*tkl = KCOAP_TOKEN_MAX;
}

/* ------------------------------------------------------------ CON transmissions */

static uint32_t initial_timeout(struct kcoap_ep *ep)
{
	uint32_t base = ep->p.ack_timeout_ms;
	uint32_t span = (uint32_t)((uint64_t)base * (ep->p.ack_random_factor_permille - 1000) / 1000);

	return base + (span ? kcoap_ep_rand(ep) % (span + 1) : 0);
}

struct kcoap_tx *kcoap_tx_start(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint16_t mid,
				enum kcoap_tx_kind kind, void *owner, const uint8_t *buf,
				size_t len)
{
	struct kcoap_tx *tx = malloc(sizeof(*tx) + len);

	if (!tx)
		return NULL;
	tx->peer = *peer;
	tx->mid = mid;
	tx->kind = kind;
	tx->owner = owner;
	tx->retries = 0;
	tx->timeout_ms = initial_timeout(ep);
	tx->deadline = kcoap_ep_now(ep) + tx->timeout_ms;
	tx->len = len;
	memcpy(tx->buf, buf, len);
	kcoap_list_add_tail(&tx->node, &ep->txs);
	kcoap_ep_sendto(ep, peer, buf, len);
	return tx;
}

void kcoap_tx_free(struct kcoap_tx *tx)
{
	kcoap_list_del(&tx->node);
	free(tx);
}

struct kcoap_tx *kcoap_tx_find(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint16_t mid)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->txs) {
		struct kcoap_tx *tx = kcoap_container_of(pos, struct kcoap_tx, node);

		if (tx->mid == mid && kcoap_addr_equal(&tx->peer, peer))
			return tx;
	}
	return NULL;
}

void kcoap_tx_end(struct kcoap_ep *ep, struct kcoap_tx *tx, int err)
{
	enum kcoap_tx_kind kind = tx->kind;
	void *owner = tx->owner;

	kcoap_tx_free(tx);
	if (kind == KCOAP_TX_NOTIFY)
		kcoap_obs_tx_done(ep, owner, err);
	else if (kind == KCOAP_TX_REQUEST)
		kcoap_client_tx_done(ep, owner, err);
}

bool kcoap_tx_run_one(struct kcoap_ep *ep, uint64_t now)
{
	struct kcoap_list *pos, *n;
	struct kcoap_tx *due = NULL;

	kcoap_list_each(pos, n, &ep->txs) {
		struct kcoap_tx *tx = kcoap_container_of(pos, struct kcoap_tx, node);

		if (tx->deadline <= now && (!due || tx->deadline < due->deadline))
			due = tx;
	}
	if (!due)
		return false;
	if (due->retries < ep->p.max_retransmit) {
		due->retries++;
		due->timeout_ms *= 2;
		due->deadline = now + due->timeout_ms;
		ep->stats.retransmit++;
		kcoap_ep_sendto(ep, &due->peer, due->buf, due->len);
	} else {
		ep->stats.give_up++;
		kcoap_tx_end(ep, due, -ETIMEDOUT);
	}
	return true;
}

void kcoap_tx_next(struct kcoap_ep *ep, uint64_t *next)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->txs) {
		struct kcoap_tx *tx = kcoap_container_of(pos, struct kcoap_tx, node);

		if (tx->deadline < *next)
			*next = tx->deadline;
	}
}

/* ------------------------------------------------------------ deduplication */

/*
 * The Message IDs of a peer are sequential (section 4.4): their low bits
 * spread them over the buckets. Several peers, or a peer choosing its IDs to
 * collide, make longer chains, never longer than dedup_max entries: no worse
 * than one list.
 */
static struct kcoap_list *bucket(struct kcoap_ep *ep, uint16_t mid)
{
	return &ep->dedup_hash[(mid ^ (mid >> 8)) % KCOAP_DEDUP_BUCKETS];
}

void kcoap_dedup_init(struct kcoap_ep *ep)
{
	for (int c = 0; c < KCOAP_DEDUP_CLASSES; c++)
		kcoap_list_init(&ep->dedups[c]);
	for (int i = 0; i < KCOAP_DEDUP_BUCKETS; i++)
		kcoap_list_init(&ep->dedup_hash[i]);
}

static void dedup_unlink(struct kcoap_ep *ep, struct kcoap_dedup *d)
{
	kcoap_list_del(&d->node);
	kcoap_list_del(&d->hnode);
	ep->n_dedup--;
}

static void dedup_free(struct kcoap_ep *ep, struct kcoap_dedup *d)
{
	dedup_unlink(ep, d);
	free(d->reply);
	free(d);
}

static struct kcoap_dedup *class_head(struct kcoap_ep *ep, int c)
{
	if (kcoap_list_empty(&ep->dedups[c]))
		return NULL;
	return kcoap_container_of(ep->dedups[c].next, struct kcoap_dedup, node);
}

/* The entry that arrived first, of either class; NULL when there is none. */
static struct kcoap_dedup *dedup_oldest(struct kcoap_ep *ep)
{
	struct kcoap_dedup *con = class_head(ep, KCOAP_DEDUP_CON);
	struct kcoap_dedup *non = class_head(ep, KCOAP_DEDUP_NON);

	if (!con || (non && non->seq < con->seq))
		return non;
	return con;
}

struct kcoap_dedup *kcoap_dedup_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				     uint16_t mid)
{
	struct kcoap_list *head = bucket(ep, mid), *pos, *n;
	uint64_t now;

	if (kcoap_list_empty(head))
		return NULL;
	now = kcoap_ep_now(ep);
	kcoap_list_each(pos, n, head) {
		struct kcoap_dedup *d = kcoap_container_of(pos, struct kcoap_dedup, hnode);

		if (d->mid == mid && d->expires > now && kcoap_addr_equal(&d->peer, peer))
			return d;
	}
	return NULL;
}

/*
 * When the cache is full, the oldest entry is forgotten and its memory (its
 * reply buffer too) serves the new one: a busy endpoint allocates nothing
 * per message once the cache has filled.
 */
struct kcoap_dedup *kcoap_dedup_add(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				    uint16_t mid, bool con)
{
	struct kcoap_dedup *d = NULL;
	uint8_t *reply = NULL;
	size_t cap = 0;

	while (ep->n_dedup && ep->n_dedup >= ep->p.dedup_max) {
		struct kcoap_dedup *old = dedup_oldest(ep);

		ep->stats.dedup_evict++;
		if (d) {
			/* dedup_max was lowered: keep one, free the rest */
			dedup_free(ep, old);
			continue;
		}
		dedup_unlink(ep, old);
		d = old;
	}
	if (d) {
		reply = d->reply;
		cap = d->cap;
	} else {
		d = malloc(sizeof(*d));
		if (!d)
			return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->reply = reply;
	d->cap = cap;
	d->peer = *peer;
	d->mid = mid;
	d->cls = con ? KCOAP_DEDUP_CON : KCOAP_DEDUP_NON;
	d->seq = ep->dedup_seq++;
	d->expires = kcoap_ep_now(ep) + (con ? ep->p.exchange_lifetime_ms : ep->p.non_lifetime_ms);
	kcoap_list_add_tail(&d->node, &ep->dedups[d->cls]);
	kcoap_list_add_tail(&d->hnode, bucket(ep, mid));
	ep->n_dedup++;
	return d;
}

void kcoap_dedup_set_reply(struct kcoap_dedup *d, const uint8_t *buf, size_t len)
{
	if (len > d->cap) {
		/* without memory the duplicate is ignored rather than
		 * answered: the peer retransmits no more than it would after
		 * a lost reply */
		uint8_t *bigger = malloc(len);

		d->len = 0;
		if (!bigger)
			return;
		free(d->reply);
		d->reply = bigger;
		d->cap = len;
	}
	memcpy(d->reply, buf, len);
	d->len = len;
}

/*
 * Each class's list is in arrival order and all its entries live as long:
 * it is in expiry order, and only its head can be due. (Lifetimes changed
 * by kcoap_ep_set_params() can leave an entry behind one that expires later:
 * it is freed late, never found, kcoap_dedup_find() checking the time.)
 */
void kcoap_dedup_expire(struct kcoap_ep *ep, uint64_t now, uint64_t *next)
{
	for (int c = 0; c < KCOAP_DEDUP_CLASSES; c++) {
		struct kcoap_dedup *d;

		while ((d = class_head(ep, c)) && d->expires <= now)
			dedup_free(ep, d);
		if (d && d->expires < *next)
			*next = d->expires;
	}
}

void kcoap_dedup_free_all(struct kcoap_ep *ep)
{
	struct kcoap_dedup *d;

	while ((d = dedup_oldest(ep)))
		dedup_free(ep, d);
}
