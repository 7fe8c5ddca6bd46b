// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2mctl's commands on the store: objects, show, undefine, create,
 * delete, set, get, dump.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/klwm2m.h>

#include "ctl.h"

#define DEPTH(n) (1U << (n))

/* How many times a dump the store interrupted is tried before warning. */
#define DUMP_TRIES 4

static int parse_oid(const char *text, uint16_t *oid)
{
	struct klwm2m_path p;
	char buf[16];

	/* Accept "3303" and "/3303". */
	snprintf(buf, sizeof(buf), "%s%s", text[0] == '/' ? "" : "/", text);
	if (strlen(text) > 6 || klwm2m_path_parse(buf, &p) || p.depth != 1)
		return usage_error("\"%s\" is not an object ID (0..%d)", text, KLWM2M_ID_MAX);
	*oid = p.oid;
	return 0;
}

static void fmt_path(const struct klwm2m_path *p, char buf[KLWM2M_PATH_STRLEN])
{
	if (klwm2m_path_format(p, buf, KLWM2M_PATH_STRLEN) < 0)
		snprintf(buf, KLWM2M_PATH_STRLEN, "?");
}

static void ops_text(uint8_t ops, char buf[4])
{
	int n = 0;

	if (ops & KLWM2M_OP_READ)
		buf[n++] = 'R';
	if (ops & KLWM2M_OP_WRITE)
		buf[n++] = 'W';
	if (ops & KLWM2M_OP_EXECUTE)
		buf[n++] = 'E';
	if (!n)
		buf[n++] = '-';
	buf[n] = '\0';
}

/* A range bound in its type's representation, as text. */
static void bound_text(uint8_t type, uint64_t bits, char *buf, size_t size)
{
	struct klwm2m_value v = { .type = type };

	switch (type) {
	case KLWM2M_TYPE_FLOAT:
		memcpy(&v.f, &bits, sizeof(bits));
		break;
	case KLWM2M_TYPE_UNSIGNED:
		v.u = bits;
		break;
	default:
		v.type = KLWM2M_TYPE_INTEGER;
		v.i = (int64_t)bits;
		break;
	}
	if (klwm2m_value_format(&v, buf, size) < 0)
		snprintf(buf, size, "?");
}

/* ---------------------------------------------------------------- objects */

static struct json_object *object_json(const struct klwm2m_objdef *def,
				       const struct klwm2m_owner *owner, unsigned int n)
{
	struct json_object *o = json_object_new_object();
	char mode[8];

	snprintf(mode, sizeof(mode), "%04o", owner->mode);
	json_object_object_add(o, "id", json_object_new_int(def->id));
	json_object_object_add(o, "name", json_object_new_string(def->name));
	json_object_object_add(o, "version", json_object_new_string(def->version));
	json_object_object_add(o, "multiple",
			       json_object_new_boolean(def->flags & KLWM2M_OBJ_F_MULTIPLE));
	json_object_object_add(o, "mandatory",
			       json_object_new_boolean(def->flags & KLWM2M_OBJ_F_MANDATORY));
	json_object_object_add(o, "instances", json_object_new_int64(n));
	json_object_object_add(o, "uid", json_object_new_int64(owner->uid));
	json_object_object_add(o, "gid", json_object_new_int64(owner->gid));
	json_object_object_add(o, "mode", json_object_new_string(mode));
	return o;
}

static int collect_object(const struct klwm2m_objdef *def, const struct klwm2m_owner *owner,
			  unsigned int n, void *arg)
{
	json_object_array_add(arg, object_json(def, owner, n));
	return 0;
}

static const char *jstr(struct json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static void print_object_rows(struct json_object *list)
{
	printf("%-6s %-32s %-8s %9s  %-12s %s\n", "ID", "NAME", "VERSION", "INSTANCES", "OWNER",
	       "MODE");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		char own[24];

		snprintf(own, sizeof(own), "%s:%s", jstr(o, "uid"), jstr(o, "gid"));
		printf("%-6s %-32s %-8s %9s  %-12s %s\n", jstr(o, "id"), jstr(o, "name"),
		       jstr(o, "version"), jstr(o, "instances"), own, jstr(o, "mode"));
	}
}

