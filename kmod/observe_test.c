// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the notification rules of observe.c, driven by a made-up clock (no
 * test sleeps), and the validation of attributes. One table row per rule:
 * attributes, a start value, then steps (a change to a value, or the timer
 * firing) at given times, each with the notification it must produce.
 */
#include <kunit/test.h>
#include <linux/klwm2m.h>

#include "f64.h"
#include "observe.h"

#define F64_10		0x4024000000000000ULL
#define F64_11		0x4026000000000000ULL
#define F64_11_5	0x4027000000000000ULL
#define F64_12		0x4028000000000000ULL
#define F64_13		0x402a000000000000ULL
#define F64_13_9	0x402bcccccccccccdULL
#define F64_14		0x402c000000000000ULL
#define F64_15		0x402e000000000000ULL
#define F64_18		0x4032000000000000ULL
#define F64_2		0x4000000000000000ULL
#define F64_20		0x4034000000000000ULL
#define F64_21		0x4035000000000000ULL
#define F64_25		0x4039000000000000ULL
#define F64_30		0x403e000000000000ULL
#define F64_5		0x4014000000000000ULL
#define F64_NAN		0x7ff8000000000000ULL
#define F64_PINF	0x7ff0000000000000ULL
#define F64_NINF	0xfff0000000000000ULL
#define F64_MINUS_1	0xbff0000000000000ULL

enum { CHANGE = 1, TIMER, DEADLINE };

/* @what at @ms: a change to @f (or @b), the timer, or a check of the next deadline. */
struct step {
	u32 ms;
	u8 what;
	u64 f;
	s8 b;		/* >= 0: a boolean value instead of @f */
	u8 expect;	/* enum klwm2m_notify_reason, or 0; DEADLINE: @ms is when (0: none) */
	u32 deadline_ms;
};

struct rule_case {
	const char *name;
	struct klwm2m_attrs a;
	u64 start;
	s8 start_b;
	bool no_value;		/* the path holds no single number (an instance) */
	struct step steps[10];
};

#define C(ms_, f_, r_)		{ .ms = (ms_), .what = CHANGE, .f = (f_), .b = -1, .expect = (r_) }
#define CB(ms_, b_, r_)		{ .ms = (ms_), .what = CHANGE, .b = (b_), .expect = (r_) }
#define T(ms_, r_)		{ .ms = (ms_), .what = TIMER, .b = -1, .expect = (r_) }
#define D(ms_, at_)		{ .ms = (ms_), .what = DEADLINE, .b = -1, .deadline_ms = (at_) }
#define NONE			U32_MAX
#define CHG			KLWM2M_NOTIFY_CHANGE
#define PMAX			KLWM2M_NOTIFY_PMAX

