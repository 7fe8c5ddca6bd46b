// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: change events on the "events" multicast group (see the Events
 * section of uapi/linux/klwm2m.h). Built only when someone listens.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/klwm2m.h>
#include <net/genetlink.h>

#include "klwm2m.h"

static size_t path_size(void)
{
	return nla_total_size(4 * nla_total_size(sizeof(u16)));
}

/**
 * klwm2m_put_path() - put a path nest, with as many IDs as its depth
 * @msg: the message
 * @type: the nest's attribute type
 * @p: the path, depth 1..4
 *
 * Return: 0 or -EMSGSIZE.
 */
int klwm2m_put_path(struct sk_buff *msg, int type, const struct klwm2m_path *p)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest || nla_put_u16(msg, KLWM2M_A_PATH_OBJ, p->oid) ||
	    (p->depth >= 2 && nla_put_u16(msg, KLWM2M_A_PATH_INST, p->iid)) ||
	    (p->depth >= 3 && nla_put_u16(msg, KLWM2M_A_PATH_RES, p->rid)) ||
	    (p->depth >= 4 && nla_put_u16(msg, KLWM2M_A_PATH_RINST, p->riid))) {
		if (nest)
			nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static void send_event(struct net *net, u32 portid, int server, u8 kind,
		       const struct klwm2m_path *one, const struct klwm2m_set *ops,
		       unsigned int n)
{
	struct sk_buff *msg;
	unsigned int i;
	size_t size;
	void *hdr;

	if (!genl_has_listeners(&klwm2m_family, net, KLWM2M_GRP_EVENTS))
		return;
	size = nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(u16)) + (one ? 1 : n) * path_size();
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto lost;
	hdr = genlmsg_put(msg, 0, 0, &klwm2m_family, 0, KLWM2M_CMD_EVENT);
	if (!hdr)
		goto lost_free;
	if (nla_put_u8(msg, KLWM2M_A_EVENT_KIND, kind) ||
	    nla_put_u32(msg, KLWM2M_A_EVENT_PORTID, portid) ||
	    (server > 0 && nla_put_u16(msg, KLWM2M_A_EVENT_SERVER, server)))
		goto lost_free;
	if (one && klwm2m_put_path(msg, KLWM2M_A_EVENT_PATH, one))
		goto lost_free;
	for (i = 0; !one && i < n; i++)
		if (klwm2m_put_path(msg, KLWM2M_A_EVENT_PATH, &ops[i].path))
			goto lost_free;
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&klwm2m_family, net, msg, 0, KLWM2M_GRP_EVENTS, GFP_KERNEL);
	return;

lost_free:
	nlmsg_free(msg);
lost:
	/* Listeners learn that they missed an event, as on an overrun. */
	genl_set_err(&klwm2m_family, net, 0, KLWM2M_GRP_EVENTS, ENOBUFS);
}

/**
 * klwm2m_event_path() - announce a defined/undefined object or a created/deleted instance
 * @net: the namespace
 * @portid: the requesting socket's port ID
 * @kind: enum klwm2m_event_kind
 * @p: the object (depth 1) or instance (depth 2)
 */
void klwm2m_event_path(struct net *net, u32 portid, u8 kind, const struct klwm2m_path *p)
{
	send_event(net, portid, 0, kind, p, NULL, 0);
}

/**
 * klwm2m_event_batch() - announce a committed batch as one VALUE_CHANGED event
 * @net: the namespace
 * @portid: the requesting socket's port ID
 * @server: the short server ID the agent wrote for, or 0
 * @ops: the batch, in its order
 * @n: its entries
 */
void klwm2m_event_batch(struct net *net, u32 portid, int server,
			const struct klwm2m_set *ops, unsigned int n)
{
	send_event(net, portid, server, KLWM2M_EVENT_VALUE_CHANGED, NULL, ops, n);
}
