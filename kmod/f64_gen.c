// SPDX-License-Identifier: GPL-2.0-only
/*
 * f64_gen: a host program of the build (not part of the module). It prints
 * f64_vectors.h, the vectors the klwm2m_f64 KUnit suite checks kmod/f64.c
 * against. Every expected result is computed here by the build machine's C
 * double arithmetic, under the default rounding mode (to nearest, ties to
 * even); the inputs come from a PRNG with a fixed seed, drawn toward what
 * integer implementations of IEEE 754 get wrong: zeros of both signs,
 * subnormals, both ends of the normal range, infinities, quiet and
 * signalling NaNs, neighbours one bit apart, huge exponent gaps, sums that
 * fall exactly halfway between two doubles and integers that do.
 *
 * Output: four tables of struct initializers, the types being the test's:
 *   f64_binary_vectors   a, b, a + b, a - b, the side of a relative to b
 *   f64_unary_vectors    a, fabs(a), 2 * a
 *   f64_int_vectors      x, (double)(s64)x, (double)(u64)x
 *   f64_decision_vectors x, y, z, fabs(x - y) >= z, x + 2 * z < y
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#if DBL_MANT_DIG != 53 || DBL_MAX_EXP != 1024
#error "f64_gen needs IEEE 754 binary64 doubles"
#endif

#define SIGN	0x8000000000000000ULL
#define FRAC	0x000fffffffffffffULL
#define SEED	0x6b6c776d326d3634ULL	/* "klwm2m64" */

