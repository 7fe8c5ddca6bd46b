// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: the notification engine (see observe.h for its shape and locking,
 * uapi/linux/klwm2m.h for the commands). It decides when a server must be
 * told; it never encodes a wire format: a notification carries the typed
 * values, and the agent makes CoAP of them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/klwm2m.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "f64.h"
#include "klwm2m.h"
#include "observe.h"

/* ---------------------------------------------------------------- the rules */

static bool type_numeric(u8 type)
{
	return type == KLWM2M_TYPE_INTEGER || type == KLWM2M_TYPE_UNSIGNED ||
	       type == KLWM2M_TYPE_FLOAT || type == KLWM2M_TYPE_TIME;
}

/**
 * klwm2m_attrs_check() - may these attributes stand at this path?
 * @a: the attributes the path would hold
 * @p: the path (any level)
 * @rd: its resource's definition (depth 3 and 4), else NULL
 * @extack: receives the reason
 *
 * LwM2M 1.1 section 5.1.2: gt, lt and st only on numeric resources, edge only
 * on boolean ones (1.2), lt below gt, lt + 2 * st below gt, st not negative,
 * no NaN. pmax below pmin (epmax below epmin) is allowed: it is then ignored.
 *
 * Return: 0 or -EINVAL.
 */
int klwm2m_attrs_check(const struct klwm2m_attrs *a, const struct klwm2m_path *p,
		       const struct klwm2m_resdef *rd, struct netlink_ext_ack *extack)
{
	u32 set = a->set;

	if ((set & KLWM2M_ATTR_F_NUMERIC) && (!rd || !type_numeric(rd->type))) {
		NL_SET_ERR_MSG(extack, "gt, lt and st apply to numeric resources only");
		return -EINVAL;
	}
	if ((set & KLWM2M_ATTR_F_EDGE) && (!rd || rd->type != KLWM2M_TYPE_BOOLEAN)) {
		NL_SET_ERR_MSG(extack, "edge applies to boolean resources only");
		return -EINVAL;
	}
	if (((set & KLWM2M_ATTR_F_GT) && klwm2m_f64_is_nan(a->gt)) ||
	    ((set & KLWM2M_ATTR_F_LT) && klwm2m_f64_is_nan(a->lt)) ||
	    ((set & KLWM2M_ATTR_F_ST) && klwm2m_f64_is_nan(a->st))) {
		NL_SET_ERR_MSG(extack, "a threshold or step is NaN");
		return -EINVAL;
	}
	if ((set & KLWM2M_ATTR_F_ST) && klwm2m_f64_cmp(a->st, 0) < 0) {
		NL_SET_ERR_MSG(extack, "st must not be negative");
		return -EINVAL;
	}
	if ((set & KLWM2M_ATTR_F_GT) && (set & KLWM2M_ATTR_F_LT) &&
	    klwm2m_f64_cmp(a->lt, a->gt) >= 0) {
		NL_SET_ERR_MSG(extack, "lt must be below gt");
		return -EINVAL;
	}
	if ((set & KLWM2M_ATTR_F_NUMERIC) == KLWM2M_ATTR_F_NUMERIC &&
	    !klwm2m_f64_band_ok(a->lt, a->gt, a->st)) {
		NL_SET_ERR_MSG(extack, "lt + 2 * st must be below gt");
		return -EINVAL;
	}
	return 0;
}

#define NS(sec)	((u64)(sec) * NSEC_PER_SEC)

static bool has(const struct klwm2m_attrs *a, u32 flag)
{
	return a->set & flag;
}

/* pmax counts when set, not 0, and not below pmin; the same for epmax. */
static bool pmax_on(const struct klwm2m_attrs *a)
{
	return has(a, KLWM2M_ATTR_F_PMAX) && a->pmax &&
	       !(has(a, KLWM2M_ATTR_F_PMIN) && a->pmax < a->pmin);
}

static bool epmax_on(const struct klwm2m_attrs *a)
{
	return has(a, KLWM2M_ATTR_F_EPMAX) && a->epmax &&
	       !(has(a, KLWM2M_ATTR_F_EPMIN) && a->epmax < a->epmin);
}

static u64 pmin_ns(const struct klwm2m_attrs *a)
{
	return has(a, KLWM2M_ATTR_F_PMIN) ? NS(a->pmin) : 0;
}

static u64 epmin_ns(const struct klwm2m_attrs *a)
{
	return has(a, KLWM2M_ATTR_F_EPMIN) ? NS(a->epmin) : 0;
}

/**
 * klwm2m_eval_sides() - where the value stands now, for the next crossing or edge
 * @e: the observation's state
 * @a: its effective attributes (new ones, when they changed)
 * @s: the observed value now
 */
void klwm2m_eval_sides(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		       const struct klwm2m_sample *s)
{
	e->gt_side = KLWM2M_F64_NOSIDE;
	e->lt_side = KLWM2M_F64_NOSIDE;
	e->last_bool = -1;
	if (!s->valid)
		return;
	if (s->is_bool) {
		e->last_bool = s->b;
		return;
	}
	if (has(a, KLWM2M_ATTR_F_GT))
		e->gt_side = klwm2m_f64_side(s->f, a->gt);
	if (has(a, KLWM2M_ATTR_F_LT))
		e->lt_side = klwm2m_f64_side(s->f, a->lt);
}

/**
 * klwm2m_eval_start() - an observation begins: its first state counts as notified
 * @e: its state
 * @a: its effective attributes
 * @s: the observed value now
 * @now: the clock
 */
void klwm2m_eval_start(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		       const struct klwm2m_sample *s, u64 now)
{
	memset(e, 0, sizeof(*e));
	e->last_eval = now;
	klwm2m_eval_sides(e, a, s);
	klwm2m_eval_notified(e, s, now);
}

/* From @before to @now, did the value enter or leave the side @beyond? */
static bool crossed(int before, int now, int beyond)
{
	bool was = before == beyond, is = now == beyond;

	return before != KLWM2M_F64_NOSIDE && was != is;
}

/*
 * Were the change criteria met? Updates the sides and edge it compares with.
 * @changed: the path changed since the last evaluation (epmax evaluates
 * without a change: then only thresholds, steps and edges count).
 */
static bool criteria(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		     const struct klwm2m_sample *s, bool changed)
{
	bool met = false;
	int side;

	if (!(a->set & KLWM2M_ATTR_F_CHANGE) || !s->valid)
		return changed;	/* any change */
	if (s->is_bool) {
		if (has(a, KLWM2M_ATTR_F_EDGE) && e->last_bool >= 0 &&
		    e->last_bool != s->b && s->b == a->edge)
			met = true;
		e->last_bool = s->b;
		return met;
	}
	if (has(a, KLWM2M_ATTR_F_GT)) {
		side = klwm2m_f64_side(s->f, a->gt);
		if (side != KLWM2M_F64_NOSIDE) {
			/* Crossing: from above gt to not above, or back. */
			if (crossed(e->gt_side, side, KLWM2M_F64_ABOVE))
				met = true;
			e->gt_side = side;
		}
	}
	if (has(a, KLWM2M_ATTR_F_LT)) {
		side = klwm2m_f64_side(s->f, a->lt);
		if (side != KLWM2M_F64_NOSIDE) {
			if (crossed(e->lt_side, side, KLWM2M_F64_BELOW))
				met = true;
			e->lt_side = side;
		}
	}
	if (has(a, KLWM2M_ATTR_F_ST) && e->has_last &&
	    klwm2m_f64_step_reached(s->f, e->last_value, a->st))
		met = true;
	return met;
}

/* Evaluates now; returns the reason to notify now, or 0 (nothing, or held by pmin). */
static u8 evaluate(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		   const struct klwm2m_sample *s, u64 now, bool changed)
{
	e->last_eval = now;
	e->deferred = false;
	if (criteria(e, a, s, changed) && !e->due) {
		e->due = true;
		e->reason = KLWM2M_NOTIFY_CHANGE;
	}
	if (e->due && now >= e->last_notify + pmin_ns(a))
		return e->reason;
	return 0;
}

