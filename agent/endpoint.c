// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The default endpoint name.
 *
 * machine-id(5) asks that the machine ID never be sent on a network as it
 * is: an application uses a keyed hash of it. The agent does what systemd's
 * sd_id128_get_machine_app_specific() does: HMAC-SHA-256 keyed with the
 * machine ID's 16 bytes over klwm2m's application ID below, the first 16
 * bytes of the result made a version 4 UUID. So the name is stable for the
 * machine, differs from any other application's ID, and an operator can
 * compute it with `systemd-id128 machine-id --app-specific=APP_ID`.
 *
 * Without a machine ID (a minimal container), the host name is used as it
 * is, when it is a valid endpoint name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#include "config.h"
#include "endpoint.h"
#include "libklwm2m.h"
#include "sha256.h"

#define MACHINE_ID_FILE "/etc/machine-id"

/* klwm2m's application ID: 5c1f3b0e-8a74-4b8e-9d2f-6e4a7c1b9f30 */
static const uint8_t app_id[16] = {
	0x5c, 0x1f, 0x3b, 0x0e, 0x8a, 0x74, 0x4b, 0x8e,
	0x9d, 0x2f, 0x6e, 0x4a, 0x7c, 0x1b, 0x9f, 0x30,
};

int endpoint_from_machine_id(const char *id, char *buf, size_t size)
{
	uint8_t mid[16], mac[SHA256_LEN];
	struct klwm2m_value v;
	char digits[33];
	int i;

	/* 32 hexadecimal digits, as libklwm2m reads an opaque value's text. */
	if (strnlen(id, 33) < 32 || (id[32] && strcmp(id + 32, "\n")))
		return -EINVAL;
	memcpy(digits, id, 32);
	digits[32] = '\0';
	if (klwm2m_value_parse(KLWM2M_TYPE_OPAQUE, digits, &v))
		return -EINVAL;
	memcpy(mid, v.bytes.ptr, sizeof(mid));
	klwm2m_value_release(&v);
	/* An all-zero ID is "uninitialized" (systemd writes it in images). */
	for (i = 0; i < 16 && !mid[i]; i++)
		;
	if (i == 16 || size < ENDPOINT_UUID_LEN + 1)
		return -EINVAL;
	hmac_sha256(mid, sizeof(mid), app_id, sizeof(app_id), mac);
	mac[6] = (mac[6] & 0x0f) | 0x40;	/* version 4 */
	mac[8] = (mac[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(buf, size,
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], mac[6], mac[7], mac[8], mac[9],
		 mac[10], mac[11], mac[12], mac[13], mac[14], mac[15]);
	return 0;
}

int endpoint_default(char *buf, size_t size, const char **source)
{
	char id[64], host[256];
	FILE *f = fopen(MACHINE_ID_FILE, "re");

	if (f) {
		int ok = fgets(id, sizeof(id), f) != NULL;

		fclose(f);
		if (ok && !endpoint_from_machine_id(id, buf, size)) {
			*source = MACHINE_ID_FILE;
			return 0;
		}
	}
	if (gethostname(host, sizeof(host)))
		return -errno;
	host[sizeof(host) - 1] = '\0';
	if (config_endpoint_check(host) || strlen(host) >= size)
		return -EINVAL;
	strcpy(buf, host);
	*source = "the host name";
	return 0;
}
