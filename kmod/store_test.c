// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the store: definitions, instances, values, validation,
 * batch atomicity, the budget, concurrent writers against RCU readers and
 * teardown with live data.
 */
#include <kunit/test.h>
#include <linux/klwm2m.h>
#include <linux/kthread.h>
#include <linux/sizes.h>

#include "klwm2m.h"
#include "store.h"

#define F64_ONE		0x3ff0000000000000ULL
#define F64_MINUS_ONE	0xbff0000000000000ULL
#define F64_21_5	0x4035800000000000ULL
#define F64_200		0x4069000000000000ULL
#define F64_MINUS_40	0xc044000000000000ULL
#define F64_125		0x405f400000000000ULL
#define F64_PINF	0x7ff0000000000000ULL
#define F64_NINF	0xfff0000000000000ULL
#define F64_NAN		0x7ff8000000000000ULL
#define F64_PZERO	0x0000000000000000ULL
#define F64_NZERO	0x8000000000000000ULL
#define F64_SUBNORM	0x0000000000000001ULL

enum {
	R_MULTI = 1,
	R_SECRET = 9,
	R_RESET = 5605,
	R_VALUE = 5700,
	R_UNITS = 5701,
	R_APPTYPE = 5750,
};

/* Deliberately out of order: the store sorts its copy. */
static const struct klwm2m_resdef temp_res[] = {
	{ .id = R_VALUE, .name = "Sensor Value", .type = KLWM2M_TYPE_FLOAT,
	  .ops = KLWM2M_OP_READ, .flags = KLWM2M_RES_MANDATORY | KLWM2M_RES_RANGE,
	  .min = F64_MINUS_40, .max = F64_125 },
	{ .id = R_UNITS, .name = "Sensor Units", .type = KLWM2M_TYPE_STRING,
	  .ops = KLWM2M_OP_READ, .flags = KLWM2M_RES_LENGTH, .len_min = 1, .len_max = 8 },
	{ .id = R_RESET, .name = "Reset", .type = KLWM2M_TYPE_NONE, .ops = KLWM2M_OP_EXECUTE },
	{ .id = R_APPTYPE, .name = "Application Type", .type = KLWM2M_TYPE_STRING,
	  .ops = KLWM2M_OP_READ | KLWM2M_OP_WRITE },
	{ .id = R_MULTI, .name = "Levels", .type = KLWM2M_TYPE_INTEGER,
	  .ops = KLWM2M_OP_READ | KLWM2M_OP_WRITE,
	  .flags = KLWM2M_RES_MULTIPLE | KLWM2M_RES_RANGE, .min = 0, .max = 100 },
	{ .id = R_SECRET, .name = "Key", .type = KLWM2M_TYPE_OPAQUE,
	  .ops = KLWM2M_OP_WRITE, .flags = KLWM2M_RES_SECRET },
};

static const struct klwm2m_objdef temp_def = {
	.id = 3303, .name = "Temperature", .ver_major = 1, .ver_minor = 1,
	.flags = KLWM2M_OBJ_MULTIPLE, .res = temp_res, .nres = ARRAY_SIZE(temp_res),
	.mode = 0644,
};

static const struct klwm2m_objdef device_def = {
	.id = 3, .name = "Device", .ver_major = 1, .ver_minor = 0,
	.res = temp_res, .nres = 1,
};

struct store_ctx {
	struct klwm2m_store st;
	struct netlink_ext_ack ext;
};

static int store_test_init(struct kunit *test)
{
	struct klwm2m_limits lim = { .max_value_size = SZ_1K, .store_budget = SZ_64K };
	struct store_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	klwm2m_store_init(&ctx->st, &lim);
	test->priv = ctx;
	return 0;
}

static void store_test_exit(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;

	klwm2m_store_destroy(&ctx->st);
	KUNIT_EXPECT_EQ(test, ctx->st.used, 0);
	rcu_barrier();
}

static struct klwm2m_path res_path(u16 iid, u16 rid)
{
	return (struct klwm2m_path){ .oid = 3303, .iid = iid, .rid = rid, .depth = 3 };
}

static struct klwm2m_path ri_path(u16 iid, u16 rid, u16 riid)
{
	return (struct klwm2m_path){ .oid = 3303, .iid = iid, .rid = rid, .riid = riid,
				     .depth = 4 };
}

