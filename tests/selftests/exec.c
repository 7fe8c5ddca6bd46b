// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftests of owners and executes against the loaded module, each in a
 * fresh network namespace: OWN/DISOWN and their refusals, executes reaching
 * the owner and exactly one result coming back (the owner's status, a
 * timeout, a closed owner, an undeliverable request), no owner, a closed
 * requester, and the writes servers make reaching the owners.
 */
#include <errno.h>
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

#define OID		3
#define R_MODEL		1	/* string, read only */
#define R_REBOOT	4	/* executable */
#define R_TIME		13	/* time, read and write */
#define OPEN_OID	33000	/* mode 0666: anyone may own it */

#define PAYLOAD(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define U16(a) (*(uint16_t *)PAYLOAD(a))
#define U32(a) (*(uint32_t *)PAYLOAD(a))
#define S32(a) (*(int32_t *)PAYLOAD(a))

/* A Device-like object @oid with instances 0 and 1, owned by root with @mode. */
static int define_device(int fd, int family, uint16_t oid, uint16_t mode)
{
	struct genl_req r;
	struct genl_ack a;
	int i;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, oid);
	put_str(&r, KLWM2M_A_OBJ_NAME, "Device");
	put_u32(&r, KLWM2M_A_OBJ_FLAGS, KLWM2M_OBJ_F_MULTIPLE);
	put_u32(&r, KLWM2M_A_OBJ_UID, 0);
	put_u32(&r, KLWM2M_A_OBJ_GID, 0);
	put_u16(&r, KLWM2M_A_OBJ_MODE, mode);
	genl_req_nest_end(&r, put_res(&r, R_MODEL, "Model Number", KLWM2M_TYPE_STRING,
				      KLWM2M_OP_READ, 0));
	genl_req_nest_end(&r, put_res(&r, R_REBOOT, "Reboot", KLWM2M_TYPE_NONE,
				      KLWM2M_OP_EXECUTE, 0));
	genl_req_nest_end(&r, put_res(&r, R_TIME, "Current Time", KLWM2M_TYPE_TIME,
				      KLWM2M_OP_READ | KLWM2M_OP_WRITE, 0));
	if (genl_exchange(fd, &r, &a) || a.error)
		return -1;
	for (i = 0; i < 2; i++) {
		genl_req_init(&r, family, 0, KLWM2M_CMD_INST_CREATE, KLWM2M_GENL_VERSION);
		put_u16(&r, KLWM2M_A_PATH_OBJ, oid);
		put_u16(&r, KLWM2M_A_PATH_INST, i);
		if (genl_exchange(fd, &r, &a) || a.error)
			return -1;
	}
	return 0;
}

/* OWN or DISOWN of /@oid (@iid < 0) or /@oid/@iid; *@off: the INST (else OBJ) attribute's offset. */
static int own_cmd(int fd, int family, uint8_t cmd, uint16_t oid, int iid, struct genl_ack *a,
		   size_t *off)
{
	struct genl_req r;
	size_t o;

	genl_req_init(&r, family, 0, cmd, KLWM2M_GENL_VERSION);
	o = genl_req_put(&r, KLWM2M_A_OWN_OBJ, &oid, sizeof(oid));
	if (iid >= 0)
		o = genl_req_put(&r, KLWM2M_A_OWN_INST, &(uint16_t){ iid }, sizeof(uint16_t));
	if (off)
		*off = o;
	return genl_exchange(fd, &r, a);
}

static int own(int fd, int family, uint16_t oid, int iid, struct genl_ack *a)
{
	return own_cmd(fd, family, KLWM2M_CMD_OWN, oid, iid, a, NULL);
}

