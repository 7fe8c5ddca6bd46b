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
 * Overruns: the kernel answers a request as it is sent, into the handle's
 * socket, where its own messages (notifications, executes) may have filled
 * the buffer. A request that only reads and whose answer was dropped that
 * way is sent once more; any other request whose answer was dropped fails
 * with -ENOBUFS ("the kernel's reply was lost"), which says nothing of
 * whether a change it asked for was made: read the state back.
 *
 * Threads: a handle (struct klwm2m), a batch (struct klwm2m_batch) and an
 * event listener (struct klwm2m_events) are not thread-safe. Use one per
 * thread, or serialise the calls on one yourself; distinct ones are
 * independent. A batch belongs to its handle: serialise both together.
 * What the kernel sends a handle on its own (klwm2m_process()) is queued on
 * that handle and belongs to it the same way. Calls that take no handle
 * (paths, values) are thread-safe.
 *
 * Paths are struct klwm2m_path, values struct klwm2m_value; both have text
 * forms (klwm2m_path_parse(), klwm2m_value_parse() and their _format()).
 */
#ifndef LIBKLWM2M_H
#define LIBKLWM2M_H

#include <stddef.h>
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

/*
 * Object definitions, as DDF files describe them and the kernel stores them.
 * Reading DDF files is libklwm2m-ddf's (libklwm2m-ddf.h), a library of its
 * own: it needs libxml2, which this one does not.
 */
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

/*
 * klwm2m_objdef_free() - free a definition klwm2m_object_get() or
 * libklwm2m-ddf's klwm2m_ddf_load() (libklwm2m-ddf.h) returned; NULL is a no-op
 */
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

/* ---------------------------------------------------------------- paths */

/**
 * struct klwm2m_path - an LwM2M path: /OID/IID/RID/RIID, or a prefix of it
 * @oid: object ID (depth >= 1)
 * @iid: instance ID (depth >= 2)
 * @rid: resource ID (depth >= 3)
 * @riid: resource-instance ID (depth 4)
 * @depth: how many of the IDs apply, 0 ("/", everything) to 4; the IDs
 *	past @depth are ignored
 *
 * IDs are 0..KLWM2M_ID_MAX (65534; 65535 is reserved by LwM2M).
 */
struct klwm2m_path {
	uint16_t oid, iid, rid, riid;
	uint8_t depth;
};

/* A resource's path, e.g. klwm2m_set_float(k, &KLWM2M_PATH_RES(3303, 0, 5700), 21.5) (C only). */
#define KLWM2M_PATH_RES(o, i, r) \
	((struct klwm2m_path){ .oid = (o), .iid = (i), .rid = (r), .depth = 3 })

/* Size of a buffer that holds any path's text, "/65534/65534/65534/65534" and its NUL. */
#define KLWM2M_PATH_STRLEN 25

/**
 * klwm2m_path_parse() - read a path's text form
 * @text: "/" (depth 0), "/3", "/3/0", "/3/0/1" or "/3/0/1/2"
 * @path: filled on success
 *
 * Strict: a leading '/', decimal IDs 0..65534 without sign, spaces or
 * superfluous leading zeros ("0" is fine, "01" is not), one '/' between them,
 * no trailing '/' (except the root "/") and nothing after the last ID.
 *
 * Return: 0, or -EINVAL (with @path untouched).
 */
int klwm2m_path_parse(const char *text, struct klwm2m_path *path);

/**
 * klwm2m_path_format() - write a path's text form ("/3/0/1")
 * @path: the path
 * @buf: receives the text and a NUL
 * @size: bytes at @buf; KLWM2M_PATH_STRLEN is always enough
 *
 * Return: the text's length (without the NUL); -EINVAL for a depth above 4
 * or an ID above 65534; -ENOSPC when @size is too small.
 */
int klwm2m_path_format(const struct klwm2m_path *path, char *buf, size_t size);

/* ---------------------------------------------------------------- values */

/**
 * struct klwm2m_value - a typed resource value
 * @type: KLWM2M_TYPE_* (linux/klwm2m.h); selects the member of the union
 * @i: INTEGER, and TIME (seconds since the epoch)
 * @u: UNSIGNED
 * @f: FLOAT (carried as the double's 64 bits on the wire)
 * @b: BOOLEAN, 0 or 1
 * @objlnk: OBJLNK, an object and instance ID (65535:65535 is the null link)
 * @bytes: STRING (UTF-8, no NUL inside), OPAQUE and CORELNK (link format):
 *	@bytes.ptr and @bytes.len. Values the library returns (klwm2m_get(),
 *	klwm2m_value_parse()) own malloc'd bytes followed by a NUL not counted
 *	in @bytes.len: release them with klwm2m_value_release().
 */
struct klwm2m_objlnk {
	uint16_t oid, iid;
};

struct klwm2m_bytes {
	const void *ptr;
	size_t len;
};

struct klwm2m_value {
	uint8_t type;
	union {
		int64_t i;
		uint64_t u;
		double f;
		int b;
		struct klwm2m_objlnk objlnk;
		struct klwm2m_bytes bytes;
	};
};

