/*
 * The evidence store: the budget holds, the oldest packets go first, each
 * flow gets back its own packets in order, a flow released lets go of its
 * packets, requests complete on count, time, release and pressure, and
 * file names are safe.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "evidence.h"
#include "pkt.h"

#define SEC	1000000ULL
#define FLOWS	64
/* The flows' chain ends, kept in the flow entries in the analyser. */
#define HEAD_SLOTS	20000
static uint32_t	heads[HEAD_SLOTS][2];

static uint32_t *
heads_of(void *ctx, uint32_t flow)
{
	(void)ctx;
	return flow < HEAD_SLOTS ? heads[flow] : NULL;
}

/* A store whose flows all start afresh. */
static struct evidence *
ev_new(size_t memory, uint32_t flows, uint32_t snaplen, evidence_done_fn *done,
    void *ctx)
{
	struct evidence *e = evidence_new(memory, flows, snaplen, done, ctx);

	memset(heads, 0, sizeof(heads));
	if (e != NULL)
		evidence_set_heads(e, heads_of, NULL);
	return e;
}

/* The flow ends, and its slot's entry starts afresh, as the table's does. */
static void
release(struct evidence *e, uint32_t flow)
{
	evidence_release(e, flow, heads[flow]);
	memset(heads[flow], 0, sizeof(heads[flow]));
}

struct seen {
	uint32_t	ids[4096];
	uint64_t	ts[4096];
	uint32_t	caplen[4096];
	uint32_t	wirelen[4096];
	int		linktype;
	size_t		n;
};

struct done_log {
	uint32_t	flow[64];
	char		name[64][EVIDENCE_NAME_MAX];
	size_t		packets[64];
	size_t		n;
};

/* Each packet carries its id in its first four bytes. */
static void
collect(void *ctx, int linktype, uint64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	struct seen *s = ctx;
	uint32_t id = 0;

	ck_assert_uint_lt(s->n, 4096);
	ck_assert_uint_ge(caplen, sizeof(id));
	memcpy(&id, data, sizeof(id));
	s->ids[s->n] = id;
	s->ts[s->n] = ts_us;
	s->caplen[s->n] = caplen;
	s->wirelen[s->n] = wirelen;
	s->linktype = linktype;
	s->n++;
}

static void
on_done(void *ctx, const struct evidence *e, uint32_t flow, const char *name)
{
	struct done_log *d = ctx;
	struct seen s = { .n = 0 };

	ck_assert_uint_lt(d->n, 64);
	d->flow[d->n] = flow;
	snprintf(d->name[d->n], sizeof(d->name[d->n]), "%s", name);
	d->packets[d->n] = evidence_walk(e, flow, collect, &s);
	d->n++;
}

/* For many requests: the flow, its name and its packets' count. */
static void
on_many_done(void *ctx, const struct evidence *e, uint32_t flow,
    const char *name)
{
	struct {
		uint32_t	flow[4096];
		char		name[4096][16];
		size_t		packets[4096];
		size_t		n;
	} *log = ctx;
	struct seen *s = calloc(1, sizeof(*s));

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_lt(log->n, 4096);
	log->flow[log->n] = flow;
	snprintf(log->name[log->n], sizeof(log->name[log->n]), "%s", name);
	log->packets[log->n] = evidence_walk(e, flow, collect, s);
	log->n++;
	free(s);
}

static void
hold(struct evidence *e, uint32_t flow, bool edge, uint32_t id, uint32_t len)
{
	uint8_t buf[2048];

	ck_assert_uint_le(len, sizeof(buf));
	memset(buf, 0xab, sizeof(buf));
	memcpy(buf, &id, sizeof(id));
	evidence_hold(e, flow, heads[flow], edge, 1, (uint64_t)id * 1000, buf,
	    len,
	    len + 1000);
}

/* The ids in order: the first is 0 (the edge packet), then 101 on. */
static void
count_only(void *ctx, int linktype, uint64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	uint32_t *next = ctx, id;

	(void)linktype;
	(void)ts_us;
	(void)caplen;
	(void)wirelen;
	memcpy(&id, data, sizeof(id));
	if (*next == UINT32_MAX) {
		ck_assert_uint_eq(id, 0);
		*next = 101;
	} else {
		ck_assert_uint_eq(id, *next);
		(*next)++;
	}
}

