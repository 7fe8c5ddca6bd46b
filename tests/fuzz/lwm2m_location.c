// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a datagram the server sent in answer to Register (any
 * bytes) is parsed; when it parses, its Location-Path becomes the
 * registration's location (lwm2m_location_set()), which must then go back
 * out as the Uri-Path of an Update, byte for byte, or be refused whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/location.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kcoap_msg resp, upd, back;
	struct lwm2m_location loc;
	const struct kcoap_opt *a, *b;
	uint8_t buf[2048];
	int len;

	if (kcoap_parse(&resp, data, size))
		return 0;
	if (lwm2m_location_set(&loc, &resp)) {
		if (loc.nsegs)
			abort();	/* refused, but something was kept */
		return 0;
	}
	if (!loc.nsegs || loc.nsegs > LWM2M_LOC_SEGS || strlen(loc.text) >= sizeof(loc.text))
		abort();
	kcoap_msg_init(&upd, KCOAP_CON, KCOAP_POST, 1);
	if (lwm2m_location_add(&loc, &upd))
		abort();
	len = kcoap_build(&upd, buf, sizeof(buf));
	if (len < 0 || kcoap_parse(&back, buf, (size_t)len))
		abort();
	/* the segments that went out are the ones that came in */
	a = kcoap_opt_first(&resp, KCOAP_OPT_LOCATION_PATH);
	b = kcoap_opt_first(&back, KCOAP_OPT_URI_PATH);
	for (; a && b; a = kcoap_opt_next(&resp, a), b = kcoap_opt_next(&back, b))
		if (a->len != b->len || memcmp(kcoap_opt_val(a), kcoap_opt_val(b), a->len))
			abort();
	if (a || b)
		abort();
	return 0;
}
