// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the CoAP endpoint's messaging layer (RFC 7252 sections 4 and
 * 5): piggybacked, NON and separate responses, deduplication, pings, format
 * errors, unrecognised options, and the client side with its retransmission
 * schedule, asserted to the millisecond from scripted random values. Real
 * UDP sockets on 127.0.0.1; the clock is the test's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_coap_ep_util.h"

static void assert_token(const struct kcoap_msg *m, uint16_t tok)
{
	assert_int_equal(2, m->tkl);
	assert_int_equal(tok >> 8, m->token[0]);
	assert_int_equal(tok & 0xff, m->token[1]);
}

static void con_get_is_answered_piggybacked_on_its_ack(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;
	uint32_t cf;

	th_req(&m, KCOAP_CON, KCOAP_GET, 0x1234, 0xbeef, "/hello");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(0, d.rc);
	assert_int_equal(KCOAP_ACK, d.m.type);
	assert_int_equal(0x1234, d.m.mid);
	assert_int_equal(KCOAP_CONTENT, d.m.code);
	assert_token(&d.m, 0xbeef);
	assert_int_equal(0, kcoap_msg_get_uint(&d.m, KCOAP_OPT_CONTENT_FORMAT, &cf));
	assert_int_equal(KCOAP_CF_TEXT, cf);
	assert_int_equal(5, d.m.payload_len);
	assert_memory_equal("world", d.m.payload, 5);
	th_expect_none(t);
}

static void non_request_gets_a_non_response_with_its_token(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	th_req(&m, KCOAP_NON, KCOAP_GET, 0x2000, 0x0102, "/hello");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_NON, d.m.type);
	assert_int_equal(KCOAP_CONTENT, d.m.code);
	assert_token(&d.m, 0x0102);
	assert_int_equal(5, d.m.payload_len);
}

static void duplicate_con_gets_the_same_bytes_and_reaches_the_handler_once(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_stats st;
	struct th_dgram a, b;
	struct kcoap_msg m;

	th_req(&m, KCOAP_CON, KCOAP_GET, 7, 0x77, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &a));
	t->now += 200000;	/* within EXCHANGE_LIFETIME (247 s) */
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &b));
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(1, t->calls);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(1, st.rx_dup);

	/* past EXCHANGE_LIFETIME the same MID is a new message */
	th_advance(t, 47001);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &b));
	assert_int_equal(2, t->calls);
	assert_memory_equal("2", b.m.payload, 1);
}

