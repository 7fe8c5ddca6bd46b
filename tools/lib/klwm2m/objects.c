// SPDX-License-Identifier: LGPL-2.1-or-later
/* Object definitions as the kernel holds them: KLWM2M_CMD_OBJ_GET do and dump. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/klwm2m.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

static int parse_res(const struct nlattr *nest, struct klwm2m_resdef *rd)
{
	struct nlattr *tb[KLWM2M_A_RES_MAX + 1];

	memset(rd, 0, sizeof(*rd));
	if (nla_parse_nested(tb, KLWM2M_A_RES_MAX, (struct nlattr *)nest, NULL) ||
	    !tb[KLWM2M_A_RES_ID] || !tb[KLWM2M_A_RES_NAME] || !tb[KLWM2M_A_RES_TYPE])
		return -EBADMSG;
	rd->id = nla_get_u16(tb[KLWM2M_A_RES_ID]);
	nla_strlcpy(rd->name, tb[KLWM2M_A_RES_NAME], sizeof(rd->name));
	rd->type = nla_get_u8(tb[KLWM2M_A_RES_TYPE]);
	if (tb[KLWM2M_A_RES_OPS])
		rd->ops = nla_get_u8(tb[KLWM2M_A_RES_OPS]);
	if (tb[KLWM2M_A_RES_FLAGS])
		rd->flags = nla_get_u32(tb[KLWM2M_A_RES_FLAGS]);
	if (tb[KLWM2M_A_RES_RANGE_MIN] && tb[KLWM2M_A_RES_RANGE_MAX]) {
		rd->has_range = 1;
		rd->min = nla_get_u64(tb[KLWM2M_A_RES_RANGE_MIN]);
		rd->max = nla_get_u64(tb[KLWM2M_A_RES_RANGE_MAX]);
	}
	if (tb[KLWM2M_A_RES_LEN_MIN] && tb[KLWM2M_A_RES_LEN_MAX]) {
		rd->has_len = 1;
		rd->len_min = nla_get_u32(tb[KLWM2M_A_RES_LEN_MIN]);
		rd->len_max = nla_get_u32(tb[KLWM2M_A_RES_LEN_MAX]);
	}
	return 0;
}

/* One OBJ_GET reply: the definition (malloc'd), the owner and the instance count. */
static int parse_object(struct nlattr **tb, const struct nlmsghdr *nlh,
			struct klwm2m_objdef **out, struct klwm2m_owner *owner,
			unsigned int *ninstances)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *a, *attrs = genlmsg_attrdata(g, 0);
	int len = genlmsg_attrlen(g, 0), rem, err;
	struct klwm2m_objdef *def;
	unsigned int n = 0;

	if (!tb[KLWM2M_A_OBJ_ID] || !tb[KLWM2M_A_OBJ_NAME] || !tb[KLWM2M_A_OBJ_MODE] ||
	    !tb[KLWM2M_A_OBJ_UID] || !tb[KLWM2M_A_OBJ_GID] || !tb[KLWM2M_A_OBJ_INSTANCES])
		return -EBADMSG;
	nla_for_each_attr(a, attrs, len, rem)
		n += nla_type(a) == KLWM2M_A_OBJ_RES;
	def = calloc(1, sizeof(*def));
	if (!def || (n && !(def->res = calloc(n, sizeof(*def->res))))) {
		free(def);
		return -ENOMEM;
	}
	def->id = nla_get_u16(tb[KLWM2M_A_OBJ_ID]);
	nla_strlcpy(def->name, tb[KLWM2M_A_OBJ_NAME], sizeof(def->name));
	if (tb[KLWM2M_A_OBJ_VERSION])
		nla_strlcpy(def->version, tb[KLWM2M_A_OBJ_VERSION], sizeof(def->version));
	if (tb[KLWM2M_A_OBJ_FLAGS])
		def->flags = nla_get_u32(tb[KLWM2M_A_OBJ_FLAGS]);
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != KLWM2M_A_OBJ_RES)
			continue;
		err = parse_res(a, &def->res[def->nres]);
		if (err) {
			klwm2m_objdef_free(def);
			return err;
		}
		def->nres++;
	}
	owner->uid = nla_get_u32(tb[KLWM2M_A_OBJ_UID]);
	owner->gid = nla_get_u32(tb[KLWM2M_A_OBJ_GID]);
	owner->mode = nla_get_u16(tb[KLWM2M_A_OBJ_MODE]);
	*ninstances = nla_get_u32(tb[KLWM2M_A_OBJ_INSTANCES]);
	*out = def;
	return 0;
}

struct object_one {
	struct klwm2m_objdef *def;
	struct klwm2m_owner owner;
	unsigned int ninstances;
};

static int parse_one(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	struct object_one *o = arg;

	if (o->def)		/* one reply only */
		return -EBADMSG;
	return parse_object(tb, nlh, &o->def, &o->owner, &o->ninstances);
}

KLWM2M_API int klwm2m_object_get(struct klwm2m *k, uint16_t oid, struct klwm2m_objdef **def,
				 struct klwm2m_owner *owner, unsigned int *ninstances)
{
	struct object_one o = { 0 };
	struct nl_msg *msg;
	int err;

	if (def)
		*def = NULL;
	msg = klwm2m_new_request(k, KLWM2M_CMD_OBJ_GET, 0, 256);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_OBJ_ID, oid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = klwm2m_transact(k, msg, KLWM2M_A_OBJ_MAX, parse_one, &o);
	if (!err && !o.def) {
		klwm2m_set_err(k, "the kernel sent no definition");
		err = -EBADMSG;
	}
	if (err) {
		klwm2m_objdef_free(o.def);
		return err;
	}
	if (owner)
		*owner = o.owner;
	if (ninstances)
		*ninstances = o.ninstances;
	if (def)
		*def = o.def;
	else
		klwm2m_objdef_free(o.def);
	return 0;
}

struct objects_ctx {
	int (*cb)(const struct klwm2m_objdef *def, const struct klwm2m_owner *owner,
		  unsigned int ninstances, void *arg);
	void *arg;
};

static int parse_each(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	struct objects_ctx *c = arg;
	struct klwm2m_objdef *def;
	struct klwm2m_owner owner;
	unsigned int n;
	int err;

	err = parse_object(tb, nlh, &def, &owner, &n);
	if (err)
		return err;
	err = c->cb(def, &owner, n, c->arg);
	klwm2m_objdef_free(def);
	return err;
}

KLWM2M_API int klwm2m_objects(struct klwm2m *k,
			      int (*cb)(const struct klwm2m_objdef *def,
					const struct klwm2m_owner *owner,
					unsigned int ninstances, void *arg),
			      void *arg)
{
	struct objects_ctx c = { .cb = cb, .arg = arg };
	struct nl_msg *msg = klwm2m_new_request(k, KLWM2M_CMD_OBJ_GET, NLM_F_DUMP, 256);
	int intr = 0, err;

	if (!msg)
		return -ENOMEM;
	err = klwm2m_transact_dump(k, msg, KLWM2M_A_OBJ_MAX, parse_each, &c, &intr);
	if (!err && intr) {
		klwm2m_set_err(k, "the dump was interrupted by concurrent changes; dump again");
		return -EAGAIN;
	}
	return err;
}

KLWM2M_API void klwm2m_objdef_free(struct klwm2m_objdef *def)
{
	if (!def)
		return;
	free(def->res);
	free(def);
}
