// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The text forms of paths and values: the one place that reads and writes
 * them, for klwm2mctl and for applications. Pure functions: no handle, no
 * socket, thread-safe.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/klwm2m.h>

#include "internal.h"

/* A decimal ID 0..@max, no sign, no superfluous leading zero; 0 or -EINVAL. */
static int parse_id(const char **s, unsigned long max, uint16_t *out)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint16_t)v;
	*s = p;
	return 0;
}

KLWM2M_API int klwm2m_path_parse(const char *text, struct klwm2m_path *path)
{
	struct klwm2m_path p = { 0 };
	uint16_t *ids[] = { &p.oid, &p.iid, &p.rid, &p.riid };
	const char *s = text;

	if (!s || *s != '/')
		return -EINVAL;
	if (!strcmp(s, "/")) {
		*path = p;
		return 0;
	}
	while (*s) {
		if (*s != '/' || p.depth == KLWM2M_PATH_DEPTH_MAX)
			return -EINVAL;
		s++;
		if (parse_id(&s, KLWM2M_ID_MAX, ids[p.depth]))
			return -EINVAL;
		p.depth++;
	}
	*path = p;
	return 0;
}

KLWM2M_API int klwm2m_path_format(const struct klwm2m_path *path, char *buf, size_t size)
{
	const uint16_t ids[] = { path->oid, path->iid, path->rid, path->riid };
	char tmp[KLWM2M_PATH_STRLEN];
	int len = 0;

	if (path->depth > KLWM2M_PATH_DEPTH_MAX)
		return -EINVAL;
	if (!path->depth)
		len = snprintf(tmp, sizeof(tmp), "/");
	for (unsigned int i = 0; i < path->depth; i++) {
		if (ids[i] > KLWM2M_ID_MAX)
			return -EINVAL;
		len += snprintf(tmp + len, sizeof(tmp) - (size_t)len, "/%u", ids[i]);
	}
	if ((size_t)len >= size)
		return -ENOSPC;
	memcpy(buf, tmp, (size_t)len + 1);
	return len;
}

KLWM2M_API const char *klwm2m_type_name(uint8_t type)
{
	static const char *const names[] = {
		[KLWM2M_TYPE_NONE] = "none",		[KLWM2M_TYPE_INTEGER] = "integer",
		[KLWM2M_TYPE_UNSIGNED] = "unsigned",	[KLWM2M_TYPE_FLOAT] = "float",
		[KLWM2M_TYPE_BOOLEAN] = "boolean",	[KLWM2M_TYPE_STRING] = "string",
		[KLWM2M_TYPE_OPAQUE] = "opaque",	[KLWM2M_TYPE_TIME] = "time",
		[KLWM2M_TYPE_OBJLNK] = "objlnk",	[KLWM2M_TYPE_CORELNK] = "corelnk",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "?";
}

KLWM2M_API const char *klwm2m_event_name(uint8_t kind)
{
	static const char *const names[] = {
		[KLWM2M_EVENT_VALUE_CHANGED] = "value-changed",
		[KLWM2M_EVENT_INST_CREATED] = "instance-created",
		[KLWM2M_EVENT_INST_DELETED] = "instance-deleted",
		[KLWM2M_EVENT_OBJ_DEFINED] = "object-defined",
		[KLWM2M_EVENT_OBJ_UNDEFINED] = "object-undefined",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ? names[kind] : "?";
}

KLWM2M_API const char *klwm2m_notify_reason_name(uint8_t reason)
{
	static const char *const names[] = {
		[KLWM2M_NOTIFY_CHANGE] = "change",
		[KLWM2M_NOTIFY_PMAX] = "pmax",
		[KLWM2M_NOTIFY_INITIAL] = "initial",
		[KLWM2M_NOTIFY_RESYNC] = "resync",
		[KLWM2M_NOTIFY_GONE] = "gone",
	};

	return reason < sizeof(names) / sizeof(names[0]) && names[reason] ? names[reason] : "?";
}

static int is_bytes(uint8_t type)
{
	return type == KLWM2M_TYPE_STRING || type == KLWM2M_TYPE_OPAQUE ||
	       type == KLWM2M_TYPE_CORELNK;
}

KLWM2M_API void klwm2m_value_release(struct klwm2m_value *v)
{
	if (!v || !is_bytes(v->type))
		return;
	free((void *)v->bytes.ptr);
	v->bytes.ptr = NULL;
	v->bytes.len = 0;
}

/* Copies @len bytes and a NUL into @v's own memory. */
int klwm2m_value_set_bytes(struct klwm2m_value *v, uint8_t type, const void *data, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return -ENOMEM;
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->bytes.ptr = p;
	v->bytes.len = len;
	return 0;
}

#define SCALAR_TEXT_SIZE 32

KLWM2M_API size_t klwm2m_value_text_size(const struct klwm2m_value *v)
{
	switch (v->type) {
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_CORELNK:
		return v->bytes.len + 1;
	case KLWM2M_TYPE_OPAQUE:
		return 2 * v->bytes.len + 1;
	default:
		return SCALAR_TEXT_SIZE;
	}
}

/* "%.17g" in the C locale, whatever the application's locale is. */
static int format_double(double d, char *buf, size_t size)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0), old;
	int n;

	if (!c)
		return -ENOMEM;
	old = uselocale(c);
	n = snprintf(buf, size, "%.17g", d);
	uselocale(old);
	freelocale(c);
	return n;
}

