// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of libklwm2m's text forms: paths and values are read from
 * the command line and from applications, so every malformed form must be
 * refused, and every value must read back to what was written.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/klwm2m.h>

#include "libklwm2m.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void good_paths_read_and_format_back(void **state)
{
	static const struct {
		const char *text;
		struct klwm2m_path want;
	} cases[] = {
		{ "/", { .depth = 0 } },
		{ "/3", { .oid = 3, .depth = 1 } },
		{ "/3/0", { .oid = 3, .iid = 0, .depth = 2 } },
		{ "/3303/12/5700", { .oid = 3303, .iid = 12, .rid = 5700, .depth = 3 } },
		{ "/3/0/7/1", { .oid = 3, .rid = 7, .riid = 1, .depth = 4 } },
		{ "/65534/65534/65534/65534",
		  { .oid = 65534, .iid = 65534, .rid = 65534, .riid = 65534, .depth = 4 } },
		{ "/0/0/0/0", { .depth = 4 } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct klwm2m_path p;
		char buf[KLWM2M_PATH_STRLEN];

		assert_int_equal(0, klwm2m_path_parse(cases[i].text, &p));
		assert_int_equal(cases[i].want.depth, p.depth);
		assert_int_equal(cases[i].want.oid, p.oid);
		assert_int_equal(cases[i].want.iid, p.iid);
		assert_int_equal(cases[i].want.rid, p.rid);
		assert_int_equal(cases[i].want.riid, p.riid);
		assert_int_equal((int)strlen(cases[i].text), klwm2m_path_format(&p, buf, sizeof(buf)));
		assert_string_equal(cases[i].text, buf);
	}
}

static void bad_paths_are_refused_and_leave_the_path_alone(void **state)
{
	static const char *const bad[] = {
		"", "3", "3/0", "//", "/3/", "/3//0", "/3/0/", "/65535", "/70000", "/-1", "/+1",
		"/01", "/3/00", "/1/2/3/4/5", " /3", "/3 ", "/3x", "/3/0x1", "/0x3",
		"/99999999999999999999", "/3\n", "/3/0/1/2/",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct klwm2m_path p = { .oid = 42, .depth = 1 };

		if (klwm2m_path_parse(bad[i], &p) != -EINVAL)
			fail_msg("path \"%s\" was not refused", bad[i]);
		assert_int_equal(42, p.oid);
		assert_int_equal(1, p.depth);
	}
	assert_int_equal(-EINVAL, klwm2m_path_parse(NULL, &(struct klwm2m_path){ 0 }));
}

static void path_format_checks_depth_ids_and_room(void **state)
{
	struct klwm2m_path p = { .oid = 3303, .iid = 0, .rid = 5700, .depth = 3 };
	char buf[KLWM2M_PATH_STRLEN];

	assert_int_equal(12, klwm2m_path_format(&p, buf, 13));	/* "/3303/0/5700" and NUL */
	assert_int_equal(-ENOSPC, klwm2m_path_format(&p, buf, 12));
	p.depth = 5;
	assert_int_equal(-EINVAL, klwm2m_path_format(&p, buf, sizeof(buf)));
	p.depth = 2;
	p.iid = 65535;
	assert_int_equal(-EINVAL, klwm2m_path_format(&p, buf, sizeof(buf)));
	p.depth = 1;	/* IDs past the depth do not matter */
	assert_int_equal(5, klwm2m_path_format(&p, buf, sizeof(buf)));
	assert_string_equal("/3303", buf);
}

/* TEXT read as TYPE formats back to WANT (TEXT itself when WANT is NULL). */
static const struct {
	uint8_t type;
	const char *text, *want;
} round_trips[] = {
	{ KLWM2M_TYPE_INTEGER, "0", NULL },
	{ KLWM2M_TYPE_INTEGER, "-1", NULL },
	{ KLWM2M_TYPE_INTEGER, "9223372036854775807", NULL },
	{ KLWM2M_TYPE_INTEGER, "-9223372036854775808", NULL },
	{ KLWM2M_TYPE_INTEGER, "007", "7" },
	{ KLWM2M_TYPE_UNSIGNED, "0", NULL },
	{ KLWM2M_TYPE_UNSIGNED, "18446744073709551615", NULL },
	{ KLWM2M_TYPE_FLOAT, "21.5", NULL },
	{ KLWM2M_TYPE_FLOAT, "0.10000000000000001", NULL },
	{ KLWM2M_TYPE_FLOAT, "0.1", "0.10000000000000001" },
	{ KLWM2M_TYPE_FLOAT, "-0", NULL },
	{ KLWM2M_TYPE_FLOAT, "1e+300", "1.0000000000000001e+300" },
	{ KLWM2M_TYPE_FLOAT, "4.9406564584124654e-324", NULL },
	{ KLWM2M_TYPE_FLOAT, "1.7976931348623157e+308", NULL },
	{ KLWM2M_TYPE_FLOAT, "inf", NULL },
	{ KLWM2M_TYPE_FLOAT, "-inf", NULL },
	{ KLWM2M_TYPE_FLOAT, "0x1p-2", "0.25" },
	{ KLWM2M_TYPE_BOOLEAN, "true", NULL },
	{ KLWM2M_TYPE_BOOLEAN, "false", NULL },
	{ KLWM2M_TYPE_BOOLEAN, "1", "true" },
	{ KLWM2M_TYPE_BOOLEAN, "0", "false" },
	{ KLWM2M_TYPE_TIME, "1700000000", NULL },
	{ KLWM2M_TYPE_TIME, "-1", NULL },
	{ KLWM2M_TYPE_OBJLNK, "3:0", NULL },
	{ KLWM2M_TYPE_OBJLNK, "65535:65535", NULL },
	{ KLWM2M_TYPE_STRING, "", NULL },
	{ KLWM2M_TYPE_STRING, " spaces kept \t", NULL },
	{ KLWM2M_TYPE_STRING, "\xc2\xb0" "C", NULL },
	{ KLWM2M_TYPE_OPAQUE, "", NULL },
	{ KLWM2M_TYPE_OPAQUE, "00ff7f80", NULL },
	{ KLWM2M_TYPE_OPAQUE, "DEADbeef", "deadbeef" },
	{ KLWM2M_TYPE_CORELNK, "</3/0>;ct=0,</1/0>", NULL },
};

static void values_read_and_format_back(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(round_trips); i++) {
		const char *want = round_trips[i].want ? round_trips[i].want : round_trips[i].text;
		struct klwm2m_value v, w;
		char buf[128];
		int n;

		if (klwm2m_value_parse(round_trips[i].type, round_trips[i].text, &v))
			fail_msg("%s \"%s\" was refused", klwm2m_type_name(round_trips[i].type),
				 round_trips[i].text);
		assert_int_equal(round_trips[i].type, v.type);
		assert_true(klwm2m_value_text_size(&v) <= sizeof(buf));
		n = klwm2m_value_format(&v, buf, sizeof(buf));
		assert_int_equal((int)strlen(want), n);
		assert_string_equal(want, buf);
		/* The text form reads back to the same value, bit for bit. */
		assert_int_equal(0, klwm2m_value_parse(v.type, buf, &w));
		if (v.type == KLWM2M_TYPE_STRING || v.type == KLWM2M_TYPE_OPAQUE ||
		    v.type == KLWM2M_TYPE_CORELNK) {
			assert_int_equal(v.bytes.len, w.bytes.len);
			assert_memory_equal(v.bytes.ptr, w.bytes.ptr, v.bytes.len);
			assert_int_equal(0, ((const char *)w.bytes.ptr)[w.bytes.len]);
		} else if (v.type == KLWM2M_TYPE_FLOAT) {
			assert_memory_equal(&v.f, &w.f, sizeof(v.f));
		} else if (v.type == KLWM2M_TYPE_OBJLNK) {
			assert_int_equal(v.objlnk.oid, w.objlnk.oid);
			assert_int_equal(v.objlnk.iid, w.objlnk.iid);
		} else if (v.type == KLWM2M_TYPE_BOOLEAN) {
			assert_int_equal(v.b, w.b);
		} else {
			assert_true(v.u == w.u);
		}
		klwm2m_value_release(&v);
		klwm2m_value_release(&w);
		if (v.type == KLWM2M_TYPE_STRING || v.type == KLWM2M_TYPE_OPAQUE ||
		    v.type == KLWM2M_TYPE_CORELNK)
			assert_null(v.bytes.ptr);
	}
}

