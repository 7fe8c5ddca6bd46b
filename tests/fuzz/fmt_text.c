// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: plain text and octet-stream payloads written to a resource of
 * every type, decoded, re-encoded, decoded again (fmt_fuzz.h).
 */
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bases[] = {
		"/9999/0/0", "/9999/0/1", "/9999/0/2", "/9999/0/3", "/9999/0/4", "/9999/0/5",
		"/9999/0/6", "/9999/0/7", "/9999/0/8", "/9999/0/12/3", "/9999/0/10", "/3/0",
	};

	fz_run(FMT_TEXT, bases, sizeof(bases) / sizeof(bases[0]), data, size);
	fz_run(FMT_OPAQUE, bases + 5, 1, data, size);
	return 0;
}
