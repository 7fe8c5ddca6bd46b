// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libklwm2m against the loaded module, each test in a fresh network
 * namespace: typed writes and reads, batches and the entry a refusal names,
 * dumps (stopped early, interrupted by a write), object definitions, events
 * (origin, server, overrun), owners: messages the kernel sends while the
 * handle waits for a reply are queued and delivered later, executes;
 * notification attributes, server defaults, observations and their
 * notifications through klwm2m_process().
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/klwm2m.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "libklwm2m-ddf.h"

#define OID 32001
#define RES(r) KLWM2M_PATH_RES(OID, 0, (r))

static const struct {
	uint16_t id;
	uint8_t type;
	uint32_t flags;
	const char *name;
} resources[] = {
	{ 0, KLWM2M_TYPE_INTEGER, 0, "integer" },
	{ 1, KLWM2M_TYPE_STRING, 0, "string" },
	{ 2, KLWM2M_TYPE_INTEGER, KLWM2M_RES_F_MULTIPLE, "integers" },
	{ 3, KLWM2M_TYPE_FLOAT, 0, "float" },
	{ 4, KLWM2M_TYPE_BOOLEAN, 0, "boolean" },
	{ 5, KLWM2M_TYPE_OBJLNK, 0, "objlnk" },
	{ 6, KLWM2M_TYPE_TIME, 0, "time" },
	{ 7, KLWM2M_TYPE_UNSIGNED, 0, "unsigned" },
	{ 8, KLWM2M_TYPE_OPAQUE, 0, "opaque" },
};
#define NRES (sizeof(resources) / sizeof(resources[0]))

FIXTURE(lib) {
	struct klwm2m *k, *k2;
};

FIXTURE_SETUP(lib)
{
	struct klwm2m_resdef rd[NRES];
	struct klwm2m_objdef def = { .id = OID, .flags = KLWM2M_OBJ_F_MULTIPLE, .version = "1.0",
				     .name = "libklwm2m test", .nres = NRES, .res = rd };
	uint16_t iid = 99;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, klwm2m_open(&self->k)) TH_LOG("open: %s", klwm2m_last_error());
	ASSERT_EQ(0, klwm2m_open(&self->k2)) TH_LOG("open: %s", klwm2m_last_error());
	memset(rd, 0, sizeof(rd));
	for (size_t i = 0; i < NRES; i++) {
		rd[i].id = resources[i].id;
		rd[i].type = resources[i].type;
		rd[i].flags = resources[i].flags;
		rd[i].ops = KLWM2M_OP_READ | KLWM2M_OP_WRITE;
		strcpy(rd[i].name, resources[i].name);
	}
	ASSERT_EQ(0, klwm2m_define(self->k, &def, NULL)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_create(self->k, OID, -1, &iid)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, iid);
}

FIXTURE_TEARDOWN(lib)
{
	klwm2m_close(self->k);
	klwm2m_close(self->k2);
}

TEST_F(lib, every_typed_setter_reads_back_through_its_getter)
{
	struct klwm2m_value v;
	int64_t i;
	uint64_t u;
	double f;
	int b;
	uint16_t o, n;

	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), -5));
	ASSERT_EQ(0, klwm2m_get_int(self->k, &RES(0), &i));
	ASSERT_EQ(-5, i);
	ASSERT_EQ(0, klwm2m_set_uint(self->k, &RES(7), UINT64_MAX));
	ASSERT_EQ(0, klwm2m_get_uint(self->k, &RES(7), &u));
	ASSERT_EQ(UINT64_MAX, u);
	ASSERT_EQ(0, klwm2m_set_float(self->k, &RES(3), 21.5));
	ASSERT_EQ(0, klwm2m_get_float(self->k, &RES(3), &f));
	ASSERT_TRUE(f == 21.5);
	ASSERT_EQ(0, klwm2m_set_bool(self->k, &RES(4), 7));
	ASSERT_EQ(0, klwm2m_get_bool(self->k, &RES(4), &b));
	ASSERT_EQ(1, b);
	ASSERT_EQ(0, klwm2m_set_time(self->k, &RES(6), 1700000000));
	ASSERT_EQ(0, klwm2m_get_time(self->k, &RES(6), &i));
	ASSERT_EQ(1700000000, i);
	ASSERT_EQ(0, klwm2m_set_objlnk(self->k, &RES(5), 3, 65535));
	ASSERT_EQ(0, klwm2m_get_objlnk(self->k, &RES(5), &o, &n));
	ASSERT_EQ(3, o);
	ASSERT_EQ(65535, n);
	ASSERT_EQ(0, klwm2m_set_string(self->k, &RES(1), "Cel"));
	ASSERT_EQ(0, klwm2m_get(self->k, &RES(1), &v));
	ASSERT_EQ(KLWM2M_TYPE_STRING, v.type);
	ASSERT_EQ(3, v.bytes.len);
	ASSERT_STREQ("Cel", v.bytes.ptr);	/* NUL-terminated */
	klwm2m_value_release(&v);
	ASSERT_EQ(0, klwm2m_set_opaque(self->k, &RES(8), "\0\1\2", 3));
	ASSERT_EQ(0, klwm2m_get(self->k, &RES(8), &v));
	ASSERT_EQ(3, v.bytes.len);
	ASSERT_EQ(0, memcmp(v.bytes.ptr, "\0\1\2", 3));
	klwm2m_value_release(&v);

	/* The wrong getter says what the resource holds. */
	ASSERT_EQ(-EMEDIUMTYPE, klwm2m_get_int(self->k, &RES(3), &i));
	ASSERT_STREQ("the resource holds a float, not a integer", klwm2m_errmsg(self->k));
	/* The wrong setter is the kernel's to refuse. */
	ASSERT_EQ(-EINVAL, klwm2m_set_int(self->k, &RES(3), 1));
	ASSERT_NE(0, klwm2m_errmsg(self->k)[0]);
}

TEST_F(lib, get_tells_a_multiple_resource_and_a_missing_value_apart)
{
	struct klwm2m_value v;

	ASSERT_EQ(-EISDIR, klwm2m_get(self->k, &RES(2), &v));
	ASSERT_EQ(-ENOENT, klwm2m_get(self->k, &RES(0), &v));
	ASSERT_EQ(-EINVAL, klwm2m_get(self->k, &(struct klwm2m_path){ .oid = OID, .depth = 1 }, &v));
}

TEST_F(lib, a_refused_batch_lands_nothing_and_names_its_entry)
{
	struct klwm2m_value good = { .type = KLWM2M_TYPE_INTEGER, .i = 1 };
	struct klwm2m_value bad = { .type = KLWM2M_TYPE_STRING, .bytes = { "x", 1 } };
	struct klwm2m_batch *b;
	int64_t i;

	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	ASSERT_EQ(-1, klwm2m_batch_bad(b));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &good));
	ASSERT_EQ(0, klwm2m_batch_add(b, &KLWM2M_PATH_RES(OID, 0, 6), &bad));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &good));
	ASSERT_EQ(3, klwm2m_batch_count(b));
	ASSERT_EQ(-EINVAL, klwm2m_batch_commit(b));
	EXPECT_EQ(1, klwm2m_batch_bad(b)) TH_LOG("%s at %d", klwm2m_errmsg(self->k),
						klwm2m_erroff(self->k));
	ASSERT_LT(0, klwm2m_erroff(self->k));
	ASSERT_EQ(-ENOENT, klwm2m_get_int(self->k, &RES(0), &i));
	klwm2m_batch_free(b);

	/* A path of another depth never reaches the kernel. */
	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	ASSERT_EQ(-EINVAL, klwm2m_batch_add(b, &(struct klwm2m_path){ .oid = OID, .depth = 2 },
					    &good));
	ASSERT_EQ(-EINVAL, klwm2m_batch_commit(b));	/* empty */
	klwm2m_batch_free(b);
}

