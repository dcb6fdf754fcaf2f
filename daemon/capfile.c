/*
 * Capture files for -r: libpcap validates, our block reader parses classic
 * pcap records (see capfile.h for why).
 *
 * A classic pcap file is a 24-byte header then records, each a 16-byte
 * header (seconds, micro- or nanoseconds, captured length, length on the
 * wire) in the writer's byte order, followed by the captured bytes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define FILE_HDR_LEN	24
#define REC_HDR_LEN	16
/* libpcap refuses records larger than this; so do we. */
#define REC_MAX_CAPLEN	262144
/* Several records fit whatever their size; reads are few and large. */
#define BLOCK_LEN	(1u << 20)

struct capfile {
	pcap_t		*pcap;
	struct bpf_program prog;
	bool		 has_prog;
	int		 linktype;
	char		 error[PCAP_ERRBUF_SIZE + 64];
	/* The fast reader; fd is -1 when libpcap reads. */
	int		 fd;
	bool		 swapped;
	bool		 nsec;
	bool		 eof;
	uint32_t	 snaplen;	/* records longer are cut to this */
	uint8_t		*buf;
	size_t		 start;		/* first unparsed byte in buf */
	size_t		 end;		/* one past the last byte read */
	uint64_t	 offset;	/* file offset of buf[start] */
};

static uint32_t
get32(const struct capfile *c, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return c->swapped ? __builtin_bswap32(v) : v;
}

/*
 * The same microseconds libpcap gives at PCAP_TSTAMP_PRECISION_MICRO:
 * its timeval fields are signed 32-bit values from the file, a negative
 * second becomes 0 here, as it did when libpcap read every file.
 */
static uint64_t
record_time_us(const struct capfile *c, uint32_t raw_sec, uint32_t raw_frac)
{
	int32_t sec = (int32_t)raw_sec;
	long frac = (int32_t)raw_frac;

	if (c->nsec)
		frac /= 1000;
	if (sec < 0)
		return 0;
	return (uint64_t)sec * 1000000 + (uint64_t)(frac % 1000000);
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
	if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
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
	/* Version 2.x only: older ones swapped the two lengths. */
	if ((get32(c, hdr + 4) & 0xffff) != 2 ||
	    (c->swapped != (pcap_is_swapped(c->pcap) != 0)))
		goto no;
	if ((c->buf = malloc(BLOCK_LEN)) == NULL ||
	    lseek(c->fd, FILE_HDR_LEN, SEEK_SET) != FILE_HDR_LEN)
		goto no;
	c->offset = FILE_HDR_LEN;
	return true;
no:
	free(c->buf);
	c->buf = NULL;
	close(c->fd);
	c->fd = -1;
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
	(void)fast_reader_fits(c, path);
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

/* At least want bytes from buf[start] on, unless the file ends first. */
static int
fill(struct capfile *c, size_t want)
{
	ssize_t n;

	if (c->end - c->start >= want)
		return 0;
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	while (c->end < want && !c->eof) {
		n = read(c->fd, c->buf + c->end, BLOCK_LEN - c->end);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(c->error, sizeof(c->error), "read error at "
			    "offset %llu: %s", (unsigned long long)c->offset,
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			c->eof = true;
		c->end += (size_t)n;
	}
	return 0;
}

/* One record from the block; 1, 0 at a clean end, -1 on error. */
static int
fast_next(struct capfile *c, struct capfile_pkt *pkt)
{
	const uint8_t *h;
	uint32_t caplen, wirelen;
	size_t have;

	if (fill(c, REC_HDR_LEN) == -1)
		return -1;
	have = c->end - c->start;
	if (have == 0)
		return 0;
	if (have < REC_HDR_LEN) {
		snprintf(c->error, sizeof(c->error), "truncated dump file; "
		    "record header at offset %llu has %zu of %d bytes",
		    (unsigned long long)c->offset, have, REC_HDR_LEN);
		return -1;
	}
	h = c->buf + c->start;
	caplen = get32(c, h + 8);
	wirelen = get32(c, h + 12);
	if (caplen > REC_MAX_CAPLEN) {
		snprintf(c->error, sizeof(c->error), "invalid record at "
		    "offset %llu: captured length %u is above %d",
		    (unsigned long long)c->offset, caplen, REC_MAX_CAPLEN);
		return -1;
	}
	if (fill(c, REC_HDR_LEN + (size_t)caplen) == -1)
		return -1;
	h = c->buf + c->start;
	have = c->end - c->start;
	if (have < REC_HDR_LEN + (size_t)caplen) {
		snprintf(c->error, sizeof(c->error), "truncated dump file; "
		    "record at offset %llu has %zu of %u captured bytes",
		    (unsigned long long)c->offset, have - REC_HDR_LEN, caplen);
		return -1;
	}
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

void
capfile_close(struct capfile *c)
{
	if (c == NULL)
		return;
	if (c->has_prog)
		pcap_freecode(&c->prog);
	if (c->fd != -1)
		close(c->fd);
	free(c->buf);
	pcap_close(c->pcap);
	free(c);
}
