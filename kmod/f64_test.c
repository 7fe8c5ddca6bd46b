// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the FPU-free double arithmetic of f64.c: named cases from
 * IEEE 754's corners, then every vector of f64_vectors.h, which the build
 * generates (kmod/f64_gen.c) from the build machine's C double arithmetic.
 * Which NaN an operation returns is not specified: any NaN matches any NaN.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "f64.h"
#include "store.h"

struct f64_binary_vector {
	u64 a, b;
	u64 sum, diff;
	int side;		/* of a relative to threshold b */
};

struct f64_unary_vector {
	u64 a;
	u64 abs, twice;
};

struct f64_int_vector {
	u64 x;
	u64 from_s64, from_u64;	/* x as a signed, as an unsigned */
};

struct f64_decision_vector {
	u64 x, y, z;
	bool step;		/* fabs(x - y) >= z */
	bool band;		/* x + 2 * z < y */
};

#include "f64_vectors.h"

#define F64_ONE		0x3ff0000000000000ULL
#define F64_TWO		0x4000000000000000ULL
#define F64_HALF	0x3fe0000000000000ULL
#define F64_1_5		0x3ff8000000000000ULL
#define F64_NZERO	0x8000000000000000ULL
#define F64_MAX		0x7fefffffffffffffULL
#define F64_INF		0x7ff0000000000000ULL
#define F64_NINF	0xfff0000000000000ULL
#define F64_QNAN	0x7ff8000000000000ULL
#define F64_SNAN	0x7ff0000000000001ULL
#define F64_NAN		F64_QNAN	/* where any NaN does */

/* Mismatches shown in full; the rest are only counted. */
#define F64_REPORTS	8

static bool f64_same(u64 got, u64 want)
{
	if (klwm2m_f64_is_nan(want))
		return klwm2m_f64_is_nan(got);
	return got == want;
}

enum f64_op {
	F64_ADD,
	F64_SUB,
	F64_FROM_S64,
	F64_FROM_U64,
	F64_ABS,
	F64_MUL2,
};

struct f64_arith_case {
	const char *desc;
	enum f64_op op;
	u64 a, b;
	u64 want;
};

