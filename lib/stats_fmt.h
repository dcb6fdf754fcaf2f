/*
 * The statistics lines: the daemon's "statistics:" and "stopped:" lines,
 * its sd_notify STATUS=, and -r's counts under -v and its end summary.
 * One table of names and one writer, so that a counter is called the same
 * wherever it is said.  Pure: the caller gathers the counts and prints.
 */
#ifndef RSTWATCH_STATS_FMT_H
#define RSTWATCH_STATS_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "decode.h"
#include "flow.h"

struct stats_counts {
	/* The analyser's and its flow table's (stats_counts_from). */
	uint64_t	packets;	/* handed to the analyser */
	uint64_t	skipped;	/* not decoded whole: every decode[r > 0] */
	uint64_t	tcp;
	uint64_t	udp;
	uint64_t	icmp_errors;
	uint64_t	duplicates;
	uint64_t	flows;		/* created */
	uint64_t	active;
	uint64_t	max_active;
	uint64_t	evicted;
	uint64_t	expired;
	/* The caller's. */
	uint64_t	received;	/* by the kernel (pcap_stats) */
	uint64_t	dropped;	/* by the kernel */
	uint64_t	alerts;		/* delivered */
	uint64_t	suppressed;	/* by cooldowns */
	uint64_t	reopened;	/* captures opened again */
	uint64_t	blind_us;	/* time without a capture */
	uint64_t	filtered;	/* live: by the capture filter in the daemon */
	uint64_t	withheld;	/* -r: by the rules (printed "filtered") */
};

enum stats_line {
	STATS_LINE_LIVE,	/* "statistics:" and "stopped:" */
	STATS_LINE_STATUS,	/* after "STATUS=" */
	STATS_LINE_FILES,	/* -r -v */
	STATS_LINE_SUMMARY	/* -r's first summary line */
};

void	stats_counts_from(struct stats_counts *, const struct analyzer_stats *,
	    const struct flow_table_stats *);
/*
 * The line, NUL-terminated, without the caller's prefix: its length, or
 * -1 when it was cut (buf then holds the prefix that fitted).
 */
int	stats_format(const struct stats_counts *, enum stats_line, char *buf,
	    size_t size);
/* One kind of packet not decoded: "name=N (what it means)". */
int	stats_format_decode(enum decode_result, uint64_t, char *buf,
	    size_t size);

#endif
