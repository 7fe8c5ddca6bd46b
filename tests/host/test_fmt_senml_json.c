// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML JSON: the LwM2M TS's Device example, names relative to the base
 * name, exact numbers (an integer resource refuses 1.5, an unsigned one -1),
 * base64url data, escapes, and every malformed pack refused with nothing
 * delivered.
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "fmt_fixture.h"

/* LwM2M TS 1.1 7.4.4: Read /3/0 in SenML JSON (the TS prints it with spaces) */
static const char device_json[] =
	"[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},"
	"{\"n\":\"1\",\"vs\":\"Lightweight M2M Client\"},{\"n\":\"2\",\"vs\":\"345000123\"},"
	"{\"n\":\"3\",\"vs\":\"1.0\"},{\"n\":\"6/0\",\"v\":1},{\"n\":\"6/1\",\"v\":5},"
	"{\"n\":\"7/0\",\"v\":3800},{\"n\":\"7/1\",\"v\":5000},{\"n\":\"8/0\",\"v\":125},"
	"{\"n\":\"8/1\",\"v\":900},{\"n\":\"9\",\"v\":100},{\"n\":\"10\",\"v\":15},"
	"{\"n\":\"11/0\",\"v\":0},{\"n\":\"13\",\"v\":1367491215},{\"n\":\"14\",\"vs\":\"+02:00\"},"
	"{\"n\":\"16\",\"vs\":\"U\"}]";

static void encodes_to(const char *base, const struct klwm2m_record *r, size_t n, const char *want)
{
	struct klwm2m_path b = fx_p(base);
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(FMT_SENML_JSON, &b, r, n, &out, &d));
	assert_int_equal(strlen(want), out.len);
	assert_memory_equal(want, out.data, out.len);
	fmt_buf_free(&out);
}

static void device_read_is_the_ts_example(void **state)
{
	struct klwm2m_record r[32];
	size_t n = fx_device_records(r);
	struct klwm2m_path b = fx_p("/3/0");
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	encodes_to("/3/0", r, n, device_json);
	assert_int_equal(0, fx_decode(FMT_SENML_JSON, &b, device_json, strlen(device_json), &got, &d));
	assert_true(fx_values_eq(r, n, got.r, got.n));
	/* spaces and newlines between tokens are JSON's */
	assert_int_equal(0, fx_decode(FMT_SENML_JSON, &b, " [ {\"bn\" : \"/3/0/\" ,\n\"n\":\"9\",\t\"v\" : 100 } ]\r\n",
				      strlen(" [ {\"bn\" : \"/3/0/\" ,\n\"n\":\"9\",\t\"v\" : 100 } ]\r\n"), &got, &d));
	assert_int_equal(1, got.n);
	fx_free(&got);
}

static void names_are_relative_to_the_base_name(void **state)
{
	struct klwm2m_record one[] = { FX_STR("/3/0/0", "Open Mobile Alliance") };
	struct klwm2m_record multi[] = { FX_INT("/3/0/7/0", 3800), FX_INT("/3/0/7/1", 5000) };
	struct klwm2m_record root[] = { FX_INT("/3/0/9", 1), FX_OBJLNK("/9999/1/7", 3, 0) };

	encodes_to("/3/0/0", one, 1, "[{\"bn\":\"/3/0/0\",\"vs\":\"Open Mobile Alliance\"}]");
	encodes_to("/3/0/7", multi, 2, "[{\"bn\":\"/3/0/7/\",\"n\":\"0\",\"v\":3800},{\"n\":\"1\",\"v\":5000}]");
	encodes_to("/", root, 2, "[{\"bn\":\"/\",\"n\":\"3/0/9\",\"v\":1},{\"n\":\"9999/1/7\",\"vlo\":\"3:0\"}]");
	encodes_to("/3/0", NULL, 0, "[]");
}

