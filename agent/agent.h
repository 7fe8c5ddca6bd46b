/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's state, shared by its parts: the loop, the kernel handle, the
 * running configuration. One instance, made by main.c; everything runs on
 * the loop's thread (loop.c).
 */
#ifndef KLWM2MD_AGENT_H
#define KLWM2MD_AGENT_H

#include "libklwm2m.h"

struct config;
struct config_overrides;
struct loop;

struct agent {
	struct loop *loop;
	struct klwm2m *k;		/* the kernel store: every value is read here */
	struct config *cfg;		/* the running configuration */
	const char *cfg_file;
	const char *endpoint;		/* cfg->endpoint, or the derived default */

	/*
	 * What the kernel sends the agent's handle on its own (notifications of
	 * the observations the agent registers, executes and server writes of
	 * what it owns) is delivered by klwm2m_process() to these handlers, from
	 * main.c's kernel_readable(). The LwM2M layer (agent/lwm2m/) sets them
	 * before loop_run(); a NULL handler drops its messages.
	 */
	struct klwm2m_handlers kernel_handlers;
	void *kernel_arg;
	struct config_overrides *ov;	/* the command line's, kept for reloads */
};

/*
 * agent_reload() - SIGHUP: read the configuration again and apply what can
 * change while running (log level, [device] values, servers' default
 * periods); say what needs a restart. A refused file changes nothing.
 */
void agent_reload(struct loop *l, void *arg);

/*
 * agent_notify() - tell the service manager a state, printf-style
 * ("READY=1", "STOPPING=1", "STATUS=..."; see notify.c). Nothing without
 * $NOTIFY_SOCKET; a failure is logged once.
 */
void agent_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* KLWM2MD_AGENT_H */
