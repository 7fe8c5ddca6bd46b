// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The encoders' output: a byte buffer that grows by doubling up to a ceiling
 * (a payload larger than a CoAP exchange may carry is an error, not an
 * allocation the size of whatever a store holds). And fmt_fail(), the one
 * way the format files report a reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int fmt_fail(struct fmt_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d) {
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

void fmt_buf_init(struct fmt_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : FMT_BUF_DEFAULT_MAX;
}

static int reserve(struct fmt_buf *b, size_t n)
{
	size_t cap;
	unsigned char *p;

	if (n > b->max || b->len > b->max - n)
		return -E2BIG;
	if (b->len + n <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + n)
		cap = cap > b->max / 2 ? b->max : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int fmt_buf_put(struct fmt_buf *b, const void *p, size_t n)
{
	int err;

	if (!n)
		return 0;
	err = reserve(b, n);
	if (err)
		return err;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int fmt_buf_putc(struct fmt_buf *b, unsigned char c)
{
	return fmt_buf_put(b, &c, 1);
}

int fmt_buf_printf(struct fmt_buf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[128];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -EINVAL;		/* only short texts are printed */
	return fmt_buf_put(b, tmp, (size_t)n);
}

void fmt_buf_free(struct fmt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void fmt_buf_reset(struct fmt_buf *b, size_t keep)
{
	if (b->cap > keep)
		fmt_buf_free(b);
	b->len = 0;
}
