/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the content-format tests and fuzz targets share: a fixed set of object
 * definitions behind a type lookup (Device 3 and Access Control 2 as the
 * LwM2M TS defines them, and a test object 9999 with every type, single and
 * multiple), a record collector that owns copies of what a decoder delivers,
 * and value comparison. Header-only: each test is one translation unit.
 */
#ifndef FMT_FIXTURE_H
#define FMT_FIXTURE_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

#define FX_OBJ 9999

/*
 * Object 9999: resource r has type fx_types[r % 10] (10: unknown) and is
 * multiple when (r / 10) is odd: 0..8 single, 10..18 multiple, 9, 19, ...
 * undefined.
 */
static const uint8_t fx_types[10] = {
	KLWM2M_TYPE_INTEGER, KLWM2M_TYPE_UNSIGNED, KLWM2M_TYPE_FLOAT, KLWM2M_TYPE_BOOLEAN,
	KLWM2M_TYPE_STRING, KLWM2M_TYPE_OPAQUE, KLWM2M_TYPE_TIME, KLWM2M_TYPE_OBJLNK,
	KLWM2M_TYPE_CORELNK, 0,
};

static inline int fx_type(const struct klwm2m_path *res, uint8_t *type, int *multiple, void *arg)
{
	/* Device (3), LwM2M 1.1: resource -> type, multiple */
	static const struct { uint8_t type, multiple; } device[] = {
		[0] = { KLWM2M_TYPE_STRING, 0 },	[1] = { KLWM2M_TYPE_STRING, 0 },
		[2] = { KLWM2M_TYPE_STRING, 0 },	[3] = { KLWM2M_TYPE_STRING, 0 },
		[4] = { KLWM2M_TYPE_NONE, 0 },		[5] = { KLWM2M_TYPE_NONE, 0 },
		[6] = { KLWM2M_TYPE_INTEGER, 1 },	[7] = { KLWM2M_TYPE_INTEGER, 1 },
		[8] = { KLWM2M_TYPE_INTEGER, 1 },	[9] = { KLWM2M_TYPE_INTEGER, 0 },
		[10] = { KLWM2M_TYPE_INTEGER, 0 },	[11] = { KLWM2M_TYPE_INTEGER, 1 },
		[12] = { KLWM2M_TYPE_NONE, 0 },		[13] = { KLWM2M_TYPE_TIME, 0 },
		[14] = { KLWM2M_TYPE_STRING, 0 },	[15] = { KLWM2M_TYPE_STRING, 0 },
		[16] = { KLWM2M_TYPE_STRING, 0 },	[17] = { KLWM2M_TYPE_STRING, 0 },
		[18] = { KLWM2M_TYPE_STRING, 0 },	[19] = { KLWM2M_TYPE_STRING, 0 },
		[20] = { KLWM2M_TYPE_INTEGER, 0 },	[21] = { KLWM2M_TYPE_INTEGER, 0 },
		[22] = { KLWM2M_TYPE_OBJLNK, 1 },
	};

	(void)arg;
	switch (res->oid) {
	case 2:		/* Access Control: object, instance, ACL (multiple), owner */
		if (res->rid > 3)
			return -ENOENT;
		*type = KLWM2M_TYPE_INTEGER;
		*multiple = res->rid == 2;
		return 0;
	case 3:
		if (res->rid >= sizeof(device) / sizeof(device[0]))
			return -ENOENT;
		*type = device[res->rid].type;
		*multiple = device[res->rid].multiple;
		return 0;
	case FX_OBJ:
		if (!fx_types[res->rid % 10])
			return -ENOENT;
		*type = fx_types[res->rid % 10];
		*multiple = (res->rid / 10) % 2;
		return 0;
	default:
		return -ENOENT;
	}
}

/* Records a decoder delivered, with their bytes copied. */
struct fx_recs {
	struct klwm2m_record *r;
	size_t n, cap;
};