static void
last_id(void *ctx, int linktype, uint64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	uint32_t *last = ctx;

	(void)linktype;
	(void)ts_us;
	(void)caplen;
	(void)wirelen;
	memcpy(last, data, sizeof(*last));
}

static size_t
walk(const struct evidence *e, uint32_t flow, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return evidence_walk(e, flow, collect, s);
}

START_TEST(refuses_a_budget_too_small)
{
	ck_assert_ptr_null(ev_new(1024, FLOWS, 128, NULL, NULL));
	ck_assert_ptr_null(ev_new(1 << 20, FLOWS, 0, NULL, NULL));
	ck_assert_ptr_null(ev_new(evidence_min_memory(128) - 1,
	    FLOWS, 128, NULL, NULL));
	struct evidence *e = ev_new(evidence_min_memory(128),
	    FLOWS, 128, NULL, NULL);
	ck_assert_ptr_nonnull(e);
	evidence_free(e);
}
END_TEST

START_TEST(keeps_snaplen_bytes_and_the_wire_length)
{
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, NULL, NULL);
	struct seen s;

	hold(e, 3, false, 7, 1500);
	hold(e, 3, false, 8, 60);
	ck_assert_uint_eq(walk(e, 3, &s), 2);
	ck_assert_uint_eq(s.caplen[0], 128);
	ck_assert_uint_eq(s.wirelen[0], 2500);
	ck_assert_uint_eq(s.caplen[1], 60);
	ck_assert_uint_eq(s.ts[1], 8000);
	ck_assert_int_eq(s.linktype, 1);
	evidence_free(e);
}
END_TEST

START_TEST(chains_are_per_flow_and_in_arrival_order)
{
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, NULL, NULL);
	struct seen s;
	uint32_t id = 0;

	/* Two flows interleaved, each with edge and bulk packets. */
	for (int i = 0; i < 50; i++) {
		hold(e, 1, i % 7 == 0, id++, 80);
		hold(e, 2, i % 5 == 0, id++, 80);
	}
	ck_assert_uint_eq(walk(e, 1, &s), 50);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_uint_eq(s.ids[i], 2 * i);
	ck_assert_uint_eq(walk(e, 2, &s), 50);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_uint_eq(s.ids[i], 2 * i + 1);
	ck_assert_uint_eq(walk(e, 0, &s), 0);
	ck_assert_uint_eq(evidence_stats(e)->packets, 100);
	evidence_free(e);
}
END_TEST

/*
 * A small budget and many packets: the memory in use never exceeds the
 * budget, and what is left of each ring is the newest packets, with no
 * gap: the oldest went first.
 */
START_TEST(the_oldest_go_first_within_the_budget)
{
	size_t memory = evidence_min_memory(128) + 32768;
	struct evidence *e = ev_new(memory, FLOWS, 128, NULL, NULL);
	const struct evidence_stats *st = evidence_stats(e);
	struct seen s;
	uint32_t id, next[FLOWS];
	size_t total = 0;

	for (id = 0; id < 20000; id++) {
		hold(e, id % FLOWS, false, id, 40 + id % 89);
		ck_assert_uint_le(st->bytes, memory);
	}
	ck_assert_uint_gt(st->evicted, 0);
	ck_assert_uint_eq(st->held, 20000);
	ck_assert_uint_eq(st->held - st->evicted, st->packets);
	/* Every flow keeps a suffix of its packets; together, the newest. */
	memset(next, 0, sizeof(next));
	id = UINT32_MAX;
	for (uint32_t f = 0; f < FLOWS; f++) {
		walk(e, f, &s);
		ck_assert_uint_gt(s.n, 0);
		ck_assert_uint_eq(s.ids[s.n - 1], f + (19999 - f) / FLOWS * FLOWS);
		for (size_t i = 1; i < s.n; i++)
			ck_assert_uint_eq(s.ids[i], s.ids[i - 1] + FLOWS);
		if (s.ids[0] < id)
			id = s.ids[0];
		total += s.n;
	}
	ck_assert_uint_eq(total, st->packets);
	/* No packet newer than the oldest held was dropped. */
	ck_assert_uint_eq(total, 20000 - id);
	evidence_free(e);
}
END_TEST

