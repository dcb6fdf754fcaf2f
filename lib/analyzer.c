/*
 * The packet path shared by live capture and `-r`: decode, find the flow,
 * hand the packet to its protocol's analyser, report through the sink.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "icmp_const.h"
#include "rst_rate.h"
#include "tcp.h"
#include "timeunit.h"
#include "tunnel.h"

/*
 * Copies of one packet seen twice (`-i any` on loopback sees it leave and
 * arrive) are this close in time.  A real retransmission never is: the
 * minimum RTO is 200 ms and fast retransmits wait for duplicate ACKs.
 */
#define DUPLICATE_WINDOW_US	100

/* Expiry runs at most this often (packet time) and ends at most so many. */
#define EXPIRE_INTERVAL_US	USEC_PER_SEC
#define EXPIRE_BUDGET		4096

/* Services tracked for rst_rate at once. */
#define RST_RATE_SERVICES	4096

struct analyzer {
	struct flow_table *flows;
	struct rst_rate	*rst_rate;
	struct tunnel_table *tunnels;	/* flows' tunnel stacks, interned */
	struct analyzer_params params;
	struct tcp_params tcp;		/* params' thresholds, for tcp.c */
	struct analyzer_sink sink;
	struct analyzer_stats stats;
	uint64_t	clock_us;	/* newest packet time seen */
	uint64_t	next_expire_us;
	uint64_t	max_timeout_us;	/* the longest flow timeout */
	const char	*iface;		/* of the packet being analysed */
	uint32_t	ifindex;
	bool		capture_loss;
	struct evidence	*evidence;	/* NULL: off */
	bool		evidence_holds;	/* it may take packets still */
	struct flow	*emit_flow;	/* the flow of the event being reported */
};

static void	analyzer_emit(struct analyzer *, struct flow *, struct event *);
static void	analyzer_tcp(struct analyzer *, struct flow *, int,
		    const struct pkt *);
static void	analyzer_verdicts(struct analyzer *, struct flow *,
		    const struct tcp_result *) __attribute__((noinline, cold));
static void	analyzer_flow_end(void *, struct flow *, enum flow_end);
static void	analyzer_transport(struct analyzer *, const struct analyzer_slot *);
static void	analyzer_icmp(struct analyzer *, const struct analyzer_slot *);
static void	analyzer_expire(struct analyzer *);
static void	analyzer_hold(struct analyzer *, const struct analyzer_slot *,
		    struct flow *, int, bool);
static void	analyzer_rst_rate(struct analyzer *, const struct flow *);
static int	analyzer_key(struct analyzer *, struct flow_key *,
		    const struct pkt *, const struct addr *, const struct addr *,
		    uint16_t, uint16_t, uint8_t, bool);
static uint32_t	key_tunnel(const struct flow_key *);
static void	tunnel_copy(const struct analyzer *, const struct flow *,
		    uint8_t *, struct pkt_tunnel *);

struct analyzer *
analyzer_new(uint32_t max_flows, uint64_t seed,
    const struct analyzer_params *params, const struct analyzer_sink *sink)
{
	struct analyzer *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	analyzer_set_params(a, params);
	a->sink = *sink;
	a->flows = flow_table_new(max_flows, seed, analyzer_flow_end, a);
	a->rst_rate = rst_rate_new(RST_RATE_SERVICES, seed);
	a->tunnels = tunnel_table_new(TUNNEL_MAX_ENTRIES, seed);
	if (a->flows == NULL || a->rst_rate == NULL || a->tunnels == NULL) {
		analyzer_free(a);
		return NULL;
	}
	return a;
}

void
analyzer_free(struct analyzer *a)
{
	if (a == NULL)
		return;
	flow_table_free(a->flows);
	rst_rate_free(a->rst_rate);
	tunnel_table_free(a->tunnels);
	free(a);
}

