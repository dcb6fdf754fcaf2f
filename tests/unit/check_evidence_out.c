/*
 * Evidence files (daemon/evidence_out.c), driven by the real analyser and
 * store on frames built here: a file per alert, named as the alert says,
 * that libpcap reads back packet for packet (raw IP as LINKTYPE_RAW,
 * whatever number it came as); the directory kept within
 * evidence.max_files and evidence.max_bytes by deleting the oldest files
 * (ours already there at start included, nobody else's touched), a file
 * bigger than max_bytes alone not written; -r's limits, which delete
 * nothing; a file that cannot be written (the file size limit, a vanished
 * directory) removed, counted, said once, and never fatal; a full live
 * queue counted as failed.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "../put.h"
#include "analyzer.h"
#include "check_util.h"
#include "evidence_out.h"
#include "extract.h"
#include "log.h"

#define SEC		1000000ULL
#define SNAPLEN		128
#define MAX_ALERTS	512
#define MAX_FRAMES	16
#define FRAME_MAX	1514

/* Names of earlier runs' files: ours by their shape, oldest first. */
#define OLD1	"20200101T000000.000000Z-syn_refused-10.9.0.1.1-10.9.0.2.2.pcap"
#define OLD2	"20200102T000000.000000Z-syn_refused-10.9.0.1.1-10.9.0.2.2.pcap"
#define OLD3	"20200103T000000.000000Z-syn_refused-10.9.0.1.1-10.9.0.2.2.pcap"
#define OLD4	"20200104T000000.000000Z-syn_refused-10.9.0.1.1-10.9.0.2.2.pcap"

struct frame {
	uint64_t	ts_us;
	uint32_t	len;
	uint8_t		data[FRAME_MAX];
};

struct rig {
	struct conf	 conf;
	struct analyzer	*an;
	struct event_base *base;	/* NULL: -r */
	struct evidence_out eo;
	bool		 open;
	int		 linktype;	/* of the frames fed */
	char		 dir[64];
	uint64_t	 now;
	/* The alerts, and the path each named (empty: none). */
	enum event_kind	 kind[MAX_ALERTS];
	char		 path[MAX_ALERTS][PATH_MAX];
	size_t		 nalerts;
	bool		 overflow;	/* more than MAX_ALERTS */
	/* The last incident's frames, as fed. */
	struct frame	 fed[MAX_FRAMES];
	size_t		 nfed;
};

/* What the sinks do for an admitted alert (sinks_event()). */
static void
on_event(void *ctx, const struct event *orig)
{
	struct rig *r = ctx;
	struct event ev = *orig;

	/* No Check call here: it may run under limit_file_size(). */
	if (r->nalerts == MAX_ALERTS) {
		r->overflow = true;
		return;
	}
	evidence_out_event(&r->eo, &ev);
	r->kind[r->nalerts] = ev.kind;
	snprintf(r->path[r->nalerts], PATH_MAX, "%s",
	    ev.evidence != NULL ? ev.evidence : "");
	r->nalerts++;
}

static void
on_flow(void *ctx, const struct flow_record *rec)
{
	(void)ctx;
	(void)rec;
}



/*
 * Feeds a frame (Ethernet, or raw IP for the other link types) with a TCP
 * segment of len bytes (filled with a pattern) from 10.0.0.1:cport to
 * 10.0.0.2:sport, or back with to_client, dt_us after the previous one.
 */
static void
tx(struct rig *r, bool to_client, uint16_t cport, uint16_t sport,
    uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint64_t dt_us)
{
	struct frame *f;
	uint8_t *ip, *th;
	uint32_t total = 20 + 20 + len;
	uint32_t link = r->linktype == LINKTYPE_ETHERNET ? 14 : 0;

	ck_assert_uint_lt(r->nfed, MAX_FRAMES);
	ck_assert_uint_le(link + total, FRAME_MAX);
	f = &r->fed[r->nfed++];
	r->now += dt_us;
	memset(f, 0, sizeof(*f));
	f->ts_us = r->now;
	f->len = link + total;
	if (link != 0) {
		memset(f->data, to_client ? 0x02 : 0x04, 6);
		memset(f->data + 6, to_client ? 0x04 : 0x02, 6);
		put16(f->data + 12, 0x0800);
	}
	ip = f->data + link;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)total);
	put16(ip + 4, (uint16_t)r->nfed);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = PKT_PROTO_TCP;
	ip[12] = 10; ip[15] = to_client ? 2 : 1;
	ip[16] = 10; ip[19] = to_client ? 1 : 2;
	th = ip + 20;
	put16(th, to_client ? sport : cport);
	put16(th + 2, to_client ? cport : sport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 64240);
	for (uint32_t i = 0; i < len; i++)
		th[20 + i] = (uint8_t)(i * 7 + 1);
	analyzer_packet(r->an, r->linktype, f->data, f->len, f->len,
	    f->ts_us, "eth0");
}

