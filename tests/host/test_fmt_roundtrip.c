// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * encode -> decode -> equal, for every format and every level (object,
 * instance, resource, multiple resource, resource instance) and every type at
 * its boundaries: the records the kernel gives are what a server's write of
 * the same payload gives back.
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "fmt_fixture.h"
#include "internal.h"	/* fmt_path_under() */

#define VARIANTS 6

/* Variant @k of a value of fx_types[@t]; @finite: no NaN or infinity. */
static struct klwm2m_value boundary(int t, int k, bool finite)
{
	static const int64_t ints[] = { INT64_MIN, -1, 0, INT64_MAX, -129, 32768 };
	static const uint64_t uints[] = { 0, UINT64_MAX, 255, 256, (uint64_t)INT64_MAX + 1, 1 };
	static const double floats[] = { -0.0, DBL_TRUE_MIN, DBL_MAX, 1.5, INFINITY, NAN };
	static const char *const strs[] = { "", "\xc3\xa9\"\\\n\t\x7f", "x", "\xf4\x8f\xbf\xbf", "0", "a b" };
	static const char *const links[] = { "", "</3/0>;ct=0", "<>", "</1/0>,</3>;ver=1.1",
					     "<coap://h/x>;a=\"q\\\"\"", "<a>;b" };
	static const char *const bins[] = { "", "\x00", "\xff\x00\xfe", "ab", "\x00\x00", "z" };
	static const size_t binlen[] = { 0, 1, 3, 2, 2, 1 };
	struct klwm2m_value v = { .type = fx_types[t] };

	switch (v.type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		v.i = ints[k];
		break;
	case KLWM2M_TYPE_UNSIGNED:
		v.u = uints[k];
		break;
	case KLWM2M_TYPE_FLOAT:
		v.f = finite && !isfinite(floats[k]) ? -DBL_MAX : floats[k];
		break;
	case KLWM2M_TYPE_BOOLEAN:
		v.b = k & 1;
		break;
	case KLWM2M_TYPE_OBJLNK:
		v.objlnk.oid = k & 1 ? 65535 : (uint16_t)k;
		v.objlnk.iid = k & 1 ? 65535 : 0;
		break;
	case KLWM2M_TYPE_STRING:
		v.bytes.ptr = strs[k];
		v.bytes.len = strlen(strs[k]);
		break;
	case KLWM2M_TYPE_CORELNK:
		v.bytes.ptr = links[k];
		v.bytes.len = strlen(links[k]);
		break;
	default:
		v.bytes.ptr = bins[k];
		v.bytes.len = binlen[k];
	}
	return v;
}

/* Object 9999: instance 0 with one single resource of each type, instance
 * 65534 with each multiple resource holding instances 0 and 65534. */
static size_t object(struct klwm2m_record *r, int k, bool finite)
{
	size_t n = 0;

	r[n++] = (struct klwm2m_record){ .kind = KLWM2M_RECORD_INSTANCE,
					 .path = { .oid = FX_OBJ, .iid = 0, .depth = 2 } };
	for (int t = 0; t < 9; t++)
		r[n++] = (struct klwm2m_record){ .kind = KLWM2M_RECORD_VALUE,
			.path = { .oid = FX_OBJ, .iid = 0, .rid = (uint16_t)t, .depth = 3 },
			.value = boundary(t, k, finite) };
	r[n++] = (struct klwm2m_record){ .kind = KLWM2M_RECORD_INSTANCE,
					 .path = { .oid = FX_OBJ, .iid = 65534, .depth = 2 } };
	for (int t = 0; t < 9; t++) {
		struct klwm2m_path p = { .oid = FX_OBJ, .iid = 65534, .rid = (uint16_t)(10 + t),
					 .depth = 4 };

		p.riid = 0;
		r[n++] = (struct klwm2m_record){ .kind = KLWM2M_RECORD_VALUE, .path = p,
						 .value = boundary(t, k, finite) };
		p.riid = 65534;
		r[n++] = (struct klwm2m_record){ .kind = KLWM2M_RECORD_VALUE, .path = p,
						 .value = boundary(t, (k + 1) % VARIANTS, finite) };
	}
	return n;
}

static void round_trip(int format, const struct klwm2m_path *base, const struct klwm2m_record *all,
		       size_t nall)
{
	struct klwm2m_record sub[64];
	size_t n = 0;
	struct fx_recs got = { 0 };
	struct fmt_buf out;
	struct fmt_diag d;
	char b[KLWM2M_PATH_STRLEN];
	int err;

	for (size_t i = 0; i < nall; i++) {
		if (fmt_path_under(base, &all[i].path))
			sub[n++] = all[i];
	}
	fmt_buf_init(&out, 0);
	err = fmt_encode(format, base, sub, n, &out, &d);
	if (err)
		fail_msg("encode %s at %s: %s", fmt_name(format), klwm2m_path_format(base, b, sizeof(b)) > 0 ? b : "?", d.msg);
	err = fx_decode(format, base, out.data, out.len, &got, &d);
	if (err)
		fail_msg("decode %s at %s: %s", fmt_name(format), klwm2m_path_format(base, b, sizeof(b)) > 0 ? b : "?", d.msg);
	if (!fx_values_eq(sub, n, got.r, got.n))
		fail_msg("%s at %s: values differ", fmt_name(format),
			 klwm2m_path_format(base, b, sizeof(b)) > 0 ? b : "?");
	fx_free(&got);
	fmt_buf_free(&out);
}

static void every_format_level_and_boundary_round_trips(void **state)
{
	static const int formats[] = { FMT_TLV, FMT_SENML_JSON, FMT_SENML_CBOR };
	struct klwm2m_record all[64];

	for (int k = 0; k < VARIANTS; k++) {
		for (size_t f = 0; f < FX_N(formats); f++) {
			size_t n = object(all, k, formats[f] == FMT_SENML_JSON);
			struct klwm2m_path base = { .oid = FX_OBJ, .depth = 1 };

			round_trip(formats[f], &base, all, n);
			if (formats[f] != FMT_TLV) {
				base.depth = 0;
				round_trip(formats[f], &base, all, n);
			}
			for (size_t i = 0; i < n; i++) {
				base = all[i].path;
				round_trip(formats[f], &base, all, n);
				if (base.depth == 4) {		/* the multiple resource */
					base.depth = 3;
					round_trip(formats[f], &base, all, n);
				}
			}
		}
	}
}

static void single_values_round_trip_in_text_and_octets(void **state)
{
	struct klwm2m_record all[64];

	for (int k = 0; k < VARIANTS; k++) {
		size_t n = object(all, k, true);

		for (size_t i = 0; i < n; i++) {
			if (all[i].kind != KLWM2M_RECORD_VALUE)
				continue;
			round_trip(all[i].value.type == KLWM2M_TYPE_OPAQUE ? FMT_OPAQUE : FMT_TEXT,
				   &all[i].path, all, n);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_format_level_and_boundary_round_trips),
		cmocka_unit_test(single_values_round_trip_in_text_and_octets),
	};

	return cmocka_run_group_tests_name("fmt_roundtrip", tests, NULL, NULL);
}
