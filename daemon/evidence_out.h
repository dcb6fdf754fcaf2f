/*
 * Evidence files: one classic pcap per alert about one flow, written from
 * the packets the store (lib/evidence.c) holds.  With -r (-w DIR) a file
 * is handed, when its request completes, to a writer thread (the analysis
 * thread sets -r's pace and must not wait on the file system); live, the
 * file's bytes are queued and written from the event loop, never from the
 * packet path, and
 * the directory is kept within evidence.max_files and evidence.max_bytes
 * by deleting the oldest files.  A failed write is counted and said,
 * never fatal.
 */
#ifndef RSTWATCHD_EVIDENCE_OUT_H
#define RSTWATCHD_EVIDENCE_OUT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "conf.h"
#include "evidence.h"

/* Room for the directory, '/' and a file name in PATH_MAX. */
#define EVIDENCE_DIR_MAX	(PATH_MAX - EVIDENCE_NAME_MAX - 1)

struct event_base;
struct evidence_job;
struct evidence_file;

struct evidence_out_stats {
	uint64_t	written;	/* files */
	uint64_t	bytes;
	uint64_t	failed;		/* could not be written (disk full ...) */
	uint64_t	skipped;	/* -r: beyond max_files or max_bytes;
					   live: alone more than max_bytes */
	uint64_t	queue_full;	/* live: too much waiting to be written */
	uint64_t	deleted;	/* oldest files removed for the limits */
	uint64_t	other_link;	/* packets of another link type, left out */
	uint64_t	evicted;	/* the store's, kept after close */
};

struct evidence_out {
	struct evidence	*store;
	struct analyzer	*a;
	struct event_base *base;	/* NULL: -r, write at once */
	struct event	*write_ev;
	char		 dir[EVIDENCE_DIR_MAX];
	char		 path[PATH_MAX];	/* the event being reported's */
	uint32_t	 snaplen;
	uint32_t	 max_files;
	uint64_t	 max_bytes;
	/* Files in the directory, oldest first (a ring of max_files). */
	struct evidence_file *files;
	uint32_t	 first;
	uint32_t	 nfiles;
	uint64_t	 disk_bytes;
	/* Live: files waiting for the event loop. */
	struct evidence_job *jobs;
	struct evidence_job **jobs_tail;
	uint32_t	 queued;
	uint64_t	 queued_bytes;
	uint64_t	 requested;	/* -r: files promised so far */
	uint64_t	 promised_bytes;	/* -r: bytes of the files handed over */
	/* -r: the writer thread; jobs, queued and stats under lock. */
	pthread_t	 writer;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;
	pthread_cond_t	 room;
	bool		 threaded;
	bool		 stopping;
	struct evidence_out_stats stats;
};

/*
 * Sets up the store for analyzer a (whose flow table has c->max_flows
 * slots) and the directory: dir for -r (-w), with base NULL; else
 * c->evidence_dir, created if missing, its old files counted against the
 * limits.  -1 (logged) on failure.
 */
int	evidence_out_open(struct evidence_out *, const struct conf *c,
	    struct analyzer *a, struct event_base *base, const char *dir);
/* The sinks' evidence hook: requests the file and names it in ev. */
void	evidence_out_event(void *, struct event *);
/* Writes what is queued (stop), then frees everything. */
void	evidence_out_close(struct evidence_out *);
/* " evidence_files=N evidence_failed=N ..." for the statistics line. */
void	evidence_out_losses(const struct evidence_out *, char *, size_t);

#endif
