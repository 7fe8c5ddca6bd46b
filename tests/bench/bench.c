// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2m benchmark: issue 3's performance targets, measured inside the test
 * VM by tests/bench/run-in-vm (make bench). Not a test: it prints figures and
 * PASS/MISS against the targets, and fails only when the benchmark itself
 * breaks (a call that should succeed fails).
 *
 *   bench rates [SECONDS]	1. round trips: single set/get, batches of
 *				100, and a baseline AF_UNIX datagram daemon
 *   bench observe SECONDS	4. notifications (issue 4): latency from a set
 *				to the observer, against a no-op round trip;
 *				the cost of a set with 0, 1, 100 and 10,000
 *				observations elsewhere and on its path; memory
 *				per observation and per attribute set
 *   bench store SECONDS MAX_INSTANCES LABEL
 *				a store of 100 integer resources per instance
 *				grown to 10, 1000 and 10000 instances (1k, 100k,
 *				1M values; MAX_INSTANCES stops earlier):
 *				2. bytes per value at 100k, from the slab
 *				allocator's accounting and the module's own;
 *				3. get rate of random resources at each size
 *
 * Each rate runs for about SECONDS (default 1) and is the best of two runs:
 * the VM shares two host cores with other work, and the best run is the one
 * least disturbed by it. Single and batched sets, whose ratio is a target,
 * run in alternating rounds instead (see paired()): the ratio is the median
 * of the rounds', each round's two rates taken a moment apart. Every phase works in the caller's network namespace
 * on one object it defines (BENCH_OID); "rates" removes it at the end,
 * "store" leaves it for the module's unload to free.
 *
 * Threading: one thread; the baseline daemon is a forked process; "observe"
 * receives notifications in a second thread.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>
#include <semaphore.h>

#include <linux/klwm2m.h>
#include <libklwm2m.h>

#include "genl.h"

/* An object ID the LwM2M registry does not use. */
#define BENCH_OID	32700
/* Resources per instance in every phase, all integers; one float after them. */
#define BENCH_NRES	100

