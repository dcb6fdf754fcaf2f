/*
 * Evidence files in the classic pcap format (the one every tool reads),
 * written by libpcap (pcap_dump_fopen(), pcap_dump()): microsecond
 * timestamps, the snaplen and the link type in the file header.  A file's
 * packets are copied into one buffer when its request completes (one
 * allocation per alert, none per packet, nothing that waits), then
 * dumped from the event loop or -r's writer thread.  The stream under the
 * dumper is ours (fopencookie()), so that a failed write(2) or close(2),
 * which libpcap's pcap_dump() and pcap_dump_close() return nothing of, is
 * counted.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <pcap/pcap.h>

#include "evidence_out.h"
#include "log.h"

/* What libpcap writes: a file header, then one per packet. */
#define PCAP_FILE_HDR		24
#define PCAP_REC_HDR		16
/* Live: files waiting for the loop, at most. */
#define QUEUE_MAX_FILES		256
#define QUEUE_MAX_BYTES		(32u * 1024 * 1024)
/* -r: bytes waiting for the writer thread before the analysis waits. */
#define WRITER_MAX_BYTES	(16u * 1024 * 1024)

struct evidence_file {
	char		name[EVIDENCE_NAME_MAX];
	uint64_t	size;
};

/*
 * A file to write: its packets, each as a record header (the one libpcap
 * writes: seconds, microseconds, bytes kept, bytes on the wire, in host
 * byte order) and the bytes kept.  len is the file's size.
 */
struct evidence_job {
	struct evidence_job *next;
	char		name[EVIDENCE_NAME_MAX];
	int		linktype;
	size_t		len;
	uint8_t		data[];
};

/* Two passes over a flow's packets: measure, then copy. */
struct image {
	uint8_t		*buf;		/* NULL while measuring */
	size_t		 len;		/* the file's: header included */
	int		 linktype;	/* the first packet's; -1 none yet */
	uint64_t	 other_link;
};

/* Our stream under libpcap's dumper: the file and its first error. */
struct dump_file {
	int		 fd;
	int		 error;		/* errno, 0 none */
};

static void	evidence_out_done(void *, const struct evidence *, uint32_t,
		    const char *);
static void	evidence_out_flush(evutil_socket_t, short, void *);
static int	write_file(struct evidence_out *, const struct evidence_job *);
static void	enforce_limits(struct evidence_out *, uint64_t);
static void	scan_dir(struct evidence_out *);
static void	*writer_main(void *);

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void
image_pkt(void *ctx, int linktype, uint64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	struct image *im = ctx;
	uint8_t *p;

	/* One link type per classic pcap file: the first packet's. */
	if (im->linktype == -1)
		im->linktype = linktype;
	else if (linktype != im->linktype) {
		im->other_link++;
		return;
	}
	if (im->buf != NULL) {
		p = im->buf + im->len - PCAP_FILE_HDR;
		put32(p, (uint32_t)usec_sec_part(ts_us));
		put32(p + 4, (uint32_t)usec_frac_part(ts_us));
		put32(p + 8, caplen);
		put32(p + 12, wirelen);
		memcpy(p + PCAP_REC_HDR, data, caplen);
	}
	im->len += PCAP_REC_HDR + caplen;
}

int
evidence_out_open(struct evidence_out *o, const struct conf *c,
    struct analyzer *a, struct event_base *base, const char *dir)
{
	size_t n;

	memset(o, 0, sizeof(o[0]));
	o->a = a;
	o->base = base;
	o->snaplen = c->evidence_snaplen;
	o->max_files = c->evidence_max_files;
	o->max_bytes = c->evidence_max_bytes;
	o->jobs_tail = &o->jobs;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n >= sizeof(o->dir)) {
		log_warnx("evidence: %s: the path is too long", dir);
		return -1;
	}
	memcpy(o->dir, dir, n);
	o->dir[n] = '\0';
	/* Made if missing (one level: a typo should not grow a tree). */
	if (mkdir(o->dir, 0750) == -1 && errno != EEXIST) {
		log_warn("evidence: cannot create %s", o->dir);
		return -1;
	}
	if (access(o->dir, W_OK | X_OK) == -1) {
		log_warn("evidence: cannot write in %s", o->dir);
		return -1;
	}
	if (base != NULL) {
		if ((o->files = calloc(o->max_files, sizeof(*o->files))) == NULL ||
		    (o->write_ev = event_new(base, -1, 0, evidence_out_flush,
		    o)) == NULL) {
			log_warnx("evidence: out of memory");
			evidence_out_close(o);
			return -1;
		}
		scan_dir(o);
	}
	o->store = evidence_new(c->evidence_memory, c->max_flows, o->snaplen,
	    evidence_out_done, o);
	if (o->store == NULL) {
		log_warnx("evidence: cannot have %u bytes for %u flows",
		    c->evidence_memory, c->max_flows);
		evidence_out_close(o);
		return -1;
	}
	analyzer_set_evidence(a, o->store);
	if (base != NULL) {
		/* Live: the budget is the daemon's from the start. */
		size_t done = 0;

		while (evidence_prefault(o->store, &done, SIZE_MAX))
			;
		return 0;
	}
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->work, NULL);
	pthread_cond_init(&o->room, NULL);
	/* Without a thread, files are written at once, as before. */
	o->threaded = pthread_create(&o->writer, NULL, writer_main, o) == 0;
	return 0;
}

