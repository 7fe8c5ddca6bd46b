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
 * bits or a non-zero genlmsghdr.reserved field fail with -EINVAL (a number
 * outside its attribute's range with -ERANGE), and the
 * extended ACK (NETLINK_EXT_ACK) carries a message and, where one attribute is
 * at fault, its offset. An unknown command, or a dump request for a command
 * that has none, fails with -EOPNOTSUPP.
 *
 * Numbering starts at 1 for commands and attributes; 0 is never valid. Every
 * enum closes with __KLWM2M_*_MAX and defines *_MAX as the last valid value.
 * Attributes only, in host byte order, with one exception: the records of
 * KLWM2M_A_SET_SCALARS (struct klwm2m_scalar), a compact form for big batches
 * of scalar writes, where parsing one nest per value would cost more than
 * storing it.
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
 * Permissions. Defining and undefining objects needs CAP_NET_ADMIN in the
 * user namespace owning the network namespace ("admin" below). An object
 * carries an owner uid/gid and a mode, as files do: reading values needs its
 * read bit, writing them its write bit, for the caller's fsuid/fsgid; the
 * owner (fsuid equal to the object's uid) may also create and delete its
 * instances. Secret resources are read by admins only. Refusals: -EPERM.
 *
 * KLWM2M_CMD_OBJ_DEFINE: do, admin. Attribute set "obj":
 *	  KLWM2M_A_OBJ_ID:	NLA_U16, required, at most KLWM2M_ID_MAX
 *	  KLWM2M_A_OBJ_NAME:	NLA_NUL_STRING, required, 1..127 bytes
 *	  KLWM2M_A_OBJ_VERSION:	NLA_NUL_STRING, the object's own version
 *				"MAJOR.MINOR" (1..255, 0..255); default "1.0"
 *	  KLWM2M_A_OBJ_FLAGS:	NLA_U32, KLWM2M_OBJ_F_*; default 0
 *	  KLWM2M_A_OBJ_UID, KLWM2M_A_OBJ_GID: NLA_U32, the owner, in the caller's
 *				user namespace; default the caller's fsuid/fsgid
 *	  KLWM2M_A_OBJ_MODE:	NLA_U16, 0..0777; default 0644
 *	  KLWM2M_A_OBJ_RES:	NLA_NESTED, once per resource, in any order,
 *				attribute set "res":
 *	    KLWM2M_A_RES_ID:	NLA_U16, required, unique in the object
 *	    KLWM2M_A_RES_NAME:	NLA_NUL_STRING, required, 1..127 bytes
 *	    KLWM2M_A_RES_TYPE:	NLA_U8, enum klwm2m_type, required
 *	    KLWM2M_A_RES_OPS:	NLA_U8, KLWM2M_OP_*; default 0 (none). An
 *				executable resource has type NONE and only
 *				KLWM2M_OP_EXECUTE.
 *	    KLWM2M_A_RES_FLAGS:	NLA_U32, KLWM2M_RES_F_*; default 0
 *	    KLWM2M_A_RES_RANGE_MIN, _RANGE_MAX: NLA_U64, both or neither: the
 *				range of a numeric resource, in the type's
 *				representation (s64, u64, double bits)
 *	    KLWM2M_A_RES_LEN_MIN, KLWM2M_A_RES_LEN_MAX: NLA_U32, both or neither:
 *				length bounds of a string, opaque or corelnk
 *	A refused resource is pointed at by the extended ACK's offset.
 *	Errors: -EEXIST (defined already), -EINVAL, -ENOSPC (budget).
 *
 * KLWM2M_CMD_OBJ_UNDEFINE: do, admin. Attribute set "obj": KLWM2M_A_OBJ_ID.
 *	Errors: -ENOENT, -EBUSY (instances exist).
 *
 * KLWM2M_CMD_INST_CREATE: do, admin or owner. Attribute set "path":
 *	  KLWM2M_A_PATH_OBJ:	NLA_U16, required
 *	  KLWM2M_A_PATH_INST:	NLA_U16, optional: the lowest free ID when absent
 *	Reply (KLWM2M_CMD_INST_CREATE): KLWM2M_A_PATH_OBJ, KLWM2M_A_PATH_INST.
 *	Errors: -ENOENT, -EEXIST, -ENOSPC.
 *
 * KLWM2M_CMD_INST_DELETE: do, admin or owner. Attribute set "path":
 *	KLWM2M_A_PATH_OBJ and KLWM2M_A_PATH_INST, required.
 *
 * KLWM2M_CMD_SET: do, write permission on every object touched. Attribute
 *	set "set": KLWM2M_A_SET_VALUE, NLA_NESTED, once per value, set "value":
 *	  KLWM2M_A_VALUE_PATH:	NLA_NESTED, set "path": OBJ, INST and RES
 *				required; RINST for a resource instance
 *	  KLWM2M_A_VALUE_TYPE:	NLA_U8, enum klwm2m_type: must be the resource's
 *	  KLWM2M_A_VALUE_DATA:	NLA_BINARY: the scalar in host order (8 bytes
 *				for INTEGER, UNSIGNED, FLOAT, TIME; 4 for
 *				OBJLNK; 1 for BOOLEAN, 0 or 1) or the bytes.
 *				Absent with a RINST path: delete that
 *				resource instance (TYPE is then ignored).
 *	All values land or none does (one batch); a refused value is pointed
 *	at. Errors: -ENOENT, -EINVAL, -ERANGE, -E2BIG, -ENOSPC, -EPERM.
 *
 *	  KLWM2M_A_SET_SERVER:	NLA_U16, 1..65534, optional, admin only: the
 *				agent writes on behalf of the LwM2M server with
 *				this short server ID. Every resource written
 *				must then have KLWM2M_OP_WRITE, and the events
 *				name the server as the origin.
 *	A value nest whose path names a multiple resource (no RINST) and that
 *	carries no DATA clears every instance of it: followed in the same
 *	batch by values for its instances, it replaces the resource. Entries
 *	apply in batch order; a later one on the same path wins.
 *
 *	  KLWM2M_A_SET_SCALARS:	NLA_BINARY, instead of SET_VALUE nests (a
 *				request carries one form or the other): an
 *				array of struct klwm2m_scalar, the compact
 *				form of scalar writes (INTEGER, UNSIGNED,
 *				FLOAT, BOOLEAN, TIME, OBJLNK) for big batches.
 *				May repeat (one attribute holds at most 2730
 *				records); records apply in order, as nests do.
 *				A refused record is pointed at by the error's
 *				offset (NLMSGERR_ATTR_OFFS names the record's
 *				first byte, not an attribute header).
 *
 * KLWM2M_CMD_GET: do, read permission (admin for secrets). Attribute set
 *	"value": KLWM2M_A_VALUE_PATH (OBJ, INST, RES required, RINST for a
 *	resource instance).
 *	Reply (KLWM2M_CMD_GET): KLWM2M_A_VALUE_PATH, _TYPE, _DATA as above.
 *	Errors: -ENOENT (no such object, instance, resource or resource
 *	instance, or no value set: the message says which), -EISDIR (a
 *	multiple resource: dump it), -EINVAL (a resource instance of a single
 *	resource), -EPERM.
 *
 * KLWM2M_CMD_GET: dump, read permission. Everything under a path, in ID
 *	order. Request: KLWM2M_A_VALUE_PATH, optional: OBJ, OBJ+INST,
 *	OBJ+INST+RES or a full resource-instance path; absent, the whole store
 *	(objects the caller may not read are left out). A named path that does
 *	not exist fails the request with -ENOENT before anything is sent.
 *	One message (KLWM2M_CMD_GET) per record:
 *	  an instance:		KLWM2M_A_VALUE_PATH (OBJ, INST) only, before
 *				its values, so that empty instances show (in
 *				dumps of the whole store, an object or an
 *				instance; not under a resource path);
 *	  a value:		KLWM2M_A_VALUE_PATH (OBJ, INST, RES[, RINST]),
 *				_TYPE, _DATA, as the do reply;
 *	  a secret value, for a reader who is not an admin: _PATH, _TYPE and
 *				KLWM2M_A_VALUE_SECRET (NLA_FLAG), no _DATA.
 *	Executable resources and unset resources have no record. A dump
 *	resumes from the IDs it reached, so it never returns a record twice;
 *	when the store changed between two of its parts, or while its last
 *	part was read from the store, the messages after the change (at
 *	least NLMSG_DONE) carry NLM_F_DUMP_INTR: what it returned may mix
 *	states; dump again for a consistent view. The last part carries
 *	NLMSG_DONE itself, so a dump that fits one part is one read and is
 *	consistent unless the store changed while that part was made.
 *
 * KLWM2M_CMD_GET_TREE: do, read permission. What a GET dump of the same
 *	path returns, as one consistent snapshot in one reply: the path's
 *	server-side Read in one round trip. Attribute set "value". Request:
 *	KLWM2M_A_VALUE_PATH as for the dump (absent: the whole store).
 *	Reply (KLWM2M_CMD_GET_TREE): one KLWM2M_A_VALUE_RECORD nest per record,
 *	in the dump's order, each holding what a dump message holds (_PATH,
 *	and _TYPE with _DATA or _SECRET for a value). No change committed
 *	while the reply was made shows in part. Errors: as the dump's, and
 *	-EMSGSIZE when the records would make the reply longer than
 *	KLWM2M_GET_TREE_MAX bytes (dump them instead).
 *
 * KLWM2M_CMD_OBJ_GET: do and dump, unprivileged. Attribute set "obj".
 *	Request (do): KLWM2M_A_OBJ_ID, required. Request (dump): nothing.
 *	Reply (KLWM2M_CMD_OBJ_GET), one per object in a dump, in ID order:
 *	KLWM2M_A_OBJ_ID, _NAME, _VERSION, _FLAGS, _UID, _GID (the owner in the
 *	caller's user namespace, the overflow ID when it has no mapping),
 *	_MODE, KLWM2M_A_OBJ_INSTANCES (NLA_U32, how many instances exist), and
 *	one KLWM2M_A_OBJ_RES nest per resource in ID order, with every "res"
 *	attribute that applies (RANGE_* and LEN_* only when defined).
 *	Errors: -ENOENT.
 *
 * Notification engine: attributes and observations
 * ------------------------------------------------
 * LwM2M notification attributes (OMA LwM2M 1.1 / 1.2, Write-Attributes) are
 * kept per LwM2M server (short server ID) and per path, at any level: object,
 * instance, resource, resource instance. An observation's effective attributes
 * are, one by one, the nearest set on its path or above it (resource instance,
 * then resource, instance, object); where none is set, pmin and pmax come
 * from the server's defaults (KLWM2M_CMD_SERVER_SET).
 *
 * KLWM2M_CMD_ATTR_SET: do, admin (the agent applies a server's
 *	Write-Attributes; klwm2mctl attr). Attribute set "attr":
 *	  KLWM2M_A_ATTR_SERVER:	NLA_U16, 1..65534, required
 *	  KLWM2M_A_ATTR_PATH:	NLA_NESTED, set "path", OBJ required, then INST,
 *				RES, RINST as deep as the level; the object
 *				must be defined (the rest need not exist)
 *	  KLWM2M_A_ATTR_PMIN, _PMAX, _EPMIN, _EPMAX: NLA_U32, seconds
 *	  KLWM2M_A_ATTR_GT, _LT, _ST: NLA_U64, an IEEE 754 double's bits (st >= 0)
 *	  KLWM2M_A_ATTR_EDGE:	NLA_U8, 0 (falling) or 1 (rising)
 *	  KLWM2M_A_ATTR_CON:	NLA_U8, 0 or 1: notifications confirmable
 *	  KLWM2M_A_ATTR_HQMAX:	NLA_U32, historical queue length (carried)
 *	  KLWM2M_A_ATTR_CLEAR:	NLA_U32, KLWM2M_ATTR_F_* of attributes to remove
 *	Attributes given are set, those in CLEAR removed, the others kept (a
 *	Write-Attributes updates). The result must hold, else nothing changes
 *	(-EINVAL with a message): gt, lt, st only at a resource or resource
 *	instance of a numeric type (INTEGER, UNSIGNED, FLOAT, TIME); edge only on
 *	a BOOLEAN one; lt < gt; lt + 2 * st < gt when all three are set; no NaN.
 *	pmax < pmin (and epmax < epmin) is kept but pmax (epmax) is then ignored.
 *	Live observations use the new attributes at once.
 *
 * KLWM2M_CMD_ATTR_GET: do and dump, read permission on the object.
 *	Request: KLWM2M_A_ATTR_SERVER and KLWM2M_A_ATTR_PATH (do: the path; dump:
 *	a prefix, optional). Reply (KLWM2M_CMD_ATTR_GET), one per path holding
 *	attributes in a dump, in path order: _SERVER, _PATH and each attribute
 *	set at exactly that path (what Discover shows). A do at a path holding
 *	none replies with _SERVER and _PATH only.
 *
 * KLWM2M_CMD_SERVER_SET: do, admin. Attribute set "server":
 *	  KLWM2M_A_SERVER_ID:	NLA_U16, 1..65534, required
 *	  KLWM2M_A_SERVER_PMIN, _PMAX: NLA_U32, the Server object's Default
 *				Minimum / Maximum Period (/1/x/2, /1/x/3);
 *				absent: none
 *	Replaces the server's defaults.
 *
 * KLWM2M_CMD_OBS_CREATE: do, read permission on the object. Set "obs":
 *	  KLWM2M_A_OBS_SERVER:	NLA_U16, 1..65534, optional: whose attributes
 *				apply (none: any change notifies, at once)
 *	  KLWM2M_A_OBS_PATH:	NLA_NESTED, set "path", any level; it must exist
 *	  KLWM2M_A_OBS_FLAGS:	NLA_U32, KLWM2M_OBS_F_*, optional
 *	Reply (KLWM2M_CMD_OBS_CREATE): KLWM2M_A_OBS_ID (NLA_U32, never 0).
 *	The observation belongs to the requesting socket: notifications go to
 *	it alone, and it ends when the socket closes (or the namespace goes).
 *	Errors: -ENOENT, -EPERM, -ENOSPC (module parameter max_observations).
 *
 * KLWM2M_CMD_OBS_CANCEL: do, the observation's socket. KLWM2M_A_OBS_ID.
 *
 * KLWM2M_CMD_OBS_GET: dump, the requesting socket's observations (an admin's
 *	dump lists every socket's): _ID, _SERVER (when given), _PATH, _FLAGS,
 *	_SEQ (the last notification's sequence number), _PORTID.
 *
 * KLWM2M_CMD_OBS_RESYNC: do, no attributes. For a socket that lost messages
 *	(recv() failed with ENOBUFS): each of its observations gets a
 *	notification with the current state (reason RESYNC).
 *
 * KLWM2M_CMD_NOTIFY: notification only, unicast to the observation's socket.
 *	Attribute set "notify":
 *	  KLWM2M_A_NOTIFY_OBS:	NLA_U32, the observation ID
 *	  KLWM2M_A_NOTIFY_SEQ:	NLA_U32, 1, 2, ... per observation
 *	  KLWM2M_A_NOTIFY_TIME:	NLA_U64, when it was built: nanoseconds since the
 *				epoch (CLOCK_REALTIME)
 *	  KLWM2M_A_NOTIFY_REASON: NLA_U8, enum klwm2m_notify_reason
 *	  KLWM2M_A_NOTIFY_CON:	NLA_FLAG, the effective con attribute is 1
 *	  KLWM2M_A_NOTIFY_VALUE: NLA_NESTED, set "value" (PATH, TYPE, DATA as a
 *				GET reply), once per current value under the
 *				observed path that the resource's definition
 *				lets a server read (KLWM2M_OP_READ), in path
 *				order; secrets only when the observer was an
 *				admin. None with reason GONE.
 *	At most one notification per observation waits in the socket: when a
 *	new one is due before the socket read the last, the waiting one is
 *	replaced by one with the latest state (sequence numbers then skip).
 *	Reading a notification gives its room in the buffer back at once. A
 *	notification that does not fit the socket's buffer is lost and the
 *	socket reports ENOBUFS: use KLWM2M_CMD_OBS_RESYNC. After GONE (the
 *	observed object or instance was removed) the observation is over.
 *
 * When a notification is due (LwM2M 1.1 section 5.1.2, 6.4): an observation
 * is evaluated once per committed batch that changed something under its path
 * (and at creation, deletion of an instance). Without gt, lt, st or edge any
 * change is a reason; with them (resources only), a value that crossed gt or
 * lt in either direction since the last evaluation, moved by st or more from
 * the last notified value, or made the chosen boolean edge. A NaN crosses
 * nothing. pmin holds a due notification until pmin seconds passed since the
 * last one, then sends the state of that moment, once; pmax sends one when
 * pmax seconds passed without any; epmin ignores changes until epmin seconds
 * after the last evaluation, then evaluates; epmax evaluates when epmax
 * seconds passed without an evaluation, first asking the owning app (if any)
 * for a fresh value (KLWM2M_CMD_SAMPLE).
 *
 * Executes and server writes reach apps
 * -------------------------------------
 * KLWM2M_CMD_OWN / KLWM2M_CMD_DISOWN: do, write permission on the object.
 *	Attribute set "own": KLWM2M_A_OWN_OBJ (NLA_U16, required),
 *	KLWM2M_A_OWN_INST (NLA_U16, optional: one instance). The requesting
 *	socket becomes the owner: it receives executes on the object (an
 *	instance's owner before the object's), the writes servers make to it
 *	(KLWM2M_CMD_EVENT, unicast, with KLWM2M_A_EVENT_SERVER) and SAMPLE
 *	requests. A claim ends with DISOWN or when the socket closes.
 *	Claiming again what the socket owns succeeds.
 *	Errors: -EBUSY (another socket owns it), -ENOENT (no such object or
 *	instance; for DISOWN also: nobody owns it), -EPERM.
 *
 * KLWM2M_CMD_EXEC: do, admin (the agent). Attribute set "exec":
 *	  KLWM2M_A_EXEC_PATH:	NLA_NESTED, a resource with KLWM2M_OP_EXECUTE
 *	  KLWM2M_A_EXEC_ARGS:	NLA_BINARY, optional, the Execute arguments
 *				(at most 1024 bytes)
 *	  KLWM2M_A_EXEC_SERVER:	NLA_U16, optional, the requesting server
 *	Reply (KLWM2M_CMD_EXEC): KLWM2M_A_EXEC_ID (NLA_U32). Exactly one
 *	KLWM2M_CMD_EXEC_RESULT follows, unicast: the owner's status, or
 *	-ETIMEDOUT after the module parameter exec_timeout_ms (default 2000),
 *	or -EPIPE when the owner's socket closed first, or at once the error
 *	of sending the request (-EAGAIN: the owner's socket buffer is full).
 *	The result may arrive before the ACK of the request. No owner: the
 *	request fails with -ESRCH and no result follows. Other errors: -ENOENT
 *	(no such object, instance or resource), -EPERM (the resource is not
 *	executable), -EINVAL (a path that is not a resource's).
 *
 * KLWM2M_CMD_EXEC_REQUEST: notification only, unicast to the owner:
 *	_ID, _PATH, _ARGS (when given), _SERVER (when given).
 *
 * KLWM2M_CMD_EXEC_DONE: do, the owner that received the request:
 *	KLWM2M_A_EXEC_ID and KLWM2M_A_EXEC_STATUS (NLA_S32: 0 or
 *	-errno). Errors: -ENOENT (unknown, already completed or timed out),
 *	-EPERM (the request went to another socket).
 *
 * KLWM2M_CMD_EXEC_RESULT: notification only, unicast to the requester:
 *	_ID, _STATUS.
 *
 * KLWM2M_CMD_SAMPLE: notification only, unicast to the owner of a path an
 *	observation with epmax evaluates: attribute set "event" with one
 *	KLWM2M_A_EVENT_PATH; the owner should write a fresh value.
 *
 * Events
 * ------
 * Multicast group KLWM2M_MCGRP_EVENTS ("events"), per network namespace,
 * open to any listener (events carry paths, never values). Messages are
 * KLWM2M_CMD_EVENT, attribute set "event":
 *	  KLWM2M_A_EVENT_KIND:	NLA_U8, enum klwm2m_event_kind
 *	  KLWM2M_A_EVENT_PATH:	NLA_NESTED, set "path", once per path:
 *				VALUE_CHANGED: every resource or resource
 *				instance the batch wrote or deleted (a cleared
 *				multiple resource as OBJ, INST, RES), in batch
 *				order; INST_*: OBJ and INST; OBJ_*: OBJ
 *	  KLWM2M_A_EVENT_PORTID: NLA_U32, the netlink port ID of the socket
 *				that made the change (a process can recognise
 *				its own changes)
 *	  KLWM2M_A_EVENT_SERVER: NLA_U16, present when the agent made the change
 *				on behalf of this LwM2M server (short server
 *				ID; KLWM2M_A_SET_SERVER)
 * One batch is one event. Events are sent after the change is committed;
 * the order of events from concurrent writers may differ from the order of
 * their commits. No event is built while the group has no listener. A
 * listener that falls behind gets ENOBUFS from its socket, as with any
 * netlink multicast: it should dump to resynchronise.
 *
 * sysfs
 * -----
 * /sys/kernel/klwm2m/: version; stats/ (counts of the initial namespace's
 * store); objects/<oid>/<iid>/<rid>[/<riid>], one value per file in a text
 * form per type, secrets absent (module parameter sysfs_values turns the
 * value files off); see docs/ABI/sysfs-kernel-klwm2m.
 */
#ifndef _UAPI_LINUX_KLWM2M_H
#define _UAPI_LINUX_KLWM2M_H

#include <linux/const.h>
#include <linux/types.h>

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

/*
 * The largest value the wire can carry: a value travels in one
 * KLWM2M_A_VALUE_DATA attribute inside a KLWM2M_A_SET_VALUE nest, whose
 * length field is 16 bits; with the nest's path and type, 65480 bytes of data
 * fit. The module's max_value_size is at most this (and by default exactly
 * this: "64 KiB" less the framing).
 */
#define KLWM2M_VALUE_WIRE_MAX	65480

/* LwM2M IDs are 16-bit; 65535 is reserved by the specification. */
#define KLWM2M_ID_MAX		65534
#define KLWM2M_PATH_DEPTH_MAX	4
/* In struct klwm2m_scalar: no resource instance (a single resource). */
#define KLWM2M_ID_NONE		65535

/**
 * struct klwm2m_scalar - one record of KLWM2M_A_SET_SCALARS
 * @oid: object ID
 * @iid: object instance ID
 * @rid: resource ID
 * @riid: resource instance ID, or KLWM2M_ID_NONE for a single resource
 * @type: enum klwm2m_type, one of the scalar types; must be the resource's
 * @reserved: zero
 * @value: in host order: INTEGER, TIME as a signed 64-bit number; UNSIGNED;
 *	FLOAT as the IEEE 754 double's bits; BOOLEAN 0 or 1; OBJLNK as
 *	oid << 16 | iid. Unused bits zero.
 *
 * 24 bytes, no padding; the attribute's payload is an array of them.
 */
struct klwm2m_scalar {
	__u16 oid;
	__u16 iid;
	__u16 rid;
	__u16 riid;
	__u8 type;
	__u8 reserved[7];
	__u64 value;
};

enum klwm2m_cmd {
	KLWM2M_CMD_UNSPEC,
	KLWM2M_CMD_INFO,
	KLWM2M_CMD_OBJ_DEFINE,
	KLWM2M_CMD_OBJ_UNDEFINE,
	KLWM2M_CMD_INST_CREATE,
	KLWM2M_CMD_INST_DELETE,
	KLWM2M_CMD_SET,
	KLWM2M_CMD_GET,
	KLWM2M_CMD_OBJ_GET,
	KLWM2M_CMD_EVENT,		/* notification only */
	KLWM2M_CMD_ATTR_SET,
	KLWM2M_CMD_ATTR_GET,
	KLWM2M_CMD_SERVER_SET,
	KLWM2M_CMD_OBS_CREATE,
	KLWM2M_CMD_OBS_CANCEL,
	KLWM2M_CMD_OBS_GET,
	KLWM2M_CMD_OBS_RESYNC,
	KLWM2M_CMD_NOTIFY,		/* notification only */
	KLWM2M_CMD_OWN,
	KLWM2M_CMD_DISOWN,
	KLWM2M_CMD_EXEC,
	KLWM2M_CMD_EXEC_REQUEST,	/* notification only */
	KLWM2M_CMD_EXEC_DONE,
	KLWM2M_CMD_EXEC_RESULT,		/* notification only */
	KLWM2M_CMD_SAMPLE,		/* notification only */
	KLWM2M_CMD_GET_TREE,

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

/* KLWM2M_A_OBJ_FLAGS */
#define KLWM2M_OBJ_F_MULTIPLE	_BITUL(0)	/* several instances */
#define KLWM2M_OBJ_F_MANDATORY	_BITUL(1)
#define KLWM2M_OBJ_F_ALL	(KLWM2M_OBJ_F_MULTIPLE | KLWM2M_OBJ_F_MANDATORY)

/* KLWM2M_A_RES_FLAGS */
#define KLWM2M_RES_F_MULTIPLE	_BITUL(0)	/* resource instances */
#define KLWM2M_RES_F_MANDATORY	_BITUL(1)
#define KLWM2M_RES_F_SECRET	_BITUL(2)	/* PSK, private keys: admins only */
#define KLWM2M_RES_F_ALL	(KLWM2M_RES_F_MULTIPLE | KLWM2M_RES_F_MANDATORY | \
				 KLWM2M_RES_F_SECRET)

enum klwm2m_obj_attr {
	KLWM2M_A_OBJ_UNSPEC,
	KLWM2M_A_OBJ_ID,
	KLWM2M_A_OBJ_NAME,
	KLWM2M_A_OBJ_VERSION,
	KLWM2M_A_OBJ_FLAGS,
	KLWM2M_A_OBJ_UID,
	KLWM2M_A_OBJ_GID,
	KLWM2M_A_OBJ_MODE,
	KLWM2M_A_OBJ_RES,
	KLWM2M_A_OBJ_INSTANCES,		/* reply only */

	__KLWM2M_A_OBJ_MAX
};

#define KLWM2M_A_OBJ_MAX (__KLWM2M_A_OBJ_MAX - 1)

enum klwm2m_res_attr {
	KLWM2M_A_RES_UNSPEC,
	KLWM2M_A_RES_PAD,
	KLWM2M_A_RES_ID,
	KLWM2M_A_RES_NAME,
	KLWM2M_A_RES_TYPE,
	KLWM2M_A_RES_OPS,
	KLWM2M_A_RES_FLAGS,
	KLWM2M_A_RES_RANGE_MIN,
	KLWM2M_A_RES_RANGE_MAX,
	KLWM2M_A_RES_LEN_MIN,
	KLWM2M_A_RES_LEN_MAX,

	__KLWM2M_A_RES_MAX
};

#define KLWM2M_A_RES_MAX (__KLWM2M_A_RES_MAX - 1)

enum klwm2m_path_attr {
	KLWM2M_A_PATH_UNSPEC,
	KLWM2M_A_PATH_OBJ,
	KLWM2M_A_PATH_INST,
	KLWM2M_A_PATH_RES,
	KLWM2M_A_PATH_RINST,

	__KLWM2M_A_PATH_MAX
};

#define KLWM2M_A_PATH_MAX (__KLWM2M_A_PATH_MAX - 1)

enum klwm2m_set_attr {
	KLWM2M_A_SET_UNSPEC,
	KLWM2M_A_SET_VALUE,
	KLWM2M_A_SET_SERVER,
	KLWM2M_A_SET_SCALARS,

	__KLWM2M_A_SET_MAX
};

#define KLWM2M_A_SET_MAX (__KLWM2M_A_SET_MAX - 1)

enum klwm2m_value_attr {
	KLWM2M_A_VALUE_UNSPEC,
	KLWM2M_A_VALUE_PATH,
	KLWM2M_A_VALUE_TYPE,
	KLWM2M_A_VALUE_DATA,
	KLWM2M_A_VALUE_SECRET,		/* dump and GET_TREE records only */
	KLWM2M_A_VALUE_RECORD,		/* GET_TREE reply only: nest of "value" */

	__KLWM2M_A_VALUE_MAX
};

#define KLWM2M_A_VALUE_MAX (__KLWM2M_A_VALUE_MAX - 1)

/* The longest KLWM2M_CMD_GET_TREE reply, netlink headers included. */
#define KLWM2M_GET_TREE_MAX	32768

#define KLWM2M_MCGRP_EVENTS	"events"

enum klwm2m_event_kind {
	KLWM2M_EVENT_UNSPEC,
	KLWM2M_EVENT_VALUE_CHANGED,
	KLWM2M_EVENT_INST_CREATED,
	KLWM2M_EVENT_INST_DELETED,
	KLWM2M_EVENT_OBJ_DEFINED,
	KLWM2M_EVENT_OBJ_UNDEFINED,

	__KLWM2M_EVENT_MAX
};

#define KLWM2M_EVENT_MAX (__KLWM2M_EVENT_MAX - 1)

enum klwm2m_event_attr {
	KLWM2M_A_EVENT_UNSPEC,
	KLWM2M_A_EVENT_KIND,
	KLWM2M_A_EVENT_PATH,
	KLWM2M_A_EVENT_PORTID,
	KLWM2M_A_EVENT_SERVER,

	__KLWM2M_A_EVENT_MAX
};

#define KLWM2M_A_EVENT_MAX (__KLWM2M_A_EVENT_MAX - 1)

/* KLWM2M_A_ATTR_CLEAR: one bit per attribute. */
#define KLWM2M_ATTR_F_PMIN	_BITUL(0)
#define KLWM2M_ATTR_F_PMAX	_BITUL(1)
#define KLWM2M_ATTR_F_GT	_BITUL(2)
#define KLWM2M_ATTR_F_LT	_BITUL(3)
#define KLWM2M_ATTR_F_ST	_BITUL(4)
#define KLWM2M_ATTR_F_EPMIN	_BITUL(5)
#define KLWM2M_ATTR_F_EPMAX	_BITUL(6)
#define KLWM2M_ATTR_F_EDGE	_BITUL(7)
#define KLWM2M_ATTR_F_CON	_BITUL(8)
#define KLWM2M_ATTR_F_HQMAX	_BITUL(9)
#define KLWM2M_ATTR_F_ALL	(_BITUL(10) - 1)

enum klwm2m_attr_attr {
	KLWM2M_A_ATTR_UNSPEC,
	KLWM2M_A_ATTR_PAD,
	KLWM2M_A_ATTR_SERVER,
	KLWM2M_A_ATTR_PATH,
	KLWM2M_A_ATTR_PMIN,
	KLWM2M_A_ATTR_PMAX,
	KLWM2M_A_ATTR_GT,
	KLWM2M_A_ATTR_LT,
	KLWM2M_A_ATTR_ST,
	KLWM2M_A_ATTR_EPMIN,
	KLWM2M_A_ATTR_EPMAX,
	KLWM2M_A_ATTR_EDGE,
	KLWM2M_A_ATTR_CON,
	KLWM2M_A_ATTR_HQMAX,
	KLWM2M_A_ATTR_CLEAR,

	__KLWM2M_A_ATTR_MAX
};

#define KLWM2M_A_ATTR_MAX (__KLWM2M_A_ATTR_MAX - 1)

enum klwm2m_server_attr {
	KLWM2M_A_SERVER_UNSPEC,
	KLWM2M_A_SERVER_ID,
	KLWM2M_A_SERVER_PMIN,
	KLWM2M_A_SERVER_PMAX,

	__KLWM2M_A_SERVER_MAX
};

#define KLWM2M_A_SERVER_MAX (__KLWM2M_A_SERVER_MAX - 1)

/* KLWM2M_A_OBS_FLAGS */
#define KLWM2M_OBS_F_INITIAL	_BITUL(0)	/* notify the current state at once */
#define KLWM2M_OBS_F_ALL	KLWM2M_OBS_F_INITIAL

enum klwm2m_obs_attr {
	KLWM2M_A_OBS_UNSPEC,
	KLWM2M_A_OBS_ID,
	KLWM2M_A_OBS_SERVER,
	KLWM2M_A_OBS_PATH,
	KLWM2M_A_OBS_FLAGS,
	KLWM2M_A_OBS_SEQ,		/* reply only */
	KLWM2M_A_OBS_PORTID,		/* reply only */

	__KLWM2M_A_OBS_MAX
};

#define KLWM2M_A_OBS_MAX (__KLWM2M_A_OBS_MAX - 1)

enum klwm2m_notify_reason {
	KLWM2M_NOTIFY_UNSPEC,
	KLWM2M_NOTIFY_CHANGE,		/* the attributes' criteria were met */
	KLWM2M_NOTIFY_PMAX,		/* pmax passed without a notification */
	KLWM2M_NOTIFY_INITIAL,		/* KLWM2M_OBS_F_INITIAL */
	KLWM2M_NOTIFY_RESYNC,		/* KLWM2M_CMD_OBS_RESYNC */
	KLWM2M_NOTIFY_GONE,		/* the observed path was removed: the end */

	__KLWM2M_NOTIFY_MAX
};

#define KLWM2M_NOTIFY_MAX (__KLWM2M_NOTIFY_MAX - 1)

enum klwm2m_notify_attr {
	KLWM2M_A_NOTIFY_UNSPEC,
	KLWM2M_A_NOTIFY_PAD,
	KLWM2M_A_NOTIFY_OBS,
	KLWM2M_A_NOTIFY_SEQ,
	KLWM2M_A_NOTIFY_TIME,
	KLWM2M_A_NOTIFY_REASON,
	KLWM2M_A_NOTIFY_CON,
	KLWM2M_A_NOTIFY_VALUE,

	__KLWM2M_A_NOTIFY_MAX
};

#define KLWM2M_A_NOTIFY_MAX (__KLWM2M_A_NOTIFY_MAX - 1)

enum klwm2m_own_attr {
	KLWM2M_A_OWN_UNSPEC,
	KLWM2M_A_OWN_OBJ,
	KLWM2M_A_OWN_INST,

	__KLWM2M_A_OWN_MAX
};

#define KLWM2M_A_OWN_MAX (__KLWM2M_A_OWN_MAX - 1)

#define KLWM2M_EXEC_ARGS_MAX	1024

enum klwm2m_exec_attr {
	KLWM2M_A_EXEC_UNSPEC,
	KLWM2M_A_EXEC_ID,
	KLWM2M_A_EXEC_PATH,
	KLWM2M_A_EXEC_ARGS,
	KLWM2M_A_EXEC_SERVER,
	KLWM2M_A_EXEC_STATUS,

	__KLWM2M_A_EXEC_MAX
};

#define KLWM2M_A_EXEC_MAX (__KLWM2M_A_EXEC_MAX - 1)

#endif /* _UAPI_LINUX_KLWM2M_H */
