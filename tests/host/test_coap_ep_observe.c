// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the CoAP endpoint's Observe server side (RFC 7641):
 * registration, notifications with increasing numbers, NON by default and CON
 * when due, the end of an observer by RST, by a GET with Observe 1, by a CON
 * notification never acknowledged, by a re-registration, by a final
 * notification; a new notification replacing an unacknowledged CON one; a
 * large notification served block-wise.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_coap_ep_util.h"

/* GET /obs with Observe @obs on token @tok; the answer in @d. */
static void observe_get(struct th *t, uint16_t mid, uint16_t tok, uint32_t obs, struct th_dgram *d)
{
	struct kcoap_msg m;

	th_req(&m, KCOAP_CON, KCOAP_GET, mid, tok, "/obs");
	assert_int_equal(0, kcoap_msg_add_observe(&m, obs));
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, d));
	assert_int_equal(0, d->rc);
	assert_int_equal(KCOAP_ACK, d->m.type);
	assert_int_equal(KCOAP_CONTENT, d->m.code);
}

/* Notify th->obs with "n<i>"; the notification in @d. */
static void notify(struct th *t, unsigned int i, bool con, struct th_dgram *d)
{
	static char text[16];
	struct kcoap_msg n;

	snprintf(text, sizeof(text), "n%u", i);
	kcoap_msg_init(&n, KCOAP_NON, KCOAP_CONTENT, 0);
	kcoap_msg_set_payload(&n, text, strlen(text));
	assert_int_equal(0, kcoap_ep_notify(t->ep, t->obs, &n, con));
	assert_int_equal(0, th_recv(t, d));
	assert_int_equal(0, d->rc);
	assert_int_equal(strlen(text), d->m.payload_len);
	assert_memory_equal(text, d->m.payload, d->m.payload_len);
}

static uint32_t observe_of(const struct kcoap_msg *m)
{
	uint32_t v;

	assert_int_equal(0, kcoap_msg_get_observe(m, &v));
	return v;
}

static void registration_then_non_notifications_with_increasing_numbers(void **state)
{
	struct th *t = *state;
	struct th_dgram d;
	uint32_t last;

	observe_get(t, 0x100, 0xabcd, 0, &d);
	assert_non_null(t->obs);
	last = observe_of(&d.m);
	for (unsigned int i = 1; i <= 5; i++) {
		notify(t, i, false, &d);
		assert_int_equal(KCOAP_NON, d.m.type);
		assert_int_equal(KCOAP_CONTENT, d.m.code);
		assert_int_equal(2, d.m.tkl);
		assert_int_equal(0xab, d.m.token[0]);
		assert_true(kcoap_observe_newer(last, observe_of(&d.m)));
		last = observe_of(&d.m);
	}
	assert_int_equal(0, t->obs_ends);
}

