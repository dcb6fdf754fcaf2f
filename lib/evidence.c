/*
 * The evidence store: two byte rings carved out of one allocation, each
 * with an index of where its records are, and a small FIFO of open
 * requests.  A packet is a record (header, then its bytes) appended at a
 * ring's head and numbered in that ring; room is made by giving up the
 * ring's oldest chunk.  A flow's chain runs backwards, each record naming
 * the number of the one before it: a ring drops records in number order,
 * so a record is still there exactly when its number is not older than
 * the ring's oldest, and the index says where it is.  The chain's newest
 * number per ring is kept by the caller, in the flow's entry
 * (struct flow's evidence[]), which every packet of the flow touches
 * anyway: holding a packet touches the ring's head and its index only,
 * and a flow that ends is forgotten with its entry.  (A table of chain
 * ends by flow slot, as this was first built, cost a fifth random cache
 * line per packet: a quarter of -r's rate, README Numbers.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "pages.h"
#include "pkt.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define NONE		UINT32_MAX
#define RING_EDGE	0
#define RING_BULK	1
#define NRINGS		2
/* Chunks per ring, at most; each holds at least the largest record. */
#define EV_CHUNKS	1024
/* The index of open requests by flow: 4 times their number, 8 KiB. */
#define EV_REQTAB_BITS	10
#define EV_REQTAB	(1u << EV_REQTAB_BITS)

struct rec {
	uint64_t	ts_us;
	uint32_t	prev;		/* the flow's record before: number + 1 */
	uint32_t	seq;		/* its number in its ring */
	uint32_t	caplen;		/* bytes that follow the header */
	uint32_t	wirelen;
	uint32_t	order;		/* arrival number, both rings */
	uint16_t	linktype;
	uint16_t	flags;
};

/* The record's bytes are a uint64_t reference, not the packet's. */
#define REC_REF		0x1
#define REF_SIZE	((uint32_t)sizeof(uint64_t))

#define REC_SIZE(caplen) \
	((uint32_t)sizeof(struct rec) + (((caplen) + 7u) & ~7u))
/* Records a ring's index has room for, per byte of ring: a reference's. */
#define INDEX_RECORD	REC_SIZE(REF_SIZE)

/*
 * A ring is cut into chunks, and gives up its oldest chunk whole when it
 * needs room: what a chunk holds is counted here, so that eviction never
 * reads the records (long out of the cache) it lets go.
 */
struct ev_chunk {
	uint32_t	first;		/* number of its first record */
	uint32_t	count;
	uint32_t	bytes;
};

struct ring {
	uint8_t		*mem;
	struct ev_chunk	*chunks;
	uint32_t	*index;		/* record offsets, by number */
	uint32_t	 nindex;	/* the most records the ring holds */
	uint32_t	 ipos;		/* the index slot of number next */
	uint32_t	 nchunks;
	uint32_t	 chunk;		/* bytes per chunk */
	uint32_t	 head;		/* where the next record goes */
	uint32_t	 cur;		/* the chunk head is in */
	uint32_t	 first;		/* the oldest chunk in use */
	uint32_t	 live;		/* chunks in use, cur included */
	uint32_t	 count;
	uint32_t	 oldest;	/* number of the oldest record */
	uint32_t	 next;		/* number of the next record */
};

struct ev_req {
	uint32_t	flow;
	uint32_t	left;		/* packets still to take */
	uint64_t	deadline_us;
	bool		open;
	char		name[EVIDENCE_NAME_MAX];
};

struct evidence {
	void		*mem;
	struct ring	 ring[NRINGS];
	uint32_t	 nflows;
	uint32_t	 snaplen;
	uint32_t	 order;
	struct ev_req	*req;
	uint32_t	 req_first;	/* the oldest, open or not */
	uint32_t	 req_count;
	uint32_t	 req_open;	/* of those, open: mostly none */
	bool		 closed;	/* no more requests: evidence_close() */
	evidence_done_fn *done;
	void		*ctx;
	evidence_fetch_fn *fetch;
	void		*fetch_ctx;
	evidence_heads_fn *heads;
	void		*heads_ctx;
	uint8_t		*fetch_buf;	/* snaplen bytes */
	uint32_t	*walk[NRINGS];	/* EVIDENCE_WALK_MAX offsets each */
	/* Open requests by flow, linear probing; flow + 1, 0 is empty. */
	struct {
		uint32_t flow1;
		uint32_t req;
	}		 reqtab[EV_REQTAB];
	struct evidence_stats stats;
};

