// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: the Object/Instance/Resource store (see store.h for its shape and
 * locking). Definitions, instances, typed values, validation, atomic
 * batches and the memory budget.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/klwm2m.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "klwm2m.h"
#include "store.h"

#define F64_SIGN	BIT_ULL(63)
#define F64_EXP		GENMASK_ULL(62, 52)
#define F64_FRAC	GENMASK_ULL(51, 0)

bool klwm2m_f64_is_nan(u64 a)
{
	return (a & F64_EXP) == F64_EXP && (a & F64_FRAC);
}

/**
 * klwm2m_f64_cmp() - compare two IEEE 754 doubles given as bits, without the FPU
 * @a: first value's bits
 * @b: second value's bits
 *
 * Neither may be a NaN. -0 and +0 compare equal.
 *
 * Return: <0, 0 or >0 as @a is below, equal to or above @b.
 */
int klwm2m_f64_cmp(u64 a, u64 b)
{
	u64 ka, kb;

	if (!(a << 1) && !(b << 1))
		return 0;
	/* Map to unsigned keys that sort like the doubles they encode. */
	ka = (a & F64_SIGN) ? ~a : a | F64_SIGN;
	kb = (b & F64_SIGN) ? ~b : b | F64_SIGN;
	return ka < kb ? -1 : ka > kb;
}

static bool type_is_bytes(u8 type)
{
	return type == KLWM2M_TYPE_STRING || type == KLWM2M_TYPE_OPAQUE ||
	       type == KLWM2M_TYPE_CORELNK;
}

static bool type_is_numeric(u8 type)
{
	return type == KLWM2M_TYPE_INTEGER || type == KLWM2M_TYPE_UNSIGNED ||
	       type == KLWM2M_TYPE_FLOAT || type == KLWM2M_TYPE_TIME;
}

/* <0, 0, >0: @a against @b, both of numeric @type as a range stores them. */
static int num_cmp(u8 type, u64 a, u64 b)
{
	switch (type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		return (s64)a < (s64)b ? -1 : (s64)a > (s64)b;
	case KLWM2M_TYPE_FLOAT:
		return klwm2m_f64_cmp(a, b);
	default:
		return a < b ? -1 : a > b;
	}
}

static size_t scalar_size(u8 type)
{
	switch (type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_UNSIGNED:
	case KLWM2M_TYPE_FLOAT:
	case KLWM2M_TYPE_TIME:
		return sizeof(u64);
	case KLWM2M_TYPE_BOOLEAN:
		return sizeof(u8);
	case KLWM2M_TYPE_OBJLNK:
		return sizeof(u32);
	default:
		return 0;
	}
}

/**
 * klwm2m_value_new() - build a value from its wire form
 * @type: enum klwm2m_type; NONE and UNSPEC hold no value
 * @data: the bytes (string, opaque, corelnk) or the scalar in host order
 * @len: bytes at @data; a scalar must have its exact size
 * @gfp: allocation flags
 *
 * Return: the value, or ERR_PTR(-EINVAL) for a type or size that cannot be a
 * value, or ERR_PTR(-ENOMEM).
 */
struct klwm2m_value *klwm2m_value_new(u8 type, const void *data, u32 len, gfp_t gfp)
{
	bool bytes = type_is_bytes(type);
	struct klwm2m_value *v;

	if (!bytes && (!scalar_size(type) || len != scalar_size(type)))
		return ERR_PTR(-EINVAL);
	if (type == KLWM2M_TYPE_BOOLEAN && *(const u8 *)data > 1)
		return ERR_PTR(-EINVAL);

	v = kzalloc(struct_size(v, data, bytes ? len : 0), gfp);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->type = type;
	if (bytes) {
		memcpy(v->data, data, len);
		v->len = len;
	} else if (type == KLWM2M_TYPE_BOOLEAN) {
		v->b = *(const u8 *)data;
	} else if (type == KLWM2M_TYPE_OBJLNK) {
		memcpy(&v->objlnk, data, sizeof(v->objlnk));
	} else {
		memcpy(&v->u, data, sizeof(v->u));
	}
	return v;
}

/* Frees at once: only for values no reader can have seen. */
void klwm2m_value_free(struct klwm2m_value *v)
{
	if (!v)
		return;
	if (v->secret)
		kfree_sensitive(v);
	else
		kfree(v);
}

static void value_free_rcu(struct rcu_head *head)
{
	klwm2m_value_free(container_of(head, struct klwm2m_value, rcu));
}

static void value_retire(struct klwm2m_value *v)
{
	if (v)
		call_rcu(&v->rcu, value_free_rcu);
}

static size_t value_size(const struct klwm2m_value *v)
{
	return struct_size(v, data, v->len);
}

static u64 value_cost(const void *entry)
{
	const struct klwm2m_value *v = entry;

	return v ? sizeof(*v) + v->len : 0;
}

/**
 * klwm2m_utf8_valid() - is @s well-formed UTF-8 (RFC 3629)?
 * @s: bytes
 * @len: their number
 *
 * Refuses overlong forms, UTF-16 surrogates and code points past U+10FFFF.
 *
 * Return: true when every byte belongs to a well-formed sequence.
 */
