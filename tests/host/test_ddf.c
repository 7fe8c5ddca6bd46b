// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of libklwm2m's DDF loader: the registry's objects, and
 * files that are malformed, truncated or hostile.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/klwm2m.h>

#include "libklwm2m-ddf.h"

static const char *registry(void)
{
	const char *r = getenv("KLWM2M_REGISTRY");

	return r ? r : "../shared/lwm2m-registry";
}

static char *write_tmp(const char *content, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/klwm2m-ddf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal((ssize_t)len, write(fd, content, len));
	close(fd);
	return path;
}

static const char good_head[] =
	"<?xml version=\"1.0\"?><LWM2M><Object ObjectType=\"MODefinition\">"
	"<Name>Test</Name><ObjectID>4242</ObjectID><ObjectVersion>1.1</ObjectVersion>"
	"<MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>"
	"<Resources>";
static const char good_tail[] = "</Resources></Object></LWM2M>";

/* Loads a test object whose single resource is @item. */
static int load_item(const char *item, struct klwm2m_objdef **def)
{
	char buf[4096];
	char *path;
	int err;

	snprintf(buf, sizeof(buf), "%s%s%s", good_head, item, good_tail);
	path = write_tmp(buf, strlen(buf));
	err = klwm2m_ddf_load(path, def);
	unlink(path);
	return err;
}

static void the_temperature_object_loads(void **state)
{
	struct klwm2m_objdef *def;
	char path[512];

	snprintf(path, sizeof(path), "%s/3303.xml", registry());
	assert_int_equal(0, klwm2m_ddf_load(path, &def));
	assert_int_equal(3303, def->id);
	assert_string_equal("Temperature", def->name);
	assert_string_equal("1.1", def->version);
	assert_int_equal(KLWM2M_OBJ_F_MULTIPLE, def->flags);
	assert_true(def->nres > 5);
	assert_int_equal(5700, def->res[0].id);
	assert_string_equal("Sensor Value", def->res[0].name);
	assert_int_equal(KLWM2M_TYPE_FLOAT, def->res[0].type);
	assert_int_equal(KLWM2M_OP_READ, def->res[0].ops);
	assert_int_equal(KLWM2M_RES_F_MANDATORY, def->res[0].flags);
	klwm2m_objdef_free(def);
}

static void ranges_and_lengths_are_read(void **state)
{
	struct klwm2m_objdef *def;
	double d;

	assert_int_equal(0, load_item("<Item ID=\"1\"><Name>A</Name><Operations>RW</Operations>"
				      "<MultipleInstances>Multiple</MultipleInstances>"
				      "<Mandatory>Mandatory</Mandatory><Type>Integer</Type>"
				      "<RangeEnumeration>-5..100</RangeEnumeration></Item>", &def));
	assert_true(def->res[0].has_range);
	assert_int_equal(-5, (int64_t)def->res[0].min);
	assert_int_equal(100, (int64_t)def->res[0].max);
	assert_int_equal(KLWM2M_RES_F_MULTIPLE | KLWM2M_RES_F_MANDATORY, def->res[0].flags);
	klwm2m_objdef_free(def);

	assert_int_equal(0, load_item("<Item ID=\"2\"><Name>F</Name><Operations>R</Operations>"
				      "<MultipleInstances>Single</MultipleInstances>"
				      "<Mandatory>Optional</Mandatory><Type>Float</Type>"
				      "<RangeEnumeration>0.5..1.0</RangeEnumeration></Item>", &def));
	assert_true(def->res[0].has_range);
	memcpy(&d, &def->res[0].min, sizeof(d));
	assert_true(d == 0.5);
	klwm2m_objdef_free(def);

	assert_int_equal(0, load_item("<Item ID=\"3\"><Name>S</Name><Operations>RW</Operations>"
				      "<MultipleInstances>Single</MultipleInstances>"
				      "<Mandatory>Optional</Mandatory><Type>Opaque</Type>"
				      "<RangeEnumeration>1..64 bytes</RangeEnumeration></Item>", &def));
	assert_true(def->res[0].has_len);
	assert_int_equal(1, def->res[0].len_min);
	assert_int_equal(64, def->res[0].len_max);
	klwm2m_objdef_free(def);
}

