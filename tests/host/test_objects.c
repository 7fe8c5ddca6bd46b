// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of the object definitions klwm2m ships (the XML files in
 * objects/): every file loads through libklwm2m's DDF loader without a
 * complaint, and says what the LwM2M specification says about the resources
 * that matter. Also the one DDF extension those files use, klwm2m:secret.
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *objects_dir(void)
{
	const char *d = getenv("KLWM2M_OBJECTS");

	return d ? d : "objects";
}

/* What each shipped file must declare. */
static const struct {
	const char *file;
	uint16_t id;
	const char *name;
	const char *version;
	uint32_t flags;
	unsigned int nres;
} shipped[] = {
	{ "0-security.xml", 0, "LWM2M Security", "1.1",
	  KLWM2M_OBJ_F_MULTIPLE | KLWM2M_OBJ_F_MANDATORY, 18 },
	{ "1-server.xml", 1, "LwM2M Server", "1.1",
	  KLWM2M_OBJ_F_MULTIPLE | KLWM2M_OBJ_F_MANDATORY, 24 },
	{ "2-access-control.xml", 2, "LwM2M Access Control", "1.1", KLWM2M_OBJ_F_MULTIPLE, 4 },
	{ "3-device.xml", 3, "Device", "1.1", KLWM2M_OBJ_F_MANDATORY, 23 },
	{ "4-connectivity-monitoring.xml", 4, "Connectivity Monitoring", "1.2", 0, 13 },
	{ "5-firmware-update.xml", 5, "Firmware Update", "1.0", 0, 9 },
	{ "6-location.xml", 6, "Location", "1.0", 0, 7 },
	{ "7-connectivity-statistics.xml", 7, "Connectivity Statistics", "1.0", 0, 9 },
	{ "3303-temperature.xml", 3303, "Temperature", "1.1", KLWM2M_OBJ_F_MULTIPLE, 12 },
};

static struct klwm2m_objdef *load(const char *file)
{
	struct klwm2m_objdef *def = NULL;
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", objects_dir(), file);
	err = klwm2m_ddf_load(path, &def);
	if (err)
		fail_msg("%s: %s", path, klwm2m_last_error());
	assert_string_equal("", klwm2m_last_error());
	return def;
}

static const struct klwm2m_resdef *res(const struct klwm2m_objdef *def, uint16_t id)
{
	for (unsigned int i = 0; i < def->nres; i++)
		if (def->res[i].id == id)
			return &def->res[i];
	fail_msg("object %u has no resource %u", def->id, id);
	return NULL;
}

static void assert_res(const struct klwm2m_objdef *def, uint16_t id, const char *name,
		       uint8_t type, uint8_t ops, uint32_t flags)
{
	const struct klwm2m_resdef *rd = res(def, id);

	assert_string_equal(name, rd->name);
	assert_int_equal(type, rd->type);
	assert_int_equal(ops, rd->ops);
	assert_int_equal(flags, rd->flags);
}

static void assert_int_range(const struct klwm2m_resdef *rd, int64_t min, int64_t max)
{
	assert_true(rd->has_range);
	assert_int_equal(min, (int64_t)rd->min);
	assert_int_equal(max, (int64_t)rd->max);
}

static void every_shipped_file_loads_without_a_complaint(void **state)
{
	unsigned int seen = 0;
	struct dirent *e;
	DIR *d = opendir(objects_dir());

	assert_non_null(d);
	while ((e = readdir(d))) {
		struct klwm2m_objdef *def;
		size_t l = strlen(e->d_name);
		char *dash;

		if (l < 5 || strcmp(e->d_name + l - 4, ".xml"))
			continue;
		def = load(e->d_name);
		/* The file is named after its object: "ID-name.xml". */
		assert_int_equal(def->id, strtoul(e->d_name, &dash, 10));
		assert_int_equal('-', *dash);
		for (unsigned int i = 0; i < def->nres; i++) {
			assert_true(def->res[i].name[0]);
			if (i)
				assert_true(def->res[i].id > def->res[i - 1].id);
		}
		klwm2m_objdef_free(def);
		seen++;
	}
	closedir(d);
	assert_int_equal(ARRAY_SIZE(shipped), seen);
}

static void each_object_has_its_version_multiplicity_and_resource_count(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(shipped); i++) {
		struct klwm2m_objdef *def = load(shipped[i].file);

		assert_int_equal(shipped[i].id, def->id);
		assert_string_equal(shipped[i].name, def->name);
		assert_string_equal(shipped[i].version, def->version);
		assert_int_equal(shipped[i].flags, def->flags);
		assert_int_equal(shipped[i].nres, def->nres);
		klwm2m_objdef_free(def);
	}
}

