// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the text a value's sysfs file shows: every type, doubles
 * printed exactly from their bits (checked against glibc's printf("%a") of
 * the same bits), and values too large for a page.
 */
#include <kunit/test.h>
#include <linux/klwm2m.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "klwm2m.h"
#include "store.h"

struct f64_case {
	const char *desc;
	u64 bits;
	const char *text;
};

static const struct f64_case f64_cases[] = {
	{ "zero is 0x0p+0", 0x0000000000000000ULL, "0x0p+0" },
	{ "minus zero keeps its sign", 0x8000000000000000ULL, "-0x0p+0" },
	{ "one has no fraction digits", 0x3ff0000000000000ULL, "0x1p+0" },
	{ "1.5 drops trailing zero digits", 0x3ff8000000000000ULL, "0x1.8p+0" },
	{ "minus two has a positive exponent", 0xc000000000000000ULL, "-0x1p+1" },
	{ "0.1 prints all thirteen digits", 0x3fb999999999999aULL, "0x1.999999999999ap-4" },
	{ "1e300 is exact", 0x7e37e43c8800759cULL, "0x1.7e43c8800759cp+996" },
	{ "the largest double", 0x7fefffffffffffffULL, "0x1.fffffffffffffp+1023" },
	{ "the smallest normal", 0x0010000000000000ULL, "0x1p-1022" },
	{ "the smallest denormal", 0x0000000000000001ULL, "0x0.0000000000001p-1022" },
	{ "the largest denormal", 0x000fffffffffffffULL, "0x0.fffffffffffffp-1022" },
	{ "infinity is inf", 0x7ff0000000000000ULL, "inf" },
	{ "minus infinity is -inf", 0xfff0000000000000ULL, "-inf" },
	{ "the quiet NaN is nan", 0x7ff8000000000000ULL, "nan" },
	{ "a negative quiet NaN is -nan", 0xfff8000000000000ULL, "-nan" },
	{ "a signalling NaN shows its fraction", 0x7ff0000000000001ULL, "nan(0x1)" },
	{ "a NaN payload shows its fraction", 0x7ff8000000000001ULL, "nan(0x8000000000001)" },
};

