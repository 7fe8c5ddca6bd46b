// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading OMA LwM2M object definitions (DDF XML, the format of the public
 * LwM2M registry) with libxml2: libklwm2m-ddf, a library of its own so that
 * programs that only use the store (the agent, apps) do not map libxml2 and
 * what it brings (ICU, libstdc++, liblzma, zlib). It links libklwm2m, whose
 * klwm2m_last_error() carries its errors and whose klwm2m_objdef_free()
 * frees what it returns.
 *
 * Mapping: Operations R/W/RW/E/"" -> KLWM2M_OP_*; an executable resource has
 * no value, so its type becomes NONE whatever the file declares. Type names
 * map to KLWM2M_TYPE_*. RangeEnumeration "A..B" becomes a range for numeric
 * types and "A..B bytes" / "N bytes" length bounds for strings and opaque
 * values; any other text (enumerations, prose) is informational and ignored.
 * Everything else that does not fit is refused, naming the file, the line
 * and the reason.
 *
 * One extension, for what DDF cannot say: a resource that holds a secret (a
 * PSK, a private key) carries an attribute in klwm2m's own XML namespace,
 *
 *   <LWM2M xmlns:klwm2m="urn:klwm2m:ddf:1">
 *     ... <Item ID="5" klwm2m:secret="true"> ...
 *
 * and gets KLWM2M_RES_F_SECRET. The value is "true" or "false"; only string
 * and opaque resources can be secret. Readers that do not know the namespace
 * ignore the attribute. A "secret" attribute outside the namespace is refused
 * rather than ignored, so that a misspelt marking cannot leave a key readable.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/klwm2m.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../internal.h"
#include "libklwm2m-ddf.h"

#define KLWM2M_DDF_NS "urn:klwm2m:ddf:1"

/* The text of the first child element named @name, trimmed, or NULL. */
static xmlNode *child(xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
			return n;
	return NULL;
}

/* Copies @n's trimmed text into @buf; returns 0, or -E2BIG when it does not fit. */
static int text(xmlNode *n, char *buf, size_t len)
{
	xmlChar *s = n ? xmlNodeGetContent(n) : NULL;
	const char *p = s ? (const char *)s : "";
	size_t l;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	l = strlen(p);
	while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\n' || p[l - 1] == '\r'))
		l--;
	if (l >= len) {
		xmlFree(s);
		return -E2BIG;
	}
	memcpy(buf, p, l);
	buf[l] = '\0';
	xmlFree(s);
	return 0;
}

struct ddf_ctx {
	const char *path;
	int failed;
};

static int fail(struct ddf_ctx *c, xmlNode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ddf_ctx *c, xmlNode *n, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	klwm2m_set_last_error("%s:%ld: %s", c->path, n ? xmlGetLineNo(n) : 0L, why);
	c->failed = 1;
	return -EINVAL;
}

/* A decimal ID in 0..65534. */
static int parse_id(const char *s, uint16_t *id)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > KLWM2M_ID_MAX)
		return -EINVAL;
	*id = v;
	return 0;
}

static const struct {
	const char *name;
	uint8_t type;
} types[] = {
	{ "Integer", KLWM2M_TYPE_INTEGER }, { "Unsigned Integer", KLWM2M_TYPE_UNSIGNED },
	{ "Float", KLWM2M_TYPE_FLOAT }, { "Boolean", KLWM2M_TYPE_BOOLEAN },
	{ "String", KLWM2M_TYPE_STRING }, { "Opaque", KLWM2M_TYPE_OPAQUE },
	{ "Time", KLWM2M_TYPE_TIME }, { "Objlnk", KLWM2M_TYPE_OBJLNK },
	{ "Corelnk", KLWM2M_TYPE_CORELNK },
};

/* One number of a range, in @type's representation; 0 or -EINVAL. */
static int parse_bound(const char *s, uint8_t type, uint64_t *out)
{
	char *end;

	errno = 0;
	switch (type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME: {
		long long v = strtoll(s, &end, 10);

		*out = (uint64_t)v;
		break;
	}
	case KLWM2M_TYPE_UNSIGNED:
		if (*s == '-')
			return -EINVAL;
		*out = strtoull(s, &end, 10);
		break;
	case KLWM2M_TYPE_FLOAT: {
		double d = strtod(s, &end);

		memcpy(out, &d, sizeof(*out));
		break;
	}
	default:
		return -EINVAL;
	}
	return errno || end == s || *end ? -EINVAL : 0;
}

