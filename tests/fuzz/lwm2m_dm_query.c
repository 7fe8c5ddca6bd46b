// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: what a server sends the DM half before anything reaches the
 * kernel. The input is split at NUL bytes; the first byte of the input
 * chooses the parser: 'a' Write-Attributes query options (each piece one
 * Uri-Query), 'p' Uri-Path segments (each piece one segment), anything
 * else Execute arguments (the rest as one payload). Checks what the
 * parsers promise: only their documented errors, attributes only in their
 * ranges, a path never deeper than four levels.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "lwm2m/args.h"
#include "lwm2m/attrs.h"
#include "lwm2m/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct klwm2m_attrs a = { 0 };
	struct klwm2m_path p = { 0 };
	struct fmt_diag d;
	const uint8_t *q, *end;
	uint32_t clear = 0;
	int err;

	if (!size)
		return 0;
	if (data[0] != 'a' && data[0] != 'p') {
		err = lwm2m_exec_args_check(data + 1, size - 1, &d);
		check(err >= 0 || err == -EBADMSG);
		return 0;
	}
	for (q = data + 1, end = data + size; q <= end; ) {
		const uint8_t *nul = memchr(q, 0, (size_t)(end - q));
		size_t len = nul ? (size_t)(nul - q) : (size_t)(end - q);

		if (data[0] == 'a') {
			err = lwm2m_attrs_query(&a, &clear, q, len, &d);
			check(!err || err == -EBADMSG);
		} else {
			err = lwm2m_path_push(&p, q, len, &d);
			check(!err || err == -EBADMSG || err == -ENOENT);
		}
		if (err)
			break;
		q += len + 1;
	}
	check(!(a.set & ~KLWM2M_ATTR_F_ALL) && !(clear & ~KLWM2M_ATTR_F_ALL) && !(a.set & clear));
	check(isfinite(a.gt) && isfinite(a.lt) && isfinite(a.st) && a.edge <= 1 && a.con <= 1);
	check(p.depth <= 4);
	return 0;
}
