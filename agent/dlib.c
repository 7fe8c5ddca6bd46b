// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Start-up libraries loaded by name (see dlib.h). Handles are not kept:
 * dlopen() of a loaded library returns it again, and the helper process that
 * loads them exits right after its work.
 */
#include <dlfcn.h>
#include <stdio.h>

#include "dlib.h"

static char why[512];

void *dlib_sym(const char *soname, const char *sym)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	void *p;
	const char *e;

	if (!h) {
		e = dlerror();
		snprintf(why, sizeof(why), "cannot load %s: %s", soname, e ? e : "unknown error");
		return NULL;
	}
	dlerror();
	p = dlsym(h, sym);
	if (!p) {
		e = dlerror();
		snprintf(why, sizeof(why), "%s has no %s: %s", soname, sym,
			 e ? e : "the symbol is NULL");
		return NULL;
	}
	return p;
}

const char *dlib_error(void)
{
	return why;
}
