/*
 * -r: capture files (pcap or pcapng) through the same packet path as live
 * capture, with the packets' own time driving every timer.
 *
 * Two threads share the work.  A reader thread reads the file and stages
 * each packet (decode, flow key, hash) into batches; the calling thread
 * analyses the batches in packet order, the only one that touches the
 * flow table, the outputs and the log.  Staging reads nothing that
 * analysis changes (see analyzer_stage()), and a batch changes hands under
 * a mutex, so the two never share memory unguarded.  The results are the
 * same as one thread would give, packet for packet.
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capfile.h"
#include "log.h"
#include "offline.h"

/*
 * Batches large enough that handing them over costs nothing per packet;
 * a ring deep enough (16k packets, 3.5 MB) to absorb the moments when one
 * thread or the other is held up.
 */
#define BATCH_SLOTS	512
#define RING_BATCHES	32

/*
 * The reader keeps the flow table's memory resident ahead of the
 * analysis: as many slots again as are in use, between PREFAULT_MIN and
 * PREFAULT_MAX, asking again every PREFAULT_STEP: small steps, so that no
 * single request keeps the reader from filling batches for long, and a
 * small file does not pay for megabytes it never uses.
 */
#define PREFAULT_MIN	4096
#define PREFAULT_MAX	65536
#define PREFAULT_STEP	4096

/*
 * Evidence (-w) needs each frame's first bytes until its commit: a buffer
 * per batch, with fewer slots per batch when the evidence snap length is
 * large.
 */
#define KEEP_BYTES	(256 * 1024)

/*
 * A file's packets can be read again where they are: the evidence store
 * then holds a reference (the file's number in the top bits, the offset
 * below), not a copy, and reads the bytes back for the few flows that
 * get a file.  Each input stays open until the end of the run, since a
 * flow's evidence may be written after the next file has begun.
 */
#define REF_OFF_BITS	48
#define REF_FILES_MAX	1024

struct refs {
	int		 fd[REF_FILES_MAX];
	int		 n;
	uint64_t	 unreadable;	/* packets pread could not give back */
};

struct batch {
	size_t		n;
	struct analyzer_slot slot[BATCH_SLOTS];
	uint8_t		*keep;		/* KEEP_BYTES, with evidence */
};

struct feed {
	const struct analyzer *a;
	struct capfile	*file;
	uint32_t	 keep_snaplen;	/* evidence: bytes kept per frame, or 0 */
	int		 ref_file;	/* the file's number in refs, or -1 */
	size_t		 batch_max;	/* slots per batch */
	pthread_mutex_t	 lock;
	pthread_cond_t	 room;		/* the reader may go on */
	pthread_cond_t	 data;		/* the analysis may go on */
	bool		 reader_asleep;
	bool		 analysis_asleep;
	struct batch	*ring;
	struct batch	*staging;	/* the reader's batch being filled */
	uint64_t	 filled;	/* batches handed to the analysis */
	uint64_t	 emptied;	/* batches handed back */
	bool		 done;		/* the reader has stopped */
	int		 rc;		/* capfile_next()'s last: 0 or -1 */
	uint32_t	 slots_used;	/* the flow table's, as of the last batch */
	uint32_t	 prefaulted;	/* the reader's: slots resident up to */
	double		 reader_cpu_s;	/* CPU time the reader thread used */
	double		 reader_wait_s;	/* time it waited for room */
	double		 analysis_wait_s; /* time the analysis waited for it */
};

