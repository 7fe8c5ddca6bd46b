// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klwm2mctl: inspect and drive the klwm2m kernel store, in the style of ip(8).
 *
 * Exit status: 0 success; 1 the kernel refused or failed the request (its
 * message is printed); 2 bad usage; 3 klwm2m is not available (module not
 * loaded, or an ABI this tool does not speak).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/klwm2m.h>

#include "ctl.h"
#include "libklwm2m-ddf.h"

int json_output;

static const char usage_text[] =
"Usage: klwm2mctl [-j] COMMAND [ARGS]\n"
"\n"
"Paths are /OID, /OID/IID, /OID/IID/RID or /OID/IID/RID/RIID (IDs 0..65534).\n"
"\n"
"Commands:\n"
"  info        the module's version, ABI and limits, and this namespace's usage\n"
"  define [--owner UID:GID] [--mode MODE] FILE.xml...\n"
"              define objects from OMA DDF files (needs CAP_NET_ADMIN); every\n"
"              file is tried, each result printed, and the exit status is 1\n"
"              when any was refused\n"
"  undefine OID\n"
"              remove an object's definition (refused while instances exist)\n"
"  objects [OID]\n"
"              the objects defined: ID, name, version, instances, owner, mode;\n"
"              with OID, that object's resources (as show)\n"
"  show OID    an object's definition and its resources\n"
"  create PATH create an instance: /OID/IID, or /OID for the lowest free ID;\n"
"              prints the new instance's path\n"
"  delete PATH delete an instance (/OID/IID), a resource instance\n"
"              (/OID/IID/RID/RIID), or every instance of a multiple resource\n"
"              (/OID/IID/RID)\n"
"  set [--server SSID] PATH VALUE [PATH VALUE...]\n"
"              write values in one atomic batch: all land or none does. VALUE\n"
"              is read as the resource's type: integer, unsigned and time in\n"
"              decimal (time in seconds since the epoch), float as C reads it,\n"
"              boolean true/false (or 1/0), objlnk OID:IID, string and corelnk\n"
"              as they are, opaque in hexadecimal. VALUE --delete deletes the\n"
"              resource instance at PATH, or clears the multiple resource at\n"
"              PATH (values for its instances after it then replace it).\n"
"              --server: write as the agent does for server SSID (needs\n"
"              CAP_NET_ADMIN; every resource must be writable by servers, and\n"
"              the apps that own the objects are told)\n"
"  get PATH    a resource's or resource instance's value; for an object, an\n"
"              instance or a multiple resource, everything under it (as dump)\n"
"  dump [PATH] every instance and value under PATH (default: the whole store),\n"
"              one per line: PATH, or PATH TYPE VALUE; secrets show as <secret>\n"
"  monitor     print the store's events until SIGINT or SIGTERM, one per line:\n"
"              KIND PATH... portid PORTID [server SSID]\n"
"  exec [--server SSID] PATH [ARGS]\n"
"              execute a resource (PATH /OID/IID/RID; the leading / may be\n"
"              left out) through the app that owns it (needs CAP_NET_ADMIN),\n"
"              as the agent does for server SSID; prints the owner's status:\n"
"              0, or -errno (-110: it did not answer within the module's\n"
"              exec_timeout_ms; -32: its socket closed); exit status 1 when\n"
"              it is not 0 or nobody owns the resource\n"
"  own OID[/IID] [--] CMD [ARG...]\n"
"              own an object or one instance of it (needs write permission on\n"
"              the object) until SIGINT or SIGTERM, and run CMD for each\n"
"              execute, with KLWM2M_PATH, KLWM2M_ARGS and KLWM2M_SERVER (empty\n"
"              when none) in its environment; its exit status is the answer:\n"
"              0 is 0, 126 and 127 (cannot run) -ENOEXEC, any other or death\n"
"              by a signal -EIO. Prints a line per execute (exec PATH [server\n"
"              SSID] status STATUS), per server write (as monitor) and per\n"
"              sample request (sample PATH); with -j, JSON lines, and CMD's\n"
"              output goes to stderr\n"
"  attr PATH --ssid SSID [--pmin N] [--pmax N] [--gt X] [--lt X] [--st X]\n"
"       [--epmin N] [--epmax N] [--edge 0|1] [--con 0|1] [--hqmax N]\n"
"       [--clear NAME,...]\n"
"              write server SSID's notification attributes at PATH (an\n"
"              object, instance, resource or resource instance; needs\n"
"              CAP_NET_ADMIN): those given are set, those named by --clear\n"
"              removed, the others kept. Periods in seconds; gt, lt, st on\n"
"              numeric resources only, edge on boolean ones.\n"
"              Without an attribute option: what is set at exactly PATH, as\n"
"              PATH NAME=VALUE...; without PATH: every path where SSID has\n"
"              attributes, one per line\n"
"  server SSID [--pmin N] [--pmax N]\n"
"              set server SSID's default minimum and maximum periods (the\n"
"              Server object's /1/x/2 and /1/x/3; needs CAP_NET_ADMIN);\n"
"              none given: remove them\n"
"  observe PATH [--ssid SSID] [--initial]\n"
"              observe PATH (with server SSID's attributes; without, every\n"
"              change notifies) and print each notification until SIGINT or\n"
"              SIGTERM, one line each: SEQ REASON TIME [con] then PATH VALUE\n"
"              per value under PATH, values as get prints them, TIME in\n"
"              seconds since the epoch; with -j, one JSON object per line.\n"
"              --initial: the current state first. Lost notifications are\n"
"              warned about and followed by the current state (resync); the\n"
"              command ends when PATH is removed (reason gone)\n"
"\n"
"Options:\n"
"  -j, --json     print JSON instead of text (monitor, observe: one object\n"
"                 per line)\n"
"  -h, --help     show this help\n"
"  -V, --version  show the tool's version\n"
"\n"
"Examples:\n"
"  klwm2mctl info\n"
"  klwm2mctl define --owner 0:998 --mode 0664 3303.xml\n"
"  klwm2mctl objects\n"
"  klwm2mctl show 3303\n"
"  klwm2mctl create /3303            # prints /3303/0\n"
"  klwm2mctl set /3303/0/5700 21.5 /3303/0/5701 Cel\n"
"  klwm2mctl set /3/0/7 --delete /3/0/7/0 3800 /3/0/7/1 5000\n"
"  klwm2mctl set /3/0/7/1 --delete\n"
"  klwm2mctl get /3303/0/5700        # prints 21.5\n"
"  klwm2mctl -j dump /3303 | jq '.[] | select(.kind == \"value\")'\n"
"  klwm2mctl delete /3303/0\n"
"  klwm2mctl undefine 3303\n"
"  klwm2mctl -j monitor\n"
"  klwm2mctl own 3/0 -- sh -c 'logger \"reboot ($KLWM2M_ARGS)\"; systemctl reboot'\n"
"  klwm2mctl exec 3/0/4              # prints 0, the owner's status\n"
"  klwm2mctl -j exec --server 101 /3/0/4 \"0='soft'\"\n"
"  klwm2mctl attr /3303/0/5700 --ssid 101 --pmin 2 --st 0.5 --gt 30\n"
"  klwm2mctl attr /3303/0/5700 --ssid 101 --clear gt  # keeps pmin and st\n"
"  klwm2mctl attr /3303/0/5700 --ssid 101            # /3303/0/5700 pmin=2 st=0.5\n"
"  klwm2mctl -j attr --ssid 101\n"
"  klwm2mctl server 101 --pmin 1 --pmax 300\n"
"  klwm2mctl observe /3303/0/5700 --ssid 101 --initial\n"
"  klwm2mctl -j observe /3303/0 | jq -c '.values'\n"
"  klwm2mctl -j info | jq .store_budget\n"
"\n"
"Exit status: 0 success, 1 the kernel refused the request (its message is\n"
"printed), 2 bad usage (including a value that does not read as its type),\n"
"3 klwm2m not available (module not loaded or another ABI).\n";

