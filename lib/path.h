/*
 * Two vantage points (-r A -R B): the same TCP traffic captured at two
 * points of its path, compared packet by packet.  See lib/path.c for the
 * design.  Pure: the caller reads the files, decodes the packets and
 * hands them over in merged time order; events and path records come
 * back through a sink.
 */
#ifndef RSTWATCH_PATH_H
#define RSTWATCH_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"
#include "pkt.h"
#include "timeunit.h"

/* The two points: -r's file and -R's. */
#define PATH_A		0
#define PATH_B		1

/* Defaults: the matching window and the number of flows followed at once. */
#define PATH_WINDOW_US		(10 * USEC_PER_SEC)
#define PATH_MAX_FLOWS		65536
/* Flows idle this long are concluded (their record written). */
#define PATH_IDLE_US		(60 * USEC_PER_SEC)

/*
 * What the decoder does not keep and the comparison needs, taken from the
 * frame by path_frame_extras(): the IP traffic class, and a hash of the
 * first payload bytes the capture holds.
 */
#define PATH_HASH_BYTES	16
struct path_frame {
	bool		has_tos;
	uint8_t		tos;		/* DSCP << 2 | ECN */
	uint8_t		hash_len;	/* payload bytes hashed, 0 to 16 */
	uint32_t	hash;
};

/*
 * One flow as both points saw it, written when the flow ends: the tuple
 * at A (and at B when NAT rewrote it), what matched, what did not, and
 * the one-way delays with the clock offset taken out.
 */
struct path_record {
	uint64_t	ts_start_us;
	uint64_t	ts_end_us;
	struct addr	src, dst;		/* at point A, originator first */
	uint16_t	sport, dport;
	bool		nat;
	struct addr	b_src, b_dst;		/* at point B, with nat */
	uint16_t	b_sport, b_dport;
	uint64_t	pkts_a, pkts_b;
	uint32_t	matched[2];		/* [0] originator's, [1] responder's */
	uint32_t	lost[2];
	uint32_t	injected[2];
	uint32_t	reordered[2];
	bool		has_delay[2];
	int64_t		delay_median_us[2];
	int64_t		delay_max_us[2];
};

struct path_sink {
	void	(*event)(void *ctx, const struct event *);
	void	(*record)(void *ctx, const struct path_record *);
	void	*ctx;
};

struct path_params {
	uint64_t	window_us;	/* PATH_WINDOW_US */
	uint64_t	idle_us;	/* PATH_IDLE_US */
	uint32_t	max_flows;	/* PATH_MAX_FLOWS */
};

struct path_stats {
	uint64_t	packets[2];	/* per point, TCP */
	uint64_t	not_tcp[2];	/* skipped: only TCP is compared */
	uint64_t	flows[2];	/* seen per point */
	uint64_t	paired;		/* flows seen at both points */
	uint64_t	nat;		/* of which through NAT */
	uint64_t	unpaired[2];	/* flows seen at one point only */
	uint64_t	off_path[2];	/* of those, not between paired hosts */
	uint64_t	matched;	/* packets or byte ranges matched */
	uint64_t	copies;		/* late copies of what matched already */
	uint64_t	overflow;	/* held packets judged early: slots full */
	uint64_t	evicted;	/* flows concluded early: table full */
	uint64_t	events;
	uint64_t	offset_samples;	/* flows behind the clock offset */
};

struct path;

/* NULL when the memory cannot be had.  params NULL: the defaults. */
struct path *path_new(const struct path_params *, const struct path_sink *);
void	path_free(struct path *);
/*
 * One packet seen at point (PATH_A or PATH_B), with its own timestamp.
 * Packets must come in the order of path_adjusted_us(): the merge of the
 * two files by time with B's clock offset taken out.
 */
void	path_packet(struct path *, int point, const struct pkt *,
	    const struct path_frame *);
/* B's clock minus A's, as estimated so far (0 until two-way traffic). */
int64_t	path_offset_us(const struct path *);
/* ts of a packet at point on the common (A's) clock. */
uint64_t path_adjusted_us(const struct path *, int point, uint64_t ts_us);
/*
 * The merge's next point: the one whose next packet (at a_ts_us, b_ts_us)
 * comes first on the common clock, A on a tie, the only one with a packet
 * left when the other has none (one of them must have one).
 */
int	path_next_point(const struct path *, bool a_left, uint64_t a_ts_us,
	    bool b_left, uint64_t b_ts_us);
/* End of both files: everything held is judged, every record written. */
void	path_finish(struct path *);
const struct path_stats *path_stats(const struct path *);

/*
 * Finds the TCP header of pkt in its frame (by its ports, sequence and
 * acknowledgement numbers), and the IP header before it; fills fr.
 */
void	path_frame_extras(struct path_frame *, const uint8_t *frame,
	    size_t caplen, const struct pkt *);

/*
 * The record as one JSON object ("type":"path"), without a newline.
 * Returns its length, or -1 if it did not fit.
 */
int	path_record_format_json(const struct path_record *, char *, size_t);
/* The msg of a path_* event, cut to fit and NUL-terminated. */
void	path_event_sentence(const struct event *, char *, size_t);

#endif
