// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of klwm2md's event loop with its real timerfd, epoll and
 * signalfd, and short real times: timer order, cancel and re-arm (also from
 * callbacks), descriptors removed while their event waits in the same batch,
 * SIGHUP, and the orderly stop with its hooks and grace period.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <cmocka.h>

#include "loop.h"

#define MS 1000000ULL

struct rec {
	int order[256];
	uint64_t when[256];
	int n;
	int stop_after;		/* stop the loop once this many fired */
};

struct tmr {
	struct loop_timer t;
	struct rec *r;
	int id;
};

static void fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct tmr *x = arg;

	x->r->when[x->r->n] = loop_now();
	x->r->order[x->r->n++] = x->id;
	if (x->r->n == x->r->stop_after)
		loop_stop(l, 0);
}

static struct loop *new_loop(void)
{
	struct loop *l;

	assert_int_equal(0, loop_new(&l));
	return l;
}

static void timers_fire_in_deadline_order(void **state)
{
	struct loop *l = new_loop();
	struct rec r = { .stop_after = 4 };
	struct tmr t[4];
	static const int delay_ms[4] = { 30, 10, 40, 20 };
	uint64_t start = loop_now();

	for (int i = 0; i < 4; i++) {
		t[i] = (struct tmr){ .r = &r, .id = i };
		loop_timer_init(&t[i].t, fired, &t[i]);
		assert_int_equal(0, loop_timer_arm_ms(l, &t[i].t, delay_ms[i]));
	}
	assert_int_equal(0, loop_run(l));
	assert_int_equal(4, r.n);
	assert_int_equal(1, r.order[0]);
	assert_int_equal(3, r.order[1]);
	assert_int_equal(0, r.order[2]);
	assert_int_equal(2, r.order[3]);
	/* None fires early. */
	for (int i = 0; i < 4; i++)
		assert_true(r.when[i] - start >= (uint64_t)delay_ms[r.order[i]] * MS);
	loop_free(l);
}

static void equal_deadlines_fire_in_arming_order(void **state)
{
	struct loop *l = new_loop();
	struct rec r = { .stop_after = 5 };
	struct tmr t[5];
	uint64_t at = loop_now() + 5 * MS;

	for (int i = 0; i < 5; i++) {
		t[i] = (struct tmr){ .r = &r, .id = i };
		loop_timer_init(&t[i].t, fired, &t[i]);
		assert_int_equal(0, loop_timer_arm(l, &t[i].t, at));
	}
	assert_int_equal(0, loop_run(l));
	for (int i = 0; i < 5; i++)
		assert_int_equal(i, r.order[i]);
	loop_free(l);
}

static void a_cancelled_timer_never_fires(void **state)
{
	struct loop *l = new_loop();
	struct rec r = { .stop_after = 1 };
	struct tmr a = { .r = &r, .id = 1 }, b = { .r = &r, .id = 2 };

	loop_timer_init(&a.t, fired, &a);
	loop_timer_init(&b.t, fired, &b);
	assert_int_equal(0, loop_timer_arm_ms(l, &a.t, 5));
	assert_int_equal(0, loop_timer_arm_ms(l, &b.t, 25));
	assert_true(loop_timer_armed(&a.t));
	loop_timer_cancel(l, &a.t);
	assert_false(loop_timer_armed(&a.t));
	loop_timer_cancel(l, &a.t);	/* twice: harmless */
	assert_int_equal(0, loop_run(l));
	assert_int_equal(1, r.n);
	assert_int_equal(2, r.order[0]);
	loop_free(l);
}

static void rearming_moves_the_deadline(void **state)
{
	struct loop *l = new_loop();
	struct rec r = { .stop_after = 2 };
	struct tmr a = { .r = &r, .id = 1 }, b = { .r = &r, .id = 2 };
	uint64_t start = loop_now();

	loop_timer_init(&a.t, fired, &a);
	loop_timer_init(&b.t, fired, &b);
	assert_int_equal(0, loop_timer_arm_ms(l, &a.t, 200));
	assert_int_equal(0, loop_timer_arm_ms(l, &b.t, 60));
	assert_int_equal(0, loop_timer_arm_ms(l, &a.t, 10));	/* earlier */
	assert_int_equal(0, loop_timer_arm_ms(l, &b.t, 30));	/* earlier again */
	assert_int_equal(0, loop_run(l));
	assert_int_equal(2, r.n);
	assert_int_equal(1, r.order[0]);
	assert_int_equal(2, r.order[1]);
	assert_true(r.when[0] - start >= 10 * MS && r.when[0] - start < 150 * MS);
	assert_true(r.when[1] - start >= 30 * MS && r.when[1] - start < 150 * MS);
	loop_free(l);
}

