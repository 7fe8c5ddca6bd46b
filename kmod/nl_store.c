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
#include <net/sock.h>

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
	[KLWM2M_A_OBJ_INSTANCES] = { .type = NLA_REJECT,
				     .reject_message = "reply-only attribute" },
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
	[KLWM2M_A_VALUE_SECRET]	= { .type = NLA_REJECT,
				    .reject_message = "reply-only attribute" },
	[KLWM2M_A_VALUE_RECORD]	= { .type = NLA_REJECT,
				    .reject_message = "reply-only attribute" },
};

static struct netlink_range_validation klwm2m_ssid_range = {
	.min = 1,
	.max = KLWM2M_ID_MAX,
};

const struct nla_policy klwm2m_set_policy[KLWM2M_A_SET_MAX + 1] = {
	[KLWM2M_A_SET_VALUE]	= NLA_POLICY_NESTED(klwm2m_value_policy),
	[KLWM2M_A_SET_SERVER]	= NLA_POLICY_FULL_RANGE(NLA_U16, &klwm2m_ssid_range),
	[KLWM2M_A_SET_SCALARS]	= { .type = NLA_BINARY },
};

static struct klwm2m_store *req_store(struct genl_info *info)
{
	return &klwm2m_pernet(genl_info_net(info))->store;
}

static bool req_admin(const struct sk_buff *skb, struct genl_info *info)
{
	return netlink_ns_capable(skb, genl_info_net(info)->user_ns, CAP_NET_ADMIN);
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
 * last of a repeated one), in message order, in *@out: @small when they fit
 * in its @nsmall slots (the common single value: no allocation), else a new
 * array to kvfree().
 * Return: how many (0 with *@out NULL), or -ENOMEM.
 */
static int collect_attrs(struct genl_info *info, int type, const struct nlattr **small,
			 int nsmall, const struct nlattr ***out)
{
	const struct nlattr *a;
	int rem, n = 0;

	*out = NULL;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		n += nla_type(a) == type;
	if (!n)
		return 0;
	*out = n <= nsmall ? small : kvcalloc(n, sizeof(**out), GFP_KERNEL);
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
	err = collect_attrs(info, KLWM2M_A_OBJ_RES, NULL, 0, &res_attr);
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
	if (!err) {
		struct klwm2m_path p = { .oid = def.id, .depth = 1 };

		klwm2m_event_path(genl_info_net(info), info->snd_portid,
				  KLWM2M_EVENT_OBJ_DEFINED, &p);
	}
out:
	kvfree(res_attr);
	kvfree(res);
	return err;
}

int klwm2m_nl_obj_undefine_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_path p = { .depth = 1 };
	int err;

	if (!need_attr(info, info->attrs, KLWM2M_A_OBJ_ID, "missing object ID"))
		return -EINVAL;
	p.oid = nla_get_u16(info->attrs[KLWM2M_A_OBJ_ID]);
	err = klwm2m_obj_undefine(req_store(info), p.oid, info->extack);
	if (!err)
		klwm2m_event_path(genl_info_net(info), info->snd_portid,
				  KLWM2M_EVENT_OBJ_UNDEFINED, &p);
	return err;
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
	struct klwm2m_path path = { .depth = 2 };
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
	path.oid = oid;
	path.iid = iid;
	klwm2m_event_path(genl_info_net(info), info->snd_portid, KLWM2M_EVENT_INST_CREATED,
			  &path);
	return genlmsg_reply(msg, info);
}

int klwm2m_nl_inst_delete_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_path p = { .depth = 2 };
	struct nlattr **tb = info->attrs;
	int err;

	if (!need_attr(info, tb, KLWM2M_A_PATH_OBJ, "missing object ID") ||
	    !need_attr(info, tb, KLWM2M_A_PATH_INST, "missing instance ID"))
		return -EINVAL;
	p.oid = nla_get_u16(tb[KLWM2M_A_PATH_OBJ]);
	p.iid = nla_get_u16(tb[KLWM2M_A_PATH_INST]);
	err = may_manage(skb, info, p.oid);
	if (!err)
		err = klwm2m_inst_delete(req_store(info), p.oid, p.iid, info->extack);
	if (!err)
		klwm2m_event_path(genl_info_net(info), info->snd_portid,
				  KLWM2M_EVENT_INST_DELETED, &p);
	return err;
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

/* May the caller (@admin: CAP_NET_ADMIN, decided once per request) read @oid's values? */
static int may_read(struct genl_info *info, bool admin, u16 oid, const struct nlattr *where)
{
	struct klwm2m_store *st = req_store(info);
	struct klwm2m_obj *obj;
	bool ok;

	if (admin)
		return 0;
	rcu_read_lock();
	obj = xa_load(&st->objs, oid);
	/* A missing object is for the store to report. */
	ok = !obj || klwm2m_obj_permits(&obj->def, MAY_READ);
	rcu_read_unlock();
	if (ok)
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, where, "the object's mode does not let you read it");
	return -EPERM;
}

static int parse_value(struct genl_info *info, const struct nlattr *nest,
		       struct klwm2m_set *op)
{
	struct nlattr *tb[KLWM2M_A_VALUE_MAX + 1], *ptb[KLWM2M_A_PATH_MAX + 1];
	struct klwm2m_value *v;
	int err;

