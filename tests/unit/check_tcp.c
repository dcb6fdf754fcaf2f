/*
 * The TCP analyser (lib/tcp.c) on its own: a flow, segments built here,
 * the thresholds, and the verdict each segment returns.  Nothing of the
 * flow table, the decoders or the sinks takes part; the class the result
 * asks for is applied by hand, as analyzer.c applies it.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "event.h"
#include "flow.h"
#include "pkt.h"
#include "tcp.h"

#define T0		1700000000000000ULL
#define ISN_C		2876543210U
#define ISN_S		1543210987U

/* One connection: the flow and what each side will send next. */
struct tc {
	uint64_t	 start;		/* the flow's start time, out of it */
	struct flow	 f;
	struct tcp_params par;
	struct tcp_result res;
	uint64_t	 now;
	uint32_t	 seq[2];
	uint8_t		 ttl[2];
	uint16_t	 win[2];
	uint16_t	 port[2];
};

static void
tc_init(struct tc *t, uint32_t syn_thr, uint32_t synack_thr, uint32_t data_thr)
{
	memset(t, 0, sizeof(*t));
	t->par.max_syn_retransmissions = syn_thr;
	t->par.max_synack_retransmissions = synack_thr;
	t->par.max_data_retransmissions = data_thr;
	t->now = T0;
	t->start = t->f.ts_last_us = T0;
	t->f.cls = FLOW_EMBRYONIC;
	t->seq[DIR_ORIG] = ISN_C;
	t->seq[DIR_RESP] = ISN_S;
	t->ttl[DIR_ORIG] = 64;
	t->ttl[DIR_RESP] = 60;
	t->win[DIR_ORIG] = 502;
	t->win[DIR_RESP] = 509;
	t->port[DIR_ORIG] = 40001;
	t->port[DIR_RESP] = 80;
}

static struct pkt
mkpkt(const struct tc *t, int dir, uint8_t flags, uint32_t seq, uint32_t len)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_us = t->now;
	p.proto = PKT_PROTO_TCP;
	p.sport = t->port[dir];
	p.dport = t->port[!dir];
	p.ttl = t->ttl[dir];
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = (flags & TH_ACK) ? t->seq[!dir] : 0;
	p.payload_len = len;
	p.win = t->win[dir];
	p.wscale = (flags & TH_SYN) ? 7 : TCP_NO_WSCALE;
	return p;
}

/* Analyse p after dt_us; the flow moves to the class the result names. */
static const struct tcp_result *
feed(struct tc *t, uint64_t dt_us, const struct pkt *p0, int dir)
{
	struct pkt p = *p0;

	t->now += dt_us;
	p.ts_us = t->now;
	if (t->f.half[DIR_ORIG].pkts + t->f.half[DIR_RESP].pkts == 0 &&
	    !(t->f.state & FS_NONRST))
		tcp_start(&t->f, &p);
	t->f.half[dir].pkts++;
	t->f.ts_last_us = t->now;
	tcp_segment(&t->f, dir, &p, &t->par, t->now, &t->start, &t->res);
	ck_assert_uint_le(t->res.nv, TCP_MAX_VERDICTS);
	t->f.cls = t->res.cls;
	return &t->res;
}

/* Send len bytes (plus SYN/FIN) at the side's next sequence number. */
static const struct tcp_result *
tx(struct tc *t, int dir, uint64_t dt_us, uint8_t flags, uint32_t len)
{
	struct pkt p = mkpkt(t, dir, flags, t->seq[dir], len);

	t->seq[dir] += len + !!(flags & TH_SYN) + !!(flags & TH_FIN);
	return feed(t, dt_us, &p, dir);
}

/* Send at an explicit sequence number; the side's next one stays. */
static const struct tcp_result *
tx_at(struct tc *t, int dir, uint64_t dt_us, uint8_t flags, uint32_t seq,
    uint32_t len)
{
	struct pkt p = mkpkt(t, dir, flags, seq, len);

	return feed(t, dt_us, &p, dir);
}

static void
handshake(struct tc *t)
{
	ck_assert_uint_eq(tx(t, DIR_ORIG, 0, TH_SYN, 0)->nv, 0);
	ck_assert_uint_eq(tx(t, DIR_RESP, 1000, TH_SYN | TH_ACK, 0)->nv, 0);
	ck_assert_uint_eq(tx(t, DIR_ORIG, 1000, TH_ACK, 0)->nv, 0);
	ck_assert_uint_eq(t->f.cls, FLOW_ESTABLISHED);
	ck_assert(t->f.state & FS_ESTAB);
}

/* Thresholds 3, 3 and data_thr; the handshake done. */
static void
tc_established(struct tc *t, uint32_t data_thr)
{
	tc_init(t, 3, 3, data_thr);
	handshake(t);
}

