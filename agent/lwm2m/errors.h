/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place where the agent's -errno values become CoAP response codes
 * for the LwM2M Device Management and Information Reporting interfaces
 * (LwM2M TS 1.1 Transport binding, 8.2.4 and Core, 6.3/6.4). Everything
 * else in agent/lwm2m/ works in 0 / -errno and asks here at its edge.
 *
 * A few errors mean different things for different operations (a format
 * that does not fit is 4.06 for a Read and 4.15 for a Write), so the
 * mapping takes the operation. The table is in errors.c, with the reason
 * for each line.
 */
#ifndef KLWM2MD_LWM2M_ERRORS_H
#define KLWM2MD_LWM2M_ERRORS_H

#include <stdint.h>

/* The DM and Information Reporting operations (and the Execute's result). */
enum lwm2m_op {
	LWM2M_OP_READ = 1,
	LWM2M_OP_DISCOVER,
	LWM2M_OP_OBSERVE,
	LWM2M_OP_WRITE,
	LWM2M_OP_WRITE_ATTRS,
	LWM2M_OP_EXECUTE,	/* the request, up to klwm2m_exec_start() */
	LWM2M_OP_EXEC_RESULT,	/* the owner's status, or the kernel's about it */
	LWM2M_OP_CREATE,
	LWM2M_OP_DELETE,
};

/** lwm2m_op_name() - "read", "discover", ...; "?" for another value */
const char *lwm2m_op_name(enum lwm2m_op op);

/**
 * lwm2m_errno_code() - the CoAP response code for an error of @op
 * @err: a negative errno; 0 gives the operation's success code (2.05
 *	Content, 2.04 Changed, 2.01 Created, 2.02 Deleted)
 * @op: the operation
 *
 * Return: a KCOAP_CODE(); 5.00 for an error the table does not name.
 */
uint8_t lwm2m_errno_code(int err, enum lwm2m_op op);

#endif /* KLWM2MD_LWM2M_ERRORS_H */
