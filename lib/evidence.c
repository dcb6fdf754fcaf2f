/*
 * The evidence store: two byte rings carved out of one allocation, a side
 * table of chain ends by flow slot, and a small FIFO of open requests.  A
 * packet is a record (header, then its bytes) appended at a ring's head;
 * room is made by dropping records at its tail.  A flow's chain runs
 * backwards, each record naming the one before it and that one's arrival
 * number: a ring drops records in arrival order, so a record is still
 * there exactly when its number is not older than the ring's oldest.
 * Holding a packet thus touches the ring's head and the flow's side entry
 * only, and dropping one touches the ring's tail only: no chain is ever
 * unlinked, and a flow that ends is forgotten by clearing its entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "pkt.h"

#define NONE		UINT32_MAX
#define RING_EDGE	0
#define RING_BULK	1
#define NRINGS		2

struct rec {
	uint64_t	ts_us;
	uint32_t	prev;		/* the flow's record before, or NONE */
	uint32_t	prev_order;	/* its arrival number */
	uint32_t	caplen;		/* bytes that follow the header */
	uint32_t	wirelen;
	uint32_t	order;		/* arrival number */
	uint16_t	linktype;
	uint16_t	pad;
};

#define REC_SIZE(caplen) \
	((uint32_t)sizeof(struct rec) + (((caplen) + 7u) & ~7u))

struct ring {
	uint8_t		*mem;
	uint32_t	 cap;
	uint32_t	 head;		/* where the next record goes */
	uint32_t	 tail;		/* the oldest record */
	uint32_t	 end;		/* when wrapped: where the old part ends */
	uint32_t	 count;
	uint32_t	 oldest;	/* arrival number of the record at tail */
	bool		 wrapped;	/* records in [tail, end) and [0, head) */
};

struct ev_flow {
	uint32_t	last[NRINGS];	/* the newest record, or NONE */
	uint32_t	last_order[NRINGS];
	uint32_t	req;		/* open request, or NONE */
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
	evidence_done_fn *done;
	void		*ctx;
	uint32_t	*walk[NRINGS];	/* EVIDENCE_WALK_MAX offsets each */
	struct evidence_stats stats;
};

static void	req_complete(struct evidence *, uint32_t);

static inline struct rec *
rec_at(const struct ring *r, uint32_t off)
{
	return (struct rec *)(void *)(r->mem + off);
}

static size_t
side_size(uint32_t flows)
{
	return (size_t)flows * sizeof(struct ev_flow) +
	    EVIDENCE_REQUESTS * sizeof(struct ev_req);
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
	rings = (memory - side) & ~(size_t)7;
	edge = (rings / 4 * EVIDENCE_EDGE_QUARTERS) & ~(size_t)7;
	bulk = rings - edge;
	/* Offsets are 32 bits; a ring must hold a few of the largest records. */
	if (edge >= NONE || bulk >= NONE || edge < 4 * REC_SIZE(snaplen))
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->mem = malloc(memory)) == NULL ||
	    (e->walk[0] = calloc(EVIDENCE_WALK_MAX, sizeof(uint32_t))) == NULL ||
	    (e->walk[1] = calloc(EVIDENCE_WALK_MAX, sizeof(uint32_t))) == NULL) {
		evidence_free(e);
		return NULL;
	}
	p = e->mem;
	e->ring[RING_EDGE].mem = p;
	e->ring[RING_EDGE].cap = (uint32_t)edge;
	e->ring[RING_BULK].mem = p + edge;
	e->ring[RING_BULK].cap = (uint32_t)bulk;
	/* Requests first: they hold 64-bit fields, the rings end aligned. */
	e->req = (struct ev_req *)(void *)(p + rings);
	e->flows = (struct ev_flow *)(void *)(p + rings +
	    EVIDENCE_REQUESTS * sizeof(struct ev_req));
	for (uint32_t i = 0; i < flows; i++) {
		e->flows[i].last[0] = e->flows[i].last[1] = NONE;
		e->flows[i].req = NONE;
	}
	memset(e->req, 0, EVIDENCE_REQUESTS * sizeof(struct ev_req));
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
	free(e->mem);
	free(e);
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

/* Drops the ring's oldest record; its flow's chain now ends before it. */
static void
ring_drop(struct evidence *e, int which)
{
	struct ring *r = &e->ring[which];
	struct rec *rec = rec_at(r, r->tail);

	e->stats.evicted++;
	e->stats.packets--;
	e->stats.bytes -= REC_SIZE(rec->caplen);
	r->tail += REC_SIZE(rec->caplen);
	r->count--;
	if (r->count == 0) {
		r->head = r->tail = 0;
		r->wrapped = false;
		return;
	}
	if (r->wrapped && r->tail == r->end) {
		r->tail = 0;
		r->wrapped = false;
	}
	r->oldest = rec_at(r, r->tail)->order;
}

/* Whether the record at off, numbered order, is still in the ring. */
static inline bool
ring_has(const struct ring *r, uint32_t off, uint32_t order)
{
	return off != NONE && r->count > 0 &&
	    (int32_t)(order - r->oldest) >= 0 && rec_at(r, off)->order == order;
}

