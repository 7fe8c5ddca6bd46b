// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The resolver (resolver.h): c-ares driven by the agent's loop.
 *
 * c-ares tells which sockets it wants watched through its socket-state
 * callback (ARES_OPT_SOCK_STATE_CB): each becomes a loop descriptor, and
 * readiness is handed back with ares_process_fd(). Its retransmissions and
 * timeouts are one loop timer (tick) kept at ares_timeout() after every
 * call into c-ares.
 *
 * A query is ours from resolver_lookup() until it is delivered or freed;
 * c-ares holds it as the callback argument until its callback ran (which
 * c-ares guarantees: an answer, a failure, or ARES_EDESTRUCTION at
 * ares_destroy()). Its delivery timer is armed, far away, when the query is
 * made: re-arming an armed timer allocates nothing, so an answer can always
 * be handed over, even when memory is short.
 *
 * c-ares's error codes become -errno here and nowhere else (ares_err()).
 */
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "log.h"
#include "resolver.h"

/* The delivery timer's place while c-ares works: never reached. */
#define PARKED (UINT64_MAX / 2)

struct resolver_query {
	struct resolver *r;
	struct resolver_query *prev, *next;	/* r->queries */
	resolver_fn fn;
	void *arg;
	bool in_ares;		/* c-ares has not called back yet */
	bool cancelled;
	uint16_t port;
	struct loop_timer deliver;
	struct resolver_result res;
};

struct resolver {
	struct loop *l;
	ares_channel ch;	/* NULL while no lookup needs one */
	unsigned int in_ares;	/* queries c-ares holds */
	unsigned int live;	/* ... of which not cancelled */
	struct loop_timer tick;	/* ares_timeout() */
	struct loop_timer idle;	/* the channel is no longer needed */
	struct resolver_query *queries;
	char *servers;		/* resolver_set_servers(), or NULL */
	bool closing;
};

/* c-ares's status as -errno: the one place its codes are converted. */
static int ares_err(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return 0;
	case ARES_ENOMEM:
		return -ENOMEM;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return -ECANCELED;
	default:	/* no such name, no data, timeout, refused, bad name, ... */
		return -EHOSTUNREACH;
	}
}

static void query_free(struct resolver_query *q)
{
	struct resolver *r = q->r;

	if (q->prev)
		q->prev->next = q->next;
	else
		r->queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
	loop_timer_cancel(r->l, &q->deliver);
	free(q);
}

/* After every call into c-ares: its next timeout, or the channel's end. */
static void rearm(struct resolver *r)
{
	struct timeval tv;

	if (!r->ch || r->closing)
		return;
	if (!r->live) {
		/* nothing anyone waits for: the channel goes (not from inside c-ares) */
		loop_timer_cancel(r->l, &r->tick);
		if (loop_timer_arm_ms(r->l, &r->idle, 0))
			log_err("resolver: no memory for a timer: the DNS channel stays open");
		return;
	}
	if (!ares_timeout(r->ch, NULL, &tv)) {
		loop_timer_cancel(r->l, &r->tick);
		return;
	}
	if (loop_timer_arm(r->l, &r->tick, loop_now() + (uint64_t)tv.tv_sec * 1000000000ULL +
						  (uint64_t)tv.tv_usec * 1000ULL))
		log_err("resolver: no memory for a timer: DNS timeouts are late");
}

static void on_tick(struct loop *l, struct loop_timer *t, void *arg)
{
	struct resolver *r = arg;

	(void)l;
	(void)t;
	if (!r->ch)
		return;
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(r);
}

static void on_fd(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct resolver *r = arg;

	(void)l;
	if (!r->ch)
		return;
	/* an error or a hang-up is for c-ares's read to find */
	ares_process_fd(r->ch, events & (EPOLLIN | EPOLLERR | EPOLLHUP) ? fd : ARES_SOCKET_BAD,
			events & EPOLLOUT ? fd : ARES_SOCKET_BAD);
	rearm(r);
}

/* ARES_OPT_SOCK_STATE_CB: c-ares opened, changed or closed a socket. */
static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver *r = data;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	int rc;

	if (!ev) {
		loop_fd_del(r->l, fd);
		return;
	}
	rc = loop_fd_add(r->l, fd, ev, on_fd, r);
	if (rc == -EEXIST)
		rc = loop_fd_mod(r->l, fd, ev);
	if (rc)
		log_err("resolver: watching a DNS socket: %s; its lookups end at their timeout",
			strerror(-rc));
}

static void on_idle(struct loop *l, struct loop_timer *t, void *arg)
{
	struct resolver *r = arg;

	(void)l;
	(void)t;
	if (!r->ch || r->live)
		return;
	/* the cancelled queries' callbacks run now (ARES_EDESTRUCTION) and free them */
	ares_destroy(r->ch);
	r->ch = NULL;
	loop_timer_cancel(r->l, &r->tick);
}

static void on_deliver(struct loop *l, struct loop_timer *t, void *arg)
{
	struct resolver_query *q = arg;

	(void)l;
	(void)t;
	if (q->in_ares) {	/* PARKED reached: cannot be, but never deliver twice */
		loop_timer_arm(q->r->l, &q->deliver, PARKED);
		return;
	}
	if (!q->cancelled)
		q->fn(q->arg, &q->res);
	query_free(q);
}

