// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records: path order, the checks on what encoders are given, and the set
 * decoders collect into. A decoder adds every record it reads (fmt_set_add()
 * checks each value against the rules of its type); only when the whole
 * payload has been read does fmt_set_deliver() sort them, refuse duplicates,
 * add the markers implied by the base (an instance before its values, a
 * multiple resource before its instances) and hand them to the caller. So an
 * error anywhere in a payload delivers nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint16_t id_at(const struct klwm2m_path *p, int level)
{
	const uint16_t ids[] = { p->oid, p->iid, p->rid, p->riid };

	return ids[level];
}

int fmt_path_cmp(const struct klwm2m_path *a, const struct klwm2m_path *b)
{
	for (int l = 0; l < a->depth && l < b->depth; l++) {
		if (id_at(a, l) != id_at(b, l))
			return id_at(a, l) < id_at(b, l) ? -1 : 1;
	}
	return (int)a->depth - (int)b->depth;
}

bool fmt_path_under(const struct klwm2m_path *base, const struct klwm2m_path *p)
{
	if (p->depth < base->depth)
		return false;
	for (int l = 0; l < base->depth; l++) {
		if (id_at(base, l) != id_at(p, l))
			return false;
	}
	return true;
}

const char *fmt_path_str(const struct klwm2m_path *p, char buf[KLWM2M_PATH_STRLEN])
{
	if (klwm2m_path_format(p, buf, KLWM2M_PATH_STRLEN) < 0)
		strcpy(buf, "(bad path)");
	return buf;
}

static bool value_type_known(uint8_t t)
{
	return t >= KLWM2M_TYPE_INTEGER && t <= KLWM2M_TYPE_CORELNK;
}

int fmt_check_records(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		      struct fmt_diag *diag)
{
	char b1[KLWM2M_PATH_STRLEN], b2[KLWM2M_PATH_STRLEN];

	if (base->depth > KLWM2M_PATH_DEPTH_MAX)
		return fmt_fail(diag, -EINVAL, "base path of depth %u", base->depth);
	for (size_t i = 0; i < n; i++) {
		const struct klwm2m_record *r = &recs[i];

		if (r->path.depth > KLWM2M_PATH_DEPTH_MAX || !fmt_path_under(base, &r->path))
			return fmt_fail(diag, -EINVAL, "record %zu (%s) is not under %s", i,
					fmt_path_str(&r->path, b1), fmt_path_str(base, b2));
		if (i && fmt_path_cmp(&recs[i - 1].path, &r->path) >= 0)
			return fmt_fail(diag, -EINVAL, "records out of order: %s after %s",
					fmt_path_str(&r->path, b1), fmt_path_str(&recs[i - 1].path, b2));
		switch (r->kind) {
		case KLWM2M_RECORD_VALUE:
			if (r->path.depth < 3)
				return fmt_fail(diag, -EINVAL, "a value at %s, above a resource",
						fmt_path_str(&r->path, b1));
			if (!value_type_known(r->value.type))
				return fmt_fail(diag, -EINVAL, "%s: value of unknown type %u",
						fmt_path_str(&r->path, b1), r->value.type);
			break;
		case KLWM2M_RECORD_INSTANCE:
			if (r->path.depth != 2)
				return fmt_fail(diag, -EINVAL, "an instance record at depth %u",
						r->path.depth);
			break;
		case FMT_RECORD_MULTIPLE:
			if (r->path.depth != 3)
				return fmt_fail(diag, -EINVAL, "a multiple-resource record at depth %u",
						r->path.depth);
			break;
		case KLWM2M_RECORD_SECRET:
			return fmt_fail(diag, -EACCES, "%s is a secret and is never sent",
					fmt_path_str(&r->path, b1));
		default:
			return fmt_fail(diag, -EINVAL, "record of unknown kind %d", r->kind);
		}
	}
	return 0;
}

