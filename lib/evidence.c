/*
 * The evidence store: two byte rings carved out of one allocation, a side
 * table of chain ends by flow slot, and a small FIFO of open requests.  A
 * packet is a record (header, then its bytes) appended at a ring's head;
 * room is made by giving up the ring's oldest chunk.  A flow's chain runs
 * backwards, each record naming the one before it and that one's arrival
 * number: a ring drops records in arrival order, so a record is still
 * there exactly when its number is not older than the ring's oldest.
 * Holding a packet thus touches the ring's head and the flow's side entry
 * only, and dropping records touches the chunks' bookkeeping only: no
 * chain is ever unlinked, and a flow that ends is forgotten by clearing
 * its entry.
 *
 * The cost per packet is that of memory, not of instructions: with a
 * million flows the side entry is a cache (and TLB) miss.  So a packet's
 * record is written at once but linked into its flow's chain EV_PIPE
 * packets later, its side entry fetched in the meantime; a flow's end
 * waits in the same queue, so everything happens in arrival order.  Only
 * a flow with an open request (a small index of them stays in the cache)
 * is linked at once, so that a request completes at the very packet that
 * ends it.  The side table starts zeroed (0 means "none"), so its pages
 * are touched only as the flow table hands its slots out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "pages.h"
#include "pkt.h"

#define NONE		UINT32_MAX
#define RING_EDGE	0
#define RING_BULK	1
#define NRINGS		2
/* Chunks per ring, at most; each holds at least the largest record. */
#define EV_CHUNKS	1024
/* Packets between a record's write and its linking (a power of two). */
#define EV_PIPE		16
/* The index of open requests by flow: 4 times their number, 8 KiB. */
#define EV_REQTAB_BITS	10
#define EV_REQTAB	(1u << EV_REQTAB_BITS)

struct rec {
	uint64_t	ts_us;
	uint32_t	prev;		/* the flow's record before, or NONE */
	uint32_t	prev_order;	/* its arrival number */
	uint32_t	caplen;		/* bytes that follow the header */
	uint32_t	wirelen;
	uint32_t	order;		/* arrival number */
	uint16_t	linktype;
	uint16_t	flags;
};

/* The record's bytes are a uint64_t reference, not the packet's. */
#define REC_REF		0x1
#define REF_SIZE	((uint32_t)sizeof(uint64_t))

#define REC_SIZE(caplen) \
	((uint32_t)sizeof(struct rec) + (((caplen) + 7u) & ~7u))

/*
 * A ring is cut into chunks, and gives up its oldest chunk whole when it
 * needs room: what a chunk holds is counted here, so that eviction never
 * reads the records (long out of the cache) it lets go.
 */
struct ev_chunk {
	uint32_t	first;		/* arrival number of its first record */
	uint32_t	count;
	uint32_t	bytes;
};

struct ring {
	uint8_t		*mem;
	struct ev_chunk	*chunks;
	uint32_t	 nchunks;
	uint32_t	 chunk;		/* bytes per chunk */
	uint32_t	 head;		/* where the next record goes */
	uint32_t	 cur;		/* the chunk head is in */
	uint32_t	 first;		/* the oldest chunk in use */
	uint32_t	 live;		/* chunks in use, cur included */
	uint32_t	 count;
	uint32_t	 oldest;	/* arrival number of the oldest record */
};

/*
 * Zero is "none", so that a fresh table needs no setup; 16 bytes, so that
 * an entry is one cache line, not two.
 */
struct ev_flow {
	uint32_t	last[NRINGS];	/* the newest record's offset + 1 */
	uint32_t	last_order[NRINGS];
};

/* A packet to link into its flow's chain, or a flow that ended. */
struct ev_op {
	uint32_t	flow;
	uint32_t	off;		/* the record; NONE: the flow ended */
	uint32_t	order;
	uint32_t	ring;
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
	struct ev_flow	*flows;
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
	uint8_t		*fetch_buf;	/* snaplen bytes */
	uint32_t	*walk[NRINGS];	/* EVIDENCE_WALK_MAX offsets each */
	struct ev_op	 pipe[EV_PIPE];
	uint32_t	 pipe_first;
	uint32_t	 pipe_count;
	/* Open requests by flow, linear probing; flow + 1, 0 is empty. */
	struct {
		uint32_t flow1;
		uint32_t req;
	}		 reqtab[EV_REQTAB];
	struct evidence_stats stats;
};