/* The path nest of /@oid/@iid/@rid (@riid >= 0: one level deeper); returns its offset. */
static size_t put_path(struct genl_req *r, uint16_t type, uint16_t oid, uint16_t iid,
		       uint16_t rid, int riid)
{
	size_t nest = genl_req_nest(r, type);

	put_u16(r, KLWM2M_A_PATH_OBJ, oid);
	put_u16(r, KLWM2M_A_PATH_INST, iid);
	put_u16(r, KLWM2M_A_PATH_RES, rid);
	if (riid >= 0)
		put_u16(r, KLWM2M_A_PATH_RINST, riid);
	genl_req_nest_end(r, nest);
	return nest;
}

/* What an EXEC request got: the ACK (a), its ID, and a result that came with it. */
struct exec_out {
	struct genl_ack a;
	uint32_t id;
	struct genl_ack notes[4];
	int nnotes;
};

/* EXEC of /@oid/@iid/@rid with @args (NULL: none) for @server (0: none). */
static int exec_res(int fd, int family, uint16_t iid, uint16_t rid, const char *args,
		    int server, struct exec_out *o)
{
	struct genl_req r;
	int err;

	genl_req_init(&r, family, 0, KLWM2M_CMD_EXEC, KLWM2M_GENL_VERSION);
	put_path(&r, KLWM2M_A_EXEC_PATH, OID, iid, rid, -1);
	if (args)
		genl_req_put(&r, KLWM2M_A_EXEC_ARGS, args, strlen(args));
	if (server)
		put_u16(&r, KLWM2M_A_EXEC_SERVER, server);
	err = genl_exchange_notes(fd, &r, &o->a, o->notes, 4, &o->nnotes);
	o->id = !err && o->a.tb[KLWM2M_A_EXEC_ID] ? U32(o->a.tb[KLWM2M_A_EXEC_ID]) : 0;
	return err;
}

static int exec_done(int fd, int family, uint32_t id, int32_t status, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_EXEC_DONE, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_EXEC_ID, id);
	genl_req_put(&r, KLWM2M_A_EXEC_STATUS, &status, sizeof(status));
	return genl_exchange(fd, &r, a);
}

/* The EXEC_RESULT of @o: the one that came with the request, else the next message. */
static int result_of(int fd, struct exec_out *o, int timeout_ms, struct genl_ack *res)
{
	int i, cmd;

	for (i = 0; i < o->nnotes; i++) {
		struct genl_ack *n = &o->notes[i];

		if (n->tb[KLWM2M_A_EXEC_ID] && U32(n->tb[KLWM2M_A_EXEC_ID]) == o->id) {
			memcpy(res, n, sizeof(*res));
			return ((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)n->reply))->cmd;
		}
	}
	cmd = genl_recv(fd, res, timeout_ms);
	return cmd;
}

static int module_exec_timeout_ms(void)
{
	FILE *f = fopen("/sys/module/klwm2m/parameters/exec_timeout_ms", "r");
	int ms = -1;

	if (f) {
		if (fscanf(f, "%d", &ms) != 1)
			ms = -1;
		fclose(f);
	}
	return ms;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* agent: the admin that executes and writes for servers; app, app2: two owners. */
FIXTURE(exec) {
	int agent, app, app2;
	int family;
};

FIXTURE_SETUP(exec)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	self->agent = genl_open();
	self->app = genl_open();
	self->app2 = genl_open();
	ASSERT_LE(0, self->agent);
	ASSERT_LE(0, self->app);
	ASSERT_LE(0, self->app2);
	self->family = genl_family(self->agent, KLWM2M_GENL_NAME);
	ASSERT_LT(0, self->family);
	ASSERT_EQ(0, define_device(self->agent, self->family, OID, 0644));
}

FIXTURE_TEARDOWN(exec)
{
	close(self->agent);
	if (self->app >= 0)
		close(self->app);
	if (self->app2 >= 0)
		close(self->app2);
}