	/*
	 * genetlink validated the whole request against the policies already
	 * (strictly: every op is past resv_start_op); this only indexes it.
	 */
	err = nla_parse_nested(tb, KLWM2M_A_VALUE_MAX, nest, NULL, info->extack);
	if (err)
		return err;
	if (!tb[KLWM2M_A_VALUE_PATH]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "a value needs a path");
		return -EINVAL;
	}
	err = nla_parse_nested(ptb, KLWM2M_A_PATH_MAX, tb[KLWM2M_A_VALUE_PATH], NULL,
			       info->extack);
	if (!err)
		err = parse_res_path(info, ptb, nest, &op->path);
	if (err)
		return err;
	if (!tb[KLWM2M_A_VALUE_DATA]) {
		/* Deletes a resource instance or clears a multiple resource. */
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

/* Batches up to this size need no allocation beyond their values. */
#define SMALL_BATCH 4

/*
 * A SET request's entries: @ops, and in @where what to point at when one is
 * refused (its nest, or the first byte of its struct klwm2m_scalar record).
 * @vals holds the values of records, which the store copies (borrowed).
 */
struct set_req {
	unsigned int n;
	struct klwm2m_set *ops;
	const struct nlattr **where;
	struct klwm2m_value *vals;
	struct klwm2m_set ops_small[SMALL_BATCH];
	const struct nlattr *where_small[SMALL_BATCH];
};

/*
 * Room for @n entries (the where array too unless @where is set already).
 * With @vals (records) the entries are left for the caller to fill, and
 * r->n to count those filled: set_req_free() reads no others.
 */
static int set_req_alloc(struct set_req *r, unsigned int n, bool vals)
{
	bool small = n <= SMALL_BATCH;

	r->n = n;
	if (small)
		r->ops = r->ops_small;
	else if (vals)
		r->ops = kvmalloc_array(n, sizeof(*r->ops), GFP_KERNEL);
	else
		r->ops = kvcalloc(n, sizeof(*r->ops), GFP_KERNEL);
	if (!r->where && small)
		r->where = r->where_small;
	else if (!r->where)
		r->where = kvmalloc_array(n, sizeof(*r->where), GFP_KERNEL);
	/* Always allocated: no array of a struct with a flexible member on the stack. */
	if (vals)
		r->vals = kvmalloc_array(n, sizeof(*r->vals), GFP_KERNEL);
	if (!r->ops || !r->where || (vals && !r->vals))
		return -ENOMEM;
	if (small)
		memset(r->ops, 0, n * sizeof(*r->ops));
	return 0;
}

static void set_req_free(struct set_req *r)
{
	unsigned int i;

	for (i = 0; r->ops && i < r->n; i++)
		if (!r->ops[i].borrowed)
			klwm2m_value_free(r->ops[i].val);
	if (r->ops != r->ops_small)
		kvfree(r->ops);
	if (r->where != r->where_small)
		kvfree(r->where);
	kvfree(r->vals);
}

/* The SET_VALUE nests, one entry each. */
static int parse_nests(struct genl_info *info, struct set_req *r)
{
	unsigned int i;
	int err;

	err = collect_attrs(info, KLWM2M_A_SET_VALUE, r->where_small, SMALL_BATCH, &r->where);
	if (err <= 0)
		return err;
	err = set_req_alloc(r, err, false);
	for (i = 0; !err && i < r->n; i++)
		err = parse_value(info, r->where[i], &r->ops[i]);
	return err;
}

/* @msg: a string literal (the extack keeps the pointer), as for need_attr(). */
static int bad_record(struct genl_info *info, const void *rec, const char *msg)
{
	if (info->extack)
		info->extack->_msg = msg;
	NL_SET_BAD_ATTR(info->extack, (const struct nlattr *)rec);
	return -EINVAL;
}

/* One struct klwm2m_scalar record at @rec: @op, its value borrowed from @v. */
static int parse_record(struct genl_info *info, const void *rec, struct klwm2m_set *op,
			struct klwm2m_value *v)
{
	struct klwm2m_scalar sc;

	BUILD_BUG_ON(sizeof(sc) != 24 || sizeof(sc.reserved) != 7);
	/* Attribute data is only 4-byte aligned. */
	memcpy(&sc, rec, sizeof(sc));
	if (sc.reserved[0] | sc.reserved[1] | sc.reserved[2] | sc.reserved[3] |
	    sc.reserved[4] | sc.reserved[5] | sc.reserved[6])
		return bad_record(info, rec, "a record's reserved bytes must be zero");
	if (sc.oid > KLWM2M_ID_MAX || sc.iid > KLWM2M_ID_MAX || sc.rid > KLWM2M_ID_MAX)
		return bad_record(info, rec, "IDs go up to 65534");
	if (klwm2m_value_scalar(v, sc.type, sc.value))
		return bad_record(info, rec,
				  "a record holds a scalar type, its value within the type's bits");
	op->path.oid = sc.oid;
	op->path.iid = sc.iid;
	op->path.rid = sc.rid;
	op->path.riid = sc.riid == KLWM2M_ID_NONE ? 0 : sc.riid;
	op->path.depth = sc.riid == KLWM2M_ID_NONE ? 3 : 4;
	op->val = v;
	op->borrowed = true;
	return 0;
}

/* The SET_SCALARS records, one entry each, values borrowed from r->vals. */
static int parse_scalars(struct genl_info *info, struct set_req *r)
{
	const size_t size = sizeof(struct klwm2m_scalar);
	const struct nlattr *small[1], **attrs;
	unsigned int j, k = 0, n = 0;
	int i, err = 0, nattrs;

	nattrs = collect_attrs(info, KLWM2M_A_SET_SCALARS, small, ARRAY_SIZE(small), &attrs);
	if (nattrs <= 0)
		return nattrs;
	for (i = 0; i < nattrs; i++) {
		if (!nla_len(attrs[i]) || nla_len(attrs[i]) % size) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[i],
					    "SCALARS holds whole records, one or more");
			err = -EINVAL;
			goto out;
		}
		n += nla_len(attrs[i]) / size;
	}
	err = set_req_alloc(r, n, true);
	for (i = 0; !err && i < nattrs; i++) {
		const u8 *p = nla_data(attrs[i]);

		for (j = 0; !err && j < nla_len(attrs[i]) / size; j++) {
			r->where[k] = (const void *)(p + j * size);
			err = parse_record(info, r->where[k], &r->ops[k], &r->vals[k]);
			k += !err;
		}
	}
	/* The entries filled: the only ones set_req_free() may look at. */
	r->n = k;