static const struct f64_arith_case f64_arith_cases[] = {
	{ "one plus one is two", F64_ADD, F64_ONE, F64_ONE, F64_TWO },
	{ "0.1 plus 0.2 is 0.30000000000000004", F64_ADD,
	  0x3fb999999999999aULL, 0x3fc999999999999aULL, 0x3fd3333333333334ULL },
	{ "minus zero plus minus zero is minus zero", F64_ADD, F64_NZERO, F64_NZERO, F64_NZERO },
	{ "plus zero plus minus zero is plus zero", F64_ADD, 0, F64_NZERO, 0 },
	{ "one plus half its ulp ties to even and stays one", F64_ADD,
	  F64_ONE, 0x3ca0000000000000ULL, F64_ONE },
	{ "an odd significand plus half an ulp ties to even upward", F64_ADD,
	  0x3ff0000000000001ULL, 0x3ca0000000000000ULL, 0x3ff0000000000002ULL },
	{ "one plus the smallest subnormal is one", F64_ADD, F64_ONE, 1, F64_ONE },
	{ "the largest subnormal plus the smallest is the smallest normal", F64_ADD,
	  0x000fffffffffffffULL, 1, 0x0010000000000000ULL },
	{ "the largest double plus half its ulp overflows to infinity", F64_ADD,
	  F64_MAX, 0x7c90000000000000ULL, F64_INF },
	{ "infinity plus minus infinity is NaN", F64_ADD, F64_INF, F64_NINF, F64_NAN },
	{ "a signalling NaN plus one is NaN", F64_ADD, F64_SNAN, F64_ONE, F64_NAN },
	{ "x minus x is plus zero", F64_SUB, F64_1_5, F64_1_5, 0 },
	{ "-x minus -x is plus zero", F64_SUB,
	  F64_1_5 | F64_NZERO, F64_1_5 | F64_NZERO, 0 },
	{ "minus zero minus plus zero is minus zero", F64_SUB, F64_NZERO, 0, F64_NZERO },
	{ "the smallest normal minus the smallest subnormal is the largest subnormal", F64_SUB,
	  0x0010000000000000ULL, 1, 0x000fffffffffffffULL },
	{ "one minus the double below it is 2^-53", F64_SUB,
	  F64_ONE, 0x3fefffffffffffffULL, 0x3ca0000000000000ULL },
	{ "infinity minus infinity is NaN", F64_SUB, F64_INF, F64_INF, F64_NAN },
	{ "2^53 + 1 converts to 2^53, ties to even", F64_FROM_S64,
	  BIT_ULL(53) + 1, 0, 0x4340000000000000ULL },
	{ "2^53 + 3 converts to 2^53 + 4, ties to even", F64_FROM_S64,
	  BIT_ULL(53) + 3, 0, 0x4340000000000002ULL },
	{ "S64_MIN converts exactly to -2^63", F64_FROM_S64,
	  (u64)S64_MIN, 0, 0xc3e0000000000000ULL },
	{ "S64_MAX rounds up to 2^63", F64_FROM_S64, S64_MAX, 0, 0x43e0000000000000ULL },
	{ "minus one converts to -1.0", F64_FROM_S64, (u64)-1LL, 0, F64_ONE | F64_NZERO },
	{ "zero converts to plus zero", F64_FROM_S64, 0, 0, 0 },
	{ "U64_MAX rounds up to 2^64", F64_FROM_U64, U64_MAX, 0, 0x43f0000000000000ULL },
	{ "twice the largest subnormal is a normal", F64_MUL2,
	  0x000fffffffffffffULL, 0, 0x001ffffffffffffeULL },
	{ "twice the largest double is infinity", F64_MUL2, F64_MAX, 0, F64_INF },
	{ "twice minus zero is minus zero", F64_MUL2, F64_NZERO, 0, F64_NZERO },
	{ "the magnitude of minus infinity is infinity", F64_ABS, F64_NINF, 0, F64_INF },
};

