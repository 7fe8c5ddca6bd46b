// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /3/0 from the [device] section (see device.h).
 *
 * The keys resolve against object 3's definition each time they are used:
 * for --check from the DDF file, at start and at SIGHUP from the kernel, so
 * the agent never holds a definition or a value of its own. Resources that
 * the configuration may not set: multiple-instance and executable ones,
 * 13 Current Time (a clock gives it, not a file) and 16 Supported Binding
 * and Modes (the agent states what it supports).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/klwm2m.h>

#include "config.h"
#include "device.h"
#include "log.h"

#define RID_ERROR_CODE		11
#define RID_CURRENT_TIME	13
#define RID_BINDINGS		16
#define AGENT_BINDINGS		"U"

void device_key_name(const char *resname, char *buf, size_t size)
{
	size_t o = 0;
	int sep = 0;

	for (const char *s = resname; *s && o + 2 < size; s++) {
		if (isalnum((unsigned char)*s)) {
			if (sep && o)
				buf[o++] = '_';
			buf[o++] = tolower((unsigned char)*s);
			sep = 0;
		} else {
			sep = 1;
		}
	}
	buf[o] = '\0';
}

static const struct klwm2m_resdef *by_key(const struct klwm2m_objdef *dev, const char *key)
{
	char name[KLWM2M_DDF_NAME_MAX];

	for (unsigned int i = 0; i < dev->nres; i++) {
		device_key_name(dev->res[i].name, name, sizeof(name));
		if (!strcmp(name, key))
			return &dev->res[i];
	}
	return NULL;
}

/* The value's range and length bounds, as the definition states them. */
static int in_bounds(const struct klwm2m_resdef *r, const struct klwm2m_value *v, char *why,
		     size_t n)
{
	if (r->has_range) {
		int out = 0;
		double lo, hi;

		switch (v->type) {
		case KLWM2M_TYPE_INTEGER:
		case KLWM2M_TYPE_TIME:
			out = v->i < (int64_t)r->min || v->i > (int64_t)r->max;
			if (out)
				snprintf(why, n, "outside %lld..%lld", (long long)(int64_t)r->min,
					 (long long)(int64_t)r->max);
			break;
		case KLWM2M_TYPE_UNSIGNED:
			out = v->u < r->min || v->u > r->max;
			if (out)
				snprintf(why, n, "outside %llu..%llu", (unsigned long long)r->min,
					 (unsigned long long)r->max);
			break;
		case KLWM2M_TYPE_FLOAT:
			memcpy(&lo, &r->min, sizeof(lo));
			memcpy(&hi, &r->max, sizeof(hi));
			out = !(v->f >= lo && v->f <= hi);
			if (out)
				snprintf(why, n, "outside %g..%g", lo, hi);
			break;
		}
		if (out)
			return -ERANGE;
	}
	if (r->has_len && (v->type == KLWM2M_TYPE_STRING || v->type == KLWM2M_TYPE_OPAQUE) &&
	    (v->bytes.len < r->len_min || v->bytes.len > r->len_max)) {
		snprintf(why, n, "%zu bytes, outside %u..%u", v->bytes.len, r->len_min, r->len_max);
		return -ERANGE;
	}
	return 0;
}