/* Seconds on a clock: CLOCK_MONOTONIC, or the calling thread's CPU time. */
static double
clock_s(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Fresh memory costs a page fault and the zeroing of a page when a flow
 * first lands on it; on the reader's core that is off the critical path.
 */
static void
feed_prefault(struct feed *f, uint32_t slots_used)
{
	uint32_t ahead = slots_used < PREFAULT_MIN ? PREFAULT_MIN :
	    slots_used > PREFAULT_MAX ? PREFAULT_MAX : slots_used;

	if (slots_used + ahead < f->prefaulted + PREFAULT_STEP)
		return;
	if (f->prefaulted < slots_used)
		f->prefaulted = slots_used;
	analyzer_flow_prefault(f->a, f->prefaulted,
	    slots_used + ahead - f->prefaulted);
	f->prefaulted = slots_used + ahead;
}

static void
stage_one(void *arg, size_t i, const struct capfile_pkt *pkt)
{
	struct feed *f = arg;

	analyzer_stage(f->a, &f->staging->slot[i], pkt->linktype, pkt->data,
	    pkt->caplen, pkt->wirelen, pkt->ts_us, NULL);
	if (f->keep_snaplen == 0)
		return;
	if (f->ref_file >= 0 && pkt->file_off >= 0 &&
	    pkt->file_off < (int64_t)1 << REF_OFF_BITS)
		analyzer_keep_ref(&f->staging->slot[i], f->keep_snaplen,
		    (uint64_t)f->ref_file << REF_OFF_BITS |
		    (uint64_t)pkt->file_off, pkt->caplen);
	else
		analyzer_keep_frame(&f->staging->slot[i], f->keep_snaplen,
		    f->staging->keep + i * f->keep_snaplen, pkt->data,
		    pkt->caplen);
}

/* evidence_fetch_fn: a packet's bytes, again, from its file. */
static bool
refs_fetch(void *ctx, uint64_t ref, uint8_t *buf, uint32_t len)
{
	struct refs *r = ctx;
	uint64_t file = ref >> REF_OFF_BITS;
	off_t off = (off_t)(ref & (((uint64_t)1 << REF_OFF_BITS) - 1));

	if (file < (uint64_t)r->n &&
	    pread(r->fd[file], buf, len, off) == (ssize_t)len)
		return true;
	r->unreadable++;
	return false;
}

/* The file's number for references, or -1: its packets are copied. */
static int
refs_add(struct refs *r, const struct capfile *file)
{
	int fd = capfile_data_fd(file);

	if (r == NULL || fd == -1 || r->n == REF_FILES_MAX ||
	    (fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	r->fd[r->n] = fd;
	return r->n++;
}

/* Fills b from the file; capfile_next()'s last return code. */
static int
fill_batch(struct feed *f, struct batch *b)
{
	int rc;

	f->staging = b;
	b->n = capfile_read(f->file, f->batch_max, stage_one, f, &rc);
	return rc;
}

static void *
feed_reader(void *arg)
{
	struct feed *f = arg;
	struct batch *b;
	uint32_t slots_used;
	int rc = 1;

	while (rc == 1) {
		pthread_mutex_lock(&f->lock);
		if (f->filled - f->emptied == RING_BATCHES) {
			double t0 = clock_s(CLOCK_MONOTONIC);

			/* Woken only once half the ring is free again. */
			f->reader_asleep = true;
			while (f->reader_asleep)
				pthread_cond_wait(&f->room, &f->lock);
			f->reader_wait_s += clock_s(CLOCK_MONOTONIC) - t0;
		}
		b = &f->ring[f->filled % RING_BATCHES];
		slots_used = f->slots_used;
		pthread_mutex_unlock(&f->lock);

		feed_prefault(f, slots_used);
		rc = fill_batch(f, b);

		pthread_mutex_lock(&f->lock);
		if (b->n > 0)
			f->filled++;
		if (rc != 1) {
			f->done = true;
			f->rc = rc;
			f->reader_cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID);
		}
		if (f->analysis_asleep) {
			f->analysis_asleep = false;
			pthread_cond_signal(&f->data);
		}
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

/* Analyses what the reader stages until it stops; its last return code. */
static int
feed_analyse(struct analyzer *a, struct feed *f)
{
	struct batch *b;

	for (;;) {
		pthread_mutex_lock(&f->lock);
		if (f->filled == f->emptied && !f->done) {
			double t0 = clock_s(CLOCK_MONOTONIC);

			f->analysis_asleep = true;
			while (f->analysis_asleep)
				pthread_cond_wait(&f->data, &f->lock);
			f->analysis_wait_s += clock_s(CLOCK_MONOTONIC) - t0;
		}
		if (f->filled == f->emptied) {
			pthread_mutex_unlock(&f->lock);
			return f->rc;
		}
		b = &f->ring[f->emptied % RING_BATCHES];
		pthread_mutex_unlock(&f->lock);

		analyzer_commit_batch(a, b->slot, b->n);

		pthread_mutex_lock(&f->lock);
		f->emptied++;
		f->slots_used = analyzer_flow_slots_used(a);
		/*
		 * Waking the reader for every batch would have the two
		 * threads take turns on one core; let the ring drain first.
		 */
		if (f->reader_asleep &&
		    f->filled - f->emptied <= RING_BATCHES / 2) {
			f->reader_asleep = false;
			pthread_cond_signal(&f->room);
		}
		pthread_mutex_unlock(&f->lock);
	}
}

/* The same, one thread, when a second one cannot be had. */
static int
feed_inline(struct analyzer *a, struct feed *f)
{
	struct batch *b = &f->ring[0];
	int rc = 1;

	while (rc == 1) {
		rc = fill_batch(f, b);
		analyzer_commit_batch(a, b->slot, b->n);
	}
	return rc;
}

static void
ring_free(struct batch *ring)
{
	for (int i = 0; i < RING_BATCHES; i++)
		free(ring[i].keep);
	free(ring);
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
offline_file(struct analyzer *a, struct refs *refs, const char *path,
    const char *filter)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	struct feed f;
	pthread_t reader;
	double cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID);
	int rc;

	memset(&f, 0, sizeof(f));
	if ((f.file = capfile_open(path, filter, err, sizeof(err))) == NULL) {
		log_errx("%s: %s", path, err);
		return 2;
	}
	if ((f.ring = calloc(RING_BATCHES, sizeof(*f.ring))) == NULL) {
		log_errx("%s: out of memory", path);
		capfile_close(f.file);
		return 2;
	}
	f.a = a;
	f.batch_max = BATCH_SLOTS;
	f.ref_file = -1;
	if ((f.keep_snaplen = analyzer_evidence_snaplen(a)) != 0) {
		f.ref_file = refs_add(refs, f.file);
		if (KEEP_BYTES / f.keep_snaplen < BATCH_SLOTS)
			f.batch_max = KEEP_BYTES / f.keep_snaplen;
		for (int i = 0; i < RING_BATCHES; i++)
			if ((f.ring[i].keep = malloc(KEEP_BYTES)) == NULL) {
				log_errx("%s: out of memory", path);
				ring_free(f.ring);
				capfile_close(f.file);
				return 2;
			}
	}
	if (capfile_linktype(f.file) == -1)
		log_debug("%s: linktype=per-interface reader=%s", path,
		    capfile_reader(f.file));
	else
		log_debug("%s: linktype=%d reader=%s", path,
		    capfile_linktype(f.file), capfile_reader(f.file));

	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.room, NULL);
	pthread_cond_init(&f.data, NULL);
	if (pthread_create(&reader, NULL, feed_reader, &f) == 0) {
		rc = feed_analyse(a, &f);
		pthread_join(reader, NULL);
	} else
		rc = feed_inline(a, &f);
	log_debug("%s: seconds: analysis CPU %.3f waiting %.3f, reader CPU "
	    "%.3f waiting %.3f", path,
	    clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu_s, f.analysis_wait_s,
	    f.reader_cpu_s, f.reader_wait_s);
	pthread_cond_destroy(&f.room);
	pthread_cond_destroy(&f.data);
	pthread_mutex_destroy(&f.lock);

	/*
	 * A file cut short is read up to the cut: what came before counts,
	 * and the next file is read; the exit status says it was damaged.
	 */
	if (rc == -1)
		log_warnx("%s: %s; stopped reading this file there", path,
		    capfile_error(f.file));
	warn_linktypes(path, f.file);
	capfile_close(f.file);
	ring_free(f.ring);
	return rc == -1 ? 1 : 0;
}

int
offline_run(struct analyzer *a, struct evidence *store, char *const *files,
    int nfiles, const char *filter)
{
	struct refs *refs = NULL;
	int rc = 0, damaged = 0;

	if (store != NULL && (refs = calloc(1, sizeof(*refs))) != NULL)
		evidence_set_fetch(store, refs_fetch, refs);
	for (int i = 0; i < nfiles && rc != 2; i++)
		if ((rc = offline_file(a, refs, files[i], filter)) == 1)
			damaged++;
	/* Even after a failure, what was read is reported whole. */
	analyzer_finish(a);
	if (refs != NULL) {
		if (refs->unreadable > 0)
			log_warnx("evidence: %llu packets left out: their file "
			    "changed before they could be read again",
			    (unsigned long long)refs->unreadable);
		evidence_set_fetch(store, NULL, NULL);
		for (int i = 0; i < refs->n; i++)
			close(refs->fd[i]);
		free(refs);
	}
	return rc == 2 || damaged > 0 ? 2 : 0;
}
