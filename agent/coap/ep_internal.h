/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CoAP endpoint's internals, shared by its files and by nothing else:
 *	endpoint.c	lifetime, socket, parameters, dispatch of what arrives,
 *			the timer
 *	exchange.c	CON transmissions (retransmission, back-off, give-up),
 *			the deduplication cache, Message IDs and tokens
 *	server.c	requests in, responses out (piggybacked, separate)
 *	block.c		Block1 reassembly and Block2 representations kept
 *	observe.c	observers and notifications
 *	client.c	requests out, responses in
 * State lives in small lists scanned linearly: an agent talks to a few
 * servers, and every list is capped (see struct kcoap_ep_params). The
 * exception is the deduplication cache, which every CON and NON goes
 * through: it is indexed by Message ID (see struct kcoap_dedup).
 */
#ifndef KLWM2M_AGENT_COAP_EP_INTERNAL_H
#define KLWM2M_AGENT_COAP_EP_INTERNAL_H

#include <sys/socket.h>
#include <sys/uio.h>

#include "endpoint.h"

/* Room for any message the endpoint builds: a block of at most 1024 bytes,
 * options and header. Larger responses fail with -ENOSPC (and become 5.00). */
#define KCOAP_EP_TXBUF		1536
/* Largest datagram read; a longer one is dropped as truncated. */
#define KCOAP_EP_RXBUF		8192
/* Datagrams read by one recvmmsg(), and replies sent by one sendmmsg(). */
#define KCOAP_EP_BATCH		8
/* Request identity for Block1/Block2 state: method, Uri-Path, Uri-Query,
 * Accept, serialised; a request with a longer one is served without it. */
#define KCOAP_EP_KEY_MAX	320

/* ------------------------------------------------------------ lists */

struct kcoap_list {
	struct kcoap_list *next, *prev;
};

static inline void kcoap_list_init(struct kcoap_list *h)
{
	h->next = h->prev = h;
}

static inline bool kcoap_list_empty(const struct kcoap_list *h)
{
	return h->next == h;
}

/* Append @n before @h, i.e. at the tail of the list headed by @h. */
static inline void kcoap_list_add_tail(struct kcoap_list *n, struct kcoap_list *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void kcoap_list_del(struct kcoap_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define kcoap_container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* for (e = first; e != head; e = next), @n holding the next for deletion */
#define kcoap_list_each(pos, n, head) \
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head); (pos) = (n), (n) = (pos)->next)

/* ------------------------------------------------------------ state */

/* What a CON transmission is for: who hears of its ACK, RST or give-up. */
enum kcoap_tx_kind {
	KCOAP_TX_RESPONSE,	/* separate response or final notification */
	KCOAP_TX_NOTIFY,	/* @owner: struct kcoap_obs */
	KCOAP_TX_REQUEST,	/* @owner: struct kcoap_ep_call */
};

/* A CON message waiting for its ACK. */
struct kcoap_tx {
	struct kcoap_list node;
	struct kcoap_addr peer;
	uint16_t mid;
	uint8_t kind;
	uint32_t retries;	/* retransmissions done */
	uint32_t timeout_ms;	/* current timeout: doubles at each one */
	uint64_t deadline;
	void *owner;
	size_t len;
	uint8_t buf[];
};

/*
 * Deduplication (exchange.c): the entries are indexed by Message ID in
 * KCOAP_DEDUP_BUCKETS chains, so that a lookup touches a handful, and kept
 * in two lists in arrival order, one per lifetime (a CON's
 * EXCHANGE_LIFETIME, a NON's NON_LIFETIME): each is then in expiry order
 * too, and expiry looks at their heads only.
 */
#define KCOAP_DEDUP_BUCKETS	256
enum { KCOAP_DEDUP_CON, KCOAP_DEDUP_NON, KCOAP_DEDUP_CLASSES };

/* A received CON or NON, remembered for deduplication. */
struct kcoap_dedup {
	struct kcoap_list node;	/* its class's list: oldest first */
	struct kcoap_list hnode;	/* its Message ID's chain */
	struct kcoap_addr peer;
	uint16_t mid;
	uint8_t cls;		/* KCOAP_DEDUP_CON or _NON */
	uint64_t seq;		/* arrival order, across the classes */
	uint64_t expires;
	size_t len;		/* the reply to send again; 0: none (ignore) */
	size_t cap;		/* of @reply, kept when the entry is reused */
	uint8_t *reply;
};

