// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plain text and octet-stream: the LwM2M text forms of every type at its
 * boundaries, both ways; what they cannot carry; and the negotiation that
 * picks a format for a read (fmt_choose()) or accepts one for a write
 * (fmt_can_write()).
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fmt_fixture.h"

static void text_round_trip(struct klwm2m_record r, const char *want)
{
	struct klwm2m_path b = r.path;
	struct fx_recs got = { 0 };
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(FMT_TEXT, &b, &r, 1, &out, &d));
	assert_int_equal(strlen(want), out.len);
	assert_memory_equal(want, out.data ? (void *)out.data : "", out.len);
	assert_int_equal(0, fx_decode(FMT_TEXT, &b, out.data, out.len, &got, &d));
	assert_int_equal(1, got.n);
	assert_true(fx_value_eq(&r.value, &got.r[0].value));
	fx_free(&got);
	fmt_buf_free(&out);
}

static void text_forms_of_every_type_round_trip(void **state)
{
	text_round_trip(FX_INT("/9999/0/0", INT64_MIN), "-9223372036854775808");
	text_round_trip(FX_INT("/9999/0/0", INT64_MAX), "9223372036854775807");
	text_round_trip(FX_INT("/9999/0/10/65534", 0), "0");
	text_round_trip(FX_UINT("/9999/0/1", UINT64_MAX), "18446744073709551615");
	text_round_trip(FX_FLOAT("/9999/0/2", 21.5), "21.5");
	text_round_trip(FX_FLOAT("/9999/0/2", -0.0), "-0");
	text_round_trip(FX_FLOAT("/9999/0/2", 0.1), "0.1");
	/* Plain decimals where %g would use an exponent. */
	text_round_trip(FX_FLOAT("/9999/0/2", 30), "30");
	text_round_trip(FX_FLOAT("/9999/0/2", -1200), "-1200");
	text_round_trip(FX_FLOAT("/9999/0/2", 0.00001), "0.00001");
	text_round_trip(FX_FLOAT("/9999/0/2", 1e16), "10000000000000000");
	text_round_trip(FX_FLOAT("/9999/0/2", 1e17), "1e+17");
	text_round_trip(FX_FLOAT("/9999/0/2", 1e-6), "1e-06");
	text_round_trip(FX_FLOAT("/9999/0/2", DBL_TRUE_MIN), "5e-324");
	text_round_trip(FX_FLOAT("/9999/0/2", -DBL_MAX), "-1.7976931348623157e+308");
	text_round_trip(FX_BOOL("/9999/0/3", 1), "1");
	text_round_trip(FX_BOOL("/9999/0/3", 0), "0");
	text_round_trip(FX_STR("/9999/0/4", ""), "");
	text_round_trip(FX_STR("/9999/0/4", "h\xc3\xa9 \"x\""), "h\xc3\xa9 \"x\"");
	text_round_trip(FX_TIME("/9999/0/6", 1367491215), "1367491215");
	text_round_trip(FX_OBJLNK("/9999/0/7", 65535, 65535), "65535:65535");
	text_round_trip(FX_OBJLNK("/9999/0/17/3", 0, 1), "0:1");
	text_round_trip(FX_LINK("/9999/0/8", "</3/0>;ct=0,</1/0>"), "</3/0>;ct=0,</1/0>");
}

static void refused(const char *base, int format, int err, const char *text)
{
	struct fmt_diag d;
	int delivered;

	assert_int_equal(err, fx_try(format, base, text, strlen(text), &delivered, &d));
	assert_int_equal(0, delivered);
	assert_true(d.msg[0] != '\0');
}