static struct klwm2m_value *val_u64(struct kunit *test, u8 type, u64 x)
{
	struct klwm2m_value *v = klwm2m_value_new(type, &x, sizeof(x), GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	return v;
}

static struct klwm2m_value *val_bytes(struct kunit *test, u8 type, const void *p, u32 len)
{
	struct klwm2m_value *v = klwm2m_value_new(type, p, len, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	return v;
}

/* Frees what the store left to the caller (refused, or copied in place). */
static void free_left(struct klwm2m_set *ops, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		klwm2m_value_free(ops[i].val);
		ops[i].val = NULL;
	}
}

/* Sets one value, which is the store's or freed here afterwards. */
static int set_one(struct store_ctx *ctx, struct klwm2m_path p, struct klwm2m_value *v,
		   unsigned int flags)
{
	struct klwm2m_set op = { .path = p, .val = v };
	int bad, err;

	ctx->ext._msg = NULL;
	err = klwm2m_store_set(&ctx->st, &op, 1, flags, &ctx->ext, &bad);
	free_left(&op, 1);
	return err;
}

static u64 get_u64(struct store_ctx *ctx, struct klwm2m_path p, bool *found)
{
	const struct klwm2m_value *v;
	u64 x = 0;

	rcu_read_lock();
	v = klwm2m_store_get_rcu(&ctx->st, &p);
	*found = v;
	if (v)
		x = v->u;
	rcu_read_unlock();
	return x;
}

static void setup_temperature(struct kunit *test, struct store_ctx *ctx, int instances)
{
	int i;

	KUNIT_ASSERT_EQ(test, klwm2m_obj_define(&ctx->st, &temp_def, &ctx->ext, NULL), 0);
	for (i = 0; i < instances; i++)
		KUNIT_ASSERT_EQ(test, klwm2m_inst_create(&ctx->st, 3303, -1, &ctx->ext), i);
}

static void doubles_compare_exactly_without_the_fpu(struct kunit *test)
{
	static const u64 ascending[] = { F64_NINF, F64_MINUS_40, F64_MINUS_ONE, F64_NZERO,
					 F64_SUBNORM, F64_ONE, F64_21_5, F64_125, F64_PINF };
	int i, j;

	for (i = 0; i < ARRAY_SIZE(ascending); i++)
		for (j = 0; j < ARRAY_SIZE(ascending); j++)
			KUNIT_EXPECT_EQ(test, klwm2m_f64_cmp(ascending[i], ascending[j]),
					i < j ? -1 : i > j);
	KUNIT_EXPECT_EQ(test, klwm2m_f64_cmp(F64_PZERO, F64_NZERO), 0);
	KUNIT_EXPECT_TRUE(test, klwm2m_f64_is_nan(F64_NAN));
	KUNIT_EXPECT_FALSE(test, klwm2m_f64_is_nan(F64_PINF));
}

/* Bad definitions: one change from a good one each. */
enum def_change {
	BAD_OBJ_ID, BAD_VERSION, BAD_MODE, BAD_OBJ_FLAGS, NO_NAME, BAD_RES_ID, BAD_TYPE,
	BAD_OPS, EXEC_READS, EXEC_TYPED, INVERTED_RANGE, NAN_RANGE, STRING_RANGE,
	FLOAT_LENGTH, LENGTH_TOO_BIG, SECRET_FLOAT, DUPLICATE,
};

struct def_case {
	const char *desc;
	enum def_change change;
	const char *msg;
	int bad_res;
};

/* Indexes in temp_res: 0 value, 1 units, 2 reset, 3 app type, 4 levels, 5 key. */
static void change_def(struct klwm2m_objdef *d, struct klwm2m_resdef *r, enum def_change c)
{
	switch (c) {
	case BAD_OBJ_ID:
		d->id = 65535;
		break;
	case BAD_VERSION:
		d->ver_major = 0;
		break;
	case BAD_MODE:
		d->mode = 01000;
		break;
	case BAD_OBJ_FLAGS:
		d->flags = 0x80;
		break;
	case NO_NAME:
		d->name = "";
		break;
	case BAD_RES_ID:
		r[1].id = 65535;
		break;
	case BAD_TYPE:
		r[1].type = 99;
		break;
	case BAD_OPS:
		r[1].ops = 0x8;
		break;
	case EXEC_READS:
		r[2].ops = KLWM2M_OP_EXECUTE | KLWM2M_OP_READ;
		break;
	case EXEC_TYPED:
		r[1].ops = KLWM2M_OP_EXECUTE;
		break;
	case INVERTED_RANGE:
		swap(r[0].min, r[0].max);
		break;
	case NAN_RANGE:
		r[0].max = F64_NAN;
		break;
	case STRING_RANGE:
		r[1].flags |= KLWM2M_RES_RANGE;
		break;
	case FLOAT_LENGTH:
		r[0].flags |= KLWM2M_RES_LENGTH;
		break;
	case LENGTH_TOO_BIG:
		r[1].len_max = SZ_2K;
		break;
	case SECRET_FLOAT:
		r[0].flags |= KLWM2M_RES_SECRET;
		break;
	case DUPLICATE:
		r[3].id = R_VALUE;
		break;
	}
}

static const struct def_case def_cases[] = {
	{ "an object ID of 65535 is refused", BAD_OBJ_ID, "object ID above 65534", -1 },
	{ "version 0.x is refused", BAD_VERSION,
	  "object version must be MAJOR.MINOR, 1.0 or above", -1 },
	{ "a mode beyond 0777 is refused", BAD_MODE, "mode has bits beyond 0777", -1 },
	{ "unknown object flags are refused", BAD_OBJ_FLAGS, "unknown object flag bits", -1 },
	{ "an empty object name is refused", NO_NAME, "object name missing or too long", -1 },
	{ "a resource ID of 65535 is refused", BAD_RES_ID, "resource ID above 65534", 1 },
	{ "an unknown type is refused", BAD_TYPE, "unknown resource type", 1 },
	{ "unknown operation bits are refused", BAD_OPS,
	  "unknown resource operation or flag bits", 1 },
	{ "an executable that reads is refused", EXEC_READS,
	  "an executable resource has type none and nothing else", 2 },
	{ "an executable with a type is refused", EXEC_TYPED,
	  "an executable resource has type none and nothing else", 1 },
	{ "an inverted range is refused", INVERTED_RANGE, "range minimum above its maximum", 0 },
	{ "a NaN range bound is refused", NAN_RANGE, "a range bound is NaN", 0 },
	{ "a range on a string is refused", STRING_RANGE, "a range on a non-numeric resource", 1 },
	{ "length bounds on a float are refused", FLOAT_LENGTH,
	  "length bounds on a resource neither text nor opaque", 0 },
	{ "length bounds above max_value_size are refused", LENGTH_TOO_BIG,
	  "length bounds inverted or above max_value_size", 1 },
	{ "a secret float is refused", SECRET_FLOAT,
	  "only string or opaque resources can be secret", 0 },
	{ "a resource defined twice is refused", DUPLICATE, "resource ID defined twice", 3 },
};

static void def_case_desc(const struct def_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(def, def_cases, def_case_desc);

static void bad_definitions_are_refused_with_a_reason(struct kunit *test)
{
	const struct def_case *c = test->param_value;
	struct store_ctx *ctx = test->priv;
	struct klwm2m_resdef res[ARRAY_SIZE(temp_res)];
	struct klwm2m_objdef def = temp_def;
	int bad;

	memcpy(res, temp_res, sizeof(res));
	def.res = res;
	change_def(&def, res, c->change);

	KUNIT_EXPECT_EQ(test, klwm2m_obj_define(&ctx->st, &def, &ctx->ext, &bad), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->ext._msg, c->msg);
	/* The resource at fault, by its index in the definition as given. */
	KUNIT_EXPECT_EQ(test, bad, c->bad_res);
	KUNIT_EXPECT_EQ(test, ctx->st.used, 0);
}

static void a_definition_lives_until_undefined_without_instances(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	u64 used;

	setup_temperature(test, ctx, 1);
	used = ctx->st.used;
	KUNIT_EXPECT_GT(test, used, 0);
	KUNIT_EXPECT_EQ(test, klwm2m_obj_define(&ctx->st, &temp_def, &ctx->ext, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, klwm2m_obj_undefine(&ctx->st, 3303, &ctx->ext), -EBUSY);
	KUNIT_EXPECT_STREQ(test, ctx->ext._msg, "the object still has instances");
	KUNIT_EXPECT_EQ(test, klwm2m_obj_undefine(&ctx->st, 4, &ctx->ext), -ENOENT);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_delete(&ctx->st, 3303, 0, &ctx->ext), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_obj_undefine(&ctx->st, 3303, &ctx->ext), 0);
	KUNIT_EXPECT_EQ(test, ctx->st.used, 0);
}

static void instances_take_the_lowest_free_id_or_the_one_asked(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_store *st = &ctx->st;

	setup_temperature(test, ctx, 2);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3303, 7, &ctx->ext), 7);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3303, 7, &ctx->ext), -EEXIST);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3303, 65535, &ctx->ext), -EINVAL);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_delete(st, 3303, 0, &ctx->ext), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3303, -1, &ctx->ext), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3303, -1, &ctx->ext), 2);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_delete(st, 3303, 9, &ctx->ext), -ENOENT);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 4, -1, &ctx->ext), -ENOENT);

	KUNIT_ASSERT_EQ(test, klwm2m_obj_define(st, &device_def, &ctx->ext, NULL), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3, -1, &ctx->ext), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_inst_create(st, 3, -1, &ctx->ext), -EEXIST);
}

