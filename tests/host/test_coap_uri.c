// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of coap:// and coaps:// URI parsing and of query
 * parameters (agent/coap/uri.h): the URIs LwM2M servers, bootstrap servers
 * and firmware packages use, every form the parser must refuse, the options
 * a URI becomes in a request (RFC 7252 section 6.4), and Write-Attributes
 * and registration parameters, as a string and as Uri-Query options.
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

#include "uri.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Joins decoded parts as "a|b|c" ("%" + hex for bytes outside 0x21-0x7e). */
static void join(const struct kcoap_uri *u, const struct kcoap_uri_part *parts, unsigned int n,
		 char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (i)
			out[len++] = '|';
		for (unsigned int k = 0; k < parts[i].len; k++) {
			uint8_t c = u->buf[parts[i].off + k];

			if (c > 0x20 && c < 0x7f && c != '%') {
				out[len++] = (char)c;
			} else {
				out[len++] = '%';
				out[len++] = hex[c >> 4];
				out[len++] = hex[c & 15];
			}
		}
	}
	out[len] = '\0';
}

static void good_uris_parse_to_their_parts(void **state)
{
	static const struct {
		const char *text;
		bool secure, literal, ipv6;
		const char *host;
		uint16_t port;
		const char *path, *query;
	} cases[] = {
		{ "coap://lwm2m.example.com", 0, 0, 0, "lwm2m.example.com", 5683, "", "" },
		{ "coaps://LWM2M.Example.COM:5684", 1, 0, 0, "lwm2m.example.com", 5684, "", "" },
		{ "COAPS://bs.example.net/", 1, 0, 0, "bs.example.net", 5684, "", "" },
		{ "coap://192.0.2.10:5783/rd", 0, 1, 0, "192.0.2.10", 5783, "rd", "" },
		{ "coap://0.0.0.0", 0, 1, 0, "0.0.0.0", 5683, "", "" },
		{ "coap://255.255.255.255:65535", 0, 1, 0, "255.255.255.255", 65535, "", "" },
		{ "coaps://[2001:db8::1]", 1, 1, 1, "2001:db8::1", 5684, "", "" },
		{ "coap://[::1]:1/a", 0, 1, 1, "::1", 1, "a", "" },
		{ "coap://[::ffff:192.0.2.1]", 0, 1, 1, "::ffff:192.0.2.1", 5683, "", "" },
		{ "coap://[fe80::1%25eth0]:5683/x", 0, 1, 1, "fe80::1%eth0", 5683, "x", "" },
		{ "coap://[fe80::1%25en%30]", 0, 1, 1, "fe80::1%en0", 5683, "", "" },
		{ "coap://fw.example.com/fw/image%20v2.bin", 0, 0, 0, "fw.example.com", 5683,
		  "fw|image%20v2.bin", "" },
		{ "coap://h/a%2Fb/c", 0, 0, 0, "h", 5683, "a/b|c", "" },
		{ "coap://h/a/", 0, 0, 0, "h", 5683, "a|", "" },
		{ "coap://h/a//b", 0, 0, 0, "h", 5683, "a||b", "" },
		{ "coap://h/~user/x:y@z/!$&'()*+,;=", 0, 0, 0, "h", 5683, "~user|x:y@z|!$&'()*+,;=", "" },
		{ "coap://h/%2e%2e%2fx", 0, 0, 0, "h", 5683, "../x", "" },
		{ "coap://h/.x/..y", 0, 0, 0, "h", 5683, ".x|..y", "" },
		{ "coap://h/rd?ep=dev1&lt=300&b=U", 0, 0, 0, "h", 5683, "rd", "ep=dev1|lt=300|b=U" },
		{ "coap://h?x", 0, 0, 0, "h", 5683, "", "x" },
		{ "coap://h/?", 0, 0, 0, "h", 5683, "", "" },
		{ "coap://h?a=/?:@&b=%26", 0, 0, 0, "h", 5683, "", "a=/?:@|b=&" },
		{ "coap://h?a&&b", 0, 0, 0, "h", 5683, "", "a||b" },
		{ "coap://my_host-1.local", 0, 0, 0, "my_host-1.local", 5683, "", "" },
		{ "coap://1.2.3.4a", 0, 0, 0, "1.2.3.4a", 5683, "", "" },
		{ "coap://a/%00", 0, 0, 0, "a", 5683, "%00", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		static struct kcoap_uri u;
		char parts[512];

		print_message("# %s\n", cases[i].text);
		assert_int_equal(0, kcoap_uri_parse(cases[i].text, &u));
		assert_null(u.err);
		assert_int_equal(cases[i].secure, u.secure);
		assert_int_equal(cases[i].literal, u.literal);
		assert_int_equal(cases[i].ipv6, u.ipv6);
		assert_string_equal(cases[i].host, u.host);
		assert_int_equal(cases[i].port, u.port);
		join(&u, u.seg, u.nseg, parts);
		assert_string_equal(cases[i].path, parts);
		join(&u, u.query, u.nquery, parts);
		assert_string_equal(cases[i].query, parts);
	}
}

static void bad_uris_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {
		"", "coap:", "coap:/", "coap://", "coap:///rd", "coap://:5683", "http://h",
		"coap+tcp://h", "coapx://h", "coap:h", " coap://h", "coap://h ", "coap ://h",
		"coap://user@h", "coap://user:pw@h:5683", "coap://@h",
		"coap://h#f", "coap://h/#", "coap://h/a?b#c",
		"coap://h:", "coap://h:0", "coap://h:65536", "coap://h:99999", "coap://h:123456",
		"coap://h:05683", "coap://h:+1", "coap://h:-1", "coap://h:1a", "coap://h:5683:1",
		"coap://1.2.3", "coap://1.2.3.4.5", "coap://256.1.1.1", "coap://1.2.3.04",
		"coap://01.2.3.4", "coap://1..2.3", "coap://1.2.3.4.", "coap://123", "coap://.",
		"coap://h..x", "coap://.h", "coap://h.", "coap://-h", "coap://h.-x", "coap://h%41",
		"coap://h!x", "coap://h~x", "coap://h\x01", "coap://h\xc3\xa9",
		"coap://[::1", "coap://[]", "coap://[::1]x", "coap://[::1]:", "coap://[::g]",
		"coap://[1.2.3.4]", "coap://[v1.fe]", "coap://[fe80::1%eth0]", "coap://[fe80::1%25]",
		"coap://[fe80::1%25e/0]", "coap://[fe80::1%25%2F]", "coap://[::1]]",
		"coap://h/a b", "coap://h/a\"b", "coap://h/<x>", "coap://h/a[b]", "coap://h/a\\b",
		"coap://h/%", "coap://h/%4", "coap://h/%4g", "coap://h/%g4", "coap://h/.",
		"coap://h/..", "coap://h/a/./b", "coap://h/a/../b", "coap://h/%2E", "coap://h/%2e%2E",
		"coap://h?a b", "coap://h?%zz", "coap://h?a|b", "coap://h/a\x7f",
		"coap://h/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17",
		"coap://h?1&2&3&4&5&6&7&8&9&10&11&12&13&14&15&16&17",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		static struct kcoap_uri u;

		print_message("# %s\n", bad[i]);
		assert_int_equal(-EINVAL, kcoap_uri_parse(bad[i], &u));
		assert_non_null(u.err);
	}
}

