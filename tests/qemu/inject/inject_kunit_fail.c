// SPDX-License-Identifier: GPL-2.0-only
/* A KUnit suite with one passing and one failing case. */
#include <kunit/test.h>
#include <linux/module.h>

static void inject_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}

static void inject_fails_on_purpose(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 2);
}

static struct kunit_case inject_cases[] = {
	KUNIT_CASE(inject_passes),
	KUNIT_CASE(inject_fails_on_purpose),
	{}
};

static struct kunit_suite inject_suite = {
	.name = "inject_kunit_fail",
	.test_cases = inject_cases,
};

kunit_test_suite(inject_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klwm2m runner check: a failing KUnit case");
