// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DM half's entry points (dm.h): the state, the kernel handlers, and
 * lwm2m_dm_request(), which turns a CoAP request into an LwM2M operation
 * (LwM2M TS 1.1 Transport 6.4, table "Device Management and Information
 * Reporting"):
 *
 *   GET     Accept 40            Discover      object, instance, resource
 *   GET     Observe 0            Observe       object .. resource instance
 *   GET                          Read          object .. resource instance
 *   PUT     payload              Write (replace) instance .. resource instance
 *   PUT     Uri-Query, no payload Write-Attributes object .. resource instance
 *   POST    /O                   Create
 *   POST    /O/I                 Write (partial update)
 *   POST    /O/I/R               Execute
 *   DELETE  /O/I                 Delete
 *
 * Anything else is 4.05 (the root, composite FETCH/iPATCH, other levels).
 * The Security object (0) and the OSCORE object (21) belong to the
 * Bootstrap-Server alone: 4.01 for a DM server, whatever the operation.
 * The operations themselves live in read.c, observe.c, discover.c,
 * write.c and exec.c; errors become codes in errors.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lwm2m/dm_internal.h"
#include "lwm2m/path.h"

/* A response's payload buffer is kept for the next one up to this size. */
#define DM_OUT_KEEP	2048

int lwm2m_dm_new(struct klwm2m *k, struct kcoap_ep *ep, const struct lwm2m_dm_hooks *hooks,
		 struct lwm2m_dm **out)
{
	struct lwm2m_dm *dm;

	*out = NULL;
	if (!k || !ep)
		return -EINVAL;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->k = k;
	dm->ep = ep;
	if (hooks)
		dm->hooks = *hooks;
	fmt_buf_init(&dm->out, 0);
	*out = dm;
	return 0;
}

void lwm2m_dm_free(struct lwm2m_dm *dm)
{
	if (!dm)
		return;
	dm_obs_free_all(dm);
	dm_exec_free_all(dm);
	lwm2m_dm_objects_changed(dm, -1);
	fmt_buf_free(&dm->out);
	dm_recs_free(&dm->recs);
	free(dm);
}

void lwm2m_dm_kernel_handlers(struct klwm2m_handlers *h)
{
	h->notify = dm_obs_notify;
	h->exec_result = dm_exec_result;
}

const struct klwm2m_resdef *dm_resdef(const struct klwm2m_objdef *def, uint16_t rid)
{
	unsigned int i;

	for (i = 0; i < def->nres; i++)
		if (def->res[i].id == rid)
			return &def->res[i];
	return NULL;
}

int dm_readable(const struct klwm2m_objdef *def, const struct klwm2m_record *rec)
{
	const struct klwm2m_resdef *rd;

	if (rec->kind != KLWM2M_RECORD_VALUE || rec->path.depth < 3)
		return 0;
	rd = dm_resdef(def, rec->path.rid);
	return rd && (rd->ops & KLWM2M_OP_READ) && !(rd->flags & KLWM2M_RES_F_SECRET);
}

static void path_text(const struct klwm2m_path *p, char *buf, size_t size)
{
	if (klwm2m_path_format(p, buf, size) < 0)
		snprintf(buf, size, "?");
}

int dm_fail(struct dm_req *r, int err, const char *fmt, ...)
{
	struct lwm2m_dm *dm = r->dm;
	char path[KLWM2M_PATH_STRLEN], code[KCOAP_CODE_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dm->diag.msg, sizeof(dm->diag.msg), fmt, ap);
	va_end(ap);
	r->resp->code = lwm2m_errno_code(err, r->op);
	/* RFC 7252 5.5.2: a diagnostic payload, no Content-Format */
	kcoap_msg_set_payload(r->resp, dm->diag.msg, strlen(dm->diag.msg));
	path_text(&r->path, path, sizeof(path));
	log_rl(LOG_INFO, "server %u: %s %s: %s %s", r->ssid, lwm2m_op_name(r->op), path,
	       kcoap_code_str(r->resp->code, code), dm->diag.msg);
	return 0;
}

int dm_fail_kernel(struct dm_req *r, int err, const char *what)
{
	const char *msg = klwm2m_errmsg(r->dm->k);

	return dm_fail(r, err, "%s: %s", what, msg && *msg ? msg : klwm2m_strerror(err));
}

/* The operation a request asks for, from its method, options and level. */
static enum lwm2m_op classify(const struct kcoap_ep_request *req, const struct klwm2m_path *p)
{
	const struct kcoap_msg *m = req->msg;
	uint32_t accept;

	switch (m->code) {
	case KCOAP_GET:
		if (!kcoap_msg_get_uint(m, KCOAP_OPT_ACCEPT, &accept) && accept == FMT_LINK)
			return LWM2M_OP_DISCOVER;
		return req->observe == 0 ? LWM2M_OP_OBSERVE : LWM2M_OP_READ;
	case KCOAP_PUT:
		if (!req->body_len && kcoap_opt_count(m, KCOAP_OPT_URI_QUERY))
			return LWM2M_OP_WRITE_ATTRS;
		return LWM2M_OP_WRITE;
	case KCOAP_POST:
		return p->depth == 1 ? LWM2M_OP_CREATE :
		       p->depth == 2 ? LWM2M_OP_WRITE : LWM2M_OP_EXECUTE;
	case KCOAP_DELETE:
		return LWM2M_OP_DELETE;
	default:
		return 0;
	}
}

/* Whether @op applies at the path's depth. */
static int level_ok(enum lwm2m_op op, unsigned int depth, uint8_t method)
{
	switch (op) {
	case LWM2M_OP_READ:
	case LWM2M_OP_OBSERVE:
	case LWM2M_OP_WRITE_ATTRS:
		return depth >= 1;
	case LWM2M_OP_DISCOVER:
		return depth >= 1 && depth <= 3;
	case LWM2M_OP_WRITE:
		return method == KCOAP_PUT ? depth >= 2 : depth == 2;
	case LWM2M_OP_CREATE:
		return depth == 1;
	case LWM2M_OP_DELETE:
		return depth == 2;
	case LWM2M_OP_EXECUTE:
		return depth == 3;
	default:
		return 0;
	}
}

static int dispatch(struct dm_req *r)
{
	uint8_t method = r->req->msg->code;
	int err;

	if (!r->op || !level_ok(r->op, r->path.depth, method))
		return dm_fail(r, -EISDIR, "method %s not allowed here",
			       kcoap_code_name(method) ? kcoap_code_name(method) : "?");
	if (r->path.oid == 0 || r->path.oid == 21)
		return dm_fail(r, -EACCES, "object %u is for the bootstrap server alone",
			       r->path.oid);
	err = dm_def_get(r->dm, r->path.oid, &r->defref);
	if (!err)
		r->def = dm_def_of(r->defref);
	if (err)
		return err == -ENOENT ? dm_fail(r, err, "no object %u", r->path.oid) :
					dm_fail_kernel(r, err, "object definition");
	switch (r->op) {
	case LWM2M_OP_READ:
		return dm_read(r);
	case LWM2M_OP_OBSERVE:
		return dm_observe(r);
	case LWM2M_OP_DISCOVER:
		return dm_discover(r);
	case LWM2M_OP_WRITE:
		return dm_write(r, method == KCOAP_PUT);
	case LWM2M_OP_WRITE_ATTRS:
		return dm_write_attrs(r);
	case LWM2M_OP_CREATE:
		return dm_create(r);
	case LWM2M_OP_DELETE:
		return dm_delete(r);
	default:
		return dm_execute(r);
	}
}

int lwm2m_dm_request(struct lwm2m_dm *dm, uint16_t ssid, int preferred_cf, struct kcoap_ep *ep,
		     const struct kcoap_ep_request *req, struct kcoap_msg *resp)
{
	struct dm_req r = {
		.dm = dm, .ssid = ssid, .preferred_cf = preferred_cf, .ep = ep, .req = req,
		.resp = resp,
	};
	const struct kcoap_opt *o;
	struct fmt_diag why;
	int rc;

	fmt_buf_reset(&dm->out, DM_OUT_KEEP);
	dm->diag.msg[0] = '\0';
	for (o = kcoap_opt_first(req->msg, KCOAP_OPT_URI_PATH); o;
	     o = kcoap_opt_next(req->msg, o)) {
		rc = lwm2m_path_push(&r.path, kcoap_opt_val(o), o->len, &why);
		if (rc) {
			r.op = classify(req, &r.path);
			return dm_fail(&r, rc, "%s", why.msg);
		}
	}
	r.op = classify(req, &r.path);
	rc = dispatch(&r);
	dm_def_put(r.defref);
	return rc;
}
