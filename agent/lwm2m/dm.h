/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LwM2M Device Management and Information Reporting interfaces, server
 * side of the client: what a registered LwM2M server asks of the device over
 * CoAP becomes requests to the kernel store (through libklwm2m), and the
 * kernel's notifications become CoAP notifications.
 *
 * The contract between the two halves of agent/lwm2m/:
 *  - the session half (register.c and the wiring in main.c) owns the CoAP
 *    endpoint and the servers: it knows which server a peer is, and calls
 *    lwm2m_dm_request() from the endpoint's request callback,
 *    lwm2m_dm_observe_end() from its observe-end callback, and
 *    lwm2m_dm_server_gone() when a server deregisters or its registration
 *    ends;
 *  - this half (dm.c and the files it needs: errors.c, observe.c, ...) owns
 *    the operations, the observations it registered in the kernel and the
 *    executes waiting for an app. It calls back into the session half only
 *    through struct lwm2m_dm_hooks.
 * Threading model: none; everything runs on the agent's loop thread.
 */
#ifndef KLWM2MD_LWM2M_DM_H
#define KLWM2MD_LWM2M_DM_H

#include <stdint.h>

#include "coap/endpoint.h"
#include "libklwm2m.h"

struct lwm2m_dm;

/**
 * struct lwm2m_dm_hooks - what the DM half asks of the session half
 * @update_trigger: the server executed /1/x/8 (Registration Update
 *	Trigger) for short server ID @ssid: send an Update now. 0 or -errno.
 * @disable: the server executed /1/x/4 (Disable) for @ssid: deregister
 *	after the response, stay away for /1/x/5 seconds. 0 or -errno.
 * @arg: passed to the hooks
 */
struct lwm2m_dm_hooks {
	int (*update_trigger)(void *arg, uint16_t ssid);
	int (*disable)(void *arg, uint16_t ssid);
	void *arg;
};

/**
 * lwm2m_dm_new() - the DM state
 * @k: the agent's libklwm2m handle (admin); notifications and execute results
 *	for it are delivered through the handlers lwm2m_dm_kernel_handlers() fills
 * @ep: the CoAP endpoint requests come from
 * @hooks: copied
 * @out: the new state
 *
 * Return: 0 or -errno.
 */
int lwm2m_dm_new(struct klwm2m *k, struct kcoap_ep *ep, const struct lwm2m_dm_hooks *hooks,
		 struct lwm2m_dm **out);

/**
 * lwm2m_dm_free() - cancel the kernel observations it made, free everything
 *
 * Call it before kcoap_ep_destroy() of the endpoint given to lwm2m_dm_new():
 * it also forgets its observers there (kcoap_ep_observe_cancel()) and drops
 * the deferred responses of executes still waiting (kcoap_ep_pending_drop()).
 */
void lwm2m_dm_free(struct lwm2m_dm *dm);

/**
 * lwm2m_dm_kernel_handlers() - set the notify and exec_result members of
 * @h (the agent's kernel handlers, see agent.h); the caller passes @dm as
 * their arg. They always return 0 (a notification or result that is not
 * the DM half's is ignored), so klwm2m_process() never stops because of them.
 */
void lwm2m_dm_kernel_handlers(struct klwm2m_handlers *h);

/**
 * lwm2m_dm_exec_guard() - answer the executes whose result is overdue
 * @dm: the state
 *
 * The kernel sends one result per execute, within its exec_timeout_ms; one
 * still missing 2 s after that was lost (the agent's kernel socket overran)
 * and its request is answered 5.00 now. Call it after a request and when
 * the delay it returned has passed.
 *
 * Return: milliseconds until the next execute's deadline, 0 when none waits.
 */
uint64_t lwm2m_dm_exec_guard(struct lwm2m_dm *dm);

/**
 * lwm2m_dm_request() - answer a request from a registered server
 * @dm: the state
 * @ssid: the short server ID of the server the request came from
 * @preferred_cf: that server's preferred content format, or -1
 * @ep, @req, @resp: as the endpoint's request callback receives them
 *
 * Return: as kcoap_ep_request_fn: 0 (resp filled), KCOAP_EP_DEFERRED (an
 * execute waits for its owner), or -errno (5.00).
 */
int lwm2m_dm_request(struct lwm2m_dm *dm, uint16_t ssid, int preferred_cf, struct kcoap_ep *ep,
		     const struct kcoap_ep_request *req, struct kcoap_msg *resp);

/** lwm2m_dm_observe_end() - the endpoint ended an observation (its user pointer @user). */
void lwm2m_dm_observe_end(struct lwm2m_dm *dm, struct kcoap_obs *obs, void *user,
			  enum kcoap_obs_end reason);

/**
 * lwm2m_dm_objects_changed() - object @oid was defined or undefined (the
 * kernel's OBJ_DEFINED / OBJ_UNDEFINED events), or -1: events were lost
 *
 * The DM half caches object definitions (never values); whoever owns @dm
 * must call this for each such event, before the next request, or the
 * cached definition of a redefined object stays in use.
 */
void lwm2m_dm_objects_changed(struct lwm2m_dm *dm, int oid);

/** lwm2m_dm_server_gone() - end every observation of server @ssid (it deregistered). */
void lwm2m_dm_server_gone(struct lwm2m_dm *dm, uint16_t ssid);

#endif /* KLWM2MD_LWM2M_DM_H */
