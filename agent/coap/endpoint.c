// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CoAP endpoint: lifetime, the socket, parameters, and the dispatch of every
 * datagram that arrives (RFC 7252 section 4: what each type and code asks
 * for). The pieces it dispatches to are listed in ep_internal.h; the model
 * and the threading rules are in endpoint.h.
 *
 * Dispatch of a datagram:
 *   not CoAP (short, version != 1)		ignored
 *   format error				CON: RST; else ignored
 *   ACK   Empty				ends the CON with that MID, if any
 *   ACK   response				the client request with that MID
 *   RST					ends the CON with that MID, or the
 *						observer of a NON notification
 *   CON   Empty (ping)				RST
 *   CON/NON seen before (peer, MID)		the cached reply again, or nothing
 *   CON/NON request				server.c
 *   CON/NON response				client.c; unmatched CON: RST
 *
 * System calls per request. kcoap_ep_input() reads what is queued on the
 * socket with recvmmsg() (KCOAP_EP_BATCH at a time); fewer than it asked for
 * means the queue is empty, and it returns to the loop's level-triggered
 * epoll rather than ask again. The handlers' replies are queued and leave at
 * the end of the batch: one sendto() for one, one sendmmsg() for several.
 * A request served inline thus costs epoll_wait, recvmmsg and sendto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ep_internal.h"

const struct kcoap_ep_params kcoap_ep_default_params = {
	.ack_timeout_ms = KCOAP_ACK_TIMEOUT_MS,
	.ack_random_factor_permille = KCOAP_ACK_RANDOM_FACTOR_PERMILLE,
	.max_retransmit = KCOAP_MAX_RETRANSMIT,
	.exchange_lifetime_ms = KCOAP_EXCHANGE_LIFETIME_MS,
	.non_lifetime_ms = KCOAP_NON_LIFETIME_MS,
	.response_timeout_ms = KCOAP_MAX_TRANSMIT_WAIT_MS,
	.dedup_max = 256,
	.block_size = 1024,
	.block1_max = 64 * 1024,
	.block_keep_ms = KCOAP_EXCHANGE_LIFETIME_MS,
	.block_max_entries = 16,
	.observe_con_every = 20,
	.observe_con_interval_ms = KCOAP_OBSERVE_CON_INTERVAL_S * 1000u,
};

bool kcoap_addr_equal(const struct kcoap_addr *a, const struct kcoap_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss, *y = (const void *)&b->ss;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;

		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return a->len == b->len && !memcmp(&a->ss, &b->ss, a->len);
}

