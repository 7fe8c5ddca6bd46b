// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the CoAP endpoint's batched socket I/O (endpoint.c:
 * recvmmsg() in, the replies of a batch out through one sendmmsg()).
 * Datagrams are queued on the endpoint's real UDP socket (127.0.0.1) before
 * it runs, then one kcoap_ep_input() call must take them all: answered in
 * order, each once, a large one in any slot whole, an oversize one counted
 * bad as before, a burst past the batch size and past the per-call bound
 * (256) fully handled, and a failed send in the middle of a batch counted
 * without losing the others. White-box where memory is concerned: the
 * buffers' pages are resident only where datagrams landed (mincore()).
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ep_internal.h"
#include "test_coap_ep_util.h"

/* Peer -> endpoint without running the endpoint. */
static void queue_raw(struct th *t, const void *buf, size_t len)
{
	assert_int_equal((ssize_t)len, sendto(t->peer, buf, len, 0,
					      (struct sockaddr *)&t->ep_addr.ss, t->ep_addr.len));
}

static void queue_msg(struct th *t, const struct kcoap_msg *m)
{
	uint8_t buf[KCOAP_EP_RXBUF];
	int len = kcoap_build(m, buf, sizeof(buf));

	assert_true(len > 0);
	queue_raw(t, buf, (size_t)len);
}

/* A request with Message ID and token @mid, queued. */
static void queue_req(struct th *t, uint8_t type, uint8_t code, uint16_t mid, const char *path)
{
	struct kcoap_msg m;

	th_req(&m, type, code, mid, mid, path);
	queue_msg(t, &m);
}

/* Loopback delivers in sendto(), softirq permitting: let it settle. */
static void settle(struct th *t)
{
	struct pollfd pfd = { .fd = kcoap_ep_fd(t->ep), .events = POLLIN };
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	assert_int_equal(1, poll(&pfd, 1, 1000));
	nanosleep(&ts, NULL);
}

static void assert_token(const struct kcoap_msg *m, uint16_t tok)
{
	assert_int_equal(2, m->tkl);
	assert_int_equal(tok >> 8, m->token[0]);
	assert_int_equal(tok & 0xff, m->token[1]);
}

/* The next reply: a piggybacked ACK of @mid with @code (and @payload). */
static void expect_ack(struct th *t, uint16_t mid, uint8_t code, const char *payload)
{
	struct th_dgram d;

	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(0, d.rc);
	assert_int_equal(KCOAP_ACK, d.m.type);
	assert_int_equal(mid, d.m.mid);
	assert_int_equal(code, d.m.code);
	assert_token(&d.m, mid);
	if (payload) {
		assert_int_equal(strlen(payload), d.m.payload_len);
		assert_memory_equal(payload, d.m.payload, d.m.payload_len);
	}
}

static void grow_rcvbuf(int fd)
{
	int want = 1 << 20, got = 0;
	socklen_t len = sizeof(got);

	assert_int_equal(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)));
	assert_int_equal(0, getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len));
	if (got < 512 * 1024)
		fail_msg("SO_RCVBUF is %d (net.core.rmem_max too low for a 300-datagram burst)", got);
}

static void queued_requests_are_all_answered_in_order_once(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_stats st;
	char text[8];

	for (uint16_t i = 1; i <= 5; i++) {
		queue_req(t, KCOAP_CON, KCOAP_GET, i, "/count");
	}
	settle(t);
	assert_int_equal(5, kcoap_ep_input(t->ep));
	for (uint16_t i = 1; i <= 5; i++) {
		snprintf(text, sizeof(text), "%u", i);
		expect_ack(t, i, KCOAP_CONTENT, text);
	}
	th_expect_none(t);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(5, st.rx);
	assert_int_equal(5, st.tx);
	assert_int_equal(0, st.tx_err);
	assert_int_equal(0, st.rx_bad);
	/* nothing left: the next call finds the socket empty */
	assert_int_equal(0, kcoap_ep_input(t->ep));
}