/**
 * klwm2m_value_release() - free the bytes a value returned by the library owns
 * @v: the value; its bytes are freed and set to NULL/0. Scalars are left
 *	alone, so calling this on any value the library filled is always right.
 */
void klwm2m_value_release(struct klwm2m_value *v);

/** klwm2m_type_name() - "integer", "unsigned", "float", ... or "?" for an unknown type. */
const char *klwm2m_type_name(uint8_t type);

/**
 * klwm2m_value_text_size() - the buffer klwm2m_value_format() needs for @v
 * @v: the value
 *
 * Return: a size in bytes, NUL included (at least 32 for scalars, len + 1
 * for strings and core links, 2 * len + 1 for opaque values).
 */
size_t klwm2m_value_text_size(const struct klwm2m_value *v);

/**
 * klwm2m_value_format() - write a value's text form
 * @v: the value
 * @buf: receives the text and a NUL
 * @size: bytes at @buf (see klwm2m_value_text_size())
 *
 * The text forms, the same klwm2m_value_parse() reads:
 *   INTEGER, TIME	decimal ("-12"; time in seconds since the epoch)
 *   UNSIGNED		decimal ("18446744073709551615")
 *   FLOAT		"%.17g" in the C locale, which reads back to the same
 *			double ("21.5", "1e+300", "nan", "-inf")
 *   BOOLEAN		"true" or "false"
 *   OBJLNK		"OID:IID" ("3:0")
 *   STRING, CORELNK	the bytes as they are
 *   OPAQUE		lowercase hexadecimal, two digits per byte ("00ff")
 *
 * Return: the text's length (without the NUL); -ENOSPC when @size is too
 * small; -EINVAL for an unknown type or a NUL inside a string.
 */
int klwm2m_value_format(const struct klwm2m_value *v, char *buf, size_t size);

/**
 * klwm2m_value_parse() - read a value of type @type from its text form
 * @type: KLWM2M_TYPE_*
 * @text: the text, NUL-terminated (see klwm2m_value_format() for the forms)
 * @v: filled on success; bytes are malloc'd: klwm2m_value_release() them
 *
 * Strict: no leading or trailing spaces, nothing after the number. Integers
 * and times are decimal with an optional '-'; unsigned numbers decimal
 * without a sign; floats whatever strtod() reads in the C locale (decimal,
 * exponent, hexadecimal, "nan", "inf"); booleans "true", "false", "1" or
 * "0"; object links "OID:IID" with both 0..65535; opaque values an even
 * number of hexadecimal digits, either case ("" is zero bytes); strings
 * (no NUL possible) and core links are taken as they are.
 *
 * Return: 0; -EINVAL when @text is not of that form; -ERANGE when a number
 * does not fit its type; -ENOMEM.
 */
int klwm2m_value_parse(uint8_t type, const char *text, struct klwm2m_value *v);

/* ---------------------------------------------------------------- the store */

/**
 * klwm2m_portid() - the netlink port ID of @k's socket
 *
 * Events name the port ID of the socket that made a change: compare it with
 * this to recognise your own changes.
 */
uint32_t klwm2m_portid(const struct klwm2m *k);

/**
 * klwm2m_undefine() - remove an object's definition (needs CAP_NET_ADMIN)
 * @k: handle
 * @oid: the object ID
 *
 * Return: 0; -ENOENT (not defined); -EBUSY (instances exist: delete them
 * first); -EPERM.
 */
int klwm2m_undefine(struct klwm2m *k, uint16_t oid);

/**
 * klwm2m_create() - create an object instance (an admin, or the object's owner)
 * @k: handle
 * @oid: the object
 * @iid: the instance ID wanted, or -1 for the lowest free one
 * @out_iid: receives the instance ID created; may be NULL
 *
 * Return: 0; -ENOENT (no such object); -EEXIST; -ENOSPC; -EPERM; -EINVAL
 * (@iid out of 0..65534, or the object takes a single instance).
 */
int klwm2m_create(struct klwm2m *k, uint16_t oid, int iid, uint16_t *out_iid);

/**
 * klwm2m_delete() - delete an object instance and its values
 * @k: handle
 * @oid: the object
 * @iid: the instance
 *
 * Return: 0; -ENOENT; -EPERM.
 */
int klwm2m_delete(struct klwm2m *k, uint16_t oid, uint16_t iid);

/**
 * klwm2m_set() - write one value (a batch of one)
 * @k: handle
 * @path: a resource (depth 3) or a resource instance (depth 4)
 * @v: the value; its type must be the resource's
 *
 * Needs write permission on the object. Return: 0; -ENOENT; -EINVAL
 * (wrong type, a path that is not a resource or resource instance, an ID
 * above KLWM2M_ID_MAX); -ERANGE
 * (outside the resource's range); -E2BIG (longer than the module's
 * max_value_size, at most KLWM2M_VALUE_WIRE_MAX of linux/klwm2m.h; a value
 * whose nest exceeds what a netlink attribute carries is refused before
 * anything is sent); -ENOSPC; -EPERM.
 */
