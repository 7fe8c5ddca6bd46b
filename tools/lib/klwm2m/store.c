// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The store: instances, values (single writes, atomic batches, reads) and
 * dumps, over KLWM2M_CMD_INST_*, _SET and _GET.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/klwm2m.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

int klwm2m_put_path(struct nl_msg *msg, int attrtype, const struct klwm2m_path *p)
{
	const uint16_t ids[] = { p->oid, p->iid, p->rid, p->riid };
	struct nlattr *nest = nla_nest_start(msg, attrtype | NLA_F_NESTED);

	if (!nest)
		return -EMSGSIZE;
	for (int i = 0; i < p->depth && i < KLWM2M_PATH_DEPTH_MAX; i++)
		if (nla_put_u16(msg, KLWM2M_A_PATH_OBJ + i, ids[i]))
			return -EMSGSIZE;
	return nla_nest_end(msg, nest) ? -EMSGSIZE : 0;
}

/*
 * The IDs of a path nest as the kernel sends it (OBJ, then INST, RES, RINST
 * in turn): as nla_parse_nested() would see them (the last of a repeated
 * attribute counts, others are ignored, the walk stops at a cut one),
 * without filling a table of every attribute type or calling into libnl
 * per attribute: every record of a dump or tree has one.
 */
int klwm2m_get_path(const struct nlattr *nest, struct klwm2m_path *p)
{
	const unsigned char *pos = (const unsigned char *)nest + NLA_HDRLEN;
	const unsigned char *end = (const unsigned char *)nest + nest->nla_len;
	const struct nlattr *tb[KLWM2M_PATH_DEPTH_MAX] = { NULL };
	uint16_t *ids[] = { &p->oid, &p->iid, &p->rid, &p->riid };

	memset(p, 0, sizeof(*p));
	if (nest->nla_len < NLA_HDRLEN)
		return -EBADMSG;
	while (end - pos >= (ptrdiff_t)NLA_HDRLEN) {
		const struct nlattr *a = (const void *)pos;
		int t = (a->nla_type & NLA_TYPE_MASK) - KLWM2M_A_PATH_OBJ;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - pos)
			break;
		if (t >= 0 && t < KLWM2M_PATH_DEPTH_MAX)
			tb[t] = a;
		pos += NLA_ALIGN(a->nla_len);
	}
	for (int i = 0; i < KLWM2M_PATH_DEPTH_MAX && tb[i]; i++) {
		if (tb[i]->nla_len != NLA_HDRLEN + sizeof(uint16_t))
			return -EBADMSG;
		memcpy(ids[i], (const unsigned char *)tb[i] + NLA_HDRLEN, sizeof(uint16_t));
		p->depth = i + 1;
	}
	return p->depth ? 0 : -EBADMSG;
}

static inline int is_bytes(uint8_t type)
{
	return type == KLWM2M_TYPE_STRING || type == KLWM2M_TYPE_OPAQUE ||
	       type == KLWM2M_TYPE_CORELNK;
}

/* The DATA attribute of @v, as the uapi header lays it out. */
/* A scalar's 64-bit word as struct klwm2m_scalar carries it; 0, or -EINVAL for no scalar. */
static inline int scalar_word(const struct klwm2m_value *v, uint64_t *w)
{
	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		*w = (uint64_t)v->i;
		return 0;
	case KLWM2M_TYPE_UNSIGNED:
		*w = v->u;
		return 0;
	case KLWM2M_TYPE_FLOAT:
		memcpy(w, &v->f, sizeof(*w));
		return 0;
	case KLWM2M_TYPE_BOOLEAN:
		*w = !!v->b;
		return 0;
	case KLWM2M_TYPE_OBJLNK:
		*w = (uint32_t)v->objlnk.oid << 16 | v->objlnk.iid;
		return 0;
	default:
		return -EINVAL;
	}
}

