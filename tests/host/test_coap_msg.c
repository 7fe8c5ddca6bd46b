// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of the agent's CoAP message codec (agent/coap/msg.h).
 * Messages are written out byte by byte from RFC 7252's figures and from
 * what LwM2M servers and clients exchange (register, read in TLV, block-wise
 * transfers, notifications); each must parse to the expected fields, be
 * built byte-identical from the API, and round-trip. Then every extended
 * delta/length boundary, every malformed form, and the options RFC 7252
 * wants treated as unrecognised. libcoap, the library of the peers the
 * agent meets in the end-to-end tests, must read what the builder writes
 * exactly as this codec does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <coap3/coap.h>

#include "msg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

/* ------------------------------------------------------------ real messages */

static void build_rfc_get(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_CON, KCOAP_GET, 0x7d34);
	assert_int_equal(0, kcoap_msg_add_str(m, KCOAP_OPT_URI_PATH, "temperature"));
}

static void build_rfc_content(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_ACK, KCOAP_CONTENT, 0x7d34);
	kcoap_msg_set_payload(m, "22.3 C", 6);
}

static void build_rfc_get_token(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_CON, KCOAP_GET, 0x7d35);
	assert_int_equal(0, kcoap_msg_set_token(m, "\x71", 1));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_URI_PATH, "/temperature"));
}

static void build_register(struct kcoap_msg *m)
{
	static const char links[] = "</1/0>,</3/0>";

	kcoap_msg_init(m, KCOAP_CON, KCOAP_POST, 0x1234);
	assert_int_equal(0, kcoap_msg_set_token(m, "\xaa\xbb\xcc\xdd", 4));
	/* in an order of its own: the builder sorts */
	assert_int_equal(0, kcoap_msg_add_str(m, KCOAP_OPT_URI_QUERY, "ep=dev1"));
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_LINK));
	assert_int_equal(0, kcoap_msg_add_str(m, KCOAP_OPT_URI_QUERY, "lt=300"));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_URI_PATH, "/rd"));
	assert_int_equal(0, kcoap_msg_add_str(m, KCOAP_OPT_URI_QUERY, "lwm2m=1.1"));
	assert_int_equal(0, kcoap_msg_add_str(m, KCOAP_OPT_URI_QUERY, "b=U"));
	kcoap_msg_set_payload(m, links, strlen(links));
}

static void build_created(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_ACK, KCOAP_CREATED, 0x1234);
	assert_int_equal(0, kcoap_msg_set_token(m, "\xaa\xbb\xcc\xdd", 4));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_LOCATION_PATH, "/rd/5a3f"));
}

static void build_tlv_content(struct kcoap_msg *m)
{
	static const char tlv[] = "\xc8\x00\x14Open Mobile Alliance";

	kcoap_msg_init(m, KCOAP_ACK, KCOAP_CONTENT, 0x0101);
	assert_int_equal(0, kcoap_msg_set_token(m, "\x01\x02", 2));
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_LWM2M_TLV));
	kcoap_msg_set_payload(m, tlv, sizeof(tlv) - 1);
}

static void build_block2_request(struct kcoap_msg *m)
{
	struct kcoap_block b = { .num = 2, .szx = 2 };

	kcoap_msg_init(m, KCOAP_CON, KCOAP_GET, 0x2000);
	assert_int_equal(0, kcoap_msg_set_token(m, "\x0a", 1));
	assert_int_equal(0, kcoap_msg_add_block(m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_URI_PATH, "/3/0"));
}

static void build_block2_response(struct kcoap_msg *m)
{
	struct kcoap_block b = { .num = 2, .szx = 2 };

	kcoap_msg_init(m, KCOAP_ACK, KCOAP_CONTENT, 0x2000);
	assert_int_equal(0, kcoap_msg_set_token(m, "\x0a", 1));
	assert_int_equal(0, kcoap_msg_add_block(m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_LWM2M_TLV));
	kcoap_msg_set_payload(m, "xyz", 3);
}

static void build_block1_put(struct kcoap_msg *m)
{
	struct kcoap_block b = { .num = 0, .more = true, .szx = 6 };

	kcoap_msg_init(m, KCOAP_CON, KCOAP_PUT, 0x4242);
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_SIZE1, 100000));
	assert_int_equal(0, kcoap_msg_add_block(m, KCOAP_OPT_BLOCK1, &b));
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_OCTET_STREAM));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_URI_PATH, "/5/0/0"));
	kcoap_msg_set_payload(m, "\x7f" "ELF", 4);
}

static void build_notification(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_CON, KCOAP_CONTENT, 0x3000);
	assert_int_equal(0, kcoap_msg_set_token(m, "\x01\x02\x03\x04", 4));
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_TEXT));
	assert_int_equal(0, kcoap_msg_add_observe(m, 12));
	kcoap_msg_set_payload(m, "21.5", 4);
}

static void build_notification_big_seq(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_NON, KCOAP_CONTENT, 0x3001);
	assert_int_equal(0, kcoap_msg_set_token(m, "\x01\x02\x03\x04", 4));
	/* bits past 24 are dropped */
	assert_int_equal(0, kcoap_msg_add_observe(m, 0xff010203));
	kcoap_msg_set_payload(m, "21.6", 4);
}

static void build_observe_request(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_CON, KCOAP_GET, 0x5555);
	assert_int_equal(0, kcoap_msg_set_token(m, "\xfe\xed\xfa\xce\xde\xad\xbe\xef", 8));
	assert_int_equal(0, kcoap_msg_add_uint(m, KCOAP_OPT_ACCEPT, KCOAP_CF_SENML_CBOR));
	assert_int_equal(0, kcoap_msg_add_path(m, KCOAP_OPT_URI_PATH, "/3303/0/5700"));
	assert_int_equal(0, kcoap_msg_add_observe(m, KCOAP_OBSERVE_REGISTER));
}

static void build_ping(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_CON, KCOAP_EMPTY, 0xbeef);
}

static void build_rst(struct kcoap_msg *m)
{
	kcoap_msg_init(m, KCOAP_RST, KCOAP_EMPTY, 0xbeef);
}

