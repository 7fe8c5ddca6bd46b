// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The notification engine: attributes (KLWM2M_CMD_ATTR_SET, _ATTR_GET),
 * servers' defaults (_SERVER_SET), observations (_OBS_CREATE, _OBS_CANCEL,
 * _OBS_GET, _OBS_RESYNC) and the notifications (KLWM2M_CMD_NOTIFY) that
 * klwm2m_process() delivers (queue.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/klwm2m.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

/* Each attribute: its bit, its netlink attribute, where it lives in struct klwm2m_attrs. */
static const struct attr_field {
	uint32_t flag;
	int nla;
	size_t off;
	int size;		/* on the wire, as in the struct: 1, 4 or 8 (a double's bits) */
} attr_fields[] = {
	{ KLWM2M_ATTR_F_PMIN, KLWM2M_A_ATTR_PMIN, offsetof(struct klwm2m_attrs, pmin), 4 },
	{ KLWM2M_ATTR_F_PMAX, KLWM2M_A_ATTR_PMAX, offsetof(struct klwm2m_attrs, pmax), 4 },
	{ KLWM2M_ATTR_F_GT, KLWM2M_A_ATTR_GT, offsetof(struct klwm2m_attrs, gt), 8 },
	{ KLWM2M_ATTR_F_LT, KLWM2M_A_ATTR_LT, offsetof(struct klwm2m_attrs, lt), 8 },
	{ KLWM2M_ATTR_F_ST, KLWM2M_A_ATTR_ST, offsetof(struct klwm2m_attrs, st), 8 },
	{ KLWM2M_ATTR_F_EPMIN, KLWM2M_A_ATTR_EPMIN, offsetof(struct klwm2m_attrs, epmin), 4 },
	{ KLWM2M_ATTR_F_EPMAX, KLWM2M_A_ATTR_EPMAX, offsetof(struct klwm2m_attrs, epmax), 4 },
	{ KLWM2M_ATTR_F_EDGE, KLWM2M_A_ATTR_EDGE, offsetof(struct klwm2m_attrs, edge), 1 },
	{ KLWM2M_ATTR_F_CON, KLWM2M_A_ATTR_CON, offsetof(struct klwm2m_attrs, con), 1 },
	{ KLWM2M_ATTR_F_HQMAX, KLWM2M_A_ATTR_HQMAX, offsetof(struct klwm2m_attrs, hqmax), 4 },
};
#define NFIELDS (sizeof(attr_fields) / sizeof(attr_fields[0]))

static int check_server(struct klwm2m *k, uint16_t ssid)
{
	if (ssid >= 1 && ssid <= KLWM2M_ID_MAX)
		return 0;
	klwm2m_set_err(k, "a short server ID is 1..%d", KLWM2M_ID_MAX);
	return -EINVAL;
}

/* A request of @cmd naming a server (KLWM2M_A_ATTR_SERVER) and, when @p has a depth, a path. */
static int attr_request(struct klwm2m *k, uint8_t cmd, int flags, uint16_t ssid,
			const struct klwm2m_path *p, struct nl_msg **out)
{
	struct nl_msg *msg;

	*out = NULL;
	if (check_server(k, ssid))
		return -EINVAL;
	msg = klwm2m_new_request(k, cmd, flags, 512);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_ATTR_SERVER, ssid) ||
	    (p && p->depth && klwm2m_put_path(msg, KLWM2M_A_ATTR_PATH, p))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*out = msg;
	return 0;
}

KLWM2M_API int klwm2m_attr_set(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *path,
			       const struct klwm2m_attrs *a, uint32_t clear)
{
	uint32_t set = a ? a->set : 0;
	struct nl_msg *msg;
	int err;

	klwm2m_clear_err(k);
	if ((set | clear) & ~(uint32_t)KLWM2M_ATTR_F_ALL || (set & clear)) {
		klwm2m_set_err(k, (set & clear) ? "an attribute is both set and cleared" :
				  "unknown attribute bits (KLWM2M_ATTR_F_*)");
		return -EINVAL;
	}
	err = attr_request(k, KLWM2M_CMD_ATTR_SET, 0, ssid, path, &msg);
	if (err)
		return err;
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct attr_field *f = &attr_fields[i];

		if ((set & f->flag) &&
		    nla_put(msg, f->nla, f->size, (const char *)a + f->off)) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
	}
	if (clear && nla_put_u32(msg, KLWM2M_A_ATTR_CLEAR, clear)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_ATTR_MAX, NULL, NULL);
}

/* The attributes of an ATTR_GET reply. */
static int get_attrs(struct nlattr **tb, struct klwm2m_attrs *a)
{
	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct attr_field *f = &attr_fields[i];

		if (!tb[f->nla])
			continue;
		if (nla_len(tb[f->nla]) != f->size)
			return -EBADMSG;
		memcpy((char *)a + f->off, nla_data(tb[f->nla]), (size_t)f->size);
		a->set |= f->flag;
	}
	return 0;
}