TEST_F(exec, a_second_socket_cannot_own_what_another_owns)
{
	struct genl_ack a;
	size_t off;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	/* Claiming again what one owns is fine. */
	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	EXPECT_EQ(0, a.error);

	ASSERT_EQ(0, own_cmd(self->app2, self->family, KLWM2M_CMD_OWN, OID, -1, &a, &off));
	EXPECT_EQ(-EBUSY, a.error);
	EXPECT_STREQ("another socket owns the object", a.msg);
	EXPECT_EQ(off, a.offset);

	/* One instance may have an owner of its own. */
	ASSERT_EQ(0, own(self->app2, self->family, OID, 0, &a));
	EXPECT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(0, own_cmd(self->app, self->family, KLWM2M_CMD_OWN, OID, 0, &a, &off));
	EXPECT_EQ(-EBUSY, a.error);
	EXPECT_STREQ("another socket owns the instance", a.msg);
	EXPECT_EQ(off, a.offset);
}

TEST_F(exec, own_refuses_what_does_not_exist_and_says_what)
{
	struct genl_req r;
	struct genl_ack a;
	size_t off;

	ASSERT_EQ(0, own_cmd(self->app, self->family, KLWM2M_CMD_OWN, 999, -1, &a, &off));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such object", a.msg);
	EXPECT_EQ(off, a.offset);

	ASSERT_EQ(0, own_cmd(self->app, self->family, KLWM2M_CMD_OWN, OID, 7, &a, &off));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such instance", a.msg);
	EXPECT_EQ(off, a.offset);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OWN, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OWN_INST, 0);
	ASSERT_EQ(0, genl_exchange(self->app, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("missing object ID", a.msg);
	EXPECT_EQ(KLWM2M_A_OWN_OBJ, a.miss_type);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_OWN, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OWN_OBJ, OID);
	off = genl_req_put(&r, KLWM2M_A_OWN_INST, &(uint16_t){ 65535 }, sizeof(uint16_t));
	ASSERT_EQ(0, genl_exchange(self->app, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_EQ(off, a.offset);
	EXPECT_NE(0, a.msg[0]);
}

static int nobody_cannot_own_a_0644_object(int fd, int family)
{
	struct genl_ack a;
	size_t off;

	if (own_cmd(fd, family, KLWM2M_CMD_OWN, OID, -1, &a, &off))
		return 10;
	if (a.error != -EPERM || strcmp(a.msg, "the object's mode does not let you write it"))
		return 11;
	if (a.offset != (int)off)
		return 12;
	if (own_cmd(fd, family, KLWM2M_CMD_DISOWN, OID, -1, &a, NULL) || a.error != -EPERM)
		return 13;
	/* An object anyone may write, anyone may own. */
	if (own(fd, family, OPEN_OID, 1, &a) || a.error)
		return 14;
	return 0;
}

TEST_F(exec, owning_needs_write_permission_on_the_object)
{
	ASSERT_EQ(0, define_device(self->agent, self->family, OPEN_OID, 0666));
	EXPECT_EQ(0, as_nobody(self->family, nobody_cannot_own_a_0644_object));
}

TEST_F(exec, disown_ends_ones_own_claim_only)
{
	struct genl_ack a;
	size_t off;

	ASSERT_EQ(0, own_cmd(self->app, self->family, KLWM2M_CMD_DISOWN, OID, -1, &a, &off));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("nobody owns the object", a.msg);
	EXPECT_EQ(off, a.offset);

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, own_cmd(self->app2, self->family, KLWM2M_CMD_DISOWN, OID, -1, &a, NULL));
	EXPECT_EQ(-EBUSY, a.error);
	EXPECT_STREQ("another socket owns the object", a.msg);
	ASSERT_EQ(0, own_cmd(self->app, self->family, KLWM2M_CMD_DISOWN, OID, -1, &a, NULL));
	EXPECT_EQ(0, a.error);
	ASSERT_EQ(0, own(self->app2, self->family, OID, -1, &a));
	EXPECT_EQ(0, a.error);
}

TEST_F(exec, a_claim_dies_with_its_socket)
{
	struct genl_ack a;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, own(self->app, self->family, OID, 1, &a));
	ASSERT_EQ(0, a.error);
	close(self->app);
	self->app = -1;
	ASSERT_EQ(0, own(self->app2, self->family, OID, -1, &a));
	EXPECT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(0, own(self->app2, self->family, OID, 1, &a));
	EXPECT_EQ(0, a.error) TH_LOG("%s", a.msg);
}