static void
assert_none(const struct tcp_result *r)
{
	ck_assert_uint_eq(r->nv, 0);
}

static const struct tcp_verdict *
assert_one(const struct tcp_result *r, enum event_kind kind)
{
	ck_assert_uint_eq(r->nv, 1);
	ck_assert_int_eq(r->v[0].kind, kind);
	return &r->v[0];
}

START_TEST(test_syn_retransmit_at_threshold)
{
	struct tc t;
	const struct tcp_verdict *v;
	struct pkt syn;

	tc_init(&t, 3, 3, 5);
	syn = mkpkt(&t, DIR_ORIG, TH_SYN, ISN_C, 0);
	assert_none(feed(&t, 0, &syn, DIR_ORIG));
	assert_none(feed(&t, 1000000, &syn, DIR_ORIG));
	assert_none(feed(&t, 2000000, &syn, DIR_ORIG));
	v = assert_one(feed(&t, 4000000, &syn, DIR_ORIG), EV_syn_retransmit);
	ck_assert_uint_eq(v->count, 3);
	ck_assert_uint_eq(v->threshold, 3);
	ck_assert_uint_eq(t.f.syn_retransmits, 3);
	ck_assert_uint_eq(t.f.cls, FLOW_EMBRYONIC);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_S0);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_handshake_timeout);
}
END_TEST

/* Once a SYN-ACK came, a late copy of the SYN is no unanswered SYN. */
START_TEST(test_syn_retransmit_not_after_synack)
{
	struct tc t;
	struct pkt syn;

	tc_init(&t, 1, 3, 5);
	syn = mkpkt(&t, DIR_ORIG, TH_SYN, ISN_C, 0);
	t.seq[DIR_ORIG]++;
	assert_none(feed(&t, 0, &syn, DIR_ORIG));
	assert_none(tx(&t, DIR_RESP, 1000, TH_SYN | TH_ACK, 0));
	assert_none(feed(&t, 1000000, &syn, DIR_ORIG));
	ck_assert_uint_eq(t.f.syn_retransmits, 1);
}
END_TEST

START_TEST(test_synack_retransmit)
{
	struct tc t;
	const struct tcp_verdict *v;
	struct pkt synack;

	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_SYN, 0));
	synack = mkpkt(&t, DIR_RESP, TH_SYN | TH_ACK, ISN_S, 0);
	assert_none(feed(&t, 1000, &synack, DIR_RESP));
	assert_none(feed(&t, 1000000, &synack, DIR_RESP));
	assert_none(feed(&t, 2000000, &synack, DIR_RESP));
	v = assert_one(feed(&t, 4000000, &synack, DIR_RESP),
	    EV_synack_retransmit);
	ck_assert_uint_eq(v->count, 3);
	ck_assert_uint_eq(v->threshold, 3);
	ck_assert_uint_eq(t.f.cls, FLOW_EMBRYONIC);
}
END_TEST

START_TEST(test_syn_refused)
{
	struct tc t;
	const struct tcp_verdict *v;

	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_SYN, 0));
	t.seq[DIR_RESP] = 0;
	v = assert_one(tx(&t, DIR_RESP, 200, TH_RST | TH_ACK, 0),
	    EV_syn_refused);
	ck_assert_int_eq(v->by, SIDE_DST);
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_REJ);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_refused);
	/* A second RST is counted, not judged again. */
	assert_none(tx(&t, DIR_RESP, 200, TH_RST | TH_ACK, 0));
	ck_assert_uint_eq(t.f.half[DIR_RESP].rst, 2);
}
END_TEST

START_TEST(test_data_retransmit)
{
	struct tc t;
	const struct tcp_verdict *v;
	uint32_t seq;

	tc_established(&t, 5);
	seq = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 100));
	for (int i = 1; i < 5; i++) {
		assert_none(tx_at(&t, DIR_ORIG, 200000u << i, TH_ACK | TH_PUSH,
		    seq, 100));
		ck_assert_uint_eq(t.f.half[DIR_ORIG].rtx_count, i);
	}
	v = assert_one(tx_at(&t, DIR_ORIG, 4000000, TH_ACK | TH_PUSH, seq, 100),
	    EV_data_retransmit);
	ck_assert_uint_eq(v->count, 5);
	ck_assert_uint_eq(v->threshold, 5);
	ck_assert_uint_eq(v->seq, seq);
	ck_assert_int_eq(v->by, SIDE_SRC);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 5);
}
END_TEST

