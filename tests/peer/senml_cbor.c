// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML CBOR (RFC 8428 §6; content format 112): an array of maps whose keys
 * are the integer labels bn -2, bt -3, n 0, v 2, vs 3, vb 4, t 6, vd 8
 * (a byte string), plus LwM2M's text key "vlo" (object link "O:I"). Names
 * resolve as in SenML JSON. Parsed with libcbor; indefinite-length strings
 * are accepted, tags and unknown negative labels are not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "formats.h"

enum { L_BN = -2, L_BT = -3, L_N = 0, L_V = 2, L_VS = 3, L_VB = 4, L_T = 6, L_VD = 8, L_VLO = 1000 };

/* Copies a (possibly indefinite) text or byte string into v. */
static int cbor_bytes(cbor_item_t *it, enum pv_kind kind, struct pv_value *v)
{
	struct pbuf o = { 0 };
	int ret;

	if (cbor_isa_string(it) && cbor_string_is_definite(it)) {
		pbuf_put(&o, cbor_string_handle(it), cbor_string_length(it));
	} else if (cbor_isa_bytestring(it) && cbor_bytestring_is_definite(it)) {
		pbuf_put(&o, cbor_bytestring_handle(it), cbor_bytestring_length(it));
	} else if (cbor_isa_string(it)) {
		cbor_item_t **c = cbor_string_chunks_handle(it);

		for (size_t i = 0; i < cbor_string_chunk_count(it); i++)
			pbuf_put(&o, cbor_string_handle(c[i]), cbor_string_length(c[i]));
	} else {
		cbor_item_t **c = cbor_bytestring_chunks_handle(it);

		for (size_t i = 0; i < cbor_bytestring_chunk_count(it); i++)
			pbuf_put(&o, cbor_bytestring_handle(c[i]), cbor_bytestring_length(c[i]));
	}
	ret = o.err ? o.err : pv_value_set_buf(v, kind, o.b, o.n);
	free(o.b);
	return ret;
}

static int label_of(cbor_item_t *k, int *label)
{
	struct pv_value s = { 0 };

	if (cbor_isa_uint(k) && cbor_get_int(k) < 100) {
		*label = (int)cbor_get_int(k);
		return 0;
	}
	if (cbor_isa_negint(k) && cbor_get_int(k) < 100) {
		*label = -1 - (int)cbor_get_int(k);
		return 0;
	}
	if (!cbor_isa_string(k) || cbor_bytes(k, PV_STR, &s))
		return -EINVAL;
	*label = !strcmp((char *)s.buf, "vlo") ? L_VLO : 999;
	if (s.len && s.buf[s.len - 1] == '_')	/* must-understand */
		*label = -99;
	pv_value_free(&s);
	return 0;
}

static int number(cbor_item_t *it, struct pv_value *v)
{
	if (cbor_isa_uint(it)) {
		uint64_t u = cbor_get_int(it);

		if (u > INT64_MAX) {
			v->kind = PV_UINT;
			v->u = u;
		} else {
			v->kind = PV_INT;
			v->i = (int64_t)u;
		}
		return 0;
	}
	if (cbor_isa_negint(it)) {
		uint64_t n = cbor_get_int(it);

		if (n > INT64_MAX)
			return -EINVAL;
		v->kind = PV_INT;
		v->i = -1 - (int64_t)n;
		return 0;
	}
	if (cbor_isa_float_ctrl(it) && !cbor_float_ctrl_is_ctrl(it)) {
		v->kind = PV_FLOAT;
		v->f = cbor_float_get_float(it);
		return 0;
	}
	return -EINVAL;
}

