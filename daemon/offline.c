/*
 * -r: capture files (pcap or pcapng) through the same packet path as live
 * capture, with the packets' own time driving every timer.
 *
 * The file is read a batch at a time: each packet of the batch is staged
 * (decoded, its flow key made and hashed), then the batch is analysed in
 * packet order with each packet's hash bucket and flow fetched a few
 * packets ahead, so that the cache misses of a big flow table overlap
 * instead of adding up, as live capture does with each read.  One thread:
 * an A/B on 10M-packet traces found a reader thread (with our own pcap
 * reader and the flow table faulted in ahead) short of the 15% it had to
 * gain to earn its keep (README, Numbers).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capfile.h"
#include "log.h"
#include "offline.h"

/* Large enough that a batch's fetches ahead cost nothing per packet. */
#define BATCH_SLOTS	512

/* Within a batch, how far ahead a bucket, then a flow, is fetched. */
#define AHEAD_BUCKET	16
#define AHEAD_FLOW	8

/*
 * Evidence (-w) needs each frame's first bytes until its commit: a buffer
 * for the batch, with fewer slots per batch when the evidence snap length
 * is large.
 */
#define KEEP_BYTES	(256 * 1024)

struct batch {
	const struct analyzer *a;
	size_t		 n;
	size_t		 max;		/* slots per batch */
	uint32_t	 keep_snaplen;	/* evidence: bytes kept per frame, or 0 */
	uint8_t		*keep;		/* KEEP_BYTES, with evidence */
	struct analyzer_slot slot[BATCH_SLOTS];
};

static void
stage_one(void *arg, size_t i, const struct capfile_pkt *pkt)
{
	struct batch *b = arg;

	analyzer_stage(b->a, &b->slot[i], pkt->linktype, pkt->data,
	    pkt->caplen, pkt->wirelen, pkt->ts_us, NULL);
	if (b->keep_snaplen != 0)
		analyzer_keep_frame(b->a, &b->slot[i],
		    b->keep + i * b->keep_snaplen, pkt->data, pkt->caplen);
}

/* In packet order, each bucket and flow fetched a few packets ahead. */
static void
analyse_batch(struct analyzer *a, struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n && i < AHEAD_BUCKET; i++)
		analyzer_prefetch_bucket(a, &b->slot[i]);
	for (i = 0; i < b->n && i < AHEAD_FLOW; i++)
		analyzer_prefetch_flow(a, &b->slot[i]);
	for (i = 0; i < b->n; i++) {
		if (i + AHEAD_BUCKET < b->n)
			analyzer_prefetch_bucket(a, &b->slot[i + AHEAD_BUCKET]);
		if (i + AHEAD_FLOW < b->n)
			analyzer_prefetch_flow(a, &b->slot[i + AHEAD_FLOW]);
		analyzer_commit(a, &b->slot[i]);
	}
}

/*
 * Packets of a link type we do not decode are counted (decode result
 * linktype_unsupported); say which, without -v, since the traffic they
 * carried went unwatched.  A pcapng file names its link types interface
 * by interface, so this is said once the file is read.
 */
static void
warn_linktypes(const char *path, const struct capfile *file)
{
	struct capfile_linktype lt;
	const char *name;

	for (int i = 0; capfile_linktypes(file, i, &lt); i++) {
		if (decode_linktype_supported(lt.linktype))
			continue;
		name = pcap_datalink_val_to_name(lt.linktype);
		log_warnx("%s: link type %s (%d) is not decoded; its %llu "
		    "packets were counted and skipped", path,
		    name ? name : "unknown", lt.linktype,
		    (unsigned long long)lt.packets);
	}
}

static int
offline_file(struct analyzer *a, const char *path, const char *filter)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	struct capfile *file;
	struct batch *b;
	int rc = 1;

	if ((file = capfile_open(path, filter, err, sizeof(err))) == NULL) {
		log_errx("%s: %s", path, err);
		return 2;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_errx("%s: out of memory", path);
		capfile_close(file);
		return 2;
	}
	b->a = a;
	b->max = BATCH_SLOTS;
	if ((b->keep_snaplen = analyzer_evidence_snaplen(a)) != 0) {
		if (KEEP_BYTES / b->keep_snaplen < BATCH_SLOTS)
			b->max = KEEP_BYTES / b->keep_snaplen;
		if ((b->keep = malloc(KEEP_BYTES)) == NULL) {
			log_errx("%s: out of memory", path);
			free(b);
			capfile_close(file);
			return 2;
		}
	}
	if (capfile_linktype(file) == -1)
		log_debug("%s: linktype=per-interface reader=%s", path,
		    capfile_reader(file));
	else
		log_debug("%s: linktype=%d reader=%s", path,
		    capfile_linktype(file), capfile_reader(file));

	while (rc == 1) {
		b->n = capfile_read(file, b->max, stage_one, b, &rc);
		analyse_batch(a, b);
	}

	/*
	 * A file cut short is read up to the cut: what came before counts,
	 * and the next file is read; the exit status says it was damaged.
	 */
	if (rc == -1)
		log_warnx("%s: %s; stopped reading this file there", path,
		    capfile_error(file));
	warn_linktypes(path, file);
	capfile_close(file);
	free(b->keep);
	free(b);
	return rc == -1 ? 1 : 0;
}

int
offline_run(struct analyzer *a, char *const *files, int nfiles,
    const char *filter)
{
	int rc = 0, damaged = 0;

	for (int i = 0; i < nfiles && rc != 2; i++)
		if ((rc = offline_file(a, files[i], filter)) == 1)
			damaged++;
	/* Even after a failure, what was read is reported whole. */
	analyzer_finish(a);
	return rc == 2 || damaged > 0 ? 2 : 0;
}