/* Retransmissions cut differently (TSO) are the same segment again. */
START_TEST(test_retransmit_cut_differently)
{
	struct tc t;
	uint32_t seq;

	tc_established(&t, 2);
	seq = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 2896));
	assert_none(tx_at(&t, DIR_ORIG, 300000, TH_ACK, seq, 1448));
	assert_one(tx_at(&t, DIR_ORIG, 600000, TH_ACK, seq, 2896),
	    EV_data_retransmit);
}
END_TEST

START_TEST(test_loss_reset)
{
	struct tc t;
	const struct tcp_verdict *v;
	uint32_t seq;

	tc_established(&t, 5);
	seq = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 100));
	assert_none(tx_at(&t, DIR_ORIG, 200000, TH_ACK | TH_PUSH, seq, 100));
	assert_none(tx_at(&t, DIR_ORIG, 400000, TH_ACK | TH_PUSH, seq, 100));
	v = assert_one(tx(&t, DIR_ORIG, 1000000, TH_RST | TH_ACK, 0),
	    EV_loss_reset);
	ck_assert_int_eq(v->by, SIDE_SRC);
	ck_assert_uint_eq(v->count, 2);
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_loss_reset);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_RSTO);
}
END_TEST

/* Data acknowledged after its retransmission: nothing is outstanding. */
START_TEST(test_recovered_loss_then_app_reset)
{
	struct tc t;
	uint32_t seq;

	tc_established(&t, 5);
	seq = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	assert_none(tx_at(&t, DIR_ORIG, 200000, TH_ACK, seq, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].rtx_count, 0);
	assert_one(tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0), EV_app_reset);
}
END_TEST

START_TEST(test_app_reset)
{
	struct tc t;
	const struct tcp_verdict *v;

	tc_established(&t, 5);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 50));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH, 200));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	v = assert_one(tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0),
	    EV_app_reset);
	ck_assert_int_eq(v->by, SIDE_DST);
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
	    CLOSE_app_reset);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_RSTR);
}
END_TEST

START_TEST(test_rst_injected_ttl)
{
	struct tc t;
	const struct tcp_verdict *v;

	tc_established(&t, 5);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 50));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH, 200));
	t.ttl[DIR_RESP] = 120;
	v = assert_one(tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0),
	    EV_rst_injected);
	ck_assert_int_eq(v->by, SIDE_DST);
	ck_assert_uint_eq(v->ttl, 120);
	ck_assert_uint_eq(v->expected_ttl, 60);
	ck_assert(!v->window_evidence);
	/* The connection may go on: its class stays. */
	ck_assert_uint_eq(t.res.cls, FLOW_ESTABLISHED);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
	    CLOSE_rst_injected);
}
END_TEST

START_TEST(test_rst_injected_window)
{
	struct tc t;
	const struct tcp_verdict *v;
	uint32_t left;

	tc_established(&t, 5);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 50));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH, 200));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	left = t.seq[DIR_RESP];
	v = assert_one(tx_at(&t, DIR_RESP, 1000, TH_RST, left + 1000000000u, 0),
	    EV_rst_injected);
	ck_assert(v->window_evidence);
	ck_assert_uint_eq(v->seq, left + 1000000000u);
	ck_assert_uint_eq(v->expected_seq, left);
	/* Both SYNs had window scale 7. */
	ck_assert_uint_eq(v->window, 502u << 7);
	/* The real connection then closes: graceful, whatever came before. */
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_graceful);
	ck_assert_uint_eq(t.f.half[DIR_RESP].retransmits, 0);
}
END_TEST

START_TEST(test_seq_anomaly)
{
	struct tc t;
	const struct tcp_verdict *v;

	tc_established(&t, 5);
	/* A jump ahead may be a gap in the capture: not judged yet. */
	assert_none(tx_at(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH,
	    t.seq[DIR_RESP] + 2000000000u, 100));
	/* The server goes on where it was: the jump was not its own. */
	v = assert_one(tx(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH, 100),
	    EV_seq_anomaly);
	ck_assert_uint_eq(v->count, 1);
	/* The mark went back; the segment that proved it is new data. */
	ck_assert_uint_eq(t.f.half[DIR_RESP].snd_max, t.seq[DIR_RESP]);
	ck_assert_uint_eq(t.f.half[DIR_RESP].retransmits, 0);
	/* Data wholly a window behind what was acknowledged: at once. */
	v = assert_one(tx_at(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH,
	    t.seq[DIR_RESP] - 2000000000u, 100), EV_seq_anomaly);
	ck_assert_uint_eq(v->count, 2);
	/* A new ISN in a live connection is not this connection's either. */
	assert_one(tx_at(&t, DIR_ORIG, 1000, TH_SYN, ISN_C + 5, 0),
	    EV_seq_anomaly);
}
END_TEST

