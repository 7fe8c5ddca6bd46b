// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: read-only inspection under /sys/kernel/klwm2m/ (see
 * docs/ABI/sysfs-kernel-klwm2m).
 *
 *   version
 *   stats/{objects,instances,values,bytes_used}
 *   objects/<oid>/<iid>/<rid>           a single resource's value
 *   objects/<oid>/<iid>/<rid>/<riid>    a multiple resource's instances
 *
 * Only the initial network namespace's store is shown (st->sysfs). The tree
 * mirrors the store: object and instance directories live as long as the
 * object and the instance; a multiple resource's directory as long as its
 * container; a value's file exists while a value is stored at its path.
 * Secret resources never get a file. With sysfs_values=0 no multiple
 * resource directory and no value file is made.
 *
 * Locking: every change here runs under the store's mutex, called from the
 * store's writers (the directories' lists need no lock of their own). A
 * file's show() never takes that mutex: it reads the value under
 * rcu_read_lock(), so removing files under the mutex (which waits for active
 * readers) cannot deadlock.
 *
 * A batch write makes the files it needs before its commit phase and removes
 * them again when it fails (klwm2m_sysfs_slot_add/_undo), so a failure to
 * make a file aborts the batch cleanly; files of values the batch removed go
 * after the commit (klwm2m_sysfs_slot_sync), which cannot fail.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernfs.h>
#include <linux/klwm2m.h>
#include <linux/kobject.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "klwm2m.h"

static bool sysfs_values = true;
module_param(sysfs_values, bool, 0444);
MODULE_PARM_DESC(sysfs_values,
		 "Show each value of the initial namespace's store as a file under /sys/kernel/klwm2m/objects (default on)");

#define F64_SIGN	BIT_ULL(63)
#define F64_EXP		GENMASK_ULL(62, 52)
#define F64_FRAC	GENMASK_ULL(51, 0)
#define F64_QUIET	BIT_ULL(51)

/**
 * klwm2m_f64_text() - an IEEE 754 double as exact text, without the FPU
 * @bits: the double's 64 bits
 * @buf: receives the text, NUL-terminated
 * @size: room at @buf
 *
 * The C99 hexadecimal form glibc's printf("%a") prints, which strtod() reads
 * back to the same bits: [-]0x1.<hex>p<+|-><exp> for normal numbers,
 * [-]0x0.<hex>p-1022 for subnormals, [-]0x0p+0 for zeros, trailing zero
 * digits dropped ("0x1.8p+0" is 1.5, "0x1p+0" is 1). Infinities are "inf" and
 * "-inf"; the default quiet NaN is "nan" (or "-nan"), any other NaN
 * "nan(0x<fraction field in hex>)", so that no two doubles print alike.
 *
 * Return: the text's length (as scnprintf()).
 */
int klwm2m_f64_text(u64 bits, char *buf, size_t size)
{
	const char *sign = bits & F64_SIGN ? "-" : "";
	u64 frac = bits & F64_FRAC;
	unsigned int exp = (bits & F64_EXP) >> 52;
	int digits = 13, e;

	if (exp == 0x7ff) {
		if (!frac)
			return scnprintf(buf, size, "%sinf", sign);
		if (frac == F64_QUIET)
			return scnprintf(buf, size, "%snan", sign);
		return scnprintf(buf, size, "%snan(0x%llx)", sign, frac);
	}
	if (!exp && !frac)
		return scnprintf(buf, size, "%s0x0p+0", sign);
	e = exp ? (int)exp - 1023 : -1022;
	if (!frac)
		return scnprintf(buf, size, "%s0x1p%+d", sign, e);
	while (!(frac & 0xf)) {
		frac >>= 4;
		digits--;
	}
	/* The leading digit is 1 for normal numbers, 0 for subnormals. */
	return scnprintf(buf, size, "%s0x%c.%0*llxp%+d", sign, exp ? '1' : '0', digits, frac, e);
}

/**
 * klwm2m_value_text() - a value in its sysfs text form, with a newline
 * @v: the value
 * @buf: receives the text (not NUL-terminated)
 * @size: room at @buf; the text and its newline must be shorter than that
 *        (a sysfs read returns at most PAGE_SIZE - 1 bytes)
 *
 * INTEGER and TIME in signed decimal, UNSIGNED in decimal, FLOAT as
 * klwm2m_f64_text(), BOOLEAN as 0 or 1, OBJLNK as "OID:IID" in decimal,
 * STRING and CORELNK as they are, OPAQUE in lowercase hex (empty: just the
 * newline).
 *
 * Return: the length written, or -EFBIG when the text does not fit.
 */