int klwm2m_set(struct klwm2m *k, const struct klwm2m_path *path, const struct klwm2m_value *v);

/* klwm2m_set() for each type; the resource must have that type. */
int klwm2m_set_int(struct klwm2m *k, const struct klwm2m_path *path, int64_t val);
int klwm2m_set_uint(struct klwm2m *k, const struct klwm2m_path *path, uint64_t val);
int klwm2m_set_float(struct klwm2m *k, const struct klwm2m_path *path, double val);
int klwm2m_set_bool(struct klwm2m *k, const struct klwm2m_path *path, int val);
int klwm2m_set_time(struct klwm2m *k, const struct klwm2m_path *path, int64_t val);
int klwm2m_set_objlnk(struct klwm2m *k, const struct klwm2m_path *path, uint16_t oid,
		      uint16_t iid);
/* @str: NUL-terminated UTF-8 */
int klwm2m_set_string(struct klwm2m *k, const struct klwm2m_path *path, const char *str);
int klwm2m_set_opaque(struct klwm2m *k, const struct klwm2m_path *path, const void *data,
		      size_t len);

/*
 * A batch: values (and deletions) written together by klwm2m_batch_commit()
 * in one SET request, atomically: all land or none does, and listeners see
 * one event. A batch of scalar writes only (no strings, opaques, core links
 * or deletions) travels in the compact form, 24 bytes per value (struct
 * klwm2m_scalar), which the kernel applies several times faster.
 */
struct klwm2m_batch;

/**
 * klwm2m_batch_new() - start an empty batch on @k
 * @k: handle, used by klwm2m_batch_commit(); it must outlive the batch
 * @out: receives the batch, to free with klwm2m_batch_free()
 *
 * Return: 0 or -ENOMEM.
 */
int klwm2m_batch_new(struct klwm2m *k, struct klwm2m_batch **out);

/**
 * klwm2m_batch_add() - add a value to write
 * @b: the batch
 * @path: a resource (depth 3) or a resource instance (depth 4)
 * @v: the value, copied (bytes included)
 *
 * Entries apply in the order they were added; a later one on the same path
 * wins. A scalar is stored as the record the request carries; the first
 * string, opaque, core link or deletion turns the batch into value nests.
 * Return: 0; -EINVAL (a path of another depth, an ID above KLWM2M_ID_MAX,
 * an unknown type); -ENOMEM.
 */
int klwm2m_batch_add(struct klwm2m_batch *b, const struct klwm2m_path *path,
		     const struct klwm2m_value *v);

/**
 * klwm2m_batch_delete() - add a deletion
 * @b: the batch
 * @path: a resource instance (depth 4): delete it; or a multiple resource
 *	(depth 3): clear all its instances, which values added after this for
 *	its instances then replace
 *
 * Return: 0; -EINVAL (another depth); -ENOMEM.
 */
int klwm2m_batch_delete(struct klwm2m_batch *b, const struct klwm2m_path *path);

/**
 * klwm2m_batch_set_server() - write on behalf of an LwM2M server (the agent)
 * @b: the batch
 * @ssid: the short server ID, 1..65534; 0 to write as yourself again
 *
 * Needs CAP_NET_ADMIN when committed; every resource written must then be
 * writable by servers (KLWM2M_OP_WRITE), and the event names the server.
 *
 * Return: 0 or -EINVAL (65535).
 */
int klwm2m_batch_set_server(struct klwm2m_batch *b, uint16_t ssid);

/** klwm2m_batch_count() - how many entries @b holds */
unsigned int klwm2m_batch_count(const struct klwm2m_batch *b);

/**
 * klwm2m_batch_commit() - send the batch as one SET request
 * @b: the batch; it is kept as it is: commit it again, or free it
 *
 * Return: 0 when every entry landed; else -errno and nothing landed, with
 * klwm2m_errmsg() and klwm2m_erroff() on the batch's handle telling why and
 * klwm2m_batch_bad() which entry was refused. -EINVAL for an empty batch.
 */
int klwm2m_batch_commit(struct klwm2m_batch *b);

/**
 * klwm2m_batch_bad() - the entry the kernel refused in the last commit
 *
 * Return: its index (0 for the first klwm2m_batch_add() or _delete()), or
 * -1 when the last commit succeeded or the kernel blamed no single entry.
 */
int klwm2m_batch_bad(const struct klwm2m_batch *b);

/** klwm2m_batch_free() - free a batch; NULL is accepted. */
void klwm2m_batch_free(struct klwm2m_batch *b);

/**
 * klwm2m_get() - read one value
 * @k: handle
 * @path: a single resource (depth 3) or a resource instance (depth 4)
 * @out: filled on success; release its bytes with klwm2m_value_release()
 *
 * Needs read permission on the object (CAP_NET_ADMIN for secrets).
 *
 * Return: 0; -ENOENT (no value there); -EISDIR (a multiple resource: use
 * klwm2m_dump()); -EPERM; -EINVAL (another depth); -ENOMEM.
 */
