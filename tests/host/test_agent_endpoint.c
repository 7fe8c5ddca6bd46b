// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the default endpoint name: SHA-256 and HMAC-SHA-256 against
 * the FIPS 180-2 and RFC 4231 vectors, and the name derived from a machine
 * ID against what systemd computes for the same ID and application ID
 * (`systemd-id128 machine-id --app-specific=5c1f3b0e8a744b8e9d2f6e4a7c1b9f30`
 * on a host whose /etc/machine-id is the one below).
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

#include "config.h"
#include "endpoint.h"
#include "sha256.h"

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void sha256_matches_the_fips_vectors(void **state)
{
	static const struct {
		const char *msg, *digest;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	uint8_t d[SHA256_LEN];
	char text[2 * SHA256_LEN + 1];
	char *million = malloc(1000000);

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256(v[i].msg, strlen(v[i].msg), d);
		hex(d, sizeof(d), text);
		assert_string_equal(v[i].digest, text);
	}
	assert_non_null(million);
	memset(million, 'a', 1000000);
	sha256(million, 1000000, d);
	hex(d, sizeof(d), text);
	assert_string_equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", text);
	free(million);
}

static void hmac_matches_rfc_4231(void **state)
{
	uint8_t key1[20], key6[131], mac[SHA256_LEN];
	char text[2 * SHA256_LEN + 1];
	static const char msg6[] = "Test Using Larger Than Block-Size Key - Hash Key First";

	memset(key1, 0x0b, sizeof(key1));
	hmac_sha256(key1, sizeof(key1), "Hi There", 8, mac);
	hex(mac, sizeof(mac), text);
	assert_string_equal("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", text);
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	hex(mac, sizeof(mac), text);
	assert_string_equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", text);
	memset(key6, 0xaa, sizeof(key6));
	hmac_sha256(key6, sizeof(key6), msg6, strlen(msg6), mac);
	hex(mac, sizeof(mac), text);
	assert_string_equal("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", text);
}

static void the_name_is_systemds_app_specific_id(void **state)
{
	char ep[ENDPOINT_UUID_LEN + 1];

	assert_int_equal(0, endpoint_from_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4\n", ep,
						     sizeof(ep)));
	assert_string_equal("urn:uuid:ca362be0-aeae-4b1a-a934-2c2572ba6a06", ep);
	assert_int_equal(ENDPOINT_UUID_LEN, strlen(ep));
	assert_int_equal(0, config_endpoint_check(ep));
	/* Never the machine ID itself. */
	assert_null(strstr(ep, "3d1219c7"));
}

static void bad_machine_ids_are_refused(void **state)
{
	char ep[ENDPOINT_UUID_LEN + 1];

	assert_int_equal(-EINVAL, endpoint_from_machine_id("3d1219c7", ep, sizeof(ep)));
	assert_int_equal(-EINVAL, endpoint_from_machine_id("3d1219c7c4c5404aaa1f6d2a48adfdXX", ep,
							   sizeof(ep)));
	assert_int_equal(-EINVAL, endpoint_from_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4 x", ep,
							   sizeof(ep)));
	assert_int_equal(-EINVAL, endpoint_from_machine_id("00000000000000000000000000000000", ep,
							   sizeof(ep)));
	assert_int_equal(-EINVAL, endpoint_from_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4", ep,
							   10));
}

static void this_host_has_a_default(void **state)
{
	char ep[CONFIG_ENDPOINT_MAX + 1];
	const char *source = NULL;
	int rc = endpoint_default(ep, sizeof(ep), &source);

	/* A host without machine ID and with an odd host name fails; say so. */
	if (rc)
		fail_msg("no default endpoint on this host: %s", strerror(-rc));
	assert_non_null(source);
	assert_int_equal(0, config_endpoint_check(ep));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_matches_the_fips_vectors),
		cmocka_unit_test(hmac_matches_rfc_4231),
		cmocka_unit_test(the_name_is_systemds_app_specific_id),
		cmocka_unit_test(bad_machine_ids_are_refused),
		cmocka_unit_test(this_host_has_a_default),
	};

	return cmocka_run_group_tests_name("agent endpoint", tests, NULL, NULL);
}
