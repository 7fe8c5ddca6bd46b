// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Server accounts in objects 0 and 1 (see accounts.h).
 *
 * Finding an account: dump the object and look at each instance's short
 * server ID (/0/x/10, /1/y/0); in object 0 only instances that are not a
 * bootstrap server's (/0/x/1 false or absent) count. An instance the agent
 * creates and then fails to fill is deleted again, so a failure never leaves
 * an account half-made; an existing one is written in one batch, all or
 * nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/klwm2m.h>

#include "accounts.h"
#include "config.h"
#include "log.h"

#define SEC_URI		0
#define SEC_BOOTSTRAP	1
#define SEC_MODE	2
#define SEC_IDENTITY	3
#define SEC_SERVER_KEY	4
#define SEC_SECRET_KEY	5
#define SEC_SSID	10
#define SEC_MODE_NOSEC	3

#define SRV_SSID	0
#define SRV_LIFETIME	1
#define SRV_PMIN	2
#define SRV_PMAX	3
#define SRV_STORING	6
#define SRV_BINDING	7

struct finder {
	uint16_t oid, ssid_rid, want;
	int cur;			/* instance being read, or -1 */
	int cur_ssid, cur_bootstrap;	/* what it holds so far (-1: not seen) */
	int found;			/* first match, or -1 */
	unsigned int matches;
};

static void finder_close(struct finder *f)
{
	if (f->cur >= 0 && f->cur_ssid == f->want && f->cur_bootstrap != 1) {
		if (f->found < 0)
			f->found = f->cur;
		f->matches++;
	}
}

static int finder_record(const struct klwm2m_record *rec, void *arg)
{
	struct finder *f = arg;

	if (rec->kind == KLWM2M_RECORD_INSTANCE) {
		finder_close(f);
		f->cur = rec->path.iid;
		f->cur_ssid = -1;
		f->cur_bootstrap = -1;
		return 0;
	}
	if (rec->kind != KLWM2M_RECORD_VALUE || rec->path.depth != 3 || f->cur < 0)
		return 0;
	if (rec->path.rid == f->ssid_rid && rec->value.type == KLWM2M_TYPE_INTEGER)
		f->cur_ssid = rec->value.i;
	else if (f->oid == 0 && rec->path.rid == SEC_BOOTSTRAP &&
		 rec->value.type == KLWM2M_TYPE_BOOLEAN)
		f->cur_bootstrap = rec->value.b;
	return 0;
}

int accounts_find(struct klwm2m *k, uint16_t oid, uint16_t ssid, uint16_t *iid)
{
	struct finder f = {
		.oid = oid, .ssid_rid = oid ? SRV_SSID : SEC_SSID, .want = ssid,
		.cur = -1, .found = -1,
	};
	struct klwm2m_path p = { .oid = oid, .depth = 1 };
	int rc;

	/* -EAGAIN: the store changed meanwhile; a second dump is consistent or we give up. */
	for (int tries = 0; tries < 3; tries++) {
		f.cur = f.found = -1;
		f.matches = 0;
		rc = klwm2m_dump(k, &p, finder_record, &f);
		if (rc != -EAGAIN)
			break;
	}
	if (rc)
		return rc;
	finder_close(&f);
	if (f.found < 0)
		return -ENOENT;
	if (f.matches > 1)
		log_warn("/%u: %u instances have short server ID %u; using /%u/%d", oid,
			 f.matches, ssid, oid, f.found);
	*iid = f.found;
	return 0;
}

static int add_int(struct klwm2m_batch *b, uint16_t oid, uint16_t iid, uint16_t rid, int64_t i)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = i };

	return klwm2m_batch_add(b, &KLWM2M_PATH_RES(oid, iid, rid), &v);
}

static int add_bytes(struct klwm2m_batch *b, uint16_t oid, uint16_t iid, uint16_t rid,
		     uint8_t type, const char *s)
{
	struct klwm2m_value v = { .type = type, .bytes = { s, strlen(s) } };

	return klwm2m_batch_add(b, &KLWM2M_PATH_RES(oid, iid, rid), &v);
}

static int add_bool(struct klwm2m_batch *b, uint16_t oid, uint16_t iid, uint16_t rid, int x)
{
	struct klwm2m_value v = { .type = KLWM2M_TYPE_BOOLEAN, .b = x };

	return klwm2m_batch_add(b, &KLWM2M_PATH_RES(oid, iid, rid), &v);
}

static int fill_security(struct klwm2m_batch *b, uint16_t iid, const struct config_server *s)
{
	return add_bytes(b, 0, iid, SEC_URI, KLWM2M_TYPE_STRING, s->uri) ||
	       add_bool(b, 0, iid, SEC_BOOTSTRAP, 0) ||
	       add_int(b, 0, iid, SEC_MODE, SEC_MODE_NOSEC) ||
	       add_bytes(b, 0, iid, SEC_IDENTITY, KLWM2M_TYPE_OPAQUE, "") ||
	       add_bytes(b, 0, iid, SEC_SERVER_KEY, KLWM2M_TYPE_OPAQUE, "") ||
	       add_bytes(b, 0, iid, SEC_SECRET_KEY, KLWM2M_TYPE_OPAQUE, "") ||
	       add_int(b, 0, iid, SEC_SSID, s->ssid) ? -ENOMEM : 0;
}

