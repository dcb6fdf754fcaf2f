/*
 * libFuzzer target for the -r file reader, daemon/capfile.c.  The input
 * is a capture file.  It is written to a memory file and opened through
 * /proc/self/fd/N, so that libpcap's checks and the block reader see a
 * regular file on disk, as they do under -r.  It is read as
 * daemon/offline.c reads it, in batches through capfile_read() (which
 * calls capfile_next()), and every packet goes through the analyser.
 *
 * An input of odd length is read through the filter "tcp or udp", an
 * even one without a filter.  Choosing by the length keeps the input's
 * bytes a capture file as they are, so the seeds are plain pcap and
 * pcapng files and any crash found is a file that crashes rstwatchd -r.
 *
 * Besides not crashing, the target checks:
 *
 *  - what capfile.h promises of each packet: caplen at most 262144,
 *    wirelen at least caplen, data there when caplen is not 0.  The
 *    packet is copied into a buffer of exactly caplen bytes first, so
 *    AddressSanitizer sees the analyser read past the packet;
 *  - that a classic pcap 2.4 file of a link type the analyser decodes
 *    goes to the block reader at all;
 *  - that the block reader gives what libpcap gives: the same file is
 *    read again with pcap_next_ex() (capfile's own fallback), and every
 *    packet (both lengths, the time, the bytes) and the way the file
 *    ends, at its end or with an error, must be the same;
 *  - pcapng files, which our own reader reads and libpcap 1.10 only in
 *    part (it refuses interfaces whose link type or snapshot length
 *    differ from the first one's, and stops there): the packets are
 *    compared as long as libpcap reads; a file libpcap reads to its end
 *    must be read to its end; every packet's link type is one the file
 *    described.  Time stamps are compared up to 2^32 seconds (libpcap's
 *    arithmetic overflows beyond).  libpcap does not check the first
 *    section header's trailing length; we do, and may stop there;
 *  - that a packet's file_off, when it has one, is where its bytes are in
 *    the file: -r -w reads them there again for evidence files;
 *  - that a failure comes with a message (capfile_open(), capfile_error());
 *  - that every line the sink formats fits the daemon's buffer and has
 *    the length returned, and that the analyser counted what it was fed;
 *  - that no file descriptor stays open; LeakSanitizer sees memory.
 *
 * A failed check prints "fuzz_capfile: ..." and aborts, which libFuzzer
 * reports as a crash.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "capfile.h"
#include "conf.h"
#include "decode.h"
#include "event.h"
#include "flow.h"

/* Small, so that a capture of a few hundred flows makes the table evict. */
#define FUZZ_MAX_FLOWS		64
/* Far more records than 64 KB of input holds; only a guard. */
#define FUZZ_MAX_PACKETS	100000
#define FUZZ_BATCH		13
#define FUZZ_FILTER		"tcp or udp"
/* capfile.h: "libpcap refuses records larger than this; so do we". */
#define REC_MAX_CAPLEN		262144
/* The daemon's line buffer (daemon/sinks.c). */
#define LINE_MAX_BYTES		2048
/* Linux's default net.ipv4.tcp_syn_retries, as daemon/config.c falls back. */
#define SYN_RETRIES		6
/* Descriptors below this are compared before and after each input. */
#define FD_WINDOW		128

/* The same file read by libpcap alone: what the block reader must match. */
struct ref {
	pcap_t		*pcap;
	struct bpf_program prog;
	bool		 has_prog;
};

struct sink_count {
	uint64_t	 events;
	uint64_t	 records;
};