/* A bulk transfer does not push a quiet flow's handshake out. */
START_TEST(edge_packets_outlive_bulk)
{
	size_t memory = evidence_min_memory(128) + 65536;
	struct evidence *e = ev_new(memory, FLOWS, 128, NULL, NULL);
	struct seen s;

	hold(e, 5, true, 1, 60);	/* SYN */
	hold(e, 5, true, 2, 60);	/* SYN-ACK */
	hold(e, 5, false, 3, 100);	/* data */
	for (uint32_t id = 10; id < 5000; id++)
		hold(e, 9, false, id, 128);
	hold(e, 5, true, 6000, 60);	/* RST */
	walk(e, 5, &s);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.ids[0], 1);
	ck_assert_uint_eq(s.ids[1], 2);
	ck_assert_uint_eq(s.ids[2], 6000);
	evidence_free(e);
}
END_TEST

START_TEST(a_released_flow_lets_go_of_its_packets)
{
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, NULL, NULL);
	const struct evidence_stats *st = evidence_stats(e);
	struct seen s;
	uint32_t id;

	for (id = 0; id < 30; id++)
		hold(e, 4 + id % 2, id % 3 == 0, id, 64);
	ck_assert_uint_eq(st->packets, 30);
	release(e, 4);
	/* Before the end is applied, and after. */
	ck_assert_uint_eq(walk(e, 4, &s), 0);
	ck_assert_uint_eq(walk(e, 5, &s), 15);
	evidence_flush(e);
	ck_assert_uint_eq(st->released, 1);
	ck_assert_uint_eq(walk(e, 4, &s), 0);
	ck_assert_uint_eq(walk(e, 5, &s), 15);
	/* The slot's next flow starts empty, and the ring wraps over the dead. */
	hold(e, 4, false, 1000, 64);
	ck_assert_uint_eq(walk(e, 4, &s), 1);
	ck_assert_uint_eq(s.ids[0], 1000);
	for (id = 2000; id < 40000; id++)
		hold(e, 6, false, id, 128);
	ck_assert_uint_gt(st->evicted, 0);
	ck_assert_uint_eq(st->held - st->evicted, st->packets);
	/*
	 * Flow 5's bulk packets went with the ring, its edge packets (ids
	 * 3, 9, 15, 21, 27) stay; flow 6 keeps its newest.
	 */
	ck_assert_uint_eq(walk(e, 5, &s), 5);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_uint_eq(s.ids[i], 3 + 6 * i);
	id = 0;
	ck_assert_uint_gt(evidence_walk(e, 6, last_id, &id), 0);
	ck_assert_uint_eq(id, 39999);
	evidence_free(e);
}
END_TEST

START_TEST(a_request_completes_after_the_packets_that_follow)
{
	struct done_log d = { .n = 0 };
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, on_done, &d);
	uint32_t id;

	for (id = 0; id < 5; id++)
		hold(e, 2, true, id, 60);
	ck_assert(evidence_request(e, 2, 5000, "a.pcap"));
	for (; id < 5 + EVIDENCE_AFTER_PACKETS - 1; id++)
		hold(e, 2, false, id, 60);
	ck_assert_uint_eq(d.n, 0);
	hold(e, 2, false, id++, 60);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.name[0], "a.pcap");
	ck_assert_uint_eq(d.flow[0], 2);
	ck_assert_uint_eq(d.packets[0], 5 + EVIDENCE_AFTER_PACKETS);
	/* Once only. */
	hold(e, 2, false, id++, 60);
	evidence_flush(e);
	ck_assert_uint_eq(d.n, 1);
	evidence_free(e);
}
END_TEST

/*
 * Closed (-r past its file limits): a flow with an open request still
 * gets the packets that follow its alert, all of them; other flows' are
 * not held, and no request opens.
 */