static int value_of(int label, cbor_item_t *it, struct pv_value *v, const char **err)
{
	char lit[32];
	int ret;

	switch (label) {
	case L_V:
		if (number(it, v)) {
			*err = "SenML v is not a number";
			return -EINVAL;
		}
		return 0;
	case L_VB:
		/* cbor_is_bool() asserts on a float: libcbor 0.8 asks the width first */
		if (!cbor_isa_float_ctrl(it) || !cbor_float_ctrl_is_ctrl(it) || !cbor_is_bool(it)) {
			*err = "SenML vb is not a boolean";
			return -EINVAL;
		}
		v->kind = PV_BOOL;
		v->b = cbor_get_bool(it);
		return 0;
	case L_VD:
		if (!cbor_isa_bytestring(it)) {
			*err = "SenML vd is not a byte string";
			return -EINVAL;
		}
		return cbor_bytes(it, PV_OPAQUE, v);
	default:	/* vs, vlo */
		if (!cbor_isa_string(it)) {
			*err = "SenML vs/vlo is not a text string";
			return -EINVAL;
		}
		ret = cbor_bytes(it, PV_STR, v);
		if (ret || label == L_VS)
			return ret;
		snprintf(lit, sizeof(lit), "objlnk:%.20s", (char *)v->buf);
		pv_value_free(v);
		if (pv_value_parse(lit, v, err)) {
			*err = "SenML vlo is not OBJ:INST";
			return -EINVAL;
		}
		return 0;
	}
}

static int decode_record(cbor_item_t *rec, char *bn, size_t bnsize, struct pv_list *out,
			 const char **err)
{
	struct cbor_pair *pairs;
	struct pv_value v = { 0 }, name = { 0 };
	struct pv_path p;
	int ret = -EINVAL;

	if (!cbor_isa_map(rec)) {
		*err = "SenML record is not a map";
		return -EINVAL;
	}
	pairs = cbor_map_handle(rec);
	for (size_t i = 0; i < cbor_map_size(rec); i++) {
		struct pv_value s = { 0 };
		int label;

		/* base fields: bver -1, bn, bt, bu -4 known; bv, bs and the rest change values */
		if (label_of(pairs[i].key, &label) || (label < 0 && label < -4)) {
			*err = "unknown or must-understand SenML label";
			goto out;
		}
		switch (label) {
		case L_BN:
		case L_N:
			if (!cbor_isa_string(pairs[i].value) || cbor_bytes(pairs[i].value, PV_STR, &s) ||
			    s.len >= bnsize || memchr(s.buf, 0, s.len)) {
				pv_value_free(&s);
				*err = "SenML name is not a (short) text string";
				goto out;
			}
			if (label == L_BN) {
				snprintf(bn, bnsize, "%s", (char *)s.buf);
				pv_value_free(&s);
			} else {
				pv_value_free(&name);
				name = s;
			}
			break;
		case L_V:
		case L_VS:
		case L_VB:
		case L_VD:
		case L_VLO:
			if (v.kind != PV_NONE) {
				*err = "SenML record with two values";
				goto out;
			}
			ret = value_of(label, pairs[i].value, &v, err);
			if (ret)
				goto out;
			ret = -EINVAL;
			break;
		case L_BT:
		case L_T:
			if (number(pairs[i].value, &s)) {
				*err = "SenML time is not a number";
				goto out;
			}
			break;
		default:
			break;
		}
	}
	ret = senml_path(bn, name.buf ? (char *)name.buf : "", &p, err);
	if (ret)
		goto out;
	if (v.kind == PV_NONE) {
		*err = "SenML record without a value";
		ret = -EINVAL;
		goto out;
	}
	pv_value_free(&name);
	return pv_list_add(out, &p, &v);
out:
	pv_value_free(&v);
	pv_value_free(&name);
	return ret;
}

/*
 * cbor_load() allocates a definite array or map for the count its header
 * claims, before any item of it is read: 120 bytes can claim gigabytes.
 * So the payload is walked first with the streaming decoder, keeping the
 * items the open containers still expect; each needs at least a byte, so
 * more of them than bytes left means a lie.
 */
#define CBOR_NEST_MAX	16
#define CBOR_INDEF	UINT64_MAX

struct cbor_budget {
	uint64_t open[CBOR_NEST_MAX];	/* items each open container expects, or CBOR_INDEF */
	int depth;
	uint64_t pending;		/* their sum, indefinite ones left out */
	int items;			/* top-level items begun */
	int bad;
};