static void f64_arith_case_desc(const struct f64_arith_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(f64_arith, f64_arith_cases, f64_arith_case_desc);

static u64 f64_apply(enum f64_op op, u64 a, u64 b)
{
	switch (op) {
	case F64_ADD:
		return klwm2m_f64_add(a, b);
	case F64_SUB:
		return klwm2m_f64_sub(a, b);
	case F64_FROM_S64:
		return klwm2m_f64_from_s64((s64)a);
	case F64_FROM_U64:
		return klwm2m_f64_from_u64(a);
	case F64_ABS:
		return klwm2m_f64_abs(a);
	case F64_MUL2:
		return klwm2m_f64_mul2(a);
	}
	return 0;
}

static void arithmetic_gives_what_c_doubles_give(struct kunit *test)
{
	const struct f64_arith_case *c = test->param_value;
	u64 got;

	got = f64_apply(c->op, c->a, c->b);

	KUNIT_EXPECT_TRUE_MSG(test, f64_same(got, c->want), "got %#018llx, want %#018llx",
			      got, c->want);
}

enum f64_decision {
	F64_STEP,
	F64_SIDE,
	F64_BAND,
};

struct f64_decision_case {
	const char *desc;
	enum f64_decision what;
	u64 a, b, c;	/* value, last, st; value, threshold; lt, gt, st */
	int want;
};

static const struct f64_decision_case f64_decision_cases[] = {
	{ "a move of exactly st reaches the step", F64_STEP, F64_1_5, F64_ONE, F64_HALF, true },
	{ "a move one ulp short of st does not", F64_STEP,
	  F64_1_5, F64_ONE, F64_HALF + 1, false },
	{ "no move reaches a zero step", F64_STEP, F64_ONE, F64_ONE, 0, true },
	{ "a NaN value never reaches a step", F64_STEP, F64_QNAN, F64_ONE, 0, false },
	{ "infinity after infinity never reaches a step", F64_STEP, F64_INF, F64_INF, 0, false },
	{ "a NaN step is never reached", F64_STEP, F64_INF, 0, F64_QNAN, false },
	{ "one is below the threshold two", F64_SIDE, F64_ONE, F64_TWO, .want = KLWM2M_F64_BELOW },
	{ "infinity is above the largest double", F64_SIDE, F64_INF, F64_MAX,
	  .want = KLWM2M_F64_ABOVE },
	{ "minus zero is on the threshold plus zero", F64_SIDE, F64_NZERO, 0,
	  .want = KLWM2M_F64_EQUAL },
	{ "a NaN value is on no side", F64_SIDE, F64_QNAN, F64_ONE, .want = KLWM2M_F64_NOSIDE },
	{ "nothing is on a side of a NaN threshold", F64_SIDE, F64_ONE, F64_SNAN,
	  .want = KLWM2M_F64_NOSIDE },
	{ "lt + 2 * st equal to gt breaks the rule", F64_BAND, F64_ONE, F64_TWO, F64_HALF, false },
	{ "lt + 2 * st one ulp below gt keeps it", F64_BAND,
	  F64_ONE, F64_TWO + 1, F64_HALF, true },
	{ "lt + 2 * st rounding up to gt breaks the rule", F64_BAND,
	  0x3ff0000000000001ULL, 0x3ff0000000000002ULL, 0x3c90000000000000ULL, false },
	{ "2 * st overflowing to infinity breaks the rule below infinity", F64_BAND,
	  F64_MAX | F64_NZERO, F64_INF, F64_MAX, false },
	{ "a NaN st breaks the rule", F64_BAND, F64_ONE, F64_TWO, F64_QNAN, false },
};

static void f64_decision_case_desc(const struct f64_decision_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(f64_decision, f64_decision_cases, f64_decision_case_desc);

static void decisions_follow_the_c_reference(struct kunit *test)
{
	const struct f64_decision_case *c = test->param_value;
	int got = 0;

	switch (c->what) {
	case F64_STEP:
		got = klwm2m_f64_step_reached(c->a, c->b, c->c);
		break;
	case F64_SIDE:
		got = klwm2m_f64_side(c->a, c->b);
		break;
	case F64_BAND:
		got = klwm2m_f64_band_ok(c->a, c->b, c->c);
		break;
	}

	KUNIT_EXPECT_EQ(test, got, c->want);
}

/* Fails the case; only the first F64_REPORTS mismatches are shown. */
#define F64_MISMATCH(test, failed, fmt, ...)				\
	do {								\
		if (++(failed) <= F64_REPORTS)				\
			KUNIT_FAIL(test, fmt, ##__VA_ARGS__);		\
	} while (0)

static void f64_tally(struct kunit *test, unsigned int n, unsigned int failed)
{
	if (failed > F64_REPORTS)
		KUNIT_FAIL(test, "and %u more mismatches", failed - F64_REPORTS);
	kunit_info(test, "%u vectors checked, %u mismatched", n, failed);
}

static void sums_and_differences_match_c_doubles(struct kunit *test)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(f64_binary_vectors); i++) {
		const struct f64_binary_vector *v = &f64_binary_vectors[i];
		u64 sum = klwm2m_f64_add(v->a, v->b);
		u64 diff = klwm2m_f64_sub(v->a, v->b);

		if (!f64_same(sum, v->sum))
			F64_MISMATCH(test, failed,
				     "vector %u: %#llx + %#llx gives %#llx, C %#llx",
				     i, v->a, v->b, sum, v->sum);
		if (!f64_same(diff, v->diff))
			F64_MISMATCH(test, failed,
				     "vector %u: %#llx - %#llx gives %#llx, C %#llx",
				     i, v->a, v->b, diff, v->diff);
	}
	f64_tally(test, i, failed);
}

static void sides_match_c_comparisons(struct kunit *test)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(f64_binary_vectors); i++) {
		const struct f64_binary_vector *v = &f64_binary_vectors[i];
		int side = klwm2m_f64_side(v->a, v->b);

		if (side != v->side)
			F64_MISMATCH(test, failed,
				     "vector %u: side(%#llx, %#llx) is %d, C %d",
				     i, v->a, v->b, side, v->side);
	}
	f64_tally(test, i, failed);
}

