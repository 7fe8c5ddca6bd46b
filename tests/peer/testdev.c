// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2m-testdev: a small LwM2M device on libcoap, standing in for the
 * agent while the agent does not exist, so that the test server's every
 * step can be proven against something real. It is not a client to ship:
 * one server, no bootstrap, no security, a fixed data model:
 *   /3/0      Device: 0 Manufacturer, 1 Model, 2 Serial (read-only strings),
 *             4 Reboot (execute), 9 Battery (int, observable, CON notifications),
 *             11/0 Error code (multiple), 13 Time, 14 UTC offset, 15 Timezone,
 *             17 Device type (writable: a long value forces Block1/Block2)
 *   /3303/0   Temperature: 5700 value (float), 5701 units (string);
 *             /3303 takes Create, /3303/N takes Delete
 * It answers TLV, SenML JSON, SenML CBOR, text (single values) and link
 * format (discover, with written attributes), using the test server's codecs.
 *
 *   klwm2m-testdev --port P [--ep NAME] [--lifetime S] [--tick S]
 * SIGUSR1: battery - 1 (notifies); SIGUSR2: send an update;
 * SIGTERM/SIGINT: deregister and exit. --tick S does SIGUSR1's work every S.
 * One thread: the libcoap loop in main().
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <coap3/coap.h>

#include "formats.h"
#include "linkfmt.h"

FILE *out;

static volatile sig_atomic_t sig_battery, sig_update, sig_stop;

struct def {
	const char *path;
	enum pv_kind kind;
	bool writable, exec;
};

static const struct def defs[] = {
	{ "/3/0/0", PV_STR, false, false }, { "/3/0/1", PV_STR, false, false }, { "/3/0/2", PV_STR, false, false },
	{ "/3/0/4", PV_NONE, false, true }, { "/3/0/9", PV_INT, false, false }, { "/3/0/11/0", PV_INT, false, false },
	{ "/3/0/13", PV_TIME, true, false }, { "/3/0/14", PV_STR, true, false }, { "/3/0/15", PV_STR, true, false },
	{ "/3/0/17", PV_STR, true, false },
	{ "/3303/0/5700", PV_FLOAT, true, false }, { "/3303/0/5701", PV_STR, true, false },
};

static struct {
	coap_context_t *ctx;
	coap_session_t *session;
	struct pv_list model;
	char location[64];		/* rd/<id> */
	bool registered;
	unsigned int next_inst;
	struct { struct pv_path p; char *q; } attrs[32];
	size_t nattrs;
	coap_resource_t *battery, *dev;
} d = { .next_inst = 1 };

static void on_log(coap_log_t level, const char *msg)
{
	fprintf(stderr, "dev: libcoap: %s", msg);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_battery = 1;
	else if (sig == SIGUSR2)
		sig_update = 1;
	else
		sig_stop = 1;
}

static const struct def *def_of(const struct pv_path *p)
{
	char b[40];

	pv_path_str(p, b, sizeof(b));
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(defs[i].path, b))
			return &defs[i];
	if (p->depth == 3 && p->id[0] == 3303 && (p->id[2] == 5700 || p->id[2] == 5701))
		return &defs[p->id[2] == 5700 ? 10 : 11];	/* created instances */
	return NULL;
}

static int set_value(const char *path, const char *literal)
{
	struct pv_path p;
	struct pv_value v;
	const char *err;

	if (pv_path_parse(path, &p) || pv_value_parse(literal, &v, &err))
		return -EINVAL;
	return pv_list_add(&d.model, &p, &v);
}

static int model_init(void)
{
	char type[1100] = "str:";
	int ret = 0;

	memset(type + 4, 'x', 1000);	/* > one 1024-byte block */
	ret |= set_value("/3/0/0", "\"klwm2m\"");
	ret |= set_value("/3/0/1", "\"testdev\"");
	ret |= set_value("/3/0/2", "\"0001\"");
	ret |= set_value("/3/0/9", "87");
	ret |= set_value("/3/0/11/0", "0");
	ret |= set_value("/3/0/13", "time:1700000000");
	ret |= set_value("/3/0/14", "\"+00:00\"");
	ret |= set_value("/3/0/15", "\"UTC\"");
	ret |= set_value("/3/0/17", type);
	ret |= set_value("/3303/0/5700", "21.5");
	ret |= set_value("/3303/0/5701", "\"Cel\"");
	return ret ? -ENOMEM : 0;
}

