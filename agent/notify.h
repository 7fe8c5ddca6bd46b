/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Readiness and state for the service manager (systemd's notification
 * protocol, sd_notify(3)): see notify.c.
 */
#ifndef KLWM2MD_NOTIFY_H
#define KLWM2MD_NOTIFY_H

/*
 * notify_send() - send @state ("READY=1", "STOPPING=1", ...) to the socket
 * $NOTIFY_SOCKET names; nothing when it is unset.
 *
 * Return: 1 sent, 0 no socket to send to, -errno (the state was not sent).
 */
int notify_send(const char *state);

#endif
