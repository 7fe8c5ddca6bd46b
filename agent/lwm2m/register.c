// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Registration, Update and Deregister (register.h has the rules). Each
 * server's registration is a small state machine (server.h's enum
 * lwm2m_reg_state) driven by the endpoint's response callbacks and one loop
 * timer per server: the Update timer while registered, the retry timer
 * while waiting. The object list is read from the kernel every time it is
 * sent: the agent keeps no copy.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "log.h"
#include "lwm2m/register.h"
#include "lwm2m/session.h"

/* The largest object list sent: beyond one block it goes out in Block1
 * blocks (agent/coap/client.c); this is the endpoint's default block1_max,
 * which also bounds what the endpoint's client side accepts to send. */
#define REG_PAYLOAD_MAX (64 * 1024)
#define RETRY_MAX_S (7 * 86400)			/* a back-off step never waits longer */

static void reg_failed(struct lwm2m_server *s, const char *what, int err, uint8_t code);
static int send_update(struct lwm2m_server *s);

/* ---------------------------------------------------------------- object list */

struct reg_obj {
	uint16_t oid;
	char version[8];
	uint16_t *iids;
	size_t niids, cap;
};

struct reg_objs {
	struct reg_obj *v;
	size_t n, cap;
	struct klwm2m *k;
};

static void objs_free(struct reg_objs *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].iids);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static int objs_add(const struct klwm2m_objdef *def, const struct klwm2m_owner *owner,
		    unsigned int ninstances, void *arg)
{
	struct reg_objs *o = arg;
	struct reg_obj *e;

	(void)owner;
	(void)ninstances;
	/* TS 1.1 6.2.1: Security (0) and OSCORE (21) are never announced. */
	if (def->id == 0 || def->id == 21)
		return 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		struct reg_obj *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->v = v;
		o->cap = cap;
	}
	e = &o->v[o->n++];
	memset(e, 0, sizeof(*e));
	e->oid = def->id;
	snprintf(e->version, sizeof(e->version), "%s", def->version);
	return 0;
}