int kernel_failed(struct klwm2m *k, const char *what, int err)
{
	const char *msg = klwm2m_errmsg(k);

	if (msg[0])
		fprintf(stderr, "klwm2mctl: %s: %s (kernel reports: %s)\n", what,
			klwm2m_strerror(err), msg);
	else
		fprintf(stderr, "klwm2mctl: %s: %s\n", what, klwm2m_strerror(err));
	return EXIT_REFUSED;
}

void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("klwm2mctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int parse_path_arg(const char *text, unsigned int depths, struct klwm2m_path *p)
{
	if (klwm2m_path_parse(text, p))
		return usage_error("\"%s\" is not a path (/OID[/IID[/RID[/RIID]]], IDs 0..%d)",
				   text, KLWM2M_ID_MAX);
	if (!(depths & (1U << p->depth)))
		return usage_error("%s: not a path this command takes (see --help)", text);
	return 0;
}

char *value_text(const struct klwm2m_value *v)
{
	size_t size = klwm2m_value_text_size(v);
	char *buf = malloc(size);

	if (buf && klwm2m_value_format(v, buf, size) < 0) {
		/* A string with a NUL inside: show what precedes it. */
		snprintf(buf, size, "%s", v->type == KLWM2M_TYPE_STRING ? (const char *)v->bytes.ptr : "?");
	}
	return buf;
}

struct json_object *json_value(const struct klwm2m_value *v)
{
	struct json_object *o;
	char *t;

	switch (v->type) {
	case KLWM2M_TYPE_INTEGER:
	case KLWM2M_TYPE_TIME:
		return json_object_new_int64(v->i);
	case KLWM2M_TYPE_UNSIGNED:
		return json_object_new_uint64(v->u);
	case KLWM2M_TYPE_FLOAT:
		if (v->f == v->f && v->f - v->f == 0)	/* finite: JSON has no NaN or Inf */
			return json_object_new_double(v->f);
		break;
	case KLWM2M_TYPE_BOOLEAN:
		return json_object_new_boolean(v->b);
	case KLWM2M_TYPE_STRING:
	case KLWM2M_TYPE_CORELNK:
		return json_object_new_string_len(v->bytes.ptr, (int)v->bytes.len);
	default:
		break;
	}
	t = value_text(v);
	o = json_object_new_string(t ? t : "");
	free(t);
	return o;
}

static int cmd_info(struct klwm2m *k, int argc, char **argv)
{
	struct klwm2m_info in;
	int err;

	if (argc > 1) {
		fprintf(stderr, "klwm2mctl: info takes no arguments\n");
		return EXIT_USAGE;
	}
	err = klwm2m_info(k, &in);
	if (err)
		return kernel_failed(k, "info", err);

	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "module_version",
				       json_object_new_string(in.module_version));
		json_object_object_add(o, "abi_version", json_object_new_int64(in.abi_version));
		json_object_object_add(o, "max_value_size",
				       json_object_new_int64(in.max_value_size));
		json_object_object_add(o, "store_budget", json_object_new_uint64(in.store_budget));
		json_object_object_add(o, "store_used", json_object_new_uint64(in.store_used));
		json_object_object_add(o, "max_id", json_object_new_int(in.max_id));
		json_object_object_add(o, "max_depth", json_object_new_int(in.max_depth));
		print_json(o);
	} else {
		printf("module version: %s\n", in.module_version);
		printf("ABI version:    %" PRIu32 "\n", in.abi_version);
		printf("max value size: %" PRIu32 " bytes\n", in.max_value_size);
		printf("store budget:   %" PRIu64 " bytes\n", in.store_budget);
		printf("store used:     %" PRIu64 " bytes\n", in.store_used);
		printf("max ID:         %u\n", in.max_id);
		printf("max path depth: %u\n", in.max_depth);
	}
	return 0;
}

