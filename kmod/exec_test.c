// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for owners: claims of objects and instances, which owner a
 * path belongs to, SAMPLE reaching it (over real netlink sockets of the
 * initial namespace, opened by the test), claims ending with their socket,
 * and the exec_timeout_ms parameter's bounds.
 */
#include <kunit/test.h>
#include <linux/klwm2m.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "klwm2m.h"

/* Unlikely to be claimed by anything else while the suite runs at load. */
#define OID 65001

struct timeout_case {
	const char *desc;
	unsigned int ms;
	int want;
	const char *why;
};

static const struct timeout_case timeout_cases[] = {
	{ "the default of 2000 ms is accepted", 2000, 0, NULL },
	{ "one millisecond is accepted", 1, 0, NULL },
	{ "ten minutes are accepted", 600000, 0, NULL },
	{ "zero is refused", 0, -EINVAL, "exec_timeout_ms must be at least 1" },
	{ "more than ten minutes are refused", 600001, -EINVAL,
	  "exec_timeout_ms is above 600000 (10 minutes)" },
};

static void timeout_case_desc(const struct timeout_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(timeout, timeout_cases, timeout_case_desc);

static void timeout_check_follows_the_table(struct kunit *test)
{
	const struct timeout_case *c = test->param_value;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, klwm2m_exec_timeout_check(c->ms, &why), c->want);
	if (c->why)
		KUNIT_EXPECT_STREQ(test, why, c->why);
	else
		KUNIT_EXPECT_NULL(test, why);
}

/* Two generic netlink sockets of the initial namespace, as two apps hold them. */
struct exec_ctx {
	struct socket *sock[2];
	struct klwm2m_port port[2];
	char buf[NLMSG_GOODSIZE];
};

static struct klwm2m_exec *init_exec(void)
{
	return &klwm2m_pernet(&init_net)->exec;
}

static int open_port(struct socket **sock, struct klwm2m_port *port)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int err;

	err = sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC, sock);
	if (err)
		return err;
	/* Port ID 0: the kernel picks one, as for any client. */
	err = kernel_bind(*sock, (struct sockaddr *)&addr, sizeof(addr));
	if (!err)
		err = kernel_getsockname(*sock, (struct sockaddr *)&addr);
	if (err < 0)
		return err;
	port->portid = addr.nl_pid;
	port->sk = (*sock)->sk;
	return 0;
}

static int exec_test_init(struct kunit *test)
{
	struct exec_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test->priv = ctx;
	for (i = 0; i < ARRAY_SIZE(ctx->sock); i++)
		KUNIT_ASSERT_EQ(test, open_port(&ctx->sock[i], &ctx->port[i]), 0);
	return 0;
}

/* Closing a socket ends its claims, through the module's netlink notifier. */
static void close_port(struct exec_ctx *ctx, int i)
{
	if (ctx->sock[i])
		sock_release(ctx->sock[i]);
	ctx->sock[i] = NULL;
}

static void exec_test_exit(struct kunit *test)
{
	struct exec_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(ctx->sock); i++)
		close_port(ctx, i);
}

/*
 * The next message waiting on socket @i, if any: its command, and its path
 * in @p. Return: the command, or -EAGAIN when nothing waits.
 */
static int recv_path(struct kunit *test, struct exec_ctx *ctx, int i, struct klwm2m_path *p)
{
	struct nlattr *tb[KLWM2M_A_EVENT_MAX + 1], *ptb[KLWM2M_A_PATH_MAX + 1];
	struct kvec iov = { .iov_base = ctx->buf, .iov_len = sizeof(ctx->buf) };
	struct nlmsghdr *nlh = (struct nlmsghdr *)ctx->buf;
	u16 *ids[] = { &p->oid, &p->iid, &p->rid, &p->riid };
	struct msghdr msg = { };
	struct genlmsghdr *g;
	int len, k;

	len = kernel_recvmsg(ctx->sock[i], &msg, &iov, 1, iov.iov_len, MSG_DONTWAIT);
	if (len == -EAGAIN)
		return len;
	KUNIT_ASSERT_GE(test, len, (int)(NLMSG_HDRLEN + GENL_HDRLEN));
	KUNIT_ASSERT_TRUE(test, nlmsg_ok(nlh, len));
	KUNIT_EXPECT_EQ(test, nlh->nlmsg_type, klwm2m_family.id);
	KUNIT_EXPECT_EQ(test, nlh->nlmsg_seq, 0);
	g = nlmsg_data(nlh);
	len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	KUNIT_ASSERT_EQ(test, nla_parse(tb, KLWM2M_A_EVENT_MAX, (struct nlattr *)(g + 1), len,
					NULL, NULL), 0);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_EVENT_PATH]);
	KUNIT_ASSERT_EQ(test, nla_parse_nested(ptb, KLWM2M_A_PATH_MAX, tb[KLWM2M_A_EVENT_PATH],
					       NULL, NULL), 0);
	memset(p, 0, sizeof(*p));
	for (k = 0; k < ARRAY_SIZE(ids) && ptb[KLWM2M_A_PATH_OBJ + k]; k++) {
		*ids[k] = nla_get_u16(ptb[KLWM2M_A_PATH_OBJ + k]);
		p->depth = k + 1;
	}
	return g->cmd;
}

static struct klwm2m_path res_path(u16 iid, u16 rid)
{
	return (struct klwm2m_path){ .oid = OID, .iid = iid, .rid = rid, .depth = 3 };
}