/**
 * klwm2m_eval_change() - the observed path changed
 * @e: the observation's state
 * @a: its effective attributes
 * @s: the observed value after the change
 * @now: the clock
 *
 * Return: the reason to notify now (enum klwm2m_notify_reason), or 0: the
 * change did not meet the criteria, is held by pmin, or waits for epmin.
 * Call klwm2m_eval_notified() after sending.
 */
u8 klwm2m_eval_change(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		      const struct klwm2m_sample *s, u64 now)
{
	if (now < e->last_eval + epmin_ns(a)) {
		e->deferred = true;
		return 0;
	}
	return evaluate(e, a, s, now, true);
}

/**
 * klwm2m_eval_timer() - time passed: what is due now?
 * @e: the observation's state
 * @a: its effective attributes
 * @s: the observed value now
 * @now: the clock
 * @epmax: set when epmax forced this evaluation (the owner may refresh the value)
 *
 * Return: the reason to notify now, or 0.
 */
u8 klwm2m_eval_timer(struct klwm2m_eval *e, const struct klwm2m_attrs *a,
		     const struct klwm2m_sample *s, u64 now, bool *epmax)
{
	u8 r = 0;

	*epmax = false;
	if (e->deferred && now >= e->last_eval + epmin_ns(a))
		r = evaluate(e, a, s, now, true);
	if (!r && epmax_on(a) && now >= e->last_eval + NS(a->epmax)) {
		*epmax = true;
		r = evaluate(e, a, s, now, false);
	}
	if (!r && e->due && now >= e->last_notify + pmin_ns(a))
		r = e->reason;
	if (!r && pmax_on(a) && now >= e->last_notify + NS(a->pmax))
		r = KLWM2M_NOTIFY_PMAX;
	return r;
}

/**
 * klwm2m_eval_notified() - a notification carrying @s was sent at @now
 * @e: the observation's state
 * @s: the value it carried
 * @now: the clock
 */
void klwm2m_eval_notified(struct klwm2m_eval *e, const struct klwm2m_sample *s, u64 now)
{
	e->last_notify = now;
	e->due = false;
	e->reason = 0;
	if (s->valid && !s->is_bool) {
		e->last_value = s->f;
		e->has_last = true;
	}
}

/**
 * klwm2m_eval_deadline() - when the observation next needs klwm2m_eval_timer()
 * @e: its state
 * @a: its effective attributes
 *
 * Return: the clock's time, or U64_MAX when nothing will be due without a change.
 */
u64 klwm2m_eval_deadline(const struct klwm2m_eval *e, const struct klwm2m_attrs *a)
{
	u64 t = U64_MAX;

	if (e->deferred)
		t = min(t, e->last_eval + epmin_ns(a));
	if (e->due)
		t = min(t, e->last_notify + pmin_ns(a));
	if (pmax_on(a))
		t = min(t, e->last_notify + NS(a->pmax));
	if (epmax_on(a))
		t = min(t, e->last_eval + NS(a->epmax));
	return t;
}

/* ---------------------------------------------------------------- attributes */

/* The attributes one server wrote at one path. */
struct klwm2m_attr_rec {
	struct rb_node node;
	u16 ssid;
	struct klwm2m_path path;
	struct klwm2m_attrs a;
};

/* A server's defaults (/1/x/2, /1/x/3). */
struct klwm2m_srv {
	u16 id;
	bool has_pmin, has_pmax;
	u32 pmin, pmax;
};

static u16 path_id(const struct klwm2m_path *p, int level)
{
	switch (level) {
	case 1: return p->oid;
	case 2: return p->iid;
	case 3: return p->rid;
	default: return p->riid;
	}
}

/* Server, then the path level by level; a shorter path before its extensions. */
static int key_cmp(u16 sa, const struct klwm2m_path *a, u16 sb, const struct klwm2m_path *b)
{
	int level;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	for (level = 1; level <= KLWM2M_PATH_DEPTH_MAX; level++) {
		if (a->depth < level || b->depth < level)
			return a->depth < b->depth ? -1 : a->depth > b->depth;
		if (path_id(a, level) != path_id(b, level))
			return path_id(a, level) < path_id(b, level) ? -1 : 1;
	}
	return 0;
}

static struct klwm2m_attr_rec *attr_find(struct klwm2m_engine *eng, u16 ssid,
					 const struct klwm2m_path *p)
{
	struct rb_node *n = eng->attrs.rb_node;

	while (n) {
		struct klwm2m_attr_rec *r = rb_entry(n, struct klwm2m_attr_rec, node);
		int c = key_cmp(ssid, p, r->ssid, &r->path);

		if (!c)
			return r;
		n = c < 0 ? n->rb_left : n->rb_right;
	}
	return NULL;
}