out:
	if (attrs != small)
		kvfree(attrs);
	return err;
}

int klwm2m_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool admin = req_admin(skb, info);
	/* The object's mode is checked by the store, under its lock. */
	unsigned int flags = admin ? 0 : KLWM2M_SET_CHECK_MODE;
	int err, bad, server = 0;
	struct set_req req, *r = &req;

	if (info->attrs[KLWM2M_A_SET_SERVER]) {
		if (!admin) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_SET_SERVER],
					    "only an admin (the agent) writes for a server");
			return -EPERM;
		}
		server = nla_get_u16(info->attrs[KLWM2M_A_SET_SERVER]);
		flags |= KLWM2M_SET_SERVER;
	}
	if (info->attrs[KLWM2M_A_SET_VALUE] && info->attrs[KLWM2M_A_SET_SCALARS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KLWM2M_A_SET_SCALARS],
				    "a request carries VALUE nests or SCALARS records, not both");
		return -EINVAL;
	}
	r->n = 0;
	r->ops = NULL;
	r->where = NULL;
	r->vals = NULL;
	if (info->attrs[KLWM2M_A_SET_SCALARS])
		err = parse_scalars(info, r);
	else
		err = parse_nests(info, r);
	if (err)
		goto out;
	if (!r->n) {
		NL_SET_ERR_MSG(info->extack, "no value to set");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, KLWM2M_A_SET_VALUE);
		err = -EINVAL;
		goto out;
	}
	err = klwm2m_store_set(req_store(info), r->ops, r->n, flags, info->extack, &bad);
	if (!err)
		klwm2m_event_batch(genl_info_net(info), info->snd_portid, server, r->ops, r->n);
	else if (bad >= 0)
		NL_SET_BAD_ATTR(info->extack, r->where[bad]);
	if (!err && server)
		klwm2m_exec_writes(genl_info_net(info), info->snd_portid, server, r->ops, r->n);
out:
	set_req_free(r);
	return err;
}

/* Scalars load once (READ_ONCE): a single resource's is rewritten in place. */
int klwm2m_put_value(struct sk_buff *msg, const struct klwm2m_value *v)
{
	u64 word;
	u32 link;

	if (nla_put_u8(msg, KLWM2M_A_VALUE_TYPE, v->type))
		return -EMSGSIZE;
	switch (v->type) {
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		return nla_put(msg, KLWM2M_A_VALUE_DATA, v->len, v->data);
	case KLWM2M_TYPE_BOOLEAN:
		return nla_put_u8(msg, KLWM2M_A_VALUE_DATA, READ_ONCE(v->b));
	case KLWM2M_TYPE_OBJLNK:
		link = READ_ONCE(v->objlnk);
		return nla_put(msg, KLWM2M_A_VALUE_DATA, sizeof(link), &link);
	default:
		word = READ_ONCE(v->u);
		return nla_put(msg, KLWM2M_A_VALUE_DATA, sizeof(word), &word);
	}
}

/* Does the named prefix exist, and may the caller read it? Under RCU. */
int klwm2m_check_path(struct klwm2m_store *st, const struct klwm2m_path *p, bool admin,
		      struct netlink_ext_ack *extack)
{
	const struct klwm2m_resdef *rd;
	struct klwm2m_inst *inst;
	struct klwm2m_obj *obj;
	void *entry;

	if (!p->depth)
		return 0;
	obj = xa_load(&st->objs, p->oid);
	if (!obj) {
		NL_SET_ERR_MSG(extack, "no such object");
		return -ENOENT;
	}
	if (!admin && !klwm2m_obj_permits(&obj->def, MAY_READ)) {
		NL_SET_ERR_MSG(extack, "the object's mode does not let you read it");
		return -EPERM;
	}
	if (p->depth < 2)
		return 0;
	inst = xa_load(&obj->insts, p->iid);
	if (!inst) {
		NL_SET_ERR_MSG(extack, "no such instance");
		return -ENOENT;
	}
	if (p->depth < 3)
		return 0;
	rd = klwm2m_resdef_find(&obj->def, p->rid);
	if (!rd) {
		NL_SET_ERR_MSG(extack, "the object defines no such resource");
		return -ENOENT;
	}
	if (p->depth < 4)
		return 0;
	if (!(rd->flags & KLWM2M_RES_MULTIPLE)) {
		NL_SET_ERR_MSG(extack, "a resource instance of a single resource");
		return -EINVAL;
	}
	entry = xa_load(&inst->res, p->rid);
	if (!entry || !xa_load(&((struct klwm2m_multi *)entry)->ris, p->riid)) {
		NL_SET_ERR_MSG(extack, "no such resource instance");
		return -ENOENT;
	}
	return 0;
}

