// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libklwm2m: handles, requests and replies over generic netlink (libnl-genl).
 *
 * Each request is sent with NLM_F_ACK and read until its acknowledgement, so a
 * call returns only when the kernel has finished with it. The kernel's
 * extended ACK message is kept on the handle for klwm2m_errmsg(). Replies
 * are read here rather than through libnl: what the kernel sends on its own
 * meanwhile (executes, samples and writes for an owner, notifications for an
 * observer) is queued for klwm2m_process() instead of being taken for the
 * reply, and an overrun (ENOBUFS) is told apart from other failures: a
 * read whose answer it dropped is sent again, once (resend_lost()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/klwm2m.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static __thread char last_error[256];

KLWM2M_API const char *klwm2m_last_error(void)
{
	return last_error;
}

KLWM2M_API void klwm2m_set_last_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

void klwm2m_set_err(struct klwm2m *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->errmsg, sizeof(k->errmsg), fmt, ap);
	va_end(ap);
	k->erroff = -1;
}

void klwm2m_clear_err(struct klwm2m *k)
{
	k->errmsg[0] = '\0';
	k->erroff = -1;
}

KLWM2M_API const char *klwm2m_errmsg(const struct klwm2m *k)
{
	return k->errmsg;
}

KLWM2M_API int klwm2m_erroff(const struct klwm2m *k)
{
	return k->erroff;
}

KLWM2M_API const char *klwm2m_strerror(int err)
{
	switch (err) {
	case -ENOENT:
		return "not found";
	case -EPROTO:
		return "the module speaks another ABI version";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

int klwm2m_recv(struct klwm2m *k, int flags)
{
	int fd = nl_socket_get_fd(k->sk);

	for (;;) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		/* MSG_TRUNC: the datagram's real length, to tell a cut one. */
		n = recvfrom(fd, k->rbuf, KLWM2M_RECV_BUFFER, flags | MSG_TRUNC,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		if (n > KLWM2M_RECV_BUFFER)
			return -EMSGSIZE;
		/* Only the kernel speaks to us (another root process could). */
		if (fromlen == sizeof(from) && from.nl_pid == 0)
			return (int)n;
	}
}

/* One exchange in flight: its sequence number and what its reply gave. */
struct exchange {
	struct klwm2m *k;
	uint32_t seq;
	int (*parse)(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg);
	int maxattr;
	void *arg;
	int error;
	int done;
	int replies;		/* reply messages of this exchange read so far */
	int overran;		/* the socket overran while this exchange waited */
	int lost;		/* its answer was among what the overrun dropped */
	int interrupted;	/* a message carried NLM_F_DUMP_INTR */
	int one_reply;		/* no ACK was asked for: the reply ends it */
	/* with one_reply: the reply's genetlink payload, unparsed */
	int (*parse_raw)(const struct nlmsghdr *nlh, void *arg);
};

static void on_valid(struct exchange *x, const struct nlmsghdr *nlh)
{
	struct nlattr *tb[x->maxattr + 1];
	int err;

	/* After a failure the rest of the reply is read and dropped. */
	if (x->error)
		return;
	if (x->parse_raw) {
		if (nlh->nlmsg_type != x->k->family ||
		    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
			x->error = -EBADMSG;
			klwm2m_set_err(x->k, "malformed reply from the kernel");
			return;
		}
		err = x->parse_raw(nlh, x->arg);
		if (err) {
			x->error = err;
			if (err == -EBADMSG && !x->k->errmsg[0])
				klwm2m_set_err(x->k, "malformed reply from the kernel");
		}
		return;
	}
	/* genlmsg_parse() checks the genetlink header first */
	if (nlh->nlmsg_type != x->k->family ||
	    genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, x->maxattr, NULL)) {
		x->error = -EBADMSG;
		klwm2m_set_err(x->k, "malformed reply from the kernel");
		return;
	}
	if (x->parse) {
		err = x->parse(tb, nlh, x->arg);
		if (err) {
			x->error = err;
			if (err == -EBADMSG && !x->k->errmsg[0])
				klwm2m_set_err(x->k, "the kernel's reply lacks an attribute");
		}
	}
}

/* The first error the kernel reported in this exchange, with its message and offset. */
static void take_error(struct exchange *x, const struct klwm2m_ack *ack)
{
	if (!ack->error || x->error)
		return;
	x->error = ack->error;
	snprintf(x->k->errmsg, sizeof(x->k->errmsg), "%s", ack->msg);
	x->k->erroff = ack->offset;
}

/* The ACK (NLMSG_ERROR) ends a request; NLMSG_DONE ends a dump, with its error when it failed midway. */
static void on_end(struct exchange *x, const struct nlmsghdr *nlh)
{
	struct klwm2m_ack ack;
	int bad;

	if (nlh->nlmsg_type == NLMSG_ERROR)
		bad = klwm2m_parse_ack(nlh, nlh->nlmsg_len, &ack);
	else
		bad = klwm2m_parse_done(nlh, nlh->nlmsg_len, &ack);
	if (bad) {
		if (!x->error)
			klwm2m_set_err(x->k, "malformed %s from the kernel",
				       nlh->nlmsg_type == NLMSG_ERROR ? "acknowledgement" :
								      "end of dump");
		x->error = x->error ? x->error : -EBADMSG;
	} else {
		take_error(x, &ack);
	}
	x->done = 1;
}

/* One message read while @x waits: its reply, a note for later, or a stale reply. */
static void take(struct exchange *x, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_seq != x->seq) {
		/* Replies to an exchange that gave up earlier are dropped. */
		if (klwm2m_is_note(x->k, nlh))
			klwm2m_queue(x->k, nlh);
		return;
	}
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		x->interrupted = 1;
	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
		on_end(x, nlh);
	} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
		x->replies++;
		on_valid(x, nlh);
		x->done = x->one_reply;
	}
}

