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

static void dedup_free(struct kcoap_ep *ep, struct kcoap_dedup *d)
{
	kcoap_list_del(&d->node);
	ep->n_dedup--;
	free(d->reply);
	free(d);
}

struct kcoap_dedup *kcoap_dedup_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				     uint16_t mid)
{
	uint64_t now = kcoap_ep_now(ep);
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->dedups) {
		struct kcoap_dedup *d = kcoap_container_of(pos, struct kcoap_dedup, node);

		if (d->mid == mid && d->expires > now && kcoap_addr_equal(&d->peer, peer))
			return d;
	}
	return NULL;
}

struct kcoap_dedup *kcoap_dedup_add(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				    uint16_t mid, uint32_t lifetime_ms)
{
	struct kcoap_dedup *d;

	while (ep->n_dedup && ep->n_dedup >= ep->p.dedup_max) {
		dedup_free(ep, kcoap_container_of(ep->dedups.next, struct kcoap_dedup, node));
		ep->stats.dedup_evict++;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->peer = *peer;
	d->mid = mid;
	d->expires = kcoap_ep_now(ep) + lifetime_ms;
	kcoap_list_add_tail(&d->node, &ep->dedups);
	ep->n_dedup++;
	return d;
}

void kcoap_dedup_set_reply(struct kcoap_dedup *d, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len);

	/* without memory the duplicate is ignored rather than answered: the
	 * peer retransmits no more than it would after a lost reply */
	free(d->reply);
	d->reply = copy;
	d->len = copy ? len : 0;
	if (copy)
		memcpy(copy, buf, len);
}

void kcoap_dedup_expire(struct kcoap_ep *ep, uint64_t now, uint64_t *next)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->dedups) {
		struct kcoap_dedup *d = kcoap_container_of(pos, struct kcoap_dedup, node);

		if (d->expires <= now)
			dedup_free(ep, d);
		else if (d->expires < *next)
			*next = d->expires;
	}
}

void kcoap_dedup_free_all(struct kcoap_ep *ep)
{
	while (!kcoap_list_empty(&ep->dedups))
		dedup_free(ep, kcoap_container_of(ep->dedups.next, struct kcoap_dedup, node));
}