static void only_the_security_keys_are_secret(void **state)
{
	static const uint16_t keys[] = { 3, 4, 5, 8 };

	for (size_t i = 0; i < ARRAY_SIZE(shipped); i++) {
		struct klwm2m_objdef *def = load(shipped[i].file);

		for (unsigned int r = 0; r < def->nres; r++) {
			int want = 0;

			for (size_t k = 0; k < ARRAY_SIZE(keys) && def->id == 0; k++)
				want |= def->res[r].id == keys[k];
			if (!!(def->res[r].flags & KLWM2M_RES_F_SECRET) != want)
				fail_msg("/%u/%u is %ssecret", def->id, def->res[r].id,
					 want ? "not " : "");
			if (want)
				assert_int_equal(KLWM2M_TYPE_OPAQUE, def->res[r].type);
		}
		klwm2m_objdef_free(def);
	}
}

static void no_server_may_touch_the_security_object(void **state)
{
	struct klwm2m_objdef *def = load("0-security.xml");

	for (unsigned int r = 0; r < def->nres; r++)
		assert_int_equal(0, def->res[r].ops);
	assert_res(def, 2, "Security Mode", KLWM2M_TYPE_INTEGER, 0, KLWM2M_RES_F_MANDATORY);
	assert_int_range(res(def, 2), 0, 4);
	assert_res(def, 5, "Secret Key", KLWM2M_TYPE_OPAQUE, 0,
		   KLWM2M_RES_F_MANDATORY | KLWM2M_RES_F_SECRET);
	assert_int_range(res(def, 10), 1, 65534);
	assert_res(def, 16, "DTLS/TLS Ciphersuite", KLWM2M_TYPE_UNSIGNED, 0,
		   KLWM2M_RES_F_MULTIPLE);
	assert_true(res(def, 0)->has_len);
	assert_int_equal(255, res(def, 0)->len_max);
	assert_true(res(def, 7)->has_len);
	assert_int_equal(6, res(def, 7)->len_min);
	assert_int_equal(6, res(def, 7)->len_max);
	klwm2m_objdef_free(def);
}

static void the_server_object_has_its_id_lifetime_and_triggers(void **state)
{
	struct klwm2m_objdef *def = load("1-server.xml");

	assert_res(def, 0, "Short Server ID", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MANDATORY);
	assert_int_range(res(def, 0), 1, 65534);
	assert_res(def, 1, "Lifetime", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ | KLWM2M_OP_WRITE,
		   KLWM2M_RES_F_MANDATORY);
	assert_res(def, 7, "Binding", KLWM2M_TYPE_STRING, KLWM2M_OP_READ | KLWM2M_OP_WRITE,
		   KLWM2M_RES_F_MANDATORY);
	assert_res(def, 8, "Registration Update Trigger", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE,
		   KLWM2M_RES_F_MANDATORY);
	assert_res(def, 4, "Disable", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE, 0);
	assert_res(def, 23, "Mute Send", KLWM2M_TYPE_BOOLEAN, KLWM2M_OP_READ | KLWM2M_OP_WRITE, 0);
	klwm2m_objdef_free(def);
}

static void an_acl_is_five_bits_per_server(void **state)
{
	struct klwm2m_objdef *def = load("2-access-control.xml");

	assert_res(def, 2, "ACL", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ | KLWM2M_OP_WRITE,
		   KLWM2M_RES_F_MULTIPLE);
	assert_int_range(res(def, 2), 0, 31);
	assert_int_range(res(def, 3), 0, 65535);
	klwm2m_objdef_free(def);
}

static void the_device_reboots_and_reports_its_errors(void **state)
{
	struct klwm2m_objdef *def = load("3-device.xml");

	assert_res(def, 4, "Reboot", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE, KLWM2M_RES_F_MANDATORY);
	assert_res(def, 11, "Error Code", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MULTIPLE | KLWM2M_RES_F_MANDATORY);
	assert_int_range(res(def, 11), 0, 8);
	assert_res(def, 13, "Current Time", KLWM2M_TYPE_TIME, KLWM2M_OP_READ | KLWM2M_OP_WRITE, 0);
	assert_res(def, 16, "Supported Binding and Modes", KLWM2M_TYPE_STRING, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MANDATORY);
	assert_int_range(res(def, 9), 0, 100);
	assert_res(def, 22, "ExtDevInfo", KLWM2M_TYPE_OBJLNK, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MULTIPLE);
	klwm2m_objdef_free(def);
}

