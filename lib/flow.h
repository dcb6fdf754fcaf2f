/*
 * The flow table: one entry per connection for both directions, in a
 * fixed array allocated once (flows.max_flows), found through a seeded hash.
 * Flows sit on one of a few lists by timeout class, oldest activity first,
 * so that expiry and eviction take the oldest flow of a class in O(1).  Time is the
 * packets' time, which makes replays of a capture deterministic.
 */
#ifndef RSTWATCH_FLOW_H
#define RSTWATCH_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * Endpoints are stored in a canonical order (the lower address and port
 * first) so that both directions of a connection give the same key.  The
 * VLAN IDs are part of the key (802.1Q): the same 5-tuple in two VLANs is
 * two connections.  vlan_proto packs outer VID << 20 | inner VID << 8 |
 * IP protocol.
 */
struct flow_key {
	struct addr	a;
	struct addr	b;
	uint16_t	port_a;
	uint16_t	port_b;
	uint32_t	vlan_proto;
};

enum flow_class {
	FLOW_EMBRYONIC = 0,	/* TCP handshake not complete */
	FLOW_ESTABLISHED,
	FLOW_CLOSED,		/* FINs both ways, or a RST */
	FLOW_UDP,
	/*
	 * TCP picked up mid-stream with one side heard so far: established
	 * as far as timeouts go, but with nothing to lose when evicted.
	 */
	FLOW_PICKUP,
	FLOW_NCLASSES
};

/* Why a flow leaves the table. */
enum flow_end {
	FLOW_END_EXPIRED,
	FLOW_END_EVICTED,
	FLOW_END_FINISH,	/* end of input, or shutdown */
	FLOW_END_RESTART	/* a new connection on the same tuple */
};

#define DIR_ORIG	0
#define DIR_RESP	1

/* One direction of a connection: what its sender has done. */
struct flow_half {
	uint32_t	isn;		/* SYN's sequence number */
	uint32_t	snd_max;	/* high-water mark: next seq after the highest sent */
	uint32_t	ack;		/* highest acknowledgement this side sent */
	uint32_t	rtx_seq;	/* first byte of the segment being retransmitted */
	uint32_t	last_seg_us;	/* low 32 bits: when the mark last moved */
	uint32_t	retransmits;	/* data and FIN */
	uint32_t	pkts;
	uint16_t	win;		/* last advertised window, raw */
	uint16_t	max_win;	/* largest advertised window, raw, outside SYNs */
	uint64_t	bytes;		/* transport payload */
	uint8_t		rtx_count;	/* retransmissions of rtx_seq, saturating */
	uint8_t		ttl_min;
	uint8_t		ttl_max;
	uint8_t		wscale;		/* TCP_NO_WSCALE when the SYN had none */
	uint8_t		dupacks;	/* consecutive duplicate ACKs this side sent */
	uint8_t		rst;		/* RSTs sent, saturating */
	uint8_t		flags;		/* HALF_* */
	uint8_t		rst_ttl;	/* TTL of the RST that ended the flow */
};

#define HALF_SYN	0x01	/* sent a SYN (isn valid) */
#define HALF_FIN	0x02	/* sent a FIN */
#define HALF_SEQ	0x04	/* snd_max valid */
#define HALF_ACK	0x08	/* ack valid */
#define HALF_TTL	0x10	/* ttl_min/max valid (a non-RST packet seen) */
#define HALF_WIN	0x20	/* win valid (a non-SYN segment seen) */
#define HALF_JUMP	0x40	/* snd_max jumped a window ahead: a gap, unless refuted */

struct flow {
	struct flow_key	key;
	uint32_t	hash_next;	/* index, FLOW_NONE ends the chain */
	uint32_t	list_prev;
	uint32_t	list_next;
	uint32_t	irtt_us;	/* SYN to the ACK of the SYN-ACK, 0 unknown */
	/*
	 * The evidence store's newest record of this flow in each of its
	 * rings (lib/evidence.h), 0 none: here, where every packet of the
	 * flow already is, not in a table of their own.  The start time,
	 * read at the flow's end only, made room (flow_start_us()).
	 */
	uint32_t	evidence[2];
	uint64_t	ts_last_us;
	struct flow_half half[2];	/* DIR_ORIG, DIR_RESP */
	uint32_t	last_sig;	/* signature of the last packet, for copies */
	uint16_t	syn_retransmits;
	uint16_t	synack_retransmits;
	uint16_t	seq_anomalies;
	uint16_t	keepalives;
	uint16_t	window_probes;
	uint16_t	out_of_order;
	uint16_t	duplicates;
	uint16_t	fired;		/* bit per event kind already reported */
	uint16_t	state;		/* FLOW_* below */
	uint8_t		icmp_unreachables;	/* saturating */
	/* Packed: the entry must stay within 192 bytes (README.md, Numbers). */
	uint8_t		cls:3;		/* enum flow_class */
	uint8_t		orig_is_b:1;	/* the originator is key.b */
	uint8_t		close:4;	/* enum close_reason once decided */
};

#define FLOW_NONE	UINT32_MAX

