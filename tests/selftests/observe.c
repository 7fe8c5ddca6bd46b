// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftests of the notification engine in real time, each in a fresh network
 * namespace: observations of a resource and of an instance, what a
 * notification carries, attributes a server wrote (gt, pmax, pmin), a socket
 * closing, an instance deleted, a reader that does not read, a reader that
 * lost messages, and the refusals with their messages. Timing checks allow
 * for QEMU without KVM: generous upper bounds, strict orders.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/klwm2m.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "genl.h"
#include "temperature.h"

#define F64_10		0x4024000000000000ULL
#define F64_15		0x402e000000000000ULL
#define F64_20		0x4034000000000000ULL
#define F64_25		0x4039000000000000ULL
#define SSID		7

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t put_path(struct genl_req *r, uint16_t type, int depth, uint16_t iid, uint16_t rid)
{
	size_t nest = genl_req_nest(r, type);

	put_u16(r, KLWM2M_A_PATH_OBJ, 3303);
	if (depth >= 2)
		put_u16(r, KLWM2M_A_PATH_INST, iid);
	if (depth >= 3)
		put_u16(r, KLWM2M_A_PATH_RES, rid);
	genl_req_nest_end(r, nest);
	return nest;
}

/* Observes 3303[/iid[/rid]]; returns the observation ID, or -errno / the kernel's error. */
static int observe(int fd, int family, int depth, uint16_t iid, uint16_t rid, int ssid,
		   uint32_t flags, struct genl_ack *a)
{
	struct genl_req r;
	int err;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBS_CREATE, KLWM2M_GENL_VERSION);
	put_path(&r, KLWM2M_A_OBS_PATH, depth, iid, rid);
	if (ssid)
		put_u16(&r, KLWM2M_A_OBS_SERVER, ssid);
	if (flags)
		put_u32(&r, KLWM2M_A_OBS_FLAGS, flags);
	err = genl_exchange(fd, &r, a);
	if (err)
		return err;
	if (a->error)
		return a->error;
	if (!a->tb[KLWM2M_A_OBS_ID])
		return -EBADMSG;
	return (int)*(uint32_t *)PAYLOAD(a->tb[KLWM2M_A_OBS_ID]);
}

static int set_float(int fd, int family, uint16_t iid, uint64_t bits)
{
	struct genl_ack a;
	int err = set_one(fd, family, iid, 5700, -1, KLWM2M_TYPE_FLOAT, &bits, sizeof(bits), &a);

	return err ? err : a.error;
}

/* A server's attributes at 3303/0[/5700]: pass 0 for those not to set. */
static int write_attrs(int fd, int family, int depth, uint32_t pmin, uint32_t pmax,
		       uint64_t gt, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_ATTR_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, depth, 0, 5700);
	if (pmin)
		put_u32(&r, KLWM2M_A_ATTR_PMIN, pmin);
	if (pmax)
		put_u32(&r, KLWM2M_A_ATTR_PMAX, pmax);
	if (gt)
		put_u64(&r, KLWM2M_A_ATTR_GT, gt);
	return genl_exchange(fd, &r, a);
}

/* A notification as the tests look at it. */
struct note {
	uint32_t obs, seq;
	uint8_t reason;
	int nvalues;
	uint16_t rids[16];	/* the values' resource IDs, in order */
	uint64_t f5700;		/* the value of 5700 when present */
	int has5700;
	double at;
};

static void parse_note(struct genl_ack *a, struct note *n)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)a->reply;
	char *p = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN, *end = (char *)nlh + nlh->nlmsg_len;

	memset(n, 0, sizeof(*n));
	n->at = now_s();
	if (a->tb[KLWM2M_A_NOTIFY_OBS])
		n->obs = *(uint32_t *)PAYLOAD(a->tb[KLWM2M_A_NOTIFY_OBS]);
	if (a->tb[KLWM2M_A_NOTIFY_SEQ])
		n->seq = *(uint32_t *)PAYLOAD(a->tb[KLWM2M_A_NOTIFY_SEQ]);
	if (a->tb[KLWM2M_A_NOTIFY_REASON])
		n->reason = *(uint8_t *)PAYLOAD(a->tb[KLWM2M_A_NOTIFY_REASON]);
	while (p + NLA_HDRLEN <= end) {
		struct nlattr *nla = (struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == KLWM2M_A_NOTIFY_VALUE) {
			const struct nlattr *path = genl_nested(nla, KLWM2M_A_VALUE_PATH);
			const struct nlattr *data = genl_nested(nla, KLWM2M_A_VALUE_DATA);
			const struct nlattr *rid = path ? genl_nested(path, KLWM2M_A_PATH_RES) : NULL;
			uint16_t id = rid ? *(uint16_t *)PAYLOAD(rid) : 0;

			if (n->nvalues < 16)
				n->rids[n->nvalues] = id;
			n->nvalues++;
			if (id == 5700 && data) {
				memcpy(&n->f5700, PAYLOAD(data), sizeof(n->f5700));
				n->has5700 = 1;
			}
		}
		p += NLA_ALIGN(nla->nla_len);
	}
}

