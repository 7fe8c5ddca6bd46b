// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the CoAP endpoint's block-wise transfers (RFC 7959): Block2
 * served from one kept representation (Size2, ETag, the client's size, expiry
 * and regeneration), Block1 reassembled and delivered once (2.31 per block,
 * 4.08 for a missing or out-of-order block, 4.13 with Size1 past the
 * maximum), and the client side following Block2 and sending Block1 against
 * a second endpoint.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_coap_ep_util.h"

/* GET /big asking for block @num of 16 << @szx bytes; the answer in @d. */
static void get_block(struct th *t, uint16_t mid, uint32_t num, uint8_t szx, struct th_dgram *d)
{
	struct kcoap_block b = { .num = num, .szx = szx };
	struct kcoap_msg m;

	th_req(&m, KCOAP_CON, KCOAP_GET, mid, mid, "/big");
	assert_int_equal(0, kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK2, &b));
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, d));
	assert_int_equal(0, d->rc);
	assert_int_equal(KCOAP_ACK, d->m.type);
}

static void assert_etag(const struct kcoap_msg *m, const uint8_t *etag, size_t len)
{
	const struct kcoap_opt *o = kcoap_opt_first(m, KCOAP_OPT_ETAG);

	assert_non_null(o);
	assert_int_equal(len, o->len);
	assert_memory_equal(etag, kcoap_opt_val(o), len);
}

static void block2_get_is_served_in_the_clients_block_size_from_one_representation(void **state)
{
	struct th *t = *state;
	uint8_t got[1000], etag[8];
	struct kcoap_block b;
	struct th_dgram d;
	size_t etag_len, off = 0;
	uint32_t size2;

	th_big(t, 1000, 1);
	for (uint32_t num = 0;; num++) {
		get_block(t, (uint16_t)(0x100 + num), num, 2, &d);	/* 64-byte blocks */
		assert_int_equal(KCOAP_CONTENT, d.m.code);
		assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK2, &b));
		assert_int_equal(num, b.num);
		assert_int_equal(2, b.szx);
		if (num == 0) {
			const struct kcoap_opt *o = kcoap_opt_first(&d.m, KCOAP_OPT_ETAG);

			assert_int_equal(0, kcoap_msg_get_uint(&d.m, KCOAP_OPT_SIZE2, &size2));
			assert_int_equal(1000, size2);
			assert_non_null(o);
			etag_len = o->len;
			memcpy(etag, kcoap_opt_val(o), etag_len);
			/* the representation changes: the transfer must not see it */
			th_big(t, 1000, 2);
		} else {
			assert_int_equal(-ENOENT, kcoap_msg_get_uint(&d.m, KCOAP_OPT_SIZE2, &size2));
			assert_etag(&d.m, etag, etag_len);
		}
		assert_true(off + d.m.payload_len <= sizeof(got));
		memcpy(got + off, d.m.payload, d.m.payload_len);
		off += d.m.payload_len;
		if (!b.more)
			break;
		assert_int_equal(64, d.m.payload_len);
	}
	assert_int_equal(1000, off);
	th_big(t, 1000, 1);
	assert_memory_equal(t->big, got, 1000);
	assert_int_equal(1, t->calls);
}

static void large_response_without_block2_goes_out_in_default_blocks(void **state)
{
	struct kcoap_ep_params p = { .block_size = 256 };
	struct th *t = *state;
	struct kcoap_block b;
	struct kcoap_msg m;
	struct th_dgram d;
	uint32_t size2;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	th_big(t, 600, 3);
	th_req(&m, KCOAP_CON, KCOAP_GET, 0x200, 0x200, "/big");
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(0, b.num);
	assert_true(b.more);
	assert_int_equal(4, b.szx);
	assert_int_equal(256, d.m.payload_len);
	assert_int_equal(0, kcoap_msg_get_uint(&d.m, KCOAP_OPT_SIZE2, &size2));
	assert_int_equal(600, size2);
	/* a client asking for 1024-byte blocks gets 256-byte ones, at the
	 * offset it asked for: its block 0 is our 0 (RFC 7959 2.4) */
	get_block(t, 0x201, 2, 4, &d);
	assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(2, b.num);
	assert_false(b.more);
	assert_int_equal(600 - 512, d.m.payload_len);
	assert_memory_equal(t->big + 512, d.m.payload, 600 - 512);
	/* a small response to a Block2 request says it is the only block */
	get_block(t, 0x202, 0, 6, &d);
	th_big(t, 10, 3);
	get_block(t, 0x203, 0, 6, &d);
	assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK2, &b));
	assert_false(b.more);
	assert_int_equal(10, d.m.payload_len);
	/* past the end of it: 4.02 */
	get_block(t, 0x204, 5, 2, &d);
	assert_int_equal(KCOAP_BAD_OPTION, d.m.code);
}

