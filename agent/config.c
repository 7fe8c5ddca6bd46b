// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2md's configuration file (see config.h and docs/agent.md).
 *
 * inih does the INI syntax; this file does the rest, strictly. inih reads
 * through our reader (one call per line), which is where lines are counted
 * (the handler gets no line number), where over-long lines and NUL bytes are
 * refused (inih would split or cut them silently), where section headers are
 * checked (inih reports none, and an empty unknown section must still be an
 * error) and where an indented line after a key is refused (inih would glue
 * it to that key's value as a continuation). The first error stops the
 * parse; when inih found a syntax error on an earlier line, that one is
 * reported instead.
 *
 * Defaults live in one static const struct; flags (struct config_overrides)
 * are applied last.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"

static const struct {
	struct config agent;
	struct config_server server;
} defaults = {
	.agent = {
		.log_level = LOG_NOTICE,
		.use_syslog = 0,
		.listen_address = "",
		.listen_port = 0,
	},
	.server = {
		.lifetime = 86400,
		.binding = "U",
		.default_pmin = 0,
		.default_pmax = 0,
		.notification_storing = 1,
		.content_format = 112,		/* SenML CBOR */
	},
};

static const struct {
	const char *name;
	uint16_t cf;
} content_formats[] = {
	{ "text", 0 },
	{ "opaque", 42 },
	{ "senml-json", 110 },
	{ "senml-cbor", 112 },
	{ "tlv", 11542 },
	{ "lwm2m-cbor", 11544 },
};

int config_content_format(const char *name)
{
	for (size_t i = 0; i < sizeof(content_formats) / sizeof(content_formats[0]); i++)
		if (!strcmp(name, content_formats[i].name))
			return content_formats[i].cf;
	return -EINVAL;
}

const char *config_content_format_name(uint16_t cf)
{
	for (size_t i = 0; i < sizeof(content_formats) / sizeof(content_formats[0]); i++)
		if (cf == content_formats[i].cf)
			return content_formats[i].name;
	return NULL;
}

void config_errf(char *err, size_t errlen, const char *file, unsigned int line,
		 const char *section, const char *key, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!line)
		snprintf(err, errlen, "%s: %s", file, why);
	else if (key && section)
		snprintf(err, errlen, "%s:%u: key '%s' in [%s]: %s", file, line, key, section, why);
	else if (key)
		snprintf(err, errlen, "%s:%u: key '%s': %s", file, line, key, why);
	else if (section)
		snprintf(err, errlen, "%s:%u: [%s]: %s", file, line, section, why);
	else
		snprintf(err, errlen, "%s:%u: %s", file, line, why);
}

/* ---------------------------------------------------------------- parse state */

enum section { SEC_NONE, SEC_AGENT, SEC_DEVICE, SEC_SERVER };

#define AGENT_KEYS 9

struct parse {
	struct config *c;
	const char *name;		/* the file, for messages */
	const char *data;
	size_t len, off;
	unsigned int line;
	int failed, nomem;
	char *err;
	size_t errlen;

	enum section sec;
	char secname[64];		/* as in the header, for messages */
	struct config_server *srv;
	unsigned int agent_line, device_line;
	unsigned int agent_lines[AGENT_KEYS];
	char prev_key[64];		/* inih continues this key on an indented line */
};

static void fail(struct parse *p, unsigned int line, const char *section, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void fail(struct parse *p, unsigned int line, const char *section, const char *key,
		 const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	config_errf(p->err, p->errlen, p->name, line, section, key, "%s", why);
}

/* ---------------------------------------------------------------- values */

/* Decimal, no sign, no leading zeros, no spaces, within min..max. */
static int parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *out, char *why,
		     size_t n)
{
	uint64_t x = 0;
	const char *s = v;

	if (!*s) {
		snprintf(why, n, "empty: expected a number %llu..%llu", (unsigned long long)min,
			 (unsigned long long)max);
		return -EINVAL;
	}
	if (s[0] == '0' && s[1]) {
		snprintf(why, n, "'%s': leading zeros are not allowed", v);
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			snprintf(why, n, "'%s' is not a decimal number", v);
			return -EINVAL;
		}
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) {
			x = UINT64_MAX;
			break;
		}
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (x < min || x > max) {
		snprintf(why, n, "%s is outside %llu..%llu", v, (unsigned long long)min,
			 (unsigned long long)max);
		return -ERANGE;
	}
	*out = x;
	return 0;
}

