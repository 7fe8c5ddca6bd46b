// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dm-harness: the DM half of klwm2md alone, for the e2e scenarios
 * tests/e2e/dm-*.sh. It binds a CoAP endpoint on 127.0.0.1:PORT, opens the
 * kernel store, and answers every request as lwm2m_dm_request() does for
 * the server with short ID SSID (every peer is that server: there is no
 * registration here). Kernel notifications and execute results go through
 * lwm2m_dm_kernel_handlers(), as in the agent.
 *
 *   dm-harness PORT [SSID [PREFERRED_CF]]
 *
 * Prints "ready" once it listens, "update-trigger SSID" when a server
 * executes /1/x/8; runs until SIGTERM or SIGINT and then frees everything
 * (exit status 0), so that leaks show under sanitizers. The log goes to
 * stderr at debug level.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coap/endpoint.h"
#include "log.h"
#include "lwm2m/dm.h"

struct harness {
	struct lwm2m_dm *dm;
	uint16_t ssid;
	int preferred_cf;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_request(void *arg, struct kcoap_ep *ep, const struct kcoap_ep_request *req,
		      struct kcoap_msg *resp)
{
	struct harness *h = arg;

	return lwm2m_dm_request(h->dm, h->ssid, h->preferred_cf, ep, req, resp);
}

static void on_observe_end(void *arg, struct kcoap_ep *ep, struct kcoap_obs *obs, void *user,
			   enum kcoap_obs_end reason)
{
	struct harness *h = arg;

	(void)ep;
	lwm2m_dm_observe_end(h->dm, obs, user, reason);
}

static int update_trigger(void *arg, uint16_t ssid)
{
	(void)arg;
	printf("update-trigger %u\n", ssid);
	fflush(stdout);
	return 0;
}

static int number(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || *end || end == s || *out < min || *out > max ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	struct lwm2m_dm_hooks hooks = { .update_trigger = update_trigger };
	struct klwm2m_handlers kh = { 0 };
	struct harness h = { .ssid = 1, .preferred_cf = -1 };
	struct kcoap_ep_config cfg = { 0 };
	struct kcoap_addr bind;
	struct kcoap_ep *ep = NULL;
	struct klwm2m *k = NULL;
	struct sigaction sa;
	long port, v;
	int err;

	if (argc < 2 || argc > 4 || number(argv[1], 1, 65535, &port)) {
		fprintf(stderr, "usage: dm-harness PORT [SSID [PREFERRED_CF]]\n");
		return 2;
	}
	if (argc > 2) {
		if (number(argv[2], 1, 65534, &v))
			return fprintf(stderr, "dm-harness: bad SSID %s\n", argv[2]), 2;
		h.ssid = (uint16_t)v;
	}
	if (argc > 3) {
		if (number(argv[3], -1, 65535, &v))
			return fprintf(stderr, "dm-harness: bad format %s\n", argv[3]), 2;
		h.preferred_cf = (int)v;
	}
	log_init(0, LOG_DEBUG);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	err = klwm2m_open(&k);
	if (err) {
		fprintf(stderr, "dm-harness: klwm2m_open: %s\n", klwm2m_last_error());
		return 1;
	}
	err = kcoap_addr_parse(&bind, "127.0.0.1", (uint16_t)port);
	cfg.bind = &bind;
	cfg.on_request = on_request;
	cfg.on_observe_end = on_observe_end;
	cfg.arg = &h;
	if (!err)
		err = kcoap_ep_create(&cfg, &ep);
	if (!err)
		err = lwm2m_dm_new(k, ep, &hooks, &h.dm);
	if (err) {
		fprintf(stderr, "dm-harness: %s\n", strerror(-err));
		goto out;
	}
	lwm2m_dm_kernel_handlers(&kh);
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		struct pollfd pfd[2] = {
			{ .fd = kcoap_ep_fd(ep), .events = POLLIN },
			{ .fd = klwm2m_fd(k), .events = POLLIN },
		};
		int rc = poll(pfd, 2, kcoap_ep_next_timeout(ep));

		if (rc < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		if (rc > 0 && (pfd[0].revents & POLLIN))
			kcoap_ep_input(ep);
		if (rc > 0 && (pfd[1].revents & POLLIN)) {
			rc = klwm2m_process(k, &kh, h.dm);
			if (rc == -ENOBUFS)
				rc = klwm2m_observe_resync(k);
			if (rc < 0) {
				fprintf(stderr, "dm-harness: kernel: %s\n", strerror(-rc));
				err = rc;
				break;
			}
		}
		if (kcoap_ep_next_timeout(ep) == 0)
			kcoap_ep_timer(ep);
	}
out:
	lwm2m_dm_free(h.dm);	/* before the endpoint: it cancels observers there */
	kcoap_ep_destroy(ep);
	klwm2m_close(k);
	return err ? 1 : 0;
}
