// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: the store's netlink commands (define, undefine, create, delete,
 * set, get), as uapi/linux/klwm2m.h specifies them, and their permissions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/klwm2m.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "klwm2m.h"
#include "store.h"

/*
 * Not NLA_POLICY_MAX: its bound is an s16, and IDs go up to 65534. Not const:
 * on 6.1, struct nla_policy points at a mutable one.
 */
static struct netlink_range_validation klwm2m_id_range = {
	.max = KLWM2M_ID_MAX,
};

static const struct nla_policy klwm2m_res_policy[KLWM2M_A_RES_MAX + 1] = {
	[KLWM2M_A_RES_ID]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_id_range),
	[KLWM2M_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = KLWM2M_NAME_MAX - 1 },
	[KLWM2M_A_RES_TYPE]	= NLA_POLICY_RANGE(NLA_U8, KLWM2M_TYPE_NONE, KLWM2M_TYPE_MAX),
	[KLWM2M_A_RES_OPS]	= NLA_POLICY_MASK(NLA_U8, KLWM2M_OP_ALL),
	[KLWM2M_A_RES_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KLWM2M_RES_F_ALL),
	[KLWM2M_A_RES_RANGE_MIN]	= { .type = NLA_U64 },
	[KLWM2M_A_RES_RANGE_MAX]	= { .type = NLA_U64 },
	[KLWM2M_A_RES_LEN_MIN]	= { .type = NLA_U32 },
	[KLWM2M_A_RES_LEN_MAX]	= { .type = NLA_U32 },
};

const struct nla_policy klwm2m_obj_policy[KLWM2M_A_OBJ_MAX + 1] = {
	[KLWM2M_A_OBJ_ID]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_id_range),
	[KLWM2M_A_OBJ_NAME]	= { .type = NLA_NUL_STRING, .len = KLWM2M_NAME_MAX - 1 },
	[KLWM2M_A_OBJ_VERSION]	= { .type = NLA_NUL_STRING, .len = 7 },
	[KLWM2M_A_OBJ_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KLWM2M_OBJ_F_ALL),
	[KLWM2M_A_OBJ_UID]	= { .type = NLA_U32 },
	[KLWM2M_A_OBJ_GID]	= { .type = NLA_U32 },
	[KLWM2M_A_OBJ_MODE]	= NLA_POLICY_MAX(NLA_U16, 0777),
	[KLWM2M_A_OBJ_RES]	= NLA_POLICY_NESTED(klwm2m_res_policy),
};

const struct nla_policy klwm2m_path_policy[KLWM2M_A_PATH_MAX + 1] = {
	[KLWM2M_A_PATH_OBJ]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_id_range),
	[KLWM2M_A_PATH_INST]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_id_range),
	[KLWM2M_A_PATH_RES]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_id_range),
	[KLWM2M_A_PATH_RINST]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_id_range),
};

const struct nla_policy klwm2m_value_policy[KLWM2M_A_VALUE_MAX + 1] = {
	[KLWM2M_A_VALUE_PATH]	= NLA_POLICY_NESTED(klwm2m_path_policy),
	[KLWM2M_A_VALUE_TYPE]	= NLA_POLICY_RANGE(NLA_U8, KLWM2M_TYPE_INTEGER, KLWM2M_TYPE_MAX),
	[KLWM2M_A_VALUE_DATA]	= { .type = NLA_BINARY },
};

const struct nla_policy klwm2m_set_policy[KLWM2M_A_SET_MAX + 1] = {
	[KLWM2M_A_SET_VALUE]	= NLA_POLICY_NESTED(klwm2m_value_policy),
};

static struct klwm2m_store *req_store(struct genl_info *info)
{
	return &klwm2m_pernet(genl_info_net(info))->store;
}

static bool req_admin(const struct sk_buff *skb, struct genl_info *info)
{
	return netlink_ns_capable(skb, genl_info_net(info)->user_ns, CAP_NET_ADMIN);
}

/* The object's mode bits for the caller, as for a file: MAY_READ/MAY_WRITE. */
static bool obj_permits(const struct klwm2m_objdef *def, int mask)
{
	umode_t mode = def->mode;

	if (uid_eq(current_fsuid(), def->uid))
		mode >>= 6;
	else if (in_group_p(def->gid))
		mode >>= 3;
	return (mode & mask) == mask;
}