/* Doubles every table starts from: all the edges, both signs. */
static const unsigned long long specials[] = {
	0x0000000000000000ULL,	/* +0 */
	0x0000000000000001ULL,	/* the smallest subnormal */
	0x0000000000000002ULL,
	0x0000000000000003ULL,
	0x0008000000000000ULL,	/* half the smallest normal */
	0x000ffffffffffffeULL,
	0x000fffffffffffffULL,	/* the largest subnormal */
	0x0010000000000000ULL,	/* the smallest normal */
	0x0010000000000001ULL,
	0x001fffffffffffffULL,
	0x0020000000000000ULL,
	0x0360000000000000ULL,	/* 2^-969: its ulp is the smallest subnormal */
	0x3c90000000000000ULL,	/* 2^-54 */
	0x3ca0000000000000ULL,	/* 2^-53: half an ulp of 1 */
	0x3cb0000000000000ULL,	/* 2^-52: the ulp of 1 */
	0x3fb999999999999aULL,	/* 0.1 */
	0x3fc999999999999aULL,	/* 0.2 */
	0x3fd3333333333333ULL,	/* 0.3 */
	0x3fe0000000000000ULL,	/* 0.5 */
	0x3fefffffffffffffULL,	/* 1 - 2^-53 */
	0x3ff0000000000000ULL,	/* 1 */
	0x3ff0000000000001ULL,	/* 1 + 2^-52 */
	0x3ff8000000000000ULL,	/* 1.5 */
	0x4000000000000000ULL,	/* 2 */
	0x4008000000000000ULL,	/* 3 */
	0x4330000000000000ULL,	/* 2^52 */
	0x4340000000000000ULL,	/* 2^53 */
	0x4340000000000001ULL,	/* 2^53 + 2 */
	0x43e0000000000000ULL,	/* 2^63 */
	0x43f0000000000000ULL,	/* 2^64 */
	0x7fd0000000000000ULL,	/* 2^1022 */
	0x7fe0000000000000ULL,	/* 2^1023 */
	0x7fe1ccf385ebc8a0ULL,	/* 1e308 */
	0x7feffffffffffffeULL,
	0x7fefffffffffffffULL,	/* the largest double */
	0x7ff0000000000000ULL,	/* infinity */
	0x7ff8000000000000ULL,	/* the default quiet NaN */
	0x7ff8000000000001ULL,	/* a quiet NaN with a payload */
	0x7fffffffffffffffULL,
	0x7ff0000000000001ULL,	/* signalling NaNs */
	0x7ff4000000000000ULL,
	0x7ff7ffffffffffffULL,
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static unsigned long long rng = SEED;

/* splitmix64 */
static unsigned long long rnd(void)
{
	unsigned long long z;

	rng += 0x9e3779b97f4a7c15ULL;
	z = rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

static double dbl(unsigned long long bits)
{
	double x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

static unsigned long long bits(double x)
{
	unsigned long long b;

	memcpy(&b, &x, sizeof(b));
	return b;
}

static unsigned long long make(unsigned long long s, int exp, unsigned long long frac)
{
	if (exp < 0)
		exp = 0;
	if (exp > 0x7ff)
		exp = 0x7ff;
	return s | (unsigned long long)exp << 52 | (frac & FRAC);
}

static unsigned int exp_of(unsigned long long a)
{
	return (a >> 52) & 0x7ff;
}

/*
 * The PRNG is called once per statement at most: the order in which C
 * evaluates a call's arguments or an operator's operands is unspecified, and
 * the vectors must not depend on the compiler.
 */
static unsigned long long sign(void)
{
	return below(2) ? SIGN : 0;
}

static unsigned long long special(void)
{
	unsigned long long a = specials[below(ARRAY_SIZE(specials))];

	return a | sign();
}

/* A fraction field: plain random, or a pattern rounding cares about. */
static unsigned long long frac_pick(void)
{
	unsigned long long mask;

	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return FRAC;
	case 2:
		return 1ULL << below(52);
	case 3:
		mask = (1ULL << below(53)) - 1;
		return rnd() & mask;		/* low bits only */
	case 4:
		return FRAC & ~((1ULL << below(53)) - 1);	/* high bits only */
	default:
		return rnd() & FRAC;
	}
}

/* A biased exponent, mostly near 1.0, often at either end of the range. */
static int exp_pick(void)
{
	switch (below(8)) {
	case 0:
		return below(3);	/* subnormals and the smallest normals */
	case 1:
		return below(110);
	case 2:
		return 0x7fe - below(3);
	case 3:
		return 0x7ff - below(110);	/* now and then inf or NaN */
	default:
		return 1023 - 70 + below(140);
	}
}

/* A double to test with. */
static unsigned long long pick(void)
{
	unsigned long long s;
	int exp;

	switch (below(16)) {
	case 0:
		return special();
	case 1:
		return rnd();
	default:
		s = sign();
		exp = exp_pick();
		return make(s, exp, frac_pick());
	}
}

/* A second operand for @a: the cases where a and b interact. */
static unsigned long long partner(unsigned long long a)
{
	static const unsigned int gaps[] = { 1, 2, 3, 52, 53, 54, 55, 63, 64, 65, 105, 106, 107 };
	unsigned long long s = sign();
	unsigned int gap;
	int exp;
	int ea = exp_of(a);

	switch (below(12)) {
	case 0:
		return pick();
	case 1:
		return special();
	case 2:
		return a ^ 1;		/* one bit apart */
	case 3:
		return a ^ SIGN;	/* x - x, x + -x */
	case 4:
		return a ^ SIGN ^ (1 + below(15));	/* near cancellation */
	case 5:
		/* Exponents apart by a gap rounding must handle. */
		gap = below(2) ? gaps[below(ARRAY_SIZE(gaps))] : below(2100);
		return make(s, ea - (int)gap, frac_pick());
	case 6:
		/*
		 * Half an ulp of a: the exact sum is halfway between two
		 * doubles (or, with a fraction, just past halfway).
		 */
		return make(s, ea - 53, below(2) ? 0 : frac_pick());
	case 7:
		return make(s, ea - 53 - below(2), FRAC);	/* just below halfway */
	case 8:
		exp = below(2);
		return make(s, exp, rnd());		/* subnormal */
	case 9:
		exp = 0x7fe - below(2);
		return make(s, exp, frac_pick());	/* overflow */
	case 10:
		return make(s, ea, frac_pick());		/* same exponent */
	default:
		return make(s, ea + (int)below(5) - 2, a);	/* close */
	}
}

static const char *side(double v, double t)
{
	return v < t ? "-1" : v > t ? "1" : v == t ? "0" : "KLWM2M_F64_NOSIDE";
}

static unsigned int n_binary, n_unary, n_int, n_decision;

static void binary(unsigned long long a, unsigned long long b)
{
	double x = dbl(a), y = dbl(b);

	printf("\t{ 0x%016llxULL, 0x%016llxULL, 0x%016llxULL, 0x%016llxULL, %s },\n",
	       a, b, bits(x + y), bits(x - y), side(x, y));
	n_binary++;
}

static void unary(unsigned long long a)
{
	double x = dbl(a);

	printf("\t{ 0x%016llxULL, 0x%016llxULL, 0x%016llxULL },\n", a, bits(fabs(x)), bits(2 * x));
	n_unary++;
}

static void integer(unsigned long long u)
{
	long long s = (long long)u;

	printf("\t{ 0x%016llxULL, 0x%016llxULL, 0x%016llxULL },\n",
	       u, bits((double)s), bits((double)u));
	n_int++;
}

static void decision(unsigned long long a, unsigned long long b, unsigned long long c)
{
	double x = dbl(a), y = dbl(b), z = dbl(c);
	double twice = 2 * z;
	double low = x + twice;

	printf("\t{ 0x%016llxULL, 0x%016llxULL, 0x%016llxULL, %d, %d },\n",
	       a, b, c, fabs(x - y) >= z, low < y);
	n_decision++;
}

static void binary_table(void)
{
	unsigned int i, j;
	unsigned long long a, b;

	puts("static const struct f64_binary_vector f64_binary_vectors[] = {");
	for (i = 0; i < ARRAY_SIZE(specials); i++)
		for (j = 0; j < ARRAY_SIZE(specials); j++) {
			binary(specials[i], specials[j]);
			binary(specials[i] | SIGN, specials[j]);
		}
	for (i = 0; i < 6000; i++) {
		a = pick();
		b = partner(a);
		if (below(2))
			binary(a, b);
		else
			binary(b, a);
	}
	puts("};\n");
}

static void unary_table(void)
{
	unsigned long long s;
	unsigned int i;

	puts("static const struct f64_unary_vector f64_unary_vectors[] = {");
	for (i = 0; i < ARRAY_SIZE(specials); i++) {
		unary(specials[i]);
		unary(specials[i] | SIGN);
	}
	/* Every exponent, so that each step of 2 * a is seen. */
	for (i = 0; i <= 0x7ff; i++) {
		s = sign();
		unary(make(s, i, frac_pick()));
	}
	for (i = 0; i < 500; i++)
		unary(pick());
	puts("};\n");
}

/* An integer of @len bits (54 to 64) at, just below or just above a tie. */
static unsigned long long tie(unsigned int len)
{
	unsigned int shift = len - 53;
	unsigned long long top = 1ULL << 52 | (rnd() & FRAC);
	unsigned long long half = 1ULL << (shift - 1);
	unsigned long long x = top << shift;

	switch (below(5)) {
	case 0:
		return x | half;
	case 1:
		return x | (half - 1);
	case 2:
		return x | (half + (shift > 1));
	case 3:
		return x | ((1ULL << shift) - 1);
	default:
		return x;
	}
}

static void int_table(void)
{
	static const unsigned long long edges[] = {
		0, 1, 2, 3, 1ULL << 52, (1ULL << 53) - 1, 1ULL << 53, (1ULL << 53) + 1,
		(1ULL << 53) + 2, (1ULL << 53) + 3, (1ULL << 54) + 2, (1ULL << 54) + 6,
		LLONG_MAX, LLONG_MAX - 511, LLONG_MAX - 512, LLONG_MAX - 513,
		1ULL << 63, (1ULL << 63) + 1, (1ULL << 63) + 1024, (1ULL << 63) + 1025,
		(1ULL << 63) + 3072, ULLONG_MAX, ULLONG_MAX - 1023, ULLONG_MAX - 1024,
		ULLONG_MAX - 1025, ULLONG_MAX - 2047, ULLONG_MAX - 2048,
	};
	unsigned int i;
	unsigned long long x;

	puts("static const struct f64_int_vector f64_int_vectors[] = {");
	for (i = 0; i < ARRAY_SIZE(edges); i++) {
		integer(edges[i]);
		integer(-edges[i]);
	}
	for (i = 0; i < 2500; i++) {
		switch (below(4)) {
		case 0:
			x = rnd();
			break;
		case 1:
			x = rnd();
			x >>= below(64);
			break;
		default:
			x = tie(54 + below(11));
			break;
		}
		integer(below(4) ? x : -x);
	}
	puts("};\n");
}

/* @a's bits moved by a few units in the last place, either way. */
static unsigned long long nudge(unsigned long long a)
{
	return a + below(5) - 2;
}

static void decision_table(void)
{
	unsigned int i;
	unsigned long long v, l, s;

	puts("static const struct f64_decision_vector f64_decision_vectors[] = {");
	for (i = 0; i < ARRAY_SIZE(specials) * 8; i++) {
		v = special();
		l = special();
		decision(v, l, special());
	}
	for (i = 0; i < 2500; i++) {
		/* fabs(v - l) >= s on the edge: s is the difference, nudged. */
		v = pick();
		l = partner(v);
		s = below(8) ? nudge(bits(fabs(dbl(v) - dbl(l)))) : pick();
		decision(v, l, s);
	}
	for (i = 0; i < 2500; i++) {
		/* lt + 2 * st < gt on the edge: gt is the sum, nudged. */
		v = pick();
		s = below(2) ? partner(v) & ~SIGN : pick();
		l = below(8) ? nudge(bits(dbl(v) + 2 * dbl(s))) : pick();
		decision(v, l, s);
	}
	puts("};");
}

int main(void)
{
	/*
	 * Arithmetic carried out wider than double (x87) rounds twice and
	 * would give wrong vectors.
	 */
	if (FLT_EVAL_METHOD != 0) {
		fprintf(stderr, "f64_gen: FLT_EVAL_METHOD is %d, not 0: no vectors\n",
			(int)FLT_EVAL_METHOD);
		return 1;
	}
	puts("/* SPDX-License-Identifier: GPL-2.0-only */");
	puts("/* Generated by the host program f64_gen from C doubles: do not edit. */\n");
	binary_table();
	unary_table();
	int_table();
	decision_table();
	printf("/* %u + %u + %u + %u vectors */\n", n_binary, n_unary, n_int, n_decision);
	return ferror(stdout) ? 1 : 0;
}
