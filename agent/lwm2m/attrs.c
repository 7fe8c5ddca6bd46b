// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write-Attributes query options -> struct klwm2m_attrs + a clear mask.
 * A table names each attribute, its flag and its kind of value; the
 * scanners below take exactly the forms attrs.h lists, nothing that
 * strtoul() or strtod() would also take (spaces, signs, hex, "inf").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/internal.h"
#include "lwm2m/attrs.h"
#include "lwm2m/errors.h"

enum attr_kind { ATTR_U32, ATTR_NUM, ATTR_BIT };

struct attr_def {
	const char *name;
	uint32_t flag;
	enum attr_kind kind;
};

static const struct attr_def attr_defs[] = {
	{ "pmin", KLWM2M_ATTR_F_PMIN, ATTR_U32 },
	{ "pmax", KLWM2M_ATTR_F_PMAX, ATTR_U32 },
	{ "gt", KLWM2M_ATTR_F_GT, ATTR_NUM },
	{ "lt", KLWM2M_ATTR_F_LT, ATTR_NUM },
	{ "st", KLWM2M_ATTR_F_ST, ATTR_NUM },
	{ "epmin", KLWM2M_ATTR_F_EPMIN, ATTR_U32 },
	{ "epmax", KLWM2M_ATTR_F_EPMAX, ATTR_U32 },
	{ "edge", KLWM2M_ATTR_F_EDGE, ATTR_BIT },
	{ "con", KLWM2M_ATTR_F_CON, ATTR_BIT },
	{ "hqmax", KLWM2M_ATTR_F_HQMAX, ATTR_U32 },
};

/* Unsigned decimal, no sign, no leading zero, fits 32 bits. */
static int scan_u32(const uint8_t *v, size_t len, uint32_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (!len || len > 10 || (len > 1 && v[0] == '0'))
		return -EBADMSG;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		n = n * 10 + (v[i] - '0');
	}
	if (n > UINT32_MAX)
		return -EBADMSG;
	*out = (uint32_t)n;
	return 0;
}

static size_t scan_digits(const uint8_t *v, size_t len, size_t i)
{
	while (i < len && v[i] >= '0' && v[i] <= '9')
		i++;
	return i;
}

/* -?DIGITS(.DIGITS)?([eE][+-]?DIGITS)?, finite. */
static int scan_num(const uint8_t *v, size_t len, double *out)
{
	char text[64];
	size_t i = 0, j;
	double d;
	char *end;

	if (len >= sizeof(text))
		return -EBADMSG;
	if (i < len && v[i] == '-')
		i++;
	j = scan_digits(v, len, i);
	if (j == i)
		return -EBADMSG;
	i = j;
	if (i < len && v[i] == '.') {
		j = scan_digits(v, len, i + 1);
		if (j == i + 1)
			return -EBADMSG;
		i = j;
	}
	if (i < len && (v[i] == 'e' || v[i] == 'E')) {
		i++;
		if (i < len && (v[i] == '+' || v[i] == '-'))
			i++;
		j = scan_digits(v, len, i);
		if (j == i)
			return -EBADMSG;
		i = j;
	}
	if (i != len)
		return -EBADMSG;
	memcpy(text, v, len);
	text[len] = '\0';
	d = strtod(text, &end);
	if (*end || !isfinite(d))
		return -EBADMSG;
	*out = d;
	return 0;
}

static int set_value(struct klwm2m_attrs *a, const struct attr_def *def, const uint8_t *v,
		     size_t len)
{
	uint32_t u;
	double d;
	int err;

	switch (def->kind) {
	case ATTR_BIT:
		if (len != 1 || (v[0] != '0' && v[0] != '1'))
			return -EBADMSG;
		if (def->flag == KLWM2M_ATTR_F_EDGE)
			a->edge = v[0] - '0';
		else
			a->con = v[0] - '0';
		return 0;
	case ATTR_NUM:
		err = scan_num(v, len, &d);
		if (err)
			return err;
		if (def->flag == KLWM2M_ATTR_F_GT)
			a->gt = d;
		else if (def->flag == KLWM2M_ATTR_F_LT)
			a->lt = d;
		else
			a->st = d;
		return 0;
	default:
		err = scan_u32(v, len, &u);
		if (err)
			return err;
		switch (def->flag) {
		case KLWM2M_ATTR_F_PMIN:
			a->pmin = u;
			break;
		case KLWM2M_ATTR_F_PMAX:
			a->pmax = u;
			break;
		case KLWM2M_ATTR_F_EPMIN:
			a->epmin = u;
			break;
		case KLWM2M_ATTR_F_EPMAX:
			a->epmax = u;
			break;
		default:
			a->hqmax = u;
		}
		return 0;
	}
}

int lwm2m_attrs_query(struct klwm2m_attrs *set, uint32_t *clear, const uint8_t *q, size_t len,
		      struct fmt_diag *diag)
{
	const uint8_t *eq = len ? memchr(q, '=', len) : NULL;
	size_t nlen = eq ? (size_t)(eq - q) : len;
	const struct attr_def *def = NULL;
	size_t i;

	for (i = 0; i < sizeof(attr_defs) / sizeof(attr_defs[0]); i++)
		if (strlen(attr_defs[i].name) == nlen && !memcmp(attr_defs[i].name, q, nlen))
			def = &attr_defs[i];
	if (!def) {
		for (i = 0; i < nlen && i < 16; i++)
			if (q[i] < 'a' || q[i] > 'z')
				break;
		if (i == nlen)
			return fmt_fail(diag, -EBADMSG, "\"%.*s\" is no attribute a server may write",
					  (int)nlen, (const char *)q);
		return fmt_fail(diag, -EBADMSG, "a query that is no attribute a server may write");
	}
	if ((set->set | *clear) & def->flag)
		return fmt_fail(diag, -EBADMSG, "%s given twice", def->name);
	if (!eq) {
		*clear |= def->flag;
		return 0;
	}
	if (set_value(set, def, eq + 1, len - nlen - 1))
		return fmt_fail(diag, -EBADMSG, "%s: not a valid value", def->name);
	set->set |= def->flag;
	return 0;
}