/* One file being read: what capfile_read()'s callback needs. */
struct run {
	struct analyzer	*a;
	struct ref	 ref;
	int		 linktype;
	bool		 fast;		/* capfile's own reader, not libpcap */
	bool		 swapped;	/* the file's byte order is not ours */
	bool		 ng;		/* capfile's pcapng reader */
	bool		 ref_stopped;	/* libpcap failed first (pcapng only) */
	uint64_t	 n;		/* packets so far */
	size_t		 next_i;	/* the index the callback expects */
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	memfile(const uint8_t *, size_t);
static void	read_capture(const char *, const char *, bool);
static bool	classic_pcap(const uint8_t *, size_t);
static void	on_packet(void *, size_t, const struct capfile_pkt *);
static bool	ref_open(struct ref *, const char *, const char *);
static int	ref_next(struct ref *, struct capfile_pkt *);
static void	ref_close(struct ref *);
static void	check_packet(const struct capfile_pkt *, uint64_t);
static void	compare_packet(const struct capfile_pkt *,
		    const struct capfile_pkt *, uint64_t, int, bool, bool, bool);
static const char *capfile_reader_name(const struct run *);
static bool	pseudo_header_swapped(int);
static void	sink_event(void *, const struct event *);
static void	sink_flow(void *, const struct flow_record *);
static void	check_line(const char *, int, const char *);
static void	fds_open(bool *);
static void	fds_check(const bool *);
static void	fail(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* The input, for packets' file_off. */
static const uint8_t *input;
static size_t input_len;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool open_before[FD_WINDOW];
	char path[64];
	int fd;

	input = data;
	input_len = size;
	fds_open(open_before);
	fd = memfile(data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	read_capture(path, (size & 1) ? FUZZ_FILTER : NULL,
	    classic_pcap(data, size));
	close(fd);
	fds_check(open_before);
	return 0;
}

/*
 * A memory file holding the input.  Opening its /proc path gives a new
 * open file description, as opening a file by name does, so libpcap's
 * stdio stream and the block reader's descriptor keep their own offsets.
 */
static int
memfile(const uint8_t *data, size_t size)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create("fuzz_capfile", MFD_CLOEXEC)) == -1)
		fail("memfd_create: %s", strerror(errno));
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("write to memfd: %s", n == 0 ? "no progress" :
			    strerror(errno));
		off += (size_t)n;
	}
	return fd;
}

/*
 * Whether the file header is one the block reader takes if the link type
 * is one the analyser decodes (capfile.c leaves other link types to
 * libpcap): classic pcap, either byte order, micro- or nanoseconds,
 * version 2.4, what every writer writes today.  Without this check a
 * change that sent every file to libpcap would leave the target fuzzing
 * libpcap alone, silently.
 */
static bool
classic_pcap(const uint8_t *data, size_t size)
{
	static const uint8_t magic[4][8] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00 },
		{ 0x4d, 0x3c, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00 },
		{ 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x02, 0x00, 0x04 },
		{ 0xa1, 0xb2, 0x3c, 0x4d, 0x00, 0x02, 0x00, 0x04 }
	};

	if (size < 24)
		return false;
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (memcmp(data, magic[i], sizeof(magic[i])) == 0)
			return true;
	return false;
}