static void kept_representation_expires_and_is_regenerated_with_a_new_etag(void **state)
{
	struct th *t = *state;
	uint8_t etag[8];
	struct th_dgram d;
	size_t etag_len;

	th_big(t, 300, 4);
	get_block(t, 0x300, 0, 1, &d);
	etag_len = kcoap_opt_first(&d.m, KCOAP_OPT_ETAG)->len;
	memcpy(etag, kcoap_opt_val(kcoap_opt_first(&d.m, KCOAP_OPT_ETAG)), etag_len);
	th_big(t, 300, 5);
	th_advance(t, KCOAP_EXCHANGE_LIFETIME_MS);
	get_block(t, 0x301, 1, 1, &d);
	assert_int_equal(2, t->calls);
	assert_memory_equal(t->big + 32, d.m.payload, 32);
	assert_memory_not_equal(etag, kcoap_opt_val(kcoap_opt_first(&d.m, KCOAP_OPT_ETAG)),
				etag_len);
}

/* PUT /upload block @num of @size bytes (M=@more) from @src. */
static void put_block(struct th *t, uint16_t mid, uint32_t num, bool more, uint8_t szx,
		      const uint8_t *src, size_t len, struct th_dgram *d)
{
	struct kcoap_block b = { .num = num, .more = more, .szx = szx };
	struct kcoap_msg m;

	th_req(&m, KCOAP_CON, KCOAP_PUT, mid, mid, "/upload");
	assert_int_equal(0, kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, &b));
	kcoap_msg_set_payload(&m, src, len);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, d));
	assert_int_equal(0, d->rc);
}

static void block1_put_is_reassembled_and_delivered_once(void **state)
{
	struct th *t = *state;
	struct kcoap_block b;
	struct th_dgram d;
	uint8_t src[200];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 13);
	for (uint32_t num = 0; num < 7; num++) {
		bool more = num < 6;

		put_block(t, (uint16_t)(0x400 + num), num, more, 1, src + num * 32,
			  more ? 32 : 200 - 192, &d);
		assert_int_equal(more ? KCOAP_CONTINUE : KCOAP_CHANGED, d.m.code);
		assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK1, &b));
		assert_int_equal(num, b.num);
		assert_int_equal(more, b.more);
		assert_int_equal(1, b.szx);
		assert_int_equal(more ? 0 : 1, t->calls);
	}
	assert_int_equal(200, t->body_len);
	assert_memory_equal(src, t->body, 200);
	/* the last block again (a duplicate MID) is not delivered again */
	put_block(t, 0x406, 6, false, 1, src + 192, 8, &d);
	assert_int_equal(KCOAP_CHANGED, d.m.code);
	assert_int_equal(1, t->calls);
}

static void block1_missing_or_out_of_order_block_gets_4_08(void **state)
{
	struct th *t = *state;
	struct th_dgram d;
	uint8_t src[64] = { 0 };

	/* no block 0 first */
	put_block(t, 0x500, 1, true, 1, src, 32, &d);
	assert_int_equal(KCOAP_REQUEST_ENTITY_INCOMPLETE, d.m.code);
	/* a block skipped */
	put_block(t, 0x501, 0, true, 1, src, 32, &d);
	assert_int_equal(KCOAP_CONTINUE, d.m.code);
	put_block(t, 0x502, 2, true, 1, src, 32, &d);
	assert_int_equal(KCOAP_REQUEST_ENTITY_INCOMPLETE, d.m.code);
	/* and the transfer is gone: block 1 now is incomplete too */
	put_block(t, 0x503, 1, false, 1, src, 32, &d);
	assert_int_equal(KCOAP_REQUEST_ENTITY_INCOMPLETE, d.m.code);
	/* a block that is not the last must be the block size */
	put_block(t, 0x504, 0, true, 1, src, 31, &d);
	assert_int_equal(KCOAP_BAD_REQUEST, d.m.code);
	assert_int_equal(0, t->calls);
}