static int inst_add(const struct klwm2m_record *rec, void *arg)
{
	struct reg_obj *e = arg;

	if (rec->kind != KLWM2M_RECORD_INSTANCE)
		return 0;
	if (e->niids == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 8;
		uint16_t *v = realloc(e->iids, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		e->iids = v;
		e->cap = cap;
	}
	e->iids[e->niids++] = rec->path.iid;
	return 0;
}

/* The objects and instances in the kernel now, ascending. */
static int objs_read(struct klwm2m *k, struct reg_objs *o)
{
	int rc = 0;

	for (int tries = 0; tries < 3; tries++) {
		objs_free(o);
		rc = klwm2m_objects(k, objs_add, o);
		for (size_t i = 0; !rc && i < o->n; i++) {
			struct klwm2m_path p = { .oid = o->v[i].oid, .depth = 1 };

			rc = klwm2m_dump(k, &p, inst_add, &o->v[i]);
			if (rc == -ENOENT) {	/* undefined meanwhile */
				rc = -EAGAIN;
			}
		}
		if (rc != -EAGAIN)
			break;
	}
	if (rc)
		objs_free(o);
	return rc;
}

/* The link-format payload of the kernel's objects into @out. */
static int payload_build(struct lwm2m_server *s, struct fmt_buf *out)
{
	struct reg_objs o = { 0 };
	struct fmt_link_obj *links = NULL;
	int rc = objs_read(s->sess->a->k, &o);

	fmt_buf_init(out, REG_PAYLOAD_MAX);
	if (rc) {
		log_err("server %u: reading the objects from the kernel: %s", s->ssid,
			klwm2m_strerror(rc));
		return rc;
	}
	links = calloc(o.n ? o.n : 1, sizeof(*links));
	if (!links) {
		objs_free(&o);
		return -ENOMEM;
	}
	for (size_t i = 0; i < o.n; i++) {
		links[i].oid = o.v[i].oid;
		links[i].version = o.v[i].version;
		links[i].iids = o.v[i].iids;
		links[i].niids = o.v[i].niids;
	}
	rc = fmt_link_register(out, "/", -1, links, o.n);
	if (rc == -E2BIG)
		log_err("server %u: the object list is larger than %d bytes, the most a Register or Update carries",
			s->ssid, REG_PAYLOAD_MAX);
	else if (rc)
		log_err("server %u: building the object list: %s", s->ssid, strerror(-rc));
	free(links);
	objs_free(&o);
	if (rc)
		fmt_buf_free(out);
	return rc;
}

/* ---------------------------------------------------------------- helpers */

static struct klwm2m *kernel(const struct lwm2m_server *s)
{
	return s->sess->a->k;
}

static void set_state(struct lwm2m_server *s, enum lwm2m_reg_state st)
{
	log_debug("server %u: %s -> %s", s->ssid, lwm2m_reg_state_name(s->state),
		  lwm2m_reg_state_name(st));
	s->state = st;
}

static void arm_s(struct lwm2m_server *s, uint64_t seconds)
{
	if (loop_timer_arm_ms(s->sess->a->loop, &s->timer, seconds * 1000))
		log_err("server %u: no memory for a timer: the registration stalls", s->ssid);
}

/* "4.03 Forbidden", "timeout", ... */
static const char *why(int err, uint8_t code, char *buf, size_t n)
{
	char c[KCOAP_CODE_STRLEN];
	const char *name;

	if (err == -ETIMEDOUT)
		return "no answer (timeout)";
	if (err == -ECONNRESET)
		return "reset by the server (RST)";
	if (err) {
		snprintf(buf, n, "%s", strerror(-err));
		return buf;
	}
	name = kcoap_code_name(code);
	snprintf(buf, n, "%s%s%s", kcoap_code_str(code, c), name ? " " : "", name ? name : "");
	return buf;
}

static int add_query(struct kcoap_msg *m, char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* @buf must live until the message is built. */
static int add_query(struct kcoap_msg *m, char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n)
		return -E2BIG;
	return kcoap_msg_add_str(m, KCOAP_OPT_URI_QUERY, buf);
}

static int request(struct lwm2m_server *s, struct kcoap_msg *m, kcoap_ep_response_fn cb)
{
	int rc = kcoap_ep_request(s->sess->ep, &s->addr, m, cb, s, &s->call);

	lwm2m_session_kick(s->sess);
	return rc;
}

/* ---------------------------------------------------------------- Register */

static void registered(struct lwm2m_server *s, const struct kcoap_msg *resp)
{
	if (lwm2m_location_set(&s->loc, resp)) {
		reg_failed(s, "Register", -EPROTO, resp->code);
		return;
	}
	set_state(s, LWM2M_REG_REGISTERED);
	s->attempt = 0;
	s->sequence = 0;
	log_notice("registered with server %u (%s) at %s: lifetime %u s, binding %s", s->ssid,
		   s->uri, s->loc.text, s->reg_lifetime, s->reg_binding);
	arm_s(s, lwm2m_reg_update_delay_s(s->reg_lifetime, s->sess->margin_s));
	if (s->update_wanted)
		lwm2m_reg_update_now(s);
}

static void on_register(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
			const uint8_t *body, size_t body_len)
{
	struct lwm2m_server *s = arg;

	(void)ep;
	(void)body;
	(void)body_len;
	s->call = NULL;
	if (!err && resp->code == KCOAP_CREATED)
		registered(s, resp);
	else
		reg_failed(s, "Register", err, err ? 0 : resp->code);
}

/* The Register itself, to @s->addr. */
static int send_register_to(struct lwm2m_server *s)
{
	char ep[CONFIG_ENDPOINT_MAX + 8], lt[24], b[16];
	struct lwm2m_account acc;
	struct fmt_buf payload;
	struct kcoap_msg m;
	int rc;

	rc = lwm2m_server_account(kernel(s), s->ssid, &acc);
	if (rc) {
		log_err("server %u: its Server instance (/1) cannot be read: %s", s->ssid,
			klwm2m_strerror(rc));
		return rc;
	}
	rc = payload_build(s, &payload);
	if (rc)
		return rc;
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_POST, 0);
	rc = kcoap_msg_add_str(&m, KCOAP_OPT_URI_PATH, "rd");
	if (!rc)
		rc = kcoap_msg_add_uint(&m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_LINK);
	if (!rc)
		rc = add_query(&m, ep, sizeof(ep), "ep=%s", s->sess->a->endpoint);
	if (!rc)
		rc = add_query(&m, lt, sizeof(lt), "lt=%u", acc.lifetime);
	if (!rc)
		rc = kcoap_msg_add_str(&m, KCOAP_OPT_URI_QUERY, "lwm2m=1.1");
	if (!rc)
		rc = add_query(&m, b, sizeof(b), "b=%s", acc.binding);
	if (!rc) {
		kcoap_msg_set_payload(&m, payload.data, payload.len);
		rc = request(s, &m, on_register);
	}
	if (!rc) {
		s->reg_lifetime = acc.lifetime;
		memcpy(s->reg_binding, acc.binding, sizeof(s->reg_binding));
		s->objects_dirty = false;
		s->update_wanted = false;
		set_state(s, LWM2M_REG_REGISTERING);
		log_info("server %u: Register to %s: ep=%s lt=%u b=%s, %.*s", s->ssid, s->uri,
			 s->sess->a->endpoint, acc.lifetime, acc.binding, (int)payload.len,
			 payload.data ? (const char *)payload.data : "");
	} else {
		log_err("server %u: cannot send Register: %s", s->ssid, strerror(-rc));
	}
	fmt_buf_free(&payload);
	return rc;
}