/* A periodic timer that re-arms itself, cancels a victim and arms a newcomer. */
struct periodic {
	struct loop_timer t, victim, newcomer;
	int ticks, victim_fired, newcomer_fired;
};

static void victim_fn(struct loop *l, struct loop_timer *t, void *arg)
{
	((struct periodic *)arg)->victim_fired++;
}

static void newcomer_fn(struct loop *l, struct loop_timer *t, void *arg)
{
	((struct periodic *)arg)->newcomer_fired++;
	loop_stop(l, 0);
}

static void tick(struct loop *l, struct loop_timer *t, void *arg)
{
	struct periodic *p = arg;

	p->ticks++;
	if (p->ticks == 1)
		loop_timer_cancel(l, &p->victim);
	if (p->ticks < 3)
		assert_int_equal(0, loop_timer_arm_ms(l, t, 2));
	else
		assert_int_equal(0, loop_timer_arm_ms(l, &p->newcomer, 1));
}

static void callbacks_may_arm_and_cancel_timers(void **state)
{
	struct loop *l = new_loop();
	struct periodic p = { 0 };

	loop_timer_init(&p.t, tick, &p);
	loop_timer_init(&p.victim, victim_fn, &p);
	loop_timer_init(&p.newcomer, newcomer_fn, &p);
	assert_int_equal(0, loop_timer_arm_ms(l, &p.t, 1));
	assert_int_equal(0, loop_timer_arm_ms(l, &p.victim, 4));
	assert_int_equal(0, loop_run(l));
	assert_int_equal(3, p.ticks);
	assert_int_equal(0, p.victim_fired);
	assert_int_equal(1, p.newcomer_fired);
	loop_free(l);
}

/* Many timers armed, re-armed and cancelled at random: the survivors fire in order. */
static void the_heap_keeps_order_through_random_changes(void **state)
{
	enum { N = 200 };
	struct loop *l = new_loop();
	struct rec r = { 0 };
	static struct tmr t[N];
	uint64_t base = loop_now() + 20 * MS, deadline[N];
	int armed = 0, seen = 0;
	uint32_t x = 12345;

	for (int i = 0; i < N; i++) {
		t[i] = (struct tmr){ .r = &r, .id = i };
		loop_timer_init(&t[i].t, fired, &t[i]);
	}
	for (int step = 0; step < 2000; step++) {
		int i;

		x = x * 1103515245 + 12345;
		i = (x >> 8) % N;
		if ((x >> 20) % 3) {
			deadline[i] = base + ((x >> 4) % 5000) * 1000;	/* within 5 ms */
			assert_int_equal(0, loop_timer_arm(l, &t[i].t, deadline[i]));
		} else {
			loop_timer_cancel(l, &t[i].t);
		}
	}
	for (int i = 0; i < N; i++)
		armed += loop_timer_armed(&t[i].t);
	assert_true(armed > 10 && armed <= 256);	/* the record holds 256 */
	r.stop_after = armed;
	assert_int_equal(0, loop_run(l));
	assert_int_equal(armed, r.n);
	for (int k = 1; k < r.n; k++)
		assert_true(deadline[r.order[k - 1]] <= deadline[r.order[k]]);
	for (int i = 0; i < N; i++)
		seen += loop_timer_armed(&t[i].t);
	assert_int_equal(0, seen);
	loop_free(l);
}

/* ---------------------------------------------------------------- descriptors */

struct pipes {
	int a[2], b[2];
	int a_calls, b_calls;
};

static void on_b(struct loop *l, int fd, uint32_t events, void *arg)
{
	((struct pipes *)arg)->b_calls++;
}

static void on_a(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct pipes *p = arg;
	char c;

	p->a_calls++;
	assert_true(events & EPOLLIN);
	assert_int_equal(1, read(fd, &c, 1));
	/* b's event may be in this very batch: it must not be delivered. */
	assert_int_equal(0, loop_fd_del(l, p->b[0]));
	assert_int_equal(-ENOENT, loop_fd_del(l, p->b[0]));
	loop_stop(l, 0);
}

