// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OMA-TLV (application/vnd.oma.lwm2m+tlv, 11542; LwM2M TS 1.1 7.4.3).
 *
 * Each item: a type byte (bits 7-6: 00 object instance, 01 resource
 * instance, 10 multiple resource, 11 resource with a value; bit 5: a 16-bit
 * ID instead of 8; bits 4-3: the length in 0 (bits 2-0 hold it), 1, 2 or 3
 * following bytes), the ID, the length, the value. Object instances hold
 * resources; multiple resources hold resource instances. Values: integers
 * (and times) two's complement in 1, 2, 4 or 8 bytes, the shortest that
 * holds them; unsigned integers the same, unsigned; floats 4 bytes when the
 * single precision is exact, else 8; booleans 1 byte; object links 4 bytes
 * (object ID, instance ID); strings, opaque values and core links as they
 * are. A TLV does not carry types: decoding asks the object's definition.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

enum { TLV_INSTANCE, TLV_RES_INSTANCE, TLV_MULTIPLE, TLV_RESOURCE };
static const char *const kind_name[] = { "object instance", "resource instance",
					 "multiple resource", "resource" };

/* ---------------------------------------------------------------- encoding */

/* The longest header: type, a 16-bit ID, a 24-bit length. */
#define TLV_HEADER_MAX	6

/* The header of an item into @h: its length, or -E2BIG. */
static int header(unsigned char h[TLV_HEADER_MAX], unsigned kind, uint16_t id, size_t len)
{
	int n = 1;
	unsigned lt;

	if (len >= 1u << 24)
		return -E2BIG;
	lt = len < 8 ? 0 : len < 256 ? 1 : len < 65536 ? 2 : 3;
	h[0] = (unsigned char)(kind << 6 | (id > 255 ? 0x20 : 0) | lt << 3 | (lt ? 0 : len));
	if (id > 255)
		h[n++] = (unsigned char)(id >> 8);
	h[n++] = (unsigned char)id;
	for (unsigned k = lt; k > 0; k--)
		h[n++] = (unsigned char)(len >> (8 * (k - 1)));
	return n;
}

static int put_header(struct fmt_buf *b, unsigned kind, uint16_t id, size_t len)
{
	unsigned char h[TLV_HEADER_MAX];
	int n = header(h, kind, id, len);

	return n < 0 ? n : fmt_buf_put(b, h, (size_t)n);
}

static void be(unsigned char *out, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

static int put_item(struct fmt_buf *b, unsigned kind, uint16_t id, const struct klwm2m_value *v)
{
	unsigned char tmp[8];
	const void *p = tmp;
	size_t n;
	float f;
	int err;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		n = v->i == (int8_t)v->i ? 1 : v->i == (int16_t)v->i ? 2 : v->i == (int32_t)v->i ? 4 : 8;
		be(tmp, (uint64_t)v->i, n);
		break;
	case KLWM2M_TYPE_UNSIGNED:
		n = v->u <= UINT8_MAX ? 1 : v->u <= UINT16_MAX ? 2 : v->u <= UINT32_MAX ? 4 : 8;
		be(tmp, v->u, n);
		break;
	case KLWM2M_TYPE_FLOAT:
		f = (float)v->f;
		if ((double)f == v->f && !memcmp(&(double){ (double)f }, &v->f, sizeof(double))) {
			uint32_t bits;

			memcpy(&bits, &f, 4);
			be(tmp, bits, n = 4);
		} else {
			uint64_t bits;

			memcpy(&bits, &v->f, 8);
			be(tmp, bits, n = 8);
		}
		break;
	case KLWM2M_TYPE_BOOLEAN:
		tmp[0] = v->b ? 1 : 0;
		n = 1;
		break;
	case KLWM2M_TYPE_OBJLNK:
		be(tmp, v->objlnk.oid, 2);
		be(tmp + 2, v->objlnk.iid, 2);
		n = 4;
		break;
	default:	/* string, opaque, core link */
		p = v->bytes.ptr;
		n = v->bytes.len;
		break;
	}
	err = put_header(b, kind, id, n);
	return err ? err : fmt_buf_put(b, p, n);
}

/*
 * An item holding items (an object instance, a multiple resource) is
 * written in place: its contents after room for the longest header, then
 * the header, whose length is known only then, in front of them (the
 * contents moved back over the room left). While it is open the ceiling
 * is raised by that room, and checked exactly when it closes.
 */
