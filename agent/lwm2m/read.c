// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read (LwM2M TS 1.1 Core 6.3.1): what the kernel holds under the path,
 * filtered to what a server may see, encoded in the format negotiated from
 * the request's Accept and the server's preferred format (formats.h's
 * fmt_choose()). The agent's handle is an admin's, so the kernel gives it
 * secrets and values of resources without the Read operation: those never
 * leave here (dm_readable()). Also the record list the Observe and the
 * notifications use. The records come in one round trip with the kernel
 * (klwm2m_read_tree(): one consistent snapshot); a tree beyond one reply
 * (KLWM2M_GET_TREE_MAX, a few hundred values) is dumped instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/internal.h"
#include "lwm2m/dm_internal.h"

/* Bytes of values go in chunks of this size, or of their own size when larger. */
#define DM_CHUNK	2048
/* What dm_recs_reset() keeps: records (cap), and one chunk of DM_CHUNK. */
#define DM_RECS_KEEP	64

struct dm_chunk {
	struct dm_chunk *next;
	size_t len, cap;
	char b[];
};

void dm_recs_free(struct dm_recs *rs)
{
	while (rs->chunks) {
		struct dm_chunk *c = rs->chunks;

		rs->chunks = c->next;
		free(c);
	}
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

void dm_recs_reset(struct dm_recs *rs)
{
	struct dm_chunk *keep = NULL;

	while (rs->chunks) {
		struct dm_chunk *c = rs->chunks;

		rs->chunks = c->next;
		if (!keep && c->cap == DM_CHUNK) {
			keep = c;
			continue;
		}
		free(c);
	}
	if (keep) {
		keep->next = NULL;
		keep->len = 0;
		rs->chunks = keep;
	}
	if (rs->cap > DM_RECS_KEEP) {
		free(rs->r);
		rs->r = NULL;
		rs->cap = 0;
	}
	rs->n = 0;
}

/* Room for @n bytes that stay where they are while @rs lives. */
static char *recs_bytes(struct dm_recs *rs, size_t n)
{
	struct dm_chunk *c = rs->chunks;
	size_t cap;

	if (!c || c->cap - c->len < n) {
		cap = n > DM_CHUNK ? n : DM_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->len = 0;
		c->cap = cap;
		if (n > DM_CHUNK && rs->chunks) {
			/* a large one of its own: the newest stays in front */
			c->next = rs->chunks->next;
			rs->chunks->next = c;
		} else {
			c->next = rs->chunks;
			rs->chunks = c;
		}
	}
	c->len += n;
	return c->b + c->len - n;
}

static int value_copy(struct dm_recs *rs, struct klwm2m_value *dst, const struct klwm2m_value *src)
{
	char *p;

	*dst = *src;
	switch (src->type) {
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		/* NUL-terminated like the library's own values */
		p = recs_bytes(rs, src->bytes.len + 1);
		if (!p) {
			dst->bytes.ptr = NULL;
			dst->bytes.len = 0;
			return -ENOMEM;
		}
		if (src->bytes.len)
			memcpy(p, src->bytes.ptr, src->bytes.len);
		p[src->bytes.len] = '\0';
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
	} else if (value_copy(rs, &r->value, &rec->value)) {
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
	/* One snapshot in one round trip; a tree too large for one is dumped. */
	dm_recs_reset(rs);
	err = klwm2m_read_tree(r->dm->k, &r->path, collect_one, &c);
	if (err == -EMSGSIZE) {
		do {
			dm_recs_reset(rs);
			err = klwm2m_dump(r->dm->k, &r->path, collect_one, &c);
		} while (err == -EAGAIN && ++tries < 3);
	}
	if (err) {
		dm_recs_free(rs);
		return fmt_fail(why, err, "%s", klwm2m_errmsg(r->dm->k)[0] ?
				  klwm2m_errmsg(r->dm->k) : klwm2m_strerror(err));
	}
	if (r->path.depth >= 3 && !rs->n) {
		dm_recs_free(rs);
		return fmt_fail(why, -ENOENT, "no value");
	}
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

/* The records are the DM state's: a Read allocates nothing once it ran. */
int dm_read(struct dm_req *r)
{
	struct dm_recs *rs = &r->dm->recs;
	struct fmt_diag why;
	int err = dm_collect(r, rs, &why);

	if (err)
		return dm_fail(r, err, "%s", why.msg);
	err = dm_encode_answer(r, rs, NULL);
	dm_recs_reset(rs);
	return err;
}