TEST_F(exec, an_execute_reaches_its_owner_and_one_result_returns)
{
	int ms = module_exec_timeout_ms();
	struct exec_out o;
	struct genl_ack a;

	ASSERT_LT(0, ms);
	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, "0='soft'", 101, &o));
	ASSERT_EQ(0, o.a.error) TH_LOG("%s", o.a.msg);
	ASSERT_NE(0, o.id);

	/* The request: ID, path, arguments, server. */
	ASSERT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 2000));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EXEC_ID]);
	EXPECT_EQ(o.id, U32(a.tb[KLWM2M_A_EXEC_ID]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EXEC_PATH]);
	EXPECT_EQ(OID, U16(genl_nested(a.tb[KLWM2M_A_EXEC_PATH], KLWM2M_A_PATH_OBJ)));
	EXPECT_EQ(0, U16(genl_nested(a.tb[KLWM2M_A_EXEC_PATH], KLWM2M_A_PATH_INST)));
	EXPECT_EQ(R_REBOOT, U16(genl_nested(a.tb[KLWM2M_A_EXEC_PATH], KLWM2M_A_PATH_RES)));
	EXPECT_EQ(NULL, genl_nested(a.tb[KLWM2M_A_EXEC_PATH], KLWM2M_A_PATH_RINST));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EXEC_ARGS]);
	EXPECT_EQ(NLA_HDRLEN + 8, a.tb[KLWM2M_A_EXEC_ARGS]->nla_len);
	EXPECT_EQ(0, memcmp("0='soft'", PAYLOAD(a.tb[KLWM2M_A_EXEC_ARGS]), 8));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EXEC_SERVER]);
	EXPECT_EQ(101, U16(a.tb[KLWM2M_A_EXEC_SERVER]));
	EXPECT_EQ(NULL, a.tb[KLWM2M_A_EXEC_STATUS]);

	ASSERT_EQ(0, exec_done(self->app, self->family, o.id, -EIO, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(KLWM2M_CMD_EXEC_RESULT, result_of(self->agent, &o, 2000, &a));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EXEC_ID]);
	EXPECT_EQ(o.id, U32(a.tb[KLWM2M_A_EXEC_ID]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_EXEC_STATUS]);
	EXPECT_EQ(-EIO, S32(a.tb[KLWM2M_A_EXEC_STATUS]));

	/* Answered once: a second answer is refused, and no timeout follows. */
	ASSERT_EQ(0, exec_done(self->app, self->family, o.id, 0, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such execute pending (completed, timed out or unknown)", a.msg);
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->agent, &a, ms + 500));
}

TEST_F(exec, a_request_carries_no_arguments_or_server_when_none_were_given)
{
	struct exec_out o;
	struct genl_ack a;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, exec_res(self->agent, self->family, 1, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error) TH_LOG("%s", o.a.msg);
	ASSERT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 2000));
	EXPECT_EQ(o.id, U32(a.tb[KLWM2M_A_EXEC_ID]));
	EXPECT_EQ(NULL, a.tb[KLWM2M_A_EXEC_ARGS]);
	EXPECT_EQ(NULL, a.tb[KLWM2M_A_EXEC_SERVER]);
	ASSERT_EQ(0, exec_done(self->app, self->family, o.id, 0, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(KLWM2M_CMD_EXEC_RESULT, result_of(self->agent, &o, 2000, &a));
	EXPECT_EQ(0, S32(a.tb[KLWM2M_A_EXEC_STATUS]));
}

TEST_F(exec, without_an_owner_an_execute_fails_with_esrch_and_no_result)
{
	struct exec_out o;
	struct genl_ack a;

	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
	EXPECT_EQ(-ESRCH, o.a.error);
	EXPECT_STREQ("no app owns the object or the instance of this resource", o.a.msg);
	EXPECT_LT(0, o.a.offset);
	EXPECT_EQ(0, o.nnotes);
	/* The owner of another instance is not this one's. */
	ASSERT_EQ(0, own(self->app, self->family, OID, 1, &a));
	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
	EXPECT_EQ(-ESRCH, o.a.error);
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->agent, &a, 300));
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app, &a, 100));
}

