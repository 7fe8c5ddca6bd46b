/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klwm2m: the Object/Instance/Resource store of one network namespace.
 *
 * Locking: writers hold store->lock (one mutex per namespace); readers walk
 * the xarrays under rcu_read_lock(). Everything a reader can reach is
 * immutable once published (definitions, values) or only changes through
 * xarray operations (instances, multiple resources); replaced or removed
 * things are freed after a grace period.
 *
 * Shape: store->objs: object ID -> struct klwm2m_obj (definition + instances)
 *        obj->insts:  instance ID -> struct klwm2m_inst
 *        inst->res:   resource ID -> struct klwm2m_value (single resource)
 *                                  or struct klwm2m_multi (multiple resource)
 *        multi->ris:  resource-instance ID -> struct klwm2m_value
 */
#ifndef _KLWM2M_STORE_H
#define _KLWM2M_STORE_H

#include <linux/klwm2m.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

struct klwm2m_limits;
struct klwm2m_sdir;

/* Resource definition flags. */
#define KLWM2M_RES_MULTIPLE	BIT(0)
#define KLWM2M_RES_MANDATORY	BIT(1)
#define KLWM2M_RES_SECRET	BIT(2)	/* never shown to the unprivileged; zeroed when freed */
#define KLWM2M_RES_RANGE	BIT(3)	/* min/max apply (numeric types) */
#define KLWM2M_RES_LENGTH	BIT(4)	/* len_min/len_max apply (string, opaque, corelnk) */
#define KLWM2M_RES_FLAGS_ALL	(BIT(5) - 1)

struct klwm2m_resdef {
	const char *name;
	u64 min, max;		/* INTEGER/TIME as s64, UNSIGNED as u64, FLOAT as double bits */
	u32 len_min, len_max;
	u16 id;
	u8 type;		/* enum klwm2m_type */
	u8 ops;			/* KLWM2M_OP_* */
	u8 flags;		/* KLWM2M_RES_* */
};

/* Object definition flags. */
#define KLWM2M_OBJ_MULTIPLE	BIT(0)
#define KLWM2M_OBJ_MANDATORY	BIT(1)
#define KLWM2M_OBJ_FLAGS_ALL	(BIT(2) - 1)

#define KLWM2M_NAME_MAX		128

struct klwm2m_objdef {
	const char *name;
	const struct klwm2m_resdef *res;	/* sorted by ID, unique */
	u16 nres;
	u16 id;
	u8 ver_major, ver_minor;		/* the object's own version, 1.0 and up */
	u8 flags;				/* KLWM2M_OBJ_* */
	kuid_t uid;
	kgid_t gid;
	umode_t mode;				/* 0..0777, as for files */
};

/* A value: immutable once published, freed after a grace period. */
struct klwm2m_value {
	struct rcu_head rcu;
	u32 len;		/* bytes in data[] (STRING, OPAQUE, CORELNK) */
	u8 type;
	bool secret;
	union {
		s64 s;		/* INTEGER, TIME */
		u64 u;		/* UNSIGNED, FLOAT bits */
		u32 objlnk;
		bool b;
	};
	u8 data[];
};

struct klwm2m_multi {
	struct rcu_head rcu;
	struct xarray ris;
	struct klwm2m_sdir *sdir;	/* its sysfs directory, or NULL */
};

struct klwm2m_inst {
	struct rcu_head rcu;
	struct xarray res;
	struct klwm2m_sdir *sdir;	/* its sysfs directory, or NULL */
	u16 id;
};

struct klwm2m_obj {
	struct rcu_head rcu;
	struct xarray insts;
	u32 ninsts;			/* under the store's lock; READ_ONCE() elsewhere */
	struct klwm2m_sdir *sdir;	/* its sysfs directory, or NULL */
	struct klwm2m_objdef def;	/* names and resources live after this struct */
};

struct klwm2m_path {
	u16 oid, iid, rid, riid;
	u8 depth;		/* 1 object .. 4 resource instance */
};

/* What a committed change was, for klwm2m_store.on_change. */
enum klwm2m_change {
	KLWM2M_CHANGE_VALUES,		/* a batch: @ops, @n */
	KLWM2M_CHANGE_INST_CREATED,	/* @p: the instance */
	KLWM2M_CHANGE_INST_DELETED,	/* @p: the instance */
	KLWM2M_CHANGE_OBJ_UNDEFINED,	/* @p: the object */
};

struct klwm2m_set;

struct klwm2m_store {
	struct mutex lock;	/* serialises writers */
	seqcount_mutex_t seq;	/* bumped around each batch's commit */
	struct xarray objs;
	u64 used;		/* bytes accounted, under lock; READ_ONCE() elsewhere */
	/* Counts, under lock; READ_ONCE() elsewhere. */
	u32 nobjs;
	u32 ninsts;
	u64 nvalues;		/* single resources and resource instances holding a value */
	u32 longest;		/* the longest value ever stored, in bytes (sizes dumps) */
	u64 budget;
	u32 max_value;
	u32 gen;		/* bumped by every committed change, for dumps */
	u32 tree_hint;		/* the last GET_TREE reply's length: the next one's first buffer */
	bool sysfs;		/* the initial namespace's: shown under /sys/kernel/klwm2m */
	/*
	 * Told of each committed change before the lock is dropped (the
	 * notification engine), or NULL. Must not take the store's lock.
	 */
	void (*on_change)(struct klwm2m_store *st, enum klwm2m_change what,
			  const struct klwm2m_path *p, const struct klwm2m_set *ops,
			  unsigned int n);
};

