// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * application/octet-stream (42; LwM2M TS 1.1 7.4.2): the bytes of one opaque
 * resource or resource instance, as they are. The firmware image (/5/0/0)
 * arrives this way, block-wise.
 */
#include <errno.h>

#include "internal.h"

int fmt_opaque_encode(const struct klwm2m_path *base, const struct klwm2m_record *recs, size_t n,
		      struct fmt_buf *out, struct fmt_diag *diag)
{
	const struct klwm2m_value *v;
	int err = fmt_single_value(base, recs, n, "octet-stream", &v, diag);

	if (err)
		return err;
	if (v->type != KLWM2M_TYPE_OPAQUE)
		return fmt_fail(diag, -EOPNOTSUPP, "octet-stream carries opaque values, not %s",
				klwm2m_type_name(v->type));
	err = fmt_buf_put(out, v->bytes.ptr, v->bytes.len);
	return err ? fmt_fail(diag, err, "octet-stream: %zu bytes do not fit", v->bytes.len) : 0;
}

int fmt_opaque_decode(struct fmt_set *s, const unsigned char *p, size_t len)
{
	struct klwm2m_value v = { 0 };
	int err = fmt_single_target(s, "octet-stream", &v.type);

	if (err)
		return err;
	if (v.type != KLWM2M_TYPE_OPAQUE)
		return fmt_fail(s->diag, -EOPNOTSUPP, "octet-stream writes opaque resources, not %s",
				klwm2m_type_name(v.type));
	v.bytes.ptr = p;
	v.bytes.len = len;
	return fmt_set_add(s, KLWM2M_RECORD_VALUE, s->base, &v);
}