static double seconds = 1.0;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Dies with the library's (the kernel's) reason when @err is an error. */
static void check(struct klwm2m *k, int err, const char *what)
{
	if (err)
		die("%s: %s (%s)", what, klwm2m_strerror(err), k ? klwm2m_errmsg(k) : "");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A progress line: where the time goes in a slow VM. */
static void progress(const char *what)
{
	static double t0;

	if (!t0)
		t0 = now();
	printf("#   %6.1f s  %s\n", now() - t0, what);
}

static void pause_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A small, fast, reproducible generator for the random paths. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/*
 * Calls op(arg, i) for i = 0, 1, ... until @seconds have passed, twice, and
 * returns the better rate in calls per second. A short warm-up comes first.
 */
typedef void (*op_fn)(void *arg, unsigned long i);

/* The rate of op over about @secs. */
static double rate_for(op_fn op, void *arg, double secs)
{
	unsigned long n = 0;
	double t0 = now(), t;

	do {
		for (int j = 0; j < 16; j++, n++)
			op(arg, n);
		t = now() - t0;
	} while (t < secs);
	return n / t;
}

static double rate(op_fn op, void *arg)
{
	double best = 0;

	for (unsigned long i = 0; i < 20; i++)
		op(arg, i);
	for (int run = 0; run < 2; run++) {
		double r = rate_for(op, arg, seconds);

		if (r > best)
			best = r;
	}
	return best;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Two rates whose ratio is a target, measured in alternating short rounds
 * (@rounds of @secs each) so that a disturbance from the host lands on both
 * alike: *@best_a and *@best_b the best round of each, and the return value
 * the median of the rounds' ratios b / a.
 */
#define PAIR_ROUNDS_MAX 16
#define PAIR_ROUNDS 7

static double paired(op_fn a, void *arg_a, op_fn b, void *arg_b, int rounds, double secs,
		     double *best_a, double *best_b)
{
	double ratio[PAIR_ROUNDS_MAX];

	if (rounds > PAIR_ROUNDS_MAX)
		rounds = PAIR_ROUNDS_MAX;
	*best_a = *best_b = 0;
	for (unsigned long i = 0; i < 20; i++) {
		a(arg_a, i);
		b(arg_b, i);
	}
	for (int r = 0; r < rounds; r++) {
		double ra = rate_for(a, arg_a, secs), rb = rate_for(b, arg_b, secs);

		ratio[r] = rb / ra;
		if (ra > *best_a)
			*best_a = ra;
		if (rb > *best_b)
			*best_b = rb;
	}
	qsort(ratio, rounds, sizeof(ratio[0]), cmp_double);
	return rounds % 2 ? ratio[rounds / 2] : (ratio[rounds / 2 - 1] + ratio[rounds / 2]) / 2;
}

static const char *verdict(int pass)
{
	return pass ? "PASS" : "MISS";
}

/* ---------------------------------------------------------------- the object */

#define RES(i, r) (&(struct klwm2m_path){ .oid = BENCH_OID, .iid = (i), .rid = (r), .depth = 3 })

static struct klwm2m *open_store(void)
{
	struct klwm2m *k;
	int err = klwm2m_open(&k);

	if (err)
		die("cannot open libklwm2m: %s", klwm2m_last_error());
	return k;
}

/* BENCH_NRES integer resources (IDs 0..99) and a float one (ID 100). */
static void define_object(struct klwm2m *k)
{
	struct klwm2m_resdef res[BENCH_NRES + 1];
	struct klwm2m_objdef def = {
		.id = BENCH_OID,
		.flags = KLWM2M_OBJ_F_MULTIPLE,
		.version = "1.0",
		.name = "klwm2m bench",
		.nres = BENCH_NRES + 1,
		.res = res,
	};

	memset(res, 0, sizeof(res));
	for (unsigned int i = 0; i <= BENCH_NRES; i++) {
		res[i].id = i;
		res[i].type = i < BENCH_NRES ? KLWM2M_TYPE_INTEGER : KLWM2M_TYPE_FLOAT;
		res[i].ops = KLWM2M_OP_READ | KLWM2M_OP_WRITE;
		snprintf(res[i].name, sizeof(res[i].name), "Value %u", i);
	}
	check(k, klwm2m_define(k, &def, NULL), "define the bench object");
}

static void create_instances(struct klwm2m *k, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++)
		check(k, klwm2m_create(k, BENCH_OID, (int)i, NULL), "create an instance");
}

/* Sets resources 0..BENCH_NRES-1 of instances [from, to), in batches of @per instances. */
static void fill(struct klwm2m *k, unsigned int from, unsigned int to, unsigned int per)
{
	for (unsigned int i = from; i < to; i += per) {
		struct klwm2m_batch *b;

		check(k, klwm2m_batch_new(k, &b), "new batch");
		for (unsigned int j = i; j < i + per && j < to; j++)
			for (unsigned int r = 0; r < BENCH_NRES; r++) {
				struct klwm2m_value v = {
					.type = KLWM2M_TYPE_INTEGER,
					.i = (int64_t)j * BENCH_NRES + r,
				};

				check(k, klwm2m_batch_add(b, RES(j, r), &v), "batch add");
			}
		check(k, klwm2m_batch_commit(b), "commit a batch");
		klwm2m_batch_free(b);
	}
}

static void remove_object(struct klwm2m *k, unsigned int ninst)
{
	for (unsigned int i = 0; i < ninst; i++)
		check(k, klwm2m_delete(k, BENCH_OID, i), "delete an instance");
	check(k, klwm2m_undefine(k, BENCH_OID), "undefine the bench object");
}

static uint64_t store_used(struct klwm2m *k)
{
	struct klwm2m_info info;

	check(k, klwm2m_info(k, &info), "info");
	return info.store_used;
}

/* ---------------------------------------------------------------- 1. round trips */

static void op_set_int(void *arg, unsigned long i)
{
	struct klwm2m *k = arg;

	check(k, klwm2m_set_int(k, RES(0, 0), (int64_t)i), "set an integer");
}

static void op_set_float(void *arg, unsigned long i)
{
	struct klwm2m *k = arg;

	check(k, klwm2m_set_float(k, RES(0, BENCH_NRES), (double)i * 0.25), "set a float");
}

static void op_get_int(void *arg, unsigned long i)
{
	struct klwm2m *k = arg;
	int64_t v;

	(void)i;
	check(k, klwm2m_get_int(k, RES(0, 0), &v), "get an integer");
}

/* A batch as an application writes one: built, committed, freed. */
static void op_batch(void *arg, unsigned long i)
{
	struct klwm2m *k = arg;
	struct klwm2m_batch *b;

	check(k, klwm2m_batch_new(k, &b), "new batch");
	for (unsigned int r = 0; r < BENCH_NRES; r++) {
		struct klwm2m_value v = { .type = KLWM2M_TYPE_INTEGER, .i = (int64_t)(i + r) };

		check(k, klwm2m_batch_add(b, RES(0, r), &v), "batch add");
	}
	check(k, klwm2m_batch_commit(b), "commit a batch of 100");
	klwm2m_batch_free(b);
}

/*
 * The baseline: the least a daemon-based store costs. A forked process
 * receives a set request (path, type, value) on an AF_UNIX datagram socket,
 * stores the value in an open-addressing hash table, and answers with a
 * status; the client waits for the answer, as libklwm2m waits for the
 * kernel's acknowledgement.
 */
struct daemon_req {
	uint16_t oid, iid, rid;
	uint8_t type;
	uint8_t quit;
	uint64_t value;
};

struct daemon_slot {
	uint64_t key;		/* 1 + oid << 32 | iid << 16 | rid; 0 is empty */
	uint64_t value;
	uint8_t type;
};

#define DAEMON_SLOTS 4096	/* a power of two */

static void daemon_loop(int fd)
{
	static struct daemon_slot table[DAEMON_SLOTS];
	struct daemon_req req;

	for (;;) {
		ssize_t n = recv(fd, &req, sizeof(req), 0);
		int32_t status = 0;
		uint64_t key, h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(req) || req.quit)
			_exit(0);
		if (req.type != KLWM2M_TYPE_INTEGER && req.type != KLWM2M_TYPE_FLOAT) {
			status = -EINVAL;
		} else {
			key = 1 + ((uint64_t)req.oid << 32 | (uint64_t)req.iid << 16 | req.rid);
			h = key * 0x9e3779b97f4a7c15ULL >> 52;
			while (table[h].key && table[h].key != key)
				h = (h + 1) & (DAEMON_SLOTS - 1);
			table[h].key = key;
			table[h].value = req.value;
			table[h].type = req.type;
		}
		if (send(fd, &status, sizeof(status), 0) < 0)
			_exit(1);
	}
}

