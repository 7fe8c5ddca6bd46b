// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: the generic netlink family. The commands and their attributes are
 * specified in uapi/linux/klwm2m.h; this file only implements them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/klwm2m.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "klwm2m.h"

static const char klwm2m_reply_only[] = "reply-only attribute: INFO takes no attributes";

#define KLWM2M_REPLY_ONLY { .type = NLA_REJECT, .reject_message = klwm2m_reply_only }

static const struct nla_policy klwm2m_info_policy[KLWM2M_A_INFO_MAX + 1] = {
	[KLWM2M_A_INFO_PAD]		= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_ABI_VERSION]	= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_MODULE_VERSION]	= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_MAX_VALUE_SIZE]	= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_STORE_BUDGET]	= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_STORE_USED]	= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_MAX_ID]		= KLWM2M_REPLY_ONLY,
	[KLWM2M_A_INFO_MAX_DEPTH]	= KLWM2M_REPLY_ONLY,
};

/**
 * klwm2m_info_fill() - put the INFO reply attributes into a message
 * @skb: the message, with its genetlink header already in place
 * @lim: the module's limits
 * @kn: the requesting namespace's state
 *
 * Return: 0, or -EMSGSIZE when @skb has no room left.
 */
int klwm2m_info_fill(struct sk_buff *skb, const struct klwm2m_limits *lim,
		     const struct klwm2m_net *kn)
{
	if (nla_put_u32(skb, KLWM2M_A_INFO_ABI_VERSION, KLWM2M_ABI_VERSION) ||
	    nla_put_string(skb, KLWM2M_A_INFO_MODULE_VERSION, KLWM2M_VERSION) ||
	    nla_put_u32(skb, KLWM2M_A_INFO_MAX_VALUE_SIZE, lim->max_value_size) ||
	    nla_put_u64_64bit(skb, KLWM2M_A_INFO_STORE_BUDGET, lim->store_budget,
			      KLWM2M_A_INFO_PAD) ||
	    nla_put_u64_64bit(skb, KLWM2M_A_INFO_STORE_USED, READ_ONCE(kn->store.used),
			      KLWM2M_A_INFO_PAD) ||
	    nla_put_u16(skb, KLWM2M_A_INFO_MAX_ID, KLWM2M_ID_MAX) ||
	    nla_put_u8(skb, KLWM2M_A_INFO_MAX_DEPTH, KLWM2M_PATH_DEPTH_MAX))
		return -EMSGSIZE;
	return 0;
}

