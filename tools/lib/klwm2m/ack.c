// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsing the kernel's acknowledgements (NLMSG_ERROR with extended ACK TLVs),
 * and the one place where libnl's error space becomes -errno.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/errno.h>

#include "internal.h"

/* The extended ACK's TLVs between @p and @end; 0 or -EBADMSG. */
static int parse_tlvs(const unsigned char *p, const unsigned char *end, struct klwm2m_ack *ack)
{
	while (end - p >= (long)sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen = a->nla_len, plen;
		const unsigned char *data = p + NLA_HDRLEN;

		if (alen < NLA_HDRLEN || alen > (size_t)(end - p))
			return -EBADMSG;
		plen = alen - NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG: {
			size_t n = strnlen((const char *)data, plen);

			if (n >= sizeof(ack->msg))
				n = sizeof(ack->msg) - 1;
			memcpy(ack->msg, data, n);
			ack->msg[n] = '\0';
			break;
		}
		case NLMSGERR_ATTR_OFFS:
			if (plen == sizeof(unsigned int)) {
				unsigned int off;

				memcpy(&off, data, sizeof(off));
				ack->offset = off > 0x7fffffffU ? -1 : (int)off;
			}
			break;
		default:
			break;
		}
		p += NLA_ALIGN(alen);
	}
	return 0;
}

/**
 * klwm2m_parse_ack() - read an NLMSG_ERROR message
 * @nlh: the message, as received
 * @len: the bytes available at @nlh
 * @ack: filled with the error, the message and the offset
 *
 * Everything in the message is checked against @len: a truncated or
 * malformed message is reported as -EBADMSG, never read past.
 *
 * Return: 0 when @ack was filled, -EBADMSG otherwise.
 */
int klwm2m_parse_ack(const struct nlmsghdr *nlh, size_t len, struct klwm2m_ack *ack)
{
	const struct nlmsgerr *e;
	const unsigned char *p, *end;
	size_t skip;

	ack->error = 0;
	ack->msg[0] = '\0';
	ack->offset = -1;

	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len ||
	    nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;

	e = (const struct nlmsgerr *)NLMSG_DATA(nlh);
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	ack->error = e->error;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;

	/* Unless capped, the request's payload is echoed before the TLVs. */
	skip = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EBADMSG;
		skip += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	p = (const unsigned char *)e + skip;
	end = (const unsigned char *)nlh + nlh->nlmsg_len;
	if (p > end)
		return -EBADMSG;

	return parse_tlvs(p, end, ack);
}

/**
 * klwm2m_parse_done() - read the NLMSG_DONE that ends a dump
 * @nlh: the message, as received
 * @len: the bytes available at @nlh
 * @ack: filled with the dump's error (0 when it completed), and the
 *	kernel's message and offset when it gave them
 *
 * Return: 0 when @ack was filled, -EBADMSG otherwise.
 */
int klwm2m_parse_done(const struct nlmsghdr *nlh, size_t len, struct klwm2m_ack *ack)
{
	const unsigned char *p, *end;
	int error;

	ack->error = 0;
	ack->msg[0] = '\0';
	ack->offset = -1;

	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len ||
	    nlh->nlmsg_type != NLMSG_DONE)
		return -EBADMSG;
	/* Very old kernels sent an empty NLMSG_DONE. */
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return 0;
	memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
	if (error > 0 || error < -4095)
		return -EBADMSG;
	ack->error = error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	p = (const unsigned char *)NLMSG_DATA(nlh) + sizeof(int);
	end = (const unsigned char *)nlh + nlh->nlmsg_len;
	return parse_tlvs(p, end, ack);
}

/* libnl reports its own failures as NLE_* codes; everything else here is -errno. */
int klwm2m_nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0: return 0;
	case NLE_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOATTR: return -ENODATA;
	case NLE_MISSING_ATTR: return -EINVAL;
	case NLE_AF_MISMATCH: return -EAFNOSUPPORT;
	case NLE_SEQ_MISMATCH: return -EILSEQ;
	case NLE_MSG_OVERFLOW: return -EOVERFLOW;
	case NLE_MSG_TRUNC: return -EMSGSIZE;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_SRCRT_NOSUPPORT: return -EOPNOTSUPP;
	case NLE_MSG_TOOSHORT: return -EBADMSG;
	case NLE_MSGTYPE_NOSUPPORT: return -EBADMSG;
	case NLE_OBJ_MISMATCH: return -EINVAL;
	case NLE_NOCACHE: return -ENOENT;
	case NLE_BUSY: return -EBUSY;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_NOACCESS: return -EACCES;
	case NLE_PERM: return -EPERM;
	case NLE_PKTLOC_FILE: return -ENOENT;
	case NLE_PARSE_ERR: return -EBADMSG;
	case NLE_NODEV: return -ENODEV;
	case NLE_IMMUTABLE: return -EPERM;
	case NLE_DUMP_INTR: return -EINTR;
	case NLE_ATTRSIZE: return -ERANGE;
	default: return -EIO;
	}
}