/*
 * A batch starts as scalar records; the first string turns it into value
 * nests. Every scalar type must survive the turn, resource instances too.
 */
TEST_F(lib, a_batch_of_records_turned_into_nests_keeps_every_value)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 2, .riid = 4, .depth = 4 };
	struct klwm2m_value v, got;
	struct klwm2m_batch *b;
	uint16_t loid, liid;
	int64_t i;
	uint64_t u;
	double f;
	int bo;

	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = -5000000000LL };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_FLOAT, .f = -0.375 };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(3), &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_BOOLEAN, .b = 1 };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(4), &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_OBJLNK, .objlnk = { 3, 65534 } };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(5), &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_TIME, .i = 1700000000 };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(6), &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_UNSIGNED, .u = UINT64_MAX };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(7), &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_INTEGER, .i = 44 };
	ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	v = (struct klwm2m_value){ .type = KLWM2M_TYPE_STRING, .bytes = { "turned", 6 } };
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(1), &v));
	ASSERT_EQ(8, klwm2m_batch_count(b));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);

	ASSERT_EQ(0, klwm2m_get_int(self->k, &RES(0), &i));
	EXPECT_EQ(-5000000000LL, i);
	ASSERT_EQ(0, klwm2m_get_float(self->k, &RES(3), &f));
	EXPECT_EQ(-0.375, f);
	ASSERT_EQ(0, klwm2m_get_bool(self->k, &RES(4), &bo));
	EXPECT_EQ(1, bo);
	ASSERT_EQ(0, klwm2m_get_objlnk(self->k, &RES(5), &loid, &liid));
	EXPECT_EQ(3, loid);
	EXPECT_EQ(65534, liid);
	ASSERT_EQ(0, klwm2m_get_time(self->k, &RES(6), &i));
	EXPECT_EQ(1700000000, i);
	ASSERT_EQ(0, klwm2m_get_uint(self->k, &RES(7), &u));
	EXPECT_EQ(UINT64_MAX, u);
	ASSERT_EQ(0, klwm2m_get_int(self->k, &ri, &i));
	EXPECT_EQ(44, i);
	ASSERT_EQ(0, klwm2m_get(self->k, &RES(1), &got));
	EXPECT_EQ(6, got.bytes.len);
	EXPECT_EQ(0, memcmp(got.bytes.ptr, "turned", 6));
	klwm2m_value_release(&got);
}

/*
 * Records past the first attribute's 2730: the kernel's offset names a
 * record of the second attribute, and the batch names the entry.
 */
TEST_F(lib, a_refused_record_in_a_later_attribute_is_named)
{
	const int n = 3000, at[] = { 1, 2729, 2730, 2999 };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER };
	struct klwm2m_batch *b;
	int64_t i;

	for (size_t t = 0; t < sizeof(at) / sizeof(at[0]); t++) {
		ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
		for (int e = 0; e < n; e++) {
			v.i = e;
			/* An integer at the float resource: refused by the kernel only. */
			ASSERT_EQ(0, klwm2m_batch_add(b, e == at[t] ? &RES(3) : &RES(0), &v));
		}
		ASSERT_EQ(-EINVAL, klwm2m_batch_commit(b));
		EXPECT_EQ(at[t], klwm2m_batch_bad(b)) TH_LOG("%s at offset %d",
							     klwm2m_errmsg(self->k),
							     klwm2m_erroff(self->k));
		klwm2m_batch_free(b);
		ASSERT_EQ(-ENOENT, klwm2m_get_int(self->k, &RES(0), &i));
	}
	/* The same batch without the bad record lands whole: the last write wins. */
	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (int e = 0; e < n; e++) {
		v.i = e;
		ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &v));
	}
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);
	ASSERT_EQ(0, klwm2m_get_int(self->k, &RES(0), &i));
	EXPECT_EQ(n - 1, i);
}

/* 65535 is no ID; in a record it would mean "no resource instance". */
TEST_F(lib, an_id_of_65535_is_refused_before_the_kernel)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 0, .riid = 65535, .depth = 4 };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = 1 };
	struct klwm2m_batch *b;
	int64_t i;

	ASSERT_EQ(-EINVAL, klwm2m_set(self->k, &ri, &v));
	EXPECT_NE(NULL, strstr(klwm2m_errmsg(self->k), "65534")) TH_LOG("%s",
									 klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	ASSERT_EQ(-EINVAL, klwm2m_batch_add(b, &ri, &v));
	ASSERT_EQ(-EINVAL, klwm2m_batch_add(b, &KLWM2M_PATH_RES(OID, 65535, 0), &v));
	ASSERT_EQ(0, klwm2m_batch_count(b));
	klwm2m_batch_free(b);
	/* Not written at /OID/0/0 instead. */
	ASSERT_EQ(-ENOENT, klwm2m_get_int(self->k, &RES(0), &i));
}

static int count_records(const struct klwm2m_record *rec, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int collect_riids(const struct klwm2m_record *rec, void *arg)
{
	char *out = arg;

	sprintf(out + strlen(out), "%u=%lld ", rec->path.riid, (long long)rec->value.i);
	return 0;
}

TEST_F(lib, a_batch_clears_and_replaces_a_multiple_resource)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 2, .depth = 4 };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER };
	struct klwm2m_batch *b;
	char got[256] = "";

	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (ri.riid = 0; ri.riid < 3; ri.riid++) {
		v.i = ri.riid * 10;
		ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	}
	ASSERT_EQ(0, klwm2m_batch_commit(b));
	klwm2m_batch_free(b);

	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	ASSERT_EQ(0, klwm2m_batch_delete(b, &RES(2)));
	ri.riid = 7;
	v.i = 70;
	ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);
	ASSERT_EQ(0, klwm2m_dump(self->k, &RES(2), collect_riids, got));
	ASSERT_STREQ("7=70 ", got);
}

static int stop_at_third(const struct klwm2m_record *rec, void *arg)
{
	return ++*(int *)arg == 3 ? 42 : 0;
}

TEST_F(lib, a_dump_stopped_by_its_callback_leaves_the_handle_usable)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 2, .depth = 4 };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER };
	struct klwm2m_batch *b;
	struct klwm2m_info info;
	int n = 0;

	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (ri.riid = 0; ri.riid < 2000; ri.riid++)
		ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);
	ASSERT_EQ(42, klwm2m_dump(self->k, NULL, stop_at_third, &n));
	ASSERT_EQ(3, n);
	ASSERT_EQ(0, klwm2m_info(self->k, &info)) TH_LOG("%s", klwm2m_errmsg(self->k));
	n = 0;
	ASSERT_EQ(0, klwm2m_dump(self->k, NULL, count_records, &n));
	ASSERT_EQ(2001, n);	/* the instance, then its values */
}

/* Each record as text ("/o/i/r/ri kind type=value"), appended to a buffer. */
struct text {
	char b[8192];
	size_t len;
	int n;
};

