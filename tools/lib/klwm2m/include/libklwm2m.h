/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libklwm2m: what applications link to in order to use the klwm2m kernel
 * store. This header is the library's whole public interface.
 *
 * Errors: every call that can fail returns 0 or a negative errno. When the
 * kernel refused a request, klwm2m_errmsg() returns the reason it gave (its
 * extended ACK message), and klwm2m_erroff() the byte offset of the offending
 * attribute in the request, or -1.
 *
 * Threads: a handle is not thread-safe. Use one handle per thread, or
 * serialise the calls on a handle yourself. Distinct handles are independent.
 */
#ifndef LIBKLWM2M_H
#define LIBKLWM2M_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct klwm2m;

/**
 * klwm2m_open() - connect to the klwm2m module in the caller's network namespace
 * @out: receives the new handle
 *
 * Checks that the module speaks the ABI this library was built for.
 *
 * Return: 0; -ENOENT when the module is not loaded; -EPROTO when its ABI
 * version differs; another -errno on a socket failure. On failure *@out is
 * NULL and klwm2m_last_error() describes the problem.
 */
int klwm2m_open(struct klwm2m **out);

/** klwm2m_close() - release a handle; NULL is accepted. */
void klwm2m_close(struct klwm2m *k);

/**
 * klwm2m_errmsg() - the reason for the last failure on @k
 *
 * Return: the kernel's message when it gave one, else a message of the
 * library's, or "" when the last call succeeded. Valid until the next call.
 */
const char *klwm2m_errmsg(const struct klwm2m *k);

/** klwm2m_erroff() - offset of the attribute the kernel blamed, or -1. */
int klwm2m_erroff(const struct klwm2m *k);

/** klwm2m_last_error() - the reason the last klwm2m_open() in this thread failed. */
const char *klwm2m_last_error(void);

/** struct klwm2m_info - what the module answers to INFO */
struct klwm2m_info {
	uint32_t abi_version;		/* KLWM2M_ABI_VERSION of the module */
	char module_version[32];	/* the module's release */
	uint32_t max_value_size;	/* largest value in bytes */
	uint64_t store_budget;		/* bytes one namespace's store may use */
	uint64_t store_used;		/* bytes this namespace's store uses */
	uint16_t max_id;		/* largest O/I/R/RI ID */
	uint8_t max_depth;		/* levels in a path */
};

/**
 * klwm2m_info() - ask the module for its version and limits
 * @k: handle
 * @info: filled on success
 *
 * Return: 0 or -errno.
 */
int klwm2m_info(struct klwm2m *k, struct klwm2m_info *info);

/** klwm2m_strerror() - a short text for a -errno returned by this library. */
const char *klwm2m_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBKLWM2M_H */