static void	req_complete(struct evidence *, uint32_t);

static inline struct rec *
rec_at(const struct ring *r, uint32_t off)
{
	return (struct rec *)(void *)(r->mem + off);
}

/*
 * Of cap bytes, as much ring as leaves room for its index; as many
 * chunks as fit, up to EV_CHUNKS, each room for a whole record.
 */
static void
ring_init(struct ring *r, uint8_t *mem, size_t cap, uint32_t snaplen,
    struct ev_chunk *chunks)
{
	size_t bytes, n, ibytes;

	r->nindex = (uint32_t)(cap / (INDEX_RECORD + sizeof(uint32_t)));
	r->index = (uint32_t *)(void *)mem;
	/* The records start on a cache line, as the ring's memory does. */
	ibytes = ((size_t)r->nindex * sizeof(uint32_t) + 63) & ~(size_t)63;
	bytes = (cap - ibytes) & ~(size_t)7;
	n = bytes / REC_SIZE(snaplen);
	if (n > EV_CHUNKS)
		n = EV_CHUNKS;
	r->mem = mem + ibytes;
	r->chunks = chunks;
	r->nchunks = (uint32_t)n;
	r->chunk = (uint32_t)(bytes / n) & ~7u;
}

static size_t
bookkeeping_size(void)
{
	return EVIDENCE_REQUESTS * sizeof(struct ev_req) +
	    NRINGS * EV_CHUNKS * sizeof(struct ev_chunk);
}

size_t
evidence_min_memory(uint32_t snaplen)
{
	size_t rings = (size_t)REC_SIZE(snaplen) * 4 * 4 / EVIDENCE_EDGE_QUARTERS;

	if (rings < EVIDENCE_MIN_MEMORY)
		rings = EVIDENCE_MIN_MEMORY;
	/* With their indexes: a number per INDEX_RECORD bytes. */
	rings += rings / INDEX_RECORD * sizeof(uint32_t) + 64;
	return bookkeeping_size() + rings + 8;
}

struct evidence *
evidence_new(size_t memory, uint32_t flows, uint32_t snaplen,
    evidence_done_fn *done, void *ctx)
{
	struct evidence *e;
	size_t side, rings, edge, bulk;
	uint8_t *p;

	if (snaplen == 0 || snaplen > 262144 || flows == 0)
		return NULL;
	side = bookkeeping_size();
	if (memory < evidence_min_memory(snaplen))
		return NULL;
	rings = (memory - side) & ~(size_t)63;
	edge = (rings / 4 * EVIDENCE_EDGE_QUARTERS) & ~(size_t)63;
	bulk = rings - edge;
	/* Offsets are 32 bits; a ring must hold a few of the largest records. */
	if (edge >= NONE || bulk >= NONE ||
	    edge / (INDEX_RECORD + sizeof(uint32_t)) * INDEX_RECORD <
	    4 * REC_SIZE(snaplen))
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	/* Zeroed, and left untouched until used: calloc maps fresh pages. */
	if ((e->mem = calloc(1, memory)) == NULL ||
	    (e->walk[0] = calloc(EVIDENCE_WALK_MAX, sizeof(uint32_t))) == NULL ||
	    (e->walk[1] = calloc(EVIDENCE_WALK_MAX, sizeof(uint32_t))) == NULL ||
	    (e->fetch_buf = malloc(snaplen)) == NULL) {
		evidence_free(e);
		return NULL;
	}
	p = e->mem;
	ring_init(&e->ring[RING_EDGE], p, edge, snaplen,
	    (struct ev_chunk *)(void *)(p + rings));
	ring_init(&e->ring[RING_BULK], p + edge, bulk, snaplen,
	    (struct ev_chunk *)(void *)(p + rings) + EV_CHUNKS);
	/* Requests next: they hold 64-bit fields, the chunks end aligned. */
	p += rings + NRINGS * EV_CHUNKS * sizeof(struct ev_chunk);
	e->req = (struct ev_req *)(void *)p;
	e->nflows = flows;
	e->snaplen = snaplen;
	e->done = done;
	e->ctx = ctx;
	return e;
}