static void large_datagram_in_a_later_slot_arrives_whole(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_stats st;
	struct kcoap_msg m;
	static uint8_t junk[KCOAP_EP_RXBUF + 808];

	th_big(t, 5000, 3);
	queue_req(t, KCOAP_CON, KCOAP_GET, 10, "/hello");
	th_req(&m, KCOAP_CON, KCOAP_PUT, 11, 11, "/upload");
	kcoap_msg_set_payload(&m, t->big, t->big_len);
	queue_msg(t, &m);
	/* past the 8192-byte buffer: dropped as truncated, as always */
	th_req(&m, KCOAP_CON, KCOAP_PUT, 12, 12, "/upload");
	int hl = kcoap_build(&m, junk, sizeof(junk));

	assert_true(hl > 0);
	memset(junk + hl, 'x', sizeof(junk) - (size_t)hl);
	junk[hl] = 0xff;	/* payload marker */
	queue_raw(t, junk, sizeof(junk));
	queue_req(t, KCOAP_CON, KCOAP_GET, 13, "/hello");
	settle(t);

	assert_int_equal(4, kcoap_ep_input(t->ep));
	expect_ack(t, 10, KCOAP_CONTENT, "world");
	expect_ack(t, 11, KCOAP_CHANGED, NULL);
	expect_ack(t, 13, KCOAP_CONTENT, "world");
	th_expect_none(t);
	assert_int_equal(5000, t->body_len);
	assert_memory_equal(t->big, t->body, 5000);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(4, st.rx);
	assert_int_equal(1, st.rx_bad);
	assert_int_equal(3, st.tx);
}

/* NON GET /count with token @i; its reply carries token @i and "@i". */
static void expect_non_count(struct th *t, uint16_t i)
{
	struct th_dgram d;
	char text[8];

	snprintf(text, sizeof(text), "%u", i);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(0, d.rc);
	assert_int_equal(KCOAP_NON, d.m.type);
	assert_int_equal(KCOAP_CONTENT, d.m.code);
	assert_token(&d.m, i);
	assert_int_equal(strlen(text), d.m.payload_len);
	assert_memory_equal(text, d.m.payload, d.m.payload_len);
}

static void burst_past_the_batch_and_the_bound_is_fully_handled(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_stats st;
	const uint16_t n = 300;

	grow_rcvbuf(kcoap_ep_fd(t->ep));
	grow_rcvbuf(t->peer);
	for (uint16_t i = 1; i <= n; i++) {
		queue_req(t, KCOAP_NON, KCOAP_GET, i, "/count");
	}
	settle(t);
	/* at most 256 per call; the rest stays queued for the next turn */
	assert_int_equal(256, kcoap_ep_input(t->ep));
	for (uint16_t i = 1; i <= 256; i++)
		expect_non_count(t, i);
	th_expect_none(t);
	assert_int_equal(n - 256, kcoap_ep_input(t->ep));
	for (uint16_t i = 257; i <= n; i++)
		expect_non_count(t, i);
	th_expect_none(t);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(n, st.rx);
	assert_int_equal(n, st.tx);
	assert_int_equal(0, st.tx_err);
	assert_int_equal(n, t->calls);
}

/* /bcast: a request of our own to 255.255.255.255 (the socket may not
 * broadcast: that send fails) from inside the batch; and a nested
 * kcoap_ep_input() is refused. Everything else: th_handler. */
static int bcast_handler(void *arg, struct kcoap_ep *ep, const struct kcoap_ep_request *req,
			 struct kcoap_msg *resp)
{
	char path[64];

	assert_true(kcoap_msg_path(req->msg, KCOAP_OPT_URI_PATH, path, sizeof(path)) > 0);
	if (strcmp(path, "/bcast"))
		return th_handler(arg, ep, req, resp);
	struct kcoap_addr bc;
	struct kcoap_msg m;