/* @addr is where @s is: in the endpoint's form, or unreachable (logged). */
static int use_addr(struct lwm2m_server *s, struct kcoap_addr *addr)
{
	const struct lwm2m_session *sess = s->sess;

	if (lwm2m_addr_fit(addr, sess->ep_family, sess->ep_dual)) {
		log_rl(LOG_WARNING, "server %u: '%s' is an IPv%c address; the CoAP endpoint is IPv%c only",
		       s->ssid, s->host, addr->ss.ss_family == AF_INET6 ? '6' : '4',
		       sess->ep_family == AF_INET6 ? '6' : '4');
		return -EHOSTUNREACH;
	}
	s->addr = *addr;
	return 0;
}

/* The host name's lookup ended (resolver.h): Register, or count a failed attempt. */
static void on_resolved(void *arg, const struct resolver_result *res)
{
	struct lwm2m_server *s = arg;
	struct kcoap_addr addr;
	int rc = res->err;

	s->lookup = NULL;
	if (rc == -EHOSTUNREACH)
		log_rl(LOG_WARNING, "server %u: cannot resolve '%s': %s", s->ssid, s->host,
		       res->reason);
	else if (rc)
		log_rl(LOG_WARNING, "server %u: resolving '%s': %s", s->ssid, s->host,
		       strerror(-rc));
	if (!rc) {
		addr.len = res->len;
		memcpy(&addr.ss, &res->ss, sizeof(addr.ss));
		rc = use_addr(s, &addr);
	}
	if (!rc) {
		char ip[NI_MAXHOST] = "?";

		getnameinfo((const struct sockaddr *)&res->ss, res->len, ip, sizeof(ip), NULL, 0,
			    NI_NUMERICHOST);
		log_info("server %u: '%s' is %s", s->ssid, s->host, ip);
		rc = send_register_to(s);
	}
	if (rc)
		reg_failed(s, "Register", rc, 0);
}

/*
 * Register with @s: at once to an address literal; after the lookup
 * (state resolving) for a host name, which the loop runs meanwhile. A
 * failure is returned (0 otherwise), a failed lookup comes to on_resolved().
 */
