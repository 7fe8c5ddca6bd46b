// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The formats' front door: fmt_encode() and fmt_decode() check what they are
 * given and hand it to the format's file; fmt_choose() and fmt_can_write()
 * decide which format a request gets or may use (LwM2M TS 1.1 7.4 and the
 * CoAP Accept / Content-Format rules: 4.06 Not Acceptable for a read, 4.15
 * Unsupported Content-Format for a write).
 */
#include <errno.h>
#include <math.h>

#include "internal.h"

const char *fmt_name(int format)
{
	switch (format) {
	case FMT_TEXT: return "text/plain";
	case FMT_LINK: return "link-format";
	case FMT_OPAQUE: return "octet-stream";
	case FMT_SENML_JSON: return "senml+json";
	case FMT_SENML_CBOR: return "senml+cbor";
	case FMT_TLV: return "lwm2m+tlv";
	default: return "?";
	}
}

int fmt_encode(int format, const struct klwm2m_path *base, const struct klwm2m_record *recs,
	       size_t n, struct fmt_buf *out, struct fmt_diag *diag)
{
	int err;

	if (diag)
		diag->msg[0] = '\0';
	err = fmt_check_records(base, recs, n, diag);
	if (err)
		return err;
	switch (format) {
	case FMT_TEXT:
		return fmt_text_encode(base, recs, n, out, diag);
	case FMT_OPAQUE:
		return fmt_opaque_encode(base, recs, n, out, diag);
	case FMT_TLV:
		return fmt_tlv_encode(base, recs, n, out, diag);
	case FMT_SENML_JSON:
		return fmt_senml_json_encode(base, recs, n, out, diag);
	case FMT_SENML_CBOR:
		return fmt_senml_cbor_encode(base, recs, n, out, diag);
	default:
		return fmt_fail(diag, -EOPNOTSUPP, "content format %d is not one values are read in",
				format);
	}
}

int fmt_decode(int format, const struct klwm2m_path *base, const void *data, size_t len,
	       const struct fmt_decoder *dec, struct fmt_diag *diag)
{
	struct fmt_set s;
	int err;

	if (diag)
		diag->msg[0] = '\0';
	if (base->depth > KLWM2M_PATH_DEPTH_MAX)
		return fmt_fail(diag, -EINVAL, "base path of depth %u", base->depth);
	if (len && !data)
		return fmt_fail(diag, -EINVAL, "no payload bytes");
	fmt_set_init(&s, base, dec, diag);
	switch (format) {
	case FMT_TEXT:
		err = fmt_text_decode(&s, data, len);
		break;
	case FMT_OPAQUE:
		err = fmt_opaque_decode(&s, data, len);
		break;
	case FMT_TLV:
		err = fmt_tlv_decode(&s, data, len);
		break;
	case FMT_SENML_JSON:
		err = fmt_senml_json_decode(&s, data, len);
		break;
	case FMT_SENML_CBOR:
		err = fmt_senml_cbor_decode(&s, data, len);
		break;
	default:
		err = fmt_fail(diag, -EOPNOTSUPP, "content format %d is not one values are written in",
			       format);
	}
	if (!err)
		err = fmt_set_deliver(&s);
	if (err == -ENOMEM && diag && !diag->msg[0])
		fmt_fail(diag, err, "out of memory");
	fmt_set_free(&s);
	return err;
}

/* Whether @format can carry @recs read at @base. */
static bool can_carry(int format, const struct klwm2m_path *base, const struct klwm2m_record *recs,
		      size_t n)
{
	const struct klwm2m_value *v;

	switch (format) {
	case FMT_TEXT:
		return !fmt_single_value(base, recs, n, "", &v, NULL) &&
		       v->type != KLWM2M_TYPE_OPAQUE &&
		       (v->type != KLWM2M_TYPE_FLOAT || isfinite(v->f));
	case FMT_OPAQUE:
		return !fmt_single_value(base, recs, n, "", &v, NULL) &&
		       v->type == KLWM2M_TYPE_OPAQUE;
	case FMT_TLV:
		return base->depth > 0;
	case FMT_SENML_JSON:
		for (size_t i = 0; i < n; i++) {
			if (recs[i].kind == KLWM2M_RECORD_VALUE &&
			    recs[i].value.type == KLWM2M_TYPE_FLOAT && !isfinite(recs[i].value.f))
				return false;
		}
		return true;
	case FMT_SENML_CBOR:
		return true;
	default:
		return false;
	}
}

int fmt_choose(int accept, const struct klwm2m_path *base, const struct klwm2m_record *recs,
	       size_t n, int preferred)
{
	if (accept >= 0)
		return can_carry(accept, base, recs, n) ? accept : -EOPNOTSUPP;
	if (preferred >= 0 && can_carry(preferred, base, recs, n))
		return preferred;
	if (can_carry(FMT_TEXT, base, recs, n))
		return FMT_TEXT;
	if (can_carry(FMT_OPAQUE, base, recs, n))
		return FMT_OPAQUE;
	return FMT_SENML_CBOR;
}

int fmt_can_write(int format, const struct klwm2m_path *base, uint8_t type, int multiple)
{
	bool one = base->depth == 4 || (base->depth == 3 && !multiple);

	switch (format) {
	case FMT_TEXT:
		return one && type != KLWM2M_TYPE_OPAQUE ? 0 : -EOPNOTSUPP;
	case FMT_OPAQUE:
		return one && type == KLWM2M_TYPE_OPAQUE ? 0 : -EOPNOTSUPP;
	case FMT_TLV:
		return base->depth > 0 ? 0 : -EOPNOTSUPP;
	case FMT_SENML_JSON:
	case FMT_SENML_CBOR:
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}
