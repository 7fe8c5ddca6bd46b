// SPDX-License-Identifier: GPL-2.0-only
/*
 * klwm2m: IEEE 754 binary64 addition, subtraction, conversion from integers
 * and the decisions the notification engine takes on FLOAT values (step,
 * threshold side, the lt/gt/st band), in integer arithmetic only: the kernel
 * keeps the FPU out of these paths. Results are those of C doubles under
 * round to nearest, ties to even.
 *
 * Working form of a finite nonzero double: a significand m in a u64 with the
 * implicit bit at bit 62 (bit 63 left free for the carry of an addition) and
 * F64_EXTRA bits below the last bit the double keeps, the lowest of them
 * sticky (set when anything nonzero was shifted out beneath it), and the
 * biased exponent e of the encoding: the value is m * 2^(e - 1075 - F64_EXTRA).
 * Subnormals take e = 1, as the smallest normals, with bit 62 clear.
 */
#include <linux/bitops.h>
#include <linux/minmax.h>

#include "f64.h"
#include "store.h"

#define F64_EXTRA	10
#define F64_EMAX	0x7ff
#define F64_DEFAULT_NAN	(KLWM2M_F64_EXP | KLWM2M_F64_QUIET)

static unsigned int f64_exp(u64 a)
{
	return (a & KLWM2M_F64_EXP) >> 52;
}

static bool f64_is_inf(u64 a)
{
	return (a & ~KLWM2M_F64_SIGN) == KLWM2M_F64_EXP;
}

static bool f64_is_zero(u64 a)
{
	return !(a & ~KLWM2M_F64_SIGN);
}

/* @m >> @n, the bits shifted out ORed into bit 0. */
static u64 f64_shift_right_sticky(u64 m, unsigned int n)
{
	if (!n)
		return m;
	if (n >= 64)
		return m != 0;
	return (m >> n) | ((m << (64 - n)) != 0);
}

/* The working form of finite nonzero @a: its significand, its exponent in *@e. */
static u64 f64_unpack(u64 a, int *e)
{
	unsigned int exp = f64_exp(a);
	u64 m = a & KLWM2M_F64_FRAC;

	if (exp)
		m |= BIT_ULL(52);
	*e = exp ? exp : 1;
	return m << F64_EXTRA;
}

/*
 * The double nearest to @m * 2^(@e - 1075 - F64_EXTRA), ties to even, with
 * @sign. @m is nonzero and below bit 63; it has bit 62 set unless @e is 1 (a
 * subnormal result).
 */
static u64 f64_round_pack(u64 sign, int e, u64 m)
{
	u64 half = BIT_ULL(F64_EXTRA - 1);
	u64 rest = m & (BIT_ULL(F64_EXTRA) - 1);
	u64 sig = m >> F64_EXTRA;

	if (e >= F64_EMAX)
		return sign | KLWM2M_F64_EXP;
	if (rest > half || (rest == half && (sig & 1)))
		sig++;
	/*
	 * Adding the significand, implicit bit included, to e - 1 in the
	 * exponent field lets every carry land where it belongs: 2^53 after
	 * rounding is the next exponent with a zero fraction, a subnormal that
	 * reaches 2^52 is the smallest normal, and rounding up from the
	 * largest exponent gives the bits of infinity.
	 */
	return sign | (((u64)(e - 1) << 52) + sig);
}

/* The double nearest to @mag, with @sign. */
static u64 f64_from_mag(u64 sign, u64 mag)
{
	int top;

	if (!mag)
		return sign;
	top = fls64(mag) - 1;
	if (top == 63)
		return f64_round_pack(sign, 1023 + top, f64_shift_right_sticky(mag, 1));
	return f64_round_pack(sign, 1023 + top, mag << (62 - top));
}

