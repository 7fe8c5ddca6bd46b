// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of klwm2md's resolver (agent/resolver.c): real c-ares on the
 * agent's real loop, asking a fake DNS server that this test runs on the
 * same loop (UDP on 127.0.0.1, a port of the kernel's choosing):
 *   fast.test  A 192.0.2.7 at once, AAAA: no data
 *   six.test   AAAA 2001:db8::7 at once, A: no data
 *   slow.test  A 192.0.2.8 after SLOW_MS
 *   nx.test    NXDOMAIN; any other name too
 *   dead.test  never answered
 * RES_OPTIONS (read by c-ares at each channel's making; c-ares 1.18 takes
 * "retrans:MS retry:N", not glibc's timeout:/attempts:) keeps its timeout at
 * 1 s, one try. Each case has its loop, resolver and server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "loop.h"
#include "resolver.h"

#define MS 1000000ULL
#define SLOW_MS 300
#define GUARD_MS 5000

struct delayed {
	struct loop_timer t;
	struct fixture *f;
	struct sockaddr_in to;
	uint8_t msg[512];
	size_t len;
};

struct fixture {
	struct loop *l;
	struct resolver *r;
	int dns;			/* the fake server's socket */
	unsigned int queries;		/* questions it received */
	struct delayed slow[8];
	unsigned int nslow;
	struct loop_timer guard;	/* fails a case that hangs */
	bool guard_fired;
};

struct got {
	struct fixture *f;
	int calls;
	int err;
	char reason[128];
	struct sockaddr_storage ss;
	uint64_t at;
	bool stop;			/* stop the loop when called */
};

/* ---------------------------------------------------------------- the fake DNS server */

/* The question's name ("a.b") and type, and where the question ends. 0 or -1. */
static int question(const uint8_t *m, size_t n, char *name, size_t size, uint16_t *type,
		    size_t *end)
{
	size_t i = 12, o = 0;

	if (n < 12 || m[4] != 0 || m[5] != 1)
		return -1;
	while (i < n && m[i]) {
		size_t len = m[i++];

		if (len > 63 || i + len > n || o + len + 1 >= size)
			return -1;
		if (o)
			name[o++] = '.';
		memcpy(name + o, m + i, len);
		o += len;
		i += len;
	}
	name[o] = 0;
	if (i + 5 > n)
		return -1;
	*type = (uint16_t)(m[i + 1] << 8 | m[i + 2]);
	*end = i + 5;
	return 0;
}

/* The answer to @m (@qend: end of its question) into @out: @rcode, and one record when @rdata. */
static size_t answer(const uint8_t *m, size_t qend, uint8_t rcode, uint16_t type,
		     const void *rdata, size_t rdlen, uint8_t *out)
{
	size_t n = qend;

	memcpy(out, m, qend);
	out[2] = 0x80 | (m[2] & 0x01);	/* QR, RD copied */
	out[3] = 0x80 | rcode;		/* RA */
	out[6] = 0;
	out[7] = rdata ? 1 : 0;
	memset(out + 8, 0, 4);
	if (rdata) {
		const uint8_t rr[] = { 0xc0, 12, type >> 8, type & 0xff, 0, 1, 0, 0, 0, 60,
				       0, (uint8_t)rdlen };

		memcpy(out + n, rr, sizeof(rr));
		n += sizeof(rr);
		memcpy(out + n, rdata, rdlen);
		n += rdlen;
	}
	return n;
}

static void send_delayed(struct loop *l, struct loop_timer *t, void *arg)
{
	struct delayed *d = arg;

	(void)l;
	(void)t;
	sendto(d->f->dns, d->msg, d->len, 0, (struct sockaddr *)&d->to, sizeof(d->to));
}

static void dns_readable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct fixture *f = arg;
	uint8_t m[512], out[600];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char name[256];
	uint16_t type;
	size_t qend, n;
	ssize_t len;
	struct in_addr a4;
	struct in6_addr a6;

	(void)events;
	len = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
	if (len <= 0 || question(m, (size_t)len, name, sizeof(name), &type, &qend))
		return;
	f->queries++;
	if (!strcasecmp(name, "dead.test"))
		return;
	if (!strcasecmp(name, "fast.test") || !strcasecmp(name, "slow.test")) {
		inet_pton(AF_INET, name[0] == 'f' ? "192.0.2.7" : "192.0.2.8", &a4);
		n = answer(m, qend, 0, type, type == 1 ? &a4 : NULL, 4, out);
	} else if (!strcasecmp(name, "six.test")) {
		inet_pton(AF_INET6, "2001:db8::7", &a6);
		n = answer(m, qend, 0, type, type == 28 ? &a6 : NULL, 16, out);
	} else {
		n = answer(m, qend, 3, type, NULL, 0, out);
	}
	if (!strcasecmp(name, "slow.test") && f->nslow < 8) {
		struct delayed *d = &f->slow[f->nslow++];

		d->f = f;
		d->to = from;
		memcpy(d->msg, out, n);
		d->len = n;
		loop_timer_init(&d->t, send_delayed, d);
		assert_int_equal(0, loop_timer_arm_ms(l, &d->t, SLOW_MS));
		return;
	}
	sendto(fd, out, n, 0, (struct sockaddr *)&from, fl);
}

/* ---------------------------------------------------------------- fixture */

static void guard(struct loop *l, struct loop_timer *t, void *arg)
{
	struct fixture *f = arg;

	(void)t;
	f->guard_fired = true;
	loop_stop(l, 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	char csv[32];

	assert_non_null(f);
	assert_int_equal(0, setenv("RES_OPTIONS", "retrans:1000 retry:1", 1));
	assert_int_equal(0, loop_new(&f->l));
	assert_int_equal(0, resolver_new(f->l, &f->r));
	f->dns = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(f->dns >= 0);
	assert_int_equal(0, bind(f->dns, (struct sockaddr *)&a, sizeof(a)));
	assert_int_equal(0, getsockname(f->dns, (struct sockaddr *)&a, &al));
	assert_int_equal(0, loop_fd_add(f->l, f->dns, EPOLLIN, dns_readable, f));
	snprintf(csv, sizeof(csv), "127.0.0.1:%u", ntohs(a.sin_port));
	assert_int_equal(0, resolver_set_servers(f->r, csv));
	loop_timer_init(&f->guard, guard, f);
	assert_int_equal(0, loop_timer_arm_ms(f->l, &f->guard, GUARD_MS));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	resolver_free(f->r);
	for (unsigned int i = 0; i < f->nslow; i++)
		loop_timer_cancel(f->l, &f->slow[i].t);
	loop_timer_cancel(f->l, &f->guard);
	loop_fd_del(f->l, f->dns);
	close(f->dns);
	loop_free(f->l);
	free(f);
	return 0;
}

static void done(void *arg, const struct resolver_result *res)
{
	struct got *g = arg;

	g->calls++;
	g->err = res->err;
	snprintf(g->reason, sizeof(g->reason), "%s", res->reason);
	g->ss = res->ss;
	g->at = loop_now();
	if (g->stop)
		loop_stop(g->f->l, 0);
}

static struct resolver_query *lookup(struct fixture *f, const char *host, int family,
				     struct got *g)
{
	struct resolver_query *q = NULL;

	g->f = f;
	assert_int_equal(0, resolver_lookup(f->r, host, 5683, family, done, g, &q));
	assert_non_null(q);
	assert_int_equal(0, g->calls);	/* never from inside resolver_lookup() */
	return q;
}

static void run(struct fixture *f)
{
	assert_int_equal(0, loop_run(f->l));
	assert_false(f->guard_fired);
}

/* ---------------------------------------------------------------- cases */

static void a_name_is_answered_from_the_loop_with_the_port_set(void **state)
{
	struct fixture *f = *state;
	struct got g = { .stop = true };
	const struct sockaddr_in *in = (const struct sockaddr_in *)&g.ss;
	char ip[INET_ADDRSTRLEN];

	lookup(f, "fast.test", AF_INET, &g);
	run(f);
	assert_int_equal(1, g.calls);
	assert_int_equal(0, g.err);
	assert_string_equal("", g.reason);
	assert_int_equal(AF_INET, in->sin_family);
	assert_int_equal(5683, ntohs(in->sin_port));
	assert_string_equal("192.0.2.7", inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip)));
}

