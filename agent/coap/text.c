// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text forms of CoAP messages: code numbers ("2.05") and names, types,
 * content-format media types, paths joined from Uri-Path options, and a
 * one-line summary for logs. Option bytes come from the network: they are
 * percent-encoded (RFC 3986) unless they are plain URI characters, so
 * neither a log line nor a joined path can be forged by what a peer sends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

const char *kcoap_cf_name(unsigned int cf)
{
	switch (cf) {
	case KCOAP_CF_TEXT:		return "text/plain;charset=utf-8";
	case KCOAP_CF_LINK:		return "application/link-format";
	case KCOAP_CF_OCTET_STREAM:	return "application/octet-stream";
	case KCOAP_CF_JSON:		return "application/json";
	case KCOAP_CF_CBOR:		return "application/cbor";
	case KCOAP_CF_SENML_JSON:	return "application/senml+json";
	case KCOAP_CF_SENML_CBOR:	return "application/senml+cbor";
	case KCOAP_CF_LWM2M_TLV:	return "application/vnd.oma.lwm2m+tlv";
	case KCOAP_CF_LWM2M_JSON:	return "application/vnd.oma.lwm2m+json";
	case KCOAP_CF_LWM2M_CBOR:	return "application/vnd.oma.lwm2m+cbor";
	}
	return NULL;
}

char *kcoap_code_str(uint8_t code, char *buf)
{
	buf[0] = (char)('0' + KCOAP_CODE_CLASS(code));
	buf[1] = '.';
	buf[2] = (char)('0' + KCOAP_CODE_DETAIL(code) / 10);
	buf[3] = (char)('0' + KCOAP_CODE_DETAIL(code) % 10);
	buf[4] = '\0';
	return buf;
}

const char *kcoap_code_name(uint8_t code)
{
	switch (code) {
	case KCOAP_EMPTY:			return "Empty";
	case KCOAP_GET:				return "GET";
	case KCOAP_POST:			return "POST";
	case KCOAP_PUT:				return "PUT";
	case KCOAP_DELETE:			return "DELETE";
	case KCOAP_FETCH:			return "FETCH";
	case KCOAP_PATCH:			return "PATCH";
	case KCOAP_IPATCH:			return "iPATCH";
	case KCOAP_CREATED:			return "Created";
	case KCOAP_DELETED:			return "Deleted";
	case KCOAP_VALID:			return "Valid";
	case KCOAP_CHANGED:			return "Changed";
	case KCOAP_CONTENT:			return "Content";
	case KCOAP_CONTINUE:			return "Continue";
	case KCOAP_BAD_REQUEST:			return "Bad Request";
	case KCOAP_UNAUTHORIZED:		return "Unauthorized";
	case KCOAP_BAD_OPTION:			return "Bad Option";
	case KCOAP_FORBIDDEN:			return "Forbidden";
	case KCOAP_NOT_FOUND:			return "Not Found";
	case KCOAP_METHOD_NOT_ALLOWED:		return "Method Not Allowed";
	case KCOAP_NOT_ACCEPTABLE:		return "Not Acceptable";
	case KCOAP_REQUEST_ENTITY_INCOMPLETE:	return "Request Entity Incomplete";
	case KCOAP_CONFLICT:			return "Conflict";
	case KCOAP_PRECONDITION_FAILED:		return "Precondition Failed";
	case KCOAP_REQUEST_ENTITY_TOO_LARGE:	return "Request Entity Too Large";
	case KCOAP_UNSUPPORTED_CONTENT_FORMAT:	return "Unsupported Content-Format";
	case KCOAP_UNPROCESSABLE_ENTITY:	return "Unprocessable Entity";
	case KCOAP_INTERNAL_SERVER_ERROR:	return "Internal Server Error";
	case KCOAP_NOT_IMPLEMENTED:		return "Not Implemented";
	case KCOAP_BAD_GATEWAY:			return "Bad Gateway";
	case KCOAP_SERVICE_UNAVAILABLE:		return "Service Unavailable";
	case KCOAP_GATEWAY_TIMEOUT:		return "Gateway Timeout";
	case KCOAP_PROXYING_NOT_SUPPORTED:	return "Proxying Not Supported";
	}
	return NULL;
}

const char *kcoap_type_name(uint8_t type)
{
	static const char *const names[] = { "CON", "NON", "ACK", "RST" };

	return type < 4 ? names[type] : "?";
}

