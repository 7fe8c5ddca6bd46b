// SPDX-License-Identifier: GPL-2.0-or-later
/* The observation list of observe.h: new, find, unlink. */
#include <stdlib.h>

#include "lwm2m/observe.h"

struct dm_obs *dm_obs_new(struct dm_obs **head)
{
	struct dm_obs *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->cf = -1;
	o->next = *head;
	*head = o;
	return o;
}

struct dm_obs *dm_obs_by_kid(struct dm_obs *head, uint32_t kid)
{
	for (; head; head = head->next)
		if (head->kid == kid)
			return head;
	return NULL;
}

void dm_obs_unlink(struct dm_obs **head, struct dm_obs *o)
{
	struct dm_obs **pp;

	for (pp = head; *pp; pp = &(*pp)->next) {
		if (*pp == o) {
			*pp = o->next;
			free(o);
			return;
		}
	}
}

unsigned int dm_obs_count(const struct dm_obs *head)
{
	unsigned int n = 0;

	for (; head; head = head->next)
		n++;
	return n;
}