static void a_value_is_set_read_and_replaced(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	bool found;

	setup_temperature(test, ctx, 1);
	get_u64(ctx, res_path(0, R_VALUE), &found);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_ASSERT_EQ(test, set_one(ctx, res_path(0, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_21_5), 0), 0);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_21_5);
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_ASSERT_EQ(test, set_one(ctx, res_path(0, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_MINUS_ONE), 0), 0);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_MINUS_ONE);
}

/* Values the definition refuses. */
struct value_case {
	const char *desc;
	struct klwm2m_path path;
	u8 type;
	u64 scalar;
	const char *bytes;	/* instead of @scalar */
	u32 len;
	unsigned int flags;
	int err;
	const char *msg;
};

static const struct value_case value_cases[] = {
	{ "a value of the wrong type", { 3303, 0, R_VALUE, 0, 3 }, KLWM2M_TYPE_INTEGER, 20,
	  NULL, 0, 0, -EINVAL, "value type differs from the resource's type" },
	{ "a float above the range", { 3303, 0, R_VALUE, 0, 3 }, KLWM2M_TYPE_FLOAT, F64_200,
	  NULL, 0, 0, -ERANGE, "value outside the resource's range" },
	{ "minus infinity", { 3303, 0, R_VALUE, 0, 3 }, KLWM2M_TYPE_FLOAT, F64_NINF,
	  NULL, 0, 0, -ERANGE, "value outside the resource's range" },
	{ "NaN where a range applies", { 3303, 0, R_VALUE, 0, 3 }, KLWM2M_TYPE_FLOAT, F64_NAN,
	  NULL, 0, 0, -ERANGE, "NaN is outside any range" },
	{ "a string longer than its bounds", { 3303, 0, R_UNITS, 0, 3 }, KLWM2M_TYPE_STRING,
	  0, "Celsius!!", 9, 0, -ERANGE, "value length outside the resource's bounds" },
	{ "an empty string below its bounds", { 3303, 0, R_UNITS, 0, 3 }, KLWM2M_TYPE_STRING,
	  0, "", 0, 0, -ERANGE, "value length outside the resource's bounds" },
	{ "a string with a NUL inside", { 3303, 0, R_APPTYPE, 0, 3 }, KLWM2M_TYPE_STRING,
	  0, "a\0b", 3, 0, -EINVAL, "text value contains a NUL byte" },
	{ "a string with an overlong encoding", { 3303, 0, R_APPTYPE, 0, 3 },
	  KLWM2M_TYPE_STRING, 0, "\xc0\xaf", 2, 0, -EINVAL, "text value is not valid UTF-8" },
	{ "a string with a surrogate", { 3303, 0, R_APPTYPE, 0, 3 }, KLWM2M_TYPE_STRING,
	  0, "\xed\xa0\x80", 3, 0, -EINVAL, "text value is not valid UTF-8" },
	{ "a string cut inside a character", { 3303, 0, R_APPTYPE, 0, 3 }, KLWM2M_TYPE_STRING,
	  0, "ok\xe2\x82", 4, 0, -EINVAL, "text value is not valid UTF-8" },
	{ "a value for an executable", { 3303, 0, R_RESET, 0, 3 }, KLWM2M_TYPE_STRING,
	  0, "x", 1, 0, -EINVAL, "an executable resource holds no value" },
	{ "a server writing a read-only resource", { 3303, 0, R_VALUE, 0, 3 },
	  KLWM2M_TYPE_FLOAT, F64_ONE, NULL, 0, KLWM2M_SET_SERVER, -EPERM,
	  "the resource is not writable by a server" },
	{ "an undefined resource", { 3303, 0, 4242, 0, 3 }, KLWM2M_TYPE_INTEGER, 1,
	  NULL, 0, 0, -ENOENT, "the object defines no such resource" },
	{ "a missing instance", { 3303, 5, R_VALUE, 0, 3 }, KLWM2M_TYPE_FLOAT, F64_ONE,
	  NULL, 0, 0, -ENOENT, "no such instance" },
	{ "a missing object", { 4, 0, 0, 0, 3 }, KLWM2M_TYPE_INTEGER, 1,
	  NULL, 0, 0, -ENOENT, "no such object" },
	{ "a resource instance of a single resource", { 3303, 0, R_VALUE, 1, 4 },
	  KLWM2M_TYPE_FLOAT, F64_ONE, NULL, 0, 0, -EINVAL,
	  "a resource instance of a single resource" },
	{ "a multiple resource without an instance ID", { 3303, 0, R_MULTI, 0, 3 },
	  KLWM2M_TYPE_INTEGER, 5, NULL, 0, 0, -EINVAL,
	  "a multiple resource takes values per resource instance" },
	{ "an integer instance above its range", { 3303, 0, R_MULTI, 3, 4 },
	  KLWM2M_TYPE_INTEGER, 101, NULL, 0, 0, -ERANGE, "value outside the resource's range" },
	{ "an object-level path", { 3303, 0, 0, 0, 1 }, KLWM2M_TYPE_INTEGER, 1, NULL, 0, 0,
	  -EINVAL, "a value's path names a resource or a resource instance" },
};

