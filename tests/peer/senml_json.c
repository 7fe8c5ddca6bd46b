// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML JSON (RFC 8428; content format 110) as LwM2M 1.1 uses it (Core TS
 * §7.4.4): an array of records; "bn" (base name) persists until the next
 * one, a record's name is bn + "n" and must be an LwM2M path; values in
 * "v" (number), "vs" (string), "vb" (boolean), "vd" (bytes, base64url without
 * padding; padded and standard base64 are accepted on input) or "vlo" (an
 * object link "O:I", LwM2M's extension). "bt"/"t" are accepted and ignored.
 * A key ending in '_' must be understood (RFC 8428 §4.4): rejected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "formats.h"

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64val(char c)
{
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	const char *p = strchr(b64url, c);

	return (p && c) ? (int)(p - b64url) : -1;
}

static int b64_decode(const char *s, struct pv_value *v)
{
	size_t n = strlen(s), o = 0;
	uint32_t acc = 0;
	int bits = 0;
	uint8_t *b;
	int ret;

	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -EINVAL;
	b = malloc(n * 3 / 4 + 1);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int d = b64val(s[i]);

		if (d < 0) {
			free(b);
			return -EINVAL;
		}
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b[o++] = (uint8_t)(acc >> bits);
		}
	}
	ret = pv_value_set_buf(v, PV_OPAQUE, b, o);
	free(b);
	return ret;
}

static void b64_encode(const uint8_t *b, size_t len, struct pbuf *o)
{
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | b[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			pbuf_byte(o, (uint8_t)b64url[(acc >> bits) & 63]);
		}
	}
	if (bits)
		pbuf_byte(o, (uint8_t)b64url[(acc << (6 - bits)) & 63]);
}

static int json_value(const char *key, json_object *val, struct pv_value *v, const char **err)
{
	const char *s;

	memset(v, 0, sizeof(*v));
	if (!strcmp(key, "v")) {
		if (json_object_is_type(val, json_type_int)) {
			int64_t i = json_object_get_int64(val);

			if (i == INT64_MAX && json_object_get_uint64(val) > INT64_MAX) {
				v->kind = PV_UINT;
				v->u = json_object_get_uint64(val);
			} else {
				v->kind = PV_INT;
				v->i = i;
			}
			return 0;
		}
		if (json_object_is_type(val, json_type_double)) {
			v->kind = PV_FLOAT;
			v->f = json_object_get_double(val);
			return 0;
		}
		*err = "\"v\" is not a number";
		return -EINVAL;
	}
	if (!strcmp(key, "vb")) {
		if (!json_object_is_type(val, json_type_boolean)) {
			*err = "\"vb\" is not a boolean";
			return -EINVAL;
		}
		v->kind = PV_BOOL;
		v->b = json_object_get_boolean(val);
		return 0;
	}
	if (!json_object_is_type(val, json_type_string)) {
		*err = "string value expected";
		return -EINVAL;
	}
	s = json_object_get_string(val);
	if (!strcmp(key, "vs"))
		return pv_value_set_buf(v, PV_STR, s, (size_t)json_object_get_string_len(val));
	if (!strcmp(key, "vd")) {
		if (b64_decode(s, v)) {
			*err = "\"vd\" is not base64";
			return -EINVAL;
		}
		return 0;
	}
	/* vlo */
	char lit[32];

	snprintf(lit, sizeof(lit), "objlnk:%s", s);
	if (strlen(s) > 12 || pv_value_parse(lit, v, err)) {
		*err = "\"vlo\" is not OBJ:INST";
		return -EINVAL;
	}
	return 0;
}