static int parse_bool(const char *v, int *out, char *why, size_t n)
{
	if (!strcmp(v, "true")) {
		*out = 1;
	} else if (!strcmp(v, "false")) {
		*out = 0;
	} else {
		snprintf(why, n, "'%s': expected true or false", v);
		return -EINVAL;
	}
	return 0;
}

int config_endpoint_check(const char *ep)
{
	size_t len = strlen(ep);

	if (!len || len > CONFIG_ENDPOINT_MAX)
		return -EINVAL;
	for (const char *s = ep; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("-._~:@+", *s)))
			return -EINVAL;
	return 0;
}

/* ---------------------------------------------------------------- [agent] */

static int agent_endpoint(struct parse *p, const char *v, char *why, size_t n)
{
	if (config_endpoint_check(v)) {
		snprintf(why, n, "'%s': 1..%d characters of A-Z a-z 0-9 - . _ ~ : @ +", v,
			 CONFIG_ENDPOINT_MAX);
		return -EINVAL;
	}
	p->c->endpoint = strdup(v);
	return p->c->endpoint ? 0 : -ENOMEM;
}

static int agent_log_level(struct parse *p, const char *v, char *why, size_t n)
{
	int level = log_level_parse(v);

	if (level < 0) {
		snprintf(why, n, "'%s': expected error, warning, notice, info or debug", v);
		return -EINVAL;
	}
	p->c->log_level = level;
	return 0;
}

static int agent_syslog(struct parse *p, const char *v, char *why, size_t n)
{
	return parse_bool(v, &p->c->use_syslog, why, n);
}

/* A path relative to the configuration file's directory. */
static char *resolve(const char *file, const char *path, size_t len)
{
	const char *slash = strrchr(file, '/');
	char *out;

	if (path[0] == '/' || !slash) {
		out = strndup(path, len);
	} else if (asprintf(&out, "%.*s/%.*s", (int)(slash - file), file, (int)len, path) < 0) {
		out = NULL;
	}
	return out;
}

static int agent_objects(struct parse *p, const char *v, char *why, size_t n)
{
	struct config *c = p->c;
	const char *s = v;

	while (*s) {
		size_t len;

		s += strspn(s, " \t");
		len = strcspn(s, " \t");
		if (!len)
			break;
		if (c->nobjects == CONFIG_OBJECTS_MAX) {
			snprintf(why, n, "more than %d paths", CONFIG_OBJECTS_MAX);
			return -EINVAL;
		}
		if (!c->objects) {
			c->objects = calloc(CONFIG_OBJECTS_MAX, sizeof(*c->objects));
			if (!c->objects)
				return -ENOMEM;
		}
		c->objects[c->nobjects] = resolve(p->name, s, len);
		if (!c->objects[c->nobjects])
			return -ENOMEM;
		c->nobjects++;
		s += len;
	}
	if (!c->nobjects) {
		snprintf(why, n, "empty: give DDF files or directories, separated by spaces");
		return -EINVAL;
	}
	c->objects_line = p->line;
	return 0;
}

static int agent_listen_address(struct parse *p, const char *v, char *why, size_t n)
{
	struct in6_addr a;

	if (strlen(v) >= sizeof(p->c->listen_address) ||
	    (inet_pton(AF_INET, v, &a) != 1 && inet_pton(AF_INET6, v, &a) != 1)) {
		snprintf(why, n, "'%s' is not an IPv4 or IPv6 address", v);
		return -EINVAL;
	}
	strcpy(p->c->listen_address, v);
	return 0;
}

static int agent_listen_port(struct parse *p, const char *v, char *why, size_t n)
{
	uint64_t port;
	int err = parse_u64(v, 0, 65535, &port, why, n);

	if (!err)
		p->c->listen_port = port;
	return err;
}

/* RFC 7252 section 4.8's transmission parameters, for links slower than its defaults assume. */
static int agent_ack_timeout(struct parse *p, const char *v, char *why, size_t n)
{
	uint64_t ms;
	int err = parse_u64(v, 100, 600000, &ms, why, n);

	if (!err)
		p->c->coap_ack_timeout_ms = (uint32_t)ms;
	return err;
}

