// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: executes and server writes reach apps (the section of that name in
 * uapi/linux/klwm2m.h). An app's socket claims an object or one instance of
 * it (OWN); an execute the agent asks for (EXEC) goes to the owner as an
 * EXEC_REQUEST, and the agent gets exactly one EXEC_RESULT back: the owner's
 * status (EXEC_DONE), -ETIMEDOUT or -EPIPE. The writes servers make reach the
 * owners as unicast EVENTs; the notification engine asks them for fresh
 * values with SAMPLE.
 *
 * Locking, per namespace (struct klwm2m_exec):
 * - ex->lock, a mutex, serialises every change to the claims (ex->owners)
 *   and to the pending executes (ex->pending), and the sending of results.
 * - Claims are read under RCU (SAMPLE may come from a timer), freed after a
 *   grace period. Pending executes are only touched under ex->lock.
 * - A pending execute belongs to whoever takes it out of ex->pending under
 *   ex->lock: that one sends its result (if any) and, after dropping the
 *   lock, cancels its timeout synchronously and frees it. The timeout work
 *   takes the lock too, so it never frees an execute someone else took, and
 *   the taker never waits for the work while holding the lock.
 * - Sockets are identified by port ID and socket: a closing socket leaves
 *   the port table before netlink tells us (NETLINK_URELEASE), so its ID may
 *   be bound again in between. The socket is marked dead (SOCK_DEAD) first,
 *   and is freed only after the notifier ran, which takes ex->lock: under
 *   ex->lock, or under RCU for a claim found there, a recorded socket may be
 *   looked at. A claim of a dead socket counts for nothing.
 * Nothing here sleeps while waiting for an app: the timeout is delayed work,
 * on a workqueue of the module's, flushed when a namespace goes (a timeout
 * that completed its execute frees it, so no one else could wait for it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/klwm2m.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "exec.h"
#include "klwm2m.h"

/* exec_timeout_ms may be set from 1 ms to 10 minutes. */
#define KLWM2M_EXEC_TIMEOUT_MAX_MS	600000

/* Not const: on 6.1, struct nla_policy points at a mutable one. */
static struct netlink_range_validation own_id_range = {
	.max = KLWM2M_ID_MAX,
};

static struct netlink_range_validation exec_ssid_range = {
	.min = 1,
	.max = KLWM2M_ID_MAX,
};

const struct nla_policy klwm2m_own_policy[KLWM2M_A_OWN_MAX + 1] = {
	[KLWM2M_A_OWN_OBJ]	= NLA_POLICY_FULL_RANGE(NLA_U16, &own_id_range),
	[KLWM2M_A_OWN_INST]	= NLA_POLICY_FULL_RANGE(NLA_U16, &own_id_range),
};

const struct nla_policy klwm2m_exec_policy[KLWM2M_A_EXEC_MAX + 1] = {
	[KLWM2M_A_EXEC_ID]	= { .type = NLA_REJECT,
				    .reject_message = "the kernel assigns execute IDs" },
	[KLWM2M_A_EXEC_PATH]	= _NLA_POLICY_NESTED(KLWM2M_A_PATH_MAX, klwm2m_path_policy),
	[KLWM2M_A_EXEC_ARGS]	= { .type = NLA_BINARY, .len = KLWM2M_EXEC_ARGS_MAX },
	[KLWM2M_A_EXEC_SERVER]	= NLA_POLICY_FULL_RANGE(NLA_U16, &exec_ssid_range),
	[KLWM2M_A_EXEC_STATUS]	= { .type = NLA_REJECT,
				    .reject_message = "the owner answers with EXEC_DONE" },
};

static const char exec_done_only[] = "EXEC_DONE takes an execute ID and a status only";

