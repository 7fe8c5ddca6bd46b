// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftests of the store's netlink commands against the loaded module, each
 * in a fresh network namespace: define, create, set, get, delete, undefine,
 * their refusals (errno, message, offset), permissions for an unprivileged
 * user, secrets and namespace isolation.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/klwm2m.h>
#include <linux/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#include "kselftest_harness.h"
#include "genl.h"

#include "temperature.h"

FIXTURE(store) {
	int fd;
	int family;
};

FIXTURE_SETUP(store)
{
	struct genl_ack a;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	self->fd = genl_open();
	ASSERT_LE(0, self->fd);
	self->family = genl_family(self->fd, KLWM2M_GENL_NAME);
	ASSERT_LT(0, self->family);
	ASSERT_EQ(0, define_temperature(self->fd, self->family, &a));
	ASSERT_EQ(0, a.error) TH_LOG("define: %s", a.msg);
	ASSERT_EQ(0, create_instance(self->fd, self->family, -1, &a));
	ASSERT_EQ(0, a.error) TH_LOG("create: %s", a.msg);
}

FIXTURE_TEARDOWN(store)
{
	close(self->fd);
}

TEST_F(store, a_value_set_is_read_back)
{
	uint64_t v = F64_21_5;
	struct genl_ack a;

	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT,
			     &v, sizeof(v), &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 5700, -1, &a));
	ASSERT_EQ(0, a.error) TH_LOG("get: %s", a.msg);
	ASSERT_NE(NULL, a.tb[KLWM2M_A_VALUE_TYPE]);
	EXPECT_EQ(KLWM2M_TYPE_FLOAT, *(uint8_t *)PAYLOAD(a.tb[KLWM2M_A_VALUE_TYPE]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_VALUE_DATA]);
	EXPECT_EQ(F64_21_5, *(uint64_t *)PAYLOAD(a.tb[KLWM2M_A_VALUE_DATA]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_VALUE_PATH]);
	EXPECT_EQ(5700, *(uint16_t *)PAYLOAD(genl_nested(a.tb[KLWM2M_A_VALUE_PATH],
							 KLWM2M_A_PATH_RES)));
}

TEST_F(store, instances_get_the_lowest_free_id_in_the_reply)
{
	struct genl_ack a;

	ASSERT_EQ(0, create_instance(self->fd, self->family, -1, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_NE(NULL, a.tb[KLWM2M_A_PATH_INST]);
	EXPECT_EQ(1, *(uint16_t *)PAYLOAD(a.tb[KLWM2M_A_PATH_INST]));
	ASSERT_EQ(0, create_instance(self->fd, self->family, 1, &a));
	EXPECT_EQ(-EEXIST, a.error);
	EXPECT_STREQ("the instance exists already", a.msg);
}

TEST_F(store, an_id_of_65535_is_refused_by_the_policy)
{
	struct genl_req r;
	struct genl_ack a;
	size_t off;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INST_CREATE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	off = r.nlh.nlmsg_len;
	put_u16(&r, KLWM2M_A_PATH_INST, 65535);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_EQ(off, a.offset);
	EXPECT_NE(0, a.msg[0]);
}

TEST_F(store, a_second_definition_is_refused)
{
	struct genl_ack a;

	ASSERT_EQ(0, define_temperature(self->fd, self->family, &a));
	EXPECT_EQ(-EEXIST, a.error);
	EXPECT_STREQ("object ID is defined already", a.msg);
}

TEST_F(store, a_bad_resource_is_pointed_at)
{
	struct genl_req r;
	struct genl_ack a;
	size_t bad;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, 4242);
	put_str(&r, KLWM2M_A_OBJ_NAME, "Test");
	genl_req_nest_end(&r, put_res(&r, 0, "Fine", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ, 0));
	bad = put_res(&r, 1, "Run", KLWM2M_TYPE_STRING, KLWM2M_OP_EXECUTE, 0);
	genl_req_nest_end(&r, bad);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("an executable resource has type none and nothing else", a.msg);
	EXPECT_EQ(bad, a.offset);
}

TEST_F(store, a_definition_without_an_id_names_what_is_missing)
{
	struct genl_req r;
	struct genl_ack a;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
	put_str(&r, KLWM2M_A_OBJ_NAME, "Test");
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("missing object ID", a.msg);
	EXPECT_EQ(KLWM2M_A_OBJ_ID, a.miss_type);
}

TEST_F(store, unknown_flag_bits_are_refused_and_pointed_at)
{
	struct genl_req r;
	struct genl_ack a;
	size_t off;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, 4242);
	put_str(&r, KLWM2M_A_OBJ_NAME, "Test");
	off = r.nlh.nlmsg_len;
	put_u32(&r, KLWM2M_A_OBJ_FLAGS, 0x80);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_EQ(off, a.offset);
	EXPECT_NE(0, a.msg[0]);
}

TEST_F(store, a_batch_with_one_bad_value_lands_nothing_and_points_at_it)
{
	uint64_t good = F64_21_5, bad = F64_200;
	struct genl_req r;
	struct genl_ack a;
	size_t third;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &good, sizeof(good));
	put_value(&r, 0, 5701, -1, KLWM2M_TYPE_STRING, "Cel", 3);
	third = put_value(&r, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &bad, sizeof(bad));
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_STREQ("value outside the resource's range", a.msg);
	EXPECT_EQ(third, a.offset);

	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 5700, -1, &a));
	EXPECT_EQ(-ENOENT, a.error);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 5701, -1, &a));
	EXPECT_EQ(-ENOENT, a.error);
}