/*
 * A required attribute, with a message naming it when it is missing. @msg
 * must be a string literal (NL_SET_ERR_MSG keeps the pointer).
 */
static bool need_attr(struct genl_info *info, struct nlattr **tb, int type, const char *msg)
{
	if (tb[type])
		return true;
	if (info->extack)
		info->extack->_msg = msg;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	return false;
}

/*
 * Every top-level attribute of @type (genetlink's info->attrs keeps only the
 * last of a repeated one), in message order, in a new array in *@out.
 * Return: how many (0 with *@out NULL), or -ENOMEM.
 */
static int collect_attrs(struct genl_info *info, int type, const struct nlattr ***out)
{
	const struct nlattr *a;
	int rem, n = 0;

	*out = NULL;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		n += nla_type(a) == type;
	if (!n)
		return 0;
	*out = kvcalloc(n, sizeof(**out), GFP_KERNEL);
	if (!*out)
		return -ENOMEM;
	n = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == type)
			(*out)[n++] = a;
	return n;
}

static int parse_res(struct genl_info *info, const struct nlattr *nest,
		     struct klwm2m_resdef *rd)
{
	struct nlattr *tb[KLWM2M_A_RES_MAX + 1];
	int err;

	err = nla_parse_nested(tb, KLWM2M_A_RES_MAX, nest, klwm2m_res_policy, info->extack);
	if (err)
		return err;
	if (!tb[KLWM2M_A_RES_ID] || !tb[KLWM2M_A_RES_NAME] || !tb[KLWM2M_A_RES_TYPE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "a resource needs an ID, a name and a type");
		return -EINVAL;
	}
	if (!tb[KLWM2M_A_RES_RANGE_MIN] != !tb[KLWM2M_A_RES_RANGE_MAX] ||
	    !tb[KLWM2M_A_RES_LEN_MIN] != !tb[KLWM2M_A_RES_LEN_MAX]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "range and length bounds come in pairs");
		return -EINVAL;
	}
	rd->id = nla_get_u16(tb[KLWM2M_A_RES_ID]);
	rd->name = nla_data(tb[KLWM2M_A_RES_NAME]);
	rd->type = nla_get_u8(tb[KLWM2M_A_RES_TYPE]);
	rd->ops = tb[KLWM2M_A_RES_OPS] ? nla_get_u8(tb[KLWM2M_A_RES_OPS]) : 0;
	/* The uapi flag bits are the store's. */
	rd->flags = tb[KLWM2M_A_RES_FLAGS] ? nla_get_u32(tb[KLWM2M_A_RES_FLAGS]) : 0;
	if (tb[KLWM2M_A_RES_RANGE_MIN]) {
		rd->flags |= KLWM2M_RES_RANGE;
		rd->min = nla_get_u64(tb[KLWM2M_A_RES_RANGE_MIN]);
		rd->max = nla_get_u64(tb[KLWM2M_A_RES_RANGE_MAX]);
	}
	if (tb[KLWM2M_A_RES_LEN_MIN]) {
		rd->flags |= KLWM2M_RES_LENGTH;
		rd->len_min = nla_get_u32(tb[KLWM2M_A_RES_LEN_MIN]);
		rd->len_max = nla_get_u32(tb[KLWM2M_A_RES_LEN_MAX]);
	}
	return 0;
}