struct daemon {
	int fd;
	pid_t pid;
};

static void op_daemon_set(void *arg, unsigned long i)
{
	struct daemon *d = arg;
	struct daemon_req req = {
		.oid = BENCH_OID, .rid = 0, .type = KLWM2M_TYPE_INTEGER, .value = i,
	};
	int32_t status;

	if (send(d->fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req) ||
	    recv(d->fd, &status, sizeof(status), 0) != (ssize_t)sizeof(status) || status)
		die("baseline daemon: %s", strerror(errno));
}

/* The baseline's rate, with the daemon on the client's CPU (@pin) or anywhere. */
static double daemon_rate(int pin)
{
	cpu_set_t all, one;
	struct daemon d;
	int sv[2], st;
	double r;

	if (sched_getaffinity(0, sizeof(all), &all))
		die("sched_getaffinity: %s", strerror(errno));
	if (pin) {
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			die("sched_setaffinity: %s", strerror(errno));
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair: %s", strerror(errno));
	d.pid = fork();
	if (d.pid < 0)
		die("fork: %s", strerror(errno));
	if (d.pid == 0) {
		close(sv[0]);
		daemon_loop(sv[1]);
	}
	close(sv[1]);
	d.fd = sv[0];
	r = rate(op_daemon_set, &d);
	send(d.fd, &(struct daemon_req){ .quit = 1 }, sizeof(struct daemon_req), 0);
	if (waitpid(d.pid, &st, 0) != d.pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("the baseline daemon did not end cleanly");
	close(d.fd);
	if (pin && sched_setaffinity(0, sizeof(all), &all))
		die("sched_setaffinity: %s", strerror(errno));
	return r;
}

static int cmd_rates(void)
{
	struct klwm2m *k = open_store();
	double set_i, set_f, get_i, batch, base_pin, base_any, base, batch_ratio;
	int64_t last;

	define_object(k);
	create_instances(k, 0, 1);
	fill(k, 0, 1, 1);

	printf("== 1. round trips (best of 2 runs of %.1f s each; single and batched sets: best of\n"
	       "   %d alternating rounds of %.1f s; %ld CPUs online)\n", seconds, PAIR_ROUNDS,
	       seconds / 2, sysconf(_SC_NPROCESSORS_ONLN));
	progress("set, integer and batches of 100, alternating");
	/* Batches per second over single sets: x100 gives values per second. */
	batch_ratio = BENCH_NRES * paired(op_set_int, k, op_batch, k, PAIR_ROUNDS, seconds / 2,
					  &set_i, &batch);
	check(k, klwm2m_get_int(k, RES(0, 0), &last), "read back");
	if (last < 0)
		die("read back a negative value");
	progress("set, float");
	set_f = rate(op_set_float, k);
	progress("get, integer");
	get_i = rate(op_get_int, k);
	progress("baseline daemon, same CPU");
	base_pin = daemon_rate(1);
	/* With one CPU, "any CPU" is the same CPU: not measured twice. */
	progress("baseline daemon, any CPU");
	base_any = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? daemon_rate(0) : base_pin;
	progress("done");
	base = base_pin > base_any ? base_pin : base_any;

	printf("  set, one integer per call (libklwm2m)      %10.0f /s\n", set_i);
	printf("  set, one float per call (libklwm2m)        %10.0f /s\n", set_f);
	printf("  get, one integer per call (libklwm2m)      %10.0f /s\n", get_i);
	printf("  batched set, 100 integers per call         %10.0f values/s (%.0f batches/s)\n",
	       batch * BENCH_NRES, batch);
	printf("  baseline: AF_UNIX datagram daemon set, same CPU  %10.0f /s\n", base_pin);
	printf("  baseline: AF_UNIX datagram daemon set, any CPU   %10.0f /s\n", base_any);
	printf("  ratio single set (integer) / baseline (the faster)  %6.2f  target >= 1.5   %s\n",
	       set_i / base, verdict(set_i / base >= 1.5));
	printf("  ratio single set (float) / baseline (the faster)    %6.2f  target >= 1.5   %s\n",
	       set_f / base, verdict(set_f / base >= 1.5));
	printf("  ratio batched values / single set (integer)         %6.2f  target >= 20    %s\n",
	       batch_ratio, verdict(batch_ratio >= 20));
	printf("    (median of %d alternating rounds of %.1f s each; best rounds: %.2f)\n",
	       PAIR_ROUNDS, seconds / 2, batch * BENCH_NRES / set_i);

	remove_object(k, 1);
	klwm2m_close(k);
	return 0;
}

/* ---------------------------------------------------------------- 2. memory */

/*
 * The slab allocator's accounting. /proc/slabinfo (CONFIG_SLUB_DEBUG) gives
 * each cache's objects and the slot size of one (object, KASAN redzone and
 * metadata); /sys/kernel/slab/NAME/object_size the object itself, what a
 * production kernel allocates. Before reading, every cache is shrunk: that
 * empties KASAN's quarantine of freed objects (which slabinfo still counts)
 * and the per-CPU slabs.
 */
struct cache {
	char name[64];
	long objs, slot, object_size, pages;
};

struct slab_snap {
	struct cache *c;
	size_t n;
	long slab_kb, sunreclaim_kb;
};

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void shrink_caches(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], name[64], path[128];

	if (!f)
		die("/proc/slabinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		FILE *s;

		if (sscanf(line, "%63s", name) != 1 || name[0] == '#' || !strcmp(name, "slabinfo"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
		s = fopen(path, "w");
		if (s) {
			fputs("1", s);
			fclose(s);
		}
	}
	fclose(f);
}

static void snapshot(struct slab_snap *s)
{
	char line[512], key[64];
	FILE *f;
	long v;

	/* Let RCU callbacks run (values and nodes are freed after a grace period). */
	pause_s(1);
	progress("shrinking the slab caches");
	shrink_caches();
	progress("reading the slab accounting");
	memset(s, 0, sizeof(*s));
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		die("/proc/slabinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct cache c = { 0 };
		long active, total, objper, pps, aslabs, nslabs;

		if (sscanf(line, "%63s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %ld %ld",
			   c.name, &active, &total, &c.slot, &objper, &pps, &aslabs, &nslabs) != 8)
			continue;
		c.objs = active;
		c.pages = nslabs * pps;
		s->c = realloc(s->c, (s->n + 1) * sizeof(*s->c));
		if (!s->c)
			die("out of memory");
		s->c[s->n++] = c;
	}
	fclose(f);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %ld kB", key, &v) != 2)
			continue;
		if (!strcmp(key, "Slab"))
			s->slab_kb = v;
		else if (!strcmp(key, "SUnreclaim"))
			s->sunreclaim_kb = v;
	}
	fclose(f);
}

static const struct cache *find_cache(const struct slab_snap *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i];
	return NULL;
}

static long object_size(const char *name, long fallback)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/object_size", name);
	v = read_long(path);
	return v > 0 ? v : fallback;
}

