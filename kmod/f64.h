/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klwm2m: IEEE 754 binary64 arithmetic on the bits of a double, for the
 * notification engine's FLOAT attributes, without the FPU. Every result is
 * the one a C double gives under round to nearest, ties to even; a NaN in
 * gives a quiet NaN out (which one is not specified).
 */
#ifndef _KLWM2M_F64_H
#define _KLWM2M_F64_H

#include <linux/bits.h>
#include <linux/types.h>

#define KLWM2M_F64_SIGN		BIT_ULL(63)
#define KLWM2M_F64_EXP		GENMASK_ULL(62, 52)
#define KLWM2M_F64_FRAC		GENMASK_ULL(51, 0)
#define KLWM2M_F64_QUIET	BIT_ULL(51)

/* What klwm2m_f64_side() answers. */
enum klwm2m_f64_side {
	KLWM2M_F64_BELOW = -1,
	KLWM2M_F64_EQUAL = 0,
	KLWM2M_F64_ABOVE = 1,
	KLWM2M_F64_NOSIDE = 2,	/* a NaN is on no side of anything */
};

u64 klwm2m_f64_add(u64 a, u64 b);
u64 klwm2m_f64_sub(u64 a, u64 b);
u64 klwm2m_f64_from_s64(s64 x);
u64 klwm2m_f64_from_u64(u64 x);
u64 klwm2m_f64_abs(u64 a);
u64 klwm2m_f64_mul2(u64 a);

bool klwm2m_f64_step_reached(u64 value, u64 last, u64 st);
int klwm2m_f64_side(u64 value, u64 threshold);
bool klwm2m_f64_band_ok(u64 lt, u64 gt, u64 st);

#endif /* _KLWM2M_F64_H */
