// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The LwM2M session (session.h): the CoAP endpoint on the agent's loop, the
 * server table, the DM state and the kernel's events, wired together.
 *
 * The endpoint keeps its own time: after every call into it (input, timer,
 * a request sent, anything the DM half did from a kernel handler) the loop
 * timer is re-armed at kcoap_ep_next_timeout(). That is why the DM half's
 * kernel handlers are wrapped here: each is called with the DM state as its
 * argument, as dm.h says, and then the timer is re-armed.
 *
 * Peers are recognised by address (NoSec: the only identity there is): a
 * request from the address of a server this client is registered with goes
 * to the DM half; any other peer gets 4.01 Unauthorized, the code the TS
 * uses for a server without access rights, and nothing of the store.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/klwm2m.h>

#include "log.h"
#include "lwm2m/evfilter.h"
#include "lwm2m/register.h"
#include "lwm2m/session.h"

void lwm2m_session_kick(struct lwm2m_session *s)
{
	uint64_t at;
	int ms;

	if (!s->ep)
		return;
	ms = kcoap_ep_next_timeout(s->ep);
	if (ms < 0) {
		loop_timer_cancel(s->a->loop, &s->ep_timer);
		return;
	}
	/*
	 * The endpoint counts in whole milliseconds: a deadline already set
	 * within a millisecond of this one stays, so that the loop does not
	 * reprogram its timerfd (a system call) after every datagram.
	 */
	at = loop_now() + (uint64_t)ms * 1000000ULL;
	if (loop_timer_armed(&s->ep_timer) &&
	    (at > s->ep_timer.deadline ? at - s->ep_timer.deadline :
					 s->ep_timer.deadline - at) < 1000000ULL)
		return;
	if (loop_timer_arm(s->a->loop, &s->ep_timer, at))
		log_err("no memory for the CoAP timer");
}

static const char *addr_str(const struct kcoap_addr *a, char *buf, size_t n)
{
	const struct sockaddr_storage *ss = &a->ss;
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(buf, n, "%s:%u", ip, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, n, "[%s]:%u", ip, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, n, "(family %u)", ss->ss_family);
	}
	return buf;
}

static struct lwm2m_server *server_by_peer(struct lwm2m_session *s, const struct kcoap_addr *peer)
{
	for (unsigned int i = 0; i < s->nservers; i++)
		if (lwm2m_server_registered(&s->servers[i]) &&
		    kcoap_addr_equal(&s->servers[i].addr, peer))
			return &s->servers[i];
	return NULL;
}

/* ---------------------------------------------------------------- endpoint callbacks */

/* Executes whose result never came are answered when their deadline passes. */
static void exec_guard(struct lwm2m_session *s)
{
	uint64_t ms = lwm2m_dm_exec_guard(s->dm);

	if (ms)
		loop_timer_arm_ms(s->a->loop, &s->exec_timer, ms);
	else
		loop_timer_cancel(s->a->loop, &s->exec_timer);
}

static void exec_due(struct loop *l, struct loop_timer *t, void *arg)
{
	struct lwm2m_session *s = arg;

	(void)l;
	(void)t;
	exec_guard(s);
	lwm2m_session_kick(s);
}

static int on_request(void *arg, struct kcoap_ep *ep, const struct kcoap_ep_request *req,
		      struct kcoap_msg *resp)
{
	struct lwm2m_session *s = arg;
	struct lwm2m_server *srv = server_by_peer(s, req->peer);
	char peer[INET6_ADDRSTRLEN + 16];
	int rc;

	if (!srv) {
		log_rl(LOG_NOTICE, "request from %s, which is no server this client is registered with: 4.01",
		       addr_str(req->peer, peer, sizeof(peer)));
		resp->code = KCOAP_UNAUTHORIZED;
		return 0;
	}
	rc = lwm2m_dm_request(s->dm, srv->ssid, srv->preferred_cf, ep, req, resp);
	/* a deferred execute: its deadline is timed from the loop, not from here */
	if (rc == KCOAP_EP_DEFERRED && !loop_timer_armed(&s->exec_timer))
		loop_timer_arm_ms(s->a->loop, &s->exec_timer, 0);
	return rc;
}

static void on_observe_end(void *arg, struct kcoap_ep *ep, struct kcoap_obs *obs, void *user,
			   enum kcoap_obs_end reason)
{
	struct lwm2m_session *s = arg;

	(void)ep;
	lwm2m_dm_observe_end(s->dm, obs, user, reason);
}