/* A decimal 1..10 with at most three fraction digits ("1.5"), kept in thousandths. */
static int agent_ack_random_factor(struct parse *p, const char *v, char *why, size_t n)
{
	const char *dot = strchr(v, '.');
	uint64_t whole, frac = 0;
	char ipart[8];
	size_t ilen = dot ? (size_t)(dot - v) : strlen(v), flen = dot ? strlen(dot + 1) : 0;
	int err;

	if (!ilen || ilen >= sizeof(ipart) || (dot && (!flen || flen > 3))) {
		snprintf(why, n, "'%s': expected a decimal 1..10 with at most 3 digits after the point",
			 v);
		return -EINVAL;
	}
	memcpy(ipart, v, ilen);
	ipart[ilen] = '\0';
	err = parse_u64(ipart, 1, 10, &whole, why, n);
	for (size_t i = 0; !err && i < 3; i++) {
		char d = i < flen ? dot[1 + i] : '0';

		if (d < '0' || d > '9') {
			snprintf(why, n, "'%s' is not a decimal number", v);
			return -EINVAL;
		}
		frac = frac * 10 + (uint64_t)(d - '0');
	}
	if (err) {
		snprintf(why, n, "'%s': expected a decimal 1..10 with at most 3 digits after the point",
			 v);
		return err;
	}
	if (whole * 1000 + frac > 10000) {
		snprintf(why, n, "%s is above 10", v);
		return -ERANGE;
	}
	p->c->coap_ack_random_factor_permille = (uint32_t)(whole * 1000 + frac);
	return 0;
}

static int agent_max_retransmit(struct parse *p, const char *v, char *why, size_t n)
{
	uint64_t r;
	int err = parse_u64(v, 1, 16, &r, why, n);

	if (!err)
		p->c->coap_max_retransmit = (uint32_t)r;
	return err;
}

static const struct {
	const char *name;
	int (*parse)(struct parse *p, const char *v, char *why, size_t n);
} agent_keys[AGENT_KEYS] = {
	{ "endpoint", agent_endpoint },
	{ "log_level", agent_log_level },
	{ "syslog", agent_syslog },
	{ "objects", agent_objects },
	{ "listen_address", agent_listen_address },
	{ "listen_port", agent_listen_port },
	{ "coap_ack_timeout_ms", agent_ack_timeout },
	{ "coap_ack_random_factor", agent_ack_random_factor },
	{ "coap_max_retransmit", agent_max_retransmit },
};

/* ---------------------------------------------------------------- [server SSID] */

/* coap://HOST[:PORT], HOST a name, an IPv4 address or [IPv6]; nothing after. */
static int server_uri(struct config_server *s, const char *v, char *why, size_t n)
{
	static const char scheme[] = "coap://";
	const char *h = v + strlen(scheme), *end;
	uint64_t port;
	char portbuf[8];

	if (strlen(v) > CONFIG_URI_MAX) {
		snprintf(why, n, "longer than %d bytes", CONFIG_URI_MAX);
		return -EINVAL;
	}
	if (strncmp(v, scheme, strlen(scheme))) {
		snprintf(why, n, "'%s': expected coap://HOST[:PORT] (coaps needs DTLS, not yet here)", v);
		return -EINVAL;
	}
	if (*h == '[') {
		char addr[INET6_ADDRSTRLEN];
		struct in6_addr a;

		end = strchr(h, ']');
		if (!end || (size_t)(end - h - 1) >= sizeof(addr)) {
			snprintf(why, n, "'%s': an IPv6 address needs its closing ']'", v);
			return -EINVAL;
		}
		memcpy(addr, h + 1, end - h - 1);
		addr[end - h - 1] = '\0';
		if (inet_pton(AF_INET6, addr, &a) != 1) {
			snprintf(why, n, "'%s' is not an IPv6 address", addr);
			return -EINVAL;
		}
		end++;
	} else {
		end = h + strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
		if (end == h) {
			snprintf(why, n, "'%s': no host", v);
			return -EINVAL;
		}
	}
	if (*end == ':') {
		size_t plen = strspn(end + 1, "0123456789");

		if (plen < sizeof(portbuf)) {
			memcpy(portbuf, end + 1, plen);
			portbuf[plen] = '\0';
		}
		if (plen >= sizeof(portbuf) || parse_u64(portbuf, 1, 65535, &port, why, n)) {
			snprintf(why, n, "'%s': the port must be 1..65535", v);
			return -EINVAL;
		}
		end += 1 + plen;
	}
	if (*end) {
		snprintf(why, n, "'%s': unexpected '%c' after the host and port", v, *end);
		return -EINVAL;
	}
	strcpy(s->uri, v);
	return 0;
}

static int server_lifetime(struct config_server *s, const char *v, char *why, size_t n)
{
	uint64_t x;
	int err = parse_u64(v, 1, INT32_MAX, &x, why, n);

	if (!err)
		s->lifetime = x;
	return err;
}