static void both_families_give_the_one_that_exists(void **state)
{
	struct fixture *f = *state;
	struct got g4 = { 0 }, g6 = { .stop = true };
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&g6.ss;
	char ip[INET6_ADDRSTRLEN];

	lookup(f, "fast.test", AF_UNSPEC, &g4);
	lookup(f, "six.test", AF_UNSPEC, &g6);
	run(f);
	assert_int_equal(1, g4.calls);
	assert_int_equal(0, g4.err);
	assert_int_equal(AF_INET, g4.ss.ss_family);
	assert_int_equal(1, g6.calls);
	assert_int_equal(0, g6.err);
	assert_int_equal(AF_INET6, in6->sin6_family);
	assert_int_equal(5683, ntohs(in6->sin6_port));
	assert_string_equal("2001:db8::7", inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip)));
}

static void the_loop_serves_while_a_slow_answer_is_awaited(void **state)
{
	struct fixture *f = *state;
	struct got slow = { .stop = true }, fast = { 0 };
	uint64_t start = loop_now();

	lookup(f, "slow.test", AF_INET, &slow);
	lookup(f, "fast.test", AF_INET, &fast);
	run(f);
	assert_int_equal(1, fast.calls);
	assert_int_equal(1, slow.calls);
	assert_int_equal(0, slow.err);
	/* the fast answer came while the slow one was awaited */
	assert_true(fast.at < start + SLOW_MS * MS / 2);
	assert_true(slow.at >= start + SLOW_MS * MS);
}

