// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2m-testsrv: an LwM2M 1.1 server for tests, built on libcoap (a peer
 * we did not write) with its own codecs. It accepts registrations on UDP,
 * then plays a scenario against the registered device and prints TAP.
 *
 *   klwm2m-testsrv [--addr A] [--port P] [--port-file F] [--timeout S]
 *                  [--bail] [--check] [-v] [SCENARIO]
 *
 * Without SCENARIO it serves registrations until SIGINT/SIGTERM (useful by
 * hand). Exit status: 0 every step passed, 1 a step failed, 2 usage, a bad
 * scenario or no socket. Threading model: see srv.h (one thread, libcoap's
 * loop run from srv_wait()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario.h"
#include "steps.h"

FILE *out;

static volatile sig_atomic_t stop;

static const struct {
	const char *addr;
	unsigned int port, timeout_s;
} defaults = { "127.0.0.1", 5683, 10 };

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double srv_now(const struct srv *s)
{
	return mono() - s->t0;
}

int srv_wait(struct srv *s, bool (*cond)(struct srv *s, void *arg), void *arg,
	     unsigned int timeout_ms)
{
	double end = mono() + timeout_ms / 1000.0;

	for (;;) {
		double left = end - mono();

		if (cond && cond(s, arg))
			return 0;
		if (stop)
			return -EINTR;
		if (left <= 0)
			return -ETIMEDOUT;
		/* short slices: conditions like a child's exit are polled */
		if (coap_io_process(s->ctx, left > 0.05 ? 50 : (uint32_t)(left * 1000) + 1) < 0)
			return -EIO;
		rd_reap(s);
	}
}

struct client *srv_client(struct srv *s)
{
	for (struct client *c = s->clients; c; c = c->next)	/* newest first */
		if (!c->gone)
			return c;
	return NULL;
}

/* libcoap logs WARN and below to stdout: keep it out of the TAP stream */
static void on_log(coap_log_t level, const char *msg)
{
	size_t l = strlen(msg);

	fprintf(out, "# libcoap: %.*s\n", (int)(l && msg[l - 1] == '\n' ? l - 1 : l), msg);
}

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: klwm2m-testsrv [options] [SCENARIO|-]\n"
		"  -a, --addr ADDR       listen address (default %s; IPv6 too)\n"
		"  -p, --port PORT       UDP port (default %u; 0: any free port)\n"
		"  -P, --port-file FILE  write the port there once listening\n"
		"  -t, --timeout SEC     wait per request (default %u)\n"
		"  -b, --bail            stop at the first failed step\n"
		"  -c, --check           only parse the scenario and print the plan\n"
		"  -v, --verbose         libcoap's debug log on stderr\n"
		"Without a scenario: print registrations until interrupted.\n"
		"Examples:\n"
		"  klwm2m-testsrv --port 0 --port-file /tmp/port tests/peer/scenarios/device.scn\n"
		"  coap-client-notls -m post 'coap://127.0.0.1:5683/rd?ep=dev&lt=60&lwm2m=1.1&b=U' -e '</3/0>'\n"
		"Scenario syntax: docs/test-server.md\n",
		defaults.addr, defaults.port, defaults.timeout_s);
}

static int make_addr(const char *host, unsigned long port, coap_address_t *a)
{
	coap_address_init(a);
	if (inet_pton(AF_INET, host, &a->addr.sin.sin_addr) == 1) {
		a->addr.sin.sin_family = AF_INET;
		a->size = sizeof(a->addr.sin);
	} else if (inet_pton(AF_INET6, host, &a->addr.sin6.sin6_addr) == 1) {
		a->addr.sin6.sin6_family = AF_INET6;
		a->size = sizeof(a->addr.sin6);
	} else {
		return -EINVAL;
	}
	coap_address_set_port(a, (uint16_t)port);
	return 0;
}

/* libcoap 4.3.1 has no getter for an endpoint's address; its string has the
 * bound port after the last ':' ("127.0.0.1:40000" or "[::1]:40000"). */
static int endpoint_port(const coap_endpoint_t *ep)
{
	const char *s = coap_endpoint_str(ep), *colon = strrchr(s, ':');
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;

	return port > 0 && port < 65536 ? (int)port : -EINVAL;
}

static int write_port(const char *file, int port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", port);
	if (fclose(f) || rename(tmp, file))	/* readers never see half a number */
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "bail", no_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *addr = defaults.addr, *port_file = NULL, *file = NULL;
	unsigned long port = defaults.port, timeout = defaults.timeout_s;
	bool bail = false, check = false, verbose = false;
	struct scenario sc = { 0 };
	struct srv s = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	coap_endpoint_t *ep;
	coap_address_t a;
	char *end;
	int opt, bound, failed = 0;

	out = stdout;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt_long(argc, argv, "a:p:P:t:bcvh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
		case 't':
			errno = 0;
			*(opt == 'p' ? &port : &timeout) = strtoul(optarg, &end, 10);
			if (*end || !*optarg || errno || (opt == 'p' && port > 65535) ||
			    (opt == 't' && (timeout < 1 || timeout > 3600))) {
				fprintf(stderr, "klwm2m-testsrv: bad %s '%s'\n",
					opt == 'p' ? "port" : "timeout", optarg);
				return 2;
			}
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'b':
			bail = true;
			break;
		case 'c':
			check = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc || (check && !file)) {
		usage(stderr);
		return 2;
	}
	if (file && scenario_load(file, &sc))
		return 2;
	if (check) {
		printf("1..%zu\n", sc.n);
		for (size_t i = 0; i < sc.n; i++)
			printf("# %zu (line %d): %s\n", i + 1, sc.steps[i].line, sc.steps[i].text);
		scenario_free(&sc);
		return 0;
	}
	if (make_addr(addr, port, &a)) {
		fprintf(stderr, "klwm2m-testsrv: '%s' is not an IPv4 or IPv6 address\n", addr);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	coap_startup();
	coap_set_log_handler(on_log);
	coap_set_log_level(verbose ? LOG_DEBUG : LOG_WARNING);
	s.timeout_ms = (unsigned int)timeout * 1000;
	s.t0 = mono();
	s.ctx = coap_new_context(NULL);
	if (!s.ctx)
		goto fatal;
	coap_context_set_block_mode(s.ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
	ep = coap_new_endpoint(s.ctx, &a, COAP_PROTO_UDP);
	if (!ep || (bound = endpoint_port(ep)) < 0 || rd_init(&s))
		goto fatal;
	req_init(&s);
	if (port_file && write_port(port_file, bound)) {
		fprintf(stderr, "klwm2m-testsrv: %s: %s\n", port_file, strerror(errno));
		goto fatal;
	}
	fprintf(out, "# klwm2m-testsrv listening on %s port %d\n", addr, bound);

	if (file)
		failed = steps_run(&s, &sc, bail);
	else
		srv_wait(&s, NULL, NULL, UINT32_MAX);

	obs_free_all(&s);
	rd_free(&s);
	coap_free_context(s.ctx);
	coap_cleanup();
	scenario_free(&sc);
	return failed ? 1 : 0;
fatal:
	fprintf(stderr, "klwm2m-testsrv: cannot listen on %s port %lu\n", addr, port);
	if (s.ctx)
		coap_free_context(s.ctx);
	scenario_free(&sc);
	return 2;
}
