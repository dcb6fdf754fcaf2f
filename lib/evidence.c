/*
 * The evidence store: two byte rings carved out of one allocation, a side
 * table of chain heads and tails by flow slot, and a small FIFO of open
 * requests.  A packet is a record (header, then its bytes) appended at a
 * ring's head; room is made by dropping records at its tail.  Records go
 * to a ring and to their flow's chain in the same order, so the record at
 * a ring's tail is always the first of its flow's chain in that ring:
 * dropping it is O(1).
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
	uint32_t	flow;		/* NONE once its flow is released */
	uint32_t	next;		/* the flow's next record in this ring */
	uint32_t	caplen;		/* bytes that follow the header */
	uint32_t	wirelen;
	uint32_t	order;		/* arrival number, for the merge */
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
	bool		 wrapped;	/* records in [tail, end) and [0, head) */
};

struct ev_flow {
	uint32_t	first[NRINGS];
	uint32_t	last[NRINGS];
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
	if ((e->mem = malloc(memory)) == NULL) {
		free(e);
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
		e->flows[i].first[0] = e->flows[i].first[1] = NONE;
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

/* Drops the ring's oldest record, unlinking it from its flow's chain. */
static void
ring_drop(struct evidence *e, int which)
{
	struct ring *r = &e->ring[which];
	struct rec *rec = rec_at(r, r->tail);
	struct ev_flow *f;

	if (rec->flow != NONE) {
		f = &e->flows[rec->flow];
		f->first[which] = rec->next;
		if (rec->next == NONE)
			f->last[which] = NONE;
		e->stats.evicted++;
		e->stats.packets--;
	}
	e->stats.bytes -= REC_SIZE(rec->caplen);
	r->tail += REC_SIZE(rec->caplen);
	r->count--;
	if (r->count == 0) {
		r->head = r->tail = 0;
		r->wrapped = false;
	} else if (r->wrapped && r->tail == r->end) {
		r->tail = 0;
		r->wrapped = false;
	}
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
	rec->ts_us = ts_us;
	rec->flow = flow;
	rec->next = NONE;
	rec->caplen = caplen;
	rec->wirelen = wirelen < caplen ? caplen : wirelen;
	rec->order = e->order++;
	rec->linktype = (uint16_t)linktype;
	rec->pad = 0;
	if (caplen > 0)
		memcpy(rec + 1, data, caplen);

	f = &e->flows[flow];
	if (f->last[which] == NONE)
		f->first[which] = off;
	else
		rec_at(r, f->last[which])->next = off;
	f->last[which] = off;
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
	struct rec *rec;
	uint32_t off;

	if (flow >= e->nflows)
		return;
	f = &e->flows[flow];
	if (f->req != NONE)
		req_complete(e, f->req);
	/* The records stay where they are until their ring comes round. */
	for (int w = 0; w < NRINGS; w++) {
		for (off = f->first[w]; off != NONE; off = rec->next) {
			rec = rec_at(&e->ring[w], off);
			rec->flow = NONE;
			e->stats.released++;
			e->stats.packets--;
		}
		f->first[w] = f->last[w] = NONE;
	}
}

size_t
evidence_walk(const struct evidence *e, uint32_t flow, evidence_pkt_fn *fn,
    void *ctx)
{
	const struct ev_flow *f;
	const struct rec *a, *b, *r;
	uint32_t oa, ob;
	size_t n = 0;

	if (flow >= e->nflows)
		return 0;
	f = &e->flows[flow];
	oa = f->first[RING_EDGE];
	ob = f->first[RING_BULK];
	/* Both chains are in arrival order: merge them. */
	while (oa != NONE || ob != NONE) {
		a = oa != NONE ? rec_at(&e->ring[RING_EDGE], oa) : NULL;
		b = ob != NONE ? rec_at(&e->ring[RING_BULK], ob) : NULL;
		if (b == NULL || (a != NULL &&
		    (int32_t)(a->order - b->order) < 0)) {
			r = a;
			oa = a->next;
		} else {
			r = b;
			ob = b->next;
		}
		fn(ctx, r->linktype, r->ts_us, (const uint8_t *)(r + 1),
		    r->caplen, r->wirelen);
		n++;
	}
	return n;
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

	if (format_rfc3339(ev->ts_us, when, sizeof(when)) < 0)
		return -1;
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