static void block1_past_the_maximum_gets_4_13_with_size1(void **state)
{
	struct kcoap_ep_params p = { .block1_max = 100 };
	struct th *t = *state;
	struct kcoap_block b = { .num = 0, .more = true, .szx = 2 };
	struct kcoap_msg m;
	struct th_dgram d;
	uint8_t src[64] = { 0 };
	uint32_t size1;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	put_block(t, 0x600, 0, true, 2, src, 64, &d);
	assert_int_equal(KCOAP_CONTINUE, d.m.code);
	put_block(t, 0x601, 1, true, 2, src, 64, &d);
	assert_int_equal(KCOAP_REQUEST_ENTITY_TOO_LARGE, d.m.code);
	assert_int_equal(0, kcoap_msg_get_uint(&d.m, KCOAP_OPT_SIZE1, &size1));
	assert_int_equal(100, size1);

	/* announced with Size1 on the first block: refused at once */
	th_req(&m, KCOAP_CON, KCOAP_PUT, 0x602, 0x602, "/upload");
	kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, &b);
	kcoap_msg_add_uint(&m, KCOAP_OPT_SIZE1, 5000);
	kcoap_msg_set_payload(&m, src, 64);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_REQUEST_ENTITY_TOO_LARGE, d.m.code);
	assert_int_equal(0, kcoap_msg_get_uint(&d.m, KCOAP_OPT_SIZE1, &size1));
	assert_int_equal(100, size1);
	assert_int_equal(0, t->calls);
}

static void block1_request_whose_identity_is_too_long_to_track_gets_4_13(void **state)
{
	struct th *t = *state;
	struct kcoap_block b = { .num = 0, .more = true, .szx = 1 };
	char query[152];
	struct kcoap_msg m;
	struct th_dgram d;
	uint8_t src[32] = { 0 };

	memset(query, 'q', sizeof(query) - 1);
	query[sizeof(query) - 1] = '\0';
	th_req(&m, KCOAP_CON, KCOAP_PUT, 0x650, 0x650, "/upload");
	/* identity: code 1 + "upload" 3+6 + 2 x (3+151) = 318 bytes, then one
	 * more option that no longer fits in KCOAP_EP_KEY_MAX (320) */
	kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, query);
	kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, query);
	kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "x");
	kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK1, &b);
	kcoap_msg_set_payload(&m, src, sizeof(src));
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_REQUEST_ENTITY_TOO_LARGE, d.m.code);
	assert_int_equal(0, t->calls);
}

static void block1_larger_than_preferred_is_answered_with_the_smaller_size(void **state)
{
	struct kcoap_ep_params p = { .block_size = 128 };
	struct th *t = *state;
	struct kcoap_block b;
	struct th_dgram d;
	uint8_t src[600];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 5 + 1);
	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	put_block(t, 0x700, 0, true, 4, src, 256, &d);	/* 256-byte blocks */
	assert_int_equal(KCOAP_CONTINUE, d.m.code);
	assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK1, &b));
	assert_int_equal(3, b.szx);
	/* the client goes on at 128 bytes from offset 256: block 2 */
	put_block(t, 0x701, 2, true, 3, src + 256, 128, &d);
	assert_int_equal(KCOAP_CONTINUE, d.m.code);
	put_block(t, 0x702, 3, false, 3, src + 384, 600 - 384, &d);
	assert_int_equal(KCOAP_BAD_REQUEST, d.m.code);	/* 216 > 128: not a block */
	put_block(t, 0x703, 0, true, 3, src, 128, &d);
	put_block(t, 0x704, 1, false, 3, src + 128, 100, &d);
	assert_int_equal(KCOAP_CHANGED, d.m.code);
	assert_int_equal(228, t->body_len);
	assert_memory_equal(src, t->body, 228);
}