static int klwm2m_nl_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct klwm2m_net *kn = klwm2m_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &klwm2m_family, 0, KLWM2M_CMD_INFO);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = klwm2m_info_fill(msg, &klwm2m_limits, kn);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_ops klwm2m_genl_ops[] = {
	{
		.cmd = KLWM2M_CMD_INFO,
		.doit = klwm2m_nl_info_doit,
		.policy = klwm2m_info_policy,
		.maxattr = KLWM2M_A_INFO_MAX,
	},
	{
		.cmd = KLWM2M_CMD_OBJ_DEFINE,
		.doit = klwm2m_nl_obj_define_doit,
		.policy = klwm2m_obj_policy,
		.maxattr = KLWM2M_A_OBJ_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KLWM2M_CMD_OBJ_UNDEFINE,
		.doit = klwm2m_nl_obj_undefine_doit,
		.policy = klwm2m_obj_policy,
		.maxattr = KLWM2M_A_OBJ_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* Admin or the object's owner: checked by the handler. */
		.cmd = KLWM2M_CMD_INST_CREATE,
		.doit = klwm2m_nl_inst_create_doit,
		.policy = klwm2m_path_policy,
		.maxattr = KLWM2M_A_PATH_MAX,
	},
	{
		.cmd = KLWM2M_CMD_INST_DELETE,
		.doit = klwm2m_nl_inst_delete_doit,
		.policy = klwm2m_path_policy,
		.maxattr = KLWM2M_A_PATH_MAX,
	},
	{
		/* Per object mode: checked by the handler. */
		.cmd = KLWM2M_CMD_SET,
		.doit = klwm2m_nl_set_doit,
		.policy = klwm2m_set_policy,
		.maxattr = KLWM2M_A_SET_MAX,
	},
	{
		.cmd = KLWM2M_CMD_GET,
		.doit = klwm2m_nl_get_doit,
		.start = klwm2m_nl_get_start,
		.dumpit = klwm2m_nl_get_dumpit,
		.policy = klwm2m_value_policy,
		.maxattr = KLWM2M_A_VALUE_MAX,
	},
	{
		.cmd = KLWM2M_CMD_GET_TREE,
		.doit = klwm2m_nl_get_tree_doit,
		.policy = klwm2m_value_policy,
		.maxattr = KLWM2M_A_VALUE_MAX,
	},
	{
		.cmd = KLWM2M_CMD_OBJ_GET,
		.doit = klwm2m_nl_obj_get_doit,
		.start = klwm2m_nl_obj_get_start,
		.dumpit = klwm2m_nl_obj_get_dumpit,
		.policy = klwm2m_obj_policy,
		.maxattr = KLWM2M_A_OBJ_MAX,
	},
	{
		.cmd = KLWM2M_CMD_ATTR_SET,
		.doit = klwm2m_nl_attr_set_doit,
		.policy = klwm2m_attr_policy,
		.maxattr = KLWM2M_A_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* Read permission on the object: checked by the handlers. */
		.cmd = KLWM2M_CMD_ATTR_GET,
		.doit = klwm2m_nl_attr_get_doit,
		.start = klwm2m_nl_attr_get_start,
		.dumpit = klwm2m_nl_attr_get_dumpit,
		.policy = klwm2m_attr_policy,
		.maxattr = KLWM2M_A_ATTR_MAX,
	},
	{
		.cmd = KLWM2M_CMD_SERVER_SET,
		.doit = klwm2m_nl_server_set_doit,
		.policy = klwm2m_server_policy,
		.maxattr = KLWM2M_A_SERVER_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KLWM2M_CMD_OBS_CREATE,
		.doit = klwm2m_nl_obs_create_doit,
		.policy = klwm2m_obs_policy,
		.maxattr = KLWM2M_A_OBS_MAX,
	},
	{
		.cmd = KLWM2M_CMD_OBS_CANCEL,
		.doit = klwm2m_nl_obs_cancel_doit,
		.policy = klwm2m_obs_policy,
		.maxattr = KLWM2M_A_OBS_MAX,
	},
	{
		.cmd = KLWM2M_CMD_OBS_GET,
		.start = klwm2m_nl_obs_get_start,
		.dumpit = klwm2m_nl_obs_get_dumpit,
		.policy = klwm2m_obs_policy,
		.maxattr = KLWM2M_A_OBS_MAX,
	},
	{
		.cmd = KLWM2M_CMD_OBS_RESYNC,
		.doit = klwm2m_nl_obs_resync_doit,
		.policy = klwm2m_obs_policy,
		.maxattr = KLWM2M_A_OBS_MAX,
	},
	{
		/* Write permission on the object: checked by the handler. */
		.cmd = KLWM2M_CMD_OWN,
		.doit = klwm2m_nl_own_doit,
		.policy = klwm2m_own_policy,
		.maxattr = KLWM2M_A_OWN_MAX,
	},
	{
		.cmd = KLWM2M_CMD_DISOWN,
		.doit = klwm2m_nl_disown_doit,
		.policy = klwm2m_own_policy,
		.maxattr = KLWM2M_A_OWN_MAX,
	},
	{
		.cmd = KLWM2M_CMD_EXEC,
		.doit = klwm2m_nl_exec_doit,
		.policy = klwm2m_exec_policy,
		.maxattr = KLWM2M_A_EXEC_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* The socket the request went to: checked by the handler. */
		.cmd = KLWM2M_CMD_EXEC_DONE,
		.doit = klwm2m_nl_exec_done_doit,
		.policy = klwm2m_exec_done_policy,
		.maxattr = KLWM2M_A_EXEC_MAX,
	},
};

static const struct genl_multicast_group klwm2m_mcgrps[] = {
	[KLWM2M_GRP_EVENTS] = { .name = KLWM2M_MCGRP_EVENTS },
};

struct genl_family klwm2m_family __ro_after_init = {
	.name = KLWM2M_GENL_NAME,
	.version = KLWM2M_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	/* Every command is new: header checks and policies apply to all. */
	.resv_start_op = 0,
	.module = THIS_MODULE,
	.ops = klwm2m_genl_ops,
	.n_ops = ARRAY_SIZE(klwm2m_genl_ops),
	.mcgrps = klwm2m_mcgrps,
	.n_mcgrps = ARRAY_SIZE(klwm2m_mcgrps),
};

/**
 * klwm2m_sock_release() - a netlink socket of a namespace closed
 * @net: its namespace
 * @portid: its port ID
 *
 * Called from the NETLINK_URELEASE notifier, for generic netlink sockets
 * only, before the socket is freed. What it held ends: observations, claims,
 * executes.
 */
void klwm2m_sock_release(struct net *net, u32 portid)
{
	struct klwm2m_net *kn = klwm2m_pernet(net);

	klwm2m_obs_release(&kn->eng, portid);
	klwm2m_exec_release(&kn->exec, portid);
}

int __init klwm2m_genl_init(void)
{
	return genl_register_family(&klwm2m_family);
}

void klwm2m_genl_exit(void)
{
	genl_unregister_family(&klwm2m_family);
}

MODULE_ALIAS_GENL_FAMILY(KLWM2M_GENL_NAME);
