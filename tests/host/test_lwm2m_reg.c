// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the session half's pure parts: when an Update refreshes a
 * registration, how a configured coap:// URI is split and resolved, and the
 * registration location taken from a 2.01 (real datagrams through the
 * codec) and sent back byte for byte as Uri-Path.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lwm2m/register.h"
#include "lwm2m/server.h"

static void update_comes_before_the_lifetime_ends(void **state)
{
	(void)state;
	assert_int_equal(lwm2m_reg_update_delay_s(20, LWM2M_REG_MARGIN_S), 10);	/* margin capped at half */
	assert_int_equal(lwm2m_reg_update_delay_s(300, LWM2M_REG_MARGIN_S), 207);	/* MAX_TRANSMIT_WAIT */
	assert_int_equal(lwm2m_reg_update_delay_s(86400, LWM2M_REG_MARGIN_S), 77760);	/* a tenth */
	/* a slower link's MAX_TRANSMIT_WAIT (ACK_TIMEOUT 10 s: 465 s) moves it */
	assert_int_equal(lwm2m_reg_update_delay_s(3600, 465), 3135);
	assert_int_equal(lwm2m_reg_update_delay_s(1, LWM2M_REG_MARGIN_S), 1);	/* never 0 */
	assert_int_equal(lwm2m_reg_update_delay_s(0, LWM2M_REG_MARGIN_S), 1);
	for (uint32_t lt = 2; lt < 5000; lt++) {
		uint32_t d = lwm2m_reg_update_delay_s(lt, LWM2M_REG_MARGIN_S);

		assert_true(d >= lt / 2 && d < lt);
	}
}

static void server(struct lwm2m_server *s, const char *uri, int want)
{
	struct config_server c = { .ssid = 7, .content_format = 112 };

	snprintf(c.uri, sizeof(c.uri), "%s", uri);
	assert_int_equal(lwm2m_server_init(s, &c, NULL), want);
}

static void uris_split_into_host_and_port(void **state)
{
	struct lwm2m_server s;

	(void)state;
	server(&s, "coap://127.0.0.1:5690", 0);
	assert_string_equal(s.host, "127.0.0.1");
	assert_int_equal(s.port, 5690);
	assert_int_equal(s.ssid, 7);
	assert_int_equal(s.preferred_cf, 112);
	server(&s, "coap://lwm2m.example.net", 0);
	assert_string_equal(s.host, "lwm2m.example.net");
	assert_int_equal(s.port, 5683);
	server(&s, "coap://[::1]:7000", 0);
	assert_string_equal(s.host, "::1");
	assert_int_equal(s.port, 7000);
	server(&s, "coap://[::1]", 0);
	assert_int_equal(s.port, 5683);
	server(&s, "coaps://127.0.0.1", -EINVAL);
	server(&s, "coap://", -EINVAL);
	server(&s, "coap://[::1", -EINVAL);
	server(&s, "coap://h:0", -EINVAL);
	server(&s, "coap://h:65536", -EINVAL);
	server(&s, "coap://h:12x", -EINVAL);
	server(&s, "coap://[::1]x", -EINVAL);
}

static void literal_addresses_resolve_without_dns(void **state)
{
	struct lwm2m_server s;
	struct kcoap_addr a;
	const struct sockaddr_in6 *in6;
	const struct sockaddr_in *in;

	(void)state;
	server(&s, "coap://127.0.0.1:5690", 0);
	assert_int_equal(lwm2m_server_literal(&s, &a), 0);
	in = (const struct sockaddr_in *)&a.ss;
	assert_int_equal(in->sin_family, AF_INET);
	assert_int_equal(ntohs(in->sin_port), 5690);
	assert_int_equal(ntohl(in->sin_addr.s_addr), 0x7f000001);
	server(&s, "coap://[::1]:7000", 0);
	assert_int_equal(lwm2m_server_literal(&s, &a), 0);
	in6 = (const struct sockaddr_in6 *)&a.ss;
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 7000);
	/* a name is the resolver's: not looked up here */
	server(&s, "coap://nothing.invalid", 0);
	assert_int_equal(lwm2m_server_literal(&s, &a), -EAGAIN);
}

static void addresses_fit_the_endpoints_family(void **state)
{
	struct lwm2m_server s;
	struct kcoap_addr a;
	struct in6_addr want6;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a.ss;

	(void)state;
	server(&s, "coap://192.0.2.1:5690", 0);
	assert_int_equal(lwm2m_server_literal(&s, &a), 0);
	assert_int_equal(lwm2m_addr_fit(&a, AF_INET, false), 0);
	assert_int_equal(a.ss.ss_family, AF_INET);
	assert_int_equal(lwm2m_addr_fit(&a, AF_INET6, false), -EAFNOSUPPORT);
	/* a dual-stack endpoint sends to, and hears from, ::ffff:192.0.2.1 */
	assert_int_equal(lwm2m_addr_fit(&a, AF_INET6, true), 0);
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(a.len, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(in6->sin6_port), 5690);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.1", &want6), 1);
	assert_memory_equal(&in6->sin6_addr, &want6, sizeof(want6));
	server(&s, "coap://[2001:db8::1]", 0);
	assert_int_equal(lwm2m_server_literal(&s, &a), 0);
	assert_int_equal(lwm2m_addr_fit(&a, AF_INET6, true), 0);
	assert_int_equal(lwm2m_addr_fit(&a, AF_INET, false), -EAFNOSUPPORT);
}