/* Re-sends that end at the mark are never reordering (Wireshark's rule). */
START_TEST(test_resend_ending_at_mark_not_out_of_order)
{
	struct tc t;
	uint32_t a;

	tc_established(&t, 5);
	a = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	/* The same segment 50 us later, within the 2 ms handshake RTT. */
	assert_none(tx_at(&t, DIR_ORIG, 50, TH_ACK, a, 100));
	ck_assert_uint_eq(t.f.out_of_order, 0);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 1);
	/* A FIN sent again right after the first. */
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx_at(&t, DIR_ORIG, 100, TH_ACK | TH_FIN, a + 100, 0));
	ck_assert_uint_eq(t.f.out_of_order, 0);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 2);
}
END_TEST

/* After a lost SYN, the handshake RTT is timed from the SYN answered. */
START_TEST(test_irtt_from_last_syn)
{
	struct tc t;
	uint32_t a;

	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_SYN, 0));
	assert_none(tx_at(&t, DIR_ORIG, 1000000, TH_SYN, ISN_C, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_SYN | TH_ACK, 0));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	ck_assert_uint_eq(t.f.irtt_us, 2000);
	/* So a re-send 200 ms after the original is a retransmission. */
	a = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	assert_none(tx(&t, DIR_ORIG, 10, TH_ACK, 100));
	assert_none(tx_at(&t, DIR_ORIG, 200000, TH_ACK, a, 100));
	ck_assert_uint_eq(t.f.out_of_order, 0);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 1);
}
END_TEST

/*
 * A capture gap wider than a window (a ring that overflowed, a capture of
 * SYN/FIN/RST only): the sender goes on from where the gap left it, so the
 * flow follows, and ends with its FINs, with no seq_anomaly.
 */
START_TEST(test_capture_gap_wider_than_window)
{
	struct tc t;

	tc_established(&t, 5);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	/* 5 MB never captured, both ways. */
	t.seq[DIR_ORIG] += 5000000;
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 1448));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 1448));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_uint_eq(t.f.seq_anomalies, 0);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 0);
	ck_assert(t.f.state & FS_GAP);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_SF);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_graceful);
}
END_TEST

/* Filtered to SYN/FIN/RST: the FINs jump both marks, and agree. */
START_TEST(test_capture_of_syn_fin_only)
{
	struct tc t;

	tc_established(&t, 5);
	t.seq[DIR_ORIG] += 300000;
	t.seq[DIR_RESP] += 9000000;
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	ck_assert_uint_eq(t.f.seq_anomalies, 0);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_SF);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_graceful);
}
END_TEST

/* No SYN captured: Zeek's rules for the endpoints seen. */
START_TEST(test_conn_state_without_syn)
{
	struct tc t;

	/* Both sides send data, then both FIN: SF (Zeek's missing-syn). */
	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_ACK, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 300));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_SH);
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_SF);

	/* Only the responder closes: SHR. */
	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_ACK, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 300));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_SHR);

	/* SYN-ACK seen, SYN not: both established, the originator closes. */
	tc_init(&t, 3, 3, 5);
	t.seq[DIR_ORIG]++;
	assert_none(tx(&t, DIR_RESP, 0, TH_SYN | TH_ACK, 0));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_S1);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_S2);

	/* Data both ways, then the responder's RST: RSTRH (orig partial). */
	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_ACK, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 300));
	tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_RSTRH);

	/* Nothing but data: OTH, as before. */
	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_ACK, 100));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_OTH);
}
END_TEST

/* A pure ACK beyond the mark: data was sent that the capture missed. */
START_TEST(test_pure_ack_moves_mark)
{
	struct tc t;
	uint32_t a;

	tc_established(&t, 5);
	a = t.seq[DIR_ORIG];
	/* 100 bytes at a, not captured; then the client's pure ACK. */
	t.seq[DIR_ORIG] += 100;
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].snd_max, a + 100);
	/* The re-send of the missed data is a retransmission. */
	assert_none(tx_at(&t, DIR_ORIG, 300000, TH_ACK | TH_PUSH, a, 100));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 1);
}
END_TEST

/* Two segments re-sent in turn: the first one's count goes on. */
START_TEST(test_alternating_resends)
{
	struct tc t;
	const struct tcp_verdict *v;
	uint32_t a;

	tc_established(&t, 5);
	a = t.seq[DIR_RESP];
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 1448));
	assert_none(tx(&t, DIR_RESP, 10, TH_ACK, 1448));
	for (int i = 1; i < 5; i++) {
		assert_none(tx_at(&t, DIR_RESP, 300000, TH_ACK, a, 1448));
		assert_none(tx_at(&t, DIR_RESP, 10, TH_ACK, a + 1448, 1448));
		ck_assert_uint_eq(t.f.half[DIR_RESP].rtx_count, i);
	}
	v = assert_one(tx_at(&t, DIR_RESP, 300000, TH_ACK, a, 1448),
	    EV_data_retransmit);
	ck_assert_uint_eq(v->count, 5);
	ck_assert_uint_eq(v->seq, a);
	ck_assert_uint_eq(t.f.half[DIR_RESP].retransmits, 9);
}
END_TEST

