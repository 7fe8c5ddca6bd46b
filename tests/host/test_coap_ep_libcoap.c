// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CoAP endpoint against a peer we did not write: libcoap's
 * coap-client-notls (Debian's libcoap3-bin) talks to an endpoint this program
 * serves on 127.0.0.1, on the real clock, through the endpoint's own socket
 * loop (poll, kcoap_ep_input, kcoap_ep_next_timeout, kcoap_ep_timer), as the
 * agent's epoll loop drives it:
 *   - GET -b 64 of a 1500-byte resource (Block2, 24 blocks),
 *   - PUT -b 32 of a 1000-byte file (Block1, 32 blocks),
 *   - observe -s 3 with a notification every 500 ms.
 * Each prints "# figure: ..." with what it measured.
 *
 * KCOAP_EP_DUMP_DIR=dir: also write every datagram the endpoint received, in
 * the fuzz target's record format (tests/fuzz/coap_ep.c), one file per test:
 * that is how tests/fuzz/corpus/coap_ep/libcoap-* were made.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_coap_ep_util.h"

#define COAP_CLIENT "/usr/bin/coap-client-notls"

extern char **environ;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void obs_end(void *arg, struct kcoap_ep *ep, struct kcoap_obs *obs, void *user,
		    enum kcoap_obs_end reason)
{
	struct th *t = arg;

	t->obs_ends++;
	t->obs_end_reason = reason;
	if (t->obs == obs)
		t->obs = NULL;
}

static int setup(void **state)
{
	struct th *t = calloc(1, sizeof(*t));
	struct kcoap_ep_config cfg = {
		.on_request = th_handler, .on_observe_end = obs_end, .arg = t,
	};
	struct kcoap_addr any;

	if (access(COAP_CLIENT, X_OK)) {
		fprintf(stderr, "# %s is missing: install libcoap3-bin (scripts/deps)\n",
			COAP_CLIENT);
		return -1;
	}
	assert_int_equal(0, kcoap_addr_parse(&any, "127.0.0.1", 0));
	cfg.bind = &any;
	assert_int_equal(0, kcoap_ep_create(&cfg, &t->ep));
	assert_int_equal(0, kcoap_ep_local(t->ep, &t->ep_addr));
	t->peer = -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct th *t = *state;

	kcoap_ep_destroy(t->ep);
	free(t->big);
	free(t->body);
	free(t);
	return 0;
}

static FILE *dump_open(const char *name)
{
	const char *dir = getenv("KCOAP_EP_DUMP_DIR");
	char path[512];

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/libcoap-%s", dir, name);
	return fopen(path, "w");
}

/* Read one datagram by hand to record it (dump mode only). */
static void input_recorded(struct th *t, FILE *dump, uint64_t *last)
{
	uint8_t buf[2048];
	struct kcoap_addr peer = { .len = sizeof(peer.ss) };
	ssize_t n;

	while ((n = recvfrom(kcoap_ep_fd(t->ep), buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&peer.ss, &peer.len)) >= 0) {
		uint64_t now = mono_ms(), steps = (now - *last) / 100;
		uint8_t hdr[3] = { (uint8_t)((steps > 127 ? 127 : steps) << 1),
				   (uint8_t)(n >> 8), (uint8_t)n };

		*last = now;
		fwrite(hdr, 1, sizeof(hdr), dump);
		fwrite(buf, 1, (size_t)n, dump);
		kcoap_ep_datagram(t->ep, &peer, buf, (size_t)n);
		peer.len = sizeof(peer.ss);
	}
}

/*
 * Run coap-client-notls with @args ("@/path": the endpoint's URI) while
 * serving; notifications every @notify_ms to th->obs when set. The client's
 * stdout goes to @out (NUL-terminated). Return: the client's exit status.
 */
static int run_client(struct th *t, const char *name, const char *const *args, char *out,
		      size_t out_size, unsigned int notify_ms, unsigned int *notified)
{
	char uri[128], *argv[32];
	int pipefd[2], status = -1;
	unsigned int argc = 0;
	size_t out_len = 0;
	uint64_t deadline = mono_ms() + 30000, next_notify = 0, last = mono_ms();
	posix_spawn_file_actions_t fa;
	FILE *dump = dump_open(name);
	bool eof = false;
	pid_t pid;

	argv[argc++] = (char *)COAP_CLIENT;
	for (; *args; args++) {
		if (**args == '@') {
			snprintf(uri, sizeof(uri), "coap://127.0.0.1:%u%s",
				 ntohs(((struct sockaddr_in *)&t->ep_addr.ss)->sin_port), *args + 1);
			argv[argc++] = uri;
		} else {
			argv[argc++] = (char *)*args;
		}
	}
	argv[argc] = NULL;
	assert_int_equal(0, pipe2(pipefd, O_CLOEXEC));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	assert_int_equal(0, posix_spawn(&pid, COAP_CLIENT, &fa, NULL, argv, environ));
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);

	while (!eof) {
		struct pollfd pfd[2] = {
			{ .fd = kcoap_ep_fd(t->ep), .events = POLLIN },
			{ .fd = pipefd[0], .events = POLLIN },
		};
		int timeout = kcoap_ep_next_timeout(t->ep);
		uint64_t now = mono_ms();

		assert_true(now < deadline);
		if (t->obs && notify_ms) {
			if (!next_notify)
				next_notify = now + notify_ms;
			if (now >= next_notify) {
				char text[16];
				struct kcoap_msg n;

				snprintf(text, sizeof(text), "n%u", ++*notified);
				kcoap_msg_init(&n, KCOAP_NON, KCOAP_CONTENT, 0);
				kcoap_msg_set_payload(&n, text, strlen(text));
				assert_int_equal(0, kcoap_ep_notify(t->ep, t->obs, &n, false));
				next_notify = now + notify_ms;
			}
			if (timeout < 0 || (uint64_t)timeout > next_notify - now)
				timeout = (int)(next_notify - now);
		}
		if (timeout < 0 || timeout > 200)
			timeout = 200;
		assert_true(poll(pfd, 2, timeout) >= 0);
		if (pfd[0].revents & POLLIN) {
			if (dump)
				input_recorded(t, dump, &last);
			else
				assert_true(kcoap_ep_input(t->ep) >= 0);
		}
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(pipefd[0], out + out_len, out_size - 1 - out_len);

			assert_true(n >= 0);
			out_len += (size_t)n;
			eof = n == 0 || out_len == out_size - 1;
		}
		kcoap_ep_timer(t->ep);
	}
	out[out_len] = '\0';
	close(pipefd[0]);
	assert_int_equal(pid, waitpid(pid, &status, 0));
	/* what the client sent last (an RST, a deregistration) */
	struct pollfd pfd = { .fd = kcoap_ep_fd(t->ep), .events = POLLIN };

	while (poll(&pfd, 1, 100) == 1) {
		if (dump)
			input_recorded(t, dump, &last);
		else
			kcoap_ep_input(t->ep);
	}
	if (dump)
		fclose(dump);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void libcoap_client_gets_a_large_resource_in_64_byte_blocks(void **state)
{
	char file[] = "/tmp/kcoap-ep-get-XXXXXX";
	const char *const args[] = { "-b", "64", "-B", "20", "-o", file, "@/big", NULL };
	struct th *t = *state;
	struct kcoap_ep_stats st;
	static char out[256], got[2048];
	uint64_t t0;
	ssize_t n;
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	th_big(t, 1500, 9);
	t0 = mono_ms();
	assert_int_equal(0, run_client(t, "block2", args, out, sizeof(out), 0, NULL));
	printf("# figure: GET of 1500 bytes in 64-byte blocks: %llu ms (client run, incl. exec)\n",
	       (unsigned long long)(mono_ms() - t0));
	n = read(fd, got, sizeof(got));
	close(fd);
	unlink(file);
	assert_int_equal(1500, n);
	assert_memory_equal(t->big, got, 1500);
	assert_int_equal(1, t->calls);
	kcoap_ep_get_stats(t->ep, &st);
	assert_int_equal(24, st.rx);	/* ceil(1500 / 64) requests, no retransmission */
	assert_int_equal(24, st.tx);
}