static void parse_range(const char *txt, struct klwm2m_resdef *rd)
{
	const char *dots = strstr(txt, "..");
	char lo[64];
	unsigned int a, b;
	int n = 0;

	switch (rd->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_UNSIGNED:
	case KLWM2M_TYPE_FLOAT:
	case KLWM2M_TYPE_TIME:
		/* "A..B", where A and B may have decimal points of their own. */
		if (!dots || dots == txt || (size_t)(dots - txt) >= sizeof(lo))
			break;
		memcpy(lo, txt, dots - txt);
		lo[dots - txt] = '\0';
		if (!parse_bound(lo, rd->type, &rd->min) &&
		    !parse_bound(dots + 2, rd->type, &rd->max))
			rd->has_range = 1;
		break;
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_OPAQUE:
		if (sscanf(txt, "%u..%u bytes%n", &a, &b, &n) == 2 && !txt[n]) {
			rd->has_len = 1;
			rd->len_min = a;
			rd->len_max = b;
		} else if (sscanf(txt, "%u bytes%n", &a, &n) == 1 && !txt[n]) {
			rd->has_len = 1;
			rd->len_min = rd->len_max = a;
		}
		break;
	}
}

/*
 * The element @name of @parent must read @yes or @no; @yes sets @bit in
 * *@flags. @who prefixes a refusal ("resource 5: ", or "").
 */
static int parse_choice(struct ddf_ctx *c, xmlNode *parent, const char *who, const char *name,
			const char *yes, const char *no, uint32_t bit, uint32_t *flags)
{
	char buf[32];

	if (text(child(parent, name), buf, sizeof(buf)) || (strcmp(buf, yes) && strcmp(buf, no)))
		return fail(c, parent, "%s%s must be %s or %s", who, name, no, yes);
	if (!strcmp(buf, yes))
		*flags |= bit;
	return 0;
}

/* The klwm2m:secret attribute of @item (see the top of this file). */
static int parse_secret(struct ddf_ctx *c, xmlNode *item, struct klwm2m_resdef *rd)
{
	xmlChar *v;
	int yes, no;

	if (xmlHasNsProp(item, (const xmlChar *)"secret", NULL))
		return fail(c, item, "resource %u: secret must be klwm2m:secret, in namespace %s",
			    rd->id, KLWM2M_DDF_NS);
	v = xmlGetNsProp(item, (const xmlChar *)"secret", (const xmlChar *)KLWM2M_DDF_NS);
	if (!v)
		return 0;
	yes = !strcmp((const char *)v, "true");
	no = !strcmp((const char *)v, "false");
	xmlFree(v);
	if (!yes && !no)
		return fail(c, item, "resource %u: klwm2m:secret must be true or false", rd->id);
	if (yes && rd->type != KLWM2M_TYPE_STRING && rd->type != KLWM2M_TYPE_OPAQUE)
		return fail(c, item, "resource %u: only string or opaque resources can be secret",
			    rd->id);
	if (yes)
		rd->flags |= KLWM2M_RES_F_SECRET;
	return 0;
}

static int parse_item(struct ddf_ctx *c, xmlNode *item, struct klwm2m_resdef *rd)
{
	char buf[KLWM2M_DDF_NAME_MAX], who[32], *idtxt;
	int err;

	memset(rd, 0, sizeof(*rd));
	idtxt = (char *)xmlGetProp(item, (const xmlChar *)"ID");
	err = idtxt ? parse_id(idtxt, &rd->id) : -EINVAL;
	xmlFree(idtxt);
	if (err)
		return fail(c, item, "resource without a valid ID (0..65534)");
	if (text(child(item, "Name"), rd->name, sizeof(rd->name)) || !rd->name[0])
		return fail(c, item, "resource %u: name missing or longer than %d bytes", rd->id,
			    KLWM2M_DDF_NAME_MAX - 1);

	if (text(child(item, "Operations"), buf, sizeof(buf)))
		return fail(c, item, "resource %u: unreadable operations", rd->id);
	if (!strcmp(buf, "R"))
		rd->ops = KLWM2M_OP_READ;
	else if (!strcmp(buf, "W"))
		rd->ops = KLWM2M_OP_WRITE;
	else if (!strcmp(buf, "RW"))
		rd->ops = KLWM2M_OP_READ | KLWM2M_OP_WRITE;
	else if (!strcmp(buf, "E"))
		rd->ops = KLWM2M_OP_EXECUTE;
	else if (buf[0])
		return fail(c, item, "resource %u: unknown operations \"%s\"", rd->id, buf);

	if (text(child(item, "Type"), buf, sizeof(buf)))
		return fail(c, item, "resource %u: unreadable type", rd->id);
	if (rd->ops == KLWM2M_OP_EXECUTE) {
		rd->type = KLWM2M_TYPE_NONE;
	} else {
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(buf, types[i].name))
				rd->type = types[i].type;
		if (!rd->type)
			return fail(c, item, "resource %u: %s type \"%s\"", rd->id,
				    buf[0] ? "unknown" : "a resource that is not executable needs a",
				    buf);
	}

	snprintf(who, sizeof(who), "resource %u: ", rd->id);
	if (parse_choice(c, item, who, "MultipleInstances", "Multiple", "Single",
			 KLWM2M_RES_F_MULTIPLE, &rd->flags) ||
	    parse_choice(c, item, who, "Mandatory", "Mandatory", "Optional",
			 KLWM2M_RES_F_MANDATORY, &rd->flags))
		return -EINVAL;

	if (!text(child(item, "RangeEnumeration"), buf, sizeof(buf)))
		parse_range(buf, rd);
	return parse_secret(c, item, rd);
}

