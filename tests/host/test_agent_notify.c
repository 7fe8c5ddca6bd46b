// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * agent/notify.c: the service manager's notification protocol over real
 * AF_UNIX datagram sockets, as systemd listens for it: a socket bound to a
 * path, one bound to an abstract name ('@' in $NOTIFY_SOCKET), no socket
 * set, and the values that name no socket at all.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "notify.h"

/* A datagram socket bound to @name (a path, or '@' + an abstract name). */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(len < sizeof(sa.sun_path));
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(0, bind(fd, (struct sockaddr *)&sa,
				 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
					     (name[0] != '@'))));
	return fd;
}

static void received(int fd, const char *want)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(want, buf);
}

static void a_path_socket_gets_the_state(void **state)
{
	char dir[] = "/tmp/notify-test.XXXXXX", path[64];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(1, notify_send("READY=1\nSTATUS=serving"));
	received(fd, "READY=1\nSTATUS=serving");
	assert_int_equal(1, notify_send("STOPPING=1"));
	received(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void an_abstract_socket_gets_the_state(void **state)
{
	char name[64];
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@klwm2m-notify-test-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(1, notify_send("RELOADING=1"));
	received(fd, "RELOADING=1");
	close(fd);
}

static void without_a_socket_nothing_is_sent(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(0, notify_send("READY=1"));
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(0, notify_send("READY=1"));
}

static void a_socket_that_is_not_there_is_an_error(void **state)
{
	char path[160];

	(void)state;
	setenv("NOTIFY_SOCKET", "/nonexistent/klwm2m/notify", 1);
	assert_int_equal(-ENOENT, notify_send("READY=1"));
	/* Relative paths and over-long names are no socket address. */
	setenv("NOTIFY_SOCKET", "run/notify", 1);
	assert_int_equal(-EINVAL, notify_send("READY=1"));
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(-EINVAL, notify_send("READY=1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_path_socket_gets_the_state),
		cmocka_unit_test(an_abstract_socket_gets_the_state),
		cmocka_unit_test(without_a_socket_nothing_is_sent),
		cmocka_unit_test(a_socket_that_is_not_there_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
