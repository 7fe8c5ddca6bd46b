// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A socket filter for the kernel's events group (evfilter.h). The session
 * half wants object and instance events, and VALUE_CHANGED only for the
 * Server object (/1/x/1 lifetime, /1/x/7 binding: they change the
 * registration). Every set of any value is a VALUE_CHANGED event, so without
 * a filter an app setting a sensor value 20,000 times a second woke the
 * agent as often, to read and drop each event: most of the agent's time under
 * such a load, and notifications of those very sets coalesced meanwhile.
 *
 * The filter (classic BPF, run by the kernel as it queues the message) drops
 * exactly one shape: a KLWM2M_CMD_EVENT of kind VALUE_CHANGED laid out as
 * kmod/events.c builds it (KIND, PORTID, optional SERVER, then the paths)
 * whose message holds one path, of an object other than 1. Anything else,
 * including a batch of several paths and any message laid out otherwise,
 * passes, so the filter can only spare work, never hide an event the agent
 * needs. Netlink is host-endian and BPF loads are big-endian: fields are
 * read a byte at a time, the low byte at an offset that depends on the host.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/klwm2m.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "lwm2m/evfilter.h"

#define NLA_HDR		4	/* struct nlattr: u16 len, u16 type */
#define ATTR_KIND	(NLMSG_HDRLEN + 4)	/* after the genetlink header */
#define ATTR_PORTID	(ATTR_KIND + 8)
#define ATTR_AFTER	(ATTR_PORTID + 8)	/* SERVER, or the first path */
#define EVF_ACCEPT	0xffffffffu

/* The offset of the low byte of a @size-byte host-endian field at @off. */
static unsigned int lo(unsigned int off, unsigned int size)
{
	const union { uint16_t v; uint8_t b[2]; } probe = { .v = 1 };

	return probe.b[0] ? off : off + size - 1;
}

/* Appends @insn; the program is built forward, jumps count instructions. */
#define EMIT(code, jt, jf, k) (prog[n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf))

int lwm2m_evfilter_build(struct sock_filter *prog, unsigned int cap)
{
	unsigned int n = 0;

	if (cap < LWM2M_EVFILTER_LEN)
		return -ENOSPC;
	/* the genetlink command, and the first two attributes' types and the kind */
	EMIT(BPF_LD | BPF_B | BPF_ABS, 0, 0, NLMSG_HDRLEN);
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 27, KLWM2M_CMD_EVENT);
	EMIT(BPF_LD | BPF_B | BPF_ABS, 0, 0, lo(ATTR_KIND + 2, 2));
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 25, KLWM2M_A_EVENT_KIND);
	EMIT(BPF_LD | BPF_B | BPF_ABS, 0, 0, ATTR_KIND + NLA_HDR);
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 23, KLWM2M_EVENT_VALUE_CHANGED);
	EMIT(BPF_LD | BPF_B | BPF_ABS, 0, 0, lo(ATTR_PORTID + 2, 2));
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 21, KLWM2M_A_EVENT_PORTID);
	/* X: where the first path starts (after SERVER when there is one) */
	EMIT(BPF_LDX | BPF_W | BPF_IMM, 0, 0, ATTR_AFTER);
	EMIT(BPF_LD | BPF_B | BPF_ABS, 0, 0, lo(ATTR_AFTER + 2, 2));
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, KLWM2M_A_EVENT_SERVER);
	EMIT(BPF_LDX | BPF_W | BPF_IMM, 0, 0, ATTR_AFTER + 8);
	EMIT(BPF_STX, 0, 0, 0);					/* M[0] = X */
	/* a path nest, its length below 256 */
	EMIT(BPF_LD | BPF_B | BPF_IND, 0, 0, lo(2, 2));
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 14, KLWM2M_A_EVENT_PATH);
	EMIT(BPF_LD | BPF_B | BPF_IND, 0, 0, lo(0, 2) ^ 1);	/* the length's high byte */
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 12, 0);
	EMIT(BPF_LD | BPF_B | BPF_IND, 0, 0, lo(0, 2));
	/* the only path: the message ends where it ends (nlmsg_len < 256) */
	EMIT(BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0);		/* A = start + length */
	EMIT(BPF_MISC | BPF_TAX, 0, 0, 0);
	EMIT(BPF_LD | BPF_H | BPF_ABS, 0, 0, lo(0, 4) ? 0 : 2);	/* nlmsg_len's high half */
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 7, 0);
	EMIT(BPF_LD | BPF_B | BPF_ABS, 0, 0, lo(0, 4));
	EMIT(BPF_JMP | BPF_JEQ | BPF_X, 0, 5, 0);
	/* its object: the nest's first attribute, OBJ; 1 passes */
	EMIT(BPF_LDX | BPF_MEM, 0, 0, 0);
	EMIT(BPF_LD | BPF_B | BPF_IND, 0, 0, NLA_HDR + lo(2, 2));
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, KLWM2M_A_PATH_OBJ);
	EMIT(BPF_LD | BPF_H | BPF_IND, 0, 0, 2 * NLA_HDR);	/* both bytes: 1 either way round */
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0x0100 >> (lo(0, 2) ? 8 : 0));
	EMIT(BPF_RET | BPF_K, 0, 0, EVF_ACCEPT);
	EMIT(BPF_RET | BPF_K, 0, 0, 0);
	return (int)n;
}

int lwm2m_evfilter_attach(int fd)
{
	struct sock_filter prog[LWM2M_EVFILTER_LEN];
	struct sock_fprog fp = { .filter = prog };
	int n = lwm2m_evfilter_build(prog, LWM2M_EVFILTER_LEN);

	if (n < 0)
		return n;
	fp.len = (unsigned short)n;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) ? -errno : 0;
}
