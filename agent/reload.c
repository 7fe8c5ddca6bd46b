// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SIGHUP: the configuration read again (see agent.h).
 *
 * Applied at once: log_level; the [device] values (written to /3/0); each
 * server's default_pmin and default_pmax (written to /1/y/2 and /1/y/3 and
 * given to the kernel as the server's defaults, for every server, changed or
 * not, so the kernel matches the file). Everything else is what the running
 * agent is built on (endpoint, sockets, object definitions, the set of
 * servers and how to reach them): a change is logged as needing a restart
 * and the running value stays. The new file is checked whole first: a
 * refused file changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"
#include "agent.h"
#include "config.h"
#include "device.h"
#include "log.h"

static void needs_restart(const char *section, const char *key)
{
	log_warn("key '%s' in [%s] changed: it takes effect at a restart", key, section);
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare_agent(const struct config *cur, const struct config *next)
{
	int same = cur->nobjects == next->nobjects;

	for (unsigned int i = 0; same && i < cur->nobjects; i++)
		same = !strcmp(cur->objects[i], next->objects[i]);
	if (!same)
		needs_restart("agent", "objects");
	if (!same_str(cur->endpoint, next->endpoint))
		needs_restart("agent", "endpoint");
	if (cur->use_syslog != next->use_syslog)
		needs_restart("agent", "syslog");
	if (strcmp(cur->listen_address, next->listen_address))
		needs_restart("agent", "listen_address");
	if (cur->listen_port != next->listen_port)
		needs_restart("agent", "listen_port");
}

static void compare_server(const struct config_server *a, const struct config_server *b)
{
	char sec[32];

	snprintf(sec, sizeof(sec), "server %u", a->ssid);
	if (strcmp(a->uri, b->uri))
		needs_restart(sec, "uri");
	if (a->lifetime != b->lifetime)
		needs_restart(sec, "lifetime");
	if (strcmp(a->binding, b->binding))
		needs_restart(sec, "binding");
	if (a->notification_storing != b->notification_storing)
		needs_restart(sec, "notification_storing");
	if (a->content_format != b->content_format)
		needs_restart(sec, "content_format");
}

static void reload_servers(struct agent *a, const struct config *next)
{
	struct config *cur = a->cfg;
	char err[512];

	for (unsigned int i = 0; i < next->nservers; i++)
		if (!config_server(cur, next->servers[i].ssid))
			log_warn("[server %u] is new: it is added at a restart", next->servers[i].ssid);
	for (unsigned int i = 0; i < cur->nservers; i++) {
		struct config_server *s = &cur->servers[i];
		const struct config_server *n = config_server(next, s->ssid);

		if (!n) {
			log_warn("[server %u] is gone from the file: it stays until a restart", s->ssid);
			continue;
		}
		compare_server(s, n);
		s->default_pmin = n->default_pmin;
		s->default_pmax = n->default_pmax;
		if (accounts_set_periods(a->k, s, err, sizeof(err)))
			log_err("reload: %s", err);
	}
}

/* The new [device] values replace the running ones once the kernel took them. */
static void reload_device(struct agent *a, struct config *next)
{
	struct config *cur = a->cfg;
	struct config_device tmp[CONFIG_DEVICE_MAX];
	unsigned int n;
	char err[512];

	if (device_apply(a->k, next, err, sizeof(err))) {
		log_err("reload: %s", err);
		return;
	}
	memcpy(tmp, cur->device, sizeof(tmp));
	memcpy(cur->device, next->device, sizeof(tmp));
	memcpy(next->device, tmp, sizeof(tmp));
	n = cur->ndevice;
	cur->ndevice = next->ndevice;
	next->ndevice = n;
}

void agent_reload(struct loop *l, void *arg)
{
	struct agent *a = arg;
	struct config *next;
	char err[1024];
	int rc, old;

	log_notice("SIGHUP: reading %s again", a->cfg_file);
	agent_notify("RELOADING=1");
	rc = config_load(a->cfg_file, a->ov, &next, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		log_err("reload refused: the running configuration stays");
		agent_notify("READY=1\nSTATUS=reload refused: %s", err);
		return;
	}
	old = log_get_level();
	if (next->log_level != old) {
		log_set_level(next->log_level);
		log_notice("log level %s -> %s", log_level_name(old), log_level_name(next->log_level));
		a->cfg->log_level = next->log_level;
	}
	compare_agent(a->cfg, next);
	reload_servers(a, next);
	reload_device(a, next);
	config_free(next);
	log_notice("configuration reloaded");
	agent_notify("READY=1\nSTATUS=serving as endpoint %s with %u server%s", a->endpoint,
		     a->cfg->nservers, a->cfg->nservers == 1 ? "" : "s");
}