/* Room in each part for the longest value the store has held. */
static void size_dump(struct netlink_callback *cb, const struct klwm2m_store *st)
{
	cb->min_dump_alloc = NLMSG_GOODSIZE + nla_total_size(READ_ONCE(st->longest));
}

static bool res_is_multiple(struct klwm2m_store *st, const struct klwm2m_path *p)
{
	struct klwm2m_obj *obj = xa_load(&st->objs, p->oid);
	const struct klwm2m_resdef *rd = obj ? klwm2m_resdef_find(&obj->def, p->rid) : NULL;

	return rd && (rd->flags & KLWM2M_RES_MULTIPLE);
}

int klwm2m_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ptb[KLWM2M_A_PATH_MAX + 1];
	struct klwm2m_store *st = req_store(info);
	const struct klwm2m_value *v;
	struct klwm2m_path p = { };
	bool admin = req_admin(skb, info);
	struct sk_buff *msg;
	u32 len;
	void *hdr;
	int err;

	if (!need_attr(info, info->attrs, KLWM2M_A_VALUE_PATH, "missing path"))
		return -EINVAL;
	err = nla_parse_nested(ptb, KLWM2M_A_PATH_MAX, info->attrs[KLWM2M_A_VALUE_PATH],
			       klwm2m_path_policy, info->extack);
	if (!err)
		err = parse_res_path(info, ptb, info->attrs[KLWM2M_A_VALUE_PATH], &p);
	if (!err)
		err = may_read(info, admin, p.oid, NULL);
	if (err)
		return err;

	/*
	 * Sized for the value seen now; allocated outside the RCU section. If
	 * a longer value replaced it meanwhile, size again.
	 */
	for (len = 0;;) {
		msg = genlmsg_new(NLMSG_DEFAULT_SIZE + nla_total_size(len), GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_GET);
		err = hdr ? klwm2m_put_path(msg, KLWM2M_A_VALUE_PATH, &p) : -EMSGSIZE;
		if (err)
			goto err_free;

		rcu_read_lock();
		v = klwm2m_store_get_rcu(st, &p);
		if (!v && p.depth == 3 && res_is_multiple(st, &p)) {
			NL_SET_ERR_MSG(info->extack,
				       "a multiple resource: name an instance of it, or dump it");
			err = -EISDIR;
		} else if (!v) {
			/* Name the missing level; else the resource is unset. */
			err = klwm2m_check_path(st, &p, true, info->extack);
			if (!err)
				NL_SET_ERR_MSG(info->extack, "no value at this path");
			err = err == -EINVAL ? err : -ENOENT;
		} else if (v->secret && !admin) {
			NL_SET_ERR_MSG(info->extack, "secret resources are read by admins only");
			err = -EPERM;
		} else if (v->len > len) {
			len = v->len;
			err = -EAGAIN;
		} else {
			err = klwm2m_put_value(msg, v);
		}
		rcu_read_unlock();
		if (err != -EAGAIN)
			break;
		nlmsg_free(msg);
	}
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static struct klwm2m_store *dump_store(struct netlink_callback *cb)
{
	return &klwm2m_pernet(sock_net(cb->skb->sk))->store;
}

static bool dump_admin(struct netlink_callback *cb)
{
	return netlink_ns_capable(cb->skb, sock_net(cb->skb->sk)->user_ns, CAP_NET_ADMIN);
}

/*
 * A GET dump's state, in cb->ctx: IDs only, never pointers. The cursor names
 * the next record to emit; @marked says the cursor's instance record is out.
 */
struct get_dump {
	struct klwm2m_path filter;	/* depth 0: everything */
	u32 oid, iid, rid, riid;
	bool marked;
	bool admin;
};

static struct get_dump *get_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct get_dump) > sizeof(cb->ctx));
	return (struct get_dump *)cb->ctx;
}

/* A dump's partial path: OBJ, then INST, RES, RINST, each needing the one before. */
static int parse_prefix(struct netlink_ext_ack *extack, const struct nlattr *nest,
			struct klwm2m_path *p)
{
	static const int order[] = {
		KLWM2M_A_PATH_OBJ, KLWM2M_A_PATH_INST, KLWM2M_A_PATH_RES, KLWM2M_A_PATH_RINST,
	};
	struct nlattr *tb[KLWM2M_A_PATH_MAX + 1];
	u16 *ids[] = { &p->oid, &p->iid, &p->rid, &p->riid };
	int err, i;

	err = nla_parse_nested(tb, KLWM2M_A_PATH_MAX, nest, klwm2m_path_policy, extack);
	if (err)
		return err;
	p->depth = 0;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (!tb[order[i]])
			break;
		*ids[i] = nla_get_u16(tb[order[i]]);
		p->depth = i + 1;
	}
	for (; i < ARRAY_SIZE(order); i++) {
		if (tb[order[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[order[i]],
					    "a path names its levels from the object down, without gaps");
			return -EINVAL;
		}
	}
	return 0;
}