static int send_register(struct lwm2m_server *s)
{
	const struct lwm2m_session *sess = s->sess;
	struct kcoap_addr addr;
	int rc;

	if (!lwm2m_server_literal(s, &addr)) {
		rc = use_addr(s, &addr);
		return rc ? rc : send_register_to(s);
	}
	/* the endpoint's families: both on a dual-stack socket */
	rc = resolver_lookup(sess->res, s->host, s->port, sess->ep_dual ? AF_UNSPEC : sess->ep_family,
			     on_resolved, s, &s->lookup);
	if (rc) {
		log_err("server %u: cannot look up '%s': %s", s->ssid, s->host, strerror(-rc));
		return rc;
	}
	log_info("server %u: looking up '%s'", s->ssid, s->host);
	set_state(s, LWM2M_REG_RESOLVING);
	return 0;
}

static void cancel_lookup(struct lwm2m_server *s)
{
	resolver_cancel(s->lookup);
	s->lookup = NULL;
}

void lwm2m_reg_start(struct lwm2m_server *s)
{
	int rc;

	if (s->sess->stopping)
		return;
	loop_timer_cancel(s->sess->a->loop, &s->timer);
	cancel_lookup(s);
	rc = send_register(s);
	if (rc)
		reg_failed(s, "Register", rc, 0);
}

/*
 * A Register failed (@err, or the server's @code): wait as /1/x/17..20
 * say, then register again. Also the end of an Update that failed.
 */
static void reg_failed(struct lwm2m_server *s, const char *what, int err, uint8_t code)
{
	struct lwm2m_account acc;
	char buf[64];
	uint64_t wait;

	if (lwm2m_server_account(kernel(s), s->ssid, &acc)) {
		/* the TS defaults, as lwm2m_server_account() has them */
		acc.retry_count = 5;
		acc.retry_timer = 60;
		acc.seq_delay = 86400;
		acc.seq_retry_count = 1;
	}
	s->attempt++;
	if (s->attempt < acc.retry_count) {
		wait = (uint64_t)acc.retry_timer << (s->attempt - 1 < 20 ? s->attempt - 1 : 20);
		if (wait > RETRY_MAX_S)
			wait = RETRY_MAX_S;
		log_warn("server %u: %s failed: %s; attempt %u of %u, next in %llu s", s->ssid, what,
			 why(err, code, buf, sizeof(buf)), s->attempt, acc.retry_count,
			 (unsigned long long)wait);
	} else {
		s->attempt = 0;
		s->sequence++;
		wait = acc.seq_delay;
		log_warn("server %u: %s failed: %s; communication sequence %u failed (%u attempts), next sequence in %llu s",
			 s->ssid, what, why(err, code, buf, sizeof(buf)), s->sequence,
			 acc.retry_count, (unsigned long long)wait);
		if (s->sequence >= acc.seq_retry_count)
			log_err("server %u: registration failed %u sequence%s in a row; no bootstrap server to fall back on: trying again every %u s",
				s->ssid, s->sequence, s->sequence == 1 ? "" : "s", acc.seq_delay);
	}
	set_state(s, LWM2M_REG_WAITING);
	arm_s(s, wait);
}

/* ---------------------------------------------------------------- Update */

/* The registration is gone (an Update failed): register again now. */
static void reg_lost(struct lwm2m_server *s, int err, uint8_t code)
{
	char buf[64];

	log_warn("server %u: Update failed: %s; registering again", s->ssid,
		 why(err, code, buf, sizeof(buf)));
	lwm2m_dm_server_gone(s->sess->dm, s->ssid);
	set_state(s, LWM2M_REG_IDLE);
	s->attempt = 0;
	lwm2m_reg_start(s);
}

static void on_update(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
		      const uint8_t *body, size_t body_len)
{
	struct lwm2m_server *s = arg;

	(void)ep;
	(void)body;
	(void)body_len;
	s->call = NULL;
	if (err || resp->code != KCOAP_CHANGED) {
		reg_lost(s, err, err ? 0 : resp->code);
		return;
	}
	set_state(s, LWM2M_REG_REGISTERED);
	log_info("server %u: Update done (2.04): lifetime %u s", s->ssid, s->reg_lifetime);
	arm_s(s, lwm2m_reg_update_delay_s(s->reg_lifetime, s->sess->margin_s));
	if (s->update_wanted)
		lwm2m_reg_update_now(s);
}

