// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: arbitrary bytes as klwm2md's configuration file, through
 * inih into the strict parser (config_parse()). Either a configuration comes
 * back, whose invariants are checked, or a refusal with a message in the
 * documented form; never a crash, a leak or an unterminated message.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	char err[1024];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = config_parse("fuzz.conf", data, size, NULL, &c, err, sizeof(err));
	assert(memchr(err, '\0', sizeof(err)));
	if (rc) {
		assert(!c);
		assert(!strncmp(err, "fuzz.conf:", 10) || !strncmp(err, "fuzz.conf: ", 11));
		return 0;
	}
	assert(c->nservers >= 1 && c->nservers <= CONFIG_SERVERS_MAX);
	for (unsigned int i = 0; i < c->nservers; i++) {
		const struct config_server *s = &c->servers[i];

		assert(s->ssid >= 1 && s->ssid <= 65534);
		assert(config_server(c, s->ssid) == s);
		assert(!strncmp(s->uri, "coap://", 7));
		assert(s->lifetime >= 1);
		assert(!s->default_pmax || s->default_pmax >= s->default_pmin);
		assert(config_content_format_name(s->content_format));
	}
	assert(!c->endpoint || !config_endpoint_check(c->endpoint));
	assert(c->ndevice <= CONFIG_DEVICE_MAX);
	assert(c->nobjects <= CONFIG_OBJECTS_MAX);
	config_free(c);
	return 0;
}