static int put_data(struct nl_msg *msg, const struct klwm2m_value *v)
{
	uint64_t u;
	uint32_t l;
	uint8_t b;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
	case KLWM2M_TYPE_UNSIGNED:
	case KLWM2M_TYPE_FLOAT:
		scalar_word(v, &u);
		return nla_put(msg, KLWM2M_A_VALUE_DATA, sizeof(u), &u) ? -EMSGSIZE : 0;
	case KLWM2M_TYPE_BOOLEAN:
		b = !!v->b;
		return nla_put(msg, KLWM2M_A_VALUE_DATA, sizeof(b), &b) ? -EMSGSIZE : 0;
	case KLWM2M_TYPE_OBJLNK:
		l = (uint32_t)v->objlnk.oid << 16 | v->objlnk.iid;
		return nla_put(msg, KLWM2M_A_VALUE_DATA, sizeof(l), &l) ? -EMSGSIZE : 0;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		if (v->bytes.len > INT32_MAX)
			return -E2BIG;
		return nla_put(msg, KLWM2M_A_VALUE_DATA, (int)v->bytes.len, v->bytes.ptr) ?
		       -EMSGSIZE : 0;
	default:
		return -EINVAL;
	}
}

/*
 * A value from the attributes of a GET reply or dump record. With @copy the
 * bytes are malloc'd (klwm2m_value_release()), else they point into the
 * message.
 */
int klwm2m_get_value(struct nlattr **tb, struct klwm2m_value *v, int copy)
{
	const struct nlattr *d = tb[KLWM2M_A_VALUE_DATA];
	uint8_t type;
	size_t len;
	uint64_t u;
	uint32_t l;

	if (!tb[KLWM2M_A_VALUE_TYPE] || !d)
		return -EBADMSG;
	type = nla_get_u8(tb[KLWM2M_A_VALUE_TYPE]);
	len = (size_t)nla_len(d);
	memset(v, 0, sizeof(*v));
	v->type = type;
	switch (type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
	case KLWM2M_TYPE_UNSIGNED:
	case KLWM2M_TYPE_FLOAT:
		if (len != sizeof(u))
			return -EBADMSG;
		memcpy(&u, nla_data(d), sizeof(u));
		if (type == KLWM2M_TYPE_FLOAT)
			memcpy(&v->f, &u, sizeof(u));
		else
			v->u = u;	/* i shares the bits */
		return 0;
	case KLWM2M_TYPE_BOOLEAN:
		if (len != 1)
			return -EBADMSG;
		v->b = !!*(const uint8_t *)nla_data(d);
		return 0;
	case KLWM2M_TYPE_OBJLNK:
		if (len != sizeof(l))
			return -EBADMSG;
		memcpy(&l, nla_data(d), sizeof(l));
		v->objlnk.oid = l >> 16;
		v->objlnk.iid = l & 0xffff;
		return 0;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		if (copy)
			return klwm2m_value_set_bytes(v, type, nla_data(d), len);
		v->bytes.ptr = nla_data(d);
		v->bytes.len = len;
		return 0;
	default:
		return -EBADMSG;
	}
}

/* ---------------------------------------------------------------- instances */

KLWM2M_API int klwm2m_undefine(struct klwm2m *k, uint16_t oid)
{
	struct nl_msg *msg = klwm2m_new_request(k, KLWM2M_CMD_OBJ_UNDEFINE, 0, 256);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_OBJ_ID, oid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_OBJ_MAX, NULL, NULL);
}

static int parse_created(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	uint16_t *iid = arg;

	if (!tb[KLWM2M_A_PATH_INST])
		return -EBADMSG;
	*iid = nla_get_u16(tb[KLWM2M_A_PATH_INST]);
	return 0;
}

KLWM2M_API int klwm2m_create(struct klwm2m *k, uint16_t oid, int iid, uint16_t *out_iid)
{
	struct nl_msg *msg;
	uint16_t got = 0;
	int err;

	if (iid < -1 || iid > KLWM2M_ID_MAX) {
		klwm2m_set_err(k, "instance ID %d is not in 0..%d", iid, KLWM2M_ID_MAX);
		return -EINVAL;
	}
	msg = klwm2m_new_request(k, KLWM2M_CMD_INST_CREATE, 0, 256);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_PATH_OBJ, oid) ||
	    (iid >= 0 && nla_put_u16(msg, KLWM2M_A_PATH_INST, (uint16_t)iid))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = klwm2m_transact(k, msg, KLWM2M_A_PATH_MAX, parse_created, &got);
	if (!err && out_iid)
		*out_iid = got;
	return err;
}

