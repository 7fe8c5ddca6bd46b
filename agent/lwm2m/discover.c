// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Discover (LwM2M TS 1.1 Core 6.3.3): GET with Accept 40 at an object, an
 * instance or a resource, answered in CoRE link format with the
 * attributes this server wrote at each listed path (klwm2m_attr_dump()),
 * "dim" for multiple resources and "ver" for an object whose version is
 * not 1.0:
 *   /O      </O>;ver=..., every instance </O/I> and its resources
 *   /O/I    </O/I> and its resources
 *   /O/I/R  </O/I/R>;dim=N and, for a multiple resource, its instances
 * A resource is listed when it holds a value (a multiple one: at least one
 * instance) or is executable (executables never hold one). Secrets are
 * listed too: a path tells nothing of the value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/internal.h"
#include "lwm2m/dm_internal.h"

struct path_attrs {
	struct klwm2m_path path;
	struct klwm2m_attrs a;
};

struct discover {
	struct fmt_link_entry *e;
	size_t n, cap;
	struct path_attrs *pa;
	size_t npa, capa;
};

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return 0;
	if (n >= FMT_MAX_RECORDS)
		return -E2BIG;
	c = *cap ? *cap * 2 : 16;
	q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static int attrs_one(const struct klwm2m_path *path, const struct klwm2m_attrs *a, void *arg)
{
	struct discover *d = arg;
	int err = grow((void **)&d->pa, &d->capa, d->npa, sizeof(*d->pa));

	if (err)
		return err;
	d->pa[d->npa].path = *path;
	d->pa[d->npa].a = *a;
	d->npa++;
	return 0;
}

static int entry_cmp(const void *x, const void *y)
{
	return fmt_path_cmp(&((const struct fmt_link_entry *)x)->path,
			&((const struct fmt_link_entry *)y)->path);
}

static int add_entry(struct discover *d, const struct klwm2m_path *p, const char *version,
		     int dim)
{
	struct fmt_link_entry *e;
	size_t i;
	int err = grow((void **)&d->e, &d->cap, d->n, sizeof(*d->e));

	if (err)
		return err;
	e = &d->e[d->n++];
	memset(e, 0, sizeof(*e));
	e->path = *p;
	e->version = version;
	e->dim = dim;
	for (i = 0; i < d->npa; i++)
		if (!fmt_path_cmp(&d->pa[i].path, p) && d->pa[i].a.set)
			e->attrs = &d->pa[i].a;
	return 0;
}

/*
 * The resources of instance @inst among @recs (the records of that
 * instance: a dump's), all or only @only_rid (>= 0); with its resource
 * instances when @with_ri. Return: how many resources were listed, or -errno.
 */
static int add_resources(struct discover *d, const struct klwm2m_objdef *def,
			 const struct klwm2m_record *recs, size_t n, const struct klwm2m_path *inst,
			 int only_rid, int with_ri)
{
	unsigned int i;
	size_t j;
	int listed = 0, err;

	for (i = 0; i < def->nres; i++) {
		const struct klwm2m_resdef *rd = &def->res[i];
		struct klwm2m_path p = *inst;
		int single = 0, dim = 0;

		if (only_rid >= 0 && rd->id != only_rid)
			continue;
		p.rid = rd->id;
		p.depth = 3;
		for (j = 0; j < n; j++) {
			const struct klwm2m_path *q = &recs[j].path;

			if (q->depth < 3 || q->iid != inst->iid || q->rid != rd->id)
				continue;
			if (q->depth == 3)
				single = 1;
			else
				dim++;
		}
		if (!single && !dim && !(rd->ops & KLWM2M_OP_EXECUTE))
			continue;
		err = add_entry(d, &p, NULL, (rd->flags & KLWM2M_RES_F_MULTIPLE) ? dim : -1);
		if (err)
			return err;
		listed++;
		for (j = 0; with_ri && j < n; j++) {
			const struct klwm2m_path *q = &recs[j].path;

			if (q->depth == 4 && q->iid == inst->iid && q->rid == rd->id) {
				err = add_entry(d, q, NULL, -1);
				if (err)
					return err;
			}
		}
	}
	return listed;
}

static int build(struct dm_req *r, struct discover *d, const struct dm_recs *rs)
{
	const struct klwm2m_path *p = &r->path;
	const char *ver = strcmp(r->def->version, "1.0") && r->def->version[0] ?
			  r->def->version : NULL;
	size_t i, j;
	int err;

	switch (p->depth) {
	case 1:
		err = add_entry(d, p, ver, -1);
		for (i = 0; !err && i < rs->n; i = j) {
			/* an instance record, then its values up to the next one */
			for (j = i + 1; j < rs->n && rs->r[j].kind != KLWM2M_RECORD_INSTANCE; j++)
				;
			if (rs->r[i].kind != KLWM2M_RECORD_INSTANCE)
				continue;
			err = add_entry(d, &rs->r[i].path, NULL, -1);
			if (!err)
				err = add_resources(d, r->def, rs->r + i + 1, j - i - 1,
						    &rs->r[i].path, -1, 0);
		}
		return err < 0 ? err : 0;
	case 2:
		err = add_entry(d, p, NULL, -1);
		if (!err)
			err = add_resources(d, r->def, rs->r, rs->n, p, -1, 0);
		return err < 0 ? err : 0;
	default:
		err = add_resources(d, r->def, rs->r, rs->n, p, p->rid, 1);
		return err < 0 ? err : err == 0 ? -ENOENT : 0;
	}
}

static int paths_only(const struct klwm2m_record *rec, void *arg)
{
	struct klwm2m_record copy = *rec;

	memset(&copy.value, 0, sizeof(copy.value));	/* no bytes to copy */
	copy.kind = rec->kind == KLWM2M_RECORD_INSTANCE ? rec->kind : KLWM2M_RECORD_SECRET;
	return dm_recs_add(arg, &copy);
}

int dm_discover(struct dm_req *r)
{
	struct lwm2m_dm *dm = r->dm;
	struct klwm2m_path where = r->path;
	struct discover d = { 0 };
	struct dm_recs rs = { 0 };
	int err;

	if (r->path.depth == 3) {
		if (!dm_resdef(r->def, r->path.rid))
			return dm_fail(r, -ENOENT, "object %u has no resource %u", r->path.oid,
				       r->path.rid);
		where.depth = 2;	/* executables have no record: ask the instance */
	}
	err = klwm2m_dump(dm->k, &where, paths_only, &rs);
	if (err) {
		dm_recs_free(&rs);
		return dm_fail_kernel(r, err, "discover");
	}
	err = klwm2m_attr_dump(dm->k, r->ssid, &r->path, attrs_one, &d);
	if (!err)
		err = build(r, &d, &rs);
	if (!err) {
		qsort(d.e, d.n, sizeof(*d.e), entry_cmp);
		err = fmt_link_discover(&dm->out, d.e, d.n);
	}
	dm_recs_free(&rs);
	free(d.e);
	free(d.pa);
	if (err == -ENOENT)
		return dm_fail(r, err, "nothing to discover at this path");
	if (err)
		return dm_fail(r, err, "discover: %s", strerror(-err));
	r->resp->code = KCOAP_CONTENT;
	err = kcoap_msg_add_uint(r->resp, KCOAP_OPT_CONTENT_FORMAT, FMT_LINK);
	kcoap_msg_set_payload(r->resp, dm->out.data, dm->out.len);
	return err;
}
