// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2mctl monitor: the store's events, one line each, until SIGINT or
 * SIGTERM. One thread: poll() over the events socket and a signalfd (the
 * signal handling and the wait serve own too).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <linux/klwm2m.h>

#include "ctl.h"

int print_event(const struct klwm2m_event *e, void *arg)
{
	char path[KLWM2M_PATH_STRLEN];

	if (json_output) {
		struct json_object *o = json_object_new_object(), *paths = json_object_new_array();

		json_object_object_add(o, "kind", json_object_new_string(klwm2m_event_name(e->kind)));
		for (unsigned int i = 0; i < e->npaths; i++) {
			if (klwm2m_path_format(&e->paths[i], path, sizeof(path)) < 0)
				snprintf(path, sizeof(path), "?");
			json_object_array_add(paths, json_object_new_string(path));
		}
		json_object_object_add(o, "paths", paths);
		json_object_object_add(o, "portid", json_object_new_int64(e->portid));
		if (e->has_server)
			json_object_object_add(o, "server", json_object_new_int(e->server));
		print_json(o);
		return 0;
	}
	fputs(klwm2m_event_name(e->kind), stdout);
	for (unsigned int i = 0; i < e->npaths; i++) {
		if (klwm2m_path_format(&e->paths[i], path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "?");
		printf(" %s", path);
	}
	printf(" portid %u", e->portid);
	if (e->has_server)
		printf(" server %u", e->server);
	putchar('\n');
	return 0;
}

int signals_fd(sigset_t *old)
{
	sigset_t mask;
	int sfd;

	/*
	 * A shell starts background commands with SIGINT ignored, and an
	 * ignored signal never reaches a signalfd: take the default back (the
	 * signals are blocked, so they wait in the signalfd instead of killing).
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, old) || signal(SIGINT, SIG_DFL) == SIG_ERR ||
	    signal(SIGTERM, SIG_DFL) == SIG_ERR || (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "klwm2mctl: signalfd: %s\n", strerror(errno));
		return -1;
	}
	return sfd;
}

int wait_input(int fd, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "klwm2mctl: poll: %s\n", strerror(errno));
			return -1;
		}
		if (pfd[1].revents)
			return 0;
		if (pfd[0].revents)
			return 1;
	}
}

int cmd_monitor(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_events *ev;
	int err, sfd, rc = 0, ready;

	if (argc != 1)
		return usage_error("monitor takes no arguments");
	sfd = signals_fd(NULL);
	if (sfd < 0)
		return EXIT_REFUSED;
	err = klwm2m_events_open(&ev);
	if (err) {
		fprintf(stderr, "klwm2mctl: %s\n", klwm2m_last_error());
		close(sfd);
		return err == -ENOENT ? EXIT_UNAVAILABLE : EXIT_REFUSED;
	}
	/* Whoever reads our output sees each event when it happens. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "klwm2mctl: listening for events\n");

	while ((ready = wait_input(klwm2m_events_fd(ev), sfd)) > 0) {
		err = klwm2m_events_recv(ev, print_event, NULL);
		if (err == -ENOBUFS) {
			fprintf(stderr, "klwm2mctl: events were lost (the socket overran); "
				"dump to resynchronise\n");
			if (json_output) {
				struct json_object *o = json_object_new_object();

				json_object_object_add(o, "kind", json_object_new_string("lost"));
				print_json(o);
			}
		} else if (err < 0 && err != -EAGAIN) {
			fprintf(stderr, "klwm2mctl: receiving events: %s\n", strerror(-err));
			rc = EXIT_REFUSED;
			break;
		}
	}
	if (ready < 0)
		rc = EXIT_REFUSED;
	klwm2m_events_close(ev);
	close(sfd);
	return rc;
}