START_TEST(a_closed_store_holds_only_for_open_requests)
{
	struct done_log d = { .n = 0 };
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, on_done, &d);
	struct seen s;
	uint8_t pkt[60] = { 0 };
	uint64_t held;
	uint32_t id;

	for (id = 0; id < 3; id++)
		hold(e, 4, true, id, 60);
	hold(e, 9, true, 500, 60);
	ck_assert(evidence_request(e, 4, 3000, "four.pcap"));
	evidence_close(e);
	held = evidence_stats(e)->held;
	/* Not taken, but a request is open: the store wants packets still. */
	ck_assert(evidence_hold(e, 5, heads[5], true, 1, 0, pkt, sizeof(pkt),
	    60));
	ck_assert_uint_eq(evidence_stats(e)->held, held);
	ck_assert_uint_eq(walk(e, 5, &s), 0);
	ck_assert(!evidence_request(e, 5, 3000, "five.pcap"));
	ck_assert(!evidence_request(e, 9, 3000, "nine.pcap"));
	/* What was held before stays. */
	ck_assert_uint_eq(walk(e, 9, &s), 1);
	for (; id < 3 + EVIDENCE_AFTER_PACKETS; id++)
		hold(e, 4, false, id, 60);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.name[0], "four.pcap");
	ck_assert_uint_eq(d.packets[0], 3 + EVIDENCE_AFTER_PACKETS);
	/* Its request complete, flow 4 is not held either. */
	held = evidence_stats(e)->held;
	ck_assert(!evidence_hold(e, 4, heads[4], false, 1, 0, pkt, sizeof(pkt),
	    60));
	ck_assert(!evidence_hold_ref(e, 4, heads[4], false, 1, 0, 4096, 60,
	    60));
	ck_assert_uint_eq(evidence_stats(e)->held, held);
	evidence_flush(e);
	ck_assert_uint_eq(d.n, 1);
	evidence_free(e);
}
END_TEST

START_TEST(a_request_completes_on_time_release_and_a_second_alert)
{
	struct done_log d = { .n = 0 };
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, on_done, &d);

	hold(e, 1, true, 1, 60);
	hold(e, 2, true, 2, 60);
	hold(e, 3, true, 3, 60);
	ck_assert(evidence_request(e, 1, 10 * SEC, "one"));
	ck_assert(evidence_request(e, 2, 11 * SEC, "two"));
	ck_assert(evidence_request(e, 3, 12 * SEC, "three"));
	evidence_expire(e, 10 * SEC + EVIDENCE_AFTER_US - 1);
	ck_assert_uint_eq(d.n, 0);
	evidence_expire(e, 10 * SEC + EVIDENCE_AFTER_US);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.name[0], "one");
	/* The flow ends: its request completes before its packets go. */
	release(e, 2);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.name[1], "two");
	ck_assert_uint_eq(d.packets[1], 1);
	/* A second alert on a flow completes the first one's file. */
	hold(e, 3, false, 4, 60);
	ck_assert(evidence_request(e, 3, 13 * SEC, "three-again"));
	ck_assert_uint_eq(d.n, 3);
	ck_assert_str_eq(d.name[2], "three");
	ck_assert_uint_eq(d.packets[2], 2);
	evidence_flush(e);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_str_eq(d.name[3], "three-again");
	evidence_free(e);
}
END_TEST

START_TEST(too_many_requests_complete_the_oldest_early)
{
	static struct done_log d;
	struct evidence *e;
	uint32_t flows = EVIDENCE_REQUESTS + 8;
	char name[32];

	memset(&d, 0, sizeof(d));
	e = ev_new(8 << 20, flows, 128, on_done, &d);
	for (uint32_t f = 0; f < EVIDENCE_REQUESTS; f++) {
		snprintf(name, sizeof(name), "r%u", f);
		ck_assert(evidence_request(e, f, f, name));
	}
	ck_assert_uint_eq(d.n, 0);
	ck_assert(evidence_request(e, EVIDENCE_REQUESTS, 0, "late"));
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.name[0], "r0");
	ck_assert_uint_eq(evidence_stats(e)->early, 1);
	ck_assert(!evidence_request(e, flows, 0, "no such flow"));
	evidence_free(e);
}
END_TEST

