/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klwm2m: declarations shared by the module's files. Not a user API: that is
 * uapi/linux/klwm2m.h.
 */
#ifndef _KLWM2M_H
#define _KLWM2M_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "exec.h"
#include "observe.h"
#include "store.h"

#define KLWM2M_VERSION "0.1.0"

/* The module's limits, from its parameters, fixed at load time. */
struct klwm2m_limits {
	u32 max_value_size;
	u64 store_budget;
	u32 max_observations;	/* per namespace; attribute sets too */
};

extern struct klwm2m_limits klwm2m_limits;

int klwm2m_limits_check(const struct klwm2m_limits *lim, const char **why);

/* Per network namespace state. */
struct klwm2m_net {
	struct klwm2m_store store;
	struct klwm2m_exec exec;
	struct klwm2m_engine eng;
};

struct klwm2m_net *klwm2m_pernet(const struct net *net);

int klwm2m_info_fill(struct sk_buff *skb, const struct klwm2m_limits *lim,
		     const struct klwm2m_net *kn);

extern struct genl_family klwm2m_family;

/* Multicast groups, in the family's order. */
enum klwm2m_group {
	KLWM2M_GRP_EVENTS,
};

extern const struct nla_policy klwm2m_obj_policy[];
extern const struct nla_policy klwm2m_path_policy[];
extern const struct nla_policy klwm2m_set_policy[];
extern const struct nla_policy klwm2m_value_policy[];

int klwm2m_nl_obj_define_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_obj_undefine_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_inst_create_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_inst_delete_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_set_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_get_start(struct netlink_callback *cb);
int klwm2m_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int klwm2m_nl_get_tree_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_obj_get_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_obj_get_start(struct netlink_callback *cb);
int klwm2m_nl_obj_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int klwm2m_put_path(struct sk_buff *msg, int type, const struct klwm2m_path *p);
int klwm2m_put_value(struct sk_buff *msg, const struct klwm2m_value *v);
int klwm2m_check_path(struct klwm2m_store *st, const struct klwm2m_path *p, bool admin,
		      struct netlink_ext_ack *extack);
void klwm2m_event_path(struct net *net, u32 portid, u8 kind, const struct klwm2m_path *p);
void klwm2m_event_batch(struct net *net, u32 portid, int server,
			const struct klwm2m_set *ops, unsigned int n);

/* A netlink socket of the namespace closed (netlink.c): what it held ends. */
void klwm2m_sock_release(struct net *net, u32 portid);

int klwm2m_genl_init(void);
void klwm2m_genl_exit(void);

int klwm2m_sysfs_init(void);
void klwm2m_sysfs_exit(void);

/*
 * The initial namespace's store under /sys/kernel/klwm2m/ (sysfs.c). The
 * store calls these under its mutex; they do nothing for a store without
 * st->sysfs.
 */
int klwm2m_sysfs_store_add(struct klwm2m_store *st);
void klwm2m_sysfs_store_del(struct klwm2m_store *st);
int klwm2m_sysfs_obj_add(struct klwm2m_store *st, struct klwm2m_obj *obj);
void klwm2m_sysfs_obj_del(struct klwm2m_store *st, struct klwm2m_obj *obj);
int klwm2m_sysfs_inst_add(struct klwm2m_store *st, struct klwm2m_obj *obj,
			  struct klwm2m_inst *inst);
void klwm2m_sysfs_inst_del(struct klwm2m_store *st, struct klwm2m_inst *inst);
int klwm2m_sysfs_multi_add(struct klwm2m_store *st, struct klwm2m_inst *inst,
			   struct klwm2m_multi *m, const struct klwm2m_resdef *rd);
void klwm2m_sysfs_multi_del(struct klwm2m_store *st, struct klwm2m_multi *m);
int klwm2m_sysfs_slot_add(struct klwm2m_store *st, const struct klwm2m_path *p,
			  const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
			  struct klwm2m_multi *m, bool *created);
void klwm2m_sysfs_slot_undo(struct klwm2m_store *st, const struct klwm2m_path *p,
			    const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
			    struct klwm2m_multi *m);
void klwm2m_sysfs_slot_sync(struct klwm2m_store *st, const struct klwm2m_path *p,
			    const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
			    struct klwm2m_multi *m);

/* The text a value's sysfs file shows (sysfs.c). */
int klwm2m_f64_text(u64 bits, char *buf, size_t size);
ssize_t klwm2m_value_text(const struct klwm2m_value *v, char *buf, size_t size);

#endif /* _KLWM2M_H */
