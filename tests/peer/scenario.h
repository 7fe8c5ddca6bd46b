/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scenario: one step per line, what the server does to the registered
 * device and what it expects back. The syntax is in docs/test-server.md;
 * parsing is strict (an unknown word or an option a step does not take
 * names the file and line) and happens before anything is sent.
 */
#ifndef KLWM2M_PEER_SCENARIO_H
#define KLWM2M_PEER_SCENARIO_H

#include "linkfmt.h"
#include "pv.h"

enum step_kind {
	ST_WAIT_REGISTER, ST_READ, ST_DISCOVER, ST_WRITE, ST_WRITE_UPDATE, ST_WRITE_ATTR,
	ST_EXECUTE, ST_CREATE, ST_DELETE, ST_OBSERVE, ST_WAIT_NOTIFY, ST_CANCEL, ST_CANCEL_RST,
	ST_WAIT_UPDATE, ST_WAIT_DEREGISTER, ST_SLEEP, ST_RAW, ST_EXEC_SHELL,
};

enum { EXPECT_NOTHING = -1, EXPECT_RST = -2, EXPECT_NONE = -3 };

struct cond {
	struct pv_path path;
	enum pv_op op;
	struct pv_value v;
};

struct step {
	enum step_kind kind;
	int line;
	char *text;			/* the line as written, for TAP */
	struct pv_path path;
	char *query;			/* write-attributes */
	int accept, format, content;	/* CF_NONE when not given */
	int expect;			/* CoAP code, or EXPECT_* */
	struct cond *conds;
	size_t nconds;
	long count;			/* -1: not given */
	struct link_list contains;	/* discover */
	struct pv_list values;		/* write, write-update, create */
	char *args;			/* execute */
	unsigned int instance;		/* create; PV_NO_ID: the device picks */
	char *location;			/* create: expected Location-Path */
	double within, min_gap, max_gap; /* -1: not given */
	uint8_t *raw;
	size_t rawlen;
	char *cmd;
	int status;			/* exec-shell's expected exit status */
};

struct scenario {
	struct step *steps;
	size_t n;
};

/* Parses the file ("-": stdin); errors go to stderr as FILE:LINE: reason. */
int scenario_load(const char *file, struct scenario *sc);
void scenario_free(struct scenario *sc);
/* "2.05" -> 69 */
int parse_code(const char *s);

#endif
