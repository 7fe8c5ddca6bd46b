// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OMA LwM2M TLV (content format 11542), from the LwM2M 1.1 Core TS §7.4.3.
 *
 * Each entry: a type byte (bits 7-6 identifier kind: 00 object instance,
 * 01 resource instance, 10 multiple resource, 11 resource with value; bit 5:
 * 16-bit identifier; bits 4-3: length field size 0-3 bytes; bits 2-0: the
 * length itself when the field size is 0), the identifier, the length, the
 * value. Instances and multiple resources nest entries; nesting is at most
 * instance > multiple resource > resource instance.
 *
 * Decoded values are PV_RAW: TLV does not say what type a value has.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

enum { TLV_INST = 0, TLV_RINST = 1, TLV_MULTI = 2, TLV_RES = 3 };

struct tlv {
	unsigned int kind, id;
	const uint8_t *val;
	size_t len;
};

/* Reads one entry at *off; -EINVAL on truncation. */
static int tlv_next(const uint8_t *buf, size_t len, size_t *off, struct tlv *t, const char **err)
{
	size_t o = *off, idlen, lenlen;
	uint8_t type;

	if (o >= len)
		goto truncated;
	type = buf[o++];
	t->kind = type >> 6;
	idlen = type & 0x20 ? 2 : 1;
	lenlen = (type >> 3) & 3;
	if (len - o < idlen + lenlen)
		goto truncated;
	t->id = idlen == 2 ? (unsigned int)buf[o] << 8 | buf[o + 1] : buf[o];
	o += idlen;
	if (lenlen) {
		t->len = 0;
		for (size_t i = 0; i < lenlen; i++)
			t->len = t->len << 8 | buf[o++];
	} else {
		t->len = type & 7;
	}
	if (len - o < t->len)
		goto truncated;
	t->val = buf + o;
	*off = o + t->len;
	return 0;
truncated:
	*err = "truncated TLV entry";	/* only on failure: callers keep err across calls */
	return -EINVAL;
}

static int add_raw(struct pv_list *out, const struct pv_path *p, const struct tlv *t)
{
	struct pv_value v;
	int ret = pv_value_set_buf(&v, PV_RAW, t->val, t->len);

	return ret ? ret : pv_list_add(out, p, &v);
}

static int with_id(const struct pv_path *prefix, unsigned int id, struct pv_path *p,
		   const char **err)
{
	*p = *prefix;
	if (id == PV_NO_ID || p->depth >= 4) {
		*err = "TLV identifier 65535 or path too deep";
		return -EINVAL;
	}
	p->id[p->depth++] = (uint16_t)id;
	return 0;
}

/* Entries of a multiple resource: resource instances only. */
static int decode_rinsts(const struct pv_path *res, const uint8_t *buf, size_t len,
			 struct pv_list *out, const char **err)
{
	for (size_t off = 0; off < len;) {
		struct pv_path p;
		struct tlv t;
		int ret;

		if (tlv_next(buf, len, &off, &t, err))
			return -EINVAL;
		if (t.kind != TLV_RINST) {
			*err = "a multiple resource holds only resource instances";
			return -EINVAL;
		}
		ret = with_id(res, t.id, &p, err);
		if (!ret)
			ret = add_raw(out, &p, &t);
		if (ret)
			return ret;
	}
	return 0;
}

/* A resource entry (single or multiple) under the instance path inst. */
static int decode_res(const struct pv_path *inst, const struct tlv *t, struct pv_list *out,
		      const char **err)
{
	struct pv_path p;
	int ret = with_id(inst, t->id, &p, err);

	if (ret)
		return ret;
	if (t->kind == TLV_RES)
		return add_raw(out, &p, t);
	return decode_rinsts(&p, t->val, t->len, out, err);
}

