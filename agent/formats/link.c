// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoRE link format (application/link-format, 40; RFC 6690): what the agent
 * writes in Register and Update payloads (LwM2M TS 1.1 6.2.1: the root link
 * with rt="oma.lwm2m" and ct, objects with a version other than 1.0 as
 * "</3>;ver=1.1", instances as "</3/0>") and in Discover answers (links with
 * dim and the notification attributes); and a strict reader, which checks
 * CoreLnk values and is fuzzed. The reader takes the RFC 6690 grammar
 * (section 2) as it is, with no whitespace anywhere, no empty parameter
 * values and URI-References of RFC 3986 characters only.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "internal.h"

/* ---------------------------------------------------------------- writing */

static bool version_ok(const char *v)
{
	size_t a = strspn(v, "0123456789");

	return a && a <= 3 && v[a] == '.' && strspn(v + a + 1, "0123456789") == strlen(v + a + 1) &&
	       strlen(v + a + 1) && strlen(v + a + 1) <= 3;
}

static bool has_version(const char *v)
{
	return v && strcmp(v, "1.0");
}

/* "/" or "/seg/seg", of RFC 3986 pchar characters without '%' escapes. */
static bool root_ok(const char *r)
{
	static const char pchar[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789-._~!$&'()*+=:@/";

	return r[0] == '/' && strlen(r) < 64 && strspn(r, pchar) == strlen(r) &&
	       !strstr(r, "//") && (r[1] == '\0' || r[strlen(r) - 1] != '/');
}

static int put_path(struct fmt_buf *b, const char *root, const struct klwm2m_path *p, bool comma)
{
	char t[KLWM2M_PATH_STRLEN];
	int err;

	if (klwm2m_path_format(p, t, sizeof(t)) < 0)
		return -EINVAL;
	err = fmt_buf_put(b, comma ? ",<" : "<", comma ? 2 : 1);
	if (!err && strcmp(root, "/"))
		err = fmt_buf_put(b, root, strlen(root));
	if (!err)
		err = fmt_buf_put(b, t, strlen(t));
	return err ? err : fmt_buf_putc(b, '>');
}

int fmt_link_register(struct fmt_buf *out, const char *root, int ct,
		      const struct fmt_link_obj *objs, size_t n)
{
	bool comma = false;
	int err = 0;

	if (!root_ok(root))
		return -EINVAL;
	if (strcmp(root, "/") || ct >= 0) {
		err = fmt_buf_printf(out, "<%s>;rt=\"oma.lwm2m\"", root);
		if (!err && ct >= 0)
			err = fmt_buf_printf(out, ";ct=%d", ct);
		comma = true;
	}
	for (size_t i = 0; !err && i < n; i++) {
		struct klwm2m_path p = { .oid = objs[i].oid, .depth = 1 };

		if (objs[i].version && !version_ok(objs[i].version))
			return -EINVAL;
		if (has_version(objs[i].version) || !objs[i].niids) {
			err = put_path(out, root, &p, comma);
			if (!err && has_version(objs[i].version))
				err = fmt_buf_printf(out, ";ver=%s", objs[i].version);
			comma = true;
		}
		p.depth = 2;
		for (size_t k = 0; !err && k < objs[i].niids; k++) {
			p.iid = objs[i].iids[k];
			err = put_path(out, root, &p, comma);
			comma = true;
		}
	}
	return err;
}

static int put_float_attr(struct fmt_buf *b, const char *name, double d)
{
	char t[32];

	if (!isfinite(d))
		return -EINVAL;
	fmt_double_text(d, t);
	return fmt_buf_printf(b, ";%s=%s", name, t);
}

static int put_attrs(struct fmt_buf *b, const struct klwm2m_attrs *a)
{
	int err = 0;

	if (a->set & KLWM2M_ATTR_F_PMIN)
		err = fmt_buf_printf(b, ";pmin=%u", a->pmin);
	if (!err && (a->set & KLWM2M_ATTR_F_PMAX))
		err = fmt_buf_printf(b, ";pmax=%u", a->pmax);
	if (!err && (a->set & KLWM2M_ATTR_F_GT))
		err = put_float_attr(b, "gt", a->gt);
	if (!err && (a->set & KLWM2M_ATTR_F_LT))
		err = put_float_attr(b, "lt", a->lt);
	if (!err && (a->set & KLWM2M_ATTR_F_ST))
		err = put_float_attr(b, "st", a->st);
	if (!err && (a->set & KLWM2M_ATTR_F_EPMIN))
		err = fmt_buf_printf(b, ";epmin=%u", a->epmin);
	if (!err && (a->set & KLWM2M_ATTR_F_EPMAX))
		err = fmt_buf_printf(b, ";epmax=%u", a->epmax);
	if (!err && (a->set & KLWM2M_ATTR_F_EDGE))
		err = fmt_buf_printf(b, ";edge=%u", a->edge ? 1 : 0);
	if (!err && (a->set & KLWM2M_ATTR_F_CON))
		err = fmt_buf_printf(b, ";con=%u", a->con ? 1 : 0);
	if (!err && (a->set & KLWM2M_ATTR_F_HQMAX))
		err = fmt_buf_printf(b, ";hqmax=%u", a->hqmax);
	return err;
}

int fmt_link_discover(struct fmt_buf *out, const struct fmt_link_entry *e, size_t n)
{
	int err = 0;

	for (size_t i = 0; !err && i < n; i++) {
		if (!e[i].path.depth)
			return -EINVAL;
		err = put_path(out, "/", &e[i].path, i > 0);
		if (!err && e[i].path.depth == 1 && has_version(e[i].version)) {
			if (!version_ok(e[i].version))
				return -EINVAL;
			err = fmt_buf_printf(out, ";ver=%s", e[i].version);
		}
		if (!err && e[i].dim >= 0)
			err = fmt_buf_printf(out, ";dim=%d", e[i].dim);
		if (!err && e[i].attrs)
			err = put_attrs(out, e[i].attrs);
	}
	return err;
}

/* ---------------------------------------------------------------- reading */

static bool alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool uri_char(unsigned char c)
{
	return alnum(c) || (c && strchr("-._~:/?#[]@!$&'()*+,;=", c));
}

static bool parmname_char(unsigned char c)
{
	return alnum(c) || (c && strchr("!#$&+-.^_`|~", c));
}

static bool ptoken_char(unsigned char c)
{
	return alnum(c) || (c && strchr("!#$%&'()*+-./:<=>?@[]^_`{|}~", c));
}

static bool hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

struct lr {
	const unsigned char *start, *p, *end;
	struct fmt_diag *diag;
};

static int lbad(struct lr *r, const char *what)
{
	return fmt_fail(r->diag, -EBADMSG, "link format: %s at offset %zu", what,
			(size_t)(r->p - r->start));
}

static int read_uri(struct lr *r, struct fmt_link *l)
{
	r->p++;		/* '<' */
	l->uri = (const char *)r->p;
	while (r->p < r->end && *r->p != '>') {
		if (*r->p == '%') {
			if (r->end - r->p < 3 || !hex(r->p[1]) || !hex(r->p[2]))
				return lbad(r, "bad percent-encoding");
			r->p += 3;
			continue;
		}
		if (!uri_char(*r->p))
			return lbad(r, "character not allowed in a URI");
		r->p++;
	}
	if (r->p >= r->end)
		return lbad(r, "'>' missing");
	l->uri_len = (size_t)((const char *)r->p - l->uri);
	r->p++;
	return 0;
}

static int read_param(struct lr *r, struct fmt_link_param *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->name = (const char *)r->p;
	while (r->p < r->end && parmname_char(*r->p))
		r->p++;
	pa->name_len = (size_t)((const char *)r->p - pa->name);
	if (!pa->name_len)
		return lbad(r, "parameter name expected");
	if (r->p >= r->end || *r->p != '=')
		return 0;
	r->p++;
	pa->has_value = 1;
	if (r->p < r->end && *r->p == '"') {
		pa->quoted = 1;
		pa->value = (const char *)++r->p;
		while (r->p < r->end && *r->p != '"') {
			unsigned char c = *r->p;

			if (c == '\\') {
				if (r->end - r->p < 2 || (r->p[1] < 0x20 && r->p[1] != '\t') ||
				    r->p[1] == 0x7f)
					return lbad(r, "bad quoted pair");
				r->p += 2;
				continue;
			}
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return lbad(r, "control character in a quoted string");
			r->p++;
		}
		if (r->p >= r->end)
			return lbad(r, "unterminated quoted string");
		pa->value_len = (size_t)((const char *)r->p - pa->value);
		r->p++;
		return 0;
	}
	pa->value = (const char *)r->p;
	while (r->p < r->end && ptoken_char(*r->p))
		r->p++;
	pa->value_len = (size_t)((const char *)r->p - pa->value);
	return pa->value_len ? 0 : lbad(r, "empty parameter value");
}

int fmt_link_parse(const void *text, size_t len, int (*cb)(const struct fmt_link *l, void *arg),
		   void *arg, struct fmt_diag *diag)
{
	struct lr r = { .start = text, .p = text, .end = text, .diag = diag };
	int count = 0, err;

	if (!len)
		return 0;
	r.end += len;
	for (;;) {
		struct fmt_link l = { .nparams = 0 };

		if (r.p >= r.end || *r.p != '<')
			return lbad(&r, "'<' expected");
		err = read_uri(&r, &l);
		while (!err && r.p < r.end && *r.p == ';') {
			if (l.nparams == FMT_LINK_PARAMS_MAX)
				return fmt_fail(diag, -E2BIG, "link format: more than %d parameters",
						FMT_LINK_PARAMS_MAX);
			r.p++;
			err = read_param(&r, &l.params[l.nparams++]);
		}
		if (err)
			return err;
		if (count == 0x7fffffff)
			return fmt_fail(diag, -E2BIG, "link format: too many links");
		count++;
		if (cb) {
			err = cb(&l, arg);
			if (err)
				return err;
		}
		if (r.p == r.end)
			return count;
		if (*r.p != ',')
			return lbad(&r, "',' or ';' expected");
		r.p++;
	}
}