TEST_F(exec, the_instance_owner_gets_the_execute_before_the_object_owner)
{
	struct exec_out o;
	struct genl_ack a;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, own(self->app2, self->family, OID, 0, &a));
	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error);
	EXPECT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app2, &a, 2000));
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app, &a, 100));
	ASSERT_EQ(0, exec_res(self->agent, self->family, 1, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error);
	EXPECT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 2000));
	EXPECT_EQ(o.id, U32(a.tb[KLWM2M_A_EXEC_ID]));
}

TEST_F(exec, an_owner_that_never_answers_times_out)
{
	int ms = module_exec_timeout_ms();
	struct exec_out o;
	struct genl_ack a;
	long start, took;

	ASSERT_LT(0, ms);
	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	start = now_ms();
	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error);
	ASSERT_EQ(KLWM2M_CMD_EXEC_RESULT, result_of(self->agent, &o, ms + 5000, &a));
	took = now_ms() - start;
	EXPECT_EQ(o.id, U32(a.tb[KLWM2M_A_EXEC_ID]));
	EXPECT_EQ(-ETIMEDOUT, S32(a.tb[KLWM2M_A_EXEC_STATUS]));
	/* Not before exec_timeout_ms; not much after it (slack for an emulated CPU). */
	EXPECT_LE(ms, took);
	EXPECT_GT(ms + 2000, took) TH_LOG("exec_timeout_ms %d, took %ld ms", ms, took);

	/* The owner's answer comes too late. */
	ASSERT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 100));
	ASSERT_EQ(0, exec_done(self->app, self->family, o.id, 0, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->agent, &a, 200));
}

TEST_F(exec, an_owner_that_closes_fails_its_execute_with_epipe)
{
	int ms = module_exec_timeout_ms();
	struct exec_out o;
	struct genl_ack a;
	long start;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error);
	ASSERT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 2000));
	start = now_ms();
	close(self->app);
	self->app = -1;
	ASSERT_EQ(KLWM2M_CMD_EXEC_RESULT, result_of(self->agent, &o, ms + 5000, &a));
	EXPECT_EQ(-EPIPE, S32(a.tb[KLWM2M_A_EXEC_STATUS]));
	EXPECT_GT(ms, now_ms() - start);
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->agent, &a, ms + 500));
}

TEST_F(exec, a_closed_requester_drops_its_execute)
{
	int requester = genl_open();
	struct exec_out o;
	struct genl_ack a;

	ASSERT_LE(0, requester);
	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, exec_res(requester, self->family, 0, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error);
	close(requester);
	ASSERT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 2000));
	ASSERT_EQ(0, exec_done(self->app, self->family, o.id, 0, &a));
	EXPECT_EQ(-ENOENT, a.error);
	EXPECT_STREQ("no such execute pending (completed, timed out or unknown)", a.msg);
}