static void duplicate_non_is_ignored(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	th_req(&m, KCOAP_NON, KCOAP_GET, 9, 0x99, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	th_send(t, &m);
	th_expect_none(t);
	assert_int_equal(1, t->calls);
}

static void dedup_cache_is_capped_and_forgets_the_oldest(void **state)
{
	struct kcoap_ep_params p = { .dedup_max = 4 };
	struct th *t = *state;
	struct kcoap_ep_stats st;
	struct kcoap_msg m;
	struct th_dgram d;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	for (uint16_t mid = 100; mid < 105; mid++) {
		th_req(&m, KCOAP_CON, KCOAP_GET, mid, mid, "/count");
		th_send(t, &m);
		assert_int_equal(0, th_recv(t, &d));
	}
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(1, st.dedup_evict);
	/* 104 is remembered, 100 was forgotten */
	th_req(&m, KCOAP_CON, KCOAP_GET, 104, 104, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(5, t->calls);
	th_req(&m, KCOAP_CON, KCOAP_GET, 100, 100, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(6, t->calls);
}

static int th_bad_send(void *arg, const struct kcoap_addr *peer, const void *buf, size_t len)
{
	return -EIO;
}

/* A CON GET of /count with @mid (token @mid too); the reply read into @d. */
static void count_req(struct th *t, uint16_t mid, struct th_dgram *d)
{
	struct kcoap_msg m;

	th_req(&m, KCOAP_CON, KCOAP_GET, mid, mid, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, d));
	assert_int_equal(0, d->rc);
	assert_int_equal(mid, d->m.mid);
}

/* The payload of a /count reply: the handler call it came from. */
static unsigned int count_of(const struct th_dgram *d)
{
	char s[16] = "";

	assert_true(d->m.payload_len > 0 && d->m.payload_len < sizeof(s));
	memcpy(s, d->m.payload, d->m.payload_len);
	return (unsigned int)strtoul(s, NULL, 10);
}

static void dedup_finds_duplicates_among_a_full_cache_of_colliding_ids(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_stats st;
	uint16_t mids[256];
	struct th_dgram d;

	/* half of them share one low byte pattern (i << 8 | i), the rest
	 * are sequential: the index must tell them all apart */
	for (unsigned int i = 0; i < 256; i++)
		mids[i] = i < 128 ? (uint16_t)(i << 8 | i) : (uint16_t)(40000 + i);
	for (unsigned int i = 0; i < 256; i++) {
		count_req(t, mids[i], &d);
		assert_int_equal(i + 1, count_of(&d));
	}
	assert_int_equal(256, t->calls);
	/* every one of them is a duplicate now, answered with its own reply */
	for (unsigned int i = 0; i < 256; i += 3) {
		count_req(t, mids[(i * 7) % 256], &d);
		assert_int_equal((i * 7) % 256 + 1, count_of(&d));
	}
	assert_int_equal(256, t->calls);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(86, st.rx_dup);
	assert_int_equal(0, st.dedup_evict);
	/* a 257th forgets the first (0x0000), and only it */
	count_req(t, 50000, &d);
	assert_int_equal(257, count_of(&d));
	count_req(t, mids[1], &d);
	assert_int_equal(2, count_of(&d));
	count_req(t, mids[0], &d);
	assert_int_equal(258, count_of(&d));
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(2, st.dedup_evict);
}

static void dedup_same_mid_from_another_peer_is_a_new_message(void **state)
{
	struct th *t = *state;
	struct kcoap_addr any;
	struct th_dgram d;
	struct kcoap_msg m;
	uint8_t buf[256];
	int other, len;

	count_req(t, 77, &d);
	assert_int_equal(1, count_of(&d));
	assert_int_equal(0, kcoap_addr_parse(&any, "127.0.0.1", 0));
	other = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(other >= 0);
	assert_int_equal(0, bind(other, (struct sockaddr *)&any.ss, any.len));
	th_req(&m, KCOAP_CON, KCOAP_GET, 77, 77, "/count");
	len = kcoap_build(&m, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(len, sendto(other, buf, (size_t)len, 0,
				     (struct sockaddr *)&t->ep_addr.ss, t->ep_addr.len));
	assert_int_equal(1, kcoap_ep_input(t->ep));
	assert_int_equal(2, t->calls);
	len = (int)recv(other, d.buf, sizeof(d.buf), 0);
	assert_true(len > 0);
	assert_int_equal(0, kcoap_parse(&d.m, d.buf, (size_t)len));
	assert_int_equal(2, count_of(&d));
	close(other);
	/* the first peer's is still remembered */
	count_req(t, 77, &d);
	assert_int_equal(1, count_of(&d));
	assert_int_equal(2, t->calls);
}

static void dedup_evicts_the_oldest_of_either_kind(void **state)
{
	struct kcoap_ep_params p = { .dedup_max = 3 };
	struct th *t = *state;
	struct kcoap_ep_stats st;
	struct kcoap_msg m;
	struct th_dgram d;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	count_req(t, 1, &d);				/* CON 1 */
	th_req(&m, KCOAP_NON, KCOAP_GET, 2, 2, "/count");	/* NON 2 */
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	count_req(t, 3, &d);				/* CON 3 */
	th_req(&m, KCOAP_NON, KCOAP_GET, 4, 4, "/count");	/* NON 4: CON 1 goes */
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(1, st.dedup_evict);
	assert_int_equal(4, t->calls);
	/* NON 2 is remembered (ignored again), CON 3 too (same reply) */
	th_req(&m, KCOAP_NON, KCOAP_GET, 2, 2, "/count");
	th_send(t, &m);
	th_expect_none(t);
	count_req(t, 3, &d);
	assert_int_equal(3, count_of(&d));
	assert_int_equal(4, t->calls);
	/* CON 1 is new again, and evicts NON 2, the oldest then */
	count_req(t, 1, &d);
	assert_int_equal(5, count_of(&d));
	th_req(&m, KCOAP_NON, KCOAP_GET, 2, 2, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(6, t->calls);

	/* a lower cap forgets the oldest until one more fits */
	p.dedup_max = 1;
	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	count_req(t, 9, &d);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(6, st.dedup_evict);
	count_req(t, 9, &d);
	assert_int_equal(7, t->calls);
}

static void dedup_entries_expire_after_their_kinds_lifetime(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	/* NON_LIFETIME 145 s, EXCHANGE_LIFETIME 247 s */
	th_req(&m, KCOAP_NON, KCOAP_GET, 10, 10, "/count");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	count_req(t, 11, &d);
	assert_int_equal(145000, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 144999);
	th_send(t, &m);
	th_expect_none(t);
	assert_int_equal(1, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 1);
	/* the NON is forgotten: the CON's lifetime is the next deadline */
	assert_int_equal(247000 - 145000, kcoap_ep_next_timeout(t->ep));
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(3, t->calls);
	count_req(t, 11, &d);
	assert_int_equal(2, count_of(&d));
	/* the NON just seen again is due at 145 s from now, before the CON */
	assert_int_equal(247000 - 145000, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 247000 - 145000);
	count_req(t, 11, &d);
	assert_int_equal(4, count_of(&d));
	assert_int_equal(145000 - (247000 - 145000), kcoap_ep_next_timeout(t->ep));
}

static void create_with_bad_params_fails_cleanly(void **state)
{
	struct kcoap_ep_params p = { .ack_random_factor_permille = 500 };
	struct kcoap_ep_config cfg = { .params = &p, .send = th_bad_send };
	struct kcoap_ep *ep = (struct kcoap_ep *)state;

	assert_int_equal(-EINVAL, kcoap_ep_create(&cfg, &ep));
	assert_null(ep);
}

static void deferred_con_gets_an_empty_ack_then_a_separate_con_response(void **state)
{
	struct th *t = *state;
	struct th_dgram d, again;
	struct kcoap_msg m, resp;
	uint32_t r = 500;	/* first timeout 2000 + 500 % 1001 = 2500 ms */

	th_req(&m, KCOAP_CON, KCOAP_POST, 0x4000, 0x4444, "/slow");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_ACK, d.m.type);
	assert_int_equal(KCOAP_EMPTY, d.m.code);
	assert_int_equal(0x4000, d.m.mid);
	assert_int_equal(0, d.m.tkl);
	assert_non_null(t->pending);

	/* a duplicate of the request meanwhile gets the empty ACK again */
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &again));
	assert_int_equal(KCOAP_EMPTY, again.m.code);
	assert_int_equal(1, t->calls);

	th_random(t, 1, &r);
	kcoap_msg_init(&resp, KCOAP_CON, KCOAP_CHANGED, 0);
	kcoap_msg_set_payload(&resp, "done", 4);
	assert_int_equal(0, kcoap_ep_respond(t->ep, t->pending, &resp));
	t->pending = NULL;
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_CON, d.m.type);
	assert_int_equal(KCOAP_CHANGED, d.m.code);
	assert_token(&d.m, 0x4444);
	assert_int_not_equal(0x4000, d.m.mid);
	assert_int_equal(2500, kcoap_ep_next_timeout(t->ep));

	th_advance(t, 2499);
	th_expect_none(t);
	th_advance(t, 1);
	assert_int_equal(0, th_recv(t, &again));
	assert_int_equal(d.len, again.len);
	assert_memory_equal(d.buf, again.buf, d.len);
	assert_int_equal(5000, kcoap_ep_next_timeout(t->ep));

	/* the ACK ends the retransmissions */
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	th_advance(t, 5000);
	th_expect_none(t);
}