static void values_of_every_type_are_written_as_senml_says(void **state)
{
	static const unsigned char bin[] = { 0xfb, 0xff, 0x00 };
	struct klwm2m_record r[] = {
		FX_INT("/9999/0/0", INT64_MIN), FX_UINT("/9999/0/1", UINT64_MAX),
		FX_FLOAT("/9999/0/2", -0.0), FX_BOOL("/9999/0/3", 1), FX_STR("/9999/0/4", "a\"\\\n\x01"),
		FX_OPAQUE("/9999/0/5", bin, 3), FX_TIME("/9999/0/6", 1700000000),
		FX_OBJLNK("/9999/0/7", 65535, 65535), FX_LINK("/9999/0/8", "</3/0>;ct=0"),
	};

	encodes_to("/9999/0", r, FX_N(r),
		   "[{\"bn\":\"/9999/0/\",\"n\":\"0\",\"v\":-9223372036854775808},"
		   "{\"n\":\"1\",\"v\":18446744073709551615},{\"n\":\"2\",\"v\":-0},"
		   "{\"n\":\"3\",\"vb\":true},{\"n\":\"4\",\"vs\":\"a\\\"\\\\\\u000a\\u0001\"},"
		   "{\"n\":\"5\",\"vd\":\"-_8A\"},{\"n\":\"6\",\"v\":1700000000},"
		   "{\"n\":\"7\",\"vlo\":\"65535:65535\"},{\"n\":\"8\",\"vs\":\"</3/0>;ct=0\"}]");
}

static void floats_are_written_in_their_shortest_round_trip_form(void **state)
{
	static const struct { double f; const char *text; } cases[] = {
		{ 21.5, "21.5" }, { 0.1, "0.1" }, { 1e300, "1e+300" }, { DBL_TRUE_MIN, "5e-324" },
		{ DBL_MAX, "1.7976931348623157e+308" }, { 5.0, "5" }, { 1.0 / 3, "0.3333333333333333" }, { -2.5e-8, "-2.5e-08" },
	};

	for (size_t i = 0; i < FX_N(cases); i++) {
		struct klwm2m_record r = FX_FLOAT("/9999/0/2", cases[i].f);
		struct klwm2m_path b = r.path;
		struct fx_recs got = { 0 };
		struct fmt_diag d;
		char want[96];

		snprintf(want, sizeof(want), "[{\"bn\":\"/9999/0/2\",\"v\":%s}]", cases[i].text);
		encodes_to("/9999/0/2", &r, 1, want);
		assert_int_equal(0, fx_decode(FMT_SENML_JSON, &b, want, strlen(want), &got, &d));
		assert_true(fx_value_eq(&r.value, &got.r[0].value));
		fx_free(&got);
	}
}

static void nan_and_infinity_have_no_json_form(void **state)
{
	struct klwm2m_record r[] = { FX_FLOAT("/9999/0/2", NAN), FX_FLOAT("/9999/0/12/0", -INFINITY) };
	struct klwm2m_path b = fx_p("/9999/0");
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(-EOPNOTSUPP, fmt_encode(FMT_SENML_JSON, &b, r, 1, &out, &d));
	assert_int_equal(-EOPNOTSUPP, fmt_encode(FMT_SENML_JSON, &b, r + 1, 1, &out, &d));
	fmt_buf_free(&out);
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_SENML_JSON, &b, r, 1, -1));
	assert_int_equal(FMT_SENML_CBOR, fmt_choose(-1, &b, r, 2, FMT_SENML_JSON));
}

/* @json decodes at @base to one value equal to @want. */
static void reads_as(const char *base, const char *json, struct klwm2m_value want)
{
	struct klwm2m_path b = fx_p(base);
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	assert_int_equal(0, fx_decode(FMT_SENML_JSON, &b, json, strlen(json), &got, &d));
	assert_int_equal(1, got.n);
	assert_true(fx_value_eq(&want, &got.r[0].value));
	fx_free(&got);
}

