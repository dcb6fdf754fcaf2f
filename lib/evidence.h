/*
 * Evidence: the packets behind an alert.  A fixed budget of memory,
 * allocated once, holds the first bytes of recent packets in two rings:
 * one for the packets that tell a connection's story at its edges (SYNs,
 * FINs, RSTs, ICMP errors, the first packets of each direction), one for
 * the rest.  Each ring drops its oldest packet first when it needs room,
 * so that a bulk transfer can push out other flows' data segments but not
 * their handshakes.  Each flow chains its packets in both rings; the
 * chains' ends are the caller's (two numbers in the flow's entry), and
 * requests know the flow by its slot in the flow table.
 *
 * An alert asks for its flow's packets with evidence_request(): the
 * request stays open for a few more packets of the flow (or a little
 * time, or until the flow ends), then the done function receives the
 * flow and walks its packets, in time order, with evidence_walk().
 * Nothing here allocates after evidence_new(), does I/O or keeps global
 * state.
 */
#ifndef RSTWATCH_EVIDENCE_H
#define RSTWATCH_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "timeunit.h"

/* Packets of the flow kept after the alert, and for at most how long. */
#define EVIDENCE_AFTER_PACKETS	64
#define EVIDENCE_AFTER_US	(10 * USEC_PER_SEC)
/* Requests open at once; the oldest is completed early to make room. */
#define EVIDENCE_REQUESTS	256
/* A file name (not a path): time, kind, two IPv6 endpoints. */
#define EVIDENCE_NAME_MAX	160
/* Where a file's name has a time that RFC 3339 cannot write. */
#define EVIDENCE_TIME_OUT_OF_RANGE	"9999-99-99T99:99:99.999999Z"
/* The edge ring's share of the budget, in quarters. */
#define EVIDENCE_EDGE_QUARTERS	1
#define EVIDENCE_MIN_MEMORY	(64 * 1024)
/* A file takes at most the newest this many packets of each ring. */
#define EVIDENCE_WALK_MAX	65536

struct evidence;

struct evidence_stats {
	uint64_t	held;		/* packets taken */
	uint64_t	evicted;	/* pushed out of memory by the budget */
	uint64_t	released;	/* flows that ended with packets held */
	uint64_t	requests;
	uint64_t	completed;
	uint64_t	early;		/* completed early: no room for requests */
	uint32_t	packets;	/* in memory now, their flows' or not */
	size_t		bytes;		/* ring bytes in use now */
};

/*
 * done gets the flow and the request's name; it may walk the flow's
 * packets (evidence_walk) but must not change the store.
 */
typedef void	evidence_done_fn(void *ctx, const struct evidence *,
		    uint32_t flow, const char *name);
typedef void	evidence_pkt_fn(void *ctx, int linktype, uint64_t ts_us,
		    const uint8_t *, uint32_t caplen, uint32_t wirelen);
/* Where the flow at slot flow keeps its chain ends, or NULL. */
typedef uint32_t *evidence_heads_fn(void *ctx, uint32_t flow);
/*
 * Reads len bytes of a packet held by reference (evidence_hold_ref) into
 * buf; false when they cannot be had, and the packet is left out.
 */
typedef bool	evidence_fetch_fn(void *ctx, uint64_t ref, uint8_t *buf,
		    uint32_t len);

/*
 * memory: the whole budget, the rings' indexes included; flows: the
 * flow table's slots; snaplen: bytes kept of each packet.  NULL when the
 * budget cannot hold a few packets, or memory cannot be had.
 */
struct evidence *evidence_new(size_t memory, uint32_t flows, uint32_t snaplen,
	    evidence_done_fn *, void *ctx);
void	evidence_free(struct evidence *);
/*
 * The least memory evidence_new() accepts for this snaplen (the number of
 * flows does not count: their chain ends are in the flow table).
 */
size_t	evidence_min_memory(uint32_t snaplen);
uint32_t evidence_snaplen(const struct evidence *);
/* How evidence_walk() finds a flow's chain ends (set before any walk). */
void	evidence_set_heads(struct evidence *, evidence_heads_fn *, void *ctx);
/*
 * Makes the next step bytes of the rings' memory resident (a page fault
 * per 4 KiB on the packet path otherwise), after *done, which it moves
 * on; false once all are.  From any thread: the contents stay as they are.
 */
bool	evidence_prefault(const struct evidence *, size_t *done, size_t step);
/*
 * Keeps the first snaplen bytes of a packet of flow, at the end of its
 * chains, whose ends are heads (zeroed when the flow starts; the store
 * updates them); edge packets go to the edge ring.  Counts the packet against the flow's open request.
 * False once the store is closed with no request open: it will take no
 * packet again, and the caller may stop offering them.
 */
bool	evidence_hold(struct evidence *, uint32_t flow, uint32_t heads[2],
	    bool edge, int linktype, uint64_t ts_us, const uint8_t *,
	    uint32_t caplen, uint32_t wirelen);
/*
 * The same for a packet whose bytes can be read again later (a capture
 * file's): the store keeps ref, a place the fetch function knows, not
 * the bytes, so a packet costs a quarter of the memory and no copy.
 */
bool	evidence_hold_ref(struct evidence *, uint32_t flow, uint32_t heads[2],
	    bool edge, int linktype, uint64_t ts_us, uint64_t ref,
	    uint32_t caplen, uint32_t wirelen);
/* How evidence_walk() reads packets held by reference. */
void	evidence_set_fetch(struct evidence *, evidence_fetch_fn *, void *ctx);
/*
 * Opens a request for flow (completing its open one first).  False when
 * the name does not fit.
 */
bool	evidence_request(struct evidence *, uint32_t flow, uint64_t now_us,
	    const char *name);
/*
 * No request will be opened any more (-r, its file limits reached): from
 * now on only the packets of flows with an open request are held, and
 * evidence_request() says no.  Cannot be undone.
 */
void	evidence_close(struct evidence *);
/* Whether it is; from any thread (prefaulting stops then too). */
bool	evidence_closed(const struct evidence *);
/* Completes the requests whose time is up. */
void	evidence_expire(struct evidence *, uint64_t now_us);
/*
 * The flow ends: its open request completes (walking heads, still its),
 * then its packets are let go with its entry.
 */
void	evidence_release(struct evidence *, uint32_t flow,
	    const uint32_t heads[2]);
/* Completes every open request (end of input, shutdown). */
void	evidence_flush(struct evidence *);
/*
 * The flow's packets, oldest first; returns how many are held (one held
 * by reference that cannot be fetched is not passed to fn).
 */
size_t	evidence_walk(const struct evidence *, uint32_t flow,
	    evidence_pkt_fn *, void *ctx);
const struct evidence_stats *evidence_stats(const struct evidence *);

/*
 * The file name for an event's evidence: time, kind and flow, in
 * characters safe in any file system and shell:
 * 20231114T221320.123456Z-syn_refused-10.0.0.1.40003-10.0.0.2.81.pcap
 * (IPv6 colons become '_').  A time past year 9999 is written
 * 99999999T999999.999999Z.  Its length, or -1 if it did not fit.
 */
int	evidence_name(const struct event *, char *, size_t);
/* Whether an event concerns one flow, and so has evidence. */
bool	evidence_kind(enum event_kind);

#endif
