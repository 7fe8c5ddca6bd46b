// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * coapbench: issue 5's figures for the agent klwm2md, measured inside the
 * bench VM by tests/bench/agent-bench.sh (run-in-vm phase "agent"). Not a
 * test: it prints figures and PASS/MISS against the targets, and fails only
 * when the benchmark itself breaks (no Register, a request that should
 * succeed fails, nothing answered).
 *
 *   coapbench --port-file F --pid-file F --baseline PORT
 *	      [--seconds S] [--observations N]
 *
 * Model. coapbench is the LwM2M server: it binds UDP 127.0.0.1 on an
 * ephemeral port (written to --port-file, for the agent's configuration),
 * answers the agent's Register (POST /rd) with 2.01 Location-Path rd/1,
 * Updates with 2.04 and a Deregister with 2.02, all along. From that socket
 * it then sends the agent CON GETs (distinct Message IDs and 8-byte tokens,
 * a window of W outstanding: 1 and 8) and counts the 2.05 answers; the
 * same loop from a second socket against libcoap's coap-server-notls (its
 * "/" resource, --baseline PORT) is the floor. Five pairs of runs (2S/5
 * seconds each, at least 0.4), the two servers back to back so that both
 * see the same disturbances of the shared host: the ratio is the median
 * of the pairs' ratios, the rates printed are each server's best.
 *
 * Then the notifications: coapbench observes /3303/0/5700 (text/plain,
 * the agent's default pmin, 0 in the bench configuration) while a second
 * thread sets that resource through libklwm2m, paced at 1k, 5k and 20k
 * sets/s and unpaced, S seconds each; notifications are counted until
 * they stop, and the last one must carry the last value set (coalescing
 * may drop intermediate values, never the latest).
 *
 * Memory: the agent's VmRSS (/proc/PID/status) and its private pages
 * (/proc/PID/smaps_rollup Private_Clean + Private_Dirty: what it costs
 * beyond the shared libraries' shared pages), registered and idle, after
 * the load phases, and with N more observations (N GETs with Observe 0 and
 * distinct tokens on /3303/0/5700; default 1000).
 *
 * Messages are built and parsed with the agent's own codec
 * (agent/coap/msg.h): the generator shares no CoAP code with libcoap.
 * Threading: the main thread does all the socket work; the setter thread
 * only calls libklwm2m.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <libklwm2m.h>

#include "msg.h"

/* The high byte of a token says what the request was. */
#define TOK_READ	0x52ULL	/* 'R': a GET whose answer ends it */
#define TOK_OBS		0x4fULL	/* 'O': a GET with Observe 0 */

#define WINDOW_MAX	64
/* An answer later than this is counted lost and its slot reused. */
#define LOST_AFTER_S	2.0
/* The paced set rates of the notification phase; 0: unpaced. */
static const double set_rates[] = { 100, 1000, 5000, 20000, 0 };
#define OBS_PATH	"/3303/0/5700"
#define TARGET_RSS_KB	2048
/* Read rates: runs of each server, in pairs; the median pair decides. */
#define READ_PAIRS	5

enum slot_state { SLOT_FREE, SLOT_WAIT, SLOT_DONE };

/* One outstanding request of a load. */
struct slot {
	enum slot_state state;
	uint64_t tok;
	uint16_t mid;
	double sent;
	uint8_t code;		/* of the answer; 0: reset */
	int cf;			/* its Content-Format, -1: none */
	size_t payload_len;
};

struct bench {
	int srv_fd;			/* the LwM2M server's socket */
	int cli_fd;			/* the baseline client's socket */
	struct sockaddr_in agent;	/* where the agent's Register came from */
	bool registered;
	unsigned int registers, updates, deregisters;
	uint16_t mid;
	uint64_t seq;
	struct slot slots[WINDOW_MAX];
	unsigned int nslots;
	int slots_fd;			/* the socket the slots' answers arrive on */
	unsigned long notifs;		/* notifications received */
	double last_val;		/* the value the last notification carried */
	bool have_val;
	unsigned long ignored;		/* unparsable or unexpected datagrams */
};

/* A load: GETs of one path from one socket to one peer. */
struct load {
	int fd;
	const struct sockaddr_in *to;
	const char *path;
	int accept;			/* -1: no Accept option */
	bool observe;			/* Observe 0 */
	unsigned int window;
	double seconds;			/* for this long, or ... */
	unsigned long total;		/* ... this many requests (when nonzero) */
	pid_t pid;			/* the server's process, for its CPU time */
};

struct load_res {
	unsigned long ok, bad, lost, late;
	uint8_t bad_code;
	double rate;
	double cpu_us;			/* the server's CPU time per answer */
	double sys_us;			/* of which in the kernel */
	size_t payload_len;
	int cf;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("coapbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	double d = t - now();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------ sockets */

static int udp_socket(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, size = 4 << 20;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	/* Bursts of NON notifications must not overflow the queue: as root,
	 * past rmem_max; else as much as allowed. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind 127.0.0.1:%u: %s", port, strerror(errno));
	return fd;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		die("getsockname: %s", strerror(errno));
	return ntohs(a.sin_port);
}

static void send_msg(int fd, const struct sockaddr_in *to, const struct kcoap_msg *m)
{
	uint8_t buf[KCOAP_MAX_MSG_SIZE];
	int len = kcoap_build(m, buf, sizeof(buf));

	if (len < 0)
		die("kcoap_build: %s", strerror(-len));
	if (sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to)) != len)
		die("sendto: %s", strerror(errno));
}

static void send_empty(int fd, const struct sockaddr_in *to, uint8_t type, uint16_t mid)
{
	struct kcoap_msg m;

	kcoap_msg_init(&m, type, KCOAP_EMPTY, mid);
	send_msg(fd, to, &m);
}

static uint64_t tok_get(const struct kcoap_msg *m)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < m->tkl; i++)
		t = t << 8 | m->token[i];
	return t;
}

static void tok_set(struct kcoap_msg *m, uint64_t t)
{
	uint8_t b[8];

	for (int i = 7; i >= 0; i--, t >>= 8)
		b[i] = t & 0xff;
	kcoap_msg_set_token(m, b, sizeof(b));
}

/* ------------------------------------------------------------ receiving */

/* The agent's requests to its server: Register, Update, Deregister. */
static void on_request(struct bench *b, const struct kcoap_msg *m, const struct sockaddr_in *from)
{
	char path[KCOAP_PATH_STRLEN];
	struct kcoap_msg r;
	uint8_t code = KCOAP_NOT_FOUND;
	bool reg = false;

	if (kcoap_msg_path(m, KCOAP_OPT_URI_PATH, path, sizeof(path)) < 0)
		path[0] = '\0';
	if (m->code == KCOAP_POST && !strcmp(path, "/rd")) {
		b->agent = *from;
		b->registered = true;
		b->registers++;
		code = KCOAP_CREATED;
		reg = true;
	} else if (m->code == KCOAP_POST && !strcmp(path, "/rd/1")) {
		b->updates++;
		code = KCOAP_CHANGED;
	} else if (m->code == KCOAP_DELETE && !strcmp(path, "/rd/1")) {
		b->registered = false;
		b->deregisters++;
		code = KCOAP_DELETED;
	}
	if (m->type == KCOAP_CON)
		kcoap_msg_init(&r, KCOAP_ACK, code, m->mid);
	else
		kcoap_msg_init(&r, KCOAP_NON, code, b->mid++);
	kcoap_msg_set_token(&r, m->token, m->tkl);
	if (reg && kcoap_msg_add_path(&r, KCOAP_OPT_LOCATION_PATH, "/rd/1"))
		die("Location-Path");
	send_msg(b->srv_fd, from, &r);
}

static struct slot *slot_of(struct bench *b, int fd, uint64_t tok)
{
	unsigned int i = tok & 0xff;

	if (fd != b->slots_fd || i >= b->nslots || b->slots[i].state != SLOT_WAIT ||
	    b->slots[i].tok != tok)
		return NULL;
	return &b->slots[i];
}

/* A notification's text value (text/plain), for the last-value check. */
static void note_value(struct bench *b, const struct kcoap_msg *m)
{
	char text[64], *end;
	uint32_t cf;

	if (kcoap_msg_get_uint(m, KCOAP_OPT_CONTENT_FORMAT, &cf) || cf != KCOAP_CF_TEXT ||
	    !m->payload_len || m->payload_len >= sizeof(text))
		return;
	memcpy(text, m->payload, m->payload_len);
	text[m->payload_len] = '\0';
	b->last_val = strtod(text, &end);
	b->have_val = *end == '\0';
}

static void on_response(struct bench *b, int fd, const struct kcoap_msg *m,
			const struct sockaddr_in *from)
{
	uint64_t tok = m->tkl == 8 ? tok_get(m) : 0;
	struct slot *s = slot_of(b, fd, tok);
	uint32_t obs, cf;

	if (s) {
		s->state = SLOT_DONE;
		s->code = m->code;
		s->cf = kcoap_msg_get_uint(m, KCOAP_OPT_CONTENT_FORMAT, &cf) ? -1 : (int)cf;
		s->payload_len = m->payload_len;
	} else if (tok >> 56 == TOK_OBS && fd == b->srv_fd && !kcoap_msg_get_observe(m, &obs) &&
		   m->code == KCOAP_CONTENT) {
		b->notifs++;
		note_value(b, m);
	} else {
		/* late (counted lost already) or unknown: reject a CON */
		b->ignored++;
		if (m->type == KCOAP_CON)
			send_empty(fd, from, KCOAP_RST, m->mid);
		return;
	}
	if (m->type == KCOAP_CON)
		send_empty(fd, from, KCOAP_ACK, m->mid);
}

static void on_datagram(struct bench *b, int fd, const uint8_t *buf, size_t len,
			const struct sockaddr_in *from)
{
	static struct kcoap_msg m;
	int rc = kcoap_parse(&m, buf, len);

	if (rc || m.bad_opt) {
		b->ignored++;
		if (rc != -EPROTO && m.type == KCOAP_CON)
			send_empty(fd, from, KCOAP_RST, m.mid);
		return;
	}
	if (kcoap_code_is_request(m.code)) {
		if (fd == b->srv_fd)
			on_request(b, &m, from);
		else
			send_empty(fd, from, KCOAP_RST, m.mid);
		return;
	}
	if (m.code == KCOAP_EMPTY) {
		/* an ACK announcing a separate answer: wait for it; an RST
		 * ends the request it names */
		if (m.type == KCOAP_RST && fd == b->slots_fd)
			for (unsigned int i = 0; i < b->nslots; i++)
				if (b->slots[i].state == SLOT_WAIT && b->slots[i].mid == m.mid) {
					b->slots[i].state = SLOT_DONE;
					b->slots[i].code = 0;
				}
		if (m.type == KCOAP_CON)	/* a ping */
			send_empty(fd, from, KCOAP_RST, m.mid);
		return;
	}
	on_response(b, fd, &m, from);
}

static void drain(struct bench *b, int fd)
{
	uint8_t buf[2048];
	struct sockaddr_in from;
	socklen_t alen;
	ssize_t n;

	for (;;) {
		alen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &alen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			/* ICMP port unreachable from an earlier send */
			if (errno == ECONNREFUSED)
				continue;
			die("recvfrom: %s", strerror(errno));
		}
		if (alen == sizeof(from) && from.sin_family == AF_INET)
			on_datagram(b, fd, buf, n, &from);
	}
}

/* Wait up to @timeout_ms for datagrams, handle all that are queued. */
static void pump(struct bench *b, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = b->srv_fd, .events = POLLIN },
			       { .fd = b->cli_fd, .events = POLLIN } };

	if (poll(p, 2, timeout_ms) < 0) {
		if (errno == EINTR)
			return;
		die("poll: %s", strerror(errno));
	}
	for (int i = 0; i < 2; i++)
		if (p[i].revents)
			drain(b, p[i].fd);
}

/* ------------------------------------------------------------ loads */

static double proc_cpu(pid_t pid, double *sys);

static void slot_send(struct bench *b, const struct load *l, unsigned int idx)
{
	struct slot *s = &b->slots[idx];
	struct kcoap_msg m;

	s->tok = (l->observe ? TOK_OBS : TOK_READ) << 56 | (++b->seq & 0xffffffffffffULL) << 8 | idx;
	s->mid = b->mid++;
	kcoap_msg_init(&m, KCOAP_CON, KCOAP_GET, s->mid);
	tok_set(&m, s->tok);
	if (l->observe && kcoap_msg_add_observe(&m, KCOAP_OBSERVE_REGISTER))
		die("Observe");
	if (strcmp(l->path, "/") && kcoap_msg_add_path(&m, KCOAP_OPT_URI_PATH, l->path))
		die("bad path %s", l->path);
	if (l->accept >= 0 && kcoap_msg_add_uint(&m, KCOAP_OPT_ACCEPT, l->accept))
		die("Accept");
	send_msg(l->fd, l->to, &m);
	s->state = SLOT_WAIT;
	s->sent = now();
}

/*
 * Keep l->window requests outstanding, each answer freeing its slot for the
 * next request, for l->seconds (answers after that are not counted) or
 * until l->total requests were answered.
 */
static void run_load(struct bench *b, const struct load *l, struct load_res *res)
{
	double t0 = now(), end = t0 + l->seconds, t, sys0, sys1, cpu0 = proc_cpu(l->pid, &sys0);
	unsigned long sent = 0;
	unsigned int i, active;

	if (l->window < 1 || l->window > WINDOW_MAX)
		die("window %u: 1..%u", l->window, WINDOW_MAX);
	memset(res, 0, sizeof(*res));
	res->cf = -1;
	memset(b->slots, 0, sizeof(b->slots));
	b->nslots = l->window;
	b->slots_fd = l->fd;
	for (i = 0; i < l->window && (!l->total || sent < l->total); i++, sent++)
		slot_send(b, l, i);
	for (;;) {
		pump(b, 100);
		t = now();
		active = 0;
		for (i = 0; i < b->nslots; i++) {
			struct slot *s = &b->slots[i];

			if (s->state == SLOT_DONE) {
				if (!l->total && t > end)
					res->late++;
				else {
					if (s->code == KCOAP_CONTENT) {
						res->ok++;
						res->payload_len = s->payload_len;
						res->cf = s->cf;
					} else {
						res->bad++;
						res->bad_code = s->code;
					}
				}
				s->state = SLOT_FREE;
			} else if (s->state == SLOT_WAIT && t - s->sent > LOST_AFTER_S) {
				res->lost++;
				s->state = SLOT_FREE;
			}
			if (s->state == SLOT_FREE && (l->total ? sent < l->total : t < end)) {
				slot_send(b, l, i);
				sent++;
			}
			active += s->state == SLOT_WAIT;
		}
		if (!active)
			break;
	}
	res->rate = res->ok / (l->total ? now() - t0 : l->seconds);
	/* the answers after the end were served too: per answer, all of them */
	if (res->ok) {
		res->cpu_us = (proc_cpu(l->pid, &sys1) - cpu0) * 1e6 / (res->ok + res->late);
		res->sys_us = (sys1 - sys0) * 1e6 / (res->ok + res->late);
	}
	b->nslots = 0;
}

static const char *pass(bool ok)
{
	return ok ? "PASS" : "MISS";
}

static char *code_str(uint8_t code, char *buf)
{
	if (!code)
		return strcpy(buf, "RST");
	return kcoap_code_str(code, buf);
}

/* One request, which must be answered 2.05: the payload's size and format. */
static void probe(struct bench *b, struct load *l, const char *what, struct load_res *res)
{
	char c[KCOAP_CODE_STRLEN];

	l->total = 1;
	l->window = 1;
	run_load(b, l, res);
	l->total = 0;
	if (res->ok != 1)
		die("%s: %s", what, res->lost ? "no answer" : code_str(res->bad_code, c));
}

/* The CPUs this process (and the agent, started alike) may run on. */
static int cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	return CPU_COUNT(&set);
}

/* ------------------------------------------------------------ the agent's memory */

static long kb_field(const char *file, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	if (v < 0)
		die("%s: no %s", file, key);
	return v;
}

/* A process's CPU time so far (user + system), in seconds; *@sys: system's. */
static double proc_cpu(pid_t pid, double *sys)
{
	unsigned long long ut, st;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	*sys = 0;
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "(comm)": state is field 3, utime and stime are 14 and 15 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		die("%s: unexpected format", path);
	*sys = (double)st / sysconf(_SC_CLK_TCK);
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

struct mem {
	long rss_kb, priv_kb;
};

static struct mem agent_mem(pid_t pid)
{
	char status[64], rollup[64];
	struct mem m;

	snprintf(status, sizeof(status), "/proc/%d/status", (int)pid);
	snprintf(rollup, sizeof(rollup), "/proc/%d/smaps_rollup", (int)pid);
	m.rss_kb = kb_field(status, "VmRSS");
	m.priv_kb = kb_field(rollup, "Private_Clean") + kb_field(rollup, "Private_Dirty");
	return m;
}

static void print_mem(const char *what, struct mem m, bool target)
{
	printf("  %-34s VmRSS %6ld kB   private %6ld kB", what, m.rss_kb, m.priv_kb);
	if (target)
		printf("   target < %d kB: RSS %s, private %s", TARGET_RSS_KB,
		       pass(m.rss_kb < TARGET_RSS_KB), pass(m.priv_kb < TARGET_RSS_KB));
	putchar('\n');
	fflush(stdout);
}

/* Where the private pages are: per mapped file ([heap], [anon] ...), the largest. */
struct mapsum {
	char name[96];
	long kb;
};

static int mapsum_cmp(const void *a, const void *b)
{
	const struct mapsum *x = a, *y = b;

	return (y->kb > x->kb) - (y->kb < x->kb);
}

static void private_maps(pid_t pid, unsigned int top, char *out, size_t size)
{
	static struct mapsum sums[256];
	char path[64], line[512], name[96];
	unsigned int n = 0, cur = 0, i;
	unsigned long lo, hi;
	size_t len = 0;
	long kb;
	FILE *f;
	int k;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		k = sscanf(line, "%lx-%lx %*s %*s %*s %*s %95s", &lo, &hi, name);
		if (k >= 2) {
			if (k == 2)
				strcpy(name, "[anon]");
			for (cur = 0; cur < n && strcmp(sums[cur].name, name); cur++)
				;
			if (cur == n && n < sizeof(sums) / sizeof(sums[0])) {
				snprintf(sums[n].name, sizeof(sums[n].name), "%s", name);
				sums[n++].kb = 0;
			}
		} else if (cur < n && (sscanf(line, "Private_Clean: %ld", &kb) == 1 ||
				       sscanf(line, "Private_Dirty: %ld", &kb) == 1)) {
			sums[cur].kb += kb;
		}
	}
	fclose(f);
	qsort(sums, n, sizeof(sums[0]), mapsum_cmp);
	out[0] = '\0';
	for (i = 0; i < n && i < top && sums[i].kb && len < size; i++) {
		const char *base = strrchr(sums[i].name, '/');

		len += snprintf(out + len, size - len, "%s %s %ld kB", i ? "," : "",
				base ? base + 1 : sums[i].name, sums[i].kb);
	}
}

static pid_t read_pid(const char *file)
{
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(file, "r");
		long pid = 0;

		if (f) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid > 0)
			return pid;
		usleep(100000);
	}
	die("no PID in %s", file);
	return 0;
}