/* The first record at or after (@ssid, @p). */
static struct klwm2m_attr_rec *attr_ceil(struct klwm2m_engine *eng, u16 ssid,
					 const struct klwm2m_path *p)
{
	struct rb_node *n = eng->attrs.rb_node;
	struct klwm2m_attr_rec *best = NULL;

	while (n) {
		struct klwm2m_attr_rec *r = rb_entry(n, struct klwm2m_attr_rec, node);

		if (key_cmp(ssid, p, r->ssid, &r->path) <= 0) {
			best = r;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

static void attr_insert(struct klwm2m_engine *eng, struct klwm2m_attr_rec *rec)
{
	struct rb_node **link = &eng->attrs.rb_node, *parent = NULL;

	while (*link) {
		struct klwm2m_attr_rec *r = rb_entry(*link, struct klwm2m_attr_rec, node);

		parent = *link;
		if (key_cmp(rec->ssid, &rec->path, r->ssid, &r->path) < 0)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&rec->node, parent, link);
	rb_insert_color(&rec->node, &eng->attrs);
	eng->nattrs++;
}

/* Each attribute: its flag, its netlink attribute, where it lives in struct klwm2m_attrs. */
static const struct attr_field {
	u32 flag;
	u16 nla;
	u8 size;	/* bytes: 1, 4 or 8 */
	u8 off;
} attr_fields[] = {
	{ KLWM2M_ATTR_F_PMIN, KLWM2M_A_ATTR_PMIN, 4, offsetof(struct klwm2m_attrs, pmin) },
	{ KLWM2M_ATTR_F_PMAX, KLWM2M_A_ATTR_PMAX, 4, offsetof(struct klwm2m_attrs, pmax) },
	{ KLWM2M_ATTR_F_GT, KLWM2M_A_ATTR_GT, 8, offsetof(struct klwm2m_attrs, gt) },
	{ KLWM2M_ATTR_F_LT, KLWM2M_A_ATTR_LT, 8, offsetof(struct klwm2m_attrs, lt) },
	{ KLWM2M_ATTR_F_ST, KLWM2M_A_ATTR_ST, 8, offsetof(struct klwm2m_attrs, st) },
	{ KLWM2M_ATTR_F_EPMIN, KLWM2M_A_ATTR_EPMIN, 4, offsetof(struct klwm2m_attrs, epmin) },
	{ KLWM2M_ATTR_F_EPMAX, KLWM2M_A_ATTR_EPMAX, 4, offsetof(struct klwm2m_attrs, epmax) },
	{ KLWM2M_ATTR_F_EDGE, KLWM2M_A_ATTR_EDGE, 1, offsetof(struct klwm2m_attrs, edge) },
	{ KLWM2M_ATTR_F_CON, KLWM2M_A_ATTR_CON, 1, offsetof(struct klwm2m_attrs, con) },
	{ KLWM2M_ATTR_F_HQMAX, KLWM2M_A_ATTR_HQMAX, 4, offsetof(struct klwm2m_attrs, hqmax) },
};

static void *field(struct klwm2m_attrs *a, const struct attr_field *f)
{
	return (u8 *)a + f->off;
}

/* @to takes every attribute @from has. */
static void attrs_merge(struct klwm2m_attrs *to, const struct klwm2m_attrs *from)
{
	const struct attr_field *f;

	for (f = attr_fields; f < attr_fields + ARRAY_SIZE(attr_fields); f++)
		if (from->set & f->flag)
			memcpy(field(to, f), field((struct klwm2m_attrs *)from, f), f->size);
	to->set |= from->set;
}

/* An observation's attributes: nearest level first, then the server's defaults. */
static void attrs_effective(struct klwm2m_engine *eng, u16 ssid, const struct klwm2m_path *p,
			    struct klwm2m_attrs *out)
{
	struct klwm2m_srv *srv;
	int level;

	memset(out, 0, sizeof(*out));
	if (!ssid)
		return;
	for (level = 1; level <= p->depth; level++) {
		struct klwm2m_path q = *p;
		struct klwm2m_attr_rec *r;

		q.depth = level;
		r = attr_find(eng, ssid, &q);
		if (r)
			attrs_merge(out, &r->a);
	}
	srv = xa_load(&eng->servers, ssid);
	if (srv && srv->has_pmin && !(out->set & KLWM2M_ATTR_F_PMIN)) {
		out->pmin = srv->pmin;
		out->set |= KLWM2M_ATTR_F_PMIN;
	}
	if (srv && srv->has_pmax && !(out->set & KLWM2M_ATTR_F_PMAX)) {
		out->pmax = srv->pmax;
		out->set |= KLWM2M_ATTR_F_PMAX;
	}
}

/* ---------------------------------------------------------------- observations */

struct klwm2m_obs {
	struct rcu_head rcu;	/* freed after a grace period: see may_concern() */
	u32 id;
	u16 ssid;		/* 0: no server's attributes */
	u32 flags;
	u32 portid;
	bool admin;		/* may see secrets */
	bool lost;		/* a notification could not be queued */
	struct klwm2m_path path;
	struct sock *sk;	/* the observer's socket, held */
	struct klwm2m_engine *eng;
	struct klwm2m_attrs attrs;	/* effective */
	struct klwm2m_eval ev;
	u32 seq;
	u32 mark;
	u64 key;		/* obs_key(): where collect() finds it */
	struct rhlist_head node;
	struct list_head batch;	/* on a batch's list of observations to evaluate */
	struct list_head due;	/* on eng->due, when its timer fired */
	struct timer_list timer;
	/*
	 * The last notification: @held is kept until the next one replaces
	 * it, @queued is the clone of it that went to the socket. The clone
	 * alone is charged to the socket, so that reading it gives the room
	 * back; @queued is only compared, never followed (obs_send()).
	 */
	struct sk_buff *held;
	struct sk_buff *queued;
};

/* Counts a server's observations (eng->srv_obs), under eng->lock. */
static int srv_count(struct klwm2m_engine *eng, u16 ssid, int delta)
{
	unsigned long n = xa_to_value(xa_load(&eng->srv_obs, ssid) ?: xa_mk_value(0)) + delta;

	if (!n) {
		xa_erase(&eng->srv_obs, ssid);
		return 0;
	}
	return xa_err(xa_store(&eng->srv_obs, ssid, xa_mk_value(n), GFP_KERNEL));
}

/* Observations have a cache of their own: ~300 bytes would take 512 from kmalloc. */
static struct kmem_cache *obs_cache;

static void obs_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(obs_cache, container_of(head, struct klwm2m_obs, rcu));
}

/**
 * klwm2m_observe_module_init() - what the engine needs before any namespace
 *
 * Return: 0 or -ENOMEM.
 */
int klwm2m_observe_module_init(void)
{
	obs_cache = KMEM_CACHE(klwm2m_obs, 0);
	return obs_cache ? 0 : -ENOMEM;
}

/* After every namespace's engine is gone and an rcu_barrier(). */
void klwm2m_observe_module_exit(void)
{
	kmem_cache_destroy(obs_cache);
}

/*
 * The engine's one clock. The rules never read it: they take the time as an
 * argument, which is how KUnit drives them through hours in microseconds.
 */
static u64 eng_now(struct klwm2m_engine *eng)
{
	return ktime_get_ns();
}

/*
 * Observations hash by their path's first three levels: those of resource
 * instances by their resource.
 */
static u64 obs_key(u16 oid, u16 iid, u16 rid, int depth)
{
	depth = min(depth, 3);
	return (u64)oid << 40 | (u64)(depth >= 2 ? iid : 0) << 24 |
	       (u64)(depth >= 3 ? rid : 0) << 8 | depth;
}

static u64 obs_key_of(const struct klwm2m_obs *o)
{
	return obs_key(o->path.oid, o->path.iid, o->path.rid, o->path.depth);
}

/* Sized to the observations: a set's lookups cost the same for 1 or 10,000 elsewhere. */
static const struct rhashtable_params obs_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct klwm2m_obs, key),
	.head_offset = offsetof(struct klwm2m_obs, node),
	.automatic_shrinking = true,
};

static void obs_sample(struct klwm2m_engine *eng, const struct klwm2m_obs *o,
		       struct klwm2m_sample *s)
{
	const struct klwm2m_value *v;

	memset(s, 0, sizeof(*s));
	if (o->path.depth < 3)
		return;
	rcu_read_lock();
	v = klwm2m_store_get_rcu(eng->st, &o->path);
	if (v) {
		u64 word = READ_ONCE(v->u);

		s->valid = true;
		switch (v->type) {
		case KLWM2M_TYPE_INTEGER:
		case KLWM2M_TYPE_TIME:
			s->f = klwm2m_f64_from_s64((s64)word);
			break;
		case KLWM2M_TYPE_UNSIGNED:
			s->f = klwm2m_f64_from_u64(word);
			break;
		case KLWM2M_TYPE_FLOAT:
			s->f = word;
			break;
		case KLWM2M_TYPE_BOOLEAN:
			s->is_bool = true;
			s->b = READ_ONCE(v->b);
			break;
		default:
			s->valid = false;
		}
	}
	rcu_read_unlock();
}

/* ---- the notification message */

struct walk {
	struct sk_buff *msg;	/* NULL: only count the bytes */
	size_t size;
	bool admin;
};

static int walk_value(struct walk *w, const struct klwm2m_path *p, const struct klwm2m_value *v)
{
	struct nlattr *nest;

	if (v->secret && !w->admin)
		return 0;
	if (!w->msg) {
		w->size += nla_total_size(0) + nla_total_size(0) + 4 * nla_total_size(2) +
			   nla_total_size(1) + nla_total_size(max_t(u32, v->len, 8));
		return 0;
	}
	nest = nla_nest_start(w->msg, KLWM2M_A_NOTIFY_VALUE);
	if (!nest || klwm2m_put_path(w->msg, KLWM2M_A_VALUE_PATH, p) ||
	    klwm2m_put_value(w->msg, v))
		return -EMSGSIZE;
	nla_nest_end(w->msg, nest);
	return 0;
}

static int walk_res(struct walk *w, struct klwm2m_inst *inst, const struct klwm2m_resdef *rd,
		    struct klwm2m_path p)
{
	struct klwm2m_multi *m;
	struct klwm2m_value *v;
	unsigned long riid;
	void *entry;
	int err;

	if (!(rd->ops & KLWM2M_OP_READ))
		return 0;
	entry = xa_load(&inst->res, rd->id);
	if (!entry)
		return 0;
	p.rid = rd->id;
	if (!(rd->flags & KLWM2M_RES_MULTIPLE)) {
		p.depth = 3;
		return walk_value(w, &p, entry);
	}
	m = entry;
	p.depth = 4;
	if (p.riid != KLWM2M_ID_NONE) {
		v = xa_load(&m->ris, p.riid);
		return v ? walk_value(w, &p, v) : 0;
	}
	xa_for_each(&m->ris, riid, v) {
		p.riid = riid;
		err = walk_value(w, &p, v);
		if (err)
			return err;
	}
	return 0;
}