static const struct rule_case rule_cases[] = {
	{
		.name = "without change attributes every change notifies at once",
		.no_value = true, .start_b = -1,
		.steps = { D(0, NONE), C(1, 0, CHG), C(2, 0, CHG),
			   D(2, NONE) },
	},
	{
		.name = "gt notifies each crossing up and down, not the moves on one side",
		.a = { .set = KLWM2M_ATTR_F_GT, .gt = F64_20 }, .start = F64_10, .start_b = -1,
		.steps = { C(1, F64_15, 0), C(2, F64_25, CHG), C(3, F64_30, 0),
			   C(4, F64_18, CHG), C(5, F64_20, 0),
			   C(6, F64_21, CHG) },
	},
	{
		.name = "lt notifies each crossing down and up",
		.a = { .set = KLWM2M_ATTR_F_LT, .lt = F64_10 }, .start = F64_15, .start_b = -1,
		.steps = { C(1, F64_11, 0), C(2, F64_5, CHG), C(3, F64_2, 0),
			   C(4, F64_10, CHG), C(5, F64_12, 0) },
	},
	{
		.name = "st counts from the last notified value, not the last value",
		.a = { .set = KLWM2M_ATTR_F_ST, .st = F64_2 }, .start = F64_10, .start_b = -1,
		.steps = { C(1, F64_11, 0), C(2, F64_11_5, 0), C(3, F64_12, CHG),
			   C(4, F64_13, 0), C(5, F64_13_9, 0), C(6, F64_14, CHG),
			   C(7, F64_12, CHG) },
	},
	{
		.name = "a NaN crosses nothing and moves no step",
		.a = { .set = KLWM2M_ATTR_F_GT | KLWM2M_ATTR_F_ST, .gt = F64_20, .st = F64_5 },
		.start = F64_10, .start_b = -1,
		.steps = { C(1, F64_NAN, 0), C(2, F64_25, CHG), C(3, F64_NAN, 0),
			   C(4, F64_30, CHG) },
	},
	{
		.name = "infinities cross and step like numbers",
		.a = { .set = KLWM2M_ATTR_F_GT, .gt = F64_20 }, .start = F64_10, .start_b = -1,
		.steps = { C(1, F64_PINF, CHG), C(2, F64_NINF, CHG),
			   C(3, F64_MINUS_1, 0) },
	},
	{
		.name = "gt, lt and st together notify when any is met",
		.a = { .set = KLWM2M_ATTR_F_NUMERIC, .gt = F64_20, .lt = F64_10, .st = F64_2 },
		.start = F64_15, .start_b = -1,
		.steps = { C(1, F64_14, 0), C(2, F64_12, CHG),
			   C(3, F64_5, CHG), C(4, F64_25, CHG) },
	},
	{
		.name = "pmin holds a due notification and sends it once when pmin has passed",
		.a = { .set = KLWM2M_ATTR_F_PMIN, .pmin = 10 }, .no_value = true, .start_b = -1,
		.steps = { C(1000, 0, 0), D(1000, 10000), C(5000, 0, 0), D(5000, 10000),
			   T(10000, CHG), D(10000, NONE),
			   C(25000, 0, CHG) },
	},
	{
		.name = "pmax notifies without a change and restarts after any notification",
		.a = { .set = KLWM2M_ATTR_F_PMAX, .pmax = 5 }, .no_value = true, .start_b = -1,
		.steps = { D(0, 5000), T(5000, PMAX), D(5000, 10000),
			   C(7000, 0, CHG), D(7000, 12000), T(12000, PMAX) },
	},
	{
		.name = "pmax below pmin is ignored",
		.a = { .set = KLWM2M_ATTR_F_PMIN | KLWM2M_ATTR_F_PMAX, .pmin = 10, .pmax = 5 },
		.no_value = true, .start_b = -1,
		.steps = { D(0, NONE), C(1000, 0, 0), D(1000, 10000), T(10000, CHG),
			   D(10000, NONE) },
	},
	{
		.name = "pmin and pmax both: held changes go at pmin, silence at pmax",
		.a = { .set = KLWM2M_ATTR_F_PMIN | KLWM2M_ATTR_F_PMAX, .pmin = 2, .pmax = 6 },
		.no_value = true, .start_b = -1,
		.steps = { C(1000, 0, 0), T(2000, CHG), D(2000, 8000),
			   T(8000, PMAX), C(9000, 0, 0), T(10000, CHG) },
	},
	{
		.name = "epmin ignores changes until it has passed, then evaluates the value then",
		.a = { .set = KLWM2M_ATTR_F_EPMIN | KLWM2M_ATTR_F_GT, .epmin = 5, .gt = F64_20 },
		.start = F64_10, .start_b = -1,
		.steps = { C(1000, F64_25, 0), D(1000, 5000), T(5000, CHG),
			   C(6000, F64_10, 0), C(9000, F64_25, 0), T(10000, 0), D(10000, NONE) },
	},
	{
		.name = "epmax evaluates without a change but notifies only on the criteria",
		.a = { .set = KLWM2M_ATTR_F_EPMAX, .epmax = 3 }, .no_value = true, .start_b = -1,
		.steps = { D(0, 3000), T(3000, 0), D(3000, 6000), C(4000, 0, CHG),
			   D(4000, 7000) },
	},
	{
		.name = "epmax below epmin is ignored",
		.a = { .set = KLWM2M_ATTR_F_EPMIN | KLWM2M_ATTR_F_EPMAX, .epmin = 5, .epmax = 3 },
		.no_value = true, .start_b = -1,
		.steps = { D(0, NONE) },
	},
	{
		.name = "edge 1 notifies rising edges only",
		.a = { .set = KLWM2M_ATTR_F_EDGE, .edge = 1 }, .start_b = 0,
		.steps = { CB(1, 1, CHG), CB(2, 0, 0), CB(3, 0, 0),
			   CB(4, 1, CHG) },
	},
	{
		.name = "edge 0 notifies falling edges only",
		.a = { .set = KLWM2M_ATTR_F_EDGE, .edge = 0 }, .start_b = 1,
		.steps = { CB(1, 0, CHG), CB(2, 1, 0), CB(3, 0, CHG) },
	},
	{
		.name = "a crossing held by pmin goes out once with the state of then",
		.a = { .set = KLWM2M_ATTR_F_GT | KLWM2M_ATTR_F_PMIN, .gt = F64_20, .pmin = 4 },
		.start = F64_10, .start_b = -1,
		.steps = { C(1000, F64_25, 0), C(2000, F64_10, 0), D(2000, 4000),
			   T(4000, CHG), D(4000, NONE) },
	},
};

static void rule_case_desc(const struct rule_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule, rule_cases, rule_case_desc);

static struct klwm2m_sample sample_of(bool no_value, u64 f, s8 b)
{
	struct klwm2m_sample s = { .valid = !no_value };

	if (b >= 0) {
		s.is_bool = true;
		s.b = b;
	} else {
		s.f = f;
	}
	return s;
}

