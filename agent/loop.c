// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2md's event loop.
 *
 * Threading model: the agent has one thread. loop_run() waits in
 * epoll_wait() and calls every callback (descriptors, timers, signals, stop
 * hooks, reload) on that thread, one at a time, to completion; nothing in the
 * agent takes a lock, and a callback must not block (the kernel's netlink
 * replies are the one accepted wait: they are local and bounded). No other
 * thread may touch a loop. SIGTERM, SIGINT and SIGHUP are blocked by
 * loop_new() and read from a signalfd, so they arrive as ordinary events,
 * never as asynchronous handlers; create the loop before any thread exists
 * (libraries that start threads would otherwise get the signals).
 *
 * Descriptors: each watched fd has an entry (callback, argument) that epoll
 * points to. loop_fd_del() unhooks the entry at once and marks it dead, but
 * frees it only after the current batch of events was dispatched, so an
 * event already fetched for it finds the mark and is skipped: a callback may
 * remove any descriptor, even one whose event is next in the batch, and add
 * it again (a new entry) without the stale event reaching the new callback.
 *
 * Timers: a binary min-heap of caller-owned struct loop_timer ordered by
 * (deadline, arming sequence), and one timerfd programmed, with an absolute
 * CLOCK_MONOTONIC time, to the earliest deadline before each wait. A timer
 * is taken off the heap before its callback runs, so the callback may re-arm
 * it, cancel others or arm new ones; one dispatch pass fires only timers
 * armed before it began, so a callback that re-arms itself in the past
 * cannot starve the descriptors.
 *
 * Stop: SIGTERM/SIGINT (or loop_stop()) runs the stop hooks, newest first;
 * a hook with work in flight (the LwM2M layer's De-register) returns 1 and
 * calls loop_stop_done() when it is over. loop_run() returns when none is
 * pending, when the grace timer fires, or at a second signal.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "loop.h"

#define LOOP_EVENTS 32
#define LOOP_GRACE_MS 800

struct loop_fd {
	int fd;
	int dead;
	loop_fd_fn fn;
	void *arg;
	struct loop_fd *next_dead;
};

struct loop {
	int epfd, tfd, sfd;

	struct loop_fd **byfd;		/* indexed by descriptor */
	unsigned int nbyfd;
	struct loop_fd *dead;		/* removed, freed after the batch */

	struct loop_timer **heap;
	unsigned int ntimers, cap;
	uint64_t seq;
	int programmed;			/* the timerfd is armed ... */
	uint64_t programmed_at;		/* ... for this deadline */

	int stopping, done, status;
	unsigned int pending;
	unsigned int grace_ms;
	struct loop_timer grace;
	struct {
		loop_stop_fn fn;
		void *arg;
	} hooks[LOOP_STOP_HOOKS];
	unsigned int nhooks;

	loop_reload_fn reload;
	void *reload_arg;
};

uint64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- timers */

static int timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_set(struct loop *l, unsigned int i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void heap_up(struct loop *l, unsigned int i)
{
	struct loop_timer *t = l->heap[i];

	while (i) {
		unsigned int parent = (i - 1) / 2;

		if (!timer_before(t, l->heap[parent]))
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void heap_down(struct loop *l, unsigned int i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= l->ntimers)
			break;
		if (c + 1 < l->ntimers && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	unsigned int i;
	struct loop_timer *last;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = l->heap[--l->ntimers];
	if (i == l->ntimers)
		return;
	heap_set(l, i, last);
	if (i && timer_before(last, l->heap[(i - 1) / 2]))
		heap_up(l, i);
	else
		heap_down(l, i);
}

int loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t deadline)
{
	if (!t->slot && l->ntimers == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 16;
		struct loop_timer **heap = realloc(l->heap, cap * sizeof(*heap));

		if (!heap)
			return -ENOMEM;
		l->heap = heap;
		l->cap = cap;
	}
	loop_timer_cancel(l, t);
	t->deadline = deadline;
	t->seq = l->seq++;
	heap_set(l, l->ntimers++, t);
	heap_up(l, l->ntimers - 1);
	return 0;
}

int loop_timer_arm_ms(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	return loop_timer_arm(l, t, loop_now() + ms * 1000000ULL);
}

/* Points the timerfd at the earliest deadline, or disarms it. */
static int timers_program(struct loop *l)
{
	struct itimerspec its = { 0 };
	uint64_t at;

	if (!l->ntimers) {
		if (!l->programmed)
			return 0;
		l->programmed = 0;
		return timerfd_settime(l->tfd, 0, &its, NULL) ? -errno : 0;
	}
	at = l->heap[0]->deadline;
	if (l->programmed && l->programmed_at == at)
		return 0;
	/* An absolute time of 0 would disarm the timerfd: 1 ns is as past. */
	if (!at)
		at = 1;
	its.it_value.tv_sec = at / 1000000000ULL;
	its.it_value.tv_nsec = at % 1000000000ULL;
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL))
		return -errno;
	l->programmed = 1;
	l->programmed_at = l->heap[0]->deadline;
	return 0;
}

static void timers_fire(struct loop *l, int fd, uint32_t events, void *arg)
{
	uint64_t expirations, now = loop_now(), limit = l->seq;

	/* Nonblocking: EAGAIN when another change re-programmed it first. */
	if (read(l->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN) {
		loop_stop(l, -errno);
		return;
	}
	l->programmed = 0;
	while (l->ntimers && !l->done) {
		struct loop_timer *t = l->heap[0];

		if (t->deadline > now || t->seq >= limit)
			break;
		loop_timer_cancel(l, t);
		t->fn(l, t, t->arg);
	}
}

/* ---------------------------------------------------------------- descriptors */

int loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct loop_fd *e;

	if (fd < 0)
		return -EBADF;
	if ((unsigned int)fd < l->nbyfd && l->byfd[fd])
		return -EEXIST;
	if ((unsigned int)fd >= l->nbyfd) {
		unsigned int n = (unsigned int)fd + 16;
		struct loop_fd **byfd = realloc(l->byfd, n * sizeof(*byfd));

		if (!byfd)
			return -ENOMEM;
		memset(byfd + l->nbyfd, 0, (n - l->nbyfd) * sizeof(*byfd));
		l->byfd = byfd;
		l->nbyfd = n;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->fd = fd;
	e->fn = fn;
	e->arg = arg;
	ev.data.ptr = e;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int err = -errno;

		free(e);
		return err;
	}
	l->byfd[fd] = e;
	return 0;
}

static struct loop_fd *fd_entry(struct loop *l, int fd)
{
	if (fd < 0 || (unsigned int)fd >= l->nbyfd)
		return NULL;
	return l->byfd[fd];
}

int loop_fd_mod(struct loop *l, int fd, uint32_t events)
{
	struct loop_fd *e = fd_entry(l, fd);
	struct epoll_event ev = { .events = events };

	if (!e)
		return -ENOENT;
	ev.data.ptr = e;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

int loop_fd_del(struct loop *l, int fd)
{
	struct loop_fd *e = fd_entry(l, fd);

	if (!e)
		return -ENOENT;
	/* Fails only when the caller closed @fd first, which removed it from the set. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->byfd[fd] = NULL;
	e->dead = 1;
	e->next_dead = l->dead;
	l->dead = e;
	return 0;
}

static void fds_reap(struct loop *l)
{
	while (l->dead) {
		struct loop_fd *e = l->dead;

		l->dead = e->next_dead;
		free(e);
	}
}

/* ---------------------------------------------------------------- stop and signals */

void loop_set_grace_ms(struct loop *l, unsigned int ms)
{
	l->grace_ms = ms;
}

int loop_stop_hook(struct loop *l, loop_stop_fn fn, void *arg)
{
	if (l->nhooks == LOOP_STOP_HOOKS)
		return -ENOSPC;
	l->hooks[l->nhooks].fn = fn;
	l->hooks[l->nhooks].arg = arg;
	l->nhooks++;
	return 0;
}

int loop_stopping(const struct loop *l)
{
	return l->stopping;
}

static void grace_over(struct loop *l, struct loop_timer *t, void *arg)
{
	l->done = 1;
}

void loop_stop(struct loop *l, int status)
{
	if (l->stopping) {
		if (status && !l->status)
			l->status = status;
		return;
	}
	l->stopping = 1;
	l->status = status;
	for (unsigned int i = l->nhooks; i-- > 0;)
		if (l->hooks[i].fn(l, l->hooks[i].arg) > 0)
			l->pending++;
	if (!l->pending || loop_timer_arm_ms(l, &l->grace, l->grace_ms))
		l->done = 1;
}

void loop_stop_done(struct loop *l)
{
	if (l->pending && !--l->pending && l->stopping) {
		loop_timer_cancel(l, &l->grace);
		l->done = 1;
	}
}

void loop_on_reload(struct loop *l, loop_reload_fn fn, void *arg)
{
	l->reload = fn;
	l->reload_arg = arg;
}

static void signals_read(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(l->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (l->reload && !l->stopping)
				l->reload(l, l->reload_arg);
		} else if (l->stopping) {
			l->done = 1;	/* a second SIGTERM/SIGINT: now */
		} else {
			loop_stop(l, 0);
		}
		if (l->done)
			return;
	}
	if (n < 0 && errno != EAGAIN)
		loop_stop(l, -errno);
}

/* ---------------------------------------------------------------- the loop */

int loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));
	sigset_t set;
	int err;

	*out = NULL;
	if (!l)
		return -ENOMEM;
	l->epfd = l->tfd = l->sfd = -1;
	l->grace_ms = LOOP_GRACE_MS;
	loop_timer_init(&l->grace, grace_over, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		err = -errno;
		free(l);
		return err;
	}
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->epfd < 0 || l->tfd < 0 || l->sfd < 0) {
		err = -errno;
		goto fail;
	}
	err = loop_fd_add(l, l->tfd, EPOLLIN, timers_fire, NULL);
	if (!err)
		err = loop_fd_add(l, l->sfd, EPOLLIN, signals_read, NULL);
	if (err)
		goto fail;
	*out = l;
	return 0;
fail:
	loop_free(l);
	return err;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (unsigned int i = 0; i < l->nbyfd; i++)
		free(l->byfd[i]);
	fds_reap(l);
	free(l->byfd);
	free(l->heap);
	if (l->sfd >= 0)
		close(l->sfd);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_EVENTS];

	while (!l->done) {
		int n, err = timers_program(l);

		if (err)
			return err;
		n = epoll_wait(l->epfd, evs, LOOP_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->done; i++) {
			struct loop_fd *e = evs[i].data.ptr;

			if (!e->dead)
				e->fn(l, e->fd, evs[i].events, e->arg);
		}
		fds_reap(l);
	}
	return l->status;
}