static int walk_inst(struct walk *w, struct klwm2m_obj *obj, struct klwm2m_inst *inst,
		     const struct klwm2m_path *at)
{
	struct klwm2m_path p = { .oid = obj->def.id, .iid = inst->id, .riid = KLWM2M_ID_NONE };
	const struct klwm2m_resdef *rd;
	int i, err;

	if (at->depth >= 3) {
		rd = klwm2m_resdef_find(&obj->def, at->rid);
		if (at->depth == 4)
			p.riid = at->riid;
		return rd ? walk_res(w, inst, rd, p) : 0;
	}
	for (i = 0; i < obj->def.nres; i++) {
		err = walk_res(w, inst, &obj->def.res[i], p);
		if (err)
			return err;
	}
	return 0;
}

/* Every readable value under @at, in path order. Under RCU. */
static int walk(struct klwm2m_store *st, const struct klwm2m_path *at, struct walk *w)
{
	struct klwm2m_inst *inst;
	struct klwm2m_obj *obj;
	unsigned long iid;
	int err;

	obj = xa_load(&st->objs, at->oid);
	if (!obj)
		return 0;
	if (at->depth >= 2) {
		inst = xa_load(&obj->insts, at->iid);
		return inst ? walk_inst(w, obj, inst, at) : 0;
	}
	xa_for_each(&obj->insts, iid, inst) {
		err = walk_inst(w, obj, inst, at);
		if (err)
			return err;
	}
	return 0;
}

static struct sk_buff *obs_msg(struct klwm2m_engine *eng, struct klwm2m_obs *o, u8 reason)
{
	struct walk w = { .admin = o->admin };
	struct sk_buff *msg;
	unsigned int seq;
	int tries, err;
	void *hdr;

	for (tries = 0; tries < 4; tries++) {
		w.msg = NULL;
		w.size = 0;
		if (reason != KLWM2M_NOTIFY_GONE) {
			rcu_read_lock();
			walk(eng->st, &o->path, &w);
			rcu_read_unlock();
		}
		msg = genlmsg_new(w.size + 128 + tries * 1024, GFP_KERNEL);
		if (!msg)
			return NULL;
		hdr = genlmsg_put(msg, 0, 0, &klwm2m_family, 0, KLWM2M_CMD_NOTIFY);
		if (!hdr ||
		    nla_put_u32(msg, KLWM2M_A_NOTIFY_OBS, o->id) ||
		    nla_put_u32(msg, KLWM2M_A_NOTIFY_SEQ, o->seq + 1) ||
		    nla_put_u64_64bit(msg, KLWM2M_A_NOTIFY_TIME, ktime_get_real_ns(),
				      KLWM2M_A_NOTIFY_PAD) ||
		    nla_put_u8(msg, KLWM2M_A_NOTIFY_REASON, reason) ||
		    (o->attrs.con && nla_put_flag(msg, KLWM2M_A_NOTIFY_CON)))
			goto too_small;
		err = 0;
		if (reason != KLWM2M_NOTIFY_GONE) {
			void *values = skb_tail_pointer(msg);

			w.msg = msg;
			/* One state: walk again when a batch landed meanwhile. */
			do {
				nlmsg_trim(msg, values);
				seq = read_seqcount_begin(&eng->st->seq);
				rcu_read_lock();
				err = walk(eng->st, &o->path, &w);
				rcu_read_unlock();
			} while (!err && read_seqcount_retry(&eng->st->seq, seq));
		}
		if (err)
			goto too_small;
		genlmsg_end(msg, hdr);
		o->seq++;
		return msg;
too_small:
		nlmsg_free(msg);
	}
	return NULL;
}

/*
 * Takes @o's unread notification, if one still waits in the socket, out of
 * the queue. The clone that was queued shares its data with @o->held, so
 * while the clone lives @o->held's data has a second reference; and only
 * the clone can have @o->held's head. Under the queue's lock every skb in
 * it is alive, so comparing pointers there is safe even after the reader
 * freed the clone.
 */
static void obs_unqueue(struct klwm2m_obs *o)
{
	struct sk_buff_head *q = &o->sk->sk_receive_queue;
	struct sk_buff *skb, *found = NULL;
	unsigned long flags;

	if (!skb_cloned(o->held))
		return;		/* read and freed */
	spin_lock_irqsave(&q->lock, flags);
	skb_queue_walk(q, skb) {
		if (skb == o->queued && skb->head == o->held->head) {
			__skb_unlink(skb, q);
			found = skb;
			break;
		}
	}
	spin_unlock_irqrestore(&q->lock, flags);
	/* Freed, it gives its room in the socket back. */
	kfree_skb(found);
}

/* Lets the last notification go (its clone, if unread, stays where it is). */
static void obs_forget(struct klwm2m_obs *o)
{
	consume_skb(o->held);
	o->held = NULL;
	o->queued = NULL;
}

/*
 * Queues @msg for the observer. At most one notification per observation
 * waits in the socket: one not read yet is taken back out of the queue
 * before the newer one goes in.
 */
static void obs_send(struct klwm2m_engine *eng, struct klwm2m_obs *o, struct sk_buff *msg)
{
	struct sk_buff *clone;

	if (o->held) {
		obs_unqueue(o);
		obs_forget(o);
	}
	clone = skb_clone(msg, GFP_KERNEL);
	if (clone) {
		o->held = msg;
		o->queued = clone;
		msg = clone;
	}
	if (genlmsg_unicast(eng->net, msg, o->portid)) {
		obs_forget(o);
		o->lost = true;
	}
}

static void obs_arm(struct klwm2m_engine *eng, struct klwm2m_obs *o, u64 now)
{
	u64 t = klwm2m_eval_deadline(&o->ev, &o->attrs);

	if (t == U64_MAX) {
		del_timer(&o->timer);
		return;
	}
	/* A jiffy late rather than early: the rules compare with the clock. */
	mod_timer(&o->timer, jiffies + nsecs_to_jiffies(t > now ? t - now : 0) + 1);
}

/* Sends a notification for @o with @reason (under eng->lock). */
static void obs_notify(struct klwm2m_engine *eng, struct klwm2m_obs *o, u8 reason,
		       const struct klwm2m_sample *s, u64 now)
{
	struct sk_buff *msg = obs_msg(eng, o, reason);

	if (msg)
		obs_send(eng, o, msg);
	else
		o->lost = true;
	klwm2m_eval_notified(&o->ev, s, now);
}

static void obs_timer(struct timer_list *t)
{
	struct klwm2m_obs *o = from_timer(o, t, timer);
	struct klwm2m_engine *eng = o->eng;

	spin_lock(&eng->due_lock);
	if (list_empty(&o->due))
		list_add_tail(&o->due, &eng->due);
	spin_unlock(&eng->due_lock);
	schedule_work(&eng->work);
}

static void engine_work(struct work_struct *work)
{
	struct klwm2m_engine *eng = container_of(work, struct klwm2m_engine, work);
	struct klwm2m_obs *o;

	mutex_lock(&eng->lock);
	for (;;) {
		struct klwm2m_sample s;
		bool epmax;
		u64 now;
		u8 r;

		spin_lock_bh(&eng->due_lock);
		o = list_first_entry_or_null(&eng->due, struct klwm2m_obs, due);
		if (o)
			list_del_init(&o->due);
		spin_unlock_bh(&eng->due_lock);
		if (!o)
			break;
		now = eng_now(eng);
		obs_sample(eng, o, &s);
		r = klwm2m_eval_timer(&o->ev, &o->attrs, &s, now, &epmax);
		/* A fresh value, when an app owns it, arrives as a change. */
		if (epmax)
			klwm2m_exec_sample(eng->net, &o->path);
		if (r)
			obs_notify(eng, o, r, &s, now);
		obs_arm(eng, o, now);
	}
	mutex_unlock(&eng->lock);
}

