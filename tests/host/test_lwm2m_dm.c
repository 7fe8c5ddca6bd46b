// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DM half's pure parts: the -errno -> CoAP code table (errors.c), the
 * Uri-Path reader (path.c), Write-Attributes queries (attrs.c), Execute
 * arguments (args.c) and the observation list (obslist.c). Table-driven;
 * each case names what it shows.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "coap/msg.h"
#include "formats/formats.h"
#include "lwm2m/args.h"
#include "lwm2m/attrs.h"
#include "lwm2m/errors.h"
#include "lwm2m/observe.h"
#include "lwm2m/path.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- errors */

static const struct {
	int err;
	enum lwm2m_op op;
	uint8_t code;
} code_cases[] = {
	{ 0, LWM2M_OP_READ, KCOAP_CONTENT },
	{ 0, LWM2M_OP_DISCOVER, KCOAP_CONTENT },
	{ 0, LWM2M_OP_WRITE, KCOAP_CHANGED },
	{ 0, LWM2M_OP_WRITE_ATTRS, KCOAP_CHANGED },
	{ 0, LWM2M_OP_EXEC_RESULT, KCOAP_CHANGED },
	{ 0, LWM2M_OP_CREATE, KCOAP_CREATED },
	{ 0, LWM2M_OP_DELETE, KCOAP_DELETED },
	{ -ENOENT, LWM2M_OP_READ, KCOAP_NOT_FOUND },
	{ -ENOENT, LWM2M_OP_DELETE, KCOAP_NOT_FOUND },
	{ -EBADMSG, LWM2M_OP_WRITE, KCOAP_BAD_REQUEST },
	{ -EINVAL, LWM2M_OP_WRITE_ATTRS, KCOAP_BAD_REQUEST },
	{ -ERANGE, LWM2M_OP_WRITE, KCOAP_BAD_REQUEST },
	{ -EEXIST, LWM2M_OP_CREATE, KCOAP_BAD_REQUEST },
	{ -EACCES, LWM2M_OP_READ, KCOAP_UNAUTHORIZED },
	{ -EPERM, LWM2M_OP_WRITE, KCOAP_METHOD_NOT_ALLOWED },
	{ -EISDIR, LWM2M_OP_DELETE, KCOAP_METHOD_NOT_ALLOWED },
	{ -EOPNOTSUPP, LWM2M_OP_READ, KCOAP_NOT_ACCEPTABLE },
	{ -EOPNOTSUPP, LWM2M_OP_OBSERVE, KCOAP_NOT_ACCEPTABLE },
	{ -EOPNOTSUPP, LWM2M_OP_WRITE, KCOAP_UNSUPPORTED_CONTENT_FORMAT },
	{ -EOPNOTSUPP, LWM2M_OP_CREATE, KCOAP_UNSUPPORTED_CONTENT_FORMAT },
	{ -E2BIG, LWM2M_OP_WRITE, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -ENOSPC, LWM2M_OP_CREATE, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -ENOSPC, LWM2M_OP_OBSERVE, KCOAP_SERVICE_UNAVAILABLE },
	{ -ENOSPC, LWM2M_OP_READ, KCOAP_INTERNAL_SERVER_ERROR },
	{ -ESRCH, LWM2M_OP_EXECUTE, KCOAP_SERVICE_UNAVAILABLE },
	{ -ETIMEDOUT, LWM2M_OP_EXEC_RESULT, KCOAP_SERVICE_UNAVAILABLE },
	{ -EPIPE, LWM2M_OP_EXEC_RESULT, KCOAP_SERVICE_UNAVAILABLE },
	{ -EIO, LWM2M_OP_EXEC_RESULT, KCOAP_INTERNAL_SERVER_ERROR },
	{ -EINVAL, LWM2M_OP_EXEC_RESULT, KCOAP_BAD_REQUEST },
	{ -ENOMEM, LWM2M_OP_READ, KCOAP_INTERNAL_SERVER_ERROR },
	{ -12345, LWM2M_OP_READ, KCOAP_INTERNAL_SERVER_ERROR },
};

static void every_errno_maps_to_the_code_its_operation_documents(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(code_cases); i++) {
		uint8_t got = lwm2m_errno_code(code_cases[i].err, code_cases[i].op);

		if (got != code_cases[i].code)
			fail_msg("case %zu: errno %d op %s: got %u.%02u", i, code_cases[i].err,
				 lwm2m_op_name(code_cases[i].op), KCOAP_CODE_CLASS(got),
				 KCOAP_CODE_DETAIL(got));
	}
	assert_string_equal("?", lwm2m_op_name(0));
	assert_string_equal("write-attributes", lwm2m_op_name(LWM2M_OP_WRITE_ATTRS));
}

