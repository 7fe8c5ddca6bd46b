// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML (RFC 8428) as LwM2M uses it (TS 1.1 7.4.4, 7.4.5), shared by the
 * JSON and CBOR representations: a record's name is the base name in force
 * followed by its own name, and must be an LwM2M path; its value is one of
 * v (number), vs (string), vb (boolean), vd (data) or vlo (object link,
 * "OID:IID", LwM2M's extension). The JSON and CBOR readers turn their bytes
 * into struct senml_raw; this file resolves the name, asks the resource's
 * type, and converts the value to it, exactly: an integer resource takes only
 * integers in its range, an unsigned one no negative number, a float one any
 * number. On the way out it decides the names: the base name (the request's
 * path) on the first record, names relative to it.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static const char *const vkind_name[] = {
	[SENML_NONE] = "no value", [SENML_V] = "a number (v)", [SENML_VS] = "a string (vs)",
	[SENML_VB] = "a boolean (vb)", [SENML_VD] = "data (vd)", [SENML_VLO] = "an object link (vlo)",
};

static int resolve_name(struct fmt_set *s, struct senml_state *st, const struct senml_raw *r,
			struct klwm2m_path *p)
{
	char name[sizeof(st->bn) + KLWM2M_PATH_STRLEN];
	size_t nlen = r->has_n ? r->n_len : 0;

	if (r->has_bn) {
		if (r->bn_len >= sizeof(st->bn) || memchr(r->bn, 0, r->bn_len))
			return fmt_fail(s->diag, -EBADMSG, "SenML base name of %zu bytes is no path",
					r->bn_len);
		memcpy(st->bn, r->bn, r->bn_len);
		st->bn_len = r->bn_len;
	}
	if (st->bn_len + nlen >= sizeof(name) || (nlen && memchr(r->n, 0, nlen)))
		return fmt_fail(s->diag, -EBADMSG, "SenML name too long for a path");
	memcpy(name, st->bn, st->bn_len);
	if (nlen)
		memcpy(name + st->bn_len, r->n, nlen);
	name[st->bn_len + nlen] = '\0';
	if (klwm2m_path_parse(name, p))
		return fmt_fail(s->diag, -EBADMSG, "SenML name \"%s\" is not an LwM2M path", name);
	return 0;
}

/* r's number as a value of @type; -EINVAL with the reason. */
static int number_to(struct fmt_set *s, const struct klwm2m_path *p, uint8_t type,
		     const struct senml_num *num, struct klwm2m_value *v)
{
	char b[KLWM2M_PATH_STRLEN];
	const char *why;

	switch (type) {
	case KLWM2M_TYPE_FLOAT:
		if (num->f_overflow) {
			why = "outside the float range";
			break;
		}
		v->f = num->f;
		return 0;
	case KLWM2M_TYPE_UNSIGNED:
		if (num->kind == NUM_UINT) {
			v->u = num->mag;
			return 0;
		}
		why = num->kind == NUM_FLOAT ? "not an integer" : num->kind == NUM_NEG ?
		      "negative" : "beyond 64 bits";
		break;
	default:	/* integer, time */
		if (num->kind == NUM_UINT && num->mag <= INT64_MAX) {
			v->i = (int64_t)num->mag;
			return 0;
		}
		if (num->kind == NUM_NEG && num->mag <= (uint64_t)INT64_MAX + 1) {
			v->i = num->mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)num->mag;
			return 0;
		}
		why = num->kind == NUM_FLOAT ? "not an integer" : "outside the 64-bit signed range";
	}
	return fmt_fail(s->diag, -EINVAL, "%s: the number is %s, the resource is %s",
			fmt_path_str(p, b), why, klwm2m_type_name(type));
}

static enum senml_vkind wanted(uint8_t type)
{
	switch (type) {
	case KLWM2M_TYPE_BOOLEAN:
		return SENML_VB;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_CORELNK:
		return SENML_VS;
	case KLWM2M_TYPE_OPAQUE:
		return SENML_VD;
	case KLWM2M_TYPE_OBJLNK:
		return SENML_VLO;
	default:
		return SENML_V;
	}
}

int fmt_senml_add(struct fmt_set *s, struct senml_state *st, const struct senml_raw *r)
{
	struct klwm2m_path p, res;
	struct klwm2m_value v = { 0 };
	char b[KLWM2M_PATH_STRLEN];
	int multiple, err = resolve_name(s, st, r, &p);

	if (err)
		return err;
	if (!fmt_path_under(s->base, &p))
		return fmt_set_outside(s, &p);
	if (r->vkind == SENML_NONE)
		return fmt_fail(s->diag, -EBADMSG, "SenML record %s has no value", fmt_path_str(&p, b));
	if (p.depth < 3)
		return fmt_fail(s->diag, -EBADMSG, "SenML value at %s, above a resource",
				fmt_path_str(&p, b));
	res = p;
	res.depth = 3;
	err = fmt_set_type(s, &res, &v.type, &multiple);
	if (err)
		return err;
	if (multiple && p.depth == 3)
		return fmt_fail(s->diag, -EBADMSG, "%s is a multiple resource: name its instances",
				fmt_path_str(&p, b));
	if (!multiple && p.depth == 4)
		return fmt_fail(s->diag, -ENOENT, "%s is a single resource: it has no instances",
				fmt_path_str(&res, b));
	if (r->vkind != wanted(v.type))
		return fmt_fail(s->diag, -EINVAL, "%s is %s, given %s", fmt_path_str(&p, b),
				klwm2m_type_name(v.type), vkind_name[r->vkind]);
	switch (r->vkind) {
	case SENML_V:
		err = number_to(s, &p, v.type, &r->num, &v);
		break;
	case SENML_VB:
		v.b = r->vb;
		break;
	case SENML_VLO:
		if (fmt_parse_objlnk(r->bytes, r->len, &v.objlnk))
			err = fmt_fail(s->diag, -EINVAL, "%s: vlo is not \"OID:IID\"", fmt_path_str(&p, b));
		break;
	default:
		v.bytes.ptr = r->bytes;
		v.bytes.len = r->len;
	}
	return err ? err : fmt_set_add(s, KLWM2M_RECORD_VALUE, &p, &v);
}

void fmt_senml_names(const struct klwm2m_path *base, const struct klwm2m_path *p, bool first,
		     char bn[KLWM2M_PATH_STRLEN + 1], char n[KLWM2M_PATH_STRLEN])
{
	char full[KLWM2M_PATH_STRLEN];
	int blen = klwm2m_path_format(base, bn, KLWM2M_PATH_STRLEN);

	klwm2m_path_format(p, full, sizeof(full));
	if (base->depth == 0)
		blen = 0;
	if (p->depth == base->depth) {
		n[0] = '\0';	/* the record is the base (and so the only one) */
	} else {
		strcpy(n, full + blen + 1);
		if (base->depth)
			strcat(bn, "/");
	}
	if (!first)
		bn[0] = '\0';
}
