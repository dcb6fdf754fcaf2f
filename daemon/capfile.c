/*
 * Capture files for -r: libpcap validates, our reader parses classic pcap
 * records (see capfile.h for why).
 *
 * A classic pcap file is a 24-byte header then records, each a 16-byte
 * header (seconds, micro- or nanoseconds, captured length, length on the
 * wire) in the writer's byte order, followed by the captured bytes.
 *
 * The file is mapped a window at a time rather than read: the analysis
 * looks at the first hundred bytes of a packet, and copying whole frames
 * out of the page cache cost as much as the rest of the reading.  A
 * mapping has one hazard, a file truncated while it is mapped: touching
 * the vanished pages raises SIGBUS.  capfile_read() catches it and ends
 * the file with an error, as a read error would.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "decode.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define FILE_HDR_LEN	24
#define REC_HDR_LEN	16
/* libpcap refuses records larger than this; so do we. */
#define REC_MAX_CAPLEN	262144
/*
 * A window holds any record wherever it starts; it stays small, since
 * mapped file pages count in the resident size.
 */
#define WINDOW_LEN	(8u << 20)
#define PAGE_LEN	4096u

struct capfile {
	pcap_t		*pcap;
	struct bpf_program prog;
	bool		 has_prog;
	int		 linktype;
	char		 error[PCAP_ERRBUF_SIZE + 64];
	/* Our reader; fd is -1 when libpcap reads. */
	int		 fd;
	bool		 swapped;
	bool		 nsec;
	bool		 failed;	/* the file vanished under the mapping */
	uint32_t	 snaplen;	/* records longer are cut to this */
	const uint8_t	*map;		/* the window, or NULL */
	size_t		 map_len;
	size_t		 start;		/* next record in the window */
	uint64_t	 offset;	/* its offset in the file */
};

/* Where a SIGBUS in this thread goes, while capfile_read() reads a window. */
static __thread sigjmp_buf *bus_return;

static uint16_t
get16(const struct capfile *c, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return c->swapped ? __builtin_bswap16(v) : v;
}

static uint32_t
get32(const struct capfile *c, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return c->swapped ? __builtin_bswap32(v) : v;
}

/*
 * The same microseconds libpcap 1.10 gives at PCAP_TSTAMP_PRECISION_MICRO.
 * It keeps the two time fields as signed 32-bit values when the file is
 * in our byte order, unsigned ones when it had to swap them; a negative
 * second became 0 here when libpcap read every file, and still does.
 */
static uint64_t
record_time_us(const struct capfile *c, uint32_t raw_sec, uint32_t raw_frac)
{
	int64_t sec = c->swapped ? (int64_t)raw_sec : (int32_t)raw_sec;
	int64_t frac = c->swapped ? (int64_t)raw_frac : (int32_t)raw_frac;

	if (c->nsec)
		frac /= 1000;
	if (sec < 0)
		return 0;
	return (uint64_t)sec * 1000000 + (uint64_t)(frac % 1000000);
}

static void
unmap_window(struct capfile *c)
{
	if (c->map != NULL)
		munmap((void *)(uintptr_t)c->map, c->map_len);
	c->map = NULL;
	c->map_len = c->start = 0;
}

/*
 * Makes at least want bytes from the next record on visible in the
 * window, unless the file ends first.  The size is asked again each time,
 * so that a file still being written is read as far as it has grown.
 */
static int
map_window(struct capfile *c, size_t want)
{
	uint64_t at = c->offset & ~(uint64_t)(PAGE_LEN - 1);
	struct stat st;
	size_t len;
	void *m;

	if (c->map != NULL && c->map_len - c->start >= want)
		return 0;
	unmap_window(c);
	if (fstat(c->fd, &st) == -1) {
		snprintf(c->error, sizeof(c->error), "%s", strerror(errno));
		return -1;
	}
	if ((uint64_t)st.st_size <= c->offset)
		return 0;
	len = (uint64_t)st.st_size - at > WINDOW_LEN ? WINDOW_LEN :
	    (size_t)((uint64_t)st.st_size - at);
	m = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_POPULATE, c->fd,
	    (off_t)at);
	if (m == MAP_FAILED) {
		snprintf(c->error, sizeof(c->error), "cannot map offset %llu: "
		    "%s", (unsigned long long)at, strerror(errno));
		return -1;
	}
	c->map = m;
	c->map_len = len;
	c->start = (size_t)(c->offset - at);
	return 0;
}

