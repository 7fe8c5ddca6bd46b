// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading options of a struct kcoap_msg, and the option values with a
 * structure of their own: uint (RFC 7252 section 3.2), Block1/Block2
 * (RFC 7959 section 2.2), Observe (RFC 7641 sections 2 and 3.4) and
 * Uri-Query parameters. Options the parser flagged (KCOAP_OPTF_IGNORED,
 * KCOAP_OPTF_BAD) are invisible here: RFC 7252 wants them treated as if
 * they were not understood.
 */
#include <errno.h>
#include <string.h>

#include "msg.h"

static bool usable(const struct kcoap_opt *o)
{
	return !(o->flags & (KCOAP_OPTF_IGNORED | KCOAP_OPTF_BAD));
}

/* From index @i on, the first usable option numbered @num (the array is sorted). */
static const struct kcoap_opt *find_from(const struct kcoap_msg *msg, unsigned int i,
					 unsigned int num)
{
	for (; i < msg->nopts && msg->opts[i].num <= num; i++)
		if (msg->opts[i].num == num && usable(&msg->opts[i]))
			return &msg->opts[i];
	return NULL;
}

const struct kcoap_opt *kcoap_opt_first(const struct kcoap_msg *msg, unsigned int num)
{
	return find_from(msg, 0, num);
}

const struct kcoap_opt *kcoap_opt_next(const struct kcoap_msg *msg, const struct kcoap_opt *prev)
{
	return find_from(msg, (unsigned int)(prev - msg->opts) + 1, prev->num);
}

unsigned int kcoap_opt_count(const struct kcoap_msg *msg, unsigned int num)
{
	unsigned int n = 0;

	for (const struct kcoap_opt *o = kcoap_opt_first(msg, num); o; o = kcoap_opt_next(msg, o))
		n++;
	return n;
}

int kcoap_opt_uint(const struct kcoap_opt *o, uint32_t *value)
{
	const uint8_t *p = kcoap_opt_val(o);
	uint32_t v = 0;

	if (o->len > 4)
		return -EOVERFLOW;
	for (uint32_t i = 0; i < o->len; i++)
		v = v << 8 | p[i];
	*value = v;
	return 0;
}

int kcoap_msg_get_uint(const struct kcoap_msg *msg, unsigned int num, uint32_t *value)
{
	const struct kcoap_opt *o = kcoap_opt_first(msg, num);

	return o ? kcoap_opt_uint(o, value) : -ENOENT;
}

int kcoap_msg_query(const struct kcoap_msg *msg, const char *key, const uint8_t **val,
		    size_t *len)
{
	size_t klen = strlen(key);
	int found = -ENOENT;

	for (const struct kcoap_opt *o = kcoap_opt_first(msg, KCOAP_OPT_URI_QUERY); o;
	     o = kcoap_opt_next(msg, o)) {
		const uint8_t *p = kcoap_opt_val(o);

		if (o->len < klen || memcmp(p, key, klen) ||
		    (o->len > klen && p[klen] != '='))
			continue;
		if (!found)
			return -EEXIST;
		found = 0;
		if (o->len == klen) {
			*val = NULL;
			*len = 0;
		} else {
			*val = p + klen + 1;
			*len = o->len - klen - 1;
		}
	}
	return found;
}

int kcoap_block_szx(size_t size)
{
	for (int szx = 0; szx <= KCOAP_BLOCK_SZX_MAX; szx++)
		if (size == (size_t)16 << szx)
			return szx;
	return -EINVAL;
}

int kcoap_block_decode(uint32_t value, struct kcoap_block *b)
{
	if (value > 0xffffff || (value & 7) == 7)
		return -EINVAL;
	b->num = value >> 4;
	b->more = value & 8;
	b->szx = value & 7;
	return 0;
}

int kcoap_block_encode(const struct kcoap_block *b, uint32_t *value)
{
	if (b->num > KCOAP_BLOCK_NUM_MAX || b->szx > KCOAP_BLOCK_SZX_MAX)
		return -EINVAL;
	*value = b->num << 4 | (b->more ? 8 : 0) | b->szx;
	return 0;
}

int kcoap_msg_get_block(const struct kcoap_msg *msg, unsigned int num, struct kcoap_block *b)
{
	uint32_t v;
	int err = kcoap_msg_get_uint(msg, num, &v);

	if (err == -EOVERFLOW)
		return -EINVAL;
	return err ? err : kcoap_block_decode(v, b);
}

int kcoap_msg_add_block(struct kcoap_msg *msg, unsigned int num, const struct kcoap_block *b)
{
	uint32_t v;
	int err = kcoap_block_encode(b, &v);

	return err ? err : kcoap_msg_add_uint(msg, num, v);
}

int kcoap_msg_get_observe(const struct kcoap_msg *msg, uint32_t *value)
{
	int err = kcoap_msg_get_uint(msg, KCOAP_OPT_OBSERVE, value);

	/* A usable Observe has 0-3 bytes; one built here too. */
	if (err == -EOVERFLOW || (!err && *value > KCOAP_OBSERVE_MASK))
		return -ENOENT;
	return err;
}

int kcoap_msg_add_observe(struct kcoap_msg *msg, uint32_t value)
{
	return kcoap_msg_add_uint(msg, KCOAP_OPT_OBSERVE, value & KCOAP_OBSERVE_MASK);
}

bool kcoap_observe_newer(uint32_t v1, uint32_t v2)
{
	v1 &= KCOAP_OBSERVE_MASK;
	v2 &= KCOAP_OBSERVE_MASK;
	return (v1 < v2 && v2 - v1 < (1u << 23)) || (v1 > v2 && v1 - v2 > (1u << 23));
}