static void parsed_scalars_have_the_right_value(void **state)
{
	struct klwm2m_value v;

	assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_INTEGER, "-9223372036854775808", &v));
	assert_true(v.i == INT64_MIN);
	assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_UNSIGNED, "18446744073709551615", &v));
	assert_true(v.u == UINT64_MAX);
	assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_FLOAT, "nan", &v));
	assert_true(isnan(v.f));
	assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_FLOAT, "-0", &v));
	assert_true(v.f == 0 && signbit(v.f));
	assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_OBJLNK, "3303:12", &v));
	assert_int_equal(3303, v.objlnk.oid);
	assert_int_equal(12, v.objlnk.iid);
	assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_OPAQUE, "00Ff", &v));
	assert_int_equal(2, v.bytes.len);
	assert_memory_equal("\x00\xff", v.bytes.ptr, 2);
	klwm2m_value_release(&v);
}

static const struct {
	uint8_t type;
	const char *text;
	int err;
} bad_values[] = {
	{ KLWM2M_TYPE_INTEGER, "", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, " 1", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, "1 ", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, "+1", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, "1.5", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, "0x10", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, "-", -EINVAL },
	{ KLWM2M_TYPE_INTEGER, "9223372036854775808", -ERANGE },
	{ KLWM2M_TYPE_INTEGER, "-9223372036854775809", -ERANGE },
	{ KLWM2M_TYPE_UNSIGNED, "-1", -EINVAL },
	{ KLWM2M_TYPE_UNSIGNED, "-0", -EINVAL },
	{ KLWM2M_TYPE_UNSIGNED, "18446744073709551616", -ERANGE },
	{ KLWM2M_TYPE_UNSIGNED, "1e3", -EINVAL },
	{ KLWM2M_TYPE_FLOAT, "", -EINVAL },
	{ KLWM2M_TYPE_FLOAT, " 1", -EINVAL },
	{ KLWM2M_TYPE_FLOAT, "1.0x", -EINVAL },
	{ KLWM2M_TYPE_FLOAT, "1,5", -EINVAL },
	{ KLWM2M_TYPE_FLOAT, "1e999", -ERANGE },
	{ KLWM2M_TYPE_FLOAT, "-1e999", -ERANGE },
	{ KLWM2M_TYPE_BOOLEAN, "", -EINVAL },
	{ KLWM2M_TYPE_BOOLEAN, "yes", -EINVAL },
	{ KLWM2M_TYPE_BOOLEAN, "TRUE", -EINVAL },
	{ KLWM2M_TYPE_BOOLEAN, "2", -EINVAL },
	{ KLWM2M_TYPE_BOOLEAN, "true ", -EINVAL },
	{ KLWM2M_TYPE_TIME, "2024-01-01", -EINVAL },
	{ KLWM2M_TYPE_TIME, "99999999999999999999", -ERANGE },
	{ KLWM2M_TYPE_OBJLNK, "3", -EINVAL },
	{ KLWM2M_TYPE_OBJLNK, "3:", -EINVAL },
	{ KLWM2M_TYPE_OBJLNK, ":0", -EINVAL },
	{ KLWM2M_TYPE_OBJLNK, "3:0:1", -EINVAL },
	{ KLWM2M_TYPE_OBJLNK, "65536:0", -EINVAL },
	{ KLWM2M_TYPE_OBJLNK, "3:-1", -EINVAL },
	{ KLWM2M_TYPE_OBJLNK, "3/0", -EINVAL },
	{ KLWM2M_TYPE_OPAQUE, "0", -EINVAL },
	{ KLWM2M_TYPE_OPAQUE, "zz", -EINVAL },
	{ KLWM2M_TYPE_OPAQUE, "0g", -EINVAL },
	{ KLWM2M_TYPE_OPAQUE, "0x00", -EINVAL },
	{ KLWM2M_TYPE_OPAQUE, "00 ff", -EINVAL },
	{ KLWM2M_TYPE_UNSPEC, "1", -EINVAL },
	{ KLWM2M_TYPE_NONE, "", -EINVAL },
	{ 99, "1", -EINVAL },
};