static void f64_case_desc(const struct f64_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(f64, f64_cases, f64_case_desc);

static void doubles_print_exactly_as_hex_floats(struct kunit *test)
{
	const struct f64_case *c = test->param_value;
	char buf[40];
	int len;

	len = klwm2m_f64_text(c->bits, buf, sizeof(buf));

	KUNIT_EXPECT_STREQ(test, buf, c->text);
	KUNIT_EXPECT_EQ(test, len, (int)strlen(c->text));
}

struct text_case {
	const char *desc;
	u8 type;
	u64 scalar;		/* for the scalar types */
	const char *bytes;	/* for string, opaque, corelnk */
	u32 len;
	const char *text;
};

static const struct text_case text_cases[] = {
	{ "an integer is signed decimal", KLWM2M_TYPE_INTEGER, (u64)-42, .text = "-42\n" },
	{ "the smallest integer", KLWM2M_TYPE_INTEGER, (u64)S64_MIN,
	  .text = "-9223372036854775808\n" },
	{ "an unsigned is decimal", KLWM2M_TYPE_UNSIGNED, U64_MAX,
	  .text = "18446744073709551615\n" },
	{ "a time is signed seconds", KLWM2M_TYPE_TIME, 1700000000, .text = "1700000000\n" },
	{ "a float is a hex float", KLWM2M_TYPE_FLOAT, 0x4035800000000000ULL,
	  .text = "0x1.58p+4\n" },
	{ "false is 0", KLWM2M_TYPE_BOOLEAN, 0, .text = "0\n" },
	{ "true is 1", KLWM2M_TYPE_BOOLEAN, 1, .text = "1\n" },
	{ "an object link is OID:IID", KLWM2M_TYPE_OBJLNK, 3303 << 16 | 7, .text = "3303:7\n" },
	{ "the null object link", KLWM2M_TYPE_OBJLNK, 0xffffffff, .text = "65535:65535\n" },
	{ "a string is as it is", KLWM2M_TYPE_STRING, .bytes = "Cel", .len = 3,
	  .text = "Cel\n" },
	{ "an empty string is a newline", KLWM2M_TYPE_STRING, .bytes = "", .len = 0,
	  .text = "\n" },
	{ "a core link is as it is", KLWM2M_TYPE_CORELNK, .bytes = "</3303/0>", .len = 9,
	  .text = "</3303/0>\n" },
	{ "opaque is lowercase hex", KLWM2M_TYPE_OPAQUE, .bytes = "\xde\xad\x00\x0f", .len = 4,
	  .text = "dead000f\n" },
	{ "empty opaque is a newline", KLWM2M_TYPE_OPAQUE, .bytes = "", .len = 0, .text = "\n" },
};

static void text_case_desc(const struct text_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(text, text_cases, text_case_desc);

static struct klwm2m_value *value_of(struct kunit *test, u8 type, u64 scalar,
				     const void *bytes, u32 len)
{
	u8 b = scalar;
	u32 l = scalar;
	struct klwm2m_value *v;

	if (type == KLWM2M_TYPE_BOOLEAN)
		v = klwm2m_value_new(type, &b, sizeof(b), GFP_KERNEL);
	else if (type == KLWM2M_TYPE_OBJLNK)
		v = klwm2m_value_new(type, &l, sizeof(l), GFP_KERNEL);
	else if (bytes)
		v = klwm2m_value_new(type, bytes, len, GFP_KERNEL);
	else
		v = klwm2m_value_new(type, &scalar, sizeof(scalar), GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(v));
	return v;
}

static void each_type_has_its_text_form(struct kunit *test)
{
	const struct text_case *c = test->param_value;
	struct klwm2m_value *v = value_of(test, c->type, c->scalar, c->bytes, c->len);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = klwm2m_value_text(v, buf, PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, len, (ssize_t)strlen(c->text));
	if (len > 0)
		KUNIT_EXPECT_MEMEQ(test, buf, c->text, len);
	klwm2m_value_free(v);
}

struct big_case {
	const char *desc;
	u8 type;
	u32 len;
	ssize_t want;		/* the text's length, or -EFBIG */
};

/* A sysfs read returns at most PAGE_SIZE - 1 bytes, the newline included. */
static const struct big_case big_cases[] = {
	{ "a string filling the page less its newline fits", KLWM2M_TYPE_STRING,
	  PAGE_SIZE - 2, PAGE_SIZE - 1 },
	{ "a string one byte longer is too big", KLWM2M_TYPE_STRING, PAGE_SIZE - 1, -EFBIG },
	{ "opaque whose hex fills the page fits", KLWM2M_TYPE_OPAQUE,
	  (PAGE_SIZE - 2) / 2, PAGE_SIZE - 1 },
	{ "opaque one byte longer is too big", KLWM2M_TYPE_OPAQUE, PAGE_SIZE / 2, -EFBIG },
	{ "a 64 KiB core link is too big", KLWM2M_TYPE_CORELNK, SZ_64K, -EFBIG },
};

static void big_case_desc(const struct big_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(big, big_cases, big_case_desc);

static void values_too_big_for_a_page_read_as_efbig(struct kunit *test)
{
	const struct big_case *c = test->param_value;
	char *bytes = kunit_kmalloc(test, c->len, GFP_KERNEL);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct klwm2m_value *v;
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, bytes);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(bytes, 'a', c->len);
	v = value_of(test, c->type, 0, bytes, c->len);

	len = klwm2m_value_text(v, buf, PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, len, c->want);
	if (len > 0)
		KUNIT_EXPECT_EQ(test, buf[len - 1], '\n');
	klwm2m_value_free(v);
}

static struct kunit_case klwm2m_sysfs_cases[] = {
	KUNIT_CASE_PARAM(doubles_print_exactly_as_hex_floats, f64_gen_params),
	KUNIT_CASE_PARAM(each_type_has_its_text_form, text_gen_params),
	KUNIT_CASE_PARAM(values_too_big_for_a_page_read_as_efbig, big_gen_params),
	{}
};

static struct kunit_suite klwm2m_sysfs_suite = {
	.name = "klwm2m_sysfs",
	.test_cases = klwm2m_sysfs_cases,
};

kunit_test_suite(klwm2m_sysfs_suite);
