// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Uri-Path segments -> struct klwm2m_path, one segment at a time, strictly:
 * an ID is decimal without sign or leading zero, 0..65534 (65535 is
 * LwM2M's "none"). What is not a number is not ours (4.04); a number that
 * is not an ID is a bad request (4.00).
 */
#include <errno.h>

#include "formats/internal.h"
#include "lwm2m/errors.h"
#include "lwm2m/path.h"

int lwm2m_path_push(struct klwm2m_path *p, const uint8_t *seg, size_t len, struct fmt_diag *diag)
{
	uint32_t id = 0;
	size_t i;

	if (p->depth >= 4)
		return fmt_fail(diag, -ENOENT, "a path has at most four IDs");
	if (!len)
		return fmt_fail(diag, -ENOENT, "an empty path segment");
	for (i = 0; i < len; i++)
		if (seg[i] < '0' || seg[i] > '9')
			return fmt_fail(diag, -ENOENT, "path segment %u is not an ID",
					  p->depth + 1);
	if (len > 1 && seg[0] == '0')
		return fmt_fail(diag, -EBADMSG, "path segment %u has a leading zero",
				  p->depth + 1);
	for (i = 0; i < len; i++) {
		id = id * 10 + (uint32_t)(seg[i] - '0');
		if (id > KLWM2M_ID_MAX)
			return fmt_fail(diag, -EBADMSG, "path segment %u is above %u",
					  p->depth + 1, KLWM2M_ID_MAX);
	}
	switch (p->depth++) {
	case 0:
		p->oid = (uint16_t)id;
		break;
	case 1:
		p->iid = (uint16_t)id;
		break;
	case 2:
		p->rid = (uint16_t)id;
		break;
	default:
		p->riid = (uint16_t)id;
	}
	return 0;
}
