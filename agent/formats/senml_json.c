// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML JSON (application/senml+json, 110; RFC 8428 4, LwM2M TS 1.1 7.4.4):
 *   [{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},{"n":"9","v":100}]
 *
 * The reader is written here rather than taken from json-c: json-c 0.16
 * clamps integers beyond 64 bits to the nearest limit without a word
 * (18446744073709551616 reads as 18446744073709551615), reads "-0" as the
 * integer 0, accepts NaN and Infinity even in strict mode and keeps the last
 * of duplicate keys; a SenML value must reach its resource exactly or be
 * refused. What a SenML pack can hold is small: an array of flat objects
 * whose members are strings, numbers or booleans. The reader follows RFC 8259
 * for those (strict number grammar, escapes, UTF-8) and refuses anything
 * else (nesting, null), duplicate labels, two values in a record, the base
 * value and sum fields LwM2M does not use (bv, bs, s) and unknown labels
 * that end in '_' (must-understand); other unknown labels are ignored, as
 * are times and units.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---------------------------------------------------------------- reading */

struct jr {
	struct fmt_set *s;
	const char *p, *start, *end;
};

static int bad(struct jr *j, const char *what)
{
	return fmt_fail(j->s->diag, -EBADMSG, "SenML JSON: %s at offset %zu", what,
			(size_t)(j->p - j->start));
}