static int record_text(const struct klwm2m_record *rec, void *arg)
{
	struct text *t = arg;
	char path[KLWM2M_PATH_STRLEN], val[128] = "";

	klwm2m_path_format(&rec->path, path, sizeof(path));
	if (rec->kind == KLWM2M_RECORD_VALUE && klwm2m_value_format(&rec->value, val, sizeof(val)) < 0)
		strcpy(val, "?");
	t->len += snprintf(t->b + t->len, sizeof(t->b) - t->len, "%s %d %d=%s\n", path, rec->kind,
			   rec->value.type, val);
	t->n++;
	return t->len < sizeof(t->b) - 1 ? 0 : -ENOSPC;
}

TEST_F(lib, a_tree_read_gives_what_a_dump_gives_at_every_depth)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 2, .riid = 1, .depth = 4 };
	const struct klwm2m_path paths[] = {
		{ .depth = 0 }, { .oid = OID, .depth = 1 }, { .oid = OID, .iid = 0, .depth = 2 },
		{ .oid = OID, .iid = 3, .depth = 2 }, RES(2), ri, RES(1), RES(3),
	};
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER };
	struct klwm2m_batch *b;
	uint16_t iid = 3;

	ASSERT_EQ(0, klwm2m_create(self->k, OID, 3, &iid)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_set_string(self->k, &RES(1), "Cel"));
	ASSERT_EQ(0, klwm2m_set_float(self->k, &RES(3), -0.5));
	ASSERT_EQ(0, klwm2m_set_opaque(self->k, &RES(8), "\0\1", 2));
	ASSERT_EQ(0, klwm2m_set_int(self->k, &KLWM2M_PATH_RES(OID, 3, 0), 7));
	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (ri.riid = 0; ri.riid < 3; ri.riid++) {
		v.i = 100 + ri.riid;
		ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	}
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct text tree = { .len = 0 }, dump = { .len = 0 };
		const struct klwm2m_path *p = paths[i].depth ? &paths[i] : NULL;

		ASSERT_EQ(0, klwm2m_read_tree(self->k, p, record_text, &tree))
			TH_LOG("path %zu: %s", i, klwm2m_errmsg(self->k));
		ASSERT_EQ(0, klwm2m_dump(self->k, p, record_text, &dump));
		EXPECT_LT(0, tree.n) TH_LOG("path %zu: no record", i);
		EXPECT_STREQ(dump.b, tree.b) TH_LOG("path %zu", i);
	}
	/* The whole store: two instances, their values. */
	{
		struct text t = { .len = 0 };

		ASSERT_EQ(0, klwm2m_read_tree(self->k, NULL, record_text, &t));
		EXPECT_EQ(2 + 3 + 3 + 1, t.n) TH_LOG("%s", t.b);
	}
}

TEST_F(lib, a_tree_read_of_what_does_not_exist_fails_with_the_kernels_reason)
{
	int n = 0;

	EXPECT_EQ(-ENOENT, klwm2m_read_tree(self->k, &KLWM2M_PATH_RES(OID, 4, 0), count_records,
					    &n));
	EXPECT_STREQ("no such instance", klwm2m_errmsg(self->k));
	EXPECT_EQ(-ENOENT, klwm2m_read_tree(self->k, &KLWM2M_PATH_RES(OID + 1, 0, 0),
					    count_records, &n));
	EXPECT_EQ(0, n);
	/* the handle goes on */
	EXPECT_EQ(0, klwm2m_read_tree(self->k, &(struct klwm2m_path){ .oid = OID, .depth = 1 },
				      count_records, &n));
	EXPECT_EQ(1, n);
}

TEST_F(lib, a_tree_longer_than_one_reply_fails_whole_and_the_dump_takes_it)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 2, .depth = 4 };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER };
	struct klwm2m_batch *b;
	int n = 0;

	/* Beyond a page: the kernel makes the reply again in a longer buffer. */
	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (ri.riid = 0; ri.riid < 300; ri.riid++)
		ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);
	ASSERT_EQ(0, klwm2m_read_tree(self->k, &RES(2), count_records, &n))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	EXPECT_EQ(300, n);

	/* Beyond KLWM2M_GET_TREE_MAX: nothing delivered, a reason, the dump works. */
	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (ri.riid = 300; ri.riid < 2000; ri.riid++)
		ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);
	n = 0;
	EXPECT_EQ(-EMSGSIZE, klwm2m_read_tree(self->k, &RES(2), count_records, &n));
	EXPECT_EQ(0, n);
	EXPECT_STREQ("more records than one reply holds: dump them", klwm2m_errmsg(self->k));
	EXPECT_EQ(0, klwm2m_dump(self->k, &RES(2), count_records, &n));
	EXPECT_EQ(2000, n);
}

struct writer {
	struct klwm2m *k;
	int n;
};

static int write_during_dump(const struct klwm2m_record *rec, void *arg)
{
	struct writer *w = arg;

	if (w->n++ == 0)
		return klwm2m_set_int(w->k, &RES(0), 1);
	return 0;
}

TEST_F(lib, a_dump_interrupted_by_a_write_delivers_everything_then_says_so)
{
	struct klwm2m_path ri = { .oid = OID, .iid = 0, .rid = 2, .depth = 4 };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER };
	struct writer w = { .k = self->k2 };
	struct klwm2m_batch *b;

	ASSERT_EQ(0, klwm2m_batch_new(self->k, &b));
	for (ri.riid = 0; ri.riid < 5000; ri.riid++)
		ASSERT_EQ(0, klwm2m_batch_add(b, &ri, &v));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k));
	klwm2m_batch_free(b);
	/* 5000 records span several messages; the write lands after the first. */
	ASSERT_EQ(-EAGAIN, klwm2m_dump(self->k, NULL, write_during_dump, &w));
	ASSERT_LE(5001, w.n);
	ASSERT_NE(NULL, strstr(klwm2m_errmsg(self->k), "interrupted by concurrent changes"));
	w.n = 1;
	ASSERT_EQ(0, klwm2m_dump(self->k, NULL, write_during_dump, &w));
}

static int find_object(const struct klwm2m_objdef *def, const struct klwm2m_owner *owner,
		       unsigned int ninstances, void *arg)
{
	if (def->id == OID && def->nres == NRES && ninstances == 1 && owner->mode == 0644)
		(*(int *)arg)++;
	return 0;
}

TEST_F(lib, definitions_read_back_one_and_all)
{
	struct klwm2m_objdef *def;
	struct klwm2m_owner owner;
	unsigned int n;
	int found = 0;

	ASSERT_EQ(0, klwm2m_object_get(self->k, OID, &def, &owner, &n));
	ASSERT_STREQ("libklwm2m test", def->name);
	ASSERT_EQ(KLWM2M_OBJ_F_MULTIPLE, def->flags);
	ASSERT_EQ(NRES, def->nres);
	for (size_t i = 0; i < NRES; i++) {
		ASSERT_EQ(resources[i].id, def->res[i].id);
		ASSERT_EQ(resources[i].type, def->res[i].type);
		ASSERT_EQ(resources[i].flags, def->res[i].flags);
		ASSERT_STREQ(resources[i].name, def->res[i].name);
	}
	ASSERT_EQ(0, owner.uid);
	ASSERT_EQ(0644, owner.mode);
	ASSERT_EQ(1, n);
	klwm2m_objdef_free(def);
	ASSERT_EQ(-ENOENT, klwm2m_object_get(self->k, OID + 1, NULL, NULL, NULL));
	ASSERT_EQ(0, klwm2m_objects(self->k, find_object, &found));
	ASSERT_EQ(1, found);
}

