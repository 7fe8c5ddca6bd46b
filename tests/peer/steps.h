/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a scenario's steps against the registered device and prints TAP:
 * "ok N - STEP: what came back" or "not ok N - STEP: what was wrong",
 * with what was sent and received as "# " comments before it.
 */
#ifndef KLWM2M_PEER_STEPS_H
#define KLWM2M_PEER_STEPS_H

#include "scenario.h"
#include "srv.h"

/* Returns the number of failed steps; stops at the first with bail. */
int steps_run(struct srv *s, const struct scenario *sc, bool bail);

/* raw.c: sends bytes from the server's address to the device's and waits
 * for one datagram back. 0 with *got (length, 0 for none) or -errno. */
int raw_exchange(struct srv *s, const uint8_t *msg, size_t len, unsigned int wait_ms,
		 uint8_t *reply, size_t size, size_t *got);

/* shell.c: runs sh -c CMD while the server keeps serving; 0 with *status
 * (the exit status, 128+N for a signal) or -ETIMEDOUT / -errno. */
int shell_run(struct srv *s, const char *cmd, unsigned int timeout_ms, int *status);

#endif
