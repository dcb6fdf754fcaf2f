/*
 * Two vantage points (lib/path.c): one TCP connection, client at point A,
 * server at point B, a router between them (TTL - 1, 1 ms each way), B's
 * clock OFFSET ahead of A's.  Each test changes what one point sees and
 * checks what the comparison says.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

#define MS		1000ULL
#define T0		1700000000000000ULL
#define OWD		(1 * MS)
#define MAXP		64
#define MAXEV		16

struct lp {			/* one packet as its sender sent it */
	uint64_t	t;	/* on A's clock */
	int		dir;	/* 0 client to server, 1 back */
	uint8_t		flags;
	uint32_t	seq, ack, len;
	uint16_t	mss;
	uint8_t		tos;
	uint32_t	hash;
};

struct seen {
	struct pkt	k[MAXP];
	struct path_frame fr[MAXP];
	int		n;
};

struct result {
	struct event	ev[MAXEV];
	char		before[MAXEV][64], after[MAXEV][64];
	int		nev;
	struct path_record rec[4];
	int		nrec;
	struct path_stats st;	/* a copy: the path is freed */
	int64_t		offset;
};

static int64_t offset_us;

static struct addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x;
	uint8_t v[4] = { a, b, c, d };

	addr_from_v4(&x, v);
	return x;
}

static const struct lp conn[] = {
	{ 0 * MS, 0, TH_SYN, 1000, 0, 0, 1460, 0, 0 },
	{ 10 * MS, 1, TH_SYN | TH_ACK, 5000, 1001, 0, 1460, 0, 0 },
	{ 20 * MS, 0, TH_ACK, 1001, 5001, 0, 0, 0, 0 },
	{ 30 * MS, 0, TH_ACK | TH_PUSH, 1001, 5001, 100, 0, 0, 0x1111 },
	{ 40 * MS, 1, TH_ACK | TH_PUSH, 5001, 1101, 200, 0, 0, 0x2222 },
	{ 50 * MS, 0, TH_ACK, 1101, 5201, 0, 0, 0, 0 },
	{ 60 * MS, 0, TH_ACK | TH_FIN, 1101, 5201, 0, 0, 0, 0 },
	{ 70 * MS, 1, TH_ACK | TH_FIN, 5201, 1102, 0, 0, 0, 0 },
	{ 80 * MS, 0, TH_ACK, 1102, 5202, 0, 0, 0, 0 },
};

/* The packet lp as point pt sees it. */
static void
at_point(const struct lp *l, int pt, uint16_t ipid, struct pkt *k,
    struct path_frame *fr)
{
	bool sender = (l->dir == 0) == (pt == PATH_A);
	uint64_t t = l->t + (sender ? 0 : OWD);

	memset(k, 0, sizeof(*k));
	memset(fr, 0, sizeof(*fr));
	k->ts_us = T0 + t + (pt == PATH_B ? (uint64_t)offset_us : 0);
	k->proto = PKT_PROTO_TCP;
	k->src = l->dir == 0 ? v4(10, 0, 0, 1) : v4(10, 0, 1, 2);
	k->dst = l->dir == 0 ? v4(10, 0, 1, 2) : v4(10, 0, 0, 1);
	k->sport = l->dir == 0 ? 40000 : 80;
	k->dport = l->dir == 0 ? 80 : 40000;
	k->ttl = sender ? 64 : 63;
	k->ip_id = ipid;
	k->seq = l->seq;
	k->ack = l->ack;
	k->tcp_flags = l->flags;
	k->payload_len = l->len;
	k->mss = l->mss;
	k->wscale = (l->flags & TH_SYN) ? 7 : TCP_NO_WSCALE;
	k->sack_permitted = (l->flags & TH_SYN) != 0;
	k->has_timestamp = true;
	fr->has_tos = true;
	fr->tos = l->tos;
	if (l->len > 0) {
		fr->hash = l->hash;
		fr->hash_len = 16;
	}
}

typedef void	mod_fn(int pt, int i, struct pkt *, struct path_frame *,
		    bool *drop);

static void
build(const struct lp *ls, int n, mod_fn *mod, struct seen *s)
{
	uint16_t ipid[2] = { 100, 700 };

	for (int pt = 0; pt < 2; pt++) {
		s[pt].n = 0;
		for (int i = 0; i < n; i++) {
			struct pkt *k = &s[pt].k[s[pt].n];
			struct path_frame *fr = &s[pt].fr[s[pt].n];
			bool drop = false;

			at_point(&ls[i], pt, ipid[ls[i].dir], k, fr);
			if (pt == PATH_B)
				ipid[ls[i].dir]++;
			if (mod != NULL)
				mod(pt, i, k, fr, &drop);
			if (!drop)
				s[pt].n++;
		}
	}
}

