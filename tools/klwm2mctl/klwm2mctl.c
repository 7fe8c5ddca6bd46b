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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "libklwm2m.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNAVAILABLE = 3 };

static int json_output;

static const char usage_text[] =
"Usage: klwm2mctl [-j] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  info        the module's version, ABI and limits, and this namespace's usage\n"
"  define [--owner UID:GID] [--mode MODE] FILE.xml...\n"
"              define objects from OMA DDF files (needs CAP_NET_ADMIN); every\n"
"              file is tried, each result printed, and the exit status is 1\n"
"              when any was refused\n"
"\n"
"Options:\n"
"  -j, --json     print JSON instead of text\n"
"  -h, --help     show this help\n"
"  -V, --version  show the tool's version\n"
"\n"
"Examples:\n"
"  klwm2mctl info\n"
"  klwm2mctl define --owner 0:sensors --mode 0664 3303.xml\n"
"  klwm2mctl -j info | jq .store_budget\n"
"\n"
"Exit status: 0 success, 1 the kernel refused the request, 2 bad usage,\n"
"3 klwm2m not available (module not loaded or another ABI).\n";

static int kernel_failed(struct klwm2m *k, const char *what, int err)
{
	const char *msg = klwm2m_errmsg(k);

	if (msg[0])
		fprintf(stderr, "klwm2mctl: %s: %s (kernel reports: %s)\n", what,
			klwm2m_strerror(err), msg);
	else
		fprintf(stderr, "klwm2mctl: %s: %s\n", what, klwm2m_strerror(err));
	return EXIT_REFUSED;
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
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
