// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the module's limits and the INFO reply.
 */
#include <kunit/test.h>
#include <linux/klwm2m.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/netlink.h>

#include "klwm2m.h"

struct limits_case {
	const char *desc;
	struct klwm2m_limits lim;
	int want;
	const char *why;
};

static const struct limits_case limits_cases[] = {
	{ "the defaults are accepted", { KLWM2M_VALUE_WIRE_MAX, SZ_16M }, 0, NULL },
	{ "a one-byte value limit is accepted", { 1, 1 }, 0, NULL },
	{ "the ceilings themselves are accepted", { KLWM2M_VALUE_WIRE_MAX, (u64)SZ_1G * 4 },
	  0, NULL },
	{ "a zero value limit is refused", { 0, SZ_16M }, -EINVAL,
	  "max_value_size must be at least 1" },
	{ "a value limit above what netlink carries is refused",
	  { KLWM2M_VALUE_WIRE_MAX + 1, (u64)SZ_1G }, -EINVAL,
	  "max_value_size is above 65480 bytes, what netlink carries" },
	{ "a budget above 4 GiB is refused", { SZ_32K, (u64)SZ_1G * 4 + 1 }, -EINVAL,
	  "store_budget is above 4 GiB" },
	{ "a budget smaller than one value is refused", { SZ_32K, SZ_32K - 1 }, -EINVAL,
	  "store_budget is smaller than max_value_size" },
};

static void limits_case_desc(const struct limits_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(limits, limits_cases, limits_case_desc);

static void limits_check_follows_the_table(struct kunit *test)
{
	const struct limits_case *c = test->param_value;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, klwm2m_limits_check(&c->lim, &why), c->want);
	if (c->why)
		KUNIT_EXPECT_STREQ(test, why, c->why);
	else
		KUNIT_EXPECT_NULL(test, why);
}

static struct sk_buff *info_skb(struct kunit *test, unsigned int size)
{
	struct sk_buff *skb = alloc_skb(size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

static void info_reply_carries_abi_and_limits(struct kunit *test)
{
	struct klwm2m_limits lim = { .max_value_size = 1234, .store_budget = 5ULL << 32 };
	struct klwm2m_net kn = { .store.used = 77 };
	struct nlattr *tb[KLWM2M_A_INFO_MAX + 1];
	struct sk_buff *skb = info_skb(test, NLMSG_DEFAULT_SIZE);
	int err;

	err = klwm2m_info_fill(skb, &lim, &kn);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = nla_parse(tb, KLWM2M_A_INFO_MAX, (struct nlattr *)skb->data, skb->len,
			NULL, NULL);
	KUNIT_ASSERT_EQ(test, err, 0);

	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_ABI_VERSION]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KLWM2M_A_INFO_ABI_VERSION]), KLWM2M_ABI_VERSION);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_MODULE_VERSION]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[KLWM2M_A_INFO_MODULE_VERSION]),
			   KLWM2M_VERSION);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_MAX_VALUE_SIZE]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KLWM2M_A_INFO_MAX_VALUE_SIZE]), 1234);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_STORE_BUDGET]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[KLWM2M_A_INFO_STORE_BUDGET]), 5ULL << 32);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_STORE_USED]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[KLWM2M_A_INFO_STORE_USED]), 77);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_MAX_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tb[KLWM2M_A_INFO_MAX_ID]), KLWM2M_ID_MAX);
	KUNIT_ASSERT_NOT_NULL(test, tb[KLWM2M_A_INFO_MAX_DEPTH]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[KLWM2M_A_INFO_MAX_DEPTH]), 4);

	kfree_skb(skb);
}

static void info_reply_reports_a_full_message(struct kunit *test)
{
	struct klwm2m_limits lim = { .max_value_size = 1, .store_budget = 1 };
	struct klwm2m_net kn = { };
	struct sk_buff *skb = info_skb(test, NLMSG_DEFAULT_SIZE);

	/*
	 * Room for the first attribute only: slab rounding makes any small
	 * allocation roomier than asked, so take the room away instead.
	 */
	skb_put(skb, skb_tailroom(skb) - nla_total_size(sizeof(u32)));
	KUNIT_EXPECT_EQ(test, klwm2m_info_fill(skb, &lim, &kn), -EMSGSIZE);
	kfree_skb(skb);
}

static struct kunit_case klwm2m_info_cases[] = {
	KUNIT_CASE_PARAM(limits_check_follows_the_table, limits_gen_params),
	KUNIT_CASE(info_reply_carries_abi_and_limits),
	KUNIT_CASE(info_reply_reports_a_full_message),
	{}
};

static struct kunit_suite klwm2m_info_suite = {
	.name = "klwm2m_info",
	.test_cases = klwm2m_info_cases,
};

kunit_test_suite(klwm2m_info_suite);
