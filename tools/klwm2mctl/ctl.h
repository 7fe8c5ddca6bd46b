/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klwm2mctl: what its command files share. */
#ifndef KLWM2MCTL_H
#define KLWM2MCTL_H

#include <signal.h>
#include <json-c/json.h>

#include "libklwm2m.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNAVAILABLE = 3 };

extern int json_output;

/* Prints "klwm2mctl: WHAT: ERROR (kernel reports: MESSAGE)"; returns EXIT_REFUSED. */
int kernel_failed(struct klwm2m *k, const char *what, int err);
/* Prints "klwm2mctl: MESSAGE" and returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_json(struct json_object *o);
/* A path argument of one of the depths in the @depths bit mask (bit N: depth N). */
int parse_path_arg(const char *text, unsigned int depths, struct klwm2m_path *p);
/* A value as JSON: numbers, booleans, strings; opaque values and object links as text. */
struct json_object *json_value(const struct klwm2m_value *v);
/* The value's text form, malloc'd; NULL when out of memory. */
char *value_text(const struct klwm2m_value *v);

int cmd_objects(struct klwm2m *k, int argc, char **argv);
int cmd_show(struct klwm2m *k, int argc, char **argv);
int cmd_undefine(struct klwm2m *k, int argc, char **argv);
int cmd_create(struct klwm2m *k, int argc, char **argv);
int cmd_delete(struct klwm2m *k, int argc, char **argv);
int cmd_set(struct klwm2m *k, int argc, char **argv);
int cmd_get(struct klwm2m *k, int argc, char **argv);
int cmd_dump(struct klwm2m *k, int argc, char **argv);
int cmd_monitor(struct klwm2m *k, int argc, char **argv);
int cmd_exec(struct klwm2m *k, int argc, char **argv);
int cmd_own(struct klwm2m *k, int argc, char **argv);
int cmd_attr(struct klwm2m *k, int argc, char **argv);
int cmd_server(struct klwm2m *k, int argc, char **argv);
int cmd_observe(struct klwm2m *k, int argc, char **argv);

/* One event, one line (text or JSON), as monitor prints it; returns 0. */
int print_event(const struct klwm2m_event *e, void *arg);
/*
 * SIGINT and SIGTERM, blocked, wait in the signalfd returned (or -1, said on
 * stderr); *@old, when not NULL, receives the signal mask before.
 */
int signals_fd(sigset_t *old);
/* Waits for @fd to be readable (1) or a signal on @sfd (0); -1 on failure, said on stderr. */
int wait_input(int fd, int sfd);

#endif
