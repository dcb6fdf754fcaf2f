/*
 * Capture files for -r.  libpcap opens every file and validates its
 * header; classic pcap files on disk are then mapped a window at a time
 * and parsed by our own record reader, the rest (pcapng, standard input)
 * read through pcap_next_ex().  libpcap's reader copies each record twice
 * through stdio, which cost more than the analysis of a header-only
 * packet.
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
/*
 * Up to max packets, each handed to fn with its index; fn may read the
 * packet only during the call.  Returns how many; *rc is what the last
 * capfile_next() said (1 when max was reached).  Reading a file through
 * this call, not capfile_next(), survives the file being truncated under
 * its mapping: that ends the file with an error.
 */
size_t	capfile_read(struct capfile *, size_t max,
	    void (*fn)(void *ctx, size_t i, const struct capfile_pkt *),
	    void *ctx, int *rc);
/* Why capfile_next() returned -1. */
const char *capfile_error(const struct capfile *);
/* Whether our reader, not libpcap's, reads the records (for -vv). */
int	capfile_is_fast(const struct capfile *);
void	capfile_close(struct capfile *);

#endif
