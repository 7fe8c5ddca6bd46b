// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -errno -> CoAP response code for the DM and Information Reporting
 * interfaces: one table, read top to bottom, the first line whose errno
 * and operation match wins (op 0 matches every operation). Where the TS
 * gives an operation a list of codes (LwM2M TS 1.1 Transport 8.2.4), the
 * code is from that list; 5.00 for anything unnamed.
 *
 * Who returns what (formats.h, libklwm2m.h, and this directory's own
 * checks):
 *   -ENOENT      no such object, instance, resource, value	4.04
 *   -EBADMSG     malformed payload, bad path or query syntax	4.00
 *   -EINVAL      a value, an attribute or an argument refused	4.00
 *   -ERANGE      a value outside the resource's range		4.00
 *   -EMEDIUMTYPE a value of the wrong type			4.00
 *   -EEXIST      Create of an instance that exists		4.00 (TS: "already exists")
 *   -EACCES      Security/OSCORE object, a secret resource	4.01
 *   -EPERM       the resource does not allow the operation	4.05
 *   -EISDIR      an operation on a level that does not take it	4.05
 *   -EOPNOTSUPP  no content format fits: Read/Observe 4.06,
 *                a payload in a format we cannot write here	4.15
 *   -ENOTSUP     the same as -EOPNOTSUPP (the same number on Linux)
 *   -E2BIG, -EFBIG, -EMSGSIZE  too many records or bytes	4.13
 *   -ENOSPC      the store's memory budget or observation limit:
 *                4.13 for a Write or Create (the request is what does
 *                not fit), 5.03 for an Observe (try again later), else 5.00
 *   -ESRCH       Execute: no app owns the resource		5.03 (transient:
 *                the owning app is not running now; the TS's Execute list
 *                has no better fit: 4.05 would say "never")
 *   -EBUSY       Execute: too many executes wait already	5.03
 *   -EPIPE, -EAGAIN, -ETIMEDOUT  Execute: the owner went away, its queue
 *                was full, it did not answer in time		5.03
 *   -EIO         Execute: its result was lost on its way to the agent	5.00
 *   anything else						5.00
 */
#include <errno.h>
#include <stddef.h>

#include "coap/msg.h"
#include "lwm2m/errors.h"

struct code_map {
	int err;		/* a negative errno */
	enum lwm2m_op op;	/* 0: any */
	uint8_t code;
};

static const struct code_map code_table[] = {
	{ -ENOENT, 0, KCOAP_NOT_FOUND },
	{ -EBADMSG, 0, KCOAP_BAD_REQUEST },
	{ -EINVAL, 0, KCOAP_BAD_REQUEST },
	{ -ERANGE, 0, KCOAP_BAD_REQUEST },
	{ -EMEDIUMTYPE, 0, KCOAP_BAD_REQUEST },
	{ -EEXIST, 0, KCOAP_BAD_REQUEST },
	{ -EACCES, 0, KCOAP_UNAUTHORIZED },
	{ -EPERM, 0, KCOAP_METHOD_NOT_ALLOWED },
	{ -EISDIR, 0, KCOAP_METHOD_NOT_ALLOWED },
	{ -EOPNOTSUPP, LWM2M_OP_READ, KCOAP_NOT_ACCEPTABLE },
	{ -EOPNOTSUPP, LWM2M_OP_OBSERVE, KCOAP_NOT_ACCEPTABLE },
	{ -EOPNOTSUPP, LWM2M_OP_DISCOVER, KCOAP_NOT_ACCEPTABLE },
	{ -EOPNOTSUPP, 0, KCOAP_UNSUPPORTED_CONTENT_FORMAT },
	{ -E2BIG, 0, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -EFBIG, 0, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -EMSGSIZE, 0, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -ENOSPC, LWM2M_OP_WRITE, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -ENOSPC, LWM2M_OP_CREATE, KCOAP_REQUEST_ENTITY_TOO_LARGE },
	{ -ENOSPC, LWM2M_OP_OBSERVE, KCOAP_SERVICE_UNAVAILABLE },
	{ -ESRCH, LWM2M_OP_EXECUTE, KCOAP_SERVICE_UNAVAILABLE },
	{ -EBUSY, LWM2M_OP_EXECUTE, KCOAP_SERVICE_UNAVAILABLE },
	{ -EPIPE, LWM2M_OP_EXEC_RESULT, KCOAP_SERVICE_UNAVAILABLE },
	{ -EAGAIN, LWM2M_OP_EXEC_RESULT, KCOAP_SERVICE_UNAVAILABLE },
	{ -ETIMEDOUT, LWM2M_OP_EXEC_RESULT, KCOAP_SERVICE_UNAVAILABLE },
};

static const char *const op_names[] = {
	[LWM2M_OP_READ] = "read",
	[LWM2M_OP_DISCOVER] = "discover",
	[LWM2M_OP_OBSERVE] = "observe",
	[LWM2M_OP_WRITE] = "write",
	[LWM2M_OP_WRITE_ATTRS] = "write-attributes",
	[LWM2M_OP_EXECUTE] = "execute",
	[LWM2M_OP_EXEC_RESULT] = "execute",
	[LWM2M_OP_CREATE] = "create",
	[LWM2M_OP_DELETE] = "delete",
};

const char *lwm2m_op_name(enum lwm2m_op op)
{
	if ((unsigned int)op >= sizeof(op_names) / sizeof(op_names[0]) || !op_names[op])
		return "?";
	return op_names[op];
}

static uint8_t success_code(enum lwm2m_op op)
{
	switch (op) {
	case LWM2M_OP_READ:
	case LWM2M_OP_DISCOVER:
	case LWM2M_OP_OBSERVE:
		return KCOAP_CONTENT;
	case LWM2M_OP_CREATE:
		return KCOAP_CREATED;
	case LWM2M_OP_DELETE:
		return KCOAP_DELETED;
	default:
		return KCOAP_CHANGED;
	}
}

uint8_t lwm2m_errno_code(int err, enum lwm2m_op op)
{
	size_t i;

	if (err >= 0)
		return success_code(op);
	for (i = 0; i < sizeof(code_table) / sizeof(code_table[0]); i++) {
		const struct code_map *m = &code_table[i];

		if (m->err == err && (!m->op || m->op == op))
			return m->code;
	}
	return KCOAP_INTERNAL_SERVER_ERROR;
}