bool klwm2m_utf8_valid(const u8 *s, u32 len)
{
	u32 i = 0;

	while (i < len) {
		u8 c = s[i];
		u32 cp, need, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i - 1 < need)
			return false;
		for (i++; need; need--, i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/**
 * klwm2m_value_check() - validate a value against its resource's definition
 * @rd: the resource definition
 * @v: the value
 * @max_value: the module's largest value in bytes
 * @extack: receives the reason
 *
 * Return: 0, -EINVAL (wrong type, out of range), -E2BIG (too long) or
 * -ERANGE (outside the definition's length bounds).
 */
int klwm2m_value_check(const struct klwm2m_resdef *rd, const struct klwm2m_value *v,
		       u32 max_value, struct netlink_ext_ack *extack)
{
	if (v->type != rd->type) {
		NL_SET_ERR_MSG(extack, "value type differs from the resource's type");
		return -EINVAL;
	}
	if (type_is_bytes(v->type)) {
		if (v->len > max_value) {
			NL_SET_ERR_MSG(extack, "value longer than the module's max_value_size");
			return -E2BIG;
		}
		if ((rd->flags & KLWM2M_RES_LENGTH) &&
		    (v->len < rd->len_min || v->len > rd->len_max)) {
			NL_SET_ERR_MSG(extack, "value length outside the resource's bounds");
			return -ERANGE;
		}
		if (v->type != KLWM2M_TYPE_OPAQUE && memchr(v->data, '\0', v->len)) {
			NL_SET_ERR_MSG(extack, "text value contains a NUL byte");
			return -EINVAL;
		}
		if (v->type != KLWM2M_TYPE_OPAQUE && !klwm2m_utf8_valid(v->data, v->len)) {
			NL_SET_ERR_MSG(extack, "text value is not valid UTF-8");
			return -EINVAL;
		}
		return 0;
	}
	if (!(rd->flags & KLWM2M_RES_RANGE))
		return 0;
	if (v->type == KLWM2M_TYPE_FLOAT && klwm2m_f64_is_nan(v->u)) {
		NL_SET_ERR_MSG(extack, "NaN is outside any range");
		return -ERANGE;
	}
	if (num_cmp(v->type, v->u, rd->min) < 0 || num_cmp(v->type, v->u, rd->max) > 0) {
		NL_SET_ERR_MSG(extack, "value outside the resource's range");
		return -ERANGE;
	}
	return 0;
}

static int resdef_check(const struct klwm2m_resdef *rd, u32 max_value,
			struct netlink_ext_ack *extack)
{
	bool exec, none;

	if (rd->id > KLWM2M_ID_MAX) {
		NL_SET_ERR_MSG(extack, "resource ID above 65534");
		return -EINVAL;
	}
	if (!rd->name || !rd->name[0] || strnlen(rd->name, KLWM2M_NAME_MAX) == KLWM2M_NAME_MAX) {
		NL_SET_ERR_MSG(extack, "resource name missing or too long");
		return -EINVAL;
	}
	if (rd->type == KLWM2M_TYPE_UNSPEC || rd->type > KLWM2M_TYPE_MAX) {
		NL_SET_ERR_MSG(extack, "unknown resource type");
		return -EINVAL;
	}
	if (rd->ops & ~KLWM2M_OP_ALL || rd->flags & ~KLWM2M_RES_FLAGS_ALL) {
		NL_SET_ERR_MSG(extack, "unknown resource operation or flag bits");
		return -EINVAL;
	}
	exec = rd->ops & KLWM2M_OP_EXECUTE;
	none = rd->type == KLWM2M_TYPE_NONE;
	if (exec != none || (exec && rd->ops != KLWM2M_OP_EXECUTE)) {
		NL_SET_ERR_MSG(extack, "an executable resource has type none and nothing else");
		return -EINVAL;
	}
	if (rd->flags & KLWM2M_RES_RANGE) {
		if (!type_is_numeric(rd->type)) {
			NL_SET_ERR_MSG(extack, "a range on a non-numeric resource");
			return -EINVAL;
		}
		if (rd->type == KLWM2M_TYPE_FLOAT &&
		    (klwm2m_f64_is_nan(rd->min) || klwm2m_f64_is_nan(rd->max))) {
			NL_SET_ERR_MSG(extack, "a range bound is NaN");
			return -EINVAL;
		}
		if (num_cmp(rd->type, rd->min, rd->max) > 0) {
			NL_SET_ERR_MSG(extack, "range minimum above its maximum");
			return -EINVAL;
		}
	}
	if (rd->flags & KLWM2M_RES_LENGTH) {
		if (!type_is_bytes(rd->type)) {
			NL_SET_ERR_MSG(extack,
				       "length bounds on a resource neither text nor opaque");
			return -EINVAL;
		}
		if (rd->len_min > rd->len_max || rd->len_max > max_value) {
			NL_SET_ERR_MSG(extack, "length bounds inverted or above max_value_size");
			return -EINVAL;
		}
	}
	if ((rd->flags & KLWM2M_RES_SECRET) &&
	    rd->type != KLWM2M_TYPE_STRING && rd->type != KLWM2M_TYPE_OPAQUE) {
		NL_SET_ERR_MSG(extack, "only string or opaque resources can be secret");
		return -EINVAL;
	}
	return 0;
}

/**
 * klwm2m_objdef_check() - validate an object definition
 * @def: the definition; its resources sorted by ID
 * @max_value: the module's largest value in bytes
 * @extack: receives the reason
 * @bad_res: set to the index of the offending resource, or -1
 *
 * Return: 0 or -EINVAL.
 */
static int klwm2m_objdef_check(const struct klwm2m_objdef *def, u32 max_value,
			       struct netlink_ext_ack *extack, int *bad_res)
{
	unsigned int i;
	int err;

	*bad_res = -1;
	if (def->id > KLWM2M_ID_MAX) {
		NL_SET_ERR_MSG(extack, "object ID above 65534");
		return -EINVAL;
	}
	if (!def->ver_major) {
		NL_SET_ERR_MSG(extack, "object version must be MAJOR.MINOR, 1.0 or above");
		return -EINVAL;
	}
	if (!def->name || !def->name[0] || strnlen(def->name, KLWM2M_NAME_MAX) == KLWM2M_NAME_MAX) {
		NL_SET_ERR_MSG(extack, "object name missing or too long");
		return -EINVAL;
	}
	if (def->flags & ~KLWM2M_OBJ_FLAGS_ALL) {
		NL_SET_ERR_MSG(extack, "unknown object flag bits");
		return -EINVAL;
	}
	if (def->mode & ~0777) {
		NL_SET_ERR_MSG(extack, "mode has bits beyond 0777");
		return -EINVAL;
	}
	for (i = 0; i < def->nres; i++) {
		err = resdef_check(&def->res[i], max_value, extack);
		if (!err && i && def->res[i].id <= def->res[i - 1].id) {
			NL_SET_ERR_MSG(extack, "resource ID defined twice");
			err = -EINVAL;
		}
		if (err) {
			*bad_res = i;
			return err;
		}
	}
	return 0;
}

/**
 * klwm2m_obj_permits() - the object's mode bits for the current task, as for a file
 * @def: the object
 * @mask: MAY_READ and/or MAY_WRITE
 *
 * Return: true when the caller's fsuid (owner bits), groups (group bits) or
 * neither (other bits) grant every bit of @mask.
 */
bool klwm2m_obj_permits(const struct klwm2m_objdef *def, int mask)
{
	umode_t mode = def->mode;

	if (uid_eq(current_fsuid(), def->uid))
		mode >>= 6;
	else if (in_group_p(def->gid))
		mode >>= 3;
	return (mode & mask) == mask;
}

const struct klwm2m_resdef *klwm2m_resdef_find(const struct klwm2m_objdef *def, u16 rid)
{
	unsigned int lo = 0, hi = def->nres;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (def->res[mid].id == rid)
			return &def->res[mid];
		if (def->res[mid].id < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void klwm2m_store_init(struct klwm2m_store *st, const struct klwm2m_limits *lim)
{
	mutex_init(&st->lock);
	seqcount_mutex_init(&st->seq, &st->lock);
	xa_init(&st->objs);
	st->used = 0;
	st->budget = lim->store_budget;
	st->max_value = lim->max_value_size;
	st->gen = 1;
}

static bool charge(struct klwm2m_store *st, u64 bytes, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&st->lock);
	if (bytes > st->budget - st->used) {
		NL_SET_ERR_MSG(extack, "the namespace's store budget is exhausted");
		return false;
	}
	WRITE_ONCE(st->used, st->used + bytes);
	return true;
}

static void uncharge(struct klwm2m_store *st, u64 bytes)
{
	lockdep_assert_held(&st->lock);
	WRITE_ONCE(st->used, st->used - bytes);
}

static void changed(struct klwm2m_store *st)
{
	/* Dumps take 0 as "no generation": skip it. */
	WRITE_ONCE(st->gen, st->gen + 1 ? st->gen + 1 : 1);
}

static void tell(struct klwm2m_store *st, enum klwm2m_change what, u16 oid, int iid,
		 const struct klwm2m_set *ops, unsigned int n)
{
	struct klwm2m_path p = { .oid = oid, .iid = iid < 0 ? 0 : iid, .depth = iid < 0 ? 1 : 2 };

	if (st->on_change)
		st->on_change(st, what, &p, ops, n);
}

static void count(struct klwm2m_store *st, u32 *field, int delta)
{
	lockdep_assert_held(&st->lock);
	WRITE_ONCE(*field, *field + delta);
}

static void count_values(struct klwm2m_store *st, s64 delta)
{
	lockdep_assert_held(&st->lock);
	WRITE_ONCE(st->nvalues, st->nvalues + delta);
}

static int resdef_cmp(const void *a, const void *b)
{
	const struct klwm2m_resdef *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static size_t obj_alloc_size(const struct klwm2m_objdef *def)
{
	size_t size = sizeof(struct klwm2m_obj) + strlen(def->name) + 1;
	unsigned int i;

	size += array_size(def->nres, sizeof(struct klwm2m_resdef));
	for (i = 0; i < def->nres; i++)
		size += strlen(def->res[i].name) + 1;
	return size;
}

/* One allocation holding the object, its resource table and every name. */
static struct klwm2m_obj *obj_copy(const struct klwm2m_objdef *def, size_t size)
{
	struct klwm2m_obj *obj = kzalloc(size, GFP_KERNEL);
	struct klwm2m_resdef *res;
	char *p;
	unsigned int i;

	if (!obj)
		return NULL;
	xa_init_flags(&obj->insts, XA_FLAGS_ALLOC);
	obj->def = *def;
	res = (struct klwm2m_resdef *)(obj + 1);
	p = (char *)(res + def->nres);
	for (i = 0; i < def->nres; i++) {
		size_t len = strlen(def->res[i].name) + 1;

		res[i] = def->res[i];
		res[i].name = p;
		memcpy(p, def->res[i].name, len);
		p += len;
	}
	obj->def.name = p;
	memcpy(p, def->name, strlen(def->name) + 1);
	sort(res, def->nres, sizeof(*res), resdef_cmp, NULL);
	obj->def.res = res;
	return obj;
}

/**
 * klwm2m_obj_define() - add an object definition to the store
 * @st: the store
 * @def: the definition, copied; resources in any order
 * @extack: receives the reason for a refusal
 * @bad_res: if not NULL, set to the index (in @def's order) of the resource
 *           at fault, or -1
 *
 * Return: 0; -EINVAL for a bad definition; -EEXIST when the object ID is
 * defined already; -ENOSPC past the budget; -ENOMEM.
 */
int klwm2m_obj_define(struct klwm2m_store *st, const struct klwm2m_objdef *def,
		      struct netlink_ext_ack *extack, int *bad_res)
{
	struct klwm2m_obj *obj;
	size_t size;
	int err, bad, dummy, i;

	if (!bad_res)
		bad_res = &dummy;
	*bad_res = -1;

	/* Names are checked before their lengths are used to size the copy. */
	if (!def->name || strnlen(def->name, KLWM2M_NAME_MAX) == KLWM2M_NAME_MAX) {
		NL_SET_ERR_MSG(extack, "object name missing or too long");
		return -EINVAL;
	}
	for (bad = 0; bad < def->nres; bad++) {
		if (!def->res[bad].name ||
		    strnlen(def->res[bad].name, KLWM2M_NAME_MAX) == KLWM2M_NAME_MAX) {
			NL_SET_ERR_MSG(extack, "resource name missing or too long");
			*bad_res = bad;
			return -EINVAL;
		}
	}

	size = obj_alloc_size(def);
	obj = obj_copy(def, size);
	if (!obj)
		return -ENOMEM;
	err = klwm2m_objdef_check(&obj->def, st->max_value, extack, &bad);
	if (err) {
		/* The copy is sorted: name the resource by its place in @def. */
		if (bad >= 0)
			for (i = 0; i < def->nres; i++)
				if (def->res[i].id == obj->def.res[bad].id)
					*bad_res = i;
		goto err_free;
	}

	mutex_lock(&st->lock);
	if (xa_load(&st->objs, def->id)) {
		NL_SET_ERR_MSG(extack, "object ID is defined already");
		err = -EEXIST;
		goto err_unlock;
	}
	if (!charge(st, size, extack)) {
		err = -ENOSPC;
		goto err_unlock;
	}
	err = klwm2m_sysfs_obj_add(st, obj);
	if (!err)
		err = xa_err(xa_store(&st->objs, def->id, obj, GFP_KERNEL));
	if (err) {
		klwm2m_sysfs_obj_del(st, obj);
		uncharge(st, size);
		goto err_unlock;
	}
	count(st, &st->nobjs, 1);
	changed(st);
	mutex_unlock(&st->lock);
	return 0;

err_unlock:
	mutex_unlock(&st->lock);
err_free:
	kfree(obj);
	return err;
}

static u64 obj_cost(const struct klwm2m_obj *obj)
{
	return obj_alloc_size(&obj->def);
}

/**
 * klwm2m_obj_undefine() - remove an object definition with no instances
 * @st: the store
 * @oid: object ID
 * @extack: receives the reason for a refusal
 *
 * Return: 0, -ENOENT or -EBUSY while instances exist.
 */
int klwm2m_obj_undefine(struct klwm2m_store *st, u16 oid, struct netlink_ext_ack *extack)
{
	struct klwm2m_obj *obj;
	int err = 0;

	mutex_lock(&st->lock);
	obj = xa_load(&st->objs, oid);
	if (!obj) {
		NL_SET_ERR_MSG(extack, "no such object");
		err = -ENOENT;
	} else if (!xa_empty(&obj->insts)) {
		NL_SET_ERR_MSG(extack, "the object still has instances");
		err = -EBUSY;
	} else {
		xa_erase(&st->objs, oid);
		klwm2m_sysfs_obj_del(st, obj);
		uncharge(st, obj_cost(obj));
		count(st, &st->nobjs, -1);
		changed(st);
		tell(st, KLWM2M_CHANGE_OBJ_UNDEFINED, oid, -1, NULL, 0);
		kfree_rcu(obj, rcu);
	}
	mutex_unlock(&st->lock);
	return err;
}

/**
 * klwm2m_inst_create() - create an instance
 * @st: the store
 * @oid: object ID
 * @iid: the instance ID, or -1 for the lowest free one
 * @extack: receives the reason for a refusal
 *
 * Return: the instance ID; -ENOENT (no object), -EEXIST (taken, or a
 * second instance of a single-instance object), -ENOSPC, -ENOMEM.
 */
int klwm2m_inst_create(struct klwm2m_store *st, u16 oid, int iid,
		       struct netlink_ext_ack *extack)
{
	struct klwm2m_inst *inst;
	struct klwm2m_obj *obj;
	u32 id;
	int err;

	if (iid > KLWM2M_ID_MAX) {
		NL_SET_ERR_MSG(extack, "instance ID above 65534");
		return -EINVAL;
	}
	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	xa_init(&inst->res);

	mutex_lock(&st->lock);
	obj = xa_load(&st->objs, oid);
	if (!obj) {
		NL_SET_ERR_MSG(extack, "no such object");
		err = -ENOENT;
		goto err_unlock;
	}
	if (!(obj->def.flags & KLWM2M_OBJ_MULTIPLE) && !xa_empty(&obj->insts)) {
		NL_SET_ERR_MSG(extack, "the object is single-instance and has its instance");
		err = -EEXIST;
		goto err_unlock;
	}
	if (!charge(st, sizeof(*inst), extack)) {
		err = -ENOSPC;
		goto err_unlock;
	}
	if (iid >= 0) {
		id = iid;
		err = xa_insert(&obj->insts, id, inst, GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack, "the instance exists already");
			err = -EEXIST;
		}
	} else {
		err = xa_alloc(&obj->insts, &id, inst, XA_LIMIT(0, KLWM2M_ID_MAX), GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack, "no free instance ID");
			err = -ENOSPC;
		}
	}
	if (err) {
		uncharge(st, sizeof(*inst));
		goto err_unlock;
	}
	inst->id = id;
	err = klwm2m_sysfs_inst_add(st, obj, inst);
	if (err) {
		/* Published already: readers may hold it. */
		xa_erase(&obj->insts, id);
		uncharge(st, sizeof(*inst));
		mutex_unlock(&st->lock);
		kfree_rcu(inst, rcu);
		return err;
	}
	count(st, &obj->ninsts, 1);
	count(st, &st->ninsts, 1);
	changed(st);
	tell(st, KLWM2M_CHANGE_INST_CREATED, oid, id, NULL, 0);
	mutex_unlock(&st->lock);
	return id;

err_unlock:
	mutex_unlock(&st->lock);
	kfree(inst);
	return err;
}

static void multi_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct klwm2m_multi, rcu));
}