/* Prints what grew between @a and @b, per value of @total, against the target. */
static void print_memory(const struct slab_snap *a, const struct slab_snap *b,
			 unsigned long total, uint64_t used)
{
	long bytes_obj = 0, bytes_slot = 0, pages = 0, leak_meta = 0;

	printf("  %-24s %10s %8s %8s %12s\n", "cache (grew by >= 1%)", "objects", "object",
	       "slot", "bytes/value");
	for (size_t i = 0; i < b->n; i++) {
		const struct cache *c = &b->c[i], *o = find_cache(a, c->name);
		long d = c->objs - (o ? o->objs : 0);
		long osz = object_size(c->name, c->slot);

		if (!strcmp(c->name, "kmemleak_object")) {
			/* kmemleak's record of each allocation: debug kernels only */
			leak_meta += d * c->slot;
			continue;
		}
		pages += c->pages - (o ? o->pages : 0);
		bytes_obj += d * osz;
		bytes_slot += d * c->slot;
		if (labs(d) * 100 >= (long)total)
			printf("  %-24s %+10ld %8ld %8ld %12.1f\n", c->name, d, osz, c->slot,
			       (double)d * osz / total);
	}
	printf("  (kmemleak_object, debug kernels only: %+ld bytes, left out)\n", leak_meta);
	printf("  bytes per value, beyond its 8 bytes:\n");
	printf("    slab objects (sizes a production kernel allocates)    %7.1f   target <= 96   %s\n",
	       (double)bytes_obj / total - 8, verdict((double)bytes_obj / total - 8 <= 96));
	printf("    the module's own accounting (INFO store_used)         %7.1f\n",
	       (double)used / total - 8);
	printf("    this kernel's slots (KASAN redzones, metadata if any) %7.1f\n",
	       (double)bytes_slot / total - 8);
	printf("    this kernel's slab pages (no kmemleak)                %7.1f\n",
	       (double)pages * sysconf(_SC_PAGESIZE) / total - 8);
	printf("    /proc/meminfo SUnreclaim (kmemleak's, if any, too)    %7.1f   (Slab: %.1f)\n",
	       (b->sunreclaim_kb - a->sunreclaim_kb) * 1024.0 / total - 8,
	       (b->slab_kb - a->slab_kb) * 1024.0 / total - 8);
}