static void refused(const char *base, int err, const char *json)
{
	struct fmt_diag d;
	int delivered;

	assert_int_equal(err, fx_try(FMT_SENML_JSON, base, json, strlen(json), &delivered, &d));
	assert_int_equal(0, delivered);
	assert_true(d.msg[0] != '\0');
}

static void numbers_must_fit_their_resource_exactly(void **state)
{
	reads_as("/9999/0/0", "[{\"bn\":\"/9999/0/0\",\"v\":-9223372036854775808}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = INT64_MIN });
	reads_as("/9999/0/0", "[{\"n\":\"/9999/0/0\",\"v\":9223372036854775807}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = INT64_MAX });
	reads_as("/9999/0/1", "[{\"n\":\"/9999/0/1\",\"v\":18446744073709551615}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_UNSIGNED, .u = UINT64_MAX });
	reads_as("/9999/0/2", "[{\"n\":\"/9999/0/2\",\"v\":5}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = 5.0 });
	reads_as("/9999/0/2", "[{\"n\":\"/9999/0/2\",\"v\":-0}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = -0.0 });
	reads_as("/9999/0/2", "[{\"n\":\"/9999/0/2\",\"v\":1e-400}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = 0.0 });
	reads_as("/9999/0/6", "[{\"n\":\"/9999/0/6\",\"v\":-1}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_TIME, .i = -1 });
	refused("/9999/0/0", -EINVAL, "[{\"n\":\"/9999/0/0\",\"v\":1.5}]");
	refused("/9999/0/0", -EINVAL, "[{\"n\":\"/9999/0/0\",\"v\":1.0}]");
	refused("/9999/0/0", -EINVAL, "[{\"n\":\"/9999/0/0\",\"v\":1e3}]");
	refused("/9999/0/0", -EINVAL, "[{\"n\":\"/9999/0/0\",\"v\":9223372036854775808}]");
	refused("/9999/0/0", -EINVAL, "[{\"n\":\"/9999/0/0\",\"v\":-9223372036854775809}]");
	refused("/9999/0/1", -EINVAL, "[{\"n\":\"/9999/0/1\",\"v\":-1}]");
	refused("/9999/0/1", -EINVAL, "[{\"n\":\"/9999/0/1\",\"v\":18446744073709551616}]");
	refused("/9999/0/2", -EINVAL, "[{\"n\":\"/9999/0/2\",\"v\":1e400}]");
	refused("/9999/0/0", -EBADMSG, "[{\"n\":\"/9999/0/0\",\"v\":01}]");
	refused("/9999/0/0", -EBADMSG, "[{\"n\":\"/9999/0/0\",\"v\":+1}]");
	refused("/9999/0/0", -EBADMSG, "[{\"n\":\"/9999/0/0\",\"v\":.5}]");
	refused("/9999/0/2", -EBADMSG, "[{\"n\":\"/9999/0/2\",\"v\":NaN}]");
	refused("/9999/0/2", -EBADMSG, "[{\"n\":\"/9999/0/2\",\"v\":Infinity}]");
	refused("/9999/0/2", -EBADMSG, "[{\"n\":\"/9999/0/2\",\"v\":1.}]");
}

static void values_must_come_in_their_types_field(void **state)
{
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/0\",\"vs\":\"1\"}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/4\",\"v\":1}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/3\",\"v\":1}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/5\",\"vs\":\"AA\"}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/7\",\"vlo\":\"3\"}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/7\",\"vlo\":\"3:65536\"}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/8\",\"vs\":\"</3/0\"}]");
	refused("/9999/0", -EINVAL, "[{\"n\":\"/9999/0/4\",\"vs\":\"a\\u0000b\"}]");
	refused("/9999/0", -EBADMSG, "[{\"n\":\"/9999/0/3\",\"vb\":1}]");
	refused("/9999/0", -EBADMSG, "[{\"n\":\"/9999/0/0\",\"v\":\"1\"}]");
	reads_as("/9999/0", "[{\"n\":\"/9999/0/3\",\"vb\":false}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_BOOLEAN, .b = 0 });
	reads_as("/9999/0", "[{\"n\":\"/9999/0/7\",\"vlo\":\"65535:0\"}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_OBJLNK, .objlnk = { 65535, 0 } });
}

static void data_values_are_base64url(void **state)
{
	static const unsigned char fbff[] = { 0xfb, 0xff };

	reads_as("/9999/0/5", "[{\"n\":\"/9999/0/5\",\"vd\":\"-_8\"}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_OPAQUE, .bytes = { fbff, 2 } });
	reads_as("/9999/0/5", "[{\"n\":\"/9999/0/5\",\"vd\":\"-_8=\"}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_OPAQUE, .bytes = { fbff, 2 } });
	reads_as("/9999/0/5", "[{\"n\":\"/9999/0/5\",\"vd\":\"\"}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_OPAQUE, .bytes = { "", 0 } });
	refused("/9999/0/5", -EBADMSG, "[{\"n\":\"/9999/0/5\",\"vd\":\"+/8\"}]");	/* base64, not url */
	refused("/9999/0/5", -EBADMSG, "[{\"n\":\"/9999/0/5\",\"vd\":\"-_9\"}]");	/* stray bits */
	refused("/9999/0/5", -EBADMSG, "[{\"n\":\"/9999/0/5\",\"vd\":\"A\"}]");
	refused("/9999/0/5", -EBADMSG, "[{\"n\":\"/9999/0/5\",\"vd\":\"-_8==\"}]");
	refused("/9999/0/5", -EBADMSG, "[{\"n\":\"/9999/0/5\",\"vd\":\"-_=8\"}]");
	refused("/9999/0/5", -EBADMSG, "[{\"n\":\"/9999/0/5\",\"vd\":\"-_ 8\"}]");
}

static void strings_unescape_and_must_be_utf8(void **state)
{
	reads_as("/9999/0/4", "[{\"n\":\"/9999/0/4\",\"vs\":\"\\u00e9\\ud83d\\ude00\\\"\\/\\t\"}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_STRING,
					.bytes = { "\xc3\xa9\xf0\x9f\x98\x80\"/\t", 9 } });
	reads_as("/9999/0/4", "[{\"n\":\"/9999/0/4\",\"vs\":\"\"}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_STRING, .bytes = { "", 0 } });
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\xc3\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\xed\xa0\x80\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\xc0\xaf\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\\ud83d\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\\ude00\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\\x41\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"\\u12\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"a\nb\"}]");
	refused("/9999/0/4", -EBADMSG, "[{\"n\":\"/9999/0/4\",\"vs\":\"abc}]");
}

static void malformed_packs_are_refused_and_nothing_delivered(void **state)
{
	refused("/3/0", -EBADMSG, "");
	refused("/3/0", -EBADMSG, "{}");
	refused("/3/0", -EBADMSG, "[");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1},]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1}] x");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1}][]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1,\"vs\":\"1\"}]");	/* two values */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1,\"v\":2}]");	/* label twice */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1},{\"n\":\"/3/0/9\",\"v\":2}]");
	refused("/3/0", -EBADMSG, "[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":1},{\"n\":\"9\",\"v\":2}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/1/9\",\"v\":1}]");	/* outside the path */
	refused("/3/0/9", -EBADMSG, "[{\"n\":\"/3/0/10\",\"v\":1}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\"}]");		/* no value */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0\",\"v\":1}]");		/* above a resource */
	refused("/3/0", -EBADMSG, "[{\"n\":\"3/0/9\",\"v\":1}]");		/* not a path */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9/\",\"v\":1}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/65535\",\"v\":1}]");
	refused("/3/0", -EBADMSG, "[{\"v\":1}]");				/* no name at all */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"bv\":1,\"v\":1}]");	/* base value */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"s\":1}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1,\"foo_\":1}]");	/* must understand */
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":null}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":[1]}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\",\"v\":1,\"x\":{}}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/9\" \"v\":1}]");
	refused("/3/0", -EBADMSG, "[{\"n\":1,\"v\":1}]");
	refused("/3/0", -EBADMSG, "[{\"n\":\"/3/0/7\",\"v\":1}]");	/* a multiple resource as a whole */
	refused("/3/0", -ENOENT, "[{\"n\":\"/3/0/9/0\",\"v\":1}]");	/* instance of a single one */
	refused("/3/0", -ENOENT, "[{\"n\":\"/3/0/99\",\"v\":1}]");
	refused("/3/0", -EINVAL, "[{\"n\":\"/3/0/4\",\"v\":1}]");	/* executable */
	/* the good record first: still nothing delivered */
	refused("/3/0", -EINVAL, "[{\"n\":\"/3/0/9\",\"v\":1},{\"n\":\"/3/0/10\",\"v\":0.5}]");
}

