// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of klwm2md's configuration: files it accepts (every value
 * where it belongs, flags over the file) and files it refuses, each with the
 * exact message naming the file, the line and the key; then the [device]
 * values against object 3's real definition (objects/3-device.xml).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "device.h"
#include "libklwm2m-ddf.h"

static int parse(const char *text, struct config **c, char *err, size_t errlen)
{
	return config_parse("test.conf", text, strlen(text), NULL, c, err, errlen);
}

/* ---------------------------------------------------------------- accepted */

static void a_full_file_sets_every_value(void **state)
{
	static const char text[] =
		"; a comment\n"
		"# another\n"
		"[agent]\n"
		"endpoint = urn:dev:os:gw-17\n"
		"log_level = debug\n"
		"syslog = true\n"
		"objects = objects /abs/dir\n"
		"listen_address = ::1\n"
		"listen_port = 56830\n"
		"coap_ack_timeout_ms = 10000\n"
		"coap_ack_random_factor = 1.25\n"
		"coap_max_retransmit = 6\n"
		"\n"
		"[server 101]\n"
		"uri = coap://[2001:db8::1]:5683\n"
		"lifetime = 300\n"
		"binding = U\n"
		"default_pmin = 10\n"
		"default_pmax = 60\n"
		"notification_storing = false\n"
		"content_format = lwm2m-cbor\n"
		"[server 2]\n"
		"uri = coap://lwm2m.example.net ; inline comment\n"
		"[device]\n"
		"manufacturer = Example Industries\n"
		"model_number = GW-100\n";
	struct config *c;
	char err[512];

	assert_int_equal(0, config_parse("/etc/klwm2m/test.conf", text, strlen(text), NULL, &c,
					 err, sizeof(err)));
	assert_string_equal("urn:dev:os:gw-17", c->endpoint);
	assert_int_equal(LOG_DEBUG, c->log_level);
	assert_int_equal(1, c->use_syslog);
	assert_int_equal(2, c->nobjects);
	assert_string_equal("/etc/klwm2m/objects", c->objects[0]);
	assert_string_equal("/abs/dir", c->objects[1]);
	assert_int_equal(7, c->objects_line);
	assert_string_equal("::1", c->listen_address);
	assert_int_equal(56830, c->listen_port);
	assert_int_equal(10000, c->coap_ack_timeout_ms);
	assert_int_equal(1250, c->coap_ack_random_factor_permille);
	assert_int_equal(6, c->coap_max_retransmit);
	assert_int_equal(2, c->nservers);
	assert_int_equal(101, c->servers[0].ssid);
	assert_int_equal(14, c->servers[0].line);
	assert_string_equal("coap://[2001:db8::1]:5683", c->servers[0].uri);
	assert_int_equal(300, c->servers[0].lifetime);
	assert_string_equal("U", c->servers[0].binding);
	assert_int_equal(10, c->servers[0].default_pmin);
	assert_int_equal(60, c->servers[0].default_pmax);
	assert_int_equal(0, c->servers[0].notification_storing);
	assert_int_equal(11544, c->servers[0].content_format);
	assert_ptr_equal(&c->servers[1], config_server(c, 2));
	assert_null(config_server(c, 3));
	assert_int_equal(2, c->ndevice);
	assert_string_equal("model_number", c->device[1].key);
	assert_string_equal("GW-100", c->device[1].value);
	assert_int_equal(26, c->device[1].line);
	config_free(c);
}