/* Request identity (see KCOAP_EP_KEY_MAX). */
struct kcoap_key {
	size_t len;
	uint8_t b[KCOAP_EP_KEY_MAX];
};

/* Where a response goes and what it must echo. */
struct kcoap_resp_ctx {
	struct kcoap_addr peer;
	uint8_t req_type;	/* KCOAP_CON or KCOAP_NON */
	uint16_t req_mid;
	uint8_t tkl;
	uint8_t token[KCOAP_TOKEN_MAX];
	bool has_block1;	/* echo Block1 (the last block of a transfer) */
	struct kcoap_block block1;
	bool has_block2;	/* the request asked for this block */
	struct kcoap_block block2;
	bool has_key;
	struct kcoap_key key;
	struct kcoap_obs *obs;	/* registered by this request */
};

struct kcoap_ep_pending {
	struct kcoap_list node;
	struct kcoap_resp_ctx ctx;
};

/* Private part of struct kcoap_ep_request. */
struct kcoap_req_priv {
	struct kcoap_resp_ctx *ctx;
	struct kcoap_ep_pending *pending;
};

struct kcoap_obs {
	struct kcoap_list node;
	struct kcoap_addr peer;
	uint8_t tkl;
	uint8_t token[KCOAP_TOKEN_MAX];
	bool has_szx;		/* the registration asked for a block size */
	uint8_t szx;
	bool has_key;
	struct kcoap_key key;
	uint32_t since_con;	/* notifications since the last CON one */
	uint64_t last_con;	/* when the last CON one (or the registration) went */
	struct kcoap_tx *tx;	/* CON notification in flight */
	uint16_t non_mid[4];	/* recent NON notifications, for RST */
	unsigned int n_non;
	void *user;
};

struct kcoap_ep_call {
	struct kcoap_list node;
	struct kcoap_addr peer;
	uint8_t tkl;
	uint8_t token[KCOAP_TOKEN_MAX];
	uint8_t type;
	struct kcoap_tx *tx;	/* until acknowledged (CON) */
	uint64_t deadline;	/* waiting for the response */
	kcoap_ep_response_fn cb;
	void *arg;
	/* the request as sent (for a Block1 transfer: without its payload) */
	size_t req_len;
	uint8_t *req;
	/* sending Block1: the whole body, the block in flight (offset, length)
	 * and the size exponent, lowered when the server asks (client.c) */
	uint8_t *b1;
	size_t b1_len;
	size_t b1_off;
	size_t b1_cur;
	uint32_t b1_num;
	uint8_t b1_szx;
	/* following Block2: what came so far */
	size_t body_len;
	uint8_t *body;
	uint8_t etag_len;
	uint8_t etag[8];
};

/* Block1 reassembly (block.c). */
struct kcoap_b1 {
	struct kcoap_list node;	/* oldest first */
	struct kcoap_addr peer;
	struct kcoap_key key;
	uint64_t expires;
	size_t len, cap;
	uint8_t *body;
};

/* A representation served block by block (block.c). */
struct kcoap_b2 {
	struct kcoap_list node;	/* oldest first */
	struct kcoap_addr peer;
	struct kcoap_key key;
	uint64_t expires;
	size_t head_len;	/* the response without payload, built */
	uint8_t *head;
	size_t len;
	uint8_t *body;
};

/*
 * Batched socket I/O (endpoint.c). kcoap_ep_input() reads up to
 * KCOAP_EP_BATCH datagrams with one recvmmsg(), each into a full-size buffer
 * (so nothing today's single buffer would take is cut), and queues the
 * datagrams its handlers send, copied, for one sendmmsg() at the end of the
 * batch. The buffers are one anonymous mapping (@rx, then @tx): a page costs
 * memory only once a datagram lands on it, so an endpoint that sees one
 * request at a time keeps the first page of rx[0] and tx[0] resident and
 * nothing of the other slots.
 */
