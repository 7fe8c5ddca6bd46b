// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2mctl exec and own: execute a resource through the app that owns it;
 * own an object or an instance and run a command for each execute it gets.
 * own is one thread: poll() over the handle (klwm2m_fd()) and a signalfd, as
 * monitor; the loop waits while a command runs (signals wait in the
 * signalfd, and the command starts with the signal mask own found).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/klwm2m.h>

#include "ctl.h"

/* A path, with or without its leading '/' ("3/0/4" as "/3/0/4"). */
static int path_arg(const char *text, unsigned int depths, struct klwm2m_path *p)
{
	char buf[KLWM2M_PATH_STRLEN + 1];

	if (text[0] != '/' && snprintf(buf, sizeof(buf), "/%s", text) < (int)sizeof(buf))
		text = buf;
	return parse_path_arg(text, depths, p);
}

/* What an execute's status means, said for a person. */
static const char *status_text(int status)
{
	switch (status) {
	case -ETIMEDOUT:
		return "the owner did not answer in time";
	case -EPIPE:
		return "the owner's socket closed";
	case -EAGAIN:
		return "the owner's socket buffer was full";
	default:
		return klwm2m_strerror(status);
	}
}

int cmd_exec(struct klwm2m *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct klwm2m_path p;
	unsigned long ssid = 0;
	const char *args;
	char *end;
	int c, err, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 's')
			return EXIT_USAGE;
		errno = 0;
		ssid = strtoul(optarg, &end, 10);
		if (errno || end == optarg || *end || !ssid || ssid > KLWM2M_ID_MAX)
			return usage_error("--server takes a short server ID, 1..%d",
					   KLWM2M_ID_MAX);
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage_error("exec takes a resource's path and optionally its arguments");
	err = path_arg(argv[optind], 1U << 3, &p);
	if (err)
		return err;
	args = argc - optind == 2 ? argv[optind + 1] : NULL;
	if (args && strlen(args) > KLWM2M_EXEC_ARGS_MAX)
		return usage_error("execute arguments are at most %d bytes", KLWM2M_EXEC_ARGS_MAX);

	err = klwm2m_exec(k, &p, args, args ? strlen(args) : 0, (uint16_t)ssid, &status);
	if (err)
		return kernel_failed(k, "exec", err);
	if (json_output) {
		struct json_object *o = json_object_new_object();
		char text[KLWM2M_PATH_STRLEN];

		klwm2m_path_format(&p, text, sizeof(text));
		json_object_object_add(o, "path", json_object_new_string(text));
		json_object_object_add(o, "status", json_object_new_int(status));
		if (status)
			json_object_object_add(o, "error",
					       json_object_new_string(status_text(status)));
		print_json(o);
	} else {
		printf("%d\n", status);
	}
	if (status) {
		fprintf(stderr, "klwm2mctl: exec %s: %s\n", argv[optind], status_text(status));
		return EXIT_REFUSED;
	}
	return 0;
}

struct owner {
	char **cmd;
	sigset_t sigmask;		/* the mask to restore in the command */
};

/*
 * The command's exit status as an execute's: 0 is 0; 126 and 127 (not
 * executable, not found) are -ENOEXEC; any other, or a death by a signal,
 * is -EIO.
 */
static int exit_to_status(int wstatus)
{
	if (WIFEXITED(wstatus) && !WEXITSTATUS(wstatus))
		return 0;
	if (WIFEXITED(wstatus) && (WEXITSTATUS(wstatus) == 126 || WEXITSTATUS(wstatus) == 127))
		return -ENOEXEC;
	return -EIO;
}