int cmd_show(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_objdef *def;
	struct klwm2m_owner owner;
	unsigned int n;
	uint16_t oid;
	int err;

	if (argc != 2)
		return usage_error("%s takes one object ID", argv[0]);
	if (parse_oid(argv[1], &oid))
		return EXIT_USAGE;
	err = klwm2m_object_get(k, oid, &def, &owner, &n);
	if (err)
		return kernel_failed(k, argv[1], err);

	if (json_output) {
		struct json_object *o = object_json(def, &owner, n), *res = json_object_new_array();

		for (unsigned int i = 0; i < def->nres; i++) {
			const struct klwm2m_resdef *rd = &def->res[i];
			struct json_object *r = json_object_new_object();
			char ops[4], lo[40], hi[40];

			ops_text(rd->ops, ops);
			json_object_object_add(r, "id", json_object_new_int(rd->id));
			json_object_object_add(r, "name", json_object_new_string(rd->name));
			json_object_object_add(r, "type",
					       json_object_new_string(klwm2m_type_name(rd->type)));
			json_object_object_add(r, "ops", json_object_new_string(ops));
			json_object_object_add(r, "multiple", json_object_new_boolean(
						       rd->flags & KLWM2M_RES_F_MULTIPLE));
			json_object_object_add(r, "mandatory", json_object_new_boolean(
						       rd->flags & KLWM2M_RES_F_MANDATORY));
			json_object_object_add(r, "secret", json_object_new_boolean(
						       rd->flags & KLWM2M_RES_F_SECRET));
			if (rd->has_range) {
				struct json_object *a = json_object_new_array();

				bound_text(rd->type, rd->min, lo, sizeof(lo));
				bound_text(rd->type, rd->max, hi, sizeof(hi));
				json_object_array_add(a, json_object_new_string(lo));
				json_object_array_add(a, json_object_new_string(hi));
				json_object_object_add(r, "range", a);
			}
			if (rd->has_len) {
				struct json_object *a = json_object_new_array();

				json_object_array_add(a, json_object_new_int64(rd->len_min));
				json_object_array_add(a, json_object_new_int64(rd->len_max));
				json_object_object_add(r, "length", a);
			}
			json_object_array_add(res, r);
		}
		json_object_object_add(o, "resources", res);
		print_json(o);
		klwm2m_objdef_free(def);
		return 0;
	}

	printf("object %u: %s, version %s, %s, %s\n", def->id, def->name, def->version,
	       def->flags & KLWM2M_OBJ_F_MULTIPLE ? "multiple instances" : "single instance",
	       def->flags & KLWM2M_OBJ_F_MANDATORY ? "mandatory" : "optional");
	printf("owner %u:%u, mode %04o, %u instance%s\n", owner.uid, owner.gid, owner.mode, n,
	       n == 1 ? "" : "s");
	printf("%-6s %-40s %-9s %-4s %-8s %-9s %s\n", "ID", "NAME", "TYPE", "OPS", "MULTIPLE",
	       "MANDATORY", "LIMITS");
	for (unsigned int i = 0; i < def->nres; i++) {
		const struct klwm2m_resdef *rd = &def->res[i];
		char ops[4], lim[128] = "", lo[40], hi[40];
		size_t l = 0;

		ops_text(rd->ops, ops);
		if (rd->has_range) {
			bound_text(rd->type, rd->min, lo, sizeof(lo));
			bound_text(rd->type, rd->max, hi, sizeof(hi));
			l += (size_t)snprintf(lim + l, sizeof(lim) - l, "range %s..%s ", lo, hi);
		}
		if (rd->has_len)
			l += (size_t)snprintf(lim + l, sizeof(lim) - l, "length %u..%u ",
					      rd->len_min, rd->len_max);
		if (rd->flags & KLWM2M_RES_F_SECRET)
			snprintf(lim + l, sizeof(lim) - l, "secret");
		printf("%-6u %-40s %-9s %-4s %-8s %-9s %s\n", rd->id, rd->name,
		       klwm2m_type_name(rd->type), ops,
		       rd->flags & KLWM2M_RES_F_MULTIPLE ? "multiple" : "single",
		       rd->flags & KLWM2M_RES_F_MANDATORY ? "mandatory" : "optional", lim);
	}
	klwm2m_objdef_free(def);
	return 0;
}

