// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the default endpoint name: on this host, the name derived
 * from the machine ID is what systemd's own tool computes for klwm2m's
 * application ID (`systemd-id128 machine-id --app-specific=...`), never the
 * machine ID itself, and a valid endpoint name.
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

#define APP_ID "5c1f3b0e8a744b8e9d2f6e4a7c1b9f30"

/* One line of a command's output, without its newline. */
static void run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");

	if (!p)
		fail_msg("%s: %s", cmd, strerror(errno));
	if (!fgets(out, (int)size, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (pclose(p))
		fail_msg("%s failed (is systemd's systemd-id128 installed?)", cmd);
}

static void the_name_is_systemds_app_specific_id(void **state)
{
	char ep[ENDPOINT_UUID_LEN + 1], want[128], mid[128];

	run("systemd-id128 machine-id --app-specific=" APP_ID " --uuid", want, sizeof(want));
	run("cat /etc/machine-id", mid, sizeof(mid));
	assert_int_equal(0, endpoint_from_machine_id(ep, sizeof(ep)));
	assert_int_equal(ENDPOINT_UUID_LEN, strlen(ep));
	assert_int_equal(0, strncmp(ep, "urn:uuid:", 9));
	assert_string_equal(want, ep + 9);
	assert_int_equal(0, config_endpoint_check(ep));
	/* Never the machine ID itself. */
	assert_int_equal(32, strlen(mid));
	assert_null(strstr(ep, mid));
	assert_int_equal(-ENOSPC, endpoint_from_machine_id(ep, 10));
}

static void this_host_has_a_default(void **state)
{
	char ep[CONFIG_ENDPOINT_MAX + 1];
	const char *source = NULL;
	int rc = endpoint_default(ep, sizeof(ep), &source);

	/* A host without machine ID and with an odd host name fails; say so. */
	if (rc)
		fail_msg("no default endpoint on this host: %s", strerror(-rc));
	assert_string_equal("/etc/machine-id", source);
	assert_int_equal(0, config_endpoint_check(ep));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_name_is_systemds_app_specific_id),
		cmocka_unit_test(this_host_has_a_default),
	};

	return cmocka_run_group_tests_name("agent endpoint", tests, NULL, NULL);
}