void
analyzer_set_params(struct analyzer *a, const struct analyzer_params *params)
{
	a->params = *params;
	a->tcp.max_syn_retransmissions = params->max_syn_retransmissions;
	a->tcp.max_synack_retransmissions = params->max_synack_retransmissions;
	a->tcp.max_data_retransmissions = params->max_data_retransmissions;
	a->max_timeout_us = 0;
	for (int c = 0; c < FLOW_NCLASSES; c++)
		if (params->timeout_us[c] > a->max_timeout_us)
			a->max_timeout_us = params->timeout_us[c];
}

/* evidence_heads_fn: the chain ends live in the flow's entry. */
static uint32_t *
analyzer_evidence_heads(void *ctx, uint32_t slot)
{
	const struct analyzer *a = ctx;
	struct flow *f = flow_at(a->flows, slot);

	return f != NULL ? f->evidence : NULL;
}

void
analyzer_set_evidence(struct analyzer *a, struct evidence *e)
{
	a->evidence = e;
	a->evidence_holds = e != NULL;
	if (e != NULL)
		evidence_set_heads(e, analyzer_evidence_heads, a);
}

uint32_t
analyzer_evidence_snaplen(const struct analyzer *a)
{
	return a->evidence != NULL ? evidence_snaplen(a->evidence) : 0;
}

void
analyzer_keep_frame(struct analyzer_slot *s, uint32_t snaplen, uint8_t *buf,
    const uint8_t *data, uint32_t caplen)
{
	uint32_t n = caplen < snaplen ? caplen : snaplen;

	if (snaplen == 0)
		return;
	memcpy(buf, data, n);
	s->frame = buf;
	s->frame_len = n;
}

void
analyzer_keep_ref(struct analyzer_slot *s, uint32_t snaplen, uint64_t ref,
    uint32_t caplen)
{
	if (snaplen == 0)
		return;
	s->frame_at_ref = true;
	s->frame_ref = ref;
	s->frame_len = caplen < snaplen ? caplen : snaplen;
}

bool
analyzer_evidence_request(struct analyzer *a, const char *name)
{
	if (a->evidence == NULL || a->emit_flow == NULL)
		return false;
	return evidence_request(a->evidence,
	    flow_slot(a->flows, a->emit_flow), a->clock_us, name);
}

/* A TCP segment that opens, closes or resets: SYN, FIN or RST. */
static inline bool
tcp_control_segment(const struct pkt *p)
{
	return p->proto == PKT_PROTO_TCP &&
	    (p->tcp_flags & (TH_SYN | TH_FIN | TH_RST)) != 0;
}

/*
 * The edges of a connection's story: SYNs, FINs, RSTs and each side's
 * first packets go to the store's edge ring, where bulk data cannot push
 * them out.
 */
static void
analyzer_hold(struct analyzer *a, const struct analyzer_slot *s,
    struct flow *f, int dir, bool edge)
{
	const struct pkt *p = &s->p;

	if (s->frame == NULL && !s->frame_at_ref)
		return;
	/*
	 * A closed store takes packets only for the requests still open,
	 * and a flow asks only when it reports (analyzer_emit() marks it in
	 * fired first): the others' packets need not be offered at all.
	 */
	if (f->fired == 0 && evidence_closed(a->evidence))
		return;
	edge = edge || f->half[dir].pkts < 2 || tcp_control_segment(p);
	if (s->frame_at_ref)
		a->evidence_holds = evidence_hold_ref(a->evidence,
		    flow_slot(a->flows, f), f->evidence, edge, s->linktype,
		    p->ts_us, s->frame_ref, s->frame_len, p->wirelen);
	else
		a->evidence_holds = evidence_hold(a->evidence,
		    flow_slot(a->flows, f), f->evidence, edge, s->linktype,
		    p->ts_us, s->frame, s->frame_len, p->wirelen);
}

void
analyzer_set_capture_loss(struct analyzer *a, bool loss)
{
	a->capture_loss = loss;
}

const struct analyzer_stats *
analyzer_stats(const struct analyzer *a)
{
	return &a->stats;
}

const struct flow_table_stats *
analyzer_flow_stats(const struct analyzer *a)
{
	return flow_table_stats(a->flows);
}

size_t
analyzer_memory(const struct analyzer *a)
{
	return sizeof(*a) + flow_table_memory(a->flows) +
	    tunnel_table_memory(a->tunnels);
}

