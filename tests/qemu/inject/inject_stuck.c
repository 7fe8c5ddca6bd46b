// SPDX-License-Identifier: GPL-2.0-only
/* Cannot be unloaded: it holds a reference to itself. */
#include <linux/module.h>

static int __init inject_stuck_init(void)
{
	__module_get(THIS_MODULE);
	return 0;
}

static void __exit inject_stuck_exit(void)
{
}

module_init(inject_stuck_init);
module_exit(inject_stuck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klwm2m runner check: a module that will not unload");
