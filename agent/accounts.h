/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Server accounts: each [server SSID] section becomes a Security instance
 * (/0/x: URI, not a bootstrap server, security mode 3 NoSec, the short
 * server ID) and a Server instance (/1/y: short server ID, lifetime, default
 * pmin and pmax, binding, notification storing), and the kernel learns the
 * server's default periods (klwm2m_server_defaults()).
 *
 * Instances are found by short server ID in the kernel's store: after a
 * restart they exist already and are updated in place; instance IDs are
 * never assumed. Accounts the configuration does not name are left alone.
 */
#ifndef KLWM2MD_ACCOUNTS_H
#define KLWM2MD_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "libklwm2m.h"

struct config;
struct config_server;

/*
 * accounts_apply() - create or update /0/x and /1/y for every configured server
 *
 * Return: 0 or the kernel's -errno, with @err saying which server and what failed.
 */
int accounts_apply(struct klwm2m *k, const struct config *c, char *err, size_t errlen);

/*
 * accounts_set_periods() - a server's default pmin and pmax: /1/y/2, /1/y/3
 * and the kernel's server defaults (SIGHUP)
 *
 * Return: 0; -ENOENT (no /1 instance has that short server ID); -errno.
 */
int accounts_set_periods(struct klwm2m *k, const struct config_server *s, char *err,
			 size_t errlen);

/* accounts_find() - the instance of object @oid (0 or 1) for @ssid; -ENOENT or -errno. */
int accounts_find(struct klwm2m *k, uint16_t oid, uint16_t ssid, uint16_t *iid);

#endif /* KLWM2MD_ACCOUNTS_H */