static void
on_event(void *ctx, const struct event *ev)
{
	struct result *r = ctx;

	ck_assert_int_lt(r->nev, MAXEV);
	r->ev[r->nev] = *ev;
	if (ev->before != NULL) {
		strncpy(r->before[r->nev], ev->before, 63);
		strncpy(r->after[r->nev], ev->after, 63);
	}
	r->nev++;
}

static void
on_record(void *ctx, const struct path_record *rec)
{
	struct result *r = ctx;

	ck_assert_int_lt(r->nrec, 4);
	r->rec[r->nrec++] = *rec;
}

/* Merged by time on A's clock, as daemon/pathmode.c merges the files. */
static struct path *
run(struct seen *s, struct result *r)
{
	struct path_sink sink = { on_event, on_record, r };
	struct path *p = path_new(NULL, &sink);
	int i[2] = { 0, 0 };

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(p);
	/* Sorted per point first: the modifiers may have moved times. */
	for (int pt = 0; pt < 2; pt++)
		for (int a = 1; a < s[pt].n; a++)
			for (int b = a; b > 0 &&
			    s[pt].k[b].ts_us < s[pt].k[b - 1].ts_us; b--) {
				struct pkt tk = s[pt].k[b];
				struct path_frame tf = s[pt].fr[b];

				s[pt].k[b] = s[pt].k[b - 1];
				s[pt].fr[b] = s[pt].fr[b - 1];
				s[pt].k[b - 1] = tk;
				s[pt].fr[b - 1] = tf;
			}
	while (i[0] < s[0].n || i[1] < s[1].n) {
		bool a = i[0] < s[0].n, b = i[1] < s[1].n;
		int pt = path_next_point(p, a, a ? s[0].k[i[0]].ts_us : 0, b,
		    b ? s[1].k[i[1]].ts_us : 0);

		path_packet(p, pt, &s[pt].k[i[pt]], &s[pt].fr[i[pt]]);
		i[pt]++;
	}
	path_finish(p);
	r->st = *path_stats(p);
	r->offset = path_offset_us(p);
	return p;
}

static void
plain(struct result *r, mod_fn *mod)
{
	struct seen s[2];

	build(conn, (int)(sizeof(conn) / sizeof(conn[0])), mod, s);
	path_free(run(s, r));
}

/* The plain connection through mod: one path_altered event, what changed. */
static void
altered(struct result *r, mod_fn *mod, const char *what, const char *before,
    const char *after)
{
	plain(r, mod);
	ck_assert_int_eq(r->nev, 1);
	ck_assert_int_eq(r->ev[0].kind, EV_path_altered);
	ck_assert_str_eq(r->ev[0].what, what);
	ck_assert_str_eq(r->before[0], before);
	ck_assert_str_eq(r->after[0], after);
}

/* The point's copy i of the packets is not there. */
static void
seen_remove(struct seen *s, int i)
{
	size_t after = (size_t)(s->n - i - 1);

	memmove(&s->k[i], &s->k[i + 1], after * sizeof(s->k[0]));
	memmove(&s->fr[i], &s->fr[i + 1], after * sizeof(s->fr[0]));
	s->n--;
}

START_TEST(identical_no_events)
{
	struct result r;
	struct seen s[2];
	struct path *p;

	offset_us = (int64_t)_i * 3500 * (int64_t)MS;
	build(conn, 9, NULL, s);
	p = run(s, &r);
	ck_assert_int_eq(r.nev, 0);
	ck_assert_uint_eq(r.st.paired, 1);
	ck_assert_int_eq(r.nrec, 1);
	ck_assert_int_eq(r.offset, offset_us);
	ck_assert(r.rec[0].has_delay[0] && r.rec[0].has_delay[1]);
	ck_assert_int_eq(r.rec[0].delay_median_us[0], (int64_t)OWD);
	ck_assert_int_eq(r.rec[0].delay_median_us[1], (int64_t)OWD);
	ck_assert_uint_eq(r.rec[0].matched[0], 3);	/* SYN, data, FIN */
	ck_assert_uint_eq(r.rec[0].matched[1], 3);
	ck_assert_uint_eq(r.rec[0].lost[0] + r.rec[0].injected[1], 0);
	path_free(p);
	offset_us = 0;
}
END_TEST