/* Unhooks @o (under eng->lock) and frees it: nothing can reach it after. */
static void obs_free(struct klwm2m_engine *eng, struct klwm2m_obs *o)
{
	xa_erase(&eng->obs, o->id);
	rhltable_remove(&eng->by_key, &o->node, obs_params);
	if (o->ssid)
		srv_count(eng, o->ssid, -1);
	WRITE_ONCE(eng->nobs, eng->nobs - 1);
	/* The timer only takes due_lock: waiting for it here cannot deadlock. */
	del_timer_sync(&o->timer);
	spin_lock_bh(&eng->due_lock);
	list_del_init(&o->due);
	spin_unlock_bh(&eng->due_lock);
	obs_forget(o);
	sock_put(o->sk);
	call_rcu(&o->rcu, obs_free_rcu);
}

/* The observed path is gone: a last notification, and the end. */
static void obs_gone(struct klwm2m_engine *eng, struct klwm2m_obs *o)
{
	struct sk_buff *msg = obs_msg(eng, o, KLWM2M_NOTIFY_GONE);

	if (msg)
		obs_send(eng, o, msg);
	obs_free(eng, o);
}

static bool under(const struct klwm2m_path *p, const struct klwm2m_path *at)
{
	int level;

	if (p->depth < at->depth)
		return false;
	for (level = 1; level <= at->depth; level++)
		if (path_id(p, level) != path_id(at, level))
			return false;
	return true;
}

/* Puts each observation a batch entry at @p concerns on @list, once. */
static void collect(struct klwm2m_engine *eng, const struct klwm2m_path *p, bool clear,
		    struct list_head *list)
{
	struct klwm2m_obs *o;
	int depth;

	struct rhlist_head *pos, *found;

	/* Lookups want RCU; the engine's lock keeps every entry in place anyway. */
	rcu_read_lock();
	for (depth = 1; depth <= 3; depth++) {
		u64 key = obs_key(p->oid, p->iid, p->rid, depth);

		found = rhltable_lookup(&eng->by_key, &key, obs_params);
		rhl_for_each_entry_rcu(o, pos, found, node) {
			if (o->mark == eng->mark)
				continue;
			/* A resource instance's observer: its own, or all cleared. */
			if (o->path.depth == 4 && !(clear || (p->depth == 4 &&
							      p->riid == o->path.riid)))
				continue;
			o->mark = eng->mark;
			list_add_tail(&o->batch, list);
		}
	}
	rcu_read_unlock();
}

static void evaluate_list(struct klwm2m_engine *eng, struct list_head *list)
{
	struct klwm2m_obs *o, *tmp;
	u64 now = eng_now(eng);

	list_for_each_entry_safe(o, tmp, list, batch) {
		struct klwm2m_sample s;
		u8 r;

		list_del(&o->batch);
		obs_sample(eng, o, &s);
		r = klwm2m_eval_change(&o->ev, &o->attrs, &s, now);
		if (r)
			obs_notify(eng, o, r, &s, now);
		obs_arm(eng, o, now);
	}
}

/*
 * Could any observation concern the batch? Looked up under RCU alone (an
 * observation is freed after a grace period), so that observations
 * elsewhere cost a set a few lookups and not the engine's lock.
 */
static bool may_concern(struct klwm2m_engine *eng, const struct klwm2m_set *ops, unsigned int n)
{
	bool found = false;
	unsigned int i;
	int depth;

	rcu_read_lock();
	for (i = 0; !found && i < n; i++) {
		for (depth = 1; !found && depth <= 3; depth++) {
			u64 key = obs_key(ops[i].path.oid, ops[i].path.iid, ops[i].path.rid, depth);

			found = rhltable_lookup(&eng->by_key, &key, obs_params);
		}
	}
	rcu_read_unlock();
	return found;
}

/* The store committed a change (store.h: on_change), under its lock. */
static void engine_changed(struct klwm2m_store *st, enum klwm2m_change what,
			   const struct klwm2m_path *p, const struct klwm2m_set *ops,
			   unsigned int n)
{
	struct klwm2m_net *kn = container_of(st, struct klwm2m_net, store);
	struct klwm2m_engine *eng = &kn->eng;
	struct klwm2m_obs *o;
	unsigned long id;
	unsigned int i;
	LIST_HEAD(list);

	if (!READ_ONCE(eng->nobs) || (what == KLWM2M_CHANGE_VALUES && !may_concern(eng, ops, n)))
		return;
	mutex_lock(&eng->lock);
	eng->mark++;
	switch (what) {
	case KLWM2M_CHANGE_VALUES:
		/* At depth 3 only a clear touches resource instances. */
		for (i = 0; i < n; i++)
			collect(eng, &ops[i].path, ops[i].path.depth == 3, &list);
		break;
	case KLWM2M_CHANGE_INST_CREATED:
		collect(eng, p, false, &list);
		break;
	case KLWM2M_CHANGE_INST_DELETED:
	case KLWM2M_CHANGE_OBJ_UNDEFINED:
		/* Under the removed path: gone. The object's observers: a change. */
		xa_for_each(&eng->obs, id, o) {
			if (under(&o->path, p))
				obs_gone(eng, o);
			else if (what == KLWM2M_CHANGE_INST_DELETED && o->path.depth == 1 &&
				 o->path.oid == p->oid)
				list_add_tail(&o->batch, &list);
		}
		break;
	}
	evaluate_list(eng, &list);
	mutex_unlock(&eng->lock);
}

/**
 * klwm2m_engine_init() - an engine for a namespace's store
 * @eng: the engine
 * @net: the namespace
 * @st: its store, which from now on tells the engine of its changes
 */
void klwm2m_engine_init(struct klwm2m_engine *eng, struct net *net, struct klwm2m_store *st)
{
	mutex_init(&eng->lock);
	eng->st = st;
	eng->net = net;
	xa_init_flags(&eng->obs, XA_FLAGS_ALLOC1);
	/* Cannot fail with these parameters (only on bad ones). */
	WARN_ON(rhltable_init(&eng->by_key, &obs_params));
	eng->attrs = RB_ROOT;
	xa_init(&eng->servers);
	xa_init(&eng->srv_obs);
	spin_lock_init(&eng->due_lock);
	INIT_LIST_HEAD(&eng->due);
	INIT_WORK(&eng->work, engine_work);
	st->on_change = engine_changed;
}

/**
 * klwm2m_engine_destroy() - end every observation, free every attribute
 * @eng: the engine; its namespace is going away
 */
void klwm2m_engine_destroy(struct klwm2m_engine *eng)
{
	struct klwm2m_attr_rec *r, *tmp;
	struct klwm2m_srv *srv;
	struct klwm2m_obs *o;
	unsigned long id;

	eng->st->on_change = NULL;
	mutex_lock(&eng->lock);
	xa_for_each(&eng->obs, id, o)
		obs_free(eng, o);
	mutex_unlock(&eng->lock);
	cancel_work_sync(&eng->work);
	rbtree_postorder_for_each_entry_safe(r, tmp, &eng->attrs, node)
		kfree(r);
	eng->attrs = RB_ROOT;
	xa_for_each(&eng->servers, id, srv)
		kfree(srv);
	xa_destroy(&eng->servers);
	xa_destroy(&eng->srv_obs);
	xa_destroy(&eng->obs);
	rhltable_destroy(&eng->by_key);
}

/**
 * klwm2m_obs_release() - a socket closed: its observations end
 * @eng: its namespace's engine
 * @portid: the socket's port ID
 */
void klwm2m_obs_release(struct klwm2m_engine *eng, u32 portid)
{
	struct klwm2m_obs *o;
	unsigned long id;

	if (!READ_ONCE(eng->nobs))
		return;
	mutex_lock(&eng->lock);
	xa_for_each(&eng->obs, id, o)
		if (o->portid == portid)
			obs_free(eng, o);
	mutex_unlock(&eng->lock);
}

/* ---------------------------------------------------------------- netlink */

static struct netlink_range_validation klwm2m_obs_ssid_range = {
	.min = 1,
	.max = KLWM2M_ID_MAX,
};