/* An item begins: it fills a slot of the container it is in. */
static void budget_item(struct cbor_budget *b)
{
	if (!b->depth) {
		b->items++;
		return;
	}
	if (b->open[b->depth - 1] != CBOR_INDEF) {
		b->open[b->depth - 1]--;
		b->pending--;
	}
}

/* Containers whose last item began are complete. */
static void budget_close(struct cbor_budget *b)
{
	while (b->depth && !b->open[b->depth - 1])
		b->depth--;
}

static void budget_open(struct cbor_budget *b, uint64_t n)
{
	budget_item(b);
	if (b->depth == CBOR_NEST_MAX) {
		b->bad = 1;
		return;
	}
	if (n != CBOR_INDEF)
		b->pending += n;
	b->open[b->depth++] = n;
	budget_close(b);
}

static void budget_leaf(struct cbor_budget *b)
{
	budget_item(b);
	budget_close(b);
}

static void cb_array(void *ctx, uint64_t n)
{
	struct cbor_budget *b = ctx;

	if (n > CBOR_INDEF / 4)
		b->bad = 1;
	else
		budget_open(b, n);
}

static void cb_map(void *ctx, uint64_t n)
{
	cb_array(ctx, n > CBOR_INDEF / 4 ? n : 2 * n);	/* a key and a value each */
}

static void cb_indef(void *ctx)
{
	budget_open(ctx, CBOR_INDEF);
}

static void cb_break(void *ctx)
{
	struct cbor_budget *b = ctx;

	if (!b->depth || b->open[b->depth - 1] != CBOR_INDEF) {
		b->bad = 1;
		return;
	}
	b->depth--;
	budget_close(b);
}

static void cb_u8(void *ctx, uint8_t v) { (void)v; budget_leaf(ctx); }
static void cb_u16(void *ctx, uint16_t v) { (void)v; budget_leaf(ctx); }
static void cb_u32(void *ctx, uint32_t v) { (void)v; budget_leaf(ctx); }
static void cb_u64(void *ctx, uint64_t v) { (void)v; budget_leaf(ctx); }
static void cb_bytes(void *ctx, cbor_data d, uint64_t n) { (void)d; (void)n; budget_leaf(ctx); }
static void cb_float(void *ctx, float v) { (void)v; budget_leaf(ctx); }
static void cb_double(void *ctx, double v) { (void)v; budget_leaf(ctx); }
static void cb_bool(void *ctx, bool v) { (void)v; budget_leaf(ctx); }
static void cb_none(void *ctx) { budget_leaf(ctx); }
static void cb_tag(void *ctx, uint64_t v) { (void)ctx; (void)v; }	/* the tagged item fills the slot */

static int cbor_sizes_ok(const uint8_t *buf, size_t len)
{
	struct cbor_callbacks cb = cbor_empty_callbacks;
	struct cbor_budget b = { 0 };
	size_t off = 0;

	cb.uint8 = cb.negint8 = cb_u8;
	cb.uint16 = cb.negint16 = cb_u16;
	cb.uint32 = cb.negint32 = cb_u32;
	cb.uint64 = cb.negint64 = cb_u64;
	cb.byte_string = cb.string = cb_bytes;
	cb.byte_string_start = cb.string_start = cb_indef;
	cb.array_start = cb_array;
	cb.indef_array_start = cb_indef;
	cb.map_start = cb_map;
	cb.indef_map_start = cb_indef;
	cb.tag = cb_tag;
	cb.float2 = cb.float4 = cb_float;
	cb.float8 = cb_double;
	cb.undefined = cb.null = cb_none;
	cb.boolean = cb_bool;
	cb.indef_break = cb_break;
	while (off < len && !b.bad) {
		struct cbor_decoder_result r = cbor_stream_decode(buf + off, len - off, &cb, &b);

		if (r.status != CBOR_DECODER_FINISHED || !r.read)
			return 0;
		off += r.read;
		if (b.pending > len - off)
			return 0;
		if (b.items && !b.depth)
			break;	/* the first item is complete: cbor_load() reads no more */
	}
	return !b.bad;
}

