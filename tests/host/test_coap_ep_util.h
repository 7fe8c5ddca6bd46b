/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Harness of the CoAP endpoint's host tests: an endpoint under test on a real
 * UDP socket on 127.0.0.1, a plain UDP socket beside it playing the peer
 * (it sends hand-built messages and reads what the endpoint answers), an
 * injected clock and a scripted random source, and a request handler whose
 * behaviour depends on the path:
 *	/hello	2.05 "world" (text)
 *	/count	2.05 with the number of handler calls so far
 *	/big	2.05 th->big (octet-stream), any size
 *	/slow	deferred: th->pending
 *	/obs	Observe 0 registers th->obs; 2.05 "v<calls>"
 *	/upload	PUT/POST: the body is copied to th->body; 2.04
 *	else	4.04
 */
#ifndef TEST_COAP_EP_UTIL_H
#define TEST_COAP_EP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"

struct th_dgram {
	uint8_t buf[2048];
	size_t len;
	int rc;			/* kcoap_parse() */
	struct kcoap_msg m;
};

struct th {
	struct kcoap_ep *ep;
	struct kcoap_addr ep_addr;
	int peer;
	struct kcoap_addr peer_addr;
	uint64_t now;
	uint32_t rq[32];
	unsigned int rq_n, rq_i;
	uint32_t lcg;

	/* server side */
	unsigned int calls;
	struct kcoap_ep_pending *pending;
	struct kcoap_obs *obs;
	uint8_t *big;
	size_t big_len;
	uint8_t *body;
	size_t body_len;
	unsigned int obs_ends;
	int obs_end_reason;

	/* client side (kcoap_ep_request's callback th_response) */
	unsigned int resp_calls;
	int resp_err;
	uint8_t resp_code;
	uint8_t *resp_body;
	size_t resp_len;
};

/* Create the endpoint (params may be NULL) and the peer socket. */
void th_setup(struct th *t, const struct kcoap_ep_params *params);
void th_teardown(struct th *t);
/* The same as cmocka setup/teardown functions: *state is a struct th. */
int th_cm_setup(void **state);
int th_cm_teardown(void **state);

/* Values the random callback returns next, before its LCG takes over. */
void th_random(struct th *t, unsigned int n, const uint32_t *vals);

/* Move the clock by @ms and run the endpoint's timer. */
void th_advance(struct th *t, uint64_t ms);

/* Peer -> endpoint: build @m, send it, let the endpoint read it. */
void th_send(struct th *t, const struct kcoap_msg *m);
void th_send_raw(struct th *t, const void *buf, size_t len);

/* Endpoint -> peer: the next datagram (1 s at most); 0 or -ETIMEDOUT. */
int th_recv(struct th *t, struct th_dgram *d);
/* Assert the endpoint sent nothing (waits 30 ms). */
void th_expect_none(struct th *t);

/* A request to build on: @type, @code, @mid, 2-byte token @tok, @path. */
void th_req(struct kcoap_msg *m, uint8_t type, uint8_t code, uint16_t mid, uint16_t tok,
	    const char *path);

/* The request callback and the client's response callback described above. */
int th_handler(void *arg, struct kcoap_ep *ep, const struct kcoap_ep_request *req,
	       struct kcoap_msg *resp);
void th_response(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
		 const uint8_t *body, size_t len);

/* Fill th->big with @len bytes of a pattern seeded by @seed. */
void th_big(struct th *t, size_t len, unsigned int seed);

#endif
