// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Execute (LwM2M TS 1.1 Core 6.3.5). The arguments are checked against
 * the TS's grammar (args.c), then the kernel passes the execute to the app
 * that owns the resource (klwm2m_exec_start()); the CoAP response waits
 * (kcoap_ep_defer(): an empty ACK now, the separate response later) until
 * the kernel's result arrives through the exec_result handler: 2.04, or
 * the status mapped by errors.c (no owner, owner gone or too slow: 5.03).
 * The kernel sends exactly one result per accepted execute, -ETIMEDOUT
 * after its exec_timeout_ms at the latest; at most DM_EXEC_MAX wait at once.
 * A result can still be lost: the kernel drops what does not fit the
 * agent's socket (ENOBUFS, under a flood of notifications). So each execute
 * also has a deadline, the kernel's timeout and DM_EXEC_GRACE_MS after it
 * started, and lwm2m_dm_exec_guard() answers 5.00 for any past it: the
 * server gets an answer rather than a response that never comes.
 *
 * /1/x/8 (Registration Update Trigger) and /1/x/4 (Disable) are the agent's
 * own: the session half sends an Update to the server instance x
 * configures, or deregisters from it for its Disable Timeout (/1/x/5).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "lwm2m/args.h"
#include "lwm2m/dm_internal.h"

#define DM_EXEC_MAX	64
/* How late after the kernel's timeout a result counts as lost. */
#define DM_EXEC_GRACE_MS	2000
/* The module's exec_timeout_ms, read once; its maximum when unreadable. */
#define DM_EXEC_TIMEOUT_PARAM	"/sys/module/klwm2m/parameters/exec_timeout_ms"
#define DM_EXEC_TIMEOUT_MAX_MS	600000