static void connectivity_monitoring_lists_bearers_and_addresses(void **state)
{
	struct klwm2m_objdef *def = load("4-connectivity-monitoring.xml");

	assert_res(def, 1, "Available Network Bearer", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MULTIPLE | KLWM2M_RES_F_MANDATORY);
	assert_int_range(res(def, 0), 0, 50);
	assert_res(def, 4, "IP Addresses", KLWM2M_TYPE_STRING, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MULTIPLE | KLWM2M_RES_F_MANDATORY);
	klwm2m_objdef_free(def);
}

static void firmware_update_takes_a_package_and_reports_its_state(void **state)
{
	struct klwm2m_objdef *def = load("5-firmware-update.xml");

	assert_res(def, 0, "Package", KLWM2M_TYPE_OPAQUE, KLWM2M_OP_WRITE,
		   KLWM2M_RES_F_MANDATORY);
	assert_false(res(def, 0)->has_len);
	assert_res(def, 1, "Package URI", KLWM2M_TYPE_STRING, KLWM2M_OP_READ | KLWM2M_OP_WRITE,
		   KLWM2M_RES_F_MANDATORY);
	assert_true(res(def, 1)->has_len);
	assert_int_equal(0, res(def, 1)->len_min);
	assert_int_equal(255, res(def, 1)->len_max);
	assert_res(def, 2, "Update", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE, KLWM2M_RES_F_MANDATORY);
	assert_res(def, 3, "State", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ, KLWM2M_RES_F_MANDATORY);
	assert_int_range(res(def, 3), 0, 3);
	assert_int_range(res(def, 5), 0, 9);
	/* There has never been a resource 4. */
	for (unsigned int r = 0; r < def->nres; r++)
		assert_int_not_equal(4, def->res[r].id);
	klwm2m_objdef_free(def);
}

static void location_is_one_instance_of_floats(void **state)
{
	struct klwm2m_objdef *def = load("6-location.xml");

	assert_int_equal(0, def->flags & KLWM2M_OBJ_F_MULTIPLE);
	assert_res(def, 0, "Latitude", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ, KLWM2M_RES_F_MANDATORY);
	assert_res(def, 1, "Longitude", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ, KLWM2M_RES_F_MANDATORY);
	assert_res(def, 4, "Velocity", KLWM2M_TYPE_OPAQUE, KLWM2M_OP_READ, 0);
	assert_res(def, 5, "Timestamp", KLWM2M_TYPE_TIME, KLWM2M_OP_READ, KLWM2M_RES_F_MANDATORY);
	klwm2m_objdef_free(def);
}

static void connectivity_statistics_start_and_stop(void **state)
{
	struct klwm2m_objdef *def = load("7-connectivity-statistics.xml");

	assert_res(def, 6, "Start", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE, KLWM2M_RES_F_MANDATORY);
	assert_res(def, 7, "Stop", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE, KLWM2M_RES_F_MANDATORY);
	assert_res(def, 8, "Collection Period", KLWM2M_TYPE_INTEGER,
		   KLWM2M_OP_READ | KLWM2M_OP_WRITE, 0);
	klwm2m_objdef_free(def);
}

static void temperature_has_a_value_extremes_and_quality(void **state)
{
	struct klwm2m_objdef *def = load("3303-temperature.xml");
	double d;

	assert_res(def, 5700, "Sensor Value", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ,
		   KLWM2M_RES_F_MANDATORY);
	assert_res(def, 5701, "Sensor Units", KLWM2M_TYPE_STRING, KLWM2M_OP_READ, 0);
	assert_res(def, 5601, "Min Measured Value", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ, 0);
	assert_res(def, 5602, "Max Measured Value", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ, 0);
	assert_res(def, 5605, "Reset Min and Max Measured Values", KLWM2M_TYPE_NONE,
		   KLWM2M_OP_EXECUTE, 0);
	assert_res(def, 5750, "Application Type", KLWM2M_TYPE_STRING,
		   KLWM2M_OP_READ | KLWM2M_OP_WRITE, 0);
	assert_res(def, 5518, "Timestamp", KLWM2M_TYPE_TIME, KLWM2M_OP_READ, 0);
	assert_res(def, 6042, "Measurement Quality Indicator", KLWM2M_TYPE_INTEGER,
		   KLWM2M_OP_READ, 0);
	assert_int_range(res(def, 6042), 0, 23);
	assert_int_range(res(def, 6049), 0, 100);
	assert_res(def, 6050, "Fractional Timestamp", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ, 0);
	assert_true(res(def, 6050)->has_range);
	memcpy(&d, &res(def, 6050)->max, sizeof(d));
	assert_true(d == 1.0);
	klwm2m_objdef_free(def);
}