int klwm2m_get(struct klwm2m *k, const struct klwm2m_path *path, struct klwm2m_value *out);

/*
 * klwm2m_get() of a resource of that type; -EMEDIUMTYPE (with a message)
 * when the resource has another type.
 */
int klwm2m_get_int(struct klwm2m *k, const struct klwm2m_path *path, int64_t *val);
int klwm2m_get_uint(struct klwm2m *k, const struct klwm2m_path *path, uint64_t *val);
int klwm2m_get_float(struct klwm2m *k, const struct klwm2m_path *path, double *val);
int klwm2m_get_bool(struct klwm2m *k, const struct klwm2m_path *path, int *val);
int klwm2m_get_time(struct klwm2m *k, const struct klwm2m_path *path, int64_t *val);
int klwm2m_get_objlnk(struct klwm2m *k, const struct klwm2m_path *path, uint16_t *oid,
		      uint16_t *iid);

/* What a dump record describes. */
enum klwm2m_record_kind {
	KLWM2M_RECORD_INSTANCE = 1,	/* an instance (path depth 2), before its values */
	KLWM2M_RECORD_VALUE,		/* a resource (instance) and its value */
	KLWM2M_RECORD_SECRET,		/* a secret value the caller may not read: type only */
};

/**
 * struct klwm2m_record - one record of klwm2m_dump()
 * @kind: enum klwm2m_record_kind
 * @path: depth 2 for an instance, 3 or 4 for a value
 * @value: the value (KLWM2M_RECORD_VALUE), or only its type (SECRET);
 *	bytes point into the received message: copy what you keep
 */
struct klwm2m_record {
	int kind;
	struct klwm2m_path path;
	struct klwm2m_value value;
};

/**
 * klwm2m_dump() - everything under a path, in ID order
 * @k: handle
 * @path: an object, instance, resource or resource instance; NULL or depth
 *	0 for the whole store (objects the caller may not read are left out)
 * @cb: called for each record; a non-zero return stops the delivery (the
 *	rest of the dump is read and dropped) and is what klwm2m_dump() returns
 * @arg: passed to @cb
 *
 * Return: 0; what @cb returned; -ENOENT when @path does not exist; -EPERM;
 * -EAGAIN when the store changed during the dump (after every record was
 * delivered; klwm2m_errmsg() says so): the records may mix states, dump
 * again for a consistent view.
 */
int klwm2m_dump(struct klwm2m *k, const struct klwm2m_path *path,
		int (*cb)(const struct klwm2m_record *rec, void *arg), void *arg);

/**
 * klwm2m_read_tree() - what klwm2m_dump() gives, as one snapshot in one reply
 * @k: handle
 * @path: as for klwm2m_dump()
 * @cb: as for klwm2m_dump()
 * @arg: passed to @cb
 *
 * The records under @path in the dump's order, all from one state of the
 * store (never -EAGAIN), in one round trip with the kernel: a server's
 * Read. For trees up to KLWM2M_GET_TREE_MAX bytes of reply (a few hundred
 * values); larger ones fail with -EMSGSIZE before any record is delivered:
 * dump them.
 *
 * Return: 0; what @cb returned; -EMSGSIZE; -ENOENT when @path does not
 * exist; -EPERM; -EOPNOTSUPP from a module without KLWM2M_CMD_GET_TREE.
 */
int klwm2m_read_tree(struct klwm2m *k, const struct klwm2m_path *path,
		     int (*cb)(const struct klwm2m_record *rec, void *arg), void *arg);

/* ---------------------------------------------------------------- object definitions */

/**
 * klwm2m_object_get() - an object's definition, owner and instance count
 * @k: handle
 * @oid: the object
 * @def: receives the definition (free it with klwm2m_objdef_free()); may be NULL
 * @owner: filled with the owner and mode; may be NULL
 * @ninstances: receives how many instances exist; may be NULL
 *
 * Return: 0; -ENOENT; -ENOMEM.
 */
int klwm2m_object_get(struct klwm2m *k, uint16_t oid, struct klwm2m_objdef **def,
		      struct klwm2m_owner *owner, unsigned int *ninstances);

/**
 * klwm2m_objects() - every object defined in the namespace, in ID order
 * @k: handle
 * @cb: called for each object with its definition (valid during the call),
 *	owner and instance count; a non-zero return stops the delivery and
 *	is what klwm2m_objects() returns
 * @arg: passed to @cb
 *
 * Return: 0, what @cb returned, or -errno.
 */
int klwm2m_objects(struct klwm2m *k,
		   int (*cb)(const struct klwm2m_objdef *def, const struct klwm2m_owner *owner,
			     unsigned int ninstances, void *arg),
		   void *arg);

/* ---------------------------------------------------------------- events */