static int decode_record(json_object *rec, char *bn, size_t bnsize, struct pv_list *out,
			 const char **err)
{
	const char *n = "";
	struct pv_value v = { 0 };
	struct pv_path p;
	int ret;

	if (!json_object_is_type(rec, json_type_object)) {
		*err = "SenML record is not an object";
		return -EINVAL;
	}
	json_object_object_foreach(rec, key, val) {
		size_t kl = strlen(key);

		if (kl && key[kl - 1] == '_') {
			*err = "must-understand SenML field";
			goto bad;
		}
		if (!strcmp(key, "bn") || !strcmp(key, "n")) {
			if (!json_object_is_type(val, json_type_string) ||
			    (size_t)json_object_get_string_len(val) >= bnsize) {
				*err = "SenML name is not a (short) string";
				goto bad;
			}
			if (key[0] == 'b')
				snprintf(bn, bnsize, "%s", json_object_get_string(val));
			else
				n = json_object_get_string(val);
		} else if (!strcmp(key, "v") || !strcmp(key, "vs") || !strcmp(key, "vb") ||
			   !strcmp(key, "vd") || !strcmp(key, "vlo")) {
			if (v.kind != PV_NONE) {
				*err = "SenML record with two values";
				goto bad;
			}
			ret = json_value(key, val, &v, err);
			if (ret)
				return ret;
		} else if ((!strcmp(key, "bt") || !strcmp(key, "t")) &&
			   !json_object_is_type(val, json_type_int) &&
			   !json_object_is_type(val, json_type_double)) {
			*err = "SenML time is not a number";
			goto bad;
		}
	}
	ret = senml_path(bn, n, &p, err);
	if (ret)
		goto out;
	if (v.kind == PV_NONE) {
		*err = "SenML record without a value";
		ret = -EINVAL;
		goto out;
	}
	return pv_list_add(out, &p, &v);
bad:
	ret = -EINVAL;
out:
	pv_value_free(&v);
	return ret;
}

int senml_json_decode(const uint8_t *buf, size_t len, struct pv_list *out, const char **err)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	json_object *root;
	char bn[128] = "";
	int ret = 0;

	if (!tok)
		return -ENOMEM;
	if (len > INT32_MAX) {
		json_tokener_free(tok);
		*err = "payload too large";
		return -E2BIG;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, (const char *)buf, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		*err = "not JSON (or trailing bytes)";
		ret = -EINVAL;
	} else if (!json_object_is_type(root, json_type_array)) {
		*err = "SenML JSON is not an array";
		ret = -EINVAL;
	}
	for (size_t i = 0; !ret && i < json_object_array_length(root); i++)
		ret = decode_record(json_object_array_get_idx(root, i), bn, sizeof(bn), out, err);
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

static json_object *json_of(const struct pv_value *v, const char **key, const char **err)
{
	struct pbuf o = { 0 };
	json_object *j;
	char lnk[16];

	switch (v->kind) {
	case PV_INT:
	case PV_TIME:
		*key = "v";
		return json_object_new_int64(v->i);
	case PV_UINT:
		*key = "v";
		return json_object_new_uint64(v->u);
	case PV_FLOAT:
		*key = "v";
		return json_object_new_double(v->f);
	case PV_BOOL:
		*key = "vb";
		return json_object_new_boolean(v->b);
	case PV_OBJLNK:
		*key = "vlo";
		snprintf(lnk, sizeof(lnk), "%u:%u", v->lnk.obj, v->lnk.inst);
		return json_object_new_string(lnk);
	case PV_OPAQUE:
		*key = "vd";
		b64_encode(v->buf, v->len, &o);
		j = o.err ? NULL : json_object_new_string_len(o.n ? (char *)o.b : "", (int)o.n);
		free(o.b);
		return j;
	case PV_STR:
	case PV_TEXT:
	case PV_RAW:
		*key = "vs";
		return json_object_new_string_len((const char *)v->buf, (int)v->len);
	default:
		*err = "no value";
		return NULL;
	}
}

int senml_json_encode(const struct pv_path *base, const struct pv_list *vals, struct pbuf *o,
		      const char **err)
{
	json_object *arr = json_object_new_array();
	char bn[64], n[64];
	const char *s;

	if (!arr)
		return -ENOMEM;
	senml_names(base, vals, bn, sizeof(bn));
	for (size_t i = 0; i < vals->n; i++) {
		json_object *rec = json_object_new_object(), *val;
		const char *key = NULL;

		if (!rec)
			goto nomem;
		json_object_array_add(arr, rec);
		if (i == 0)
			json_object_object_add(rec, "bn", json_object_new_string(bn));
		senml_rel_name(bn, &vals->r[i].path, n, sizeof(n));
		json_object_object_add(rec, "n", json_object_new_string(n));
		val = json_of(&vals->r[i].v, &key, err);
		if (!val) {
			json_object_put(arr);
			return key ? -ENOMEM : -EINVAL;
		}
		json_object_object_add(rec, key, val);
	}
	s = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		goto nomem;
	pbuf_put(o, s, strlen(s));
	json_object_put(arr);
	return o->err;
nomem:
	json_object_put(arr);
	*err = "out of memory";
	return -ENOMEM;
}
