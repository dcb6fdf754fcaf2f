/*
 * -r: capture files (pcap or pcapng) through the same packet path as live
 * capture, with the packets' own time driving every timer.
 */
#include <pcap/pcap.h>
#include <stdio.h>

#include "log.h"
#include "offline.h"

#define PIPE_FLOW	4	/* packets between staging and fetching the flow */
#define PIPE_COMMIT	8	/* packets between staging and analysing */
#define PIPE_SLOTS	16	/* a power of two above PIPE_COMMIT */

static int
offline_filter(pcap_t *p, const char *path, const char *filter)
{
	struct bpf_program prog;
	int rc;

	if (filter == NULL || filter[0] == '\0')
		return 0;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		log_errx("%s: capture.filter \"%s\": %s", path, filter,
		    pcap_geterr(p));
		return -1;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc == -1)
		log_errx("%s: capture.filter: %s", path, pcap_geterr(p));
	return rc;
}

static int
offline_file(struct analyzer *a, const char *path, const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct analyzer_slot ring[PIPE_SLOTS];
	uint64_t ts_us;
	size_t n;
	pcap_t *p;
	int linktype, rc;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		log_errx("%s: %s", path, errbuf);
		return 2;
	}
	linktype = pcap_datalink(p);
	if (!decode_linktype_supported(linktype))
		log_warnx("%s: link type %s (%d) is not decoded; its packets "
		    "are counted and skipped", path,
		    pcap_datalink_val_to_name(linktype) ?
		    pcap_datalink_val_to_name(linktype) : "unknown", linktype);
	log_debug("%s: linktype=%d", path, linktype);
	if (offline_filter(p, path, filter) == -1) {
		pcap_close(p);
		return 2;
	}

	/*
	 * A few packets in flight: each is decoded and its bucket fetched
	 * PIPE_FLOW packets before its flow is fetched, and that
	 * PIPE_COMMIT - PIPE_FLOW packets before it is analysed, so that the
	 * cache misses of a big flow table overlap instead of adding up.
	 */
	for (n = 0; (rc = pcap_next_ex(p, &hdr, &data)) == 1; n++) {
		ts_us = hdr->ts.tv_sec < 0 ? 0 :
		    (uint64_t)hdr->ts.tv_sec * 1000000 +
		    (uint64_t)(hdr->ts.tv_usec % 1000000);
		analyzer_stage(a, &ring[n % PIPE_SLOTS], linktype, data,
		    hdr->caplen, hdr->len > hdr->caplen ? hdr->len : hdr->caplen,
		    ts_us, NULL);
		if (n >= PIPE_FLOW)
			analyzer_prefetch(a, &ring[(n - PIPE_FLOW) % PIPE_SLOTS]);
		if (n >= PIPE_COMMIT)
			analyzer_commit(a, &ring[(n - PIPE_COMMIT) % PIPE_SLOTS]);
	}
	for (size_t i = n > PIPE_COMMIT ? n - PIPE_COMMIT : 0; i < n; i++)
		analyzer_commit(a, &ring[i % PIPE_SLOTS]);
	/* A file cut short is read up to the cut: what came before counts. */
	if (rc == PCAP_ERROR)
		log_warnx("%s: %s; stopped reading this file there", path,
		    pcap_geterr(p));
	pcap_close(p);
	return 0;
}

int
offline_run(struct analyzer *a, char *const *files, int nfiles,
    const char *filter)
{
	int rc = 0;

	for (int i = 0; i < nfiles && rc == 0; i++)
		rc = offline_file(a, files[i], filter);
	/* Even after a failure, what was read is reported whole. */
	analyzer_finish(a);
	return rc;
}
