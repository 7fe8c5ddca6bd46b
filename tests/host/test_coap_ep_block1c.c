// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the client side of Block1 (RFC 7959 section 2.5): a request
 * body larger than the block size leaves the endpoint in blocks. The peer is
 * a plain UDP socket scripted block by block (each block's NUM, M, SZX,
 * Size1, token and payload checked), then libcoap's coap-server-notls (a
 * dynamic resource created by a PUT that libcoap reassembles, read back with
 * Block2). test_coap_ep_block.c sends Block1 to a second endpoint.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_coap_ep_util.h"

#define COAP_SERVER "/usr/bin/coap-server-notls"

extern char **environ;

static char location[KCOAP_PATH_STRLEN];
static uint32_t resp_size1;

/* th_response, and the Location-Path and Size1 of the response kept. */
static void on_resp(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
		    const uint8_t *body, size_t len)
{
	location[0] = 0;
	resp_size1 = 0;
	if (resp) {
		assert_true(kcoap_msg_path(resp, KCOAP_OPT_LOCATION_PATH, location,
					   sizeof(location)) >= 0);
		kcoap_msg_get_uint(resp, KCOAP_OPT_SIZE1, &resp_size1);
	}
	th_response(arg, ep, err, resp, body, len);
}

static void post_big(struct th *t, size_t len, unsigned int seed)
{
	struct kcoap_msg m;

	th_big(t, len, seed);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_POST, 0);
	assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/rd"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "ep=gw"));
	kcoap_msg_set_payload(&m, t->big, len);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, on_resp, t, NULL));
}

/* The next datagram must be block @num (@szx) of th->big with the request's
 * options; @tok: the token every block carries (set from block 0). */
static void expect_block(struct th *t, struct th_dgram *d, uint32_t num, uint8_t szx,
			 uint8_t *tok, uint8_t *tkl)
{
	size_t size = (size_t)16 << szx, off = (size_t)num * size;
	size_t n = t->big_len - off < size ? t->big_len - off : size;
	struct kcoap_block b;
	char path[64];
	uint32_t size1;

	assert_int_equal(0, th_recv(t, d));
	assert_int_equal(0, d->rc);
	assert_int_equal(KCOAP_CON, d->m.type);
	assert_int_equal(KCOAP_POST, d->m.code);
	assert_int_equal(3, kcoap_msg_path(&d->m, KCOAP_OPT_URI_PATH, path, sizeof(path)));
	assert_string_equal("/rd", path);
	assert_int_equal(1, kcoap_opt_count(&d->m, KCOAP_OPT_URI_QUERY));
	assert_int_equal(0, kcoap_msg_get_block(&d->m, KCOAP_OPT_BLOCK1, &b));
	assert_int_equal(num, b.num);
	assert_int_equal(szx, b.szx);
	assert_int_equal(off + n < t->big_len, b.more);
	if (num == 0) {
		assert_int_equal(0, kcoap_msg_get_uint(&d->m, KCOAP_OPT_SIZE1, &size1));
		assert_int_equal(t->big_len, size1);
		memcpy(tok, d->m.token, d->m.tkl);
		*tkl = d->m.tkl;
	} else {
		assert_int_equal(-ENOENT, kcoap_msg_get_uint(&d->m, KCOAP_OPT_SIZE1, &size1));
		assert_int_equal(*tkl, d->m.tkl);
		assert_memory_equal(tok, d->m.token, *tkl);
	}
	assert_int_equal(n, d->m.payload_len);
	assert_memory_equal(t->big + off, d->m.payload, n);
}

/* Answer @d piggybacked with @code, Block1 @b when not NULL. */
static void answer(struct th *t, const struct th_dgram *d, uint8_t code,
		   const struct kcoap_block *b)
{
	struct kcoap_msg m;

	kcoap_msg_init(&m, KCOAP_ACK, code, d->m.mid);
	kcoap_msg_set_token(&m, d->m.token, d->m.tkl);
	if (b)
		assert_int_equal(0, kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, b));
	if (code == KCOAP_CREATED) {
		assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_LOCATION_PATH, "/rd/a1"));
	}
	if (code == KCOAP_REQUEST_ENTITY_TOO_LARGE)
		assert_int_equal(0, kcoap_msg_add_uint(&m, KCOAP_OPT_SIZE1, 2048));
	th_send(t, &m);
}

static void continue_block(struct th *t, const struct th_dgram *d, uint32_t num, uint8_t szx)
{
	struct kcoap_block b = { .num = num, .more = true, .szx = szx };

	answer(t, d, KCOAP_CONTINUE, &b);
}