TEST_F(lib, instances_are_created_deleted_and_block_undefine)
{
	uint16_t iid;

	ASSERT_EQ(0, klwm2m_create(self->k, OID, 9, &iid));
	ASSERT_EQ(9, iid);
	ASSERT_EQ(0, klwm2m_create(self->k, OID, -1, &iid));
	ASSERT_EQ(1, iid);
	ASSERT_EQ(-EEXIST, klwm2m_create(self->k, OID, 9, NULL));
	ASSERT_EQ(-EINVAL, klwm2m_create(self->k, OID, 65535, NULL));
	ASSERT_EQ(-EBUSY, klwm2m_undefine(self->k, OID));
	ASSERT_STREQ("the object still has instances", klwm2m_errmsg(self->k));
	for (uint16_t i = 0; i < 10; i++)
		if (i <= 1 || i == 9)
			ASSERT_EQ(0, klwm2m_delete(self->k, OID, i));
	ASSERT_EQ(-ENOENT, klwm2m_delete(self->k, OID, 0));
	ASSERT_EQ(0, klwm2m_undefine(self->k, OID));
	ASSERT_EQ(-ENOENT, klwm2m_undefine(self->k, OID));
}

struct seen {
	int n;
	struct klwm2m_event last;
	struct klwm2m_path paths[4];
};

static int keep_event(const struct klwm2m_event *e, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->last = *e;
	memcpy(s->paths, e->paths, sizeof(*e->paths) * (e->npaths < 4 ? e->npaths : 4));
	return 0;
}

static int wait_readable(struct klwm2m_events *ev)
{
	struct pollfd p = { .fd = klwm2m_events_fd(ev), .events = POLLIN };

	return poll(&p, 1, 2000);
}

TEST_F(lib, an_event_names_the_paths_the_writer_and_the_server)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = 3 };
	struct klwm2m_events *ev;
	struct klwm2m_batch *b;
	struct seen s = { 0 };

	ASSERT_EQ(0, klwm2m_events_open(&ev)) TH_LOG("%s", klwm2m_last_error());
	ASSERT_EQ(-EAGAIN, klwm2m_events_recv(ev, keep_event, &s));
	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), 1));
	ASSERT_EQ(1, wait_readable(ev));
	ASSERT_EQ(1, klwm2m_events_recv(ev, keep_event, &s));
	ASSERT_EQ(KLWM2M_EVENT_VALUE_CHANGED, s.last.kind);
	ASSERT_EQ(1, s.last.npaths);
	ASSERT_EQ(3, s.paths[0].depth);
	ASSERT_EQ(OID, s.paths[0].oid);
	ASSERT_EQ(0, s.paths[0].rid);
	ASSERT_EQ(klwm2m_portid(self->k), s.last.portid);
	ASSERT_EQ(0, s.last.has_server);

	ASSERT_EQ(0, klwm2m_batch_new(self->k2, &b));
	ASSERT_EQ(0, klwm2m_batch_set_server(b, 101));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &v));
	ASSERT_EQ(0, klwm2m_batch_add(b, &KLWM2M_PATH_RES(OID, 0, 7),
				      &(struct klwm2m_value){ .type = KLWM2M_TYPE_UNSIGNED, .u = 1 }));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k2));
	klwm2m_batch_free(b);
	ASSERT_EQ(1, wait_readable(ev));
	ASSERT_EQ(1, klwm2m_events_recv(ev, keep_event, &s));
	ASSERT_EQ(2, s.last.npaths);
	ASSERT_EQ(7, s.paths[1].rid);
	ASSERT_EQ(klwm2m_portid(self->k2), s.last.portid);
	ASSERT_EQ(1, s.last.has_server);
	ASSERT_EQ(101, s.last.server);

	ASSERT_EQ(0, klwm2m_create(self->k, OID, 4, NULL));
	ASSERT_EQ(0, klwm2m_delete(self->k, OID, 4));
	ASSERT_EQ(1, wait_readable(ev));
	ASSERT_EQ(2, klwm2m_events_recv(ev, keep_event, &s));
	ASSERT_EQ(KLWM2M_EVENT_INST_DELETED, s.last.kind);
	ASSERT_EQ(2, s.paths[0].depth);
	ASSERT_EQ(4, s.paths[0].iid);
	klwm2m_events_close(ev);
}

TEST_F(lib, a_listener_that_falls_behind_gets_enobufs_then_events_again)
{
	struct klwm2m_events *ev;
	struct seen s = { 0 };
	int err, lost = 0;

	ASSERT_EQ(0, klwm2m_events_open(&ev)) TH_LOG("%s", klwm2m_last_error());
	/* The smallest receive buffer the kernel allows overruns quickly. */
	ASSERT_EQ(0, setsockopt(klwm2m_events_fd(ev), SOL_SOCKET, SO_RCVBUF, &(int){ 1 },
				sizeof(int)));
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), i));
	while ((err = klwm2m_events_recv(ev, keep_event, &s)) != -EAGAIN) {
		if (err == -ENOBUFS)
			lost++;
		else
			ASSERT_LT(0, err);
	}
	ASSERT_LE(1, lost);
	ASSERT_GT(200, s.n);
	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), -1));
	ASSERT_EQ(1, wait_readable(ev));
	ASSERT_EQ(1, klwm2m_events_recv(ev, keep_event, &s));
	klwm2m_events_close(ev);
}

static int keep_write(struct klwm2m *k, const struct klwm2m_event *e, void *arg)
{
	return keep_event(e, arg);
}

/* Ready to read without blocking? 1, 0 or -1. */
static int fd_ready(struct klwm2m *k)
{
	struct pollfd p = { .fd = klwm2m_fd(k), .events = POLLIN };

	return poll(&p, 1, 0);
}

TEST_F(lib, a_server_write_arriving_while_waiting_for_a_reply_is_delivered_later)
{
	struct klwm2m_handlers h = { .write = keep_write };
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = 5 };
	struct klwm2m_batch *b;
	struct seen s = { 0 };
	int64_t i;

	ASSERT_EQ(0, klwm2m_own(self->k, OID, 0)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_LE(0, klwm2m_fd(self->k));
	ASSERT_EQ(0, fd_ready(self->k));
	ASSERT_EQ(0, klwm2m_process(self->k, &h, &s));

	/* The agent writes for server 101: the owner's socket gets an event... */
	ASSERT_EQ(0, klwm2m_batch_new(self->k2, &b));
	ASSERT_EQ(0, klwm2m_batch_set_server(b, 101));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &v));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k2));
	klwm2m_batch_free(b);
	/* ...which the owner's next request meets before its reply: the reply is the reply. */
	ASSERT_EQ(0, klwm2m_get_int(self->k, &RES(0), &i)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(5, i);
	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), 6));
	/* The event waits in the queue, and the descriptor says so. */
	ASSERT_EQ(1, fd_ready(self->k));
	ASSERT_EQ(1, klwm2m_process(self->k, &h, &s));
	ASSERT_EQ(1, s.n);
	ASSERT_EQ(KLWM2M_EVENT_VALUE_CHANGED, s.last.kind);
	ASSERT_EQ(1, s.last.npaths);
	ASSERT_EQ(OID, s.paths[0].oid);
	ASSERT_EQ(0, s.paths[0].iid);
	ASSERT_EQ(0, s.paths[0].rid);
	ASSERT_EQ(1, s.last.has_server);
	ASSERT_EQ(101, s.last.server);
	ASSERT_EQ(klwm2m_portid(self->k2), s.last.portid);
	/* Delivered once; the owner's own write reached nobody. */
	ASSERT_EQ(0, fd_ready(self->k));
	ASSERT_EQ(0, klwm2m_process(self->k, &h, &s));
	ASSERT_EQ(1, s.n);
}

