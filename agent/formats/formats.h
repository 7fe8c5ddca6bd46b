/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's LwM2M content formats: the one header the rest of the agent
 * includes to turn the kernel's records into a payload and a server's payload
 * into records.
 *
 * The model. A Read gives a list of records (struct klwm2m_record, as
 * klwm2m_dump() delivers them: in ID order, under the request's path, the
 * "base"); fmt_encode() writes them in a content format. A Write, Create or
 * Write-Composite gives bytes; fmt_decode() checks them completely against
 * the base and the object definitions (a type lookup callback) and only then
 * hands every record to a callback, or returns an error and hands none. The
 * records a decoder delivers:
 *   KLWM2M_RECORD_INSTANCE  (depth 2) an object instance the payload names,
 *			     before its values, when the base is the root or
 *			     an object (Create, Write to an object)
 *   FMT_RECORD_MULTIPLE     (depth 3) a multiple resource the payload writes
 *			     as a whole (replace its instances), before its
 *			     instances, when the base is at depth 3 or above;
 *			     a TLV may carry it with no instances at all
 *   KLWM2M_RECORD_VALUE     (depth 3 or 4) a value, of the resource's type
 * in path order; an instance ID of 65535 (KLWM2M_ID_NONE) means the payload
 * named none (a TLV Create with resources only): the caller picks it.
 *
 * Errors are 0 / -errno, with a reason in struct fmt_diag for the log:
 *   -EBADMSG     malformed payload, or a record outside the base (4.00)
 *   -ENOENT      a resource the object does not define (4.04)
 *   -EINVAL      a value that does not fit its resource's type (4.00)
 *   -EOPNOTSUPP  a format this path or value cannot be carried in (4.15 on a
 *		  write, 4.06 on a read)
 *   -E2BIG       more records or bytes than the limits below (4.13)
 *   -ENOMEM
 *
 * Nothing here is thread-safe beyond what the callers' own data allows; the
 * functions keep no state between calls. Numbers are written and read in the
 * C locale's form (the agent never calls setlocale()).
 */
#ifndef KLWM2M_AGENT_FORMATS_H
#define KLWM2M_AGENT_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/klwm2m.h>

#include "libklwm2m.h"

/* CoAP Content-Format numbers (IANA CoRE parameters, LwM2M TS 1.1 5.1) */
#define FMT_TEXT		0	/* text/plain;charset=utf-8 */
#define FMT_LINK		40	/* application/link-format */
#define FMT_OPAQUE		42	/* application/octet-stream */
#define FMT_SENML_JSON		110	/* application/senml+json */
#define FMT_SENML_CBOR		112	/* application/senml+cbor */
#define FMT_TLV			11542	/* application/vnd.oma.lwm2m+tlv */

/* A decoded record's kind beside enum klwm2m_record_kind: see above. */
#define FMT_RECORD_MULTIPLE	0x100

/* Records one payload may hold, and the default output size limit. */
#define FMT_MAX_RECORDS		8192
#define FMT_BUF_DEFAULT_MAX	(1024 * 1024)

/** struct fmt_diag - why a call failed, one line for the log ("" on success) */
struct fmt_diag {
	char msg[192];
};

/* ---------------------------------------------------------------- output buffer */

/**
 * struct fmt_buf - a growable byte buffer with a ceiling
 * @data: the bytes (malloc'd; NULL while empty)
 * @len: bytes used
 * @cap: bytes allocated
 * @max: the ceiling: growing past it fails with -E2BIG
 */
struct fmt_buf {
	unsigned char *data;
	size_t len, cap, max;
};

