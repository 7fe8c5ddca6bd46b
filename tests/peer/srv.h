/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test server's state, shared by its parts: the registration
 * interface (rd.c), requests toward the device (req.c), the scenario runner
 * (steps.c) and main (testsrv.c).
 *
 * Threading: one thread. Everything happens inside coap_io_process(),
 * called from srv_wait() while a step waits for something (a response, a
 * registration, a notification, a deadline). libcoap's handlers only record
 * what arrived; steps decide. Resources are never deleted inside a handler:
 * srv_wait() reaps them between two coap_io_process() calls.
 *
 * Later (bootstrap server, DTLS): a second resource tree (/bs) beside rd.c
 * and a coaps endpoint in testsrv.c; requests already go through whichever
 * session the device registered on.
 */
#ifndef KLWM2M_PEER_SRV_H
#define KLWM2M_PEER_SRV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <coap3/coap.h>

#include "linkfmt.h"
#include "pv.h"

/* A registration; the latest live one is the scenario's device. */
struct client {
	struct client *next;
	char id[16];			/* Location-Path rd/<id> */
	char *ep, *lwm2m, *binding;
	long lifetime;
	struct link_list objects;
	coap_session_t *session;	/* referenced: requests go back on it */
	coap_resource_t *res;		/* rd/<id> */
	char addr[64];
	bool gone;
};

/* One notification as it arrived. */
struct note {
	double t;			/* seconds since the server started */
	unsigned int code;
	int cf;
	uint32_t seq;
	bool has_seq;
	struct pv_list vals;
	const char *err;		/* decoding failed */
};

struct obs {
	struct obs *next;
	struct pv_path path;
	uint8_t token[8];
	size_t toklen;
	int accept;			/* the observe's Accept, for the cancel */
	coap_session_t *session;	/* referenced */
	double since;			/* time of the observe response */
	struct note *notes;
	size_t n, consumed;
	size_t late;			/* notifications after the cancel (RST) */
	bool cancelled, rst_next, rst_done;
};

/* An answer to one request. */
struct resp {
	unsigned int code;		/* class << 5 | detail */
	int cf;				/* CF_NONE without Content-Format */
	uint8_t *payload;
	size_t len;
	char location[64];		/* Location-Path, "/"-joined */
	bool has_observe;
	uint32_t observe;
};

struct srv {
	coap_context_t *ctx;
	struct client *clients;
	unsigned int n_reg, n_upd, n_dereg;		/* events seen ... */
	unsigned int used_reg, used_upd, used_dereg;	/* ... and consumed by wait-* */
	struct obs *obs;
	struct req *pending;
	unsigned int timeout_ms;
	double t0;
};

extern FILE *out;	/* stdout, line-buffered: TAP and "# " comments */

double srv_now(const struct srv *s);
/* Runs the loop until cond(arg) holds or timeout_ms pass: 0 or -ETIMEDOUT. */
int srv_wait(struct srv *s, bool (*cond)(struct srv *s, void *arg), void *arg,
	     unsigned int timeout_ms);
struct client *srv_client(struct srv *s);

int rd_init(struct srv *s);
void rd_reap(struct srv *s);
void rd_free(struct srv *s);

/* A request to the device (req.c). */
struct req_opts {
	coap_pdu_code_t method;
	const struct pv_path *path;
	const char *query;		/* "pmin=1&pmax=5" or NULL */
	int accept, cf;			/* CF_NONE: no option */
	const uint8_t *payload;
	size_t len;
	int observe;			/* -1 none, 0 register, 1 deregister */
	const uint8_t *token;		/* an observation's token (cancel), else NULL */
	size_t toklen;
	bool cancel;			/* cancel the observation with that token */
};

void req_init(struct srv *s);
/* Sends and waits: 0 with r filled (free with resp_free), -ENOTCONN without a
 * device, -ETIMEDOUT, -ECONNRESET when the device answered RST, -ENOMEM. */
int req_run(struct srv *s, const struct req_opts *o, struct resp *r, uint8_t *token,
	    size_t *toklen);
void resp_free(struct resp *r);
void obs_free_all(struct srv *s);

void print_code(char *buf, size_t size, unsigned int code);
void print_values(const struct pv_list *l);

#endif