static int nest_open(struct fmt_buf *out, size_t *start)
{
	static const unsigned char room[TLV_HEADER_MAX];
	int err;

	*start = out->len;
	out->max += TLV_HEADER_MAX;
	err = fmt_buf_put(out, room, sizeof(room));
	if (err)
		out->max -= TLV_HEADER_MAX;
	return err;
}

/* Close what nest_open() opened at @start: @err (0 or -errno) passed on. */
static int nest_close(struct fmt_buf *out, size_t start, unsigned kind, uint16_t id, int err)
{
	unsigned char h[TLV_HEADER_MAX];
	size_t len = out->len - start - TLV_HEADER_MAX;
	int n;

	out->max -= TLV_HEADER_MAX;
	n = err ? err : header(h, kind, id, len);
	if (n >= 0 && start + (size_t)n + len > out->max)
		n = -E2BIG;
	if (n < 0) {
		out->len = start;
		return n;
	}
	memmove(out->data + start + n, out->data + start + TLV_HEADER_MAX, len);
	memcpy(out->data + start, h, (size_t)n);
	out->len = start + (size_t)n + len;
	return 0;
}

/*
 * The resources among recs[*i..n) of the instance (or resource) @lead names
 * to @depth levels, as resource or multiple-resource items; advances *@i.
 */
static int put_resources(struct fmt_buf *out, const struct klwm2m_record *recs, size_t n,
			 size_t *i, const struct klwm2m_path *lead, int depth)
{
	while (*i < n) {
		const struct klwm2m_record *r = &recs[*i];
		struct klwm2m_path res = r->path;
		size_t start;
		int err;

		if (res.depth < 3 || (depth && (res.oid != lead->oid || res.iid != lead->iid)))
			return 0;
		if (r->kind == KLWM2M_RECORD_VALUE && res.depth == 3) {
			err = put_item(out, TLV_RESOURCE, res.rid, &r->value);
			if (err)
				return err;
			(*i)++;
			continue;
		}
		/* a multiple resource: its marker, its instances */
		err = nest_open(out, &start);
		if (err)
			return err;
		if (r->kind == FMT_RECORD_MULTIPLE)
			(*i)++;
		res.depth = 3;
		while (!err && *i < n && recs[*i].path.depth == 4 &&
		       fmt_path_under(&res, &recs[*i].path)) {
			err = put_item(out, TLV_RES_INSTANCE, recs[*i].path.riid, &recs[*i].value);
			(*i)++;
		}
		err = nest_close(out, start, TLV_MULTIPLE, res.rid, err);
		if (err)
			return err;
	}
	return 0;
}

int fmt_tlv_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		   struct fmt_buf *out, struct fmt_diag *diag)
{
	size_t i = 0;
	int err = 0;

	switch (base->depth) {
	case 0:
		return fmt_fail(diag, -EOPNOTSUPP, "TLV cannot carry the root (use SenML)");
	case 1:
		while (!err && i < n) {
			struct klwm2m_path inst = recs[i].path;
			size_t start;

			if (recs[i].kind == KLWM2M_RECORD_INSTANCE)
				i++;
			err = nest_open(out, &start);
			if (err)
				break;
			err = put_resources(out, recs, n, &i, &inst, 2);
			err = nest_close(out, start, TLV_INSTANCE, inst.iid, err);
		}
		break;
	case 2:
	case 3:
		while (i < n && recs[i].kind == KLWM2M_RECORD_INSTANCE)
			i++;
		err = put_resources(out, recs, n, &i, base, 0);
		break;
	default:
		for (; !err && i < n; i++)
			err = put_item(out, TLV_RES_INSTANCE, recs[i].path.riid, &recs[i].value);
	}
	if (err == -E2BIG)
		return fmt_fail(diag, err, "TLV payload larger than %zu bytes", out->max);
	return err ? fmt_fail(diag, err, "TLV encoding failed (%d)", err) : 0;
}

/* ---------------------------------------------------------------- decoding */

struct tlv {
	unsigned kind;
	uint16_t id;
	const unsigned char *v;
	size_t len;
};