const struct nla_policy klwm2m_exec_done_policy[KLWM2M_A_EXEC_MAX + 1] = {
	[KLWM2M_A_EXEC_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[KLWM2M_A_EXEC_PATH]	= { .type = NLA_REJECT, .reject_message = exec_done_only },
	[KLWM2M_A_EXEC_ARGS]	= { .type = NLA_REJECT, .reject_message = exec_done_only },
	[KLWM2M_A_EXEC_SERVER]	= { .type = NLA_REJECT, .reject_message = exec_done_only },
	[KLWM2M_A_EXEC_STATUS]	= NLA_POLICY_RANGE(NLA_S32, -MAX_ERRNO, 0),
};

static struct workqueue_struct *exec_wq;

/**
 * klwm2m_exec_module_init() - what executes need once for the module
 *
 * Return: 0 or -ENOMEM.
 */
int __init klwm2m_exec_module_init(void)
{
	exec_wq = alloc_workqueue("klwm2m_exec", 0, 0);
	return exec_wq ? 0 : -ENOMEM;
}

/**
 * klwm2m_exec_module_exit() - undo klwm2m_exec_module_init(), after every namespace went
 */
void klwm2m_exec_module_exit(void)
{
	destroy_workqueue(exec_wq);
}

/* An object's or an instance's owner. */
struct klwm2m_claim {
	struct rcu_head rcu;
	struct klwm2m_port port;
};

/* An execute sent to its owner, waiting for EXEC_DONE. */
struct klwm2m_pending {
	struct klwm2m_exec *ex;
	struct delayed_work timeout;
	struct list_head reap;		/* once out of ex->pending */
	struct sk_buff *result;		/* EXEC_RESULT, built in advance: sending needs no memory */
	void *result_hdr;
	struct klwm2m_port requester;
	struct klwm2m_port owner;
	u32 id;
};

/**
 * klwm2m_exec_timeout_check() - validate the exec_timeout_ms module parameter
 * @ms: the value
 * @why: set to a human-readable reason when it is refused
 *
 * Return: 0 when @ms is usable, -EINVAL otherwise.
 */
int klwm2m_exec_timeout_check(unsigned int ms, const char **why)
{
	if (!ms) {
		*why = "exec_timeout_ms must be at least 1";
		return -EINVAL;
	}
	if (ms > KLWM2M_EXEC_TIMEOUT_MAX_MS) {
		*why = "exec_timeout_ms is above 600000 (10 minutes)";
		return -EINVAL;
	}
	return 0;
}

/**
 * klwm2m_exec_init() - set up a namespace's claims and pending executes
 * @ex: the state
 * @net: its namespace, where results and requests are sent
 * @timeout_ms: how long an execute waits for its owner
 */
void klwm2m_exec_init(struct klwm2m_exec *ex, struct net *net, unsigned int timeout_ms)
{
	mutex_init(&ex->lock);
	xa_init(&ex->owners);
	xa_init_flags(&ex->pending, XA_FLAGS_ALLOC1);
	ex->next_id = 1;
	ex->timeout = msecs_to_jiffies(timeout_ms);
	ex->net = net;
}

/* Claims of an object and of its instances, in one table. */
static unsigned long claim_key(u16 oid, int iid)
{
	return (unsigned long)oid << 16 | (iid < 0 ? KLWM2M_ID_NONE : iid);
}

static bool port_is(const struct klwm2m_port *a, const struct klwm2m_port *b)
{
	return a->portid == b->portid && a->sk == b->sk;
}

/* The socket of @port closed, and @portid is its ID. Under ex->lock or RCU. */
static bool port_closed(const struct klwm2m_port *port, u32 portid)
{
	return port->portid == portid && sock_flag(port->sk, SOCK_DEAD);
}

static struct klwm2m_claim *claim_live(struct klwm2m_claim *c)
{
	return c && !sock_flag(c->port.sk, SOCK_DEAD) ? c : NULL;
}

/* The owner of @p: its instance's, else its object's. Under ex->lock or RCU. */
static struct klwm2m_claim *owner_of(struct klwm2m_exec *ex, const struct klwm2m_path *p)
{
	struct klwm2m_claim *c = NULL;

	if (p->depth >= 2)
		c = claim_live(xa_load(&ex->owners, claim_key(p->oid, p->iid)));
	return c ?: claim_live(xa_load(&ex->owners, claim_key(p->oid, -1)));
}

static void busy(struct netlink_ext_ack *extack, int iid)
{
	if (iid < 0)
		NL_SET_ERR_MSG(extack, "another socket owns the object");
	else
		NL_SET_ERR_MSG(extack, "another socket owns the instance");
}

/**
 * klwm2m_exec_own() - make a socket the owner of an object or an instance
 * @ex: the namespace's state
 * @oid: the object
 * @iid: the instance, or -1 for the whole object
 * @port: the claiming socket
 * @extack: for the reason of a refusal
 *
 * The caller checked that the object (and instance) exist and that the
 * socket's sender may write the object. Claiming again what one owns is fine.
 *
 * Return: 0, -EBUSY (another socket owns it) or -ENOMEM.
 */
int klwm2m_exec_own(struct klwm2m_exec *ex, u16 oid, int iid, const struct klwm2m_port *port,
		    struct netlink_ext_ack *extack)
{
	unsigned long key = claim_key(oid, iid);
	struct klwm2m_claim *c, *old;
	int err = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->port = *port;
	mutex_lock(&ex->lock);
	old = xa_load(&ex->owners, key);
	if (old && port_is(&old->port, port)) {
		kfree(c);
	} else if (claim_live(old)) {
		busy(extack, iid);
		kfree(c);
		err = -EBUSY;
	} else {
		/* Free, or left by a socket that is closing. */
		old = xa_store(&ex->owners, key, c, GFP_KERNEL);
		if (xa_is_err(old)) {
			err = xa_err(old);
			kfree(c);
		} else if (old) {
			kfree_rcu(old, rcu);
		}
	}
	mutex_unlock(&ex->lock);
	return err;
}

/**
 * klwm2m_exec_disown() - end a socket's claim on an object or an instance
 * @ex: the namespace's state
 * @oid: the object
 * @iid: the instance, or -1 for the whole object
 * @port: the socket that holds the claim
 * @extack: for the reason of a refusal
 *
 * Return: 0, -ENOENT (nobody owns it) or -EBUSY (another socket does).
 */
int klwm2m_exec_disown(struct klwm2m_exec *ex, u16 oid, int iid, const struct klwm2m_port *port,
		       struct netlink_ext_ack *extack)
{
	unsigned long key = claim_key(oid, iid);
	struct klwm2m_claim *c;
	int err = 0;

	mutex_lock(&ex->lock);
	c = xa_load(&ex->owners, key);
	if (c && port_is(&c->port, port)) {
		xa_erase(&ex->owners, key);
		kfree_rcu(c, rcu);
	} else if (claim_live(c)) {
		busy(extack, iid);
		err = -EBUSY;
	} else {
		if (iid < 0)
			NL_SET_ERR_MSG(extack, "nobody owns the object");
		else
			NL_SET_ERR_MSG(extack, "nobody owns the instance");
		err = -ENOENT;
	}
	mutex_unlock(&ex->lock);
	return err;
}

/* Sends @pe's result with @status and takes it out of the table: the caller reaps it. */
static void complete_locked(struct klwm2m_exec *ex, struct klwm2m_pending *pe, int status)
{
	lockdep_assert_held(&ex->lock);
	xa_erase(&ex->pending, pe->id);
	/* Sized for it when the execute was accepted. */
	if (WARN_ON_ONCE(nla_put_s32(pe->result, KLWM2M_A_EXEC_STATUS, status)))
		return;
	genlmsg_end(pe->result, pe->result_hdr);
	/* A requester whose buffer is full learns it from ENOBUFS, as for any unicast. */
	genlmsg_unicast(ex->net, pe->result, pe->requester.portid);
	pe->result = NULL;
}

/* Takes @pe out of the table without a result (its requester is gone). */
static void drop_locked(struct klwm2m_exec *ex, struct klwm2m_pending *pe)
{
	lockdep_assert_held(&ex->lock);
	xa_erase(&ex->pending, pe->id);
}

/* Frees an execute taken out of the table, once its timeout cannot run. No lock held. */
static void reap(struct klwm2m_pending *pe)
{
	cancel_delayed_work_sync(&pe->timeout);
	nlmsg_free(pe->result);
	kfree(pe);
}

static void reap_list(struct list_head *list)
{
	struct klwm2m_pending *pe, *tmp;

	list_for_each_entry_safe(pe, tmp, list, reap)
		reap(pe);
}

static void exec_timeout(struct work_struct *work)
{
	struct klwm2m_pending *pe = container_of(to_delayed_work(work), struct klwm2m_pending,
						 timeout);
	struct klwm2m_exec *ex = pe->ex;
	bool mine;

	mutex_lock(&ex->lock);
	mine = xa_load(&ex->pending, pe->id) == pe;
	if (mine)
		complete_locked(ex, pe, -ETIMEDOUT);
	mutex_unlock(&ex->lock);
	/* Otherwise its taker waits for this work to end, then frees it. */
	if (mine) {
		nlmsg_free(pe->result);
		kfree(pe);
	}
}

/**
 * klwm2m_exec_release() - a socket closed: its claims end, its executes finish
 * @ex: the namespace's state
 * @portid: the socket's port ID
 *
 * Executes sent to it complete with -EPIPE; executes it asked for are
 * dropped without a result.
 */
void klwm2m_exec_release(struct klwm2m_exec *ex, u32 portid)
{
	struct klwm2m_pending *pe;
	struct klwm2m_claim *c;
	unsigned long index;
	LIST_HEAD(done);

	if (xa_empty(&ex->owners) && xa_empty(&ex->pending))
		return;
	mutex_lock(&ex->lock);
	xa_for_each(&ex->owners, index, c) {
		if (port_closed(&c->port, portid)) {
			xa_erase(&ex->owners, index);
			kfree_rcu(c, rcu);
		}
	}
	xa_for_each(&ex->pending, index, pe) {
		if (port_closed(&pe->requester, portid))
			drop_locked(ex, pe);
		else if (port_closed(&pe->owner, portid))
			complete_locked(ex, pe, -EPIPE);
		else
			continue;
		list_add(&pe->reap, &done);
	}
	mutex_unlock(&ex->lock);
	reap_list(&done);
}

/**
 * klwm2m_exec_destroy() - tear a namespace's state down
 * @ex: the state; no request can reach it any more
 *
 * Pending executes are dropped (their requesters are gone with the
 * namespace), their timeouts cancelled, the claims freed. The lock stays
 * usable: a kernel socket closed later finds empty tables.
 */
void klwm2m_exec_destroy(struct klwm2m_exec *ex)
{
	struct klwm2m_pending *pe;
	struct klwm2m_claim *c;
	unsigned long index;
	LIST_HEAD(done);

	mutex_lock(&ex->lock);
	xa_for_each(&ex->pending, index, pe) {
		drop_locked(ex, pe);
		list_add(&pe->reap, &done);
	}
	xa_for_each(&ex->owners, index, c) {
		xa_erase(&ex->owners, index);
		kfree_rcu(c, rcu);
	}
	mutex_unlock(&ex->lock);
	reap_list(&done);
	/* Timeouts that took their execute may still be returning. */
	flush_workqueue(exec_wq);
	xa_destroy(&ex->pending);
	xa_destroy(&ex->owners);
}

static struct klwm2m_exec *req_exec(struct genl_info *info)
{
	return &klwm2m_pernet(genl_info_net(info))->exec;
}

static struct klwm2m_port req_port(struct sk_buff *skb, struct genl_info *info)
{
	return (struct klwm2m_port){ .portid = info->snd_portid, .sk = NETLINK_CB(skb).sk };
}

static size_t path_size(void)
{
	return nla_total_size(KLWM2M_PATH_DEPTH_MAX * nla_total_size(sizeof(u16)));
}

/*
 * OWN and DISOWN: the object (and instance) they name must exist, and the
 * caller may write the object (or is an admin).
 */
static int own_target(struct sk_buff *skb, struct genl_info *info, u16 *oid, int *iid)
{
	struct klwm2m_store *st = &klwm2m_pernet(genl_info_net(info))->store;
	bool admin = netlink_ns_capable(skb, genl_info_net(info)->user_ns, CAP_NET_ADMIN);
	struct nlattr **tb = info->attrs;
	struct klwm2m_obj *obj;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_OWN_OBJ)) {
		NL_SET_ERR_MSG(info->extack, "missing object ID");
		return -EINVAL;
	}
	*oid = nla_get_u16(tb[KLWM2M_A_OWN_OBJ]);
	*iid = tb[KLWM2M_A_OWN_INST] ? nla_get_u16(tb[KLWM2M_A_OWN_INST]) : -1;
	rcu_read_lock();
	obj = xa_load(&st->objs, *oid);
	if (!obj) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_OWN_OBJ], "no such object");
		err = -ENOENT;
	} else if (!admin && !klwm2m_obj_permits(&obj->def, MAY_WRITE)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_OWN_OBJ],
				    "the object's mode does not let you write it");
		err = -EPERM;
	} else if (*iid >= 0 && !xa_load(&obj->insts, *iid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_OWN_INST], "no such instance");
		err = -ENOENT;
	}
	rcu_read_unlock();
	return err;
}