static void bad_values_are_refused(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_values); i++) {
		struct klwm2m_value v = { .type = 200 };
		int err = klwm2m_value_parse(bad_values[i].type, bad_values[i].text, &v);

		if (err != bad_values[i].err)
			fail_msg("%s \"%s\": got %d, wanted %d", klwm2m_type_name(bad_values[i].type),
				 bad_values[i].text, err, bad_values[i].err);
		assert_int_equal(200, v.type);	/* untouched */
	}
	assert_int_equal(-EINVAL, klwm2m_value_parse(KLWM2M_TYPE_STRING, NULL,
						     &(struct klwm2m_value){ 0 }));
}

static void format_needs_room_and_refuses_what_it_cannot_write(void **state)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = 12345 };
	struct klwm2m_value s = { .type = KLWM2M_TYPE_STRING, .bytes = { "a\0b", 3 } };
	struct klwm2m_value o = { .type = KLWM2M_TYPE_OPAQUE, .bytes = { "\x01\x02", 2 } };
	char buf[8];

	assert_int_equal(-ENOSPC, klwm2m_value_format(&v, buf, 5));
	assert_int_equal(5, klwm2m_value_format(&v, buf, 6));
	assert_string_equal("12345", buf);
	assert_int_equal(-EINVAL, klwm2m_value_format(&s, buf, sizeof(buf)));
	assert_int_equal(5, (int)klwm2m_value_text_size(&o));
	assert_int_equal(-ENOSPC, klwm2m_value_format(&o, buf, 4));
	assert_int_equal(4, klwm2m_value_format(&o, buf, 5));
	assert_string_equal("0102", buf);
	v.type = KLWM2M_TYPE_NONE;
	assert_int_equal(-EINVAL, klwm2m_value_format(&v, buf, sizeof(buf)));
	v.type = KLWM2M_TYPE_BOOLEAN;
	v.b = 1;
	assert_int_equal(4, klwm2m_value_format(&v, buf, sizeof(buf)));
	assert_string_equal("true", buf);
}

