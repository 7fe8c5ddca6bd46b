// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Messages the kernel sends on its own to a handle's socket (sequence number
 * 0): the execute requests, samples and server writes of an owner
 * (klwm2m_own()), the results of klwm2m_exec(), the notifications of an
 * observer (klwm2m_observe()). They may arrive while the
 * handle waits for the reply to a request: they are queued then, in order,
 * and delivered by klwm2m_process(), which also reads what the socket holds.
 *
 * klwm2m_fd() is an epoll descriptor over the socket and an eventfd that is
 * ready while the queue holds something (or an overrun is to be told), so
 * that polling it never misses a queued message. Not thread-safe: the
 * handle's rule.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/klwm2m.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

/* Datagrams one klwm2m_process() or klwm2m_drain() reads at most. */
#define KLWM2M_READ_BATCH 256
/* How far an overrun grows the socket's receive buffer (what it may hold). */
#define KLWM2M_RCVBUF_MAX (64 << 20)

/* Whether klwm2m_fd() should read as ready: it does while there is something to process. */
static void update_ready(struct klwm2m *k)
{
	int want = k->q_head || k->overrun;
	uint64_t v = 1;

	if (k->evfd < 0 || want == k->signalled)
		return;
	if (want ? write(k->evfd, &v, sizeof(v)) != sizeof(v) :
		   read(k->evfd, &v, sizeof(v)) != sizeof(v))
		return;
	k->signalled = want;
}

int klwm2m_is_note(const struct klwm2m *k, const struct nlmsghdr *nlh)
{
	return !nlh->nlmsg_seq && nlh->nlmsg_type == k->family &&
	       nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN);
}

void klwm2m_note_overrun(struct klwm2m *k)
{
	k->overrun = 1;
	update_ready(k);
}

void klwm2m_queue(struct klwm2m *k, const struct nlmsghdr *nlh)
{
	struct klwm2m_note *n;

	n = k->q_len < KLWM2M_QUEUE_MAX ? malloc(sizeof(*n) + nlh->nlmsg_len) : NULL;
	if (!n) {
		klwm2m_note_overrun(k);
		return;
	}
	n->next = NULL;
	n->len = nlh->nlmsg_len;
	memcpy(n->msg, nlh, nlh->nlmsg_len);
	*k->q_tail = n;
	k->q_tail = &n->next;
	k->q_len++;
	update_ready(k);
}

/* Takes @n, found after *@link, out of the queue. */
static void unlink_note(struct klwm2m *k, struct klwm2m_note **link, struct klwm2m_note *n)
{
	*link = n->next;
	if (k->q_tail == &n->next)
		k->q_tail = link;
	k->q_len--;
}

void klwm2m_queue_free(struct klwm2m *k)
{
	while (k->q_head) {
		struct klwm2m_note *n = k->q_head;

		unlink_note(k, &k->q_head, n);
		free(n);
	}
	if (k->epfd >= 0)
		close(k->epfd);
	if (k->evfd >= 0)
		close(k->evfd);
	k->epfd = k->evfd = -1;
}

int klwm2m_drain(struct klwm2m *k)
{
	for (int reads = 0; reads < KLWM2M_READ_BATCH; reads++) {
		const struct nlmsghdr *nlh;
		int len = klwm2m_recv(k, MSG_DONTWAIT);

		if (len == -EAGAIN)
			return 0;
		if (len == -ENOBUFS || len == -EMSGSIZE) {
			klwm2m_note_overrun(k);
			continue;
		}
		if (len < 0)
			return len;
		/* Anything else is a reply to an exchange that gave up: dropped. */
		for (nlh = (const void *)k->rbuf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next((void *)nlh, &len))
			if (klwm2m_is_note(k, nlh))
				klwm2m_queue(k, nlh);
	}
	return 0;
}

static const struct genlmsghdr *note_genl(const struct klwm2m_note *n)
{
	return nlmsg_data((const struct nlmsghdr *)n->msg);
}

int klwm2m_take_result(struct klwm2m *k, uint32_t id, int *status)
{
	struct nlattr *tb[KLWM2M_A_EXEC_MAX + 1];
	struct klwm2m_note **link, *n;

	for (link = &k->q_head; (n = *link); link = &n->next) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)n->msg;

		if (note_genl(n)->cmd != KLWM2M_CMD_EXEC_RESULT ||
		    genlmsg_parse(nlh, 0, tb, KLWM2M_A_EXEC_MAX, NULL) ||
		    !tb[KLWM2M_A_EXEC_ID] || !tb[KLWM2M_A_EXEC_STATUS] ||
		    nla_get_u32(tb[KLWM2M_A_EXEC_ID]) != id)
			continue;
		*status = (int32_t)nla_get_u32(tb[KLWM2M_A_EXEC_STATUS]);
		unlink_note(k, link, n);
		free(n);
		update_ready(k);
		return 1;
	}
	return 0;
}