int klwm2m_nl_obj_define_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr **res_attr = NULL;
	struct klwm2m_resdef *res = NULL;
	struct klwm2m_objdef def = { };
	struct nlattr **tb = info->attrs;
	unsigned int n, i;
	int err, bad;

	/* The uapi flag bits are the store's own. */
	BUILD_BUG_ON(KLWM2M_RES_MULTIPLE != KLWM2M_RES_F_MULTIPLE);
	BUILD_BUG_ON(KLWM2M_RES_MANDATORY != KLWM2M_RES_F_MANDATORY);
	BUILD_BUG_ON(KLWM2M_RES_SECRET != KLWM2M_RES_F_SECRET);
	BUILD_BUG_ON(KLWM2M_OBJ_MULTIPLE != KLWM2M_OBJ_F_MULTIPLE);
	BUILD_BUG_ON(KLWM2M_OBJ_MANDATORY != KLWM2M_OBJ_F_MANDATORY);

	if (!need_attr(info, tb, KLWM2M_A_OBJ_ID, "missing object ID") ||
	    !need_attr(info, tb, KLWM2M_A_OBJ_NAME, "missing object name"))
		return -EINVAL;
	def.id = nla_get_u16(tb[KLWM2M_A_OBJ_ID]);
	def.name = nla_data(tb[KLWM2M_A_OBJ_NAME]);
	def.ver_major = 1;
	if (tb[KLWM2M_A_OBJ_VERSION]) {
		const char *v = nla_data(tb[KLWM2M_A_OBJ_VERSION]);
		unsigned int major, minor;
		int n = 0;

		if (sscanf(v, "%3u.%3u%n", &major, &minor, &n) != 2 || v[n] ||
		    !major || major > 255 || minor > 255) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_OBJ_VERSION],
					    "object version must be MAJOR.MINOR, 1.0 or above");
			return -EINVAL;
		}
		def.ver_major = major;
		def.ver_minor = minor;
	}
	def.flags = tb[KLWM2M_A_OBJ_FLAGS] ? nla_get_u32(tb[KLWM2M_A_OBJ_FLAGS]) : 0;
	def.mode = tb[KLWM2M_A_OBJ_MODE] ? nla_get_u16(tb[KLWM2M_A_OBJ_MODE]) : 0644;
	def.uid = tb[KLWM2M_A_OBJ_UID] ?
		  make_kuid(current_user_ns(), nla_get_u32(tb[KLWM2M_A_OBJ_UID])) : current_fsuid();
	def.gid = tb[KLWM2M_A_OBJ_GID] ?
		  make_kgid(current_user_ns(), nla_get_u32(tb[KLWM2M_A_OBJ_GID])) : current_fsgid();
	if (!uid_valid(def.uid) || !gid_valid(def.gid)) {
		NL_SET_ERR_MSG(info->extack, "owner unknown in the caller's user namespace");
		return -EINVAL;
	}

	/* The resources: every KLWM2M_A_OBJ_RES at the top level. */
	err = collect_attrs(info, KLWM2M_A_OBJ_RES, &res_attr);
	if (err < 0)
		return err;
	n = err;
	if (n > KLWM2M_ID_MAX + 1) {
		NL_SET_ERR_MSG(info->extack, "more resources than IDs");
		err = -EINVAL;
		goto out;
	}
	res = n ? kvcalloc(n, sizeof(*res), GFP_KERNEL) : NULL;
	if (n && !res) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = parse_res(info, res_attr[i], &res[i]);
		if (err)
			goto out;
	}
	def.res = res;
	def.nres = n;

	err = klwm2m_obj_define(req_store(info), &def, info->extack, &bad);
	if (err && bad >= 0)
		NL_SET_BAD_ATTR(info->extack, res_attr[bad]);
out:
	kvfree(res_attr);
	kvfree(res);
	return err;
}

int klwm2m_nl_obj_undefine_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!need_attr(info, info->attrs, KLWM2M_A_OBJ_ID, "missing object ID"))
		return -EINVAL;
	return klwm2m_obj_undefine(req_store(info), nla_get_u16(info->attrs[KLWM2M_A_OBJ_ID]),
				   info->extack);
}

/* Admin, or the object's owner: may create and delete its instances. */
static int may_manage(struct sk_buff *skb, struct genl_info *info, u16 oid)
{
	struct klwm2m_store *st = req_store(info);
	struct klwm2m_obj *obj;
	bool owner;

	if (req_admin(skb, info))
		return 0;
	rcu_read_lock();
	obj = xa_load(&st->objs, oid);
	owner = obj && uid_eq(current_fsuid(), obj->def.uid);
	rcu_read_unlock();
	if (owner)
		return 0;
	NL_SET_ERR_MSG(info->extack, "only an admin or the object's owner manages its instances");
	return -EPERM;
}