TEST_F(lib, claims_are_refused_with_the_kernels_reason)
{
	ASSERT_EQ(-ENOENT, klwm2m_own(self->k, OID + 1, -1));
	ASSERT_STREQ("no such object", klwm2m_errmsg(self->k));
	ASSERT_EQ(-EINVAL, klwm2m_own(self->k, OID, 65535));
	ASSERT_EQ(0, klwm2m_own(self->k, OID, -1));
	ASSERT_EQ(-EBUSY, klwm2m_own(self->k2, OID, -1));
	ASSERT_STREQ("another socket owns the object", klwm2m_errmsg(self->k2));
	ASSERT_EQ(0, klwm2m_disown(self->k, OID, -1));
	ASSERT_EQ(-ENOENT, klwm2m_disown(self->k, OID, -1));
	ASSERT_STREQ("nobody owns the object", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_own(self->k2, OID, -1));
	ASSERT_EQ(-EBUSY, klwm2m_disown(self->k, OID, -1));
}

#define EXEC_OID 32002

static void define_executable(struct __test_metadata *_metadata, struct klwm2m *k)
{
	struct klwm2m_resdef rd = { .id = 4, .type = KLWM2M_TYPE_NONE, .ops = KLWM2M_OP_EXECUTE,
				    .name = "Reboot" };
	struct klwm2m_objdef def = { .id = EXEC_OID, .version = "1.0", .name = "executable",
				     .nres = 1, .res = &rd };

	ASSERT_EQ(0, klwm2m_define(k, &def, NULL)) TH_LOG("%s", klwm2m_errmsg(k));
	ASSERT_EQ(0, klwm2m_create(k, EXEC_OID, 0, NULL));
}

struct served {
	int n, bad;
};

/* The owner's handler: checks the request and answers -EIO. */
static int answer_eio(struct klwm2m *k, const struct klwm2m_exec_request *req, void *arg)
{
	struct served *s = arg;

	s->n++;
	if (req->path.depth != 3 || req->path.oid != EXEC_OID || req->path.rid != 4 ||
	    req->args_len != 5 || memcmp(req->args, "0='x'", 5) || !req->has_server ||
	    req->server != 7)
		s->bad++;
	return klwm2m_exec_done(k, req->id, -EIO);
}

/* A child process that owns the object and serves one execute; its exit status. */
static int serve_one_execute(int ready)
{
	struct klwm2m_handlers h = { .exec = answer_eio };
	struct served s = { 0 };
	struct pollfd p;
	struct klwm2m *k;

	if (klwm2m_open(&k) || klwm2m_own(k, EXEC_OID, -1))
		return 10;
	p = (struct pollfd){ .fd = klwm2m_fd(k), .events = POLLIN };
	if (write(ready, "r", 1) != 1)
		return 11;
	while (!s.n) {
		if (poll(&p, 1, 10000) != 1)
			return 12;
		if (klwm2m_process(k, &h, &s) < 0)
			return 13;
	}
	klwm2m_close(k);
	return s.bad ? 14 : 0;
}

TEST_F(lib, an_execute_reaches_the_owning_process_and_its_answer_comes_back)
{
	struct klwm2m_path p = KLWM2M_PATH_RES(EXEC_OID, 0, 4);
	int pipefd[2], status = 1, wstatus;
	char c;
	pid_t pid;

	define_executable(_metadata, self->k);
	ASSERT_EQ(-ESRCH, klwm2m_exec(self->k, &p, NULL, 0, 0, &status));
	ASSERT_STREQ("no app owns the object or the instance of this resource",
		     klwm2m_errmsg(self->k));

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(serve_one_execute(pipefd[1]));
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(0, klwm2m_exec(self->k, &p, "0='x'", 5, 7, &status))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(-EIO, status);
	ASSERT_EQ(pid, waitpid(pid, &wstatus, 0));
	ASSERT_TRUE(WIFEXITED(wstatus));
	ASSERT_EQ(0, WEXITSTATUS(wstatus));
	/* The owner's socket closed: nobody owns it any more. */
	ASSERT_EQ(-ESRCH, klwm2m_exec(self->k, &p, NULL, 0, 0, &status));
	close(pipefd[0]);
	close(pipefd[1]);
}

struct results {
	int n;
	uint32_t id;
	int status;
};

static int took_result(struct klwm2m *k, uint32_t id, int status, void *arg)
{
	struct results *r = arg;

	r->n++;
	r->id = id;
	r->status = status;
	return 0;
}

TEST_F(lib, an_execute_started_without_waiting_brings_its_result_through_process)
{
	struct klwm2m_handlers h = { .exec_result = took_result };
	struct klwm2m_path p = KLWM2M_PATH_RES(EXEC_OID, 0, 4);
	struct results r = { 0 };
	struct pollfd pfd;
	int pipefd[2], wstatus;
	uint32_t id = 0;
	char c;
	pid_t pid;

	define_executable(_metadata, self->k);
	ASSERT_EQ(-ESRCH, klwm2m_exec_start(self->k, &p, NULL, 0, 0, &id));
	ASSERT_LE(2000, klwm2m_exec_wait_ms());

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(serve_one_execute(pipefd[1]));
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(0, klwm2m_exec_start(self->k, &p, "0='x'", 5, 7, &id))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	/* The call returned before the owner answered; the answer comes to the fd. */
	pfd = (struct pollfd){ .fd = klwm2m_fd(self->k), .events = POLLIN };
	while (!r.n) {
		ASSERT_EQ(1, poll(&pfd, 1, 5000));
		ASSERT_LE(0, klwm2m_process(self->k, &h, &r));
	}
	ASSERT_EQ(1, r.n);
	ASSERT_EQ(id, r.id);
	ASSERT_EQ(-EIO, r.status);
	ASSERT_EQ(pid, waitpid(pid, &wstatus, 0));
	ASSERT_TRUE(WIFEXITED(wstatus));
	ASSERT_EQ(0, WEXITSTATUS(wstatus));
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ---------------------------------------------------------------- observations */

#define OBJ_PATH(d, i) ((struct klwm2m_path){ .oid = OID, .iid = (i), .depth = (d) })

/* What a notify handler saw: the count, and a copy of the last notification. */
struct notes {
	int n;
	struct klwm2m_notification last;	/* records: NULL, see rec[] */
	struct klwm2m_record rec[4];		/* bytes: see str[] */
	char str[4][32];
	uint32_t ids[8];			/* the observation of each, in order */
};

static int keep_notification(struct klwm2m *k, const struct klwm2m_notification *n, void *arg)
{
	struct notes *s = arg;

	if (s->n < 8)
		s->ids[s->n] = n->id;
	s->n++;
	s->last = *n;
	s->last.records = NULL;
	for (unsigned int i = 0; i < n->nrecords && i < 4; i++) {
		s->rec[i] = n->records[i];
		if (n->records[i].value.type == KLWM2M_TYPE_STRING) {
			snprintf(s->str[i], sizeof(s->str[i]), "%.*s",
				 (int)n->records[i].value.bytes.len,
				 (const char *)n->records[i].value.bytes.ptr);
			s->rec[i].value.bytes.ptr = s->str[i];
		}
	}
	return 0;
}

static const struct klwm2m_handlers notify_handlers = { .notify = keep_notification };

/* Waits up to @ms for the handle to be ready, then delivers: klwm2m_process()'s result. */
static int process_within(struct klwm2m *k, struct notes *s, int ms)
{
	struct pollfd p = { .fd = klwm2m_fd(k), .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -ETIMEDOUT;
	return klwm2m_process(k, &notify_handlers, s);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

TEST_F(lib, an_observer_gets_the_initial_state_then_each_change_in_order)
{
	struct notes s = { 0 };
	uint64_t before, after;
	uint32_t id = 0;

	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), 1));
	before = realtime_ns();
	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &RES(0), KLWM2M_OBS_F_INITIAL, &id))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	after = realtime_ns();
	ASSERT_NE(0, id);
	/* The initial notification came with the reply: it waits in the queue. */
	ASSERT_EQ(1, fd_ready(self->k));
	ASSERT_EQ(1, klwm2m_process(self->k, &notify_handlers, &s));
	ASSERT_EQ(id, s.last.id);
	ASSERT_EQ(1, s.last.seq);
	ASSERT_EQ(KLWM2M_NOTIFY_INITIAL, s.last.reason);
	ASSERT_STREQ("initial", klwm2m_notify_reason_name(s.last.reason));
	ASSERT_EQ(0, s.last.con);
	ASSERT_LE(before, s.last.time_ns);
	ASSERT_GE(after, s.last.time_ns);
	ASSERT_EQ(1, s.last.nrecords);
	ASSERT_EQ(3, s.rec[0].path.depth);
	ASSERT_EQ(0, s.rec[0].path.rid);
	ASSERT_EQ(KLWM2M_TYPE_INTEGER, s.rec[0].value.type);
	ASSERT_EQ(1, s.rec[0].value.i);

	for (int64_t v = 5; v <= 6; v++) {
		ASSERT_EQ(0, klwm2m_set_int(self->k2, &RES(0), v));
		ASSERT_EQ(1, process_within(self->k, &s, 5000));
		ASSERT_EQ(KLWM2M_NOTIFY_CHANGE, s.last.reason);
		ASSERT_EQ(v - 3, s.last.seq);
		ASSERT_EQ(1, s.last.nrecords);
		ASSERT_EQ(v, s.rec[0].value.i);
	}
	ASSERT_EQ(3, s.n);
	ASSERT_EQ(0, klwm2m_process(self->k, &notify_handlers, &s));
}