static void long_names_and_segments_at_their_limits(void **state)
{
	static char text[KCOAP_URI_MAX + 64];
	static struct kcoap_uri u;
	char *p;

	/* a 63-byte label fits, 64 does not */
	strcpy(text, "coap://");
	memset(text + 7, 'a', 63);
	strcpy(text + 70, ".b");
	assert_int_equal(0, kcoap_uri_parse(text, &u));
	memset(text + 7, 'a', 64);
	strcpy(text + 71, ".b");
	assert_int_equal(-EINVAL, kcoap_uri_parse(text, &u));

	/* a name of 253 bytes fits, 255 does not */
	p = stpcpy(text, "coap://");
	for (int i = 0; i < 4; i++) {
		memset(p, 'x', 62);
		p[62] = '.';
		p += 63;
	}
	strcpy(p, "y");	/* 4 * 63 + 1 = 253 */
	assert_int_equal(0, kcoap_uri_parse(text, &u));
	assert_int_equal(253, strlen(u.host));
	strcpy(p, "y.z");
	assert_int_equal(-EINVAL, kcoap_uri_parse(text, &u));

	/* a segment of 255 decoded bytes fits, 256 does not */
	p = stpcpy(text, "coap://h/");
	memset(p, 's', 255);
	p[255] = '\0';
	assert_int_equal(0, kcoap_uri_parse(text, &u));
	assert_int_equal(255, u.seg[0].len);
	strcpy(p + 255, "%41");
	assert_int_equal(-EINVAL, kcoap_uri_parse(text, &u));
	/* 255 decoded from 765 encoded bytes */
	for (int i = 0; i < 255; i++)
		memcpy(p + 3 * i, "%7E", 3);
	p[765] = '\0';
	assert_int_equal(0, kcoap_uri_parse(text, &u));
	assert_int_equal(255, u.seg[0].len);

	/* the whole URI: KCOAP_URI_MAX bytes fit, one more is too long */
	p = stpcpy(text, "coap://h");
	while (p - text < KCOAP_URI_MAX)
		p = stpcpy(p, "/a");
	text[KCOAP_URI_MAX] = '\0';
	assert_int_equal(-EINVAL, kcoap_uri_parse(text, &u));	/* too many segments */
	assert_string_equal("too many path segments", u.err);
	p = stpcpy(text, "coap://h/");
	memset(p, 'q', KCOAP_URI_MAX + 1 - 9);
	text[KCOAP_URI_MAX + 1] = '\0';
	assert_int_equal(-ENAMETOOLONG, kcoap_uri_parse(text, &u));
	text[KCOAP_URI_MAX] = '\0';
	assert_int_equal(-EINVAL, kcoap_uri_parse(text, &u));	/* a 1025-byte segment */
	assert_string_equal("path segment or query parameter over 255 bytes", u.err);
}