KLWM2M_API int klwm2m_delete(struct klwm2m *k, uint16_t oid, uint16_t iid)
{
	struct nl_msg *msg = klwm2m_new_request(k, KLWM2M_CMD_INST_DELETE, 0, 256);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_PATH_OBJ, oid) || nla_put_u16(msg, KLWM2M_A_PATH_INST, iid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_PATH_MAX, NULL, NULL);
}

/* ---------------------------------------------------------------- batches */

/*
 * A batch holds its entries in one of two forms. While every entry is a
 * scalar write it holds the struct klwm2m_scalar records the request will
 * carry (24 bytes each: adding one is filling it, committing is one copy).
 * The first string, opaque, core link or deletion turns them into entries
 * (path + value), which go out as SET_VALUE nests.
 */
struct entry {
	struct klwm2m_path path;
	int del;			/* a deletion (depth 4) or a clear (depth 3) */
	struct klwm2m_value v;		/* bytes owned by the batch */
};

struct klwm2m_batch {
	struct klwm2m *k;
	struct klwm2m_scalar *rec;	/* the records, while e is NULL */
	struct entry *e;
	unsigned int n, cap;
	int has_server;
	uint16_t server;
	int bad;
};

/* A path a value may be written at: a resource or a resource instance. */
static inline int check_path(struct klwm2m *k, const struct klwm2m_path *p)
{
	if (p->depth != 3 && p->depth != 4) {
		if (k)
			klwm2m_set_err(k, "a value is written at a resource or resource instance path");
		return -EINVAL;
	}
	/* 65535 is no ID: in a record it says "no resource instance". */
	if (p->oid > KLWM2M_ID_MAX || p->iid > KLWM2M_ID_MAX || p->rid > KLWM2M_ID_MAX ||
	    (p->depth == 4 && p->riid > KLWM2M_ID_MAX)) {
		if (k)
			klwm2m_set_err(k, "IDs go up to %u", KLWM2M_ID_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Records one KLWM2M_A_SET_SCALARS attribute holds (its length is 16 bits). */
#define SCALARS_PER_ATTR ((UINT16_MAX - NLA_HDRLEN) / sizeof(struct klwm2m_scalar))
/* An attribute full of records, header included (no padding: 24 * n is aligned). */
#define SCALARS_ATTR_SIZE (NLA_HDRLEN + SCALARS_PER_ATTR * sizeof(struct klwm2m_scalar))

/* @v at @path as a record; -EINVAL for a value that is no scalar. */
static inline int to_record(const struct klwm2m_path *path, const struct klwm2m_value *v,
		     struct klwm2m_scalar *sc)
{
	uint64_t w;

	if (scalar_word(v, &w))
		return -EINVAL;
	sc->oid = path->oid;
	sc->iid = path->iid;
	sc->rid = path->rid;
	sc->riid = path->depth == 4 ? path->riid : KLWM2M_ID_NONE;
	sc->type = v->type;
	memset(sc->reserved, 0, sizeof(sc->reserved));
	sc->value = w;
	return 0;
}

/* The inverse, for a batch that leaves the compact form. */
static void from_record(const struct klwm2m_scalar *sc, struct entry *e)
{
	e->path = (struct klwm2m_path){
		.oid = sc->oid, .iid = sc->iid, .rid = sc->rid,
		.riid = sc->riid == KLWM2M_ID_NONE ? 0 : sc->riid,
		.depth = sc->riid == KLWM2M_ID_NONE ? 3 : 4,
	};
	e->del = 0;
	memset(&e->v, 0, sizeof(e->v));
	e->v.type = sc->type;
	switch (sc->type) {
	case KLWM2M_TYPE_FLOAT:
		memcpy(&e->v.f, &sc->value, sizeof(e->v.f));
		break;
	case KLWM2M_TYPE_BOOLEAN:
		e->v.b = (int)sc->value;
		break;
	case KLWM2M_TYPE_OBJLNK:
		e->v.objlnk.oid = (uint16_t)(sc->value >> 16);
		e->v.objlnk.iid = (uint16_t)sc->value;
		break;
	default:
		e->v.u = sc->value;	/* i shares the bits */
		break;
	}
}

/* The SET request's headers, and the server attribute when there is one. */
static struct nl_msg *start_set(struct klwm2m *k, size_t size, int has_server, uint16_t server)
{
	struct nl_msg *msg = klwm2m_kept_request(k, KLWM2M_CMD_SET, 0, size);

	if (msg && has_server && nla_put_u16(msg, KLWM2M_A_SET_SERVER, server)) {
		nlmsg_free(msg);
		klwm2m_set_err(k, "the batch does not fit in one message");
		return NULL;
	}
	return msg;
}

/* One SET request for the records @rec[0..@n), and the record the kernel blamed in *@bad. */
static int commit_records(struct klwm2m *k, const struct klwm2m_scalar *rec, unsigned int n,
			  int has_server, uint16_t server, int *bad)
{
	const size_t rsize = sizeof(struct klwm2m_scalar);
	size_t first, rel;
	struct nl_msg *msg;
	unsigned int i;
	int err;

	*bad = -1;
	msg = start_set(k, 256 + (size_t)n * rsize + (n / SCALARS_PER_ATTR + 1) * NLA_HDRLEN,
			has_server, server);
	if (!msg)
		return -ENOMEM;
	first = nlmsg_hdr(msg)->nlmsg_len;
	for (i = 0; i < n; i += SCALARS_PER_ATTR) {
		unsigned int cnt = n - i < SCALARS_PER_ATTR ? n - i : SCALARS_PER_ATTR;
		struct nlattr *a = nla_reserve(msg, KLWM2M_A_SET_SCALARS, (int)(cnt * rsize));

		if (!a) {
			nlmsg_free(msg);
			klwm2m_set_err(k, "the batch does not fit in one message");
			*bad = (int)i;
			return -EMSGSIZE;
		}
		memcpy(nla_data(a), rec + i, cnt * rsize);
	}
	err = klwm2m_transact(k, msg, KLWM2M_A_SET_MAX, NULL, NULL);
	/* The offset names a record's first byte: attributes are laid out back to back. */
	if (err && k->erroff >= 0 && (size_t)k->erroff >= first) {
		rel = (size_t)k->erroff - first;
		if (rel % SCALARS_ATTR_SIZE >= NLA_HDRLEN) {
			i = (unsigned int)(rel / SCALARS_ATTR_SIZE * SCALARS_PER_ATTR +
					   (rel % SCALARS_ATTR_SIZE - NLA_HDRLEN) / rsize);
			if (i < n)
				*bad = (int)i;
		}
	}
	return err;
}

/* One SET request of value nests for @e[0..@n), and the entry the kernel blamed in *@bad. */
static int commit_entries(struct klwm2m *k, const struct entry *e, unsigned int n,
			  int has_server, uint16_t server, int *bad)
{
	size_t *offs, size = 256 + (size_t)n * 96;
	struct nl_msg *msg;
	unsigned int i = 0;
	int err = -EMSGSIZE;

	*bad = -1;
	for (i = 0; i < n; i++)
		size += e[i].del || !is_bytes(e[i].v.type) ? 8 : e[i].v.bytes.len + 8;
	offs = malloc((n + 1) * sizeof(*offs));
	msg = offs ? start_set(k, size, has_server, server) : NULL;
	if (!msg) {
		free(offs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct nlattr *nest;

		offs[i] = nlmsg_hdr(msg)->nlmsg_len;
		nest = nla_nest_start(msg, KLWM2M_A_SET_VALUE | NLA_F_NESTED);
		if (!nest || klwm2m_put_path(msg, KLWM2M_A_VALUE_PATH, &e[i].path))
			goto fail;
		if (!e[i].del) {
			if (nla_put_u8(msg, KLWM2M_A_VALUE_TYPE, e[i].v.type))
				goto fail;
			err = put_data(msg, &e[i].v);
			if (err)
				goto fail;
		}
		/* An attribute's length is 16 bits: libnl refuses a longer nest. */
		if (nla_nest_end(msg, nest)) {
			err = -E2BIG;
			goto fail;
		}
	}
	offs[n] = nlmsg_hdr(msg)->nlmsg_len;
	err = klwm2m_transact(k, msg, KLWM2M_A_SET_MAX, NULL, NULL);
	for (i = 0; err && k->erroff >= 0 && i < n; i++)
		if ((size_t)k->erroff >= offs[i] && (size_t)k->erroff < offs[i + 1])
			*bad = (int)i;
	free(offs);
	return err;

fail:
	nlmsg_free(msg);
	free(offs);
	if (err == -EINVAL)
		klwm2m_set_err(k, "entry %u has an unknown type", i);
	else if (err == -E2BIG)
		klwm2m_set_err(k, "entry %u: a value longer than a netlink attribute carries "
			       "(at most %u bytes)", i, KLWM2M_VALUE_WIRE_MAX);
	else
		klwm2m_set_err(k, "the batch does not fit in one message");
	*bad = (int)i;
	return err;
}

KLWM2M_API int klwm2m_set(struct klwm2m *k, const struct klwm2m_path *path,
			  const struct klwm2m_value *v)
{
	struct entry e = { .path = *path, .v = *v };
	struct klwm2m_scalar sc;
	int bad;

	klwm2m_clear_err(k);
	if (check_path(k, path))
		return -EINVAL;
	if (!to_record(path, v, &sc))
		return commit_records(k, &sc, 1, 0, 0, &bad);
	if (!is_bytes(v->type)) {
		klwm2m_set_err(k, "entry 0 has an unknown type");
		return -EINVAL;
	}
	return commit_entries(k, &e, 1, 0, 0, &bad);
}

KLWM2M_API int klwm2m_set_int(struct klwm2m *k, const struct klwm2m_path *path, int64_t val)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = val };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_uint(struct klwm2m *k, const struct klwm2m_path *path, uint64_t val)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_UNSIGNED, .u = val };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_float(struct klwm2m *k, const struct klwm2m_path *path, double val)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_FLOAT, .f = val };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_bool(struct klwm2m *k, const struct klwm2m_path *path, int val)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_BOOLEAN, .b = !!val };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_time(struct klwm2m *k, const struct klwm2m_path *path, int64_t val)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_TIME, .i = val };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_objlnk(struct klwm2m *k, const struct klwm2m_path *path,
				 uint16_t oid, uint16_t iid)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_OBJLNK, .objlnk = { oid, iid } };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_string(struct klwm2m *k, const struct klwm2m_path *path,
				 const char *str)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_STRING,
				  .bytes = { .ptr = str, .len = strlen(str) } };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_set_opaque(struct klwm2m *k, const struct klwm2m_path *path,
				 const void *data, size_t len)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_OPAQUE, .bytes = { .ptr = data, .len = len } };

	return klwm2m_set(k, path, &v);
}

