// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario parser: a line is a step name, its positional arguments, then
 * keyword options in any order (see docs/test-server.md). Tokens split at
 * unquoted blanks; quotes stay in the token so that a value can tell
 * "123" (a string) from 123 (a number). '#' starts a comment.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "scenario.h"

enum {
	O_EXPECT = 1 << 0, O_ACCEPT = 1 << 1, O_FORMAT = 1 << 2, O_CONTENT = 1 << 3,
	O_VALUE = 1 << 4, O_COUNT = 1 << 5, O_CONTAINS = 1 << 6, O_WITHIN = 1 << 7,
	O_ARGS = 1 << 8, O_INSTANCE = 1 << 9, O_LOCATION = 1 << 10, O_GAPS = 1 << 11,
	O_VALUES = 1 << 12, O_STATUS = 1 << 13,
};

#define CODE(c, d) ((c) << 5 | (d))

enum { P_NONE, P_PATH, P_OBJ, P_PATHQ, P_SECONDS, P_OPT_SECONDS, P_HEX, P_CMD };

static const struct {
	const char *name;
	int pos;
	unsigned int opts;
	int def_expect;		/* default CoAP code; EXPECT_NOTHING: none */
} kinds[] = {
	[ST_WAIT_REGISTER] = { "wait-register", P_OPT_SECONDS, O_WITHIN, EXPECT_NOTHING },
	[ST_READ] = { "read", P_PATH, O_ACCEPT | O_EXPECT | O_VALUE | O_COUNT | O_CONTENT,
		      CODE(2, 5) },
	[ST_DISCOVER] = { "discover", P_PATH, O_EXPECT | O_CONTAINS | O_COUNT,
			  CODE(2, 5) },
	[ST_WRITE] = { "write", P_PATH, O_FORMAT | O_VALUES | O_EXPECT, CODE(2, 4) },
	[ST_WRITE_UPDATE] = { "write-update", P_PATH, O_FORMAT | O_VALUES | O_EXPECT,
			      CODE(2, 4) },
	[ST_WRITE_ATTR] = { "write-attributes", P_PATHQ, O_EXPECT, CODE(2, 4) },
	[ST_EXECUTE] = { "execute", P_PATH, O_ARGS | O_EXPECT, CODE(2, 4) },
	[ST_CREATE] = { "create", P_OBJ, O_INSTANCE | O_FORMAT | O_VALUES | O_EXPECT | O_LOCATION,
			CODE(2, 1) },
	[ST_DELETE] = { "delete", P_PATH, O_EXPECT, CODE(2, 2) },
	[ST_OBSERVE] = { "observe", P_PATH, O_ACCEPT | O_EXPECT | O_VALUE | O_COUNT | O_CONTENT,
			 CODE(2, 5) },
	[ST_WAIT_NOTIFY] = { "wait-notify", P_PATH, O_COUNT | O_WITHIN | O_VALUE | O_GAPS,
			     EXPECT_NOTHING },
	[ST_CANCEL] = { "cancel", P_PATH, O_EXPECT, CODE(2, 5) },
	[ST_CANCEL_RST] = { "cancel-rst", P_PATH, O_WITHIN, EXPECT_NOTHING },
	[ST_WAIT_UPDATE] = { "wait-update", P_NONE, O_WITHIN, EXPECT_NOTHING },
	[ST_WAIT_DEREGISTER] = { "wait-deregister", P_NONE, O_WITHIN, EXPECT_NOTHING },
	[ST_SLEEP] = { "sleep", P_SECONDS, 0, EXPECT_NOTHING },
	[ST_RAW] = { "raw", P_HEX, O_EXPECT | O_WITHIN, EXPECT_NONE },
	[ST_EXEC_SHELL] = { "exec-shell", P_CMD, O_STATUS | O_WITHIN, EXPECT_NOTHING },
};

#define MAX_TOKENS 128

struct ctx {
	const char *file;
	int line;
};

__attribute__((format(printf, 2, 3)))
static int fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", c->file, c->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/* Splits at unquoted blanks, in place; a '#' outside quotes ends the line. */
static int tokenize(char *s, char **tok, int *n)
{
	*n = 0;
	while (*s) {
		bool q = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			break;
		if (*n == MAX_TOKENS)
			return -E2BIG;
		tok[(*n)++] = s;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (*s == '\\' && q && s[1])
				s++;
			else if (*s == '"')
				q = !q;
		}
		if (q)
			return -EINVAL;
		if (*s)
			*s++ = 0;
	}
	return 0;
}

