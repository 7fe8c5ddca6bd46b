/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A deliberately small raw generic netlink client for the selftests: they
 * need to send messages no well-behaved library would build.
 */
#ifndef KLWM2M_SELFTEST_GENL_H
#define KLWM2M_SELFTEST_GENL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

struct genl_req {
	union {
		struct nlmsghdr nlh;
		char buf[8192];
	};
};

struct genl_ack {
	int error;		/* 0 or -errno */
	char msg[256];		/* the kernel's extack message, or "" */
	int offset;		/* offset of the bad attribute, or -1 */
	int miss_type;		/* the missing attribute the kernel named, or 0 */
	struct nlattr *tb[64];	/* reply attributes, when the kernel replied */
	char reply[8192];
	int replied;
};

/* A socket with extended and capped ACKs on, or -errno. */
int genl_open(void);
/* The socket's netlink port ID, or 0. */
uint32_t genl_portid(int fd);
/* The family's ID, or -errno. */
int genl_family(int fd, const char *name);

void genl_req_init(struct genl_req *r, uint16_t family, uint16_t flags, uint8_t cmd,
		   uint8_t version);
/* Appends an attribute; returns its offset in the message. */
size_t genl_req_put(struct genl_req *r, uint16_t type, const void *data, size_t len);

/* Typed forms of genl_req_put(), in host order; strings with their NUL. */
static inline void put_u8(struct genl_req *r, uint16_t type, uint8_t v)
{
	genl_req_put(r, type, &v, sizeof(v));
}

static inline void put_u16(struct genl_req *r, uint16_t type, uint16_t v)
{
	genl_req_put(r, type, &v, sizeof(v));
}

static inline void put_u32(struct genl_req *r, uint16_t type, uint32_t v)
{
	genl_req_put(r, type, &v, sizeof(v));
}

static inline void put_u64(struct genl_req *r, uint16_t type, uint64_t v)
{
	genl_req_put(r, type, &v, sizeof(v));
}

static inline void put_str(struct genl_req *r, uint16_t type, const char *s)
{
	genl_req_put(r, type, s, strlen(s) + 1);
}

/* Opens a nested attribute (NLA_F_NESTED set); returns its offset. */
size_t genl_req_nest(struct genl_req *r, uint16_t type);
/* Closes the nest opened at @off. */
void genl_req_nest_end(struct genl_req *r, size_t off);

/*
 * Appends a klwm2m SET_VALUE nest for @oid/@iid/@rid[/@riid] (@riid < 0:
 * none) of @type with @len bytes of @data (NULL: no data, a delete or a
 * clear); returns the nest's offset.
 */
size_t genl_put_value(struct genl_req *r, uint16_t oid, uint16_t iid, uint16_t rid, int riid,
		      uint8_t type, const void *data, size_t len);

/* The payload of attribute @type inside the nest @nest, or NULL. */
const struct nlattr *genl_nested(const struct nlattr *nest, uint16_t type);

/* Sends @r (with NLM_F_ACK) and reads the reply, if any, and the ACK. */
int genl_exchange(int fd, struct genl_req *r, struct genl_ack *a);
/*
 * genl_exchange() that keeps the unsolicited messages (sequence number 0)
 * read meanwhile, up to @max, in @notes; *@nnotes says how many.
 */
int genl_exchange_notes(int fd, struct genl_req *r, struct genl_ack *a, struct genl_ack *notes,
			int max, int *nnotes);

/*
 * Sends @r as a dump request and calls @fn with each reply's attributes
 * (indexed by type, up to 63) until NLMSG_DONE, an error, or @fn returning
 * non-zero (then it stops reading: the dump is left unfinished). a->error
 * receives the dump's error, *@intr whether any part carried
 * NLM_F_DUMP_INTR. Return: the number of records, or -errno.
 */
typedef int (*genl_record_fn)(struct nlattr **tb, void *arg);
int genl_dump(int fd, struct genl_req *r, genl_record_fn fn, void *arg, struct genl_ack *a,
	      int *intr);
/* genl_dump() in two steps: send the request, later read what it brought. */
int genl_dump_send(int fd, struct genl_req *r);
int genl_dump_recv(int fd, const struct genl_req *r, genl_record_fn fn, void *arg,
		   struct genl_ack *a, int *intr);

/*
 * Appends a klwm2m resource definition (a KLWM2M_A_OBJ_RES nest, left open
 * for more attributes: close it with genl_req_nest_end()); returns its offset.
 */
size_t put_res(struct genl_req *r, uint16_t id, const char *name, uint8_t type, uint8_t ops,
	       uint32_t flags);

/* Runs @fn in a child as uid/gid 65534 with a socket of its own; returns its exit status. */
int as_nobody(int family, int (*fn)(int fd, int family));

/* The multicast group's ID in @family, or -errno. */
int genl_mcast_group(int fd, const char *family, const char *group);

/*
 * Waits up to @timeout_ms for one message on @fd (e.g. a multicast event or
 * a notification) and parses it into @a; notifications genl_exchange() met
 * while waiting for its reply come first. Return: its genl command,
 * -ETIMEDOUT, or -errno.
 */
int genl_recv(int fd, struct genl_ack *a, int timeout_ms);

#endif