/*
 * A flow with more packets than a file takes: the newest
 * EVIDENCE_WALK_MAX of its bulk ring, and every edge packet.
 */
START_TEST(a_walk_takes_the_newest_when_a_flow_has_too_many)
{
	struct evidence *e = ev_new(64 << 20, FLOWS, 68, NULL, NULL);
	size_t n;
	uint32_t id;

	hold(e, 1, true, 0, 60);
	for (id = 1; id <= EVIDENCE_WALK_MAX + 100; id++)
		hold(e, 1, false, id, 60);
	ck_assert_uint_eq(evidence_stats(e)->evicted, 0);
	id = UINT32_MAX;
	n = evidence_walk(e, 1, count_only, &id);
	ck_assert_uint_eq(n, EVIDENCE_WALK_MAX + 1);
	ck_assert_uint_eq(id, EVIDENCE_WALK_MAX + 101);
	evidence_free(e);
}
END_TEST

/*
 * A walk at any moment sees every packet so far, and a flow that ended
 * gives its slot's next flow an empty start.
 */
START_TEST(queued_packets_and_ends_keep_arrival_order)
{
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, NULL, NULL);
	struct seen s;

	hold(e, 7, true, 1, 60);
	hold(e, 7, false, 2, 60);
	ck_assert_uint_eq(walk(e, 7, &s), 2);
	release(e, 7);
	hold(e, 7, true, 3, 60);
	ck_assert_uint_eq(walk(e, 7, &s), 1);
	ck_assert_uint_eq(s.ids[0], 3);
	/* Push everything through the queue: the same answer. */
	for (uint32_t id = 100; id < 200; id++)
		hold(e, 8, false, id, 60);
	ck_assert_uint_eq(walk(e, 7, &s), 1);
	ck_assert_uint_eq(s.ids[0], 3);
	ck_assert_uint_eq(walk(e, 8, &s), 100);
	ck_assert_uint_eq(evidence_stats(e)->released, 1);
	evidence_free(e);
}
END_TEST

/*
 * Hundreds of requests open at once among thousands of flows, opened and
 * ended in a shuffled order: each completes at exactly its 64th packet
 * after the alert (or at its flow's end) with all of its packets, however
 * the index of open requests collides and shifts.
 */
START_TEST(many_open_requests_each_complete_at_their_own_count)
{
	static struct {
		uint32_t	flow[4096];
		char		name[4096][16];
		size_t		packets[4096];
		size_t		n;
	} log;
	enum { NF = 20000, NR = EVIDENCE_REQUESTS };
	static uint32_t held[NF], after[NF];
	static bool open[NF];
	struct evidence *e;
	uint32_t flows[NR], id = 0, r = 12345, f;
	size_t want = 0;
	char name[16];

	memset(&log, 0, sizeof(log));
	memset(held, 0, sizeof(held));
	memset(after, 0, sizeof(after));
	memset(open, 0, sizeof(open));
	e = ev_new(256 << 20, NF, 68, on_many_done, &log);
	ck_assert_ptr_nonnull(e);
	/* NR distinct flows, spread over the slots, each with an alert. */
	for (uint32_t i = 0; i < NR; i++) {
		flows[i] = f = (i * 7919u + 13) % NF;
		for (uint32_t k = 0; k < 3; k++) {
			hold(e, f, k == 0, id++, 60);
			held[f]++;
		}
		snprintf(name, sizeof(name), "f%u", f);
		ck_assert(evidence_request(e, f, 0, name));
		open[f] = true;
	}
	ck_assert_uint_eq(log.n, 0);
	/* Their packets and others', and flows ending, scrambled. */
	for (uint32_t k = 0; k < NR * (EVIDENCE_AFTER_PACKETS + 8); k++) {
		r = r * 1103515245u + 12345u;
		f = (r >> 8) % 3 == 0 ? (r >> 12) % NF : flows[(r >> 12) % NR];
		if ((r >> 4) % 97 == 0) {
			release(e, f);
			if (open[f]) {
				/* Completed at its end, with all it had. */
				open[f] = false;
				ck_assert_uint_eq(log.n, ++want);
				ck_assert_uint_eq(log.flow[want - 1], f);
				ck_assert_uint_eq(log.packets[want - 1], held[f]);
			}
			held[f] = 0;
			continue;
		}
		hold(e, f, false, id++, 60);
		held[f]++;
		if (open[f] && ++after[f] == EVIDENCE_AFTER_PACKETS) {
			/* Completed at this very packet. */
			open[f] = false;
			ck_assert_uint_eq(log.n, ++want);
			ck_assert_uint_eq(log.flow[want - 1], f);
			ck_assert_uint_eq(log.packets[want - 1], held[f]);
		}
		ck_assert_uint_eq(log.n, want);
	}
	evidence_flush(e);
	for (f = 0; f < NF; f++)
		want += open[f];
	ck_assert_uint_eq(log.n, want);
	ck_assert_uint_eq(want, NR);
	for (size_t i = 0; i < log.n; i++) {
		snprintf(name, sizeof(name), "f%u", log.flow[i]);
		ck_assert_str_eq(log.name[i], name);
	}
	ck_assert_uint_eq(evidence_stats(e)->completed, NR);
	ck_assert_uint_eq(evidence_stats(e)->evicted, 0);
	evidence_free(e);
}
END_TEST