/* @max 0: FMT_BUF_DEFAULT_MAX */
void fmt_buf_init(struct fmt_buf *b, size_t max);
/* Empty @b for reuse (its ceiling unchanged), its memory kept up to @keep bytes. */
void fmt_buf_reset(struct fmt_buf *b, size_t keep);
int fmt_buf_put(struct fmt_buf *b, const void *p, size_t n);
int fmt_buf_putc(struct fmt_buf *b, unsigned char c);
int fmt_buf_printf(struct fmt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fmt_buf_free(struct fmt_buf *b);

/* ---------------------------------------------------------------- values */

/** fmt_name() - "tlv", "senml+json", ... or "?" for a format this agent does not speak */
const char *fmt_name(int format);

/**
 * fmt_encode() - write records in a content format
 * @format: FMT_TEXT, FMT_OPAQUE, FMT_TLV, FMT_SENML_JSON or FMT_SENML_CBOR
 * @base: the request's path (depth 0 only for SenML: composite reads)
 * @recs: the records, in ID order, all under @base: KLWM2M_RECORD_VALUE
 *	values; KLWM2M_RECORD_INSTANCE and FMT_RECORD_MULTIPLE mark an instance
 *	or a multiple resource, which TLV writes even when empty (SenML cannot
 *	and leaves them out); KLWM2M_RECORD_SECRET is refused (-EACCES):
 *	secrets never leave the device
 * @n: how many
 * @out: the payload is appended here
 * @diag: the reason on failure; may be NULL
 *
 * TEXT and OPAQUE carry exactly one value at @base (a single resource or a
 * resource instance; OPAQUE only an opaque one, TEXT anything but opaque).
 *
 * Return: 0; -EOPNOTSUPP (the format cannot carry these records: TEXT for
 * several values, an opaque value or a NaN; SenML JSON for NaN or
 * infinity; TLV at the root); -EINVAL (records out of order, outside
 * @base, of an unknown type); -EACCES; -E2BIG (@out's ceiling); -ENOMEM.
 * On failure @out may hold a partial payload: discard it.
 */
int fmt_encode(int format, const struct klwm2m_path *base, const struct klwm2m_record *recs,
	       size_t n, struct fmt_buf *out, struct fmt_diag *diag);

/**
 * struct fmt_decoder - what a decoder asks and tells its caller
 * @type: the type of resource @res (depth 3: object, instance, resource)
 *	and whether it is multiple; 0, -ENOENT for a resource the object does
 *	not define, or another -errno that fmt_decode() returns
 * @record: one decoded record; its bytes are valid during the call; 0 to
 *	go on, else fmt_decode() stops and returns it
 * @arg: passed to both
 */
struct fmt_decoder {
	int (*type)(const struct klwm2m_path *res, uint8_t *type, int *multiple, void *arg);
	int (*record)(const struct klwm2m_record *rec, void *arg);
	void *arg;
};

/**
 * fmt_decode() - read a server's payload into records
 * @format: FMT_TEXT, FMT_OPAQUE, FMT_TLV, FMT_SENML_JSON or FMT_SENML_CBOR
 * @base: the request's path: every record must be at or under it
 * @data: the payload
 * @len: its length
 * @dec: the type lookup and the record callback
 * @diag: the reason on failure; may be NULL
 *
 * The whole payload is checked before the first record is delivered: on any
 * error in it, no record is. Values must match their resource's type
 * exactly: an integer resource refuses 1.5 and 1e3, an unsigned one -1, a
 * float one takes integers; strings are UTF-8 without NUL; core links are
 * RFC 6690 link format. Two records for the same path are refused.
 *
 * Return: 0; -EBADMSG, -ENOENT, -EINVAL, -EOPNOTSUPP, -E2BIG, -ENOMEM (see
 * the top of this file); or what @dec's callbacks returned (after @record
 * failed, the records delivered before it were delivered).
 */
int fmt_decode(int format, const struct klwm2m_path *base, const void *data, size_t len,
	       const struct fmt_decoder *dec, struct fmt_diag *diag);

/* ---------------------------------------------------------------- negotiation */

/**
 * fmt_choose() - the format to answer a Read or an Observe in
 * @accept: the request's Accept option, or -1 when it has none
 * @base: the request's path
 * @recs: what will be encoded (as for fmt_encode())
 * @n: how many
 * @preferred: the server's preferred format (configuration, or the LwM2M
 *	version it registered with: FMT_TLV for 1.0), or -1
 *
 * With @accept, that format if it can carry the records, else -EOPNOTSUPP
 * (4.06). Without, @preferred if it can; else plain text for one
 * non-opaque value at a resource or resource instance, opaque for one
 * opaque value, SenML CBOR for anything else.
 *
 * Return: a FMT_* or -EOPNOTSUPP.
 */
int fmt_choose(int accept, const struct klwm2m_path *base, const struct klwm2m_record *recs,
	       size_t n, int preferred);

/**
 * fmt_can_write() - whether a payload in @format can write to @base
 * @format: the request's Content-Format
 * @base: the request's path
 * @type: the resource's type at depth 3 or 4, else anything
 * @multiple: the resource at depth 3 is multiple
 *
 * TEXT: a single resource or a resource instance, not opaque; OPAQUE: an
 * opaque one; TLV: an object, instance, resource or resource instance;
 * SenML: any path, the root included (Write-Composite).
 *
 * Return: 0 or -EOPNOTSUPP (4.15).
 */
int fmt_can_write(int format, const struct klwm2m_path *base, uint8_t type, int multiple);

/* ---------------------------------------------------------------- link format */

/**
 * struct fmt_link_obj - one object in a Register or Update payload
 * @oid: the object ID
 * @version: its version ("1.1"), or NULL/"1.0" to leave it out
 * @iids: its instances' IDs, ascending
 * @niids: how many; 0 lists the object alone ("</5>")
 */
struct fmt_link_obj {
	uint16_t oid;
	const char *version;
	const uint16_t *iids;
	size_t niids;
};

/**
 * fmt_link_register() - the Register/Update payload (LwM2M TS 1.1 6.2.1)
 * @out: appended to
 * @root: the alternate path ("/" when none); the first link is "</>" or
 *	"</root>" with rt="oma.lwm2m", written when @root is not "/" or @ct
 *	is not -1
 * @ct: the content format to announce on the root link (ct=110), or -1
 * @objs: the objects, ascending (the caller leaves out Security, 0, and
 *	OSCORE, 21, which a server must not see)
 * @n: how many
 *
 * "</>;rt="oma.lwm2m";ct=110,</1/0>,</3>;ver=1.1,</3/0>,</5>"
 *
 * Return: 0; -EINVAL (a version that is not "MAJOR.MINOR", a bad root);
 * -E2BIG; -ENOMEM.
 */
int fmt_link_register(struct fmt_buf *out, const char *root, int ct,
		      const struct fmt_link_obj *objs, size_t n);

/**
 * struct fmt_link_entry - one link of a Discover answer
 * @path: object, instance, resource or resource instance
 * @version: the object's version at depth 1 when not "1.0", else NULL
 * @dim: a multiple resource's number of instances (depth 3), or -1
 * @attrs: the attributes set at @path (klwm2m_attr_get()), or NULL
 */
struct fmt_link_entry {
	struct klwm2m_path path;
	const char *version;
	int dim;
	const struct klwm2m_attrs *attrs;
};

/**
 * fmt_link_discover() - a Discover answer, "</3/0>,</3/0/7>;dim=2;pmin=10"
 * @out: appended to
 * @e: the links, in path order
 * @n: how many
 *
 * Attributes are written in the order pmin, pmax, gt, lt, st, epmin, epmax,
 * edge, con, hqmax; gt, lt and st in their shortest round-trip decimal form.
 *
 * Return: 0; -EINVAL (depth 0, a NaN or infinite threshold, a bad version);
 * -E2BIG; -ENOMEM.
 */
int fmt_link_discover(struct fmt_buf *out, const struct fmt_link_entry *e, size_t n);

#define FMT_LINK_PARAMS_MAX 16

/**
 * struct fmt_link - one parsed link; pointers into the parsed text
 * @uri: the URI-Reference between '<' and '>'
 * @params: the link parameters: name, and value when @has_value (without
 *	the quotes of a quoted-string, with its escapes as they were)
 */
struct fmt_link_param {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	int has_value;
	int quoted;
};

struct fmt_link {
	const char *uri;
	size_t uri_len;
	unsigned int nparams;
	struct fmt_link_param params[FMT_LINK_PARAMS_MAX];
};

/**
 * fmt_link_parse() - read RFC 6690 link format, strictly
 * @text: the text (no NUL needed)
 * @len: its length
 * @cb: called for each link, NULL to only validate; non-zero stops and is
 *	returned
 * @arg: passed to @cb
 * @diag: the reason on failure; may be NULL
 *
 * The grammar of RFC 6690 section 2: links separated by ',', no spaces,
 * URI-References of RFC 3986 characters, parameter names of RFC 5987
 * attr-chars, values as ptoken or quoted-string. "" is an empty list.
 *
 * Return: the number of links (>= 0); -EBADMSG with the offset in @diag;
 * -E2BIG (more than FMT_LINK_PARAMS_MAX parameters on a link); what @cb
 * returned.
 */
int fmt_link_parse(const void *text, size_t len, int (*cb)(const struct fmt_link *l, void *arg),
		   void *arg, struct fmt_diag *diag);

#endif /* KLWM2M_AGENT_FORMATS_H */
