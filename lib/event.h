/*
 * Events (rstwatchd(8) EVENTS) and flow records (rstwatchd(8) JSON
 * OUTPUT): what the analyser reports, independent of how it is written
 * out.
 */
#ifndef RSTWATCH_EVENT_H
#define RSTWATCH_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "pkt.h"

/* X(name, default severity) in the order of rstwatchd(8) EVENTS. */
#define EVENT_KINDS(X)				\
	X(syn_retransmit,	SEV_WARNING)	\
	X(synack_retransmit,	SEV_WARNING)	\
	X(syn_refused,		SEV_NOTICE)	\
	X(data_retransmit,	SEV_WARNING)	\
	X(loss_reset,		SEV_ERR)	\
	X(app_reset,		SEV_NOTICE)	\
	X(rst_injected,		SEV_WARNING)	\
	X(seq_anomaly,		SEV_WARNING)	\
	X(icmp_unreachable,	SEV_NOTICE)	\
	X(capture_drop,		SEV_WARNING)	\
	X(rst_rate,		SEV_WARNING)	\
	X(path_loss,		SEV_WARNING)	\
	X(path_injected,	SEV_WARNING)	\
	X(path_altered,		SEV_NOTICE)

#define EVENT_KIND_ENUM(name, sev)	EV_##name,
enum event_kind {
	EVENT_KINDS(EVENT_KIND_ENUM)
	EV_NKINDS
};
#undef EVENT_KIND_ENUM

/* The syslog severities we use, numerically equal to LOG_*. */
enum severity {
	SEV_EMERG = 0, SEV_ALERT, SEV_CRIT, SEV_ERR, SEV_WARNING,
	SEV_NOTICE, SEV_INFO, SEV_DEBUG
};

/*
 * Who sent the packet that the event is about: the "by" key of
 * rstwatchd(8) SYSLOG LINES.
 */
enum event_side {
	SIDE_NONE = 0,
	SIDE_SRC,		/* the originator */
	SIDE_DST		/* the responder */
};

enum tristate { TRI_UNKNOWN = 0, TRI_NO, TRI_YES };

struct event {
	enum event_kind	kind;
	enum severity	severity;
	uint64_t	ts_us;

	/* The flow, originator first; has_flow false for capture_drop. */
	bool		has_flow;
	bool		has_sport;	/* false for rst_rate (service only) */
	uint8_t		proto;		/* PKT_PROTO_TCP or PKT_PROTO_UDP */
	struct addr	src;
	struct addr	dst;
	uint16_t	sport;
	uint16_t	dport;
	/* Encapsulations the flow was seen in, outermost first. */
	uint8_t		ntunnels;
	struct pkt_tunnel tunnels[PKT_MAX_TUNNELS];

	/* Kind-specific values; which ones are printed depends on kind. */
	uint32_t	count;		/* retransmits, anomalies, RSTs, drops */
	uint32_t	threshold;
	uint32_t	seq;		/* data_retransmit: first byte, raw */
	enum event_side	by;
	uint8_t		ttl;
	uint8_t		expected_ttl;
	bool		window_evidence; /* rst_injected on sequence, not TTL */
	uint32_t	expected_seq;	/* with window_evidence */
	uint32_t	window;		/* with window_evidence */
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	struct addr	reporter;
	enum tristate	listening;	/* syn_retransmit to a local address */
	uint64_t	received;	/* capture_drop */
	uint32_t	window_s;	/* rst_rate */
	uint64_t	suppressed;	/* cooldown summary; 0 = none */
	bool		capture_loss;
	const char	*evidence;	/* the evidence pcap's path, or NULL */

	/* Two vantage points (lib/path.c): path_loss, _injected, _altered. */
	const char	*what;		/* syn synack data fin rst; or the change */
	uint8_t		seen_at;	/* the point that saw it: 0 a, 1 b */
	uint32_t	len;		/* data bytes, for what=data */
	bool		has_ip_id;	/* IPv4 evidence of path_injected */
	uint16_t	ip_id;
	uint16_t	expected_ip_id;	/* the claimed sender's last before it */
	const char	*before;	/* path_altered: at the upstream point */
	const char	*after;		/* and at the downstream one */
	const char	*sentence;	/* their msg (path_event_sentence()) */