const struct nla_policy klwm2m_attr_policy[KLWM2M_A_ATTR_MAX + 1] = {
	[KLWM2M_A_ATTR_SERVER]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_obs_ssid_range),
	[KLWM2M_A_ATTR_PATH]	= _NLA_POLICY_NESTED(KLWM2M_A_PATH_MAX, klwm2m_path_policy),
	[KLWM2M_A_ATTR_PMIN]	= { .type = NLA_U32 },
	[KLWM2M_A_ATTR_PMAX]	= { .type = NLA_U32 },
	[KLWM2M_A_ATTR_GT]	= { .type = NLA_U64 },
	[KLWM2M_A_ATTR_LT]	= { .type = NLA_U64 },
	[KLWM2M_A_ATTR_ST]	= { .type = NLA_U64 },
	[KLWM2M_A_ATTR_EPMIN]	= { .type = NLA_U32 },
	[KLWM2M_A_ATTR_EPMAX]	= { .type = NLA_U32 },
	[KLWM2M_A_ATTR_EDGE]	= NLA_POLICY_MAX(NLA_U8, 1),
	[KLWM2M_A_ATTR_CON]	= NLA_POLICY_MAX(NLA_U8, 1),
	[KLWM2M_A_ATTR_HQMAX]	= { .type = NLA_U32 },
	[KLWM2M_A_ATTR_CLEAR]	= NLA_POLICY_MASK(NLA_U32, KLWM2M_ATTR_F_ALL),
};

const struct nla_policy klwm2m_server_policy[KLWM2M_A_SERVER_MAX + 1] = {
	[KLWM2M_A_SERVER_ID]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_obs_ssid_range),
	[KLWM2M_A_SERVER_PMIN]	= { .type = NLA_U32 },
	[KLWM2M_A_SERVER_PMAX]	= { .type = NLA_U32 },
};

const struct nla_policy klwm2m_obs_policy[KLWM2M_A_OBS_MAX + 1] = {
	[KLWM2M_A_OBS_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[KLWM2M_A_OBS_SERVER]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_obs_ssid_range),
	[KLWM2M_A_OBS_PATH]	= _NLA_POLICY_NESTED(KLWM2M_A_PATH_MAX, klwm2m_path_policy),
	[KLWM2M_A_OBS_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KLWM2M_OBS_F_ALL),
	[KLWM2M_A_OBS_SEQ]	= { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
	[KLWM2M_A_OBS_PORTID]	= { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
};

static struct klwm2m_engine *req_engine(struct genl_info *info)
{
	return &klwm2m_pernet(genl_info_net(info))->eng;
}

static bool req_admin(const struct sk_buff *skb, struct genl_info *info)
{
	return netlink_ns_capable(skb, genl_info_net(info)->user_ns, CAP_NET_ADMIN);
}

/*
 * A path from a "path" nest (validated by the policy already): OBJ, then
 * each deeper level only below the one before.
 */
static int get_path(struct netlink_ext_ack *extack, const struct nlattr *nest,
		    struct klwm2m_path *p)
{
	struct nlattr *tb[KLWM2M_A_PATH_MAX + 1];
	int err, level;

	err = nla_parse_nested(tb, KLWM2M_A_PATH_MAX, nest, NULL, extack);
	if (err)
		return err;
	memset(p, 0, sizeof(*p));
	for (level = 1; level <= KLWM2M_PATH_DEPTH_MAX; level++) {
		const struct nlattr *a = tb[KLWM2M_A_PATH_OBJ + level - 1];

		if (!a)
			break;
		if (level == 1)
			p->oid = nla_get_u16(a);
		else if (level == 2)
			p->iid = nla_get_u16(a);
		else if (level == 3)
			p->rid = nla_get_u16(a);
		else
			p->riid = nla_get_u16(a);
		p->depth = level;
	}
	if (!p->depth) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a path starts with its object");
		return -EINVAL;
	}
	for (level++; level <= KLWM2M_PATH_DEPTH_MAX; level++) {
		if (tb[KLWM2M_A_PATH_OBJ + level - 1]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KLWM2M_A_PATH_OBJ + level - 1],
					    "a path level without the one above it");
			return -EINVAL;
		}
	}
	return 0;
}

/* The server and path an attribute request names, both required. */
static int req_server_path(struct genl_info *info, u16 *ssid, struct klwm2m_path *p)
{
	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_ATTR_SERVER) ||
	    GENL_REQ_ATTR_CHECK(info, KLWM2M_A_ATTR_PATH))
		return -EINVAL;
	*ssid = nla_get_u16(info->attrs[KLWM2M_A_ATTR_SERVER]);
	return get_path(info->extack, info->attrs[KLWM2M_A_ATTR_PATH], p);
}

/* The object's definition and the resource's at @p (NULL above resources); under RCU. */
static struct klwm2m_obj *path_obj(struct klwm2m_engine *eng, const struct klwm2m_path *p,
				   const struct klwm2m_resdef **rd)
{
	struct klwm2m_obj *obj = xa_load(&eng->st->objs, p->oid);

	*rd = obj && p->depth >= 3 ? klwm2m_resdef_find(&obj->def, p->rid) : NULL;
	return obj;
}

/* Attributes given in a request, and the mask of those to clear. */
static void get_attrs(struct nlattr **tb, struct klwm2m_attrs *a, u32 *clear)
{
	const struct attr_field *f;

	memset(a, 0, sizeof(*a));
	*clear = tb[KLWM2M_A_ATTR_CLEAR] ? nla_get_u32(tb[KLWM2M_A_ATTR_CLEAR]) : 0;
	for (f = attr_fields; f < attr_fields + ARRAY_SIZE(attr_fields); f++) {
		if (!tb[f->nla])
			continue;
		/* The policy checked each one's size. */
		memcpy(field(a, f), nla_data(tb[f->nla]), f->size);
		a->set |= f->flag;
	}
}

static int put_attrs(struct sk_buff *msg, const struct klwm2m_attrs *a)
{
	const struct attr_field *f;
	int err = 0;

	for (f = attr_fields; !err && f < attr_fields + ARRAY_SIZE(attr_fields); f++) {
		const void *v = field((struct klwm2m_attrs *)a, f);

		if (!(a->set & f->flag))
			continue;
		if (f->size == 8)
			err = nla_put_u64_64bit(msg, f->nla, *(const u64 *)v, KLWM2M_A_ATTR_PAD);
		else
			err = nla_put(msg, f->nla, f->size, v);
	}
	return err ? -EMSGSIZE : 0;
}

/*
 * The observations of @ssid at, above or below @p (NULL: all of them) take
 * their attributes anew (under eng->lock).
 */
static void refresh_server(struct klwm2m_engine *eng, u16 ssid, const struct klwm2m_path *p)
{
	struct klwm2m_obs *o;
	unsigned long id;
	u64 now;

	if (!xa_load(&eng->srv_obs, ssid))
		return;
	now = eng_now(eng);
	xa_for_each(&eng->obs, id, o) {
		struct klwm2m_sample s;

		if (o->ssid != ssid || (p && !under(&o->path, p) && !under(p, &o->path)))
			continue;
		attrs_effective(eng, ssid, &o->path, &o->attrs);
		obs_sample(eng, o, &s);
		klwm2m_eval_sides(&o->ev, &o->attrs, &s);
		obs_arm(eng, o, now);
	}
}

