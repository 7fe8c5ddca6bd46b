// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2md: the LwM2M client daemon of klwm2m.
 *
 * Start: flags, the configuration (strict; refused -> exit 2); then, in a
 * short-lived helper process (startup.c, so that the libraries it needs
 * never stay mapped here), the default endpoint name, the object
 * definitions and the [device] values checked against object 3 (exit 2),
 * and the objects defined in the kernel (or found defined the same). Then
 * the kernel from here: server accounts in /0 and /1, /3/0, the servers'
 * default periods. Then the event
 * loop (loop.c) with the LwM2M session (lwm2m/session.c: the CoAP endpoint,
 * registration with every server, the DM interfaces) until SIGTERM or SIGINT
 * (Deregister, then exit 0) or a failure (exit 1).
 * SIGHUP reloads (reload.c). --check stops after the checks, without the
 * kernel.
 *
 * Exit status: 0 clean stop (or --check passed); 1 runtime error (the
 * module missing, the kernel refusing a definition or a value, the loop
 * failing); 2 usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "accounts.h"
#include "agent.h"
#include "config.h"
#include "device.h"
#include "log.h"
#include "loop.h"
#include "lwm2m/session.h"
#include "notify.h"
#include "startup.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

#ifndef KLWM2MD_CONF
#define KLWM2MD_CONF "/etc/klwm2m/klwm2md.conf"
#endif

static void usage(FILE *f)
{
	fprintf(f,
"usage: klwm2md [-c FILE] [-e ENDPOINT] [-l LEVEL] [--syslog] [--check]\n"
"\n"
"The klwm2m LwM2M client daemon: serves the kernel store (klwm2m.ko) to the\n"
"LwM2M servers its configuration names. Runs in the foreground.\n"
"\n"
"  -c, --config FILE      configuration (default " KLWM2MD_CONF ")\n"
"  -e, --endpoint NAME    endpoint name, over [agent] endpoint\n"
"  -l, --log-level LEVEL  error, warning, notice, info or debug, over [agent] log_level\n"
"      --syslog           log to syslog instead of stderr\n"
"      --check            check the configuration and the object definitions, then exit\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n"
"\n"
"Signals: SIGTERM, SIGINT stop (exit 0); SIGHUP reloads the configuration.\n"
"Exit status: 0 stopped cleanly or --check passed; 1 runtime error;\n"
"2 usage or configuration error. See docs/agent.md.\n"
"\n"
"Examples:\n"
"  klwm2md --check -c /etc/klwm2m/klwm2md.conf\n"
"  klwm2md -c klwm2md.conf -l debug\n");
}

