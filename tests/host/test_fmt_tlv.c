// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OMA-TLV: the LwM2M TS's examples byte for byte (the Device object instance,
 * its multiple resources, the Access Control object's two instances), every
 * header form and value width at its boundaries, and every malformed form
 * refused with the right -errno and nothing delivered.
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <cmocka.h>

#include "fmt_fixture.h"

/* LwM2M TS 1.1 7.4.3.2 (1.0 6.4.3.2): Read /3/0 */
static const unsigned char device_tlv[] = {
	0xc8, 0x00, 0x14, 'O', 'p', 'e', 'n', ' ', 'M', 'o', 'b', 'i', 'l', 'e', ' ', 'A', 'l', 'l',
	'i', 'a', 'n', 'c', 'e',
	0xc8, 0x01, 0x16, 'L', 'i', 'g', 'h', 't', 'w', 'e', 'i', 'g', 'h', 't', ' ', 'M', '2', 'M',
	' ', 'C', 'l', 'i', 'e', 'n', 't',
	0xc8, 0x02, 0x09, '3', '4', '5', '0', '0', '0', '1', '2', '3',
	0xc3, 0x03, '1', '.', '0',
	0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05,
	0x88, 0x07, 0x08, 0x42, 0x00, 0x0e, 0xd8, 0x42, 0x01, 0x13, 0x88,
	0x87, 0x08, 0x41, 0x00, 0x7d, 0x42, 0x01, 0x03, 0x84,
	0xc1, 0x09, 0x64,
	0xc1, 0x0a, 0x0f,
	0x83, 0x0b, 0x41, 0x00, 0x00,
	0xc4, 0x0d, 0x51, 0x82, 0x42, 0x8f,
	0xc6, 0x0e, '+', '0', '2', ':', '0', '0',
	0xc1, 0x10, 'U',
};

static void encode_ok(int format, const char *base, const struct klwm2m_record *r, size_t n,
		      const void *want, size_t want_len)
{
	struct klwm2m_path b = fx_p(base);
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(format, &b, r, n, &out, &d));
	assert_int_equal(want_len, out.len);
	assert_memory_equal(want, out.data, want_len);
	fmt_buf_free(&out);
}

static void device_instance_read_is_the_ts_example(void **state)
{
	struct klwm2m_record r[32];
	size_t n = fx_device_records(r);

	encode_ok(FMT_TLV, "/3/0", r, n, device_tlv, sizeof(device_tlv));
}

static void device_object_read_wraps_the_instance(void **state)
{
	struct klwm2m_record r[33];
	unsigned char want[3 + sizeof(device_tlv)] = { 0x08, 0x00, 0x79 };
	size_t n;

	r[0] = fx_mark(KLWM2M_RECORD_INSTANCE, "/3/0");
	n = 1 + fx_device_records(r + 1);
	memcpy(want + 3, device_tlv, sizeof(device_tlv));
	encode_ok(FMT_TLV, "/3", r, n, want, sizeof(want));
}

static void multiple_resource_read_is_the_ts_example(void **state)
{
	static const unsigned char want[] = { 0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05 };
	struct klwm2m_record r[] = { FX_INT("/3/0/6/0", 1), FX_INT("/3/0/6/1", 5) };
	static const unsigned char ri[] = { 0x41, 0x01, 0x05 };

	encode_ok(FMT_TLV, "/3/0/6", r, 2, want, sizeof(want));
	encode_ok(FMT_TLV, "/3/0/6/1", r + 1, 1, ri, sizeof(ri));
}

/* LwM2M TS 1.0 6.4.3.3: Read /2, Access Control instances 0 and 2 */
static const unsigned char acl_tlv[] = {
	0x08, 0x00, 0x0e, 0xc1, 0x00, 0x01, 0xc1, 0x01, 0x00, 0x83, 0x02, 0x41, 0x7f, 0x07,
	0xc1, 0x03, 0x7f,
	0x08, 0x02, 0x12, 0xc1, 0x00, 0x03, 0xc1, 0x01, 0x00, 0x87, 0x02, 0x41, 0x7f, 0x07,
	0x61, 0x01, 0x36, 0x01, 0xc1, 0x03, 0x7f,
};

