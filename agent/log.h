/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klwm2md's log: five levels (syslog's LOG_ERR, LOG_WARNING, LOG_NOTICE,
 * LOG_INFO, LOG_DEBUG), to stderr (the default, for a foreground daemon or
 * systemd's journal) or to syslog. Not thread-safe: the agent has one thread.
 *
 * Lines that something outside the device can cause at will (a peer's bad
 * packet, a server's refused request) go through log_rl(), which lets a
 * burst through and then counts what it drops, per call site.
 */
#ifndef KLWM2MD_LOG_H
#define KLWM2MD_LOG_H

#include <stdint.h>
#include <syslog.h>

/* log_init() - where lines go and from which level on; callable again. */
void log_init(int use_syslog, int level);
void log_set_level(int level);
int log_get_level(void);
/* log_enabled() - whether a line at @level would be written. */
int log_enabled(int level);

/* "error", "warning", "notice", "info", "debug" -> LOG_*; -EINVAL otherwise. */
int log_level_parse(const char *name);
/* LOG_* -> its name; "?" for another number. */
const char *log_level_name(int level);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * struct log_ratelimit - at most @burst lines per @interval_ns; the first
 * line after a window that dropped some says how many.
 */
struct log_ratelimit {
	uint64_t interval_ns;
	unsigned int burst;
	uint64_t begin;		/* start of the current window, CLOCK_MONOTONIC ns */
	unsigned int printed;	/* lines written in it */
	unsigned int missed;	/* lines dropped in it */
};

#define LOG_RATELIMIT_INTERVAL_NS (5ULL * 1000000000ULL)
#define LOG_RATELIMIT_BURST 10
#define LOG_RATELIMIT_INIT { .interval_ns = LOG_RATELIMIT_INTERVAL_NS, .burst = LOG_RATELIMIT_BURST }

void log_ratelimited(struct log_ratelimit *rl, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* log_rl() - log_msg() rate-limited per call site (LOG_RATELIMIT_BURST per 5 s). */
#define log_rl(level, ...)							\
	do {									\
		static struct log_ratelimit log_rl_state_ = LOG_RATELIMIT_INIT;	\
		log_ratelimited(&log_rl_state_, (level), __VA_ARGS__);		\
	} while (0)

#endif /* KLWM2MD_LOG_H */