static int parse_flags(int argc, char **argv, const char **file, struct config_overrides *ov,
		       int *check)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:e:l:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			*file = optarg;
			break;
		case 'e':
			if (config_endpoint_check(optarg)) {
				fprintf(stderr, "klwm2md: -e '%s': 1..%d characters of A-Z a-z 0-9 - . _ ~ : @ +\n",
					optarg, CONFIG_ENDPOINT_MAX);
				return -EINVAL;
			}
			ov->endpoint = optarg;
			break;
		case 'l':
			ov->log_level = log_level_parse(optarg);
			if (ov->log_level < 0) {
				fprintf(stderr, "klwm2md: -l '%s': error, warning, notice, info or debug\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'S':
			ov->use_syslog = 1;
			break;
		case 'C':
			*check = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("klwm2md %s\n", KLWM2M_TOOLS_VERSION);
			exit(0);
		default:
			fprintf(stderr, "klwm2md: try --help\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "klwm2md: unexpected argument '%s'; try --help\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/*
 * The kernel's unsolicited traffic: notifications, executes, server writes
 * and samples, delivered to the handlers the LwM2M layer set in
 * struct agent (see agent.h).
 */
static void kernel_readable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct agent *a = arg;
	int rc = klwm2m_process(a->k, &a->kernel_handlers, a->kernel_arg);

	if (rc == -ENOBUFS) {
		log_rl(LOG_WARNING, "kernel messages were lost: asking for fresh notifications");
		rc = klwm2m_observe_resync(a->k);
	}
	if (rc < 0) {
		log_err("kernel socket: %s", klwm2m_strerror(rc));
		loop_stop(l, rc);
	}
}

/* After startup_run() defined the objects: the accounts and /3/0. */
static int setup_kernel(struct agent *a)
{
	char err[1024];
	int rc = klwm2m_open(&a->k);

	if (rc) {
		log_err("cannot open the klwm2m module: %s", klwm2m_last_error());
		return rc;
	}
	rc = accounts_apply(a->k, a->cfg, err, sizeof(err));
	if (!rc)
		rc = device_apply(a->k, a->cfg, err, sizeof(err));
	if (rc)
		log_err("%s", err);
	return rc;
}

/* Tells the service manager @fmt (see notify.c); a failure is logged once. */
void agent_notify(const char *fmt, ...)
{
	static int warned;
	char state[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(state, sizeof(state), fmt, ap);
	va_end(ap);
	rc = notify_send(state);
	if (rc < 0 && !warned) {
		warned = 1;
		log_warn("cannot notify the service manager at $NOTIFY_SOCKET: %s", strerror(-rc));
	}
}

static int notify_stopping(struct loop *l, void *arg)
{
	(void)l;
	(void)arg;
	agent_notify("STOPPING=1");
	return 0;
}

static int run(struct agent *a)
{
	struct lwm2m_session *sess = NULL;
	int fd = klwm2m_fd(a->k), rc;

	if (fd < 0) {
		log_err("kernel socket: %s", klwm2m_strerror(fd));
		return fd;
	}
	rc = loop_fd_add(a->loop, fd, EPOLLIN, kernel_readable, a);
	if (rc) {
		log_err("watching the kernel socket: %s", strerror(-rc));
		return rc;
	}
	loop_on_reload(a->loop, agent_reload, a);
	log_notice("running as endpoint %s with %u server%s", a->endpoint, a->cfg->nservers,
		   a->cfg->nservers == 1 ? "" : "s");
	/* Before the session's hook: hooks run newest first, so this one ends the stop. */
	rc = loop_stop_hook(a->loop, notify_stopping, NULL);
	if (!rc)
		rc = lwm2m_session_start(a, &sess);
	if (rc)
		return rc;
	agent_notify("READY=1\nSTATUS=serving as endpoint %s with %u server%s", a->endpoint,
		     a->cfg->nservers, a->cfg->nservers == 1 ? "" : "s");
	rc = loop_run(a->loop);
	lwm2m_session_free(sess);
	if (rc < 0)
		log_err("stopped on an error: %s", strerror(-rc));
	else
		log_notice("stopped");
	return rc;
}

int main(int argc, char **argv)
{
	struct config_overrides ov = { .log_level = -1, .use_syslog = -1 };
	struct agent a = { .cfg_file = KLWM2MD_CONF, .ov = &ov };
	struct startup st;
	char err[1024];
	int check = 0, rc;

	if (parse_flags(argc, argv, &a.cfg_file, &ov, &check))
		return EXIT_USAGE;
	/* Before any other thread or socket: the signals go to the loop's signalfd. */
	rc = loop_new(&a.loop);
	if (rc) {
		fprintf(stderr, "klwm2md: event loop: %s\n", strerror(-rc));
		return EXIT_RUNTIME;
	}
	rc = config_load(a.cfg_file, &ov, &a.cfg, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		loop_free(a.loop);
		return rc == -ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
	}
	log_init(a.cfg->use_syslog, a.cfg->log_level);
	if (startup_run(a.cfg, !check, &st)) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (st.status != STARTUP_OK) {
		rc = st.status == STARTUP_CONFIG ? EXIT_USAGE : EXIT_RUNTIME;
		goto out;
	}
	a.endpoint = a.cfg->endpoint ? a.cfg->endpoint : st.endpoint;
	if (check) {
		printf("%s: the configuration is valid: endpoint %s, %u server%s, %u objects\n",
		       a.cfg_file, a.endpoint, a.cfg->nservers, a.cfg->nservers == 1 ? "" : "s",
		       st.nobjects);
		rc = 0;
		goto out;
	}
	rc = setup_kernel(&a);
	if (!rc)
		rc = run(&a);
	rc = rc ? EXIT_RUNTIME : 0;
out:
	klwm2m_close(a.k);
	config_free(a.cfg);
	loop_free(a.loop);
	return rc;
}
