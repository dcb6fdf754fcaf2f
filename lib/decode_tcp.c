/*
 * TCP header and options (RFC 9293, RFC 7323, RFC 2018).  The payload
 * length comes from the IP length, so a headers-only capture still knows
 * how much data each segment carried.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "extract.h"

#define TCP_MIN_HDR_LEN		20
#define TCP_SEQ_OFF		4
#define TCP_ACK_OFF		8
#define TCP_DOFF_OFF		12
#define TCP_FLAGS_OFF		13
#define TCP_WIN_OFF		14

#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2
#define TCPOPT_WSCALE		3
#define TCPOPT_SACK_PERMITTED	4
#define TCPOPT_SACK		5
#define TCPOPT_TIMESTAMP	8

#define TCPOLEN_MSS		4
#define TCPOLEN_WSCALE		3
#define TCPOLEN_SACK_PERMITTED	2
#define TCPOLEN_SACK_BLOCK	8
#define TCPOLEN_TIMESTAMP	10

/* RFC 7323, section 2.3: a larger shift is used as 14. */
#define TCP_MAX_WSCALE		14

static bool	tcp_option(struct pkt *, uint8_t, const uint8_t *, size_t);
static enum decode_result tcp_options(struct pkt *, const uint8_t *, size_t);

/*
 * Record one option of olen bytes (kind and length included).  A known
 * kind with the wrong length is ignored, as Linux ignores it, and reported.
 */
static bool
tcp_option(struct pkt *p, uint8_t kind, const uint8_t *o, size_t olen)
{
	unsigned nblocks;
	size_t i;

	switch (kind) {
	case TCPOPT_MSS:
		if (olen != TCPOLEN_MSS)
			return false;
		p->mss = get_u16(o + 2);
		return true;
	case TCPOPT_WSCALE:
		if (olen != TCPOLEN_WSCALE)
			return false;
		p->wscale = o[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : o[2];
		return true;
	case TCPOPT_SACK_PERMITTED:
		if (olen != TCPOLEN_SACK_PERMITTED)
			return false;
		p->sack_permitted = true;
		return true;
	case TCPOPT_SACK:
		if (olen == 2 || (olen - 2) % TCPOLEN_SACK_BLOCK != 0)
			return false;
		nblocks = p->sack_blocks +
		    (unsigned)((olen - 2) / TCPOLEN_SACK_BLOCK);
		p->sack_blocks = (uint8_t)(nblocks > UINT8_MAX ?
		    UINT8_MAX : nblocks);
		/*
		 * Duplicate ACKs during loss recovery often differ only in
		 * their SACK blocks (IPv6 has no IP ID, and offloaded
		 * checksums are the same partial sum): the edges keep them
		 * from passing for copies of one packet.
		 */
		for (i = 2; i + TCPOLEN_SACK_BLOCK <= olen; i += TCPOLEN_SACK_BLOCK)
			p->sack_sig = (p->sack_sig ^ get_u32(o + i)) *
			    0x9e3779b1u ^ get_u32(o + i + 4);
		return true;
	case TCPOPT_TIMESTAMP:
		if (olen != TCPOLEN_TIMESTAMP)
			return false;
		p->has_timestamp = true;
		p->tsval = get_u32(o + 2);
		p->tsecr = get_u32(o + 6);
		return true;
	default:
		/* Unknown kinds have a length and are simply stepped over. */
		return true;
	}
}

/*
 * Walk the option area (the bytes between the fixed header and the data
 * offset).  An option whose length cannot be right stops the walk: what
 * follows it cannot be located.
 */
static enum decode_result
tcp_options(struct pkt *p, const uint8_t *opt, size_t optlen)
{
	enum decode_result r = DECODE_ok;
	size_t i = 0, olen;

	while (i < optlen) {
		uint8_t kind = opt[i];

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (optlen - i < 2)
			return DECODE_tcp_bad_option;
		olen = opt[i + 1];
		if (olen < 2 || olen > optlen - i)
			return DECODE_tcp_bad_option;
		if (!tcp_option(p, kind, opt + i, olen))
			r = DECODE_tcp_bad_option;
		i += olen;
	}
	return r;
}

enum decode_result
decode_tcp(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	size_t hlen;

	if (len < caplen)
		len = caplen;
	/*
	 * An IP length too short for the fixed header is the sender's doing,
	 * not the capture's: no data offset could be right.
	 */
	if (len < TCP_MIN_HDR_LEN)
		return DECODE_tcp_bad_offset;
	if (caplen < TCP_MIN_HDR_LEN)
		return DECODE_tcp_truncated;

	p->sport = get_u16(data);
	p->dport = get_u16(data + 2);
	p->seq = get_u32(data + TCP_SEQ_OFF);
	p->ack = get_u32(data + TCP_ACK_OFF);
	p->tcp_flags = data[TCP_FLAGS_OFF];
	p->win = get_u16(data + TCP_WIN_OFF);
	p->l4_checksum = get_u16(data + 16);

	hlen = (size_t)(data[TCP_DOFF_OFF] >> 4) * 4;
	if (hlen < TCP_MIN_HDR_LEN)
		return DECODE_tcp_bad_offset;
	/*
	 * A first fragment may end inside the options: the header goes on
	 * in the next fragment, which is not reassembled.  What matters is
	 * all in the fixed header; the options count as not captured and
	 * the payload, all in later fragments, as unknown (0).
	 */
	if (hlen > len) {
		if (!p->frag_first)
			return DECODE_tcp_bad_offset;
		p->payload_len = 0;
		return DECODE_ok;
	}
	p->payload_len = (uint32_t)(len - hlen);

	/*
	 * Options cut by the snaplen are left absent rather than half read:
	 * a missing MSS is better than a wrong one, and the segment itself
	 * is still good.
	 */
	if (caplen < hlen)
		return DECODE_ok;
	return tcp_options(p, data + TCP_MIN_HDR_LEN, hlen - TCP_MIN_HDR_LEN);
}