static void each_rule_notifies_exactly_when_the_specification_says(struct kunit *test)
{
	const struct rule_case *c = test->param_value;
	struct klwm2m_sample s = sample_of(c->no_value, c->start, c->start_b);
	struct klwm2m_eval e;
	unsigned int i;

	klwm2m_eval_start(&e, &c->a, &s, 0);
	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].what; i++) {
		const struct step *st = &c->steps[i];
		u64 now = (u64)st->ms * NSEC_PER_MSEC;
		u64 due = klwm2m_eval_deadline(&e, &c->a);
		bool epmax;
		u8 r;

		switch (st->what) {
		case DEADLINE:
			if (st->deadline_ms == NONE)
				KUNIT_EXPECT_EQ_MSG(test, due, U64_MAX, "step %u", i);
			else
				KUNIT_EXPECT_EQ_MSG(test, due,
						    (u64)st->deadline_ms * NSEC_PER_MSEC,
						    "step %u", i);
			continue;
		case CHANGE:
			s = sample_of(c->no_value, st->f, st->b);
			r = klwm2m_eval_change(&e, &c->a, &s, now);
			break;
		default:
			/* A timer fires only at or after the deadline. */
			KUNIT_EXPECT_LE_MSG(test, due, now, "step %u: the timer was not due", i);
			r = klwm2m_eval_timer(&e, &c->a, &s, now, &epmax);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, r, st->expect, "step %u at %u ms", i, st->ms);
		if (r)
			klwm2m_eval_notified(&e, &s, now);
	}
}

struct check_case {
	const char *name;
	struct klwm2m_attrs a;
	u8 depth;
	u8 type;	/* the resource's type at depth 3 and 4 */
	int err;
	const char *msg;
};

static const struct check_case check_cases[] = {
	{ "periods stand at any level", { .set = KLWM2M_ATTR_F_PMIN | KLWM2M_ATTR_F_PMAX |
		KLWM2M_ATTR_F_EPMIN | KLWM2M_ATTR_F_EPMAX | KLWM2M_ATTR_F_CON | KLWM2M_ATTR_F_HQMAX,
		.pmin = 10, .pmax = 5 }, 1, 0, 0, NULL },
	{ "gt at an instance is refused", { .set = KLWM2M_ATTR_F_GT, .gt = F64_20 }, 2, 0,
		-EINVAL, "gt, lt and st apply to numeric resources only" },
	{ "st on a string resource is refused", { .set = KLWM2M_ATTR_F_ST, .st = F64_2 }, 3,
		KLWM2M_TYPE_STRING, -EINVAL, "gt, lt and st apply to numeric resources only" },
	{ "gt on an integer resource instance stands", { .set = KLWM2M_ATTR_F_GT, .gt = F64_20 },
		4, KLWM2M_TYPE_INTEGER, 0, NULL },
	{ "edge on a float is refused", { .set = KLWM2M_ATTR_F_EDGE, .edge = 1 }, 3,
		KLWM2M_TYPE_FLOAT, -EINVAL, "edge applies to boolean resources only" },
	{ "edge on a boolean stands", { .set = KLWM2M_ATTR_F_EDGE, .edge = 1 }, 3,
		KLWM2M_TYPE_BOOLEAN, 0, NULL },
	{ "a NaN threshold is refused", { .set = KLWM2M_ATTR_F_LT, .lt = F64_NAN }, 3,
		KLWM2M_TYPE_FLOAT, -EINVAL, "a threshold or step is NaN" },
	{ "a negative step is refused", { .set = KLWM2M_ATTR_F_ST, .st = F64_MINUS_1 }, 3,
		KLWM2M_TYPE_FLOAT, -EINVAL, "st must not be negative" },
	{ "lt equal to gt is refused", { .set = KLWM2M_ATTR_F_GT | KLWM2M_ATTR_F_LT,
		.gt = F64_20, .lt = F64_20 }, 3, KLWM2M_TYPE_FLOAT, -EINVAL,
		"lt must be below gt" },
	{ "lt + 2 st reaching gt is refused", { .set = KLWM2M_ATTR_F_NUMERIC, .gt = F64_20,
		.lt = F64_10, .st = F64_5 }, 3, KLWM2M_TYPE_FLOAT, -EINVAL,
		"lt + 2 * st must be below gt" },
	{ "lt + 2 st below gt stands", { .set = KLWM2M_ATTR_F_NUMERIC, .gt = F64_21,
		.lt = F64_10, .st = F64_5 }, 3, KLWM2M_TYPE_UNSIGNED, 0, NULL },
};

static void check_case_desc(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_case_desc);

static void attributes_are_validated_as_the_specification_says(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	struct klwm2m_resdef rd = { .id = 1, .type = c->type, .ops = KLWM2M_OP_READ };
	struct klwm2m_path p = { .oid = 3303, .depth = c->depth };
	struct netlink_ext_ack ext = {};

	KUNIT_EXPECT_EQ(test, klwm2m_attrs_check(&c->a, &p, c->depth >= 3 ? &rd : NULL, &ext),
			c->err);
	if (c->msg)
		KUNIT_EXPECT_STREQ(test, ext._msg, c->msg);
}

static struct kunit_case klwm2m_observe_cases[] = {
	KUNIT_CASE_PARAM(each_rule_notifies_exactly_when_the_specification_says, rule_gen_params),
	KUNIT_CASE_PARAM(attributes_are_validated_as_the_specification_says, check_gen_params),
	{}
};

static struct kunit_suite klwm2m_observe_suite = {
	.name = "klwm2m_observe",
	.test_cases = klwm2m_observe_cases,
};

kunit_test_suite(klwm2m_observe_suite);