/*
 * -r's writer: the rings' pages first (the analysis thread would take
 * their faults on its packet path), then the files as they come.
 */
static void *
writer_main(void *arg)
{
	struct evidence_out *o = arg;
	struct evidence_job *job;
	size_t done = 0;

	/* A short run need not wait for it at the end. */
	while (!__atomic_load_n(&o->stopping, __ATOMIC_RELAXED) &&
	    evidence_prefault(o->store, &done, 2u << 20))
		;
	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (o->jobs == NULL && !o->stopping)
			pthread_cond_wait(&o->work, &o->lock);
		if ((job = o->jobs) == NULL)
			break;
		if ((o->jobs = job->next) == NULL)
			o->jobs_tail = &o->jobs;
		pthread_mutex_unlock(&o->lock);
		write_file(o, job);
		pthread_mutex_lock(&o->lock);
		o->queued--;
		o->queued_bytes -= job->len;
		pthread_cond_signal(&o->room);
		free(job);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

/* -r: hands a file to the writer, waiting while too much is queued. */
static void
writer_queue(struct evidence_out *o, struct evidence_job *job)
{
	pthread_mutex_lock(&o->lock);
	while (o->queued > 0 && o->queued_bytes + job->len > WRITER_MAX_BYTES)
		pthread_cond_wait(&o->room, &o->lock);
	*o->jobs_tail = job;
	o->jobs_tail = &job->next;
	o->queued++;
	o->queued_bytes += job->len;
	pthread_cond_signal(&o->work);
	pthread_mutex_unlock(&o->lock);
}

void
evidence_out_event(void *ctx, struct event *ev)
{
	struct evidence_out *o = ctx;
	char name[EVIDENCE_NAME_MAX];

	if (o->store == NULL || !evidence_kind(ev->kind) || !ev->has_flow ||
	    !ev->has_sport)
		return;
	/* -r never deletes: past the limits, files are not written. */
	if (o->base == NULL && o->requested >= o->max_files) {
		o->stats.skipped++;
		return;
	}
	if (evidence_name(ev, name, sizeof(name)) < 0 ||
	    !analyzer_evidence_request(o->a, name))
		return;
	/*
	 * That was -r's last file: from here on the store holds only what
	 * the open requests still take, and the rest of the input is read
	 * at the speed it is read without -w.
	 */
	if (++o->requested >= o->max_files && o->base == NULL)
		evidence_close(o->store);
	snprintf(o->path, sizeof(o->path), "%s/%s", o->dir, name);
	ev->evidence = o->path;
}

/* The store's request is complete: the file's bytes, now or queued. */
static void
evidence_out_done(void *ctx, const struct evidence *e, uint32_t flow,
    const char *name)
{
	struct evidence_out *o = ctx;
	struct evidence_job *job;
	struct image im;
	size_t n;

	memset(&im, 0, sizeof(im));
	im.linktype = -1;
	im.len = PCAP_FILE_HDR;
	evidence_walk(e, flow, image_pkt, &im);
	if (im.linktype == -1)
		return;		/* nothing held: every packet evicted */
	n = im.len;
	if (o->base != NULL && (o->queued >= QUEUE_MAX_FILES ||
	    o->queued_bytes + n > QUEUE_MAX_BYTES)) {
		o->stats.queue_full++;
		return;
	}
	if ((job = malloc(sizeof(*job) + n - PCAP_FILE_HDR)) == NULL) {
		if (o->threaded)
			pthread_mutex_lock(&o->lock);
		o->stats.failed++;
		if (o->threaded)
			pthread_mutex_unlock(&o->lock);
		return;
	}
	job->next = NULL;
	snprintf(job->name, sizeof(job->name), "%s", name);
	job->len = n;
	job->linktype = im.linktype;
	im.buf = job->data;
	im.len = PCAP_FILE_HDR;
	im.linktype = -1;
	im.other_link = 0;
	evidence_walk(e, flow, image_pkt, &im);
	o->stats.other_link += im.other_link;

	if (o->base == NULL) {
		if (o->promised_bytes + n > o->max_bytes) {
			o->stats.skipped++;
			free(job);
			return;
		}
		o->promised_bytes += n;
		if (o->threaded)
			writer_queue(o, job);
		else {
			write_file(o, job);
			free(job);
		}
		return;
	}
	*o->jobs_tail = job;
	o->jobs_tail = &job->next;
	o->queued++;
	o->queued_bytes += n;
	event_active(o->write_ev, EV_TIMEOUT, 0);
}

/* From the event loop: what the packet path queued. */
static void
evidence_out_flush(evutil_socket_t fd, short what, void *arg)
{
	struct evidence_out *o = arg;
	struct evidence_job *job;

	(void)fd;
	(void)what;
	while ((job = o->jobs) != NULL) {
		o->jobs = job->next;
		o->queued--;
		o->queued_bytes -= job->len;
		/*
		 * A file that alone is more than max_bytes would empty the
		 * directory and still be over: it is not written.
		 */
		if (job->len > o->max_bytes) {
			o->stats.skipped++;
			free(job);
			continue;
		}
		enforce_limits(o, job->len);
		if (write_file(o, job) == 0) {
			struct evidence_file *f = &o->files[(o->first +
			    o->nfiles) % o->max_files];

			snprintf(f->name, sizeof(f->name), "%s", job->name);
			f->size = job->len;
			o->nfiles++;
			o->disk_bytes += job->len;
		}
		free(job);
	}
	o->jobs_tail = &o->jobs;
}

/* The stream's write(2)s: all of it, or the error kept. */
static ssize_t
dump_write(void *cookie, const char *buf, size_t size)
{
	struct dump_file *df = cookie;
	size_t off = 0;
	ssize_t n;

	while (off < size) {
		if ((n = write(df->fd, buf + off, size - off)) == -1) {
			if (errno == EINTR)
				continue;
			if (df->error == 0)
				df->error = errno;
			/* stdio takes 0 for an error. */
			return 0;
		}
		off += (size_t)n;
	}
	return (ssize_t)size;
}

static int
dump_close(void *cookie)
{
	struct dump_file *df = cookie;

	if (close(df->fd) == -1 && df->error == 0)
		df->error = errno;
	df->fd = -1;
	return df->error == 0 ? 0 : -1;
}

/*
 * The DLT_ value pcap_open_dead() takes for a packet's link type.  Live
 * capture and classic files give DLT_ values; pcapng files give the
 * file's LINKTYPE_ value, which for raw IP is another number; and raw IP
 * from OpenBSD's files (14) is DLT_RAW here.  libpcap writes LINKTYPE_RAW
 * (101) for all three, as tcpdump -w does.
 */
static int
dump_dlt(int linktype)
{
	switch (linktype) {
	case LINKTYPE_RAW_PCAP:
	case LINKTYPE_RAW_ALT:
		return DLT_RAW;
	default:
		return linktype;
	}
}

/* From the event loop or -r's writer thread, never the packet path. */
static int
write_file(struct evidence_out *o, const struct evidence_job *job)
{
	static const cookie_io_functions_t io = {
		.write = dump_write,
		.close = dump_close,
	};
	struct dump_file df = { .fd = -1, .error = 0 };
	char path[PATH_MAX];
	struct pcap_pkthdr h;
	pcap_dumper_t *d;
	pcap_t *p = NULL;
	FILE *f = NULL;
	const uint8_t *r;
	size_t off, end = job->len - PCAP_FILE_HDR;
	int saved;
	bool first;

	snprintf(path, sizeof(path), "%s/%s", o->dir, job->name);
	if ((df.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0640)) == -1)
		goto fail;
	if ((f = fopencookie(&df, "w", io)) == NULL ||
	    (p = pcap_open_dead(dump_dlt(job->linktype),
	    (int)o->snaplen)) == NULL) {
		df.error = errno != 0 ? errno : ENOMEM;
		goto fail;
	}
	if ((d = pcap_dump_fopen(p, f)) == NULL) {
		/* A link type no file can hold: the store took none. */
		df.error = EINVAL;
		goto fail;
	}
	for (off = 0; off < end; off += PCAP_REC_HDR + h.caplen) {
		r = job->data + off;
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = get32(r);
		h.ts.tv_usec = get32(r + 4);
		h.caplen = get32(r + 8);
		h.len = get32(r + 12);
		pcap_dump((u_char *)d, &h, r + PCAP_REC_HDR);
	}
	/* pcap_dump() says nothing: a full disk shows here. */
	if (pcap_dump_flush(d) == -1 && df.error == 0)
		df.error = errno != 0 ? errno : EIO;
	f = NULL;
	pcap_dump_close(d);		/* and close(2), into df */
	pcap_close(p);
	p = NULL;
	if (df.error != 0)
		goto fail;
	if (o->threaded)
		pthread_mutex_lock(&o->lock);
	o->stats.written++;
	o->stats.bytes += job->len;
	if (o->threaded)
		pthread_mutex_unlock(&o->lock);
	return 0;
fail:
	saved = df.error != 0 ? df.error : errno;
	if (f != NULL)
		fclose(f);		/* closes df.fd */
	else if (df.fd != -1)
		close(df.fd);
	if (p != NULL)
		pcap_close(p);
	(void)unlink(path);
	if (o->threaded)
		pthread_mutex_lock(&o->lock);
	first = o->stats.failed++ == 0;
	if (o->threaded)
		pthread_mutex_unlock(&o->lock);
	/* The first failure is said; the statistics count them all. */
	if (first) {
		errno = saved;
		log_warn("evidence: %s", path);
	}
	return -1;
}