static int server_binding(struct config_server *s, const char *v, char *why, size_t n)
{
	if (strcmp(v, "U")) {
		snprintf(why, n, "'%s': only U (UDP) is supported", v);
		return -EINVAL;
	}
	strcpy(s->binding, v);
	return 0;
}

static int server_pmin(struct config_server *s, const char *v, char *why, size_t n)
{
	uint64_t x;
	int err = parse_u64(v, 0, INT32_MAX, &x, why, n);

	if (!err)
		s->default_pmin = x;
	return err;
}

static int server_pmax(struct config_server *s, const char *v, char *why, size_t n)
{
	uint64_t x;
	int err = parse_u64(v, 0, INT32_MAX, &x, why, n);

	if (!err)
		s->default_pmax = x;
	return err;
}

static int server_storing(struct config_server *s, const char *v, char *why, size_t n)
{
	return parse_bool(v, &s->notification_storing, why, n);
}

static int server_content_format(struct config_server *s, const char *v, char *why, size_t n)
{
	int cf = config_content_format(v);

	if (cf < 0) {
		snprintf(why, n, "'%s': expected senml-cbor, senml-json, lwm2m-cbor, tlv, text or opaque",
			 v);
		return -EINVAL;
	}
	s->content_format = cf;
	return 0;
}

enum { KEY_URI, KEY_LIFETIME, KEY_BINDING, KEY_PMIN, KEY_PMAX, KEY_STORING, KEY_CF };

static const struct {
	const char *name;
	int (*parse)(struct config_server *s, const char *v, char *why, size_t n);
} server_keys[] = {
	[KEY_URI] = { "uri", server_uri },
	[KEY_LIFETIME] = { "lifetime", server_lifetime },
	[KEY_BINDING] = { "binding", server_binding },
	[KEY_PMIN] = { "default_pmin", server_pmin },
	[KEY_PMAX] = { "default_pmax", server_pmax },
	[KEY_STORING] = { "notification_storing", server_storing },
	[KEY_CF] = { "content_format", server_content_format },
};

_Static_assert(sizeof(server_keys) / sizeof(server_keys[0]) <=
	       sizeof(((struct config_server *)0)->lines) / sizeof(unsigned int),
	       "config_server.lines holds a line per key");

const struct config_server *config_server(const struct config *c, uint16_t ssid)
{
	for (unsigned int i = 0; i < c->nservers; i++)
		if (c->servers[i].ssid == ssid)
			return &c->servers[i];
	return NULL;
}

/* ---------------------------------------------------------------- sections */

static void section_open(struct parse *p, const char *name)
{
	struct config *c = p->c;
	uint64_t ssid;
	char why[128];

	snprintf(p->secname, sizeof(p->secname), "%s", name);
	p->prev_key[0] = '\0';
	p->srv = NULL;
	if (!strcmp(name, "agent") || !strcmp(name, "device")) {
		unsigned int *first = name[0] == 'a' ? &p->agent_line : &p->device_line;

		if (*first) {
			fail(p, p->line, name, NULL, "section given twice (first at line %u)", *first);
			return;
		}
		*first = p->line;
		p->sec = name[0] == 'a' ? SEC_AGENT : SEC_DEVICE;
		return;
	}
	if (strncmp(name, "server ", 7)) {
		fail(p, p->line, name, NULL,
		     "unknown section: expected [agent], [device] or [server SSID]");
		return;
	}
	if (parse_u64(name + 7, 1, 65534, &ssid, why, sizeof(why))) {
		fail(p, p->line, name, NULL, "the short server ID: %s", why);
		return;
	}
	for (unsigned int i = 0; i < c->nservers; i++) {
		if (c->servers[i].ssid == ssid) {
			fail(p, p->line, name, NULL, "section given twice (first at line %u)",
			     c->servers[i].line);
			return;
		}
	}
	if (c->nservers == CONFIG_SERVERS_MAX) {
		fail(p, p->line, name, NULL, "more than %d servers", CONFIG_SERVERS_MAX);
		return;
	}
	p->srv = &c->servers[c->nservers++];
	*p->srv = defaults.server;
	p->srv->ssid = ssid;
	p->srv->line = p->line;
	p->sec = SEC_SERVER;
}