static size_t acl_records(struct klwm2m_record *r)
{
	size_t n = 0;

	r[n++] = fx_mark(KLWM2M_RECORD_INSTANCE, "/2/0");
	r[n++] = FX_INT("/2/0/0", 1);
	r[n++] = FX_INT("/2/0/1", 0);
	r[n++] = fx_mark(FMT_RECORD_MULTIPLE, "/2/0/2");
	r[n++] = FX_INT("/2/0/2/127", 7);
	r[n++] = FX_INT("/2/0/3", 127);
	r[n++] = fx_mark(KLWM2M_RECORD_INSTANCE, "/2/2");
	r[n++] = FX_INT("/2/2/0", 3);
	r[n++] = FX_INT("/2/2/1", 0);
	r[n++] = fx_mark(FMT_RECORD_MULTIPLE, "/2/2/2");
	r[n++] = FX_INT("/2/2/2/127", 7);
	r[n++] = FX_INT("/2/2/2/310", 1);
	r[n++] = FX_INT("/2/2/3", 127);
	return n;
}

static void access_control_object_read_is_the_ts_example(void **state)
{
	struct klwm2m_record r[16];
	size_t n = acl_records(r);

	encode_ok(FMT_TLV, "/2", r, n, acl_tlv, sizeof(acl_tlv));
}

static void ts_examples_decode_to_their_records_with_markers(void **state)
{
	struct klwm2m_record want[33];
	struct fx_recs got = { 0 };
	struct klwm2m_path b = fx_p("/2");
	struct fmt_diag d;
	size_t n = acl_records(want);

	assert_int_equal(0, fx_decode(FMT_TLV, &b, acl_tlv, sizeof(acl_tlv), &got, &d));
	assert_int_equal(n, got.n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(want[i].kind, got.r[i].kind);
		assert_true(fx_path_eq(&want[i].path, &got.r[i].path));
	}
	assert_true(fx_values_eq(want, n, got.r, got.n));

	b = fx_p("/3/0");
	n = fx_device_records(want);
	assert_int_equal(0, fx_decode(FMT_TLV, &b, device_tlv, sizeof(device_tlv), &got, &d));
	assert_true(fx_values_eq(want, n, got.r, got.n));
	/* 6, 7, 8 and 11 are multiple: each announced before its instances */
	assert_int_equal(n + 4, got.n);
	assert_int_equal(FMT_RECORD_MULTIPLE, got.r[4].kind);
	assert_true(fx_path_eq(&got.r[4].path, &(struct klwm2m_path){ .oid = 3, .rid = 6, .depth = 3 }));
	fx_free(&got);
}

/* One value at /9999/0/RID: the bytes its TLV item has after the header. */
static void value_width(struct klwm2m_record r, size_t want_len, const char *want_hex)
{
	struct klwm2m_path b = r.path;
	struct fmt_buf out;
	struct fx_recs got = { 0 };
	struct fmt_diag d;
	unsigned char want[8];

	for (size_t i = 0; i < want_len; i++)
		sscanf(want_hex + 2 * i, "%2hhx", &want[i]);
	fmt_buf_init(&out, 0);
	assert_int_equal(0, fmt_encode(FMT_TLV, &b, &r, 1, &out, &d));
	/* up to 7 bytes the length is in the type byte, 8 takes a length byte */
	assert_int_equal((want_len < 8 ? 2 : 3) + want_len, out.len);
	assert_int_equal(want_len < 8 ? 0xc0 | want_len : 0xc8, out.data[0]);
	assert_memory_equal(want, out.data + out.len - want_len, want_len);
	assert_int_equal(0, fx_decode(FMT_TLV, &b, out.data, out.len, &got, &d));
	assert_int_equal(1, got.n);
	assert_true(fx_value_eq(&r.value, &got.r[0].value));
	fx_free(&got);
	fmt_buf_free(&out);
}

