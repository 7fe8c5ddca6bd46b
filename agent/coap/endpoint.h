/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CoAP endpoint: the messaging layer over one UDP socket (RFC 7252 sections
 * 4 and 5), block-wise transfers (RFC 7959) and the server side of Observe
 * (RFC 7641). The wire format is msg.h's; this is everything with state:
 * retransmission, deduplication, exchanges, reassembly, observers.
 *
 * Threading model: none. One endpoint belongs to one thread, the agent's
 * epoll loop, which calls
 *	kcoap_ep_input()	  when kcoap_ep_fd() is readable,
 *	kcoap_ep_timer()	  when kcoap_ep_next_timeout() milliseconds passed.
 * Nothing here blocks or sleeps. Time (a monotonic clock in ms) and
 * randomness (tokens, Message IDs, back-off) come from callbacks, so tests
 * drive both. Callbacks run from inside those two calls (and from
 * kcoap_ep_notify()/kcoap_ep_observe_cancel() for nothing but sending); they
 * may call any kcoap_ep_*() function except kcoap_ep_destroy() (and
 * kcoap_ep_input(), which refuses).
 *
 * Server side. Every request (after deduplication, Block1 reassembly and
 * Block2 continuation) reaches the request callback with a response message
 * already started (kcoap_msg_init()ed with 5.00 and no options). The
 * callback either
 *  - sets resp->code, adds options and a payload (any size: the endpoint
 *    serves it block-wise past the block size) and returns 0: the response
 *    is piggybacked on the ACK of a CON request, or sent as NON for a NON
 *    request;
 *  - or calls kcoap_ep_defer(), keeps the handle and returns
 *    KCOAP_EP_DEFERRED: a CON request is acknowledged at once by an empty
 *    ACK, and kcoap_ep_respond() sends the separate response later (CON,
 *    retransmitted until acknowledged; NON for a NON request);
 *  - or returns -errno: 5.00 Internal Server Error.
 * What the request points to (options, payload) lives until the callback
 * returns; a deferring callback copies what it needs.
 *
 * Observe. A GET carrying Observe 0 has req->observe == 0; the callback
 * registers an observer with kcoap_ep_observe_start() and answers as usual
 * (the response then carries Observe). kcoap_ep_notify() sends later
 * notifications; one whose code is not 2.xx is the final one and ends the
 * observation. The endpoint ends an observation itself on an RST to a
 * notification, a GET with Observe 1 on the same token, a CON notification
 * never acknowledged, or a new registration on the same peer and token; it
 * then calls the observe-end callback (so the LwM2M layer can cancel the
 * kernel's observation); kcoap_ep_observe_cancel() ends one silently.
 *
 * Client side. kcoap_ep_request() sends a request the caller composed with
 * msg.h (type CON or NON, a method code, options, payload; the endpoint sets
 * the Message ID and a fresh random token) and calls the response callback
 * exactly once: with the response (piggybacked, or separate after an empty
 * ACK), or with -ETIMEDOUT (no ACK after MAX_RETRANSMIT retransmissions, or
 * no response within the response timeout), -ECONNRESET (RST), -EPROTO (a
 * response the endpoint rejected) -- unless kcoap_ep_request_cancel() came
 * first. A request body larger than block_size is sent in Block1 blocks,
 * each sent on the server's 2.31 Continue (at the smaller size it may ask
 * for); the response to the last block, or an error response to any block
 * (4.13, 4.08, ...), is the call's response. A response carrying Block2 with
 * more blocks to come is followed: the callback receives the whole
 * representation (at most block1_max bytes, else -EFBIG).
 *
 * Limits (memory is bounded whatever peers send; see struct kcoap_ep_params):
 * dedup_max remembered messages, block_max_entries reassemblies and as many
 * kept representations, each at most block1_max bytes.
 */
#ifndef KLWM2M_AGENT_COAP_ENDPOINT_H
#define KLWM2M_AGENT_COAP_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "msg.h"

struct kcoap_ep;
struct kcoap_ep_pending;
struct kcoap_ep_call;
struct kcoap_obs;

/** struct kcoap_addr - a peer's (or the local) UDP address, IPv4 or IPv6 */
struct kcoap_addr {
	socklen_t len;
	struct sockaddr_storage ss;
};

/** kcoap_addr_equal() - same family, address, port (and IPv6 scope). */
bool kcoap_addr_equal(const struct kcoap_addr *a, const struct kcoap_addr *b);