int cmd_objects(struct klwm2m *k, int argc, char **argv)
{
	struct json_object *list = NULL;
	int err, tries = 0;

	if (argc == 2)
		return cmd_show(k, argc, argv);
	if (argc > 2)
		return usage_error("objects takes at most one object ID");
	/* Collected first: a dump the store interrupted is tried again. */
	do {
		json_object_put(list);
		list = json_object_new_array();
		err = klwm2m_objects(k, collect_object, list);
	} while (err == -EAGAIN && ++tries < DUMP_TRIES);
	if (err && err != -EAGAIN) {
		json_object_put(list);
		return kernel_failed(k, "objects", err);
	}
	if (json_output)
		print_json(list);
	else {
		print_object_rows(list);
		json_object_put(list);
	}
	if (err == -EAGAIN)
		fprintf(stderr, "klwm2mctl: warning: %s (%d tries); the output may mix states\n",
			klwm2m_errmsg(k), DUMP_TRIES);
	return 0;
}

int cmd_undefine(struct klwm2m *k, int argc, char **argv)
{
	uint16_t oid;
	int err;

	if (argc != 2)
		return usage_error("undefine takes one object ID");
	if (parse_oid(argv[1], &oid))
		return EXIT_USAGE;
	err = klwm2m_undefine(k, oid);
	if (err)
		return kernel_failed(k, argv[1], err);
	return 0;
}

/* ---------------------------------------------------------------- instances */

int cmd_create(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_path p;
	char buf[KLWM2M_PATH_STRLEN];
	uint16_t iid;
	int err;

	if (argc != 2)
		return usage_error("create takes one path, /OID or /OID/IID");
	if (parse_path_arg(argv[1], DEPTH(1) | DEPTH(2), &p))
		return EXIT_USAGE;
	err = klwm2m_create(k, p.oid, p.depth == 2 ? p.iid : -1, &iid);
	if (err)
		return kernel_failed(k, argv[1], err);
	p.iid = iid;
	p.depth = 2;
	fmt_path(&p, buf);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_object_new_string(buf));
		print_json(o);
	} else {
		puts(buf);
	}
	return 0;
}

static int commit_batch(struct klwm2m *k, struct klwm2m_batch *b, char **paths,
			const char *what)
{
	int err = klwm2m_batch_commit(b), bad;

	if (!err)
		return 0;
	bad = klwm2m_batch_bad(b);
	if (bad >= 0 && paths) {
		char name[128];

		snprintf(name, sizeof(name), "%s %s", what, paths[bad]);
		return kernel_failed(k, name, err);
	}
	return kernel_failed(k, what, err);
}

int cmd_delete(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_batch *b;
	struct klwm2m_path p;
	int err, rc;

	if (argc != 2)
		return usage_error("delete takes one path");
	if (parse_path_arg(argv[1], DEPTH(2) | DEPTH(3) | DEPTH(4), &p))
		return EXIT_USAGE;
	if (p.depth == 2) {
		err = klwm2m_delete(k, p.oid, p.iid);
		return err ? kernel_failed(k, argv[1], err) : 0;
	}
	if (klwm2m_batch_new(k, &b) || klwm2m_batch_delete(b, &p)) {
		klwm2m_batch_free(b);
		fprintf(stderr, "klwm2mctl: out of memory\n");
		return EXIT_REFUSED;
	}
	rc = commit_batch(k, b, &argv[1], "delete");
	klwm2m_batch_free(b);
	return rc;
}

/* ---------------------------------------------------------------- set */

/* The definitions fetched so far, one OBJ_GET per object. */
struct defs {
	struct klwm2m_objdef **def;
	unsigned int n;
};