/* A header line as inih reads it: '[', the name up to ']' (';' after a blank starts a comment). */
static void header_check(struct parse *p, const char *s)
{
	const char *end;

	for (end = s + 1; *end && *end != ']'; end++)
		if (*end == ';' && (end[-1] == ' ' || end[-1] == '\t'))
			return;		/* no ']': inih reports the syntax error */
	if (*end == ']') {
		char name[64];

		if ((size_t)(end - s - 1) >= sizeof(name)) {
			fail(p, p->line, NULL, NULL, "section name longer than %zu characters",
			     sizeof(name) - 1);
			return;
		}
		memcpy(name, s + 1, end - s - 1);
		name[end - s - 1] = '\0';
		section_open(p, name);
	}
}

/* ---------------------------------------------------------------- inih callbacks */

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *line = p->data + p->off, *nl, *s;
	size_t len, content;

	if (p->failed || p->off >= p->len)
		return NULL;
	nl = memchr(line, '\n', p->len - p->off);
	len = nl ? (size_t)(nl - line) + 1 : p->len - p->off;
	p->line++;
	content = len - (nl != NULL);
	if (content && line[content - 1] == '\r')
		content--;
	if (memchr(line, '\0', len)) {
		fail(p, p->line, NULL, NULL, "a NUL byte");
		return NULL;
	}
	if (num < 4 || content > (size_t)num - 3) {
		fail(p, p->line, NULL, NULL, "line longer than %d characters", num - 3);
		return NULL;
	}
	memcpy(str, line, len);
	str[len] = '\0';
	p->off += len;

	s = str;
	if (p->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	if (*s == ' ' || *s == '\t') {
		const char *t = s + strspn(s, " \t\r\n");

		/* inih: an indented line after a key continues that key's value. */
		if (*t && *t != ';' && *t != '#' && p->prev_key[0]) {
			fail(p, p->line, p->secname, p->prev_key,
			     "an indented line would continue this key's value: not supported");
			return NULL;
		}
		s = t;
	}
	if (*s == '[')
		header_check(p, s);
	return p->failed ? NULL : str;
}

static void device_key(struct parse *p, const char *name, const char *value)
{
	struct config *c = p->c;
	struct config_device *d;
	size_t len = strlen(name);

	if (!len || len > 63 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != len) {
		fail(p, p->line, "device", name,
		     "unknown key: [device] keys are object 3's resource names in lowercase with '_' (model_number)");
		return;
	}
	for (unsigned int i = 0; i < c->ndevice; i++) {
		if (!strcmp(c->device[i].key, name)) {
			fail(p, p->line, "device", name, "given twice (first at line %u)",
			     c->device[i].line);
			return;
		}
	}
	if (c->ndevice == CONFIG_DEVICE_MAX) {
		fail(p, p->line, "device", name, "more than %d keys", CONFIG_DEVICE_MAX);
		return;
	}
	d = &c->device[c->ndevice];
	d->key = strdup(name);
	d->value = strdup(value);
	d->line = p->line;
	c->ndevice++;
	if (!d->key || !d->value) {
		p->nomem = 1;
		fail(p, p->line, "device", name, "out of memory");
	}
}

static void agent_key(struct parse *p, const char *name, const char *value)
{
	char why[256];
	int err;

	for (unsigned int i = 0; i < AGENT_KEYS; i++) {
		if (strcmp(name, agent_keys[i].name))
			continue;
		if (p->agent_lines[i]) {
			fail(p, p->line, "agent", name, "given twice (first at line %u)",
			     p->agent_lines[i]);
			return;
		}
		p->agent_lines[i] = p->line;
		why[0] = '\0';
		err = agent_keys[i].parse(p, value, why, sizeof(why));
		if (err == -ENOMEM) {
			p->nomem = 1;
			snprintf(why, sizeof(why), "out of memory");
		}
		if (err)
			fail(p, p->line, "agent", name, "%s", why);
		return;
	}
	fail(p, p->line, "agent", name, "unknown key");
}

static void server_key(struct parse *p, const char *name, const char *value)
{
	struct config_server *s = p->srv;
	char why[256];

	for (unsigned int i = 0; i < sizeof(server_keys) / sizeof(server_keys[0]); i++) {
		if (strcmp(name, server_keys[i].name))
			continue;
		if (s->lines[i]) {
			fail(p, p->line, p->secname, name, "given twice (first at line %u)",
			     s->lines[i]);
			return;
		}
		s->lines[i] = p->line;
		why[0] = '\0';
		if (server_keys[i].parse(s, value, why, sizeof(why)))
			fail(p, p->line, p->secname, name, "%s", why);
		return;
	}
	fail(p, p->line, p->secname, name, "unknown key");
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;

	if (p->failed)
		return 0;
	snprintf(p->prev_key, sizeof(p->prev_key), "%s", name);
	if (!value) {
		fail(p, p->line, section[0] ? section : NULL, name, "no value");
		return 0;
	}
	switch (p->sec) {
	case SEC_NONE:
		fail(p, p->line, NULL, name, "outside any section");
		break;
	case SEC_AGENT:
		agent_key(p, name, value);
		break;
	case SEC_DEVICE:
		device_key(p, name, value);
		break;
	case SEC_SERVER:
		server_key(p, name, value);
		break;
	}
	return !p->failed;
}

