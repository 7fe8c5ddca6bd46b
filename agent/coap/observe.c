// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Observe, server side (RFC 7641 sections 3.6, 4): observers and the
 * notifications sent to them.
 *
 * An observer is (peer, token), registered by the request callback from a
 * GET carrying Observe 0; a new registration on the same pair replaces the
 * old one. Notifications carry Observe numbers from one 24-bit counter per
 * endpoint, so each observer sees them increase (section 4.4), including
 * across a re-registration.
 *
 * NON by default. CON when the caller asks, when the last CON one is older
 * than observe_con_interval_ms (section 4.5: at least every 24 hours, which
 * is how a server learns that a silent observer is gone), and every
 * observe_con_every-th one. At most one CON notification is in flight per
 * observer (section 4.5.2): a new notification while one is unacknowledged
 * goes out as CON in its place and inherits its retransmission counter and
 * timeout, so an observer that stopped answering is dropped no later than
 * the first notification alone would have had it dropped.
 *
 * An observer ends when it answers a notification with RST (the MIDs of the
 * last four NON notifications are remembered to match one), sends a GET with
 * Observe 1 on the same token, lets a CON notification time out, or is
 * replaced; the observe-end callback is told which. A final notification
 * (code other than 2.xx, section 4.2) and kcoap_ep_observe_cancel() end it
 * without a callback: the caller knows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep_internal.h"

uint32_t kcoap_obs_next_seq(struct kcoap_ep *ep)
{
	ep->obs_seq = (ep->obs_seq + 1) & KCOAP_OBSERVE_MASK;
	return ep->obs_seq;
}

static void obs_end(struct kcoap_ep *ep, struct kcoap_obs *obs, enum kcoap_obs_end reason)
{
	kcoap_list_del(&obs->node);
	if (obs->tx)
		kcoap_tx_free(obs->tx);
	kcoap_pending_forget_obs(ep, obs);
	if (reason && ep->cfg.on_observe_end)
		ep->cfg.on_observe_end(ep->cfg.arg, ep, obs, obs->user, reason);
	free(obs);
}

static struct kcoap_obs *obs_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				  const uint8_t *token, uint8_t tkl)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->observers) {
		struct kcoap_obs *o = kcoap_container_of(pos, struct kcoap_obs, node);

		if (o->tkl == tkl && !memcmp(o->token, token, tkl) && kcoap_addr_equal(&o->peer, peer))
			return o;
	}
	return NULL;
}

struct kcoap_obs *kcoap_ep_observe_start(struct kcoap_ep *ep, const struct kcoap_ep_request *req,
					 void *user)
{
	struct kcoap_req_priv *priv = req->priv;
	struct kcoap_resp_ctx *ctx = priv->ctx;
	struct kcoap_obs *obs;

	if (req->observe != KCOAP_OBSERVE_REGISTER ||
	    (req->msg->code != KCOAP_GET && req->msg->code != KCOAP_FETCH)) {
		errno = EINVAL;
		return NULL;
	}
	if (ctx->obs)
		return ctx->obs;
	obs = obs_find(ep, req->peer, req->msg->token, req->msg->tkl);
	if (obs)
		obs_end(ep, obs, KCOAP_OBS_END_REPLACED);
	obs = calloc(1, sizeof(*obs));
	if (!obs) {
		errno = ENOMEM;
		return NULL;
	}
	obs->peer = *req->peer;
	obs->tkl = req->msg->tkl;
	memcpy(obs->token, req->msg->token, req->msg->tkl);
	obs->has_key = ctx->has_key;
	obs->key = ctx->key;
	obs->has_szx = ctx->has_block2;
	obs->szx = ctx->block2.szx;
	obs->last_con = kcoap_ep_now(ep);
	obs->user = user;
	kcoap_list_add_tail(&obs->node, &ep->observers);
	ctx->obs = obs;
	if (priv->pending)
		priv->pending->ctx.obs = obs;
	return obs;
}