static u64 multi_clear(struct klwm2m_multi *m, u64 *nvalues)
{
	struct klwm2m_value *v;
	unsigned long riid;
	u64 bytes = 0;

	xa_for_each(&m->ris, riid, v) {
		xa_erase(&m->ris, riid);
		bytes += value_cost(v);
		(*nvalues)++;
		value_retire(v);
	}
	return bytes;
}

/* Retires everything under @inst; returns the bytes it held. */
static u64 inst_clear(struct klwm2m_store *st, struct klwm2m_inst *inst,
		      const struct klwm2m_objdef *def)
{
	u64 nvalues = 0;
	unsigned long rid;
	void *entry;
	u64 bytes = 0;

	xa_for_each(&inst->res, rid, entry) {
		const struct klwm2m_resdef *rd = klwm2m_resdef_find(def, rid);

		xa_erase(&inst->res, rid);
		if (rd && (rd->flags & KLWM2M_RES_MULTIPLE)) {
			struct klwm2m_multi *m = entry;

			bytes += multi_clear(m, &nvalues) + sizeof(*m);
			call_rcu(&m->rcu, multi_free_rcu);
		} else {
			bytes += value_cost(entry);
			nvalues++;
			value_retire(entry);
		}
	}
	count_values(st, -(s64)nvalues);
	count(st, &st->ninsts, -1);
	return bytes + sizeof(*inst);
}

