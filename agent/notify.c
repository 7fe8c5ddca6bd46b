// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The service manager's notification protocol, as sd_notify(3) documents
 * it: one datagram of newline-separated VAR=VALUE assignments, sent to the
 * AF_UNIX socket whose path $NOTIFY_SOCKET holds (a leading '@' names an
 * abstract socket). systemd declares the protocol stable and meant to be
 * implemented without libsystemd; the daemon does so rather than map
 * libsystemd (and libgcrypt, libzstd, liblz4, libcap behind it) for its
 * whole life (issue 5's memory target; see startup.c).
 *
 * klwm2md sends READY=1 once it serves (objects defined, accounts and /3/0
 * written, the loop about to run: registering may take retries, and the
 * unit's start must not wait for a server), RELOADING=1 then READY=1 around
 * a SIGHUP's reload, STOPPING=1 when a stop begins. Without $NOTIFY_SOCKET
 * (not started by systemd, or Type=simple) nothing is sent.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "notify.h"

int notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = path ? strlen(path) : 0;
	socklen_t salen;
	ssize_t n;
	int fd, err = 0;

	if (!len)
		return 0;
	/* A path or an abstract name ('@' for its leading NUL), and nothing else. */
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	/* An abstract name's length is its size: no terminating NUL counted. */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(state))
		err = -EMSGSIZE;
	close(fd);
	return err ? err : 1;
}