static const struct msg_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	void (*build)(struct kcoap_msg *m);
	const char *summary;
} msg_cases[] = {
	{ "RFC 7252 figure 16: CON GET /temperature",
	  BYTES(0x40, 0x01, 0x7d, 0x34, 0xbb,
		't', 'e', 'm', 'p', 'e', 'r', 'a', 't', 'u', 'r', 'e'),
	  build_rfc_get, "CON 0.01 GET mid=0x7d34 /temperature" },
	{ "RFC 7252 figure 16: its piggybacked 2.05",
	  BYTES(0x60, 0x45, 0x7d, 0x34, 0xff, '2', '2', '.', '3', ' ', 'C'),
	  build_rfc_content, "ACK 2.05 Content mid=0x7d34 len=6" },
	{ "RFC 7252 figure 17: GET with a 1-byte token",
	  BYTES(0x41, 0x01, 0x7d, 0x35, 0x71, 0xbb,
		't', 'e', 'm', 'p', 'e', 'r', 'a', 't', 'u', 'r', 'e'),
	  build_rfc_get_token, "CON 0.01 GET mid=0x7d35 tok=71 /temperature" },
	{ "LwM2M register: POST /rd?ep=dev1&lt=300&lwm2m=1.1&b=U, link format",
	  BYTES(0x44, 0x02, 0x12, 0x34, 0xaa, 0xbb, 0xcc, 0xdd,
		0xb2, 'r', 'd',
		0x11, 0x28,
		0x37, 'e', 'p', '=', 'd', 'e', 'v', '1',
		0x06, 'l', 't', '=', '3', '0', '0',
		0x09, 'l', 'w', 'm', '2', 'm', '=', '1', '.', '1',
		0x03, 'b', '=', 'U',
		0xff, '<', '/', '1', '/', '0', '>', ',', '<', '/', '3', '/', '0', '>'),
	  build_register,
	  "CON 0.02 POST mid=0x1234 tok=aabbccdd /rd ?ep=dev1&lt=300&lwm2m=1.1&b=U cf=40 len=13" },
	{ "LwM2M register's 2.01 Created with Location-Path /rd/5a3f",
	  BYTES(0x64, 0x41, 0x12, 0x34, 0xaa, 0xbb, 0xcc, 0xdd,
		0x82, 'r', 'd', 0x04, '5', 'a', '3', 'f'),
	  build_created, "ACK 2.01 Created mid=0x1234 tok=aabbccdd loc=/rd/5a3f" },
	{ "LwM2M read: 2.05 with a TLV payload, Content-Format 11542",
	  BYTES(0x62, 0x45, 0x01, 0x01, 0x01, 0x02,
		0xc2, 0x2d, 0x16,
		0xff, 0xc8, 0x00, 0x14, 'O', 'p', 'e', 'n', ' ', 'M', 'o', 'b', 'i', 'l', 'e',
		' ', 'A', 'l', 'l', 'i', 'a', 'n', 'c', 'e'),
	  build_tlv_content, "ACK 2.05 Content mid=0x0101 tok=0102 cf=11542 len=23" },
	{ "Block2 request: GET /3/0, block 2 of 64 bytes",
	  BYTES(0x41, 0x01, 0x20, 0x00, 0x0a, 0xb1, '3', 0x01, '0', 0xc1, 0x22),
	  build_block2_request, "CON 0.01 GET mid=0x2000 tok=0a /3/0 block2=2/0/64" },
	{ "Block2 response: last block, TLV",
	  BYTES(0x61, 0x45, 0x20, 0x00, 0x0a, 0xc2, 0x2d, 0x16, 0xb1, 0x22,
		0xff, 'x', 'y', 'z'),
	  build_block2_response,
	  "ACK 2.05 Content mid=0x2000 tok=0a cf=11542 block2=2/0/64 len=3" },
	{ "Block1 PUT /5/0/0 with Size1 100000: extended deltas 15 and 33",
	  BYTES(0x40, 0x03, 0x42, 0x42, 0xb1, '5', 0x01, '0', 0x01, '0',
		0x11, 0x2a,
		0xd1, 0x02, 0x0e,
		0xd3, 0x14, 0x01, 0x86, 0xa0,
		0xff, 0x7f, 'E', 'L', 'F'),
	  build_block1_put, "CON 0.03 PUT mid=0x4242 /5/0/0 cf=42 block1=0/1/1024 len=4" },
	{ "Observe notification: CON 2.05, Observe 12, Content-Format 0 (empty value)",
	  BYTES(0x44, 0x45, 0x30, 0x00, 0x01, 0x02, 0x03, 0x04, 0x61, 0x0c, 0x60,
		0xff, '2', '1', '.', '5'),
	  build_notification, "CON 2.05 Content mid=0x3000 tok=01020304 obs=12 cf=0 len=4" },
	{ "Observe notification: NON, 3-byte sequence number",
	  BYTES(0x54, 0x45, 0x30, 0x01, 0x01, 0x02, 0x03, 0x04, 0x63, 0x01, 0x02, 0x03,
		0xff, '2', '1', '.', '6'),
	  build_notification_big_seq,
	  "NON 2.05 Content mid=0x3001 tok=01020304 obs=66051 len=4" },
	{ "Observe registration: GET /3303/0/5700, Observe 0 (empty), Accept 112, 8-byte token",
	  BYTES(0x48, 0x01, 0x55, 0x55, 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
		0x60,
		0x54, '3', '3', '0', '3', 0x01, '0', 0x04, '5', '7', '0', '0',
		0x61, 0x70),
	  build_observe_request,
	  "CON 0.01 GET mid=0x5555 tok=feedfacedeadbeef /3303/0/5700 obs=0 accept=112" },
	{ "CoAP ping: Empty CON", BYTES(0x40, 0x00, 0xbe, 0xef), build_ping,
	  "CON 0.00 Empty mid=0xbeef" },
	{ "its RST", BYTES(0x70, 0x00, 0xbe, 0xef), build_rst, "RST 0.00 Empty mid=0xbeef" },
};

static void real_messages_parse_build_and_round_trip(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(msg_cases); i++) {
		const struct msg_case *c = &msg_cases[i];
		static struct kcoap_msg parsed, built;
		uint8_t out[512], again[512];
		char sum[256];
		int n;

		print_message("# %s\n", c->name);
		assert_int_equal(0, kcoap_parse(&parsed, c->bytes, c->len));
		assert_null(parsed.err);
		assert_int_equal(0, parsed.bad_opt);
		assert_int_equal((int)strlen(c->summary),
				 kcoap_msg_summary(&parsed, sum, sizeof(sum)));
		assert_string_equal(c->summary, sum);

		c->build(&built);
		n = kcoap_build(&built, out, sizeof(out));
		assert_int_equal((int)c->len, n);
		assert_memory_equal(c->bytes, out, c->len);
		assert_int_equal((int)c->len, kcoap_build(&parsed, again, sizeof(again)));
		assert_memory_equal(c->bytes, again, c->len);
		/* every size short of the message fails cleanly */
		for (size_t size = 0; size < c->len; size++)
			assert_int_equal(-ENOSPC, kcoap_build(&built, out, size));
	}
}

