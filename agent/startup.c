// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The start-up helper process (see startup.h).
 *
 * Why a process: reading DDF files takes libxml2 (and ICU, libstdc++,
 * liblzma, zlib behind it), deriving the endpoint name libsystemd (and
 * libgcrypt, libzstd, liblz4, libcap). Each is used once, at start, and
 * their pages would stay in the daemon for good: over 4 MiB of private
 * memory against issue 5's 2 MiB. The child dlopen()s them (dlib.h), does
 * the work, writes one struct startup to a pipe and _exit()s; the parent
 * reads it and reaps the child. The parent keeps no definition: what it
 * needs later it reads from the kernel (device.c, lwm2m/defs.c).
 *
 * The child inherits the log (stderr or syslog) and writes to it as the
 * daemon would; it never writes to stdout and leaves through _exit(), so
 * no stdio buffer is written twice. Its signals are blocked as the
 * parent's (loop.c): a SIGTERM during start-up waits in the parent's
 * signalfd for the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "device.h"
#include "dlib.h"
#include "endpoint.h"
#include "log.h"
#include "objects.h"
#include "startup.h"

static enum startup_status derive_endpoint(const struct config *c, struct startup *r)
{
	const char *source;
	int rc = endpoint_default(r->endpoint, sizeof(r->endpoint), &source);

	if (rc == -ELIBACC) {
		log_err("%s: no [agent] endpoint, and the default one needs %s", c->file,
			dlib_error());
		return STARTUP_RUNTIME;
	}
	if (rc) {
		log_err("%s: no [agent] endpoint, and neither /etc/machine-id nor the host name gives one",
			c->file);
		return STARTUP_CONFIG;
	}
	log_info("endpoint %s, derived from %s", r->endpoint, source);
	return STARTUP_OK;
}

static enum startup_status define_all(const struct objects *objs)
{
	struct klwm2m *k;
	char err[1024];
	int rc = klwm2m_open(&k);

	if (rc) {
		log_err("cannot open the klwm2m module: %s", klwm2m_last_error());
		return STARTUP_RUNTIME;
	}
	rc = objects_define(k, objs, err, sizeof(err));
	klwm2m_close(k);
	if (rc) {
		log_err("%s", err);
		return STARTUP_RUNTIME;
	}
	return STARTUP_OK;
}

/* The child's work; what the daemon did itself before. */
static void work(const struct config *c, int define, struct startup *r)
{
	struct objects *objs = NULL;
	char err[1024];
	int rc;

	if (!c->endpoint) {
		r->status = derive_endpoint(c, r);
		if (r->status)
			return;
	}
	rc = objects_load(c, &objs, err, sizeof(err));
	if (!rc)
		rc = device_check(c, objects_find(objs, 3), err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		r->status = rc == -ELIBACC || rc == -ENOMEM ? STARTUP_RUNTIME : STARTUP_CONFIG;
	} else {
		r->nobjects = objs->n;
		r->status = define ? define_all(objs) : STARTUP_OK;
	}
	objects_free(objs);
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += n;
	}
	return got;
}

int startup_run(const struct config *c, int define, struct startup *out)
{
	struct startup r = { .status = STARTUP_RUNTIME };
	int fds[2], ws = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		log_err("start-up helper: pipe: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		log_err("start-up helper: fork: %s", strerror(-rc));
		close(fds[0]);
		close(fds[1]);
		return rc;
	}
	if (!pid) {
		close(fds[0]);
		work(c, define, &r);
		/* One write below PIPE_BUF: whole or not at all. */
		_exit(write(fds[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	n = read_full(fds[0], &r, sizeof(r));
	close(fds[0]);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(r) || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
		if (WIFSIGNALED(ws))
			log_err("start-up helper (pid %d) was killed by signal %d", (int)pid,
				WTERMSIG(ws));
		else
			log_err("start-up helper (pid %d) did not report (exit status %d)", (int)pid,
				WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
		return -EPIPE;
	}
	r.endpoint[sizeof(r.endpoint) - 1] = '\0';
	*out = r;
	return 0;
}