/* The attribute a refused claim points at: the instance when named, else the object. */
static const struct nlattr *own_attr(struct genl_info *info)
{
	return info->attrs[KLWM2M_A_OWN_INST] ?: info->attrs[KLWM2M_A_OWN_OBJ];
}

static int own_doit(struct sk_buff *skb, struct genl_info *info, bool own)
{
	struct klwm2m_port me = req_port(skb, info);
	int err, iid;
	u16 oid;

	err = own_target(skb, info, &oid, &iid);
	if (err)
		return err;
	if (own)
		err = klwm2m_exec_own(req_exec(info), oid, iid, &me, info->extack);
	else
		err = klwm2m_exec_disown(req_exec(info), oid, iid, &me, info->extack);
	if (err)
		NL_SET_BAD_ATTR(info->extack, own_attr(info));
	return err;
}

/**
 * klwm2m_nl_own_doit() - KLWM2M_CMD_OWN: the requesting socket claims an object or instance
 * @skb: the request
 * @info: its attributes (set "own")
 *
 * Return: 0; -ENOENT, -EPERM or -EBUSY with a message.
 */
int klwm2m_nl_own_doit(struct sk_buff *skb, struct genl_info *info)
{
	return own_doit(skb, info, true);
}

/**
 * klwm2m_nl_disown_doit() - KLWM2M_CMD_DISOWN: the requesting socket ends its claim
 * @skb: the request
 * @info: its attributes (set "own")
 *
 * Return: 0; -ENOENT (no such object, instance or claim), -EPERM or -EBUSY
 * with a message.
 */
