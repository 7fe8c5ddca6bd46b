// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML CBOR (application/senml+cbor, 112; RFC 8428 6, LwM2M TS 1.1 7.4.5):
 * an array of maps whose keys are the RFC 8428 integer labels (bn -2, n 0,
 * v 2, vs 3, vb 4, vd 8; bt -3, bver -1, bu -4, u 1, t 6, ut 7 read and
 * ignored; bv -5, bs -6, s 5 refused) and LwM2M's text key "vlo".
 *
 * Reading uses libcbor's streaming decoder (cbor_stream_decode(): one item
 * head per call, no tree, so no recursion however deep a hostile payload
 * nests) under a state machine of our own that accepts exactly that shape:
 * definite or indefinite arrays and maps; definite text and byte strings
 * only; no tags, null or undefined; no duplicate keys; one value per record.
 * Text strings must be UTF-8 (libcbor does not check).
 *
 * Writing is done here, not with libcbor's encoders: an item head is a few
 * lines, and a float must take the smallest of the half, single or double
 * forms that holds it exactly (RFC 8949 4.2.2), which libcbor 0.8 leaves to
 * its caller. Integers take the smallest head (RFC 8949 4.2.1).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <cbor.h>

#include "internal.h"

/* ---------------------------------------------------------------- writing */

static int head(struct fmt_buf *b, unsigned major, uint64_t v)
{
	unsigned char h[9];
	size_t n;

	if (v < 24) {
		h[0] = (unsigned char)(major << 5 | v);
		n = 1;
	} else {
		unsigned add = v <= UINT8_MAX ? 24 : v <= UINT16_MAX ? 25 : v <= UINT32_MAX ? 26 : 27;

		n = 1u << (add - 24);
		h[0] = (unsigned char)(major << 5 | add);
		for (size_t i = 0; i < n; i++)
			h[1 + i] = (unsigned char)(v >> (8 * (n - 1 - i)));
		n++;
	}
	return fmt_buf_put(b, h, n);
}

static int put_int(struct fmt_buf *b, int64_t i)
{
	return i >= 0 ? head(b, 0, (uint64_t)i) : head(b, 1, (uint64_t)(-(i + 1)));
}

static int put_text(struct fmt_buf *b, unsigned major, const void *p, size_t len)
{
	int err = head(b, major, len);

	return err ? err : fmt_buf_put(b, p, len);
}

/* The half-precision bits of @d when they hold it exactly. */
static bool to_half(double d, uint16_t *h)
{
	uint64_t bits, mant;
	unsigned sign;
	int exp;

	memcpy(&bits, &d, 8);
	sign = (unsigned)(bits >> 63) << 15;
	exp = (int)((bits >> 52) & 0x7ff);
	mant = bits & ((1ULL << 52) - 1);
	if (exp == 0x7ff) {		/* infinities, NaNs: the payload's top 10 bits */
		if (mant & ((1ULL << 42) - 1))
			return false;
		*h = (uint16_t)(sign | 0x7c00 | mant >> 42);
		return true;
	}
	if (exp == 0) {
		*h = (uint16_t)sign;
		return !mant;
	}
	exp -= 1023;
	if (exp >= -14 && exp <= 15) {
		if (mant & ((1ULL << 42) - 1))
			return false;
		*h = (uint16_t)(sign | (unsigned)(exp + 15) << 10 | mant >> 42);
		return true;
	}
	if (exp >= -24 && exp < -14) {	/* a half subnormal: m * 2^-24 */
		unsigned shift = (unsigned)(28 - exp);
		uint64_t full = mant | 1ULL << 52;

		if (full & ((1ULL << shift) - 1))
			return false;
		*h = (uint16_t)(sign | full >> shift);
		return true;
	}
	return false;
}

static int put_float(struct fmt_buf *b, double d)
{
	unsigned char o[9];
	uint16_t h;
	float f = (float)d;
	double back = f;
	size_t n;

	if (to_half(d, &h)) {
		o[0] = 0xf9;
		o[1] = (unsigned char)(h >> 8);
		o[2] = (unsigned char)h;
		n = 3;
	} else if (!memcmp(&back, &d, 8)) {
		uint32_t u;

		memcpy(&u, &f, 4);
		o[0] = 0xfa;
		for (int i = 0; i < 4; i++)
			o[1 + i] = (unsigned char)(u >> (24 - 8 * i));
		n = 5;
	} else {
		uint64_t u;

		memcpy(&u, &d, 8);
		o[0] = 0xfb;
		for (int i = 0; i < 8; i++)
			o[1 + i] = (unsigned char)(u >> (56 - 8 * i));
		n = 9;
	}
	return fmt_buf_put(b, o, n);
}

