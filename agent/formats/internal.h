/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the content-format files only; the rest of the agent includes
 * formats.h. The record set (records.c) is where every decoder collects what
 * it read, so that nothing is delivered before the whole payload is checked.
 */
#ifndef KLWM2M_AGENT_FORMATS_INTERNAL_H
#define KLWM2M_AGENT_FORMATS_INTERNAL_H

#include <stdbool.h>

#include "formats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Sets @d's message (when @d is not NULL) and returns @err. */
int fmt_fail(struct fmt_diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- paths (records.c) */
/* <0, 0, >0 in path order: IDs level by level, a prefix before what it holds. */
int fmt_path_cmp(const struct klwm2m_path *a, const struct klwm2m_path *b);
/* @p is @base or under it. */
bool fmt_path_under(const struct klwm2m_path *base, const struct klwm2m_path *p);
/* The path's text for messages (a static buffer per call site is the caller's). */
const char *fmt_path_str(const struct klwm2m_path *p, char buf[KLWM2M_PATH_STRLEN]);

/* ---- the record set a decoder fills (records.c) */
struct fmt_set {
	const struct klwm2m_path *base;
	const struct fmt_decoder *dec;
	struct fmt_diag *diag;
	struct klwm2m_record *recs;
	size_t n, cap;
	void **blocks;			/* memory values point into */
	size_t nblocks, capblocks;
};

void fmt_set_init(struct fmt_set *s, const struct klwm2m_path *base,
		  const struct fmt_decoder *dec, struct fmt_diag *diag);
void fmt_set_free(struct fmt_set *s);
/* Memory that lives as long as @s; NULL when out of memory. */
void *fmt_set_alloc(struct fmt_set *s, size_t n);
/* The resource's type through the decoder's callback; -ENOENT says which. */
int fmt_set_type(struct fmt_set *s, const struct klwm2m_path *res, uint8_t *type, int *multiple);
/*
 * Adds a record: a value checked against its type's rules (UTF-8, link
 * format, size), or an explicit marker (kind KLWM2M_RECORD_INSTANCE or
 * FMT_RECORD_MULTIPLE). Refuses paths outside the base.
 */
int fmt_set_add(struct fmt_set *s, int kind, const struct klwm2m_path *p,
		const struct klwm2m_value *v);
/* -EBADMSG: @p is outside the request's path. */
int fmt_set_outside(struct fmt_set *s, const struct klwm2m_path *p);
/*
 * TEXT and OPAQUE write one value: the base must be a single resource or a
 * resource instance; its type in *@type.
 */
int fmt_single_target(struct fmt_set *s, const char *what, uint8_t *type);
/* Sorts, refuses duplicates, adds the implied markers, delivers. */
int fmt_set_deliver(struct fmt_set *s);

/* ---- encoders' input (records.c) */
/*
 * Checks that @recs are in strictly ascending path order, under @base, of
 * known kinds and types; -EINVAL/-EACCES with a reason.
 */
int fmt_check_records(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		      struct fmt_diag *diag);

/* ---- values (value.c) */
bool fmt_utf8_valid(const void *p, size_t len);
/* Shortest "%.*g" that reads back to @d; finite @d only. Returns the length. */
int fmt_double_text(double d, char buf[32]);
/*
 * A strict decimal integer, "-"? digits, no leading zeros but "0":
 * 0, -EINVAL (not that form) or -ERANGE (outside s64 / u64).
 */
int fmt_parse_s64(const char *s, size_t len, int64_t *out);
int fmt_parse_u64(const char *s, size_t len, uint64_t *out);
/* "OID:IID", both 0..65535 decimal; 0 or -EINVAL */
int fmt_parse_objlnk(const char *s, size_t len, struct klwm2m_objlnk *o);
/* A strict decimal number of the JSON grammar (RFC 8259 6); 0 or -EINVAL. */
int fmt_parse_decimal(const char *s, size_t len, double *out, bool *is_int);
/* base64url (RFC 4648 5) without padding */
int fmt_base64url_put(struct fmt_buf *b, const void *p, size_t len);
/* Reads base64url, padding optional but exact, zero trailing bits; 0 or -EBADMSG. */
int fmt_base64url_decode(const char *s, size_t len, unsigned char *out, size_t *outlen);

/* ---- SenML's shared model (senml.c) */
enum senml_vkind { SENML_NONE, SENML_V, SENML_VS, SENML_VB, SENML_VD, SENML_VLO };

/* A number as it came: an integer of either sign or a float. */
struct senml_num {
	enum { NUM_UINT, NUM_NEG, NUM_BIG, NUM_FLOAT } kind;
	uint64_t mag;			/* NUM_UINT: the value; NUM_NEG: -value (>= 1) */
	double f;			/* the number as a double (every kind) */
	bool f_overflow;		/* f is not finite though the text was */
};

struct senml_raw {
	bool has_bn, has_n;
	const char *bn, *n;		/* not NUL-terminated */
	size_t bn_len, n_len;
	enum senml_vkind vkind;
	struct senml_num num;		/* SENML_V */
	const void *bytes;		/* SENML_VS, SENML_VD, SENML_VLO */
	size_t len;
	bool vb;			/* SENML_VB */
};

struct senml_state {
	char bn[64];			/* the base name in force */
	size_t bn_len;
};

/* Turns one SenML record into a checked record of @s. */
int fmt_senml_add(struct fmt_set *s, struct senml_state *st, const struct senml_raw *r);
/*
 * The names to write for @recs[@i] relative to @base: the base name (only
 * for the first record) and the name; either may be "" (left out).
 */
void fmt_senml_names(const struct klwm2m_path *base, const struct klwm2m_path *p, bool first,
		     char bn[KLWM2M_PATH_STRLEN + 1], char n[KLWM2M_PATH_STRLEN]);

/* ---- per format */
int fmt_tlv_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		   struct fmt_buf *out, struct fmt_diag *diag);
int fmt_tlv_decode(struct fmt_set *s, const unsigned char *p, size_t len);
int fmt_text_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		    struct fmt_buf *out, struct fmt_diag *diag);
int fmt_text_decode(struct fmt_set *s, const unsigned char *p, size_t len);
int fmt_opaque_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		      struct fmt_buf *out, struct fmt_diag *diag);
int fmt_opaque_decode(struct fmt_set *s, const unsigned char *p, size_t len);
int fmt_senml_json_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs,
			  size_t n, struct fmt_buf *out, struct fmt_diag *diag);
int fmt_senml_json_decode(struct fmt_set *s, const unsigned char *p, size_t len);
int fmt_senml_cbor_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs,
			  size_t n, struct fmt_buf *out, struct fmt_diag *diag);
int fmt_senml_cbor_decode(struct fmt_set *s, const unsigned char *p, size_t len);

/* The single value of a TEXT or OPAQUE payload: exactly one, at @base. */
int fmt_single_value(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		     const char *what, const struct klwm2m_value **v, struct fmt_diag *diag);

#endif