/*
 * One entry of a batch. A value at depth 3 sets a single resource; at depth
 * 4 one instance of a multiple resource; no value at depth 4 deletes that
 * resource instance; no value at depth 3 on a multiple resource clears all
 * its instances (a replace is a clear followed by the new instances).
 *
 * @val is the caller's until the store takes it: klwm2m_store_set() sets
 * @val to NULL for each value it stored. A value it only copied (a scalar
 * written over the scalar a single resource holds, or any @borrowed value)
 * stays the caller's to free, as every value does when the batch fails.
 */
struct klwm2m_set {
	struct klwm2m_path path;
	struct klwm2m_value *val;
	bool borrowed;			/* never take @val: store a copy (it is in an array) */
	/* private to klwm2m_store_set() */
	bool reserved;
	bool inplace;			/* copied into the value the slot holds */
	struct klwm2m_value *old;
};

/*
 * Scalars of single resources are overwritten in place, without an
 * allocation or a grace period, where a reader's 64-bit load cannot tear.
 * Readers load them with READ_ONCE(); readers of several values use the
 * store's seqcount, as for any batch.
 */
#define KLWM2M_INPLACE	IS_ENABLED(CONFIG_64BIT)

/* Batch flags. */
#define KLWM2M_SET_SERVER	BIT(0)	/* a server's write: needs KLWM2M_OP_WRITE */
#define KLWM2M_SET_CHECK_MODE	BIT(1)	/* the caller is no admin: needs each object's write bit */

void klwm2m_store_init(struct klwm2m_store *st, const struct klwm2m_limits *lim);
void klwm2m_store_destroy(struct klwm2m_store *st);

int klwm2m_obj_define(struct klwm2m_store *st, const struct klwm2m_objdef *def,
		      struct netlink_ext_ack *extack, int *bad_res);
int klwm2m_obj_undefine(struct klwm2m_store *st, u16 oid, struct netlink_ext_ack *extack);
int klwm2m_inst_create(struct klwm2m_store *st, u16 oid, int iid,
		       struct netlink_ext_ack *extack);
int klwm2m_inst_delete(struct klwm2m_store *st, u16 oid, u16 iid,
		       struct netlink_ext_ack *extack);

struct klwm2m_value *klwm2m_value_new(u8 type, const void *data, u32 len, gfp_t gfp);
void klwm2m_value_free(struct klwm2m_value *v);
int klwm2m_value_check(const struct klwm2m_resdef *rd, const struct klwm2m_value *v,
		       u32 max_value, struct netlink_ext_ack *extack);

/**
 * klwm2m_value_scalar() - fill a caller-held value from a struct klwm2m_scalar's fields
 * @v: the value; every field a scalar uses is set here
 * @type: enum klwm2m_type, a scalar type
 * @x: the record's 64-bit value
 *
 * Return: 0, or -EINVAL for a type that is no scalar, a boolean other than 0
 * or 1, or an object link with bits above its 32.
 */
static inline int klwm2m_value_scalar(struct klwm2m_value *v, u8 type, u64 x)
{
	/* Not the rcu head: a caller-held value is never freed through RCU. */
	v->len = 0;
	v->secret = false;
	v->u = 0;
	v->type = type;
	switch (type) {
	case KLWM2M_TYPE_BOOLEAN:
		if (x > 1)
			return -EINVAL;
		v->b = x;
		return 0;
	case KLWM2M_TYPE_OBJLNK:
		if (x > U32_MAX)
			return -EINVAL;
		v->objlnk = x;
		return 0;
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_UNSIGNED:
	case KLWM2M_TYPE_FLOAT:
	case KLWM2M_TYPE_TIME:
		v->u = x;
		return 0;
	default:
		return -EINVAL;
	}
}

int klwm2m_store_set(struct klwm2m_store *st, struct klwm2m_set *ops, unsigned int n,
		     unsigned int flags, struct netlink_ext_ack *extack, int *bad);

bool klwm2m_obj_permits(const struct klwm2m_objdef *def, int mask);
const struct klwm2m_resdef *klwm2m_resdef_find(const struct klwm2m_objdef *def, u16 rid);
u32 klwm2m_store_gen(const struct klwm2m_store *st);
const struct klwm2m_value *klwm2m_store_get_rcu(struct klwm2m_store *st,
						const struct klwm2m_path *p);

bool klwm2m_utf8_valid(const u8 *s, u32 len);
int klwm2m_f64_cmp(u64 a, u64 b);
bool klwm2m_f64_is_nan(u64 a);

#endif /* _KLWM2M_STORE_H */
