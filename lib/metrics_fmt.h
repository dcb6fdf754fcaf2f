/*
 * The Prometheus text exposition format, version 0.0.4: one function that
 * writes every metric of the daemon into a buffer.  Pure, so that the
 * text is tested without a server; the daemon fills a metrics_view from
 * its modules and serves what comes out.
 */
#ifndef RSTWATCH_METRICS_FMT_H
#define RSTWATCH_METRICS_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "flow.h"
#include "tally.h"

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct metrics_iface {
	const char	*name;
	bool		 up;		/* capturing now */
	uint64_t	 received;	/* pcap_stats */
	uint64_t	 dropped;
};

struct metrics_output {
	const char	*name;		/* "syslog", "json", "stdout" */
	uint64_t	 lost;		/* alerts never delivered */
};

/* The endpoint's own counters (daemon/metrics.c). */
struct metrics_http {
	uint64_t	 connections;
	uint64_t	 requests;
	uint64_t	 deadline_closed;	/* cut at the connection deadline */
	uint64_t	 full;		/* times the connection limit was reached */
};

struct metrics_view {
	const char	*version;
	uint64_t	 start_us;
	const struct tally *m;
	enum severity	 severity[EV_NKINDS];	/* configured, per kind */
	uint64_t	 filtered;	/* disabled kinds, ignore lists */
	const struct analyzer_stats *an;
	const struct flow_table_stats *flows;
	uint32_t	 max_flows;
	const struct metrics_iface *ifaces;
	size_t		 nifaces;
	const struct metrics_output *outputs;
	size_t		 noutputs;
	struct metrics_http http;
};

/*
 * The text, NUL-terminated; returns its length, or -1 when it does not
 * fit in size (buf then holds a prefix).
 */
int	metrics_format(const struct metrics_view *, char *buf, size_t size);

#endif