static void rst_to_a_non_notification_ends_the_observer(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	observe_get(t, 0x200, 0x2222, 0, &d);
	notify(t, 1, false, &d);
	kcoap_msg_init(&m, KCOAP_RST, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(KCOAP_OBS_END_RESET, t->obs_end_reason);
	assert_null(t->obs);
}

static void rst_to_a_con_notification_ends_the_observer(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	observe_get(t, 0x250, 0x2525, 0, &d);
	notify(t, 1, true, &d);
	assert_int_equal(KCOAP_CON, d.m.type);
	kcoap_msg_init(&m, KCOAP_RST, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(KCOAP_OBS_END_RESET, t->obs_end_reason);
	/* and its retransmissions stopped */
	assert_int_equal(KCOAP_EXCHANGE_LIFETIME_MS, kcoap_ep_next_timeout(t->ep));
}

static void get_with_observe_1_ends_the_observer_and_is_answered_plainly(void **state)
{
	struct th *t = *state;
	struct th_dgram d;
	uint32_t v;

	observe_get(t, 0x300, 0x3333, 0, &d);
	/* another token deregisters nothing */
	observe_get(t, 0x301, 0x3334, 1, &d);
	assert_int_equal(0, t->obs_ends);
	observe_get(t, 0x302, 0x3333, 1, &d);
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(KCOAP_OBS_END_DEREGISTER, t->obs_end_reason);
	assert_int_equal(-ENOENT, kcoap_msg_get_observe(&d.m, &v));
	assert_int_equal(3, t->calls);
}

static void con_notification_never_acknowledged_ends_the_observer(void **state)
{
	struct th *t = *state;
	const uint32_t r = 0;	/* first timeout: exactly 2000 ms */
	struct th_dgram d, again;
	uint64_t wait = 2000;

	observe_get(t, 0x400, 0x4444, 0, &d);
	th_random(t, 1, &r);
	notify(t, 1, true, &d);
	assert_int_equal(KCOAP_CON, d.m.type);
	for (unsigned int i = 0; i < 4; i++) {
		th_advance(t, wait);
		assert_int_equal(0, th_recv(t, &again));
		assert_memory_equal(d.buf, again.buf, d.len);
		wait *= 2;
	}
	th_advance(t, wait - 1);
	assert_int_equal(0, t->obs_ends);
	th_advance(t, 1);
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(KCOAP_OBS_END_TIMEOUT, t->obs_end_reason);
	assert_null(t->obs);
}

static void acknowledged_con_notification_keeps_the_observer(void **state)
{
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	observe_get(t, 0x450, 0x4545, 0, &d);
	notify(t, 1, true, &d);
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, d.m.mid);
	th_send(t, &m);
	th_advance(t, 100000);
	th_expect_none(t);
	assert_int_equal(0, t->obs_ends);
	notify(t, 2, false, &d);
	assert_int_equal(KCOAP_NON, d.m.type);
}

static void new_notification_replaces_an_unacknowledged_con_one(void **state)
{
	struct th *t = *state;
	const uint32_t r = 0;
	struct th_dgram first, d;
	struct kcoap_msg m;

	observe_get(t, 0x500, 0x5555, 0, &first);
	th_random(t, 1, &r);
	notify(t, 1, true, &first);
	th_advance(t, 2000);			/* retransmission 1 */
	assert_int_equal(0, th_recv(t, &d));
	th_advance(t, 4000);			/* retransmission 2 */
	assert_int_equal(0, th_recv(t, &d));
	/* asked as NON, but one CON is in flight: the new one takes its place
	 * as CON, with the old counter (2) and timeout (8000 ms) */
	notify(t, 2, false, &d);
	assert_int_equal(KCOAP_CON, d.m.type);
	assert_int_not_equal(first.m.mid, d.m.mid);
	assert_int_equal(8000, kcoap_ep_next_timeout(t->ep));
	/* the old MID is not acknowledged any more: its ACK changes nothing */
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, first.m.mid);
	th_send(t, &m);
	th_advance(t, 8000);			/* retransmission 3, of the new one */
	struct th_dgram r3;

	assert_int_equal(0, th_recv(t, &r3));
	assert_memory_equal(d.buf, r3.buf, d.len);
	th_advance(t, 16000);			/* retransmission 4 */
	assert_int_equal(0, th_recv(t, &r3));
	th_advance(t, 32000);			/* gone: 62 s after the first, as alone */
	assert_int_equal(KCOAP_OBS_END_TIMEOUT, t->obs_end_reason);
}

static void every_nth_and_a_day_old_notification_is_con(void **state)
{
	struct kcoap_ep_params p = { .observe_con_every = 3 };
	struct th *t = *state;
	struct kcoap_msg m;
	struct th_dgram d;

	assert_int_equal(0, kcoap_ep_set_params(t->ep, &p));
	observe_get(t, 0x600, 0x6666, 0, &d);
	for (unsigned int i = 1; i <= 6; i++) {
		notify(t, i, false, &d);
		assert_int_equal(i % 3 ? KCOAP_NON : KCOAP_CON, d.m.type);
		if (d.m.type == KCOAP_CON) {
			kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, d.m.mid);
			th_send(t, &m);
		}
	}
	t->now += 24ull * 3600 * 1000 - 1;
	notify(t, 7, false, &d);
	assert_int_equal(KCOAP_NON, d.m.type);
	t->now += 1;
	notify(t, 8, false, &d);
	assert_int_equal(KCOAP_CON, d.m.type);
}