/* ---- the klwm2m:secret extension */

static int load_text(const char *xml, struct klwm2m_objdef **def)
{
	char path[] = "/tmp/klwm2m-objects-XXXXXX";
	int fd = mkstemp(path), err;

	assert_true(fd >= 0);
	assert_int_equal((ssize_t)strlen(xml), write(fd, xml, strlen(xml)));
	close(fd);
	err = klwm2m_ddf_load(path, def);
	unlink(path);
	return err;
}

/* A one-resource object; @ns declares namespaces, @attr goes on the Item. */
static int load_secret(const char *ns, const char *type, const char *attr,
		       struct klwm2m_objdef **def)
{
	char xml[2048];

	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?><LWM2M %s><Object ObjectType=\"MODefinition\">"
		 "<Name>T</Name><ObjectID>4242</ObjectID>"
		 "<MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>"
		 "<Resources><Item ID=\"7\" %s><Name>K</Name><Operations>W</Operations>"
		 "<MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>"
		 "<Type>%s</Type></Item></Resources></Object></LWM2M>", ns, attr, type);
	return load_text(xml, def);
}

static void the_secret_attribute_sets_the_secret_flag(void **state)
{
	static const char ns[] = "xmlns:k=\"urn:klwm2m:ddf:1\"";
	struct klwm2m_objdef *def;

	/* Any prefix: the namespace is what counts. */
	assert_int_equal(0, load_secret(ns, "Opaque", "k:secret=\"true\"", &def));
	assert_int_equal(KLWM2M_RES_F_SECRET, def->res[0].flags);
	klwm2m_objdef_free(def);
	assert_int_equal(0, load_secret(ns, "String", "k:secret=\"true\"", &def));
	assert_int_equal(KLWM2M_RES_F_SECRET, def->res[0].flags);
	klwm2m_objdef_free(def);
	assert_int_equal(0, load_secret(ns, "Opaque", "k:secret=\"false\"", &def));
	assert_int_equal(0, def->res[0].flags);
	klwm2m_objdef_free(def);
	/* Someone else's "secret" is not ours. */
	assert_int_equal(0, load_secret("xmlns:o=\"urn:example:other\"", "Opaque",
					"o:secret=\"true\"", &def));
	assert_int_equal(0, def->res[0].flags);
	klwm2m_objdef_free(def);
}

static void a_doubtful_secret_is_refused_not_ignored(void **state)
{
	static const char ns[] = "xmlns:klwm2m=\"urn:klwm2m:ddf:1\"";
	static const struct {
		const char *ns, *type, *attr, *why;
	} cases[] = {
		{ "", "Opaque", "secret=\"true\"", "resource 7: secret must be klwm2m:secret" },
		{ ns, "Opaque", "klwm2m:secret=\"yes\"",
		  "resource 7: klwm2m:secret must be true or false" },
		{ ns, "Integer", "klwm2m:secret=\"true\"",
		  "resource 7: only string or opaque resources can be secret" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct klwm2m_objdef *def = (void *)1;

		assert_int_equal(-EINVAL, load_secret(cases[i].ns, cases[i].type, cases[i].attr,
						      &def));
		assert_null(def);
		assert_non_null(strstr(klwm2m_last_error(), "/tmp/klwm2m-objects-"));
		assert_non_null(strstr(klwm2m_last_error(), cases[i].why));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_shipped_file_loads_without_a_complaint),
		cmocka_unit_test(each_object_has_its_version_multiplicity_and_resource_count),
		cmocka_unit_test(only_the_security_keys_are_secret),
		cmocka_unit_test(no_server_may_touch_the_security_object),
		cmocka_unit_test(the_server_object_has_its_id_lifetime_and_triggers),
		cmocka_unit_test(an_acl_is_five_bits_per_server),
		cmocka_unit_test(the_device_reboots_and_reports_its_errors),
		cmocka_unit_test(connectivity_monitoring_lists_bearers_and_addresses),
		cmocka_unit_test(firmware_update_takes_a_package_and_reports_its_state),
		cmocka_unit_test(location_is_one_instance_of_floats),
		cmocka_unit_test(connectivity_statistics_start_and_stop),
		cmocka_unit_test(temperature_has_a_value_extremes_and_quality),
		cmocka_unit_test(the_secret_attribute_sets_the_secret_flag),
		cmocka_unit_test(a_doubtful_secret_is_refused_not_ignored),
	};

	return cmocka_run_group_tests_name("klwm2m_objects", tests, NULL, NULL);
}
