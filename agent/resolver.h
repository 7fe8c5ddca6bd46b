/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host names looked up without blocking the agent's loop (c-ares).
 *
 * A lookup asks c-ares (ares_getaddrinfo(): A and AAAA as the family says,
 * /etc/hosts first as resolv.conf's "lookups" default) and returns at once;
 * its answer comes later, from the loop, to the caller's function. c-ares's
 * sockets are watched by the loop and its timeouts are one loop timer, so
 * that a slow or dead DNS server holds up only the lookups waiting for it.
 *
 * The c-ares channel exists while lookups do: made at the first lookup
 * (ares_init reads /etc/resolv.conf then, so a changed file counts from the
 * next lookup on), destroyed from a loop timer once no lookup is left.
 *
 * Threading model: none; the agent's loop thread only. No answer is ever
 * delivered from inside resolver_lookup() or from inside c-ares: c-ares's
 * callbacks only record it, a loop timer hands it over. So the caller's
 * function may start or cancel lookups, or free what it likes.
 */
#ifndef KLWM2MD_RESOLVER_H
#define KLWM2MD_RESOLVER_H

#include <stdint.h>
#include <sys/socket.h>

#include "loop.h"

struct resolver;
struct resolver_query;

/**
 * struct resolver_result - a lookup's end
 * @err: 0 with @ss/@len; -EHOSTUNREACH when no address came (no such name,
 *	none of the family, the DNS servers timed out or refused: @reason
 *	says which); -ENOMEM
 * @reason: c-ares's words for a failure (ares_strerror()), "" on success
 * @ss: the first address c-ares gave (its order is RFC 6724's), port set
 * @len: its length
 */
struct resolver_result {
	int err;
	const char *reason;
	struct sockaddr_storage ss;
	socklen_t len;
};

typedef void (*resolver_fn)(void *arg, const struct resolver_result *res);

/** resolver_new() - a resolver on @l (no channel yet). 0, -ENOMEM or -EIO (c-ares). */
int resolver_new(struct loop *l, struct resolver **out);

/**
 * resolver_free() - destroy the channel; lookups not yet delivered end
 * without their function being called. NULL is accepted. Not from inside a
 * resolver_fn.
 */
void resolver_free(struct resolver *r);

/**
 * resolver_lookup() - start looking up @host (a name; a literal address
 * works too but needs no resolver) for UDP port @port
 * @family: AF_INET, AF_INET6 or AF_UNSPEC (both)
 * @fn: called once from the loop with the result, unless cancelled
 * @q: the handle, for resolver_cancel(); not valid once @fn was called
 *
 * Return: 0 (@fn comes later, also for a failure c-ares found at once) or
 * -ENOMEM.
 */
int resolver_lookup(struct resolver *r, const char *host, uint16_t port, int family,
		    resolver_fn fn, void *arg, struct resolver_query **q);

/**
 * resolver_cancel() - @fn of @q will not be called; its memory goes when
 * c-ares lets go of it. NULL is accepted.
 */
void resolver_cancel(struct resolver_query *q);

/**
 * resolver_set_servers() - use these DNS servers ("IP[:PORT],...", as
 * ares_set_servers_ports_csv()) instead of resolv.conf's, for the channels
 * made from now on (the host tests' fake server). 0, -ENOMEM or -EINVAL.
 */
int resolver_set_servers(struct resolver *r, const char *csv);

#endif /* KLWM2MD_RESOLVER_H */