int klwm2m_inst_delete(struct klwm2m_store *st, u16 oid, u16 iid,
		       struct netlink_ext_ack *extack)
{
	struct klwm2m_inst *inst;
	struct klwm2m_obj *obj;
	int err = 0;

	mutex_lock(&st->lock);
	obj = xa_load(&st->objs, oid);
	inst = obj ? xa_erase(&obj->insts, iid) : NULL;
	if (!obj) {
		NL_SET_ERR_MSG(extack, "no such object");
		err = -ENOENT;
	} else if (!inst) {
		NL_SET_ERR_MSG(extack, "no such instance");
		err = -ENOENT;
	} else {
		klwm2m_sysfs_inst_del(st, inst);
		uncharge(st, inst_clear(st, inst, &obj->def));
		count(st, &obj->ninsts, -1);
		changed(st);
		tell(st, KLWM2M_CHANGE_INST_DELETED, oid, iid, NULL, 0);
		kfree_rcu(inst, rcu);
	}
	mutex_unlock(&st->lock);
	return err;
}

/*
 * Resolving a batch entry: the definition, the instance and, for resource
 * instances, the multiple resource's container (created on demand).
 */
struct target {
	const struct klwm2m_resdef *rd;
	struct klwm2m_inst *inst;
	struct klwm2m_multi *multi;	/* the multiple resource's container, or NULL */
	struct klwm2m_value *copy;	/* what a borrowed value stores, made for this batch */
	bool created;			/* this batch made @multi */
	bool file;			/* this batch made the value's sysfs file */
};

