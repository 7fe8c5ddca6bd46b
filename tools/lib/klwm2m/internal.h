/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libklwm2m internals: not installed, not for applications. */
#ifndef KLWM2M_INTERNAL_H
#define KLWM2M_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "libklwm2m.h"

#define KLWM2M_API __attribute__((visibility("default")))

struct nl_sock;
struct nl_msg;
struct nlattr;

/* Socket buffers asked for (the kernel caps them at net.core.[rw]mem_max). */
#define KLWM2M_SOCKET_BUFFER	(1 << 20)
/*
 * What libnl reads at once: more than the largest datagram the module sends
 * (a dump part holds the longest value, KLWM2M_VALUE_WIRE_MAX, plus headers,
 * about 70 KiB), so no message is ever peeked at first (one recvmsg per
 * reply, not two), and below glibc's mmap threshold (128 KiB).
 */
#define KLWM2M_RECV_BUFFER	(96 * 1024)

/* Unsolicited messages queued at most on a handle; past it they count as lost. */
#define KLWM2M_QUEUE_MAX	4096

/* One unsolicited message, as received (queue.c). */
struct klwm2m_note {
	struct klwm2m_note *next;
	size_t len;
	_Alignas(8) unsigned char msg[];
};

struct klwm2m {
	struct nl_sock *sk;
	int family;
	char errmsg[256];
	int erroff;
	unsigned char *rbuf;		/* one datagram, KLWM2M_RECV_BUFFER bytes */
	/*
	 * Messages the kernel sent on its own (sequence number 0: executes,
	 * samples, server writes, results), read while waiting for a reply,
	 * for klwm2m_process() and klwm2m_exec() (queue.c).
	 */
	struct klwm2m_note *q_head, **q_tail;
	unsigned int q_len;
	int overrun;			/* messages were lost: klwm2m_process() says so */
	int epfd, evfd;			/* klwm2m_fd(): -1 until asked for */
	int signalled;			/* evfd reads as ready */
	struct nl_msg *setreq;		/* SET's and GET's request, kept: klwm2m_kept_request() */
};

/*
 * The kernel's extended ACK, taken from an NLMSG_ERROR message.
 * msg is "" and offset -1 when the kernel gave none.
 */
struct klwm2m_ack {
	int error;		/* 0 or -errno */
	char msg[256];
	int offset;		/* offset of the bad attribute in the request, or -1 */
};

/*
 * Exported for libklwm2m-ddf only (version LIBKLWM2M_PRIVATE, no public
 * header): klwm2m_last_error() must say why a DDF file was refused.
 */
KLWM2M_API void klwm2m_set_last_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int klwm2m_parse_ack(const struct nlmsghdr *nlh, size_t len, struct klwm2m_ack *ack);
int klwm2m_parse_done(const struct nlmsghdr *nlh, size_t len, struct klwm2m_ack *ack);
int klwm2m_nle_to_errno(int nle);
void klwm2m_clear_err(struct klwm2m *k);

/* A request of @cmd with genl @flags (NLM_F_DUMP) and room for @size bytes. */
/*
 * klwm2m_kept_request() - klwm2m_new_request() for a request of at most
 * KLWM2M_REQ_KEEP bytes, in a buffer the handle keeps from one request to the
 * next: a fresh one is allocated and zeroed per request otherwise, which was
 * a tenth of a 100-value batch's cost (SET) and of a small dump's (GET).
 * Freed (nlmsg_free) as any request. There is one such buffer: a caller
 * builds and sends its request before anything else asks for one (as
 * every exchange does, within one call).
 */
#define KLWM2M_REQ_KEEP 16384
struct nl_msg *klwm2m_kept_request(struct klwm2m *k, uint8_t cmd, int flags, size_t size);
struct nl_msg *klwm2m_new_request(struct klwm2m *k, uint8_t cmd, int flags, size_t size);
/*
 * Send @msg (consumed), read the reply until the ACK, hand each reply
 * message's attributes (up to @maxattr) to @parse. 0 or -errno, the
 * kernel's message kept on @k.
 */