/* Runs the command for @req; its status. */
static int run_command(struct owner *o, const struct klwm2m_exec_request *req)
{
	char path[KLWM2M_PATH_STRLEN], server[8] = "", *args;
	int wstatus;
	pid_t pid;

	/* The environment holds text: arguments with a NUL inside cannot pass. */
	if (req->args && memchr(req->args, 0, req->args_len)) {
		fprintf(stderr, "klwm2mctl: execute %u: arguments with a NUL byte refused\n",
			req->id);
		return -EINVAL;
	}
	args = strndup(req->args ? req->args : "", req->args_len);
	if (!args)
		return -ENOMEM;
	klwm2m_path_format(&req->path, path, sizeof(path));
	if (req->has_server)
		snprintf(server, sizeof(server), "%u", req->server);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &o->sigmask, NULL);
		/* With -j, stdout carries JSON lines only: the command writes to stderr. */
		if ((json_output && dup2(STDERR_FILENO, STDOUT_FILENO) < 0) ||
		    setenv("KLWM2M_PATH", path, 1) || setenv("KLWM2M_ARGS", args, 1) ||
		    setenv("KLWM2M_SERVER", server, 1))
			_exit(126);
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "klwm2mctl: %s: %s\n", o->cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	free(args);
	if (pid < 0) {
		fprintf(stderr, "klwm2mctl: fork: %s\n", strerror(errno));
		return -EIO;
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR)
			return -EIO;
	}
	return exit_to_status(wstatus);
}

static int on_exec(struct klwm2m *k, const struct klwm2m_exec_request *req, void *arg)
{
	char path[KLWM2M_PATH_STRLEN];
	int status = run_command(arg, req);
	int err = klwm2m_exec_done(k, req->id, status);

	if (err)
		kernel_failed(k, "answering an execute", err);
	klwm2m_path_format(&req->path, path, sizeof(path));
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string("exec"));
		json_object_object_add(o, "id", json_object_new_int64(req->id));
		json_object_object_add(o, "path", json_object_new_string(path));
		if (req->has_server)
			json_object_object_add(o, "server", json_object_new_int(req->server));
		json_object_object_add(o, "status", json_object_new_int(status));
		print_json(o);
	} else {
		printf("exec %s", path);
		if (req->has_server)
			printf(" server %u", req->server);
		printf(" status %d\n", status);
	}
	return 0;
}

static int on_sample(struct klwm2m *k, const struct klwm2m_path *p, void *arg)
{
	char path[KLWM2M_PATH_STRLEN];

	klwm2m_path_format(p, path, sizeof(path));
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string("sample"));
		json_object_object_add(o, "path", json_object_new_string(path));
		print_json(o);
	} else {
		printf("sample %s\n", path);
	}
	return 0;
}

static int on_write(struct klwm2m *k, const struct klwm2m_event *e, void *arg)
{
	return print_event(e, NULL);
}

int cmd_own(struct klwm2m *k, int argc, char **argv)
{
	static const struct klwm2m_handlers handlers = {
		.exec = on_exec,
		.sample = on_sample,
		.write = on_write,
	};
	struct owner o;
	struct klwm2m_path p;
	int err, sfd, fd, rc = 0, ready, first = 2;

	if (argc < 2)
		return usage_error("own takes OID[/IID] and a command to run for each execute");
	err = path_arg(argv[1], 1U << 1 | 1U << 2, &p);
	if (err)
		return err;
	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	if (first >= argc)
		return usage_error("own needs a command to run for each execute");
	o.cmd = argv + first;

	sfd = signals_fd(&o.sigmask);
	if (sfd < 0)
		return EXIT_REFUSED;
	err = klwm2m_own(k, p.oid, p.depth == 2 ? p.iid : -1);
	fd = err ? err : klwm2m_fd(k);
	if (fd < 0) {
		close(sfd);
		return kernel_failed(k, "own", fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "klwm2mctl: owning %s, running %s for each execute\n", argv[1], o.cmd[0]);
	while ((ready = wait_input(fd, sfd)) > 0) {
		err = klwm2m_process(k, &handlers, &o);
		if (err == -ENOBUFS) {
			fprintf(stderr, "klwm2mctl: messages from the kernel were lost "
				"(the socket overran)\n");
		} else if (err < 0) {
			rc = kernel_failed(k, "receiving", err);
			break;
		}
	}
	if (ready < 0)
		rc = EXIT_REFUSED;
	close(sfd);
	return rc;
}