ssize_t klwm2m_value_text(const struct klwm2m_value *v, char *buf, size_t size)
{
	/* Scalars load once: a single resource's is rewritten in place. */
	u64 word = READ_ONCE(v->u);
	u32 link = READ_ONCE(v->objlnk);
	char num[40];
	size_t len;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		len = scnprintf(num, sizeof(num), "%lld", (s64)word);
		break;
	case KLWM2M_TYPE_UNSIGNED:
		len = scnprintf(num, sizeof(num), "%llu", word);
		break;
	case KLWM2M_TYPE_FLOAT:
		len = klwm2m_f64_text(word, num, sizeof(num));
		break;
	case KLWM2M_TYPE_BOOLEAN:
		len = scnprintf(num, sizeof(num), "%u", READ_ONCE(v->b) ? 1 : 0);
		break;
	case KLWM2M_TYPE_OBJLNK:
		len = scnprintf(num, sizeof(num), "%u:%u", link >> 16, link & 0xffff);
		break;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_CORELNK:
		if ((size_t)v->len + 1 >= size)
			return -EFBIG;
		memcpy(buf, v->data, v->len);
		buf[v->len] = '\n';
		return v->len + 1;
	case KLWM2M_TYPE_OPAQUE:
		if ((size_t)v->len * 2 + 1 >= size)
			return -EFBIG;
		bin2hex(buf, v->data, v->len);
		buf[v->len * 2] = '\n';
		return v->len * 2 + 1;
	default:
		return -EINVAL;
	}
	if (len + 1 >= size)
		return -EFBIG;
	memcpy(buf, num, len);
	buf[len] = '\n';
	return len + 1;
}

/*
 * A directory: objects/ itself (depth 0), an object (1), an instance (2) or
 * a multiple resource (3). Each knows its children, to take them down.
 */
struct klwm2m_sdir {
	struct kobject kobj;
	struct hlist_node node;		/* in the parent's @dirs */
	struct hlist_head dirs;
	struct hlist_head files;
	u16 oid, iid, rid;
	u8 depth;
	umode_t fmode;			/* of the files below */
};

/* A value's file: a single resource (in an instance) or a resource instance. */
struct klwm2m_sfile {
	struct attribute attr;
	struct hlist_node node;		/* in the directory's @files */
	u16 id;				/* resource or resource-instance ID */
	char name[6];			/* up to "65534" */
};

static struct kobject *klwm2m_kobj;
static struct kmem_cache *sfile_cache;
/* The initial namespace's store while it is shown; files exist only then. */
static struct klwm2m_store *sysfs_st;
static struct klwm2m_sdir *objects_dir;

static struct klwm2m_sdir *to_sdir(struct kobject *kobj)
{
	return container_of(kobj, struct klwm2m_sdir, kobj);
}

static ssize_t sdir_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	const struct klwm2m_sfile *f = container_of(attr, struct klwm2m_sfile, attr);
	const struct klwm2m_sdir *d = to_sdir(kobj);
	struct klwm2m_path p = { .oid = d->oid, .iid = d->iid };
	const struct klwm2m_value *v;
	ssize_t ret;

	if (d->depth == 3) {
		p.rid = d->rid;
		p.riid = f->id;
		p.depth = 4;
	} else {
		p.rid = f->id;
		p.depth = 3;
	}
	rcu_read_lock();
	v = klwm2m_store_get_rcu(sysfs_st, &p);
	if (!v)
		ret = -ENODATA;		/* a batch is making it, or failed to */
	else if (v->secret)
		ret = -EACCES;		/* never made for one; defensive */
	else
		ret = klwm2m_value_text(v, buf, PAGE_SIZE);
	rcu_read_unlock();
	return ret;
}

static const struct sysfs_ops sdir_sysfs_ops = {
	.show = sdir_show,
};

static void sdir_release(struct kobject *kobj)
{
	kfree(to_sdir(kobj));
}

static const struct kobj_type sdir_ktype = {
	.release = sdir_release,
	.sysfs_ops = &sdir_sysfs_ops,
};