TEST_F(lib, an_instance_observer_gets_every_value_of_a_batch_in_one_notification)
{
	struct klwm2m_value i = { .type = KLWM2M_TYPE_INTEGER, .i = 7 };
	struct klwm2m_value str = { .type = KLWM2M_TYPE_STRING, .bytes = { "abc", 3 } };
	struct klwm2m_value f = { .type = KLWM2M_TYPE_FLOAT, .f = 2.5 };
	struct klwm2m_batch *b;
	struct notes s = { 0 };
	uint32_t id;

	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &OBJ_PATH(2, 0), 0, &id));
	ASSERT_EQ(0, fd_ready(self->k));
	ASSERT_EQ(0, klwm2m_batch_new(self->k2, &b));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(3), &f));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(1), &str));
	ASSERT_EQ(0, klwm2m_batch_add(b, &RES(0), &i));
	ASSERT_EQ(0, klwm2m_batch_commit(b)) TH_LOG("%s", klwm2m_errmsg(self->k2));
	klwm2m_batch_free(b);

	ASSERT_EQ(1, process_within(self->k, &s, 5000));
	ASSERT_EQ(1, s.n);
	ASSERT_EQ(id, s.last.id);
	ASSERT_EQ(1, s.last.seq);
	ASSERT_EQ(KLWM2M_NOTIFY_CHANGE, s.last.reason);
	/* Every value under the instance, in path order. */
	ASSERT_EQ(3, s.last.nrecords);
	ASSERT_EQ(0, s.rec[0].path.rid);
	ASSERT_EQ(7, s.rec[0].value.i);
	ASSERT_EQ(1, s.rec[1].path.rid);
	ASSERT_EQ(KLWM2M_TYPE_STRING, s.rec[1].value.type);
	ASSERT_EQ(3, s.rec[1].value.bytes.len);
	ASSERT_STREQ("abc", s.str[1]);
	ASSERT_EQ(3, s.rec[2].path.rid);
	ASSERT_TRUE(s.rec[2].value.f == 2.5);
}

TEST_F(lib, a_notification_arriving_while_the_observer_waits_for_a_reply_is_delivered_afterwards)
{
	struct notes s = { 0 };
	uint32_t id;
	int64_t i;

	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &RES(0), 0, &id));
	ASSERT_EQ(0, klwm2m_set_int(self->k2, &RES(0), 3));
	/* The notification waits in the socket when the observer's next request goes out... */
	ASSERT_EQ(1, fd_ready(self->k));
	ASSERT_EQ(0, klwm2m_get_int(self->k, &RES(0), &i)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(3, i);
	ASSERT_EQ(0, klwm2m_set_uint(self->k, &RES(7), 1)) TH_LOG("%s", klwm2m_errmsg(self->k));
	/* ...and comes out of the queue afterwards, once. */
	ASSERT_EQ(1, fd_ready(self->k));
	ASSERT_EQ(1, klwm2m_process(self->k, &notify_handlers, &s));
	ASSERT_EQ(id, s.last.id);
	ASSERT_EQ(1, s.last.seq);
	ASSERT_EQ(KLWM2M_NOTIFY_CHANGE, s.last.reason);
	ASSERT_EQ(3, s.rec[0].value.i);
	ASSERT_EQ(0, fd_ready(self->k));
	ASSERT_EQ(0, klwm2m_process(self->k, &notify_handlers, &s));
	ASSERT_EQ(1, s.n);
}

/* @k's netlink socket, found by its port ID: the library does not expose it. */
static int handle_socket(struct klwm2m *k)
{
	for (int fd = 3; fd < 1024; fd++) {
		struct sockaddr_nl a;
		socklen_t len = sizeof(a);
		int domain;
		socklen_t dlen = sizeof(domain);

		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) || domain != AF_NETLINK ||
		    getsockname(fd, (struct sockaddr *)&a, &len))
			continue;
		if (a.nl_pid == klwm2m_portid(k))
			return fd;
	}
	return -1;
}

/*
 * The kernel answers as the request is sent: a socket that notifications
 * filled drops the answer. A read goes again; a change reports the loss.
 */
TEST_F(lib, a_read_whose_reply_an_overrun_dropped_is_sent_again)
{
	static char big[6000];
	struct klwm2m_value v;
	uint32_t id;
	int64_t i;
	int n;

	memset(big, 'x', sizeof(big) - 1);
	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), 42));
	/* The smallest receive buffer; one notification larger than it fills it. */
	ASSERT_EQ(0, setsockopt(handle_socket(self->k), SOL_SOCKET, SO_RCVBUF, &(int){ 1 },
				sizeof(int)));
	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &RES(1), 0, &id));
	ASSERT_EQ(0, klwm2m_set_string(self->k2, &RES(1), big));
	ASSERT_EQ(1, fd_ready(self->k));
	/* The reply to this read is dropped, then it comes on the second try. */
	ASSERT_EQ(0, klwm2m_get_int(self->k, &RES(0), &i)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(42, i);
	ASSERT_STREQ("", klwm2m_errmsg(self->k));
	/* So is a snapshot's (GET_TREE: no acknowledgement follows its reply). */
	ASSERT_EQ(0, klwm2m_set_string(self->k2, &RES(1), big + 1));
	ASSERT_EQ(1, fd_ready(self->k));
	n = 0;
	ASSERT_EQ(0, klwm2m_read_tree(self->k, &RES(0), count_records, &n))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(1, n);
	/* A change whose acknowledgement was dropped fails, and was made. */
	ASSERT_EQ(0, klwm2m_set_string(self->k2, &RES(1), big + 2));
	ASSERT_EQ(1, fd_ready(self->k));
	ASSERT_EQ(-ENOBUFS, klwm2m_set_int(self->k, &RES(0), 43));
	ASSERT_NE(NULL, strstr(klwm2m_errmsg(self->k), "reply was lost"));
	ASSERT_EQ(0, klwm2m_get(self->k2, &RES(0), &v));
	ASSERT_EQ(43, v.i);
	klwm2m_value_release(&v);
}