/* ------------------------------------------------------------ notifications */

struct setter {
	double rate;		/* sets/s; 0: as fast as possible */
	double seconds;
	uint64_t base;		/* values are (base + n) / 4: distinct, exact in binary */
	unsigned long sets;
	double elapsed;
	double last;
	int err;
	atomic_bool done;
};

static void *setter_main(void *arg)
{
	struct setter *s = arg;
	struct klwm2m_path p;
	struct klwm2m *k;
	double t0, t;
	unsigned long n = 0;

	s->err = klwm2m_open(&k);
	if (!s->err) {
		s->err = klwm2m_path_parse(OBS_PATH, &p);
		t0 = now();
		while (!s->err && (t = now()) - t0 < s->seconds) {
			if (s->rate > 0 && t0 + n / s->rate > t) {
				sleep_until(t0 + n / s->rate);
				continue;
			}
			s->last = (double)(s->base + n) / 4;
			s->err = klwm2m_set_float(k, &p, s->last);
			n += !s->err;
		}
		s->elapsed = now() - t0;
		klwm2m_close(k);
	}
	s->sets = n;
	atomic_store(&s->done, true);
	return NULL;
}

/* One step: the setter at @rate for @seconds; the notifications until they stop. */
static void notify_step(struct bench *b, pid_t pid, double rate, double seconds,
			uint64_t *base)
{
	struct setter s = { .rate = rate, .seconds = seconds, .base = *base };
	double sys, cpu0 = proc_cpu(pid, &sys), t0 = now();
	unsigned long seen;
	pthread_t th;
	char label[32];
	int err;

	b->notifs = 0;
	b->have_val = false;
	atomic_init(&s.done, false);
	err = pthread_create(&th, NULL, setter_main, &s);
	if (err)
		die("pthread_create: %s", strerror(err));
	while (!atomic_load(&s.done))
		pump(b, 20);
	pthread_join(th, NULL);
	if (s.err)
		die("set %s: %s", OBS_PATH, klwm2m_strerror(s.err));
	/* the last notifications: until none came for 500 ms (10 s at most) */
	for (int i = 0; i < 20; i++) {
		seen = b->notifs;
		pump(b, 500);
		drain(b, b->srv_fd);
		if (b->notifs == seen)
			break;
	}
	*base += s.sets + 1;
	if (rate > 0)
		snprintf(label, sizeof(label), "paced at %.0f/s", rate);
	else
		snprintf(label, sizeof(label), "unpaced");
	printf("    %-16s %9.0f %9.0f %10.3f %6.0f%%   %s\n", label, s.sets / s.elapsed,
	       b->notifs / s.elapsed, s.sets ? (double)b->notifs / s.sets : 0.0,
	       (proc_cpu(pid, &sys) - cpu0) * 100 / (now() - t0),
	       !s.sets ? "no set" : !b->notifs ? "no notification" :
	       b->have_val && b->last_val == s.last ? "yes" : "NO (stale or unparsable)");
	fflush(stdout);
}