int klwm2m_nl_disown_doit(struct sk_buff *skb, struct genl_info *info)
{
	return own_doit(skb, info, false);
}

/* EXEC's path: an existing instance's resource whose definition allows Execute. */
static int exec_target(struct genl_info *info, struct klwm2m_path *p)
{
	struct klwm2m_store *st = &klwm2m_pernet(genl_info_net(info))->store;
	struct nlattr *tb[KLWM2M_A_PATH_MAX + 1], *nest = info->attrs[KLWM2M_A_EXEC_PATH];
	const struct klwm2m_resdef *rd;
	struct klwm2m_obj *obj;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_EXEC_PATH)) {
		NL_SET_ERR_MSG(info->extack, "missing the path of the resource to execute");
		return -EINVAL;
	}
	/* Validated by genetlink already; this only indexes it. */
	err = nla_parse_nested(tb, KLWM2M_A_PATH_MAX, nest, NULL, info->extack);
	if (err)
		return err;
	if (!tb[KLWM2M_A_PATH_OBJ] || !tb[KLWM2M_A_PATH_INST] || !tb[KLWM2M_A_PATH_RES] ||
	    tb[KLWM2M_A_PATH_RINST]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "an execute names a resource: an object, an instance and a resource");
		return -EINVAL;
	}
	p->oid = nla_get_u16(tb[KLWM2M_A_PATH_OBJ]);
	p->iid = nla_get_u16(tb[KLWM2M_A_PATH_INST]);
	p->rid = nla_get_u16(tb[KLWM2M_A_PATH_RES]);
	p->riid = 0;
	p->depth = 3;

	rcu_read_lock();
	obj = xa_load(&st->objs, p->oid);
	rd = obj ? klwm2m_resdef_find(&obj->def, p->rid) : NULL;
	if (!obj) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "no such object");
		err = -ENOENT;
	} else if (!xa_load(&obj->insts, p->iid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "no such instance");
		err = -ENOENT;
	} else if (!rd) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "the object defines no such resource");
		err = -ENOENT;
	} else if (!(rd->ops & KLWM2M_OP_EXECUTE)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "the resource is not executable");
		err = -EPERM;
	}
	rcu_read_unlock();
	return err;
}