void klwm2m_queue_drop_notes(struct klwm2m *k, uint32_t id)
{
	struct nlattr *tb[KLWM2M_A_NOTIFY_MAX + 1];
	struct klwm2m_note **link = &k->q_head, *n;

	while ((n = *link)) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)n->msg;

		if (note_genl(n)->cmd != KLWM2M_CMD_NOTIFY ||
		    genlmsg_parse(nlh, 0, tb, KLWM2M_A_NOTIFY_MAX, NULL) ||
		    !tb[KLWM2M_A_NOTIFY_OBS] || nla_get_u32(tb[KLWM2M_A_NOTIFY_OBS]) != id) {
			link = &n->next;
			continue;
		}
		unlink_note(k, link, n);
		free(n);
	}
	update_ready(k);
}

KLWM2M_API int klwm2m_fd(struct klwm2m *k)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	if (k->epfd >= 0)
		return k->epfd;
	k->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	k->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (k->evfd < 0 || k->epfd < 0)
		goto fail;
	if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, nl_socket_get_fd(k->sk), &ev) ||
	    epoll_ctl(k->epfd, EPOLL_CTL_ADD, k->evfd, &ev))
		goto fail;
	k->signalled = 0;
	update_ready(k);
	return k->epfd;

fail:
	err = -errno;
	klwm2m_set_err(k, "cannot set up a pollable descriptor: %s", strerror(errno));
	if (k->epfd >= 0)
		close(k->epfd);
	if (k->evfd >= 0)
		close(k->evfd);
	k->epfd = k->evfd = -1;
	return err;
}

static int deliver_exec(struct klwm2m *k, const struct nlmsghdr *nlh,
			const struct klwm2m_handlers *h, void *arg, int *handled)
{
	struct nlattr *tb[KLWM2M_A_EXEC_MAX + 1];
	struct klwm2m_exec_request req = { 0 };

	if (!h->exec || genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KLWM2M_A_EXEC_MAX, NULL) ||
	    !tb[KLWM2M_A_EXEC_ID] || !tb[KLWM2M_A_EXEC_PATH] ||
	    klwm2m_get_path(tb[KLWM2M_A_EXEC_PATH], &req.path))
		return 0;
	req.id = nla_get_u32(tb[KLWM2M_A_EXEC_ID]);
	if (tb[KLWM2M_A_EXEC_ARGS]) {
		req.args = nla_data(tb[KLWM2M_A_EXEC_ARGS]);
		req.args_len = (size_t)nla_len(tb[KLWM2M_A_EXEC_ARGS]);
	}
	if (tb[KLWM2M_A_EXEC_SERVER]) {
		req.has_server = 1;
		req.server = nla_get_u16(tb[KLWM2M_A_EXEC_SERVER]);
	}
	*handled = 1;
	return h->exec(k, &req, arg);
}

static int deliver_sample(struct klwm2m *k, const struct nlmsghdr *nlh,
			  const struct klwm2m_handlers *h, void *arg, int *handled)
{
	struct nlattr *tb[KLWM2M_A_EVENT_MAX + 1];
	struct klwm2m_path p;

	if (!h->sample || genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KLWM2M_A_EVENT_MAX, NULL) ||
	    !tb[KLWM2M_A_EVENT_PATH] || klwm2m_get_path(tb[KLWM2M_A_EVENT_PATH], &p))
		return 0;
	*handled = 1;
	return h->sample(k, &p, arg);
}

static int deliver_write(struct klwm2m *k, const struct nlmsghdr *nlh,
			 const struct klwm2m_handlers *h, void *arg, int *handled)
{
	struct nlattr *tb[KLWM2M_A_EVENT_MAX + 1];
	struct klwm2m_path *paths = NULL;
	struct klwm2m_event e;
	unsigned int cap = 0;
	int err;

	if (!h->write || genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KLWM2M_A_EVENT_MAX, NULL))
		return 0;
	err = klwm2m_event_fill(nlh, tb, &e, &paths, &cap);
	if (!err) {
		*handled = 1;
		err = h->write(k, &e, arg);
	} else if (err == -EBADMSG) {
		err = 0;
	}
	free(paths);
	return err;
}