void
evidence_free(struct evidence *e)
{
	if (e == NULL)
		return;
	free(e->walk[0]);
	free(e->walk[1]);
	free(e->fetch_buf);
	free(e->mem);
	free(e);
}

bool
evidence_prefault(const struct evidence *e, size_t *done, size_t step)
{
	uint8_t *mem = (uint8_t *)e->ring[RING_EDGE].index;
	size_t len = (size_t)(e->ring[RING_BULK].mem - mem) +
	    (size_t)e->ring[RING_BULK].nchunks * e->ring[RING_BULK].chunk;

	if (*done >= len || evidence_closed(e))
		return false;
	if (step > len - *done)
		step = len - *done;
	/* Whole pages only; a kernel without it says no, and faults later. */
	pages_populate(mem + *done, step);
	*done += step;
	return *done < len;
}

uint32_t
evidence_snaplen(const struct evidence *e)
{
	return e->snaplen;
}

const struct evidence_stats *
evidence_stats(const struct evidence *e)
{
	return &e->stats;
}

void
evidence_set_heads(struct evidence *e, evidence_heads_fn *heads, void *ctx)
{
	e->heads = heads;
	e->heads_ctx = ctx;
}

/* Gives up the ring's oldest chunk: its records leave every chain. */
static void
ring_drop(struct evidence *e, struct ring *r)
{
	struct ev_chunk *c = &r->chunks[r->first];

	e->stats.evicted += c->count;
	e->stats.packets -= c->count;
	e->stats.bytes -= c->bytes;
	r->count -= c->count;
	r->first = (r->first + 1) % r->nchunks;
	r->live--;
	r->oldest = r->chunks[r->first].first;
}

/* Whether the record numbered seq is still in the ring. */
static inline bool
ring_has(const struct ring *r, uint32_t seq)
{
	return r->count > 0 && (int32_t)(seq - r->oldest) >= 0 &&
	    (int32_t)(r->next - seq) > 0;
}

/* Where the record numbered seq is; the ring has it. */
static inline uint32_t
ring_off(const struct ring *r, uint32_t seq)
{
	uint32_t back = r->next - seq;

	return r->index[r->ipos >= back ? r->ipos - back :
	    r->ipos + r->nindex - back];
}

/*
 * Room for a record of size bytes; returns its offset, and its number in
 * *seq.  Numbers skip UINT32_MAX, so that number + 1 is never 0 ("none").
 */
static uint32_t
ring_alloc(struct evidence *e, struct ring *r, uint32_t size, uint32_t *seq)
{
	struct ev_chunk *c;
	uint32_t off;

	if (r->live == 0) {
		r->cur = r->first = 0;
		r->head = 0;
		r->live = 1;
		r->oldest = r->next;
		memset(&r->chunks[0], 0, sizeof(r->chunks[0]));
	} else if (r->head + size > (r->cur + 1) * r->chunk) {
		/* This chunk is full: on to the next, the oldest if need be. */
		r->cur = (r->cur + 1) % r->nchunks;
		if (r->live == r->nchunks)
			ring_drop(e, r);
		r->live++;
		r->head = r->cur * r->chunk;
		memset(&r->chunks[r->cur], 0, sizeof(r->chunks[0]));
	}
	/* The index is full: small records, far more than the bytes hold. */
	while (r->next - r->oldest >= r->nindex - 1 && r->live > 1)
		ring_drop(e, r);
	*seq = r->next;
	c = &r->chunks[r->cur];
	if (c->count++ == 0)
		c->first = *seq;
	c->bytes += size;
	off = r->head;
	r->index[r->ipos] = off;
	if (++r->ipos == r->nindex)
		r->ipos = 0;
	if (++r->next == UINT32_MAX) {
		r->next = 0;
		if (++r->ipos == r->nindex)
			r->ipos = 0;
	}
	r->head += size;
	r->count++;
	e->stats.bytes += size;
	return off;
}

static inline uint32_t
reqtab_home(uint32_t flow)
{
	return (flow * 2654435761u) >> (32 - EV_REQTAB_BITS);
}

