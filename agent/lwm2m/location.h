/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a server put a registration: the Location-Path of its answer to
 * Register, which Update and Deregister address. Kept as the raw segments,
 * so that the bytes the server chose go back unchanged (kcoap_msg_path()'s
 * text escapes some of them: it is for logs only).
 */
#ifndef KLWM2MD_LWM2M_LOCATION_H
#define KLWM2MD_LWM2M_LOCATION_H

#include <stdint.h>

#include "coap/msg.h"

/* The registration's location, kept as the raw Location-Path segments. */
#define LWM2M_LOC_SEGS 8
struct lwm2m_location {
	char text[KCOAP_PATH_STRLEN];	/* "/rd/1", escaped (kcoap_msg_path()), for logs */
	uint8_t raw[KCOAP_PATH_STRLEN];	/* the segments' bytes, one after the other */
	uint16_t off[LWM2M_LOC_SEGS], len[LWM2M_LOC_SEGS];
	unsigned int nsegs;
};

/**
 * lwm2m_location_set() - keep the Location-Path of @resp
 * Return: 0; -EPROTO (none, more than LWM2M_LOC_SEGS segments, or too long).
 */
int lwm2m_location_set(struct lwm2m_location *loc, const struct kcoap_msg *resp);

/** lwm2m_location_add() - add the location as Uri-Path options to @m. 0 or -E2BIG. */
int lwm2m_location_add(const struct lwm2m_location *loc, struct kcoap_msg *m);

#endif /* KLWM2MD_LWM2M_LOCATION_H */