struct dm_exec {
	struct dm_exec *next;
	uint32_t id;
	uint16_t ssid;
	uint64_t deadline_ms;		/* CLOCK_MONOTONIC: past it, the result was lost */
	struct kcoap_ep_pending *pending;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The kernel's exec_timeout_ms (a read-only module parameter), read once. */
static uint32_t kernel_exec_timeout_ms(struct lwm2m_dm *dm)
{
	unsigned int ms = 0;
	FILE *f;

	if (dm->exec_timeout_ms)
		return dm->exec_timeout_ms;
	f = fopen(DM_EXEC_TIMEOUT_PARAM, "re");
	if (!f || fscanf(f, "%u", &ms) != 1 || !ms || ms > DM_EXEC_TIMEOUT_MAX_MS) {
		log_rl(LOG_WARNING, "%s unreadable: a lost execute result is assumed after %u ms",
		       DM_EXEC_TIMEOUT_PARAM, DM_EXEC_TIMEOUT_MAX_MS + DM_EXEC_GRACE_MS);
		ms = DM_EXEC_TIMEOUT_MAX_MS;
	}
	if (f)
		fclose(f);
	dm->exec_timeout_ms = ms;
	return ms;
}

/*
 * The short server ID of the Server instance @r executes a resource of, or
 * 0 with the response set to the failure.
 */
static uint16_t server_ssid(struct dm_req *r)
{
	struct lwm2m_dm *dm = r->dm;
	struct klwm2m_path p = r->path;
	struct klwm2m_value v;
	int64_t ssid;
	int err;

	p.rid = 0;	/* Short Server ID */
	err = klwm2m_get(dm->k, &p, &v);
	if (err) {
		dm_fail_kernel(r, err, "server instance's short server ID");
		return 0;
	}
	ssid = v.type == KLWM2M_TYPE_UNSIGNED ? (int64_t)(v.u & 0xffff) :
	       v.type == KLWM2M_TYPE_INTEGER ? v.i : -1;
	klwm2m_value_release(&v);
	if (ssid < 1 || ssid > KLWM2M_ID_MAX) {
		dm_fail(r, -EINVAL, "server instance %u has no valid short server ID",
			r->path.iid);
		return 0;
	}
	return (uint16_t)ssid;
}

/* /1/x/8 (Registration Update Trigger) and /1/x/4 (Disable): the session's. */
static int server_exec(struct dm_req *r, int (*hook)(void *arg, uint16_t ssid), const char *what)
{
	uint16_t ssid = server_ssid(r);
	int err;

	if (!ssid)
		return 0;	/* the response says why */
	if (!hook)
		return dm_fail(r, -ENOSYS, "no registration to %s", what);
	err = hook(r->dm->hooks.arg, ssid);
	if (err)
		return dm_fail(r, err, "%s: %s", what, strerror(-err));
	r->resp->code = KCOAP_CHANGED;
	return 0;
}

int dm_execute(struct dm_req *r)
{
	struct lwm2m_dm *dm = r->dm;
	const struct klwm2m_resdef *rd = dm_resdef(r->def, r->path.rid);
	struct fmt_diag why;
	struct dm_exec *e;
	uint32_t id;
	int err;

	if (!rd)
		return dm_fail(r, -ENOENT, "object %u has no resource %u", r->path.oid,
			       r->path.rid);
	if (!(rd->ops & KLWM2M_OP_EXECUTE))
		return dm_fail(r, -EPERM, "resource %u is not executable", rd->id);
	err = lwm2m_exec_args_check(r->req->body, r->req->body_len, &why);
	if (err < 0)
		return dm_fail(r, err, "%s", why.msg);
	if (r->req->body_len > KLWM2M_EXEC_ARGS_MAX)
		return dm_fail(r, -E2BIG, "execute arguments longer than %d bytes",
			       KLWM2M_EXEC_ARGS_MAX);
	if (r->path.oid == 1 && r->path.rid == 8)
		return server_exec(r, dm->hooks.update_trigger, "update");
	if (r->path.oid == 1 && r->path.rid == 4)
		return server_exec(r, dm->hooks.disable, "disable");
	if (dm->nexecs >= DM_EXEC_MAX)
		return dm_fail(r, -EBUSY, "%d executes wait already", DM_EXEC_MAX);
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	err = klwm2m_exec_start(dm->k, &r->path, r->req->body_len ? r->req->body : NULL,
				r->req->body_len, r->ssid, &id);
	if (err) {
		free(e);
		if (err == -ESRCH)
			return dm_fail(r, err, "no application handles this resource now");
		return dm_fail_kernel(r, err, "execute");
	}
	e->id = id;
	e->ssid = r->ssid;
	e->deadline_ms = now_ms() + kernel_exec_timeout_ms(dm) + DM_EXEC_GRACE_MS;
	e->pending = kcoap_ep_defer(r->ep, r->req);
	/* kept even without a handle: its result is then swallowed */
	e->next = dm->execs;
	dm->execs = e;
	dm->nexecs++;
	if (!e->pending)
		return dm_fail(r, -EBUSY, "out of memory for a deferred response");
	return KCOAP_EP_DEFERRED;
}

/* Answer @e's deferred request with @status (0: 2.04), then free it. */
static void exec_answer(struct lwm2m_dm *dm, struct dm_exec *e, int status, const char *why)
{
	char diag[96];
	struct kcoap_msg m;
	int err;

	if (e->pending) {
		kcoap_msg_init(&m, KCOAP_CON, lwm2m_errno_code(status, LWM2M_OP_EXEC_RESULT), 0);
		if (status) {
			snprintf(diag, sizeof(diag), "execute: %s", why);
			kcoap_msg_set_payload(&m, diag, strlen(diag));
			log_rl(LOG_INFO, "server %u: execute %u: %s", e->ssid, e->id, diag);
		}
		err = kcoap_ep_respond(dm->ep, e->pending, &m);
		if (err)
			log_rl(LOG_WARNING, "server %u: execute %u: response not sent: %s", e->ssid,
			       e->id, strerror(-err));
	}
	free(e);
}

int dm_exec_result(struct klwm2m *k, uint32_t id, int status, void *arg)
{
	struct lwm2m_dm *dm = arg;
	struct dm_exec **pp, *e;

	(void)k;
	for (pp = &dm->execs; *pp && (*pp)->id != id; pp = &(*pp)->next)
		;
	e = *pp;
	if (!e)
		return 0;	/* not ours, or answered as lost already */
	*pp = e->next;
	dm->nexecs--;
	exec_answer(dm, e, status,
		    status == -ETIMEDOUT ? "the application did not answer in time" :
		    status == -EPIPE ? "the application went away" : strerror(-status));
	return 0;
}

uint64_t lwm2m_dm_exec_guard(struct lwm2m_dm *dm)
{
	uint64_t now = now_ms(), next = 0;
	struct dm_exec **pp = &dm->execs, *e;

	while ((e = *pp)) {
		if (e->deadline_ms > now) {
			if (!next || e->deadline_ms < next)
				next = e->deadline_ms;
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		dm->nexecs--;
		log_rl(LOG_WARNING, "server %u: execute %u: no result from the kernel %u ms after its timeout: lost (kernel messages dropped)",
		       e->ssid, e->id, DM_EXEC_GRACE_MS);
		exec_answer(dm, e, -EIO, "its result was lost in the agent");
	}
	return next ? next - now : 0;
}

void dm_exec_free_all(struct lwm2m_dm *dm)
{
	struct dm_exec *e;

	while ((e = dm->execs)) {
		dm->execs = e->next;
		if (e->pending)
			kcoap_ep_pending_drop(dm->ep, e->pending);
		free(e);
	}
	dm->nexecs = 0;
}
