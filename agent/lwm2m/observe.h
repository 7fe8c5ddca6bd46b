/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bookkeeping of observations: each ties a CoAP observer (the
 * endpoint's struct kcoap_obs) to the kernel observation that drives it
 * (its ID from klwm2m_observe()), with what a notification needs: the
 * server, the path, the object's definition (to keep secrets out) and the
 * content format the first response used. A singly linked list: a device
 * has few observers, and every lookup is by one of the two IDs. No I/O
 * here, so the host tests drive it alone.
 */
#ifndef KLWM2MD_LWM2M_OBSERVE_H
#define KLWM2MD_LWM2M_OBSERVE_H

#include <stdint.h>

#include "libklwm2m.h"

struct kcoap_obs;
struct dm_def;

struct dm_obs {
	struct dm_obs *next;
	uint32_t kid;			/* the kernel's observation ID */
	struct kcoap_obs *cobs;		/* the endpoint's observer; NULL while starting */
	uint16_t ssid;
	struct klwm2m_path path;
	int cf;				/* the content format of every notification */
	struct dm_def *def;		/* a reference (dm_def_get()) */
};

/* dm_obs_new() - a zeroed entry, pushed at the head of *@head; NULL: -ENOMEM */
struct dm_obs *dm_obs_new(struct dm_obs **head);
/* dm_obs_by_kid() - the entry with kernel ID @kid, or NULL */
struct dm_obs *dm_obs_by_kid(struct dm_obs *head, uint32_t kid);
/* dm_obs_unlink() - take @o out of the list and free it (not its def: the caller's) */
void dm_obs_unlink(struct dm_obs **head, struct dm_obs *o);
/* dm_obs_count() - how many entries */
unsigned int dm_obs_count(const struct dm_obs *head);

#endif /* KLWM2MD_LWM2M_OBSERVE_H */
