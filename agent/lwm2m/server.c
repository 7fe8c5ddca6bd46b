// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The server table's entries (server.h): the configured URI split, an
 * address literal parsed (a name is the resolver's, register.c), the
 * Server instance's current values read from the kernel, the
 * registration's location kept as raw segments so that an Update or a
 * Deregister sends back exactly the bytes the server chose.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/klwm2m.h>

#include "accounts.h"
#include "coap/uri.h"
#include "log.h"
#include "lwm2m/server.h"

/* LwM2M TS 1.1, the Server object (E.2): defaults of /1/x/17..20 and /1/x/5. */
#define RETRY_COUNT_DEFAULT	5
#define RETRY_TIMER_DEFAULT	60
#define SEQ_DELAY_DEFAULT	86400
#define SEQ_RETRY_DEFAULT	1
#define DISABLE_TIMEOUT_DEFAULT	86400

int lwm2m_server_init(struct lwm2m_server *s, const struct config_server *c,
		      struct lwm2m_session *sess)
{
	struct kcoap_uri *u = malloc(sizeof(*u));	/* 2.6 KiB: not on the stack */
	int rc;

	memset(s, 0, sizeof(*s));
	s->ssid = c->ssid;
	s->sess = sess;
	s->preferred_cf = c->content_format;
	s->state = LWM2M_REG_IDLE;
	snprintf(s->uri, sizeof(s->uri), "%s", c->uri);
	if (!u)
		return -ENOMEM;
	rc = kcoap_uri_parse(s->uri, u);
	/* no DTLS yet; a path or a query has no meaning in a server's URI */
	if (!rc && (u->secure || u->nseg || u->nquery || strlen(u->host) >= sizeof(s->host)))
		rc = -EINVAL;
	if (!rc) {
		strcpy(s->host, u->host);
		s->port = u->port;
	}
	free(u);
	return rc ? -EINVAL : 0;
}

int lwm2m_server_literal(const struct lwm2m_server *s, struct kcoap_addr *addr)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	char port[8];

	snprintf(port, sizeof(port), "%u", s->port);
	/* AI_NUMERICHOST: getaddrinfo() parses, it never asks DNS */
	if (getaddrinfo(s->host, port, &hints, &res))
		return -EAGAIN;
	if (res->ai_addrlen > sizeof(addr->ss)) {
		freeaddrinfo(res);
		return -EAGAIN;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(&addr->ss, res->ai_addr, res->ai_addrlen);
	addr->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int lwm2m_addr_fit(struct kcoap_addr *addr, int family, bool dual)
{
	struct sockaddr_in in;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr->ss;

	if (addr->ss.ss_family == family)
		return 0;
	if (family != AF_INET6 || !dual || addr->ss.ss_family != AF_INET)
		return -EAFNOSUPPORT;
	memcpy(&in, &addr->ss, sizeof(in));
	memset(addr, 0, sizeof(*addr));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = in.sin_port;
	in6->sin6_addr.s6_addr[10] = 0xff;
	in6->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&in6->sin6_addr.s6_addr[12], &in.sin_addr, 4);
	addr->len = sizeof(*in6);
	return 0;
}

/* An unsigned or integer resource's value, within 0..UINT32_MAX; -ENOENT when unset. */
static int get_u32(struct klwm2m *k, uint16_t iid, uint16_t rid, uint32_t *out)
{
	struct klwm2m_value v;
	int rc = klwm2m_get(k, &KLWM2M_PATH_RES(1, iid, rid), &v);

	if (rc)
		return rc;
	if (v.type == KLWM2M_TYPE_UNSIGNED && v.u <= UINT32_MAX)
		*out = (uint32_t)v.u;
	else if (v.type == KLWM2M_TYPE_INTEGER && v.i >= 0 && v.i <= UINT32_MAX)
		*out = (uint32_t)v.i;
	else
		rc = -ERANGE;
	klwm2m_value_release(&v);
	return rc;
}

/* @out keeps its default when the resource is unset or out of range. */
static void get_u32_default(struct klwm2m *k, uint16_t iid, uint16_t rid, uint32_t *out,
			    uint32_t min)
{
	uint32_t v;

	if (!get_u32(k, iid, rid, &v) && v >= min)
		*out = v;
}

int lwm2m_server_account(struct klwm2m *k, uint16_t ssid, struct lwm2m_account *acc)
{
	struct klwm2m_value v;
	int rc;

	memset(acc, 0, sizeof(*acc));
	rc = accounts_find(k, 1, ssid, &acc->iid);
	if (rc)
		return rc;
	rc = get_u32(k, acc->iid, 1, &acc->lifetime);
	if (rc)
		return rc;
	rc = klwm2m_get(k, &KLWM2M_PATH_RES(1, acc->iid, 7), &v);
	if (rc)
		return rc;
	if (v.type != KLWM2M_TYPE_STRING || v.bytes.len == 0 || v.bytes.len >= sizeof(acc->binding)) {
		klwm2m_value_release(&v);
		return -EINVAL;
	}
	memcpy(acc->binding, v.bytes.ptr, v.bytes.len);
	klwm2m_value_release(&v);
	acc->retry_count = RETRY_COUNT_DEFAULT;
	acc->retry_timer = RETRY_TIMER_DEFAULT;
	acc->seq_delay = SEQ_DELAY_DEFAULT;
	acc->seq_retry_count = SEQ_RETRY_DEFAULT;
	get_u32_default(k, acc->iid, 17, &acc->retry_count, 1);
	get_u32_default(k, acc->iid, 18, &acc->retry_timer, 0);
	get_u32_default(k, acc->iid, 19, &acc->seq_delay, 0);
	get_u32_default(k, acc->iid, 20, &acc->seq_retry_count, 1);
	acc->disable_timeout = DISABLE_TIMEOUT_DEFAULT;
	get_u32_default(k, acc->iid, 5, &acc->disable_timeout, 0);
	return 0;
}

const char *lwm2m_reg_state_name(enum lwm2m_reg_state st)
{
	static const char *const names[] = {
		[LWM2M_REG_IDLE] = "idle",
		[LWM2M_REG_RESOLVING] = "resolving the host name",
		[LWM2M_REG_REGISTERING] = "registering",
		[LWM2M_REG_REGISTERED] = "registered",
		[LWM2M_REG_UPDATING] = "updating",
		[LWM2M_REG_WAITING] = "waiting to retry",
		[LWM2M_REG_DEREGISTERING] = "deregistering",
		[LWM2M_REG_DEREGISTERED] = "deregistered",
		[LWM2M_REG_DISABLED] = "disabled",
	};

	if ((unsigned int)st < sizeof(names) / sizeof(names[0]) && names[st])
		return names[st];
	return "?";
}
