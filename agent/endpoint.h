/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The endpoint name the agent registers with when the configuration names
 * none: derived from /etc/machine-id, else from the host name (endpoint.c).
 */
#ifndef KLWM2MD_ENDPOINT_H
#define KLWM2MD_ENDPOINT_H

#include <stddef.h>

/* "urn:uuid:" and a UUID: the length of the name derived from a machine ID. */
#define ENDPOINT_UUID_LEN 45

/*
 * endpoint_from_machine_id() - "urn:uuid:...", klwm2m's application-specific
 * ID of this machine (libsystemd's sd_id128_get_machine_app_specific())
 * @buf: receives the name; at least ENDPOINT_UUID_LEN + 1 bytes
 *
 * libsystemd.so.0 is loaded with dlopen() (dlib.h).
 *
 * Return: 0; -ENOSPC; -ELIBACC (libsystemd cannot be loaded: dlib_error()
 * says why); libsystemd's -errno (-ENOENT: no /etc/machine-id, -ENOMEDIUM:
 * it is empty or "uninitialized", ...).
 */
int endpoint_from_machine_id(char *buf, size_t size);

/*
 * endpoint_default() - the default endpoint name of this host
 * @buf, @size: receive it
 * @source: receives what it came from ("/etc/machine-id" or "the host name")
 *
 * Return: 0; -ELIBACC (libsystemd cannot be loaded, see above: the host name
 * is not used then); another -errno (neither source is usable).
 */
int endpoint_default(char *buf, size_t size, const char **source);

#endif /* KLWM2MD_ENDPOINT_H */
