/*
 * What analyzer.c and the protocol analysers (tcp.c) share.  Not installed,
 * not for the daemon.
 */
#ifndef RSTWATCH_ANALYZER_PRIV_H
#define RSTWATCH_ANALYZER_PRIV_H

#include "analyzer.h"
#include "pkt.h"
#include "rst_rate.h"
#include "tunnel.h"

struct analyzer {
	struct flow_table *flows;
	struct rst_rate	*rst_rate;
	struct tunnel_table *tunnels;	/* flows' tunnel stacks, interned */
	struct analyzer_params params;
	struct analyzer_sink sink;
	struct analyzer_stats stats;
	uint64_t	clock_us;	/* newest packet time seen */
	uint64_t	next_expire_us;
	uint64_t	max_timeout_us;	/* the longest flow timeout */
	const char	*iface;		/* of the packet being analysed */
	uint32_t	ifindex;
	bool		capture_loss;
};

/* Report kind once per flow; fills the flow's endpoints and the time. */
void	analyzer_emit(struct analyzer *, struct flow *, struct event *);
bool	analyzer_fired(const struct flow *, enum event_kind);

/* dir is DIR_ORIG or DIR_RESP, the sender of p. */
void	tcp_segment(struct analyzer *, struct flow *, int dir, const struct pkt *);
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
void	tcp_start(struct flow *, const struct pkt *);
enum conn_state tcp_conn_state(const struct flow *);
enum close_reason tcp_close_reason(const struct flow *, enum flow_end);

#endif