static void a_uri_becomes_the_options_of_a_request(void **state)
{
	const struct {
		const char *text;
		unsigned int flags;
		const uint8_t *want;
		size_t len;
	} cases[] = {
		{ "coap://h.example:61616/fw/a%2Fb?x=1&y", KCOAP_URI_HOST_OPT | KCOAP_URI_PORT_OPT,
		  (const uint8_t[]){ 0x40, 0x01, 0, 7,
			0x39, 'h', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
			0x42, 0xf0, 0xb0,
			0x42, 'f', 'w', 0x03, 'a', '/', 'b',
			0x43, 'x', '=', '1', 0x01, 'y' }, 30 },
		{ "coap://h.example:61616/fw", 0,
		  (const uint8_t[]){ 0x40, 0x01, 0, 7, 0xb2, 'f', 'w' }, 7 },
		{ "coaps://h:5684/", KCOAP_URI_HOST_OPT | KCOAP_URI_PORT_OPT,
		  (const uint8_t[]){ 0x40, 0x01, 0, 7, 0x31, 'h' }, 6 },
		{ "coap://[::1]:5684", KCOAP_URI_HOST_OPT | KCOAP_URI_PORT_OPT,
		  (const uint8_t[]){ 0x40, 0x01, 0, 7, 0x72, 0x16, 0x34 }, 7 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		static struct kcoap_uri u;
		static struct kcoap_msg m;
		uint8_t out[128];

		print_message("# %s\n", cases[i].text);
		assert_int_equal(0, kcoap_uri_parse(cases[i].text, &u));
		kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 7);
		assert_int_equal(0, kcoap_uri_to_msg(&u, &m, cases[i].flags));
		assert_int_equal((int)cases[i].len, kcoap_build(&m, out, sizeof(out)));
		assert_memory_equal(cases[i].want, out, cases[i].len);
	}
}