static struct pv_rec *model_find(const struct pv_path *p)
{
	return (struct pv_rec *)pv_list_find(&d.model, p);
}

static bool model_has_under(const struct pv_path *p)
{
	for (size_t i = 0; i < d.model.n; i++)
		if (pv_path_under(&d.model.r[i].path, p))
			return true;
	return false;
}

static int path_of(coap_resource_t *res, struct pv_path *p)
{
	coap_str_const_t *uri = coap_resource_get_uri_path(res);
	char b[64];

	snprintf(b, sizeof(b), "%.*s", (int)uri->length, (const char *)uri->s);
	return pv_path_parse(b, p);
}

static unsigned int opt_uint(const coap_pdu_t *pdu, uint16_t num, int dflt)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(pdu, num, &it);

	return o ? coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o)) : (unsigned int)dflt;
}

static void release(coap_session_t *s, void *p)
{
	free(p);
}

static const char *attrs_of(const struct pv_path *p)
{
	for (size_t i = 0; i < d.nattrs; i++)
		if (pv_path_eq(&d.attrs[i].p, p))
			return d.attrs[i].q;
	return NULL;
}

/* Discover: the target, then each resource under it, with attributes. */
static void discover(const struct pv_path *p, struct pbuf *o)
{
	char b[48];
	const char *a;

	pv_path_str(p, b, sizeof(b));
	pbuf_put(o, "<", 1);
	pbuf_put(o, b, strlen(b));
	pbuf_put(o, ">", 1);
	if ((a = attrs_of(p))) {
		pbuf_put(o, ";", 1);
		pbuf_put(o, a, strlen(a));
	}
	for (size_t i = 0; i < d.model.n; i++) {
		struct pv_path r = d.model.r[i].path;

		if (r.depth < 3 || !pv_path_under(&r, p) || pv_path_eq(&r, p))
			continue;
		r.depth = 3;
		if (i && d.model.r[i - 1].path.depth >= 3 &&
		    pv_path_under(&d.model.r[i - 1].path, &r))
			continue;	/* one link per multiple resource */
		pv_path_str(&r, b, sizeof(b));
		pbuf_put(o, ",<", 2);
		pbuf_put(o, b, strlen(b));
		pbuf_put(o, ">", 1);
		if (d.model.r[i].path.depth == 4)
			pbuf_put(o, ";dim=1", 6);
		if ((a = attrs_of(&r))) {
			pbuf_put(o, ";", 1);
			pbuf_put(o, a, strlen(a));
		}
	}
}

static void on_get(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
		   const coap_string_t *query, coap_pdu_t *resp)
{
	struct pv_list sel = { 0 };
	struct pv_path p;
	int accept;
	const char *err;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (path_of(res, &p) == 0 && p.depth >= 3 && def_of(&p) && def_of(&p)->exec) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_ALLOWED);
		return;
	}
	if (path_of(res, &p) || !model_has_under(&p)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
		return;
	}
	accept = (int)opt_uint(req, COAP_OPTION_ACCEPT, p.depth >= 3 && model_find(&p) ?
			       CF_TEXT : CF_TLV);
	if (accept == CF_LINK) {
		struct pbuf o = { 0 };

		discover(&p, &o);
		if (o.err) {
			coap_pdu_set_code(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR);
			return;
		}
		buf = o.b;
		len = o.n;
	} else {
		for (size_t i = 0; i < d.model.n; i++)
			if (pv_path_under(&d.model.r[i].path, &p)) {
				if (sel.n == sel.cap) {
					struct pv_rec *r = realloc(sel.r, (sel.cap + 16) * sizeof(*r));

					if (!r)
						break;
					sel.r = r;
					sel.cap += 16;
				}
				sel.r[sel.n++] = d.model.r[i];
			}
		if (fmt_encode(accept, &p, &sel, &buf, &len, &err)) {
			fprintf(stderr, "dev: GET %s as %d: %s\n", coap_resource_get_uri_path(res)->s,
				accept, err);
			free(sel.r);
			coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_ACCEPTABLE);
			return;
		}
		free(sel.r);	/* the records are the model's */
	}
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CONTENT);
	if (accept == CF_TEXT) {	/* libcoap leaves out a Content-Format of 0 */
		uint8_t z;

		coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(&z, 1, 0), &z);
	}
	coap_add_data_large_response(res, s, req, resp, query, (uint16_t)accept, -1, 0, len, buf,
				     release, buf);
}

