/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klwm2md's configuration: an INI file read with inih, strictly. Unknown
 * sections and keys, a key given twice, a section opened twice, a bad value
 * and a missing required key are refused with
 *
 *	FILE:LINE: key 'KEY' in [SECTION]: REASON
 *	FILE:LINE: [SECTION]: REASON		(the section header itself)
 *	FILE:LINE: REASON			(a line inih cannot read)
 *	FILE: REASON				(the file as a whole)
 *
 * and the agent does not start (exit 2). docs/agent.md is the reference of
 * every key. This file knows nothing of the kernel: the [device] values are
 * kept as text with their line, and objects.c checks them against object 3's
 * definition, naming the same file, line and key.
 */
#ifndef KLWM2MD_CONFIG_H
#define KLWM2MD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define CONFIG_FILE_MAX		(64 * 1024)	/* bytes in a configuration file */
#define CONFIG_URI_MAX		255		/* /0/x/0's range */
#define CONFIG_ENDPOINT_MAX	128
#define CONFIG_OBJECTS_MAX	64		/* paths in [agent] objects */
#define CONFIG_SERVERS_MAX	16
#define CONFIG_DEVICE_MAX	32		/* keys in [device] */

/* One [server SSID] section: an LwM2M server account (/0/x and /1/x). */
struct config_server {
	uint16_t ssid;			/* from the header: Short Server ID 1..65534 */
	unsigned int line;		/* of the header */
	char uri[CONFIG_URI_MAX + 1];	/* coap://host[:port] */
	uint32_t lifetime;		/* seconds */
	char binding[4];		/* "U" */
	uint32_t default_pmin;		/* seconds */
	uint32_t default_pmax;		/* seconds; 0: none */
	int notification_storing;	/* 0 or 1 */
	uint16_t content_format;	/* CoAP Content-Format number */
	unsigned int lines[8];		/* line of each key given, by config.c's table; 0: not given */
};

/* One [device] key, checked later against object 3 (objects.c). */
struct config_device {
	char *key;
	char *value;
	unsigned int line;
};

struct config {
	char *file;			/* as given: messages name it */
	char *endpoint;			/* NULL: derived (endpoint.c) */
	int log_level;			/* LOG_* */
	int use_syslog;
	char **objects;			/* DDF files or directories; NULL: the default */
	unsigned int nobjects, objects_line;
	char listen_address[INET6_ADDRSTRLEN];	/* "": any address of the server's family */
	uint16_t listen_port;		/* 0: any */
	/* RFC 7252 4.8's transmission parameters; 0: the RFC's default */
	uint32_t coap_ack_timeout_ms;	/* ACK_TIMEOUT */
	uint32_t coap_ack_random_factor_permille;	/* ACK_RANDOM_FACTOR x 1000 */
	uint32_t coap_max_retransmit;	/* MAX_RETRANSMIT */
	struct config_server servers[CONFIG_SERVERS_MAX];
	unsigned int nservers;
	struct config_device device[CONFIG_DEVICE_MAX];
	unsigned int ndevice;
};

/* What command-line flags set; they win over the file. */
struct config_overrides {
	const char *endpoint;		/* -e; NULL: the file's */
	int log_level;			/* -l; -1: the file's */
	int use_syslog;			/* --syslog: 1; -1: the file's */
};

/*
 * config_load() - read and check @file, then apply @ov (may be NULL)
 * @err: receives the reason for a refusal (see above), NUL-terminated
 *
 * Return: 0 with *@out to config_free(); -EINVAL (refused: @err says why),
 * -ENOENT, -EACCES, ... (the file could not be read: @err says so), -ENOMEM.
 */
int config_load(const char *file, const struct config_overrides *ov, struct config **out,
		char *err, size_t errlen);

/* config_parse() - the same from @len bytes at @data; @name stands for the file. */
int config_parse(const char *name, const void *data, size_t len,
		 const struct config_overrides *ov, struct config **out, char *err, size_t errlen);

void config_free(struct config *c);

/* config_server() - the server with short server ID @ssid, or NULL. */
const struct config_server *config_server(const struct config *c, uint16_t ssid);

/* config_endpoint_check() - 0 when @ep is an endpoint name the agent accepts, else -EINVAL. */
int config_endpoint_check(const char *ep);

/* The CoAP Content-Format of a name ("senml-cbor", ...): its number or -EINVAL. */
int config_content_format(const char *name);
/* ... and back: the name, or NULL. */
const char *config_content_format_name(uint16_t cf);

/*
 * config_errf() - write "FILE:LINE: key 'KEY' in [SECTION]: REASON"; without a
 * key "FILE:LINE: [SECTION]: REASON"; without a section "FILE:LINE: REASON";
 * with line 0 "FILE: REASON".
 */
void config_errf(char *err, size_t errlen, const char *file, unsigned int line,
		 const char *section, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#endif /* KLWM2MD_CONFIG_H */
