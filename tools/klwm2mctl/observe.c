// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2mctl attr, server and observe: the notification engine. observe is
 * one thread: poll() over the handle (klwm2m_fd()) and a signalfd, as
 * monitor and own; each notification is printed and flushed at once.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#include "ctl.h"

/* The attributes by name, as LwM2M writes them ("pmin", "gt"), and where they live. */
enum attr_kind { ATTR_SECONDS, ATTR_NUMBER, ATTR_BIT };

static const struct attr_opt {
	const char *name;
	uint32_t flag;
	enum attr_kind kind;	/* uint32_t, double, uint8_t 0/1 */
	size_t off;
} attr_opts[] = {
	{ "pmin", KLWM2M_ATTR_F_PMIN, ATTR_SECONDS, offsetof(struct klwm2m_attrs, pmin) },
	{ "pmax", KLWM2M_ATTR_F_PMAX, ATTR_SECONDS, offsetof(struct klwm2m_attrs, pmax) },
	{ "gt", KLWM2M_ATTR_F_GT, ATTR_NUMBER, offsetof(struct klwm2m_attrs, gt) },
	{ "lt", KLWM2M_ATTR_F_LT, ATTR_NUMBER, offsetof(struct klwm2m_attrs, lt) },
	{ "st", KLWM2M_ATTR_F_ST, ATTR_NUMBER, offsetof(struct klwm2m_attrs, st) },
	{ "epmin", KLWM2M_ATTR_F_EPMIN, ATTR_SECONDS, offsetof(struct klwm2m_attrs, epmin) },
	{ "epmax", KLWM2M_ATTR_F_EPMAX, ATTR_SECONDS, offsetof(struct klwm2m_attrs, epmax) },
	{ "edge", KLWM2M_ATTR_F_EDGE, ATTR_BIT, offsetof(struct klwm2m_attrs, edge) },
	{ "con", KLWM2M_ATTR_F_CON, ATTR_BIT, offsetof(struct klwm2m_attrs, con) },
	{ "hqmax", KLWM2M_ATTR_F_HQMAX, ATTR_SECONDS, offsetof(struct klwm2m_attrs, hqmax) },
};
#define NATTRS (sizeof(attr_opts) / sizeof(attr_opts[0]))