int klwm2m_nl_get_start(struct netlink_callback *cb)
{
	struct klwm2m_store *st = dump_store(cb);
	struct get_dump *d = get_dump_ctx(cb);
	struct nlattr *tb[KLWM2M_A_VALUE_MAX + 1];
	struct nlattr *nest;
	int err;

	/*
	 * genetlink validated the request already; parsing it here again
	 * spares a version check (its dump info changed shape in 6.2).
	 */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, KLWM2M_A_VALUE_MAX, klwm2m_value_policy,
			  cb->extack);
	if (err)
		return err;
	nest = tb[KLWM2M_A_VALUE_PATH];
	memset(d, 0, sizeof(*d));
	d->admin = dump_admin(cb);
	if (nest) {
		err = parse_prefix(cb->extack, nest, &d->filter);
		if (err)
			return err;
	}
	rcu_read_lock();
	err = klwm2m_check_path(st, &d->filter, d->admin, cb->extack);
	rcu_read_unlock();
	if (err)
		return err;
	if (d->filter.depth >= 1)
		d->oid = d->filter.oid;
	if (d->filter.depth >= 2)
		d->iid = d->filter.iid;
	if (d->filter.depth >= 3)
		d->rid = d->filter.rid;
	if (d->filter.depth >= 4)
		d->riid = d->filter.riid;
	size_dump(cb, st);
	return 0;
}

/* The last ID a level of a walk under @filter may reach. */
static u32 filter_max(const struct klwm2m_path *filter, int level, u32 id)
{
	return filter->depth >= level ? id : KLWM2M_ID_MAX;
}

static u32 dump_max(const struct get_dump *d, int level, u32 id)
{
	return filter_max(&d->filter, level, id);
}

static void *dump_msg(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&klwm2m_family, NLM_F_MULTI, cmd);

	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/* A record's attributes: its path, and its value unless it is an instance. */
static int put_record(struct sk_buff *skb, const struct klwm2m_path *p,
		      const struct klwm2m_value *v, bool admin)
{
	int err = klwm2m_put_path(skb, KLWM2M_A_VALUE_PATH, p);

	if (!err && v && v->secret && !admin)
		err = nla_put_u8(skb, KLWM2M_A_VALUE_TYPE, v->type) ||
		      nla_put_flag(skb, KLWM2M_A_VALUE_SECRET) ? -EMSGSIZE : 0;
	else if (!err && v)
		err = klwm2m_put_value(skb, v);
	return err;
}