/**
 * kcoap_addr_parse() - "127.0.0.1", "::1" or "[::1]" and a port into @addr
 * Return: 0 or -EINVAL.
 */
int kcoap_addr_parse(struct kcoap_addr *addr, const char *host, uint16_t port);

/**
 * struct kcoap_ep_params - transmission parameters and limits
 *
 * A zero field takes its default (kcoap_ep_default_params, which holds RFC
 * 7252 section 4.8's values). The lifetimes left at zero are derived from the
 * transmission parameters as section 4.8.2 derives them, so an override of
 * ack_timeout_ms (the LwM2M Server object's retry resources) moves them too.
 *
 * @ack_timeout_ms: ACK_TIMEOUT (2000)
 * @ack_random_factor_permille: ACK_RANDOM_FACTOR in thousandths (1500), >= 1000
 * @max_retransmit: MAX_RETRANSMIT (4), at most 16
 * @exchange_lifetime_ms: how long a CON's (peer, MID) is remembered (247 s)
 * @non_lifetime_ms: how long a NON's (peer, MID) is remembered (145 s)
 * @response_timeout_ms: client: wait for a NON request's response, or for
 *	the separate response after an empty ACK (MAX_TRANSMIT_WAIT, 93 s)
 * @dedup_max: remembered messages (256); the oldest is forgotten first.
 *	Each holds the reply sent (at most KCOAP_MAX_MSG_SIZE + a little), so
 *	the cache stays under ~330 KiB.
 * @block_size: preferred block size, 16..1024, a power of two (1024): the
 *	largest payload sent in one message, and Block1's size when a client
 *	proposes a larger one
 * @block1_max: largest request body reassembled from Block1 (and largest
 *	response body the client side follows through Block2) (64 KiB);
 *	past it, 4.13 with Size1
 * @block_keep_ms: how long a partial Block1 body, or a representation
 *	being served block by block, is kept after its last block (EXCHANGE_LIFETIME)
 * @block_max_entries: partial bodies kept at once, and representations kept
 *	at once (16 each); the oldest goes first
 * @observe_con_every: every Nth notification to an observer is CON (20);
 *	1 makes all of them CON
 * @observe_con_interval_ms: a notification is CON when the last CON one is
 *	older than this (RFC 7641 section 4.5: 24 hours)
 */
struct kcoap_ep_params {
	uint32_t ack_timeout_ms;
	uint32_t ack_random_factor_permille;
	uint32_t max_retransmit;
	uint32_t exchange_lifetime_ms;
	uint32_t non_lifetime_ms;
	uint32_t response_timeout_ms;
	uint32_t dedup_max;
	uint32_t block_size;
	uint32_t block1_max;
	uint32_t block_keep_ms;
	uint32_t block_max_entries;
	uint32_t observe_con_every;
	uint32_t observe_con_interval_ms;
};

extern const struct kcoap_ep_params kcoap_ep_default_params;

/**
 * struct kcoap_ep_request - a request as the request callback sees it
 * @peer: who sent it
 * @msg: the request as parsed (for a Block1 transfer: its last block)
 * @body: the whole request body (reassembled from Block1 when it came in
 *	blocks), NULL when empty
 * @body_len: its length
 * @observe: -1 no Observe option, 0 register, 1 deregister (the endpoint
 *	already removed that observer), other values as received
 * @priv: the endpoint's
 */
struct kcoap_ep_request {
	const struct kcoap_addr *peer;
	const struct kcoap_msg *msg;
	const uint8_t *body;
	size_t body_len;
	int64_t observe;
	void *priv;
};

#define KCOAP_EP_DEFERRED	1

/* kcoap_ep_observe_end_fn's @reason */
enum kcoap_obs_end {
	KCOAP_OBS_END_RESET = 1,	/* the observer answered a notification with RST */
	KCOAP_OBS_END_DEREGISTER,	/* GET with Observe 1 */
	KCOAP_OBS_END_TIMEOUT,		/* a CON notification was never acknowledged */
	KCOAP_OBS_END_REPLACED,		/* a new registration on the same peer and token */
};

typedef uint64_t (*kcoap_ep_now_fn)(void *arg);
typedef uint32_t (*kcoap_ep_random_fn)(void *arg);
typedef int (*kcoap_ep_request_fn)(void *arg, struct kcoap_ep *ep,
				   const struct kcoap_ep_request *req, struct kcoap_msg *resp);
