// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SenML CBOR: the RFC 8428 labels, integers and floats in their smallest
 * faithful form (RFC 8949 4.2), what libcbor's stream decoder brings in
 * (indefinite lengths, half floats) and every form that is not SenML refused.
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "fmt_fixture.h"

static void encodes_to(const char *base, const struct klwm2m_record *r, size_t n, const char *hex)
{
	struct klwm2m_path b = fx_p(base);
	unsigned char want[256];
	size_t len = fx_hex(hex, want);
	struct fx_recs got = { 0 };
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(FMT_SENML_CBOR, &b, r, n, &out, &d));
	assert_int_equal(len, out.len);
	assert_memory_equal(want, out.data, len);
	assert_int_equal(0, fx_decode(FMT_SENML_CBOR, &b, out.data, out.len, &got, &d));
	assert_true(fx_values_eq(r, n, got.r, got.n));
	fx_free(&got);
	fmt_buf_free(&out);
}

static void records_use_the_rfc_8428_labels(void **state)
{
	struct klwm2m_record one[] = { FX_INT("/3/0/9", 100) };
	struct klwm2m_record multi[] = { FX_INT("/3/0/7/0", 3800), FX_INT("/3/0/7/1", 5000) };
	static const unsigned char bin[] = { 0xfb, 0xff };
	struct klwm2m_record kinds[] = {
		FX_BOOL("/9999/0/3", 1), FX_STR("/9999/0/4", "é"), FX_OPAQUE("/9999/0/5", bin, 2),
		FX_OBJLNK("/9999/0/7", 3, 0),
	};

	encodes_to("/3/0/9", one, 1, "81 a2 21 66 2f332f302f39 02 18 64");
	encodes_to("/3/0/7", multi, 2,
		   "82 a3 21 67 2f332f302f372f 00 61 30 02 19 0ed8 a2 00 61 31 02 19 1388");
	encodes_to("/9999/0", kinds, 4,
		   "84 a3 21 68 2f393939392f302f 00 61 33 04 f5"
		   " a2 00 61 34 03 62 c3a9"
		   " a2 00 61 35 08 42 fbff"
		   " a2 00 61 37 63 766c6f 63 333a30");
	encodes_to("/3/0", NULL, 0, "80");
}

static void device_read_round_trips(void **state)
{
	struct klwm2m_record r[32];
	size_t n = fx_device_records(r);
	struct klwm2m_path b = fx_p("/3/0");
	struct fx_recs got = { 0 };
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(FMT_SENML_CBOR, &b, r, n, &out, &d));
	assert_int_equal(0x90, out.data[0]);	/* an array of 16 records */
	assert_int_equal(0, fx_decode(FMT_SENML_CBOR, &b, out.data, out.len, &got, &d));
	assert_true(fx_values_eq(r, n, got.r, got.n));
	fx_free(&got);
	fmt_buf_free(&out);
}

static void numbers_take_the_smallest_faithful_form(void **state)
{
	static const struct { struct klwm2m_value v; const char *hex; } cases[] = {
		{ { .type = KLWM2M_TYPE_INTEGER, .i = 0 }, "00" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = 23 }, "17" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = 24 }, "1818" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = -1 }, "20" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = -25 }, "3818" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = 65536 }, "1a00010000" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = INT64_MAX }, "1b7fffffffffffffff" },
		{ { .type = KLWM2M_TYPE_INTEGER, .i = INT64_MIN }, "3b7fffffffffffffff" },
		{ { .type = KLWM2M_TYPE_UNSIGNED, .u = UINT64_MAX }, "1bffffffffffffffff" },
		{ { .type = KLWM2M_TYPE_TIME, .i = 1367491215 }, "1a5182428f" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 1.5 }, "f93e00" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 0.0 }, "f90000" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = -0.0 }, "f98000" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 65504.0 }, "f97bff" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 5.960464477539063e-8 }, "f90001" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 6.103515625e-05 }, "f90400" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = INFINITY }, "f97c00" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = -INFINITY }, "f9fc00" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = NAN }, "f97e00" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 65520.0 }, "fa477ff000" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 100000.0 }, "fa47c35000" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = FLT_TRUE_MIN }, "fa00000001" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = 0.1 }, "fb3fb999999999999a" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = DBL_TRUE_MIN }, "fb0000000000000001" },
		{ { .type = KLWM2M_TYPE_FLOAT, .f = DBL_MAX }, "fb7fefffffffffffff" },
	};
	static const uint16_t rid[] = {
		[KLWM2M_TYPE_INTEGER] = 0, [KLWM2M_TYPE_UNSIGNED] = 1, [KLWM2M_TYPE_FLOAT] = 2,
		[KLWM2M_TYPE_TIME] = 6,
	};

	for (size_t i = 0; i < FX_N(cases); i++) {
		struct klwm2m_record r = { .kind = KLWM2M_RECORD_VALUE, .value = cases[i].v,
					   .path = { .oid = 9999, .rid = rid[cases[i].v.type], .depth = 3 } };
		char base[16], hex[96];

		snprintf(base, sizeof(base), "/9999/0/%u", r.path.rid);
		/* [{-2: "/9999/0/R", 2: value}] */
		snprintf(hex, sizeof(hex), "81 a2 21 69 2f393939392f302f%02x 02 %s", '0' + r.path.rid,
			 cases[i].hex);
		encodes_to(base, &r, 1, hex);
	}
}