/* The next item of *@p (*@len bytes); 0, or -EBADMSG. */
static int next_item(struct fmt_set *s, const unsigned char **p, size_t *len, struct tlv *t)
{
	const unsigned char *q = *p;
	size_t left = *len, need, l = 0;
	unsigned lt;

	need = 1 + ((q[0] & 0x20) ? 2 : 1) + ((q[0] >> 3) & 3);
	if (left < need)
		return fmt_fail(s->diag, -EBADMSG, "TLV header truncated (%zu of %zu bytes)", left,
				need);
	t->kind = q[0] >> 6;
	lt = (q[0] >> 3) & 3;
	t->id = (q[0] & 0x20) ? (uint16_t)(q[1] << 8 | q[2]) : q[1];
	q += (q[0] & 0x20) ? 3 : 2;
	if (!lt)
		l = **p & 7;
	for (unsigned k = 0; k < lt; k++)
		l = l << 8 | *q++;
	left -= need;
	if (l > left)
		return fmt_fail(s->diag, -EBADMSG, "TLV %s %u: length %zu overruns the payload (%zu left)",
				kind_name[t->kind], t->id, l, left);
	if (t->id == KLWM2M_ID_NONE)
		return fmt_fail(s->diag, -EBADMSG, "TLV %s with the reserved ID 65535",
				kind_name[t->kind]);
	t->v = q;
	t->len = l;
	*p = q + l;
	*len = left - l;
	return 0;
}

static uint64_t from_be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int read_value(struct fmt_set *s, const struct klwm2m_path *path, uint8_t type,
		      const struct tlv *t, struct klwm2m_value *v)
{
	char b[KLWM2M_PATH_STRLEN];
	bool size_ok = t->len == 1 || t->len == 2 || t->len == 4 || t->len == 8;
	uint64_t raw = 0;

	memset(v, 0, sizeof(*v));
	v->type = type;
	if (t->len <= 8)
		raw = from_be(t->v, t->len);
	switch (type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		if (!size_ok)
			break;
		/* sign-extend from the item's width */
		v->i = t->len == 8 ? (int64_t)raw :
		       (int64_t)(raw ^ (1ULL << (8 * t->len - 1))) - (int64_t)(1ULL << (8 * t->len - 1));
		return 0;
	case KLWM2M_TYPE_UNSIGNED:
		if (!size_ok)
			break;
		v->u = raw;
		return 0;
	case KLWM2M_TYPE_FLOAT:
		if (t->len == 4) {
			uint32_t u32 = (uint32_t)raw;
			float f;

			memcpy(&f, &u32, 4);
			v->f = f;
			return 0;
		}
		if (t->len == 8) {
			memcpy(&v->f, &raw, 8);
			return 0;
		}
		break;
	case KLWM2M_TYPE_BOOLEAN:
		if (t->len == 1 && raw <= 1) {
			v->b = (int)raw;
			return 0;
		}
		return fmt_fail(s->diag, -EINVAL, "%s: a boolean is one byte, 0 or 1",
				fmt_path_str(path, b));
	case KLWM2M_TYPE_OBJLNK:
		if (t->len != 4)
			break;
		v->objlnk.oid = (uint16_t)(raw >> 16);
		v->objlnk.iid = (uint16_t)raw;
		return 0;
	default:
		v->bytes.ptr = t->v;
		v->bytes.len = t->len;
		return 0;
	}
	return fmt_fail(s->diag, -EINVAL, "%s: %zu bytes cannot be a TLV %s", fmt_path_str(path, b),
			t->len, klwm2m_type_name(type));
}

/* A resource or multiple resource item @t of instance @inst. */
static int read_resource(struct fmt_set *s, const struct klwm2m_path *inst, const struct tlv *t)
{
	struct klwm2m_path p = *inst;
	const unsigned char *q;
	struct klwm2m_value v;
	char b[KLWM2M_PATH_STRLEN];
	uint8_t type;
	int multiple, err;
	size_t left;

	p.rid = t->id;
	p.depth = 3;
	if (t->kind != TLV_RESOURCE && t->kind != TLV_MULTIPLE)
		return fmt_fail(s->diag, -EBADMSG, "TLV %s %u where a resource belongs",
				kind_name[t->kind], t->id);
	if (!fmt_path_under(s->base, &p))
		return fmt_set_outside(s, &p);
	err = fmt_set_type(s, &p, &type, &multiple);
	if (err)
		return err;
	if (t->kind == TLV_RESOURCE) {
		if (multiple)
			return fmt_fail(s->diag, -EBADMSG, "%s is a multiple resource, sent as a single one",
					fmt_path_str(&p, b));
		err = read_value(s, &p, type, t, &v);
		return err ? err : fmt_set_add(s, KLWM2M_RECORD_VALUE, &p, &v);
	}
	if (!multiple)
		return fmt_fail(s->diag, -EBADMSG, "%s is a single resource, sent as a multiple one",
				fmt_path_str(&p, b));
	err = fmt_set_add(s, FMT_RECORD_MULTIPLE, &p, NULL);
	q = t->v;
	left = t->len;
	p.depth = 4;
	while (!err && left) {
		struct tlv ri;

		err = next_item(s, &q, &left, &ri);
		if (err)
			break;
		if (ri.kind != TLV_RES_INSTANCE)
			return fmt_fail(s->diag, -EBADMSG, "TLV %s %u inside multiple resource %u",
					kind_name[ri.kind], ri.id, t->id);
		p.riid = ri.id;
		err = read_value(s, &p, type, &ri, &v);
		if (!err)
			err = fmt_set_add(s, KLWM2M_RECORD_VALUE, &p, &v);
	}
	return err;
}