static void magnitudes_and_doubles_match_c(struct kunit *test)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(f64_unary_vectors); i++) {
		const struct f64_unary_vector *v = &f64_unary_vectors[i];
		u64 abs = klwm2m_f64_abs(v->a);
		u64 twice = klwm2m_f64_mul2(v->a);

		if (!f64_same(abs, v->abs))
			F64_MISMATCH(test, failed,
				     "vector %u: fabs(%#llx) gives %#llx, C %#llx",
				     i, v->a, abs, v->abs);
		if (!f64_same(twice, v->twice))
			F64_MISMATCH(test, failed,
				     "vector %u: 2 * %#llx gives %#llx, C %#llx",
				     i, v->a, twice, v->twice);
	}
	f64_tally(test, i, failed);
}

static void integer_conversions_round_like_c_casts(struct kunit *test)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(f64_int_vectors); i++) {
		const struct f64_int_vector *v = &f64_int_vectors[i];
		u64 s = klwm2m_f64_from_s64((s64)v->x);
		u64 u = klwm2m_f64_from_u64(v->x);

		if (s != v->from_s64)
			F64_MISMATCH(test, failed,
				     "vector %u: (double)%lld gives %#llx, C %#llx",
				     i, (s64)v->x, s, v->from_s64);
		if (u != v->from_u64)
			F64_MISMATCH(test, failed,
				     "vector %u: (double)%llu gives %#llx, C %#llx",
				     i, v->x, u, v->from_u64);
	}
	f64_tally(test, i, failed);
}

static void steps_and_bands_match_c(struct kunit *test)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(f64_decision_vectors); i++) {
		const struct f64_decision_vector *v = &f64_decision_vectors[i];
		bool step = klwm2m_f64_step_reached(v->x, v->y, v->z);
		bool band = klwm2m_f64_band_ok(v->x, v->y, v->z);

		if (step != v->step)
			F64_MISMATCH(test, failed,
				     "vector %u: fabs(%#llx - %#llx) >= %#llx gives %d, C %d",
				     i, v->x, v->y, v->z, step, v->step);
		if (band != v->band)
			F64_MISMATCH(test, failed,
				     "vector %u: %#llx + 2 * %#llx < %#llx gives %d, C %d",
				     i, v->x, v->z, v->y, band, v->band);
	}
	f64_tally(test, i, failed);
}

static void the_vectors_number_at_least_ten_thousand(struct kunit *test)
{
	unsigned int n = ARRAY_SIZE(f64_binary_vectors) + ARRAY_SIZE(f64_unary_vectors) +
			 ARRAY_SIZE(f64_int_vectors) + ARRAY_SIZE(f64_decision_vectors);

	kunit_info(test, "%u vectors from userspace doubles: %zu binary, %zu unary, %zu integer, %zu decision",
		   n, ARRAY_SIZE(f64_binary_vectors), ARRAY_SIZE(f64_unary_vectors),
		   ARRAY_SIZE(f64_int_vectors), ARRAY_SIZE(f64_decision_vectors));
	KUNIT_EXPECT_GE(test, n, 10000);
}

static struct kunit_case klwm2m_f64_cases[] = {
	KUNIT_CASE_PARAM(arithmetic_gives_what_c_doubles_give, f64_arith_gen_params),
	KUNIT_CASE_PARAM(decisions_follow_the_c_reference, f64_decision_gen_params),
	KUNIT_CASE(sums_and_differences_match_c_doubles),
	KUNIT_CASE(sides_match_c_comparisons),
	KUNIT_CASE(magnitudes_and_doubles_match_c),
	KUNIT_CASE(integer_conversions_round_like_c_casts),
	KUNIT_CASE(steps_and_bands_match_c),
	KUNIT_CASE(the_vectors_number_at_least_ten_thousand),
	{}
};

static struct kunit_suite klwm2m_f64_suite = {
	.name = "klwm2m_f64",
	.test_cases = klwm2m_f64_cases,
};

kunit_test_suite(klwm2m_f64_suite);
