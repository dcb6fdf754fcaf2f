/*
 * Capture files for -r.  libpcap opens classic pcap files and validates
 * their header; those on disk are then mapped a window at a time and
 * parsed by our own record reader, the rest (standard input, pipes, other
 * variants) read through pcap_next_ex().  libpcap's reader copies each
 * record twice through stdio, which cost more than the analysis of a
 * header-only packet.  pcapng files, from disk or a pipe, are read by our
 * own block reader (lib/pcapng.c parses the blocks): each interface has
 * its own link type, snapshot length and time stamp unit, which libpcap
 * 1.10 refuses as soon as they differ from the first interface's.
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
	int		 linktype;	/* of the interface it came from */
	int64_t		 file_off;	/* where data is in the file, or -1 */
};

/* Link types one file may mix; a file with more ends with an error. */
#define CAPFILE_MAX_LINKTYPES	16

struct capfile_linktype {
	int		 linktype;
	uint64_t	 packets;	/* handed on, after the filter */
};

/*
 * Opens path ("-" for standard input) and compiles filter (NULL or "" for
 * none).  NULL on failure, with the reason in err.
 */
struct capfile *capfile_open(const char *path, const char *filter,
	    char *err, size_t errlen);
/* The file's link type; -1 for pcapng, where each packet has its own. */
int	capfile_linktype(const struct capfile *);
/* The i-th link type packets came with so far; 0 past the last. */
int	capfile_linktypes(const struct capfile *, int i,
	    struct capfile_linktype *);
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
/*
 * The descriptor the packets' file_off refer to (the caller may dup it to
 * read them again with pread), or -1 when they have none.
 */
int	capfile_data_fd(const struct capfile *);
/* Which reader reads the records (for -vv): block, pcapng or libpcap. */
const char *capfile_reader(const struct capfile *);
/* Whether our classic pcap reader, not libpcap's, reads the records. */
int	capfile_is_fast(const struct capfile *);
void	capfile_close(struct capfile *);

#endif
