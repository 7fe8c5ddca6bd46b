// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoAP wire format (RFC 7252 section 3): parsing a datagram into a struct
 * kcoap_msg, filling one to send, and serialising it.
 *
 *   0                   1                   2                   3
 *  |Ver| T |  TKL  |      Code     |          Message ID           |
 *  | Token (TKL bytes) ...
 *  | Options: delta/length nibbles, 13 = one extension byte (+13),
 *  |          14 = two extension bytes (+269), 15 = reserved ...
 *  | 0xFF | Payload ...
 *
 * The encoding of an option's delta and length is canonical (nibble 13
 * covers 13..268 and 14 covers 269..65804, nothing overlaps), so building a
 * parsed message gives back the same bytes; the fuzz target checks it.
 * Parsing rejects every malformed form outright; what RFC 7252 says to
 * treat "like an unrecognized option" is marked per option instead (see
 * msg.h), since only the caller knows whether to answer 4.02 or reject.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "msg.h"

/* RFC 7252 table 4 (section 5.10), RFC 7641, RFC 7959: the length range of
 * every option this codec recognises, and whether it may repeat. */
static const struct {
	uint16_t num;
	uint16_t min, max;
	bool repeat;
} known_opts[] = {
	{ KCOAP_OPT_IF_MATCH, 0, 8, true },
	{ KCOAP_OPT_URI_HOST, 1, 255, false },
	{ KCOAP_OPT_ETAG, 1, 8, true },
	{ KCOAP_OPT_IF_NONE_MATCH, 0, 0, false },
	{ KCOAP_OPT_OBSERVE, 0, 3, false },
	{ KCOAP_OPT_URI_PORT, 0, 2, false },
	{ KCOAP_OPT_LOCATION_PATH, 0, 255, true },
	{ KCOAP_OPT_URI_PATH, 0, 255, true },
	{ KCOAP_OPT_CONTENT_FORMAT, 0, 2, false },
	{ KCOAP_OPT_MAX_AGE, 0, 4, false },
	{ KCOAP_OPT_URI_QUERY, 0, 255, true },
	{ KCOAP_OPT_ACCEPT, 0, 2, false },
	{ KCOAP_OPT_LOCATION_QUERY, 0, 255, true },
	{ KCOAP_OPT_BLOCK2, 0, 3, false },
	{ KCOAP_OPT_BLOCK1, 0, 3, false },
	{ KCOAP_OPT_SIZE2, 0, 4, false },
	{ KCOAP_OPT_PROXY_URI, 1, 1034, false },
	{ KCOAP_OPT_PROXY_SCHEME, 1, 255, false },
	{ KCOAP_OPT_SIZE1, 0, 4, false },
};

/*
 * What RFC 7252 section 4 forbids of a type and code together, or NULL:
 * reserved classes (1, 6, 7: section 12.1), an Empty NON (4.3), an RST that
 * is not Empty (4.2), an ACK carrying a request (4.2).
 */
static const char *type_code_error(uint8_t type, uint8_t code)
{
	uint8_t class = KCOAP_CODE_CLASS(code);

	if (class == 1 || class >= 6)
		return "reserved code class";
	if (type == KCOAP_NON && code == KCOAP_EMPTY)
		return "Empty NON message";
	if (type == KCOAP_RST && code != KCOAP_EMPTY)
		return "RST that is not Empty";
	if (type == KCOAP_ACK && kcoap_code_is_request(code))
		return "ACK carrying a request";
	return NULL;
}

static int parse_fail(struct kcoap_msg *msg, int err, const char *why)
{
	msg->nopts = 0;
	msg->payload = NULL;
	msg->payload_len = 0;
	msg->err = why;
	return err;
}

/* Reads the extension of a delta or length nibble at *pos. */
static int ext_value(unsigned int nibble, const uint8_t *buf, size_t len, size_t *pos,
		     uint32_t *value)
{
	if (nibble < 13) {
		*value = nibble;
		return 0;
	}
	if (nibble == 13) {
		if (len - *pos < 1)
			return -EBADMSG;
		*value = 13 + buf[*pos];
		*pos += 1;
		return 0;
	}
	if (nibble == 14) {
		if (len - *pos < 2)
			return -EBADMSG;
		*value = 269 + ((uint32_t)buf[*pos] << 8 | buf[*pos + 1]);
		*pos += 2;
		return 0;
	}
	return -EBADMSG;	/* 15 is the caller's to have refused */
}

/* Marks the options RFC 7252 sections 5.4.1 and 5.4.5 want treated as
 * unrecognised; the first critical one becomes msg->bad_opt. */
