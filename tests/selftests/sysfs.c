// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftests of /sys/kernel/klwm2m/ against the loaded module: the initial
 * namespace's store written over netlink and read back with read(2), one
 * value per file; secrets without files; directories that follow instances
 * and objects; counters; a refused batch that leaves no file; another
 * namespace's store that never shows. Whether value files exist follows the
 * module's sysfs_values parameter (tests/selftests/sysfs.sh reloads the
 * module with it off and runs these again).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#include "kselftest_harness.h"
#include "genl.h"

#define OID		40001
#define OID_OTHER_NS	40002
#define OID_LEFT	40003
#define ODIR		"/sys/kernel/klwm2m/objects/40001"
#define STATS		"/sys/kernel/klwm2m/stats/"

enum {
	R_INT, R_UNSIGNED, R_FLOAT, R_BOOL, R_STRING, R_OPAQUE, R_TIME, R_LINK, R_CORELNK,
	R_KEY, R_RESET, R_LEVELS, R_UNSET,
};

static const struct {
	const char *name;
	uint8_t type, ops;
	uint32_t flags;
} res[] = {
	[R_INT]		= { "Int", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ },
	[R_UNSIGNED]	= { "Unsigned", KLWM2M_TYPE_UNSIGNED, KLWM2M_OP_READ },
	[R_FLOAT]	= { "Float", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ },
	[R_BOOL]	= { "Bool", KLWM2M_TYPE_BOOLEAN, KLWM2M_OP_READ },
	[R_STRING]	= { "String", KLWM2M_TYPE_STRING, KLWM2M_OP_READ },
	[R_OPAQUE]	= { "Opaque", KLWM2M_TYPE_OPAQUE, KLWM2M_OP_READ },
	[R_TIME]	= { "Time", KLWM2M_TYPE_TIME, KLWM2M_OP_READ },
	[R_LINK]	= { "Link", KLWM2M_TYPE_OBJLNK, KLWM2M_OP_READ },
	[R_CORELNK]	= { "Links", KLWM2M_TYPE_CORELNK, KLWM2M_OP_READ },
	[R_KEY]		= { "Key", KLWM2M_TYPE_OPAQUE, KLWM2M_OP_READ | KLWM2M_OP_WRITE,
			    KLWM2M_RES_F_SECRET },
	[R_RESET]	= { "Reset", KLWM2M_TYPE_NONE, KLWM2M_OP_EXECUTE },
	[R_LEVELS]	= { "Levels", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ | KLWM2M_OP_WRITE,
			    KLWM2M_RES_F_MULTIPLE },
	[R_UNSET]	= { "Unset", KLWM2M_TYPE_INTEGER, KLWM2M_OP_READ },
};

static int define(int fd, int family, uint16_t oid, struct genl_ack *a)
{
	struct genl_req r;
	unsigned int i;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, oid);
	put_str(&r, KLWM2M_A_OBJ_NAME, "sysfs selftest");
	put_str(&r, KLWM2M_A_OBJ_VERSION, "1.0");
	put_u32(&r, KLWM2M_A_OBJ_FLAGS, KLWM2M_OBJ_F_MULTIPLE);
	put_u16(&r, KLWM2M_A_OBJ_MODE, 0644);
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		size_t nest = genl_req_nest(&r, KLWM2M_A_OBJ_RES);

		put_u16(&r, KLWM2M_A_RES_ID, i);
		put_str(&r, KLWM2M_A_RES_NAME, res[i].name);
		put_u8(&r, KLWM2M_A_RES_TYPE, res[i].type);
		put_u8(&r, KLWM2M_A_RES_OPS, res[i].ops);
		if (res[i].flags)
			put_u32(&r, KLWM2M_A_RES_FLAGS, res[i].flags);
		genl_req_nest_end(&r, nest);
	}
	return genl_exchange(fd, &r, a);
}

static int undefine(int fd, int family, uint16_t oid, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_UNDEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, oid);
	return genl_exchange(fd, &r, a);
}

