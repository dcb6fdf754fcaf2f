/*
 * The pcapng capture file format (draft-ietf-opsawg-pcapng): the blocks
 * parsed from bytes already in memory.  Reading the file is the caller's;
 * this module only says what a block holds, checking every length against
 * the block's own before it reads a field.
 *
 * A file is one or more sections.  Each starts with a Section Header Block
 * that sets the byte order of everything up to the next one and forgets
 * the interfaces described before it.  Interface Description Blocks give
 * each interface its link type, snapshot length and time stamp unit;
 * packet blocks name their interface by its index in the section.
 */
#ifndef RSTWATCH_PCAPNG_H
#define RSTWATCH_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPNG_BT_SHB		0x0a0d0d0au	/* the same in both orders */
#define PCAPNG_BT_IDB		1
#define PCAPNG_BT_PB		2		/* obsolete Packet Block */
#define PCAPNG_BT_SPB		3
#define PCAPNG_BT_EPB		6

/* Type and total length; an SHB also needs its byte-order magic. */
#define PCAPNG_HDR_LEN		8
#define PCAPNG_SHB_PEEK		12
/* A block larger than this is taken for damage, not data (libpcap's too). */
#define PCAPNG_BLOCK_MAX	(16u << 20)
/* What libpcap gives a snapshot length of 0 or above it. */
#define PCAPNG_SNAPLEN_MAX	262144u

struct pcapng_iface {
	int		linktype;
	uint32_t	snaplen;	/* 1 to PCAPNG_SNAPLEN_MAX */
	uint64_t	units;		/* time stamp units per second */
	int64_t		tsoffset;	/* seconds added to every time stamp */
};

struct pcapng_packet {
	uint32_t	 ifid;		/* index in the section's interfaces */
	uint64_t	 ts;		/* in the interface's units */
	uint32_t	 caplen;	/* an SPB's: the bytes it holds */
	uint32_t	 wirelen;
	const uint8_t	*data;
	bool		 spb;		/* caplen is to be cut to the snaplen */
};

/*
 * The total length of the block whose first bytes are hdr (have of
 * them).  For an SHB, at least PCAPNG_SHB_PEEK bytes: its magic sets
 * *swapped.  Otherwise PCAPNG_HDR_LEN, in the order *swapped gives.
 * Returns the length (a multiple of 4, at least 12, at most
 * PCAPNG_BLOCK_MAX), or 0 with the reason in err.
 */
uint32_t pcapng_block_len(const uint8_t *hdr, size_t have, bool *swapped,
	    char *err, size_t errlen);
/* The block's type, in its section's order. */
uint32_t pcapng_block_type(const uint8_t *blk, bool swapped);

/*
 * Each takes a whole block of len bytes (as pcapng_block_len() gave) and
 * returns 0, or -1 with the reason in err.  The trailing length is
 * checked by every one of them.
 */
int	pcapng_parse_shb(const uint8_t *, uint32_t len, bool swapped,
	    char *err, size_t errlen);
int	pcapng_parse_idb(const uint8_t *, uint32_t len, bool swapped,
	    struct pcapng_iface *, char *err, size_t errlen);
/* EPB, SPB or PB; an SPB is on interface 0 at time 0. */
int	pcapng_parse_packet(const uint8_t *, uint32_t len, bool swapped,
	    struct pcapng_packet *, char *err, size_t errlen);
/* Whether the block type is one of the three packet blocks. */
bool	pcapng_is_packet(uint32_t type);

/*
 * Sets the captured length the reader hands on, once the packet's
 * interface is known: an SPB holds its wire length cut to the snapshot
 * length (-1 when the block is shorter than that); every packet is cut to
 * the snapshot length, as classic pcap records are.
 */
int	pcapng_packet_fit(const struct pcapng_iface *, struct pcapng_packet *,
	    char *err, size_t errlen);
/* Microseconds since the epoch; 0 for a time before it. */
uint64_t pcapng_time_us(const struct pcapng_iface *, uint64_t ts);

#endif
