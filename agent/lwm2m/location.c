// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A registration's location (location.h): the Location-Path segments of the
 * server's 2.01 kept as raw bytes, sent back as Uri-Path exactly, and an
 * escaped text form for the logs. Outside bytes: bounded, refused whole.
 */
#include <errno.h>
#include <string.h>

#include "lwm2m/location.h"

int lwm2m_location_set(struct lwm2m_location *loc, const struct kcoap_msg *resp)
{
	const struct kcoap_opt *o;
	size_t used = 0;

	loc->nsegs = 0;
	for (o = kcoap_opt_first(resp, KCOAP_OPT_LOCATION_PATH); o; o = kcoap_opt_next(resp, o)) {
		if (loc->nsegs == LWM2M_LOC_SEGS || o->len > sizeof(loc->raw) - used) {
			loc->nsegs = 0;
			return -EPROTO;
		}
		memcpy(loc->raw + used, kcoap_opt_val(o), o->len);
		loc->off[loc->nsegs] = (uint16_t)used;
		loc->len[loc->nsegs] = (uint16_t)o->len;
		loc->nsegs++;
		used += o->len;
	}
	if (!loc->nsegs || kcoap_msg_path(resp, KCOAP_OPT_LOCATION_PATH, loc->text,
					  sizeof(loc->text)) < 0) {
		loc->nsegs = 0;
		return -EPROTO;
	}
	return 0;
}

int lwm2m_location_add(const struct lwm2m_location *loc, struct kcoap_msg *m)
{
	for (unsigned int i = 0; i < loc->nsegs; i++) {
		int rc = kcoap_msg_add_opt(m, KCOAP_OPT_URI_PATH, loc->raw + loc->off[i], loc->len[i]);

		if (rc)
			return rc;
	}
	return 0;
}