/*
 * The object, instance and resource the previous entry resolved: batches run
 * along an instance's resources, so the next resource is most often the
 * next definition.
 */
struct resolved {
	struct klwm2m_obj *obj;
	struct klwm2m_inst *inst;
	const struct klwm2m_resdef *rd;
};

static const struct klwm2m_resdef *resdef_near(const struct klwm2m_objdef *def,
					       const struct klwm2m_resdef *last, u16 rid)
{
	if (last && last->id == rid)
		return last;
	if (last && last + 1 < def->res + def->nres && last[1].id == rid)
		return last + 1;
	return klwm2m_resdef_find(def, rid);
}

static int resolve(struct klwm2m_store *st, const struct klwm2m_set *op, unsigned int flags,
		   struct target *t, struct resolved *last, struct netlink_ext_ack *extack)
{
	const struct klwm2m_path *p = &op->path;
	struct klwm2m_obj *obj = last->obj;
	bool multiple;

	if (p->depth != 3 && p->depth != 4) {
		NL_SET_ERR_MSG(extack, "a value's path names a resource or a resource instance");
		return -EINVAL;
	}
	if (!obj || obj->def.id != p->oid) {
		last->inst = NULL;
		last->obj = NULL;
		last->rd = NULL;
		obj = xa_load(&st->objs, p->oid);
		if (!obj) {
			NL_SET_ERR_MSG(extack, "no such object");
			return -ENOENT;
		}
		if ((flags & KLWM2M_SET_CHECK_MODE) &&
		    !klwm2m_obj_permits(&obj->def, MAY_WRITE)) {
			NL_SET_ERR_MSG(extack, "the object's mode does not let you write it");
			return -EPERM;
		}
		last->obj = obj;
	}
	t->inst = last->inst;
	if (!t->inst || t->inst->id != p->iid) {
		t->inst = xa_load(&obj->insts, p->iid);
		if (!t->inst) {
			NL_SET_ERR_MSG(extack, "no such instance");
			return -ENOENT;
		}
		last->inst = t->inst;
	}
	t->rd = resdef_near(&obj->def, last->rd, p->rid);
	if (!t->rd) {
		NL_SET_ERR_MSG(extack, "the object defines no such resource");
		return -ENOENT;
	}
	last->rd = t->rd;
	if (t->rd->type == KLWM2M_TYPE_NONE) {
		NL_SET_ERR_MSG(extack, "an executable resource holds no value");
		return -EINVAL;
	}
	if ((flags & KLWM2M_SET_SERVER) && !(t->rd->ops & KLWM2M_OP_WRITE)) {
		NL_SET_ERR_MSG(extack, "the resource is not writable by a server");
		return -EPERM;
	}
	multiple = t->rd->flags & KLWM2M_RES_MULTIPLE;
	if (p->depth == 4 && !multiple) {
		NL_SET_ERR_MSG(extack, "a resource instance of a single resource");
		return -EINVAL;
	}
	if (p->depth == 3 && multiple && op->val) {
		NL_SET_ERR_MSG(extack, "a multiple resource takes values per resource instance");
		return -EINVAL;
	}
	if (p->depth == 3 && !multiple && !op->val) {
		NL_SET_ERR_MSG(extack, "a single resource cannot be cleared");
		return -EINVAL;
	}
	t->multi = multiple ? xa_load(&t->inst->res, p->rid) : NULL;
	return 0;
}