uint32_t
analyzer_flow_slots_used(const struct analyzer *a)
{
	return flow_table_slots_used(a->flows);
}

void
analyzer_flow_prefault(const struct analyzer *a, uint32_t from, uint32_t n)
{
	flow_table_prefault(a->flows, from, n);
}

void
analyzer_params_from_conf(struct analyzer_params *p, const struct conf *c,
    uint32_t syn_retries_auto)
{
	memset(p, 0, sizeof(*p));
	p->max_syn_retransmissions =
	    c->max_syn_retransmissions == CONF_SYN_RETRIES_AUTO ?
	    syn_retries_auto : c->max_syn_retransmissions;
	p->max_synack_retransmissions = c->max_synack_retransmissions;
	p->max_data_retransmissions = c->max_data_retransmissions;
	p->timeout_us[FLOW_EMBRYONIC] = usec_from_sec(c->timeout_embryonic_s);
	p->timeout_us[FLOW_ESTABLISHED] = usec_from_sec(c->timeout_established_s);
	p->timeout_us[FLOW_PICKUP] = p->timeout_us[FLOW_ESTABLISHED];
	p->timeout_us[FLOW_CLOSED] = usec_from_sec(c->timeout_closed_s);
	p->timeout_us[FLOW_UDP] = usec_from_sec(c->timeout_udp_s);
	p->rst_rate_threshold = c->rst_rate_threshold;
	p->rst_rate_window_us = usec_from_sec(c->rst_rate_window_s);
}

void
analyzer_stage(const struct analyzer *a, struct analyzer_slot *s, int linktype,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen, uint64_t ts_us,
    const char *iface)
{
	struct pkt *p = &s->p;

	s->result = decode_packet(p, linktype, data, caplen, wirelen);
	p->ts_us = ts_us;
	s->iface = iface;
	s->linktype = linktype;
	s->frame = NULL;
	s->frame_len = 0;
	s->frame_at_ref = false;
	s->hash = 0;
	/* A tunnelled flow's key needs the tunnel table: commit makes it. */
	if ((s->result == DECODE_ok || s->result == DECODE_tcp_bad_option) &&
	    (p->proto == PKT_PROTO_TCP || p->proto == PKT_PROTO_UDP) &&
	    p->ntunnels == 0) {
		s->sender_is_b = flow_key_make(&s->key, &p->src, &p->dst,
		    p->sport, p->dport, p->proto, p->vlan_outer, p->vlan_inner);
		s->hash = flow_hash(a->flows, &s->key);
	}
}

static void
analyzer_prefetch_bucket(const struct analyzer *a,
    const struct analyzer_slot *s)
{
	if (s->hash != 0)
		flow_prefetch_bucket(a->flows, s->hash);
}

static void
analyzer_prefetch_flow(const struct analyzer *a, const struct analyzer_slot *s)
{
	if (s->hash != 0)
		flow_prefetch_flow(a->flows, s->hash);
}

static void
analyzer_prefetch_list(const struct analyzer *a, const struct analyzer_slot *s)
{
	const struct pkt *p = &s->p;

	if (s->hash != 0)
		flow_prefetch_list(a->flows, s->hash, p->ts_us, tcp_control_segment(p));
}

/*
 * How many packets ahead of its analysis a slot (staged on another core
 * under -r), its hash bucket, its flow and the flows beside it on its
 * activity list are fetched: the cache misses of a big flow table overlap
 * instead of adding up.  Each stage reads what the one before brought.
 */
#define AHEAD_SLOT	32
#define AHEAD_BUCKET	16
#define AHEAD_FLOW	8
#define AHEAD_LIST	4

static void
prefetch_slot(const struct analyzer_slot *s)
{
	for (size_t off = 0; off < ANALYZER_SLOT_HOT; off += 64)
		__builtin_prefetch((const char *)s + off);
}

