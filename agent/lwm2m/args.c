// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Execute argument grammar of args.h, as a scanner over the bytes: one
 * pass, each argument a digit, optionally followed by ='...' whose
 * characters are printable ASCII other than space, '"', '\'' and '\\'.
 */
#include <errno.h>

#include "formats/internal.h"
#include "lwm2m/args.h"
#include "lwm2m/errors.h"

static int arg_char(uint8_t c)
{
	return c == '!' || (c >= 0x23 && c <= 0x26) || (c >= 0x28 && c <= 0x5b) ||
	       (c >= 0x5d && c <= 0x7e);
}

int lwm2m_exec_args_check(const uint8_t *p, size_t len, struct fmt_diag *diag)
{
	size_t i = 0;
	int n = 0;

	if (!len)
		return 0;
	for (;;) {
		if (i >= len || p[i] < '0' || p[i] > '9')
			return fmt_fail(diag, -EBADMSG, "execute arguments: a digit expected at byte %zu", i);
		i++;
		n++;
		if (i < len && p[i] == '=') {
			i++;
			if (i >= len || p[i] != '\'')
				return fmt_fail(diag, -EBADMSG,
						  "execute arguments: a quote expected at byte %zu", i);
			for (i++; i < len && arg_char(p[i]); i++)
				;
			if (i >= len || p[i] != '\'')
				return fmt_fail(diag, -EBADMSG,
						  "execute arguments: a bad character or no closing quote at byte %zu", i);
			i++;
		}
		if (i == len)
			return n;
		if (p[i] != ',')
			return fmt_fail(diag, -EBADMSG, "execute arguments: ',' expected at byte %zu", i);
		i++;
	}
}