/* ---------------------------------------------------------------- the file */

/* What only the whole file can tell: required keys, keys that depend on others. */
static void finish(struct parse *p)
{
	struct config *c = p->c;

	for (unsigned int i = 0; i < c->nservers && !p->failed; i++) {
		struct config_server *s = &c->servers[i];
		char sec[32];

		snprintf(sec, sizeof(sec), "server %u", s->ssid);
		if (!s->lines[KEY_URI])
			fail(p, s->line, sec, "uri", "missing: every server needs its uri");
		else if (s->default_pmax && s->default_pmax < s->default_pmin)
			fail(p, s->lines[KEY_PMAX], sec, "default_pmax",
			     "%u is below default_pmin (%u): it would be ignored", s->default_pmax,
			     s->default_pmin);
	}
	if (!p->failed && !c->nservers)
		fail(p, 0, NULL, NULL, "no [server SSID] section: at least one server is needed");
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->endpoint);
	for (unsigned int i = 0; i < c->nobjects; i++)
		free(c->objects[i]);
	free(c->objects);
	for (unsigned int i = 0; i < c->ndevice; i++) {
		free(c->device[i].key);
		free(c->device[i].value);
	}
	free(c);
}

int config_parse(const char *name, const void *data, size_t len,
		 const struct config_overrides *ov, struct config **out, char *err, size_t errlen)
{
	struct parse p = {
		.name = name, .data = data, .len = len, .err = err, .errlen = errlen,
	};
	int rc;

	*out = NULL;
	err[0] = '\0';
	p.c = calloc(1, sizeof(*p.c));
	if (!p.c)
		return -ENOMEM;
	*p.c = defaults.agent;
	p.c->file = strdup(name);
	if (!p.c->file) {
		config_free(p.c);
		return -ENOMEM;
	}
	if (len > CONFIG_FILE_MAX)
		fail(&p, 0, NULL, NULL, "larger than %d bytes", CONFIG_FILE_MAX);
	rc = p.failed ? 0 : ini_parse_stream(reader, &p, handler, &p);
	if (rc == -2) {
		config_free(p.c);
		return -ENOMEM;
	}
	/* inih's own syntax error, when it came before ours (or alone). */
	if (rc > 0 && (!p.failed || (unsigned int)rc < p.line)) {
		p.failed = 0;
		fail(&p, rc, NULL, NULL,
		     "syntax error: expected [section], key = value, or a ; or # comment");
	}
	if (!p.failed)
		finish(&p);
	if (p.failed) {
		config_free(p.c);
		return p.nomem ? -ENOMEM : -EINVAL;
	}
	if (ov && ov->endpoint) {
		free(p.c->endpoint);
		p.c->endpoint = strdup(ov->endpoint);
		if (!p.c->endpoint) {
			config_free(p.c);
			return -ENOMEM;
		}
	}
	if (ov && ov->log_level >= 0)
		p.c->log_level = ov->log_level;
	if (ov && ov->use_syslog >= 0)
		p.c->use_syslog = ov->use_syslog;
	*out = p.c;
	return 0;
}

int config_load(const char *file, const struct config_overrides *ov, struct config **out,
		char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd, rc;

	*out = NULL;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		goto fail_io;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		config_errf(err, errlen, file, 0, NULL, NULL, "not a regular file");
		close(fd);
		return rc;
	}
	/* One byte more than allowed, so that a file that grew is seen too large. */
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, CONFIG_FILE_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			free(buf);
			goto fail_io;
		}
		if (!n || (len += n) == CONFIG_FILE_MAX + 1)
			break;
	}
	close(fd);
	rc = config_parse(file, buf, len, ov, out, err, errlen);
	free(buf);
	return rc;

fail_io:
	if (fd >= 0)
		close(fd);
	config_errf(err, errlen, file, 0, NULL, NULL, "cannot read: %s", strerror(-rc));
	return rc;
}
