// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Paths, values, literals and comparisons of the test server (see pv.h).
 * Everything here is pure: no I/O except pv_value_print().
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pv.h"

static int parse_ids(const char *s, struct pv_path *p)
{
	while (*s) {
		char *end;
		unsigned long id;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		id = strtoul(s, &end, 10);
		if (errno || id >= PV_NO_ID || p->depth >= 4)
			return -EINVAL;
		p->id[p->depth++] = (uint16_t)id;
		s = end;
		if (*s == '/') {
			s++;
			if (!*s)	/* "3/0/" : a trailing slash is a base name */
				break;
		} else if (*s) {
			return -EINVAL;
		}
	}
	return 0;
}

int pv_path_parse(const char *s, struct pv_path *p)
{
	memset(p, 0, sizeof(*p));
	if (*s == '/')
		s++;
	return parse_ids(s, p);
}

const char *pv_path_str(const struct pv_path *p, char *buf, size_t size)
{
	size_t off = 0;

	if (!p->depth) {
		snprintf(buf, size, "/");
		return buf;
	}
	buf[0] = 0;
	for (int i = 0; i < p->depth && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "/%u", p->id[i]);
	return buf;
}

bool pv_path_eq(const struct pv_path *a, const struct pv_path *b)
{
	if (a->depth != b->depth)
		return false;
	for (int i = 0; i < a->depth; i++)
		if (a->id[i] != b->id[i])
			return false;
	return true;
}

bool pv_path_under(const struct pv_path *a, const struct pv_path *b)
{
	if (a->depth < b->depth)
		return false;
	for (int i = 0; i < b->depth; i++)
		if (a->id[i] != b->id[i])
			return false;
	return true;
}

int pv_path_append(struct pv_path *p, unsigned int id)
{
	if (p->depth >= 4 || id >= PV_NO_ID)
		return -EINVAL;
	p->id[p->depth++] = (uint16_t)id;
	return 0;
}

int pv_value_set_buf(struct pv_value *v, enum pv_kind kind, const void *data, size_t len)
{
	uint8_t *b = malloc(len + 1);

	if (!b)
		return -ENOMEM;
	if (len)
		memcpy(b, data, len);
	b[len] = 0;
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->buf = b;
	v->len = len;
	return 0;
}

void pv_value_free(struct pv_value *v)
{
	free(v->buf);
	memset(v, 0, sizeof(*v));
}

int pv_list_add(struct pv_list *l, const struct pv_path *p, struct pv_value *v)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct pv_rec *r = realloc(l->r, cap * sizeof(*r));

		if (!r) {
			pv_value_free(v);
			return -ENOMEM;
		}
		l->r = r;
		l->cap = cap;
	}
	l->r[l->n].path = *p;
	l->r[l->n].v = *v;
	l->n++;
	memset(v, 0, sizeof(*v));
	return 0;
}

void pv_list_free(struct pv_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		pv_value_free(&l->r[i].v);
	free(l->r);
	memset(l, 0, sizeof(*l));
}

const struct pv_rec *pv_list_find(const struct pv_list *l, const struct pv_path *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (pv_path_eq(&l->r[i].path, p))
			return &l->r[i];
	return NULL;
}

static int hexval(char c)
{
	static const char digits[] = "0123456789abcdef";
	const char *d = c ? strchr(digits, c | 0x20) : NULL;	/* | 0x20: lower case */

	return d ? (int)(d - digits) : -1;
}