static struct klwm2m_sdir *sdir_add(struct klwm2m_sdir *parent, struct kobject *pkobj,
				    const char *name, u16 id)
{
	struct klwm2m_sdir *d = kzalloc(sizeof(*d), GFP_KERNEL);
	int err;

	if (!d)
		return NULL;
	kobject_init(&d->kobj, &sdir_ktype);
	if (parent) {
		d->oid = parent->oid;
		d->iid = parent->iid;
		d->fmode = parent->fmode;
		d->depth = parent->depth + 1;
		pkobj = &parent->kobj;
	}
	switch (d->depth) {
	case 1:
		d->oid = id;
		break;
	case 2:
		d->iid = id;
		break;
	case 3:
		d->rid = id;
		break;
	}
	if (name)
		err = kobject_add(&d->kobj, pkobj, "%s", name);
	else
		err = kobject_add(&d->kobj, pkobj, "%u", id);
	if (err) {
		kobject_put(&d->kobj);
		return NULL;
	}
	if (parent)
		hlist_add_head(&d->node, &parent->dirs);
	return d;
}

/* Takes @d and everything below it down; the caller unlinks @d. */
static void sdir_del(struct klwm2m_sdir *d)
{
	struct klwm2m_sdir *child;
	struct klwm2m_sfile *f;
	struct hlist_node *tmp;

	hlist_for_each_entry_safe(child, tmp, &d->dirs, node)
		sdir_del(child);
	/* Removes the files too, waiting for their readers. */
	kobject_del(&d->kobj);
	hlist_for_each_entry_safe(f, tmp, &d->files, node)
		kmem_cache_free(sfile_cache, f);
	kobject_put(&d->kobj);
}

static void sdir_unlink_del(struct klwm2m_sdir *d)
{
	if (!d)
		return;
	hlist_del(&d->node);
	sdir_del(d);
}

static struct klwm2m_sfile *sfile_find(struct klwm2m_sdir *d, u16 id)
{
	struct klwm2m_sfile *f = NULL;
	struct kernfs_node *kn;
	char name[6];

	snprintf(name, sizeof(name), "%u", id);
	kn = kernfs_find_and_get(d->kobj.sd, name);
	if (kn) {
		/* A sysfs file's kernfs node carries its attribute. */
		if (kernfs_type(kn) == KERNFS_FILE)
			f = container_of((struct attribute *)kn->priv, struct klwm2m_sfile, attr);
		kernfs_put(kn);
	}
	return f;
}

static int sfile_add(struct klwm2m_sdir *d, u16 id)
{
	struct klwm2m_sfile *f = kmem_cache_zalloc(sfile_cache, GFP_KERNEL);
	int err;

	if (!f)
		return -ENOMEM;
	sysfs_attr_init(&f->attr);
	f->id = id;
	snprintf(f->name, sizeof(f->name), "%u", id);
	f->attr.name = f->name;
	f->attr.mode = d->fmode;
	err = sysfs_create_file(&d->kobj, &f->attr);
	if (err) {
		kmem_cache_free(sfile_cache, f);
		return err;
	}
	hlist_add_head(&f->node, &d->files);
	return 0;
}

static void sfile_del(struct klwm2m_sdir *d, struct klwm2m_sfile *f)
{
	sysfs_remove_file(&d->kobj, &f->attr);
	hlist_del(&f->node);
	kmem_cache_free(sfile_cache, f);
}

/**
 * klwm2m_sysfs_obj_add() - the directory of a new object
 * @st: the store, locked
 * @obj: the object, not yet published
 *
 * Return: 0 or -ENOMEM.
 */
int klwm2m_sysfs_obj_add(struct klwm2m_store *st, struct klwm2m_obj *obj)
{
	lockdep_assert_held(&st->lock);
	if (!st->sysfs)
		return 0;
	obj->sdir = sdir_add(objects_dir, NULL, NULL, obj->def.id);
	if (!obj->sdir)
		return -ENOMEM;
	/* Values are as readable as the object's mode lets everyone read it. */
	obj->sdir->fmode = obj->def.mode & 0004 ? 0444 : 0400;
	return 0;
}

void klwm2m_sysfs_obj_del(struct klwm2m_store *st, struct klwm2m_obj *obj)
{
	lockdep_assert_held(&st->lock);
	sdir_unlink_del(obj->sdir);
	obj->sdir = NULL;
}