/* The object the requests below address. */
static uint16_t oid = OID;

static int inst_cmd(int fd, int family, uint8_t cmd, uint16_t iid, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, cmd, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_PATH_OBJ, oid);
	put_u16(&r, KLWM2M_A_PATH_INST, iid);
	return genl_exchange(fd, &r, a);
}

/* Appends one value to a SET request (data NULL: delete or clear). */
static void put_value(struct genl_req *r, uint16_t iid, uint16_t rid, int riid,
		      uint8_t type, const void *data, size_t len)
{
	genl_put_value(r, oid, iid, rid, riid, type, data, len);
}

static void set_init(struct genl_req *r, int family)
{
	genl_req_init(r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
}

static void put_level(struct genl_req *r, uint16_t iid, int riid, int64_t x)
{
	put_value(r, iid, R_LEVELS, riid, KLWM2M_TYPE_INTEGER, &x, sizeof(x));
}

/* The file's contents as a string, or NULL with errno set. */
static char *slurp(const char *path)
{
	static char buf[8192];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

static int exists(const char *path)
{
	struct stat s;

	return !stat(path, &s);
}

static long long stat_of(const char *name)
{
	char path[128];
	char *s;

	snprintf(path, sizeof(path), STATS "%s", name);
	s = slurp(path);
	return s ? atoll(s) : -1;
}

/* Entries in a directory other than . and .., or -1. */
static int entries(const char *path)
{
	struct dirent *e;
	DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static int values_on(void)
{
	char *s = slurp("/sys/module/klwm2m/parameters/sysfs_values");

	return s && s[0] == 'Y';
}

FIXTURE(sysfs) {
	int fd;
	int family;
	int values;	/* sysfs_values is on */
};

FIXTURE_SETUP(sysfs)
{
	struct genl_ack a;

	self->values = values_on();
	self->fd = genl_open();
	ASSERT_LE(0, self->fd);
	self->family = genl_family(self->fd, KLWM2M_GENL_NAME);
	ASSERT_LT(0, self->family);
	ASSERT_EQ(0, define(self->fd, self->family, OID, &a));
	ASSERT_EQ(0, a.error) TH_LOG("define: %s", a.msg);
	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_CREATE, 0, &a));
	ASSERT_EQ(0, a.error) TH_LOG("create: %s", a.msg);
}

FIXTURE_TEARDOWN(sysfs)
{
	struct genl_ack a;
	int iid;

	for (iid = 0; iid < 4; iid++)
		inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_DELETE, iid, &a);
	undefine(self->fd, self->family, OID, &a);
	EXPECT_FALSE(exists(ODIR));
	close(self->fd);
}