static void value_case_desc(const struct value_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(value, value_cases, value_case_desc);

static void refused_values_leave_the_store_unchanged(struct kunit *test)
{
	const struct value_case *c = test->param_value;
	struct store_ctx *ctx = test->priv;
	struct klwm2m_value *v;
	u64 used;

	setup_temperature(test, ctx, 1);
	used = ctx->st.used;
	v = c->bytes ? val_bytes(test, c->type, c->bytes, c->len) :
		       val_u64(test, c->type, c->scalar);
	KUNIT_EXPECT_EQ(test, set_one(ctx, c->path, v, c->flags), c->err);
	KUNIT_EXPECT_STREQ(test, ctx->ext._msg, c->msg);
	KUNIT_EXPECT_EQ(test, ctx->st.used, used);
}

static void a_batch_lands_whole_or_not_at_all(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_set ops[3];
	bool found;
	u64 used;
	int bad;

	setup_temperature(test, ctx, 2);
	KUNIT_ASSERT_EQ(test, set_one(ctx, res_path(0, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_ONE), 0), 0);
	used = ctx->st.used;

	ops[0] = (struct klwm2m_set){ res_path(0, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_21_5) };
	ops[1] = (struct klwm2m_set){ ri_path(1, R_MULTI, 4),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 50) };
	ops[2] = (struct klwm2m_set){ res_path(1, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_200) };
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, ops, 3, 0, &ctx->ext, &bad), -ERANGE);
	KUNIT_EXPECT_EQ(test, bad, 2);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_ONE);
	get_u64(ctx, ri_path(1, R_MULTI, 4), &found);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_EQ(test, ctx->st.used, used);

	/* Fixed, the same batch lands whole. */
	ops[2].val->u = F64_MINUS_40;
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, ops, 3, 0, &ctx->ext, &bad), 0);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_21_5);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(1, R_MULTI, 4), &found), 50);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(1, R_VALUE), &found), F64_MINUS_40);
	free_left(ops, 3);
}