static int dump_record(struct sk_buff *skb, struct netlink_callback *cb,
		       const struct klwm2m_path *p, const struct klwm2m_value *v, bool admin)
{
	void *hdr = dump_msg(skb, cb, KLWM2M_CMD_GET);
	int err;

	if (!hdr)
		return -EMSGSIZE;
	err = put_record(skb, p, v, admin);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The values of one instance from the cursor on. */
static int dump_inst(struct sk_buff *skb, struct netlink_callback *cb, struct get_dump *d,
		     const struct klwm2m_obj *obj, struct klwm2m_inst *inst)
{
	struct klwm2m_path p = { .oid = d->oid, .iid = d->iid };
	const struct klwm2m_value *v;
	struct klwm2m_multi *m;
	unsigned long rid, riid;
	void *entry;
	int err;

	for (rid = d->rid; (entry = xa_find(&inst->res, &rid, dump_max(d, 3, d->filter.rid),
					    XA_PRESENT)); rid++) {
		const struct klwm2m_resdef *rd = klwm2m_resdef_find(&obj->def, rid);

		if (rid != d->rid) {
			d->rid = rid;
			d->riid = 0;
		}
		p.rid = rid;
		if (!rd)
			continue;
		if (!(rd->flags & KLWM2M_RES_MULTIPLE)) {
			p.depth = 3;
			err = dump_record(skb, cb, &p, entry, d->admin);
			if (err)
				return err;
			continue;
		}
		p.depth = 4;
		m = entry;
		for (riid = d->riid;
		     (v = xa_find(&m->ris, &riid, dump_max(d, 4, d->filter.riid), XA_PRESENT));
		     riid++) {
			p.riid = riid;
			d->riid = riid;
			err = dump_record(skb, cb, &p, v, d->admin);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * The walk is complete: return 0, so that NLMSG_DONE follows in this part
 * (the reader's one recv()) and is checked for consistency now, against
 * whether the store changed during this part's walk (a batch committed, or
 * anything else that moves the generation). Returning skb->len instead would
 * send DONE in a part of its own, one round trip later, and flag every dump
 * of a store that changes that often, however small the dump.
 */
static int dump_finish(struct klwm2m_store *st, struct netlink_callback *cb, unsigned int seq)
{
	u32 gen = klwm2m_store_gen(st);

	if (read_seqcount_retry(&st->seq, seq) || gen != cb->seq)
		cb->seq = cb->seq + 1 ?: 1;	/* differs from prev_seq: DONE says INTR */
	return 0;
}

int klwm2m_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct klwm2m_store *st = dump_store(cb);
	struct get_dump *d = get_dump_ctx(cb);
	struct klwm2m_inst *inst;
	struct klwm2m_obj *obj;
	unsigned long oid, iid;
	unsigned int seq;
	int err = 0;

	cb->seq = klwm2m_store_gen(st);
	seq = read_seqcount_begin(&st->seq);
	size_dump(cb, st);
	rcu_read_lock();
	for (oid = d->oid; (obj = xa_find(&st->objs, &oid, dump_max(d, 1, d->filter.oid),
					  XA_PRESENT)); oid++) {
		if (oid != d->oid) {
			d->oid = oid;
			d->iid = 0;
			d->rid = 0;
			d->riid = 0;
			d->marked = false;
		}
		if (!d->admin && !klwm2m_obj_permits(&obj->def, MAY_READ))
			continue;
		for (iid = d->iid; (inst = xa_find(&obj->insts, &iid,
						   dump_max(d, 2, d->filter.iid), XA_PRESENT));
		     iid++) {
			if (iid != d->iid) {
				d->iid = iid;
				d->rid = 0;
				d->riid = 0;
				d->marked = false;
			}
			if (!d->marked && d->filter.depth <= 2) {
				struct klwm2m_path p = { .oid = oid, .iid = iid, .depth = 2 };

				err = dump_record(skb, cb, &p, NULL, d->admin);
				if (err)
					goto out;
			}
			d->marked = true;
			err = dump_inst(skb, cb, d, obj, inst);
			if (err)
				goto out;
			/* Past the last resource: the next instance starts afresh. */
			d->rid = KLWM2M_ID_MAX + 1;
		}
		d->iid = KLWM2M_ID_MAX + 1;
	}
out:
	rcu_read_unlock();
	if (err == -EMSGSIZE && skb->len)
		return skb->len;	/* the rest in the next part */
	return err ?: dump_finish(st, cb, seq);
}

/* ---------------------------------------------------------------- GET_TREE */

/* Writes an attribute at @pos, its padding zeroed; returns what follows it. */
static void *tree_attr(void *pos, int type, const void *data, int len)
{
	struct nlattr *a = pos;

	a->nla_type = type;
	a->nla_len = nla_attr_size(len);
	if (len)
		memcpy(nla_data(a), data, len);
	memset((u8 *)nla_data(a) + len, 0, nla_padlen(len));
	return (u8 *)a + nla_total_size(len);
}

/*
 * One KLWM2M_A_VALUE_RECORD nest of a GET_TREE reply: what put_record()
 * writes, sized first and written in one piece (a tree has a record per
 * value: six nla_put() calls each were most of the walk's cost).
 */
static int tree_record(struct sk_buff *skb, const struct klwm2m_path *p,
		       const struct klwm2m_value *v, bool admin)
{
	const u16 ids[] = { p->oid, p->iid, p->rid, p->riid };
	bool hide = v && v->secret && !admin;
	const void *data = NULL;
	struct nlattr *rec, *path;
	int i, dlen = 0, size;
	u64 word;
	u32 link;
	u8 b;
	void *pos;

	if (v && !hide) {
		switch (v->type) {
		case KLWM2M_TYPE_STRING:
		case KLWM2M_TYPE_OPAQUE:
		case KLWM2M_TYPE_CORELNK:
			data = v->data;
			dlen = v->len;
			break;
		case KLWM2M_TYPE_BOOLEAN:
			b = READ_ONCE(v->b);
			data = &b;
			dlen = sizeof(b);
			break;
		case KLWM2M_TYPE_OBJLNK:
			link = READ_ONCE(v->objlnk);
			data = &link;
			dlen = sizeof(link);
			break;
		default:
			word = READ_ONCE(v->u);
			data = &word;
			dlen = sizeof(word);
			break;
		}
	}
	size = nla_total_size(p->depth * nla_total_size(sizeof(u16)));
	if (v)
		size += nla_total_size(sizeof(u8)) + nla_total_size(hide ? 0 : dlen);
	if (skb_tailroom(skb) < nla_total_size(size))
		return -EMSGSIZE;
	rec = skb_put(skb, nla_total_size(size));
	rec->nla_type = KLWM2M_A_VALUE_RECORD | NLA_F_NESTED;
	rec->nla_len = nla_attr_size(size);
	path = nla_data(rec);
	path->nla_type = KLWM2M_A_VALUE_PATH | NLA_F_NESTED;
	path->nla_len = nla_attr_size(p->depth * nla_total_size(sizeof(u16)));
	pos = nla_data(path);
	for (i = 0; i < p->depth; i++)
		pos = tree_attr(pos, KLWM2M_A_PATH_OBJ + i, &ids[i], sizeof(u16));
	if (!v)
		return 0;
	pos = tree_attr(pos, KLWM2M_A_VALUE_TYPE, &v->type, sizeof(u8));
	if (hide)
		tree_attr(pos, KLWM2M_A_VALUE_SECRET, NULL, 0);
	else
		tree_attr(pos, KLWM2M_A_VALUE_DATA, data, dlen);
	return 0;
}

/* The values of one instance under @f, in the dump's order. Under RCU. */
static int tree_inst(struct sk_buff *skb, const struct klwm2m_path *f, struct klwm2m_path *p,
		     const struct klwm2m_obj *obj, struct klwm2m_inst *inst, bool admin)
{
	const struct klwm2m_value *v;
	unsigned long rid, riid;
	void *entry;
	int err;

	rid = f->depth >= 3 ? f->rid : 0;
	for (; (entry = xa_find(&inst->res, &rid, filter_max(f, 3, f->rid), XA_PRESENT)); rid++) {
		const struct klwm2m_resdef *rd = klwm2m_resdef_find(&obj->def, rid);

		if (!rd)
			continue;
		p->rid = rid;
		if (!(rd->flags & KLWM2M_RES_MULTIPLE)) {
			p->depth = 3;
			err = tree_record(skb, p, entry, admin);
			if (err)
				return err;
			continue;
		}
		p->depth = 4;
		riid = f->depth >= 4 ? f->riid : 0;
		for (; (v = xa_find(&((struct klwm2m_multi *)entry)->ris, &riid,
				    filter_max(f, 4, f->riid), XA_PRESENT)); riid++) {
			p->riid = riid;
			err = tree_record(skb, p, v, admin);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Every record under @f. Under RCU. */
static int tree_fill(struct sk_buff *skb, struct klwm2m_store *st, const struct klwm2m_path *f,
		     bool admin)
{
	unsigned long oid = f->depth >= 1 ? f->oid : 0, iid;
	struct klwm2m_inst *inst;
	struct klwm2m_obj *obj;
	int err;

	for (; (obj = xa_find(&st->objs, &oid, filter_max(f, 1, f->oid), XA_PRESENT)); oid++) {
		if (!admin && !klwm2m_obj_permits(&obj->def, MAY_READ))
			continue;
		iid = f->depth >= 2 ? f->iid : 0;
		for (; (inst = xa_find(&obj->insts, &iid, filter_max(f, 2, f->iid), XA_PRESENT));
		     iid++) {
			struct klwm2m_path p = { .oid = oid, .iid = iid, .depth = 2 };

			if (f->depth <= 2) {
				err = tree_record(skb, &p, NULL, admin);
				if (err)
					return err;
			}
			err = tree_inst(skb, f, &p, obj, inst, admin);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * Lockless tries (RCU, the store's seqcount) see a batch committed meanwhile
 * and start again; the last one holds the writers' lock instead, so that a
 * busy store cannot starve a reader.
 */
#define TREE_LOCKLESS_TRIES	2

/* Fill @msg with the records under @f as one state of the store. */
static int tree_snapshot(struct sk_buff *msg, struct genl_info *info, struct klwm2m_store *st,
			 const struct klwm2m_path *f, bool admin)
{
	void *hdr = NULL;
	unsigned int seq;
	int tries, err;

	for (tries = 0; tries <= TREE_LOCKLESS_TRIES; tries++) {
		bool locked = tries == TREE_LOCKLESS_TRIES;

		if (hdr)
			genlmsg_cancel(msg, hdr);
		hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_GET_TREE);
		if (!hdr)
			return -EMSGSIZE;
		if (locked)
			mutex_lock(&st->lock);
		seq = read_seqcount_begin(&st->seq);
		rcu_read_lock();
		err = klwm2m_check_path(st, f, admin, info->extack);
		if (!err)
			err = tree_fill(msg, st, f, admin);
		rcu_read_unlock();
		if (locked)
			mutex_unlock(&st->lock);
		if (err)
			break;
		if (locked || !read_seqcount_retry(&st->seq, seq)) {
			genlmsg_end(msg, hdr);
			return 0;
		}
	}
	genlmsg_cancel(msg, hdr);
	return err;
}

int klwm2m_nl_get_tree_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_store *st = req_store(info);
	bool admin = req_admin(skb, info);
	u32 hint = READ_ONCE(st->tree_hint);
	struct klwm2m_path f = { };
	struct sk_buff *msg;
	size_t size;
	int err;

	if (info->attrs[KLWM2M_A_VALUE_PATH]) {
		err = parse_prefix(info->extack, info->attrs[KLWM2M_A_VALUE_PATH], &f);
		if (err)
			return err;
	}
	/*
	 * The first buffer is sized for the store's last tree and a little
	 * more (a reader asks for the same trees again): a buffer twice too
	 * long would be copied into a shorter one on its way (netlink_trim()).
	 * A longer tree is made again in a buffer twice as long, up to the
	 * limit the reader's buffer is sized for. @size counts the skb's
	 * shared info too: what is allocated.
	 */
	size = SKB_DATA_ALIGN(hint + hint / 8 + NLMSG_HDRLEN + GENL_HDRLEN) +
	       SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	size = clamp_t(size_t, size, 1024, KLWM2M_GET_TREE_MAX);
	for (;;) {
		msg = nlmsg_new(SKB_WITH_OVERHEAD(size) - NLMSG_HDRLEN, GFP_KERNEL | __GFP_NOWARN);
		if (!msg)
			return -ENOMEM;
		err = tree_snapshot(msg, info, st, &f, admin);
		if (err != -EMSGSIZE || size >= KLWM2M_GET_TREE_MAX)
			break;
		nlmsg_free(msg);
		size = min_t(size_t, size * 2, KLWM2M_GET_TREE_MAX);
	}
	if (err == -EMSGSIZE)
		NL_SET_ERR_MSG(info->extack, "more records than one reply holds: dump them");
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	WRITE_ONCE(st->tree_hint, msg->len);
	return genlmsg_reply(msg, info);
}

static size_t res_msg_size(const struct klwm2m_resdef *rd)
{
	return nla_total_size(0) + nla_total_size(sizeof(u16)) +
	       nla_total_size(strlen(rd->name) + 1) + 2 * nla_total_size(sizeof(u8)) +
	       nla_total_size(sizeof(u32)) + 2 * nla_total_size_64bit(sizeof(u64)) +
	       2 * nla_total_size(sizeof(u32));
}

/* Bytes the OBJ_GET reply for @obj takes, headers included. */
static size_t obj_msg_size(const struct klwm2m_obj *obj)
{
	size_t size = genlmsg_total_size(nla_total_size(sizeof(u16)) +
					 nla_total_size(strlen(obj->def.name) + 1) +
					 nla_total_size(sizeof("255.255")) +
					 4 * nla_total_size(sizeof(u32)) +
					 nla_total_size(sizeof(u16)) +
					 nla_total_size(sizeof(u32)));
	unsigned int i;

	for (i = 0; i < obj->def.nres; i++)
		size += res_msg_size(&obj->def.res[i]);
	return size;
}

static int put_res(struct sk_buff *msg, const struct klwm2m_resdef *rd)
{
	struct nlattr *nest = nla_nest_start(msg, KLWM2M_A_OBJ_RES);

	if (!nest || nla_put_u16(msg, KLWM2M_A_RES_ID, rd->id) ||
	    nla_put_string(msg, KLWM2M_A_RES_NAME, rd->name) ||
	    nla_put_u8(msg, KLWM2M_A_RES_TYPE, rd->type) ||
	    nla_put_u8(msg, KLWM2M_A_RES_OPS, rd->ops) ||
	    nla_put_u32(msg, KLWM2M_A_RES_FLAGS, rd->flags & KLWM2M_RES_F_ALL))
		return -EMSGSIZE;
	if ((rd->flags & KLWM2M_RES_RANGE) &&
	    (nla_put_u64_64bit(msg, KLWM2M_A_RES_RANGE_MIN, rd->min, KLWM2M_A_RES_PAD) ||
	     nla_put_u64_64bit(msg, KLWM2M_A_RES_RANGE_MAX, rd->max, KLWM2M_A_RES_PAD)))
		return -EMSGSIZE;
	if ((rd->flags & KLWM2M_RES_LENGTH) &&
	    (nla_put_u32(msg, KLWM2M_A_RES_LEN_MIN, rd->len_min) ||
	     nla_put_u32(msg, KLWM2M_A_RES_LEN_MAX, rd->len_max)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The OBJ_GET attributes of @obj; the object is stable under RCU. */
static int put_obj(struct sk_buff *msg, const struct klwm2m_obj *obj)
{
	const struct klwm2m_objdef *def = &obj->def;
	char version[sizeof("255.255")];
	unsigned int i;

	snprintf(version, sizeof(version), "%u.%u", def->ver_major, def->ver_minor);
	if (nla_put_u16(msg, KLWM2M_A_OBJ_ID, def->id) ||
	    nla_put_string(msg, KLWM2M_A_OBJ_NAME, def->name) ||
	    nla_put_string(msg, KLWM2M_A_OBJ_VERSION, version) ||
	    nla_put_u32(msg, KLWM2M_A_OBJ_FLAGS, def->flags) ||
	    nla_put_u32(msg, KLWM2M_A_OBJ_UID, from_kuid_munged(current_user_ns(), def->uid)) ||
	    nla_put_u32(msg, KLWM2M_A_OBJ_GID, from_kgid_munged(current_user_ns(), def->gid)) ||
	    nla_put_u16(msg, KLWM2M_A_OBJ_MODE, def->mode) ||
	    nla_put_u32(msg, KLWM2M_A_OBJ_INSTANCES, READ_ONCE(obj->ninsts)))
		return -EMSGSIZE;
	for (i = 0; i < def->nres; i++)
		if (put_res(msg, &def->res[i]))
			return -EMSGSIZE;
	return 0;
}

int klwm2m_nl_obj_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_store *st = req_store(info);
	struct klwm2m_obj *obj;
	struct sk_buff *msg;
	size_t size;
	void *hdr;
	u16 oid;
	int err;

	if (!need_attr(info, info->attrs, KLWM2M_A_OBJ_ID, "missing object ID"))
		return -EINVAL;
	oid = nla_get_u16(info->attrs[KLWM2M_A_OBJ_ID]);

	/* Size the reply under RCU, fill it under RCU again: the object may go between. */
	for (;;) {
		rcu_read_lock();
		obj = xa_load(&st->objs, oid);
		size = obj ? obj_msg_size(obj) : 0;
		rcu_read_unlock();
		if (!obj) {
			NL_SET_ERR_MSG(info->extack, "no such object");
			return -ENOENT;
		}
		msg = nlmsg_new(size, GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_OBJ_GET);
		rcu_read_lock();
		obj = xa_load(&st->objs, oid);
		err = !hdr ? -EMSGSIZE : obj ? put_obj(msg, obj) : -ENOENT;
		rcu_read_unlock();
		if (!err)
			break;
		nlmsg_free(msg);
		/* Redefined larger in between: size it again. */
		if (err != -EMSGSIZE || !hdr) {
			if (err == -ENOENT)
				NL_SET_ERR_MSG(info->extack, "no such object");
			return err;
		}
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int klwm2m_nl_obj_get_start(struct netlink_callback *cb)
{
	struct klwm2m_store *st = dump_store(cb);
	struct klwm2m_obj *obj;
	unsigned long oid;
	size_t max = NLMSG_GOODSIZE;

	/* cb->ctx: the next object ID. Room for the largest object in one part. */
	memset(cb->ctx, 0, sizeof(cb->ctx));
	rcu_read_lock();
	xa_for_each(&st->objs, oid, obj)
		max = max_t(size_t, max, obj_msg_size(obj));
	rcu_read_unlock();
	cb->min_dump_alloc = min_t(size_t, max, U32_MAX);
	return 0;
}

int klwm2m_nl_obj_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct klwm2m_store *st = dump_store(cb);
	u32 *next = (u32 *)cb->ctx;
	struct klwm2m_obj *obj;
	unsigned long oid;
	unsigned int seq;
	int err = 0;

	cb->seq = klwm2m_store_gen(st);
	seq = read_seqcount_begin(&st->seq);
	rcu_read_lock();
	for (oid = *next; (obj = xa_find(&st->objs, &oid, KLWM2M_ID_MAX, XA_PRESENT)); oid++) {
		void *hdr = dump_msg(skb, cb, KLWM2M_CMD_OBJ_GET);

		if (hdr)
			err = put_obj(skb, obj);
		if (!hdr || err) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		*next = oid + 1;
	}
	rcu_read_unlock();
	if (err && skb->len)
		return skb->len;
	return err ?: dump_finish(st, cb, seq);
}