/* The resources in @t's value (an object instance) or at the top level. */
static int read_resources(struct fmt_set *s, const struct klwm2m_path *inst,
			  const unsigned char *q, size_t left)
{
	int err = 0;

	while (!err && left) {
		struct tlv t;

		err = next_item(s, &q, &left, &t);
		if (!err)
			err = read_resource(s, inst, &t);
	}
	return err;
}

static int read_instances(struct fmt_set *s, const unsigned char *q, size_t left)
{
	struct klwm2m_path inst = *s->base;
	int err = 0;

	inst.depth = 2;
	while (!err && left) {
		struct tlv t;

		err = next_item(s, &q, &left, &t);
		if (err)
			break;
		if (t.kind != TLV_INSTANCE)
			return fmt_fail(s->diag, -EBADMSG, "TLV %s %u beside object instances",
					kind_name[t.kind], t.id);
		inst.iid = t.id;
		err = s->base->depth == 1 ? fmt_set_add(s, KLWM2M_RECORD_INSTANCE, &inst, NULL) :
		      !fmt_path_under(s->base, &inst) ? fmt_set_outside(s, &inst) : 0;
		if (!err)
			err = read_resources(s, &inst, t.v, t.len);
	}
	return err;
}

int fmt_tlv_decode(struct fmt_set *s, const unsigned char *p, size_t len)
{
	struct klwm2m_path res = *s->base;
	unsigned first;
	const unsigned char *q = p;
	size_t left = len;
	uint8_t type;
	int multiple, err = 0;

	if (s->base->depth == 0)
		return fmt_fail(s->diag, -EOPNOTSUPP, "TLV cannot write to the root");
	if (!len)
		return 0;
	first = p[0] >> 6;
	switch (s->base->depth) {
	case 1:
		if (first == TLV_INSTANCE)
			return read_instances(s, p, len);
		/* Create with resources only: the instance is the client's choice */
		res.iid = KLWM2M_ID_NONE;
		res.depth = 2;
		err = fmt_set_add(s, KLWM2M_RECORD_INSTANCE, &res, NULL);
		return err ? err : read_resources(s, &res, p, len);
	case 2:
		if (first == TLV_INSTANCE)
			return read_instances(s, p, len);
		return read_resources(s, s->base, p, len);
	case 3:
		if (first != TLV_RES_INSTANCE)
			return read_resources(s, s->base, p, len);
		err = fmt_set_type(s, &res, &type, &multiple);
		if (!err && !multiple)
			err = fmt_fail(s->diag, -EBADMSG, "resource instances for a single resource");
		break;
	default:
		res.depth = 3;
		err = fmt_set_type(s, &res, &type, &multiple);
		if (!err && !multiple)
			err = fmt_fail(s->diag, -ENOENT, "a single resource has no instances");
	}
	/* resource instances at the top level: of the base's resource */
	res = *s->base;
	res.depth = 4;
	while (!err && left) {
		struct tlv t;
		struct klwm2m_value v;

		err = next_item(s, &q, &left, &t);
		if (err)
			break;
		if (t.kind != TLV_RES_INSTANCE)
			return fmt_fail(s->diag, -EBADMSG, "TLV %s %u beside resource instances",
					kind_name[t.kind], t.id);
		res.riid = t.id;
		err = read_value(s, &res, type, &t, &v);
		if (!err)
			err = fmt_set_add(s, KLWM2M_RECORD_VALUE, &res, &v);
	}
	return err;
}
