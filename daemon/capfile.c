/*
 * Capture files for -r: libpcap validates, our reader parses classic pcap
 * records (see capfile.h for why); pcapng files are read by our own block
 * reader, whatever they come from.
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
#include "pcapng.h"
#include "timeunit.h"

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
/* pcapng: what is read at a time, and the interfaces a section may have. */
#define NG_BUF_LEN	(1u << 20)
#define NG_MAX_IFACES	65536u
/* Link types one file may mix, each with its compiled filter. */
#define MAX_LINKTYPES	CAPFILE_MAX_LINKTYPES

struct capfile_prog {
	int		 linktype;
	struct bpf_program prog;
};

/* A stream that gives back the bytes read to tell the format, then fd's. */
struct prefix_stream {
	int		 fd;
	uint8_t		 head[4];
	size_t		 nhead;
	size_t		 pos;
};

struct capfile {
	pcap_t		*pcap;		/* NULL for pcapng */
	char		*filter;	/* NULL for none */
	struct capfile_prog prog[MAX_LINKTYPES];
	int		 nprog;
	int		 linktype;	/* -1 for pcapng: per interface */
	struct capfile_linktype seen[MAX_LINKTYPES];
	int		 nseen;
	char		 error[PCAP_ERRBUF_SIZE + 64];
	/* pcapng; ng_fd is -1 for other files. */
	int		 ng_fd;
	uint8_t		*ng_buf;
	size_t		 ng_cap;
	size_t		 ng_pos;	/* the next block in ng_buf */
	size_t		 ng_end;
	bool		 ng_eof;
	bool		 ng_swapped;
	bool		 ng_seekable;	/* a regular file: offsets mean something */
	uint64_t	 ng_off;	/* file offset of the next block */
	struct pcapng_iface *ng_if;
	uint32_t	 ng_nif;
	uint32_t	 ng_capif;
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
		frac /= (int64_t)NSEC_PER_USEC;
	if (sec < 0)
		return 0;
	return usec_from_sec((uint64_t)sec) +
	    (uint64_t)(frac % (int64_t)USEC_PER_SEC);
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

static ssize_t
prefix_read(void *cookie, char *buf, size_t size)
{
	struct prefix_stream *ps = cookie;
	ssize_t n;

	if (ps->pos < ps->nhead) {
		n = (ssize_t)(ps->nhead - ps->pos < size ? ps->nhead - ps->pos :
		    size);
		memcpy(buf, ps->head + ps->pos, (size_t)n);
		ps->pos += (size_t)n;
		return n;
	}
	while ((n = read(ps->fd, buf, size)) == -1 && errno == EINTR)
		;
	return n;
}

static int
prefix_close(void *cookie)
{
	struct prefix_stream *ps = cookie;

	close(ps->fd);
	free(ps);
	return 0;
}

/*
 * The first four bytes of fd, which tell pcapng from the rest: read in
 * place when fd can seek, consumed (and kept in head) when it cannot.
 */
static size_t
peek_magic(int fd, uint8_t head[4], bool *consumed)
{
	off_t at = lseek(fd, 0, SEEK_CUR);
	size_t n = 0;
	ssize_t r;

	*consumed = at == -1;
	if (!*consumed)
		return (r = pread(fd, head, 4, at)) > 0 ? (size_t)r : 0;
	while (n < 4) {
		if ((r = read(fd, head + n, 4 - n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return n;
}

/*
 * Opens the input.  A pcapng file is ours from the start (libpcap 1.10
 * refuses interfaces whose link type or snapshot length differ from the
 * first one's).  Anything else goes to libpcap, by name when nothing has
 * been read from it yet, or else as a stream that gives back what was.
 */
static int
open_input(struct capfile *c, const char *path, char *errbuf)
{
	struct prefix_stream *ps;
	struct stat st;
	uint8_t head[4];
	uint32_t magic;
	bool consumed;
	size_t n;
	FILE *fp;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = peek_magic(fd, head, &consumed);
	memcpy(&magic, head, sizeof(magic));
	if (n == 4 && magic == PCAPNG_BT_SHB) {
		c->ng_fd = fd;
		c->ng_seekable = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		c->linktype = -1;
		if ((c->ng_buf = malloc(NG_BUF_LEN)) == NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s",
			    strerror(errno));
			return -1;
		}
		c->ng_cap = NG_BUF_LEN;
		if (consumed) {
			memcpy(c->ng_buf, head, n);
			c->ng_end = n;
		}
		return 0;
	}
	if (!consumed) {
		close(fd);
		c->pcap = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
		return c->pcap != NULL ? 0 : -1;
	}
	if ((ps = calloc(1, sizeof(*ps))) == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	ps->fd = fd;
	memcpy(ps->head, head, n);
	ps->nhead = n;
	fp = fopencookie(ps, "r", (cookie_io_functions_t){
	    .read = prefix_read, .close = prefix_close });
	if (fp == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		prefix_close(ps);
		return -1;
	}
	c->pcap = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (c->pcap == NULL) {
		fclose(fp);
		return -1;
	}
	return 0;
}

/*
 * The DLT_ value libpcap's compiler knows a file's LINKTYPE_ value by:
 * the same number but for the few that BSDs had numbered differently
 * (the pcap-linktype(7) table; classic files get this from libpcap).
 */
static int
linktype_dlt(int linktype)
{
	switch (linktype) {
	case 100:
		return DLT_ATM_RFC1483;
	case 101:
		return DLT_RAW;
	case 102:
		return DLT_SLIP_BSDOS;
	case 103:
		return DLT_PPP_BSDOS;
	default:
		return linktype;
	}
}

/* The filter compiled for a link type, NULL when there is no filter. */
static const struct bpf_program *
prog_for(struct capfile *c, int linktype)
{
	struct capfile_prog *cp;
	pcap_t *dead;
	int i;

	if (c->filter == NULL)
		return NULL;
	for (i = 0; i < c->nprog; i++)
		if (c->prog[i].linktype == linktype)
			return &c->prog[i].prog;
	if (c->nprog == MAX_LINKTYPES) {
		snprintf(c->error, sizeof(c->error), "more than %d link types "
		    "in one file", MAX_LINKTYPES);
		return NULL;
	}
	cp = &c->prog[c->nprog];
	if ((dead = pcap_open_dead(linktype_dlt(linktype),
	    (int)PCAPNG_SNAPLEN_MAX)) == NULL) {
		snprintf(c->error, sizeof(c->error), "capture.filter: out of "
		    "memory");
		return NULL;
	}
	if (pcap_compile(dead, &cp->prog, c->filter, 1,
	    PCAP_NETMASK_UNKNOWN) == -1) {
		if (c->pcap != NULL)
			snprintf(c->error, sizeof(c->error), "capture.filter "
			    "\"%s\": %s", c->filter, pcap_geterr(dead));
		else
			snprintf(c->error, sizeof(c->error), "capture.filter "
			    "\"%s\" on link type %d: %s", c->filter, linktype,
			    pcap_geterr(dead));
		pcap_close(dead);
		return NULL;
	}
	pcap_close(dead);
	cp->linktype = linktype;
	c->nprog++;
	return &cp->prog;
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
	c->fd = c->ng_fd = -1;
	if (filter != NULL && filter[0] != '\0' &&
	    (c->filter = strdup(filter)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(c);
		return NULL;
	}
	if (open_input(c, path, errbuf) == -1) {
		snprintf(err, errlen, "%s", errbuf);
		capfile_close(c);
		return NULL;
	}
	if (c->pcap == NULL) {
		/* pcapng: each interface's filter is compiled as it comes. */
		return c;
	}
	c->linktype = pcap_datalink(c->pcap);
	if (c->filter != NULL && prog_for(c, c->linktype) == NULL) {
		snprintf(err, errlen, "%s", c->error);
		capfile_close(c);
		return NULL;
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
capfile_reader(const struct capfile *c)
{
	return c->ng_fd != -1 ? "pcapng" : c->fd != -1 ? "block" : "libpcap";
}

int
capfile_data_fd(const struct capfile *c)
{
	if (c->ng_fd != -1)
		return c->ng_seekable ? c->ng_fd : -1;
	return c->fd;
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
	pkt->file_off = (int64_t)(c->offset + REC_HDR_LEN);
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
	pkt->file_off = -1;
	pkt->caplen = hdr->caplen;
	pkt->wirelen = hdr->len > hdr->caplen ? hdr->len : hdr->caplen;
	pkt->ts_us = hdr->ts.tv_sec < 0 ? 0 :
	    usec_from_sec((uint64_t)hdr->ts.tv_sec) +
	    (uint64_t)(hdr->ts.tv_usec % (long)USEC_PER_SEC);
	return 1;
}

/*
 * Makes at least want bytes from the next block on readable in ng_buf,
 * unless the file ends first.  How many there are, or -1 on a read error.
 */
static ssize_t
ng_fill(struct capfile *c, size_t want)
{
	size_t have = c->ng_end - c->ng_pos;
	uint8_t *nb;
	ssize_t n;

	if (have >= want || c->ng_eof)
		return (ssize_t)have;
	if (c->ng_pos > 0) {
		memmove(c->ng_buf, c->ng_buf + c->ng_pos, have);
		c->ng_pos = 0;
		c->ng_end = have;
	}
	if (want > c->ng_cap) {
		if ((nb = realloc(c->ng_buf, want)) == NULL) {
			snprintf(c->error, sizeof(c->error), "block of %zu "
			    "bytes: %s", want, strerror(errno));
			return -1;
		}
		c->ng_buf = nb;
		c->ng_cap = want;
	}
	while (c->ng_end < want) {
		n = read(c->ng_fd, c->ng_buf + c->ng_end, c->ng_cap - c->ng_end);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(c->error, sizeof(c->error), "error reading "
			    "pcapng file: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			c->ng_eof = true;
			break;
		}
		c->ng_end += (size_t)n;
	}
	return (ssize_t)(c->ng_end - c->ng_pos);
}

static int
ng_damaged(struct capfile *c, const char *why)
{
	char tmp[160];

	snprintf(tmp, sizeof(tmp), "%s", why);
	snprintf(c->error, sizeof(c->error), "damaged pcapng file; block at "
	    "offset %llu: %s", (unsigned long long)c->ng_off, tmp);
	return -1;
}

/* A new interface in the current section. */
static int
ng_add_iface(struct capfile *c, const struct pcapng_iface *ifc)
{
	struct pcapng_iface *ni;
	uint32_t ncap;

	if (c->ng_nif == NG_MAX_IFACES)
		return ng_damaged(c, "more than 65536 interfaces in a section");
	if (c->ng_nif == c->ng_capif) {
		ncap = c->ng_capif == 0 ? 8 : c->ng_capif * 2;
		if ((ni = reallocarray(c->ng_if, ncap, sizeof(*ni))) == NULL)
			return ng_damaged(c, strerror(errno));
		c->ng_if = ni;
		c->ng_capif = ncap;
	}
	c->ng_if[c->ng_nif++] = *ifc;
	return 0;
}

/*
 * The next packet of a pcapng file: 1, 0 at a clean end (the end of a
 * block), -1 on damage.  Blocks other than section, interface and packet
 * blocks (name resolution, statistics, secrets, custom) are skipped.
 */
static int
ng_next(struct capfile *c, struct capfile_pkt *pkt)
{
	char why[160];
	struct pcapng_packet pk;
	struct pcapng_iface ifc;
	const uint8_t *b;
	uint32_t len, type;
	ssize_t have;

	for (;;) {
		if ((have = ng_fill(c, PCAPNG_SHB_PEEK)) == -1)
			return -1;
		if (have == 0)
			return 0;
		b = c->ng_buf + c->ng_pos;
		len = pcapng_block_len(b, (size_t)have, &c->ng_swapped, why,
		    sizeof(why));
		if (len == 0) {
			if ((size_t)have < PCAPNG_SHB_PEEK && c->ng_eof) {
				snprintf(c->error, sizeof(c->error), "truncated "
				    "pcapng file; block header at offset %llu "
				    "has %zd bytes", (unsigned long long)c->ng_off,
				    have);
				return -1;
			}
			return ng_damaged(c, why);
		}
		if ((have = ng_fill(c, len)) == -1)
			return -1;
		if ((size_t)have < len) {
			snprintf(c->error, sizeof(c->error), "truncated pcapng "
			    "file; block at offset %llu has %zd of %u bytes",
			    (unsigned long long)c->ng_off, have, len);
			return -1;
		}
		b = c->ng_buf + c->ng_pos;
		type = pcapng_block_type(b, c->ng_swapped);
		if (type == PCAPNG_BT_SHB) {
			if (pcapng_parse_shb(b, len, c->ng_swapped, why,
			    sizeof(why)) == -1)
				return ng_damaged(c, why);
			/* A new section describes its interfaces afresh. */
			c->ng_nif = 0;
		} else if (type == PCAPNG_BT_IDB) {
			if (pcapng_parse_idb(b, len, c->ng_swapped, &ifc, why,
			    sizeof(why)) == -1)
				return ng_damaged(c, why);
			if (ng_add_iface(c, &ifc) == -1)
				return -1;
		} else if (pcapng_is_packet(type)) {
			if (pcapng_parse_packet(b, len, c->ng_swapped, &pk, why,
			    sizeof(why)) == -1)
				return ng_damaged(c, why);
			if (pk.ifid >= c->ng_nif) {
				snprintf(why, sizeof(why), "packet on interface "
				    "%u, of %u described in its section",
				    pk.ifid, c->ng_nif);
				return ng_damaged(c, why);
			}
			if (pcapng_packet_fit(&c->ng_if[pk.ifid], &pk, why,
			    sizeof(why)) == -1)
				return ng_damaged(c, why);
			pkt->data = pk.data;
			pkt->caplen = pk.caplen;
			pkt->wirelen = pk.wirelen;
			pkt->ts_us = pcapng_time_us(&c->ng_if[pk.ifid], pk.ts);
			pkt->linktype = c->ng_if[pk.ifid].linktype;
			pkt->file_off = c->ng_seekable ?
			    (int64_t)(c->ng_off + (uint64_t)(pk.data - b)) : -1;
		}
		c->ng_pos += len;
		c->ng_off += len;
		if (pcapng_is_packet(type))
			return 1;
	}
}

/* Counts a packet handed on under its link type. */
static void
count_linktype(struct capfile *c, int linktype)
{
	int i;

	for (i = 0; i < c->nseen; i++)
		if (c->seen[i].linktype == linktype) {
			c->seen[i].packets++;
			return;
		}
	if (c->nseen < MAX_LINKTYPES) {
		c->seen[c->nseen].linktype = linktype;
		c->seen[c->nseen++].packets = 1;
	}
}

int
capfile_next(struct capfile *c, struct capfile_pkt *pkt)
{
	const struct bpf_program *prog;
	struct pcap_pkthdr ph;
	int rc;

	for (;;) {
		if (c->ng_fd != -1)
			rc = ng_next(c, pkt);
		else {
			rc = c->fd != -1 ? fast_next(c, pkt) :
			    pcap_next_pkt(c, pkt);
			pkt->linktype = c->linktype;
		}
		if (rc != 1)
			return rc;
		if (c->filter != NULL) {
			if ((prog = prog_for(c, pkt->linktype)) == NULL)
				return -1;
			ph.caplen = pkt->caplen;
			ph.len = pkt->wirelen;
			ph.ts.tv_sec = 0;
			ph.ts.tv_usec = 0;
			if (pcap_offline_filter(prog, &ph, pkt->data) == 0)
				continue;
		}
		count_linktype(c, pkt->linktype);
		return 1;
	}
}

int
capfile_linktypes(const struct capfile *c, int i,
    struct capfile_linktype *lt)
{
	if (i < 0 || i >= c->nseen)
		return 0;
	*lt = c->seen[i];
	return 1;
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
	for (int i = 0; i < c->nprog; i++)
		pcap_freecode(&c->prog[i].prog);
	free(c->filter);
	unmap_window(c);
	if (c->fd != -1)
		close(c->fd);
	if (c->ng_fd != -1)
		close(c->ng_fd);
	free(c->ng_buf);
	free(c->ng_if);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	free(c);
}