static void
on_sigbus(int sig)
{
	if (bus_return != NULL)
		siglongjmp(*bus_return, 1);
	/* Not ours: die of it as if nobody had been listening. */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Whether path is a classic pcap file on disk, and how it is written. */
static bool
fast_reader_fits(struct capfile *c, const char *path)
{
	uint8_t hdr[FILE_HDR_LEN];
	uint32_t magic;
	struct stat st;
	FILE *fp;
	long pos;

	if (strcmp(path, "-") == 0 || (fp = pcap_file(c->pcap)) == NULL)
		return false;
	/* Where libpcap's stdio stream stands: just past the file header. */
	if ((pos = ftell(fp)) != FILE_HDR_LEN)
		return false;
	/* The file libpcap opened, not whatever has the name by now. */
	if ((c->fd = fcntl(fileno(fp), F_DUPFD_CLOEXEC, 0)) == -1)
		return false;
	if (fstat(c->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    pread(c->fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		goto no;
	memcpy(&magic, hdr, sizeof(magic));
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC)
		c->swapped = false;
	else if (__builtin_bswap32(magic) == MAGIC_USEC ||
	    __builtin_bswap32(magic) == MAGIC_NSEC)
		c->swapped = true;
	else
		goto no;	/* pcapng, or a variant libpcap knows better */
	c->nsec = get32(c, hdr) == MAGIC_NSEC;
	c->snaplen = get32(c, hdr + 16);
	if (c->snaplen == 0 || c->snaplen > REC_MAX_CAPLEN)
		c->snaplen = REC_MAX_CAPLEN;
	/*
	 * Version 2.4 only: libpcap reads the two lengths of older files in
	 * another order.  Only link types we decode: libpcap allows larger
	 * records for some others (USB, D-Bus).
	 */
	if (get16(c, hdr + 4) != 2 || get16(c, hdr + 6) != 4 ||
	    c->swapped != (pcap_is_swapped(c->pcap) != 0) ||
	    !decode_linktype_supported(c->linktype))
		goto no;
	c->offset = FILE_HDR_LEN;
	/* A file system that cannot map files is left to libpcap. */
	if (map_window(c, REC_HDR_LEN) == -1)
		goto no;
	return true;
no:
	close(c->fd);
	c->fd = -1;
	c->error[0] = '\0';
	return false;
}

struct capfile *
capfile_open(const char *path, const char *filter, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct capfile *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	c->fd = -1;
	c->pcap = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (c->pcap == NULL) {
		snprintf(err, errlen, "%s", errbuf);
		free(c);
		return NULL;
	}
	c->linktype = pcap_datalink(c->pcap);
	if (filter != NULL && filter[0] != '\0') {
		if (pcap_compile(c->pcap, &c->prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			snprintf(err, errlen, "capture.filter \"%s\": %s",
			    filter, pcap_geterr(c->pcap));
			capfile_close(c);
			return NULL;
		}
		c->has_prog = true;
	}
	if (fast_reader_fits(c, path)) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigbus;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
	}
	return c;
}

int
capfile_linktype(const struct capfile *c)
{
	return c->linktype;
}

int
capfile_is_fast(const struct capfile *c)
{
	return c->fd != -1;
}

const char *
capfile_error(const struct capfile *c)
{
	return c->error;
}

/* One record from the window; 1, 0 at a clean end, -1 on error. */
static int
fast_next(struct capfile *c, struct capfile_pkt *pkt)
{
	const uint8_t *h;
	uint32_t caplen, wirelen;
	size_t have;

	if (c->failed || map_window(c, REC_HDR_LEN) == -1)
		return -1;
	have = c->map != NULL ? c->map_len - c->start : 0;
	if (have == 0)
		return 0;
	if (have < REC_HDR_LEN) {
		snprintf(c->error, sizeof(c->error), "truncated dump file; "
		    "record header at offset %llu has %zu of %d bytes",
		    (unsigned long long)c->offset, have, REC_HDR_LEN);
		return -1;
	}
	h = c->map + c->start;
	caplen = get32(c, h + 8);
	wirelen = get32(c, h + 12);
	if (caplen > REC_MAX_CAPLEN) {
		snprintf(c->error, sizeof(c->error), "invalid record at "
		    "offset %llu: captured length %u is above %d",
		    (unsigned long long)c->offset, caplen, REC_MAX_CAPLEN);
		return -1;
	}
	if (map_window(c, REC_HDR_LEN + (size_t)caplen) == -1)
		return -1;
	have = c->map != NULL ? c->map_len - c->start : 0;
	if (have < REC_HDR_LEN + (size_t)caplen) {
		snprintf(c->error, sizeof(c->error), "truncated dump file; "
		    "record at offset %llu has %zu of %u captured bytes",
		    (unsigned long long)c->offset,
		    have > REC_HDR_LEN ? have - REC_HDR_LEN : 0, caplen);
		return -1;
	}
	h = c->map + c->start;
	pkt->data = h + REC_HDR_LEN;
	/* As libpcap does: bytes beyond the file's snapshot length are cut. */
	pkt->caplen = caplen < c->snaplen ? caplen : c->snaplen;
	pkt->wirelen = wirelen > pkt->caplen ? wirelen : pkt->caplen;
	pkt->ts_us = record_time_us(c, get32(c, h), get32(c, h + 4));
	c->start += REC_HDR_LEN + (size_t)caplen;
	c->offset += REC_HDR_LEN + (uint64_t)caplen;
	return 1;
}

static int
pcap_next_pkt(struct capfile *c, struct capfile_pkt *pkt)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc;

	rc = pcap_next_ex(c->pcap, &hdr, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(c->error, sizeof(c->error), "%s",
		    pcap_geterr(c->pcap));
		return -1;
	}
	pkt->data = data;
	pkt->caplen = hdr->caplen;
	pkt->wirelen = hdr->len > hdr->caplen ? hdr->len : hdr->caplen;
	pkt->ts_us = hdr->ts.tv_sec < 0 ? 0 :
	    (uint64_t)hdr->ts.tv_sec * 1000000 +
	    (uint64_t)(hdr->ts.tv_usec % 1000000);
	return 1;
}

int
capfile_next(struct capfile *c, struct capfile_pkt *pkt)
{
	struct pcap_pkthdr ph;
	int rc;

	for (;;) {
		rc = c->fd != -1 ? fast_next(c, pkt) : pcap_next_pkt(c, pkt);
		if (rc != 1 || !c->has_prog)
			return rc;
		ph.caplen = pkt->caplen;
		ph.len = pkt->wirelen;
		ph.ts.tv_sec = 0;
		ph.ts.tv_usec = 0;
		if (pcap_offline_filter(&c->prog, &ph, pkt->data) != 0)
			return 1;
	}
}

size_t
capfile_read(struct capfile *c, size_t max,
    void (*fn)(void *, size_t, const struct capfile_pkt *), void *ctx,
    int *rc)
{
	struct capfile_pkt pkt;
	sigjmp_buf jb;
	volatile size_t n = 0;
	int r = 1;

	if (c->fd != -1) {
		/* Saves the signal mask: the handler returns with SIGBUS blocked. */
		if (sigsetjmp(jb, 1) != 0) {
			bus_return = NULL;
			unmap_window(c);
			c->failed = true;
			snprintf(c->error, sizeof(c->error), "the file shrank "
			    "while it was being read (near offset %llu)",
			    (unsigned long long)c->offset);
			*rc = -1;
			return n;
		}
		bus_return = &jb;
	}
	while (n < max && (r = capfile_next(c, &pkt)) == 1) {
		fn(ctx, n, &pkt);
		n++;
	}
	bus_return = NULL;
	*rc = r;
	return n;
}

void
capfile_close(struct capfile *c)
{
	if (c == NULL)
		return;
	if (c->has_prog)
		pcap_freecode(&c->prog);
	unmap_window(c);
	if (c->fd != -1)
		close(c->fd);
	pcap_close(c->pcap);
	free(c);
}