static int send_update(struct lwm2m_server *s)
{
	char lt[24], b[16], desc[64] = "";
	struct fmt_buf payload = { 0 };
	struct lwm2m_account acc;
	struct kcoap_msg m;
	bool with_objects = s->objects_dirty;
	int rc;

	rc = lwm2m_server_account(kernel(s), s->ssid, &acc);
	if (rc) {
		log_err("server %u: its Server instance (/1) cannot be read: %s", s->ssid,
			klwm2m_strerror(rc));
		return rc;
	}
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_POST, 0);
	rc = lwm2m_location_add(&s->loc, &m);
	if (!rc && acc.lifetime != s->reg_lifetime) {
		rc = add_query(&m, lt, sizeof(lt), "lt=%u", acc.lifetime);
		strcat(desc, " ");
		strcat(desc, lt);
	}
	if (!rc && strcmp(acc.binding, s->reg_binding)) {
		rc = add_query(&m, b, sizeof(b), "b=%s", acc.binding);
		strcat(desc, " ");
		strcat(desc, b);
	}
	if (!rc && with_objects) {
		rc = payload_build(s, &payload);
		if (!rc)
			rc = kcoap_msg_add_uint(&m, KCOAP_OPT_CONTENT_FORMAT, KCOAP_CF_LINK);
		if (!rc)
			kcoap_msg_set_payload(&m, payload.data, payload.len);
	}
	if (!rc)
		rc = request(s, &m, on_update);
	if (!rc) {
		s->reg_lifetime = acc.lifetime;
		memcpy(s->reg_binding, acc.binding, sizeof(s->reg_binding));
		s->objects_dirty = false;
		s->update_wanted = false;
		set_state(s, LWM2M_REG_UPDATING);
		log_info("server %u: Update %s%s%s%.*s", s->ssid, s->loc.text, desc,
			 with_objects ? ", objects " : "", (int)payload.len,
			 payload.data ? (const char *)payload.data : "");
	}
	fmt_buf_free(&payload);
	return rc;
}

void lwm2m_reg_update_now(struct lwm2m_server *s)
{
	int rc;

	if (s->sess->stopping)
		return;
	switch (s->state) {
	case LWM2M_REG_REGISTERED:
		loop_timer_cancel(s->sess->a->loop, &s->timer);
		rc = send_update(s);
		if (rc)
			reg_lost(s, rc, 0);
		break;
	case LWM2M_REG_REGISTERING:
	case LWM2M_REG_UPDATING:
		s->update_wanted = true;
		break;
	default:
		break;	/* the next Register carries everything */
	}
}

void lwm2m_reg_changed(struct lwm2m_server *s, bool objects)
{
	struct lwm2m_account acc;

	if (objects)
		s->objects_dirty = true;
	if (s->objects_dirty ||
	    (!lwm2m_server_account(kernel(s), s->ssid, &acc) &&
	     (acc.lifetime != s->reg_lifetime || strcmp(acc.binding, s->reg_binding))))
		lwm2m_reg_update_now(s);
}

static void disable_now(struct lwm2m_server *s);

/*
 * The server's timer: the lifetime's refresh, the next Register attempt, a
 * Disable to carry out, or the end of the disabled period.
 */
static void on_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	struct lwm2m_server *s = arg;

	(void)l;
	(void)t;
	if (s->disabling)
		disable_now(s);
	else if (s->state == LWM2M_REG_REGISTERED)
		lwm2m_reg_update_now(s);
	else if (s->state == LWM2M_REG_WAITING || s->state == LWM2M_REG_IDLE ||
		 s->state == LWM2M_REG_DISABLED)
		lwm2m_reg_start(s);
}

/* ---------------------------------------------------------------- Deregister */