static void a_uri_does_not_overflow_a_full_message(void **state)
{
	static struct kcoap_uri u;
	static struct kcoap_msg m;

	assert_int_equal(0, kcoap_uri_parse("coap://h/a/b/c", &u));
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, 7);
	for (int i = 0; i < KCOAP_MAX_OPTS - 2; i++)
		assert_int_equal(0, kcoap_msg_add_uint(&m, KCOAP_OPT_SIZE1, 1));
	assert_int_equal(-E2BIG, kcoap_uri_to_msg(&u, &m, 0));
}

/* ------------------------------------------------------------ queries */

static void write_attribute_and_registration_queries_split(void **state)
{
	static struct kcoap_query q;
	const struct kcoap_qparam *p;
	const char *s = "pmin=10&gt=2.5&st&lt=-1e3&epmin=&ep=urn%3Adev%3Aos%3A01&q=a%3Db%26c";

	assert_int_equal(0, kcoap_query_parse(s, strlen(s), &q));
	assert_null(q.err);
	assert_int_equal(7, q.n);
	assert_string_equal("pmin", q.p[0].key);
	assert_string_equal("10", q.p[0].val);
	assert_string_equal("gt", q.p[1].key);
	assert_string_equal("2.5", q.p[1].val);
	assert_string_equal("st", q.p[2].key);
	assert_null(q.p[2].val);
	assert_int_equal(0, q.p[2].val_len);
	p = kcoap_query_get(&q, "epmin");
	assert_non_null(p);
	assert_string_equal("", p->val);
	p = kcoap_query_get(&q, "ep");
	assert_string_equal("urn:dev:os:01", p->val);
	assert_int_equal(13, p->val_len);
	assert_string_equal("a=b&c", kcoap_query_get(&q, "q")->val);
	assert_string_equal("-1e3", kcoap_query_get(&q, "lt")->val);
	assert_null(kcoap_query_get(&q, "pmax"));
	assert_null(kcoap_query_get(&q, "p"));

	/* only @len bytes are read */
	assert_int_equal(0, kcoap_query_parse("a=1&b=2", 3, &q));
	assert_int_equal(1, q.n);
	assert_string_equal("1", q.p[0].val);
	/* nothing */
	assert_int_equal(0, kcoap_query_parse("", 0, &q));
	assert_int_equal(0, q.n);
	/* an encoded key, an '=' in a value */
	assert_int_equal(0, kcoap_query_parse("%70min=1=2", 10, &q));
	assert_string_equal("pmin", q.p[0].key);
	assert_string_equal("1=2", q.p[0].val);
}

static void bad_queries_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *s;
		int err;
	} bad[] = {
		{ "&", -EINVAL }, { "a&", -EINVAL }, { "&a", -EINVAL }, { "a&&b", -EINVAL },
		{ "=1", -EINVAL }, { "a=1&=2", -EINVAL }, { "a=1&a=2", -EINVAL }, { "a&a", -EINVAL },
		{ "a=1&a", -EINVAL }, { "a b=1", -EINVAL }, { "a=1 2", -EINVAL }, { "a=%0A", -EINVAL },
		{ "a=%00", -EINVAL }, { "a=%7F", -EINVAL }, { "a=%", -EINVAL }, { "a=%4", -EINVAL },
		{ "a=%zz", -EINVAL }, { "a%3D=1", -EINVAL }, { "a!=1", -EINVAL }, { "a:b", -EINVAL },
		{ "a=#", -EINVAL }, { "a=\"", -EINVAL }, { "a=<", -EINVAL }, { "a=\xc3\xa9", -EINVAL },
		{ "a=[", -EINVAL },
		{ "1&2&3&4&5&6&7&8&9&10&11&12&13&14&15&16&17", -E2BIG },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		static struct kcoap_query q;

		print_message("# %s\n", bad[i].s);
		assert_int_equal(bad[i].err, kcoap_query_parse(bad[i].s, strlen(bad[i].s), &q));
		assert_non_null(q.err);
		assert_int_equal(0, q.n);
	}
}