static int parse_owner(const char *s, struct klwm2m_owner *o)
{
	char *end;
	unsigned long uid, gid;

	errno = 0;
	uid = strtoul(s, &end, 10);
	if (errno || end == s || *end != ':' || uid > UINT32_MAX)
		return -1;
	s = end + 1;
	gid = strtoul(s, &end, 10);
	if (errno || end == s || *end || gid > UINT32_MAX)
		return -1;
	o->uid = uid;
	o->gid = gid;
	return 0;
}

static int cmd_define(struct klwm2m *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct klwm2m_owner owner = { .uid = getuid(), .gid = getgid(), .mode = 0644 };
	int have_owner = 0, c, rc = 0, loaded = 0, refused = 0;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_owner(optarg, &owner)) {
				fprintf(stderr, "klwm2mctl: --owner takes UID:GID (numbers)\n");
				return EXIT_USAGE;
			}
			have_owner = 1;
			break;
		case 'm':
			owner.mode = strtoul(optarg, &end, 8);
			if (*end || end == optarg || owner.mode > 0777) {
				fprintf(stderr, "klwm2mctl: --mode takes an octal mode up to 0777\n");
				return EXIT_USAGE;
			}
			have_owner = 1;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "klwm2mctl: define needs at least one DDF file\n");
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct klwm2m_objdef *def;
		int err = klwm2m_ddf_load(argv[i], &def);

		if (err) {
			fprintf(stderr, "klwm2mctl: %s\n", klwm2m_last_error());
		} else {
			err = klwm2m_define(k, def, have_owner ? &owner : NULL);
			if (err && klwm2m_errmsg(k)[0])
				fprintf(stderr, "klwm2mctl: %s: object %u: %s (kernel reports: %s)\n",
					argv[i], def->id, klwm2m_strerror(err), klwm2m_errmsg(k));
			else if (err)
				fprintf(stderr, "klwm2mctl: %s: object %u: %s\n", argv[i], def->id,
					klwm2m_strerror(err));
			else if (!json_output)
				printf("%s: defined object %u (%s)\n", argv[i], def->id, def->name);
			klwm2m_objdef_free(def);
		}
		if (err) {
			refused++;
			rc = EXIT_REFUSED;
		} else {
			loaded++;
		}
	}
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "defined", json_object_new_int(loaded));
		json_object_object_add(o, "refused", json_object_new_int(refused));
		print_json(o);
	} else if (argc - optind > 1) {
		printf("%d defined, %d refused\n", loaded, refused);
	}
	return rc;
}