static void deferred_non_gets_a_separate_non_response(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m, resp;
	struct th_dgram d;

	th_req(&m, KCOAP_NON, KCOAP_POST, 0x4100, 0x4141, "/slow");
	th_send(t, &m);
	th_expect_none(t);
	kcoap_msg_init(&resp, KCOAP_NON, KCOAP_CHANGED, 0);
	assert_int_equal(0, kcoap_ep_respond(t->ep, t->pending, &resp));
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_NON, d.m.type);
	assert_int_equal(KCOAP_CHANGED, d.m.code);
	assert_token(&d.m, 0x4141);
}

static void ping_gets_rst(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_EMPTY, 0x5555);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_RST, d.m.type);
	assert_int_equal(KCOAP_EMPTY, d.m.code);
	assert_int_equal(0x5555, d.m.mid);
	assert_int_equal(0, t->calls);
}

static void format_error_in_con_gets_rst_in_non_nothing(void **state)
{
	struct th *t = *state;
	/* TKL 9 is a message format error */
	const uint8_t con[] = { 0x49, 0x01, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const uint8_t non[] = { 0x59, 0x01, 0x12, 0x35, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const uint8_t v2[] = { 0x80, 0x01, 0x12, 0x36 };	/* version 2 */
	struct kcoap_ep_stats st;
	struct th_dgram d;

	th_send_raw(t, con, sizeof(con));
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_RST, d.m.type);
	assert_int_equal(0x1234, d.m.mid);
	th_send_raw(t, non, sizeof(non));
	th_send_raw(t, v2, sizeof(v2));
	th_expect_none(t);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(3, st.rx_bad);
	assert_int_equal(0, t->calls);
}

static void unrecognised_critical_option_gets_4_02_in_con_and_nothing_in_non(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	th_req(&m, KCOAP_CON, KCOAP_GET, 0x600, 0x66, "/hello");
	kcoap_msg_add_opt(&m, 9, "x", 1);	/* option 9: unassigned, critical */
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_ACK, d.m.type);
	assert_int_equal(KCOAP_BAD_OPTION, d.m.code);
	assert_token(&d.m, 0x66);

	th_req(&m, KCOAP_NON, KCOAP_GET, 0x601, 0x67, "/hello");
	kcoap_msg_add_opt(&m, 9, "x", 1);
	th_send(t, &m);
	th_expect_none(t);

	/* an unrecognised elective option is ignored */
	th_req(&m, KCOAP_CON, KCOAP_GET, 0x602, 0x68, "/hello");
	kcoap_msg_add_opt(&m, 10, "x", 1);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_CONTENT, d.m.code);
	assert_int_equal(1, t->calls);
}