static void a_name_that_does_not_exist_fails_with_the_reason(void **state)
{
	struct fixture *f = *state;
	struct got g = { .stop = true };

	lookup(f, "nx.test", AF_INET, &g);
	run(f);
	assert_int_equal(1, g.calls);
	assert_int_equal(-EHOSTUNREACH, g.err);
	assert_non_null(strstr(g.reason, "not found"));
}

static void a_dead_server_fails_as_a_timeout(void **state)
{
	struct fixture *f = *state;
	struct got g = { .stop = true };
	uint64_t start = loop_now();

	lookup(f, "dead.test", AF_INET, &g);
	run(f);
	assert_int_equal(1, g.calls);
	assert_int_equal(-EHOSTUNREACH, g.err);
	assert_non_null(strstr(g.reason, "Timeout"));
	assert_true(g.at - start >= 900 * MS);	/* retrans:1000 */
}

static void stop_later(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(l, 0);
}

static void a_cancelled_lookup_never_calls_back(void **state)
{
	struct fixture *f = *state;
	struct got slow = { 0 }, dead = { 0 }, fast = { 0 };
	struct resolver_query *qs, *qd, *qf;
	struct loop_timer end;

	qs = lookup(f, "slow.test", AF_INET, &slow);
	qd = lookup(f, "dead.test", AF_INET, &dead);
	qf = lookup(f, "fast.test", AF_INET, &fast);
	resolver_cancel(qs);
	resolver_cancel(qd);
	resolver_cancel(qf);
	loop_timer_init(&end, stop_later, NULL);
	assert_int_equal(0, loop_timer_arm_ms(f->l, &end, SLOW_MS + 200));
	run(f);
	assert_int_equal(0, slow.calls + dead.calls + fast.calls);
}