/**
 * klwm2m_sysfs_inst_add() - the directory of a new instance
 * @st: the store, locked
 * @obj: its object
 * @inst: the instance, with its ID
 *
 * Return: 0 or -ENOMEM.
 */
int klwm2m_sysfs_inst_add(struct klwm2m_store *st, struct klwm2m_obj *obj,
			  struct klwm2m_inst *inst)
{
	lockdep_assert_held(&st->lock);
	if (!st->sysfs || !obj->sdir)
		return 0;
	inst->sdir = sdir_add(obj->sdir, NULL, NULL, inst->id);
	return inst->sdir ? 0 : -ENOMEM;
}

/* The instance's directory and everything in it. */
void klwm2m_sysfs_inst_del(struct klwm2m_store *st, struct klwm2m_inst *inst)
{
	lockdep_assert_held(&st->lock);
	sdir_unlink_del(inst->sdir);
	inst->sdir = NULL;
}

/**
 * klwm2m_sysfs_multi_add() - the directory of a new multiple resource container
 * @st: the store, locked
 * @inst: its instance
 * @m: the container
 * @rd: its resource
 *
 * Return: 0 or -ENOMEM.
 */
int klwm2m_sysfs_multi_add(struct klwm2m_store *st, struct klwm2m_inst *inst,
			   struct klwm2m_multi *m, const struct klwm2m_resdef *rd)
{
	lockdep_assert_held(&st->lock);
	m->sdir = NULL;
	if (!st->sysfs || !sysfs_values || !inst->sdir || (rd->flags & KLWM2M_RES_SECRET))
		return 0;
	m->sdir = sdir_add(inst->sdir, NULL, NULL, rd->id);
	return m->sdir ? 0 : -ENOMEM;
}

void klwm2m_sysfs_multi_del(struct klwm2m_store *st, struct klwm2m_multi *m)
{
	lockdep_assert_held(&st->lock);
	sdir_unlink_del(m->sdir);
	m->sdir = NULL;
}

/* The directory a path's file lives in, or NULL when it has no file. */
static struct klwm2m_sdir *slot_dir(struct klwm2m_store *st, const struct klwm2m_path *p,
				    const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
				    struct klwm2m_multi *m)
{
	if (!st->sysfs || !sysfs_values || (rd->flags & KLWM2M_RES_SECRET))
		return NULL;
	return p->depth == 4 ? (m ? m->sdir : NULL) : inst->sdir;
}

static u16 slot_id(const struct klwm2m_path *p)
{
	return p->depth == 4 ? p->riid : p->rid;
}

/**
 * klwm2m_sysfs_slot_add() - make the file a batch entry's value needs
 * @st: the store, locked; before the batch's commit
 * @p: the entry's path (depth 3 or 4)
 * @rd: its resource
 * @inst: its instance
 * @m: the multiple resource's container (depth 4)
 * @created: set when this call made the file (the batch undoes it on failure)
 *
 * Until the value is committed the file reads as -ENODATA.
 *
 * Return: 0 or -ENOMEM.
 */
int klwm2m_sysfs_slot_add(struct klwm2m_store *st, const struct klwm2m_path *p,
			  const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
			  struct klwm2m_multi *m, bool *created)
{
	struct klwm2m_sdir *d = slot_dir(st, p, rd, inst, m);
	int err;

	lockdep_assert_held(&st->lock);
	*created = false;
	if (!d || sfile_find(d, slot_id(p)))
		return 0;
	err = sfile_add(d, slot_id(p));
	*created = !err;
	return err;
}

/* Removes a file klwm2m_sysfs_slot_add() made for a batch that failed. */
void klwm2m_sysfs_slot_undo(struct klwm2m_store *st, const struct klwm2m_path *p,
			    const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
			    struct klwm2m_multi *m)
{
	struct klwm2m_sdir *d = slot_dir(st, p, rd, inst, m);
	struct klwm2m_sfile *f;

	lockdep_assert_held(&st->lock);
	f = d ? sfile_find(d, slot_id(p)) : NULL;
	if (f)
		sfile_del(d, f);
}

/**
 * klwm2m_sysfs_slot_sync() - after a commit, drop the files of removed values
 * @st: the store, locked; after the batch's commit
 * @p: a batch entry's path: a deleted resource instance (depth 4) or a
 *     cleared multiple resource (depth 3)
 * @rd: its resource
 * @inst: its instance
 * @m: the multiple resource's container
 */
