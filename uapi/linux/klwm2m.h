/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * klwm2m: the generic netlink interface of the in-kernel OMA LwM2M data store.
 *
 * This header is the whole contract between klwm2m.ko and userspace. Someone
 * writing a client in another language needs nothing else (a YAML spec in the
 * kernel's netlink spec format sits beside it as klwm2m.yaml).
 *
 * Family
 * ------
 * Generic netlink family KLWM2M_GENL_NAME ("klwm2m"), version
 * KLWM2M_GENL_VERSION. The family is network-namespace aware: every netns has
 * its own state, and a request acts on the namespace of the socket that sent
 * it. Requests are validated strictly: an attribute the command does not take,
 * an attribute type past the command's maximum, trailing bytes, unknown flag
 * bits or a non-zero genlmsghdr.reserved field fail with -EINVAL, and the
 * extended ACK (NETLINK_EXT_ACK) carries a message and, where one attribute is
 * at fault, its offset. An unknown command, or a dump request for a command
 * that has none, fails with -EOPNOTSUPP.
 *
 * Numbering starts at 1 for commands and attributes; 0 is never valid. Every
 * enum closes with __KLWM2M_*_MAX and defines *_MAX as the last valid value.
 * No C structs travel on the wire: attributes only, in host byte order.
 *
 * Commands
 * --------
 * KLWM2M_CMD_INFO: do, unprivileged.
 *	What this module speaks and what it allows. Takes no attributes.
 *
 *	Request: (no attributes)
 *
 *	Reply (KLWM2M_CMD_INFO), all always present:
 *	  KLWM2M_A_INFO_ABI_VERSION:	NLA_U32, KLWM2M_ABI_VERSION of the module;
 *					a client refuses a module whose value it
 *					does not know
 *	  KLWM2M_A_INFO_MODULE_VERSION:	NLA_NUL_STRING, the module's release
 *	  KLWM2M_A_INFO_MAX_VALUE_SIZE:	NLA_U32, largest value (string, opaque,
 *					core link) a write may carry, in bytes
 *					(module parameter max_value_size)
 *	  KLWM2M_A_INFO_STORE_BUDGET:	NLA_U64, memory one network namespace's
 *					store may use, in bytes (module
 *					parameter store_budget)
 *	  KLWM2M_A_INFO_STORE_USED:	NLA_U64, memory the requesting
 *					namespace's store uses now, in bytes
 *	  KLWM2M_A_INFO_MAX_ID:		NLA_U16, the largest object, instance,
 *					resource or resource-instance ID
 *					(KLWM2M_ID_MAX)
 *	  KLWM2M_A_INFO_MAX_DEPTH:	NLA_U8, the number of levels a path has
 *					at most (object/instance/resource/
 *					resource instance)
 *
 *	KLWM2M_A_INFO_PAD only aligns the 64-bit attributes; ignore it.
 *
 * sysfs
 * -----
 * /sys/kernel/klwm2m/version holds the module's release followed by a newline;
 * see docs/ABI/sysfs-kernel-klwm2m.
 */
#ifndef _UAPI_LINUX_KLWM2M_H
#define _UAPI_LINUX_KLWM2M_H

#include <linux/const.h>

#define KLWM2M_GENL_NAME	"klwm2m"
#define KLWM2M_GENL_VERSION	1

/*
 * Bumped whenever a command, an attribute or a meaning changes in a way an
 * existing client could misread. Additions that old clients can ignore (a new
 * command, a new reply attribute) do not bump it.
 */
#define KLWM2M_ABI_VERSION	1

/*
 * Resource value types (OMA LwM2M 1.1 Appendix C). Carried as NLA_U8.
 *   INTEGER   s64            UNSIGNED  u64
 *   FLOAT     IEEE 754 double, carried as its 64 bits in a u64
 *   BOOLEAN   u8, 0 or 1     TIME      s64, seconds since the epoch
 *   STRING    UTF-8 bytes, no NUL inside
 *   OPAQUE    bytes          CORELNK   RFC 6690 link-format text
 *   OBJLNK    u32: object ID << 16 | instance ID
 *   NONE      holds no value (execute-only resources)
 */
enum klwm2m_type {
	KLWM2M_TYPE_UNSPEC,
	KLWM2M_TYPE_NONE,
	KLWM2M_TYPE_INTEGER,
	KLWM2M_TYPE_UNSIGNED,
	KLWM2M_TYPE_FLOAT,
	KLWM2M_TYPE_BOOLEAN,
	KLWM2M_TYPE_STRING,
	KLWM2M_TYPE_OPAQUE,
	KLWM2M_TYPE_TIME,
	KLWM2M_TYPE_OBJLNK,
	KLWM2M_TYPE_CORELNK,

	__KLWM2M_TYPE_MAX
};

#define KLWM2M_TYPE_MAX (__KLWM2M_TYPE_MAX - 1)

/* What a server may do with a resource (the definition's "Operations"). */
#define KLWM2M_OP_READ		_BITUL(0)
#define KLWM2M_OP_WRITE		_BITUL(1)
#define KLWM2M_OP_EXECUTE	_BITUL(2)
#define KLWM2M_OP_ALL		(KLWM2M_OP_READ | KLWM2M_OP_WRITE | KLWM2M_OP_EXECUTE)

/* LwM2M IDs are 16-bit; 65535 is reserved by the specification. */
#define KLWM2M_ID_MAX		65534
#define KLWM2M_PATH_DEPTH_MAX	4

enum klwm2m_cmd {
	KLWM2M_CMD_UNSPEC,
	KLWM2M_CMD_INFO,

	__KLWM2M_CMD_MAX
};

#define KLWM2M_CMD_MAX (__KLWM2M_CMD_MAX - 1)

enum klwm2m_info_attr {
	KLWM2M_A_INFO_UNSPEC,
	KLWM2M_A_INFO_PAD,
	KLWM2M_A_INFO_ABI_VERSION,
	KLWM2M_A_INFO_MODULE_VERSION,
	KLWM2M_A_INFO_MAX_VALUE_SIZE,
	KLWM2M_A_INFO_STORE_BUDGET,
	KLWM2M_A_INFO_STORE_USED,
	KLWM2M_A_INFO_MAX_ID,
	KLWM2M_A_INFO_MAX_DEPTH,

	__KLWM2M_A_INFO_MAX
};

#define KLWM2M_A_INFO_MAX (__KLWM2M_A_INFO_MAX - 1)

#endif /* _UAPI_LINUX_KLWM2M_H */