static void register_fields_read_back(void **state)
{
	static struct kcoap_msg m;
	const uint8_t *val;
	size_t len;
	uint32_t cf;
	char path[KCOAP_PATH_STRLEN];

	assert_int_equal(0, kcoap_parse(&m, msg_cases[3].bytes, msg_cases[3].len));
	assert_int_equal(KCOAP_CON, m.type);
	assert_int_equal(KCOAP_POST, m.code);
	assert_int_equal(0x1234, m.mid);
	assert_int_equal(4, m.tkl);
	assert_memory_equal("\xaa\xbb\xcc\xdd", m.token, 4);
	assert_int_equal(6, m.nopts);
	assert_int_equal(0, kcoap_msg_get_uint(&m, KCOAP_OPT_CONTENT_FORMAT, &cf));
	assert_int_equal(KCOAP_CF_LINK, cf);
	assert_string_equal("application/link-format", kcoap_cf_name(cf));
	assert_int_equal(3, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, sizeof(path)));
	assert_string_equal("/rd", path);
	assert_int_equal(4, kcoap_opt_count(&m, KCOAP_OPT_URI_QUERY));
	assert_int_equal(0, kcoap_msg_query(&m, "lwm2m", &val, &len));
	assert_int_equal(3, len);
	assert_memory_equal("1.1", val, 3);
	assert_int_equal(0, kcoap_msg_query(&m, "ep", &val, &len));
	assert_memory_equal("dev1", val, len);
	assert_int_equal(-ENOENT, kcoap_msg_query(&m, "l", &val, &len));
	assert_int_equal(-ENOENT, kcoap_msg_query(&m, "Q", &val, &len));
	assert_int_equal(13, m.payload_len);
	assert_memory_equal("</1/0>,</3/0>", m.payload, 13);
	/* pointers into the datagram, not copies */
	assert_ptr_equal(msg_cases[3].bytes + msg_cases[3].len - 13, m.payload);
	assert_int_equal(-ENOENT, kcoap_msg_get_uint(&m, KCOAP_OPT_ACCEPT, &cf));
}

static void query_keys_repeated_or_bare(void **state)
{
	static struct kcoap_msg m;
	const uint8_t *val = (const uint8_t *)"x";
	size_t len = 9;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 1);
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "pmin=1"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "st"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "pmin=2"));
	assert_int_equal(0, kcoap_msg_query(&m, "st", &val, &len));
	assert_null(val);
	assert_int_equal(0, len);
	assert_int_equal(-EEXIST, kcoap_msg_query(&m, "pmin", &val, &len));
	assert_int_equal(-ENOENT, kcoap_msg_query(&m, "pmax", &val, &len));
}

/* libcoap parses @bytes as @m says it is. */
static void libcoap_agrees(const struct kcoap_msg *m, const uint8_t *bytes, size_t len)
{
	coap_pdu_t *pdu = coap_pdu_init(0, 0, 0, len);
	coap_opt_iterator_t oi;
	coap_opt_t *opt;
	coap_bin_const_t tok;
	const uint8_t *data;
	size_t dlen;
	unsigned int i = 0;

	assert_non_null(pdu);
	assert_int_equal(1, coap_pdu_parse(COAP_PROTO_UDP, bytes, len, pdu));
	assert_int_equal(m->type, coap_pdu_get_type(pdu));
	assert_int_equal(m->code, coap_pdu_get_code(pdu));
	assert_int_equal(m->mid, coap_pdu_get_mid(pdu));
	tok = coap_pdu_get_token(pdu);
	assert_int_equal(m->tkl, tok.length);
	assert_memory_equal(m->token, tok.s, m->tkl);
	coap_option_iterator_init(pdu, &oi, COAP_OPT_ALL);
	while ((opt = coap_option_next(&oi))) {
		assert_true(i < m->nopts);
		assert_int_equal(m->opts[i].num, oi.number);
		assert_int_equal(m->opts[i].len, coap_opt_length(opt));
		if (m->opts[i].len)
			assert_memory_equal(kcoap_opt_val(&m->opts[i]), coap_opt_value(opt),
					    m->opts[i].len);
		i++;
	}
	assert_int_equal(m->nopts, i);
	if (coap_get_data(pdu, &dlen, &data)) {
		assert_int_equal(m->payload_len, dlen);
		assert_memory_equal(m->payload, data, dlen);
	} else {
		assert_int_equal(0, m->payload_len);
	}
	coap_delete_pdu(pdu);
}

static void libcoap_reads_what_the_builder_writes(void **state)
{
	coap_startup();
	coap_set_log_level(LOG_EMERG);
	for (size_t i = 0; i < ARRAY_SIZE(msg_cases); i++) {
		static struct kcoap_msg m;
		uint8_t out[512];
		int n;

		print_message("# %s\n", msg_cases[i].name);
		msg_cases[i].build(&m);
		n = kcoap_build(&m, out, sizeof(out));
		assert_true(n > 0);
		libcoap_agrees(&m, out, (size_t)n);
	}
	/* extended deltas and lengths, on options neither side knows (libcoap
	 * refuses known options of bad length outright; see msg.h for this
	 * codec), in datagrams up to 8 KiB */
	for (size_t i = 0; i < 7; i++) {
		static const unsigned int nums[] = { 2, 13, 268, 269, 270, 2000, 65535 };
		static const size_t lens[] = { 12, 13, 268, 269, 0, 1, 8000 };
		static uint8_t val[8000], out[9000];
		static struct kcoap_msg m;
		int n;

		memset(val, 0x5a, sizeof(val));
		kcoap_msg_init(&m, KCOAP_NON, KCOAP_POST, 0xabcd);
		assert_int_equal(0, kcoap_msg_add_opt(&m, nums[i], val, lens[i]));
		assert_int_equal(0, kcoap_msg_add_opt(&m, nums[6 - i], val, lens[6 - i]));
		kcoap_msg_set_payload(&m, "p", 1);
		n = kcoap_build(&m, out, sizeof(out));
		assert_true(n > 0);
		libcoap_agrees(&m, out, (size_t)n);
	}
	coap_cleanup();
}

/* ------------------------------------------------------------ extended encodings */