/* ------------------------------------------------------------ main */

static void write_port(const char *file, uint16_t port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) || rename(tmp, file))
		die("%s: %s", file, strerror(errno));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: coapbench --port-file FILE --pid-file FILE --baseline PORT\n"
		"                 [--baseline-pid PID] [--seconds S] [--observations N]\n");
	exit(2);
}

/* One run of a load that must be answered 2.05 throughout; *@best keeps the faster. */
static double run_best(struct bench *b, const struct load *l, const char *what,
		       struct load_res *best)
{
	char c[KCOAP_CODE_STRLEN];
	struct load_res r;

	run_load(b, l, &r);
	if (r.bad || !r.ok)
		die("%s: %lu answered, %lu not 2.05 (%s), %lu lost", what, r.ok, r.bad,
		    code_str(r.bad_code, c), r.lost);
	if (r.lost)
		printf("  (%s, W=%u: %lu lost, i.e. unanswered after %.0f s)\n", what, l->window,
		       r.lost, LOST_AFTER_S);
	if (r.rate > best->rate)
		*best = r;
	return r.rate;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port-file", required_argument, NULL, 'p' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "seconds", required_argument, NULL, 's' },
		{ "baseline-pid", required_argument, NULL, 'B' },
		{ "observations", required_argument, NULL, 'o' },
		{ 0 }
	};
	const char *port_file = NULL, *pid_file = NULL;
	unsigned long nobs = 1000, base_port = 0;
	long base_pid = 0;
	static const unsigned int windows[] = { 1, 8 };
	double seconds = 1, t0;
	struct load_res agent_best[2] = { 0 }, base_best[2] = { 0 };
	double pair_ratio[2][READ_PAIRS], run_s;
	struct sockaddr_in base = { .sin_family = AF_INET };
	struct bench b = { 0 };
	struct load_res r, ra, rb;
	struct load la, lb;
	struct mem idle, after, obs;
	uint64_t vbase = 4;
	char c[KCOAP_CODE_STRLEN], what[64], idle_maps[512];
	pid_t pid;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': port_file = optarg; break;
		case 'P': pid_file = optarg; break;
		case 'b': base_port = strtoul(optarg, NULL, 10); break;
		case 'B': base_pid = strtol(optarg, NULL, 10); break;
		case 's': seconds = strtod(optarg, NULL); break;
		case 'o': nobs = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!port_file || !pid_file || !base_port || base_port > 65535 || optind != argc ||
	    !(seconds > 0 && seconds <= 3600) || nobs > 100000)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	b.mid = (uint16_t)getpid();
	b.srv_fd = udp_socket(0);
	b.cli_fd = udp_socket(0);
	base.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	base.sin_port = htons(base_port);
	write_port(port_file, local_port(b.srv_fd));

	t0 = now();
	while (!b.registered && now() - t0 < 30)
		pump(&b, 100);
	if (!b.registered)
		die("no Register from the agent on port %u in 30 s", local_port(b.srv_fd));
	pid = read_pid(pid_file);
	printf("== 5. the agent klwm2md over CoAP, UDP loopback (pid %d registered after %.1f s; "
	       "runs on %d of %ld CPUs online)\n", (int)pid, now() - t0, cpus_allowed(),
	       sysconf(_SC_NPROCESSORS_ONLN));
	/* registered and idle: its first second after the Register */
	t0 = now();
	while (now() - t0 < 1)
		pump(&b, 100);
	idle = agent_mem(pid);
	private_maps(pid, 6, idle_maps, sizeof(idle_maps));

	/* 1. Reads against the generic CoAP server's GET */
	la = (struct load){ .fd = b.srv_fd, .to = &b.agent, .path = "/3/0",
			    .accept = KCOAP_CF_LWM2M_TLV, .pid = pid };
	lb = (struct load){ .fd = b.cli_fd, .to = &base, .path = "/", .accept = -1,
			    .pid = (pid_t)base_pid };
	probe(&b, &la, "Read /3/0 (TLV)", &ra);
	if (ra.cf != KCOAP_CF_LWM2M_TLV)
		die("Read /3/0 answered Content-Format %d, not TLV", ra.cf);
	probe(&b, &lb, "coap-server-notls GET /", &rb);
	printf("  Read /3/0, Accept TLV (11542): %zu bytes of payload; coap-server-notls GET /: "
	       "%zu bytes (cf %d)\n", ra.payload_len, rb.payload_len, rb.cf);
	/*
	 * The shared host's load swings a single run by a third either way:
	 * the two servers run in pairs, back to back, and the verdict is the
	 * median of the pairs' ratios (the best rates are printed too).
	 */
	run_s = 2 * seconds / READ_PAIRS > 0.4 ? 2 * seconds / READ_PAIRS : 0.4;
	printf("  requests answered 2.05 per second, CON GETs from one socket, W outstanding;\n"
	       "  %d pairs of runs of %.1f s, the two servers back to back; best rates:\n",
	       READ_PAIRS, run_s);
	for (int run = 0; run < READ_PAIRS; run++)
		for (unsigned int w = 0; w < 2; w++) {
			double base_rate;

			lb.window = la.window = windows[w];
			lb.seconds = la.seconds = run_s;
			base_rate = run_best(&b, &lb, "coap-server-notls GET /", &base_best[w]);
			pair_ratio[w][run] = run_best(&b, &la, "klwm2md Read /3/0", &agent_best[w]) /
					     base_rate;
		}
	for (unsigned int w = 0; w < 2; w++) {
		double ratio;

		qsort(pair_ratio[w], READ_PAIRS, sizeof(double), cmp_double);
		ratio = pair_ratio[w][READ_PAIRS / 2];

		printf("  W=%u  Read /3/0 (klwm2md) %9.0f /s   GET / (coap-server-notls) %9.0f /s\n",
		       windows[w], agent_best[w].rate, base_best[w].rate);
		printf("       server CPU per answer (system's): %5.0f us (%4.0f)       %12.0f us (%4.0f)%s\n",
		       agent_best[w].cpu_us, agent_best[w].sys_us, base_best[w].cpu_us,
		       base_best[w].sys_us, base_pid ? "" : " (no --baseline-pid)");
		printf("  ratio Read rate, W=%u / coap-server's      %6.2f  target >= 1.0   %s\n"
		       "       (median of the %d pairs; they ranged %.2f to %.2f)\n",
		       windows[w], ratio, pass(ratio >= 1.0), READ_PAIRS, pair_ratio[w][0],
		       pair_ratio[w][READ_PAIRS - 1]);
	}

	/* 2. Notifications */
	la = (struct load){ .fd = b.srv_fd, .to = &b.agent, .path = OBS_PATH,
			    .accept = KCOAP_CF_TEXT, .observe = true };
	probe(&b, &la, "Observe " OBS_PATH, &ra);
	printf("  notifications: %s observed (text/plain, pmin 0), set through libklwm2m from a\n"
	       "  second thread for %.1f s per step; counted until they stop:\n", OBS_PATH, seconds);
	printf("    %-16s %9s %9s %10s %7s   %s\n", "set rate", "sets/s", "notifs/s",
	       "notifs/set", "agent", "last notification = last value");
	for (size_t i = 0; i < sizeof(set_rates) / sizeof(set_rates[0]); i++)
		notify_step(&b, pid, set_rates[i], seconds, &vbase);

	/* The agent must have weathered the flood: still registered, answering. */
	la = (struct load){ .fd = b.srv_fd, .to = &b.agent, .path = "/3/0",
			    .accept = KCOAP_CF_LWM2M_TLV, .window = 1, .total = 1 };
	run_load(&b, &la, &ra);
	printf("  the agent answers a Read after the set flood              %s %s\n",
	       pass(ra.ok == 1), ra.ok == 1 ? "" : ra.lost ? "(no answer)" :
	       code_str(ra.bad_code, c));
	if (ra.ok != 1)
		nobs = 0;
	la = (struct load){ .fd = b.srv_fd, .to = &b.agent, .path = OBS_PATH,
			    .accept = KCOAP_CF_TEXT, .observe = true };

	/* 3. Memory */
	printf("  memory of klwm2md (/proc/%d: VmRSS; private = smaps_rollup Private_Clean +\n"
	       "  Private_Dirty, the libraries' private pages included):\n", (int)pid);
	print_mem("registered, idle", idle, true);
	printf("    its private pages by mapping, the largest:%s\n", idle_maps);
	after = agent_mem(pid);
	print_mem("after the phases above", after, false);
	if (nobs) {
		la.window = 8;
		la.total = nobs;
		run_load(&b, &la, &r);
		if (r.ok != nobs)
			die("%lu observations of %s: %lu answered 2.05, %lu not (%s), %lu lost",
			    nobs, OBS_PATH, r.ok, r.bad, code_str(r.bad_code, c), r.lost);
		t0 = now();
		while (now() - t0 < 1)
			pump(&b, 100);
		snprintf(what, sizeof(what), "with %lu more observations", nobs);
		obs = agent_mem(pid);
		print_mem(what, obs, false);
		printf("    i.e. %.0f bytes of private pages per observation\n",
		       (obs.priv_kb - after.priv_kb) * 1024.0 / nobs);
	}
	if (!nobs)
		printf("  no figure with observations: the agent does not answer\n");
	printf("  (registrations %u, updates %u; %lu datagrams ignored)\n", b.registers,
	       b.updates, b.ignored);
	if (!b.registered)
		die("the agent deregistered during the benchmark");
	return 0;
}