static void ep_readable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = kcoap_ep_input(s->ep);

	(void)l;
	(void)fd;
	(void)events;
	if (rc < 0)
		log_rl(LOG_WARNING, "CoAP socket: %s", strerror(-rc));
	lwm2m_session_kick(s);
}

static void ep_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	struct lwm2m_session *s = arg;

	(void)l;
	(void)t;
	kcoap_ep_timer(s->ep);
	lwm2m_session_kick(s);
}

/* ---------------------------------------------------------------- the DM half */

static struct lwm2m_server *server_by_ssid(struct lwm2m_session *s, uint16_t ssid)
{
	for (unsigned int i = 0; i < s->nservers; i++)
		if (s->servers[i].ssid == ssid)
			return &s->servers[i];
	return NULL;
}

static int update_trigger(void *arg, uint16_t ssid)
{
	struct lwm2m_server *srv = server_by_ssid(arg, ssid);

	if (!srv)
		return -ENOENT;
	log_info("server %u: Registration Update Trigger", ssid);
	lwm2m_reg_update_now(srv);
	return 0;
}

static int disable(void *arg, uint16_t ssid)
{
	struct lwm2m_server *srv = server_by_ssid(arg, ssid);

	if (!srv)
		return -ENOENT;
	log_info("server %u: Disable", ssid);
	lwm2m_reg_disable(srv);
	return 0;
}

/* The DM half's kernel handlers, each followed by a re-arm of the CoAP timer. */
static int wrap_exec(struct klwm2m *k, const struct klwm2m_exec_request *req, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = s->dmh.exec(k, req, s->dm);

	lwm2m_session_kick(s);
	return rc;
}

static int wrap_sample(struct klwm2m *k, const struct klwm2m_path *path, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = s->dmh.sample(k, path, s->dm);

	lwm2m_session_kick(s);
	return rc;
}

static int wrap_write(struct klwm2m *k, const struct klwm2m_event *e, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = s->dmh.write(k, e, s->dm);

	lwm2m_session_kick(s);
	return rc;
}

static int wrap_notify(struct klwm2m *k, const struct klwm2m_notification *n, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = s->dmh.notify(k, n, s->dm);

	lwm2m_session_kick(s);
	return rc;
}

static int wrap_exec_result(struct klwm2m *k, uint32_t id, int status, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = s->dmh.exec_result(k, id, status, s->dm);

	lwm2m_session_kick(s);
	return rc;
}

static void wrap_handlers(struct lwm2m_session *s)
{
	struct klwm2m_handlers *h = &s->a->kernel_handlers;

	memset(&s->dmh, 0, sizeof(s->dmh));
	lwm2m_dm_kernel_handlers(&s->dmh);
	memset(h, 0, sizeof(*h));
	h->exec = s->dmh.exec ? wrap_exec : NULL;
	h->sample = s->dmh.sample ? wrap_sample : NULL;
	h->write = s->dmh.write ? wrap_write : NULL;
	h->notify = s->dmh.notify ? wrap_notify : NULL;
	h->exec_result = s->dmh.exec_result ? wrap_exec_result : NULL;
	s->a->kernel_arg = s;
}

/* ---------------------------------------------------------------- kernel events */

static bool announced(uint16_t oid)
{
	return oid != 0 && oid != 21;
}

static int on_event(const struct klwm2m_event *e, void *arg)
{
	struct lwm2m_session *s = arg;
	bool objects = false, account = false;

	for (unsigned int i = 0; i < e->npaths; i++) {
		const struct klwm2m_path *p = &e->paths[i];

		switch (e->kind) {
		case KLWM2M_EVENT_OBJ_DEFINED:
		case KLWM2M_EVENT_OBJ_UNDEFINED:
			if (s->dm)
				lwm2m_dm_objects_changed(s->dm, p->oid);
			/* fall through */
		case KLWM2M_EVENT_INST_CREATED:
		case KLWM2M_EVENT_INST_DELETED:
			objects |= announced(p->oid);
			break;
		case KLWM2M_EVENT_VALUE_CHANGED:
			account |= p->oid == 1 && p->depth >= 3 && (p->rid == 1 || p->rid == 7);
			break;
		default:
			break;
		}
	}
	if (objects)
		for (unsigned int i = 0; i < s->nservers; i++)
			s->servers[i].objects_dirty = true;
	if ((objects || account) && !loop_timer_armed(&s->changes_timer))
		loop_timer_arm_ms(s->a->loop, &s->changes_timer, SESSION_CHANGES_DELAY_MS);
	return 0;
}