/* The EXEC_REQUEST for @pe's owner. */
static struct sk_buff *exec_request(const struct klwm2m_pending *pe, const struct klwm2m_path *p,
				    const struct nlattr *args, int server)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)) + path_size() +
			  (args ? nla_total_size(nla_len(args)) : 0) +
			  nla_total_size(sizeof(u16)), GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &klwm2m_family, 0, KLWM2M_CMD_EXEC_REQUEST);
	if (!hdr || nla_put_u32(msg, KLWM2M_A_EXEC_ID, pe->id) ||
	    klwm2m_put_path(msg, KLWM2M_A_EXEC_PATH, p) ||
	    (args && nla_put(msg, KLWM2M_A_EXEC_ARGS, nla_len(args), nla_data(args))) ||
	    (server && nla_put_u16(msg, KLWM2M_A_EXEC_SERVER, server))) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/* The reply (the ID) and the result (the ID, its status added at completion). */
static int exec_reply(struct genl_info *info, struct klwm2m_pending *pe, struct sk_buff **reply)
{
	void *hdr;

	*reply = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	pe->result = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!*reply || !pe->result)
		return -ENOMEM;
	hdr = genlmsg_put_reply(*reply, info, &klwm2m_family, 0, KLWM2M_CMD_EXEC);
	if (!hdr || nla_put_u32(*reply, KLWM2M_A_EXEC_ID, pe->id))
		return -EMSGSIZE;
	genlmsg_end(*reply, hdr);
	pe->result_hdr = genlmsg_put(pe->result, 0, 0, &klwm2m_family, 0,
				     KLWM2M_CMD_EXEC_RESULT);
	if (!pe->result_hdr || nla_put_u32(pe->result, KLWM2M_A_EXEC_ID, pe->id))
		return -EMSGSIZE;
	return 0;
}