/* The next notification within @ms: 0, or -ETIMEDOUT / -errno. */
static int next_note(int fd, struct note *n, int ms)
{
	struct genl_ack a;
	int cmd = genl_recv(fd, &a, ms);

	if (cmd < 0)
		return cmd;
	if (cmd != KLWM2M_CMD_NOTIFY)
		return -EBADMSG;
	parse_note(&a, n);
	return 0;
}

FIXTURE(observe) {
	int fd;		/* the observer */
	int wr;		/* a writer */
	int family;
};

FIXTURE_SETUP(observe)
{
	struct genl_ack a;
	uint64_t v = F64_10;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	self->fd = genl_open();
	self->wr = genl_open();
	ASSERT_LE(0, self->fd);
	ASSERT_LE(0, self->wr);
	self->family = genl_family(self->fd, KLWM2M_GENL_NAME);
	ASSERT_LT(0, self->family);
	ASSERT_EQ(0, define_temperature(self->wr, self->family, &a));
	ASSERT_EQ(0, a.error) TH_LOG("define: %s", a.msg);
	ASSERT_EQ(0, create_instance(self->wr, self->family, 0, &a));
	ASSERT_EQ(0, a.error) TH_LOG("create: %s", a.msg);
	ASSERT_EQ(0, set_one(self->wr, self->family, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &v,
			     sizeof(v), &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, set_one(self->wr, self->family, 0, 5701, -1, KLWM2M_TYPE_STRING, "Cel", 3,
			     &a));
	ASSERT_EQ(0, a.error);
}

FIXTURE_TEARDOWN(observe)
{
	close(self->fd);
	close(self->wr);
}

TEST_F(observe, a_write_from_another_process_notifies_the_observer_with_the_value)
{
	struct genl_ack a;
	struct note n;
	int id;

	id = observe(self->fd, self->family, 3, 0, 5700, 0, 0, &a);
	ASSERT_LT(0, id) TH_LOG("observe: %d %s", id, a.msg);
	ASSERT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 200));
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_25));
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(id, n.obs);
	EXPECT_EQ(1, n.seq);
	EXPECT_EQ(KLWM2M_NOTIFY_CHANGE, n.reason);
	EXPECT_EQ(1, n.nvalues);
	EXPECT_TRUE(n.has5700);
	EXPECT_EQ(F64_25, n.f5700);
	/* Another resource of the instance is none of its business. */
	ASSERT_EQ(0, set_one(self->wr, self->family, 0, 5701, -1, KLWM2M_TYPE_STRING, "K", 1, &a));
	EXPECT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 300));
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_20));
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(2, n.seq);
	EXPECT_EQ(F64_20, n.f5700);
}

TEST_F(observe, an_instance_notifies_its_readable_values_in_id_order_once_per_batch)
{
	uint64_t v = F64_15, w = F64_20;
	struct genl_req r;
	struct genl_ack a;
	struct note n;
	int id;

	id = observe(self->fd, self->family, 2, 0, 0, 0, KLWM2M_OBS_F_INITIAL, &a);
	ASSERT_LT(0, id) TH_LOG("observe: %s", a.msg);
	/* The initial state comes after the reply, before anything else. */
	ASSERT_EQ(0, next_note(self->fd, &n, 2000));
	EXPECT_EQ(KLWM2M_NOTIFY_INITIAL, n.reason);
	EXPECT_EQ(1, n.seq);
	ASSERT_EQ(2, n.nvalues);
	EXPECT_EQ(5700, n.rids[0]);
	EXPECT_EQ(5701, n.rids[1]);

	/* Two values in one batch: one notification. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, 0, 5700, -1, KLWM2M_TYPE_FLOAT, &v, sizeof(v));
	put_value(&r, 0, 1, 3, KLWM2M_TYPE_INTEGER, &w, sizeof(w));
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(KLWM2M_NOTIFY_CHANGE, n.reason);
	EXPECT_EQ(2, n.seq);
	ASSERT_EQ(3, n.nvalues);	/* Levels/3, 5700, 5701: Key holds nothing, Reset is no value */
	EXPECT_EQ(1, n.rids[0]);
	EXPECT_EQ(5700, n.rids[1]);
	EXPECT_EQ(5701, n.rids[2]);
	EXPECT_EQ(F64_15, n.f5700);
	EXPECT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 300));
}

