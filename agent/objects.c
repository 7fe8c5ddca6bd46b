// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Object definitions: DDF files to libklwm2m definitions (klwm2m_ddf_load(),
 * as klwm2mctl define does), then into the kernel. Both happen in the
 * start-up helper process (startup.c), which loads libklwm2m-ddf with
 * dlopen() (dlib.h): the daemon itself never maps libxml2.
 *
 * Restart: the kernel's store outlives the agent. klwm2m_define() answers
 * -EEXIST for an object defined already; the agent then reads the kernel's
 * definition (klwm2m_object_get()) and compares it with the file's, field by
 * field, resources by ID (the kernel keeps them sorted). The same: accepted.
 * Different: the agent stops and names the object and the first difference;
 * it never undefines what another process may rely on.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "dlib.h"
#include "libklwm2m-ddf.h"
#include "log.h"
#include "objects.h"

#ifndef KLWM2M_OBJECTS_DIR
#define KLWM2M_OBJECTS_DIR "/usr/local/share/klwm2m/objects"
#endif

/* The objects the agent cannot work without. */
static const uint16_t required[] = { 0, 1, 3 };

const char *objects_default_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(probe, sizeof(probe), "%s/../objects/3-device.xml", exe);
			if (!access(probe, R_OK) && realpath(probe, dir)) {
				*strrchr(dir, '/') = '\0';
				return dir;
			}
		}
	}
	return KLWM2M_OBJECTS_DIR;
}

void objects_free(struct objects *o)
{
	if (!o)
		return;
	for (unsigned int i = 0; i < o->n; i++) {
		klwm2m_objdef_free(o->defs[i]);
		free(o->files[i]);
	}
	free(o->defs);
	free(o->files);
	free(o);
}

const struct klwm2m_objdef *objects_find(const struct objects *o, uint16_t oid)
{
	for (unsigned int i = 0; i < o->n; i++)
		if (o->defs[i]->id == oid)
			return o->defs[i];
	return NULL;
}

/* Where a failure is reported: the objects key when the configuration gave it. */
static void where_err(const struct config *c, char *err, size_t errlen, const char *why)
{
	if (c->objects)
		config_errf(err, errlen, c->file, c->objects_line, "agent", "objects", "%s", why);
	else
		snprintf(err, errlen, "%s", why);
}

/*
 * klwm2m_ddf_load() from libklwm2m-ddf.so.0; its errors are in the
 * klwm2m_last_error() of the libklwm2m it loaded, which may not be the one
 * linked here. -ELIBACC: the library is missing (@err says why).
 */
static int ddf_load(const char *path, struct klwm2m_objdef **def, const char **why, char *err,
		    size_t errlen)
{
	typeof(klwm2m_ddf_load) *load = dlib_sym(DLIB_DDF, "klwm2m_ddf_load");
	typeof(klwm2m_last_error) *last_error = load ? dlib_sym(DLIB_DDF, "klwm2m_last_error") : NULL;
	int rc;

	if (!last_error) {
		snprintf(err, errlen, "%s", dlib_error());
		return -ELIBACC;
	}
	rc = load(path, def);
	*why = last_error();
	return rc;
}