static void ws(struct jr *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool eat(struct jr *j, char c)
{
	ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at j->p (the opening quote), unescaped into the set's memory. */
static int string(struct jr *j, const char **out, size_t *len)
{
	const char *q = j->p + 1, *close = q;
	unsigned char *o;
	size_t n = 0;

	while (close < j->end && *close != '"')
		close += *close == '\\' && close + 1 < j->end ? 2 : 1;
	if (close >= j->end)
		return bad(j, "unterminated string");
	o = fmt_set_alloc(j->s, (size_t)(close - q));	/* unescaping never grows */
	if (!o)
		return -ENOMEM;
	while (q < close) {
		uint32_t cp, lo;

		if ((unsigned char)*q < 0x20) {
			j->p = q;
			return bad(j, "control character in a string");
		}
		if (*q != '\\') {
			o[n++] = (unsigned char)*q++;
			continue;
		}
		j->p = q;
		switch (q[1]) {
		case '"': case '\\': case '/':
			o[n++] = (unsigned char)q[1];
			break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u':
			if (close - q < 6 || hex4(q + 2, &cp))
				return bad(j, "bad \\u escape");
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return bad(j, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (close - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return bad(j, "lone high surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				q += 6;
			}
			n += put_utf8(o + n, cp);
			q += 4;
			break;
		default:
			return bad(j, "bad escape");
		}
		q += 2;
	}
	if (!fmt_utf8_valid(o, n))
		return bad(j, "string is not UTF-8");
	j->p = close + 1;
	*out = (const char *)o;
	*len = n;
	return 0;
}

static int number(struct jr *j, struct senml_num *num)
{
	const char *q = j->p;
	bool is_int;
	int err;

	while (q < j->end && (strchr("+-.eE", *q) || (*q >= '0' && *q <= '9')) && *q)
		q++;
	err = fmt_parse_decimal(j->p, (size_t)(q - j->p), &num->f, &is_int);
	if (err == -ENOMEM)
		return err;
	if (err)
		return bad(j, "malformed number");
	num->f_overflow = !isfinite(num->f);
	if (!is_int) {
		num->kind = NUM_FLOAT;
	} else if (*j->p == '-') {
		err = fmt_parse_u64(j->p + 1, (size_t)(q - j->p - 1), &num->mag);
		num->kind = err ? NUM_BIG : num->mag ? NUM_NEG : NUM_UINT;
	} else {
		num->kind = fmt_parse_u64(j->p, (size_t)(q - j->p), &num->mag) ? NUM_BIG : NUM_UINT;
	}
	j->p = q;
	return 0;
}

enum val_t { VAL_STR, VAL_NUM, VAL_BOOL };

struct jval {
	enum val_t t;
	const char *str;
	size_t len;
	struct senml_num num;
	bool b;
};

static int value(struct jr *j, struct jval *v)
{
	ws(j);
	if (j->p >= j->end)
		return bad(j, "value missing");
	if (*j->p == '"') {
		v->t = VAL_STR;
		return string(j, &v->str, &v->len);
	}
	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		v->t = VAL_NUM;
		return number(j, &v->num);
	}
	v->t = VAL_BOOL;
	if (j->end - j->p >= 4 && !memcmp(j->p, "true", 4)) {
		v->b = true;
		j->p += 4;
		return 0;
	}
	if (j->end - j->p >= 5 && !memcmp(j->p, "false", 5)) {
		v->b = false;
		j->p += 5;
		return 0;
	}
	return bad(j, "a SenML value is a string, a number or a boolean");
}

/* The labels we read; LBL_* bit positions for duplicate detection. */
static const struct {
	const char *name;
	enum val_t t;
	enum senml_vkind vkind;		/* a value label, else SENML_NONE */
	bool refused;
} labels[] = {
	{ "bn", VAL_STR, SENML_NONE, false },	{ "n", VAL_STR, SENML_NONE, false },
	{ "v", VAL_NUM, SENML_V, false },	{ "vs", VAL_STR, SENML_VS, false },
	{ "vb", VAL_BOOL, SENML_VB, false },	{ "vd", VAL_STR, SENML_VD, false },
	{ "vlo", VAL_STR, SENML_VLO, false },	{ "bt", VAL_NUM, SENML_NONE, false },
	{ "t", VAL_NUM, SENML_NONE, false },	{ "bu", VAL_STR, SENML_NONE, false },
	{ "u", VAL_STR, SENML_NONE, false },	{ "bver", VAL_NUM, SENML_NONE, false },
	{ "ut", VAL_NUM, SENML_NONE, false },	{ "bv", VAL_NUM, SENML_NONE, true },
	{ "bs", VAL_NUM, SENML_NONE, true },	{ "s", VAL_NUM, SENML_NONE, true },
};

static int member(struct jr *j, struct senml_raw *r, uint32_t *seen)
{
	const char *key;
	size_t klen, i;
	struct jval v;
	int err;

	ws(j);
	if (j->p >= j->end || *j->p != '"')
		return bad(j, "label expected");
	err = string(j, &key, &klen);
	if (err)
		return err;
	if (!eat(j, ':'))
		return bad(j, "':' expected");
	err = value(j, &v);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		if (strlen(labels[i].name) == klen && !memcmp(labels[i].name, key, klen))
			break;
	}
	if (i == ARRAY_SIZE(labels))
		return klen && key[klen - 1] == '_' ? bad(j, "unknown must-understand label") : 0;
	if (labels[i].refused)
		return fmt_fail(j->s->diag, -EBADMSG, "SenML JSON: label \"%s\" is not used by LwM2M",
				labels[i].name);
	if (*seen & (1u << i))
		return fmt_fail(j->s->diag, -EBADMSG, "SenML JSON: label \"%s\" twice in a record",
				labels[i].name);
	*seen |= 1u << i;
	if (v.t != labels[i].t)
		return fmt_fail(j->s->diag, -EBADMSG, "SenML JSON: \"%s\" of the wrong JSON type",
				labels[i].name);
	if (labels[i].vkind != SENML_NONE) {
		if (r->vkind != SENML_NONE)
			return fmt_fail(j->s->diag, -EBADMSG, "SenML JSON: a record with two values");
		r->vkind = labels[i].vkind;
	}
	switch (labels[i].vkind) {
	case SENML_V:
		r->num = v.num;
		break;
	case SENML_VB:
		r->vb = v.b;
		break;
	case SENML_VD: {
		unsigned char *o = fmt_set_alloc(j->s, v.len);

		if (!o)
			return -ENOMEM;
		if (fmt_base64url_decode(v.str, v.len, o, &r->len))
			return fmt_fail(j->s->diag, -EBADMSG, "SenML JSON: vd is not base64url");
		r->bytes = o;
		break;
	}
	case SENML_VS:
	case SENML_VLO:
		r->bytes = v.str;
		r->len = v.len;
		break;
	default:
		if (i == 0) {
			r->has_bn = true;
			r->bn = v.str;
			r->bn_len = v.len;
		} else if (i == 1) {
			r->has_n = true;
			r->n = v.str;
			r->n_len = v.len;
		}
	}
	return 0;
}

int fmt_senml_json_decode(struct fmt_set *s, const unsigned char *p, size_t len)
{
	struct jr j = { .s = s, .p = (const char *)p, .start = (const char *)p,
			.end = (const char *)p + len };
	struct senml_state st = { .bn_len = 0 };
	int err;

	if (!eat(&j, '['))
		return bad(&j, "'[' expected");
	if (!eat(&j, ']')) {
		do {
			struct senml_raw r = { .vkind = SENML_NONE };
			uint32_t seen = 0;

			if (!eat(&j, '{'))
				return bad(&j, "'{' expected");
			if (!eat(&j, '}')) {
				do {
					err = member(&j, &r, &seen);
					if (err)
						return err;
				} while (eat(&j, ','));
				if (!eat(&j, '}'))
					return bad(&j, "'}' expected");
			}
			err = fmt_senml_add(s, &st, &r);
			if (err)
				return err;
		} while (eat(&j, ','));
		if (!eat(&j, ']'))
			return bad(&j, "']' expected");
	}
	ws(&j);
	return j.p == j.end ? 0 : bad(&j, "bytes after the pack");
}

/* ---------------------------------------------------------------- writing */

static int put_string(struct fmt_buf *b, const void *p, size_t len)
{
	const unsigned char *s = p;
	int err = fmt_buf_putc(b, '"');

	for (size_t i = 0; !err && i < len; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			err = fmt_buf_putc(b, '\\');
			if (!err)
				err = fmt_buf_putc(b, s[i]);
		} else if (s[i] < 0x20) {
			err = fmt_buf_printf(b, "\\u%04x", s[i]);
		} else {
			err = fmt_buf_putc(b, s[i]);
		}
	}
	return err ? err : fmt_buf_putc(b, '"');
}

static int put_value(struct fmt_buf *b, const struct klwm2m_value *v)
{
	char tmp[32];
	int err;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		return fmt_buf_printf(b, "\"v\":%lld", (long long)v->i);
	case KLWM2M_TYPE_UNSIGNED:
		return fmt_buf_printf(b, "\"v\":%llu", (unsigned long long)v->u);
	case KLWM2M_TYPE_FLOAT:
		if (!isfinite(v->f))
			return -EOPNOTSUPP;
		fmt_double_text(v->f, tmp);
		return fmt_buf_printf(b, "\"v\":%s", tmp);
	case KLWM2M_TYPE_BOOLEAN:
		return fmt_buf_printf(b, "\"vb\":%s", v->b ? "true" : "false");
	case KLWM2M_TYPE_OBJLNK:
		return fmt_buf_printf(b, "\"vlo\":\"%u:%u\"", v->objlnk.oid, v->objlnk.iid);
	case KLWM2M_TYPE_OPAQUE:
		err = fmt_buf_put(b, "\"vd\":\"", 6);
		if (!err)
			err = fmt_base64url_put(b, v->bytes.ptr, v->bytes.len);
		return err ? err : fmt_buf_putc(b, '"');
	default:	/* string, core link */
		if (!fmt_utf8_valid(v->bytes.ptr, v->bytes.len))
			return -EILSEQ;
		err = fmt_buf_put(b, "\"vs\":", 5);
		return err ? err : put_string(b, v->bytes.ptr, v->bytes.len);
	}
}

