/*
 * Capture files for -r.  libpcap opens every file and validates its
 * header; classic pcap files on disk are then read in large blocks by our
 * own record parser, the rest (pcapng, standard input) through
 * pcap_next_ex().  libpcap's reader copies each record twice through stdio,
 * which costs more than the analysis of a header-only packet.
 */
#ifndef RSTWATCHD_CAPFILE_H
#define RSTWATCHD_CAPFILE_H

#include <stddef.h>
#include <stdint.h>

struct capfile;

struct capfile_pkt {
	const uint8_t	*data;		/* valid until the next capfile_next() */
	uint32_t	 caplen;
	uint32_t	 wirelen;	/* at least caplen */
	uint64_t	 ts_us;
};

/*
 * Opens path ("-" for standard input) and compiles filter (NULL or "" for
 * none).  NULL on failure, with the reason in err.
 */
struct capfile *capfile_open(const char *path, const char *filter,
	    char *err, size_t errlen);
int	capfile_linktype(const struct capfile *);
/* 1: a packet that passes the filter; 0: end of file; -1: see error. */
int	capfile_next(struct capfile *, struct capfile_pkt *);
/* Why capfile_next() returned -1. */
const char *capfile_error(const struct capfile *);
/* Whether the fast reader is in use (for -v and the tests). */
int	capfile_is_fast(const struct capfile *);
void	capfile_close(struct capfile *);

#endif
