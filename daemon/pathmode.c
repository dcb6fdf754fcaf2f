/*
 * -r A -R B: two captures of the same traffic, taken at two points of its
 * path, read together through the -r reader (capfile.c) one packet at a
 * time and merged by time on A's clock, B's shifted by the clock offset
 * the comparison has estimated so far.  The comparison itself is
 * lib/path.c; this file reads, decodes, and writes out what it says.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "decode.h"
#include "log.h"
#include "path.h"
#include "pathmode.h"
#include "sinks.h"
#include "timeunit.h"

/* One file and the packet it has ready. */
struct point {
	const char	*path;
	struct capfile	*cf;
	bool		 ready;
	bool		 damaged;
	struct pkt	 k;
	struct path_frame fr;
	uint64_t	 undecoded;
};

struct pathmode {
	struct sinks	 sinks;
	bool		 json;
	uint64_t	 kinds[EV_NKINDS];
	uint64_t	 records;
};

static void	point_next(struct point *);
static void	on_event(void *, const struct event *);
static void	on_record(void *, const struct path_record *);
static void	summary(const struct pathmode *, const struct path *,
		    const struct point *);

/* The next packet the decoder understands, or none (end or damage). */
static void
point_next(struct point *pt)
{
	struct capfile_pkt cp;
	enum decode_result r;
	int rc = 0;

	pt->ready = false;
	while (pt->cf != NULL && (rc = capfile_next(pt->cf, &cp)) == 1) {
		memset(&pt->k, 0, sizeof(pt->k));
		r = decode_packet(&pt->k, cp.linktype, cp.data, cp.caplen,
		    cp.wirelen);
		if (r != DECODE_ok && r != DECODE_tcp_bad_option) {
			pt->undecoded++;
			continue;
		}
		pt->k.ts_us = cp.ts_us;
		path_frame_extras(&pt->fr, cp.data, cp.caplen, &pt->k);
		pt->ready = true;
		return;
	}
	if (pt->cf != NULL && rc == -1) {
		log_warnx("%s: %s; stopped reading this file there", pt->path,
		    capfile_error(pt->cf));
		pt->damaged = true;
	}
}

static void
on_event(void *arg, const struct event *ev)
{
	struct pathmode *m = arg;
	uint64_t before = m->sinks.alerts;

	sinks_event(&m->sinks, ev);
	if (m->sinks.alerts != before && ev->kind < EV_NKINDS)
		m->kinds[ev->kind]++;
}

static void
on_record(void *arg, const struct path_record *rec)
{
	struct pathmode *m = arg;
	char line[2048];

	m->records++;
	if (!m->json)
		return;
	if (path_record_format_json(rec, line, sizeof(line)) < 0 ||
	    fputs(line, stdout) == EOF || putchar('\n') == EOF)
		m->sinks.write_errors++;
}

/* Always said: the comparison's result is in these numbers too. */
static void
summary(const struct pathmode *m, const struct path *p,
    const struct point *pts)
{
	const struct path_stats *st = path_stats(p);
	uint64_t events = 0;

	for (int k = 0; k < EV_NKINDS; k++)
		events += m->kinds[k];
	if (st->paired == 0) {
		fprintf(stderr, "rstwatchd: %s and %s have no flow in common "
		    "(%" PRIu64 " and %" PRIu64 " TCP flows): not captures of "
		    "the same traffic at the same time, so nothing was "
		    "compared\n", pts[0].path, pts[1].path, st->flows[0],
		    st->flows[1]);
		return;
	}
	fprintf(stderr, "rstwatchd: summary: %" PRIu64 " flows matched "
	    "(%" PRIu64 " through NAT), clock offset %s%+.6f s (B minus A), "
	    "%" PRIu64 " events (path_loss=%" PRIu64 " path_injected=%" PRIu64
	    " path_altered=%" PRIu64 ")\n", st->paired, st->nat,
	    st->offset_samples == 0 ? "unknown, taken as " : "",
	    (double)path_offset_us(p) / USEC_PER_SEC, events, m->kinds[EV_path_loss],
	    m->kinds[EV_path_injected], m->kinds[EV_path_altered]);
	fprintf(stderr, "rstwatchd: summary: a: %" PRIu64 " TCP packets, "
	    "%" PRIu64 " flows (%" PRIu64 " only there, %" PRIu64 " of them "
	    "between hosts no matched flow joins); b: %" PRIu64 " TCP "
	    "packets, %" PRIu64 " flows (%" PRIu64 " only there, %" PRIu64
	    " of them between other hosts)\n", st->packets[0], st->flows[0],
	    st->unpaired[0], st->off_path[0], st->packets[1], st->flows[1],
	    st->unpaired[1], st->off_path[1]);
	if (st->not_tcp[0] + st->not_tcp[1] + pts[0].undecoded +
	    pts[1].undecoded > 0)
		fprintf(stderr, "rstwatchd: summary: not compared: %" PRIu64
		    " packets not TCP, %" PRIu64 " not decoded\n",
		    st->not_tcp[0] + st->not_tcp[1],
		    pts[0].undecoded + pts[1].undecoded);
	if (st->overflow + st->evicted > 0)
		fprintf(stderr, "rstwatchd: summary: limits: %" PRIu64
		    " held packets judged before the window ended (slots "
		    "full), %" PRIu64 " flows concluded early (table full)\n",
		    st->overflow, st->evicted);
}

int
pathmode_run(const struct conf *c, const char *file_a, const char *file_b,
    bool json, int verbose)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	struct point pts[2];
	struct pathmode *m;
	struct path_sink sink;
	struct path *p;
	int rc = 0;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_errx("out of memory");
		return 2;
	}
	memset(pts, 0, sizeof(pts));
	pts[0].path = file_a;
	pts[1].path = file_b;
	for (int i = 0; i < 2; i++)
		if ((pts[i].cf = capfile_open(pts[i].path, c->filter, err,
		    sizeof(err))) == NULL) {
			log_errx("%s: %s", pts[i].path, err);
			if (i == 1)
				capfile_close(pts[0].cf);
			free(m);
			return 2;
		}
	m->json = json;
	if (sinks_open(&m->sinks, c, NULL, true, json) == -1) {
		capfile_close(pts[0].cf);
		capfile_close(pts[1].cf);
		free(m);
		return 2;
	}
	sink.event = on_event;
	sink.record = on_record;
	sink.ctx = m;
	if ((p = path_new(NULL, &sink)) == NULL) {
		log_errx("cannot allocate %u flows for -R", PATH_MAX_FLOWS);
		rc = 2;
		goto out;
	}
	point_next(&pts[0]);
	point_next(&pts[1]);
	while (pts[0].ready || pts[1].ready) {
		int i = path_next_point(p, pts[0].ready, pts[0].k.ts_us,
		    pts[1].ready, pts[1].k.ts_us);

		path_packet(p, i, &pts[i].k, &pts[i].fr);
		point_next(&pts[i]);
	}
	path_finish(p);
	summary(m, p, pts);
	if (verbose > 0)
		log_info("path: matched=%" PRIu64 " copies=%" PRIu64
		    " records=%" PRIu64, path_stats(p)->matched,
		    path_stats(p)->copies, m->records);
	if (pts[0].damaged || pts[1].damaged)
		rc = 2;
	path_free(p);
out:
	sinks_close(&m->sinks);
	capfile_close(pts[0].cf);
	capfile_close(pts[1].cf);
	free(m);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("standard output");
		rc = 2;
	}
	return rc;
}
