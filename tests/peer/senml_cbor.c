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
		if (!cbor_is_bool(it)) {
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

int senml_cbor_decode(const uint8_t *buf, size_t len, struct pv_list *out, const char **err)
{
	struct cbor_load_result res;
	cbor_item_t *root = cbor_load(buf, len, &res);
	char bn[128] = "";
	int ret = 0;

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