static void post_of_3000_bytes_goes_out_in_three_blocks_and_gets_2_01(void **state)
{
	struct th *t = *state;
	struct kcoap_block last = { .num = 2, .szx = 6 };
	uint8_t tok[8], tkl = 0;
	struct th_dgram d;

	post_big(t, 3000, 1);
	for (uint32_t num = 0; num < 2; num++) {
		expect_block(t, &d, num, 6, tok, &tkl);
		continue_block(t, &d, num, 6);
		assert_int_equal(0, t->resp_calls);
	}
	expect_block(t, &d, 2, 6, tok, &tkl);
	answer(t, &d, KCOAP_CREATED, &last);
	th_expect_none(t);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(0, t->resp_err);
	assert_int_equal(KCOAP_CREATED, t->resp_code);
	assert_string_equal("/rd/a1", location);
	/* nothing left to retransmit */
	th_advance(t, 100000);
	th_expect_none(t);
}

static void server_asking_for_64_byte_blocks_gets_them_from_where_block_0_ended(void **state)
{
	struct th *t = *state;
	uint8_t tok[8], tkl = 0;
	struct th_dgram d;
	uint32_t num;

	post_big(t, 3000, 2);
	expect_block(t, &d, 0, 6, tok, &tkl);
	continue_block(t, &d, 0, 2);
	/* 1024 bytes went in block 0: the rest is blocks 16..46 of 64 bytes */
	for (num = 16; num < 46; num++) {
		expect_block(t, &d, num, 2, tok, &tkl);
		continue_block(t, &d, num, 2);
	}
	expect_block(t, &d, 46, 2, tok, &tkl);
	assert_int_equal(3000 - 46 * 64, d.m.payload_len);
	answer(t, &d, KCOAP_CHANGED, NULL);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(KCOAP_CHANGED, t->resp_code);
}

static void error_responses_reach_the_callback(void **state)
{
	struct th *t = *state;
	struct kcoap_block b0 = { .num = 0, .more = true, .szx = 6 };
	uint8_t tok[8], tkl = 0;
	struct th_dgram d;

	/* 4.13 with Size1 on block 0 */
	post_big(t, 3000, 3);
	expect_block(t, &d, 0, 6, tok, &tkl);
	answer(t, &d, KCOAP_REQUEST_ENTITY_TOO_LARGE, NULL);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(0, t->resp_err);
	assert_int_equal(KCOAP_REQUEST_ENTITY_TOO_LARGE, t->resp_code);
	assert_int_equal(2048, resp_size1);
	th_expect_none(t);

	/* 4.08 on block 1 */
	post_big(t, 3000, 4);
	expect_block(t, &d, 0, 6, tok, &tkl);
	continue_block(t, &d, 0, 6);
	expect_block(t, &d, 1, 6, tok, &tkl);
	answer(t, &d, KCOAP_REQUEST_ENTITY_INCOMPLETE, NULL);
	assert_int_equal(2, t->resp_calls);
	assert_int_equal(KCOAP_REQUEST_ENTITY_INCOMPLETE, t->resp_code);
	th_expect_none(t);

	/* a 2.31 naming another block, a success before the last block, a
	 * 2.31 for the last block, a 2.31 without Block1: -EPROTO */
	post_big(t, 3000, 5);
	expect_block(t, &d, 0, 6, tok, &tkl);
	continue_block(t, &d, 1, 6);
	assert_int_equal(3, t->resp_calls);
	assert_int_equal(-EPROTO, t->resp_err);
	post_big(t, 3000, 5);
	expect_block(t, &d, 0, 6, tok, &tkl);
	answer(t, &d, KCOAP_CHANGED, &b0);
	assert_int_equal(4, t->resp_calls);
	assert_int_equal(-EPROTO, t->resp_err);
	post_big(t, 1500, 5);
	expect_block(t, &d, 0, 6, tok, &tkl);
	continue_block(t, &d, 0, 6);
	expect_block(t, &d, 1, 6, tok, &tkl);
	continue_block(t, &d, 1, 6);
	assert_int_equal(5, t->resp_calls);
	assert_int_equal(-EPROTO, t->resp_err);
	post_big(t, 1500, 5);
	expect_block(t, &d, 0, 6, tok, &tkl);
	answer(t, &d, KCOAP_CONTINUE, NULL);
	assert_int_equal(6, t->resp_calls);
	assert_int_equal(-EPROTO, t->resp_err);
	th_expect_none(t);
}

