// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the agent's CoAP message parser (agent/coap/msg.h) on
 * any bytes. When a datagram parses, building the parsed struct must give
 * the same bytes back (the option encoding is canonical), parsing those
 * must give the same message, and every reader (getters, path, summary)
 * must cope with it. A failed parse must leave no options or payload.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_message(const struct kcoap_msg *a, const struct kcoap_msg *b)
{
	if (a->type != b->type || a->code != b->code || a->mid != b->mid || a->tkl != b->tkl ||
	    memcmp(a->token, b->token, a->tkl) || a->bad_opt != b->bad_opt ||
	    a->nopts != b->nopts || a->payload_len != b->payload_len ||
	    (a->payload_len && memcmp(a->payload, b->payload, a->payload_len)))
		abort();
	for (unsigned int i = 0; i < a->nopts; i++) {
		const struct kcoap_opt *x = &a->opts[i], *y = &b->opts[i];

		if (x->num != y->num || x->len != y->len || x->flags != y->flags ||
		    (x->len && memcmp(kcoap_opt_val(x), kcoap_opt_val(y), x->len)))
			abort();
	}
}

static void read_everything(const struct kcoap_msg *m)
{
	char text[512];
	struct kcoap_block b;
	const uint8_t *val;
	size_t len;
	uint32_t v;

	kcoap_msg_summary(m, text, sizeof(text));
	kcoap_msg_summary(m, text, 7);
	kcoap_msg_path(m, KCOAP_OPT_URI_PATH, text, sizeof(text));
	kcoap_msg_path(m, KCOAP_OPT_LOCATION_PATH, text, 5);
	kcoap_msg_query(m, "ep", &val, &len);
	kcoap_msg_get_block(m, KCOAP_OPT_BLOCK1, &b);
	if (!kcoap_msg_get_block(m, KCOAP_OPT_BLOCK2, &b) &&
	    (b.num > KCOAP_BLOCK_NUM_MAX || b.szx > KCOAP_BLOCK_SZX_MAX))
		abort();
	if (!kcoap_msg_get_observe(m, &v) && v > KCOAP_OBSERVE_MASK)
		abort();
	kcoap_msg_get_uint(m, KCOAP_OPT_CONTENT_FORMAT, &v);
	for (unsigned int i = 0; i < m->nopts; i++)
		kcoap_opt_uint(&m->opts[i], &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kcoap_msg m, again;
	static uint8_t out[70000];
	int n, err;

	err = kcoap_parse(&m, data, size);
	if (err) {
		if (m.nopts || m.payload || !m.err)
			abort();
		return 0;
	}
	read_everything(&m);
	n = kcoap_build(&m, out, sizeof(out));
	if (n != (int)size || memcmp(out, data, size))
		abort();
	if (kcoap_build(&m, out, size - 1) != -ENOSPC)
		abort();
	if (kcoap_parse(&again, out, (size_t)n))
		abort();
	same_message(&m, &again);
	return 0;
}
