// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leaks eight allocations at load time. Their addresses are kept only in a
 * table that is then freed, so at most the last one can survive as a stale
 * copy on a stack. They are zeroed: an uninitialised object still holds the
 * allocator's free pointer to the next object, and one stale reference to
 * the first would keep the whole chain "reachable" for kmemleak.
 */
#include <linux/module.h>
#include <linux/slab.h>

#define INJECT_LEAKS 8

static int __init inject_leak_init(void)
{
	void **table = kcalloc(INJECT_LEAKS, sizeof(*table), GFP_KERNEL);
	int i;

	if (!table)
		return -ENOMEM;
	for (i = 0; i < INJECT_LEAKS; i++)
		table[i] = kzalloc(123, GFP_KERNEL);
	kfree(table);
	return 0;
}

static void __exit inject_leak_exit(void)
{
}

module_init(inject_leak_init);
module_exit(inject_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klwm2m runner check: memory leaks");