/* A bounded writer: counts what it would write, writes what fits. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

__attribute__((format(printf, 2, 3)))
static void put_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	for (int i = 0; i < n && i < (int)sizeof(tmp) - 1; i++)
		put_char(o, tmp[i]);
}

static void out_end(struct out *o)
{
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

/* RFC 3986 pchar less pct-encoded: unreserved, sub-delims, ':', '@'. */
static bool is_pchar(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~!$&'()*+,;=:@", c));
}

/* @amp: '&' passes as it is (paths) or is encoded (queries, joined with '&'). */
static void put_escaped(struct out *o, const uint8_t *p, size_t n, bool amp)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		if (is_pchar(p[i]) && (amp || p[i] != '&')) {
			put_char(o, (char)p[i]);
		} else {
			put_char(o, '%');
			put_char(o, hex[p[i] >> 4]);
			put_char(o, hex[p[i] & 15]);
		}
	}
}

static void put_path(struct out *o, const struct kcoap_msg *msg, unsigned int num)
{
	const struct kcoap_opt *opt = kcoap_opt_first(msg, num);

	if (!opt)
		put_char(o, '/');
	for (; opt; opt = kcoap_opt_next(msg, opt)) {
		put_char(o, '/');
		put_escaped(o, kcoap_opt_val(opt), opt->len, true);
	}
}

int kcoap_msg_path(const struct kcoap_msg *msg, unsigned int num, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	put_path(&o, msg, num);
	if (o.len >= size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	out_end(&o);
	return (int)o.len;
}

static void put_uint_opt(struct out *o, const struct kcoap_msg *msg, unsigned int num,
			 const char *name)
{
	uint32_t v;

	if (!kcoap_msg_get_uint(msg, num, &v))
		put_fmt(o, " %s=%u", name, v);
}

static void put_block_opt(struct out *o, const struct kcoap_msg *msg, unsigned int num,
			  const char *name)
{
	struct kcoap_block b;

	if (!kcoap_msg_get_block(msg, num, &b))
		put_fmt(o, " %s=%u/%d/%zu", name, b.num, b.more, kcoap_block_size(&b));
}

int kcoap_msg_summary(const struct kcoap_msg *msg, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const char *name = kcoap_code_name(msg->code);
	char code[KCOAP_CODE_STRLEN];
	const struct kcoap_opt *opt;

	put_fmt(&o, "%s %s %s mid=0x%04x", kcoap_type_name(msg->type),
		kcoap_code_str(msg->code, code), name ? name : "?", msg->mid);
	if (msg->tkl) {
		put_fmt(&o, " tok=");
		for (unsigned int i = 0; i < msg->tkl && i < KCOAP_TOKEN_MAX; i++)
			put_fmt(&o, "%02x", msg->token[i]);
	}
	if (kcoap_opt_first(msg, KCOAP_OPT_URI_PATH) || kcoap_code_is_request(msg->code)) {
		put_char(&o, ' ');
		put_path(&o, msg, KCOAP_OPT_URI_PATH);
	}
	if (kcoap_opt_first(msg, KCOAP_OPT_LOCATION_PATH)) {
		put_fmt(&o, " loc=");
		put_path(&o, msg, KCOAP_OPT_LOCATION_PATH);
	}
	opt = kcoap_opt_first(msg, KCOAP_OPT_URI_QUERY);
	for (char sep = '?'; opt; opt = kcoap_opt_next(msg, opt), sep = '&') {
		if (sep == '?')
			put_char(&o, ' ');
		put_char(&o, sep);
		put_escaped(&o, kcoap_opt_val(opt), opt->len, false);
	}
	put_uint_opt(&o, msg, KCOAP_OPT_OBSERVE, "obs");
	put_uint_opt(&o, msg, KCOAP_OPT_CONTENT_FORMAT, "cf");
	put_uint_opt(&o, msg, KCOAP_OPT_ACCEPT, "accept");
	put_block_opt(&o, msg, KCOAP_OPT_BLOCK1, "block1");
	put_block_opt(&o, msg, KCOAP_OPT_BLOCK2, "block2");
	if (msg->bad_opt)
		put_fmt(&o, " bad-option=%u", msg->bad_opt);
	if (msg->payload_len)
		put_fmt(&o, " len=%zu", msg->payload_len);
	out_end(&o);
	return (int)o.len;
}