int fmt_senml_json_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs,
			  size_t n, struct fmt_buf *out, struct fmt_diag *diag)
{
	char bn[KLWM2M_PATH_STRLEN + 1], name[KLWM2M_PATH_STRLEN], b[KLWM2M_PATH_STRLEN];
	bool first = true;
	int err = fmt_buf_putc(out, '[');

	for (size_t i = 0; !err && i < n; i++) {
		if (recs[i].kind != KLWM2M_RECORD_VALUE)
			continue;
		fmt_senml_names(base, &recs[i].path, first, bn, name);
		err = fmt_buf_put(out, first ? "{" : ",{", first ? 1 : 2);
		if (!err && bn[0]) {
			err = fmt_buf_put(out, "\"bn\":", 5);
			if (!err)
				err = put_string(out, bn, strlen(bn));
			if (!err && name[0])
				err = fmt_buf_putc(out, ',');
		}
		if (!err && name[0]) {
			err = fmt_buf_put(out, "\"n\":", 4);
			if (!err)
				err = put_string(out, name, strlen(name));
		}
		if (!err)
			err = fmt_buf_putc(out, ',');
		if (!err)
			err = put_value(out, &recs[i].value);
		if (!err)
			err = fmt_buf_putc(out, '}');
		if (err == -EOPNOTSUPP)
			return fmt_fail(diag, err, "%s: SenML JSON has no form for NaN or infinity",
					fmt_path_str(&recs[i].path, b));
		if (err == -EILSEQ)
			return fmt_fail(diag, -EINVAL, "%s: the string is not UTF-8",
					fmt_path_str(&recs[i].path, b));
		first = false;
	}
	if (!err)
		err = fmt_buf_putc(out, ']');
	return err ? fmt_fail(diag, err, "SenML JSON: %s", err == -E2BIG ? "payload too large" :
			      "out of memory") : 0;
}