/*
 * Linux gives up its SYN-ACK retries, drops the request, and answers the
 * client's late SYN retry with a new ISN: a new handshake, not tampering.
 */
START_TEST(test_new_isn_synack_before_handshake)
{
	struct tc t;

	tc_init(&t, 9, 9, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_SYN, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_SYN | TH_ACK, 0));
	assert_none(tx_at(&t, DIR_RESP, 1000000, TH_SYN | TH_ACK, ISN_S, 0));
	assert_none(tx_at(&t, DIR_ORIG, 2000000, TH_SYN, ISN_C, 0));
	t.seq[DIR_RESP] = ISN_S + 77777777u;
	assert_none(tx(&t, DIR_RESP, 1000, TH_SYN | TH_ACK, 0));
	ck_assert_uint_eq(t.f.half[DIR_RESP].isn, ISN_S + 77777777u);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 200));
	ck_assert(t.f.state & FS_ESTAB);
	ck_assert_uint_eq(t.f.seq_anomalies, 0);
	/* Once established, another ISN is not this connection's. */
	assert_one(tx_at(&t, DIR_RESP, 1000, TH_SYN | TH_ACK, ISN_S + 5, 0),
	    EV_seq_anomaly);
}
END_TEST

/*
 * A RST answering a SYN without acknowledging it exactly is dropped by the
 * originator (RFC 9293 3.10.7.3): not a refusal.  Zeek's rst-inject-rae:
 * ack = the SYN's own sequence number; the real SYN-ACK follows.
 */
START_TEST(test_rst_not_acking_syn_injected)
{
	struct tc t;
	const struct tcp_verdict *v;
	struct pkt p;

	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_ORIG, 0, TH_SYN, 0));
	p = mkpkt(&t, DIR_RESP, TH_RST | TH_ACK, 0, 0);
	p.ack = ISN_C;
	p.ttl = 46;
	v = assert_one(feed(&t, 230000, &p, DIR_RESP), EV_rst_injected);
	ck_assert(v->window_evidence);
	ck_assert_uint_eq(v->seq, ISN_C);
	ck_assert_uint_eq(v->expected_seq, ISN_C + 1);
	ck_assert_uint_ne(t.res.cls, FLOW_CLOSED);
	/* The real SYN-ACK a second later, and the connection goes on. */
	assert_none(tx(&t, DIR_RESP, 1000000, TH_SYN | TH_ACK, 0));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 25));
	ck_assert(t.f.state & FS_ESTAB);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
	    CLOSE_rst_injected);
}
END_TEST

/*
 * A RST that looks like a refusal (right ack, right TTL as far as anyone
 * knows), then the same peer's SYN-ACK: the RST was not its.  The verdict
 * comes late and replaces syn_refused in the record.
 */
START_TEST(test_refusal_then_synack_is_injected)
{
	struct tc t;
	const struct tcp_verdict *v;
	struct pkt p;

	for (int retry = 0; retry < 2; retry++) {
		tc_init(&t, 3, 3, 5);
		assert_none(tx(&t, DIR_ORIG, 0, TH_SYN, 0));
		p = mkpkt(&t, DIR_RESP, TH_RST | TH_ACK, 0, 0);
		p.ttl = 60;
		assert_one(feed(&t, 200, &p, DIR_RESP), EV_syn_refused);
		ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
		/* Variant: the client retries its SYN before the answer. */
		if (retry)
			assert_none(tx_at(&t, DIR_ORIG, 1000000, TH_SYN, ISN_C,
			    0));
		t.ttl[DIR_RESP] = 52;
		v = assert_one(tx(&t, DIR_RESP, 1000, TH_SYN | TH_ACK, 0),
		    EV_rst_injected);
		ck_assert_int_eq(v->by, SIDE_DST);
		ck_assert_uint_eq(v->ttl, 60);
		ck_assert_uint_eq(v->expected_ttl, 52);
		ck_assert_uint_eq(t.res.cls, FLOW_EMBRYONIC);
		if (retry == 0) {
			/* A client that believed the forgery resets the
			 * SYN-ACK: counted, the record keeps rst_injected. */
			assert_none(tx_at(&t, DIR_ORIG, 100, TH_RST,
			    t.seq[DIR_ORIG], 0));
			ck_assert_int_eq(tcp_close_reason(&t.f,
			    FLOW_END_FINISH), CLOSE_rst_injected);
			continue;
		}
		assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
		ck_assert_uint_eq(t.res.cls, FLOW_ESTABLISHED);
		ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
		    CLOSE_rst_injected);
	}
}
END_TEST