struct attr_seen {
	int n;
	struct klwm2m_path paths[8];
	struct klwm2m_attrs attrs[8];
};

static int keep_attrs(const struct klwm2m_path *p, const struct klwm2m_attrs *a, void *arg)
{
	struct attr_seen *s = arg;

	if (s->n < 8) {
		s->paths[s->n] = *p;
		s->attrs[s->n] = *a;
	}
	s->n++;
	return 0;
}

TEST_F(lib, attributes_round_trip_update_clear_and_dump_in_path_order)
{
	struct klwm2m_attrs a = {
		.set = KLWM2M_ATTR_F_PMIN | KLWM2M_ATTR_F_PMAX | KLWM2M_ATTR_F_GT |
		       KLWM2M_ATTR_F_LT | KLWM2M_ATTR_F_ST | KLWM2M_ATTR_F_CON,
		.pmin = 2, .pmax = 60, .gt = 25.5, .lt = -1, .st = 0.5, .con = 1,
	};
	struct klwm2m_attrs got;
	struct attr_seen s = { 0 };

	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &RES(3), &a, 0))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_attr_get(self->k, 101, &RES(3), &got));
	ASSERT_EQ(a.set, got.set);
	ASSERT_EQ(2, got.pmin);
	ASSERT_EQ(60, got.pmax);
	ASSERT_TRUE(got.gt == 25.5 && got.lt == -1 && got.st == 0.5);
	ASSERT_EQ(1, got.con);

	/* An update: epmin added, gt and con removed, the rest kept. */
	a = (struct klwm2m_attrs){ .set = KLWM2M_ATTR_F_EPMIN, .epmin = 1 };
	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &RES(3), &a,
				     KLWM2M_ATTR_F_GT | KLWM2M_ATTR_F_CON));
	ASSERT_EQ(0, klwm2m_attr_get(self->k, 101, &RES(3), &got));
	ASSERT_EQ(KLWM2M_ATTR_F_PMIN | KLWM2M_ATTR_F_PMAX | KLWM2M_ATTR_F_LT |
		  KLWM2M_ATTR_F_ST | KLWM2M_ATTR_F_EPMIN, got.set);
	ASSERT_EQ(1, got.epmin);
	ASSERT_TRUE(got.lt == -1);

	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &OBJ_PATH(1, 0),
				     &(struct klwm2m_attrs){ .set = KLWM2M_ATTR_F_PMAX, .pmax = 100 },
				     0));
	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &OBJ_PATH(2, 0),
				     &(struct klwm2m_attrs){ .set = KLWM2M_ATTR_F_HQMAX, .hqmax = 4 },
				     0));
	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &RES(4),
				     &(struct klwm2m_attrs){ .set = KLWM2M_ATTR_F_EDGE, .edge = 1 },
				     0)) TH_LOG("%s", klwm2m_errmsg(self->k));
	/* Exactly that path: nothing at a resource below attributes. */
	ASSERT_EQ(0, klwm2m_attr_get(self->k, 101, &RES(0), &got));
	ASSERT_EQ(0, got.set);

	ASSERT_EQ(0, klwm2m_attr_dump(self->k, 101, NULL, keep_attrs, &s));
	ASSERT_EQ(4, s.n);
	ASSERT_EQ(1, s.paths[0].depth);
	ASSERT_EQ(KLWM2M_ATTR_F_PMAX, s.attrs[0].set);
	ASSERT_EQ(100, s.attrs[0].pmax);
	ASSERT_EQ(2, s.paths[1].depth);
	ASSERT_EQ(4, s.attrs[1].hqmax);
	ASSERT_EQ(3, s.paths[2].rid);
	ASSERT_EQ(1, s.attrs[2].epmin);
	ASSERT_EQ(4, s.paths[3].rid);
	ASSERT_EQ(KLWM2M_ATTR_F_EDGE, s.attrs[3].set);
	ASSERT_EQ(1, s.attrs[3].edge);

	s.n = 0;
	ASSERT_EQ(0, klwm2m_attr_dump(self->k, 101, &RES(3), keep_attrs, &s));
	ASSERT_EQ(1, s.n);
	s.n = 0;
	ASSERT_EQ(0, klwm2m_attr_dump(self->k, 102, NULL, keep_attrs, &s));
	ASSERT_EQ(0, s.n);
	/* Clearing the last attribute at a path removes the path. */
	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &OBJ_PATH(2, 0), NULL, KLWM2M_ATTR_F_HQMAX));
	ASSERT_EQ(0, klwm2m_attr_dump(self->k, 101, NULL, keep_attrs, &s));
	ASSERT_EQ(3, s.n);
}

TEST_F(lib, a_refused_attribute_write_changes_nothing_and_says_why)
{
	struct klwm2m_attrs gt = { .set = KLWM2M_ATTR_F_GT, .gt = 10 };
	struct klwm2m_attrs lt = { .set = KLWM2M_ATTR_F_LT, .lt = 20 };
	struct klwm2m_attrs got;

	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &RES(3), &gt, 0));
	ASSERT_EQ(-EINVAL, klwm2m_attr_set(self->k, 101, &RES(3), &lt, 0));
	ASSERT_STREQ("lt must be below gt", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_attr_get(self->k, 101, &RES(3), &got));
	ASSERT_EQ(KLWM2M_ATTR_F_GT, got.set);
	ASSERT_TRUE(got.gt == 10);

	ASSERT_EQ(-EINVAL, klwm2m_attr_set(self->k, 101, &RES(1), &gt, 0));
	ASSERT_STREQ("gt, lt and st apply to numeric resources only", klwm2m_errmsg(self->k));
	ASSERT_EQ(-ENOENT, klwm2m_attr_set(self->k, 101, &KLWM2M_PATH_RES(OID + 1, 0, 0), &gt, 0));
	ASSERT_STREQ("no such object", klwm2m_errmsg(self->k));
	/* What the library refuses itself. */
	ASSERT_EQ(-EINVAL, klwm2m_attr_set(self->k, 101, &RES(3), &gt, KLWM2M_ATTR_F_GT));
	ASSERT_STREQ("an attribute is both set and cleared", klwm2m_errmsg(self->k));
	ASSERT_EQ(-EINVAL, klwm2m_attr_set(self->k, 0, &RES(3), &gt, 0));
	ASSERT_EQ(-EINVAL, klwm2m_server_defaults(self->k, 101, 1LL << 32, -1));
	ASSERT_EQ(0, klwm2m_attr_get(self->k, 101, &RES(3), &got));
	ASSERT_EQ(KLWM2M_ATTR_F_GT, got.set);
}