int kcoap_addr_parse(struct kcoap_addr *addr, const char *host, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = host ? strlen(host) : 0;

	memset(addr, 0, sizeof(*addr));
	if (!n || n >= sizeof(buf))
		return -EINVAL;
	if (host[0] == '[') {
		if (n < 3 || host[n - 1] != ']')
			return -EINVAL;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
	} else {
		memcpy(buf, host, n + 1);
	}
	struct sockaddr_in *v4 = (void *)&addr->ss;
	struct sockaddr_in6 *v6 = (void *)&addr->ss;

	if (host[0] != '[' && inet_pton(AF_INET, buf, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		addr->len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		addr->len = sizeof(*v6);
		return 0;
	}
	memset(addr, 0, sizeof(*addr));
	return -EINVAL;
}

/* ------------------------------------------------------------ parameters */

static int params_resolve(const struct kcoap_ep_params *in, struct kcoap_ep_params *out)
{
	const struct kcoap_ep_params *d = &kcoap_ep_default_params;
	struct kcoap_ep_params p = in ? *in : *d;

#define DEFAULT(f) do { if (!p.f) p.f = d->f; } while (0)
	DEFAULT(ack_timeout_ms);
	DEFAULT(ack_random_factor_permille);
	DEFAULT(max_retransmit);
	DEFAULT(dedup_max);
	DEFAULT(block_size);
	DEFAULT(block1_max);
	DEFAULT(block_max_entries);
	DEFAULT(observe_con_every);
	DEFAULT(observe_con_interval_ms);
#undef DEFAULT
	if (p.ack_random_factor_permille < 1000 || p.ack_random_factor_permille > 10000 ||
	    p.ack_timeout_ms > 600000 || p.max_retransmit > 16 || kcoap_block_szx(p.block_size) < 0 ||
	    p.block1_max > 64u * 1024 * 1024 || p.dedup_max > 65536 || p.block_max_entries > 4096)
		return -EINVAL;

	/* RFC 7252 section 4.8.2, from the (possibly overridden) parameters */
	uint64_t span = (uint64_t)p.ack_timeout_ms * ((1ull << p.max_retransmit) - 1) *
			p.ack_random_factor_permille / 1000;
	uint64_t wait = (uint64_t)p.ack_timeout_ms * ((2ull << p.max_retransmit) - 1) *
			p.ack_random_factor_permille / 1000;
	uint64_t exchange = span + 2ull * KCOAP_MAX_LATENCY_MS + p.ack_timeout_ms;
	uint64_t non = span + KCOAP_MAX_LATENCY_MS;

	if (!p.exchange_lifetime_ms)
		p.exchange_lifetime_ms = (uint32_t)exchange;
	if (!p.non_lifetime_ms)
		p.non_lifetime_ms = (uint32_t)non;
	if (!p.response_timeout_ms)
		p.response_timeout_ms = (uint32_t)wait;
	if (!p.block_keep_ms)
		p.block_keep_ms = p.exchange_lifetime_ms;
	*out = p;
	return 0;
}

const struct kcoap_ep_params *kcoap_ep_params(const struct kcoap_ep *ep)
{
	return &ep->p;
}

int kcoap_ep_set_params(struct kcoap_ep *ep, const struct kcoap_ep_params *params)
{
	struct kcoap_ep_params p;
	int rc = params_resolve(params, &p);

	if (!rc)
		ep->p = p;
	return rc;
}

/* ------------------------------------------------------------ clock, random */

static uint64_t default_now(void *arg)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t default_random(void *arg)
{
	uint32_t v = 0;

	/* getrandom() of 4 bytes does not fail short once the pool is ready;
	 * before that (early boot) it blocks briefly, which is acceptable for
	 * tokens that must not be guessable. */
	while (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		;
	return v;
}

uint64_t kcoap_ep_now(struct kcoap_ep *ep)
{
	return ep->cfg.now(ep->cfg.arg);
}

uint32_t kcoap_ep_rand(struct kcoap_ep *ep)
{
	return ep->cfg.random(ep->cfg.arg);
}

/* ------------------------------------------------------------ batched I/O */

/* The buffers of struct kcoap_io: one mapping, untouched (not resident) yet. */
static int io_init(struct kcoap_io *io)
{
	size_t rx_len = (size_t)KCOAP_EP_BATCH * KCOAP_EP_RXBUF;
	size_t len = rx_len + (size_t)KCOAP_EP_BATCH * KCOAP_EP_TXBUF;
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED)
		return -ENOMEM;
	io->rx = map;
	io->tx = (void *)((uint8_t *)map + rx_len);
	io->map_len = len;
	return 0;
}

static void io_fini(struct kcoap_io *io)
{
	if (io->rx)
		munmap(io->rx, io->map_len);
}

/* ------------------------------------------------------------ lifetime */

int kcoap_ep_create(const struct kcoap_ep_config *cfg, struct kcoap_ep **out)
{
	struct kcoap_ep *ep;
	int rc;

	*out = NULL;
	if (!cfg || (!cfg->bind && !cfg->send))
		return -EINVAL;
	if (cfg->bind && cfg->bind->ss.ss_family != AF_INET && cfg->bind->ss.ss_family != AF_INET6)
		return -EINVAL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ep->fd = -1;
	/* first: kcoap_ep_destroy() walks them */
	kcoap_list_init(&ep->txs);
	kcoap_dedup_init(ep);
	kcoap_list_init(&ep->pendings);
	kcoap_list_init(&ep->observers);
	kcoap_list_init(&ep->calls);
	kcoap_list_init(&ep->b1s);
	kcoap_list_init(&ep->b2s);
	rc = params_resolve(cfg->params, &ep->p);
	if (rc)
		goto fail;
	ep->cfg = *cfg;
	ep->cfg.bind = NULL;
	ep->cfg.params = NULL;
	if (!ep->cfg.now)
		ep->cfg.now = default_now;
	if (!ep->cfg.random)
		ep->cfg.random = default_random;
	ep->next_mid = (uint16_t)kcoap_ep_rand(ep);
	ep->obs_seq = kcoap_ep_rand(ep) & 0xffff;
	ep->etag_seq = kcoap_ep_rand(ep);
	if (cfg->bind) {
		rc = io_init(&ep->io);
		if (rc)
			goto fail;
		ep->fd = socket(cfg->bind->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (ep->fd < 0 || bind(ep->fd, (const struct sockaddr *)&cfg->bind->ss, cfg->bind->len)) {
			rc = -errno;
			goto fail;
		}
	}
	*out = ep;
	return 0;
fail:
	kcoap_ep_destroy(ep);
	return rc;
}

void kcoap_ep_destroy(struct kcoap_ep *ep)
{
	struct kcoap_list *pos, *n;

	if (!ep)
		return;
	kcoap_client_free_all(ep);
	kcoap_obs_free_all(ep);
	kcoap_pending_free_all(ep);
	kcoap_list_each(pos, n, &ep->txs)
		kcoap_tx_free(kcoap_container_of(pos, struct kcoap_tx, node));
	kcoap_dedup_free_all(ep);
	kcoap_block_free_all(ep);
	if (ep->fd >= 0)
		close(ep->fd);
	io_fini(&ep->io);
	free(ep);
}

int kcoap_ep_fd(const struct kcoap_ep *ep)
{
	return ep->fd;
}

int kcoap_ep_local(const struct kcoap_ep *ep, struct kcoap_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (ep->fd < 0)
		return -ENOTSOCK;
	addr->len = sizeof(addr->ss);
	if (getsockname(ep->fd, (struct sockaddr *)&addr->ss, &addr->len))
		return -errno;
	return 0;
}

void kcoap_ep_get_stats(const struct kcoap_ep *ep, struct kcoap_ep_stats *stats)
{
	*stats = ep->stats;
}

/* ------------------------------------------------------------ output */

static int send_now(struct kcoap_ep *ep, const struct kcoap_addr *peer, const void *buf, size_t len)
{
	if (sendto(ep->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&peer->ss, peer->len) < 0)
		return -errno;
	return 0;
}

static void count_tx(struct kcoap_ep *ep, int rc)
{
	if (rc)
		ep->stats.tx_err++;
	else
		ep->stats.tx++;
}

/*
 * Send the queued datagrams in order, each counted as its own sendto() would
 * have been: sendmmsg() stops at the first that fails and returns how many
 * went; asked again, it reports that one's error; it is counted and skipped,
 * and the rest go. One queued: a plain sendto(), as without the queue.
 */
static void io_flush(struct kcoap_ep *ep)
{
	struct kcoap_io *io = &ep->io;
	unsigned int n = io->n_tx, done = 0;

	io->n_tx = 0;
	if (n == 1) {
		count_tx(ep, send_now(ep, &io->tx_peer[0], io->tx[0], io->tx_iov[0].iov_len));
		return;
	}
	while (done < n) {
		int r = sendmmsg(ep->fd, io->tx_msg + done, n - done, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r > 0) {
			ep->stats.tx += (unsigned int)r;
			done += (unsigned int)r;
		} else {
			ep->stats.tx_err++;
			done++;
		}
	}
}

static void io_queue(struct kcoap_ep *ep, const struct kcoap_addr *peer, const void *buf,
		     size_t len)
{
	struct kcoap_io *io = &ep->io;
	unsigned int i;

	if (io->n_tx == KCOAP_EP_BATCH)
		io_flush(ep);
	i = io->n_tx++;
	io->tx_peer[i] = *peer;
	memcpy(io->tx[i], buf, len);
	io->tx_iov[i] = (struct iovec){ .iov_base = io->tx[i], .iov_len = len };
	io->tx_msg[i].msg_hdr = (struct msghdr){
		.msg_name = &io->tx_peer[i].ss, .msg_namelen = peer->len,
		.msg_iov = &io->tx_iov[i], .msg_iovlen = 1,
	};
}

int kcoap_ep_sendto(struct kcoap_ep *ep, const struct kcoap_addr *peer, const void *buf, size_t len)
{
	int rc;

	if (ep->cfg.send) {
		rc = ep->cfg.send(ep->cfg.arg, peer, buf, len);
	} else if (ep->io.in_input && len <= KCOAP_EP_TXBUF) {
		io_queue(ep, peer, buf, len);
		return 0;
	} else {
		if (ep->io.n_tx)	/* after what is queued, not before */
			io_flush(ep);
		rc = send_now(ep, peer, buf, len);
	}
	count_tx(ep, rc);
	return rc;
}

int kcoap_ep_send_msg(struct kcoap_ep *ep, const struct kcoap_addr *peer, const struct kcoap_msg *m,
		      uint8_t *buf, size_t size)
{
	int len = kcoap_build(m, buf, size);

	if (len < 0)
		return len;
	kcoap_ep_sendto(ep, peer, buf, (size_t)len);
	return len;
}

int kcoap_ep_send_empty(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint8_t type,
			uint16_t mid, struct kcoap_dedup *d)
{
	uint8_t buf[KCOAP_HEADER_LEN] = {
		(uint8_t)(KCOAP_VERSION << 6 | type << 4), KCOAP_EMPTY,
		(uint8_t)(mid >> 8), (uint8_t)mid,
	};

	if (d)
		kcoap_dedup_set_reply(d, buf, sizeof(buf));
	return kcoap_ep_sendto(ep, peer, buf, sizeof(buf));
}

/* ------------------------------------------------------------ input */

static void on_con_non(struct kcoap_ep *ep, const struct kcoap_addr *peer, const struct kcoap_msg *m)
{
	struct kcoap_dedup *d;

	if (m->code == KCOAP_EMPTY) {
		/* "CoAP ping": only a CON can be Empty here (the codec refuses
		 * an Empty NON); the answer is an RST */
		kcoap_ep_send_empty(ep, peer, KCOAP_RST, m->mid, NULL);
		return;
	}
	d = kcoap_dedup_find(ep, peer, m->mid);
	if (d) {
		ep->stats.rx_dup++;
		if (d->len)
			kcoap_ep_sendto(ep, peer, d->reply, d->len);
		return;
	}
	if (kcoap_code_is_request(m->code)) {
		d = kcoap_dedup_add(ep, peer, m->mid, m->type == KCOAP_CON);
		kcoap_server_request(ep, peer, m, d);
		return;
	}
	/* a separate response (or a notification we never asked for) */
	int taken = kcoap_client_response(ep, peer, m);

	if (taken > 0) {
		if (m->type == KCOAP_CON) {
			d = kcoap_dedup_add(ep, peer, m->mid, true);
			kcoap_ep_send_empty(ep, peer, KCOAP_ACK, m->mid, d);
		} else {
			kcoap_dedup_add(ep, peer, m->mid, false);
		}
	} else if (m->type == KCOAP_CON) {
		d = kcoap_dedup_add(ep, peer, m->mid, true);
		kcoap_ep_send_empty(ep, peer, KCOAP_RST, m->mid, d);
	}
}

void kcoap_ep_datagram(struct kcoap_ep *ep, const struct kcoap_addr *peer, const uint8_t *buf,
		       size_t len)
{
	struct kcoap_msg m;
	struct kcoap_tx *tx;
	int rc;

	ep->stats.rx++;
	rc = kcoap_parse(&m, buf, len);
	if (rc == -EPROTO) {
		ep->stats.rx_bad++;
		return;
	}
	if (rc < 0) {
		ep->stats.rx_bad++;
		if (m.type == KCOAP_CON)
			kcoap_ep_send_empty(ep, peer, KCOAP_RST, m.mid, NULL);
		return;
	}
	switch (m.type) {
	case KCOAP_ACK:
		if (m.code != KCOAP_EMPTY) {
			/* piggybacked: client.c matches MID and token; an
			 * ACK no request of ours takes acknowledges the CON */
			if (kcoap_client_response(ep, peer, &m))
				return;
		}
		/* fallthrough */
	case KCOAP_RST:
		tx = kcoap_tx_find(ep, peer, m.mid);
		if (tx)
			kcoap_tx_end(ep, tx, m.type == KCOAP_ACK ? 0 : -ECONNRESET);
		else if (m.type == KCOAP_RST)
			kcoap_obs_rst(ep, peer, m.mid);
		return;
	default:
		on_con_non(ep, peer, &m);
	}
}

/* Read up to @want datagrams into io->rx: how many, or -errno. */
static int io_recv(struct kcoap_ep *ep, unsigned int want)
{
	struct kcoap_io *io = &ep->io;

	for (unsigned int i = 0; i < want; i++) {
		io->rx_iov[i] = (struct iovec){ .iov_base = io->rx[i], .iov_len = KCOAP_EP_RXBUF };
		io->rx_msg[i].msg_hdr = (struct msghdr){
			.msg_name = &io->rx_peer[i].ss, .msg_namelen = sizeof(io->rx_peer[i].ss),
			.msg_iov = &io->rx_iov[i], .msg_iovlen = 1,
		};
	}
	/* MSG_TRUNC: msg_len is the datagram's real length */
	int n = recvmmsg(ep->fd, io->rx_msg, want, MSG_DONTWAIT | MSG_TRUNC, NULL);

	return n < 0 ? -errno : n;
}

int kcoap_ep_input(struct kcoap_ep *ep)
{
	struct kcoap_io *io = &ep->io;
	int count = 0, err = 0;

	if (ep->fd < 0)
		return -ENOTSOCK;
	if (io->in_input)	/* from a callback: the buffers are in use */
		return -EBUSY;
	io->in_input = true;
	/* a bounded batch: with level-triggered epoll the rest comes next turn,
	 * and timers and netlink are not starved by a flood */
	while (count < 256) {
		unsigned int want = 256 - count < KCOAP_EP_BATCH ? 256 - count : KCOAP_EP_BATCH;
		int n = io_recv(ep, want);

		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		if (n == -EINTR || n == -ECONNREFUSED)
			continue;
		if (n < 0) {
			err = n;
			break;
		}
		for (int i = 0; i < n; i++) {
			struct mmsghdr *mh = &io->rx_msg[i];

			count++;
			if ((mh->msg_hdr.msg_flags & MSG_TRUNC) || mh->msg_len > KCOAP_EP_RXBUF) {
				ep->stats.rx++;
				ep->stats.rx_bad++;
				continue;
			}
			io->rx_peer[i].len = mh->msg_hdr.msg_namelen;
			kcoap_ep_datagram(ep, &io->rx_peer[i], io->rx[i], mh->msg_len);
		}
		/* fewer than asked: the socket's queue is empty; whatever
		 * arrives from now on wakes epoll again */
		if ((unsigned int)n < want)
			break;
	}
	if (io->n_tx)
		io_flush(ep);
	io->in_input = false;
	return count ? count : err;
}

/* ------------------------------------------------------------ time */

static uint64_t next_deadline(struct kcoap_ep *ep, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	kcoap_tx_next(ep, &next);
	kcoap_client_next(ep, &next);
	kcoap_dedup_expire(ep, now, &next);
	kcoap_block_expire(ep, now, &next);
	return next;
}

int kcoap_ep_next_timeout(struct kcoap_ep *ep)
{
	uint64_t now = kcoap_ep_now(ep);
	uint64_t next = next_deadline(ep, now);

	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	return next - now > INT32_MAX ? INT32_MAX : (int)(next - now);
}

void kcoap_ep_timer(struct kcoap_ep *ep)
{
	uint64_t now = kcoap_ep_now(ep);
	uint64_t next;

	/* one due item at a time: a callback may change any list */
	while (kcoap_tx_run_one(ep, now) || kcoap_client_run_one(ep, now))
		;
	next = UINT64_MAX;
	kcoap_dedup_expire(ep, now, &next);
	kcoap_block_expire(ep, now, &next);
}