struct lookup {
	struct klwm2m *k;
	unsigned int ninst;
};

static void op_get_random(void *arg, unsigned long i)
{
	struct lookup *l = arg;
	uint32_t x = rng();
	int64_t v;

	(void)i;
	check(l->k, klwm2m_get_int(l->k, RES(x % l->ninst, (x >> 16) % BENCH_NRES), &v),
	      "get a random integer");
}

/*
 * 2. and 3.: the store grows to 1k, 100k and (unless @max_inst stops it
 * earlier) 1M values, BENCH_NRES integers per instance; at each size the
 * rate of gets of random resources, and the baseline daemon's rate right
 * after it (the host's load drifts over the minutes a 1M fill takes in the
 * test VM: the ratio of the two cancels that); at 100k the memory. The store is left
 * full: unloading the module empties it faster than deleting through netlink.
 */
static int cmd_store(const char *label, unsigned int max_inst)
{
	static const unsigned int sizes[] = { 10, 1000, 10000 };	/* instances */
	struct lookup l = { .k = open_store() };
	unsigned int have = 0, s;
	struct slab_snap a, b;
	uint64_t used0;
	double r[3], base[3];

	printf("== 2./3. store of %u integer resources per instance, %s\n", BENCH_NRES, label);
	define_object(l.k);
	used0 = store_used(l.k);
	snapshot(&a);
	for (s = 0; s < 3 && sizes[s] <= max_inst; s++) {
		unsigned long values = (unsigned long)(sizes[s] - have) * BENCH_NRES;
		double t = now();

		progress("filling");
		create_instances(l.k, have, sizes[s]);
		fill(l.k, have, sizes[s], 10);
		t = now() - t;
		have = sizes[s];
		l.ninst = have;
		printf("  %8u values: filled at %.0f values/s (batches of %u), store_used %llu bytes\n",
		       have * BENCH_NRES, values / t, 10 * BENCH_NRES,
		       (unsigned long long)store_used(l.k));
		if (have == 1000) {
			snapshot(&b);
			printf("  memory at %u values (%u instances x %u):\n", have * BENCH_NRES, have,
			       BENCH_NRES);
			print_memory(&a, &b, (unsigned long)have * BENCH_NRES,
				     store_used(l.k) - used0);
			free(b.c);
		}
		progress("random gets");
		r[s] = rate(op_get_random, &l);
		progress("baseline daemon");
		base[s] = daemon_rate(1);
		printf("  %8u values: %8.0f gets/s of a random resource (baseline daemon now: %.0f /s)\n",
		       have * BENCH_NRES, r[s], base[s]);
	}
	free(a.c);
	if (s == 3) {
		printf("  bytes per value at 1M, module's accounting, beyond 8: %.1f\n",
		       (double)(store_used(l.k) - used0) / ((unsigned long)have * BENCH_NRES) - 8);
		double norm = r[2] / base[2] / (r[0] / base[0]);

		printf("  ratio get rate 1M / 1k     %6.2f  (100k / 1k: %.2f)\n", r[2] / r[0],
		       r[1] / r[0]);
		printf("  the same, each rate over the baseline measured right after it (the host's\n"
		       "  load drifts during the fill):\n");
		printf("  ratio get rate 1M / 1k, normalised  %6.2f  target >= 0.8 (cost does not grow)  %s\n",
		       norm, verdict(norm >= 0.8));
	}
	progress("done");
	klwm2m_close(l.k);
	return 0;
}

