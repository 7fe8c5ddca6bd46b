// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: senml_json payloads from a server, decoded, re-encoded, decoded again (fmt_fuzz.h). */
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run(FMT_SENML_JSON, fz_bases, sizeof(fz_bases) / sizeof(fz_bases[0]), data, size);
	return 0;
}