/* Applies decoded values to the model: 2.04, or the code that refuses them. */
static coap_pdu_code_t apply(const struct pv_list *vals, bool create)
{
	for (size_t i = 0; i < vals->n; i++) {
		const struct def *df = def_of(&vals->r[i].path);
		struct pv_rec *rec = model_find(&vals->r[i].path);

		if (!df)
			return COAP_RESPONSE_CODE_NOT_FOUND;
		if ((!df->writable && !create) || df->exec)
			return COAP_RESPONSE_CODE_NOT_ALLOWED;
		struct pv_value v;

		if (pv_convert(&vals->r[i].v, df->kind, &v))
			return COAP_RESPONSE_CODE_BAD_REQUEST;
		if (rec) {
			pv_value_free(&rec->v);
			rec->v = v;
		} else if (pv_list_add(&d.model, &vals->r[i].path, &v)) {
			return COAP_RESPONSE_CODE_INTERNAL_ERROR;
		}
	}
	return COAP_RESPONSE_CODE_CHANGED;
}

static int decode(const coap_pdu_t *req, const struct pv_path *p, struct pv_list *vals)
{
	const uint8_t *data;
	size_t len = 0, off, total;
	const char *err;
	int cf = (int)opt_uint(req, COAP_OPTION_CONTENT_FORMAT, CF_NONE);

	if (!coap_get_data_large(req, &len, &data, &off, &total))
		len = 0;
	if (fmt_decode(cf, p, data, len, vals, &err)) {
		fprintf(stderr, "dev: cannot decode format %d: %s\n", cf, err);
		return -EINVAL;
	}
	return 0;
}

static void add_attrs(const struct pv_path *p, const coap_string_t *q)
{
	char *s = strndup((const char *)q->s, q->length);
	size_t i;

	if (!s)
		return;
	for (i = 0; i < d.nattrs; i++)
		if (pv_path_eq(&d.attrs[i].p, p))
			break;
	if (i == sizeof(d.attrs) / sizeof(d.attrs[0])) {
		free(s);
		return;
	}
	if (i == d.nattrs)
		d.nattrs++;
	else
		free(d.attrs[i].q);
	for (char *c = s; *c; c++)	/* "pmin=1&pmax=5" -> "pmin=1;pmax=5" */
		if (*c == '&')
			*c = ';';
	d.attrs[i].p = *p;
	d.attrs[i].q = s;
}

static void notify_changes(void)
{
	coap_resource_notify_observers(d.battery, NULL);
	coap_resource_notify_observers(d.dev, NULL);
}

static void on_put(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
		   const coap_string_t *query, coap_pdu_t *resp)
{
	struct pv_list vals = { 0 };
	struct pv_path p;

	path_of(res, &p);
	if (opt_uint(req, COAP_OPTION_CONTENT_FORMAT, CF_NONE) == (unsigned int)CF_NONE && query) {
		add_attrs(&p, query);	/* write-attributes */
		fprintf(stderr, "dev: attributes %.*s on %s\n", (int)query->length, query->s,
			coap_resource_get_uri_path(res)->s);
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
		return;
	}
	if (decode(req, &p, &vals)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
		return;
	}
	coap_pdu_set_code(resp, apply(&vals, false));
	pv_list_free(&vals);
	notify_changes();
}

static void on_post(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
		    const coap_string_t *query, coap_pdu_t *resp);

static coap_resource_t *add_res(const char *uri, bool observable)
{
	coap_resource_t *r = coap_resource_init(coap_new_str_const((const uint8_t *)uri, strlen(uri)),
						COAP_RESOURCE_FLAGS_RELEASE_URI |
						COAP_RESOURCE_FLAGS_NOTIFY_CON);

	if (!r)
		return NULL;
	coap_register_handler(r, COAP_REQUEST_GET, on_get);
	coap_register_handler(r, COAP_REQUEST_PUT, on_put);
	coap_register_handler(r, COAP_REQUEST_POST, on_post);
	coap_resource_set_get_observable(r, observable);
	coap_add_resource(d.ctx, r);
	return r;
}

static void on_delete(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
		      const coap_string_t *query, coap_pdu_t *resp)
{
	struct pv_path p;
	size_t k = 0;

	path_of(res, &p);
	if (p.depth != 2 || p.id[0] != 3303 || !model_has_under(&p)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_ALLOWED);
		return;
	}
	for (size_t i = 0; i < d.model.n; i++) {
		if (pv_path_under(&d.model.r[i].path, &p))
			pv_value_free(&d.model.r[i].v);
		else
			d.model.r[k++] = d.model.r[i];
	}
	d.model.n = k;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_DELETED);
}