TEST_F(sysfs, each_type_reads_back_in_its_text_form)
{
	static const struct {
		int rid;
		const char *text;
	} want[] = {
		{ R_INT, "-42\n" },
		{ R_UNSIGNED, "18446744073709551615\n" },
		{ R_FLOAT, "0x1.58p+4\n" },
		{ R_BOOL, "1\n" },
		{ R_STRING, "Cel\n" },
		{ R_OPAQUE, "dead000f\n" },
		{ R_TIME, "1700000000\n" },
		{ R_LINK, "3303:7\n" },
		{ R_CORELNK, "</3303/0>\n" },
	};
	int64_t i = -42, t = 1700000000;
	uint64_t u = UINT64_MAX, f = 0x4035800000000000ULL;
	uint32_t link = 3303 << 16 | 7;
	uint8_t b = 1;
	struct genl_req r;
	struct genl_ack a;
	char path[128];
	unsigned int k;

	set_init(&r, self->family);
	put_value(&r, 0, R_INT, -1, KLWM2M_TYPE_INTEGER, &i, sizeof(i));
	put_value(&r, 0, R_UNSIGNED, -1, KLWM2M_TYPE_UNSIGNED, &u, sizeof(u));
	put_value(&r, 0, R_FLOAT, -1, KLWM2M_TYPE_FLOAT, &f, sizeof(f));
	put_value(&r, 0, R_BOOL, -1, KLWM2M_TYPE_BOOLEAN, &b, sizeof(b));
	put_value(&r, 0, R_STRING, -1, KLWM2M_TYPE_STRING, "Cel", 3);
	put_value(&r, 0, R_OPAQUE, -1, KLWM2M_TYPE_OPAQUE, "\xde\xad\x00\x0f", 4);
	put_value(&r, 0, R_TIME, -1, KLWM2M_TYPE_TIME, &t, sizeof(t));
	put_value(&r, 0, R_LINK, -1, KLWM2M_TYPE_OBJLNK, &link, sizeof(link));
	put_value(&r, 0, R_CORELNK, -1, KLWM2M_TYPE_CORELNK, "</3303/0>", 9);
	put_value(&r, 0, R_KEY, -1, KLWM2M_TYPE_OPAQUE, "secret", 6);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);

	ASSERT_TRUE(exists(ODIR "/0"));
	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		snprintf(path, sizeof(path), ODIR "/0/%d", want[k].rid);
		if (!self->values) {
			EXPECT_FALSE(exists(path)) TH_LOG("%s exists with sysfs_values off", path);
			continue;
		}
		ASSERT_NE(NULL, slurp(path)) TH_LOG("%s: %s", path, strerror(errno));
		EXPECT_STREQ(want[k].text, slurp(path)) TH_LOG("%s", path);
	}
	/* A secret, an executable and an unset resource have no file. */
	EXPECT_FALSE(exists(ODIR "/0/9"));
	EXPECT_FALSE(exists(ODIR "/0/10"));
	EXPECT_FALSE(exists(ODIR "/0/12"));
	if (self->values) {
		struct stat s;

		ASSERT_EQ(0, stat(ODIR "/0/0", &s));
		EXPECT_EQ(0444, s.st_mode & 07777);
	}
}

TEST_F(sysfs, a_replaced_value_shows_the_new_one)
{
	struct genl_req r;
	struct genl_ack a;
	int64_t x = 1;

	set_init(&r, self->family);
	put_value(&r, 0, R_INT, -1, KLWM2M_TYPE_INTEGER, &x, sizeof(x));
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error);
	x = 2;
	set_init(&r, self->family);
	put_value(&r, 0, R_INT, -1, KLWM2M_TYPE_INTEGER, &x, sizeof(x));
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error);
	if (!self->values) {
		EXPECT_FALSE(exists(ODIR "/0/0"));
		return;
	}
	EXPECT_STREQ("2\n", slurp(ODIR "/0/0"));
}

TEST_F(sysfs, a_value_larger_than_a_page_reads_as_efbig)
{
	static char big[5000];
	struct genl_req r;
	struct genl_ack a;

	memset(big, 'x', sizeof(big));
	set_init(&r, self->family);
	put_value(&r, 0, R_STRING, -1, KLWM2M_TYPE_STRING, big, sizeof(big));
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	if (!self->values) {
		EXPECT_FALSE(exists(ODIR "/0/4"));
		return;
	}
	EXPECT_EQ(NULL, slurp(ODIR "/0/4"));
	EXPECT_EQ(EFBIG, errno);
}