/* The fetches that slot i needs at each distance. */
static void
prefetch_ahead(const struct analyzer *a, const struct analyzer_slot *s,
    size_t i, size_t n)
{
	if (i + AHEAD_SLOT < n)
		prefetch_slot(&s[i + AHEAD_SLOT]);
	if (i + AHEAD_BUCKET < n)
		analyzer_prefetch_bucket(a, &s[i + AHEAD_BUCKET]);
	if (i + AHEAD_FLOW < n)
		analyzer_prefetch_flow(a, &s[i + AHEAD_FLOW]);
	if (i + AHEAD_LIST < n)
		analyzer_prefetch_list(a, &s[i + AHEAD_LIST]);
}

void
analyzer_commit_batch(struct analyzer *a, struct analyzer_slot *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < AHEAD_SLOT; i++)
		prefetch_slot(&s[i]);
	for (i = 0; i < n && i < AHEAD_BUCKET; i++)
		analyzer_prefetch_bucket(a, &s[i]);
	for (i = 0; i < n && i < AHEAD_FLOW; i++)
		analyzer_prefetch_flow(a, &s[i]);
	for (i = 0; i < n && i < AHEAD_LIST; i++)
		analyzer_prefetch_list(a, &s[i]);
	for (i = 0; i < n; i++) {
		prefetch_ahead(a, s, i, n);
		analyzer_commit(a, &s[i]);
	}
}

void
analyzer_commit(struct analyzer *a, struct analyzer_slot *s)
{
	const struct pkt *p = &s->p;
	uint64_t ts_us = p->ts_us;
	enum decode_result r = s->result;

	a->stats.packets++;
	if (ts_us > a->clock_us)
		a->clock_us = ts_us;
	else if (a->clock_us - ts_us > a->max_timeout_us) {
		/*
		 * Far behind the clock: the clock stepped back (or one record
		 * of a file lied about the future).  The flows' times mean
		 * nothing now; end them and follow the packets, or expiry
		 * would wait for a time that never comes.
		 */
		flow_end_all(a->flows, FLOW_END_EXPIRED);
		a->clock_us = ts_us;
		a->next_expire_us = ts_us;
	}
	if (a->clock_us >= a->next_expire_us)
		analyzer_expire(a);

	a->stats.decode[r]++;
	if (r != DECODE_ok && r != DECODE_tcp_bad_option &&
	    r != DECODE_icmp_not_error)
		return;
	a->iface = s->iface;
	a->ifindex = p->ifindex;

	if (p->ntunnels > 0 &&
	    (p->proto == PKT_PROTO_TCP || p->proto == PKT_PROTO_UDP)) {
		s->sender_is_b = analyzer_key(a, &s->key, p, &p->src, &p->dst,
		    p->sport, p->dport, p->proto, false);
		s->hash = flow_hash(a->flows, &s->key);
	}

	switch (p->proto) {
	case PKT_PROTO_TCP:
	case PKT_PROTO_UDP:
		analyzer_transport(a, s);
		break;
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
		if (p->icmp_error)
			analyzer_icmp(a, s);
		break;
	default:
		break;
	}
}

void
analyzer_packet(struct analyzer *a, int linktype, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen, uint64_t ts_us, const char *iface)
{
	struct analyzer_slot s;

	analyzer_stage(a, &s, linktype, data, caplen, wirelen, ts_us, iface);
	if (a->evidence != NULL) {
		/* Committed at once: the frame itself is still there. */
		s.frame = data;
		s.frame_len = caplen;
	}
	analyzer_commit(a, &s);
}

void
analyzer_tick(struct analyzer *a, uint64_t now_us)
{
	if (now_us > a->clock_us)
		a->clock_us = now_us;
	analyzer_expire(a);
}

void
analyzer_finish(struct analyzer *a)
{
	flow_end_all(a->flows, FLOW_END_FINISH);
	if (a->evidence != NULL)
		evidence_flush(a->evidence);
}

/*
 * The budget bounds the pause one call can cause; when it runs out, the
 * rest is done at the next packet rather than a second later, so that
 * finished flows do not pile up under a high connection rate.
 */
static void
analyzer_expire(struct analyzer *a)
{
	size_t n = flow_expire(a->flows, a->clock_us, a->params.timeout_us,
	    EXPIRE_BUDGET);

	a->next_expire_us = n == EXPIRE_BUDGET ? a->clock_us :
	    a->clock_us + EXPIRE_INTERVAL_US;
	if (a->evidence != NULL)
		evidence_expire(a->evidence, a->clock_us);
}