/* ------------------------------------------------------------ client side */

static void pump(struct th *a, struct th *b, unsigned int *guard)
{
	struct pollfd pfd[2] = {
		{ .fd = kcoap_ep_fd(a->ep), .events = POLLIN },
		{ .fd = kcoap_ep_fd(b->ep), .events = POLLIN },
	};

	assert_true(poll(pfd, 2, 1000) > 0);
	if (pfd[0].revents)
		kcoap_ep_input(a->ep);
	if (pfd[1].revents)
		kcoap_ep_input(b->ep);
	assert_true(++*guard < 1000);
}

static void client_follows_block2_to_the_whole_representation(void **state)
{
	struct th *srv = *state, cli;
	struct kcoap_msg m;
	unsigned int guard = 0;

	th_setup(&cli, NULL);
	th_big(srv, 3000, 6);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/big");
	assert_int_equal(0, kcoap_ep_request(cli.ep, &srv->ep_addr, &m, th_response, &cli, NULL));
	while (!cli.resp_calls)
		pump(&cli, srv, &guard);
	assert_int_equal(0, cli.resp_err);
	assert_int_equal(KCOAP_CONTENT, cli.resp_code);
	assert_int_equal(3000, cli.resp_len);
	assert_memory_equal(srv->big, cli.resp_body, 3000);
	assert_int_equal(1, srv->calls);

	/* a body larger than block1_max is refused with -EFBIG */
	struct kcoap_ep_params p = { .block1_max = 2000 };

	assert_int_equal(0, kcoap_ep_set_params(cli.ep, &p));
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 0);
	kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/big");
	assert_int_equal(0, kcoap_ep_request(cli.ep, &srv->ep_addr, &m, th_response, &cli, NULL));
	while (cli.resp_calls < 2)
		pump(&cli, srv, &guard);
	assert_int_equal(-EFBIG, cli.resp_err);
	th_teardown(&cli);
}

static void client_sends_block1_at_the_servers_smaller_block_size(void **state)
{
	struct th *cli = *state, srv;
	struct kcoap_ep_params sp = { .block_size = 128 };
	struct kcoap_ep_stats st;
	unsigned int guard = 0;
	struct kcoap_msg m;

	th_setup(&srv, &sp);
	th_big(cli, 5000, 8);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 0);
	kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/upload");
	kcoap_msg_set_payload(&m, cli->big, cli->big_len);
	assert_int_equal(0, kcoap_ep_request(cli->ep, &srv.ep_addr, &m, th_response, cli, NULL));
	while (!cli->resp_calls)
		pump(cli, &srv, &guard);
	assert_int_equal(0, cli->resp_err);
	assert_int_equal(KCOAP_CHANGED, cli->resp_code);
	assert_int_equal(1, srv.calls);
	assert_int_equal(5000, srv.body_len);
	assert_memory_equal(cli->big, srv.body, 5000);
	/* block 0 of 1024 bytes, then 3976 bytes in 32 blocks of 128 */
	kcoap_ep_get_stats(cli->ep, &st);
	assert_int_equal(33, st.tx);
	th_teardown(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, th_cm_setup, th_cm_teardown)
		T(block2_get_is_served_in_the_clients_block_size_from_one_representation),
		T(large_response_without_block2_goes_out_in_default_blocks),
		T(kept_representation_expires_and_is_regenerated_with_a_new_etag),
		T(block1_put_is_reassembled_and_delivered_once),
		T(block1_missing_or_out_of_order_block_gets_4_08),
		T(block1_past_the_maximum_gets_4_13_with_size1),
		T(block1_request_whose_identity_is_too_long_to_track_gets_4_13),
		T(block1_larger_than_preferred_is_answered_with_the_smaller_size),
		T(client_follows_block2_to_the_whole_representation),
		T(client_sends_block1_at_the_servers_smaller_block_size),
#undef T
	};

	return cmocka_run_group_tests_name("coap endpoint block-wise", tests, NULL, NULL);
}
