// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Harness of the CoAP endpoint's host tests; see test_coap_ep_util.h.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_coap_ep_util.h"

static uint64_t th_now(void *arg)
{
	return ((struct th *)arg)->now;
}

static uint32_t th_rand(void *arg)
{
	struct th *t = arg;

	if (t->rq_i < t->rq_n)
		return t->rq[t->rq_i++];
	t->lcg = t->lcg * 1103515245u + 12345u;
	return t->lcg >> 1;
}

static void th_obs_end(void *arg, struct kcoap_ep *ep, struct kcoap_obs *obs, void *user,
		       enum kcoap_obs_end reason)
{
	struct th *t = arg;

	t->obs_ends++;
	t->obs_end_reason = reason;
	if (t->obs == obs)
		t->obs = NULL;
}

void th_setup(struct th *t, const struct kcoap_ep_params *params)
{
	struct kcoap_ep_config cfg = {
		.params = params, .now = th_now, .random = th_rand,
		.on_request = th_handler, .on_observe_end = th_obs_end, .arg = t,
	};
	struct kcoap_addr any;

	memset(t, 0, sizeof(*t));
	t->now = 1000000;
	t->lcg = 42;
	assert_int_equal(0, kcoap_addr_parse(&any, "127.0.0.1", 0));
	cfg.bind = &any;
	assert_int_equal(0, kcoap_ep_create(&cfg, &t->ep));
	assert_int_equal(0, kcoap_ep_local(t->ep, &t->ep_addr));

	t->peer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(t->peer >= 0);
	assert_int_equal(0, bind(t->peer, (struct sockaddr *)&any.ss, any.len));
	t->peer_addr.len = sizeof(t->peer_addr.ss);
	assert_int_equal(0, getsockname(t->peer, (struct sockaddr *)&t->peer_addr.ss,
					&t->peer_addr.len));
}

void th_teardown(struct th *t)
{
	kcoap_ep_destroy(t->ep);
	close(t->peer);
	free(t->big);
	free(t->body);
	free(t->resp_body);
}

int th_cm_setup(void **state)
{
	struct th *t = malloc(sizeof(*t));

	if (!t)
		return -1;
	th_setup(t, NULL);
	*state = t;
	return 0;
}

int th_cm_teardown(void **state)
{
	th_teardown(*state);
	free(*state);
	return 0;
}

void th_random(struct th *t, unsigned int n, const uint32_t *vals)
{
	assert_true(n <= sizeof(t->rq) / sizeof(t->rq[0]));
	memcpy(t->rq, vals, n * sizeof(*vals));
	t->rq_n = n;
	t->rq_i = 0;
}

void th_advance(struct th *t, uint64_t ms)
{
	t->now += ms;
	kcoap_ep_timer(t->ep);
}

void th_send_raw(struct th *t, const void *buf, size_t len)
{
	struct pollfd pfd = { .fd = kcoap_ep_fd(t->ep), .events = POLLIN };

	assert_int_equal((ssize_t)len, sendto(t->peer, buf, len, 0,
					      (struct sockaddr *)&t->ep_addr.ss, t->ep_addr.len));
	assert_int_equal(1, poll(&pfd, 1, 1000));
	assert_true(kcoap_ep_input(t->ep) >= 1);
}

void th_send(struct th *t, const struct kcoap_msg *m)
{
	uint8_t buf[2048];
	int len = kcoap_build(m, buf, sizeof(buf));

	assert_true(len > 0);
	th_send_raw(t, buf, (size_t)len);
}

int th_recv(struct th *t, struct th_dgram *d)
{
	struct pollfd pfd = { .fd = t->peer, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, 1000) != 1)
		return -ETIMEDOUT;
	n = recv(t->peer, d->buf, sizeof(d->buf), 0);
	assert_true(n >= 0);
	d->len = (size_t)n;
	d->rc = kcoap_parse(&d->m, d->buf, d->len);
	return 0;
}

void th_expect_none(struct th *t)
{
	struct pollfd pfd = { .fd = t->peer, .events = POLLIN };

	assert_int_equal(0, poll(&pfd, 1, 30));
}

void th_req(struct kcoap_msg *m, uint8_t type, uint8_t code, uint16_t mid, uint16_t tok,
	    const char *path)
{
	uint8_t token[2] = { (uint8_t)(tok >> 8), (uint8_t)tok };

	kcoap_msg_init(m, type, code, mid);
	assert_int_equal(0, kcoap_msg_set_token(m, token, sizeof(token)));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_URI_PATH, path));
}

void th_big(struct th *t, size_t len, unsigned int seed)
{
	free(t->big);
	t->big = malloc(len ? len : 1);
	assert_non_null(t->big);
	for (size_t i = 0; i < len; i++)
		t->big[i] = (uint8_t)('a' + (i * 7 + seed) % 26);
	t->big_len = len;
}

int th_handler(void *arg, struct kcoap_ep *ep, const struct kcoap_ep_request *req,
	       struct kcoap_msg *resp)
{
	static char text[32];
	struct th *t = arg;
	char path[64];

	t->calls++;
	assert_true(kcoap_msg_path(req->msg, KCOAP_OPT_URI_PATH, path, sizeof(path)) > 0);
	if (!strcmp(path, "/hello")) {
		resp->code = KCOAP_CONTENT;
		kcoap_msg_add_uint(resp, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_TEXT);
		kcoap_msg_set_payload(resp, "world", 5);
	} else if (!strcmp(path, "/count")) {
		snprintf(text, sizeof(text), "%u", t->calls);
		resp->code = KCOAP_CONTENT;
		kcoap_msg_set_payload(resp, text, strlen(text));
	} else if (!strcmp(path, "/big")) {
		resp->code = KCOAP_CONTENT;
		kcoap_msg_add_uint(resp, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_OCTET_STREAM);
		kcoap_msg_set_payload(resp, t->big, t->big_len);
	} else if (!strcmp(path, "/slow")) {
		t->pending = kcoap_ep_defer(ep, req);
		assert_non_null(t->pending);
		return KCOAP_EP_DEFERRED;
	} else if (!strcmp(path, "/obs")) {
		if (req->observe == KCOAP_OBSERVE_REGISTER) {
			t->obs = kcoap_ep_observe_start(ep, req, t);
			assert_non_null(t->obs);
		}
		snprintf(text, sizeof(text), "v%u", t->calls);
		resp->code = KCOAP_CONTENT;
		kcoap_msg_set_payload(resp, text, strlen(text));
	} else if (!strcmp(path, "/upload")) {
		free(t->body);
		t->body = malloc(req->body_len ? req->body_len : 1);
		assert_non_null(t->body);
		if (req->body_len)
			memcpy(t->body, req->body, req->body_len);
		t->body_len = req->body_len;
		resp->code = KCOAP_CHANGED;
	} else {
		resp->code = KCOAP_NOT_FOUND;
	}
	return 0;
}

void th_response(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
		 const uint8_t *body, size_t len)
{
	struct th *t = arg;

	t->resp_calls++;
	t->resp_err = err;
	t->resp_code = resp ? resp->code : 0;
	free(t->resp_body);
	t->resp_body = malloc(len ? len : 1);
	assert_non_null(t->resp_body);
	if (len)
		memcpy(t->resp_body, body, len);
	t->resp_len = len;
}