static int path_cmp(const struct klwm2m_path *a, const struct klwm2m_path *b)
{
	if (a->oid != b->oid)
		return a->oid < b->oid ? -1 : 1;
	if (a->iid != b->iid)
		return a->iid < b->iid ? -1 : 1;
	if (a->rid != b->rid)
		return a->rid < b->rid ? -1 : 1;
	if (a->depth != b->depth)
		return a->depth < b->depth ? -1 : 1;
	if (a->depth == 4 && a->riid != b->riid)
		return a->riid < b->riid ? -1 : 1;
	return 0;
}

/* Sorting a batch's indices by path, to find the entries that repeat one. */
static int idx_cmp(const void *a, const void *b, const void *priv)
{
	const struct klwm2m_set *ops = priv;
	u32 x = *(const u32 *)a, y = *(const u32 *)b;
	int c = path_cmp(&ops[x].path, &ops[y].path);

	/* Stable: among equal paths, batch order. */
	return c ? c : (x < y ? -1 : x > y);
}

/* The slot an entry writes: inst->res for a single resource, multi->ris else. */
static struct xarray *slot_xa(struct klwm2m_set *op, struct target *t)
{
	return op->path.depth == 4 ? &t->multi->ris : &t->inst->res;
}

static unsigned long slot_index(const struct klwm2m_set *op)
{
	return op->path.depth == 4 ? op->path.riid : op->path.rid;
}

/* An entry that clears a whole multiple resource. */
static bool is_clear(const struct klwm2m_set *op)
{
	return op->path.depth == 3 && !op->val;
}

static u64 multi_cost(struct klwm2m_multi *m)
{
	struct klwm2m_value *v;
	unsigned long riid;
	u64 bytes = 0;

	xa_for_each(&m->ris, riid, v)
		bytes += value_cost(v);
	return bytes;
}

/**
 * klwm2m_store_set() - apply a batch of writes atomically
 * @st: the store
 * @ops: the batch (see struct klwm2m_set for who owns its values)
 * @n: entries in @ops
 * @flags: KLWM2M_SET_*
 * @extack: receives the reason for a refusal
 * @bad: set to the index of the entry at fault, or -1
 *
 * Every entry is resolved and validated, and every allocation the commit
 * needs is made, before anything changes: all entries land, in batch order
 * (a later write to the same path wins), or none does. The commit runs inside
 * the store's seqcount write section, so a reader that walks several values
 * can tell it saw a batch half-applied and retry. A batch already in path
 * order (the usual one: an app writing an instance) is not sorted again.
 *
 * Return: 0; -ENOENT (no such object, instance, resource or resource
 * instance to delete); -EINVAL, -ERANGE, -E2BIG (value refused by the
 * definition); -EPERM (a server may
 * not write it); -ENOSPC (budget); -ENOMEM.
 */