KLWM2M_API int klwm2m_batch_new(struct klwm2m *k, struct klwm2m_batch **out)
{
	struct klwm2m_batch *b = calloc(1, sizeof(*b));

	*out = b;
	if (!b)
		return -ENOMEM;
	b->k = k;
	b->bad = -1;
	return 0;
}

/* Room for one more entry, in the batch's current form. */
static int batch_grow(struct klwm2m_batch *b)
{
	unsigned int cap;
	void *p;

	if (b->n < b->cap)
		return 0;
	cap = b->cap ? 2 * b->cap : 128;
	if (b->e)
		p = reallocarray(b->e, cap, sizeof(*b->e));
	else
		p = reallocarray(b->rec, cap, sizeof(*b->rec));
	if (!p)
		return -ENOMEM;
	if (b->e)
		b->e = p;
	else
		b->rec = p;
	b->cap = cap;
	return 0;
}

/* From records to entries, for a batch that gets a non-scalar entry. */
static int batch_to_entries(struct klwm2m_batch *b)
{
	unsigned int cap = b->cap > b->n ? b->cap : b->n + 16;
	struct entry *e;

	if (b->e)
		return 0;
	e = calloc(cap, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (unsigned int i = 0; i < b->n; i++)
		from_record(&b->rec[i], &e[i]);
	free(b->rec);
	b->rec = NULL;
	b->e = e;
	b->cap = cap;
	return 0;
}

/* The next entry (the batch turned into entries first), its path set; NULL and *@err. */
static struct entry *entry_push(struct klwm2m_batch *b, const struct klwm2m_path *path, int del,
				int *err)
{
	struct entry *e;

	*err = batch_to_entries(b);
	if (!*err)
		*err = batch_grow(b);
	if (*err)
		return NULL;
	e = &b->e[b->n];
	e->path = *path;
	e->del = del;
	return e;
}

KLWM2M_API int klwm2m_batch_add(struct klwm2m_batch *b, const struct klwm2m_path *path,
				const struct klwm2m_value *v)
{
	struct entry *e;
	int err;

	if (check_path(NULL, path) || v->type == KLWM2M_TYPE_UNSPEC ||
	    v->type > KLWM2M_TYPE_MAX || v->type == KLWM2M_TYPE_NONE)
		return -EINVAL;
	if (!b->e && !is_bytes(v->type)) {
		err = b->n < b->cap ? 0 : batch_grow(b);
		if (err)
			return err;
		err = to_record(path, v, &b->rec[b->n]);
		if (err)
			return err;
		b->n++;
		return 0;
	}
	e = entry_push(b, path, 0, &err);
	if (!e)
		return err;
	if (is_bytes(v->type)) {
		err = klwm2m_value_set_bytes(&e->v, v->type, v->bytes.ptr, v->bytes.len);
		if (err)
			return err;
	} else {
		e->v = *v;
	}
	b->n++;
	return 0;
}

KLWM2M_API int klwm2m_batch_delete(struct klwm2m_batch *b, const struct klwm2m_path *path)
{
	struct entry *e;
	int err;

	if (check_path(NULL, path))
		return -EINVAL;
	e = entry_push(b, path, 1, &err);
	if (!e)
		return err;
	memset(&e->v, 0, sizeof(e->v));
	b->n++;
	return 0;
}

KLWM2M_API int klwm2m_batch_set_server(struct klwm2m_batch *b, uint16_t ssid)
{
	if (ssid > KLWM2M_ID_MAX)
		return -EINVAL;
	b->has_server = ssid != 0;
	b->server = ssid;
	return 0;
}

KLWM2M_API unsigned int klwm2m_batch_count(const struct klwm2m_batch *b)
{
	return b->n;
}

KLWM2M_API int klwm2m_batch_commit(struct klwm2m_batch *b)
{
	klwm2m_clear_err(b->k);
	if (!b->n) {
		b->bad = -1;
		klwm2m_set_err(b->k, "an empty batch");
		return -EINVAL;
	}
	if (!b->e)
		return commit_records(b->k, b->rec, b->n, b->has_server, b->server, &b->bad);
	return commit_entries(b->k, b->e, b->n, b->has_server, b->server, &b->bad);
}

KLWM2M_API int klwm2m_batch_bad(const struct klwm2m_batch *b)
{
	return b->bad;
}

KLWM2M_API void klwm2m_batch_free(struct klwm2m_batch *b)
{
	if (!b)
		return;
	for (unsigned int i = 0; b->e && i < b->n; i++)
		if (!b->e[i].del)
			klwm2m_value_release(&b->e[i].v);
	free(b->e);
	free(b->rec);
	free(b);
}

/* ---------------------------------------------------------------- reads */

static int parse_get(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	return klwm2m_get_value(tb, arg, 1);
}

KLWM2M_API int klwm2m_get(struct klwm2m *k, const struct klwm2m_path *path,
			  struct klwm2m_value *out)
{
	struct klwm2m_value v = { 0 };
	struct nl_msg *msg;
	int err;

	klwm2m_clear_err(k);
	if (path->depth != 3 && path->depth != 4) {
		klwm2m_set_err(k, "a value is read at a resource or resource instance path");
		return -EINVAL;
	}
	msg = klwm2m_kept_request(k, KLWM2M_CMD_GET, 0, 256);
	if (!msg)
		return -ENOMEM;
	if (klwm2m_put_path(msg, KLWM2M_A_VALUE_PATH, path)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = klwm2m_transact(k, msg, KLWM2M_A_VALUE_MAX, parse_get, &v);
	if (err) {
		klwm2m_value_release(&v);
		return err;
	}
	*out = v;
	return 0;
}

/* klwm2m_get() of a scalar of @type. */
static int get_typed(struct klwm2m *k, const struct klwm2m_path *path, uint8_t type,
		     struct klwm2m_value *v)
{
	int err = klwm2m_get(k, path, v);

	if (err)
		return err;
	if (v->type != type) {
		klwm2m_set_err(k, "the resource holds a %s, not a %s", klwm2m_type_name(v->type),
			       klwm2m_type_name(type));
		klwm2m_value_release(v);
		return -EMEDIUMTYPE;
	}
	return 0;
}

KLWM2M_API int klwm2m_get_int(struct klwm2m *k, const struct klwm2m_path *path, int64_t *val)
{
	struct klwm2m_value v;
	int err = get_typed(k, path, KLWM2M_TYPE_INTEGER, &v);

	if (!err)
		*val = v.i;
	return err;
}

KLWM2M_API int klwm2m_get_uint(struct klwm2m *k, const struct klwm2m_path *path, uint64_t *val)
{
	struct klwm2m_value v;
	int err = get_typed(k, path, KLWM2M_TYPE_UNSIGNED, &v);

	if (!err)
		*val = v.u;
	return err;
}

KLWM2M_API int klwm2m_get_float(struct klwm2m *k, const struct klwm2m_path *path, double *val)
{
	struct klwm2m_value v;
	int err = get_typed(k, path, KLWM2M_TYPE_FLOAT, &v);

	if (!err)
		*val = v.f;
	return err;
}

KLWM2M_API int klwm2m_get_bool(struct klwm2m *k, const struct klwm2m_path *path, int *val)
{
	struct klwm2m_value v;
	int err = get_typed(k, path, KLWM2M_TYPE_BOOLEAN, &v);

	if (!err)
		*val = v.b;
	return err;
}

KLWM2M_API int klwm2m_get_time(struct klwm2m *k, const struct klwm2m_path *path, int64_t *val)
{
	struct klwm2m_value v;
	int err = get_typed(k, path, KLWM2M_TYPE_TIME, &v);

	if (!err)
		*val = v.i;
	return err;
}

KLWM2M_API int klwm2m_get_objlnk(struct klwm2m *k, const struct klwm2m_path *path,
				 uint16_t *oid, uint16_t *iid)
{
	struct klwm2m_value v;
	int err = get_typed(k, path, KLWM2M_TYPE_OBJLNK, &v);

	if (!err) {
		*oid = v.objlnk.oid;
		*iid = v.objlnk.iid;
	}
	return err;
}

/* ---------------------------------------------------------------- dumps */

struct dump_ctx {
	int (*cb)(const struct klwm2m_record *rec, void *arg);
	void *arg;
};

static int parse_record(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *d = arg;
	struct klwm2m_record rec = { 0 };
	int err;

	if (!tb[KLWM2M_A_VALUE_PATH] || klwm2m_get_path(tb[KLWM2M_A_VALUE_PATH], &rec.path))
		return -EBADMSG;
	if (tb[KLWM2M_A_VALUE_SECRET]) {
		if (!tb[KLWM2M_A_VALUE_TYPE])
			return -EBADMSG;
		rec.kind = KLWM2M_RECORD_SECRET;
		rec.value.type = nla_get_u8(tb[KLWM2M_A_VALUE_TYPE]);
	} else if (!tb[KLWM2M_A_VALUE_TYPE] && rec.path.depth == 2) {
		rec.kind = KLWM2M_RECORD_INSTANCE;
	} else {
		rec.kind = KLWM2M_RECORD_VALUE;
		err = klwm2m_get_value(tb, &rec.value, 0);
		if (err)
			return err;
	}
	return d->cb(&rec, d->arg);
}

/* ---------------------------------------------------------------- trees */

/* The next attribute of [*pos, end), or NULL at the end; -EBADMSG when cut. */
static inline const struct nlattr *attr_next(const unsigned char **pos, const unsigned char *end,
					     int *err)
{
	const struct nlattr *a = (const void *)*pos;

	if (end - *pos < (ptrdiff_t)NLA_HDRLEN)
		return NULL;
	if (a->nla_len < NLA_HDRLEN || a->nla_len > end - *pos) {
		*err = -EBADMSG;
		return NULL;
	}
	size_t step = NLA_ALIGN((size_t)a->nla_len), left = (size_t)(end - *pos);

	*pos += step < left ? step : left;
	return a;
}

/*
 * A GET_TREE reply, walked in place: each KLWM2M_A_VALUE_RECORD nest's
 * attributes go to parse_record() as a dump message's would (the last of
 * a repeated attribute counts, unknown ones are ignored).
 */
static int parse_tree(const struct nlmsghdr *nlh, void *arg)
{
	const unsigned char *pos = (const unsigned char *)nlmsg_data(nlh) + GENL_HDRLEN;
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;
	const struct nlattr *rec;
	int err = 0;

	while ((rec = attr_next(&pos, end, &err))) {
		struct nlattr *tb[KLWM2M_A_VALUE_MAX + 1] = { NULL };
		const unsigned char *in = (const unsigned char *)rec + NLA_HDRLEN;
		const unsigned char *in_end = (const unsigned char *)rec + rec->nla_len;
		const struct nlattr *a;

		if ((rec->nla_type & NLA_TYPE_MASK) != KLWM2M_A_VALUE_RECORD)
			continue;
		while ((a = attr_next(&in, in_end, &err))) {
			int t = a->nla_type & NLA_TYPE_MASK;

			if (t <= KLWM2M_A_VALUE_MAX)
				tb[t] = (struct nlattr *)a;
		}
		if (err)
			return err;
		err = parse_record(tb, nlh, arg);
		if (err)
			return err;
	}
	return err;
}

KLWM2M_API int klwm2m_read_tree(struct klwm2m *k, const struct klwm2m_path *path,
				int (*cb)(const struct klwm2m_record *rec, void *arg), void *arg)
{
	const uint16_t ids[] = { path ? path->oid : 0, path ? path->iid : 0,
				 path ? path->rid : 0, path ? path->riid : 0 };
	struct dump_ctx d = { .cb = cb, .arg = arg };
	/* the request: headers, then the path nest of at most four u16s */
	union {
		struct nlmsghdr nlh;
		unsigned char b[NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN +
				KLWM2M_PATH_DEPTH_MAX * NLA_ALIGN(NLA_HDRLEN + sizeof(uint16_t))];
	} req;
	struct genlmsghdr *g = (void *)(req.b + NLMSG_HDRLEN);
	struct nlattr *nest = (void *)(req.b + NLMSG_HDRLEN + GENL_HDRLEN);
	unsigned char *pos = (unsigned char *)nest + NLA_HDRLEN;
	int depth = path ? path->depth : 0;

	klwm2m_clear_err(k);
	if (depth < 0 || depth > KLWM2M_PATH_DEPTH_MAX) {
		klwm2m_set_err(k, "a path has at most %d levels", KLWM2M_PATH_DEPTH_MAX);
		return -EINVAL;
	}
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_type = (uint16_t)k->family;
	g->cmd = KLWM2M_CMD_GET_TREE;
	g->version = KLWM2M_GENL_VERSION;
	for (int i = 0; i < depth; i++) {
		struct nlattr *a = (void *)pos;

		a->nla_type = KLWM2M_A_PATH_OBJ + i;
		a->nla_len = NLA_HDRLEN + sizeof(uint16_t);
		memcpy(pos + NLA_HDRLEN, &ids[i], sizeof(uint16_t));
		pos += NLA_ALIGN(a->nla_len);
	}
	if (depth) {
		nest->nla_type = KLWM2M_A_VALUE_PATH | NLA_F_NESTED;
		nest->nla_len = (uint16_t)(pos - (unsigned char *)nest);
	} else {
		pos = (unsigned char *)nest;
	}
	req.nlh.nlmsg_len = (uint32_t)(pos - req.b);
	return klwm2m_transact_one(k, &req.nlh, parse_tree, &d);
}

KLWM2M_API int klwm2m_dump(struct klwm2m *k, const struct klwm2m_path *path,
			   int (*cb)(const struct klwm2m_record *rec, void *arg), void *arg)
{
	struct dump_ctx d = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int err, intr = 0;

	klwm2m_clear_err(k);
	if (path && path->depth > KLWM2M_PATH_DEPTH_MAX) {
		klwm2m_set_err(k, "a path has at most %d levels", KLWM2M_PATH_DEPTH_MAX);
		return -EINVAL;
	}
	msg = klwm2m_kept_request(k, KLWM2M_CMD_GET, NLM_F_DUMP, 256);
	if (!msg)
		return -ENOMEM;
	if (path && path->depth && klwm2m_put_path(msg, KLWM2M_A_VALUE_PATH, path)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = klwm2m_transact_dump(k, msg, KLWM2M_A_VALUE_MAX, parse_record, &d, &intr);
	if (!err && intr) {
		klwm2m_set_err(k, "the dump was interrupted by concurrent changes: "
			       "the records may mix states; dump again");
		return -EAGAIN;
	}
	return err;
}