/*
 * Send @msg (consumed) and read until its acknowledgement or, for a dump,
 * its NLMSG_DONE. @parse sees each reply message's attributes; its first
 * failure is returned, the rest of the reply being read and dropped.
 * Messages the kernel sends on its own meanwhile are queued (queue.c).
 */
static int wait_reply(struct exchange *x);

/* @x's answer was among what an overrun dropped. */
static int reply_lost(struct exchange *x)
{
	klwm2m_set_err(x->k, "the kernel's reply was lost: the socket overran "
		       "(call klwm2m_process() more often)");
	x->lost = 1;
	return -ENOBUFS;
}

/*
 * After wait_reply() gave -ENOBUFS: whether @x's request goes again, the
 * answer being lost. The kernel answers a request during send(), so an
 * overrun can drop the answer; not a dump's parts, which wait for room.
 * Once, and only a request that reads and none of whose replies was read:
 * a lost acknowledgement of a change says nothing of whether it was made.
 */
static int resend_lost(struct exchange *x, const struct nlmsghdr *req, int tries)
{
	const struct genlmsghdr *g = nlmsg_data(req);

	if (!x->lost || x->replies || tries || (req->nlmsg_flags & NLM_F_DUMP) ||
	    req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	switch (g->cmd) {
	case KLWM2M_CMD_INFO:
	case KLWM2M_CMD_GET:
	case KLWM2M_CMD_GET_TREE:
	case KLWM2M_CMD_OBJ_GET:
	case KLWM2M_CMD_ATTR_GET:
		break;
	default:
		return 0;
	}
	x->lost = 0;
	x->overran = 0;
	x->error = 0;
	x->done = 0;
	klwm2m_clear_err(x->k);
	return 1;
}

static int exchange(struct klwm2m *k, struct nl_msg *msg, int maxattr,
		    int (*parse)(struct nlattr **, const struct nlmsghdr *, void *), void *arg, int *interrupted)
{
	struct exchange x = { .k = k, .parse = parse, .maxattr = maxattr, .arg = arg };
	int err, tries = 0;

	klwm2m_clear_err(k);
	for (;;) {
		err = nl_send_auto(k->sk, msg);
		x.seq = nlmsg_hdr(msg)->nlmsg_seq;
		if (err < 0) {
			nlmsg_free(msg);
			klwm2m_set_err(k, "sending to the kernel failed: %s", nl_geterror(err));
			return klwm2m_nle_to_errno(err);
		}
		err = wait_reply(&x);
		/* The acknowledgement came, the reply it follows did not. */
		if (!err && parse && x.overran && !x.replies &&
		    !(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
			err = reply_lost(&x);
		if (err != -ENOBUFS || !resend_lost(&x, nlmsg_hdr(msg), tries++))
			break;
		/* A sequence number of its own: nl_send_auto() gives one to NL_AUTO_SEQ. */
		nlmsg_hdr(msg)->nlmsg_seq = NL_AUTO_SEQ;
	}
	nlmsg_free(msg);
	if (interrupted)
		*interrupted = x.interrupted;
	return err;
}

int klwm2m_transact_one(struct klwm2m *k, struct nlmsghdr *req,
			int (*parse)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	struct exchange x = { .k = k, .one_reply = 1, .parse_raw = parse, .arg = arg };
	ssize_t n;

	klwm2m_clear_err(k);
	req->nlmsg_flags = NLM_F_REQUEST;
	req->nlmsg_seq = x.seq = nl_socket_use_seq(k->sk);
	req->nlmsg_pid = nl_socket_get_local_port(k->sk);
	for (int tries = 0;; tries++) {
		int err;

		do
			n = send(nl_socket_get_fd(k->sk), req, req->nlmsg_len, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			klwm2m_set_err(k, "sending to the kernel failed: %s", strerror(errno));
			return -errno;
		}
		err = wait_reply(&x);
		if (err != -ENOBUFS || !resend_lost(&x, req, tries))
			return err;
		req->nlmsg_seq = x.seq = nl_socket_use_seq(k->sk);
	}
}

/* Read until @x is answered; see exchange(). */
static int wait_reply(struct exchange *x)
{
	struct klwm2m *k = x->k;
	int flags = 0;

	while (!x->done) {
		const struct nlmsghdr *nlh;
		int len = klwm2m_recv(k, flags);

		if (len == -ENOBUFS) {
			/*
			 * Messages were lost, maybe this reply. The kernel
			 * answers a request before send() returns (and the
			 * next part of a dump when one is read): what is not
			 * in the socket now never comes.
			 */
			klwm2m_note_overrun(k);
			x->overran = 1;
			flags = MSG_DONTWAIT;
			continue;
		}
		if (len == -EMSGSIZE) {
			/*
			 * A datagram larger than any reply: a notification
			 * of a big observed tree, cut. It is lost, the
			 * request goes on.
			 */
			klwm2m_note_overrun(k);
			continue;
		}
		if (len == -EAGAIN && flags)
			return reply_lost(x);
		if (len < 0) {
			klwm2m_set_err(k, "receiving from the kernel failed: %s", strerror(-len));
			return len;
		}
		for (nlh = (const void *)k->rbuf; nlmsg_ok(nlh, len); nlh = nlmsg_next((void *)nlh, &len))
			take(x, nlh);
	}
	return x->error;
}

int klwm2m_transact(struct klwm2m *k, struct nl_msg *msg, int maxattr,
		    int (*parse)(struct nlattr **, const struct nlmsghdr *, void *), void *arg)
{
	return exchange(k, msg, maxattr, parse, arg, NULL);
}

int klwm2m_transact_dump(struct klwm2m *k, struct nl_msg *msg, int maxattr,
			 int (*parse)(struct nlattr **, const struct nlmsghdr *, void *), void *arg, int *interrupted)
{
	return exchange(k, msg, maxattr, parse, arg, interrupted);
}

struct nl_msg *klwm2m_new_request(struct klwm2m *k, uint8_t cmd, int flags, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0, flags, cmd,
			 KLWM2M_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *klwm2m_kept_request(struct klwm2m *k, uint8_t cmd, int flags, size_t size)
{
	if (size > KLWM2M_REQ_KEEP)
		return klwm2m_new_request(k, cmd, flags, size);
	if (!k->setreq) {
		k->setreq = nlmsg_alloc_size(KLWM2M_REQ_KEEP);
		if (!k->setreq)
			return NULL;
	}
	/* Empty again: genlmsg_put() writes the headers, attributes follow. */
	nlmsg_hdr(k->setreq)->nlmsg_len = NLMSG_HDRLEN;
	if (!genlmsg_put(k->setreq, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0, flags, cmd,
			 KLWM2M_GENL_VERSION))
		return NULL;
	/* The caller's reference: its nlmsg_free() leaves the handle's. */
	nlmsg_get(k->setreq);
	return k->setreq;
}

static struct nl_msg *new_request(struct klwm2m *k, uint8_t cmd)
{
	return klwm2m_new_request(k, cmd, 0, 4096);
}

static int put_resdef(struct nl_msg *msg, const struct klwm2m_resdef *rd)
{
	struct nlattr *nest = nla_nest_start(msg, KLWM2M_A_OBJ_RES | NLA_F_NESTED);

	if (!nest || nla_put_u16(msg, KLWM2M_A_RES_ID, rd->id) ||
	    nla_put_string(msg, KLWM2M_A_RES_NAME, rd->name) ||
	    nla_put_u8(msg, KLWM2M_A_RES_TYPE, rd->type) ||
	    nla_put_u8(msg, KLWM2M_A_RES_OPS, rd->ops) ||
	    nla_put_u32(msg, KLWM2M_A_RES_FLAGS, rd->flags))
		return -EMSGSIZE;
	if (rd->has_range && (nla_put_u64(msg, KLWM2M_A_RES_RANGE_MIN, rd->min) ||
			      nla_put_u64(msg, KLWM2M_A_RES_RANGE_MAX, rd->max)))
		return -EMSGSIZE;
	if (rd->has_len && (nla_put_u32(msg, KLWM2M_A_RES_LEN_MIN, rd->len_min) ||
			    nla_put_u32(msg, KLWM2M_A_RES_LEN_MAX, rd->len_max)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

KLWM2M_API int klwm2m_define(struct klwm2m *k, const struct klwm2m_objdef *def,
			     const struct klwm2m_owner *owner)
{
	size_t *offs = calloc(def->nres + 1, sizeof(*offs));
	struct nl_msg *msg;
	unsigned int i;
	int err = -EMSGSIZE;

	msg = offs ? klwm2m_new_request(k, KLWM2M_CMD_OBJ_DEFINE, 0,
					1024 + (size_t)def->nres * (KLWM2M_DDF_NAME_MAX + 128)) :
		     NULL;
	if (!msg) {
		free(offs);
		return -ENOMEM;
	}
	if (nla_put_u16(msg, KLWM2M_A_OBJ_ID, def->id) ||
	    nla_put_string(msg, KLWM2M_A_OBJ_NAME, def->name) ||
	    nla_put_string(msg, KLWM2M_A_OBJ_VERSION, def->version) ||
	    nla_put_u32(msg, KLWM2M_A_OBJ_FLAGS, def->flags))
		goto err_msg;
	if (owner && (nla_put_u32(msg, KLWM2M_A_OBJ_UID, owner->uid) ||
		      nla_put_u32(msg, KLWM2M_A_OBJ_GID, owner->gid) ||
		      nla_put_u16(msg, KLWM2M_A_OBJ_MODE, owner->mode)))
		goto err_msg;
	for (i = 0; i < def->nres; i++) {
		offs[i] = nlmsg_hdr(msg)->nlmsg_len;
		if (put_resdef(msg, &def->res[i]))
			goto err_msg;
	}
	offs[def->nres] = nlmsg_hdr(msg)->nlmsg_len;

	err = klwm2m_transact(k, msg, KLWM2M_A_OBJ_MAX, NULL, NULL);
	/* Name the resource the kernel pointed at. */
	for (i = 0; err && k->erroff >= 0 && i < def->nres; i++) {
		if ((size_t)k->erroff >= offs[i] && (size_t)k->erroff < offs[i + 1]) {
			size_t l = strlen(k->errmsg);

			snprintf(k->errmsg + l, sizeof(k->errmsg) - l, " (resource %u \"%s\")",
				 def->res[i].id, def->res[i].name);
			break;
		}
	}
	free(offs);
	return err;

err_msg:
	nlmsg_free(msg);
	free(offs);
	klwm2m_set_err(k, "the definition does not fit in one message");
	return err;
}

static int parse_info(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	struct klwm2m_info *info = arg;
	static const int need[] = {
		KLWM2M_A_INFO_ABI_VERSION, KLWM2M_A_INFO_MODULE_VERSION,
		KLWM2M_A_INFO_MAX_VALUE_SIZE, KLWM2M_A_INFO_STORE_BUDGET,
		KLWM2M_A_INFO_STORE_USED, KLWM2M_A_INFO_MAX_ID, KLWM2M_A_INFO_MAX_DEPTH,
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!tb[need[i]])
			return -EBADMSG;
	memset(info, 0, sizeof(*info));
	info->abi_version = nla_get_u32(tb[KLWM2M_A_INFO_ABI_VERSION]);
	nla_strlcpy(info->module_version, tb[KLWM2M_A_INFO_MODULE_VERSION],
		    sizeof(info->module_version));
	info->max_value_size = nla_get_u32(tb[KLWM2M_A_INFO_MAX_VALUE_SIZE]);
	info->store_budget = nla_get_u64(tb[KLWM2M_A_INFO_STORE_BUDGET]);
	info->store_used = nla_get_u64(tb[KLWM2M_A_INFO_STORE_USED]);
	info->max_id = nla_get_u16(tb[KLWM2M_A_INFO_MAX_ID]);
	info->max_depth = nla_get_u8(tb[KLWM2M_A_INFO_MAX_DEPTH]);
	return 0;
}

KLWM2M_API int klwm2m_info(struct klwm2m *k, struct klwm2m_info *info)
{
	struct nl_msg *msg = new_request(k, KLWM2M_CMD_INFO);

	if (!msg)
		return -ENOMEM;
	return klwm2m_transact(k, msg, KLWM2M_A_INFO_MAX, parse_info, info);
}

static int open_fail(struct klwm2m *k, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int open_fail(struct klwm2m *k, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	klwm2m_close(k);
	return err;
}

KLWM2M_API int klwm2m_open(struct klwm2m **out)
{
	struct klwm2m_info info;
	struct klwm2m *k;
	int one = 1, err, fd;

	*out = NULL;
	last_error[0] = '\0';
	k = calloc(1, sizeof(*k));
	if (!k)
		return open_fail(NULL, -ENOMEM, "out of memory");
	k->erroff = -1;
	k->q_tail = &k->q_head;
	k->epfd = -1;
	k->evfd = -1;
	k->sk = nl_socket_alloc();
	k->rbuf = malloc(KLWM2M_RECV_BUFFER);
	if (!k->sk || !k->rbuf)
		return open_fail(k, -ENOMEM, "out of memory");
	err = genl_connect(k->sk);
	if (err)
		return open_fail(k, klwm2m_nle_to_errno(err), "cannot open a netlink socket: %s",
				 nl_geterror(err));
	/*
	 * Values reach KLWM2M_VALUE_WIRE_MAX and batches hold many: large
	 * socket buffers (the kernel caps them at [rw]mem_max) and a receive
	 * buffer that takes any message the module sends at once, so that
	 * no message need be peeked at first (a second system call per
	 * reply). A larger message would fail with -EMSGSIZE, not be cut.
	 * Replies are read here (klwm2m_recv()), libnl's settings serve its
	 * own reads (resolving the family).
	 */
	err = nl_socket_set_buffer_size(k->sk, KLWM2M_SOCKET_BUFFER, KLWM2M_SOCKET_BUFFER);
	if (err)
		return open_fail(k, klwm2m_nle_to_errno(err), "cannot size the socket's buffers: %s",
				 nl_geterror(err));
	nl_socket_disable_msg_peek(k->sk);
	err = nl_socket_set_msg_buf_size(k->sk, KLWM2M_RECV_BUFFER);
	if (err)
		return open_fail(k, klwm2m_nle_to_errno(err), "cannot size the receive buffer: %s",
				 nl_geterror(err));
	fd = nl_socket_get_fd(k->sk);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		return open_fail(k, -errno, "cannot enable extended ACKs: %s", strerror(errno));

	k->family = genl_ctrl_resolve(k->sk, KLWM2M_GENL_NAME);
	if (k->family < 0) {
		err = klwm2m_nle_to_errno(k->family);
		if (err == -ENOENT)
			return open_fail(k, err, "the klwm2m module is not loaded "
					 "(no generic netlink family \"%s\")", KLWM2M_GENL_NAME);
		return open_fail(k, err, "cannot resolve the \"%s\" family: %s",
				 KLWM2M_GENL_NAME, nl_geterror(k->family));
	}

	err = klwm2m_info(k, &info);
	if (err)
		return open_fail(k, err, "INFO failed: %s", k->errmsg[0] ? k->errmsg :
				 klwm2m_strerror(err));
	if (info.abi_version != KLWM2M_ABI_VERSION)
		return open_fail(k, -EPROTO, "the module speaks ABI %u, this library ABI %u",
				 info.abi_version, KLWM2M_ABI_VERSION);
	*out = k;
	return 0;
}

KLWM2M_API uint32_t klwm2m_portid(const struct klwm2m *k)
{
	return nl_socket_get_local_port(k->sk);
}

KLWM2M_API void klwm2m_close(struct klwm2m *k)
{
	if (!k)
		return;
	nl_socket_free(k->sk);
	nlmsg_free(k->setreq);
	klwm2m_queue_free(k);
	free(k->rbuf);
	free(k);
}