static void every_double_bit_pattern_sampled_round_trips(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 100000; i++) {
		struct klwm2m_value v = { .type = KLWM2M_TYPE_FLOAT }, w;
		char buf[32];

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v.f, &x, sizeof(x));
		if (isnan(v.f))
			continue;
		assert_true(klwm2m_value_format(&v, buf, sizeof(buf)) > 0);
		assert_int_equal(0, klwm2m_value_parse(KLWM2M_TYPE_FLOAT, buf, &w));
		if (memcmp(&v.f, &w.f, sizeof(v.f)))
			fail_msg("%016llx formats as %s, which reads back differently",
				 (unsigned long long)x, buf);
	}
}

static void names_cover_every_type_and_event(void **state)
{
	for (uint8_t t = KLWM2M_TYPE_NONE; t <= KLWM2M_TYPE_MAX; t++)
		assert_string_not_equal("?", klwm2m_type_name(t));
	assert_string_equal("?", klwm2m_type_name(KLWM2M_TYPE_MAX + 1));
	assert_string_equal("?", klwm2m_type_name(KLWM2M_TYPE_UNSPEC));
	for (uint8_t k = KLWM2M_EVENT_VALUE_CHANGED; k <= KLWM2M_EVENT_MAX; k++)
		assert_string_not_equal("?", klwm2m_event_name(k));
	assert_string_equal("?", klwm2m_event_name(KLWM2M_EVENT_MAX + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_paths_read_and_format_back),
		cmocka_unit_test(bad_paths_are_refused_and_leave_the_path_alone),
		cmocka_unit_test(path_format_checks_depth_ids_and_room),
		cmocka_unit_test(values_read_and_format_back),
		cmocka_unit_test(parsed_scalars_have_the_right_value),
		cmocka_unit_test(bad_values_are_refused),
		cmocka_unit_test(format_needs_room_and_refuses_what_it_cannot_write),
		cmocka_unit_test(every_double_bit_pattern_sampled_round_trips),
		cmocka_unit_test(names_cover_every_type_and_event),
	};

	return cmocka_run_group_tests_name("libklwm2m_text", tests, NULL, NULL);
}