static void omitted_keys_take_the_defaults(void **state)
{
	struct config *c;
	char err[512];

	assert_int_equal(0, parse("[server 1]\nuri = coap://127.0.0.1\n", &c, err, sizeof(err)));
	assert_null(c->endpoint);
	assert_null(c->objects);
	assert_int_equal(LOG_NOTICE, c->log_level);
	assert_int_equal(0, c->use_syslog);
	assert_string_equal("", c->listen_address);
	assert_int_equal(0, c->listen_port);
	assert_int_equal(0, c->coap_ack_timeout_ms);	/* the RFC's, in the endpoint */
	assert_int_equal(0, c->coap_ack_random_factor_permille);
	assert_int_equal(0, c->coap_max_retransmit);
	assert_int_equal(86400, c->servers[0].lifetime);
	assert_string_equal("U", c->servers[0].binding);
	assert_int_equal(0, c->servers[0].default_pmin);
	assert_int_equal(0, c->servers[0].default_pmax);
	assert_int_equal(1, c->servers[0].notification_storing);
	assert_int_equal(112, c->servers[0].content_format);
	config_free(c);
}

static void flags_override_the_file(void **state)
{
	static const char text[] = "[agent]\nendpoint = a\nlog_level = error\n"
				   "[server 1]\nuri = coap://h\n";
	struct config_overrides ov = { .endpoint = "b", .log_level = LOG_INFO, .use_syslog = 1 };
	struct config *c;
	char err[512];

	assert_int_equal(0, config_parse("t", text, strlen(text), &ov, &c, err, sizeof(err)));
	assert_string_equal("b", c->endpoint);
	assert_int_equal(LOG_INFO, c->log_level);
	assert_int_equal(1, c->use_syslog);
	config_free(c);
}

static void a_file_is_read_from_disk(void **state)
{
	char path[] = "/tmp/klwm2md-conf-XXXXXX", err[512];
	static const char text[] = "[server 1]\r\nuri = coap://h:1\r\n";
	struct config *c;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal((ssize_t)strlen(text), write(fd, text, strlen(text)));
	close(fd);
	assert_int_equal(0, config_load(path, NULL, &c, err, sizeof(err)));
	assert_string_equal("coap://h:1", c->servers[0].uri);
	config_free(c);
	unlink(path);
	assert_int_equal(-ENOENT, config_load(path, NULL, &c, err, sizeof(err)));
	assert_null(c);
	assert_true(strstr(err, ": cannot read: No such file or directory") != NULL);
}

/* ---------------------------------------------------------------- refused */

struct refusal {
	const char *what, *text, *message;
};

