/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test server's own value model ("peer values"), independent of the
 * agent's: LwM2M paths, typed values, lists of (path, value) records, and the
 * scenario's literals and comparisons.
 *
 * Decoders produce what the wire says and no more: TLV and text values carry
 * no type (PV_RAW, PV_TEXT), SenML carries a JSON/CBOR kind. A comparison
 * interprets an untyped value through the expected value's type, so
 * `/3/0/9=int:100` matches a TLV one-byte 0x64 and a SenML "v":100 alike.
 */
#ifndef KLWM2M_PEER_PV_H
#define KLWM2M_PEER_PV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PV_NO_ID 0xffffu	/* "not given" (create without an instance ID) */

struct pv_path {
	uint16_t id[4];
	int depth;		/* 0: the root "/" */
};

enum pv_kind {
	PV_NONE,
	PV_INT,		/* i */
	PV_UINT,	/* u */
	PV_FLOAT,	/* f */
	PV_BOOL,	/* b */
	PV_STR,		/* buf, len (NUL-terminated too) */
	PV_OPAQUE,	/* buf, len */
	PV_TIME,	/* i: seconds since the epoch */
	PV_OBJLNK,	/* lnk */
	PV_RAW,		/* buf, len: TLV bytes, type unknown */
	PV_TEXT,	/* buf, len: text/plain, type unknown */
};

struct pv_value {
	enum pv_kind kind;
	union {
		int64_t i;
		uint64_t u;
		double f;
		bool b;
		struct { uint16_t obj, inst; } lnk;
	};
	uint8_t *buf;
	size_t len;
};

struct pv_rec {
	struct pv_path path;
	struct pv_value v;
};

struct pv_list {
	struct pv_rec *r;
	size_t n, cap;
};

enum pv_op { PV_EQ, PV_NE, PV_LT, PV_GT, PV_LE, PV_GE };

/* "/3/0/1", "3/0", "/" ; -EINVAL on anything else (IDs up to 65534). */
int pv_path_parse(const char *s, struct pv_path *p);
/* "/3/0/1" into buf (at least 32 bytes). */
const char *pv_path_str(const struct pv_path *p, char *buf, size_t size);
bool pv_path_eq(const struct pv_path *a, const struct pv_path *b);
/* a is b or lies under b */
bool pv_path_under(const struct pv_path *a, const struct pv_path *b);
int pv_path_append(struct pv_path *p, unsigned int id);

/* Sets kind and copies data (adds a NUL); -ENOMEM. */
int pv_value_set_buf(struct pv_value *v, enum pv_kind kind, const void *data, size_t len);
void pv_value_free(struct pv_value *v);

/* Takes ownership of *v on success and on failure. */
int pv_list_add(struct pv_list *l, const struct pv_path *p, struct pv_value *v);
void pv_list_free(struct pv_list *l);
const struct pv_rec *pv_list_find(const struct pv_list *l, const struct pv_path *p);

/*
 * A scenario literal: TYPE:TEXT with TYPE int, uint, float, bool, str,
 * opaque (hex), time, objlnk (O:I); or untyped: "quoted" (str), true/false,
 * a number (int, or float with '.'/'e'), 0x.. (opaque). -EINVAL with *err
 * set to a reason.
 */
int pv_value_parse(const char *s, struct pv_value *v, const char **err);

/* Human form: "klwm2m" / 100 / 21.5 / true / 0x0102 / 3:0 (raw values are guessed). */
void pv_value_print(FILE *f, const struct pv_value *v);

/*
 * Compares got (from the wire) against want (a literal): 1 holds, 0 does
 * not, -EINVAL when got cannot be read as want's type or the operator does
 * not apply to the type (ordering of strings, ...).
 */
int pv_compare(const struct pv_value *got, enum pv_op op, const struct pv_value *want);

/* "PATH OP VALUE" as one token, e.g. /3/0/9>=10 ; paths relative to base
 * when they do not start with '/'. */
int pv_cond_parse(const char *s, const struct pv_path *base, struct pv_path *p,
		  enum pv_op *op, struct pv_value *v, const char **err);
const char *pv_op_str(enum pv_op op);

/* got (any kind, e.g. an untyped TLV value) as a value of the given kind. */
int pv_convert(const struct pv_value *got, enum pv_kind kind, struct pv_value *out);

/* Hex digits, optionally separated by spaces, ':' or '-' between bytes. */
int pv_hex_decode(const char *s, uint8_t **out, size_t *len);
/* "text" with \" \\ \n escapes and nothing after the closing quote; malloc'd. */
int pv_unquote(const char *s, char **out);

#endif
