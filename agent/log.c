// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2md's log (see log.h). A line is formatted once into a buffer, its
 * control characters replaced by '?' (a message may quote what a peer sent:
 * it must not forge lines), then written whole with one write() to stderr,
 * or handed to syslog(3). Under systemd (JOURNAL_STREAM set) stderr lines
 * carry the "<N>" priority prefix the journal reads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 1024

static struct {
	int use_syslog;
	int journal;
	int level;
} log_state = { .level = LOG_NOTICE };

static const char *const level_names[] = {
	[LOG_ERR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void log_init(int use_syslog, int level)
{
	if (use_syslog && !log_state.use_syslog)
		openlog("klwm2md", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (!use_syslog && log_state.use_syslog)
		closelog();
	log_state.use_syslog = use_syslog;
	log_state.journal = getenv("JOURNAL_STREAM") != NULL;
	log_set_level(level);
}

void log_set_level(int level)
{
	if (level < LOG_ERR)
		level = LOG_ERR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_state.level = level;
}

int log_get_level(void)
{
	return log_state.level;
}

int log_enabled(int level)
{
	return level <= log_state.level;
}

int log_level_parse(const char *name)
{
	for (int l = LOG_ERR; l <= LOG_DEBUG; l++)
		if (!strcmp(name, level_names[l]))
			return l;
	return -EINVAL;
}

const char *log_level_name(int level)
{
	if (level < LOG_ERR || level > LOG_DEBUG)
		return "?";
	return level_names[level];
}

static void log_write(int level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int off, n, saved = errno;

	if (log_state.use_syslog)
		off = 0;
	else if (log_state.journal)
		off = snprintf(line, sizeof(line), "<%d>", level);
	else
		off = snprintf(line, sizeof(line), "%s: ", log_level_name(level));
	n = vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
	if (n < 0)
		n = 0;
	n += off;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;	/* truncated: still one line */
	for (int i = off; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	if (log_state.use_syslog) {
		line[n] = '\0';
		syslog(level, "%s", line);
	} else {
		line[n++] = '\n';
		/* One write per line; a failure to log has nowhere to be reported. */
		if (write(STDERR_FILENO, line, n) < 0)
			(void)0;
	}
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_write(level, fmt, ap);
	va_end(ap);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void log_ratelimited(struct log_ratelimit *rl, int level, const char *fmt, ...)
{
	uint64_t now;
	va_list ap;

	if (!log_enabled(level))
		return;
	now = mono_ns();
	if (!rl->begin || now - rl->begin >= rl->interval_ns) {
		if (rl->missed)
			log_msg(LOG_WARNING, "%u similar messages suppressed", rl->missed);
		rl->begin = now;
		rl->printed = 0;
		rl->missed = 0;
	}
	if (rl->printed >= rl->burst) {
		rl->missed++;
		return;
	}
	rl->printed++;
	va_start(ap, fmt);
	log_write(level, fmt, ap);
	va_end(ap);
}