/* The first address of a family the caller can use. */
static int pick(struct resolver_query *q, const struct ares_addrinfo *ai)
{
	for (const struct ares_addrinfo_node *n = ai ? ai->nodes : NULL; n; n = n->ai_next) {
		if ((n->ai_family != AF_INET && n->ai_family != AF_INET6) || !n->ai_addr ||
		    (size_t)n->ai_addrlen > sizeof(q->res.ss))
			continue;
		memcpy(&q->res.ss, n->ai_addr, n->ai_addrlen);
		q->res.len = n->ai_addrlen;
		if (n->ai_family == AF_INET)
			((struct sockaddr_in *)&q->res.ss)->sin_port = htons(q->port);
		else
			((struct sockaddr_in6 *)&q->res.ss)->sin6_port = htons(q->port);
		return 0;
	}
	return -EHOSTUNREACH;
}

/* c-ares's callback: record, then hand over from the loop (on_deliver). */
static void on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct resolver_query *q = arg;
	struct resolver *r = q->r;

	(void)timeouts;
	q->in_ares = false;
	r->in_ares--;
	if (!q->cancelled)
		r->live--;
	if (q->cancelled || r->closing) {
		ares_freeaddrinfo(ai);
		query_free(q);
		return;
	}
	q->res.err = ares_err(status);
	q->res.reason = ares_strerror(status);
	if (!q->res.err && pick(q, ai)) {
		q->res.err = -EHOSTUNREACH;
		q->res.reason = "no IPv4 or IPv6 address in the answer";
	}
	if (!q->res.err)
		q->res.reason = "";
	else if (q->res.err == -ECANCELED)	/* not ours: the channel went under it */
		q->res.err = -EHOSTUNREACH;
	ares_freeaddrinfo(ai);
	loop_timer_arm(r->l, &q->deliver, 0);	/* armed already: cannot fail */
}

/* The channel, made when a lookup needs one. 0 or -errno, @reason set. */
static int channel(struct resolver *r, const char **reason)
{
	struct ares_options o = { .sock_state_cb = on_sock_state, .sock_state_cb_data = r };
	int st;

	if (r->ch)
		return 0;
	st = ares_init_options(&r->ch, &o, ARES_OPT_SOCK_STATE_CB);
	if (st == ARES_SUCCESS && r->servers)
		st = ares_set_servers_ports_csv(r->ch, r->servers);
	if (st != ARES_SUCCESS) {
		*reason = ares_strerror(st);
		if (r->ch)
			ares_destroy(r->ch);
		r->ch = NULL;
		return ares_err(st) == -ENOMEM ? -ENOMEM : -EHOSTUNREACH;
	}
	return 0;
}

int resolver_lookup(struct resolver *r, const char *host, uint16_t port, int family,
		    resolver_fn fn, void *arg, struct resolver_query **out)
{
	struct ares_addrinfo_hints hints = { .ai_family = family, .ai_socktype = SOCK_DGRAM };
	struct resolver_query *q = calloc(1, sizeof(*q));
	const char *reason = "";
	int rc;

	*out = NULL;
	if (!q)
		return -ENOMEM;
	q->r = r;
	q->fn = fn;
	q->arg = arg;
	q->port = port;
	loop_timer_init(&q->deliver, on_deliver, q);
	if (loop_timer_arm(r->l, &q->deliver, PARKED)) {
		free(q);
		return -ENOMEM;
	}
	q->next = r->queries;
	if (q->next)
		q->next->prev = q;
	r->queries = q;
	*out = q;
	loop_timer_cancel(r->l, &r->idle);
	rc = channel(r, &reason);
	if (rc) {	/* the answer is this failure, delivered as any other */
		q->res.err = rc;
		q->res.reason = reason;
		loop_timer_arm(r->l, &q->deliver, 0);
		return 0;
	}
	q->in_ares = true;
	r->in_ares++;
	r->live++;
	/* the port is set on the answer: no service lookup */
	ares_getaddrinfo(r->ch, host, NULL, &hints, on_answer, q);
	rearm(r);
	return 0;
}

void resolver_cancel(struct resolver_query *q)
{
	struct resolver *r;

	if (!q || q->cancelled)
		return;
	r = q->r;
	if (!q->in_ares) {	/* answered, not yet delivered */
		query_free(q);
		return;
	}
	q->cancelled = true;
	r->live--;
	rearm(r);	/* the last live one: the channel goes, and with it the query */
}

int resolver_new(struct loop *l, struct resolver **out)
{
	struct resolver *r;

	*out = NULL;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return -EIO;
	r = calloc(1, sizeof(*r));
	if (!r) {
		ares_library_cleanup();
		return -ENOMEM;
	}
	r->l = l;
	loop_timer_init(&r->tick, on_tick, r);
	loop_timer_init(&r->idle, on_idle, r);
	*out = r;
	return 0;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	r->closing = true;
	if (r->ch)	/* every query c-ares holds is called back, and freed */
		ares_destroy(r->ch);
	r->ch = NULL;
	while (r->queries)
		query_free(r->queries);
	loop_timer_cancel(r->l, &r->tick);
	loop_timer_cancel(r->l, &r->idle);
	free(r->servers);
	free(r);
	ares_library_cleanup();
}

int resolver_set_servers(struct resolver *r, const char *csv)
{
	char *s;

	if (!csv || !*csv)
		return -EINVAL;
	s = strdup(csv);
	if (!s)
		return -ENOMEM;
	free(r->servers);
	r->servers = s;
	return 0;
}