	const char	*iface;		/* NULL when unknown (-r) */
	uint32_t	ifindex;	/* from the link layer (SLL2), 0 unknown */
};

/* Zeek's conn_state vocabulary (rstwatchd(8) JSON OUTPUT). */
#define CONN_STATES(X)	X(S0) X(S1) X(SF) X(REJ) X(S2) X(S3) X(RSTO) \
	X(RSTR) X(RSTOS0) X(RSTRH) X(SH) X(SHR) X(OTH)
#define CONN_STATE_ENUM(name)	CS_##name,
enum conn_state { CONN_STATES(CONN_STATE_ENUM) CS_NSTATES };
#undef CONN_STATE_ENUM

/* This project's close vocabulary (rstwatchd(8) JSON OUTPUT). */
#define CLOSE_REASONS(X)	X(graceful) X(refused) X(loss_reset) \
	X(app_reset) X(rst_injected) X(handshake_timeout) X(timeout) X(open)
#define CLOSE_ENUM(name)	CLOSE_##name,
enum close_reason { CLOSE_REASONS(CLOSE_ENUM) CLOSE_NREASONS };
#undef CLOSE_ENUM

struct flow_record {
	uint64_t	ts_start_us;
	uint64_t	ts_end_us;
	uint8_t		proto;
	struct addr	src;
	struct addr	dst;
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		ntunnels;	/* as in struct event */
	struct pkt_tunnel tunnels[PKT_MAX_TUNNELS];
	uint64_t	pkts_orig;
	uint64_t	pkts_resp;
	uint64_t	bytes_orig;	/* transport payload bytes */
	uint64_t	bytes_resp;
	/* TCP only. */
	uint32_t	syn_retransmits;
	uint32_t	synack_retransmits;
	uint32_t	retransmits_orig;
	uint32_t	retransmits_resp;
	uint32_t	rst_orig;
	uint32_t	rst_resp;
	uint32_t	seq_anomalies;
	uint32_t	keepalives;
	uint32_t	window_probes;
	uint32_t	out_of_order;
	uint32_t	duplicates;
	/* TCP and UDP. */
	uint32_t	icmp_unreachables;
	enum conn_state	conn_state;
	enum close_reason close;
};

const char *event_kind_name(enum event_kind);
enum severity event_kind_default_severity(enum event_kind);
/* Returns -1 when the name is not a kind. */
int	event_kind_from_name(const char *);
const char *severity_name(enum severity);
int	severity_from_name(const char *);
const char *conn_state_name(enum conn_state);
const char *close_reason_name(enum close_reason);

/*
 * Text forms.  Both write a NUL-terminated line without a newline and
 * return its length, or -1 if it did not fit.  event_format_text() is the
 * syslog line of rstwatchd(8) SYSLOG LINES; the JSON forms are its JSON
 * OUTPUT.
 */
int	event_format_text(const struct event *, char *, size_t);
int	event_format_json(const struct event *, char *, size_t);
int	flow_record_format_json(const struct flow_record *, char *, size_t);
/*
 * Each key of an event in line order (rstwatchd(8) SYSLOG LINES), with a
 * string value, or a number when str is NULL: the one list both text
 * forms are made from.
 */
typedef void	event_field_fn(void *arg, const char *key, const char *str,
		    uint64_t num);
void	event_format_fields(const struct event *, event_field_fn *, void *);
/*
 * A tunnel stack as the tunnel key writes it (rstwatchd(8) SYSLOG
 * LINES): per layer TYPE:SRC>DST[:IDNAME=ID], outermost first, joined by
 * "/".  Returns the length, or -1 if it did not fit.
 */
int	tunnel_format_text(const struct pkt_tunnel *, unsigned n, char *,
	    size_t);
/* RFC 3339 UTC with microseconds: 2023-11-14T22:13:20.123456Z. */
int	format_rfc3339(uint64_t ts_us, char *, size_t);

#endif