START_TEST(file_names_say_time_kind_and_flow_safely)
{
	struct event ev;
	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	char buf[EVIDENCE_NAME_MAX];

	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_syn_refused;
	ev.ts_us = 1700000000ULL * SEC + 123456;
	addr_from_v4(&ev.src, a);
	addr_from_v4(&ev.dst, b);
	ev.sport = 40003;
	ev.dport = 81;
	ck_assert_int_gt(evidence_name(&ev, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "20231114T221320.123456Z-syn_refused-"
	    "10.0.0.1.40003-10.0.0.2.81.pcap");
	addr_from_v6(&ev.src, v6a);
	addr_from_v6(&ev.dst, v6b);
	ev.kind = EV_loss_reset;
	ck_assert_int_gt(evidence_name(&ev, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "20231114T221320.123456Z-loss_reset-"
	    "2001_db8__1.40003-2001_db8__2.81.pcap");
	ck_assert_int_eq(evidence_name(&ev, buf, 20), -1);
	/* A damaged file's time past 9999 still names a file. */
	ev.ts_us = UINT64_MAX - 5;
	ck_assert_int_gt(evidence_name(&ev, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "99999999T999999.999999Z-loss_reset-"
	    "2001_db8__1.40003-2001_db8__2.81.pcap");
	ck_assert(evidence_kind(EV_syn_retransmit));
	ck_assert(evidence_kind(EV_icmp_unreachable));
	ck_assert(!evidence_kind(EV_rst_rate));
	ck_assert(!evidence_kind(EV_capture_drop));
}
END_TEST

/*
 * A fake file for packets held by reference: packet id's bytes are at
 * offset id * 4096, its id first; reading beyond "end" fails, as a file
 * that shrank would.
 */
struct fake_file {
	uint64_t	end;
	uint32_t	fetches;
	uint32_t	failures;
};

static bool
fake_fetch(void *ctx, uint64_t ref, uint8_t *buf, uint32_t len)
{
	struct fake_file *f = ctx;
	uint32_t id = (uint32_t)(ref / 4096);

	f->fetches++;
	if (ref + len > f->end) {
		f->failures++;
		return false;
	}
	ck_assert_uint_eq(ref % 4096, 0);
	memset(buf, 0xcd, len);
	memcpy(buf, &id, sizeof(id) < len ? sizeof(id) : len);
	return true;
}

/*
 * Packets held by reference come back through the fetch function, in
 * arrival order among copied ones, cut to the snap length, each taking a
 * small record; one that cannot be read again is left out, not faked.
 */
/*
 * Packets smaller than a reference's record fill a ring's index before
 * its bytes: the oldest go by number then, and the chain stays whole
 * from its newest packet back to the oldest still held.
 */
START_TEST(the_index_bounds_tiny_packets)
{
	size_t memory = evidence_min_memory(128);
	struct evidence *e = ev_new(memory, FLOWS, 128, NULL, NULL);
	struct seen s;
	uint32_t id, n;

	ck_assert_ptr_nonnull(e);
	for (id = 1; id <= 100000; id++)
		hold(e, 3, false, id, 4);
	ck_assert_uint_gt(evidence_stats(e)->evicted, 0);
	n = (uint32_t)walk(e, 3, &s);
	ck_assert_uint_gt(n, 100);
	ck_assert_uint_eq(n, s.n);
	ck_assert_uint_eq(n, evidence_stats(e)->packets);
	for (uint32_t i = 0; i < n; i++)
		ck_assert_uint_eq(s.ids[i], 100000 - n + 1 + i);
	evidence_free(e);
}
END_TEST

START_TEST(references_are_read_back_in_order)
{
	struct evidence *e = ev_new(1 << 20, FLOWS, 128, NULL, NULL);
	struct fake_file file = { .end = UINT64_MAX };
	struct seen s;
	size_t before;

	hold(e, 5, true, 1, 60);
	ck_assert_uint_eq(walk(e, 5, &s), 1);
	/*
	 * No fetch function yet: a reference cannot be read, and is not.
	 * Its record is a header and 8 bytes (a copy would be 128 more).
	 */
	before = evidence_stats(e)->bytes;
	evidence_hold_ref(e, 5, heads[5], false, 1, 2000, 2 * 4096, 1500,
	    1514);
	ck_assert_uint_le(evidence_stats(e)->bytes - before, 48);
	ck_assert_uint_eq(walk(e, 5, &s), 2);
	ck_assert_uint_eq(s.n, 1);
	evidence_set_fetch(e, fake_fetch, &file);
	ck_assert_uint_eq(walk(e, 5, &s), 2);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.ids[0], 1);
	ck_assert_uint_eq(s.ids[1], 2);
	ck_assert_uint_eq(s.caplen[1], 128);
	ck_assert_uint_eq(s.wirelen[1], 1514);
	ck_assert_uint_eq(s.ts[1], 2000);
	hold(e, 5, false, 3, 80);
	evidence_hold_ref(e, 5, heads[5], true, 1, 4000, 4 * 4096, 40, 40);
	ck_assert_uint_eq(walk(e, 5, &s), 4);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(s.ids[i], i + 1);
	ck_assert_uint_eq(s.caplen[3], 40);
	/* The file shrank under packet 4: left out, and counted by fetch. */
	file.end = 4 * 4096;
	file.failures = 0;
	ck_assert_uint_eq(walk(e, 5, &s), 4);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.ids[2], 3);
	ck_assert_uint_eq(file.failures, 1);
	evidence_free(e);
}
END_TEST

static Suite *
evidence_suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, refuses_a_budget_too_small);
	tcase_add_test(tc, keeps_snaplen_bytes_and_the_wire_length);
	tcase_add_test(tc, chains_are_per_flow_and_in_arrival_order);
	tcase_add_test(tc, the_oldest_go_first_within_the_budget);
	tcase_add_test(tc, edge_packets_outlive_bulk);
	tcase_add_test(tc, a_released_flow_lets_go_of_its_packets);
	tcase_add_test(tc, a_request_completes_after_the_packets_that_follow);
	tcase_add_test(tc, a_closed_store_holds_only_for_open_requests);
	tcase_add_test(tc, a_request_completes_on_time_release_and_a_second_alert);
	tcase_add_test(tc, too_many_requests_complete_the_oldest_early);
	tcase_add_test(tc, a_walk_takes_the_newest_when_a_flow_has_too_many);
	tcase_add_test(tc, queued_packets_and_ends_keep_arrival_order);
	tcase_add_test(tc, many_open_requests_each_complete_at_their_own_count);
	tcase_add_test(tc, file_names_say_time_kind_and_flow_safely);
	tcase_add_test(tc, references_are_read_back_in_order);
	tcase_add_test(tc, the_index_bounds_tiny_packets);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(evidence_suite());
}