static void create(const coap_pdu_t *req, const struct pv_path *p, coap_pdu_t *resp)
{
	struct pv_list vals = { 0 };
	unsigned int inst = PV_NO_ID;
	char loc[16];
	coap_resource_t *r;

	if (decode(req, p, &vals) || !vals.n) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
		goto out;
	}
	for (size_t i = 0; i < vals.n; i++) {	/* one instance, given or not */
		if (inst != PV_NO_ID && vals.r[i].path.id[1] != inst) {
			coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
			goto out;
		}
		inst = vals.r[i].path.id[1];
	}
	if (inst == PV_NO_ID)
		inst = d.next_inst;
	for (size_t i = 0; i < vals.n; i++)
		vals.r[i].path.id[1] = (uint16_t)inst;
	struct pv_path ip = { { p->id[0], (uint16_t)inst }, 2 };

	if (model_has_under(&ip)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
		goto out;
	}
	coap_pdu_code_t code = apply(&vals, true);

	if (code != COAP_RESPONSE_CODE_CHANGED) {
		coap_pdu_set_code(resp, code);
		goto out;
	}
	if (inst >= d.next_inst)
		d.next_inst = inst + 1;
	snprintf(loc, sizeof(loc), "3303/%u", inst);
	r = add_res(loc, false);
	if (r)
		coap_register_handler(r, COAP_REQUEST_DELETE, on_delete);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 4, (const uint8_t *)"3303");
	snprintf(loc, sizeof(loc), "%u", inst);
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, strlen(loc), (const uint8_t *)loc);
out:
	pv_list_free(&vals);
}

static void on_post(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
		    const coap_string_t *query, coap_pdu_t *resp)
{
	struct pv_list vals = { 0 };
	const struct def *df;
	struct pv_path p;
	const uint8_t *data;
	size_t len = 0, off, total;

	path_of(res, &p);
	if (p.depth == 1) {
		create(req, &p, resp);
		return;
	}
	df = p.depth == 3 ? def_of(&p) : NULL;
	if (df && df->exec) {
		if (!coap_get_data_large(req, &len, &data, &off, &total))
			len = 0;
		fprintf(stderr, "dev: execute %s args '%.*s'\n", coap_resource_get_uri_path(res)->s,
			(int)len, len ? (const char *)data : "");
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
		return;
	}
	if (p.depth != 2) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_ALLOWED);
		return;
	}
	if (decode(req, &p, &vals)) {	/* write-update: partial */
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
		return;
	}
	coap_pdu_set_code(resp, apply(&vals, false));
	pv_list_free(&vals);
	notify_changes();
}

static coap_response_t on_response(coap_session_t *s, const coap_pdu_t *sent,
				   const coap_pdu_t *rcv, const coap_mid_t mid)
{
	coap_opt_iterator_t it;
	coap_opt_t *o;
	unsigned int code = coap_pdu_get_code(rcv);

	fprintf(stderr, "dev: server answered %u.%02u\n", code >> 5, code & 31);
	if (code != COAP_RESPONSE_CODE_CREATED)
		return COAP_RESPONSE_OK;
	d.location[0] = 0;
	coap_option_iterator_init(rcv, &it, COAP_OPT_ALL);
	while ((o = coap_option_next(&it)))
		if (it.number == COAP_OPTION_LOCATION_PATH) {
			size_t l = strlen(d.location);

			snprintf(d.location + l, sizeof(d.location) - l, "%s%.*s", l ? "/" : "",
				 (int)coap_opt_length(o), (const char *)coap_opt_value(o));
		}
	d.registered = true;
	return COAP_RESPONSE_OK;
}

static int send_rd(coap_pdu_code_t method, const char *path, const char *query,
		   const char *payload)
{
	coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, method, d.session);
	coap_optlist_t *l = NULL;
	uint8_t tok[8], b[4];
	size_t toklen;
	char buf[256], *save, *seg;

	if (!pdu)
		return -ENOMEM;
	coap_session_new_token(d.session, &toklen, tok);
	coap_add_token(pdu, toklen, tok);
	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
		coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_URI_PATH, strlen(seg),
							 (const uint8_t *)seg));
	if (payload)
		coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_CONTENT_FORMAT,
				    coap_encode_var_safe(b, sizeof(b), CF_LINK), b));
	snprintf(buf, sizeof(buf), "%s", query ? query : "");
	for (seg = strtok_r(buf, "&", &save); seg; seg = strtok_r(NULL, "&", &save))
		coap_insert_optlist(&l, coap_new_optlist(COAP_OPTION_URI_QUERY, strlen(seg),
							 (const uint8_t *)seg));
	coap_add_optlist_pdu(pdu, &l);
	coap_delete_optlist(l);
	if (payload)
		coap_add_data(pdu, strlen(payload), (const uint8_t *)payload);
	return coap_send(d.session, pdu) == COAP_INVALID_MID ? -EIO : 0;
}