int klwm2m_nl_attr_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_engine *eng = req_engine(info);
	const struct klwm2m_resdef *rd;
	struct klwm2m_attr_rec *rec;
	struct klwm2m_attrs given, next;
	struct klwm2m_path p;
	u32 clear;
	u16 ssid;
	int err;

	err = req_server_path(info, &ssid, &p);
	if (err)
		return err;
	get_attrs(info->attrs, &given, &clear);
	if (given.set & clear) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_ATTR_CLEAR],
				    "an attribute is both given and cleared");
		return -EINVAL;
	}

	mutex_lock(&eng->lock);
	rec = attr_find(eng, ssid, &p);
	memset(&next, 0, sizeof(next));
	if (rec)
		next = rec->a;
	attrs_merge(&next, &given);
	next.set &= ~clear;
	rcu_read_lock();
	if (!path_obj(eng, &p, &rd)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_ATTR_PATH],
				    "no such object");
		err = -ENOENT;
	} else if (p.depth >= 3 && !rd) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_ATTR_PATH],
				    "the object defines no such resource");
		err = -ENOENT;
	} else if (p.depth == 4 && !(rd->flags & KLWM2M_RES_MULTIPLE)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_ATTR_PATH],
				    "a resource instance of a single resource");
		err = -EINVAL;
	} else {
		err = klwm2m_attrs_check(&next, &p, rd, info->extack);
	}
	rcu_read_unlock();
	if (err)
		goto out;
	if (!next.set) {
		if (rec) {
			rb_erase(&rec->node, &eng->attrs);
			eng->nattrs--;
			kfree(rec);
		}
	} else if (rec) {
		rec->a = next;
	} else if (eng->nattrs >= klwm2m_limits.max_observations) {
		NL_SET_ERR_MSG(info->extack,
			       "too many attribute sets (module parameter max_observations)");
		err = -ENOSPC;
		goto out;
	} else {
		rec = kzalloc(sizeof(*rec), GFP_KERNEL);
		if (!rec) {
			err = -ENOMEM;
			goto out;
		}
		rec->ssid = ssid;
		rec->path = p;
		rec->a = next;
		attr_insert(eng, rec);
	}
	refresh_server(eng, ssid, &p);
out:
	mutex_unlock(&eng->lock);
	return err;
}

static int attr_reply(struct sk_buff *msg, u16 ssid, const struct klwm2m_path *p,
		      const struct klwm2m_attrs *a)
{
	if (nla_put_u16(msg, KLWM2M_A_ATTR_SERVER, ssid) ||
	    klwm2m_put_path(msg, KLWM2M_A_ATTR_PATH, p))
		return -EMSGSIZE;
	return a ? put_attrs(msg, a) : 0;
}

/* Read permission on @oid (admins may read all). */
static int may_read(struct klwm2m_engine *eng, bool admin, u16 oid,
		    struct netlink_ext_ack *extack, const struct nlattr *where)
{
	struct klwm2m_obj *obj;
	int err = 0;

	rcu_read_lock();
	obj = xa_load(&eng->st->objs, oid);
	if (!obj) {
		NL_SET_ERR_MSG_ATTR(extack, where, "no such object");
		err = -ENOENT;
	} else if (!admin && !klwm2m_obj_permits(&obj->def, MAY_READ)) {
		NL_SET_ERR_MSG_ATTR(extack, where, "the object's mode does not let you read it");
		err = -EPERM;
	}
	rcu_read_unlock();
	return err;
}

int klwm2m_nl_attr_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_engine *eng = req_engine(info);
	struct klwm2m_attr_rec *rec;
	struct klwm2m_path p;
	struct sk_buff *msg;
	void *hdr;
	u16 ssid;
	int err;

	err = req_server_path(info, &ssid, &p);
	if (!err)
		err = may_read(eng, req_admin(skb, info), p.oid, info->extack,
			       info->attrs[KLWM2M_A_ATTR_PATH]);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_ATTR_GET);
	mutex_lock(&eng->lock);
	rec = attr_find(eng, ssid, &p);
	err = hdr ? attr_reply(msg, ssid, &p, rec ? &rec->a : NULL) : -EMSGSIZE;
	mutex_unlock(&eng->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A dump's cursor: the next key to send (never a pointer). */
struct attr_dump {
	struct klwm2m_path prefix;
	struct klwm2m_path next;
	u16 ssid;
	bool admin;
};

static struct klwm2m_engine *dump_engine(struct netlink_callback *cb)
{
	return &klwm2m_pernet(sock_net(cb->skb->sk))->eng;
}

static bool dump_admin(struct netlink_callback *cb)
{
	return netlink_ns_capable(cb->skb, sock_net(cb->skb->sk)->user_ns, CAP_NET_ADMIN);
}

int klwm2m_nl_attr_get_start(struct netlink_callback *cb)
{
	struct klwm2m_engine *eng = dump_engine(cb);
	struct attr_dump *d = (void *)cb->ctx;
	struct nlattr *tb[KLWM2M_A_ATTR_MAX + 1];
	int err;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	/* Validated by genetlink already; parsed here to spare a version check. */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, KLWM2M_A_ATTR_MAX, klwm2m_attr_policy,
			  cb->extack);
	if (err)
		return err;
	memset(d, 0, sizeof(*d));
	if (!tb[KLWM2M_A_ATTR_SERVER]) {
		NL_SET_ERR_MSG(cb->extack, "a dump of attributes names its server");
		NL_SET_ERR_ATTR_MISS(cb->extack, NULL, KLWM2M_A_ATTR_SERVER);
		return -EINVAL;
	}
	d->ssid = nla_get_u16(tb[KLWM2M_A_ATTR_SERVER]);
	d->admin = dump_admin(cb);
	if (tb[KLWM2M_A_ATTR_PATH]) {
		err = get_path(cb->extack, tb[KLWM2M_A_ATTR_PATH], &d->prefix);
		if (!err)
			err = may_read(eng, d->admin, d->prefix.oid, cb->extack,
				       tb[KLWM2M_A_ATTR_PATH]);
		if (err)
			return err;
	}
	d->next = d->prefix;
	return 0;
}

static bool readable(struct klwm2m_engine *eng, u16 oid)
{
	struct klwm2m_obj *obj;
	bool ok;

	rcu_read_lock();
	obj = xa_load(&eng->st->objs, oid);
	ok = obj && klwm2m_obj_permits(&obj->def, MAY_READ);
	rcu_read_unlock();
	return ok;
}

int klwm2m_nl_attr_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct klwm2m_engine *eng = dump_engine(cb);
	struct attr_dump *d = (void *)cb->ctx;
	struct klwm2m_attr_rec *r;
	struct rb_node *n;

	mutex_lock(&eng->lock);
	r = attr_ceil(eng, d->ssid, &d->next);
	for (n = r ? &r->node : NULL; n; n = rb_next(n)) {
		void *hdr;

		r = rb_entry(n, struct klwm2m_attr_rec, node);
		if (r->ssid != d->ssid || (d->prefix.depth && !under(&r->path, &d->prefix)))
			break;
		if (!d->admin && !d->prefix.depth && !readable(eng, r->path.oid))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &klwm2m_family, NLM_F_MULTI, KLWM2M_CMD_ATTR_GET);
		if (!hdr || attr_reply(skb, r->ssid, &r->path, &r->a)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			/* Resume at the record that did not fit. */
			d->next = r->path;
			mutex_unlock(&eng->lock);
			return skb->len;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&eng->lock);
	return 0;
}

int klwm2m_nl_server_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_engine *eng = req_engine(info);
	struct klwm2m_srv *srv, *old;
	u16 ssid;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_SERVER_ID))
		return -EINVAL;
	ssid = nla_get_u16(info->attrs[KLWM2M_A_SERVER_ID]);
	srv = kzalloc(sizeof(*srv), GFP_KERNEL);
	if (!srv)
		return -ENOMEM;
	srv->id = ssid;
	if (info->attrs[KLWM2M_A_SERVER_PMIN]) {
		srv->has_pmin = true;
		srv->pmin = nla_get_u32(info->attrs[KLWM2M_A_SERVER_PMIN]);
	}
	if (info->attrs[KLWM2M_A_SERVER_PMAX]) {
		srv->has_pmax = true;
		srv->pmax = nla_get_u32(info->attrs[KLWM2M_A_SERVER_PMAX]);
	}
	mutex_lock(&eng->lock);
	if (!srv->has_pmin && !srv->has_pmax) {
		old = xa_erase(&eng->servers, ssid);
		kfree(srv);
		err = 0;
	} else {
		old = xa_store(&eng->servers, ssid, srv, GFP_KERNEL);
		err = xa_err(old);
		if (err) {
			old = NULL;
			kfree(srv);
		}
	}
	kfree(old);
	if (!err)
		refresh_server(eng, ssid, NULL);
	mutex_unlock(&eng->lock);
	return err;
}

