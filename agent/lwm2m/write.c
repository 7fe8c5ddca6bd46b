// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The operations that change the store (LwM2M TS 1.1 Core 6.3.2, 6.3.4,
 * 6.3.6, 6.3.7): Write (replace with PUT, partial update with POST to an
 * instance), Write-Attributes, Create, Delete.
 *
 * A payload is decoded completely (formats.h: nothing is delivered from a
 * payload with an error in it) into one libklwm2m batch written on behalf
 * of the server (klwm2m_batch_set_server()), so the kernel applies it
 * atomically, checks the Write operation of every resource and tells the
 * owning app that a server wrote. On any error nothing is written.
 *
 * Replace: a multiple resource in the payload is cleared first and then
 * holds exactly the instances written (unless the path is one resource
 * instance). Resources the payload does not name keep their values: the
 * kernel has no way to remove a single resource's value, and the TS leaves
 * the rest of an instance to the client's discretion in 1.1.
 *
 * Create: the instance named in the payload, or the lowest free one; its
 * values in one batch after the instance exists; when the batch fails the
 * instance is deleted again, so the store is as before. A resource without
 * the Write operation in a Create is a bad request (4.00), in a Write an
 * operation not allowed (4.05). So is a Create that leaves out a mandatory
 * resource a server can write (TS 1.1 Core 6.3.7, "Mandatory Resources are
 * not specified"): the app fills the read-only ones, the server must give
 * the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/attrs.h"
#include "formats/internal.h"
#include "lwm2m/dm_internal.h"

struct wctx {
	struct dm_req *r;
	struct klwm2m_batch *b;
	int replace;			/* clear multiple resources before their instances */
	int create;			/* the payload creates instance @iid */
	uint16_t iid;
	struct klwm2m_path cleared;	/* the last multiple resource cleared */
	unsigned int ninst;		/* instance records seen (create, first pass) */
	int inst_iid;			/* the payload's instance, -1: none named */
	unsigned char *named;		/* create: per resdef, whether the payload has it */
	struct fmt_diag why;
};

static int w_type(const struct klwm2m_path *res, uint8_t *type, int *multiple, void *arg)
{
	struct wctx *w = arg;
	const struct klwm2m_resdef *rd = dm_resdef(w->r->def, res->rid);

	if (!rd)
		return -ENOENT;
	*type = rd->type;
	*multiple = !!(rd->flags & KLWM2M_RES_F_MULTIPLE);
	return 0;
}

static int w_clear(struct wctx *w, const struct klwm2m_path *p)
{
	struct klwm2m_path res = *p;

	res.depth = 3;
	if (w->cleared.depth == 3 && w->cleared.iid == res.iid && w->cleared.rid == res.rid)
		return 0;
	w->cleared = res;
	return klwm2m_batch_delete(w->b, &res);
}

static int w_record(const struct klwm2m_record *rec, void *arg)
{
	struct wctx *w = arg;
	const struct klwm2m_resdef *rd;
	struct klwm2m_path p = rec->path;
	int err;

	if (rec->kind == KLWM2M_RECORD_INSTANCE) {
		if (!w->create)
			return fmt_fail(&w->why, -EBADMSG, "an instance where values belong");
		return 0;
	}
	if (w->create)
		p.iid = w->iid;
	rd = dm_resdef(w->r->def, p.rid);
	if (!rd)
		return fmt_fail(&w->why, -ENOENT, "no resource %u", p.rid);
	if (!(rd->ops & KLWM2M_OP_WRITE))
		return fmt_fail(&w->why, w->create ? -EINVAL : -EPERM,
				  "resource %u is not writable", p.rid);
	if (rec->kind == FMT_RECORD_MULTIPLE)
		return w->replace ? w_clear(w, &p) : 0;
	if (p.depth == 4 && w->replace) {
		err = w_clear(w, &p);
		if (err)
			return err;
	}
	return klwm2m_batch_add(w->b, &p, &rec->value);
}

/* First pass of a Create: which instance the payload names. */
static int w_count(const struct klwm2m_record *rec, void *arg)
{
	struct wctx *w = arg;
	const struct klwm2m_resdef *rd;

	if (rec->kind != KLWM2M_RECORD_INSTANCE) {
		rd = w->named ? dm_resdef(w->r->def, rec->path.rid) : NULL;
		if (rd)
			w->named[rd - w->r->def->res] = 1;
		return 0;
	}
	if (++w->ninst > 1)
		return fmt_fail(&w->why, -EBADMSG, "one instance per Create");
	w->inst_iid = rec->path.iid == KLWM2M_ID_NONE ? -1 : rec->path.iid;
	return 0;
}

/* The request's Content-Format, checked against the path. 0 or an answer. */
static int content_format(struct dm_req *r, int *cf, int *answered)
{
	const struct klwm2m_resdef *rd = NULL;
	uint32_t v;
	int err;

	*answered = 1;
	err = kcoap_msg_get_uint(r->req->msg, KCOAP_OPT_CONTENT_FORMAT, &v);
	if (err == -ENOENT)
		return dm_fail(r, -EBADMSG, "a payload needs a Content-Format");
	if (err || v > 65535)
		return dm_fail(r, -EOPNOTSUPP, "unknown Content-Format");
	if (r->path.depth >= 3) {
		rd = dm_resdef(r->def, r->path.rid);
		if (!rd)
			return dm_fail(r, -ENOENT, "object %u has no resource %u", r->path.oid,
				       r->path.rid);
	}
	err = fmt_can_write((int)v, &r->path, rd ? rd->type : 0,
			    rd ? !!(rd->flags & KLWM2M_RES_F_MULTIPLE) : 0);
	if (err)
		return dm_fail(r, err, "Content-Format %u (%s) cannot write here", v,
			       fmt_name((int)v));
	*cf = (int)v;
	*answered = 0;
	return 0;
}

/* Decode the body with @record into a batch and commit it for the server. */
static int write_batch(struct wctx *w, int cf, int (*record)(const struct klwm2m_record *, void *),
		       const struct klwm2m_path *base)
{
	struct dm_req *r = w->r;
	struct fmt_decoder dec = { .type = w_type, .record = record, .arg = w };
	int err;

	err = klwm2m_batch_new(r->dm->k, &w->b);
	if (err)
		return fmt_fail(&w->why, err, "out of memory");
	err = fmt_decode(cf, base, r->req->body, r->req->body_len, &dec, &w->why);
	if (!err && klwm2m_batch_count(w->b)) {
		err = klwm2m_batch_set_server(w->b, r->ssid);
		if (!err)
			err = klwm2m_batch_commit(w->b);
		if (err)
			fmt_fail(&w->why, err, "%s", klwm2m_errmsg(r->dm->k)[0] ?
				   klwm2m_errmsg(r->dm->k) : klwm2m_strerror(err));
	}
	klwm2m_batch_free(w->b);
	w->b = NULL;
	return err;
}

int dm_write(struct dm_req *r, int replace)
{
	struct wctx w = { .r = r, .replace = replace && r->path.depth <= 3 };
	int cf, answered, err;

	if (!r->req->body_len)
		return dm_fail(r, -EBADMSG, "a Write without payload");
	err = content_format(r, &cf, &answered);
	if (answered)
		return err;
	err = write_batch(&w, cf, w_record, &r->path);
	if (err)
		return dm_fail(r, err, "%s", w.why.msg);
	r->resp->code = KCOAP_CHANGED;
	return 0;
}

int dm_write_attrs(struct dm_req *r)
{
	const struct kcoap_msg *m = r->req->msg;
	struct klwm2m_attrs set = { 0 };
	const struct kcoap_opt *o;
	struct fmt_diag why;
	uint32_t clear = 0;
	int err;

	for (o = kcoap_opt_first(m, KCOAP_OPT_URI_QUERY); o; o = kcoap_opt_next(m, o)) {
		err = lwm2m_attrs_query(&set, &clear, kcoap_opt_val(o), o->len, &why);
		if (err)
			return dm_fail(r, err, "%s", why.msg);
	}
	err = klwm2m_attr_set(r->dm->k, r->ssid, &r->path, &set, clear);
	if (err)
		return dm_fail_kernel(r, err, "write-attributes");
	r->resp->code = KCOAP_CHANGED;
	return 0;
}

/* Whether @rd must be in a Create's payload: mandatory, and the server may write it. */
static int create_needs(const struct klwm2m_resdef *rd)
{
	return (rd->flags & KLWM2M_RES_F_MANDATORY) && (rd->ops & KLWM2M_OP_WRITE);
}

/*
 * First pass of a Create: the payload's instance, and whether it has every
 * resource create_needs(). 0, or 1 with the request answered.
 */
static int create_check(struct wctx *w, int cf)
{
	const struct klwm2m_objdef *def = w->r->def;
	struct fmt_decoder dec = { .type = w_type, .record = w_count, .arg = w };
	unsigned int i, need = 0;
	int err = 0;

	for (i = 0; i < def->nres; i++)
		need += create_needs(&def->res[i]);
	if (need && w->r->req->body_len) {
		w->named = calloc(def->nres, 1);
		if (!w->named) {
			dm_fail(w->r, -ENOMEM, "out of memory");
			return 1;
		}
	}
	if (w->r->req->body_len)
		err = fmt_decode(cf, &w->r->path, w->r->req->body, w->r->req->body_len, &dec,
				 &w->why);
	if (err) {
		dm_fail(w->r, err, "%s", w->why.msg);
		err = 1;
	} else if (need) {
		for (i = 0; i < def->nres; i++) {
			if (create_needs(&def->res[i]) && !(w->named && w->named[i])) {
				dm_fail(w->r, -EINVAL,
					"mandatory resource %u (%s) is missing from the Create",
					def->res[i].id, def->res[i].name);
				err = 1;
				break;
			}
		}
	}
	free(w->named);
	w->named = NULL;
	return err;
}

int dm_create(struct dm_req *r)
{
	struct lwm2m_dm *dm = r->dm;
	struct wctx w = { .r = r, .create = 1, .inst_iid = -1 };
	struct klwm2m_path inst = r->path;
	int cf = -1, answered, err;

	if (r->req->body_len) {
		err = content_format(r, &cf, &answered);
		if (answered)
			return err;
	}
	if (create_check(&w, cf))
		return 0;	/* answered */
	err = klwm2m_create(dm->k, r->path.oid, w.inst_iid, &w.iid);
	if (err)
		return dm_fail_kernel(r, err, "create");
	if (r->req->body_len) {
		err = write_batch(&w, cf, w_record, &r->path);
		if (err) {
			klwm2m_delete(dm->k, r->path.oid, w.iid);
			return dm_fail(r, err, "%s", w.why.msg);
		}
	}
	inst.iid = w.iid;
	inst.depth = 2;
	snprintf(dm->location, sizeof(dm->location), "/%u/%u", inst.oid, inst.iid);
	r->resp->code = KCOAP_CREATED;
	return kcoap_msg_add_path(r->resp, KCOAP_OPT_LOCATION_PATH, dm->location);
}

int dm_delete(struct dm_req *r)
{
	int err;

	if (!(r->def->flags & KLWM2M_OBJ_F_MULTIPLE))
		return dm_fail(r, -EPERM, "object %u has a single instance: it is not deleted",
			       r->path.oid);
	err = klwm2m_delete(r->dm->k, r->path.oid, r->path.iid);
	if (err)
		return dm_fail_kernel(r, err, "delete");
	r->resp->code = KCOAP_DELETED;
	return 0;
}
