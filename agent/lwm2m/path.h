/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An LwM2M path from a request's Uri-Path options (LwM2M TS 1.1 Transport
 * 6.4, Core 7.1): no segment is the root, then up to four decimal IDs,
 * object, instance, resource, resource instance. Pure: no I/O, no state.
 */
#ifndef KLWM2MD_LWM2M_PATH_H
#define KLWM2MD_LWM2M_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "libklwm2m.h"

struct fmt_diag;

/**
 * lwm2m_path_push() - add one Uri-Path segment to @p (start at depth 0)
 * @p: the path so far
 * @seg: the segment's bytes (not NUL-terminated, any bytes)
 * @len: its length
 * @diag: the reason on failure; may be NULL
 *
 * Return: 0; -ENOENT (a fifth segment, an empty one, or one that is not a
 * number at all: no such resource here, 4.04); -EBADMSG (digits that are
 * no ID: a leading zero, more than 65534; 4.00).
 */
int lwm2m_path_push(struct klwm2m_path *p, const uint8_t *seg, size_t len, struct fmt_diag *diag);

#endif /* KLWM2MD_LWM2M_PATH_H */