static int64_t get_int(struct __test_metadata *_metadata, int fd, int family, uint16_t iid,
		       uint16_t rid, int riid)
{
	struct genl_ack a;

	EXPECT_EQ(0, get_one(fd, family, iid, rid, riid, &a));
	EXPECT_EQ(0, a.error) TH_LOG("get %u/%u/%d: %s", iid, rid, riid, a.msg);
	if (a.error || !a.tb[KLWM2M_A_VALUE_DATA])
		return INT64_MIN;
	return *(int64_t *)PAYLOAD(a.tb[KLWM2M_A_VALUE_DATA]);
}

TEST_F(store, scalar_records_set_resources_and_instances_in_order)
{
	struct klwm2m_scalar recs[] = {
		rec(0, 5700, -1, KLWM2M_TYPE_FLOAT, F64_21_5),
		rec(0, 1, 0, KLWM2M_TYPE_INTEGER, 10),
		rec(0, 1, 3, KLWM2M_TYPE_INTEGER, (uint64_t)-5),
		rec(0, 5700, -1, KLWM2M_TYPE_FLOAT, F64_MINUS_40),
	}, later = rec(0, 1, 0, KLWM2M_TYPE_INTEGER, 11);
	struct genl_req r;
	struct genl_ack a;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_scalars(&r, recs, 4);
	put_scalars(&r, &later, 1);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	/* A later record on the same path wins, across attributes too. */
	EXPECT_EQ((int64_t)F64_MINUS_40, get_int(_metadata, self->fd, self->family, 0, 5700, -1));
	EXPECT_EQ(11, get_int(_metadata, self->fd, self->family, 0, 1, 0));
	EXPECT_EQ(-5, get_int(_metadata, self->fd, self->family, 0, 1, 3));

	/* Written again over what they hold (single resources: in place). */
	recs[0].value = F64_125;
	recs[2].value = 7;
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_scalars(&r, recs, 3);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	EXPECT_EQ((int64_t)F64_125, get_int(_metadata, self->fd, self->family, 0, 5700, -1));
	EXPECT_EQ(10, get_int(_metadata, self->fd, self->family, 0, 1, 0));
	EXPECT_EQ(7, get_int(_metadata, self->fd, self->family, 0, 1, 3));
}

TEST_F(store, a_refused_scalar_record_is_pointed_at_and_nothing_lands)
{
	struct klwm2m_scalar recs[] = {
		rec(0, 1, 0, KLWM2M_TYPE_INTEGER, 10),
		rec(0, 5700, -1, KLWM2M_TYPE_FLOAT, F64_21_5),
		rec(0, 5700, -1, KLWM2M_TYPE_FLOAT, F64_200),
	};
	struct genl_req r;
	struct genl_ack a;
	size_t first;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	first = put_scalars(&r, recs, 3);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_STREQ("value outside the resource's range", a.msg);
	EXPECT_EQ(first + 2 * sizeof(struct klwm2m_scalar), a.offset);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 5700, -1, &a));
	EXPECT_EQ(-ENOENT, a.error);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, 0, &a));
	EXPECT_EQ(-ENOENT, a.error);

	/* A record whose type is not the resource's. */
	recs[2] = rec(0, 1, 2, KLWM2M_TYPE_UNSIGNED, 1);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	first = put_scalars(&r, recs, 3);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("value type differs from the resource's type", a.msg);
	EXPECT_EQ(first + 2 * sizeof(struct klwm2m_scalar), a.offset);
}

/*
 * A malformed record deep in a big batch (past the few entries a request
 * holds without an allocation): pointed at, nothing lands, and the records
 * parsed before it are released cleanly (KASAN and kmemleak watch).
 */
TEST_F(store, a_malformed_record_deep_in_a_big_batch_is_pointed_at)
{
	enum { N = 200 };
	static struct klwm2m_scalar recs[N];
	const int at[] = { 5, 100, N - 1 };
	struct genl_req r;
	struct genl_ack a;
	size_t first;

	for (size_t t = 0; t < sizeof(at) / sizeof(at[0]); t++) {
		for (int i = 0; i < N; i++)
			recs[i] = rec(0, 1, i % 8, KLWM2M_TYPE_INTEGER, (uint64_t)i);
		recs[at[t]].reserved[0] = 1;
		genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
		first = put_scalars(&r, recs, N);
		ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
		EXPECT_EQ(-EINVAL, a.error) TH_LOG("record %d", at[t]);
		EXPECT_STREQ("a record's reserved bytes must be zero", a.msg);
		EXPECT_EQ(first + at[t] * sizeof(struct klwm2m_scalar), a.offset);
		ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, 0, &a));
		EXPECT_EQ(-ENOENT, a.error);
	}
	/* Without it, the batch lands: the last write of each path wins. */
	recs[N - 1].reserved[0] = 0;
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_scalars(&r, recs, N);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, 7, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(N - 1, *(int64_t *)PAYLOAD(a.tb[KLWM2M_A_VALUE_DATA]));
}