static void numbers_take_the_shortest_faithful_width(void **state)
{
	value_width(FX_INT("/9999/0/0", 0), 1, "00");
	value_width(FX_INT("/9999/0/0", 127), 1, "7f");
	value_width(FX_INT("/9999/0/0", -128), 1, "80");
	value_width(FX_INT("/9999/0/0", 128), 2, "0080");
	value_width(FX_INT("/9999/0/0", -129), 2, "ff7f");
	value_width(FX_INT("/9999/0/0", 32767), 2, "7fff");
	value_width(FX_INT("/9999/0/0", 32768), 4, "00008000");
	value_width(FX_INT("/9999/0/0", INT32_MIN), 4, "80000000");
	value_width(FX_INT("/9999/0/0", (int64_t)INT32_MAX + 1), 8, "0000000080000000");
	value_width(FX_INT("/9999/0/0", INT64_MIN), 8, "8000000000000000");
	value_width(FX_INT("/9999/0/0", INT64_MAX), 8, "7fffffffffffffff");
	value_width(FX_TIME("/9999/0/6", -1), 1, "ff");
	value_width(FX_UINT("/9999/0/1", 255), 1, "ff");
	value_width(FX_UINT("/9999/0/1", 256), 2, "0100");
	value_width(FX_UINT("/9999/0/1", UINT32_MAX), 4, "ffffffff");
	value_width(FX_UINT("/9999/0/1", UINT64_MAX), 8, "ffffffffffffffff");
	value_width(FX_FLOAT("/9999/0/2", 1.5), 4, "3fc00000");
	value_width(FX_FLOAT("/9999/0/2", -0.0), 4, "80000000");
	value_width(FX_FLOAT("/9999/0/2", INFINITY), 4, "7f800000");
	value_width(FX_FLOAT("/9999/0/2", FLT_TRUE_MIN), 4, "00000001");
	value_width(FX_FLOAT("/9999/0/2", 0.1), 8, "3fb999999999999a");
	value_width(FX_FLOAT("/9999/0/2", DBL_TRUE_MIN), 8, "0000000000000001");
	value_width(FX_FLOAT("/9999/0/2", -DBL_MAX), 8, "ffefffffffffffff");
	value_width(FX_FLOAT("/9999/0/2", NAN), 8, "7ff8000000000000");
	value_width(FX_BOOL("/9999/0/3", 1), 1, "01");
	value_width(FX_OBJLNK("/9999/0/7", 65535, 65535), 4, "ffffffff");
	value_width(FX_OBJLNK("/9999/0/7", 3, 258), 4, "00030102");
}

static void headers_take_16_bit_ids_and_8_16_24_bit_lengths(void **state)
{
	static const struct { size_t len, hdr; unsigned char type; } cases[] = {
		{ 0, 2, 0xc0 }, { 7, 2, 0xc7 }, { 8, 3, 0xc8 }, { 255, 3, 0xc8 },
		{ 256, 4, 0xd0 }, { 65535, 4, 0xd0 }, { 65536, 5, 0xd8 },
	};
	char *s = malloc(65536);
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	memset(s, 'x', 65536);
	for (size_t i = 0; i < FX_N(cases); i++) {
		struct klwm2m_record r = FX_BYTES("/9999/0/65534", KLWM2M_TYPE_STRING, s, cases[i].len);
		struct klwm2m_path b = fx_p("/9999/0");
		struct fmt_buf out;
		int err;

		r.path.rid = 4;		/* a string resource, 8-bit ID */
		fmt_buf_init(&out, 0);
		assert_int_equal(0, fmt_encode(FMT_TLV, &b, &r, 1, &out, &d));
		assert_int_equal(cases[i].hdr + cases[i].len, out.len);
		assert_int_equal(cases[i].type, out.data[0]);
		err = fx_decode(FMT_TLV, &b, out.data, out.len, &got, &d);
		if (cases[i].len > KLWM2M_VALUE_WIRE_MAX) {
			assert_int_equal(-E2BIG, err);
		} else {
			assert_int_equal(0, err);
			assert_true(fx_value_eq(&r.value, &got.r[0].value));
		}
		fmt_buf_free(&out);
	}
	/* instance 65534 and resource 65524 (a single string): 16-bit IDs */
	{
		struct klwm2m_record r[] = { fx_mark(KLWM2M_RECORD_INSTANCE, "/9999/65534"),
					     FX_STR("/9999/65534/65524", "") };
		static const unsigned char want[] = { 0x23, 0xff, 0xfe, 0xe0, 0xff, 0xf4 };
		struct klwm2m_path b = fx_p("/9999");

		encode_ok(FMT_TLV, "/9999", r, 2, want, sizeof(want));
		assert_int_equal(0, fx_decode(FMT_TLV, &b, want, sizeof(want), &got, &d));
		assert_true(fx_values_eq(r, 2, got.r, got.n));
	}
	fx_free(&got);
	free(s);
}