/* An unsigned decimal number up to @max; 0 or -1. */
static int parse_uint(const char *text, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	if (text[0] < '0' || text[0] > '9')
		return -1;
	*out = strtoul(text, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

static int parse_ssid(const char *text, uint16_t *ssid)
{
	unsigned long v;

	if (parse_uint(text, KLWM2M_ID_MAX, &v) || !v)
		return usage_error("a short server ID is 1..%d, not \"%s\"", KLWM2M_ID_MAX, text);
	*ssid = (uint16_t)v;
	return 0;
}

/* One attribute's value from its option's argument, into @a. */
static int parse_attr(const struct attr_opt *o, const char *text, struct klwm2m_attrs *a)
{
	char *field = (char *)a + o->off;
	struct klwm2m_value v;
	unsigned long u;

	switch (o->kind) {
	case ATTR_SECONDS:
		if (parse_uint(text, UINT32_MAX, &u))
			return usage_error("--%s takes a number 0..%u, not \"%s\"", o->name,
					   UINT32_MAX, text);
		*(uint32_t *)field = (uint32_t)u;
		break;
	case ATTR_NUMBER:
		if (klwm2m_value_parse(KLWM2M_TYPE_FLOAT, text, &v))
			return usage_error("--%s takes a number, not \"%s\"", o->name, text);
		*(double *)field = v.f;
		break;
	case ATTR_BIT:
		if (strcmp(text, "0") && strcmp(text, "1"))
			return usage_error("--%s takes 0 or 1, not \"%s\"", o->name, text);
		*(uint8_t *)field = text[0] == '1';
		break;
	}
	a->set |= o->flag;
	return 0;
}

/* "pmin,gt,..." as KLWM2M_ATTR_F_* bits. */
static int parse_clear(const char *text, uint32_t *clear)
{
	char *list = strdup(text), *save = NULL, *name;
	int rc = 0;

	if (!list)
		return usage_error("out of memory");
	for (name = strtok_r(list, ",", &save); name && !rc; name = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < NATTRS && strcmp(name, attr_opts[i].name); i++)
			;
		if (i == NATTRS)
			rc = usage_error("--clear: \"%s\" is not an attribute (pmin, pmax, gt, lt, "
					 "st, epmin, epmax, edge, con, hqmax)", name);
		else
			*clear |= attr_opts[i].flag;
	}
	free(list);
	return rc;
}

/* One attribute's value: the text form, a JSON value. */
static void attr_value(const struct attr_opt *o, const struct klwm2m_attrs *a, char *buf,
		       size_t size, struct json_object **json)
{
	const char *field = (const char *)a + o->off;
	struct klwm2m_value v = { .type = KLWM2M_TYPE_FLOAT };

	switch (o->kind) {
	case ATTR_SECONDS:
		snprintf(buf, size, "%" PRIu32, *(const uint32_t *)field);
		*json = json_object_new_int64(*(const uint32_t *)field);
		break;
	case ATTR_NUMBER:
		v.f = *(const double *)field;
		if (klwm2m_value_format(&v, buf, size) < 0)
			snprintf(buf, size, "?");
		*json = json_value(&v);
		break;
	case ATTR_BIT:
		snprintf(buf, size, "%u", *(const uint8_t *)field);
		*json = json_object_new_int(*(const uint8_t *)field);
		break;
	}
}

/* A path and its attributes: "PATH pmin=2 gt=25.5", or a JSON object (added to @list). */
static int print_attrs(const struct klwm2m_path *p, const struct klwm2m_attrs *a, void *list)
{
	struct json_object *o = json_output ? json_object_new_object() : NULL, *jv = NULL;
	char path[KLWM2M_PATH_STRLEN], val[40];

	if (klwm2m_path_format(p, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "?");
	if (o)
		json_object_object_add(o, "path", json_object_new_string(path));
	else
		fputs(path, stdout);
	for (size_t i = 0; i < NATTRS; i++) {
		if (!(a->set & attr_opts[i].flag))
			continue;
		attr_value(&attr_opts[i], a, val, sizeof(val), &jv);
		if (o) {
			json_object_object_add(o, attr_opts[i].name, jv);
		} else {
			json_object_put(jv);
			printf(" %s=%s", attr_opts[i].name, val);
		}
	}
	if (!o)
		putchar('\n');
	else if (list)
		json_object_array_add(list, o);
	else
		print_json(o);
	return 0;
}

int cmd_attr(struct klwm2m *k, int argc, char **argv)
{
	struct option opts[NATTRS + 3] = {
		{ "ssid", required_argument, NULL, 's' },
		{ "clear", required_argument, NULL, 'c' },
	};
	struct klwm2m_attrs a = { 0 };
	struct klwm2m_path p;
	uint32_t clear = 0;
	uint16_t ssid = 0;
	int c, err;

	for (size_t i = 0; i < NATTRS; i++)
		opts[2 + i] = (struct option){ attr_opts[i].name, required_argument, NULL,
					       256 + (int)i };
	/* 0: a full restart of getopt, which main() left in "+" (stop at operands) mode. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			err = parse_ssid(optarg, &ssid);
		else if (c == 'c')
			err = parse_clear(optarg, &clear);
		else if (c >= 256 && c < 256 + (int)NATTRS)
			err = parse_attr(&attr_opts[c - 256], optarg, &a);
		else
			err = EXIT_USAGE;
		if (err)
			return err;
	}
	if (!ssid)
		return usage_error("attr needs --ssid, the server whose attributes they are");
	if (argc - optind > 1)
		return usage_error("attr takes at most one path");
	if (argc - optind == 1 && parse_path_arg(argv[optind], 0x1e, &p))
		return EXIT_USAGE;

	if (argc == optind) {
		struct json_object *list = json_output ? json_object_new_array() : NULL;

		if (a.set || clear)
			return usage_error("writing attributes needs a PATH");
		err = klwm2m_attr_dump(k, ssid, NULL, print_attrs, list);
		if (err) {
			json_object_put(list);
			return kernel_failed(k, "attr", err);
		}
		if (list)
			print_json(list);
		return 0;
	}
	if (a.set || clear) {
		err = klwm2m_attr_set(k, ssid, &p, &a, clear);
		return err ? kernel_failed(k, argv[optind], err) : 0;
	}
	err = klwm2m_attr_get(k, ssid, &p, &a);
	if (err)
		return kernel_failed(k, argv[optind], err);
	return print_attrs(&p, &a, NULL);
}

int cmd_server(struct klwm2m *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pmin", required_argument, NULL, 'n' },
		{ "pmax", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t pmin = -1, pmax = -1;
	unsigned long v;
	uint16_t ssid = 0;
	int c, err;

	/* 0: a full restart of getopt, which main() left in "+" (stop at operands) mode. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n' && c != 'x')
			return EXIT_USAGE;
		if (parse_uint(optarg, UINT32_MAX, &v))
			return usage_error("--%s takes a number of seconds, 0..%u", c == 'n' ?
					   "pmin" : "pmax", UINT32_MAX);
		*(c == 'n' ? &pmin : &pmax) = (int64_t)v;
	}
	if (argc - optind != 1)
		return usage_error("server takes one short server ID");
	if (parse_ssid(argv[optind], &ssid))
		return EXIT_USAGE;
	err = klwm2m_server_defaults(k, ssid, pmin, pmax);
	return err ? kernel_failed(k, "server", err) : 0;
}

/* ---------------------------------------------------------------- observe */

struct observer {
	int gone;
};

static void print_text(const struct klwm2m_notification *n)
{
	printf("%" PRIu32 " %s %" PRIu64 ".%09" PRIu64, n->seq,
	       klwm2m_notify_reason_name(n->reason), n->time_ns / 1000000000,
	       n->time_ns % 1000000000);
	if (n->con)
		fputs(" con", stdout);
	for (unsigned int i = 0; i < n->nrecords; i++) {
		char path[KLWM2M_PATH_STRLEN], *t = value_text(&n->records[i].value);

		if (klwm2m_path_format(&n->records[i].path, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "?");
		printf(" %s %s", path, t ? t : "?");
		free(t);
	}
	putchar('\n');
}

static void print_notification_json(const struct klwm2m_notification *n)
{
	struct json_object *o = json_object_new_object(), *values = json_object_new_array();

	json_object_object_add(o, "id", json_object_new_int64(n->id));
	json_object_object_add(o, "seq", json_object_new_int64(n->seq));
	json_object_object_add(o, "reason",
			       json_object_new_string(klwm2m_notify_reason_name(n->reason)));
	json_object_object_add(o, "time_ns", json_object_new_uint64(n->time_ns));
	json_object_object_add(o, "con", json_object_new_boolean(n->con));
	for (unsigned int i = 0; i < n->nrecords; i++) {
		struct json_object *r = json_object_new_object();
		char path[KLWM2M_PATH_STRLEN];

		if (klwm2m_path_format(&n->records[i].path, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "?");
		json_object_object_add(r, "path", json_object_new_string(path));
		json_object_object_add(r, "type", json_object_new_string(
					       klwm2m_type_name(n->records[i].value.type)));
		json_object_object_add(r, "value", json_value(&n->records[i].value));
		json_object_array_add(values, r);
	}
	json_object_object_add(o, "values", values);
	print_json(o);
}

static int on_notify(struct klwm2m *k, const struct klwm2m_notification *n, void *arg)
{
	struct observer *obs = arg;

	if (json_output)
		print_notification_json(n);
	else
		print_text(n);
	/* Scripts read the output as it comes. */
	fflush(stdout);
	if (n->reason == KLWM2M_NOTIFY_GONE)
		obs->gone = 1;
	return 0;
}

int cmd_observe(struct klwm2m *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ssid", required_argument, NULL, 's' },
		{ "initial", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct klwm2m_handlers handlers = { .notify = on_notify };
	struct observer obs = { 0 };
	struct klwm2m_path p;
	uint32_t flags = 0, id;
	uint16_t ssid = 0;
	int c, err, sfd, fd, ready = 0, rc = 0;

	/* 0: a full restart of getopt, which main() left in "+" (stop at operands) mode. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's' && parse_ssid(optarg, &ssid))
			return EXIT_USAGE;
		else if (c == 'i')
			flags |= KLWM2M_OBS_F_INITIAL;
		else if (c != 's')
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return usage_error("observe takes one path");
	if (parse_path_arg(argv[optind], 0x1e, &p))
		return EXIT_USAGE;

	sfd = signals_fd(NULL);
	if (sfd < 0)
		return EXIT_REFUSED;
	err = klwm2m_observe(k, ssid, &p, flags, &id);
	fd = err ? err : klwm2m_fd(k);
	if (fd < 0) {
		close(sfd);
		return kernel_failed(k, argv[optind], fd);
	}
	fprintf(stderr, "klwm2mctl: observing %s (observation %" PRIu32 ")\n", argv[optind], id);
	while (!obs.gone && (ready = wait_input(fd, sfd)) > 0) {
		err = klwm2m_process(k, &handlers, &obs);
		if (err == -ENOBUFS) {
			fprintf(stderr, "klwm2mctl: warning: notifications were lost (the socket "
				"overran); asking for the current state\n");
			err = klwm2m_observe_resync(k);
		}
		if (err < 0) {
			rc = kernel_failed(k, "observe", err);
			break;
		}
	}
	if (obs.gone)
		fprintf(stderr, "klwm2mctl: %s was removed: the observation is over\n",
			argv[optind]);
	else if (ready < 0)
		rc = EXIT_REFUSED;
	close(sfd);
	return rc;
}