TEST_F(store, malformed_scalar_records_are_refused_with_a_message)
{
	static const char whole[] = "SCALARS holds whole records, one or more";
	static const char scalar[] =
		"a record holds a scalar type, its value within the type's bits";
	struct {
		struct klwm2m_scalar rec;
		size_t len;		/* bytes of the record sent */
		const char *msg;
		int at_record;		/* the error points at the record, else at the attribute */
	} bad[] = {
		{ rec(0, 1, 0, KLWM2M_TYPE_INTEGER, 1), 23, whole, 0 },
		{ rec(0, 1, 0, KLWM2M_TYPE_INTEGER, 1), 0, whole, 0 },
		{ rec(0, 1, 0, KLWM2M_TYPE_STRING, 1), 24, scalar, 1 },
		{ rec(0, 1, 0, KLWM2M_TYPE_NONE, 0), 24, scalar, 1 },
		{ rec(0, 1, 0, KLWM2M_TYPE_MAX + 1, 0), 24, scalar, 1 },
		{ rec(0, 1, 0, KLWM2M_TYPE_BOOLEAN, 2), 24, scalar, 1 },
		{ rec(0, 1, 0, KLWM2M_TYPE_OBJLNK, 1ULL << 32), 24, scalar, 1 },
		{ rec(0, 1, 0, KLWM2M_TYPE_INTEGER, 1), 24, "a record's reserved bytes must be zero", 1 },
		{ rec(0, 65535, 0, KLWM2M_TYPE_INTEGER, 1), 24, "IDs go up to 65534", 1 },
	};
	struct genl_req r;
	struct genl_ack a;
	size_t first;
	uint64_t v = 1;

	bad[7].rec.reserved[6] = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
		first = genl_req_put(&r, KLWM2M_A_SET_SCALARS, &bad[i].rec, bad[i].len);
		ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
		EXPECT_EQ(-EINVAL, a.error) TH_LOG("case %zu", i);
		EXPECT_STREQ(bad[i].msg, a.msg) TH_LOG("case %zu", i);
		EXPECT_EQ(bad[i].at_record ? first + NLA_HDRLEN : first, a.offset) TH_LOG("case %zu", i);
	}
	/* One form per request. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 0, 1, 0, KLWM2M_TYPE_INTEGER, &v, sizeof(v));
	first = put_scalars(&r, &bad[0].rec, 1) - NLA_HDRLEN;
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("a request carries VALUE nests or SCALARS records, not both", a.msg);
	EXPECT_EQ(first, a.offset);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, 0, &a));
	EXPECT_EQ(-ENOENT, a.error);
}

TEST_F(store, data_that_does_not_fit_the_type_is_refused)
{
	uint32_t four = 1;
	struct genl_ack a;

	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT,
			     &four, sizeof(four), &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("data size does not fit the type (or a boolean above 1)", a.msg);
	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 5701, -1, KLWM2M_TYPE_INTEGER,
			     &four, sizeof(four), &a));
	EXPECT_EQ(-EINVAL, a.error);
}

TEST_F(store, nothing_is_found_where_nothing_was_set)
{
	struct genl_ack a;

	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 5700, -1, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no value at this path", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 7, 5700, -1, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such instance", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 4242, -1, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("the object defines no such resource", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 5700, 2, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("a resource instance of a single resource", a.msg);
}

TEST_F(store, resource_instances_are_set_and_deleted)
{
	int64_t v = 42;
	struct genl_ack a;

	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 1, 3, KLWM2M_TYPE_INTEGER,
			     &v, sizeof(v), &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, 3, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(42, *(int64_t *)PAYLOAD(a.tb[KLWM2M_A_VALUE_DATA]));
	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 1, 3, KLWM2M_TYPE_INTEGER, NULL, 0, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, 3, &a));
	EXPECT_EQ(-ENOENT, a.error);
}

TEST_F(store, an_object_with_instances_cannot_be_undefined)
{
	struct genl_req r;
	struct genl_ack a;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_UNDEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, 3303);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EBUSY, a.error);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INST_DELETE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	put_u16(&r, KLWM2M_A_PATH_INST, 0);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_UNDEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, 3303);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(0, a.error) TH_LOG("%s", a.msg);
}

/* What nobody may and may not do with a 0644 object owned by root. */
static int nobody_reads(int fd, int family)
{
	struct genl_ack a;

	if (get_one(fd, family, 0, 5700, -1, &a))
		return 10;
	return a.error == 0 ? 0 : 11;
}

