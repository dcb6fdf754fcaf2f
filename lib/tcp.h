/*
 * TCP analysis (rstwatchd(8), EVENTS and DEFINITIONS): retransmissions, SYN
 * retries and resets, and how each connection ended.  A pure function of the
 * flow, one segment and the thresholds: it updates the flow's TCP state
 * and says what happened; the caller (analyzer.c) reports it and moves
 * the flow between the table's timeout classes.
 */
#ifndef RSTWATCH_TCP_H
#define RSTWATCH_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "flow.h"
#include "pkt.h"

struct tcp_params {
	uint32_t	max_syn_retransmissions;
	uint32_t	max_synack_retransmissions;
	uint32_t	max_data_retransmissions;
};

/*
 * One thing worth an event, with the values the event carries.  Which
 * values mean something depends on kind, as in struct event.
 */
struct tcp_verdict {
	enum event_kind	kind;
	enum event_side	by;		/* the segment's sender */
	uint32_t	count;		/* retransmissions, anomalies */
	uint32_t	threshold;
	uint32_t	seq;		/* data_retransmit; rst_injected window */
	uint32_t	expected_seq;	/* rst_injected on the window */
	uint32_t	window;
	uint8_t		ttl;		/* rst_injected on the TTL */
	uint8_t		expected_ttl;
	bool		window_evidence;
};

/*
 * What one segment did.  A RST is judged once; any other segment is either
 * impossible (seq_anomaly) or counted by exactly one of the SYN, SYN-ACK
 * and data paths.  A second verdict is a late one that the segment proves
 * about earlier ones: the sender's return behind a jump it did not make
 * (seq_anomaly), or the same peer carrying on after a RST that should have
 * ended its connection (rst_injected).  cls is the timeout class the flow
 * belongs in afterwards.
 */
#define TCP_MAX_VERDICTS	2
struct tcp_result {
	struct tcp_verdict v[TCP_MAX_VERDICTS];
	unsigned	nv;
	enum flow_class	cls;
};

/*
 * Analyse p, sent by dir (DIR_ORIG or DIR_RESP) on f.  now_us is the
 * analyser's clock (the newest packet time seen, never behind p's).
 * start_us is where f's start time is (flow_start_us()), read only by a
 * handshake that completes without the originator's SYN.
 */
void	tcp_segment(struct flow *, int dir, const struct pkt *,
	    const struct tcp_params *, uint64_t now_us,
	    const uint64_t *start_us, struct tcp_result *);
/*
 * p carries something its sender had not sent before (sequence beyond its
 * mark, or a higher acknowledgement): so it cannot be a copy.
 */
bool	tcp_news(const struct flow *, int dir, const struct pkt *);
/* p is a SYN that ends f's connection and starts another on its tuple. */
bool	tcp_starts_new_connection(const struct flow *, int dir,
	    const struct pkt *);
/* Which side originates a TCP flow first seen with p: 0 = p's sender. */
int	tcp_originator_is_receiver(const struct pkt *);
/* A new flow's state from its first packet. */
void	tcp_start(struct flow *, const struct pkt *);
enum conn_state tcp_conn_state(const struct flow *);
enum close_reason tcp_close_reason(const struct flow *, enum flow_end);

#endif
