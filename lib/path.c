/*
 * Two vantage points: the same TCP traffic captured at two points of its
 * path (A, the -r file; B, the -R file), compared to say what the path
 * did between them: lost packets (path_loss), packets that appeared in
 * it (path_injected), and fields it changed (path_altered).
 *
 * Design.
 *
 * - Input.  The caller reads both files incrementally with the -r reader
 *   and hands packets over one at a time in the order of their time on
 *   A's clock: B's timestamps minus the clock offset estimated so far
 *   (path_adjusted_us()).  Nothing is loaded whole.
 *
 * - Flows.  Each point has its own table keyed by the 5-tuple as that
 *   point saw it; one flow entry holds both points' views.  A packet of
 *   a tuple unknown at its point is paired with a flow of the other
 *   point that lacks this one: first by the same tuple; then, for a SYN,
 *   by the same ISN (NAT rewrote addresses or ports), then by a SYN of
 *   the other point within the window with the same source or
 *   destination port (NAT and ISN rewriting at once).  A pairing through
 *   different tuples is NAT, reported once per flow.
 *
 * - Packet identity.  Sequence numbers are taken relative to each
 *   point's own ISN of that direction, so that ISN rewriting does not
 *   break the match (it is reported instead).  Control packets (SYN,
 *   SYN-ACK, FIN, RST) match by kind and relative sequence number, with
 *   a count for retransmitted copies.  Data matches by byte range, not
 *   by packet: TSO on one side and several segments on the other cover
 *   the same bytes.  TTL, IP ID and checksums are never part of the
 *   identity (routers change them); the first 16 payload bytes are
 *   hashed and compared where two segments start at the same byte.
 *
 * - Window.  What one point saw and the other has not is held for the
 *   window (10 s of A's clock) and then judged: held at the upstream
 *   point of its direction it was lost (path_loss); held at the
 *   downstream point it was injected (path_injected), unless the
 *   upstream point had sent those bytes before (a late copy, counted).
 *   Upstream is the point where the matched packets of that direction
 *   have the higher TTL (routers between the points decrement it);
 *   with equal TTLs, A for the originator's direction and B for the
 *   responder's (-r is the sending side's file).
 *
 * - Clock.  B's clock minus A's is estimated per flow from the matched
 *   packets: with d1 the median of tsB - tsA for one direction and d2
 *   for the other, the offset is (d1 + d2) / 2 (the one-way delays are
 *   taken as equal, the halved round trip); the median over recent
 *   flows is used.  Until a flow gives it the offset is 0, so an offset
 *   larger than the window is not followed.
 *
 * - Memory.  Fixed: max_flows entries (calloc'd: pages are touched as
 *   flows use them), each with PATH_CTL control packets and PATH_RANGES
 *   byte ranges per point and direction; when those are full the oldest
 *   is judged at once (counted as overflow); when the table is full the
 *   flow idle longest is concluded (counted as evicted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "seq.h"

#define PATH_CTL	8	/* control packets held, per point and direction */
#define PATH_RANGES	8	/* byte ranges held, per point and direction */
#define PATH_SAMPLES	32	/* delays kept per direction for the median */
#define PATH_RECENT	256	/* unpaired SYNs looked at for NAT */
#define PATH_OFFSETS	64	/* per-flow offsets behind the median */
#define PATH_HOSTS	4096	/* host pairs of paired flows, per point */
#define PATH_NIL	(-1)
#define NO_NONE		UINT32_MAX	/* altered_num(): every value is one */

enum what { W_SYN, W_SYNACK, W_FIN, W_RST, W_DATA, W_N };
static const char *const what_names[W_N] = {
	"syn", "synack", "fin", "rst", "data"
};

#define CHANGES(X) X(nat) X(seq) X(mss) X(wscale) X(sack) X(timestamps) \
	X(dscp) X(ecn) X(payload)
#define CHANGE_ENUM(n)	CH_##n,
enum change { CHANGES(CHANGE_ENUM) CH_N };
#undef CHANGE_ENUM
#define CHANGE_NAME(n)	#n,
static const char *const change_names[CH_N] = { CHANGES(CHANGE_NAME) };
#undef CHANGE_NAME

/* What a held packet keeps for its judgement and its comparison. */
struct held {
	uint64_t	ts;		/* on A's clock */
	uint64_t	raw_ts;		/* at its own point */
	uint32_t	seq;		/* raw */
	uint16_t	ip_id;
	uint16_t	prev_ip_id;	/* the sender's packet before it */
	uint8_t		ttl;
	uint8_t		tos;
	bool		has_tos;
	bool		has_prev;
};

struct pctl {
	struct held	h;
	uint32_t	rel;
	uint16_t	count;
	uint8_t		what;
	/* SYN and SYN-ACK options. */
	bool		sack;
	bool		tstamp;
	uint8_t		wscale;
	uint16_t	mss;
};

struct prange {
	struct held	h;		/* of its first piece */
	uint32_t	s, e;		/* relative, [s, e) */
	uint32_t	last_s;		/* the last piece's first byte ... */
	uint64_t	last_raw_ts;	/* ... and when it was seen */
	uint32_t	hash;
	uint8_t		hash_len;
	uint16_t	copies;		/* sent again while held: re-sends */
};

struct pdir {
	struct pctl	c[PATH_CTL];
	struct prange	r[PATH_RANGES];
	uint8_t		nc, nr;
	bool		has_isn, has_hw, seen, has_ref;
	uint32_t	isn;
	uint32_t	hw;		/* highest relative byte + 1 seen */
	uint8_t		ttl_ref;	/* the last matched packet's */
	uint8_t		last_ttl;
	uint16_t	last_ip_id;
};

struct pside {
	bool		present;
	struct addr	src, dst;	/* originator first */
	uint16_t	sport, dport;
	int32_t		next;		/* hash chain of this point's table */
	uint64_t	pkts;
	struct pdir	d[2];
};