static int add_file(struct objects *o, const struct config *c, const char *path, char *err,
		    size_t errlen)
{
	struct klwm2m_objdef *def;
	const struct klwm2m_objdef *prev;
	const char *fail;
	void *p;
	int rc = ddf_load(path, &def, &fail, err, errlen);

	if (rc == -ELIBACC)
		return rc;
	if (rc) {
		where_err(c, err, errlen, fail);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	prev = objects_find(o, def->id);
	if (prev) {
		unsigned int i = 0;
		char why[2 * PATH_MAX];

		while (o->defs[i] != prev)
			i++;
		snprintf(why, sizeof(why), "object %u is defined by both %s and %s", def->id,
			 o->files[i], path);
		where_err(c, err, errlen, why);
		klwm2m_objdef_free(def);
		return -EINVAL;
	}
	p = realloc(o->defs, (o->n + 1) * sizeof(*o->defs));
	if (p)
		o->defs = p;
	p = p ? realloc(o->files, (o->n + 1) * sizeof(*o->files)) : NULL;
	if (p)
		o->files = p;
	if (!p || !(o->files[o->n] = strdup(path))) {
		klwm2m_objdef_free(def);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	o->defs[o->n++] = def;
	return 0;
}

static int xml_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 4 && !strcmp(d->d_name + len - 4, ".xml");
}

static int add_path(struct objects *o, const struct config *c, const char *path, char *err,
		    size_t errlen)
{
	char why[PATH_MAX + 64];
	struct dirent **names;
	struct stat st;
	int n, rc = 0;

	if (stat(path, &st)) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		where_err(c, err, errlen, why);
		return -EINVAL;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(o, c, path, err, errlen);
	n = scandir(path, &names, xml_file, alphasort);
	if (n < 0) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		where_err(c, err, errlen, why);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		char file[PATH_MAX];

		if (!rc) {
			snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
			rc = add_file(o, c, file, err, errlen);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int objects_load(const struct config *c, struct objects **out, char *err, size_t errlen)
{
	const char *dflt = objects_default_dir();
	struct objects *o = calloc(1, sizeof(*o));
	int rc = 0;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	if (c->objects)
		for (unsigned int i = 0; i < c->nobjects && !rc; i++)
			rc = add_path(o, c, c->objects[i], err, errlen);
	else
		rc = add_path(o, c, dflt, err, errlen);
	for (size_t i = 0; !rc && i < sizeof(required) / sizeof(required[0]); i++) {
		if (!objects_find(o, required[i])) {
			char why[PATH_MAX + 64];

			snprintf(why, sizeof(why), "object %u is needed, and no DDF file in %s defines it",
				 required[i], c->objects ? "these paths" : dflt);
			where_err(c, err, errlen, why);
			rc = -EINVAL;
		}
	}
	if (rc) {
		objects_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* ---------------------------------------------------------------- comparing */

static const struct klwm2m_resdef *res_find(const struct klwm2m_objdef *d, uint16_t rid)
{
	for (unsigned int i = 0; i < d->nres; i++)
		if (d->res[i].id == rid)
			return &d->res[i];
	return NULL;
}

int objdef_diff(const struct klwm2m_objdef *a, const struct klwm2m_objdef *b, char *why,
		size_t n)
{
	if (a->id != b->id)
		return snprintf(why, n, "object ID %u, not %u", b->id, a->id), 1;
	if (strcmp(a->name, b->name))
		return snprintf(why, n, "name '%s', not '%s'", b->name, a->name), 1;
	if (strcmp(a->version, b->version))
		return snprintf(why, n, "version %s, not %s", b->version, a->version), 1;
	if (a->flags != b->flags)
		return snprintf(why, n, "object flags %#x, not %#x", b->flags, a->flags), 1;
	if (a->nres != b->nres)
		return snprintf(why, n, "%u resources, not %u", b->nres, a->nres), 1;
	for (unsigned int i = 0; i < a->nres; i++) {
		const struct klwm2m_resdef *ra = &a->res[i], *rb = res_find(b, ra->id);

		if (!rb)
			return snprintf(why, n, "no resource %u", ra->id), 1;
		if (strcmp(ra->name, rb->name))
			return snprintf(why, n, "resource %u: name '%s', not '%s'", ra->id, rb->name,
					ra->name), 1;
		if (ra->type != rb->type)
			return snprintf(why, n, "resource %u: type %s, not %s", ra->id,
					klwm2m_type_name(rb->type), klwm2m_type_name(ra->type)), 1;
		if (ra->ops != rb->ops || ra->flags != rb->flags)
			return snprintf(why, n, "resource %u: operations or flags differ", ra->id), 1;
		if (ra->has_range != rb->has_range ||
		    (ra->has_range && (ra->min != rb->min || ra->max != rb->max)))
			return snprintf(why, n, "resource %u: range differs", ra->id), 1;
		if (ra->has_len != rb->has_len ||
		    (ra->has_len && (ra->len_min != rb->len_min || ra->len_max != rb->len_max)))
			return snprintf(why, n, "resource %u: length bounds differ", ra->id), 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- defining */

static int define_one(struct klwm2m *k, const struct klwm2m_objdef *def, const char *file,
		      char *err, size_t errlen)
{
	struct klwm2m_objdef *have;
	char why[256];
	int rc = klwm2m_define(k, def, NULL);

	if (!rc) {
		log_info("object %u (%s %s) defined from %s", def->id, def->name, def->version, file);
		return 0;
	}
	if (rc != -EEXIST) {
		snprintf(err, errlen, "object %u (%s) from %s: %s%s%s%s", def->id, def->name, file,
			 klwm2m_strerror(rc), klwm2m_errmsg(k)[0] ? " (kernel reports: " : "",
			 klwm2m_errmsg(k), klwm2m_errmsg(k)[0] ? ")" : "");
		return rc;
	}
	rc = klwm2m_object_get(k, def->id, &have, NULL, NULL);
	if (rc) {
		snprintf(err, errlen, "object %u (%s): defined already, and reading it failed: %s",
			 def->id, def->name, klwm2m_strerror(rc));
		return rc;
	}
	rc = objdef_diff(def, have, why, sizeof(why));
	klwm2m_objdef_free(have);
	if (rc) {
		snprintf(err, errlen,
			 "object %u (%s): the kernel holds another definition than %s (%s); undefine it or use the same file",
			 def->id, def->name, file, why);
		return -EEXIST;
	}
	log_info("object %u (%s %s) was defined already, the same as %s", def->id, def->name,
		 def->version, file);
	return 0;
}

int objects_define(struct klwm2m *k, const struct objects *o, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < o->n; i++) {
		int rc = define_one(k, o->defs[i], o->files[i], err, errlen);

		if (rc)
			return rc;
	}
	return 0;
}
