// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scenario runner: one function per kind of step. Each sends what the
 * step says, prints what it sent and what came back, and checks the
 * expectations; the verdict goes into a struct result that becomes the TAP
 * line. A step never stops the run (unless --bail): later steps say for
 * themselves that there is no device.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "steps.h"

struct result {
	bool failed;
	char msg[600];
};

__attribute__((format(printf, 2, 3)))
static void failf(struct result *r, const char *fmt, ...)
{
	size_t l = strlen(r->msg);
	va_list ap;

	if (!r->failed)
		l = 0;		/* a failure replaces the success summary */
	else if (l < sizeof(r->msg) - 2)
		l += (size_t)snprintf(r->msg + l, sizeof(r->msg) - l, "; ");
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(r->msg + l, sizeof(r->msg) - l, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void okf(struct result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

static unsigned int ms(double seconds, double dflt)
{
	return (unsigned int)((seconds < 0 ? dflt : seconds) * 1000);
}

static const char *method_name(coap_pdu_code_t m)
{
	return m == COAP_REQUEST_CODE_GET ? "GET" : m == COAP_REQUEST_CODE_PUT ? "PUT" :
	       m == COAP_REQUEST_CODE_POST ? "POST" : "DELETE";
}

static const char *why(int err)
{
	switch (err) {
	case -ENOTCONN: return "no registered device";
	case -ETIMEDOUT: return "no response (timeout)";
	case -ECONNRESET: return "the device answered RST";
	case -EINTR: return "interrupted";
	case -ENOENT: return "libcoap does not know that observation";
	default: return strerror(-err);
	}
}

static void print_payload(const struct resp *rsp)
{
	bool text = true;

	for (size_t i = 0; i < rsp->len; i++)
		if (rsp->payload[i] < 0x20 || rsp->payload[i] >= 0x7f)
			text = false;
	if (text)
		fprintf(out, "#   payload: \"%s\"\n", (const char *)rsp->payload);
	else {
		struct pv_value v = { .kind = PV_OPAQUE, .buf = rsp->payload, .len = rsp->len };

		fputs("#   payload: ", out);
		pv_value_print(out, &v);
		fputc('\n', out);
	}
}

/* Sends, prints, checks the code. 0 when a response came (even a wrong one). */
static int request(struct srv *s, const struct step *st, struct req_opts *o, struct resp *rsp,
		   struct result *r, uint8_t *tok, size_t *toklen)
{
	char p[40], c[8], cfb[8];
	int ret;

	fprintf(out, "# -> %s %s%s%s", method_name(o->method), pv_path_str(o->path, p, sizeof(p)),
		o->query ? "?" : "", o->query ? o->query : "");
	if (o->accept != CF_NONE)
		fprintf(out, " accept=%s", fmt_name(o->accept, cfb, sizeof(cfb)));
	if (o->cf != CF_NONE)
		fprintf(out, " format=%s", fmt_name(o->cf, cfb, sizeof(cfb)));
	if (o->observe >= 0)
		fprintf(out, " observe=%d", o->observe);
	fprintf(out, ", %zu bytes\n", o->len);
	ret = req_run(s, o, rsp, tok, toklen);
	if (ret) {
		failf(r, "%s", why(ret));
		return ret;
	}
	print_code(c, sizeof(c), rsp->code);
	fprintf(out, "# <- %s, %s, %zu bytes%s%s\n", c, fmt_name(rsp->cf, cfb, sizeof(cfb)),
		rsp->len, *rsp->location ? ", Location-Path " : "", rsp->location);
	if (rsp->code >> 5 != 2 && rsp->len)
		print_payload(rsp);
	if (st->expect >= 0 && rsp->code != (unsigned int)st->expect) {
		char e[8];

		print_code(e, sizeof(e), (unsigned int)st->expect);
		failf(r, "expected %s, got %s", e, c);
	}
	return 0;
}

static void check_conds(const struct step *st, const struct pv_list *vals, struct result *r)
{
	char p[40];

	for (size_t i = 0; i < st->nconds; i++) {
		const struct cond *cd = &st->conds[i];
		const struct pv_rec *rec = pv_list_find(vals, &cd->path);
		int ok;

		pv_path_str(&cd->path, p, sizeof(p));
		if (!rec) {
			failf(r, "%s: not in the answer", p);
			continue;
		}
		ok = pv_compare(&rec->v, cd->op, &cd->v);
		if (ok == 1)
			continue;
		/* say what was there, in the condition's terms */
		char *got = NULL, *want = NULL;
		size_t gl, wl;
		FILE *g = open_memstream(&got, &gl), *w = open_memstream(&want, &wl);

		if (g && w) {
			pv_value_print(g, &rec->v);
			pv_value_print(w, &cd->v);
			fclose(g);
			fclose(w);
			g = w = NULL;
			failf(r, ok < 0 ? "%s is %s, not comparable with %s%s" :
				  "%s is %s, expected %s%s", p, got, pv_op_str(cd->op), want);
		} else {
			failf(r, "%s: does not hold", p);
		}
		if (g)
			fclose(g);
		if (w)
			fclose(w);
		free(got);
		free(want);
	}
}

/* Decodes a 2.xx answer, prints it, checks content=, value and count. */
static void check_body(const struct step *st, const struct resp *rsp, struct result *r)
{
	struct pv_list vals = { 0 };
	char cfb[8], want[8];
	const char *err = NULL;
	size_t count = 0;

	if (st->content != CF_NONE && rsp->cf != st->content)
		failf(r, "content format %s, expected %s", fmt_name(rsp->cf, cfb, sizeof(cfb)),
		      fmt_name(st->content, want, sizeof(want)));
	if (rsp->code >> 5 != 2) {
		okf(r, "%u.%02u", rsp->code >> 5, rsp->code & 31);
		return;
	}
	if (rsp->cf == CF_LINK) {
		struct link_list l;

		if (link_parse((const char *)rsp->payload, rsp->len, &l, &err)) {
			failf(r, "bad link format: %s", err);
			return;
		}
		for (size_t i = 0; i < l.n; i++) {
			fputs("#   ", out);
			link_print(out, &l.l[i]);
			fputc('\n', out);
		}
		count = l.n;
		for (size_t i = 0; i < st->contains.n; i++)
			if (!link_list_contains(&l, &st->contains.l[i])) {
				char *s = NULL;
				size_t sl;
				FILE *f = open_memstream(&s, &sl);

				if (f) {
					link_print(f, &st->contains.l[i]);
					fclose(f);
				}
				failf(r, "no link %s", s ? s : "?");
				free(s);
			}
		link_list_free(&l);
		if (st->nconds)
			failf(r, "value checks on a link-format answer");
	} else if (rsp->cf == CF_NONE && !rsp->len) {
		if (st->nconds || st->count > 0)
			failf(r, "empty answer");
	} else if (fmt_decode(rsp->cf, &st->path, rsp->payload, rsp->len, &vals, &err)) {
		failf(r, "cannot decode %s: %s", fmt_name(rsp->cf, cfb, sizeof(cfb)), err);
	} else {
		print_values(&vals);
		count = vals.n;
		check_conds(st, &vals, r);
	}
	if (st->contains.n && rsp->cf != CF_LINK)
		failf(r, "not a link-format answer");
	if (st->count >= 0 && count != (size_t)st->count)
		failf(r, "%zu %s, expected %ld", count, rsp->cf == CF_LINK ? "links" : "values",
		      st->count);
	okf(r, "%u.%02u, %s, %zu %s", rsp->code >> 5, rsp->code & 31,
	    fmt_name(rsp->cf, cfb, sizeof(cfb)), count, rsp->cf == CF_LINK ? "links" : "values");
	pv_list_free(&vals);
}

static struct req_opts opts(const struct step *st, coap_pdu_code_t m)
{
	return (struct req_opts){ .method = m, .path = &st->path, .accept = CF_NONE,
				  .cf = CF_NONE, .observe = -1 };
}

static void ok_code(const struct resp *rsp, struct result *r)
{
	okf(r, "%u.%02u", rsp->code >> 5, rsp->code & 31);
}

static void run_read(struct srv *s, const struct step *st, struct result *r, bool observe)
{
	struct req_opts o = opts(st, COAP_REQUEST_CODE_GET);
	struct resp rsp;
	uint8_t tok[8];
	size_t toklen = 0;
	struct obs *ob;

	o.accept = st->kind == ST_DISCOVER ? CF_LINK : st->accept;
	o.observe = observe ? 0 : -1;
	if (request(s, st, &o, &rsp, r, tok, &toklen))
		return;
	check_body(st, &rsp, r);
	if (observe && rsp.code >> 5 == 2) {
		if (!rsp.has_observe)
			failf(r, "no Observe option in the answer: not observed");
		ob = calloc(1, sizeof(*ob));
		if (!ob) {
			failf(r, "out of memory");
		} else {
			ob->path = st->path;
			memcpy(ob->token, tok, toklen);
			ob->toklen = toklen;
			ob->accept = st->accept;
			ob->session = coap_session_reference(srv_client(s)->session);
			ob->since = srv_now(s);
			ob->cancelled = !rsp.has_observe;
			ob->next = s->obs;
			s->obs = ob;
		}
	}
	resp_free(&rsp);
}

static void run_write(struct srv *s, const struct step *st, struct result *r)
{
	coap_pdu_code_t m = st->kind == ST_WRITE ? COAP_REQUEST_CODE_PUT : COAP_REQUEST_CODE_POST;
	struct req_opts o = opts(st, m);
	struct pv_path base = st->path;
	const char *err = NULL;
	struct resp rsp;
	uint8_t *buf;
	size_t len;
	char p[40];

	if (st->kind == ST_CREATE && st->instance != PV_NO_ID) {
		base.id[1] = (uint16_t)st->instance;	/* instance wrapper (TLV) / names */
		base.depth = 2;
	}
	if (fmt_encode(st->format, st->kind == ST_CREATE ? &st->path : &base, &st->values, &buf,
		       &len, &err)) {
		failf(r, "cannot encode: %s", err ? err : "out of memory");
		return;
	}
	print_values(&st->values);
	o.cf = st->format;
	o.payload = buf;
	o.len = len;
	if (request(s, st, &o, &rsp, r, NULL, NULL)) {
		free(buf);
		return;
	}
	free(buf);
	ok_code(&rsp, r);
	if (st->kind == ST_CREATE && rsp.code == COAP_RESPONSE_CODE_CREATED) {
		struct pv_path loc;

		/* the new instance's path; the device must say it when it chose */
		if (st->location && strcmp(rsp.location, st->location))
			failf(r, "Location-Path '%s', expected '%s'", rsp.location, st->location);
		else if (!*rsp.location && st->instance == PV_NO_ID)
			failf(r, "no Location-Path for an instance the device chose");
		else if (*rsp.location && (pv_path_parse(rsp.location, &loc) || loc.depth != 2 ||
			 loc.id[0] != st->path.id[0] ||
			 (st->instance != PV_NO_ID && loc.id[1] != st->instance)))
			failf(r, "Location-Path '%s' is not the new instance of %s", rsp.location,
			      pv_path_str(&st->path, p, sizeof(p)));
		okf(r, "2.01%s%s", *rsp.location ? ", " : "", rsp.location);
	}
	resp_free(&rsp);
}

static void run_simple(struct srv *s, const struct step *st, struct result *r)
{
	coap_pdu_code_t m = st->kind == ST_DELETE ? COAP_REQUEST_CODE_DELETE :
			    st->kind == ST_EXECUTE ? COAP_REQUEST_CODE_POST : COAP_REQUEST_CODE_PUT;
	struct req_opts o = opts(st, m);
	struct resp rsp;

	o.query = st->query;
	if (st->args) {
		o.payload = (const uint8_t *)st->args;
		o.len = strlen(st->args);
	}
	if (request(s, st, &o, &rsp, r, NULL, NULL))
		return;
	ok_code(&rsp, r);
	resp_free(&rsp);
}

static struct obs *find_obs(struct srv *s, const struct pv_path *p, struct result *r)
{
	char b[40];

	for (struct obs *o = s->obs; o; o = o->next)
		if (pv_path_eq(&o->path, p))
			return o;
	failf(r, "%s is not observed", pv_path_str(p, b, sizeof(b)));
	return NULL;
}

struct notify_wait {
	struct obs *o;
	size_t want;
};

static bool enough_notes(struct srv *s, void *arg)
{
	struct notify_wait *w = arg;

	return w->o->n - w->o->consumed >= w->want;
}

static void run_wait_notify(struct srv *s, const struct step *st, struct result *r)
{
	struct obs *o = find_obs(s, &st->path, r);
	size_t want = st->count < 0 ? 1 : (size_t)st->count;
	struct notify_wait w = { o, want ? want : SIZE_MAX };
	double prev, start = srv_now(s);
	size_t late;
	int ret;

	if (!o)
		return;
	late = o->late;
	ret = srv_wait(s, enough_notes, &w, ms(st->within, 30));
	if (!want) {
		if (o->n > o->consumed)
			failf(r, "%zu notifications, expected none", o->n - o->consumed);
		if (o->late > late)
			failf(r, "%zu notifications after the cancel", o->late - late);
		okf(r, "no notification in %.1f s", srv_now(s) - start);
		o->consumed = o->n;
		return;
	}
	if (ret) {
		failf(r, "%zu of %zu notifications within %.1f s%s", o->n - o->consumed, want,
		      srv_now(s) - start, o->cancelled ? " (observation ended)" : "");
		return;
	}
	prev = o->consumed ? o->notes[o->consumed - 1].t : o->since;
	for (size_t i = o->consumed; i < o->consumed + want; i++) {
		const struct note *n = &o->notes[i];
		double gap = n->t - prev;

		if (st->min_gap >= 0 && gap < st->min_gap)
			failf(r, "notification %zu came %.2f s after the one before (min-gap %.2f)",
			      i + 1, gap, st->min_gap);
		if (st->max_gap >= 0 && gap > st->max_gap)
			failf(r, "notification %zu came %.2f s after the one before (max-gap %.2f)",
			      i + 1, gap, st->max_gap);
		if (n->code >> 5 != 2)
			failf(r, "notification %zu is %u.%02u", i + 1, n->code >> 5, n->code & 31);
		if (n->err)
			failf(r, "notification %zu: cannot decode: %s", i + 1, n->err);
		prev = n->t;
	}
	o->consumed += want;
	check_conds(st, &o->notes[o->consumed - 1].vals, r);
	okf(r, "%zu notification%s in %.1f s", want, want > 1 ? "s" : "", srv_now(s) - start);
}

static void run_cancel(struct srv *s, const struct step *st, struct result *r)
{
	struct obs *o = find_obs(s, &st->path, r);
	struct req_opts q = opts(st, COAP_REQUEST_CODE_GET);
	struct resp rsp;

	if (!o)
		return;
	if (o->cancelled) {
		failf(r, "the observation has ended already");
		return;
	}
	/* RFC 7641 §3.6: a GET with Observe=1 and the observation's token */
	q.observe = 1;
	q.accept = o->accept;
	q.token = o->token;
	q.toklen = o->toklen;
	q.cancel = true;
	o->cancelled = true;	/* from now on a notification gets RST */
	if (request(s, st, &q, &rsp, r, NULL, NULL))
		return;
	if (rsp.has_observe)
		failf(r, "the answer still carries an Observe option");
	ok_code(&rsp, r);
	resp_free(&rsp);
}

static bool rst_sent(struct srv *s, void *arg)
{
	return ((struct obs *)arg)->rst_done;
}

static void run_cancel_rst(struct srv *s, const struct step *st, struct result *r)
{
	struct obs *o = find_obs(s, &st->path, r);

	if (!o)
		return;
	if (o->cancelled) {
		failf(r, "the observation has ended already");
		return;
	}
	/* libcoap acknowledges a block-wise notification's first block before
	 * the body is complete: this RST works on single-block notifications */
	o->rst_next = true;
	if (srv_wait(s, rst_sent, o, ms(st->within, 30))) {
		o->rst_next = false;
		failf(r, "no notification to answer with RST");
		return;
	}
	okf(r, "RST sent to notification %zu", o->n);
	o->consumed = o->n;
}

struct event_wait {
	const unsigned int *seen, *used;
};

static bool event_arrived(struct srv *s, void *arg)
{
	struct event_wait *w = arg;

	return *w->seen > *w->used;
}

static void run_wait_event(struct srv *s, const struct step *st, struct result *r)
{
	static const char *const what[] = { "registration", "update", "deregistration" };
	unsigned int *seen[] = { &s->n_reg, &s->n_upd, &s->n_dereg };
	unsigned int *used[] = { &s->used_reg, &s->used_upd, &s->used_dereg };
	int k = st->kind == ST_WAIT_REGISTER ? 0 : st->kind == ST_WAIT_UPDATE ? 1 : 2;
	struct event_wait w = { seen[k], used[k] };
	double start = srv_now(s);

	if (srv_wait(s, event_arrived, &w, ms(st->within, 30))) {
		failf(r, "no %s within %.1f s", what[k], srv_now(s) - start);
		return;
	}
	(*used[k])++;
	if (k == 0) {
		struct client *c = srv_client(s);

		okf(r, "ep=%s registered as rd/%s", c ? c->ep : "?", c ? c->id : "?");
	} else {
		okf(r, "%s after %.1f s", what[k], srv_now(s) - start);
	}
}

static bool never(struct srv *s, void *arg)
{
	return false;
}

static void run_raw(struct srv *s, const struct step *st, struct result *r)
{
	unsigned int wait = ms(st->within, 2);
	uint8_t reply[1500];
	size_t got;
	struct pv_value v = { .kind = PV_OPAQUE, .buf = st->raw, .len = st->rawlen };
	char c[8], e[8];
	int ret;

	fputs("# -> raw ", out);
	pv_value_print(out, &v);
	fputc('\n', out);
	ret = raw_exchange(s, st->raw, st->rawlen, wait, reply, sizeof(reply), &got);
	if (ret) {
		failf(r, "%s", why(ret));
		return;
	}
	if (!got) {
		fprintf(out, "# <- nothing in %.1f s\n", wait / 1000.0);
		if (st->expect != EXPECT_NONE)
			failf(r, "no answer");
		okf(r, "no answer");
		return;
	}
	v.buf = reply;
	v.len = got;
	fputs("# <- raw ", out);
	pv_value_print(out, &v);
	fputc('\n', out);
	if (got < 4 || reply[0] >> 6 != 1) {
		failf(r, "the answer is not CoAP");
		return;
	}
	print_code(c, sizeof(c), reply[1]);
	if ((reply[0] >> 4 & 3) == 3) {
		if (st->expect != EXPECT_RST)
			failf(r, "RST, expected %s", st->expect == EXPECT_NONE ? "no answer" : "a response");
		okf(r, "RST");
		return;
	}
	if (st->expect != reply[1]) {
		if (st->expect >= 0)
			print_code(e, sizeof(e), (unsigned int)st->expect);
		failf(r, "%s %s, expected %s", (reply[0] >> 4 & 3) == 2 ? "ACK" : "message", c,
		      st->expect == EXPECT_RST ? "RST" : st->expect == EXPECT_NONE ? "no answer" : e);
	}
	okf(r, "%s", c);
}

static void run_shell(struct srv *s, const struct step *st, struct result *r)
{
	int status, ret;

	fprintf(out, "# $ %s\n", st->cmd);
	ret = shell_run(s, st->cmd, ms(st->within, 60), &status);
	if (ret)
		failf(r, "%s", ret == -ETIMEDOUT ? "still running at the deadline: killed" :
			       strerror(-ret));
	else if (status != st->status)
		failf(r, "exit status %d, expected %d", status, st->status);
	okf(r, "exit status %d", st->status);
}

static void run_step(struct srv *s, const struct step *st, struct result *r)
{
	switch (st->kind) {
	case ST_WAIT_REGISTER:
	case ST_WAIT_UPDATE:
	case ST_WAIT_DEREGISTER:
		return run_wait_event(s, st, r);
	case ST_READ:
	case ST_DISCOVER:
		return run_read(s, st, r, false);
	case ST_OBSERVE:
		return run_read(s, st, r, true);
	case ST_WRITE:
	case ST_WRITE_UPDATE:
	case ST_CREATE:
		return run_write(s, st, r);
	case ST_WRITE_ATTR:
	case ST_EXECUTE:
	case ST_DELETE:
		return run_simple(s, st, r);
	case ST_WAIT_NOTIFY:
		return run_wait_notify(s, st, r);
	case ST_CANCEL:
		return run_cancel(s, st, r);
	case ST_CANCEL_RST:
		return run_cancel_rst(s, st, r);
	case ST_SLEEP:
		srv_wait(s, never, NULL, ms(st->within, 0));
		return okf(r, "slept %.1f s", st->within);
	case ST_RAW:
		return run_raw(s, st, r);
	case ST_EXEC_SHELL:
		return run_shell(s, st, r);
	}
}

int steps_run(struct srv *s, const struct scenario *sc, bool bail)
{
	int failed = 0;

	fprintf(out, "1..%zu\n", sc->n);
	for (size_t i = 0; i < sc->n; i++) {
		const struct step *st = &sc->steps[i];
		struct result r = { 0 };

		fprintf(out, "# step %zu (line %d): %s\n", i + 1, st->line, st->text);
		run_step(s, st, &r);
		fprintf(out, "%sok %zu - %s: %s\n", r.failed ? "not " : "", i + 1, st->text, r.msg);
		if (r.failed) {
			failed++;
			if (bail) {
				fprintf(out, "Bail out! step %zu failed\n", i + 1);
				break;
			}
		}
	}
	fprintf(out, "# %zu steps, %d failed\n", sc->n, failed);
	return failed;
}