/* Room for size bytes at the ring's head; returns their offset. */
static uint32_t
ring_alloc(struct evidence *e, int which, uint32_t size)
{
	struct ring *r = &e->ring[which];
	uint32_t off;

	for (;;) {
		if (r->count == 0) {
			r->head = r->tail = 0;
			r->wrapped = false;
		}
		if (!r->wrapped) {
			if (r->cap - r->head >= size)
				break;
			/* The top is too small: go round, leaving it unused. */
			r->end = r->head;
			r->head = 0;
			r->wrapped = true;
			continue;
		}
		if (r->tail - r->head >= size)
			break;
		ring_drop(e, which);
	}
	off = r->head;
	r->head += size;
	r->count++;
	e->stats.bytes += size;
	return off;
}

void
evidence_hold(struct evidence *e, uint32_t flow, bool edge, int linktype,
    uint64_t ts_us, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	int which = edge ? RING_EDGE : RING_BULK;
	struct ring *r = &e->ring[which];
	struct ev_flow *f;
	struct rec *rec;
	uint32_t off;

	if (flow >= e->nflows)
		return;
	if (caplen > e->snaplen)
		caplen = e->snaplen;
	off = ring_alloc(e, which, REC_SIZE(caplen));
	rec = rec_at(r, off);
	f = &e->flows[flow];
	rec->ts_us = ts_us;
	rec->prev = f->last[which];
	rec->prev_order = f->last_order[which];
	rec->caplen = caplen;
	rec->wirelen = wirelen < caplen ? caplen : wirelen;
	rec->order = e->order++;
	rec->linktype = (uint16_t)linktype;
	rec->pad = 0;
	if (caplen > 0)
		memcpy(rec + 1, data, caplen);
	if (r->count == 1)
		r->oldest = rec->order;
	f->last[which] = off;
	f->last_order[which] = rec->order;
	e->stats.held++;
	e->stats.packets++;

	if (f->req != NONE && --e->req[f->req].left == 0)
		req_complete(e, f->req);
}

static void
req_complete(struct evidence *e, uint32_t i)
{
	struct ev_req *q = &e->req[i];

	if (!q->open)
		return;
	q->open = false;
	if (e->flows[q->flow].req == i)
		e->flows[q->flow].req = NONE;
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

	if (flow >= e->nflows || len >= sizeof(q->name))
		return false;
	if (e->flows[flow].req != NONE)
		req_complete(e, e->flows[flow].req);
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
	memcpy(q->name, name, len + 1);
	e->flows[flow].req = i;
	e->stats.requests++;
	return true;
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
evidence_release(struct evidence *e, uint32_t flow)
{
	struct ev_flow *f;

	if (flow >= e->nflows)
		return;
	f = &e->flows[flow];
	if (f->req != NONE)
		req_complete(e, f->req);
	/* Its records stay where they are until their ring comes round. */
	if (f->last[RING_EDGE] != NONE || f->last[RING_BULK] != NONE)
		e->stats.released++;
	f->last[RING_EDGE] = f->last[RING_BULK] = NONE;
}

/*
 * The flow's records still in one ring, oldest first, into e->walk[w]:
 * the newest EVIDENCE_WALK_MAX of them.  Returns how many.
 */
static size_t
chain_collect(const struct evidence *e, const struct ev_flow *f, int w)
{
	const struct ring *r = &e->ring[w];
	const struct rec *rec;
	uint32_t off = f->last[w], order = f->last_order[w];
	size_t n = 0;

	while (n < EVIDENCE_WALK_MAX && ring_has(r, off, order)) {
		rec = rec_at(r, off);
		e->walk[w][EVIDENCE_WALK_MAX - 1 - n] = off;
		n++;
		off = rec->prev;
		order = rec->prev_order;
	}
	return n;
}

size_t
evidence_walk(const struct evidence *e, uint32_t flow, evidence_pkt_fn *fn,
    void *ctx)
{
	const struct ev_flow *f;
	const struct rec *a, *b, *r;
	const uint32_t *wa, *wb;
	size_t na, nb, ia = 0, ib = 0;

	if (flow >= e->nflows)
		return 0;
	f = &e->flows[flow];
	na = chain_collect(e, f, RING_EDGE);
	nb = chain_collect(e, f, RING_BULK);
	wa = e->walk[RING_EDGE] + EVIDENCE_WALK_MAX - na;
	wb = e->walk[RING_BULK] + EVIDENCE_WALK_MAX - nb;
	/* Both are in arrival order: merge them. */
	while (ia < na || ib < nb) {
		a = ia < na ? rec_at(&e->ring[RING_EDGE], wa[ia]) : NULL;
		b = ib < nb ? rec_at(&e->ring[RING_BULK], wb[ib]) : NULL;
		if (b == NULL || (a != NULL &&
		    (int32_t)(a->order - b->order) < 0)) {
			r = a;
			ia++;
		} else {
			r = b;
			ib++;
		}
		fn(ctx, r->linktype, r->ts_us, (const uint8_t *)(r + 1),
		    r->caplen, r->wirelen);
	}
	return na + nb;
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