	assert_int_equal(-EBUSY, kcoap_ep_input(ep));
	assert_int_equal(0, kcoap_addr_parse(&bc, "255.255.255.255", 5683));
	kcoap_msg_init(&m, KCOAP_NON, KCOAP_GET, 0);
	assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/x"));
	assert_int_equal(0, kcoap_ep_request(ep, &bc, &m, th_response, arg, NULL));
	resp->code = KCOAP_CHANGED;
	return 0;
}

static void failed_send_inside_a_batch_is_counted_and_the_rest_go(void **state)
{
	struct th *t = *state;
	struct kcoap_ep_stats st;

	t->ep->cfg.on_request = bcast_handler;
	queue_req(t, KCOAP_CON, KCOAP_GET, 20, "/hello");
	queue_req(t, KCOAP_CON, KCOAP_POST, 21, "/bcast");
	queue_req(t, KCOAP_CON, KCOAP_GET, 22, "/hello");
	settle(t);

	/* queued: the reply to 20, the broadcast, the replies to 21 and 22 */
	assert_int_equal(3, kcoap_ep_input(t->ep));
	expect_ack(t, 20, KCOAP_CONTENT, "world");
	expect_ack(t, 21, KCOAP_CHANGED, NULL);
	expect_ack(t, 22, KCOAP_CONTENT, "world");
	th_expect_none(t);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(3, st.tx);
	assert_int_equal(1, st.tx_err);
}

static unsigned int resident(const struct kcoap_ep *ep, unsigned char *vec, size_t pages)
{
	unsigned int n = 0;

	assert_int_equal(0, mincore(ep->io.rx, ep->io.map_len, vec));
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

static void buffers_cost_memory_only_where_datagrams_land(void **state)
{
	struct th *t = *state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (t->ep->io.map_len + page - 1) / page;
	size_t tx0 = (size_t)((uint8_t *)t->ep->io.tx - (uint8_t *)t->ep->io.rx) / page;
	unsigned char *vec = calloc(pages, 1);
	struct kcoap_msg m;

	assert_non_null(vec);
	assert_int_equal(0, resident(t->ep, vec, pages));
	/* one request at a time: rx[0] and tx[0], one page each */
	for (uint16_t i = 1; i <= 10; i++) {
		th_req(&m, KCOAP_CON, KCOAP_GET, i, i, "/hello");
		th_send(t, &m);
		expect_ack(t, i, KCOAP_CONTENT, "world");
	}
	assert_int_equal(2, resident(t->ep, vec, pages));
	assert_true(vec[0] & 1);
	assert_true(vec[tx0] & 1);
	/* a burst of KCOAP_EP_BATCH lands in every slot */
	for (uint16_t i = 1; i <= KCOAP_EP_BATCH; i++) {
		queue_req(t, KCOAP_CON, KCOAP_GET, 100 + i, "/hello");
	}
	settle(t);
	assert_int_equal(KCOAP_EP_BATCH, kcoap_ep_input(t->ep));
	for (uint16_t i = 1; i <= KCOAP_EP_BATCH; i++)
		expect_ack(t, 100 + i, KCOAP_CONTENT, "world");
	resident(t->ep, vec, pages);
	for (size_t i = 0; i < KCOAP_EP_BATCH; i++)
		assert_true(vec[i * KCOAP_EP_RXBUF / page] & 1);
	free(vec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, th_cm_setup, th_cm_teardown)
		T(queued_requests_are_all_answered_in_order_once),
		T(large_datagram_in_a_later_slot_arrives_whole),
		T(burst_past_the_batch_and_the_bound_is_fully_handled),
		T(failed_send_inside_a_batch_is_counted_and_the_rest_go),
		T(buffers_cost_memory_only_where_datagrams_land),
#undef T
	};

	return cmocka_run_group_tests_name("coap endpoint batched I/O", tests, NULL, NULL);
}