static void bad_text_is_refused(void **state)
{
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, " 1");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "1 ");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "+1");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "01");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "1.0");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "9223372036854775808");
	refused("/9999/0/0", FMT_TEXT, -EINVAL, "-9223372036854775809");
	refused("/9999/0/1", FMT_TEXT, -EINVAL, "-1");
	refused("/9999/0/1", FMT_TEXT, -EINVAL, "18446744073709551616");
	refused("/9999/0/2", FMT_TEXT, -EINVAL, "nan");
	refused("/9999/0/2", FMT_TEXT, -EINVAL, "inf");
	refused("/9999/0/2", FMT_TEXT, -EINVAL, "0x1p3");
	refused("/9999/0/2", FMT_TEXT, -EINVAL, "1e400");
	refused("/9999/0/2", FMT_TEXT, -EINVAL, "1,5");
	refused("/9999/0/3", FMT_TEXT, -EINVAL, "true");
	refused("/9999/0/3", FMT_TEXT, -EINVAL, "2");
	refused("/9999/0/7", FMT_TEXT, -EINVAL, "3");
	refused("/9999/0/7", FMT_TEXT, -EINVAL, "3:");
	refused("/9999/0/7", FMT_TEXT, -EINVAL, "65536:0");
	refused("/9999/0/4", FMT_TEXT, -EINVAL, "\xff");
	refused("/9999/0/8", FMT_TEXT, -EINVAL, "</3/0> ");
	refused("/9999/0/5", FMT_TEXT, -EOPNOTSUPP, "00");		/* opaque */
	refused("/9999/0", FMT_TEXT, -EOPNOTSUPP, "1");		/* an instance */
	refused("/9999/0/10", FMT_TEXT, -EOPNOTSUPP, "1");		/* a multiple resource */
	refused("/9999/0/0/0", FMT_TEXT, -ENOENT, "1");		/* instance of a single one */
	refused("/9999/0/9", FMT_TEXT, -ENOENT, "1");			/* undefined */
	refused("/3/0/4", FMT_TEXT, -EINVAL, "");			/* executable */
}

static void encode_refused(const char *base, int format, int err, struct klwm2m_record *r, size_t n)
{
	struct klwm2m_path b = fx_p(base);
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(err, fmt_encode(format, &b, r, n, &out, &d));
	fmt_buf_free(&out);
}

static void text_and_octets_carry_one_value_of_their_kind(void **state)
{
	static const unsigned char bin[] = { 0x00, 0xff, 0x10 };
	struct klwm2m_record two[] = { FX_INT("/9999/0/0", 1), FX_UINT("/9999/0/1", 1) };
	struct klwm2m_record opq = FX_OPAQUE("/9999/0/5", bin, 3), nan = FX_FLOAT("/9999/0/2", NAN);
	struct klwm2m_record multi[] = { fx_mark(FMT_RECORD_MULTIPLE, "/9999/0/10"),
					 FX_INT("/9999/0/10/0", 1) };
	struct klwm2m_path b = opq.path;
	struct fx_recs got = { 0 };
	struct fmt_buf out;
	struct fmt_diag d;

	encode_refused("/9999/0", FMT_TEXT, -EOPNOTSUPP, two, 2);
	encode_refused("/9999/0", FMT_OPAQUE, -EOPNOTSUPP, two, 2);
	encode_refused("/9999/0/5", FMT_TEXT, -EOPNOTSUPP, &opq, 1);
	encode_refused("/9999/0/2", FMT_TEXT, -EOPNOTSUPP, &nan, 1);
	encode_refused("/9999/0/0", FMT_OPAQUE, -EOPNOTSUPP, two, 1);
	encode_refused("/9999/0/10", FMT_TEXT, -EOPNOTSUPP, multi, 2);
	encode_refused("/9999/0/0", FMT_TEXT, -EOPNOTSUPP, NULL, 0);
	encode_refused("/9999/0/0", FMT_LINK, -EOPNOTSUPP, two, 1);

	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(FMT_OPAQUE, &b, &opq, 1, &out, &d));
	assert_int_equal(3, out.len);
	assert_memory_equal(bin, out.data, 3);
	assert_int_equal(0, fx_decode(FMT_OPAQUE, &b, out.data, out.len, &got, &d));
	assert_true(fx_value_eq(&opq.value, &got.r[0].value));
	assert_int_equal(0, fx_decode(FMT_OPAQUE, &b, NULL, 0, &got, &d));	/* empty */
	assert_int_equal(0, got.r[0].value.bytes.len);
	fx_free(&got);
	fmt_buf_free(&out);
	refused("/9999/0/4", FMT_OPAQUE, -EOPNOTSUPP, "x");
	refused("/9999/0", FMT_OPAQUE, -EOPNOTSUPP, "x");
	refused("/9999/0", 11543, -EOPNOTSUPP, "{}");	/* the legacy JSON */
}