/* An injected RST races the server's real data: the data proves it. */
START_TEST(test_data_after_rst_is_injected)
{
	struct tc t;
	const struct tcp_verdict *v;

	tc_established(&t, 5);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 50));
	assert_one(tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0), EV_app_reset);
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	/* The client's own late ACK proves nothing. */
	assert_none(tx(&t, DIR_ORIG, 10, TH_ACK, 0));
	v = assert_one(tx(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH, 200),
	    EV_rst_injected);
	ck_assert_int_eq(v->by, SIDE_DST);
	ck_assert_uint_eq(t.res.cls, FLOW_ESTABLISHED);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
	    CLOSE_rst_injected);
	/* As after any injected RST, FINs both ways still close it well. */
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_graceful);
}
END_TEST

START_TEST(test_keepalive_not_retransmission)
{
	struct tc t;

	tc_established(&t, 1);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	for (int i = 0; i < 3; i++) {
		assert_none(tx_at(&t, DIR_ORIG, 10000000, TH_ACK,
		    t.seq[DIR_ORIG] - 1, i == 2));
		assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	}
	ck_assert_uint_eq(t.f.keepalives, 3);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 0);
}
END_TEST

START_TEST(test_zero_window_probe_not_retransmission)
{
	struct tc t;

	tc_established(&t, 1);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 1000));
	t.win[DIR_RESP] = 0;
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	for (int i = 0; i < 5; i++) {
		assert_none(tx_at(&t, DIR_ORIG, 200000u << i, TH_ACK,
		    t.seq[DIR_ORIG], 1));
		assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	}
	ck_assert_uint_eq(t.f.window_probes, 5);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 0);
}
END_TEST

START_TEST(test_out_of_order)
{
	struct tc t;
	uint32_t a;

	tc_established(&t, 1);
	a = t.seq[DIR_ORIG];
	assert_none(tx_at(&t, DIR_ORIG, 1000, TH_ACK, a, 100));
	assert_none(tx_at(&t, DIR_ORIG, 10, TH_ACK, a + 200, 100));
	/* B, 50 us later: within the handshake RTT (2 ms here). */
	assert_none(tx_at(&t, DIR_ORIG, 50, TH_ACK, a + 100, 100));
	ck_assert_uint_eq(t.f.out_of_order, 1);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 0);
	ck_assert_uint_eq(t.f.irtt_us, 2000);
}
END_TEST

START_TEST(test_spurious_and_fast_retransmission)
{
	struct tc t;
	uint32_t a;

	tc_established(&t, 5);
	a = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	/* Already acknowledged: spurious, counted but not tracked. */
	assert_none(tx_at(&t, DIR_ORIG, 500000, TH_ACK, a, 100));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 1);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].rtx_count, 0);

	/* The next segment lost, one more sent, three duplicate ACKs. */
	a = t.seq[DIR_ORIG];
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 100));
	assert_none(tx(&t, DIR_ORIG, 10, TH_ACK, 100));
	for (int i = 0; i < 3; i++) {
		struct pkt dup = mkpkt(&t, DIR_RESP, TH_ACK, t.seq[DIR_RESP], 0);

		dup.ack = a;
		assert_none(feed(&t, 10, &dup, DIR_RESP));
	}
	ck_assert_uint_eq(t.f.half[DIR_RESP].dupacks, 3);
	/* Within the reordering window, yet fast: it follows dup ACKs. */
	assert_none(tx_at(&t, DIR_ORIG, 10, TH_ACK, a, 100));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 2);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].rtx_count, 1);
	ck_assert_uint_eq(t.f.out_of_order, 0);
}
END_TEST

/* Copies: a packet with nothing new is not news; new data or ACK is. */
START_TEST(test_news_for_duplicates)
{
	struct tc t;
	struct pkt p;

	tc_established(&t, 5);
	p = mkpkt(&t, DIR_ORIG, TH_ACK, t.seq[DIR_ORIG], 100);
	ck_assert(tcp_news(&t.f, DIR_ORIG, &p));
	t.seq[DIR_ORIG] += 100;
	feed(&t, 1000, &p, DIR_ORIG);
	ck_assert(!tcp_news(&t.f, DIR_ORIG, &p));
	p = mkpkt(&t, DIR_RESP, TH_ACK, t.seq[DIR_RESP], 0);
	ck_assert(tcp_news(&t.f, DIR_RESP, &p));
	feed(&t, 1000, &p, DIR_RESP);
	ck_assert(!tcp_news(&t.f, DIR_RESP, &p));
}
END_TEST