static void events_readable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct lwm2m_session *s = arg;
	int rc = klwm2m_events_recv(s->ev, on_event, s);

	(void)fd;
	(void)events;
	if (rc == -ENOBUFS) {
		log_rl(LOG_WARNING, "kernel events were lost: sending every server the object list");
		if (s->dm)
			lwm2m_dm_objects_changed(s->dm, -1);
		for (unsigned int i = 0; i < s->nservers; i++)
			s->servers[i].objects_dirty = true;
		loop_timer_arm_ms(l, &s->changes_timer, SESSION_CHANGES_DELAY_MS);
	} else if (rc < 0 && rc != -EAGAIN) {
		log_err("kernel events: %s", klwm2m_strerror(rc));
		loop_fd_del(l, klwm2m_events_fd(s->ev));
	}
}

static void changes_due(struct loop *l, struct loop_timer *t, void *arg)
{
	struct lwm2m_session *s = arg;

	(void)l;
	(void)t;
	for (unsigned int i = 0; i < s->nservers; i++)
		lwm2m_reg_changed(&s->servers[i], false);
}

/* ---------------------------------------------------------------- stop */

static int on_stop(struct loop *l, void *arg)
{
	struct lwm2m_session *s = arg;

	(void)l;
	s->stopping = true;
	loop_timer_cancel(s->a->loop, &s->changes_timer);
	s->deregs = 0;
	for (unsigned int i = 0; i < s->nservers; i++)
		s->deregs += (unsigned int)lwm2m_reg_deregister(&s->servers[i]);
	if (!s->deregs)
		return 0;
	log_info("waiting up to %d ms for %u server%s to answer Deregister", SESSION_STOP_GRACE_MS,
		 s->deregs, s->deregs == 1 ? "" : "s");
	return 1;
}

/* ---------------------------------------------------------------- start */

/*
 * The bind address when the configuration gives none: any address of the
 * first server's family. The family of a host name is not known before its
 * lookup, and the start must not wait for DNS: a name gets "::", which on
 * Linux (net.ipv6.bindv6only 0, the default) reaches IPv4 servers too, as
 * ::ffff:a.b.c.d (lwm2m_addr_fit()).
 */
static const char *bind_any(struct lwm2m_session *s)
{
	struct kcoap_addr first;

	if (!s->nservers)
		return "0.0.0.0";
	if (lwm2m_server_literal(&s->servers[0], &first))
		return "::";
	return first.ss.ss_family == AF_INET6 ? "::" : "0.0.0.0";
}

/* Which families the endpoint reaches: its socket's, and IPv4 too when dual-stack. */
static void endpoint_family(struct lwm2m_session *s, const struct kcoap_addr *local)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&local->ss;
	int v6only = 1;
	socklen_t len = sizeof(v6only);

	s->ep_family = local->ss.ss_family;
	s->ep_dual = s->ep_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) &&
		     !getsockopt(kcoap_ep_fd(s->ep), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) &&
		     !v6only;
}

static int endpoint_open(struct lwm2m_session *s)
{
	const struct config *c = s->a->cfg;
	struct kcoap_ep_config ec = { .on_request = on_request, .on_observe_end = on_observe_end,
				      .arg = s };
	/* the configuration's transmission parameters; zeros are the RFC's */
	struct kcoap_ep_params params = {
		.ack_timeout_ms = c->coap_ack_timeout_ms,
		.ack_random_factor_permille = c->coap_ack_random_factor_permille,
		.max_retransmit = c->coap_max_retransmit,
	};
	struct kcoap_addr bind;
	const char *host = *c->listen_address ? c->listen_address : bind_any(s);
	char local[INET6_ADDRSTRLEN + 16];
	int rc;

	rc = kcoap_addr_parse(&bind, host, c->listen_port);
	if (rc) {
		log_err("%s: listen address '%s' is not an IP address", s->a->cfg_file, host);
		return rc;
	}
	ec.bind = &bind;
	ec.params = &params;
	rc = kcoap_ep_create(&ec, &s->ep);
	if (rc == -EAFNOSUPPORT && !*c->listen_address && !strcmp(host, "::")) {
		/* a kernel without IPv6: IPv4 it is */
		log_notice("no IPv6 here: the CoAP endpoint is IPv4 only");
		host = "0.0.0.0";
		kcoap_addr_parse(&bind, host, c->listen_port);
		rc = kcoap_ep_create(&ec, &s->ep);
	}
	if (rc) {
		log_err("CoAP endpoint on %s port %u: %s", host, c->listen_port, strerror(-rc));
		return rc;
	}
	/* an Update leaves early enough for its retransmissions to end in time */
	s->margin_s = (kcoap_ep_params(s->ep)->response_timeout_ms + 999) / 1000;
	rc = kcoap_ep_local(s->ep, &bind);
	if (rc) {
		log_err("the CoAP endpoint's address: %s", strerror(-rc));
		return rc;
	}
	endpoint_family(s, &bind);
	log_info("CoAP endpoint on %s%s", addr_str(&bind, local, sizeof(local)),
		 s->ep_dual ? " (IPv6 and IPv4)" : "");
	rc = loop_fd_add(s->a->loop, kcoap_ep_fd(s->ep), EPOLLIN, ep_readable, s);
	if (rc)
		log_err("watching the CoAP socket: %s", strerror(-rc));
	return rc;
}

