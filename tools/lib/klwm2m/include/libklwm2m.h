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

/* Object definitions, as DDF files describe them and the kernel stores them. */
#define KLWM2M_DDF_NAME_MAX 128

struct klwm2m_resdef {
	uint16_t id;
	uint8_t type;			/* KLWM2M_TYPE_* (linux/klwm2m.h) */
	uint8_t ops;			/* KLWM2M_OP_* */
	uint32_t flags;			/* KLWM2M_RES_F_* */
	int has_range;			/* min/max apply, in the type's representation: */
	uint64_t min, max;		/* s64, u64 or the double's bits */
	int has_len;			/* len_min/len_max apply (string, opaque) */
	uint32_t len_min, len_max;
	char name[KLWM2M_DDF_NAME_MAX];
};

struct klwm2m_objdef {
	uint16_t id;
	uint32_t flags;			/* KLWM2M_OBJ_F_* */
	char version[8];		/* the object's version, "MAJOR.MINOR" */
	char name[KLWM2M_DDF_NAME_MAX];
	unsigned int nres;
	struct klwm2m_resdef *res;
};

/**
 * klwm2m_ddf_load() - read an OMA DDF XML file (the LwM2M registry's format)
 * @path: the file
 * @out: receives the definition, to free with klwm2m_objdef_free()
 *
 * Secrets: DDF has no way to say that a resource holds a key. klwm2m adds one
 * attribute in its own namespace, which other DDF readers ignore:
 *
 *   <LWM2M xmlns:klwm2m="urn:klwm2m:ddf:1">
 *     ... <Item ID="5" klwm2m:secret="true"> ...
 *
 * sets KLWM2M_RES_F_SECRET on that resource (string or opaque only; the value
 * is "true" or "false"). A "secret" attribute without the namespace is refused.
 *
 * Return: 0, -EINVAL (with klwm2m_last_error() naming the file, the line and
 * the reason) or -ENOMEM.
 */
int klwm2m_ddf_load(const char *path, struct klwm2m_objdef **out);
void klwm2m_objdef_free(struct klwm2m_objdef *def);

/** struct klwm2m_owner - who owns an object and what others may do */
struct klwm2m_owner {
	uint32_t uid, gid;
	uint16_t mode;			/* 0..0777 */
};

/**
 * klwm2m_define() - define an object in the kernel (needs CAP_NET_ADMIN)
 * @k: handle
 * @def: the definition
 * @owner: owner and mode, or NULL for the caller's fsuid/fsgid and 0644
 *
 * Return: 0 or -errno; klwm2m_errmsg() names the resource at fault.
 */
int klwm2m_define(struct klwm2m *k, const struct klwm2m_objdef *def,
		  const struct klwm2m_owner *owner);

/** klwm2m_strerror() - a short text for a -errno returned by this library. */
const char *klwm2m_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBKLWM2M_H */