TEST_F(exec, only_the_socket_the_request_went_to_answers_it)
{
	struct exec_out o;
	struct genl_ack a;
	size_t off;
	struct genl_req r;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
	ASSERT_EQ(0, o.a.error);
	ASSERT_EQ(KLWM2M_CMD_EXEC_REQUEST, genl_recv(self->app, &a, 2000));

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC_DONE, KLWM2M_GENL_VERSION);
	off = genl_req_put(&r, KLWM2M_A_EXEC_ID, &o.id, sizeof(o.id));
	genl_req_put(&r, KLWM2M_A_EXEC_STATUS, &(int32_t){ 0 }, sizeof(int32_t));
	ASSERT_EQ(0, genl_exchange(self->app2, &r, &a));
	EXPECT_EQ(-EPERM, a.error);
	EXPECT_STREQ("only the socket the request went to answers it", a.msg);
	EXPECT_EQ(off, a.offset);

	ASSERT_EQ(0, exec_done(self->app, self->family, o.id, -ENODEV, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(KLWM2M_CMD_EXEC_RESULT, result_of(self->agent, &o, 2000, &a));
	EXPECT_EQ(-ENODEV, S32(a.tb[KLWM2M_A_EXEC_STATUS]));
}

TEST_F(exec, an_execute_names_an_executable_resource_of_an_instance)
{
	static const struct {
		uint16_t oid, iid, rid;
		int riid, error;
		const char *msg;
	} cases[] = {
		{ 999, 0, R_REBOOT, -1, -ENOENT, "no such object" },
		{ OID, 5, R_REBOOT, -1, -ENOENT, "no such instance" },
		{ OID, 0, 77, -1, -ENOENT, "the object defines no such resource" },
		{ OID, 0, R_TIME, -1, -EPERM, "the resource is not executable" },
		{ OID, 0, R_REBOOT, 0, -EINVAL,
		  "an execute names a resource: an object, an instance and a resource" },
	};
	struct genl_req r;
	struct genl_ack a;
	size_t off;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC, KLWM2M_GENL_VERSION);
		off = put_path(&r, KLWM2M_A_EXEC_PATH, cases[i].oid, cases[i].iid, cases[i].rid,
			       cases[i].riid);
		ASSERT_EQ(0, genl_exchange(self->agent, &r, &a));
		EXPECT_EQ(cases[i].error, a.error) TH_LOG("case %zu", i);
		EXPECT_STREQ(cases[i].msg, a.msg);
		EXPECT_EQ(off, a.offset);
	}
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app, &a, 100));
}

