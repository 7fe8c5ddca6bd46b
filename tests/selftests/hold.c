// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client that holds klwm2m sockets open across a module unload (driven by
 * unload.sh): one joined to the events group, one with a dump left half
 * read. Prints "ready", waits for a line on stdin, then uses the first
 * socket again and prints "after <errno>" for what the request returned.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int stop(struct nlattr **tb, void *arg)
{
	(void)tb;
	(void)arg;
	return 1;
}

int main(void)
{
	int ev, dump, family, grp, intr, n;
	struct genl_req r;
	struct genl_ack a;
	char line[16];

	ev = genl_open();
	dump = genl_open();
	if (ev < 0 || dump < 0)
		return 1;
	family = genl_family(ev, KLWM2M_GENL_NAME);
	grp = genl_mcast_group(ev, KLWM2M_GENL_NAME, KLWM2M_MCGRP_EVENTS);
	if (family < 0 || grp < 0 ||
	    setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return 2;
	/* Three objects, and a dump stopped after the first. */
	for (n = 0; n < 3; n++) {
		uint16_t id = 30000 + n;

		genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
		genl_req_put(&r, KLWM2M_A_OBJ_ID, &id, sizeof(id));
		genl_req_put(&r, KLWM2M_A_OBJ_NAME, "Held", 5);
		if (genl_exchange(ev, &r, &a) || a.error)
			return 3;
	}
	genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_GET, KLWM2M_GENL_VERSION);
	if (genl_dump(dump, &r, stop, NULL, &a, &intr) != 1)
		return 4;
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 5;
	genl_req_init(&r, family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	n = genl_exchange(ev, &r, &a);
	printf("after %d\n", n ? n : a.error);
	close(dump);
	close(ev);
	return 0;
}
