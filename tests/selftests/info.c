// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftests of KLWM2M_CMD_INFO against the loaded module: the reply, in the
 * initial and in a fresh network namespace, for root and for an unprivileged
 * user, and every malformed request the family must refuse with a message.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#include "kselftest_harness.h"
#include "genl.h"

/* Where an attribute starts when it is the first one of a request. */
#define FIRST_ATTR_OFFSET (NLMSG_HDRLEN + GENL_HDRLEN)

static unsigned long long read_ull(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

#define NLA_PAYLOAD_PTR(a) ((void *)((char *)(a) + NLA_HDRLEN))

FIXTURE(info) {
	int fd;
	int family;
};

FIXTURE_VARIANT(info) {
	int new_netns;
};

FIXTURE_VARIANT_ADD(info, init_netns) { .new_netns = 0 };
FIXTURE_VARIANT_ADD(info, new_netns) { .new_netns = 1 };

FIXTURE_SETUP(info)
{
	if (variant->new_netns)
		ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	self->fd = genl_open();
	ASSERT_LE(0, self->fd) TH_LOG("netlink socket: %s", strerror(-self->fd));
	self->family = genl_family(self->fd, KLWM2M_GENL_NAME);
	ASSERT_LT(0, self->family) TH_LOG("family %s: %s", KLWM2M_GENL_NAME,
					  strerror(-self->family));
}

FIXTURE_TEARDOWN(info)
{
	close(self->fd);
}

static void expect_refused(struct __test_metadata *_metadata, int fd, struct genl_req *r,
			   int error, const char *msg, int offset)
{
	struct genl_ack a;

	ASSERT_EQ(0, genl_exchange(fd, r, &a));
	EXPECT_EQ(error, a.error);
	EXPECT_STREQ(msg, a.msg);
	EXPECT_EQ(offset, a.offset);
	EXPECT_EQ(0, a.replied);
}

TEST_F(info, reply_carries_the_abi_version_and_the_module_limits)
{
	char version[64];
	struct genl_req r;
	struct genl_ack a;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("kernel: %s", a.msg);
	ASSERT_TRUE(a.replied);

	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_ABI_VERSION]);
	EXPECT_EQ(KLWM2M_ABI_VERSION,
		  *(uint32_t *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_ABI_VERSION]));

	read_line("/sys/kernel/klwm2m/version", version, sizeof(version));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_MODULE_VERSION]);
	EXPECT_STREQ(version, (char *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_MODULE_VERSION]));

	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_MAX_VALUE_SIZE]);
	EXPECT_EQ(read_ull("/sys/module/klwm2m/parameters/max_value_size"),
		  *(uint32_t *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_MAX_VALUE_SIZE]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_STORE_BUDGET]);
	EXPECT_EQ(read_ull("/sys/module/klwm2m/parameters/store_budget"),
		  *(uint64_t *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_STORE_BUDGET]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_STORE_USED]);
	EXPECT_EQ(0, *(uint64_t *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_STORE_USED]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_MAX_ID]);
	EXPECT_EQ(KLWM2M_ID_MAX, *(uint16_t *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_MAX_ID]));
	ASSERT_NE(NULL, a.tb[KLWM2M_A_INFO_MAX_DEPTH]);
	EXPECT_EQ(KLWM2M_PATH_DEPTH_MAX,
		  *(uint8_t *)NLA_PAYLOAD_PTR(a.tb[KLWM2M_A_INFO_MAX_DEPTH]));
}

TEST_F(info, an_unprivileged_user_may_ask)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genl_req r;
		struct genl_ack a;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		genl_req_init(&r, self->family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
		if (genl_exchange(self->fd, &r, &a))
			_exit(11);
		_exit(a.error == 0 && a.replied ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* INFO carrying one u32 attribute of @type: refused with @msg, pointed at. */
static void one_attr_is_refused(struct __test_metadata *_metadata, int fd, int family,
				uint16_t type, const char *msg)
{
	uint32_t v = 1;
	struct genl_req r;
	size_t off;

	genl_req_init(&r, family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	off = genl_req_put(&r, type, &v, sizeof(v));
	EXPECT_EQ(FIRST_ATTR_OFFSET, off);
	expect_refused(_metadata, fd, &r, -EINVAL, msg, off);
}

TEST_F(info, every_reply_only_attribute_is_refused_and_pointed_at)
{
	for (uint16_t type = KLWM2M_A_INFO_PAD; type <= KLWM2M_A_INFO_MAX; type++)
		one_attr_is_refused(_metadata, self->fd, self->family, type,
				    "reply-only attribute: INFO takes no attributes");
}

TEST_F(info, an_attribute_type_past_the_maximum_is_refused)
{
	one_attr_is_refused(_metadata, self->fd, self->family, KLWM2M_A_INFO_MAX + 1,
			    "Unknown attribute type");
}

TEST_F(info, the_unspec_attribute_is_refused)
{
	one_attr_is_refused(_metadata, self->fd, self->family, KLWM2M_A_INFO_UNSPEC,
			    "Unknown attribute type");
}

TEST_F(info, trailing_bytes_are_refused)
{
	struct genl_req r;
	struct nlattr *a;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	/* An attribute header claiming more bytes than the message holds. */
	a = (struct nlattr *)(r.buf + r.nlh.nlmsg_len);
	a->nla_type = KLWM2M_A_INFO_ABI_VERSION;
	a->nla_len = 64;
	r.nlh.nlmsg_len += NLA_HDRLEN;
	expect_refused(_metadata, self->fd, &r, -EINVAL,
		       "bytes leftover after parsing attributes", -1);
}

TEST_F(info, a_nonzero_reserved_header_field_is_refused)
{
	struct genl_req r;
	struct genlmsghdr *g;

	genl_req_init(&r, self->family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	g = NLMSG_DATA(&r.nlh);
	g->reserved = 1;
	expect_refused(_metadata, self->fd, &r, -EINVAL,
		       "genlmsghdr.reserved field is not 0", -1);
}

TEST_F(info, unknown_netlink_flags_are_refused)
{
	struct genl_req r;

	genl_req_init(&r, self->family, NLM_F_CREATE, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	expect_refused(_metadata, self->fd, &r, -EINVAL,
		       "ambiguous or reserved bits set in nlmsg_flags", -1);
}

TEST_F(info, a_dump_request_is_not_supported)
{
	struct genl_req r;

	genl_req_init(&r, self->family, NLM_F_DUMP, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	expect_refused(_metadata, self->fd, &r, -EOPNOTSUPP, "", -1);
}

TEST_F(info, unknown_commands_are_not_supported)
{
	static const uint8_t cmds[] = { KLWM2M_CMD_UNSPEC, KLWM2M_CMD_MAX + 1, 255 };
	struct genl_req r;

	for (size_t i = 0; i < sizeof(cmds); i++) {
		genl_req_init(&r, self->family, 0, cmds[i], KLWM2M_GENL_VERSION);
		expect_refused(_metadata, self->fd, &r, -EOPNOTSUPP, "", -1);
	}
}

TEST_HARNESS_MAIN