static int deliver_notify(struct klwm2m *k, const struct nlmsghdr *nlh,
			  const struct klwm2m_handlers *h, void *arg, int *handled)
{
	struct klwm2m_notification n;
	struct klwm2m_record *recs;
	int fill, err = 0;

	if (!h->notify)
		return 0;
	fill = klwm2m_notification_fill(nlh, &n, &recs);
	if (!fill) {
		*handled = 1;
		err = h->notify(k, &n, arg);
	}
	free(recs);
	/* A malformed notification is dropped, as any malformed message. */
	return fill && fill != -EBADMSG ? fill : err;
}

static int deliver_exec_result(struct klwm2m *k, const struct nlmsghdr *nlh,
			       const struct klwm2m_handlers *h, void *arg, int *handled)
{
	struct nlattr *tb[KLWM2M_A_EXEC_MAX + 1];

	if (!h->exec_result ||
	    genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KLWM2M_A_EXEC_MAX, NULL) ||
	    !tb[KLWM2M_A_EXEC_ID] || !tb[KLWM2M_A_EXEC_STATUS])
		return 0;
	*handled = 1;
	return h->exec_result(k, nla_get_u32(tb[KLWM2M_A_EXEC_ID]),
			      (int32_t)nla_get_u32(tb[KLWM2M_A_EXEC_STATUS]), arg);
}

/*
 * What each message the kernel sends on its own becomes: a handler's call.
 * A message without a handler is dropped. klwm2m_exec() takes its own
 * EXEC_RESULT out of the queue before klwm2m_process() sees it; those of
 * klwm2m_exec_start() reach the exec_result handler.
 */
static const struct {
	uint8_t cmd;
	int (*deliver)(struct klwm2m *k, const struct nlmsghdr *nlh,
		       const struct klwm2m_handlers *h, void *arg, int *handled);
} dispatch[] = {
	{ KLWM2M_CMD_EXEC_REQUEST, deliver_exec },
	{ KLWM2M_CMD_SAMPLE, deliver_sample },
	{ KLWM2M_CMD_EVENT, deliver_write },
	{ KLWM2M_CMD_NOTIFY, deliver_notify },
	{ KLWM2M_CMD_EXEC_RESULT, deliver_exec_result },
};

static int deliver(struct klwm2m *k, const struct klwm2m_note *n,
		   const struct klwm2m_handlers *h, void *arg, int *handled)
{
	for (size_t i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
		if (dispatch[i].cmd == note_genl(n)->cmd)
			return dispatch[i].deliver(k, (const struct nlmsghdr *)n->msg, h, arg,
						   handled);
	return 0;
}

/*
 * The socket overran: let it hold twice as much. The kernel queues at most
 * one unread notification per observation (a newer one replaces it), so a
 * buffer that overran keeps overrunning for as long as the observations'
 * notifications do not fit it: each klwm2m_observe_resync() would send them
 * all again and lose the tail again. Doubling at each overrun reaches a
 * size that fits them in a few rounds. SO_RCVBUFFORCE passes
 * net.core.rmem_max for a caller with CAP_NET_ADMIN (the agent); SO_RCVBUF
 * is capped there. Only a limit: memory is used by what is queued.
 */
static void grow_rcvbuf(struct klwm2m *k)
{
	int fd = nl_socket_get_fd(k->sk), cur = 0, want;
	socklen_t len = sizeof(cur);

	/* getsockopt() gives the doubled value the kernel keeps */
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cur, &len) || cur >= KLWM2M_RCVBUF_MAX)
		return;
	want = cur;	/* the kernel doubles what it is given */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
}

KLWM2M_API int klwm2m_process(struct klwm2m *k, const struct klwm2m_handlers *h, void *arg)
{
	unsigned int n;
	int err, count = 0;

	klwm2m_clear_err(k);
	err = klwm2m_drain(k);
	if (err)
		return err;
	/* What is queued now: messages a handler's own requests queue wait for the next call. */
	for (n = k->q_len; n && k->q_head; n--) {
		struct klwm2m_note *note = k->q_head;
		int handled = 0;

		unlink_note(k, &k->q_head, note);
		err = deliver(k, note, h, arg, &handled);
		free(note);
		count += handled;
		if (err) {
			update_ready(k);
			return err;
		}
	}
	if (k->overrun) {
		k->overrun = 0;
		grow_rcvbuf(k);
		update_ready(k);
		klwm2m_set_err(k, "messages from the kernel were lost: the socket overran");
		return -ENOBUFS;
	}
	update_ready(k);
	return count;
}