#define KEY_BN 0x21	/* -2 */
#define KEY_N 0x00
#define KEY_V 0x02
#define KEY_VS 0x03
#define KEY_VB 0x04
#define KEY_VD 0x08

static int put_value(struct fmt_buf *b, const struct klwm2m_value *v)
{
	char lo[16];
	int err;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		err = fmt_buf_putc(b, KEY_V);
		return err ? err : put_int(b, v->i);
	case KLWM2M_TYPE_UNSIGNED:
		err = fmt_buf_putc(b, KEY_V);
		return err ? err : head(b, 0, v->u);
	case KLWM2M_TYPE_FLOAT:
		err = fmt_buf_putc(b, KEY_V);
		return err ? err : put_float(b, v->f);
	case KLWM2M_TYPE_BOOLEAN:
		err = fmt_buf_putc(b, KEY_VB);
		return err ? err : fmt_buf_putc(b, v->b ? 0xf5 : 0xf4);
	case KLWM2M_TYPE_OBJLNK:
		err = put_text(b, 3, "vlo", 3);
		snprintf(lo, sizeof(lo), "%u:%u", v->objlnk.oid, v->objlnk.iid);
		return err ? err : put_text(b, 3, lo, strlen(lo));
	case KLWM2M_TYPE_OPAQUE:
		err = fmt_buf_putc(b, KEY_VD);
		return err ? err : put_text(b, 2, v->bytes.ptr, v->bytes.len);
	default:
		if (!fmt_utf8_valid(v->bytes.ptr, v->bytes.len))
			return -EILSEQ;
		err = fmt_buf_putc(b, KEY_VS);
		return err ? err : put_text(b, 3, v->bytes.ptr, v->bytes.len);
	}
}

int fmt_senml_cbor_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs,
			  size_t n, struct fmt_buf *out, struct fmt_diag *diag)
{
	char bn[KLWM2M_PATH_STRLEN + 1], name[KLWM2M_PATH_STRLEN], b[KLWM2M_PATH_STRLEN];
	size_t count = 0;
	bool first = true;
	int err;

	for (size_t i = 0; i < n; i++)
		count += recs[i].kind == KLWM2M_RECORD_VALUE;
	err = head(out, 4, count);
	for (size_t i = 0; !err && i < n; i++) {
		if (recs[i].kind != KLWM2M_RECORD_VALUE)
			continue;
		fmt_senml_names(base, &recs[i].path, first, bn, name);
		err = head(out, 5, 1 + !!bn[0] + !!name[0]);
		if (!err && bn[0]) {
			err = fmt_buf_putc(out, KEY_BN);
			if (!err)
				err = put_text(out, 3, bn, strlen(bn));
		}
		if (!err && name[0]) {
			err = fmt_buf_putc(out, KEY_N);
			if (!err)
				err = put_text(out, 3, name, strlen(name));
		}
		if (!err)
			err = put_value(out, &recs[i].value);
		if (err == -EILSEQ)
			return fmt_fail(diag, -EINVAL, "%s: the string is not UTF-8",
					fmt_path_str(&recs[i].path, b));
		first = false;
	}
	return err ? fmt_fail(diag, err, "SenML CBOR: %s", err == -E2BIG ? "payload too large" :
			      "out of memory") : 0;
}

/* ---------------------------------------------------------------- reading */

enum item_t {
	IT_UINT, IT_NEG, IT_FLOAT, IT_TEXT, IT_BYTES, IT_BOOL, IT_ARRAY, IT_MAP, IT_BREAK,
	IT_OTHER
};

struct item {
	enum item_t t;
	bool indef;		/* IT_ARRAY, IT_MAP */
	uint64_t u;		/* IT_UINT, IT_NEG (-1 - u), IT_ARRAY/IT_MAP count */
	double f;
	const void *p;		/* IT_TEXT, IT_BYTES */
	size_t len;
	bool b;
	const char *other;
};