/**
 * struct klwm2m_event - one change in the store (one batch, one instance, one object)
 * @kind: KLWM2M_EVENT_* (linux/klwm2m.h)
 * @paths: the paths changed: for VALUE_CHANGED every resource or resource
 *	instance written or deleted (a cleared multiple resource at depth 3),
 *	in batch order; for INST_* the instance; for OBJ_* the object
 * @npaths: how many
 * @portid: the netlink port ID of the socket that made the change (see
 *	klwm2m_portid())
 * @has_server: the agent made the change for the LwM2M server @server
 * @server: the short server ID, when @has_server
 *
 * Events carry paths, never values: read the values with klwm2m_get().
 */
struct klwm2m_event {
	uint8_t kind;
	unsigned int npaths;
	const struct klwm2m_path *paths;
	uint32_t portid;
	int has_server;
	uint16_t server;
};

/* A listener: its own netlink socket, in the "events" group. */
struct klwm2m_events;

/**
 * klwm2m_events_open() - listen to the store's events in the caller's namespace
 * @out: receives the listener, to close with klwm2m_events_close()
 *
 * The socket is non-blocking: wait on klwm2m_events_fd() with poll() or
 * epoll, then call klwm2m_events_recv().
 *
 * Return: 0; -ENOENT when the module (or its events group) is missing;
 * another -errno. On failure klwm2m_last_error() says why.
 */
int klwm2m_events_open(struct klwm2m_events **out);

/** klwm2m_events_fd() - the socket to poll for POLLIN */
int klwm2m_events_fd(const struct klwm2m_events *ev);

/**
 * klwm2m_events_recv() - deliver the pending events
 * @ev: the listener
 * @cb: called for each event (valid during the call); a non-zero return
 *	stops and is returned
 * @arg: passed to @cb
 *
 * Reads a bounded number of messages (256), so that a busy store does not
 * keep the caller here: when events remain, the socket stays readable.
 *
 * Return: how many events were delivered (> 0); -EAGAIN when none was
 * pending; -ENOBUFS when the socket overran and events were lost (those
 * before the loss were delivered; later ones keep coming): resynchronise
 * with klwm2m_dump(); what @cb returned; another -errno.
 */
int klwm2m_events_recv(struct klwm2m_events *ev,
		       int (*cb)(const struct klwm2m_event *e, void *arg), void *arg);

/** klwm2m_events_close() - stop listening; NULL is accepted. */
void klwm2m_events_close(struct klwm2m_events *ev);

/** klwm2m_event_name() - "value-changed", "instance-created", ... or "?" */
const char *klwm2m_event_name(uint8_t kind);

/* ---------------------------------------------------------------- notification attributes */

/*
 * LwM2M notification attributes (Write-Attributes), kept by the kernel per
 * LwM2M server (short server ID) and per path, at any level. An observation
 * for a server uses, one by one, the nearest set on its path or above it;
 * pmin and pmax fall back to the server's defaults (klwm2m_server_defaults()).
 */

/**
 * struct klwm2m_attrs - the notification attributes at one path
 * @set: KLWM2M_ATTR_F_* (linux/klwm2m.h) of the fields below that hold a
 *	value; the others are ignored
 * @pmin: minimum period, seconds: notifications at most this often
 * @pmax: maximum period, seconds: a notification at least this often
 * @epmin: minimum evaluation period, seconds
 * @epmax: maximum evaluation period, seconds (the owner is asked for a
 *	fresh value: struct klwm2m_handlers.sample)
 * @hqmax: historical queue length (kept, not acted on)
 * @gt: greater than: notify when the value crosses it (numeric resources)
 * @lt: less than: notify when the value crosses it (numeric resources)
 * @st: step: notify when the value moved this much (numeric resources, >= 0)
 * @edge: 1 rising, 0 falling: notify on that edge (boolean resources)
 * @con: 1: notifications are to be confirmable (carried to the notification)
 *
 * gt, lt and st travel as the double's 64 bits.
 */
struct klwm2m_attrs {
	uint32_t set;
	uint32_t pmin, pmax;
	uint32_t epmin, epmax;
	uint32_t hqmax;
	double gt, lt, st;
	uint8_t edge;
	uint8_t con;
};

/**
 * klwm2m_attr_set() - write a server's attributes at a path (needs CAP_NET_ADMIN)
 * @k: handle
 * @ssid: the short server ID, 1..65534
 * @path: an object, instance, resource or resource instance (depth 1..4);
 *	the object must be defined, the rest need not exist
 * @a: the attributes to set (those in @a->set); NULL: none
 * @clear: KLWM2M_ATTR_F_* of the attributes to remove
 *
 * An update, as Write-Attributes is: the attributes neither set nor cleared
 * stay. The result must hold, else nothing changes: gt, lt and st only on a
 * numeric resource (instance), edge only on a boolean one, lt < gt,
 * lt + 2 * st < gt, st >= 0, no NaN. Live observations use the result at once.
 *
 * Return: 0; -EINVAL (the kernel says which rule failed; or an attribute
 * both in @a->set and @clear, unknown bits, @ssid out of range); -ENOENT
 * (no such object or resource); -ENOSPC; -EPERM.
 */
int klwm2m_attr_set(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *path,
		    const struct klwm2m_attrs *a, uint32_t clear);