/* One option numbered @num with @len bytes: its header bytes are @hdr. */
static void check_one_option(unsigned int num, size_t len, const uint8_t *hdr, size_t hlen)
{
	static uint8_t val[KCOAP_OPT_LEN_MAX], out[KCOAP_OPT_LEN_MAX + 64];
	static struct kcoap_msg m, p;
	int n;

	for (size_t i = 0; i < len; i++)
		val[i] = (uint8_t)(i * 7);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 9);
	assert_int_equal(0, kcoap_msg_add_opt(&m, num, val, len));
	n = kcoap_build(&m, out, sizeof(out));
	assert_int_equal((int)(4 + hlen + len), n);
	assert_memory_equal(hdr, out + 4, hlen);
	assert_memory_equal(val, out + 4 + hlen, len);
	assert_int_equal(0, kcoap_parse(&p, out, (size_t)n));
	assert_int_equal(1, p.nopts);
	assert_int_equal(num, p.opts[0].num);
	assert_int_equal(len, p.opts[0].len);
	assert_ptr_equal(out + 4 + hlen, p.opts[0].val);
}

static void every_delta_and_length_boundary_encodes_as_the_rfc_says(void **state)
{
	/* deltas: the option numbers are unknown elective (even) or unknown critical */
	check_one_option(12, 0, BYTES(0xc0));
	check_one_option(13, 0, BYTES(0xd0, 0x00));
	check_one_option(268, 0, BYTES(0xd0, 0xff));
	check_one_option(269, 0, BYTES(0xe0, 0x00, 0x00));
	check_one_option(270, 0, BYTES(0xe0, 0x00, 0x01));
	check_one_option(65535, 0, BYTES(0xe0, 0xfe, 0xf2));
	/* lengths */
	check_one_option(2, 12, BYTES(0x2c));
	check_one_option(2, 13, BYTES(0x2d, 0x00));
	check_one_option(2, 268, BYTES(0x2d, 0xff));
	check_one_option(2, 269, BYTES(0x2e, 0x00, 0x00));
	check_one_option(2, 65804, BYTES(0x2e, 0xff, 0xff));
	/* both extended */
	check_one_option(300, 300, BYTES(0xee, 0x00, 0x1f, 0x00, 0x1f));
	check_one_option(100, 20, BYTES(0xdd, 0x57, 0x07));
}

static void deltas_accumulate_and_same_numbers_keep_their_order(void **state)
{
	static struct kcoap_msg m, p;
	uint8_t out[128];
	int n;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
	assert_int_equal(0, kcoap_msg_add_str(&m, 2000, "z"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_PATH, "b"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_HOST, "h"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_PATH, "c"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "q"));
	assert_int_equal(0, kcoap_msg_add_opt(&m, 0, NULL, 0));
	n = kcoap_build(&m, out, sizeof(out));
	assert_int_equal(4 + 1 + 2 + 2 + 2 + 2 + 4, n);
	assert_memory_equal(((const uint8_t[]){ 0x00, 0x31, 'h', 0x81, 'b', 0x01, 'c',
		0x41, 'q', 0xe1, 0x06, 0xb4, 'z' }), out + 4, (size_t)n - 4);
	assert_int_equal(0, kcoap_parse(&p, out, (size_t)n));
	assert_int_equal(6, p.nopts);
	assert_int_equal(0, p.opts[0].num);
	assert_int_equal(KCOAP_OPT_URI_HOST, p.opts[1].num);
	assert_int_equal(2000, p.opts[5].num);
	assert_memory_equal("b", kcoap_opt_first(&p, KCOAP_OPT_URI_PATH)->val, 1);
	assert_memory_equal("c", kcoap_opt_next(&p, kcoap_opt_first(&p, KCOAP_OPT_URI_PATH))->val, 1);
	assert_null(kcoap_opt_next(&p, kcoap_opt_next(&p, kcoap_opt_first(&p, KCOAP_OPT_URI_PATH))));
}

static void uint_options_use_the_fewest_bytes(void **state)
{
	static const struct {
		uint32_t v;
		size_t len;
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 255, 1 }, { 256, 2 }, { 65535, 2 }, { 65536, 3 },
		{ 0xffffff, 3 }, { 0x1000000, 4 }, { 0xffffffff, 4 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		static struct kcoap_msg m, p;
		uint8_t out[32];
		uint32_t v;
		int n;

		kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
		assert_int_equal(0, kcoap_msg_add_uint(&m, KCOAP_OPT_MAX_AGE, cases[i].v));
		n = kcoap_build(&m, out, sizeof(out));
		/* Max-Age is 14: delta nibble 13 and one extension byte */
		assert_int_equal((int)(6 + cases[i].len), n);
		assert_int_equal(0xd0 | cases[i].len, out[4]);
		assert_int_equal(14 - 13, out[5]);
		assert_int_equal(0, kcoap_parse(&p, out, (size_t)n));
		assert_int_equal(0, kcoap_msg_get_uint(&p, KCOAP_OPT_MAX_AGE, &v));
		assert_int_equal(cases[i].v, v);
		/* and from the message as built */
		assert_int_equal(0, kcoap_msg_get_uint(&m, KCOAP_OPT_MAX_AGE, &v));
		assert_int_equal(cases[i].v, v);
	}
}

static void uint_values_with_leading_zeros_are_read(void **state)
{
	static struct kcoap_msg m;
	uint32_t v;

	assert_int_equal(0, kcoap_parse(&m, BYTES(0x40, 0x01, 0, 1, 0xc2, 0x00, 0x28)));
	assert_int_equal(0, kcoap_msg_get_uint(&m, KCOAP_OPT_CONTENT_FORMAT, &v));
	assert_int_equal(40, v);
	/* Max-Age of 5 bytes (ignored by the parser) read as uint */
	assert_int_equal(0, kcoap_parse(&m, BYTES(0x40, 0x01, 0, 1, 0xd5, 0x01, 1, 2, 3, 4, 5)));
	assert_int_equal(-EOVERFLOW, kcoap_opt_uint(&m.opts[0], &v));
}

/* ------------------------------------------------------------ malformed */