/* The flow's open request, or NONE: asked at every packet, from cache. */
static inline uint32_t
req_find(const struct evidence *e, uint32_t flow)
{
	uint32_t i = reqtab_home(flow);

	while (e->reqtab[i].flow1 != 0) {
		if (e->reqtab[i].flow1 == flow + 1)
			return e->reqtab[i].req;
		i = (i + 1) & (EV_REQTAB - 1);
	}
	return NONE;
}

static void
reqtab_add(struct evidence *e, uint32_t flow, uint32_t req)
{
	uint32_t i = reqtab_home(flow);

	while (e->reqtab[i].flow1 != 0)
		i = (i + 1) & (EV_REQTAB - 1);
	e->reqtab[i].flow1 = flow + 1;
	e->reqtab[i].req = req;
}

/* Removes flow, moving back the entries that probed past it. */
static void
reqtab_del(struct evidence *e, uint32_t flow)
{
	uint32_t hole = reqtab_home(flow), j, home;

	while (e->reqtab[hole].flow1 != flow + 1) {
		if (e->reqtab[hole].flow1 == 0)
			return;
		hole = (hole + 1) & (EV_REQTAB - 1);
	}
	for (j = hole;;) {
		j = (j + 1) & (EV_REQTAB - 1);
		if (e->reqtab[j].flow1 == 0)
			break;
		home = reqtab_home(e->reqtab[j].flow1 - 1);
		/* It may move into the hole unless its home lies after it. */
		if (((j - home) & (EV_REQTAB - 1)) >=
		    ((j - hole) & (EV_REQTAB - 1))) {
			e->reqtab[hole] = e->reqtab[j];
			hole = j;
		}
	}
	e->reqtab[hole].flow1 = 0;
}

/*
 * A reference's record, written past the cache: nothing reads it unless
 * its flow gets a file, and the lines it streams through would push the
 * flow table out.
 */
static inline void
rec_stream(struct rec *dst, const struct rec *h, const void *ref)
{
#if defined(__x86_64__)
	uint64_t w[sizeof(*h) / sizeof(uint64_t) + 1];

	memcpy(w, h, sizeof(*h));
	memcpy(&w[sizeof(*h) / sizeof(uint64_t)], ref, REF_SIZE);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		_mm_stream_si64((long long *)(void *)dst + i, (long long)w[i]);
#else
	*dst = *h;
	memcpy(dst + 1, ref, REF_SIZE);
#endif
}

/*
 * Keeps nbytes of bytes as the record of a packet of caplen bytes: the
 * packet's own first bytes, or a reference to them (REC_REF), at the end
 * of the flow's chain (heads).  False when closed with no request open.
 */
static inline bool
hold(struct evidence *e, uint32_t flow, uint32_t heads[2], bool edge,
    int linktype, uint64_t ts_us, const void *bytes, uint32_t nbytes,
    uint32_t caplen, uint32_t wirelen, uint16_t flags)
{
	int which = edge ? RING_EDGE : RING_BULK;
	struct ring *r = &e->ring[which];
	struct rec *rec, h;
	uint32_t off, seq, i;

	/* No alert can ask for it: only a request still open counts it. */
	if (evidence_closed(e) &&
	    (e->req_open == 0 || req_find(e, flow) == NONE))
		return e->req_open > 0;
	off = ring_alloc(e, r, REC_SIZE(nbytes), &seq);
	h.ts_us = ts_us;
	h.prev = heads[which];
	h.seq = seq;
	h.caplen = caplen;
	h.wirelen = wirelen < caplen ? caplen : wirelen;
	h.order = e->order++;
	h.linktype = (uint16_t)linktype;
	h.flags = flags;
	rec = rec_at(r, off);
	if (flags & REC_REF)
		rec_stream(rec, &h, bytes);
	else {
		*rec = h;
		if (nbytes > 0)
			memcpy(rec + 1, bytes, nbytes);
	}
	heads[which] = seq + 1;
	e->stats.held++;
	e->stats.packets++;
	if (e->req_open > 0 && (i = req_find(e, flow)) != NONE &&
	    --e->req[i].left == 0)
		req_complete(e, i);
	return true;
}

