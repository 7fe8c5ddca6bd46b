// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoRE link-format parser and matcher (see linkfmt.h). Input is hostile:
 * every byte is checked, every failure names itself, nothing is half-kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linkfmt.h"

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static void link_free(struct link *l)
{
	free(l->uri);
	for (size_t i = 0; i < l->nattr; i++) {
		free(l->attr[i].name);
		free(l->attr[i].value);
	}
	free(l->attr);
}

void link_list_free(struct link_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		link_free(&l->l[i]);
	free(l->l);
	l->l = NULL;
	l->n = 0;
}

static int add_attr(struct link *l, const char *name, size_t nlen, const char *val, size_t vlen,
		    int has_val)
{
	struct link_attr *a = realloc(l->attr, (l->nattr + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	l->attr = a;
	a = &l->attr[l->nattr];
	a->name = dup_range(name, nlen);
	a->value = has_val ? dup_range(val, vlen) : NULL;
	if (!a->name || (has_val && !a->value)) {
		free(a->name);
		free(a->value);
		return -ENOMEM;
	}
	l->nattr++;
	return 0;
}

/* One entry from *pos; leaves *pos after it (at ',' or the end). */
static int parse_entry(const char *s, size_t len, size_t *pos, struct link *l, const char **err)
{
	size_t p = *pos, start;
	int ret;

	if (p >= len || s[p] != '<') {
		*err = "link does not start with '<'";
		return -EINVAL;
	}
	start = ++p;
	while (p < len && s[p] != '>' && s[p] != '<' && s[p] != ',')
		p++;
	if (p >= len || s[p] != '>') {
		*err = "link URI without '>'";
		return -EINVAL;
	}
	l->uri = dup_range(s + start, p - start);
	if (!l->uri)
		return -ENOMEM;
	p++;
	while (p < len && s[p] == ';') {
		size_t name = ++p, nlen, val = 0, vlen = 0;
		int has_val = 0;

		while (p < len && (s[p] == '-' || s[p] == '_' || s[p] == '.' ||
				   (s[p] >= 'a' && s[p] <= 'z') || (s[p] >= 'A' && s[p] <= 'Z') ||
				   (s[p] >= '0' && s[p] <= '9')))
			p++;
		nlen = p - name;
		if (!nlen) {
			*err = "empty link attribute name";
			return -EINVAL;
		}
		if (p < len && s[p] == '=') {
			has_val = 1;
			p++;
			if (p < len && s[p] == '"') {
				val = ++p;
				while (p < len && s[p] != '"')
					p++;
				if (p >= len) {
					*err = "unterminated quoted link attribute";
					return -EINVAL;
				}
				vlen = p++ - val;
			} else {
				val = p;
				while (p < len && s[p] != ';' && s[p] != ',' && s[p] != '"' &&
				       s[p] != '<' && s[p] != '>' && (unsigned char)s[p] > ' ')
					p++;
				vlen = p - val;
			}
		}
		ret = add_attr(l, s + name, nlen, s + val, vlen, has_val);
		if (ret)
			return ret;
	}
	if (p < len && s[p] != ',') {
		*err = "junk after a link";
		return -EINVAL;
	}
	*pos = p;
	return 0;
}

int link_parse(const char *s, size_t len, struct link_list *out, const char **err)
{
	size_t pos = 0;

	out->l = NULL;
	out->n = 0;
	if (memchr(s, 0, len)) {
		*err = "NUL byte in link format";
		return -EINVAL;
	}
	while (len && pos < len) {
		struct link *l = realloc(out->l, (out->n + 1) * sizeof(*l));
		int ret;

		if (!l) {
			link_list_free(out);
			return -ENOMEM;
		}
		out->l = l;
		l = &out->l[out->n++];
		memset(l, 0, sizeof(*l));
		ret = parse_entry(s, len, &pos, l, err);
		if (ret) {
			link_list_free(out);
			return ret;
		}
		if (pos < len && ++pos == len) {
			link_list_free(out);
			*err = "trailing ',' in link format";
			return -EINVAL;
		}
	}
	return 0;
}

static const struct link_attr *find_attr(const struct link *l, const char *name)
{
	for (size_t i = 0; i < l->nattr; i++)
		if (!strcmp(l->attr[i].name, name))
			return &l->attr[i];
	return NULL;
}

int link_list_contains(const struct link_list *got, const struct link *want)
{
	for (size_t i = 0; i < got->n; i++) {
		const struct link *g = &got->l[i];
		size_t k;

		if (strcmp(g->uri, want->uri))
			continue;
		for (k = 0; k < want->nattr; k++) {
			const struct link_attr *a = find_attr(g, want->attr[k].name);

			if (!a || (want->attr[k].value &&
				   (!a->value || strcmp(a->value, want->attr[k].value))))
				break;
		}
		if (k == want->nattr)
			return 1;
	}
	return 0;
}

void link_print(FILE *f, const struct link *l)
{
	fprintf(f, "<%s>", l->uri);
	for (size_t i = 0; i < l->nattr; i++) {
		fprintf(f, ";%s", l->attr[i].name);
		if (l->attr[i].value)
			fprintf(f, "=%s", l->attr[i].value);
	}
}