/* Completes the open requests (their 10 s are up) and writes the files. */
static void
settle(struct rig *r)
{
	r->now += EVIDENCE_AFTER_US + 2 * SEC;
	analyzer_tick(r->an, r->now);
	if (r->base != NULL)
		ck_assert_int_ne(event_base_loop(r->base, EVLOOP_NONBLOCK), -1);
}

/*
 * Incidents start 1.234567 s apart: several fit in a request's 10 s (the
 * failure tests complete them together), and their times use every
 * digit of the microseconds.
 */
#define GAP_US	1234567

/* A refused connection from client port cport: SYN, RST-ACK. */
static void
refused(struct rig *r, uint16_t cport)
{
	r->nfed = 0;
	tx(r, false, cport, 81, TH_SYN, 1000, 0, 0, GAP_US);
	tx(r, true, cport, 81, TH_RST | TH_ACK, 0, 1001, 0, 120);
}

/*
 * A connection the server resets after 600 bytes of data (more than the
 * snaplen keeps): six packets.
 */
static void
reset_after_data(struct rig *r, uint16_t cport)
{
	r->nfed = 0;
	tx(r, false, cport, 81, TH_SYN, 1000, 0, 0, GAP_US);
	tx(r, true, cport, 81, TH_SYN | TH_ACK, 5000, 1001, 0, 150);
	tx(r, false, cport, 81, TH_ACK, 1001, 5001, 0, 160);
	tx(r, false, cport, 81, TH_ACK | TH_PUSH, 1001, 5001, 600, 170);
	tx(r, true, cport, 81, TH_ACK, 5001, 1601, 0, 180);
	tx(r, true, cport, 81, TH_RST | TH_ACK, 5001, 1601, 0, 190);
}

static void
rig_start(struct rig *r, bool live, uint32_t max_files, uint64_t max_bytes)
{
	struct analyzer_params p = util_analyzer_params();
	struct analyzer_sink sink = { on_event, on_flow, NULL };

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/check_evidence_out.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
	conf_defaults(&r->conf);
	r->conf.max_flows = 1024;
	r->conf.evidence_memory = 1024 * 1024;
	r->conf.evidence_snaplen = SNAPLEN;
	r->conf.evidence_max_files = max_files;
	r->conf.evidence_max_bytes = (uint32_t)max_bytes;
	sink.ctx = r;
	r->an = analyzer_new(r->conf.max_flows, 42, &p, &sink);
	ck_assert_ptr_nonnull(r->an);
	if (live) {
		r->base = event_base_new();
		ck_assert_ptr_nonnull(r->base);
	}
	r->now = UTIL_TS_US;
	r->linktype = LINKTYPE_ETHERNET;
}

static void
rig_open(struct rig *r)
{
	ck_assert_int_eq(evidence_out_open(&r->eo, &r->conf, r->an, r->base,
	    r->dir), 0);
	r->open = true;
}

static void
rig_close(struct rig *r)
{
	if (r->open)
		evidence_out_close(&r->eo);
	r->open = false;
}

/* Removes the scratch directory and what is in it. */
static void
rig_end(struct rig *r)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp;

	rig_close(r);
	analyzer_free(r->an);
	if (r->base != NULL)
		event_base_free(r->base);
	if ((dp = opendir(r->dir)) != NULL) {
		while ((d = readdir(dp)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", r->dir,
			    d->d_name);
			(void)unlink(path);
		}
		closedir(dp);
	}
	(void)rmdir(r->dir);
}

/* A file of size bytes in the scratch directory. */
static void
make_file(const struct rig *r, const char *name, size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	for (size_t i = 0; i < size; i++)
		ck_assert_int_ne(fputc('x', f), EOF);
	ck_assert_int_eq(fclose(f), 0);
}

static bool
exists(const struct rig *r, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	return lstat(path, &st) == 0;
}

