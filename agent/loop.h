/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klwm2md's event loop: one thread, one epoll set over file descriptors,
 * timers on one timerfd (CLOCK_MONOTONIC), and SIGTERM/SIGINT/SIGHUP through
 * a signalfd. loop.c explains the threading model and the rules callbacks
 * follow; in short: everything runs on the thread that called loop_run(),
 * and callbacks may add, change and remove descriptors and timers (their
 * own included) at any time.
 */
#ifndef KLWM2MD_LOOP_H
#define KLWM2MD_LOOP_H

#include <stdint.h>

struct loop;
struct loop_timer;

/* @events: the EPOLL* bits that are ready (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP). */
typedef void (*loop_fd_fn)(struct loop *l, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(struct loop *l, struct loop_timer *t, void *arg);
/* A stop hook returns 0 when done, 1 when it started work that ends with loop_stop_done(). */
typedef int (*loop_stop_fn)(struct loop *l, void *arg);
typedef void (*loop_reload_fn)(struct loop *l, void *arg);

/*
 * struct loop_timer - a timer; the caller owns the memory (embed it), the loop
 * only links it while it is armed. Initialise with loop_timer_init(); it must
 * not be freed while armed (cancel it first: cancelling is always allowed).
 */
struct loop_timer {
	loop_timer_fn fn;
	void *arg;
	uint64_t deadline;	/* CLOCK_MONOTONIC ns */
	uint64_t seq;		/* arming order: ties fire in it */
	unsigned int slot;	/* index in the heap + 1; 0: not armed */
};

/* loop_new() - a loop with the signals blocked and on its signalfd. 0 or -errno. */
int loop_new(struct loop **out);
/*
 * loop_free() - closes the loop's own descriptors (not the callers'); NULL is
 * accepted. The signals stay blocked: one that came after the loop stopped
 * must not kill the process on its way out.
 */
void loop_free(struct loop *l);

/*
 * loop_run() - dispatch until stopped
 *
 * Return: the status given to loop_stop() (0 after SIGTERM or SIGINT), or
 * -errno when the loop itself failed (epoll, timerfd or signalfd).
 */
int loop_run(struct loop *l);

/*
 * loop_stop() - the orderly stop: the stop hooks run (last added first); the
 * loop returns @status once every hook that returned 1 called
 * loop_stop_done(), or after the grace period (loop_set_grace_ms(), 800 ms by
 * default), or at a second SIGTERM/SIGINT. Calling it again changes nothing
 * but a 0 status into a failure.
 */
void loop_stop(struct loop *l, int status);
/* loop_stopping() - 1 once a stop began: start nothing new. */
int loop_stopping(const struct loop *l);
/* loop_stop_hook() - run @fn at the stop; at most LOOP_STOP_HOOKS hooks. 0 or -ENOSPC. */
#define LOOP_STOP_HOOKS 8
int loop_stop_hook(struct loop *l, loop_stop_fn fn, void *arg);
/* loop_stop_done() - one hook that returned 1 finished. */
void loop_stop_done(struct loop *l);
void loop_set_grace_ms(struct loop *l, unsigned int ms);

/* loop_on_reload() - @fn runs at SIGHUP (one handler; NULL removes it). */
void loop_on_reload(struct loop *l, loop_reload_fn fn, void *arg);

/*
 * loop_fd_add() - watch @fd for @events (EPOLLIN, EPOLLOUT, ...), level-triggered
 *
 * Return: 0; -EEXIST when @fd is watched already; -errno from epoll_ctl();
 * -ENOMEM. The loop never closes @fd.
 */
int loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *arg);
/* loop_fd_mod() - change the events watched; 0, -ENOENT or -errno. */
int loop_fd_mod(struct loop *l, int fd, uint32_t events);
/* loop_fd_del() - stop watching; no callback for @fd runs afterwards. 0 or -ENOENT. */
int loop_fd_del(struct loop *l, int fd);

/* loop_now() - CLOCK_MONOTONIC in nanoseconds. */
uint64_t loop_now(void);

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *arg);
/*
 * loop_timer_arm() - fire at @deadline (loop_now() ns); re-arms an armed timer.
 * Timers fire in deadline order, equal deadlines in arming order. A deadline
 * in the past fires at the next dispatch. Return: 0 or -ENOMEM.
 */
int loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t deadline);
/* loop_timer_arm_ms() - fire @ms milliseconds from now. */
int loop_timer_arm_ms(struct loop *l, struct loop_timer *t, uint64_t ms);
/* loop_timer_cancel() - disarm; harmless on a timer that is not armed. */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
static inline int loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != 0;
}

#endif /* KLWM2MD_LOOP_H */