int fmt_single_value(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		     const char *what, const struct klwm2m_value **v, struct fmt_diag *diag)
{
	const struct klwm2m_record *val = NULL;
	char b[KLWM2M_PATH_STRLEN];

	for (size_t i = 0; i < n; i++) {
		if (recs[i].kind == FMT_RECORD_MULTIPLE)
			return fmt_fail(diag, -EOPNOTSUPP, "%s cannot carry a multiple resource", what);
		if (recs[i].kind != KLWM2M_RECORD_VALUE)
			continue;
		if (val)
			return fmt_fail(diag, -EOPNOTSUPP, "%s carries one value, not several", what);
		val = &recs[i];
	}
	if (!val)
		return fmt_fail(diag, -EOPNOTSUPP, "%s: no value at %s", what, fmt_path_str(base, b));
	if (fmt_path_cmp(&val->path, base))
		return fmt_fail(diag, -EOPNOTSUPP, "%s carries only the value at the request's path",
				what);
	*v = &val->value;
	return 0;
}

/* ---------------------------------------------------------------- the set */

void fmt_set_init(struct fmt_set *s, const struct klwm2m_path *base,
		  const struct fmt_decoder *dec, struct fmt_diag *diag)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->dec = dec;
	s->diag = diag;
}

void fmt_set_free(struct fmt_set *s)
{
	for (size_t i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	free(s->blocks);
	free(s->recs);
	s->blocks = NULL;
	s->recs = NULL;
	s->n = s->cap = s->nblocks = s->capblocks = 0;
}

void *fmt_set_alloc(struct fmt_set *s, size_t n)
{
	void *p;

	if (s->nblocks == s->capblocks) {
		size_t cap = s->capblocks ? 2 * s->capblocks : 16;
		void **nb = realloc(s->blocks, cap * sizeof(*nb));

		if (!nb)
			return NULL;
		s->blocks = nb;
		s->capblocks = cap;
	}
	p = malloc(n ? n : 1);
	if (p)
		s->blocks[s->nblocks++] = p;
	return p;
}

int fmt_set_type(struct fmt_set *s, const struct klwm2m_path *res, uint8_t *type, int *multiple)
{
	struct klwm2m_path r = *res;
	char b[KLWM2M_PATH_STRLEN];
	int err;

	r.depth = 3;
	*multiple = 0;
	err = s->dec->type(&r, type, multiple, s->dec->arg);
	if (err == -ENOENT)
		return fmt_fail(s->diag, -ENOENT, "%s: no such resource in the object",
				fmt_path_str(&r, b));
	if (err)
		return fmt_fail(s->diag, err, "%s: type lookup failed (%d)", fmt_path_str(&r, b), err);
	if (*type == KLWM2M_TYPE_NONE)
		return fmt_fail(s->diag, -EINVAL, "%s is executable and holds no value",
				fmt_path_str(&r, b));
	if (!value_type_known(*type))
		return fmt_fail(s->diag, -EINVAL, "%s: unknown type %u", fmt_path_str(&r, b), *type);
	return 0;
}

static int check_value(struct fmt_set *s, const struct klwm2m_path *p, const struct klwm2m_value *v)
{
	char b[KLWM2M_PATH_STRLEN];
	struct fmt_diag ld;

	switch (v->type) {
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
	case KLWM2M_TYPE_CORELNK:
		if (v->bytes.len > KLWM2M_VALUE_WIRE_MAX)
			return fmt_fail(s->diag, -E2BIG, "%s: %zu bytes, more than a value holds (%d)",
					fmt_path_str(p, b), v->bytes.len, KLWM2M_VALUE_WIRE_MAX);
		break;
	case KLWM2M_TYPE_BOOLEAN:
		if (v->b != 0 && v->b != 1)
			return fmt_fail(s->diag, -EINVAL, "%s: boolean %d", fmt_path_str(p, b), v->b);
		break;
	default:
		break;
	}
	if (v->type == KLWM2M_TYPE_STRING &&
	    ((v->bytes.len && memchr(v->bytes.ptr, 0, v->bytes.len)) ||
	     !fmt_utf8_valid(v->bytes.ptr, v->bytes.len)))
		return fmt_fail(s->diag, -EINVAL, "%s: a string must be UTF-8 without NUL",
				fmt_path_str(p, b));
	if (v->type == KLWM2M_TYPE_CORELNK &&
	    fmt_link_parse(v->bytes.ptr, v->bytes.len, NULL, NULL, &ld) < 0)
		return fmt_fail(s->diag, -EINVAL, "%s: not a core link: %s", fmt_path_str(p, b),
				ld.msg);
	return 0;
}

int fmt_set_outside(struct fmt_set *s, const struct klwm2m_path *p)
{
	char b1[KLWM2M_PATH_STRLEN], b2[KLWM2M_PATH_STRLEN];

	return fmt_fail(s->diag, -EBADMSG, "%s is outside the request's path %s",
			fmt_path_str(p, b1), fmt_path_str(s->base, b2));
}

int fmt_set_add(struct fmt_set *s, int kind, const struct klwm2m_path *p,
		const struct klwm2m_value *v)
{
	struct klwm2m_record *r;
	int err;

	if (!fmt_path_under(s->base, p))
		return fmt_set_outside(s, p);
	if (kind == KLWM2M_RECORD_VALUE) {
		err = check_value(s, p, v);
		if (err)
			return err;
	}
	if (s->n == FMT_MAX_RECORDS)
		return fmt_fail(s->diag, -E2BIG, "more than %d records", FMT_MAX_RECORDS);
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;

		r = realloc(s->recs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		s->recs = r;
		s->cap = cap;
	}
	r = &s->recs[s->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->path = *p;
	if (v)
		r->value = *v;
	return 0;
}

static int cmp_records(const void *a, const void *b)
{
	const struct klwm2m_record *x = a, *y = b;

	return fmt_path_cmp(&x->path, &y->path);
}

static int emit(struct fmt_set *s, int kind, const struct klwm2m_path *p, int depth,
		const struct klwm2m_value *v)
{
	struct klwm2m_record r = { .kind = kind, .path = *p };

	r.path.depth = (uint8_t)depth;
	if (v)
		r.value = *v;
	return s->dec->record(&r, s->dec->arg);
}

int fmt_set_deliver(struct fmt_set *s)
{
	struct klwm2m_path inst = { .depth = 0 }, multi = { .depth = 0 };
	char b[KLWM2M_PATH_STRLEN];
	int err;

	if (s->n > 1)
		qsort(s->recs, s->n, sizeof(*s->recs), cmp_records);
	for (size_t i = 1; i < s->n; i++) {
		if (!fmt_path_cmp(&s->recs[i - 1].path, &s->recs[i].path))
			return fmt_fail(s->diag, -EBADMSG, "%s appears twice in the payload",
					fmt_path_str(&s->recs[i].path, b));
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct klwm2m_record *r = &s->recs[i];
		struct klwm2m_path p = r->path;

		if (s->base->depth <= 1 && p.depth >= 2) {
			p.depth = 2;
			if (inst.depth != 2 || fmt_path_cmp(&inst, &p)) {
				inst = p;
				if (r->kind != KLWM2M_RECORD_INSTANCE) {
					err = emit(s, KLWM2M_RECORD_INSTANCE, &p, 2, NULL);
					if (err)
						return err;
				}
			}
		}
		p = r->path;
		if (s->base->depth <= 3 && p.depth >= 3 &&
		    (r->kind == FMT_RECORD_MULTIPLE || p.depth == 4)) {
			p.depth = 3;
			if (multi.depth != 3 || fmt_path_cmp(&multi, &p)) {
				multi = p;
				if (r->kind != FMT_RECORD_MULTIPLE) {
					err = emit(s, FMT_RECORD_MULTIPLE, &p, 3, NULL);
					if (err)
						return err;
				}
			}
		}
		err = emit(s, r->kind, &r->path, r->path.depth, &r->value);
		if (err)
			return err;
	}
	return 0;
}
