// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoRE link format: the Register payload as the LwM2M TS 1.1 shows it,
 * Discover answers with dim and attributes, and the strict RFC 6690 reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fmt_fixture.h"

static void is_text(struct fmt_buf *b, const char *want)
{
	assert_int_equal(strlen(want), b->len);
	assert_memory_equal(want, b->data, b->len);
	assert_true(fmt_link_parse(b->data, b->len, NULL, NULL, NULL) > 0);
	fmt_buf_free(b);
}

static void register_payload_lists_objects_versions_and_instances(void **state)
{
	static const uint16_t one[] = { 0 }, two[] = { 0, 1 };
	const struct fmt_link_obj objs[] = {
		{ .oid = 1, .version = "1.1", .iids = two, .niids = 2 },
		{ .oid = 2, .iids = two, .niids = 2 },
		{ .oid = 3, .version = "1.0", .iids = one, .niids = 1 },
		{ .oid = 5 },
		{ .oid = 3442, .version = "1.2" },
	};
	struct fmt_buf b;

	fmt_buf_init(&b, 0);
	assert_int_equal(0, fmt_link_register(&b, "/", FMT_SENML_CBOR, objs, FX_N(objs)));
	is_text(&b, "</>;rt=\"oma.lwm2m\";ct=112,</1>;ver=1.1,</1/0>,</1/1>,</2/0>,</2/1>,</3/0>,"
		    "</5>,</3442>;ver=1.2");
	fmt_buf_init(&b, 0);
	assert_int_equal(0, fmt_link_register(&b, "/", -1, objs + 2, 2));
	is_text(&b, "</3/0>,</5>");
	fmt_buf_init(&b, 0);
	assert_int_equal(0, fmt_link_register(&b, "/lwm2m", -1, objs + 2, 1));
	is_text(&b, "</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/3/0>");
	fmt_buf_init(&b, 0);
	assert_int_equal(-EINVAL, fmt_link_register(&b, "lwm2m", -1, objs, 1));
	assert_int_equal(-EINVAL, fmt_link_register(&b, "/a>b", -1, objs, 1));
	assert_int_equal(-EINVAL, fmt_link_register(&b, "/a/", -1, objs, 1));
	assert_int_equal(-EINVAL, fmt_link_register(&b, "/", -1,
		&(struct fmt_link_obj){ .oid = 3, .version = "1.1\"" }, 1));
	fmt_buf_free(&b);
}

static void discover_answers_carry_dim_and_attributes(void **state)
{
	const struct klwm2m_attrs obj = { .set = KLWM2M_ATTR_F_PMIN, .pmin = 10 };
	const struct klwm2m_attrs res = {
		.set = KLWM2M_ATTR_F_ALL, .pmin = 1, .pmax = 60, .gt = 30, .lt = -0.25, .st = 0.1,
		.epmin = 2, .epmax = 30, .edge = 1, .con = 1, .hqmax = 5,
	};
	const struct fmt_link_entry e[] = {
		{ .path = fx_p("/3"), .version = "1.1", .dim = -1, .attrs = &obj },
		{ .path = fx_p("/3/0"), .dim = -1 },
		{ .path = fx_p("/3/0/7"), .dim = 2, .attrs = &res },
		{ .path = fx_p("/3/0/7/1"), .dim = -1 },
	};
	const struct klwm2m_attrs nan = { .set = KLWM2M_ATTR_F_GT, .gt = NAN };
	struct fmt_buf b;

	fmt_buf_init(&b, 0);
	assert_int_equal(0, fmt_link_discover(&b, e, FX_N(e)));
	is_text(&b, "</3>;ver=1.1;pmin=10,</3/0>,</3/0/7>;dim=2;pmin=1;pmax=60;gt=30;lt=-0.25;"
		    "st=0.1;epmin=2;epmax=30;edge=1;con=1;hqmax=5,</3/0/7/1>");
	fmt_buf_init(&b, 0);
	assert_int_equal(-EINVAL, fmt_link_discover(&b,
		&(struct fmt_link_entry){ .path = fx_p("/3/0/7"), .dim = -1, .attrs = &nan }, 1));
	assert_int_equal(-EINVAL, fmt_link_discover(&b,
		&(struct fmt_link_entry){ .path = fx_p("/"), .dim = -1 }, 1));
	fmt_buf_free(&b);
}

struct seen {
	int n;
	struct fmt_link last;
};

static int keep(const struct fmt_link *l, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->last = *l;
	return 0;
}

static void the_reader_takes_rfc_6690_as_it_is(void **state)
{
	static const char good[] = "</sensors/temp>;rt=\"temperature-c\";if=\"sensor\";obs;"
				   "title=\"a \\\"b\\\" \xc3\xa9\",</t%20x>;ct=40;anchor=\"/\","
				   "<coap://[::1]:5683/a?b=c#d>;sz=1234";
	struct seen s = { 0 };

	assert_int_equal(3, fmt_link_parse(good, strlen(good), keep, &s, NULL));
	assert_int_equal(3, s.n);
	assert_int_equal(strlen("coap://[::1]:5683/a?b=c#d"), s.last.uri_len);
	assert_int_equal(1, s.last.nparams);
	assert_memory_equal("1234", s.last.params[0].value, 4);
	assert_int_equal(0, fmt_link_parse("", 0, keep, &s, NULL));
	assert_int_equal(0, fmt_link_parse(NULL, 0, keep, &s, NULL));	/* an empty value */
	assert_int_equal(1, fmt_link_parse("<>", 2, NULL, NULL, NULL));
}

static void the_reader_refuses_what_rfc_6690_does_not_allow(void **state)
{
	static const char *const bad[] = {
		"/3/0", "<", "</3/0", "</3/0>,", ",</3/0>", "</3/0> ", " </3/0>", "</3/0>;",
		"</3/0>;=1", "</3/0>;a=", "</3/0>;a=\"x", "</3/0>;a=x y", "</3/0>;a=b,c",
		"</3 0>", "</3/0>;a=\"\x01\"", "</%zz>", "</%2>", "</3/0><", "</3/0>;a=\"x\"y",
		"</\xc3\xa9>", "</3/0>;a\"b", "</3/0>;a=x,,</1>",
	};
	struct fmt_diag d;

	for (size_t i = 0; i < FX_N(bad); i++) {
		d.msg[0] = '\0';
		assert_int_equal(-EBADMSG, fmt_link_parse(bad[i], strlen(bad[i]), NULL, NULL, &d));
		assert_true(d.msg[0] != '\0');
	}
	assert_int_equal(-E2BIG, fmt_link_parse("<>;a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q", 36, NULL, NULL, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(register_payload_lists_objects_versions_and_instances),
		cmocka_unit_test(discover_answers_carry_dim_and_attributes),
		cmocka_unit_test(the_reader_takes_rfc_6690_as_it_is),
		cmocka_unit_test(the_reader_refuses_what_rfc_6690_does_not_allow),
	};

	return cmocka_run_group_tests_name("fmt_link", tests, NULL, NULL);
}