static const struct bad_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	int err;
} bad_cases[] = {
	{ "nothing", (const uint8_t[]){ 0x40 }, 0, -EPROTO },
	{ "1 byte", BYTES(0x40), -EPROTO },
	{ "3 bytes", BYTES(0x40, 0x01, 0x00), -EPROTO },
	{ "version 0", BYTES(0x00, 0x01, 0x00, 0x01), -EPROTO },
	{ "version 2", BYTES(0x80, 0x01, 0x00, 0x01), -EPROTO },
	{ "version 3", BYTES(0xc0, 0x01, 0x00, 0x01), -EPROTO },
	{ "TKL 9", BYTES(0x49, 0x01, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9), -EBADMSG },
	{ "TKL 15", BYTES(0x4f, 0x01, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
	  -EBADMSG },
	{ "token truncated", BYTES(0x44, 0x01, 0, 1, 1, 2, 3), -EBADMSG },
	{ "Empty with a token", BYTES(0x41, 0x00, 0, 1, 7), -EBADMSG },
	{ "Empty with a payload marker", BYTES(0x40, 0x00, 0, 1, 0xff), -EBADMSG },
	{ "Empty with an option", BYTES(0x60, 0x00, 0, 1, 0xb0), -EBADMSG },
	{ "Empty NON", BYTES(0x50, 0x00, 0, 1), -EBADMSG },
	{ "RST carrying 2.05", BYTES(0x70, 0x45, 0, 1), -EBADMSG },
	{ "RST carrying GET", BYTES(0x70, 0x01, 0, 1), -EBADMSG },
	{ "ACK carrying GET", BYTES(0x60, 0x01, 0, 1), -EBADMSG },
	{ "class 1 code", BYTES(0x40, 0x21, 0, 1), -EBADMSG },
	{ "class 6 code", BYTES(0x60, 0xc0, 0, 1), -EBADMSG },
	{ "class 7 code (signalling, TCP only)", BYTES(0x60, 0xe1, 0, 1), -EBADMSG },
	{ "delta nibble 15", BYTES(0x40, 0x01, 0, 1, 0xf0), -EBADMSG },
	{ "length nibble 15", BYTES(0x40, 0x01, 0, 1, 0x0f), -EBADMSG },
	{ "length nibble 15 after an option", BYTES(0x40, 0x01, 0, 1, 0xb1, 'a', 0x0f, 0), -EBADMSG },
	{ "delta 13 without its byte", BYTES(0x40, 0x01, 0, 1, 0xd0), -EBADMSG },
	{ "delta 14 with one byte", BYTES(0x40, 0x01, 0, 1, 0xe0, 0x00), -EBADMSG },
	{ "length 13 without its byte", BYTES(0x40, 0x01, 0, 1, 0x0d), -EBADMSG },
	{ "length 14 with one byte", BYTES(0x40, 0x01, 0, 1, 0x0e, 0x00), -EBADMSG },
	{ "delta 13 and length 14 missing a byte", BYTES(0x40, 0x01, 0, 1, 0xde, 0, 0), -EBADMSG },
	{ "value truncated", BYTES(0x40, 0x01, 0, 1, 0xb3, 'a', 'b'), -EBADMSG },
	{ "value of length 13 truncated", BYTES(0x40, 0x01, 0, 1, 0xbd, 0x00, 'a'), -EBADMSG },
	{ "option number 65804", BYTES(0x40, 0x01, 0, 1, 0xe0, 0xff, 0xff), -EBADMSG },
	{ "option number 65536 by accumulation",
	  BYTES(0x40, 0x01, 0, 1, 0xe0, 0xfe, 0xf2, 0x10), -EBADMSG },
	{ "payload marker, no payload", BYTES(0x40, 0x01, 0, 1, 0xff), -EBADMSG },
	{ "payload marker, no payload, after options",
	  BYTES(0x40, 0x01, 0, 1, 0xb1, 'a', 0xff), -EBADMSG },
};

static void malformed_messages_are_refused_with_the_header_kept(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		static struct kcoap_msg m;

		print_message("# %s\n", c->name);
		assert_int_equal(c->err, kcoap_parse(&m, c->bytes, c->len));
		assert_non_null(m.err);
		assert_int_equal(0, m.nopts);
		assert_null(m.payload);
		if (c->err == -EBADMSG) {
			/* enough to answer a CON with an RST */
			assert_int_equal((c->bytes[0] >> 4) & 3, m.type);
			assert_int_equal(c->bytes[2] << 8 | c->bytes[3], m.mid);
		}
	}
}

static void more_options_than_the_agent_takes_is_e2big(void **state)
{
	static uint8_t buf[4 + KCOAP_MAX_OPTS + 1];
	static struct kcoap_msg m;

	buf[0] = 0x40;
	buf[1] = KCOAP_GET;
	for (size_t i = 0; i <= KCOAP_MAX_OPTS; i++)
		buf[4 + i] = 0x00;	/* option 0, empty, repeated */
	assert_int_equal(0, kcoap_parse(&m, buf, sizeof(buf) - 1));
	assert_int_equal(KCOAP_MAX_OPTS, m.nopts);
	assert_int_equal(-E2BIG, kcoap_parse(&m, buf, sizeof(buf)));
	assert_int_equal(0x40 >> 4 & 3, m.type);

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
	for (size_t i = 0; i < KCOAP_MAX_OPTS; i++)
		assert_int_equal(0, kcoap_msg_add_uint(&m, KCOAP_OPT_URI_PORT, 1));
	assert_int_equal(-E2BIG, kcoap_msg_add_uint(&m, KCOAP_OPT_URI_PORT, 1));
	assert_int_equal(-E2BIG, kcoap_msg_add_str(&m, KCOAP_OPT_URI_PATH, "x"));
	assert_int_equal(KCOAP_MAX_OPTS, m.nopts);
}

/* ------------------------------------------------------------ unrecognised options */