struct kcoap_io {
	uint8_t (*rx)[KCOAP_EP_RXBUF];		/* [KCOAP_EP_BATCH], in the mapping */
	uint8_t (*tx)[KCOAP_EP_TXBUF];		/* [KCOAP_EP_BATCH], in the mapping */
	size_t map_len;
	struct mmsghdr rx_msg[KCOAP_EP_BATCH];
	struct iovec rx_iov[KCOAP_EP_BATCH];
	struct kcoap_addr rx_peer[KCOAP_EP_BATCH];
	bool in_input;				/* queue sends, flush at the end */
	unsigned int n_tx;			/* queued */
	struct mmsghdr tx_msg[KCOAP_EP_BATCH];
	struct iovec tx_iov[KCOAP_EP_BATCH];
	struct kcoap_addr tx_peer[KCOAP_EP_BATCH];
};

struct kcoap_ep {
	int fd;
	struct kcoap_ep_params p;
	struct kcoap_ep_config cfg;	/* callbacks (bind and params unused) */

	uint16_t next_mid;
	uint32_t obs_seq;
	uint32_t etag_seq;

	struct kcoap_list txs;
	struct kcoap_list dedups[KCOAP_DEDUP_CLASSES];
	struct kcoap_list dedup_hash[KCOAP_DEDUP_BUCKETS];
	unsigned int n_dedup;
	uint64_t dedup_seq;
	struct kcoap_list pendings;
	struct kcoap_list observers;
	struct kcoap_list calls;
	struct kcoap_list b1s;
	unsigned int n_b1;
	struct kcoap_list b2s;
	unsigned int n_b2;

	struct kcoap_ep_stats stats;
	struct kcoap_io io;		/* with a socket only */
};

/* ------------------------------------------------------------ endpoint.c */

uint64_t kcoap_ep_now(struct kcoap_ep *ep);
uint32_t kcoap_ep_rand(struct kcoap_ep *ep);
/* Send one datagram; counts it. Inside kcoap_ep_input() (socket, no
 * cfg.send) it is queued (copied) and sent, and counted, at the end of the
 * batch: 0 then means queued. */
int kcoap_ep_sendto(struct kcoap_ep *ep, const struct kcoap_addr *peer, const void *buf, size_t len);
/* Build @m into @buf and send it. Return: the length, or -errno. */
int kcoap_ep_send_msg(struct kcoap_ep *ep, const struct kcoap_addr *peer, const struct kcoap_msg *m,
		      uint8_t *buf, size_t size);
/* An Empty ACK or RST with @mid. */
int kcoap_ep_send_empty(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint8_t type,
			uint16_t mid, struct kcoap_dedup *d);

/* ------------------------------------------------------------ exchange.c */

uint16_t kcoap_ep_new_mid(struct kcoap_ep *ep);
void kcoap_ep_new_token(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint8_t *token,
			uint8_t *tkl);
/* Send @buf as a CON now and keep it for retransmission. NULL: -ENOMEM. */
struct kcoap_tx *kcoap_tx_start(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint16_t mid,
				enum kcoap_tx_kind kind, void *owner, const uint8_t *buf,
				size_t len);
void kcoap_tx_free(struct kcoap_tx *tx);
/* @tx ended: acknowledged (0), RST (-ECONNRESET), given up (-ETIMEDOUT);
 * frees it and tells its owner. */
void kcoap_tx_end(struct kcoap_ep *ep, struct kcoap_tx *tx, int err);
struct kcoap_tx *kcoap_tx_find(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint16_t mid);
/* Run the due retransmission or give-up of one tx; false when none is due. */
bool kcoap_tx_run_one(struct kcoap_ep *ep, uint64_t now);
void kcoap_tx_next(struct kcoap_ep *ep, uint64_t *next);

struct kcoap_dedup *kcoap_dedup_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				     uint16_t mid);
void kcoap_dedup_init(struct kcoap_ep *ep);
/* Remember (peer, mid) of a CON (EXCHANGE_LIFETIME) or a NON (NON_LIFETIME);
 * NULL on -ENOMEM. */
struct kcoap_dedup *kcoap_dedup_add(struct kcoap_ep *ep, const struct kcoap_addr *peer,
				    uint16_t mid, bool con);
/* Keep @buf as the reply to send again. */
void kcoap_dedup_set_reply(struct kcoap_dedup *d, const uint8_t *buf, size_t len);
void kcoap_dedup_expire(struct kcoap_ep *ep, uint64_t now, uint64_t *next);
void kcoap_dedup_free_all(struct kcoap_ep *ep);