/* What daemon/offline.c does with one -r file, with every step checked. */
static void
read_capture(const char *path, const char *filter, bool classic)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	struct analyzer_params params;
	struct analyzer_sink sink;
	struct sink_count count;
	const struct analyzer_stats *st;
	struct capfile_pkt want;
	struct conf conf;
	struct capfile *c;
	struct run r;
	size_t got;
	bool ref_ok;
	int rc, want_rc;

	memset(&r, 0, sizeof(r));
	ref_ok = ref_open(&r.ref, path, filter);
	memset(err, 0, sizeof(err));
	if ((c = capfile_open(path, filter, err, sizeof(err))) == NULL) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			fail("capfile_open: failed without a message");
		/* Its only other failure is calloc()'s. */
		if (ref_ok)
			fail("capfile_open failed where libpcap opened the "
			    "file and compiled the filter: %s", err);
		ref_close(&r.ref);
		return;
	}
	r.ng = strcmp(capfile_reader(c), "pcapng") == 0;
	/* libpcap reads a pcapng file's first interface at open; we do not. */
	if (!ref_ok && !r.ng)
		fail("capfile_open succeeded where libpcap failed");
	r.ref_stopped = !ref_ok;
	r.linktype = capfile_linktype(c);
	if (r.ng ? r.linktype != -1 : r.linktype != pcap_datalink(r.ref.pcap))
		fail("link type %d, libpcap says %d", r.linktype,
		    ref_ok ? pcap_datalink(r.ref.pcap) : -1);
	r.fast = capfile_is_fast(c) != 0;
	if (classic && decode_linktype_supported(r.linktype) && !r.fast)
		fail("a classic pcap 2.4 file on disk left to libpcap");
	r.swapped = ref_ok && pcap_is_swapped(r.ref.pcap) != 0;

	memset(&count, 0, sizeof(count));
	conf_defaults(&conf);
	analyzer_params_from_conf(&params, &conf, SYN_RETRIES);
	sink.event = sink_event;
	sink.flow = sink_flow;
	sink.ctx = &count;
	r.a = analyzer_new(FUZZ_MAX_FLOWS, 0x5eed, &params, &sink);
	if (r.a == NULL)
		fail("analyzer_new failed");

	/*
	 * Batches of a size that divides no record count in particular, so
	 * that the file ends anywhere in one; offline.c's are larger.
	 */
	do {
		r.next_i = 0;
		got = capfile_read(c, FUZZ_BATCH, on_packet, &r, &rc);
		if (got != r.next_i)
			fail("capfile_read returned %zu, called back %zu times",
			    got, r.next_i);
		if (rc == 1 && got != FUZZ_BATCH)
			fail("capfile_read: rc 1 after a short batch of %zu",
			    got);
		if (rc != 1 && rc != 0 && rc != -1)
			fail("capfile_read: rc %d", rc);
	} while (rc == 1 && r.n < FUZZ_MAX_PACKETS);
	if (rc == -1 && capfile_error(c)[0] == '\0')
		fail("capfile_read: -1 without a message");
	/*
	 * libpcap must end the file the same way, at the same record; a
	 * pcapng file may go on past where libpcap gave up, and be refused
	 * where libpcap gives up too.
	 */
	if (rc != 1 && !r.ref_stopped &&
	    (want_rc = ref_next(&r.ref, &want)) != rc &&
	    !(r.ng && want_rc == -1) && !(r.ng && rc == -1 &&
	    strstr(capfile_error(c), "block at offset 0:") != NULL))
		fail("%s reader: after %llu packets: rc %d (%s), "
		    "libpcap %d (%s)", capfile_reader_name(&r),
		    (unsigned long long)r.n, rc,
		    rc == -1 ? capfile_error(c) : "end of file", want_rc,
		    want_rc == -1 ? pcap_geterr(r.ref.pcap) :
		    want_rc == 0 ? "end of file" : "a packet");
	analyzer_finish(r.a);

	st = analyzer_stats(r.a);
	if (st->packets != r.n)
		fail("analyser counted %llu packets, fed %llu",
		    (unsigned long long)st->packets, (unsigned long long)r.n);
	if (st->events != count.events || st->flow_records != count.records)
		fail("analyser counted events/records %llu/%llu, "
		    "sunk %llu/%llu",
		    (unsigned long long)st->events,
		    (unsigned long long)st->flow_records,
		    (unsigned long long)count.events,
		    (unsigned long long)count.records);
	if (analyzer_flow_stats(r.a)->active != 0)
		fail("flows left active after analyzer_finish");
	analyzer_free(r.a);
	capfile_close(c);
	ref_close(&r.ref);
}