TEST_F(exec, the_policy_refuses_bad_attributes_and_points_at_them)
{
	char args[KLWM2M_EXEC_ARGS_MAX + 1];
	struct genl_req r;
	struct genl_ack a;
	size_t off;

	memset(args, 'a', sizeof(args));
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC, KLWM2M_GENL_VERSION);
	ASSERT_EQ(0, genl_exchange(self->agent, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("missing the path of the resource to execute", a.msg);
	EXPECT_EQ(KLWM2M_A_EXEC_PATH, a.miss_type);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC, KLWM2M_GENL_VERSION);
	put_path(&r, KLWM2M_A_EXEC_PATH, OID, 0, R_REBOOT, -1);
	off = genl_req_put(&r, KLWM2M_A_EXEC_ARGS, args, sizeof(args));
	ASSERT_EQ(0, genl_exchange(self->agent, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_EQ(off, a.offset);
	EXPECT_NE(0, a.msg[0]);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC, KLWM2M_GENL_VERSION);
	put_path(&r, KLWM2M_A_EXEC_PATH, OID, 0, R_REBOOT, -1);
	off = genl_req_put(&r, KLWM2M_A_EXEC_SERVER, &(uint16_t){ 0 }, sizeof(uint16_t));
	ASSERT_EQ(0, genl_exchange(self->agent, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_EQ(off, a.offset);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC, KLWM2M_GENL_VERSION);
	put_path(&r, KLWM2M_A_EXEC_PATH, OID, 0, R_REBOOT, -1);
	off = genl_req_put(&r, KLWM2M_A_EXEC_ID, &(uint32_t){ 5 }, sizeof(uint32_t));
	ASSERT_EQ(0, genl_exchange(self->agent, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("the kernel assigns execute IDs", a.msg);
	EXPECT_EQ(off, a.offset);

	/* EXEC_DONE: an ID and a status of 0 or -errno. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC_DONE, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_EXEC_ID, 1);
	ASSERT_EQ(0, genl_exchange(self->app, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("missing status", a.msg);
	EXPECT_EQ(KLWM2M_A_EXEC_STATUS, a.miss_type);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC_DONE, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_EXEC_ID, 1);
	off = genl_req_put(&r, KLWM2M_A_EXEC_STATUS, &(int32_t){ 1 }, sizeof(int32_t));
	ASSERT_EQ(0, genl_exchange(self->app, &r, &a));
	EXPECT_EQ(-ERANGE, a.error);
	EXPECT_EQ(off, a.offset);

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC_DONE, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_EXEC_ID, 1);
	put_u32(&r, KLWM2M_A_EXEC_STATUS, 0);
	off = genl_req_put(&r, KLWM2M_A_EXEC_ARGS, "x", 1);
	ASSERT_EQ(0, genl_exchange(self->app, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_STREQ("EXEC_DONE takes an execute ID and a status only", a.msg);
	EXPECT_EQ(off, a.offset);

	/* A path nest is refused before its policy is looked at: the kernel's message. */
	genl_req_init(&r, self->family, 0, KLWM2M_CMD_EXEC_DONE, KLWM2M_GENL_VERSION);
	put_u32(&r, KLWM2M_A_EXEC_ID, 1);
	put_u32(&r, KLWM2M_A_EXEC_STATUS, 0);
	off = put_path(&r, KLWM2M_A_EXEC_PATH, OID, 0, R_REBOOT, -1);
	ASSERT_EQ(0, genl_exchange(self->app, &r, &a));
	EXPECT_EQ(-EINVAL, a.error);
	EXPECT_EQ(off, a.offset);
	EXPECT_NE(0, a.msg[0]);

	ASSERT_EQ(0, exec_done(self->app, self->family, 12345, 0, &a));
	EXPECT_EQ(-ENOENT, a.error);
}

static int nobody_cannot_execute(int fd, int family)
{
	struct exec_out o;

	if (exec_res(fd, family, 0, R_REBOOT, NULL, 0, &o))
		return 10;
	return o.a.error == -EPERM ? 0 : 11;
}

TEST_F(exec, only_an_admin_executes)
{
	struct genl_ack a;

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	EXPECT_EQ(0, as_nobody(self->family, nobody_cannot_execute));
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app, &a, 100));
}

TEST_F(exec, an_undeliverable_request_completes_at_once_with_its_error)
{
	int one = 1, i, found = 0;
	struct exec_out o;
	struct genl_ack a;
	char buf[256];

	/* The smallest receive buffer: a few requests fill it. */
	ASSERT_EQ(0, setsockopt(self->app, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)));
	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	for (i = 0; i < 64 && !found; i++) {
		ASSERT_EQ(0, exec_res(self->agent, self->family, 0, R_REBOOT, NULL, 0, &o));
		ASSERT_EQ(0, o.a.error) TH_LOG("%s", o.a.msg);
		/* Its result came with it, before the ACK. */
		found = o.nnotes == 1;
	}
	ASSERT_TRUE(found);
	ASSERT_LT(1, i);
	ASSERT_EQ(KLWM2M_CMD_EXEC_RESULT, result_of(self->agent, &o, 0, &a));
	EXPECT_EQ(o.id, U32(a.tb[KLWM2M_A_EXEC_ID]));
	EXPECT_EQ(-EAGAIN, S32(a.tb[KLWM2M_A_EXEC_STATUS]));
	/* The owner learns that it lost a message. */
	EXPECT_EQ(-1, recv(self->app, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOBUFS, errno);
}

/* A server's batch: /3/0/13 and /3/1/13, written by the agent for server 101 (or as itself). */
static int server_write(int fd, int family, int server, struct genl_ack *a)
{
	struct genl_req r;
	int64_t t = 1700000000;
	int i;

	genl_req_init(&r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	if (server)
		put_u16(&r, KLWM2M_A_SET_SERVER, server);
	for (i = 0; i < 2; i++) {
		size_t nest = genl_req_nest(&r, KLWM2M_A_SET_VALUE);

		put_path(&r, KLWM2M_A_VALUE_PATH, OID, i, R_TIME, -1);
		put_u8(&r, KLWM2M_A_VALUE_TYPE, KLWM2M_TYPE_TIME);
		genl_req_put(&r, KLWM2M_A_VALUE_DATA, &t, sizeof(t));
		genl_req_nest_end(&r, nest);
	}
	return genl_exchange(fd, &r, a);
}

/* The paths of an event, as "/O/I/R" strings joined by spaces, in @out. */
static void event_paths(const struct genl_ack *e, char *out, size_t size)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)e->reply;
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	size_t used = 0;

	out[0] = '\0';
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || p + nla->nla_len > end)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == KLWM2M_A_EVENT_PATH)
			used += snprintf(out + used, size - used, "%s/%u/%u/%u", used ? " " : "",
					 U16(genl_nested(nla, KLWM2M_A_PATH_OBJ)),
					 U16(genl_nested(nla, KLWM2M_A_PATH_INST)),
					 U16(genl_nested(nla, KLWM2M_A_PATH_RES)));
		p += NLA_ALIGN(nla->nla_len);
	}
}

