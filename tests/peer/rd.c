// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The LwM2M registration interface (Core TS §6.2), server side:
 *   POST   /rd?ep=..&lt=..&lwm2m=..&b=..  + link-format objects -> 2.01, Location-Path rd/<id>
 *   POST   /rd/<id>[?lt=..&b=..]  [+ objects]                   -> 2.04 (update)
 *   DELETE /rd/<id>                                             -> 2.02 (deregister)
 * Each registration gets its own resource rd/<id>, so that libcoap answers
 * 4.04 for IDs that do not exist. Handlers print what arrived and count it;
 * the scenario's wait-register/-update/-deregister steps consume the counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "srv.h"

static struct srv *the_srv;	/* libcoap's handlers carry no context pointer */
static unsigned int next_id = 1;

struct query {
	const char *ep, *lt, *lwm2m, *b;
	char buf[512];
};

/* Splits "ep=dev&lt=60" (libcoap joins Uri-Query options with '&'). */
static int parse_query(const coap_string_t *q, struct query *qr, const char **err)
{
	char *save, *kv;

	memset(qr, 0, sizeof(*qr));
	if (!q)
		return 0;
	if (q->length >= sizeof(qr->buf)) {
		*err = "query too long";
		return -EINVAL;
	}
	memcpy(qr->buf, q->s, q->length);
	for (kv = strtok_r(qr->buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *v = strchr(kv, '=');

		if (!v)
			continue;	/* "Q" (queue mode in 1.0) and friends */
		*v++ = 0;
		if (!strcmp(kv, "ep"))
			qr->ep = v;
		else if (!strcmp(kv, "lt"))
			qr->lt = v;
		else if (!strcmp(kv, "lwm2m"))
			qr->lwm2m = v;
		else if (!strcmp(kv, "b"))
			qr->b = v;
	}
	if (qr->lt) {
		char *end;
		long lt = strtol(qr->lt, &end, 10);

		if (!*qr->lt || *end || lt <= 0) {
			*err = "lt is not a positive number";
			return -EINVAL;
		}
	}
	return 0;
}

static void print_objects(const struct link_list *l)
{
	fprintf(out, "#   objects:");
	for (size_t i = 0; i < l->n; i++) {
		fputc(' ', out);
		link_print(out, &l->l[i]);
	}
	fputc('\n', out);
}

/* The payload as a link list, if any; a non-link Content-Format is refused. */
static int payload_objects(const coap_pdu_t *req, struct link_list *objs, bool *has,
			   const char **err)
{
	const uint8_t *data;
	size_t len, off, total;
	coap_opt_iterator_t it;
	coap_opt_t *cf = coap_check_option(req, COAP_OPTION_CONTENT_FORMAT, &it);

	*has = false;
	if (cf && coap_decode_var_bytes(coap_opt_value(cf), coap_opt_length(cf)) != CF_LINK) {
		*err = "Content-Format is not link-format";
		return -EPROTONOSUPPORT;
	}
	if (!coap_get_data_large(req, &len, &data, &off, &total) || !len)
		return 0;
	*has = true;
	return link_parse((const char *)data, len, objs, err);
}

static void set_session(struct client *c, coap_session_t *session)
{
	if (c->session == session)
		return;
	if (c->session)
		coap_session_release(c->session);
	c->session = coap_session_reference(session);
	coap_print_addr(coap_session_get_addr_remote(session), (uint8_t *)c->addr,
			sizeof(c->addr));
}

static void client_free(struct client *c)
{
	free(c->ep);
	free(c->lwm2m);
	free(c->binding);
	link_list_free(&c->objects);
	if (c->session)
		coap_session_release(c->session);
	free(c);
}

static void bad_request(coap_pdu_t *resp, const char *what, const char *err)
{
	fprintf(out, "# %s refused (4.00): %s\n", what, err);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
	coap_add_data(resp, strlen(err), (const uint8_t *)err);
}

static void on_update(coap_resource_t *res, coap_session_t *session, const coap_pdu_t *req,
		      const coap_string_t *query, coap_pdu_t *resp)
{
	struct client *c = coap_resource_get_userdata(res);
	struct link_list objs = { 0 };
	const char *err = NULL;
	struct query q;
	bool has;

	if (c->gone) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
		return;
	}
	if (parse_query(query, &q, &err) || payload_objects(req, &objs, &has, &err)) {
		bad_request(resp, "update", err ? err : "out of memory");
		return;
	}
	set_session(c, session);
	fprintf(out, "# update rd/%s from %s:", c->id, c->addr);
	if (q.lt) {
		c->lifetime = strtol(q.lt, NULL, 10);
		fprintf(out, " lt=%ld", c->lifetime);
	}
	if (q.b) {
		free(c->binding);
		c->binding = strdup(q.b);
		fprintf(out, " b=%s", q.b);
	}
	fprintf(out, "%s\n", has || q.lt || q.b ? "" : " (no changes)");
	if (has) {
		link_list_free(&c->objects);
		c->objects = objs;
		print_objects(&c->objects);
	}
	the_srv->n_upd++;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
}