static void	req_complete(struct evidence *, uint32_t);
static void	pipe_drain(struct evidence *);

static inline struct rec *
rec_at(const struct ring *r, uint32_t off)
{
	return (struct rec *)(void *)(r->mem + off);
}

/* As many chunks as fit, up to EV_CHUNKS, each room for a whole record. */
static void
ring_init(struct ring *r, uint8_t *mem, size_t cap, uint32_t snaplen,
    struct ev_chunk *chunks)
{
	size_t n = cap / REC_SIZE(snaplen);

	if (n > EV_CHUNKS)
		n = EV_CHUNKS;
	r->mem = mem;
	r->chunks = chunks;
	r->nchunks = (uint32_t)n;
	r->chunk = (uint32_t)(cap / n) & ~7u;
}

static size_t
side_size(uint32_t flows)
{
	return (size_t)flows * sizeof(struct ev_flow) +
	    EVIDENCE_REQUESTS * sizeof(struct ev_req) +
	    NRINGS * EV_CHUNKS * sizeof(struct ev_chunk);
}

size_t
evidence_min_memory(uint32_t flows, uint32_t snaplen)
{
	size_t rings = (size_t)REC_SIZE(snaplen) * 4 * 4 / EVIDENCE_EDGE_QUARTERS;

	if (rings < EVIDENCE_MIN_MEMORY)
		rings = EVIDENCE_MIN_MEMORY;
	return side_size(flows) + rings + 8;
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
	side = side_size(flows);
	if (memory < evidence_min_memory(flows, snaplen))
		return NULL;
	rings = (memory - side) & ~(size_t)63;
	edge = (rings / 4 * EVIDENCE_EDGE_QUARTERS) & ~(size_t)7;
	bulk = rings - edge;
	/* Offsets are 32 bits; a ring must hold a few of the largest records. */
	if (edge >= NONE || bulk >= NONE || edge < 4 * REC_SIZE(snaplen))
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
	e->flows = (struct ev_flow *)(void *)(p +
	    EVIDENCE_REQUESTS * sizeof(struct ev_req));
	/*
	 * The side table is read at random: huge pages spare the TLB misses
	 * (and a first touch faults once per 2 MiB, not per 4 KiB).
	 */
	pages_huge(e->flows, (size_t)flows * sizeof(struct ev_flow));
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
	uint8_t *mem = e->ring[RING_EDGE].mem;
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

void
evidence_prefault_flows(const struct evidence *e, uint32_t from, uint32_t n)
{
	if (from >= e->nflows || evidence_closed(e))
		return;
	if (n > e->nflows - from)
		n = e->nflows - from;
	pages_populate(&e->flows[from], (size_t)n * sizeof(*e->flows));
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

/* Whether the record at off, numbered order, is still in the ring. */
static inline bool
ring_has(const struct ring *r, uint32_t off, uint32_t order)
{
	return off != NONE && r->count > 0 &&
	    (int32_t)(order - r->oldest) >= 0 && rec_at(r, off)->order == order;
}

/* Room for a record of size bytes, numbered order; returns its offset. */
static uint32_t
ring_alloc(struct evidence *e, struct ring *r, uint32_t size, uint32_t order)
{
	struct ev_chunk *c;
	uint32_t off;

	if (r->live == 0) {
		r->cur = r->first = 0;
		r->head = 0;
		r->live = 1;
		r->oldest = order;
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
	c = &r->chunks[r->cur];
	if (c->count++ == 0)
		c->first = order;
	c->bytes += size;
	off = r->head;
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

/* Puts the record at off at the end of its flow's chain. */
static void
chain_link(struct evidence *e, uint32_t flow, int which, uint32_t off,
    uint32_t order)
{
	struct ring *r = &e->ring[which];
	struct ev_flow *f = &e->flows[flow];
	struct rec *rec;
	uint32_t i;

	/* Gone already: a budget of a few records and a long wait. */
	if (!ring_has(r, off, order))
		return;
	rec = rec_at(r, off);
	rec->prev = f->last[which] - 1;
	rec->prev_order = f->last_order[which];
	f->last[which] = off + 1;
	f->last_order[which] = order;
	if (e->req_open > 0 && (i = req_find(e, flow)) != NONE &&
	    --e->req[i].left == 0)
		req_complete(e, i);
}

/* The flow ended: its open request completes, its chains are let go. */
static void
flow_forget(struct evidence *e, uint32_t flow)
{
	struct ev_flow *f = &e->flows[flow];
	uint32_t i;

	if (e->req_open > 0 && (i = req_find(e, flow)) != NONE)
		req_complete(e, i);
	/* Its records stay where they are until their ring comes round. */
	if (f->last[RING_EDGE] != 0 || f->last[RING_BULK] != 0)
		e->stats.released++;
	f->last[RING_EDGE] = f->last[RING_BULK] = 0;
}

static void
pipe_apply(struct evidence *e, const struct ev_op *op)
{
	if (op->off == NONE)
		flow_forget(e, op->flow);
	else
		chain_link(e, op->flow, (int)op->ring, op->off, op->order);
}

/* Everything waiting in the queue, oldest first. */
static void
pipe_drain(struct evidence *e)
{
	struct ev_op op;

	while (e->pipe_count > 0) {
		op = e->pipe[e->pipe_first];
		e->pipe_first = (e->pipe_first + 1) & (EV_PIPE - 1);
		e->pipe_count--;
		pipe_apply(e, &op);
	}
}

/* Queues op, fetching its side entry; applies the oldest when full. */
static void
pipe_push(struct evidence *e, uint32_t flow, uint32_t off, uint32_t order,
    int which)
{
	struct ev_op *op, old;

	__builtin_prefetch(&e->flows[flow], 1);
	if (e->pipe_count == EV_PIPE) {
		old = e->pipe[e->pipe_first];
		e->pipe_first = (e->pipe_first + 1) & (EV_PIPE - 1);
		e->pipe_count--;
		pipe_apply(e, &old);
	}
	op = &e->pipe[(e->pipe_first + e->pipe_count) & (EV_PIPE - 1)];
	op->flow = flow;
	op->off = off;
	op->order = order;
	op->ring = (uint32_t)which;
	e->pipe_count++;
}

/* A packet's record, size bytes after its header, at its ring's head. */
static struct rec *
hold_begin(struct evidence *e, int which, int linktype,
    uint64_t ts_us, uint32_t size, uint32_t caplen, uint32_t wirelen,
    uint32_t *off, uint32_t *order)
{
	struct rec *rec;

	*order = e->order++;
	*off = ring_alloc(e, &e->ring[which], REC_SIZE(size), *order);
	rec = rec_at(&e->ring[which], *off);
	rec->ts_us = ts_us;
	rec->prev = NONE;
	rec->prev_order = 0;
	rec->caplen = caplen;
	rec->wirelen = wirelen < caplen ? caplen : wirelen;
	rec->order = *order;
	rec->linktype = (uint16_t)linktype;
	e->stats.held++;
	e->stats.packets++;
	return rec;
}

/* The record is written: into its flow's chain, now or a little later. */
static void
hold_end(struct evidence *e, uint32_t flow, int which, uint32_t off,
    uint32_t order)
{
	if (e->req_open == 0 || req_find(e, flow) == NONE)
		pipe_push(e, flow, off, order, which);
	else {
		/* Perhaps an open request: count this packet now. */
		pipe_drain(e);
		chain_link(e, flow, which, off, order);
	}
}

/*
 * Keeps nbytes of bytes as the record of a packet of caplen bytes: the
 * packet's own first bytes, or a reference to them (REC_REF).  False
 * when closed with no request open.
 */
static inline bool
hold(struct evidence *e, uint32_t flow, bool edge, int linktype,
    uint64_t ts_us, const void *bytes, uint32_t nbytes, uint32_t caplen,
    uint32_t wirelen, uint16_t flags)
{
	int which = edge ? RING_EDGE : RING_BULK;
	struct rec *rec;
	uint32_t off, order;

	/* No alert can ask for it: only a request still open counts it. */
	if (evidence_closed(e) &&
	    (e->req_open == 0 || req_find(e, flow) == NONE))
		return e->req_open > 0;
	rec = hold_begin(e, which, linktype, ts_us, nbytes, caplen, wirelen,
	    &off, &order);
	rec->flags = flags;
	/* A reference is one store, not a call to memcpy. */
	if (flags & REC_REF)
		memcpy(rec + 1, bytes, REF_SIZE);
	else if (nbytes > 0)
		memcpy(rec + 1, bytes, nbytes);
	hold_end(e, flow, which, off, order);
	return true;
}

bool
evidence_hold(struct evidence *e, uint32_t flow, bool edge, int linktype,
    uint64_t ts_us, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	if (flow >= e->nflows)
		return true;
	if (caplen > e->snaplen)
		caplen = e->snaplen;
	return hold(e, flow, edge, linktype, ts_us, data, caplen, caplen,
	    wirelen, 0);
}

bool
evidence_hold_ref(struct evidence *e, uint32_t flow, bool edge,
    int linktype, uint64_t ts_us, uint64_t ref, uint32_t caplen,
    uint32_t wirelen)
{
	if (flow >= e->nflows)
		return true;
	if (caplen > e->snaplen)
		caplen = e->snaplen;
	return hold(e, flow, edge, linktype, ts_us, &ref, REF_SIZE, caplen,
	    wirelen, REC_REF);
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
	/* The flow's packets so far are in its chains before it counts. */
	pipe_drain(e);
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
	if (e->req_count > 0 && e->req[e->req_first].deadline_us <= now_us)
		pipe_drain(e);
	while (e->req_count > 0 && e->req[e->req_first].deadline_us <= now_us) {
		req_complete(e, e->req_first);
		req_trim(e);
	}
}

void
evidence_flush(struct evidence *e)
{
	pipe_drain(e);
	req_trim(e);
	while (e->req_count > 0) {
		req_complete(e, e->req_first);
		req_trim(e);
	}
}

void
evidence_release(struct evidence *e, uint32_t flow)
{
	if (flow >= e->nflows)
		return;
	if (e->req_open == 0 || req_find(e, flow) == NONE)
		pipe_push(e, flow, NONE, 0, 0);
	else {
		pipe_drain(e);
		flow_forget(e, flow);
	}
}

/*
 * The flow's records still in one ring, oldest first, into e->walk[w]:
 * the newest EVIDENCE_WALK_MAX of them, less room bytes for the ones
 * still queued.  Returns how many.
 */
static size_t
chain_collect(const struct evidence *e, const struct ev_flow *f, int w,
    size_t room)
{
	const struct ring *r = &e->ring[w];
	const struct rec *rec;
	uint32_t off = f->last[w] - 1, order = f->last_order[w];
	size_t n = 0;

	while (n < room && ring_has(r, off, order)) {
		rec = rec_at(r, off);
		e->walk[w][room - 1 - n] = off;
		n++;
		off = rec->prev;
		order = rec->prev_order;
	}
	return n;
}

/*
 * The queue's part of a flow's story, newer than its chains: the flow's
 * records since it last ended there, per ring, into q.  Returns false
 * when it ended in the queue: its chains are then an earlier flow's.
 */
static bool
pipe_collect(const struct evidence *e, uint32_t flow,
    uint32_t q[NRINGS][EV_PIPE], size_t qn[NRINGS])
{
	const struct ev_op *op;
	bool chains = true;

	qn[0] = qn[1] = 0;
	for (uint32_t i = 0; i < e->pipe_count; i++) {
		op = &e->pipe[(e->pipe_first + i) & (EV_PIPE - 1)];
		if (op->flow != flow)
			continue;
		if (op->off == NONE) {
			chains = false;
			qn[0] = qn[1] = 0;
		} else if (ring_has(&e->ring[op->ring], op->off, op->order))
			q[op->ring][qn[op->ring]++] = op->off;
	}
	return chains;
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
	const uint32_t *wa, *wb;
	uint32_t q[NRINGS][EV_PIPE];
	size_t n[NRINGS], qn[NRINGS], room, ia = 0, ib = 0;
	bool chains;

	if (flow >= e->nflows)
		return 0;
	/*
	 * The done function walks with the queue empty; another caller
	 * may find a flow's newest records not linked yet: they follow
	 * its chains.
	 */
	chains = pipe_collect(e, flow, q, qn);
	for (int w = 0; w < NRINGS; w++) {
		room = EVIDENCE_WALK_MAX - qn[w];
		n[w] = chains ? chain_collect(e, &e->flows[flow], w, room) : 0;
		memcpy(e->walk[w] + room, q[w], qn[w] * sizeof(q[w][0]));
		n[w] += qn[w];
	}
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