static int fill_server(struct klwm2m_batch *b, uint16_t iid, const struct config_server *s)
{
	return add_int(b, 1, iid, SRV_SSID, s->ssid) ||
	       add_int(b, 1, iid, SRV_LIFETIME, s->lifetime) ||
	       add_int(b, 1, iid, SRV_PMIN, s->default_pmin) ||
	       add_int(b, 1, iid, SRV_PMAX, s->default_pmax) ||
	       add_bool(b, 1, iid, SRV_STORING, s->notification_storing) ||
	       add_bytes(b, 1, iid, SRV_BINDING, KLWM2M_TYPE_STRING, s->binding) ? -ENOMEM : 0;
}

static void kernel_err(struct klwm2m *k, char *err, size_t errlen, const char *what,
		       uint16_t ssid, int rc)
{
	snprintf(err, errlen, "server %u: %s: %s%s%s%s", ssid, what, klwm2m_strerror(rc),
		 klwm2m_errmsg(k)[0] ? " (kernel reports: " : "", klwm2m_errmsg(k),
		 klwm2m_errmsg(k)[0] ? ")" : "");
}

/* Finds or creates the account's instance of @oid and writes it in one batch. */
static int apply_one(struct klwm2m *k, uint16_t oid, const struct config_server *s,
		     int (*fill)(struct klwm2m_batch *, uint16_t, const struct config_server *),
		     char *err, size_t errlen)
{
	struct klwm2m_batch *b;
	uint16_t iid;
	int created = 0, rc = accounts_find(k, oid, s->ssid, &iid);
	char what[48];

	if (rc == -ENOENT) {
		rc = klwm2m_create(k, oid, -1, &iid);
		created = !rc;
	}
	if (rc) {
		snprintf(what, sizeof(what), "finding or creating its /%u instance", oid);
		kernel_err(k, err, errlen, what, s->ssid, rc);
		return rc;
	}
	rc = klwm2m_batch_new(k, &b);
	if (!rc)
		rc = fill(b, iid, s);
	if (!rc)
		rc = klwm2m_batch_commit(b);
	if (rc) {
		snprintf(what, sizeof(what), "writing /%u/%u", oid, iid);
		kernel_err(k, err, errlen, what, s->ssid, rc);
		if (created)
			klwm2m_delete(k, oid, iid);
	} else {
		log_info("server %u: /%u/%u %s", s->ssid, oid, iid, created ? "created" : "updated");
	}
	klwm2m_batch_free(b);
	return rc;
}

static int set_defaults(struct klwm2m *k, const struct config_server *s, char *err,
			size_t errlen)
{
	/* pmax 0 is "no maximum": the kernel's "none" is -1. */
	int rc = klwm2m_server_defaults(k, s->ssid, s->default_pmin,
					s->default_pmax ? (int64_t)s->default_pmax : -1);

	if (rc)
		kernel_err(k, err, errlen, "setting the default periods", s->ssid, rc);
	else
		log_debug("server %u: default pmin %u, pmax %u%s", s->ssid, s->default_pmin,
			  s->default_pmax, s->default_pmax ? "" : " (none)");
	return rc;
}

int accounts_apply(struct klwm2m *k, const struct config *c, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < c->nservers; i++) {
		const struct config_server *s = &c->servers[i];
		int rc = apply_one(k, 0, s, fill_security, err, errlen);

		if (!rc)
			rc = apply_one(k, 1, s, fill_server, err, errlen);
		if (!rc)
			rc = set_defaults(k, s, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

int accounts_set_periods(struct klwm2m *k, const struct config_server *s, char *err,
			 size_t errlen)
{
	struct klwm2m_batch *b;
	uint16_t iid;
	int rc = accounts_find(k, 1, s->ssid, &iid);

	if (rc) {
		kernel_err(k, err, errlen, "finding its /1 instance", s->ssid, rc);
		return rc;
	}
	rc = klwm2m_batch_new(k, &b);
	if (!rc)
		rc = add_int(b, 1, iid, SRV_PMIN, s->default_pmin) ||
		     add_int(b, 1, iid, SRV_PMAX, s->default_pmax) ? -ENOMEM : 0;
	if (!rc)
		rc = klwm2m_batch_commit(b);
	klwm2m_batch_free(b);
	if (rc) {
		kernel_err(k, err, errlen, "writing the default periods", s->ssid, rc);
		return rc;
	}
	return set_defaults(k, s, err, errlen);
}