static void an_executable_has_no_type(void **state)
{
	struct klwm2m_objdef *def;

	assert_int_equal(0, load_item("<Item ID=\"4\"><Name>Reboot</Name><Operations>E</Operations>"
				      "<MultipleInstances>Single</MultipleInstances>"
				      "<Mandatory>Mandatory</Mandatory><Type>String</Type></Item>",
				      &def));
	assert_int_equal(KLWM2M_TYPE_NONE, def->res[0].type);
	assert_int_equal(KLWM2M_OP_EXECUTE, def->res[0].ops);
	klwm2m_objdef_free(def);
}

static void bad_files_are_refused_with_file_line_and_reason(void **state)
{
	static const struct {
		const char *item;
		const char *why;
	} cases[] = {
		{ "<Item ID=\"70000\"><Name>A</Name></Item>", "resource without a valid ID" },
		{ "<Item ID=\"1\"><Name></Name></Item>", "resource 1: name missing" },
		{ "<Item ID=\"1\"><Name>A</Name><Operations>RX</Operations></Item>",
		  "resource 1: unknown operations \"RX\"" },
		{ "<Item ID=\"1\"><Name>A</Name><Operations>R</Operations><Type>Decimal</Type></Item>",
		  "resource 1: unknown type \"Decimal\"" },
		{ "<Item ID=\"1\"><Name>A</Name><Operations>R</Operations><Type>Float</Type>"
		  "<MultipleInstances>Many</MultipleInstances></Item>",
		  "MultipleInstances must be Single or Multiple" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct klwm2m_objdef *def = (void *)1;

		assert_int_equal(-EINVAL, load_item(cases[i].item, &def));
		assert_null(def);
		assert_non_null(strstr(klwm2m_last_error(), "/tmp/klwm2m-ddf-"));
		assert_non_null(strstr(klwm2m_last_error(), ":1: "));
		assert_non_null(strstr(klwm2m_last_error(), cases[i].why));
	}
}

static void every_truncation_is_refused_or_loaded_without_harm(void **state)
{
	char path[512], buf[65536];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/3.xml", registry());
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t n = 0; n < len; n += 97) {
		struct klwm2m_objdef *def;
		char *tmp = write_tmp(buf, n);
		int err = klwm2m_ddf_load(tmp, &def);

		unlink(tmp);
		assert_true(err == 0 || err == -EINVAL);
		klwm2m_objdef_free(def);
	}
}

static void external_entities_are_not_loaded(void **state)
{
	static const char xxe[] =
		"<?xml version=\"1.0\"?><!DOCTYPE LWM2M [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<LWM2M><Object><Name>&x;</Name><ObjectID>4242</ObjectID>"
		"<MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>"
		"</Object></LWM2M>";
	struct klwm2m_objdef *def = NULL;
	char *path = write_tmp(xxe, sizeof(xxe) - 1);
	int err = klwm2m_ddf_load(path, &def);

	unlink(path);
	if (!err)
		assert_null(strstr(def->name, "root:"));
	klwm2m_objdef_free(def);
}

static void every_registry_file_loads_or_is_refused_with_its_name(void **state)
{
	unsigned int loaded = 0, refused = 0;
	struct dirent *e;
	DIR *d = opendir(registry());

	assert_non_null(d);
	while ((e = readdir(d))) {
		struct klwm2m_objdef *def;
		char path[512];
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".xml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", registry(), e->d_name);
		if (!klwm2m_ddf_load(path, &def)) {
			loaded++;
			klwm2m_objdef_free(def);
		} else {
			refused++;
			assert_int_equal(0, strncmp(klwm2m_last_error(), path, strlen(path)));
			printf("# refused: %s\n", klwm2m_last_error());
		}
	}
	closedir(d);
	printf("# registry: %u loaded, %u refused\n", loaded, refused);
	assert_true(loaded + refused > 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_temperature_object_loads),
		cmocka_unit_test(ranges_and_lengths_are_read),
		cmocka_unit_test(an_executable_has_no_type),
		cmocka_unit_test(bad_files_are_refused_with_file_line_and_reason),
		cmocka_unit_test(every_truncation_is_refused_or_loaded_without_harm),
		cmocka_unit_test(external_entities_are_not_loaded),
		cmocka_unit_test(every_registry_file_loads_or_is_refused_with_its_name),
	};

	return cmocka_run_group_tests_name("libklwm2m_ddf", tests, NULL, NULL);
}