static void
flow_endpoints(const struct flow *f, struct addr *src, uint16_t *sport,
    struct addr *dst, uint16_t *dport)
{
	if (f->orig_is_b) {
		*src = f->key.b;
		*sport = f->key.port_b;
		*dst = f->key.a;
		*dport = f->key.port_a;
	} else {
		*src = f->key.a;
		*sport = f->key.port_a;
		*dst = f->key.b;
		*dport = f->key.port_b;
	}
}

/*
 * The flow key of an endpoint pair seen in p's tunnels (if any).  The
 * tunnel stack is interned and its index takes the place of the VLAN IDs,
 * behind the outer VID 0xfff that 802.1Q reserves (the table keeps the
 * VLAN IDs with the stack): the flow entry stays 192 bytes.  When the
 * table has no room the flow is keyed as if it were not tunnelled
 * (counted in the table's "full").  p travelled from src to dst, or the
 * other way (an ICMP error about a packet from src) when reverse.
 */
static int
analyzer_key(struct analyzer *a, struct flow_key *k, const struct pkt *p,
    const struct addr *src, const struct addr *dst, uint16_t sport,
    uint16_t dport, uint8_t proto, bool reverse)
{
	int swap = flow_key_make(k, src, dst, sport, dport, proto, 0, 0);
	uint32_t t = tunnel_intern(a->tunnels, p, (swap != 0) != reverse);

	if (t != 0)
		return flow_key_make(k, src, dst, sport, dport, proto,
		    TUNNEL_KEY_VID, (uint16_t)t);
	return flow_key_make(k, src, dst, sport, dport, proto, p->vlan_outer,
	    p->vlan_inner);
}

static uint32_t
key_tunnel(const struct flow_key *k)
{
	if (k->vlan_proto >> 20 != TUNNEL_KEY_VID)
		return 0;
	return k->vlan_proto >> 8 & 0xfff;
}

static void
tunnel_copy(const struct analyzer *a, const struct flow *f, uint8_t *n,
    struct pkt_tunnel *t)
{
	const struct tunnel_ctx *c = tunnel_get(a->tunnels, key_tunnel(&f->key));

	*n = 0;
	if (c == NULL)
		return;
	*n = c->n;
	memcpy(t, c->layer, c->n * sizeof(*t));
	/* Stored from key.a's side: turn it to the originator's. */
	for (unsigned i = 0; f->orig_is_b && i < c->n; i++) {
		struct addr x = t[i].src;

		t[i].src = t[i].dst;
		t[i].dst = x;
	}
}

static inline uint8_t
flow_proto(const struct flow *f)
{
	return (uint8_t)(f->key.vlan_proto & 0xff);
}

/* Report kind once per flow; fills the flow's endpoints and the time. */
static void
analyzer_emit(struct analyzer *a, struct flow *f, struct event *ev)
{
	_Static_assert(EV_NKINDS <= 16, "flow.fired has a bit per kind");

	if (f->fired & (1u << ev->kind))
		return;
	f->fired |= (uint16_t)(1u << ev->kind);
	ev->severity = event_kind_default_severity(ev->kind);
	ev->ts_us = a->clock_us;
	ev->has_flow = true;
	ev->has_sport = true;
	ev->proto = flow_proto(f);
	flow_endpoints(f, &ev->src, &ev->sport, &ev->dst, &ev->dport);
	tunnel_copy(a, f, &ev->ntunnels, ev->tunnels);
	ev->capture_loss = a->capture_loss;
	ev->iface = a->iface;
	ev->ifindex = a->ifindex;
	a->stats.events++;
	a->emit_flow = f;
	if (a->sink.event != NULL)
		a->sink.event(a->sink.ctx, ev);
	a->emit_flow = NULL;
}

