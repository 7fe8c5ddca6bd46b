/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Execute arguments (LwM2M TS 1.1 Core 5.4.5): the payload of an Execute,
 * checked against the TS's grammar before the kernel passes it to the app
 * that owns the resource. Pure: no I/O, no state.
 *
 *   arglist = arg *( "," arg )
 *   arg     = DIGIT [ "=" "'" *CHAR "'" ]
 *   DIGIT   = "0" .. "9"
 *   CHAR    = "!" / %x23-26 / %x28-5B / %x5D-7E
 *
 * An empty payload is no arguments. Arguments are not reordered or
 * deduplicated: the app gets the payload as the server sent it.
 */
#ifndef KLWM2MD_LWM2M_ARGS_H
#define KLWM2MD_LWM2M_ARGS_H

#include <stddef.h>
#include <stdint.h>

struct fmt_diag;

/**
 * lwm2m_exec_args_check() - whether @p is a valid argument list
 * @p: the payload (may be NULL when @len is 0)
 * @len: its length
 * @diag: the reason on failure, with the offset; may be NULL
 *
 * Return: the number of arguments (>= 0), or -EBADMSG.
 */
int lwm2m_exec_args_check(const uint8_t *p, size_t len, struct fmt_diag *diag);

#endif /* KLWM2MD_LWM2M_ARGS_H */