struct pflow {
	struct pside	p[2];
	bool		used, nat_pending, closed, offset_given;
	uint32_t	gen;
	int32_t		lru_prev, lru_next, free_next;
	uint64_t	first_ts, last_ts;	/* on A's clock, as merged */
	uint64_t	first_raw[2], last_raw[2];	/* per point, its clock */
	bool		up_ttl[2];		/* upstream decided by TTL */
	bool		up_known[2];
	uint8_t		up[2];
	uint32_t	reported;		/* bits: event kinds fired */
	uint32_t	matched[2], lost[2], injected[2], reordered[2];
	bool		has_last[2];
	uint64_t	last_a[2], last_b[2];
	int32_t		x[2][PATH_SAMPLES];	/* tsB - tsA, microseconds */
	uint8_t		nx[2], xi[2];
	int64_t		xmin[2], xmax[2];
};

struct recent {
	int32_t		idx;
	uint32_t	gen;
};

struct path {
	struct path_params prm;
	struct path_sink sink;
	struct path_stats st;
	struct pflow	*f;
	int32_t		*bucket[2];
	uint32_t	nbuckets;
	int32_t		free_head, lru_head, lru_tail;
	uint32_t	nused;
	uint64_t	now;
	bool		has_span[2];
	uint64_t	span_first[2], span_last[2];
	struct recent	recent[2][PATH_RECENT];
	uint32_t	recent_i[2];
	int64_t		offsets[PATH_OFFSETS];
	uint32_t	noffsets, offset_i;
	int64_t		offset;
	uint64_t	hosts[2][PATH_HOSTS];
	uint32_t	nhosts[2];
};

static uint32_t	tuple_hash(const struct addr *, const struct addr *, uint16_t,
		    uint16_t);
static uint64_t	hostpair(const struct addr *, const struct addr *);
static void	hosts_add(struct path *, int, uint64_t);
static bool	hosts_has(const struct path *, int, uint64_t);
static bool	side_is(const struct pside *, const struct pkt *);
static int32_t	lookup(struct path *, int, const struct pkt *);
static void	lru_unlink(struct path *, int32_t);
static void	lru_append(struct path *, int32_t);
static void	attach(struct path *, int32_t, int, const struct pkt *, bool);
static int32_t	flow_new(struct path *, int, const struct pkt *);
static int32_t	pair_syn(struct path *, int, const struct pkt *);
static void	held_from(struct held *, const struct pdir *, const struct pkt *,
		    const struct path_frame *, uint64_t);
static uint8_t	upstream(struct pflow *, int);
static void	event_init(const struct path *, const struct pflow *,
		    struct event *, enum event_kind, int, uint64_t);
static void	emit(struct path *, struct event *);
static void	altered(struct path *, struct pflow *, int, enum change,
		    const char *, const char *, uint64_t);
static void	altered_num(struct path *, struct pflow *, int, enum change,
		    uint32_t, uint32_t, uint32_t, uint64_t);
static void	compare_tos(struct path *, struct pflow *, int,
		    const struct held *, const struct held *);
static void	matched(struct path *, struct pflow *, int, int,
		    const struct held *, const struct held *);
static void	judge(struct path *, struct pflow *, int, int, enum what,
		    const struct held *, uint32_t, uint32_t, uint32_t);
static void	add_ctl(struct path *, struct pflow *, int, int, enum what,
		    uint32_t, const struct pkt *, const struct held *);
static void	add_range(struct path *, struct pflow *, int, int, uint32_t,
		    uint32_t, const struct held *, const struct path_frame *);
static void	keep_range(struct path *, struct pflow *, int, int, uint32_t,
		    uint32_t, const struct held *, const struct path_frame *);
static void	expire(struct path *, struct pflow *, uint64_t);
static void	conclude(struct path *, int32_t);
static int	cmp_i64(const void *, const void *);
static int64_t	median(const int64_t *, size_t);
static int64_t	flow_median(const struct pflow *, int);
static void	offset_update(struct path *, struct pflow *);

/* FNV-1a over the tuple, the same whichever way the packet went. */
static uint32_t
tuple_hash(const struct addr *a, const struct addr *b, uint16_t pa,
    uint16_t pb)
{
	const struct addr *lo = a, *hi = b;
	uint16_t plo = pa, phi = pb;
	uint32_t h = 2166136261u;
	int c = addr_cmp(a, b);

	if (c > 0 || (c == 0 && pa > pb)) {
		lo = b;
		hi = a;
		plo = pb;
		phi = pa;
	}
	for (int i = 0; i < 16; i++)
		h = (h ^ lo->b[i]) * 16777619u;
	for (int i = 0; i < 16; i++)
		h = (h ^ hi->b[i]) * 16777619u;
	h = (h ^ (plo >> 8)) * 16777619u;
	h = (h ^ (plo & 0xff)) * 16777619u;
	h = (h ^ (phi >> 8)) * 16777619u;
	h = (h ^ (phi & 0xff)) * 16777619u;
	return h;
}

static uint64_t
hostpair(const struct addr *a, const struct addr *b)
{
	uint64_t h = 1469598103934665603ULL;
	const struct addr *lo = a, *hi = b;

	if (addr_cmp(a, b) > 0) {
		lo = b;
		hi = a;
	}
	for (int i = 0; i < 16; i++)
		h = (h ^ lo->b[i]) * 1099511628211ULL;
	for (int i = 0; i < 16; i++)
		h = (h ^ hi->b[i]) * 1099511628211ULL;
	return h | 1;		/* 0 marks an empty slot */
}

/* Open addressing; when three quarters full, new pairs are not kept. */
static void
hosts_add(struct path *p, int pt, uint64_t h)
{
	uint32_t i = (uint32_t)h & (PATH_HOSTS - 1);

	while (p->hosts[pt][i] != 0) {
		if (p->hosts[pt][i] == h)
			return;
		i = (i + 1) & (PATH_HOSTS - 1);
	}
	if (p->nhosts[pt] >= PATH_HOSTS / 4 * 3)
		return;
	p->hosts[pt][i] = h;
	p->nhosts[pt]++;
}

