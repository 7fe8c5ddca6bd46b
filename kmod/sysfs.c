// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: read-only inspection under /sys/kernel/klwm2m/ (see
 * docs/ABI/sysfs-kernel-klwm2m).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "klwm2m.h"

static struct kobject *klwm2m_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", KLWM2M_VERSION);
}

static struct kobj_attribute klwm2m_version_attr = __ATTR_RO(version);

static struct attribute *klwm2m_attrs[] = {
	&klwm2m_version_attr.attr,
	NULL,
};

static const struct attribute_group klwm2m_attr_group = {
	.attrs = klwm2m_attrs,
};

int __init klwm2m_sysfs_init(void)
{
	int err;

	klwm2m_kobj = kobject_create_and_add("klwm2m", kernel_kobj);
	if (!klwm2m_kobj)
		return -ENOMEM;

	err = sysfs_create_group(klwm2m_kobj, &klwm2m_attr_group);
	if (err) {
		kobject_put(klwm2m_kobj);
		klwm2m_kobj = NULL;
	}
	return err;
}

void klwm2m_sysfs_exit(void)
{
	sysfs_remove_group(klwm2m_kobj, &klwm2m_attr_group);
	kobject_put(klwm2m_kobj);
}