int klwm2m_transact(struct klwm2m *k, struct nl_msg *msg, int maxattr,
		    int (*parse)(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg), void *arg);
/* The same for a dump; *@interrupted tells whether NLM_F_DUMP_INTR was seen. */
int klwm2m_transact_dump(struct klwm2m *k, struct nl_msg *msg, int maxattr,
			 int (*parse)(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg), void *arg, int *interrupted);

/*
 * Send @req, a complete request whose flags, sequence number and port are
 * set here (no NLM_F_ACK), and read until its one reply or error: one send
 * and one receive. @parse sees the reply message itself (its genetlink
 * header checked), and its failure is returned.
 */
int klwm2m_transact_one(struct klwm2m *k, struct nlmsghdr *req,
			int (*parse)(const struct nlmsghdr *nlh, void *arg), void *arg);

/*
 * Reads one datagram from the kernel into k->rbuf; @flags: 0 or MSG_DONTWAIT.
 * Return: its length; -EAGAIN; -ENOBUFS (the socket overran: messages were
 * lost); -EMSGSIZE (larger than the buffer: lost); another -errno.
 */
int klwm2m_recv(struct klwm2m *k, int flags);
/* Unsolicited messages (queue.c): a copy of @nlh joins the queue, or counts as lost. */
int klwm2m_is_note(const struct klwm2m *k, const struct nlmsghdr *nlh);
void klwm2m_queue(struct klwm2m *k, const struct nlmsghdr *nlh);
void klwm2m_queue_free(struct klwm2m *k);
/* The socket reported ENOBUFS: messages were lost. */
void klwm2m_note_overrun(struct klwm2m *k);
/*
 * Moves what the socket holds now into the queue, without blocking.
 * Return: 0 or -errno (not -ENOBUFS: an overrun is recorded instead).
 */
int klwm2m_drain(struct klwm2m *k);
/* The queued EXEC_RESULT of execute @id, taken out of the queue; 0 when none. */
int klwm2m_take_result(struct klwm2m *k, uint32_t id, int *status);

/* A server-write event's attributes (events.c), paths in *@paths (grown to *@cap). */
int klwm2m_event_fill(const struct nlmsghdr *nlh, struct nlattr **tb, struct klwm2m_event *e,
		      struct klwm2m_path **paths, unsigned int *cap);

/* Paths and values on the wire (store.c). */
int klwm2m_put_path(struct nl_msg *msg, int attrtype, const struct klwm2m_path *p);
int klwm2m_get_path(const struct nlattr *nest, struct klwm2m_path *p);
/*
 * A value from the attributes (set "value") of a GET reply, a dump record or
 * a notification; with @copy its bytes are malloc'd, else they point into
 * the message. 0 or -EBADMSG (or -ENOMEM).
 */
int klwm2m_get_value(struct nlattr **tb, struct klwm2m_value *v, int copy);

/*
 * A notification from a KLWM2M_CMD_NOTIFY message (observe.c), its records
 * in *@recs, malloc'd (NULL when none): free it, also on failure.
 * 0; -EBADMSG; -ENOMEM.
 */
int klwm2m_notification_fill(const struct nlmsghdr *nlh, struct klwm2m_notification *n,
			     struct klwm2m_record **recs);
/* How many top-level attributes of @type a generic netlink message carries (events.c). */
unsigned int klwm2m_count_attrs(const struct nlmsghdr *nlh, int type);
/* Drops the queued notifications of observation @id (queue.c). */
void klwm2m_queue_drop_notes(struct klwm2m *k, uint32_t id);

/* Value helpers (text.c). */
int klwm2m_value_set_bytes(struct klwm2m_value *v, uint8_t type, const void *data, size_t len);
void klwm2m_set_err(struct klwm2m *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
