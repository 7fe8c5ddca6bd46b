/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server table: one entry per configured LwM2M server ([server SSID]),
 * with what the session needs to talk to it and to recognise it: the short
 * server ID, the peer address its coap:// URI names (an address literal
 * at once; a host name looked up by the agent's resolver, resolver.h, at
 * each Register), the state of its registration and the location the
 * server gave it.
 *
 * The values a server may change while running (lifetime /1/x/1, binding
 * /1/x/7, the communication retry resources /1/x/17..20) are not kept here:
 * lwm2m_server_account() reads them from the kernel each time they are
 * needed.
 *
 * Threading model: none; the agent's loop thread only.
 */
#ifndef KLWM2MD_LWM2M_SERVER_H
#define KLWM2MD_LWM2M_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "coap/endpoint.h"
#include "config.h"
#include "libklwm2m.h"
#include "loop.h"
#include "lwm2m/location.h"

/* Where a server's registration stands. */
enum lwm2m_reg_state {
	LWM2M_REG_IDLE,			/* nothing sent yet, nothing in flight */
	LWM2M_REG_RESOLVING,		/* a Register waits for its host name's lookup */
	LWM2M_REG_REGISTERING,		/* Register in flight */
	LWM2M_REG_REGISTERED,		/* registered; the Update timer is armed */
	LWM2M_REG_UPDATING,		/* registered; Update in flight */
	LWM2M_REG_WAITING,		/* a Register failed: the retry timer is armed */
	LWM2M_REG_DEREGISTERING,	/* Deregister in flight */
	LWM2M_REG_DEREGISTERED,		/* done (the agent stops) */
	LWM2M_REG_DISABLED,		/* /1/x/4 executed: registers again when the timer fires */
};

struct lwm2m_session;
struct resolver_query;

/**
 * struct lwm2m_server - one configured LwM2M server
 * @ssid: short server ID
 * @uri: the configured coap://HOST[:PORT]
 * @host: HOST (without the brackets of an IPv6 literal)
 * @port: PORT, or 5683
 * @addr: the peer address, in the form the endpoint sends to (lwm2m_addr_fit())
 * @preferred_cf: the configured preferred content format
 * @state: enum lwm2m_reg_state
 * @loc: where the server put the registration (valid while registered)
 * @reg_lifetime: the lifetime the server knows (last sent)
 * @reg_binding: the binding the server knows (last sent)
 * @objects_dirty: objects or instances changed since the last object list sent
 * @update_wanted: send an Update as soon as the request in flight is done
 * @attempt: Register attempts failed in the current sequence
 * @sequence: communication sequences failed
 * @disabling: /1/x/4 was executed: deregister (the timer, at once, after the
 *	execute's response), then stay disabled for /1/x/5 seconds
 * @timer: Update timer (registered), retry timer (waiting), disable timer
 * @call: the request in flight, or NULL
 * @lookup: the host name's lookup in flight (resolving), or NULL
 * @sess: the session
 */
struct lwm2m_server {
	uint16_t ssid;
	char uri[CONFIG_URI_MAX + 1];
	char host[CONFIG_URI_MAX + 1];
	uint16_t port;
	struct kcoap_addr addr;
	int preferred_cf;
	enum lwm2m_reg_state state;
	struct lwm2m_location loc;
	uint32_t reg_lifetime;
	char reg_binding[4];
	bool objects_dirty, update_wanted, disabling;
	unsigned int attempt, sequence;
	struct loop_timer timer;
	struct kcoap_ep_call *call;
	struct resolver_query *lookup;
	struct lwm2m_session *sess;
};

/*
 * struct lwm2m_account - what the kernel's Server instance says now
 * @iid: the /1 instance
 * @lifetime: /1/x/1, seconds
 * @binding: /1/x/7
 * @retry_count, @retry_timer, @seq_delay, @seq_retry_count: /1/x/17..20, or
 *	the TS defaults (5, 60 s, 86400 s, 1) when not set
 * @disable_timeout: /1/x/5, seconds, or the TS default (86400) when not set
 */
struct lwm2m_account {
	uint16_t iid;
	uint32_t lifetime;
	char binding[4];
	uint32_t retry_count, retry_timer, seq_delay, seq_retry_count;
	uint32_t disable_timeout;
};

/**
 * lwm2m_server_init() - fill @s from the configuration: ssid, URI split into
 * host and port. Return: 0 or -EINVAL (a URI config.c should have refused).
 */
int lwm2m_server_init(struct lwm2m_server *s, const struct config_server *c,
		      struct lwm2m_session *sess);

/**
 * lwm2m_server_literal() - @s->host as an IP address literal into @addr
 * (with @s->port); never asks DNS, never waits
 * Return: 0; -EAGAIN: @s->host is a name, for the resolver.
 */
int lwm2m_server_literal(const struct lwm2m_server *s, struct kcoap_addr *addr);

/**
 * lwm2m_addr_fit() - @addr (IPv4 or IPv6) in the form an endpoint of
 * @family (its socket's) sends to and receives from: unchanged for the same
 * family; an IPv4 address for a dual-stack IPv6 endpoint (@dual: bound to
 * "::", not IPV6_V6ONLY) becomes ::ffff:a.b.c.d, the peer address its
 * datagrams then come from
 * Return: 0; -EAFNOSUPPORT: the endpoint cannot reach that family.
 */
int lwm2m_addr_fit(struct kcoap_addr *addr, int family, bool dual);

/**
 * lwm2m_server_account() - read the Server instance of @ssid from the kernel
 * Return: 0; -ENOENT (no /1 instance has that short server ID); -errno.
 */
int lwm2m_server_account(struct klwm2m *k, uint16_t ssid, struct lwm2m_account *acc);

/** lwm2m_reg_state_name() - "registered", ... */
const char *lwm2m_reg_state_name(enum lwm2m_reg_state st);

/** lwm2m_server_registered() - the server may send requests: registered or updating. */
static inline bool lwm2m_server_registered(const struct lwm2m_server *s)
{
	return s->state == LWM2M_REG_REGISTERED || s->state == LWM2M_REG_UPDATING;
}

#endif /* KLWM2MD_LWM2M_SERVER_H */