static bool
hosts_has(const struct path *p, int pt, uint64_t h)
{
	uint32_t i = (uint32_t)h & (PATH_HOSTS - 1);

	while (p->hosts[pt][i] != 0) {
		if (p->hosts[pt][i] == h)
			return true;
		i = (i + 1) & (PATH_HOSTS - 1);
	}
	return false;
}

/* Whether the packet goes from the originator of s. */
static bool
side_is(const struct pside *s, const struct pkt *k)
{
	return k->sport == s->sport && k->dport == s->dport &&
	    memcmp(&k->src, &s->src, sizeof(k->src)) == 0 &&
	    memcmp(&k->dst, &s->dst, sizeof(k->dst)) == 0;
}

static int32_t
lookup(struct path *p, int pt, const struct pkt *k)
{
	uint32_t h = tuple_hash(&k->src, &k->dst, k->sport, k->dport);
	int32_t i;

	for (i = p->bucket[pt][h & (p->nbuckets - 1)]; i != PATH_NIL;
	    i = p->f[i].p[pt].next) {
		const struct pside *s = &p->f[i].p[pt];

		if (side_is(s, k) || (k->sport == s->dport &&
		    k->dport == s->sport &&
		    memcmp(&k->src, &s->dst, sizeof(k->src)) == 0 &&
		    memcmp(&k->dst, &s->src, sizeof(k->dst)) == 0))
			return i;
	}
	return PATH_NIL;
}

static void
lru_unlink(struct path *p, int32_t i)
{
	struct pflow *f = &p->f[i];

	if (f->lru_prev != PATH_NIL)
		p->f[f->lru_prev].lru_next = f->lru_next;
	else
		p->lru_head = f->lru_next;
	if (f->lru_next != PATH_NIL)
		p->f[f->lru_next].lru_prev = f->lru_prev;
	else
		p->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = PATH_NIL;
}

static void
lru_append(struct path *p, int32_t i)
{
	struct pflow *f = &p->f[i];

	f->lru_prev = p->lru_tail;
	f->lru_next = PATH_NIL;
	if (p->lru_tail != PATH_NIL)
		p->f[p->lru_tail].lru_next = i;
	else
		p->lru_head = i;
	p->lru_tail = i;
}

/*
 * Point pt's view of flow i, from its first packet k.  The originator is
 * the SYN's sender; without a SYN, a port below 1024 is the service's,
 * else the higher port is the client's (as the analyser guesses).
 */