static int resource_type(struct klwm2m *k, struct defs *d, const struct klwm2m_path *p,
			 const char *arg, uint8_t *type)
{
	struct klwm2m_objdef *def = NULL;
	unsigned int i;
	int err;

	for (i = 0; i < d->n && !def; i++)
		if (d->def[i]->id == p->oid)
			def = d->def[i];
	if (!def) {
		struct klwm2m_objdef **grown = realloc(d->def, (d->n + 1) * sizeof(*grown));

		if (!grown) {
			fprintf(stderr, "klwm2mctl: out of memory\n");
			return EXIT_REFUSED;
		}
		d->def = grown;
		err = klwm2m_object_get(k, p->oid, &def, NULL, NULL);
		if (err)
			return kernel_failed(k, arg, err);
		d->def[d->n++] = def;
	}
	for (i = 0; i < def->nres; i++) {
		if (def->res[i].id == p->rid) {
			*type = def->res[i].type;
			if (*type == KLWM2M_TYPE_NONE) {
				fprintf(stderr, "klwm2mctl: %s: resource %u of object %u (%s) is "
					"executable and holds no value\n", arg, p->rid, p->oid,
					def->res[i].name);
				return EXIT_REFUSED;
			}
			return 0;
		}
	}
	fprintf(stderr, "klwm2mctl: %s: object %u (%s) has no resource %u\n", arg, p->oid,
		def->name, p->rid);
	return EXIT_REFUSED;
}

int cmd_set(struct klwm2m *k, int argc, char **argv)
{
	struct defs d = { 0 };
	struct klwm2m_batch *b = NULL;
	unsigned long ssid = 0;
	char **paths = NULL, *end;
	int rc = 0, i;

	if (argc > 2 && !strcmp(argv[1], "--server")) {
		errno = 0;
		ssid = strtoul(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || !ssid || ssid > KLWM2M_ID_MAX)
			return usage_error("--server takes a short server ID, 1..%d", KLWM2M_ID_MAX);
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc % 2 == 0)
		return usage_error("set takes PATH VALUE pairs");
	paths = calloc((size_t)argc / 2, sizeof(*paths));
	if (!paths || klwm2m_batch_new(k, &b) || klwm2m_batch_set_server(b, (uint16_t)ssid)) {
		rc = usage_error("out of memory");
		goto out;
	}
	for (i = 1; i + 1 < argc && !rc; i += 2) {
		struct klwm2m_path p;
		struct klwm2m_value v;
		uint8_t type = KLWM2M_TYPE_UNSPEC;
		int err;

		paths[klwm2m_batch_count(b)] = argv[i];
		rc = parse_path_arg(argv[i], DEPTH(3) | DEPTH(4), &p);
		if (rc)
			break;
		if (!strcmp(argv[i + 1], "--delete")) {
			err = klwm2m_batch_delete(b, &p);
		} else {
			rc = resource_type(k, &d, &p, argv[i], &type);
			if (rc)
				break;
			err = klwm2m_value_parse(type, argv[i + 1], &v);
			if (err == -EINVAL || err == -ERANGE) {
				rc = usage_error("%s: \"%s\" is not a valid %s%s", argv[i], argv[i + 1],
						 klwm2m_type_name(type),
						 err == -ERANGE ? " (out of range)" :
						 type == KLWM2M_TYPE_OPAQUE ? " (hexadecimal)" :
						 type == KLWM2M_TYPE_OBJLNK ? " (OID:IID)" :
						 type == KLWM2M_TYPE_BOOLEAN ? " (true or false)" : "");
				break;
			}
			if (!err) {
				err = klwm2m_batch_add(b, &p, &v);
				klwm2m_value_release(&v);
			}
		}
		if (err)
			rc = usage_error("%s: %s", argv[i], strerror(-err));
	}
	if (!rc)
		rc = commit_batch(k, b, paths, "set");
out:
	klwm2m_batch_free(b);
	for (unsigned int j = 0; j < d.n; j++)
		klwm2m_objdef_free(d.def[j]);
	free(d.def);
	free(paths);
	return rc;
}

/* ---------------------------------------------------------------- get and dump */

struct record {
	int kind;
	struct klwm2m_path path;
	struct klwm2m_value value;	/* bytes owned */
};

struct records {
	struct record *r;
	size_t n, cap;
	int nomem;
};

static void records_clear(struct records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].kind == KLWM2M_RECORD_VALUE)
			klwm2m_value_release(&rs->r[i].value);
	rs->n = 0;
	rs->nomem = 0;
}

