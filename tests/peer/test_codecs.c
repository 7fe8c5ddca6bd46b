// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The test server's codecs against bytes written by hand from the specs
 * (LwM2M 1.1 TLV and its Device object example, RFC 8428 SenML JSON and
 * CBOR, RFC 6690 link format), not against each other: the stand-in device
 * uses the same codecs, so only outside bytes can catch a symmetric mistake.
 * Hostile inputs must be refused with a reason, never half-decoded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "formats.h"
#include "linkfmt.h"

static struct pv_path P(const char *s)
{
	struct pv_path p;

	assert_int_equal(pv_path_parse(s, &p), 0);
	return p;
}

static void assert_value(const struct pv_list *l, const char *path, const char *literal)
{
	struct pv_path p = P(path);
	const struct pv_rec *r = pv_list_find(l, &p);
	struct pv_value want;
	const char *err;

	assert_non_null(r);
	assert_int_equal(pv_value_parse(literal, &want, &err), 0);
	assert_int_equal(pv_compare(&r->v, PV_EQ, &want), 1);
	pv_value_free(&want);
}

static void add(struct pv_list *l, const char *path, const char *literal)
{
	struct pv_path p = P(path);
	struct pv_value v;
	const char *err;

	assert_int_equal(pv_value_parse(literal, &v, &err), 0);
	assert_int_equal(pv_list_add(l, &p, &v), 0);
}

/* The Device object instance of the LwM2M TLV example (subset). */
static const uint8_t device_tlv[] = {
	0xc8, 0x00, 0x14, 'O', 'p', 'e', 'n', ' ', 'M', 'o', 'b', 'i', 'l', 'e', ' ',
	'A', 'l', 'l', 'i', 'a', 'n', 'c', 'e',
	0xc8, 0x01, 0x16, 'L', 'i', 'g', 'h', 't', 'w', 'e', 'i', 'g', 'h', 't', ' ',
	'M', '2', 'M', ' ', 'C', 'l', 'i', 'e', 'n', 't',
	0xc1, 0x09, 0x64,
	0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05,
	0xc4, 0x0d, 0x51, 0x82, 0x42, 0x8f,
	0xc6, 0x0e, '+', '0', '2', ':', '0', '0',
	0xc1, 0x10, 'U',
};

static void tlv_device_example_decodes_and_encodes_back(void **state)
{
	struct pv_path base = P("/3/0");
	struct pv_list got = { 0 }, vals = { 0 };
	const char *err = NULL;
	uint8_t *buf;
	size_t len;

	assert_int_equal(fmt_decode(CF_TLV, &base, device_tlv, sizeof(device_tlv), &got, &err), 0);
	assert_null(err);	/* success leaves the reason alone */
	assert_int_equal(got.n, 8);
	assert_value(&got, "/3/0/0", "\"Open Mobile Alliance\"");
	assert_value(&got, "/3/0/9", "100");
	assert_value(&got, "/3/0/6/0", "1");
	assert_value(&got, "/3/0/6/1", "5");
	assert_value(&got, "/3/0/13", "time:1367491215");
	assert_value(&got, "/3/0/16", "\"U\"");

	add(&vals, "/3/0/0", "\"Open Mobile Alliance\"");
	add(&vals, "/3/0/1", "\"Lightweight M2M Client\"");
	add(&vals, "/3/0/9", "100");
	add(&vals, "/3/0/6/0", "1");
	add(&vals, "/3/0/6/1", "5");
	add(&vals, "/3/0/13", "time:1367491215");
	add(&vals, "/3/0/14", "\"+02:00\"");
	add(&vals, "/3/0/16", "\"U\"");
	assert_int_equal(fmt_encode(CF_TLV, &base, &vals, &buf, &len, &err), 0);
	assert_int_equal(len, sizeof(device_tlv));
	assert_memory_equal(buf, device_tlv, len);
	free(buf);
	pv_list_free(&got);
	pv_list_free(&vals);
}