/* Count a RST against the flow's service (its responder's address and port). */
static void
analyzer_rst_rate(struct analyzer *a, const struct flow *f)
{
	struct event ev;
	uint32_t count;

	if (a->params.rst_rate_threshold == 0 || a->params.rst_rate_window_us == 0)
		return;
	memset(&ev, 0, sizeof(ev));
	flow_endpoints(f, &ev.src, &ev.sport, &ev.dst, &ev.dport);
	if (!rst_rate_count(a->rst_rate, &ev.dst, ev.dport, a->clock_us,
	    a->params.rst_rate_threshold, a->params.rst_rate_window_us, &count))
		return;
	memset(&ev.src, 0, sizeof(ev.src));
	ev.sport = 0;
	ev.kind = EV_rst_rate;
	ev.severity = event_kind_default_severity(EV_rst_rate);
	ev.ts_us = a->clock_us;
	ev.has_flow = true;
	ev.has_sport = false;
	ev.proto = PKT_PROTO_TCP;
	ev.count = count;
	ev.window_s = (uint32_t)usec_sec_part(a->params.rst_rate_window_us);
	ev.capture_loss = a->capture_loss;
	ev.iface = a->iface;
	ev.ifindex = a->ifindex;
	a->stats.events++;
	if (a->sink.event != NULL)
		a->sink.event(a->sink.ctx, &ev);
}

/*
 * A signature of what makes two packets copies of each other: same
 * sender, IP ID, sequence, acknowledgement, length, flags, window, TCP
 * timestamp, SACK blocks and transport checksum (which tells apart two
 * IPv6 datagrams of one length, having no IP ID, unless it is offloaded).
 * Never 0, which means "none".
 */
static uint32_t
packet_signature(const struct pkt *p, int dir)
{
	uint64_t x = (uint64_t)p->seq << 32 | p->ack;
	uint64_t y = (uint64_t)p->ip_id << 48 | (uint64_t)p->win << 32 |
	    (uint64_t)p->tcp_flags << 24 | (uint64_t)(dir & 1) << 23 |
	    (p->payload_len & 0x7fffff);

	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= ((uint64_t)p->tsval << 16 | p->l4_checksum) * 0xc2b2ae3d27d4eb4fULL;
	x ^= (uint64_t)p->sack_sig * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return (uint32_t)x | 1;
}

/* A TCP flow's originator and class, from the packet that starts it. */
static void
analyzer_tcp_begin(struct analyzer *a, struct flow *f, const struct pkt *p,
    int sender_is_b)
{
	f->orig_is_b = (uint8_t)(sender_is_b ^ tcp_originator_is_receiver(p));
	tcp_start(f, p);
	/* Picked up mid-stream: established as far as timeouts go. */
	if (f->state & FS_MIDSTREAM)
		flow_set_class(a->flows, f, FLOW_PICKUP);
}

static void
analyzer_transport(struct analyzer *a, const struct analyzer_slot *s)
{
	const struct pkt *p = &s->p;
	const struct flow_key *key = &s->key;
	uint32_t hash = s->hash, sig;
	int sender_is_b = s->sender_is_b, dir;
	struct flow *f;
	uint64_t prev_ts;

	if (p->proto == PKT_PROTO_TCP)
		a->stats.tcp++;
	else
		a->stats.udp++;

	if ((f = flow_lookup(a->flows, key, hash)) == NULL) {
		if ((f = flow_insert(a->flows, key, hash, p->ts_us)) == NULL)
			return;
		tunnel_ref(a->tunnels, key_tunnel(key));
		if (p->proto == PKT_PROTO_TCP)
			analyzer_tcp_begin(a, f, p, sender_is_b);
		else {
			f->orig_is_b = (uint8_t)sender_is_b;
			flow_set_class(a->flows, f, FLOW_UDP);
		}
	}

	dir = sender_is_b == f->orig_is_b ? DIR_ORIG : DIR_RESP;
	if (p->proto == PKT_PROTO_TCP && tcp_starts_new_connection(f, dir, p)) {
		analyzer_flow_end(a, f, FLOW_END_RESTART);
		flow_reuse(a->flows, f, p->ts_us);
		analyzer_tcp_begin(a, f, p, sender_is_b);
		dir = sender_is_b == f->orig_is_b ? DIR_ORIG : DIR_RESP;
	}

	if (a->evidence_holds)
		analyzer_hold(a, s, f, dir, false);

	sig = packet_signature(p, dir);
	prev_ts = f->ts_last_us;
	if (sig == f->last_sig && p->ts_us >= prev_ts &&
	    p->ts_us - prev_ts <= DUPLICATE_WINDOW_US &&
	    !(p->proto == PKT_PROTO_TCP && tcp_news(f, dir, p))) {
		f->duplicates += f->duplicates < UINT16_MAX;
		a->stats.duplicates++;
		return;
	}
	f->last_sig = sig;
	flow_touch(a->flows, f, p->ts_us);
	f->half[dir].pkts++;
	f->half[dir].bytes += p->payload_len;

	if (p->proto == PKT_PROTO_TCP)
		analyzer_tcp(a, f, dir, p);
}

