/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LwM2M session: what makes klwm2md an LwM2M client. It owns
 *  - the CoAP endpoint (agent/coap/endpoint.h) on the agent's loop: its
 *    socket, and one loop timer kept at kcoap_ep_next_timeout();
 *  - the server table (server.h), one registration per server (register.h);
 *  - the resolver (resolver.h) that looks up the servers' host names on the
 *    loop, and the endpoint's family that says which addresses it can use;
 *  - the DM state (dm.h): requests from a registered server go to
 *    lwm2m_dm_request(); a request from any other peer is answered 4.01;
 *  - a listener on the kernel store's events: objects or instances created
 *    or deleted, and a server's lifetime or binding changed, make Updates;
 *  - a stop hook: Deregister from every server (bounded by the loop's grace
 *    period, SESSION_STOP_GRACE_MS).
 *
 * Threading model: none; everything runs on the agent's loop thread.
 */
#ifndef KLWM2MD_LWM2M_SESSION_H
#define KLWM2MD_LWM2M_SESSION_H

#include "agent.h"
#include "coap/endpoint.h"
#include "loop.h"
#include "lwm2m/dm.h"
#include "lwm2m/server.h"
#include "resolver.h"

/* How long the stop waits for the servers' answers to Deregister. */
#define SESSION_STOP_GRACE_MS 5000
/* Kernel changes within this window make one Update. */
#define SESSION_CHANGES_DELAY_MS 200

struct lwm2m_session {
	struct agent *a;
	struct kcoap_ep *ep;
	int ep_family;			/* the endpoint socket's AF_INET or AF_INET6 */
	bool ep_dual;			/* ... an IPv6 one that reaches IPv4 too */
	struct resolver *res;
	struct lwm2m_dm *dm;
	struct klwm2m_handlers dmh;	/* the DM half's kernel handlers, wrapped */
	struct klwm2m_events *ev;
	struct loop_timer ep_timer;	/* kcoap_ep_timer() */
	struct loop_timer changes_timer;	/* coalesces kernel events into Updates */
	struct loop_timer exec_timer;	/* lwm2m_dm_exec_guard()'s next deadline */
	struct lwm2m_server servers[CONFIG_SERVERS_MAX];
	unsigned int nservers;
	unsigned int deregs;		/* Deregisters in flight at the stop */
	uint32_t margin_s;		/* MAX_TRANSMIT_WAIT of the endpoint's parameters, seconds */
	bool stopping;
};

/**
 * lwm2m_session_start() - open the endpoint, the DM state and the event
 * listener, hook them to @a's loop and start registering with every server
 * Return: 0 or -errno (logged).
 */
int lwm2m_session_start(struct agent *a, struct lwm2m_session **out);

/** lwm2m_session_free() - after loop_run() returned; NULL is accepted. */
void lwm2m_session_free(struct lwm2m_session *s);

/**
 * lwm2m_session_kick() - after anything that may have given the endpoint
 * something to time: re-arm the loop timer at kcoap_ep_next_timeout().
 */
void lwm2m_session_kick(struct lwm2m_session *s);

#endif /* KLWM2MD_LWM2M_SESSION_H */