/* The first SYN never reaches B; its retransmission a second later does. */
START_TEST(syn_missing_on_b_is_path_loss)
{
	struct lp ls[10];
	struct result r;
	struct seen s[2];

	ls[0] = conn[0];
	for (int i = 0; i < 9; i++) {
		ls[i + 1] = conn[i];
		ls[i + 1].t += 1000 * MS;
	}
	build(ls, 10, NULL, s);
	/* Drop B's copy of the first SYN. */
	seen_remove(&s[1], 0);
	path_free(run(s, &r));
	ck_assert_int_eq(r.nev, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_path_loss);
	ck_assert_str_eq(r.ev[0].what, "syn");
	ck_assert_int_eq(r.ev[0].by, SIDE_SRC);
	ck_assert_int_eq(r.ev[0].seen_at, PATH_A);
	ck_assert_uint_eq(r.ev[0].seq, 1000);
	ck_assert_uint_eq(r.rec[0].lost[0], 1);
}
END_TEST

START_TEST(rst_on_b_only_is_path_injected)
{
	struct lp ls[10];
	struct result r;
	struct seen s[2];

	memcpy(ls, conn, sizeof(conn));
	/* Claims to be the client's, made between the points. */
	ls[9] = (struct lp){ 55 * MS, 0, TH_RST | TH_ACK, 1101, 5201, 0, 0,
	    0, 0 };
	build(ls, 10, NULL, s);
	/* Not at A; at B with the injector's TTL and IP ID. */
	s[0].n = 9;
	s[1].k[9].ttl = 50;
	s[1].k[9].ip_id = 0;
	path_free(run(s, &r));
	ck_assert_int_eq(r.nev, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_path_injected);
	ck_assert_str_eq(r.ev[0].what, "rst");
	ck_assert_int_eq(r.ev[0].by, SIDE_SRC);
	ck_assert_int_eq(r.ev[0].seen_at, PATH_B);
	ck_assert_uint_eq(r.ev[0].ttl, 50);
	ck_assert_uint_eq(r.ev[0].expected_ttl, 63);
	ck_assert(r.ev[0].has_ip_id);
	ck_assert_uint_eq(r.ev[0].ip_id, 0);
	ck_assert_uint_eq(r.ev[0].expected_ip_id, 103);
	ck_assert_uint_eq(r.rec[0].injected[0], 1);
}
END_TEST

/* A firewall that randomises the client's ISN: +12345 on the way in. */
static void
mod_seq(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)i; (void)fr; (void)drop;
	if (pt != PATH_B)
		return;
	if (k->sport == 40000)
		k->seq += 12345;
	else if (k->tcp_flags & TH_ACK)
		k->ack += 12345;
}

START_TEST(seq_offset_is_path_altered_seq)
{
	struct result r;

	altered(&r, mod_seq, "seq", "1000", "13345");
	ck_assert_uint_eq(r.rec[0].matched[0], 3);
}
END_TEST

static void
mod_mss(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)i; (void)fr; (void)drop;
	/* Clamped on both SYNs, after A for the SYN and before A back. */
	if ((k->tcp_flags & TH_SYN) &&
	    (pt == PATH_B) == (k->sport == 40000))
		k->mss = 1400;
}

START_TEST(mss_clamped_is_path_altered_mss)
{
	struct result r;

	altered(&r, mod_mss, "mss", "1460", "1400");
}
END_TEST

static void
mod_dscp(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)i; (void)drop;
	if (k->sport == 40000)
		fr->tos = pt == PATH_A ? 0xb8 : 0x00;
}

START_TEST(dscp_rewritten_is_path_altered_dscp)
{
	struct result r;

	altered(&r, mod_dscp, "dscp", "46", "0");
}
END_TEST

/* Masquerade between the points: the client is 192.0.2.1:50000 at B. */
static void
mod_nat(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)i; (void)fr; (void)drop;
	if (pt != PATH_B)
		return;
	if (k->sport == 40000) {
		k->src = v4(192, 0, 2, 1);
		k->sport = 50000;
	} else {
		k->dst = v4(192, 0, 2, 1);
		k->dport = 50000;
	}
}

START_TEST(nat_recognised_and_reported_once)
{
	struct result r;

	altered(&r, mod_nat, "nat", "10.0.0.1:40000>10.0.1.2:80",
	    "192.0.2.1:50000>10.0.1.2:80");
	ck_assert_uint_eq(r.st.paired, 1);
	ck_assert_uint_eq(r.st.nat, 1);
	ck_assert(r.rec[0].nat);
	ck_assert_uint_eq(r.rec[0].b_sport, 50000);
	ck_assert_uint_eq(r.rec[0].matched[0], 3);
	ck_assert_uint_eq(r.rec[0].matched[1], 3);
}
END_TEST