static void lost_block_is_retransmitted_with_its_message_id(void **state)
{
	struct th *t = *state;
	/* token (2 draws), block 0's timeout, block 1's: 2000 + 0 */
	const uint32_t r[] = { 1, 2, 0, 0 };
	uint8_t tok[8], tkl = 0;
	struct th_dgram d, again;
	struct kcoap_ep_stats st;

	th_random(t, 4, r);
	post_big(t, 2000, 6);
	expect_block(t, &d, 0, 6, tok, &tkl);
	continue_block(t, &d, 0, 6);
	expect_block(t, &d, 1, 6, tok, &tkl);
	/* block 1 is lost: after ACK_TIMEOUT the same bytes go again */
	assert_int_equal(2000, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 1999);
	th_expect_none(t);
	th_advance(t, 1);
	assert_int_equal(0, th_recv(t, &again));
	assert_int_equal(d.len, again.len);
	assert_memory_equal(d.buf, again.buf, d.len);
	answer(t, &again, KCOAP_CHANGED, NULL);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(KCOAP_CHANGED, t->resp_code);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(1, st.retransmit);
}

static void caller_errors_are_refused(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_params p = { .block1_max = 2000 };
	struct kcoap_block b = { 0 };
	struct kcoap_msg m;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	th_big(t, 2001, 7);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 0);
	kcoap_msg_set_payload(&m, t->big, 2001);
	assert_int_equal(-EFBIG, kcoap_ep_request(t->ep, &t->peer_addr, &m, on_resp, t, NULL));
	kcoap_msg_set_payload(&m, t->big, 1500);
	assert_int_equal(0, kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, &b));
	assert_int_equal(-EINVAL, kcoap_ep_request(t->ep, &t->peer_addr, &m, on_resp, t, NULL));
	th_expect_none(t);
}

/* ------------------------------------------------------------ real peers */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run the endpoint's loop on the real clock until @t's callback ran. */
static void wait_response(struct kcoap_ep *ep, struct th *t, unsigned int calls)
{
	uint64_t deadline = mono_ms() + 20000;

	while (t->resp_calls < calls) {
		struct pollfd pfd = { .fd = kcoap_ep_fd(ep), .events = POLLIN };
		int to = kcoap_ep_next_timeout(ep);

		assert_true(mono_ms() < deadline);
		if (poll(&pfd, 1, to < 0 || to > 100 ? 100 : to) > 0)
			kcoap_ep_input(ep);
		kcoap_ep_timer(ep);
	}
}

static void libcoap_server_takes_a_block1_put_and_serves_it_back(void **state)
{
	struct th *t = *state;
	struct kcoap_ep *ep;
	struct kcoap_ep_config cfg = { 0 };
	struct kcoap_addr any, srv;
	char *argv[] = { COAP_SERVER, "-A", "127.0.0.1", "-p", "56931", "-d", "4", NULL };
	struct kcoap_msg m;
	pid_t pid;
	int status;

	assert_int_equal(0, access(COAP_SERVER, X_OK));	/* libcoap3-bin (scripts/deps) */
	assert_int_equal(0, posix_spawn(&pid, COAP_SERVER, NULL, NULL, argv, environ));
	usleep(300000);
	assert_int_equal(0, kcoap_addr_parse(&any, "127.0.0.1", 0));
	assert_int_equal(0, kcoap_addr_parse(&srv, "127.0.0.1", 56931));
	cfg.bind = &any;
	assert_int_equal(0, kcoap_ep_create(&cfg, &ep));

	th_big(t, 3000, 9);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 0);
	kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/dyn");
	kcoap_msg_add_uint(&m, KCOAP_OPT_CONTENT_FORMAT, 42);
	kcoap_msg_set_payload(&m, t->big, t->big_len);
	assert_int_equal(0, kcoap_ep_request(ep, &srv, &m, on_resp, t, NULL));
	wait_response(ep, t, 1);
	assert_int_equal(0, t->resp_err);
	assert_int_equal(KCOAP_CREATED, t->resp_code);

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/dyn");
	assert_int_equal(0, kcoap_ep_request(ep, &srv, &m, on_resp, t, NULL));
	wait_response(ep, t, 2);
	assert_int_equal(0, t->resp_err);
	assert_int_equal(KCOAP_CONTENT, t->resp_code);
	assert_int_equal(3000, t->resp_len);
	assert_memory_equal(t->big, t->resp_body, 3000);

	kcoap_ep_destroy(ep);
	kill(pid, SIGTERM);
	assert_int_equal(pid, waitpid(pid, &status, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, th_cm_setup, th_cm_teardown)
		T(post_of_3000_bytes_goes_out_in_three_blocks_and_gets_2_01),
		T(server_asking_for_64_byte_blocks_gets_them_from_where_block_0_ended),
		T(error_responses_reach_the_callback),
		T(lost_block_is_retransmitted_with_its_message_id),
		T(caller_errors_are_refused),
		T(libcoap_server_takes_a_block1_put_and_serves_it_back),
#undef T
	};

	return cmocka_run_group_tests_name("coap endpoint client Block1", tests, NULL, NULL);
}
