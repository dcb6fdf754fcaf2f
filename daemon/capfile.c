/*
 * Capture files for -r: classic pcap files are read by libpcap; pcapng
 * files by our own block reader (lib/pcapng.c parses the blocks),
 * whatever they come from.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "pcapng.h"

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
	uint64_t	 ng_off;	/* file offset of the next block */
	struct pcapng_iface *ng_if;
	uint32_t	 ng_nif;
	uint32_t	 ng_capif;
};

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
	c->ng_fd = -1;
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
	return c;
}

int
capfile_linktype(const struct capfile *c)
{
	return c->linktype;
}

const char *
capfile_reader(const struct capfile *c)
{
	return c->ng_fd != -1 ? "pcapng" : "libpcap";
}

const char *
capfile_error(const struct capfile *c)
{
	return c->error;
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
			rc = pcap_next_pkt(c, pkt);
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
	size_t n = 0;
	int r = 1;

	while (n < max && (r = capfile_next(c, &pkt)) == 1)
		fn(ctx, n++, &pkt);
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
	if (c->ng_fd != -1)
		close(c->ng_fd);
	free(c->ng_buf);
	free(c->ng_if);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	free(c);
}
