/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket filter that keeps the kernel's VALUE_CHANGED events of other
 * objects than the Server object (1) off the agent's events socket (see
 * evfilter.c for what passes).
 */
#ifndef KLWM2MD_LWM2M_EVFILTER_H
#define KLWM2MD_LWM2M_EVFILTER_H

#include <linux/filter.h>

/* Instructions in the program. */
#define LWM2M_EVFILTER_LEN 31

/* lwm2m_evfilter_build() - write the program to @prog: its length, or -ENOSPC. */
int lwm2m_evfilter_build(struct sock_filter *prog, unsigned int cap);
/* lwm2m_evfilter_attach() - attach it to socket @fd (SO_ATTACH_FILTER). 0 or -errno. */
int lwm2m_evfilter_attach(int fd);

#endif /* KLWM2MD_LWM2M_EVFILTER_H */