static void libcoap_client_puts_a_file_in_32_byte_blocks(void **state)
{
	char file[] = "/tmp/kcoap-ep-put-XXXXXX";
	const char *const args[] = { "-m", "put", "-b", "32", "-B", "20", "-f", file,
				     "@/upload", NULL };
	struct th *t = *state;
	uint8_t data[1000];
	static char out[256];
	uint64_t t0;
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	assert_int_equal(sizeof(data), write(fd, data, sizeof(data)));
	close(fd);
	t0 = mono_ms();
	assert_int_equal(0, run_client(t, "block1", args, out, sizeof(out), 0, NULL));
	printf("# figure: PUT of 1000 bytes in 32-byte blocks: %llu ms (client run, incl. exec)\n",
	       (unsigned long long)(mono_ms() - t0));
	unlink(file);
	assert_int_equal(1, t->calls);
	assert_int_equal(sizeof(data), t->body_len);
	assert_memory_equal(data, t->body, sizeof(data));
}

static void libcoap_client_observes_and_receives_notifications(void **state)
{
	const char *const args[] = { "-s", "3", "-w", "-B", "20", "@/obs", NULL };
	struct th *t = *state;
	unsigned int notified = 0, got = 0;
	static char out[1024];
	char want[16];

	assert_int_equal(0, run_client(t, "observe", args, out, sizeof(out), 500, &notified));
	assert_non_null(strstr(out, "v1\n"));	/* the registration's response */
	for (unsigned int i = 1; i <= notified; i++) {
		snprintf(want, sizeof(want), "n%u\n", i);
		got += strstr(out, want) != NULL;
	}
	/* the client stops listening after 3 s: 5 or 6 of them arrive */
	assert_true(notified >= 4);
	assert_true(got >= 3);
	printf("# figure: observe -s 3, one notification per 500 ms: the client printed %u of "
	       "the %u sent\n", got, notified);
	/* libcoap 4.3.1 deregisters on its way out (GET with Observe 1) */
	assert_int_equal(1, t->obs_ends);
	assert_int_equal(KCOAP_OBS_END_DEREGISTER, t->obs_end_reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(libcoap_client_gets_a_large_resource_in_64_byte_blocks),
		T(libcoap_client_puts_a_file_in_32_byte_blocks),
		T(libcoap_client_observes_and_receives_notifications),
#undef T
	};

	return cmocka_run_group_tests_name("coap endpoint vs libcoap", tests, NULL, NULL);
}