/* A segment to tcp.c; what it found to the sink, the flow to its class. */
static void
analyzer_tcp(struct analyzer *a, struct flow *f, int dir, const struct pkt *p)
{
	struct tcp_result res;

	tcp_segment(f, dir, p, &a->tcp, a->clock_us,
	    flow_start_at(a->flows, f), &res);
	if (res.nv > 0)
		analyzer_verdicts(a, f, &res);
	if (res.cls != f->cls)
		flow_set_class(a->flows, f, res.cls);
	if (p->tcp_flags & TH_RST)
		analyzer_rst_rate(a, f);
}

/* Rare next to the segments that say nothing: kept off their path. */
static void
analyzer_verdicts(struct analyzer *a, struct flow *f,
    const struct tcp_result *res)
{
	struct event ev;

	for (unsigned i = 0; i < res->nv; i++) {
		const struct tcp_verdict *v = &res->v[i];

		memset(&ev, 0, sizeof(ev));
		ev.kind = v->kind;
		ev.by = v->by;
		ev.count = v->count;
		ev.threshold = v->threshold;
		ev.seq = v->seq;
		ev.expected_seq = v->expected_seq;
		ev.window = v->window;
		ev.ttl = v->ttl;
		ev.expected_ttl = v->expected_ttl;
		ev.window_evidence = v->window_evidence;
		analyzer_emit(a, f, &ev);
	}
}

/*
 * Destination unreachable (RFC 792 type 3, RFC 4443 type 1) names the flow
 * of the packet it quotes.  "Fragmentation needed" (type 3 code 4) is path
 * MTU discovery at work, not a failure; the other errors (time exceeded,
 * packet too big, parameter problem) do not end connections either.
 */
static void
analyzer_icmp(struct analyzer *a, const struct analyzer_slot *s)
{
	const struct pkt *p = &s->p;
	const struct pkt_quote *q = &p->quote;
	bool v4 = p->proto == PKT_PROTO_ICMP;
	bool hard;
	struct flow_key key;
	struct flow *f;
	struct event ev;
	uint32_t hash;
	int sender_is_b;

	a->stats.icmp_errors++;
	if (v4 ? (p->icmp_type != ICMP_UNREACH ||
	    p->icmp_code == ICMP_UNREACH_NEEDFRAG) :
	    p->icmp_type != ICMP6_DST_UNREACH)
		return;
	if (q->proto != PKT_PROTO_TCP && q->proto != PKT_PROTO_UDP)
		return;

	sender_is_b = analyzer_key(a, &key, p, &q->src, &q->dst, q->sport,
	    q->dport, q->proto, true);
	hash = flow_hash(a->flows, &key);
	if ((f = flow_lookup(a->flows, &key, hash)) == NULL) {
		if ((f = flow_insert(a->flows, &key, hash, p->ts_us)) == NULL)
			return;
		tunnel_ref(a->tunnels, key_tunnel(&key));
		/* The quoted packet's sender started it, as far as we know. */
		f->orig_is_b = (uint8_t)sender_is_b;
		if (q->proto == PKT_PROTO_UDP)
			flow_set_class(a->flows, f, FLOW_UDP);
	}
	flow_touch(a->flows, f, p->ts_us);
	if (a->evidence_holds)
		analyzer_hold(a, s, f, DIR_RESP, true);
	if (f->icmp_unreachables < UINT8_MAX)
		f->icmp_unreachables++;

	/* Port, protocol and administrative refusals end a connection attempt. */
	hard = v4 ? (p->icmp_code == ICMP_UNREACH_PROTOCOL ||
	    p->icmp_code == ICMP_UNREACH_PORT ||
	    p->icmp_code == ICMP_UNREACH_NET_PROHIB ||
	    p->icmp_code == ICMP_UNREACH_HOST_PROHIB ||
	    p->icmp_code == ICMP_UNREACH_FILTER_PROHIB) :
	    (p->icmp_code == ICMP6_DST_UNREACH_ADMIN ||
	    p->icmp_code == ICMP6_DST_UNREACH_NOPORT);
	if (hard && !(f->state & FS_CLOSE_SET) &&
	    (q->proto == PKT_PROTO_UDP || !(f->state & FS_SYNACK))) {
		f->state |= FS_REFUSED | FS_CLOSE_SET;
		f->close = CLOSE_refused;
		if (q->proto == PKT_PROTO_TCP)
			flow_set_class(a->flows, f, FLOW_CLOSED);
	}

	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_icmp_unreachable;
	ev.icmp_type = p->icmp_type;
	ev.icmp_code = p->icmp_code;
	ev.reporter = p->src;
	analyzer_emit(a, f, &ev);
}