static void on_deregister(void *arg, struct kcoap_ep *ep, int err, const struct kcoap_msg *resp,
			  const uint8_t *body, size_t body_len)
{
	struct lwm2m_server *s = arg;
	struct lwm2m_session *sess = s->sess;
	char buf[64];

	(void)ep;
	(void)body;
	(void)body_len;
	s->call = NULL;
	set_state(s, LWM2M_REG_DEREGISTERED);
	if (!err && resp->code == KCOAP_DELETED)
		log_notice("deregistered from server %u (%s)", s->ssid, s->uri);
	else
		log_warn("server %u: Deregister: %s", s->ssid,
			 why(err, err ? 0 : resp->code, buf, sizeof(buf)));
	if (sess->deregs && !--sess->deregs)
		loop_stop_done(sess->a->loop);
}

/*
 * Cancel what is in flight or waiting; when registered, forget the server's
 * observations and send Deregister with @cb. 1 when it is in flight.
 */
static int send_deregister(struct lwm2m_server *s, kcoap_ep_response_fn cb,
			   enum lwm2m_reg_state after)
{
	bool was = lwm2m_server_registered(s);
	struct kcoap_msg m;
	int rc;

	loop_timer_cancel(s->sess->a->loop, &s->timer);
	cancel_lookup(s);
	if (s->call) {
		kcoap_ep_request_cancel(s->sess->ep, s->call);
		s->call = NULL;
	}
	set_state(s, after);
	if (!was)
		return 0;
	lwm2m_dm_server_gone(s->sess->dm, s->ssid);
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_DELETE, 0);
	rc = lwm2m_location_add(&s->loc, &m);
	if (!rc)
		rc = request(s, &m, cb);
	if (rc) {
		log_warn("server %u: cannot send Deregister: %s", s->ssid, strerror(-rc));
		return 0;
	}
	set_state(s, LWM2M_REG_DEREGISTERING);
	log_info("server %u: Deregister %s", s->ssid, s->loc.text);
	return 1;
}

int lwm2m_reg_deregister(struct lwm2m_server *s)
{
	s->disabling = false;
	return send_deregister(s, on_deregister, LWM2M_REG_DEREGISTERED);
}

/* ---------------------------------------------------------------- Disable (/1/x/4) */

/* Deregistered (or not registered): stay away for /1/x/5 seconds. */
static void disabled(struct lwm2m_server *s)
{
	struct lwm2m_account acc;
	uint32_t secs = 86400;	/* the TS default, when the account cannot be read */

	if (!lwm2m_server_account(kernel(s), s->ssid, &acc))
		secs = acc.disable_timeout;
	set_state(s, LWM2M_REG_DISABLED);
	log_notice("server %u disabled for %u s (its Disable Timeout)", s->ssid, secs);
	arm_s(s, secs);
}

static void on_disable_deregister(void *arg, struct kcoap_ep *ep, int err,
				  const struct kcoap_msg *resp, const uint8_t *body,
				  size_t body_len)
{
	struct lwm2m_server *s = arg;
	char buf[64];

	(void)ep;
	(void)body;
	(void)body_len;
	s->call = NULL;
	if (!err && resp->code == KCOAP_DELETED)
		log_notice("server %u: Deregister done: its account is disabled", s->ssid);
	else
		log_warn("server %u: Deregister before the disabled period: %s", s->ssid,
			 why(err, err ? 0 : resp->code, buf, sizeof(buf)));
	disabled(s);
}

static void disable_now(struct lwm2m_server *s)
{
	s->disabling = false;
	if (!send_deregister(s, on_disable_deregister, LWM2M_REG_DISABLED))
		disabled(s);
}

void lwm2m_reg_disable(struct lwm2m_server *s)
{
	if (s->sess->stopping)
		return;
	/* From the timer, so that the execute's response leaves first (TS E.2). */
	s->disabling = true;
	loop_timer_cancel(s->sess->a->loop, &s->timer);
	if (loop_timer_arm_ms(s->sess->a->loop, &s->timer, 0)) {
		log_err("server %u: no memory for a timer: disabling at once", s->ssid);
		disable_now(s);
	}
}

void lwm2m_reg_timer_init(struct lwm2m_server *s)
{
	loop_timer_init(&s->timer, on_timer, s);
}