TEST_F(observe, gt_written_by_a_server_notifies_only_crossings)
{
	struct genl_ack a;
	struct note n;
	int id;

	ASSERT_EQ(0, write_attrs(self->wr, self->family, 3, 0, 0, F64_20, &a));
	ASSERT_EQ(0, a.error) TH_LOG("attr: %s", a.msg);
	id = observe(self->fd, self->family, 3, 0, 5700, SSID, 0, &a);
	ASSERT_LT(0, id) TH_LOG("observe: %s", a.msg);
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_15));
	EXPECT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 300));
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_25));
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(F64_25, n.f5700);
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_25 + 1));
	EXPECT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 300));
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_10));
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(F64_10, n.f5700);
}

TEST_F(observe, pmax_at_the_object_notifies_without_change_and_pmin_holds_changes)
{
	struct genl_ack a;
	struct note n;
	double t0, t1;
	int id;

	/* Inherited from the object: pmax 2, pmin 1. */
	ASSERT_EQ(0, write_attrs(self->wr, self->family, 1, 1, 2, 0, &a));
	ASSERT_EQ(0, a.error) TH_LOG("attr: %s", a.msg);
	t0 = now_s();
	id = observe(self->fd, self->family, 3, 0, 5700, SSID, 0, &a);
	ASSERT_LT(0, id) TH_LOG("observe: %s", a.msg);
	ASSERT_EQ(0, next_note(self->fd, &n, 10000));
	EXPECT_EQ(KLWM2M_NOTIFY_PMAX, n.reason);
	/* Not before pmax; TCG may be late, never early. */
	EXPECT_LE(1.9, n.at - t0);
	EXPECT_GE(8.0, n.at - t0);
	/* Changes right after a notification wait for pmin, then go once with the latest. */
	t1 = now_s();
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_15));
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_20));
	ASSERT_EQ(0, next_note(self->fd, &n, 10000));
	EXPECT_EQ(KLWM2M_NOTIFY_CHANGE, n.reason);
	EXPECT_EQ(F64_20, n.f5700);
	EXPECT_LE(0.5, n.at - t1);
	EXPECT_EQ(2, n.seq);
}

TEST_F(observe, server_defaults_apply_where_no_attribute_is_written)
{
	struct genl_req r;
	struct genl_ack a;
	struct note n;
	double t0;
	int id;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_SERVER_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_SERVER_ID, SSID);
	put_u32(&r, KLWM2M_A_SERVER_PMAX, 1);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("server: %s", a.msg);
	t0 = now_s();
	id = observe(self->fd, self->family, 2, 0, 0, SSID, 0, &a);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, next_note(self->fd, &n, 10000));
	EXPECT_EQ(KLWM2M_NOTIFY_PMAX, n.reason);
	EXPECT_LE(0.9, n.at - t0);
	/* A pmax written at the instance wins over the default. */
	ASSERT_EQ(0, write_attrs(self->wr, self->family, 2, 0, 30, 0, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 2500));
}

TEST_F(observe, epmax_asks_the_owning_app_for_a_fresh_value)
{
	struct genl_req r;
	struct genl_ack a;
	int owner, id, cmd;
	struct note n;
	double t0;

	owner = genl_open();
	ASSERT_LE(0, owner);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OWN, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OWN_OBJ, 3303);
	put_u16(&r, KLWM2M_A_OWN_INST, 0);
	ASSERT_EQ(0, genl_exchange(owner, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("own: %s", a.msg);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_ATTR_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, 3, 0, 5700);
	put_u32(&r, KLWM2M_A_ATTR_EPMAX, 1);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("attr: %s", a.msg);
	t0 = now_s();
	id = observe(self->fd, self->family, 3, 0, 5700, SSID, 0, &a);
	ASSERT_LT(0, id);
	cmd = genl_recv(owner, &a, 10000);
	ASSERT_EQ(KLWM2M_CMD_SAMPLE, cmd);
	EXPECT_LE(0.9, now_s() - t0);
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EVENT_PATH]);
	EXPECT_EQ(5700, *(uint16_t *)PAYLOAD(genl_nested(a.tb[KLWM2M_A_EVENT_PATH],
							 KLWM2M_A_PATH_RES)));
	/* The owner's fresh value is a change like any other. */
	ASSERT_EQ(0, set_float(owner, self->family, 0, F64_15));
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(F64_15, n.f5700);
	close(owner);
}