static enum conn_state
udp_conn_state(const struct flow *f)
{
	if (f->half[DIR_ORIG].pkts > 0)
		return f->half[DIR_RESP].pkts > 0 ? CS_SF : CS_S0;
	return CS_OTH;
}

/* The flow leaves the table (or starts over): write its record. */
static void
analyzer_flow_end(void *ctx, struct flow *f, enum flow_end why)
{
	struct analyzer *a = ctx;
	const struct flow_half *o = &f->half[DIR_ORIG], *r = &f->half[DIR_RESP];
	struct flow_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.ts_start_us = flow_start_us(a->flows, f);
	rec.ts_end_us = f->ts_last_us;
	rec.proto = flow_proto(f);
	flow_endpoints(f, &rec.src, &rec.sport, &rec.dst, &rec.dport);
	tunnel_copy(a, f, &rec.ntunnels, rec.tunnels);
	rec.pkts_orig = o->pkts;
	rec.pkts_resp = r->pkts;
	rec.bytes_orig = o->bytes;
	rec.bytes_resp = r->bytes;
	rec.icmp_unreachables = f->icmp_unreachables;
	if (rec.proto == PKT_PROTO_TCP) {
		rec.syn_retransmits = f->syn_retransmits;
		rec.synack_retransmits = f->synack_retransmits;
		rec.retransmits_orig = o->retransmits;
		rec.retransmits_resp = r->retransmits;
		rec.rst_orig = o->rst;
		rec.rst_resp = r->rst;
		rec.seq_anomalies = f->seq_anomalies;
		rec.keepalives = f->keepalives;
		rec.window_probes = f->window_probes;
		rec.out_of_order = f->out_of_order;
		rec.duplicates = f->duplicates;
		rec.conn_state = tcp_conn_state(f);
		rec.close = tcp_close_reason(f, why);
	} else {
		rec.duplicates = f->duplicates;
		rec.conn_state = udp_conn_state(f);
		if (f->state & FS_CLOSE_SET)
			rec.close = (enum close_reason)f->close;
		else
			rec.close = why == FLOW_END_FINISH ? CLOSE_open : CLOSE_timeout;
	}
	a->stats.flow_records++;
	if (a->sink.flow != NULL)
		a->sink.flow(a->sink.ctx, &rec);
	/* Its open request completes first: the file ends with the flow. */
	if (a->evidence != NULL)
		evidence_release(a->evidence, flow_slot(a->flows, f),
		    f->evidence);
	/* Restarted, the flow keeps its key and so its tunnel. */
	if (why != FLOW_END_RESTART)
		tunnel_unref(a->tunnels, key_tunnel(&f->key));
}