static void proxy_uri_gets_5_05(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0x700);
	kcoap_msg_add_str(&m, KCOAP_OPT_PROXY_URI, "coap://example.org/x");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_PROXYING_NOT_SUPPORTED, d.m.code);
	assert_int_equal(0, t->calls);
}

static void unexpected_ack_and_rst_are_ignored(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;

	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, 0x800);
	th_send(t, &m);
	kcoap_msg_init(&m, KCOAP_RST, KCOAP_EMPTY, 0x801);
	th_send(t, &m);
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_CONTENT, 0x802);
	kcoap_msg_set_payload(&m, "x", 1);
	th_send(t, &m);
	/* a NON response nobody asked for is ignored, a CON one reset */
	kcoap_msg_init(&m, KCOAP_NON, KCOAP_CONTENT, 0x803);
	th_send(t, &m);
	th_expect_none(t);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_CONTENT, 0x804);
	th_send(t, &m);
	struct th_dgram d;

	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_RST, d.m.type);
	assert_int_equal(0x804, d.m.mid);
	assert_int_equal(0, t->calls);
	assert_int_equal(0, t->resp_calls);
}

/* ------------------------------------------------------------ client side */

static void client_con_is_retransmitted_on_schedule_then_times_out(void **state)
{
	struct th *t = *state;
	/* token (2 draws), then the first timeout: 2000 + 777 % 1001 = 2777 */
	const uint32_t r[] = { 0x11111111, 0x22222222, 777 };
	const uint64_t at[] = { 2777, 5554, 11108, 22216 };
	struct kcoap_ep_stats st;
	struct th_dgram first, d;
	struct kcoap_msg m;

	th_random(t, 3, r);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/x");
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &first));
	assert_int_equal(KCOAP_CON, first.m.type);
	assert_int_equal(8, first.m.tkl);
	assert_memory_equal("\x11\x11\x11\x11\x22\x22\x22\x22", first.m.token, 8);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(at[i], kcoap_ep_next_timeout(t->ep));
		th_advance(t, at[i] - 1);
		th_expect_none(t);
		th_advance(t, 1);
		assert_int_equal(0, th_recv(t, &d));
		assert_int_equal(first.len, d.len);
		assert_memory_equal(first.buf, d.buf, d.len);
	}
	/* after the 4th retransmission: one more doubled timeout, then failure */
	assert_int_equal(44432, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 44431);
	assert_int_equal(0, t->resp_calls);
	th_advance(t, 1);
	th_expect_none(t);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(-ETIMEDOUT, t->resp_err);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(4, st.retransmit);
	assert_int_equal(1, st.give_up);
	assert_int_equal(-1, kcoap_ep_next_timeout(t->ep));
}