static const struct opt_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	uint16_t bad_opt;
	unsigned int flagged;	/* index of the flagged option */
	uint8_t flag;
} opt_cases[] = {
	{ "unknown critical option 9", BYTES(0x40, 0x01, 0, 1, 0x91, 0x00), 9, 0, KCOAP_OPTF_BAD },
	{ "unknown critical option 2049 after Uri-Path",
	  BYTES(0x40, 0x01, 0, 1, 0xb1, 'a', 0xe0, 0x06, 0xe9), 2049, 1, KCOAP_OPTF_BAD },
	{ "unknown elective option 2", BYTES(0x40, 0x01, 0, 1, 0x20), 0, 0, KCOAP_OPTF_IGNORED },
	{ "Uri-Host of length 0", BYTES(0x40, 0x01, 0, 1, 0x30), 3, 0, KCOAP_OPTF_BAD },
	{ "If-None-Match with a byte", BYTES(0x40, 0x01, 0, 1, 0x51, 0), 5, 0, KCOAP_OPTF_BAD },
	{ "If-Match of 9 bytes", BYTES(0x40, 0x03, 0, 1, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 9), 1, 0,
	  KCOAP_OPTF_BAD },
	{ "Uri-Port of 3 bytes", BYTES(0x40, 0x01, 0, 1, 0x73, 0, 0x16, 0x33), 7, 0, KCOAP_OPTF_BAD },
	{ "Block2 of 4 bytes", BYTES(0x40, 0x01, 0, 1, 0xd4, 0x0a, 0, 0, 0, 6), 23, 0,
	  KCOAP_OPTF_BAD },
	{ "Block1 twice", BYTES(0x40, 0x03, 0, 1, 0xd1, 0x0e, 0x06, 0x01, 0x16), 27, 1,
	  KCOAP_OPTF_BAD },
	{ "Uri-Host twice", BYTES(0x40, 0x01, 0, 1, 0x31, 'a', 0x01, 'b'), 3, 1, KCOAP_OPTF_BAD },
	{ "Content-Format of 3 bytes", BYTES(0x40, 0x02, 0, 1, 0xc3, 0, 0, 40), 0, 0,
	  KCOAP_OPTF_IGNORED },
	{ "Content-Format twice", BYTES(0x40, 0x02, 0, 1, 0xc1, 40, 0x01, 42), 0, 1,
	  KCOAP_OPTF_IGNORED },
	{ "Observe of 4 bytes", BYTES(0x60, 0x45, 0, 1, 0x64, 1, 2, 3, 4), 0, 0,
	  KCOAP_OPTF_IGNORED },
	{ "ETag of 0 bytes", BYTES(0x60, 0x45, 0, 1, 0x40), 0, 0, KCOAP_OPTF_IGNORED },
	{ "Max-Age of 5 bytes", BYTES(0x60, 0x45, 0, 1, 0xd5, 0x01, 1, 2, 3, 4, 5), 0, 0,
	  KCOAP_OPTF_IGNORED },
	{ "Size1 of 5 bytes", BYTES(0x40, 0x03, 0, 1, 0xd5, 47, 1, 2, 3, 4, 5), 0, 0,
	  KCOAP_OPTF_IGNORED },
	{ "Proxy-Scheme of 0 bytes", BYTES(0x40, 0x01, 0, 1, 0xd0, 26), 39, 0, KCOAP_OPTF_BAD },
};

static void options_rfc_7252_wants_unrecognised_are_flagged(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(opt_cases); i++) {
		const struct opt_case *c = &opt_cases[i];
		static struct kcoap_msg m;
		uint8_t out[64];

		print_message("# %s\n", c->name);
		assert_int_equal(0, kcoap_parse(&m, c->bytes, c->len));
		assert_int_equal(c->bad_opt, m.bad_opt);
		assert_int_equal(c->flag, m.opts[c->flagged].flags);
		/* the getters do not see it */
		for (const struct kcoap_opt *o = kcoap_opt_first(&m, m.opts[c->flagged].num); o;
		     o = kcoap_opt_next(&m, o))
			assert_ptr_not_equal(o, &m.opts[c->flagged]);
		/* and it is still rebuilt as it came */
		assert_int_equal((int)c->len, kcoap_build(&m, out, sizeof(out)));
		assert_memory_equal(c->bytes, out, c->len);
	}
}

static void long_known_options_at_their_limits(void **state)
{
	static uint8_t buf[2048];
	static struct kcoap_msg m;
	char path[600];

	/* Uri-Path of 255 bytes is fine, 256 is a bad critical option */
	buf[0] = 0x40; buf[1] = 0x01; buf[2] = 0; buf[3] = 1;
	buf[4] = 0xbd; buf[5] = 255 - 13;
	memset(buf + 6, 'p', 255);
	assert_int_equal(0, kcoap_parse(&m, buf, 6 + 255));
	assert_int_equal(0, m.bad_opt);
	assert_int_equal(256, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, sizeof(path)));
	assert_int_equal(-ENOSPC, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, 256));
	assert_string_equal("", path);
	buf[5] = 256 - 13;
	memset(buf + 6, 'p', 256);
	assert_int_equal(0, kcoap_parse(&m, buf, 6 + 256));
	assert_int_equal(KCOAP_OPT_URI_PATH, m.bad_opt);
	assert_int_equal(1, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, sizeof(path)));
	assert_string_equal("/", path);

	/* Proxy-Uri: 1034 bytes fine, 1035 not */
	buf[4] = 0xde; buf[5] = 35 - 13; buf[6] = (1034 - 269) >> 8; buf[7] = (1034 - 269) & 0xff;
	memset(buf + 8, 'u', 1035);
	assert_int_equal(0, kcoap_parse(&m, buf, 8 + 1034));
	assert_int_equal(0, m.bad_opt);
	buf[7]++;
	assert_int_equal(0, kcoap_parse(&m, buf, 8 + 1035));
	assert_int_equal(KCOAP_OPT_PROXY_URI, m.bad_opt);
}

/* ------------------------------------------------------------ building errors */

static void builder_refuses_what_the_parser_would(void **state)
{
	static struct kcoap_msg m;
	uint8_t out[64];

	kcoap_msg_init(&m, KCOAP_NON, KCOAP_EMPTY, 1);
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, KCOAP_RST, KCOAP_CONTENT, 1);
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_POST, 1);
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_CODE(7, 1), 1);
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, 4, KCOAP_GET, 1);
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, 1);
	assert_int_equal(0, kcoap_msg_set_token(&m, "t", 1));
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, 1);
	kcoap_msg_set_payload(&m, "p", 1);
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
	kcoap_msg_init(&m, KCOAP_ACK, KCOAP_EMPTY, 1);
	assert_int_equal(4, kcoap_build(&m, out, sizeof(out)));

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
	assert_int_equal(-EINVAL, kcoap_msg_set_token(&m, "123456789", 9));
	assert_int_equal(-EINVAL, kcoap_msg_add_opt(&m, 65536, "", 0));
	assert_int_equal(-EINVAL, kcoap_msg_add_uint(&m, 65536, 0));
	assert_int_equal(-EINVAL, kcoap_msg_add_opt(&m, 8, NULL, 1));
	assert_int_equal(-EINVAL, kcoap_msg_add_opt(&m, 8, "x", KCOAP_OPT_LEN_MAX + 1));
	assert_int_equal(0, m.nopts);
	/* a hand-made unsorted array */
	assert_int_equal(0, kcoap_msg_add_uint(&m, 12, 0));
	assert_int_equal(0, kcoap_msg_add_uint(&m, 14, 0));
	m.opts[0].num = 15;
	assert_int_equal(-EINVAL, kcoap_build(&m, out, sizeof(out)));
}

