/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The value-format fuzz targets' common body: decode the input at several
 * request paths with the fixture's type lookup (every type, single and
 * multiple, unknown resources); when a decode succeeds, encode the records in
 * the same format, decode that again and demand the same records. Any
 * difference, or an encoder refusing what its decoder accepted, traps.
 */
#ifndef FMT_FUZZ_H
#define FMT_FUZZ_H

#include <stdio.h>

#include "fmt_fixture.h"

static void fz_check(int format, const struct klwm2m_path *base, const struct fx_recs *first)
{
	struct fx_recs again = { 0 };
	struct fmt_buf out;
	struct fmt_diag d;

	for (size_t i = 0; i < first->n; i++) {
		if (first->r[i].path.depth >= 2 && first->r[i].path.iid == KLWM2M_ID_NONE)
			return;		/* a Create that leaves the ID to the client: no path to write */
	}
	fmt_buf_init(&out, 0);
	if (fmt_encode(format, base, first->r, first->n, &out, &d)) {
		fprintf(stderr, "re-encode failed: %s\n", d.msg);
		__builtin_trap();
	}
	if (fx_decode(format, base, out.data, out.len, &again, &d)) {
		fprintf(stderr, "decode of the re-encoded payload failed: %s\n", d.msg);
		__builtin_trap();
	}
	if (again.n != first->n || !fx_values_eq(first->r, first->n, again.r, again.n))
		__builtin_trap();
	for (size_t i = 0; i < first->n; i++) {
		if (again.r[i].kind != first->r[i].kind ||
		    !fx_path_eq(&again.r[i].path, &first->r[i].path))
			__builtin_trap();
	}
	fx_free(&again);
	fmt_buf_free(&out);
}

static void fz_run(int format, const char *const *bases, size_t nbases, const uint8_t *data,
		   size_t size)
{
	for (size_t i = 0; i < nbases; i++) {
		struct klwm2m_path base;
		struct fx_recs got = { 0 };
		struct fmt_diag d;
		int err;

		if (klwm2m_path_parse(bases[i], &base))
			__builtin_trap();
		err = fx_decode(format, &base, data, size, &got, &d);
		if (err && !d.msg[0])
			__builtin_trap();	/* every refusal says why */
		if (!err)
			fz_check(format, &base, &got);
		fx_free(&got);
	}
}

/* The paths the LwM2M servers' requests use, over the fixture's objects. */
static const char *const fz_bases[] = {
	"/", "/2", "/3", "/3/0", "/3/0/7", "/9999", "/9999/0", "/9999/0/2", "/9999/0/4",
	"/9999/0/10", "/9999/0/15", "/9999/0/10/1",
};

#endif