static void reads_as(const char *base, const char *hex, struct klwm2m_value want)
{
	struct klwm2m_path b = fx_p(base);
	unsigned char p[512];
	size_t len = fx_hex(hex, p);
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	assert_int_equal(0, fx_decode(FMT_SENML_CBOR, &b, p, len, &got, &d));
	assert_int_equal(1, got.n);
	assert_true(fx_value_eq(&want, &got.r[0].value));
	fx_free(&got);
}

static void refused(const char *base, int err, const char *hex)
{
	unsigned char p[512];
	size_t len = fx_hex(hex, p);
	struct fmt_diag d;
	int delivered;

	assert_int_equal(err, fx_try(FMT_SENML_CBOR, base, p, len, &delivered, &d));
	assert_int_equal(0, delivered);
	assert_true(d.msg[0] != '\0');
}

/* {0: "/9999/0/R", ...}: the name of resource R of instance 0 */
#define N(r) "00 69 2f393939392f302f3" #r

static void what_other_encoders_send_is_read(void **state)
{
	/* indefinite array and map, a half float for a float resource */
	reads_as("/9999/0", "9f bf " N(2) " 02 f9 3e00 ff ff",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = 1.5 });
	reads_as("/9999/0", "81 a2 " N(2) " 02 fa 3fc00000",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = 1.5 });
	reads_as("/9999/0", "81 a2 " N(2) " 02 38 63",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = -100.0 });
	/* integers in wider heads than needed */
	reads_as("/9999/0", "81 a2 " N(0) " 02 1b 0000000000000005",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = 5 });
	/* unknown labels, times and units */
	reads_as("/9999/0", "81 a6 18 63 01 06 00 22 fb 3ff8000000000000 23 61 25 " N(0) " 02 07",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = 7 });
	/* the base name carried over to the next record */
	{
		unsigned char p[64];
		size_t len = fx_hex("82 a3 21 68 2f393939392f302f 00 61 30 02 01 a2 00 61 36 02 02", p);
		struct klwm2m_path b = fx_p("/9999/0");
		struct fx_recs got = { 0 };
		struct fmt_diag d;

		assert_int_equal(0, fx_decode(FMT_SENML_CBOR, &b, p, len, &got, &d));
		assert_int_equal(2, got.n);
		assert_int_equal(6, got.r[1].path.rid);
		assert_int_equal(KLWM2M_TYPE_TIME, got.r[1].value.type);
		fx_free(&got);
	}
}

static void numbers_must_fit_their_resource_exactly(void **state)
{
	reads_as("/9999/0", "81 a2 " N(0) " 02 3b 7fffffffffffffff",
		 (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = INT64_MIN });
	refused("/9999/0", -EINVAL, "81 a2 " N(0) " 02 3b 8000000000000000");
	refused("/9999/0", -EINVAL, "81 a2 " N(0) " 02 3b ffffffffffffffff");
	refused("/9999/0", -EINVAL, "81 a2 " N(0) " 02 1b 8000000000000000");
	refused("/9999/0", -EINVAL, "81 a2 " N(0) " 02 f9 3e00");	/* 1.5 */
	refused("/9999/0", -EINVAL, "81 a2 " N(0) " 02 f9 3c00");	/* 1.0: a float all the same */
	refused("/9999/0", -EINVAL, "81 a2 " N(1) " 02 20");		/* -1 */
	refused("/9999/0", -EINVAL, "81 a2 " N(6) " 02 f9 3c00");
	refused("/9999/0", -EINVAL, "81 a2 " N(0) " 03 61 31");	/* vs for an integer */
	refused("/9999/0", -EINVAL, "81 a2 " N(5) " 03 61 31");	/* vs for opaque */
	refused("/9999/0", -EINVAL, "81 a2 " N(3) " 02 01");		/* v for a boolean */
	refused("/9999/0", -EINVAL, "81 a2 " N(7) " 63 766c6f 61 33");
}