TEST_F(sysfs, resource_instances_live_in_the_resource_directory)
{
	struct genl_req r;
	struct genl_ack a;

	set_init(&r, self->family);
	put_level(&r, 0, 0, 10);
	put_level(&r, 0, 5, 15);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	if (!self->values) {
		EXPECT_FALSE(exists(ODIR "/0/11"));
		return;
	}
	EXPECT_EQ(2, entries(ODIR "/0/11"));
	EXPECT_STREQ("10\n", slurp(ODIR "/0/11/0"));
	EXPECT_STREQ("15\n", slurp(ODIR "/0/11/5"));

	/* Deleting one removes its file. */
	set_init(&r, self->family);
	put_value(&r, 0, R_LEVELS, 0, KLWM2M_TYPE_INTEGER, NULL, 0);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("delete: %s", a.msg);
	EXPECT_FALSE(exists(ODIR "/0/11/0"));
	EXPECT_STREQ("15\n", slurp(ODIR "/0/11/5"));

	/* A replace: clear, then new instances; only those stay. */
	set_init(&r, self->family);
	put_value(&r, 0, R_LEVELS, -1, KLWM2M_TYPE_INTEGER, NULL, 0);
	put_level(&r, 0, 7, 70);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("replace: %s", a.msg);
	EXPECT_EQ(1, entries(ODIR "/0/11"));
	EXPECT_STREQ("70\n", slurp(ODIR "/0/11/7"));

	/* A clear empties the directory, which stays with the resource. */
	set_init(&r, self->family);
	put_value(&r, 0, R_LEVELS, -1, KLWM2M_TYPE_INTEGER, NULL, 0);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error) TH_LOG("clear: %s", a.msg);
	EXPECT_EQ(0, entries(ODIR "/0/11"));
}

TEST_F(sysfs, a_refused_batch_leaves_no_file)
{
	long long values = stat_of("values");
	struct genl_req r;
	struct genl_ack a;
	int64_t x = 1;

	set_init(&r, self->family);
	put_value(&r, 0, R_INT, -1, KLWM2M_TYPE_INTEGER, &x, sizeof(x));
	put_level(&r, 0, 3, 30);
	/* The wrong type: the whole batch is refused. */
	put_value(&r, 0, R_UNSIGNED, -1, KLWM2M_TYPE_INTEGER, &x, sizeof(x));
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(-EINVAL, a.error);
	EXPECT_FALSE(exists(ODIR "/0/0"));
	EXPECT_FALSE(exists(ODIR "/0/11"));
	EXPECT_EQ(values, stat_of("values"));
}

TEST_F(sysfs, deleting_an_instance_or_object_removes_its_directory)
{
	struct genl_req r;
	struct genl_ack a;

	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_CREATE, 1, &a));
	ASSERT_EQ(0, a.error);
	set_init(&r, self->family);
	put_level(&r, 1, 2, 20);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_TRUE(exists(ODIR "/1"));
	EXPECT_EQ(self->values, exists(ODIR "/1/11/2"));

	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_DELETE, 1, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_FALSE(exists(ODIR "/1"));
	EXPECT_TRUE(exists(ODIR "/0"));

	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_DELETE, 0, &a));
	ASSERT_EQ(0, undefine(self->fd, self->family, OID, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_FALSE(exists(ODIR));
}

TEST_F(sysfs, counters_follow_the_store)
{
	long long objs = stat_of("objects"), insts = stat_of("instances");
	long long values = stat_of("values"), used = stat_of("bytes_used");
	struct genl_req r;
	struct genl_ack a;

	ASSERT_LE(1, objs);
	ASSERT_LE(1, insts);
	ASSERT_LT(0, used);
	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_CREATE, 2, &a));
	ASSERT_EQ(0, a.error);
	set_init(&r, self->family);
	put_level(&r, 2, 0, 1);
	put_level(&r, 2, 1, 2);
	ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
	ASSERT_EQ(0, a.error);
	EXPECT_EQ(objs, stat_of("objects"));
	EXPECT_EQ(insts + 1, stat_of("instances"));
	EXPECT_EQ(values + 2, stat_of("values"));
	EXPECT_LT(used, stat_of("bytes_used"));

	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_DELETE, 2, &a));
	EXPECT_EQ(insts, stat_of("instances"));
	EXPECT_EQ(values, stat_of("values"));
	EXPECT_EQ(used, stat_of("bytes_used"));
}

