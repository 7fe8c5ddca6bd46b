// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DM half's cache of object definitions. Every operation needs the
 * definition of its object (to keep secrets and unreadable resources out, to
 * type what a server writes); asking the kernel each time cost a netlink
 * round trip per request, as much as the operation itself. A definition is
 * not a value: it changes only when an object is defined or undefined, and
 * the kernel announces both on its events group (OBJ_DEFINED,
 * OBJ_UNDEFINED), which the session half listens to and passes on through
 * lwm2m_dm_objects_changed(). Values are never cached: the agent keeps no
 * copy of them.
 *
 * Entries are reference counted: an observation keeps the definition its
 * Observe found even after the cache dropped it (the kernel then ends the
 * observation with GONE if the object went away). Only definitions the
 * kernel gave are cached, never "no such object". A short list, most
 * recently used first, bounded by DM_DEFS_MAX: a device has few objects.
 */
#include <errno.h>
#include <stdlib.h>

#include "lwm2m/dm_internal.h"

#define DM_DEFS_MAX 64

struct dm_def {
	struct dm_def *next;
	struct klwm2m_objdef *def;
	unsigned int refs;		/* the cache's (while listed) and each holder's */
};

const struct klwm2m_objdef *dm_def_of(const struct dm_def *d)
{
	return d->def;
}

void dm_def_put(struct dm_def *d)
{
	if (!d || --d->refs)
		return;
	klwm2m_objdef_free(d->def);
	free(d);
}

/* Unlinks *@pp's entry and drops the cache's reference. */
static void defs_drop(struct lwm2m_dm *dm, struct dm_def **pp)
{
	struct dm_def *d = *pp;

	*pp = d->next;
	d->next = NULL;
	dm->ndefs--;
	dm_def_put(d);
}

int dm_def_get(struct lwm2m_dm *dm, uint16_t oid, struct dm_def **out)
{
	struct dm_def **pp, *d;
	int err;

	*out = NULL;
	for (pp = &dm->defs; (d = *pp); pp = &d->next) {
		if (d->def->id != oid)
			continue;
		*pp = d->next;		/* to the front */
		d->next = dm->defs;
		dm->defs = d;
		d->refs++;
		*out = d;
		return 0;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	err = klwm2m_object_get(dm->k, oid, &d->def, NULL, NULL);
	if (err || !d->def || d->def->id != oid) {
		klwm2m_objdef_free(d->def);
		free(d);
		return err ? err : -EPROTO;
	}
	if (dm->ndefs >= DM_DEFS_MAX) {
		for (pp = &dm->defs; (*pp)->next; pp = &(*pp)->next)
			;
		defs_drop(dm, pp);	/* the least recently used */
	}
	d->refs = 2;
	d->next = dm->defs;
	dm->defs = d;
	dm->ndefs++;
	*out = d;
	return 0;
}

void lwm2m_dm_objects_changed(struct lwm2m_dm *dm, int oid)
{
	struct dm_def **pp = &dm->defs;

	while (*pp) {
		if (oid < 0 || (*pp)->def->id == oid)
			defs_drop(dm, pp);
		else
			pp = &(*pp)->next;
	}
}