/* Checks every [device] value; with @b, adds each to the batch for /3/0. */
static int resolve(const struct config *c, const struct klwm2m_objdef *dev,
		   struct klwm2m_batch *b, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < c->ndevice; i++) {
		const struct config_device *d = &c->device[i];
		const struct klwm2m_resdef *r = by_key(dev, d->key);
		struct klwm2m_value v;
		char why[256];
		int rc;

#define REFUSE(...) do {								\
		snprintf(why, sizeof(why), __VA_ARGS__);				\
		config_errf(err, errlen, c->file, d->line, "device", d->key, "%s", why);	\
		return -EINVAL;								\
	} while (0)
		if (!r)
			REFUSE("unknown key: object %u (%s) has no resource of that name", dev->id,
			       dev->name);
		if (r->type == KLWM2M_TYPE_NONE || (r->ops & KLWM2M_OP_EXECUTE))
			REFUSE("resource %u (%s) is executable: it holds no value", r->id, r->name);
		if (r->flags & KLWM2M_RES_F_MULTIPLE)
			REFUSE("resource %u (%s) has multiple instances: not set from here", r->id,
			       r->name);
		if (r->id == RID_CURRENT_TIME)
			REFUSE("resource %u (%s) comes from a clock, not from the configuration",
			       r->id, r->name);
		if (r->id == RID_BINDINGS)
			REFUSE("resource %u (%s) is what the agent supports: it sets it", r->id,
			       r->name);
		rc = klwm2m_value_parse(r->type, d->value, &v);
		if (rc == -ENOMEM) {
			snprintf(err, errlen, "out of memory");
			return rc;
		}
		if (rc)
			REFUSE("'%s' is not a valid %s for resource %u (%s)%s", d->value,
			       klwm2m_type_name(r->type), r->id, r->name,
			       rc == -ERANGE ? ": out of range" : "");
		rc = in_bounds(r, &v, why, sizeof(why));
		if (rc) {
			klwm2m_value_release(&v);
			config_errf(err, errlen, c->file, d->line, "device", d->key,
				    "'%s' for resource %u (%s): %s", d->value, r->id, r->name, why);
			return -EINVAL;
		}
#undef REFUSE
		rc = b ? klwm2m_batch_add(b, &KLWM2M_PATH_RES(dev->id, 0, r->id), &v) : 0;
		klwm2m_value_release(&v);
		if (rc) {
			snprintf(err, errlen, "[device] %s: %s", d->key, klwm2m_strerror(rc));
			return rc;
		}
	}
	return 0;
}

int device_check(const struct config *c, const struct klwm2m_objdef *dev, char *err,
		 size_t errlen)
{
	return resolve(c, dev, NULL, err, errlen);
}

int device_apply(struct klwm2m *k, const struct config *c, char *err, size_t errlen)
{
	struct klwm2m_value bindings = {
		.type = KLWM2M_TYPE_STRING,
		.bytes = { AGENT_BINDINGS, strlen(AGENT_BINDINGS) },
	};
	struct klwm2m_value no_error = { .type = KLWM2M_TYPE_INTEGER, .i = 0 };
	struct klwm2m_path ec = { .oid = 3, .iid = 0, .rid = RID_ERROR_CODE, .riid = 0, .depth = 4 };
	struct klwm2m_objdef *dev = NULL;
	struct klwm2m_batch *b = NULL;
	int rc, created = 0;

	rc = klwm2m_object_get(k, 3, &dev, NULL, NULL);
	if (rc) {
		snprintf(err, errlen, "object 3: %s", klwm2m_strerror(rc));
		return rc;
	}
	rc = klwm2m_batch_new(k, &b);
	if (!rc)
		rc = resolve(c, dev, b, err, errlen);
	if (rc) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = klwm2m_create(k, 3, 0, NULL);
	if (!rc)
		created = 1;
	else if (rc != -EEXIST) {
		snprintf(err, errlen, "creating /3/0: %s%s%s", klwm2m_strerror(rc),
			 klwm2m_errmsg(k)[0] ? ": kernel reports: " : "", klwm2m_errmsg(k));
		goto out;
	}
	rc = klwm2m_batch_add(b, &KLWM2M_PATH_RES(3, 0, RID_BINDINGS), &bindings);
	if (!rc && created)
		rc = klwm2m_batch_add(b, &ec, &no_error);
	if (!rc)
		rc = klwm2m_batch_commit(b);
	if (rc) {
		snprintf(err, errlen, "writing /3/0: %s%s%s", klwm2m_strerror(rc),
			 klwm2m_errmsg(k)[0] ? ": kernel reports: " : "", klwm2m_errmsg(k));
		/* A new instance is not left half-made. */
		if (created)
			klwm2m_delete(k, 3, 0);
		goto out;
	}
	log_info("/3/0 %s: %u configured values", created ? "created" : "updated", c->ndevice);
out:
	klwm2m_batch_free(b);
	klwm2m_objdef_free(dev);
	return rc;
}