/* ---------------------------------------------------------------- paths */

static int path_of(const char *const *segs, size_t n, struct klwm2m_path *p)
{
	size_t i;
	int err;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++) {
		err = lwm2m_path_push(p, (const uint8_t *)segs[i], strlen(segs[i]), NULL);
		if (err)
			return err;
	}
	return 0;
}

static void uri_paths_become_lwm2m_paths_or_404_or_400(void **state)
{
	static const struct {
		const char *segs[6];
		size_t n;
		int err;
		uint8_t depth;
		uint16_t last;
	} cases[] = {
		{ { NULL }, 0, 0, 0, 0 },
		{ { "3" }, 1, 0, 1, 3 },
		{ { "3", "0" }, 2, 0, 2, 0 },
		{ { "3303", "0", "5700" }, 3, 0, 3, 5700 },
		{ { "3", "0", "7", "65534" }, 4, 0, 4, 65534 },
		{ { "3", "0", "7", "1", "2" }, 5, -ENOENT, 0, 0 },	/* five levels */
		{ { "rd" }, 1, -ENOENT, 0, 0 },				/* not ours */
		{ { "3", "" }, 2, -ENOENT, 0, 0 },			/* trailing slash */
		{ { "3", "0x1" }, 2, -ENOENT, 0, 0 },
		{ { "3", "-1" }, 2, -ENOENT, 0, 0 },
		{ { "65535" }, 1, -EBADMSG, 0, 0 },			/* the reserved ID */
		{ { "99999999999999999999" }, 1, -EBADMSG, 0, 0 },
		{ { "03" }, 1, -EBADMSG, 0, 0 },			/* leading zero */
	};
	struct klwm2m_path p;
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		int err = path_of(cases[i].segs, cases[i].n, &p);

		if (err != cases[i].err)
			fail_msg("case %zu: %d, want %d", i, err, cases[i].err);
		if (err)
			continue;
		assert_int_equal(cases[i].depth, p.depth);
		if (p.depth)
			assert_int_equal(cases[i].last, p.depth == 1 ? p.oid : p.depth == 2 ? p.iid :
					 p.depth == 3 ? p.rid : p.riid);
	}
	/* a NUL inside a segment is not a digit */
	memset(&p, 0, sizeof(p));
	assert_int_equal(-ENOENT, lwm2m_path_push(&p, (const uint8_t *)"1\0", 2, NULL));
}

/* ---------------------------------------------------------------- attributes */

static int query(struct klwm2m_attrs *a, uint32_t *clear, const char *const *q, size_t n,
		 struct fmt_diag *d)
{
	size_t i;
	int err;

	memset(a, 0, sizeof(*a));
	*clear = 0;
	for (i = 0; i < n; i++) {
		err = lwm2m_attrs_query(a, clear, (const uint8_t *)q[i], strlen(q[i]), d);
		if (err)
			return err;
	}
	return 0;
}

static void write_attributes_queries_set_and_clear_every_attribute(void **state)
{
	static const char *const all[] = {
		"pmin=10", "pmax=60", "gt=20.5", "lt=-3", "st=0.5e1", "epmin=1", "epmax=4294967295",
		"edge=1", "con=0", "hqmax=7",
	};
	static const char *const clears[] = { "pmin", "st", "con" };
	struct klwm2m_attrs a;
	struct fmt_diag d;
	uint32_t clear;

	(void)state;
	assert_int_equal(0, query(&a, &clear, all, N(all), &d));
	assert_int_equal(KLWM2M_ATTR_F_ALL, a.set);
	assert_int_equal(0, clear);
	assert_int_equal(10, a.pmin);
	assert_int_equal(60, a.pmax);
	assert_true(a.gt == 20.5);
	assert_true(a.lt == -3.0);
	assert_true(a.st == 5.0);
	assert_int_equal(1, a.epmin);
	assert_int_equal(4294967295u, a.epmax);
	assert_int_equal(1, a.edge);
	assert_int_equal(0, a.con);
	assert_int_equal(7, a.hqmax);

	assert_int_equal(0, query(&a, &clear, clears, N(clears), &d));
	assert_int_equal(0, a.set);
	assert_int_equal(KLWM2M_ATTR_F_PMIN | KLWM2M_ATTR_F_ST | KLWM2M_ATTR_F_CON, clear);
}