static void tlv_instances_16bit_ids_and_long_values(void **state)
{
	static const uint8_t obj[] = { 0x08, 0x00, 0x0b, 0xc1, 0x09, 0x64,
				       0xc6, 0x0e, '+', '0', '2', ':', '0', '0' };
	static const uint8_t temp[] = { 0xe4, 0x16, 0x44, 0x41, 0xac, 0x00, 0x00 };
	struct pv_path o = P("/3"), inst = P("/3303/0");
	struct pv_list got = { 0 }, vals = { 0 };
	const char *err;
	uint8_t *buf;
	size_t len;
	char *big = malloc(70003);

	assert_int_equal(fmt_decode(CF_TLV, &o, obj, sizeof(obj), &got, &err), 0);
	assert_int_equal(got.n, 2);
	assert_value(&got, "/3/0/14", "\"+02:00\"");
	pv_list_free(&got);

	assert_int_equal(fmt_decode(CF_TLV, &inst, temp, sizeof(temp), &got, &err), 0);
	assert_value(&got, "/3303/0/5700", "float:21.5");
	pv_list_free(&got);
	add(&vals, "/3303/0/5700", "21.5");
	assert_int_equal(fmt_encode(CF_TLV, &inst, &vals, &buf, &len, &err), 0);
	assert_int_equal(len, sizeof(temp));
	assert_memory_equal(buf, temp, len);
	free(buf);
	pv_list_free(&vals);

	/* a 69998-byte string takes the 24-bit length */
	big[0] = 's', big[1] = 't', big[2] = 'r', big[3] = ':';
	memset(big + 4, 'z', 69998);
	big[70002] = 0;
	add(&vals, "/3/0/17", big);
	o = P("/3/0");
	assert_int_equal(fmt_encode(CF_TLV, &o, &vals, &buf, &len, &err), 0);
	assert_int_equal(len, 69998 + 5);	/* type, ID, 3 length bytes */
	assert_int_equal(buf[0], 0xd8);
	assert_int_equal(fmt_decode(CF_TLV, &o, buf, len, &got, &err), 0);
	assert_int_equal(got.r[0].v.len, 69998);
	free(buf);
	free(big);
	pv_list_free(&got);
	pv_list_free(&vals);
}

static void tlv_hostile_input_is_refused(void **state)
{
	static const struct {
		const char *base;
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ "/3/0", { 0xc8, 0x00, 0x14, 'O' }, 4 },		/* truncated value */
		{ "/3/0", { 0xc8 }, 1 },				/* truncated header */
		{ "/3/0", { 0x08, 0x00, 0x00 }, 3 },			/* instance under an instance */
		{ "/3/0", { 0x41, 0x00, 0x01 }, 3 },			/* resource instance alone */
		{ "/3/0/9", { 0xc1, 0x0a, 0x01 }, 3 },			/* not the requested resource */
		{ "/3/0", { 0x86, 0x06, 0xc1, 0x00, 0x01, 0, 0, 0 }, 8 },/* resource in a multiple one */
		{ "/3", { 0x08, 0x00, 0x03, 0x08, 0x01, 0x00 }, 6 },	/* instance in an instance */
		{ "/3/0", { 0xc1, 0x09, 0x01, 0xc1, 0x09, 0x02 }, 6 },	/* /3/0/9 twice */
		{ "/3/0", { 0xc1, 0x0b, 0x01, 0x83, 0x0b, 0x41, 0x00, 0x02 }, 8 },/* 11 single and multiple */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pv_path base = P(bad[i].base);
		struct pv_list got = { 0 };
		const char *err = NULL;

		assert_int_not_equal(fmt_decode(CF_TLV, &base, bad[i].b, bad[i].n, &got, &err), 0);
		assert_non_null(err);
		pv_list_free(&got);
	}
}

static void senml_json_names_values_and_base64(void **state)
{
	static const char in[] =
		"[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},{\"n\":\"9\",\"v\":100},"
		"{\"n\":\"6/0\",\"v\":1},{\"n\":\"13\",\"v\":1367491215,\"t\":0},{\"n\":\"17\",\"vd\":\"AQID\"},"
		"{\"bn\":\"/3303/0/\",\"n\":\"5700\",\"v\":21.5},{\"n\":\"5701\",\"vb\":true},"
		"{\"n\":\"5702\",\"vlo\":\"3:0\"},{\"n\":\"5703\",\"v\":18446744073709551615}]";
	struct pv_path base = P("/3");
	struct pv_list got = { 0 };
	const char *err;

	err = NULL;
	assert_int_equal(fmt_decode(CF_SENML_JSON, &base, (const uint8_t *)in, strlen(in), &got, &err), 0);
	assert_null(err);
	assert_int_equal(got.n, 9);
	assert_value(&got, "/3/0/0", "\"Open Mobile Alliance\"");
	assert_value(&got, "/3/0/6/0", "1");
	assert_value(&got, "/3/0/13", "time:1367491215");
	assert_value(&got, "/3/0/17", "0x010203");
	assert_value(&got, "/3303/0/5700", "21.5");
	assert_value(&got, "/3303/0/5701", "true");
	assert_value(&got, "/3303/0/5702", "objlnk:3:0");
	assert_value(&got, "/3303/0/5703", "uint:18446744073709551615");
	pv_list_free(&got);
}