/* B holds another connection altogether. */
static void
mod_other(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)i; (void)fr; (void)drop;
	if (pt != PATH_B)
		return;
	if (k->sport == 40000) {
		k->src = v4(172, 16, 0, 9);
		k->sport = 33333;
		k->dport = 443;
		k->seq += 777777;
	} else {
		k->dst = v4(172, 16, 0, 9);
		k->dport = 33333;
		k->sport = 443;
		k->seq += 999;
	}
	k->dst = k->sport == 33333 ? v4(172, 16, 1, 1) : k->dst;
	k->src = k->sport == 443 ? v4(172, 16, 1, 1) : k->src;
}

START_TEST(unrelated_files_have_no_flow_in_common)
{
	struct result r;

	plain(&r, mod_other);
	ck_assert_int_eq(r.nev, 0);
	ck_assert_uint_eq(r.st.paired, 0);
	ck_assert_uint_eq(r.st.unpaired[PATH_A], 1);
	ck_assert_uint_eq(r.st.unpaired[PATH_B], 1);
	ck_assert_int_eq(r.nrec, 0);
}
END_TEST

/* TSO at A: the client's 100 bytes leave as one segment, arrive as two. */
START_TEST(tso_byte_ranges_match)
{
	struct result r;
	struct seen s[2];
	struct pkt second;

	build(conn, 9, NULL, s);
	ck_assert_uint_eq(s[1].k[3].payload_len, 100);
	second = s[1].k[3];
	s[1].k[3].payload_len = 60;
	second.seq += 60;
	second.payload_len = 40;
	second.ts_us += 10;
	memmove(&s[1].k[5], &s[1].k[4], 5 * sizeof(s[1].k[0]));
	memmove(&s[1].fr[5], &s[1].fr[4], 5 * sizeof(s[1].fr[0]));
	s[1].k[4] = second;
	s[1].fr[4].hash_len = 16;
	s[1].fr[4].hash = 0x9999;
	s[1].n = 10;
	path_free(run(s, &r));
	ck_assert_int_eq(r.nev, 0);
	ck_assert_uint_eq(r.rec[0].lost[0] + r.rec[0].injected[0], 0);
}
END_TEST

static void
mod_payload(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)k; (void)drop;
	if (pt == PATH_B && i == 4)
		fr->hash = 0xdead;
}

START_TEST(payload_changed_is_path_altered_payload)
{
	struct result r;

	altered(&r, mod_payload, "payload", "0000dead", "00002222");
	ck_assert_int_eq(r.ev[0].by, SIDE_DST);
}
END_TEST

/* The server's data never reaches A and is not sent again. */
static void
mod_lose_data(int pt, int i, struct pkt *k, struct path_frame *fr, bool *drop)
{
	(void)k; (void)fr;
	if (pt == PATH_A && i == 4)
		*drop = true;
}

START_TEST(data_lost_is_path_loss_with_range)
{
	struct result r;

	plain(&r, mod_lose_data);
	ck_assert_int_eq(r.nev, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_path_loss);
	ck_assert_str_eq(r.ev[0].what, "data");
	ck_assert_int_eq(r.ev[0].by, SIDE_DST);
	ck_assert_int_eq(r.ev[0].seen_at, PATH_B);
	ck_assert_uint_eq(r.ev[0].seq, 5001);
	ck_assert_uint_eq(r.ev[0].len, 200);
}
END_TEST

/*
 * The client's data is lost after A, sent again and delivered: the first
 * copy was lost in the path, though the bytes arrived in the end.
 */
START_TEST(data_resent_after_loss_is_path_loss)
{
	struct lp ls[10];
	struct result r;
	struct seen s[2];

	memcpy(ls, conn, sizeof(conn));
	ls[9] = conn[3];
	ls[9].t = 35 * MS;
	build(ls, 10, NULL, s);
	/* B's copy of the first send (index 3) is not there. */
	seen_remove(&s[1], 3);
	path_free(run(s, &r));
	ck_assert_int_eq(r.nev, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_path_loss);
	ck_assert_str_eq(r.ev[0].what, "data");
	ck_assert_int_eq(r.ev[0].by, SIDE_SRC);
	ck_assert_uint_eq(r.ev[0].seq, 1001);
	ck_assert_uint_eq(r.ev[0].len, 100);
	ck_assert_uint_eq(r.rec[0].lost[0], 1);
}
END_TEST