/* capfile_read()'s callback: check the packet, then analyse it. */
static void
on_packet(void *arg, size_t i, const struct capfile_pkt *pkt)
{
	struct run *r = arg;
	struct capfile_pkt want;
	uint8_t *copy;
	int want_rc;

	if (i != r->next_i++)
		fail("capfile_read: packet index %zu, expected %zu", i,
		    r->next_i - 1);
	check_packet(pkt, r->n);
	if (!r->ng && pkt->linktype != r->linktype)
		fail("packet %llu: link type %d in a file of %d",
		    (unsigned long long)r->n, pkt->linktype, r->linktype);
	if (r->ng && (pkt->linktype < 0 || pkt->linktype > 0xffff))
		fail("packet %llu: link type %d", (unsigned long long)r->n,
		    pkt->linktype);
	if (!r->ref_stopped) {
		want_rc = ref_next(&r->ref, &want);
		if (r->ng && want_rc == -1)
			r->ref_stopped = true;
		else if (want_rc != 1)
			fail("%s reader: packet %llu where libpcap says %d "
			    "(%s)", capfile_reader_name(r),
			    (unsigned long long)r->n, want_rc, want_rc == -1 ?
			    pcap_geterr(r->ref.pcap) : "end of file");
		else
			compare_packet(pkt, &want, r->n, pkt->linktype,
			    r->fast || r->ng, r->swapped, r->ng);
	}

	/*
	 * Exactly caplen bytes: AddressSanitizer sees memcpy read outside
	 * the reader's buffer (not when the reader maps the file), and the
	 * analyser read past the packet rather than into the next record.
	 */
	if ((copy = malloc(pkt->caplen)) == NULL && pkt->caplen > 0)
		fail("malloc %u", pkt->caplen);
	if (pkt->caplen > 0)
		memcpy(copy, pkt->data, pkt->caplen);
	analyzer_packet(r->a, pkt->linktype, copy, pkt->caplen, pkt->wirelen,
	    pkt->ts_us, NULL);
	free(copy);
	r->n++;
}

/*
 * libpcap on its own, with the same filter: true if it opened the file
 * and compiled the filter, as capfile_open() must then do too.
 */