int klwm2m_store_set(struct klwm2m_store *st, struct klwm2m_set *ops, unsigned int n,
		     unsigned int flags, struct netlink_ext_ack *extack, int *bad)
{
	const struct klwm2m_path *cleared = NULL;
	u64 need = 0, credit = 0, freed = 0, added = 0, gone = 0;
	/* Small batches (most are one value) need no allocation here. */
	struct target t_small[4], *t;
	u32 idx_small[4], *idx;
	struct resolved last = { };
	bool sorted = true;
	unsigned int i;
	int err = 0;

	*bad = -1;
	if (!n)
		return 0;
	if (n <= ARRAY_SIZE(t_small)) {
		t = t_small;
		idx = idx_small;
		memset(t, 0, n * sizeof(*t));
	} else {
		/* One allocation: the targets, then the indices. */
		t = kvcalloc(n, sizeof(*t) + sizeof(*idx), GFP_KERNEL);
		idx = t ? (u32 *)(t + n) : NULL;
	}
	if (!t) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++) {
		idx[i] = i;
		ops[i].old = NULL;
		ops[i].reserved = false;
		ops[i].inplace = false;
		if (i && path_cmp(&ops[i - 1].path, &ops[i].path) >= 0)
			sorted = false;
	}
	if (!sorted)
		sort_r(idx, n, sizeof(*idx), idx_cmp, NULL, ops);

	mutex_lock(&st->lock);
	/* Phase 1: resolve, validate, reserve. Nothing visible changes. */
	for (i = 0; i < n; i++) {
		struct klwm2m_set *op = &ops[i];

		err = resolve(st, op, flags, &t[i], &last, extack);
		if (!err && is_clear(op)) {
			/* Clearing what is absent or empty is no error. */
			continue;
		}
		if (!err && op->val) {
			/* The usual scalar (its type, no range) needs no call. */
			if (op->val->type != t[i].rd->type || type_is_bytes(op->val->type) ||
			    (t[i].rd->flags & KLWM2M_RES_RANGE))
				err = klwm2m_value_check(t[i].rd, op->val, st->max_value, extack);
			op->val->secret = t[i].rd->flags & KLWM2M_RES_SECRET;
		}
		if (!err && op->path.depth == 4 && !t[i].multi) {
			/* An empty container reads as an absent resource. */
			struct klwm2m_multi *m = kzalloc(sizeof(*m), GFP_KERNEL);

			if (!m) {
				err = -ENOMEM;
			} else {
				xa_init(&m->ris);
				err = xa_insert(&t[i].inst->res, op->path.rid, m, GFP_KERNEL);
				if (err) {
					kfree(m);
				} else {
					t[i].multi = m;
					t[i].created = true;
					need += sizeof(*m);
					err = klwm2m_sysfs_multi_add(st, t[i].inst, m, t[i].rd);
				}
			}
		}
		if (!err && op->val) {
			struct klwm2m_value *held = xa_load(slot_xa(op, &t[i]), slot_index(op));

			/* Same resource, same type: the held scalar takes the new bits. */
			if (KLWM2M_INPLACE && held && op->path.depth == 3 &&
			    !type_is_bytes(op->val->type)) {
				op->inplace = true;
				op->old = held;
				continue;
			}
			err = xa_reserve(slot_xa(op, &t[i]), slot_index(op), GFP_KERNEL);
			op->reserved = !err;
			/* A slot holding a value has its file already: no lookup. */
			if (!err && !held)
				err = klwm2m_sysfs_slot_add(st, &op->path, t[i].rd, t[i].inst,
							    t[i].multi, &t[i].file);
			if (!err && op->borrowed) {
				t[i].copy = kmemdup(op->val, value_size(op->val), GFP_KERNEL);
				if (!t[i].copy)
					err = -ENOMEM;
			}
		} else if (!err && !xa_load(slot_xa(op, &t[i]), slot_index(op))) {
			NL_SET_ERR_MSG(extack, "no such resource instance");
			err = -ENOENT;
		}
		if (err) {
			*bad = i;
			goto out_undo;
		}
		need += value_cost(op->val);
	}
	/*
	 * What the batch frees: the committed value of each distinct path; all
	 * of a cleared multiple resource (sorted first: depth 3 before 4), whose
	 * instances then count once.
	 */
	for (i = 0; i < n; i++) {
		struct klwm2m_set *op = &ops[idx[i]];
		struct target *ti = &t[idx[i]];

		if (op->inplace || (i && !path_cmp(&ops[idx[i - 1]].path, &op->path)))
			continue;
		if (is_clear(op)) {
			cleared = &op->path;
			credit += ti->multi ? multi_cost(ti->multi) : 0;
			continue;
		}
		if (cleared && op->path.depth == 4 && cleared->oid == op->path.oid &&
		    cleared->iid == op->path.iid && cleared->rid == op->path.rid)
			continue;
		credit += value_cost(xa_load(slot_xa(op, ti), slot_index(op)));
	}
	if (need > credit && !charge(st, need - credit, extack)) {
		err = -ENOSPC;
		goto out_undo;
	}

	/* Phase 2: commit. Every slot is reserved: nothing below can fail. */
	write_seqcount_begin(&st->seq);
	for (i = 0; i < n; i++) {
		struct klwm2m_set *op = &ops[i];
		struct xarray *xa;

		if (is_clear(op)) {
			/*
			 * Slots reserved by later entries hold zero entries,
			 * which the walk skips: those writes still land.
			 */
			if (t[i].multi)
				freed += multi_clear(t[i].multi, &gone);
			continue;
		}
		if (op->inplace) {
			/* The union's whole word: every scalar's bits, zeros elsewhere. */
			WRITE_ONCE(op->old->u, op->val->u);
			op->old = NULL;
			continue;
		}
		xa = slot_xa(op, &t[i]);
		if (op->val && op->val->len > st->longest)
			WRITE_ONCE(st->longest, op->val->len);
		if (op->val)
			op->old = xa_store(xa, slot_index(op), t[i].copy ?: op->val, GFP_NOWAIT);
		else
			op->old = xa_erase(xa, slot_index(op));
		added += !!op->val;
		gone += !!op->old;
		freed += value_cost(op->old);
		value_retire(op->old);
	}
	write_seqcount_end(&st->seq);
	for (i = 0; i < n; i++) {
		if (!ops[i].val)
			klwm2m_sysfs_slot_sync(st, &ops[i].path, t[i].rd, t[i].inst, t[i].multi);
		else if (!ops[i].inplace && !ops[i].borrowed)
			ops[i].val = NULL;	/* the store's now */
	}
	count_values(st, (s64)added - (s64)gone);
	/* Exact accounting: what was charged up front, less what really left. */
	if (need > credit)
		uncharge(st, need - credit);
	WRITE_ONCE(st->used, st->used + need - freed);
	changed(st);
	tell(st, KLWM2M_CHANGE_VALUES, 0, -1, ops, n);
	mutex_unlock(&st->lock);
	goto out_free;

