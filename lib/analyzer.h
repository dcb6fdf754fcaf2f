/*
 * The packet path: decode, find the flow, analyse, report.  The same path
 * serves live capture and `-r`; the caller supplies packets and time and
 * receives events and flow records through a sink.
 */
#ifndef RSTWATCH_ANALYZER_H
#define RSTWATCH_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "decode.h"
#include "event.h"
#include "evidence.h"
#include "flow.h"
#include "pkt.h"

struct analyzer_params {
	uint32_t	max_syn_retransmissions;	/* resolved, never "auto" */
	uint32_t	max_synack_retransmissions;
	uint32_t	max_data_retransmissions;
	uint64_t	timeout_us[FLOW_NCLASSES];
	uint32_t	rst_rate_threshold;
	uint64_t	rst_rate_window_us;
};

struct analyzer_sink {
	void	(*event)(void *ctx, const struct event *);
	void	(*flow)(void *ctx, const struct flow_record *);
	void	*ctx;
};

struct analyzer_stats {
	uint64_t	packets;
	uint64_t	decode[DECODE_NRESULTS];
	uint64_t	tcp;
	uint64_t	udp;
	uint64_t	icmp_errors;
	uint64_t	duplicates;
	uint64_t	events;
	uint64_t	flow_records;
};

struct analyzer;

/* Allocates the flow table; NULL on failure.  Not for the packet path. */
struct analyzer *analyzer_new(uint32_t max_flows, uint64_t seed,
	    const struct analyzer_params *, const struct analyzer_sink *);
void	analyzer_free(struct analyzer *);
/* New thresholds and timeouts; flows in progress keep their state. */
void	analyzer_set_params(struct analyzer *, const struct analyzer_params *);
/*
 * One frame.  iface names the capture (NULL for files); ts_us drives every
 * timer, so a file replays the same way each time.
 */
void	analyzer_packet(struct analyzer *, int linktype, const uint8_t *,
	    uint32_t caplen, uint32_t wirelen, uint64_t ts_us, const char *iface);
/*
 * The same in steps, for a caller that keeps packets in flight (-r):
 * stage decodes a frame into a slot (the slot does not point into the
 * frame afterwards) and hashes its flow key.  Stage reads nothing of the
 * analyser that packets change, so it may run in another thread than the
 * other steps.  Then, a few packets ahead of analysing a slot, the caller
 * starts fetching its hash bucket, a little later its flow; commit, in
 * packet order, analyses it.  analyzer_packet() is stage + commit.
 */
struct analyzer_slot {
	struct flow_key	key;
	uint32_t	hash;
	int		sender_is_b;
	enum decode_result result;
	const char	*iface;
	int		linktype;
	/*
	 * Evidence: the frame's first bytes, valid until commit, or NULL;
	 * or, from a file, where they are (frame_at_ref, frame_ref).
	 */
	const uint8_t	*frame;
	uint64_t	frame_ref;
	uint32_t	frame_len;
	bool		frame_at_ref;
	/* Last: the tail of its tunnel stack is cold for most packets. */
	struct pkt	p;
};
/* What of a slot an untunnelled packet uses: worth fetching ahead. */
#define ANALYZER_SLOT_HOT	offsetof(struct analyzer_slot, p.tunnels)
void	analyzer_stage(const struct analyzer *, struct analyzer_slot *,
	    int linktype, const uint8_t *, uint32_t caplen, uint32_t wirelen,
	    uint64_t ts_us, const char *iface);
void	analyzer_commit(struct analyzer *, struct analyzer_slot *);
/*
 * analyzer_commit() of n staged slots in order, each one's memory (slot,
 * bucket, flow, activity-list neighbours) fetched a few packets ahead.
 */
void	analyzer_commit_batch(struct analyzer *, struct analyzer_slot *,
	    size_t n);
/*
 * Evidence (evidence.h): the analyser holds each packet of a flow in the
 * store and releases a flow's packets when the flow ends; it does not own
 * the store.  NULL turns evidence off.  A caller that stages packets ahead
 * keeps each frame's first snaplen (analyzer_evidence_snaplen()) bytes
 * with keep_frame (buf must have room for them) for as long as the slot
 * waits for its commit.
 */
void	analyzer_set_evidence(struct analyzer *, struct evidence *);
uint32_t analyzer_evidence_snaplen(const struct analyzer *);
void	analyzer_keep_frame(struct analyzer_slot *, uint32_t snaplen,
	    uint8_t *buf, const uint8_t *data, uint32_t caplen);
/*
 * Or, when the frame's bytes can be read again from where they are (a
 * file), keeps only ref, which the store's fetch function resolves
 * (evidence_hold_ref()).  snaplen is analyzer_evidence_snaplen()'s, asked
 * once by the caller: the store's line is the analysis thread's to write.
 */
void	analyzer_keep_ref(struct analyzer_slot *, uint32_t snaplen,
	    uint64_t ref, uint32_t caplen);
/*
 * From within the event callback only: the flow of the event being
 * reported gets an evidence request under name (evidence_request()).
 */
bool	analyzer_evidence_request(struct analyzer *, const char *name);
/* Expire idle flows as of now_us (live mode calls this on a timer). */
void	analyzer_tick(struct analyzer *, uint64_t now_us);
/* End every flow (end of input or shutdown): flow records come out. */
void	analyzer_finish(struct analyzer *);
/* Alerts raised from now on say capture_loss=yes, until cleared. */
void	analyzer_set_capture_loss(struct analyzer *, bool);
const struct analyzer_stats *analyzer_stats(const struct analyzer *);
const struct flow_table_stats *analyzer_flow_stats(const struct analyzer *);
size_t	analyzer_memory(const struct analyzer *);
/*
 * The flow table's slots_used and prefault (see flow.h); the prefault
 * covers the evidence store's entries for the same slots.
 */
uint32_t analyzer_flow_slots_used(const struct analyzer *);
void	analyzer_flow_prefault(const struct analyzer *, uint32_t from,
	    uint32_t n);

/* The default thresholds and timeouts, equal to conf_defaults(). */
void	analyzer_params_from_conf(struct analyzer_params *, const struct conf *,
	    uint32_t syn_retries_auto);

#endif