static void paths_are_added_segment_by_segment_or_refused_whole(void **state)
{
	static const char *const bad[] = {
		"", "3", "//", "/3/", "/3//0", "3/0",
	};
	static struct kcoap_msg m;
	char big[300] = "/";
	char path[KCOAP_PATH_STRLEN];

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(-EINVAL, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, bad[i]));
	memset(big + 1, 'a', 256);
	assert_int_equal(-EINVAL, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, big));
	assert_int_equal(0, m.nopts);
	assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/"));
	assert_int_equal(0, m.nopts);
	assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/65535/65535/65535/65535"));
	assert_int_equal(4, m.nopts);
	assert_int_equal(24, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, sizeof(path)));
	assert_string_equal("/65535/65535/65535/65535", path);
	assert_int_equal(-ENOSPC, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, 24));
	assert_int_equal(24, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, path, 25));

	for (int i = 0; i < KCOAP_MAX_OPTS - 6; i++)
		assert_int_equal(0, kcoap_msg_add_uint(&m, 60, 1));
	assert_int_equal(-E2BIG, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/1/2/3"));
	assert_int_equal(KCOAP_MAX_OPTS - 2, m.nopts);
	assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/1/2"));
}

static void hostile_path_bytes_are_percent_encoded(void **state)
{
	static struct kcoap_msg m;
	char out[128];
	char sum[256];

	assert_int_equal(0, kcoap_parse(&m, BYTES(0x40, 0x01, 0, 1,
		0xb3, 'a', '/', 'b', 0x03, 0, '%', '\n', 0x03, '~', '@', '&',
		0x43, '&', '=', '?')));
	assert_int_equal(20, kcoap_msg_path(&m, KCOAP_OPT_URI_PATH, out, sizeof(out)));
	assert_string_equal("/a%2Fb/%00%25%0A/~@&", out);
	kcoap_msg_summary(&m, sum, sizeof(sum));
	assert_string_equal("CON 0.01 GET mid=0x0001 /a%2Fb/%00%25%0A/~@& ?%26=%3F", sum);
}

static void summary_truncates_like_snprintf(void **state)
{
	static struct kcoap_msg m;
	char sum[10];
	const char *want = msg_cases[3].summary;

	assert_int_equal(0, kcoap_parse(&m, msg_cases[3].bytes, msg_cases[3].len));
	assert_int_equal((int)strlen(want), kcoap_msg_summary(&m, sum, sizeof(sum)));
	assert_string_equal("CON 0.02 ", sum);
	assert_int_equal((int)strlen(want), kcoap_msg_summary(&m, NULL, 0));
	/* a bad option shows */
	assert_int_equal(0, kcoap_parse(&m, opt_cases[0].bytes, opt_cases[0].len));
	{
		char s[128];

		kcoap_msg_summary(&m, s, sizeof(s));
		assert_string_equal("CON 0.01 GET mid=0x0001 / bad-option=9", s);
	}
}

/* ------------------------------------------------------------ Block, Observe */

static void block_values_at_their_boundaries(void **state)
{
	static const struct {
		uint32_t value;
		uint32_t num;
		bool more;
		uint8_t szx;
		size_t size, offset;
	} good[] = {
		{ 0x000000, 0, false, 0, 16, 0 },
		{ 0x000006, 0, false, 6, 1024, 0 },
		{ 0x00000e, 0, true, 6, 1024, 0 },
		{ 0x0000f9, 15, true, 1, 32, 480 },
		{ 0x000100, 16, false, 0, 16, 256 },
		{ 0x00fffe, 4095, true, 6, 1024, (size_t)4095 * 1024 },
		{ 0xfffffe, 0xfffff, true, 6, 1024, (size_t)0xfffff * 1024 },
	};
	struct kcoap_block b;
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(0, kcoap_block_decode(good[i].value, &b));
		assert_int_equal(good[i].num, b.num);
		assert_int_equal(good[i].more, b.more);
		assert_int_equal(good[i].szx, b.szx);
		assert_int_equal(good[i].size, kcoap_block_size(&b));
		assert_int_equal(good[i].offset, kcoap_block_offset(&b));
		assert_int_equal(0, kcoap_block_encode(&b, &v));
		assert_int_equal(good[i].value, v);
	}
	assert_int_equal(-EINVAL, kcoap_block_decode(0x000007, &b));
	assert_int_equal(-EINVAL, kcoap_block_decode(0x00000f, &b));
	assert_int_equal(-EINVAL, kcoap_block_decode(0x1000000, &b));
	b = (struct kcoap_block){ .num = 0x100000, .szx = 0 };
	assert_int_equal(-EINVAL, kcoap_block_encode(&b, &v));
	b = (struct kcoap_block){ .num = 0, .szx = 7 };
	assert_int_equal(-EINVAL, kcoap_block_encode(&b, &v));

	for (int szx = 0; szx <= 6; szx++)
		assert_int_equal(szx, kcoap_block_szx((size_t)16 << szx));
	assert_int_equal(-EINVAL, kcoap_block_szx(0));
	assert_int_equal(-EINVAL, kcoap_block_szx(8));
	assert_int_equal(-EINVAL, kcoap_block_szx(100));
	assert_int_equal(-EINVAL, kcoap_block_szx(2048));
}