static void query_keys_and_values_at_their_limits(void **state)
{
	static char s[2 * KCOAP_QUERY_BUF];
	static struct kcoap_query q;
	char *p;

	memset(s, 'k', 255);
	strcpy(s + 255, "=");
	memset(s + 256, 'v', 255);
	s[511] = '\0';
	assert_int_equal(0, kcoap_query_parse(s, 511, &q));
	assert_int_equal(255, strlen(q.p[0].key));
	assert_int_equal(255, q.p[0].val_len);
	s[511] = 'v';
	s[512] = '\0';
	assert_int_equal(-EINVAL, kcoap_query_parse(s, 512, &q));
	memset(s, 'k', 256);
	s[256] = '\0';
	assert_int_equal(-EINVAL, kcoap_query_parse(s, 256, &q));

	/* more than KCOAP_QUERY_BUF bytes together */
	p = s;
	for (int i = 0; i < 4; i++) {
		p += sprintf(p, "%c=", 'a' + i);
		memset(p, 'v', 250);
		p += 250;
		*p++ = '&';
	}
	p[-1] = '\0';
	assert_int_equal(0, kcoap_query_parse(s, strlen(s), &q));
	/* 1024 bytes of query, 1025 stored (each key and value gets a NUL) */
	strcat(s, "&e=");
	memset(s + strlen(s), 'v', 10);
	s[1024] = '\0';
	assert_int_equal(1024, strlen(s));
	assert_int_equal(-E2BIG, kcoap_query_parse(s, strlen(s), &q));
	assert_string_equal("query parameters too long together", q.err);
	assert_int_equal(-E2BIG, kcoap_query_parse(s, KCOAP_QUERY_BUF + 1, &q));
}

static void uri_query_options_are_parameters(void **state)
{
	static struct kcoap_msg m;
	static struct kcoap_query q;

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 1);
	assert_int_equal(0, kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, "/3303/0/5700"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "pmin=10"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "gt=2.5"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "st"));
	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "x=%41&b"));
	assert_int_equal(0, kcoap_query_from_msg(&m, &q));
	assert_int_equal(4, q.n);
	assert_string_equal("10", kcoap_query_get(&q, "pmin")->val);
	assert_null(kcoap_query_get(&q, "st")->val);
	/* option values are not percent-encoded: taken as they are */
	assert_string_equal("%41&b", kcoap_query_get(&q, "x")->val);

	assert_int_equal(0, kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "pmin=20"));
	assert_int_equal(-EINVAL, kcoap_query_from_msg(&m, &q));
	assert_string_equal("query key given twice", q.err);

	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 1);
	assert_int_equal(0, kcoap_msg_add_opt(&m, KCOAP_OPT_URI_QUERY, "", 0));
	assert_int_equal(-EINVAL, kcoap_query_from_msg(&m, &q));
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 1);
	assert_int_equal(0, kcoap_msg_add_opt(&m, KCOAP_OPT_URI_QUERY, "a=\0", 3));
	assert_int_equal(-EINVAL, kcoap_query_from_msg(&m, &q));
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_PUT, 1);
	assert_int_equal(0, kcoap_query_from_msg(&m, &q));
	assert_int_equal(0, q.n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_uris_parse_to_their_parts),
		cmocka_unit_test(bad_uris_are_refused_with_a_reason),
		cmocka_unit_test(long_names_and_segments_at_their_limits),
		cmocka_unit_test(a_uri_becomes_the_options_of_a_request),
		cmocka_unit_test(a_uri_does_not_overflow_a_full_message),
		cmocka_unit_test(write_attribute_and_registration_queries_split),
		cmocka_unit_test(bad_queries_are_refused_with_a_reason),
		cmocka_unit_test(query_keys_and_values_at_their_limits),
		cmocka_unit_test(uri_query_options_are_parameters),
	};

	return cmocka_run_group_tests_name("coap_uri", tests, NULL, NULL);
}
