// SPDX-License-Identifier: GPL-2.0-only
/* Reads one byte past a heap allocation at load time. */
#include <linux/module.h>
#include <linux/slab.h>

static int inject_index = 64;
module_param(inject_index, int, 0444);

static int __init inject_kasan_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	pr_info("inject_kasan: read %d\n", READ_ONCE(p[inject_index]));
	kfree(p);
	return 0;
}

static void __exit inject_kasan_exit(void)
{
}

module_init(inject_kasan_init);
module_exit(inject_kasan_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klwm2m runner check: an out-of-bounds read");