static bool
ref_open(struct ref *r, const char *path, const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	memset(r, 0, sizeof(*r));
	r->pcap = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (r->pcap == NULL)
		return false;
	if (filter != NULL) {
		if (pcap_compile(r->pcap, &r->prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			ref_close(r);
			return false;
		}
		r->has_prog = true;
	}
	return true;
}

/*
 * The next packet as capfile's libpcap path gives it (capfile.c,
 * pcap_next_pkt()): the length on the wire never below caplen, a negative
 * second as time 0.
 */
static int
ref_next(struct ref *r, struct capfile_pkt *pkt)
{
	struct pcap_pkthdr *h, ph;
	const u_char *data;
	int rc;

	for (;;) {
		rc = pcap_next_ex(r->pcap, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1)
			return -1;
		pkt->data = data;
		pkt->caplen = h->caplen;
		pkt->wirelen = h->len > h->caplen ? h->len : h->caplen;
		pkt->ts_us = h->ts.tv_sec < 0 ? 0 :
		    (uint64_t)h->ts.tv_sec * 1000000 +
		    (uint64_t)(h->ts.tv_usec % 1000000);
		if (!r->has_prog)
			return 1;
		ph = *h;
		ph.len = pkt->wirelen;
		if (pcap_offline_filter(&r->prog, &ph, data) != 0)
			return 1;
	}
}

static void
ref_close(struct ref *r)
{
	if (r->has_prog)
		pcap_freecode(&r->prog);
	if (r->pcap != NULL)
		pcap_close(r->pcap);
	memset(r, 0, sizeof(*r));
}

/* capfile.h's promises, whichever reader produced the packet. */
static void
check_packet(const struct capfile_pkt *pkt, uint64_t n)
{
	if (pkt->caplen > REC_MAX_CAPLEN)
		fail("packet %llu: caplen %u above %d", (unsigned long long)n,
		    pkt->caplen, REC_MAX_CAPLEN);
	if (pkt->wirelen < pkt->caplen)
		fail("packet %llu: wirelen %u below caplen %u",
		    (unsigned long long)n, pkt->wirelen, pkt->caplen);
	if (pkt->caplen > 0 && pkt->data == NULL)
		fail("packet %llu: caplen %u and no data",
		    (unsigned long long)n, pkt->caplen);
	if (pkt->file_off >= 0 && ((uint64_t)pkt->file_off > input_len ||
	    input_len - (uint64_t)pkt->file_off < pkt->caplen ||
	    (pkt->caplen > 0 &&
	    memcmp(input + pkt->file_off, pkt->data, pkt->caplen) != 0)))
		fail("packet %llu: its %u bytes are not at file offset %lld",
		    (unsigned long long)n, pkt->caplen,
		    (long long)pkt->file_off);
}

/*
 * The block reader against libpcap.  libpcap itself rewrites two things
 * the block reader leaves as they are, neither of which the analyser
 * decodes: in a file of the other byte order, the pseudo-headers of a
 * few link types, and for Linux USB (memory-mapped) the length on the
 * wire.  Those bytes and that length are not compared.
 */
static const char *
capfile_reader_name(const struct run *r)
{
	return r->ng ? "pcapng" : r->fast ? "block" : "libpcap";
}

static void
compare_packet(const struct capfile_pkt *got, const struct capfile_pkt *want,
    uint64_t n, int linktype, bool fast, bool swapped, bool ng)
{
	const char *reader = ng ? "pcapng" : fast ? "block" : "libpcap";

	if (got->caplen != want->caplen)
		fail("%s reader: packet %llu: caplen %u, libpcap %u", reader,
		    (unsigned long long)n, got->caplen, want->caplen);
	if (got->wirelen != want->wirelen &&
	    !(fast && linktype == DLT_USB_LINUX_MMAPPED))
		fail("%s reader: packet %llu: wirelen %u, libpcap %u", reader,
		    (unsigned long long)n, got->wirelen, want->wirelen);
	if (got->ts_us != want->ts_us && (!ng ||
	    (got->ts_us < (UINT64_C(1) << 32) * 1000000 &&
	    want->ts_us < (UINT64_C(1) << 32) * 1000000)))
		fail("%s reader: packet %llu: ts_us %llu, libpcap %llu", reader,
		    (unsigned long long)n, (unsigned long long)got->ts_us,
		    (unsigned long long)want->ts_us);
	if (got->caplen > 0 && want->data != NULL &&
	    !(fast && swapped && pseudo_header_swapped(linktype)) &&
	    memcmp(got->data, want->data, got->caplen) != 0)
		fail("%s reader: packet %llu: bytes differ from libpcap's",
		    reader, (unsigned long long)n);
}

/* Link types whose pseudo-header libpcap byte-swaps in a swapped file. */
static bool
pseudo_header_swapped(int linktype)
{
	switch (linktype) {
	case DLT_PFLOG:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_USB_LINUX:
	case DLT_USB_LINUX_MMAPPED:
	case DLT_NFLOG:
		return true;
	default:
		return false;
	}
}

static void
sink_event(void *arg, const struct event *ev)
{
	struct sink_count *count = arg;
	char line[LINE_MAX_BYTES];

	count->events++;
	if ((unsigned)ev->kind >= EV_NKINDS)
		fail("event kind %d out of range", (int)ev->kind);
	check_line(line, event_format_text(ev, line, sizeof(line)),
	    "event_format_text");
	check_line(line, event_format_json(ev, line, sizeof(line)),
	    "event_format_json");
}

static void
sink_flow(void *arg, const struct flow_record *rec)
{
	struct sink_count *count = arg;
	char line[LINE_MAX_BYTES];

	count->records++;
	check_line(line, flow_record_format_json(rec, line, sizeof(line)),
	    "flow_record_format_json");
}

static void
check_line(const char *line, int n, const char *what)
{
	if (n < 0)
		fail("%s: a line does not fit %d bytes", what, LINE_MAX_BYTES);
	if (strlen(line) != (size_t)n)
		fail("%s: returned %d for a line of %zu bytes", what, n,
		    strlen(line));
}

/*
 * libFuzzer opens nothing while an input runs, so the descriptors open
 * after it must be those open before: one more is a leak.
 */
static void
fds_open(bool *open)
{
	for (int fd = 0; fd < FD_WINDOW; fd++)
		open[fd] = fcntl(fd, F_GETFD) != -1;
}

static void
fds_check(const bool *before)
{
	bool after[FD_WINDOW];

	fds_open(after);
	for (int fd = 0; fd < FD_WINDOW; fd++)
		if (after[fd] != before[fd])
			fail("descriptor %d %s during the run", fd,
			    after[fd] ? "left open" : "closed");
}

static void
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_capfile: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
