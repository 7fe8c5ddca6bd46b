// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read (LwM2M TS 1.1 Core 6.3.1): what the kernel holds under the path,
 * filtered to what a server may see, encoded in the format negotiated from
 * the request's Accept and the server's preferred format (formats.h's
 * fmt_choose()). The agent's handle is an admin's, so the kernel gives it
 * secrets and values of resources without the Read operation: those never
 * leave here (dm_readable()). Also the record list the Observe and the
 * notifications use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/internal.h"
#include "lwm2m/dm_internal.h"

void dm_recs_free(struct dm_recs *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		klwm2m_value_release(&rs->r[i].value);
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static int value_copy(struct klwm2m_value *dst, const struct klwm2m_value *src)
{
	void *p;

	*dst = *src;
	switch (src->type) {
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		/* NUL-terminated like the library's own values */
		p = malloc(src->bytes.len + 1);
		if (!p) {
			dst->bytes.ptr = NULL;
			dst->bytes.len = 0;
			return -ENOMEM;
		}
		if (src->bytes.len)
			memcpy(p, src->bytes.ptr, src->bytes.len);
		((char *)p)[src->bytes.len] = '\0';
		dst->bytes.ptr = p;
		return 0;
	default:
		return 0;
	}
}

int dm_recs_add(struct dm_recs *rs, const struct klwm2m_record *rec)
{
	struct klwm2m_record *r;

	if (rs->n >= FMT_MAX_RECORDS)
		return -E2BIG;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;

		r = realloc(rs->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		rs->r = r;
		rs->cap = cap;
	}
	r = &rs->r[rs->n];
	r->kind = rec->kind;
	r->path = rec->path;
	if (rec->kind != KLWM2M_RECORD_VALUE) {
		memset(&r->value, 0, sizeof(r->value));
		r->value.type = rec->value.type;
	} else if (value_copy(&r->value, &rec->value)) {
		return -ENOMEM;
	}
	rs->n++;
	return 0;
}

struct collect {
	const struct klwm2m_objdef *def;
	struct dm_recs *rs;
};

static int collect_one(const struct klwm2m_record *rec, void *arg)
{
	struct collect *c = arg;

	if (rec->kind == KLWM2M_RECORD_INSTANCE || dm_readable(c->def, rec))
		return dm_recs_add(c->rs, rec);
	return 0;
}

int dm_collect(struct dm_req *r, struct dm_recs *rs, struct fmt_diag *why)
{
	struct collect c = { .def = r->def, .rs = rs };
	int err, tries = 0;

	if (r->path.depth >= 3) {
		const struct klwm2m_resdef *rd = dm_resdef(r->def, r->path.rid);

		if (!rd)
			return fmt_fail(why, -ENOENT, "object %u has no resource %u",
					  r->path.oid, r->path.rid);
		if (rd->flags & KLWM2M_RES_F_SECRET)
			return fmt_fail(why, -EACCES, "a secret is never read");
		if (!(rd->ops & KLWM2M_OP_READ))
			return fmt_fail(why, -EPERM, "resource %u is not readable", rd->id);
		if (r->path.depth == 4 && !(rd->flags & KLWM2M_RES_F_MULTIPLE))
			return fmt_fail(why, -ENOENT, "resource %u has no instances", rd->id);
	}
	do {
		dm_recs_free(rs);
		err = klwm2m_dump(r->dm->k, &r->path, collect_one, &c);
	} while (err == -EAGAIN && ++tries < 3);
	if (err) {
		dm_recs_free(rs);
		return fmt_fail(why, err, "%s", klwm2m_errmsg(r->dm->k)[0] ?
				  klwm2m_errmsg(r->dm->k) : klwm2m_strerror(err));
	}
	if (r->path.depth >= 3 && !rs->n)
		return fmt_fail(why, -ENOENT, "no value");
	return 0;
}

int dm_encode_answer(struct dm_req *r, const struct dm_recs *rs, int *cf_out)
{
	struct fmt_diag why;
	uint32_t accept;
	int accept_cf = -1, cf, err;

	err = kcoap_msg_get_uint(r->req->msg, KCOAP_OPT_ACCEPT, &accept);
	if (!err)
		accept_cf = accept > 65535 ? 65536 : (int)accept;
	else if (err != -ENOENT)
		accept_cf = 65536;	/* no format has that number: 4.06 */
	cf = fmt_choose(accept_cf, &r->path, rs->r, rs->n, r->preferred_cf);
	if (cf < 0)
		return dm_fail(r, -EOPNOTSUPP, "no content format can carry this (Accept %d)",
			       accept_cf);
	err = fmt_encode(cf, &r->path, rs->r, rs->n, &r->dm->out, &why);
	if (err)
		return dm_fail(r, err, "%s", why.msg);
	r->resp->code = KCOAP_CONTENT;
	err = kcoap_msg_add_uint(r->resp, KCOAP_OPT_CONTENT_FORMAT, (uint32_t)cf);
	if (err)
		return err;
	kcoap_msg_set_payload(r->resp, r->dm->out.data, r->dm->out.len);
	if (cf_out)
		*cf_out = cf;
	return 0;
}

int dm_read(struct dm_req *r)
{
	struct dm_recs rs = { 0 };
	struct fmt_diag why;
	int err = dm_collect(r, &rs, &why);

	if (err)
		return dm_fail(r, err, "%s", why.msg);
	err = dm_encode_answer(r, &rs, NULL);
	dm_recs_free(&rs);
	return err;
}