#define LONG_HOST "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct refusal refusals[] = {
	{ "an unknown section", "[agnt]\n",
	  "test.conf:1: [agnt]: unknown section: expected [agent], [device] or [server SSID]" },
	{ "an unknown key", "[agent]\nfoo = 1\n",
	  "test.conf:2: key 'foo' in [agent]: unknown key" },
	{ "an unknown server key", "[server 1]\nuri = coap://h\nport = 5683\n",
	  "test.conf:3: key 'port' in [server 1]: unknown key" },
	{ "a key given twice", "[server 1]\nuri = coap://a\nuri = coap://b\n",
	  "test.conf:3: key 'uri' in [server 1]: given twice (first at line 2)" },
	{ "a section given twice", "[server 1]\nuri = coap://a\n[agent]\n\n[server 1]\n",
	  "test.conf:5: [server 1]: section given twice (first at line 1)" },
	{ "an empty [agent] given twice", "[agent]\n[agent]\n",
	  "test.conf:2: [agent]: section given twice (first at line 1)" },
	{ "short server ID 0", "[server 0]\nuri = coap://h\n",
	  "test.conf:1: [server 0]: the short server ID: 0 is outside 1..65534" },
	{ "short server ID 65535", "[server 65535]\n",
	  "test.conf:1: [server 65535]: the short server ID: 65535 is outside 1..65534" },
	{ "a server without uri", "[agent]\n[server 7]\nlifetime = 60\n",
	  "test.conf:2: key 'uri' in [server 7]: missing: every server needs its uri" },
	{ "no server at all", "[agent]\nlog_level = info\n",
	  "test.conf: no [server SSID] section: at least one server is needed" },
	{ "a key before any section", "uri = coap://h\n",
	  "test.conf:1: key 'uri': outside any section" },
	{ "a line without '=' or ':'", "[server 1]\nuri coap\n",
	  "test.conf:2: syntax error: expected [section], key = value, or a ; or # comment" },
	{ "':' read as the delimiter", "[server 1]\nuri coap://h\n",
	  "test.conf:2: key 'uri coap' in [server 1]: unknown key" },
	{ "a header without ']'", "[server 1]\nuri = coap://h\n[device\n",
	  "test.conf:3: syntax error: expected [section], key = value, or a ; or # comment" },
	{ "a continuation line", "[server 1]\nuri = coap://h\n  lifetime = 5\n",
	  "test.conf:3: key 'uri' in [server 1]: an indented line would continue this key's value: not supported" },
	{ "an over-long line", "[server 1]\nuri = coap://" LONG_HOST LONG_HOST "\n",
	  "test.conf:2: line longer than 197 characters" },
	{ "lifetime 0", "[server 1]\nuri = coap://h\nlifetime = 0\n",
	  "test.conf:3: key 'lifetime' in [server 1]: 0 is outside 1..2147483647" },
	{ "a negative lifetime", "[server 1]\nuri = coap://h\nlifetime = -5\n",
	  "test.conf:3: key 'lifetime' in [server 1]: '-5' is not a decimal number" },
	{ "a port with leading zeros", "[agent]\nlisten_port = 080\n",
	  "test.conf:2: key 'listen_port' in [agent]: '080': leading zeros are not allowed" },
	{ "a port out of range", "[agent]\nlisten_port = 65536\n",
	  "test.conf:2: key 'listen_port' in [agent]: 65536 is outside 0..65535" },
	{ "a huge number", "[agent]\nlisten_port = 99999999999999999999999\n",
	  "test.conf:2: key 'listen_port' in [agent]: 99999999999999999999999 is outside 0..65535" },
	{ "pmax below pmin", "[server 1]\nuri = coap://h\ndefault_pmin = 10\ndefault_pmax = 5\n",
	  "test.conf:4: key 'default_pmax' in [server 1]: 5 is below default_pmin (10): it would be ignored" },
	{ "a coaps uri", "[server 1]\nuri = coaps://h:5684\n",
	  "test.conf:2: key 'uri' in [server 1]: 'coaps://h:5684': expected coap://HOST[:PORT] (coaps needs DTLS, not yet here)" },
	{ "a uri with a path", "[server 1]\nuri = coap://h:5683/rd\n",
	  "test.conf:2: key 'uri' in [server 1]: 'coap://h:5683/rd': unexpected '/' after the host and port" },
	{ "a uri with port 0", "[server 1]\nuri = coap://h:0\n",
	  "test.conf:2: key 'uri' in [server 1]: 'coap://h:0': the port must be 1..65535" },
	{ "a bad IPv6 uri", "[server 1]\nuri = coap://[fe80::zz]\n",
	  "test.conf:2: key 'uri' in [server 1]: 'fe80::zz' is not an IPv6 address" },
	{ "binding UQ", "[server 1]\nuri = coap://h\nbinding = UQ\n",
	  "test.conf:3: key 'binding' in [server 1]: 'UQ': only U (UDP) is supported" },
	{ "a boolean 'yes'", "[server 1]\nuri = coap://h\nnotification_storing = yes\n",
	  "test.conf:3: key 'notification_storing' in [server 1]: 'yes': expected true or false" },
	{ "an unknown content format", "[server 1]\nuri = coap://h\ncontent_format = json\n",
	  "test.conf:3: key 'content_format' in [server 1]: 'json': expected senml-cbor, senml-json, lwm2m-cbor, tlv, text or opaque" },
	{ "an unknown log level", "[agent]\nlog_level = loud\n",
	  "test.conf:2: key 'log_level' in [agent]: 'loud': expected error, warning, notice, info or debug" },
	{ "an endpoint with a space", "[agent]\nendpoint = my device\n",
	  "test.conf:2: key 'endpoint' in [agent]: 'my device': 1..128 characters of A-Z a-z 0-9 - . _ ~ : @ +" },
	{ "a listen address that is a name", "[agent]\nlisten_address = localhost\n",
	  "test.conf:2: key 'listen_address' in [agent]: 'localhost' is not an IPv4 or IPv6 address" },
	{ "an empty objects key", "[agent]\nobjects =\n",
	  "test.conf:2: key 'objects' in [agent]: empty: give DDF files or directories, separated by spaces" },
	{ "a device key in another spelling", "[device]\nModel Number = GW\n",
	  "test.conf:2: key 'Model Number' in [device]: unknown key: [device] keys are object 3's resource names in lowercase with '_' (model_number)" },
	{ "a device key given twice", "[device]\nmodel_number = a\nmodel_number = b\n",
	  "test.conf:3: key 'model_number' in [device]: given twice (first at line 2)" },
	{ "an ACK timeout below 100 ms", "[agent]\ncoap_ack_timeout_ms = 50\n",
	  "test.conf:2: key 'coap_ack_timeout_ms' in [agent]: 50 is outside 100..600000" },
	{ "an ACK random factor below 1", "[agent]\ncoap_ack_random_factor = 0.5\n",
	  "test.conf:2: key 'coap_ack_random_factor' in [agent]: '0.5': expected a decimal 1..10 with at most 3 digits after the point" },
	{ "an ACK random factor above 10", "[agent]\ncoap_ack_random_factor = 10.001\n",
	  "test.conf:2: key 'coap_ack_random_factor' in [agent]: 10.001 is above 10" },
	{ "an ACK random factor with 4 decimals", "[agent]\ncoap_ack_random_factor = 1.2345\n",
	  "test.conf:2: key 'coap_ack_random_factor' in [agent]: '1.2345': expected a decimal 1..10 with at most 3 digits after the point" },
	{ "an ACK random factor with a letter", "[agent]\ncoap_ack_random_factor = 1.5x\n",
	  "test.conf:2: key 'coap_ack_random_factor' in [agent]: '1.5x' is not a decimal number" },
	{ "no retransmission", "[agent]\ncoap_max_retransmit = 0\n",
	  "test.conf:2: key 'coap_max_retransmit' in [agent]: 0 is outside 1..16" },
	{ "the first error of several", "[agent]\nfoo = 1\nbar = 2\n",
	  "test.conf:2: key 'foo' in [agent]: unknown key" },
};

