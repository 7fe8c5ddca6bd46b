/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The object definitions the agent serves: read from OMA DDF files (the
 * [agent] objects key, or the default directories) and defined in the
 * kernel. An object the kernel holds already with the same definition is
 * accepted (the agent restarted, the store stayed); another definition under
 * the same ID is an error naming the object.
 */
#ifndef KLWM2MD_OBJECTS_H
#define KLWM2MD_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "libklwm2m.h"

struct config;

struct objects {
	struct klwm2m_objdef **defs;	/* in the order read */
	char **files;			/* where each came from */
	unsigned int n;
};

/*
 * objects_load() - read the DDF files the configuration names
 *
 * A directory contributes its *.xml files in name order. Objects 0, 1 and 3
 * must be among them, and no ID twice. The files are read with
 * libklwm2m-ddf.so.0, loaded with dlopen() (dlib.h). Return: 0; -EINVAL
 * (@err names the file, or the configuration key, and the reason); -ENOMEM;
 * -ELIBACC (the library cannot be loaded: @err says why).
 */
int objects_load(const struct config *c, struct objects **out, char *err, size_t errlen);
void objects_free(struct objects *o);
const struct klwm2m_objdef *objects_find(const struct objects *o, uint16_t oid);

/*
 * objects_define() - define every object in the kernel, or accept what is there
 *
 * Return: 0; -EEXIST (an object is defined with another definition); the
 * kernel's -errno. @err says which object and why.
 */
int objects_define(struct klwm2m *k, const struct objects *o, char *err, size_t errlen);

/*
 * objdef_diff() - how two definitions of an object differ
 * @why: receives the first difference ("resource 5: type string, not opaque")
 *
 * Return: 0 when they are the same (resources compared by ID, in any order),
 * 1 when they differ.
 */
int objdef_diff(const struct klwm2m_objdef *a, const struct klwm2m_objdef *b, char *why,
		size_t n);

/*
 * objects_default_dir() - where the definitions come from without [agent] objects
 *
 * A checkout's objects/ when the agent runs from its build directory (the
 * executable's ../objects holds 3-device.xml), else the installed
 * KLWM2M_OBJECTS_DIR. Returns a static string.
 */
const char *objects_default_dir(void);

#endif /* KLWM2MD_OBJECTS_H */