/* ---------------------------------------------------------------- 4. notifications */

/*
 * Observations are made on raw generic netlink sockets (tests/selftests/genl.c):
 * the latency measured is the kernel's, not a library's.
 */
static int family;

static void raw_check(int err, const struct genl_ack *a, const char *what)
{
	if (err || a->error)
		die("%s: %s (%s)", what, strerror(-(err ? err : a->error)), a->msg);
}

static uint32_t raw_observe(int fd, uint16_t iid, uint16_t rid)
{
	struct genl_req r;
	struct genl_ack a;
	size_t nest;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBS_CREATE, KLWM2M_GENL_VERSION);
	nest = genl_req_nest(&r, KLWM2M_A_OBS_PATH);
	put_u16(&r, KLWM2M_A_PATH_OBJ, BENCH_OID);
	put_u16(&r, KLWM2M_A_PATH_INST, iid);
	put_u16(&r, KLWM2M_A_PATH_RES, rid);
	genl_req_nest_end(&r, nest);
	raw_check(genl_exchange(fd, &r, &a), &a, "observe");
	if (!a.tb[KLWM2M_A_OBS_ID])
		die("observe: no ID in the reply");
	return *(uint32_t *)((char *)a.tb[KLWM2M_A_OBS_ID] + NLA_HDRLEN);
}

static void raw_attr(int fd, uint16_t iid, uint16_t rid)
{
	struct genl_req r;
	struct genl_ack a;
	size_t nest;

	genl_req_init(&r, family, 0, KLWM2M_CMD_ATTR_SET, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_ATTR_SERVER, 1);
	nest = genl_req_nest(&r, KLWM2M_A_ATTR_PATH);
	put_u16(&r, KLWM2M_A_PATH_OBJ, BENCH_OID);
	put_u16(&r, KLWM2M_A_PATH_INST, iid);
	put_u16(&r, KLWM2M_A_PATH_RES, rid);
	genl_req_nest_end(&r, nest);
	put_u32(&r, KLWM2M_A_ATTR_PMIN, 1);
	put_u32(&r, KLWM2M_A_ATTR_PMAX, 60);
	raw_check(genl_exchange(fd, &r, &a), &a, "write attributes");
}