/**
 * klwm2m_nl_exec_doit() - KLWM2M_CMD_EXEC: send an execute to the owner of its resource
 * @skb: the request (an admin's: the op table checks it)
 * @info: its attributes (set "exec")
 *
 * Replies with the execute's ID, then sends the EXEC_REQUEST; exactly one
 * EXEC_RESULT follows for an accepted execute.
 *
 * Return: 0; -ESRCH when nobody owns the resource (no result follows);
 * -ENOENT, -EINVAL or -EPERM for the path; -ENOMEM.
 */
int klwm2m_nl_exec_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *args = info->attrs[KLWM2M_A_EXEC_ARGS];
	struct klwm2m_exec *ex = req_exec(info);
	struct sk_buff *reply = NULL, *req;
	struct klwm2m_pending *pe;
	struct klwm2m_claim *owner;
	struct klwm2m_path p;
	int err, server = 0;

	err = exec_target(info, &p);
	if (err)
		return err;
	if (info->attrs[KLWM2M_A_EXEC_SERVER])
		server = nla_get_u16(info->attrs[KLWM2M_A_EXEC_SERVER]);
	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	pe->ex = ex;
	pe->requester = req_port(skb, info);
	INIT_DELAYED_WORK(&pe->timeout, exec_timeout);

	mutex_lock(&ex->lock);
	owner = owner_of(ex, &p);
	if (!owner) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_EXEC_PATH],
				    "no app owns the object or the instance of this resource");
		err = -ESRCH;
		goto err_unlock;
	}
	pe->owner = owner->port;
	err = xa_alloc_cyclic(&ex->pending, &pe->id, pe, xa_limit_32b, &ex->next_id, GFP_KERNEL);
	if (err < 0)
		goto err_unlock;
	err = exec_reply(info, pe, &reply);
	req = err ? NULL : exec_request(pe, &p, args, server);
	if (!req) {
		err = err ?: -ENOMEM;
		goto err_erase;
	}
	/* The ID first: the result may follow at once. */
	err = genlmsg_reply(reply, info);
	reply = NULL;
	if (err) {
		nlmsg_free(req);
		goto err_erase;
	}
	queue_delayed_work(exec_wq, &pe->timeout, ex->timeout);
	err = genlmsg_unicast(ex->net, req, pe->owner.portid);
	if (err) {
		/* The owner's buffer is full (-EAGAIN), or its socket is gone. */
		complete_locked(ex, pe, err == -ECONNREFUSED ? -EPIPE : err);
		mutex_unlock(&ex->lock);
		reap(pe);
		return 0;
	}
	mutex_unlock(&ex->lock);
	return 0;

