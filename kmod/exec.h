/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klwm2m: apps that own objects and instances, and what reaches them (exec.c):
 * executes (EXEC, EXEC_REQUEST, EXEC_DONE, EXEC_RESULT), the writes servers
 * make (unicast EVENT) and SAMPLE requests.
 */
#ifndef _KLWM2M_EXEC_H
#define _KLWM2M_EXEC_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

struct klwm2m_path;
struct klwm2m_set;
struct net;
struct sock;

/* A netlink socket: its port ID, and the socket itself to tell reuses of the ID apart. */
struct klwm2m_port {
	u32 portid;
	const struct sock *sk;
};

/* One network namespace's claims and pending executes. */
struct klwm2m_exec {
	struct mutex lock;	/* serialises changes to both tables */
	struct xarray owners;	/* claim key -> struct klwm2m_claim; RCU readers */
	struct xarray pending;	/* execute ID -> struct klwm2m_pending; under lock */
	u32 next_id;		/* the ID allocator's cursor, under lock */
	unsigned long timeout;	/* exec_timeout_ms in jiffies */
	struct net *net;
};

int klwm2m_exec_module_init(void);
void klwm2m_exec_module_exit(void);
int klwm2m_exec_timeout_check(unsigned int ms, const char **why);
void klwm2m_exec_init(struct klwm2m_exec *ex, struct net *net, unsigned int timeout_ms);
void klwm2m_exec_destroy(struct klwm2m_exec *ex);
void klwm2m_exec_release(struct klwm2m_exec *ex, u32 portid);

int klwm2m_exec_own(struct klwm2m_exec *ex, u16 oid, int iid, const struct klwm2m_port *port,
		    struct netlink_ext_ack *extack);
int klwm2m_exec_disown(struct klwm2m_exec *ex, u16 oid, int iid, const struct klwm2m_port *port,
		       struct netlink_ext_ack *extack);
int klwm2m_exec_sample(struct net *net, const struct klwm2m_path *p);
void klwm2m_exec_writes(struct net *net, u32 portid, int server,
			const struct klwm2m_set *ops, unsigned int n);

extern const struct nla_policy klwm2m_own_policy[];
extern const struct nla_policy klwm2m_exec_policy[];
extern const struct nla_policy klwm2m_exec_done_policy[];

int klwm2m_nl_own_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_disown_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_exec_doit(struct sk_buff *skb, struct genl_info *info);
int klwm2m_nl_exec_done_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _KLWM2M_EXEC_H */