static int decode_resources(const struct pv_path *inst, const uint8_t *buf, size_t len,
			    struct pv_list *out, const char **err)
{
	for (size_t off = 0; off < len;) {
		struct tlv t;
		int ret;

		if (tlv_next(buf, len, &off, &t, err))
			return -EINVAL;
		if (t.kind != TLV_RES && t.kind != TLV_MULTI) {
			*err = "an object instance holds only resources";
			return -EINVAL;
		}
		ret = decode_res(inst, &t, out, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int path_cmp(const void *a, const void *b)
{
	const struct pv_path *x = *(const struct pv_path *const *)a;
	const struct pv_path *y = *(const struct pv_path *const *)b;

	for (int i = 0; i < 4; i++) {
		int xi = i < x->depth ? x->id[i] : -1, yi = i < y->depth ? y->id[i] : -1;

		if (xi != yi)
			return xi < yi ? -1 : 1;
	}
	return 0;
}

/*
 * A TLV payload names each value once, and a resource as single or as
 * multiple, not both: no path of out->r[from..] may equal or lie under
 * another (sorted, a path comes right before those under it).
 */
static int no_repeats(const struct pv_list *out, size_t from, const char **err)
{
	size_t n = out->n - from;
	const struct pv_path **p;
	int ret = 0;

	if (n < 2)
		return 0;
	p = malloc(n * sizeof(*p));
	if (!p) {
		*err = "out of memory";
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = &out->r[from + i].path;
	qsort(p, n, sizeof(*p), path_cmp);
	for (size_t i = 1; i < n && !ret; i++)
		if (pv_path_under(p[i], p[i - 1])) {
			*err = "TLV gives the same value twice, or a resource as single and multiple";
			ret = -EINVAL;
		}
	free(p);
	return ret;
}

int tlv_decode(const struct pv_path *base, const uint8_t *buf, size_t len,
	       struct pv_list *out, const char **err)
{
	struct pv_path prefix = *base;
	size_t from = out->n;

	if (!base->depth) {
		*err = "TLV needs at least an object in the request path";
		return -EINVAL;
	}
	for (size_t off = 0; off < len;) {
		struct pv_path p;
		struct tlv t;
		int ret;

		if (tlv_next(buf, len, &off, &t, err))
			return -EINVAL;
		switch (t.kind) {
		case TLV_INST:
			if (base->depth != 1) {
				*err = "object instance entry below an object instance";
				return -EINVAL;
			}
			ret = with_id(base, t.id, &p, err);
			if (!ret)
				ret = decode_resources(&p, t.val, t.len, out, err);
			break;
		case TLV_RES:
		case TLV_MULTI:
			prefix.depth = base->depth > 2 ? 2 : base->depth;
			if (prefix.depth == 1) {	/* a create's resources: no instance yet */
				prefix.id[1] = PV_NO_ID;
				prefix.depth = 2;
			}
			if (base->depth >= 3 && t.id != base->id[2]) {
				*err = "TLV resource ID is not the requested resource";
				return -EINVAL;
			}
			ret = decode_res(&prefix, &t, out, err);
			break;
		default:	/* resource instance */
			if (base->depth < 3) {
				*err = "resource instance entry without its resource";
				return -EINVAL;
			}
			if (base->depth == 4 && t.id != base->id[3]) {
				*err = "TLV resource instance ID is not the requested one";
				return -EINVAL;
			}
			prefix.depth = 3;
			ret = with_id(&prefix, t.id, &p, err);
			if (!ret)
				ret = add_raw(out, &p, &t);
			break;
		}
		if (ret)
			return ret;
	}
	return no_repeats(out, from, err);
}

/* ---- encoding */

static void put_header(struct pbuf *o, unsigned int kind, unsigned int id, size_t len)
{
	uint8_t type = (uint8_t)(kind << 6);
	uint8_t hdr[6];
	size_t n = 1;

	if (id > 0xff) {
		type |= 0x20;
		hdr[n++] = (uint8_t)(id >> 8);
	}
	hdr[n++] = (uint8_t)id;
	if (len < 8) {
		type |= (uint8_t)len;
	} else {
		size_t lenlen = len < 0x100 ? 1 : len < 0x10000 ? 2 : 3;

		type |= (uint8_t)(lenlen << 3);
		for (size_t i = lenlen; i-- > 0;)
			hdr[n++] = (uint8_t)(len >> (8 * i));
	}
	hdr[0] = type;
	pbuf_put(o, hdr, n);
}

static void put_be(struct pbuf *o, uint64_t u, size_t len)
{
	for (size_t i = len; i-- > 0;)
		pbuf_byte(o, (uint8_t)(u >> (8 * i)));
}

/* The value's bytes, the smallest integer width that holds it. */
static int value_bytes(const struct pv_value *v, struct pbuf *o, const char **err)
{
	switch (v->kind) {
	case PV_INT:
	case PV_TIME: {
		int64_t i = v->i;
		size_t w = (i >= INT8_MIN && i <= INT8_MAX) ? 1 :
			   (i >= INT16_MIN && i <= INT16_MAX) ? 2 :
			   (i >= INT32_MIN && i <= INT32_MAX) ? 4 : 8;

		put_be(o, (uint64_t)i, w);
		break;
	}
	case PV_UINT: {
		uint64_t u = v->u;

		put_be(o, u, u <= 0xff ? 1 : u <= 0xffff ? 2 : u <= 0xffffffffu ? 4 : 8);
		break;
	}
	case PV_FLOAT: {
		float f = (float)v->f;
		uint64_t u;

		if ((double)f == v->f) {
			uint32_t w;

			memcpy(&w, &f, sizeof(w));
			put_be(o, w, 4);
		} else {
			memcpy(&u, &v->f, sizeof(u));
			put_be(o, u, 8);
		}
		break;
	}
	case PV_BOOL:
		pbuf_byte(o, v->b);
		break;
	case PV_OBJLNK:
		put_be(o, v->lnk.obj, 2);
		put_be(o, v->lnk.inst, 2);
		break;
	case PV_STR:
	case PV_OPAQUE:
	case PV_RAW:
	case PV_TEXT:
		pbuf_put(o, v->buf, v->len);
		break;
	default:
		*err = "no value";
		return -EINVAL;
	}
	return 0;
}

static int put_entry(struct pbuf *o, unsigned int kind, unsigned int id,
		     const struct pbuf *content)
{
	if (content->n >= 1u << 24)
		return -E2BIG;
	put_header(o, kind, id, content->n);
	pbuf_put(o, content->b, content->n);
	return 0;
}

static int put_value(struct pbuf *o, unsigned int kind, unsigned int id,
		     const struct pv_value *v, const char **err)
{
	struct pbuf val = { 0 };
	int ret = value_bytes(v, &val, err);

	if (!ret)
		ret = val.err ? val.err : put_entry(o, kind, id, &val);
	free(val.b);
	return ret;
}

/* Whether id at level lvl was seen in an earlier record with the same prefix. */
static bool seen_before(const struct pv_list *vals, size_t upto, const struct pv_path *p, int lvl)
{
	for (size_t i = 0; i < upto; i++) {
		const struct pv_path *q = &vals->r[i].path;
		bool same = q->depth > lvl;

		for (int k = 0; same && k <= lvl; k++)
			same = q->id[k] == p->id[k];
		if (same)
			return true;
	}
	return false;
}

static bool same_prefix(const struct pv_path *a, const struct pv_path *b, int lvl)
{
	if (a->depth <= lvl || b->depth <= lvl)
		return false;
	for (int k = 0; k <= lvl; k++)
		if (a->id[k] != b->id[k])
			return false;
	return true;
}

/* All resources of the records under inst (a record's path), in first-seen order. */
static int encode_resources(const struct pv_list *vals, const struct pv_path *inst,
			    struct pbuf *o, const char **err)
{
	for (size_t i = 0; i < vals->n; i++) {
		const struct pv_path *p = &vals->r[i].path;
		struct pbuf multi = { 0 };
		int ret = 0;

		if (!same_prefix(p, inst, 1) || p->depth < 3 || seen_before(vals, i, p, 2))
			continue;
		if (p->depth == 3) {
			ret = put_value(o, TLV_RES, p->id[2], &vals->r[i].v, err);
		} else {
			for (size_t j = i; j < vals->n && !ret; j++)
				if (same_prefix(&vals->r[j].path, p, 2))
					ret = put_value(&multi, TLV_RINST, vals->r[j].path.id[3],
							&vals->r[j].v, err);
			if (!ret)
				ret = multi.err ? multi.err : put_entry(o, TLV_MULTI, p->id[2], &multi);
			free(multi.b);
		}
		if (ret)
			return ret;
	}
	return 0;
}

int tlv_encode(const struct pv_path *base, const struct pv_list *vals, struct pbuf *o,
	       const char **err)
{
	int ret = 0;

	for (size_t i = 0; i < vals->n; i++)
		if (vals->r[i].path.depth < 3) {
			*err = "TLV values are resources or resource instances";
			return -EINVAL;
		}
	switch (base->depth) {
	case 1:
		for (size_t i = 0; i < vals->n && !ret; i++) {
			const struct pv_path *p = &vals->r[i].path;
			struct pbuf inst = { 0 };

			if (seen_before(vals, i, p, 1))
				continue;
			if (p->id[1] == PV_NO_ID) {	/* create: the client picks the ID */
				ret = encode_resources(vals, p, o, err);
				continue;
			}
			ret = encode_resources(vals, p, &inst, err);
			if (!ret)
				ret = inst.err ? inst.err : put_entry(o, TLV_INST, p->id[1], &inst);
			free(inst.b);
		}
		break;
	case 2:
	case 3:
		ret = vals->n ? encode_resources(vals, &vals->r[0].path, o, err) : 0;
		break;
	case 4:
		for (size_t i = 0; i < vals->n && !ret; i++)
			ret = put_value(o, TLV_RINST, vals->r[i].path.id[3], &vals->r[i].v, err);
		break;
	default:
		*err = "TLV needs an object, instance or resource as target";
		return -EINVAL;
	}
	if (ret == -E2BIG)
		*err = "TLV entry longer than 16 MiB";
	return ret;
}