static void cb_u8(void *c, uint8_t v) { *(struct item *)c = (struct item){ .t = IT_UINT, .u = v }; }
static void cb_u16(void *c, uint16_t v) { *(struct item *)c = (struct item){ .t = IT_UINT, .u = v }; }
static void cb_u32(void *c, uint32_t v) { *(struct item *)c = (struct item){ .t = IT_UINT, .u = v }; }
static void cb_u64(void *c, uint64_t v) { *(struct item *)c = (struct item){ .t = IT_UINT, .u = v }; }
static void cb_n8(void *c, uint8_t v) { *(struct item *)c = (struct item){ .t = IT_NEG, .u = v }; }
static void cb_n16(void *c, uint16_t v) { *(struct item *)c = (struct item){ .t = IT_NEG, .u = v }; }
static void cb_n32(void *c, uint32_t v) { *(struct item *)c = (struct item){ .t = IT_NEG, .u = v }; }
static void cb_n64(void *c, uint64_t v) { *(struct item *)c = (struct item){ .t = IT_NEG, .u = v }; }
static void cb_text(void *c, cbor_data p, size_t n)
{
	*(struct item *)c = (struct item){ .t = IT_TEXT, .p = p, .len = n };
}
static void cb_bytes(void *c, cbor_data p, size_t n)
{
	*(struct item *)c = (struct item){ .t = IT_BYTES, .p = p, .len = n };
}
static void cb_arr(void *c, size_t n) { *(struct item *)c = (struct item){ .t = IT_ARRAY, .u = n }; }
static void cb_iarr(void *c) { *(struct item *)c = (struct item){ .t = IT_ARRAY, .indef = true }; }
static void cb_map(void *c, size_t n) { *(struct item *)c = (struct item){ .t = IT_MAP, .u = n }; }
static void cb_imap(void *c) { *(struct item *)c = (struct item){ .t = IT_MAP, .indef = true }; }
static void cb_f4(void *c, float f) { *(struct item *)c = (struct item){ .t = IT_FLOAT, .f = f }; }
static void cb_f8(void *c, double f) { *(struct item *)c = (struct item){ .t = IT_FLOAT, .f = f }; }
static void cb_bool(void *c, bool b) { *(struct item *)c = (struct item){ .t = IT_BOOL, .b = b }; }
static void cb_break(void *c) { *(struct item *)c = (struct item){ .t = IT_BREAK }; }
static void cb_tag(void *c, uint64_t v)
{
	*(struct item *)c = (struct item){ .t = IT_OTHER, .other = "a tag" };
}
static void cb_istr(void *c)
{
	*(struct item *)c = (struct item){ .t = IT_OTHER, .other = "an indefinite-length string" };
}
static void cb_null(void *c)
{
	*(struct item *)c = (struct item){ .t = IT_OTHER, .other = "null or undefined" };
}

static const struct cbor_callbacks callbacks = {
	.uint8 = cb_u8, .uint16 = cb_u16, .uint32 = cb_u32, .uint64 = cb_u64,
	.negint8 = cb_n8, .negint16 = cb_n16, .negint32 = cb_n32, .negint64 = cb_n64,
	.byte_string = cb_bytes, .byte_string_start = cb_istr,
	.string = cb_text, .string_start = cb_istr,
	.array_start = cb_arr, .indef_array_start = cb_iarr,
	.map_start = cb_map, .indef_map_start = cb_imap,
	.tag = cb_tag, .float2 = cb_f4, .float4 = cb_f4, .float8 = cb_f8,
	.undefined = cb_null, .null = cb_null, .boolean = cb_bool, .indef_break = cb_break,
};

struct cr {
	struct fmt_set *s;
	const unsigned char *start, *p, *end;
};

static int next(struct cr *c, struct item *it)
{
	struct cbor_decoder_result res;

	if (c->p >= c->end)
		return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: truncated at offset %zu",
				(size_t)(c->p - c->start));
	it->t = IT_OTHER;
	it->other = "a simple value";
	res = cbor_stream_decode(c->p, (size_t)(c->end - c->p), &callbacks, it);
	if (res.status != CBOR_DECODER_FINISHED || !res.read)
		return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: %s at offset %zu",
				res.status == CBOR_DECODER_NEDATA ? "truncated" : "malformed item",
				(size_t)(c->p - c->start));
	c->p += res.read;
	if (it->t == IT_OTHER)
		return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: %s at offset %zu is not SenML",
				it->other, (size_t)(c->p - res.read - c->start));
	return 0;
}

static void to_num(const struct item *it, struct senml_num *num)
{
	num->f_overflow = false;
	if (it->t == IT_UINT) {
		num->kind = NUM_UINT;
		num->mag = it->u;
		num->f = (double)it->u;
	} else if (it->t == IT_NEG) {
		/* -1 - u: magnitude u + 1, which needs 65 bits for u = 2^64 - 1 */
		num->kind = it->u == UINT64_MAX ? NUM_BIG : NUM_NEG;
		num->mag = it->u + 1;
		num->f = -1.0 - (double)it->u;
	} else {
		num->kind = NUM_FLOAT;
		num->f = it->f;
	}
}