static void a_later_write_to_the_same_path_wins_and_is_accounted_once(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_set ops[3];
	bool found;
	u64 used;
	int bad;

	setup_temperature(test, ctx, 1);
	used = ctx->st.used;
	ops[0] = (struct klwm2m_set){ res_path(0, R_APPTYPE),
				      val_bytes(test, KLWM2M_TYPE_STRING, "first", 5) };
	ops[1] = (struct klwm2m_set){ res_path(0, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_ONE) };
	ops[2] = (struct klwm2m_set){ res_path(0, R_APPTYPE),
				      val_bytes(test, KLWM2M_TYPE_STRING, "second!", 7) };
	KUNIT_ASSERT_EQ(test, klwm2m_store_set(&ctx->st, ops, 3, 0, &ctx->ext, &bad), 0);
	free_left(ops, 3);
	rcu_read_lock();
	{
		struct klwm2m_path p = res_path(0, R_APPTYPE);
		const struct klwm2m_value *v = klwm2m_store_get_rcu(&ctx->st, &p);

		KUNIT_EXPECT_NOT_NULL(test, v);
		if (v)
			KUNIT_EXPECT_EQ(test, memcmp(v->data, "second!", 7), 0);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_ONE);
	KUNIT_EXPECT_EQ(test, ctx->st.used,
			used + 2 * sizeof(struct klwm2m_value) + 7);
}

static void resource_instances_are_set_and_deleted(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_set op;
	bool found;
	int bad;

	setup_temperature(test, ctx, 1);
	KUNIT_ASSERT_EQ(test, set_one(ctx, ri_path(0, R_MULTI, 0),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 10), 0), 0);
	KUNIT_ASSERT_EQ(test, set_one(ctx, ri_path(0, R_MULTI, 7),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 70), 0), 0);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 7), &found), 70);

	op = (struct klwm2m_set){ ri_path(0, R_MULTI, 0), NULL };
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, &op, 1, 0, &ctx->ext, &bad), 0);
	get_u64(ctx, ri_path(0, R_MULTI, 0), &found);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, &op, 1, 0, &ctx->ext, &bad), -ENOENT);
	KUNIT_EXPECT_STREQ(test, ctx->ext._msg, "no such resource instance");
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 7), &found), 70);
}

static bool utf8(const char *s)
{
	return klwm2m_utf8_valid((const u8 *)s, strlen(s));
}

static void well_formed_utf8_is_accepted(struct kunit *test)
{
	static const char *const good[] = {
		"", "plain", "\xc3\xa9t\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8c\xa1",
		"\xef\xbf\xbf", "\xf4\x8f\xbf\xbf",
	};
	static const char *const bad[] = {
		"\x80", "\xc3", "\xe0\x80\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
		"\xc3\x28",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		KUNIT_EXPECT_TRUE_MSG(test, utf8(good[i]), "good[%u]", i);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, utf8(bad[i]), "bad[%u]", i);
}

static void a_replace_clears_then_sets_and_keeps_exact_counts(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_set ops[3];
	u64 used, one;
	bool found;
	int bad, i;

	setup_temperature(test, ctx, 1);
	KUNIT_EXPECT_EQ(test, ctx->st.nobjs, 1);
	KUNIT_EXPECT_EQ(test, ctx->st.ninsts, 1);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, set_one(ctx, ri_path(0, R_MULTI, i),
					      val_u64(test, KLWM2M_TYPE_INTEGER, i), 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->st.nvalues, 3);
	used = ctx->st.used;

	/* Clear, then two instances: the resource holds exactly those. */
	ops[0] = (struct klwm2m_set){ res_path(0, R_MULTI), NULL };
	ops[1] = (struct klwm2m_set){ ri_path(0, R_MULTI, 5),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 50) };
	ops[2] = (struct klwm2m_set){ ri_path(0, R_MULTI, 1),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 11) };
	one = sizeof(*ops[1].val);
	KUNIT_ASSERT_EQ(test, klwm2m_store_set(&ctx->st, ops, 3, 0, &ctx->ext, &bad), 0);
	get_u64(ctx, ri_path(0, R_MULTI, 0), &found);
	KUNIT_EXPECT_FALSE(test, found);
	get_u64(ctx, ri_path(0, R_MULTI, 2), &found);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 1), &found), 11);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 5), &found), 50);
	KUNIT_EXPECT_EQ(test, ctx->st.nvalues, 2);
	KUNIT_EXPECT_EQ(test, ctx->st.used, used - one);

	/* A clear after a write in the same batch wins over it. */
	ops[0] = (struct klwm2m_set){ ri_path(0, R_MULTI, 7),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 70) };
	ops[1] = (struct klwm2m_set){ res_path(0, R_MULTI), NULL };
	KUNIT_ASSERT_EQ(test, klwm2m_store_set(&ctx->st, ops, 2, 0, &ctx->ext, &bad), 0);
	get_u64(ctx, ri_path(0, R_MULTI, 7), &found);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_EQ(test, ctx->st.nvalues, 0);
	KUNIT_EXPECT_EQ(test, ctx->st.used, used - 3 * one);

	/* Clearing what is empty is no error. */
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, ops + 1, 1, 0, &ctx->ext, &bad), 0);
}