/* A TLV header, written out for the expectations below. */
static size_t want_hdr(unsigned char *h, unsigned kind, uint16_t id, size_t len)
{
	size_t n = 0, lt = len < 8 ? 0 : len < 256 ? 1 : len < 65536 ? 2 : 3;

	h[n++] = (unsigned char)(kind << 6 | (id > 255 ? 0x20 : 0) | lt << 3 | (lt ? 0 : len));
	if (id > 255)
		h[n++] = (unsigned char)(id >> 8);
	h[n++] = (unsigned char)id;
	for (size_t k = lt; k > 0; k--)
		h[n++] = (unsigned char)(len >> (8 * (k - 1)));
	return n;
}

/*
 * Nested items (an instance holding a multiple resource holding one
 * instance) whose contents need 0, 8, 16 and 24-bit lengths: the encoder
 * writes them in place and must give exactly these bytes, within a ceiling
 * as tight as the payload and not one byte tighter.
 */
static void nested_items_take_every_length_width_and_fit_the_ceiling(void **state)
{
	static const size_t lens[] = { 0, 3, 250, 300, 65530, 70000 };
	char *s = malloc(70000);
	unsigned char *want = malloc(70100);
	struct fmt_diag d;

	memset(s, 'y', 70000);
	for (size_t i = 0; i < FX_N(lens); i++) {
		struct klwm2m_record r[] = {
			fx_mark(KLWM2M_RECORD_INSTANCE, "/9999/300"),
			fx_mark(FMT_RECORD_MULTIPLE, "/9999/300/7"),
			FX_BYTES("/9999/300/7/2", KLWM2M_TYPE_OPAQUE, s, lens[i]),
			FX_STR("/9999/300/8", "z"),
		};
		unsigned char ri[8], mr[8], in[8], res[8];
		size_t nri = want_hdr(ri, 1, 2, lens[i]);
		size_t nmr = want_hdr(mr, 2, 7, nri + lens[i]);
		size_t nres = want_hdr(res, 3, 8, 1);
		size_t nin = want_hdr(in, 0, 300, nmr + nri + lens[i] + nres + 1);
		size_t len = 0;
		struct klwm2m_path b = fx_p("/9999");
		struct fmt_buf out;

		memcpy(want + len, in, nin), len += nin;
		memcpy(want + len, mr, nmr), len += nmr;
		memcpy(want + len, ri, nri), len += nri;
		memcpy(want + len, s, lens[i]), len += lens[i];
		memcpy(want + len, res, nres), len += nres;
		want[len++] = 'z';
		/* the object (instance item outermost), then the instance */
		encode_ok(FMT_TLV, "/9999", r, FX_N(r), want, len);
		encode_ok(FMT_TLV, "/9999/300", r + 1, FX_N(r) - 1, want + nin, len - nin);

		fmt_buf_init(&out, len);
		assert_int_equal(0, fmt_encode(FMT_TLV, &b, r, FX_N(r), &out, &d));
		assert_int_equal(len, out.len);
		assert_memory_equal(want, out.data, len);
		fmt_buf_free(&out);
		fmt_buf_init(&out, len - 1);
		assert_int_equal(-E2BIG, fmt_encode(FMT_TLV, &b, r, FX_N(r), &out, &d));
		assert_int_equal(len - 1, out.max);
		fmt_buf_free(&out);
	}
	free(want);
	free(s);
}

/* Decoding must fail with @err, say why and deliver nothing. */
static void refused(const char *base, int err, const void *p, size_t len)
{
	struct fmt_diag d;
	int delivered;

	assert_int_equal(err, fx_try(FMT_TLV, base, p, len, &delivered, &d));
	assert_int_equal(0, delivered);
	assert_true(d.msg[0] != '\0');
}

#define REFUSED(base, err, ...) do { \
		static const unsigned char m_[] = { __VA_ARGS__ }; \
		refused(base, err, m_, sizeof(m_)); \
	} while (0)