/**
 * klwm2m_f64_add() - add two doubles given as bits, without the FPU
 * @a: first addend's bits
 * @b: second addend's bits
 *
 * As C's a + b on doubles, rounded to nearest, ties to even: subnormal
 * operands and results, an exact zero sum is +0 unless both addends are -0,
 * overflow gives an infinity, inf + -inf is NaN.
 *
 * Return: the sum's bits; a quiet NaN when either addend is a NaN.
 */
u64 klwm2m_f64_add(u64 a, u64 b)
{
	u64 sa = a & KLWM2M_F64_SIGN, sb = b & KLWM2M_F64_SIGN, ma, mb, m;
	int ea, eb, shift;

	if (klwm2m_f64_is_nan(a))
		return a | KLWM2M_F64_QUIET;
	if (klwm2m_f64_is_nan(b))
		return b | KLWM2M_F64_QUIET;
	if (f64_is_inf(a))
		return f64_is_inf(b) && sa != sb ? F64_DEFAULT_NAN : a;
	if (f64_is_inf(b))
		return b;
	if (f64_is_zero(b))
		return f64_is_zero(a) ? a & b : a;
	if (f64_is_zero(a))
		return b;

	/* Nonnegative doubles order as their bits: make |a| >= |b|. */
	if ((a & ~KLWM2M_F64_SIGN) < (b & ~KLWM2M_F64_SIGN)) {
		swap(a, b);
		swap(sa, sb);
	}
	ma = f64_unpack(a, &ea);
	mb = f64_unpack(b, &eb);
	mb = f64_shift_right_sticky(mb, ea - eb);

	if (sa == sb) {
		m = ma + mb;
		if (m & BIT_ULL(63)) {
			m = f64_shift_right_sticky(m, 1);
			ea++;
		}
		return f64_round_pack(sa, ea, m);
	}

	/*
	 * |a| >= |b|, so no borrow out. Only when the exponents differ by at
	 * most one can the difference lose more than one leading bit, and then
	 * no bit was shifted out: the sticky bit is exact whenever it matters.
	 */
	m = ma - mb;
	if (!m)
		return 0;	/* x - x is +0 when rounding to nearest */
	shift = min(63 - fls64(m), ea - 1);
	return f64_round_pack(sa, ea - shift, m << shift);
}

/**
 * klwm2m_f64_sub() - subtract two doubles given as bits, without the FPU
 * @a: minuend's bits
 * @b: subtrahend's bits
 *
 * As C's a - b on doubles: klwm2m_f64_add() of @a and -@b, so x - x is +0 and
 * -0 - +0 is -0.
 *
 * Return: the difference's bits; a quiet NaN when either operand is a NaN.
 */
u64 klwm2m_f64_sub(u64 a, u64 b)
{
	return klwm2m_f64_add(a, b ^ KLWM2M_F64_SIGN);
}

/**
 * klwm2m_f64_from_s64() - a signed integer as a double, without the FPU
 * @x: the integer
 *
 * As C's (double)x: exact up to 2^53 in magnitude, rounded to nearest, ties to
 * even, beyond (S64_MIN is exactly -2^63).
 *
 * Return: the double's bits (+0 for 0).
 */
u64 klwm2m_f64_from_s64(s64 x)
{
	if (x < 0)
		return f64_from_mag(KLWM2M_F64_SIGN, -(u64)x);
	return f64_from_mag(0, x);
}

/**
 * klwm2m_f64_from_u64() - an unsigned integer as a double, without the FPU
 * @x: the integer
 *
 * As C's (double)x: exact up to 2^53, rounded to nearest, ties to even,
 * beyond (U64_MAX becomes 2^64).
 *
 * Return: the double's bits (+0 for 0).
 */
u64 klwm2m_f64_from_u64(u64 x)
{
	return f64_from_mag(0, x);
}

/**
 * klwm2m_f64_abs() - the magnitude of a double given as bits
 * @a: the double's bits
 *
 * As C's fabs(): the sign bit cleared, for every double (a NaN stays a NaN).
 *
 * Return: the bits of |@a|.
 */
