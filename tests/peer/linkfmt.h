/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CoRE link format (RFC 6690; content format 40) as LwM2M uses it: the
 * registration's object list and Discover's answers, e.g.
 *   </>;rt="oma.lwm2m",</1/0>,</3/0>;ver=1.1,</3303/0/5700>;pmin=2
 * Parsed strictly: entries '<' URI '>' then ";name" or ";name=value"
 * (value a token or a "quoted string"), separated by ','.
 */
#ifndef KLWM2M_PEER_LINKFMT_H
#define KLWM2M_PEER_LINKFMT_H

#include <stddef.h>
#include <stdio.h>

struct link_attr {
	char *name, *value;	/* value NULL when absent; quotes removed */
};

struct link {
	char *uri;
	struct link_attr *attr;
	size_t nattr;
};

struct link_list {
	struct link *l;
	size_t n;
};

int link_parse(const char *buf, size_t len, struct link_list *out, const char **err);
void link_list_free(struct link_list *l);
/* Whether got has want's URI and each of want's attributes (same value). */
int link_list_contains(const struct link_list *got, const struct link *want);
void link_print(FILE *f, const struct link *l);

#endif
