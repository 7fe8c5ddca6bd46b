// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plain text (text/plain;charset=utf-8, 0; LwM2M TS 1.1 7.4.1): one value of
 * a single resource or a resource instance. Integers, unsigned integers and
 * times in decimal; floats in decimal (the shortest text that reads back to
 * the same double; NaN and infinities have no text form); booleans "0" or
 * "1"; object links "OID:IID"; strings and core links as they are. Opaque
 * values are not carried in text here: they go as application/octet-stream.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int fmt_text_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		    struct fmt_buf *out, struct fmt_diag *diag)
{
	const struct klwm2m_value *v;
	char tmp[32];
	int err = fmt_single_value(base, recs, n, "plain text", &v, diag), len;

	if (err)
		return err;
	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		len = snprintf(tmp, sizeof(tmp), "%lld", (long long)v->i);
		break;
	case KLWM2M_TYPE_UNSIGNED:
		len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v->u);
		break;
	case KLWM2M_TYPE_FLOAT:
		if (!isfinite(v->f))
			return fmt_fail(diag, -EOPNOTSUPP, "plain text has no form for NaN or infinity");
		len = fmt_double_text(v->f, tmp);
		break;
	case KLWM2M_TYPE_BOOLEAN:
		len = snprintf(tmp, sizeof(tmp), "%d", v->b ? 1 : 0);
		break;
	case KLWM2M_TYPE_OBJLNK:
		len = snprintf(tmp, sizeof(tmp), "%u:%u", v->objlnk.oid, v->objlnk.iid);
		break;
	case KLWM2M_TYPE_OPAQUE:
		return fmt_fail(diag, -EOPNOTSUPP, "an opaque value is not sent as plain text");
	default:
		err = fmt_buf_put(out, v->bytes.ptr, v->bytes.len);
		return err ? fmt_fail(diag, err, "plain text: %zu bytes do not fit", v->bytes.len) : 0;
	}
	err = fmt_buf_put(out, tmp, (size_t)len);
	return err ? fmt_fail(diag, err, "plain text: no room") : 0;
}

int fmt_single_target(struct fmt_set *s, const char *what, uint8_t *type)
{
	struct klwm2m_path res = *s->base;
	char b[KLWM2M_PATH_STRLEN];
	int multiple, err;

	if (s->base->depth < 3)
		return fmt_fail(s->diag, -EOPNOTSUPP, "%s writes one resource, not %s", what,
				fmt_path_str(s->base, b));
	res.depth = 3;
	err = fmt_set_type(s, &res, type, &multiple);
	if (err)
		return err;
	if (multiple && s->base->depth == 3)
		return fmt_fail(s->diag, -EOPNOTSUPP, "%s cannot write the multiple resource %s", what,
				fmt_path_str(s->base, b));
	if (!multiple && s->base->depth == 4)
		return fmt_fail(s->diag, -ENOENT, "%s is a single resource: it has no instances",
				fmt_path_str(&res, b));
	return 0;
}

int fmt_text_decode(struct fmt_set *s, const unsigned char *p, size_t len)
{
	const char *t = (const char *)p;
	struct klwm2m_value v = { 0 };
	char b[KLWM2M_PATH_STRLEN];
	bool is_int;
	int err = fmt_single_target(s, "plain text", &v.type);

	if (err)
		return err;
	switch (v.type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		err = fmt_parse_s64(t, len, &v.i);
		break;
	case KLWM2M_TYPE_UNSIGNED:
		err = fmt_parse_u64(t, len, &v.u);
		break;
	case KLWM2M_TYPE_FLOAT:
		err = fmt_parse_decimal(t, len, &v.f, &is_int);
		if (!err && !isfinite(v.f))
			err = -ERANGE;
		break;
	case KLWM2M_TYPE_BOOLEAN:
		err = len == 1 && (t[0] == '0' || t[0] == '1') ? 0 : -EINVAL;
		v.b = !err && t[0] == '1';
		break;
	case KLWM2M_TYPE_OBJLNK:
		err = fmt_parse_objlnk(t, len, &v.objlnk);
		break;
	case KLWM2M_TYPE_OPAQUE:
		return fmt_fail(s->diag, -EOPNOTSUPP, "%s is opaque: not written as plain text",
				fmt_path_str(s->base, b));
	default:
		v.bytes.ptr = p;
		v.bytes.len = len;
	}
	if (err == -ENOMEM)
		return err;
	if (err)
		return fmt_fail(s->diag, -EINVAL, "%s: \"%.*s\" is not %s %s", fmt_path_str(s->base, b),
				len > 40 ? 40 : (int)len, t,
				err == -ERANGE ? "in the range of" : "the text form of",
				klwm2m_type_name(v.type));
	return fmt_set_add(s, KLWM2M_RECORD_VALUE, s->base, &v);
}
