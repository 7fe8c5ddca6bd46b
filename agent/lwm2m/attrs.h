/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-Attributes (LwM2M TS 1.1 Core 5.1.2, 6.3.4; Transport 6.4.4): a PUT
 * without payload whose Uri-Query options are the notification attributes
 * to set ("pmin=10", "gt=20.5") or to remove (the name alone: "pmin"),
 * turned into what klwm2m_attr_set() takes. Pure: no I/O, no state.
 *
 * Accepted: pmin, pmax, epmin, epmax, hqmax (unsigned decimal, 32 bits);
 * gt, lt, st (a decimal number, optionally with a fraction and an
 * exponent, finite); edge, con (0 or 1). Each at most once per request.
 * Refused (-EBADMSG, 4.00): anything else, the read-only link attributes
 * (dim, ver, ssid, uri) included, a value that is not of that form, a
 * second occurrence. Rules that need the resource (gt only on numbers, lt <
 * gt) are the kernel's, which says which one failed.
 */
#ifndef KLWM2MD_LWM2M_ATTRS_H
#define KLWM2MD_LWM2M_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include "libklwm2m.h"

struct fmt_diag;

/**
 * lwm2m_attrs_query() - add one Uri-Query option to a Write-Attributes
 * @set: the attributes to set so far (start zeroed)
 * @clear: KLWM2M_ATTR_F_* to remove so far (start at 0)
 * @q: the option's bytes, "name=value" or "name"
 * @len: their length
 * @diag: the reason on failure; may be NULL
 *
 * Return: 0 or -EBADMSG.
 */
int lwm2m_attrs_query(struct klwm2m_attrs *set, uint32_t *clear, const uint8_t *q, size_t len,
		      struct fmt_diag *diag);

#endif /* KLWM2MD_LWM2M_ATTRS_H */