START_TEST(test_new_isn_after_reset)
{
	struct tc t;
	struct pkt syn;

	tc_init(&t, 3, 3, 5);
	syn = mkpkt(&t, DIR_ORIG, TH_SYN, ISN_C, 0);
	/* The first SYN of a flow starts nothing new. */
	ck_assert(!tcp_starts_new_connection(&t.f, DIR_ORIG, &syn));
	t.seq[DIR_ORIG]++;
	feed(&t, 0, &syn, DIR_ORIG);
	/* Its retransmission neither. */
	ck_assert(!tcp_starts_new_connection(&t.f, DIR_ORIG, &syn));
	t.seq[DIR_RESP] = 0;
	assert_one(tx(&t, DIR_RESP, 200, TH_RST | TH_ACK, 0), EV_syn_refused);
	syn = mkpkt(&t, DIR_ORIG, TH_SYN, ISN_C + 1000000, 0);
	ck_assert(tcp_starts_new_connection(&t.f, DIR_ORIG, &syn));
	/* The same ISN again is a retransmission, reset or not. */
	syn = mkpkt(&t, DIR_ORIG, TH_SYN, ISN_C, 0);
	ck_assert(!tcp_starts_new_connection(&t.f, DIR_ORIG, &syn));
}
END_TEST

START_TEST(test_new_isn_in_live_connection)
{
	struct tc t;
	struct pkt syn;

	tc_established(&t, 5);
	syn = mkpkt(&t, DIR_ORIG, TH_SYN, ISN_C + 1000000, 0);
	ck_assert(!tcp_starts_new_connection(&t.f, DIR_ORIG, &syn));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	ck_assert(tcp_starts_new_connection(&t.f, DIR_ORIG, &syn));
}
END_TEST

START_TEST(test_fin_close_graceful)
{
	struct tc t;

	tc_established(&t, 5);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_PUSH, 100));
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_PUSH, 3000));
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_uint_eq(t.res.cls, FLOW_ESTABLISHED);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_S2);
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK | TH_FIN, 0));
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	assert_none(tx(&t, DIR_ORIG, 1000, TH_ACK, 0));
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_SF);
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
	    CLOSE_graceful);
	/* A RST after both FINs is counted, not judged. */
	assert_none(tx(&t, DIR_ORIG, 1000, TH_RST, 0));
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_FINISH),
	    CLOSE_graceful);
	ck_assert_uint_eq(t.f.half[DIR_ORIG].retransmits, 0);
	ck_assert_uint_eq(t.f.half[DIR_RESP].retransmits, 0);
}
END_TEST

/* A RST that answers nothing (the flow's first packet) is only counted. */
START_TEST(test_lone_rst_counted)
{
	struct tc t;

	tc_init(&t, 3, 3, 5);
	assert_none(tx(&t, DIR_RESP, 0, TH_RST | TH_ACK, 0));
	ck_assert_uint_eq(t.f.half[DIR_RESP].rst, 1);
	ck_assert(!(t.f.state & FS_CLOSE_SET));
	ck_assert_int_eq(tcp_close_reason(&t.f, FLOW_END_EXPIRED),
	    CLOSE_timeout);
}
END_TEST

/*
 * Picked up mid-stream (capture start, or after an eviction) with one end
 * heard, a RST cannot say whether anything was outstanding: counted.
 * Once both ends were heard it is judged; retransmissions seen are loss.
 */
START_TEST(test_mid_stream_rst)
{
	struct tc t;

	tc_init(&t, 3, 3, 5);
	t.port[DIR_ORIG] = 51000;
	t.port[DIR_RESP] = 443;
	t.f.cls = FLOW_PICKUP;		/* as analyzer.c files a pickup */
	assert_none(tx(&t, DIR_ORIG, 0, TH_ACK | TH_PUSH, 100));
	ck_assert(t.f.state & FS_MIDSTREAM);
	ck_assert_uint_eq(t.res.cls, FLOW_PICKUP);
	assert_none(tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0));
	ck_assert(!(t.f.state & (FS_CLOSE_SET | FS_RST_END)));
	ck_assert_uint_eq(t.f.half[DIR_RESP].rst, 1);
	/* Counted, not judged, but over: the closed timeout applies. */
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	/* The other end now heard: established, and the next RST judged. */
	assert_none(tx(&t, DIR_RESP, 1000, TH_ACK, 0));
	ck_assert_uint_eq(t.res.cls, FLOW_ESTABLISHED);
	assert_one(tx(&t, DIR_RESP, 1000, TH_RST | TH_ACK, 0), EV_app_reset);
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);

	tc_init(&t, 3, 3, 5);
	t.port[DIR_ORIG] = 51000;
	t.port[DIR_RESP] = 443;
	assert_none(tx(&t, DIR_ORIG, 0, TH_ACK | TH_PUSH, 100));
	assert_none(tx_at(&t, DIR_ORIG, 300000, TH_ACK | TH_PUSH,
	    t.seq[DIR_ORIG] - 100, 100));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].rtx_count, 1);
	assert_one(tx(&t, DIR_ORIG, 300000, TH_RST | TH_ACK, 0), EV_loss_reset);
}
END_TEST