static void a_removed_descriptor_gets_no_late_event(void **state)
{
	struct loop *l = new_loop();
	struct pipes p = { 0 };

	assert_int_equal(0, pipe(p.a));
	assert_int_equal(0, pipe(p.b));
	assert_int_equal(1, write(p.a[1], "x", 1));
	assert_int_equal(1, write(p.b[1], "y", 1));
	/* Both ready before the first wait, so they come in one batch, a first or b first. */
	assert_int_equal(0, loop_fd_add(l, p.a[0], EPOLLIN, on_a, &p));
	assert_int_equal(0, loop_fd_add(l, p.b[0], EPOLLIN, on_b, &p));
	assert_int_equal(-EEXIST, loop_fd_add(l, p.a[0], EPOLLIN, on_a, &p));
	assert_int_equal(0, loop_run(l));
	assert_int_equal(1, p.a_calls);
	assert_true(p.b_calls <= 1);
	loop_free(l);
	/* Whatever the order, b was removed: a new loop sees no stale entry. */
	l = new_loop();
	p.a_calls = p.b_calls = 0;
	assert_int_equal(0, loop_fd_add(l, p.b[0], EPOLLIN, on_b, &p));
	assert_int_equal(0, loop_fd_mod(l, p.b[0], EPOLLOUT));
	assert_int_equal(-ENOENT, loop_fd_mod(l, p.a[0], EPOLLIN));
	assert_int_equal(0, loop_fd_del(l, p.b[0]));
	loop_free(l);
	for (int i = 0; i < 2; i++) {
		close(p.a[i]);
		close(p.b[i]);
	}
}

/* ---------------------------------------------------------------- signals and stop */

struct stopper {
	struct loop_timer t;
	int reloads, hooks_run, order[2], done_later;
};

static void on_reload(struct loop *l, void *arg)
{
	((struct stopper *)arg)->reloads++;
	kill(getpid(), SIGTERM);
}

static void later_done(struct loop *l, struct loop_timer *t, void *arg)
{
	((struct stopper *)arg)->done_later = 1;
	loop_stop_done(l);
}

static int hook_async(struct loop *l, void *arg)
{
	struct stopper *s = arg;

	s->order[s->hooks_run++] = 1;
	assert_true(loop_stopping(l));
	assert_int_equal(0, loop_timer_arm_ms(l, &s->t, 20));
	return 1;
}

static int hook_sync(struct loop *l, void *arg)
{
	struct stopper *s = arg;

	s->order[s->hooks_run++] = 2;
	return 0;
}

static void sighup_reloads_and_sigterm_runs_the_hooks(void **state)
{
	struct loop *l = new_loop();
	struct stopper s = { 0 };
	uint64_t start;

	loop_timer_init(&s.t, later_done, &s);
	loop_on_reload(l, on_reload, &s);
	assert_int_equal(0, loop_stop_hook(l, hook_async, &s));
	assert_int_equal(0, loop_stop_hook(l, hook_sync, &s));
	kill(getpid(), SIGHUP);
	start = loop_now();
	assert_int_equal(0, loop_run(l));
	assert_int_equal(1, s.reloads);
	assert_int_equal(2, s.hooks_run);
	assert_int_equal(2, s.order[0]);	/* newest first */
	assert_int_equal(1, s.order[1]);
	assert_int_equal(1, s.done_later);	/* the loop waited for it */
	assert_true(loop_now() - start >= 20 * MS);
	loop_free(l);
}

static int hook_never_done(struct loop *l, void *arg)
{
	return 1;
}

static void the_grace_period_ends_a_hung_stop(void **state)
{
	struct loop *l = new_loop();
	uint64_t start = loop_now();

	assert_int_equal(0, loop_stop_hook(l, hook_never_done, NULL));
	loop_set_grace_ms(l, 30);
	kill(getpid(), SIGINT);
	assert_int_equal(0, loop_run(l));
	assert_true(loop_now() - start >= 30 * MS);
	assert_true(loop_now() - start < 500 * MS);
	loop_free(l);
}

static void stop_fail(struct loop *l, struct loop_timer *t, void *arg)
{
	loop_stop(l, -EIO);
	loop_stop(l, 0);	/* does not turn the failure into success */
}

static void a_failure_status_comes_back_from_run(void **state)
{
	struct loop *l = new_loop();
	struct loop_timer t;

	loop_timer_init(&t, stop_fail, NULL);
	assert_int_equal(0, loop_timer_arm_ms(l, &t, 1));
	assert_int_equal(-EIO, loop_run(l));
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(equal_deadlines_fire_in_arming_order),
		cmocka_unit_test(a_cancelled_timer_never_fires),
		cmocka_unit_test(rearming_moves_the_deadline),
		cmocka_unit_test(callbacks_may_arm_and_cancel_timers),
		cmocka_unit_test(the_heap_keeps_order_through_random_changes),
		cmocka_unit_test(a_removed_descriptor_gets_no_late_event),
		cmocka_unit_test(sighup_reloads_and_sigterm_runs_the_hooks),
		cmocka_unit_test(the_grace_period_ends_a_hung_stop),
		cmocka_unit_test(a_failure_status_comes_back_from_run),
	};

	return cmocka_run_group_tests_name("agent loop", tests, NULL, NULL);
}
