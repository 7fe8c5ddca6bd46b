// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Owners and executes: KLWM2M_CMD_OWN, _DISOWN, _EXEC_DONE for an app that
 * owns objects, KLWM2M_CMD_EXEC and its EXEC_RESULT for the agent (or
 * klwm2mctl exec). What reaches an owner is delivered by klwm2m_process()
 * (queue.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/klwm2m.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

/* Where the module says how long an execute waits for its owner. */
#define EXEC_TIMEOUT_PARAM "/sys/module/klwm2m/parameters/exec_timeout_ms"
/* The module's default, when its parameter cannot be read (no /sys). */
#define EXEC_TIMEOUT_DEFAULT_MS 2000

static int own_request(struct klwm2m *k, uint8_t cmd, uint16_t oid, int iid)
{
	struct nl_msg *msg;

	if (iid < -1 || iid > KLWM2M_ID_MAX) {
		klwm2m_set_err(k, "an instance ID is 0..%d (or -1: the whole object)",
			       KLWM2M_ID_MAX);
		return -EINVAL;
	}
	msg = klwm2m_new_request(k, cmd, 0, 256);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KLWM2M_A_OWN_OBJ, oid) ||
	    (iid >= 0 && nla_put_u16(msg, KLWM2M_A_OWN_INST, (uint16_t)iid))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_OWN_MAX, NULL, NULL);
}

KLWM2M_API int klwm2m_own(struct klwm2m *k, uint16_t oid, int iid)
{
	return own_request(k, KLWM2M_CMD_OWN, oid, iid);
}

KLWM2M_API int klwm2m_disown(struct klwm2m *k, uint16_t oid, int iid)
{
	return own_request(k, KLWM2M_CMD_DISOWN, oid, iid);
}

KLWM2M_API int klwm2m_exec_done(struct klwm2m *k, uint32_t id, int status)
{
	struct nl_msg *msg;

	if (status > 0 || status < -4095) {
		klwm2m_set_err(k, "an execute's status is 0 or -errno");
		return -EINVAL;
	}
	msg = klwm2m_new_request(k, KLWM2M_CMD_EXEC_DONE, 0, 256);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, KLWM2M_A_EXEC_ID, id) ||
	    nla_put_u32(msg, KLWM2M_A_EXEC_STATUS, (uint32_t)status)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return klwm2m_transact(k, msg, KLWM2M_A_EXEC_MAX, NULL, NULL);
}

static int parse_exec_id(struct nlattr **tb, const struct nlmsghdr *nlh, void *arg)
{
	if (!tb[KLWM2M_A_EXEC_ID])
		return -EBADMSG;
	*(uint32_t *)arg = nla_get_u32(tb[KLWM2M_A_EXEC_ID]);
	return 0;
}

/* How long klwm2m_exec() waits for a result: the module's timeout and a margin. */
static int exec_wait_ms(void)
{
	FILE *f = fopen(EXEC_TIMEOUT_PARAM, "re");
	int ms = EXEC_TIMEOUT_DEFAULT_MS;

	if (f) {
		if (fscanf(f, "%d", &ms) != 1 || ms <= 0)
			ms = EXEC_TIMEOUT_DEFAULT_MS;
		fclose(f);
	}
	return ms + ms / 4 + 1000;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits for execute @id's result, queueing whatever else comes. */
static int wait_result(struct klwm2m *k, uint32_t id, int *status)
{
	int wait = exec_wait_ms();
	long long deadline = now_ms() + wait;
	struct pollfd pfd = { .fd = nl_socket_get_fd(k->sk), .events = POLLIN };

	for (;;) {
		long long left;
		int err;

		if (klwm2m_take_result(k, id, status))
			return 0;
		left = deadline - now_ms();
		if (left <= 0) {
			klwm2m_set_err(k, "no result for execute %u within %d ms", id, wait);
			return -ETIMEDOUT;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			err = -errno;
			klwm2m_set_err(k, "poll: %s", strerror(errno));
			return err;
		}
		err = klwm2m_drain(k);
		if (err) {
			klwm2m_set_err(k, "receiving from the kernel failed: %s", strerror(-err));
			return err;
		}
	}
}

/* Sends KLWM2M_CMD_EXEC; *@id: the execute's ID, which its EXEC_RESULT carries. */
static int exec_send(struct klwm2m *k, const struct klwm2m_path *path, const void *args,
		     size_t len, uint16_t ssid, uint32_t *id)
{
	struct nl_msg *msg;

	if (path->depth != 3) {
		klwm2m_set_err(k, "an execute names a resource (/OID/IID/RID)");
		return -EINVAL;
	}
	if (len > KLWM2M_EXEC_ARGS_MAX || ssid > KLWM2M_ID_MAX) {
		klwm2m_set_err(k, len > KLWM2M_EXEC_ARGS_MAX ?
			       "execute arguments are at most 1024 bytes" :
			       "a short server ID is 1..65534 (0: none)");
		return -EINVAL;
	}
	msg = klwm2m_new_request(k, KLWM2M_CMD_EXEC, 0, 256 + len);
	if (!msg)
		return -ENOMEM;
	if (klwm2m_put_path(msg, KLWM2M_A_EXEC_PATH, path) ||
	    (args && nla_put(msg, KLWM2M_A_EXEC_ARGS, (int)len, args)) ||
	    (ssid && nla_put_u16(msg, KLWM2M_A_EXEC_SERVER, ssid))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*id = 0;
	return klwm2m_transact(k, msg, KLWM2M_A_EXEC_MAX, parse_exec_id, id);
}

KLWM2M_API int klwm2m_exec(struct klwm2m *k, const struct klwm2m_path *path, const void *args,
			   size_t len, uint16_t ssid, int *status)
{
	uint32_t id;
	int err = exec_send(k, path, args, len, ssid, &id);

	return err ? err : wait_result(k, id, status);
}

KLWM2M_API int klwm2m_exec_start(struct klwm2m *k, const struct klwm2m_path *path,
				 const void *args, size_t len, uint16_t ssid, uint32_t *id)
{
	return exec_send(k, path, args, len, ssid, id);
}

KLWM2M_API int klwm2m_exec_wait_ms(void)
{
	return exec_wait_ms();
}