bool
evidence_hold(struct evidence *e, uint32_t flow, uint32_t heads[2], bool edge,
    int linktype, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen)
{
	if (flow >= e->nflows)
		return true;
	if (caplen > e->snaplen)
		caplen = e->snaplen;
	return hold(e, flow, heads, edge, linktype, ts_us, data, caplen,
	    caplen, wirelen, 0);
}

bool
evidence_hold_ref(struct evidence *e, uint32_t flow, uint32_t heads[2],
    bool edge, int linktype, uint64_t ts_us, uint64_t ref, uint32_t caplen,
    uint32_t wirelen)
{
	if (flow >= e->nflows)
		return true;
	if (caplen > e->snaplen)
		caplen = e->snaplen;
	return hold(e, flow, heads, edge, linktype, ts_us, &ref, REF_SIZE,
	    caplen, wirelen, REC_REF);
}

void
evidence_set_fetch(struct evidence *e, evidence_fetch_fn *fetch, void *ctx)
{
	e->fetch = fetch;
	e->fetch_ctx = ctx;
}

static void
req_complete(struct evidence *e, uint32_t i)
{
	struct ev_req *q = &e->req[i];

	if (!q->open)
		return;
	q->open = false;
	e->req_open--;
	reqtab_del(e, q->flow);
	e->stats.completed++;
#if defined(__x86_64__)
	/* The records written past the cache are in memory for the walk. */
	_mm_sfence();
#endif
	if (e->done != NULL)
		e->done(e->ctx, e, q->flow, q->name);
}

/* Forgets completed requests at the front of the FIFO. */
static void
req_trim(struct evidence *e)
{
	while (e->req_count > 0 && !e->req[e->req_first].open) {
		e->req_first = (e->req_first + 1) % EVIDENCE_REQUESTS;
		e->req_count--;
	}
}

bool
evidence_request(struct evidence *e, uint32_t flow, uint64_t now_us,
    const char *name)
{
	struct ev_req *q;
	uint32_t i;
	size_t len = strlen(name);

	if (flow >= e->nflows || len >= sizeof(q->name) ||
	    evidence_closed(e))
		return false;
	if ((i = req_find(e, flow)) != NONE)
		req_complete(e, i);
	req_trim(e);
	if (e->req_count == EVIDENCE_REQUESTS) {
		e->stats.early++;
		req_complete(e, e->req_first);
		req_trim(e);
	}
	i = (e->req_first + e->req_count) % EVIDENCE_REQUESTS;
	e->req_count++;
	q = &e->req[i];
	q->flow = flow;
	q->left = EVIDENCE_AFTER_PACKETS;
	q->deadline_us = now_us + EVIDENCE_AFTER_US;
	q->open = true;
	e->req_open++;
	memcpy(q->name, name, len + 1);
	reqtab_add(e, flow, i);
	e->stats.requests++;
	return true;
}

/* Other threads ask (the prefaulting ones): an atomic flag. */
void
evidence_close(struct evidence *e)
{
	__atomic_store_n(&e->closed, true, __ATOMIC_RELAXED);
}

bool
evidence_closed(const struct evidence *e)
{
	return __atomic_load_n(&e->closed, __ATOMIC_RELAXED);
}

/* Requests are opened in time order, so the first ones end first. */
void
evidence_expire(struct evidence *e, uint64_t now_us)
{
	req_trim(e);
	while (e->req_count > 0 && e->req[e->req_first].deadline_us <= now_us) {
		req_complete(e, e->req_first);
		req_trim(e);
	}
}

void
evidence_flush(struct evidence *e)
{
	req_trim(e);
	while (e->req_count > 0) {
		req_complete(e, e->req_first);
		req_trim(e);
	}
}

void
evidence_release(struct evidence *e, uint32_t flow, const uint32_t heads[2])
{
	uint32_t i;

	if (flow >= e->nflows)
		return;
	if (e->req_open > 0 && (i = req_find(e, flow)) != NONE)
		req_complete(e, i);
	/* Its records stay where they are until their ring comes round. */
	if (heads[RING_EDGE] != 0 || heads[RING_BULK] != 0)
		e->stats.released++;
}

/*
 * The flow's records still in one ring, oldest first, into e->walk[w]:
 * the newest EVIDENCE_WALK_MAX of them.  Returns how many.
 */