static void block_options_in_messages(void **state)
{
	static struct kcoap_msg m;
	struct kcoap_block b;

	/* Block2 with SZX 7: well formed, but no usable value */
	assert_int_equal(0, kcoap_parse(&m, BYTES(0x40, 0x01, 0, 1, 0xd1, 0x0a, 0x07)));
	assert_int_equal(0, m.bad_opt);
	assert_int_equal(-EINVAL, kcoap_msg_get_block(&m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(-ENOENT, kcoap_msg_get_block(&m, KCOAP_OPT_BLOCK1, &b));
	/* 0 bytes: block 0, 16 bytes, no more */
	assert_int_equal(0, kcoap_parse(&m, BYTES(0x40, 0x01, 0, 1, 0xd0, 0x0e)));
	assert_int_equal(0, kcoap_msg_get_block(&m, KCOAP_OPT_BLOCK1, &b));
	assert_int_equal(0, b.num);
	assert_false(b.more);
	assert_int_equal(16, kcoap_block_size(&b));
	/* 3 bytes */
	assert_int_equal(0, kcoap_parse(&m, BYTES(0x40, 0x01, 0, 1, 0xd3, 0x0a, 0x12, 0x34, 0x5e)));
	assert_int_equal(0, kcoap_msg_get_block(&m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(0x12345, b.num);
	assert_true(b.more);
	assert_int_equal(6, b.szx);
	/* adding an out-of-range block adds nothing */
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 1);
	b = (struct kcoap_block){ .num = 0x100000 };
	assert_int_equal(-EINVAL, kcoap_msg_add_block(&m, KCOAP_OPT_BLOCK2, &b));
	assert_int_equal(0, m.nopts);
}

static void observe_sequence_numbers_wrap(void **state)
{
	static struct kcoap_msg m;
	uint32_t v;

	assert_true(kcoap_observe_newer(1, 2));
	assert_false(kcoap_observe_newer(2, 1));
	assert_false(kcoap_observe_newer(5, 5));
	assert_true(kcoap_observe_newer(0xffffff, 0));
	assert_false(kcoap_observe_newer(0, 0xffffff));
	assert_true(kcoap_observe_newer(0, (1u << 23) - 1));
	assert_false(kcoap_observe_newer(0, 1u << 23));
	assert_true(kcoap_observe_newer(0x800001, 0));

	assert_int_equal(0, kcoap_parse(&m, BYTES(0x60, 0x45, 0, 1, 0x60)));
	assert_int_equal(0, kcoap_msg_get_observe(&m, &v));
	assert_int_equal(0, v);
	assert_int_equal(0, kcoap_parse(&m, BYTES(0x60, 0x45, 0, 1, 0x64, 0, 0, 0, 1)));
	assert_int_equal(-ENOENT, kcoap_msg_get_observe(&m, &v));
}

/* ------------------------------------------------------------ names */

static void codes_and_types_have_names(void **state)
{
	char s[KCOAP_CODE_STRLEN];

	assert_string_equal("2.05", kcoap_code_str(KCOAP_CONTENT, s));
	assert_string_equal("2.31", kcoap_code_str(KCOAP_CONTINUE, s));
	assert_string_equal("4.13", kcoap_code_str(KCOAP_REQUEST_ENTITY_TOO_LARGE, s));
	assert_string_equal("7.31", kcoap_code_str(0xff, s));
	assert_string_equal("0.00", kcoap_code_str(0, s));
	assert_int_equal(0x45, KCOAP_CONTENT);
	assert_int_equal(0x5f, KCOAP_CONTINUE);
	assert_int_equal(0x82, KCOAP_BAD_OPTION);
	assert_int_equal(0x88, KCOAP_REQUEST_ENTITY_INCOMPLETE);
	assert_int_equal(0x8f, KCOAP_UNSUPPORTED_CONTENT_FORMAT);
	assert_int_equal(0xa5, KCOAP_PROXYING_NOT_SUPPORTED);
	assert_string_equal("Bad Option", kcoap_code_name(KCOAP_BAD_OPTION));
	assert_string_equal("Continue", kcoap_code_name(KCOAP_CONTINUE));
	assert_string_equal("iPATCH", kcoap_code_name(KCOAP_IPATCH));
	assert_null(kcoap_code_name(KCOAP_CODE(4, 7)));
	assert_string_equal("RST", kcoap_type_name(KCOAP_RST));
	assert_string_equal("?", kcoap_type_name(4));
	assert_string_equal("application/vnd.oma.lwm2m+cbor", kcoap_cf_name(KCOAP_CF_LWM2M_CBOR));
	assert_null(kcoap_cf_name(11545));
	assert_true(kcoap_code_is_request(KCOAP_GET));
	assert_false(kcoap_code_is_request(KCOAP_EMPTY));
	assert_true(kcoap_code_is_response(KCOAP_PROXYING_NOT_SUPPORTED));
	assert_false(kcoap_code_is_response(KCOAP_CODE(6, 0)));
	/* option properties, RFC 7252 table 4 */
	assert_true(kcoap_opt_is_critical(KCOAP_OPT_URI_PATH));
	assert_false(kcoap_opt_is_critical(KCOAP_OPT_CONTENT_FORMAT));
	assert_true(kcoap_opt_is_unsafe(KCOAP_OPT_URI_HOST));
	assert_false(kcoap_opt_is_unsafe(KCOAP_OPT_ETAG));
	assert_true(kcoap_opt_is_nocachekey(KCOAP_OPT_SIZE1));
	assert_true(kcoap_opt_is_nocachekey(KCOAP_OPT_SIZE2));
	assert_false(kcoap_opt_is_nocachekey(KCOAP_OPT_ETAG));
	/* RFC 7252 section 4.8.2's derived times */
	assert_int_equal(45000, KCOAP_MAX_TRANSMIT_SPAN_MS);
	assert_int_equal(93000, KCOAP_MAX_TRANSMIT_WAIT_MS);
	assert_int_equal(202000, KCOAP_MAX_RTT_MS);
	assert_int_equal(247000, KCOAP_EXCHANGE_LIFETIME_MS);
	assert_int_equal(145000, KCOAP_NON_LIFETIME_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_messages_parse_build_and_round_trip),
		cmocka_unit_test(libcoap_reads_what_the_builder_writes),
		cmocka_unit_test(register_fields_read_back),
		cmocka_unit_test(query_keys_repeated_or_bare),
		cmocka_unit_test(every_delta_and_length_boundary_encodes_as_the_rfc_says),
		cmocka_unit_test(deltas_accumulate_and_same_numbers_keep_their_order),
		cmocka_unit_test(uint_options_use_the_fewest_bytes),
		cmocka_unit_test(uint_values_with_leading_zeros_are_read),
		cmocka_unit_test(malformed_messages_are_refused_with_the_header_kept),
		cmocka_unit_test(more_options_than_the_agent_takes_is_e2big),
		cmocka_unit_test(options_rfc_7252_wants_unrecognised_are_flagged),
		cmocka_unit_test(long_known_options_at_their_limits),
		cmocka_unit_test(builder_refuses_what_the_parser_would),
		cmocka_unit_test(paths_are_added_segment_by_segment_or_refused_whole),
		cmocka_unit_test(hostile_path_bytes_are_percent_encoded),
		cmocka_unit_test(summary_truncates_like_snprintf),
		cmocka_unit_test(block_values_at_their_boundaries),
		cmocka_unit_test(block_options_in_messages),
		cmocka_unit_test(observe_sequence_numbers_wrap),
		cmocka_unit_test(codes_and_types_have_names),
	};

	return cmocka_run_group_tests_name("coap_msg", tests, NULL, NULL);
}