int klwm2m_nl_inst_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct sk_buff *msg;
	void *hdr;
	u16 oid;
	int iid;

	if (!need_attr(info, tb, KLWM2M_A_PATH_OBJ, "missing object ID"))
		return -EINVAL;
	oid = nla_get_u16(tb[KLWM2M_A_PATH_OBJ]);
	iid = may_manage(skb, info, oid);
	if (iid)
		return iid;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	iid = klwm2m_inst_create(req_store(info), oid,
				 tb[KLWM2M_A_PATH_INST] ? nla_get_u16(tb[KLWM2M_A_PATH_INST]) : -1,
				 info->extack);
	if (iid < 0) {
		nlmsg_free(msg);
		return iid;
	}
	hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_INST_CREATE);
	if (!hdr || nla_put_u16(msg, KLWM2M_A_PATH_OBJ, oid) ||
	    nla_put_u16(msg, KLWM2M_A_PATH_INST, iid)) {
		/* Created, but the reply cannot say so: undo rather than hide it. */
		klwm2m_inst_delete(req_store(info), oid, iid, NULL);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int klwm2m_nl_inst_delete_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	u16 oid;
	int err;

	if (!need_attr(info, tb, KLWM2M_A_PATH_OBJ, "missing object ID") ||
	    !need_attr(info, tb, KLWM2M_A_PATH_INST, "missing instance ID"))
		return -EINVAL;
	oid = nla_get_u16(tb[KLWM2M_A_PATH_OBJ]);
	err = may_manage(skb, info, oid);
	if (err)
		return err;
	return klwm2m_inst_delete(req_store(info), oid, nla_get_u16(tb[KLWM2M_A_PATH_INST]),
				  info->extack);
}

/* A path nest or top-level path attributes naming a resource or an instance of one. */
static int parse_res_path(struct genl_info *info, struct nlattr **tb,
			  const struct nlattr *where, struct klwm2m_path *p)
{
	if (!tb[KLWM2M_A_PATH_OBJ] || !tb[KLWM2M_A_PATH_INST] || !tb[KLWM2M_A_PATH_RES]) {
		NL_SET_ERR_MSG_ATTR(info->extack, where,
				    "a value's path needs an object, an instance and a resource");
		return -EINVAL;
	}
	p->oid = nla_get_u16(tb[KLWM2M_A_PATH_OBJ]);
	p->iid = nla_get_u16(tb[KLWM2M_A_PATH_INST]);
	p->rid = nla_get_u16(tb[KLWM2M_A_PATH_RES]);
	p->depth = 3;
	if (tb[KLWM2M_A_PATH_RINST]) {
		p->riid = nla_get_u16(tb[KLWM2M_A_PATH_RINST]);
		p->depth = 4;
	}
	return 0;
}

/* May the caller (@admin: CAP_NET_ADMIN, decided once per request) write or read @oid's values? */
static int may_access(struct genl_info *info, bool admin, u16 oid, int mask,
		      const struct nlattr *where)
{
	struct klwm2m_store *st = req_store(info);
	struct klwm2m_obj *obj;
	bool ok;

	if (admin)
		return 0;
	rcu_read_lock();
	obj = xa_load(&st->objs, oid);
	/* A missing object is for the store to report. */
	ok = !obj || obj_permits(&obj->def, mask);
	rcu_read_unlock();
	if (ok)
		return 0;
	if (mask == MAY_WRITE)
		NL_SET_ERR_MSG_ATTR(info->extack, where,
				    "the object's mode does not let you write it");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, where,
				    "the object's mode does not let you read it");
	return -EPERM;
}

static int parse_value(struct genl_info *info, bool admin, const struct nlattr *nest,
		       struct klwm2m_set *op)
{
	struct nlattr *tb[KLWM2M_A_VALUE_MAX + 1], *ptb[KLWM2M_A_PATH_MAX + 1];
	struct klwm2m_value *v;
	int err;

	err = nla_parse_nested(tb, KLWM2M_A_VALUE_MAX, nest, klwm2m_value_policy, info->extack);
	if (err)
		return err;
	if (!tb[KLWM2M_A_VALUE_PATH]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "a value needs a path");
		return -EINVAL;
	}
	err = nla_parse_nested(ptb, KLWM2M_A_PATH_MAX, tb[KLWM2M_A_VALUE_PATH],
			       klwm2m_path_policy, info->extack);
	if (!err)
		err = parse_res_path(info, ptb, nest, &op->path);
	if (!err)
		err = may_access(info, admin, op->path.oid, MAY_WRITE, nest);
	if (err)
		return err;
	if (!tb[KLWM2M_A_VALUE_DATA]) {
		if (op->path.depth != 4) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "only a resource instance can be written without data");
			return -EINVAL;
		}
		op->val = NULL;
		return 0;
	}
	if (!tb[KLWM2M_A_VALUE_TYPE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "a value needs its type");
		return -EINVAL;
	}
	v = klwm2m_value_new(nla_get_u8(tb[KLWM2M_A_VALUE_TYPE]), nla_data(tb[KLWM2M_A_VALUE_DATA]),
			     nla_len(tb[KLWM2M_A_VALUE_DATA]), GFP_KERNEL);
	if (IS_ERR(v)) {
		if (PTR_ERR(v) == -EINVAL)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KLWM2M_A_VALUE_DATA],
					    "data size does not fit the type (or a boolean above 1)");
		return PTR_ERR(v);
	}
	op->val = v;
	return 0;
}