typedef void (*kcoap_ep_observe_end_fn)(void *arg, struct kcoap_ep *ep, struct kcoap_obs *obs,
					void *user, enum kcoap_obs_end reason);
typedef void (*kcoap_ep_response_fn)(void *arg, struct kcoap_ep *ep, int err,
				     const struct kcoap_msg *resp, const uint8_t *body,
				     size_t body_len);
/* A datagram out: 0 or -errno (the endpoint counts failures and carries on). */
typedef int (*kcoap_ep_send_fn)(void *arg, const struct kcoap_addr *peer, const void *buf,
				size_t len);

/**
 * struct kcoap_ep_config - what kcoap_ep_create() needs
 * @bind: local address to bind a new UDP socket to (port 0: any), or NULL
 *	with @send set: no socket, datagrams go to @send and come in through
 *	kcoap_ep_datagram() (a DTLS layer, the fuzzer)
 * @params: NULL for the defaults
 * @now: monotonic milliseconds; NULL: CLOCK_MONOTONIC
 * @random: 32 random bits; NULL: getrandom()
 * @on_request: the server side; NULL answers every request 4.04
 * @on_observe_end: see enum kcoap_obs_end; may be NULL
 * @send: see @bind
 * @arg: passed to every callback above
 */
struct kcoap_ep_config {
	const struct kcoap_addr *bind;
	const struct kcoap_ep_params *params;
	kcoap_ep_now_fn now;
	kcoap_ep_random_fn random;
	kcoap_ep_request_fn on_request;
	kcoap_ep_observe_end_fn on_observe_end;
	kcoap_ep_send_fn send;
	void *arg;
};

/**
 * struct kcoap_ep_stats - counters, for tests and for the operator
 */
struct kcoap_ep_stats {
	uint64_t rx;		/* datagrams received */
	uint64_t rx_bad;	/* format errors, truncated datagrams */
	uint64_t rx_dup;	/* duplicates (answered from the cache or ignored) */
	uint64_t tx;		/* datagrams sent */
	uint64_t tx_err;	/* sends that failed */
	uint64_t retransmit;	/* retransmissions */
	uint64_t give_up;	/* CONs never acknowledged */
	uint64_t dedup_evict;	/* remembered messages forgotten early for room */
};

/* ------------------------------------------------------------ lifetime */

/** kcoap_ep_create() - Return: 0 and *@out, or -errno (-EINVAL: bad config). */
int kcoap_ep_create(const struct kcoap_ep_config *cfg, struct kcoap_ep **out);

/**
 * kcoap_ep_destroy() - close the socket, free everything. Pending requests'
 * callbacks and observe-end callbacks are NOT called. NULL is a no-op.
 */
void kcoap_ep_destroy(struct kcoap_ep *ep);

/** kcoap_ep_fd() - the socket to poll for input, or -1 without one. */
int kcoap_ep_fd(const struct kcoap_ep *ep);

/** kcoap_ep_local() - the bound address (the port chosen for port 0). */
int kcoap_ep_local(const struct kcoap_ep *ep, struct kcoap_addr *addr);

/** kcoap_ep_set_params() - change parameters (zeros: defaults). -EINVAL when invalid. */
int kcoap_ep_set_params(struct kcoap_ep *ep, const struct kcoap_ep_params *params);

/** kcoap_ep_params() - the parameters in force, defaults and derived values filled in. */
const struct kcoap_ep_params *kcoap_ep_params(const struct kcoap_ep *ep);

/** kcoap_ep_get_stats() - a copy of the counters. */
void kcoap_ep_get_stats(const struct kcoap_ep *ep, struct kcoap_ep_stats *stats);

/* ------------------------------------------------------------ the loop */

/**
 * kcoap_ep_input() - read the datagrams waiting on the socket and handle them
 *
 * At most 256 per call (the loop's level-triggered epoll brings the rest).
 * What the callbacks send meanwhile leaves at the end of the call, in order
 * (several in one sendmmsg()); kcoap_ep_get_stats() counts each then.
 * Return: datagrams handled (0 when none), or -errno from the socket;
 * -EBUSY when called from one of the endpoint's callbacks.
 */
int kcoap_ep_input(struct kcoap_ep *ep);

/** kcoap_ep_datagram() - handle one datagram from @peer (no-socket mode, tests). */
void kcoap_ep_datagram(struct kcoap_ep *ep, const struct kcoap_addr *peer, const uint8_t *buf,
		       size_t len);

