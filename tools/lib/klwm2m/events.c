// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Listening to the store's events: a socket of its own in the "events"
 * multicast group. Messages are read with recv() here rather than through
 * libnl, so that an overrun (ENOBUFS) is told apart from anything else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/klwm2m.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

/* Datagrams one klwm2m_events_recv() reads at most. */
#define KLWM2M_EVENTS_BATCH 256

struct klwm2m_events {
	struct nl_sock *sk;
	int family;
	void *buf;
	size_t size;
	struct klwm2m_path *paths;
	unsigned int cap;
};

KLWM2M_API void klwm2m_events_close(struct klwm2m_events *ev)
{
	if (!ev)
		return;
	nl_socket_free(ev->sk);
	free(ev->buf);
	free(ev->paths);
	free(ev);
}

static int open_fail(struct klwm2m_events *ev, int err, const char *what, int nle)
{
	klwm2m_set_last_error("%s: %s", what, nl_geterror(nle));
	klwm2m_events_close(ev);
	return err;
}

KLWM2M_API int klwm2m_events_open(struct klwm2m_events **out)
{
	struct klwm2m_events *ev;
	int err, grp;

	*out = NULL;
	klwm2m_set_last_error("%s", "");
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->size = KLWM2M_RECV_BUFFER;
	ev->buf = malloc(ev->size);
	ev->sk = nl_socket_alloc();
	if (!ev->buf || !ev->sk) {
		klwm2m_events_close(ev);
		return -ENOMEM;
	}
	/* Multicast messages carry no sequence number of ours. */
	nl_socket_disable_seq_check(ev->sk);
	err = genl_connect(ev->sk);
	if (err)
		return open_fail(ev, klwm2m_nle_to_errno(err), "cannot open a netlink socket", err);
	err = nl_socket_set_buffer_size(ev->sk, KLWM2M_SOCKET_BUFFER, 0);
	if (err)
		return open_fail(ev, klwm2m_nle_to_errno(err), "cannot size the socket", err);
	ev->family = genl_ctrl_resolve(ev->sk, KLWM2M_GENL_NAME);
	if (ev->family < 0)
		return open_fail(ev, klwm2m_nle_to_errno(ev->family),
				 "the klwm2m module is not loaded (no family \"" KLWM2M_GENL_NAME "\")",
				 ev->family);
	grp = genl_ctrl_resolve_grp(ev->sk, KLWM2M_GENL_NAME, KLWM2M_MCGRP_EVENTS);
	if (grp < 0)
		return open_fail(ev, klwm2m_nle_to_errno(grp),
				 "the klwm2m module has no \"" KLWM2M_MCGRP_EVENTS "\" group", grp);
	err = nl_socket_add_membership(ev->sk, grp);
	if (err)
		return open_fail(ev, klwm2m_nle_to_errno(err), "cannot join the events group", err);
	err = nl_socket_set_nonblocking(ev->sk);
	if (err)
		return open_fail(ev, klwm2m_nle_to_errno(err), "cannot make the socket non-blocking",
				 err);
	*out = ev;
	return 0;
}

KLWM2M_API int klwm2m_events_fd(const struct klwm2m_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

unsigned int klwm2m_count_attrs(const struct nlmsghdr *nlh, int type)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	unsigned int n = 0;
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		n += nla_type(a) == type;
	return n;
}

/**
 * klwm2m_event_fill() - an event from a KLWM2M_CMD_EVENT message
 * @nlh: the message
 * @tb: its attributes
 * @e: filled; e->paths points at *@paths
 * @paths: an array of paths, grown as the message needs (realloc)
 * @cap: its size
 *
 * Return: 0; -EBADMSG (no kind); -ENOMEM.
 */
int klwm2m_event_fill(const struct nlmsghdr *nlh, struct nlattr **tb, struct klwm2m_event *e,
		      struct klwm2m_path **paths, unsigned int *cap)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *a;
	unsigned int n;
	int rem;

	if (!tb[KLWM2M_A_EVENT_KIND])
		return -EBADMSG;
	n = klwm2m_count_attrs(nlh, KLWM2M_A_EVENT_PATH);
	if (n > *cap) {
		struct klwm2m_path *p = reallocarray(*paths, n, sizeof(*p));

		if (!p)
			return -ENOMEM;
		*paths = p;
		*cap = n;
	}
	memset(e, 0, sizeof(*e));
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (nla_type(a) == KLWM2M_A_EVENT_PATH && !klwm2m_get_path(a, &(*paths)[e->npaths]))
			e->npaths++;
	e->kind = nla_get_u8(tb[KLWM2M_A_EVENT_KIND]);
	e->paths = *paths;
	if (tb[KLWM2M_A_EVENT_PORTID])
		e->portid = nla_get_u32(tb[KLWM2M_A_EVENT_PORTID]);
	if (tb[KLWM2M_A_EVENT_SERVER]) {
		e->has_server = 1;
		e->server = nla_get_u16(tb[KLWM2M_A_EVENT_SERVER]);
	}
	return 0;
}

/* One KLWM2M_CMD_EVENT message to @cb; 0 when it is not one (skipped). */
static int deliver(struct klwm2m_events *ev, struct nlmsghdr *nlh,
		   int (*cb)(const struct klwm2m_event *e, void *arg), void *arg, int *count)
{
	struct nlattr *tb[KLWM2M_A_EVENT_MAX + 1];
	struct klwm2m_event e;
	struct genlmsghdr *g;
	int err;

	if (nlh->nlmsg_type != ev->family || !genlmsg_valid_hdr(nlh, 0))
		return 0;
	g = nlmsg_data(nlh);
	if (g->cmd != KLWM2M_CMD_EVENT || genlmsg_parse(nlh, 0, tb, KLWM2M_A_EVENT_MAX, NULL))
		return 0;
	err = klwm2m_event_fill(nlh, tb, &e, &ev->paths, &ev->cap);
	if (err)
		return err == -EBADMSG ? 0 : err;
	(*count)++;
	return cb(&e, arg);
}

KLWM2M_API int klwm2m_events_recv(struct klwm2m_events *ev,
				  int (*cb)(const struct klwm2m_event *e, void *arg), void *arg)
{
	int fd = nl_socket_get_fd(ev->sk), count = 0, err, reads;

	/* A bounded number of reads, so that a busy store cannot starve the caller. */
	for (reads = 0; reads < KLWM2M_EVENTS_BATCH; reads++) {
		struct nlmsghdr *nlh;
		ssize_t len;
		int rem;

		/* Learn the datagram's size first, so that nothing is truncated. */
		len = recv(fd, ev->buf, ev->size, MSG_PEEK | MSG_TRUNC);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return count ? count : -EAGAIN;
		if (len < 0)
			return -errno;
		if ((size_t)len > ev->size) {
			void *b = realloc(ev->buf, (size_t)len);

			if (!b)
				return -ENOMEM;
			ev->buf = b;
			ev->size = (size_t)len;
		}
		len = recv(fd, ev->buf, ev->size, 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? (count ? count : -EAGAIN) :
									-errno;
		rem = (int)len;
		for (nlh = ev->buf; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
			err = deliver(ev, nlh, cb, arg, &count);
			if (err)
				return err;
		}
	}
	return count ? count : -EAGAIN;
}