/* Unknown labels are ignored (RFC 8428 4.4); their values must still be scalars. */
static void unknown_labels_times_and_units_are_ignored(void **state)
{
	reads_as("/3/0", "[{\"bver\":10,\"bt\":1.5,\"bu\":\"%\",\"n\":\"/3/0/9\",\"t\":0,\"u\":\"%\",\"ut\":5,\"foo\":\"x\",\"v\":7}]",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = 7 });
}

static void markers_tell_instances_and_multiple_resources(void **state)
{
	static const char json[] = "[{\"bn\":\"/3/\",\"n\":\"0/7/1\",\"v\":2},{\"n\":\"0/7/0\",\"v\":1},"
				   "{\"n\":\"1/9\",\"v\":3}]";
	struct klwm2m_path b = fx_p("/3");
	struct fx_recs got = { 0 };
	struct fmt_diag d;
	static const struct { int kind; const char *path; } want[] = {
		{ KLWM2M_RECORD_INSTANCE, "/3/0" }, { FMT_RECORD_MULTIPLE, "/3/0/7" },
		{ KLWM2M_RECORD_VALUE, "/3/0/7/0" }, { KLWM2M_RECORD_VALUE, "/3/0/7/1" },
		{ KLWM2M_RECORD_INSTANCE, "/3/1" }, { KLWM2M_RECORD_VALUE, "/3/1/9" },
	};

	assert_int_equal(0, fx_decode(FMT_SENML_JSON, &b, json, strlen(json), &got, &d));
	assert_int_equal(FX_N(want), got.n);
	for (size_t i = 0; i < FX_N(want); i++) {
		struct klwm2m_path p = fx_p(want[i].path);

		assert_int_equal(want[i].kind, got.r[i].kind);
		assert_true(fx_path_eq(&p, &got.r[i].path));
	}
	fx_free(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_read_is_the_ts_example),
		cmocka_unit_test(names_are_relative_to_the_base_name),
		cmocka_unit_test(values_of_every_type_are_written_as_senml_says),
		cmocka_unit_test(floats_are_written_in_their_shortest_round_trip_form),
		cmocka_unit_test(nan_and_infinity_have_no_json_form),
		cmocka_unit_test(numbers_must_fit_their_resource_exactly),
		cmocka_unit_test(values_must_come_in_their_types_field),
		cmocka_unit_test(data_values_are_base64url),
		cmocka_unit_test(strings_unescape_and_must_be_utf8),
		cmocka_unit_test(malformed_packs_are_refused_and_nothing_delivered),
		cmocka_unit_test(unknown_labels_times_and_units_are_ignored),
		cmocka_unit_test(markers_tell_instances_and_multiple_resources),
	};

	return cmocka_run_group_tests_name("fmt_senml_json", tests, NULL, NULL);
}