err_erase:
	xa_erase(&ex->pending, pe->id);
err_unlock:
	mutex_unlock(&ex->lock);
	nlmsg_free(reply);
	nlmsg_free(pe->result);
	kfree(pe);
	return err;
}

/**
 * klwm2m_nl_exec_done_doit() - KLWM2M_CMD_EXEC_DONE: the owner's status for an execute
 * @skb: the request
 * @info: its attributes (set "exec": ID and STATUS)
 *
 * Return: 0 when the result went to the requester; -ENOENT (unknown,
 * completed or timed out); -EPERM (the request went to another socket).
 */
int klwm2m_nl_exec_done_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_port me = req_port(skb, info);
	struct klwm2m_exec *ex = req_exec(info);
	struct nlattr **tb = info->attrs;
	struct klwm2m_pending *pe;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_EXEC_ID)) {
		NL_SET_ERR_MSG(info->extack, "missing execute ID");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_EXEC_STATUS)) {
		NL_SET_ERR_MSG(info->extack, "missing status");
		return -EINVAL;
	}
	mutex_lock(&ex->lock);
	pe = xa_load(&ex->pending, nla_get_u32(tb[KLWM2M_A_EXEC_ID]));
	if (!pe) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_EXEC_ID],
				    "no such execute pending (completed, timed out or unknown)");
		err = -ENOENT;
	} else if (!port_is(&pe->owner, &me)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_EXEC_ID],
				    "only the socket the request went to answers it");
		err = -EPERM;
	} else {
		complete_locked(ex, pe, nla_get_s32(tb[KLWM2M_A_EXEC_STATUS]));
	}
	mutex_unlock(&ex->lock);
	if (!err)
		reap(pe);
	return err;
}

