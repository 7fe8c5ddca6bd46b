// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: module entry, parameters and per-namespace state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sizes.h>
#include <net/netns/generic.h>
#include <linux/klwm2m.h>

#include "klwm2m.h"

/* Upper bounds a parameter may take, whatever the administrator asks for. */
#define KLWM2M_VALUE_SIZE_CEILING	KLWM2M_VALUE_WIRE_MAX
#define KLWM2M_BUDGET_CEILING		((u64)SZ_1G * 4)

static unsigned int max_value_size = KLWM2M_VALUE_WIRE_MAX;
module_param(max_value_size, uint, 0444);
MODULE_PARM_DESC(max_value_size,
		 "Largest string/opaque/corelnk value in bytes (default and at most 65480, what one netlink attribute carries)");

static unsigned long long store_budget = SZ_16M;
module_param(store_budget, ullong, 0444);
MODULE_PARM_DESC(store_budget,
		 "Memory one network namespace's store may use, in bytes (default 16 MiB, at most 4 GiB)");

static unsigned int max_observations = 65536;
module_param(max_observations, uint, 0444);
MODULE_PARM_DESC(max_observations,
		 "Observations one network namespace may hold, and as many attribute sets (default 65536)");

static unsigned int exec_timeout_ms = 2000;
module_param(exec_timeout_ms, uint, 0444);
MODULE_PARM_DESC(exec_timeout_ms,
		 "How long an execute waits for the owning app's answer before it fails with ETIMEDOUT, in milliseconds (default 2000, 1 to 600000)");

struct klwm2m_limits klwm2m_limits;

/**
 * klwm2m_limits_check() - validate the module's limits
 * @lim: the limits to check
 * @why: set to a human-readable reason when they are refused
 *
 * Return: 0 when @lim is usable, -EINVAL otherwise.
 */
int klwm2m_limits_check(const struct klwm2m_limits *lim, const char **why)
{
	if (!lim->max_value_size) {
		*why = "max_value_size must be at least 1";
		return -EINVAL;
	}
	if (lim->max_value_size > KLWM2M_VALUE_SIZE_CEILING) {
		*why = "max_value_size is above 65480 bytes, what netlink carries";
		return -EINVAL;
	}
	if (lim->store_budget > KLWM2M_BUDGET_CEILING) {
		*why = "store_budget is above 4 GiB";
		return -EINVAL;
	}
	if (lim->store_budget < lim->max_value_size) {
		*why = "store_budget is smaller than max_value_size";
		return -EINVAL;
	}
	return 0;
}

static unsigned int klwm2m_net_id __read_mostly;

struct klwm2m_net *klwm2m_pernet(const struct net *net)
{
	return net_generic(net, klwm2m_net_id);
}

static int __net_init klwm2m_net_init(struct net *net)
{
	struct klwm2m_net *kn = klwm2m_pernet(net);
	int err;

	klwm2m_exec_init(&kn->exec, net, exec_timeout_ms);
	klwm2m_store_init(&kn->store, &klwm2m_limits);
	kn->store.sysfs = net_eq(net, &init_net);
	err = klwm2m_sysfs_store_add(&kn->store);
	if (err)
		return err;
	klwm2m_engine_init(&kn->eng, net, &kn->store);
	return 0;
}

static void __net_exit klwm2m_net_exit(struct net *net)
{
	struct klwm2m_net *kn = klwm2m_pernet(net);

	/*
	 * Observations first: they hold sockets and timers, read the store and
	 * ask owners for samples. Then executes: their timeouts send from the
	 * namespace.
	 */
	klwm2m_engine_destroy(&kn->eng);
	klwm2m_exec_destroy(&kn->exec);
	klwm2m_store_destroy(&kn->store);
}

static struct pernet_operations klwm2m_net_ops = {
	.init = klwm2m_net_init,
	.exit = klwm2m_net_exit,
	.id = &klwm2m_net_id,
	.size = sizeof(struct klwm2m_net),
};

/* Sockets that close end what they held (claims, executes). */
static int klwm2m_netlink_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		klwm2m_sock_release(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block klwm2m_netlink_notifier = {
	.notifier_call = klwm2m_netlink_event,
};

static int __init klwm2m_init(void)
{
	const char *why;
	int err;

	klwm2m_limits.max_value_size = max_value_size;
	klwm2m_limits.store_budget = store_budget;
	klwm2m_limits.max_observations = max_observations;
	err = klwm2m_limits_check(&klwm2m_limits, &why);
	if (err) {
		pr_err("refusing to load: %s\n", why);
		return err;
	}
	err = klwm2m_exec_timeout_check(exec_timeout_ms, &why);
	if (err) {
		pr_err("refusing to load: %s\n", why);
		return err;
	}

	/* /sys/kernel/klwm2m/ first: the initial namespace's store shows in it. */
	err = klwm2m_sysfs_init();
	if (err)
		return err;

	err = klwm2m_exec_module_init();
	if (err)
		goto err_sysfs;

	err = klwm2m_observe_module_init();
	if (err)
		goto err_exec;

	err = register_pernet_subsys(&klwm2m_net_ops);
	if (err)
		goto err_observe;

	err = netlink_register_notifier(&klwm2m_netlink_notifier);
	if (err)
		goto err_pernet;

	err = klwm2m_genl_init();
	if (err)
		goto err_notifier;

	pr_info("version " KLWM2M_VERSION " loaded (ABI %d)\n", KLWM2M_ABI_VERSION);
	return 0;

err_notifier:
	netlink_unregister_notifier(&klwm2m_netlink_notifier);
err_pernet:
	unregister_pernet_subsys(&klwm2m_net_ops);
	rcu_barrier();
err_observe:
	klwm2m_observe_module_exit();
err_exec:
	klwm2m_exec_module_exit();
err_sysfs:
	klwm2m_sysfs_exit();
	return err;
}

static void __exit klwm2m_exit(void)
{
	klwm2m_genl_exit();
	netlink_unregister_notifier(&klwm2m_netlink_notifier);
	/* Takes the initial namespace's store, and its files, down. */
	unregister_pernet_subsys(&klwm2m_net_ops);
	/* Values are freed by RCU callbacks in this module: let them run. */
	rcu_barrier();
	klwm2m_observe_module_exit();
	klwm2m_exec_module_exit();
	klwm2m_sysfs_exit();
}

module_init(klwm2m_init);
module_exit(klwm2m_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The klwm2m developers");
MODULE_DESCRIPTION("OMA LwM2M object store and notification engine");
MODULE_VERSION(KLWM2M_VERSION);
