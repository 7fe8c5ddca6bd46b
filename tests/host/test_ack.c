// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of libklwm2m's acknowledgement parser: it reads bytes the
 * kernel sent, so every malformed form must be refused without reading past
 * the message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <netlink/errno.h>

#include "../../tools/lib/klwm2m/internal.h"

/* Builds an NLMSG_ERROR in a heap buffer of exactly the message's size. */
struct built {
	struct nlmsghdr *nlh;
	size_t len;
};

static struct built build_ack(int error, uint16_t flags, size_t echoed_payload,
			      const char *msg, int with_offset, uint32_t offset)
{
	char buf[1024] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t len = NLMSG_HDRLEN + sizeof(*e) + NLMSG_ALIGN(echoed_payload);
	struct built b;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + echoed_payload;
	if (msg) {
		struct nlattr *a = (struct nlattr *)(buf + len);

		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = NLA_HDRLEN + strlen(msg) + 1;
		memcpy((char *)a + NLA_HDRLEN, msg, strlen(msg) + 1);
		len += NLA_ALIGN(a->nla_len);
	}
	if (with_offset) {
		struct nlattr *a = (struct nlattr *)(buf + len);

		a->nla_type = NLMSGERR_ATTR_OFFS;
		a->nla_len = NLA_HDRLEN + sizeof(offset);
		memcpy((char *)a + NLA_HDRLEN, &offset, sizeof(offset));
		len += NLA_ALIGN(a->nla_len);
	}
	nlh->nlmsg_len = len;
	b.nlh = malloc(len);
	memcpy(b.nlh, buf, len);
	b.len = len;
	return b;
}

static void a_plain_ack_is_success(void **state)
{
	struct built b = build_ack(0, NLM_F_CAPPED, 0, NULL, 0, 0);
	struct klwm2m_ack ack;

	assert_int_equal(0, klwm2m_parse_ack(b.nlh, b.len, &ack));
	assert_int_equal(0, ack.error);
	assert_string_equal("", ack.msg);
	assert_int_equal(-1, ack.offset);
	free(b.nlh);
}

static void a_capped_error_yields_message_and_offset(void **state)
{
	struct built b = build_ack(-EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0,
				   "Unknown attribute type", 1, 20);
	struct klwm2m_ack ack;

	assert_int_equal(0, klwm2m_parse_ack(b.nlh, b.len, &ack));
	assert_int_equal(-EINVAL, ack.error);
	assert_string_equal("Unknown attribute type", ack.msg);
	assert_int_equal(20, ack.offset);
	free(b.nlh);
}

static void an_uncapped_error_skips_the_echoed_request(void **state)
{
	struct built b = build_ack(-EPERM, NLM_F_ACK_TLVS, 13, "not yours", 0, 0);
	struct klwm2m_ack ack;

	assert_int_equal(0, klwm2m_parse_ack(b.nlh, b.len, &ack));
	assert_int_equal(-EPERM, ack.error);
	assert_string_equal("not yours", ack.msg);
	assert_int_equal(-1, ack.offset);
	free(b.nlh);
}

static void a_long_message_is_truncated_not_overflowed(void **state)
{
	char big[600];
	struct built b;
	struct klwm2m_ack ack;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	b = build_ack(-EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0, big, 0, 0);
	assert_int_equal(0, klwm2m_parse_ack(b.nlh, b.len, &ack));
	assert_int_equal(sizeof(ack.msg) - 1, strlen(ack.msg));
	free(b.nlh);
}

static void every_truncation_is_refused_or_parsed_within_bounds(void **state)
{
	struct built b = build_ack(-EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0,
				   "bad", 1, 24);

	/* Each shorter copy lives in a buffer of exactly its length, so a read
	 * past it is caught by ASan/valgrind. */
	for (size_t n = 0; n < b.len; n++) {
		struct nlmsghdr *copy = malloc(n ? n : 1);
		struct klwm2m_ack ack;

		memcpy(copy, b.nlh, n);
		if (n >= sizeof(uint32_t))
			copy->nlmsg_len = n;
		int err = klwm2m_parse_ack(copy, n, &ack);

		assert_true(err == 0 || err == -EBADMSG);
		free(copy);
	}
	free(b.nlh);
}

static void a_bogus_attribute_length_is_refused(void **state)
{
	struct built b = build_ack(-EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0, "bad", 0, 0);
	struct nlattr *a = (struct nlattr *)((char *)b.nlh + NLMSG_HDRLEN +
					     sizeof(struct nlmsgerr));
	struct klwm2m_ack ack;

	a->nla_len = 200;
	assert_int_equal(-EBADMSG, klwm2m_parse_ack(b.nlh, b.len, &ack));
	a->nla_len = 2;
	assert_int_equal(-EBADMSG, klwm2m_parse_ack(b.nlh, b.len, &ack));
	free(b.nlh);
}