static int parse_attrs(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	return get_attrs(tb, arg);
}

KLWM2M_API int klwm2m_attr_get(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *path,
			       struct klwm2m_attrs *out)
{
	struct klwm2m_attrs a = { 0 };
	struct nl_msg *msg;
	int err;

	klwm2m_clear_err(k);
	err = attr_request(k, KLWM2M_CMD_ATTR_GET, 0, ssid, path, &msg);
	if (err)
		return err;
	err = klwm2m_transact(k, msg, KLWM2M_A_ATTR_MAX, parse_attrs, &a);
	if (!err)
		*out = a;
	return err;
}

struct attr_dump {
	int (*cb)(const struct klwm2m_path *path, const struct klwm2m_attrs *a, void *arg);
	void *arg;
};

static int parse_attr_record(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	struct attr_dump *d = arg;
	struct klwm2m_attrs a;
	struct klwm2m_path p;

	if (!tb[KLWM2M_A_ATTR_PATH] || klwm2m_get_path(tb[KLWM2M_A_ATTR_PATH], &p) ||
	    get_attrs(tb, &a))
		return -EBADMSG;
	return d->cb(&p, &a, d->arg);
}

KLWM2M_API int klwm2m_attr_dump(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *prefix,
				int (*cb)(const struct klwm2m_path *path,
					  const struct klwm2m_attrs *a, void *arg),
				void *arg)
{
	struct attr_dump d = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int err;

	klwm2m_clear_err(k);
	err = attr_request(k, KLWM2M_CMD_ATTR_GET, NLM_F_DUMP, ssid, prefix, &msg);
	if (err)
		return err;
	return klwm2m_transact(k, msg, KLWM2M_A_ATTR_MAX, parse_attr_record, &d);
}

KLWM2M_API int klwm2m_server_defaults(struct klwm2m *k, uint16_t ssid, int64_t pmin, int64_t pmax)
{
	struct nl_msg *msg;

	klwm2m_clear_err(k);
	if (check_server(k, ssid))
		return -EINVAL;
	if (pmin < -1 || pmin > UINT32_MAX || pmax < -1 || pmax > UINT32_MAX) {
		klwm2m_set_err(k, "a default period is 0..%u seconds, or -1 for none", UINT32_MAX);
		return -EINVAL;
	}
	msg = klwm2m_new_request(k, KLWM2M_CMD_SERVER_SET, 0, 256);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_SERVER_ID, ssid) ||
	    (pmin >= 0 && nla_put_u32(msg, KLWM2M_A_SERVER_PMIN, (uint32_t)pmin)) ||
	    (pmax >= 0 && nla_put_u32(msg, KLWM2M_A_SERVER_PMAX, (uint32_t)pmax))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_SERVER_MAX, NULL, NULL);
}

/* ---------------------------------------------------------------- observations */

static int parse_obs_id(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	if (!tb[KLWM2M_A_OBS_ID])
		return -EBADMSG;
	*(uint32_t *)arg = nla_get_u32(tb[KLWM2M_A_OBS_ID]);
	return 0;
}