/*
 * A flow made only of RSTs (a host resetting a dead peer's packets once a
 * minute, Zeek's llc.pcap) is over after each one: the closed timeout
 * ends it, so that the next RST is another flow, not one day-long flow
 * whose RST counter saturates.
 */
START_TEST(test_rst_only_flow_closes)
{
	struct tc t;

	tc_init(&t, 3, 3, 5);
	t.f.cls = FLOW_PICKUP;		/* as analyzer.c files a pickup */
	assert_none(tx(&t, DIR_ORIG, 0, TH_RST, 0));
	ck_assert_uint_eq(t.f.half[DIR_ORIG].rst, 1);
	ck_assert(!(t.f.state & FS_CLOSE_SET));
	ck_assert_uint_eq(t.res.cls, FLOW_CLOSED);
	ck_assert_int_eq(tcp_conn_state(&t.f), CS_OTH);
}
END_TEST

START_TEST(test_originator_guess)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.tcp_flags = TH_SYN;
	ck_assert_int_eq(tcp_originator_is_receiver(&p), 0);
	p.tcp_flags = TH_SYN | TH_ACK;
	ck_assert_int_eq(tcp_originator_is_receiver(&p), 1);
	p.tcp_flags = TH_ACK;
	p.sport = 443;
	p.dport = 51000;
	ck_assert_int_eq(tcp_originator_is_receiver(&p), 1);
	p.sport = 51000;
	p.dport = 443;
	ck_assert_int_eq(tcp_originator_is_receiver(&p), 0);
	p.sport = 8080;
	p.dport = 51000;
	ck_assert_int_eq(tcp_originator_is_receiver(&p), 1);
}
END_TEST

static Suite *
tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("verdicts");

	tcase_add_test(tc, test_syn_retransmit_at_threshold);
	tcase_add_test(tc, test_rst_only_flow_closes);
	tcase_add_test(tc, test_syn_retransmit_not_after_synack);
	tcase_add_test(tc, test_synack_retransmit);
	tcase_add_test(tc, test_syn_refused);
	tcase_add_test(tc, test_data_retransmit);
	tcase_add_test(tc, test_retransmit_cut_differently);
	tcase_add_test(tc, test_loss_reset);
	tcase_add_test(tc, test_recovered_loss_then_app_reset);
	tcase_add_test(tc, test_app_reset);
	tcase_add_test(tc, test_rst_injected_ttl);
	tcase_add_test(tc, test_rst_injected_window);
	tcase_add_test(tc, test_seq_anomaly);
	tcase_add_test(tc, test_keepalive_not_retransmission);
	tcase_add_test(tc, test_zero_window_probe_not_retransmission);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_spurious_and_fast_retransmission);
	tcase_add_test(tc, test_news_for_duplicates);
	tcase_add_test(tc, test_new_isn_after_reset);
	tcase_add_test(tc, test_new_isn_in_live_connection);
	tcase_add_test(tc, test_fin_close_graceful);
	tcase_add_test(tc, test_lone_rst_counted);
	tcase_add_test(tc, test_mid_stream_rst);
	tcase_add_test(tc, test_originator_guess);
	tcase_add_test(tc, test_resend_ending_at_mark_not_out_of_order);
	tcase_add_test(tc, test_irtt_from_last_syn);
	tcase_add_test(tc, test_capture_gap_wider_than_window);
	tcase_add_test(tc, test_capture_of_syn_fin_only);
	tcase_add_test(tc, test_conn_state_without_syn);
	tcase_add_test(tc, test_pure_ack_moves_mark);
	tcase_add_test(tc, test_alternating_resends);
	tcase_add_test(tc, test_new_isn_synack_before_handshake);
	tcase_add_test(tc, test_rst_not_acking_syn_injected);
	tcase_add_test(tc, test_refusal_then_synack_is_injected);
	tcase_add_test(tc, test_data_after_rst_is_injected);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(tcp_suite());
}
