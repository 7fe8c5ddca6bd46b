/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The selftests' common object: 3303 Temperature with a float value (range
 * -40..125, read only), a string, an executable, a secret opaque and a
 * multiple integer resource; and raw requests on it. Include after
 * kselftest_harness.h and genl.h.
 */
#ifndef KLWM2M_SELFTEST_TEMPERATURE_H
#define KLWM2M_SELFTEST_TEMPERATURE_H

#include <sys/wait.h>
#include <unistd.h>
#include <linux/klwm2m.h>

#define F64_21_5	0x4035800000000000ULL
#define F64_200		0x4069000000000000ULL
#define F64_MINUS_40	0xc044000000000000ULL
#define F64_125		0x405f400000000000ULL

#define PAYLOAD(a) ((void *)((char *)(a) + NLA_HDRLEN))

/* The 3303 Temperature object of these tests, mode 0644, owned by root. */
static inline int define_temperature(int fd, int family, struct genl_ack *a)
{
	struct genl_req r;
	size_t nest;

	genl_req_init(&r, family, 0, KLWM2M_CMD_OBJ_DEFINE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_OBJ_ID, 3303);
	put_str(&r, KLWM2M_A_OBJ_NAME, "Temperature");
	put_str(&r, KLWM2M_A_OBJ_VERSION, "1.1");
	put_u32(&r, KLWM2M_A_OBJ_FLAGS, KLWM2M_OBJ_F_MULTIPLE);
	put_u32(&r, KLWM2M_A_OBJ_UID, 0);
	put_u32(&r, KLWM2M_A_OBJ_GID, 0);
	put_u16(&r, KLWM2M_A_OBJ_MODE, 0644);
	nest = put_res(&r, 5700, "Sensor Value", KLWM2M_TYPE_FLOAT, KLWM2M_OP_READ, 0);
	put_u64(&r, KLWM2M_A_RES_RANGE_MIN, F64_MINUS_40);
	put_u64(&r, KLWM2M_A_RES_RANGE_MAX, F64_125);
	genl_req_nest_end(&r, nest);
	genl_req_nest_end(&r, put_res(&r, 5701, "Sensor Units", KLWM2M_TYPE_STRING,
				      KLWM2M_OP_READ, 0));
	genl_req_nest_end(&r, put_res(&r, 5605, "Reset", KLWM2M_TYPE_NONE,
				      KLWM2M_OP_EXECUTE, 0));
	genl_req_nest_end(&r, put_res(&r, 9, "Key", KLWM2M_TYPE_OPAQUE,
				      KLWM2M_OP_READ | KLWM2M_OP_WRITE, KLWM2M_RES_F_SECRET));
	genl_req_nest_end(&r, put_res(&r, 1, "Levels", KLWM2M_TYPE_INTEGER,
				      KLWM2M_OP_READ | KLWM2M_OP_WRITE, KLWM2M_RES_F_MULTIPLE));
	return genl_exchange(fd, &r, a);
}

static inline int create_instance(int fd, int family, int iid, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_INST_CREATE, KLWM2M_GENL_VERSION);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	if (iid >= 0)
		put_u16(&r, KLWM2M_A_PATH_INST, iid);
	return genl_exchange(fd, &r, a);
}

/* Appends one value (data NULL: none); returns the nest's offset. */
static inline size_t put_value(struct genl_req *r, uint16_t iid, uint16_t rid, int riid, uint8_t type,
			const void *data, size_t len)
{
	return genl_put_value(r, 3303, iid, rid, riid, type, data, len);
}

static inline int set_one(int fd, int family, uint16_t iid, uint16_t rid, int riid, uint8_t type,
		   const void *data, size_t len, struct genl_ack *a)
{
	struct genl_req r;

	genl_req_init(&r, family, 0, KLWM2M_CMD_SET, KLWM2M_GENL_VERSION);
	put_value(&r, iid, rid, riid, type, data, len);
	return genl_exchange(fd, &r, a);
}

/* A struct klwm2m_scalar record for 3303/@iid/@rid[/@riid] (riid < 0: a single resource). */
static inline struct klwm2m_scalar rec(uint16_t iid, uint16_t rid, int riid, uint8_t type, uint64_t x)
{
	return (struct klwm2m_scalar){ .oid = 3303, .iid = iid, .rid = rid,
				       .riid = riid < 0 ? KLWM2M_ID_NONE : riid,
				       .type = type, .value = x };
}

/* Appends a SCALARS attribute; returns the offset of its first record. */
static inline size_t put_scalars(struct genl_req *r, const struct klwm2m_scalar *recs, size_t n)
{
	return genl_req_put(r, KLWM2M_A_SET_SCALARS, recs, n * sizeof(*recs)) + NLA_HDRLEN;
}

static inline int get_one(int fd, int family, uint16_t iid, uint16_t rid, int riid, struct genl_ack *a)
{
	struct genl_req r;

	size_t path;

	genl_req_init(&r, family, 0, KLWM2M_CMD_GET, KLWM2M_GENL_VERSION);
	path = genl_req_nest(&r, KLWM2M_A_VALUE_PATH);
	put_u16(&r, KLWM2M_A_PATH_OBJ, 3303);
	put_u16(&r, KLWM2M_A_PATH_INST, iid);
	put_u16(&r, KLWM2M_A_PATH_RES, rid);
	if (riid >= 0)
		put_u16(&r, KLWM2M_A_PATH_RINST, riid);
	genl_req_nest_end(&r, path);
	return genl_exchange(fd, &r, a);
}

#endif