static int parse_object(struct ddf_ctx *c, xmlNode *obj, struct klwm2m_objdef *def)
{
	char buf[KLWM2M_DDF_NAME_MAX];
	xmlNode *res, *item;
	unsigned int n = 0;

	if (text(child(obj, "ObjectID"), buf, sizeof(buf)) || parse_id(buf, &def->id))
		return fail(c, obj, "ObjectID missing or not in 0..65534");
	if (text(child(obj, "Name"), def->name, sizeof(def->name)) || !def->name[0])
		return fail(c, obj, "object name missing or longer than %d bytes",
			    KLWM2M_DDF_NAME_MAX - 1);
	if (!child(obj, "ObjectVersion"))
		strcpy(def->version, "1.0");
	else if (text(child(obj, "ObjectVersion"), def->version, sizeof(def->version)))
		return fail(c, child(obj, "ObjectVersion"), "ObjectVersion longer than MAJOR.MINOR");
	if (parse_choice(c, obj, "", "MultipleInstances", "Multiple", "Single",
			 KLWM2M_OBJ_F_MULTIPLE, &def->flags) ||
	    parse_choice(c, obj, "", "Mandatory", "Mandatory", "Optional",
			 KLWM2M_OBJ_F_MANDATORY, &def->flags))
		return -EINVAL;

	res = child(obj, "Resources");
	for (item = res ? res->children : NULL; item; item = item->next)
		n += item->type == XML_ELEMENT_NODE && !strcmp((const char *)item->name, "Item");
	def->res = n ? calloc(n, sizeof(*def->res)) : NULL;
	if (n && !def->res)
		return -ENOMEM;
	for (item = res ? res->children : NULL; item; item = item->next) {
		if (item->type != XML_ELEMENT_NODE || strcmp((const char *)item->name, "Item"))
			continue;
		if (parse_item(c, item, &def->res[def->nres]))
			return -EINVAL;
		def->nres++;
	}
	return 0;
}

KLWM2M_API int klwm2m_ddf_load(const char *path, struct klwm2m_objdef **out)
{
	struct ddf_ctx c = { .path = path };
	struct klwm2m_objdef *def;
	xmlNode *root, *obj;
	xmlDoc *doc;
	int err;

	*out = NULL;
	klwm2m_set_last_error("%s", "");
	/* No network, no entity expansion: the file is untrusted input. */
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		klwm2m_set_last_error("%s:%d: not well-formed XML: %s", path, e ? e->line : 0,
				      e && e->message ? e->message : "unreadable");
		return -EINVAL;
	}
	root = xmlDocGetRootElement(doc);
	obj = root && !strcmp((const char *)root->name, "LWM2M") ? child(root, "Object") : NULL;
	if (!obj) {
		xmlFreeDoc(doc);
		klwm2m_set_last_error("%s: no <LWM2M><Object> element", path);
		return -EINVAL;
	}
	def = calloc(1, sizeof(*def));
	err = def ? parse_object(&c, obj, def) : -ENOMEM;
	xmlFreeDoc(doc);
	if (err) {
		if (err == -ENOMEM && !c.failed)
			klwm2m_set_last_error("%s: out of memory", path);
		klwm2m_objdef_free(def);
		return err;
	}
	*out = def;
	return 0;
}