TEST_F(sysfs, another_namespace_store_never_shows)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct genl_ack a;
		int fd, family;

		if (unshare(CLONE_NEWNET))
			_exit(100);
		fd = genl_open();
		family = fd < 0 ? -1 : genl_family(fd, KLWM2M_GENL_NAME);
		if (family < 0 || define(fd, family, OID_OTHER_NS, &a) || a.error)
			_exit(101);
		_exit(exists("/sys/kernel/klwm2m/objects/40002") ? 1 : 0);
	}
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Slab memory per resource instance, as a TAP comment (not a pass/fail). */
TEST_F(sysfs, memory_per_value_is_reported)
{
	const int batches = 20, per = 100;
	long long before, after;
	struct genl_req r;
	struct genl_ack a;
	int i, j;
	char *s;

	ASSERT_EQ(0, inst_cmd(self->fd, self->family, KLWM2M_CMD_INST_CREATE, 3, &a));
	sync();
	s = slurp("/proc/meminfo");
	ASSERT_NE(NULL, s = strstr(s, "\nSlab:"));
	before = atoll(s + 6);
	for (i = 0; i < batches; i++) {
		set_init(&r, self->family);
		for (j = 0; j < per; j++)
			put_level(&r, 3, i * per + j, j);
		ASSERT_EQ(0, genl_exchange(self->fd, &r, &a));
		ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	}
	s = slurp("/proc/meminfo");
	ASSERT_NE(NULL, s = strstr(s, "\nSlab:"));
	after = atoll(s + 6);
	if (self->values)
		EXPECT_EQ(batches * per, entries(ODIR "/3/11"));
	ksft_print_msg("sysfs_values=%d: %lld bytes of slab per integer resource instance (%d values; debug kernel)\n",
		       self->values, (after - before) * 1024 / (batches * per), batches * per);
}

#ifdef KLWM2M_SYSFS_LEAVE
/*
 * Built alone as build/selftest-helpers/sysfs-leave (tests/selftests/sysfs.sh
 * runs it before it unloads the module): an object with instances, values,
 * resource instances and a secret left in the store, so that the unload takes
 * a populated tree down. Not a test: the harness's main is not built in.
 */
#undef ASSERT_EQ
#undef ASSERT_LE
#undef ASSERT_LT
#undef EXPECT_EQ
#undef TH_LOG
#define ASSERT_EQ(want, got) do { if ((want) != (got)) return __LINE__; } while (0)
#define ASSERT_LE(lo, got) do { if ((lo) > (got)) return __LINE__; } while (0)
#define ASSERT_LT(lo, got) do { if ((lo) >= (got)) return __LINE__; } while (0)
#define EXPECT_EQ ASSERT_EQ
#define TH_LOG(...) /* nothing: the exit status names the line */

int main(void)
{
	struct genl_req r;
	struct genl_ack a;
	int fd, family, iid;
	int64_t x = 5;

	oid = OID_LEFT;
	fd = genl_open();
	ASSERT_LE(0, fd);
	family = genl_family(fd, KLWM2M_GENL_NAME);
	ASSERT_LT(0, family);
	ASSERT_EQ(0, define(fd, family, OID_LEFT, &a));
	ASSERT_EQ(0, a.error) TH_LOG("define: %s", a.msg);
	for (iid = 0; iid < 2; iid++) {
		ASSERT_EQ(0, inst_cmd(fd, family, KLWM2M_CMD_INST_CREATE, iid, &a));
		ASSERT_EQ(0, a.error) TH_LOG("create: %s", a.msg);
		set_init(&r, family);
		put_value(&r, iid, R_INT, -1, KLWM2M_TYPE_INTEGER, &x, sizeof(x));
		put_value(&r, iid, R_KEY, -1, KLWM2M_TYPE_OPAQUE, "secret", 6);
		put_level(&r, iid, 0, 1);
		put_level(&r, iid, 1, 2);
		ASSERT_EQ(0, genl_exchange(fd, &r, &a));
		ASSERT_EQ(0, a.error) TH_LOG("set: %s", a.msg);
	}
	EXPECT_EQ(values_on(), exists("/sys/kernel/klwm2m/objects/40003/1/11/1"));
	close(fd);
	return 0;
}
#else

TEST_HARNESS_MAIN
#endif