/* How many entries the directory has (files written and left). */
static size_t
count_files(const struct rig *r)
{
	struct dirent *d;
	DIR *dp;
	size_t n = 0;

	ck_assert_ptr_nonnull(dp = opendir(r->dir));
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

static uint64_t
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* The base name of alert i's file. */
static const char *
alert_name(const struct rig *r, size_t i)
{
	const char *slash = strrchr(r->path[i], '/');

	ck_assert_ptr_nonnull(slash);
	return slash + 1;
}

/*
 * The file at path, read back by libpcap: a classic pcap of the link
 * type and snaplen, holding exactly the frames fed (cut at the snaplen,
 * with their lengths on the wire and their times).
 */
static void
assert_pcap_holds(const char *path, int dlt, const struct frame *fed,
    size_t nfed)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	size_t n = 0;
	int rc;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	ck_assert_msg(p != NULL, "%s: %s", path, errbuf);
	ck_assert_int_eq(pcap_datalink(p), dlt);
	ck_assert_int_eq(pcap_snapshot(p), SNAPLEN);
	ck_assert_int_eq(pcap_major_version(p), 2);
	ck_assert_int_eq(pcap_minor_version(p), 4);
	ck_assert(!pcap_is_swapped(p));
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		uint32_t cap;

		ck_assert_uint_lt(n, nfed);
		cap = fed[n].len < SNAPLEN ? fed[n].len : SNAPLEN;
		ck_assert_uint_eq(h->caplen, cap);
		ck_assert_uint_eq(h->len, fed[n].len);
		ck_assert_uint_eq((uint64_t)h->ts.tv_sec * SEC +
		    (uint64_t)h->ts.tv_usec, fed[n].ts_us);
		ck_assert_mem_eq(data, fed[n].data, cap);
		n++;
	}
	ck_assert_int_eq(rc, PCAP_ERROR_BREAK);
	ck_assert_uint_eq(n, nfed);
	pcap_close(p);
}

/* The statistics line's evidence part has key=want. */
static void
assert_loss(const struct evidence_out *o, const char *key, uint64_t want)
{
	char buf[256], line[260], needle[64];

	evidence_out_losses(o, buf, sizeof(buf));
	/* A trailing space makes the last key match like the others. */
	snprintf(line, sizeof(line), "%s ", buf);
	snprintf(needle, sizeof(needle), " %s=%llu ", key,
	    (unsigned long long)want);
	ck_assert_msg(strstr(line, needle) != NULL, "\"%s\" lacks \"%s\"",
	    buf, needle);
}

/*
 * stderr into a pipe, to count what was logged (a pipe, not a file: the
 * file size limit of the failure tests does not apply to it).
 */
static int
stderr_to_pipe(int *rd)
{
	int fds[2], saved;

	ck_assert_int_eq(pipe(fds), 0);
	fflush(stderr);
	ck_assert_int_ne(saved = dup(STDERR_FILENO), -1);
	ck_assert_int_ne(dup2(fds[1], STDERR_FILENO), -1);
	close(fds[1]);
	*rd = fds[0];
	return saved;
}

