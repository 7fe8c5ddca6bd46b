/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LwM2M Registration interface (TS 1.1 section 6.2, CoAP binding in
 * TS 1.1 Transport section 6.2), client side, one registration per server:
 *
 *  Register	CON POST /rd?ep=EP&lt=LT&lwm2m=1.1&b=B, Content-Format 40, the
 *		objects and instances the kernel holds now (not Security 0 nor
 *		OSCORE 21); 2.01 with Location-Path is success.
 *  Update	CON POST LOCATION[?lt=LT][&b=B] [+ object list]: lt and b only
 *		when they changed, the list only when objects or instances
 *		changed since it was last sent. Sent at the lifetime's end
 *		(lwm2m_reg_update_delay_s()), on kernel changes, on
 *		Registration Update Trigger (/1/x/8).
 *  Deregister	CON DELETE LOCATION, at the stop.
 *
 * A server named by host name is looked up first (agent/resolver.h, on
 * the loop: state resolving); the Register leaves when the answer comes.
 *
 * Failures. A Register that times out or is refused (4.xx, 5.xx: logged
 * with the code), or whose host name's lookup failed, is retried as the Server object's communication retry
 * resources say (/1/x/17..20, read at each failure; TS defaults when
 * unset): a sequence is Retry Count attempts, the n-th failure waits
 * Retry Timer * 2^(n-1) seconds; a failed sequence waits Sequence Delay
 * Timer seconds. When Sequence Retry Count sequences failed, the TS would
 * fall back to bootstrap; this agent has no bootstrap server yet, so it says
 * so and keeps starting a sequence every Sequence Delay Timer. An Update
 * that fails in any way ends the registration (its observations go,
 * lwm2m_dm_server_gone()) and the client registers again.
 *
 * At most one request per server is in flight; what is asked meanwhile
 * waits for it (struct lwm2m_server's update_wanted).
 */
#ifndef KLWM2MD_LWM2M_REGISTER_H
#define KLWM2MD_LWM2M_REGISTER_H

#include <stdbool.h>
#include <stdint.h>

#include "lwm2m/server.h"

/* MAX_TRANSMIT_WAIT in seconds (RFC 7252 defaults): a CON's worst case. */
#define LWM2M_REG_MARGIN_S 93

/**
 * lwm2m_reg_update_delay_s() - when to refresh a registration of lifetime
 * @lt seconds: lt - margin, margin = max(lt / 10, @wait_s) but at most
 * lt / 2, and never before 1 s; @wait_s is MAX_TRANSMIT_WAIT (a CON's worst
 * case: 93 s with RFC 7252's parameters). With 93 s: 20 s -> 10 s;
 * 300 s -> 207 s; 86400 s -> 77760 s.
 */
static inline uint32_t lwm2m_reg_update_delay_s(uint32_t lt, uint32_t wait_s)
{
	uint32_t margin = lt / 10;

	if (margin < wait_s)
		margin = wait_s;
	if (margin > lt / 2)
		margin = lt / 2;
	return lt - margin ? lt - margin : 1;
}

/** lwm2m_reg_timer_init() - set up @s->timer (the Update and retry timer). */
void lwm2m_reg_timer_init(struct lwm2m_server *s);

/** lwm2m_reg_start() - register with @s now (its state is idle or waiting). */
void lwm2m_reg_start(struct lwm2m_server *s);

/**
 * lwm2m_reg_update_now() - send an Update now when registered; after the
 * request in flight when one is; nothing when not registered (the Register
 * to come says everything).
 */
void lwm2m_reg_update_now(struct lwm2m_server *s);

/**
 * lwm2m_reg_changed() - the kernel's objects or instances changed
 * (@objects), or maybe the server's lifetime or binding: Update when what
 * the server knows is out of date.
 */
void lwm2m_reg_changed(struct lwm2m_server *s, bool objects);

/**
 * lwm2m_reg_disable() - the server executed /1/x/4 (Disable): once the
 * execute's response is out, Deregister, then register again after the
 * Disable Timeout (/1/x/5, 86400 s by default). Meanwhile the server's
 * requests are answered as any stranger's (4.01).
 */
void lwm2m_reg_disable(struct lwm2m_server *s);

/**
 * lwm2m_reg_deregister() - the stop: cancel what is in flight or waiting;
 * when registered, send Deregister
 * Return: 1 when a Deregister is in flight (its end decrements the
 * session's deregs and calls loop_stop_done() at 0), else 0.
 */
int lwm2m_reg_deregister(struct lwm2m_server *s);

#endif /* KLWM2MD_LWM2M_REGISTER_H */
