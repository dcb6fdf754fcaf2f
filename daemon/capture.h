/*
 * Live capture: one libpcap handle per interface, non-blocking, its
 * selectable descriptor in the libevent loop.
 */
#ifndef RSTWATCHD_CAPTURE_H
#define RSTWATCHD_CAPTURE_H

#include <event2/event.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "conf.h"

/* Packets read per callback, so one busy interface cannot starve the rest. */
#define CAPTURE_BUDGET	512

struct capture {
	pcap_t		*pcap;
	char		 name[CONF_IFNAME_MAX];
	int		 linktype;
	struct event	*read_ev;
	struct event	*poll_ev;	/* when pcap needs a select timeout */
	struct analyzer	*analyzer;	/* where packets go */
	char		 filter[CONF_FILTER_MAX + 128];
	uint64_t	 received;	/* from pcap_stats, cumulative */
	uint64_t	 dropped;
	uint64_t	 packets;	/* handed to the analyser */
};

/*
 * Open and activate a capture on name with the configuration's snaplen,
 * buffer, promiscuous mode and filter.  Returns -1 with a one-line reason
 * in err on failure.
 */
int	capture_open(struct capture *, const char *name, const struct conf *,
	    char *err, size_t errlen);
/* Register with the loop; packets go to a. */
int	capture_start(struct capture *, struct event_base *, struct analyzer *);
/*
 * Read pcap_stats: *new_drops is the drops since the last call (kernel and
 * interface), *new_received likewise.  -1 if the statistics are unavailable.
 */
int	capture_poll_stats(struct capture *, uint64_t *new_drops,
	    uint64_t *new_received);
void	capture_close(struct capture *);
/* Compile the configured filter as a capture would (for -t); -1 with err. */
int	capture_check_filter(const struct conf *, char *err, size_t errlen);
/* The filter the analyser needs, "and"-ed with the user's when set. */
void	capture_filter(char *, size_t, const char *user, int linktype);

#endif