int klwm2m_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr **where = NULL;
	struct klwm2m_set *ops = NULL;
	bool admin = req_admin(skb, info);
	unsigned int n, i;
	int err, bad;

	err = collect_attrs(info, KLWM2M_A_SET_VALUE, &where);
	if (err < 0)
		return err;
	n = err;
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no value to set");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, KLWM2M_A_SET_VALUE);
		return -EINVAL;
	}
	ops = kvcalloc(n, sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = parse_value(info, admin, where[i], &ops[i]);
		if (err)
			goto out;
	}
	err = klwm2m_store_set(req_store(info), ops, n, 0, info->extack, &bad);
	if (!err) {
		for (i = 0; i < n; i++)
			ops[i].val = NULL;	/* the store's now */
	} else if (bad >= 0) {
		NL_SET_BAD_ATTR(info->extack, where[bad]);
	}
out:
	if (ops)
		for (i = 0; i < n; i++)
			klwm2m_value_free(ops[i].val);
	kvfree(where);
	kvfree(ops);
	return err;
}

static int put_path(struct sk_buff *msg, const struct klwm2m_path *p)
{
	struct nlattr *nest = nla_nest_start(msg, KLWM2M_A_VALUE_PATH);

	if (!nest || nla_put_u16(msg, KLWM2M_A_PATH_OBJ, p->oid) ||
	    nla_put_u16(msg, KLWM2M_A_PATH_INST, p->iid) ||
	    nla_put_u16(msg, KLWM2M_A_PATH_RES, p->rid) ||
	    (p->depth == 4 && nla_put_u16(msg, KLWM2M_A_PATH_RINST, p->riid)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_value(struct sk_buff *msg, const struct klwm2m_value *v)
{
	const void *data = &v->u;
	int len = sizeof(u64);

	switch (v->type) {
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		data = v->data;
		len = v->len;
		break;
	case KLWM2M_TYPE_BOOLEAN:
		return nla_put_u8(msg, KLWM2M_A_VALUE_TYPE, v->type) ||
		       nla_put_u8(msg, KLWM2M_A_VALUE_DATA, v->b) ? -EMSGSIZE : 0;
	case KLWM2M_TYPE_OBJLNK:
		data = &v->objlnk;
		len = sizeof(v->objlnk);
		break;
	}
	if (nla_put_u8(msg, KLWM2M_A_VALUE_TYPE, v->type) ||
	    nla_put(msg, KLWM2M_A_VALUE_DATA, len, data))
		return -EMSGSIZE;
	return 0;
}

int klwm2m_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ptb[KLWM2M_A_PATH_MAX + 1];
	struct klwm2m_store *st = req_store(info);
	const struct klwm2m_value *v;
	struct klwm2m_path p = { };
	bool admin = req_admin(skb, info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!need_attr(info, info->attrs, KLWM2M_A_VALUE_PATH, "missing path"))
		return -EINVAL;
	err = nla_parse_nested(ptb, KLWM2M_A_PATH_MAX, info->attrs[KLWM2M_A_VALUE_PATH],
			       klwm2m_path_policy, info->extack);
	if (!err)
		err = parse_res_path(info, ptb, info->attrs[KLWM2M_A_VALUE_PATH], &p);
	if (!err)
		err = may_access(info, admin, p.oid, MAY_READ, NULL);
	if (err)
		return err;

	/* Room for the largest value, allocated before the RCU section. */
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE + nla_total_size(st->max_value), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_GET);
	err = hdr ? put_path(msg, &p) : -EMSGSIZE;
	if (err)
		goto err_free;

	rcu_read_lock();
	v = klwm2m_store_get_rcu(st, &p);
	if (!v) {
		NL_SET_ERR_MSG(info->extack, "no value at this path");
		err = -ENOENT;
	} else if (v->secret && !admin) {
		NL_SET_ERR_MSG(info->extack, "secret resources are read by admins only");
		err = -EPERM;
	} else {
		err = put_value(msg, v);
	}
	rcu_read_unlock();
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}