int parse_code(const char *s)
{
	unsigned int cls, det;
	int n = 0;

	if (sscanf(s, "%1u.%2u%n", &cls, &det, &n) != 2 || s[n] || n != 4 ||
	    (cls != 2 && cls != 4 && cls != 5) || det > 31)
		return -EINVAL;
	return (int)(cls << 5 | det);
}

static int parse_seconds(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return (!*s || *end || *out < 0 || *out > 86400) ? -EINVAL : 0;
}

static int parse_count(const char *s, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	return (!*s || *end || *out < 0 || *out > 1000000) ? -EINVAL : 0;
}

/* A token that is itself, or a quoted string, into a malloc'd string. */
static int text_arg(const char *s, char **out)
{
	if (*s == '"')
		return pv_unquote(s, out);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int add_cond(struct step *st, const struct cond *c)
{
	struct cond *n = realloc(st->conds, (st->nconds + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	st->conds = n;
	st->conds[st->nconds++] = *c;
	return 0;
}

static int add_links(struct step *st, const char *tok, const struct ctx *c)
{
	struct link_list l;
	const char *err = "out of memory";
	char *s;
	int ret = text_arg(tok, &s);

	if (ret)
		return fail(c, "contains: %s", "bad quoting");
	ret = link_parse(s, strlen(s), &l, &err);
	free(s);
	if (ret || !l.n) {
		if (!ret)
			link_list_free(&l);
		return fail(c, "contains: %s", ret ? err : "no link");
	}
	struct link *m = realloc(st->contains.l, (st->contains.n + l.n) * sizeof(*m));

	if (!m) {
		link_list_free(&l);
		return -ENOMEM;
	}
	memcpy(m + st->contains.n, l.l, l.n * sizeof(*m));
	st->contains.l = m;
	st->contains.n += l.n;
	free(l.l);
	return 0;
}

static int positional(struct step *st, int pos, char **tok, int ntok, int *i,
		      const struct ctx *c)
{
	char *q;
	int ret;

	switch (pos) {
	case P_NONE:
		return 0;
	case P_OPT_SECONDS:
		if (*i < ntok && !parse_seconds(tok[*i], &st->within))
			(*i)++;
		return 0;
	case P_SECONDS:
		if (*i >= ntok || parse_seconds(tok[*i], &st->within))
			return fail(c, "%s: expected SECONDS", kinds[st->kind].name);
		(*i)++;
		return 0;
	case P_HEX: {
		char hex[4096] = "";

		while (*i < ntok && strlen(hex) + strlen(tok[*i]) < sizeof(hex) - 1) {
			uint8_t *b;
			size_t l;

			if (pv_hex_decode(tok[*i], &b, &l))
				break;
			free(b);
			strcat(hex, tok[(*i)++]);
		}
		if (!*hex || pv_hex_decode(hex, &st->raw, &st->rawlen))
			return fail(c, "%s", "raw: expected HEX bytes");
		return 0;
	}
	case P_CMD:
		if (*i >= ntok || text_arg(tok[*i], &st->cmd))
			return fail(c, "%s", "exec-shell: expected \"COMMAND\"");
		(*i)++;
		return 0;
	default:
		break;
	}
	if (*i >= ntok)
		return fail(c, "%s: expected a path", kinds[st->kind].name);
	q = pos == P_PATHQ ? strchr(tok[*i], '?') : NULL;
	if (q) {
		*q++ = 0;
		st->query = strdup(q);
		if (!st->query)
			return -ENOMEM;
	}
	ret = pv_path_parse(tok[*i], &st->path);
	if (ret || tok[*i][0] != '/' || !st->path.depth)
		return fail(c, "bad path '%s' (want /OBJ[/INST[/RES[/RI]]])", tok[*i]);
	if (pos == P_OBJ && st->path.depth != 1)
		return fail(c, "%s", "create: the target is an object, /OBJ");
	if (pos == P_PATHQ && (!st->query || !*st->query))
		return fail(c, "%s", "write-attributes: expected PATH?pmin=..&pmax=..");
	(*i)++;
	return 0;
}

static bool is_value_token(const char *t)
{
	return (*t == '/' || (*t >= '0' && *t <= '9')) && strpbrk(t, "=<>");
}

/* Relative paths in values and conditions start at the target's instance
 * (or object): "14" in a write to /3/0/14 is /3/0/14, "11/0" is /3/0/11/0. */
static struct pv_path rel_base(const struct step *st)
{
	struct pv_path b = st->path;

	if (b.depth > 2)
		b.depth = 2;
	return b;
}

static int parse_values(struct step *st, char **vtok, int nv, const struct ctx *c)
{
	struct pv_path base = rel_base(st);

	if (st->kind == ST_CREATE) {
		base.id[1] = (uint16_t)st->instance;	/* PV_NO_ID: the device picks */
		base.depth = 2;
	}
	for (int k = 0; k < nv; k++) {
		const char *err;
		struct cond v;
		int ret = pv_cond_parse(vtok[k], &base, &v.path, &v.op, &v.v, &err);

		if (ret)
			return fail(c, "%s", err);
		if (v.op != PV_EQ || !pv_path_under(&v.path, &st->path) || v.path.depth < 3) {
			pv_value_free(&v.v);
			return fail(c, "'%s': values are RES=VALUE (or /full/path=VALUE) under the target",
				    vtok[k]);
		}
		ret = pv_list_add(&st->values, &v.path, &v.v);
		if (ret)
			return ret;
	}
	if (!nv)
		return fail(c, "%s: no values", kinds[st->kind].name);
	if (st->kind == ST_CREATE && st->instance == PV_NO_ID && st->format != CF_TLV)
		return fail(c, "%s", "create without an instance ID needs format=tlv");
	return 0;
}

static int option(struct step *st, char **tok, int ntok, int *i, char **vtok, int *nv,
		  const struct ctx *c)
{
	unsigned int allowed = kinds[st->kind].opts;
	const char *t = tok[*i], *arg = *i + 1 < ntok ? tok[*i + 1] : NULL;
	unsigned int need;
	int ret = 0;

	if (is_value_token(t))
		need = O_VALUES;
	else if (!strcmp(t, "expect"))
		need = O_EXPECT;
	else if (!strncmp(t, "accept=", 7))
		need = O_ACCEPT;
	else if (!strncmp(t, "format=", 7))
		need = O_FORMAT;
	else if (!strncmp(t, "content=", 8))
		need = O_CONTENT;
	else if (!strcmp(t, "value"))
		need = O_VALUE;
	else if (!strcmp(t, "count"))
		need = O_COUNT;
	else if (!strcmp(t, "contains"))
		need = O_CONTAINS;
	else if (!strcmp(t, "within"))
		need = O_WITHIN;
	else if (!strncmp(t, "args=", 5))
		need = O_ARGS;
	else if (!strcmp(t, "instance"))
		need = O_INSTANCE;
	else if (!strcmp(t, "location"))
		need = O_LOCATION;
	else if (!strcmp(t, "min-gap") || !strcmp(t, "max-gap"))
		need = O_GAPS;
	else if (!strcmp(t, "status"))
		need = O_STATUS;
	else
		return fail(c, "unknown word '%s'", t);
	if (!(allowed & need))
		return fail(c, "'%s' is not an option of this step", t);

	if (need == O_VALUES) {
		vtok[(*nv)++] = tok[(*i)++];
		return 0;
	}
	if (need & (O_ACCEPT | O_FORMAT | O_CONTENT | O_ARGS)) {
		const char *v = strchr(t, '=') + 1;

		(*i)++;
		if (need == O_ARGS)
			return text_arg(v, &st->args) ? fail(c, "%s", "args: bad quoting") : 0;
		ret = fmt_by_name(v, need == O_ACCEPT ? &st->accept :
				  need == O_FORMAT ? &st->format : &st->content);
		return ret ? fail(c, "unknown content format '%s'", v) : 0;
	}
	if (!arg)
		return fail(c, "'%s' needs an argument", t);
	*i += 2;
	switch (need) {
	case O_EXPECT:
		if (!strcmp(arg, "rst") && st->kind == ST_RAW)
			st->expect = EXPECT_RST;
		else if (!strcmp(arg, "none") && st->kind == ST_RAW)
			st->expect = EXPECT_NONE;
		else if ((st->expect = parse_code(arg)) < 0)
			return fail(c, "expect: '%s' is not a CoAP code like 2.05", arg);
		return 0;
	case O_VALUE: {
		struct pv_path base = rel_base(st);
		struct cond cd;
		const char *err;

		if (pv_cond_parse(arg, &base, &cd.path, &cd.op, &cd.v, &err))
			return fail(c, "value: %s", err);
		ret = add_cond(st, &cd);
		if (ret)
			pv_value_free(&cd.v);
		return ret;
	}
	case O_COUNT:
		return parse_count(arg, &st->count) ? fail(c, "count: '%s'", arg) : 0;
	case O_CONTAINS:
		return add_links(st, arg, c);
	case O_WITHIN:
		return parse_seconds(arg, &st->within) ? fail(c, "within: '%s'", arg) : 0;
	case O_INSTANCE: {
		long id;

		if (parse_count(arg, &id) || id >= PV_NO_ID)
			return fail(c, "instance: '%s'", arg);
		st->instance = (unsigned int)id;
		return 0;
	}
	case O_LOCATION:
		st->location = strdup(arg);
		return st->location ? 0 : -ENOMEM;
	case O_GAPS:
		return parse_seconds(arg, t[1] == 'i' ? &st->min_gap : &st->max_gap) ?
			fail(c, "gap: '%s'", arg) : 0;
	case O_STATUS: {
		long status;

		if (parse_count(arg, &status) || status > 255)
			return fail(c, "status: '%s'", arg);
		st->status = (int)status;
		return 0;
	}
	}
	return -EINVAL;
}

static int parse_line(struct step *st, char *line, const struct ctx *c)
{
	char *tok[MAX_TOKENS], *vtok[MAX_TOKENS];
	int ntok, nv = 0, i = 1, k, ret;

	ret = tokenize(line, tok, &ntok);
	if (ret)
		return fail(c, "%s", ret == -E2BIG ? "too many words" : "unterminated quote");
	if (!ntok)
		return -ENOENT;		/* blank or comment */
	for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++)
		if (!strcmp(tok[0], kinds[k].name))
			break;
	if (k == (int)(sizeof(kinds) / sizeof(kinds[0])))
		return fail(c, "unknown step '%s'", tok[0]);
	st->kind = (enum step_kind)k;
	st->expect = kinds[k].def_expect;
	ret = positional(st, kinds[k].pos, tok, ntok, &i, c);
	while (!ret && i < ntok)
		ret = option(st, tok, ntok, &i, vtok, &nv, c);
	if (!ret && (kinds[k].opts & O_VALUES))
		ret = parse_values(st, vtok, nv, c);
	if (!ret && st->kind == ST_EXECUTE && st->path.depth != 3)
		ret = fail(c, "%s", "execute: the target is a resource, /OBJ/INST/RES");
	return ret;
}

static void step_init(struct step *st, int line)
{
	memset(st, 0, sizeof(*st));
	st->line = line;
	st->accept = st->content = CF_NONE;
	st->format = CF_TLV;
	st->count = -1;
	st->within = st->min_gap = st->max_gap = -1;
	st->instance = PV_NO_ID;
}

static void step_free(struct step *st)
{
	free(st->text);
	free(st->query);
	for (size_t i = 0; i < st->nconds; i++)
		pv_value_free(&st->conds[i].v);
	free(st->conds);
	link_list_free(&st->contains);
	pv_list_free(&st->values);
	free(st->args);
	free(st->location);
	free(st->raw);
	free(st->cmd);
}

void scenario_free(struct scenario *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		step_free(&sc->steps[i]);
	free(sc->steps);
	sc->steps = NULL;
	sc->n = 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	return s;
}

int scenario_load(const char *file, struct scenario *sc)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	struct ctx c = { .file = file };
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	memset(sc, 0, sizeof(*sc));
	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) >= 0) {
		struct step st, *n;
		char *t = trim(line), *text;

		c.line++;
		text = strdup(t);
		if (!text) {
			ret = -ENOMEM;
			break;
		}
		step_init(&st, c.line);
		st.text = text;
		for (char *h = text; (h = strchr(h, '#'));)	/* TAP directives */
			*h = '_';
		ret = parse_line(&st, t, &c);
		if (ret == -ENOENT) {
			step_free(&st);
			ret = 0;
			continue;
		}
		n = ret ? NULL : realloc(sc->steps, (sc->n + 1) * sizeof(*n));
		if (!n) {
			step_free(&st);
			ret = ret ? ret : -ENOMEM;
			break;
		}
		sc->steps = n;
		sc->steps[sc->n++] = st;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (!ret && !sc->n) {
		fprintf(stderr, "%s: no steps\n", file);
		ret = -EINVAL;
	}
	if (ret)
		scenario_free(sc);
	return ret;
}