static void op_noop(void *arg, unsigned long i)
{
	struct genl_req r;
	struct genl_ack a;

	(void)i;
	genl_req_init(&r, family, 0, KLWM2M_CMD_INFO, KLWM2M_GENL_VERSION);
	raw_check(genl_exchange(*(int *)arg, &r, &a), &a, "info");
}

/* The observer thread: stamps each notification's arrival. */
struct observer {
	int fd;
	sem_t got;
	double at;
	volatile int stop;
};

static void *observer_loop(void *arg)
{
	struct observer *o = arg;
	struct genl_ack a;

	while (!o->stop) {
		int cmd = genl_recv(o->fd, &a, 200);

		if (cmd == KLWM2M_CMD_NOTIFY) {
			o->at = now();
			sem_post(&o->got);
		} else if (cmd != -ETIMEDOUT) {
			die("observer: %s", strerror(cmd < 0 ? -cmd : EBADMSG));
		}
	}
	return NULL;
}

static double pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(size_t)(p * (n - 1))];
}

static long slab_bytes(const struct slab_snap *a, const struct slab_snap *b)
{
	long bytes = 0;

	for (size_t i = 0; i < b->n; i++) {
		const struct cache *c = &b->c[i], *o = find_cache(a, c->name);

		if (strcmp(c->name, "kmemleak_object"))
			bytes += (c->objs - (o ? o->objs : 0)) * object_size(c->name, c->slot);
	}
	return bytes;
}

#define LAT_N		2000
#define OBS_MANY	10000