u64 klwm2m_f64_abs(u64 a)
{
	return a & ~KLWM2M_F64_SIGN;
}

/**
 * klwm2m_f64_mul2() - twice a double given as bits, without the FPU
 * @a: the double's bits
 *
 * As C's 2 * a, which is exact but for overflow: a subnormal's fraction
 * doubles (into the normal range when it carries), a normal's exponent goes up
 * by one, to an infinity from the largest exponent. Zeros and infinities keep
 * their value and sign.
 *
 * Return: the bits of 2 * @a; a quiet NaN when @a is a NaN.
 */
u64 klwm2m_f64_mul2(u64 a)
{
	unsigned int exp = f64_exp(a);

	if (exp == F64_EMAX)
		return klwm2m_f64_is_nan(a) ? a | KLWM2M_F64_QUIET : a;
	if (!exp)
		return (a & KLWM2M_F64_SIGN) | (a & KLWM2M_F64_FRAC) << 1;
	if (exp == F64_EMAX - 1)
		return (a & KLWM2M_F64_SIGN) | KLWM2M_F64_EXP;
	return a + BIT_ULL(52);
}

/**
 * klwm2m_f64_step_reached() - has a value moved by at least a step
 * @value: the new value's bits
 * @last: the bits of the value last notified
 * @st: the step (the "st" attribute)
 *
 * C's fabs(value - last) >= st, the difference rounded as a double: a NaN
 * anywhere, or in the difference (inf - inf), never reaches a step.
 *
 * Return: true when @value is at least @st away from @last.
 */
bool klwm2m_f64_step_reached(u64 value, u64 last, u64 st)
{
	u64 d = klwm2m_f64_abs(klwm2m_f64_sub(value, last));

	if (klwm2m_f64_is_nan(d) || klwm2m_f64_is_nan(st))
		return false;
	return klwm2m_f64_cmp(d, st) >= 0;
}

/**
 * klwm2m_f64_side() - which side of a threshold a value is on
 * @value: the value's bits
 * @threshold: the threshold's bits (the "lt" or "gt" attribute)
 *
 * C's value < threshold ? -1 : value > threshold ? 1 : value == threshold ? 0
 * : no side. -0 and +0 are equal. A NaN, as value or as threshold, is on no
 * side, so that a value becoming or ceasing to be NaN never counts as a
 * crossing.
 *
 * Return: KLWM2M_F64_BELOW, KLWM2M_F64_ABOVE, KLWM2M_F64_EQUAL or
 * KLWM2M_F64_NOSIDE.
 */
int klwm2m_f64_side(u64 value, u64 threshold)
{
	int c;

	if (klwm2m_f64_is_nan(value) || klwm2m_f64_is_nan(threshold))
		return KLWM2M_F64_NOSIDE;
	c = klwm2m_f64_cmp(value, threshold);
	if (c < 0)
		return KLWM2M_F64_BELOW;
	return c > 0 ? KLWM2M_F64_ABOVE : KLWM2M_F64_EQUAL;
}

/**
 * klwm2m_f64_band_ok() - may lt, gt and st be set together
 * @lt: the "less than" attribute's bits
 * @gt: the "greater than" attribute's bits
 * @st: the "step" attribute's bits
 *
 * The rule of LwM2M 1.1 (section 5.1.2) for the three attributes together,
 * lt + 2 * st < gt, computed as C computes it on doubles (2 * st may overflow
 * to an infinity, the sum is rounded). False when any is a NaN.
 *
 * Return: true when the attributes satisfy the rule.
 */
bool klwm2m_f64_band_ok(u64 lt, u64 gt, u64 st)
{
	u64 low = klwm2m_f64_add(lt, klwm2m_f64_mul2(st));

	if (klwm2m_f64_is_nan(low) || klwm2m_f64_is_nan(gt))
		return false;
	return klwm2m_f64_cmp(low, gt) < 0;
}