TEST_F(exec, a_server_write_reaches_each_owner_with_its_paths)
{
	struct genl_ack a, e;
	char paths[128];

	ASSERT_EQ(0, own(self->app, self->family, OID, 0, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, own(self->app2, self->family, OID, -1, &a));
	ASSERT_EQ(0, a.error);
	ASSERT_EQ(0, server_write(self->agent, self->family, 101, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);

	/* The instance's owner: its instance's path only. */
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(self->app, &e, 2000));
	EXPECT_EQ(KLWM2M_EVENT_VALUE_CHANGED, *(uint8_t *)PAYLOAD(e.tb[KLWM2M_A_EVENT_KIND]));
	ASSERT_NE(NULL, e.tb[KLWM2M_A_EVENT_SERVER]);
	EXPECT_EQ(101, U16(e.tb[KLWM2M_A_EVENT_SERVER]));
	ASSERT_NE(NULL, e.tb[KLWM2M_A_EVENT_PORTID]);
	EXPECT_EQ(genl_portid(self->agent), U32(e.tb[KLWM2M_A_EVENT_PORTID]));
	event_paths(&e, paths, sizeof(paths));
	EXPECT_STREQ("/3/0/13", paths);
	/* The object's owner: the rest. */
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(self->app2, &e, 2000));
	EXPECT_EQ(101, U16(e.tb[KLWM2M_A_EVENT_SERVER]));
	event_paths(&e, paths, sizeof(paths));
	EXPECT_STREQ("/3/1/13", paths);

	/* One event each per batch; a write of the agent's own reaches nobody. */
	ASSERT_EQ(0, server_write(self->agent, self->family, 0, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app, &e, 200));
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app2, &e, 100));
}

TEST_F(exec, one_owner_gets_all_its_paths_in_one_event_in_batch_order)
{
	struct genl_ack a, e;
	char paths[128];

	ASSERT_EQ(0, own(self->app, self->family, OID, -1, &a));
	ASSERT_EQ(0, server_write(self->agent, self->family, 7, &a));
	ASSERT_EQ(0, a.error) TH_LOG("%s", a.msg);
	ASSERT_EQ(KLWM2M_CMD_EVENT, genl_recv(self->app, &e, 2000));
	EXPECT_EQ(7, U16(e.tb[KLWM2M_A_EVENT_SERVER]));
	event_paths(&e, paths, sizeof(paths));
	EXPECT_STREQ("/3/0/13 /3/1/13", paths);
	EXPECT_EQ(-ETIMEDOUT, genl_recv(self->app, &e, 200));
}

TEST_HARNESS_MAIN