static void client_parameters_can_be_overridden(void **state)
{
	struct kcoap_ep_params p = { .ack_timeout_ms = 1000, .max_retransmit = 1 };
	struct th *t = *state;
	const uint32_t r[] = { 1, 2, 1000 };	/* 1000 + 1000 % 501 = 1499 */
	struct kcoap_msg m;
	struct th_dgram d;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	th_random(t, 3, r);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_POST, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(1499, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 1499);
	assert_int_equal(0, th_recv(t, &d));
	th_advance(t, 2997);
	assert_int_equal(0, t->resp_calls);
	th_advance(t, 1);
	assert_int_equal(-ETIMEDOUT, t->resp_err);

	p.ack_random_factor_permille = 999;
	assert_int_equal(-EINVAL, kcoap_ep_set_params(t->ep, &p));
	p.ack_random_factor_permille = 0;
	p.block_size = 100;
	assert_int_equal(-EINVAL, kcoap_ep_set_params(t->ep, &p));
}

static void client_gets_a_piggybacked_response(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	/* a wrong token on the right MID acknowledges but does not answer */
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_CONTENT, d.m.mid);
	kcoap_msg_set_token(&m, "zzzzzzzz", 8);
	th_send(t, &m);
	assert_int_equal(0, t->resp_calls);
	/* the separate response with the right token answers */
	kcoap_msg_init(&m, KCOAP_NON, KCOAP_CONTENT, 0x9000);
	kcoap_msg_set_token(&m, d.m.token, d.m.tkl);
	kcoap_msg_set_payload(&m, "abc", 3);
	th_send(t, &m);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(0, t->resp_err);
	assert_int_equal(KCOAP_CONTENT, t->resp_code);

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_CONTENT, d.m.mid);
	kcoap_msg_set_token(&m, d.m.token, d.m.tkl);
	kcoap_msg_set_payload(&m, "piggy", 5);
	th_send(t, &m);
	assert_int_equal(2, t->resp_calls);
	assert_int_equal(0, t->resp_err);
	assert_int_equal(5, t->resp_len);
	assert_memory_equal("piggy", t->resp_body, 5);
	/* no retransmission after that: what is left is forgetting the NON
	 * separate response's MID after NON_LIFETIME */
	assert_int_equal(KCOAP_NON_LIFETIME_MS, kcoap_ep_next_timeout(t->ep));
}

static void client_handles_empty_ack_then_separate_con_response(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m, sep;
	struct th_dgram d, ack;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_POST, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	/* no more retransmissions: the wait is for the response now (93 s) */
	assert_int_equal(KCOAP_MAX_TRANSMIT_WAIT_MS, kcoap_ep_next_timeout(t->ep));
	th_advance(t, 30000);
	th_expect_none(t);

	kcoap_msg_init(&sep, KCOAP_CON, KCOAP_CHANGED, 0xa000);
	kcoap_msg_set_token(&sep, d.m.token, d.m.tkl);
	th_send(t, &sep);
	assert_int_equal(0, th_recv(t, &ack));
	assert_int_equal(KCOAP_ACK, ack.m.type);
	assert_int_equal(KCOAP_EMPTY, ack.m.code);
	assert_int_equal(0xa000, ack.m.mid);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(KCOAP_CHANGED, t->resp_code);
	/* its duplicate is acknowledged again, not delivered again */
	th_send(t, &sep);
	assert_int_equal(0, th_recv(t, &ack));
	assert_int_equal(KCOAP_ACK, ack.m.type);
	assert_int_equal(1, t->resp_calls);
}