/* The SAMPLE message for @p. */
static struct sk_buff *sample_msg(const struct klwm2m_path *p)
{
	struct sk_buff *msg = genlmsg_new(path_size(), GFP_ATOMIC);
	void *hdr;

	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &klwm2m_family, 0, KLWM2M_CMD_SAMPLE);
	if (!hdr || klwm2m_put_path(msg, KLWM2M_A_EVENT_PATH, p)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/**
 * klwm2m_exec_sample() - ask the owner of a path for a fresh value
 * @net: the namespace
 * @p: the path (depth 1 to 4): its instance's owner is asked, else its
 *	object's
 *
 * Sends KLWM2M_CMD_SAMPLE to the owner. Does not sleep: callable from a
 * timer as from process context.
 *
 * Return: 0 when sent; -ESRCH when nobody owns @p; -ENOMEM; the send's
 * error (-EAGAIN: the owner's buffer is full, and it will read ENOBUFS).
 */
int klwm2m_exec_sample(struct net *net, const struct klwm2m_path *p)
{
	struct klwm2m_exec *ex = &klwm2m_pernet(net)->exec;
	struct klwm2m_claim *c;
	struct sk_buff *msg;
	u32 portid;

	rcu_read_lock();
	c = owner_of(ex, p);
	portid = c ? c->port.portid : 0;
	rcu_read_unlock();
	if (!c)
		return -ESRCH;
	msg = sample_msg(p);
	if (!msg)
		return -ENOMEM;
	return genlmsg_unicast(net, msg, portid);
}

/* One entry of a server's batch bound for an owner. */
struct route {
	u32 portid;
	u32 index;
};

/* By owner, and in batch order for each. */
static int route_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;

	if (x->portid != y->portid)
		return x->portid < y->portid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The VALUE_CHANGED event of one owner: the @k entries @r of the batch @ops. */
static void send_writes(struct net *net, u32 writer, int server, const struct klwm2m_set *ops,
			const struct route *r, unsigned int k)
{
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u32)) +
			  nla_total_size(sizeof(u16)) + k * path_size(), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &klwm2m_family, 0, KLWM2M_CMD_EVENT);
	if (!hdr || nla_put_u8(msg, KLWM2M_A_EVENT_KIND, KLWM2M_EVENT_VALUE_CHANGED) ||
	    nla_put_u32(msg, KLWM2M_A_EVENT_PORTID, writer) ||
	    nla_put_u16(msg, KLWM2M_A_EVENT_SERVER, server))
		goto err_free;
	for (i = 0; i < k; i++)
		if (klwm2m_put_path(msg, KLWM2M_A_EVENT_PATH, &ops[r[i].index].path))
			goto err_free;
	genlmsg_end(msg, hdr);
	/* An owner whose buffer is full reads ENOBUFS instead. */
	genlmsg_unicast(net, msg, r[0].portid);
	return;

err_free:
	nlmsg_free(msg);
}

/**
 * klwm2m_exec_writes() - tell the owners what a server's batch changed
 * @net: the namespace
 * @portid: the writer's port ID (the agent's)
 * @server: the short server ID the batch was written for, 1..65534
 * @ops: the committed batch, in its order
 * @n: its entries
 *
 * Each owner gets one unicast KLWM2M_CMD_EVENT (VALUE_CHANGED) with the
 * paths under its claim, in batch order: a path belongs to its instance's
 * owner, else to its object's. Nothing is built when nothing is owned.
 */
void klwm2m_exec_writes(struct net *net, u32 portid, int server,
			const struct klwm2m_set *ops, unsigned int n)
{
	struct klwm2m_exec *ex = &klwm2m_pernet(net)->exec;
	struct klwm2m_claim *c;
	unsigned int i, j, m = 0;
	struct route *r;

	if (server <= 0 || xa_empty(&ex->owners))
		return;
	r = kvmalloc_array(n, sizeof(*r), GFP_KERNEL);
	if (!r)
		return;
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		c = owner_of(ex, &ops[i].path);
		if (c)
			r[m++] = (struct route){ .portid = c->port.portid, .index = i };
	}
	rcu_read_unlock();
	sort(r, m, sizeof(*r), route_cmp, NULL);
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && r[j].portid == r[i].portid; j++)
			;
		send_writes(net, portid, server, ops, &r[i], j - i);
	}
	kvfree(r);
}