/* Two lookups, each cancelling the other from its callback. */
struct pair {
	int calls;
	struct resolver_query *q[2];
	struct side {
		struct pair *p;
		int idx;
	} side[2];
};

static void cancel_the_other(void *arg, const struct resolver_result *res)
{
	struct side *s = arg;

	(void)res;
	s->p->calls++;
	s->p->q[s->idx] = NULL;		/* delivered: the handle is gone */
	resolver_cancel(s->p->q[!s->idx]);
	s->p->q[!s->idx] = NULL;
}

static void a_lookup_cancelled_by_another_ones_callback_stays_silent(void **state)
{
	struct fixture *f = *state;
	struct pair p = { 0 };
	struct loop_timer end;

	/* both answered in the same round, most likely; delivered one after the other */
	for (int i = 0; i < 2; i++) {
		p.side[i] = (struct side){ .p = &p, .idx = i };
		assert_int_equal(0, resolver_lookup(f->r, "fast.test", 5683, AF_INET,
						    cancel_the_other, &p.side[i], &p.q[i]));
	}
	loop_timer_init(&end, stop_later, NULL);
	assert_int_equal(0, loop_timer_arm_ms(f->l, &end, 300));
	run(f);
	assert_int_equal(1, p.calls);
}

static void chained(void *arg, const struct resolver_result *res)
{
	struct got *g = arg;
	struct resolver_query *q;

	done(arg, res);
	if (g->calls == 1)	/* a new lookup from the callback: the same name again */
		assert_int_equal(0, resolver_lookup(g->f->r, "fast.test", 5683, AF_INET, chained,
						    g, &q));
	else
		loop_stop(g->f->l, 0);
}

static void a_callback_may_start_the_next_lookup(void **state)
{
	struct fixture *f = *state;
	struct got g = { .f = f };
	struct resolver_query *q;

	assert_int_equal(0, resolver_lookup(f->r, "fast.test", 5683, AF_INET, chained, &g, &q));
	run(f);
	assert_int_equal(2, g.calls);
	assert_int_equal(0, g.err);
	assert_int_equal(2, f->queries);
}

static void freeing_with_lookups_in_flight_calls_nothing_back(void **state)
{
	struct fixture *f = *state;
	struct got dead = { 0 }, slow = { 0 };
	struct loop_timer end;

	lookup(f, "dead.test", AF_INET, &dead);
	lookup(f, "slow.test", AF_INET, &slow);
	loop_timer_init(&end, stop_later, NULL);
	assert_int_equal(0, loop_timer_arm_ms(f->l, &end, 100));
	run(f);
	assert_int_equal(2, f->queries);	/* both asked, neither answered yet */
	resolver_free(f->r);		/* the agent's stop: ASan sees what leaks */
	f->r = NULL;
	assert_int_equal(0, dead.calls + slow.calls);
}

static void an_unusable_server_list_fails_the_lookup_from_the_loop(void **state)
{
	struct fixture *f = *state;
	struct got g = { .stop = true };

	assert_int_equal(0, resolver_set_servers(f->r, "not an address"));
	lookup(f, "fast.test", AF_INET, &g);
	run(f);
	assert_int_equal(1, g.calls);
	assert_int_equal(-EHOSTUNREACH, g.err);
	assert_true(g.reason[0] != 0);
	assert_int_equal(-EINVAL, resolver_set_servers(f->r, ""));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_name_is_answered_from_the_loop_with_the_port_set),
		T(both_families_give_the_one_that_exists),
		T(the_loop_serves_while_a_slow_answer_is_awaited),
		T(a_name_that_does_not_exist_fails_with_the_reason),
		T(a_dead_server_fails_as_a_timeout),
		T(a_cancelled_lookup_never_calls_back),
		T(a_lookup_cancelled_by_another_ones_callback_stays_silent),
		T(a_callback_may_start_the_next_lookup),
		T(freeing_with_lookups_in_flight_calls_nothing_back),
		T(an_unusable_server_list_fails_the_lookup_from_the_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
