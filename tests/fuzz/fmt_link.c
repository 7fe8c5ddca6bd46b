// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: RFC 6690 link format through the strict reader; what it
 * accepts is written out again link by link and must read back the same.
 */
#include <string.h>

#include "fmt_fixture.h"

struct links {
	struct fmt_buf out;
	int n;
};

static int rewrite(const struct fmt_link *l, void *arg)
{
	struct links *s = arg;
	int err = fmt_buf_put(&s->out, s->n ? ",<" : "<", s->n ? 2 : 1);

	s->n++;
	err = err ? err : fmt_buf_put(&s->out, l->uri, l->uri_len);
	err = err ? err : fmt_buf_putc(&s->out, '>');
	for (unsigned i = 0; !err && i < l->nparams; i++) {
		const struct fmt_link_param *p = &l->params[i];

		err = fmt_buf_putc(&s->out, ';');
		err = err ? err : fmt_buf_put(&s->out, p->name, p->name_len);
		if (!err && p->has_value) {
			err = fmt_buf_put(&s->out, p->quoted ? "=\"" : "=", p->quoted ? 2 : 1);
			err = err ? err : fmt_buf_put(&s->out, p->value, p->value_len);
			if (!err && p->quoted)
				err = fmt_buf_putc(&s->out, '"');
		}
	}
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct links a = { .n = 0 }, b = { .n = 0 };
	struct fmt_diag d;
	int n;

	fmt_buf_init(&a.out, 0);
	fmt_buf_init(&b.out, 0);
	d.msg[0] = '\0';
	n = fmt_link_parse(data, size, rewrite, &a, &d);
	if (n >= 0) {
		/* the reader keeps every byte: the rewrite is the input itself */
		if (a.out.len != size || (size && memcmp(a.out.data, data, size)))
			__builtin_trap();
		if (fmt_link_parse(a.out.data, a.out.len, rewrite, &b, &d) != n ||
		    b.out.len != a.out.len || (size && memcmp(a.out.data, b.out.data, size)))
			__builtin_trap();
	} else if (!d.msg[0]) {
		__builtin_trap();
	}
	fmt_buf_free(&a.out);
	fmt_buf_free(&b.out);
	return 0;
}