static void
attach(struct path *p, int32_t i, int pt, const struct pkt *k, bool same_as)
{
	struct pflow *f = &p->f[i];
	struct pside *s = &f->p[pt];
	const struct pside *o = &f->p[!pt];
	bool fwd;
	uint32_t h;

	if ((k->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN)
		fwd = true;
	else if ((k->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		fwd = false;
	else if (same_as && o->present)
		fwd = side_is(o, k);
	else if (k->dport < 1024 && k->sport >= 1024)
		fwd = true;
	else if (k->sport < 1024 && k->dport >= 1024)
		fwd = false;
	else
		fwd = k->sport >= k->dport;
	s->present = true;
	s->src = fwd ? k->src : k->dst;
	s->dst = fwd ? k->dst : k->src;
	s->sport = fwd ? k->sport : k->dport;
	s->dport = fwd ? k->dport : k->sport;
	h = tuple_hash(&k->src, &k->dst, k->sport, k->dport);
	s->next = p->bucket[pt][h & (p->nbuckets - 1)];
	p->bucket[pt][h & (p->nbuckets - 1)] = i;
	p->st.flows[pt]++;
	if (o->present) {
		p->st.paired++;
		hosts_add(p, PATH_A, hostpair(&f->p[PATH_A].src,
		    &f->p[PATH_A].dst));
		hosts_add(p, PATH_B, hostpair(&f->p[PATH_B].src,
		    &f->p[PATH_B].dst));
		if (!same_as) {
			f->nat_pending = true;
			p->st.nat++;
		}
	}
}

static int32_t
flow_new(struct path *p, int pt, const struct pkt *k)
{
	struct pflow *f;
	uint32_t gen;
	int32_t i;

	if (p->free_head == PATH_NIL) {
		p->st.evicted++;
		conclude(p, p->lru_head);
	}
	i = p->free_head;
	f = &p->f[i];
	p->free_head = f->free_next;
	gen = f->gen;
	memset(f, 0, sizeof(*f));
	f->gen = gen;
	f->used = true;
	f->free_next = f->lru_prev = f->lru_next = PATH_NIL;
	f->p[0].next = f->p[1].next = PATH_NIL;
	f->first_ts = f->last_ts = p->now;
	lru_append(p, i);
	p->nused++;
	attach(p, i, pt, k, true);
	if ((k->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		struct recent *r = &p->recent[pt][p->recent_i[pt]++ %
		    PATH_RECENT];

		r->idx = i;
		r->gen = f->gen;
	}
	return i;
}

/*
 * A SYN whose tuple is new at its point: the other point's unpaired
 * flow with the same ISN, or else the latest one within the window whose
 * SYN had the same source or destination port.
 */
static int32_t
pair_syn(struct path *p, int pt, const struct pkt *k)
{
	int o = !pt;
	int32_t best = PATH_NIL;
	uint64_t best_ts = 0;

	for (uint32_t n = 0; n < PATH_RECENT; n++) {
		const struct recent *r = &p->recent[o][n];
		const struct pflow *f;

		if (r->idx < 0 || (uint32_t)r->idx >= p->prm.max_flows)
			continue;
		f = &p->f[r->idx];
		if (!f->used || f->gen != r->gen || f->p[pt].present ||
		    !f->p[o].d[0].has_isn)
			continue;
		if (f->p[o].d[0].isn == k->seq)
			return r->idx;
		if (f->first_ts + p->prm.window_us < p->now)
			continue;
		if ((f->p[o].sport == k->sport || f->p[o].dport == k->dport) &&
		    f->first_ts >= best_ts) {
			best = r->idx;
			best_ts = f->first_ts;
		}
	}
	return best;
}

static void
held_from(struct held *h, const struct pdir *pd, const struct pkt *k,
    const struct path_frame *fr, uint64_t ts)
{
	memset(h, 0, sizeof(*h));
	h->ts = ts;
	h->raw_ts = k->ts_us;
	h->seq = k->seq;
	h->ip_id = k->ip_id;
	h->ttl = k->ttl;
	h->tos = fr->tos;
	h->has_tos = fr->has_tos;
	h->has_prev = pd->seen;
	h->prev_ip_id = pd->last_ip_id;
}

/* The point nearer the sender of direction d. */
static uint8_t
upstream(struct pflow *f, int d)
{
	if (!f->up_known[d])
		return d == 0 ? PATH_A : PATH_B;
	return f->up[d];
}

static void
event_init(const struct path *p, const struct pflow *f, struct event *ev,
    enum event_kind kind, int d, uint64_t ts)
{
	const struct pside *s = f->p[PATH_A].present ? &f->p[PATH_A] :
	    &f->p[PATH_B];

	(void)p;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->severity = event_kind_default_severity(kind);
	ev->ts_us = ts;
	ev->has_flow = true;
	ev->has_sport = true;
	ev->proto = PKT_PROTO_TCP;
	ev->src = s->src;
	ev->dst = s->dst;
	ev->sport = s->sport;
	ev->dport = s->dport;
	ev->by = d == 0 ? SIDE_SRC : SIDE_DST;
}

static void
emit(struct path *p, struct event *ev)
{
	char msg[256];

	path_event_sentence(ev, msg, sizeof(msg));
	ev->sentence = msg;
	p->st.events++;
	if (p->sink.event != NULL)
		p->sink.event(p->sink.ctx, ev);
}

/* One path_altered per flow and kind of change. */
static void
altered(struct path *p, struct pflow *f, int d, enum change ch,
    const char *before, const char *after, uint64_t ts)
{
	struct event ev;
	uint32_t bit = 1u << (20 + ch);

	if (f->reported & bit)
		return;
	f->reported |= bit;
	event_init(p, f, &ev, EV_path_altered, d, ts);
	ev.what = change_names[ch];
	ev.seen_at = (uint8_t)!upstream(f, d);
	ev.before = before;
	ev.after = after;
	emit(p, &ev);
}

/* A number before and after; the value none is written "none". */
static void
altered_num(struct path *p, struct pflow *f, int d, enum change ch,
    uint32_t before, uint32_t after, uint32_t none, uint64_t ts)
{
	char b[16], a[16];

	if (before == none)
		snprintf(b, sizeof(b), "none");
	else
		snprintf(b, sizeof(b), "%u", before);
	if (after == none)
		snprintf(a, sizeof(a), "none");
	else
		snprintf(a, sizeof(a), "%u", after);
	altered(p, f, d, ch, b, a, ts);
}

/*
 * DSCP rewritten, or ECN capability taken away.  A router that marks
 * congestion (CE on an ECN-capable packet) is ECN working, not a change.
 */
static void
compare_tos(struct path *p, struct pflow *f, int d, const struct held *u,
    const struct held *w)
{
	static const char *const ecn[4] = { "not-ect", "ect1", "ect0", "ce" };
	unsigned ue = u->tos & 3, we = w->tos & 3;

	if (!u->has_tos || !w->has_tos)
		return;
	if ((u->tos >> 2) != (w->tos >> 2))
		altered_num(p, f, d, CH_dscp, u->tos >> 2, w->tos >> 2,
		    NO_NONE, w->ts);
	if (ue != we && !(we == 3 && ue != 0))
		altered(p, f, d, CH_ecn, ecn[ue], ecn[we], w->ts);
}

/*
 * The same packet (or bytes) seen at both points: a delay sample,
 * reordering, and which point is upstream.  h is what point pt held;
 * n what the other point has just seen.
 */
static void
matched(struct path *p, struct pflow *f, int pt, int d, const struct held *h,
    const struct held *n)
{
	const struct held *ha = pt == PATH_A ? h : n;
	const struct held *hb = pt == PATH_A ? n : h;
	int64_t x = (int64_t)hb->raw_ts - (int64_t)ha->raw_ts;
	int64_t da, db;

	f->matched[d]++;
	p->st.matched++;
	if (!f->up_ttl[d] && ha->ttl != hb->ttl) {
		f->up[d] = ha->ttl > hb->ttl ? PATH_A : PATH_B;
		f->up_ttl[d] = f->up_known[d] = true;
	} else if (!f->up_known[d]) {
		f->up[d] = d == 0 ? PATH_A : PATH_B;
		f->up_known[d] = true;
	}
	if (x > INT32_MAX)
		x = INT32_MAX;
	if (x < INT32_MIN)
		x = INT32_MIN;
	if (f->nx[d] == 0 || x < f->xmin[d])
		f->xmin[d] = x;
	if (f->nx[d] == 0 || x > f->xmax[d])
		f->xmax[d] = x;
	f->x[d][f->xi[d]++ % PATH_SAMPLES] = (int32_t)x;
	if (f->nx[d] < PATH_SAMPLES)
		f->nx[d]++;
	if (f->has_last[d]) {
		da = (int64_t)ha->raw_ts - (int64_t)f->last_a[d];
		db = (int64_t)hb->raw_ts - (int64_t)f->last_b[d];
		if ((da < 0 && db > 0) || (da > 0 && db < 0))
			f->reordered[d]++;
	}
	f->has_last[d] = true;
	f->last_a[d] = ha->raw_ts;
	f->last_b[d] = hb->raw_ts;
	/* Reference for injected packets: what real ones look like there. */
	f->p[PATH_A].d[d].ttl_ref = ha->ttl;
	f->p[PATH_A].d[d].has_ref = true;
	f->p[PATH_B].d[d].ttl_ref = hb->ttl;
	f->p[PATH_B].d[d].has_ref = true;
	if (!f->offset_given && f->nx[0] >= 2 && f->nx[1] >= 2)
		offset_update(p, f);

	if (f->nat_pending) {
		const struct pside *u = &f->p[upstream(f, 0)];
		const struct pside *w = &f->p[!upstream(f, 0)];
		char b[2 * ADDR_STRLEN + 16], a[2 * ADDR_STRLEN + 16];
		char s1[ADDR_STRLEN], s2[ADDR_STRLEN];

		f->nat_pending = false;
		snprintf(b, sizeof(b), "%s:%u>%s:%u",
		    addr_format(&u->src, s1, sizeof(s1)), u->sport,
		    addr_format(&u->dst, s2, sizeof(s2)), u->dport);
		snprintf(a, sizeof(a), "%s:%u>%s:%u",
		    addr_format(&w->src, s1, sizeof(s1)), w->sport,
		    addr_format(&w->dst, s2, sizeof(s2)), w->dport);
		altered(p, f, 0, CH_nat, b, a, pt == PATH_A ? h->ts : n->ts);
	}
}

/*
 * Something point pt saw in direction d that the other point did not,
 * within the window.  seq is raw at pt; len the data bytes; [rs, re) the
 * relative range for the copy test.
 */
static void
judge(struct path *p, struct pflow *f, int pt, int d, enum what w,
    const struct held *h, uint32_t len, uint32_t rs, uint32_t re)
{
	const struct pdir *od = &f->p[!pt].d[d];
	const struct pdir *pd = &f->p[pt].d[d];
	struct event ev;
	uint32_t bit;

	if (!f->p[!pt].present) {
		const struct pside *s = &f->p[pt];

		/*
		 * A flow only one point saw is judged only between hosts
		 * that paired flows show to be on the common path, and only
		 * while the other point was capturing.
		 */
		if (!hosts_has(p, pt, hostpair(&s->src, &s->dst)) ||
		    !p->has_span[!pt] || f->first_ts < p->span_first[!pt] ||
		    f->first_ts > p->span_last[!pt])
			return;
	}
	if (upstream(f, d) == pt) {
		f->lost[d]++;
		bit = 1u << (d * W_N + w);
		if (f->reported & bit)
			return;
		f->reported |= bit;
		event_init(p, f, &ev, EV_path_loss, d, h->ts);
	} else {
		/* The upstream point had sent these bytes: a late copy. */
		if (w == W_DATA && od->has_hw && SEQ_GEQ(od->hw, re) &&
		    SEQ_LT(rs, re)) {
			p->st.copies++;
			return;
		}
		f->injected[d]++;
		bit = 1u << (10 + d * W_N + w);
		if (f->reported & bit)
			return;
		f->reported |= bit;
		event_init(p, f, &ev, EV_path_injected, d, h->ts);
		ev.ttl = h->ttl;
		ev.expected_ttl = pd->has_ref ? pd->ttl_ref : h->ttl;
		if (addr_is_v4(&f->p[pt].src) && h->has_prev) {
			ev.has_ip_id = true;
			ev.ip_id = h->ip_id;
			ev.expected_ip_id = h->prev_ip_id;
		}
	}
	ev.what = what_names[w];
	ev.seq = h->seq;
	ev.len = len;
	ev.seen_at = (uint8_t)pt;
	emit(p, &ev);
}

static void
add_ctl(struct path *p, struct pflow *f, int pt, int d, enum what w,
    uint32_t rel, const struct pkt *k, const struct held *h)
{
	struct pdir *od = &f->p[!pt].d[d];
	struct pdir *pd = &f->p[pt].d[d];
	struct pctl *c;

	for (uint8_t i = 0; i < od->nc; i++) {
		const struct held *u, *x;
		struct pctl *e = &od->c[i];
		struct pctl now;

		if (e->what != w || e->rel != rel)
			continue;
		memset(&now, 0, sizeof(now));
		now.h = *h;
		now.sack = k->sack_permitted;
		now.tstamp = k->has_timestamp;
		now.wscale = k->wscale;
		now.mss = k->mss;
		matched(p, f, !pt, d, &e->h, h);
		/* Before (upstream) and after (downstream). */
		const struct pctl *cu = upstream(f, d) == pt ? &now : e;
		const struct pctl *cw = upstream(f, d) == pt ? e : &now;
		u = &cu->h;
		x = &cw->h;
		compare_tos(p, f, d, u, x);
		if (w == W_SYN || w == W_SYNACK) {
			if (u->seq != x->seq)
				altered_num(p, f, d, CH_seq, u->seq, x->seq,
				    NO_NONE, x->ts);
			if (cu->mss != cw->mss)
				altered_num(p, f, d, CH_mss, cu->mss, cw->mss,
				    0, x->ts);
			if (cu->wscale != cw->wscale)
				altered_num(p, f, d, CH_wscale, cu->wscale,
				    cw->wscale, TCP_NO_WSCALE, x->ts);
			if (cu->sack != cw->sack)
				altered(p, f, d, CH_sack, cu->sack ? "yes" : "no",
				    cw->sack ? "yes" : "no", x->ts);
			if (cu->tstamp != cw->tstamp)
				altered(p, f, d, CH_timestamps,
				    cu->tstamp ? "yes" : "no",
				    cw->tstamp ? "yes" : "no", x->ts);
		}
		if (--e->count == 0) {
			memmove(e, e + 1, (size_t)(od->nc - i - 1) * sizeof(*e));
			od->nc--;
		}
		return;
	}
	for (uint8_t i = 0; i < pd->nc; i++)
		if (pd->c[i].what == w && pd->c[i].rel == rel) {
			if (pd->c[i].count < UINT16_MAX)
				pd->c[i].count++;
			return;
		}
	if (pd->nc == PATH_CTL) {
		p->st.overflow++;
		judge(p, f, pt, d, (enum what)pd->c[0].what, &pd->c[0].h, 0,
		    pd->c[0].rel, pd->c[0].rel + 1);
		memmove(&pd->c[0], &pd->c[1], (PATH_CTL - 1) * sizeof(pd->c[0]));
		pd->nc--;
	}
	c = &pd->c[pd->nc++];
	memset(c, 0, sizeof(*c));
	c->h = *h;
	c->rel = rel;
	c->count = 1;
	c->what = (uint8_t)w;
	c->sack = k->sack_permitted;
	c->tstamp = k->has_timestamp;
	c->wscale = k->wscale;
	c->mss = k->mss;
}

/*
 * Bytes [s, e) seen at pt: those the other point holds are matched and
 * taken out of its ranges; the rest is held here.
 */
static void
add_range(struct path *p, struct pflow *f, int pt, int d, uint32_t s,
    uint32_t e, const struct held *h, const struct path_frame *fr)
{
	struct pdir *od = &f->p[!pt].d[d];
	uint32_t gs[PATH_RANGES + 1], ge[PATH_RANGES + 1];
	unsigned ng = 0;
	bool any = false;
	uint32_t cur = s;

	/* The other point's ranges are disjoint; take them in order. */
	for (;;) {
		int best = -1;

		for (int i = 0; i < od->nr; i++) {
			const struct prange *r = &od->r[i];

			if (SEQ_LT(r->s, e) && SEQ_LT(cur, r->e) &&
			    (best < 0 || SEQ_LT(r->s, od->r[best].s)))
				best = i;
		}
		if (best < 0)
			break;
		struct prange *r = &od->r[best];
		struct prange right;
		bool has_right = false;

		if (SEQ_LT(cur, r->s) && ng < PATH_RANGES + 1) {
			gs[ng] = cur;
			ge[ng++] = r->s;
		}
		if (!any) {
			struct held hr = r->h;

			any = true;
			if (r->s != s && r->last_s == s)
				hr.raw_ts = r->last_raw_ts;
			matched(p, f, !pt, d, &hr, h);
			const struct held *u = upstream(f, d) == pt ? h : &r->h;
			const struct held *w = upstream(f, d) == pt ? &r->h : h;
			compare_tos(p, f, d, u, w);
			if (r->s == s && r->hash_len == fr->hash_len &&
			    r->hash_len > 0 && r->hash != fr->hash) {
				char bh[12], ah[12];
				uint32_t uh = upstream(f, d) == pt ? fr->hash :
				    r->hash;
				uint32_t wh = upstream(f, d) == pt ? r->hash :
				    fr->hash;

				snprintf(bh, sizeof(bh), "%08x", uh);
				snprintf(ah, sizeof(ah), "%08x", wh);
				altered(p, f, d, CH_payload, bh, ah, w->ts);
			}
		}
		cur = SEQ_LT(e, r->e) ? e : r->e;
		/*
		 * A range sent more than once while held: this copy
		 * answers one of them; the bytes stay held for the others.
		 */
		if (r->copies > 1) {
			r->copies--;
			if (!SEQ_LT(cur, e))
				break;
			continue;
		}
		/* Cut [s, e) out of r. */
		if (SEQ_LT(e, r->e)) {
			right = *r;
			right.h.seq += e - r->s;
			right.s = e;
			right.hash_len = 0;
			has_right = true;
		}
		if (SEQ_LT(r->s, s)) {
			r->e = s;
			if (has_right) {
				if (od->nr < PATH_RANGES)
					od->r[od->nr++] = right;
				else {
					p->st.overflow++;
					judge(p, f, !pt, d, W_DATA, &right.h,
					    right.e - right.s, right.s, right.e);
				}
			}
		} else if (has_right)
			*r = right;
		else {
			*r = od->r[od->nr - 1];
			od->nr--;
		}
		if (!SEQ_LT(cur, e))
			break;
	}
	if (SEQ_LT(cur, e) && ng < PATH_RANGES + 1) {
		gs[ng] = cur;
		ge[ng++] = e;
	}
	for (unsigned i = 0; i < ng; i++) {
		struct held hp = *h;

		hp.seq = h->seq + (gs[i] - s);
		keep_range(p, f, pt, d, gs[i], ge[i], &hp,
		    gs[i] == s ? fr : NULL);
	}
}

/* Held at pt: joined to a range it overlaps or extends, else a new one. */
static void
keep_range(struct path *p, struct pflow *f, int pt, int d, uint32_t s,
    uint32_t e, const struct held *h, const struct path_frame *fr)
{
	struct pdir *pd = &f->p[pt].d[d];
	struct prange *r;

	for (int i = 0; i < pd->nr; i++) {
		r = &pd->r[i];
		if (SEQ_LEQ(r->s, s) && SEQ_GEQ(r->e, s)) {
			/* Overlapping bytes held already: a re-send. */
			if (SEQ_LT(s, r->e) && r->copies < UINT16_MAX)
				r->copies++;
			if (SEQ_GT(e, r->e)) {
				r->e = e;
				r->last_s = s;
				r->last_raw_ts = h->raw_ts;
			}
			return;
		}
	}
	if (pd->nr == PATH_RANGES) {
		int old = 0;

		for (int i = 1; i < pd->nr; i++)
			if (pd->r[i].h.ts < pd->r[old].h.ts)
				old = i;
		p->st.overflow++;
		r = &pd->r[old];
		judge(p, f, pt, d, W_DATA, &r->h, r->e - r->s, r->s, r->e);
		*r = pd->r[--pd->nr];
	}
	r = &pd->r[pd->nr++];
	memset(r, 0, sizeof(*r));
	r->h = *h;
	r->s = s;
	r->e = e;
	r->last_s = s;
	r->last_raw_ts = h->raw_ts;
	r->copies = 1;
	if (fr != NULL) {
		r->hash = fr->hash;
		r->hash_len = fr->hash_len;
	}
}

/* Everything of f held since before the window is judged. */
static void
expire(struct path *p, struct pflow *f, uint64_t before)
{
	for (int pt = 0; pt < 2; pt++)
		for (int d = 0; d < 2; d++) {
			struct pdir *pd = &f->p[pt].d[d];

			for (int i = 0; i < pd->nc;) {
				struct pctl *c = &pd->c[i];

				if (c->h.ts >= before) {
					i++;
					continue;
				}
				for (uint16_t n = 0; n < c->count; n++)
					judge(p, f, pt, d, (enum what)c->what,
					    &c->h, 0, c->rel, c->rel + 1);
				memmove(c, c + 1, (size_t)(pd->nc - i - 1) *
				    sizeof(*c));
				pd->nc--;
			}
			for (int i = 0; i < pd->nr;) {
				struct prange *r = &pd->r[i];

				if (r->h.ts >= before) {
					i++;
					continue;
				}
				judge(p, f, pt, d, W_DATA, &r->h, r->e - r->s,
				    r->s, r->e);
				*r = pd->r[--pd->nr];
			}
		}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The lower median of n values (n > 0). */
static int64_t
median(const int64_t *v, size_t n)
{
	int64_t tmp[PATH_OFFSETS > PATH_SAMPLES ? PATH_OFFSETS : PATH_SAMPLES];

	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_i64);
	return tmp[(n - 1) / 2];
}

static int64_t
flow_median(const struct pflow *f, int d)
{
	int64_t v[PATH_SAMPLES];

	for (int i = 0; i < f->nx[d]; i++)
		v[i] = f->x[d][i];
	return median(v, f->nx[d]);
}

/* The flow's offset joins those behind the median. */
static void
offset_update(struct path *p, struct pflow *f)
{
	int64_t o = (flow_median(f, 0) + flow_median(f, 1)) / 2;

	f->offset_given = true;
	p->offsets[p->offset_i++ % PATH_OFFSETS] = o;
	if (p->noffsets < PATH_OFFSETS)
		p->noffsets++;
	p->offset = median(p->offsets, p->noffsets);
	p->st.offset_samples++;
}

static void
conclude(struct path *p, int32_t i)
{
	struct pflow *f = &p->f[i];
	struct path_record rec;

	expire(p, f, UINT64_MAX);
	if (f->p[PATH_A].present && f->p[PATH_B].present) {
		if (!f->offset_given && f->nx[0] > 0 && f->nx[1] > 0)
			offset_update(p, f);
		memset(&rec, 0, sizeof(rec));
		/* On A's clock with the offset known at the end. */
		rec.ts_start_us = f->first_raw[PATH_A];
		rec.ts_end_us = f->last_raw[PATH_A];
		if (path_adjusted_us(p, PATH_B, f->first_raw[PATH_B]) <
		    rec.ts_start_us)
			rec.ts_start_us = path_adjusted_us(p, PATH_B,
			    f->first_raw[PATH_B]);
		if (path_adjusted_us(p, PATH_B, f->last_raw[PATH_B]) >
		    rec.ts_end_us)
			rec.ts_end_us = path_adjusted_us(p, PATH_B,
			    f->last_raw[PATH_B]);
		rec.src = f->p[PATH_A].src;
		rec.dst = f->p[PATH_A].dst;
		rec.sport = f->p[PATH_A].sport;
		rec.dport = f->p[PATH_A].dport;
		rec.pkts_a = f->p[PATH_A].pkts;
		rec.pkts_b = f->p[PATH_B].pkts;
		if (f->reported & (1u << (20 + CH_nat))) {
			rec.nat = true;
			rec.b_src = f->p[PATH_B].src;
			rec.b_dst = f->p[PATH_B].dst;
			rec.b_sport = f->p[PATH_B].sport;
			rec.b_dport = f->p[PATH_B].dport;
		}
		for (int d = 0; d < 2; d++) {
			int64_t m;

			rec.matched[d] = f->matched[d];
			rec.lost[d] = f->lost[d];
			rec.injected[d] = f->injected[d];
			rec.reordered[d] = f->reordered[d];
			if (f->nx[d] == 0)
				continue;
			rec.has_delay[d] = true;
			m = flow_median(f, d);
			/* tsB - tsA is the delay plus the offset from A to B. */
			if (upstream(f, d) == PATH_A) {
				rec.delay_median_us[d] = m - p->offset;
				rec.delay_max_us[d] = f->xmax[d] - p->offset;
			} else {
				rec.delay_median_us[d] = p->offset - m;
				rec.delay_max_us[d] = p->offset - f->xmin[d];
			}
		}
		if (p->sink.record != NULL)
			p->sink.record(p->sink.ctx, &rec);
	} else {
		int pt = f->p[PATH_A].present ? PATH_A : PATH_B;
		const struct pside *s = &f->p[pt];

		p->st.unpaired[pt]++;
		if (!hosts_has(p, pt, hostpair(&s->src, &s->dst)))
			p->st.off_path[pt]++;
	}
	/* Out of the tables. */
	for (int pt = 0; pt < 2; pt++) {
		struct pside *s = &f->p[pt];
		uint32_t h;
		int32_t *link;

		if (!s->present)
			continue;
		h = tuple_hash(&s->src, &s->dst, s->sport, s->dport);
		for (link = &p->bucket[pt][h & (p->nbuckets - 1)];
		    *link != PATH_NIL; link = &p->f[*link].p[pt].next)
			if (*link == i) {
				*link = s->next;
				break;
			}
	}
	lru_unlink(p, i);
	f->used = false;
	f->gen++;
	f->free_next = p->free_head;
	p->free_head = i;
	p->nused--;
}

struct path *
path_new(const struct path_params *prm, const struct path_sink *sink)
{
	struct path *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (prm != NULL)
		p->prm = *prm;
	if (p->prm.window_us == 0)
		p->prm.window_us = PATH_WINDOW_US;
	if (p->prm.idle_us == 0)
		p->prm.idle_us = PATH_IDLE_US;
	if (p->prm.max_flows == 0)
		p->prm.max_flows = PATH_MAX_FLOWS;
	if (p->prm.max_flows > (1u << 24))
		p->prm.max_flows = 1u << 24;
	if (sink != NULL)
		p->sink = *sink;
	for (p->nbuckets = 16; p->nbuckets < p->prm.max_flows * 2;
	    p->nbuckets *= 2)
		;
	p->f = calloc(p->prm.max_flows, sizeof(*p->f));
	p->bucket[0] = malloc(p->nbuckets * sizeof(int32_t));
	p->bucket[1] = malloc(p->nbuckets * sizeof(int32_t));
	if (p->f == NULL || p->bucket[0] == NULL || p->bucket[1] == NULL) {
		path_free(p);
		return NULL;
	}
	for (uint32_t i = 0; i < p->nbuckets; i++)
		p->bucket[0][i] = p->bucket[1][i] = PATH_NIL;
	for (uint32_t i = 0; i < p->prm.max_flows; i++)
		p->f[i].free_next = i + 1 < p->prm.max_flows ?
		    (int32_t)(i + 1) : PATH_NIL;
	for (int pt = 0; pt < 2; pt++)
		for (int i = 0; i < PATH_RECENT; i++)
			p->recent[pt][i].idx = PATH_NIL;
	p->free_head = 0;
	p->lru_head = p->lru_tail = PATH_NIL;
	return p;
}

void
path_free(struct path *p)
{
	if (p == NULL)
		return;
	free(p->f);
	free(p->bucket[0]);
	free(p->bucket[1]);
	free(p);
}

int64_t
path_offset_us(const struct path *p)
{
	return p->offset;
}

uint64_t
path_adjusted_us(const struct path *p, int pt, uint64_t ts)
{
	if (pt != PATH_B)
		return ts;
	if (p->offset > 0 && ts < (uint64_t)p->offset)
		return 0;
	return (uint64_t)((int64_t)ts - p->offset);
}

int
path_next_point(const struct path *p, bool a_left, uint64_t a_ts_us,
    bool b_left, uint64_t b_ts_us)
{
	if (!b_left)
		return PATH_A;
	if (!a_left)
		return PATH_B;
	return a_ts_us <= path_adjusted_us(p, PATH_B, b_ts_us) ? PATH_A :
	    PATH_B;
}

void
path_packet(struct path *p, int pt, const struct pkt *k,
    const struct path_frame *fr)
{
	static const struct path_frame none;
	uint64_t ts = path_adjusted_us(p, pt, k->ts_us);
	struct pflow *f;
	struct pdir *pd;
	struct held h;
	uint32_t base, rel, end;
	int32_t i;
	int d;
	bool syn = (k->tcp_flags & TH_SYN) != 0;

	pt = pt == PATH_B ? PATH_B : PATH_A;
	if (fr == NULL)
		fr = &none;
	if (k->proto != PKT_PROTO_TCP || k->fragment) {
		p->st.not_tcp[pt]++;
		return;
	}
	p->st.packets[pt]++;
	if (ts > p->now)
		p->now = ts;
	if (!p->has_span[pt]) {
		p->has_span[pt] = true;
		p->span_first[pt] = ts;
	}
	if (ts > p->span_last[pt])
		p->span_last[pt] = ts;

	/* Flows idle too long are concluded; a few per packet. */
	for (int n = 0; n < 4 && p->lru_head != PATH_NIL; n++) {
		const struct pflow *o = &p->f[p->lru_head];
		uint64_t idle = o->closed ? 2 * p->prm.window_us :
		    p->prm.idle_us;

		if (o->last_ts + idle >= p->now)
			break;
		conclude(p, p->lru_head);
	}

	if ((i = lookup(p, pt, k)) == PATH_NIL) {
		if ((i = lookup(p, !pt, k)) != PATH_NIL &&
		    !p->f[i].p[pt].present)
			attach(p, i, pt, k, true);
		else if ((k->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN &&
		    (i = pair_syn(p, pt, k)) != PATH_NIL)
			attach(p, i, pt, k, false);
		else
			i = flow_new(p, pt, k);
	}
	f = &p->f[i];
	if (f->p[pt].pkts++ == 0)
		f->first_raw[pt] = k->ts_us;
	f->last_raw[pt] = k->ts_us;
	if (ts > f->last_ts)
		f->last_ts = ts;
	lru_unlink(p, i);
	lru_append(p, i);
	if (k->tcp_flags & (TH_RST | TH_FIN))
		f->closed = true;
	expire(p, f, ts > p->prm.window_us ? ts - p->prm.window_us : 0);

	d = side_is(&f->p[pt], k) ? 0 : 1;
	pd = &f->p[pt].d[d];
	held_from(&h, pd, k, fr, ts);
	if (syn && !pd->has_isn) {
		pd->has_isn = true;
		pd->isn = k->seq;
	}
	base = pd->has_isn ? pd->isn : 0;
	rel = k->seq - base;
	end = rel + (syn ? 1 : 0) + k->payload_len + ((k->tcp_flags & TH_FIN) ?
	    1 : 0);
	if (syn)
		add_ctl(p, f, pt, d, (k->tcp_flags & TH_ACK) ? W_SYNACK : W_SYN,
		    rel, k, &h);
	if (k->payload_len > 0 && !(k->tcp_flags & TH_RST)) {
		uint32_t s = rel + (syn ? 1 : 0);

		h.seq = k->seq + (syn ? 1 : 0);
		add_range(p, f, pt, d, s, s + k->payload_len, &h, fr);
		h.seq = k->seq;
	}
	if (k->tcp_flags & TH_FIN)
		add_ctl(p, f, pt, d, W_FIN, rel + (syn ? 1 : 0) +
		    k->payload_len, k, &h);
	if (k->tcp_flags & TH_RST)
		add_ctl(p, f, pt, d, W_RST, rel, k, &h);
	if (!pd->has_hw || SEQ_GT(end, pd->hw)) {
		pd->has_hw = true;
		pd->hw = end;
	}
	pd->seen = true;
	pd->last_ttl = k->ttl;
	pd->last_ip_id = k->ip_id;
}

void
path_finish(struct path *p)
{
	while (p->lru_head != PATH_NIL)
		conclude(p, p->lru_head);
}

const struct path_stats *
path_stats(const struct path *p)
{
	return &p->st;
}