static void the_budget_refuses_growth_but_not_replacement(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	static u8 blob[SZ_1K];
	int iid = 0, err = 0;

	/* Fill the 64 KiB budget with 1 KiB opaque values, one per instance. */
	KUNIT_ASSERT_EQ(test, klwm2m_obj_define(&ctx->st, &temp_def, &ctx->ext, NULL), 0);
	while (!err) {
		iid = klwm2m_inst_create(&ctx->st, 3303, -1, &ctx->ext);
		if (iid < 0) {
			err = iid;
			break;
		}
		err = set_one(ctx, res_path(iid, R_SECRET),
			      val_bytes(test, KLWM2M_TYPE_OPAQUE, blob, sizeof(blob)), 0);
	}
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_STREQ(test, ctx->ext._msg, "the namespace's store budget is exhausted");
	KUNIT_EXPECT_LE(test, ctx->st.used, ctx->st.budget);
	/* Replacing a value by one of the same size needs no new room. */
	KUNIT_EXPECT_EQ(test, set_one(ctx, res_path(0, R_SECRET),
				      val_bytes(test, KLWM2M_TYPE_OPAQUE, blob, sizeof(blob)), 0),
			0);
}

/*
 * Writers keep two values equal, batch after batch; readers check it: two
 * resource instances (each write a new value, the old one retired after a
 * grace period) or two single resources (rewritten in place).
 */
struct race {
	struct store_ctx *ctx;
	struct klwm2m_path p[2];
	u8 type;
	atomic_t torn;
	atomic_t reads;
	int errors;
	int first_err;
};

/* Values every resource in the race accepts (Levels: 0..100; Sensor Value: -40..125). */
static u64 race_value(const struct race *r, int i)
{
	static const u64 f[] = { F64_ONE, F64_21_5, F64_MINUS_40, F64_125, F64_PZERO,
				 F64_MINUS_ONE, F64_NZERO };

	return r->type == KLWM2M_TYPE_FLOAT ? f[i % ARRAY_SIZE(f)] : i % 101;
}

/* One batch giving both paths the same value. */
static int race_write_once(struct race *r, u64 x)
{
	struct klwm2m_set ops[2] = {
		{ r->p[0], klwm2m_value_new(r->type, &x, 8, GFP_KERNEL) },
		{ r->p[1], klwm2m_value_new(r->type, &x, 8, GFP_KERNEL) },
	};
	int bad, err = -ENOMEM;

	if (!IS_ERR(ops[0].val) && !IS_ERR(ops[1].val))
		err = klwm2m_store_set(&r->ctx->st, ops, 2, 0, NULL, &bad);
	if (!IS_ERR(ops[0].val))
		klwm2m_value_free(ops[0].val);
	if (!IS_ERR(ops[1].val))
		klwm2m_value_free(ops[1].val);
	return err;
}

static int race_writer(void *arg)
{
	struct race *r = arg;
	int i, err;

	for (i = 0; i < 300; i++) {
		err = race_write_once(r, race_value(r, i));
		if (err && !r->errors++)
			r->first_err = err;
		cond_resched();
	}
	return 0;
}

static bool race_valid(const struct race *r, u64 x)
{
	int i;

	for (i = 0; i < 101; i++)
		if (x == race_value(r, i))
			return true;
	return false;
}

static int race_reader(void *arg)
{
	struct race *r = arg;

	while (!kthread_should_stop()) {
		const struct klwm2m_value *a, *b;
		unsigned int seq;
		u64 x, y;

		do {
			seq = read_seqcount_begin(&r->ctx->st.seq);
			rcu_read_lock();
			a = klwm2m_store_get_rcu(&r->ctx->st, &r->p[0]);
			b = klwm2m_store_get_rcu(&r->ctx->st, &r->p[1]);
			x = a ? READ_ONCE(a->u) : -1;
			y = b ? READ_ONCE(b->u) : -1;
			rcu_read_unlock();
		} while (read_seqcount_retry(&r->ctx->st.seq, seq));
		/* Equal as a pair, and each one a value some writer wrote whole. */
		if (x != y || !race_valid(r, x))
			atomic_inc(&r->torn);
		atomic_inc(&r->reads);
		cond_resched();
	}
	return 0;
}