static void final_notification_with_an_error_ends_the_observation(void **state)
{
	struct th *t = *state;
	struct kcoap_msg n;
	struct th_dgram d;
	uint32_t v;

	observe_get(t, 0x700, 0x7777, 0, &d);
	kcoap_msg_init(&n, KCOAP_NON, KCOAP_NOT_FOUND, 0);
	assert_int_equal(0, kcoap_ep_notify(t->ep, t->obs, &n, false));
	t->obs = NULL;
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_NOT_FOUND, d.m.code);
	assert_int_equal(-ENOENT, kcoap_msg_get_observe(&d.m, &v));
	assert_int_equal(0, t->obs_ends);
	/* an RST to it finds no observer */
	kcoap_msg_init(&n, KCOAP_RST, KCOAP_EMPTY, d.m.mid);
	th_send(t, &n);
	assert_int_equal(0, t->obs_ends);
}

static void registration_on_the_same_token_replaces_the_observer(void **state)
{
	struct th *t = *state;
	struct kcoap_obs *first;
	struct th_dgram d;

	observe_get(t, 0x800, 0x8888, 0, &d);
	first = t->obs;
	observe_get(t, 0x801, 0x8888, 0, &d);
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(KCOAP_OBS_END_REPLACED, t->obs_end_reason);
	assert_non_null(t->obs);
	assert_ptr_not_equal(NULL, first);
	/* a repeated MID is a duplicate, not a registration */
	observe_get(t, 0x801, 0x8888, 0, &d);
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(2, t->calls);
}

static void large_notification_goes_block_wise_and_the_rest_is_fetched(void **state)
{
	struct th *t = *state;
	struct kcoap_block b = { .num = 1, .szx = 6 };
	struct kcoap_msg n, m;
	struct th_dgram d;
	uint8_t big[1500];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 3);
	observe_get(t, 0x900, 0x9999, 0, &d);
	kcoap_msg_init(&n, KCOAP_NON, KCOAP_CONTENT, 0);
	kcoap_msg_set_payload(&n, big, sizeof(big));
	assert_int_equal(0, kcoap_ep_notify(t->ep, t->obs, &n, false));
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(0, kcoap_msg_get_block(&d.m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(0, b.num);
	assert_true(b.more);
	assert_int_equal(1024, d.m.payload_len);
	observe_of(&d.m);
	/* RFC 7959 section 3.4: the client fetches the rest with a plain GET */
	b = (struct kcoap_block){ .num = 1, .szx = 6 };
	th_req(&m, KCOAP_CON, KCOAP_GET, 0x901, 0x1234, "/obs");
	kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK2, &b);
	th_send(t, &m);
	assert_int_equal(0, th_recv(t, &d));
	assert_int_equal(KCOAP_CONTENT, d.m.code);
	assert_int_equal(1500 - 1024, d.m.payload_len);
	assert_memory_equal(big + 1024, d.m.payload, 1500 - 1024);
	assert_int_equal(1, t->calls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, th_cm_setup, th_cm_teardown)
		T(registration_then_non_notifications_with_increasing_numbers),
		T(rst_to_a_non_notification_ends_the_observer),
		T(rst_to_a_con_notification_ends_the_observer),
		T(get_with_observe_1_ends_the_observer_and_is_answered_plainly),
		T(con_notification_never_acknowledged_ends_the_observer),
		T(acknowledged_con_notification_keeps_the_observer),
		T(new_notification_replaces_an_unacknowledged_con_one),
		T(every_nth_and_a_day_old_notification_is_con),
		T(final_notification_with_an_error_ends_the_observation),
		T(registration_on_the_same_token_replaces_the_observer),
		T(large_notification_goes_block_wise_and_the_rest_is_fetched),
#undef T
	};

	return cmocka_run_group_tests_name("coap endpoint observe", tests, NULL, NULL);
}