/**
 * klwm2m_attr_get() - the attributes a server has at exactly one path
 * @k: handle
 * @ssid: the short server ID, 1..65534
 * @path: the path (depth 1..4)
 * @out: filled; @out->set is 0 when none is set there
 *
 * What is set above or below @path is not included (LwM2M Discover's view).
 * Needs read permission on the object.
 *
 * Return: 0; -ENOENT (no such object); -EPERM; -EINVAL.
 */
int klwm2m_attr_get(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *path,
		    struct klwm2m_attrs *out);

/**
 * klwm2m_attr_dump() - every path where a server has attributes, in path order
 * @k: handle
 * @ssid: the short server ID, 1..65534
 * @prefix: only paths at or under it; NULL or depth 0 for all (objects the
 *	caller may not read are left out)
 * @cb: called for each path and its attributes (valid during the call); a
 *	non-zero return stops the delivery and is what klwm2m_attr_dump() returns
 * @arg: passed to @cb
 *
 * Return: 0; what @cb returned; -ENOENT (@prefix names no object); -EPERM;
 * -EINVAL.
 */
int klwm2m_attr_dump(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *prefix,
		     int (*cb)(const struct klwm2m_path *path, const struct klwm2m_attrs *a,
			       void *arg),
		     void *arg);

/**
 * klwm2m_server_defaults() - a server's default pmin and pmax (needs CAP_NET_ADMIN)
 * @k: handle
 * @ssid: the short server ID, 1..65534
 * @pmin: Default Minimum Period (/1/x/2) in seconds, or -1 for none
 * @pmax: Default Maximum Period (/1/x/3) in seconds, or -1 for none
 *
 * Replaces what was set before; -1 and -1 remove the server's defaults.
 *
 * Return: 0; -EINVAL (a period outside -1..4294967295, @ssid out of
 * range); -EPERM.
 */
int klwm2m_server_defaults(struct klwm2m *k, uint16_t ssid, int64_t pmin, int64_t pmax);

/* ---------------------------------------------------------------- observations */

/**
 * klwm2m_observe() - observe a path: notifications come to this handle
 * @k: handle
 * @ssid: the server whose attributes apply, 1..65534; 0: none (every change
 *	notifies, at once)
 * @path: an object, instance, resource or resource instance (depth 1..4)
 *	that exists
 * @flags: KLWM2M_OBS_F_* (linux/klwm2m.h): KLWM2M_OBS_F_INITIAL sends the
 *	current state at once (reason KLWM2M_NOTIFY_INITIAL)
 * @id: receives the observation's ID (never 0); may be NULL
 *
 * Needs read permission on the object. The observation belongs to the
 * handle: its notifications reach struct klwm2m_handlers.notify through
 * klwm2m_process(), and it ends with klwm2m_observe_cancel(), with
 * klwm2m_close(), or when the observed object or instance is removed (a
 * last notification with reason KLWM2M_NOTIFY_GONE).
 *
 * Return: 0; -ENOENT (no such path); -EPERM; -EINVAL (an executable
 * resource, unknown flags); -ENOSPC (module parameter max_observations).
 */
int klwm2m_observe(struct klwm2m *k, uint16_t ssid, const struct klwm2m_path *path,
		   uint32_t flags, uint32_t *id);

/**
 * klwm2m_observe_cancel() - end one of the handle's observations
 * @k: handle
 * @id: what klwm2m_observe() returned
 *
 * After it returns no notification of @id is delivered, not even one that
 * was already queued.
 *
 * Return: 0; -ENOENT (no such observation on this handle).
 */
int klwm2m_observe_cancel(struct klwm2m *k, uint32_t id);

/**
 * klwm2m_observe_resync() - a fresh notification for each of the handle's observations
 * @k: handle
 *
 * The answer to -ENOBUFS from klwm2m_process(): notifications were lost,
 * and each observation now gets one with its current state (reason
 * KLWM2M_NOTIFY_RESYNC), delivered by klwm2m_process().
 *
 * Return: 0 or -errno.
 */
int klwm2m_observe_resync(struct klwm2m *k);

/**
 * struct klwm2m_observation - one observation, as klwm2m_observations() lists it
 * @id: its ID
 * @ssid: the server whose attributes apply, or 0
 * @path: the observed path
 * @flags: KLWM2M_OBS_F_*
 * @seq: the sequence number of its last notification (0: none yet)
 * @portid: the netlink port ID of the socket it belongs to (klwm2m_portid())
 */
struct klwm2m_observation {
	uint32_t id;
	uint16_t ssid;
	struct klwm2m_path path;
	uint32_t flags;
	uint32_t seq;
	uint32_t portid;
};

/**
 * klwm2m_observations() - the observations of this handle, in ID order
 * @k: handle
 * @cb: called for each (valid during the call); a non-zero return stops
 *	the delivery and is what klwm2m_observations() returns
 * @arg: passed to @cb
 *
 * For a caller with CAP_NET_ADMIN the kernel lists every socket's
 * observations in the network namespace: compare @portid with
 * klwm2m_portid() to pick the handle's own.
 *
 * Return: 0, what @cb returned, or -errno.
 */