static void write_attributes_queries_refuse_what_the_ts_does_not_allow(void **state)
{
	static const char *const bad[] = {
		"pmin=", "pmin=-1", "pmin=+1", "pmin=01", "pmin=4294967296", "pmin=1.5",
		"pmin= 1", "gt=", "gt=1.", "gt=.5", "gt=1e", "gt=inf", "gt=nan", "gt=0x10",
		"gt=1e999", "gt=--1", "edge=2", "edge=", "con=true", "dim=2", "ver=1.1",
		"ssid=1", "foo=1", "PMIN=1", "=1", "", "pmin=1=2",
		"gt=12345678901234567890123456789012345678901234567890123456789012345",
	};
	static const char *const twice[] = { "pmin=1", "pmin=2" };
	static const char *const set_then_clear[] = { "pmax=1", "pmax" };
	struct klwm2m_attrs a;
	struct fmt_diag d;
	uint32_t clear;
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++)
		if (query(&a, &clear, &bad[i], 1, &d) != -EBADMSG)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_int_equal(-EBADMSG, query(&a, &clear, twice, 2, &d));
	assert_non_null(strstr(d.msg, "twice"));
	assert_int_equal(-EBADMSG, query(&a, &clear, set_then_clear, 2, &d));
	/* hostile bytes never reach the diagnostic */
	assert_int_equal(-EBADMSG, lwm2m_attrs_query(&a, &clear, (const uint8_t *)"\x1b[2J=1", 6, &d));
	assert_null(strchr(d.msg, '\x1b'));
}

/* ---------------------------------------------------------------- execute arguments */

static void execute_arguments_follow_the_ts_grammar(void **state)
{
	static const struct {
		const char *args;
		int want;
	} cases[] = {
		{ "", 0 },
		{ "0", 1 },
		{ "5='https://example.com/fw?a=1&b=2'", 1 },
		{ "0='a',1,2=''", 3 },
		{ "9='!#$%&()*+,-./:;<=>?@[]^_`{|}~'", 1 },
		{ "10", -EBADMSG },		/* one digit per argument */
		{ "a", -EBADMSG },
		{ "0,", -EBADMSG },
		{ ",0", -EBADMSG },
		{ "0=a", -EBADMSG },
		{ "0='a", -EBADMSG },
		{ "0='a b'", -EBADMSG },	/* no space */
		{ "0='a\"b'", -EBADMSG },
		{ "0='a\\b'", -EBADMSG },
		{ "0=''1", -EBADMSG },
		{ "0 ", -EBADMSG },
		{ "0=", -EBADMSG },
	};
	struct fmt_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		int got = lwm2m_exec_args_check((const uint8_t *)cases[i].args,
						strlen(cases[i].args), &d);

		if (got != cases[i].want)
			fail_msg("\"%s\": %d, want %d", cases[i].args, got, cases[i].want);
	}
	assert_int_equal(0, lwm2m_exec_args_check(NULL, 0, NULL));
	assert_int_equal(-EBADMSG, lwm2m_exec_args_check((const uint8_t *)"0='\x80'", 5, NULL));
}

/* ---------------------------------------------------------------- observation list */

static void observations_are_found_by_kernel_id_and_unlinked_one_by_one(void **state)
{
	struct dm_obs *head = NULL, *a, *b, *c;

	(void)state;
	a = dm_obs_new(&head);
	b = dm_obs_new(&head);
	c = dm_obs_new(&head);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	a->kid = 7;
	b->kid = 8;
	c->kid = 9;
	assert_int_equal(-1, b->cf);
	assert_int_equal(3, dm_obs_count(head));
	assert_ptr_equal(b, dm_obs_by_kid(head, 8));
	assert_null(dm_obs_by_kid(head, 1));
	dm_obs_unlink(&head, b);
	assert_null(dm_obs_by_kid(head, 8));
	assert_ptr_equal(a, dm_obs_by_kid(head, 7));
	assert_int_equal(2, dm_obs_count(head));
	dm_obs_unlink(&head, c);
	dm_obs_unlink(&head, a);
	assert_null(head);
	assert_int_equal(0, dm_obs_count(head));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_errno_maps_to_the_code_its_operation_documents),
		cmocka_unit_test(uri_paths_become_lwm2m_paths_or_404_or_400),
		cmocka_unit_test(write_attributes_queries_set_and_clear_every_attribute),
		cmocka_unit_test(write_attributes_queries_refuse_what_the_ts_does_not_allow),
		cmocka_unit_test(execute_arguments_follow_the_ts_grammar),
		cmocka_unit_test(observations_are_found_by_kernel_id_and_unlinked_one_by_one),
	};

	return cmocka_run_group_tests_name("lwm2m_dm", tests, NULL, NULL);
}
