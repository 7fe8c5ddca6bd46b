// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#include <linux/klwm2m.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int genl_open(void)
{
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void genl_req_init(struct genl_req *r, uint16_t family, uint16_t flags, uint8_t cmd,
		   uint8_t version)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&r->nlh);
	g->cmd = cmd;
	g->version = version;
}

size_t genl_req_put(struct genl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nlh.nlmsg_len);
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = off + NLA_ALIGN(a->nla_len);
	return off;
}

size_t genl_req_nest(struct genl_req *r, uint16_t type)
{
	return genl_req_put(r, type | NLA_F_NESTED, NULL, 0);
}

void genl_req_nest_end(struct genl_req *r, size_t off)
{
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	a->nla_len = r->nlh.nlmsg_len - off;
}

const struct nlattr *genl_nested(const struct nlattr *nest, uint16_t type)
{
	const char *p = (const char *)nest + NLA_HDRLEN, *end = (const char *)nest + nest->nla_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static void parse_attrs(struct genl_ack *a, char *p, const char *end)
{
	while (p + NLA_HDRLEN <= end) {
		struct nlattr *nla = (struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || p + nla->nla_len > end)
			return;
		if ((nla->nla_type & NLA_TYPE_MASK) < 64)
			a->tb[nla->nla_type & NLA_TYPE_MASK] = nla;
		p += NLA_ALIGN(nla->nla_len);
	}
}

static void parse_err(struct genl_ack *a, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);
	char *p, *end = (char *)nlh + nlh->nlmsg_len;

	a->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	for (p = (char *)e + off; p + NLA_HDRLEN <= end;) {
		struct nlattr *nla = (struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || p + nla->nla_len > end)
			break;
		if (nla->nla_type == NLMSGERR_ATTR_MSG)
			strncpy(a->msg, p + NLA_HDRLEN, sizeof(a->msg) - 1);
		else if (nla->nla_type == NLMSGERR_ATTR_OFFS)
			memcpy(&a->offset, p + NLA_HDRLEN, sizeof(a->offset));
		else if (nla->nla_type == NLMSGERR_ATTR_MISS_TYPE)
			memcpy(&a->miss_type, p + NLA_HDRLEN, sizeof(a->miss_type));
		p += NLA_ALIGN(nla->nla_len);
	}
}

size_t genl_put_value(struct genl_req *r, uint16_t oid, uint16_t iid, uint16_t rid, int riid,
		      uint8_t type, const void *data, size_t len)
{
	size_t nest = genl_req_nest(r, KLWM2M_A_SET_VALUE), path;

	path = genl_req_nest(r, KLWM2M_A_VALUE_PATH);
	put_u16(r, KLWM2M_A_PATH_OBJ, oid);
	put_u16(r, KLWM2M_A_PATH_INST, iid);
	put_u16(r, KLWM2M_A_PATH_RES, rid);
	if (riid >= 0)
		put_u16(r, KLWM2M_A_PATH_RINST, riid);
	genl_req_nest_end(r, path);
	put_u8(r, KLWM2M_A_VALUE_TYPE, type);
	if (data)
		genl_req_put(r, KLWM2M_A_VALUE_DATA, data, len);
	genl_req_nest_end(r, nest);
	return nest;
}

/*
 * Unsolicited messages (sequence number 0: notifications) that arrive while
 * genl_exchange() waits for its reply, kept for genl_recv() in order.
 */
#define PENDING_MAX 64

static struct pending {
	int fd;
	size_t len;
	char msg[8192];
} pending[PENDING_MAX];
static int npending;

static void keep_pending(int fd, const struct nlmsghdr *nlh)
{
	if (npending == PENDING_MAX || nlh->nlmsg_len > sizeof(pending[0].msg))
		return;	/* the test will miss it and say so */
	pending[npending].fd = fd;
	pending[npending].len = nlh->nlmsg_len;
	memcpy(pending[npending].msg, nlh, nlh->nlmsg_len);
	npending++;
}

static ssize_t take_pending(int fd, char *buf, size_t size)
{
	for (int i = 0; i < npending; i++) {
		size_t len = pending[i].len;

		if (pending[i].fd != fd || len > size)
			continue;
		memcpy(buf, pending[i].msg, len);
		memmove(&pending[i], &pending[i + 1], (npending - i - 1) * sizeof(pending[0]));
		npending--;
		return (ssize_t)len;
	}
	return -1;
}

int genl_exchange(int fd, struct genl_req *r, struct genl_ack *a)
{
	return genl_exchange_notes(fd, r, a, NULL, 0, NULL);
}

/* An unsolicited message (sequence number 0) met during an exchange, parsed into @a. */
static void keep_note(struct genl_ack *a, const struct nlmsghdr *nlh)
{
	memset(a, 0, sizeof(*a));
	a->offset = -1;
	if (nlh->nlmsg_len > sizeof(a->reply) || nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	memcpy(a->reply, nlh, nlh->nlmsg_len);
	a->replied = 1;
	nlh = (struct nlmsghdr *)a->reply;
	parse_attrs(a, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN, (char *)nlh + nlh->nlmsg_len);
}

int genl_exchange_notes(int fd, struct genl_req *r, struct genl_ack *a, struct genl_ack *notes,
			int max, int *nnotes)
{
	static uint32_t seq;
	char buf[16384];

	memset(a, 0, sizeof(*a));
	a->offset = -1;
	if (nnotes)
		*nnotes = 0;
	r->nlh.nlmsg_flags |= NLM_F_ACK;
	r->nlh.nlmsg_seq = ++seq;
	if (send(fd, r->buf, r->nlh.nlmsg_len, 0) < 0)
		return -errno;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (!nlh->nlmsg_seq && nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
				if (notes && *nnotes < max)
					keep_note(&notes[(*nnotes)++], nlh);
				else
					keep_pending(fd, nlh);
			}
			if (nlh->nlmsg_seq != r->nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_err(a, nlh);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_len > sizeof(a->reply))
				return -EMSGSIZE;
			memcpy(a->reply, nlh, nlh->nlmsg_len);
			a->replied = 1;
			nlh = (struct nlmsghdr *)a->reply;
			parse_attrs(a, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
				    (char *)nlh + nlh->nlmsg_len);
		}
	}
}

