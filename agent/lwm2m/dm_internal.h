/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of the DM half share (dm.c dispatches; read.c, write.c,
 * discover.c, exec.c and observe.c each carry out operations). Not for the
 * rest of the agent: dm.h is the interface.
 *
 * One request is one struct dm_req, on dm.c's stack: the path, the object's
 * definition, and the response to fill. Bytes a response points to (its
 * payload, Location-Path, diagnostic) live in struct lwm2m_dm until the
 * next request, because the endpoint serialises the response after the
 * request callback returned.
 */
#ifndef KLWM2MD_LWM2M_DM_INTERNAL_H
#define KLWM2MD_LWM2M_DM_INTERNAL_H

#include "formats/formats.h"
#include "lwm2m/dm.h"
#include "lwm2m/errors.h"

struct dm_obs;
struct dm_exec;
struct dm_def;

/*
 * A list of records with their own copies of the bytes. The bytes live in
 * chunks that never move (a pointer into one stays good while the list
 * lives), allocated a few at a time rather than one per value.
 */
struct dm_chunk;
struct dm_recs {
	struct klwm2m_record *r;
	size_t n, cap;
	struct dm_chunk *chunks;	/* the newest first */
};

struct lwm2m_dm {
	struct klwm2m *k;
	struct kcoap_ep *ep;
	struct lwm2m_dm_hooks hooks;
	struct dm_obs *obs;		/* the observations, a list */
	struct dm_exec *execs;		/* executes waiting for their result */
	unsigned int nexecs;
	uint32_t exec_timeout_ms;	/* the kernel's, read at the first execute */
	struct fmt_buf out;		/* the current response's payload */
	struct dm_recs recs;		/* the current Read's records */
	char location[KLWM2M_PATH_STRLEN];
	struct fmt_diag diag;		/* the current error response's payload */
	struct dm_def *defs;		/* the definitions cache (defs.c), a list */
	unsigned int ndefs;
};

struct dm_req {
	struct lwm2m_dm *dm;
	uint16_t ssid;
	int preferred_cf;
	struct kcoap_ep *ep;
	const struct kcoap_ep_request *req;
	struct kcoap_msg *resp;
	struct klwm2m_path path;
	const struct klwm2m_objdef *def; /* path's object (depth >= 1) */
	struct dm_def *defref;		/* the cache entry holding it; a reference */
	enum lwm2m_op op;
};

void dm_recs_free(struct dm_recs *rs);
/* dm_recs_reset() - empty @rs for another use, keeping a little memory. */
void dm_recs_reset(struct dm_recs *rs);
/* dm_recs_add() - append a copy of @rec (its bytes copied). 0 or -errno. */
int dm_recs_add(struct dm_recs *rs, const struct klwm2m_record *rec);

/*
 * defs.c: the object definitions, cached (see there). dm_def_get() - the
 * definition of object @oid with a reference for the caller (dm_def_put()):
 * 0, -ENOENT (no such object) or another -errno of klwm2m_object_get().
 */
int dm_def_get(struct lwm2m_dm *dm, uint16_t oid, struct dm_def **out);
/* dm_def_put() - drop a reference; NULL is accepted */
void dm_def_put(struct dm_def *d);
/* dm_def_of() - the definition an entry holds */
const struct klwm2m_objdef *dm_def_of(const struct dm_def *d);

/* dm_resdef() - the definition of resource @rid in @def, or NULL */
const struct klwm2m_resdef *dm_resdef(const struct klwm2m_objdef *def, uint16_t rid);

/*
 * dm_readable() - whether a server may see @rec's value: a value record
 * of a resource with KLWM2M_OP_READ that is not secret.
 */
int dm_readable(const struct klwm2m_objdef *def, const struct klwm2m_record *rec);

/*
 * dm_fail() - answer the request with the code for @err (errors.c) and the
 * diagnostic text (printf) as payload; logged at info level. Returns 0 (the
 * response is filled).
 */
int dm_fail(struct dm_req *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* dm_fail_kernel() - dm_fail() with libklwm2m's reason for @err (klwm2m_errmsg()). */
int dm_fail_kernel(struct dm_req *r, int err, const char *what);

/* The operations: each fills r->resp (0), or returns KCOAP_EP_DEFERRED or -errno. */
int dm_read(struct dm_req *r);
int dm_observe(struct dm_req *r);
int dm_discover(struct dm_req *r);
int dm_write(struct dm_req *r, int replace);
int dm_write_attrs(struct dm_req *r);
int dm_create(struct dm_req *r);
int dm_delete(struct dm_req *r);
int dm_execute(struct dm_req *r);

/*
 * dm_collect() - the records a server may read under r->path (dm_readable()),
 * in path order, the instance records of the dump kept. -ENOENT when there is
 * nothing at a resource path; another -errno.
 */
int dm_collect(struct dm_req *r, struct dm_recs *rs, struct fmt_diag *why);

/*
 * dm_encode_answer() - answer 2.05 with @rs in the negotiated format (Accept,
 * then the server's preferred one), or fail the request (4.06, ...). The
 * format chosen in *@cf (may be NULL). 0, or -errno for 5.00.
 */
int dm_encode_answer(struct dm_req *r, const struct dm_recs *rs, int *cf);

/* observe.c: the kernel's side of observations */
int dm_obs_notify(struct klwm2m *k, const struct klwm2m_notification *n, void *arg);
void dm_obs_free_all(struct lwm2m_dm *dm);
/* exec.c */
int dm_exec_result(struct klwm2m *k, uint32_t id, int status, void *arg);
void dm_exec_free_all(struct lwm2m_dm *dm);

#endif /* KLWM2MD_LWM2M_DM_INTERNAL_H */