out_undo:
	for (i = 0; i < n; i++) {
		if (ops[i].reserved)
			xa_release(slot_xa(&ops[i], &t[i]), slot_index(&ops[i]));
		ops[i].reserved = false;
		ops[i].inplace = false;
		ops[i].old = NULL;
		klwm2m_value_free(t[i].copy);
		if (t[i].file)
			klwm2m_sysfs_slot_undo(st, &ops[i].path, t[i].rd, t[i].inst, t[i].multi);
	}
	/* Containers made for this batch and still empty go away again. */
	for (i = 0; i < n; i++) {
		struct klwm2m_multi *m = t[i].multi;

		if (t[i].created && xa_empty(&m->ris) &&
		    xa_cmpxchg(&t[i].inst->res, ops[i].path.rid, m, NULL, 0) == m) {
			klwm2m_sysfs_multi_del(st, m);
			kfree_rcu(m, rcu);
		}
	}
	mutex_unlock(&st->lock);
out_free:
	if (t != t_small)
		kvfree(t);
	return err;
}

/* The generation: changes with every committed change (never 0). */
u32 klwm2m_store_gen(const struct klwm2m_store *st)
{
	return READ_ONCE(st->gen);
}

/**
 * klwm2m_store_get_rcu() - the value at a resource or resource-instance path
 * @st: the store
 * @p: depth 3 (single resource) or 4 (resource instance)
 *
 * Call under rcu_read_lock(); the value stays valid until it is dropped.
 *
 * Return: the value, or NULL when there is none.
 */
const struct klwm2m_value *klwm2m_store_get_rcu(struct klwm2m_store *st,
						const struct klwm2m_path *p)
{
	struct klwm2m_obj *obj;
	struct klwm2m_inst *inst;
	const struct klwm2m_resdef *rd;
	void *entry;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "store read outside rcu_read_lock()");
	if (p->depth < 3)
		return NULL;
	obj = xa_load(&st->objs, p->oid);
	inst = obj ? xa_load(&obj->insts, p->iid) : NULL;
	rd = obj ? klwm2m_resdef_find(&obj->def, p->rid) : NULL;
	if (!inst || !rd)
		return NULL;
	entry = xa_load(&inst->res, p->rid);
	if (!(rd->flags & KLWM2M_RES_MULTIPLE))
		return p->depth == 3 ? entry : NULL;
	if (!entry || p->depth != 4)
		return NULL;
	return xa_load(&((struct klwm2m_multi *)entry)->ris, p->riid);
}

/*
 * Frees @inst and everything under it at once, without an RCU callback per
 * value (a million of them stall RCU): only when no reader can reach it.
 * Returns the bytes it held.
 */
static u64 inst_free_now(struct klwm2m_store *st, struct klwm2m_inst *inst,
			 const struct klwm2m_objdef *def)
{
	u64 nvalues = 0, bytes = sizeof(*inst);
	unsigned long rid, riid;
	void *entry;

	xa_for_each(&inst->res, rid, entry) {
		const struct klwm2m_resdef *rd = klwm2m_resdef_find(def, rid);

		if (rd && (rd->flags & KLWM2M_RES_MULTIPLE)) {
			struct klwm2m_multi *m = entry;
			struct klwm2m_value *v;

			xa_for_each(&m->ris, riid, v) {
				bytes += value_cost(v);
				nvalues++;
				klwm2m_value_free(v);
			}
			xa_destroy(&m->ris);
			bytes += sizeof(*m);
			kfree(m);
		} else {
			bytes += value_cost(entry);
			nvalues++;
			klwm2m_value_free(entry);
		}
	}
	xa_destroy(&inst->res);
	count_values(st, -(s64)nvalues);
	count(st, &st->ninsts, -1);
	kfree(inst);
	return bytes;
}

/**
 * klwm2m_store_destroy() - free everything (namespace exit)
 * @st: the store; nobody may use it any more
 */
void klwm2m_store_destroy(struct klwm2m_store *st)
{
	struct klwm2m_obj *obj;
	struct klwm2m_inst *inst;
	unsigned long oid, iid;

	mutex_lock(&st->lock);
	klwm2m_sysfs_store_del(st);
	/*
	 * No request can reach this store any more (its namespace is going,
	 * or the family is unregistered) and its sysfs files are gone: once
	 * the readers already inside have left, everything is freed directly.
	 */
	synchronize_rcu();
	xa_for_each(&st->objs, oid, obj) {
		xa_for_each(&obj->insts, iid, inst)
			uncharge(st, inst_free_now(st, inst, &obj->def));
		xa_destroy(&obj->insts);
		uncharge(st, obj_cost(obj));
		count(st, &st->nobjs, -1);
		kfree(obj);
	}
	WARN_ON_ONCE(st->used || st->nobjs || st->ninsts || st->nvalues);
	mutex_unlock(&st->lock);
	xa_destroy(&st->objs);
	mutex_destroy(&st->lock);
}
