/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Device object's instance /3/0 and the [device] values the
 * configuration gives it. A [device] key is the name of one of object 3's
 * resources in lowercase, with '_' for spaces and punctuation
 * ("Model Number" -> model_number); its value is checked against the
 * resource's type, range and length in object 3's definition.
 */
#ifndef KLWM2MD_DEVICE_H
#define KLWM2MD_DEVICE_H

#include <stddef.h>

#include "libklwm2m.h"

struct config;

/* device_key_name() - the [device] key of a resource name. */
void device_key_name(const char *resname, char *buf, size_t size);

/*
 * device_check() - check the [device] values against object 3's definition
 * @dev: object 3's definition (from its DDF file, or from the kernel)
 *
 * Return: 0, or -EINVAL with @err as "FILE:LINE: key 'k' in [device]: why".
 */
int device_check(const struct config *c, const struct klwm2m_objdef *dev, char *err,
		 size_t errlen);

/*
 * device_apply() - create /3/0 unless it exists, and write the [device]
 * values and what the agent itself states (16 Supported Binding and Modes;
 * 11/0 Error Code 0 in a new instance) in one batch
 *
 * Return: 0, -EINVAL (a value refused, @err as for device_check()) or the
 * kernel's -errno (@err says what failed).
 */
int device_apply(struct klwm2m *k, const struct config *c, char *err, size_t errlen);

#endif /* KLWM2MD_DEVICE_H */
