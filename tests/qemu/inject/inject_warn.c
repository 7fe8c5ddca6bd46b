// SPDX-License-Identifier: GPL-2.0-only
/* Triggers one WARN at load time. */
#include <linux/bug.h>
#include <linux/module.h>

static int inject_always = 1;
module_param(inject_always, int, 0444);

static int __init inject_warn_init(void)
{
	WARN(inject_always, "klwm2m runner check: deliberate warning\n");
	return 0;
}

static void __exit inject_warn_exit(void)
{
}

module_init(inject_warn_init);
module_exit(inject_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klwm2m runner check: a kernel warning");
