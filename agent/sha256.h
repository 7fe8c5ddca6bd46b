/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104), for the one thing the
 * agent hashes before it has a TLS library: its default endpoint name, which
 * must not expose /etc/machine-id (see endpoint.c). Not for secrets at rest:
 * nothing here wipes its state.
 */
#ifndef KLWM2MD_SHA256_H
#define KLWM2MD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		 uint8_t out[SHA256_LEN]);

#endif /* KLWM2MD_SHA256_H */