TEST_F(observe, closing_the_socket_ends_its_observations)
{
	struct genl_req r;
	struct genl_ack a;
	struct note n;
	int count, fd2, intr;

	fd2 = genl_open();
	ASSERT_LE(0, fd2);
	ASSERT_LT(0, observe(fd2, self->family, 3, 0, 5700, 0, 0, &a));
	ASSERT_LT(0, observe(fd2, self->family, 2, 0, 0, 0, 0, &a));
	ASSERT_LT(0, observe(self->fd, self->family, 1, 0, 0, 0, 0, &a));
	genl_req_init(&r, self->family, NLM_F_DUMP, KLWM2M_CMD_OBS_GET, KLWM2M_GENL_VERSION);
	count = genl_dump(self->wr, &r, NULL, NULL, &a, &intr);
	EXPECT_EQ(3, count);	/* an admin sees every socket's */
	close(fd2);
	genl_req_init(&r, self->family, NLM_F_DUMP, KLWM2M_CMD_OBS_GET, KLWM2M_GENL_VERSION);
	count = genl_dump(self->wr, &r, NULL, NULL, &a, &intr);
	EXPECT_EQ(1, count);
	/* Writes still reach the one left. */
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_25));
	EXPECT_EQ(0, next_note(self->fd, &n, 5000));
}

TEST_F(observe, deleting_the_instance_sends_a_last_gone_notification)
{
	struct genl_req r;
	struct genl_ack a;
	struct note n;
	int id, obj;

	id = observe(self->fd, self->family, 3, 0, 5700, 0, 0, &a);
	ASSERT_LT(0, id);
	obj = observe(self->fd, self->family, 1, 0, 0, 0, 0, &a);
	ASSERT_LT(0, obj);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INST_DELETE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	put_u16(&r, KLWM2M_A_PATH_INST, 0);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(id, n.obs);
	EXPECT_EQ(KLWM2M_NOTIFY_GONE, n.reason);
	EXPECT_EQ(0, n.nvalues);
	/* The object's observer sees a change: an instance fewer. */
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(obj, n.obs);
	EXPECT_EQ(KLWM2M_NOTIFY_CHANGE, n.reason);
	EXPECT_EQ(0, n.nvalues);
	/* The first one is over. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBS_CANCEL, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_OBS_ID, id);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such observation on this socket", a.msg);
}

TEST_F(observe, a_reader_that_does_not_read_holds_one_notification_with_the_latest_value)
{
	struct genl_ack a;
	struct note n;
	int id, i;

	id = observe(self->fd, self->family, 3, 0, 5700, 0, 0, &a);
	ASSERT_LT(0, id);
	/* 100 writes while the observer sleeps. */
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_10 + i));
	ASSERT_EQ(0, next_note(self->fd, &n, 5000));
	EXPECT_EQ(id, n.obs);
	EXPECT_EQ(F64_10 + 99, n.f5700);
	EXPECT_EQ(100, n.seq);	/* the others were replaced: their numbers are gone */
	EXPECT_EQ(-ETIMEDOUT, next_note(self->fd, &n, 300));
}

TEST_F(observe, a_reader_that_lost_notifications_resynchronises)
{
	static char big[8000];
	struct genl_req r;
	struct genl_ack a;
	struct note n;
	int small = 1, big_id, id, i, lost = 0, got = 0;

	/*
	 * A receive buffer far too small: the first notification still goes
	 * in (netlink takes one message into an empty queue), the next one
	 * overruns it.
	 */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	big_id = observe(self->fd, self->family, 3, 0, 5701, 0, 0, &a);
	ASSERT_LT(0, big_id);
	id = observe(self->fd, self->family, 3, 0, 5700, 0, 0, &a);
	ASSERT_LT(0, id);
	memset(big, 'x', sizeof(big));
	ASSERT_EQ(0, set_one(self->wr, self->family, 0, 5701, -1, KLWM2M_TYPE_STRING, big,
			     sizeof(big), &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	ASSERT_EQ(0, set_float(self->wr, self->family, 0, F64_25));
	for (i = 0; i < 3; i++) {
		int err = next_note(self->fd, &n, 1000);

		if (err == -ENOBUFS)
			lost++;
		else if (!err)
			got += n.obs == (uint32_t)id;
	}
	EXPECT_EQ(1, lost);
	EXPECT_EQ(0, got);
	/* Room again, then one request: each observation's state, reason RESYNC. */
	small = 1 << 20;
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBS_RESYNC, KLWM2M_GENL_VERSION);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, next_note(self->fd, &n, 5000));
		EXPECT_EQ(KLWM2M_NOTIFY_RESYNC, n.reason);
		if (n.obs == (uint32_t)id) {
			EXPECT_EQ(F64_25, n.f5700);
		}
	}
}