static void every_refusal_names_file_line_and_key(void **state)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct config *c = (void *)1;
		char err[512];

		print_message("# refused: %s\n", refusals[i].what);
		assert_int_equal(-EINVAL, parse(refusals[i].text, &c, err, sizeof(err)));
		assert_null(c);
		assert_string_equal(refusals[i].message, err);
	}
}

static void a_nul_byte_is_refused(void **state)
{
	static const char text[] = "[server 1]\nuri = coap://h\0x\n";
	struct config *c;
	char err[512];

	assert_int_equal(-EINVAL, config_parse("test.conf", text, sizeof(text) - 1, NULL, &c, err,
					       sizeof(err)));
	assert_string_equal("test.conf:2: a NUL byte", err);
}

static void a_file_too_large_is_refused(void **state)
{
	size_t len = CONFIG_FILE_MAX + 1;
	char *text = malloc(len), err[512];
	struct config *c;

	assert_non_null(text);
	memset(text, '\n', len);
	assert_int_equal(-EINVAL, config_parse("big.conf", text, len, NULL, &c, err, sizeof(err)));
	assert_string_equal("big.conf: larger than 65536 bytes", err);
	free(text);
}

/* ---------------------------------------------------------------- [device] against object 3 */

static struct klwm2m_objdef *device_def(void)
{
	const char *dir = getenv("KLWM2M_OBJECTS");
	struct klwm2m_objdef *def;
	char path[512];

	snprintf(path, sizeof(path), "%s/3-device.xml", dir ? dir : "objects");
	assert_int_equal(0, klwm2m_ddf_load(path, &def));
	return def;
}