int klwm2m_observations(struct klwm2m *k,
			int (*cb)(const struct klwm2m_observation *o, void *arg), void *arg);

/**
 * struct klwm2m_notification - a notification of an observation
 * @id: the observation (klwm2m_observe())
 * @seq: 1, 2, ... per observation; a gap means the kernel replaced a
 *	notification the handle had not read yet by a newer one
 * @time_ns: when the kernel built it, nanoseconds since the epoch
 *	(CLOCK_REALTIME)
 * @reason: KLWM2M_NOTIFY_* (linux/klwm2m.h); after KLWM2M_NOTIFY_GONE the
 *	observation is over
 * @con: 1 when the effective con attribute is 1
 * @records: the current values under the observed path that a server may
 *	read, in path order (kind KLWM2M_RECORD_VALUE); their bytes point into
 *	the received message; none with reason GONE
 * @nrecords: how many
 *
 * Valid during the handler's call: copy what you keep.
 */
struct klwm2m_notification {
	uint32_t id;
	uint32_t seq;
	uint64_t time_ns;
	uint8_t reason;
	int con;
	const struct klwm2m_record *records;
	unsigned int nrecords;
};

/** klwm2m_notify_reason_name() - "change", "pmax", "initial", "resync", "gone" or "?" */
const char *klwm2m_notify_reason_name(uint8_t reason);

/* ---------------------------------------------------------------- owners and executes */

/*
 * An app owns objects or instances (klwm2m_own()): the kernel then sends
 * the handle's socket, on its own, the executes servers ask for, the writes
 * servers make and requests for fresh values (SAMPLE); an app that observes
 * paths (klwm2m_observe()) gets their notifications the same way. They may
 * arrive at any time, also while the handle waits for the reply to a
 * request of its own: every call on the handle queues them, in order, and
 * none is lost or taken for a reply. Wait for them with klwm2m_fd() and
 * deliver them with klwm2m_process():
 *
 *	struct pollfd pfd = { .fd = klwm2m_fd(k), .events = POLLIN };
 *
 *	klwm2m_own(k, 3, 0);
 *	for (;;) {
 *		poll(&pfd, 1, -1);
 *		klwm2m_process(k, &handlers, app);
 *	}
 */

/**
 * struct klwm2m_exec_request - an execute for an owner
 * @id: answer it with klwm2m_exec_done(k, @id, status) within the module's
 *	exec_timeout_ms (2 s by default), or it fails with -ETIMEDOUT
 * @path: the executed resource (depth 3)
 * @args: the Execute arguments as the server sent them (bytes, usually
 *	LwM2M's text form "0='a',1"), or NULL when there were none
 * @args_len: their length
 * @has_server: a server asked for it: @server is its short ID
 * @server: the short server ID, when @has_server
 *
 * Valid during the handler's call: copy what you keep.
 */
struct klwm2m_exec_request {
	uint32_t id;
	struct klwm2m_path path;
	const void *args;
	size_t args_len;
	int has_server;
	uint16_t server;
};

/**
 * struct klwm2m_handlers - what klwm2m_process() delivers; NULL: dropped
 * @exec: an execute of a resource the handle owns; answer it with
 *	klwm2m_exec_done(), in the handler or later
 * @sample: the kernel asks for a fresh value of @path (an observation with
 *	epmax is due): write one
 * @write: a server wrote values under the handle's claims: one call per
 *	batch, with the paths under the handle's claims (VALUE_CHANGED,
 *	has_server set); read the values with klwm2m_get()
 * @notify: a notification of one of the handle's observations
 *	(klwm2m_observe())
 * @exec_result: the result of an execute klwm2m_exec_start() sent: its ID
 *	and status (as klwm2m_exec()'s *status); exactly one per execute the
 *	kernel accepted, unless the socket overran (klwm2m_process() then
 *	returns -ENOBUFS: give up on executes older than klwm2m_exec_wait_ms())
 *
 * New members are added at the end, so that initialisers stay valid.
 *
 * A handler returns 0 to go on; anything else stops klwm2m_process(), which
 * returns it. Handlers may call the library on the same handle.
 */
struct klwm2m_handlers {
	int (*exec)(struct klwm2m *k, const struct klwm2m_exec_request *req, void *arg);
	int (*sample)(struct klwm2m *k, const struct klwm2m_path *path, void *arg);
	int (*write)(struct klwm2m *k, const struct klwm2m_event *e, void *arg);
	int (*notify)(struct klwm2m *k, const struct klwm2m_notification *n, void *arg);
	int (*exec_result)(struct klwm2m *k, uint32_t id, int status, void *arg);
};