KLWM2M_API int klwm2m_value_format(const struct klwm2m_value *v, char *buf, size_t size)
{
	char tmp[SCALAR_TEXT_SIZE];
	const unsigned char *p;
	size_t i;
	int n;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v->i);
		break;
	case KLWM2M_TYPE_UNSIGNED:
		n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v->u);
		break;
	case KLWM2M_TYPE_FLOAT:
		n = format_double(v->f, tmp, sizeof(tmp));
		if (n < 0)
			return n;
		break;
	case KLWM2M_TYPE_BOOLEAN:
		n = snprintf(tmp, sizeof(tmp), "%s", v->b ? "true" : "false");
		break;
	case KLWM2M_TYPE_OBJLNK:
		n = snprintf(tmp, sizeof(tmp), "%u:%u", v->objlnk.oid, v->objlnk.iid);
		break;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_CORELNK:
		if (v->bytes.len && memchr(v->bytes.ptr, '\0', v->bytes.len))
			return -EINVAL;
		if (v->bytes.len >= size)
			return -ENOSPC;
		if (v->bytes.len)
			memcpy(buf, v->bytes.ptr, v->bytes.len);
		buf[v->bytes.len] = '\0';
		return (int)v->bytes.len;
	case KLWM2M_TYPE_OPAQUE:
		if (v->bytes.len > ((size_t)-1 - 1) / 2 || 2 * v->bytes.len >= size)
			return -ENOSPC;
		p = v->bytes.ptr;
		for (i = 0; i < v->bytes.len; i++) {
			buf[2 * i] = "0123456789abcdef"[p[i] >> 4];
			buf[2 * i + 1] = "0123456789abcdef"[p[i] & 15];
		}
		buf[2 * i] = '\0';
		return (int)(2 * i);
	default:
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENOSPC;
	memcpy(buf, tmp, (size_t)n + 1);
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *text, struct klwm2m_value *v)
{
	size_t n = strlen(text), i;
	unsigned char *p;

	if (n % 2)
		return -EINVAL;
	p = malloc(n / 2 + 1);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(p);
			return -EINVAL;
		}
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	p[n / 2] = '\0';
	memset(v, 0, sizeof(*v));
	v->type = KLWM2M_TYPE_OPAQUE;
	v->bytes.ptr = p;
	v->bytes.len = n / 2;
	return 0;
}

static int parse_s64(const char *text, int64_t *out)
{
	char *end;
	long long x;

	if (!((text[0] >= '0' && text[0] <= '9') ||
	      (text[0] == '-' && text[1] >= '0' && text[1] <= '9')))
		return -EINVAL;
	errno = 0;
	x = strtoll(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = x;
	return 0;
}

static int parse_u64(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = x;
	return 0;
}

static int parse_double(const char *text, double *out)
{
	locale_t c;
	char *end;
	double d;
	int err = 0;

	/* strtod() skips leading spaces; the text form has none. */
	if (!text[0] || text[0] == ' ' || (text[0] >= '\t' && text[0] <= '\r'))
		return -EINVAL;
	c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!c)
		return -ENOMEM;
	errno = 0;
	d = strtod_l(text, &end, c);
	if (*end || end == text)
		err = -EINVAL;
	else if (errno == ERANGE && (d > 1.0 || d < -1.0))
		err = -ERANGE;	/* overflow; an underflow to a subnormal or 0 is kept */
	freelocale(c);
	if (!err)
		*out = d;
	return err;
}

static int parse_objlnk(const char *text, struct klwm2m_objlnk *o)
{
	const char *s = text;

	if (parse_id(&s, 65535, &o->oid) || *s++ != ':' || parse_id(&s, 65535, &o->iid) || *s)
		return -EINVAL;
	return 0;
}

KLWM2M_API int klwm2m_value_parse(uint8_t type, const char *text, struct klwm2m_value *v)
{
	struct klwm2m_value x = { .type = type };
	int err;

	if (!text)
		return -EINVAL;
	switch (type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		err = parse_s64(text, &x.i);
		break;
	case KLWM2M_TYPE_UNSIGNED:
		err = parse_u64(text, &x.u);
		break;
	case KLWM2M_TYPE_FLOAT:
		err = parse_double(text, &x.f);
		break;
	case KLWM2M_TYPE_BOOLEAN:
		err = 0;
		if (!strcmp(text, "true") || !strcmp(text, "1"))
			x.b = 1;
		else if (!strcmp(text, "false") || !strcmp(text, "0"))
			x.b = 0;
		else
			err = -EINVAL;
		break;
	case KLWM2M_TYPE_OBJLNK:
		err = parse_objlnk(text, &x.objlnk);
		break;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_CORELNK:
		return klwm2m_value_set_bytes(v, type, text, strlen(text));
	case KLWM2M_TYPE_OPAQUE:
		return parse_hex(text, v);
	default:
		return -EINVAL;
	}
	if (!err)
		*v = x;
	return err;
}