TEST_F(lib, a_servers_gt_lets_only_crossings_notify)
{
	struct klwm2m_attrs gt = { .set = KLWM2M_ATTR_F_GT, .gt = 10 };
	static const struct {
		double value;
		int notifies;
	} steps[] = { { 6, 0 }, { 15, 1 }, { 16, 0 }, { 4, 1 } };
	struct notes s = { 0 };
	uint32_t id;

	ASSERT_EQ(0, klwm2m_set_float(self->k, &RES(3), 5));
	ASSERT_EQ(0, klwm2m_attr_set(self->k, 101, &RES(3), &gt, 0));
	ASSERT_EQ(0, klwm2m_observe(self->k, 101, &RES(3), 0, &id));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int before = s.n;

		ASSERT_EQ(0, klwm2m_set_float(self->k2, &RES(3), steps[i].value));
		/* Without pmin the notification is sent as the write commits. */
		ASSERT_EQ(steps[i].notifies, klwm2m_process(self->k, &notify_handlers, &s))
			TH_LOG("writing %g", steps[i].value);
		ASSERT_EQ(before + steps[i].notifies, s.n);
		if (steps[i].notifies)
			ASSERT_TRUE(s.rec[0].value.f == steps[i].value);
	}
	ASSERT_EQ(2, s.last.seq);
}

TEST_F(lib, a_servers_default_pmax_notifies_when_nothing_changes)
{
	struct notes s = { 0 };
	uint32_t id;

	ASSERT_EQ(0, klwm2m_set_int(self->k, &RES(0), 4));
	ASSERT_EQ(0, klwm2m_server_defaults(self->k, 101, -1, 1))
		TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(0, klwm2m_observe(self->k, 101, &RES(0), 0, &id));
	/* Generous: a slow VM. */
	ASSERT_EQ(1, process_within(self->k, &s, 15000));
	ASSERT_EQ(KLWM2M_NOTIFY_PMAX, s.last.reason);
	ASSERT_EQ(4, s.rec[0].value.i);
	ASSERT_EQ(0, klwm2m_server_defaults(self->k, 101, -1, -1));
}

struct obs_seen {
	uint32_t portid;	/* the socket whose observations to keep */
	int n;
	struct klwm2m_observation o[4];
};

/* The observations of one socket (an admin's dump lists every socket's). */
static int keep_own_observations(const struct klwm2m_observation *o, void *arg)
{
	struct obs_seen *s = arg;

	if (o->portid == s->portid && s->n < 4)
		s->o[s->n++] = *o;
	return 0;
}

static int list_observations(struct klwm2m *k, struct obs_seen *s)
{
	memset(s, 0, sizeof(*s));
	s->portid = klwm2m_portid(k);
	return klwm2m_observations(k, keep_own_observations, s);
}

TEST_F(lib, observations_are_listed_then_cancelled_and_go_quiet)
{
	struct obs_seen seen;
	struct notes s = { 0 };
	uint32_t a, b;

	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &RES(0), 0, &a));
	ASSERT_EQ(0, klwm2m_observe(self->k, 101, &OBJ_PATH(2, 0), KLWM2M_OBS_F_INITIAL, &b));
	ASSERT_EQ(1, klwm2m_process(self->k, &notify_handlers, &s));
	ASSERT_EQ(0, list_observations(self->k, &seen)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(2, seen.n);
	ASSERT_EQ(a, seen.o[0].id);
	ASSERT_EQ(0, seen.o[0].ssid);
	ASSERT_EQ(3, seen.o[0].path.depth);
	ASSERT_EQ(0, seen.o[0].flags);
	ASSERT_EQ(0, seen.o[0].seq);
	ASSERT_EQ(b, seen.o[1].id);
	ASSERT_EQ(101, seen.o[1].ssid);
	ASSERT_EQ(2, seen.o[1].path.depth);
	ASSERT_EQ(KLWM2M_OBS_F_INITIAL, seen.o[1].flags);
	ASSERT_EQ(1, seen.o[1].seq);

	/* Both notify; cancelling one drops its notification, read by the cancel itself. */
	ASSERT_EQ(0, klwm2m_set_int(self->k2, &RES(0), 1));
	ASSERT_EQ(0, klwm2m_observe_cancel(self->k, a)) TH_LOG("%s", klwm2m_errmsg(self->k));
	s.n = 0;
	ASSERT_EQ(1, klwm2m_process(self->k, &notify_handlers, &s));
	ASSERT_EQ(b, s.ids[0]);
	ASSERT_EQ(-ENOENT, klwm2m_observe_cancel(self->k, a));
	ASSERT_STREQ("no such observation on this socket", klwm2m_errmsg(self->k));
	/* Another socket cannot cancel it. */
	ASSERT_EQ(-ENOENT, klwm2m_observe_cancel(self->k2, b));

	ASSERT_EQ(0, klwm2m_set_int(self->k2, &RES(0), 2));
	ASSERT_EQ(1, process_within(self->k, &s, 5000));
	ASSERT_EQ(b, s.ids[1]);
	ASSERT_EQ(0, list_observations(self->k, &seen));
	ASSERT_EQ(1, seen.n);
	ASSERT_EQ(b, seen.o[0].id);
	ASSERT_EQ(0, klwm2m_observe_cancel(self->k, b));
	ASSERT_EQ(0, list_observations(self->k, &seen));
	ASSERT_EQ(0, seen.n);
}

TEST_F(lib, resync_replaces_unread_notifications_with_the_current_state)
{
	struct notes s = { 0 };
	uint32_t a, b;

	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &RES(0), 0, &a));
	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &OBJ_PATH(2, 0), 0, &b));
	ASSERT_EQ(0, klwm2m_set_int(self->k2, &RES(0), 9));
	/* Two unread notifications wait in the socket; the resync replaces them. */
	ASSERT_EQ(0, klwm2m_observe_resync(self->k)) TH_LOG("%s", klwm2m_errmsg(self->k));
	ASSERT_EQ(2, klwm2m_process(self->k, &notify_handlers, &s));
	ASSERT_EQ(KLWM2M_NOTIFY_RESYNC, s.last.reason);
	ASSERT_EQ(2, s.last.seq);	/* 1 was replaced */
	ASSERT_EQ(a, s.ids[0]);
	ASSERT_EQ(b, s.ids[1]);
	ASSERT_EQ(9, s.rec[0].value.i);
}

TEST_F(lib, an_observation_ends_with_gone_when_its_instance_is_deleted)
{
	struct obs_seen seen;
	struct notes s = { 0 };
	uint32_t id;

	ASSERT_EQ(0, klwm2m_create(self->k, OID, 1, NULL));
	ASSERT_EQ(0, klwm2m_set_int(self->k, &KLWM2M_PATH_RES(OID, 1, 0), 1));
	ASSERT_EQ(0, klwm2m_observe(self->k, 0, &OBJ_PATH(2, 1), 0, &id));
	ASSERT_EQ(0, klwm2m_delete(self->k2, OID, 1));
	ASSERT_EQ(1, process_within(self->k, &s, 5000));
	ASSERT_EQ(id, s.last.id);
	ASSERT_EQ(KLWM2M_NOTIFY_GONE, s.last.reason);
	ASSERT_EQ(0, s.last.nrecords);
	ASSERT_EQ(0, list_observations(self->k, &seen));
	ASSERT_EQ(0, seen.n);
	ASSERT_EQ(-ENOENT, klwm2m_observe_cancel(self->k, id));
	ASSERT_EQ(-ENOENT, klwm2m_observe(self->k, 0, &OBJ_PATH(2, 1), 0, &id));
}

TEST_HARNESS_MAIN