KLWM2M_API int klwm2m_observe(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *path,
			      uint32_t flags, uint32_t *id)
{
	struct nl_msg *msg;
	uint32_t got = 0;
	int err;

	klwm2m_clear_err(k);
	if (ssid && check_server(k, ssid))
		return -EINVAL;
	msg = klwm2m_new_request(k, KLWM2M_CMD_OBS_CREATE, 0, 256);
	if (!msg)
		return -ENOMEM;
	if ((ssid && nla_put_u16(msg, KLWM2M_A_OBS_SERVER, ssid)) ||
	    klwm2m_put_path(msg, KLWM2M_A_OBS_PATH, path) ||
	    (flags && nla_put_u32(msg, KLWM2M_A_OBS_FLAGS, flags))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	/* With KLWM2M_OBS_F_INITIAL the first notification follows the reply: it is queued. */
	err = klwm2m_transact(k, msg, KLWM2M_A_OBS_MAX, parse_obs_id, &got);
	if (!err && id)
		*id = got;
	return err;
}

/* A request of @cmd that carries the observation ID @id, or none when @id is 0. */
static int obs_request(struct klwm2m *k, uint8_t cmd, uint32_t id)
{
	struct nl_msg *msg;

	klwm2m_clear_err(k);
	msg = klwm2m_new_request(k, cmd, 0, 128);
	if (!msg)
		return -ENOMEM;
	if (id && nla_put_u32(msg, KLWM2M_A_OBS_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_OBS_MAX, NULL, NULL);
}

KLWM2M_API int klwm2m_observe_cancel(struct klwm2m *k, uint32_t id)
{
	int err = obs_request(k, KLWM2M_CMD_OBS_CANCEL, id);

	/*
	 * The kernel sent the observation's last notification before its
	 * ACK, which the exchange read: any that came is in the queue now.
	 */
	if (!err)
		klwm2m_queue_drop_notes(k, id);
	return err;
}

KLWM2M_API int klwm2m_observe_resync(struct klwm2m *k)
{
	return obs_request(k, KLWM2M_CMD_OBS_RESYNC, 0);
}

struct obs_dump {
	int (*cb)(const struct klwm2m_observation *o, void *arg);
	void *arg;
};

static int parse_observation(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	struct obs_dump *d = arg;
	struct klwm2m_observation o = { 0 };

	if (!tb[KLWM2M_A_OBS_ID] || !tb[KLWM2M_A_OBS_PATH] || !tb[KLWM2M_A_OBS_PORTID] ||
	    klwm2m_get_path(tb[KLWM2M_A_OBS_PATH], &o.path))
		return -EBADMSG;
	o.id = nla_get_u32(tb[KLWM2M_A_OBS_ID]);
	o.portid = nla_get_u32(tb[KLWM2M_A_OBS_PORTID]);
	if (tb[KLWM2M_A_OBS_SERVER])
		o.ssid = nla_get_u16(tb[KLWM2M_A_OBS_SERVER]);
	if (tb[KLWM2M_A_OBS_FLAGS])
		o.flags = nla_get_u32(tb[KLWM2M_A_OBS_FLAGS]);
	if (tb[KLWM2M_A_OBS_SEQ])
		o.seq = nla_get_u32(tb[KLWM2M_A_OBS_SEQ]);
	return d->cb(&o, d->arg);
}

KLWM2M_API int klwm2m_observations(struct klwm2m *k,
				   int (*cb)(const struct klwm2m_observation *o, void *arg),
				   void *arg)
{
	struct obs_dump d = { .cb = cb, .arg = arg };
	struct nl_msg *msg;

	klwm2m_clear_err(k);
	msg = klwm2m_new_request(k, KLWM2M_CMD_OBS_GET, NLM_F_DUMP, 128);
	if (!msg)
		return -ENOMEM;
	return klwm2m_transact(k, msg, KLWM2M_A_OBS_MAX, parse_observation, &d);
}

/* ---------------------------------------------------------------- notifications */

/* One KLWM2M_A_NOTIFY_VALUE nest as a record; its bytes point into the message. */
static int get_record(struct nlattr *nest, struct klwm2m_record *r)
{
	struct nlattr *tb[KLWM2M_A_VALUE_MAX + 1];

	memset(r, 0, sizeof(*r));
	r->kind = KLWM2M_RECORD_VALUE;
	if (nla_parse_nested(tb, KLWM2M_A_VALUE_MAX, nest, NULL) || !tb[KLWM2M_A_VALUE_PATH] ||
	    klwm2m_get_path(tb[KLWM2M_A_VALUE_PATH], &r->path))
		return -EBADMSG;
	return klwm2m_get_value(tb, &r->value, 0);
}

int klwm2m_notification_fill(const struct nlmsghdr *nlh, struct klwm2m_notification *n,
			     struct klwm2m_record **recs)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[KLWM2M_A_NOTIFY_MAX + 1], *a;
	unsigned int count = klwm2m_count_attrs(nlh, KLWM2M_A_NOTIFY_VALUE);
	int rem, err;

	memset(n, 0, sizeof(*n));
	*recs = NULL;
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KLWM2M_A_NOTIFY_MAX, NULL) ||
	    !tb[KLWM2M_A_NOTIFY_OBS] || !tb[KLWM2M_A_NOTIFY_SEQ] || !tb[KLWM2M_A_NOTIFY_TIME] ||
	    !tb[KLWM2M_A_NOTIFY_REASON])
		return -EBADMSG;
	n->id = nla_get_u32(tb[KLWM2M_A_NOTIFY_OBS]);
	n->seq = nla_get_u32(tb[KLWM2M_A_NOTIFY_SEQ]);
	n->time_ns = nla_get_u64(tb[KLWM2M_A_NOTIFY_TIME]);
	n->reason = nla_get_u8(tb[KLWM2M_A_NOTIFY_REASON]);
	n->con = !!tb[KLWM2M_A_NOTIFY_CON];
	if (!count)
		return 0;
	*recs = calloc(count, sizeof(**recs));
	if (!*recs)
		return -ENOMEM;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		if (nla_type(a) != KLWM2M_A_NOTIFY_VALUE)
			continue;
		err = get_record(a, &(*recs)[n->nrecords]);
		if (err)
			return err;
		n->nrecords++;
	}
	n->records = *recs;
	return 0;
}