static void run(unsigned int tick_ms)
{
	struct timespec last, now;

	clock_gettime(CLOCK_MONOTONIC, &last);
	while (!sig_stop) {
		coap_io_process(d.ctx, 100);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (tick_ms && (now.tv_sec - last.tv_sec) * 1000 +
		    (now.tv_nsec - last.tv_nsec) / 1000000 >= tick_ms) {
			last = now;
			sig_battery = 1;
		}
		if (sig_battery) {
			struct pv_path p = { { 3, 0, 9 }, 3 };

			sig_battery = 0;
			model_find(&p)->v.i--;
			fprintf(stderr, "dev: battery %lld\n", (long long)model_find(&p)->v.i);
			notify_changes();
		}
		if (sig_update && d.registered) {
			sig_update = 0;
			send_rd(COAP_REQUEST_CODE_POST, d.location, NULL, NULL);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "port", required_argument, NULL, 'p' }, { "ep", required_argument, NULL, 'e' },
		{ "lifetime", required_argument, NULL, 'l' }, { "tick", required_argument, NULL, 't' },
		{ 0 }
	};
	const char *ep = "testdev";
	unsigned int port = 5683, lifetime = 60;
	double tick = 0;
	coap_address_t a;
	struct sigaction sa = { .sa_handler = on_signal };
	char query[128];
	int opt;

	out = stderr;
	while ((opt = getopt_long(argc, argv, "p:e:l:t:", lopts, NULL)) != -1) {
		if (opt == 'p')
			port = (unsigned int)atoi(optarg);
		else if (opt == 'e')
			ep = optarg;
		else if (opt == 'l')
			lifetime = (unsigned int)atoi(optarg);
		else if (opt == 't')
			tick = atof(optarg);
		else {
			fprintf(stderr, "usage: klwm2m-testdev --port P [--ep NAME] [--lifetime S] [--tick S]\n");
			return 2;
		}
	}
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	coap_startup();
	coap_set_log_handler(on_log);
	coap_set_log_level(LOG_WARNING);
	if (model_init())
		return 1;
	coap_address_init(&a);
	a.addr.sin.sin_family = AF_INET;
	a.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.size = sizeof(a.addr.sin);
	coap_address_set_port(&a, (uint16_t)port);
	d.ctx = coap_new_context(NULL);
	if (!d.ctx)
		return 1;
	coap_context_set_block_mode(d.ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
	coap_register_response_handler(d.ctx, on_response);
	d.session = coap_new_client_session(d.ctx, NULL, &a, COAP_PROTO_UDP);
	if (!d.session)
		return 1;
	add_res("3", false);
	d.dev = add_res("3/0", true);
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		char uri[32];
		struct pv_path p;

		pv_path_parse(defs[i].path, &p);
		p.depth = 3;	/* /3/0/11/0 is served by /3/0/11 */
		pv_path_str(&p, uri, sizeof(uri));
		coap_resource_t *r = add_res(uri + 1, p.id[2] == 9);

		if (p.id[2] == 9 && p.id[0] == 3)
			d.battery = r;
	}
	add_res("3303", false);
	coap_register_handler(add_res("3303/0", true), COAP_REQUEST_DELETE, on_delete);

	snprintf(query, sizeof(query), "ep=%s&lt=%u&lwm2m=1.1&b=U", ep, lifetime);
	send_rd(COAP_REQUEST_CODE_POST, "rd", query, "</1/0>,</3/0>;ver=1.1,</3303/0>");
	run((unsigned int)(tick * 1000));
	if (d.registered) {	/* deregister, and give the answer a moment */
		send_rd(COAP_REQUEST_CODE_DELETE, d.location, NULL, NULL);
		for (int i = 0; i < 10; i++)
			coap_io_process(d.ctx, 100);
	}
	coap_session_release(d.session);
	coap_free_context(d.ctx);
	pv_list_free(&d.model);
	for (size_t i = 0; i < d.nattrs; i++)
		free(d.attrs[i].q);
	coap_cleanup();
	return 0;
}
