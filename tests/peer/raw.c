// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw step: bytes that libcoap would never send (malformed headers,
 * bad options, truncated tokens) go to the device from the server's own
 * address and port, so that a device which checks where its server's
 * messages come from still sees them.
 *
 * How: a second UDP socket with SO_REUSEADDR (libcoap sets it on its
 * endpoint too) bound to the same local address and port, and connected to
 * the device. Linux prefers the connected socket for the device's datagrams,
 * so the answer lands here; the socket closes right after. Anything else
 * the device sends in that window (an update, a notification) lands here
 * too and is reported as the answer: keep raw steps away from those.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "steps.h"

int raw_exchange(struct srv *s, const uint8_t *msg, size_t len, unsigned int wait_ms,
		 uint8_t *reply, size_t size, size_t *got)
{
	struct client *c = srv_client(s);
	const coap_address_t *local, *remote;
	struct pollfd pfd;
	int one = 1, fd, ret = 0;
	ssize_t n;

	*got = 0;
	if (!c)
		return -ENOTCONN;
	local = coap_session_get_addr_local(c->session);
	remote = coap_session_get_addr_remote(c->session);
	fd = socket(remote->addr.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, &local->addr.sa, local->size) ||
	    connect(fd, &remote->addr.sa, remote->size) ||
	    send(fd, msg, len, 0) != (ssize_t)len) {
		ret = -errno;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, (int)wait_ms);
	if (ret < 0) {
		ret = -errno;
		goto out;
	}
	ret = 0;
	if (pfd.revents & POLLIN) {
		n = recv(fd, reply, size, 0);
		if (n < 0)	/* ECONNREFUSED: the device's port is closed */
			ret = -errno;
		else
			*got = (size_t)n;
	}
out:
	close(fd);
	return ret;
}