/* Does @p exist, and may the caller observe it? Under RCU. */
static int obs_target(struct klwm2m_engine *eng, const struct klwm2m_path *p, bool admin,
		      struct netlink_ext_ack *extack)
{
	const struct klwm2m_resdef *rd;
	int err = klwm2m_check_path(eng->st, p, admin, extack);

	if (err || p->depth < 3)
		return err;
	path_obj(eng, p, &rd);
	if (rd->type == KLWM2M_TYPE_NONE) {
		NL_SET_ERR_MSG(extack, "an executable resource holds no value to observe");
		return -EINVAL;
	}
	if ((rd->flags & KLWM2M_RES_SECRET) && !admin) {
		NL_SET_ERR_MSG(extack, "secret resources are read by admins only");
		return -EPERM;
	}
	return 0;
}

int klwm2m_nl_obs_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_engine *eng = req_engine(info);
	bool admin = req_admin(skb, info);
	struct klwm2m_sample s;
	struct klwm2m_obs *o;
	struct sk_buff *msg;
	void *hdr;
	u64 now;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_OBS_PATH))
		return -EINVAL;
	o = kmem_cache_zalloc(obs_cache, GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!o || !msg) {
		err = -ENOMEM;
		goto err_free;
	}
	err = get_path(info->extack, info->attrs[KLWM2M_A_OBS_PATH], &o->path);
	if (err)
		goto err_free;
	rcu_read_lock();
	err = obs_target(eng, &o->path, admin, info->extack);
	rcu_read_unlock();
	if (err) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[KLWM2M_A_OBS_PATH]);
		goto err_free;
	}
	if (info->attrs[KLWM2M_A_OBS_SERVER])
		o->ssid = nla_get_u16(info->attrs[KLWM2M_A_OBS_SERVER]);
	if (info->attrs[KLWM2M_A_OBS_FLAGS])
		o->flags = nla_get_u32(info->attrs[KLWM2M_A_OBS_FLAGS]);
	o->portid = info->snd_portid;
	o->admin = admin;
	o->eng = eng;
	/* The requesting socket: notifications wait in its queue. */
	o->sk = NETLINK_CB(skb).sk;
	INIT_LIST_HEAD(&o->batch);
	INIT_LIST_HEAD(&o->due);
	timer_setup(&o->timer, obs_timer, 0);

	mutex_lock(&eng->lock);
	if (eng->nobs >= klwm2m_limits.max_observations) {
		NL_SET_ERR_MSG(info->extack,
			       "too many observations (module parameter max_observations)");
		err = -ENOSPC;
		goto err_unlock;
	}
	err = xa_alloc_cyclic(&eng->obs, &o->id, o, XA_LIMIT(1, U32_MAX), &eng->next_id,
			      GFP_KERNEL);
	if (err < 0)
		goto err_unlock;
	o->key = obs_key_of(o);
	err = rhltable_insert(&eng->by_key, &o->node, obs_params);
	if (err) {
		xa_erase(&eng->obs, o->id);
		goto err_unlock;
	}
	if (o->ssid && srv_count(eng, o->ssid, 1)) {
		rhltable_remove(&eng->by_key, &o->node, obs_params);
		xa_erase(&eng->obs, o->id);
		err = -ENOMEM;
		goto err_unlock;
	}
	sock_hold(o->sk);
	WRITE_ONCE(eng->nobs, eng->nobs + 1);
	attrs_effective(eng, o->ssid, &o->path, &o->attrs);
	now = eng_now(eng);
	obs_sample(eng, o, &s);
	klwm2m_eval_start(&o->ev, &o->attrs, &s, now);

	hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_OBS_CREATE);
	if (!hdr || nla_put_u32(msg, KLWM2M_A_OBS_ID, o->id)) {
		obs_free(eng, o);
		mutex_unlock(&eng->lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	/* After the reply, so that the observer knows the ID first. */
	if (!err && (o->flags & KLWM2M_OBS_F_INITIAL))
		obs_notify(eng, o, KLWM2M_NOTIFY_INITIAL, &s, now);
	obs_arm(eng, o, now);
	mutex_unlock(&eng->lock);
	return err;

err_unlock:
	mutex_unlock(&eng->lock);
err_free:
	nlmsg_free(msg);
	/* It may have been in the table a moment: a lookup may still see it. */
	if (o)
		call_rcu(&o->rcu, obs_free_rcu);
	return err;
}

/* The caller's observation @id, or NULL with a message (under eng->lock). */
static struct klwm2m_obs *own_obs(struct klwm2m_engine *eng, struct genl_info *info)
{
	struct klwm2m_obs *o;

	if (GENL_REQ_ATTR_CHECK(info, KLWM2M_A_OBS_ID))
		return NULL;
	o = xa_load(&eng->obs, nla_get_u32(info->attrs[KLWM2M_A_OBS_ID]));
	if (!o || o->portid != info->snd_portid) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_OBS_ID],
				    "no such observation on this socket");
		return NULL;
	}
	return o;
}

int klwm2m_nl_obs_cancel_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_engine *eng = req_engine(info);
	struct klwm2m_obs *o;
	int err = 0;

	mutex_lock(&eng->lock);
	o = own_obs(eng, info);
	if (o)
		obs_free(eng, o);
	else
		err = info->attrs[KLWM2M_A_OBS_ID] ? -ENOENT : -EINVAL;
	mutex_unlock(&eng->lock);
	return err;
}

int klwm2m_nl_obs_resync_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_engine *eng = req_engine(info);
	struct klwm2m_obs *o;
	unsigned long id;
	u64 now;

	mutex_lock(&eng->lock);
	now = eng_now(eng);
	xa_for_each(&eng->obs, id, o) {
		struct klwm2m_sample s;

		if (o->portid != info->snd_portid)
			continue;
		obs_sample(eng, o, &s);
		o->lost = false;
		obs_notify(eng, o, KLWM2M_NOTIFY_RESYNC, &s, now);
		obs_arm(eng, o, now);
	}
	mutex_unlock(&eng->lock);
	return 0;
}

struct obs_dump {
	u32 next_id;
	bool admin;
};

int klwm2m_nl_obs_get_start(struct netlink_callback *cb)
{
	struct obs_dump *d = (void *)cb->ctx;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	d->next_id = 1;
	d->admin = dump_admin(cb);
	return 0;
}

int klwm2m_nl_obs_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct klwm2m_engine *eng = dump_engine(cb);
	struct obs_dump *d = (void *)cb->ctx;
	u32 portid = NETLINK_CB(cb->skb).portid;
	struct klwm2m_obs *o;
	unsigned long id;

	mutex_lock(&eng->lock);
	xa_for_each_start(&eng->obs, id, o, d->next_id) {
		void *hdr;

		if (!d->admin && o->portid != portid)
			continue;
		hdr = genlmsg_put(skb, portid, cb->nlh->nlmsg_seq, &klwm2m_family, NLM_F_MULTI,
				  KLWM2M_CMD_OBS_GET);
		if (!hdr || nla_put_u32(skb, KLWM2M_A_OBS_ID, o->id) ||
		    (o->ssid && nla_put_u16(skb, KLWM2M_A_OBS_SERVER, o->ssid)) ||
		    klwm2m_put_path(skb, KLWM2M_A_OBS_PATH, &o->path) ||
		    nla_put_u32(skb, KLWM2M_A_OBS_FLAGS, o->flags) ||
		    nla_put_u32(skb, KLWM2M_A_OBS_SEQ, o->seq) ||
		    nla_put_u32(skb, KLWM2M_A_OBS_PORTID, o->portid)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			d->next_id = id;
			mutex_unlock(&eng->lock);
			return skb->len;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&eng->lock);
	return 0;
}