static void malformed_tlv_is_refused_and_nothing_delivered(void **state)
{
	REFUSED("/3/0", -EBADMSG, 0xc1);			/* truncated header */
	REFUSED("/3/0", -EBADMSG, 0xe1, 0x00);			/* 16-bit ID cut */
	REFUSED("/3/0", -EBADMSG, 0xc8, 0x09);			/* length byte missing */
	REFUSED("/3/0", -EBADMSG, 0xc1, 0x09, 0x64, 0xc2, 0x0a, 0x01); /* overrun, after a good one */
	REFUSED("/3/0", -EBADMSG, 0xd8, 0x00, 0xff, 0xff, 0xff);	/* 24-bit length overrun */
	REFUSED("/9999", -EBADMSG, 0x28, 0xff, 0xff, 0x00);	/* instance 65535 */
	REFUSED("/3/0", -EBADMSG, 0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01); /* inner overrun */
	REFUSED("/3/0", -EBADMSG, 0xc2, 0x06, 0x00, 0x01);	/* multiple sent as single */
	REFUSED("/3/0", -EBADMSG, 0x83, 0x09, 0x41, 0x00, 0x01);	/* single sent as multiple */
	REFUSED("/3/0", -EBADMSG, 0x83, 0x06, 0xc1, 0x00, 0x01);	/* resource in a multiple */
	REFUSED("/3/0", -EBADMSG, 0x41, 0x00, 0x01);		/* RI at the instance's level */
	REFUSED("/3/0", -EBADMSG, 0xc1, 0x09, 0x64, 0xc1, 0x09, 0x65);	/* duplicate */
	REFUSED("/3/0/9", -EBADMSG, 0xc1, 0x0a, 0x64);		/* outside the path */
	REFUSED("/3/0", -EBADMSG, 0x03, 0x01, 0xc1, 0x09, 0x64);	/* another instance */
	REFUSED("/3", -EBADMSG, 0x03, 0x00, 0xc1, 0x09, 0x64, 0x03, 0x00, 0xc1, 0x0a, 0x01);
	REFUSED("/3", -EBADMSG, 0x03, 0x00, 0xc1, 0x09, 0x64, 0xc1, 0x0a, 0x01); /* mixed levels */
	REFUSED("/3/0", -ENOENT, 0xc1, 0x63, 0x01);		/* resource 99 undefined */
	REFUSED("/3/0", -EINVAL, 0xc1, 0x04, 0x01);		/* Reboot holds no value */
	REFUSED("/3/0", -EINVAL, 0xc3, 0x09, 0x00, 0x00, 0x01);	/* a 3-byte integer */
	REFUSED("/9999/0", -EINVAL, 0xc1, 0x03, 0x02);		/* boolean 2 */
	REFUSED("/9999/0", -EINVAL, 0xc2, 0x03, 0x00, 0x01);	/* 2-byte boolean */
	REFUSED("/9999/0", -EINVAL, 0xc3, 0x07, 0x00, 0x01, 0x02);	/* 3-byte object link */
	REFUSED("/9999/0", -EINVAL, 0xc2, 0x02, 0x3f, 0x80);	/* 2-byte float */
	REFUSED("/9999/0", -EINVAL, 0xc2, 0x04, 0xc3, 0x28);	/* not UTF-8 */
	REFUSED("/9999/0", -EINVAL, 0xc2, 0x04, 'a', 0x00);	/* NUL in a string */
	REFUSED("/9999/0", -EINVAL, 0xc2, 0x08, '<', '/');	/* not a core link */
	REFUSED("/9999/0/0", -EBADMSG, 0x41, 0x00, 0x01);	/* RIs of a single resource */
	REFUSED("/9999/0/0/1", -ENOENT, 0x41, 0x01, 0x01);	/* a single resource's instance */
	REFUSED("/", -EOPNOTSUPP, 0xc1, 0x00, 0x01);
	refused("/", -EOPNOTSUPP, "", 0);			/* found by fmt_tlv's fuzzing */
}

static void resource_instance_write_takes_only_its_own_id(void **state)
{
	struct klwm2m_path b = fx_p("/9999/0/10/1");
	struct fx_recs got = { 0 };
	struct fmt_diag d;
	static const unsigned char one[] = { 0x41, 0x01, 0x05 }, other[] = { 0x41, 0x02, 0x05 };

	assert_int_equal(0, fx_decode(FMT_TLV, &b, one, sizeof(one), &got, &d));
	assert_int_equal(1, got.n);	/* no MULTIPLE marker: one instance is written */
	assert_int_equal(5, got.r[0].value.i);
	assert_int_equal(-EBADMSG, fx_decode(FMT_TLV, &b, other, sizeof(other), &got, &d));
	fx_free(&got);
}