/* Room for one more file of len bytes: the oldest go. */
static void
enforce_limits(struct evidence_out *o, uint64_t len)
{
	char path[PATH_MAX];
	struct evidence_file *f;

	while (o->nfiles > 0 && (o->nfiles >= o->max_files ||
	    o->disk_bytes + len > o->max_bytes)) {
		f = &o->files[o->first];
		snprintf(path, sizeof(path), "%s/%s", o->dir, f->name);
		if (unlink(path) == 0 || errno == ENOENT)
			o->stats.deleted++;
		o->disk_bytes -= f->size < o->disk_bytes ? f->size :
		    o->disk_bytes;
		o->first = (o->first + 1) % o->max_files;
		o->nfiles--;
	}
}

/* Ours: a name as evidence_name() makes them (it starts with the time). */
static int
is_ours(const struct dirent *d)
{
	const char *s = d->d_name;
	size_t n = strlen(s);

	if (n < 16 || n >= EVIDENCE_NAME_MAX || s[8] != 'T' ||
	    strcmp(s + n - 5, ".pcap") != 0)
		return 0;
	for (int i = 0; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Files of earlier runs count against the limits, oldest (by name) first. */
static void
scan_dir(struct evidence_out *o)
{
	struct dirent **list;
	struct evidence_file *f;
	char path[EVIDENCE_DIR_MAX + 1 + sizeof(((struct dirent *)0)->d_name)];
	struct stat st;
	int n;

	if ((n = scandir(o->dir, &list, is_ours, alphasort)) == -1) {
		log_warn("evidence: %s", o->dir);
		return;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", o->dir, list[i]->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			enforce_limits(o, (uint64_t)st.st_size);
			f = &o->files[(o->first + o->nfiles) % o->max_files];

			/* is_ours() checked that it fits. */
			memcpy(f->name, list[i]->d_name,
			    strlen(list[i]->d_name) + 1);
			f->size = (uint64_t)st.st_size;
			o->nfiles++;
			o->disk_bytes += f->size;
		}
		free(list[i]);
	}
	free(list);
}

void
evidence_out_close(struct evidence_out *o)
{
	struct evidence_job *job;

	if (o->base != NULL && o->write_ev != NULL)
		evidence_out_flush(-1, 0, o);
	if (o->threaded) {
		pthread_mutex_lock(&o->lock);
		__atomic_store_n(&o->stopping, true, __ATOMIC_RELAXED);
		pthread_cond_signal(&o->work);
		pthread_mutex_unlock(&o->lock);
		pthread_join(o->writer, NULL);
		o->threaded = false;
		pthread_cond_destroy(&o->work);
		pthread_cond_destroy(&o->room);
		pthread_mutex_destroy(&o->lock);
	}
	while ((job = o->jobs) != NULL) {
		o->jobs = job->next;
		free(job);
	}
	o->jobs_tail = &o->jobs;
	if (o->write_ev != NULL)
		event_free(o->write_ev);
	o->write_ev = NULL;
	if (o->a != NULL && o->store != NULL) {
		analyzer_set_evidence(o->a, NULL);
		o->stats.evicted = evidence_stats(o->store)->evicted;
	}
	evidence_free(o->store);
	o->store = NULL;
	free(o->files);
	o->files = NULL;
}

void
evidence_out_losses(const struct evidence_out *o, char *buf, size_t size)
{
	uint64_t evicted = o->store != NULL ?
	    evidence_stats(o->store)->evicted : o->stats.evicted;

	/* Nothing when evidence is off (never opened). */
	if (o->dir[0] == '\0') {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	snprintf(buf, size, " evidence_files=%llu evidence_failed=%llu "
	    "evidence_skipped=%llu evidence_deleted=%llu "
	    "evidence_evicted=%llu",
	    (unsigned long long)o->stats.written,
	    (unsigned long long)(o->stats.failed + o->stats.queue_full),
	    (unsigned long long)o->stats.skipped,
	    (unsigned long long)o->stats.deleted,
	    (unsigned long long)evicted);
}