static void race(struct kunit *test, struct race *r)
{
	struct task_struct *w[2], *rd[2];
	int i;

	KUNIT_ASSERT_EQ(test, race_write_once(r, race_value(r, 0)), 0);
	for (i = 0; i < 2; i++) {
		rd[i] = kthread_run(race_reader, r, "klwm2m-rd%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(rd[i]));
	}
	for (i = 0; i < 2; i++) {
		w[i] = kthread_create(race_writer, r, "klwm2m-wr%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(w[i]));
		get_task_struct(w[i]);
		wake_up_process(w[i]);
	}
	for (i = 0; i < 2; i++) {
		kthread_stop(w[i]);
		put_task_struct(w[i]);
	}
	for (i = 0; i < 2; i++)
		kthread_stop(rd[i]);

	KUNIT_EXPECT_EQ(test, r->first_err, 0);
	KUNIT_EXPECT_EQ(test, r->errors, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->torn), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&r->reads), 0);
}

static void concurrent_writers_never_show_readers_half_a_batch(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct race r = { .ctx = ctx, .type = KLWM2M_TYPE_INTEGER,
			  .p = { ri_path(0, R_MULTI, 0), ri_path(0, R_MULTI, 1) } };

	setup_temperature(test, ctx, 1);
	race(test, &r);
}

static void values_rewritten_in_place_never_show_readers_half_a_batch(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct race r = { .ctx = ctx, .type = KLWM2M_TYPE_FLOAT,
			  .p = { res_path(0, R_VALUE), res_path(1, R_VALUE) } };

	setup_temperature(test, ctx, 2);
	race(test, &r);
}

/* The value a path holds, as a pointer: to tell a rewrite in place from a new value. */
static const void *held(struct store_ctx *ctx, struct klwm2m_path p)
{
	const void *v;

	rcu_read_lock();
	v = klwm2m_store_get_rcu(&ctx->st, &p);
	rcu_read_unlock();
	return v;
}

static void a_single_scalar_is_rewritten_in_place(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_set op;
	const void *first;
	bool found;
	u64 used;
	int bad;

	setup_temperature(test, ctx, 1);
	KUNIT_ASSERT_EQ(test, set_one(ctx, res_path(0, R_VALUE),
				      val_u64(test, KLWM2M_TYPE_FLOAT, F64_ONE), 0), 0);
	first = held(ctx, res_path(0, R_VALUE));
	used = ctx->st.used;
	op = (struct klwm2m_set){ res_path(0, R_VALUE), val_u64(test, KLWM2M_TYPE_FLOAT, F64_200) };
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, &op, 1, 0, &ctx->ext, &bad), -ERANGE);
	op.val->u = F64_21_5;
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, &op, 1, 0, &ctx->ext, &bad), 0);
	/* Copied into the held value: the new one is still the caller's. */
	KUNIT_EXPECT_NOT_NULL(test, op.val);
	KUNIT_EXPECT_PTR_EQ(test, held(ctx, res_path(0, R_VALUE)), first);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_21_5);
	KUNIT_EXPECT_EQ(test, ctx->st.used, used);
	KUNIT_EXPECT_EQ(test, ctx->st.nvalues, 1);
	free_left(&op, 1);

	/* Resource instances and byte values are replaced whole. */
	KUNIT_ASSERT_EQ(test, set_one(ctx, ri_path(0, R_MULTI, 0),
				      val_u64(test, KLWM2M_TYPE_INTEGER, 1), 0), 0);
	first = held(ctx, ri_path(0, R_MULTI, 0));
	op = (struct klwm2m_set){ ri_path(0, R_MULTI, 0), val_u64(test, KLWM2M_TYPE_INTEGER, 2) };
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, &op, 1, 0, &ctx->ext, &bad), 0);
	KUNIT_EXPECT_NULL(test, op.val);
	KUNIT_EXPECT_PTR_NE(test, held(ctx, ri_path(0, R_MULTI, 0)), first);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 0), &found), 2);
}