/* [{-2:"/3/0/", 0:"0", 3:"abc"}, {0:"9", 2:100}, {0:"13", 2:1.0 (half)}] */
static const uint8_t senml_cbor_in[] = {
	0x83, 0xa3, 0x21, 0x65, '/', '3', '/', '0', '/', 0x00, 0x61, '0', 0x03, 0x63, 'a', 'b', 'c',
	0xa2, 0x00, 0x61, '9', 0x02, 0x18, 0x64,
	0xa2, 0x00, 0x62, '1', '3', 0x02, 0xf9, 0x3c, 0x00,
};

static void senml_cbor_labels_and_half_floats(void **state)
{
	struct pv_path base = P("/3/0");
	struct pv_list got = { 0 };
	const char *err = NULL;

	assert_int_equal(fmt_decode(CF_SENML_CBOR, &base, senml_cbor_in, sizeof(senml_cbor_in),
				    &got, &err), 0);
	assert_null(err);
	assert_int_equal(got.n, 3);
	assert_value(&got, "/3/0/0", "\"abc\"");
	assert_value(&got, "/3/0/9", "100");
	assert_value(&got, "/3/0/13", "float:1.0");
	pv_list_free(&got);
}

static void senml_hostile_input_is_refused(void **state)
{
	static const char *const json[] = {
		"{}", "[1]", "[{\"n\":\"/3/0/0\"}]", "[{\"n\":\"/3/0/0\",\"v\":1,\"vs\":\"x\"}]",
		"[{\"n\":\"/3/0/0\",\"v\":1,\"foo_\":1}]", "[{\"n\":\"x\",\"v\":1}]", "[]x",
		"[{\"n\":\"/3/0/0\",\"vd\":\"*\"}]", "[{\"n\":\"/3/0/0\",\"vlo\":\"3\"}]",
		"[{\"n\":\"/3/0/0\",\"v\":\"1\"}]", "[{\"n\":\"/\",\"v\":1}]",
	};
	static const uint8_t cbor_bv[] = { 0x81, 0xa2, 0x00, 0x61, '0', 0x24, 0x01 };
	struct pv_path base = P("/3/0");
	const char *err;

	for (size_t i = 0; i < sizeof(json) / sizeof(json[0]); i++) {
		struct pv_list got = { 0 };

		err = NULL;
		assert_int_not_equal(fmt_decode(CF_SENML_JSON, &base, (const uint8_t *)json[i],
						strlen(json[i]), &got, &err), 0);
		assert_non_null(err);
		assert_int_equal(got.n, 0);
		pv_list_free(&got);
	}
	for (size_t n = 0; n < sizeof(senml_cbor_in); n++) {	/* every truncation */
		struct pv_list got = { 0 };

		assert_int_not_equal(fmt_decode(CF_SENML_CBOR, &base, senml_cbor_in, n, &got, &err), 0);
		pv_list_free(&got);
	}
	struct pv_list got = { 0 };

	assert_int_not_equal(fmt_decode(CF_SENML_CBOR, &base, cbor_bv, sizeof(cbor_bv), &got, &err), 0);
	pv_list_free(&got);

	/* Counts that the bytes cannot hold are refused before libcbor allocates for them. */
	static const uint8_t cbor_lies[][10] = {
		{ 0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xa0 },	/* 2^32 records */
		{ 0x81, 0xbb, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00 },	/* 2^36 pairs */
		{ 0x82, 0x81, 0x80, 0x80 },	/* an array ends early: 2 claimed, 1 left */
	};
	for (size_t i = 0; i < sizeof(cbor_lies) / sizeof(cbor_lies[0]); i++) {
		err = NULL;
		assert_int_not_equal(fmt_decode(CF_SENML_CBOR, &base, cbor_lies[i],
						i == 2 ? 4 : sizeof(cbor_lies[i]), &got, &err), 0);
		assert_non_null(err);
		pv_list_free(&got);
	}
	/* vb holding a float (libcbor 0.8's cbor_is_bool() asserts on one). */
	static const uint8_t cbor_vb_float[] = { 0x81, 0xa2, 0x00, 0x61, '0', 0x04, 0xf9, 0x3c, 0x00 };

	err = NULL;
	assert_int_not_equal(fmt_decode(CF_SENML_CBOR, &base, cbor_vb_float, sizeof(cbor_vb_float),
					&got, &err), 0);
	assert_string_equal(err, "SenML vb is not a boolean");
	pv_list_free(&got);
}