static void create_with_resources_only_leaves_the_instance_id_to_the_client(void **state)
{
	static const unsigned char p[] = { 0xc1, 0x00, 0x2a, 0xc1, 0x03, 0x01 };
	struct klwm2m_path b = fx_p("/9999");
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	assert_int_equal(0, fx_decode(FMT_TLV, &b, p, sizeof(p), &got, &d));
	assert_int_equal(3, got.n);
	assert_int_equal(KLWM2M_RECORD_INSTANCE, got.r[0].kind);
	assert_int_equal(KLWM2M_ID_NONE, got.r[0].path.iid);
	assert_int_equal(42, got.r[1].value.i);
	assert_int_equal(KLWM2M_ID_NONE, got.r[2].path.iid);
	fx_free(&got);
}

static void empty_instances_and_multiple_resources_are_written_and_read(void **state)
{
	struct klwm2m_record r[] = { fx_mark(KLWM2M_RECORD_INSTANCE, "/9999/0"),
				     fx_mark(KLWM2M_RECORD_INSTANCE, "/9999/1"),
				     fx_mark(FMT_RECORD_MULTIPLE, "/9999/1/10") };
	static const unsigned char want[] = { 0x00, 0x00, 0x02, 0x01, 0x80, 0x0a };
	struct klwm2m_path b = fx_p("/9999");
	struct fx_recs got = { 0 };
	struct fmt_diag d;

	encode_ok(FMT_TLV, "/9999", r, 3, want, sizeof(want));
	assert_int_equal(0, fx_decode(FMT_TLV, &b, want, sizeof(want), &got, &d));
	assert_int_equal(3, got.n);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(r[i].kind, got.r[i].kind);
		assert_true(fx_path_eq(&r[i].path, &got.r[i].path));
	}
	fx_free(&got);
}

static void encoder_refuses_secrets_disorder_and_the_root(void **state)
{
	struct klwm2m_record r[] = { FX_INT("/3/0/9", 1), FX_INT("/3/0/10", 2) };
	struct klwm2m_record swapped[] = { r[1], r[0] };
	struct klwm2m_record secret = { .kind = KLWM2M_RECORD_SECRET, .path = fx_p("/0/0/5") };
	struct klwm2m_path b = fx_p("/3/0"), root = fx_p("/"), other = fx_p("/3/1");
	struct fmt_buf out;
	struct fmt_diag d;

	fmt_buf_init(&out, 0);
	assert_int_equal(-EINVAL, fmt_encode(FMT_TLV, &b, swapped, 2, &out, &d));
	assert_int_equal(-EINVAL, fmt_encode(FMT_TLV, &other, r, 2, &out, &d));
	assert_int_equal(-EACCES, fmt_encode(FMT_TLV, &root, &secret, 1, &out, &d));
	assert_int_equal(-EOPNOTSUPP, fmt_encode(FMT_TLV, &root, r, 2, &out, &d));
	fmt_buf_free(&out);
	fmt_buf_init(&out, 4);		/* a ceiling */
	assert_int_equal(-E2BIG, fmt_encode(FMT_TLV, &b, r, 2, &out, &d));
	fmt_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_instance_read_is_the_ts_example),
		cmocka_unit_test(device_object_read_wraps_the_instance),
		cmocka_unit_test(multiple_resource_read_is_the_ts_example),
		cmocka_unit_test(access_control_object_read_is_the_ts_example),
		cmocka_unit_test(ts_examples_decode_to_their_records_with_markers),
		cmocka_unit_test(numbers_take_the_shortest_faithful_width),
		cmocka_unit_test(headers_take_16_bit_ids_and_8_16_24_bit_lengths),
		cmocka_unit_test(nested_items_take_every_length_width_and_fit_the_ceiling),
		cmocka_unit_test(malformed_tlv_is_refused_and_nothing_delivered),
		cmocka_unit_test(resource_instance_write_takes_only_its_own_id),
		cmocka_unit_test(create_with_resources_only_leaves_the_instance_id_to_the_client),
		cmocka_unit_test(empty_instances_and_multiple_resources_are_written_and_read),
		cmocka_unit_test(encoder_refuses_secrets_disorder_and_the_root),
	};

	return cmocka_run_group_tests_name("fmt_tlv", tests, NULL, NULL);
}