static int events_open(struct lwm2m_session *s)
{
	int rc = klwm2m_events_open(&s->ev);

	if (rc) {
		log_err("listening to the kernel's events: %s", klwm2m_last_error());
		return rc;
	}
	/* without it every set of any value would wake the agent (evfilter.c) */
	rc = lwm2m_evfilter_attach(klwm2m_events_fd(s->ev));
	if (rc)
		log_warn("events filter: %s; every value change wakes the agent",
			    strerror(-rc));
	rc = loop_fd_add(s->a->loop, klwm2m_events_fd(s->ev), EPOLLIN, events_readable, s);
	if (rc)
		log_err("watching the kernel's events: %s", strerror(-rc));
	return rc;
}

int lwm2m_session_start(struct agent *a, struct lwm2m_session **out)
{
	struct lwm2m_session *s = calloc(1, sizeof(*s));
	struct lwm2m_dm_hooks hooks = { .update_trigger = update_trigger, .disable = disable };
	int rc;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->a = a;
	hooks.arg = s;
	loop_timer_init(&s->ep_timer, ep_timer, s);
	loop_timer_init(&s->changes_timer, changes_due, s);
	loop_timer_init(&s->exec_timer, exec_due, s);
	for (unsigned int i = 0; i < a->cfg->nservers; i++) {
		struct lwm2m_server *srv = &s->servers[s->nservers];

		if (lwm2m_server_init(srv, &a->cfg->servers[i], s)) {
			log_err("server %u: cannot use uri '%s'", a->cfg->servers[i].ssid,
				a->cfg->servers[i].uri);
			continue;
		}
		lwm2m_reg_timer_init(srv);
		s->nservers++;
	}
	rc = resolver_new(a->loop, &s->res);
	if (rc)
		log_err("the resolver: %s", strerror(-rc));
	if (!rc)
		rc = endpoint_open(s);
	if (!rc)
		rc = events_open(s);
	if (!rc) {
		rc = lwm2m_dm_new(a->k, s->ep, &hooks, &s->dm);
		if (rc)
			log_err("the DM state: %s", strerror(-rc));
	}
	if (!rc)
		rc = loop_stop_hook(a->loop, on_stop, s);
	if (rc) {
		lwm2m_session_free(s);
		return rc;
	}
	wrap_handlers(s);
	loop_set_grace_ms(a->loop, SESSION_STOP_GRACE_MS);
	for (unsigned int i = 0; i < s->nservers; i++)
		lwm2m_reg_start(&s->servers[i]);
	*out = s;
	return 0;
}

void lwm2m_session_free(struct lwm2m_session *s)
{
	if (!s)
		return;
	if (s->a->kernel_arg == s) {
		memset(&s->a->kernel_handlers, 0, sizeof(s->a->kernel_handlers));
		s->a->kernel_arg = NULL;
	}
	for (unsigned int i = 0; i < s->nservers; i++)
		loop_timer_cancel(s->a->loop, &s->servers[i].timer);
	loop_timer_cancel(s->a->loop, &s->ep_timer);
	loop_timer_cancel(s->a->loop, &s->changes_timer);
	loop_timer_cancel(s->a->loop, &s->exec_timer);
	/* lookups still in flight end here, none calls back (resolver.h) */
	resolver_free(s->res);
	if (s->dm)
		lwm2m_dm_free(s->dm);
	if (s->ep) {
		loop_fd_del(s->a->loop, kcoap_ep_fd(s->ep));
		kcoap_ep_destroy(s->ep);
	}
	if (s->ev) {
		loop_fd_del(s->a->loop, klwm2m_events_fd(s->ev));
		klwm2m_events_close(s->ev);
	}
	free(s);
}