/* Hex digits, optionally separated by spaces, ':' or '-' between bytes. */
int pv_hex_decode(const char *s, uint8_t **out, size_t *len)
{
	uint8_t *b = malloc(strlen(s) / 2 + 1);
	size_t n = 0;

	if (!b)
		return -ENOMEM;
	while (*s) {
		int hi, lo;

		if (strchr(" :-", *s)) {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0) {
			free(b);
			return -EINVAL;
		}
		b[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	b[n] = 0;
	*out = b;
	*len = n;
	return 0;
}

int pv_unquote(const char *s, char **out)
{
	size_t n = strlen(s);
	char *o, *d;

	if (n < 2 || s[0] != '"')
		return -EINVAL;
	o = d = malloc(n);
	if (!o)
		return -ENOMEM;
	for (s++; *s && *s != '"'; s++) {
		if (*s == '\\') {
			s++;
			if (*s == 'n')
				*d++ = '\n';
			else if (*s == '"' || *s == '\\')
				*d++ = *s;
			else
				goto bad;
		} else {
			*d++ = *s;
		}
	}
	if (*s != '"' || s[1])
		goto bad;
	*d = 0;
	*out = o;
	return 0;
bad:
	free(o);
	return -EINVAL;
}

static int parse_str(const char *s, struct pv_value *v)
{
	char *u;
	int err;

	if (*s != '"')
		return pv_value_set_buf(v, PV_STR, s, strlen(s));
	err = pv_unquote(s, &u);
	if (err)
		return err;
	err = pv_value_set_buf(v, PV_STR, u, strlen(u));
	free(u);
	return err;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	return (!*s || *end || errno) ? -EINVAL : 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (*s == '-')
		return -EINVAL;
	*out = strtoull(s, &end, 0);
	return (!*s || *end || errno) ? -EINVAL : 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (!*s || *end || errno || !isfinite(*out)) ? -EINVAL : 0;
}

static int parse_objlnk(const char *s, struct pv_value *v)
{
	unsigned int o, i;
	int n = 0;

	if (sscanf(s, "%u:%u%n", &o, &i, &n) != 2 || s[n] || o > 0xffff || i > 0xffff)
		return -EINVAL;
	v->kind = PV_OBJLNK;
	v->lnk.obj = (uint16_t)o;
	v->lnk.inst = (uint16_t)i;
	return 0;
}

static int parse_bool(const char *s, struct pv_value *v)
{
	v->kind = PV_BOOL;
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		v->b = true;
	else if (!strcmp(s, "false") || !strcmp(s, "0"))
		v->b = false;
	else
		return -EINVAL;
	return 0;
}

static int parse_typed(const char *type, const char *s, struct pv_value *v)
{
	int err;

	if (!strcmp(type, "int") || !strcmp(type, "time")) {
		v->kind = type[0] == 'i' ? PV_INT : PV_TIME;
		return parse_i64(s, &v->i);
	}
	if (!strcmp(type, "uint")) {
		v->kind = PV_UINT;
		return parse_u64(s, &v->u);
	}
	if (!strcmp(type, "float")) {
		v->kind = PV_FLOAT;
		return parse_double(s, &v->f);
	}
	if (!strcmp(type, "bool"))
		return parse_bool(s, v);
	if (!strcmp(type, "str"))
		return parse_str(s, v);
	if (!strcmp(type, "objlnk"))
		return parse_objlnk(s, v);
	if (!strcmp(type, "opaque")) {
		if (!strncmp(s, "0x", 2))
			s += 2;
		err = pv_hex_decode(s, &v->buf, &v->len);
		if (!err)
			v->kind = PV_OPAQUE;
		return err;
	}
	return -ENOENT;
}

int pv_value_parse(const char *s, struct pv_value *v, const char **err)
{
	const char *colon = strchr(s, ':');
	int ret;

	memset(v, 0, sizeof(*v));
	if (colon && s[0] != '"' && colon - s < 8) {
		char type[8];

		memcpy(type, s, (size_t)(colon - s));
		type[colon - s] = 0;
		ret = parse_typed(type, colon + 1, v);
		if (ret == -ENOENT) {
			*err = "unknown type (int, uint, float, bool, str, opaque, time, objlnk)";
			return -EINVAL;
		}
		if (ret) {
			pv_value_free(v);
			*err = "value does not fit its type";
		}
		return ret;
	}
	if (s[0] == '"')
		ret = parse_str(s, v);
	else if (!strcmp(s, "true") || !strcmp(s, "false"))
		ret = parse_bool(s, v);
	else if (!strncmp(s, "0x", 2))
		ret = parse_typed("opaque", s, v);
	else if (!parse_i64(s, &v->i))
		ret = 0, v->kind = PV_INT;
	else if (!parse_double(s, &v->f))
		ret = 0, v->kind = PV_FLOAT;
	else
		ret = -EINVAL;
	if (ret)
		*err = "not a literal: use \"text\", a number, true/false, 0xHEX or TYPE:VALUE";
	return ret;
}

static void print_bytes_hex(FILE *f, const uint8_t *b, size_t len)
{
	size_t shown = len > 32 ? 32 : len;

	fputs("0x", f);
	for (size_t i = 0; i < shown; i++)
		fprintf(f, "%02x", b[i]);
	if (shown < len)
		fprintf(f, "... (%zu bytes)", len);
}

static void print_quoted(FILE *f, const uint8_t *b, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (b[i] == '"' || b[i] == '\\')
			fprintf(f, "\\%c", b[i]);
		else if (b[i] == '\n')
			fputs("\\n", f);
		else if (b[i] < 0x20 || b[i] == 0x7f)
			fprintf(f, "\\x%02x", b[i]);
		else
			fputc(b[i], f);
	}
	fputc('"', f);
}

static bool printable(const uint8_t *b, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (b[i] < 0x20 || b[i] == 0x7f)
			return false;
	return true;
}

static uint64_t be_uint(const uint8_t *b, size_t len)
{
	uint64_t u = 0;

	for (size_t i = 0; i < len; i++)
		u = u << 8 | b[i];
	return u;
}

static bool int_len(size_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

static int64_t be_int(const uint8_t *b, size_t len)
{
	uint64_t u = be_uint(b, len);

	if (len < 8 && (u >> (len * 8 - 1)))
		u |= ~UINT64_C(0) << (len * 8);
	return (int64_t)u;
}

static double be_float(const uint8_t *b, size_t len)
{
	uint64_t u = be_uint(b, len);

	if (len == 4) {
		uint32_t w = (uint32_t)u;
		float fl;

		memcpy(&fl, &w, sizeof(fl));
		return fl;
	}
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void print_double(FILE *f, double d)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof(buf), "%.17g", d);
	if (!strpbrk(buf, ".eEni"))
		strcat(buf, ".0");
	fputs(buf, f);
}

void pv_value_print(FILE *f, const struct pv_value *v)
{
	switch (v->kind) {
	case PV_NONE:
		fputs("(no value)", f);
		break;
	case PV_INT:
		fprintf(f, "%" PRId64, v->i);
		break;
	case PV_TIME:
		fprintf(f, "time:%" PRId64, v->i);
		break;
	case PV_UINT:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case PV_FLOAT:
		print_double(f, v->f);
		break;
	case PV_BOOL:
		fputs(v->b ? "true" : "false", f);
		break;
	case PV_STR:
		print_quoted(f, v->buf, v->len);
		break;
	case PV_OPAQUE:
		print_bytes_hex(f, v->buf, v->len);
		break;
	case PV_OBJLNK:
		fprintf(f, "%u:%u", v->lnk.obj, v->lnk.inst);
		break;
	case PV_TEXT:
		fputs("text ", f);
		print_quoted(f, v->buf, v->len);
		break;
	case PV_RAW:
		/* TLV is untyped: the integer reading of 1, 2, 4 or 8 bytes, then
		 * the other readings that make sense */
		if (int_len(v->len)) {
			fprintf(f, "%" PRId64, be_int(v->buf, v->len));
			if (v->len >= 4) {
				fputs(" (or float ", f);
				print_double(f, be_float(v->buf, v->len));
				fputc(')', f);
			}
			if (printable(v->buf, v->len)) {
				fputs(" (or ", f);
				print_quoted(f, v->buf, v->len);
				fputc(')', f);
			}
		} else if (printable(v->buf, v->len)) {
			print_quoted(f, v->buf, v->len);
		} else {
			print_bytes_hex(f, v->buf, v->len);
		}
		break;
	}
}

/* ---- comparison: got is read as want's type */

static int as_int(const struct pv_value *g, int64_t *out)
{
	switch (g->kind) {
	case PV_INT:
	case PV_TIME:
		*out = g->i;
		return 0;
	case PV_UINT:
		if (g->u > INT64_MAX)
			return -EINVAL;
		*out = (int64_t)g->u;
		return 0;
	case PV_FLOAT:
		if (g->f != floor(g->f) || fabs(g->f) > 9.0e18)
			return -EINVAL;
		*out = (int64_t)g->f;
		return 0;
	case PV_RAW:
		if (!int_len(g->len))
			return -EINVAL;
		*out = be_int(g->buf, g->len);
		return 0;
	case PV_TEXT:
		return parse_i64((const char *)g->buf, out);
	default:
		return -EINVAL;
	}
}

static int as_uint(const struct pv_value *g, uint64_t *out)
{
	switch (g->kind) {
	case PV_UINT:
		*out = g->u;
		return 0;
	case PV_INT:
	case PV_TIME:
		if (g->i < 0)
			return -EINVAL;
		*out = (uint64_t)g->i;
		return 0;
	case PV_FLOAT:
		if (g->f != floor(g->f) || g->f < 0 || g->f > 1.8e19)
			return -EINVAL;
		*out = (uint64_t)g->f;
		return 0;
	case PV_RAW:
		if (!int_len(g->len))
			return -EINVAL;
		*out = be_uint(g->buf, g->len);
		return 0;
	case PV_TEXT:
		return parse_u64((const char *)g->buf, out);
	default:
		return -EINVAL;
	}
}

static int as_double(const struct pv_value *g, double *out)
{
	switch (g->kind) {
	case PV_FLOAT:
		*out = g->f;
		return 0;
	case PV_INT:
	case PV_TIME:
		*out = (double)g->i;
		return 0;
	case PV_UINT:
		*out = (double)g->u;
		return 0;
	case PV_RAW:
		if (g->len != 4 && g->len != 8)
			return -EINVAL;
		*out = be_float(g->buf, g->len);
		return 0;
	case PV_TEXT:
		return parse_double((const char *)g->buf, out);
	default:
		return -EINVAL;
	}
}

static int as_bool(const struct pv_value *g, bool *out)
{
	switch (g->kind) {
	case PV_BOOL:
		*out = g->b;
		return 0;
	case PV_RAW:
		if (g->len != 1 || g->buf[0] > 1)
			return -EINVAL;
		*out = g->buf[0];
		return 0;
	case PV_TEXT:
		if (g->len != 1 || (g->buf[0] != '0' && g->buf[0] != '1'))
			return -EINVAL;
		*out = g->buf[0] == '1';
		return 0;
	default:
		return -EINVAL;
	}
}

static int as_objlnk(const struct pv_value *g, struct pv_value *out)
{
	switch (g->kind) {
	case PV_OBJLNK:
		*out = *g;
		return 0;
	case PV_RAW:
		if (g->len != 4)
			return -EINVAL;
		out->lnk.obj = (uint16_t)be_uint(g->buf, 2);
		out->lnk.inst = (uint16_t)be_uint(g->buf + 2, 2);
		return 0;
	case PV_TEXT:
	case PV_STR:
		return parse_objlnk((const char *)g->buf, out);
	default:
		return -EINVAL;
	}
}

static int order(int cmp, enum pv_op op)
{
	switch (op) {
	case PV_EQ: return cmp == 0;
	case PV_NE: return cmp != 0;
	case PV_LT: return cmp < 0;
	case PV_GT: return cmp > 0;
	case PV_LE: return cmp <= 0;
	case PV_GE: return cmp >= 0;
	}
	return -EINVAL;
}

int pv_convert(const struct pv_value *got, enum pv_kind kind, struct pv_value *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	switch (kind) {
	case PV_INT:
	case PV_TIME:
		return as_int(got, &o->i);
	case PV_UINT:
		return as_uint(got, &o->u);
	case PV_FLOAT:
		return as_double(got, &o->f);
	case PV_BOOL:
		return as_bool(got, &o->b);
	case PV_OBJLNK:
		if (as_objlnk(got, o))
			return -EINVAL;
		o->kind = PV_OBJLNK;
		return 0;
	case PV_STR:
	case PV_OPAQUE:
		if (got->kind != PV_STR && got->kind != PV_OPAQUE && got->kind != PV_RAW &&
		    got->kind != PV_TEXT)
			return -EINVAL;
		return pv_value_set_buf(o, kind, got->buf, got->len);
	default:
		return -EINVAL;
	}
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

int pv_compare(const struct pv_value *got, enum pv_op op, const struct pv_value *want)
{
	bool eq_only = true;
	int cmp = 0;

	switch (want->kind) {
	case PV_INT:
	case PV_TIME: {
		int64_t g;

		if (as_int(got, &g))
			return -EINVAL;
		cmp = CMP(g, want->i);
		eq_only = false;
		break;
	}
	case PV_UINT: {
		uint64_t g;

		if (as_uint(got, &g))
			return -EINVAL;
		cmp = CMP(g, want->u);
		eq_only = false;
		break;
	}
	case PV_FLOAT: {
		double g;

		if (as_double(got, &g))
			return -EINVAL;
		/* a 4-byte float is compared at its own precision */
		if (got->kind == PV_RAW && got->len == 4)
			cmp = CMP((float)g, (float)want->f);
		else
			cmp = CMP(g, want->f);
		eq_only = false;
		break;
	}
	case PV_BOOL: {
		bool g;

		if (as_bool(got, &g))
			return -EINVAL;
		cmp = g != want->b;
		break;
	}
	case PV_STR:
	case PV_OPAQUE:
		if (got->kind != PV_STR && got->kind != PV_OPAQUE && got->kind != PV_RAW &&
		    got->kind != PV_TEXT)
			return -EINVAL;
		cmp = got->len != want->len || (want->len && memcmp(got->buf, want->buf, want->len));
		break;
	case PV_OBJLNK: {
		struct pv_value g = { 0 };

		if (as_objlnk(got, &g))
			return -EINVAL;
		cmp = g.lnk.obj != want->lnk.obj || g.lnk.inst != want->lnk.inst;
		break;
	}
	default:
		return -EINVAL;
	}
	if (eq_only && op != PV_EQ && op != PV_NE)
		return -EINVAL;
	return order(cmp, op);
}

const char *pv_op_str(enum pv_op op)
{
	static const char *const s[] = { "=", "!=", "<", ">", "<=", ">=" };

	return s[op];
}

int pv_cond_parse(const char *s, const struct pv_path *base, struct pv_path *p,
		  enum pv_op *op, struct pv_value *v, const char **err)
{
	size_t plen = strspn(s, "/0123456789");
	const char *o = s + plen;
	char path[64];
	struct pv_path rel;

	if (!plen || plen >= sizeof(path)) {
		*err = "expected PATH=VALUE";
		return -EINVAL;
	}
	memcpy(path, s, plen);
	path[plen] = 0;
	if (pv_path_parse(path, &rel)) {
		*err = "bad path";
		return -EINVAL;
	}
	if (path[0] == '/' || !base) {
		*p = rel;
	} else {
		*p = *base;
		for (int i = 0; i < rel.depth; i++)
			if (pv_path_append(p, rel.id[i])) {
				*err = "path too deep";
				return -EINVAL;
			}
	}
	if (!strncmp(o, "!=", 2))
		*op = PV_NE, o += 2;
	else if (!strncmp(o, "<=", 2))
		*op = PV_LE, o += 2;
	else if (!strncmp(o, ">=", 2))
		*op = PV_GE, o += 2;
	else if (*o == '=')
		*op = PV_EQ, o++;
	else if (*o == '<')
		*op = PV_LT, o++;
	else if (*o == '>')
		*op = PV_GT, o++;
	else {
		*err = "expected an operator (= != < > <= >=) after the path";
		return -EINVAL;
	}
	return pv_value_parse(o, v, err);
}