/* Puts stderr back; how many lines containing what were logged. */
static int
stderr_back(int saved, int rd, const char *what)
{
	char line[1024];
	FILE *f;
	int n = 0;

	fflush(stderr);
	ck_assert_int_ne(dup2(saved, STDERR_FILENO), -1);
	close(saved);
	ck_assert_ptr_nonnull(f = fdopen(rd, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		fputs(line, stderr);
		if (strstr(line, what) != NULL)
			n++;
	}
	fclose(f);
	return n;
}

/*
 * Completes the open requests and writes their files under a file size
 * limit of bytes (SIGXFSZ ignored): a write past it fails with EFBIG, as
 * one on a full disk fails with ENOSPC, after a partial write.  -r's
 * writer thread is joined (evidence_out_close()) before the limit goes.
 * Nothing in between calls Check: its messages to the parent go through
 * a file, which the limit would cut.
 */
static void
settle_limited(struct rig *r, rlim_t bytes)
{
	struct rlimit rl, lim;

	ck_assert(signal(SIGXFSZ, SIG_IGN) != SIG_ERR);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	lim = rl;
	lim.rlim_cur = bytes;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	r->now += EVIDENCE_AFTER_US + 2 * SEC;
	analyzer_tick(r->an, r->now);
	if (r->base != NULL)
		(void)event_base_loop(r->base, EVLOOP_NONBLOCK);
	else {
		evidence_out_close(&r->eo);
		r->open = false;
	}
	(void)setrlimit(RLIMIT_FSIZE, &rl);
	ck_assert(!r->overflow);
}

START_TEST(test_live_file_is_the_flows_packets)
{
	struct rig r;
	char want[PATH_MAX];

	rig_start(&r, true, 10, 1024 * 1024);
	rig_open(&r);
	reset_after_data(&r, 40000);
	settle(&r);
	ck_assert_uint_eq(r.nalerts, 1);
	ck_assert_int_eq(r.kind[0], EV_app_reset);
	/* The name says the alert's time, kind and flow. */
	snprintf(want, sizeof(want), "%s/20231114T221321.235417Z-app_reset-"
	    "10.0.0.1.40000-10.0.0.2.81.pcap", r.dir);
	ck_assert_str_eq(r.path[0], want);
	assert_pcap_holds(r.path[0], DLT_EN10MB, r.fed, r.nfed);
	ck_assert_uint_eq(r.eo.stats.written, 1);
	ck_assert_uint_eq(r.eo.stats.bytes, file_size(r.path[0]));
	ck_assert_uint_eq(r.eo.stats.failed, 0);
	ck_assert_uint_eq(count_files(&r), 1);
	assert_loss(&r.eo, "evidence_files", 1);
	assert_loss(&r.eo, "evidence_failed", 0);
	rig_end(&r);
}
END_TEST

START_TEST(test_offline_file_is_the_flows_packets)
{
	struct rig r;
	char slashes[PATH_MAX];

	rig_start(&r, false, 10, 1024 * 1024);
	/* -w's trailing slashes do not double in the path. */
	snprintf(slashes, sizeof(slashes), "%s//", r.dir);
	ck_assert_int_eq(evidence_out_open(&r.eo, &r.conf, r.an, NULL,
	    slashes), 0);
	r.open = true;
	reset_after_data(&r, 40001);
	settle(&r);
	rig_close(&r);		/* joins the writer thread */
	ck_assert_uint_eq(r.nalerts, 1);
	ck_assert_str_eq(alert_name(&r, 0), "20231114T221321.235417Z-"
	    "app_reset-10.0.0.1.40001-10.0.0.2.81.pcap");
	ck_assert_uint_eq((size_t)(alert_name(&r, 0) - r.path[0]),
	    strlen(r.dir) + 1);
	assert_pcap_holds(r.path[0], DLT_EN10MB, r.fed, r.nfed);
	ck_assert_uint_eq(r.eo.stats.written, 1);
	rig_end(&r);
}
END_TEST

/*
 * The classic pcap file, byte for byte: little-endian host, microsecond
 * magic, version 2.4, snaplen, link type; then per packet its seconds,
 * microseconds, bytes kept and bytes on the wire.
 */
START_TEST(test_file_bytes)
{
	struct rig r;
	uint8_t want[4096], got[4096];
	size_t n = 0, len;
	uint32_t v;
	FILE *f;

	rig_start(&r, true, 10, 1024 * 1024);
	rig_open(&r);
	refused(&r, 40002);
	settle(&r);
	ck_assert_uint_eq(r.nalerts, 1);
	ck_assert_int_eq(r.kind[0], EV_syn_refused);
#define W32(x)	(v = (x), memcpy(want + n, &v, 4), n += 4)
	W32(0xa1b2c3d4);
	W32(2 | 4 << 16);
	W32(0);
	W32(0);
	W32(SNAPLEN);
	W32(1);
	for (size_t i = 0; i < r.nfed; i++) {
		W32((uint32_t)(r.fed[i].ts_us / SEC));
		W32((uint32_t)(r.fed[i].ts_us % SEC));
		W32(r.fed[i].len);
		W32(r.fed[i].len);
		memcpy(want + n, r.fed[i].data, r.fed[i].len);
		n += r.fed[i].len;
	}
#undef W32
	ck_assert_ptr_nonnull(f = fopen(r.path[0], "rb"));
	len = fread(got, 1, sizeof(got), f);
	fclose(f);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(got, want, n);
	rig_end(&r);
}
END_TEST

/*
 * Raw IP, whichever number it came as (DLT_RAW live and from classic
 * files, LINKTYPE_RAW from pcapng, OpenBSD's DLT_RAW from its files), is
 * written as LINKTYPE_RAW (101), the number every reader knows it by.
 */
START_TEST(test_raw_ip_is_linktype_raw)
{
	static const int in[] = { LINKTYPE_RAW, LINKTYPE_RAW_PCAP,
	    LINKTYPE_RAW_ALT };
	struct rig r;
	uint32_t lt;
	FILE *f;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		rig_start(&r, true, 10, 1024 * 1024);
		r.linktype = in[i];
		rig_open(&r);
		reset_after_data(&r, (uint16_t)(40100 + i));
		settle(&r);
		ck_assert_uint_eq(r.nalerts, 1);
		ck_assert_uint_eq(r.eo.stats.written, 1);
		ck_assert_ptr_nonnull(f = fopen(r.path[0], "rb"));
		ck_assert_int_eq(fseek(f, 20, SEEK_SET), 0);
		ck_assert_uint_eq(fread(&lt, sizeof(lt), 1, f), 1);
		fclose(f);
		ck_assert_uint_eq(lt, 101);
		assert_pcap_holds(r.path[0], DLT_RAW, r.fed, r.nfed);
		rig_end(&r);
	}
}
END_TEST

