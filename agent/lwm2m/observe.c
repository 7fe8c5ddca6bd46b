// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Observe and its notifications (LwM2M TS 1.1 Core 6.4.1, Transport 6.4.4;
 * RFC 7641). A GET with Observe 0 registers a kernel observation for the
 * server (its attributes apply, the kernel decides when to notify), then
 * reads the current state and answers with it; the endpoint keeps the CoAP
 * observer. The kernel observation comes first, so that no change between
 * the read and the registration is missed: a change after it is notified.
 *
 * Each kernel notification is encoded in the format the first response
 * used and sent with kcoap_ep_notify(), confirmable when the effective con
 * attribute is 1. GONE (the object or instance was deleted) becomes a 4.04
 * final notification. The endpoint ending an observer (RST, Observe 1,
 * timeout, replaced) reaches lwm2m_dm_observe_end(), which cancels the
 * kernel's side; a server that deregisters loses all of its observations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lwm2m/dm_internal.h"
#include "lwm2m/observe.h"

/* Take @o out of the list and free it with its definition. */
static void obs_forget(struct lwm2m_dm *dm, struct dm_obs *o)
{
	dm_def_put(o->def);
	dm_obs_unlink(&dm->obs, o);
}

int dm_observe(struct dm_req *r)
{
	struct lwm2m_dm *dm = r->dm;
	struct dm_recs rs = { 0 };
	struct fmt_diag why;
	struct dm_obs *o;
	uint32_t kid;
	int err, cf = -1;

	err = klwm2m_observe(dm->k, r->ssid, &r->path, 0, &kid);
	if (err == -EINVAL)
		err = -EPERM;	/* an executable resource: no Observe there */
	if (err)
		return dm_fail_kernel(r, err, "observe");
	err = dm_collect(r, &rs, &why);
	if (err) {
		klwm2m_observe_cancel(dm->k, kid);
		return dm_fail(r, err, "%s", why.msg);
	}
	err = dm_encode_answer(r, &rs, &cf);
	dm_recs_free(&rs);
	if (err || r->resp->code != KCOAP_CONTENT) {
		klwm2m_observe_cancel(dm->k, kid);
		return err;
	}
	o = dm_obs_new(&dm->obs);
	if (o)
		o->cobs = kcoap_ep_observe_start(r->ep, r->req, o);
	if (!o || !o->cobs) {
		/* RFC 7641 4.1: answer without Observe, as a plain Read */
		log_rl(LOG_WARNING, "server %u: observe: no room for an observer", r->ssid);
		klwm2m_observe_cancel(dm->k, kid);
		if (o)
			obs_forget(dm, o);
		return 0;
	}
	o->kid = kid;
	o->ssid = r->ssid;
	o->path = r->path;
	o->cf = cf;
	o->def = r->defref;	/* the entry takes the request's reference */
	r->defref = NULL;
	return 0;
}

/* A final notification with @code and a diagnostic; the entry goes. */
static void obs_final(struct lwm2m_dm *dm, struct dm_obs *o, uint8_t code, const char *why)
{
	struct kcoap_msg m;

	kcoap_msg_init(&m, KCOAP_NON, code, 0);
	kcoap_msg_set_payload(&m, why, strlen(why));
	if (o->cobs)
		kcoap_ep_notify(dm->ep, o->cobs, &m, false);
	obs_forget(dm, o);
}

int dm_obs_notify(struct klwm2m *k, const struct klwm2m_notification *n, void *arg)
{
	struct lwm2m_dm *dm = arg;
	struct dm_obs *o = dm_obs_by_kid(dm->obs, n->id);
	struct klwm2m_record *recs = NULL;
	struct fmt_diag why = { "" };
	struct fmt_buf out;
	struct kcoap_msg m;
	unsigned int i;
	size_t nrecs = 0;
	int err;

	(void)k;
	if (!o || !o->cobs)
		return 0;	/* cancelled meanwhile, or not ours */
	if (n->reason == KLWM2M_NOTIFY_GONE) {
		obs_final(dm, o, KCOAP_NOT_FOUND, "the observed object instance was deleted");
		return 0;
	}
	if (n->nrecords) {
		recs = calloc(n->nrecords, sizeof(*recs));
		if (!recs) {
			log_rl(LOG_WARNING, "notification %u: out of memory", n->id);
			return 0;
		}
	}
	for (i = 0; i < n->nrecords; i++)
		if (dm_readable(dm_def_of(o->def), &n->records[i]))
			recs[nrecs++] = n->records[i];
	fmt_buf_init(&out, 0);
	err = fmt_encode(o->cf, &o->path, recs, nrecs, &out, &why);
	free(recs);
	if (err) {
		log_rl(LOG_NOTICE, "server %u: notification of observation %u: %s", o->ssid,
		       o->kid, why.msg);
		klwm2m_observe_cancel(dm->k, o->kid);
		obs_final(dm, o, nrecs ? KCOAP_INTERNAL_SERVER_ERROR : KCOAP_NOT_FOUND,
			  nrecs ? "the value cannot be encoded" : "no value");
		fmt_buf_free(&out);
		return 0;
	}
	kcoap_msg_init(&m, KCOAP_NON, KCOAP_CONTENT, 0);
	err = kcoap_msg_add_uint(&m, KCOAP_OPT_CONTENT_FORMAT, (uint32_t)o->cf);
	kcoap_msg_set_payload(&m, out.data, out.len);
	if (!err)
		err = kcoap_ep_notify(dm->ep, o->cobs, &m, n->con);
	if (err)
		log_rl(LOG_WARNING, "server %u: notification of observation %u not sent: %s",
		       o->ssid, o->kid, strerror(-err));
	fmt_buf_free(&out);
	return 0;
}

void lwm2m_dm_observe_end(struct lwm2m_dm *dm, struct kcoap_obs *obs, void *user,
			  enum kcoap_obs_end reason)
{
	struct dm_obs *o;

	for (o = dm->obs; o && o != user; o = o->next)
		;
	if (!o || o->cobs != obs)
		return;
	log_debug("server %u: observation %u ended by the endpoint (%d)", o->ssid, o->kid, reason);
	klwm2m_observe_cancel(dm->k, o->kid);
	obs_forget(dm, o);
}

/* End @o on both sides, silently (no callback, no final notification). */
static void obs_drop(struct lwm2m_dm *dm, struct dm_obs *o)
{
	if (o->cobs)
		kcoap_ep_observe_cancel(dm->ep, o->cobs);
	klwm2m_observe_cancel(dm->k, o->kid);
	obs_forget(dm, o);
}

void lwm2m_dm_server_gone(struct lwm2m_dm *dm, uint16_t ssid)
{
	struct dm_obs *o = dm->obs, *next;

	for (; o; o = next) {
		next = o->next;
		if (o->ssid == ssid)
			obs_drop(dm, o);
	}
}

void dm_obs_free_all(struct lwm2m_dm *dm)
{
	while (dm->obs)
		obs_drop(dm, dm->obs);
}