TEST_F(observe, bad_attributes_and_observations_are_refused_with_a_message)
{
	struct genl_req r;
	struct genl_ack a;
	int id;

	/* gt at an instance. */
	ASSERT_EQ(0, write_attrs(self->wr, self->family, 2, 0, 0, F64_20, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("gt, lt and st apply to numeric resources only", a.msg);
	/* lt above gt, in two writes: the second is refused, the first stays. */
	ASSERT_EQ(0, write_attrs(self->wr, self->family, 3, 0, 0, F64_20, &a));
	ASSERT_EQ(0, a.error);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_ATTR_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, 3, 0, 5700);
	put_u64(&r, KLWM2M_A_ATTR_LT, F64_25);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("lt must be below gt", a.msg);
	/* What stands reads back, as Discover shows it. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_ATTR_GET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, 3, 0, 5700);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_NE(NULL, a.tb[KLWM2M_A_ATTR_GT]);
	EXPECT_EQ(F64_20, *(uint64_t *)PAYLOAD(a.tb[KLWM2M_A_ATTR_GT]));
	EXPECT_EQ(NULL, a.tb[KLWM2M_A_ATTR_LT]);
	/* Cleared. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_ATTR_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, 3, 0, 5700);
	put_u32(&r, KLWM2M_A_ATTR_CLEAR, KLWM2M_ATTR_F_GT);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	ASSERT_EQ(0, a.error);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_ATTR_GET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, 3, 0, 5700);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(NULL, a.tb[KLWM2M_A_ATTR_GT]);
	/* Unknown clear bits. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_ATTR_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, SSID);
	put_path(&r, KLWM2M_A_ATTR_PATH, 1, 0, 0);
	put_u32(&r, KLWM2M_A_ATTR_CLEAR, 1u << 20);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);

	/* Observations of what does not exist. */
	EXPECT_EQ(-ENOENT, observe(self->fd, self->family, 2, 9, 0, 0, 0, &a));
	EXPECT_STREQ("no such instance", a.msg);
	EXPECT_EQ(-ENOENT, observe(self->fd, self->family, 3, 0, 4242, 0, 0, &a));
	EXPECT_STREQ("the object defines no such resource", a.msg);
	EXPECT_EQ(-EINVAL, observe(self->fd, self->family, 3, 0, 5605, 0, 0, &a));
	EXPECT_STREQ("an executable resource holds no value to observe", a.msg);
	/* Someone else's observation cannot be cancelled. */
	id = observe(self->fd, self->family, 2, 0, 0, 0, 0, &a);
	ASSERT_LT(0, id);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBS_CANCEL, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_OBS_ID, id);
	ASSERT_EQ(0, genl_exchange(self->wr, &r, &a));
	EXPECT_EQ(-ENOENT, a.error);
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OBS_CANCEL, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_OBS_ID, id);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	EXPECT_EQ(0, a.error);
}

static int nobody_observes(int fd, int family)
{
	struct genl_ack a;

	/* Mode 0644: others read, so they observe; secrets stay admin-only. */
	if (observe(fd, family, 3, 0, 5700, 0, 0, &a) <= 0)
		return 10;
	if (observe(fd, family, 3, 0, 9, 0, 0, &a) != -EPERM ||
	    strcmp(a.msg, "secret resources are read by admins only"))
		return 11;
	if (write_attrs(fd, family, 1, 1, 0, 0, &a) || a.error != -EPERM)
		return 12;
	return 0;
}

TEST_F(observe, an_unprivileged_user_observes_what_it_may_read)
{
	EXPECT_EQ(0, as_nobody(self->family, nobody_observes));
}

TEST_HARNESS_MAIN