static int cmd_observe(void)
{
	static double lat_ret[LAT_N], lat_call[LAT_N], rtt[LAT_N];
	static const unsigned int counts[] = { 0, 1, 100, OBS_MANY };
	struct klwm2m *k = open_store();
	double other[4], same[4];
	struct slab_snap s0, s1, s2;
	struct observer o = { 0 };
	int ctl, big = 256 << 20;
	unsigned int have, i;
	pthread_t th;

	ctl = genl_open();
	family = ctl >= 0 ? genl_family(ctl, KLWM2M_GENL_NAME) : -1;
	if (family < 0)
		die("cannot reach the klwm2m family");
	define_object(k);
	create_instances(k, 0, OBS_MANY + 1);
	fill(k, 0, 1, 1);
	printf("== 4. notifications (%u instances of %u resources; %ld CPUs online)\n",
	       OBS_MANY + 1, BENCH_NRES + 1, sysconf(_SC_NPROCESSORS_ONLN));

	/* Latency: set, then the observer thread's receipt, one at a time. */
	progress("latency");
	o.fd = genl_open();
	if (o.fd < 0 || sem_init(&o.got, 0, 0))
		die("observer socket");
	raw_observe(o.fd, 0, 0);
	if (pthread_create(&th, NULL, observer_loop, &o))
		die("observer thread");
	for (i = 0; i < LAT_N; i++) {
		double t0 = now(), t1;
		struct timespec ts;

		check(k, klwm2m_set_int(k, RES(0, 0), (int64_t)i + 1000), "set");
		t1 = now();
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		if (sem_timedwait(&o.got, &ts))
			die("no notification within 5 s of set %u", i);
		lat_ret[i] = o.at - t1;
		lat_call[i] = o.at - t0;
	}
	o.stop = 1;
	pthread_join(th, NULL);
	close(o.fd);
	for (i = 0; i < LAT_N; i++) {
		double t0 = now();

		op_noop(&ctl, i);
		rtt[i] = now() - t0;
	}

	/* Cost of a set: observations of other instances, then of the same resource. */
	progress("sets with observations elsewhere");
	o.fd = genl_open();
	for (i = 0, have = 0; i < 4; i++) {
		for (; have < counts[i]; have++)
			raw_observe(o.fd, have + 1, 0);
		other[i] = rate(op_set_int, k);
	}
	progress("memory of attribute sets and observations");
	close(o.fd);
	snapshot(&s0);
	for (have = 0; have < OBS_MANY; have++)
		raw_attr(ctl, have + 1, 1);
	snapshot(&s1);
	o.fd = genl_open();
	for (have = 0; have < OBS_MANY; have++)
		raw_observe(o.fd, have + 1, 1);
	snapshot(&s2);
	close(o.fd);

	progress("sets with observations of their resource");
	o.fd = genl_open();
	/* The observer never reads: room for one waiting notification each. */
	if (setsockopt(o.fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		die("SO_RCVBUFFORCE: %s", strerror(errno));
	same[0] = other[0];
	for (i = 1, have = 0; i < 4; i++) {
		for (; have < counts[i]; have++)
			raw_observe(o.fd, 0, 0);
		same[i] = rate(op_set_int, k);
	}
	close(o.fd);
	progress("done");

	printf("  no-op round trip (INFO, raw netlink), the floor:  p50 %7.1f us  p99 %7.1f us\n",
	       pct(rtt, LAT_N, 0.5) * 1e6, pct(rtt, LAT_N, 0.99) * 1e6);
	printf("  set returned -> observer received notification:   p50 %7.1f us  p99 %7.1f us\n",
	       pct(lat_ret, LAT_N, 0.5) * 1e6, pct(lat_ret, LAT_N, 0.99) * 1e6);
	printf("  set called -> observer received notification:     p50 %7.1f us  p99 %7.1f us\n",
	       pct(lat_call, LAT_N, 0.5) * 1e6, pct(lat_call, LAT_N, 0.99) * 1e6);
	printf("  ratio p50 latency (from set returning) / p50 floor   %6.2f  target <= 2    %s\n",
	       pct(lat_ret, LAT_N, 0.5) / pct(rtt, LAT_N, 0.5),
	       verdict(pct(lat_ret, LAT_N, 0.5) <= 2 * pct(rtt, LAT_N, 0.5)));
	printf("  %-34s %12s %12s %12s %12s\n", "set rate with N observations", "N=0", "N=1",
	       "N=100", "N=10000");
	printf("  %-34s %12.0f %12.0f %12.0f %12.0f /s\n", "  of other instances", other[0],
	       other[1], other[2], other[3]);
	printf("  %-34s %12.0f %12.0f %12.0f %12.0f /s\n", "  of the same resource", same[0],
	       same[1], same[2], same[3]);
	printf("  ratio set rate, 10000 elsewhere / none   %6.2f  target: nothing measurable (>= 0.9)  %s\n",
	       other[3] / other[0], verdict(other[3] / other[0] >= 0.9));
	printf("  cost per observer of the same resource: %.2f us at N=100, %.2f us at N=10000"
	       " (linear: about equal)\n",
	       (1 / same[2] - 1 / same[0]) / 100 * 1e6, (1 / same[3] - 1 / same[0]) / OBS_MANY * 1e6);
	printf("  memory: %.0f bytes per observation, %.0f bytes per attribute set (slab objects, %u each)\n",
	       (double)slab_bytes(&s1, &s2) / OBS_MANY, (double)slab_bytes(&s0, &s1) / OBS_MANY,
	       OBS_MANY);

	close(ctl);
	remove_object(k, OBS_MANY + 1);
	klwm2m_close(k);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench rates [SECONDS]\n"
		"       bench observe SECONDS\n"
		"       bench store SECONDS MAX_INSTANCES LABEL\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "rates"))
		return cmd_rates();
	if (argc == 3 && !strcmp(argv[1], "rates")) {
		seconds = atof(argv[2]);
		if (seconds <= 0)
			usage();
		return cmd_rates();
	}
	if (argc == 3 && !strcmp(argv[1], "observe")) {
		seconds = atof(argv[2]);
		if (seconds <= 0)
			usage();
		return cmd_observe();
	}
	if (argc == 5 && !strcmp(argv[1], "store")) {
		seconds = atof(argv[2]);
		if (seconds <= 0 || atoi(argv[3]) < 10)
			usage();
		return cmd_store(argv[4], (unsigned int)atoi(argv[3]));
	}
	usage();
	return 2;
}