void klwm2m_sysfs_slot_sync(struct klwm2m_store *st, const struct klwm2m_path *p,
			    const struct klwm2m_resdef *rd, struct klwm2m_inst *inst,
			    struct klwm2m_multi *m)
{
	struct klwm2m_path rp = *p;
	struct klwm2m_sdir *d;
	struct klwm2m_sfile *f;
	struct hlist_node *tmp;

	lockdep_assert_held(&st->lock);
	rp.depth = 4;
	d = slot_dir(st, &rp, rd, inst, m);
	if (!d)
		return;
	if (p->depth == 4) {
		f = xa_load(&m->ris, p->riid) ? NULL : sfile_find(d, p->riid);
		if (f)
			sfile_del(d, f);
		return;
	}
	hlist_for_each_entry_safe(f, tmp, &d->files, node)
		if (!xa_load(&m->ris, f->id))
			sfile_del(d, f);
}

/* stats/: the store's counts. */
static ssize_t objects_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(sysfs_st->nobjs));
}

static ssize_t instances_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(sysfs_st->ninsts));
}

static ssize_t values_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(sysfs_st->nvalues));
}

static ssize_t bytes_used_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(sysfs_st->used));
}

static struct kobj_attribute stats_objects_attr = __ATTR_RO(objects);
static struct kobj_attribute stats_instances_attr = __ATTR_RO(instances);
static struct kobj_attribute stats_values_attr = __ATTR_RO(values);
static struct kobj_attribute stats_bytes_used_attr = __ATTR_RO(bytes_used);

static struct attribute *stats_attrs[] = {
	&stats_objects_attr.attr,
	&stats_instances_attr.attr,
	&stats_values_attr.attr,
	&stats_bytes_used_attr.attr,
	NULL,
};

static const struct attribute_group stats_group = {
	.name = "stats",
	.attrs = stats_attrs,
};

/**
 * klwm2m_sysfs_store_add() - show the initial namespace's store
 * @st: the store, empty, with st->sysfs set
 *
 * Return: 0 or -errno.
 */
int klwm2m_sysfs_store_add(struct klwm2m_store *st)
{
	int err;

	if (!st->sysfs)
		return 0;
	if (WARN_ON_ONCE(sysfs_st))
		return -EBUSY;
	sysfs_st = st;
	err = sysfs_create_group(klwm2m_kobj, &stats_group);
	if (err)
		goto err_st;
	objects_dir = sdir_add(NULL, klwm2m_kobj, "objects", 0);
	if (!objects_dir) {
		err = -ENOMEM;
		goto err_group;
	}
	return 0;

err_group:
	sysfs_remove_group(klwm2m_kobj, &stats_group);
err_st:
	sysfs_st = NULL;
	return err;
}

/* Takes everything under objects/ and stats/ down (namespace exit). */
void klwm2m_sysfs_store_del(struct klwm2m_store *st)
{
	lockdep_assert_held(&st->lock);
	if (!st->sysfs || st != sysfs_st)
		return;
	sdir_del(objects_dir);
	objects_dir = NULL;
	sysfs_remove_group(klwm2m_kobj, &stats_group);
	sysfs_st = NULL;
}

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

/* Before any store exists: /sys/kernel/klwm2m/ and its version. */
int __init klwm2m_sysfs_init(void)
{
	int err;

	sfile_cache = KMEM_CACHE(klwm2m_sfile, 0);
	if (!sfile_cache)
		return -ENOMEM;
	klwm2m_kobj = kobject_create_and_add("klwm2m", kernel_kobj);
	if (!klwm2m_kobj) {
		err = -ENOMEM;
		goto err_cache;
	}
	err = sysfs_create_group(klwm2m_kobj, &klwm2m_attr_group);
	if (err)
		goto err_kobj;
	return 0;

err_kobj:
	kobject_put(klwm2m_kobj);
	klwm2m_kobj = NULL;
err_cache:
	kmem_cache_destroy(sfile_cache);
	return err;
}

/* After every store is gone. */
void klwm2m_sysfs_exit(void)
{
	sysfs_remove_group(klwm2m_kobj, &klwm2m_attr_group);
	kobject_put(klwm2m_kobj);
	kmem_cache_destroy(sfile_cache);
}