/* Label -> bit; -1 unknown (ignored), -2 refused. */
static int label_bit(const struct item *k, enum senml_vkind *vk)
{
	*vk = SENML_NONE;
	if (k->t == IT_TEXT) {
		if (k->len == 3 && !memcmp(k->p, "vlo", 3)) {
			*vk = SENML_VLO;
			return 16;
		}
		return k->len && ((const char *)k->p)[k->len - 1] == '_' ? -2 : -1;
	}
	if (k->t == IT_NEG) {	/* bver -1, bn -2, bt -3, bu -4; bv -5, bs -6 refused */
		if (k->u == 4 || k->u == 5)
			return -2;
		return k->u <= 3 ? (int)(8 + k->u) : -1;
	}
	switch (k->u) {		/* IT_UINT */
	case 2: *vk = SENML_V; break;
	case 3: *vk = SENML_VS; break;
	case 4: *vk = SENML_VB; break;
	case 8: *vk = SENML_VD; break;
	case 5: return -2;	/* s */
	case 0: case 1: case 6: case 7: break;
	default: return -1;
	}
	return (int)k->u;
}

static int record(struct cr *c, const struct item *m, struct senml_raw *r)
{
	uint32_t seen = 0;
	int err;

	for (uint64_t i = 0; m->indef || i < m->u; i++) {
		struct item k, v;
		enum senml_vkind vk;
		int bit;

		err = next(c, &k);
		if (err)
			return err;
		if (k.t == IT_BREAK && m->indef)
			break;
		if (k.t != IT_UINT && k.t != IT_NEG && k.t != IT_TEXT)
			return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: a label must be an integer or text");
		err = next(c, &v);
		if (err)
			return err;
		if (v.t == IT_ARRAY || v.t == IT_MAP || v.t == IT_BREAK)
			return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: nested or missing value");
		if ((v.t == IT_TEXT && !fmt_utf8_valid(v.p, v.len)) ||
		    (k.t == IT_TEXT && !fmt_utf8_valid(k.p, k.len)))
			return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: text string is not UTF-8");
		bit = label_bit(&k, &vk);
		if (bit == -2)
			return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: a label LwM2M does not use");
		if (bit < 0)
			continue;
		if (seen & (1u << bit))
			return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: a label twice in a record");
		seen |= 1u << bit;
		if (vk != SENML_NONE && r->vkind != SENML_NONE)
			return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: a record with two values");
		if (vk != SENML_NONE)
			r->vkind = vk;
		switch (bit) {
		case 0:		/* n */
		case 9:		/* bn */
			if (v.t != IT_TEXT)
				break;
			if (bit == 0) {
				r->has_n = true;
				r->n = v.p;
				r->n_len = v.len;
			} else {
				r->has_bn = true;
				r->bn = v.p;
				r->bn_len = v.len;
			}
			continue;
		case 2:		/* v */
			if (v.t != IT_UINT && v.t != IT_NEG && v.t != IT_FLOAT)
				break;
			to_num(&v, &r->num);
			continue;
		case 4:		/* vb */
			if (v.t != IT_BOOL)
				break;
			r->vb = v.b;
			continue;
		case 3:		/* vs */
		case 16:	/* vlo */
		case 8:		/* vd */
			if (v.t != (bit == 8 ? IT_BYTES : IT_TEXT))
				break;
			r->bytes = v.p;
			r->len = v.len;
			continue;
		case 1: case 11:	/* u, bu */
			if (v.t != IT_TEXT)
				break;
			continue;
		default:	/* t 6, ut 7, bver 8, bt 10: numbers */
			if (v.t != IT_UINT && v.t != IT_NEG && v.t != IT_FLOAT)
				break;
			continue;
		}
		return fmt_fail(c->s->diag, -EBADMSG, "SenML CBOR: label %s%llu of the wrong type",
				k.t == IT_NEG ? "-" : "", k.t == IT_TEXT ? 0ULL :
				(unsigned long long)(k.t == IT_NEG ? k.u + 1 : k.u));
	}
	return 0;
}

int fmt_senml_cbor_decode(struct fmt_set *s, const unsigned char *p, size_t len)
{
	struct cr c = { .s = s, .start = p, .p = p, .end = p + len };
	struct senml_state st = { .bn_len = 0 };
	struct item a;
	int err = next(&c, &a);

	if (err)
		return err;
	if (a.t != IT_ARRAY)
		return fmt_fail(s->diag, -EBADMSG, "SenML CBOR: a pack is an array");
	for (uint64_t i = 0; a.indef || i < a.u; i++) {
		struct senml_raw r = { .vkind = SENML_NONE };
		struct item m;

		err = next(&c, &m);
		if (err)
			return err;
		if (m.t == IT_BREAK && a.indef)
			break;
		if (m.t != IT_MAP)
			return fmt_fail(s->diag, -EBADMSG, "SenML CBOR: a record is a map");
		err = record(&c, &m, &r);
		if (!err)
			err = fmt_senml_add(s, &st, &r);
		if (err)
			return err;
	}
	if (c.p != c.end)
		return fmt_fail(s->diag, -EBADMSG, "SenML CBOR: %zu bytes after the pack",
				(size_t)(c.end - c.p));
	return 0;
}