int senml_cbor_decode(const uint8_t *buf, size_t len, struct pv_list *out, const char **err)
{
	struct cbor_load_result res;
	cbor_item_t *root;
	char bn[128] = "";
	int ret = 0;

	if (!cbor_sizes_ok(buf, len)) {
		*err = "CBOR that claims more items than it has bytes, or nests too deep";
		return -EINVAL;
	}
	root = cbor_load(buf, len, &res);
	if (!root || res.error.code != CBOR_ERR_NONE || res.read != len) {
		*err = "not CBOR (or trailing bytes)";
		ret = -EINVAL;
	} else if (!cbor_isa_array(root)) {
		*err = "SenML CBOR is not an array";
		ret = -EINVAL;
	}
	for (size_t i = 0; !ret && i < cbor_array_size(root); i++)
		ret = decode_record(cbor_array_handle(root)[i], bn, sizeof(bn), out, err);
	if (root)
		cbor_decref(&root);
	return ret;
}

static cbor_item_t *cbor_of(const struct pv_value *v)
{
	char lnk[16];

	switch (v->kind) {
	case PV_INT:
	case PV_TIME:
		return v->i >= 0 ? cbor_build_uint64((uint64_t)v->i) :
				   cbor_build_negint64((uint64_t)(-(v->i + 1)));
	case PV_UINT:
		return cbor_build_uint64(v->u);
	case PV_FLOAT:
		return cbor_build_float8(v->f);
	case PV_BOOL:
		return cbor_build_bool(v->b);
	case PV_OBJLNK:
		snprintf(lnk, sizeof(lnk), "%u:%u", v->lnk.obj, v->lnk.inst);
		return cbor_build_string(lnk);
	case PV_OPAQUE:
		return cbor_build_bytestring(v->buf, v->len);
	case PV_STR:
	case PV_TEXT:
	case PV_RAW:
		return cbor_build_stringn((const char *)v->buf, v->len);
	default:
		return NULL;
	}
}

static bool add_pair(cbor_item_t *map, cbor_item_t *k, cbor_item_t *val)
{
	bool ok = k && val && cbor_map_add(map, (struct cbor_pair){ .key = k, .value = val });

	if (k)
		cbor_decref(&k);
	if (val)
		cbor_decref(&val);
	return ok;
}

int senml_cbor_encode(const struct pv_path *base, const struct pv_list *vals, struct pbuf *o,
		      const char **err)
{
	cbor_item_t *arr = cbor_new_definite_array(vals->n);
	unsigned char *ser = NULL;
	size_t size = 0, n;
	char bn[64], name[64];
	bool ok = arr;

	senml_names(base, vals, bn, sizeof(bn));
	for (size_t i = 0; ok && i < vals->n; i++) {
		const struct pv_value *v = &vals->r[i].v;
		cbor_item_t *rec = cbor_new_definite_map(i ? 2 : 3);
		cbor_item_t *key;

		ok = rec && cbor_array_push(arr, rec);
		if (rec)
			cbor_decref(&rec);
		if (!ok)
			break;
		rec = cbor_array_handle(arr)[i];
		if (i == 0 && !add_pair(rec, cbor_build_negint8(1), cbor_build_string(bn))) {
			ok = false;
			break;
		}
		senml_rel_name(bn, &vals->r[i].path, name, sizeof(name));
		ok = add_pair(rec, cbor_build_uint8(0), cbor_build_string(name));
		if (!ok)
			break;
		if (v->kind == PV_OBJLNK)
			key = cbor_build_string("vlo");
		else
			key = cbor_build_uint8(v->kind == PV_BOOL ? L_VB : v->kind == PV_OPAQUE ? L_VD :
					       (v->kind == PV_STR || v->kind == PV_TEXT ||
						v->kind == PV_RAW) ? L_VS : L_V);
		ok = add_pair(rec, key, cbor_of(v));
	}
	if (ok) {
		n = cbor_serialize_alloc(arr, &ser, &size);
		ok = n > 0;
		if (ok)
			pbuf_put(o, ser, n);
		free(ser);
	}
	if (arr)
		cbor_decref(&arr);
	if (!ok) {
		*err = "CBOR encoding failed";
		return -ENOMEM;
	}
	return o->err;
}