static const struct command {
	const char *name;
	int (*run)(struct klwm2m *k, int argc, char **argv);
} commands[] = {
	{ "info", cmd_info },
	{ "define", cmd_define },
	{ "undefine", cmd_undefine },
	{ "objects", cmd_objects },
	{ "show", cmd_show },
	{ "create", cmd_create },
	{ "delete", cmd_delete },
	{ "set", cmd_set },
	{ "get", cmd_get },
	{ "dump", cmd_dump },
	{ "monitor", cmd_monitor },
	{ "exec", cmd_exec },
	{ "own", cmd_own },
	{ "attr", cmd_attr },
	{ "server", cmd_server },
	{ "observe", cmd_observe },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd = NULL;
	struct klwm2m *k;
	int c, err, rc;

	while ((c = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			puts("klwm2mctl " KLWM2M_TOOLS_VERSION);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "klwm2mctl: unknown command '%s' (try --help)\n", argv[optind]);
		return EXIT_USAGE;
	}

	err = klwm2m_open(&k);
	if (err) {
		fprintf(stderr, "klwm2mctl: %s\n", klwm2m_last_error());
		return EXIT_UNAVAILABLE;
	}
	rc = cmd->run(k, argc - optind, argv + optind);
	klwm2m_close(k);
	return rc;
}