static inline int fx_collect(const struct klwm2m_record *rec, void *arg)
{
	struct fx_recs *c = arg;
	struct klwm2m_record *r;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;

		r = realloc(c->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->r = r;
		c->cap = cap;
	}
	r = &c->r[c->n];
	*r = *rec;
	if (rec->kind == KLWM2M_RECORD_VALUE &&
	    (rec->value.type == KLWM2M_TYPE_STRING || rec->value.type == KLWM2M_TYPE_OPAQUE ||
	     rec->value.type == KLWM2M_TYPE_CORELNK)) {
		void *p = malloc(rec->value.bytes.len + 1);

		if (!p)
			return -ENOMEM;
		if (rec->value.bytes.len)
			memcpy(p, rec->value.bytes.ptr, rec->value.bytes.len);
		r->value.bytes.ptr = p;
	}
	c->n++;
	return 0;
}

static inline bool fx_has_bytes(const struct klwm2m_record *r)
{
	return r->kind == KLWM2M_RECORD_VALUE &&
	       (r->value.type == KLWM2M_TYPE_STRING || r->value.type == KLWM2M_TYPE_OPAQUE ||
		r->value.type == KLWM2M_TYPE_CORELNK);
}

static inline void fx_free(struct fx_recs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (fx_has_bytes(&c->r[i]))
			free((void *)c->r[i].value.bytes.ptr);
	}
	free(c->r);
	memset(c, 0, sizeof(*c));
}

static inline struct fmt_decoder fx_decoder_for(struct fx_recs *c)
{
	return (struct fmt_decoder){ .type = fx_type, .record = fx_collect, .arg = c };
}

/* Decodes into @c (emptied first); the error or 0. */
static inline int fx_decode(int format, const struct klwm2m_path *base, const void *p, size_t len,
		     struct fx_recs *c, struct fmt_diag *d)
{
	struct fmt_decoder dec = fx_decoder_for(c);

	fx_free(c);
	return fmt_decode(format, base, p, len, &dec, d);
}

/* Values equal: floats bit for bit (any NaN equals any NaN), bytes by content. */
static inline bool fx_value_eq(const struct klwm2m_value *a, const struct klwm2m_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		return a->i == b->i;
	case KLWM2M_TYPE_UNSIGNED:
		return a->u == b->u;
	case KLWM2M_TYPE_FLOAT:
		if (isnan(a->f) || isnan(b->f))
			return isnan(a->f) && isnan(b->f);
		return !memcmp(&a->f, &b->f, sizeof(double));
	case KLWM2M_TYPE_BOOLEAN:
		return a->b == b->b;
	case KLWM2M_TYPE_OBJLNK:
		return a->objlnk.oid == b->objlnk.oid && a->objlnk.iid == b->objlnk.iid;
	default:
		return a->bytes.len == b->bytes.len &&
		       (!a->bytes.len || !memcmp(a->bytes.ptr, b->bytes.ptr, a->bytes.len));
	}
}

static inline bool fx_path_eq(const struct klwm2m_path *a, const struct klwm2m_path *b)
{
	static const uint8_t n[] = { 0, 1, 2, 3, 4 };
	const uint16_t x[] = { a->oid, a->iid, a->rid, a->riid }, y[] = { b->oid, b->iid, b->rid, b->riid };

	if (a->depth != b->depth || a->depth > 4)
		return false;
	return !memcmp(x, y, n[a->depth] * sizeof(uint16_t));
}

/* The value records of @a and @b are the same, in the same order. */
static inline bool fx_values_eq(const struct klwm2m_record *a, size_t na, const struct klwm2m_record *b,
			 size_t nb)
{
	size_t i = 0, k = 0;

	for (;;) {
		while (i < na && a[i].kind != KLWM2M_RECORD_VALUE)
			i++;
		while (k < nb && b[k].kind != KLWM2M_RECORD_VALUE)
			k++;
		if (i == na || k == nb)
			return i == na && k == nb;
		if (!fx_path_eq(&a[i].path, &b[k].path) || !fx_value_eq(&a[i].value, &b[k].value))
			return false;
		i++;
		k++;
	}
}

static inline int fx_count(const struct klwm2m_record *rec, void *arg)
{
	(void)rec;
	(*(int *)arg)++;
	return 0;
}