/** kcoap_ep_next_timeout() - ms until kcoap_ep_timer() has work (0: now), -1: none. */
int kcoap_ep_next_timeout(struct kcoap_ep *ep);

/** kcoap_ep_timer() - retransmit, give up, expire what is due. */
void kcoap_ep_timer(struct kcoap_ep *ep);

/* ------------------------------------------------------------ server side */

/**
 * kcoap_ep_defer() - from the request callback: answer later
 * Return: the handle for kcoap_ep_respond(), or NULL (-ENOMEM: errno set);
 * the callback then answers now (e.g. 5.03).
 */
struct kcoap_ep_pending *kcoap_ep_defer(struct kcoap_ep *ep, const struct kcoap_ep_request *req);

/**
 * kcoap_ep_respond() - send the separate response, and free @p
 * @resp: kcoap_msg_init()ed by the caller (type and MID are ignored), code,
 *	options, payload of any size
 * Return: 0 or -errno (the handle is freed whatever happens).
 */
int kcoap_ep_respond(struct kcoap_ep *ep, struct kcoap_ep_pending *p, struct kcoap_msg *resp);

/** kcoap_ep_pending_drop() - never answer (the client will time out). */
void kcoap_ep_pending_drop(struct kcoap_ep *ep, struct kcoap_ep_pending *p);

/**
 * kcoap_ep_observe_start() - from the request callback, for a GET (or FETCH)
 * with req->observe == 0: register the peer as an observer
 * @user: given back to the observe-end callback
 * Return: the observer (valid until it ends), or NULL with errno set
 * (-EINVAL: not an Observe 0 request, -ENOMEM). A previous observer with
 * the same peer and token ends first (KCOAP_OBS_END_REPLACED).
 */
struct kcoap_obs *kcoap_ep_observe_start(struct kcoap_ep *ep, const struct kcoap_ep_request *req,
					 void *user);

/**
 * kcoap_ep_notify() - send a notification
 * @n: kcoap_msg_init()ed (type and MID ignored), code, options (no Observe:
 *	the endpoint numbers notifications), payload of any size (block 0 goes
 *	out with Block2; the client fetches the rest of that representation)
 * @confirmable: CON; besides, every observe_con_every-th notification, and
 *	one when the last CON is older than observe_con_interval_ms, are CON
 *
 * A code other than 2.xx ends the observation (no Observe option, RFC 7641
 * section 4.2) and frees @obs. A CON notification still unacknowledged is
 * replaced by this one, keeping its retransmission state (RFC 7641 4.5.2).
 * Return: 0 or -errno (-ENOSPC: @n does not fit a datagram).
 */
int kcoap_ep_notify(struct kcoap_ep *ep, struct kcoap_obs *obs, struct kcoap_msg *n,
		    bool confirmable);

/** kcoap_ep_observe_cancel() - forget an observer without telling it, no callback. */
void kcoap_ep_observe_cancel(struct kcoap_ep *ep, struct kcoap_obs *obs);

/** kcoap_ep_observe_peer() - the observer's address. */
const struct kcoap_addr *kcoap_ep_observe_peer(const struct kcoap_obs *obs);

/* ------------------------------------------------------------ client side */

/**
 * kcoap_ep_request() - send a request
 * @peer: the server
 * @req: type KCOAP_CON or KCOAP_NON, a method code, options and a payload
 *	(copied; one larger than params.block_size goes out in Block1 blocks,
 *	see client.c); its MID and token are set by the endpoint
 * @cb: called once (see the top of this file), never from inside this call
 * @out: the handle for kcoap_ep_request_cancel(), valid until @cb runs; may
 *	be NULL
 * Return: 0, or -EINVAL (also: Block1 or Size1 set on a body sent
 * block-wise), -ENOSPC (options too big), -EFBIG (a body past
 * params.block1_max), -ENOMEM; -errno of the send
 * itself does not fail a CON (it is retransmitted).
 */
int kcoap_ep_request(struct kcoap_ep *ep, const struct kcoap_addr *peer, struct kcoap_msg *req,
		     kcoap_ep_response_fn cb, void *arg, struct kcoap_ep_call **out);

/** kcoap_ep_request_cancel() - forget a request; its callback is not called. */
void kcoap_ep_request_cancel(struct kcoap_ep *ep, struct kcoap_ep_call *call);

#endif /* KLWM2M_AGENT_COAP_ENDPOINT_H */