static void a_positive_or_huge_error_is_refused(void **state)
{
	struct built b = build_ack(5, NLM_F_CAPPED, 0, NULL, 0, 0);
	struct klwm2m_ack ack;

	assert_int_equal(-EBADMSG, klwm2m_parse_ack(b.nlh, b.len, &ack));
	free(b.nlh);
	b = build_ack(-100000, NLM_F_CAPPED, 0, NULL, 0, 0);
	assert_int_equal(-EBADMSG, klwm2m_parse_ack(b.nlh, b.len, &ack));
	free(b.nlh);
}

static void a_message_of_another_type_is_refused(void **state)
{
	struct built b = build_ack(0, NLM_F_CAPPED, 0, NULL, 0, 0);
	struct klwm2m_ack ack;

	b.nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(-EBADMSG, klwm2m_parse_ack(b.nlh, b.len, &ack));
	free(b.nlh);
}

static void libnl_errors_become_errno(void **state)
{
	assert_int_equal(0, klwm2m_nle_to_errno(0));
	assert_int_equal(-ENOENT, klwm2m_nle_to_errno(-NLE_OBJ_NOTFOUND));
	assert_int_equal(-ENOMEM, klwm2m_nle_to_errno(-NLE_NOMEM));
	assert_int_equal(-EPERM, klwm2m_nle_to_errno(-NLE_PERM));
	assert_int_equal(-EIO, klwm2m_nle_to_errno(-9999));
}

/* An NLMSG_DONE: the dump's error, then (with NLM_F_ACK_TLVS) a message. */
static struct built build_done(int error, int with_error, const char *msg)
{
	char buf[512] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len = NLMSG_HDRLEN;
	struct built b;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	if (with_error) {
		memcpy(buf + len, &error, sizeof(error));
		len += sizeof(error);
	}
	if (msg) {
		struct nlattr *a = (struct nlattr *)(buf + len);

		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = NLA_HDRLEN + strlen(msg) + 1;
		memcpy((char *)a + NLA_HDRLEN, msg, strlen(msg) + 1);
		len += NLA_ALIGN(a->nla_len);
	}
	nlh->nlmsg_len = len;
	b.nlh = malloc(len);
	memcpy(b.nlh, buf, len);
	b.len = len;
	return b;
}

static void a_dump_end_carries_its_error_and_message(void **state)
{
	struct built b = build_done(-ENOENT, 1, "no such object");
	struct klwm2m_ack ack;

	assert_int_equal(0, klwm2m_parse_done(b.nlh, b.len, &ack));
	assert_int_equal(-ENOENT, ack.error);
	assert_string_equal("no such object", ack.msg);
	free(b.nlh);

	b = build_done(0, 1, NULL);
	assert_int_equal(0, klwm2m_parse_done(b.nlh, b.len, &ack));
	assert_int_equal(0, ack.error);
	assert_string_equal("", ack.msg);
	free(b.nlh);

	/* Old kernels end a dump with an empty NLMSG_DONE. */
	b = build_done(0, 0, NULL);
	assert_int_equal(0, klwm2m_parse_done(b.nlh, b.len, &ack));
	assert_int_equal(0, ack.error);
	free(b.nlh);
}

static void a_bad_dump_end_is_refused(void **state)
{
	struct built b = build_done(-ENOENT, 1, "no such object");
	struct klwm2m_ack ack;

	for (size_t len = 0; len < b.len; len++)
		assert_int_equal(-EBADMSG, klwm2m_parse_done(b.nlh, len, &ack));
	b.nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(-EBADMSG, klwm2m_parse_done(b.nlh, b.len, &ack));
	free(b.nlh);
	b = build_done(5, 1, NULL);
	assert_int_equal(-EBADMSG, klwm2m_parse_done(b.nlh, b.len, &ack));
	free(b.nlh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_plain_ack_is_success),
		cmocka_unit_test(a_capped_error_yields_message_and_offset),
		cmocka_unit_test(an_uncapped_error_skips_the_echoed_request),
		cmocka_unit_test(a_long_message_is_truncated_not_overflowed),
		cmocka_unit_test(every_truncation_is_refused_or_parsed_within_bounds),
		cmocka_unit_test(a_bogus_attribute_length_is_refused),
		cmocka_unit_test(a_positive_or_huge_error_is_refused),
		cmocka_unit_test(a_message_of_another_type_is_refused),
		cmocka_unit_test(libnl_errors_become_errno),
		cmocka_unit_test(a_dump_end_carries_its_error_and_message),
		cmocka_unit_test(a_bad_dump_end_is_refused),
	};

	return cmocka_run_group_tests_name("libklwm2m_ack", tests, NULL, NULL);
}