/**
 * klwm2m_own() - make this handle's socket the owner of an object or an instance
 * @k: handle
 * @oid: the object
 * @iid: one instance of it, or -1 for the whole object (an instance's owner
 *	comes before the object's)
 *
 * Needs write permission on the object. The claim ends with klwm2m_disown()
 * or klwm2m_close(). Claiming again what the handle owns succeeds.
 *
 * Return: 0; -EBUSY (another socket owns it); -ENOENT (no such object or
 * instance); -EPERM; -EINVAL (@iid out of -1..65534).
 */
int klwm2m_own(struct klwm2m *k, uint16_t oid, int iid);

/**
 * klwm2m_disown() - end this handle's claim
 * @k: handle
 * @oid: the object
 * @iid: the instance, or -1 for the object, as claimed
 *
 * Return: 0; -ENOENT (nobody owns it, or no such object or instance);
 * -EBUSY (another socket owns it); -EPERM; -EINVAL.
 */
int klwm2m_disown(struct klwm2m *k, uint16_t oid, int iid);

/**
 * klwm2m_fd() - a descriptor to poll for POLLIN while the handle owns or observes something
 * @k: handle
 *
 * Ready when the socket holds messages or the queue does (messages read
 * while waiting for a reply): then call klwm2m_process(). The descriptor
 * belongs to the handle (closed by klwm2m_close()); do not read it.
 *
 * Return: the descriptor, or -errno.
 */
int klwm2m_fd(struct klwm2m *k);

/**
 * klwm2m_process() - deliver the messages the kernel sent on its own
 * @k: handle
 * @h: the handlers; a message whose handler is NULL is dropped
 * @arg: passed to the handlers
 *
 * Delivers the queued messages in the order they came, then those the
 * socket holds (a bounded number, 256 datagrams: when more remain,
 * klwm2m_fd() stays ready). Never blocks.
 *
 * Return: how many messages a handler took (0: none was waiting); what a
 * handler returned when it was not 0; -ENOBUFS when messages were lost (the
 * socket overran, more than 4096 waited in the queue, or a notification was
 * larger than the library reads at once, 96 KiB): those before the loss were
 * delivered, later ones keep coming. Lost notifications are not sent again:
 * an observer answers -ENOBUFS with klwm2m_observe_resync(), which brings
 * each of its observations up to date. An overrun also doubles the limit of
 * the socket's receive buffer (up to 64 MiB; past net.core.rmem_max only
 * with CAP_NET_ADMIN), so that one notification per observation comes to
 * fit it and the resynchronisation itself stops overrunning. Another -errno.
 */
int klwm2m_process(struct klwm2m *k, const struct klwm2m_handlers *h, void *arg);

/**
 * klwm2m_exec_done() - answer an execute
 * @k: the handle that received it
 * @id: struct klwm2m_exec_request.id
 * @status: 0 (done) or -errno (e.g. -EIO: it failed)
 *
 * Return: 0; -ENOENT (unknown, answered or timed out already); -EPERM (the
 * execute went to another socket); -EINVAL (@status not 0 or -errno).
 */
int klwm2m_exec_done(struct klwm2m *k, uint32_t id, int status);

/**
 * klwm2m_exec() - execute a resource through the app that owns it (needs CAP_NET_ADMIN)
 * @k: handle
 * @path: the resource (depth 3); its definition must allow Execute
 * @args: the Execute arguments, or NULL
 * @len: their length, at most KLWM2M_EXEC_ARGS_MAX (1024)
 * @ssid: the short server ID the agent executes for, or 0
 * @status: receives the owner's answer: 0, its -errno, -ETIMEDOUT (it did
 *	not answer within the module's exec_timeout_ms), -EPIPE (its socket
 *	closed first), or -EAGAIN (its socket's buffer was full)
 *
 * Waits for the result: the module's exec_timeout_ms (read from
 * /sys/module/klwm2m/parameters, else 2 s) and a margin. Anything else the
 * kernel sends meanwhile is queued for klwm2m_process().
 *
 * Return: 0 with *@status set; -ESRCH (no app owns the resource); -ENOENT;
 * -EPERM; -EINVAL; -ETIMEDOUT when no result came in time (the socket may
 * have overrun and lost it).
 */
int klwm2m_exec(struct klwm2m *k, const struct klwm2m_path *path, const void *args,
		size_t len, uint16_t ssid, int *status);

/**
 * klwm2m_exec_start() - klwm2m_exec() without waiting, for event loops
 * @k: handle
 * @path, @args, @len, @ssid: as klwm2m_exec()
 * @id: receives the execute's ID
 *
 * The result comes later through klwm2m_process()'s exec_result handler
 * (the owner's status, -ETIMEDOUT, -EPIPE or -EAGAIN, as klwm2m_exec()).
 *
 * Return: 0; -ESRCH (no app owns the resource); -ENOENT; -EPERM; -EINVAL.
 */
int klwm2m_exec_start(struct klwm2m *k, const struct klwm2m_path *path, const void *args,
		      size_t len, uint16_t ssid, uint32_t *id);

/**
 * klwm2m_exec_wait_ms() - how long a result may take: the module's
 * exec_timeout_ms and a margin (what klwm2m_exec() waits)
 */
int klwm2m_exec_wait_ms(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBKLWM2M_H */