int kcoap_ep_notify(struct kcoap_ep *ep, struct kcoap_obs *obs, struct kcoap_msg *n,
		    bool confirmable)
{
	struct kcoap_resp_ctx ctx = {
		.peer = obs->peer, .tkl = obs->tkl, .has_key = obs->has_key, .key = obs->key,
		.has_block2 = obs->has_szx, .block2 = { .szx = obs->szx },
	};
	bool final = KCOAP_CODE_CLASS(n->code) != 2;
	uint64_t now = kcoap_ep_now(ep);
	struct kcoap_tx *tx = NULL, *old = obs->tx;
	uint16_t mid;
	bool con;
	int rc;

	memcpy(ctx.token, obs->token, obs->tkl);
	if (final) {
		rc = kcoap_server_send(ep, &ctx, n, NULL, confirmable ? KCOAP_CON : KCOAP_NON, -1,
				       NULL, KCOAP_TX_RESPONSE, NULL, NULL);
		obs_end(ep, obs, 0);
		return rc;
	}
	obs->since_con++;
	con = confirmable || old || obs->since_con >= ep->p.observe_con_every ||
	      now - obs->last_con >= ep->p.observe_con_interval_ms;
	rc = kcoap_server_send(ep, &ctx, n, NULL, con ? KCOAP_CON : KCOAP_NON,
			       kcoap_obs_next_seq(ep), &tx, KCOAP_TX_NOTIFY, obs, &mid);
	if (!con) {
		obs->non_mid[obs->n_non++ % 4] = mid;
		return rc;
	}
	if (!tx)
		return rc ? rc : -ENOMEM;
	if (old) {
		/* RFC 7641 section 4.5.2: the new one takes the old one's place */
		tx->retries = old->retries;
		tx->timeout_ms = old->timeout_ms;
		tx->deadline = now + tx->timeout_ms;
		kcoap_tx_free(old);
	}
	obs->tx = tx;
	obs->since_con = 0;
	obs->last_con = now;
	return 0;
}

void kcoap_obs_tx_done(struct kcoap_ep *ep, struct kcoap_obs *obs, int err)
{
	obs->tx = NULL;
	if (err == -ECONNRESET)
		obs_end(ep, obs, KCOAP_OBS_END_RESET);
	else if (err)
		obs_end(ep, obs, KCOAP_OBS_END_TIMEOUT);
}

bool kcoap_obs_rst(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint16_t mid)
{
	struct kcoap_list *pos, *n;

	kcoap_list_each(pos, n, &ep->observers) {
		struct kcoap_obs *o = kcoap_container_of(pos, struct kcoap_obs, node);
		unsigned int k = o->n_non < 4 ? o->n_non : 4;

		if (!kcoap_addr_equal(&o->peer, peer))
			continue;
		for (unsigned int i = 0; i < k; i++) {
			if (o->non_mid[i] == mid) {
				obs_end(ep, o, KCOAP_OBS_END_RESET);
				return true;
			}
		}
	}
	return false;
}

void kcoap_obs_deregister(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			  const struct kcoap_msg *req)
{
	struct kcoap_obs *obs = obs_find(ep, peer, req->token, req->tkl);

	if (obs)
		obs_end(ep, obs, KCOAP_OBS_END_DEREGISTER);
}

void kcoap_ep_observe_cancel(struct kcoap_ep *ep, struct kcoap_obs *obs)
{
	obs_end(ep, obs, 0);
}

const struct kcoap_addr *kcoap_ep_observe_peer(const struct kcoap_obs *obs)
{
	return &obs->peer;
}

void kcoap_obs_free_all(struct kcoap_ep *ep)
{
	while (!kcoap_list_empty(&ep->observers))
		obs_end(ep, kcoap_container_of(ep->observers.next, struct kcoap_obs, node), 0);
}
