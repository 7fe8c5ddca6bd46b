// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Content-format dispatch, names, the byte buffer, and the two trivial
 * formats: text/plain (one value, written as text) and opaque (one value,
 * the bytes).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static const struct {
	const char *name;
	int cf;
} names[] = {
	{ "text", CF_TEXT },		{ "link", CF_LINK },
	{ "opaque", CF_OPAQUE },	{ "cbor", CF_CBOR },
	{ "senml-json", CF_SENML_JSON }, { "senml-cbor", CF_SENML_CBOR },
	{ "tlv", CF_TLV },		{ "lwm2m-json", CF_LWM2M_JSON },
	{ "lwm2m-cbor", CF_LWM2M_CBOR },
};

int fmt_by_name(const char *name, int *cf)
{
	char *end;
	unsigned long n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name)) {
			*cf = names[i].cf;
			return 0;
		}
	n = strtoul(name, &end, 10);
	if (!*name || *end || n > 0xffff)
		return -EINVAL;
	*cf = (int)n;
	return 0;
}

const char *fmt_name(int cf, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].cf == cf)
			return names[i].name;
	if (cf == CF_NONE)
		return "none";
	snprintf(buf, size, "%d", cf);
	return buf;
}

void pbuf_put(struct pbuf *p, const void *data, size_t len)
{
	if (p->err)
		return;
	if (p->n + len > p->cap) {
		size_t cap = p->cap ? p->cap : 64;
		uint8_t *b;

		while (cap < p->n + len)
			cap *= 2;
		b = realloc(p->b, cap);
		if (!b) {
			p->err = -ENOMEM;
			return;
		}
		p->b = b;
		p->cap = cap;
	}
	if (len)
		memcpy(p->b + p->n, data, len);
	p->n += len;
}

void pbuf_byte(struct pbuf *p, uint8_t byte)
{
	pbuf_put(p, &byte, 1);
}

static int text_encode(const struct pv_value *v, struct pbuf *out, const char **err)
{
	char num[48];

	switch (v->kind) {
	case PV_INT:
	case PV_TIME:
		snprintf(num, sizeof(num), "%" PRId64, v->i);
		break;
	case PV_UINT:
		snprintf(num, sizeof(num), "%" PRIu64, v->u);
		break;
	case PV_FLOAT:
		snprintf(num, sizeof(num), "%.17g", v->f);
		break;
	case PV_BOOL:
		snprintf(num, sizeof(num), "%d", v->b);
		break;
	case PV_OBJLNK:
		snprintf(num, sizeof(num), "%u:%u", v->lnk.obj, v->lnk.inst);
		break;
	case PV_STR:
		pbuf_put(out, v->buf, v->len);
		return out->err;
	default:
		*err = "text carries numbers, booleans, strings and object links";
		return -EINVAL;
	}
	pbuf_put(out, num, strlen(num));
	return out->err;
}

int fmt_decode(int cf, const struct pv_path *base, const uint8_t *buf, size_t len,
	       struct pv_list *out, const char **err)
{
	struct pv_value v;
	int ret;

	switch (cf) {
	case CF_TLV:
		return tlv_decode(base, buf, len, out, err);
	case CF_SENML_JSON:
		return senml_json_decode(buf, len, out, err);
	case CF_SENML_CBOR:
		return senml_cbor_decode(buf, len, out, err);
	case CF_TEXT:
	case CF_OPAQUE:
		if (base->depth < 3) {
			*err = "text and opaque carry one resource (instance)";
			return -EINVAL;
		}
		if (cf == CF_TEXT && memchr(buf, 0, len)) {
			*err = "NUL byte in text";
			return -EINVAL;
		}
		ret = pv_value_set_buf(&v, cf == CF_TEXT ? PV_TEXT : PV_OPAQUE, buf, len);
		return ret ? ret : pv_list_add(out, base, &v);
	default:
		*err = "no decoder for this content format";
		return -EPROTONOSUPPORT;
	}
}

int fmt_encode(int cf, const struct pv_path *base, const struct pv_list *vals,
	       uint8_t **buf, size_t *len, const char **err)
{
	struct pbuf out = { 0 };
	int ret;

	for (size_t i = 0; i < vals->n; i++)
		if (!pv_path_under(&vals->r[i].path, base)) {
			*err = "a value's path is not under the target";
			return -EINVAL;
		}
	switch (cf) {
	case CF_TLV:
		ret = tlv_encode(base, vals, &out, err);
		break;
	case CF_SENML_JSON:
		ret = senml_json_encode(base, vals, &out, err);
		break;
	case CF_SENML_CBOR:
		ret = senml_cbor_encode(base, vals, &out, err);
		break;
	case CF_TEXT:
	case CF_OPAQUE:
		if (vals->n != 1 || !pv_path_eq(&vals->r[0].path, base)) {
			*err = "text and opaque carry exactly the target's value";
			ret = -EINVAL;
		} else if (cf == CF_TEXT) {
			ret = text_encode(&vals->r[0].v, &out, err);
		} else if (vals->r[0].v.kind != PV_OPAQUE && vals->r[0].v.kind != PV_STR) {
			*err = "opaque carries an opaque (or string) value";
			ret = -EINVAL;
		} else {
			pbuf_put(&out, vals->r[0].v.buf, vals->r[0].v.len);
			ret = out.err;
		}
		break;
	default:
		*err = "no encoder for this content format";
		ret = -EPROTONOSUPPORT;
	}
	if (!ret && out.err) {
		*err = "out of memory";
		ret = out.err;
	}
	if (ret) {
		free(out.b);
		return ret;
	}
	if (!out.b)	/* an empty payload is still a buffer */
		out.b = malloc(1);
	if (!out.b)
		return -ENOMEM;
	*buf = out.b;
	*len = out.n;
	return 0;
}

/* ---- SenML names, shared by the JSON and CBOR codecs */

void senml_names(const struct pv_path *base, const struct pv_list *vals, char *bn, size_t bnsize)
{
	struct pv_path b = *base;

	/* every record keeps a non-empty relative name */
	for (size_t i = 0; i < vals->n; i++)
		if (b.depth && vals->r[i].path.depth <= b.depth)
			b.depth = vals->r[i].path.depth - 1;
	pv_path_str(&b, bn, bnsize);
	if (b.depth)
		strncat(bn, "/", bnsize - strlen(bn) - 1);
}

void senml_rel_name(const char *bn, const struct pv_path *p, char *n, size_t nsize)
{
	char full[64];
	size_t bl = strlen(bn);

	pv_path_str(p, full, sizeof(full));
	snprintf(n, nsize, "%s", full + bl);
}

int senml_path(const char *bn, const char *n, struct pv_path *p, const char **err)
{
	size_t bl = strlen(bn), nl = strlen(n);
	char name[160];

	if (bl + nl >= sizeof(name)) {
		*err = "SenML name too long";
		return -EINVAL;
	}
	memcpy(name, bn, bl);
	memcpy(name + bl, n, nl + 1);
	if (name[0] != '/' || pv_path_parse(name, p) || !p->depth) {
		*err = "SenML name is not an LwM2M path";
		return -EINVAL;
	}
	return 0;
}