static void classify_opts(struct kcoap_msg *msg)
{
	for (unsigned int i = 0; i < msg->nopts; i++) {
		struct kcoap_opt *o = &msg->opts[i];
		bool ok = false;

		for (size_t k = 0; k < sizeof(known_opts) / sizeof(known_opts[0]); k++) {
			if (known_opts[k].num != o->num)
				continue;
			ok = o->len >= known_opts[k].min && o->len <= known_opts[k].max &&
			     (known_opts[k].repeat || i == 0 || msg->opts[i - 1].num != o->num);
			break;
		}
		if (ok)
			continue;
		if (!kcoap_opt_is_critical(o->num)) {
			o->flags |= KCOAP_OPTF_IGNORED;
			continue;
		}
		o->flags |= KCOAP_OPTF_BAD;
		if (!msg->bad_opt)
			msg->bad_opt = o->num;
	}
}

int kcoap_parse(struct kcoap_msg *msg, const uint8_t *buf, size_t len)
{
	size_t pos;
	uint32_t num = 0;
	const char *why;

	memset(msg, 0, sizeof(*msg));
	if (len < KCOAP_HEADER_LEN)
		return parse_fail(msg, -EPROTO, "shorter than the 4-byte header");
	if (buf[0] >> 6 != KCOAP_VERSION)
		return parse_fail(msg, -EPROTO, "version is not 1");
	msg->type = (buf[0] >> 4) & 3;
	msg->code = buf[1];
	msg->mid = (uint16_t)(buf[2] << 8 | buf[3]);
	if ((buf[0] & 0x0f) > KCOAP_TOKEN_MAX)
		return parse_fail(msg, -EBADMSG, "token length over 8");
	msg->tkl = buf[0] & 0x0f;
	why = type_code_error(msg->type, msg->code);
	if (why)
		return parse_fail(msg, -EBADMSG, why);
	if (msg->code == KCOAP_EMPTY && len != KCOAP_HEADER_LEN)
		return parse_fail(msg, -EBADMSG, "Empty message with bytes after the Message ID");
	if (len - KCOAP_HEADER_LEN < msg->tkl)
		return parse_fail(msg, -EBADMSG, "token truncated");
	memcpy(msg->token, buf + KCOAP_HEADER_LEN, msg->tkl);
	pos = KCOAP_HEADER_LEN + msg->tkl;

	while (pos < len) {
		uint8_t b = buf[pos++];
		uint32_t delta, olen;
		struct kcoap_opt *o;

		if (b == KCOAP_PAYLOAD_MARKER) {
			if (pos == len)
				return parse_fail(msg, -EBADMSG, "payload marker with no payload");
			msg->payload = buf + pos;
			msg->payload_len = len - pos;
			break;
		}
		if ((b >> 4) == 15 || (b & 0x0f) == 15)
			return parse_fail(msg, -EBADMSG, "reserved nibble 15 in an option header");
		if (ext_value(b >> 4, buf, len, &pos, &delta) ||
		    ext_value(b & 0x0f, buf, len, &pos, &olen))
			return parse_fail(msg, -EBADMSG, "option header truncated");
		num += delta;
		if (num > KCOAP_OPT_NUM_MAX)
			return parse_fail(msg, -EBADMSG, "option number over 65535");
		if (len - pos < olen)
			return parse_fail(msg, -EBADMSG, "option value truncated");
		if (msg->nopts == KCOAP_MAX_OPTS)
			return parse_fail(msg, -E2BIG, "more options than the agent takes");
		o = &msg->opts[msg->nopts++];
		o->num = (uint16_t)num;
		o->len = olen;
		o->val = buf + pos;
		pos += olen;
	}
	classify_opts(msg);
	return 0;
}

void kcoap_msg_init(struct kcoap_msg *msg, uint8_t type, uint8_t code, uint16_t mid)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = type;
	msg->code = code;
	msg->mid = mid;
}

int kcoap_msg_set_token(struct kcoap_msg *msg, const void *token, size_t len)
{
	if (len > KCOAP_TOKEN_MAX || (len && !token))
		return -EINVAL;
	if (len)
		memcpy(msg->token, token, len);
	msg->tkl = (uint8_t)len;
	return 0;
}

/* A zeroed slot for option @num after those of numbers <= @num. */
static struct kcoap_opt *opt_insert(struct kcoap_msg *msg, unsigned int num)
{
	unsigned int i = msg->nopts;

	while (i > 0 && msg->opts[i - 1].num > num)
		i--;
	memmove(&msg->opts[i + 1], &msg->opts[i], (msg->nopts - i) * sizeof(msg->opts[0]));
	msg->nopts++;
	memset(&msg->opts[i], 0, sizeof(msg->opts[i]));
	msg->opts[i].num = (uint16_t)num;
	return &msg->opts[i];
}

int kcoap_msg_add_opt(struct kcoap_msg *msg, unsigned int num, const void *val, size_t len)
{
	struct kcoap_opt *o;

	if (num > KCOAP_OPT_NUM_MAX || len > KCOAP_OPT_LEN_MAX || (len && !val))
		return -EINVAL;
	if (msg->nopts >= KCOAP_MAX_OPTS)
		return -E2BIG;
	o = opt_insert(msg, num);
	o->val = val;
	o->len = (uint32_t)len;
	return 0;
}