static void a_read_gets_the_accepted_preferred_or_a_fitting_format(void **state)
{
	static const unsigned char bin[] = { 1 };
	struct klwm2m_record one = FX_INT("/3/0/9", 100), opq = FX_OPAQUE("/9999/0/5", bin, 1);
	struct klwm2m_record inst[] = { FX_INT("/3/0/9", 100), FX_INT("/3/0/10", 15) };
	struct klwm2m_record multi[] = { FX_INT("/3/0/7/0", 1) };
	struct klwm2m_path res = one.path, ores = opq.path, ins = fx_p("/3/0"), mres = fx_p("/3/0/7");
	struct klwm2m_path root = fx_p("/");

	assert_int_equal(FMT_TEXT, fmt_choose(-1, &res, &one, 1, -1));
	assert_int_equal(FMT_TLV, fmt_choose(-1, &res, &one, 1, FMT_TLV));
	assert_int_equal(FMT_SENML_JSON, fmt_choose(FMT_SENML_JSON, &res, &one, 1, FMT_TLV));
	assert_int_equal(FMT_OPAQUE, fmt_choose(-1, &ores, &opq, 1, -1));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_TEXT, &ores, &opq, 1, -1));
	assert_int_equal(FMT_SENML_CBOR, fmt_choose(-1, &ins, inst, 2, -1));
	assert_int_equal(FMT_TLV, fmt_choose(-1, &ins, inst, 2, FMT_TLV));
	assert_int_equal(FMT_SENML_CBOR, fmt_choose(-1, &ins, inst, 2, FMT_TEXT));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_TEXT, &ins, inst, 2, -1));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_OPAQUE, &res, &one, 1, -1));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_TEXT, &mres, multi, 1, -1));
	assert_int_equal(FMT_SENML_CBOR, fmt_choose(-1, &mres, multi, 1, -1));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_TLV, &root, inst, 2, -1));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(FMT_LINK, &ins, inst, 2, -1));
	assert_int_equal(-EOPNOTSUPP, fmt_choose(11544, &ins, inst, 2, -1));
}

static void a_write_is_accepted_in_formats_that_can_carry_it(void **state)
{
	struct klwm2m_path res = fx_p("/3/0/9"), ri = fx_p("/3/0/7/0"), mres = fx_p("/3/0/7");
	struct klwm2m_path ins = fx_p("/3/0"), root = fx_p("/");

	assert_int_equal(0, fmt_can_write(FMT_TEXT, &res, KLWM2M_TYPE_INTEGER, 0));
	assert_int_equal(0, fmt_can_write(FMT_TEXT, &ri, KLWM2M_TYPE_INTEGER, 1));
	assert_int_equal(-EOPNOTSUPP, fmt_can_write(FMT_TEXT, &mres, KLWM2M_TYPE_INTEGER, 1));
	assert_int_equal(-EOPNOTSUPP, fmt_can_write(FMT_TEXT, &ins, 0, 0));
	assert_int_equal(-EOPNOTSUPP, fmt_can_write(FMT_TEXT, &res, KLWM2M_TYPE_OPAQUE, 0));
	assert_int_equal(0, fmt_can_write(FMT_OPAQUE, &res, KLWM2M_TYPE_OPAQUE, 0));
	assert_int_equal(-EOPNOTSUPP, fmt_can_write(FMT_OPAQUE, &res, KLWM2M_TYPE_STRING, 0));
	assert_int_equal(0, fmt_can_write(FMT_TLV, &ins, 0, 0));
	assert_int_equal(-EOPNOTSUPP, fmt_can_write(FMT_TLV, &root, 0, 0));
	assert_int_equal(0, fmt_can_write(FMT_SENML_CBOR, &root, 0, 0));
	assert_int_equal(0, fmt_can_write(FMT_SENML_JSON, &mres, KLWM2M_TYPE_INTEGER, 1));
	assert_int_equal(-EOPNOTSUPP, fmt_can_write(FMT_LINK, &res, KLWM2M_TYPE_INTEGER, 0));
	assert_string_equal("lwm2m+tlv", fmt_name(FMT_TLV));
	assert_string_equal("?", fmt_name(11543));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_forms_of_every_type_round_trip),
		cmocka_unit_test(bad_text_is_refused),
		cmocka_unit_test(text_and_octets_carry_one_value_of_their_kind),
		cmocka_unit_test(a_read_gets_the_accepted_preferred_or_a_fitting_format),
		cmocka_unit_test(a_write_is_accepted_in_formats_that_can_carry_it),
	};

	return cmocka_run_group_tests_name("fmt_text", tests, NULL, NULL);
}
