/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libklwm2m internals: not installed, not for applications. */
#ifndef KLWM2M_INTERNAL_H
#define KLWM2M_INTERNAL_H

#include <stddef.h>
#include <linux/netlink.h>

#include "libklwm2m.h"

#define KLWM2M_API __attribute__((visibility("default")))

struct nl_sock;

struct klwm2m {
	struct nl_sock *sk;
	int family;
	char errmsg[256];
	int erroff;
};

/*
 * The kernel's extended ACK, taken from an NLMSG_ERROR message.
 * msg is "" and offset -1 when the kernel gave none.
 */
struct klwm2m_ack {
	int error;		/* 0 or -errno */
	char msg[256];
	int offset;		/* offset of the bad attribute in the request, or -1 */
};

void klwm2m_set_last_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int klwm2m_parse_ack(const struct nlmsghdr *nlh, size_t len, struct klwm2m_ack *ack);
int klwm2m_nle_to_errno(int nle);
void klwm2m_set_err(struct klwm2m *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
