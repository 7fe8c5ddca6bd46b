// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the test server's own decoders (tests/peer/), which read what
 * the agent sends: TLV, SenML JSON, SenML CBOR, text, opaque and CoRE link
 * format. The first byte picks the format, the second the request path the
 * payload answers; the rest is the payload. A payload that decodes is
 * encoded again in its format when the encoder takes it, and that must
 * decode to as many records. Crashes, leaks and undefined behaviour fail
 * (ASan, UBSan); a round trip that changes the record count traps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats.h"
#include "linkfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int formats[] = { CF_TLV, CF_SENML_JSON, CF_SENML_CBOR, CF_TEXT, CF_OPAQUE,
			       CF_LINK };
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct pv_path bases[] = {
	{ .depth = 0 },
	{ .id = { 3 }, .depth = 1 },
	{ .id = { 3, 0 }, .depth = 2 },
	{ .id = { 3, 0, 7 }, .depth = 3 },
	{ .id = { 3, 0, 7, 1 }, .depth = 4 },
	{ .id = { 65534, 65534, 65534, 65534 }, .depth = 4 },
};
#define NBASES (sizeof(bases) / sizeof(bases[0]))

static void link_case(const uint8_t *buf, size_t len)
{
	struct link_list l = { 0 };
	const char *err = NULL;

	if (!link_parse((const char *)buf, len, &l, &err) && l.n)
		link_list_contains(&l, &l.l[0]);
	link_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_list first = { 0 }, again = { 0 };
	const struct pv_path *base;
	const char *err = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int cf;

	if (size < 2)
		return 0;
	cf = formats[data[0] % NFORMATS];
	base = &bases[data[1] % NBASES];
	data += 2;
	size -= 2;
	if (cf == CF_LINK) {
		link_case(data, size);
		return 0;
	}
	if (fmt_decode(cf, base, data, size, &first, &err))
		goto out;
	if (!fmt_encode(cf, base, &first, &out, &out_len, &err)) {
		if (fmt_decode(cf, base, out, out_len, &again, &err)) {
			fprintf(stderr, "the re-encoded payload does not decode: %s\n", err);
			__builtin_trap();
		}
		if (again.n != first.n) {
			fprintf(stderr, "%zu records became %zu\n", first.n, again.n);
			__builtin_trap();
		}
	}
out:
	free(out);
	pv_list_free(&first);
	pv_list_free(&again);
	return 0;
}