/* A 2.01 ACK: MID 0x1234, token 0xaa, Location-Path "rd", "5a3f". */
static const uint8_t created[] = {
	0x61, 0x41, 0x12, 0x34, 0xaa, 0x82, 'r', 'd', 0x04, '5', 'a', '3', 'f',
};

static void the_location_goes_back_byte_for_byte(void **state)
{
	struct lwm2m_location loc;
	struct kcoap_msg resp, upd, back;
	uint8_t buf[256];
	char path[KCOAP_PATH_STRLEN];
	int len;

	(void)state;
	assert_int_equal(kcoap_parse(&resp, created, sizeof(created)), 0);
	assert_int_equal(lwm2m_location_set(&loc, &resp), 0);
	assert_string_equal(loc.text, "/rd/5a3f");
	assert_int_equal(loc.nsegs, 2);

	kcoap_msg_init(&upd, KCOAP_CON, KCOAP_POST, 1);
	assert_int_equal(lwm2m_location_add(&loc, &upd), 0);
	len = kcoap_build(&upd, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(kcoap_parse(&back, buf, (size_t)len), 0);
	assert_int_equal(kcoap_msg_path(&back, KCOAP_OPT_URI_PATH, path, sizeof(path)), 8);
	assert_string_equal(path, "/rd/5a3f");
}

static void a_location_with_odd_bytes_is_kept_exact(void **state)
{
	/* segments "a/b" and "%" must come back as such, not as separators */
	static const uint8_t odd[] = { 0x61, 0x41, 0x00, 0x01, 0xaa, 0x83, 'a', '/', 'b', 0x01, '%' };
	struct lwm2m_location loc;
	struct kcoap_msg resp, upd, back;
	const struct kcoap_opt *o;
	uint8_t buf[64];
	int len;

	(void)state;
	assert_int_equal(kcoap_parse(&resp, odd, sizeof(odd)), 0);
	assert_int_equal(lwm2m_location_set(&loc, &resp), 0);
	assert_string_equal(loc.text, "/a%2Fb/%25");
	kcoap_msg_init(&upd, KCOAP_CON, KCOAP_DELETE, 1);
	assert_int_equal(lwm2m_location_add(&loc, &upd), 0);
	len = kcoap_build(&upd, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(kcoap_parse(&back, buf, (size_t)len), 0);
	o = kcoap_opt_first(&back, KCOAP_OPT_URI_PATH);
	assert_non_null(o);
	assert_int_equal(o->len, 3);
	assert_memory_equal(kcoap_opt_val(o), "a/b", 3);
	o = kcoap_opt_next(&back, o);
	assert_non_null(o);
	assert_int_equal(o->len, 1);
	assert_memory_equal(kcoap_opt_val(o), "%", 1);
}

static void a_created_without_location_is_refused(void **state)
{
	static const uint8_t bare[] = { 0x60, 0x41, 0x00, 0x02 };
	/* nine segments: one more than kept */
	static const uint8_t nine[] = { 0x60, 0x41, 0x00, 0x03, 0x81, 'a', 0x01, 'b', 0x01, 'c',
					0x01, 'd', 0x01, 'e', 0x01, 'f', 0x01, 'g', 0x01, 'h',
					0x01, 'i' };
	struct lwm2m_location loc;
	struct kcoap_msg resp;

	(void)state;
	assert_int_equal(kcoap_parse(&resp, bare, sizeof(bare)), 0);
	assert_int_equal(lwm2m_location_set(&loc, &resp), -EPROTO);
	assert_int_equal(loc.nsegs, 0);
	assert_int_equal(kcoap_parse(&resp, nine, sizeof(nine)), 0);
	assert_int_equal(lwm2m_location_set(&loc, &resp), -EPROTO);
	assert_int_equal(loc.nsegs, 0);
}

static void state_names(void **state)
{
	(void)state;
	assert_string_equal(lwm2m_reg_state_name(LWM2M_REG_REGISTERED), "registered");
	assert_string_equal(lwm2m_reg_state_name(LWM2M_REG_WAITING), "waiting to retry");
	assert_string_equal(lwm2m_reg_state_name((enum lwm2m_reg_state)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(update_comes_before_the_lifetime_ends),
		cmocka_unit_test(uris_split_into_host_and_port),
		cmocka_unit_test(literal_addresses_resolve_without_dns),
		cmocka_unit_test(addresses_fit_the_endpoints_family),
		cmocka_unit_test(the_location_goes_back_byte_for_byte),
		cmocka_unit_test(a_location_with_odd_bytes_is_kept_exact),
		cmocka_unit_test(a_created_without_location_is_refused),
		cmocka_unit_test(state_names),
	};

	return cmocka_run_group_tests_name("lwm2m_reg", tests, NULL, NULL);
}