static void key_names_come_from_resource_names(void **state)
{
	char key[64];

	device_key_name("Model Number", key, sizeof(key));
	assert_string_equal("model_number", key);
	device_key_name("Supported Binding and Modes", key, sizeof(key));
	assert_string_equal("supported_binding_and_modes", key);
	device_key_name("  UTC  Offset ", key, sizeof(key));
	assert_string_equal("utc_offset", key);
	device_key_name("ExtDevInfo", key, sizeof(key));
	assert_string_equal("extdevinfo", key);
}

static const struct refusal device_refusals[] = {
	{ "a name object 3 lacks", "[server 1]\nuri = coap://h\n[device]\ncolour = red\n",
	  "test.conf:4: key 'colour' in [device]: unknown key: object 3 (Device) has no resource of that name" },
	{ "an integer that is text", "[server 1]\nuri = coap://h\n[device]\nmemory_free = lots\n",
	  "test.conf:4: key 'memory_free' in [device]: 'lots' is not a valid integer for resource 10 (Memory Free)" },
	{ "a battery level past 100", "[server 1]\nuri = coap://h\n[device]\nbattery_level = 101\n",
	  "test.conf:4: key 'battery_level' in [device]: '101' for resource 9 (Battery Level): outside 0..100" },
	{ "an executable resource", "[server 1]\nuri = coap://h\n[device]\nreboot = 1\n",
	  "test.conf:4: key 'reboot' in [device]: resource 4 (Reboot) is executable: it holds no value" },
	{ "a multiple resource", "[server 1]\nuri = coap://h\n[device]\nerror_code = 0\n",
	  "test.conf:4: key 'error_code' in [device]: resource 11 (Error Code) has multiple instances: not set from here" },
	{ "the current time", "[server 1]\nuri = coap://h\n[device]\ncurrent_time = 5\n",
	  "test.conf:4: key 'current_time' in [device]: resource 13 (Current Time) comes from a clock, not from the configuration" },
	{ "the bindings", "[server 1]\nuri = coap://h\n[device]\nsupported_binding_and_modes = UQ\n",
	  "test.conf:4: key 'supported_binding_and_modes' in [device]: resource 16 (Supported Binding and Modes) is what the agent supports: it sets it" },
};

static void device_values_are_checked_against_object_3(void **state)
{
	static const char good[] = "[server 1]\nuri = coap://h\n[device]\nmanufacturer = ACME\n"
				   "battery_level = 100\nmemory_total = 65536\ntimezone = Europe/Berlin\n";
	struct klwm2m_objdef *dev = device_def();
	struct config *c;
	char err[512];

	assert_int_equal(0, parse(good, &c, err, sizeof(err)));
	assert_int_equal(0, device_check(c, dev, err, sizeof(err)));
	config_free(c);
	for (size_t i = 0; i < sizeof(device_refusals) / sizeof(device_refusals[0]); i++) {
		print_message("# refused: %s\n", device_refusals[i].what);
		assert_int_equal(0, parse(device_refusals[i].text, &c, err, sizeof(err)));
		assert_int_equal(-EINVAL, device_check(c, dev, err, sizeof(err)));
		assert_string_equal(device_refusals[i].message, err);
		config_free(c);
	}
	klwm2m_objdef_free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_full_file_sets_every_value),
		cmocka_unit_test(omitted_keys_take_the_defaults),
		cmocka_unit_test(flags_override_the_file),
		cmocka_unit_test(a_file_is_read_from_disk),
		cmocka_unit_test(every_refusal_names_file_line_and_key),
		cmocka_unit_test(a_nul_byte_is_refused),
		cmocka_unit_test(a_file_too_large_is_refused),
		cmocka_unit_test(key_names_come_from_resource_names),
		cmocka_unit_test(device_values_are_checked_against_object_3),
	};

	return cmocka_run_group_tests_name("agent config", tests, NULL, NULL);
}
