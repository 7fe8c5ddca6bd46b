/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CoAP message codec: RFC 7252 (the message format), RFC 7959 (Block1,
 * Block2, Size1, Size2, 2.31 Continue, 4.08, 4.13), RFC 7641 (Observe) and
 * the FETCH/PATCH/iPATCH codes of RFC 8132 that LwM2M 1.1 composite
 * operations use. No sockets, no timers, no exchanges: those live in the
 * endpoint (agent/coap/endpoint.*), which builds on this header.
 *
 * Model. One struct kcoap_msg serves both directions:
 *  - kcoap_parse() fills it from a received datagram without copying:
 *    options and payload point into the datagram, which must outlive the
 *    struct (the token, at most 8 bytes, is copied).
 *  - kcoap_msg_init() and the kcoap_msg_add_*() calls fill it to send; the
 *    values of options added with kcoap_msg_add_opt() are pointed to, not
 *    copied (uint options are kept inside the struct). kcoap_build()
 *    serialises it into a caller buffer.
 * The options array is always sorted by option number, stably: options of
 * the same number keep the order they arrived or were added in (Uri-Path
 * segments, Uri-Query parameters).
 *
 * Receiving: what kcoap_parse() returns, and what the caller must do
 * (RFC 7252 sections 4.2, 4.3, 5.4.1):
 *  -EPROTO   fewer than 4 bytes or a version other than 1: silently ignore.
 *  -EBADMSG  a message format error (TKL 9-15, nibble 15 outside the payload
 *            marker, a truncated field, an option number past 65535, a
 *            payload marker with no payload after it, an Empty message with
 *            bytes after the Message ID, a reserved code class 1, 6 or 7, a
 *            type/code pairing section 4 forbids: Empty NON, RST that is not
 *            Empty, ACK carrying a request): reject, i.e. answer a CON with
 *            an RST carrying its Message ID and silently ignore anything
 *            else. msg->type and msg->mid are valid for this purpose.
 *  -E2BIG    more than KCOAP_MAX_OPTS options: handle as -EBADMSG.
 *  0         well formed. Then check msg->bad_opt: nonzero is the number of
 *            the first critical option (odd number) that must be treated
 *            as unrecognised: unknown to this codec, a known option whose
 *            length is outside its range (section 5.4.1: "MUST be treated
 *            like an unrecognized option"), or the repeat of a
 *            non-repeatable option (section 5.4.5). For a CON request the
 *            caller answers 4.02 Bad Option; a NON message, or a response
 *            in CON or ACK, is rejected (RST for CON, else ignored).
 *            Elective options (even numbers) in those situations are
 *            silently ignored: they carry KCOAP_OPTF_IGNORED and the option
 *            getters skip them. A critical option that is bad carries
 *            KCOAP_OPTF_BAD and the getters skip it too.
 *  Option number parity says critical (odd) vs elective (even):
 *  kcoap_opt_is_critical(); RFC 7252 section 5.4.6 also gives the Unsafe
 *  and NoCacheKey bits (kcoap_opt_is_unsafe(), kcoap_opt_is_nocachekey()).
 *  The codec recognises every option defined by KCOAP_OPT_* below. It does
 *  not judge whether an option makes sense for the request (Proxy-Uri on a
 *  server that is no proxy is 5.05, an unexpected If-Match is 4.12): that
 *  is the caller's business.
 *
 * Errors are 0 / -errno throughout. Nothing here allocates.
 */
#ifndef KLWM2M_AGENT_COAP_MSG_H
#define KLWM2M_AGENT_COAP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ header */

#define KCOAP_VERSION		1
#define KCOAP_HEADER_LEN	4
#define KCOAP_TOKEN_MAX		8
#define KCOAP_PAYLOAD_MARKER	0xff
#define KCOAP_PORT		5683	/* coap:// */
#define KCOAP_PORT_SECURE	5684	/* coaps:// */

/* RFC 7252 section 4.6: without knowledge of the path MTU, a message should
 * fit in 1152 bytes and its payload in 1024. Receivers take up to a UDP
 * datagram's worth. */
#define KCOAP_MAX_MSG_SIZE	1152
#define KCOAP_MAX_PAYLOAD_SIZE	1024

/* Options one struct kcoap_msg holds; a datagram with more is refused
 * (-E2BIG) and adding more fails with -E2BIG. */
#define KCOAP_MAX_OPTS		64

enum kcoap_type {
	KCOAP_CON = 0,	/* Confirmable */
	KCOAP_NON = 1,	/* Non-confirmable */
	KCOAP_ACK = 2,	/* Acknowledgement */
	KCOAP_RST = 3,	/* Reset */
};

/* ------------------------------------------------------------ codes */

/* A code is (class << 5) | detail, written c.dd: 2.05 is KCOAP_CODE(2, 5). */
#define KCOAP_CODE(c, dd)	((uint8_t)(((c) << 5) | (dd)))
#define KCOAP_CODE_CLASS(code)	((uint8_t)(code) >> 5)
#define KCOAP_CODE_DETAIL(code)	((uint8_t)(code) & 0x1f)

#define KCOAP_EMPTY		KCOAP_CODE(0, 0)
/* methods (0.01-0.31): RFC 7252; FETCH, PATCH, iPATCH: RFC 8132 */
#define KCOAP_GET		KCOAP_CODE(0, 1)
#define KCOAP_POST		KCOAP_CODE(0, 2)
#define KCOAP_PUT		KCOAP_CODE(0, 3)
#define KCOAP_DELETE		KCOAP_CODE(0, 4)
#define KCOAP_FETCH		KCOAP_CODE(0, 5)
#define KCOAP_PATCH		KCOAP_CODE(0, 6)
#define KCOAP_IPATCH		KCOAP_CODE(0, 7)
/* 2.xx success */
#define KCOAP_CREATED		KCOAP_CODE(2, 1)
#define KCOAP_DELETED		KCOAP_CODE(2, 2)
#define KCOAP_VALID		KCOAP_CODE(2, 3)
#define KCOAP_CHANGED		KCOAP_CODE(2, 4)
#define KCOAP_CONTENT		KCOAP_CODE(2, 5)
#define KCOAP_CONTINUE		KCOAP_CODE(2, 31)	/* RFC 7959 */
/* 4.xx client error */
#define KCOAP_BAD_REQUEST	KCOAP_CODE(4, 0)
#define KCOAP_UNAUTHORIZED	KCOAP_CODE(4, 1)
#define KCOAP_BAD_OPTION	KCOAP_CODE(4, 2)
#define KCOAP_FORBIDDEN		KCOAP_CODE(4, 3)
#define KCOAP_NOT_FOUND		KCOAP_CODE(4, 4)
#define KCOAP_METHOD_NOT_ALLOWED KCOAP_CODE(4, 5)
#define KCOAP_NOT_ACCEPTABLE	KCOAP_CODE(4, 6)
#define KCOAP_REQUEST_ENTITY_INCOMPLETE KCOAP_CODE(4, 8)	/* RFC 7959 */
#define KCOAP_CONFLICT		KCOAP_CODE(4, 9)	/* RFC 8132 */
#define KCOAP_PRECONDITION_FAILED KCOAP_CODE(4, 12)
#define KCOAP_REQUEST_ENTITY_TOO_LARGE KCOAP_CODE(4, 13)	/* RFC 7959 too */
#define KCOAP_UNSUPPORTED_CONTENT_FORMAT KCOAP_CODE(4, 15)
#define KCOAP_UNPROCESSABLE_ENTITY KCOAP_CODE(4, 22)	/* RFC 8132 */
/* 5.xx server error */
#define KCOAP_INTERNAL_SERVER_ERROR KCOAP_CODE(5, 0)
#define KCOAP_NOT_IMPLEMENTED	KCOAP_CODE(5, 1)
#define KCOAP_BAD_GATEWAY	KCOAP_CODE(5, 2)
#define KCOAP_SERVICE_UNAVAILABLE KCOAP_CODE(5, 3)
#define KCOAP_GATEWAY_TIMEOUT	KCOAP_CODE(5, 4)
#define KCOAP_PROXYING_NOT_SUPPORTED KCOAP_CODE(5, 5)

static inline bool kcoap_code_is_request(uint8_t code)
{
	return code != KCOAP_EMPTY && KCOAP_CODE_CLASS(code) == 0;
}

static inline bool kcoap_code_is_response(uint8_t code)
{
	return KCOAP_CODE_CLASS(code) >= 2 && KCOAP_CODE_CLASS(code) <= 5;
}

/* ------------------------------------------------------------ options */

#define KCOAP_OPT_IF_MATCH	1	/* opaque 0-8, repeatable */
#define KCOAP_OPT_URI_HOST	3	/* string 1-255 */
#define KCOAP_OPT_ETAG		4	/* opaque 1-8, repeatable */
#define KCOAP_OPT_IF_NONE_MATCH	5	/* empty */
#define KCOAP_OPT_OBSERVE	6	/* uint 0-3 (RFC 7641) */
#define KCOAP_OPT_URI_PORT	7	/* uint 0-2 */
#define KCOAP_OPT_LOCATION_PATH	8	/* string 0-255, repeatable */
#define KCOAP_OPT_URI_PATH	11	/* string 0-255, repeatable */
#define KCOAP_OPT_CONTENT_FORMAT 12	/* uint 0-2 */
#define KCOAP_OPT_MAX_AGE	14	/* uint 0-4 */
#define KCOAP_OPT_URI_QUERY	15	/* string 0-255, repeatable */
#define KCOAP_OPT_ACCEPT	17	/* uint 0-2 */
#define KCOAP_OPT_LOCATION_QUERY 20	/* string 0-255, repeatable */
#define KCOAP_OPT_BLOCK2	23	/* uint 0-3 (RFC 7959) */
#define KCOAP_OPT_BLOCK1	27	/* uint 0-3 (RFC 7959) */
#define KCOAP_OPT_SIZE2		28	/* uint 0-4 (RFC 7959) */
#define KCOAP_OPT_PROXY_URI	35	/* string 1-1034 */
#define KCOAP_OPT_PROXY_SCHEME	39	/* string 1-255 */
#define KCOAP_OPT_SIZE1		60	/* uint 0-4 */

/* Largest option number, and the largest option length the encoding can
 * express (nibble 14: 269 + a 16-bit extension). */
#define KCOAP_OPT_NUM_MAX	65535
#define KCOAP_OPT_LEN_MAX	65804

/* struct kcoap_opt.flags */
#define KCOAP_OPTF_IGNORED	0x01	/* elective, to be silently ignored */
#define KCOAP_OPTF_BAD		0x02	/* critical, unrecognised: see bad_opt */
#define KCOAP_OPTF_INLINE	0x04	/* value held in inl[] (kcoap_msg_add_uint) */

/**
 * struct kcoap_opt - one option instance
 * @num: option number
 * @flags: KCOAP_OPTF_*
 * @len: value length in bytes
 * @val: the value (into the datagram when parsed); read it through
 *	kcoap_opt_val(), which also covers KCOAP_OPTF_INLINE options
 * @inl: value storage of options added by kcoap_msg_add_uint()
 */
struct kcoap_opt {
	uint16_t num;
	uint8_t flags;
	uint8_t inl[4];
	uint32_t len;
	const uint8_t *val;
};

static inline const uint8_t *kcoap_opt_val(const struct kcoap_opt *o)
{
	return (o->flags & KCOAP_OPTF_INLINE) ? o->inl : o->val;
}

static inline bool kcoap_opt_is_critical(unsigned int num)
{
	return num & 1;
}

static inline bool kcoap_opt_is_unsafe(unsigned int num)
{
	return num & 2;
}

static inline bool kcoap_opt_is_nocachekey(unsigned int num)
{
	return (num & 0x1e) == 0x1c;
}

/* ------------------------------------------------------------ message */

/**
 * struct kcoap_msg - a CoAP message, parsed or to be built
 * @type: enum kcoap_type
 * @code: KCOAP_CODE(c, dd)
 * @mid: Message ID
 * @tkl: token length, 0..8
 * @token: token bytes (copied)
 * @bad_opt: after kcoap_parse(): the first critical option to be treated as
 *	unrecognised, or 0 (option 0 is reserved and elective, so 0 never names
 *	a critical option)
 * @nopts: used entries of @opts
 * @opts: options sorted by number, stable
 * @payload: payload bytes (NULL when @payload_len is 0)
 * @payload_len: payload length
 * @err: after kcoap_parse() failed, what was wrong ("TKL 9 > 8"), for logs;
 *	after success, NULL (a static string, never freed)
 */
struct kcoap_msg {
	uint8_t type;
	uint8_t code;
	uint16_t mid;
	uint8_t tkl;
	uint8_t token[KCOAP_TOKEN_MAX];
	uint16_t bad_opt;
	unsigned int nopts;
	struct kcoap_opt opts[KCOAP_MAX_OPTS];
	const uint8_t *payload;
	size_t payload_len;
	const char *err;
};

/**
 * kcoap_parse() - parse and validate a datagram
 * @msg: filled (wholly overwritten)
 * @buf: the datagram; options and payload point into it afterwards
 * @len: its length
 *
 * Return: 0, -EPROTO, -EBADMSG or -E2BIG; see the top of this file for what
 * each asks of the caller, and for msg->bad_opt.
 */
int kcoap_parse(struct kcoap_msg *msg, const uint8_t *buf, size_t len);

/**
 * kcoap_msg_init() - start a message to send: no token, options or payload
 * @msg: wholly overwritten
 * @type: enum kcoap_type
 * @code: KCOAP_*
 * @mid: Message ID
 */
void kcoap_msg_init(struct kcoap_msg *msg, uint8_t type, uint8_t code, uint16_t mid);

/** kcoap_msg_set_token() - copy a token of 0..8 bytes. Return: 0 or -EINVAL. */
int kcoap_msg_set_token(struct kcoap_msg *msg, const void *token, size_t len);

/**
 * kcoap_msg_add_opt() - add an option, in any order
 * @msg: message
 * @num: option number, 0..65535
 * @val: value, pointed to (not copied) until kcoap_build(); may be NULL when
 *	@len is 0
 * @len: value length, at most KCOAP_OPT_LEN_MAX
 *
 * The option goes after the options of the same number already present.
 * Lengths are not checked against a known option's range: building exactly
 * what was parsed must stay possible.
 *
 * Return: 0, -EINVAL (bad number or length) or -E2BIG (KCOAP_MAX_OPTS reached).
 */
int kcoap_msg_add_opt(struct kcoap_msg *msg, unsigned int num, const void *val, size_t len);

/** kcoap_msg_add_str() - kcoap_msg_add_opt() of a NUL-terminated string. */
int kcoap_msg_add_str(struct kcoap_msg *msg, unsigned int num, const char *s);

/**
 * kcoap_msg_add_uint() - add a uint option, encoded in the fewest bytes
 * (0 is the empty value); the bytes are kept inside the option.
 * Return: as kcoap_msg_add_opt().
 */
int kcoap_msg_add_uint(struct kcoap_msg *msg, unsigned int num, uint32_t value);

/**
 * kcoap_msg_add_path() - add Uri-Path (or Location-Path) options from "/a/b"
 * @msg: message
 * @num: KCOAP_OPT_URI_PATH or KCOAP_OPT_LOCATION_PATH
 * @path: "/" (no option) or "/seg/seg..." with segments of 1..255 bytes; the
 *	segments are pointed to, so @path must live until kcoap_build(). No
 *	percent-decoding: LwM2M paths and registration locations never need it.
 *
 * Return: 0, -EINVAL (no leading '/', empty segment, trailing '/', segment
 * longer than 255 bytes), -E2BIG; on failure no option was added.
 */
int kcoap_msg_add_path(struct kcoap_msg *msg, unsigned int num, const char *path);

/** kcoap_msg_set_payload() - point the payload at @len bytes (not copied). */
void kcoap_msg_set_payload(struct kcoap_msg *msg, const void *payload, size_t len);

/**
 * kcoap_build() - serialise a message
 * @msg: message; its options are emitted in number order with delta
 *	encoding (the array is kept sorted by the add calls and by the parser)
 * @buf: output
 * @size: room in @buf
 *
 * Return: the length written, -ENOSPC when @buf is too small, or -EINVAL
 * for what kcoap_parse() would refuse (type > 3, tkl > 8, a type/code
 * pairing RFC 7252 section 4 forbids, an Empty message with a token,
 * options or payload, a reserved code class, unsorted options).
 */
int kcoap_build(const struct kcoap_msg *msg, uint8_t *buf, size_t size);

/* ------------------------------------------------------------ reading options */

/**
 * kcoap_opt_first() - the first usable option numbered @num, or NULL
 * kcoap_opt_next() - the next usable option of the same number after @prev,
 *	or NULL
 *
 * "Usable": options flagged KCOAP_OPTF_IGNORED or KCOAP_OPTF_BAD are skipped.
 */
const struct kcoap_opt *kcoap_opt_first(const struct kcoap_msg *msg, unsigned int num);
const struct kcoap_opt *kcoap_opt_next(const struct kcoap_msg *msg, const struct kcoap_opt *prev);

/** kcoap_opt_count() - how many usable options numbered @num there are. */
unsigned int kcoap_opt_count(const struct kcoap_msg *msg, unsigned int num);

/**
 * kcoap_opt_uint() - decode a uint option value (leading zero bytes accepted)
 * Return: 0, or -EOVERFLOW when the value is longer than 4 bytes.
 */
int kcoap_opt_uint(const struct kcoap_opt *o, uint32_t *value);

/**
 * kcoap_msg_get_uint() - the value of the first usable option @num
 * Return: 0, -ENOENT when absent, -EOVERFLOW when longer than 4 bytes.
 */
int kcoap_msg_get_uint(const struct kcoap_msg *msg, unsigned int num, uint32_t *value);

/* A convenient size for path strings of LwM2M requests ("/65535/65535/65535/65535"
 * and registration locations); longer paths give -ENOSPC, never a cut. */
#define KCOAP_PATH_STRLEN	256

/**
 * kcoap_msg_path() - join the Uri-Path (or Location-Path) options as "/a/b/c"
 * @msg: message
 * @num: KCOAP_OPT_URI_PATH or KCOAP_OPT_LOCATION_PATH
 * @buf: output, NUL-terminated
 * @size: room in @buf
 *
 * No option gives "/". Bytes outside RFC 3986's pchar set (unreserved,
 * sub-delims, ':' and '@'), including '/', '%' and NUL, are written
 * percent-encoded ("%2F"), so a segment's bytes can never pass for a
 * separator: the text is exact and unambiguous.
 *
 * Return: the string's length, or -ENOSPC (then @buf holds "" if @size > 0).
 */
int kcoap_msg_path(const struct kcoap_msg *msg, unsigned int num, char *buf, size_t size);

/**
 * kcoap_msg_query() - find a Uri-Query option "key=value" or "key"
 * @msg: message
 * @key: the key, compared byte for byte
 * @val: receives the value (after '='), or NULL for a bare "key"
 * @len: receives the value's length (0 for a bare key)
 *
 * Return: 0, -ENOENT when no Uri-Query has that key, -EEXIST when more than
 * one has (registration parameters may appear once).
 */
int kcoap_msg_query(const struct kcoap_msg *msg, const char *key, const uint8_t **val,
		    size_t *len);

/* ------------------------------------------------------------ Block (RFC 7959) */

#define KCOAP_BLOCK_NUM_MAX	0xfffff		/* 20-bit NUM */
#define KCOAP_BLOCK_SZX_MAX	6		/* 1024 bytes; 7 is reserved */

/**
 * struct kcoap_block - a Block1 or Block2 value
 * @num: block number, 0..KCOAP_BLOCK_NUM_MAX
 * @more: the M bit
 * @szx: size exponent 0..6; the block size is 16 << szx (16..1024)
 */
struct kcoap_block {
	uint32_t num;
	bool more;
	uint8_t szx;
};

static inline size_t kcoap_block_size(const struct kcoap_block *b)
{
	return (size_t)16 << b->szx;
}

/* Byte offset of the block: num * size. */
static inline size_t kcoap_block_offset(const struct kcoap_block *b)
{
	return (size_t)b->num << (b->szx + 4);
}

/** kcoap_block_szx() - SZX of a size of 16, 32, ... 1024; -EINVAL otherwise. */
int kcoap_block_szx(size_t size);

/** kcoap_block_decode() - split a uint value. Return: 0, -EINVAL (SZX 7 or value > 24 bits). */
int kcoap_block_decode(uint32_t value, struct kcoap_block *b);

/** kcoap_block_encode() - join. Return: 0, -EINVAL (num or szx out of range). */
int kcoap_block_encode(const struct kcoap_block *b, uint32_t *value);

/**
 * kcoap_msg_get_block() - read option @num (KCOAP_OPT_BLOCK1 or _BLOCK2)
 * Return: 0, -ENOENT when absent, -EINVAL when malformed (SZX 7). A Block
 * option whose length exceeds 3 never gets here: the parser flagged it bad.
 */
int kcoap_msg_get_block(const struct kcoap_msg *msg, unsigned int num, struct kcoap_block *b);

/** kcoap_msg_add_block() - add option @num with @b. Return: 0, -EINVAL, -E2BIG. */
int kcoap_msg_add_block(struct kcoap_msg *msg, unsigned int num, const struct kcoap_block *b);

/* ------------------------------------------------------------ Observe (RFC 7641) */

#define KCOAP_OBSERVE_REGISTER		0	/* in a GET */
#define KCOAP_OBSERVE_DEREGISTER	1
#define KCOAP_OBSERVE_MASK		0xffffff	/* 24-bit sequence numbers */

/**
 * kcoap_msg_get_observe() - the Observe option's value
 * Return: 0, -ENOENT when absent (a 4-byte Observe was ignored by the parser).
 */
int kcoap_msg_get_observe(const struct kcoap_msg *msg, uint32_t *value);

/** kcoap_msg_add_observe() - add Observe with @value & KCOAP_OBSERVE_MASK. */
int kcoap_msg_add_observe(struct kcoap_msg *msg, uint32_t value);

/**
 * kcoap_observe_newer() - RFC 7641 section 3.4: is sequence number @v2
 * newer than @v1 (ignoring the 128-second rule, which needs the arrival
 * times and is the caller's)?
 */
bool kcoap_observe_newer(uint32_t v1, uint32_t v2);

/* ------------------------------------------------------------ content formats */

#define KCOAP_CF_TEXT		0	/* text/plain;charset=utf-8 */
#define KCOAP_CF_LINK		40	/* application/link-format */
#define KCOAP_CF_OCTET_STREAM	42	/* application/octet-stream */
#define KCOAP_CF_JSON		50	/* application/json */
#define KCOAP_CF_CBOR		60	/* application/cbor */
#define KCOAP_CF_SENML_JSON	110	/* application/senml+json */
#define KCOAP_CF_SENML_CBOR	112	/* application/senml+cbor */
#define KCOAP_CF_LWM2M_TLV	11542	/* application/vnd.oma.lwm2m+tlv */
#define KCOAP_CF_LWM2M_JSON	11543	/* application/vnd.oma.lwm2m+json */
#define KCOAP_CF_LWM2M_CBOR	11544	/* application/vnd.oma.lwm2m+cbor */

/** kcoap_cf_name() - media type of a content format, or NULL when unknown. */
const char *kcoap_cf_name(unsigned int cf);

/* ------------------------------------------------------------ text for logs */

/* Room for "c.dd" and its NUL. */
#define KCOAP_CODE_STRLEN	5

/** kcoap_code_str() - "2.05" into @buf (KCOAP_CODE_STRLEN bytes); returns @buf. */
char *kcoap_code_str(uint8_t code, char *buf);

/** kcoap_code_name() - "GET", "Content", "Bad Option"...; NULL when unassigned. */
const char *kcoap_code_name(uint8_t code);

/** kcoap_type_name() - "CON", "NON", "ACK", "RST" ("?" past 3). */
const char *kcoap_type_name(uint8_t type);

/**
 * kcoap_msg_summary() - one line for logs, e.g.
 *	"CON 0.02 POST mid=0x1234 tok=a1b2c3 /rd ?ep=dev1 cf=40 len=52"
 * with Block1/Block2/Observe/Accept when present. Paths and queries are
 * escaped as kcoap_msg_path() does, so hostile bytes never reach the log.
 *
 * Return: as snprintf(): the length the summary needs; @buf is truncated
 * (and NUL-terminated) when @size is smaller.
 */
int kcoap_msg_summary(const struct kcoap_msg *msg, char *buf, size_t size);

/* ------------------------------------------------------------ parameters */

/* RFC 7252 section 4.8: transmission parameters (defaults), in ms. The
 * random factor is given in thousandths: the initial timeout of a CON is
 * random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR]. */
#define KCOAP_ACK_TIMEOUT_MS		2000
#define KCOAP_ACK_RANDOM_FACTOR_PERMILLE 1500
#define KCOAP_MAX_RETRANSMIT		4
#define KCOAP_NSTART			1
#define KCOAP_DEFAULT_LEISURE_MS	5000
#define KCOAP_PROBING_RATE_BPS		1	/* bytes per second */

/* Section 4.8.2: derived times, in ms. */
#define KCOAP_MAX_LATENCY_MS		100000
#define KCOAP_PROCESSING_DELAY_MS	KCOAP_ACK_TIMEOUT_MS
/* ACK_TIMEOUT * (2^MAX_RETRANSMIT - 1) * ACK_RANDOM_FACTOR = 45 s */
#define KCOAP_MAX_TRANSMIT_SPAN_MS \
	(KCOAP_ACK_TIMEOUT_MS * ((1 << KCOAP_MAX_RETRANSMIT) - 1) * \
	 KCOAP_ACK_RANDOM_FACTOR_PERMILLE / 1000)
/* ACK_TIMEOUT * (2^(MAX_RETRANSMIT + 1) - 1) * ACK_RANDOM_FACTOR = 93 s */
#define KCOAP_MAX_TRANSMIT_WAIT_MS \
	(KCOAP_ACK_TIMEOUT_MS * ((2 << KCOAP_MAX_RETRANSMIT) - 1) * \
	 KCOAP_ACK_RANDOM_FACTOR_PERMILLE / 1000)
/* 2 * MAX_LATENCY + PROCESSING_DELAY = 202 s */
#define KCOAP_MAX_RTT_MS		(2 * KCOAP_MAX_LATENCY_MS + KCOAP_PROCESSING_DELAY_MS)
/* MAX_TRANSMIT_SPAN + 2 * MAX_LATENCY + PROCESSING_DELAY = 247 s */
#define KCOAP_EXCHANGE_LIFETIME_MS \
	(KCOAP_MAX_TRANSMIT_SPAN_MS + 2 * KCOAP_MAX_LATENCY_MS + KCOAP_PROCESSING_DELAY_MS)
/* MAX_TRANSMIT_SPAN + MAX_LATENCY = 145 s */
#define KCOAP_NON_LIFETIME_MS		(KCOAP_MAX_TRANSMIT_SPAN_MS + KCOAP_MAX_LATENCY_MS)

/* RFC 7641 section 4.5: a server sends a notification as CON at least once
 * every 24 hours. RFC 7641 section 3.4: the 128-second freshness window. */
#define KCOAP_OBSERVE_CON_INTERVAL_S	86400
#define KCOAP_OBSERVE_FRESHNESS_S	128

#endif /* KLWM2M_AGENT_COAP_MSG_H */