static void what_is_not_senml_is_refused_and_nothing_delivered(void **state)
{
	refused("/9999/0", -EBADMSG, "");
	refused("/9999/0", -EBADMSG, "a0");				/* not an array */
	refused("/9999/0", -EBADMSG, "81 81 00");			/* a record not a map */
	refused("/9999/0", -EBADMSG, "82 a2 " N(0) " 02 01");		/* truncated */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02");
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 1a 0000");
	refused("/9999/0", -EBADMSG, "81 a2 00 6a 2f393939392f302f30 02 01"); /* string overrun */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 01 00");	/* trailing byte */
	refused("/9999/0", -EBADMSG, "81 a3 " N(0) " 02 01 02 02");	/* label twice */
	refused("/9999/0", -EBADMSG, "81 a3 " N(4) " 02 01 03 61 31");	/* v and vs */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 c1 01");	/* a tag */
	refused("/9999/0", -EBADMSG, "81 a2 " N(4) " 03 7f 61 31 ff");	/* indefinite string */
	refused("/9999/0", -EBADMSG, "81 a2 " N(4) " 03 62 c328");	/* not UTF-8 */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 f6");		/* null */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 f8 20");	/* simple value */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 81 01");	/* nested */
	refused("/9999/0", -EBADMSG, "81 a3 " N(0) " 02 01 24 01");	/* bv */
	refused("/9999/0", -EBADMSG, "81 a3 " N(0) " 02 01 05 01");	/* s */
	refused("/9999/0", -EBADMSG, "81 a3 " N(0) " 02 01 64 666f6f5f 01");	/* foo_ */
	refused("/9999/0", -EBADMSG, "81 a2 " N(0) " 02 ff");		/* a stray break */
	refused("/9999/0", -EBADMSG, "81 a2 00 61 30 02 01");		/* name "0": not a path */
	refused("/9999/0", -EBADMSG, "81 a2 00 42 2f30 02 01");		/* name as bytes */
	refused("/9999/0", -EBADMSG, "81 a2 " N(5) " 08 61 41");	/* vd as text */
	refused("/9999/0", -EBADMSG, "81 a1 " N(0));			/* no value */
	refused("/9999/0", -EBADMSG, "82 a2 " N(0) " 02 01 a2 " N(0) " 02 02");	/* twice */
	refused("/9999/1", -EBADMSG, "81 a2 " N(0) " 02 01");		/* outside */
	refused("/9999/0", -ENOENT, "81 a2 " N(9) " 02 01");		/* undefined */
}

static void deep_nesting_is_refused_without_recursion(void **state)
{
	size_t n = 100000;
	unsigned char *p = malloc(n);
	struct klwm2m_path b = fx_p("/9999/0");
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	memset(p, 0x81, n);
	assert_int_equal(-EBADMSG, fx_decode(FMT_SENML_CBOR, &b, p, n, &got, &d));
	memset(p, 0x9f, n);
	assert_int_equal(-EBADMSG, fx_decode(FMT_SENML_CBOR, &b, p, n, &got, &d));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_use_the_rfc_8428_labels),
		cmocka_unit_test(device_read_round_trips),
		cmocka_unit_test(numbers_take_the_smallest_faithful_form),
		cmocka_unit_test(what_other_encoders_send_is_read),
		cmocka_unit_test(numbers_must_fit_their_resource_exactly),
		cmocka_unit_test(what_is_not_senml_is_refused_and_nothing_delivered),
		cmocka_unit_test(deep_nesting_is_refused_without_recursion),
	};

	return cmocka_run_group_tests_name("fmt_senml_cbor", tests, NULL, NULL);
}