int kcoap_msg_add_str(struct kcoap_msg *msg, unsigned int num, const char *s)
{
	return kcoap_msg_add_opt(msg, num, s, strlen(s));
}

int kcoap_msg_add_uint(struct kcoap_msg *msg, unsigned int num, uint32_t value)
{
	struct kcoap_opt *o;
	uint32_t n = 0;

	if (num > KCOAP_OPT_NUM_MAX)
		return -EINVAL;
	if (msg->nopts >= KCOAP_MAX_OPTS)
		return -E2BIG;
	for (uint32_t v = value; v; v >>= 8)
		n++;
	o = opt_insert(msg, num);
	o->flags = KCOAP_OPTF_INLINE;
	o->len = n;
	for (uint32_t i = 0; i < n; i++)
		o->inl[i] = (uint8_t)(value >> (8 * (n - 1 - i)));
	return 0;
}

int kcoap_msg_add_path(struct kcoap_msg *msg, unsigned int num, const char *path)
{
	unsigned int segs = 0;
	const char *p;

	if (path[0] != '/')
		return -EINVAL;
	if (!strcmp(path, "/"))
		return 0;
	/* Check everything first, so that a refusal adds nothing. */
	for (p = path; *p; ) {
		size_t n = strcspn(p + 1, "/");

		if (n == 0 || n > 255)
			return -EINVAL;
		segs++;
		p += 1 + n;
	}
	if (msg->nopts + segs > KCOAP_MAX_OPTS)
		return -E2BIG;
	for (p = path; *p; ) {
		size_t n = strcspn(p + 1, "/");

		kcoap_msg_add_opt(msg, num, p + 1, n);
		p += 1 + n;
	}
	return 0;
}

void kcoap_msg_set_payload(struct kcoap_msg *msg, const void *payload, size_t len)
{
	msg->payload = len ? payload : NULL;
	msg->payload_len = len;
}

/* Nibble for a delta or length, and its extension bytes (0, 1 or 2). */
static unsigned int nibble(uint32_t v, unsigned int *ext)
{
	if (v < 13) {
		*ext = 0;
		return v;
	}
	if (v < 269) {
		*ext = 1;
		return 13;
	}
	*ext = 2;
	return 14;
}

static void put_ext(uint8_t *p, uint32_t v, unsigned int ext)
{
	if (ext == 1) {
		p[0] = (uint8_t)(v - 13);
	} else if (ext == 2) {
		p[0] = (uint8_t)((v - 269) >> 8);
		p[1] = (uint8_t)(v - 269);
	}
}

int kcoap_build(const struct kcoap_msg *msg, uint8_t *buf, size_t size)
{
	size_t pos = KCOAP_HEADER_LEN + msg->tkl;
	unsigned int prev = 0;

	if (msg->type > KCOAP_RST || msg->tkl > KCOAP_TOKEN_MAX ||
	    type_code_error(msg->type, msg->code) || msg->nopts > KCOAP_MAX_OPTS ||
	    (msg->payload_len && !msg->payload))
		return -EINVAL;
	if (msg->code == KCOAP_EMPTY && (msg->tkl || msg->nopts || msg->payload_len))
		return -EINVAL;
	if (size < pos)
		return -ENOSPC;
	buf[0] = (uint8_t)(KCOAP_VERSION << 6 | msg->type << 4 | msg->tkl);
	buf[1] = msg->code;
	buf[2] = (uint8_t)(msg->mid >> 8);
	buf[3] = (uint8_t)msg->mid;
	memcpy(buf + KCOAP_HEADER_LEN, msg->token, msg->tkl);

	for (unsigned int i = 0; i < msg->nopts; i++) {
		const struct kcoap_opt *o = &msg->opts[i];
		unsigned int dext, lext, dn, ln;
		uint32_t delta;

		if (o->num < prev || o->len > KCOAP_OPT_LEN_MAX || (o->len && !kcoap_opt_val(o)))
			return -EINVAL;
		delta = o->num - prev;
		prev = o->num;
		dn = nibble(delta, &dext);
		ln = nibble(o->len, &lext);
		if (size - pos < 1 + dext + lext || size - pos - 1 - dext - lext < o->len)
			return -ENOSPC;
		buf[pos++] = (uint8_t)(dn << 4 | ln);
		put_ext(buf + pos, delta, dext);
		pos += dext;
		put_ext(buf + pos, o->len, lext);
		pos += lext;
		if (o->len)
			memcpy(buf + pos, kcoap_opt_val(o), o->len);
		pos += o->len;
	}
	if (msg->payload_len) {
		if (size - pos < 1 || size - pos - 1 < msg->payload_len)
			return -ENOSPC;
		buf[pos++] = KCOAP_PAYLOAD_MARKER;
		memcpy(buf + pos, msg->payload, msg->payload_len);
		pos += msg->payload_len;
	}
	if (pos > INT_MAX)
		return -ENOSPC;
	return (int)pos;
}
