/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klwm2m: the notification engine. LwM2M attributes per server and path,
 * observations, and the rules that decide when an observation notifies.
 *
 * The rules (struct klwm2m_eval and the klwm2m_eval_*() functions) are pure:
 * they take the time as an argument and touch nothing else, so KUnit drives
 * them with a made-up clock. The engine (struct klwm2m_engine) owns the
 * observations of one network namespace, evaluates them on the store's
 * committed changes and on timers, and sends the notifications.
 */
#ifndef _KLWM2M_OBSERVE_H
#define _KLWM2M_OBSERVE_H

#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "store.h"

struct net;

/*
 * A set of LwM2M attributes: those written at one path, or an
 * observation's effective ones. Periods in seconds, thresholds and steps
 * as an IEEE 754 double's bits.
 */
struct klwm2m_attrs {
	u32 set;		/* KLWM2M_ATTR_F_* present */
	u32 pmin, pmax, epmin, epmax, hqmax;
	u64 gt, lt, st;
	u8 edge, con;
};

#define KLWM2M_ATTR_F_CHANGE	(KLWM2M_ATTR_F_GT | KLWM2M_ATTR_F_LT | KLWM2M_ATTR_F_ST | \
				 KLWM2M_ATTR_F_EDGE)
#define KLWM2M_ATTR_F_NUMERIC	(KLWM2M_ATTR_F_GT | KLWM2M_ATTR_F_LT | KLWM2M_ATTR_F_ST)

int klwm2m_attrs_check(const struct klwm2m_attrs *a, const struct klwm2m_path *p,
		       const struct klwm2m_resdef *rd, struct netlink_ext_ack *extack);

/* The observed value, as the rules see it: a number (as a double) or a boolean. */
struct klwm2m_sample {
	bool valid;		/* the path holds one numeric or boolean value */
	bool is_bool;
	bool b;
	u64 f;			/* a double's bits */
};

/* An observation's evaluation state. Times in nanoseconds of the engine's clock. */
struct klwm2m_eval {
	u64 last_notify;	/* the last notification, or the observation's start */
	u64 last_eval;		/* the last evaluation, or the start */
	u64 last_value;		/* the last notified number (st) */
	bool has_last;
	bool due;		/* a notification is due, held back by pmin */
	bool deferred;		/* changed during epmin, not evaluated yet */
	s8 gt_side, lt_side;	/* enum klwm2m_f64_side at the last evaluation */
	s8 last_bool;		/* -1: unknown */
	u8 reason;		/* enum klwm2m_notify_reason of the due notification */
};

void klwm2m_eval_start(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		       const struct klwm2m_sample *s, u64 now);
void klwm2m_eval_sides(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		       const struct klwm2m_sample *s);
u8 klwm2m_eval_change(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		      const struct klwm2m_sample *s, u64 now);
u8 klwm2m_eval_timer(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		     const struct klwm2m_sample *s, u64 now, bool *epmax);
void klwm2m_eval_notified(struct klwm2m_eval *e, const struct klwm2m_sample *s, u64 now);
u64 klwm2m_eval_deadline(const struct klwm2m_eval *e, const struct klwm2m_attrs *a);

/*
 * One namespace's engine. @lock (a mutex) guards the observations, the
 * attributes and every evaluation; the store's writers call in with the
 * store's lock held (store, then engine: never the other way round).
 * Timers run in softirq context: they only put their observation on @due
 * (under @due_lock) and kick @work, which evaluates under @lock.
 */
struct klwm2m_engine {
	struct mutex lock;		/* see above */
	struct klwm2m_store *st;
	struct net *net;
	struct xarray obs;		/* ID -> struct klwm2m_obs */
	u32 next_id;
	u32 nobs;			/* under @lock; READ_ONCE() elsewhere */
	u32 mark;			/* one per evaluated batch */
	struct rhltable by_key;		/* struct klwm2m_obs by its path's first levels */
	struct rb_root attrs;		/* (server, path) -> struct klwm2m_attr_rec */
	u32 nattrs;
	struct xarray servers;		/* short server ID -> struct klwm2m_srv */
	struct xarray srv_obs;		/* short server ID -> its observations (a count) */
	spinlock_t due_lock;
	struct list_head due;
	struct work_struct work;
};

int klwm2m_observe_module_init(void);
void klwm2m_observe_module_exit(void);
void klwm2m_engine_init(struct klwm2m_engine *eng, struct net *net, struct klwm2m_store *st);
void klwm2m_engine_destroy(struct klwm2m_engine *eng);
void klwm2m_obs_release(struct klwm2m_engine *eng, u32 portid);

int klwm2m_nl_attr_set_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_attr_get_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_attr_get_start(struct netlink_callback *cb);
int klwm2m_nl_attr_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int klwm2m_nl_server_set_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_obs_create_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_obs_cancel_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_obs_get_start(struct netlink_callback *cb);
int klwm2m_nl_obs_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int klwm2m_nl_obs_resync_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct nla_policy klwm2m_attr_policy[];
extern const struct nla_policy klwm2m_server_policy[];
extern const struct nla_policy klwm2m_obs_policy[];

#endif /* _KLWM2M_OBSERVE_H */