static void senml_round_trips_every_type(void **state)
{
	static const int cfs[] = { CF_SENML_JSON, CF_SENML_CBOR, CF_TLV };
	static const char *const lit[][2] = {
		{ "/1/0/1", "-5" }, { "/1/0/2", "uint:18446744073709551615" }, { "/1/0/3", "0.1" },
		{ "/1/0/4", "false" }, { "/1/0/5", "\"a \\\"q\\\"\"" }, { "/1/0/6", "0x00ff" },
		{ "/1/0/7", "objlnk:65534:1" }, { "/1/0/8", "time:-1" }, { "/1/0/9/3", "7" },
	};
	struct pv_path base = P("/1/0");

	for (size_t c = 0; c < sizeof(cfs) / sizeof(cfs[0]); c++) {
		struct pv_list vals = { 0 }, got = { 0 };
		const char *err;
		uint8_t *buf;
		size_t len;

		for (size_t i = 0; i < sizeof(lit) / sizeof(lit[0]); i++)
			add(&vals, lit[i][0], lit[i][1]);
		assert_int_equal(fmt_encode(cfs[c], &base, &vals, &buf, &len, &err), 0);
		assert_int_equal(fmt_decode(cfs[c], &base, buf, len, &got, &err), 0);
		assert_int_equal(got.n, vals.n);
		for (size_t i = 0; i < sizeof(lit) / sizeof(lit[0]); i++)
			assert_value(&got, lit[i][0], lit[i][1]);
		free(buf);
		pv_list_free(&vals);
		pv_list_free(&got);
	}
}

static void link_format_parses_matches_and_refuses(void **state)
{
	static const char in[] = "</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>;ver=1.1";
	static const char *const bad[] = { "</1/0", "</1/0>,", "</1/0>x", "</1/0>;=\"x\"",
					   "</1/0>;a=\"x", "1/0" };
	struct link_list l, want;
	const char *err;

	assert_int_equal(link_parse(in, strlen(in), &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.l[0].attr[0].value, "oma.lwm2m");
	assert_int_equal(link_parse("</3/0>;ver=1.1", 14, &want, &err), 0);
	assert_true(link_list_contains(&l, &want.l[0]));
	link_list_free(&want);
	assert_int_equal(link_parse("</3/0>;ver=1.0", 14, &want, &err), 0);
	assert_false(link_list_contains(&l, &want.l[0]));
	link_list_free(&want);
	link_list_free(&l);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_not_equal(link_parse(bad[i], strlen(bad[i]), &l, &err), 0);
		assert_non_null(err);
	}
}

static void literals_and_untyped_comparisons(void **state)
{
	static const char *const bad[] = { "int:x", "uint:-1", "bool:maybe", "objlnk:3", "nope",
					   "\"open", "opaque:abc", "float:inf", "colour:red" };
	struct pv_value raw = { .kind = PV_RAW, .buf = (uint8_t *)"\xff", .len = 1 };
	struct pv_value text = { .kind = PV_TEXT, .buf = (uint8_t *)"21.5", .len = 4 };
	struct pv_value v;
	const char *err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(pv_value_parse(bad[i], &v, &err), 0);
	assert_int_equal(pv_value_parse("-1", &v, &err), 0);
	assert_int_equal(pv_compare(&raw, PV_EQ, &v), 1);
	assert_int_equal(pv_value_parse("uint:255", &v, &err), 0);
	assert_int_equal(pv_compare(&raw, PV_EQ, &v), 1);
	assert_int_equal(pv_value_parse("20", &v, &err), 0);
	assert_int_equal(pv_compare(&text, PV_GT, &v), -EINVAL);	/* "21.5" is no integer */
	assert_int_equal(pv_value_parse("20.0", &v, &err), 0);
	assert_int_equal(pv_compare(&text, PV_GT, &v), 1);
	assert_int_equal(pv_value_parse("\"x\"", &v, &err), 0);
	assert_int_equal(pv_compare(&text, PV_LT, &v), -EINVAL);	/* strings do not order */
	pv_value_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tlv_device_example_decodes_and_encodes_back),
		cmocka_unit_test(tlv_instances_16bit_ids_and_long_values),
		cmocka_unit_test(tlv_hostile_input_is_refused),
		cmocka_unit_test(senml_json_names_values_and_base64),
		cmocka_unit_test(senml_cbor_labels_and_half_floats),
		cmocka_unit_test(senml_hostile_input_is_refused),
		cmocka_unit_test(senml_round_trips_every_type),
		cmocka_unit_test(link_format_parses_matches_and_refuses),
		cmocka_unit_test(literals_and_untyped_comparisons),
	};

	return cmocka_run_group_tests_name("peer_codecs", tests, NULL, NULL);
}