/*
 * max_files: our files already there count, the oldest (by name) go
 * first, one at a time as new ones come; other files are left alone.
 */
START_TEST(test_max_files_oldest_first)
{
	struct rig r;
	char link[PATH_MAX];

	rig_start(&r, true, 3, 1024 * 1024);
	make_file(&r, OLD2, 100);
	make_file(&r, OLD1, 100);
	make_file(&r, "notes.txt", 100);
	make_file(&r, "2020x101T000000.000000Z-syn_refused.pcap", 100);
	make_file(&r, "20190101T000000.000000Z-syn_refused.pcapng", 100);
	/* Not a regular file: not ours either. */
	snprintf(link, sizeof(link), "%s/%s", r.dir,
	    "20190101T000000.000000Z-syn_refused.pcap");
	ck_assert_int_eq(symlink("notes.txt", link), 0);
	rig_open(&r);
	ck_assert_uint_eq(r.eo.nfiles, 2);
	ck_assert_uint_eq(r.eo.disk_bytes, 200);
	ck_assert_uint_eq(r.eo.stats.deleted, 0);

	refused(&r, 41000);
	settle(&r);
	ck_assert(exists(&r, OLD1) && exists(&r, OLD2));
	refused(&r, 41001);
	settle(&r);
	ck_assert(!exists(&r, OLD1));
	ck_assert(exists(&r, OLD2));
	refused(&r, 41002);
	settle(&r);
	ck_assert(!exists(&r, OLD2));
	ck_assert_uint_eq(r.nalerts, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert(exists(&r, alert_name(&r, i)));
	refused(&r, 41003);
	settle(&r);
	ck_assert(!exists(&r, alert_name(&r, 0)));
	for (size_t i = 1; i < 4; i++)
		ck_assert(exists(&r, alert_name(&r, i)));
	/* Not ours: kept, and not counted. */
	ck_assert(exists(&r, "notes.txt"));
	ck_assert(exists(&r, "2020x101T000000.000000Z-syn_refused.pcap"));
	ck_assert(exists(&r, "20190101T000000.000000Z-syn_refused.pcapng"));
	ck_assert(exists(&r, "20190101T000000.000000Z-syn_refused.pcap"));
	ck_assert_uint_eq(count_files(&r), 3 + 4);
	ck_assert_uint_eq(r.eo.stats.written, 4);
	ck_assert_uint_eq(r.eo.stats.deleted, 3);
	assert_loss(&r.eo, "evidence_deleted", 3);
	rig_end(&r);
}
END_TEST

/* More of our files at start than max_files: the oldest go at once. */
START_TEST(test_max_files_at_start)
{
	struct rig r;

	rig_start(&r, true, 2, 1024 * 1024);
	make_file(&r, OLD3, 10);
	make_file(&r, OLD1, 10);
	make_file(&r, OLD4, 10);
	make_file(&r, OLD2, 10);
	rig_open(&r);
	ck_assert(!exists(&r, OLD1) && !exists(&r, OLD2));
	ck_assert(exists(&r, OLD3) && exists(&r, OLD4));
	ck_assert_uint_eq(r.eo.nfiles, 2);
	ck_assert_uint_eq(r.eo.stats.deleted, 2);
	refused(&r, 41100);
	settle(&r);
	ck_assert(!exists(&r, OLD3) && exists(&r, OLD4));
	ck_assert(exists(&r, alert_name(&r, 0)));
	ck_assert_uint_eq(count_files(&r), 2);
	rig_end(&r);
}
END_TEST

/*
 * max_bytes: a big old file goes to make room; then the oldest of ours,
 * until the new one fits, and no more.
 */
START_TEST(test_max_bytes_oldest_first)
{
	struct rig r;
	uint64_t one;

	/* Learn a file's size: every refused connection's is the same. */
	rig_start(&r, true, 100, 1024 * 1024);
	rig_open(&r);
	refused(&r, 42000);
	settle(&r);
	one = file_size(r.path[0]);
	rig_end(&r);

	/* Room for three of them, and for the old file with two. */
	rig_start(&r, true, 100, 3 * one + one / 2);
	make_file(&r, OLD1, one);
	make_file(&r, OLD2, one + one / 2);
	rig_open(&r);
	ck_assert_uint_eq(r.eo.disk_bytes, 2 * one + one / 2);
	refused(&r, 42001);
	settle(&r);
	ck_assert(exists(&r, OLD1) && exists(&r, OLD2));
	refused(&r, 42002);
	settle(&r);
	ck_assert(!exists(&r, OLD1) && exists(&r, OLD2));
	refused(&r, 42003);
	settle(&r);
	ck_assert(!exists(&r, OLD2));
	ck_assert_uint_eq(r.eo.disk_bytes, 3 * one);
	refused(&r, 42004);
	settle(&r);
	ck_assert(!exists(&r, alert_name(&r, 0)));
	for (size_t i = 1; i < 4; i++)
		ck_assert(exists(&r, alert_name(&r, i)));
	ck_assert_uint_eq(count_files(&r), 3);
	ck_assert_uint_eq(r.eo.disk_bytes, 3 * one);
	ck_assert_uint_eq(r.eo.stats.deleted, 3);
	rig_end(&r);
}
END_TEST

/*
 * Live, a file more than max_bytes by itself is not written (deleting
 * every other file would not make it fit), and counted; nothing is
 * deleted for it.
 */
START_TEST(test_file_over_max_bytes_skipped)
{
	struct rig r;
	uint64_t small, big;

	/* Learn the sizes: a refused connection's, a reset one's (bigger). */
	rig_start(&r, true, 100, 1024 * 1024);
	rig_open(&r);
	refused(&r, 42100);
	settle(&r);
	small = file_size(r.path[0]);
	reset_after_data(&r, 42101);
	settle(&r);
	big = file_size(r.path[1]);
	rig_end(&r);
	ck_assert_uint_lt(small, big);

	rig_start(&r, true, 100, big - 1);
	make_file(&r, OLD1, 10);
	rig_open(&r);
	reset_after_data(&r, 42102);
	settle(&r);
	ck_assert(!exists(&r, alert_name(&r, 0)));
	ck_assert(exists(&r, OLD1));
	ck_assert_uint_eq(r.eo.stats.skipped, 1);
	ck_assert_uint_eq(r.eo.stats.deleted, 0);
	ck_assert_uint_eq(r.eo.stats.written, 0);
	assert_loss(&r.eo, "evidence_skipped", 1);
	/* One that fits is written, with OLD1 (10 bytes) beside it. */
	refused(&r, 42103);
	settle(&r);
	ck_assert(exists(&r, alert_name(&r, 1)));
	ck_assert(exists(&r, OLD1));
	ck_assert_uint_eq(r.eo.stats.written, 1);
	ck_assert_uint_eq(r.eo.disk_bytes, small + 10);
	rig_end(&r);
}
END_TEST

/* -r: nothing is deleted; files beyond max_files are not written, and said. */
START_TEST(test_offline_max_files_skips)
{
	struct rig r;

	uint64_t held[4];

	rig_start(&r, false, 2, 1024 * 1024);
	make_file(&r, OLD1, 100);
	rig_open(&r);
	for (uint16_t i = 0; i < 4; i++) {
		refused(&r, (uint16_t)(43000 + i));
		settle(&r);
		held[i] = evidence_stats(r.eo.store)->held;
	}
	/* The limit reached, the store holds no more packets. */
	ck_assert_uint_gt(held[1], held[0]);
	ck_assert_uint_eq(held[2], held[1]);
	ck_assert_uint_eq(held[3], held[1]);
	rig_close(&r);
	ck_assert_uint_eq(r.nalerts, 4);
	ck_assert(exists(&r, OLD1));
	ck_assert(exists(&r, alert_name(&r, 0)));
	ck_assert(exists(&r, alert_name(&r, 1)));
	/* The alerts beyond the limit name no file. */
	ck_assert_str_eq(r.path[2], "");
	ck_assert_str_eq(r.path[3], "");
	ck_assert_uint_eq(count_files(&r), 3);
	ck_assert_uint_eq(r.eo.stats.written, 2);
	ck_assert_uint_eq(r.eo.stats.skipped, 2);
	ck_assert_uint_eq(r.eo.stats.deleted, 0);
	assert_loss(&r.eo, "evidence_skipped", 2);
	rig_end(&r);
}
END_TEST

/*
 * -r: the last file asked for closes the store, and its request, still
 * open, takes its flow's later packets; another flow's are not held.
 */
START_TEST(test_offline_closed_store_completes_open_request)
{
	struct rig r;
	uint64_t held;

	rig_start(&r, false, 1, 1024 * 1024);
	rig_open(&r);
	refused(&r, 45000);
	ck_assert_uint_eq(r.nalerts, 1);
	ck_assert(evidence_closed(r.eo.store));
	held = evidence_stats(r.eo.store)->held;
	/* The refused client's RST-ACK once more. */
	tx(&r, true, 45000, 81, TH_RST | TH_ACK, 0, 1001, 0, 300);
	ck_assert_uint_eq(evidence_stats(r.eo.store)->held, held + 1);
	/* A connection that reported nothing. */
	tx(&r, false, 45001, 81, TH_SYN, 7000, 0, 0, 100);
	tx(&r, true, 45001, 81, TH_SYN | TH_ACK, 9000, 7001, 0, 100);
	ck_assert_uint_eq(evidence_stats(r.eo.store)->held, held + 1);
	settle(&r);
	rig_close(&r);
	ck_assert_uint_eq(r.eo.stats.written, 1);
	assert_pcap_holds(r.path[0], DLT_EN10MB, r.fed, 3);
	rig_end(&r);
}
END_TEST

/* -r: past max_bytes, files are not written either. */
START_TEST(test_offline_max_bytes_skips)
{
	struct rig r;
	uint64_t one;

	rig_start(&r, false, 100, 1024 * 1024);
	rig_open(&r);
	refused(&r, 44000);
	settle(&r);
	rig_close(&r);
	one = file_size(r.path[0]);
	rig_end(&r);

	rig_start(&r, false, 100, 2 * one + one / 2);
	rig_open(&r);
	for (uint16_t i = 0; i < 3; i++) {
		refused(&r, (uint16_t)(44001 + i));
		settle(&r);
	}
	rig_close(&r);
	ck_assert_uint_eq(r.nalerts, 3);
	ck_assert(exists(&r, alert_name(&r, 0)));
	ck_assert(exists(&r, alert_name(&r, 1)));
	ck_assert(!exists(&r, alert_name(&r, 2)));
	ck_assert_uint_eq(count_files(&r), 2);
	ck_assert_uint_eq(r.eo.stats.written, 2);
	ck_assert_uint_eq(r.eo.stats.skipped, 1);
	rig_end(&r);
}
END_TEST

/*
 * Live, a file the disk does not take (here: past the file size limit,
 * the write fails with EFBIG as with ENOSPC on a full disk) is removed,
 * counted, said once, does not count against the limits, and the daemon
 * goes on: the next file that fits is written.
 */
START_TEST(test_live_write_failure_counted)
{
	struct rig r;
	int saved, rd, said;

	rig_start(&r, true, 10, 1024 * 1024);
	rig_open(&r);
	reset_after_data(&r, 45000);
	reset_after_data(&r, 45001);
	saved = stderr_to_pipe(&rd);
	/* 518 bytes each: 400 are written, then the write fails. */
	settle_limited(&r, 400);
	said = stderr_back(saved, rd, "evidence: ");
	ck_assert_uint_eq(r.nalerts, 2);
	ck_assert_uint_eq(r.eo.stats.failed, 2);
	ck_assert_uint_eq(r.eo.stats.written, 0);
	ck_assert_int_eq(said, 1);
	ck_assert(!exists(&r, alert_name(&r, 0)));
	ck_assert(!exists(&r, alert_name(&r, 1)));
	ck_assert_uint_eq(r.eo.nfiles, 0);
	ck_assert_uint_eq(r.eo.disk_bytes, 0);
	assert_loss(&r.eo, "evidence_failed", 2);
	assert_loss(&r.eo, "evidence_files", 0);
	/* The disk has room again. */
	reset_after_data(&r, 45002);
	settle(&r);
	ck_assert_uint_eq(r.eo.stats.written, 1);
	assert_pcap_holds(r.path[2], DLT_EN10MB, r.fed, r.nfed);
	ck_assert_uint_eq(r.eo.nfiles, 1);
	ck_assert_uint_eq(count_files(&r), 1);
	rig_end(&r);
}
END_TEST

/* -r: the writer thread counts the failures the same way. */
START_TEST(test_offline_write_failure_counted)
{
	struct rig r;
	int saved, rd, said;

	rig_start(&r, false, 10, 1024 * 1024);
	rig_open(&r);
	for (uint16_t i = 0; i < 3; i++)
		reset_after_data(&r, (uint16_t)(46000 + i));
	saved = stderr_to_pipe(&rd);
	settle_limited(&r, 400);
	said = stderr_back(saved, rd, "evidence: ");
	ck_assert_uint_eq(r.nalerts, 3);
	ck_assert_uint_eq(r.eo.stats.failed, 3);
	ck_assert_uint_eq(r.eo.stats.written, 0);
	ck_assert_int_eq(said, 1);
	ck_assert_uint_eq(count_files(&r), 0);
	assert_loss(&r.eo, "evidence_failed", 3);
	rig_end(&r);
}
END_TEST

/* The directory went away under the daemon: counted, not fatal. */
START_TEST(test_vanished_directory_counted)
{
	struct rig r;

	rig_start(&r, true, 10, 1024 * 1024);
	rig_open(&r);
	ck_assert_int_eq(rmdir(r.dir), 0);
	refused(&r, 47000);
	settle(&r);
	ck_assert_uint_eq(r.eo.stats.failed, 1);
	ck_assert_uint_eq(r.eo.stats.written, 0);
	ck_assert_uint_eq(r.eo.nfiles, 0);
	ck_assert_int_eq(mkdir(r.dir, 0700), 0);
	refused(&r, 47001);
	settle(&r);
	ck_assert_uint_eq(r.eo.stats.written, 1);
	ck_assert(exists(&r, alert_name(&r, 1)));
	rig_end(&r);
}
END_TEST

/*
 * Live, the loop's queue holds 256 files: the 257th, completed before the
 * loop runs, is counted as failed, never waited for.
 */
START_TEST(test_live_queue_full_counted)
{
	struct rig r;

	rig_start(&r, true, 1000, 1024 * 1024 * 1024);
	rig_open(&r);
	for (uint16_t i = 0; i < 257; i++) {
		r.nfed = 0;
		tx(&r, false, (uint16_t)(48000 + i), 81, TH_SYN, 1000, 0, 0,
		    10);
		tx(&r, true, (uint16_t)(48000 + i), 81, TH_RST | TH_ACK, 0,
		    1001, 0, 10);
	}
	/* Complete the requests without running the loop. */
	r.now += EVIDENCE_AFTER_US + 2 * SEC;
	analyzer_tick(r.an, r.now);
	ck_assert_uint_eq(r.nalerts, 257);
	ck_assert_uint_eq(r.eo.queued, 256);
	ck_assert_uint_eq(r.eo.stats.queue_full, 1);
	assert_loss(&r.eo, "evidence_failed", 1);
	ck_assert_int_ne(event_base_loop(r.base, EVLOOP_NONBLOCK), -1);
	ck_assert_uint_eq(r.eo.stats.written, 256);
	ck_assert_uint_eq(count_files(&r), 256);
	rig_end(&r);
}
END_TEST

/* Without evidence (never opened), the statistics line has no keys. */
START_TEST(test_losses_empty_when_off)
{
	struct evidence_out o;
	char buf[64] = "x";

	memset(&o, 0, sizeof(o));
	evidence_out_losses(&o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *
evidence_out_suite(void)
{
	Suite *s = suite_create("evidence_out");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_live_file_is_the_flows_packets);
	tcase_add_test(tc, test_offline_file_is_the_flows_packets);
	tcase_add_test(tc, test_file_bytes);
	tcase_add_test(tc, test_raw_ip_is_linktype_raw);
	tcase_add_test(tc, test_max_files_oldest_first);
	tcase_add_test(tc, test_max_files_at_start);
	tcase_add_test(tc, test_max_bytes_oldest_first);
	tcase_add_test(tc, test_file_over_max_bytes_skipped);
	tcase_add_test(tc, test_offline_max_files_skips);
	tcase_add_test(tc, test_offline_closed_store_completes_open_request);
	tcase_add_test(tc, test_offline_max_bytes_skips);
	tcase_add_test(tc, test_live_write_failure_counted);
	tcase_add_test(tc, test_offline_write_failure_counted);
	tcase_add_test(tc, test_vanished_directory_counted);
	tcase_add_test(tc, test_live_queue_full_counted);
	tcase_add_test(tc, test_losses_empty_when_off);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	log_init(0);
	return util_run(evidence_out_suite());
}
