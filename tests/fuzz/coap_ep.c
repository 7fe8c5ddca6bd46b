// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the CoAP endpoint fed sequences of datagrams from two
 * peers, with its clock moving, its timer running, and the application side
 * doing what the agent does (deferring and answering later, registering
 * observers and notifying them, sending its own requests), so that every
 * state the endpoint keeps (exchanges, dedup, Block1 bodies, kept Block2
 * representations, observers, client calls, Block1 bodies being sent) is
 * driven by hostile input.
 *
 * Input: records of
 *	u8	ctl: bit 0 the peer (127.0.0.1:5683 or [::1]:5684), bits 1-7 how
 *		many 100 ms steps the clock moves before the datagram
 *	u16	length, big-endian
 *	bytes	the datagram
 * Outputs are built and discarded (the no-socket mode: config.send).
 * ASan/UBSan catch memory errors; the leak checker runs at the end of each
 * input, after kcoap_ep_destroy().
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "endpoint.h"

#define MAX_PENDING 4
#define MAX_OBS 4

struct fz {
	uint64_t now;
	uint32_t lcg;
	unsigned int step;
	struct kcoap_ep_pending *pending[MAX_PENDING];
	struct kcoap_obs *obs[MAX_OBS];
	size_t sent;
};

static uint8_t big[3000];

static uint64_t fz_now(void *arg)
{
	return ((struct fz *)arg)->now;
}

static uint32_t fz_rand(void *arg)
{
	struct fz *f = arg;

	f->lcg = f->lcg * 1103515245u + 12345u;
	return f->lcg >> 1;
}

static int fz_send(void *arg, const struct kcoap_addr *peer, const void *buf, size_t len)
{
	struct fz *f = arg;
	struct kcoap_msg m;

	/* everything the endpoint emits must parse */
	if (kcoap_parse(&m, buf, len))
		__builtin_trap();
	f->sent += len;
	return 0;
}

static void fz_obs_end(void *arg, struct kcoap_ep *ep, struct kcoap_obs *obs, void *user,
		       enum kcoap_obs_end reason)
{
	struct fz *f = arg;

	for (unsigned int i = 0; i < MAX_OBS; i++)
		if (f->obs[i] == obs)
			f->obs[i] = NULL;
}

static int fz_request(void *arg, struct kcoap_ep *ep, const struct kcoap_ep_request *req,
		      struct kcoap_msg *resp)
{
	struct fz *f = arg;
	char path[64];

	if (kcoap_msg_path(req->msg, KCOAP_OPT_URI_PATH, path, sizeof(path)) < 0)
		return -EINVAL;
	if (!strcmp(path, "/slow")) {
		for (unsigned int i = 0; i < MAX_PENDING; i++) {
			if (!f->pending[i]) {
				f->pending[i] = kcoap_ep_defer(ep, req);
				return f->pending[i] ? KCOAP_EP_DEFERRED : -ENOMEM;
			}
		}
		resp->code = KCOAP_SERVICE_UNAVAILABLE;
		return 0;
	}
	if (req->observe == KCOAP_OBSERVE_REGISTER) {
		for (unsigned int i = 0; i < MAX_OBS; i++) {
			if (!f->obs[i]) {
				f->obs[i] = kcoap_ep_observe_start(ep, req, NULL);
				break;
			}
		}
	}
	resp->code = KCOAP_CONTENT;
	kcoap_msg_add_uint(resp, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_OCTET_STREAM);
	if (!strcmp(path, "/big"))
		kcoap_msg_set_payload(resp, big, sizeof(big));
	else
		kcoap_msg_set_payload(resp, req->body, req->body_len < 2000 ? req->body_len : 2000);
	return 0;
}

static void fz_response(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
			const uint8_t *body, size_t len)
{
	if (!err && len && !body)
		__builtin_trap();
}

/* What the application does between datagrams, chosen by the step count. */
static void app_turn(struct fz *f, struct kcoap_ep *ep, const struct kcoap_addr *peer)
{
	unsigned int s = f->step++;
	struct kcoap_msg m;

	for (unsigned int i = 0; i < MAX_PENDING; i++) {
		if (f->pending[i] && (s + i) % 3 == 0) {
			kcoap_msg_init(&m, KCOAP_CON, KCOAP_CHANGED, 0);
			if (s & 4)
				kcoap_msg_set_payload(&m, big, 1500);
			kcoap_ep_respond(ep, f->pending[i], &m);
			f->pending[i] = NULL;
		}
	}
	for (unsigned int i = 0; i < MAX_OBS; i++) {
		struct kcoap_obs *o = f->obs[i];

		if (!o)
			continue;
		kcoap_msg_init(&m, KCOAP_NON, s % 7 == 6 ? KCOAP_NOT_FOUND : KCOAP_CONTENT, 0);
		kcoap_msg_set_payload(&m, big, s % 5 == 1 ? 1200 : 4);
		if (m.code != KCOAP_CONTENT)
			f->obs[i] = NULL;
		kcoap_ep_notify(ep, o, &m, s & 1);
	}
	if (s % 4 == 0) {
		kcoap_msg_init(&m, s & 8 ? KCOAP_NON : KCOAP_CON, KCOAP_GET, 0);
		kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/rd");
		kcoap_ep_request(ep, peer, &m, fz_response, f, NULL);
	} else if (s % 4 == 2) {
		/* a body sent block-wise (Block1), at the size the peer asks */
		kcoap_msg_init(&m, s & 8 ? KCOAP_NON : KCOAP_CON, KCOAP_POST, 0);
		kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/rd");
		kcoap_msg_set_payload(&m, big, s & 16 ? 2500 : 1100);
		kcoap_ep_request(ep, peer, &m, fz_response, f, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcoap_ep_params p = { .dedup_max = 8, .block_max_entries = 2, .block1_max = 4096,
				     .observe_con_every = 3 };
	struct fz f = { .now = 1000, .lcg = 1 };
	struct kcoap_ep_config cfg = {
		.params = &p, .now = fz_now, .random = fz_rand, .on_request = fz_request,
		.on_observe_end = fz_obs_end, .send = fz_send, .arg = &f,
	};
	struct kcoap_addr peers[2];
	struct kcoap_ep *ep;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	kcoap_addr_parse(&peers[0], "127.0.0.1", 5683);
	kcoap_addr_parse(&peers[1], "[::1]", 5684);
	if (kcoap_ep_create(&cfg, &ep))
		return 0;
	while (size >= 3) {
		uint8_t ctl = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		f.now += (uint64_t)(ctl >> 1) * 100;
		kcoap_ep_timer(ep);
		kcoap_ep_datagram(ep, &peers[ctl & 1], data, len);
		app_turn(&f, ep, &peers[ctl & 1]);
		if (kcoap_ep_next_timeout(ep) < -1)
			__builtin_trap();
		data += len;
		size -= len;
	}
	/* let every timer run out: retransmissions, give-ups, expiries */
	for (int i = 0; i < 64; i++) {
		int ms = kcoap_ep_next_timeout(ep);

		if (ms < 0)
			break;
		f.now += (uint64_t)ms;
		kcoap_ep_timer(ep);
	}
	for (unsigned int i = 0; i < MAX_PENDING; i++)
		if (f.pending[i])
			kcoap_ep_pending_drop(ep, f.pending[i]);
	kcoap_ep_destroy(ep);
	return 0;
}