/* flow.state bits */
#define FS_SYN		0x0001	/* the originator's SYN seen */
#define FS_SYNACK	0x0002	/* the responder's SYN-ACK seen */
#define FS_ESTAB	0x0004	/* the handshake completed */
#define FS_MIDSTREAM	0x0008	/* picked up without a SYN */
#define FS_RST_END	0x0010	/* ended by a RST (close says which kind) */
#define FS_CLOSE_SET	0x0020	/* close decided */
#define FS_WSCALE	0x0040	/* both SYNs carried window scale */
#define FS_GAP		0x0080	/* acks of data the capture never saw */
#define FS_REFUSED	0x0100	/* ICMP said the destination refused */
#define FS_RST_BY_RESP	0x0200	/* the first RST came from the responder */
#define FS_RST_FIRST	0x0400	/* some RST seen (for conn_state) */
#define FS_NONRST	0x0800	/* a packet other than a RST seen */
#define FS_RST_END_RESP	0x1000	/* the RST that ended the flow was the responder's */
#define FS_INJ_RESP	0x2000	/* the RST judged injected claimed the responder */

struct flow_table_stats {
	uint64_t	created;
	uint64_t	expired;
	uint64_t	evicted;
	uint64_t	evicted_established;	/* of evicted: none other left */
	uint32_t	active;
	uint32_t	max_active;
};

typedef void	flow_end_fn(void *ctx, struct flow *, enum flow_end);

struct flow_table;

/* Allocates the whole table; NULL on failure.  Not for the packet path. */
struct flow_table *flow_table_new(uint32_t max_flows, uint64_t seed,
	    flow_end_fn *, void *ctx);
void	flow_table_free(struct flow_table *);

/* Fills key; returns DIR-like side: 0 when (src, sport) is key.a. */
int	flow_key_make(struct flow_key *, const struct addr *src,
	    const struct addr *dst, uint16_t sport, uint16_t dport,
	    uint8_t proto, uint16_t vlan_outer, uint16_t vlan_inner);
uint32_t flow_hash(const struct flow_table *, const struct flow_key *);
struct flow *flow_lookup(struct flow_table *, const struct flow_key *,
	    uint32_t hash);
/*
 * Adds a flow (zeroed but for key, times and class), evicting one when
 * the table is full: the oldest of the flows not established (handshakes
 * not completed, closed connections, UDP, mid-stream pickups with one side
 * heard), an established one only when there is no other.  The end function sees the evicted flow before its
 * slot is reused.
 */
struct flow *flow_insert(struct flow_table *, const struct flow_key *,
	    uint32_t hash, uint64_t now_us);
/*
 * Hints for a pipelined caller: bring a key's bucket, then the first flow
 * of its chain, into the cache ahead of flow_lookup().  No effect on the
 * table; safe whatever happens in between.
 */
void	flow_prefetch_bucket(const struct flow_table *, uint32_t hash);
void	flow_prefetch_flow(const struct flow_table *, uint32_t hash);
/*
 * Then, when a packet at now_us is likely to move that flow on its
 * activity list (a new tick of flow_touch(), or, if moving, a new class),
 * the two flows beside it there, whose links the move rewrites.
 */
void	flow_prefetch_list(const struct flow_table *, uint32_t hash,
	    uint64_t now_us, bool moving);
/* Record activity: moves the flow to the young end of its class list. */
/* The flow's slot in the table, 0 .. max_flows - 1: a stable name for it. */
uint32_t flow_slot(const struct flow_table *, const struct flow *);
/* The flow at a slot, or NULL past the table. */
struct flow *flow_at(const struct flow_table *, uint32_t slot);
/* The flow's first packet's time, and where it is (not read). */
uint64_t flow_start_us(const struct flow_table *, const struct flow *);
const uint64_t *flow_start_at(const struct flow_table *, const struct flow *);
void	flow_touch(struct flow_table *, struct flow *, uint64_t now_us);
void	flow_set_class(struct flow_table *, struct flow *, enum flow_class);
/*
 * Ends every flow idle longer than its class's timeout, oldest first,
 * at most `budget` of them; returns how many ended.
 */
size_t	flow_expire(struct flow_table *, uint64_t now_us,
	    const uint64_t timeout_us[FLOW_NCLASSES], size_t budget);
/* Ends every flow, oldest activity first (end of input, shutdown). */
void	flow_end_all(struct flow_table *, enum flow_end);
/* Clears a flow's analysis state in place (a new connection, same key). */
void	flow_reuse(struct flow_table *, struct flow *, uint64_t now_us);
/*
 * flow_touch() moves a flow within its list at most once per 2^shift us
 * (default FLOW_TICK_SHIFT, about a second): expiry and eviction are then
 * oldest-first to within that tick.  0 keeps the lists exact.
 */
#define FLOW_TICK_SHIFT	20
void	flow_table_set_tick(struct flow_table *, unsigned shift);
const struct flow_table_stats *flow_table_stats(const struct flow_table *);
/*
 * New flows take slots 0, 1, 2, ... until the table has been full once;
 * slots_used says how far that has gone.  prefault makes the memory of
 * slots [from, from + n) resident without changing a byte of it, so that a
 * second thread can take the page faults (and the zeroing of fresh pages)
 * off the packet path; it is safe while the table is in use.
 */
uint32_t flow_table_slots_used(const struct flow_table *);
void	flow_table_prefault(const struct flow_table *, uint32_t from,
	    uint32_t n);
size_t	flow_table_memory(const struct flow_table *);

#endif
