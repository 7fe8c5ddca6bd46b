/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's start-up checks and object definitions, done in a helper
 * process (startup.c) so that the libraries they need are never mapped by
 * the daemon that stays running.
 */
#ifndef KLWM2MD_STARTUP_H
#define KLWM2MD_STARTUP_H

#include "config.h"

enum startup_status {
	STARTUP_OK,
	STARTUP_CONFIG,		/* the configuration, or a DDF file it names, is wrong */
	STARTUP_RUNTIME,	/* a library, the module or the kernel failed */
};

struct startup {
	enum startup_status status;
	unsigned int nobjects;			/* definitions read */
	char endpoint[CONFIG_ENDPOINT_MAX + 1];	/* derived; "" when @c names one */
};

/*
 * startup_run() - what the daemon needs from files before it runs
 * @c: the configuration
 * @define: also define the objects in the kernel (not for --check)
 * @out: the outcome
 *
 * In a child process: the default endpoint name when @c has none
 * (endpoint.c, libsystemd), the object definitions (objects.c,
 * libklwm2m-ddf), the [device] values checked against object 3's; with
 * @define, the objects defined in the kernel (or found there the same) on
 * the child's own handle. The child logs what it does and why it fails,
 * as the daemon does, and sends @out back through a pipe.
 *
 * Return: 0 (@out->status says how it went) or -errno when the child could
 * not be started or did not report (logged).
 */
int startup_run(const struct config *c, int define, struct startup *out);

#endif /* KLWM2MD_STARTUP_H */