static void client_request_answered_by_rst_fails_with_econnreset(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	kcoap_msg_init(&m, KCOAP_RST, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(-ECONNRESET, t->resp_err);
}

static void client_rejects_a_response_with_an_unrecognised_critical_option(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d, rst;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	/* the separate response carries option 9: rejected with RST */
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_CONTENT, 0xb000);
	kcoap_msg_set_token(&m, d.m.token, d.m.tkl);
	kcoap_msg_add_opt(&m, 9, "?", 1);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &rst));
	assert_int_equal(KCOAP_RST, rst.m.type);
	assert_int_equal(0xb000, rst.m.mid);
	assert_int_equal(1, t->resp_calls);
	assert_int_equal(-EPROTO, t->resp_err);
}

static void client_tokens_are_unique_and_mids_sequential(void **state)
{
	struct th *t = *state;
	/* the same token drawn twice: the second request draws again */
	const uint32_t r[] = { 5, 6, 0, 5, 6, 7, 8, 0 };
	struct kcoap_ep_call *c1, *c2;
	struct th_dgram a, b;
	struct kcoap_msg m;

	th_random(t, 8, r);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, &c1));
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, &c2));
	assert_int_equal(0, th_recv(t, &a));
	assert_int_equal(0, th_recv(t, &b));
	assert_memory_not_equal(a.m.token, b.m.token, 8);
	assert_int_equal((uint16_t)(a.m.mid + 1), b.m.mid);
	kcoap_ep_request_cancel(t->ep, c1);
	kcoap_ep_request_cancel(t->ep, c2);
	th_advance(t, 100000);
	th_expect_none(t);
	assert_int_equal(0, t->resp_calls);

	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_GET, 0);
	assert_int_equal(-EINVAL, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
}

static void client_non_request_times_out_without_retransmission(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	kcoap_msg_init(&m, KCOAP_NON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_ep_request(t->ep, &t->peer_addr, &m, th_response, t, NULL));
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_NON, d.m.type);
	th_advance(t, KCOAP_MAX_TRANSMIT_WAIT_MS - 1);
	th_expect_none(t);
	assert_int_equal(0, t->resp_calls);
	th_advance(t, 1);
	assert_int_equal(-ETIMEDOUT, t->resp_err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, th_cm_setup, th_cm_teardown)
		T(con_get_is_answered_piggybacked_on_its_ack),
		T(non_request_gets_a_non_response_with_its_token),
		T(duplicate_con_gets_the_same_bytes_and_reaches_the_handler_once),
		T(duplicate_non_is_ignored),
		T(dedup_cache_is_capped_and_forgets_the_oldest),
		T(dedup_finds_duplicates_among_a_full_cache_of_colliding_ids),
		T(dedup_same_mid_from_another_peer_is_a_new_message),
		T(dedup_evicts_the_oldest_of_either_kind),
		T(dedup_entries_expire_after_their_kinds_lifetime),
		T(create_with_bad_params_fails_cleanly),
		T(deferred_con_gets_an_empty_ack_then_a_separate_con_response),
		T(deferred_non_gets_a_separate_non_response),
		T(ping_gets_rst),
		T(format_error_in_con_gets_rst_in_non_nothing),
		T(unrecognised_critical_option_gets_4_02_in_con_and_nothing_in_non),
		T(proxy_uri_gets_5_05),
		T(unexpected_ack_and_rst_are_ignored),
		T(client_con_is_retransmitted_on_schedule_then_times_out),
		T(client_parameters_can_be_overridden),
		T(client_gets_a_piggybacked_response),
		T(client_handles_empty_ack_then_separate_con_response),
		T(client_request_answered_by_rst_fails_with_econnreset),
		T(client_rejects_a_response_with_an_unrecognised_critical_option),
		T(client_tokens_are_unique_and_mids_sequential),
		T(client_non_request_times_out_without_retransmission),
#undef T
	};

	return cmocka_run_group_tests_name("coap endpoint", tests, NULL, NULL);
}
