// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent's events socket filter (agent/lwm2m/evfilter.c), run by the
 * real kernel: attached to one end of an AF_UNIX datagram socketpair,
 * messages laid out as kmod/events.c builds them are sent through it and
 * each is checked to arrive or not. Plain TAP.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/klwm2m.h>
#include <linux/netlink.h>

#include "lwm2m/evfilter.h"

static int tests, failures;

struct msg {
	uint8_t b[256];
	size_t len;
};

static void put_attr(struct msg *m, uint16_t type, const void *v, uint16_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	memcpy(m->b + m->len, &a, sizeof(a));
	memcpy(m->b + m->len + NLA_HDRLEN, v, len);
	m->len += NLA_ALIGN(a.nla_len);
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

/* A path nest with @depth IDs from @ids. */
static void put_path(struct msg *m, const uint16_t *ids, unsigned int depth)
{
	size_t start = m->len;
	struct nlattr a = { .nla_type = KLWM2M_A_EVENT_PATH | NLA_F_NESTED };

	m->len += NLA_HDRLEN;
	for (unsigned int i = 0; i < depth; i++)
		put_u16(m, (uint16_t)(KLWM2M_A_PATH_OBJ + i), ids[i]);
	a.nla_len = (uint16_t)(m->len - start);
	memcpy(m->b + start, &a, sizeof(a));
}

/* The header and KIND, PORTID, and SERVER when @server >= 0. */
static void start(struct msg *m, uint8_t cmd, uint8_t kind, int server)
{
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	uint32_t portid = 4242;

	memset(m, 0, sizeof(*m));
	m->len = NLMSG_HDRLEN;
	memcpy(m->b + m->len, &g, sizeof(g));
	m->len += GENL_HDRLEN;
	put_attr(m, KLWM2M_A_EVENT_KIND, &kind, 1);
	put_attr(m, KLWM2M_A_EVENT_PORTID, &portid, 4);
	if (server >= 0)
		put_u16(m, KLWM2M_A_EVENT_SERVER, (uint16_t)server);
}

static void finish(struct msg *m)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)m->len, .nlmsg_type = 0x20 };

	memcpy(m->b, &h, sizeof(h));
}

static void check(int sv[2], struct msg *m, int want, const char *what)
{
	uint8_t buf[512];
	ssize_t n;
	int got;

	finish(m);
	if (send(sv[0], m->b, m->len, 0) != (ssize_t)m->len) {
		printf("not ok %d - %s: send: %s\n", ++tests, what, strerror(errno));
		failures++;
		return;
	}
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	got = n == (ssize_t)m->len && !memcmp(buf, m->b, m->len);
	if (n < 0 && errno != EAGAIN)
		got = -1;
	if (got != want)
		failures++;
	printf("%s %d - %s %s\n", got == want ? "ok" : "not ok", ++tests, what,
	       want ? "passes" : "is dropped");
}

/* One message: its command, kind, server (-1: none), paths, and whether it passes. */
struct tcase {
	const char *what;
	uint8_t cmd, kind;
	int server;
	const uint16_t *paths[2];
	unsigned int depth;
	size_t trailing;	/* bytes of an attribute the filter does not know */
	int want;
};

static const uint16_t sensor[] = { 3303, 0, 5700 }, lifetime[] = { 1, 0, 1 },
		      big[] = { 257, 0, 1 }, big1[] = { 257, 1, 1 };

#define VC KLWM2M_CMD_EVENT, KLWM2M_EVENT_VALUE_CHANGED
static const struct tcase cases[] = {
	{ "VALUE_CHANGED of /3303/0/5700 alone", VC, -1, { sensor }, 3, 0, 0 },
	{ "the same, written by server 1", VC, 1, { sensor }, 3, 0, 0 },
	{ "VALUE_CHANGED of /1/0/1", VC, -1, { lifetime }, 3, 0, 1 },
	{ "VALUE_CHANGED of /1/0/1 by server 2", VC, 2, { lifetime }, 3, 0, 1 },
	{ "VALUE_CHANGED of /257/0/1 (low byte 1)", VC, -1, { big }, 3, 0, 0 },
	{ "VALUE_CHANGED of /257/1/1", VC, -1, { big1 }, 3, 0, 0 },
	{ "a batch of /3303/0/5700 and /1/0/1", VC, -1, { sensor, lifetime }, 3, 0, 1 },
	{ "a batch of two paths (not looked into)", VC, -1, { sensor, sensor }, 3, 0, 1 },
	{ "OBJ_DEFINED of 3303", KLWM2M_CMD_EVENT, KLWM2M_EVENT_OBJ_DEFINED, -1, { sensor }, 1,
	  0, 1 },
	{ "INST_CREATED of /3303/0", KLWM2M_CMD_EVENT, KLWM2M_EVENT_INST_CREATED, -1, { sensor },
	  2, 0, 1 },
	{ "OBJ_UNDEFINED of 1", KLWM2M_CMD_EVENT, KLWM2M_EVENT_OBJ_UNDEFINED, -1, { lifetime }, 1,
	  0, 1 },
	{ "another command of the same shape", KLWM2M_CMD_NOTIFY, KLWM2M_EVENT_VALUE_CHANGED, -1,
	  { sensor }, 3, 0, 1 },
	{ "VALUE_CHANGED of /3303/0/5700 with more after it", VC, -1, { sensor }, 3, 8, 1 },
};

int main(void)
{
	struct sock_filter prog[LWM2M_EVFILTER_LEN + 1];
	const unsigned int ncases = sizeof(cases) / sizeof(cases[0]);
	struct msg m;
	int sv[2];

	printf("1..%u\n", ncases + 1);
	tests++;
	if (lwm2m_evfilter_build(prog, LWM2M_EVFILTER_LEN - 1) != -ENOSPC) {
		printf("not ok 1 - a short buffer is refused\n");
		failures++;
	} else {
		printf("ok 1 - a short buffer is refused\n");
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || lwm2m_evfilter_attach(sv[1])) {
		printf("Bail out! socketpair or SO_ATTACH_FILTER: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned int i = 0; i < ncases; i++) {
		const struct tcase *c = &cases[i];

		start(&m, c->cmd, c->kind, c->server);
		for (unsigned int j = 0; j < 2 && c->paths[j]; j++)
			put_path(&m, c->paths[j], c->depth);
		m.len += c->trailing;
		check(sv, &m, c->want, c->what);
	}
	close(sv[0]);
	close(sv[1]);
	return failures ? 1 : 0;
}