/* ------------------------------------------------------------ server.c */

void kcoap_server_request(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			  const struct kcoap_msg *req, struct kcoap_dedup *d);
/* Send @resp per @ctx: piggybacked, separate or notification (block-wise
 * when large). @type_override: KCOAP_CON/KCOAP_NON for notifications and
 * separate responses, or 0xff to follow the request. @observe: -1 or the
 * Observe value. @mid_out: the MID used. */
int kcoap_server_send(struct kcoap_ep *ep, struct kcoap_resp_ctx *ctx, struct kcoap_msg *resp,
		      struct kcoap_dedup *d, uint8_t type, int64_t observe, struct kcoap_tx **tx_out,
		      enum kcoap_tx_kind kind, void *owner, uint16_t *mid_out);
void kcoap_pending_free_all(struct kcoap_ep *ep);
void kcoap_pending_forget_obs(struct kcoap_ep *ep, const struct kcoap_obs *obs);
/* Serialise the request identity; false when it does not fit. */
bool kcoap_key_make(const struct kcoap_msg *m, struct kcoap_key *key);

/* ------------------------------------------------------------ block.c */

/*
 * Block1: a request block arrived. Returns 0 when the whole body is ready
 * (*@body, *@len; kcoap_b1_done() after use), KCOAP_CONTINUE when more is
 * expected, or the error code to answer (4.08, 4.13 with *@size1 set, 4.00).
 */
int kcoap_b1_put(struct kcoap_ep *ep, const struct kcoap_addr *peer, const struct kcoap_key *key,
		 const struct kcoap_block *b, const struct kcoap_msg *m, const uint8_t **body,
		 size_t *len, uint32_t *size1, struct kcoap_b1 **out);
void kcoap_b1_done(struct kcoap_ep *ep, struct kcoap_b1 *b1);

struct kcoap_b2 *kcoap_b2_find(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			       const struct kcoap_key *key);
/* A newer representation was sent whole: the kept one is stale. */
void kcoap_b2_forget(struct kcoap_ep *ep, const struct kcoap_addr *peer,
		     const struct kcoap_key *key);
/* Keep a representation: @head is the built response without payload. */
struct kcoap_b2 *kcoap_b2_keep(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			       const struct kcoap_key *key, const uint8_t *head, size_t head_len,
			       const uint8_t *body, size_t len);
void kcoap_block_expire(struct kcoap_ep *ep, uint64_t now, uint64_t *next);
void kcoap_block_free_all(struct kcoap_ep *ep);

/* ------------------------------------------------------------ observe.c */

/* An RST with @mid from @peer: true when it ended an observer. */
bool kcoap_obs_rst(struct kcoap_ep *ep, const struct kcoap_addr *peer, uint16_t mid);
/* GET with Observe 1: end the observer with that peer and token. */
void kcoap_obs_deregister(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			  const struct kcoap_msg *req);
/* The tx of a CON notification ended: acknowledged (err 0), RST or timeout. */
void kcoap_obs_tx_done(struct kcoap_ep *ep, struct kcoap_obs *obs, int err);
void kcoap_obs_free_all(struct kcoap_ep *ep);
uint32_t kcoap_obs_next_seq(struct kcoap_ep *ep);

/* ------------------------------------------------------------ client.c */

/* A response (piggybacked in @m of type ACK, or CON/NON): 1 taken, 0 no
 * request of ours matches, -1 matched but rejected (unknown critical option). */
int kcoap_client_response(struct kcoap_ep *ep, const struct kcoap_addr *peer,
			   const struct kcoap_msg *m);
/* The tx of a request ended: empty ACK (0), RST (-ECONNRESET), -ETIMEDOUT. */
void kcoap_client_tx_done(struct kcoap_ep *ep, struct kcoap_ep_call *call, int err);
bool kcoap_client_run_one(struct kcoap_ep *ep, uint64_t now);
void kcoap_client_next(struct kcoap_ep *ep, uint64_t *next);
void kcoap_client_free_all(struct kcoap_ep *ep);

#endif /* KLWM2M_AGENT_COAP_EP_INTERNAL_H */