int genl_family(int fd, const char *name)
{
	struct genl_req r;
	struct genl_ack a;
	int err;

	genl_req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	genl_req_put(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	err = genl_exchange(fd, &r, &a);
	if (err)
		return err;
	if (a.error)
		return a.error;
	if (!a.tb[CTRL_ATTR_FAMILY_ID])
		return -ENOENT;
	return *(uint16_t *)((char *)a.tb[CTRL_ATTR_FAMILY_ID] + NLA_HDRLEN);
}

/* Dumps may carry a value of max_value_size (65480 bytes by default) in one part. */
static char dump_buf[256 * 1024];

int genl_dump_send(int fd, struct genl_req *r)
{
	static uint32_t seq = 1u << 30;

	r->nlh.nlmsg_flags |= NLM_F_DUMP;
	r->nlh.nlmsg_seq = ++seq;
	return send(fd, r->buf, r->nlh.nlmsg_len, 0) < 0 ? -errno : 0;
}

int genl_dump(int fd, struct genl_req *r, genl_record_fn fn, void *arg, struct genl_ack *a,
	      int *intr)
{
	int err = genl_dump_send(fd, r);

	return err ? err : genl_dump_recv(fd, r, fn, arg, a, intr);
}

int genl_dump_recv(int fd, const struct genl_req *r, genl_record_fn fn, void *arg,
		   struct genl_ack *a, int *intr)
{
	int records = 0;

	memset(a, 0, sizeof(*a));
	a->offset = -1;
	*intr = 0;
	for (;;) {
		ssize_t n = recv(fd, dump_buf, sizeof(dump_buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)dump_buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			struct nlattr *tb[64] = { };
			struct genl_ack rec;

			if (nlh->nlmsg_seq != r->nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = 1;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_err(a, nlh);
				return records;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&a->error, NLMSG_DATA(nlh), sizeof(a->error));
				return records;
			}
			memset(&rec, 0, sizeof(rec));
			parse_attrs(&rec, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
				    (char *)nlh + nlh->nlmsg_len);
			memcpy(tb, rec.tb, sizeof(tb));
			records++;
			if (fn && fn(tb, arg))
				return records;
		}
	}
}

int genl_mcast_group(int fd, const char *family, const char *group)
{
	const struct nlattr *groups, *g;
	struct genl_req r;
	struct genl_ack a;
	const char *p, *end;
	int err;

	genl_req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	genl_req_put(&r, CTRL_ATTR_FAMILY_NAME, family, strlen(family) + 1);
	err = genl_exchange(fd, &r, &a);
	if (err || a.error)
		return err ? err : a.error;
	groups = a.tb[CTRL_ATTR_MCAST_GROUPS];
	if (!groups)
		return -ENOENT;
	end = (const char *)groups + groups->nla_len;
	for (p = (const char *)groups + NLA_HDRLEN; p + NLA_HDRLEN <= end;) {
		const struct nlattr *name, *id;

		g = (const struct nlattr *)p;
		if (g->nla_len < NLA_HDRLEN || p + g->nla_len > end)
			break;
		name = genl_nested(g, CTRL_ATTR_MCAST_GRP_NAME);
		id = genl_nested(g, CTRL_ATTR_MCAST_GRP_ID);
		if (name && id && !strcmp((const char *)name + NLA_HDRLEN, group))
			return *(const uint32_t *)((const char *)id + NLA_HDRLEN);
		p += NLA_ALIGN(g->nla_len);
	}
	return -ENOENT;
}

int genl_recv(int fd, struct genl_ack *a, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct nlmsghdr *nlh = (struct nlmsghdr *)a->reply;
	ssize_t n;
	int ret;

	memset(a, 0, sizeof(*a));
	a->offset = -1;
	n = take_pending(fd, a->reply, sizeof(a->reply));
	if (n < 0) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
		n = recv(fd, a->reply, sizeof(a->reply), 0);
		if (n < 0)
			return -errno;
	}
	if (!NLMSG_OK(nlh, (size_t)n) || nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EBADMSG;
	a->replied = 1;
	parse_attrs(a, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN, (char *)nlh + nlh->nlmsg_len);
	return ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
}

size_t put_res(struct genl_req *r, uint16_t id, const char *name, uint8_t type, uint8_t ops,
	       uint32_t flags)
{
	size_t nest = genl_req_nest(r, KLWM2M_A_OBJ_RES);

	put_u16(r, KLWM2M_A_RES_ID, id);
	put_str(r, KLWM2M_A_RES_NAME, name);
	put_u8(r, KLWM2M_A_RES_TYPE, type);
	put_u8(r, KLWM2M_A_RES_OPS, ops);
	if (flags)
		put_u32(r, KLWM2M_A_RES_FLAGS, flags);
	return nest;
}

#define NOBODY 65534

int as_nobody(int family, int (*fn)(int fd, int family))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd;

		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		fd = genl_open();
		if (fd < 0)
			_exit(101);
		_exit(fn(fd, family));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

uint32_t genl_portid(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return 0;
	return sa.nl_pid;
}