static void sample_goes_to_the_instance_owner_before_the_object_owner(struct kunit *test)
{
	struct exec_ctx *ctx = test->priv;
	struct klwm2m_path in0 = res_path(0, 5), in1 = res_path(1, 5), got;
	struct klwm2m_path obj = { .oid = OID, .depth = 1 };

	KUNIT_ASSERT_EQ(test, klwm2m_exec_own(init_exec(), OID, -1, &ctx->port[0], NULL), 0);
	KUNIT_ASSERT_EQ(test, klwm2m_exec_own(init_exec(), OID, 0, &ctx->port[1], NULL), 0);

	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &in0), 0);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 1, &got), KLWM2M_CMD_SAMPLE);
	KUNIT_EXPECT_EQ(test, got.depth, 3);
	KUNIT_EXPECT_EQ(test, got.oid, OID);
	KUNIT_EXPECT_EQ(test, got.iid, 0);
	KUNIT_EXPECT_EQ(test, got.rid, 5);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 0, &got), -EAGAIN);

	/* Another instance, and the object itself, are the object owner's. */
	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &in1), 0);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 0, &got), KLWM2M_CMD_SAMPLE);
	KUNIT_EXPECT_EQ(test, got.iid, 1);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &obj), 0);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 0, &got), KLWM2M_CMD_SAMPLE);
	KUNIT_EXPECT_EQ(test, got.depth, 1);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 1, &got), -EAGAIN);
}

static void sample_without_an_owner_is_refused_with_esrch(struct kunit *test)
{
	struct exec_ctx *ctx = test->priv;
	struct klwm2m_path p = res_path(0, 5), got;

	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &p), -ESRCH);
	/* An instance claim covers that instance only. */
	KUNIT_ASSERT_EQ(test, klwm2m_exec_own(init_exec(), OID, 1, &ctx->port[0], NULL), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &p), -ESRCH);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 0, &got), -EAGAIN);
}

static void a_claim_ends_when_its_socket_closes(struct kunit *test)
{
	struct exec_ctx *ctx = test->priv;
	struct klwm2m_path p = res_path(0, 5), got;

	KUNIT_ASSERT_EQ(test, klwm2m_exec_own(init_exec(), OID, -1, &ctx->port[0], NULL), 0);
	close_port(ctx, 0);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &p), -ESRCH);
	/* Free for another socket. */
	KUNIT_EXPECT_EQ(test, klwm2m_exec_own(init_exec(), OID, -1, &ctx->port[1], NULL), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_sample(&init_net, &p), 0);
	KUNIT_EXPECT_EQ(test, recv_path(test, ctx, 1, &got), KLWM2M_CMD_SAMPLE);
}

static void a_claim_is_refused_while_another_socket_holds_it(struct kunit *test)
{
	struct exec_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = { };
	struct klwm2m_exec *ex = init_exec();

	KUNIT_ASSERT_EQ(test, klwm2m_exec_own(ex, OID, -1, &ctx->port[0], NULL), 0);
	/* Claiming again what one owns is fine. */
	KUNIT_EXPECT_EQ(test, klwm2m_exec_own(ex, OID, -1, &ctx->port[0], NULL), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_own(ex, OID, -1, &ctx->port[1], &extack), -EBUSY);
	KUNIT_EXPECT_STREQ(test, extack._msg, "another socket owns the object");
	KUNIT_EXPECT_EQ(test, klwm2m_exec_disown(ex, OID, -1, &ctx->port[1], &extack), -EBUSY);
	/* An instance of it may still be claimed by another socket. */
	KUNIT_EXPECT_EQ(test, klwm2m_exec_own(ex, OID, 7, &ctx->port[1], NULL), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_own(ex, OID, 7, &ctx->port[0], &extack), -EBUSY);
	KUNIT_EXPECT_STREQ(test, extack._msg, "another socket owns the instance");

	KUNIT_EXPECT_EQ(test, klwm2m_exec_disown(ex, OID, -1, &ctx->port[0], NULL), 0);
	KUNIT_EXPECT_EQ(test, klwm2m_exec_disown(ex, OID, -1, &ctx->port[0], &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "nobody owns the object");
	KUNIT_EXPECT_EQ(test, klwm2m_exec_own(ex, OID, -1, &ctx->port[1], NULL), 0);
}

static struct kunit_case klwm2m_exec_timeout_cases[] = {
	KUNIT_CASE_PARAM(timeout_check_follows_the_table, timeout_gen_params),
	{}
};

static struct kunit_suite klwm2m_exec_timeout_suite = {
	.name = "klwm2m_exec_timeout",
	.test_cases = klwm2m_exec_timeout_cases,
};

static struct kunit_case klwm2m_exec_cases[] = {
	KUNIT_CASE(sample_goes_to_the_instance_owner_before_the_object_owner),
	KUNIT_CASE(sample_without_an_owner_is_refused_with_esrch),
	KUNIT_CASE(a_claim_ends_when_its_socket_closes),
	KUNIT_CASE(a_claim_is_refused_while_another_socket_holds_it),
	{}
};

static struct kunit_suite klwm2m_exec_suite = {
	.name = "klwm2m_exec",
	.init = exec_test_init,
	.exit = exec_test_exit,
	.test_cases = klwm2m_exec_cases,
};

kunit_test_suites(&klwm2m_exec_timeout_suite, &klwm2m_exec_suite);