/* Decodes, counting what is delivered: for payloads that must be refused. */
static inline int fx_try(int format, const char *base, const void *p, size_t len, int *delivered,
			 struct fmt_diag *d)
{
	struct klwm2m_path b;
	struct fmt_decoder dec = { .type = fx_type, .record = fx_count, .arg = delivered };

	*delivered = 0;
	d->msg[0] = '\0';
	if (klwm2m_path_parse(base, &b))
		abort();
	return fmt_decode(format, &b, p, len, &dec, d);
}

/* Bytes from hex text ("81 a2 21"; spaces ignored) into @out; their count. */
static inline size_t fx_hex(const char *hex, unsigned char *out)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v = *hex >= '0' && *hex <= '9' ? *hex - '0' : *hex >= 'a' && *hex <= 'f' ?
			*hex - 'a' + 10 : -1;

		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

/* ---- building records in tests */
static inline struct klwm2m_path fx_p(const char *text)
{
	struct klwm2m_path p = { .depth = 0xff };

	if (klwm2m_path_parse(text, &p))
		abort();	/* a typo in a test */
	return p;
}

static inline struct klwm2m_record fx_rec(const char *path, struct klwm2m_value v)
{
	return (struct klwm2m_record){ .kind = KLWM2M_RECORD_VALUE, .path = fx_p(path), .value = v };
}

static inline struct klwm2m_record fx_mark(int kind, const char *path)
{
	return (struct klwm2m_record){ .kind = kind, .path = fx_p(path) };
}

#define FX_INT(p, x) fx_rec(p, (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = (x) })
#define FX_UINT(p, x) fx_rec(p, (struct klwm2m_value){ .type = KLWM2M_TYPE_UNSIGNED, .u = (x) })
#define FX_FLOAT(p, x) fx_rec(p, (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = (x) })
#define FX_BOOL(p, x) fx_rec(p, (struct klwm2m_value){ .type = KLWM2M_TYPE_BOOLEAN, .b = (x) })
#define FX_TIME(p, x) fx_rec(p, (struct klwm2m_value){ .type = KLWM2M_TYPE_TIME, .i = (x) })
#define FX_OBJLNK(p, o, n) fx_rec(p, (struct klwm2m_value){ .type = KLWM2M_TYPE_OBJLNK, \
						     .objlnk = { (o), (n) } })
#define FX_BYTES(p, t, s, l) fx_rec(p, (struct klwm2m_value){ .type = (t), \
						       .bytes = { .ptr = (s), .len = (l) } })
#define FX_STR(p, s) FX_BYTES(p, KLWM2M_TYPE_STRING, s, strlen(s))
#define FX_OPAQUE(p, s, l) FX_BYTES(p, KLWM2M_TYPE_OPAQUE, s, l)
#define FX_LINK(p, s) FX_BYTES(p, KLWM2M_TYPE_CORELNK, s, strlen(s))
#define FX_N(a) (sizeof(a) / sizeof((a)[0]))

/* The Device object instance of the LwM2M TS's Read examples (TS 1.1 7.4). */
static inline size_t fx_device_records(struct klwm2m_record *r)
{
	size_t n = 0;

	r[n++] = FX_STR("/3/0/0", "Open Mobile Alliance");
	r[n++] = FX_STR("/3/0/1", "Lightweight M2M Client");
	r[n++] = FX_STR("/3/0/2", "345000123");
	r[n++] = FX_STR("/3/0/3", "1.0");
	r[n++] = FX_INT("/3/0/6/0", 1);
	r[n++] = FX_INT("/3/0/6/1", 5);
	r[n++] = FX_INT("/3/0/7/0", 3800);
	r[n++] = FX_INT("/3/0/7/1", 5000);
	r[n++] = FX_INT("/3/0/8/0", 125);
	r[n++] = FX_INT("/3/0/8/1", 900);
	r[n++] = FX_INT("/3/0/9", 100);
	r[n++] = FX_INT("/3/0/10", 15);
	r[n++] = FX_INT("/3/0/11/0", 0);
	r[n++] = FX_TIME("/3/0/13", 1367491215);
	r[n++] = FX_STR("/3/0/14", "+02:00");
	r[n++] = FX_STR("/3/0/16", "U");
	return n;
}

#endif