static int collect(const struct klwm2m_record *rec, void *arg)
{
	struct records *rs = arg;
	struct record *r;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 64;

		r = realloc(rs->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		rs->r = r;
		rs->cap = cap;
	}
	r = &rs->r[rs->n];
	r->kind = rec->kind;
	r->path = rec->path;
	r->value = rec->value;
	if (rec->kind == KLWM2M_RECORD_VALUE &&
	    (rec->value.type == KLWM2M_TYPE_STRING || rec->value.type == KLWM2M_TYPE_OPAQUE ||
	     rec->value.type == KLWM2M_TYPE_CORELNK)) {
		/* klwm2m_value_parse() of the bytes would re-read text: copy them as bytes. */
		char *copy = malloc(rec->value.bytes.len + 1);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, rec->value.bytes.ptr, rec->value.bytes.len);
		copy[rec->value.bytes.len] = '\0';
		r->value.bytes.ptr = copy;
	}
	rs->n++;
	return 0;
}

static struct json_object *record_json(const struct record *r)
{
	struct json_object *o = json_object_new_object();
	char path[KLWM2M_PATH_STRLEN];

	fmt_path(&r->path, path);
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "kind", json_object_new_string(
				       r->kind == KLWM2M_RECORD_INSTANCE ? "instance" :
				       r->kind == KLWM2M_RECORD_SECRET ? "secret" : "value"));
	if (r->kind != KLWM2M_RECORD_INSTANCE)
		json_object_object_add(o, "type", json_object_new_string(
					       klwm2m_type_name(r->value.type)));
	if (r->kind == KLWM2M_RECORD_VALUE)
		json_object_object_add(o, "value", json_value(&r->value));
	return o;
}

static void print_records(const struct records *rs)
{
	struct json_object *list = json_output ? json_object_new_array() : NULL;

	for (size_t i = 0; i < rs->n; i++) {
		const struct record *r = &rs->r[i];
		char path[KLWM2M_PATH_STRLEN], *t;

		if (list) {
			json_object_array_add(list, record_json(r));
			continue;
		}
		fmt_path(&r->path, path);
		if (r->kind == KLWM2M_RECORD_INSTANCE) {
			puts(path);
		} else if (r->kind == KLWM2M_RECORD_SECRET) {
			printf("%s %s <secret>\n", path, klwm2m_type_name(r->value.type));
		} else {
			t = value_text(&r->value);
			printf("%s %s %s\n", path, klwm2m_type_name(r->value.type), t ? t : "?");
			free(t);
		}
	}
	if (list)
		print_json(list);
}

/* Dumps @p (NULL: everything), again while the store keeps changing under it. */
static int dump_and_print(struct klwm2m *k, const struct klwm2m_path *p, const char *what)
{
	struct records rs = { 0 };
	int err, tries = 0;

	do {
		records_clear(&rs);
		err = klwm2m_dump(k, p, collect, &rs);
	} while (err == -EAGAIN && ++tries < DUMP_TRIES);
	if (err && err != -EAGAIN) {
		records_clear(&rs);
		free(rs.r);
		return kernel_failed(k, what, err);
	}
	print_records(&rs);
	if (err == -EAGAIN)
		fprintf(stderr, "klwm2mctl: warning: %s (%d tries); the output may mix states\n",
			klwm2m_errmsg(k), DUMP_TRIES);
	records_clear(&rs);
	free(rs.r);
	return 0;
}

int cmd_get(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_path p;
	struct klwm2m_value v;
	int err;

	if (argc != 2)
		return usage_error("get takes one path");
	if (parse_path_arg(argv[1], DEPTH(1) | DEPTH(2) | DEPTH(3) | DEPTH(4), &p))
		return EXIT_USAGE;
	if (p.depth < 3)
		return dump_and_print(k, &p, argv[1]);
	err = klwm2m_get(k, &p, &v);
	if (err == -EISDIR)
		return dump_and_print(k, &p, argv[1]);
	if (err)
		return kernel_failed(k, argv[1], err);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_object_new_string(argv[1]));
		json_object_object_add(o, "type", json_object_new_string(klwm2m_type_name(v.type)));
		json_object_object_add(o, "value", json_value(&v));
		print_json(o);
	} else {
		char *t = value_text(&v);

		puts(t ? t : "?");
		free(t);
	}
	klwm2m_value_release(&v);
	return 0;
}

int cmd_dump(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_path p;

	if (argc > 2)
		return usage_error("dump takes at most one path");
	if (argc == 2 && parse_path_arg(argv[1], 0x1f, &p))
		return EXIT_USAGE;
	return dump_and_print(k, argc == 2 ? &p : NULL, argc == 2 ? argv[1] : "dump");
}