static size_t
chain_collect(const struct evidence *e, uint32_t head, int w)
{
	const struct ring *r = &e->ring[w];
	const struct rec *rec;
	uint32_t off;
	size_t n = 0;

	while (n < EVIDENCE_WALK_MAX && head != 0 && ring_has(r, head - 1)) {
		off = ring_off(r, head - 1);
		rec = rec_at(r, off);
		e->walk[w][EVIDENCE_WALK_MAX - 1 - n] = off;
		n++;
		head = rec->prev;
	}
	return n;
}

/* A record held by reference: its bytes into e->fetch_buf. */
static bool
rec_fetch(const struct evidence *e, const struct rec *r)
{
	uint64_t ref;

	if (e->fetch == NULL)
		return false;
	memcpy(&ref, r + 1, sizeof(ref));
	return e->fetch(e->fetch_ctx, ref, e->fetch_buf, r->caplen);
}

size_t
evidence_walk(const struct evidence *e, uint32_t flow, evidence_pkt_fn *fn,
    void *ctx)
{
	const struct rec *a, *b, *r;
	const uint32_t *heads, *wa, *wb;
	size_t n[NRINGS], ia = 0, ib = 0;

	if (flow >= e->nflows || e->heads == NULL ||
	    (heads = e->heads(e->heads_ctx, flow)) == NULL)
		return 0;
	for (int w = 0; w < NRINGS; w++)
		n[w] = chain_collect(e, heads[w], w);
	wa = e->walk[RING_EDGE] + EVIDENCE_WALK_MAX - n[RING_EDGE];
	wb = e->walk[RING_BULK] + EVIDENCE_WALK_MAX - n[RING_BULK];
	/* Both are in arrival order: merge them. */
	while (ia < n[RING_EDGE] || ib < n[RING_BULK]) {
		a = ia < n[RING_EDGE] ? rec_at(&e->ring[RING_EDGE], wa[ia]) :
		    NULL;
		b = ib < n[RING_BULK] ? rec_at(&e->ring[RING_BULK], wb[ib]) :
		    NULL;
		if (b == NULL || (a != NULL &&
		    (int32_t)(a->order - b->order) < 0)) {
			r = a;
			ia++;
		} else {
			r = b;
			ib++;
		}
		if ((r->flags & REC_REF) == 0)
			fn(ctx, r->linktype, r->ts_us,
			    (const uint8_t *)(r + 1), r->caplen, r->wirelen);
		else if (rec_fetch(e, r))
			fn(ctx, r->linktype, r->ts_us, e->fetch_buf,
			    r->caplen, r->wirelen);
	}
	return n[RING_EDGE] + n[RING_BULK];
}

bool
evidence_kind(enum event_kind kind)
{
	return kind != EV_capture_drop && kind != EV_rst_rate &&
	    kind < EV_NKINDS;
}

/* An address and port for a file name: dots, and '_' for IPv6's colons. */
static int
name_endpoint(char *buf, size_t size, const struct addr *a, uint16_t port)
{
	char text[ADDR_STRLEN];

	addr_format(a, text, sizeof(text));
	for (char *c = text; *c != '\0'; c++)
		if (*c == ':')
			*c = '_';
	return snprintf(buf, size, "%s.%u", text, port);
}

int
evidence_name(const struct event *ev, char *buf, size_t size)
{
	char when[40], src[ADDR_STRLEN + 8], dst[ADDR_STRLEN + 8];
	char *t = when;
	int n;

	/*
	 * A capture file can stamp a packet past 9999-12-31, which has no
	 * RFC 3339 form; the packets are still evidence, under a time that
	 * cannot be mistaken for a real one.
	 */
	if (format_rfc3339(ev->ts_us, when, sizeof(when)) < 0)
		snprintf(when, sizeof(when), "%s", EVIDENCE_TIME_OUT_OF_RANGE);
	/* 2023-11-14T22:13:20.123456Z -> 20231114T221320.123456Z */
	for (char *c = when; *c != '\0'; c++)
		if (*c != '-' && *c != ':')
			*t++ = *c;
	*t = '\0';
	name_endpoint(src, sizeof(src), &ev->src, ev->sport);
	name_endpoint(dst, sizeof(dst), &ev->dst, ev->dport);
	n = snprintf(buf, size, "%s-%s-%s-%s.pcap", when,
	    event_kind_name(ev->kind), src, dst);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}
