/*
 * Live capture: one libpcap handle per interface, non-blocking, its
 * selectable descriptor in the libevent loop.  A capture outlives its
 * handle: when the interface is missing, down, deleted or recreated, the
 * handle is closed and the capture waits, then reopens it.
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
/* A capture's whole filter: the built-in part, then the configured one. */
#define CAPTURE_FILTER_MAX	(CONF_FILTER_MAX + 1024)
/*
 * How long the kernel may hold packets before waking us (TPACKET_V3 block
 * timeout): wakeups come per block of packets instead of per packet, and
 * alerts still come well within the second rstwatchd(8)
 * SYSLOG LINES promises.
 */
#define CAPTURE_TIMEOUT_MS	100
/* A capture that failed to open for another reason than missing or down. */
#define CAPTURE_RETRY_MS	5000
/* At stop, how long to keep reading what the kernel already holds. */
#define CAPTURE_DRAIN_MS	1000

struct capture {
	pcap_t		*pcap;		/* NULL while waiting for the interface */
	char		 name[CONF_IFNAME_MAX];
	int		 linktype;
	int		 ifindex;	/* of the open handle; 0 for "any" */
	struct event	*read_ev;
	struct event	*poll_ev;	/* when pcap needs a select timeout */
	struct event_base *base;
	struct analyzer	*analyzer;	/* where packets go */
	/*
	 * The packets of one read, staged (decoded and hashed), then analysed
	 * with their flows fetched a few packets ahead (as -r does).
	 */
	struct analyzer_slot *batch;	/* CAPTURE_BUDGET slots */
	size_t		 nbatch;
	uint8_t		*keep;		/* evidence: frames' first bytes, per slot */
	uint32_t	 keep_snaplen;
	char		 filter[CAPTURE_FILTER_MAX];
	/*
	 * A filter the kernel cannot run (link-layer header fields of a
	 * cooked capture) is run here instead, on every packet.
	 */
	struct bpf_program userland;
	bool		 userland_on;
	uint64_t	 userland_until_us;	/* 0, or: only for packets before */
	/* Counters over the capture's whole life, across reopenings. */
	uint64_t	 received;	/* from pcap_stats */
	uint64_t	 dropped;
	uint64_t	 packets;	/* handed to the analyser */
	uint64_t	 filtered;	/* rejected by the userland filter */
	uint64_t	 reported_received;	/* for capture_poll_stats */
	uint64_t	 reported_dropped;
	uint64_t	 reopened;	/* handles opened again after a loss */
	uint64_t	 blind_us;	/* time without a handle, after start */
	/* The open handle's own. */
	uint32_t	 h_recv;	/* last ps_recv, ps_drop + ps_ifdrop */
	uint32_t	 h_drop;
	uint64_t	 h_read;	/* packets read from it */
	/* While waiting. */
	uint64_t	 lost_us;	/* when the handle went; 0 if never open */
	uint64_t	 waiting_since_us;
	uint64_t	 retry_us;	/* not before */
	char		 why[PCAP_ERRBUF_SIZE + 256];	/* said once per reason */
};

/* Whether the kernel could ever accept name as an interface name. */
bool	capture_name_valid(const char *name);
/* "any" or an NFLOG group: libpcap devices that no interface stands for. */
bool	capture_is_pseudo(const char *name);
/*
 * Open and activate a capture on name with the configuration's snaplen,
 * buffer, promiscuous mode and filter.  Returns 0 when capturing, 1 when
 * the interface does not exist yet or is down (the reason in err: the
 * capture is kept and retried), -1 with a one-line reason in err when it
 * can never work.
 */
int	capture_open(struct capture *, const char *name, const struct conf *,
	    char *err, size_t errlen);
/* Register with the loop; packets go to a.  A waiting capture is kept. */
int	capture_start(struct capture *, struct event_base *, struct analyzer *);
/*
 * From the loop's timer: close a handle whose interface went down or away
 * (or whose read failed), reopen a waiting one whose interface is back.
 * Both are said in the log; the time without a handle is counted.
 */
void	capture_tend(struct capture *, const struct conf *, uint64_t now_us);
/*
 * Replace the filter of an open capture with prog (compiled for its link
 * type by pcap_compile on its handle) in one step: the kernel swaps the
 * socket filter atomically, so no packet falls between the two.  text is
 * what prog was compiled from.  -1 with err when it cannot be installed.
 */
int	capture_setfilter(struct capture *, struct bpf_program *prog,
	    const char *text, char *err, size_t errlen);
/*
 * Read what the kernel already accepted for this capture (in the ring, or
 * in a block not yet handed over) until all of it is read or deadline.
 */
void	capture_drain(struct capture *, uint64_t deadline_us);
/*
 * pcap_stats: *new_drops is the drops since the last call (kernel and
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
