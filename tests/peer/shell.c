// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The exec-shell step: /bin/sh -c CMD in a child, while the server keeps
 * answering the device (the command may make the device talk to us). Its
 * output goes to a temporary file and is shown as "# " lines afterwards,
 * so that it cannot be taken for TAP.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "steps.h"

struct child {
	pid_t pid;
	int status;
	bool done;
};

static bool reaped(struct srv *s, void *arg)
{
	struct child *c = arg;
	pid_t p = waitpid(c->pid, &c->status, WNOHANG);

	if (p == c->pid)
		c->done = true;
	return c->done;
}

static void show(FILE *f)
{
	char line[1024];
	size_t l;

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		l = strlen(line);
		fprintf(out, "#   %s%s", line, l && line[l - 1] == '\n' ? "" : "\n");
	}
}

int shell_run(struct srv *s, const char *cmd, unsigned int timeout_ms, int *status)
{
	FILE *log = tmpfile();
	struct child c = { 0 };

	if (!log)
		return -errno;
	fflush(NULL);
	c.pid = fork();
	if (c.pid < 0) {
		fclose(log);
		return -errno;
	}
	if (!c.pid) {
		dup2(fileno(log), STDOUT_FILENO);
		dup2(fileno(log), STDERR_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (srv_wait(s, reaped, &c, timeout_ms)) {
		kill(c.pid, SIGKILL);
		waitpid(c.pid, &c.status, 0);
		show(log);
		fclose(log);
		return -ETIMEDOUT;
	}
	show(log);
	fclose(log);
	*status = WIFEXITED(c.status) ? WEXITSTATUS(c.status) : 128 + WTERMSIG(c.status);
	return 0;
}