static void on_deregister(coap_resource_t *res, coap_session_t *session, const coap_pdu_t *req,
			  const coap_string_t *query, coap_pdu_t *resp)
{
	struct client *c = coap_resource_get_userdata(res);

	if (c->gone) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
		return;
	}
	fprintf(out, "# deregister rd/%s (ep=%s)\n", c->id, c->ep);
	c->gone = true;		/* rd_reap() deletes the resource after this round */
	the_srv->n_dereg++;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_DELETED);
}

static void on_register(coap_resource_t *res, coap_session_t *session, const coap_pdu_t *req,
			const coap_string_t *query, coap_pdu_t *resp)
{
	struct client *c = NULL;
	coap_str_const_t *uri;
	const char *err = NULL;
	char path[32];
	struct query q;
	bool has;

	if (parse_query(query, &q, &err))
		goto bad;
	if (!q.ep || !*q.ep) {
		err = "no endpoint name (ep)";
		goto bad;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	if (payload_objects(req, &c->objects, &has, &err))
		goto bad;
	c->ep = strdup(q.ep);
	c->lwm2m = strdup(q.lwm2m ? q.lwm2m : "1.0");
	c->binding = strdup(q.b ? q.b : "U");
	c->lifetime = q.lt ? strtol(q.lt, NULL, 10) : 86400;
	snprintf(c->id, sizeof(c->id), "%u", next_id++);
	snprintf(path, sizeof(path), "rd/%s", c->id);
	if (!c->ep || !c->lwm2m || !c->binding)
		goto nomem;
	uri = coap_new_str_const((const uint8_t *)path, strlen(path));
	if (!uri)
		goto nomem;
	c->res = coap_resource_init(uri, COAP_RESOURCE_FLAGS_RELEASE_URI);	/* owns uri */
	if (!c->res) {
		coap_delete_str_const(uri);
		goto nomem;
	}
	coap_resource_set_userdata(c->res, c);
	coap_register_handler(c->res, COAP_REQUEST_POST, on_update);
	coap_register_handler(c->res, COAP_REQUEST_DELETE, on_deregister);
	coap_add_resource(coap_session_get_context(session), c->res);
	set_session(c, session);

	/* a new registration of the same endpoint replaces the old one */
	for (struct client *o = the_srv->clients; o; o = o->next)
		if (!o->gone && !strcmp(o->ep, c->ep)) {
			fprintf(out, "# rd/%s (ep=%s) replaced\n", o->id, o->ep);
			o->gone = true;
		}
	c->next = the_srv->clients;
	the_srv->clients = c;
	the_srv->n_reg++;

	fprintf(out, "# register rd/%s from %s: ep=%s lt=%ld lwm2m=%s b=%s\n", c->id, c->addr,
		c->ep, c->lifetime, c->lwm2m, c->binding);
	print_objects(&c->objects);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, (const uint8_t *)"rd");
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, strlen(c->id), (const uint8_t *)c->id);
	return;
nomem:
	err = "out of memory";
	fprintf(out, "# register failed: %s\n", err);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR);
	if (c)
		client_free(c);
	return;
bad:
	bad_request(resp, "register", err ? err : "out of memory");
	if (c)
		client_free(c);
}

/* libcoap answers a DELETE of an unknown path with 2.02; a deregistration
 * with a wrong ID must get 4.04 (as must an update). */
static void on_unknown(coap_resource_t *res, coap_session_t *session, const coap_pdu_t *req,
		       const coap_string_t *query, coap_pdu_t *resp)
{
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
}

int rd_init(struct srv *s)
{
	coap_resource_t *rd = coap_resource_init(coap_make_str_const("rd"), 0);
	coap_resource_t *unknown = coap_resource_unknown_init(on_unknown);

	if (!rd || !unknown) {
		if (rd)
			coap_delete_resource(s->ctx, rd);
		if (unknown)
			coap_delete_resource(s->ctx, unknown);
		return -ENOMEM;
	}
	the_srv = s;
	coap_register_handler(rd, COAP_REQUEST_POST, on_register);
	coap_add_resource(s->ctx, rd);
	coap_register_handler(unknown, COAP_REQUEST_POST, on_unknown);
	coap_register_handler(unknown, COAP_REQUEST_DELETE, on_unknown);
	coap_add_resource(s->ctx, unknown);
	return 0;
}

void rd_reap(struct srv *s)
{
	for (struct client *c = s->clients; c; c = c->next)
		if (c->gone && c->res) {
			coap_delete_resource(s->ctx, c->res);
			c->res = NULL;
		}
}

void rd_free(struct srv *s)
{
	while (s->clients) {
		struct client *c = s->clients;

		s->clients = c->next;
		client_free(c);
	}
}