/* Sent twice, seen twice downstream: a spurious re-send, no event. */
START_TEST(data_resent_and_both_delivered_no_event)
{
	struct lp ls[10];
	struct result r;
	struct seen s[2];

	memcpy(ls, conn, sizeof(conn));
	ls[9] = conn[3];
	ls[9].t = 35 * MS;
	build(ls, 10, NULL, s);
	path_free(run(s, &r));
	ck_assert_int_eq(r.nev, 0);
}
END_TEST

/*
 * The merge takes the point whose packet comes first on A's clock, A on
 * a tie, and the only point with packets left when the other has none.
 */
START_TEST(next_point_merges_by_time)
{
	struct path *p = path_new(NULL, NULL);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(path_offset_us(p), 0);
	ck_assert_int_eq(path_next_point(p, true, T0, true, T0), PATH_A);
	ck_assert_int_eq(path_next_point(p, true, T0 + 1, true, T0), PATH_B);
	ck_assert_int_eq(path_next_point(p, true, T0, true, T0 + 1), PATH_A);
	ck_assert_int_eq(path_next_point(p, false, 0, true, T0), PATH_B);
	ck_assert_int_eq(path_next_point(p, true, T0 + 9, false, 0), PATH_A);
	path_free(p);
}
END_TEST

/* Garbage in any field never crashes and memory stays bounded. */
START_TEST(many_flows_bounded)
{
	struct path_params prm = { 0, 0, 64 };
	struct path *p = path_new(&prm, NULL);
	struct pkt k;

	memset(&k, 0, sizeof(k));
	k.proto = PKT_PROTO_TCP;
	for (uint32_t i = 0; i < 5000; i++) {
		k.ts_us = T0 + i;
		k.src = v4(10, (uint8_t)(i >> 8), (uint8_t)i, 1);
		k.dst = v4(10, 9, 9, 9);
		k.sport = (uint16_t)(1024 + i);
		k.dport = 80;
		k.seq = i * 7919;
		k.tcp_flags = (uint8_t)i;
		k.payload_len = i % 3 == 0 ? 0 : i;
		path_packet(p, (int)(i & 1), &k, NULL);
	}
	ck_assert_uint_gt(path_stats(p)->evicted, 0);
	path_finish(p);
	path_free(p);
}
END_TEST

START_TEST(record_json)
{
	struct path_record rec;
	char buf[1024];

	memset(&rec, 0, sizeof(rec));
	rec.ts_start_us = T0;
	rec.ts_end_us = T0 + 80 * MS;
	rec.src = v4(10, 0, 0, 1);
	rec.dst = v4(10, 0, 1, 2);
	rec.sport = 40000;
	rec.dport = 80;
	rec.has_delay[0] = true;
	rec.delay_median_us[0] = 1000;
	rec.delay_max_us[0] = -5;
	ck_assert_int_gt(path_record_format_json(&rec, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "{\"type\":\"path\",\"ts_start\":"
	    "1700000000.000000,\"ts_end\":1700000000.080000,\"proto\":\"tcp\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"delay_orig_median_us\":1000,"
	    "\"delay_orig_max_us\":-5,\"community_id\":\"1:"));
	ck_assert_int_eq(path_record_format_json(&rec, buf, 40), -1);
	ck_assert_uint_eq(strlen(buf), 39);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("path");
	TCase *t = tcase_create("path");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(t, identical_no_events, 0, 2);
	tcase_add_test(t, syn_missing_on_b_is_path_loss);
	tcase_add_test(t, next_point_merges_by_time);
	tcase_add_test(t, rst_on_b_only_is_path_injected);
	tcase_add_test(t, seq_offset_is_path_altered_seq);
	tcase_add_test(t, mss_clamped_is_path_altered_mss);
	tcase_add_test(t, dscp_rewritten_is_path_altered_dscp);
	tcase_add_test(t, nat_recognised_and_reported_once);
	tcase_add_test(t, unrelated_files_have_no_flow_in_common);
	tcase_add_test(t, tso_byte_ranges_match);
	tcase_add_test(t, payload_changed_is_path_altered_payload);
	tcase_add_test(t, data_lost_is_path_loss_with_range);
	tcase_add_test(t, data_resent_after_loss_is_path_loss);
	tcase_add_test(t, data_resent_and_both_delivered_no_event);
	tcase_add_test(t, many_flows_bounded);
	tcase_add_test(t, record_json);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