static void borrowed_values_are_copied_never_kept(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	struct klwm2m_value vals[3];
	struct klwm2m_set ops[3];
	bool found;
	u64 used;
	int bad;

	setup_temperature(test, ctx, 1);
	KUNIT_ASSERT_EQ(test, klwm2m_value_scalar(&vals[0], KLWM2M_TYPE_FLOAT, F64_ONE), 0);
	KUNIT_ASSERT_EQ(test, klwm2m_value_scalar(&vals[1], KLWM2M_TYPE_INTEGER, 7), 0);
	KUNIT_ASSERT_EQ(test, klwm2m_value_scalar(&vals[2], KLWM2M_TYPE_INTEGER, 101), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_value_scalar(&vals[2], KLWM2M_TYPE_BOOLEAN, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, klwm2m_value_scalar(&vals[2], KLWM2M_TYPE_OBJLNK, 1ULL << 32),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, klwm2m_value_scalar(&vals[2], KLWM2M_TYPE_STRING, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, klwm2m_value_scalar(&vals[2], KLWM2M_TYPE_INTEGER, 101), 0);
	ops[0] = (struct klwm2m_set){ res_path(0, R_VALUE), &vals[0], true };
	ops[1] = (struct klwm2m_set){ ri_path(0, R_MULTI, 3), &vals[1], true };
	ops[2] = (struct klwm2m_set){ ri_path(0, R_MULTI, 4), &vals[2], true };

	/* Refused (101 is out of range): nothing lands, the copies are freed (kmemleak). */
	used = ctx->st.used;
	KUNIT_EXPECT_EQ(test, klwm2m_store_set(&ctx->st, ops, 3, 0, &ctx->ext, &bad), -ERANGE);
	KUNIT_EXPECT_EQ(test, bad, 2);
	KUNIT_EXPECT_EQ(test, ctx->st.used, used);
	get_u64(ctx, res_path(0, R_VALUE), &found);
	KUNIT_EXPECT_FALSE(test, found);

	vals[2].s = 100;
	KUNIT_ASSERT_EQ(test, klwm2m_store_set(&ctx->st, ops, 3, 0, &ctx->ext, &bad), 0);
	KUNIT_EXPECT_PTR_EQ(test, ops[0].val, &vals[0]);
	KUNIT_EXPECT_PTR_NE(test, held(ctx, res_path(0, R_VALUE)), (const void *)&vals[0]);
	KUNIT_EXPECT_PTR_NE(test, held(ctx, ri_path(0, R_MULTI, 3)), (const void *)&vals[1]);
	/* The caller's array may go: the store holds copies. */
	memset(vals, 0xa5, sizeof(vals));
	KUNIT_EXPECT_EQ(test, get_u64(ctx, res_path(0, R_VALUE), &found), F64_ONE);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 3), &found), 7);
	KUNIT_EXPECT_EQ(test, get_u64(ctx, ri_path(0, R_MULTI, 4), &found), 100);
	KUNIT_EXPECT_EQ(test, ctx->st.nvalues, 3);
}

static void teardown_frees_a_store_full_of_data(struct kunit *test)
{
	struct store_ctx *ctx = test->priv;
	int i;

	setup_temperature(test, ctx, 5);
	KUNIT_ASSERT_EQ(test, klwm2m_obj_define(&ctx->st, &device_def, &ctx->ext, NULL), 0);
	KUNIT_ASSERT_EQ(test, klwm2m_inst_create(&ctx->st, 3, -1, &ctx->ext), 0);
	for (i = 0; i < 5; i++) {
		KUNIT_ASSERT_EQ(test, set_one(ctx, res_path(i, R_SECRET),
					      val_bytes(test, KLWM2M_TYPE_OPAQUE, "key", 3), 0), 0);
		KUNIT_ASSERT_EQ(test, set_one(ctx, ri_path(i, R_MULTI, i),
					      val_u64(test, KLWM2M_TYPE_INTEGER, i), 0), 0);
	}
	/* store_test_exit() destroys the store and expects nothing left accounted. */
	KUNIT_EXPECT_GT(test, ctx->st.used, 0);
}

static struct kunit_case klwm2m_store_cases[] = {
	KUNIT_CASE(doubles_compare_exactly_without_the_fpu),
	KUNIT_CASE_PARAM(bad_definitions_are_refused_with_a_reason, def_gen_params),
	KUNIT_CASE(a_definition_lives_until_undefined_without_instances),
	KUNIT_CASE(instances_take_the_lowest_free_id_or_the_one_asked),
	KUNIT_CASE(a_value_is_set_read_and_replaced),
	KUNIT_CASE_PARAM(refused_values_leave_the_store_unchanged, value_gen_params),
	KUNIT_CASE(a_batch_lands_whole_or_not_at_all),
	KUNIT_CASE(a_later_write_to_the_same_path_wins_and_is_accounted_once),
	KUNIT_CASE(resource_instances_are_set_and_deleted),
	KUNIT_CASE(a_replace_clears_then_sets_and_keeps_exact_counts),
	KUNIT_CASE(well_formed_utf8_is_accepted),
	KUNIT_CASE(the_budget_refuses_growth_but_not_replacement),
	KUNIT_CASE(concurrent_writers_never_show_readers_half_a_batch),
	KUNIT_CASE(values_rewritten_in_place_never_show_readers_half_a_batch),
	KUNIT_CASE(a_single_scalar_is_rewritten_in_place),
	KUNIT_CASE(borrowed_values_are_copied_never_kept),
	KUNIT_CASE(teardown_frees_a_store_full_of_data),
	{}
};

static struct kunit_suite klwm2m_store_suite = {
	.name = "klwm2m_store",
	.init = store_test_init,
	.exit = store_test_exit,
	.test_cases = klwm2m_store_cases,
};

kunit_test_suite(klwm2m_store_suite);
