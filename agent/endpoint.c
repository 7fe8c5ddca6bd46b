// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The default endpoint name.
 *
 * machine-id(5) asks that the machine ID never be sent on a network as it
 * is: an application uses a keyed hash of it. libsystemd computes exactly
 * that (sd_id128_get_machine_app_specific(): HMAC-SHA-256 keyed with the
 * machine ID over an application ID, made a version 4 UUID), so the name is
 * stable for the machine, differs from any other application's ID, and an
 * operator can compute it with
 *	systemd-id128 machine-id --app-specific=5c1f3b0e8a744b8e9d2f6e4a7c1b9f30
 * libsystemd reads /etc/machine-id itself; it needs no running systemd.
 * The agent loads it with dlopen() (dlib.h), in its start-up helper
 * process: the running daemon does not map libsystemd and what it brings.
 *
 * Without a usable machine ID (a minimal container, an image whose ID is
 * still "uninitialized"), the host name is used as it is, when it is a valid
 * endpoint name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-id128.h>

#include "config.h"
#include "dlib.h"
#include "endpoint.h"

/* klwm2m's application ID */
#define KLWM2M_APP_ID SD_ID128_MAKE(5c, 1f, 3b, 0e, 8a, 74, 4b, 8e, 9d, 2f, 6e, 4a, 7c, 1b, 9f, 30)

int endpoint_from_machine_id(char *buf, size_t size)
{
	typeof(sd_id128_get_machine_app_specific) *app_specific;
	sd_id128_t id;
	int err;

	if (size < ENDPOINT_UUID_LEN + 1)
		return -ENOSPC;
	app_specific = dlib_sym(DLIB_SYSTEMD, "sd_id128_get_machine_app_specific");
	if (!app_specific)
		return -ELIBACC;
	err = app_specific(KLWM2M_APP_ID, &id);
	if (err < 0)
		return err;
	snprintf(buf, size, "urn:uuid:" SD_ID128_UUID_FORMAT_STR, SD_ID128_FORMAT_VAL(id));
	return 0;
}

int endpoint_default(char *buf, size_t size, const char **source)
{
	char host[256];
	int rc = endpoint_from_machine_id(buf, size);

	if (!rc) {
		*source = "/etc/machine-id";
		return 0;
	}
	/* Not the host name instead: the name would change with the libraries. */
	if (rc == -ELIBACC)
		return rc;
	if (gethostname(host, sizeof(host)))
		return -errno;
	host[sizeof(host) - 1] = '\0';
	if (config_endpoint_check(host) || strlen(host) >= size)
		return -EINVAL;
	strcpy(buf, host);
	*source = "the host name";
	return 0;
}