static int nobody_cannot_write(int fd, int family)
{
	uint64_t v = F64_21_5;
	struct genl_ack a;

	struct klwm2m_scalar one = rec(0, 5700, -1, KLWM2M_TYPE_FLOAT, v);
	struct genl_req r;

	if (set_one(fd, family, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &v, sizeof(v), &a))
		return 10;
	if (a.error != -EPERM || strcmp(a.msg, "the object's mode does not let you write it"))
		return 11;
	/* The compact form is held to the same mode. */
	genl_req_init(&r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_scalars(&r, &one, 1);
	if (genl_exchange(fd, &r, &a))
		return 12;
	if (a.error != -EPERM || strcmp(a.msg, "the object's mode does not let you write it"))
		return 13;
	return 0;
}

static int nobody_cannot_create_or_define(int fd, int family)
{
	struct genl_ack a;

	if (create_instance(fd, family, -1, &a) || a.error != -EPERM)
		return 10;
	if (define_temperature(fd, family, &a) || a.error != -EPERM)
		return 11;
	return 0;
}

static int nobody_cannot_read_secrets(int fd, int family)
{
	struct genl_ack a;

	if (get_one(fd, family, 0, 9, -1, &a))
		return 10;
	if (a.error != -EPERM || strcmp(a.msg, "secret resources are read by admins only"))
		return 11;
	return 0;
}

TEST_F(store, an_unprivileged_user_gets_what_the_mode_allows)
{
	uint64_t v = F64_21_5;
	struct genl_ack a;

	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT,
			     &v, sizeof(v), &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(0, as_nobody(self->family, nobody_reads));
	EXPECT_EQ(0, as_nobody(self->family, nobody_cannot_write));
	EXPECT_EQ(0, as_nobody(self->family, nobody_cannot_create_or_define));
}

TEST_F(store, secrets_are_for_admins_only)
{
	struct genl_ack a;

	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 9, -1, KLWM2M_TYPE_OPAQUE,
			     "psk-bytes", 9, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 9, -1, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(0, memcmp("psk-bytes", PAYLOAD(a.tb[KLWM2M_A_VALUE_DATA]), 9));
	EXPECT_EQ(0, as_nobody(self->family, nobody_cannot_read_secrets));
}

TEST_F(store, another_namespace_has_its_own_store)
{
	uint64_t v = F64_21_5;
	struct genl_ack a;
	pid_t pid;
	int status;

	ASSERT_EQ(0, set_one(self->fd, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT,
			     &v, sizeof(v), &a));
	ASSERT_EQ(0, a.error);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (unshare(CLONE_NEWNET))
			_exit(10);
		fd = genl_open();
		if (fd < 0 || get_one(fd, self->family, 0, 5700, -1, &a))
			_exit(11);
		if (a.error != -ENOENT)
			_exit(12);
		/* The same object can be defined here, independently. */
		if (define_temperature(fd, self->family, &a) || a.error)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ---- definitions read back ---- */

static int obj_get(int fd, int family, uint16_t oid, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_GET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, oid);
	return genl_exchange(fd, &r, a);
}

#define U8(a)	(*(uint8_t *)PAYLOAD(a))
#define U16(a)	(*(uint16_t *)PAYLOAD(a))
#define U32(a)	(*(uint32_t *)PAYLOAD(a))
#define U64(a)	(*(uint64_t *)PAYLOAD(a))

TEST_F(store, a_definition_is_read_back_whole)
{
	const struct nlattr *nla, *first = NULL;
	struct genl_ack a;
	int nres = 0;
	char *p, *end;

	ASSERT_EQ(0, obj_get(self->fd, self->family, 3303, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	EXPECT_EQ(3303, U16(a.tb[KLWM2M_A_OBJ_ID]));
	EXPECT_STREQ("Temperature", (char *)PAYLOAD(a.tb[KLWM2M_A_OBJ_NAME]));
	EXPECT_STREQ("1.1", (char *)PAYLOAD(a.tb[KLWM2M_A_OBJ_VERSION]));
	EXPECT_EQ(KLWM2M_OBJ_F_MULTIPLE, U32(a.tb[KLWM2M_A_OBJ_FLAGS]));
	EXPECT_EQ(0644, U16(a.tb[KLWM2M_A_OBJ_MODE]));
	EXPECT_EQ(1, U32(a.tb[KLWM2M_A_OBJ_INSTANCES]));
	/* Every resource nest, in ID order. */
	p = (char *)NLMSG_DATA((struct nlmsghdr *)a.reply) + GENL_HDRLEN;
	end = a.reply + ((struct nlmsghdr *)a.reply)->nlmsg_len;
	for (; p + NLA_HDRLEN <= end; p += NLA_ALIGN(nla->nla_len)) {
		nla = (const struct nlattr *)p;
		if ((nla->nla_type & NLA_TYPE_MASK) != KLWM2M_A_OBJ_RES)
			continue;
		if (!first)
			first = nla;
		if (U16(genl_nested(nla, KLWM2M_A_RES_ID)) == 5700) {
			EXPECT_EQ(F64_MINUS_40, U64(genl_nested(nla, KLWM2M_A_RES_RANGE_MIN)));
			EXPECT_EQ(F64_125, U64(genl_nested(nla, KLWM2M_A_RES_RANGE_MAX)));
			EXPECT_EQ(KLWM2M_TYPE_FLOAT, U8(genl_nested(nla, KLWM2M_A_RES_TYPE)));
			EXPECT_EQ(NULL, genl_nested(nla, KLWM2M_A_RES_LEN_MIN));
		}
		if (U16(genl_nested(nla, KLWM2M_A_RES_ID)) == 9)
			EXPECT_EQ(KLWM2M_RES_F_SECRET, U32(genl_nested(nla, KLWM2M_A_RES_FLAGS)));
		nres++;
	}
	EXPECT_EQ(5, nres);
	ASSERT_NE(NULL, first);
	EXPECT_EQ(1, U16(genl_nested(first, KLWM2M_A_RES_ID)));

	ASSERT_EQ(0, obj_get(self->fd, self->family, 4, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such object", a.msg);
}

static int collect_ids(struct nlattr **tb, void *arg)
{
	int *ids = arg;

	if (tb[KLWM2M_A_OBJ_ID] && ids[0] < 15)
		ids[++ids[0]] = U16(tb[KLWM2M_A_OBJ_ID]);
	return 0;
}

TEST_F(store, every_object_is_dumped_in_id_order)
{
	int ids[16] = { 0 }, intr;
	struct genl_req r;
	struct genl_ack a;
	uint16_t oid[] = { 20000, 10 };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
		put_u16(&r, KLWM2M_A_OBJ_ID, oid[i]);
		put_str(&r, KLWM2M_A_OBJ_NAME, "Other");
		ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
		ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	}
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBJ_GET, KLWM2M_GENL_VERSION);
	ASSERT_EQ(3, genl_dump(self->fd, &r, collect_ids, ids, &a, &intr));
	EXPECT_EQ(0, a.error);
	EXPECT_EQ(0, intr);
	EXPECT_EQ(10, ids[1]);
	EXPECT_EQ(3303, ids[2]);
	EXPECT_EQ(20000, ids[3]);
}

/* ---- dumps of values ---- */

struct records {
	int n;
	char path[32][32];	/* "/o/i/r/ri" of each record */
	int secret[32], has_data[32];
};

static int collect_paths(struct nlattr **tb, void *arg)
{
	struct records *rec = arg;
	const struct nlattr *p = tb[KLWM2M_A_VALUE_PATH];
	const struct nlattr *ids[4];
	int i, len = 0;

	if (!p || rec->n >= 32)
		return 0;
	ids[0] = genl_nested(p, KLWM2M_A_PATH_OBJ);
	ids[1] = genl_nested(p, KLWM2M_A_PATH_INST);
	ids[2] = genl_nested(p, KLWM2M_A_PATH_RES);
	ids[3] = genl_nested(p, KLWM2M_A_PATH_RINST);
	for (i = 0; i < 4 && ids[i]; i++)
		len += snprintf(rec->path[rec->n] + len, sizeof(rec->path[0]) - len, "/%u",
				U16(ids[i]));
	rec->secret[rec->n] = !!tb[KLWM2M_A_VALUE_SECRET];
	rec->has_data[rec->n] = !!tb[KLWM2M_A_VALUE_DATA];
	rec->n++;
	return 0;
}

/* Dumps under a path of @depth IDs taken from @ids. */
static int dump_path(int fd, int family, const int *ids, int depth, genl_record_fn fn,
		     void *arg, struct genl_ack *a, int *intr)
{
	static const uint16_t type[] = {
		KLWM2M_A_PATH_OBJ, KLWM2M_A_PATH_INST, KLWM2M_A_PATH_RES, KLWM2M_A_PATH_RINST,
	};
	struct genl_req r;
	int i;

	genl_req_init(&r, family, 0, KLWM2M_CMD_GET, KLWM2M_GENL_VERSION);
	if (depth) {
		size_t nest = genl_req_nest(&r, KLWM2M_A_VALUE_PATH);

		for (i = 0; i < depth; i++)
			put_u16(&r, type[i], ids[i]);
		genl_req_nest_end(&r, nest);
	}
	return genl_dump(fd, &r, fn, arg, a, intr);
}

static void set_examples(struct __test_metadata *_metadata, int fd, int family)
{
	uint64_t t = F64_21_5;
	int64_t l0 = 10, l1 = 11;
	struct genl_req r;
	struct genl_ack a;

	genl_req_init(&r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 0, 5701, -1, KLWM2M_TYPE_STRING, "Cel", 3);
	put_value(&r, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &t, sizeof(t));
	put_value(&r, 0, 9, -1, KLWM2M_TYPE_OPAQUE, "psk", 3);
	put_value(&r, 0, 1, 1, KLWM2M_TYPE_INTEGER, &l1, sizeof(l1));
	put_value(&r, 0, 1, 0, KLWM2M_TYPE_INTEGER, &l0, sizeof(l0));
	ASSERT_EQ(0, genl_exchange(fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
}

TEST_F(store, an_instance_dumps_as_its_record_then_its_values_in_id_order)
{
	static const char *const want[] = {
		"/3303/0", "/3303/0/1/0", "/3303/0/1/1", "/3303/0/9", "/3303/0/5700",
		"/3303/0/5701",
	};
	int ids[] = { 3303, 0 }, intr;
	struct records rec = { 0 };
	struct genl_ack a;
	unsigned int i;

	set_examples(_metadata, self->fd, self->family);
	ASSERT_EQ(6, dump_path(self->fd, self->family, ids, 2, collect_paths, &rec, &a, &intr));
	EXPECT_EQ(0, a.error) TH_LOG("%s", a.msg);
	for (i = 0; i < 6; i++) {
		EXPECT_STREQ(want[i], rec.path[i]);
		EXPECT_EQ(i > 0, rec.has_data[i]);
		EXPECT_EQ(0, rec.secret[i]);
	}
	/* A multiple resource alone, then one of its instances. */
	memset(&rec, 0, sizeof(rec));
	ids[1] = 0;
	{
		int sub[] = { 3303, 0, 1, 1 };

		ASSERT_EQ(2, dump_path(self->fd, self->family, sub, 3, collect_paths, &rec, &a,
				       &intr));
		EXPECT_STREQ("/3303/0/1/1", rec.path[1]);
		ASSERT_EQ(1, dump_path(self->fd, self->family, sub, 4, NULL, NULL, &a, &intr));
	}
	/* The whole store. */
	ASSERT_EQ(6, dump_path(self->fd, self->family, NULL, 0, NULL, NULL, &a, &intr));
}

static int nobody_dumps_no_secret(int fd, int family)
{
	int ids[] = { 3303, 0, 9 }, intr;
	struct records rec = { 0 };
	struct genl_ack a;

	if (dump_path(fd, family, ids, 3, collect_paths, &rec, &a, &intr) != 1 || a.error)
		return 10;
	if (strcmp(rec.path[0], "/3303/0/9") || !rec.secret[0] || rec.has_data[0])
		return 11;
	return 0;
}

TEST_F(store, a_dump_shows_secrets_to_the_unprivileged_without_their_data)
{
	set_examples(_metadata, self->fd, self->family);
	EXPECT_EQ(0, as_nobody(self->family, nobody_dumps_no_secret));
}

/* GET_TREE of /3303/0/9: its one record names the secret, without its data. */
static int tree_of_the_secret(int fd, int family, struct genl_ack *a)
{
	struct genl_req r;
	size_t nest;

	genl_req_init(&r, family, 0, KLWM2M_CMD_GET_TREE, KLWM2M_GENL_VERSION);
	nest = genl_req_nest(&r, KLWM2M_A_VALUE_PATH);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	put_u16(&r, KLWM2M_A_PATH_INST, 0);
	put_u16(&r, KLWM2M_A_PATH_RES, 9);
	genl_req_nest_end(&r, nest);
	return genl_exchange(fd, &r, a);
}

static int nobody_reads_no_secret_in_a_tree(int fd, int family)
{
	const struct nlattr *rec;
	struct genl_ack a;

	if (tree_of_the_secret(fd, family, &a) || a.error || !a.replied)
		return 10;
	rec = a.tb[KLWM2M_A_VALUE_RECORD];
	if (!rec || !genl_nested(rec, KLWM2M_A_VALUE_SECRET) ||
	    genl_nested(rec, KLWM2M_A_VALUE_DATA) || !genl_nested(rec, KLWM2M_A_VALUE_TYPE))
		return 11;
	return 0;
}

TEST_F(store, a_tree_shows_secrets_to_the_unprivileged_without_their_data)
{
	const struct nlattr *rec, *data;
	struct genl_ack a;

	set_examples(_metadata, self->fd, self->family);
	ASSERT_EQ(0, tree_of_the_secret(self->fd, self->family, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	rec = a.tb[KLWM2M_A_VALUE_RECORD];
	ASSERT_NE(NULL, rec);
	data = genl_nested(rec, KLWM2M_A_VALUE_DATA);
	ASSERT_NE(NULL, data);	/* an admin reads it */
	EXPECT_EQ(0, memcmp("psk", PAYLOAD(data), 3));
	EXPECT_EQ(NULL, genl_nested(rec, KLWM2M_A_VALUE_SECRET));
	EXPECT_EQ(0, as_nobody(self->family, nobody_reads_no_secret_in_a_tree));
}

TEST_F(store, a_dump_of_what_does_not_exist_fails_with_a_message)
{
	int ids[] = { 3303, 7 }, intr;
	struct genl_req r;
	struct genl_ack a;
	size_t nest;

	ASSERT_EQ(0, dump_path(self->fd, self->family, ids, 2, NULL, NULL, &a, &intr));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such instance", a.msg);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_GET, KLWM2M_GENL_VERSION);
	nest = genl_req_nest(&r, KLWM2M_A_VALUE_PATH);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	put_u16(&r, KLWM2M_A_PATH_RES, 1);
	genl_req_nest_end(&r, nest);
	ASSERT_EQ(0, genl_dump(self->fd, &r, NULL, NULL, &a, &intr));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("a path names its levels from the object down, without gaps", a.msg);
}

/* Fills resource 1 of instance 0 with @n resource instances. */
static void fill_levels(struct __test_metadata *_metadata, int fd, int family, int n)
{
	struct genl_req r;
	struct genl_ack a;
	int64_t v;
	int i;

	for (i = 0; i < n; i += 50) {
		genl_req_init(&r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
		for (v = i; v < i + 50 && v < n; v++)
			put_value(&r, 0, 1, v, KLWM2M_TYPE_INTEGER, &v, sizeof(v));
		ASSERT_EQ(0, genl_exchange(fd, &r, &a));
		ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	}
}

struct writer {
	int fd, family, done;
};

/* After the first record, another socket writes: the dump must say so. */
static int write_once(struct nlattr **tb, void *arg)
{
	struct writer *w = arg;
	int64_t v = 7;
	struct genl_ack a;

	(void)tb;
	if (!w->done++)
		set_one(w->fd, w->family, 0, 1, 40000, KLWM2M_TYPE_INTEGER, &v, sizeof(v), &a);
	return 0;
}

TEST_F(store, a_dump_interrupted_by_a_write_is_flagged)
{
	struct writer w = { .family = self->family };
	int ids[] = { 3303, 0 }, intr, n;
	struct genl_ack a;

	fill_levels(_metadata, self->fd, self->family, 1500);
	/* Undisturbed: consistent, every record once. */
	n = dump_path(self->fd, self->family, ids, 2, NULL, NULL, &a, &intr);
	EXPECT_EQ(1501, n);
	EXPECT_EQ(0, a.error);
	EXPECT_EQ(0, intr);

	w.fd = genl_open();
	ASSERT_LE(0, w.fd);
	n = dump_path(self->fd, self->family, ids, 2, write_once, &w, &a, &intr);
	EXPECT_EQ(0, a.error);
	EXPECT_EQ(1, intr);
	/* Resumed by IDs: nothing twice, and the new instance sits past the cursor. */
	EXPECT_EQ(1502, n);
	close(w.fd);
}

TEST_F(store, a_dump_in_one_part_ends_there_and_a_later_write_does_not_flag_it)
{
	int ids[] = { 3303, 0 }, intr = -1, fd;
	uint64_t t = F64_21_5 + 1;
	struct genl_req r, objs;
	struct genl_ack a;

	set_examples(_metadata, self->fd, self->family);
	fd = genl_open();
	ASSERT_LE(0, fd);
	/*
	 * The request is answered when it is sent: the records and NLMSG_DONE
	 * in one part. A write before the reader reads them comes after the
	 * dump, which was consistent. (A DONE made when the reader comes back
	 * for it would see the write and flag the dump: under a stream of
	 * writes, every dump.)
	 */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_GET, KLWM2M_GENL_VERSION);
	{
		size_t nest = genl_req_nest(&r, KLWM2M_A_VALUE_PATH);

		put_u16(&r, KLWM2M_A_PATH_OBJ, ids[0]);
		put_u16(&r, KLWM2M_A_PATH_INST, ids[1]);
		genl_req_nest_end(&r, nest);
	}
	genl_req_init(&objs, self->family, 0, KLWM2M_CMD_OBJ_GET, KLWM2M_GENL_VERSION);
	ASSERT_EQ(0, genl_dump_send(self->fd, &r));
	ASSERT_EQ(0, set_one(fd, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &t, sizeof(t), &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	EXPECT_EQ(6, genl_dump_recv(self->fd, &r, NULL, NULL, &a, &intr));
	EXPECT_EQ(0, a.error);
	EXPECT_EQ(0, intr);
	/* The same for the object definitions' dump. */
	ASSERT_EQ(0, genl_dump_send(self->fd, &objs));
	ASSERT_EQ(0, set_one(fd, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &t, sizeof(t), &a));
	EXPECT_EQ(1, genl_dump_recv(self->fd, &objs, NULL, NULL, &a, &intr));
	EXPECT_EQ(0, intr);
	/* A dump in several parts is still flagged: a_dump_interrupted_by_a_write_is_flagged. */
	close(fd);
}

static int stop_after_one(struct nlattr **tb, void *arg)
{
	(void)tb;
	(void)arg;
	return 1;
}

TEST_F(store, a_socket_closed_mid_dump_leaves_the_store_usable)
{
	int ids[] = { 3303 }, intr, fd;
	struct genl_ack a;

	fill_levels(_metadata, self->fd, self->family, 1500);
	fd = genl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, dump_path(fd, self->family, ids, 1, stop_after_one, NULL, &a, &intr));
	close(fd);		/* with the rest of the dump pending */
	EXPECT_EQ(1501, dump_path(self->fd, self->family, ids, 1, NULL, NULL, &a, &intr));
	EXPECT_EQ(0, a.error);
}

TEST_F(store, a_multiple_resource_is_replaced_in_one_batch)
{
	int ids[] = { 3303, 0, 1 }, intr;
	struct records rec = { 0 };
	int64_t v = 50;
	struct genl_req r;
	struct genl_ack a;

	fill_levels(_metadata, self->fd, self->family, 3);
	ASSERT_EQ(0, get_one(self->fd, self->family, 0, 1, -1, &a));
	EXPECT_EQ(-EISDIR, a.error);
	EXPECT_STREQ("a multiple resource: name an instance of it, or dump it", a.msg);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 0, 1, -1, KLWM2M_TYPE_INTEGER, NULL, 0);		/* clear */
	put_value(&r, 0, 1, 5, KLWM2M_TYPE_INTEGER, &v, sizeof(v));
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(1, dump_path(self->fd, self->family, ids, 3, collect_paths, &rec, &a, &intr));
	EXPECT_STREQ("/3303/0/1/5", rec.path[0]);

	/* A single resource cannot be cleared; the batch lands nothing. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 0, 1, -1, KLWM2M_TYPE_INTEGER, NULL, 0);
	put_value(&r, 0, 5701, -1, KLWM2M_TYPE_STRING, NULL, 0);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("a single resource cannot be cleared", a.msg);
	ASSERT_EQ(1, dump_path(self->fd, self->family, ids, 3, NULL, NULL, &a, &intr));
}

static int set_for_server(int fd, int family, uint16_t rid, int riid, uint8_t type,
			  const void *data, size_t len, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_SET_SERVER, 101);
	put_value(&r, 0, rid, riid, type, data, len);
	return genl_exchange(fd, &r, a);
}

static int nobody_cannot_write_for_a_server(int fd, int family)
{
	int64_t v = 1;
	struct genl_ack a;

	if (set_for_server(fd, family, 1, 0, KLWM2M_TYPE_INTEGER, &v, sizeof(v), &a))
		return 10;
	if (a.error != -EPERM || strcmp(a.msg, "only an admin (the agent) writes for a server"))
		return 11;
	return 0;
}

TEST_F(store, a_write_for_a_server_needs_the_write_operation)
{
	uint64_t t = F64_21_5;
	int64_t v = 1;
	struct genl_ack a;

	ASSERT_EQ(0, set_for_server(self->fd, self->family, 5700, -1, KLWM2M_TYPE_FLOAT,
				    &t, sizeof(t), &a));
	EXPECT_EQ(-EPERM, a.error);
	EXPECT_STREQ("the resource is not writable by a server", a.msg);
	ASSERT_EQ(0, set_for_server(self->fd, self->family, 1, 0, KLWM2M_TYPE_INTEGER,
				    &v, sizeof(v), &a));
	EXPECT_EQ(0, a.error) TH_LOG("%s", a.msg);
	EXPECT_EQ(0, as_nobody(self->family, nobody_cannot_write_for_a_server));
}

/* ---- events ---- */

static int listen_events(struct __test_metadata *_metadata)
{
	int fd = genl_open(), grp;

	EXPECT_LE(0, fd);
	grp = genl_mcast_group(fd, KLWM2M_GENL_NAME, KLWM2M_MCGRP_EVENTS);
	EXPECT_LT(0, grp);
	EXPECT_EQ(0, setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)));
	return fd;
}

static int count_paths(const struct genl_ack *a)
{
	const struct nlattr *nla;
	const char *p, *end;
	int n = 0;

	p = (const char *)NLMSG_DATA((const struct nlmsghdr *)a->reply) + GENL_HDRLEN;
	end = a->reply + ((const struct nlmsghdr *)a->reply)->nlmsg_len;
	for (; p + NLA_HDRLEN <= end; p += NLA_ALIGN(nla->nla_len)) {
		nla = (const struct nlattr *)p;
		n += (nla->nla_type & NLA_TYPE_MASK) == KLWM2M_A_EVENT_PATH;
	}
	return n;
}

TEST_F(store, a_listener_sees_each_change_once_with_its_origin)
{
	int ev = listen_events(_metadata);
	uint64_t t = F64_21_5;
	int64_t v = 3;
	struct genl_req r;
	struct genl_ack a, e;

	ASSERT_EQ(0, create_instance(self->fd, self->family, 4, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(ev, &e, 2000));
	EXPECT_EQ(KLWM2M_EVENT_INST_CREATED, U8(e.tb[KLWM2M_A_EVENT_KIND]));
	EXPECT_EQ(4, U16(genl_nested(e.tb[KLWM2M_A_EVENT_PATH], KLWM2M_A_PATH_INST)));
	EXPECT_EQ(genl_portid(self->fd), U32(e.tb[KLWM2M_A_EVENT_PORTID]));
	EXPECT_EQ(NULL, e.tb[KLWM2M_A_EVENT_SERVER]);

	/* One batch of three values: one event naming three paths. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 4, 5700, -1, KLWM2M_TYPE_FLOAT, &t, sizeof(t));
	put_value(&r, 4, 1, 0, KLWM2M_TYPE_INTEGER, &v, sizeof(v));
	put_value(&r, 0, 5701, -1, KLWM2M_TYPE_STRING, "K", 1);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(ev, &e, 2000));
	EXPECT_EQ(KLWM2M_EVENT_VALUE_CHANGED, U8(e.tb[KLWM2M_A_EVENT_KIND]));
	EXPECT_EQ(3, count_paths(&e));

	/* A refused batch: no event. A server's write: its short ID. */
	ASSERT_EQ(0, set_one(self->fd, self->family, 9, 5700, -1, KLWM2M_TYPE_FLOAT, &t,
			     sizeof(t), &a));
	EXPECT_EQ(-ENOENT, a.error);
	ASSERT_EQ(0, set_for_server(self->fd, self->family, 1, 2, KLWM2M_TYPE_INTEGER, &v,
				    sizeof(v), &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(ev, &e, 2000));
	ASSERT_NE(NULL, e.tb[KLWM2M_A_EVENT_SERVER]);
	EXPECT_EQ(101, U16(e.tb[KLWM2M_A_EVENT_SERVER]));
	EXPECT_EQ(1, count_paths(&e));

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INST_DELETE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	put_u16(&r, KLWM2M_A_PATH_INST, 4);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(ev, &e, 2000));
	EXPECT_EQ(KLWM2M_EVENT_INST_DELETED, U8(e.tb[KLWM2M_A_EVENT_KIND]));
	EXPECT_EQ(-ETIMEDOUT, genl_recv(ev, &e, 200));
	close(ev);
}

TEST_HARNESS_MAIN
